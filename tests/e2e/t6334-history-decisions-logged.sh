#!/bin/sh
# decisions_logged_share over time and by workflow: the observed tool calls
# (imported spans) counted by their own time, each through its agent's
# workflow.  Fixture (org.yaml: ap-bot works in p2p, claims-bot in claims;
# ghost-bot is not declared).  A call has a decision when one for the same
# agent and tool was made in the 10 minutes before it.  Figures by hand:
#   p2p    10-05 10:01 approve_invoice  decided at 10:00   yes
#   p2p    10-20 10:00 pay_invoice      none               no
#   p2p    11-10 10:02 approve_invoice  decided at 10:00   yes
#   claims 11-03 10:00 read             none               no
#   claims 11-04 10:05 read             decided at 10:00   yes
#   ghost  11-20 10:00 lookup           none               no
# by month end: p2p Oct 1 of 2, Nov 2 of 3; claims Nov 1 of 2; (no
# workflow) Nov 0 of 1; all: Oct 1 of 2, Nov 3 of 6, and now 3 of 6.
# Weeks: up to Sunday 10-18 p2p has 1 of 1, up to 10-25 1 of 2.
. "$(dirname "$0")/lib.sh"

cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml
NOW=2026-12-06T12:00:00Z
# metric ID FIELD of the report r.json
metric() { json_get r.json "[m for m in d[\"metrics\"] if m[\"id\"]==\"$1\"][0][\"$2\"]"; }
# point LINE PERIOD FIELD of h.json
point() { json_get h.json "[p for p in d[\"lines\"][$1][\"points\"] if p[\"period\"]==\"$2\"][0][\"$3\"]"; }
# span TRACE SPAN NANOS AGENT TOOL: one execute_tool span (JSON, no comma)
span() {
	printf '{"traceId": "%s", "spanId": "%s", "name": "execute_tool %s", "startTimeUnixNano": "%s",' \
		"$1" "$2" "$5" "$3" &&
	printf ' "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}},' &&
	printf ' {"key": "gen_ai.agent.name", "value": {"stringValue": "%s"}},' "$4" &&
	printf ' {"key": "gen_ai.tool.name", "value": {"stringValue": "%s"}}]}' "$5"
}

test_expect_success 'three decisions and six observed tool calls over October and November' '
	aivalue init &&
	aivalue apply -f org.yaml >/dev/null &&
	AIVALUE_FAKE_TIME=2026-10-05T10:00:00Z aivalue decide --json --agent ap-bot \
		--action approve_invoice --resource "Invoice::\"inv-1\"" \
		--context "{\"confidence\": 0.95, \"amount\": 10}" >d1.json &&
	AIVALUE_FAKE_TIME=2026-11-10T10:00:00Z aivalue decide --json --agent ap-bot \
		--action approve_invoice --resource "Invoice::\"inv-2\"" \
		--context "{\"confidence\": 0.95, \"amount\": 10}" >d2.json &&
	AIVALUE_FAKE_TIME=2026-11-04T10:00:00Z aivalue decide --json --agent claims-bot \
		--action read --resource "Claim::\"c-1\"" >d3.json &&
	{
		printf "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [" &&
		span t1 s1 1791194460000000000 ap-bot approve_invoice && printf , &&
		span t2 s1 1792490400000000000 ap-bot pay_invoice && printf , &&
		span t3 s1 1794304920000000000 ap-bot approve_invoice && printf , &&
		span t4 s1 1793700000000000000 claims-bot read && printf , &&
		span t5 s1 1793786700000000000 claims-bot read && printf , &&
		span t6 s1 1795168800000000000 ghost-bot lookup &&
		printf "]}]}]}\n"
	} >spans.json &&
	aivalue workflow import-spans spans.json --json >imp.json &&
	test "$(json_get imp.json "d[\"imported\"]")" = 6
'

test_expect_success 'decisions_logged_share: monthly points from the calls observed by each month end' '
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history decisions_logged_share --json >h.json &&
	test "$(json_get h.json "len(d[\"lines\"])")" = 1 &&
	test "$(point 0 2026-09 value)" = None &&
	test "$(point 0 2026-10 value)" = 0.5 &&
	test "$(point 0 2026-11 value)" = 0.5 &&
	test "$(point 0 2026-12 value)" = 0.5 &&
	test "$(point 0 2026-10 display)" = "50.0 %" &&
	AIVALUE_FAKE_TIME=$NOW aivalue report --as-of 2026-10-31 --format json -o r.json &&
	test "$(metric decisions_logged_share value)" = 0.5 &&
	test "$(metric decisions_logged_share source)" = \
		"agent control: 1 of 2 tool calls observed by that date with a decision" &&
	AIVALUE_FAKE_TIME=$NOW aivalue report --as-of 2026-10-10 --format json -o r.json &&
	test "$(metric decisions_logged_share value)" = 1.0 &&
	AIVALUE_FAKE_TIME=$NOW aivalue report --as-of 2026-09-30 --format json -o r.json &&
	test "$(metric decisions_logged_share state)" = missing &&
	test "$(metric decisions_logged_share source)" = \
		"lacks evidence: no agent tool call observed by that date (aivalue workflow import-spans)"
'

test_expect_success 'decisions_logged_share by workflow: one line per workflow, undeclared agents apart' '
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history decisions_logged_share --by workflow --json >h.json &&
	test "$(json_get h.json "\",\".join(l[\"group\"] for l in d[\"lines\"])")" = "(no workflow),claims,p2p" &&
	test "$(point 0 2026-10 value)" = None &&
	test "$(point 0 2026-11 value)" = 0.0 &&
	test "$(point 1 2026-10 value)" = None &&
	test "$(point 1 2026-11 value)" = 0.5 &&
	test "$(point 2 2026-09 value)" = None &&
	test "$(point 2 2026-10 value)" = 0.5 &&
	test "$(point 2 2026-11 value)" = 0.6667 &&
	test "$(point 2 2026-12 display)" = "66.7 %" &&
	test "$(point 2 2026-11 change_text)" = "+16.7 points" &&
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history decisions_logged_share --by workflow >h.out &&
	test_grep "p2p" h.out &&
	! grep -q "no breakdown" h.out &&
	AIVALUE_FAKE_TIME=$NOW aivalue metrics show decisions_logged_share --by workflow >show.out &&
	test_grep "^  claims  *50.0 %" show.out &&
	test_grep "^  p2p  *66.7 %" show.out
'

test_expect_success 'a weekly point reads no call observed later' '
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history decisions_logged_share --by workflow --period week --json >h.json &&
	test "$(point 2 2026-10-12 value)" = 1.0 &&
	test "$(point 2 2026-10-19 value)" = 0.5 &&
	test "$(point 2 2026-09-28 value)" = None
'

ADMIN=$(aivalue token create --name adm --role admin 2>/dev/null)
AIVALUE_FAKE_TIME=$NOW
export AIVALUE_FAKE_TIME
start_server

test_expect_success 'the series API answers the document the CLI prints' '
	aivalue metrics history decisions_logged_share --by workflow --json >cli.json &&
	curl -s -H "Authorization: Bearer $ADMIN" \
		"$AIV_URL/api/v1/metrics/decisions_logged_share/series?by=workflow" >api.json &&
	python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))" cli.json api.json &&
	test "$(json_get api.json "\",\".join(l[\"group\"] for l in d[\"lines\"])")" = "(no workflow),claims,p2p"
'

stop_server

test_done
