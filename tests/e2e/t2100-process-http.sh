#!/bin/sh
# t2100-process-http.sh - the event-log API (/api/v1/logs...) and the
# process dashboard pages (/logs, /logs/NAME): API answers equal the CLI's
# --json output, pages render with well-formed SVG charts and the
# directly-follows graph, roles are enforced, bad input is a 400 with a
# message and changes nothing.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/eventlogs"
SHARED="$TEST_ROOT/../shared/data/eventlogs"

# api PATH TOKEN: body to out.json, headers to hdr.txt, prints the status.
api() {
	curl -s -o out.json -D hdr.txt -w '%{http_code}' ${2:+-H "Authorization: Bearer $2"} \
		"$AIV_URL$1"
}
# same_json A B: equal as JSON values (order of keys aside)
same_json() {
	python3 -S -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a != b)' "$1" "$2" ||
	{ diff -u "$1" "$2" | head -20; return 1; }
}
# svg_ok FILE: every <svg> element in the page is well-formed XML; prints how many
svg_ok() {
	python3 -S - "$1" <<-\PY
	import re, sys, xml.etree.ElementTree as ET
	html = open(sys.argv[1], encoding="utf-8").read()
	svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
	for s in svgs:
	    ET.fromstring(s)
	print(len(svgs))
	PY
}

aivalue init >/dev/null
aivalue import cases "$DATA/running-example.xes" >/dev/null
# cohorts: ai=false cases last 10, 20, 30, 40 h (two with rework), ai=true 5, 6, 7 h
python3 -S - >cohorts.csv <<\EOF
print("case,activity,time,ai")
spec = [("a1", 10, "false", 1), ("a2", 20, "false", 1), ("a3", 30, "false", 0),
        ("a4", 40, "false", 0), ("b1", 5, "true", 0), ("b2", 6, "true", 0),
        ("b3", 7, "true", 0), ("x1", 1, "", 0)]
