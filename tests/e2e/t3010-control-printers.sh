#!/bin/sh
# The control layer's typed results and their printers: the JSON form of
# an exception item, a decision-log record, the readiness figures and a
# shadow tool call (keys and their order, unset fields left out), and the
# text lines the CLI prints from the same fields.  A key renamed in the
# one JSON printer, or a field the text printer stops reading, fails here.
. "$(dirname "$0")/lib.sh"

keys() { json_get "$1" "\",\".join($2)"; }

test_expect_success 'setup: an escalated, an allowed and a denied decision' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	AIVALUE_FAKE_TIME=2030-01-01T00:00:00Z aivalue decide --json --agent ap-bot \
		--action approve_invoice --resource "Invoice::\"inv-1\"" --on-behalf-of bob \
		--context "{\"confidence\": 0.5, \"amount\": 500}" >esc.json &&
	test "$(json_get esc.json "d[\"decision\"]")" = escalate &&
	json_get esc.json "d[\"exception_id\"]" >item &&
	AIVALUE_FAKE_TIME=2030-01-01T00:00:01Z aivalue decide --json --agent ap-bot \
		--action approve_invoice --resource "Invoice::\"inv-2\"" \
		--context "{\"confidence\": 0.95, \"amount\": 10}" >allow.json &&
	test "$(json_get allow.json "d[\"decision\"]")" = allow &&
	AIVALUE_FAKE_TIME=2030-01-01T00:00:02Z aivalue decide --json --agent ap-bot \
		--action pay --resource "Invoice::\"inv-2\"" --context "{}" >deny.json &&
	test "$(json_get deny.json "d[\"decision\"]")" = deny
'

# Column order of the exceptions table; unset columns (resolved_at,
# approver, reason, used_at while pending) are left out.
test_expect_success 'an open exception item: JSON keys in order, text columns' '
	AIVALUE_FAKE_TIME=2030-01-01T00:30:00Z aivalue exceptions list --json >list.json &&
	test "$(keys list.json "d[0].keys()")" = "id,queue,owner_kind,owner,state,created_at,due_at,workflow,step,agent,on_behalf_of,action,resource,request,digest,decision_id,policies" &&
	test "$(json_get list.json "d[0][\"due_at\"]")" = 2030-01-01T04:00:00.000000Z &&
	test "$(json_get list.json "\",\".join(d[0][\"policies\"])")" = ap-review &&
	test "$(json_get list.json "d[0][\"request\"][\"context\"][\"amount\"]")" = 500 &&
	AIVALUE_FAKE_TIME=2030-01-01T00:30:00Z aivalue exceptions list >list.txt &&
	sed -n 2p list.txt >line &&
	set -- $(cat line) &&
	test "$1" = "$(cat item)" &&
	test "$2" = pending &&
	test "$3" = ap-review &&
	test "$5" = ap-bot &&
	test "$6" = approve_invoice &&
	test "$7" = 2030-01-01T04:00:00.000000Z
'

test_expect_success 'an approved item: approver, reason and resolution time appear' '
	AIVALUE_FAKE_TIME=2030-01-01T01:00:00Z aivalue exceptions approve "$(cat item)" \
		--as ana --reason "PO checked" >act.txt &&
	test_grep "^$(cat item): approved (owner " act.txt &&
	AIVALUE_FAKE_TIME=2030-01-01T01:00:00Z aivalue exceptions show "$(cat item)" --json >show.json &&
	test "$(keys show.json "d.keys()")" = "id,queue,owner_kind,owner,state,created_at,due_at,resolved_at,workflow,step,agent,on_behalf_of,action,resource,request,digest,decision_id,policies,approver,reason" &&
	test "$(json_get show.json "d[\"approver\"]")" = ana &&
	test "$(json_get show.json "d[\"resolved_at\"]")" = 2030-01-01T01:00:00.000000Z
'

