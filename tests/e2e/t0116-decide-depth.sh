#!/bin/sh
# t0116-decide-depth - an agent cannot hide its own decisions.
#
# A decide context nested 2,046 levels deep used to be answered 200 and
# committed, in a record jansson could not read back (its depth limit is
# 2,048), so `decisions list`, GET /api/v1/decisions, the OTel export and
# the workflow page skipped it and `decisions verify` said ok.  Now:
# contexts nest at most 32 levels (400 over HTTP, exit 1 on the CLI,
# nothing recorded), and a record that cannot be read (one stored before
# the bound) makes every list and export fail naming its row, and
# `decisions verify` report it.
. "$(dirname "$0")/lib.sh"

cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml
aivalue init >/dev/null 2>&1
aivalue apply -f org.yaml >/dev/null
aivalue token create --name ap-bot-key --agent ap-bot >agent.tok 2>/dev/null
aivalue token create --name vic --role viewer >viewer.tok 2>/dev/null
start_server --quiet

# api TOKENFILE PATH [BODYFILE]: GET, or POST of BODYFILE; prints the
# status, the answer goes to out.json
api() {
	curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat "$1")" \
		${3:+-H "Content-Type: application/json" --data-binary "@$3"} "$AIV_URL$2"
}
nrows() { test_sql "SELECT count(*) FROM decision_log"; }
# nested N: a context object whose "n" nests N levels in all (the context
# itself is level 1), with the confidence the allow policy needs.
nested() {
	python3 -S -c 'import sys; n = int(sys.argv[1]); print("{\"confidence\": 0.97, \"amount\": 1, \"n\": " + "{\"n\": " * (n - 1) + "1" + "}" * (n - 1) + "}")' "$1"
}
# request N FILE: a decide body with a context N levels deep
request() {
	printf '{"action": "approve_invoice", "resource": "Invoice::\\"inv-1\\"", "context": %s}' \
		"$(nested "$1")" >"$2"
}

test_expect_success 'HTTP: a context 32 levels deep is decided (the bound is inclusive)' '
	request 32 ok.json &&
	test "$(api agent.tok /api/v1/decide ok.json)" = 200 &&
	test "$(json_get out.json "d[\"decision\"]")" = allow &&
	test "$(nrows)" = 1
'

test_expect_success 'HTTP: 33 and 2,046 levels are 400 and not recorded; in a batch only that one' '
	before=$(aivalue audit checkpoint) &&
	request 33 deep33.json &&
	test "$(api agent.tok /api/v1/decide deep33.json)" = 400 &&
	test_grep "context nests deeper than 32 levels" out.json &&
	request 2046 deep.json &&
	test "$(api agent.tok /api/v1/decide deep.json)" = 400 &&
	test_grep "context nests deeper than 32 levels" out.json &&
	printf "{\"requests\": [%s, %s]}" "$(cat ok.json)" "$(cat deep33.json)" >batch.json &&
	test "$(api agent.tok /api/v1/decide batch.json)" = 200 &&
	test "$(json_get out.json "d[\"results\"][1][\"error\"][\"status\"]")" = 400 &&
	test "$(json_get out.json "d[\"results\"][0][\"decision\"]")" = allow &&
	test "$(nrows)" = 2 &&
	test "$(aivalue audit checkpoint)" != "$before"
'

test_expect_success 'CLI: decide --context 33 levels deep is refused, exit 1' '
	test_must_fail --exit=1 aivalue decide --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-1\"" --context "$(nested 33)" 2>err &&
	test_grep "^error: context nests deeper than 32 levels" err &&
	test "$(nrows)" = 2
'

# A record that cannot be read, as one committed before the bound would be.
# corrupt_row1: give row 1 a 2,100-level "hidden" key, with a digest that
# matches it (so only a parse can tell); bad.sql does it.
corrupt_row1() {
	python3 -S - <<-\PY
	import hashlib
	r = open("rec.json").read().rstrip("\n")
	deep = '{"n": ' * 2100 + "1" + "}" * 2100
	r = r[:-1] + ', "hidden": ' + deep + "}"
	d = hashlib.sha256(r.encode()).hexdigest()
	open("bad.sql", "w").write("UPDATE decision_log SET record = '%s', digest = '%s'"
	                           " WHERE seq = 1;" % (r.replace("'", "''"), d))
	PY
}

