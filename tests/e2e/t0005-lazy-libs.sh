#!/bin/sh
# t0005-lazy-libs.sh - aivalue does not load libmicrohttpd, libcurl,
# libcjose and libpq at start: only serve, single sign-on, the gateway's
# HTTP upstreams and a postgresql:// workspace use them, and
# http/mhd_lazy.c, http/oidc_lazy.c and store/pg_lazy.c open them the
# first time they do (core/lazy.h).  Mapping them and the thirty libraries they pull in cost
# about 18 ms of CPU at every start of every command (docs/testing.md,
# "Timing"); the suite starts aivalue thousands of times.  When one
# cannot be opened, aivalue says which library and symbol: single sign-on
# then fails as it does when the provider cannot be reached, and serve
# does not start.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the program does not need libmicrohttpd, libcurl, libcjose or libpq to start' '
	readelf -d "$AIVALUE_BIN" >dynamic &&
	test_grep "(NEEDED).*libsqlite3" dynamic &&
	! grep "(NEEDED).*libmicrohttpd" dynamic &&
	! grep "(NEEDED).*libcurl" dynamic &&
	! grep "(NEEDED).*libcjose" dynamic &&
	! grep "(NEEDED).*libpq" dynamic &&
	ldd "$AIVALUE_BIN" >ldd.out &&
	test_grep "libjansson" ldd.out &&
	! grep "libmicrohttpd\|libgnutls\|libcurl\|libcjose\|libpq\|libkrb5\|libldap" ldd.out
'

test_expect_success 'a libcurl without its functions: serve names the library and the symbol, and keeps serving' '
	mkdir stub &&
	printf "int aiv_stub;\n" >stub/stub.c &&
	${CC:-cc} -shared -fPIC -o stub/libcurl.so.4 stub/stub.c &&
	aivalue init >/dev/null &&
	echo secret >secret &&
	printf "rules:\n  - {claim: groups, value: x, role: admin}\n" >roles.yaml &&
	{ LD_LIBRARY_PATH="$TEST_DIR/stub" "$AIVALUE_BIN" serve --listen 127.0.0.1:0 \
		--oidc-issuer http://127.0.0.1:1 --oidc-client-id a --oidc-client-secret-file secret \
		--oidc-redirect http://127.0.0.1:9/login/sso/callback --oidc-role-map roles.yaml \
		>serve.log 2>&1 & } &&
	pid=$! &&
	i=0 &&
	while ! grep -q "^serving http" serve.log; do
		i=$((i + 1)) &&
		test $i -lt 400 &&
		sleep 0.05 || { cat serve.log; kill $pid; return 1; }
	done &&
	kill $pid &&
	{ wait $pid || :; } &&
	test_grep "single sign-on cannot load its libraries: curl_global_init: .*stub/libcurl.so.4: undefined symbol: curl_global_init" serve.log &&
	test "$(grep -c "cannot load its libraries" serve.log)" = 1 &&
	test_grep "^warning: cannot start an HTTP client (retried at the first sign-in)" serve.log
'

test_expect_success 'a libmicrohttpd without its functions: serve names the library and the symbol, and does not start' '
	printf "int aiv_stub;\n" >stub/stub.c &&
	${CC:-cc} -shared -fPIC -o stub/libmicrohttpd.so.12 stub/stub.c &&
	test_must_fail env LD_LIBRARY_PATH="$TEST_DIR/stub" "$AIVALUE_BIN" serve --listen 127.0.0.1:0 \
		>mhd.log 2>&1 &&
	test_grep "serve cannot load its libraries: MHD_start_daemon_va: .*stub/libmicrohttpd.so.12: undefined symbol: MHD_start_daemon_va" mhd.log &&
	! grep "^serving" mhd.log
'

test_expect_success 'a libpq without its functions: a postgresql:// workspace names it, SQLite works' '
	printf "int aiv_stub;\n" >stub/stub.c &&
	${CC:-cc} -shared -fPIC -o stub/libpq.so.5 stub/stub.c &&
	test_must_fail env LD_LIBRARY_PATH="$TEST_DIR/stub" "$AIVALUE_BIN" \
		--db postgresql://aivalue@127.0.0.1:1/aivalue audit verify >pq.log 2>&1 &&
	test_grep "a postgresql:// workspace cannot load its libraries: PQclear: .*stub/libpq.so.5: undefined symbol: PQclear" pq.log &&
	test_grep "cannot open database .postgresql://aivalue@127.0.0.1:1/aivalue.: the PostgreSQL client library is not available" pq.log &&
	LD_LIBRARY_PATH="$TEST_DIR/stub" "$AIVALUE_BIN" --db lazy.db init >sqlite.log 2>&1 &&
	LD_LIBRARY_PATH="$TEST_DIR/stub" "$AIVALUE_BIN" --db lazy.db audit verify >>sqlite.log 2>&1 &&
	test_grep "^ledger ok" sqlite.log &&
	! grep "cannot load" sqlite.log
'

test_done
