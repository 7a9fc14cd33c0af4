#!/bin/sh
# t8101-gateway-bad-input - what the MCP gateway refuses, each with a clean
# JSON-RPC error and never a forward: malformed JSON-RPC, unknown methods,
# a missing or foreign session, an oversized message, arguments Cedar
# cannot represent (deep nesting, huge numbers, invalid UTF-8), reserved
# argument names, a batch (and one mixing agents), an unknown tool; and it
# fails closed when the store cannot record the decision.  The built-in
# echo upstream counts what reaches it: a refused call never does.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null
aivalue token create --name idle-key --agent idle-bot >idle.tok 2>/dev/null
AIVALUE_BUSY_TIMEOUT_MS=200 start_server --quiet --gateway --upstream e=builtin:echo --max-body 4096

# post TOKENFILE SESSION BODY: prints the status, body in out.json
post() {
	curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat "$1")" \
		${2:+-H "Mcp-Session-Id: $2"} --data-binary "$3" "$AIV_URL/mcp"
}
init() {
	curl -s -D head.txt -o /dev/null -H "Authorization: Bearer $(cat "$1")" \
		--data-binary '{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-03-26"}}' \
		"$AIV_URL/mcp" &&
	sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *\([0-9a-f]*\).*/\1/p' head.txt
}
call() { echo "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"tools/call\", \"params\": {\"name\": \"$1\", \"arguments\": $2}}"; }
err() { json_get out.json "d[\"error\"][\"code\"]"; }
# forwarded N: how many calls reached the upstream (status in the ledger
# records), once N of them are there (up to 30 s): the recorder commits a
# record just after the agent is answered, so the count is read once the
# last forwarded call's record is in
forwarded_n_() {
	aivalue audit log --json >log.json &&
	python3 -S -c 'import json; print(sum(1 for e in json.load(open("log.json")) if e["action"] == "gateway.calls" for r in e["payload"]["records"] if "status" in r))'
}
forwarded_ge_() {
	test "$(forwarded_n_)" -ge "$1"
}
forwarded() {
	wait_until 30 forwarded_ge_ "$1" &&
	forwarded_n_
}

test_expect_success 'initialize answers the revision asked for and a session id' '
	sid=$(init ap.tok) &&
	echo "$sid" >sid &&
	test "$(printf %s "$sid" | wc -c)" = 32 &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}")" = 200 &&
	test "$(json_get out.json "d[\"result\"], d[\"id\"]")" = "{} 1" &&
	test "$(post ap.tok "$sid" "$(call e.echo "{\"message\": \"one\"}")")" = 200 &&
	test "$(json_get out.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: one" &&
	test "$(forwarded 1)" = 1
'

test_expect_success 'malformed JSON-RPC: parse error, not 2.0, bad id, no method' '
	sid=$(cat sid) &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": 1, ")" = 400 &&
	test "$(err)" = -32700 &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"1.0\", \"id\": 1, \"method\": \"ping\"}")" = 400 &&
	test "$(err)" = -32600 &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": [1], \"method\": \"ping\"}")" = 400 &&
	test "$(err)" = -32600 &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": 1}")" = 400 &&
	test "$(err)" = -32600 &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\", \"id\": 2}")" = 400 &&
	test "$(err)" = -32700
'

test_expect_success 'unknown methods: -32601; notifications and responses: 202' '
	sid=$(cat sid) &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"resources/read\", \"params\": {\"uri\": \"file:///etc/passwd\"}}")" = 200 &&
	test "$(err)" = -32601 &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}")" = 202 &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": 9, \"result\": {}}")" = 202
'

test_expect_success 'a missing session, an unknown one, another agent'"'"'s: refused' '
	test "$(post ap.tok "" "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}")" = 400 &&
	test_grep "missing Mcp-Session-Id" out.json &&
	test "$(post ap.tok 0123456789abcdef0123456789abcdef "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}")" = 404 &&
	test "$(post idle.tok "$(cat sid)" "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}")" = 404
'

test_expect_success 'an oversized message is refused before it is read' '
	python3 -S -c "print(\"{\\\"jsonrpc\\\": \\\"2.0\\\", \\\"id\\\": 1, \\\"method\\\": \\\"tools/call\\\", \\\"params\\\": {\\\"name\\\": \\\"e.echo\\\", \\\"arguments\\\": {\\\"message\\\": \\\"\" + \"x\" * 5000 + \"\\\"}}}\")" >big.json &&
	test "$(curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat ap.tok)" -H "Mcp-Session-Id: $(cat sid)" --data-binary @big.json "$AIV_URL/mcp")" = 413 &&
	test "$(forwarded 1)" = 1
'

