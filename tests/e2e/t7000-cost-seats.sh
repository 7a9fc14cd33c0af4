#!/bin/sh
# aivalue cost, seats: a seat is licensed from the month of its first
# seat row to the end of the period, each month at the PriceBook's seat
# price in force on its first day; seat months with no usage of that tool
# are the "unused seats" line (a part of seats, not added twice).
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# tests/data/usage/copilot-seats.json: alice and bob from 2026-01-08, dave-gh
# (joined to no person) from 2026-03-01; alice last active 2026-05-06, bob
# never.  The period runs to the last day with data, 2026-05-06.
#   seat months: alice 5 (Jan..May) + bob 5 + dave 3 (Mar..May) = 13
#   Jan, Feb at 19.00: 2 people x 2 months x 19.00            =  76.00
#   Mar..May at 21.50: (alice + bob) 6 x 21.50 + dave 3 x 21.50 = 193.50
#   seats total                                                = 269.50
#   unused: bob 5 (19+19+3x21.50 = 102.50), alice Jan..Apr (19+19+21.50+21.50
#   = 81.00): 9 seat months, 183.50; dave's use is unknown (no person).
test_expect_success 'seats priced by month, the price change on 1 March used from March' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/people.yaml" >/dev/null &&
	cat >prices.yaml <<-\EOT &&
	kind: PriceBook
	name: list
	currency: EUR
	seats:
	  - {tool: github-copilot, plan: business, per_month: "19.00", effective_from: 2026-01-01}
	  - {tool: github-copilot, plan: business, per_month: "21.50", effective_from: 2026-03-01}
	EOT
	aivalue apply -f prices.yaml >/dev/null &&
	aivalue import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null &&
	aivalue cost --json >c.json &&
	test "$(json_get c.json "d[\"currency\"]")" = EUR &&
	test "$(json_get c.json "d[\"from\"], d[\"to\"]")" = "2026-01-08 2026-05-06" &&
	test "$(json_get c.json "d[\"total\"][\"lines\"][\"seats\"][\"quantity\"]")" = 13 &&
	test "$(json_get c.json "d[\"total\"][\"lines\"][\"seats\"][\"cost\"][\"minor\"]")" = 26950 &&
	test "$(json_get c.json "d[\"total\"][\"lines\"][\"unused_seats\"][\"quantity\"]")" = 9 &&
	test "$(json_get c.json "d[\"total\"][\"lines\"][\"unused_seats\"][\"cost\"][\"minor\"]")" = 18350 &&
	test "$(json_get c.json "d[\"total\"][\"total\"][\"text\"]")" = "€269.50" &&
	aivalue cost >c.txt &&
	test_grep "^all  *total  *€269.50$" c.txt &&
	test_grep "^  *unused seats   9 seat months  €183.50  part of seats$" c.txt &&
	test_grep "3 seat months belong to identities joined to no person" c.txt
'

# By team: t1 (alice, bob) 10 seat months = 76.00 + 6 x 21.50 = 205.00;
# dave-gh has no person, so no team: 3 x 21.50 = 64.50.  By month: March is
# 3 seats x 21.50 = 64.50, February 2 x 19.00 = 38.00.
test_expect_success 'by team and by month' '
	aivalue cost --by team --json >t.json &&
	test "$(json_get t.json "[(r[\"group\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''(no team)'\'', 6450), ('\''t1'\'', 20500)]" &&
	aivalue cost --period month --json >m.json &&
	test "$(json_get m.json "[(r[\"month\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''2026-01'\'', 3800), ('\''2026-02'\'', 3800), ('\''2026-03'\'', 6450), ('\''2026-04'\'', 6450), ('\''2026-05'\'', 6450)]"
'

# --from/--to: February and March only.  Seats: Feb 2 x 19.00, Mar 3 x 21.50.
test_expect_success 'a period given with --from and --to' '
	aivalue cost --from 2026-02-01 --to 2026-03-31 --json >p.json &&
	test "$(json_get p.json "d[\"total\"][\"lines\"][\"seats\"][\"quantity\"]")" = 5 &&
	test "$(json_get p.json "d[\"total\"][\"total\"][\"minor\"]")" = 10250 &&
	test_must_fail --exit=2 aivalue cost --from 2026-02-30 &&
	test_must_fail --exit=2 aivalue cost --by colour &&
	test_must_fail --exit=1 aivalue cost --from 2026-04-01 --to 2026-03-01
'

# Without a price book nothing is costed at zero: the quantities are there,
# the money is "no data", and the gap says which YAML supplies it.
test_expect_success 'no price book: quantities shown, cost no data' '
	aivalue delete PriceBook list >/dev/null &&
	aivalue cost --json >n.json &&
	test "$(json_get n.json "d[\"currency\"]")" = None &&
	test "$(json_get n.json "d[\"total\"][\"lines\"][\"seats\"][\"quantity\"]")" = 13 &&
	test "$(json_get n.json "d[\"total\"][\"lines\"][\"seats\"][\"cost\"]")" = None &&
	test "$(json_get n.json "d[\"total\"][\"total\"]")" = None &&
	aivalue cost >n.txt &&
	test_grep "^all  *total  *no data$" n.txt &&
	test_grep "no price book: every quantity is unpriced" n.txt
'

test_done
