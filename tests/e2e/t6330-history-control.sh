#!/bin/sh
# Metric history beyond usage: agent control's exceptions_within_sla and
# the event-log metrics get monthly points computed from their own
# timestamps (exception items by closing time, cases by their last event),
# and exceptions_within_sla breaks down by workflow.  Figures by hand:
#   A p2p    opened 2026-09-10 10:00, approved 11:00        within (SLA 4 h)
#   B p2p    opened 2026-10-05 10:00, expired at 14:00 (read 10-06)  missed
#   C claims opened 2026-11-03 10:00, approved 10:30        within
# as of 2026-09-30: 1 of 1; 2026-10-31: 1 of 2; 2026-11-30 and now: 2 of 3.
# Cases (last event, duration, rework): c1 07-01 2 h no; c2 08-03 4 h yes;
# c3 09-01 8 h no.  The 90 days up to 09-30 miss c1; up to 11-30 miss all;
# the month in progress is the log's own window (its end is its "now").
# The report's charts: rework and cycle time have July to October (the
# months with data before December) and today's value, 5 points each.
. "$(dirname "$0")/lib.sh"

cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml
NOW=2026-12-06T12:00:00Z
decide() { aivalue decide --json "$@" >out.json; }
field() { json_get out.json "d.get('$1')"; }
# point LINE PERIOD FIELD of h.json
point() { json_get h.json "[p for p in d[\"lines\"][$1][\"points\"] if p[\"period\"]==\"$2\"][0][\"$3\"]"; }

