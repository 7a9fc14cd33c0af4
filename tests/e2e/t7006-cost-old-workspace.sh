#!/bin/sh
# A workspace from before usage_tokens (tests/fixtures/tutorial-v12.sql),
# opened read-only, is never migrated: `aivalue cost` reads it with no
# token counts (named as a gap), and `audit verify` leaves the table it
# lacks out of the import digests instead of failing on it.
. "$(dirname "$0")/lib.sh"

test_expect_success 'cost and audit verify on an old workspace, read-only' '
	sqlite3 old.db <"$TEST_ROOT/tests/fixtures/tutorial-v12.sql" &&
	aivalue --db old.db cost --json >c.json &&
	test "$(json_get c.json "d[\"total\"][\"lines\"][\"input_tokens\"][\"quantity\"]")" = 0 &&
	test "$(json_get c.json "[g for g in d[\"gaps\"] if g.startswith(\"no token counts\")] != []")" = True &&
	aivalue --db old.db audit verify >v.out &&
	test_grep "^state ok" v.out &&
	test "$(sqlite3 old.db "SELECT max(version) FROM schema_migrations")" = 12
'

test_done
