#!/bin/sh
# t8103-gateway-filesystem - the reference filesystem server behind the
# gateway over stdio, with its calls decided on the file they name
# (--resource fs.read_text_file=File:path): reading a file is permitted,
# a path that climbs out with ".." is forbidden by policy
# (context.path like "*..*") and never reaches the server, writing is
# permitted by no policy, hidden from tools/list and denied.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

mcp_dir="$TEST_ROOT/tests/mcp"
fs_server="$mcp_dir/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
if ! command -v node >/dev/null 2>&1 || [ ! -f "$fs_server" ]; then
	echo "1..0 # SKIP node or tests/mcp/node_modules missing (scripts/install-test-deps)"
	exit 0
fi

mkdir -p files/invoices &&
echo "invoice 17: 120.00 EUR" >files/invoices/inv-17.txt &&
echo "do not read" >outside.txt
aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null
# 60 s for an upstream call: the first one starts node's server-filesystem
# within it, and at a load average of 30 that took more than 20 s once (the
# tools/list of test 1 came back empty); no test here waits for a timeout
start_server --quiet --gateway --upstream-timeout 60000 \
	--upstream "fs=stdio:node $fs_server $TEST_DIR/files" \
	--resource fs.read_text_file=File:path --resource fs.list_directory=File:path \
	--record-results fs.list_directory

curl -s -D head.txt -o /dev/null -H "Authorization: Bearer $(cat ap.tok)" \
	--data-binary '{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18"}}' \
	"$AIV_URL/mcp"
SID=$(sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *\([0-9a-f]*\).*/\1/p' head.txt)

rpc() {
	curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat ap.tok)" \
		-H "Mcp-Session-Id: $SID" --data-binary "$1" "$AIV_URL/mcp"
}
call() {
	echo "$1" >>"$TEST_DIR/calls.made" &&
	rpc "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"tools/call\", \"params\": {\"name\": \"$1\", \"arguments\": $2}}"
}
# the call records, once the last call's is in (the recorder commits it
# just after the agent is answered)
records() {
	gateway_recorded "$(wc -l <"$TEST_DIR/calls.made")" call &&
	aivalue audit log --json >log.json &&
	python3 -S -c 'import json; [print(json.dumps(r, sort_keys=True)) for e in reversed(json.load(open("log.json"))) if e["action"] == "gateway.calls" for r in e["payload"]["records"] if r["kind"] == "call"]' >records.jsonl
}

test_expect_success 'tools/list shows only the tools a policy could permit' '
	test "$(rpc "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}")" = 200 &&
	json_get out.json "\",\".join(sorted(t[\"name\"] for t in d[\"result\"][\"tools\"]))" >tools &&
	echo "fs.list_directory,fs.read_text_file" >expect &&
	test_cmp expect tools
'

test_expect_success 'reading a file inside: permitted, decided on the file, forwarded' '
	test "$(call fs.read_text_file "{\"path\": \"$TEST_DIR/files/invoices/inv-17.txt\"}")" = 200 &&
	test "$(json_get out.json "d[\"result\"][\"content\"][0][\"text\"]")" = "invoice 17: 120.00 EUR" &&
	aivalue decisions list --json >dl.json &&
	test "$(json_get dl.json "d[-1][\"input\"][\"resource\"]")" = "File::\"$TEST_DIR/files/invoices/inv-17.txt\"" &&
	test "$(json_get dl.json "d[-1][\"result\"][\"decision\"]")" = allow
'

test_expect_success 'a path with .. is forbidden by policy and never reaches the server' '
	test "$(call fs.read_text_file "{\"path\": \"$TEST_DIR/files/../outside.txt\"}")" = 200 &&
	test "$(json_get out.json "d[\"error\"][\"code\"], d[\"error\"][\"data\"][\"reason\"]")" = "-32003 forbidden by policy fs-no-traversal" &&
	! test_grep "do not read" out.json &&
	records &&
	test "$(tail -n 1 records.jsonl >rec.json && json_get rec.json "d[\"outcome\"], \"status\" in d")" = "deny False"
'

test_expect_success 'writing: no policy permits it, denied without forwarding' '
	test "$(call fs.write_file "{\"path\": \"$TEST_DIR/files/new.txt\", \"content\": \"x\"}")" = 200 &&
	test "$(json_get out.json "d[\"error\"][\"code\"]")" = -32003 &&
	test ! -e files/new.txt
'

test_expect_success '--record-results keeps the listing, other tools only its size' '
	test "$(call fs.list_directory "{\"path\": \"$TEST_DIR/files/invoices\"}")" = 200 &&
	test_grep "inv-17.txt" out.json &&
	records &&
	tail -n 1 records.jsonl >rec.json &&
	test_grep "inv-17.txt" rec.json &&
	grep "read_text_file" records.jsonl | grep "\"allow\"" >read.json &&
	! test_grep "120.00" read.json &&
	test "$(json_get read.json "d[\"result_bytes\"] > 0")" = True
'

test_expect_success 'the ledger verifies' '
	stop_server &&
	aivalue audit verify
'

test_done
