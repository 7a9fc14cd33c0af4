#!/bin/sh
# t2170-sso - single sign-on against a real OpenID provider on loopback
# (npm's oidc-provider, tests/oidc/provider.mjs): the whole sign-in in
# Chromium (tests/oidc/signin.js) ending on the overview with the mapped
# role, sign-out, a user in no mapped group; an agent's client-credentials
# token calling /api/v1/decide; the refusals of a bearer JWT (wrong issuer,
# wrong audience, expired, alg none, HS256 signed with the public key, an
# unknown key); a rotated key; the ledger entries with the subject (the
# user in no mapped group only as sso.refused: t2171 has its details).
# Skipped when node or tests/browser/node_modules (oidc-provider,
# playwright-core) is missing.
. "$(dirname "$0")/lib.sh"

browser_dir="$TEST_ROOT/tests/browser"
if ! command -v node >/dev/null 2>&1 ||
   [ ! -d "$browser_dir/node_modules/oidc-provider" ] ||
   [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
	echo "1..0 # SKIP node or tests/browser/node_modules (oidc-provider, playwright-core) missing (scripts/install-test-deps)"
	exit 0
fi
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

. "$TEST_ROOT/tests/oidc/sso-lib.sh"

# agent_token: a client-credentials access token of invoice-bot
agent_token() {
	curl -fsS -u invoice-bot:bot-secret -d grant_type=client_credentials -d scope=decide \
		"$ISSUER/token" >cc.json &&
	json_get cc.json 'd["access_token"]'
}

# signed ALG CLAIMS: a JWT signed by the provider's current key (/test/sign)
signed() {
	curl -fsS -X POST --data-binary "{\"alg\": \"$1\", \"claims\": $2}" "$ISSUER/test/sign"
}

# api JWT PATH [BODYFILE]: GET, or POST of BODYFILE; prints the status
api() {
	curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $1" \
		${3:+-H "Content-Type: application/json" --data-binary "@$3"} "$AIV_URL$2"
}

NOW=$(date +%s)
EXP=$((NOW + 300))
alice_claims() {
	printf '{"iss": "%s", "aud": "%s", "sub": "alice", "email": "alice@example.com", "groups": ["aivalue-analysts"], "exp": %s%s}' \
		"${2:-$ISSUER}" "${3:-api://aivalue}" "${4:-$EXP}" "${1:-}"
}

test_expect_success 'setup: a workspace with the control fixture, the secret, the role mapping' '
	cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml &&
	aivalue init >/dev/null 2>&1 &&
	aivalue apply -f org.yaml >/dev/null &&
	aivalue token create --name vic --role viewer >viewer.tok 2>/dev/null &&
	echo aivalue-secret >secret &&
	cat >roles.yaml <<-\EOF &&
	# groups and app roles of the provider -> roles of aivalue; the first match wins
	rules:
	  - {claim: groups, value: aivalue-admins, role: admin}
	  - {claim: groups, value: aivalue-analysts, role: analyst}
	  - {claim: roles, value: aivalue.agent, role: agent, agent: ap-bot}
	EOF
	printf "rules:\n  - {claim: groups, value: x, role: boss}\n" >bad-roles.yaml &&
	mkdir idp
'

start_provider
start_sso_server

test_expect_success 'a role mapping naming no role is refused at start, naming the file, line and field' '
	test_must_fail "$AIVALUE_BIN" serve --listen 127.0.0.1:1 --oidc-issuer "$ISSUER" \
		--oidc-client-id aivalue --oidc-client-secret-file secret \
		--oidc-redirect "$REDIRECT" --oidc-role-map bad-roles.yaml 2>bad.err &&
	test_grep "bad-roles.yaml:2:.*field .role.: .boss. is not a role" bad.err
'

test_expect_success 'the role mapping is in the ledger with its digest, once per change' '
	aivalue audit export >ledger.jsonl &&
	grep "\"action\":\"sso.role_mapping\"" ledger.jsonl >mapping.jsonl &&
	test "$(wc -l <mapping.jsonl)" = 1 &&
	test_grep "$(sha256sum roles.yaml | cut -c1-64)" mapping.jsonl &&
	test_grep "\"value\":\"aivalue-analysts\"" mapping.jsonl
'

test_expect_success 'Chromium: the sign-in ends on the overview as analyst, sign-out ends the session, no mapped group gets No access (tests/oidc/signin.js)' '
	node "$TEST_ROOT/tests/oidc/signin.js" "$AIV_URL" "Test IdP"
'

test_expect_success 'the sign-in and the sign-out are in the ledger with the subject' '
	aivalue audit export >ledger.jsonl &&
	grep "\"action\":\"sso.signin\"" ledger.jsonl >signin.jsonl &&
	test "$(wc -l <signin.jsonl)" = 1 &&
	test_grep "\"sub\":\"alice\"" signin.jsonl &&
	test_grep "\"issuer\":\"$ISSUER\"" signin.jsonl &&
	test_grep "\"email\":\"alice@example.com\"" signin.jsonl &&
	test_grep "\"name\":\"Alice Analyst\"" signin.jsonl &&
	test_grep "\"role\":\"analyst\"" signin.jsonl &&
	grep "\"action\":\"token.revoke\"" ledger.jsonl >revoke.jsonl &&
	test_grep "sso:alice@example.com:" revoke.jsonl &&
	test_grep "\"action\":\"session.delete\"" ledger.jsonl &&
	grep "nina" ledger.jsonl >nina.jsonl &&
	test "$(wc -l <nina.jsonl)" = 1 &&
	test_grep "\"action\":\"sso.refused\"" nina.jsonl
'

test_expect_success 'an agent with a client-credentials token decides; it may not read people' '
	printf "{\"action\": \"approve_invoice\", \"resource\": \"Invoice::\\\\\"inv-1\\\\\"\", \"context\": {\"confidence\": 0.97, \"amount\": 1}}" >decide.json &&
	at=$(agent_token) &&
	test "$(api "$at" /api/v1/decide decide.json)" = 200 &&
	test "$(json_get out.json "d[\"decision\"]")" = allow &&
	test "$(api "$at" /api/v1/whoami)" = 403
'

test_expect_success 'a person with a JWT of the provider reads with the mapped role; aivalue tokens still work' '
	test "$(api "$(signed RS256 "$(alice_claims)")" /api/v1/whoami)" = 200 &&
	test "$(json_get out.json "d[\"role\"]")" = analyst &&
	test "$(json_get out.json "d[\"name\"]")" = sso:alice@example.com &&
	test "$(api "$(cat viewer.tok)" /api/v1/whoami)" = 200 &&
	test "$(json_get out.json "d[\"role\"]")" = viewer
'

test_expect_success 'a JWT in no mapped group gets 403, never a default role' '
	jwt=$(signed RS256 "{\"iss\": \"$ISSUER\", \"aud\": \"api://aivalue\", \"sub\": \"nina\", \"groups\": [\"sales\"], \"exp\": $EXP}") &&
	test "$(api "$jwt" /api/v1/whoami)" = 403 &&
	test "$(api "$jwt" /api/v1/people)" = 403
'

# refused CASE JWT PATTERN: 401, and the server log says why
refused() {
	test "$(api "$2" /api/v1/whoami)" = 401 &&
	test_grep "invalid_token\|invalid, revoked or expired" out.json &&
	test_grep "refused a bearer JWT: $3" "$TEST_DIR/server.log"
}

test_expect_success 'refused: a wrong issuer' '
	refused issuer "$(signed RS256 "$(alice_claims "" http://127.0.0.1:1)")" \
		"issuer .http://127.0.0.1:1. is not the configured"
'

test_expect_success 'refused: a wrong audience (the ID token audience is not an API token)' '
	refused audience "$(signed RS256 "$(alice_claims "" "" aivalue)")" \
		"audience is not .api://aivalue."
'

test_expect_success 'refused: an expired token (past the 60 s leeway), and one not valid yet' '
	refused expired "$(signed RS256 "$(alice_claims "" "" "" $((NOW - 120)))")" \
		"the token expired [0-9]* s ago" &&
	refused nbf "$(signed RS256 "$(alice_claims ", \"nbf\": $((NOW + 600))")")" \
		"the token is not valid yet"
'

test_expect_success 'refused: alg none, and HS256 keyed with the public key' '
	refused none "$(signed none "$(alice_claims)")" \
		"signing algorithm .none. is not accepted" &&
	refused hs256 "$(signed HS256 "$(alice_claims)")" \
		"signing algorithm .HS256. is not accepted"
'

test_expect_success 'refused: a signature made with another key under the same kid' '
	good=$(signed RS256 "$(alice_claims)") &&
	other=$(signed RS256 "$(alice_claims "" "" "" $((EXP + 1)))") &&
	forged="${good%.*}.${other##*.}" &&
	refused forged "$forged" "bad signature"
'

test_expect_success 'sign-in starts with PKCE S256, state and nonce; a callback not started here is refused' '
	curl -s -o /dev/null -D start.h "$AIV_URL/login/sso" &&
	test_grep "^Location: $ISSUER/auth?.*code_challenge_method=S256" start.h &&
	test_grep "^Location: .*[?&]state=[A-Za-z0-9_-]\{43\}&nonce=[A-Za-z0-9_-]\{43\}&code_challenge=[A-Za-z0-9_-]\{43\}" start.h &&
	test_grep "^Set-Cookie: aiv_sso=[A-Za-z0-9_-]\{43\}\.[A-Za-z0-9_-]\{43\}\.[A-Za-z0-9_-]\{43\}; Path=/login/sso; Max-Age=600; HttpOnly; SameSite=Lax" start.h &&
	test "$(curl -s -o cb.html -w "%{http_code}" "$AIV_URL/login/sso/callback?state=forged&code=x")" = 400 &&
	test_grep "not started from this browser" cb.html &&
	test "$(curl -s -o cb.html -w "%{http_code}" -b "aiv_sso=$(sed -n "s/^Set-Cookie: aiv_sso=\([^;]*\);.*/\1/p" start.h | tr -d "\r")" \
		"$AIV_URL/login/sso/callback?state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&code=x")" = 400
'

# a changed mapping: analysts become leads (the server restarts with it)
stop_server
sed "s/value: aivalue-analysts, role: analyst/value: aivalue-analysts, role: lead/" roles.yaml >roles.new
mv roles.new roles.yaml
start_sso_server

test_expect_success 'a changed mapping is recorded; the next sign-in records the role change with the subject' '
	aivalue audit export >ledger.jsonl &&
	test "$(grep -c "\"action\":\"sso.role_mapping\"" ledger.jsonl)" = 2 &&
	python3 "$TEST_ROOT/tests/oidc/codeflow.py" "$AIV_URL" alice >flow.out &&
	test "$(cut -d" " -f1 flow.out)" = 200 &&
	curl -s -b "$(cut -d" " -f2 flow.out)" "$AIV_URL/api/v1/whoami" >who.json &&
	test "$(json_get who.json "d[\"role\"]")" = lead &&
	aivalue audit export >ledger.jsonl &&
	grep "\"action\":\"sso.role_change\"" ledger.jsonl >change.jsonl &&
	test "$(wc -l <change.jsonl)" = 1 &&
	test_grep "\"previous_role\":\"analyst\"" change.jsonl &&
	test_grep "\"role\":\"lead\"" change.jsonl &&
	test_grep "\"sub\":\"alice\"" change.jsonl &&
	test "$(grep -c "\"action\":\"sso.signin\"" ledger.jsonl)" = 2
'

stop_server
start_sso_server

test_expect_success 'the same mapping at the next start adds no entry' '
	aivalue audit export >ledger.jsonl &&
	test "$(grep -c "\"action\":\"sso.role_mapping\"" ledger.jsonl)" = 2
'

# a rotated key: the provider restarts on its port with a new key in front;
# the server sees an unknown kid and refetches the key set (at most every 5 s)
old_kid=$(json_get idp/keys.json 'd[0]["kid"]')
stop_provider
left=$((SERVER_STARTED + 6 - $(date +%s)))
[ "$left" -le 0 ] || sleep "$left"
start_provider --port "${ISSUER##*:}" --rotate

test_expect_success 'a rotated key: the new kid is fetched and its tokens accepted' '
	new_kid=$(json_get idp/keys.json "d[0][\"kid\"]") &&
	test "$new_kid" != "$old_kid" &&
	at=$(agent_token) &&
	test "$(api "$at" /api/v1/decide decide.json)" = 200 &&
	test "$(json_get out.json "d[\"decision\"]")" = allow &&
	test "$(api "$(signed RS256 "$(alice_claims)")" /api/v1/whoami)" = 200
'

stop_provider
test_done
