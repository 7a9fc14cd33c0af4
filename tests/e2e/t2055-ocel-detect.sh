#!/bin/sh
# t2055-ocel-detect.sh - a file in a known form other than the one asked
# for (by --format or by its name) is read all the same and said so; what
# is no OCEL log at all is refused with what it is.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/eventlogs"
CHECK="$TEST_ROOT/tests/e2e/ocel_check.py"

ledger_len() { aivalue audit log --json | python3 -S -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

test_expect_success 'init workspace' '
	aivalue init >/dev/null
'

test_expect_success 'OCEL 1.0 where OCEL 2.0 was asked for: read, and said' '
	aivalue import cases "$DATA/example_log.jsonocel" --format ocel2-json --object-type order \
		--name asked2 >out 2>err &&
	test_grep "imported log .asked2.: 3 cases, 12 events, 8 activities" out &&
	test_grep "note: .*example_log.jsonocel. is OCEL 1.0 JSON, not OCEL 2.0 JSON: read as OCEL 1.0 JSON" err &&
	aivalue logs >logs && test_grep "^asked2  *ocel1-json " logs
'

test_expect_success 'XML in a file named .jsonocel: read as XML, and said' '
	cp "$DATA/ocel20_example.xmlocel" misnamed.jsonocel &&
	aivalue import cases misnamed.jsonocel --object-type Invoice >out 2>err &&
	test_grep "imported log .misnamed.: 3 cases, 9 events, 5 activities" out &&
	test_grep "note: .misnamed.jsonocel. is OCEL 2.0 XML, not OCEL JSON: read as OCEL 2.0 XML" err
'

test_expect_success 'JSON in a file named .xmlocel, SQLite named .json: read, and said' '
	cp "$DATA/example_log.jsonocel" v1.xmlocel &&
	aivalue import cases v1.xmlocel --object-type delivery >out 2>err &&
	test_grep "3 cases, 8 events, 4 activities" out &&
	test_grep "is OCEL 1.0 JSON, not OCEL XML: read as OCEL 1.0 JSON" err &&
	python3 -S "$CHECK" make-sqlite "$DATA/ocel20_example.jsonocel" p2p.json &&
	aivalue import cases p2p.json --object-type Payment >out 2>err &&
	test_grep "3 cases, 3 events, 1 activities" out &&
	test_grep "is OCEL 2.0 SQLite, not OCEL JSON: read as OCEL 2.0 SQLite" err
'

test_expect_success 'the form the file has, as asked: no note' '
	aivalue import cases "$DATA/example_log.xmlocel" --format ocel1-xml --object-type order \
		--name quiet >out 2>err &&
	test_grep "3 cases, 12 events" out &&
	test ! -s err
'

test_expect_success '--object-type alone says OCEL, whatever the file name' '
	cp "$DATA/ocel20_example.xmlocel" export.xml &&
	aivalue import cases export.xml --object-type "Purchase Order" --name po >out 2>err &&
	test_grep "2 cases, 5 events, 3 activities" out &&
	test ! -s err &&
	cp p2p.json export.dat &&
	aivalue import cases export.dat --object-type "Purchase Order" --name po2 >out &&
	test_grep "2 cases, 5 events, 3 activities" out
'

test_expect_success 'XES given as OCEL is refused as XES, nothing imported' '
	before=$(ledger_len) &&
	test_must_fail --exit=1 aivalue import cases "$DATA/running-example.xes" --format ocel \
		--object-type order 2>err &&
	test_grep "running-example.xes:[0-9]*:[0-9]*: not an OCEL XML log: <.*> under <log> is XES; import it as XES (--format xes)" err &&
	test "$(ledger_len)" = "$before"
'

test_expect_success 'CSV given as OCEL, and unknown --format values, are refused' '
	test_must_fail --exit=1 aivalue import cases "$DATA/running-example.csv" --object-type x 2>err &&
	test_grep "running-example.csv: not an OCEL log: neither JSON, XML nor SQLite" err &&
	test_must_fail aivalue import cases "$DATA/example_log.jsonocel" --format ocel3 --object-type x 2>err &&
	test_grep "unknown format .ocel3. (formats: xes, csv, jsonl, ocel, ocel1-json, ocel1-xml, ocel2-json, ocel2-xml, ocel2-sqlite)" err
'

test_done
