#!/bin/sh
# t8100-gateway - the MCP gateway (issue 17) with the official MCP SDK as
# the agent (tests/mcp/agent.mjs) and the built-in echo upstream: tools/list
# filtered per agent, allow (forwarded), deny (reason and decision id),
# escalate (exception item), approval releasing the same-args retry once,
# changed arguments decided anew, expiry, confidence from _meta, a revoked
# token, and every call chained into the ledger.  The SDK runs twice (it
# costs most of this file's CPU); the other cases speak JSON-RPC with curl.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

mcp_dir="$TEST_ROOT/tests/mcp"
if ! command -v node >/dev/null 2>&1 ||
   [ ! -d "$mcp_dir/node_modules/@modelcontextprotocol/sdk" ]; then
	echo "1..0 # SKIP node or tests/mcp/node_modules missing (scripts/install-test-deps)"
	exit 0
fi

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null
aivalue token create --name idle-key --agent idle-bot >idle.tok 2>/dev/null
aivalue token create --name ada --role admin >admin.tok 2>/dev/null
start_server --quiet --gateway --upstream e=builtin:echo --expire-every PT1S

# agent TOKENFILE OPS: run the SDK agent, one JSON line per op in out.jsonl
agent() { node "$mcp_dir/agent.mjs" "$AIV_URL/mcp" "$1" "$2" >out.jsonl; }
# line N EXPR: EXPR over line N (1-based) of out.jsonl as d
line() { python3 -S -c "import json,sys; d=json.loads(open('out.jsonl').read().splitlines()[$1-1]); print($2)"; }
# rpc TOKENFILE JSON: one message in the token's session (gateway_rpc.sh);
# prints the status, body in out.json
rpc() { mcp_rpc "$1" out.json "$2"; }
call() { echo "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", \"params\": {\"name\": \"$1\", \"arguments\": $2}}"; }
# records N: the gateway's call records in the ledger, oldest first, one
# JSON per line, once N are there (the recorder commits each just after
# the agent is answered)
records() {
	gateway_recorded "$1" &&
	aivalue audit log --json >log.json &&
	python3 -S -c 'import json; [print(json.dumps(r, sort_keys=True)) for e in reversed(json.load(open("log.json"))) if e["action"] == "gateway.calls" for r in e["payload"]["records"]]' >records.jsonl
}
# record N EXPR: EXPR over the N-th last record as d
record() { tail -n "$1" records.jsonl | head -n 1 >rec.json && json_get rec.json "$2"; }

