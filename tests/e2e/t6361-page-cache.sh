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

test_done
