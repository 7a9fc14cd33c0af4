#!/bin/sh
# t9091-pg-listener-stand-down.sh - a server's listening connection
# (src/store/pg.c, docs/deploy.md "Kept pages across servers") stands
# down when more than 100 notifications a second arrive (a write load,
# under which nothing kept lives long enough to pay for them), and
# listens again 10 s later (issue 18).  Not timed: one transaction sends
# 50,000 notifications on the channel at once, far above the bound
# whatever the machine's speed (it would have to take over 500 s to read
# them for the rate to fall under 100 a second); the states are the
# server's own sessions in pg_stat_activity, waited on (30 s bounds).
# Needs a PostgreSQL 15 server: the one of `make test-pg`, or one
# started here.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

test_start_pg
DB="aiv_t9091_rest_$$"
if test_have_prereq PG; then
	AIVALUE_DB=$(pg_uri "$DB") && export AIVALUE_DB
fi

listeners() {
	psql -X -A -t -d "$(pg_uri "$DB")" -c "SELECT count(*) FROM pg_stat_activity WHERE \
datname = current_database() AND application_name = 'aivalue-listen'"
}
listening() { test "$(listeners)" = 1; }
none_listening() { test "$(listeners)" = 0; }
phase() {
	curl -fsS -o phase.html -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/phase"
}

test_expect_success PG 'a server on a PostgreSQL workspace listens once a kept page is asked for' '
	pg_create_db "$DB" &&
	aivalue init >/dev/null &&
	aivalue token create --name t-viewer --role viewer >viewer.tok 2>/dev/null &&
	start_server --quiet --no-warm --threads 1 &&
	echo "$AIV_URL $AIV_SERVER_PID" >srv &&
	phase &&
	wait_until 30 listening
'
AIV_URL=$(cut -d" " -f1 srv 2>/dev/null) AIV_SERVER_PID=$(cut -d" " -f2 srv 2>/dev/null)

test_expect_success PG '50,000 notifications at once: the listener stands down, not lost' '
	psql -X -q -A -t -d "$(pg_uri "$DB")" -c "SELECT count(pg_notify('\''aivalue_ledger'\'', \
g::text)) FROM generate_series(1, 50000) g" >sent &&
	test "$(cat sent)" = 50000 &&
	wait_until 30 none_listening &&
	phase &&
	test_grep "<h1>" phase.html &&
	! grep -q "the listening connection was lost" "$TEST_DIR/server.log"
'

test_expect_success PG 'after its rest it listens again' '
	wait_until 30 listening &&
	phase &&
	stop_server
'

test_done
