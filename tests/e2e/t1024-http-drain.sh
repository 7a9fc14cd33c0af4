#!/bin/sh
# t1024-http-drain - SIGTERM is a graceful stop: sixteen keep-alive
# clients send requests in a loop on a two-thread server, SIGTERM arrives
# in the middle (once 100 requests are answered: an event, not a fixed
# second, which a machine under load 36 filled with only 30), and every
# request written before the signal gets its complete answer (the old
# stop closed connections with requests waiting in them: about 15 of ~250
# lost per stop on this check).  Three stops,
# then one under agent decide load where every answered decision is in
# the decision log.  The client script is tests/campaign/hostile.py.
. "$(dirname "$0")/lib.sh"

HOSTILE="$TEST_ROOT/tests/campaign/hostile.py"
INV='{"action": "approve_invoice", "resource": "Invoice::\"inv-1\"", "context": {"confidence": 0.97, "amount": 120}}'

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null
aivalue token create --name ap-bot-key --agent ap-bot >agent.tok 2>/dev/null

test_expect_success 'three SIGTERMs under keep-alive load: nothing written before the signal is lost' '
	for round in 1 2 3; do
		start_server --quiet --threads 2 &&
		python3 -S "$HOSTILE" drain --url "$AIV_URL" --pid "$AIV_SERVER_PID" --clients 16 \
			--after-answered 100 --path /api/v1/openapi.json >drain$round.json &&
		wait "$AIV_SERVER_PID" && AIV_SERVER_PID= &&
		cat drain$round.json &&
		test "$(json_get drain$round.json "d[\"lost\"]")" = 0 &&
		test "$(json_get drain$round.json "d[\"answered\"] > 50")" = True &&
		test_grep "^stopped" server.log || exit 1
	done
'

test_expect_success 'SIGTERM under decide load: every decision answered before it is in the log' '
	start_server --quiet --threads 2 &&
	python3 -S "$HOSTILE" drain --url "$AIV_URL" --pid "$AIV_SERVER_PID" --clients 8 --after 1 \
		--method POST --path /api/v1/decide --header "Authorization: Bearer $(cat agent.tok)" \
		--body "$INV" >decide.json &&
	wait "$AIV_SERVER_PID" && AIV_SERVER_PID= &&
	cat decide.json &&
	test "$(json_get decide.json "d[\"lost\"]")" = 0 &&
	test "$(json_get decide.json "d[\"failures\"]")" = 0 &&
	aivalue decisions list --json >log.json &&
	n=$(json_get log.json "sum(1 for r in d if r[\"kind\"] == \"decision\")") &&
	test "$n" -ge "$(json_get decide.json "d[\"answered\"]")" &&
	aivalue decisions verify
'

test_done
