#!/bin/sh
# t1644-attach-verify - evidence attached to a change request after it was
# opened (`change attach`, in any status) is what its change.evidence
# entries say, so `audit verify` still passes: the tutorial attaches the
# audit finding to its done change, and verify used to compare the row with
# the change.open entry alone ("evidence differs from change.open entry").
# An edit of the row's evidence behind the ledger is still named.
. "$(dirname "$0")/lib.sh"

tut="$TEST_ROOT/examples/tutorial"

test_expect_success 'setup: the tutorial organisation and artefacts, CR-1 opened with one file' '
	aivalue init >/dev/null &&
	aivalue apply -f "$tut/org.yaml" >/dev/null &&
	cp -r "$tut/artefacts" arts &&
	aivalue artefacts sync arts >/dev/null &&
	printf "risk note\n" >risk.txt &&
	aivalue change open --artefact POL-1 --file "$tut/pol-1-v2.md" --as lina --risk medium \
		--reason "lower the limit" --evidence risk.txt >/dev/null &&
	aivalue audit verify >v0.out &&
	test_grep "^state ok" v0.out
'

test_expect_success 'attached while open, then after the merge: the state still verifies' '
	cp "$tut/q3-audit-finding.md" . &&
	aivalue change attach CR-1 q3-audit-finding.md --as lina >/dev/null &&
	aivalue audit verify >v1.out &&
	test_grep "^state ok" v1.out &&
	aivalue change approve CR-1 --as omar --meaning "approved as policy owner" --reason ok >/dev/null &&
	aivalue change approve CR-1 --as maria --meaning "approved as owner of SOP-1" --reason ok >/dev/null &&
	aivalue change merge CR-1 >/dev/null &&
	printf "post-merge check\n" >check.txt &&
	aivalue change attach CR-1 check.txt --as omar >/dev/null &&
	aivalue audit verify >v2.out &&
	test_grep "^state ok" v2.out &&
	aivalue change show CR-1 --json >show.json &&
	test "$(json_get show.json "[f[\"name\"] for f in d[\"evidence\"]]")" = \
		"['\''risk.txt'\'', '\''q3-audit-finding.md'\'', '\''check.txt'\'']"
'

test_expect_success 'a file dropped from the row behind the ledger is named' '
	sqlite3 "$AIVALUE_DB" "UPDATE change_requests SET evidence = json_remove(evidence, '\''\$[1]'\'') WHERE id = '\''CR-1'\''" &&
	test_must_fail aivalue audit verify >v3.out 2>v3.err &&
	test_grep "table change_requests, row CR-1: evidence differs" v3.err
'

test_done
