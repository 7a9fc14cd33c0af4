#!/bin/sh
# t4100-change-http - change control over HTTP on Acme's artefacts
# (examples/acme/artefacts): every read route answers what the CLI prints
# with --json; opening, approving, rejecting, merging and reviewing work
# through the API with the token's person as the actor; every refusal
# (role, acting as someone else, separation of duties, missing reason,
# bad body, wrong state) is the library's message with 400/403/404/409 and
# leaves the store and the ledger unchanged; the queue, CR and stale pages
# render with the impact graph as well-formed SVG.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/change_http.sh"
aivalue artefacts sync arts >/dev/null
aivalue token create --name root --role admin >root.tok 2>/dev/null
aivalue token create --name karthik.verma --role lead >karthik.verma.tok 2>/dev/null
for p in lotte.mulder iryna.tkachenko eline.bakker kerem.sahin leila.tehrani ayesha.khan; do
	aivalue token create --name $p --role approver >$p.tok 2>/dev/null
done
aivalue token create --name reader --role viewer >reader.tok 2>/dev/null
aivalue token create --name audit --role auditor >audit.tok 2>/dev/null
aivalue token create --name bot --role agent --agent claims-bot >bot.tok 2>/dev/null
cp arts/pol-7.md pol-7-v4.md
echo "4. Claims are acknowledged by e-mail within one hour." >>pol-7-v4.md
OPEN1=$(python3 -S -c 'import json,sys; print(json.dumps({"artefact": "POL-7",
	"content": open("pol-7-v4.md").read(), "reason": "regulator requires written acknowledgement",
	"risk": "high"}))')

# started here, not inside a test: tests run in subshells
start_server --quiet

test_expect_success 'artefacts over the API are what the CLI reads' '
	test "$(api "$(tok reader)" GET /api/v1/artefacts)" = 200 &&
	test "$(json_get out.json "d[\"count\"]")" = 10 &&
	aivalue --json get artefacts >cli.json && same out.json "d[\"items\"]" cli.json &&
	test "$(api "$(tok audit)" GET /api/v1/artefacts/SOP-12)" = 200 &&
	aivalue --json get artefacts SOP-12 >cli.json && same out.json d cli.json &&
	test "$(api "$(tok reader)" GET /api/v1/artefacts/POL-99)" = 404 &&
	test_grep "no artefact named .POL-99." out.json
'

test_expect_success 'impact and deps over the API match graph impact/deps --json' '
	test "$(api "$(tok reader)" GET /api/v1/graph/impact/POL-7)" = 200 &&
	test "$(json_get out.json "d[\"count\"]")" = 8 &&
	aivalue --json graph impact POL-7 >cli.json && same out.json d cli.json &&
	test "$(api "$(tok reader)" GET "/api/v1/graph/impact/POL-7?depth=1&kind=sop")" = 200 &&
	aivalue --json graph impact POL-7 --depth 1 --kind sop >cli.json && same out.json d cli.json &&
	test_grep "depth limit stopped" out.json &&
	test "$(api "$(tok reader)" GET /api/v1/graph/deps/CODE-5)" = 200 &&
	aivalue --json graph deps CODE-5 >cli.json && same out.json d cli.json &&
	test "$(api "$(tok reader)" GET "/api/v1/graph/impact/POL-7?depth=-1")" = 400 &&
	test_grep "depth must be a whole number" out.json &&
	test "$(api "$(tok reader)" GET "/api/v1/graph/impact/POL-7?kind=memo")" = 400 &&
	test "$(api "$(tok reader)" GET /api/v1/graph/deps/POL-99)" = 404 &&
	test "$(api "$(tok bot)" GET /api/v1/graph/impact/POL-7)" = 403
'

