#!/bin/sh
# A directory import updates the teams it already stored: a renamed
# department retitles its team (the mapping keeps the team's name), and a
# new head of department re-leads it.  Each update is an apply of the
# Team and one org.team entry with the count and the names, like movers.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/org"

# v1: the two Graph pages as one array.  v2: Customer Care is renamed
# Customer Support; Hugo moves up to Executive and Ines, whom Kofi now
# reports to, becomes the one engineer whose manager is outside the team.
test_expect_success 'setup: the first export, then the second' '
	python3 -S - "$FX" <<-\PY &&
	import json, sys
	fx = sys.argv[1]
	users = []
	for f in ("entra-page1.json", "entra-page2.json"):
	    users += json.load(open(fx + "/" + f))["value"]
	json.dump({"value": users}, open("v1.json", "w"), indent=1)
	byupn = {u["userPrincipalName"]: u for u in users}
	ids = {u["userPrincipalName"].split("@")[0]: u["id"] for u in users}
	for u in users:
	    if u["department"] == "Customer Care":
	        u["department"] = "Customer Support"
	byupn["hugo.berg@fabrikam.example"]["department"] = "Executive"
	byupn["ines.costa@fabrikam.example"]["manager"] = {"id": ids["rosa.quist"]}
	byupn["kofi.mensah@fabrikam.onmicrosoft.com"]["manager"] = {"id": ids["ines.costa"]}
	json.dump({"value": users}, open("v2.json", "w"), indent=1)
	PY
	sed "s/^  Customer Care:/  Customer Support:/" "$FX/map.yaml" >map2.yaml &&
	test_grep "^  Customer Support: {team: care" map2.yaml &&
	aivalue init >/dev/null &&
	aivalue import org v1.json --format entra-users --map "$FX/map.yaml" --date 2026-12-01 >/dev/null &&
	aivalue get team care --json >c.json &&
	test "$(json_get c.json "d[\"title\"] + \"/\" + d[\"lead\"]")" = "Customer Care/tara.silva" &&
	aivalue get team engineering --json >e.json &&
	test "$(json_get e.json "d[\"lead\"]")" = hugo.berg
'

test_expect_success 'dry run names the team updates and writes nothing' '
	head=$(aivalue audit checkpoint) &&
	aivalue import org v2.json --format entra-users --map map2.yaml --date 2026-12-05 --dry-run >out &&
	test_grep "^  teams updated: 2$" out &&
	test_grep "^    care: title \"Customer Care\" -> \"Customer Support\"$" out &&
	test_grep "^    engineering: lead \"hugo.berg\" -> \"ines.costa\"$" out &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'the import retitles care and re-leads engineering, one org.team entry' '
	aivalue import org v2.json --format entra-users --map map2.yaml --date 2026-12-05 --json >o.json &&
	test "$(json_get o.json "\" \".join(t[\"team\"] for t in d[\"teams_updated\"])")" = "care engineering" &&
	test "$(json_get o.json "\" \".join(x[\"person\"] for x in d[\"moved\"])")" = "hugo.berg ines.costa kofi.mensah" &&
	test "$(json_get o.json "d[\"ledger\"][\"team\"] > 0")" = True &&
	aivalue get team care --json >c.json &&
	test "$(json_get c.json "d[\"title\"] + \"/\" + d[\"lead\"]")" = "Customer Support/tara.silva" &&
	aivalue get team engineering --json >e.json &&
	test "$(json_get e.json "d[\"lead\"]")" = ines.costa &&
	aivalue audit log -n 20 --json >log.json &&
	test "$(json_get log.json "[(e[\"payload\"][\"count\"], e[\"payload\"][\"teams\"]) for e in d if e[\"action\"] == \"org.team\"] == [(2, [\"care\", \"engineering\"])]")" = True &&
	test "$(json_get log.json "[len(e[\"payload\"][\"teams_sha256\"]) for e in d if e[\"action\"] == \"org.team\"]")" = "[64]" &&
	aivalue audit verify >v &&
	test_grep "^state ok" v
'

test_expect_success 'the same export again changes no team' '
	aivalue import org v2.json --format entra-users --map map2.yaml --date 2026-12-06 --json >o2.json &&
	test "$(json_get o2.json "d[\"unchanged\"]")" = True &&
	test "$(json_get o2.json "d[\"teams_updated\"]")" = "[]"
'

test_done
