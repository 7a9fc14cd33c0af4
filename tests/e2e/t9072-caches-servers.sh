#!/bin/sh
# t9072-caches-servers.sh - two `aivalue serve` on one workspace (issue 18,
# "Caches"): what server A (or any other process) writes, server B never
# serves stale from its caches.  Each cache is keyed by state read from
# the store at use: the playbook snapshots and the evidence cache by the
# ledger head, the policy snapshot by the control mark (and re-checked in
# the commit's transaction), the series cache by its stored fingerprint,
# the token cache by the revocation count (decisions) and 1 s (reads).
# On PostgreSQL a server keeps the ledger head and the decision log's last
# seq until a notification says they changed (store_memo_*, pg.c).
# Runs on the suite's backend: a SQLite file under `make test`, a
# PostgreSQL database under `make test-pg` (two processes on one file
# share nothing in memory either, so the same test covers both).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

AS="$TEST_ROOT/examples/acme/assess"
export AIVALUE_FAKE_TIME=2026-11-25T12:00:00Z # a fresh process's report equals a server's
INV='{"action": "approve_invoice", "resource": "Invoice::\"inv-1\"", "context": {"confidence": 0.97, "amount": 120}}'
# api URL METHOD PATH TOKEN [curl args...]: body to out.json, prints the status
api() {
	u=$1 m=$2 p=$3 t=$4 &&
	shift 4 &&
	curl -s -o out.json -w '%{http_code}' -X "$m" -H "Authorization: Bearer $t" "$@" "$u$p"
}
decide() {
	api "$1" POST /api/v1/decide "$(cat agent.tok)" -H "Content-Type: application/json" \
		--data-binary "$INV"
}
hits() {
	curl -s -H "Authorization: Bearer $(cat viewer.tok)" "$URLB/metrics" |
		sed -n 's/^aivalue_playbook_cache_total{result="hit"} //p'
}

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null
aivalue token create --name ap-bot-key --agent ap-bot >agent.tok 2>/dev/null
aivalue token create --name t-lead --role lead >lead.tok 2>/dev/null
aivalue token create --name t-viewer --role viewer >viewer.tok 2>/dev/null
sed -e "/evidence:/d" -e "s/provenance: documented/provenance: stated/" \
	"$AS/readiness.yaml" >answers.yaml
start_server --quiet && mv server.log serverA.log
URLA=$AIV_URL PIDA=$AIV_SERVER_PID
# B on one worker thread: its token cache is per thread, so every read
# below meets the same cache
start_server --quiet --threads 1
URLB=$AIV_URL PIDB=$AIV_SERVER_PID

REPORT="/api/v1/report?format=json"
test_expect_success 'B serves the playbook report from its cache (a second GET is a hit)' '
	test "$(api "$URLB" GET "$REPORT" "$(cat viewer.tok)")" = 200 &&
	cp out.json report-before.json &&
	h0=$(hits) &&
	test "$(api "$URLB" GET "$REPORT" "$(cat viewer.tok)")" = 200 &&
	json_same report-before.json out.json &&
	test "$(hits)" -gt "$h0"
'

# On PostgreSQL B learns of A's commit from its notification (LISTEN/NOTIFY,
# docs/deploy.md "Kept pages across servers"), which arrives just after
# the commit: waited on (30 s bound).  On SQLite B reads the state at once.
b_reports_cli() {
	test "$(api "$URLB" GET "$REPORT" "$(cat viewer.tok)")" = 200 &&
	cp out.json report-after.json &&
	json_same cli.json report-after.json workspace >/dev/null 2>&1
}
test_expect_success 'answers saved through A: B reports them once notified, as a fresh process does' '
	test "$(api "$URLA" POST /api/v1/assess/answers "$(cat lead.tok)" --data-binary @answers.yaml)" = 201 &&
	aivalue report --format json >cli.json &&
	wait_until 30 b_reports_cli &&
	json_same cli.json report-after.json workspace &&
	! json_same report-before.json report-after.json workspace >/dev/null &&
	test "$(api "$URLB" GET /api/v1/phase "$(cat viewer.tok)")" = 200 &&
	aivalue phase --json >phase-cli.json &&
	json_same phase-cli.json out.json changed ledger_seq
'

test_expect_success 'B decides allow; a forbid policy applied elsewhere: B decides deny at once' '
	test "$(decide "$URLB")" = 200 &&
	test "$(json_get out.json "d[\"decision\"]")" = allow &&
	rev1=$(json_get out.json "d[\"revision\"]") &&
	cat >forbid.yaml <<-\EOF &&
	kind: Policy
	name: ap-stop
	resource_types: [Invoice]
	cedar: |
	  @id("ap-stop")
	  forbid(principal, action == Action::"approve_invoice", resource is Invoice);
	EOF
	aivalue apply -f forbid.yaml >/dev/null &&
	test "$(decide "$URLB")" = 200 &&
	test "$(json_get out.json "d[\"decision\"]")" = deny &&
	test "$(json_get out.json "d[\"revision\"]")" != "$rev1" &&
	test "$(decide "$URLA")" = 200 &&
	test "$(json_get out.json "d[\"decision\"]")" = deny
'

test_expect_success 'a token revoked elsewhere: B refuses it for reads within 1 s (even on a fake clock)' '
	test "$(api "$URLB" GET "$REPORT" "$(cat viewer.tok)")" = 200 &&
	aivalue token revoke t-viewer >/dev/null &&
	sleep 1.1 &&
	test "$(api "$URLB" GET "$REPORT" "$(cat viewer.tok)")" = 401
'

test_expect_success 'an agent token revoked elsewhere: B refuses its next decision at once' '
	test "$(decide "$URLB")" = 200 &&
	aivalue token revoke ap-bot-key >/dev/null &&
	test "$(decide "$URLB")" = 401
'

test_expect_success 'both servers stop cleanly; the ledger verifies' '
	AIV_SERVER_PID=$PIDA &&
	stop_server &&
	AIV_SERVER_PID=$PIDB &&
	stop_server &&
	aivalue audit verify >verify.out &&
	test_grep "^ledger ok: " verify.out
'

test_done
