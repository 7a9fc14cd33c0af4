#!/bin/sh
# t6400 - the report's page one and its prose (issue 15, "The report"):
# an empty workspace claims no phase and lists what to import; the demo's
# report names the organisation, the phase and why, the three most severe
# findings as sentences, the value proven in the metric's units (checked
# against the hypothesis' own figures, formatted independently in Python)
# and the next three moves; no raw JSON and no operators in its text; the
# JSON report keeps its keys and adds "summary".
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"
Q="'"

test_expect_success 'an empty workspace: no phase claimed, the setup steps instead' '
	aivalue init >/dev/null &&
	aivalue report --format json -o e.json 2>/dev/null &&
	test "$(json_get e.json "d[\"summary\"][\"empty\"]")" = True &&
	test "$(json_get e.json "d[\"summary\"][\"phase\"]")" = None &&
	test "$(json_get e.json "d[\"summary\"][\"setup\"][0][\"command\"]")" = "aivalue import usage FILE --format FORMAT" &&
	aivalue report --format html -o e.html 2>/dev/null &&
	test_grep "Nothing has been imported yet, so no phase is claimed" e.html &&
	test_grep "<ol class=\"setup\">" e.html &&
	! grep "Phase 1 of" e.html &&
	! grep "Value models" e.html &&
	! grep "Audit crosswalk" e.html &&
	aivalue report --format md -o e.md 2>/dev/null &&
	test_grep "^1. \*\*Import a year of AI-usage exports" e.md &&
	test_grep "^5. \*\*Import customer journeys" e.md
'

test_expect_success 'setup: the small demo' '
	workspace_new demo &&
	aivalue_demo --db "$(workspace_db demo)" demo --size small --dir demo-data >demo.log 2>&1 &&
	aivalue --db "$(workspace_db demo)" report --org "Harbour Mutual Insurance" -o r.html 2>/dev/null &&
	aivalue --db "$(workspace_db demo)" report --org "Harbour Mutual Insurance" --format json -o r.json 2>/dev/null &&
	aivalue --db "$(workspace_db demo)" report --org "Harbour Mutual Insurance" --format md -o r.md 2>/dev/null &&
	python3 -c "import html,re; t=html.unescape(re.sub(\"<[^>]+>\",\" \",open(\"r.html\").read().split(\"</style>\")[1])); print(re.sub(\"\\s+\",\" \",t.replace(chr(160),\" \")))" >text
'

test_expect_success 'page one: the organisation, the phase and why, in words' '
	test_grep "<h1>Harbour Mutual Insurance: AI value report</h1>" r.html &&
	test_grep "<div class=\"big\">Phase 1 of 3</div>" r.html &&
	test "$(json_get r.json "d[\"summary\"][\"organisation\"]")" = "Harbour Mutual Insurance" &&
	test "$(json_get r.json "d[\"summary\"][\"phase\"]")" = 1 &&
	test_grep "still open: no open two-tier workforce finding (now 1, needs exactly 0)." r.md
'

