#!/bin/sh
# t1026-http-conn-placement - connections are spread over the worker
# threads.  libmicrohttpd's pool let the first worker to wake accept every
# waiting connection: a burst (wrk's 32) could all land on one worker,
# which then served them alone while the other idled, about one run in
# three (docs/performance.md, "MCP gateway").  The server now accepts on
# one thread and hands each connection to a worker (src/http/server.c,
# "Balanced connection placement").
#
# Arranged, not timed: the server (two workers) is pinned to one CPU and
# stopped (SIGSTOP); sixteen connections are opened, waiting in the
# backlog; it goes on (SIGCONT).  Once every connection is in a worker's
# epoll set (/proc/PID/fdinfo), each of the two sets must hold at least 4.
# On the old code the worker that ran first took all sixteen.  Then: the
# descriptors go back to their count before once the clients close, and
# SIGTERM with sixteen connections open stops the server cleanly.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

aivalue init >/dev/null 2>&1
start_server --quiet --threads 2

cat >conns.py <<\PY
import os, signal, socket, sys, time
port, pid, n, what = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def wait_for(cond, what):
    end = time.monotonic() + 30
    while not cond():
        if time.monotonic() > end:
            sys.exit("not within 30 s: " + what)
        time.sleep(0.05)

def fds():
    out = {}
    for f in os.listdir("/proc/%d/fd" % pid):
        try:
            out[int(f)] = os.readlink("/proc/%d/fd/%s" % (pid, f))
        except OSError:  # closed since the listing
            pass
    return out

def server_fds(conns):
    """the server's descriptors of our connections (by /proc/net/tcp)"""
    ports = {c.getsockname()[1] for c in conns}
    inodes = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            w = line.split()
            if int(w[1].split(":")[1], 16) == port and int(w[2].split(":")[1], 16) in ports:
                inodes.add("socket:[%s]" % w[9])
    return {fd for fd, l in fds().items() if l in inodes}

def placed(conns):
    """how many of our connections each epoll set holds, largest first"""
    mine, counts = server_fds(conns), []
    for fd, l in fds().items():
        if l == "anon_inode:[eventpoll]":
            try:
                with open("/proc/%d/fdinfo/%d" % (pid, fd)) as f:
                    t = [int(x.split()[1]) for x in f if x.startswith("tfd:")]
            except OSError:
                continue
            counts.append(len(mine & set(t)))
    return sorted(counts, reverse=True)

def stopped():
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/stat" % (pid, t)) as f:
            if f.read().rsplit(")", 1)[1].split()[0] != "T":
                return False
    return True

before = len(fds())
cpu = min(os.sched_getaffinity(0))
for t in os.listdir("/proc/%d/task" % pid):
    os.sched_setaffinity(int(t), {cpu})
os.kill(pid, signal.SIGSTOP)
wait_for(stopped, "the server stopped")
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
os.kill(pid, signal.SIGCONT)
wait_for(lambda: sum(placed(conns)) == n, "every connection in an epoll set")
print("placed", *placed(conns))
if what == "close":
    for c in conns:
        c.close()
    wait_for(lambda: len(fds()) <= before, "descriptors back to %d" % before)
    print("fds back")
else:
    os.kill(pid, signal.SIGTERM)
    print("SIGTERM sent", flush=True)
    for c in conns:
        c.settimeout(30)
        if c.recv(100) != b"":
            sys.exit("answered")
    print("all closed")
PY

test_expect_success 'sixteen connections waiting at once: both workers get at least 4' '
	python3 -S conns.py "$AIV_PORT" "$AIV_SERVER_PID" 16 close >placed.txt &&
	cat placed.txt &&
	read -r word a b rest <placed.txt &&
	test "$word" = placed &&
	test "$a" -ge 4 && test "$b" -ge 4 && test "$((a + b))" = 16
'

test_expect_success 'the descriptors go back to their count once the clients close' '
	test_grep "^fds back$" placed.txt &&
	curl -fsS "$AIV_URL/healthz" >/dev/null
'

test_expect_success 'SIGTERM with sixteen connections open: the server closes each' '
	python3 -S conns.py "$AIV_PORT" "$AIV_SERVER_PID" 16 term >term.txt &&
	cat term.txt &&
	test_grep "^all closed$" term.txt
'

# a second SIGTERM would end the server once its stop unblocks signals
grep -q "^SIGTERM sent$" term.txt || kill -TERM "$AIV_SERVER_PID"
wait "$AIV_SERVER_PID"
stop_status=$?
AIV_SERVER_PID=
test_expect_success '... and stops cleanly (exit 0)' '
	test "$stop_status" = 0 &&
	test_grep "^stopped$" server.log
'

test_done
