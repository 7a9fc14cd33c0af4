#!/bin/sh
# t8148-gateway-revoked-while-waiting - the decision writer refuses a
# request whose token was revoked even when the revocation was seen in an
# earlier batch.  The writer reads the revocation count in its transaction
# and, before this test, looked up the batch's tokens only in the batch in
# which the count changed: a request admitted before (from a worker's token
# cache, or an escalated tools/call waiting for approval, decided again once
# approved) that reached a later batch was recorded and allowed.  The
# waiting call makes the order deterministic: it is admitted, its token is
# revoked, another call's batch sees the revocation, then the approval
# releases it.  Nothing here depends on timing.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null
aivalue token create --name ap-other --agent ap-bot >other.tok 2>/dev/null
start_server --quiet --gateway --upstream e=builtin:echo --escalation-wait 30

call_add() { echo "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", \"params\": {\"name\": \"e.add\", \"arguments\": {\"a\": $1, \"b\": 1}}}"; }
call_echo='{"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {"name": "e.echo", "arguments": {"message": "hi"}}}'
ndec="len([r for r in d if r[\"kind\"] == \"decision\"])"
one_pending_() {
	aivalue exceptions list --state pending --json >ex.json &&
	test "$(json_get ex.json "len(d)")" = 1
}

test_expect_success 'a waiting call whose token is revoked meanwhile is refused once approved, nothing recorded for it' '
	test "$(mcp_rpc ap.tok sid.json "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}")" = 200 &&
	{ mcp_rpc ap.tok out1.json "$(call_add 500)" >st1 & } &&
	wait_until 30 one_pending_ &&
	json_get ex.json "d[0][\"id\"]" >item1 &&
	aivalue token revoke ap-key >/dev/null 2>&1 &&
	test "$(mcp_rpc other.tok out2.json "$call_echo")" = 200 &&
	test "$(json_get out2.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: hi" &&
	aivalue decisions list --json >before.json &&
	aivalue exceptions approve "$(cat item1)" --as bob --reason "checked the invoice" >/dev/null &&
	wait &&
	test "$(cat st1)" = 401 &&
	test "$(json_get out1.json "d[\"error\"][\"message\"]")" = "token was revoked" &&
	aivalue decisions list --json >after.json &&
	test "$(json_get before.json "$ndec")" = "$(json_get after.json "$ndec")" &&
	test "$(mcp_rpc other.tok out3.json "$call_echo")" = 200
'

test_expect_success 'the ledger and the decision log verify' '
	stop_server &&
	aivalue decisions verify &&
	aivalue audit verify
'

test_done
