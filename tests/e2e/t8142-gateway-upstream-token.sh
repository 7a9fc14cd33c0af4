#!/bin/sh
# t8142-gateway-upstream-token - an HTTP upstream that wants a bearer
# token gets it from --upstream-token NAME=@FILE or NAME=env:VAR; one
# without its token is a clean error; the token is in no log, no answer
# and not in the ledger.  A notifications/tools/list_changed event in an
# HTTP answer refreshes the gateway's tools/list.  The upstream is
# tests/mcp/fake-upstream.py, which records every Authorization header.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

fake="$TEST_ROOT/tests/mcp/fake-upstream.py"
FAKE_SEEN="$TEST_DIR/seen.txt" python3 -S "$fake" http port.txt --token s3cret-upstream-token >fake.log 2>&1 &
echo "$!" >>"$TEST_DIR/.servers"
wait_until 30 test -s port.txt
UP="http://127.0.0.1:$(cat port.txt)/mcp"

gateway_permit_all
printf 's3cret-upstream-token\n' >up.secret
UPTOK_ENV=s3cret-upstream-token
export UPTOK_ENV
start_server --gateway \
	--upstream "h=$UP" --upstream-token h=@up.secret \
	--upstream "h2=$UP" --upstream-token h2=env:UPTOK_ENV \
	--upstream "bare=$UP"
unset UPTOK_ENV

call() {
	printf '{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "%s", "arguments": {"message": "%s"}}}' "$1" "$2"
}
list='{"jsonrpc": "2.0", "id": 8, "method": "tools/list"}'
# the tools an answer lists, sorted, one line
names() { json_get "$1" '" ".join(sorted(t["name"] for t in d["result"]["tools"] if t["name"].startswith("h.")))'; }

test_expect_success 'a token from a file reaches the upstream on every request' '
	test "$(mcp_rpc ap.tok out.json "$(call h.echo hello)")" = 200 &&
	test "$(json_get out.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: hello" &&
	test "$(sort -u seen.txt)" = "Bearer s3cret-upstream-token" &&
	test "$(wc -l <seen.txt)" -ge 4
'

test_expect_success 'a token from an environment variable' '
	test "$(mcp_rpc ap.tok out2.json "$(call h2.echo again)")" = 200 &&
	test "$(json_get out2.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: again"
'

test_expect_success 'an upstream without its token: a clean error naming HTTP 401' '
	: >seen.txt &&
	test "$(mcp_rpc ap.tok out3.json "$(call bare.echo x)")" = 200 &&
	test "$(json_get out3.json "d[\"error\"][\"code\"]")" = -32005 &&
	test_grep "answered HTTP 401" out3.json &&
	test "$(sort -u seen.txt)" = None
'

test_expect_success 'list_changed in an HTTP answer refreshes the tools' '
	test "$(mcp_rpc ap.tok l1.json "$list")" = 200 &&
	test "$(names l1.json)" = "h.echo h.grow h.hold" &&
	test "$(mcp_rpc ap.tok g.json "$(call h.grow x)")" = 200 &&
	test "$(json_get g.json "d[\"result\"][\"content\"][0][\"text\"]")" = grown &&
	test "$(mcp_rpc ap.tok l2.json "$list")" = 200 &&
	test "$(names l2.json)" = "h.echo h.grow h.grown h.hold" &&
	test "$(mcp_rpc ap.tok g2.json "$(call h.grown x)")" = 200 &&
	test "$(json_get g2.json "d[\"result\"][\"content\"][0][\"text\"]")" = grown
'

test_expect_success 'the token is in no log, no answer and not in the ledger' '
	stop_server &&
	aivalue audit log --json >log.json &&
	grep -q "gateway.calls" log.json &&
	grep -rl --exclude=.lint-clean s3cret-upstream-token . | sort >leaks.txt &&
	printf "./seen.txt\n./up.secret\n" >want.txt &&
	test_cmp want.txt leaks.txt
'

test_expect_success 'bad --upstream-token: clean errors that never print the token' '
	test_must_fail aivalue gateway --upstream "h=$UP" --upstream-token h=env:AIV_NO_SUCH_VAR 2>e1.txt &&
	test_grep "environment variable .AIV_NO_SUCH_VAR. is not set" e1.txt &&
	test_must_fail aivalue gateway --upstream "h=$UP" --upstream-token h=@missing.secret 2>e2.txt &&
	test_grep "cannot read .missing.secret." e2.txt &&
	test_must_fail aivalue gateway --upstream e=builtin:echo --upstream-token e=@up.secret 2>e3.txt &&
	test_grep "not an http(s) upstream" e3.txt &&
	test_must_fail aivalue gateway --upstream "h=$UP" --upstream-token s3cret-upstream-token 2>e4.txt &&
	test_grep "expected NAME=@FILE or NAME=env:VARIABLE" e4.txt &&
	printf "two words\n" >spaced.secret &&
	test_must_fail aivalue gateway --upstream "h=$UP" --upstream-token h=@spaced.secret 2>e5.txt &&
	test_grep "not visible ASCII (byte 4)" e5.txt &&
	test_must_fail aivalue gateway --upstream "h=$UP" --upstream-token x=@up.secret 2>e6.txt &&
	test_grep "no --upstream is named .x." e6.txt &&
	! grep -e s3cret -e "two words" e1.txt e2.txt e3.txt e4.txt e5.txt e6.txt
'

test_done
