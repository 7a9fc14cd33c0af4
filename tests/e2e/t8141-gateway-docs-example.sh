#!/bin/sh
# t8141 - docs/gateway.md's procure-to-pay example is true: its workspace
# applies as printed, each call of its table gets the decision the table
# says (through `aivalue decide`, the control layer the gateway calls),
# and the filesystem rows hold through `aivalue gateway` in front of the
# real @modelcontextprotocol/server-filesystem: a quote is read, a path
# with ".." is denied before it reaches the server, write_file is neither
# listed nor forwarded, and each call is in the gateway's ledger record.
#
# The gateway part needs node and tests/mcp/node_modules
# (scripts/install-test-deps) and is skipped without them.  About 2 s of CPU.
. "$(dirname "$0")/lib.sh"

doc=$TEST_ROOT/docs/gateway.md
fs_server=$TEST_ROOT/tests/mcp/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js

# decide ACTION CONTEXT: the decision and its deciding policies, one line
decide() {
	aivalue decide --agent po-bot --action "$1" --resource "Tool::\"$1\"" \
		--context "$2" --json >d.json &&
	python3 -S -c 'import json; d = json.load(open("d.json")); print(d["decision"], " ".join(d["policies"]))'
}

# rpc N BODY: POST one JSON-RPC message to the gateway, answer into rN.json
rpc() {
	curl -sS -D "h$1" -o "r$1.json" -H "Authorization: Bearer $(cat tok)" \
		-H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" \
		-H "MCP-Protocol-Version: 2025-06-18" ${sid:+-H "Mcp-Session-Id: $sid"} \
		--data "$2" "$(cat url)"
}

