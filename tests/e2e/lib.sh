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
TEST_SCRIPT=$(cd "$(dirname "$0")" && pwd)/${0##*/}   # this test file, for the chain-lint
: "${AIVALUE_BIN:=$TEST_ROOT/build/aivalue}"
case "$AIVALUE_BIN" in /*) ;; *) AIVALUE_BIN="$TEST_ROOT/$AIVALUE_BIN" ;; esac
export AIVALUE_BIN TEST_ROOT
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/aiv-test.XXXXXX")
# what the programs a test runs put in $TMPDIR goes with the test directory
mkdir "$TEST_DIR/tmp" || exit 1
export TMPDIR="$TEST_DIR/tmp"
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
	# servers (serve, gateway) a test body started in its subshell, and left
	# running if it failed; a pid is only ours while its command line names
	# our port (0 for start_server's, which binds port 0: a pid of this run
	# is not reused by another file's server within the run).  A pid noted
	# without a port (an upstream: node, tests/mcp/fake-upstream.py) is ours
	# while its environment has this file's TMPDIR; before, nothing stopped
	# those, and t8142 and t8145 left their fake upstream running every run.
	if [ -f "$TEST_DIR/.servers" ]; then
		while read -r pid port; do
			if [ -z "$port" ]; then
				{ tr '\0' '\n' <"/proc/$pid/environ" | grep -qx "TMPDIR=$TEST_DIR/tmp"; } 2>/dev/null &&
				kill "$pid" 2>/dev/null
				continue
			fi
			case "$( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)" in
			*" --listen 127.0.0.1:$port "*) kill "$pid" 2>/dev/null ;;
			esac
		done <"$TEST_DIR/.servers"
	fi
	if [ "${AIV_KEEP:-0}" = 1 ]; then
		echo "# kept $TEST_DIR" >&2
	else
		rm -rf "$TEST_DIR"
	fi
}
trap cleanup_test_dir EXIT

# ---- backend: where the workspace lives (docs/testing.md, "PostgreSQL")
# By default $AIVALUE_DB is a SQLite file in $TEST_DIR and the prerequisite
# SQLITE holds.  With AIVALUE_TEST_BACKEND=pg and AIVALUE_TEST_PG the base
# URI of a running server (postgres://USER@HOST:PORT, no database; what
# tests/pg/pg-start prints, and what `make test-pg` sets), the file gets a
# fresh database of its own, created here and dropped at the end, and
# $AIVALUE_DB is its URI.  A test that reads the workspace file itself
# (sqlite3, cp, test -f) names the prerequisite, as in git's tests:
#   test_expect_success SQLITE 'title' 'body'
# and is reported "ok N # skip title (missing SQLITE)" on PostgreSQL.
# PG holds when a server is there (AIVALUE_TEST_PG, or test_start_pg).
aiv_prereqs=" "
test_set_prereq() { aiv_prereqs="$aiv_prereqs$1 "; }
# test_have_prereq A,B,!C: all of A and B hold and C does not
test_have_prereq() {
	for aiv_p in $(echo "$1" | tr ',' ' '); do
		case "$aiv_p" in
		!*) case "$aiv_prereqs" in *" ${aiv_p#!} "*) return 1 ;; esac ;;
		*) case "$aiv_prereqs" in *" $aiv_p "*) ;; *) return 1 ;; esac ;;
		esac
	done
	return 0
}
# test_skip_ PREREQ TITLE BODY: print the skip line and succeed when
# PREREQ does not hold (test_expect_success's three-argument form)
test_skip_() {
	test_have_prereq "$1" && return 1
	echo "ok $test_count # skip $2 (missing $1)"
	return 0
}
# pg_uri DB: the URI of database DB on the server $AIVALUE_TEST_PG (a
# query string such as ?host=/socket/dir stays at the end)
pg_uri() {
	case "$AIVALUE_TEST_PG" in
	*\?*) echo "${AIVALUE_TEST_PG%%\?*}/$1?${AIVALUE_TEST_PG#*\?}" ;;
	*) echo "${AIVALUE_TEST_PG%/}/$1" ;;
	esac
}
# pg_create_db NAME: a new empty database on $AIVALUE_TEST_PG, dropped
# (with its connections) when the file ends; its URI is $(pg_uri NAME).
# The names to drop are kept in a file: a test body is a subshell.
pg_create_db() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_uri postgres)" \
		-c "CREATE DATABASE \"$1\"" >/dev/null &&
	echo "$1" >>"$TEST_DIR/.pg_dbs"
}
# test_start_pg: a server for this file when none was given: started in
# $TEST_DIR/pg by tests/pg/pg-start (when PostgreSQL 15 is installed) and
# stopped at the end.  Sets PG when a server is there.
aiv_pg_own=
test_start_pg() {
	if [ -z "${AIVALUE_TEST_PG:-}" ] && [ -x "$TEST_ROOT/tests/pg/pg-start" ] &&
		AIVALUE_TEST_PG=$("$TEST_ROOT/tests/pg/pg-start" "$TEST_DIR/pg" 2>"$TEST_DIR/pg-start.log"); then
		aiv_pg_own=1
		export AIVALUE_TEST_PG
	fi
	[ -z "${AIVALUE_TEST_PG:-}" ] || test_set_prereq PG
}
aiv_pg_cleanup_() {
	stop_server
	for aiv_d in $(cat "$TEST_DIR/.pg_dbs" 2>/dev/null); do
		psql -X -q -d "$(pg_uri postgres)" \
			-c "DROP DATABASE IF EXISTS \"$aiv_d\" WITH (FORCE)" >/dev/null 2>&1
	done
	if [ -n "$aiv_pg_own" ]; then
		"$TEST_ROOT/tests/pg/pg-stop" "$TEST_DIR/pg" >/dev/null 2>&1
	fi
	return 0
}
trap 'aiv_pg_cleanup_; cleanup_test_dir' EXIT
if [ "${AIVALUE_TEST_BACKEND:-sqlite}" = pg ]; then
	aiv_t=${0##*/}
	aiv_t="aiv_${aiv_t%%-*}_$$"
	if [ -z "${AIVALUE_TEST_PG:-}" ] || ! pg_create_db "$aiv_t"; then
		echo "Bail out! AIVALUE_TEST_BACKEND=pg: cannot create a database on '${AIVALUE_TEST_PG:-}' (AIVALUE_TEST_PG: a postgres:// base URI)"
		exit 1
	fi
	AIVALUE_DB=$(pg_uri "$aiv_t")
	export AIVALUE_DB
	test_set_prereq PG
