# gateway_rpc.sh - sourced by the gateway's e2e files (after lib.sh, with a
# server started): speak JSON-RPC to the MCP gateway at $AIV_URL/mcp.

# mcp_rpc TOKENFILE OUT JSON: one message in the token's session (initialized
# on first use, its id kept in TOKENFILE.sid); prints the HTTP status, the
# body in OUT
mcp_rpc() {
	if [ ! -f "$1.sid" ]; then
		curl -s -D head.txt -o /dev/null -H "Authorization: Bearer $(cat "$1")" \
			--data-binary '{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "curl", "version": "1"}}}' \
			"$AIV_URL/mcp" &&
		sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *\([0-9a-f]*\).*/\1/p' head.txt >"$1.sid"
	fi &&
	curl -s -o "$2" -w "%{http_code}" -H "Authorization: Bearer $(cat "$1")" \
		-H "Mcp-Session-Id: $(cat "$1.sid")" --data-binary "$3" "$AIV_URL/mcp"
}

# gateway_permit_all: a workspace with the gateway tests' organisation
# (tests/data/gateway/org.yaml), a policy permitting agent ap-bot every
# tool, and ap-bot's token in ap.tok (t8142-t8144, whose upstream is
# tests/mcp/fake-upstream.py)
gateway_permit_all() {
	aivalue init >/dev/null 2>&1 &&
	aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null &&
	printf '%s\n' 'kind: Policy' 'name: fake-tools' 'resource_types: [Tool]' 'cedar: |' \
		'  @id("fake-all")' '  permit(principal == Agent::"ap-bot", action, resource);' >all.yaml &&
	aivalue apply -f all.yaml >/dev/null &&
	aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null
}

# gateway_call_summary AUDITJSON: the call records in `aivalue audit log
# --json` output, one line: how many, how many distinct decision ids, and
# the sorted set of TOOL/OUTCOME/STATUS (t8144, t8145)
gateway_call_summary() {
	python3 -S -c "
import json, sys
r = [r for e in json.load(open(sys.argv[1])) if e['action'] == 'gateway.calls'
     for r in e['payload']['records'] if r['kind'] == 'call']
print(len(r), len(set(x['decision_id'] for x in r)), ' '.join(sorted(set('%s/%s/%s' % (x['tool'], x['outcome'], x.get('status')) for x in r))))
" "$1"
}

# gateway_calls_in_ledger EXPECTED: stop the server; the call records'
# summary (gateway_call_summary) must be EXPECTED and the ledger verify
gateway_calls_in_ledger() {
	stop_server &&
	aivalue audit log --json >log.json &&
	gateway_call_summary log.json >rec.txt &&
	test "$(cat rec.txt)" = "$1" &&
	aivalue audit verify
}

# gateway_hold_all TOOL ID...: one call of TOOL ("UP.hold", tests/mcp/fake-upstream.py)
# per ID, all at once, each {"n": number of IDs, "tag": ID}; each must be
# answered 200 with its own id and "held ID" (t8144, t8145)
gateway_hold_all() {
	ghtool=$1
	shift
	for i in "$@"; do
		mcp_rpc ap.tok out-$i.json "$(printf '{"jsonrpc": "2.0", "id": %s, "method": "tools/call", "params": {"name": "%s", "arguments": {"n": %s, "tag": "%s"}}}' "$i" "$ghtool" "$#" "$i")" >code-$i.txt &
	done
	wait
	for i in "$@"; do
		test "$(cat code-$i.txt)" = 200 &&
		test "$(json_get out-$i.json "d[\"id\"], d[\"result\"][\"content\"][0][\"text\"]")" = "$i held $i" ||
		return 1
	done
}
