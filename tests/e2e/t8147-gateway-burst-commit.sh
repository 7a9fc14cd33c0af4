#!/bin/sh
# t8147-gateway-burst-commit - calls waiting together on one worker thread
# share the decision writer's transaction instead of each committing its
# own on that thread (src/http/api_control.c, commit_inline).  With
# libmicrohttpd's thread pool the first worker thread to wake may accept
# every connection; it then served them one call at a time, each committed
# alone, and the gateway's rate halved (docs/performance.md, "MCP
# gateway").  Arranged, not timed: with one worker thread, eight idle
# keep-alive connections; the server is stopped (SIGSTOP), a call is sent
# on each, and the server goes on (SIGCONT), so its thread finds the eight
# requests waiting at once (tests/mcp/burst-client.py).  The decision
# writer thread must then have written (its write system calls, from
# /proc): on the old code the thread committed all eight itself.  Every
# call is answered and in the ledger once; the chain verifies.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null

start_server --quiet --threads 1 --gateway --upstream e=builtin:echo

test_expect_success 'eight calls waiting at once on the one worker thread: the writer commits some' '
	test "$(mcp_rpc ap.tok first.json "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", \"params\": {\"name\": \"e.echo\", \"arguments\": {\"message\": \"first\"}}}")" = 200 &&
	test "$(json_get first.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: first" &&
	python3 -S "$TEST_ROOT/tests/mcp/burst-client.py" "$AIV_URL" "$(cat ap.tok)" "$(cat ap.tok.sid)" \
		"$AIV_SERVER_PID" 8 1 >writes.txt &&
	test "$(cat writes.txt)" -gt 0
'

test_expect_success 'each of the 17 calls is in the ledger once, and the chain verifies' '
	gateway_recorded 17 call &&
	stop_server &&
	aivalue audit log --json >log.json &&
	gateway_call_summary log.json >rec.txt &&
	test "$(cat rec.txt)" = "17 17 e.echo/allow/ok" &&
	aivalue audit verify >verify.out
'

test_done
