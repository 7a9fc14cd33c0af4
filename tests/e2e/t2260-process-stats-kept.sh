#!/bin/sh
# t2260-process-stats-kept.sh - `import cases` keeps what `process stats`
# prints by default (text and --json), computed over the columns it saves,
# in the same transaction, keyed by the log's content hash (issue 20): the
# stats after an import print them without reloading the log, byte for
# byte what a recomputation (--fresh) prints; a re-import of other
# content replaces them; figures whose content hash no longer matches the
# log's are not served; other options always recompute.
. "$(dirname "$0")/lib.sh"

D="$TEST_ROOT/../shared/data/eventlogs"

test_expect_success 'kept figures are what a recomputation prints, text and JSON, five logs' '
	aivalue init >/dev/null &&
	aivalue import cases "$D/running-example.xes" --name run >/dev/null &&
	aivalue import cases "$D/helpdesk.xes.gz" --name help >/dev/null &&
	aivalue import cases "$D/interval_event_log.xes" --name interval >/dev/null &&
	aivalue import cases "$D/11_tickets.xes.gz" --name tickets >/dev/null &&
	aivalue import cases "$D/running-example.csv" --name runcsv >/dev/null &&
	for log in run help interval tickets runcsv
	do
		aivalue process stats $log >kept.txt &&
		aivalue process stats $log --fresh >fresh.txt &&
		test_cmp fresh.txt kept.txt &&
		aivalue --json process stats $log >kept.json &&
		aivalue --json process stats $log --fresh >fresh.json &&
		test_cmp fresh.json kept.json || return 1
	done &&
	aivalue process stats run >out &&
	test_grep "^log run: 6 cases, 42 events, 8 activities, 6 resources, 6 variants" out &&
	aivalue process stats help >out &&
	test_grep "^log help: 4580 cases, 21348 events" out
'

test_expect_success 'one row per form and log, keyed by the content hash' '
	test "$(test_sql "SELECT count(*) FROM event_log_figures")" = 10 &&
	test "$(test_sql "SELECT count(*) FROM event_log_figures f JOIN event_logs l
		ON l.id = f.log_id AND l.content_hash = f.content_hash")" = 10
'

# Columns changed behind the program's back are what audit verify finds
# (the state check hashes them against the ledger); stats does not reread.
test_expect_success 'the kept figures are printed without reading the columns' '
	workspace_copy nocols &&
	test_sql_on nocols "DELETE FROM event_log_columns WHERE log_id =
		(SELECT id FROM event_logs WHERE name = '\''run'\'')" &&
	aivalue --db "$(workspace_db nocols)" process stats run >out &&
	test_grep "^log run: 6 cases, 42 events" out &&
	test_must_fail aivalue --db "$(workspace_db nocols)" process stats run --fresh 2>err &&
	test_grep "damaged" err &&
	test_must_fail aivalue --db "$(workspace_db nocols)" audit verify >out 2>&1 &&
	test_grep "event_log_columns" out
'

test_expect_success 'figures over other content are not served: recomputed' '
	workspace_copy rehash &&
	test_sql_on rehash "UPDATE event_log_figures SET content_hash = '\''0'\''
		WHERE log_id = (SELECT id FROM event_logs WHERE name = '\''help'\'')" &&
	test_sql_on rehash "DELETE FROM event_log_columns WHERE log_id =
		(SELECT id FROM event_logs WHERE name = '\''help'\'')" &&
	test_must_fail aivalue --db "$(workspace_db rehash)" process stats help 2>err &&
	test_grep "damaged" err
'

test_expect_success 'a re-import of other content replaces them in the same transaction' '
	aivalue import cases "$D/helpdesk.xes.gz" --name run >out &&
	test_grep "replaced log .run.: 4580 cases" out &&
	aivalue process stats run >kept.txt &&
	test_grep "^log run: 4580 cases, 21348 events" kept.txt &&
	aivalue process stats run --fresh >fresh.txt &&
	test_cmp fresh.txt kept.txt &&
	test "$(test_sql "SELECT count(*) FROM event_log_figures f JOIN event_logs l
		ON l.id = f.log_id WHERE l.name = '\''run'\''")" = 2
'

test_expect_success 'other options recompute: --top 3 lists three variants' '
	aivalue process stats help --top 3 >out &&
	test "$(sed -n "/^top variants:/,/^\$/p" out | grep -c "%")" = 3
'

test_done
