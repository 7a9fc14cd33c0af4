#!/bin/sh
# t2011-no-timestamps.sh - time:timestamp is optional in IEEE 1849: a log
# without it imports, counts and variants are in file order, and every
# time figure says "no timestamps" (text) or null (JSON), never 0; the
# CLI, compare and the HTTP pages and API do not fail on it.
. "$(dirname "$0")/lib.sh"

SHARED="$TEST_ROOT/../shared/data/eventlogs"

# Four cases, in file order:  c1 web: register check decide
#   c2 phone: register decide check   c3 web: register check decide
#   c4 phone: register check check decide
# = 13 events, 3 activities, 3 variants (r-c-d twice), 1 rework case;
# directly-follows: r>c 3, c>d 3, r>d 1, d>c 1, c>c 1.
python3 -S - >nots.xes <<\EOF
cases = [("c1", "web", "rcd"), ("c2", "phone", "rdc"), ("c3", "web", "rcd"),
         ("c4", "phone", "rccd")]
name = {"r": "register", "c": "check", "d": "decide"}
print('<log xes.version="1849.2016">')
for c, ch, acts in cases:
    print('<trace><string key="concept:name" value="%s"/><string key="channel" value="%s"/>' % (c, ch))
    for a in acts:
        print('<event><string key="concept:name" value="%s"/><string key="org:resource" value="%s"/></event>' % (name[a], c))
    print('</trace>')
print('</log>')
EOF

test_expect_success 'init; a log without timestamps imports' '
	aivalue init >/dev/null &&
	aivalue import cases nots.xes >out &&
	test_grep "imported log .nots.: 4 cases, 13 events, 3 activities, no timestamps" out &&
	test_grep "assumed 1: no time:timestamp in the log: events in file order, no time figures" out &&
	aivalue logs >logs &&
	test_grep "^nots .*(no timestamps)" logs &&
	aivalue --json logs >logs.json &&
	test "$(json_get logs.json "d[0][\"first_event\"], d[0][\"last_event\"]")" = "None None"
'

test_expect_success 'stats JSON: counts in file order, time figures null' '
	aivalue --json process stats nots >st.json &&
	test "$(json_get st.json "d[\"cases\"], d[\"events\"], d[\"activities\"], d[\"variants\"], d[\"rework\"][\"cases\"]")" = "4 13 3 3 1" &&
	test "$(json_get st.json "\" \".join(\",\".join(v[\"activities\"]) + \"=%d\" % v[\"cases\"] for v in d[\"top_variants\"])")" = "register,check,decide=2 register,decide,check=1 register,check,check,decide=1" &&
	test "$(json_get st.json "\" \".join(sorted(\"%s%s=%d\" % (e[\"from\"][0], e[\"to\"][0], e[\"count\"]) for e in d[\"dfg\"][\"edges\"]))")" = "cc=1 cd=3 dc=1 rc=3 rd=1" &&
	test "$(json_get st.json "d[\"timestamps\"], d[\"first_event\"], d[\"bottlenecks\"], d[\"cases_started_per_week\"]")" = "False None None None" &&
	test "$(json_get st.json "set(d[\"case_duration_seconds\"].values())")" = "{None}" &&
	test "$(json_get st.json "set(e[\"median_seconds\"] for e in d[\"dfg\"][\"edges\"])")" = "{None}" &&
	test "$(json_get st.json "d[\"out_of_order_events\"]")" = 0
'

test_expect_success 'stats text says no timestamps, never 0s' '
	aivalue process stats nots >txt &&
	test_grep "^case duration: no timestamps" txt &&
	test_grep "^bottlenecks (waiting time before the activity): no timestamps" txt &&
	test_grep "^cases started per ISO week: no timestamps" txt &&
	test_grep "register -> check  (median no timestamps)" txt &&
	! grep -E "0\.0s|0m 00s" txt &&
	aivalue process stats nots --dfg dot >g.dot &&
	test_grep "\"register\" -> \"check\" \[label=\"3" g.dot
'

test_expect_success 'compare by attribute works; --before cannot split and says why' '
	aivalue --json process compare nots --by channel >cmp.json &&
	test "$(json_get cmp.json "\"|\".join(\"%s %d %s\" % (c[\"label\"], c[\"cases\"], c[\"case_duration_seconds\"][\"median\"]) for c in d[\"cohorts\"])")" = "channel = phone 2 None|channel = web 2 None" &&
	test "$(json_get cmp.json "d[\"difference\"][\"median_case_duration_seconds\"][\"ci95\"]")" = "[None, None]" &&
	aivalue process compare nots --by channel >cmp.txt &&
	test_grep "^case duration  *no timestamps" cmp.txt &&
	test_must_fail --exit=1 aivalue process compare nots --before 2024-01-01 2>err &&
	test_grep "log .nots. has no timestamps: --before cannot split it" err &&
	aivalue --json process stats nots --exception decide >exc.json &&
	test "$(json_get exc.json "d[\"exceptions\"][\"resolution_seconds\"][\"median\"]")" = None
'

test_expect_success 'HTTP: the page and the API answer, with no 0 durations' '
	aivalue token create --name v --role viewer >v.tok 2>/dev/null &&
	start_server --quiet &&
	get() { curl -s -o "$2" -w "%{http_code}" -H "Authorization: Bearer $(cat v.tok)" "$AIV_URL$1"; } &&
	test "$(get /logs/nots page.html)" = 200 &&
	test_grep "This log has no timestamps" page.html &&
	test_grep "no timestamps" page.html &&
	test "$(get /api/v1/logs/nots api.json)" = 200 &&
	aivalue --json process stats nots >cli.json &&
	python3 -S -c "import json,sys; sys.exit(json.load(open(\"api.json\")) != json.load(open(\"cli.json\")))" &&
	test "$(get /logs list.html)" = 200 &&
	test_grep "no timestamps" list.html &&
	test "$(get "/api/v1/logs/nots/compare?by=channel" c.json)" = 200 &&
	test "$(get "/logs/nots?by=channel" pc.html)" = 200 &&
	test "$(get "/api/v1/logs/nots/dfg?format=dot" g.dot)" = 200 &&
	stop_server
'

test_expect_success 'events with and without timestamps in one log: the first without is named' '
	sed "0,/<\/event>/s|</event>|<date key=\"time:timestamp\" value=\"2024-01-01T00:00:00Z\"/></event>|" nots.xes >mixed.xes &&
	test_must_fail --exit=1 aivalue import cases mixed.xes 2>err &&
	test_grep "mixed.xes:[0-9]*: case .c1., event 2: no time:timestamp (other events have one)" err
'

if test -f "$SHARED/09_a32f0n00.xes.gz"; then
test_expect_success 'pm4py 09_a32f0n00 (no timestamps): 1000 cases, 25757 events, 32 activities, 1000 variants' '
	aivalue --json import cases "$SHARED/09_a32f0n00.xes.gz" --name a32 >imp.json &&
	test "$(json_get imp.json "d[\"timestamps\"]")" = False &&
	aivalue --json process stats a32 >a.json &&
	test "$(json_get a.json "d[\"cases\"], d[\"events\"], d[\"activities\"], d[\"variants\"]")" = "1000 25757 32 1000" &&
	test "$(json_get a.json "d[\"case_duration_seconds\"][\"median\"]")" = None
'
fi

test_done