else
	test_set_prereq SQLITE
	[ -z "${AIVALUE_TEST_PG:-}" ] || test_set_prereq PG
fi
# test_sql SQL: run SQL on this file's workspace, whichever the backend
# (sqlite3 on the file, psql on the database), rows printed as sqlite3
# prints them: fields joined by '|', no header.  For tests that read or
# tamper with the store itself; the SQL must be valid on both engines
# (strings in single quotes).
test_sql() {
	aiv_sql_on_ "$AIVALUE_DB" "$1"
}
aiv_sql_on_() {
	case "$1" in
	postgres://* | postgresql://*)
		psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2" ;;
	*) sqlite3 "$1" "$2" ;;
	esac
}
# workspace_copy NAME [FROM]: a copy of this file's workspace (or of the
# copy named FROM) to tamper with:
# NAME.db in $TEST_DIR on SQLite, on PostgreSQL a database made with
# CREATE DATABASE ... TEMPLATE (no server may be connected to the
# workspace meanwhile) and dropped at the end.  workspace_db NAME prints
# what --db takes for the copy; test_sql_on NAME SQL runs SQL on it.
workspace_db() {
	case "$AIVALUE_DB" in
	postgres://* | postgresql://*) pg_uri "${aiv_t}_$1" ;;
	*) echo "$TEST_DIR/$1.db" ;;
	esac
}
workspace_copy() {
	case "$AIVALUE_DB" in
	postgres://* | postgresql://*)
		psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_uri postgres)" \
			-c "CREATE DATABASE \"${aiv_t}_$1\" TEMPLATE \"$aiv_t${2:+_$2}\"" >/dev/null &&
		echo "${aiv_t}_$1" >>"$TEST_DIR/.pg_dbs" ;;
	*) sqlite3 "$(if [ -n "${2:-}" ]; then workspace_db "$2"; else echo "$AIVALUE_DB"; fi)" \
		".backup '$TEST_DIR/$1.db'" ;;
	esac
}
test_sql_on() {
	aiv_sql_on_ "$(workspace_db "$1")" "$2"
}
# workspace_new NAME: an empty store, not initialised (NAME.db on SQLite,
# a new database on PostgreSQL); workspace_db NAME prints its --db.
workspace_new() {
	case "$AIVALUE_DB" in
	postgres://* | postgresql://*) pg_create_db "${aiv_t}_$1" ;;
	*) rm -f "$TEST_DIR/$1.db" ;;
	esac
}
# workspace_reset: this file's workspace emptied, as if never initialised
# (the file removed on SQLite; on PostgreSQL the database dropped, its
# connections closed, and created again), for a test that starts afresh
workspace_reset() {
	case "$AIVALUE_DB" in
	postgres://* | postgresql://*)
		psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_uri postgres)" \
			-c "DROP DATABASE IF EXISTS \"$aiv_t\" WITH (FORCE)" \
			-c "CREATE DATABASE \"$aiv_t\"" >/dev/null ;;
	*) rm -f "$AIVALUE_DB" "$AIVALUE_DB-wal" "$AIVALUE_DB-shm" ;;
	esac
}
# test_dump: the workspace's whole content as SQL text (pg_dump --data-only
# on PostgreSQL, without its \restrict lines, whose key is new each time;
# the sqlite3 shell's .dump on SQLite, as test_sql uses: Python's iterdump
# cost about 90 ms of CPU a call, the shell under 10, and t4100/t4110
# dump twice per refused request, 150 times), to show that something
# wrote nothing
test_dump() {
	case "$AIVALUE_DB" in
	postgres://* | postgresql://*)
		pg_dump --data-only --no-owner --no-privileges -d "$AIVALUE_DB" \
			>"$TEST_DIR/.pg_dump.sql" 2>"$TEST_DIR/.pg_dump.err" &&
		sed '/^\\\(un\)\{0,1\}restrict /d' "$TEST_DIR/.pg_dump.sql" ;;
	*) sqlite3 "$AIVALUE_DB" .dump ;;
	esac
}

