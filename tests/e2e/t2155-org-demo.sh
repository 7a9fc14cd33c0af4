#!/bin/sh
# The demo's organisation comes from a generated Microsoft Graph /users
# export (pages joined by @odata.nextLink) through import org, not YAML:
# every person carries the directory id, and importing the same pages again
# is a sync with nothing to change.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

test_expect_success 'the demo writes Graph pages and a mapping file, no people YAML' '
	aivalue_demo demo --size small --dir data >demo.log 2>&1 &&
	test -f data/org/users-1.json &&
	test -f data/org/users-2.json &&
	test ! -e data/org/people.yaml &&
	test ! -e data/org/teams.yaml &&
	test "$(json_get data/org/users-1.json "d[\"@odata.nextLink\"].startswith(\"https://graph.microsoft.com/v1.0/users?\")")" = True &&
	test "$(json_get data/org/users-2.json "\"@odata.nextLink\" in d")" = False &&
	test_grep "^  \"Contact centre\": {team: contact-centre, function: customer_service}$" data/org/map.yaml
'

test_expect_success SQLITE 'every person came through import org, with a directory id' '
	people=$(sqlite3 "$AIVALUE_DB" "SELECT count(*) FROM people") &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT count(*) FROM people WHERE directory_id IS NOT NULL AND status = '"'"'active'"'"'")" = "$people" &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT json_extract(payload, '"'"'$.count'"'"') FROM ledger WHERE action = '"'"'org.join'"'"'")" = "$people" &&
	test "$(json_get data/org/users-1.json "len(d[\"value\"])")" -lt "$people"
'

test_expect_success 'the same pages again change nothing' '
	aivalue import org data/org/users-*.json --format entra-users --map data/org/map.yaml --json >o.json &&
	test "$(json_get o.json "d[\"unchanged\"]")" = True &&
	test "$(json_get o.json "d[\"warnings\"]")" = "[]"
'

test_done
