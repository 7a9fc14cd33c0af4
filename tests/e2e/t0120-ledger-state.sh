#!/bin/sh
# t0120-ledger-state.sh - nothing changes behind the ledger.
#
# `audit verify` compares every ledger-bound table with the ledger.  A
# workspace gets an organisation, agents and a policy, two tokens, a
# usage import, journeys and decisions (one escalated into the exception
# queue).  Then, on copies of the database, each table is edited with the
# sqlite3 or psql (what anyone with write access to the store could do): the
# chain stays intact, and verify must name the table, the row and what
# differs, and exit 1.  These are the edits an outside campaign made that
# went unseen before.

. "$(dirname "$0")/lib.sh"

ACME="$TEST_ROOT/examples/acme"

# tamper NAME SQL: copy the workspace (workspace_copy) and run SQL on the copy
tamper() {
	workspace_copy "$1" &&
	test_sql_on "$1" "$2"
}
# the same edit in each engine's words
if test_have_prereq SQLITE; then
	STRPOS=instr ZEROS="zeroblob(length(data))"
else
	STRPOS=strpos ZEROS="decode(repeat('00', length(data)), 'hex')"
fi

# state_fails NAME WORDS...: the chain is ok, the state is not, and each
# WORDS is a line of the report
state_fails() {
	name=$1 &&
	shift &&
	test_must_fail --exit=1 aivalue --db "$(workspace_db "$name")" audit verify >"$name.out" 2>"$name.err" &&
	test_grep "^ledger ok: " "$name.out" &&
	test_grep "^error: state verification failed: " "$name.err" &&
	for w in "$@"; do test_grep "$w" "$name.err" || return 1; done &&
	aivalue --db "$(workspace_db "$name")" audit verify --no-state >/dev/null
}

test_expect_success 'set up: org, agents, policy, tokens, usage, journeys, decisions' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	aivalue apply -f "$ACME" >/dev/null &&
	aivalue token create --name vic --role viewer >vic.tok &&
	aivalue token create --name ada --role admin >ada.tok &&
	aivalue import usage "$ACME/usage/usage.csv" --format csv \
		--map "person=user,time=date,tool=app,workflow=template,count=actions" >/dev/null &&
	aivalue import journeys "$ACME/usage/journeys.csv" --format csv >/dev/null &&
	aivalue decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-1\"" \
		--context "{\"confidence\": 0.93, \"amount\": 500}" >d1 &&
	aivalue decide --agent ap-bot --action pay --resource "Invoice::\"inv-2\"" \
		--context "{}" >d2 &&
	aivalue decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-3\"" \
		--context "{\"confidence\": 0.5, \"amount\": 500}" >d3 &&
	test "$(test_sql "SELECT count(*) FROM exceptions WHERE state = '\''pending'\''")" = 1 &&
	test "$(test_sql "SELECT count(*) FROM decision_log WHERE kind = '\''decision'\''")" = 3 &&
	test "$(test_sql "SELECT count(*) FROM usage_blocks")" -ge 1
'

test_expect_success 'an untouched workspace: chain and state both ok' '
	aivalue audit verify >ok.out &&
	test_grep "^ledger ok: " ok.out &&
	test_grep "^state ok: 37 tables, " ok.out &&
	aivalue --json audit verify >ok.json &&
	test "$(json_get ok.json "d[\"state\"][\"differences\"]")" = 0 &&
	test "$(json_get ok.json "d[\"state\"][\"uncovered_imports\"]")" = 0
'

test_expect_success 'tokens.role viewer -> admin is caught' '
	tamper role "UPDATE tokens SET role = '\''admin'\'' WHERE name = '\''vic'\''" &&
	state_fails role "^error: table tokens, row vic: role is admin but the ledger says viewer"
'

test_expect_success 'a token added with no ledger entry, and one whose hash was swapped' '
	tamper tok2 "INSERT INTO tokens(name, role, hash, created_at) VALUES ('\''eve'\'', '\''admin'\'', '\''x'\'', '\''2026'\'');
		UPDATE tokens SET hash = '\''$(printf "%064d" 1)'\'' WHERE name = '\''ada'\''" &&
	state_fails tok2 "^error: table tokens, row eve: no ledger entry created this token" \
		"^error: table tokens, row ada: the stored secret hash differs"
'

test_expect_success 'a person edited behind the ledger is caught (typed rows replayed)' '
	tamper person "UPDATE people SET role = '\''CFO'\'' WHERE name = '\''ana'\''" &&
	state_fails person "^error: table people, row ana: role is .CFO. but the applied spec gives .controller."
