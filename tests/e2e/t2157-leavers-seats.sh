#!/bin/sh
# A seat held by a person who left is a reclaim candidate, named as such.
# tests/data/usage/copilot-seats.json (as in t7000): alice and bob hold
# github-copilot seats from 2026-01-08; the period runs to 2026-05-06.
# bob leaves on 2026-03-15: the seat months starting on or after that day
# are April and May, 2 of them.  Seats (13) and unused seats (9) are what
# t7000 worked out: still billed, so unchanged.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

test_expect_success 'setup: two people with seats, a price book' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/people.yaml" >/dev/null &&
	cat >prices.yaml <<-\EOT &&
	kind: PriceBook
	name: list
	currency: EUR
	seats:
	  - {tool: github-copilot, plan: business, per_month: "19.00", effective_from: 2026-01-01}
	EOT
	aivalue apply -f prices.yaml >/dev/null &&
	aivalue import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null &&
	aivalue cost --json >c0.json &&
	test "$(json_get c0.json "d[\"reclaim\"]")" = "[]"
'

test_expect_success 'bob leaves: his seat is named a reclaim candidate' '
	cat >bob.yaml <<-\EOT &&
	kind: Person
	name: bob
	display_name: Bob
	email: bob@acme.example
	role: Analyst
	team: t1
	status: left
	left_at: "2026-03-15"
	EOT
	aivalue apply -f bob.yaml >/dev/null &&
	aivalue cost --json >c.json &&
	test "$(json_get c.json "len(d[\"reclaim\"])")" = 1 &&
	test "$(json_get c.json "\" \".join(str(d[\"reclaim\"][0][k]) for k in (\"person\", \"tool\", \"left_at\", \"seat_months_after\"))")" = "bob github-copilot 2026-03-15 2" &&
	test "$(json_get c.json "d[\"total\"][\"lines\"][\"seats\"][\"quantity\"]")" = 13 &&
	test "$(json_get c.json "d[\"total\"][\"lines\"][\"unused_seats\"][\"quantity\"]")" = 9 &&
	aivalue cost >c.txt &&
	test_grep "^seats held by people who left (reclaim candidates):$" c.txt &&
	test_grep "^  - github-copilot seat of bob, who left on 2026-03-15: 2 seat months billed since$" c.txt
'

test_expect_success 'a period that ends before the departure bills nothing after it' '
	aivalue cost --to 2026-02-28 --json >p.json &&
	test "$(json_get p.json "[r[\"seat_months_after\"] for r in d[\"reclaim\"]]")" = "[0]"
'

test_done
