#!/bin/sh
# `aivalue serve` keeps the playbook cache warm: without any page request
# the warmer computes the playbook once (a miss, then stored), and a page
# fetched afterwards is served from that computation (a hit, no new miss).
# --no-warm leaves the cache alone until a page asks.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

cache() { # hit|miss|stored
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" |
		sed -n "s/^aivalue_playbook_cache_total{result=\"$1\"} //p"
}

test_expect_success 'setup: a small demo workspace' '
	aivalue_demo demo --size small --seed 3 --dir data >/dev/null &&
	aivalue token create --name adm --role admin >admin.tok
'

test_expect_success 'the warmer computes the playbook before any page asks' '
	start_server &&
	i=0 && while [ "$(cache stored)" != 1 ] && [ $i -lt 600 ]; do sleep 0.1 && i=$((i + 1)) || return 1; done &&
	test "$(cache stored)" = 1 && test "$(cache miss)" = 1 &&
	curl -fsS -o /dev/null -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" &&
	test "$(cache miss)" = 1 && test "$(cache hit)" -ge 1 &&
	stop_server
'

test_expect_success 'with --no-warm nothing is computed until a page asks' '
	start_server --no-warm && sleep 1 &&
	test "$(cache miss)" = 0 &&
	curl -fsS -o /dev/null -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" &&
	test "$(cache miss)" = 1 && test "$(cache stored)" = 1 &&
	stop_server
'

test_done
