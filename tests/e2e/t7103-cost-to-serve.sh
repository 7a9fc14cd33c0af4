#!/bin/sh
# aivalue value --serve LOG: cost per case from the XES cost extension
# (a trace's cost:total, its events' cost:total / cost:amount), else from
# the time between steps x the hourly cost of the resource's role;
# AI-assisted cases against the others with the hypotheses' bootstrap.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# Hand-worked:
#   a1..a3  AI, trace cost:total 40.00                      recorded  3 x 40.00
#   o1..o3  other, events cost:total 20.5 + cost:amount 39.5 recorded 3 x 60.00
#   x1      other, cost:currency USD                         left out, not converted
#   e1      AI, no cost: alice (Analyst, 30.00 an hour) 09:00 -> 10:30 = 45.00
#   e2      AI, no cost: alice 09:00 -> 09:45                          = 22.50
#   u1      other, no cost, resource zed (no person)         unpriced
# total 120 + 180 + 67.50 = 367.50.  Medians: AI {22.5, 40, 40, 40, 45} 40.00,
# other {60, 60, 60} 60.00; difference -20.00.  A bootstrap median of the
# five AI cases is 22.50 (or 45.00) only when 3 of 5 draws are that case:
# 5.8 % each, so the 95 % interval is -37.50 to -15.00.
test_expect_success 'setup: people, a currency, an hourly cost, the log' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/people.yaml" >/dev/null &&
	cat >money.yaml <<-\EOT &&
	kind: PriceBook
	name: list
	currency: EUR
	seats:
	  - {tool: github-copilot, per_month: "19.00", effective_from: 2026-01-01}
	---
	kind: UnitValue
	name: analyst-hour
	type: hourly_cost
	role: Analyst
	amounts:
	  - {from: "2026-01-01", amount: "30.00"}
	EOT
	aivalue apply -f money.yaml >/dev/null &&
	python3 - <<-\PY &&
	ev = lambda a, t, extra="": "<event><string key=\"concept:name\" value=\"%s\"/><date key=\"time:timestamp\" value=\"2026-03-02T%s:00.000+00:00\"/>%s</event>" % (a, t, extra)
	res = lambda r: "<string key=\"org:resource\" value=\"%s\"/>" % r
	out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<log xes.version=\"1.0\" xmlns=\"http://www.xes-standard.org/\">"]
	def trace(name, ai, attrs, events):
	    out.append("<trace><string key=\"concept:name\" value=\"%s\"/><boolean key=\"ai_assisted\" value=\"%s\"/>%s%s</trace>" % (name, ai, attrs, "".join(events)))
	for i in (1, 2, 3):
	    trace("a%d" % i, "true", "<float key=\"cost:total\" value=\"40.00\"/>", [ev("open", "09:00"), ev("close", "10:00")])
	    trace("o%d" % i, "false", "", [ev("open", "09:00", "<float key=\"cost:total\" value=\"20.5\"/>"), ev("close", "10:00", "<float key=\"cost:amount\" value=\"39.5\"/>")])
	trace("x1", "false", "<string key=\"cost:currency\" value=\"USD\"/><float key=\"cost:total\" value=\"99\"/>", [ev("open", "09:00"), ev("close", "10:00")])
	trace("e1", "true", "", [ev("open", "09:00", res("alice")), ev("close", "10:30", res("alice"))])
	trace("e2", "true", "", [ev("open", "09:00", res("alice")), ev("close", "09:45", res("alice"))])
	trace("u1", "false", "", [ev("open", "09:00", res("zed")), ev("close", "10:00", res("zed"))])
	out.append("</log>")
	open("claims.xes", "w").write("\n".join(out) + "\n")
	PY
	aivalue import cases claims.xes --name claims >/dev/null
'

test_expect_success 'cost per case: recorded, estimated, other currency, unpriced' '
	aivalue value --serve claims --json >s.json &&
	test "$(json_get s.json "d[\"cases\"], d[\"recorded\"], d[\"estimated\"], d[\"unpriced\"], d[\"other_currency\"]")" = "10 6 2 1 1" &&
	test "$(json_get s.json "d[\"total\"][\"text\"]")" = "€367.50" &&
	test "$(json_get s.json "d[\"treatment_cases\"], d[\"other_cases\"]")" = "5 3" &&
	test "$(json_get s.json "d[\"median_treatment\"][\"minor\"], d[\"median_other\"][\"minor\"]")" = "4000 6000" &&
	test "$(json_get s.json "d[\"difference\"][\"minor\"], d[\"difference_low\"][\"minor\"], d[\"difference_high\"][\"minor\"]")" = "-2000 -3750 -1500" &&
	aivalue value --serve claims >s.txt &&
	test_grep "difference        -€20.00 (95 % interval -€37.50 to -€15.00) a case" s.txt &&
	test_grep "1 case is costed in another currency than EUR: left out, not converted" s.txt &&
	test_grep "apply a UnitValue of type hourly_cost for the role of each resource" s.txt
'

test_expect_success 'another cohort attribute, and an unknown log' '
	aivalue value --serve claims --cohort ai_assisted --treatment false --json >f.json &&
	test "$(json_get f.json "d[\"treatment_cases\"], d[\"other_cases\"]")" = "3 5" &&
	test_must_fail aivalue value --serve nosuch 2>err &&
	test_grep "nosuch" err
'

test_expect_success 'GET /api/v1/value?serve=LOG is aivalue value --serve LOG --json' '
	aivalue token create --name tok-analyst --role analyst >analyst.tok 2>/dev/null &&
	start_server --quiet &&
	curl -s -H "Authorization: Bearer $(cat analyst.tok)" "$AIV_URL/api/v1/value?serve=claims" >api.json &&
	aivalue value --serve claims --json >cli.json &&
	python3 -c "import json,sys; a=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2])); sys.exit(a != c)" api.json cli.json &&
	test "$(json_get api.json "d[\"total\"][\"text\"]")" = "€367.50"
'

test_done
