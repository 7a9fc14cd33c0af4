#!/bin/sh
# aivalue value --by model: the ROI per model.  Value is measured per
# initiative, so a model gets each initiative's proven value in the share of
# that initiative's AI cost it accounts for; its ROI is that value over its
# cost a year, with the interval carried the same way.  The JSON, GET
# /api/v1/value and the /value page carry it.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# write_obs INITIATIVE BEFORE AFTER: 30 units of expert_cycle_time from
# 2026-01-20 taking BEFORE seconds each, 30 from 2026-03-01 taking AFTER.
write_obs() {
	python3 -S - "$@" <<-\PY
	import datetime, sys
	ini, before, after = sys.argv[1:4]
	print("initiative,unit,metric,time,value")
	for i in range(30):
	    print("%s,b%02d,expert_cycle_time,%s,%s" % (ini, i, datetime.date(2026, 1, 20) + datetime.timedelta(days=i), before))
	    print("%s,t%02d,expert_cycle_time,%s,%s" % (ini, i, datetime.date(2026, 3, 1) + datetime.timedelta(days=i), after))
	PY
}

# The workspace of t7100 (claims-faster: EUR 1,082,400.00 a year, interval
# the same; t1's Copilot seats EUR 205.00 over 2026-01-08..2026-05-06, 119
# days) plus t7001's GenAI spans of alice and bob (both t1), priced:
#   gpt-4o-2024-08-06  EUR 3.60   (t7001: 2.00 + 1.60)
#   claude-sonnet-4-5  EUR 3.70
#   mistral-large      6,000 tokens x EUR 10.00 a million = EUR 0.06
# claims-assistant costs 20,500 + 360 + 370 + 6 = 21,236 cents; a year
# 21,236 x 365.25 / 119 = 65,180.24 -> EUR 651.80.
# Shares of the value 108,240,000 cents (half to even):
#   (seat)   x 20,500 / 21,236 = 104,488,603.5... -> 104,488,604; cost a
#            year 20,500 x 365.25 / 119 = 62,921.2 -> 62,921; ROI 1660.6316
#   gpt-4o   x 360 / 21,236 = 1,834,921.8 -> 1,834,922; cost a year
#            360 x 365.25 / 119 = 1,104.96 -> 1,105; ROI 1660.5629
#   claude   x 370 / 21,236 = 1,885,891.9 -> 1,885,892; 1,135.6 -> 1,136
#   mistral  x 6 / 21,236 = 30,581.99 -> 30,582; 18.4 -> 18 (a cent's
#            rounding shows on so small a cost)
test_expect_success 'setup: people, seats, spans, prices, one initiative with a proven effect' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/people.yaml" >/dev/null &&
	aivalue import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null &&
	aivalue import usage "$DATA/otel-genai-tokens.jsonl" --format otel-genai >/dev/null &&
	cat >org.yaml <<-\EOT &&
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
	models:
	  - {model: gpt-4o-2024-08-06, input_per_million: "2.50", output_per_million: "10.00", effective_from: 2026-01-01}
	  - {model: gpt-4o-2024-08-06, input_per_million: "2.00", output_per_million: "8.00", effective_from: 2026-03-15}
	  - {model: claude-sonnet-4-5, input_per_million: "3.00", output_per_million: "15.00", effective_from: 2026-01-01}
	  - {model: mistral-large, input_per_million: "10.00", output_per_million: "10.00", effective_from: 2026-01-01}
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
	aivalue apply -f org.yaml >/dev/null &&
	write_obs claims-assistant 259200 172800 >obs.csv &&
	aivalue evidence --data obs.csv >/dev/null
'