# test_hold_write_lock READY SECONDS: hold the workspace's write lock, as
# a writer in another process holds it (BEGIN IMMEDIATE on SQLite; on
# PostgreSQL the advisory lock store/pg.c's store_begin takes), for
# SECONDS, and create the file READY once it is held.  Run it in the
# background (`test_hold_write_lock ready 3 &`): it execs the holder, so
# $! is the holder and `kill $!` releases the lock at once (on PostgreSQL
# the server notices the closed connection within 0.1 s).
test_hold_write_lock() {
	case "$AIVALUE_DB" in
	postgres://* | postgresql://*)
		exec psql -X -q -d "$AIVALUE_DB" -c "SET client_connection_check_interval = 100" \
			-c BEGIN -c "SELECT pg_advisory_xact_lock(1095325249)" -c "\\! touch '$1'" \
			-c "SELECT pg_sleep($2)" -c COMMIT >/dev/null ;;
	*) exec python3 -S -c "import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute('BEGIN IMMEDIATE')
open(sys.argv[2], 'w').close()
time.sleep(float(sys.argv[3]))" "$AIVALUE_DB" "$1" "$2" ;;
	esac
}

say() { echo "# $*"; }

# The body runs in a subshell with set -e, and that subshell must not sit
# in an if, a ! or a && / || list: there the shell ignores set -e for
# everything inside, functions included (POSIX, "set -e"), and a failing
# command in the middle of a body would go unnoticed.  So the subshell is
# a plain command and its status is read afterwards.  The body runs inside
# a function so that `|| return 1` in a loop ends it, as in git's tests.
test_eval_() { eval "$1"; }

# test_run_ NAME BODY: run BODY; its output goes to $TEST_DIR/.out and its
# exit status to $test_status ("lint" if it was refused and not run).  The
# chain-lint (tests/e2e/chainlint.pl) looks at it first unless
# AIV_CHAIN_LINT=0.
test_run_() {
	# refuse to run where set -e would be off in the body: when the caller
	# of test_expect_success is itself in an if, a ! or a && / || list
	(set -e; false; true)
	if [ $? -eq 0 ]; then
		echo "test_expect_* was called where the shell ignores set -e (in an if, a ! or a && / || list): a failing command would not stop the body" >"$TEST_DIR/.out"
		test_status=lint
		return 0
	fi
	if [ "${AIV_CHAIN_LINT:-1}" != 0 ] && ! lint_known_clean_ "$2"; then
		perl "$TEST_ROOT/tests/e2e/chainlint.pl" --file "$TEST_SCRIPT" --test "$1" "$2" \
			>"$TEST_DIR/.out" 2>&1
		test_status=$?
		if [ "$test_status" -ne 0 ]; then
			test_status=lint
			return 0
		fi
	fi
	(set -e; test_eval_ "$2") >"$TEST_DIR/.out" 2>&1
	test_status=$?
}

