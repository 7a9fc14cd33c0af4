#!/bin/sh
# t3215-decide-inline-commit - POST /api/v1/decide commits a lone request
# on the worker thread that evaluated it (nothing else in flight, the
# writer idle: src/http/api_control.c, commit_inline) and answers without
# suspending the connection; concurrent requests share the writer's group
# commit.  /metrics counts both paths (aivalue_decide_commits_total).
# Whatever the path, every answer is given after its commit: each
# answered decision is in the decision log chained into the ledger, the
# answers have the same fields, and the log verifies.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml
aivalue init >/dev/null 2>&1
aivalue apply -f org.yaml >/dev/null
aivalue token create --name ap-bot-key --agent ap-bot >agent.tok 2>/dev/null
aivalue token create --name ada --role admin >admin.tok 2>/dev/null

INV='"action": "approve_invoice", "resource": "Invoice::\"inv-1\""'

# decide N: one decision (amount N), its status in code.N, its answer in out.N.json
decide() {
	curl -s -o "out.$1.json" -w "%{http_code}" \
		-H "Authorization: Bearer $(cat agent.tok)" \
		-H "Content-Type: application/json" \
		--data-binary "{$INV, \"context\": {\"confidence\": 0.97, \"amount\": $1}}" \
		"$AIV_URL/api/v1/decide" >"code.$1"
}

# commits PATH: aivalue_decide_commits_total{path="PATH"} from /metrics
commits() {
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" |
		sed -n "s/^aivalue_decide_commits_total{path=\"$1\"} //p"
}

# answered_and_chained FIRST LAST: each answer is 200 allow with the fields
# of a decision, and its decision id is in the log with a ledger sequence
answered_and_chained() {
	aivalue decisions list --json >log.json &&
	python3 -S - "$1" "$2" <<'PY'
import json, sys
log = {r["decision_id"]: r for r in json.load(open("log.json"))}
for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    assert open("code.%d" % i).read() == "200", "request %d: status %s" % (i, open("code.%d" % i).read())
    d = json.load(open("out.%d.json" % i))
    assert list(d) == ["decision", "policies", "reason", "decision_id", "args_digest",
                       "errors", "revision"], list(d)
    assert d["decision"] == "allow", d
    r = log.get(d["decision_id"])
    assert r is not None and r.get("ledger_seq"), "decision %s not chained" % d["decision_id"]
PY
}

# writer_waits: the server's writer thread (aiv-writer) sleeps in SQLite's
# busy handler, that is, it holds a request and waits for the write lock
writer_waits() {
	for t in /proc/$AIV_SERVER_PID/task/*; do
		test "$(cat "$t/comm" 2>/dev/null)" = aiv-writer || continue
		case "$(cat "$t/wchan" 2>/dev/null)" in *nanosleep*) return 0 ;; esac
	done
	return 1
}

start_server --quiet --no-warm

test_expect_success 'five decisions one at a time: the later ones committed inline' '
	for i in 1 2 3 4 5; do
		decide $i || return 1
	done &&
	answered_and_chained 1 5 &&
	commits inline >inline.txt &&
	commits group >group.txt &&
	test "$(cat inline.txt)" -ge 1 &&
	test "$(($(cat inline.txt) + $(cat group.txt)))" -eq 5
'

test_expect_success 'eight at once: all answered after their commit, each counted once' '
	(
		for i in 11 12 13 14 15 16 17 18; do
			decide $i &
		done &&
		wait
	) &&
	answered_and_chained 11 18 &&
	test "$(($(commits inline) + $(commits group)))" -eq 13
'

test_expect_success 'the decision log verifies' '
	stop_server &&
	aivalue decisions verify >verify.txt &&
	test_grep "13 records" verify.txt
'

# A lone request that finds another process holding the write lock is not
# committed on its worker thread: waiting there (up to the busy timeout,
# 60 s here) would freeze every other connection of that thread.  It goes
# to the writer, which waits instead; the only worker keeps serving.
# SQLite only: PostgreSQL's begin waits for another server's commit.
test_expect_success SQLITE 'the write lock held elsewhere: the lone request waits in the writer, the worker serves on' '
	AIVALUE_BUSY_TIMEOUT_MS=60000 &&
	export AIVALUE_BUSY_TIMEOUT_MS &&
	start_server --quiet --no-warm --threads 1 &&
	decide 21 &&
	answered_and_chained 21 21 &&
	: held until killed, not for a fixed time &&
	{ test_hold_write_lock locked 90 & } &&
	holder=$! &&
	wait_until 30 test -f locked &&
	{ decide 22 & } &&
	client=$! &&
	wait_until 30 writer_waits &&
	: the only worker answers another connection while decision 22 waits for the lock &&
	curl -fsS --max-time 30 "$AIV_URL/healthz" >health.txt &&
	test ! -s code.22 &&
	kill $holder &&
	{ wait $holder 2>/dev/null || :; } &&
	wait $client &&
	answered_and_chained 22 22 &&
	test "$(commits group)" -ge 1 &&
	stop_server &&
	aivalue decisions verify >verify.txt &&
	test_grep "15 records" verify.txt
'

test_done
