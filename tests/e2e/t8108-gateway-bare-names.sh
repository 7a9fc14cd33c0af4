#!/bin/sh
# t8108-gateway-bare-names - a client written against one MCP server calls
# its tools by their bare names ("echo"), while the gateway lists them as
# UPSTREAM.TOOL.  A bare name that exactly one upstream offers is accepted
# and decided, forwarded and recorded under UPSTREAM.TOOL, so the Cedar
# policies on the qualified action still decide it; a bare name that
# several upstreams offer is refused, naming the way out.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null

call() {
	printf '{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "%s", "arguments": {"message": "%s"}}}' "$1" "$2"
}

start_server --quiet --gateway --upstream e=builtin:echo

test_expect_success 'one upstream: the bare name is decided and forwarded as e.echo' '
	test "$(mcp_rpc ap.tok out.json "$(call echo hello)")" = 200 &&
	test "$(json_get out.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: hello"
'

test_expect_success 'the policy on the qualified action decides the bare call' '
	test "$(mcp_rpc ap.tok out.json "$(call echo secret)")" = 200 &&
	test "$(json_get out.json "d[\"error\"][\"code\"]")" = -32003 &&
	test_grep "no-secret" out.json
'

stop_server

test_expect_success 'the ledger names the call e.echo, never the bare name' '
	aivalue audit log --json >log.json &&
	python3 -S -c "import json; [print(r[\"tool\"], r[\"outcome\"]) for e in reversed(json.load(open(\"log.json\"))) if e[\"action\"] == \"gateway.calls\" for r in e[\"payload\"][\"records\"]]" >tools.txt &&
	test_grep "^e.echo allow$" tools.txt &&
	test_grep "^e.echo deny$" tools.txt &&
	! grep "^echo " tools.txt
'

rm -f ap.tok.sid
start_server --quiet --gateway --upstream e=builtin:echo --upstream g=builtin:echo

test_expect_success 'two upstreams offering it: refused, naming UPSTREAM.TOOL' '
	test "$(mcp_rpc ap.tok out.json "$(call echo hello)")" = 200 &&
	test "$(json_get out.json "d[\"error\"][\"code\"]")" = -32602 &&
	test_grep "offered by more than one upstream: name it UPSTREAM.TOOL" out.json &&
	test "$(mcp_rpc ap.tok out.json "$(call e.echo hello)")" = 200 &&
	test "$(json_get out.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: hello" &&
	test "$(mcp_rpc ap.tok out.json "$(call nosuch hello)")" = 200 &&
	test_grep "unknown tool .nosuch.: tools are named UPSTREAM.TOOL" out.json
'

test_done
