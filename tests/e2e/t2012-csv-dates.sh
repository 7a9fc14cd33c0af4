#!/bin/sh
# t2012-csv-dates.sh - CSV times through the one parser: day-first and
# month-first dates (given or detected, ambiguity refused with an example),
# invalid calendar dates refused, Unix seconds and milliseconds, decimal
# commas; the out-of-order count the import reports is the one stats
# reports; rows with empty fields are skipped and counted.
. "$(dirname "$0")/lib.sh"

SHARED="$TEST_ROOT/../shared/data/eventlogs"
imp() { aivalue import cases "$@" --case case --activity activity --time time; }

# A: 3 April 09:00 -> 13 April 09:30 = 10 d 30 min = 865800 s; B: 2 h = 7200 s
# costs 12.5 + 1234.5 + 3 + 0.25 = 1250.25
cat >dmy.csv <<\EOF
case;activity;time;cost
A;open;03/04/2024 09:00;12,5
A;close;13/04/2024 09:30;1.234,5
B;open;05/04/2024 08:00;3
B;close;05/04/2024 10:00;0,25
EOF
sed -e "s|03/04/2024|04/03/2024|; s|13/04/2024|04/13/2024|; s|05/04/2024|04/05/2024|g" dmy.csv >mdy.csv

test_expect_success 'init; day-first dates detected from a day above 12' '
	aivalue init >/dev/null &&
	imp dmy.csv --cost cost --json >imp.json &&
	test "$(json_get imp.json "d[\"tally\"][\"assumptions\"][0][\"what\"].replace(chr(39), \"\"), d[\"tally\"][\"assumptions\"][0][\"first\"]")" = "dates with the year last read day first (detected, e.g. 13/04/2024) dmy.csv:3" &&
	test "$(json_get imp.json "d[\"tally\"][\"assumptions\"][1][\"count\"]")" = 3 &&
	aivalue --json process stats dmy >st.json &&
	test "$(json_get st.json "d[\"case_duration_seconds\"][\"min\"], d[\"case_duration_seconds\"][\"max\"], d[\"cost\"][\"total\"]")" = "7200.0 865800.0 1250.25" &&
	test "$(json_get st.json "d[\"first_event\"]")" = 2024-04-03T09:00:00.000000Z
'

test_expect_success 'month-first dates detected from a month-day above 12, same figures' '
	imp mdy.csv --cost cost >out &&
	test_grep "read month first (detected" out &&
	aivalue --json process stats mdy >st2.json &&
	test "$(json_get st2.json "d[\"case_duration_seconds\"][\"max\"], d[\"cost\"][\"total\"]")" = "865800.0 1250.25"
'

# 03/04 -> 04/04: day-first 1 day, month-first 31 days
printf "case,activity,time\nA,open,03/04/2024 09:00\nA,close,04/04/2024 09:00\n" >amb.csv

test_expect_success 'an ambiguous column is refused with an example; --date-order settles it' '
	test_must_fail --exit=1 imp amb.csv 2>err &&
	test_grep "amb.csv:2: ambiguous date .03/04/2024 09:00. in column .time.: no date in the column has a day above 12" err &&
	test_grep "give --date-order dmy or mdy" err &&
	! aivalue logs | grep "^amb " &&
	imp amb.csv --date-order dmy --name amb-dmy >/dev/null &&
	imp amb.csv --date-order mdy --name amb-mdy >/dev/null &&
	aivalue --json process stats amb-dmy >a.json &&
	aivalue --json process stats amb-mdy >b.json &&
	test "$(json_get a.json "d[\"case_duration_seconds\"][\"max\"]")" = 86400.0 &&
	test "$(json_get b.json "d[\"case_duration_seconds\"][\"max\"]")" = 2678400.0 &&
	test_must_fail --exit=1 imp amb.csv --date-order ymd --name amb-ymd 2>err &&
	test_grep "unparseable date .03/04/2024 09:00. in column 3 (the year is last: --date-order ymd refuses that)" err &&
	test_must_fail --exit=2 imp amb.csv --date-order ydm 2>err
'

test_expect_success 'a column with both orders is refused naming both' '
	printf "case,activity,time\nA,a,13/04/2024\nA,b,04/13/2024\n" >mixed.csv &&
	test_must_fail --exit=1 imp mixed.csv 2>err &&
	test_grep "mixed.csv:3: column .time. mixes day-first dates (.13/04/2024., line 2) and month-first dates (.04/13/2024.)" err
'

