#!/bin/sh
# t0133-expiry-timer - overdue exception items expire on the server's timer.
#
# Reads never write: an auditor's GET shows an overdue item as expired but
# records nothing.  So that the ledger still says the item expired, `serve`
# runs a timer (--expire-every, default PT30S) that records one
# exception.expired entry per overdue item as actor system:expiry, while
# no request at all is made.  The clock is moved past the item's PT4H SLA
# with AIVALUE_FAKE_TIME.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

entries() {
	test_sql "SELECT count(*) FROM ledger"
}
expiries() {
	test_sql "SELECT count(*) FROM ledger WHERE action = 'exception.expired'
		AND actor = 'system:expiry'"
}
some_expiry() {
	test "$(expiries)" != 0
}

test_expect_success 'set up: one escalated decision pending, with a PT4H SLA' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	aivalue decide --json --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-3\"" \
		--context "{\"confidence\": 0.5, \"amount\": 500}" >e.json &&
	test "$(json_get e.json "d[\"decision\"]")" = escalate &&
	json_get e.json "d[\"exception_id\"]" >item &&
	aivalue token create --name audit --role auditor >auditor.tok &&
	test "$(expiries)" = 0
'

AIVALUE_FAKE_TIME=2031-01-01T00:00:00Z
export AIVALUE_FAKE_TIME
start_server --quiet --expire-every PT1H

test_expect_success 'an auditor GET shows the overdue item expired and writes nothing' '
	before=$(entries) &&
	curl -fsS -H "Authorization: Bearer $(cat auditor.tok)" \
		"$AIV_URL/api/v1/exceptions" >list.json &&
	test "$(json_get list.json "[x[\"state\"] for x in d[\"items\"] if x[\"id\"] == \"$(cat item)\"][0]")" = expired &&
	test "$(entries)" = "$before" &&
	test "$(expiries)" = 0
'

test_expect_success 'the timer records the expiry as system:expiry with no request made' '
	stop_server &&
	before=$(entries) &&
	start_server --quiet --expire-every PT1S &&
	: the first tick is due 1 s after the start: wait for it up to 30 s, not 5, &&
	: as a loaded machine or the sanitizer build starts the server slower &&
	wait_until 30 some_expiry &&
	test "$(expiries)" = 1 &&
	test "$(entries)" = $((before + 2)) &&
	test "$(test_sql "SELECT subject FROM ledger WHERE action = '\''exception.expired'\''")" = "exception:$(cat item)" &&
	test "$(test_sql "SELECT state FROM exceptions WHERE id = '\''$(cat item)'\''")" = expired &&
	sleep 1.5 &&
	test "$(expiries)" = 1
'

test_expect_success 'the chain and the state still verify' '
	stop_server &&
	aivalue audit verify >v.out &&
	test_grep "^state ok: " v.out
'

test_done
