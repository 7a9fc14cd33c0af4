#!/bin/sh
# The demo's year of usage exports is loaded as one run (usage_run_begin /
# usage_run_end, src/ingest/usage.h): the index of the seat rows by person
# is dropped for the run and built again at its end, so that each weekly
# snapshot's commit does not rewrite that index (issue 20: the large demo
# under 60 s of CPU).  What the run stores must be what the commands
# store: the small demo's first 20 usage exports, imported again one by
# one with `aivalue import usage` into a workspace holding the same
# people and identities, give the same seat rows, activity rollup and
# identity dictionary; and the demo's workspace ends with the index, as
# migration 10 creates it.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

# the rows of the first 20 imports (ids 1 to 20 in both workspaces)
SEATS="SELECT import_id, coalesce(person, '-'), identity, tool, day FROM usage_seats
	WHERE import_id <= 20 ORDER BY 1, 2, 3, 4, 5"
ACTIVITY="SELECT import_id, identity, tool, month, day_mask, events, actions FROM usage_activity
	WHERE import_id <= 20 ORDER BY 1, 2, 3, 4"
BLOCKS="SELECT import_id, seq, n, length(data) FROM usage_blocks WHERE import_id <= 20 ORDER BY 1, 2"
FIRST20="SELECT format || '|' || source FROM usage_imports WHERE kind = 'usage' ORDER BY id LIMIT 20"

test_expect_success 'the small demo loads, its first 20 exports have ids 1 to 20' '
	aivalue_demo --db "$AIVALUE_DB" demo --size small --dir data >demo.out 2>&1 &&
	test_grep "usage rows from 139 exports" demo.out &&
	test "$(test_sql "SELECT max(id) FROM (SELECT id FROM usage_imports WHERE kind = '\''usage'\'' ORDER BY id LIMIT 20) t")" = 20 &&
	test_sql "$FIRST20" >first20 &&
	test "$(wc -l <first20)" = 20
'

test_expect_success 'the same exports through aivalue import usage give the same rows' '
	workspace_new replay &&
	R=$(workspace_db replay) &&
	aivalue --db "$R" init >/dev/null &&
	aivalue --db "$R" import org data/org/users-*.json --format entra-users --map data/org/map.yaml >/dev/null &&
	aivalue --db "$R" identities import data/usage/identities.csv >/dev/null &&
	while IFS="|" read -r format source
	do
		aivalue --db "$R" import usage "$(ls data/usage/*/"$source")" --format "$format" --json >>replay.json ||
		return 1
	done <first20 &&
	test_sql "$SEATS" >seats.demo &&
	test_sql_on replay "$SEATS" >seats.replay &&
	test_cmp seats.demo seats.replay &&
	test_sql "$ACTIVITY" >activity.demo &&
	test_sql_on replay "$ACTIVITY" >activity.replay &&
	test_cmp activity.demo activity.replay &&
	test_sql "$BLOCKS" >blocks.demo &&
	test_sql_on replay "$BLOCKS" >blocks.replay &&
	test_cmp blocks.demo blocks.replay &&
	n=$(test_sql_on replay "SELECT count(*) FROM usage_identities") &&
	test_sql "SELECT id, identity, coalesce(person, '\''-'\'') FROM usage_identities WHERE id < $n ORDER BY id" >ids.demo &&
	test_sql_on replay "SELECT id, identity, coalesce(person, '\''-'\'') FROM usage_identities ORDER BY id" >ids.replay &&
	test_cmp ids.demo ids.replay
'

# the first export is the first weekly Microsoft 365 snapshot: one seat
# row per line of the file after its header, every one joined to a person
test_expect_success 'the seat rows are the exports'\'' seats' '
	first=$(ls data/usage/*/"$(sed -n "1s/^[^|]*|//p" first20)") &&
	lines=$(($(wc -l <"$first") - 1)) &&
	test "$lines" -gt 100 &&
	test "$(test_sql "SELECT count(*) FROM usage_seats WHERE import_id = 1 AND person IS NOT NULL")" = "$lines" &&
	seats=$(python3 -c "import json,sys
d=json.JSONDecoder(); s=open(sys.argv[1]).read(); i=0; t=0
while i < len(s):
    while i < len(s) and s[i].isspace(): i += 1
    if i == len(s): break
    o, i = d.raw_decode(s, i); t += o[\"seats\"]
print(t)" replay.json) &&
	test "$(test_sql "SELECT count(*) FROM usage_seats WHERE import_id <= 20")" = "$seats"
'

test_expect_success SQLITE 'the index of the seat rows by person is there again, as migration 10 made it' '
	test "$(test_sql "SELECT sql FROM sqlite_schema WHERE name = '\''usage_seats_person'\''")" = \
		"CREATE INDEX usage_seats_person ON usage_seats(person)" &&
	test_sql "EXPLAIN QUERY PLAN SELECT identity FROM usage_seats WHERE person = '\''x'\''" >plan &&
	test_grep "usage_seats_person" plan
'

test_expect_success PG 'the index of the seat rows by person is there again (PostgreSQL)' '
	test "$(test_sql "SELECT indexdef FROM pg_indexes WHERE indexname = '\''usage_seats_person'\''")" = \
		"CREATE INDEX usage_seats_person ON public.usage_seats USING btree (person)"
'

test_expect_success 'the loaded workspace matches its ledger' '
	aivalue audit verify --state >verify.out &&
	test_grep "^state ok" verify.out
'

test_done