test_expect_success 'set up: an unreadable decision-log record (stored before the bound)' '
	test_sql "SELECT id FROM decision_log WHERE seq = 1" >id &&
	test_sql "SELECT record FROM decision_log WHERE seq = 1" >rec.json &&
	corrupt_row1 &&
	test_sql "$(cat bad.sql)" &&
	test "$(test_sql "SELECT length(record) FROM decision_log WHERE seq = 1")" -gt 8000
'

test_expect_success 'decisions list (text, --json, paged) fails naming the row' '
	test_must_fail --exit=1 aivalue decisions list >out 2>err &&
	test_grep "error: decision-log row 1 (.$(cat id).) cannot be read" err &&
	test_must_fail --exit=1 aivalue decisions list --json >out 2>err &&
	test_grep "decision-log row 1 (.$(cat id).) cannot be read" err &&
	test_must_fail --exit=1 aivalue decisions list --limit 5 >out 2>err &&
	test_grep "decision-log row 1 (.$(cat id).) cannot be read" err
'

test_expect_success 'decisions export --otel fails naming the row, writes nothing' '
	test_must_fail --exit=1 aivalue decisions export --otel -o otel.json 2>err &&
	test_grep "decision-log row 1 (.$(cat id).) cannot be read" err &&
	! test -e otel.json
'

test_expect_success 'decisions verify reports the unreadable row' '
	test_must_fail --exit=1 aivalue decisions verify 2>err &&
	test_grep "decision-log row 1: record cannot be read" err &&
	test_must_fail aivalue decisions verify --json >v.json &&
	test "$(json_get v.json "d[\"ok\"]")" = False
'

test_expect_success 'GET /api/v1/decisions and the workflow page fail naming the row' '
	test "$(api viewer.tok /api/v1/decisions)" = 500 &&
	test_grep "decision-log row 1 (.$(cat id).) cannot be read" out.json &&
	test "$(api viewer.tok "/api/v1/decisions?order=oldest&limit=1")" = 500 &&
	test "$(api viewer.tok /workflows/p2p)" = 500 &&
	test_grep "decision-log row 1" out.json &&
	test "$(api viewer.tok /api/v1/workflows/p2p/readiness)" = 500 &&
	test_grep "decision-log row 1 (.$(cat id).) cannot be read" out.json
'

test_expect_success 'an exception item whose request cannot be read fails list and show' '
	aivalue decide --json --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-2\"" --context "{\"confidence\": 0.5, \"amount\": 1}" >d.json &&
	item=$(json_get d.json "d[\"exception_id\"]") &&
	aivalue exceptions show "$item" >/dev/null &&
	test_sql "UPDATE exceptions SET request = substr(request, 1, 20) WHERE id = '\''$item'\''" &&
	test_must_fail --exit=1 aivalue exceptions list 2>err &&
	test_grep "error: exception item .$item.: its request cannot be read" err &&
	test_must_fail --exit=1 aivalue exceptions show "$item" 2>err &&
	test_grep "exception item .$item.: its request cannot be read" err
'

test_expect_success 'audit log --json and GET /api/v1/audit/log fail on an unreadable payload' '
	seq=$(test_sql "SELECT max(seq) FROM ledger") &&
	aivalue audit log --json >/dev/null &&
	test_sql "UPDATE ledger SET payload = substr(payload, 1, 5) WHERE seq = $seq" &&
	test_must_fail --exit=1 aivalue audit log --json >out 2>err &&
	test_grep "error: ledger entry $seq: payload cannot be read" err &&
	aivalue token create --name aud --role auditor >auditor.tok 2>/dev/null &&
	test "$(api auditor.tok /api/v1/audit/log)" = 500 &&
	test_grep "ledger entry $seq: payload cannot be read" out.json
'

test_done
