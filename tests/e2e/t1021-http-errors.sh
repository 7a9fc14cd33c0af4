#!/bin/sh
# t1021-http-errors - protocol edges: over-long targets and heads answered
# as our JSON errors (and what libmicrohttpd answers itself beyond its
# memory pool, with its own fixed HTML), a case-insensitive Bearer scheme,
# pagination cursors that are not whole numbers in range refused with
# 400, and a 404 whose body is always a JSON error object, never `null`.
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1
aivalue token create --name v --role viewer >viewer.tok 2>/dev/null
start_server --quiet

# get PATH [curl args] -> status; body in out.json, head in hdr.txt
get() { p=$1 && shift && curl -s -o out.json -D hdr.txt -w "%{http_code}" "$@" "$AIV_URL$p"; }
is_error() {
	json_get out.json "d[\"error\"][\"status\"]" >st.txt &&
	test "$(cat st.txt)" = "$1" &&
	test "$(json_get out.json "d[\"error\"][\"code\"]")" = "$2"
}

test_expect_success 'a 20 KB request target: 414 as a JSON error' '
	long=$(python3 -S -c "print(\"a\" * 20000)") &&
	test "$(get "/$long")" = 414 &&
	is_error 414 uri_too_long &&
	test_grep "request target of 20001 bytes is over the limit of 8192 bytes" out.json &&
	test_grep -i "^Content-Type: application/json" hdr.txt
'

test_expect_success 'a 40 KB request head: 431 as a JSON error' '
	big=$(python3 -S -c "print(\"b\" * 40000)") &&
	test "$(get /healthz -H "X-Big: $big")" = 431 &&
	is_error 431 header_fields_too_large &&
	test_grep "over the limit of 32768 bytes" out.json
'

test_expect_success 'a head of 600 small fields (17 KB, within our limit) is answered, not refused by the pool' '
	python3 -S -c "
for i in range(600):
    print(\"X-F%d: %s\" % (i, \"v\" * 20))
" >fields.txt &&
	test "$(get /healthz -H @fields.txt)" = 200
'

test_expect_success 'beyond the 64 KiB pool libmicrohttpd answers 414 itself (fixed HTML, documented)' '
	python3 -S -c "
import socket, sys
s = socket.create_connection((\"127.0.0.1\", int(sys.argv[1])))
s.sendall(b\"GET /\" + b\"a\" * 200000 + b\" HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n\")
data = b\"\"
while True:
    c = s.recv(65536)
    if not c:
        break
    data += c
print(data.decode(\"latin-1\"))
" "$AIV_PORT" >raw.txt &&
	test_grep "^HTTP/1.1 414" raw.txt &&
	test_grep "Request too big" raw.txt
'

test_expect_success 'a malformed Content-Length: 400 from libmicrohttpd, the server goes on' '
	test "$(get /login -X POST -H "Content-Length: abc")" = 400 &&
	test "$(get /healthz)" = 200
'

test_expect_success 'the Bearer scheme is case-insensitive; other schemes are refused' '
	for scheme in Bearer bearer BEARER bEaReR; do
		test "$(get /api/v1/whoami -H "Authorization: $scheme $(cat viewer.tok)")" = 200 ||
		{ echo "scheme $scheme refused"; exit 1; }
	done &&
	test "$(json_get out.json "d[\"name\"]")" = v &&
	test "$(get /api/v1/whoami -H "Authorization: Basic $(cat viewer.tok)")" = 401 &&
	test "$(get /api/v1/whoami -H "Authorization: Bearer$(cat viewer.tok)")" = 401
'

test_expect_success 'a cursor or limit that is not a whole number in range: 400' '
	A="Authorization: Bearer $(cat viewer.tok)" &&
	for q in cursor=99999999999999999999 cursor=-1 cursor=%2B5 cursor=%205 cursor=5x \
		 cursor= limit=0 limit=1001 limit=1e3; do
		test "$(get "/api/v1/decisions?$q" -H "$A")" = 400 &&
		is_error 400 bad_request || { echo "query $q not refused"; exit 1; }
	done &&
	test "$(get "/api/v1/decisions?cursor=9223372036854775807" -H "$A")" = 200 &&
	test "$(get "/api/v1/decisions?cursor=0&limit=1000" -H "$A")" = 200
'

test_expect_success 'a 404 body is a JSON error object, also for bytes that are not UTF-8' '
	for p in /%ff /nope/%c3%28 /%ed%a0%80 /api/v1/people/%fe; do
		code=$(get "$p" -H "Authorization: Bearer $(cat viewer.tok)") &&
		test "$code" = 404 &&
		is_error 404 not_found || { echo "path $p: $(cat out.json)"; exit 1; }
	done &&
	get /%ff >/dev/null && test_grep "no such path ./?." out.json
'

test_done