test_expect_success 'a date the calendar does not have is refused, not rolled over' '
	printf "case,activity,time\nA,a,2024-02-28 10:00\nA,b,2024-02-30 10:00\n" >feb.csv &&
	test_must_fail --exit=1 imp feb.csv 2>err &&
	test_grep "feb.csv:3: unparseable date .2024-02-30 10:00. in column 3" err &&
	printf "case,activity,time\nA,a,28/02/2023\nA,b,29/02/2023\n" >feb2.csv &&
	test_must_fail --exit=1 imp feb2.csv --date-order dmy 2>err &&
	test_grep "feb2.csv:3: unparseable date .29/02/2023." err &&
	printf "case,activity,time\nA,a,28/02/2024\nA,b,29/02/2024\n" >leap.csv &&
	imp leap.csv --date-order dmy >/dev/null &&
	aivalue --json process stats leap >l.json &&
	test "$(json_get l.json "d[\"case_duration_seconds\"][\"max\"]")" = 86400.0
'

# 1700000000 s = 2023-11-14T22:13:20Z
test_expect_success 'Unix seconds and milliseconds by magnitude, or as told' '
	printf "case,activity,time\nA,a,1700000000\nA,b,1700003600\n" >ep-s.csv &&
	imp ep-s.csv --json >imp.json &&
	test "$(json_get imp.json "d[\"tally\"][\"assumptions\"][0][\"what\"], d[\"tally\"][\"assumptions\"][0][\"count\"]")" = "time as Unix seconds (by magnitude) 2" &&
	aivalue --json process stats ep-s >s.json &&
	test "$(json_get s.json "d[\"first_event\"], d[\"case_duration_seconds\"][\"max\"]")" = "2023-11-14T22:13:20.000000Z 3600.0" &&
	printf "case,activity,time\nA,a,1700000000000\nA,b,1700000090500\n" >ep-ms.csv &&
	imp ep-ms.csv >out &&
	test_grep "time as Unix milliseconds (by magnitude)" out &&
	aivalue --json process stats ep-ms >ms.json &&
	test "$(json_get ms.json "d[\"first_event\"], d[\"case_duration_seconds\"][\"max\"]")" = "2023-11-14T22:13:20.000000Z 90.5" &&
	imp ep-s.csv --time-format epoch-ms --name ep-told >out &&
	! grep "by magnitude" out &&
	aivalue --json process stats ep-told >t.json &&
	test "$(json_get t.json "d[\"first_event\"], d[\"case_duration_seconds\"][\"max\"]")" = "1970-01-20T16:13:20.000000Z 3.6" &&
	test_must_fail --exit=1 imp dmy.csv --time-format epoch-s --name x 2>err &&
	test_grep "dmy.csv:2: unparseable date" err
'

test_expect_success 'costs mixing a decimal comma and a decimal point are refused' '
	printf "case,activity,time,cost\nA,a,2024-01-01,\"12,5\"\nA,b,2024-01-02,3.75\n" >mixc.csv &&
	test_must_fail --exit=1 imp mixc.csv --cost cost 2>err &&
	test_grep "mixc.csv:3: cost column 4 mixes decimal marks: .3.75. here, .12,5. on line 2" err
'

# case 1: 10:00, 09:00 (1 late); case 2: 12:00, 11:00, 10:00 (2 late)
test_expect_success 'stats reports the out-of-order count the import reported' '
	printf "case,activity,time\n1,a,2024-01-01 10:00\n1,b,2024-01-01 09:00\n2,a,2024-01-01 12:00\n2,b,2024-01-01 11:00\n2,c,2024-01-01 10:00\n" >ooo.csv &&
	imp ooo.csv >out &&
	test_grep "2 cases, 5 events, 3 activities, 3 events out of time order (sorted)" out &&
	aivalue --json process stats ooo >o.json &&
	test "$(json_get o.json "d[\"out_of_order_events\"]")" = 3 &&
	aivalue process stats ooo >o.txt &&
	test_grep "3 events were out of time order in the source (sorted)" o.txt
'

if test -f "$SHARED/interval_event_log.xes"; then
test_expect_success 'interval_event_log: 39 out of order at import and in stats' '
	aivalue import cases "$SHARED/interval_event_log.xes" --name interval >out &&
	test_grep "39 events out of time order (sorted)" out &&
	aivalue --json process stats interval >i.json &&
	test "$(json_get i.json "d[\"out_of_order_events\"]")" = 39
'
fi

test_expect_success 'rows with an empty field are skipped and counted; --strict refuses' '
	printf "case,activity,time\nA,a,2024-01-01\nA,,2024-01-02\n,b,2024-01-03\nA,c,2024-01-04\n" >gaps.csv &&
	imp gaps.csv --json >g.json &&
	test "$(json_get g.json "d[\"events\"], d[\"tally\"][\"read\"], d[\"tally\"][\"used\"], d[\"tally\"][\"skipped\"]")" = "2 4 2 2" &&
	test "$(json_get g.json "\" \".join(\"%s=%d@%s\" % (s[\"reason\"], s[\"count\"], s[\"first\"]) for s in d[\"tally\"][\"skips\"])")" = "empty activity=1@gaps.csv:3 empty case id=1@gaps.csv:4" &&
	test_must_fail --exit=1 imp gaps.csv --strict --name gaps2 2>err &&
	test_grep "gaps.csv:3: empty activity (--strict refuses skipped events)" err
'

test_done
