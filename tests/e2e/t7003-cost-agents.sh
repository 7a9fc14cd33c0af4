#!/bin/sh
# aivalue cost, agents: decisions (decision log) and tool calls (imported
# spans) per agent and day, priced at the PriceBook's agent runtime prices;
# an agent's own line wins over the line for every agent.
. "$(dirname "$0")/lib.sh"

TRACE="$TEST_ROOT/tests/data/usage/otel-agent-trace.jsonl"

# One decision of ap-bot (2029-03-01) and the trace's three tool calls
# (t5040): approve_invoice and pay_invoice by ap-bot, read by claims-bot.
# Prices: every agent 0.10 a tool call; ap-bot 0.25 a decision, 0.12 a call.
#   ap-bot      1 x 0.25 + 2 x 0.12 = 0.49
#   claims-bot  1 x 0.10            = 0.10
#   total 0.59; both agents are owned by ana (team finance).
test_expect_success 'decisions and tool calls priced per agent' '
	aivalue init >/dev/null &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	AIVALUE_FAKE_TIME=2029-03-01T10:00:00Z aivalue decide --agent ap-bot \
		--action approve_invoice --resource "Invoice::\"inv-7\"" \
		--context "{\"confidence\": 0.95, \"amount\": 10}" >d.out &&
	aivalue workflow import-spans "$TRACE" >/dev/null &&
	cat >prices.yaml <<-\EOT &&
	kind: PriceBook
	name: runtime
	currency: EUR
	agents:
	  - {per_tool_call: "0.10", effective_from: 2029-01-01}
	  - {agent: ap-bot, per_decision: "0.25", per_tool_call: "0.12", effective_from: 2029-01-01}
	EOT
	aivalue apply -f prices.yaml >/dev/null &&
	aivalue cost --by agent --json >a.json &&
	test "$(json_get a.json "[(r[\"group\"], r[\"lines\"][\"decisions\"][\"quantity\"], r[\"lines\"][\"tool_calls\"][\"quantity\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''ap-bot'\'', 1, 2, 49), ('\''claims-bot'\'', 0, 1, 10)]" &&
	aivalue cost --by team --json >t.json &&
	test "$(json_get t.json "[(r[\"group\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''finance'\'', 59)]"
'

# Before the price book's first date nothing is priced: the calls and the
# decision are counted as unpriced, the cost is "no data".
test_expect_success 'agent activity before the first effective_from is unpriced' '
	sed "s/2029-01-01/2029-06-01/" prices.yaml >later.yaml &&
	aivalue apply -f later.yaml >/dev/null &&
	aivalue cost --json >u.json &&
	test "$(json_get u.json "d[\"total\"][\"total\"]")" = None &&
	test "$(json_get u.json "d[\"total\"][\"lines\"][\"tool_calls\"][\"unpriced\"]")" = 3 &&
	aivalue cost >u.txt &&
	test_grep "agent tool calls .ap-bot.: 2 tool calls unpriced (no price in force from 2029-03-01)" u.txt
'

test_done
