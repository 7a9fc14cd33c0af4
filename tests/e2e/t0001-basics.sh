#!/bin/sh
# The binary's contract: help, version, exit codes, init.
. "$(dirname "$0")/lib.sh"

test_expect_success 'no arguments is a usage error (exit 2)' '
	test_must_fail --exit=2 aivalue 2>err &&
	test_grep "usage: aivalue" err
'
test_expect_success 'help lists every command' '
	aivalue help >out &&
	for c in apply audit delete get init models serve token version; do
		test_grep "^   $c " out || exit 1
	done
'
test_expect_success 'help COMMAND shows its options' '
	aivalue help apply >out && test_grep -- "--filename" out &&
	aivalue apply --help >out2 && test_cmp out out2
'
test_expect_success 'unknown command is a usage error' '
	test_must_fail --exit=2 aivalue frobnicate 2>err &&
	test_grep "not an aivalue command" err
'
test_expect_success 'unknown option is a usage error' '
	test_must_fail --exit=2 aivalue version --bogus 2>err &&
	test_grep "unknown option" err
'
test_expect_success 'version, plain and --json' '
	aivalue version | test_grep "^aivalue [0-9]" &&
	aivalue version --json >v.json &&
	test "$(json_get v.json "d[\"schema\"] >= 1")" = True
'
test_expect_success 'commands need a workspace first' '
	test_must_fail --exit=1 aivalue get people 2>err &&
	test_grep "no workspace \(at\|in database\) " err && test_grep "aivalue init" err
'
test_expect_success SQLITE 'and the refused command leaves no file behind' '
	test ! -f aivalue.db
'
test_expect_success 'init creates a workspace with one ledger entry' '
	aivalue init >out && test_grep "initialised workspace" out &&
	aivalue audit verify >v && test_grep "ledger ok: 1 entries" v
'
test_expect_success 'init again is harmless and appends nothing' '
	aivalue init >out && test_grep "already initialised" out &&
	aivalue audit verify | test_grep "ledger ok: 1 entries"
'
test_expect_success '--db and $AIVALUE_DB choose the workspace' '
	aivalue --db other.db init && test -f other.db &&
	AIVALUE_DB=third.db aivalue init && test -f third.db &&
	aivalue get people --db other.db | test_grep "no people yet"
'
test_done
