#!/bin/sh
# import org --format entra-users: a Microsoft Graph /users export (with
# $expand=manager) saved as two pages joined by @odata.nextLink, mapped by
# a mapping file to people, roles, teams and functions.  The fixture has a
# null jobTitle, a null mail with only a UPN, a missing accountEnabled and
# a disabled account that was never imported.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/org"

test_expect_success 'two Graph pages become six people in three teams' '
	aivalue init >/dev/null &&
	aivalue import org "$FX/entra-page1.json" "$FX/entra-page2.json" --format entra-users \
		--map "$FX/map.yaml" --date 2026-12-01 >out &&
	test_grep "^  joined: 6 people (ledger entry" out &&
	test_grep "^  teams created: 3" out &&
	test_grep "read 7 users: 6 used, 1 skipped" out &&
	test_grep "skipped 1: disabled in the directory and never imported (first at .*entra-page2.json record 3" out &&
	test_grep "assumed 1: accountEnabled not selected: the account is enabled" out &&
	aivalue get people --json >p.json &&
	test "$(json_get p.json "len(d)")" = 6 &&
	test "$(json_get p.json "[x[\"role\"] for x in d if x[\"name\"] == \"kofi.mensah\"][0]")" = Member &&
	test "$(json_get p.json "[x.get(\"email\") for x in d if x[\"name\"] == \"kofi.mensah\"][0]")" = None &&
	test "$(json_get p.json "[x[\"role\"] for x in d if x[\"name\"] == \"rosa.quist\"][0]")" = Executive &&
	test "$(json_get p.json "[x[\"role\"] for x in d if x[\"name\"] == \"hugo.berg\"][0]")" = "Engineering Manager" &&
	test "$(json_get p.json "[x[\"manager\"] for x in d if x[\"name\"] == \"liam.novak\"][0]")" = tara.silva &&
	test "$(json_get p.json "[x.get(\"champion\") for x in d if x[\"name\"] == \"ines.costa\"][0]")" = True
'

test_expect_success 'teams take their function from the map, lead and parent from the managers' '
	aivalue get teams --json >t.json &&
	test "$(json_get t.json "sorted((x[\"name\"], x[\"function\"], x.get(\"lead\"), x.get(\"parent\")) for x in d)")" = \
		"[('"'"'care'"'"', '"'"'customer_service'"'"', '"'"'tara.silva'"'"', '"'"'executive'"'"'), ('"'"'engineering'"'"', '"'"'engineering'"'"', '"'"'hugo.berg'"'"', '"'"'executive'"'"'), ('"'"'executive'"'"', '"'"'operations'"'"', '"'"'rosa.quist'"'"', None)]"
'

test_expect_success SQLITE 'the same export again changes nothing and appends no entry' '
	head=$(sqlite3 "$AIVALUE_DB" "SELECT max(seq) FROM ledger") &&
	aivalue import org "$FX/entra-page1.json" "$FX/entra-page2.json" --format entra-users \
		--map "$FX/map.yaml" >out &&
	test_grep "already matches the directory" out &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT max(seq) FROM ledger")" = "$head"
'

test_expect_success 'the pages saved as one array are the same export' '
	python3 -S -c "import json,sys; print(json.dumps([json.load(open(f)) for f in sys.argv[1:]]))" \
		"$FX/entra-page1.json" "$FX/entra-page2.json" >pages.json &&
	aivalue import org pages.json --format entra-users --map "$FX/map.yaml" --json >o.json &&
	test "$(json_get o.json "d[\"unchanged\"]")" = True &&
	test "$(json_get o.json "d[\"tally\"][\"read\"]")" = 7
'

test_expect_success SQLITE 'one org.join entry with the count, the map digest and the content hash' '
	sqlite3 "$AIVALUE_DB" "SELECT payload FROM ledger WHERE action = '"'"'org.join'"'"'" >j.json &&
	test "$(json_get j.json "d[\"count\"]")" = 6 &&
	test "$(json_get j.json "d[\"map_sha256\"]")" = "$(sha256sum "$FX/map.yaml" | cut -c1-64)" &&
	test "$(json_get j.json "d[\"content_hash\"]")" = "$(cat "$FX/entra-page1.json" "$FX/entra-page2.json" | sha256sum | cut -c1-64)" &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT count(*) FROM ledger WHERE action = '"'"'apply.create'"'"'")" = 9 &&
	aivalue audit verify >v &&
	test_grep "^ledger ok" v &&
	test_grep "^state ok" v
'

test_done