test_expect_success 'page one: the three most severe findings as sentences, with their targets' '
	test "$(json_get r.json "len(d[\"summary\"][\"top_findings\"])")" = 3 &&
	test "$(json_get r.json "[t[\"severity\"] for t in d[\"summary\"][\"top_findings\"]]")" = "[${Q}high${Q}, ${Q}high${Q}, ${Q}medium${Q}]" &&
	json_get r.json "d[\"summary\"][\"top_findings\"][0][\"text\"]" >t0 &&
	test_grep "^Two-tier workforce: repeat use stalls in customer_service (0%) while the organisation is at 54%. Evidence: " t0 &&
	test_grep "repeat-use gap between Actuary and Complaints handler 100.0 % (target: at most 30.0 %)" t0 &&
	test_grep "repeat use in customer_service 0.0 % (target: at least 15.0 %)." t0
'

test_expect_success 'page one: the value proven, in the metric'"'"'s units' '
	cat >fmt.py <<-\PY &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	h = [x for x in d["hypotheses"]["hypotheses"] if x["verdict"] == "supported"][0]
	r = h["result"]
	def dur(s):
	    hours = int(s / 3600 + 0.5)
	    return "%d d %02d h" % (hours // 24, hours % 24)
	rel = r["improvement"] / abs(r["baseline"])
	print("End-to-end cycle time is %.0f %% faster: %s instead of %s" % (rel * 100, dur(r["comparison"]), dur(r["baseline"])))
	PY
	python3 fmt.py r.json >want &&
	json_get r.json "d[\"summary\"][\"value_proven\"][0][\"text\"]" >got &&
	test_cmp want got &&
	test_grep -F "$(cat want)" text &&
	test_grep "<b>End-to-end cycle time is [0-9]*&nbsp;% faster: [0-9]*&nbsp;d&nbsp;[0-9]*&nbsp;h instead of [0-9]*&nbsp;d&nbsp;[0-9]*&nbsp;h</b>" r.html &&
	test "$(json_get r.json "d[\"summary\"][\"value_proven\"][0][\"interval\"].startswith(\"95 % interval: \")")" = True
'

test_expect_success 'page one: the next three moves, each an action with an owner' '
	test "$(json_get r.json "len(d[\"summary\"][\"next_moves\"])")" = 3 &&
	test "$(json_get r.json "d[\"summary\"][\"next_moves\"][0][\"action\"]")" = "Meet the phase 1 exit criterion: no open two-tier workforce finding" &&
	test "$(json_get r.json "d[\"summary\"][\"next_moves\"][1][\"action\"]")" = "Raise Strategy and ownership from level 2 to 3" &&
	test "$(json_get r.json "all(m[\"owner\"] for m in d[\"summary\"][\"next_moves\"])")" = True
'

test_expect_success 'findings are prose: no raw JSON, no operators, no exponent' '
	! grep -F "{\"" text &&
	! grep -E " (>=|<=|==) " text &&
	! grep -E "[0-9]\.[0-9]+e[+-][0-9]" text &&
	test_grep "Move: Make good easy: Lower the effort of doing the right thing" text &&
	! grep -F "{\"" r.md
'

test_expect_success 'each model has its metrics against targets as a chart' '
	test "$(grep -c "<svg class=\"chart targets\"" r.html)" = 5 &&
	test_grep "<h2>1. Value models: metrics against targets</h2>" r.html &&
	test_grep "<h2>4. Hypotheses and verdicts</h2>" r.html &&
	test "$(grep -o "<svg class=\"chart interval\"" r.html | wc -l)" = 3
'

test_expect_success 'the JSON report keeps its keys and adds the summary and typed evidence' '
	test "$(json_get r.json "sorted(d.keys())")" = "[${Q}crosswalk${Q}, ${Q}findings${Q}, ${Q}generated_at${Q}, ${Q}hypotheses${Q}, ${Q}ledger_head${Q}, ${Q}measured_answers${Q}, ${Q}metrics${Q}, ${Q}phase${Q}, ${Q}readiness${Q}, ${Q}roadmap${Q}, ${Q}summary${Q}, ${Q}workspace${Q}]" &&
	test "$(json_get r.json "[f for f in d[\"findings\"][\"findings\"] if f[\"mode\"] == \"two_tier_workforce\"][0][\"figures\"][\"evidence\"][\"licensed_people\"]")" = 150 &&
	test "$(json_get r.json "[e for e in [f for f in d[\"findings\"][\"findings\"] if f[\"mode\"] == \"two_tier_workforce\"][0][\"evidence\"] if e[\"name\"] == \"repeat_use_gap\"][0][\"target\"]")" = "{${Q}bound${Q}: ${Q}at most${Q}, ${Q}value${Q}: 0.3}"
'

test_done
