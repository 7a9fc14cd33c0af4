#!/bin/sh
# t0122-state-tables.sh - every ledger-bound table is compared with the ledger.
#
# t0120 covers tokens, people, policies, objects, usage blocks, journeys,
# decisions and exceptions.  This covers the rest: the small demo (usage,
# an event log, readiness answers with evidence files, hypotheses,
# observations, a phase verdict, change requests with signatures, the
# artefact graph), plus a baseline and an imported framework.  Each table
# is edited directly with sqlite3 or psql on a copy of the store (the chain
# stays intact) and `audit verify` must name the table and the row, and
# exit 1.  docs/ledger.md lists each table and how it is bound.

. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

LIB="$TEST_ROOT/examples/acme/assess/ciso-library-excerpt.yaml"

# tamper NAME SQL: copy the workspace (workspace_copy) and run SQL on the copy
tamper() {
	workspace_copy "$1" &&
	test_sql_on "$1" "$2"
}
# the same edit in each engine's words
if test_have_prereq SQLITE; then
	ZEROS="zeroblob(length(data))" B00="X'00'" B41="X'41'"
else
	ZEROS="decode(repeat('00', length(data)), 'hex')" B00="decode('00', 'hex')" B41="decode('41', 'hex')"
fi

# state_fails NAME WORDS...: the chain is ok, the state is not, and each
# WORDS is a line of the report
state_fails() {
	name=$1 &&
	shift &&
	test_must_fail --exit=1 aivalue --db "$(workspace_db "$name")" audit verify >"$name.out" 2>"$name.err" &&
	test_grep "^ledger ok: " "$name.out" &&
	test_grep "^error: state verification failed: " "$name.err" &&
	for w in "$@"; do test_grep "$w" "$name.err" || return 1; done
}

test_expect_success 'set up: the small demo, a baseline and an imported framework' '
	aivalue_demo demo --size small --dir d >/dev/null 2>&1 &&
	aivalue baseline create b1 >/dev/null &&
	aivalue assess import "$LIB" >/dev/null 2>&1 &&
	for t in usage_strings usage_identities usage_imports event_logs readiness_answers \
		evidence_files hypotheses observations phase_verdicts change_requests \
		change_signatures change_blobs baselines artefacts artefact_edges frameworks; do
		test "$(test_sql "SELECT count(*) FROM $t")" -gt 0 || return 1
	done
'

test_expect_success 'untouched: every table matches the ledger' '
	aivalue audit verify >ok.out &&
	test_grep "^state ok: 37 tables, " ok.out &&
	aivalue --json audit verify >ok.json &&
	test "$(json_get ok.json "d[\"state\"][\"uncovered_imports\"]")" = 0
'

test_expect_success 'usage_strings: a tool renamed in the dictionary (re-labels every block)' '
	tamper strings "UPDATE usage_strings SET value = value || '\''-x'\'' WHERE id = (SELECT max(id) FROM usage_strings)" &&
	state_fails strings "^error: table usage_strings, row \*: the table digests to .* but the newest usage.import (entry [0-9]*) recorded "
'

test_expect_success 'usage_identities: an identity swapped' '
	tamper idents "UPDATE usage_identities SET identity = '\''mallory@example.com'\'' WHERE id = (SELECT min(id) FROM usage_identities)" &&
	state_fails idents "^error: table usage_identities, row \*: the table digests to "
'

test_expect_success 'usage_imports: the row count of an import' '
	tamper imports "UPDATE usage_imports SET rows = rows + 1 WHERE id = (SELECT min(id) FROM usage_imports)" &&
	state_fails imports "^error: table usage_imports, row [0-9]*: format, source, rows, content hash or entry differ from the ledger"
'

test_expect_success 'event_log_columns: the activity column of the event log' '
	tamper cols "UPDATE event_log_columns SET data = $ZEROS WHERE name = '\''time'\''" &&
	state_fails cols "^error: table event_log_columns, row claims-handling: the columns hash to .* but import.cases entry [0-9]* recorded "
'

test_expect_success 'event_logs: the case count' '
	tamper logs "UPDATE event_logs SET cases = cases + 1" &&
	state_fails logs "^error: table event_logs, row claims-handling: hash "
'

