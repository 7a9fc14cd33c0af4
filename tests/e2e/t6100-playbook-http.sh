#!/bin/sh
# t6100-playbook-http - the playbook engine over HTTP on the Acme example:
# every API answer equals the CLI's --json output, answers posted over
# the API (YAML and JSON; roles; bad answers 400 naming the question with
# the store unchanged), the dashboard pages with their charts, and role
# refusals.
. "$(dirname "$0")/lib.sh"

ACME="$TEST_ROOT/examples/acme"
AS="$ACME/assess"
export AIVALUE_FAKE_TIME=2026-11-25T12:00:00Z

# api METHOD PATH TOKEN [curl args...]: body to out.json, prints the status.
api() {
	m=$1 p=$2 t=$3 &&
	shift 3 &&
	curl -s -o out.json -w '%{http_code}' -X "$m" -H "Authorization: Bearer $t" "$@" "$AIV_URL$p"
}
page() { curl -s -o page.html -w '%{http_code}' -H "Authorization: Bearer $2" "$AIV_URL$1"; }
# same A.json B.json [keys to drop...]: equal JSON documents.
same() {
	python3 -S - "$@" <<-\PY
	import json, sys
	a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
	for k in sys.argv[3:]:
	    a.pop(k, None); b.pop(k, None)
	if a != b:
	    print("# differ:", json.dumps(a)[:400], "|", json.dumps(b)[:400])
	    sys.exit(1)
	PY
}
checkpoint() { aivalue audit checkpoint; }

aivalue init >/dev/null 2>&1
aivalue apply -f "$ACME" >/dev/null
aivalue apply -f "$AS/hypotheses.yaml" >/dev/null
aivalue assess org --answers "$AS/readiness.yaml" >/dev/null
aivalue evidence --data "$AS/observations.csv" >/dev/null
aivalue phase --record >/dev/null # stores the verdict, so later runs change nothing
for r in admin lead analyst viewer auditor agent; do
	aivalue token create --name "t-$r" --role $r >"$r.tok" 2>/dev/null
done
ADMIN=$(cat admin.tok) LEAD=$(cat lead.tok) ANALYST=$(cat analyst.tok)
VIEWER=$(cat viewer.tok) AGENT=$(cat agent.tok)
start_server

