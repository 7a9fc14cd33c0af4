#!/bin/sh
# t8106-gateway-otel - `decisions export --otel` also exports each decided
# MCP gateway call (the ledger's gateway.calls records) as an OpenTelemetry
# GenAI execute_tool span, a child of its decision's apply_guardrail span:
# same trace, parentSpanId the decision's span, the tool, the agent, the
# decision id, the outcome and the upstream's latency; refused calls (no
# decision) are not exported.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null
start_server --quiet --gateway --upstream e=builtin:echo

# rpc JSON: one message in the agent's session; prints the status, body in out.json
rpc() { mcp_rpc ap.tok out.json "$1"; }
call() { echo "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", \"params\": {\"name\": \"$1\", \"arguments\": $2}}"; }
# span DECISION EXPR: EXPR over the execute_tool span of that decision as s,
# its decision's apply_guardrail span as g, attributes as a (name: value)
span() {
	python3 -S -c "
import json, sys
sp = json.load(open('otel.json'))['resourceSpans'][0]['scopeSpans'][0]['spans']
def attrs(x): return {k['key']: list(k['value'].values())[0] for k in x['attributes']}
s = [x for x in sp if x['name'].startswith('execute_tool') and attrs(x)['aivalue.decision_id'] == sys.argv[1]][0]
g = [x for x in sp if x['name'].startswith('apply_guardrail') and attrs(x)['aivalue.decision_id'] == sys.argv[1]][0]
a = attrs(s)
print($2)" "$1"
}

test_expect_success 'calls allowed, denied, escalated and refused through the gateway' '
	test "$(rpc "$(call e.add "{\"a\": 2, \"b\": 3}")")" = 200 &&
	json_get out.json "d[\"result\"][\"content\"][0][\"text\"]" >text &&
	test "$(cat text)" = "The sum of 2 and 3 is 5." &&
	test "$(rpc "$(call e.echo "{\"message\": \"secret\"}")")" = 200 &&
	json_get out.json "d[\"error\"][\"data\"][\"decision_id\"]" >deny.dec &&
	test "$(rpc "$(call e.add "{\"a\": 500, \"b\": 1}")")" = 200 &&
	json_get out.json "d[\"error\"][\"data\"][\"decision_id\"]" >esc.dec &&
	test "$(rpc "$(call e.nosuch "{}")")" = 200 &&
	test "$(json_get out.json "d[\"error\"][\"code\"]")" = -32602 &&
	stop_server &&
	aivalue decisions list --json >dl.json &&
	json_get dl.json "[r[\"decision_id\"] for r in d if r.get(\"input\", {}).get(\"action\") == \"e.add\" and r[\"result\"][\"decision\"] == \"allow\"][0]" >allow.dec
'

test_expect_success 'export --otel: one execute_tool span per decided call, none for the refused one' '
	aivalue decisions export --otel -o otel.json &&
	test "$(json_get otel.json "\",\".join(sorted(s[\"name\"] for s in d[\"resourceSpans\"][0][\"scopeSpans\"][0][\"spans\"]))")" = "apply_guardrail aivalue,apply_guardrail aivalue,apply_guardrail aivalue,execute_tool e.add,execute_tool e.add,execute_tool e.echo"
'

test_expect_success 'the allowed call: child of its decision span, tool, agent, latency, ok' '
	dec=$(cat allow.dec) &&
	test "$(span "$dec" "s[\"traceId\"] == g[\"traceId\"], s[\"parentSpanId\"] == g[\"spanId\"], s[\"spanId\"] != g[\"spanId\"], len(s[\"spanId\"])")" = "True True True 16" &&
	test "$(span "$dec" "a[\"gen_ai.operation.name\"], a[\"gen_ai.tool.name\"], a[\"gen_ai.agent.id\"], a[\"aivalue.decision\"], a[\"aivalue.call.status\"], a[\"aivalue.upstream\"]")" = "execute_tool e.add ap-bot allow ok e" &&
	test "$(span "$dec" "int(s[\"endTimeUnixNano\"]) - int(s[\"startTimeUnixNano\"]) == 1000 * int(a[\"aivalue.upstream.latency_us\"]), s[\"status\"][\"code\"], \"error.type\" in a")" = "True 0 False" &&
	test "$(span "$dec" "s[\"spanId\"]")" = "$(printf "execute_tool %s" "$dec" | sha256sum | cut -c1-16)"
'

test_expect_success 'denied and escalated calls: spans with their outcome, nothing forwarded' '
	test "$(span "$(cat deny.dec)" "a[\"gen_ai.tool.name\"], a[\"aivalue.decision\"], s[\"parentSpanId\"] == g[\"spanId\"], \"aivalue.upstream.latency_us\" in a, s[\"startTimeUnixNano\"] == s[\"endTimeUnixNano\"]")" = "e.echo deny True False True" &&
	test "$(span "$(cat esc.dec)" "a[\"gen_ai.tool.name\"], a[\"aivalue.decision\"], s[\"parentSpanId\"] == g[\"spanId\"]")" = "e.add escalate True"
'

test_done
