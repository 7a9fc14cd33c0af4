#!/bin/sh
# t6201-metric-history-span - a usage export with dates of year 1 and
# year 9999 (both valid ISO dates: the import takes them, and accounts for
# each row) must not cost one adoption computation per month of the ten
# thousand years between them: the metric history reaches back at most ten
# years from its newest day (src/assess/series.c, SERIES_SPAN_DAYS).  On
# the code before, the import computed 120,000 months of history, each
# over the whole span (47 s for three rows on six people), and the history
# listed every one of them.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"
MAP="person=user,time=date,tool=app,count=actions"

test_expect_success 'dates of year 1 and 9999 are imported; the history keeps ten years of periods' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/six-people.yaml" >/dev/null &&
	printf "date,user,app,actions\n0001-01-01,ana@acme.example,copilot-chat,1\n2026-01-05,ana@acme.example,copilot-chat,1\n9999-12-31,ana@acme.example,copilot-chat,1\n" >far.csv &&
	aivalue import usage far.csv --format csv --map "$MAP" --json >imp.json &&
	test "$(json_get imp.json "d[\"tally\"][\"used\"]")" = 3 &&
	aivalue metrics history repeat_use_rate --json >m.json &&
	json_get m.json "len(d[\"lines\"][0][\"points\"])" >n.txt &&
	test "$(cat n.txt)" -le 121 &&
	test "$(json_get m.json "d[\"lines\"][0][\"points\"][-1][\"period\"]")" = 9999-12 &&
	test "$(json_get m.json "d[\"lines\"][0][\"points\"][0][\"period\"]")" = 9989-12 &&
	aivalue metrics history repeat_use_rate --period week --json >w.json &&
	test "$(json_get w.json "len(d[\"lines\"][0][\"points\"])")" -le 523
'

test_done
