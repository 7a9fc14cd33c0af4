#!/bin/sh
# t0127-identities-bound.sh - the identities table is bound to the ledger.
#
# identities (which GitHub login, UPN or e-mail is which person) is written
# both by `identities import` and by Identity specs, each overriding the
# other's rows, and neither entry said what the table became: a login moved
# to another person with sqlite3 or psql (re-attributing that person's usage)
# verified clean.  Now every entry that changes the table records each
# person's identities digest (identities_sha256), and audit verify compares
# the newest one with the table, naming the person whose identities differ.
. "$(dirname "$0")/lib.sh"
Q="'" # a single quote, for Python reprs

test_expect_success 'set up: six people with Identity specs, then an import overriding one' '
	aivalue init >/dev/null &&
	aivalue apply -f "$TEST_ROOT/tests/data/usage/six-people.yaml" >/dev/null &&
	printf "person,kind,value\neli,github,eli-gh\nfay,email,fay@old.example\nana,github,bo-gh\n" >ids.csv &&
	aivalue identities import ids.csv >out &&
	test_grep "^imported 3 identities" out &&
	test "$(test_sql "SELECT person || '\'' '\'' || source FROM identities WHERE value = '\''bo-gh'\''")" = "ana apply" &&
	aivalue audit verify >ok.out &&
	test_grep "^state ok: " ok.out
'

test_expect_success 'the import entry records the identities of every person' '
	aivalue audit log --json >log.json &&
	test "$(json_get log.json "sorted(d[0][\"payload\"][\"identities_sha256\"])")" = "[${Q}ana${Q}, ${Q}bo${Q}, ${Q}cy${Q}, ${Q}dee${Q}, ${Q}eli${Q}, ${Q}fay${Q}]" &&
	test "$(json_get log.json "d[0][\"action\"]")" = identities.import
'

test_expect_success 'a login moved to another person behind the ledger names both people' '
	workspace_copy m &&
	test_sql_on m "UPDATE identities SET person = '\''ana'\'' WHERE value = '\''dee-gh'\''" &&
	test_must_fail aivalue --db "$(workspace_db m)" audit verify 2>m.err &&
	test_grep "^error: table identities, row ana: this person.s identities digest to [0-9a-f]\{12\}\.\.\. but identities.import entry [0-9]*, the newest that changed the table, recorded [0-9a-f]\{12\}\.\.\.$" m.err &&
	test_grep "^error: table identities, row dee: this person.s identities digest to" m.err &&
	test_grep "state verification failed: 2 differences" m.err
'

test_expect_success 'a person whose identities were deleted, and one who gained some, are named' '
	workspace_copy d &&
	test_sql_on d "DELETE FROM identities WHERE person = '\''cy'\''" &&
	test_sql_on d "INSERT INTO identities VALUES ('\''github'\'', '\''zed-gh'\'', '\''zed'\'', '\''import'\'')" &&
	test_must_fail aivalue --db "$(workspace_db d)" audit verify 2>d.err &&
	test_grep "^error: table identities, row cy: missing: identities.import entry [0-9]* recorded identities for this person$" d.err &&
	test_grep "^error: table identities, row zed: this person has identities but identities.import entry [0-9]*, the newest that changed the table, recorded none$" d.err
'

test_expect_success 'an Identity spec applied after the import is the newest word, and verifies' '
	printf "kind: Identity\nname: dee\ngithub: dee-new\n" >dee.yaml &&
	aivalue apply -f dee.yaml >/dev/null &&
	aivalue audit verify >ok2.out &&
	test_grep "^state ok: " ok2.out &&
	test_sql "UPDATE identities SET source = '\''import'\'' WHERE value = '\''dee-new'\''" &&
	test_must_fail aivalue audit verify 2>s.err &&
	test_grep "^error: table identities, row dee: this person.s identities digest to [0-9a-f]\{12\}\.\.\. but apply.update entry [0-9]*, the newest" s.err
'

test_done
