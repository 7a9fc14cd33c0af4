#!/bin/sh
# t0002-chainlint.sh - the harness itself: the chain-lint (chainlint.pl)
# accepts chained bodies and refuses unchained ones, naming file, test and
# line; a body fails when any command in it fails (set -e really on);
# test_must_fail, test_expect_failure and the helper-function lint.
. "$(dirname "$0")/lib.sh"

LINT="$TEST_ROOT/tests/e2e/chainlint.pl"

# lint_ok FILE: the body in FILE passes, silently
lint_ok() {
	perl "$LINT" --file t.sh --test demo "$(cat "$1")" >lint.out 2>&1 &&
	test ! -s lint.out
}

# lint_bad FILE LINE: the body in FILE is refused, and the first report
# names body line LINE (there is no t.sh to place it in the file)
lint_bad() {
	test_must_fail --exit=1 perl "$LINT" --file t.sh --test demo "$(cat "$1")" >lint.out 2>&1 &&
	head -n 1 lint.out >first &&
	test_grep "^chain-lint: t.sh (line $2 of the body): test 'demo': " first
}

test_expect_success 'a chained body with a here-document, if, case and a loop passes' '
	cat >good1 <<-\EOF &&

		aivalue init &&
		cat >x <<-\END &&
		these lines are data
		  not commands
		END
		if test -f x
		then
			echo a &&
			echo b
		elif false
		then
			:
		else
			echo c
		fi &&
		for f in a b
		do
			echo "$f" >>seen || return 1
		done &&
		case $f in
		a*) echo yes ;;
		*) echo no &&
		   echo no2 ;;
		esac &&
		( cd . && pwd ) | grep / &&
		{ echo one && echo two; } >two &&
		y=$(echo "a
	b"; echo c) &&
		grep b two || { echo "no b in two" >&2; false; }
	EOF
	lint_ok good1
'

test_expect_success 'what git allows passes: || return, &, explicit failure' '
	cat >good2 <<-\EOF &&
		test -f a || return 1
		aivalue serve & pid=$! &&
		kill $pid &&
		{ st=0 && wait $pid || st=$?; } &&
		while read -r l
		do
			test -n "$l" || exit 1
		done <input &&
		test_must_fail aivalue nope &&
		cmd || {
			echo "why" >&2
			cat log
			false
		}
	EOF
	lint_ok good2
'

test_expect_success 'a command not joined with && is refused at its line' '
	printf "\n\taivalue init &&\n\taivalue apply -f x\n\taivalue get\n" >bad1 &&
	lint_bad bad1 3 &&
	test_grep "missing .&&. after this command" lint.out &&
	test_grep "^	*aivalue apply -f x$" lint.out &&
	test $(grep -c "^chain-lint:" lint.out) = 1
'

test_expect_success 'commands joined with ; are refused' '
	printf "a; b &&\nc\n" >bad2 &&
	lint_bad bad2 1
'

test_expect_success 'unchained commands inside if, { }, ( ) and case are refused' '
	printf "if true\nthen\n\techo a\n\techo b\nfi\n" >bad3 &&
	lint_bad bad3 3 &&
	printf "x &&\n{\n\techo a\n\techo b\n} >out\n" >bad4 &&
	lint_bad bad4 3 &&
	printf "(\n\tcd sub\n\tmake\n) &&\ny\n" >bad5 &&
	lint_bad bad5 2 &&
	printf "case x in\nx) a\n   b ;;\nesac\n" >bad6 &&
	lint_bad bad6 2
'

test_expect_success 'an if, loop or group not chained to the next command is refused' '
	printf "if a; then b; fi\nc\n" >bad7 &&
	lint_bad bad7 1 &&
	printf "{ a && b; }\nc\n" >bad8 &&
	lint_bad bad8 1
'

test_expect_success 'a loop without || return 1 in its body is refused' '
	printf "for f in a b\ndo\n\ttest -f \$f\ndone &&\nz\n" >bad9 &&
	lint_bad bad9 1 &&
	test_grep "loop without .|| return 1." lint.out &&
	printf "i=0 && while test \$i -lt 3; do i=\$((i + 1)); done\n" >bad10 &&
	lint_bad bad10 1
'

test_expect_success 'a command followed by st=$? is refused: set -e ends the body first' '
	printf "a &&\naivalue import x 2>err\nst=\$?\ntest \$st = 1\n" >bad14 &&
	lint_bad bad14 2
'

test_expect_success 'a || { ...; false; } fallback followed by an unchained command is refused' '
	printf "sh run.sh || { tail out; false; }\nnext\n" >bad11 &&
	lint_bad bad11 1
'

test_expect_success 'a body that does not parse is refused, not run' '
	printf "cat <<EOF &&\nno end\n" >bad12 &&
	test_must_fail perl "$LINT" "$(cat bad12)" >lint.out &&
	test_grep "cannot parse: here-document .EOF. is not closed" lint.out &&
	printf "echo \"open &&\nx\n" >bad13 &&
	test_must_fail perl "$LINT" "$(cat bad13)" >lint.out &&
	test_grep "cannot parse: unterminated double quote" lint.out
'

test_expect_success '--functions lints the helpers a script defines, nothing else' '
	cat >helpers.sh <<-\EOF &&
		top-level commands
		are not linted
		good() {
			a &&
			b
		}
		bad() {
			a
			b
		}
		for x in 1 2; do echo $x; done
	EOF
	test_must_fail --exit=1 perl "$LINT" --functions helpers.sh >lint.out &&
	test_grep "^chain-lint: helpers.sh:8: missing .&&. after this command:" lint.out &&
	test $(grep -c "^chain-lint:" lint.out) = 1
'

# A copy of the harness in a scratch tree, to run small test files with it
# and look at what they print.
test_expect_success 'set up a scratch test tree' '
	mkdir -p tree/tests/e2e tree/tmp &&
	cp "$TEST_ROOT/tests/e2e/lib.sh" "$LINT" tree/tests/e2e/
'

# run_inner NAME [LINT]: run tree/tests/e2e/NAME.sh (its tests from stdin)
# with AIV_CHAIN_LINT=LINT (default 1); its TAP goes to NAME.tap and its exit
# status to NAME.st.  $T0002_DIR is this test's directory (the inner
# harness has its own $TEST_DIR).
run_inner() {
	{ echo ". \"\$(dirname \"\$0\")/lib.sh\"" && cat && echo test_done; } >tree/tests/e2e/$1.sh &&
	st=0 &&
	{
		T0002_DIR=$TEST_DIR TMPDIR="$TEST_DIR/tree/tmp" AIV_CHAIN_LINT=${2:-1} \
			sh tree/tests/e2e/$1.sh >$1.tap 2>&1 || st=$?
	} &&
	echo $st >$1.st
}

test_expect_success 'with the lint off, a failing command in the middle of a body fails it' '
	run_inner t9001-middle <<-\EOF &&
		test_expect_success "middle fails" "
			false
			echo still here >\"$T0002_DIR/ran\"
		"
	EOF
	test_must_fail test -e ran &&
	run_inner t9001-middle 0 <<-\EOF &&
		test_expect_success "middle fails" "
			false
			echo still here >\"$T0002_DIR/ran\"
		"
	EOF
	test_grep "^not ok 1 - middle fails$" t9001-middle.tap &&
	test "$(cat t9001-middle.st)" = 1 &&
	test_must_fail test -e ran
'

test_expect_success 'with the lint on, the unchained body is refused and not run' '
	run_inner t9002-refused <<-\EOF &&
		test_expect_success "a good one" "true"
		test_expect_success "unchained" "
			true
			echo ran >\"$T0002_DIR/ran\"
		"
	EOF
	test_grep "^ok 1 - a good one$" t9002-refused.tap &&
	test_grep "^not ok 2 - unchained$" t9002-refused.tap &&
	test_grep "^#   chain-lint: t9002-refused.sh:4: test .unchained.: missing .&&. after this command:$" t9002-refused.tap &&
	test_grep "^#   	*true$" t9002-refused.tap &&
	test "$(cat t9002-refused.st)" = 1 &&
	test_must_fail test -e ran
'

test_expect_success 'a chained helper that fails fails the body wherever it is called' '
	run_inner t9003-helper <<-\EOF &&
		helper() {
			false &&
			echo helper went on >>"$T0002_DIR/went-on"
		}
		test_expect_success "helper last" "
			true &&
			helper
		"
		test_expect_success "helper first" "
			helper &&
			true
		"
	EOF
	test_grep "^not ok 1 - helper last$" t9003-helper.tap &&
	test_grep "^not ok 2 - helper first$" t9003-helper.tap &&
	test_must_fail test -e went-on
'

test_expect_success 'an unchained helper is reported once, as a failing first test' '
	run_inner t9004-badhelper <<-\EOF &&
		helper() {
			false
			echo helper went on
		}
		test_expect_success "uses it" "true"
	EOF
	test_grep "^not ok 1 - chain-lint: the helper functions of t9004-badhelper.sh$" t9004-badhelper.tap &&
	test_grep "^#   chain-lint: t9004-badhelper.sh:3: missing .&&. after this command:$" t9004-badhelper.tap &&
	test_grep "^ok 2 - uses it$" t9004-badhelper.tap &&
	test "$(cat t9004-badhelper.st)" = 1
'

test_expect_success 'test_must_fail as the last command, and a loop with || return 1' '
	run_inner t9005-mustfail <<-\EOF &&
		test_expect_success "must fail last" "
			true &&
			test_must_fail false
		"
		test_expect_success "must fail, but it succeeds" "
			test_must_fail true
		"
		test_expect_success "loop stops at the first failure" "
			for i in 1 2 3
			do
				echo \$i >>\"$T0002_DIR/iter\" &&
				test \$i != 2 || return 1
			done
		"
	EOF
	test_grep "^ok 1 - must fail last$" t9005-mustfail.tap &&
	test_grep "^not ok 2 - must fail, but it succeeds$" t9005-mustfail.tap &&
	test_grep "test_must_fail: .true. succeeded" t9005-mustfail.tap &&
	test_grep "^not ok 3 - loop stops at the first failure$" t9005-mustfail.tap &&
	printf "1\n2\n" >iter.expect &&
	test_cmp iter.expect iter
'

test_expect_success 'test_expect_failure: a TODO that fails, one that vanished' '
	run_inner t9006-todo <<-\EOF &&
		test_expect_failure "known breakage" "false"
		test_expect_failure "fixed since" "true"
	EOF
	test_grep "^not ok 1 - known breakage # TODO known breakage$" t9006-todo.tap &&
	test_grep "^ok 2 - fixed since # TODO known breakage vanished$" t9006-todo.tap &&
	test "$(cat t9006-todo.st)" = 0
'

test_expect_success 'a server started by a body that then fails is stopped at the end' '
	run_inner t9007-server <<-\EOF &&
		test_expect_success "starts a server and fails" "
			aivalue init >/dev/null &&
			start_server --quiet &&
			echo \$AIV_SERVER_PID >\"$T0002_DIR/server.pid\" &&
			false
		"
	EOF
	test_grep "^not ok 1 - starts a server and fails$" t9007-server.tap &&
	pid=$(cat server.pid) &&
	i=0 &&
	while kill -0 "$pid" 2>/dev/null; do
		test $i -lt 200 && sleep 0.05 && i=$((i + 1)) || return 1
	done
'

test_expect_success 'a test run from an if or a || list, where set -e is off, is refused' '
	run_inner t9008-context 0 <<-\EOF &&
		if true; then
			test_expect_success "in a then branch: runs" "
				false
				echo ran >>\"$T0002_DIR/context\"
			"
		fi
		run() { test_expect_success "$@"; }
		run "called in a || list" "
			echo ran >>\"$T0002_DIR/context\"
		" || :
	EOF
	test_grep "^not ok 1 - in a then branch: runs$" t9008-context.tap &&
	test_grep "^not ok 2 - called in a || list$" t9008-context.tap &&
	test_grep "called where the shell ignores set -e" t9008-context.tap &&
	test_must_fail test -e context
'

test_done
