#!/bin/sh
# GET /api/v1/value answers the document `aivalue value --json` prints, and
# the /value page shows the same figures: the ROI card of an initiative
# that pays back, and the realised value with its interval.  Viewers are
# refused both (they show spend).
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# The workspace of t7100: EUR 1,082,400.00 a year from claims-faster,
# against EUR 629.21 a year of t1's seats.
aivalue init >/dev/null 2>&1
aivalue apply -f "$DATA/people.yaml" >/dev/null
aivalue import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null
cat >org.yaml <<\EOT
kind: Initiative
name: claims-assistant
title: Claims assistant
model: expert
owner: alice
phase: 2
status: pilot
teams: [t1]
---
kind: Hypothesis
name: claims-faster
initiative: claims-assistant
metric: expert_cycle_time
comparison:
  before_after: "2026-03-01"
minimum_effect: "10%"
confidence: 0.95
minimum_sample: 30
review_date: "2027-03-31"
---
kind: PriceBook
name: list
currency: EUR
seats:
  - {tool: github-copilot, per_month: "19.00", effective_from: 2026-01-01}
  - {tool: github-copilot, per_month: "21.50", effective_from: 2026-03-01}
---
kind: UnitValue
name: claims-hour
type: hourly_cost
role: Analyst
hypotheses: [claims-faster]
volume_per_year: 41000
amounts:
  - {from: "2026-01-01", amount: "1.10"}
EOT
aivalue apply -f org.yaml >/dev/null
python3 - <<\PY
import datetime
rows = ["initiative,unit,metric,time,value"]
for i in range(30):
    rows.append("claims-assistant,b%02d,expert_cycle_time,%s,259200" % (i, datetime.date(2026, 1, 20) + datetime.timedelta(days=i)))
    rows.append("claims-assistant,t%02d,expert_cycle_time,%s,172800" % (i, datetime.date(2026, 3, 1) + datetime.timedelta(days=i)))
open("obs.csv", "w").write("\n".join(rows) + "\n")
PY
aivalue evidence --data obs.csv >/dev/null
for r in analyst viewer; do
	aivalue token create --name "tok-$r" --role "$r" >"$r.tok" 2>/dev/null
done
start_server --quiet

test_expect_success 'GET /api/v1/value is aivalue value --json' '
	curl -s -H "Authorization: Bearer $(cat analyst.tok)" \
		"$AIV_URL/api/v1/value?at=2026-06-30&period=month" >api.json &&
	aivalue value --at 2026-06-30 --period month --json >cli.json &&
	python3 -c "import json,sys; a=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2])); sys.exit(a != c)" api.json cli.json &&
	test "$(json_get api.json "d[\"value_a_year\"][\"text\"], d[\"initiatives\"][0][\"cost_a_year\"][\"text\"]")" = "€1,082,400.00 €629.21"
'

test_expect_success 'the value page: the ROI card and the realised value' '
	curl -s -H "Authorization: Bearer $(cat analyst.tok)" "$AIV_URL/value" >page.html &&
	test_grep "<h1>Value</h1>" page.html &&
	test_grep "<article class=\"card roi roi-positive\"><h3>claims-assistant</h3><p class=\"verdict\">pays back</p>" page.html &&
	test_grep "€1,082,400.00 <span class=\"ci\">(interval €1,082,400.00 to €1,082,400.00)</span>" page.html &&
	test_grep "<dt>AI cost a year</dt><dd>€629.21</dd>" page.html &&
	test_grep "id=\"value-over-time-title\"" page.html &&
	test_grep "href=\"/value\"" page.html
'

test_expect_success 'viewers are refused; a bad parameter is a 400 naming it' '
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/api/v1/value")" = 403 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/value")" = 403 &&
	curl -s -w "\n%{http_code}\n" -H "Authorization: Bearer $(cat analyst.tok)" "$AIV_URL/api/v1/value?period=week" >bad.out &&
	test_grep "^400$" bad.out &&
	test_grep "period. must be month" bad.out &&
	curl -s "$AIV_URL/api/v1/openapi.json" >openapi.json &&
	test "$(json_get openapi.json "sorted(d[\"paths\"][\"/api/v1/value\"][\"get\"][\"x-roles\"])")" = "['\''admin'\'', '\''analyst'\'', '\''auditor'\'', '\''lead'\'']"
'

test_done