# lint_known_clean_ BODY: true when BODY is, character for character, one
# of the bodies the chain-lint found clean when it read this file at the
# start (aiv_lint_1 .. aiv_lint_$aiv_lint_n, below).  The lint of a text
# does not depend on where it runs, so such a body needs no second perl
# start; a body built at run time (a loop's "...$kind...") is linted as
# before.  The search starts after the last match: bodies mostly run in
# the order the file gives them.
aiv_lint_n=0
aiv_lint_at=0
lint_known_clean_() {
	aiv_k=0
	aiv_i=$aiv_lint_at
	while [ "$aiv_k" -lt "$aiv_lint_n" ]; do
		aiv_i=$((aiv_i % aiv_lint_n + 1))
		eval "aiv_b=\${aiv_lint_$aiv_i}"
		if [ "$aiv_b" = "$1" ]; then
			aiv_lint_at=$aiv_i
			return 0
		fi
		aiv_k=$((aiv_k + 1))
	done
	return 1
}

test_expect_success() {
	test_count=$((test_count + 1))
	if [ $# -eq 3 ]; then test_skip_ "$@" && return 0; shift; fi
	test_run_ "$1" "$2"
	if [ "$test_status" = 0 ]; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_DIR/.out"
		test_failed=$((test_failed + 1))
	fi
}

# A check that fails today because the program is wrong (a known breakage,
# reported): TAP "not ok ... # TODO", which prove counts but does not fail
# on.  When the program is fixed it prints "ok ... # TODO known breakage
# vanished"; then turn it into test_expect_success.  A body the chain-lint
# refuses fails as in test_expect_success: a TODO must still be a real check.
test_expect_failure() {
	test_count=$((test_count + 1))
	if [ $# -eq 3 ]; then test_skip_ "$@" && return 0; shift; fi
	test_run_ "$1" "$2"
	if [ "$test_status" = lint ]; then
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_DIR/.out"
		test_failed=$((test_failed + 1))
	elif [ "$test_status" = 0 ]; then
		echo "ok $test_count - $1 # TODO known breakage vanished"
	else
		echo "not ok $test_count - $1 # TODO known breakage"
		sed 's/^/#   /' "$TEST_DIR/.out"
	fi
}

# The helper functions a test file defines run inside test bodies, often as
# `helper && next`, where set -e does not reach them: lint them as bodies,
# once per file, and fail a first test naming them when one is not chained.
# The same perl lints the file's single-quoted test bodies and lists the
# clean ones for lint_known_clean_ (docs/testing.md, "Timing").
if [ "${AIV_CHAIN_LINT:-1}" != 0 ] &&
	! perl "$TEST_ROOT/tests/e2e/chainlint.pl" --functions --clean-bodies "$TEST_DIR/.lint-clean" \
		"$TEST_SCRIPT" >"$TEST_DIR/.out" 2>&1; then
	test_count=$((test_count + 1))
	echo "not ok $test_count - chain-lint: the helper functions of ${0##*/}"
	sed 's/^/#   /' "$TEST_DIR/.out"
	test_failed=$((test_failed + 1))
fi
if [ "${AIV_CHAIN_LINT:-1}" != 0 ] && [ -f "$TEST_DIR/.lint-clean" ]; then
	. "$TEST_DIR/.lint-clean"
fi

# Run a command that must fail with a given exit status (default: not 0,
# and never a crash: 128+ means a signal).
test_must_fail() {
	want=""
	case "$1" in --exit=*) want=${1#--exit=}; shift ;; esac
	# in an if: under a test body's set -e a bare failing "$@" would end the body
	if "$@"; then st=0; else st=$?; fi
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
# (-S: no site-packages to import at each of its ~1,200 call sites).
# The file is read with json's own C scanner (_json.make_scanner, what
# json.load uses) without `import json`, whose regular expressions pull
# in re, enum, functools and collections: a start with `import _json`
# cost 28 ms of CPU against 48 ms with `import json` (100 starts each,
# load 33; docs/testing.md, "Timing").  The same checks as json.load: only
# JSON whitespace around one value, no byte-order mark, strict strings.
# An expression that names json. or re. gets the json module as before.
aiv_json_load_='import sys, _json
class _C:
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__
def _load(p):
    s = open(p).read()
    if s.startswith("\ufeff"):
        sys.exit("json_get: %s: starts with a byte-order mark" % p)
    ws = " \t\n\r"
    try:
        v, e = _json.make_scanner(_C())(s, len(s) - len(s.lstrip(ws)))
    except StopIteration as x:
        sys.exit("json_get: %s: not JSON at character %d" % (p, x.value))
    except Exception as x:  # the scanner fails to import json.decoder for its error
        sys.exit("json_get: %s: not JSON (%s)" % (p, x))
    if s[e:].strip(ws):
        sys.exit("json_get: %s: extra data at character %d" % (p, e))
    return v
d = _load(sys.argv[1])'
json_get() {
	case $2 in
	*json.* | *re.*) python3 -S -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" ;;
	*) python3 -S -c "$aiv_json_load_
print($2)" "$1" ;;
	esac
}
# json_same A.json B.json [top-level keys to drop...]: the two documents are
# equal without those keys; else says where they start to differ and fails
json_same() {
	python3 -S -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
for k in sys.argv[3:]:
    a.pop(k, None); b.pop(k, None)
if a != b:
    print("# differ:", json.dumps(a)[:400], "|", json.dumps(b)[:400])
    sys.exit(1)
' "$@"
}
# on_tty CMD...: run aivalue on a pseudo-terminal (script(1)); its output
# without the terminal's carriage returns (tables, colour, progress)
on_tty() {
	script -qec "$AIVALUE_BIN $*" /dev/null </dev/null | tr -d '\r'
}
# widest FILE: the widest line in characters (not bytes), colour codes left out
widest() {
	python3 -S -c "import re, sys; print(max(len(re.sub('\x1b\\[[0-9;]*m', '', l.rstrip('\n'))) for l in open(sys.argv[1], encoding='utf-8')))" "$1"
}

# Start `aivalue serve` on a loopback port; sets AIV_URL, AIV_PORT and
# AIV_SERVER_PID.  The server binds port 0 (the kernel picks a free port
# as it binds) and the port is read from its "serving URL" line: a port
# picked free first and bound later could be taken in between by a file
# running in parallel (docs/testing.md, "Timing-fragile tests").
start_server() {
	: >"$TEST_DIR/server.log"   # here, not only in the child: read below at once
	"$AIVALUE_BIN" serve --listen "127.0.0.1:0" "$@" >"$TEST_DIR/server.log" 2>&1 &
	AIV_SERVER_PID=$!
	echo "$AIV_SERVER_PID 0" >>"$TEST_DIR/.servers"
	AIV_PORT=
	aiv_start_by=$(($(date +%s) + 30))   # 30 s by the clock: ASan and a loaded machine start slowly
	while :; do
		if [ -z "$AIV_PORT" ]; then
			while IFS= read -r aiv_l; do
				case $aiv_l in
				"serving http://127.0.0.1:"*/) aiv_l=${aiv_l#serving http://127.0.0.1:} && AIV_PORT=${aiv_l%/} && break ;;
				esac
			done <"$TEST_DIR/server.log"
			AIV_URL="http://127.0.0.1:$AIV_PORT"
		fi
		if [ -n "$AIV_PORT" ] && curl -fsS "$AIV_URL/healthz" >/dev/null 2>&1; then
			break
		fi
		if [ "$(date +%s)" -gt "$aiv_start_by" ] || ! kill -0 $AIV_SERVER_PID 2>/dev/null; then
			echo "# server did not start:" && sed 's/^/#   /' "$TEST_DIR/server.log"
			return 1
		fi
		sleep 0.05
	done
	export AIV_URL AIV_PORT AIV_SERVER_PID
}

# login_cookie TOKEN: sign in through POST /login as a browser does (with
# this server as Origin) and print the session cookie, "aiv_session=...",
# for curl -b.  The dashboard cookie holds a session id, never the token.
login_cookie() {
	curl -s -o /dev/null -D - -H "Origin: $AIV_URL" --data-urlencode "token=$1" \
		"$AIV_URL/login" | sed -n 's/^[Ss]et-[Cc]ookie: \(aiv_session=[^;]*\);.*/\1/p'
}

# Returns the server's exit status when this shell started it (a crash at
# shutdown fails the caller).  A body stopping the server the file started
# runs in a subshell, where wait says 127 (not a child): then it waits for
# the process to go (or to be a zombie the file's shell will reap), at most
# 10 s.
stop_server() {
	if [ -n "${AIV_SERVER_PID:-}" ]; then
		kill "$AIV_SERVER_PID" 2>/dev/null || :   # it may have exited already
		aiv_stop_st=0
		wait "$AIV_SERVER_PID" 2>/dev/null || aiv_stop_st=$?
		if [ "$aiv_stop_st" = 127 ]; then
			aiv_stop_st=0
			i=0
			while kill -0 "$AIV_SERVER_PID" 2>/dev/null; do
				case "$(cat "/proc/$AIV_SERVER_PID/stat" 2>/dev/null)" in *") Z "*) break ;; esac
				i=$((i + 1))
				if [ $i -gt 200 ]; then aiv_stop_st=1; break; fi
				sleep 0.05
			done
		fi
		AIV_SERVER_PID=
		return "$aiv_stop_st"
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
