#!/bin/sh
# t4120-sync-atomic.sh - `aivalue artefacts sync DIR` (and POST
# /api/v1/artefacts/sync) is all-or-nothing: registering new files and
# opening a change request for every changed file are one transaction, so
# when one opening is refused after the registrations and an earlier
# opening were written, nothing stays: no artefact, no change request, no
# ledger entry, and no file on disk is touched.  The refusal used here is
# real: the proposer owns the last changed artefact and has no manager to
# approve in their place (ulrike.hartmann, the CEO).  A Doorstop import is
# all-or-nothing the same way: an item whose content changed is refused
# after a new item was written, and the new item goes too.
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME

# The whole state: ledger head, a dump of the database, and the files.
state() {
	aivalue audit checkpoint &&
	test_dump | sha256sum &&
	find arts reqs -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum
}
# unchanged CMD...: the command fails and nothing changes
unchanged() {
	state >before.state &&
	test_must_fail "$@" 2>err.txt &&
	state >after.state &&
	test_cmp before.state after.state
}

test_expect_success 'set up Acme with a charter owned by the CEO, who has no manager' '
	aivalue init &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	printf -- "---\nid: POL-1\nkind: policy\ntitle: Group charter\nowner: ulrike.hartmann\n---\n# Charter\n" >arts/zz-charter.md &&
	aivalue artefacts sync arts >out &&
	test_grep "11 registered, 0 updated, 0 unchanged, 0 proposed" out &&
	test "$(test_sql "SELECT manager FROM people WHERE name = '\''ulrike.hartmann'\''")" = ""
'

test_expect_success 'change two files and add one: registration and the first opening would succeed' '
	printf -- "---\nid: SOP-30\nkind: sop\ntitle: Claims follow-up\nowner: kerem.sahin\ndepends_on: [SOP-12]\n---\n# Follow-up\n" >arts/sop-30.md &&
	echo "5. Log the call." >>arts/sop-12.md &&
	echo "Amended by the board." >>arts/zz-charter.md &&
	aivalue --json get artefacts >arts-before.json &&
	test "$(json_get arts-before.json "len(d)")" = 11
'

test_expect_success 'a refused opening after registration leaves the store, the ledger and the files unchanged' '
	unchanged aivalue artefacts sync arts --as ulrike.hartmann --reason "board decision" &&
	test_grep "arts/zz-charter.md: artefact .POL-1.: content changed, but its change request cannot open (nothing synced): .ulrike.hartmann. owns .POL-1. and is its author, and has no manager" err.txt &&
	aivalue --json get artefacts >arts-after.json &&
	test_cmp arts-before.json arts-after.json &&
	test "$(test_sql "SELECT count(*) FROM change_requests")" = 0 &&
	test "$(test_sql "SELECT count(*) FROM artefacts WHERE id = '\''SOP-30'\''")" = 0 &&
	test "$(test_sql "SELECT count(*) FROM ledger WHERE action LIKE '\''change.%'\'' OR subject = '\''Artefact/SOP-30'\''")" = 0
'

test_expect_success 'a dry run fails the same way and changes nothing' '
	unchanged aivalue artefacts sync arts --dry-run --as ulrike.hartmann --reason "board decision" &&
	test_grep "arts/zz-charter.md: .*has no manager" err.txt
'

test_expect_success 'a dry run that would succeed reports it all and changes nothing' '
	state >before.state &&
	aivalue --json artefacts sync arts --dry-run --as karthik.verma --reason "board decision" >dry.json &&
	state >after.state &&
	test_cmp before.state after.state &&
	test "$(json_get dry.json "d[\"registered\"]")" = "['\''SOP-30'\'']" &&
	test "$(json_get dry.json "sorted(p[\"artefact\"] for p in d[\"proposed\"])")" = "['\''POL-1'\'', '\''SOP-12'\'']" &&
	test "$(json_get dry.json "[p[\"cr\"] for p in d[\"proposed\"]]")" = "['\''(dry run)'\'', '\''(dry run)'\'']"
'

test_expect_success 'with a proposer who can open both, one sync does everything at once' '
	aivalue --json artefacts sync arts --as karthik.verma --reason "board decision" >ok.json &&
	test "$(json_get ok.json "d[\"registered\"]")" = "['\''SOP-30'\'']" &&
	test "$(json_get ok.json "len(d[\"proposed\"])")" = 2 &&
	aivalue --json change list >list.json &&
	test "$(json_get list.json "sorted(c[\"artefact\"] for c in d)")" = "['\''POL-1'\'', '\''SOP-12'\'']" &&
	cr=$(json_get ok.json "[p[\"cr\"] for p in d[\"proposed\"] if p[\"artefact\"] == \"SOP-12\"][0]") &&
	aivalue --json change show "$cr" >cr.json &&
	json_get cr.json "[i[\"id\"] for i in d[\"impact\"]]" >impact &&
	test_grep "SOP-30" impact &&
	aivalue audit verify >/dev/null
'

test_expect_success 'over HTTP the same refusal is a 403 and changes nothing' '
	aivalue token create --name ulrike.hartmann --role lead >ulrike.tok 2>/dev/null &&
	start_server &&
	echo "Amended again." >>arts/zz-charter.md &&
	printf -- "---\nid: SOP-31\nkind: sop\ntitle: Claims closure\nowner: kerem.sahin\n---\n# Closure\n" >arts/sop-31.md &&
	state >before.state &&
	st=$(curl -s -o out.json -w "%{http_code}" -X POST -H "Authorization: Bearer $(cat ulrike.tok)" \
		-H "Content-Type: application/json" -d "{\"dir\": \"arts\", \"reason\": \"board\"}" \
		"$AIV_URL/api/v1/artefacts/sync") &&
	state >after.state &&
	test "$st" = 403 &&
	test_grep "arts/zz-charter.md: artefact .POL-1.: .*has no manager" out.json &&
	test_cmp before.state after.state &&
	test "$(test_sql "SELECT count(*) FROM artefacts WHERE id = '\''SOP-31'\''")" = 0 &&
	stop_server
'

test_expect_success 'Doorstop: a changed item refused after a new item was written leaves nothing' '
	mkdir -p reqs/sys &&
	printf "settings:\n  digits: 3\n  prefix: SYS\n  sep: \"\"\n" >reqs/sys/.doorstop.yml &&
	printf "active: true\nlevel: 1.0\nnormative: true\ntext: Claims are acknowledged within one hour.\n" >reqs/sys/SYS002.yml &&
	aivalue artefacts import-doorstop reqs --owner camila.laurent >out &&
	test_grep "SYS002" out &&
	printf "active: true\nlevel: 1.0\nnormative: true\ntext: Claims are triaged.\n" >reqs/sys/SYS001.yml &&
	printf "active: true\nlevel: 1.0\nnormative: true\ntext: Claims are acknowledged within two hours.\n" >reqs/sys/SYS002.yml &&
	unchanged aivalue artefacts import-doorstop reqs --owner camila.laurent &&
	test_grep "SYS002.*content changes go through" err.txt &&
	test "$(test_sql "SELECT count(*) FROM artefacts WHERE id = '\''SYS001'\''")" = 0 &&
	unchanged aivalue artefacts import-doorstop reqs --owner camila.laurent --dry-run &&
	test_grep "content changes go through" err.txt
'

test_done
