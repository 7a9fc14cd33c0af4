#!/bin/sh
# t2190-audit-stream.sh - `audit stream` takes the ledger to a SIEM.
#
# A tiny SIEM (tests/e2e/siem.py) listens on loopback over TCP, TLS, UDP
# and HTTP, records what arrives, and checks it: every message is
# well-formed (RFC 5424 syslog with RFC 6587 octet counting, OTLP JSON),
# and the entries form an unbroken chain (seq up by one, each prev_hash
# the hash before).  A streamer stopped mid-stream with --follow and
# restarted from its cursor delivers, with the first run, exactly what
# `audit export` holds: nothing skipped, nothing twice.  The workspace is
# made once; no body writes to it except where it says so.

. "$(dirname "$0")/lib.sh"

SIEM="$TEST_ROOT/tests/e2e/siem.py"
VERIFY="$TEST_ROOT/tools/verify-ledger.py"

# start_sink PROTO NAME [ARGS]: a sink in the background; NAME.port, NAME.out
start_sink() {
	python3 -S "$SIEM" serve "$@" &
	echo $! >"$2.pid" &&
	python3 -S "$SIEM" wait "$2.port"
}

# head_seq: the ledger's newest entry
head_seq() {
	aivalue audit checkpoint | cut -d: -f1
}

# db_sum: the workspace files' checksums (a read leaves them unchanged)
db_sum() {
	cat aivalue.db aivalue.db-wal 2>/dev/null | cksum
}

test_expect_success 'set up: Acme applied, a person to append later' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/examples/acme" >/dev/null &&
	cat >late.yaml <<-\EOF &&
	kind: Person
	name: late.joiner
	display_name: "Late \"LJ\" Joiner ]"
	role: Analyst
	team: finance
	EOF
	test "$(head_seq)" -gt 400
'

test_expect_success SQLITE 'jsonl to stdout is `audit export`, a chain the SIEM and verify-ledger.py accept' '
	before=$(db_sum) &&
	aivalue audit stream --format jsonl >all.jsonl 2>all.err &&
	aivalue audit export >export.jsonl &&
	test_cmp export.jsonl all.jsonl &&
	python3 -S "$SIEM" check jsonl all.jsonl --from 1 >check.out &&
	echo "ok: $(head_seq) entries, 1 to $(head_seq)" >expect &&
	test_cmp expect check.out &&
	python3 -S "$VERIFY" all.jsonl >py.out &&
	test_grep "^ok: $(head_seq) entries" py.out &&
	test_grep "^streamed $(head_seq) entries (1 to $(head_seq))\$" all.err &&
	test "$(db_sum)" = "$before"
'

test_expect_success '--since SEQ starts after SEQ; the checker catches a skipped entry' '
	aivalue audit stream --format jsonl --since 440 >tail.jsonl 2>/dev/null &&
	test "$(head -n 1 tail.jsonl | cut -c1-11)" = "{\"seq\":441," &&
	python3 -S "$SIEM" check jsonl tail.jsonl --from 441 &&
	sed 3d tail.jsonl >gap.jsonl &&
	test_must_fail python3 -S "$SIEM" check jsonl gap.jsonl --from 441 >gap.out &&
	test_grep "^FAIL: .*entry 444 where 443 was due" gap.out
'

test_expect_success 'syslog over TCP: RFC 5424 messages in RFC 6587 octet-counting frames' '
	start_sink tcp-octets tcp &&
	aivalue audit stream --format syslog --to "tcp://127.0.0.1:$(cat tcp.port)" \
		--batch 100 2>tcp.err &&
	python3 -S "$SIEM" wait tcp.out "$(head_seq)" &&
	kill "$(cat tcp.pid)" &&
	python3 -S "$SIEM" check syslog tcp.out --from 1 >check.out &&
	echo "ok: $(head_seq) entries, 1 to $(head_seq)" >expect &&
	test_cmp expect check.out &&
	head -n 1 tcp.out | cut -c1-40 >first &&
	test_grep "^<110>1 20[0-9-]*T[0-9:.]*Z " first &&
	test_grep " aivalue [0-9]* workspace.init \[aivalue@32473 seq=\"1\" " tcp.out
'

test_expect_success 'syslog over UDP: one datagram per entry' '
	start_sink udp udp &&
	aivalue audit stream --format syslog --to "udp://127.0.0.1:$(cat udp.port)" --since 400 \
		--batch 10 2>udp.err &&
	python3 -S "$SIEM" wait udp.out "$(($(head_seq) - 400))" &&
	kill "$(cat udp.pid)" &&
	test "$(wc -l <udp.out)" -eq "$(($(head_seq) - 400))" &&
	python3 -S "$SIEM" check syslog udp.out --from 401
'

