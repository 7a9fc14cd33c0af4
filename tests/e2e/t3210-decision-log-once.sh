#!/bin/sh
# t3210-decision-log-once - the decision log's rows are written once, each
# with its seq and its ledger batch known at the insert (issue 18): on
# either backend, after decisions over HTTP (group-committed, an
# escalation's transition row in the same batch), an approval (its
# transition row written outside a decision batch) and the approved
# retry, the rows are numbered 1..N without a gap, none is left pending,
# every batch entry in the ledger covers exactly its rows, and both
# `decisions verify` and `audit verify` pass.
. "$(dirname "$0")/lib.sh"

cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml
aivalue init >/dev/null 2>&1
aivalue apply -f org.yaml >/dev/null
aivalue token create --name ap-bot-key --agent ap-bot >agent.tok 2>/dev/null
aivalue token create --name alice --role approver >approver.tok 2>/dev/null
start_server --quiet

post() {
	curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat "$1")" \
		-H "Content-Type: application/json" --data-binary "$3" "$AIV_URL$2"
}
field() { json_get out.json "d.get('$1')"; }
INV='"action": "approve_invoice", "resource": "Invoice::\"inv-1\""'
ALLOW="{$INV, \"context\": {\"confidence\": 0.97, \"amount\": 120}}"
ESC="{$INV, \"on_behalf_of\": \"bob\", \"context\": {\"confidence\": 0.72, \"amount\": 500}}"

test_expect_success 'five decisions at once over HTTP, then an escalation' '
	for i in 1 2 3 4 5; do
		post agent.tok /api/v1/decide "$ALLOW" >code.$i &
	done &&
	wait &&
	cat code.1 code.2 code.3 code.4 code.5 >codes &&
	printf "200200200200200" >expect &&
	test_cmp expect codes &&
	test "$(post agent.tok /api/v1/decide "$ESC")" = 200 &&
	test "$(field decision)" = escalate &&
	field exception_id >item
'

test_expect_success 'an approval (a row outside any decision batch) and the approved retry' '
	test "$(post approver.tok "/api/v1/exceptions/$(cat item)/approve" "{\"as\": \"ana\", \"reason\": \"PO checked\"}")" = 200 &&
	test "$(post agent.tok /api/v1/decide "{$INV, \"on_behalf_of\": \"bob\", \"context\": {\"amount\": 500, \"confidence\": 0.72}, \"approved\": \"$(cat item)\"}")" = 200 &&
	test "$(field decision)" = allow &&
	test "$(post agent.tok /api/v1/decide "$ALLOW")" = 200
'

# 5 + 1 decisions, the escalation's transition none->pending, the
# approval's pending->approved, the retry and one more: 10 rows
test_expect_success 'rows 1..10, none pending, each batch covers exactly its rows' '
	test "$(test_sql "SELECT count(*), min(seq), max(seq) FROM decision_log")" = "10|1|10" &&
	test "$(test_sql "SELECT count(*) FROM decision_log WHERE batch_seq IS NULL")" = 0 &&
	test "$(test_sql "SELECT count(*) FROM decision_log WHERE kind = '"'"'transition'"'"'")" = 2 &&
	test "$(test_sql "SELECT count(*) FROM decision_log d JOIN ledger l ON l.seq = d.batch_seq WHERE l.action = '"'"'decisions.batch'"'"'")" = 10 &&
	aivalue audit verify >verify.out &&
	test_grep "ledger ok" verify.out &&
	aivalue decisions verify >dverify.out &&
	test_grep "decision log ok: 10 records" dverify.out
'

test_done
