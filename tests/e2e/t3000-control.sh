#!/bin/sh
# Agent control layer: Agent/Workflow/Policy kinds, decisions with Cedar
# semantics plus escalation, the exception queue (separation of duties,
# digest-bound one-time approvals, fail-closed expiry) and the decision log.
. "$(dirname "$0")/lib.sh"

# the organisation, agents, workflows and policies both control tests use
cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml

decide() { aivalue decide --json "$@" >out.json; }
field() { json_get out.json "d.get('$1')"; }

test_expect_success 'apply agents, workflows and policies' '
	aivalue init &&
	aivalue apply -f org.yaml >apply.out &&
	test_grep "Policy/ap created" apply.out &&
	aivalue apply -f org.yaml >again.out &&
	test_grep "0 created, 0 updated, 9 unchanged" again.out
'

test_expect_success 'policy errors point into the YAML file' '
	cat >bad.yaml <<-YAML &&
	kind: Policy
	name: bad
	cedar: |
	  permit(principal, action, resource)
	  when { context.confidence < decimal("0.5") };
	YAML
	test_must_fail aivalue apply -f bad.yaml 2>err &&
	test_grep "bad.yaml:5:29: policy .bad#0.: type error: .<. does not apply to decimals" err &&
	printf "kind: Policy\nname: bad\ncedar: |\n  permit(principal == Agnet::\"x\", action, resource);\n" >bad2.yaml &&
	test_must_fail aivalue apply -f bad2.yaml 2>err &&
	test_grep "bad2.yaml:4:10: policy .bad#0.: unknown entity type .Agnet." err &&
	printf "kind: Policy\nname: bad\ncedar: \"permit(principal, action, resource) when { 1 + };\"\n" >bad3.yaml &&
	test_must_fail aivalue apply -f bad3.yaml 2>err &&
	test_grep "bad3.yaml:3:56: unexpected .}., expected an expression" err &&
	aivalue get policies >pols && ! grep -q "^bad" pols
'

test_expect_success 'a workflow step must name agents that serve it' '
	printf "kind: Workflow\nname: w2\nowner: ana\nautonomy: autonomous\nsteps:\n  - name: s\n    owner: ana\n    agents: [ap-bot]\n" >w2.yaml &&
	test_must_fail aivalue apply -f w2.yaml 2>err &&
	test_grep "no agent .ap-bot. serves this workflow" err
'

test_expect_success 'allow with the permitting policy, a reason and a decision id' '
	decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-1\"" \
		--context "{\"confidence\": 0.93, \"amount\": 500}" &&
	test "$(field decision)" = allow &&
	test "$(json_get out.json "\",\".join(d[\"policies\"])")" = ap-approve &&
	test_grep "permitted by policy ap-approve" out.json &&
	test_grep "\"decision_id\": \"dec-" out.json
'

test_expect_success 'deny by default, and a plain forbid wins' '
	decide --agent ap-bot --action pay --resource "Invoice::\"inv-1\"" --context "{}" &&
	test "$(field decision)" = deny &&
	test_grep "deny by default" out.json &&
	decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-1\"" \
		--context "{\"confidence\": 0.99, \"amount\": 5, \"weekend\": true}" &&
	test "$(field decision)" = deny &&
	test_grep "forbidden by policy no-weekend" out.json
'

