#!/bin/sh
# t6300-hypotheses-units - value hypotheses in the metric's units on the
# small demo: the supported claims hypothesis reads "3 d 06 h -> 2 d 02 h,
# 36 % faster" in the CLI, the JSON and the /hypotheses page, under one
# sign convention (improvement positive in the direction the metric
# wants); rates in percentage points; titles, not slugs; no operators and
# no floating-point noise in the reasons.
#
# Hand-worked from the demo's medians (seed 1): baseline 279520.5 s =
# 77.6 h, rounded to 78 h = 3 d 06 h; comparison 179924 s = 50.0 h =
# 2 d 02 h; improvement 99596.5 s = 27.7 h = 1 d 04 h; relative
# 99596.5 / 279520.5 = 0.356, "36 % faster".  The exception rate: 16.0 %
# (67 of 418) against 15.9 % (29 of 182), 0.1 pp lower.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

test_expect_success 'setup: the small demo' '
	aivalue_demo demo --size small --dir data >/dev/null &&
	aivalue token create --name v --role viewer >viewer.tok
'

test_expect_success 'the CLI: durations in days and hours, the change in words' '
	aivalue evidence >ev.txt &&
	test_grep "3 d 06 h -> 2 d 02 h, 1 d 04 h faster (36 % faster), 95 % interval: 28 % to 44 % faster" ev.txt &&
	test_grep "16.0 % -> 15.9 %, 0.1 pp lower" ev.txt &&
	! grep -E "e\+0|>=|==|effect -" ev.txt
'

test_expect_success 'the JSON: added fields positive when better, old keys kept' '
	aivalue --json evidence >ev.json &&
	json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"]" >r.txt &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"][\"effect\"]")" = -99596.5 &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"][\"improvement\"]")" = 99596.5 &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"][\"relative_improvement\"]")" = 0.356312 &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"][\"improvement_ci\"][0] > 0")" = True &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"][\"display\"][\"relative\"]")" = "36 % faster" &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"][\"display\"][\"baseline\"]")" = "3 d 06 h" &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"][\"unit\"]")" = seconds &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-cycle-time\"][0][\"result\"][\"higher_is_better\"]")" = False &&
	test "$(json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"] == \"claims-assist-fewer-exceptions\"][0][\"result\"][\"display\"][\"change\"]")" = "0.1 pp lower"
'

test_expect_success 'the reasons are sentences without operators or exponents' '
	json_get ev.json "\"\\n\".join(h[\"reason\"] for h in d[\"hypotheses\"])" >reasons.txt &&
	test_grep "1 d 04 h faster (36 % faster), at least the minimum effect of 11 h 39 min (15 %)" reasons.txt &&
	test_grep "smaller than the minimum effect of 5.0 pp" reasons.txt &&
	! grep -E "e\+0|e-0|>=|<=|==" reasons.txt
'

test_expect_success 'the page: titles, units, relative change and an interval bar' '
	start_server &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/hypotheses" >h.html &&
	test_grep "AI-assisted claims finish at least 15% faster end to end" h.html &&
	test_grep "3 d 06 h &rarr; 2 d 02 h" h.html &&
	test_grep "<strong>36 % faster</strong>" h.html &&
	test_grep "class=\"ci-bar ci-better\"" h.html &&
	test_grep "class=\"ci-bar ci-unclear\"" h.html &&
	! grep -E "<td>claims-cycle-time</td>|e\+0|effect -|&gt;=|==" h.html &&
	stop_server
'

test_done
