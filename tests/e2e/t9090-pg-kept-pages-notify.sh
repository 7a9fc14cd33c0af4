#!/bin/sh
# t9090-pg-kept-pages-notify.sh - two `aivalue serve` on one PostgreSQL
# database (issue 18): a kept page (/phase: its body is kept per store
# state) is answered without asking the database whether the state
# changed: each server listens (LISTEN/NOTIFY, src/store/pg.c) and a
# trigger on the ledger and the decision log notifies every commit that
# touches them.  What server A writes, server B's kept page shows once the
# notification has arrived (waited on, 30 s bound; docs/deploy.md, "Kept
# pages across servers", has the windows).  When B's listening connection
# is killed (pg_terminate_backend), B asks the database again at once: its
# next page already shows the next write, unless B listened again first (a
# second after the loss: on a loaded machine the write and the page can
# take that long), when the write reaches it as a notification.
# Statements counted with AIVALUE_STORE_STATS, not timed.  Needs a
# PostgreSQL 15 server: the one of `make test-pg`, or one started here.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

test_start_pg
DB="aiv_t9090_kept_$$"
if test_have_prereq PG; then
	AIVALUE_DB=$(pg_uri "$DB") && export AIVALUE_DB
fi
AS="$TEST_ROOT/examples/acme/assess"
export AIVALUE_FAKE_TIME=2026-11-25T12:00:00Z

# page URL OUT: the /phase page's body (the part between the layout's
# <main> tags) as the viewer sees it, into OUT
page() {
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$1/phase" >page.raw &&
	sed -n "/<main/,/<\/main>/p" page.raw >"$2" &&
	test -s "$2"
}
answers() {
	curl -s -o /dev/null -w "%{http_code}" -X POST -H "Authorization: Bearer $(cat lead.tok)" \
		--data-binary @"$2" "$1/api/v1/assess/answers"
}
# b_shows FILE: B's /phase is FILE's
b_shows() {
	page "$URLB" b.html &&
	cmp -s "$1" b.html
}
kill_listeners() {
	psql -X -q -d "$(pg_uri "$DB")" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
WHERE datname = current_database() AND application_name = 'aivalue-listen'" >/dev/null
}
none_listening() { test "$(listeners)" = 0; }
listeners() {
	psql -X -A -t -d "$(pg_uri "$DB")" -c "SELECT count(*) FROM pg_stat_activity WHERE \
datname = current_database() AND application_name = 'aivalue-listen'"
}

test_expect_success PG 'one PostgreSQL workspace, two servers on it' '
	pg_create_db "$DB" &&
	aivalue init >/dev/null &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	aivalue token create --name t-lead --role lead >lead.tok 2>/dev/null &&
	aivalue token create --name t-viewer --role viewer >viewer.tok 2>/dev/null &&
	sed -e "/evidence:/d" -e "s/provenance: documented/provenance: stated/" \
		"$AS/readiness.yaml" >stated.yaml &&
	sed "s/choice: 3/choice: 1/" stated.yaml >lower.yaml &&
	start_server --quiet --no-warm &&
	mv "$TEST_DIR/server.log" "$TEST_DIR/serverA.log" &&
	echo "$AIV_URL $AIV_SERVER_PID" >a.srv &&
	start_server --quiet --no-warm --threads 1 &&
	echo "$AIV_URL $AIV_SERVER_PID" >b.srv
'
URLA=$(cut -d" " -f1 a.srv 2>/dev/null) PIDA=$(cut -d" " -f2 a.srv 2>/dev/null)
URLB=$(cut -d" " -f1 b.srv 2>/dev/null) PIDB=$(cut -d" " -f2 b.srv 2>/dev/null)

test_expect_success PG 'B keeps /phase: each server listens; the page again is the same' '
	page "$URLB" before.html &&
	page "$URLB" again.html &&
	test_cmp before.html again.html &&
	page "$URLA" a.html &&
	test_cmp before.html a.html &&
	test "$(listeners)" = 2
'

test_expect_success PG 'answers saved through A: B shows them once notified, as A does at once' '
	test "$(answers "$URLA" stated.yaml)" = 201 &&
	page "$URLA" a1.html &&
	! cmp -s before.html a1.html &&
	wait_until 30 b_shows a1.html
'

test_expect_success PG 'the listeners killed by pg_terminate_backend: B shows the next write at once' '
	kill_listeners &&
	wait_until 30 none_listening &&
	test "$(answers "$URLA" lower.yaml)" = 201 &&
	page "$URLA" a2.html &&
	! cmp -s a1.html a2.html &&
	{
		b_shows a2.html || {
			: B listened again before its page, a second after the loss on a slow machine: the write then &&
			: reaches it as a notification, which may come after the page, as with any listener &&
			test "$(listeners)" -ge 1 &&
			wait_until 30 b_shows a2.html
		}
	} &&
	wait_until 30 grep -q "the listening connection was lost" "$TEST_DIR/server.log"
'

