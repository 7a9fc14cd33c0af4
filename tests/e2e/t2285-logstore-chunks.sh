#!/bin/sh
# t2285-logstore-chunks.sh - an imported log's columns are stored in rows
# of at most 256 KiB (src/ingest/logstore.c, CHUNK), so that SQLite's two
# copies of each BLOB it writes (the bound value, the record) are small
# buffers reused from row to row instead of fresh memory the size of a
# whole column (issue 20).  A column over 256 KiB (02_teleclaims: 46,138
# events, 369,104 bytes of times) takes two rows, joined in order when the
# log loads; the content hash, `process stats` and `audit verify` are what
# they were, and a log stored in one row (a workspace written before this
# change, the tutorial fixture) loads as before.
. "$(dirname "$0")/lib.sh"

D="$TEST_ROOT/../shared/data/eventlogs"

test_expect_success 'rows of at most 256 KiB, a large column in two, in order' '
	aivalue init >/dev/null &&
	aivalue --json import cases "$D/02_teleclaims.xes.gz" --name tele >imp.json &&
	test "$(test_sql "SELECT max(length(data)) FROM event_log_columns")" -le 262144 &&
	test "$(test_sql "SELECT count(*) FROM event_log_columns WHERE name = '\''time'\''")" = 2 &&
	test "$(test_sql "SELECT length(data) FROM event_log_columns
		WHERE name = '\''time'\'' AND chunk = 0")" = 262144 &&
	test "$(test_sql "SELECT length(data) FROM event_log_columns
		WHERE name = '\''time'\'' AND chunk = 1")" = 106960 &&
	test "$(test_sql "SELECT events FROM event_logs WHERE name = '\''tele'\''")" = 46138
'

test_expect_success 'the chunks load back: fresh figures equal the kept ones, the hash verifies' '
	aivalue --json process stats tele >kept.json &&
	aivalue --json process stats tele --fresh >fresh.json &&
	test_cmp kept.json fresh.json &&
	test_grep "\"events\": 46138" fresh.json &&
	aivalue audit verify >verify.out &&
	test_grep "^state ok: .* 1 rows match the ledger$" verify.out
'

test_expect_success 'a log stored in one row (a workspace from before) loads as before' '
	sqlite3 old.db <"$TEST_ROOT/tests/fixtures/tutorial-v12.sql" &&
	test "$(sqlite3 old.db "SELECT count(*) FROM event_log_columns WHERE name = '\''time'\''")" = 1 &&
	aivalue --db old.db --json process stats claims-log --fresh >old.json &&
	test_grep "\"events\": 42" old.json &&
	aivalue --db old.db audit verify >v.out &&
	test_grep "^state ok: 35 tables, 68 rows match the ledger" v.out
'

test_done
