#!/bin/sh
# The measured detectors and evidence providers live in assess/ and reach
# journeys, change control and agent control through their typed results
# and queries.  Hand-worked figures:
#
#   journeys   month k of January..June 2026 has k journeys on ai_assistant,
#              the first committing; its convert is retained at 90 days in
#              January to March, not after.
#              volume 1..6: S = 15, Var = 6*5*17/18 = 28.33, Z = 14/5.323 = 2.630,
#              p(up) = 0.00427; quality 1,1,1,0,0,0: S = -9, two ties of 3,
#              Var = (510 - 2*66)/18 = 21, Z = -8/4.583 = -1.746, p(down) = 0.0404:
#              both under alpha 0.05, a volume-over-credibility finding.
#   spans      two tool calls of ap-bot, one matching a decision: 1 of 2 logged.
. "$(dirname "$0")/lib.sh"

metric() { json_get r.json "[m for m in d[\"metrics\"] if m[\"id\"]==\"$1\"][0][\"$2\"]"; }

cat >journeys.csv <<\EOT
journey_id,customer_id,channel,time,turn,intent_qualified,committed,order_value
m1j1,c1_1,ai_assistant,2026-01-10T11:00:00Z,1,0,1,0
m2j1,c2_1,ai_assistant,2026-02-10T11:00:00Z,1,0,1,0
m2j2,c2_2,ai_assistant,2026-02-10T12:00:00Z,1,0,0,0
m3j1,c3_1,ai_assistant,2026-03-10T11:00:00Z,1,0,1,0
m3j2,c3_2,ai_assistant,2026-03-10T12:00:00Z,1,0,0,0
m3j3,c3_3,ai_assistant,2026-03-10T13:00:00Z,1,0,0,0
m4j1,c4_1,ai_assistant,2026-04-10T11:00:00Z,1,0,1,0
m4j2,c4_2,ai_assistant,2026-04-10T12:00:00Z,1,0,0,0
m4j3,c4_3,ai_assistant,2026-04-10T13:00:00Z,1,0,0,0
m4j4,c4_4,ai_assistant,2026-04-10T14:00:00Z,1,0,0,0
m5j1,c5_1,ai_assistant,2026-05-10T11:00:00Z,1,0,1,0
m5j2,c5_2,ai_assistant,2026-05-10T12:00:00Z,1,0,0,0
m5j3,c5_3,ai_assistant,2026-05-10T13:00:00Z,1,0,0,0
m5j4,c5_4,ai_assistant,2026-05-10T14:00:00Z,1,0,0,0
m5j5,c5_5,ai_assistant,2026-05-10T15:00:00Z,1,0,0,0
m6j1,c6_1,ai_assistant,2026-06-10T11:00:00Z,1,0,1,0
m6j2,c6_2,ai_assistant,2026-06-10T12:00:00Z,1,0,0,0
m6j3,c6_3,ai_assistant,2026-06-10T13:00:00Z,1,0,0,0
m6j4,c6_4,ai_assistant,2026-06-10T14:00:00Z,1,0,0,0
m6j5,c6_5,ai_assistant,2026-06-10T15:00:00Z,1,0,0,0
m6j6,c6_6,ai_assistant,2026-06-10T16:00:00Z,1,0,0,0
w1,c9,web,2026-06-01T09:00:00Z,1,1,1,20
EOT
cat >outcomes.csv <<\EOT
customer_id,retained_30d,retained_90d,upsell,revenue,referrals
c1_1,1,1,,0,0
c2_1,1,1,,0,0
c3_1,1,1,,0,0
c4_1,1,0,,0,0
c5_1,1,0,,0,0
c6_1,1,0,,0,0
EOT

