#!/bin/sh
# t8105-gateway-origin - the MCP gateway defeats DNS rebinding (MCP
# transports, "Security warning"): listening on loopback, a request whose
# Host or Origin is another name is refused with 403 and a JSON-RPC error
# before anything is decided or forwarded; loopback names, the listen
# address and each --allowed-origin pass.
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null
start_server --quiet --gateway --upstream e=builtin:echo \
	--allowed-origin https://agents.example.com

init='{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "curl", "version": "1"}}}'
# post HEADER...: initialize with these extra headers; prints the status, body in out.json
post() {
	curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat ap.tok)" "$@" \
		--data-binary "$init" "$AIV_URL/mcp"
}

test_expect_success 'a rebound Host is refused: 403, JSON-RPC error naming the Host' '
	test "$(post -H "Host: evil.example.com:$AIV_PORT")" = 403 &&
	test "$(json_get out.json "d[\"error\"][\"code\"], d[\"id\"]")" = "-32600 None" &&
	test_grep "Host .evil.example.com:$AIV_PORT. is not this server" out.json
'

test_expect_success 'a foreign Origin is refused even with a loopback Host' '
	test "$(post -H "Origin: http://evil.example.com")" = 403 &&
	test_grep "Origin .http://evil.example.com. is not allowed" out.json &&
	test "$(post -H "Origin: null")" = 403 &&
	test "$(post -H "Origin: https://agents.example.com.evil.net")" = 403
'

test_expect_success 'loopback names, the listen address and --allowed-origin pass' '
	test "$(post)" = 200 &&
	test "$(json_get out.json "d[\"result\"][\"serverInfo\"][\"name\"]")" = aivalue-gateway &&
	test "$(post -H "Host: localhost:$AIV_PORT" -H "Origin: http://localhost:3000")" = 200 &&
	test "$(post -H "Host: LOCALHOST" -H "Origin: $AIV_URL")" = 200 &&
	test "$(post -H "Host: [::1]:$AIV_PORT")" = 200 &&
	test "$(post -H "Origin: https://agents.example.com")" = 200 &&
	test "$(post -H "Host: agents.example.com")" = 200
'

test_expect_success 'a bad --allowed-origin is refused at start, naming it' '
	test_must_fail aivalue gateway --upstream e=builtin:echo --allowed-origin agents.example.com 2>err &&
	test_grep "allowed-origin .agents.example.com.: expected an origin" err &&
	test_must_fail aivalue gateway --upstream e=builtin:echo --allowed-origin https://a.example/x 2>err &&
	test_grep "no path" err &&
	test_must_fail aivalue serve --allowed-origin https://a.example 2>err &&
	test_grep "need --gateway" err
'

test_done
