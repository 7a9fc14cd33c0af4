#!/bin/sh
# t9051-migrate-pg.sh - `aivalue migrate` from SQLite to PostgreSQL and
# back: the PostgreSQL copy has the same ledger bytes (audit export), the
# same head and the same answers as the file, and the file made back from
# it holds, table by table, the same values of the same types as the
# original.  Needs a PostgreSQL 15 server: the one of `make test-pg`, or
# one started here (tests/pg/pg-start); skipped without the binaries.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/migrate_fixture.sh"

SRC="$TEST_DIR/src.db"
Q="'"   # a single quote, for SQL inside the single-quoted bodies
test_start_pg
PGDB="aiv_t9051_copy_$$"

test_expect_success PG 'a tutorial workspace in SQLite, and an empty PostgreSQL database' '
	tutorial_workspace "$SRC" &&
	pg_create_db "$PGDB"
'

test_expect_success PG 'SQLite to PostgreSQL: the same ledger, verified on arrival' '
	aivalue migrate --from "$SRC" --to "$(pg_uri "$PGDB")" >out &&
	test_grep "^copied .*src.db. to .postgres.*/$PGDB. (schema [0-9]*): [0-9]* tables, [0-9]* rows$" out &&
	test_grep "^ledger ok on arrival: " out &&
	test_grep "^state ok on arrival: " out &&
	aivalue --db "$SRC" audit checkpoint >head.src &&
	aivalue --db "$(pg_uri "$PGDB")" audit checkpoint >head.pg &&
	test_cmp head.src head.pg &&
	aivalue --db "$SRC" audit export -o src.jsonl &&
	aivalue --db "$(pg_uri "$PGDB")" audit export -o pg.jsonl &&
	test_cmp src.jsonl pg.jsonl &&
	aivalue --db "$(pg_uri "$PGDB")" audit verify >verify.out &&
	test_grep "^state ok: " verify.out
'

test_expect_success PG 'the PostgreSQL copy answers as the file does' '
	same_reads "$SRC" "$(pg_uri "$PGDB")"
'

test_expect_success PG 'a PostgreSQL database that holds a workspace is refused, unchanged' '
	test_must_fail --exit=1 aivalue migrate --from "$SRC" --to "$(pg_uri "$PGDB")" 2>err &&
	test_grep "^error: the destination is not empty: table .* holds rows" err &&
	aivalue --db "$(pg_uri "$PGDB")" audit checkpoint >after &&
	test_cmp head.src after
'

test_expect_success PG 'PostgreSQL back to SQLite: the same ledger bytes' '
	aivalue migrate --from "$(pg_uri "$PGDB")" --to back.db >out &&
	test_grep "^ledger ok on arrival: " out &&
	aivalue --db back.db audit export -o back.jsonl &&
	test_cmp src.jsonl back.jsonl &&
	same_reads "$SRC" back.db
'

# Every value of every table, with its type (sqlite3 .mode quote: text
# quoted, numbers bare, reals with their digits, blobs as X'...'), in a
# sorted order: the round trip lost and changed nothing.
test_expect_success PG 'the round trip keeps every value and its type, table by table' '
	tables=$(sqlite3 "$SRC" "SELECT name FROM sqlite_master WHERE type = ${Q}table${Q} AND name NOT LIKE ${Q}sqlite_%${Q} AND name <> ${Q}schema_migrations${Q}") &&
	test "$(echo "$tables" | wc -l)" -ge 30 &&
	for t in $tables; do
		sqlite3 -cmd ".mode quote" "$SRC" "SELECT * FROM $t" | LC_ALL=C sort >a.rows &&
		sqlite3 -cmd ".mode quote" back.db "SELECT * FROM $t" | LC_ALL=C sort >b.rows &&
		test_cmp a.rows b.rows || return 1
	done
'

# PostgreSQL generates ids from a sequence that the copied rows did not
# move: migrate moves it past them, or the next token would take id 1
# again and collide with the copied one.
test_expect_success PG 'the PostgreSQL copy takes new rows after the copied ones' '
	aivalue --db "$(pg_uri "$PGDB")" token create --name later --role viewer >later.token &&
	aivalue --db "$(pg_uri "$PGDB")" token list --json >tokens.json &&
	test "$(json_get tokens.json "sorted(t[\"name\"] for t in d)")" = "[${Q}intake-bot${Q}, ${Q}later${Q}]" &&
	aivalue --db "$(pg_uri "$PGDB")" audit verify >verify.out &&
	test_grep "^ledger ok: $(($(cut -d: -f1 head.src) + 1)) entries" verify.out
'

test_done
