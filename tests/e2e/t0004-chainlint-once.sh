#!/bin/sh
# t0004-chainlint-once.sh - the chain-lint reads a test file once: the
# perl that lints its helper functions also lists its single-quoted bodies
# that lint clean (chainlint.pl --clean-bodies), and lib.sh starts no
# second perl for a body whose text is one of them.  An unchained body, or
# one whose text is built at run time, is linted and refused as before.
. "$(dirname "$0")/lib.sh"

LINT="$TEST_ROOT/tests/e2e/chainlint.pl"

test_expect_success '--clean-bodies lists the clean single-quoted bodies, and only them' '
	cat >three.sh <<-\EOF &&
		test_expect_success "clean" '\''
			echo one &&
			echo two
		'\''
		test_expect_success "unchained" '\''
			echo one
			echo two
		'\''
		test_expect_success "double-quoted" "
			echo \$x &&
			echo y
		"
	EOF
	perl "$LINT" --functions --clean-bodies clean.sh three.sh >lint.out &&
	test ! -s lint.out &&
	printf "%s\n" "aiv_lint_n=1" "aiv_lint_1='\''" "echo one &&" "echo two" "'\''" >expect &&
	test_cmp expect clean.sh &&
	aiv_lint_n= &&
	aiv_lint_1= &&
	. ./clean.sh &&
	test "$aiv_lint_n" = 1 &&
	test "$aiv_lint_1" = "
echo one &&
echo two
"
'

test_expect_success '--clean-bodies goes with --functions and one file only' '
	test_must_fail --exit=2 perl "$LINT" --clean-bodies x.sh three.sh 2>err &&
	test_grep "^usage: " err &&
	test_must_fail --exit=2 perl "$LINT" --functions --clean-bodies x.sh three.sh three.sh 2>err &&
	test_grep "^usage: " err &&
	test_must_fail test -e x.sh
'

# A copy of the harness in a scratch tree, with a perl first on PATH that
# logs how it was called (the first two arguments) before running the
# real one.
test_expect_success 'set up a scratch test tree and a logging perl' '
	mkdir -p tree/tests/e2e tree/tmp bin &&
	cp "$TEST_ROOT/tests/e2e/lib.sh" "$LINT" tree/tests/e2e/ &&
	real=$(command -v perl) &&
	printf "#!/bin/sh\necho \"\$1 \$2\" >>\"%s/perl.log\"\nexec %s \"\$@\"\n" "$TEST_DIR" "$real" >bin/perl &&
	chmod +x bin/perl
'

test_expect_success 'a clean body starts no perl; unchained and run-time bodies are linted' '
	cat >tree/tests/e2e/t9101-once.sh <<-\EOF &&
		. "$(dirname "$0")/lib.sh"
		test_expect_success "clean one" '\''
			echo one >one &&
			test -s one
		'\''
		test_expect_success "clean two" '\''
			echo two >two &&
			test -s two
		'\''
		test_expect_success "unchained" '\''
			true
			echo ran >"$T0004_DIR/ran"
		'\''
		for k in a b
		do
			test_expect_success "built at run time, $k" "
				echo $k
				echo ran-$k >>\"\$T0004_DIR/ran\"
			"
		done
		test_expect_success "clean one again" '\''
			echo one >one &&
			test -s one
		'\''
		test_done
	EOF
	st=0 &&
	{
		PATH="$TEST_DIR/bin:$PATH" T0004_DIR=$TEST_DIR TMPDIR="$TEST_DIR/tree/tmp" \
			sh tree/tests/e2e/t9101-once.sh >once.tap 2>&1 || st=$?
	} &&
	test "$st" = 1 &&
	test_grep "^ok 1 - clean one$" once.tap &&
	test_grep "^ok 2 - clean two$" once.tap &&
	test_grep "^not ok 3 - unchained$" once.tap &&
	test_grep "^#   chain-lint: t9101-once.sh:11: test .unchained.: missing .&&. after this command:$" once.tap &&
	test_grep "^not ok 4 - built at run time, a$" once.tap &&
	test_grep "^not ok 5 - built at run time, b$" once.tap &&
	test_grep "^ok 6 - clean one again$" once.tap &&
	test_must_fail test -e ran &&
	printf "%s\n" "$TEST_DIR/tree/tests/e2e/chainlint.pl --functions" \
		"$TEST_DIR/tree/tests/e2e/chainlint.pl --file" \
		"$TEST_DIR/tree/tests/e2e/chainlint.pl --file" \
		"$TEST_DIR/tree/tests/e2e/chainlint.pl --file" >expect &&
	test_cmp expect perl.log
'

test_expect_success 'with the lint off, no perl starts at all' '
	rm -f perl.log &&
	st=0 &&
	{
		PATH="$TEST_DIR/bin:$PATH" T0004_DIR=$TEST_DIR TMPDIR="$TEST_DIR/tree/tmp" AIV_CHAIN_LINT=0 \
			sh tree/tests/e2e/t9101-once.sh >off.tap 2>&1 || st=$?
	} &&
	test "$st" = 0 &&
	test_grep "^ok 3 - unchained$" off.tap &&
	test_must_fail test -e perl.log
'

test_done
