#!/bin/sh
# t8107-gateway-escalation-wait - `--escalation-wait SECONDS`: an escalated
# tools/call stays open up to that long; approved meanwhile, it is decided
# again (the approval releases it once), forwarded and answered; rejected or
# not approved in time, the usual -32004.  The wait holds no store lock:
# the approval is written (by the CLI) while the call waits.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null
start_server --quiet --gateway --upstream e=builtin:echo --escalation-wait 4

# rpc OUT JSON: one message in the agent's session; prints the status, body in OUT
rpc() { mcp_rpc ap.tok "$1" "$2"; }
call() { echo "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", \"params\": {\"name\": \"e.add\", \"arguments\": {\"a\": $1, \"b\": 1}}}"; }
# pending_item: wait (at most 30 s) for one pending item, print its id
one_pending_() {
	aivalue exceptions list --state pending --json >ex.json &&
	test "$(json_get ex.json "len(d)")" = 1
}
pending_item() {
	wait_until 30 one_pending_ &&
	json_get ex.json "d[0][\"id\"]"
}

test_expect_success 'approved while the call waits: forwarded, answered with the result' '
	rpc sid.json "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}" >/dev/null &&
	{ rpc out1.json "$(call 500)" >st1 & } &&
	pending_item >item1 &&
	aivalue exceptions approve "$(cat item1)" --as bob --reason "checked the invoice" >/dev/null &&
	wait &&
	test "$(cat st1)" = 200 &&
	test "$(json_get out1.json "d[\"result\"][\"content\"][0][\"text\"]")" = "The sum of 500 and 1 is 501." &&
	aivalue exceptions show "$(cat item1)" --json >item.json &&
	test "$(json_get item.json "d[\"state\"], d.get(\"used_at\") is not None")" = "approved True"
'

test_expect_success 'rejected while the call waits: -32004 at once, nothing forwarded' '
	{ rpc out2.json "$(call 600)" >st2 & } &&
	pending_item >item2 &&
	aivalue exceptions reject "$(cat item2)" --as bob --reason "no such invoice" >/dev/null &&
	wait &&
	test "$(json_get out2.json "d[\"error\"][\"code\"], d[\"error\"][\"data\"][\"exception_id\"]")" = "-32004 $(cat item2)"
'

test_expect_success 'not approved within the wait: -32004 after it, the item stays pending' '
	start=$(date +%s) &&
	test "$(rpc out3.json "$(call 700)")" = 200 &&
	end=$(date +%s) &&
	test $((end - start)) -ge 3 &&
	test "$(json_get out3.json "d[\"error\"][\"code\"]")" = -32004 &&
	aivalue exceptions show "$(json_get out3.json "d[\"error\"][\"data\"][\"exception_id\"]")" --json >item.json &&
	test "$(json_get item.json "d[\"state\"]")" = pending
'

test_expect_success 'the ledger: the escalation, then the allowed call that used the approval' '
	stop_server &&
	aivalue audit log --json >log.json &&
	python3 -S -c "import json; [print(r[\"outcome\"], r.get(\"status\", \"-\"), r[\"args_digest\"][:8]) for e in reversed(json.load(open(\"log.json\"))) if e[\"action\"] == \"gateway.calls\" for r in e[\"payload\"][\"records\"] if r[\"kind\"] == \"call\"]" >recs &&
	test "$(cut -d" " -f1,2 recs | tr "\n" ",")" = "escalate -,allow ok,escalate -,escalate -," &&
	test "$(sed -n 1p recs | cut -d" " -f3)" = "$(sed -n 2p recs | cut -d" " -f3)"
'

test_expect_success '--escalation-wait out of range, or without --gateway, is refused' '
	test_must_fail aivalue gateway --upstream e=builtin:echo --escalation-wait 3601 2>err &&
	test_grep "escalation-wait must be 0 to 3600 seconds, not 3601" err &&
	test_must_fail aivalue serve --escalation-wait 5 2>err &&
	test_grep "need --gateway" err
'

test_done
