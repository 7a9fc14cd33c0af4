#!/bin/sh
# t0006-demo-cache.sh - tests/e2e/lib-demo.sh: aivalue_demo leaves what
# `aivalue demo` leaves (workspace, --dir tree, output, exit status),
# generating the demo once per key into $AIV_DEMO_CACHE and copying it
# after that; the path of the workspace in the output is the caller's.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

# counts of the rows of every table: the same workspace, whatever the times
counts() {
	sqlite3 "$1" "SELECT group_concat('SELECT ''' || name || ''', count(*) FROM \"' || name || '\"', ' UNION ALL ')
		FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)" >counts.sql &&
	sqlite3 "$1" <counts.sql
}

test_expect_success 'without AIV_DEMO_CACHE it is aivalue demo itself' '
	AIV_DEMO_CACHE= aivalue_demo --db plain.db demo --size small --dir plain >plain.out 2>plain.err &&
	test_grep "^loading it into the workspace .plain.db." plain.out &&
	test -f plain/org/users-1.json &&
	counts plain.db >plain.counts &&
	test_grep "^ledger|" plain.counts
'

# the cache holds SQLite workspaces: the first call goes to this file's
# SQLite file whatever the backend (a postgresql:// workspace is demoed
# without the cache)
test_expect_success 'the first call generates the entry, the second copies it' '
	export AIVALUE_DB="$TEST_DIR/aivalue.db" &&
	mkdir cache &&
	export AIV_DEMO_CACHE="$TEST_DIR/cache" &&
	aivalue_demo demo --size small --dir data >first.out 2>first.err &&
	test "$(ls cache | wc -l)" = 1 &&
	mkdir two &&
	(cd two && AIVALUE_DB="$TEST_DIR/two/w.db" aivalue_demo demo --size small --dir data >../second.out 2>../second.err) &&
	test "$(ls cache | wc -l)" = 1 &&
	test_grep "^loading it into the workspace .$TEST_DIR/aivalue.db. through" first.out &&
	test_grep "^loading it into the workspace .$TEST_DIR/two/w.db. through" second.out &&
	test_grep "^  try:          aivalue --db $TEST_DIR/two/w.db findings" second.out &&
	! grep "stage" second.out &&
	counts aivalue.db >first.counts &&
	counts two/w.db >second.counts &&
	test_cmp plain.counts first.counts &&
	test_cmp first.counts second.counts &&
	diff -r plain two/data &&
	AIVALUE_DB="$TEST_DIR/two/w.db" aivalue audit verify | test_grep "ledger ok"
'

test_expect_success 'another AIVALUE_FAKE_TIME, or no --dir, is not that entry' '
	export AIV_DEMO_CACHE="$TEST_DIR/cache" &&
	AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z aivalue_demo --db t.db demo --size small --dir t >/dev/null 2>&1 &&
	test "$(ls cache | wc -l)" = 2 &&
	test_must_fail --exit=2 aivalue_demo demo --size huge 2>huge.err &&
	test_grep "huge" huge.err &&
	test "$(ls cache | wc -l)" = 2
'

test_expect_success PG 'a postgresql:// workspace is demoed without the cache' '
	export AIV_DEMO_CACHE="$TEST_DIR/cache" &&
	workspace_new pgdemo &&
	aivalue_demo --db "$(workspace_db pgdemo)" demo --size small --dir pgd >pg.out 2>pg.err &&
	test "$(ls cache | wc -l)" = 2 &&
	aivalue --db "$(workspace_db pgdemo)" audit verify >verify.out &&
	test_grep "^ledger ok" verify.out &&
	test_grep "^state ok" verify.out &&
	diff -r plain pgd
'

test_done
