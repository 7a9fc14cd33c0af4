#!/bin/sh
# t0121-approval-bound.sh - an approval is checked against the ledger on use.
#
# An approved exception item releases the escalated decision it was raised
# for, once.  The exceptions table alone must not be able to do that: a row
# set to 'approved' with sqlite3 or psql (no ledger entry), or an approved
# row whose argument digest is swapped for another request's, must release
# nothing.  decide then denies, fail closed, and says why.

. "$(dirname "$0")/lib.sh"

INV3='{"confidence": 0.5, "amount": 500}'
INV4='{"confidence": 0.5, "amount": 700}'

# decide_on DB OUT RESOURCE CONTEXT [--approved ID]
decide_on() {
	db=$1 out=$2 res=$3 ctx=$4 &&
	shift 4 &&
	aivalue --db "$db" decide --json --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"$res\"" --context "$ctx" "$@" >"$out"
}

test_expect_success 'set up: two escalated invoices (inv-3, inv-4) in the exception queue' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	decide_on "$AIVALUE_DB" e3.json inv-3 "$INV3" &&
	decide_on "$AIVALUE_DB" e4.json inv-4 "$INV4" &&
	test "$(json_get e3.json "d[\"decision\"]")" = escalate &&
	test "$(json_get e4.json "d[\"decision\"]")" = escalate &&
	json_get e3.json "d[\"exception_id\"]" >item3 &&
	json_get e4.json "d[\"exception_id\"]" >item4 &&
	workspace_copy clean
'

test_expect_success 'a row set to approved behind the ledger releases nothing' '
	workspace_copy forged clean &&
	test_sql_on forged "UPDATE exceptions SET state = '\''approved'\'', approver = '\''ana'\'',
		reason = '\''forged'\'' WHERE id = '\''$(cat item3)'\''" &&
	decide_on "$(workspace_db forged)" f.json inv-3 "$INV3" --approved "$(cat item3)" 2>f.err &&
	test "$(json_get f.json "d[\"decision\"]")" = deny &&
	test_grep "approval .$(cat item3). is not the one the ledger recorded (the ledger says pending): denied, fail closed" f.json &&
	test_grep "^aivalue: approval .$(cat item3). is not the one the ledger recorded" f.err &&
	test "$(test_sql_on forged "SELECT count(*) FROM exceptions WHERE used_at IS NULL AND id = '\''$(cat item3)'\''")" = 1
'

test_expect_success 'the same approval given through the queue releases the decision once' '
	aivalue exceptions approve "$(cat item3)" --as ana --reason "PO checked" &&
	decide_on "$AIVALUE_DB" ok.json inv-3 "$INV3" --approved "$(cat item3)" &&
	test "$(json_get ok.json "d[\"decision\"]")" = allow &&
	test_grep "approved by ana" ok.json
'

test_expect_success 'a real approval whose digest is swapped for another request does not release that one' '
	workspace_copy swap clean &&
	aivalue --db "$(workspace_db swap)" exceptions approve "$(cat item3)" --as ana --reason "PO checked" &&
	test_sql_on swap "UPDATE exceptions SET digest = (SELECT digest FROM exceptions
		WHERE id = '\''$(cat item4)'\'') WHERE id = '\''$(cat item3)'\''" &&
	decide_on "$(workspace_db swap)" s.json inv-4 "$INV4" --approved "$(cat item3)" 2>s.err &&
	test "$(json_get s.json "d[\"decision\"]")" = deny &&
	test_grep "is not the one the ledger recorded (the ledger says approved by ana)" s.json
'

test_expect_success 'a rejected item flipped to approved releases nothing' '
	workspace_copy rej clean &&
	aivalue --db "$(workspace_db rej)" exceptions reject "$(cat item4)" --as ana --reason "duplicate" &&
	test_sql_on rej "UPDATE exceptions SET state = '\''approved'\'' WHERE id = '\''$(cat item4)'\''" &&
	decide_on "$(workspace_db rej)" r.json inv-4 "$INV4" --approved "$(cat item4)" 2>r.err &&
	test "$(json_get r.json "d[\"decision\"]")" = deny &&
	test_grep "the ledger says rejected by ana" r.json
'

# exceptions.used_at (and used_decision) said an approved item had
# released its decision; nothing compared them with anything, so clearing
# used_at with sqlite3 verified clean and let the one-time approval
# release the same request again.  The decision that used an approval is
# in the decision log (its record carries the approver, and its reason
# names the item); the records are bound (digest, decisions.batch).  So
# audit verify replays used_at/used_decision from them, and decide refuses
# an approval a decision already used, whatever the table says.

test_expect_success 'the decision log says which decision used inv-3.s approval; verify agrees' '
	json_get ok.json "d[\"decision_id\"]" >dec &&
	test "$(test_sql "SELECT used_decision FROM exceptions WHERE id = '\''$(cat item3)'\''")" = "$(cat dec)" &&
	aivalue audit verify >v.out &&
	test_grep "^state ok: " v.out
'

test_expect_success 'used_at cleared behind the ledger: named, and the approval releases nothing' '
	workspace_copy c &&
	test_sql_on c "UPDATE exceptions SET used_at = NULL, used_decision = NULL WHERE id = '\''$(cat item3)'\''" &&
	test_must_fail aivalue --db "$(workspace_db c)" audit verify 2>c.err &&
	test_grep "^error: table exceptions, row $(cat item3): used_at is (none) (decision (none)) but the decision log says decision $(cat dec) used it at 20[0-9T:.-]*Z$" c.err &&
	decide_on "$(workspace_db c)" again.json inv-3 "$INV3" --approved "$(cat item3)" 2>again.err &&
	test "$(json_get again.json "d[\"decision\"]")" = deny &&
	test_grep "approval .$(cat item3). was already used by decision $(cat dec) (the exceptions table says it was not): denied, fail closed" again.json &&
	test_grep "^aivalue: approval .$(cat item3). was already used by decision" again.err
'

test_expect_success 'used_at set on an item no decision used is named' '
	workspace_copy u &&
	test_sql_on u "UPDATE exceptions SET used_at = '\''2026-12-01T00:00:00.000000Z'\'', used_decision = '\''dec-x'\'' WHERE id = '\''$(cat item4)'\''" &&
	test_must_fail aivalue --db "$(workspace_db u)" audit verify 2>u.err &&
	test_grep "^error: table exceptions, row $(cat item4): used_at is 2026-12-01T00:00:00.000000Z (decision dec-x) but the decision log says no decision used it$" u.err &&
	test_grep "state verification failed: 1 difference " u.err
'

test_done
