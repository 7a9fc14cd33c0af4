#!/bin/sh
# t4142-change-attach-typed.sh - `aivalue change attach` after its result
# became a typed struct (change_attach_result): the text and --json
# printers carry the same figures, a file stored earlier prints its keys
# sorted (as `change show` does) and a file attached now in the order it
# was built, and a refused attach changes nothing.  Sizes and hashes are
# of the files written here (printf output, counted by hand).
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME
Q="'" # a single quote, for Python reprs inside test bodies
state() {
	aivalue audit checkpoint &&
	test_dump | sha256sum
}

test_expect_success 'set up Acme with a change request opened with one evidence file' '
	aivalue init &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	cp arts/sop-12.md sop-12-v2.md &&
	echo "4. Photos are mandatory." >>sop-12-v2.md &&
	printf "risk note\n" >risk.txt &&
	aivalue change open --artefact SOP-12 --file sop-12-v2.md --reason photos \
		--as ayesha.khan --evidence risk.txt >/dev/null
'

test_expect_success 'attach --json: attached files in insertion order, the stored one sorted' '
	printf "test report\n" >report.txt &&
	printf "sign-off\n" >signoff.txt &&
	aivalue change attach CR-1 report.txt signoff.txt --as kerem.sahin --json >a1.json &&
	test "$(json_get a1.json "d[\"cr\"]")" = CR-1 &&
	test "$(json_get a1.json "list(d)")" = "[$Q""cr$Q, ${Q}attached$Q, ${Q}evidence$Q, ${Q}ledger_seq$Q]" &&
	test "$(json_get a1.json "[f[\"name\"] for f in d[\"attached\"]]")" = "[${Q}report.txt$Q, ${Q}signoff.txt$Q]" &&
	test "$(json_get a1.json "[f[\"bytes\"] for f in d[\"evidence\"]]")" = "[10, 12, 9]" &&
	test "$(json_get a1.json "list(d[\"attached\"][0])")" = "[${Q}name$Q, ${Q}sha256$Q, ${Q}bytes$Q, ${Q}added_by$Q, ${Q}added_at$Q]" &&
	test "$(json_get a1.json "list(d[\"evidence\"][0])")" = "[${Q}bytes$Q, ${Q}name$Q, ${Q}sha256$Q]" &&
	test "$(json_get a1.json "d[\"attached\"][1][\"sha256\"]")" = "$(sha256sum signoff.txt | cut -c1-64)" &&
	test "$(json_get a1.json "d[\"attached\"][0][\"added_by\"]")" = kerem.sahin &&
	test "$(json_get a1.json "d[\"attached\"][0][\"added_at\"]")" = 2026-11-02T09:00:00.000000Z &&
	test "$(json_get a1.json "d[\"evidence\"][1] == d[\"attached\"][0]")" = True
'

test_expect_success 'a file attached earlier comes back with its keys sorted, as change show prints it' '
	printf "fourth\n" >fourth.txt &&
	aivalue change attach CR-1 fourth.txt --as kerem.sahin --json >a2.json &&
	test "$(json_get a2.json "list(d[\"evidence\"][1])")" = "[${Q}added_at$Q, ${Q}added_by$Q, ${Q}bytes$Q, ${Q}name$Q, ${Q}sha256$Q]" &&
	test "$(json_get a2.json "list(d[\"evidence\"][3])")" = "[${Q}name$Q, ${Q}sha256$Q, ${Q}bytes$Q, ${Q}added_by$Q, ${Q}added_at$Q]" &&
	aivalue change show CR-1 --json >show.json &&
	json_get a2.json "json.dumps(d[\"evidence\"][:3])" >attach-stored.txt &&
	json_get show.json "json.dumps(d[\"evidence\"][:3])" >show-stored.txt &&
	test_cmp show-stored.txt attach-stored.txt
'

test_expect_success 'attach text: one line per file attached, then the count' '
	printf "fifth file\n" >fifth.txt &&
	aivalue change attach CR-1 fifth.txt --as kerem.sahin >a3.txt &&
	printf "attached fifth.txt to CR-1 (11 bytes, sha256 %.16s...)\nCR-1 has 5 evidence files\n" \
		"$(sha256sum fifth.txt)" >want.txt &&
	test_cmp want.txt a3.txt
'

test_expect_success 'attaching a file already attached is refused and changes nothing' '
	state >before.state &&
	test_must_fail aivalue change attach CR-1 risk.txt --as kerem.sahin 2>err &&
	test_grep "evidence .risk.txt. is already attached to CR-1" err &&
	state >after.state &&
	test_cmp before.state after.state
'

test_done
