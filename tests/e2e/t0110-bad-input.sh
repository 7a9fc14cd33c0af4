#!/bin/sh
# t0110-bad-input.sh - bad input gets one line saying what and where,
# exit status 1, and leaves the store unchanged.
#
# Covers malformed YAML, an unknown kind, an unresolved reference, an
# unknown key (examples/acme/broken/), a file that is not a database, a
# SQLite database of some other application, a missing workspace, and a
# database locked by another writer.  "Unchanged" is checked by comparing
# the ledger head (audit checkpoint) and the object count before and after.

. "$(dirname "$0")/lib.sh"

BROKEN="$TEST_ROOT/examples/acme/broken"

# state: checkpoint and object count of the workspace
state() {
	echo "$(aivalue audit checkpoint) $(test_sql "SELECT count(*) FROM objects")"
}

# one_line_error FILE WORDS: FILE is exactly one line, "error: ..." with WORDS
one_line_error() {
	test "$(wc -l <"$1")" -eq 1 &&
	test_grep "^error: " "$1" &&
	test_grep -- "$2" "$1"
}

test_expect_success 'set up a workspace with Acme applied' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/examples/acme" >/dev/null &&
	state >state.before
'

test_expect_success 'malformed YAML: file:line:col, exit 1, nothing applied' '
	test_must_fail --exit=1 aivalue apply -f "$BROKEN/malformed.yaml" 2>err &&
	one_line_error err "malformed.yaml:[0-9]*:[0-9]*: invalid YAML" &&
	state >state.after && test_cmp state.before state.after
'

test_expect_success 'unknown kind: names it at 2:7' '
	test_must_fail --exit=1 aivalue apply -f "$BROKEN/bad-kind.yaml" 2>err &&
	one_line_error err "bad-kind.yaml:2:7: unknown kind .Robot." &&
	state >state.after && test_cmp state.before state.after
'

test_expect_success 'unresolved reference: names the field at 6:8' '
	test_must_fail --exit=1 aivalue apply -f "$BROKEN/bad-ref.yaml" 2>err &&
	one_line_error err "bad-ref.yaml:6:8: .*field .owner. refers to unknown person .nobody.here." &&
	state >state.after && test_cmp state.before state.after
'

test_expect_success 'unknown key in the second document: the valid first one is not applied' '
	test_must_fail --exit=1 aivalue apply -f "$BROKEN/unknown-key.yaml" 2>err &&
	one_line_error err "unknown-key.yaml:14:1: .*unknown key .emial." &&
	test_must_fail --exit=1 aivalue get team test-team 2>err &&
	test_grep "no team named .test-team." err &&
	state >state.after && test_cmp state.before state.after
'

test_expect_success 'a good directory plus one bad file applies nothing' '
	cp "$TEST_ROOT"/examples/acme/*.yaml . &&
	sed "s/^role: Claims handler$/role: Claims lead/" people.yaml >people2.yaml &&
	mkdir batch && mv people2.yaml batch/people.yaml && cp "$BROKEN/bad-ref.yaml" batch/zz.yaml &&
	test_must_fail --exit=1 aivalue apply -f batch 2>err &&
	one_line_error err "zz.yaml:6:8:" &&
	state >state.after && test_cmp state.before state.after
'

test_expect_success 'from stdin: located as (stdin), nothing applied' '
	test_must_fail --exit=1 aivalue apply -f - <"$BROKEN/bad-ref.yaml" 2>err &&
	one_line_error err "(stdin):6:8: .*unknown person .nobody.here." &&
	state >state.after && test_cmp state.before state.after
'

test_expect_success 'invalid UTF-8 (once a hang in libfyaml) fails at once, located' '
	printf "kind: Team\\nname: ops\\n%%\\306\\n" >bad-utf8.yaml &&
	test_must_fail --exit=1 timeout 10 "$AIVALUE_BIN" apply -f bad-utf8.yaml 2>err &&
	one_line_error err "bad-utf8.yaml:3:2: invalid UTF-8 (byte 0xc6)" &&
	state >state.after && test_cmp state.before state.after
'

test_expect_success 'a text file is not an aivalue database' '
	echo "just some notes, not a database at all, long enough for a header" >notes.txt &&
	cp notes.txt notes.orig &&
	test_must_fail --exit=1 aivalue --db notes.txt audit verify 2>err &&
	one_line_error err "notes.txt. is not an aivalue database (not SQLite at all)" &&
	test_must_fail --exit=1 aivalue --db notes.txt apply -f "$TEST_ROOT/examples/acme" 2>err &&
	one_line_error err "not an aivalue database" &&
	test_must_fail --exit=1 aivalue --db notes.txt init 2>err &&
	one_line_error err "not an aivalue database" &&
	test_cmp notes.orig notes.txt
'

test_expect_success 'a SQLite database of another application is refused and not touched' '
	sqlite3 other.db "CREATE TABLE recipes(name TEXT); INSERT INTO recipes VALUES (1);" &&
	sqlite3 other.db .dump >other.before &&
	test_must_fail --exit=1 aivalue --db other.db audit log 2>err &&
	one_line_error err "other.db. is not an aivalue database (application id 0)" &&
	test_must_fail --exit=1 aivalue --db other.db init 2>err &&
	one_line_error err "not an aivalue database" &&
	sqlite3 other.db .dump >other.after &&
	test_cmp other.before other.after
'

test_expect_success 'a missing workspace says to run init, and creates nothing' '
	test_must_fail --exit=1 aivalue --db nowhere.db apply -f "$TEST_ROOT/examples/acme" 2>err &&
	one_line_error err "no workspace at .nowhere.db.; run .aivalue init. first" &&
	test_must_fail --exit=1 aivalue --db nowhere.db audit verify 2>err &&
	one_line_error err "no workspace" &&
	! test -e nowhere.db
'

test_expect_success 'a directory is not a workspace' '
	mkdir adir &&
	test_must_fail --exit=1 aivalue --db adir audit verify 2>err &&
	one_line_error err "not a regular file"
'

test_expect_success 'a locked database: one-line busy error within the timeout, nothing applied' '
	test_hold_write_lock locked.ready 30 &
	holder=$! &&
	i=0 && while ! test -e locked.ready && test $i -lt 400; do sleep 0.05 && i=$((i + 1)) || return 1; done &&
	test -e locked.ready &&
	sed "s/^role: Claims handler$/role: Claims lead/" people.yaml >changed.yaml &&
	start=$(date +%s) &&
	if test_must_fail --exit=1 aivalue apply -f changed.yaml 2>err; then st=0; else st=1; fi &&
	kill $holder &&
	{ wait $holder 2>/dev/null || :; } &&
	test $st -eq 0 &&
	test $(( $(date +%s) - start )) -lt 10 &&
	one_line_error err "database is locked by another process" &&
	state >state.after && test_cmp state.before state.after &&
	aivalue apply -f changed.yaml >out &&
	test_grep "updated" out
'

test_expect_success 'the ledger still verifies after all that' '
	aivalue audit verify
'

test_done
