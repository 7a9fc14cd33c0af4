#!/bin/sh
# The demo writes its files beside the workspace (or under --dir), never
# into the current folder; --listen without --serve is refused.  Long work
# draws a progress line on stderr when stderr is a terminal (a pty from
# script(1)), and never in a pipe or with --quiet.
. "$(dirname "$0")/lib.sh"

# a progress line starts with a carriage return
cr=$(printf "\r")

test_expect_success '--listen without --serve is refused and creates nothing' '
	mkdir run &&
	(cd run && test_must_fail --exit=2 aivalue --db ws/w.db demo --size small --listen 127.0.0.1:9 2>../err) &&
	test_grep "^error: --listen needs --serve" err &&
	test -z "$(ls run)"
'

if command -v script >/dev/null; then
	test_expect_success 'demo on a terminal: progress lines, files beside the workspace' '
		mkdir -p run/ws &&
		(cd run && AIVALUE_PROGRESS_DELAY_MS=0 script -qfc "\"$AIVALUE_BIN\" --db ws/w.db demo --size small --seed 2" /dev/null >../tty.out 2>&1) &&
		test "$(ls run)" = "ws" &&
		test -d run/ws/w-data/usage &&
		test -f run/ws/w.db &&
		grep -q "${cr}write: AI-usage exports  " tty.out &&
		grep -q "${cr}a year of AI usage  " tty.out &&
		grep -q "${cr}agent decisions and exceptions  " tty.out &&
		test_grep "ledger ok: " tty.out
	'

	test_expect_success 'import, audit verify and report draw on a terminal' '
		aivalue --db fresh.db init >/dev/null &&
		AIVALUE_PROGRESS_DELAY_MS=0 script -qfc "\"$AIVALUE_BIN\" --db fresh.db import journeys run/ws/w-data/journeys/events.csv --format csv" /dev/null >imp.out 2>&1 &&
		test_grep "importing run/ws/w-data/journeys/events.csv  \[[#-]*\] *[0-9]*%  [0-9.]* of 0\.[0-9] MB" imp.out &&
		test_grep "imported [0-9]* events rows" imp.out &&
		AIVALUE_PROGRESS_DELAY_MS=0 script -qfc "\"$AIVALUE_BIN\" --db run/ws/w.db audit verify" /dev/null >verify.out 2>&1 &&
		test_grep "verifying the ledger  \[[#-]*\] *[0-9]*%  [0-9,]* of [0-9,]* entries" verify.out &&
		AIVALUE_PROGRESS_DELAY_MS=0 script -qfc "\"$AIVALUE_BIN\" --db run/ws/w.db report -o r.html" /dev/null >report.out 2>&1 &&
		test_grep "building the report  \[[#-]*\] *[0-9]*%  [0-9] of 2 stages" report.out &&
		test -s r.html
	'

	test_expect_success '--quiet: no progress line on a terminal' '
		aivalue --db quiet.db init >/dev/null &&
		AIVALUE_PROGRESS_DELAY_MS=0 script -qfc "\"$AIVALUE_BIN\" --quiet --db quiet.db import journeys run/ws/w-data/journeys/events.csv --format csv" /dev/null >q.out 2>&1 &&
		test_grep "imported [0-9]* events rows" q.out &&
		! grep -q "importing" q.out &&
		! grep -q "$cr[a-z]" q.out
	'
else
	say "skip the terminal tests: script(1) not installed"
	test_expect_success 'demo files beside the workspace' '
		mkdir -p run/ws &&
		(cd run && aivalue --db ws/w.db demo --size small --seed 2 >../demo.out 2>&1) &&
		test "$(ls run)" = "ws" &&
		test -d run/ws/w-data/usage
	'
fi

test_expect_success 'in a pipe stderr has no progress line' '
	aivalue --db pipe.db init >/dev/null &&
	AIVALUE_PROGRESS_DELAY_MS=0 aivalue --db pipe.db import journeys run/ws/w-data/journeys/events.csv --format csv >out 2>err &&
	test_grep "imported [0-9]* events rows" out &&
	test ! -s err &&
	AIVALUE_PROGRESS_DELAY_MS=0 aivalue --db run/ws/w.db audit verify 2>err | cat >out &&
	test_grep "ledger ok" out &&
	test ! -s err
'

test_done