# statements of a one-thread server answering /phase N times, printed:
# without the token's checks (a worker keeps a checked token for 1 s, so
# their number depends on how fast the requests come) and with the kept
# values' 1 s age limit off (AIVALUE_MEMO_MAX_MS=0: kept until notified),
# so that the count does not depend on the machine's speed
served() {
	AIVALUE_STORE_STATS=sql && AIVALUE_MEMO_MAX_MS=0 &&
	export AIVALUE_STORE_STATS AIVALUE_MEMO_MAX_MS &&
	start_server --quiet --no-warm --threads 1 --expire-every PT24H &&
	unset AIVALUE_STORE_STATS AIVALUE_MEMO_MAX_MS &&
	i=0 &&
	while [ $i -lt "$1" ]; do
		page "$AIV_URL" p.html || return 1
		i=$((i + 1))
	done &&
	stop_server &&
	sed -n "s/^aivalue: store: \([0-9]*\) runs: SELECT .* FROM tokens t WHERE t.hash = .*/\1/p" \
		"$TEST_DIR/server.log" >tokens &&
	test -s tokens &&
	r=$(awk "{ n += \$1 } END { print n + 0 }" tokens) &&
	sed -n "s/^aivalue: store: \([0-9]*\) statements$/\1/p" "$TEST_DIR/server.log" >counts &&
	test -s counts &&
	awk -v r="$r" "{ n += \$1 } END { print n - r }" counts
}

# Thirty more requests for a kept page cost no statement each (two before:
# the ledger head and the decision log's last seq; 60 for the thirty).
# Counted without the reads a clock repeats (served): fewer than 30
# whatever the speed (a curl that slept 0.6 s made the thirty take 20 s
# and, with the 1 s limits counted, cost more than 30).
test_expect_success PG 'B listens again; a kept page costs no statement per request' '
	wait_until 30 eval "page \"\$URLB\" b.html && test \"\$(listeners)\" -ge 1" &&
	AIV_SERVER_PID=$PIDB &&
	stop_server &&
	n2=$(served 2) &&
	n32=$(served 32) &&
	echo "statements: /phase twice $n2, 32 times $n32" &&
	test $((n32 - n2)) -lt 30
'

# The kept head is for cache keys only.  With every listening backend
# stopped (SIGSTOP: the notification of another process's commit cannot
# arrive), a server must still check a token or a decision's policies
# against the ledger as it is: a token created, or a policy applied, by
# another process meanwhile is accepted at once (with the kept head, the
# server refused the new token as "changed outside the ledger" and denied,
# fail closed, a decision it must allow, and recorded that denial).  Each
# write follows a page that refreshed what the server keeps (kept for at
# most 1 s), so the old code is caught unless the machine takes over 1 s.
listen_pids() {
	psql -X -A -t -d "$(pg_uri "$DB")" -c "SELECT pid FROM pg_stat_activity WHERE \
datname = current_database() AND application_name = 'aivalue-listen'"
}
decide_as() {
	curl -s -X POST -H "Authorization: Bearer $(cat "$1")" -H "Content-Type: application/json" \
		--data-binary "{\"action\": \"approve_invoice\", \"resource\": \"Invoice::\\\"inv-$2\\\"\", \"context\": {\"confidence\": 0.97, \"amount\": 120}}" \
		"$URLC/api/v1/decide" >"dec-$2.json" &&
	json_get "dec-$2.json" "d[\"decision\"]"
}
test_expect_success PG 'listeners stopped: a token and a policy written by another process count at once' '
	aivalue token create --name ap-key --agent ap-bot >agent.tok 2>/dev/null &&
	start_server --quiet --no-warm --threads 1 &&
	URLC=$AIV_URL &&
	page "$URLC" c.html &&
	test "$(decide_as agent.tok 1)" = allow &&
	wait_until 30 eval "test -n \"\$(listen_pids)\"" &&
	listen_pids >stopped.pids &&
	xargs kill -STOP <stopped.pids &&
	page "$URLC" c.html &&
	aivalue token create --name v2 --role viewer >v2.tok 2>/dev/null &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat v2.tok)" "$URLC/phase") &&
	page "$URLC" c.html &&
	printf "kind: Policy\nname: other-stop\nresource_types: [Invoice]\ncedar: |\n  @id(\"other-stop\")\n  forbid(principal, action == Action::\"approve_invoice\", resource is Invoice) when { context.amount > 100000 };\n" >p.yaml &&
	aivalue apply -f p.yaml >/dev/null &&
	verdict=$(decide_as agent.tok 2) &&
	xargs kill -CONT <stopped.pids &&
	echo "new token: $code, decision: $verdict" &&
	test "$code" = 200 &&
	test "$verdict" = allow &&
	! grep -q "fail closed\|refused token" "$TEST_DIR/server.log" &&
	stop_server
'

# whatever happened above, the stopped backends go on
[ -s stopped.pids ] && xargs kill -CONT <stopped.pids 2>/dev/null

test_expect_success PG 'A stops cleanly; the ledger verifies' '
	AIV_SERVER_PID=$PIDA &&
	stop_server &&
	aivalue audit verify >verify.out &&
	test_grep "^ledger ok: " verify.out
'

test_done
