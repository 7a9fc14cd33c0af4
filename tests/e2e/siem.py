#!/usr/bin/env python3
"""siem.py - a tiny SIEM for the `audit stream` tests (t2190).

  siem.py serve PROTO NAME [--cert C --key K] [--fail-first N] [--idle S]
      PROTO: tcp-lines | tcp-octets | tls-octets | udp | http
      Listens on 127.0.0.1 (port 0), writes the port to NAME.port, and
      appends every message it receives to NAME.out, one a line (http: the
      request line and body).  tcp-octets and tls-octets parse RFC 6587 octet counting and
      refuse a frame whose length is wrong.  --fail-first N: http answers
      the first N POSTs with 503.  Exits after --idle S seconds with no
      traffic (default 10).

  siem.py check FORMAT FILE [--from SEQ]
      FORMAT: jsonl | syslog | otlp.  Checks every message (syslog: RFC
      5424 header, PRI 110, APP-NAME aivalue, MSGID the entry's kind, the
      SD-PARAMs equal to the JSON line's fields; otlp: the OTLP JSON
      shape) and that the entries form an unbroken chain: seq counts up
      by one from SEQ (default: the first's), each prev_hash is the hash
      before it.  Prints "ok: N entries, SEQ1 to SEQ2" or "FAIL: ..." and
      exits 1.

  siem.py wait FILE [LINES]: until FILE holds LINES lines (default: until
      it is not empty), at most 10 s.
"""
import json
import re
import socket
import ssl
import sys
import threading
import time


def arg(name, default=None):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def serve():
    proto, portfile, out = sys.argv[2], sys.argv[3] + '.port', sys.argv[3] + '.out'
    idle = float(arg('--idle', '10'))
    fail_first = int(arg('--fail-first', '0'))
    lock = threading.Lock()
    last = [time.time()]
    sink = open(out, 'ab', buffering=0)

    def record(msg):
        with lock:
            sink.write(msg.replace(b'\n', b' ') + b'\n')
            last[0] = time.time()

    kind = socket.SOCK_DGRAM if proto == 'udp' else socket.SOCK_STREAM
    srv = socket.socket(socket.AF_INET, kind)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    tls = None
    if proto.startswith('tls'):
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(arg('--cert'), arg('--key'))
    srv.settimeout(0.2)
    posts = [0]

    def conn_main(c):
        buf = b''
        c.settimeout(idle)
        try:
            if tls:
                c = tls.wrap_socket(c, server_side=True)
            while True:
                data = c.recv(65536)
                if not data:
                    break
                last[0] = time.time()
                buf += data
                if proto == 'tcp-lines':
                    while b'\n' in buf:
                        line, buf = buf.split(b'\n', 1)
                        record(line)
                elif proto.endswith('octets'):
                    while True:
                        m = re.match(rb'([1-9][0-9]*) ', buf)
                        if not m:
                            if buf and not re.match(rb'[0-9]* ?$', buf[:12]):
                                record(b'BAD FRAME ' + buf[:40])
                                return
                            break
                        n = int(m.group(1))
                        if len(buf) < m.end() + n:
                            break
                        record(buf[m.end():m.end() + n])
                        buf = buf[m.end() + n:]
                elif proto == 'http':
                    head, sep, rest = buf.partition(b'\r\n\r\n')
                    if not sep:
                        continue
                    m = re.search(rb'(?i)content-length: *([0-9]+)', head)
                    if not m or len(rest) < int(m.group(1)):
                        continue
                    posts[0] += 1
                    if posts[0] <= fail_first:
                        c.sendall(b'HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n')
                    else:
                        record(head.split(b'\r\n')[0] + b' ' + rest[:int(m.group(1))])
                        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}')
                    break
        except (OSError, ssl.SSLError) as e:
            record(b'CONNECTION ERROR ' + str(e).encode())
        finally:
            c.close()

    if kind == socket.SOCK_STREAM:
        srv.listen(16)
    with open(portfile + '.tmp', 'w') as f:
        f.write('%d\n' % srv.getsockname()[1])
    import os
    os.rename(portfile + '.tmp', portfile)
    while time.time() - last[0] < idle:
        try:
            if kind == socket.SOCK_DGRAM:
                record(srv.recv(65536))
            else:
                c, _ = srv.accept()
                threading.Thread(target=conn_main, args=(c,), daemon=True).start()
        except socket.timeout:
            pass


