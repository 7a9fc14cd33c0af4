#!/bin/sh
# Each usage.import entry records the digest of the whole usage
# dictionaries (usage_strings, usage_identities; src/ingest/ingest_state.c).
# Within one process, as in the demo's year of 140 imports, the digest
# goes on from the one the process computed for its previous entry
# (ledger_state_append_only, src/ledger/state.h) instead of reading the
# 33,000 identities of the large demo again at each import (issue 20: the
# large demo under 60 s of CPU).  The digests must be what reading every
# row gives: the small demo's first 20 exports, imported again one by one
# with `aivalue import usage` (one process each, so nothing carried),
# record the same state_sha256 in each entry, and audit verify --state
# passes on the demo's workspace.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

FIRST20="SELECT format || '|' || source FROM usage_imports WHERE kind = 'usage' ORDER BY id LIMIT 20"
PAYLOADS="SELECT payload FROM ledger WHERE action = 'usage.import' ORDER BY seq"
# states FILE: "import_id state_sha256" of imports 1 to 20, one a line
states() {
	python3 -c "import json,sys
for l in open(sys.argv[1]):
    p = json.loads(l)
    if p['import_id'] <= 20:
        print(p['import_id'], json.dumps(p['state_sha256'], sort_keys=True))" "$1"
}

test_expect_success 'the small demo loads and verifies' '
	aivalue_demo --db "$AIVALUE_DB" demo --size small --dir data >demo.out 2>&1 &&
	test_grep "usage rows from 139 exports" demo.out &&
	test_sql "$FIRST20" >first20 &&
	test "$(wc -l <first20)" = 20 &&
	aivalue --db "$AIVALUE_DB" audit verify --state >verify.out 2>&1 &&
	test_grep "^state ok: " verify.out
'

test_expect_success 'one process per export records the same digests' '
	workspace_new replay &&
	R=$(workspace_db replay) &&
	aivalue --db "$R" init >/dev/null &&
	aivalue --db "$R" import org data/org/users-*.json --format entra-users --map data/org/map.yaml >/dev/null &&
	aivalue --db "$R" identities import data/usage/identities.csv >/dev/null &&
	while IFS="|" read -r format source
	do
		aivalue --db "$R" import usage "$(ls data/usage/*/"$source")" --format "$format" >/dev/null ||
		return 1
	done <first20 &&
	test_sql "$PAYLOADS" >payloads.demo &&
	test_sql_on replay "$PAYLOADS" >payloads.replay &&
	states payloads.demo >states.demo &&
	states payloads.replay >states.replay &&
	test "$(wc -l <states.demo)" = 20 &&
	test_grep "usage_identities" states.demo &&
	test_cmp states.demo states.replay
'

test_done
