#!/bin/sh
# Declarative apply: idempotent, all-or-nothing, diffs in the ledger.
. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"

head_of() { aivalue audit checkpoint; }

test_expect_success 'apply the Acme organisation' '
	aivalue init &&
	aivalue apply -f "$ACME" >out &&
	test_grep "created, 0 updated, 0 unchanged" out &&
	aivalue get people --json >people.json &&
	test "$(json_get people.json "len(d) >= 300")" = True &&
	aivalue get initiatives --json >ini.json &&
	test "$(json_get ini.json "len(d) >= 12")" = True &&
	test "$(json_get ini.json "len(set(i[\"model\"] for i in d))")" = 5
'
test_expect_success 'every function of the issue has people' '
	aivalue get teams --json >teams.json &&
	for f in hr legal finance operations sales engineering customer_service; do
		test "$(json_get teams.json "sum(1 for t in d if t[\"function\"] == \"$f\") > 0")" = True || exit 1
	done
'
test_expect_success 'applying the same files again changes nothing' '
	before=$(head_of) &&
	aivalue apply -f "$ACME" >out &&
	test_grep "^0 created, 0 updated, [0-9]* unchanged" out &&
	test "$(head_of)" = "$before"
'
test_expect_success 'a changed object appends exactly one entry with the difference' '
	before=$(aivalue audit checkpoint | cut -d: -f1) &&
	aivalue get person "$(json_get people.json "d[0][\"name\"]")" --json >p.json &&
	name=$(json_get p.json "d[\"name\"]") &&
	python3 -S -c "
import json,sys
d=json.load(open(\"p.json\"))
print(\"kind: Person\")
for k,v in d.items():
    if k == \"role\": v = \"Prompt engineer\"
    print(\"%s: %s\" % (k, json.dumps(v)))
" >changed.yaml &&
	aivalue apply -f changed.yaml >out && test_grep "1 updated" out &&
	after=$(aivalue audit checkpoint | cut -d: -f1) &&
	test $((after - before)) -eq 1 &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = apply.update &&
	test "$(json_get log.json "d[0][\"payload\"][\"changes\"][\"role\"][\"after\"]")" = "Prompt engineer" &&
	test "$(json_get log.json "\",\".join(d[0][\"payload\"][\"changes\"].keys())")" = "role"
'
test_expect_success 'a file with one invalid document applies nothing' '
	before=$(head_of) &&
	cat >mixed.yaml <<-\EOT &&
	kind: Team
	name: new-team
	title: New team
	function: legal
	---
	kind: Person
	name: new.person
	display_name: New Person
	role: Analyst
	team: new-team
	manager: nobody.at.all
	EOT
	test_must_fail --exit=1 aivalue apply -f mixed.yaml 2>err &&
	test_grep "mixed.yaml:11:10: person .new.person.: field .manager. refers to unknown person .nobody.at.all." err &&
	test "$(head_of)" = "$before" &&
	test_must_fail aivalue get team new-team
'
test_expect_success 'malformed YAML names file, line and column' '
	test_must_fail --exit=1 aivalue apply -f "$ACME/broken/malformed.yaml" 2>err &&
	test_grep "malformed.yaml:[0-9]*:[0-9]*: invalid YAML" err &&
	test $(wc -l <err) -eq 1
'
test_expect_success 'unknown kind and unknown key are refused with their place' '
	test_must_fail aivalue apply -f "$ACME/broken/bad-kind.yaml" 2>err &&
	test_grep "bad-kind.yaml:2:7: unknown kind .Robot." err &&
	test_must_fail aivalue apply -f "$ACME/broken/unknown-key.yaml" 2>err &&
	test_grep "unknown-key.yaml:14:1: person .test.person.: unknown key .emial." err
'
test_expect_success 'an initiative whose owner does not exist is refused' '
	test_must_fail aivalue apply -f "$ACME/broken/bad-ref.yaml" 2>err &&
	test_grep "field .owner. refers to unknown person .nobody.here." err
'
test_expect_success 'bad values: model, phase, status, function, types' '
	name=$(json_get people.json "d[0][\"name\"]") &&
	printf "kind: Initiative\nname: x\ntitle: X\nmodel: magic\nowner: %s\nphase: 1\nstatus: pilot\n" "$name" >m.yaml &&
	test_must_fail aivalue apply -f m.yaml 2>err && test_grep "m.yaml:4:8: .*unknown value model .magic." err &&
	printf "kind: Initiative\nname: x\ntitle: X\nmodel: expert\nowner: %s\nphase: 9\nstatus: pilot\n" "$name" >p9.yaml &&
	test_must_fail aivalue apply -f p9.yaml 2>err && test_grep "phase must be 1 to 3" err &&
	printf "kind: Initiative\nname: x\ntitle: X\nmodel: expert\nowner: %s\nphase: two\nstatus: pilot\n" "$name" >pt.yaml &&
	test_must_fail aivalue apply -f pt.yaml 2>err && test_grep "must be an integer" err &&
	printf "kind: Team\nname: t\ntitle: T\nfunction: astrology\n" >f.yaml &&
	test_must_fail aivalue apply -f f.yaml 2>err && test_grep "unknown function .astrology." err &&
	printf "kind: Person\nname: Bad Name\ndisplay_name: B\nrole: r\nteam: t\n" >n.yaml &&
	test_must_fail aivalue apply -f n.yaml 2>err && test_grep "n.yaml:2:7: .*must be lowercase" err
'
test_expect_success 'the same object twice in one apply is refused' '
	printf "kind: Team\nname: dup\ntitle: A\nfunction: hr\n---\nkind: Team\nname: dup\ntitle: B\nfunction: hr\n" >d.yaml &&
	test_must_fail aivalue apply -f d.yaml 2>err && test_grep "defined twice" err
'
test_expect_success 'references may point forward within one apply' '
	cat >fwd.yaml <<-\EOT &&
	kind: Person
	name: fwd.lead
	display_name: Forward Lead
	role: Team manager
	team: fwd-team
	---
	kind: Team
	name: fwd-team
	title: Forward team
	function: hr
	lead: fwd.lead
	EOT
	aivalue apply -f fwd.yaml >out && test_grep "2 created" out
'
test_expect_success 'dry run reports and changes nothing' '
	before=$(head_of) &&
	sed "s/Forward team/Renamed team/" fwd.yaml >fwd2.yaml &&
	aivalue apply -f fwd2.yaml --dry-run >out &&
	test_grep "Team/fwd-team updated (dry run)" out &&
	test "$(head_of)" = "$before" &&
	aivalue get team fwd-team | test_grep "Forward team"
'
test_expect_success 'apply from stdin and --json result' '
	aivalue apply -f - --json <fwd2.yaml >r.json &&
	test "$(json_get r.json "d[\"updated\"]")" = 1
'
test_expect_success 'the ledger verifies after all of this' '
	aivalue audit verify | test_grep "ledger ok"
'
test_done
