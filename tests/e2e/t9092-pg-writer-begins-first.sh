#!/bin/sh
# t9092-pg-writer-begins-first.sh - a decide writer that waits for the
# writers' lock (another server's commit holds it) takes its queue only
# once it holds the lock: decisions that arrive while it waits join the
# same group commit instead of waiting for the next one (issue 18, three
# servers on one PostgreSQL; docs/deploy.md, "Benchmarks").  The lock is
# held here by a psql session, as another server's commit would; while
# it is held, two decisions must be seen waiting in the server's queue
# (/metrics aivalue_decide_queued: a writer that took its queue before
# the lock took the first of them) and, once the lock is released, both
# are answered 200 from one ledger entry.  Needs PostgreSQL 15 (skipped
# without the binaries).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

INV='{"action": "approve_invoice", "resource": "Invoice::\"inv-1\"", "context": {"confidence": 0.97, "amount": 120}}'
test_start_pg
DB="aiv_t9092_early_$$" # not aiv_t9092_$$: make test-pg names its own database so

decide() {
	curl -s -o "$1.json" -w "%{http_code}\n" -H "Authorization: Bearer $(cat agent.tok)" \
		-H "Content-Type: application/json" --data-binary "$INV" "$AIV_URL/api/v1/decide" >"$1.code"
}
queued() {
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics" >metrics.txt &&
	test "$(sed -n 's/^aivalue_decide_queued //p' metrics.txt)" -ge "$1"
}
# the psql session holding the lock is waited on by another (the writer)
lock_waited() {
	test "$(psql -XAtq -d "$(pg_uri "$DB")" -c "SELECT count(*) FROM pg_locks
		WHERE locktype = 'advisory' AND NOT granted")" -ge 1
}
lock_held() {
	test "$(psql -XAtq -d "$(pg_uri "$DB")" -c "SELECT count(*) FROM pg_locks
		WHERE locktype = 'advisory' AND granted")" -ge 1
}

test_expect_success PG 'a PostgreSQL workspace, an agent token, a viewer token' '
	pg_create_db "$DB" &&
	AIVALUE_DB=$(pg_uri "$DB") &&
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" &&
	aivalue token create --name ap-bot-key --agent ap-bot >agent.tok &&
	aivalue token create --name view --role viewer >viewer.tok
'

if test_have_prereq PG; then
	AIVALUE_DB=$(pg_uri "$DB")
	AIVALUE_BUSY_TIMEOUT_MS=60000
	start_server --quiet --threads 2
fi

test_expect_success PG 'the first decision starts the writer' '
	decide d0 &&
	test "$(cat d0.code)" = 200
'

test_expect_success PG 'while another session holds the writers lock, two decisions wait in the queue' '
	mkfifo lock.in &&
	{ psql -XAtq -d "$AIVALUE_DB" <lock.in >lock.out 2>&1 & } &&
	exec 7>lock.in &&
	echo "BEGIN; SELECT pg_advisory_xact_lock(1095325249);" >&7 &&
	wait_until 30 lock_held &&
	psql -XAtq -d "$AIVALUE_DB" -c "SELECT count(*) FROM ledger" >ledger0 &&
	{ decide d1 & } &&
	wait_until 30 lock_waited &&
	{ decide d2 & } &&
	{ decide d3 & } &&
	wait_until 30 queued 2 &&
	echo "COMMIT;" >&7 &&
	exec 7>&- &&
	wait_until 30 test -s d1.code &&
	wait_until 30 test -s d2.code &&
	wait_until 30 test -s d3.code &&
	test "$(cat d1.code d2.code d3.code | sort -u)" = 200
'

test_expect_success PG 'the two that waited in the queue went in one group commit' '
	json_get d2.json "d[\"decision_id\"]" >id2 &&
	json_get d3.json "d[\"decision_id\"]" >id3 &&
	test "$(psql -XAtq -d "$AIVALUE_DB" -c "SELECT count(DISTINCT batch_seq) FROM decision_log
		WHERE id IN ('"'"'$(cat id2)'"'"', '"'"'$(cat id3)'"'"') AND batch_seq IS NOT NULL")" = 1 &&
	stop_server &&
	aivalue decisions verify &&
	aivalue audit verify >verify.out &&
	test_grep "^ledger ok: " verify.out
'

test_done
