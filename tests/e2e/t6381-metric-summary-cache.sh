#!/bin/sh
# Issue 15: the overview's scorecards read every figure's stored monthly
# series through the store on each request (65 % of a `/` on a kept
# playbook snapshot on the large demo).  A metric summary is now kept per
# store state for the evidence cache's minute; a write (here a
# MetricTarget applied from the command line while the server runs) draws
# the figures afresh, with the new target.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

counter() { # hit|miss|stored of aivalue_metric_summary_cache_total in /metrics
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" |
		sed -n "s/^aivalue_metric_summary_cache_total{result=\"$1\"} //p"
}
# the repeat_use_rate scorecard figure of $1
ru_figure() {
	python3 -S -c "import re,sys; s=open(sys.argv[1]).read(); print(re.findall(r\"<li class=\\\"mfig\\\">(?:(?!</li>).)*href=\\\"/metrics/repeat_use_rate\\\".*?</li>\", s)[0])" "$1"
}

test_expect_success 'setup: the small demo' '
	aivalue_demo demo --size small --dir data >/dev/null 2>&1 &&
	aivalue token create --name adm --role admin >admin.tok
'

cat >target.yaml <<'YAML'
kind: MetricTarget
name: repeat_use_rate
target: 0.95
at_risk: 0.9
off_track: 0.7
note: the board asked for a near-universal habit
YAML

test_expect_success 'a second overview draws its scorecards from the kept summaries' '
	start_server --no-warm &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" >o1.html &&
	n=$(counter miss) &&
	test "$n" -ge 5 &&
	test "$(counter stored)" = "$n" &&
	test "$(counter hit)" = 0 &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" >o2.html &&
	test "$(counter hit)" = "$n" &&
	test "$(counter miss)" = "$n" &&
	test_cmp o1.html o2.html &&
	ru_figure o2.html >ru2 &&
	test_grep "target 60.0 %, at risk below 40.0 %, off track below 15.0 %" ru2 &&
	stop_server
'

test_expect_success 'a write draws the figures afresh: the new target on the overview and the API' '
	start_server --no-warm &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" >o3.html &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/api/v1/metrics/repeat_use_rate" >a1.json &&
	test "$(json_get a1.json "d[\"target\"][\"value\"]")" = 0.6 &&
	n=$(counter miss) &&
	aivalue apply -f target.yaml >/dev/null &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" >o4.html &&
	test "$(counter miss)" -gt "$n" &&
	ru_figure o4.html >ru4 &&
	test_grep "target 95.0 %, at risk below 90.0 %, off track below 70.0 %" ru4 &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/api/v1/metrics/repeat_use_rate" >a2.json &&
	test "$(json_get a2.json "d[\"target\"][\"value\"]")" = 0.95 &&
	aivalue metrics show repeat_use_rate --json >cli.json &&
	test "$(json_get a2.json "d[\"status\"]")" = "$(json_get cli.json "d[\"status\"]")" &&
	stop_server
'

test_done
