#!/bin/sh
# Sync, not load: the second Graph export moves Ines to Customer Care,
# disables Liam, no longer lists Kofi and adds Maya.  --dry-run shows that
# difference and writes nothing; the import then appends one entry per
# kind of change, marks the leavers left on --date and deletes no one.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/org"

test_expect_success 'setup: the first export' '
	aivalue init >/dev/null &&
	aivalue import org "$FX/entra-page1.json" "$FX/entra-page2.json" --format entra-users \
		--map "$FX/map.yaml" >/dev/null
'

test_expect_success SQLITE 'dry run: the difference, and the workspace is untouched' '
	head=$(sqlite3 "$AIVALUE_DB" "SELECT max(seq) || hash FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)") &&
	sqlite3 "$AIVALUE_DB" "SELECT * FROM people ORDER BY name" >before &&
	aivalue import org "$FX/entra-v2-pages.json" --format entra-users --map "$FX/map.yaml" \
		--date 2026-12-05 --dry-run >out &&
	test_grep "^dry run: would sync" out &&
	test_grep "^  joined: 1 person$" out &&
	test_grep "^    ines.costa: team \"engineering\" -> \"care\", role \"Software engineer\" -> \"Care Agent\", manager \"hugo.berg\" -> \"tara.silva\"$" out &&
	test_grep "^    kofi.mensah: absent from the export$" out &&
	test_grep "^    liam.novak: disabled in the directory$" out &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT max(seq) || hash FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)")" = "$head" &&
	sqlite3 "$AIVALUE_DB" "SELECT * FROM people ORDER BY name" >after &&
	test_cmp before after
'

test_expect_success SQLITE 'the import: one joiner, one mover, two leavers, one entry each' '
	aivalue import org "$FX/entra-v2-pages.json" --format entra-users --map "$FX/map.yaml" \
		--date 2026-12-05 --json >o.json &&
	test "$(json_get o.json "[x[\"person\"] for x in d[\"joined\"]]")" = "['"'"'maya.dahl'"'"']" &&
	test "$(json_get o.json "[x[\"person\"] for x in d[\"moved\"]]")" = "['"'"'ines.costa'"'"']" &&
	test "$(json_get o.json "[x[\"person\"] for x in d[\"left\"]]")" = "['"'"'kofi.mensah'"'"', '"'"'liam.novak'"'"']" &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT group_concat(action || '"'"'='"'"' || json_extract(payload, '"'"'$.count'"'"'), '"'"' '"'"') FROM (SELECT * FROM ledger WHERE action LIKE '"'"'org.%'"'"' ORDER BY seq)")" = \
		"org.join=6 org.join=1 org.move=1 org.leave=2"
'

test_expect_success SQLITE 'leavers are kept, marked left on the day; no one is deleted' '
	test "$(sqlite3 "$AIVALUE_DB" "SELECT count(*) FROM people")" = 7 &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT group_concat(name || '"'"':'"'"' || left_at, '"'"' '"'"') FROM (SELECT * FROM people WHERE status = '"'"'left'"'"' ORDER BY name)")" = \
		"kofi.mensah:2026-12-05 liam.novak:2026-12-05" &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT team || '"'"'/'"'"' || manager FROM people WHERE name = '"'"'ines.costa'"'"'")" = care/tara.silva &&
	aivalue get person kofi.mensah --json >k.json &&
	test "$(json_get k.json "d[\"status\"] + \" \" + d[\"left_at\"]")" = "left 2026-12-05" &&
	aivalue audit verify >v &&
	test_grep "^state ok" v
'

test_expect_success SQLITE 'a leaver who comes back rejoins; a re-import after that changes nothing' '
	aivalue import org "$FX/entra-page1.json" "$FX/entra-page2.json" --format entra-users \
		--map "$FX/map.yaml" --date 2026-12-06 --json >o.json &&
	test "$(json_get o.json "sorted(x[\"person\"] + \":\" + x.get(\"change\", \"\") for x in d[\"joined\"])")" = \
		"['"'"'kofi.mensah:returned'"'"', '"'"'liam.novak:returned'"'"']" &&
	test "$(json_get o.json "[x[\"person\"] for x in d[\"left\"]]")" = "['"'"'maya.dahl'"'"']" &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT status || coalesce(left_at, '"'"''"'"') FROM people WHERE name = '"'"'kofi.mensah'"'"'")" = active &&
	aivalue import org "$FX/entra-page1.json" "$FX/entra-page2.json" --format entra-users \
		--map "$FX/map.yaml" --json >o2.json &&
	test "$(json_get o2.json "d[\"unchanged\"]")" = True
'

test_expect_success SQLITE 'a user skipped for a missing department is not a leaver, and stays a manager' '
	python3 -S -c "import json; d=json.load(open(\"$FX/entra-page1.json\")); d[\"value\"][1][\"department\"]=None; json.dump(d, open(\"nodept.json\", \"w\"))" &&
	aivalue import org nodept.json "$FX/entra-page2.json" --format entra-users \
		--map "$FX/map.yaml" --json >o.json &&
	test "$(json_get o.json "d[\"tally\"][\"skips\"][0][\"reason\"]")" = "no department or group" &&
	test "$(json_get o.json "d[\"unchanged\"]")" = True &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT status || '"'"'/'"'"' || (SELECT manager FROM people WHERE name = '"'"'kofi.mensah'"'"') FROM people WHERE name = '"'"'hugo.berg'"'"'")" = active/hugo.berg
'

test_expect_success SQLITE 'a status edited behind the ledger is a state difference' '
	sqlite3 "$AIVALUE_DB" "UPDATE people SET status = '"'"'active'"'"', left_at = NULL WHERE name = '"'"'maya.dahl'"'"'" &&
	test_must_fail aivalue audit verify >v 2>&1 &&
	test_grep "maya.dahl.*status is .active. .* but the applied spec says .left." v
'

test_done
