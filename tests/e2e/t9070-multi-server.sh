#!/bin/sh
# t9070-multi-server.sh - two `aivalue serve` processes on one PostgreSQL
# database (issue 18): agents POST /api/v1/decide to both at once; every
# decision answered 200 by either server is in the decision log, the
# ledger stays one chain (audit verify clean), and each server sees what
# the other wrote.  Needs a PostgreSQL 15 server: the one of
# `make test-pg`, or one started here; skipped without the binaries.
. "$(dirname "$0")/lib.sh"

INV='{"action": "approve_invoice", "resource": "Invoice::\"inv-1\"", "context": {"confidence": 0.97, "amount": 120}}'
test_start_pg
DB="aiv_t9070_shared_$$"

# fire URL N OUT: N decisions, one after another, each status line to OUT
fire() {
	i=0 &&
	while [ $i -lt "$2" ]; do
		curl -s -o /dev/null -w "%{http_code}\n" -H "Authorization: Bearer $(cat agent.tok)" \
			-H "Content-Type: application/json" --data-binary "$INV" \
			"$1/api/v1/decide" >>"$3" || return 1
		i=$((i + 1))
	done
}
ndecisions() {
	aivalue decisions list --json >log.json &&
	json_get log.json "sum(1 for r in d if r[\"kind\"] == \"decision\")"
}

test_expect_success PG 'one PostgreSQL workspace, an agent with a token' '
	pg_create_db "$DB" &&
	AIVALUE_DB=$(pg_uri "$DB") &&
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" &&
	aivalue token create --name ap-bot-key --agent ap-bot >agent.tok
'

# Two servers on it (stopped at the end by lib.sh if a test fails first).
# Their writers wait up to 5 s for their turn on the ledger lock: lib.sh's
# 300 ms is for tests of the refusal, and four clients on two cores shared
# with the database make a turn take ~0.5 s here.
if test_have_prereq PG; then
	AIVALUE_DB=$(pg_uri "$DB")
	AIVALUE_BUSY_TIMEOUT_MS=5000
	start_server --quiet --threads 2 && mv server.log server1.log
	URL1=$AIV_URL PID1=$AIV_SERVER_PID
	start_server --quiet --threads 2
	URL2=$AIV_URL PID2=$AIV_SERVER_PID
	AIVALUE_BUSY_TIMEOUT_MS=300
fi

test_expect_success PG 'four clients, two per server, 120 decisions at once: all answered 200' '
	: >codes &&
	fire "$URL1" 30 c1 &
	fire "$URL1" 30 c2 &
	fire "$URL2" 30 c3 &
	fire "$URL2" 30 c4 &
	wait &&
	cat c1 c2 c3 c4 >codes &&
	test "$(wc -l <codes)" = 120 &&
	test "$(grep -c "^200$" codes)" = 120
'

test_expect_success PG 'stopped (each flushes its decisions): 120 answered, 120 logged, one chain' '
	test "$(grep -c "^200$" codes)" = 120 &&
	AIV_SERVER_PID=$PID1 &&
	stop_server &&
	AIV_SERVER_PID=$PID2 &&
	stop_server &&
	test "$(ndecisions)" = 120 &&
	aivalue decisions verify &&
	aivalue audit verify >verify.out &&
	test_grep "^ledger ok: " verify.out &&
	test_grep "^state ok: " verify.out
'

test_done
