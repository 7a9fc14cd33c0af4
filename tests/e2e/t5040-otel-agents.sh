#!/bin/sh
# OpenTelemetry GenAI traces as the conventions write them: the agent and
# the user are named once, on the invoke_agent span, and its chat and
# execute_tool children inherit them through parentSpanId.  One OTLP
# reader serves `import usage --format otel-genai` and `workflow
# import-spans`; both read the Collector file exporter's one request per
# line (children before their parent) and the older
# instrumentationLibrarySpans key, and account for every span.
. "$(dirname "$0")/lib.sh"

TRACE="$TEST_ROOT/tests/data/usage/otel-agent-trace.jsonl"

# The file, 8 spans on 3 lines:
#   line 1  chat (parent invoke_agent ap-bot), execute_tool approve_invoice,
#           execute_tool pay_invoice, an HTTP POST under pay_invoice
#   line 2  invoke_agent: gen_ai.agent.name ap-bot, gen_ai.agent.id
#           asst_ap_01, user.id ana (instrumentationLibrarySpans)
#   line 3  execute_tool read (parent invoke_agent claims-bot, by id only,
#           user.id bob), that invoke_agent, and execute_tool
#           lookup_policy whose parent is not in the file
test_expect_success 'agents, policies and one decision for approve_invoice' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	AIVALUE_FAKE_TIME=2029-03-01T10:00:00Z aivalue decide --agent ap-bot \
		--action approve_invoice --resource "Invoice::\"inv-7\"" \
		--context "{\"confidence\": 0.95, \"amount\": 10}" >d.out &&
	test_grep "^allow" d.out
'

# Tool calls: approve_invoice and pay_invoice (agent ap-bot from their
# parent: its name is the declared agent, its id is not) and read
# (claims-bot from its parent's id) = 3.  Used as context: the two
# invoke_agent spans = 2.  Skipped: chat and HTTP (not tool calls) = 2,
# lookup_policy (no agent anywhere above it) = 1.  8 = 3 + 2 + 3.
test_expect_success 'import-spans: 3 tool calls, every span accounted for' '
	aivalue workflow import-spans "$TRACE" --json >imp.json &&
	test "$(json_get imp.json "d[\"imported\"]")" = 3 &&
	test "$(json_get imp.json "d[\"skipped\"]")" = 3 &&
	test "$(json_get imp.json "d[\"tally\"][\"read\"]")" = 8 &&
	test "$(json_get imp.json "d[\"tally\"][\"used\"]")" = 5 &&
	test "$(json_get imp.json "{s[\"reason\"][:15]: s[\"count\"] for s in d[\"tally\"][\"skips\"]}")" = "{'\''not a tool call'\'': 2, '\''tool call names'\'': 1}" &&
	test "$(json_get imp.json "{a[\"what\"][:5]: a[\"count\"] for a in d[\"tally\"][\"assumptions\"]}")" = "{'\''older'\'': 1, '\''user '\'': 3, '\''agent'\'': 3}" &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = spans.import &&
	test "$(json_get log.json "d[0][\"payload\"][\"rows\"]")" = 3 &&
	test "$(json_get log.json "d[0][\"payload\"][\"tally\"][\"read\"]")" = 8 &&
	aivalue audit verify >/dev/null
'

# Shadow actions: tool calls with no decision of the same agent and action
# in the 10 minutes before: pay_invoice (ap-bot, p2p) and read
# (claims-bot, claims); approve_invoice has the 10:00:00 decision.
test_expect_success 'shadow actions: 2, one per workflow' '
	aivalue workflow shadow --json >sh.json &&
	test "$(json_get sh.json "\",\".join(r[\"agent\"] + \"/\" + r[\"tool\"] for r in d)")" = ap-bot/pay_invoice,claims-bot/read &&
	aivalue workflow shadow p2p --json >p2p.json &&
	test "$(json_get p2p.json "len(d)")" = 1 &&
	aivalue workflow readiness p2p --json >rd.json &&
	test "$(json_get rd.json "d[\"figures\"][\"logging\"][\"numerator\"]")" = 1 &&
	test "$(json_get rd.json "d[\"figures\"][\"logging\"][\"denominator\"]")" = 2
'

test_expect_success 'the same spans again: nothing new, skips say why; --strict refuses' '
	aivalue workflow import-spans "$TRACE" >again.out &&
	test_grep "^0 tool calls imported, 6 spans skipped" again.out &&
	test_grep "skipped 3: already imported (same traceId and spanId)" again.out &&
	head=$(aivalue audit checkpoint) &&
	workspace_new s &&
	aivalue --db "$(workspace_db s)" init >/dev/null &&
	aivalue --db "$(workspace_db s)" apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	test_must_fail aivalue --db "$(workspace_db s)" workflow import-spans "$TRACE" --strict 2>err &&
	test_grep "otel-agent-trace.jsonl:1: not a tool call" err &&
	test "$(test_sql_on s "SELECT count(*) FROM tool_calls")" = 0 &&
	test "$(aivalue audit checkpoint)" = "$head"
'

# Usage events: the 7 GenAI spans (the HTTP span is skipped).  ana:
# invoke_agent, chat, and two execute_tool, all workflow ap-bot, tool
# openai (the tool spans take the provider from their parent); bob:
# invoke_agent and execute_tool, workflow claims-bot, tool anthropic;
# lookup_policy names no user: kept under (no user.id).
test_expect_success 'import usage --format otel-genai reads the same file the same way' '
	aivalue import usage "$TRACE" --format otel-genai --json >u.json &&
	test "$(json_get u.json "d[\"rows\"]")" = 7 &&
	test "$(json_get u.json "d[\"people_matched\"]")" = 2 &&
	test "$(json_get u.json "d[\"unmatched_identities\"]")" = "[{'\''identity'\'': '\''(no user.id)'\'', '\''rows'\'': 1}]" &&
	test "$(json_get u.json "d[\"tally\"][\"read\"]")" = 8 &&
	test "$(json_get u.json "d[\"tally\"][\"used\"]")" = 7 &&
	test "$(json_get u.json "d[\"tally\"][\"skips\"][0][\"reason\"]")" = "span has no gen_ai.* attribute (not a GenAI span)" &&
	test "$(json_get u.json "{a[\"what\"][:5]: a[\"count\"] for a in d[\"tally\"][\"assumptions\"]}")" = "{'\''older'\'': 1, '\''user '\'': 4, '\''agent'\'': 4, '\''provi'\'': 3, '\''span '\'': 1}"
'

test_done