test_expect_success 'GET /api/v1/phase equals aivalue phase --json (never stored)' '
	aivalue phase --json >cli.json &&
	before=$(checkpoint) &&
	test "$(api GET /api/v1/phase "$VIEWER")" = 200 &&
	same cli.json out.json changed ledger_seq &&
	test "$(json_get out.json "d[\"earned\"]")" = 1 &&
	test "$(json_get out.json "[c[\"status\"] for c in d[\"criteria\"] if c[\"criterion\"]==\"governance_basics\"][0]")" = fail &&
	test "$(checkpoint)" = "$before"
'

test_expect_success 'GET /api/v1/findings equals aivalue findings --json' '
	aivalue findings --json >cli.json &&
	test "$(api GET /api/v1/findings "$ANALYST")" = 200 &&
	same cli.json out.json &&
	test "$(json_get out.json "len(d[\"findings\"])")" = 3
'

test_expect_success 'the server runs the detectors registered by the CLI (cli/detectors.c)' '
	api GET /api/v1/findings "$VIEWER" >/dev/null &&
	json_get out.json "sorted(x[\"mode\"] for x in d[\"not_assessed\"])" >modes &&
	test_grep "two_tier_workforce" modes &&
	test_grep "generation_outpaces_governance" modes &&
	test_grep "shadow_ai" modes
'

test_expect_success 'GET /api/v1/roadmap?industry= equals aivalue roadmap --json' '
	aivalue roadmap --industry insurance --json >cli.json &&
	test "$(api GET "/api/v1/roadmap?industry=insurance" "$VIEWER")" = 200 &&
	same cli.json out.json &&
	test "$(json_get out.json "d[\"industry\"][\"id\"]")" = insurance &&
	aivalue roadmap --json >cli.json &&
	test "$(api GET /api/v1/roadmap "$VIEWER")" = 200 &&
	same cli.json out.json &&
	test "$(api GET "/api/v1/roadmap?industry=mining" "$VIEWER")" = 400 &&
	test_grep "unknown industry .mining." out.json
'

test_expect_success 'GET /api/v1/hypotheses equals aivalue evidence --json' '
	aivalue evidence --json >cli.json &&
	test "$(api GET /api/v1/hypotheses "$VIEWER")" = 200 &&
	same cli.json out.json &&
	test "$(json_get out.json "\",\".join(sorted(h[\"verdict\"] for h in d[\"hypotheses\"]))")" = "insufficient data,not supported,supported"
'

test_expect_success 'GET /api/v1/assess and /assess/questions equal the CLI' '
	aivalue assess show --json >cli.json &&
	test "$(api GET /api/v1/assess "$VIEWER")" = 200 &&
	same cli.json out.json &&
	test "$(json_get out.json "[x[\"level\"] for x in d[\"models\"]]")" = "[2, 1, 1, 1, 1]" &&
	aivalue assess questions --json >cli.json &&
	test "$(api GET /api/v1/assess/questions "$VIEWER")" = 200 &&
	same cli.json out.json &&
	test "$(json_get out.json "len(d)")" = 41
'

test_expect_success 'GET /api/v1/report: json equals aivalue report, html and md render' '
	aivalue report --format json >cli.json &&
	test "$(api GET "/api/v1/report?format=json" "$VIEWER")" = 200 &&
	same cli.json out.json workspace &&
	test "$(api GET /api/v1/report "$VIEWER")" = 200 &&
	test_grep "<svg" out.json && test_grep "Phase 1" out.json &&
	test "$(api GET "/api/v1/report?format=md" "$VIEWER")" = 200 &&
	test_grep "^# " out.json &&
	test "$(api GET "/api/v1/report?format=pdf" "$VIEWER")" = 400 &&
	test_grep "unknown report format .pdf." out.json
'

# Acme's answers without the evidence files (a request cannot name files
# on the server): documented answers become stated.
sed -e "/evidence:/d" -e "s/provenance: documented/provenance: stated/" \
	"$AS/readiness.yaml" >posted.yaml

test_expect_success 'POST /api/v1/assess/answers (lead): one set, one ledger entry, provenance kept' '
	before=$(checkpoint | cut -d: -f1) &&
	test "$(api POST /api/v1/assess/answers "$LEAD" --data-binary @posted.yaml)" = 201 &&
	test $(( $(checkpoint | cut -d: -f1) - before )) -eq 1 &&
	test "$(json_get out.json "d[\"set\"]")" = 2 &&
	test "$(json_get out.json "d[\"answered\"]")" = 41 &&
	test "$(json_get out.json "d[\"governance_basics_evidenced\"]")" = 0.0 &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = assess.answers &&
	test "$(json_get log.json "d[0][\"actor\"]")" = token:t-lead &&
	test "$(json_get log.json "[a[\"provenance\"] for a in d[0][\"payload\"][\"answers\"] if a[\"question\"]==\"wf_repeat_use\"][0]")" = measured &&
	aivalue assess show --json >cli.json &&
	test "$(api GET /api/v1/assess "$VIEWER")" = 200 &&
	same cli.json out.json
'

test_expect_success 'POST answers as JSON (admin) works the same' '
	python3 -S -c "import sys,json; print(json.dumps({\"answers\": [{\"question\": \"so_owner\", \"choice\": 2, \"note\": \"from the API\"}, {\"question\": \"wf_repeat_use\", \"choice\": 3, \"provenance\": \"measured\", \"source\": \"Copilot usage report\"}]}))" >a.json &&
	test "$(api POST /api/v1/assess/answers "$ADMIN" -H "Content-Type: application/json" --data-binary @a.json)" = 201 &&
	test "$(json_get out.json "d[\"answered\"]")" = 2 &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"actor\"]")" = token:t-admin &&
	test "$(api POST /api/v1/assess/answers "$LEAD" --data-binary @posted.yaml)" = 201
'

test_expect_success 'bad answers: 400 naming the question and place, store unchanged' '
	head=$(checkpoint) &&
	printf "answers:\n  - question: so_owner\n    choice: 5\n" >range.yaml &&
	test "$(api POST /api/v1/assess/answers "$LEAD" --data-binary @range.yaml)" = 400 &&
	test_grep "request-body:3:13: answer to .so_owner.: choice 5 is out of range (1 to 4)" out.json &&
	printf "answers:\n  - question: so_ownr\n    choice: 1\n" >unknown.yaml &&
	test "$(api POST /api/v1/assess/answers "$LEAD" --data-binary @unknown.yaml)" = 400 &&
	test_grep "request-body:2:15: unknown question .so_ownr." out.json &&
	printf "answers:\n  - question: so_owner\n    choice: 1\n    provenance: documented\n    evidence: /etc/passwd\n" >ev.yaml &&
	test "$(api POST /api/v1/assess/answers "$LEAD" --data-binary @ev.yaml)" = 400 &&
	test_grep "evidence files are not read from a request" out.json &&
	printf "{\"answers\": [{\"question\": \"so_owner\", \"choice\": \"two\"}]}" >bad.json &&
	test "$(api POST /api/v1/assess/answers "$LEAD" --data-binary @bad.json)" = 400 &&
	test_grep "so_owner" out.json &&
	printf "answers: [\n" >broken.yaml &&
	test "$(api POST /api/v1/assess/answers "$LEAD" --data-binary @broken.yaml)" = 400 &&
	test_grep "request-body:" out.json &&
	test "$(api POST /api/v1/assess/answers "$LEAD")" = 400 &&
	test "$(checkpoint)" = "$head"
'

test_expect_success 'answers: analyst, viewer and agent refused (403), cookie only refused (401)' '
	cookie=$(login_cookie "$LEAD") &&
	head=$(checkpoint) &&
	test "$(api POST /api/v1/assess/answers "$ANALYST" --data-binary @posted.yaml)" = 403 &&
	test "$(api POST /api/v1/assess/answers "$VIEWER" --data-binary @posted.yaml)" = 403 &&
	test "$(api POST /api/v1/assess/answers "$AGENT" --data-binary @posted.yaml)" = 403 &&
	test "$(curl -s -o out.json -w "%{http_code}" -b "$cookie" --data-binary @posted.yaml "$AIV_URL/api/v1/assess/answers")" = 401 &&
	test "$(checkpoint)" = "$head"
'

test_expect_success 'agent role reads nothing of the playbook' '
	for p in /api/v1/phase /api/v1/findings /api/v1/roadmap /api/v1/hypotheses /api/v1/assess /api/v1/assess/questions /api/v1/report; do
		test "$(api GET $p "$AGENT")" = 403 || return 1
	done &&
	for p in /phase /findings /roadmap /readiness /hypotheses; do
		test "$(page $p "$AGENT")" = 403 || return 1
		test "$(curl -s -o /dev/null -w "%{http_code}" "$AIV_URL$p")" = 303 || return 1
	done
'

test_expect_success 'overview: phase and why, five scorecards, findings with moves, next three steps' '
	test "$(page / "$VIEWER")" = 200 &&
	test_grep "Phase 1 of 3 earned" page.html &&
	test "$(grep -o "class=\"pb-card m-[a-z]*\"" page.html | wc -l)" -eq 5 &&
	test_grep "href=\"/phase#gate-governance_basics\"" page.html &&
	test_grep "lacks evidence: adoption metrics from an AI usage import" page.html &&
	test "$(grep -o "<li class=\"pb-finding" page.html | wc -l)" -eq 3 &&
	test_grep "Move: One bottleneck, evidence agreed upfront" page.html &&
	test_grep "href=\"/findings#model-expert\">A demo, not a workflow" page.html &&
	test "$(grep -o "<span class=\"pb-rank\">" page.html | wc -l)" -eq 3 &&
	test_grep "Raise Data and integration from level 1 to 3" page.html &&
	test_grep "class=\"card model-card m-workforce" page.html &&
	test_grep "<svg" page.html
