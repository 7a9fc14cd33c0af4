#!/bin/sh
# Seat spans (usage_seat_spans, migration 18, issue 19): one row per
# licensed identity and tool with the first day a seat export licensed it
# and the person its rows were joined to.  Cost charges a seat from its
# first month on and reads these rows instead of every snapshot's seat
# rows.  Each usage import merges its own rows in its transaction, an
# identity join raises the person, the migration back-fills, a workspace
# opened read-only before it folds the seat rows with the same figures,
# and audit verify --state compares the spans with the seat rows.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

DATA="$TEST_ROOT/tests/data/usage"
SPANS="SELECT identity, tool, coalesce(person, '-'), first_day FROM usage_seat_spans ORDER BY identity, tool"

by_team() {
	json_get "$1" "[(r[\"group\"], r[\"total\"][\"minor\"], r[\"lines\"][\"seats\"][\"quantity\"]) for r in d[\"rows\"]]"
}

# copilot-seats.json: alice and bob licensed from 2026-01-08 (day 20461),
# dave-gh (no person yet) from 2026-03-01 (day 20513).
test_expect_success 'one seat export: one span per seat' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/people.yaml" >/dev/null &&
	cat >prices.yaml <<-\EOT &&
	kind: PriceBook
	name: list
	currency: EUR
	seats:
	  - {tool: github-copilot, plan: business, per_month: "19.00", effective_from: 2025-12-01}
	  - {tool: github-copilot, plan: business, per_month: "21.50", effective_from: 2026-03-01}
	EOT
	aivalue apply -f prices.yaml >/dev/null &&
	aivalue import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null &&
	test_sql "$SPANS" >spans &&
	printf "%s\n" "alice|github-copilot|alice|20461" "bob|github-copilot|bob|20461" \
		"dave-gh|github-copilot|-|20513" >expect &&
	test_cmp expect spans
'

# A later export shows bob from 2025-12-15 (day 20437, earlier: his span
# starts then) and alice from 2026-02-01 (later: hers stays).  Five seat
# rows, still three spans.  Period 2025-12-15 to 2026-05-06 (the last
# activity): bob Dec-Feb 3 x 19.00 + Mar-May 3 x 21.50 = 121.50, alice
# Jan-Feb 38.00 + 64.50 = 102.50, team t1 224.00 in 11 seat months;
# dave-gh Mar-May 64.50 in 3, no team.
test_expect_success 'a second export moves a span to its earliest day only' '
	cat >later.json <<-\EOT &&
	{"total_seats": 2, "seats": [
	 {"created_at": "2025-12-15T00:00:00+00:00", "plan_type": "business",
	  "assignee": {"login": "bob", "id": 1002, "type": "User"}},
	 {"created_at": "2026-02-01T00:00:00+00:00", "plan_type": "business",
	  "assignee": {"login": "alice", "id": 1001, "type": "User"}}]}
	EOT
	aivalue import usage later.json --format copilot-seats >/dev/null &&
	test "$(test_sql "SELECT count(*) FROM usage_seats")" = 5 &&
	test_sql "$SPANS" >spans &&
	printf "%s\n" "alice|github-copilot|alice|20461" "bob|github-copilot|bob|20437" \
		"dave-gh|github-copilot|-|20513" >expect &&
	test_cmp expect spans &&
	aivalue cost --by team --json >t1.json &&
	test "$(by_team t1.json)" = "[('\''(no team)'\'', 6450, 3), ('\''t1'\'', 22400, 11)]"
'

test_expect_success 'audit verify --state compares the spans with the seat rows' '
	aivalue audit verify >ok.out &&
	test_grep "^state ok" ok.out &&
	workspace_copy bad &&
	test_sql_on bad "UPDATE usage_seat_spans SET first_day = 20461 WHERE identity = '\''bob'\''" &&
	test_must_fail aivalue --db "$(workspace_db bad)" audit verify >bad.out 2>&1 &&
	test_grep "table usage_seat_spans, row bob github-copilot: the seat span differs" bad.out
'

# The spans and the token index dropped and migration 18 (and the later 19) unrecorded: read-only commands fold
# the seat rows, and the next write command back-fills the same spans.
test_expect_success SQLITE 'an older workspace: figures read-only and after the back-fill agree' '
	test_sql "$SPANS" >kept &&
	sqlite3 "$AIVALUE_DB" "DROP TABLE usage_seat_spans; DROP INDEX usage_tokens_day; DROP TABLE event_log_figures; DROP INDEX objects_updated; DELETE FROM schema_migrations WHERE version >= 18" &&
	aivalue cost --by team --json >t2.json &&
	test_cmp t1.json t2.json &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT max(version) FROM schema_migrations")" = 17 &&
	aivalue init >/dev/null &&
	test_sql "$SPANS" >filled &&
	test_cmp kept filled &&
	aivalue cost --by team --json >t3.json &&
	test_cmp t1.json t3.json
'

# dave-gh joined to a new person dave of team t1: the span takes his name
# and his 64.50 moves to t1 (288.50 in 14 seat months).
test_expect_success 'an identity join gives the span its person' '
	cat >dave.yaml <<-\EOT &&
	kind: Person
	name: dave
	display_name: Dave
	email: dave@acme.example
	role: Analyst
	team: t1
	EOT
	aivalue apply -f dave.yaml >/dev/null &&
	printf "person,kind,value\ndave,github,dave-gh\n" >map.csv &&
	aivalue identities import map.csv >/dev/null &&
	test "$(test_sql "SELECT person FROM usage_seat_spans WHERE identity = '\''dave-gh'\''")" = dave &&
	aivalue cost --by team --json >t4.json &&
	test "$(by_team t4.json)" = "[('\''t1'\'', 28850, 14)]"
'

# The small demo: every money and adoption figure read through the spans
# equals what the seat rows give (the same workspace with the spans
# dropped, read as a workspace from before migration 18).  findings and
# phase open the workspace for writing, so they migrate it first: theirs
# come from the back-filled spans.
test_expect_success SQLITE 'the small demo: the same figures with and without the spans' '
	aivalue_demo --db demo.db demo --size small --dir demo-data >demo.log 2>&1 &&
	cp demo.db old.db &&
	sqlite3 old.db "DROP TABLE usage_seat_spans; DROP INDEX usage_tokens_day; DROP TABLE event_log_figures; DROP INDEX objects_updated; DELETE FROM schema_migrations WHERE version >= 18" &&
	test "$(sqlite3 demo.db "SELECT count(*) FROM usage_seat_spans")" -gt 100 &&
	for c in "value" "value --by model" "cost" "cost --by tool" "cost --by team" \
		"cost --by initiative" "adoption" "metrics"
	do
		aivalue --db demo.db $c --json >new.json &&
		aivalue --db old.db $c --json >old.json &&
		test_cmp old.json new.json || return 1
	done &&
	test "$(sqlite3 old.db "SELECT max(version) FROM schema_migrations")" = 17 &&
	aivalue --db demo.db findings --json >new.json &&
	aivalue --db old.db findings --json >old.json &&
	test_cmp old.json new.json &&
	aivalue --db demo.db phase --json | grep -v measured_at >new.json &&
	aivalue --db old.db phase --json | grep -v measured_at >old.json &&
	test_cmp old.json new.json
'

test_done