'

test_expect_success SQLITE 'an object spec edited (with its spec_hash recomputed) is caught' '
	tamper spec "UPDATE objects SET spec = replace(spec, '\''controller'\'', '\''CFO'\'') WHERE kind = '\''Person'\'' AND name = '\''ana'\''" &&
	python3 -S - spec.db <<-\EOF &&
	import hashlib, sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	spec, = db.execute("SELECT spec FROM objects WHERE kind = ? AND name = ?", ("Person", "ana")).fetchone()
	db.execute("UPDATE objects SET spec_hash = ? WHERE kind = ? AND name = ?",
	           (hashlib.sha256(spec.encode()).hexdigest(), "Person", "ana"))
	db.commit()
	EOF
	state_fails spec "^error: table objects, row Person/ana: the spec is not the one the ledger recorded"
'

test_expect_success 'a policy weakened in the policies table is caught' '
	tamper policy "UPDATE policies SET cedar = substr(cedar, 1, $STRPOS(cedar, '\''@id(\"ap-review\")'\'') - 1) WHERE name = '\''ap'\''" &&
	state_fails policy "^error: table policies, row ap: cedar is "
'

test_expect_success 'a deleted agent row is caught' '
	tamper agent "DELETE FROM step_agents WHERE agent = '\''claims-bot'\''; DELETE FROM agents WHERE name = '\''claims-bot'\''" &&
	state_fails agent "^error: table agents, row claims-bot: missing: the applied spec has this row" \
		"^error: table step_agents, row claims/triage/claims-bot: missing"
'

test_expect_success 'usage blocks edited are caught (new imports carry a state digest)' '
	tamper usage "UPDATE usage_blocks SET data = $ZEROS WHERE seq = (SELECT min(seq) FROM usage_blocks)" &&
	state_fails usage "^error: table usage_blocks, row import_id=1: the rows of this import digest to "
'

test_expect_success 'journey events edited are caught' '
	tamper journey "UPDATE journey_events SET order_value = order_value + 1000 WHERE time_us = (SELECT min(time_us) FROM journey_events)" &&
	state_fails journey "^error: table journey_events, row import_id=2: "
'

test_expect_success 'decision_log.outcome edited is caught' '
	tamper outcome "UPDATE decision_log SET outcome = '\''allow'\'' WHERE outcome = '\''deny'\''" &&
	state_fails outcome "^error: table decision_log, row dec-[0-9a-f]*: outcome is .allow. but the record says .deny."
'

test_expect_success 'a transition row given an agent (counted as its decision by cost) is caught' '
	tamper trans "UPDATE decision_log SET agent = '\''claims-bot'\'', time_us = 1 WHERE kind = '\''transition'\''" &&
	state_fails trans "^error: table decision_log, row [^:]*: agent is .claims-bot. but a transition row has none" \
		"^error: table decision_log, row [^:]*: time_us is .1. but a transition row has none"
'

test_expect_success 'an exception item approved behind the ledger is caught' '
	tamper exc "UPDATE exceptions SET state = '\''approved'\'', approver = '\''ana'\''" &&
	state_fails exc "^error: table exceptions, row exc-[0-9a-f]*: state is approved but the ledger says pending"
'

test_expect_success '--json lists each difference with table, key and what' '
	test_must_fail aivalue --db "$(workspace_db role)" --json audit verify >role.json 2>/dev/null &&
	test "$(json_get role.json "d[\"ok\"]")" = False &&
	test "$(json_get role.json "d[\"state\"][\"diffs\"][0][\"table\"]")" = tokens &&
	test "$(json_get role.json "d[\"state\"][\"diffs\"][0][\"key\"]")" = vic
'

test_expect_success 'the ledger entries of new imports carry state_sha256 (chain still verifies in Python)' '
	test_sql "SELECT payload FROM ledger WHERE action = '\''usage.import'\''" >p &&
	test_grep "\"state_sha256\":{\"usage_blocks\":\"[0-9a-f]\{64\}\"" p &&
	aivalue audit export >e.jsonl &&
	python3 "$TEST_ROOT/tools/verify-ledger.py" e.jsonl >py.out &&
	test_grep "^ok: " py.out
'

