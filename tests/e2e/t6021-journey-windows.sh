#!/bin/sh
# Model 2 metrics over the windows the catalog's definitions state, as of
# the newest imported journey (2026-10-31T10:00Z here), on journeys small
# enough to check by hand:
#   qualified_intent_rate          conversations after 2026-10-03T10:00: j07 j09 j10 j11,
#                                  qualified j07 j09 -> 2/4 = 0.5
#   iterations_before_commitment   committed among them: turns 5 (j09), 3 (j10) -> 4
#   conversion_quality             first commitments in July 2026 (three months before
#                                  October): c02 retained, c03 not -> 0.5
#   return_rate_30d                cohort week 2026-09-26T10:00 .. 10-03T10:00: c06 (back
#                                  after 22 days), c07 (back after 30 days 1 hour) -> 0.5
#   referral_rate                  committed after 2026-08-02T10:00: c05 (3 referrals),
#                                  c07 (1), c08 (no outcome row) -> 4/3
#   ai_channel_volume_growth       7 journeys after 2026-08-01T10:00 against 4 in the 13
#                                  weeks before -> 0.75
# Over every journey instead (the old reading) the figures differ: qualified
# 5/11, 90-day retention of all converts 3/4.
. "$(dirname "$0")/lib.sh"

metric() { json_get r.json "[m for m in d[\"metrics\"] if m[\"id\"]==\"$1\"][0][\"$2\"]"; }

cat >journeys.csv <<\EOT
journey_id,customer_id,channel,time,turn,intent_qualified,committed,order_value
j01,c01,ai_assistant,2026-05-05T09:00:00Z,1,0,0,0
j02,c02,ai_assistant,2026-07-10T09:00:00Z,4,1,1,100
j03,c03,ai_assistant,2026-07-20T09:00:00Z,2,1,1,50
j04,c04,ai_assistant,2026-07-25T09:00:00Z,1,0,0,0
j05,c05,ai_assistant,2026-08-10T09:00:00Z,3,1,1,80
j06,c06,ai_assistant,2026-09-28T09:00:00Z,1,0,0,0
j07,c06,ai_assistant,2026-10-20T09:00:00Z,2,1,0,0
j08,c07,ai_assistant,2026-10-01T09:00:00Z,1,0,0,0
j09,c07,ai_assistant,2026-10-31T10:00:00Z,5,1,1,90
j10,c08,ai_assistant,2026-10-10T09:00:00Z,3,0,1,40
j11,c09,ai_assistant,2026-10-15T09:00:00Z,1,0,0,0
j12,c10,web,2026-07-15T09:00:00Z,1,0,1,10
j13,c11,web,2026-10-30T09:00:00Z,1,0,0,0
EOT
cat >outcomes.csv <<\EOT
customer_id,retained_30d,retained_90d,upsell,revenue,referrals
c02,1,1,0,100,0
c03,1,0,0,50,0
c05,1,1,0,80,3
c07,1,1,0,90,1
c10,1,0,0,10,0
EOT

test_expect_success 'journey metrics over the catalog windows, as of the newest journey' '
	aivalue init >/dev/null &&
	aivalue import journeys journeys.csv --format csv >/dev/null &&
	aivalue import journeys outcomes.csv --format csv >/dev/null &&
	aivalue report --format json -o r.json 2>/dev/null &&
	test "$(metric qualified_intent_rate value)" = 0.5 &&
	test "$(metric iterations_before_commitment value)" = 4.0 &&
	test "$(metric conversion_quality value)" = 0.5 &&
	test "$(metric return_rate_30d value)" = 0.5 &&
	test "$(metric referral_rate value)" = 1.3333 &&
	test "$(metric ai_channel_volume_growth value)" = 0.75 &&
	metric qualified_intent_rate source >src &&
	test_grep "2026-10-03 to 2026-10-31 (the catalog.s window, as of the newest journey): 4 conversations" src &&
	metric ai_channel_volume_growth source >src &&
	test_grep "13 weeks up to 2026-10-31 (7) against the 13 before (4)" src &&
	aivalue journeys --json >j.json &&
	test "$(json_get j.json "[c[\"qualified_intent_rate\"] for c in d[\"channels\"] if c[\"channel\"]==\"ai_assistant\"][0]")" = 0.4545 &&
	test "$(json_get j.json "d[\"ai_channel_windows\"][\"conversion_quality\"][\"from\"][:10]")" = 2026-07-01
'

test_expect_success 'growth lacks evidence until the journeys reach back 26 weeks' '
	workspace_reset && aivalue init >/dev/null &&
	grep -v "^j01," journeys.csv >late.csv &&
	aivalue import journeys late.csv --format csv >/dev/null &&
	aivalue report --format json -o r.json 2>/dev/null &&
	test "$(metric ai_channel_volume_growth state)" = missing &&
	metric ai_channel_volume_growth source >src &&
	test_grep "do not cover the 13 weeks before the last 13" src &&
	test "$(metric qualified_intent_rate value)" = 0.5
'

test_expect_success 'a window with nothing in it lacks evidence and says which window' '
	workspace_reset && aivalue init >/dev/null &&
	grep -v "^j0[6-8]," journeys.csv >noweek.csv &&
	aivalue import journeys noweek.csv --format csv >/dev/null &&
	aivalue report --format json -o r.json 2>/dev/null &&
	test "$(metric return_rate_30d state)" = missing &&
	metric return_rate_30d source >src &&
	test_grep "nothing on .ai_assistant. in the window of return_rate_30d (2026-09-26 to 2026-10-03" src
'

test_done
