#!/bin/sh
# import org: warnings that name the records (a manager cycle, a dangling
# manager, a duplicate email) and bad input that fails naming the file,
# the record and the field and leaves the workspace as it was.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/org"

test_expect_success 'warnings name the records; the import goes on' '
	aivalue init >/dev/null &&
	aivalue import org "$FX/entra-warnings.json" --format entra-users --json >o.json &&
	test "$(json_get o.json "len(d[\"joined\"])")" = 5 &&
	test "$(json_get o.json "[w[\"warning\"] for w in d[\"warnings\"]]")" = \
		"['"'"'dangling manager'"'"', '"'"'manager cycle'"'"', '"'"'duplicate email'"'"']" &&
	json_get o.json "d[\"warnings\"][1][\"records\"]" >cycle &&
	test_grep "record 1 (ana.lopez@fabrikam.example) -> .*record 2 (ben.weber@fabrikam.example) -> .*record 1 (ana.lopez@fabrikam.example); the manager of ben.weber@fabrikam.example is not set" cycle &&
	json_get o.json "d[\"warnings\"][0][\"records\"]" >dangling &&
	test_grep "record 3 (carla.dahl@fabrikam.example) names manager .9c0e7b1a-0000-4000-8000-000000000099." dangling &&
	json_get o.json "d[\"warnings\"][2][\"records\"]" >dup &&
	test_grep "record 4 (david.ito@fabrikam.example) and of .*record 5 (elena.rossi@fabrikam.example): kept for the first" dup &&
	test "$(test_sql "SELECT name || '"'"':'"'"' || coalesce(manager, '"'"'-'"'"') || '"'"':'"'"' || coalesce(email, '"'"'-'"'"') FROM people ORDER BY name" | tr "\n" " ")" = \
		"ana.lopez:ben.weber:ana.lopez@fabrikam.example ben.weber:-:ben.weber@fabrikam.example carla.dahl:-:carla.dahl@fabrikam.example david.ito:carla.dahl:shared@fabrikam.example elena.rossi:carla.dahl:- "
'

# fail_unchanged FILE-ARGS... : the import fails, its message goes to err,
# and neither the ledger nor the people change.
fail_unchanged() {
	before=$(test_sql "SELECT max(seq) FROM ledger") &&
	people=$(test_sql "SELECT count(*) FROM people") &&
	test_must_fail aivalue import org "$@" 2>err &&
	test "$(test_sql "SELECT max(seq) FROM ledger")" = "$before" &&
	test "$(test_sql "SELECT count(*) FROM people")" = "$people"
}

test_expect_success 'a field of the wrong type names file, record and field' '
	python3 -S -c "import json; d=json.load(open(\"$FX/entra-page2.json\")); d[\"value\"][1][\"jobTitle\"]=5; json.dump(d, open(\"typed.json\", \"w\"))" &&
	fail_unchanged typed.json --format entra-users --map "$FX/map.yaml" &&
	test_grep "cannot import .typed.json.: record 2, field .jobTitle.: not a string" err
'

test_expect_success 'a last page with @odata.nextLink is an incomplete export' '
	fail_unchanged "$FX/entra-page1.json" --format entra-users --map "$FX/map.yaml" &&
	test_grep "entra-page1.json.: field .@odata.nextLink.: the export goes on" err
'

test_expect_success 'SCIM totalResults beyond the resources given is an incomplete list' '
	sed "s/\"totalResults\": 5/\"totalResults\": 7/" "$FX/scim-list.json" >short.json &&
	fail_unchanged short.json --format scim --map "$FX/scim-map.yaml" &&
	test_grep "field .totalResults.: the list has 7 resources but the files hold 5" err
'

test_expect_success 'broken JSON names line and column' '
	printf "{\"value\": [\n  {\"id\": \"x\",}\n]}\n" >broken.json &&
	fail_unchanged broken.json --format entra-users &&
	test_grep "broken.json:2:" err
'

test_expect_success 'a repeated directory id and a bad email are refused' '
	sed "s/E101,/E100,/" "$FX/hr.csv" >dupid.csv &&
	fail_unchanged dupid.csv --format csv --map "$FX/hr-map.yaml" &&
	test_grep "dupid.csv.: record 3, field .id.: .E100. is also the id of .*dupid.csv record 2" err &&
	sed "s/,felix.engel@umbrella.example,Felix/,felix.engel at umbrella,Felix/" "$FX/hr.csv" >email.csv &&
	fail_unchanged email.csv --format csv --map "$FX/hr-map.yaml" &&
	test_grep "email.csv.: record 3, field .email.: .felix.engel at umbrella. is not an address" err
'

test_expect_success 'a Latin-1 HR export is refused at the field, not stored mangled' '
	printf "id,login,display_name,department\nE1,jose@x.example,Jos\351 Pe\361a,Finance\n" >latin1.csv &&
	fail_unchanged latin1.csv --format csv &&
	test_grep "latin1.csv:2:19: field .display_name. is not valid UTF-8" err
'

test_expect_success 'a mapping file naming an unknown function points at it' '
	printf "departments:\n  Finance: treasury\n" >badmap.yaml &&
	fail_unchanged "$FX/hr.csv" --format csv --map badmap.yaml &&
	test_grep "badmap.yaml:2:12: unknown function .treasury." err &&
	fail_unchanged "$FX/hr.csv" --format ldif &&
	test_grep "unknown org format .ldif." err
'

test_done
