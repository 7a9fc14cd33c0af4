#!/bin/sh
# aivalue cost, tokens: OpenTelemetry GenAI spans keep their
# gen_ai.usage.input_tokens / output_tokens per user, model and day
# (usage_tokens, digested with the import's ledger entry); each day's
# tokens are priced at the model's price per million in force that day.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# tests/data/usage/otel-genai-tokens.jsonl (spans shaped as the GenAI
# semantic conventions write them: gen_ai.provider.name, request.model,
# response.model, usage.*_tokens; user.id on the span or the resource):
#   2026-03-10 alice gpt-4o-2024-08-06  in 400,000   out 100,000
#   2026-03-20 alice gpt-4o-2024-08-06  in 400,000   out 100,000
#   2026-03-20 bob   mistral-large      in   5,000   out   1,000 (no price)
#   2026-03-21 bob   claude-sonnet-4-5  in 1,234,567 out       0 (request.model only)
# Prices per million: gpt-4o 2.50 / 10.00 from 2026-01-01, 2.00 / 8.00 from
# 2026-03-15 (mid-month); claude 3.00 / 15.00.
#   10 March: 0.4 x 2.50 + 0.1 x 10.00 = 1.00 + 1.00 = 2.00
#   20 March: 0.4 x 2.00 + 0.1 x  8.00 = 0.80 + 0.80 = 1.60
#   claude:   1.234567 x 3.00 = 3.703701 -> 3.70 (rounded half to even, once)
#   total 7.30; mistral-large's 6,000 tokens unpriced, never 0.
test_expect_success 'token cost by model, the price change on 15 March used by day' '
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
	aivalue import usage "$DATA/otel-genai-tokens.jsonl" --format otel-genai --json >imp.json &&
	test "$(json_get imp.json "d[\"token_rows\"]")" = 4 &&
	aivalue cost --by model --json >m.json &&
	test "$(json_get m.json "[(r[\"group\"], r[\"total\"] and r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''claude-sonnet-4-5'\'', 370), ('\''gpt-4o-2024-08-06'\'', 360), ('\''mistral-large'\'', None)]" &&
	test "$(json_get m.json "d[\"rows\"][2][\"lines\"][\"input_tokens\"][\"unpriced\"]")" = 5000 &&
	test "$(json_get m.json "d[\"total\"][\"total\"][\"minor\"]")" = 730 &&
	test "$(json_get m.json "d[\"total\"][\"unpriced\"]")" = True &&
	aivalue cost --by model >m.txt &&
	test_grep "^mistral-large  *total  *no data$" m.txt &&
	test_grep "^  *input tokens  *5,000 tokens  no data  unpriced$" m.txt &&
	test_grep "model .mistral-large.: 6,000 tokens unpriced" m.txt &&
	aivalue audit verify --state >v.txt &&
	test_grep "^state ok" v.txt
'

# alice is in team t1 (people.yaml), bob's identity maps to him, also t1;
# by provider (tool): openai 3.60, anthropic 3.70, mistral_ai no data.
test_expect_success 'by team and by tool' '
	aivalue cost --by team --json >t.json &&
	test "$(json_get t.json "[(r[\"group\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''t1'\'', 730)]" &&
	aivalue cost --by tool --json >p.json &&
	test "$(json_get p.json "[(r[\"group\"], r[\"total\"] and r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''anthropic'\'', 370), ('\''mistral_ai'\'', None), ('\''openai'\'', 360)]"
'

# A token count that is not a whole number of 0 or more refuses the file,
# naming file, line and attribute; nothing is imported.
test_expect_success 'a negative token count is refused, nothing imported' '
	test_must_fail --exit=1 aivalue import usage "$DATA/otel-genai-bad-tokens.jsonl" \
		--format otel-genai 2>err &&
	test_grep "otel-genai-bad-tokens.jsonl:2: span .b100000000000002.: gen_ai.usage.input_tokens is not a whole number" err &&
	aivalue cost --json >after.json &&
	test "$(json_get after.json "d[\"total\"][\"lines\"][\"input_tokens\"][\"quantity\"]")" = 2039567
'

test_done
