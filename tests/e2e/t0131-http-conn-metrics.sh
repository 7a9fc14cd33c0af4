#!/bin/sh
# t0131-http-conn-metrics - /metrics counts what the connection guards do:
# connections open now, connections refused by the per-address limit, and
# connections closed at the header deadline, as Prometheus text with HELP
# and TYPE lines.  Two idle connections fill a per-address limit of 2, a
# third is refused, the first two are cut at the 1 s head deadline, and the
# counters say exactly that.  Loopback only, about 3 seconds.
. "$(dirname "$0")/lib.sh"

aivalue init >/dev/null 2>&1
aivalue token create --name view --role viewer >viewer.tok 2>/dev/null
start_server --quiet --max-conns-per-ip 2 --header-timeout 1

metric() {
	sed -n "s/^$1 \([0-9][0-9]*\)\$/\1/p" metrics.txt
}

test_expect_success 'a fresh server: the connection counters are there, with HELP and TYPE' '
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics" >metrics.txt &&
	test_grep "^# TYPE aivalue_http_connections_open gauge$" metrics.txt &&
	test_grep "^# HELP aivalue_http_connections_open " metrics.txt &&
	test_grep "^# TYPE aivalue_http_connections_refused_total counter$" metrics.txt &&
	test_grep "^# HELP aivalue_http_connections_refused_total " metrics.txt &&
	test_grep "^# TYPE aivalue_http_connections_closed_total counter$" metrics.txt &&
	test "$(metric "aivalue_http_connections_open")" = 1 &&
	test "$(metric "aivalue_http_connections_refused_total{reason=\"per_ip\"}")" = 0 &&
	test "$(metric "aivalue_http_connections_closed_total{reason=\"header_deadline\"}")" = 0
'

test_expect_success 'two idle connections fill the per-address limit, a third is refused, both are cut at the head deadline' '
	cat >hold.py <<-\PY &&
	import socket, sys, time
	port = int(sys.argv[1])
	time.sleep(0.3)  # the curl before has closed its connection
	held = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
	time.sleep(0.3)
	third = socket.create_connection(("127.0.0.1", port))
	third.settimeout(2)
	try:
	    third.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	    got = third.recv(100)
	except OSError:
	    got = b""
	print("third:", "refused" if got == b"" else got[:12].decode())
	# the two held ones send nothing: the server closes them at the 1 s deadline
	for s in held:
	    s.settimeout(3)
	    try:
	        print("held:", "closed" if s.recv(100) == b"" else "answered")
	    except OSError:
	        print("held: closed")
	PY
	python3 -S hold.py "$AIV_PORT" >hold.out &&
	cat hold.out &&
	test "$(grep -c "^held: closed$" hold.out)" = 2 &&
	test_grep "^third: refused$" hold.out &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics" >metrics.txt &&
	test "$(metric "aivalue_http_connections_refused_total{reason=\"per_ip\"}")" = 1 &&
	test "$(metric "aivalue_http_connections_closed_total{reason=\"header_deadline\"}")" = 2 &&
	test "$(metric "aivalue_http_connections_open")" = 1
'

test_done
