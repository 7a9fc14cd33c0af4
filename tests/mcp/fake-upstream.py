#!/usr/bin/env python3
"""fake-upstream.py - a small MCP server for the gateway's tests (issue 17).

  fake-upstream.py stdio                      newline-delimited JSON-RPC on stdin/stdout
  fake-upstream.py http PORTFILE [--token T]  Streamable HTTP at /mcp on a free port
                                              (the port written to PORTFILE)

Tools:
  echo {message}  -> "Echo: MESSAGE"
  grow {}         -> adds the tool "grown" and sends notifications/tools/list_changed
                     (stdio: a line; http: an event before the answer, text/event-stream)
  hold {n, tag}   -> answered only once n holds are waiting, in reverse order of
                     arrival (stdio): a client with one request in flight never
                     gets an answer.  http: each request is served on its own
                     thread; a hold answers "held TAG" once n holds wait at the
                     same time, or "alone TAG" after 30 s if they never do
The list also holds "extra" while the file named by $FAKE_EXTRA exists (a
change the server does not announce).  http: every Authorization header is
appended to $FAKE_SEEN, every request's method to $FAKE_METHODS; with --token T a request without "Bearer T" gets 401.
"""
import json
import os
import sys

grown = False


def tools():
    t = [{"name": "echo", "description": "echo", "inputSchema": {"type": "object"}},
         {"name": "grow", "description": "grow", "inputSchema": {"type": "object"}},
         {"name": "hold", "description": "hold", "inputSchema": {"type": "object"}}]
    if grown:
        t.append({"name": "grown", "description": "grown", "inputSchema": {"type": "object"}})
    extra = os.environ.get("FAKE_EXTRA")
    if extra and os.path.exists(extra):
        t.append({"name": "extra", "description": "extra", "inputSchema": {"type": "object"}})
    return t


def text(s):
    return {"content": [{"type": "text", "text": s}]}


def answer(msg):
    """(result, notifications) for a request."""
    global grown
    m = msg.get("method")
    p = msg.get("params") or {}
    if m == "initialize":
        return {"protocolVersion": "2025-06-18", "capabilities": {"tools": {"listChanged": True}},
                "serverInfo": {"name": "fake", "version": "1"}}, []
    if m == "tools/list":
        return {"tools": tools()}, []
    if m == "tools/call":
        name, args = p.get("name"), p.get("arguments") or {}
        if name == "echo":
            return text("Echo: " + str(args.get("message"))), []
        if name == "grow":
            grown = True
            return text("grown"), [{"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}]
        if name in ("grown", "extra"):
            return text(name), []
    return None, []


def stdio():
    held = []

    def send(o):
        sys.stdout.write(json.dumps(o) + "\n")
        sys.stdout.flush()

    for line in sys.stdin:
        msg = json.loads(line)
        if "id" not in msg:
            continue
        p = msg.get("params") or {}
        if msg.get("method") == "tools/call" and p.get("name") == "hold":
            held.append(msg)
            args = p.get("arguments") or {}
            if len(held) >= int(args.get("n", 2)):
                for h in reversed(held):
                    send({"jsonrpc": "2.0", "id": h["id"],
                          "result": text("held " + str(h["params"]["arguments"].get("tag")))})
                held = []
            continue
        result, notes = answer(msg)
        for n in notes:
            send(n)
        if result is None:
            send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32602, "message": "no"}})
        else:
            send({"jsonrpc": "2.0", "id": msg["id"], "result": result})


def http(portfile, token):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    cv = threading.Condition()
    holds = {"waiting": 0, "released": 0}

    def hold(args):
        n, tag = int(args.get("n", 2)), str(args.get("tag"))
        with cv:
            holds["waiting"] += 1
            if holds["waiting"] >= n:
                holds["released"] += holds["waiting"]
                holds["waiting"] = 0
                cv.notify_all()
                return text("held " + tag)
            mine = holds["released"]
            if cv.wait_for(lambda: holds["released"] != mine, timeout=30):
                return text("held " + tag)
            holds["waiting"] -= 1
            return text("alone " + tag)

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            auth = self.headers.get("Authorization")
            seen = os.environ.get("FAKE_SEEN")
            if seen:
                with open(seen, "a") as f:
                    f.write("%s\n" % auth)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if token and auth != "Bearer " + token:
                self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            msg = json.loads(body)
            methods = os.environ.get("FAKE_METHODS")
            if methods:
                with open(methods, "a") as f:
                    f.write("%s\n" % msg.get("method"))
            if "id" not in msg:
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            p = msg.get("params") or {}
            if msg.get("method") == "tools/call" and p.get("name") == "hold":
                result, notes = hold(p.get("arguments") or {}), []
            else:
                result, notes = answer(msg)
            resp = ({"jsonrpc": "2.0", "id": msg["id"], "result": result} if result is not None
                    else {"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32602, "message": "no"}})
            if notes:
                out = "".join("event: message\ndata: %s\n\n" % json.dumps(n) for n in notes + [resp])
                ctype = "text/event-stream"
            else:
                out, ctype = json.dumps(resp), "application/json"
            data = out.encode()
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Mcp-Session-Id", "fake-session")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "stdio":
        stdio()
    else:
        tok = sys.argv[sys.argv.index("--token") + 1] if "--token" in sys.argv else None
        http(sys.argv[2], tok)