test_expect_success 'low confidence escalates to the step owner with a due time' '
	AIVALUE_FAKE_TIME=2029-06-01T10:00:00Z decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-2\"" --on-behalf-of bob \
		--context "{\"confidence\": 0.72, \"amount\": 500}" &&
	test "$(field decision)" = escalate &&
	test "$(field due_at)" = 2029-06-01T14:00:00.000000Z &&
	field exception_id >item &&
	aivalue exceptions show "$(cat item)" --json >item.json &&
	test "$(json_get item.json "d[\"owner\"]")" = ap-clerks &&
	test "$(json_get item.json "d[\"queue\"]")" = ap-review &&
	test "$(json_get item.json "d[\"state\"]")" = pending &&
	test "$(json_get item.json "len(d[\"digest\"])")" = 64
'

test_expect_success 'a forbid without a matching permit stays deny' '
	decide --agent claims-bot --action approve_invoice --resource "Invoice::\"inv-9\"" \
		--context "{\"confidence\": 0.5}" &&
	test "$(field decision)" = deny
'

test_expect_success 'a forbid that fails to evaluate fails closed (escalate with @escalate)' '
	decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-3\"" \
		--context "{\"amount\": 5}" &&
	test "$(field decision)" = escalate &&
	test_grep "fail closed" out.json &&
	test_grep "attribute does not exist" out.json
'

test_expect_success 'supervised workflow: every allow becomes escalate (phase gate)' '
	decide --agent claims-bot --action read --resource "Claim::\"c-1\"" &&
	test "$(field decision)" = escalate &&
	test_grep "supervised" out.json &&
	aivalue exceptions show "$(field exception_id)" --json >c.json &&
	test "$(json_get c.json "d[\"owner\"]")" = bob
'

test_expect_success 'the phase verdict of the playbook engine gates autonomous workflows' '
	workspace_copy gate &&
	AIVALUE_DB=$(workspace_db gate) aivalue phase --record --json >ph.json &&
	test "$(json_get ph.json "d[\"earned\"] < 3")" = True &&
	AIVALUE_DB=$(workspace_db gate) aivalue decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-1\"" --context "{\"confidence\": 0.93, \"amount\": 500}" \
		--json >g.json &&
	test "$(json_get g.json "d[\"decision\"]")" = escalate &&
	test_grep "runs ahead of its gate: the organisation has earned phase" g.json
'

test_expect_success 'bad input is an error, never allow' '
	test_must_fail aivalue decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"x\"" --context "{\"confidence\": 1.5}" 2>err &&
	test_grep "outside \[0,1\]" err &&
	test_must_fail aivalue decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"x\"" --context "{\"confidence\": 0.12345}" 2>err &&
	test_grep "more than four fractional digits" err &&
	test_must_fail aivalue decide --agent ghost --action a --resource "Invoice::\"x\"" 2>err &&
	test_grep "unknown agent .ghost." err &&
	test_must_fail aivalue decide --agent ap-bot --action a --resource "Invoice" 2>err &&
	test_must_fail aivalue decide --agent ap-bot --action a --resource "Invoice::\"x\"" \
		--context "[1" 2>err &&
	test_must_fail aivalue decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"x\"" --context "{\"confidence\": -0.01}" 2>err &&
	test_grep "outside \[0,1\]" err &&
	test_must_fail aivalue decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"x\"" --context "{\"confidence\": \"high\"}" 2>err &&
	test_grep "must be a number" err &&
	test_must_fail aivalue decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"x\"" --context "[1]" 2>err &&
	test_must_fail aivalue decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"x\"" --on-behalf-of nobody 2>err &&
	test_grep "no person .nobody." err
'

test_expect_success 'separation of duties: no self-approval, agents never approve, reason required' '
	test_must_fail aivalue exceptions approve "$(cat item)" --as bob --reason ok 2>err &&
	test_grep "separation of duties" err &&
	test_must_fail aivalue exceptions approve "$(cat item)" --as ap-bot --reason ok 2>err &&
	test_grep "agents never approve" err &&
	test_must_fail aivalue exceptions approve "$(cat item)" --as ana 2>err &&
	test_grep "needs a reason" err
'

test_expect_success 'an approval allows the exact arguments once' '
	aivalue exceptions approve "$(cat item)" --as ana --reason "PO checked" &&
	decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-2\"" \
		--on-behalf-of bob --context "{\"confidence\": 0.72, \"amount\": 501}" \
		--approved "$(cat item)" &&
	test "$(field decision)" = deny && test_grep "digest mismatch" out.json &&
	decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-2\"" \
		--on-behalf-of bob --context "{\"amount\": 500, \"confidence\": 0.72}" \
		--approved "$(cat item)" &&
	test "$(field decision)" = allow && test_grep "approved by ana" out.json &&
	decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-2\"" \
		--on-behalf-of bob --context "{\"confidence\": 0.72, \"amount\": 500}" \
		--approved "$(cat item)" &&
	test "$(field decision)" = deny && test_grep "already used" out.json
'

test_expect_success 'reassign and reject' '
	aivalue exceptions list --state pending --json >p.json &&
	id=$(json_get p.json "d[0][\"id\"]") &&
	aivalue exceptions reassign "$id" --to team:finance --as ana --reason "finance owns it" &&
	aivalue exceptions show "$id" --json >r.json &&
	test "$(json_get r.json "d[\"owner\"]")" = finance &&
	aivalue exceptions reject "$id" --as ana --reason "duplicate" &&
	test_must_fail aivalue exceptions approve "$id" --as ana --reason late 2>err &&
	test_grep "is rejected, not pending" err
'

test_expect_success 'items past due expire, count as denied and cannot be approved' '
	aivalue exceptions list --state pending --json >p.json &&
	test "$(json_get p.json "len(d)")" -ge 1 &&
	id=$(json_get p.json "d[0][\"id\"]") &&
	AIVALUE_FAKE_TIME=2031-01-01T00:00:00Z aivalue exceptions list --json >all.json &&
	test "$(json_get all.json "len([x for x in d if x[\"state\"] == \"pending\"])")" = 0 &&
	test "$(json_get all.json "[x[\"state\"] for x in d if x[\"id\"] == \"$id\"][0]")" = expired &&
	AIVALUE_FAKE_TIME=2031-01-01T00:00:00Z \
		test_must_fail aivalue exceptions approve "$id" --as ana --reason late 2>err &&
	test_grep "expired" err
'

test_expect_success 'every decision and transition is chained into the ledger' '
	aivalue audit verify &&
	aivalue audit export >log.json &&
	grep -c "decisions.batch" log.json >nb && test "$(cat nb)" -ge 10 &&
	grep -q "exception.approved" log.json &&
	grep -q "exception.expired" log.json
'

test_expect_success SQLITE 'decisions verify re-derives every batch; tampering is caught' '
	aivalue decisions verify --json >v.json &&
	test "$(json_get v.json "d[\"ok\"]")" = True &&
	test "$(json_get v.json "d[\"rows\"] > 15")" = True &&
	aivalue decisions list --json >l.json &&
	test "$(json_get l.json "len([r for r in d if r[\"kind\"] == \"decision\" and r[\"result\"][\"decision\"] == \"allow\"])")" -ge 2 &&
	test "$(json_get l.json "all(\"ledger_seq\" in r and len(r[\"args_digest\"]) == 64 for r in d if r[\"kind\"] == \"decision\")")" = True &&
	cp aivalue.db tampered.db &&
	sqlite3 tampered.db "UPDATE decision_log SET record = replace(record, \"deny\", \"allow\") WHERE seq = (SELECT min(seq) FROM decision_log WHERE record LIKE \"%deny by default%\")" &&
	test_must_fail aivalue --db tampered.db decisions verify 2>err &&
	test_grep "does not match" err
'

test_expect_success 'decisions export --otel writes apply_guardrail spans' '
	aivalue decisions export --otel -o spans.json &&
	json_get spans.json "[[a[\"value\"][\"stringValue\"] for a in s[\"attributes\"] if a[\"key\"] == \"gen_ai.security.decision.type\"][0] for s in d[\"resourceSpans\"][0][\"scopeSpans\"][0][\"spans\"]]" >types &&
	test_grep "allow" types && test_grep "deny" types && test_grep "warn" types &&
	test "$(json_get spans.json "len(d[\"resourceSpans\"][0][\"scopeSpans\"][0][\"spans\"][0][\"traceId\"])")" = 32
'

test_expect_success 'import OTel GenAI tool spans and report shadow actions' '
	AIVALUE_FAKE_TIME=2029-03-01T10:00:00Z decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-7\"" --context "{\"confidence\": 0.95, \"amount\": 10}" &&
	cat >spans.json <<-JSON &&
	{"resourceSpans": [{"scopeSpans": [{"spans": [
	 {"traceId": "t1", "spanId": "s1", "name": "execute_tool approve_invoice",
	  "startTimeUnixNano": "1867053605000000000",
	  "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}},
	                 {"key": "gen_ai.agent.id", "value": {"stringValue": "ap-bot"}},
	                 {"key": "gen_ai.tool.name", "value": {"stringValue": "approve_invoice"}}]},
	 {"traceId": "t1", "spanId": "s2", "name": "execute_tool pay_invoice",
	  "startTimeUnixNano": "1867053610000000000",
	  "attributes": [{"key": "gen_ai.agent.name", "value": {"stringValue": "ap-bot"}},
	                 {"key": "tool.name", "value": {"stringValue": "pay_invoice"}}]},
	 {"traceId": "t1", "spanId": "s3", "name": "chat gpt",
	  "startTimeUnixNano": "1867053611000000000",
	  "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}}]}
	]}]}]}
	JSON
	aivalue workflow import-spans spans.json --json >imp.json &&
	test "$(json_get imp.json "d[\"imported\"]")" = 2 &&
	test "$(json_get imp.json "d[\"skipped\"]")" = 1 &&
	aivalue workflow import-spans spans.json --json >imp2.json &&
	test "$(json_get imp2.json "d[\"imported\"]")" = 0 &&
	aivalue workflow shadow p2p --json >sh.json &&
	test "$(json_get sh.json "\",\".join(r[\"tool\"] for r in d)")" = pay_invoice
'

test_expect_success 'workflow readiness: six measured figures' '
	aivalue token create --name ap-bot-token --agent ap-bot >/dev/null 2>&1 &&
	aivalue workflow readiness p2p --json >rd.json &&
	test "$(json_get rd.json "d[\"figures\"][\"identity\"][\"numerator\"]")" = 1 &&
	test "$(json_get rd.json "d[\"figures\"][\"logging\"][\"numerator\"]")" = 1 &&
	test "$(json_get rd.json "d[\"figures\"][\"logging\"][\"denominator\"]")" = 2 &&
	test "$(json_get rd.json "d[\"figures\"][\"integration\"][\"share\"]")" = 1.0 &&
	test "$(json_get rd.json "d[\"figures\"][\"exception_handling\"][\"denominator\"]")" = 2 &&
	test "$(json_get rd.json "d[\"figures\"][\"exception_handling\"][\"numerator\"]")" = 2 &&
	aivalue workflow readiness claims --json >rc.json &&
	test "$(json_get rc.json "d[\"figures\"][\"exception_handling\"][\"expired\"]")" = 1 &&
	test "$(json_get rc.json "d[\"figures\"][\"exception_handling\"][\"share\"]")" = 0.0 &&
	test "$(json_get rd.json "d[\"figures\"][\"entitlements\"][\"unused\"]")" = "[]" &&
	test "$(json_get rd.json "d[\"figures\"][\"ownership\"][\"share\"]")" = 1.0 &&
	aivalue workflow readiness claims >rc.out &&
	test_grep "identity .* 0%  0/1" rc.out &&
	test_must_fail aivalue workflow readiness nope 2>err && test_grep "no workflow" err
'

test_expect_success 'readiness flags a wide-open permit' '
	printf "kind: Policy\nname: open\ncedar: \"permit(principal, action, resource);\"\n" >open.yaml &&
	aivalue apply -f open.yaml &&
	aivalue workflow readiness p2p >ro.out &&
	test_grep "wide-open permit: open#0" ro.out &&
	test_grep "entitlements  *50%  1/2" ro.out
'

test_expect_success 'policy ids are unique across Policy objects' '
	printf "kind: Policy\nname: dup\ncedar: \"@id(\\\\\"ap-approve\\\\\") permit(principal, action, resource);\"\n" >dup.yaml &&
	test_must_fail aivalue apply -f dup.yaml 2>err &&
	test_grep "id .ap-approve. is already used by policy .ap." err &&
	aivalue decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-1\"" \
		--context "{\"confidence\": 0.93, \"amount\": 500}" >ok.out &&
	test_grep "^allow" ok.out
'

test_expect_success 'resources and their parents come with the request (--entities)' '
	cat >ledger.yaml <<-YAML &&
	kind: Policy
	name: ledger
	resource_types: [Invoice, Ledger]
	cedar: |
	  @id("post-small")
	  permit(principal is Agent in Step::"p2p/approve", action == Action::"post",
	         resource in Ledger::"main") when { resource.amount < 1000 };
	YAML
	aivalue delete policy open &&
	aivalue apply -f ledger.yaml &&
	cat >ents.json <<-JSON &&
	[{"uid": {"type": "Invoice", "id": "inv-5"}, "attrs": {"amount": 500},
	  "parents": [{"type": "Ledger", "id": "main"}]},
	 {"uid": {"type": "Invoice", "id": "inv-6"}, "attrs": {"amount": 5000},
	  "parents": [{"type": "Ledger", "id": "main"}]},
	 {"uid": {"type": "Invoice", "id": "inv-8"}, "attrs": {"amount": 5},
	  "parents": [{"type": "Ledger", "id": "other"}]}]
	JSON
	decide --agent ap-bot --action post --resource "Invoice::\"inv-5\"" --entities ents.json &&
	test "$(field decision)" = allow &&
	decide --agent ap-bot --action post --resource "Invoice::\"inv-6\"" --entities ents.json &&
	test "$(field decision)" = deny &&
	decide --agent ap-bot --action post --resource "Invoice::\"inv-8\"" --entities ents.json &&
	test "$(field decision)" = deny &&
	decide --agent ap-bot --action post --resource "Invoice::\"inv-5\"" &&
	test "$(field decision)" = deny &&
	echo "[{\"uid\": 1}]" >badents.json &&
	test_must_fail aivalue decide --agent ap-bot --action post \
		--resource "Invoice::\"inv-5\"" --entities badents.json 2>err &&
	test_grep "malformed" err
'

test_expect_success 'phase gates read agent control: exceptions within SLA, logged tool calls' '
	aivalue phase --json >pg.json &&
	json_get pg.json "[c[\"source\"] for c in d[\"criteria\"] if c[\"metric\"] == \"exceptions_within_sla\"][0]" >src.txt &&
	test_grep "^agent control: [0-9]* of [0-9]* closed exception items resolved within their SLA" src.txt
'

test_expect_success 'decisions list pages in a stable order: --limit, --after SEQ or ID' '
	aivalue decisions list --json >all.json &&
	total=$(json_get all.json "len(d)") && test "$total" -gt 5 &&
	aivalue decisions list --limit 2 --json >p1.json &&
	test "$(json_get p1.json "d[\"count\"]")" = 2 &&
	test "$(json_get p1.json "[r[\"seq\"] for r in d[\"items\"]] == [r[\"seq\"] for r in json.load(open(\"all.json\"))[:2]]")" = True &&
	c=$(json_get p1.json "d[\"next_cursor\"]") &&
	aivalue decisions list --limit 2 --after "$c" --json >p2.json &&
	test "$(json_get p2.json "[r[\"seq\"] for r in d[\"items\"]] == [r[\"seq\"] for r in json.load(open(\"all.json\"))[2:4]]")" = True &&
	id=$(json_get p1.json "d[\"items\"][1][\"decision_id\"]") &&
	aivalue decisions list --limit 2 --after "$id" --json >p2b.json &&
	test_cmp p2.json p2b.json &&
	: walking every page gives every record once, in order &&
	c=0 && : >walk.txt &&
	while :; do
		aivalue decisions list --limit 3 --after $c --json >pg.json &&
		json_get pg.json "\"\\n\".join(str(r[\"seq\"]) for r in d[\"items\"])" >>walk.txt &&
		c=$(json_get pg.json "d[\"next_cursor\"] or 0") || return 1
		test "$c" != 0 || break
	done &&
	json_get all.json "\"\\n\".join(str(r[\"seq\"]) for r in d)" >all.txt &&
	test_cmp all.txt walk.txt &&
	aivalue decisions list --limit 1 >one.txt 2>more.txt &&
	test_grep "more: aivalue decisions list --limit 1 --after" more.txt &&
	test_must_fail aivalue decisions list --limit 0 2>err && test_grep "not a number from 1" err &&
	test_must_fail aivalue decisions list --after dec-nope 2>err && test_grep "no decision-log record" err
'

test_done
