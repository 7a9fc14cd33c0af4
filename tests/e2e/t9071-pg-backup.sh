#!/bin/sh
# t9071-pg-backup.sh - the backup docs/deploy.md tells an operations team
# to take of a PostgreSQL workspace (pg_dump -Fc) restores into an empty
# database (pg_restore) as the same workspace, proven by `aivalue audit
# verify`: the chain to the same head, the tables matching the ledger.
# A row edited in the restored copy behind aivalue is caught.  Needs a
# PostgreSQL 15 server (make test-pg's, or one started here).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/migrate_fixture.sh"

Q="'"   # a single quote, for SQL inside the single-quoted bodies
test_start_pg
LIVE="aiv_t9071_live_$$"
RESTORED="aiv_t9071_restored_$$"

test_expect_success PG 'a workspace on PostgreSQL, backed up with pg_dump' '
	pg_create_db "$LIVE" &&
	tutorial_workspace "$(pg_uri "$LIVE")" &&
	aivalue --db "$(pg_uri "$LIVE")" audit checkpoint >head.live &&
	pg_dump -Fc -f live.dump "$(pg_uri "$LIVE")" &&
	test -s live.dump
'

test_expect_success PG 'restored into an empty database: audit verify proves it is the same workspace' '
	pg_create_db "$RESTORED" &&
	pg_restore --no-owner -d "$(pg_uri "$RESTORED")" live.dump &&
	aivalue --db "$(pg_uri "$RESTORED")" audit verify --expect-head "$(cat head.live)" >verify.out &&
	test_grep "^ledger ok: $(cut -d: -f1 head.live) entries, head $(cat head.live)$" verify.out &&
	test_grep "^state ok: " verify.out &&
	same_reads "$(pg_uri "$LIVE")" "$(pg_uri "$RESTORED")"
'

test_expect_success PG 'the restored workspace goes on: new ids follow the restored ones' '
	aivalue --db "$(pg_uri "$RESTORED")" token create --name after-restore --role viewer >t.token &&
	aivalue --db "$(pg_uri "$RESTORED")" audit verify >verify.out &&
	test_grep "^state ok: " verify.out
'

test_expect_success PG 'a row edited behind aivalue in the restored copy is caught' '
	psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_uri "$RESTORED")" \
		-c "UPDATE people SET role = ${Q}CEO${Q} WHERE name = (SELECT min(name) FROM people)" &&
	test_must_fail --exit=1 aivalue --db "$(pg_uri "$RESTORED")" audit verify 2>err &&
	test_grep "^error: table people, row " err
'

test_done
