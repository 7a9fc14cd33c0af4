#!/bin/sh
# t0123-state-tool-calls.sh - agents' tool calls imported from OTel spans
# are bound to the ledger: the newest spans.import digests the whole
# tool_calls table (only span imports add to it), so a tool call
# re-attributed to another agent, or one added by hand, is named by
# `audit verify`.
. "$(dirname "$0")/lib.sh"

TRACE="$TEST_ROOT/tests/data/usage/otel-agent-trace.jsonl"

# tamper NAME SQL: copy the workspace (workspace_copy) and run SQL on the copy
tamper() {
	workspace_copy "$1" &&
	test_sql_on "$1" "$2"
}

test_expect_success 'set up: agents, and 3 tool calls from an OTel trace' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	aivalue workflow import-spans "$TRACE" --json >imp.json &&
	test "$(json_get imp.json "d[\"imported\"]")" = 3 &&
	aivalue audit verify >ok.out &&
	test_grep "^state ok: " ok.out &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"payload\"][\"state_sha256\"][\"tool_calls\"]")" != ""
'

test_expect_success 'a tool call re-attributed to another agent is caught' '
	tamper agent "UPDATE tool_calls SET agent = '\''claims-bot'\'' WHERE tool = '\''pay_invoice'\''" &&
	test_must_fail --exit=1 aivalue --db "$(workspace_db agent)" audit verify >agent.out 2>agent.err &&
	test_grep "^ledger ok: " agent.out &&
	test_grep "^error: table tool_calls, row \*: the table digests to .* but the newest spans.import (entry [0-9]*) recorded " agent.err
'

test_expect_success 'a tool call added by hand is caught' '
	tamper added "INSERT INTO tool_calls(trace_id, span_id, time_us, time, agent, tool)
		VALUES ('\''t'\'', '\''s'\'', 0, '\''2029-01-01T00:00:00Z'\'', '\''ap-bot'\'', '\''pay_invoice'\'')" &&
	test_must_fail --exit=1 aivalue --db "$(workspace_db added)" audit verify 2>added.err &&
	test_grep "^error: table tool_calls, row \*: " added.err
'

test_expect_success 'importing the same trace again adds nothing and still verifies' '
	aivalue workflow import-spans "$TRACE" >/dev/null &&
	aivalue audit verify >again.out &&
	test_grep "^state ok: " again.out
'

test_done