test_expect_success 'on use: a weakened policy denies every decision (fail closed)' '
	AIVALUE_DB=$(workspace_db policy) aivalue decide --json --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-9\"" --context "{\"confidence\": 0.99, \"amount\": 20000}" \
		>pol.json 2>pol.err &&
	test "$(json_get pol.json "d[\"decision\"]")" = deny &&
	test_grep "denied, fail closed: the policies table differs from the applied Policy specs" pol.json &&
	test_grep "^aivalue: decisions denied, fail closed: " pol.err &&
	aivalue decide --json --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-9\"" \
		--context "{\"confidence\": 0.99, \"amount\": 20000}" >good.json &&
	test "$(json_get good.json "d[\"decision\"]")" = escalate
'

test_expect_success 'on use: an agent moved to another workflow behind the ledger is denied' '
	tamper agentwf "UPDATE agents SET workflow = '\''p2p'\'' WHERE name = '\''claims-bot'\''; UPDATE step_agents SET workflow = '\''p2p'\'', step = '\''approve'\'' WHERE agent = '\''claims-bot'\''" &&
	AIVALUE_DB=$(workspace_db agentwf) aivalue decide --json --agent claims-bot --action approve_invoice \
		--resource "Invoice::\"inv-9\"" --context "{\"confidence\": 0.99, \"amount\": 5}" \
		>awf.json 2>awf.err &&
	test "$(json_get awf.json "d[\"decision\"]")" = deny &&
	test_grep "the agents table differs" awf.json
'

test_expect_success 'on use: a token whose role was raised behind the ledger is refused' '
	AIVALUE_DB=$(workspace_db role) && export AIVALUE_DB && start_server --quiet && unset AIVALUE_DB &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat vic.tok)" \
		"$AIV_URL/api/v1/audit/checkpoint")" = 401 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat ada.tok)" \
		"$AIV_URL/api/v1/audit/checkpoint")" = 200 &&
	stop_server &&
	test_grep "^aivalue: refused token .vic. (role admin): its role differs from the ledger.s: ledger role viewer" server.log
'

test_expect_success 'read-only roles never write: an auditor GET of an overdue queue and its workflow' '
	aivalue token create --name aud --role auditor >aud.tok &&
	n0=$(test_sql "SELECT count(*) FROM ledger") &&
	np=$(test_sql "SELECT count(*) FROM exceptions WHERE state = '\''pending'\''") &&
	test "$np" -ge 1 &&
	test_sql "SELECT * FROM exceptions" >exc0 &&
	AIVALUE_FAKE_TIME=2031-01-01T00:00:00Z && export AIVALUE_FAKE_TIME &&
	start_server --quiet && unset AIVALUE_FAKE_TIME &&
	curl -fsS -H "Authorization: Bearer $(cat aud.tok)" "$AIV_URL/api/v1/exceptions" >list.json &&
	curl -fsS -H "Authorization: Bearer $(cat aud.tok)" \
		"$AIV_URL/api/v1/exceptions?state=expired" >expired.json &&
	wf=$(test_sql "SELECT workflow FROM exceptions WHERE state = '\''pending'\'' LIMIT 1") &&
	curl -fsS -H "Authorization: Bearer $(cat aud.tok)" "$AIV_URL/api/v1/workflows/$wf/readiness" >wf.json &&
	curl -fsS -o /dev/null -H "Authorization: Bearer $(cat aud.tok)" "$AIV_URL/workflows/$wf" &&
	stop_server &&
	test "$(json_get wf.json "d[\"figures\"][\"exception_handling\"][\"expired\"]")" -ge 1 &&
	test "$(json_get list.json "\",\".join(sorted(set(x[\"state\"] for x in d[\"items\"])))")" = expired &&
	test "$(json_get expired.json "len(d[\"items\"])")" = "$np" &&
	test "$(test_sql "SELECT count(*) FROM ledger")" = "$n0" &&
	test_sql "SELECT * FROM exceptions" >exc1 &&
	test_cmp exc0 exc1
'

test_expect_success 'the next write records the expiry as system:expiry, not as the writer' '
	AIVALUE_FAKE_TIME=2031-01-01T00:00:00Z aivalue decide --agent ap-bot --action pay \
		--resource "Invoice::\"inv-5\"" --context "{}" >/dev/null &&
	test_sql "SELECT DISTINCT actor FROM ledger WHERE action = '\''exception.expired'\''" >who &&
	echo system:expiry >expect &&
	test_cmp expect who &&
	test "$(test_sql "SELECT count(*) FROM exceptions WHERE state = '\''pending'\''")" = 0 &&
	aivalue audit verify >/dev/null
'

test_done
