#!/bin/sh
# POST /api/v1/org/import: the export in the body, format, date and
# dry_run in the query, the mapping file the server's (serve --org-map).
# It answers the accounting `aivalue import org --json` prints (naming
# the body "request-body" where the CLI names the file), writes
# nothing on a dry run, is for admins only, and refuses bad input with a
# 400 that names the body, the record and the field.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/org"

aivalue init >/dev/null 2>&1
python3 -S - "$FX" <<\PY
import json, sys
users = []
for f in ("entra-page1.json", "entra-page2.json"):
    users += json.load(open(sys.argv[1] + "/" + f))["value"]
json.dump({"value": users}, open("v1.json", "w"), indent=1)
PY
for r in admin lead; do
	aivalue token create --name "tok-$r" --role "$r" >"$r.tok" 2>/dev/null
done
start_server --quiet --org-map "$FX/map.yaml"

post() {
	curl -s -w "\n%{http_code}\n" -H "Authorization: Bearer $(cat "$1.tok")" \
		-H "Content-Type: application/json" --data-binary "@$2" "$AIV_URL/api/v1/org/import$3"
}

test_expect_success 'a dry run answers what import org --json --dry-run prints, writes nothing' '
	head=$(aivalue audit checkpoint) &&
	post admin v1.json "?format=entra-users&date=2026-12-01&dry_run=1" >dry.out &&
	test "$(tail -n 1 dry.out)" = 200 &&
	sed "\$d" dry.out >dry.json &&
	test "$(json_get dry.json "d[\"dry_run\"]")" = True &&
	test "$(json_get dry.json "len(d[\"joined\"])")" = 6 &&
	test "$(aivalue audit checkpoint)" = "$head" &&
	aivalue import org v1.json --format entra-users --map "$FX/map.yaml" --date 2026-12-01 \
		--dry-run --json >cli.json &&
	sed "s/\"v1\.json record/\"request-body record/" cli.json >cli-body.json &&
	test_grep "request-body record 7 (olga" cli-body.json &&
	python3 -c "import json,sys; a=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2])); sys.exit(a != c)" dry.json cli-body.json
'

test_expect_success 'the import: six joiners, three teams, ledgered with the token as actor' '
	post admin v1.json "?format=entra-users&date=2026-12-01" >imp.out &&
	test "$(tail -n 1 imp.out)" = 200 &&
	sed "\$d" imp.out >imp.json &&
	test "$(json_get imp.json "\" \".join(sorted(d[\"teams_created\"]))")" = "care engineering executive" &&
	test "$(json_get imp.json "d[\"ledger\"][\"join\"] > 0")" = True &&
	aivalue audit log --action org.join --json >join.json &&
	test "$(json_get join.json "\"|\".join(e[\"actor\"] + \" \" + str(e[\"payload\"][\"count\"]) for e in d)")" = "token:tok-admin 6" &&
	test "$(test_sql "SELECT count(*) FROM people")" = 6 &&
	post admin v1.json "?format=entra-users&date=2026-12-02" >again.out &&
	sed "\$d" again.out >again.json &&
	test "$(json_get again.json "d[\"unchanged\"]")" = True
'

test_expect_success 'admins only; bad input is a 400 naming the body, record and field' '
	post lead v1.json "?format=entra-users" >lead.out &&
	test "$(tail -n 1 lead.out)" = 403 &&
	post admin v1.json "" >nofmt.out &&
	test "$(tail -n 1 nofmt.out)" = 400 &&
	test_grep "format is required" nofmt.out &&
	post admin v1.json "?format=entra-users&date=2026-02-30" >date.out &&
	test "$(tail -n 1 date.out)" = 400 &&
	test_grep "date must be a date" date.out &&
	post admin "$FX/entra-page1.json" "?format=entra-users" >page.out &&
	test "$(tail -n 1 page.out)" = 400 &&
	test_grep "request-body" page.out &&
	printf "{\"value\": [{\"id\": 7}]}" >bad.json &&
	post admin bad.json "?format=entra-users" >bad.out &&
	test "$(tail -n 1 bad.out)" = 400 &&
	test_grep "request-body.*record 1.*id" bad.out &&
	test "$(test_sql "SELECT count(*) FROM people")" = 6
'

test_expect_success 'the OpenAPI document lists it, for admins' '
	curl -s "$AIV_URL/api/v1/openapi.json" >openapi.json &&
	test "$(json_get openapi.json "\" \".join(d[\"paths\"][\"/api/v1/org/import\"][\"post\"][\"x-roles\"])")" = admin &&
	test "$(json_get openapi.json "\" \".join(sorted(d[\"paths\"][\"/api/v1/org/import\"][\"post\"][\"requestBody\"][\"content\"]))")" = "application/json text/csv" &&
	test "$(json_get openapi.json "\" \".join(p[\"name\"] for p in d[\"paths\"][\"/api/v1/org/import\"][\"post\"][\"parameters\"])")" = "format date dry_run"
'

test_done
