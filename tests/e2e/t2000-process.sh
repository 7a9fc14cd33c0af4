#!/bin/sh
# t2000-process.sh - event-log import (XES, .xes.gz, CSV), `logs`, and
# process statistics checked against an independent reference.
#
# Fixtures in tests/data/eventlogs always run; the larger public logs in
# ../shared/data/eventlogs (beside the repository) run when present.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/eventlogs"
SHARED="$TEST_ROOT/../shared/data/eventlogs"
REF="$TEST_ROOT/tools/process_reference.py"
have_shared() { test -f "$SHARED/03_repairExample.xes.gz"; }

# test_expect_success, or a TAP skip line when the shared logs are absent
test_shared() {
	if have_shared; then
		test_expect_success "$@"
	else
		test_count=$((test_count + 1)) &&
		echo "ok $test_count # skip $1 (no $SHARED)"
	fi
}

ledger_len() { aivalue audit log --json | python3 -S -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

test_expect_success 'init workspace' '
	aivalue init >/dev/null
'

test_expect_success 'import the running example (XES) once' '
	aivalue import cases "$DATA/running-example.xes" >out &&
	test_grep "imported log .running-example.: 6 cases, 42 events, 8 activities" out &&
	aivalue logs --json >logs.json &&
	test "$(json_get logs.json "d[0][\"name\"] + \" %d %d\" % (d[0][\"cases\"], d[0][\"events\"])")" = "running-example 6 42"
'

test_expect_success 'the import is one ledger entry with row count and rows hash' '
	aivalue audit log --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = import.cases &&
	test "$(json_get log.json "d[0][\"payload\"][\"rows\"]")" = 42 &&
	json_get log.json "d[0][\"payload\"][\"rows_sha256\"]" | grep -E "^[0-9a-f]{64}$" &&
	aivalue audit verify
'

test_expect_success 'the same content again changes nothing' '
	before=$(ledger_len) &&
	aivalue import cases "$DATA/running-example.xes" >out &&
	test_grep "unchanged" out &&
	test "$(ledger_len)" = "$before"
'

test_expect_success 'CSV with the default XES-style column names and --attr' '
	aivalue import cases "$DATA/running-example.csv" --name re-csv \
		--attr creator=case:creator --cost Costs --json >imp.json &&
	test "$(json_get imp.json "d[\"cases\"], d[\"events\"], d[\"activities\"]")" = "6 42 8"
'

test_expect_success 'replacing a log with other content is one more entry' '
	before=$(ledger_len) &&
	head -20 "$DATA/running-example.csv" >part.csv &&
	aivalue import cases part.csv --name re-csv >out &&
	test_grep "replaced log .re-csv.: " out &&
	test "$(ledger_len)" = $((before + 1)) &&
	aivalue logs | test_grep "^re-csv .* 19 "
'

test_expect_success 'unknown CSV column is named, nothing imported' '
	before=$(ledger_len) &&
	test_must_fail --exit=1 aivalue import cases "$DATA/running-example.csv" --name x \
		--activity Aktivitaet 2>err &&
	test_grep "unknown column .Aktivitaet. for --activity (columns: , concept:name" err &&
	test "$(ledger_len)" = "$before" &&
	! aivalue logs | grep "^x "
'

test_expect_success 'unparseable date: file, line; nothing imported' '
	sed "5s/2011-01-06 09:18:00+01:00/31.06.2011/" "$DATA/running-example.csv" >bad.csv &&
	test_must_fail aivalue import cases bad.csv 2>err &&
	test_grep "bad.csv:5: unparseable date .31.06.2011. in column 4" err &&
	! aivalue logs | grep "^bad "
'

test_expect_success 'truncated XES: line and column from the XML parser' '
	head -c 9000 "$DATA/running-example.xes" >trunc.xes &&
	test_must_fail aivalue import cases trunc.xes 2>err &&
	test_grep "trunc.xes:[0-9]*:[0-9]*: malformed XML" err &&
	! aivalue logs | grep "^trunc "
'

test_expect_success 'broken gzip is an error, not a short log' '
	gzip -c "$DATA/running-example.xes" | head -c 600 >broken.xes.gz &&
	test_must_fail aivalue import cases broken.xes.gz 2>err &&
	test_grep "broken.xes.gz: broken gzip data: unexpected end of file" err
'

test_expect_success 'event without timestamp: which case and event' '
	python3 -S - "$DATA/running-example.xes" >nots.xes <<-\EOF &&
	import sys
	s = open(sys.argv[1]).read()
	i = s.index("<date key=\"time:timestamp\"", s.index("<string key=\"concept:name\" value=\"2\"/>"))
	j = s.index(">", i) + 1
	print(s[:i] + s[j:], end="")
	EOF
	test_must_fail aivalue import cases nots.xes 2>err &&
	test_grep "case .2., event 1: no time:timestamp" err
'

test_expect_success 'empty log is refused' '
	printf "<log></log>\n" >empty.xes &&
	test_must_fail aivalue import cases empty.xes 2>err &&
	test_grep "empty log" err &&
	printf "case,act,time\n" >empty.csv &&
	test_must_fail aivalue import cases empty.csv --case case --activity act --time time 2>err &&
	test_grep "empty log" err
'

test_expect_success 'XES importer test files: bad ones fail with a location, none crash' '
	for f in "$DATA"/xes_*.xes; do
		test_must_fail aivalue import cases "$f" 2>err || exit 1
		grep -E "^error: .*xes_.*\.xes:[0-9]+" err || { cat err; exit 1; }
	done
'

test_shared 'all pm4py XES importer test files: no crash, errors located' '
	for f in "$SHARED"/xes_importer_tests/*.xes; do
		st=0 &&
		{ aivalue import cases "$f" --name t >/dev/null 2>err || st=$?; } &&
		{ test $st -le 1 || { echo "$f: exit $st"; false; }; } &&
		if test $st = 1; then grep -E "^error: .*\.xes(:[0-9]+)?" err || { cat err; false; }; fi ||
		return 1
	done
'

test_shared 'real logs import (gzip XES, CSV, out-of-order interval log)' '
	aivalue import cases "$SHARED/03_repairExample.xes.gz" --name repair >out &&
	test_grep "1104 cases, 11855 events, 8 activities" out &&
	aivalue import cases "$SHARED/receipt.csv" --name receipt >out &&
	test_grep "1434 cases, 8577 events, 27 activities" out &&
	aivalue import cases "$SHARED/interval_event_log.xes" --name interval >out &&
	test_grep "out of time order (sorted)" out &&
	aivalue import cases "$SHARED/11_tickets.xes.gz" --name tickets >out &&
	aivalue import cases "$SHARED/09_a32f0n00.xes.gz" --name a32 >out &&
	test_grep "1000 cases, 25757 events, 32 activities, no timestamps" out &&
	aivalue audit verify
'

# Reference figures, written down once from tools/process_reference.py
# (Python standard library, independent of the C code), not from aivalue:
#   python3 -S tools/process_reference.py FILE
# fields: cases events activities variants | duration min median mean p90 max
# in seconds, compared to the millisecond
check_figures() {
	json_get "$1" "\"%d %d %d %d\" % (d[\"cases\"], d[\"events\"], d[\"activities\"], d[\"variants\"])" >got &&
	echo "$2" >want && test_cmp want got &&
	python3 -S -c "import json,sys
d = json.load(open(sys.argv[1]))[\"case_duration_seconds\"]
want = [float(x) for x in sys.argv[2].split()]
got = [d[k] for k in (\"min\", \"median\", \"mean\", \"p90\", \"max\")]
bad = [(g, w) for g, w in zip(got, want) if abs(g - w) > 0.001]
sys.exit(\"durations differ (got, want): %s\" % bad if bad else 0)" "$1" "$3"
}

test_expect_success 'stats: running example (XES) equals the reference' '
	aivalue --json process stats running-example >re.json &&
	check_figures re.json "6 42 8 6" "520920.000 815940.000 966890.000 1472610.000 1576440.000" &&
	test "$(json_get re.json "d[\"rework\"][\"cases\"], d[\"handovers\"][\"total\"], len(d[\"dfg\"][\"edges\"])")" = "2 32 16"
'

test_expect_success 'stats: running example (CSV) gives the same figures' '
	aivalue import cases "$DATA/running-example.csv" --name re-csv2 >/dev/null &&
	aivalue --json process stats re-csv2 >rc.json &&
	check_figures rc.json "6 42 8 6" "520920.000 815940.000 966890.000 1472610.000 1576440.000"
'

test_expect_success 'stats: text view and Graphviz DFG' '
	aivalue process stats running-example >txt &&
	test_grep "6 cases, 42 events, 8 activities, 6 resources, 6 variants" txt &&
	test_grep "rework: 2 cases (33.3%)" txt &&
	aivalue process stats running-example --dfg dot >g.dot &&
	test_grep "^digraph \"running-example\"" g.dot &&
	test_grep "\"check ticket\" -> \"decide\" \[label=\"6" g.dot &&
	test $(grep -c -- "->" g.dot) = $((16 + 1 + 2))
'

test_expect_success 'stats: unknown log' '
	test_must_fail --exit=1 aivalue process stats nope 2>err &&
	test_grep "no event log .nope." err
'

test_expect_success 'reference tool agrees live on the committed fixtures' '
	python3 -S "$REF" "$DATA/running-example.xes" >ref.json &&
	python3 -S "$TEST_ROOT/tests/e2e/process_check.py" re.json ref.json &&
	python3 -S "$REF" "$DATA/running-example.csv" >ref-csv.json &&
	python3 -S "$TEST_ROOT/tests/e2e/process_check.py" rc.json ref-csv.json
'

test_shared 'stats: repair example (gzip XES) equals the reference' '
	aivalue --json process stats repair >rep.json &&
	check_figures rep.json "1104 11855 8 77" "540.000 3690.000 3950.543 5502.000 9540.000"
'

test_shared 'stats: receipt (CSV) equals the reference' '
	aivalue --json process stats receipt >rcp.json &&
	check_figures rcp.json "1434 8577 27 116" "0 2868.5835 467263.9153 1217821.7991 23832541.524"
'

test_shared 'stats: helpdesk (gzip XES) equals the reference' '
	aivalue import cases "$SHARED/helpdesk.xes.gz" --name helpdesk >/dev/null &&
	aivalue --json process stats helpdesk >hd.json &&
	check_figures hd.json "4580 21348 14 226" "2647453.000 3443836.500 3530166.421 4579687.800 5183565.000"
'

test_shared 'reference tool agrees live on every shared log (all figures)' '
	for f in 03_repairExample.xes.gz:repair receipt.csv:receipt helpdesk.xes.gz:helpdesk \
		 interval_event_log.xes:interval 11_tickets.xes.gz:tickets; do
		file=${f%%:*} log=${f#*:} &&
		aivalue --json process stats $log >a.json &&
		python3 -S "$REF" "$SHARED/$file" >r.json &&
		python3 -S "$TEST_ROOT/tests/e2e/process_check.py" a.json r.json || { echo "$file"; exit 1; }
	done
'

# Cohorts: ai=false cases last 10, 20, 30, 40 h (two with rework), ai=true
# cases 5, 6, 7 h; one case has no ai value.  Medians 25 h and 6 h.
test_expect_success 'compare: fixture with an ai attribute' '
	python3 -S - >cohorts.csv <<-\EOF &&
	print("case,activity,time,ai")
	spec = [("a1", 10, "false", 1), ("a2", 20, "false", 1), ("a3", 30, "false", 0),
	        ("a4", 40, "false", 0), ("b1", 5, "true", 0), ("b2", 6, "true", 0),
	        ("b3", 7, "true", 0), ("x1", 1, "", 0)]
	for c, h, ai, rework in spec:
	    acts = ["open", "work"] + (["work"] if rework else []) + ["close"]
	    for i, a in enumerate(acts):
	        t = 0 if i == 0 else h if i == len(acts) - 1 else i
	        print("%s,%s,2024-03-0%d %02d:00:00,%s" % (c, a, 1 + t // 24, t % 24, ai))
	EOF
	aivalue import cases cohorts.csv --case case --activity activity --time time \
		--attr ai=ai --name cohorts >/dev/null &&
	aivalue --json process compare cohorts --by ai >cmp.json &&
	test "$(json_get cmp.json "\"|\".join(c[\"label\"] for c in d[\"cohorts\"])")" = "ai = false|ai = true" &&
	test "$(json_get cmp.json "[c[\"cases\"] for c in d[\"cohorts\"]], d[\"excluded_cases\"]")" = "[4, 3] 1" &&
	test "$(json_get cmp.json "[c[\"case_duration_seconds\"][\"median\"] for c in d[\"cohorts\"]]")" = "[90000.0, 21600.0]" &&
	test "$(json_get cmp.json "d[\"difference\"][\"median_case_duration_seconds\"][\"absolute\"]")" = -68400.0 &&
	test "$(json_get cmp.json "d[\"difference\"][\"median_case_duration_seconds\"][\"relative\"]")" = -0.76 &&
	test "$(json_get cmp.json "[c[\"rework\"][\"rate\"] for c in d[\"cohorts\"]]")" = "[0.5, 0.0]" &&
	test "$(json_get cmp.json "\"%.4f %.4f\" % tuple(d[\"cohorts\"][0][\"rework\"][\"ci95\"])")" = "0.1500 0.8500" &&
	test "$(json_get cmp.json "\"%.4f %.4f\" % tuple(d[\"cohorts\"][1][\"rework\"][\"ci95\"])")" = "0.0000 0.5615"
'

test_expect_success 'compare: bootstrap CI is seeded and reproducible' '
	json_get cmp.json "d[\"difference\"][\"median_case_duration_seconds\"][\"ci95\"]" >ci1 &&
	aivalue --json process compare cohorts --by ai >cmp2.json &&
	json_get cmp2.json "d[\"difference\"][\"median_case_duration_seconds\"][\"ci95\"]" >ci2 &&
	test_cmp ci1 ci2 &&
	python3 -S -c "import sys; lo, hi = eval(open(sys.argv[1]).read()); sys.exit(not (lo <= -68400 <= hi and lo >= -35 * 3600 and hi <= 0))" ci1 &&
	aivalue --json process compare cohorts --by ai --seed 7 >cmp3.json &&
	test "$(json_get cmp3.json "d[\"difference\"][\"median_case_duration_seconds\"][\"bootstrap\"][\"seed\"]")" = 7 &&
	aivalue --json process compare cohorts --by ai --seed 7 >cmp4.json &&
	test_cmp cmp3.json cmp4.json
'

test_expect_success 'compare: --before splits on the first event, text view' '
	test_must_fail --exit=1 aivalue process compare cohorts --before "2024-03-01 00:00:00" >out 2>err &&
	test_grep "^error: a cohort is empty (.before 2024-03-01 00:00:00.: 0 cases, .on or after 2024-03-01 00:00:00.: 8 cases)$" err &&
	test ! -s out &&
	aivalue process compare re-csv2 --before 2011-01-01 >out &&
	test_grep "A = before 2011-01-01, B = on or after 2011-01-01" out &&
	test_grep "^cases  *3  *3$" out &&
	test_grep "Wilson 95%" out
'

test_expect_success 'compare: bad requests' '
	test_must_fail --exit=1 aivalue process compare cohorts --by nope 2>err &&
	test_grep "has no attribute .nope." err &&
	test_must_fail --exit=1 aivalue process compare cohorts --before someday 2>err &&
	test_grep "unparseable date .someday." err &&
	test_must_fail --exit=2 aivalue process compare cohorts 2>err
'

test_expect_success 'exceptions: YAML ExceptionRule with names and globs, rate and cost' '
	cat >exc.yaml <<-\EOF &&
	kind: ExceptionRule
	name: rejections
	description: requests sent back or turned down
	activities: ["reject*", "reinitiate request"]
	EOF
	aivalue import cases "$DATA/running-example.csv" --name re-cost --cost Costs >/dev/null &&
	aivalue --json process stats re-cost --exceptions exc.yaml >exc.json &&
	test "$(json_get exc.json "d[\"exceptions\"][\"exception_cases\"], d[\"exceptions\"][\"cases\"]")" = "4 6" &&
	test "$(json_get exc.json "\"%.4f %.4f\" % tuple(d[\"exceptions\"][\"rate_ci95\"])")" = "0.3000 0.9032" &&
	test "$(json_get exc.json "d[\"exceptions\"][\"resolved_cases\"]")" = 2 &&
	python3 -S - "$DATA/running-example.csv" >want <<-\EOF &&
	import csv, sys, fnmatch
	cost = {}; exc = set()
	for r in csv.DictReader(open(sys.argv[1])):
	    c = r["case:concept:name"]
	    cost[c] = cost.get(c, 0) + float(r["Costs"])
	    if fnmatch.fnmatchcase(r["concept:name"], "reject*") or r["concept:name"] == "reinitiate request":
	        exc.add(c)
	print("%.1f %.1f" % (sum(v for c, v in cost.items() if c in exc), sum(v for c, v in cost.items() if c not in exc)))
	EOF
	json_get exc.json "\"%.1f %.1f\" % (d[\"exceptions\"][\"cost\"][\"exception_cases\"], d[\"exceptions\"][\"cost\"][\"other_cases\"])" >got &&
	test_cmp want got
'

test_expect_success 'exceptions: --exception patterns equal the YAML rule' '
	aivalue --json process stats re-cost --exception "reject*" --exception "reinitiate request" >exc2.json &&
	json_get exc.json "d[\"exceptions\"][\"resolution_seconds\"]" >a &&
	json_get exc2.json "d[\"exceptions\"][\"resolution_seconds\"]" >b &&
	test_cmp a b
'

test_expect_success 'exceptions: derived from the happy path' '
	aivalue --json process stats running-example --happy-path 50 >hp.json &&
	test "$(json_get hp.json "d[\"exceptions\"][\"happy_path\"][\"variants\"], d[\"exceptions\"][\"exception_cases\"]")" = "3 3" &&
	aivalue process compare re-csv2 --before 2011-01-01 --happy-path 50 >out &&
	test_grep "^exception rate" out
'

test_expect_success 'exceptions: bad rule files are located' '
	printf "kind: ExceptionRule\nname: x\nactivities: []\n" >bad.yaml &&
	test_must_fail --exit=1 aivalue process stats re-cost --exceptions bad.yaml 2>err &&
	test_grep "bad.yaml:3:.*activities must be a non-empty list" err &&
	printf "kind: Rule\nname: x\n" >bad2.yaml &&
	test_must_fail aivalue process stats re-cost --exceptions bad2.yaml 2>err &&
	test_grep "kind .Rule. is not ExceptionRule" err &&
	test_must_fail --exit=2 aivalue process stats re-cost --happy-path 150 2>err
'

test_expect_success 'OCEL 2.0 JSON flattened on an object type equals the reference' '
	aivalue import cases "$DATA/ocel20_example.jsonocel" --object-type Invoice --name ocel-inv >out &&
	test_grep "3 cases, 9 events, 5 activities" out &&
	aivalue --json process stats ocel-inv >oc.json &&
	check_figures oc.json "3 9 5 2" "1335600 1422000 1684800 2121840 2296800" &&
	python3 -S "$REF" "$DATA/ocel20_example.jsonocel" --object-type Invoice >ref.json &&
	python3 -S "$TEST_ROOT/tests/e2e/process_check.py" oc.json ref.json &&
	aivalue import cases "$DATA/ocel20_example.jsonocel" --object-type "Purchase Order" --name ocel-po >/dev/null &&
	aivalue --json process stats ocel-po >po.json &&
	check_figures po.json "2 5 3 2" "0 262350 262350 472230 524700"
'

test_expect_success 'OCEL: unknown object type lists the types; --object-type required' '
	test_must_fail --exit=1 aivalue import cases "$DATA/ocel20_example.jsonocel" --object-type Order 2>err &&
	test_grep "no objects of type .Order. (types: .Invoice., .Payment., .Purchase Order., .Purchase Requisition.)" err &&
	test_must_fail --exit=2 aivalue import cases "$DATA/ocel20_example.jsonocel" 2>err &&
	test_grep "give --object-type" err &&
	printf "{\"objects\": [}" >bad.jsonocel &&
	test_must_fail aivalue import cases bad.jsonocel --object-type x 2>err &&
	test_grep "bad.jsonocel:1:[0-9]*: malformed JSON" err
'

# The default output is what the import kept (t2260); a reload (--fresh,
# or any other option) reads the damaged columns.
test_expect_success SQLITE 'a damaged stored log is refused, not misread' '
	aivalue import cases "$DATA/running-example.xes" --name dmg >/dev/null &&
	printf "UPDATE event_log_columns SET data = x\04700\047 WHERE name = \047time\047 AND log_id = (SELECT id FROM event_logs WHERE name = \047dmg\047);" >dmg.sql &&
	sqlite3 "$AIVALUE_DB" <dmg.sql &&
	test_must_fail --exit=1 aivalue process stats dmg --fresh 2>err &&
	test_grep "event log .dmg. is damaged" err
'

test_expect_success 'JSON Lines with a column map gives the reference figures' '
	python3 -S - "$DATA/running-example.csv" >re.jsonl <<-\EOF &&
	import csv, json, sys
	for i, r in enumerate(csv.DictReader(open(sys.argv[1]))):
	    print(json.dumps({"ticket": int(r["case:concept:name"]), "step": r["concept:name"],
	                      "at": r["time:timestamp"], "who": r["org:resource"],
	                      "cost": float(r["Costs"])}))
	    if i == 3:
	        print("")
	EOF
	aivalue import cases re.jsonl --case ticket --activity step --time at --resource who \
		--cost cost --name re-jsonl >out &&
	test_grep "6 cases, 42 events, 8 activities" out &&
	aivalue --json process stats re-jsonl >rj.json &&
	check_figures rj.json "6 42 8 6" "520920 815940 966890 1472610 1576440" &&
	python3 -S "$TEST_ROOT/tests/e2e/process_check.py" rj.json ref-csv.json
'

test_expect_success 'JSON Lines: a line without a field is skipped and counted, --strict refuses it' '
	printf "{\"c\": 1, \"a\": \"x\", \"t\": \"2020-01-01\"}\n{\"c\": 1, \"a\": \"y\"}\n" >bad.jsonl &&
	test_must_fail aivalue import cases bad.jsonl --case c --activity a --time t --strict 2>err &&
	test_grep "bad.jsonl:2: no .t. (--strict refuses skipped events)" err &&
	! aivalue logs | grep "^bad " &&
	aivalue import cases bad.jsonl --case c --activity a --time t >out &&
	test_grep "1 cases, 1 events" out &&
	test_grep "read 2 events: 1 used, 1 skipped" out &&
	test_grep "skipped 1: no .t. (first at bad.jsonl:2)" out &&
	printf "{\"c\": 1, \"a\": \"x\", \"t\": \"2020-01-01\"}\n{\"c\": 1,\n" >bad2.jsonl &&
	test_must_fail aivalue import cases bad2.jsonl --case c --activity a --time t 2>err &&
	test_grep "bad2.jsonl:2:" err
'

test_expect_success 'OCEL 2.0 XML gives the same flattened log as the JSON' '
	aivalue import cases "$DATA/ocel20_example.xmlocel" --object-type Invoice --name ocel-inv-xml >out &&
	test_grep "3 cases, 9 events, 5 activities" out &&
	aivalue --json process stats ocel-inv-xml >ox.json &&
	check_figures ox.json "3 9 5 2" "1335600 1422000 1684800 2121840 2296800" &&
	head -c 4000 "$DATA/ocel20_example.xmlocel" >trunc.xmlocel &&
	test_must_fail aivalue import cases trunc.xmlocel --object-type Invoice 2>err &&
	test_grep "trunc.xmlocel:[0-9]*:[0-9]*: malformed XML" err
'

test_expect_success 'XES --attr KEY keeps only the named attributes' '
	aivalue --json import cases "$DATA/running-example.xes" --name re-slim --attr Costs >slim.json &&
	aivalue --json import cases "$DATA/running-example.xes" --name re-full >full.json &&
	test "$(json_get slim.json "d[\"events\"]")" = 42 &&
	test "$(json_get slim.json "d[\"content_sha256\"] != json.load(open(\"full.json\"))[\"content_sha256\"]")" = True &&
	test_must_fail aivalue process compare re-slim --by creator 2>err &&
	test_grep "has no attribute .creator." err &&
	test_must_fail aivalue import cases "$DATA/running-example.xes" --attr a=b 2>err &&
	test_grep "XES attributes are named, not mapped" err
'

test_expect_success 'exceptions: ExceptionRule applied to the workspace (--rules)' '
	test_must_fail --exit=1 aivalue process stats re-cost --rules 2>err &&
	test_grep "no ExceptionRule in the workspace" err &&
	aivalue apply -f exc.yaml >out &&
	aivalue get exceptionrules >out &&
	test_grep "rejections" out &&
	aivalue --json process stats re-cost --rules >exc3.json &&
	json_get exc.json "d[\"exceptions\"]" >a &&
	json_get exc3.json "d[\"exceptions\"]" >b &&
	test_cmp a b &&
	aivalue apply -f exc.yaml >out &&
	test_grep "unchanged" out
'

test_expect_success 'regression (fuzz_xes): a <list> under concept:name is refused, not a crash' '
	before=$(aivalue audit checkpoint) &&
	test_must_fail --exit=1 aivalue import cases "$TEST_ROOT/tests/data/regress/xes-list-concept-name.xes" \
		--format xes --name regress 2>err &&
	test_grep "3:8: <list key=.concept:name.>: .concept:name. takes a single value" err &&
	test "$(aivalue audit checkpoint)" = "$before"
'

test_expect_success 'regression (fuzz_xes): attributes of a trace with no events or no name are dropped, not a crash' '
	aivalue import cases "$TEST_ROOT/tests/data/regress/xes-trace-attrs-no-events.xes" \
		--format xes --name regress2 >out &&
	test_grep "imported log .regress2.: 1 cases, 1 events" out &&
	aivalue process stats regress2 --json >r2.json &&
	test "$(json_get r2.json "d[\"cases\"]")" = 1
'

test_done
