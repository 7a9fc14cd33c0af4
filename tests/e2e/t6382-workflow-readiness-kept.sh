#!/bin/sh
# Issue 15: a workflow page counted its six readiness figures afresh for
# every tab and page of its queue (about a dozen counts over agents,
# steps, tool calls, decisions and exception items: 65 % of the page's
# CPU on the large demo).  The figures are now kept per workflow and store
# state for the evidence cache's minute; a write (an agent's own token)
# draws them afresh.  The queue itself is read for each request.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

get() { curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL$1"; }
counter() { # hit|miss|stored of aivalue_workflow_readiness_cache_total in /metrics
	get /metrics | sed -n "s/^aivalue_workflow_readiness_cache_total{result=\"$1\"} //p"
}
# the Identity tile of $1: its figure (<p class="figure">...</p>)
identity() {
	sed -n "s|.*<h2>Identity</h2><p class=\"figure\">\([^<]*<span class=\"small\">[^<]*\)</span>.*|\1|p" "$1"
}

test_expect_success 'setup: the small demo' '
	aivalue_demo demo --size small --dir data >/dev/null 2>&1 &&
	aivalue token create --name adm --role admin >admin.tok &&
	aivalue workflow readiness claims-triage --json >r1.json &&
	test "$(json_get r1.json "d[\"figures\"][\"identity\"][\"numerator\"]")" = 0 &&
	test "$(json_get r1.json "d[\"figures\"][\"identity\"][\"denominator\"]")" = 1
'

test_expect_success 'the tabs and pages of one workflow share its kept figures' '
	start_server --no-warm &&
	get /workflows/claims-triage >p1.html &&
	test "$(counter miss)" = 1 &&
	test "$(counter stored)" = 1 &&
	get "/workflows/claims-triage?tab=resolved" >p2.html &&
	get "/workflows/claims-triage?tab=overdue&page=1" >p3.html &&
	test "$(counter hit)" = 2 &&
	test "$(counter miss)" = 1 &&
	identity p1.html >i1 &&
	identity p2.html >i2 &&
	test_cmp i1 i2 &&
	test_grep "^0% .*0 / 1$" i1 &&
	get /workflows/customer-replies >q1.html &&
	test "$(counter miss)" = 2 &&
	stop_server
'

test_expect_success 'a write draws them afresh: the agent with its own token counts' '
	start_server --no-warm &&
	get /workflows/claims-triage >p4.html &&
	identity p4.html >i4 &&
	test_grep "^0% .*0 / 1$" i4 &&
	aivalue token create --name triage-bot-key --role agent --agent triage-bot >/dev/null &&
	aivalue workflow readiness claims-triage --json >r2.json &&
	test "$(json_get r2.json "d[\"figures\"][\"identity\"][\"numerator\"]")" = 1 &&
	get /workflows/claims-triage >p5.html &&
	identity p5.html >i5 &&
	test_grep "^100% .*1 / 1$" i5 &&
	stop_server
'

test_done
