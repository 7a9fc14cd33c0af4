#!/bin/sh
# t4143-change-sign-typed.sh - `aivalue change approve|reject` after their
# result became a typed struct (change_sign_result, change_approval): the
# text and --json printers carry the same approval state, worked out by
# hand from Acme's graph (examples/acme): SOP-12's approval path is
# kerem.sahin (owner), team operations-claims-motor (FORM-3; kerem.sahin
# is its lead, so his one signature fills two slots) and camila.laurent
# (REQ-21); medium risk needs 2 distinct approvers.
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME
Q="'" # a single quote, for Python reprs inside test bodies

test_expect_success 'set up Acme with two change requests' '
	aivalue init &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	cp arts/sop-12.md sop-12-v2.md &&
	echo "4. Photos are mandatory." >>sop-12-v2.md &&
	aivalue change open --artefact SOP-12 --file sop-12-v2.md --reason photos \
		--as ayesha.khan >/dev/null &&
	cp arts/sop-12.md sop-12-v3.md &&
	echo "4. Photos are optional." >>sop-12-v3.md &&
	aivalue change open --artefact SOP-12 --file sop-12-v3.md --reason "no photos" \
		--as ayesha.khan >/dev/null
'

test_expect_success 'approve --json: status, the signature, and the approval state slot by slot' '
	aivalue change approve CR-1 --as kerem.sahin --meaning owner --reason ok --json >a.json &&
	test "$(json_get a.json "list(d)")" = "[${Q}cr$Q, ${Q}status$Q, ${Q}signature$Q, ${Q}approval$Q]" &&
	test "$(json_get a.json "d[\"status\"]")" = open &&
	test "$(json_get a.json "d[\"signature\"][\"signer\"]")" = kerem.sahin &&
	test "$(json_get a.json "list(d[\"approval\"][\"slots\"][0])")" = "[${Q}kind$Q, ${Q}name$Q, ${Q}role$Q, ${Q}satisfied_by$Q]" &&
	test "$(json_get a.json "[s[\"satisfied_by\"] for s in d[\"approval\"][\"slots\"]]")" = "[${Q}kerem.sahin$Q, ${Q}kerem.sahin$Q, None]" &&
	test "$(json_get a.json "(d[\"approval\"][\"approved\"], d[\"approval\"][\"approvers\"], d[\"approval\"][\"quorum\"])")" = "(False, 1, 2)" &&
	test "$(json_get a.json "d[\"approval\"][\"missing\"][-1]")" = "quorum: 1 of 2 distinct approvers (medium risk)" &&
	test "$(json_get a.json "d[\"approval\"][\"missing\"][0]")" = "owner of impacted REQ-21 (derives-from): person ${Q}camila.laurent$Q" &&
	test "$(json_get a.json "len(d[\"approval\"][\"missing\"])")" = 2
'

test_expect_success 'approve text: the same state as lines; the second approver completes it' '
	aivalue change approve CR-1 --as camila.laurent --meaning owner --reason ok >a.txt &&
	cat >want.txt <<-\EOT &&
	approve CR-1 by camila.laurent; CR-1 is approved
	  [x] owner of SOP-12: person '"'"'kerem.sahin'"'"' -- signed by kerem.sahin
	  [x] owner of impacted FORM-3 (implements): team '"'"'operations-claims-motor'"'"' -- signed by kerem.sahin
	  [x] owner of impacted REQ-21 (derives-from): person '"'"'camila.laurent'"'"' -- signed by camila.laurent
	  approvers 2 of quorum 2
	EOT
	test_cmp want.txt a.txt
'

test_expect_success 'reject --json: no approval state, status rejected' '
	aivalue change reject CR-2 --as kerem.sahin --meaning owner --reason dup --json >r.json &&
	test "$(json_get r.json "list(d)")" = "[${Q}cr$Q, ${Q}status$Q, ${Q}signature$Q]" &&
	test "$(json_get r.json "(d[\"cr\"], d[\"status\"], d[\"signature\"][\"decision\"])")" = "($Q""CR-2$Q, ${Q}rejected$Q, ${Q}reject$Q)"
'

test_done
