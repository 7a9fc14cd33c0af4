#!/bin/sh
# audit verify --state after identities import joins earlier usage rows.
#
# A seat export (github logins alice-gh and carol) and a GPT engagement
# export (a GPT created by a@example.com) are imported while no identity
# is mapped: the seat, team and workflow rows keep person NULL.  Then
# `identities import` maps alice's login and email, and identity_rejoin
# fills in alice's person on those rows (carol stays unmapped).  That is
# no tamper: the person is derived from the identity map, which the
# identities.import entry stamps, so `audit verify` must pass.  A real
# edit of a seat row's identity or day afterwards must still be named.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: usage imported before the identities are mapped' '
	aivalue init >/dev/null &&
	cat >people.yaml <<-\EOT &&
	kind: Team
	name: t1
	title: Team one
	function: finance
	---
	kind: Person
	name: alice
	display_name: Alice
	email: alice@acme.example
	role: Analyst
	team: t1
	EOT
	aivalue apply -f people.yaml >/dev/null &&
	cat >seats.json <<-\EOT &&
	{"total_seats": 2, "seats": [
	 {"created_at": "2026-01-08T00:00:00+00:00", "last_activity_at": "2026-02-03T10:00:00Z",
	  "plan_type": "business", "assignee": {"login": "alice-gh", "id": 1001, "type": "User"},
	  "assigning_team": {"id": 42, "name": "Frontend", "slug": "frontend"}},
	 {"created_at": "2026-01-09T00:00:00+00:00", "last_activity_at": null,
	  "plan_type": "business", "assignee": {"login": "carol", "id": 1003, "type": "User"}}]}
	EOT
	aivalue import usage seats.json --format copilot-seats --json >s.json &&
	test "$(json_get s.json "d[\"people_matched\"]")" = 0 &&
	aivalue import usage "$TEST_ROOT/tests/data/usage/chatgpt-gpt-engagement.csv" \
		--format chatgpt-enterprise >/dev/null &&
	test "$(test_sql "SELECT count(*) FROM usage_seats WHERE person IS NULL AND identity = '"'"'alice-gh'"'"'")" -gt 0 &&
	test "$(test_sql "SELECT count(*) FROM usage_team_members WHERE person IS NULL AND identity = '"'"'alice-gh'"'"'")" -gt 0 &&
	test "$(test_sql "SELECT count(*) FROM usage_workflows WHERE creator IS NULL AND creator_identity = '"'"'a@example.com'"'"'")" -gt 0 &&
	aivalue audit verify >v0 &&
	test_grep "^state ok" v0
'

test_expect_success 'identities import joins the rows to alice and the state still verifies' '
	printf "person,kind,value\nalice,github,alice-gh\nalice,email,a@example.com\n" >ids.csv &&
	aivalue identities import ids.csv >/dev/null &&
	test "$(test_sql "SELECT count(*) FROM usage_seats WHERE person IS NULL AND identity = '"'"'alice-gh'"'"'")" = 0 &&
	test "$(test_sql "SELECT DISTINCT person FROM usage_seats WHERE identity = '"'"'alice-gh'"'"'")" = alice &&
	test "$(test_sql "SELECT DISTINCT person FROM usage_team_members WHERE identity = '"'"'alice-gh'"'"'")" = alice &&
	test "$(test_sql "SELECT DISTINCT creator FROM usage_workflows WHERE creator_identity = '"'"'a@example.com'"'"'")" = alice &&
	test "$(test_sql "SELECT count(*) FROM usage_seats WHERE person IS NULL AND identity = '"'"'carol'"'"'")" -gt 0 &&
	aivalue audit verify >v1 &&
	test_grep "^state ok" v1
'

# tampered NAME SQL WORDS: on a copy, SQL makes audit verify fail naming WORDS
tampered() {
	workspace_copy "$1" &&
	test_sql_on "$1" "$2" &&
	test_must_fail --exit=1 aivalue --db "$(workspace_db "$1")" audit verify >"$1.out" 2>"$1.err" &&
	test_grep "^ledger ok: " "$1.out" &&
	test_grep -e "$3" "$1.err"
}

test_expect_success 'a seat row moved to another identity or day is still caught' '
	tampered ident "UPDATE usage_seats SET identity = '"'"'carol'"'"' WHERE identity = '"'"'alice-gh'"'"'" \
		"^error: table usage_seats, row import_id=1: the rows of this import digest to" &&
	tampered day "UPDATE usage_seats SET day = day + 1 WHERE identity = '"'"'alice-gh'"'"' AND day = (SELECT min(day) FROM usage_seats)" \
		"^error: table usage_seats, row import_id=1: the rows of this import digest to" &&
	tampered team "UPDATE usage_team_members SET team = '"'"'backend'"'"'" \
		"^error: table usage_team_members, row import_id=1: the rows of this import digest to" &&
	tampered wf "UPDATE usage_workflows SET creator_identity = '"'"'b@example.com'"'"' WHERE creator_identity = '"'"'a@example.com'"'"'" \
		"^error: table usage_workflows, row import_id=2: the rows of this import digest to"
'

# tests/fixtures/usage-seats-v17.sql: entries from before the person left
# the digest (alice's seat, team row and GPT joined at import, carol's
# seat not); their old form must still verify, and still catch an edit
test_expect_success SQLITE 'an older workspace whose entries digested the person still verifies' '
	sqlite3 old.db <"$TEST_ROOT/tests/fixtures/usage-seats-v17.sql" &&
	aivalue --db old.db audit verify >o1 &&
	test_grep "^state ok" o1 &&
	sqlite3 old.db "UPDATE usage_seats SET day = day + 1 WHERE identity = '"'"'carol'"'"'" &&
	test_must_fail --exit=1 aivalue --db old.db audit verify >o2 2>o2.err &&
	test_grep "^ledger ok: " o2 &&
	test_grep -e "^error: table usage_seats, row import_id=1: the rows of this import digest to" o2.err
'

test_done
