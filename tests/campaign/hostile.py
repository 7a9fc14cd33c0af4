#!/usr/bin/env python3
"""hostile.py - hostile-client checks against a running `aivalue serve`.

Loopback only, bounded in connections, requests and seconds.  Used by the
end-to-end tests (tests/e2e/t1020-*.sh, small bounds) and by
`make campaign` (tests/campaign/run.sh, larger bounds).  Standard library
only.  Each check prints one JSON line:
{"check": ..., "tries": N, "failures": N, "lost": N, ...} and exits 0 when
failures and lost are 0, 1 otherwise.

  slowloris  many slow connections (a request head trickled a byte every
             --interval seconds, reopened when the server closes them)
             from --sources; meanwhile a probe request from --probe-source
             every 0.5 s must be answered with --expect within --bound s.
  drain      --clients keep-alive clients send requests in a loop; the
             script sends SIGTERM to --pid after --after s; every request
             written before the signal must get a complete answer.
  kill9      --clients agents post decisions in a loop; the script sends
             SIGKILL to --pid after --after s and writes the decision ids
             that were answered to --ids (the caller checks them against
             the decision log after a restart).
  matrix     every operation of the OpenAPI document, called with each
             role's token (--token ROLE=TOKEN) that its x-roles does not
             list, and with no token: any 2xx is a failure.
"""
import argparse
import json
import os
import select
import signal
import socket
import sys
import threading
import time


def parse_url(url):
    assert url.startswith("http://"), "loopback HTTP only"
    hostport = url[len("http://"):].rstrip("/")
    host, port = hostport.rsplit(":", 1)
    assert host.startswith("127."), "loopback only"
    return host, int(port)


