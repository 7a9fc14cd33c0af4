#!/bin/sh
# t0132-http-trust-proxy - the Secure cookie behind a TLS-terminating proxy.
#
# Behind a proxy that ends TLS, aivalue itself speaks plain HTTP and cannot
# see that the browser used HTTPS.  `serve --trust-proxy IP` believes the
# proxy's "X-Forwarded-Proto: https", and only from that peer address:
# then the session cookie is Secure.  The same header from any other peer
# changes nothing (anyone can send it).
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1
aivalue token create --name view --role viewer >viewer.tok 2>/dev/null

# login_headers ORIGIN [CURL ARGS...]: sign in, print the response head
login_headers() {
	origin=$1 &&
	shift &&
	curl -s -o /dev/null -D - -H "Origin: $origin" --data-urlencode "token=$(cat viewer.tok)" \
		"$@" "$AIV_URL/login" | tr -d '\r'
}

start_server --quiet --trust-proxy 127.0.0.1

test_expect_success 'from the trusted proxy, X-Forwarded-Proto: https makes the cookie Secure' '
	login_headers "https://127.0.0.1:$AIV_PORT" -H "X-Forwarded-Proto: https" >trusted.h &&
	test_grep "^[Ss]et-[Cc]ookie: aiv_session=aivs_[A-Za-z0-9_-]*; .*HttpOnly; SameSite=Strict; Secure$" trusted.h
'

test_expect_success 'from the trusted proxy without the header (plain HTTP): not Secure' '
	login_headers "$AIV_URL" >plain.h &&
	test_grep "^[Ss]et-[Cc]ookie: aiv_session=" plain.h &&
	test_must_fail grep -q "Secure" plain.h
'

test_expect_success 'from another peer, the same header is ignored: not Secure' '
	stop_server &&
	start_server --quiet --trust-proxy 10.9.9.9 &&
	login_headers "$AIV_URL" -H "X-Forwarded-Proto: https" >untrusted.h &&
	test_grep "^[Ss]et-[Cc]ookie: aiv_session=" untrusted.h &&
	test_must_fail grep -q "Secure" untrusted.h
'

test_expect_success 'without --trust-proxy the header is ignored too' '
	stop_server &&
	start_server --quiet &&
	login_headers "$AIV_URL" -H "X-Forwarded-Proto: https" >none.h &&
	test_grep "^[Ss]et-[Cc]ookie: aiv_session=" none.h &&
	test_must_fail grep -q "Secure" none.h
'

test_expect_success '--trust-proxy must be an IP address' '
	stop_server &&
	test_must_fail aivalue serve --listen 127.0.0.1:0 --trust-proxy proxy.example 2>bad.err &&
	test_grep "trusted proxy must be an IP address" bad.err
'

test_done
