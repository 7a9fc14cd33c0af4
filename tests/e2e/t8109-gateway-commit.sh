#!/bin/sh
# t8109-gateway-commit - the gateway's call records ride in the decision
# writer's transactions (one commit per call, src/gateway/record.c) and a
# lone call commits its decision on its own worker thread
# (src/http/api_control.c, commit_inline).  Whatever path a call takes,
# every answered call is in the ledger exactly once, with the decision it
# was answered under, including the calls answered just before the server
# stops; a denied call is recorded as denied; the chain verifies.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null

call() {
	printf '{"jsonrpc": "2.0", "id": %s, "method": "tools/call", "params": {"name": "e.echo", "arguments": {"message": "%s"}}}' "$1" "$2"
}

# every call record in the ledger, one "DECISION-ID OUTCOME STATUS RESULT-BYTES" a line
records() {
	aivalue audit log --json >log.json &&
	python3 -S -c "
import json
for e in reversed(json.load(open('log.json'))):
    if e['action'] == 'gateway.calls':
        assert e['payload']['count'] == len(e['payload']['records'])
        for r in e['payload']['records']:
            if r['kind'] == 'call':
                print(r['decision_id'], r['outcome'], r.get('status', '-'), r.get('result_bytes', '-'))
" >records.txt
}

start_server --quiet --gateway --upstream e=builtin:echo

test_expect_success 'ten calls one at a time, then twelve at once: all answered' '
	for i in 1 2 3 4 5 6 7 8 9 10; do
		test "$(mcp_rpc ap.tok one-$i.json "$(call $i po-$i)")" = 200 &&
		test "$(json_get one-$i.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: po-$i" ||
		return 1
	done &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		mcp_rpc ap.tok many-$i.json "$(call $((100 + i)) inv-$i)" >many-$i.code &
	done &&
	wait &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		test "$(cat many-$i.code)" = 200 &&
		test "$(json_get many-$i.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: inv-$i" ||
		return 1
	done
'

test_expect_success 'an upstream error is passed through as the upstream wrote it' '
	test "$(mcp_rpc ap.tok uperr.json "{\"jsonrpc\": \"2.0\", \"id\": 150, \"method\": \"tools/call\", \"params\": {\"name\": \"e.echo\", \"arguments\": {\"message\": 5}}}")" = 200 &&
	printf "%s\n" "{\"jsonrpc\":\"2.0\",\"id\":150,\"error\":{\"code\":-32602,\"message\":\"unknown tool or invalid arguments\"}}" >expect &&
	test_cmp expect uperr.json
'

test_expect_success 'a denied call, then one allowed call right before the stop' '
	test "$(mcp_rpc ap.tok deny.json "$(call 200 secret)")" = 200 &&
	test "$(json_get deny.json "d[\"error\"][\"code\"]")" = -32003 &&
	json_get deny.json "d[\"error\"][\"data\"][\"decision_id\"]" >deny.id &&
	test "$(mcp_rpc ap.tok last.json "$(call \"r-201\" last)")" = 200 &&
	printf "%s\n" "{\"jsonrpc\":\"2.0\",\"id\":\"r-201\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Echo: last\"}]}}" >expect &&
	test_cmp expect last.json
'

stop_server

test_expect_success 'every answered call is in the ledger once, under its own decision' '
	records &&
	test "$(grep -c " allow ok " records.txt)" = 23 &&
	test "$(grep " allow ok " records.txt | cut -d" " -f4 | sort | uniq -c | tr -s " " | tr "\n" ";")" = " 10 49; 10 50; 3 51;" &&
	test "$(grep -c " allow upstream_error 61$" records.txt)" = 1 &&
	test "$(grep -c " deny - -$" records.txt)" = 1 &&
	grep "^$(cat deny.id) deny - -$" records.txt &&
	test "$(cut -d" " -f1 records.txt | sort -u | wc -l)" = 25 &&
	aivalue decisions list --limit 100 --json >dl.json &&
	python3 -S -c "
import json
dl = {r[\"decision_id\"]: r[\"result\"][\"decision\"] for r in json.load(open(\"dl.json\"))[\"items\"]}
for line in open(\"records.txt\"):
    i, outcome, status, size = line.split()
    assert dl[i] == outcome, (i, outcome)
print(len(dl))
" >ndecisions &&
	test "$(cat ndecisions)" = 25
'

test_expect_success 'the ledger and the decision log verify' '
	aivalue audit verify &&
	aivalue decisions verify
'

test_done