test_expect_success 'three exception items closed in September, October and November' '
	aivalue init &&
	aivalue apply -f org.yaml >/dev/null &&
	AIVALUE_FAKE_TIME=2026-09-10T10:00:00Z decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-1\"" --context "{\"confidence\": 0.72, \"amount\": 500}" &&
	test "$(field decision)" = escalate &&
	AIVALUE_FAKE_TIME=2026-09-10T11:00:00Z aivalue exceptions approve "$(field exception_id)" \
		--as ana --reason "PO checked" &&
	AIVALUE_FAKE_TIME=2026-10-05T10:00:00Z decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-2\"" --context "{\"confidence\": 0.72, \"amount\": 500}" &&
	AIVALUE_FAKE_TIME=2026-10-06T10:00:00Z aivalue exceptions list --json >list.json &&
	test "$(json_get list.json "[e[\"state\"] for e in d if e[\"id\"]==\"$(field exception_id)\"][0]")" = expired &&
	AIVALUE_FAKE_TIME=2026-11-03T10:00:00Z decide --agent claims-bot --action read \
		--resource "Claim::\"c-1\"" &&
	test "$(field decision)" = escalate &&
	AIVALUE_FAKE_TIME=2026-11-03T10:30:00Z aivalue exceptions approve "$(field exception_id)" \
		--as bob --reason "claim read is fine"
'

test_expect_success 'exceptions_within_sla: monthly points from the items closed by each month end' '
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history exceptions_within_sla --json >h.json &&
	test "$(json_get h.json "len(d[\"lines\"][0][\"points\"])")" = 12 &&
	test "$(point 0 2026-08 value)" = None &&
	test "$(point 0 2026-09 value)" = 1.0 &&
	test "$(point 0 2026-10 value)" = 0.5 &&
	test "$(point 0 2026-11 display)" = "66.7 %" &&
	test "$(point 0 2026-12 display)" = "66.7 %" &&
	test "$(point 0 2026-10 change_text)" = "-50.0 points" &&
	test "$(point 0 2026-11 value)" = 0.6667 &&
	test_grep "\"value\": 0.6667,$" h.json &&
	test_grep "\"change\": 0.1667,$" h.json &&
	! grep -q "\"\(value\|change\)\": -\{0,1\}[0-9]*\.[0-9]\{5,\}" h.json
'

test_expect_success 'a point as of a past date reads nothing closed later' '
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history exceptions_within_sla --period week --json >h.json &&
	test "$(point 0 2026-09-28 value)" = 1.0 &&
	test "$(point 0 2026-10-05 value)" = 0.5
'

test_expect_success 'exceptions_within_sla by workflow: one line per workflow' '
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history exceptions_within_sla --by workflow --json >h.json &&
	test "$(json_get h.json "\",\".join(l[\"group\"] for l in d[\"lines\"])")" = claims,p2p &&
	test "$(point 0 2026-10 value)" = None &&
	test "$(point 0 2026-11 value)" = 1.0 &&
	test "$(point 1 2026-09 value)" = 1.0 &&
	test "$(point 1 2026-12 value)" = 0.5 &&
	AIVALUE_FAKE_TIME=$NOW aivalue metrics show exceptions_within_sla --by workflow >show.out &&
	test_grep "^  claims  *100.0 %" show.out &&
	test_grep "^  p2p  *50.0 %" show.out &&
	AIVALUE_FAKE_TIME=$NOW aivalue metrics show exceptions_within_sla --by workflow --json >s.json &&
	test "$(json_get s.json "d[\"breakdown\"][\"groups\"][1][\"display\"]")" = "50.0 %" &&
	test "$(json_get s.json "d[\"display\"]")" = "66.7 %"
'

test_expect_success 'a metric without a workflow breakdown says why' '
	AIVALUE_FAKE_TIME=$NOW aivalue metrics show rework_rate --by workflow >show.out &&
	test_grep "not available: .rework_rate. has no breakdown by workflow" show.out
'

test_expect_success 'event-log metrics: monthly points from the cases ending in the 90 days up to each month end' '
	cat >log.csv <<-CSV &&
	case:concept:name,concept:name,time:timestamp
	c1,intake,2026-07-01T08:00:00Z
	c1,accept,2026-07-01T10:00:00Z
	c2,intake,2026-08-03T08:00:00Z
	c2,review,2026-08-03T09:00:00Z
	c2,review,2026-08-03T12:00:00Z
	c3,intake,2026-09-01T08:00:00Z
	c3,accept,2026-09-01T16:00:00Z
	CSV
	aivalue import cases log.csv --name claims-log >/dev/null &&
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history rework_rate --json >h.json &&
	test "$(point 0 2026-06 value)" = None &&
	test "$(point 0 2026-07 value)" = 0.0 &&
	test "$(point 0 2026-08 value)" = 0.5 &&
	test "$(point 0 2026-09 value)" = 0.5 &&
	test "$(point 0 2026-10 value)" = 0.5 &&
	test "$(point 0 2026-11 value)" = None &&
	test "$(point 0 2026-12 display)" = "33.3 %" &&
	AIVALUE_FAKE_TIME=$NOW aivalue metrics history end_to_end_cycle_time --json >h.json &&
	test "$(point 0 2026-07 value)" = 7200.0 &&
	test "$(point 0 2026-08 value)" = 10800.0 &&
	test "$(point 0 2026-09 value)" = 21600.0 &&
	test "$(point 0 2026-12 value)" = 14400.0
'

# series_points FILE LABEL: the points of the series line drawn for LABEL in
# the report's metric charts ("bar" for a single value, "-" for no data)
series_points() {
	python3 - "$1" "$2" <<-\PY
	import re, sys
	h = open(sys.argv[1]).read()
	for svg in re.findall(r'<svg class="chart targets".*?</svg>', h, re.S):
	    parts = re.split(r'(<text [^>]*text-anchor="end"[^>]*>[^<]*</text>)', svg)
	    for i in range(1, len(parts), 2):
	        if re.sub('<[^>]+>', '', parts[i]) != sys.argv[2]:
	            continue
	        pl = re.search(r'class="series"[^>]*points="([^"]*)"', parts[i + 1])
	        print(len(pl.group(1).split()) if pl else
	              "bar" if 'class="value"' in parts[i + 1] else "-")
	PY
}

test_expect_success 'the report draws the monthly series and says the day of its figures' '
	AIVALUE_FAKE_TIME=$NOW aivalue report --format html -o r.html >/dev/null &&
	test_grep "Figures as of 2026-12-06" r.html &&
	test "$(series_points r.html "Rework rate")" = 5 &&
	test "$(series_points r.html "End-to-end cycle time")" = 5 &&
	test "$(series_points r.html "Expert cycle time")" = bar &&
	AIVALUE_FAKE_TIME=$NOW aivalue report --format md -o r.md >/dev/null &&
	test_grep "^Figures as of 2026-12-06\.$" r.md
'

test_done
