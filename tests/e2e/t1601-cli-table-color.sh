#!/bin/sh
#
# t1601: tables of the read commands are aligned and, on a terminal, fit
# its width ($COLUMNS here, on a pseudo-terminal from script(1)); in a pipe
# nothing is cut.  Colour marks gate states, metric states and severities
# on a terminal only: never in a pipe, under NO_COLOR or with
# --color=never; --color=always forces it.  (issue 16)

. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"
export AIVALUE_FAKE_TIME=2026-11-25T12:00:00Z
unset NO_COLOR

ESC=$(printf '\033')

test_expect_success 'set up Acme' '
	command -v script >/dev/null &&
	aivalue init >/dev/null &&
	aivalue apply -f "$ACME" >/dev/null
'

test_expect_success 'get in a pipe: aligned, nothing cut' '
	aivalue get initiatives >pipe.txt &&
	test_grep "^NAME  *MODEL  *PHASE  STATUS  *OWNER  *TITLE$" pipe.txt &&
	test_grep "^claims-triage-agent  *process  *3  pilot  *kerem.sahin  *Motor claims triage agent$" pipe.txt &&
	! grep "…" pipe.txt &&
	test "$(widest pipe.txt)" -gt 100 &&
	col=$(head -1 pipe.txt | awk "{ print index(\$0, \"TITLE\") }") &&
	test "$(grep "^claims-triage-agent " pipe.txt | awk "{ print index(\$0, \"Motor claims\") }")" = "$col"
'

# 6 columns 29+12+5+10+20+34 wide and 5 gaps of 2 make 120: the widest text
# columns are cut one character at a time until the table is 60 wide, and
# PHASE (a number) is kept: every text column ends at 9, 5 x 9 + 5 + 10 = 60
test_expect_success 'get on a 60-column terminal: cut with an ellipsis to fit' '
	COLUMNS=60 on_tty get initiatives >tty.txt &&
	test "$(widest tty.txt)" = 60 &&
	test_grep "^NAME       MODEL      PHASE  STATUS     OWNER      TITLE$" tty.txt &&
	test_grep "^claims-t…  process        3  pilot      kerem.sa…  Motor cl…$" tty.txt &&
	test "$(grep -c "" tty.txt)" = "$(grep -c "" pipe.txt)"
'

test_expect_success 'metrics, audit show: fit on the terminal, whole in a pipe' '
	COLUMNS=60 on_tty metrics >m-tty.txt &&
	test "$(widest m-tty.txt)" -le 60 &&
	test_grep "…" m-tty.txt &&
	aivalue metrics >m.txt &&
	test "$(widest m.txt)" -gt 60 &&
	test_grep "^repeat_use_rate  *Repeat use  *no data  *60.0 %  no data$" m.txt &&
	COLUMNS=60 on_tty audit show -n 5 >a-tty.txt &&
	test "$(widest a-tty.txt)" -le 60 &&
	test_grep "^2026-11-25 12:00:00  " a-tty.txt &&
	aivalue audit show -n 5 >a.txt &&
	! grep "…" a.txt &&
	test_grep "^TIME (UTC)  *ACTOR  *WHAT  *OBJECT$" a.txt
'

test_expect_success 'colour on a terminal; none in a pipe, under NO_COLOR or --color=never' '
	on_tty phase >c-tty.txt &&
	test_grep "^  ${ESC}\[32mpass${ESC}\[0m  *ledger_verifies  " c-tty.txt &&
	test_grep "^  ${ESC}\[33mlacks evidence${ESC}\[0m  *repeat_use_spread  " c-tty.txt &&
	aivalue phase >c-pipe.txt &&
	! grep "$ESC" c-pipe.txt &&
	test_grep "^  pass            ledger_verifies  " c-pipe.txt &&
	NO_COLOR=1 on_tty phase >c-nc.txt &&
	! grep "$ESC" c-nc.txt &&
	test_cmp c-pipe.txt c-nc.txt &&
	on_tty --color=never phase >c-never.txt &&
	! grep "$ESC" c-never.txt &&
	NO_COLOR= on_tty phase >c-empty.txt &&
	test_grep "$ESC" c-empty.txt &&
	TERM=dumb on_tty metrics >c-dumb.txt &&
	! grep "$ESC" c-dumb.txt
'

test_expect_success '--color=always colours a pipe; states and severities have their colours' '
	aivalue --color=always phase >a1.txt &&
	test_grep "^  ${ESC}\[32mpass${ESC}\[0m  *ledger_verifies  " a1.txt &&
	aivalue phase --color always >a2.txt &&
	test_cmp a1.txt a2.txt &&
	aivalue --color=always metrics >a3.txt &&
	test_grep "^repeat_use_rate  *Repeat use  *no data  *60.0 %  ${ESC}\[2mno data${ESC}\[0m$" a3.txt &&
	aivalue --color=always metrics show repeat_use_rate >a6.txt &&
	test_grep "^Repeat use (repeat_use_rate): no data, ${ESC}\[2mno data${ESC}\[0m$" a6.txt &&
	aivalue --color=always findings >a4.txt &&
	test_grep "^${ESC}\[31m\[high\]${ESC}\[0m A demo, not a workflow$" a4.txt &&
	test_grep "^${ESC}\[33m\[medium\]${ESC}\[0m Automating before controls are mature$" a4.txt &&
	aivalue --color=always phase --json >a5.json &&
	! grep "$ESC" a5.json
'

test_expect_success 'a bad --color is a usage error' '
	test_must_fail --exit=2 aivalue --color=sometimes phase 2>err &&
	test_grep "^error: --color must be always, auto or never, not .sometimes.$" err &&
	test_must_fail --exit=2 aivalue phase --color 2>err &&
	test_grep "needs a value" err
'

test_done
