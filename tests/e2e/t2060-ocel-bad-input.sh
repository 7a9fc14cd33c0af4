#!/bin/sh
# t2060-ocel-bad-input.sh - malformed OCEL files in every form: the error
# names the file, the record (event or object id) and the field, the exit
# status is 1, and the workspace is unchanged (no log, no ledger entry).
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/eventlogs"
CHECK="$TEST_ROOT/tests/e2e/ocel_check.py"

ledger_len() { aivalue audit log --json | python3 -S -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# refused FILE TYPE PATTERN: import fails with PATTERN; nothing changes
refused() {
	before=$(ledger_len) &&
	test_must_fail --exit=1 aivalue import cases "$1" --object-type "$2" --name bad 2>err &&
	test_grep "$3" err &&
	test "$(ledger_len)" = "$before" &&
	! aivalue logs | grep "^bad "
}

# edit_json IN OUT PYTHON: OUT is IN's JSON `d` after PYTHON
edit_json() {
	python3 -S -c "import json,sys; d=json.load(open(sys.argv[1])); $3; json.dump(d, open(sys.argv[2], 'w'), indent=1)" "$1" "$2"
}

test_expect_success 'init workspace' '
	aivalue init >/dev/null &&
	aivalue import cases "$DATA/running-example.xes" >/dev/null
'

test_expect_success 'OCEL 2.0 JSON: unparseable time, missing type, dangling record' '
	edit_json "$DATA/ocel20_example.jsonocel" t1.jsonocel "d[\"events\"][6][\"time\"] = \"31.01.2022 25:00\"" &&
	refused t1.jsonocel Invoice "t1.jsonocel: event .e7.: unparseable time .31.01.2022 25:00. in .time." &&
	edit_json "$DATA/ocel20_example.jsonocel" t2.jsonocel "del d[\"objects\"][2][\"type\"]" &&
	refused t2.jsonocel Invoice "t2.jsonocel: object .R3.: no .type. (a string)" &&
	edit_json "$DATA/ocel20_example.jsonocel" t3.jsonocel "d[\"events\"][3][\"relationships\"][0] = {\"qualifier\": \"x\"}" &&
	refused t3.jsonocel Invoice "t3.jsonocel: event .e4.: relationships\[0\]: no .objectId. (a string)" &&
	edit_json "$DATA/ocel20_example.jsonocel" t4.jsonocel "d[\"objects\"][1][\"id\"] = \"R1\"" &&
	refused t4.jsonocel Invoice "t4.jsonocel: object .R1.: the id is given to two objects"
'

test_expect_success 'OCEL 1.0 JSON: a repeated event id, a missing timestamp, omap not a list' '
	sed "s/\"e2\": {/\"e1\": {/" "$DATA/example_log.jsonocel" >d1.jsonocel &&
	refused d1.jsonocel order "d1.jsonocel:[0-9]*:[0-9]*: malformed JSON: duplicate object key" &&
	edit_json "$DATA/example_log.jsonocel" d2.jsonocel "del d[\"ocel:events\"][\"e9\"][\"ocel:timestamp\"]" &&
	refused d2.jsonocel order "d2.jsonocel: event .e9.: no .ocel:timestamp. (a string)" &&
	edit_json "$DATA/example_log.jsonocel" d3.jsonocel "d[\"ocel:events\"][\"e4\"][\"ocel:omap\"] = \"d1\"" &&
	refused d3.jsonocel order "d3.jsonocel: event .e4.: .ocel:omap. is not a list"
'

test_expect_success 'OCEL XML, both versions: line, column, record and field' '
	sed "s/time=\"2022-01-31T22:00:00\"/time=\"tomorrow\"/" "$DATA/ocel20_example.xmlocel" >x1.xmlocel &&
	! cmp -s x1.xmlocel "$DATA/ocel20_example.xmlocel" &&
	refused x1.xmlocel Invoice "x1.xmlocel:[0-9]*:5: event .e8.: unparseable time .tomorrow. in .time." &&
	sed "/<string key=\"activity\" value=\"Pay Order\"\/>/d" "$DATA/example_log.xmlocel" >x2.xmlocel &&
	refused x2.xmlocel order "x2.xmlocel:[0-9]*:[0-9]*: event .e10.: no .activity." &&
	head -c 3000 "$DATA/example_log.xmlocel" >x3.xmlocel &&
	refused x3.xmlocel order "x3.xmlocel:[0-9]*:[0-9]*: malformed XML"
'

test_expect_success 'OCEL 2.0 SQLite: never trusted, nothing half-applied' '
	python3 -S "$CHECK" make-sqlite "$DATA/ocel20_example.jsonocel" good.sqlite &&
	cp good.sqlite s1.sqlite && sqlite3 s1.sqlite "DELETE FROM event_InsertPayment WHERE ocel_id = \"e8\"" &&
	refused s1.sqlite Invoice "s1.sqlite: event .e8.: no .ocel_time. (no row in the table of its type .Insert Payment.)" &&
	cp good.sqlite s2.sqlite &&
	sqlite3 s2.sqlite "UPDATE event_map_type SET ocel_type_map = \"x\"\"; DROP TABLE event; --\" WHERE ocel_type = \"Insert Payment\"" &&
	refused s2.sqlite Invoice "s2.sqlite: table .event_map_type.: type .Insert Payment. has no usable ocel_type_map" &&
	sqlite3 s2.sqlite "SELECT count(*) FROM event" >n && echo 13 >want && test_cmp want n &&
	cp good.sqlite s3.sqlite &&
	sqlite3 s3.sqlite "ALTER TABLE event_InsertPayment RENAME TO p; CREATE VIEW event_InsertPayment AS SELECT * FROM p" &&
	refused s3.sqlite Invoice "type .Insert Payment. maps to .event_InsertPayment., which is not a table" &&
	cp good.sqlite s4.sqlite && sqlite3 s4.sqlite "UPDATE event_InsertInvoice SET ocel_time = \"later\" WHERE ocel_id = \"e9\"" &&
	refused s4.sqlite Invoice "s4.sqlite: event .e9.: unparseable time .later. in .ocel_time." &&
	cp good.sqlite s5.sqlite && sqlite3 s5.sqlite "DROP TABLE object_map_type" &&
	refused s5.sqlite Invoice "s5.sqlite: not an OCEL 2.0 SQLite log: no table .object_map_type." &&
	head -c 30000 good.sqlite >s6.sqlite &&
	refused s6.sqlite Invoice "s6.sqlite: .*malformed" &&
	aivalue audit verify
'

test_done
