#!/bin/sh
# aivalue cost --by initiative / value-model: a person's cost goes to the
# initiatives that list their team.  A team in two initiatives gives its
# whole cost to each (an initiative's ROI is never flattered by a share),
# and a gap says so; cost of people in no listed team is "(no initiative)".
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# Seats as in t7000: t1 (alice, bob) 205.00, dave-gh (no person) 64.50.
# Tokens as in t7001 (all alice and bob, t1): 7.30 at those prices.
test_expect_success 'by initiative, seats and tokens of team t1' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/people.yaml" >/dev/null &&
	cat >org.yaml <<-\EOT &&
	kind: Initiative
	name: dev-copilot
	title: Copilot for developers
	model: workforce
	owner: alice
	phase: 1
	status: production
	teams: [t1]
	EOT
	aivalue apply -f org.yaml >/dev/null &&
	cat >prices.yaml <<-\EOT &&
	kind: PriceBook
	name: list
	currency: EUR
	seats:
	  - {tool: github-copilot, per_month: "19.00", effective_from: 2026-01-01}
	  - {tool: github-copilot, per_month: "21.50", effective_from: 2026-03-01}
	models:
	  - {model: gpt-4o-2024-08-06, input_per_million: "2.50", output_per_million: "10.00", effective_from: 2026-01-01}
	  - {model: gpt-4o-2024-08-06, input_per_million: "2.00", output_per_million: "8.00", effective_from: 2026-03-15}
	  - {model: claude-sonnet-4-5, input_per_million: "3.00", output_per_million: "15.00", effective_from: 2026-01-01}
	EOT
	aivalue apply -f prices.yaml >/dev/null &&
	aivalue import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null &&
	aivalue import usage "$DATA/otel-genai-tokens.jsonl" --format otel-genai >/dev/null &&
	aivalue cost --by initiative --json >i.json &&
	test "$(json_get i.json "[(r[\"group\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''(no initiative)'\'', 6450), ('\''dev-copilot'\'', 21230)]" &&
	test "$(json_get i.json "d[\"total\"][\"total\"][\"minor\"]")" = 27680 &&
	aivalue cost --by value-model --json >v.json &&
	test "$(json_get v.json "[(r[\"group\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''(no initiative)'\'', 6450), ('\''workforce'\'', 21230)]"
'

# A second initiative on t1: each gets t1's whole 212.30, the rows add up to
# more than the total (which stays 276.80), and the gap names the team.
# Both are value model workforce: by value model t1 counts once.
test_expect_success 'a team in two initiatives counts in each, and is named' '
	sed -e "s/name: dev-copilot/name: code-review-bot/" -e "s/title: .*/title: Review bot/" \
		org.yaml >org2.yaml &&
	aivalue apply -f org2.yaml >/dev/null &&
	aivalue cost --by initiative --json >i2.json &&
	test "$(json_get i2.json "[(r[\"group\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''(no initiative)'\'', 6450), ('\''code-review-bot'\'', 21230), ('\''dev-copilot'\'', 21230)]" &&
	test "$(json_get i2.json "d[\"total\"][\"total\"][\"minor\"]")" = 27680 &&
	test "$(json_get i2.json "[g for g in d[\"gaps\"] if g.startswith(\"team\")]")" = "[\"team '\''t1'\'' is in initiatives '\''code-review-bot'\'' and '\''dev-copilot'\'' (at least): its whole cost counts in each, so the rows add up to more than the total\"]" &&
	aivalue cost --by value-model --json >v2.json &&
	test "$(json_get v2.json "[(r[\"group\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''(no initiative)'\'', 6450), ('\''workforce'\'', 21230)]"
'

test_done