test_expect_success 'arguments Cedar cannot represent: refused, not forwarded' '
	sid=$(cat sid) &&
	deep=$(python3 -S -c "print(\"{\\\"m\\\": \" * 40 + \"1\" + \"}\" * 40)") &&
	test "$(post ap.tok "$sid" "$(call e.echo "{\"message\": \"x\", \"n\": $deep}")")" = 200 &&
	test "$(err)" = -32602 &&
	test_grep "nest" out.json &&
	test "$(post ap.tok "$sid" "$(call e.echo "{\"message\": \"x\", \"n\": 1e300}")")" = 200 &&
	test "$(err)" = -32602 &&
	test_grep "decimal range" out.json &&
	test "$(post ap.tok "$sid" "$(call e.echo "{\"message\": \"x\", \"n\": 123456789012345678901234567890}")")" = 400 &&
	test "$(err)" = -32700 &&
	printf "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"tools/call\", \"params\": {\"name\": \"e.echo\", \"arguments\": {\"message\": \"\\377\\376\"}}}" >bad-utf8.json &&
	test "$(curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat ap.tok)" -H "Mcp-Session-Id: $sid" --data-binary @bad-utf8.json "$AIV_URL/mcp")" = 400 &&
	test "$(err)" = -32700 &&
	test "$(forwarded 1)" = 1
'

test_expect_success 'reserved argument names and bad _meta: refused, not forwarded' '
	sid=$(cat sid) &&
	test "$(post ap.tok "$sid" "$(call e.echo "{\"message\": \"x\", \"workflow\": \"other\"}")")" = 200 &&
	test "$(err)" = -32602 &&
	test_grep "argument .workflow. is reserved" out.json &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"tools/call\", \"params\": {\"name\": \"e.echo\", \"arguments\": {\"message\": \"x\"}, \"_meta\": {\"confidence\": \"high\"}}}")" = 200 &&
	test "$(err)" = -32602 &&
	test "$(post ap.tok "$sid" "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"tools/call\", \"params\": {\"name\": \"e.echo\", \"arguments\": {\"message\": \"x\"}, \"_meta\": {\"confidence\": 1.5}}}")" = 200 &&
	test "$(err)" = -32602 &&
	test "$(forwarded 1)" = 1
'

test_expect_success 'unknown tools and upstreams: refused, not forwarded' '
	sid=$(cat sid) &&
	test "$(post ap.tok "$sid" "$(call e.rm "{}")")" = 200 &&
	test "$(err)" = -32602 &&
	test_grep "upstream .e. has no tool .rm." out.json &&
	test "$(post ap.tok "$sid" "$(call nowhere.echo "{}")")" = 200 &&
	test "$(err)" = -32602 &&
	test "$(post ap.tok "$sid" "$(call rm "{}")")" = 200 &&
	test "$(err)" = -32602 &&
	test_grep "unknown tool .rm.: tools are named UPSTREAM.TOOL" out.json &&
	test "$(forwarded 1)" = 1
'

test_expect_success 'batches are refused element by element; one mixing agents as a whole' '
	sid=$(cat sid) &&
	test "$(post ap.tok "$sid" "[$(call e.echo "{\"message\": \"a\"}"), {\"jsonrpc\": \"2.0\", \"id\": 6, \"method\": \"ping\"}]")" = 400 &&
	test "$(json_get out.json "[m[\"id\"] for m in d], [m[\"error\"][\"code\"] for m in d]")" = "[5, 6] [-32600, -32600]" &&
	test "$(post ap.tok "$sid" "[$(call e.echo "{\"message\": \"a\"}"), {\"jsonrpc\": \"2.0\", \"id\": 6, \"method\": \"tools/call\", \"params\": {\"name\": \"e.echo\", \"arguments\": {\"message\": \"b\"}, \"_meta\": {\"agent\": \"idle-bot\"}}}]")" = 400 &&
	test_grep "naming an agent other than the token" out.json &&
	test "$(forwarded 1)" = 1
'

test_expect_success 'the store cannot record the decision: fail closed, nothing forwarded' '
	: held until killed, not for 3 s: a loaded machine may take that long to ask &&
	test_hold_write_lock locked 60 &
	holder=$! &&
	sid=$(cat sid) &&
	wait_until 30 test -f locked &&
	test "$(post ap.tok "$sid" "$(call e.echo "{\"message\": \"while locked\"}")")" = 503 &&
	test "$(err)" = -32006 &&
	test_grep "nothing forwarded, fail closed" out.json &&
	kill $holder &&
	{ wait $holder 2>/dev/null || :; } &&
	test "$(post ap.tok "$sid" "$(call e.echo "{\"message\": \"after\"}")")" = 200 &&
	test "$(json_get out.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: after" &&
	test "$(forwarded 2)" = 2
'

test_expect_success 'the gateway is still up; DELETE ends the session; the ledger verifies' '
	test "$(curl -s -o /dev/null -w "%{http_code}" -X DELETE -H "Authorization: Bearer $(cat ap.tok)" -H "Mcp-Session-Id: $(cat sid)" "$AIV_URL/mcp")" = 204 &&
	test "$(post ap.tok "$(cat sid)" "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}")" = 404 &&
	stop_server &&
	aivalue decisions verify &&
	aivalue audit verify
'

test_done