test_expect_success 'the JSON carries the ROI per model, hand-worked' '
	aivalue value --at 2026-06-30 --by model --json >v.json &&
	test "$(json_get v.json "d[\"initiatives\"][0][\"cost\"][\"minor\"], d[\"initiatives\"][0][\"cost_a_year\"][\"minor\"]")" = "21236 65180" &&
	test "$(json_get v.json "[(m[\"model\"], m[\"value_a_year\"][\"minor\"], m[\"cost_a_year\"][\"minor\"]) for m in d[\"models\"]]")" = "[('\''(seat)'\'', 104488604, 62921), ('\''claude-sonnet-4-5'\'', 1885892, 1136), ('\''gpt-4o-2024-08-06'\'', 1834922, 1105), ('\''mistral-large'\'', 30582, 18)]" &&
	test "$(json_get v.json "d[\"models\"][0][\"roi\"], d[\"models\"][0][\"roi_low\"], d[\"models\"][0][\"roi_high\"]")" = "1660.6316 1660.6316 1660.6316" &&
	test "$(json_get v.json "d[\"models\"][2][\"roi\"], d[\"models\"][2][\"initiatives_with_roi\"], d[\"models\"][2][\"cost_not_set_against_value\"][\"minor\"]")" = "1660.5629 1 0" &&
	test "$(json_get v.json "d[\"models\"][0][\"cost_not_set_against_value\"][\"minor\"]")" = 6450 &&
	test "$(json_get v.json "d[\"spend_by\"], [r[\"group\"] for r in d[\"spend\"][\"rows\"]]")" = "model ['\''(seat)'\'', '\''claude-sonnet-4-5'\'', '\''gpt-4o-2024-08-06'\'', '\''mistral-large'\'']"
'

test_expect_success 'the text names each model with its value, cost and ROI' '
	aivalue value --at 2026-06-30 --by model >v.txt &&
	test_grep "^ROI per model" v.txt &&
	grep -A3 "^gpt-4o-2024-08-06$" v.txt >gpt.txt &&
	test_grep "value a year  €18,349.22 (interval €18,349.22 to €18,349.22)" gpt.txt &&
	test_grep "cost a year   €11.05" gpt.txt &&
	test_grep "ROI           1660.56 times its cost" gpt.txt &&
	aivalue value --at 2026-06-30 >plain.txt &&
	test_must_fail grep "^ROI per model" plain.txt
'

# The spans price mistral-large no more: its tokens are unpriced, so the
# initiative's cost is incomplete and no ROI is printed, for it or for any
# model; every model's spend is shown as not set against value.  (seat)'s
# is t1's EUR 205.00 and dave-gh's EUR 64.50 (t7000: a seat of no person,
# so of no initiative) = 26,950 cents.
test_expect_success 'an unpriced model leaves no ROI per model, and says why' '
	sed "/mistral-large/d" org.yaml >org2.yaml &&
	aivalue apply -f org2.yaml >/dev/null &&
	aivalue value --at 2026-06-30 --by model --json >u.json &&
	test "$(json_get u.json "d[\"initiatives\"][0][\"roi\"]")" = None &&
	test "$(json_get u.json "[(m[\"model\"], m[\"roi\"], m[\"cost_not_set_against_value\"][\"minor\"]) for m in d[\"models\"]]")" = "[('\''(seat)'\'', None, 26950), ('\''claude-sonnet-4-5'\'', None, 370), ('\''gpt-4o-2024-08-06'\'', None, 360), ('\''mistral-large'\'', None, 0)]" &&
	test_grep "no proven value: its spend is in initiatives with no ROI yet" u.json &&
	aivalue apply -f org.yaml >/dev/null
'

test_expect_success 'GET /api/v1/value carries the models; the /value page shows a card per model' '
	aivalue token create --name tok-analyst --role analyst >analyst.tok 2>/dev/null &&
	start_server --quiet &&
	curl -sf -H "Authorization: Bearer $(cat analyst.tok)" \
		"$AIV_URL/api/v1/value?at=2026-06-30" >api.json &&
	test "$(json_get api.json "[(m[\"model\"], m[\"value_a_year\"][\"minor\"]) for m in d[\"models\"]]")" = "[('\''(seat)'\'', 104488604), ('\''claude-sonnet-4-5'\'', 1885892), ('\''gpt-4o-2024-08-06'\'', 1834922), ('\''mistral-large'\'', 30582)]" &&
	curl -sf -H "Authorization: Bearer $(cat analyst.tok)" "$AIV_URL/value" >page.html &&
	test_grep "<h2 id=\"by-model\">ROI by model</h2>" page.html &&
	sed "s/.*id=\"by-model\"//" page.html | grep -o "<article class=\"card roi [a-z-]*\"><h3>[^<]*</h3><p class=\"verdict\">[^<]*</p>" >cards.txt &&
	test "$(wc -l <cards.txt)" = 4 &&
	test_grep "roi-positive\"><h3>gpt-4o-2024-08-06</h3><p class=\"verdict\">pays back" cards.txt &&
	stop_server
'

# Two more initiatives on team t1 (each gets t1's whole cost, EUR 651.80 a
# year): briefs, whose proven saving is 1 hour a brief (7,200 s before,
# 3,600 s after) on 12 briefs a year at EUR 1.10 = EUR 13.20 a year, ROI
# 1,320 / 65,180 = 0.0203, i.e. EUR 0.02 per EUR 1.00; and cover, whose
# hypothesis has no data (not yet proven).  The report's executive summary
# leads with who pays back, by title; the overview's value card says the
# same with money figures and links to /value, for the roles that may open
# /value only.
test_expect_success 'the report and the overview name who pays back, with money figures' '
	cat >more.yaml <<-\EOT &&
	kind: Initiative
	name: briefs
	title: Underwriting briefs
	model: expert
	owner: alice
	phase: 2
	status: pilot
	teams: [t1]
	---
	kind: Initiative
	name: cover
	title: Cover advisor
	model: distribution
	owner: alice
	phase: 2
	status: pilot
	teams: [t1]
	---
	kind: Hypothesis
	name: briefs-faster
	initiative: briefs
	metric: expert_cycle_time
	comparison:
	  before_after: "2026-03-01"
	minimum_effect: "10%"
	confidence: 0.95
	minimum_sample: 30
	review_date: "2027-03-31"
	---
	kind: Hypothesis
	name: cover-exceptions
	initiative: cover
	metric: exception_rate
	comparison:
	  before_after: "2026-03-01"
	minimum_effect: "10%"
	confidence: 0.95
	minimum_sample: 30
	review_date: "2027-03-31"
	---
	kind: UnitValue
	name: briefs-hour
	type: hourly_cost
	role: Analyst
	hypotheses: [briefs-faster]
	volume_per_year: 12
	amounts:
	  - {from: "2026-01-01", amount: "1.10"}
	EOT
	aivalue apply -f more.yaml >/dev/null &&
	write_obs briefs 7200 3600 >obs2.csv &&
	aivalue evidence --data obs2.csv >/dev/null &&
	aivalue report --format md -o r.md >/dev/null &&
	sed -n "/^## Executive summary/{n;n;p;}" r.md >lead.txt &&
	test_grep "^1 initiative pays back: Claims assistant returns €1,660.63 per €1.00 of AI cost (interval €1,660.63 to €1,660.63); 1 does not pay back: Underwriting briefs returns €0.02 per €1.00 of AI cost (interval €0.02 to €0.02); 1 is not yet proven: Cover advisor.$" lead.txt &&
	aivalue report --format json -o r.json >/dev/null &&
	test "$(json_get r.json "d[\"summary\"][\"value_lead\"][:35]")" = "1 initiative pays back: Claims assi" &&
	aivalue report -o r.html >/dev/null &&
	test_grep "<h2>Executive summary</h2><p class=\"lead value-lead\">1 initiative pays back: Claims assistant returns" r.html &&
	aivalue token create --name tok-viewer --role viewer >viewer.tok 2>/dev/null &&
	start_server --quiet &&
	curl -sf -H "Authorization: Bearer $(cat analyst.tok)" "$AIV_URL/" >ov.html &&
	grep -o "<section class=\"card value-overview\".*</section>" ov.html | sed "s/<\/section>.*//" >card.html &&
	test_grep "<a href=\"/value\">Value in money</a>" card.html &&
	test_grep "<li class=\"roi-positive\"><b>Claims assistant</b> pays back: €1,082,400.00 <span class=\"ci\">(interval €1,082,400.00 to €1,082,400.00)</span> of proven value a year against €651.80 of AI cost a year (ROI 1660.63 times its cost)</li>" card.html &&
	test_grep "<li class=\"roi-negative\"><b>Underwriting briefs</b> does not pay back: €13.20 " card.html &&
	test_grep "<li class=\"not-proven\"><b>Cover advisor</b> not yet proven</li>" card.html &&
	curl -sf -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/" >ov-viewer.html &&
	test_must_fail grep "value-overview" ov-viewer.html &&
	stop_server
'

# Expected value orders the Phase 2 trio (docs/value.md): in the expert
# slot, Claims assistant (pays back: EUR 1,082,400.00 - EUR 651.80 =
# EUR 1,081,748.20 a year net) comes before Underwriting briefs (proven not
# to pay back: EUR 13.20 - EUR 651.80 = EUR 638.60 a year short), which the
# score alone would pick (both pilots with a supported hypothesis and one
# team; then by name).  Cover advisor, not yet proven, is the only
# distribution candidate; there is no process initiative.
test_expect_success 'the Phase 2 trio is ordered by expected value' '
	aivalue roadmap --json >rm.json &&
	test "$(json_get rm.json "[t[\"initiative\"] for t in d[\"phase2_trio\"]]")" = "['\''cover'\'', '\''claims-assistant'\'', None]" &&
	test "$(json_get rm.json "d[\"phase2_trio\"][1][\"reason\"]")" = "pays back: €1,081,748.20 a year net of its AI cost; pilot; a supported hypothesis; 1 owning team (score 6)"
'

test_done
