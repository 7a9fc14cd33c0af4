#!/bin/sh
# t8145-gateway-http-pool - several calls in flight on one HTTP upstream:
# tests/mcp/fake-upstream.py (a thread per request) answers its "hold"
# tool "held TAG" only once four holds wait at the same time ("alone TAG"
# after 30 s otherwise), so a gateway sending one request at a time to
# the upstream would answer none of them in time.  The four calls arrive
# before the upstream was ever used: one initialize handshake is sent, the
# other calls wait for it.  Each call is in the ledger once.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

fake="$TEST_ROOT/tests/mcp/fake-upstream.py"
FAKE_METHODS="$TEST_DIR/methods.txt" python3 -S "$fake" http port.txt >fake.log 2>&1 &
echo "$!" >>"$TEST_DIR/.servers"
wait_until 30 test -s port.txt
UP="http://127.0.0.1:$(cat port.txt)/mcp"

gateway_permit_all
# a thread per connection: a call waiting for its upstream holds its
# worker thread (docs/gateway-protocol.md, "Upstreams")
AIVALUE_HTTP_MODE=per-connection
export AIVALUE_HTTP_MODE
start_server --quiet --gateway --upstream-timeout 20000 --upstream "h=$UP"

test_expect_success 'four calls at once on one HTTP upstream: each held, each its own answer' '
	test "$(mcp_rpc ap.tok ping.json "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}")" = 200 &&
	! test -e methods.txt &&
	gateway_hold_all h.hold 21 22 23 24
'

test_expect_success 'one initialize handshake for the four first calls' '
	test "$(grep -c "^initialize$" methods.txt)" = 1 &&
	test "$(grep -c "^notifications/initialized$" methods.txt)" = 1 &&
	test "$(grep -c "^tools/call$" methods.txt)" = 4
'

test_expect_success 'a later call reuses the pool: answered' '
	test "$(mcp_rpc ap.tok echo.json "{\"jsonrpc\": \"2.0\", \"id\": 30, \"method\": \"tools/call\", \"params\": {\"name\": \"h.echo\", \"arguments\": {\"message\": \"again\"}}}")" = 200 &&
	test "$(json_get echo.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: again" &&
	test "$(grep -c "^initialize$" methods.txt)" = 1
'

test_expect_success 'the five calls are in the ledger, each once, answered ok' '
	gateway_calls_in_ledger "5 5 h.echo/allow/ok h.hold/allow/ok"
'

test_done
