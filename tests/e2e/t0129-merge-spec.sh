#!/bin/sh
# t0129-merge-spec.sh - the spec a merge rewrites is covered by change.merge.
#
# change merge keeps the Artefact object's spec at the merged version
# (apply_set_spec_fields writes objects.spec and spec_hash) without an
# apply entry of its own.  The change.merge entry covers it: it records the
# fingerprint and version the merge set (from_* and to_*), so the spec must
# be the applied one with those two fields moved, and nothing else.  An
# edit after the merge, even with spec_hash recomputed to match, is named.
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME

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

test_expect_success 'set up: CR-1 moves SOP-12 from v1 to v2 and merges' '
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
	aivalue change approve CR-1 --as camila.laurent --meaning "approved as REQ-21 owner" \
		--reason ok >/dev/null &&
	aivalue change merge CR-1 >/dev/null &&
	test "$(sqlite3 aivalue.db "SELECT json_extract(spec, '\''\$.version'\'') FROM objects WHERE name = '\''SOP-12'\''")" = 2 &&
	aivalue audit verify >ok.out &&
	test_grep "^state ok: " ok.out
'

test_expect_success 'the title of the merged spec edited (spec_hash recomputed) is named' '
	sqlite3 aivalue.db ".backup t.db" &&
	respec t.db "spec[\"title\"] = \"Motor claims, no photos\"" &&
	test_must_fail aivalue --db t.db audit verify 2>t.err &&
	test_grep "^error: table objects, row Artefact/SOP-12: the spec is not the one the ledger recorded (entry [0-9]*, a merge): it was edited$" t.err
'

test_expect_success 'the version the merge set, moved on in the spec, is named' '
	sqlite3 aivalue.db ".backup v.db" &&
	respec v.db "spec[\"version\"] = 3" &&
	test_must_fail aivalue --db v.db audit verify 2>v.err &&
	test_grep "^error: table objects, row Artefact/SOP-12: the spec is not the one the ledger recorded (entry [0-9]*, a merge)" v.err
'

test_expect_success 'the spec set back to the pre-merge fingerprint is named too' '
	sqlite3 aivalue.db ".backup f.db" &&
	aivalue audit log --json >log.json &&
	json_get log.json "[e[\"payload\"][\"from_fingerprint\"] for e in d if e[\"action\"] == \"change.merge\"][0]" >from_fp &&
	respec f.db "spec[\"fingerprint\"] = \"$(cat from_fp)\"; spec[\"version\"] = 1" &&
	test_must_fail aivalue --db f.db audit verify 2>f.err &&
	test_grep "^error: table objects, row Artefact/SOP-12: the spec is not the one the ledger recorded" f.err
'

test_done