def read_response(sock, deadline):
    """One HTTP/1.1 response from sock: (status, headers, body) or raise."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no response head")
        sock.settimeout(left)
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    while len(rest) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("body incomplete")
        sock.settimeout(left)
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the body")
        rest += chunk
    return status, headers, rest[:n]


def request_bytes(method, path, headers, body=b""):
    h = "%s %s HTTP/1.1\r\nHost: x\r\n" % (method, path)
    for k, v in headers:
        h += "%s: %s\r\n" % (k, v)
    if body or method == "POST":
        h += "Content-Length: %d\r\n" % len(body)
    return h.encode() + b"\r\n" + body


def one_request(host, port, source, method, path, headers, body, bound):
    """A request on a new connection; (status, seconds) or (error text, seconds)."""
    t0 = time.monotonic()
    deadline = t0 + bound
    s = socket.socket()
    try:
        s.bind((source, 0))
        s.settimeout(bound)
        s.connect((host, port))
        s.sendall(request_bytes(method, path, headers, body))
        st, _, _ = read_response(s, deadline)
        return st, time.monotonic() - t0
    except Exception as e:  # noqa: BLE001 - every failure is a finding
        return "%s: %s" % (type(e).__name__, e), time.monotonic() - t0
    finally:
        s.close()


def slowloris(a):
    host, port = parse_url(a.url)
    sources = a.sources.split(",")
    per_source = (a.conns + len(sources) - 1) // len(sources)
    slow = []  # [socket, bytes sent, next send time]
    opened = closed_by_server = 0

    def open_one(src):
        nonlocal opened
        s = socket.socket()
        s.setblocking(False)
        try:
            s.bind((src, 0))
            s.connect_ex((host, port))
        except OSError:
            s.close()
            return None
        opened += 1
        return [s, 0, time.monotonic(), src]

    for i in range(a.conns):
        c = open_one(sources[min(i // per_source, len(sources) - 1)])
        if c:
            slow.append(c)
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4096
    probes = []
    start = time.monotonic()
    next_probe = start + a.warmup
    probe_headers = [tuple(h.split(": ", 1)) for h in a.probe_header]
    result = {}

    def prober():
        nonlocal next_probe
        while time.monotonic() < start + a.seconds:
            now = time.monotonic()
            if now >= next_probe:
                probes.append(one_request(host, port, a.probe_source, a.probe_method,
                                          a.probe_path, probe_headers,
                                          a.probe_body.encode(), a.bound))
                next_probe = time.monotonic() + 0.5
            time.sleep(0.05)

    reopen = []
    th = threading.Thread(target=prober)
    th.start()
    while time.monotonic() < start + a.seconds:
        now = time.monotonic()
        rl = [c[0] for c in slow]
        try:
            r, _, _ = select.select(rl, [], [], 0.1)
        except ValueError:
            r = []
        dead = set()
        for s in r:
            try:
                if not s.recv(65536):
                    dead.add(s)
            except OSError:
                dead.add(s)
        for c in slow:
            if c[0] in dead:
                continue
            if now >= c[2]:
                try:
                    data = head[c[1]:c[1] + 1] if c[1] < len(head) else b"a"
                    c[0].send(data)
                    c[1] += 1
                except BlockingIOError:
                    pass
                except OSError:
                    dead.add(c[0])
                    continue
                c[2] = now + a.interval
        if dead:
            keep = []
            for c in slow:
                if c[0] in dead:
                    closed_by_server += 1
                    c[0].close()
                    reopen.append((now + 0.2, c[3]))  # a persistent attacker comes back
                else:
                    keep.append(c)
            slow = keep
        while reopen and reopen[0][0] <= now:
            n = open_one(reopen.pop(0)[1])
            if n:
                slow.append(n)
    th.join()
    for c in slow:
        c[0].close()
    fails = [p for p in probes if p[0] != a.expect or p[1] > a.bound]
    result = {"check": a.name or "slowloris", "tries": len(probes), "failures": len(fails),
              "lost": 0, "slow_conns": a.conns, "sources": len(sources),
              "slow_opened": opened, "slow_closed_by_server": closed_by_server,
              "max_probe_s": round(max([p[1] for p in probes] or [0]), 3),
              "examples": [str(p[0]) for p in fails[:3]]}
    print(json.dumps(result))
    return 0 if probes and not fails else 1


def drain(a):
    host, port = parse_url(a.url)
    headers = [tuple(h.split(": ", 1)) for h in a.header]
    stats = {"written": 0, "answered": 0, "lost_before": 0, "after": 0, "bad": 0}
    lock = threading.Lock()
    sig = {"t": None}
    stop_at = [time.monotonic() + a.after + a.tail]

    def client(i):
        s = None
        while time.monotonic() < stop_at[0]:
            if s is None:
                if sig["t"] is not None:
                    return
                s = socket.socket()
                try:
                    s.connect((host, port))
                except OSError:
                    s.close()
                    return
            req = request_bytes(a.method, a.path, headers, a.body.encode())
            t_write = time.monotonic()
            before = sig["t"] is None
            try:
                s.sendall(req)
                st, h, body = read_response(s, time.monotonic() + a.bound)
                ok = st == a.expect
                with lock:
                    stats["written"] += 1
                    stats["answered"] += 1
                    if not ok:
                        stats["bad"] += 1
                if h.get("connection", "").lower() == "close":
                    s.close()
                    s = None
            except Exception:  # noqa: BLE001
                with lock:
                    stats["written"] += 1
                    # written before the signal was sent: must have been answered
                    if before and (sig["t"] is None or t_write < sig["t"]):
                        stats["lost_before"] += 1
                    else:
                        stats["after"] += 1
                s.close()
                s = None

    ths = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
    for t in ths:
        t.start()
    if a.after_answered:
        # an event, not a fixed time: signal once the server has answered
        # that many (a loaded machine answers few in a fixed second)
        give_up = time.monotonic() + a.after_max
        stop_at[0] = give_up + a.tail
        while time.monotonic() < give_up:
            with lock:
                if stats["answered"] >= a.after_answered:
                    break
            time.sleep(0.01)
    else:
        time.sleep(a.after)
    sig["t"] = time.monotonic()
    if a.after_answered:
        stop_at[0] = sig["t"] + a.tail
    os.kill(a.pid, signal.SIGTERM)
    for t in ths:
        t.join()
    res = {"check": a.name or "sigterm drain", "tries": stats["written"],
           "failures": stats["bad"], "lost": stats["lost_before"],
           "answered": stats["answered"], "refused_after_signal": stats["after"]}
    print(json.dumps(res))
    return 0 if stats["answered"] and not stats["bad"] and not stats["lost_before"] else 1


def kill9(a):
    host, port = parse_url(a.url)
    headers = [tuple(h.split(": ", 1)) for h in a.header]
    ids, lock = [], threading.Lock()
    stats = {"sent": 0, "answered": 0, "bad": 0}
    dead = {"v": False}

    def client():
        s = None
        while not dead["v"]:
            try:
                if s is None:
                    s = socket.create_connection((host, port), timeout=5)
                s.sendall(request_bytes("POST", "/api/v1/decide", headers, a.body.encode()))
                with lock:
                    stats["sent"] += 1
                st, _, body = read_response(s, time.monotonic() + 10)
                d = json.loads(body)
                with lock:
                    stats["answered"] += 1
                    if st == 200 and d.get("decision_id"):
                        ids.append(d["decision_id"])
                    else:
                        stats["bad"] += 1
            except Exception:  # noqa: BLE001 - the server was killed
                if s:
                    s.close()
                s = None
                time.sleep(0.05)

    ths = [threading.Thread(target=client) for _ in range(a.clients)]
    for t in ths:
        t.start()
    time.sleep(a.after)
    os.kill(a.pid, signal.SIGKILL)
    time.sleep(0.3)
    dead["v"] = True
    for t in ths:
        t.join()
    with open(a.ids, "w") as f:
        f.write("\n".join(ids) + "\n")
    print(json.dumps({"check": a.name or "kill -9 under decide load", "tries": stats["sent"],
                      "answered": stats["answered"], "failures": stats["bad"]}))
    return 0 if ids and not stats["bad"] else 1


def matrix(a):
    import urllib.request
    import urllib.error
    host, port = parse_url(a.url)
    doc = json.load(urllib.request.urlopen(a.url + "/api/v1/openapi.json"))
    tokens = dict(t.split("=", 1) for t in a.token)
    tries = fails = 0
    examples = []
    for path, item in sorted(doc["paths"].items()):
        for method, op in item.items():
            allowed = set(op.get("x-roles", []))
            callers = [(r, t) for r, t in tokens.items() if r not in allowed]
            if not op.get("x-public"):
                callers.append(("none", None))
            url_path = path.replace("{", "x").replace("}", "")
            for role, tok in callers:
                h = [("Authorization", "Bearer " + tok)] if tok else []
                body = b"{}" if method.upper() == "POST" else b""
                st, _ = one_request(host, port, "127.0.0.1", method.upper(), url_path, h, body, 10)
                tries += 1
                if not isinstance(st, int) or 200 <= st < 300:
                    fails += 1
                    if len(examples) < 5:
                        examples.append("%s %s as %s: %s" % (method.upper(), path, role, st))
    print(json.dumps({"check": a.name or "role x endpoint matrix", "tries": tries,
                      "failures": fails, "lost": 0, "examples": examples}))
    return 0 if tries and not fails else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("slowloris")
    s.add_argument("--url", required=True)
    s.add_argument("--name", default="")
    s.add_argument("--conns", type=int, default=300)
    s.add_argument("--sources", default="127.0.0.1")
    s.add_argument("--interval", type=float, default=2.0)
    s.add_argument("--seconds", type=float, default=12.0)
    s.add_argument("--warmup", type=float, default=2.0)
    s.add_argument("--bound", type=float, default=2.0)
    s.add_argument("--probe-source", default="127.0.0.2")
    s.add_argument("--probe-method", default="GET")
    s.add_argument("--probe-path", default="/healthz")
    s.add_argument("--probe-header", action="append", default=[])
    s.add_argument("--probe-body", default="")
    s.add_argument("--expect", type=int, default=200)
    d = sub.add_parser("drain")
    d.add_argument("--url", required=True)
    d.add_argument("--name", default="")
    d.add_argument("--pid", type=int, required=True)
    d.add_argument("--clients", type=int, default=8)
    d.add_argument("--after", type=float, default=1.0)
    d.add_argument("--after-answered", type=int, default=0)  # signal after N answers instead
    d.add_argument("--after-max", type=float, default=60.0)  # ... or after this many seconds
    d.add_argument("--tail", type=float, default=5.0)
    d.add_argument("--bound", type=float, default=15.0)
    d.add_argument("--method", default="GET")
    d.add_argument("--path", default="/healthz")
    d.add_argument("--header", action="append", default=[])
    d.add_argument("--body", default="")
    d.add_argument("--expect", type=int, default=200)
    k = sub.add_parser("kill9")
    k.add_argument("--url", required=True)
    k.add_argument("--name", default="")
    k.add_argument("--pid", type=int, required=True)
    k.add_argument("--clients", type=int, default=8)
    k.add_argument("--after", type=float, default=3.0)
    k.add_argument("--header", action="append", default=[])
    k.add_argument("--body", default="")
    k.add_argument("--ids", required=True)
    m = sub.add_parser("matrix")
    m.add_argument("--url", required=True)
    m.add_argument("--name", default="")
    m.add_argument("--token", action="append", default=[])
    a = p.parse_args()
    sys.exit({"slowloris": slowloris, "drain": drain, "kill9": kill9,
              "matrix": matrix}[a.cmd](a))


if __name__ == "__main__":
    main()