test_expect_success 'opening a CR: only lead or admin, as the token'"'"'s person' '
	refused 403 "$(tok reader)" /api/v1/changes "$OPEN1" "role .viewer. may not POST" &&
	refused 403 "$(tok lotte.mulder)" /api/v1/changes "$OPEN1" "role .approver. may not POST" &&
	refused 403 "$(tok karthik.verma)" /api/v1/changes \
		"{\"artefact\":\"POL-7\",\"content\":\"x\",\"reason\":\"r\",\"as\":\"lotte.mulder\"}" \
		"allowed only with an admin token" &&
	refused 400 "$(tok karthik.verma)" /api/v1/changes \
		"{\"artefact\":\"POL-7\",\"content\":\"x\"}" "missing --reason" &&
	refused 400 "$(tok karthik.verma)" /api/v1/changes \
		"{\"artefact\":\"POL-7\",\"content\":\"x\",\"reson\":\"typo\"}" "unknown field .reson." &&
	refused 400 "$(tok karthik.verma)" /api/v1/changes "{\"artefact\":" "invalid JSON" &&
	refused 400 "$(tok karthik.verma)" /api/v1/changes "" "empty body" &&
	refused 400 "$(tok karthik.verma)" /api/v1/changes \
		"{\"artefact\":\"POL-7\",\"content\":\"x\",\"reason\":\"r\",\"risk\":\"extreme\"}" \
		"risk .extreme. must be low, medium or high" &&
	refused 404 "$(tok karthik.verma)" /api/v1/changes \
		"{\"artefact\":\"POL-99\",\"content\":\"x\",\"reason\":\"r\"}" "unknown artefact .POL-99." &&
	refused 401 "" /api/v1/changes "$OPEN1" "unauthorized"
'

test_expect_success 'a lead opens CR-1; the API shows what change show prints' '
	test "$(post "$(tok karthik.verma)" /api/v1/changes "$OPEN1")" = 200 &&
	test "$(json_get out.json "d[\"id\"]")" = CR-1 &&
	test "$(json_get out.json "d[\"author\"]")" = karthik.verma &&
	test "$(json_get out.json "\",\".join(sorted(i[\"id\"] for i in d[\"impact\"]))")" = "CODE-5,FORM-3,REQ-21,SOP-12,SOP-14,TEST-9" &&
	test "$(json_get out.json "d[\"approval\"][\"quorum\"]")" = 3 &&
	test "$(api "$(tok reader)" GET /api/v1/changes/CR-1)" = 200 &&
	aivalue --json change show CR-1 >cli.json && same out.json d cli.json &&
	test "$(api "$(tok audit)" GET /api/v1/changes)" = 200 &&
	aivalue --json change list >cli.json && same out.json "d[\"items\"]" cli.json &&
	test "$(api "$(tok reader)" GET /api/v1/changes/CR-9)" = 404
'

test_expect_success 'the ledger names the token as the actor' '
	test "$(api "$(tok audit)" GET "/api/v1/audit/log?limit=1")" = 200 &&
	test "$(json_get out.json "d[\"items\"][0][\"actor\"]")" = token:karthik.verma
'

test_expect_success 'an admin may open a CR for a named person' '
	cp arts/sop-14.md sop-14-v2.md && echo "5. Photos are mandatory." >>sop-14-v2.md &&
	body=$(python3 -S -c "import json; print(json.dumps({\"artefact\": \"SOP-14\", \"as\": \"ayesha.khan\",
		\"content\": open(\"sop-14-v2.md\").read(), \"reason\": \"photos\", \"risk\": \"low\"}))") &&
	test "$(post "$(tok root)" /api/v1/changes "$body")" = 200 &&
	test "$(json_get out.json "d[\"id\"]")" = CR-2 &&
	test "$(json_get out.json "d[\"author\"]")" = ayesha.khan &&
	test_grep "\"cr\": \"CR-1\"" out.json
'

