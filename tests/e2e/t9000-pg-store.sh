#!/bin/sh
# The PostgreSQL store backend (issue 18): a workspace in a database of a
# real PostgreSQL 15 server: the one of `make test-pg`, or one that
# tests/pg/pg-start starts in this test's folder.  init, apply, an import
# and audit verify work on it, and with a fixed clock the ledger is the
# same bytes as on SQLite for the same input.  A database holding other
# tables is refused, untouched; a bad URI names the field.
. "$(dirname "$0")/lib.sh"

# the server of `make test-pg` (AIVALUE_TEST_PG), or one of this file's own
test_start_pg
if ! test_have_prereq PG; then
	echo "1..0 # SKIP no PostgreSQL server ($(tail -1 "$TEST_DIR/pg-start.log" 2>/dev/null))"
	exit 0
fi
# databases of this file, named apart from those of other files on a shared
# server, dropped at the end
P="aiv_t9000_$$"
newdb() { pg_create_db "${P}_$1" && pg_uri "${P}_$1"; }
psql_q() { psql -X -At -d "$(pg_uri "${P}_$1")" -c "$2"; }
ACME="$TEST_ROOT/examples/acme"
MAP="person=user,time=date,tool=app,workflow=template,count=actions"

test_expect_success 'init makes a workspace in an empty PostgreSQL database' '
	W=$(newdb ws) &&
	echo "$W" >ws.uri &&
	aivalue --db "$W" init >out &&
	test_grep "initialised workspace" out &&
	aivalue --db same.db init >sq.out &&
	schema=$(sed -n "s/.*(schema \([0-9]*\)).*/\1/p" sq.out) &&
	test -n "$schema" &&
	test_grep "(schema $schema)" out &&
	test "$(psql_q ws "SELECT count(*) FROM schema_migrations")" = "$(sqlite3 same.db "SELECT count(*) FROM schema_migrations")" &&
	test "$(psql_q ws "SELECT application_id FROM aivalue_workspace")" = 1095325249 &&
	aivalue --db "$W" init >out &&
	test_grep "already initialised" out
'

test_expect_success 'apply, usage and journey imports, audit verify: the same ledger as on SQLite' '
	W=$(newdb same) &&
	echo "$W" >same.uri &&
	for db in "$W" sq.db; do
		AIVALUE_FAKE_TIME=2026-12-01T10:00:00Z aivalue --db "$db" init >/dev/null &&
		AIVALUE_FAKE_TIME=2026-12-01T10:00:00Z aivalue --db "$db" apply -f "$ACME" >/dev/null &&
		AIVALUE_FAKE_TIME=2026-12-01T10:00:00Z aivalue --db "$db" import usage \
			"$ACME/usage/usage.csv" --format csv --map "$MAP" >/dev/null &&
		AIVALUE_FAKE_TIME=2026-12-01T10:00:00Z aivalue --db "$db" import journeys \
			"$ACME/usage/journeys.csv" --format csv >/dev/null || return 1
	done &&
	aivalue --db "$W" audit verify >pg.verify &&
	aivalue --db sq.db audit verify >sq.verify &&
	test_grep "^ledger ok: 450 entries" pg.verify &&
	test_grep "^state ok" pg.verify &&
	test_cmp sq.verify pg.verify &&
	aivalue --db "$W" audit export >pg.export &&
	aivalue --db sq.db audit export >sq.export &&
	test_cmp sq.export pg.export &&
	test "$(psql_q same "SELECT count(*) FROM ledger")" = 450
'

test_expect_success 'a read command shows the same figures on both backends' '
	W=$(cat same.uri) &&
	aivalue --db "$W" audit log --limit 5 >pg.log &&
	aivalue --db sq.db audit log --limit 5 >sq.log &&
	test_cmp sq.log pg.log
'

test_expect_success 'a database holding other tables is refused and left as it was' '
	F=$(newdb foreign) &&
	psql_q foreign "CREATE TABLE customers(id int)" >/dev/null &&
	test_must_fail aivalue --db "$F" init 2>err &&
	test_grep "not an aivalue database" err &&
	test "$(psql_q foreign "SELECT string_agg(tablename, \$\$,\$\$) FROM pg_tables WHERE schemaname = \$\$public\$\$")" = customers
'

test_expect_success 'an empty database is not a workspace until init' '
	E=$(newdb empty) &&
	test_must_fail aivalue --db "$E" audit verify 2>err &&
	test_grep "run .aivalue init." err &&
	test "$(psql_q empty "SELECT count(*) FROM pg_tables WHERE schemaname = \$\$public\$\$")" = 0
'

test_expect_success 'a bad URI names the field; a password is never shown' '
	test_must_fail aivalue --db "$(pg_uri "${P}_ws")?sslmod=disable" audit verify 2>err &&
	test_grep "sslmod" err &&
	test_must_fail aivalue --db "postgresql://aivalue:s3cret@127.0.0.1:1/ws" audit verify 2>err &&
	test_grep "cannot open database" err &&
	! grep -q s3cret err
'

test_done
