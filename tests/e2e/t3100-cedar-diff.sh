#!/bin/sh
# Differential test against Cedar itself: a seeded corpus of 20 policy
# sets x 500 requests (10,000) evaluated by @cedar-policy/cedar-wasm and
# by `aivalue cedar eval` (pure Cedar semantics, fail-closed rule off);
# decisions, reasons and erroring policies must agree exactly.  Needs
# node and tests/cedar-diff/node_modules (npm install there); skipped
# otherwise.
. "$(dirname "$0")/lib.sh"

diff_dir="$TEST_ROOT/tests/cedar-diff"
if ! command -v node >/dev/null 2>&1 ||
   [ ! -d "$diff_dir/node_modules/@cedar-policy/cedar-wasm" ]; then
	echo "1..0 # SKIP cedar-wasm not installed (cd tests/cedar-diff && npm install)"
	exit 0
fi

test_expect_success 'the comparison itself detects a disagreement' '
	printf "allow reason=policy0 errors=\ndeny reason= errors=\n" >exp &&
	printf "allow reason=policy0 errors=\nallow reason=policy1 errors=\n" >act &&
	test_must_fail node "$diff_dir/compare.js" exp act >cmp.out &&
	test_grep "1 decision" cmp.out
'

test_expect_success 'aivalue agrees with Cedar on 10,000 generated requests' '
	"$diff_dir/run.sh" "$AIVALUE_BIN" 20261125 20 500 >diff.out 2>&1 ||
		{ cat diff.out; false; } &&
	cat diff.out &&
	test "$(grep -c "^ok - set" diff.out)" = 20 &&
	test "$(awk "{ n += \$7 } END { print n }" diff.out)" = 10000 &&
	test "$(tr -d "(" <diff.out | awk "{ n += \$9 } END { print (n > 1000) }")" = 1
'

test_done