SIGN='{"meaning": "approved as owner", "reason": "text checked"}'
test_expect_success 'signature refusals: role, other person, separation of duties, reason' '
	refused 403 "$(tok karthik.verma)" /api/v1/changes/CR-1/approve "$SIGN" "role .lead. may not POST" &&
	refused 403 "$(tok lotte.mulder)" /api/v1/changes/CR-1/approve \
		"{\"as\":\"kerem.sahin\",\"meaning\":\"m\",\"reason\":\"r\"}" "allowed only with an admin token" &&
	refused 403 "$(tok ayesha.khan)" /api/v1/changes/CR-1/approve "$SIGN" "not on the approval path" &&
	refused 403 "$(tok ayesha.khan)" /api/v1/changes/CR-2/approve "$SIGN" "is its author; the author cannot approve" &&
	refused 400 "$(tok lotte.mulder)" /api/v1/changes/CR-1/approve "{\"meaning\":\"m\"}" "missing --reason" &&
	refused 404 "$(tok lotte.mulder)" /api/v1/changes/CR-9/approve "$SIGN" "unknown change request .CR-9." &&
	cookie=$(login_cookie "$(tok lotte.mulder)") &&
	state >before.state &&
	test "$(curl -s -o out.json -w "%{http_code}" -X POST --cookie "$cookie" \
		-H "Content-Type: application/json" --data-binary "$SIGN" "$AIV_URL/api/v1/changes/CR-1/approve")" = 401 &&
	state >after.state && test_cmp before.state after.state
'

test_expect_success 'each slot approves through the API until CR-1 is approved' '
	AIVALUE_FAKE_TIME=2026-11-02T11:00:00Z && export AIVALUE_FAKE_TIME &&
	for p in lotte.mulder iryna.tkachenko eline.bakker kerem.sahin; do
		test "$(post "$(tok $p)" /api/v1/changes/CR-1/approve "$SIGN")" = 200 || return 1
		test "$(json_get out.json "d[\"status\"]")" = open || return 1
	done &&
	refused 409 "$(tok kerem.sahin)" /api/v1/changes/CR-1/approve "$SIGN" "already signed" &&
	test "$(post "$(tok leila.tehrani)" /api/v1/changes/CR-1/approve "$SIGN")" = 200 &&
	test "$(json_get out.json "d[\"status\"]")" = approved &&
	test "$(api "$(tok audit)" GET /api/v1/changes/CR-1/verify)" = 200 &&
	test "$(json_get out.json "d[\"ok\"]")" = True &&
	aivalue --json change verify CR-1 >cli.json && same out.json d cli.json
'

