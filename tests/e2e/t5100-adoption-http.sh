#!/bin/sh
# t5100-adoption-http - value models 1 and 2 over HTTP on the Acme example:
# the API answers exactly what the CLI prints with --json, the Adoption
# and Journeys pages draw their charts from the same figures, no group
# under the privacy floor shows a figure on the page, bad queries are 400
# and change nothing, and roles are enforced.
. "$(dirname "$0")/lib.sh"

ACME="$TEST_ROOT/examples/acme"
MAP="person=user,time=date,tool=app,workflow=template,count=actions"

# api PATH [TOKEN]: body to out.json, prints the status code.
api() {
	if [ -n "${2:-}" ]; then
		curl -s -o out.json -w '%{http_code}' -H "Authorization: Bearer $2" "$AIV_URL$1"
	else
		curl -s -o out.json -w '%{http_code}' "$AIV_URL$1"
	fi
}
# same_json A B: the two files hold equal JSON documents.
same_json() {
	python3 -S -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a == b else 1)" "$1" "$2"
}

aivalue init >/dev/null 2>&1
aivalue apply -f "$ACME/" >/dev/null
for r in admin viewer analyst auditor agent; do
	aivalue token create --name "tok-$r" --role "$r" >"$r.tok" 2>/dev/null
done
ADMIN=$(cat admin.tok)
VIEWER=$(cat viewer.tok)
AGENT=$(cat agent.tok)

start_server
test_expect_success 'before any import the pages say what to import, the API is empty' '
	test "$(api /adoption "$VIEWER")" = 200 &&
	test_grep "No usage imported yet" out.json &&
	! grep -q "<svg" out.json &&
	test "$(api /journeys "$VIEWER")" = 200 &&
	test_grep "No journeys imported yet" out.json &&
	test "$(api /api/v1/adoption "$VIEWER")" = 200 &&
	test "$(json_get out.json "d[\"events\"]")" = 0 &&
	test "$(api /api/v1/journeys "$VIEWER")" = 200 &&
	test "$(json_get out.json "len(d[\"channels\"])")" = 0 &&
	test "$(api /api/v1/identities/unmatched "$VIEWER")" = 200 &&
	test "$(json_get out.json "d[\"count\"]")" = 0
'

test_expect_success 'import the Acme usage, register and journeys while the server runs' '
	aivalue identities import "$ACME/usage/identities.csv" >/dev/null &&
	aivalue import usage "$ACME/usage/usage.csv" --format csv --map "$MAP" >/dev/null &&
	aivalue apply -f "$ACME/usage/register.yaml" >/dev/null &&
	aivalue import journeys "$ACME/usage/journeys.csv" --format csv >/dev/null &&
	aivalue import journeys "$ACME/usage/outcomes.csv" --format csv >/dev/null &&
	kill -0 $AIV_SERVER_PID
'

test_expect_success 'GET /api/v1/adoption equals aivalue adoption --json for each grouping' '
	for q in "" "?by=role" "?by=team&period=week" "?by=function&period=month" \
		"?by=role&as_of=2026-06-30"; do
		test "$(api "/api/v1/adoption$q" "$VIEWER")" = 200 || return 1
		by=$(echo "$q" | sed -n "s/.*by=\([a-z]*\).*/--by \1/p") &&
		per=$(echo "$q" | sed -n "s/.*period=\([a-z]*\).*/--period \1/p") &&
		asof=$(echo "$q" | sed -n "s/.*as_of=\([0-9-]*\).*/--as-of \1/p") &&
		aivalue adoption $by $per $asof --json >cli.json || return 1
		same_json out.json cli.json || { echo "# differs for $q"; return 1; }
	done &&
	test "$(json_get out.json "d[\"as_of\"]")" = 2026-06-30 &&
	test "$(json_get out.json "d[\"organisation\"][\"people\"]")" = 397 &&
	test "$(json_get out.json "d[\"by\"]")" = role
'

test_expect_success 'GET /api/v1/journeys equals aivalue journeys --json, finding included' '
	test "$(api /api/v1/journeys "$VIEWER")" = 200 &&
	aivalue journeys --json >cli.json &&
	same_json out.json cli.json &&
	test "$(json_get out.json "\",\".join(c[\"channel\"] for c in d[\"channels\"])")" = ai_assistant,store,web &&
	test "$(json_get out.json "d[\"finding\"][\"failure_mode\"]")" = volume_over_credibility
'

test_expect_success 'GET /api/v1/identities/unmatched lists what the CLI lists' '
	test "$(api /api/v1/identities/unmatched "$VIEWER")" = 200 &&
	aivalue identities unmatched --json >cli.json &&
	json_get out.json "json.dumps(d[\"items\"])" >api_items.json &&
	same_json api_items.json cli.json &&
	test "$(json_get out.json "d[\"count\"]")" = 2 &&
	test "$(json_get out.json "\",\".join(i[\"identity\"] for i in d[\"items\"])")" = u9001,u9002
