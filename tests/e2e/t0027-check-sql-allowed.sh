#!/bin/sh
# tools/check-sql's ALLOWED list: control/snapshot.c may read assess/'s
# phase_verdicts (DESIGN.md: the later layer stores its verdict, the
# earlier one reads it there), but only that file, and only reading.
. "$(dirname "$0")/lib.sh"
CHECK="$TEST_ROOT/tools/check-sql"

copy_tree() {
	mkdir -p "$1" &&
	cp -R "$TEST_ROOT/src" "$1/"
}

test_expect_success 'the allowed read in control/snapshot.c passes' '
	copy_tree t1 &&
	grep -q "FROM phase_verdicts" t1/src/control/snapshot.c &&
	"$CHECK" --root t1 >out &&
	test_grep " 0 problem(s)" out
'

test_expect_success 'the same read from another control/ file fails' '
	copy_tree t2 &&
	printf "%s\n" "static const char *planted = \"SELECT earned FROM phase_verdicts\";" \
		>>t2/src/control/queue.c &&
	test_must_fail --exit=1 "$CHECK" --root t2 >out &&
	test_grep "^src/control/queue.c:[0-9]*: table .phase_verdicts. (owned by assess/) named outside assess/" out &&
	test_grep " 1 problem(s)" out
'

test_expect_success 'a write to the allowed table from control/snapshot.c fails' '
	copy_tree t3 &&
	printf "%s\n" "static const char *planted = \"DELETE FROM phase_verdicts WHERE id = ?\";" \
		>>t3/src/control/snapshot.c &&
	test_must_fail --exit=1 "$CHECK" --root t3 >out &&
	test_grep "^src/control/snapshot.c:[0-9]*: table .phase_verdicts. (owned by assess/) named outside assess/" out &&
	test_grep " 1 problem(s)" out
'

test_done