test_expect_success 'the example workspace applies as printed' '
	awk "/^The workspace \\(\`aivalue apply -f p2p.yaml\`\\):/ { f = 1; next }
	     f && /^\`\`\`yaml/ { g = 1; next } g && /^\`\`\`/ { exit } g" "$doc" >p2p.yaml &&
	test_grep "^name: p2p-tools" p2p.yaml &&
	aivalue init >/dev/null &&
	aivalue apply -f p2p.yaml >apply.out &&
	test_grep "5 created" apply.out
'

test_expect_success 'a purchase order of 1,299.00 is allowed by po-create' '
	decide erp.create_purchase_order "{\"supplier\": \"ACME-17\", \"amount_cents\": 129900}" >out &&
	echo "allow po-create" >expect &&
	test_cmp expect out
'

test_expect_success 'one of 12,500.00 escalates to po-approval (po-above-threshold)' '
	decide erp.create_purchase_order "{\"supplier\": \"ACME-17\", \"amount_cents\": 1250000}" >out &&
	echo "escalate po-above-threshold" >expect &&
	test_cmp expect out &&
	aivalue exceptions list --queue po-approval --json >items.json &&
	python3 -S -c "import json,sys; d = json.load(open(\"items.json\")); items = d if isinstance(d, list) else d.get(\"items\", d.get(\"exceptions\")); sys.exit(0 if len(items) == 1 else 1)"
'

test_expect_success 'a small order from an unsure agent escalates too (po-low-confidence)' '
	decide erp.create_purchase_order "{\"supplier\": \"ACME-17\", \"amount_cents\": 129900, \"confidence\": 0.6}" >out &&
	echo "escalate po-low-confidence" >expect &&
	test_cmp expect out
'

test_expect_success 'a path with .. is denied by fs-no-traversal, write_file by no permit' '
	decide fs.read_text_file "{\"path\": \"/srv/quotes/../../etc/passwd\"}" >out &&
	echo "deny fs-no-traversal" >expect &&
	test_cmp expect out &&
	decide fs.write_file "{\"path\": \"/srv/quotes/q.txt\", \"content\": \"x\"}" >out &&
	echo "deny " >expect &&
	test_cmp expect out
'

if ! command -v node >/dev/null 2>&1 || [ ! -f "$fs_server" ] ||
   ! "$AIVALUE_BIN" help gateway >/dev/null 2>&1; then
	say "skipping the gateway part: no node, no tests/mcp/node_modules or no gateway command"
	test_done
fi

test_expect_success 'setup: a quotes folder, a file outside it, a token for po-bot' '
	mkdir quotes &&
	echo "ACME-17: 40 pallets at 32.47 each" >quotes/acme-17.txt &&
	echo secret >outside.txt &&
	aivalue token create --name po-bot-key --agent po-bot >tok
'

start_server --quiet --gateway --upstream "fs=stdio:node $fs_server $TEST_DIR/quotes"
echo "$AIV_URL/mcp" >url

test_expect_success 'po-bot sees read_text_file and list_directory, not write_file' '
	sid= &&
	rpc 1 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t8141\",\"version\":\"1\"}}}" &&
	sid=$(sed -n "s/^[Mm][Cc][Pp]-[Ss]ession-[Ii][Dd]: *\\([^[:space:]]*\\).*/\\1/p" h1) &&
	test -n "$sid" &&
	echo "$sid" >sid &&
	rpc 2 "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}" &&
	rpc 3 "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}" &&
	python3 -S -c "import json; print(\"\\n\".join(sorted(t[\"name\"] for t in json.load(open(\"r3.json\"))[\"result\"][\"tools\"])))" >tools &&
	printf "%s\n" fs.list_directory fs.read_text_file >expect &&
	test_cmp expect tools
'

test_expect_success 'reading a quote is allowed and answered by the server' '
	sid=$(cat sid) &&
	rpc 4 "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"fs.read_text_file\",\"arguments\":{\"path\":\"$TEST_DIR/quotes/acme-17.txt\"}}}" &&
	test_grep "40 pallets at 32.47 each" r4.json
'

test_expect_success 'a path with .. is denied (-32003, fs-no-traversal) and the file is not read' '
	sid=$(cat sid) &&
	rpc 5 "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"fs.read_text_file\",\"arguments\":{\"path\":\"$TEST_DIR/quotes/../outside.txt\"}}}" &&
	python3 -S -c "import json; e = json.load(open(\"r5.json\"))[\"error\"]; print(e[\"code\"], *e[\"data\"][\"policies\"])" >out &&
	echo "-32003 fs-no-traversal" >expect &&
	test_cmp expect out &&
	! grep -q secret r5.json
'

test_expect_success 'write_file is denied and not forwarded: the file does not appear' '
	sid=$(cat sid) &&
	rpc 6 "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"fs.write_file\",\"arguments\":{\"path\":\"$TEST_DIR/quotes/new.txt\",\"content\":\"x\"}}}" &&
	python3 -S -c "import json; print(json.load(open(\"r6.json\"))[\"error\"][\"code\"])" >out &&
	echo -32003 >expect &&
	test_cmp expect out &&
	test ! -e quotes/new.txt
'

# the calls of the gateway's ledger records, "TOOL OUTCOME STATUS" sorted
cat >calls.py <<'PY'
import json
d = json.load(open("log.json"))
entries = d if isinstance(d, list) else d.get("entries", [])
for e in entries:
    for r in e["payload"]["records"]:
        if r.get("kind") == "call":
            print(r["tool"], r["outcome"], r.get("status", "-"))
PY

test_expect_success 'the ledger holds the three calls with their outcomes' '
	printf "%s\n" "fs.read_text_file allow ok" "fs.read_text_file deny -" "fs.write_file deny -" >expect &&
	i=0 &&
	while :; do
		aivalue audit log --action gateway.calls --json >log.json &&
		python3 -S calls.py | sort >calls &&
		if cmp -s expect calls || [ $i -gt 100 ]; then
			break
		fi &&
		i=$((i + 1)) &&
		sleep 0.05 || return 1
	done &&
	test_cmp expect calls
'

test_done
