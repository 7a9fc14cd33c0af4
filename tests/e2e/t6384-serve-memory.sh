#!/bin/sh
# Issue 15: `serve` peaked at 0.9-1.1 GiB resident on the large demo,
# most of it the database file SQLite maps into the process (mmap_size
# 1 GiB and a 64 MiB page cache per connection, set for every command).
# serve now gives its connections a smaller window and cache
# (--db-mmap, --db-cache; store_set_memory), read back in /metrics from
# the connection that answers.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

gauge() { # the value of gauge $1 in /metrics
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" |
		sed -n "s/^$1 //p"
}

test_expect_success 'setup: the small demo' '
	aivalue_demo demo --size small --dir data >/dev/null 2>&1 &&
	aivalue token create --name adm --role admin >admin.tok
'

test_expect_success SQLITE 'serve maps nothing and caches 16 MiB per connection by default' '
	start_server --no-warm &&
	test "$(gauge aivalue_store_mmap_bytes)" = 0 &&
	test "$(gauge aivalue_store_cache_bytes)" = 16777216 &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" >o1.html &&
	test_grep "class=\"mfig\"" o1.html &&
	stop_server
'

test_expect_success SQLITE '--db-mmap and --db-cache set them, the pages the same' '
	start_server --no-warm --db-mmap 64 --db-cache 8 &&
	test "$(gauge aivalue_store_mmap_bytes)" = 67108864 &&
	test "$(gauge aivalue_store_cache_bytes)" = 8388608 &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" >o2.html &&
	test_cmp o1.html o2.html &&
	stop_server
'

test_expect_success !SQLITE 'PostgreSQL: no SQLite memory gauges, the options accepted' '
	start_server --no-warm --db-mmap 64 --db-cache 8 &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" >m.txt &&
	test_grep "aivalue_build_info" m.txt &&
	! grep -q "aivalue_store_mmap_bytes" m.txt &&
	stop_server
'

test_expect_success 'a size out of range is refused before serving' '
	test_must_fail --exit=2 aivalue serve --db-mmap -1 2>err &&
	test_grep "db-mmap takes MiB from 0 to 2047" err &&
	: beyond 2047 MiB SQLite would cap the window without a word &&
	test_must_fail --exit=2 aivalue serve --db-mmap 4096 2>err &&
	test_grep "db-mmap takes MiB from 0 to 2047" err &&
	: a page cache of nothing is not a setting &&
	test_must_fail --exit=2 aivalue serve --db-cache 0 2>err &&
	test_grep "db-cache takes MiB from 1 to 1048576" err
'

test_done
