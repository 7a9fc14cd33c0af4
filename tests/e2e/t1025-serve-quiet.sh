#!/bin/sh
# t1025-serve-quiet - `serve --quiet` writes no access log.  main takes
# --quiet wherever it stands as the global option (no progress display),
# so serve's own --quiet never reached serve: the access log went on and
# every benchmark that starts `serve --quiet` (bench_decide_http,
# bench_gateway) measured a log line per request, and printed thousands of
# them into bench/results.md.  -q, serve's short form, is checked too.
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1

test_expect_success 'without --quiet: one access-log line per request' '
	start_server &&
	curl -fsS -o /dev/null "$AIV_URL/healthz" &&
	curl -fsS -o /dev/null "$AIV_URL/healthz" &&
	stop_server &&
	test_grep "^serving http://127.0.0.1:$AIV_PORT/" server.log &&
	test "$(grep -c "^GET /healthz 200 " server.log)" -ge 2
'

test_expect_success '--quiet: the server says it is serving, and logs no request' '
	start_server --quiet &&
	curl -fsS -o /dev/null "$AIV_URL/healthz" &&
	curl -fsS -o /dev/null "$AIV_URL/api/v1/openapi.json" &&
	stop_server &&
	test_grep "^serving http://127.0.0.1:$AIV_PORT/" server.log &&
	test_grep "^stopped" server.log &&
	! grep -q "^GET " server.log
'

test_expect_success '-q: the same' '
	start_server -q &&
	curl -fsS -o /dev/null "$AIV_URL/healthz" &&
	stop_server &&
	test_grep "^serving http://127.0.0.1:$AIV_PORT/" server.log &&
	! grep -q "^GET " server.log
'

test_done