test_expect_success 'journeys: the trend test and its finding from hand-worked months' '
	aivalue init &&
	aivalue import journeys journeys.csv --format csv >out &&
	aivalue import journeys outcomes.csv --format csv >out &&
	aivalue journeys >j.out &&
	test_grep "^.ai_assistant. trend over 6 months (Mann-Kendall): volume p(up) = 0.004, conversion quality p(down) = 0.040$" j.out &&
	test_grep "^finding: Volume over credibility: .ai_assistant. journeys rose from 1 to 6 a month while 90-day retention of its converts fell from 100% to 0% (Mann-Kendall p = 0.004 and 0.040 over 6 months)$" j.out &&
	aivalue journeys --json >j.json &&
	test "$(json_get j.json "d[\"volume_over_credibility\"][\"volume\"][\"s\"]")" = 15.0 &&
	test "$(json_get j.json "d[\"volume_over_credibility\"][\"volume\"][\"p_increasing\"]")" = 0.0043 &&
	test "$(json_get j.json "d[\"volume_over_credibility\"][\"quality\"][\"s\"]")" = -9.0 &&
	test "$(json_get j.json "d[\"volume_over_credibility\"][\"quality\"][\"p_decreasing\"]")" = 0.0404 &&
	test "$(json_get j.json "[m[\"journeys\"] for m in d[\"volume_over_credibility\"][\"series\"]]")" = "[1, 2, 3, 4, 5, 6]" &&
	test "$(json_get j.json "d[\"finding\"][\"move\"][\"id\"]")" = pick_one_surface
'

test_expect_success 'findings: the detector reports the same trend as aivalue journeys' '
	aivalue findings --json >f.json &&
	test "$(json_get f.json "\",\".join(x[\"subject\"] for x in d[\"findings\"] if x[\"mode\"] == \"volume_over_credibility\")")" = channel/ai_assistant &&
	python3 -S -c "import json; f = json.load(open(\"f.json\")); j = json.load(open(\"j.json\")); v = [x for x in f[\"findings\"] if x[\"mode\"] == \"volume_over_credibility\"][0]; assert v[\"figures\"] == {\"evidence\": j[\"volume_over_credibility\"]}, v[\"figures\"]; assert v[\"summary\"] == j[\"finding\"][\"summary\"]" &&
	aivalue findings >f.out &&
	test_grep "^\[high\] Volume over credibility$" f.out &&
	test_grep "^  Where:    model 2, [^;]*; channel ai assistant$" f.out &&
	test_grep "^  Generation outpacing governance: change requests (aivalue change open)$" f.out
'

test_expect_success 'the journey evidence providers read the same windows' '
	aivalue report --format json -o r.json &&
	test "$(metric qualified_intent_rate state)" = measured &&
	test "$(metric qualified_intent_rate value)" = 0.0 &&
	test "$(metric ai_channel_volume_growth state)" = missing &&
	metric ai_channel_volume_growth source >src &&
	test_grep "from 2025-12-10T16:00:00.000000Z; 6 journeys in them" src
'

test_expect_success 'the server finds the same without the CLI registering anything' '
	aivalue token create --name t-viewer --role viewer >viewer.tok 2>/dev/null &&
	start_server &&
	curl -s -o api.json -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/api/v1/findings" &&
	stop_server &&
	aivalue findings --json >cli.json &&
	python3 -S -c "import json; assert json.load(open(\"api.json\")) == json.load(open(\"cli.json\"))" &&
	test "$(json_get api.json "\",\".join(x[\"mode\"] for x in d[\"findings\"])")" = volume_over_credibility &&
	test "$(json_get api.json "[x[\"mode\"] for x in d[\"not_assessed\"]].count(\"generation_outpaces_governance\")")" = 1
'

test_expect_success 'decisions_logged_share: one of two observed tool calls had a decision' '
	cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml &&
	aivalue apply -f org.yaml >apply.out &&
	AIVALUE_FAKE_TIME=2029-03-01T10:00:00Z aivalue decide --json --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-7\"" --context "{\"confidence\": 0.95, \"amount\": 10}" >d.json &&
	cat >spans.json <<-JSON &&
	{"resourceSpans": [{"scopeSpans": [{"spans": [
	 {"traceId": "t1", "spanId": "s1", "name": "execute_tool approve_invoice",
	  "startTimeUnixNano": "1867053605000000000",
	  "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}},
	                 {"key": "gen_ai.agent.id", "value": {"stringValue": "ap-bot"}},
	                 {"key": "gen_ai.tool.name", "value": {"stringValue": "approve_invoice"}}]},
	 {"traceId": "t1", "spanId": "s2", "name": "execute_tool pay_invoice",
	  "startTimeUnixNano": "1867053610000000000",
	  "attributes": [{"key": "gen_ai.agent.name", "value": {"stringValue": "ap-bot"}},
	                 {"key": "tool.name", "value": {"stringValue": "pay_invoice"}}]}
	]}]}]}
	JSON
	aivalue workflow import-spans spans.json --json >imp.json &&
	test "$(json_get imp.json "d[\"imported\"]")" = 2 &&
	aivalue report --format json -o r.json &&
	test "$(metric decisions_logged_share value)" = 0.5 &&
	test "$(metric decisions_logged_share source)" = "agent control: 1 of 2 observed tool calls with a decision" &&
	test "$(metric exceptions_within_sla state)" = missing
'

test_done
