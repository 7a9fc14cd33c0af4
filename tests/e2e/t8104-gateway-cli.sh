#!/bin/sh
# t8104-gateway-cli - `aivalue gateway` on the command line: its usage
# errors (exit 2, nothing started), and that it runs the same server as
# `serve --gateway` (the API beside /mcp).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null

# status CMD...: its exit status (stderr in err)
status() { "$@" 2>err && echo 0 || echo $?; }

test_expect_success 'usage errors name the option and exit 2' '
	test "$(status aivalue gateway)" = 2 &&
	test_grep "needs at least one --upstream" err &&
	test "$(status aivalue gateway --upstream e.x=builtin:echo)" = 2 &&
	test_grep "upstream .e.x=builtin:echo.: expected NAME=URL" err &&
	test "$(status aivalue gateway --upstream e=ftp://host/)" = 2 &&
	test_grep "is not an http(s):// URL" err &&
	test "$(status aivalue gateway --upstream e=builtin:echo --upstream e=builtin:echo)" = 2 &&
	test_grep "the name .e. is given twice" err &&
	test "$(status aivalue gateway --upstream e=builtin:echo --resource e.echo=file)" = 2 &&
	test_grep "expected UPSTREAM.TOOL=Type:ARGUMENT" err &&
	test "$(status aivalue gateway --upstream e=builtin:echo --upstream-timeout 0)" = 2 &&
	test_grep "upstream-timeout must be 1 to 3600000 ms" err &&
	test "$(status aivalue serve --upstream e=builtin:echo)" = 2 &&
	test_grep "need --gateway" err
'

test_expect_success 'aivalue gateway serves /mcp and the API' '
	port=$(python3 -S -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1]); s.close()") &&
	{ "$AIVALUE_BIN" gateway --listen "127.0.0.1:$port" --quiet --upstream e=builtin:echo >gw.log 2>&1 & } &&
	echo "$! $port" >>"$TEST_DIR/.servers" &&
	wait_until 30 curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null &&
	test "$(curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat ap.tok)" \
		--data-binary "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\": {\"protocolVersion\": \"2025-06-18\"}}" \
		"http://127.0.0.1:$port/mcp")" = 200 &&
	test "$(json_get out.json "d[\"result\"][\"serverInfo\"][\"name\"], d[\"result\"][\"protocolVersion\"]")" = "aivalue-gateway 2025-06-18" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/mcp")" = 405
'

test_done