for c, h, ai, rework in spec:
    acts = ["open", "work"] + (["work"] if rework else []) + ["close"]
    for i, a in enumerate(acts):
        t = 0 if i == 0 else h if i == len(acts) - 1 else i
        print("%s,%s,2024-03-0%d %02d:00:00,%s" % (c, a, 1 + t // 24, t % 24, ai))
EOF
aivalue import cases cohorts.csv --case case --activity activity --time time \
	--attr ai=ai --name cohorts >/dev/null
for r in admin analyst viewer auditor agent; do
	aivalue token create --name "t-$r" --role "$r" >"$r.tok" 2>/dev/null
done
ADMIN=$(cat admin.tok)
VIEWER=$(cat viewer.tok)
AGENT=$(cat agent.tok)
start_server --quiet

test_expect_success 'GET /api/v1/logs lists the logs as `aivalue logs --json`' '
	test "$(api /api/v1/logs "$VIEWER")" = 200 &&
	aivalue logs --json >cli.json &&
	python3 -S -c "import json; d=json.load(open(\"out.json\")); json.dump(d[\"items\"], open(\"items.json\",\"w\")); assert d[\"count\"] == 2" &&
	same_json items.json cli.json &&
	test "$(json_get out.json "\",\".join(sorted(i[\"name\"] for i in d[\"items\"]))")" = "cohorts,running-example"
'

test_expect_success 'GET /api/v1/logs/NAME equals `process stats NAME --json`' '
	test "$(api /api/v1/logs/running-example "$ADMIN")" = 200 &&
	aivalue --json process stats running-example >cli.json &&
	same_json out.json cli.json &&
	test "$(json_get out.json "d[\"cases\"], d[\"events\"], d[\"activities\"], d[\"variants\"]")" = "6 42 8 6" &&
	test "$(api "/api/v1/logs/running-example?top=2" "$ADMIN")" = 200 &&
	aivalue --json process stats running-example --top 2 >cli2.json &&
	same_json out.json cli2.json &&
	test "$(json_get out.json "len(d[\"top_variants\"])")" = 2
'

test_expect_success 'GET /api/v1/logs/NAME/compare equals `process compare --json`' '
	test "$(api "/api/v1/logs/cohorts/compare?by=ai" "$VIEWER")" = 200 &&
	aivalue --json process compare cohorts --by ai >cli.json &&
	same_json out.json cli.json &&
	test "$(json_get out.json "[c[\"case_duration_seconds\"][\"median\"] for c in d[\"cohorts\"]]")" = "[90000.0, 21600.0]" &&
	test "$(api "/api/v1/logs/cohorts/compare?by=ai&seed=7&reps=500" "$VIEWER")" = 200 &&
	aivalue --json process compare cohorts --by ai --seed 7 --reps 500 >cli.json &&
	same_json out.json cli.json &&
	test "$(api "/api/v1/logs/cohorts/compare?by=ai&value=true" "$VIEWER")" = 200 &&
	aivalue --json process compare cohorts --by ai --value true >cli.json &&
	same_json out.json cli.json &&
	test "$(api "/api/v1/logs/running-example/compare?before=2011-01-01" "$VIEWER")" = 200 &&
	aivalue --json process compare running-example --before 2011-01-01 >cli.json &&
	same_json out.json cli.json
'

test_expect_success 'GET /api/v1/logs/NAME/dfg: Graphviz as the CLI, JSON as the stats' '
	test "$(api "/api/v1/logs/running-example/dfg?format=dot" "$VIEWER")" = 200 &&
	grep -qi "^content-type: text/vnd.graphviz" hdr.txt &&
	aivalue process stats running-example --dfg dot >cli.dot &&
	test_cmp cli.dot out.json &&
	test "$(api /api/v1/logs/running-example/dfg "$VIEWER")" = 200 &&
	aivalue --json process stats running-example >cli.json &&
	python3 -S -c "import json; a=json.load(open(\"out.json\")); b=json.load(open(\"cli.json\"))[\"dfg\"]; b[\"log\"]=\"running-example\"; assert a == b, (a, b); assert len(a[\"edges\"]) > 8"
'

test_expect_success 'every human role reads; agent and no token are refused' '
	for r in admin analyst viewer auditor; do
		test "$(api /api/v1/logs/cohorts "$(cat $r.tok)")" = 200 || return 1
	done &&
	test "$(api /api/v1/logs "$AGENT")" = 403 &&
	test "$(json_get out.json "d[\"error\"][\"code\"]")" = forbidden &&
	test "$(api /api/v1/logs/cohorts/compare?by=ai "$AGENT")" = 403 &&
	test "$(api /api/v1/logs "")" = 401 &&
	test "$(api /logs "$AGENT")" = 403 &&
	test "$(api /logs/cohorts "")" = 303 &&
	grep -qi "^location: /login" hdr.txt
'

test_expect_success 'bad input: 400 or 404 with a message, nothing changed' '
	aivalue audit checkpoint >cp1 &&
	test "$(api /api/v1/logs/nope "$ADMIN")" = 404 &&
	test_grep "no event log .nope." out.json &&
	test "$(api /api/v1/logs/cohorts/compare "$ADMIN")" = 400 &&
	test_grep "exactly one of" out.json &&
	test "$(api "/api/v1/logs/cohorts/compare?by=ai&before=2024-01-01" "$ADMIN")" = 400 &&
	test "$(api "/api/v1/logs/cohorts/compare?by=nope" "$ADMIN")" = 400 &&
	test_grep "has no attribute .nope." out.json &&
	test "$(api "/api/v1/logs/cohorts/compare?before=someday" "$ADMIN")" = 400 &&
	test_grep "unparseable date .someday." out.json &&
	test "$(api "/api/v1/logs/cohorts/compare?before=2024-03-01" "$ADMIN")" = 400 &&
	test_grep "a cohort is empty" out.json &&
	test "$(api "/api/v1/logs/cohorts/compare?by=ai&reps=5" "$ADMIN")" = 400 &&
	test_grep "reps" out.json &&
	test "$(api "/api/v1/logs/cohorts?top=0" "$ADMIN")" = 400 &&
	test "$(api "/api/v1/logs/cohorts?top=x" "$ADMIN")" = 400 &&
	test "$(api "/api/v1/logs/cohorts/dfg?format=png" "$ADMIN")" = 400 &&
	test_grep "format" out.json &&
	test "$(api "/logs/cohorts?by=nope" "$ADMIN")" = 400 &&
	test_grep "has no attribute" out.json &&
	test "$(api "/logs/cohorts?min_edge=-1" "$ADMIN")" = 400 &&
	test "$(api /logs/nope "$ADMIN")" = 404 &&
	aivalue audit checkpoint >cp2 &&
	test_cmp cp1 cp2
'

test_expect_success 'the /logs page lists every log with its size and a link' '
	test "$(api /logs "$VIEWER")" = 200 &&
	test_grep "href=\"/logs/running-example\"" out.json &&
	test_grep "href=\"/logs/cohorts\"" out.json &&
	test_grep "<td class=\"num\">42</td>" out.json &&
	test_grep "aria-current=\"page\">Processes</a>" out.json &&
	test "$(api / "$VIEWER")" = 200 &&
	test_grep "href=\"/logs\">Processes</a>" out.json
'

test_expect_success 'a log page: KPI tiles, charts and the graph as well-formed SVG' '
	test "$(api /logs/running-example "$VIEWER")" = 200 &&
	cp out.json page.html &&
	aivalue --json process stats running-example >cli.json &&
	test "$(svg_ok page.html)" = 3 &&
	test_grep "<div class=\"pm-kpi-value\">42</div><div class=\"pm-kpi-label\">events" page.html &&
	test_grep "<div class=\"pm-kpi-value\">8</div><div class=\"pm-kpi-label\">activities" page.html &&
	test_grep "case duration (days)" page.html &&
	test_grep "median wait before the activity" page.html &&
	test "$(grep -o "<g class=\"dfg-node\">" page.html | wc -l)" = 8 &&
	test_grep "8 of 8 activities" page.html &&
	! grep -q "style=" page.html &&
	! grep -q "<script>" page.html &&
	python3 -S - page.html <<-\PY
	import re, sys, json
	html = open(sys.argv[1], encoding="utf-8").read()
	# histogram bars add up to the number of cases
	hist = re.search(r"<svg[^>]*id=.cycle-time[^>]*>.*?</svg>|<svg(?:(?!</svg>).)*?cycle-time-title.*?</svg>", html, re.S).group(0)
	tips = re.findall(r"<title>[^<]*?: (\d+) cases</title>", hist)
	assert sum(map(int, tips)) == 6, tips
	# the drawn edges are the log s directly-follows pairs with their counts
	want = {(e["from"], e["to"]): e["count"] for e in json.load(open("cli.json"))["dfg"]["edges"]}
	got = {}
	for a, b, n in re.findall(r"<title>([^<]*?) \u2192 ([^<]*?): (\d+) times?", html):
	    if a != "start" and b != "end":
	        got[(a, b)] = int(n)
	assert got == want, (got, want)
	PY
'

test_expect_success 'a log page with ?by=ATTR shows the cohort comparison' '
	test "$(api "/logs/cohorts?by=ai" "$VIEWER")" = 200 &&
	test_grep "Cohorts: A = ai = false, B = ai = true" out.json &&
	test_grep "1 cases without a value for" out.json &&
	test_grep "<td class=\"num\">1d 01h</td><td class=\"num\">6h 00m</td>" out.json &&
	test_grep "percentile bootstrap (2000 resamples, seed 20261125)" out.json &&
	test "$(svg_ok out.json)" = 3
'

test_expect_success 'activity names are escaped in every table, chart and the graph' '
	printf "case,activity,time\n1,<b>open</b>,2024-01-01 00:00:00\n1,a&b \"q\",2024-01-01 01:00:00\n2,<b>open</b>,2024-01-02 00:00:00\n2,a&b \"q\",2024-01-02 03:00:00\n" >esc.csv &&
	aivalue import cases esc.csv --case case --activity activity --time time --name esc >/dev/null &&
	test "$(api /logs/esc "$VIEWER")" = 200 &&
	! grep -q "<b>open" out.json &&
	test_grep "&lt;b&gt;open&lt;/b&gt; → a&amp;b &quot;q&quot;" out.json &&
	test "$(svg_ok out.json)" = 3 &&
	test "$(grep -o "<g class=\"dfg-node\">" out.json | wc -l)" = 2
'

if test -f "$SHARED/03_repairExample.xes.gz"; then
	aivalue import cases "$SHARED/03_repairExample.xes.gz" --name repair >/dev/null
	test_expect_success 'shared repair log: API equals CLI, the page draws all 8 activities' '
		test "$(api /api/v1/logs/repair "$VIEWER")" = 200 &&
		aivalue --json process stats repair >cli.json &&
		same_json out.json cli.json &&
		test "$(json_get out.json "d[\"cases\"], d[\"events\"]")" = "1104 11855" &&
		test "$(api /logs/repair "$VIEWER")" = 200 &&
		test "$(grep -o "<g class=\"dfg-node\">" out.json | wc -l)" = 8 &&
		test "$(svg_ok out.json)" = 3
	'
else
	test_count=$((test_count + 1))
	echo "ok $test_count # skip shared repair log (no $SHARED)"
fi

test_done
