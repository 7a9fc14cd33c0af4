#!/bin/sh
# t9087-pg-start-settings.sh - the throw-away PostgreSQL that tests and
# bench/pg start (tests/pg/pg-start) runs with the settings it promises:
# fsync, synchronous_commit and full_page_writes off.  pg_ctl passes its -o
# string through sh -c, and the options used to span three lines: the
# shell ended the command at the first newline, so every setting after
# listen_addresses was dropped, and every test and every bench-pg figure
# ran with fsync on (a WAL flush per commit; the decide benchmark
# measured it).  pg-restart keeps them (it reuses the last command line).
. "$(dirname "$0")/lib.sh"

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] && command -v psql >/dev/null &&
	test_set_prereq PGBIN

settings() {
	psql -XAtq -d "$1/postgres" -c "SELECT name || '=' || setting FROM pg_settings
		WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes',
		'listen_addresses', 'log_min_messages') ORDER BY name"
}
cat >"$TEST_DIR/want" <<'EOT'
fsync=off
full_page_writes=off
listen_addresses=127.0.0.1
log_min_messages=warning
synchronous_commit=off
EOT

test_expect_success PGBIN 'pg-start: every setting it names is in effect' '
	uri=$("$TEST_ROOT/tests/pg/pg-start" "$TEST_DIR/own") &&
	echo "$uri" >"$TEST_DIR/uri" &&
	settings "$uri" >"$TEST_DIR/got" &&
	test_cmp "$TEST_DIR/want" "$TEST_DIR/got"
'

test_expect_success PGBIN 'pg-restart: the same settings after a restart' '
	"$TEST_ROOT/tests/pg/pg-restart" "$TEST_DIR/own" &&
	settings "$(cat "$TEST_DIR/uri")" >"$TEST_DIR/got" &&
	test_cmp "$TEST_DIR/want" "$TEST_DIR/got"
'

test_expect_success PGBIN 'pg-stop' '
	"$TEST_ROOT/tests/pg/pg-stop" "$TEST_DIR/own"
'
"$TEST_ROOT/tests/pg/pg-stop" "$TEST_DIR/own" >/dev/null 2>&1
test_done
