#!/bin/sh
# API tokens: shown once, stored hashed, recorded in the ledger.
. "$(dirname "$0")/lib.sh"

test_expect_success 'create prints the token once and stores only its hash' '
	aivalue init &&
	aivalue token create --name ci --role viewer >tok 2>msg &&
	test_grep "^aiv_[A-Za-z0-9_-]\{43\}$" tok &&
	test_grep "shown only once" msg &&
	test_sql "SELECT * FROM tokens" >rows &&
	! grep -F "$(cat tok)" rows &&
	test_sql "SELECT hash FROM tokens WHERE name = '\''ci'\''" >h &&
	test "$(cat h)" = "$(printf %s "$(cat tok)" | sha256sum | cut -d" " -f1)"
'
test_expect_success 'the ledger records name and role, never the secret' '
	aivalue audit log -n 1 --json >l.json &&
	test "$(json_get l.json "d[0][\"action\"]")" = token.create &&
	! grep -F "$(cat tok)" l.json
'
test_expect_success 'duplicate names and unknown roles are refused' '
	test_must_fail --exit=1 aivalue token create --name ci --role admin 2>err &&
	test_grep "already exists" err &&
	test_must_fail --exit=2 aivalue token create --name x --role emperor 2>err &&
	test_grep "unknown role" err
'
test_expect_success 'list and revoke' '
	aivalue token list >out && test_grep "^ci  *viewer .* active" out &&
	aivalue token revoke ci && aivalue token list | test_grep "revoked" &&
	test_must_fail aivalue token revoke ci
'
test_done
