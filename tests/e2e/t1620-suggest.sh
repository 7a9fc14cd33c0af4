#!/bin/sh
# A mistyped command, subcommand or long option is answered as git's
# help.autocorrect hint does: "did you mean ...?" with the nearest names
# (weighted Damerau-Levenshtein: a letter left out costs 1, a swap 0, a
# letter too many 3, a wrong one 2; a name the word starts counts as
# nearest), all of them when tied, none when nothing is close; exit 2.
. "$(dirname "$0")/lib.sh"

test_expect_success 'a mistyped command suggests the nearest and exits 2' '
	test_must_fail --exit=2 aivalue phse 2>err &&
	test_grep "^error: .phse. is not an aivalue command" err &&
	test_grep "^did you mean .phase.?$" err &&
	test_must_fail --exit=2 aivalue pahse 2>err &&
	test_grep "^did you mean .phase.?$" err &&
	test_must_fail --exit=2 aivalue rport 2>err &&
	test_grep "^did you mean .report.?$" err
'

test_expect_success 'tied candidates are all listed; a far word gets none' '
	test_must_fail --exit=2 aivalue co 2>err &&
	test_grep "^did you mean one of these?$" err &&
	test_grep "^	completion$" err &&
	test_grep "^	cost$" err &&
	test $(grep -c "^	" err) = 2 &&
	test_must_fail --exit=2 aivalue xyzzy 2>err &&
	test_grep "is not an aivalue command" err &&
	! grep "did you mean" err &&
	test_must_fail --exit=2 aivalue help phse 2>err &&
	test_grep "^did you mean .phase.?$" err
'

test_expect_success 'a mistyped long option suggests the nearest option' '
	aivalue init >/dev/null &&
	test_must_fail --exit=2 aivalue phase --as-off 2026-01-01 2>err &&
	test_grep "^error: unknown option .--as-off.$" err &&
	test_grep "^did you mean .--as-of.?$" err &&
	test_must_fail --exit=2 aivalue demo --siz small 2>err &&
	test_grep "^did you mean .--size.?$" err &&
	test_must_fail --exit=2 aivalue metrics --jsno 2>err &&
	test_grep "^did you mean .--json.?$" err
'

test_expect_success 'a mistyped subcommand suggests the nearest subcommand' '
	test_must_fail --exit=2 aivalue metrics hisory x 2>err &&
	test_grep "^error: .hisory. is not an aivalue metrics subcommand" err &&
	test_grep "^did you mean .history.?$" err &&
	test_must_fail --exit=2 aivalue audit verfy 2>err &&
	test_grep "^did you mean .verify.?$" err &&
	test_must_fail --exit=2 aivalue change aprove 7 2>err &&
	test_grep "^did you mean .approve.?$" err &&
	test_must_fail --exit=2 aivalue import csaes f.xes 2>err &&
	test_grep "^did you mean .cases.?$" err
'

# the subcommand lists live in src/cli/suggest.c, apart from the
# dispatchers: every name there must be one its command documents
test_expect_success 'every listed subcommand is in its command usage' '
	aivalue completion bash >c.bash &&
	sed -n "/^_aivalue_subcommands()/,/^}/p" c.bash |
		sed -n "s/^	\([a-z]*\)) echo .\([a-z -]*\). ;;$/\1 \2/p" >subs &&
	test $(wc -l <subs) -ge 15 &&
	while read -r cmd list; do
		aivalue help "$cmd" >usage 2>&1 &&
		for s in $list; do
			grep -q "$s" usage || { echo "$cmd: $s not in its usage"; exit 1; }
		done || exit 1
	done <subs
'

# and the other way: a subcommand a command documents is one the
# suggestions know (import org and audit stream once were not)
test_expect_success 'every subcommand in a usage is listed' '
	while read -r cmd list; do
		aivalue help "$cmd" >usage 2>&1 &&
		sed -n "s/^ *\(usage\|or\): aivalue $cmd \([a-z][a-z-]*\).*/\2/p" usage | sort -u >documented &&
		for s in $(cat documented); do
			case " $list " in
			*" $s "*) ;;
			*) echo "$cmd: $s is in its usage, not in src/cli/suggest.c"; exit 1 ;;
			esac
		done || exit 1
	done <subs
'

test_done
