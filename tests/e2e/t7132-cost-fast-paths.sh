#!/bin/sh
# Cost's fast paths (issue 19, value under 1 s): token rows summed in C in
# key order (usage_each_token_day, was SQL GROUP BY), a charge's row found
# by (group id, month) instead of a string key, each team's initiatives
# worked out once, active seat months in a bit grid.  Hand-worked figures
# on a tiny workspace, then the small demo's figures checked against each
# other and against the store's own sums.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

DATA="$TEST_ROOT/tests/data/usage"

# otel-genai-tokens.jsonl (t7001): alice gpt-4o-2024-08-06 on 10 and 20
# March, 400,000 in and 100,000 out each; bob claude-sonnet-4-5 on 21 March,
# 1,234,567 in; bob mistral-large (no price) on 20 March.  A second file
# adds alice 100,000 in and 50,000 out on 20 March again: the same
# (identity, tool, model, day) from two imports, summed into one day.
#   10 March: 0.4 x 2.50 + 0.1 x 10.00           = 2.00
#   20 March: 0.5 x 2.00 + 0.15 x 8.00 = 1.00 + 1.20 = 2.20
#   gpt-4o March 4.20, claude 1.234567 x 3.00 = 3.70, total 7.90
#   gpt-4o input 900,000 tokens, output 250,000.
test_expect_success 'the same token day from two imports is summed once, priced by day' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/people.yaml" >/dev/null &&
	cat >prices.yaml <<-\EOT &&
	kind: PriceBook
	name: models
	currency: EUR
	models:
	  - {model: gpt-4o-2024-08-06, input_per_million: "2.50", output_per_million: "10.00", effective_from: 2026-01-01}
	  - {model: gpt-4o-2024-08-06, input_per_million: "2.00", output_per_million: "8.00", effective_from: 2026-03-15}
	  - {model: claude-sonnet-4-5, input_per_million: "3.00", output_per_million: "15.00", effective_from: 2026-01-01}
	EOT
	aivalue apply -f prices.yaml >/dev/null &&
	aivalue import usage "$DATA/otel-genai-tokens.jsonl" --format otel-genai >/dev/null &&
	cat >more.jsonl <<-\EOT &&
	{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"assistant"}}]},"scopeSpans":[{"scope":{"name":"x"},"spans":[{"traceId":"a1000000000000000000000000000009","spanId":"b100000000000009","name":"chat gpt-4o","startTimeUnixNano":"1774000000000000000","endTimeUnixNano":"1774000000000000000","attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.provider.name","value":{"stringValue":"openai"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"gen_ai.response.model","value":{"stringValue":"gpt-4o-2024-08-06"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"100000"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":"50000"}},{"key":"user.id","value":{"stringValue":"alice"}}]}]}]}]}
	EOT
	aivalue import usage more.jsonl --format otel-genai >/dev/null &&
	test "$(test_sql "SELECT count(*) FROM usage_tokens WHERE identity = '\''alice'\''")" = 3 &&
	aivalue cost --by model --period month --json >m.json &&
	test "$(json_get m.json "[(r[\"group\"], r[\"month\"], r[\"total\"] and r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''claude-sonnet-4-5'\'', '\''2026-03'\'', 370), ('\''gpt-4o-2024-08-06'\'', '\''2026-03'\'', 420), ('\''mistral-large'\'', '\''2026-03'\'', None)]" &&
	test "$(json_get m.json "[d[\"rows\"][1][\"lines\"][k][\"quantity\"] for k in (\"input_tokens\", \"output_tokens\")]")" = "[900000, 250000]" &&
	test "$(json_get m.json "d[\"total\"][\"total\"][\"minor\"]")" = 790 &&
	aivalue cost --by model --from 2026-03-15 --json >late.json &&
	test "$(json_get late.json "[(r[\"group\"], r[\"total\"] and r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''claude-sonnet-4-5'\'', 370), ('\''gpt-4o-2024-08-06'\'', 220), ('\''mistral-large'\'', None)]"
'

# Every grouping of the small demo charges the same inputs: the total is
# the same whatever the grouping, a group's months add up to the group's
# quantities, and the token quantities are the store's own sums.
cat >check.py <<'EOT'
import json, sys
whole, monthly = (json.load(open(f)) for f in sys.argv[1:3])
kinds = ("seats", "unused_seats", "input_tokens", "output_tokens", "decisions", "tool_calls")
def q(row, k):
    line = row["lines"].get(k)
    return line["quantity"] if line else 0
assert whole["total"] == monthly["total"], "totals differ"
sums = {}
for r in monthly["rows"]:
    assert r["month"], "a monthly row without a month"
    acc = sums.setdefault(r["group"], [0] * len(kinds))
    for i, k in enumerate(kinds):
        acc[i] += q(r, k)
got = {r["group"]: [q(r, k) for k in kinds] for r in whole["rows"]}
assert got == sums, "months do not add up: %r against %r" % (got, sums)
print(len(got), whole["total"]["total"]["minor"])
EOT
test_expect_success 'small demo: every grouping, by month and whole, charges the same' '
	workspace_new demo &&
	aivalue_demo --db "$(workspace_db demo)" demo --size small --dir ins >/dev/null 2>&1 &&
	aivalue --db "$(workspace_db demo)" cost --json >all.json &&
	total=$(json_get all.json "d[\"total\"][\"total\"][\"minor\"]") &&
	test "$total" -gt 0 &&
	for by in tool team function model agent initiative value-model
	do
		aivalue --db "$(workspace_db demo)" cost --by $by --json >w.json &&
		aivalue --db "$(workspace_db demo)" cost --by $by --period month --json >mo.json &&
		python3 -S "$TEST_DIR/check.py" w.json mo.json >out &&
		test "$(cut -d" " -f2 out)" = "$total" || return 1
	done &&
	test "$(json_get all.json "d[\"total\"][\"lines\"][\"input_tokens\"][\"quantity\"]")" = \
		"$(test_sql_on demo "SELECT sum(input_tokens) FROM usage_tokens")" &&
	test "$(json_get all.json "d[\"total\"][\"lines\"][\"output_tokens\"][\"quantity\"]")" = \
		"$(test_sql_on demo "SELECT sum(output_tokens) FROM usage_tokens")"
'

test_done
