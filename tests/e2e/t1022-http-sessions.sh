#!/bin/sh
# t1022-http-sessions - the dashboard cookie holds a server-side session
# id, stored only as its SHA-256, never the token; sign-in refuses posts
# from another site (login CSRF); sign-out and revocation end the session
# on the server; tokens can expire, and an expired token and its sessions
# are refused everywhere.
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1
aivalue token create --name v --role viewer >viewer.tok 2>/dev/null
start_server --quiet

login() { curl -s -o out.html -D hdr.txt -w "%{http_code}" "$@" --data-urlencode "token=$(cat viewer.tok)" "$AIV_URL/login"; }
page() { curl -s -o out.html -w "%{http_code}" -b "$1" "$AIV_URL/"; }

test_expect_success 'sign-in from another site, or with no Origin nor Referer, is refused' '
	test "$(login -H "Origin: http://evil.example")" = 403 &&
	! grep -i "^Set-Cookie" hdr.txt &&
	test "$(login -H "Origin: null")" = 403 &&
	test "$(login -H "Referer: http://evil.example/$AIV_PORT/login")" = 403 &&
	test "$(login -H "Origin: http://127.0.0.1:$AIV_PORT.evil.example")" = 403 &&
	test "$(login -H "Origin: https://127.0.0.1:$AIV_PORT")" = 303 &&
	test "$(login)" = 403 &&
	test_grep "posted from this server" out.html &&
	test "$(login -H "Referer: $AIV_URL/login")" = 303
'

test_expect_success SQLITE 'the cookie holds a random session id; the store keeps only its hash' '
	test "$(login -H "Origin: $AIV_URL")" = 303 &&
	sed -n "s/^[Ss]et-[Cc]ookie: aiv_session=\([^;]*\);.*/\1/p" hdr.txt | tr -d "\r" >sid &&
	grep -q "^aivs_[A-Za-z0-9_-]\{43\}$" sid &&
	! grep "$(cat viewer.tok)" hdr.txt &&
	test_grep -i "^Set-Cookie: aiv_session=.*; HttpOnly; SameSite=Strict" hdr.txt &&
	! grep -i "^Set-Cookie:.*Secure" hdr.txt &&
	python3 -S -c "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1]).read().strip().encode()).hexdigest())" sid >want &&
	sqlite3 "$AIVALUE_DB" "SELECT hash FROM sessions" >hashes &&
	test_grep "^$(cat want)$" hashes &&
	! sqlite3 "$AIVALUE_DB" .dump | grep "$(cat sid)" &&
	test "$(page "aiv_session=$(cat sid)")" = 200 &&
	test_grep "Signed in as <strong>v</strong>" out.html
'

test_expect_success 'the token itself in a cookie is no credential' '
	test "$(page "aiv_token=$(cat viewer.tok)")" = 303 &&
	test "$(page "aiv_session=$(cat viewer.tok)")" = 303
'

test_expect_success SQLITE 'sign-in and sign-out are ledger entries without the session id' '
	sid=$(cat sid) &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -b "aiv_session=$sid" "$AIV_URL/logout")" = 303 &&
	test "$(page "aiv_session=$sid")" = 303 &&
	test "$(sqlite3 "$AIVALUE_DB" "SELECT count(*) FROM sessions")" = 2 &&
	aivalue audit log --json >log.json &&
	test "$(json_get log.json "sum(1 for e in d if e[\"action\"] == \"session.create\")")" = 3 &&
	test "$(json_get log.json "sum(1 for e in d if e[\"action\"] == \"session.delete\")")" = 1 &&
	! grep "$sid" log.json &&
	aivalue audit verify
'

test_expect_success 'revoking the token ends its sessions' '
	c=$(login_cookie "$(cat viewer.tok)") &&
	test "$(page "$c")" = 200 &&
	aivalue token revoke v >/dev/null &&
	test "$(page "$c")" = 303
'

test_expect_success 'a token with --expires works until then, then is refused; list shows it' '
	: an absolute expiry 15 s ahead, so that a loaded machine still signs in before it &&
	: the checks that must run before it come first, without a Python start between them &&
	at=$(date -u -d "+15 seconds" +%Y-%m-%dT%H:%M:%SZ) &&
	aivalue token create --name short --role viewer --expires "$at" >short.tok 2>/dev/null &&
	aivalue token list --json >list.json &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat short.tok)" "$AIV_URL/api/v1/whoami") &&
	say "before expiry, bearer: $code" && test "$code" = 200 &&
	c=$(login_cookie "$(cat short.tok)") &&
	test -n "$c" &&
	code=$(page "$c") && say "before expiry, session: $code" && test "$code" = 200 &&
	test "$(json_get list.json "[t[\"state\"] for t in d if t[\"name\"] == \"short\"][0]")" = active &&
	test "$(json_get list.json "[t[\"expires_at\"] for t in d if t[\"name\"] == \"short\"][0]")" = "${at%Z}.000000Z" &&
	python3 -S -c "import datetime as d, time, sys; t = d.datetime.strptime(sys.argv[1], \"%Y-%m-%dT%H:%M:%SZ\").replace(tzinfo=d.timezone.utc); time.sleep(max(0, (t - d.datetime.now(d.timezone.utc)).total_seconds() + 1.5))" "$at" &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat short.tok)" "$AIV_URL/api/v1/whoami") &&
	say "after expiry, bearer: $code" && test "$code" = 401 &&
	code=$(page "$c") && say "after expiry, session: $code" && test "$code" = 303 &&
	aivalue token list >list.txt &&
	test_grep "^short .*expired$" list.txt &&
	aivalue audit log --json >log.json &&
	test "$(json_get log.json "[e[\"payload\"].get(\"expires_at\") is not None for e in d if e[\"action\"] == \"token.create\" and e[\"subject\"] == \"Token/short\"][0]")" = True
'

test_expect_success '--expires refuses what is not a duration or a future time' '
	test_must_fail --exit=2 aivalue token create --name x --role viewer --expires soon 2>err &&
	test_grep "is not a duration" err &&
	test_must_fail --exit=1 aivalue token create --name x --role viewer --expires 2020-01-01T00:00:00Z 2>err &&
	test_grep "must be in the future" err &&
	aivalue token create --name y --role viewer --expires P30D >/dev/null 2>&1 &&
	aivalue token create --name z --role viewer --expires 12h >/dev/null 2>&1 &&
	aivalue token list --json >list.json &&
	cat >span.py <<-\PY &&
	import json, sys
	from datetime import datetime
	t = [x for x in json.load(open("list.json")) if x["name"] == sys.argv[1]][0]
	f = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
	print(round((f(t["expires_at"]) - f(t["created_at"])).total_seconds() / 3600))
	PY
	test "$(python3 -S span.py y)" = 720 &&
	test "$(python3 -S span.py z)" = 12
'

test_done
