#!/bin/sh
# Issue 15: the first overview after a restart computed the playbook on one
# thread (1.7-2.1 s of CPU on the large demo).  The loads that do not
# depend on each other now run on two: the hypotheses and the event-log
# and journey caches on a side thread with its own read connection, the
# usage table and the cost on the computing one.  The figures are the
# same: the pages of a cold server, the playbook's commands, and the
# side's work is counted in /metrics.  AIVALUE_PLAYBOOK_ONE_THREAD=1 is
# the one-thread computation of before.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

side() { # used|redone of aivalue_playbook_side_total in /metrics
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" |
		sed -n "s/^aivalue_playbook_side_total{result=\"$1\"} //p"
}
pages() { # the playbook's pages of a cold server into $1.*
	for p in / /phase /findings /roadmap /value; do
		curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL$p" >"$1.$(echo "$p" | tr / _)" ||
			return 1
	done
}

test_expect_success 'setup: the small demo (usage, journeys, event logs, hypotheses)' '
	aivalue_demo demo --size small --dir data >/dev/null 2>&1 &&
	aivalue token create --name adm --role admin >admin.tok &&
	aivalue evidence --json >ev.json &&
	test "$(json_get ev.json "len(d[\"hypotheses\"])")" -gt 0
'

test_expect_success 'a cold server on one thread: nothing on the side' '
	AIVALUE_PLAYBOOK_ONE_THREAD=1 start_server --no-warm &&
	pages one &&
	test "$(side used)" = 0 &&
	test "$(side redone)" = 0 &&
	stop_server
'

test_expect_success 'a cold server on two threads: the same pages, the side used once' '
	start_server --no-warm &&
	pages two &&
	test "$(side used)" = 1 &&
	test "$(side redone)" = 0 &&
	for p in _ _phase _findings _roadmap _value; do
		test_cmp one.$p two.$p || return 1
	done &&
	stop_server
'

test_expect_success 'the commands print the same figures on one thread and on two' '
	for c in "findings --json" "phase --json" "roadmap --json" "metrics --json"; do
		AIVALUE_PLAYBOOK_ONE_THREAD=1 aivalue $c >one.out &&
		aivalue $c >two.out &&
		test_cmp one.out two.out || return 1
	done
'

test_done
