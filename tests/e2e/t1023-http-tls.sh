#!/bin/sh
# t1023-http-tls - `serve --tls-cert FILE --tls-key FILE` speaks HTTPS
# through libmicrohttpd's GnuTLS support: a self-signed certificate made
# here by openssl, checked by curl --cacert; the session cookie is Secure;
# plain HTTP on the port gets no answer; bad key files fail at start.
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1
aivalue token create --name v --role viewer >viewer.tok 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
	-keyout key.pem -out cert.pem >/dev/null 2>&1

# like start_server, over HTTPS
start_tls() {
	AIV_PORT=$(python3 -S -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()') || return 1
	"$AIVALUE_BIN" serve --listen "127.0.0.1:$AIV_PORT" --quiet "$@" >server.log 2>&1 &
	AIV_SERVER_PID=$! &&
	AIV_URL="https://127.0.0.1:$AIV_PORT" &&
	i=0 &&
	while ! curl -fsS --cacert cert.pem "$AIV_URL/healthz" >/dev/null 2>&1; do
		i=$((i + 1)) &&
		if [ $i -gt 600 ] || ! kill -0 $AIV_SERVER_PID 2>/dev/null; then
			sed 's/^/#   /' server.log
			return 1
		fi &&
		sleep 0.05 || return 1
	done
}

start_tls --tls-cert cert.pem --tls-key key.pem

test_expect_success 'HTTPS with the certificate: healthz, whoami, the URL printed' '
	test -s cert.pem && test -s key.pem &&
	test_grep "^serving https://127.0.0.1:$AIV_PORT/" server.log &&
	test "$(curl -s -o out.json -w "%{http_code}" --cacert cert.pem "$AIV_URL/healthz")" = 200 &&
	test "$(curl -s -o out.json -w "%{http_code}" --cacert cert.pem -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/api/v1/whoami")" = 200 &&
	test "$(json_get out.json "d[\"name\"]")" = v
'

test_expect_success 'a client that does not trust the certificate, or speaks plain HTTP, gets nothing' '
	test_must_fail curl -s -o /dev/null "$AIV_URL/healthz" &&
	test "$(curl -s -o /dev/null -m 5 -w "%{http_code}" "http://127.0.0.1:$AIV_PORT/healthz")" = 000
'

test_expect_success 'over HTTPS the session cookie is Secure; sign-in wants an https Origin' '
	test "$(curl -s -o /dev/null -D hdr.txt -w "%{http_code}" --cacert cert.pem -H "Origin: $AIV_URL" --data-urlencode "token=$(cat viewer.tok)" "$AIV_URL/login")" = 303 &&
	test_grep -i "^Set-Cookie: aiv_session=aivs_.*; HttpOnly; SameSite=Strict; Secure" hdr.txt &&
	test "$(curl -s -o /dev/null -w "%{http_code}" --cacert cert.pem -H "Origin: http://127.0.0.1:$AIV_PORT" --data-urlencode "token=$(cat viewer.tok)" "$AIV_URL/login")" = 403
'

test_expect_success 'a missing key, a non-PEM file, or a certificate alone: refused at start' '
	test_must_fail --exit=1 aivalue serve --listen 127.0.0.1:0 --tls-cert cert.pem --tls-key nope.pem 2>err &&
	test_grep "cannot read TLS key .nope.pem." err &&
	echo hello >bad.pem &&
	test_must_fail --exit=1 aivalue serve --listen 127.0.0.1:0 --tls-cert bad.pem --tls-key key.pem 2>err &&
	test_grep "is not a PEM file" err &&
	test_must_fail --exit=2 aivalue serve --listen 127.0.0.1:0 --tls-cert cert.pem 2>err &&
	test_grep "go together" err
'

test_done
