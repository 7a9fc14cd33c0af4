#!/bin/sh
# t0134-http-audit-verify-state - GET /api/v1/audit/verify runs the same
# state check as `aivalue audit verify`: the tables are compared with the
# ledger, not only the chain, and each difference comes back as JSON
# (table, key, what).  ?state=0 checks the chain only.
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null 2>&1
aivalue token create --name vic --role viewer >viewer.tok 2>/dev/null
aivalue token create --name audit --role auditor >auditor.tok 2>/dev/null
start_server --quiet

verify() {
	curl -sS -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat auditor.tok)" \
		"$AIV_URL/api/v1/audit/verify$1"
}

test_expect_success 'untouched: chain and state ok, the same figures as the CLI' '
	test "$(verify "")" = 200 &&
	test "$(json_get out.json "d[\"ok\"]")" = True &&
	test "$(json_get out.json "d[\"state\"][\"ok\"]")" = True &&
	test "$(json_get out.json "d[\"state\"][\"differences\"]")" = 0 &&
	aivalue --json audit verify >cli.json &&
	test "$(json_get out.json "(d[\"state\"][\"tables\"], d[\"state\"][\"rows\"])")" = \
		"$(json_get cli.json "(d[\"state\"][\"tables\"], d[\"state\"][\"rows\"])")"
'

test_expect_success SQLITE 'a token role edited behind the ledger: 200 with ok false and the difference' '
	sqlite3 aivalue.db "UPDATE tokens SET role = '\''admin'\'' WHERE name = '\''vic'\''" &&
	test "$(verify "")" = 200 &&
	test "$(json_get out.json "d[\"ok\"]")" = False &&
	test "$(json_get out.json "d[\"state\"][\"ok\"]")" = False &&
	test "$(json_get out.json "d[\"state\"][\"differences\"]")" = 1 &&
	test "$(json_get out.json "d[\"state\"][\"diffs\"][0][\"table\"]")" = tokens &&
	test "$(json_get out.json "d[\"state\"][\"diffs\"][0][\"key\"]")" = vic &&
	test_grep "role is admin but the ledger says viewer" out.json
'

test_expect_success SQLITE 'a policy weakened in its table is named too' '
	sqlite3 aivalue.db "UPDATE policies SET cedar = '\''permit(principal, action, resource);'\'' WHERE name = '\''ap'\''" &&
	test "$(verify "")" = 200 &&
	test "$(json_get out.json "d[\"state\"][\"differences\"]")" = 2 &&
	test "$(json_get out.json "sorted(x[\"table\"] + \"/\" + x[\"key\"] for x in d[\"state\"][\"diffs\"])")" = \
		"['\''policies/ap'\'', '\''tokens/vic'\'']"
'

test_expect_success '?state=0 checks the chain only; a bad value is a 400' '
	test "$(verify "?state=0")" = 200 &&
	test "$(json_get out.json "d[\"ok\"]")" = True &&
	test "$(json_get out.json "\"state\" in d")" = False &&
	test "$(verify "?state=yes")" = 400 &&
	test_grep "state must be 0" out.json
'

test_done
