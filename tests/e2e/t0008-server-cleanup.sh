#!/bin/sh
# t0008-server-cleanup.sh - the harness stops what a test file left
# running: a process noted in $TEST_DIR/.servers with its port (a server
# on --listen 127.0.0.1:PORT, or :0 for start_server's), and one noted
# without a port (an upstream: node, tests/mcp/fake-upstream.py) while its
# environment has the file's TMPDIR; a pid that is not the file's is left
# alone.  start_server binds port 0 and reads the port from serve's line.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

# A copy of the harness in a scratch tree, as in t0002.
test_expect_success 'set up a scratch test tree' '
	mkdir -p tree/tests/e2e tree/tmp &&
	cp "$TEST_ROOT/tests/e2e/lib.sh" "$TEST_ROOT/tests/e2e/chainlint.pl" tree/tests/e2e/
'

# run_inner NAME: run tree/tests/e2e/NAME.sh (its tests from stdin); its
# TAP goes to NAME.tap.  $T0008_DIR is this test's directory.
run_inner() {
	{ echo ". \"\$(dirname \"\$0\")/lib.sh\"" && cat && echo test_done; } >tree/tests/e2e/$1.sh &&
	T0008_DIR=$TEST_DIR TMPDIR="$TEST_DIR/tree/tmp" \
		sh tree/tests/e2e/$1.sh >$1.tap 2>&1
}
# gone PID: no such process, or one that exited and waits to be reaped
gone() {
	! kill -0 "$1" 2>/dev/null ||
	case "$(cat "/proc/$1/stat" 2>/dev/null)" in *") Z "*) true ;; *) false ;; esac
}

test_expect_success 'an upstream noted without a port is stopped at the end of its file' '
	run_inner t9001-upstream <<-\EOF &&
		python3 -S -c "import time; time.sleep(600)" &
		echo "$!" >>"$TEST_DIR/.servers"
		echo "$!" >"$T0008_DIR/upstream.pid"
		test_expect_success "it runs" "kill -0 \$(cat \"\$T0008_DIR/upstream.pid\")"
	EOF
	test_grep "^ok 1 - it runs" t9001-upstream.tap &&
	wait_until 30 gone "$(cat upstream.pid)"
'

test_expect_success 'a pid noted without a port that is not the file'"'"'s is left alone' '
	{ TMPDIR="$TEST_DIR/elsewhere" python3 -S -c "import time; time.sleep(600)" & } &&
	echo "$!" >other.pid &&
	run_inner t9002-other <<-\EOF &&
		echo "$(cat "$T0008_DIR/other.pid")" >>"$TEST_DIR/.servers"
		test_expect_success "noted" "true"
	EOF
	test_grep "^ok 1 - noted" t9002-other.tap &&
	sleep 1 &&
	: the check above would have killed it by now, the file has ended &&
	kill -0 "$(cat other.pid)" &&
	kill "$(cat other.pid)"
'

test_expect_success 'start_server binds port 0 and reports the port it got; the server is stopped' '
	aivalue --db "$TEST_DIR/inner.db" init >/dev/null 2>&1 &&
	run_inner t9003-serve <<-\EOF &&
		export AIVALUE_DB="$T0008_DIR/inner.db"
		test_expect_success "serves" "
			start_server --quiet &&
			tr \"\\\\0\" \" \" </proc/\$AIV_SERVER_PID/cmdline >cmdline &&
			test_grep -e \"--listen 127.0.0.1:0 \" cmdline &&
			test \"\$AIV_PORT\" -gt 0 &&
			test_grep \"^serving http://127.0.0.1:\$AIV_PORT/\$\" \"\$TEST_DIR/server.log\" &&
			curl -fsS \"\$AIV_URL/healthz\" >/dev/null &&
			echo \"\$AIV_SERVER_PID\" >\"\$T0008_DIR/server.pid\"
		"
	EOF
	test_grep "^ok 1 - serves" t9003-serve.tap &&
	wait_until 30 gone "$(cat server.pid)"
'

test_done