test_expect_success 'merge: lead only, approved only; downstream goes stale, the file follows' '
	refused 403 "$(tok kerem.sahin)" /api/v1/changes/CR-1/merge "" "role .approver. may not POST" &&
	state >before.state &&
	test "$(api "$(tok karthik.verma)" POST /api/v1/changes/CR-3/merge)" = 404 &&
	state >after.state && test_cmp before.state after.state &&
	test "$(api "$(tok karthik.verma)" POST /api/v1/changes/CR-1/merge)" = 200 &&
	test "$(json_get out.json "len(d[\"stale\"])")" = 6 &&
	test "$(json_get out.json "d[\"written\"]")" = arts/pol-7.md &&
	test_cmp pol-7-v4.md arts/pol-7.md &&
	test "$(api "$(tok root)" POST /api/v1/changes/CR-1/merge)" = 409 &&
	test_grep "only an approved change request can be merged" out.json
'

test_expect_success 'stale marks and metrics over the API match the CLI' '
	test "$(api "$(tok reader)" GET /api/v1/stale)" = 200 &&
	test "$(json_get out.json "d[\"count\"]")" = 6 &&
	aivalue --json change stale >cli.json && same out.json "d[\"items\"]" cli.json &&
	test "$(api "$(tok reader)" GET /api/v1/changes/metrics)" = 200 &&
	aivalue --json change metrics >cli.json && same out.json d cli.json &&
	test "$(json_get out.json "d[\"downstream_consistency\"][\"stale\"]")" = 6
'

test_expect_success 'reviews: the owner clears one stale item; others are refused' '
	refused 403 "$(tok kerem.sahin)" /api/v1/artefacts/REQ-21/review \
		"{\"reason\":\"checked\"}" "not its owner" &&
	refused 400 "$(tok kerem.sahin)" /api/v1/artefacts/SOP-12/review "{\"meaning\":\"m\"}" "missing --reason" &&
	refused 400 "$(tok kerem.sahin)" /api/v1/artefacts/SOP-12/review \
		"{\"reason\":\"r\",\"no_impact\":\"yes\"}" "must be true or false" &&
	test "$(post "$(tok kerem.sahin)" /api/v1/artefacts/SOP-12/review "{\"reason\":\"intake already asks\"}")" = 200 &&
	test "$(json_get out.json "d[\"cleared\"][0][\"cr\"]")" = CR-1 &&
	aivalue --json change stale >cli.json &&
	test "$(json_get cli.json "len(d)")" = 5
'

test_expect_success 'a reject closes a CR; an AI-generated CR records its agent' '
	test "$(post "$(tok leila.tehrani)" /api/v1/changes/CR-2/reject \
		"{\"meaning\":\"rejected as owner\",\"reason\":\"superseded by POL-7 v4\"}")" = 200 &&
	test "$(json_get out.json "d[\"status\"]")" = rejected &&
	refused 409 "$(tok lotte.mulder)" /api/v1/changes/CR-2/approve "$SIGN" "only an open change request" &&
	body=$(python3 -S -c "import json; print(json.dumps({\"artefact\": \"CON-2\",
		\"content\": \"new contract text\\n\", \"reason\": \"renewal\", \"risk\": \"low\",
		\"generated_by\": \"claims-bot\", \"model\": \"gpt-x\"}))") &&
	test "$(post "$(tok karthik.verma)" /api/v1/changes "$body")" = 200 &&
	test "$(json_get out.json "d[\"id\"]")" = CR-3 &&
	test "$(json_get out.json "d[\"generated_by\"]")" = claims-bot &&
	test "$(json_get out.json "d[\"model\"]")" = gpt-x
'

# svg_ok FILE: every <svg> in the page parses as XML
svg_ok() {
	python3 -S - "$1" <<-\PY
	import re, sys, xml.dom.minidom
	html = open(sys.argv[1]).read()
	svgs = re.findall(r"<svg.*?</svg>", html, re.S)
	assert svgs, "no svg"
	for s in svgs:
	    xml.dom.minidom.parseString(s)
	assert "style=" not in html, "inline style"
	assert "<script>" not in html
	PY
}

test_expect_success 'the queue page lists every CR with status, risk, AI flag, impact' '
	test "$(api "$(tok reader)" GET /changes)" = 200 && mv out.json queue.html &&
	test_grep "href=\"/changes/CR-1\"" queue.html &&
	test_grep "status cr-merged" queue.html &&
	test_grep "status cr-rejected" queue.html &&
	test_grep "status risk-high" queue.html &&
	test_grep "claims-bot" queue.html &&
	test_grep "Review backlog per owner" queue.html &&
	test_grep "aria-current=\"page\">Changes</a>" queue.html &&
	svg_ok queue.html
'

test_expect_success 'the CR page draws its impact graph and its signatures with validity' '
	test "$(api "$(tok audit)" GET /changes/CR-1)" = 200 && mv out.json cr.html &&
	svg_ok cr.html &&
	test "$(grep -o "<g class=\"node" cr.html | wc -l)" = 7 &&
	test "$(grep -o "<g class=\"node flagged\"" cr.html | wc -l)" = 5 &&
	test "$(grep -o "class=\"edge-label\"" cr.html | wc -l)" -ge 6 &&
	test_grep ">governed-by</text>" cr.html &&
	test "$(grep -o ">VALID</span>" cr.html | wc -l)" = 5 &&
	test_grep "stale because POL-7 went v3-&gt;v4 via POL-7 -&gt; SOP-12 -&gt; FORM-3 (CR-1)" cr.html &&
	test_grep "only an open change request can be signed" cr.html
