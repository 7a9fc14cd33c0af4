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

test_expect_success 'opened for writing, the old workspace takes versions 13 to 21 and no other' '
	aivalue --db old.db init >out &&
	test_grep "already initialised (schema 21)" out &&
	test "$(sqlite3 old.db "SELECT count(*) FROM schema_migrations")" = 20 &&
	test "$(sqlite3 old.db "SELECT max(version) FROM schema_migrations")" = 21
'

test_expect_success 'the old and the new workspace have the same schema text' '
	schema_of old.db >old.schema &&
	schema_of new.db >new.schema &&
	test "$(wc -l <new.schema)" -eq 78 &&
	test_cmp old.schema new.schema
'

test_expect_success 'and the same version history, names included' '
	history_of old.db >old.hist &&
	history_of new.db >new.hist &&
	test_cmp old.hist new.hist &&
	test "$(sed -n 1p new.hist)" = "1|ledger, org and tokens" &&
	test "$(wc -l <new.hist)" -eq 20
'

# Undo versions 11 (org: token expiry, sessions) and 12 (ingest: indexes)
# of the old workspace (still at 12: audit verify above is read-only)
# the way a workspace from before them looked, then let today's binary
# migrate it: the parts now live in two layers' files.
test_expect_success 'a workspace two versions behind migrates to the same schema' '
	sqlite3 fixture.db <"$FIXTURE" &&
	mv fixture.db behind.db &&
	sqlite3 behind.db "DROP INDEX usage_seats_import; DROP INDEX usage_team_members_import;
		DROP INDEX usage_workflows_import; DROP INDEX journey_events_import;
		DROP INDEX customer_outcomes_import; DROP INDEX sessions_expires; DROP TABLE sessions;
		ALTER TABLE tokens DROP COLUMN expires_at;
		DELETE FROM schema_migrations WHERE version IN (11, 12)" &&
	test "$(sqlite3 behind.db "SELECT max(version) FROM schema_migrations")" = 10 &&
	aivalue --db behind.db init >out &&
	test_grep "already initialised (schema 21)" out &&
	schema_of behind.db >behind.schema &&
	test_cmp new.schema behind.schema &&
	history_of behind.db >behind.hist &&
	test_cmp new.hist behind.hist &&
	aivalue --db behind.db audit verify >out &&
	test_grep "^ledger ok: 40 entries" out
'

# Version 13 gives readiness answers an order column; rows an old
# workspace holds keep the order they were given in (their rowid).
test_expect_success 'readiness answers keep the order they were given in' '
	sqlite3 answers.db <"$FIXTURE" &&
	sqlite3 answers.db "INSERT INTO readiness_sets VALUES (1, '"'"'2026-12-01T00:00:00Z'"'"',
			'"'"'cli:x'"'"', '"'"'interactive'"'"', 40);
		INSERT INTO readiness_answers(set_id, question, choice, level, provenance,
			answered_at) VALUES (1, '"'"'zeta'"'"', 1, 1, '"'"'asserted'"'"', '"'"'t'"'"'),
			(1, '"'"'alpha'"'"', 2, 2, '"'"'asserted'"'"', '"'"'t'"'"'),
			(1, '"'"'mid'"'"', 0, 0, '"'"'asserted'"'"', '"'"'t'"'"');
		INSERT INTO readiness_draft(question, choice, level, provenance, answered_at)
			VALUES ('"'"'q9'"'"', 1, 1, '"'"'asserted'"'"', '"'"'t'"'"'),
			('"'"'q1'"'"', 1, 1, '"'"'asserted'"'"', '"'"'t'"'"')" &&
	aivalue --db answers.db init >/dev/null &&
	test "$(sqlite3 answers.db "SELECT group_concat(question || '"'"':'"'"' || ord, '"'"' '"'"')
		FROM (SELECT * FROM readiness_answers ORDER BY ord)")" = "zeta:1 alpha:2 mid:3" &&
	test "$(sqlite3 answers.db "SELECT group_concat(question || '"'"':'"'"' || ord, '"'"' '"'"')
		FROM (SELECT * FROM readiness_draft ORDER BY ord)")" = "q9:1 q1:2"
'

test_expect_success 'a read-only command never migrates' '
	sqlite3 ro.db <"$FIXTURE" &&
	sqlite3 ro.db "DROP INDEX journey_events_import; DELETE FROM schema_migrations WHERE version = 12" &&
	aivalue --db ro.db audit verify >out &&
	test "$(sqlite3 ro.db "SELECT count(*) FROM schema_migrations WHERE version = 12")" = 0 &&
	test "$(sqlite3 ro.db "SELECT count(*) FROM sqlite_master WHERE name = '"'"'journey_events_import'"'"'")" = 0
'

test_done
