#!/bin/sh
# The monthly activity rollup (usage_activity, issue 19): every usage
# import adds the rows of the months it touched, in its own transaction;
# cost and value read it to find the seat months nobody used.  The person
# and team of a row are read at the time of asking, so a later identity
# join or team change needs no rewrite.  Migration 17 back-fills it from
# the stored blocks, and a workspace opened read-only before that rolls up
# in memory with the same figures.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"
MAP="person=user,time=date,tool=app,count=actions"
SQ="'"

unused() {
	json_get "$1" "d[\"total\"][\"lines\"][\"unused_seats\"][\"quantity\"], d[\"total\"][\"lines\"][\"unused_seats\"][\"cost\"][\"minor\"]"
}

# As t7000: 13 seat months; unused: bob Jan..May (102.50) and alice Jan..Apr
# (81.00), 9 seat months, 183.50.
test_expect_success 'seats alone: nine unused seat months' '
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
	aivalue cost --json >c0.json &&
	test "$(unused c0.json)" = "9 18350"
'

# File A: bob on 27 February and 2 March (two months, one import), and
# alice on 15 January with no action (not activity).  Bob's February
# (19.00) and March (21.50) are used now: 7 seat months, 183.50 - 40.50.
test_expect_success 'an import makes the months it touched used' '
	cat >a.csv <<-\EOT &&
	date,user,app,actions
	2026-02-27,bob@acme.example,github-copilot,2
	2026-03-02,bob@acme.example,github-copilot,1
	2026-01-15,alice@acme.example,github-copilot,0
	EOT
	aivalue import usage a.csv --format csv --map "$MAP" >/dev/null &&
	aivalue cost --json >c1.json &&
	test "$(unused c1.json)" = "7 14300"
'

# File B, a second import: alice on 10 February (her February, 19.00, is
# used now) and bob again on 28 February, a month file A already made used.
test_expect_success 'a second import adds to the months of the first' '
	cat >b.csv <<-\EOT &&
	date,user,app,actions
	2026-02-10,alice@acme.example,github-copilot,2
	2026-02-28,bob@acme.example,github-copilot,4
	EOT
	aivalue import usage b.csv --format csv --map "$MAP" >/dev/null &&
	aivalue cost --json >c2.json &&
	test "$(unused c2.json)" = "6 12400" &&
	test "$(test_sql "SELECT month, day_mask, events, actions FROM usage_activity a JOIN usage_identities i ON i.id = a.identity WHERE i.person = ${SQ}bob${SQ} ORDER BY a.import_id, month")" = "$(printf "%s\n" "24313|67108864|1|2" "24314|2|1|1" "24313|134217728|1|4")"
'

# Importing file A again changes nothing: no second set of rows.
test_expect_success 're-importing a file adds no rows' '
	test_sql "SELECT count(*) FROM usage_activity" >rows.before &&
	aivalue import usage a.csv --format csv --map "$MAP" >/dev/null &&
	test_sql "SELECT count(*) FROM usage_activity" >rows.after &&
	test_cmp rows.before rows.after &&
	aivalue cost --json >c3.json &&
	test "$(unused c3.json)" = "6 12400"
'

# Bob moves to team t2 (the rollup is not rewritten): his five seat months
# (19.00 x 2 + 21.50 x 3 = 102.50) go to t2 with his three unused ones
# (January 19.00, April and May 21.50 x 2: 62.00); alice keeps t1 (102.50,
# unused January 19.00, March and April 43.00: 62.00).
test_expect_success 'a person changing team: the cost follows the team asked now' '
	cat >move.yaml <<-\EOT &&
	kind: Team
	name: t2
	title: Team two
	function: finance
	---
	kind: Person
	name: bob
	display_name: Bob
	email: bob@acme.example
	role: Analyst
	team: t2
	EOT
	aivalue apply -f move.yaml >/dev/null &&
	aivalue cost --by team --json >t.json &&
	test "$(json_get t.json "[(r[\"group\"], r[\"total\"][\"minor\"], r[\"lines\"][\"unused_seats\"][\"cost\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''(no team)'\'', 6450, 0), ('\''t1'\'', 10250, 6200), ('\''t2'\'', 10250, 6200)]"
'

# The rollup dropped and migration 17 unrecorded (with 18, the seat spans,
# that came after it): read-only commands roll up in memory, and the next
# write command back-fills the same rows.
test_expect_success 'an older workspace: figures read-only and after the back-fill agree' '
	test_sql "SELECT import_id, identity, tool, month, day_mask, events, actions FROM usage_activity ORDER BY 1, 2, 3, 4" >kept &&
	test_sql "DROP TABLE usage_activity; DROP TABLE usage_seat_spans; DROP INDEX usage_tokens_day; DROP TABLE event_log_figures; DROP INDEX objects_updated; DELETE FROM schema_migrations WHERE version >= 17" &&
	aivalue cost --json >c4.json &&
	test "$(unused c4.json)" = "6 12400" &&
	aivalue init >/dev/null &&
	test_sql "SELECT import_id, identity, tool, month, day_mask, events, actions FROM usage_activity ORDER BY 1, 2, 3, 4" >filled &&
	test_cmp kept filled &&
	aivalue cost --json >c5.json &&
	test "$(unused c5.json)" = "6 12400"
'

# The rollup is derived: audit verify --state replays it from each import's
# blocks and names the import whose rows were changed.
test_expect_success 'audit verify --state replays the rollup from the blocks' '
	aivalue audit verify >ok.out &&
	test_grep "^state ok" ok.out &&
	test_sql "UPDATE usage_activity SET actions = actions + 1 WHERE import_id = 2 AND month = 24314" &&
	test_must_fail aivalue audit verify >bad.out 2>&1 &&
	test_grep "table usage_activity, row import 2: 1 of its monthly activity rows differ" bad.out
'

test_done
