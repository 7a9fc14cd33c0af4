#!/bin/sh
# t9080-pg-kill-servers.sh - issue 18's "Done when" scenario, short: three
# `aivalue serve` on one PostgreSQL database, agents deciding through all
# three for ~10 s (tests/pg/decide-load), and three times one server killed
# with kill -9 and started again on its port (tests/pg/fault-campaign, the
# same script `make test-pg-faults` runs for 60 s and 20 kills).  Then:
# every decision answered 200 is in the log (by id), the decisions logged
# beyond those answered 200 are at most the requests that were in flight
# when a server died (no answer, or a 5xx: their commit may or may not have
# happened), the other servers kept answering, each server group-commits
# (a ledger entry holds several decisions), and audit verify is clean.
# Runs under `make test-pg` (AIVALUE_TEST_PG set); skipped by plain
# `make test`, to keep it fast.
. "$(dirname "$0")/lib.sh"

fig() { sed -n "s/^$1 //p" camp/figures; }

test_expect_success PG '3 servers, 10 s of decisions, 3 kills -9: the campaign checks pass' '
	"$TEST_ROOT/tests/pg/fault-campaign" "$TEST_DIR/camp" 3 10 3 6 >camp.out 2>camp.err &&
	cat camp.out
'

test_expect_success PG 'figures: answered 200 all logged, kills done, no 500, verify clean' '
	test "$(fig kills)" = 3 &&
	test "$(fig answered_not_logged)" = 0 &&
	test "$(fig other_status)" = 0 &&
	test "$(fig verify_exit)" = 0 &&
	test "$(fig ok)" -gt 20 &&
	test "$(fig logged)" -ge "$(fig ok)" &&
	test $(($(fig logged) - $(fig ok))) -le $(($(fig no_answer) + $(fig unavailable))) &&
	test_grep "^ledger ok: " camp/verify.out
'

test_expect_success PG 'group commit on PostgreSQL: fewer ledger entries than decisions' '
	test "$(fig max_batch)" -ge 2 &&
	test "$(fig ledger_entries)" -lt "$(fig logged)"
'

test_done
