#!/bin/sh
# t0131-http-conn-metrics - /metrics counts what the connection guards do:
# connections open now, connections refused by the per-address limit, and
# connections closed at the header deadline, as Prometheus text with HELP
# and TYPE lines.  Two idle connections fill a per-address limit of 2, a
# third is refused, the first two are cut at the 1 s head deadline, and the
# counters say exactly that.  Loopback only, about 5 seconds.
#
# Under load the server may account a closed connection a moment late: the
# held connections come from an address of their own (127.0.0.5), so the
# curl before them cannot fill the limit, and the gauge is read once it
# has settled (the reading's own connection: 1).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

aivalue init >/dev/null 2>&1
aivalue token create --name view --role viewer >viewer.tok 2>/dev/null
start_server --quiet --max-conns-per-ip 2 --header-timeout 3

metric() {
	sed -n "s/^$1 \([0-9][0-9]*\)\$/\1/p" metrics.txt
}
# open_settled: the metrics in metrics.txt, read when the only connection
# open is the reading's own (start_server's and earlier probes' closed)
open_settled_() {
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/metrics" >metrics.txt &&
	test "$(metric "aivalue_http_connections_open")" = 1
}
open_settled() {
	wait_until 30 open_settled_
}

test_expect_success 'a fresh server: the connection counters are there, with HELP and TYPE' '
	open_settled &&
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
	def conn():  # from an address no earlier connection used
	    return socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.5", 0))
	held = [conn() for _ in range(2)]
	time.sleep(0.3)
	third = conn()
	third.settimeout(2)
	try:
	    third.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	    got = third.recv(100)
	except OSError:
	    got = b""
	print("third:", "refused" if got == b"" else got[:12].decode())
	# the two held ones send nothing: the server closes them at the 3 s deadline
	for s in held:
	    s.settimeout(20)
	    try:
	        print("held:", "closed" if s.recv(100) == b"" else "answered")
	    except socket.timeout:
	        print("held: still open")
	    except OSError:
	        print("held: closed")
	PY
	python3 -S hold.py "$AIV_PORT" >hold.out &&
	cat hold.out &&
	test "$(grep -c "^held: closed$" hold.out)" = 2 &&
	test_grep "^third: refused$" hold.out &&
	open_settled &&
	test "$(metric "aivalue_http_connections_refused_total{reason=\"per_ip\"}")" = 1 &&
	test "$(metric "aivalue_http_connections_closed_total{reason=\"header_deadline\"}")" = 2
'

test_done
