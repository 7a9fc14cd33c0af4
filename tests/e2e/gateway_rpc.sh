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
