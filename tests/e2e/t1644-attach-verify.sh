#!/bin/sh
# t1644-attach-verify - a change request merged without an evidence file is
# not audit-ready, and the phase gate says why (0 of 1 with a complete
# record, and how to add evidence); evidence attached afterwards (`change
# attach`, in any status) is what its change.evidence entries say, so
# `audit verify` still passes (it used to compare the row with the
# change.open entry alone: "evidence differs from change.open entry"),
# and the gate passes.  An edit of the row's evidence behind the ledger is
# still named.
. "$(dirname "$0")/lib.sh"

tut="$TEST_ROOT/examples/tutorial"
gate() {   # field $1 of the change_auditability criterion of `phase --json`
	aivalue phase --json >p.json &&
	json_get p.json "[c[\"$1\"] for c in d[\"criteria\"] if c[\"criterion\"] == \"change_auditability\"][0]"
}

test_expect_success 'setup: the tutorial organisation and artefacts; CR-1 merged without evidence' '
	aivalue init >/dev/null &&
	aivalue apply -f "$tut/org.yaml" >/dev/null &&
	cp -r "$tut/artefacts" arts &&
	aivalue artefacts sync arts >/dev/null &&
	aivalue change open --artefact POL-1 --file "$tut/pol-1-v2.md" --as lina --risk medium \
		--reason "lower the limit" >/dev/null &&
	aivalue change approve CR-1 --as omar --meaning "approved as policy owner" --reason ok >/dev/null &&
	aivalue change approve CR-1 --as maria --meaning "approved as owner of SOP-1" --reason ok >/dev/null &&
	aivalue change merge CR-1 >/dev/null &&
	aivalue audit verify >v0.out &&
	test_grep "^state ok" v0.out
'

test_expect_success 'the gate fails and says what a complete record needs' '
	test "$(gate status)" = fail &&
	test "$(gate value)" = 0.0 &&
	test "$(gate source)" = "change control: 0 of 1 merged change request with a complete record (a reason, an evidence file, signatures that verify); add evidence with '\''aivalue change attach CR FILE'\''"
'

test_expect_success 'evidence attached after the merge: the state verifies, the gate passes' '
	cp "$tut/q3-audit-finding.md" . &&
	aivalue change attach CR-1 q3-audit-finding.md --as lina >/dev/null &&
	aivalue audit verify >v1.out &&
	test_grep "^state ok" v1.out &&
	printf "post-merge check\n" >check.txt &&
	aivalue change attach CR-1 check.txt --as omar >/dev/null &&
	aivalue audit verify >v2.out &&
	test_grep "^state ok" v2.out &&
	test "$(gate status)" = pass &&
	test "$(gate value)" = 1.0 &&
	gate source | grep -q "^change control: 1 of 1 merged change request with a complete record" &&
	aivalue change show CR-1 --json >show.json &&
	test "$(json_get show.json "[f[\"name\"] for f in d[\"evidence\"]]")" = \
		"['\''q3-audit-finding.md'\'', '\''check.txt'\'']"
'

test_expect_success SQLITE 'a file dropped from the row behind the ledger is named' '
	sqlite3 "$AIVALUE_DB" "UPDATE change_requests SET evidence = json_remove(evidence, '\''\$[1]'\'') WHERE id = '\''CR-1'\''" &&
	test_must_fail aivalue audit verify >v3.out 2>v3.err &&
	test_grep "table change_requests, row CR-1: evidence differs" v3.err
'

test_done
