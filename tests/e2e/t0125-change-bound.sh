#!/bin/sh
# t0125-change-bound.sh - a change request's status is the ledger's.
#
# change_requests.status used to be the only thing `change merge` asked:
# set it to approved with sqlite3 (or psql) and an unapproved change merged.  Now
# merge asks the ledger: its status of the request (moved by change.open,
# change.approve {status}, change.reject, change.merge, change.done) must
# be approved, every approving signature row must be one a change.approve
# entry recorded, and those signatures must satisfy the approval path.
# And `audit verify` replays status, approved_at, merged_at and closed_at
# from those entries and names each row that differs.
#
# Acme: SOP-12 v1 -> v2 (medium risk, quorum 2) needs kerem.sahin (owner
# of SOP-12, and of team operations-claims-motor for FORM-3) and
# camila.laurent (owner of REQ-21).
#
# The spec a merge rewrites (apply_set_spec_fields keeps the Artefact
# object's spec at the merged version, without an apply entry of its own)
# is covered by change.merge: it records the fingerprint and version the
# merge set, so the spec must be the applied one with those two moved; an
# edit after the merge, even with spec_hash recomputed, is named.
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME
SQ="'" # a single quote, for Python reprs

# respec DB EXPR: set a field of SOP-12's stored spec with Python (EXPR over
# spec) and recompute spec_hash over its canonical form, as a careful
# forger would
respec() {
	python3 -S - "$1" "$2" <<-\PY
	import hashlib, json, sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	spec = json.loads(db.execute("SELECT spec FROM objects WHERE kind = 'Artefact'"
	                             " AND name = 'SOP-12'").fetchone()[0])
	exec(sys.argv[2])
	text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
	db.execute("UPDATE objects SET spec = ?, spec_hash = ? WHERE kind = 'Artefact'"
	           " AND name = 'SOP-12'", (text, hashlib.sha256(text.encode()).hexdigest()))
	db.commit()
	PY
}

# merge_refused NAME WHY: merging CR-1 on the copy NAME is refused for WHY
merge_refused() {
	db=$1 why=$2 &&
	test_must_fail aivalue --db "$(workspace_db "$db")" change merge CR-1 >m.out 2>m.err &&
	test_grep "^error: CR-1 cannot be merged: $why" m.err &&
	test "$(test_sql_on "$db" "SELECT status || ' v' || version FROM change_requests, artefacts
		WHERE artefacts.id = 'SOP-12'")" = "approved v1"
}

test_expect_success 'set up: CR-1 on SOP-12, approved once (one.db) and twice (approved.db)' '
	aivalue init >/dev/null &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	cp arts/sop-12.md sop-12-v2.md &&
	echo "4. Photos are mandatory." >>sop-12-v2.md &&
	aivalue change open --artefact SOP-12 --file sop-12-v2.md --reason photos \
		--as ayesha.khan >/dev/null &&
	aivalue change approve CR-1 --as kerem.sahin --meaning "approved as owner" --reason ok >/dev/null &&
	test "$(test_sql "SELECT status FROM change_requests")" = open &&
	workspace_copy one &&
	aivalue change approve CR-1 --as camila.laurent --meaning "approved as REQ-21 owner" \
		--reason ok >/dev/null &&
	test "$(test_sql "SELECT status FROM change_requests")" = approved &&
	workspace_copy approved &&
	aivalue audit log --json >log.json &&
	test "$(json_get log.json "[e[\"payload\"][\"status\"] for e in d if e[\"action\"] == \"change.approve\"]")" = "[${SQ}approved${SQ}, ${SQ}open${SQ}]"
'

test_expect_success 'a status set to approved behind the ledger merges nothing' '
	workspace_copy f1 one &&
	test_sql_on f1 "UPDATE change_requests SET status = '\''approved'\''" &&
	merge_refused f1 "the ledger says it is not approved (ledger entry [0-9]*); the change tables were changed outside the ledger" &&
	test_grep "^aivalue: refused to merge CR-1: the ledger says it is not approved" m.err &&
	test_must_fail aivalue --db "$(workspace_db f1)" audit verify 2>v.err &&
	test_grep "^error: table change_requests, row CR-1: status is approved but the ledger says open (entry [0-9]*)$" v.err
'

test_expect_success 'a signature row whose signer was changed merges nothing' '
	workspace_copy f2 approved &&
	test_sql_on f2 "UPDATE change_signatures SET signer = '\''xiu.zhou'\'' WHERE signer = '\''camila.laurent'\''" &&
	merge_refused f2 "an approving signature is not one the ledger recorded"
'

test_expect_success 'a signature row added with its own record (and hash) merges nothing' '
	workspace_copy f3 one &&
	test_sql_on f3 "SELECT record FROM change_signatures" |
		sed "s/kerem.sahin/camila.laurent/" | tr -d "\n" >rec &&
	test_sql_on f3 "INSERT INTO change_signatures(cr, artefact, decision, signer, time, meaning,
		reason, record, record_hash, ledger_seq) SELECT cr, artefact, decision,
		'\''camila.laurent'\'', time, meaning, reason, '\''$(cat rec)'\'',
		'\''$(sha256sum <rec | cut -c1-64)'\'', ledger_seq FROM change_signatures" &&
	test_sql_on f3 "UPDATE change_requests SET status = '\''approved'\''" &&
	merge_refused f3 "the ledger says it is not approved"
