#!/bin/sh
# t8146-gateway-record-writer - the gateway's recorder writes the records
# no decision carried with the decision writer's store handle, not with a
# connection of its own (src/gateway/record.c,
# http_control_commit_hook_alone): a second writing connection raced the
# decision commits for SQLite's write lock, and the loser slept in SQLite's
# busy handler (docs/performance.md, "MCP gateway").  Observed, not timed:
# with one worker thread, the server's open WAL files are counted once the
# decision writer and the checkpointer run (the database file was written),
# and again after lone calls whose records only the recorder writes (no
# decision follows them).  The old recorder opened
# one more.  The records themselves are checked too: each in the ledger
# once, the chain verified.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null

call() {
	printf '{"jsonrpc": "2.0", "id": %s, "method": "tools/call", "params": {"name": "e.echo", "arguments": {"message": "%s"}}}' "$1" "$2"
}
# the server's open file descriptors on the workspace's WAL: one per SQLite connection
wal_fds() {
	ls -l "/proc/$AIV_SERVER_PID/fd" | grep -c -- "-wal\$"
}
# the database file was written after FILE: the checkpointer thread, started
# with the decision writer, has opened its connection and copied the WAL in
db_newer_than() {
	python3 -S -c "import os, sys; sys.exit(os.stat(sys.argv[1]).st_mtime_ns <= os.stat(sys.argv[2]).st_mtime_ns)" "$AIVALUE_DB" "$1"
}

# (--expire-every: the expirer thread opens its connection only after one
# interval, which must not fall between the two counts)
start_server --quiet --threads 1 --expire-every PT1H --gateway --upstream e=builtin:echo

test_expect_success SQLITE 'a decision first: the decision writer runs' '
	printf "{\"action\": \"e.echo\", \"resource\": \"Tool::\\\\\"e.echo\\\\\"\"}" >decide.json &&
	: >marker &&
	test "$(curl -s -o decided.json -w "%{http_code}" -H "Authorization: Bearer $(cat ap.tok)" \
		-H "Content-Type: application/json" --data-binary @decide.json "$AIV_URL/api/v1/decide")" = 200 &&
	wait_until 30 db_newer_than marker &&
	wal_fds >before.n &&
	test "$(cat before.n)" -ge 1
'

test_expect_success SQLITE 'lone calls: their records are written, and no connection is opened for them' '
	test "$(mcp_rpc ap.tok one.json "$(call 1 po-1)")" = 200 &&
	test "$(json_get one.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: po-1" &&
	gateway_recorded 1 call &&
	test "$(mcp_rpc ap.tok two.json "$(call 2 po-2)")" = 200 &&
	gateway_recorded 2 call &&
	wal_fds >after.n &&
	test "$(cat after.n)" = "$(cat before.n)"
'

stop_server

test_expect_success SQLITE 'each call is in the ledger once, and the chain verifies' '
	aivalue audit log --action gateway.calls --json >log.json &&
	python3 -S -c "
import json
recs = [r for e in json.load(open(\"log.json\")) for r in e[\"payload\"][\"records\"] if r[\"kind\"] == \"call\"]
assert sorted(r[\"outcome\"] + \" \" + r[\"status\"] for r in recs) == [\"allow ok\", \"allow ok\"], recs
assert len({r[\"decision_id\"] for r in recs}) == 2, recs
" &&
	aivalue audit verify >verify.out
'

test_done
