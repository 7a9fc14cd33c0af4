#!/bin/sh
# GET /api/v1/cost answers the document `aivalue cost --json` prints (one
# computed result, two printers of it); spend is for admin, lead, analyst
# and auditor; bad query parameters are a 400 naming the parameter.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

aivalue init >/dev/null 2>&1
aivalue apply -f "$DATA/people.yaml" >/dev/null
cat >prices.yaml <<\EOT
kind: PriceBook
name: list
currency: EUR
seats:
  - {tool: github-copilot, per_month: "19.00", effective_from: 2026-01-01}
  - {tool: github-copilot, per_month: "21.50", effective_from: 2026-03-01}
EOT
aivalue apply -f prices.yaml >/dev/null
aivalue import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null
for r in analyst viewer; do
	aivalue token create --name "tok-$r" --role "$r" >"$r.tok" 2>/dev/null
done
start_server --quiet

# The same figures as t7000: by team t1 205.00, (no team) 64.50.
test_expect_success 'GET /api/v1/cost is aivalue cost --json' '
	curl -s -H "Authorization: Bearer $(cat analyst.tok)" \
		"$AIV_URL/api/v1/cost?by=team&period=month" >api.json &&
	aivalue cost --by team --period month --json >cli.json &&
	python3 -c "import json,sys; a=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2])); sys.exit(a != c)" api.json cli.json &&
	curl -s -H "Authorization: Bearer $(cat analyst.tok)" "$AIV_URL/api/v1/cost?by=team" >t.json &&
	test "$(json_get t.json "[(r[\"group\"], r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''(no team)'\'', 6450), ('\''t1'\'', 20500)]"
'

test_expect_success 'viewers are refused; a bad parameter is a 400 naming it' '
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/api/v1/cost")" = 403 &&
	curl -s -w "\n%{http_code}\n" -H "Authorization: Bearer $(cat analyst.tok)" "$AIV_URL/api/v1/cost?by=colour" >bad.out &&
	test_grep "^400$" bad.out &&
	test_grep "by. must be tool, team" bad.out &&
	curl -s -w "\n%{http_code}\n" -H "Authorization: Bearer $(cat analyst.tok)" "$AIV_URL/api/v1/cost?from=2026-13-01" >bad2.out &&
	test_grep "^400$" bad2.out &&
	curl -s "$AIV_URL/api/v1/openapi.json" >openapi.json &&
	test "$(json_get openapi.json "sorted(d[\"paths\"][\"/api/v1/cost\"][\"get\"][\"x-roles\"])")" = "['\''admin'\'', '\''analyst'\'', '\''auditor'\'', '\''lead'\'']"
'

test_done