test_expect_success 'the SDK agent: tools/list filtered, allow, deny, confidence, escalate' '
	agent ap.tok "[[\"list\"],
		[\"call\", \"e.echo\", {\"message\": \"hello\"}],
		[\"call\", \"e.add\", {\"a\": 2, \"b\": 3}],
		[\"call\", \"e.echo\", {\"message\": \"secret\"}],
		[\"call\", \"e.echo\", {\"message\": \"hi\"}, {\"confidence\": 0.3}],
		[\"call\", \"e.echo\", {\"message\": \"hi\"}, {\"confidence\": 0.9}],
		[\"call\", \"e.add\", {\"a\": 500, \"b\": 1}]]" &&
	test "$(line 1 "\",\".join(d[\"tools\"])")" = "e.echo,e.add" &&
	test "$(line 2 "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: hello" &&
	test "$(line 3 "d[\"result\"][\"content\"][0][\"text\"]")" = "The sum of 2 and 3 is 5." &&
	test "$(line 4 "d[\"error\"][\"code\"], d[\"error\"][\"data\"][\"reason\"]")" = "-32003 forbidden by policy no-secret" &&
	test "$(line 5 "d[\"error\"][\"data\"][\"reason\"]")" = "forbidden by policy sure-enough" &&
	test "$(line 6 "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: hi" &&
	test "$(line 7 "d[\"error\"][\"code\"]")" = -32004 &&
	line 4 "d[\"error\"][\"data\"][\"decision_id\"]" >deny.dec &&
	line 7 "d[\"error\"][\"data\"][\"exception_id\"]" >item
'

test_expect_success 'each call is in the ledger with its decision, digest, upstream, outcome, latency, size' '
	records 7 &&
	test "$(record 7 "d[\"kind\"], \",\".join(d[\"listed\"]), len(d[\"hidden\"])")" = "tools_list e.echo,e.add 0" &&
	test "$(record 5 "d[\"tool\"], d[\"outcome\"], d[\"status\"], d[\"upstream\"], d[\"agent\"], d[\"token\"]")" = "e.add allow ok e ap-bot ap-key" &&
	test "$(record 5 "d[\"result_bytes\"], d[\"latency_us\"] >= 0, len(d[\"args_digest\"]), \"result\" in d")" = "63 True 64 False" &&
	test "$(record 4 "d[\"outcome\"], d[\"decision_id\"], \"status\" in d")" = "deny $(cat deny.dec) False" &&
	test "$(record 1 "d[\"outcome\"], d[\"exception_id\"]")" = "escalate $(cat item)" &&
	record 5 "d[\"decision_id\"]" >allow.dec &&
	aivalue decisions list --json >dl.json &&
	test "$(json_get dl.json "[r[\"result\"][\"decision\"] + \" \" + r[\"input\"][\"action\"] for r in d if r[\"decision_id\"] == \"$(cat allow.dec)\"][0]")" = "allow e.add"
'

test_expect_success 'another agent sees none of these tools, and the filter is recorded' '
	test "$(rpc idle.tok "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}")" = 200 &&
	test "$(json_get out.json "len(d[\"result\"][\"tools\"])")" = 0 &&
	records 8 &&
	test "$(record 1 "d[\"agent\"], len(d[\"listed\"]), \",\".join(d[\"hidden\"])")" = "idle-bot 0 e.echo,e.add" &&
	test "$(rpc idle.tok "$(call e.echo "{\"message\": \"hi\"}")")" = 200 &&
	test "$(json_get out.json "d[\"error\"][\"data\"][\"reason\"]")" = "no policy permits this request (deny by default)"
'

test_expect_success 'the escalation is an item in its queue; approval releases the same call once' '
	aivalue exceptions show "$(cat item)" --json >item.json &&
	test "$(json_get item.json "d[\"state\"], d[\"queue\"], d[\"owner\"], d[\"action\"]")" = "pending ap-review ap-clerks e.add" &&
	aivalue exceptions approve "$(cat item)" --as bob --reason "checked the invoice" >/dev/null &&
	agent ap.tok "[[\"call\", \"e.add\", {\"a\": 500, \"b\": 2}],
		[\"call\", \"e.add\", {\"a\": 500, \"b\": 1}],
		[\"call\", \"e.add\", {\"a\": 500, \"b\": 1}]]" &&
	test "$(line 1 "d[\"error\"][\"code\"], d[\"error\"][\"data\"][\"exception_id\"] != \"$(cat item)\"")" = "-32004 True" &&
	test "$(line 2 "d[\"result\"][\"content\"][0][\"text\"]")" = "The sum of 500 and 1 is 501." &&
	test "$(line 3 "d[\"error\"][\"code\"]")" = -32004 &&
	aivalue exceptions show "$(cat item)" --json >item.json &&
	test "$(json_get item.json "d[\"state\"], d.get(\"used_at\") is not None")" = "approved True"
'

test_expect_success 'expiry: an item past its SLA expires, cannot be approved, releases nothing' '
	test "$(rpc ap.tok "$(call e.echo "{\"message\": \"late\"}")")" = 200 &&
	test "$(json_get out.json "d[\"error\"][\"code\"]")" = -32004 &&
	json_get out.json "d[\"error\"][\"data\"][\"exception_id\"]" >late &&
	sleep 2.2 &&
	aivalue exceptions show "$(cat late)" --json >item.json &&
	test "$(json_get item.json "d[\"state\"]")" = expired &&
	test_must_fail aivalue exceptions approve "$(cat late)" --as bob --reason late 2>err &&
	test "$(rpc ap.tok "$(call e.echo "{\"message\": \"late\"}")")" = 200 &&
	test "$(json_get out.json "d[\"error\"][\"code\"], d[\"error\"][\"data\"][\"exception_id\"] != \"$(cat late)\"")" = "-32004 True"
'

test_expect_success 'a non-agent token is refused; a revoked token is refused, nothing recorded' '
	test "$(curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat admin.tok)" \
		--data-binary "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}" "$AIV_URL/mcp")" = 403 &&
	aivalue decisions list --json >before.json &&
	aivalue token revoke ap-key >/dev/null 2>&1 &&
	sleep 1.1 &&
	rpc ap.tok "$(call e.echo "{\"message\": \"hi\"}")" >status &&
	test "$(cat status)" = 401 &&
	aivalue decisions list --json >after.json &&
	ndec="len([r for r in d if r[\"kind\"] == \"decision\"])" &&
	test "$(json_get before.json "$ndec")" = "$(json_get after.json "$ndec")"
'

test_expect_success 'the ledger and the decision log verify' '
	stop_server &&
	aivalue decisions verify &&
	aivalue audit verify
'

test_done
