#!/bin/sh
# t8143-gateway-tools-refresh - the gateway's cache of a stdio upstream's
# tools/list: kept while the upstream says nothing (a change it does not
# announce stays unseen), refetched when it sends
# notifications/tools/list_changed, and, with --tools-ttl, refetched once
# older than the TTL.  The upstream is tests/mcp/fake-upstream.py.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

fake="$TEST_ROOT/tests/mcp/fake-upstream.py"
gateway_permit_all
FAKE_EXTRA="$TEST_DIR/extra"
export FAKE_EXTRA

list='{"jsonrpc": "2.0", "id": 8, "method": "tools/list"}'
grow='{"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "s.grow", "arguments": {}}}'
# the tools an answer lists, sorted, one line
names() { json_get "$1" '" ".join(sorted(t["name"] for t in d["result"]["tools"]))'; }

start_server --quiet --gateway --upstream "s=stdio:python3 -S $fake stdio"

test_expect_success 'the list is cached: a change the upstream does not announce is not seen' '
	test "$(mcp_rpc ap.tok l1.json "$list")" = 200 &&
	test "$(names l1.json)" = "s.echo s.grow s.hold" &&
	: >extra &&
	test "$(mcp_rpc ap.tok l2.json "$list")" = 200 &&
	test "$(names l2.json)" = "s.echo s.grow s.hold"
'

test_expect_success 'notifications/tools/list_changed: the next tools/list is fetched again' '
	test "$(mcp_rpc ap.tok g.json "$grow")" = 200 &&
	test "$(json_get g.json "d[\"result\"][\"content\"][0][\"text\"]")" = grown &&
	test "$(mcp_rpc ap.tok l3.json "$list")" = 200 &&
	test "$(names l3.json)" = "s.echo s.extra s.grow s.grown s.hold"
'

test_expect_success 'with --tools-ttl 1 an unannounced change is seen once the list is 1 s old' '
	stop_server &&
	rm extra &&
	rm -f ap.tok.sid &&
	start_server --quiet --gateway --tools-ttl 1 --upstream "s=stdio:python3 -S $fake stdio" &&
	test "$(mcp_rpc ap.tok t1.json "$list")" = 200 &&
	test "$(names t1.json)" = "s.echo s.grow s.hold" &&
	: >extra &&
	sleep 1.2 &&
	test "$(mcp_rpc ap.tok t2.json "$list")" = 200 &&
	test "$(names t2.json)" = "s.echo s.extra s.grow s.hold"
'

test_expect_success 'a bad --tools-ttl is refused' '
	test_must_fail aivalue gateway --upstream e=builtin:echo --tools-ttl -1 2>e.txt &&
	test_grep "tools-ttl must be 0 to 86400 seconds" e.txt
'

test_expect_success 'the ledger verifies' '
	stop_server &&
	aivalue audit verify
'

test_done