test_expect_success 'syslog over TLS: the collector is trusted through --ca, refused without' '
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=localhost -addext subjectAltName=DNS:localhost \
		-keyout tls.key -out tls.crt 2>/dev/null &&
	start_sink tls-octets tls --cert tls.crt --key tls.key &&
	test_must_fail aivalue audit stream --format syslog --since 440 \
		--to "tls://localhost:$(cat tls.port)" --cursor untrusted.cur 2>untrusted.err &&
	test_grep "certificate is not trusted" untrusted.err &&
	! test -e untrusted.cur &&
	aivalue audit stream --format syslog --since 440 --ca tls.crt \
		--to "tls://localhost:$(cat tls.port)" --cursor tls.cur 2>tls.err &&
	python3 -S "$SIEM" wait tls.out "$(($(head_seq) - 440 + 1))" &&
	kill "$(cat tls.pid)" &&
	test "$(cat tls.cur)" = "$(aivalue audit checkpoint)" &&
	grep -v "^CONNECTION ERROR" tls.out >tls.msgs &&
	python3 -S "$SIEM" check syslog tls.msgs --from 441
'

test_expect_success 'OTLP over HTTP: a refused POST leaves the cursor; the retry sends it' '
	start_sink http otlp --fail-first 1 &&
	url="http://127.0.0.1:$(cat otlp.port)/v1/logs" &&
	test_must_fail aivalue audit stream --format otlp --to "$url" --cursor otlp.cur \
		--batch 200 2>otlp1.err &&
	test_grep "collector answered HTTP 503" otlp1.err &&
	! test -e otlp.cur &&
	aivalue audit stream --format otlp --to "$url" --cursor otlp.cur --batch 200 2>otlp2.err &&
	python3 -S "$SIEM" wait otlp.out 3 &&
	kill "$(cat otlp.pid)" &&
	test "$(wc -l <otlp.out)" -eq 3 &&
	test "$(grep -c "^POST /v1/logs HTTP/1.1 {\"resourceLogs\":" otlp.out)" -eq 3 &&
	python3 -S "$SIEM" check otlp otlp.out --from 1 >check.out &&
	echo "ok: $(head_seq) entries, 1 to $(head_seq)" >expect &&
	test_cmp expect check.out
'

test_expect_success 'follow: a sink for the streamer that is stopped and restarted' '
	start_sink tcp-lines resume --idle 30
'

test_expect_success 'follow: stopped by SIGTERM mid-stream, it records what the sink took' '
	"$AIVALUE_BIN" audit stream --format jsonl --to "tcp://127.0.0.1:$(cat resume.port)" \
		--follow --cursor resume.cur --batch 1 --poll-ms 20 2>run1.err &
	echo $! >run1.pid &&
	python3 -S "$SIEM" wait resume.cur &&
	aivalue apply -f late.yaml >/dev/null &&
	kill -TERM "$(cat run1.pid)" &&
	wait "$(cat run1.pid)" &&
	k=$(cut -d: -f1 resume.cur) &&
	test_grep "^streamed $k entries (1 to $k)\$" run1.err &&
	python3 -S "$SIEM" wait resume.out "$k"
'

test_expect_success 'follow: appended to and restarted, it sends the rest: exactly the export, once' '
	k=$(cut -d: -f1 resume.cur) &&
	cat >later.yaml <<-\EOF &&
	kind: Person
	name: later.joiner
	display_name: Later Joiner
	role: Analyst
	team: finance
	EOF
	aivalue apply -f later.yaml >/dev/null &&
	test "$k" -lt "$(head_seq)" &&
	aivalue audit stream --format jsonl --to "tcp://127.0.0.1:$(cat resume.port)" \
		--cursor resume.cur --batch 7 2>run2.err &&
	n=$(($(head_seq) - k)) &&
	if test "$n" = 1; then word=entry; else word=entries; fi &&
	test_grep "^streamed $n $word ($((k + 1)) to $(head_seq))\$" run2.err &&
	python3 -S "$SIEM" wait resume.out "$(head_seq)" &&
	kill "$(cat resume.pid)" &&
	aivalue audit export >export.jsonl &&
	test_cmp export.jsonl resume.out &&
	python3 -S "$SIEM" check jsonl resume.out --from 1 &&
	python3 -S "$VERIFY" resume.out &&
	test "$(cat resume.cur)" = "$(aivalue audit checkpoint)"
'

test_expect_success 'a cursor the ledger does not extend is refused, and a bad one named' '
	aivalue audit checkpoint >ok.cur &&
	aivalue audit stream --format jsonl --cursor ok.cur >none.out 2>none.err &&
	test ! -s none.out &&
	seq=$(($(head_seq) - 3)) &&
	echo "$seq:$(printf "%064d" 7)" >forged.cur &&
	test_must_fail aivalue audit stream --format jsonl --cursor forged.cur >forged.out 2>forged.err &&
	test ! -s forged.out &&
	test_grep "entry $((seq + 1)) does not link to entry $seq" forged.err &&
	test "$(cut -d: -f2 forged.cur)" = "$(printf "%064d" 7)" &&
	echo "twelve:abc" >bad.cur &&
	test_must_fail aivalue audit stream --format jsonl --cursor bad.cur 2>bad.err &&
	test_grep "the cursor .bad.cur., line 1: not SEQ:HASH" bad.err &&
	test_must_fail --exit=2 aivalue audit stream --format cef 2>fmt.err &&
	test_grep "not jsonl, syslog or otlp" fmt.err &&
	test_must_fail aivalue audit stream --format otlp --to tcp://127.0.0.1:9 2>otlp.err &&
	test_grep "OTLP goes over http" otlp.err
'

test_done
