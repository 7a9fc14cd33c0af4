#!/bin/sh
# get and delete.
. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"

test_expect_success 'setup' '
	aivalue init && aivalue apply -f "$ACME" >/dev/null
'
test_expect_success 'get lists with a header and one row per object' '
	aivalue get teams >out &&
	test_grep "^NAME  *TITLE  *FUNCTION  *LEAD" out &&
	aivalue get teams --json >t.json &&
	test $(($(wc -l <out) - 1)) -eq "$(json_get t.json "len(d)")"
'
test_expect_success 'get by plural, singular or kind name' '
	aivalue get initiatives >a && aivalue get initiative >b && aivalue get Initiative >c &&
	test_cmp a b && test_cmp a c
'
test_expect_success 'get NAME shows one object; unknown NAME is an error' '
	n=$(json_get t.json "d[0][\"name\"]") &&
	aivalue get team "$n" --json >one.json &&
	test "$(json_get one.json "d[\"name\"]")" = "$n" &&
	test_must_fail --exit=1 aivalue get team no-such-team 2>err &&
	test_grep "no team named .no-such-team." err
'
test_expect_success 'unknown kind is a usage error' '
	test_must_fail --exit=2 aivalue get robots 2>err && test_grep "unknown kind" err
'
test_expect_success 'delete refuses while something refers to the object' '
	aivalue get initiatives --json >i.json &&
	owner=$(json_get i.json "d[0][\"owner\"]") &&
	before=$(aivalue audit checkpoint) &&
	test_must_fail --exit=1 aivalue delete person "$owner" 2>err &&
	test_grep "cannot delete person .$owner.: .* still refers to it" err &&
	test "$(aivalue audit checkpoint)" = "$before"
'
test_expect_success 'delete removes and records the removed spec' '
	ini=$(json_get i.json "d[0][\"name\"]") &&
	aivalue delete initiative "$ini" >out && test_grep "deleted" out &&
	test_must_fail aivalue get initiative "$ini" &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = apply.delete &&
	test "$(json_get log.json "d[0][\"payload\"][\"before\"][\"name\"]")" = "$ini" &&
	test_must_fail aivalue delete initiative "$ini" 2>err && test_grep "no initiative named" err
'
test_expect_success 'the owner can be deleted once nothing refers to them (other refs permitting)' '
	printf "kind: Team\nname: solo\ntitle: Solo\nfunction: hr\n---\nkind: Person\nname: solo.person\ndisplay_name: Solo\nrole: r\nteam: solo\n" >s.yaml &&
	aivalue apply -f s.yaml >/dev/null &&
	test_must_fail aivalue delete team solo &&
	aivalue delete person solo.person && aivalue delete team solo &&
	aivalue audit verify | test_grep "ledger ok"
'
test_done
