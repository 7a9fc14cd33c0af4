#!/bin/sh
# t0124-session-bound.sh - dashboard sessions are bound to the ledger.
#
# A session row only carries its token's power, but whoever can write the
# database could add one for an existing admin token, with an id they
# know, and sign in with it.  From this version the session.create entry
# records the stored hash of the session (a hash of the id, not the id),
# so `audit verify` matches every sessions row to its entry, and a session
# is checked on use like a token: a row the ledger did not create, or
# whose expiry was moved past the ledger's, authenticates nobody.
. "$(dirname "$0")/lib.sh"

# a session id we know, and its stored hash
SQ="'" # a single quote, for Python reprs
FORGED=aivs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
FORGED_HASH=$(printf %s "$FORGED" | sha256sum | cut -c1-64)

# get_status COOKIE: the HTTP status of a dashboard read with that cookie
get_status() {
	curl -s -o /dev/null -w "%{http_code}" -b "$1" "$AIV_URL/api/v1/people"
}

aivalue init >/dev/null 2>&1
aivalue token create --name ada --role admin >ada.tok 2>/dev/null
start_server --quiet

test_expect_success 'set up: an admin token signs in to the dashboard' '
	login_cookie "$(cat ada.tok)" >cookie &&
	test_grep "^aiv_session=aivs_" cookie &&
	test "$(get_status "$(cat cookie)")" = 200
'

test_expect_success 'session.create records the stored hash of the session, never its id' '
	aivalue audit log --json >log.json &&
	sid=$(sed "s/^aiv_session=//" cookie) &&
	hash=$(printf %s "$sid" | sha256sum | cut -c1-64) &&
	test "$(json_get log.json "[e[\"payload\"].get(\"session_sha256\") for e in d if e[\"action\"] == \"session.create\"]")" = "[${SQ}$hash${SQ}]" &&
	test "$(test_sql "SELECT hash FROM sessions")" = "$hash" &&
	test_must_fail grep -q "$sid" log.json &&
	aivalue audit verify >ok.out &&
	test_grep "^state ok: " ok.out
'

test_expect_success 'a session row added behind the ledger for the admin token does not authenticate' '
	test_sql "INSERT INTO sessions(hash, token_id, created_at, expires_at)
		SELECT '\''$FORGED_HASH'\'', id, '\''2026-01-01T00:00:00.000000Z'\'',
		'\''2099-01-01T00:00:00.000000Z'\'' FROM tokens WHERE name = '\''ada'\''" &&
	test "$(get_status "aiv_session=$FORGED")" = 401 &&
	test_grep "^aivalue: refused a session of token .ada.: no ledger entry created it, or one ended it; the sessions table was changed outside the ledger" "$TEST_DIR/server.log" &&
	test "$(get_status "$(cat cookie)")" = 200
'

test_expect_success 'signing out ends the session: its row put back authenticates nobody' '
	test_sql "SELECT * FROM sessions WHERE hash <> '\''$FORGED_HASH'\''" >row &&
	curl -s -o /dev/null -b "$(cat cookie)" "$AIV_URL/logout" &&
	test "$(get_status "$(cat cookie)")" = 401 &&
	test_sql "INSERT INTO sessions SELECT * FROM (SELECT '\''$(cut -d"|" -f1 row)'\'',
		$(cut -d"|" -f2 row), '\''$(cut -d"|" -f3 row)'\'', '\''$(cut -d"|" -f4 row)'\'') AS r" &&
	test "$(get_status "$(cat cookie)")" = 401 &&
	test_grep "refused a session of token .ada.: no ledger entry created it, or one ended it" "$TEST_DIR/server.log" &&
	aivalue audit log --json >log2.json &&
	test "$(json_get log2.json "[e[\"action\"] for e in d][0]")" = session.delete
'

test_expect_success 'audit verify names the rows the ledger did not create' '
	test_must_fail aivalue audit verify >bad.out 2>bad.err &&
	test_grep "^error: table sessions, row ada/$(echo "$FORGED_HASH" | cut -c1-12)\.\.\.: no session.create entry recorded this session, or a session.delete ended it$" bad.err &&
	test_grep "^error: table sessions, row ada/.*: no session.create entry recorded this session, or a session.delete ended it$" bad.err &&
	test_grep "state verification failed: 2 differences " bad.err
'

test_expect_success 'a real session whose expiry was moved behind the ledger is named' '
	test_sql "DELETE FROM sessions" &&
	login_cookie "$(cat ada.tok)" >cookie2 &&
	test_sql "UPDATE sessions SET expires_at = '\''2099-01-01T00:00:00.000000Z'\''" &&
	test_must_fail aivalue audit verify >exp.out 2>exp.err &&
	test_grep "^error: table sessions, row ada/.*: it expires at 2099-01-01T00:00:00.000000Z but the ledger says 20.* (entry [0-9]*)$" exp.err &&
	test "$(get_status "$(cat cookie2)")" = 200
'

test_expect_success 'a deleted session row is reported missing while the ledger says it lives' '
	test_sql "DELETE FROM sessions" &&
	test_must_fail aivalue audit verify >gone.out 2>gone.err &&
	test_grep "^error: table sessions, row ada: missing: session.create entry [0-9]* recorded a session that has not expired$" gone.err
'

test_done
