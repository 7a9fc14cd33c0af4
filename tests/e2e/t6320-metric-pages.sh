#!/bin/sh
# t6320-metric-pages - issue 15, value over time on the dashboard: each
# overview scorecard figure shows its value with unit, target, status in
# words and a monthly <svg> sparkline, and links to /metrics/{id}; that
# page shows the value, the series chart, the definition, where the target
# comes from, the trend and the breakdowns; an unknown metric is the HTML
# 404 page and an unknown period a 400 page.  A run of months without data
# (a source that keeps no history) is one row with the newest reason.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

# The scorecard figures of o.html, one per line (the <li class="mfig"> items).
figures() {
	python3 -S -c "import re; s=open(\"o.html\").read(); c=s.split(\"<div class=\\\"pb-cards\\\">\")[1].split(\"<div class=\\\"pb-grid\\\">\")[0]; print(\"\\n\".join(re.findall(r\"<li class=\\\"mfig\\\">.*?</li>\", c)))"
}

test_expect_success 'setup: the small demo and a viewer token' '
	aivalue_demo demo --size small --dir d >/dev/null 2>&1 &&
	aivalue token create --name v --role viewer >viewer.tok &&
	aivalue metrics show repeat_use_rate --json >r.json
'

test_expect_success 'each scorecard figure: value with unit, target, status word, sparkline, link' '
	start_server &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/" >o.html &&
	figures >figs &&
	test "$(grep -o "<h2 id=\"sc-" o.html | wc -l)" = 5 &&
	test "$(wc -l <figs)" -ge 5 &&
	test "$(grep -c "<svg class=\"spark\"" figs)" = "$(wc -l <figs)" &&
	test "$(grep -c "target " figs)" = "$(wc -l <figs)" &&
	test "$(grep -cE "class=\"mstatus ms-(on_track\">on track|at_risk\">at risk|off_track\">off track|no_data\">no data)</span>" figs)" = "$(wc -l <figs)" &&
	test "$(grep -c "<a class=\"pb-val\" href=\"/metrics/" figs)" = "$(wc -l <figs)" &&
	grep "href=\"/metrics/repeat_use_rate\"" figs >ru &&
	test_grep "target 60.0 %, at risk below 40.0 %, off track below 15.0 %" ru &&
	value=$(json_get r.json "d[\"display\"]") &&
	status=$(json_get r.json "d[\"status\"]") &&
	test_grep "title=\"[^\"]*\"><span class=\"mval\">$value</span></a> <span class=\"mstatus ms-$status\">" ru &&
	test_grep "since last month: <span class=\"mval\">$(json_get r.json "d[\"change_text\"]")</span>" ru &&
	! grep -E " (&gt;=|==|&lt;=) " figs &&
	stop_server
'

test_expect_success 'a metric page: value, monthly chart, definition, target source, trend' '
	start_server &&
	code=$(curl -s -o m.html -w "%{http_code}" -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics/repeat_use_rate") &&
	test "$code" = 200 &&
	test_grep "<h1>Repeat use</h1>" m.html &&
	test_grep "<span class=\"kpi-value\"><span class=\"mval\">$(json_get r.json "d[\"display\"]")</span>" m.html &&
	test_grep "No data (fewer than 5 people: not reported (privacy floor)): " m.html &&
	test_grep "<title id=\"metric-series-title\">Monthly values" m.html &&
	test_grep "Monthly values" m.html &&
	test_grep "<dt>Target from</dt><dd>catalog default</dd>" m.html &&
	test_grep "Share of licensed people who were active in at least 9" m.html &&
	test_grep "class=\"mtrend\" title=\"[^\"]" m.html &&
	test_grep "<dt>By team</dt>" m.html &&
	test_grep "<dt>Evidence</dt>" m.html &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics/repeat_use_rate?period=week" >w.html &&
	test_grep "Weekly values" w.html &&
	test_grep "<th>Week starting</th>" w.html &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics/iterations_before_commitment" >j.html &&
	test_grep "<p>Only one month with data: a chart needs two.</p>" j.html &&
	! grep "metric-series-title" j.html &&
	test_grep "<tr><td>2026-12</td><td><span class=\"mval\">4</span></td>" j.html &&
	test_grep "<tr><td>2026-01 to 2026-11</td><td>no data in 11 months <span class=\"small\">(newest: cannot be computed as of 2026-11-30: its source (journeys) holds only the current state, not its history)" j.html &&
	test_grep "<dt>Target</dt><dd>3, at risk above 5, off track above 8</dd>" j.html &&
	stop_server
'

test_expect_success 'an unknown metric is the HTML 404 page, an unknown period a 400 page' '
	start_server &&
	code=$(curl -s -o nf.html -w "%{http_code} %{content_type}" -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics/no_such_metric") &&
	test "$code" = "404 text/html; charset=utf-8" &&
	test_grep "There is no metric &#39;no_such_metric&#39;" nf.html &&
	code=$(curl -s -o p.html -w "%{http_code}" -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics/repeat_use_rate?period=year") &&
	test "$code" = 400 &&
	test_grep "must be week or month, not &#39;year&#39;" p.html &&
	stop_server
'

test_done