SYSLOG = re.compile(r'<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) '
                    r'\[aivalue@32473 seq="(\d+)" hash="([0-9a-f]{64})" '
                    r'prev_hash="([0-9a-f]{64})" actor="((?:[^"\\\]]|\\.)*)" '
                    r'subject="((?:[^"\\\]]|\\.)*)"\] \ufeff(\{.*\})$')


def entries(fmt, path):
    for n, raw in enumerate(open(path, encoding='utf-8'), 1):
        raw = raw.rstrip('\n')
        where = '%s line %d' % (path, n)
        if fmt == 'jsonl':
            yield where, json.loads(raw)
        elif fmt == 'syslog':
            m = SYSLOG.match(raw)
            if not m:
                raise ValueError('%s: not an RFC 5424 message of ours: %.80s' % (where, raw))
            pri, ts, host, app, pid, msgid = m.group(1, 2, 3, 4, 5, 6)
            e = json.loads(m.group(12))
            unesc = lambda s: re.sub(r'\\(.)', r'\1', s)
            checks = [(pri, '110'), (app, 'aivalue'), (msgid, e['action'][:32]),
                      (ts, e['time']), (int(m.group(7)), e['seq']), (m.group(8), e['hash']),
                      (m.group(9), e['prev_hash']), (unesc(m.group(10)), e['actor']),
                      (unesc(m.group(11)), e['subject']), (pid.isdigit(), True),
                      (host != '-' and len(host) <= 255, True)]
            for got, want in checks:
                if got != want:
                    raise ValueError('%s: %r where the entry says %r' % (where, got, want))
            yield where, e
        else:
            doc = json.loads(raw.split(' ', 3)[3] if raw.startswith('POST ') else raw)
            (rl,) = doc['resourceLogs']
            assert rl['resource']['attributes'][0] == {
                'key': 'service.name', 'value': {'stringValue': 'aivalue'}}
            (sl,) = rl['scopeLogs']
            for r in sl['logRecords']:
                a = {x['key']: x['value'] for x in r['attributes']}
                assert r['severityText'] == 'INFO' and r['severityNumber'] == 9, where
                assert int(r['timeUnixNano']) > 1.7e18, where
                e = {'seq': int(a['seq']['intValue']), 'hash': a['hash']['stringValue'],
                     'prev_hash': a['prev_hash']['stringValue'],
                     'actor': a['actor']['stringValue'], 'action': a['kind']['stringValue'],
                     'subject': a['subject']['stringValue'], 'time': a['time']['stringValue'],
                     'payload': json.loads(r['body']['stringValue'])}
                yield where, e


def check():
    fmt, path = sys.argv[2], sys.argv[3]
    want = arg('--from')
    prev = None
    n = first = 0
    try:
        for where, e in entries(fmt, path):
            if want is None:
                want = e['seq']
                first = e['seq']
            elif not first:
                first = int(want)
            if e['seq'] != int(want):
                raise ValueError('%s: entry %d where %s was due (skipped or repeated)'
                                 % (where, e['seq'], want))
            if prev is not None and e['prev_hash'] != prev:
                raise ValueError('%s: entry %d does not link to the one before'
                                 % (where, e['seq']))
            prev = e['hash']
            want = int(want) + 1
            n += 1
    except (ValueError, KeyError, AssertionError, json.JSONDecodeError) as x:
        print('FAIL: %s' % x)
        sys.exit(1)
    print('ok: %d entries, %d to %d' % (n, first, int(want) - 1))


def wait():
    import os
    path = sys.argv[2]
    lines = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    for _ in range(400):
        if os.path.exists(path) and os.path.getsize(path):
            if not lines or open(path, 'rb').read().count(b'\n') >= lines:
                return
        time.sleep(0.025)
    print('FAIL: %s does not hold %d lines after 10 s' % (path, lines))
    sys.exit(1)


if __name__ == '__main__':
    {'serve': serve, 'check': check, 'wait': wait}[sys.argv[1]]()