'

test_expect_success 'pages render with their charts and link to their evidence' '
	test "$(page /phase "$VIEWER")" = 200 &&
	test_grep "id=\"gate-ledger_verifies\"" page.html &&
	test_grep "GOVERN 1.4" page.html &&
	test_grep "claims-triage-agent" page.html &&
	test "$(page /findings "$VIEWER")" = 200 &&
	test_grep "<svg" page.html && test_grep "id=\"not-assessed\"" page.html &&
	test_grep "aivalue import usage" page.html &&
	test "$(page "/roadmap?industry=insurance" "$VIEWER")" = 200 &&
	test_grep "<svg" page.html && test_grep "<option value=\"insurance\" selected>" page.html &&
	test "$(page "/roadmap?industry=mining" "$VIEWER")" = 400 &&
	test "$(page /readiness "$VIEWER")" = 200 &&
	test "$(grep -o "<svg" page.html | wc -l)" -eq 2 &&
	test_grep "Copilot usage report" page.html && test_grep "<td>measured</td>" page.html &&
	test "$(page /hypotheses "$VIEWER")" = 200 &&
	test_grep "<svg" page.html && test_grep "pb-badge pb-pass\">supported" page.html
'

test_expect_success 'pages pass the CSP: no inline style or script, escaped text' '
	for p in / /phase /findings /roadmap /readiness /hypotheses; do
		page $p "$VIEWER" >/dev/null &&
		! grep -q "style=" page.html &&
		! grep -q "<script>" page.html &&
		! grep -q "<style" page.html || return 1
	done
'

test_done