# Three decisions and two queue transitions (the item's creation, logged
# just before the decision that escalated, and its approval): five records,
# each chained; the text form lists only the decisions.
test_expect_success 'decision-log records: seq, kind and ledger_seq after the record' '
	aivalue decisions list --json >log.json &&
	test "$(json_get log.json "len(d)")" = 5 &&
	test "$(json_get log.json "\",\".join(r[\"kind\"] for r in d)")" = "transition,decision,decision,decision,transition" &&
	test "$(json_get log.json "\",\".join(str(r[\"seq\"]) for r in d)")" = "1,2,3,4,5" &&
	test "$(json_get log.json "\",\".join(list(r.keys())[-3:][0] for r in d)")" = "seq,seq,seq,seq,seq" &&
	test "$(json_get log.json "all(r[\"ledger_seq\"] > 0 for r in d)")" = True &&
	aivalue decisions list >log.txt &&
	test "$(wc -l <log.txt)" -eq 3 &&
	test_grep "^2030-01-01T00:00:00.000000Z $(json_get esc.json "d[\"decision_id\"]") escalate ap-bot " log.txt &&
	test_grep "^2030-01-01T00:00:02.000000Z dec-[0-9a-f]* deny     ap-bot no policy permits this request (deny by default)$" log.txt &&
	aivalue decisions list --limit 2 --after 1 --json >page.json &&
	test "$(json_get page.json "\",\".join(str(r[\"seq\"]) for r in d[\"items\"])")" = "2,3" &&
	test "$(json_get page.json "d[\"next_cursor\"]")" = 3
'

# p2p by hand: 1 agent, no token (identity 0/1); steps match and approve
# both have ap-bot, which decided (integration 2/2); no spans (logging
# no data); the one item was approved 1 h after it was created, before
# its 4 h due time (1/1, median 3600 s, 0 expired).
test_expect_success 'readiness: the six figures in order, with their details' '
	AIVALUE_FAKE_TIME=2030-01-01T02:00:00Z aivalue workflow readiness p2p --json >r.json &&
	test "$(keys r.json "d[\"figures\"].keys()")" = "identity,entitlements,integration,logging,exception_handling,ownership" &&
	test "$(keys r.json "d[\"figures\"][\"entitlements\"].keys()")" = "numerator,denominator,share,rule,wide_open,unused" &&
	test "$(keys r.json "d[\"figures\"][\"exception_handling\"].keys()")" = "numerator,denominator,share,rule,expired,median_resolution_seconds" &&
	test "$(json_get r.json "d[\"figures\"][\"exception_handling\"][\"median_resolution_seconds\"]")" = 3600.0 &&
	test "$(json_get r.json "d[\"figures\"][\"logging\"][\"share\"]")" = None &&
	AIVALUE_FAKE_TIME=2030-01-01T02:00:00Z aivalue workflow readiness p2p >r.txt &&
	test_grep "^identity                 0%  0/1$" r.txt &&
	test_grep "^integration            100%  2/2$" r.txt &&
	test_grep "^logging                  -  no data$" r.txt &&
	test_grep "^exception handling     100%  1/1$" r.txt
'

test_expect_success 'a shadow tool call: JSON keys in order, one text line' '
	cat >spans.json <<-JSON &&
	{"resourceSpans": [{"scopeSpans": [{"spans": [
	 {"traceId": "t9", "spanId": "s9", "name": "execute_tool pay_invoice",
	  "startTimeUnixNano": "1893456000000000000",
	  "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}},
	                 {"key": "gen_ai.agent.id", "value": {"stringValue": "ap-bot"}},
	                 {"key": "gen_ai.tool.name", "value": {"stringValue": "pay_invoice"}}]}
	]}]}]}
	JSON
	aivalue workflow import-spans spans.json >/dev/null &&
	aivalue workflow shadow p2p --json >sh.json &&
	test "$(keys sh.json "d[0].keys()")" = "time,agent,tool,trace_id,span_id,workflow" &&
	test "$(json_get sh.json "d[0][\"workflow\"]")" = p2p &&
	aivalue workflow shadow >sh.txt &&
	test "$(wc -l <sh.txt)" -eq 1 &&
	test_grep "^2030-01-01T00:00:00.000000Z ap-bot           pay_invoice (no decision)$" sh.txt
'

test_done
