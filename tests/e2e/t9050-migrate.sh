#!/bin/sh
# t9050-migrate.sh - `aivalue migrate --from SRC --to DST` copies a whole
# workspace, ledger included, into a new SQLite file, and proves on
# arrival that it is the same workspace: the chain recomputed to the
# source's head, the tables compared with the ledger, the rows counted per
# table.  A non-empty destination, a source whose ledger does not verify
# and a row the destination refuses change nothing.  (PostgreSQL and back:
# t9051.)
. "$(dirname "$0")/lib.sh"

. "$TEST_ROOT/tests/e2e/migrate_fixture.sh"
SRC="$TEST_DIR/src.db"
Q="'"   # a single quote, for SQL inside the single-quoted bodies

test_expect_success 'a tutorial workspace to copy (migrate_fixture.sh)' '
	tutorial_workspace "$SRC" &&
	aivalue --db "$SRC" audit verify >verify.out &&
	test_grep "^ledger ok" verify.out
'

test_expect_success 'SQLite to a new SQLite file: every table, the same ledger, verified there' '
	aivalue migrate --from "$SRC" --to copy.db >out &&
	test_grep "^copied .*src.db. to .copy.db. (schema [0-9]*): [0-9]* tables, [0-9]* rows$" out &&
	test_grep "^ledger ok on arrival: [0-9]* entries, head [0-9]*:[0-9a-f]\{64\} (the source.s)$" out &&
	test_grep "^state ok on arrival: " out &&
	aivalue --db "$SRC" audit checkpoint >head.src &&
	aivalue --db copy.db audit checkpoint >head.copy &&
	test_cmp head.src head.copy &&
	test_grep "head $(cat head.src) " out &&
	aivalue --db "$SRC" audit export -o src.jsonl &&
	aivalue --db copy.db audit export -o copy.jsonl &&
	test_cmp src.jsonl copy.jsonl &&
	aivalue --db copy.db audit verify >verify.out &&
	test_grep "^state ok: " verify.out
'

# The per-table counts against an independent count of the source file.
test_expect_success SQLITE 'the rows per table are those of the source file, and every table is there' '
	aivalue migrate --from "$SRC" --to copy2.db --json >m.json &&
	sqlite3 "$SRC" "SELECT name FROM sqlite_master WHERE type = ${Q}table${Q} AND name NOT LIKE ${Q}sqlite_%${Q} AND name <> ${Q}schema_migrations${Q} ORDER BY name" >tables.src &&
	json_get m.json "\"\\n\".join(sorted(t[\"name\"] for t in d[\"tables\"]))" >tables.copy &&
	test_cmp tables.src tables.copy &&
	for t in $(cat tables.src); do
		test "$(sqlite3 "$SRC" "SELECT count(*) FROM $t")" = \
			"$(json_get m.json "[x[\"rows\"] for x in d[\"tables\"] if x[\"name\"] == \"$t\"][0]")" || exit 1
	done &&
	test "$(json_get m.json "d[\"rows\"] == sum(t[\"rows\"] for t in d[\"tables\"])")" = True &&
	test "$(sqlite3 "$SRC" "SELECT count(*) FROM ledger")" -ge 12 &&
	test "$(json_get m.json "d[\"ledger\"][\"ok\"], d[\"ledger\"][\"entries\"] == [x[\"rows\"] for x in d[\"tables\"] if x[\"name\"] == \"ledger\"][0], d[\"state\"][\"ok\"]")" = "True True True"
'

test_expect_success 'the copy reads the same: people, adoption, the event log, decisions, the graph' '
	same_reads "$SRC" copy.db
'

test_expect_success 'the copy is a working workspace: it takes new entries after the copied ones' '
	aivalue --db copy.db token create --name later --role viewer >later.token &&
	aivalue --db copy.db audit verify >verify.out &&
	test_grep "^ledger ok: $(($(cut -d: -f1 head.src) + 1)) entries" verify.out
'

test_expect_success 'a destination that holds rows is refused and left as it was' '
	aivalue --db copy.db audit checkpoint >before &&
	test_must_fail --exit=1 aivalue migrate --from "$SRC" --to copy.db 2>err &&
	test_grep "^error: the destination is not empty: table .* holds rows; migrate copies into a new workspace only$" err &&
	aivalue --db copy.db audit checkpoint >after &&
	test_cmp before after
'

test_expect_success 'usage: both ends are needed, and they differ' '
	test_must_fail --exit=2 aivalue migrate --from "$SRC" 2>err &&
	test_grep "usage: aivalue migrate --from SRC --to DST" err &&
	test_must_fail --exit=2 aivalue migrate --from "$SRC" --to "$SRC" 2>err &&
	test_grep "^error: --from and --to name the same workspace" err &&
	test_must_fail --exit=1 aivalue migrate --from nowhere.db --to new.db 2>err &&
	test_grep "^error: --from: " err &&
	test_must_fail test -e new.db
'

test_expect_success SQLITE 'a source whose ledger does not verify is not copied' '
	sqlite3 "$SRC" ".backup bad.db" &&
	sqlite3 bad.db "UPDATE ledger SET actor = ${Q}mallory${Q} WHERE seq = 3" &&
	test_must_fail --exit=1 aivalue migrate --from bad.db --to fromBad.db 2>err &&
	test_grep "^error: --from: the ledger does not verify at entry 3 (.*); migrate copies only a workspace whose ledger verifies$" err &&
	test_must_fail test -e fromBad.db
'

# A row the destination refuses (here a foreign key the source file does
# not enforce, written behind aivalue's back) stops the copy; the
# transaction leaves the destination with no row at all.
test_expect_success SQLITE 'a row the destination refuses stops the copy; the destination keeps no row' '
	sqlite3 "$SRC" ".backup orphan.db" &&
	sqlite3 orphan.db "INSERT INTO event_log_columns SELECT 9999, name, chunk, data FROM event_log_columns LIMIT 1" &&
	test_must_fail --exit=1 aivalue migrate --from orphan.db --to refused.db 2>err &&
	test_grep "^error: .*table .event_log_columns., row [0-9]*" err &&
	test "$(sqlite3 refused.db "SELECT count(*) FROM ledger")" = 0 &&
	aivalue migrate --from "$SRC" --to refused.db >out &&
	test_grep "^ledger ok on arrival" out
'

test_done