'

test_expect_success 'an approving signature row deleted: the rest no longer satisfy the path' '
	workspace_copy f4 approved &&
	test_sql_on f4 "DELETE FROM change_signatures WHERE signer = '\''camila.laurent'\''" &&
	merge_refused f4 "the signatures the ledger recorded do not satisfy its approval path"
'

test_expect_success 'the real approval merges, and audit verify agrees with every time' '
	aivalue change merge CR-1 >merge.out &&
	test_grep "^merged CR-1: SOP-12 v1 -> v2; 4 artefacts are stale" merge.out &&
	aivalue audit verify >ok.out &&
	test_grep "^state ok: " ok.out &&
	test "$(test_sql "SELECT status, approved_at, merged_at, CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END FROM change_requests")" = "merged|1793610000000000|1793610000000000|1"
'

test_expect_success 'status and times moved behind the ledger are named by audit verify' '
	workspace_copy t &&
	test_sql_on t "UPDATE change_requests SET status = '\''done'\'', closed_at = 1793610000000000,
		merged_at = merged_at + 1, approved_at = NULL" &&
	test_must_fail aivalue --db "$(workspace_db t)" audit verify 2>t.err &&
	test_grep "^error: table change_requests, row CR-1: status is done but the ledger says merged (entry [0-9]*)$" t.err &&
	test_grep "^error: table change_requests, row CR-1: approved_at is (none) but the ledger says 2026-11-02T09:00:00.000000Z (entry [0-9]*)$" t.err &&
	test_grep "^error: table change_requests, row CR-1: merged_at is 2026-11-02T09:00:00.000001Z but the ledger says 2026-11-02T09:00:00.000000Z (entry [0-9]*)$" t.err &&
	test_grep "^error: table change_requests, row CR-1: closed_at is 2026-11-02T09:00:00.000000Z but the ledger says (none) (entry [0-9]*)$" t.err &&
	test_grep "state verification failed: 4 differences" t.err
'

test_expect_success SQLITE 'the title of the merged spec edited (spec_hash recomputed) is named' '
	sqlite3 aivalue.db ".backup t.db" &&
	respec t.db "spec[\"title\"] = \"Motor claims, no photos\"" &&
	test_must_fail aivalue --db t.db audit verify 2>t.err &&
	test_grep "^error: table objects, row Artefact/SOP-12: the spec is not the one the ledger recorded (entry [0-9]*, a merge): it was edited$" t.err
'

test_expect_success SQLITE 'the version the merge set, moved on in the spec, is named' '
	sqlite3 aivalue.db ".backup v.db" &&
	respec v.db "spec[\"version\"] = 3" &&
	test_must_fail aivalue --db v.db audit verify 2>v.err &&
	test_grep "^error: table objects, row Artefact/SOP-12: the spec is not the one the ledger recorded (entry [0-9]*, a merge)" v.err
'

test_expect_success SQLITE 'the spec set back to the pre-merge fingerprint is named too' '
	sqlite3 aivalue.db ".backup f.db" &&
	aivalue audit log --json >log.json &&
	json_get log.json "[e[\"payload\"][\"from_fingerprint\"] for e in d if e[\"action\"] == \"change.merge\"][0]" >from_fp &&
	respec f.db "spec[\"fingerprint\"] = \"$(cat from_fp)\"; spec[\"version\"] = 1" &&
	test_must_fail aivalue --db f.db audit verify 2>f.err &&
	test_grep "^error: table objects, row Artefact/SOP-12: the spec is not the one the ledger recorded" f.err
'

test_done