'

test_expect_success 'bad query parameters are 400 with a message and change nothing' '
	head=$(aivalue audit checkpoint) &&
	test "$(api "/api/v1/adoption?by=country" "$ADMIN")" = 400 &&
	test "$(json_get out.json "d[\"error\"][\"message\"]")" = "'"'by' must be role, team or function, not 'country'"'" &&
	test "$(api "/api/v1/adoption?period=day" "$ADMIN")" = 400 &&
	test_grep "period.* must be week or month" out.json &&
	test "$(api "/api/v1/adoption?as_of=2026-02-30" "$ADMIN")" = 400 &&
	test_grep "as_of.* must be a date" out.json &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'roles: every human role reads, the agent role and no token are refused' '
	for r in admin viewer analyst auditor; do
		t=$(cat $r.tok) &&
		for p in /api/v1/adoption /api/v1/journeys /api/v1/identities/unmatched \
			/adoption /journeys; do
			test "$(api $p "$t")" = 200 || { echo "# $r $p"; return 1; }
		done || return 1
	done &&
	for p in /api/v1/adoption /api/v1/journeys /api/v1/identities/unmatched; do
		test "$(api $p "$AGENT")" = 403 &&
		test "$(json_get out.json "d[\"error\"][\"code\"]")" = forbidden &&
		test "$(api $p)" = 401 || return 1
	done &&
	test "$(api /adoption "$AGENT")" = 403 &&
	test "$(api /journeys "$AGENT")" = 403 &&
	test "$(api /adoption)" = 303 &&
	test "$(api /journeys)" = 303
'