test_expect_success 'readiness_answers and readiness_sets: an answer raised, the actor changed' '
	tamper ready "UPDATE readiness_answers SET choice = 4, level = 4 WHERE question = '\''di_access'\'';
		UPDATE readiness_sets SET actor = '\''mallory'\''" &&
	state_fails ready "^error: table readiness_answers, row 1/di_access: choice 4, level 4, .* but the ledger says choice " \
		"^error: table readiness_sets, row 1: origin, actor or entry differ from assess.answers entry "
'

test_expect_success 'evidence_files: the content of an evidence file' '
	tamper evid "UPDATE evidence_files SET content = $B00 || content WHERE sha256 = (SELECT min(sha256) FROM evidence_files)" &&
	state_fails evid "^error: table evidence_files, row [0-9a-f]*: the content ([0-9]* bytes) hashes to "
'

test_expect_success 'hypotheses: the metric a hypothesis is judged on' '
	tamper hyp "UPDATE hypotheses SET metric = '\''x'\'' WHERE name = (SELECT min(name) FROM hypotheses)" &&
	state_fails hyp "^error: table hypotheses, row [a-z0-9-]*: initiative .*, metric .x. or supersedes differ from the spec"
'

test_expect_success 'observations: a row deleted' '
	tamper obs "DELETE FROM observations WHERE id = (SELECT max(id) FROM observations)" &&
	state_fails obs "^error: table observations, row [0-9a-f]*: 79 rows but evidence.import entry [0-9]* imported 80"
'

test_expect_success 'frameworks and framework_nodes: a node deleted, the version changed' '
	tamper fw "DELETE FROM framework_nodes WHERE ord = (SELECT max(ord) FROM framework_nodes);
		UPDATE frameworks SET version = 9" &&
	state_fails fw "^error: table framework_nodes, row urn:aivalue:risk:library:nist-ai-rmf-excerpt: 7 nodes" \
		"^error: table frameworks, row urn:aivalue:risk:library:nist-ai-rmf-excerpt: name, version, hash or entry differ"
'

test_expect_success 'phase_verdicts: the phase earned' '
	tamper phase "UPDATE phase_verdicts SET earned = earned + 1" &&
	state_fails phase "^error: table phase_verdicts, row [0-9]*: the verdict is not the payload of phase.verdict entry "
'

test_expect_success 'change_requests: the reason of a change request' '
	tamper cr "UPDATE change_requests SET reason = '\''nothing to see'\'' WHERE id = '\''CR-1'\''" &&
	state_fails cr "^error: table change_requests, row CR-1: reason differs from change.open entry "
'

test_expect_success 'change_signatures: the signer of a signature' '
	tamper sig "UPDATE change_signatures SET signer = '\''mallory'\'' WHERE id = (SELECT min(id) FROM change_signatures)" &&
	state_fails sig "^error: table change_signatures, row [0-9]*: cr, decision or signer (.*, .*, .mallory.) differ from the signed record"
'

test_expect_success 'change_signatures: a signature deleted (its entry is left without one)' '
	tamper sigdel "DELETE FROM change_signatures WHERE id = (SELECT max(id) FROM change_signatures)" &&
	state_fails sigdel "^error: table change_signatures, row [0-9]*: missing: change.\* signature entry [0-9]* wrote it"
'

test_expect_success 'phase_verdicts: a verdict deleted' '
	tamper phasedel "DELETE FROM phase_verdicts" &&
	state_fails phasedel "^error: table phase_verdicts, row [0-9]*: missing: phase.verdict entry [0-9]* wrote it"
'

test_expect_success 'change_blobs: the content of a proposed change' '
	tamper blob "UPDATE change_blobs SET content = $B41 WHERE sha256 = (SELECT min(sha256) FROM change_blobs)" &&
	state_fails blob "^error: table change_blobs, row [0-9a-f]*: the content hashes to "
'

test_expect_success 'baselines: the items of a baseline' '
	tamper base "UPDATE baselines SET items = '\''[]'\''" &&
	state_fails base "^error: table baselines, row b1: the items hash to root .* (0 items) but baseline.create entry [0-9]* recorded .* (38)"
'

test_expect_success 'artefacts and artefact_edges: an owner changed, an edge deleted' '
	tamper art "UPDATE artefacts SET owner = '\''mallory'\'' WHERE id = (SELECT min(id) FROM artefacts);
		DELETE FROM artefact_edges WHERE src = (SELECT min(src) FROM artefact_edges)" &&
	state_fails art "^error: table artefacts, row [^:]*: owner is .mallory. but the applied spec gives " \
		"^error: table artefact_edges, row [^:]*: missing: the applied spec has this row"
'

test_done
