#!/bin/sh
# Each layer owns its tables and their migrations (src/<layer>/*_schema.c).
# A workspace made by the code from before the split (one migrations.c)
# must open, verify and migrate exactly as before: same schema text, same
# version history.  The old workspace is tests/fixtures/tutorial-v12.sql,
# made by that code (see its header).
. "$(dirname "$0")/lib.sh"
FIXTURE="$TEST_ROOT/tests/fixtures/tutorial-v12.sql"

# `.schema` of a workspace, one statement a line, sorted: a dump reloaded
# by sqlite3 lists indexes after the tables, so only the order may differ.
schema_of() { sqlite3 "$1" .schema | sort; }
history_of() { sqlite3 "$1" "SELECT version, name FROM schema_migrations ORDER BY version"; }

test_expect_success 'setup: a new workspace, and the old one loaded from its dump' '
	aivalue --db new.db init >/dev/null &&
	sqlite3 old.db <"$FIXTURE" &&
	test "$(sqlite3 old.db "SELECT count(*) FROM ledger")" = 40
'

test_expect_success 'the old workspace opens and its ledger and state verify' '
	aivalue --db old.db audit verify >out &&
	test_grep "^ledger ok: 40 entries" out &&
	test_grep "^state ok" out
'

test_expect_success 'the old and the new workspace have the same schema text' '
	schema_of old.db >old.schema &&
	schema_of new.db >new.schema &&
	test "$(wc -l <new.schema)" -eq 68 &&
	test_cmp old.schema new.schema
'

test_expect_success 'and the same version history, names included' '
	history_of old.db >old.hist &&
	history_of new.db >new.hist &&
	test_cmp old.hist new.hist &&
	test "$(sed -n 1p new.hist)" = "1|ledger, org and tokens" &&
	test "$(wc -l <new.hist)" -eq 11
'

# Undo versions 11 (org: token expiry, sessions) and 12 (ingest: indexes)
# the way a workspace from before them looked, then let today's binary
# migrate it: the parts now live in two layers' files.
test_expect_success 'a workspace two versions behind migrates to the same schema' '
	cp old.db behind.db &&
	sqlite3 behind.db "DROP INDEX usage_seats_import; DROP INDEX usage_team_members_import;
		DROP INDEX usage_workflows_import; DROP INDEX journey_events_import;
		DROP INDEX customer_outcomes_import; DROP INDEX sessions_expires; DROP TABLE sessions;
		ALTER TABLE tokens DROP COLUMN expires_at;
		DELETE FROM schema_migrations WHERE version IN (11, 12)" &&
	test "$(sqlite3 behind.db "SELECT max(version) FROM schema_migrations")" = 10 &&
	aivalue --db behind.db init >out &&
	test_grep "already initialised (schema 12)" out &&
	schema_of behind.db >behind.schema &&
	test_cmp new.schema behind.schema &&
	history_of behind.db >behind.hist &&
	test_cmp new.hist behind.hist &&
	aivalue --db behind.db audit verify >out &&
	test_grep "^ledger ok: 40 entries" out
'

test_expect_success 'a read-only command never migrates' '
	cp old.db ro.db &&
	sqlite3 ro.db "DROP INDEX journey_events_import; DELETE FROM schema_migrations WHERE version = 12" &&
	aivalue --db ro.db audit verify >out &&
	test "$(sqlite3 ro.db "SELECT count(*) FROM schema_migrations WHERE version = 12")" = 0 &&
	test "$(sqlite3 ro.db "SELECT count(*) FROM sqlite_master WHERE name = '"'"'journey_events_import'"'"'")" = 0
'

test_done