test_expect_success 'OpenAPI documents the three routes with their roles' '
	test "$(api /api/v1/openapi.json)" = 200 &&
	test "$(json_get out.json "sorted(d[\"paths\"][\"/api/v1/adoption\"][\"get\"][\"x-roles\"])")" = \
		"$(json_get out.json "sorted(d[\"paths\"][\"/api/v1/journeys\"][\"get\"][\"x-roles\"])")" &&
	test "$(json_get out.json "\"agent\" in d[\"paths\"][\"/api/v1/identities/unmatched\"][\"get\"][\"x-roles\"]")" = False &&
	test "$(json_get out.json "sorted(p[\"name\"] for p in d[\"paths\"][\"/api/v1/adoption\"][\"get\"][\"parameters\"])")" = "['"'as_of', 'by', 'period'"']"
'

test_expect_success 'the Adoption page draws the API figures, privacy floor respected' '
	test "$(api "/api/v1/adoption?by=role" "$VIEWER")" = 200 && mv out.json role.json &&
	test "$(api "/api/v1/adoption?by=function" "$VIEWER")" = 200 && mv out.json fn.json &&
	test "$(api /adoption "$VIEWER")" = 200 && mv out.json adoption.html &&
	python3 -S - role.json fn.json adoption.html <<-\PY
	import json, re, sys, html
	role = json.load(open(sys.argv[1])); fn = json.load(open(sys.argv[2]))
	page = open(sys.argv[3]).read()
	floor = role["thresholds"]["privacy_floor"]
	assert "style=" not in page and "<script>" not in page
	assert '"'"'<a href="/adoption" class="current"'"'"' in page
	# KPI tiles carry the organisation figures
	org = role["organisation"]
	assert ">%d</span>" % org["people"] in page and ">%.0f%%</span>" % (100 * org["repeat_rate"]) in page
	# heat map: one cell per role and month, hidden roles hatched and labelled
	heat = re.search(r"<svg[^>]*>(?:(?!</svg>).)*chart-role-heat-title.*?</svg>", page, re.S).group(0)
	months = role["periods"]
	shown = [g for g in role["groups"] if not g.get("suppressed")]
	hidden = [g for g in role["groups"] if g.get("suppressed")]
	assert hidden and all(g["people"] < floor for g in hidden)
	assert heat.count('"'"'class="cell"'"'"') == len(shown) * len(months), heat.count('"'"'class="cell"'"'"')
	assert heat.count('"'"'class="cell suppressed"'"'"') == len(hidden) * len(months)
	titles = re.findall(r"<title>([^<]*)</title>", heat)
	for g in hidden:
	    name = html.escape(g["name"], quote=False)
	    mine = [t for t in titles if t.startswith(name + ", ")]
	    assert len(mine) == len(months) and all("fewer than %d people" % floor in t for t in mine), mine
	# the last month is the report day itself: the cells equal the API repeat rates
	for g in shown:
	    t = "%s, %s: %.0f%% repeat use" % (html.escape(g["name"], quote=False), months[-1], 100 * g["repeat_rate"])
	    assert t in titles, t
	# proficiency: organisation plus every function at or over the floor
	prof = re.search(r"chart-proficiency-title.*?</svg>", page, re.S).group(0)
	fshown = [g for g in fn["groups"] if not g.get("suppressed")]
	assert prof.count('"'"'class="category"'"'"') == 1 + len(fshown)
	for g in fshown:
	    for k, n in g["proficiency"].items():
	        if n:
	            lab = k.replace("_", "-")
	            assert "<title>%s, %s: %d people</title>" % (html.escape(g["name"]), lab, n) in prof, (g["name"], k)
	# Lorenz curve: 11 points and the diagonal, Gini in the title
	lor = re.search(r"chart-lorenz-title.*?</svg>", page, re.S).group(0)
	assert "Gini %.2f" % org["gini_active_days"] in lor
	assert lor.count('"'"'class="point"'"'"') == 22
	pts = [(float(a), float(b)) for a, b in re.findall(r"<title>Lorenz curve, ([\d.]+): ([\d.]+) % of active days</title>", lor)]
	assert len(pts) == len(role["lorenz"]) == 11
	for (px, py), (x, y) in zip(pts, role["lorenz"]):
	    assert abs(px - 100 * x) < 1e-9 and abs(py - 100 * y) < 0.01, (px, py, x, y)
	assert len(re.findall(r"<title>equality, (\d+): \1 % of active days</title>", lor)) == 11
	# cohorts: shaded cells for shown cohorts, no figure for hidden ones
	rows = re.findall(r"<tr><th scope=\"row\">(\d{4}-\d\d)</th>(.*?)</tr>", page, re.S)
	assert len(rows) == len(role["cohorts"])
	for (month, cells), c in zip(rows, role["cohorts"]):
	    assert month == c["month"]
	    if c.get("suppressed"):
	        assert "%" not in cells and "fewer than %d people" % floor in cells
	    else:
	        got = re.findall(r"class=\"num heat-(\d)\">(\d+)%", cells)
	        assert [int(p) for _, p in got] == [round(100 * v) for v in c["retention"]], (month, got)
	        assert all(int(k) == min(9, int(v * 10)) for (k, _), v in zip(got, c["retention"]))
	# workflows: only those used by at least the floor, with creator and champion
	table = re.search(r"<table class=\"sortable workflows\">.*?</table>", page, re.S).group(0)
	listed = re.findall(r"<tr><td><code>([^<]*)</code></td><td>([^<]*)</td><td>([^<]*)</td>", table)
	want = [w for w in role["workflows"] if w["people"] >= floor]
	assert [l[0] for l in listed] == [w["workflow"] for w in want]
	assert [l[1] for l in listed] == [w["creator"] or "-" for w in want]
	assert [l[2] == "champion" for l in listed] == [w["creator_is_champion"] for w in want]
	assert any(w["people"] < floor for w in role["workflows"])
	PY
'

test_expect_success 'the Journeys page: funnels, quality table and the trend with p-values' '
	test "$(api /api/v1/journeys "$VIEWER")" = 200 && mv out.json j.json &&
	test "$(api /journeys "$VIEWER")" = 200 && mv out.json journeys.html &&
	python3 -S - j.json journeys.html <<-\PY
	import json, re, sys
	j = json.load(open(sys.argv[1])); page = open(sys.argv[2]).read()
	assert "style=" not in page
	chans = j["channels"]
	assert page.count("chart-funnel-") >= 3 * len(chans)
	for i, c in enumerate(chans):
	    svg = re.search(r"chart-funnel-%d-title.*?</svg>" % i, page, re.S).group(0)
	    n = c["journeys"]
	    want = [n, round(n * c["qualified_intent_rate"]), round(n * c["conversion_rate"])]
	    got = [int(x) for x in re.findall(r"<title>[a-z ]+: (\d+) journeys</title>", svg)]
	    assert got == want, (c["channel"], got, want)
	    assert svg.count('"'"'class="bar"'"'"') == 3
	table = re.search(r"<table class=\"sortable quality\">.*?</table>", page, re.S).group(0)
	for c in chans:
	    row = re.search(r"<tr><td>%s</td>(.*?)</tr>" % c["channel"], table).group(1)
	    cells = re.findall(r">([^<]*)</td>", row)
	    assert cells[0] == str(c["journeys"]) and cells[2] == "%.0f%%" % (100 * c["retention_30d"])
	    assert cells[3] == "%.0f%%" % (100 * c["retention_90d"]) and cells[5] == "%.2f" % c["revenue_per_converted"]
	t = j["volume_over_credibility"]
	assert "p(up) = %.3f" % t["volume"]["p_increasing"] in page
	assert "p(down) = %.3f" % t["quality"]["p_decreasing"] in page
	vol = re.search(r"chart-volume-title.*?</svg>", page, re.S).group(0)
	assert vol.count('"'"'class="point"'"'"') == len(t["series"])
	for p in t["series"]:
	    assert "journeys, %s-01: %d journeys" % (p["month"], p["journeys"]) in vol, p
	esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(chr(34), "&quot;").replace(chr(39), "&#39;")
	assert esc(j["finding"]["summary"]) in page, j["finding"]["summary"]
	assert esc(j["finding"]["move"]["name"]) in page
	PY
'

test_done
