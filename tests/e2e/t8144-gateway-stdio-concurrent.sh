#!/bin/sh
# t8144-gateway-stdio-concurrent - several calls in flight on one stdio
# upstream: tests/mcp/fake-upstream.py answers its "hold" tool only once
# four calls are waiting, and then in reverse order, so a gateway with one
# request at a time on the pipe would answer none.  Each call gets its
# own answer (JSON-RPC ids matched) and is in the ledger once.  The
# server runs a thread per connection (AIVALUE_HTTP_MODE=per-connection).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

fake="$TEST_ROOT/tests/mcp/fake-upstream.py"
gateway_permit_all
# a thread per connection: in the default pool a call waiting for its
# upstream holds its worker thread, and with it the other connections
# that thread polls (docs/gateway-protocol.md, "Upstreams")
AIVALUE_HTTP_MODE=per-connection
export AIVALUE_HTTP_MODE
start_server --quiet --gateway --upstream-timeout 20000 \
	--upstream "s=stdio:python3 -S $fake stdio"

test_expect_success 'four calls at once on one stdio upstream: each gets its own answer' '
	test "$(mcp_rpc ap.tok warm.json "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}")" = 200 &&
	gateway_hold_all s.hold 11 12 13 14
'

test_expect_success 'the four calls are in the ledger, each once, answered ok' '
	gateway_calls_in_ledger "4 4 s.hold/allow/ok"
'

test_done
