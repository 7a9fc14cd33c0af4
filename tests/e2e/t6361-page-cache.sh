#!/bin/sh
# Issue 15: /adoption, /journeys and /logs/NAME read every usage event,
# journey or log event (1.3-1.6 s of CPU each on the large demo).  The
# server keeps each page's body for the store state (the evidence cache
# key: the ledger head among others) and the query, for the evidence
# cache's minute: a second visit draws the kept body, a write to the store
# or another query draws it afresh.  /metrics counts hits, misses and
# bodies stored (aivalue_page_cache_total).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

pc() { # hit|miss|stored
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" |
		sed -n "s/^aivalue_page_cache_total{result=\"$1\"} //p"
}
get() {
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL$1"
}

test_expect_success 'setup: the small demo' '
	aivalue_demo demo --size small --dir data >/dev/null &&
	aivalue token create --name adm --role admin >admin.tok
'

# small demo: 24651 usage events, the claims-handling log of 600 cases
test_expect_success 'a second visit draws the kept body: the same page' '
	start_server --no-warm &&
	get /adoption >a1.html &&
	test "$(pc miss)" = 1 && test "$(pc stored)" = 1 && test "$(pc hit)" = 0 &&
	get /adoption >a2.html &&
	test "$(pc hit)" = 1 && test "$(pc miss)" = 1 &&
	test_cmp a1.html a2.html &&
	test_grep "from 24651 usage events" a2.html &&
	get /journeys >j1.html &&
	get /journeys >j2.html &&
	test_cmp j1.html j2.html &&
	test "$(pc hit)" = 2 && test "$(pc miss)" = 2 &&
	stop_server
'

test_expect_success 'another query of a log is another page; an error is not kept' '
	start_server --no-warm &&
	get /logs/claims-handling >l1.html &&
	get "/logs/claims-handling?min_edge=100" >l2.html &&
	test "$(pc miss)" = 2 && test "$(pc hit)" = 0 &&
	get "/logs/claims-handling?min_edge=100" >l3.html &&
	get /logs/claims-handling >l4.html &&
	test "$(pc hit)" = 2 &&
	test_cmp l1.html l4.html &&
	test_cmp l2.html l3.html &&
	test_grep "600" l1.html &&
	test_must_fail test_cmp l1.html l2.html >/dev/null &&
	test_must_fail get /logs/no-such-log >/dev/null 2>&1 &&
	test "$(pc stored)" = 2 && test "$(pc miss)" = 3 &&
	stop_server
'

test_expect_success 'a write to the store draws the page afresh' '
	start_server --no-warm &&
	get /adoption >a3.html &&
	aivalue token create --name other --role viewer >other.tok &&
	get /adoption >a4.html &&
	test "$(pc miss)" = 2 && test "$(pc hit)" = 0 && test "$(pc stored)" = 2 &&
	test_cmp a1.html a4.html &&
	stop_server
'

# /logs, the list of event logs, is kept as well (issue 18: on PostgreSQL
# its one statement was the round trip that kept it over 1.5x SQLite's
# time); an import writes the ledger, so the list is drawn afresh with
# the new log.  On PostgreSQL another process's write reaches the server
# by notification, so the check waits for it (up to 30 s), not a time.
logs_show() { get /logs >l.html && grep -q "$1" l.html; }
test_expect_success 'the list of logs is kept; an import draws it afresh' '
	start_server --no-warm &&
	h0=$(pc hit) && m0=$(pc miss) &&
	get /logs >g1.html &&
	get /logs >g2.html &&
	test_cmp g1.html g2.html &&
	test "$(pc hit)" = $((h0 + 1)) && test "$(pc miss)" = $((m0 + 1)) &&
	test_grep "claims-handling" g2.html &&
	! grep -q "running-example" g2.html &&
	aivalue import cases "$TEST_ROOT/tests/data/eventlogs/running-example.xes" >/dev/null &&
	wait_until 30 logs_show "running-example" &&
	test_grep "claims-handling" l.html &&
	stop_server
'

# /stale likewise: its marks, owners and their kinds change only with a
# ledgered write (a merge, a review, an apply); the review of the small
# demo's one stale item draws it afresh, empty (waited for, as above)
stale_shows() { get /stale >s.html && grep -q "$1" s.html; }
test_expect_success 'the stale marks page is kept, and /metrics says so' '
	start_server --no-warm &&
	h0=$(pc hit) && m0=$(pc miss) &&
	get /stale >s1.html &&
	get /stale >s2.html &&
	test_cmp s1.html s2.html &&
	test_grep "Stale items by owner" s2.html &&
	test "$(pc hit)" = $((h0 + 1)) && test "$(pc miss)" = $((m0 + 1)) &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" >m.txt &&
	grep "^# HELP aivalue_page_cache_total " m.txt >help.txt &&
	test_grep "/stale" help.txt &&
	art=$(sed -n "s/.*<code>aivalue change review \([^ ]*\) --as .*/\1/p" s2.html) &&
	team=$(sed -n "s/.*<section class=\"card owner\"><h2>\([^ ]*\) .*/\1/p" s2.html) &&
	who=$(test_sql "SELECT min(name) FROM people WHERE team = '\''$team'\''") &&
	test -n "$art" && test -n "$who" &&
	aivalue change review "$art" --as "$who" --reason "checked" >/dev/null &&
	wait_until 30 stale_shows "Nothing is stale" &&
	stop_server
'

test_done
