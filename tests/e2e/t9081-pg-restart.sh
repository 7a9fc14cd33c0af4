#!/bin/sh
# t9081-pg-restart.sh - PostgreSQL restarted under load (issue 18, "Faults"):
# two `aivalue serve` on one database while agents decide through both;
# the database stops (pg_ctl -m fast: every session is ended) for about
# two seconds and starts again on its port.  Meanwhile the servers answer
# 503 with Retry-After, never 200 without a commit and never a 500; they
# reconnect by themselves (logged), every decision answered 200 is in the
# log, and the ledger verifies.  The CLI gets an error naming the server.
# Restarting a server others use is not polite, so this file starts a
# PostgreSQL of its own; it runs under `make test-pg` (AIVALUE_TEST_PG
# set) and is skipped under plain `make test`, to keep that fast.
. "$(dirname "$0")/lib.sh"

PGR=$TEST_DIR/pgr
if [ -n "${AIVALUE_TEST_PG:-}" ] &&
	PGR_URI=$("$TEST_ROOT/tests/pg/pg-start" "$PGR" 2>"$TEST_DIR/pgr-start.log"); then
	test_set_prereq PGOWN
	trap '"$TEST_ROOT/tests/pg/pg-stop" "$PGR" >/dev/null 2>&1; aiv_pg_cleanup_; cleanup_test_dir' EXIT
fi
INV='{"action": "approve_invoice", "resource": "Invoice::\"inv-1\"", "context": {"confidence": 0.97, "amount": 120}}'
decide() {
	curl -s -D "$2" -o "$3" -w "%{http_code}" -H "Authorization: Bearer $(cat agent.tok)" \
		-H "Content-Type: application/json" --data-binary "$INV" "$1/api/v1/decide"
}
# A server still in its reconnect backoff (at most 2 s a step) answers 503;
# wait up to 15 s for its first 200, and accept nothing else on the way.
decide_once_back() {
	i=0 &&
	while test $i -lt 75
	do
		code=$(decide "$1" "$2" "$3") &&
		if test "$code" = 200
		then
			return 0
		fi &&
		test "$code" = 503 &&
		sleep 0.2 &&
		i=$((i + 1)) || return 1
	done &&
	return 1
}

test_expect_success PGOWN 'a workspace on a PostgreSQL of this file, two servers on it' '
	psql -X -q -v ON_ERROR_STOP=1 -d "$PGR_URI/postgres" -c "CREATE DATABASE t9081" &&
	AIVALUE_DB=$PGR_URI/t9081 &&
	export AIVALUE_DB &&
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" &&
	aivalue token create --name ap-bot-key --agent ap-bot >agent.tok
'
if test_have_prereq PGOWN; then
	AIVALUE_DB=$PGR_URI/t9081
	export AIVALUE_DB
	start_server --threads 2 && mv server.log server1.log
	URL1=$AIV_URL PID1=$AIV_SERVER_PID
	start_server --threads 2
	URL2=$AIV_URL PID2=$AIV_SERVER_PID
fi

test_expect_success PGOWN 'both servers decide before the restart' '
	test "$(decide "$URL1" h1 b1)" = 200 &&
	test "$(decide "$URL2" h2 b2)" = 200
'

test_expect_success PGOWN 'under load, PostgreSQL stops for about 2 s: 503 with Retry-After meanwhile' '
	python3 "$TEST_ROOT/tests/pg/decide-load" agent.tok 7 4 load "$URL1" "$URL2" 2>load.err &
	sleep 2 &&
	"$TEST_ROOT/tests/pg/pg-stop" "$PGR" fast &&
	test "$(decide "$URL1" down.h down.b)" = 503 &&
	test_grep -i "^Retry-After: 1" down.h &&
	test_grep "database server .*127.0.0.1.* is unavailable" down.b &&
	test "$(decide "$URL2" down2.h down2.b)" = 503 &&
	test_must_fail aivalue decisions list >cli.out 2>cli.err &&
	test_grep "127.0.0.1" cli.err &&
	sleep 1 &&
	"$TEST_ROOT/tests/pg/pg-restart" "$PGR" &&
	wait &&
	cat load.counts &&
	test "$(sed -n "s/^other_status //p" load.counts)" = 0 &&
	test "$(sed -n "s/^unavailable //p" load.counts)" -gt 0 &&
	test "$(sed -n "s/^unavailable //p" load.counts)" = "$(sed -n "s/^retry_after //p" load.counts)" &&
	test "$(sed -n "s/^ok //p" load.counts)" -gt 0
'

test_expect_success PGOWN 'after the restart both servers decide again; each logged its reconnect' '
	decide_once_back "$URL1" h1 b1 &&
	decide_once_back "$URL2" h2 b2 &&
	test_grep "connection lost" server1.log &&
	test_grep "reconnected after [0-9]* ms" server1.log &&
	test_grep "reconnected after [0-9]* ms" server.log
'

test_expect_success PGOWN 'every decision answered 200 is logged; nothing half-written; one chain' '
	AIV_SERVER_PID=$PID1 &&
	stop_server &&
	AIV_SERVER_PID=$PID2 &&
	stop_server &&
	aivalue decisions list --json >log.json &&
	python3 -S -c "
import json
d = json.load(open(\"log.json\"))
open(\"logged.ids\", \"w\").writelines(r[\"decision_id\"] + \"\n\" for r in d if r[\"kind\"] == \"decision\")
" &&
	sort -u load.ids >answered &&
	sort -u logged.ids >logged &&
	comm -23 answered logged >missing &&
	test ! -s missing &&
	ok=$(sed -n "s/^ok //p" load.counts) &&
	test "$(wc -l <answered)" = "$ok" &&
	logged=$(($(wc -l <logged) - 4)) &&
	test "$logged" -ge "$ok" &&
	unanswered=$(($(sed -n "s/^no_answer //p" load.counts) + $(sed -n "s/^unavailable //p" load.counts) + 2)) &&
	test $((logged - ok)) -le "$unanswered" &&
	aivalue decisions verify &&
	aivalue audit verify >verify.out &&
	test_grep "^ledger ok: " verify.out &&
	test_grep "^state ok: " verify.out
'

test_done
