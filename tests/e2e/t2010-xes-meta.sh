#!/bin/sh
# t2010-xes-meta.sh - XES metadata the importer does not use is counted,
# never fatal: a log in BPI Challenge 2012's shape (ProM's log-level meta
# attributes with nested key-less <float>s), events outside traces, traces
# without concept:name.  Figures worked by hand from the fixture's header.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/eventlogs"

test_expect_success 'init workspace' '
	aivalue init >/dev/null
'

# 173688: 00:38:44.546 .. 00:39:38.875 = 54.329 s; 173691: 08:08:58.256 ..
# 08:09:56.151 = 57.895 s; 173694: 08:10:30.287 .. 08:10:30.834 = 0.547 s.
test_expect_success 'BPIC2012-shaped log imports with hand-worked figures' '
	aivalue --json import cases "$DATA/bpic2012-shape.xes" --name bpic >imp.json &&
	test "$(json_get imp.json "d[\"cases\"], d[\"events\"], d[\"activities\"]")" = "3 9 5" &&
	aivalue --json process stats bpic >st.json &&
	test "$(json_get st.json "d[\"variants\"]")" = 3 &&
	test "$(json_get st.json "\"%.3f %.3f %.3f\" % (d[\"case_duration_seconds\"][\"min\"], d[\"case_duration_seconds\"][\"median\"], d[\"case_duration_seconds\"][\"max\"])")" = "0.547 54.329 57.895"
'

test_expect_success 'what was not used is counted with its first place' '
	json_get imp.json "\"\\n\".join(\"%s=%d@%s\" % (n[\"what\"], n[\"count\"], n[\"first\"].rsplit(\":\", 1)[1]) for n in d[\"tally\"][\"not_used\"])" >notes &&
	cat >want <<-\EOF &&
	<extension> declaration=4@10
	<global> block=2@14
	attribute in <global>=3@15
	<classifier> definition=3@21
	log attribute=6@24
	key-less <float> in log metadata=4@28
	nested attribute=1@29
	EOF
	test_cmp want notes &&
	test "$(json_get imp.json "d[\"tally\"][\"read\"], d[\"tally\"][\"used\"], d[\"tally\"][\"skipped\"]")" = "9 9 0"
'

test_expect_success 'text output prints the tally after the summary' '
	aivalue import cases "$DATA/bpic2012-shape.xes" --name bpic-text >out &&
	head -1 out | grep "^imported log .bpic-text.: 3 cases, 9 events, 5 activities" &&
	test_grep "^  read 9 events: 9 used, 0 skipped" out &&
	test_grep "not used 4: key-less <float> in log metadata (first at .*bpic2012-shape.xes:28)" out
'

test_expect_success 'the ledger entry records the tally' '
	aivalue audit log --json >log.json &&
	json_get log.json "[e for e in d if e[\"subject\"] == \"EventLog/bpic\"][0][\"payload\"][\"tally\"][\"not_used\"][5][\"count\"]" >n &&
	echo 4 >want && test_cmp want n &&
	aivalue audit verify
'

# 2 traces, the second without concept:name; 1 event outside any trace
cat >loose.xes <<\EOF
<log xes.version="1849.2016">
	<trace>
		<string key="concept:name" value="a"/>
		<event><string key="concept:name" value="X"/><date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>
	</trace>
	<trace>
		<event><string key="concept:name" value="X"/><date key="time:timestamp" value="2024-01-02T10:00:00Z"/></event>
		<event><string key="concept:name" value="Y"/><date key="time:timestamp" value="2024-01-02T12:00:00Z"/></event>
	</trace>
	<event><string key="concept:name" value="Z"/><date key="time:timestamp" value="2024-01-03T10:00:00Z"/></event>
</log>
EOF

test_expect_success 'an event outside any trace is skipped and counted; a nameless trace is "trace 2"' '
	aivalue --json import cases loose.xes >imp.json &&
	test "$(json_get imp.json "d[\"cases\"], d[\"events\"]")" = "2 3" &&
	test "$(json_get imp.json "d[\"tally\"][\"read\"], d[\"tally\"][\"used\"], d[\"tally\"][\"skipped\"]")" = "4 3 1" &&
	test "$(json_get imp.json "d[\"tally\"][\"skips\"][0][\"reason\"], d[\"tally\"][\"skips\"][0][\"first\"]")" = "event outside any trace (no case) loose.xes:10" &&
	test "$(json_get imp.json "d[\"tally\"][\"assumptions\"][0][\"count\"], d[\"tally\"][\"assumptions\"][0][\"first\"]")" = "1 loose.xes:6" &&
	aivalue --json process stats loose >st.json &&
	test "$(json_get st.json "d[\"case_duration_seconds\"][\"max\"]")" = 7200.0 &&
	aivalue --json process compare loose --before 2024-01-02 >cmp.json &&
	test "$(json_get cmp.json "[c[\"cases\"] for c in d[\"cohorts\"]]")" = "[1, 1]"
'

test_expect_success '--strict refuses the skip, names the place, stores nothing' '
	test_must_fail --exit=1 aivalue import cases loose.xes --name strict --strict 2>err &&
	test_grep "loose.xes:10: event outside any trace (no case) (--strict refuses skipped events)" err &&
	! aivalue logs | grep "^strict "
'

test_expect_success 'a positional id that another trace uses as its name is refused' '
	sed "s/value=\"a\"/value=\"trace 2\"/" loose.xes >clash.xes &&
	test_must_fail --exit=1 aivalue import cases clash.xes 2>err &&
	test_grep "clash.xes: a trace without concept:name would be case .trace 2., but another trace has that name" err
'

test_expect_success 'a key-less attribute in data (not metadata) is still an error' '
	sed "s|<string key=\"concept:name\" value=\"a\"/>|<string value=\"a\"/>|" loose.xes >nokey.xes &&
	test_must_fail --exit=1 aivalue import cases nokey.xes 2>err &&
	test_grep "nokey.xes:3:[0-9]*: <string> has no key" err
'

test_done