'

test_expect_success 'the sign form composes the CLI command and the API call, quoted' '
	test "$(api "$(tok kerem.sahin)" GET "/changes/CR-3?decision=reject&meaning=ok&reason=it%27s+fine%3Cb%3E")" = 200 &&
	mv out.json cr3.html && svg_ok cr3.html &&
	test_grep "method=\"get\" action=\"/changes/CR-3#sign\"" cr3.html &&
	test_grep "<option value=\"reject\" selected>" cr3.html &&
	grep -F "aivalue change reject CR-3 --as YOUR.NAME --meaning &#39;ok&#39; --reason &#39;it&#39;\\&#39;&#39;s fine&lt;b&gt;&#39;" cr3.html &&
	grep -F "{&quot;meaning&quot;:&quot;ok&quot;,&quot;reason&quot;:&quot;it&#39;\\&#39;&#39;s fine&lt;b&gt;&quot;}" cr3.html &&
	grep -F "$AIV_URL/api/v1/changes/CR-3/reject" cr3.html &&
	! grep -q "fine<b>" cr3.html &&
	test_grep "status ai\">AI-generated" cr3.html
'

test_expect_success 'editing covered content shows VOID signatures on the page' '
	cp arts/pol-7.md keep.md && echo tampered >>arts/pol-7.md &&
	test "$(api "$(tok reader)" GET /changes/CR-1)" = 200 &&
	test_grep ">VOID</span>" out.json &&
	cp keep.md arts/pol-7.md
'

test_expect_success 'the stale page groups open stale items by owner with causes' '
	test "$(api "$(tok reader)" GET /stale)" = 200 && mv out.json stale.html &&
	test "$(grep -o "<section class=\"card owner\">" stale.html | wc -l)" = 5 &&
	test_grep "camila.laurent" stale.html &&
	! grep -q "<h2>kerem.sahin" stale.html &&
	test_grep "via POL-7 -&gt; SOP-12 -&gt; REQ-21 (CR-1)" stale.html &&
	test_grep "aivalue change review REQ-21 --as camila.laurent --reason" stale.html &&
	test_grep "aivalue change review FORM-3 --as A-MEMBER-OF-THE-TEAM --reason" stale.html
'

test_expect_success 'pages: no credential redirects, agents are refused, unknown CR is 404' '
	test "$(curl -s -o /dev/null -w "%{http_code}" "$AIV_URL/changes")" = 303 &&
	test "$(api "$(tok bot)" GET /stale)" = 403 &&
	test "$(api "$(tok reader)" GET /changes/CR-99)" = 404 &&
	test_grep "unknown change request &#39;CR-99&#39;" out.json
'

test_expect_success 'the OpenAPI document lists the change routes' '
	curl -s "$AIV_URL/api/v1/openapi.json" >openapi.json &&
	python3 -S - openapi.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))["paths"]
	assert d["/api/v1/changes"]["post"]["x-roles"] == ["admin", "lead"]
	assert d["/api/v1/changes/{id}/approve"]["post"]["x-roles"] == ["approver"]
	assert d["/api/v1/changes/{id}/merge"]["post"]["x-roles"] == ["admin", "lead"]
	assert d["/api/v1/artefacts/{id}/review"]["post"]["x-roles"] == ["approver"]
	for p in ("/api/v1/artefacts", "/api/v1/graph/impact/{id}", "/api/v1/graph/deps/{id}",
	          "/api/v1/changes/metrics", "/api/v1/stale"):
	    assert "auditor" in d[p]["get"]["x-roles"], p
	PY
'

# a clean stop (under the sanitizer build: no leak, no error at exit)
kill -TERM "$AIV_SERVER_PID"
wait "$AIV_SERVER_PID"
stop_status=$?
AIV_SERVER_PID=
test_expect_success 'the server stops cleanly after all of it (exit 0)' '
	test "$stop_status" = 0 || { sed -n "1,40p" server.log; false; }
'

test_done
