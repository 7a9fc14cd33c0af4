#!/usr/bin/env python3
"""burst-client.py - calls that wait together on one gateway worker thread (t8147).

    burst-client.py URL TOKEN SESSION PID N [EARLIER]

Opens N keep-alive connections to the gateway at URL (http://HOST:PORT) and
makes one call of e.echo on each, one after the other, so that every
connection is accepted and idle, and waits until the ledger holds their
records (and EARLIER calls' before them).  Then it stops the server (SIGSTOP), sends
one call on each connection, and lets it go on (SIGCONT): the server's worker
thread finds all N requests waiting at once.  Prints one line, the write
system calls of the server's decision writer thread (aiv-writer, from
/proc/PID/task/TID/io) during the burst, after checking each answer (200,
its own id, "Echo: b<i>").  Nothing here is timed: the burst is arranged by
the stop, not by speed.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

url, token, session, pid, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
host, port = url.split("//", 1)[1].rsplit(":", 1)
port = int(port.rstrip("/"))


def request(i, message):
    body = json.dumps({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                       "params": {"name": "e.echo", "arguments": {"message": message}}}).encode()
    head = ("POST /mcp HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
            "Mcp-Session-Id: %s\r\nContent-Type: application/json\r\n"
            "Accept: application/json, text/event-stream\r\n"
            "MCP-Protocol-Version: 2025-06-18\r\nContent-Length: %d\r\n\r\n"
            % (host, port, token, session, len(body)))
    return head.encode() + body


def answer(sock, i, message):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            sys.exit("connection %d closed before its answer" % i)
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = [int(l.split(":", 1)[1]) for l in lines if l.lower().startswith("content-length:")]
    if not length:
        sys.exit("answer %d has no Content-Length: %r" % (i, head))
    while len(rest) < length[0]:
        chunk = sock.recv(65536)
        if not chunk:
            sys.exit("connection %d closed inside its answer" % i)
        rest += chunk
    d = json.loads(rest[:length[0]])
    text = d.get("result", {}).get("content", [{}])[0].get("text")
    if status != 200 or d.get("id") != i or text != "Echo: " + message:
        sys.exit("call %d: status %d, answer %r" % (i, status, d))


def writer_writes():
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
            if f.read().strip() != "aiv-writer":
                continue
        with open("/proc/%d/task/%s/io" % (pid, tid)) as f:
            return int([l for l in f if l.startswith("syscw:")][0].split()[1])
    sys.exit("no aiv-writer thread in process %d" % pid)


def wait_recorded(count):
    """Wait (up to 30 s) until the ledger holds `count` call records: the
    recorder thread, which commits a lone call's record a few milliseconds
    after its answer, has nothing left to write during the burst."""
    end = time.monotonic() + 30
    while True:
        out = subprocess.run([os.environ["AIVALUE_BIN"], "audit", "log", "--action", "gateway.calls",
                              "--json"], capture_output=True, check=True).stdout
        if sum(1 for e in json.loads(out) for r in e["payload"]["records"]
               if r.get("kind") == "call") >= count:
            return
        if time.monotonic() > end:
            sys.exit("the ledger never held %d call records" % count)
        time.sleep(0.05)


socks = []
for i in range(n):
    s = socket.create_connection((host, port), timeout=60)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(request(100 + i, "w%d" % i))
    answer(s, 100 + i, "w%d" % i)
    socks.append(s)
wait_recorded(n + int(sys.argv[6]) if len(sys.argv) > 6 else n)
before = writer_writes()
def wait_stopped():
    """Wait (up to 30 s) until every thread of the server is stopped."""
    end = time.monotonic() + 30
    while True:
        states = []
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                states.append(f.read().rsplit(")", 1)[1].split()[0])
        if all(st in "tT" for st in states):
            return
        if time.monotonic() > end:
            sys.exit("the server did not stop: %r" % states)
        time.sleep(0.01)


os.kill(pid, signal.SIGSTOP)
try:
    wait_stopped()
    for i, s in enumerate(socks):
        s.sendall(request(200 + i, "b%d" % i))
finally:
    os.kill(pid, signal.SIGCONT)
for i, s in enumerate(socks):
    answer(s, 200 + i, "b%d" % i)
print(writer_writes() - before)
