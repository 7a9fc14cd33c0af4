#!/bin/sh
# t1642-concepts - docs/concepts.md stays true: it explains each of the
# framework's words that issue 16 names, each with the command that shows
# it, and every `aivalue ...` command quoted on the page runs on the small
# demo workspace and exits 0 (the page's own `aivalue demo` line is the
# setup).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

page="$TEST_ROOT/docs/concepts.md"

test_expect_success 'setup: the small demo, as the page says' '
	aivalue_demo demo --size small --dir data >demo.out &&
	grep -o "\`aivalue [^\`]*\`" "$page" | tr -d "\`" | sort -u >quoted &&
	grep "^aivalue demo --size small$" quoted &&
	grep -v "^aivalue demo " quoted >commands &&
	test "$(wc -l <commands)" -ge 20
'

test_expect_success 'each word of the framework is explained with the command that shows it' '
	for w in "Value model" "Metric" "Target" "Trend" "Failure mode and finding" \
		 "Leadership move" "Phase and gate" "Readiness" "Hypothesis" "Initiative" \
		 "Workflow" "Agent" "Exception" "Ledger"; do
		awk -v w="**$w.**" "index(\$0, w) == 1 { f = 1 } f && /^Shows it: \`aivalue / { ok = 1 } f && /^\$/ { exit } END { exit !ok }" "$page" ||
		{ echo "concepts.md: no paragraph \"$w\" ending with a command" >&2; return 1; }
	done
'

test_expect_success 'every command quoted in concepts.md exits 0 on the demo' '
	: >failed &&
	while read -r c; do
		st=0 &&
		eval "$c" >out 2>err </dev/null || st=$? &&
		if [ $st -ne 0 ]; then
			echo "concepts.md: \`$c\` exited $st: $(head -2 err)" >>failed
		fi || return 1
	done <commands &&
	test_cmp /dev/null failed
'

test_expect_success 'the commands show what the page says they show' '
	aivalue models workforce >m.out &&
	test_grep "Two-tier workforce" m.out &&
	test_grep "Make good easy" m.out &&
	aivalue metrics show proficiency_mix >t.out &&
	test_grep "^Target: " t.out &&
	aivalue metrics history repeat_use_rate --period month >h.out &&
	test_grep "Trend: \(rising\|falling\|no trend\)" h.out &&
	aivalue phase >p.out &&
	test_grep "^Exit gate of phase 1" p.out &&
	aivalue exceptions list >x.out &&
	test_grep "claims-review" x.out &&
	aivalue workflow readiness claims-triage >w.out &&
	test_grep "^exception handling" w.out
'

test_done
