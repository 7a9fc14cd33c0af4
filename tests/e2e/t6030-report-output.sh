#!/bin/sh
# `aivalue report -o FILE` replaces a regular file atomically, and writes
# into a device or a pipe in place (renaming over /dev/null once replaced
# the device with a file for the whole machine).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

test_expect_success 'setup' 'aivalue init'

test_expect_success 'a regular file is replaced, no temporary file is left' '
	echo old >r.html &&
	aivalue report --format html -o r.html 2>err &&
	test_grep "wrote html report to .r.html." err &&
	grep -q "<html" r.html && ! test -e r.html.tmp
'

test_expect_success 'a named pipe stays a pipe and receives the report' '
	mkfifo pipe &&
	(timeout 20 cat pipe >from-pipe &) &&
	timeout 20 "$AIVALUE_BIN" report --format md -o pipe &&
	: the reader copies what it got after the writer has gone: wait for it, not a fixed 0.2 s &&
	wait_until 30 grep -q "^# " from-pipe &&
	test -p pipe &&
	! test -e pipe.tmp
'

test_done
