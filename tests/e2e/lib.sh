# tests/e2e/lib.sh - a tiny TAP test library for end-to-end shell tests,
# in the spirit of git's t/test-lib.sh.  Source it from a tNNNN-*.sh test:
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'init creates a workspace' '
#       aivalue init && test -f aivalue.db
#   '
#   test_done
#
# Each test runs in a fresh temporary directory ($TEST_DIR, removed at the
# end unless AIV_KEEP=1), with AIVALUE_DB pointing into it.  The binary
# under test is $AIVALUE_BIN (default: build/aivalue of this checkout);
# the asan target points it at the sanitizer build.

set -u
TEST_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${AIVALUE_BIN:=$TEST_ROOT/build/aivalue}"
case "$AIVALUE_BIN" in /*) ;; *) AIVALUE_BIN="$TEST_ROOT/$AIVALUE_BIN" ;; esac
export AIVALUE_BIN TEST_ROOT
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/aiv-test.XXXXXX")
export AIVALUE_DB="$TEST_DIR/aivalue.db"
export AIVALUE_ACTOR="test:runner"
export AIVALUE_BUSY_TIMEOUT_MS=300
unset AIVALUE_CATALOG
test_count=0
test_failed=0
cd "$TEST_DIR" || exit 1

aivalue() { "$AIVALUE_BIN" "$@"; }

cleanup_test_dir() {
	stop_server
	if [ "${AIV_KEEP:-0}" = 1 ]; then
		echo "# kept $TEST_DIR" >&2
	else
		rm -rf "$TEST_DIR"
	fi
}
trap cleanup_test_dir EXIT

say() { echo "# $*"; }

test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "set -e; $2") >"$TEST_DIR/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_DIR/.out"
		test_failed=$((test_failed + 1))
	fi
}

# Run a command that must fail with a given exit status (default: not 0,
# and never a crash: 128+ means a signal).
test_must_fail() {
	want=""
	case "$1" in --exit=*) want=${1#--exit=}; shift ;; esac
	"$@"
	st=$?
	if [ "$st" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	fi
	if [ "$st" -ge 128 ]; then
		echo "test_must_fail: '$*' died with signal $((st - 128))" >&2
		return 1
	fi
	if [ -n "$want" ] && [ "$st" -ne "$want" ]; then
		echo "test_must_fail: '$*' exited $st, expected $want" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL
test_cmp() { diff -u "$1" "$2"; }

# grep that prints the haystack when it fails
test_grep() {
	if ! grep "$@"; then
		eval "last=\${$#}"
		echo "test_grep: no match for '$*'; file was:" >&2
		cat "$last" >&2 2>/dev/null || true
		return 1
	fi
}

# jq-free JSON field access with python3 (standard library only):
#   json_get FILE 'expr'   where expr is Python over variable d
# (-S: no site-packages to import at each of its ~670 call sites)
json_get() { python3 -S -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# Start `aivalue serve` on a free loopback port; sets AIV_URL and AIV_SERVER_PID.
start_server() {
	AIV_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	"$AIVALUE_BIN" serve --listen "127.0.0.1:$AIV_PORT" "$@" >"$TEST_DIR/server.log" 2>&1 &
	AIV_SERVER_PID=$!
	AIV_URL="http://127.0.0.1:$AIV_PORT"
	i=0
	while ! curl -fsS "$AIV_URL/healthz" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $AIV_SERVER_PID 2>/dev/null; then
			echo "# server did not start:" && sed 's/^/#   /' "$TEST_DIR/server.log"
			return 1
		fi
		sleep 0.05
	done
	export AIV_URL AIV_SERVER_PID
}

# login_cookie TOKEN: sign in through POST /login as a browser does (with
# this server as Origin) and print the session cookie, "aiv_session=...",
# for curl -b.  The dashboard cookie holds a session id, never the token.
login_cookie() {
	curl -s -o /dev/null -D - -H "Origin: $AIV_URL" --data-urlencode "token=$1" \
		"$AIV_URL/login" | sed -n 's/^[Ss]et-[Cc]ookie: \(aiv_session=[^;]*\);.*/\1/p'
}

stop_server() {
	if [ -n "${AIV_SERVER_PID:-}" ]; then
		kill "$AIV_SERVER_PID" 2>/dev/null
		wait "$AIV_SERVER_PID" 2>/dev/null
		AIV_SERVER_PID=
	fi
}

test_done() {
	stop_server
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# ---- speed: what the tests of one user share (docs/testing.md, "Timing")
# AIV_CACHE is a folder outside the checkout; it holds only the python3
# link below, one folder per interpreter path (make test makes the same).
AIV_CACHE="${AIV_CACHE:-${TMPDIR:-/tmp}/aiv-test-cache-$(id -u)}"
export AIV_CACHE

# python3 without a version manager's shim.  A pyenv shim is a bash script
# that runs `pyenv exec`: on the 2-core machine it cost about 0.5 s of CPU
# and 2 s of wall time per start, and the suite starts python3 hundreds
# of times (json_get, the hostile clients, the verifier).  The
# interpreter the shim would run is resolved once (make test exports it as
# AIV_PYTHON; a test run alone resolves it itself) and a link to it named
# python3 goes first on PATH, for the test and every process it starts.
if [ -z "${AIV_PYTHON:-}" ]; then
	AIV_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || AIV_PYTHON=
fi
if [ -n "$AIV_PYTHON" ] && [ -x "$AIV_PYTHON" ]; then
	aiv_pybin="$AIV_CACHE/bin-$(printf '%s' "$AIV_PYTHON" | cksum | cut -d' ' -f1)"
	if [ "$(readlink "$aiv_pybin/python3" 2>/dev/null)" != "$AIV_PYTHON" ]; then
		mkdir -p "$aiv_pybin" &&
		ln -sf "$AIV_PYTHON" "$aiv_pybin/python3.$$" &&
		mv -f "$aiv_pybin/python3.$$" "$aiv_pybin/python3"
	fi
	PATH="$aiv_pybin:$PATH"
	export PATH AIV_PYTHON
fi
