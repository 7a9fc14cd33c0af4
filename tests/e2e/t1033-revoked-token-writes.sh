#!/bin/sh
# t1033-revoked-token-writes - the server keeps verified tokens for up to
# 1 s (src/org/tokens.c, token_check_cached).  A read may use that window;
# a state change other than decide and the gateway (whose decision writer
# refuses a revoked token in every batch, t8148) checks its token in the
# store, so a token revoked by another process a moment ago is refused at
# once (src/http/auth.c, token_cache_ok).
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1
aivalue token create --name ada --role admin >ada.tok 2>/dev/null
aivalue token create --name bo --role admin >bo.tok 2>/dev/null

# post TOKEN: POST /api/v1/apply with an empty document; its status
post() {
	curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $(cat "$1")" \
		-H "Content-Type: application/json" --data-binary '{}' "$AIV_URL/api/v1/apply"
}

start_server --quiet --no-warm --threads 1

test_expect_success 'a write with a token revoked by another process is refused at once' '
	: the first request verifies ada and keeps it in the only worker thread cache &&
	curl -fsS -o /dev/null -H "Authorization: Bearer $(cat ada.tok)" "$AIV_URL/api/v1/whoami" &&
	aivalue token revoke ada &&
	test "$(post ada.tok)" = 401 &&
	: a live token gets past authentication to the document check &&
	test "$(post bo.tok)" = 400
'

test_expect_success 'nothing was applied; the ledger verifies' '
	stop_server &&
	aivalue audit verify
'

test_done
