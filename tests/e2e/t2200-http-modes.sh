#!/bin/sh
# t2200-http-modes - POST /api/v1/decide in each of libmicrohttpd's
# connection modes the server offers for benchmarking (AIVALUE_HTTP_MODE:
# epoll, the default; epoll-turbo, poll, select, per-connection, where a
# handler waits for its group commit on its own thread instead of
# suspending the connection): concurrent decisions are answered, and
# every answered decision is in the decision log chained into the ledger.
# An unknown mode is refused at start, naming the variable.
. "$(dirname "$0")/lib.sh"

cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml
aivalue init >/dev/null 2>&1
aivalue apply -f org.yaml >/dev/null
aivalue token create --name ap-bot-key --agent ap-bot >agent.tok 2>/dev/null

INV='"action": "approve_invoice", "resource": "Invoice::\"inv-1\""'

# burst: six decisions at once on six connections; codes in code.N, answers in out.N.json
burst() {
	(
		for i in 1 2 3 4 5 6; do
			curl -s -o "out.$i.json" -w "%{http_code}" \
				-H "Authorization: Bearer $(cat agent.tok)" \
				-H "Content-Type: application/json" \
				--data-binary "{$INV, \"context\": {\"confidence\": 0.97, \"amount\": $i}}" \
				"$AIV_URL/api/v1/decide" >"code.$i" &
		done &&
		wait
	)
}

# answered_and_chained: each of the six answers is 200 allow, and its
# decision id is in the log with a ledger sequence number
answered_and_chained() {
	aivalue decisions list --json >log.json &&
	python3 -S - <<'PY'
import json
log = {r["decision_id"]: r for r in json.load(open("log.json"))}
for i in range(1, 7):
    assert open("code.%d" % i).read() == "200", "request %d: status %s" % (i, open("code.%d" % i).read())
    d = json.load(open("out.%d.json" % i))
    assert d["decision"] == "allow", d
    r = log.get(d["decision_id"])
    assert r is not None and r.get("ledger_seq"), "decision %s not chained" % d["decision_id"]
PY
}

for mode in epoll epoll-turbo poll select per-connection; do
	test_expect_success "mode $mode: concurrent decisions answered after their commit" "
		AIVALUE_HTTP_MODE=$mode &&
		export AIVALUE_HTTP_MODE &&
		start_server --quiet &&
		burst &&
		answered_and_chained &&
		stop_server
	"
done
unset AIVALUE_HTTP_MODE

test_expect_success 'the decision log verifies after all modes' '
	aivalue decisions verify >verify.txt &&
	test_grep "30 records" verify.txt
'

test_expect_success 'an unknown mode is refused at start, naming the variable' '
	test_must_fail env AIVALUE_HTTP_MODE=kqueue timeout 10 "$AIVALUE_BIN" serve --listen 127.0.0.1:0 --quiet 2>err &&
	test_grep "AIVALUE_HTTP_MODE .kqueue. is not one of epoll" err
'

test_done
