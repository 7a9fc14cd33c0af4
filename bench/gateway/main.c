/*
 * bench/gateway - what the MCP gateway (issue 17) costs an allowed call.
 *
 * Builds a workspace with the aivalue CLI (agent bot-1 in workflow p2p, a
 * Cedar policy permitting it the echo tools, an agent token), starts
 * `aivalue gateway` with two upstreams:
 *
 *   echo = builtin:echo             the in-process echo (no upstream cost)
 *   up   = stdio:node server-everything stdio   the npm reference server
 *
 * and measures, on one keep-alive connection, one call at a time:
 *
 *   direct   tools/call echo to server-everything over its own stdio pipe
 *            (a second copy of the same command, spoken to by this
 *            program in newline-delimited JSON-RPC, as the gateway does)
 *   through  tools/call up.echo to the gateway over HTTP
 *   builtin  tools/call echo.echo to the gateway (the gateway's whole cost:
 *            HTTP, token, decision, record; the upstream costs ~0)
 *
 * The direct and the through calls are interleaved, one of each in turn,
 * so that both of a pair meet the machine's load of the same moment; the
 * overhead is the p50 and the p99 of the pairs' differences (a difference
 * below zero is noise, never reported as a target met).  The slow tail is
 * split too: of the calls through the gateway above their p99, those that
 * met no slow direct call beside them are the gateway's own
 * (gateway_tail_own); the others met the machine's load.  Then wrk drives
 * echo.echo with --connections for --seconds: allowed calls per second,
 * the gateway's CPU per call (/proc), and afterwards the ledger: every
 * call wrk completed must be in the chained gateway records, and the
 * chain must verify.  Each run also says which steady state it was in:
 * the calls a commit carried (gateway_calls_per_commit) and how many of
 * libmicrohttpd's worker threads served calls (gateway_busy_workers; one
 * when a single worker accepted every connection), with each thread's
 * CPU and the context switches per call.  The lone forwarded calls' own
 * stamps in their records split their time: the gateway around the
 * upstream (gateway_us: the decision and its commit, then the answer),
 * the upstream's round trip as the gateway sees it (latency_us), and the
 * rest (HTTP both ways, token, parsing, wake-ups).
 *
 *   build/bench/bench_gateway [--calls N] [--seconds N] [--connections N]
 *                             [--wrk-threads N] [--runs N]
 *
 * Latencies are the median over --runs runs of each percentile.  Needs
 * node and tests/mcp/node_modules (scripts/install-test-deps) for the
 * stdio upstream, relative to the current directory or $AIV_SRC; without
 * them the overhead is reported as not measured.  Needs wrk for the
 * rate; without it the rate is not measured.  With $BENCH_GATEWAY_DUMP
 * set, each run's interleaved pairs are written to $BENCH_GATEWAY_DUMP.RUN,
 * one "DIRECT_NS THROUGH_NS" line per pair in call order, to study the
 * tail (which calls were slow, and whether both of a pair were).  The aivalue binary is
 * build/aivalue next to the bench directory or $AIVALUE_BIN.
 * docs/gateway.md, "Performance".
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../bench_clock.h"
#include "../bench_proc.h"
#include "cli/cmd.h"
#include "ledger/ledger.h"
#include "store/store.h"

#define SERVER_EVERYTHING "tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
#define MAX_RUNS 15
#define INITIALIZED_LINE "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"

static char dir[] = "/tmp/bench-gateway.XXXXXX";
static char bin[1024], db[1100], src[1024];

/* ---- a minimal HTTP/1.1 keep-alive client (loopback, one request at a time) ---- */

struct conn {
	int fd;
	char buf[65536];
	size_t len;          /* bytes in buf */
	char session[128];   /* Mcp-Session-Id, once the gateway gave one */
	int status;          /* last response's status */
	char *body;          /* last response's body (in buf), NUL-terminated */
};

static int conn_open(struct conn *c, int port)
{
	struct sockaddr_in a;
	int one = 1;

	memset(c, 0, sizeof(*c));
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&a, sizeof(a))) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Write a and b as one message: one write(2) when it takes all, as an
 * HTTP client that has its body at hand sends it (and as the gateway
 * writes a line to its upstream).  Two writes let the reader wake on the
 * first part and again on the second, a wake-up the message does not
 * need: the bench would time its own client, not the gateway.
 */
static int write_both(int fd, const char *a, size_t an, const char *b, size_t bn)
{
	struct iovec iov[2] = { { (void *)a, an }, { (void *)b, bn } };
	ssize_t w;

	do
		w = writev(fd, iov, 2);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -1;
	if ((size_t)w < an)
		return write_all(fd, a + w, an - (size_t)w) || write_all(fd, b, bn) ? -1 : 0;
	return write_all(fd, b + ((size_t)w - an), bn - ((size_t)w - an));
}

/*
 * Read more into c->buf; 0, or -1 on close/error/full.  30 s timeout: at a
 * load of 30 on 2 cores the first call, which starts node for the stdio
 * upstream, took over 5 s.
 */
static int conn_fill(struct conn *c)
{
	struct pollfd pf = { c->fd, POLLIN, 0 };
	ssize_t r;

	if (c->len + 1 >= sizeof(c->buf) || poll(&pf, 1, 30000) != 1)
		return -1;
	r = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (r <= 0)
		return -1;
	c->len += (size_t)r;
	c->buf[c->len] = '\0';
	return 0;
}

/*
 * POST body to /mcp with the MCP headers; reads the whole response
 * (Content-Length or chunked) into c->body.  0, or -1 on a transport error.
 */
static int conn_post(struct conn *c, const char *tok, const char *body)
{
	char head[1024], *end, *p, *q;
	size_t hlen, blen = strlen(body), need;
	long clen = -1;
	int chunked = 0;

	hlen = (size_t)snprintf(head, sizeof(head),
		"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
		"Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
		"MCP-Protocol-Version: 2025-06-18\r\n%s%s%sContent-Length: %zu\r\n\r\n",
		tok, c->session[0] ? "Mcp-Session-Id: " : "", c->session,
		c->session[0] ? "\r\n" : "", blen);
	if (write_both(c->fd, head, hlen, body, blen))
		return -1;
	c->len = 0;
	while (!(end = strstr(c->buf, "\r\n\r\n")) || c->len == 0)
		if (conn_fill(c))
			return -1;
	*end = '\0';
	c->status = atoi(c->buf + 9);
	for (p = strstr(c->buf, "\r\n"); p && p[2]; p = q) {
		char *line = p + 2;
		q = strstr(line, "\r\n");
		if (!strncasecmp(line, "content-length:", 15))
			clen = atol(line + 15);
		else if (!strncasecmp(line, "transfer-encoding:", 18) && strstr(line, "chunked"))
			chunked = 1;
		else if (!strncasecmp(line, "mcp-session-id:", 15)) {
			const char *v = line + 15;
			size_t n = q ? (size_t)(q - v) : strlen(v);
			while (*v == ' ' && n) {
				v++;
				n--;
			}
			if (n < sizeof(c->session))
				snprintf(c->session, n + 1, "%s", v);
		}
	}
	c->body = end + 4;
	if (chunked) {
		/* de-chunk in place: size line, data, CRLF ... 0 CRLF CRLF */
		char *r = c->body, *w = c->body;
		for (;;) {
			char *nl;
			long sz;
			while (!(nl = strstr(r, "\r\n")))
				if (conn_fill(c))
					return -1;
			sz = strtol(r, NULL, 16);
			if (sz == 0)
				break;
			while ((size_t)(c->buf + c->len - (nl + 2)) < (size_t)sz + 2)
				if (conn_fill(c))
					return -1;
			memmove(w, nl + 2, (size_t)sz);
			w += sz;
			r = nl + 2 + sz + 2;
		}
		*w = '\0';
		return 0;
	}
	if (clen < 0)
		return -1; /* neither length nor chunks: not what the gateway sends */
	need = (size_t)(c->body - c->buf) + (size_t)clen;
	if (need >= sizeof(c->buf))
		return -1;
	while (c->len < need)
		if (conn_fill(c))
			return -1;
	c->body[clen] = '\0';
	return 0;
}

/* Does the last body hold a JSON-RPC result (not an error)?  SSE or JSON. */
static int body_is_result(const struct conn *c)
{
	return c->status == 200 && strstr(c->body, "\"result\"") && !strstr(c->body, "\"error\"");
}

static int mcp_init(struct conn *c, const char *tok)
{
	if (conn_post(c, tok, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
		      "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
		      "{\"name\":\"bench_gateway\",\"version\":\"1\"}}}") || !body_is_result(c))
		return -1;
	if (conn_post(c, tok, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
		return -1;
	return c->status >= 200 && c->status < 300 ? 0 : -1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* p50 and p99 of n samples in microseconds (sorts v). */
static void percentiles(int64_t *v, int n, double *p50, double *p99)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	*p50 = (double)v[n / 2] / 1e3;
	*p99 = (double)v[(int)((double)n * 0.99) < n ? (int)((double)n * 0.99) : n - 1] / 1e3;
}

/*
 * The slow tail's owner: of the pairs whose call through the gateway is
 * above its p99, how many met no slow direct call (above the direct p90)
 * in the pair itself or the pairs just before and after.  Those are the
 * slow calls the machine's load of that moment does not explain (it slows
 * the direct call beside them too): the gateway's own tail.  *slow gets
 * how many were above the p99.
 */
static int own_tail(const int64_t *d, const int64_t *t, int n, int *slow)
{
	int64_t *sd = malloc(sizeof(*sd) * (size_t)n), *st = malloc(sizeof(*st) * (size_t)n);
	int64_t dthr, tthr;
	int i, j, own = 0;

	*slow = 0;
	if (!sd || !st) {
		free(sd);
		free(st);
		return 0;
	}
	memcpy(sd, d, sizeof(*sd) * (size_t)n);
	memcpy(st, t, sizeof(*st) * (size_t)n);
	qsort(sd, (size_t)n, sizeof(*sd), cmp_i64);
	qsort(st, (size_t)n, sizeof(*st), cmp_i64);
	dthr = sd[n * 9 / 10];
	tthr = st[n * 99 / 100];
	for (i = 0; i < n; i++) {
		int lone = 1;
		if (t[i] <= tthr)
			continue;
		(*slow)++;
		for (j = i > 0 ? i - 1 : 0; j <= i + 1 && j < n; j++)
			if (d[j] > dthr)
				lone = 0;
		own += lone;
	}
	free(sd);
	free(st);
	return own;
}

/* n sequential tools/call of `tool` through the gateway; 0 if all answered a result. */
static int through(struct conn *c, const char *tok, const char *tool, int n, int64_t *lat)
{
	char body[512];
	int i;

	for (i = 0; i < n; i++) {
		int64_t t0;
		snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\","
			 "\"params\":{\"name\":\"%s\",\"arguments\":{\"message\":\"po-%d\"}}}",
			 i + 10, tool, i % 100);
		t0 = now_ns();
		if (conn_post(c, tok, body)) {
			fprintf(stderr, "bench_gateway: %s: no answer within 30 s (transport error)\n",
				tool);
			return -1;
		}
		lat[i] = now_ns() - t0;
		if (!body_is_result(c)) {
			fprintf(stderr, "bench_gateway: %s answered HTTP %d: %.300s\n", tool, c->status,
				c->body);
			return -1;
		}
	}
	return 0;
}

/* ---- the same upstream, directly over its stdio ---- */

struct pipe_up {
	pid_t pid;
	int in, out;         /* its stdin (we write), its stdout (we read) */
	char buf[65536];
	size_t len;
};

static int pipe_start(struct pipe_up *u, const char *script)
{
	int to[2], from[2];

	memset(u, 0, sizeof(*u));
	if (pipe(to) || pipe(from))
		return -1;
	fflush(stdout);
	if ((u->pid = fork()) == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(to[0], 0);
		dup2(from[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(to[1]);
		close(from[0]);
		execlp("node", "node", script, "stdio", (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	u->in = to[1];
	u->out = from[0];
	return u->pid > 0 ? 0 : -1;
}

/* Send one line; read lines until the answer with id `id`; 0 if it is a result. */
static int pipe_call(struct pipe_up *u, const char *line, int id)
{
	char want[32];
	int n = snprintf(want, sizeof(want), "\"id\":%d", id);

	if (write_both(u->in, line, strlen(line), "\n", 1))
		return -1;
	for (;;) {
		char *nl;
		while ((nl = memchr(u->buf, '\n', u->len))) {
			size_t ll = (size_t)(nl - u->buf) + 1;
			const char *hit;
			*nl = '\0';
			hit = strstr(u->buf, want);
			if (hit && (hit[n] == '}' || hit[n] == ',')) {
				int ok = strstr(u->buf, "\"result\"") != NULL;
				memmove(u->buf, u->buf + ll, u->len - ll);
				u->len -= ll;
				return ok ? 0 : -1;
			}
			memmove(u->buf, u->buf + ll, u->len - ll); /* a notification */
			u->len -= ll;
		}
		{
			struct pollfd pf = { u->out, POLLIN, 0 };
			ssize_t r;
			if (u->len + 1 >= sizeof(u->buf) || poll(&pf, 1, 10000) != 1)
				return -1;
			r = read(u->out, u->buf + u->len, sizeof(u->buf) - 1 - u->len);
			if (r <= 0)
				return -1;
			u->len += (size_t)r;
		}
	}
}

static void pipe_stop(struct pipe_up *u)
{
	if (u->pid <= 0)
		return;
	close(u->in);
	close(u->out);
	kill(u->pid, SIGTERM);
	waitpid(u->pid, NULL, 0);
	u->pid = -1;
}

static int direct(struct pipe_up *u, int n, int64_t *lat)
{
	char line[512];
	int i;

	for (i = 0; i < n; i++) {
		int64_t t0;
		snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\","
			 "\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"po-%d\"}}}",
			 i + 10, i % 100);
		t0 = now_ns();
		if (pipe_call(u, line, i + 10))
			return -1;
		lat[i] = now_ns() - t0;
	}
	return 0;
}

/* ---- the ledger: gateway calls chained ---- */

struct ledger_count {
	long long calls, entries; /* allowed calls answered with a result; gateway.calls entries */
	/* with stages set: each answered up.echo call's gateway_us and latency_us */
	int stages;
	int64_t *gw_us, *up_us;
	size_t n, cap;
};

/*
 * Count the allowed, answered calls in one gateway.calls ledger entry:
 * its payload is {"count": n, "records": [...]}, one record per call
 * ({"kind": "call", "outcome": "allow", "status": "ok", ...}) or
 * filtered tools/list (src/gateway/record.c).
 */
static int count_row(const struct ledger_row *row, void *data)
{
	struct ledger_count *lc = data;
	json_error_t je;
	json_t *p = json_loadb(row->payload, row->payload_len, 0, &je), *rec;
	size_t i;

	lc->entries++;
	json_array_foreach(json_object_get(p, "records"), i, rec) {
		const char *kind = json_string_value(json_object_get(rec, "kind"));
		const char *outcome = json_string_value(json_object_get(rec, "outcome"));
		const char *status = json_string_value(json_object_get(rec, "status"));
		const char *tool = json_string_value(json_object_get(rec, "tool"));
		if (!kind || strcmp(kind, "call") || !outcome || strcmp(outcome, "allow") ||
		    !status || strcmp(status, "ok"))
			continue;
		lc->calls++;
		if (lc->stages && tool && !strcmp(tool, "up.echo")) {
			if (lc->n == lc->cap) {
				lc->cap = lc->cap ? 2 * lc->cap : 4096;
				lc->gw_us = realloc(lc->gw_us, lc->cap * sizeof(*lc->gw_us));
				lc->up_us = realloc(lc->up_us, lc->cap * sizeof(*lc->up_us));
				if (!lc->gw_us || !lc->up_us)
					abort();
			}
			lc->gw_us[lc->n] = json_integer_value(json_object_get(rec, "gateway_us"));
			lc->up_us[lc->n++] = json_integer_value(json_object_get(rec, "latency_us"));
		}
	}
	json_decref(p);
	return 0;
}

static int ledger_calls(struct ledger_count *lc)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	int ret;

	lc->calls = lc->entries = 0;
	lc->n = 0;
	if (store_open(&s, db, 0, &err)) {
		fprintf(stderr, "bench_gateway: %s\n", err.msg);
		return -1;
	}
	ret = ledger_walk(s, 0, 0, NULL, "gateway.calls", 0, 0, count_row, lc, &err);
	if (ret)
		fprintf(stderr, "bench_gateway: %s\n", err.msg);
	store_close(s);
	return ret;
}

/*
 * Where a lone forwarded call's time goes, from the gateway's own stamps
 * in its records (src/gateway/mcp.c): gateway_us, from the parsed
 * tools/call to forwarding (the decision: Cedar and its commit) plus
 * building the answer after the upstream's; latency_us, the upstream's
 * round trip as the gateway sees it.  Medians over every up.echo call
 * of the latency runs.  The rest is HTTP both ways, the token, JSON-RPC
 * parsing and the wake-ups: per call, the last run's time through the
 * gateway (`last_t`, ns, in call order) minus its record's two stamps
 * (the last `n` up.echo records are that run's, in the same order), and
 * its median.  The difference of the medians (through p50 minus the two)
 * is not the median of the differences; it is used only when the records
 * are fewer than the calls.
 */
static void stages_report(double through50, double direct50, const int64_t *last_t, int n)
{
	struct ledger_count lc = { 0 };
	double g, u, rest;

	usleep(300000); /* the recorder writes the last lone call's record */
	lc.stages = 1;
	if (ledger_calls(&lc) || !lc.n) {
		free(lc.gw_us);
		free(lc.up_us);
		return;
	}
	if (lc.n >= (size_t)n && n > 0) {
		int64_t *r = malloc(sizeof(*r) * (size_t)n);
		size_t off = lc.n - (size_t)n;
		int i;

		if (!r)
			abort();
		for (i = 0; i < n; i++)
			r[i] = last_t[i] - 1000 * (lc.gw_us[off + (size_t)i] + lc.up_us[off + (size_t)i]);
		qsort(r, (size_t)n, sizeof(*r), cmp_i64);
		rest = (double)r[n / 2] / 1e3;
		free(r);
	} else {
		rest = -1;
	}
	qsort(lc.gw_us, lc.n, sizeof(*lc.gw_us), cmp_i64);
	qsort(lc.up_us, lc.n, sizeof(*lc.up_us), cmp_i64);
	g = (double)lc.gw_us[lc.n / 2];
	u = (double)lc.up_us[lc.n / 2];
	if (rest < 0)
		rest = through50 - g - u;
	printf("  stages of a forwarded call (medians of %zu records): in the gateway around "
	       "the upstream (decision and its commit, then the answer) %.0f us; the upstream's "
	       "round trip as the gateway sees it %.0f us (direct: %.0f us); the rest (HTTP "
	       "both ways, token, parsing, wake-ups; per call, median) %.0f us\n", lc.n, g, u,
	       direct50, rest);
	printf("RESULT name=gateway_stage_decide_us value=%.0f unit=us\n", g);
	printf("RESULT name=gateway_stage_upstream_us value=%.0f unit=us\n", u);
	printf("RESULT name=gateway_stage_rest_us value=%.0f unit=us\n", rest);
	free(lc.gw_us);
	free(lc.up_us);
}

/* ---- the workspace and the gateway process ---- */

static int setup_workspace(char *tok, size_t toklen)
{
	char cmd[8192];

	if (write_file_in(dir, "org.yaml",
		"kind: Team\nname: finance\ntitle: Finance\nfunction: finance\n---\n"
		"kind: Person\nname: ana\ndisplay_name: Ana\nrole: controller\nteam: finance\n---\n"
		"kind: Agent\nname: bot-1\nowner: ana\nworkflow: p2p\n---\n"
		"kind: Workflow\nname: p2p\nowner: ana\nautonomy: autonomous\nsteps:\n"
		"  - name: order\n    owner: ana\n    agents: [bot-1]\n---\n"
		"kind: Policy\nname: gateway-echo\nresource_types: [Tool]\ncedar: |\n"
		"  @id(\"echo-allowed\")\n"
		"  permit(principal == Agent::\"bot-1\",\n"
		"         action in [Action::\"echo.echo\", Action::\"up.echo\"], resource);\n"))
		return -1;
	snprintf(cmd, sizeof(cmd), "cd '%s' && AIVALUE_DB='%s' AIVALUE_ACTOR=bench '%s' init "
		 ">/dev/null 2>&1 && AIVALUE_DB='%s' AIVALUE_ACTOR=bench '%s' apply -f org.yaml "
		 ">/dev/null", dir, db, bin, db, bin);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_gateway: cannot set up the workspace with %s\n", bin);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && AIVALUE_DB='%s' AIVALUE_ACTOR=bench '%s' token "
		 "create --name bot-1-key --agent bot-1 2>/dev/null", dir, db, bin);
	return capture(cmd, tok, toklen);
}

static pid_t start_gateway(int port, const char *everything)
{
	char listen[64], up[2200], log[1200];
	pid_t pid;

	fflush(stdout);
	pid = fork();

	if (pid != 0)
		return pid;
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(up, sizeof(up), "up=stdio:node %s stdio", everything);
	setenv("AIVALUE_DB", db, 1);
	setenv("AIVALUE_ACTOR", "bench", 1);
	snprintf(log, sizeof(log), "%s/gateway.log", dir);
	if (!freopen("/dev/null", "w", stdout) || !freopen(log, "w", stderr))
		_exit(126);
	if (everything[0])
		execl(bin, bin, "gateway", "--listen", listen, "--upstream", "echo=builtin:echo",
		      "--upstream", up, (char *)NULL);
	else
		execl(bin, bin, "gateway", "--listen", listen, "--upstream", "echo=builtin:echo",
		      (char *)NULL);
	_exit(127);
}

struct opts {
	int calls, seconds, conns, wrk_threads, runs;
};

/*
 * The gateway's threads: name, CPU seconds and context switches, read
 * from /proc/PID/task before and after wrk, to say which of its two
 * steady states a run was in (docs/performance.md, "MCP gateway"): the
 * worker threads of libmicrohttpd's pool each accept from the shared
 * listen socket, and one of them may take every connection.
 */
#define MAX_THREADS 64

struct thr {
	int tid;
	char name[32];
	double cpu;
	long long vol, invol; /* voluntary, involuntary context switches */
};

/* CPU seconds of thread tid of pid (/proc/PID/task/TID/stat), or -1. */
static double thread_cpu_s(pid_t pid, int tid)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, tid);
	return stat_cpu_s(path);
}

static int threads_read(pid_t pid, struct thr *t)
{
	char path[128], buf[256];
	struct dirent *de;
	DIR *d;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if (!(d = opendir(path)))
		return 0;
	while ((de = readdir(d)) && n < MAX_THREADS) {
		struct thr *x = &t[n];
		if (de->d_name[0] == '.')
			continue;
		memset(x, 0, sizeof(*x));
		x->tid = atoi(de->d_name);
		x->cpu = thread_cpu_s(pid, x->tid);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, x->tid);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(buf, sizeof(buf), f)) {
			if (!strncmp(buf, "Name:", 5))
				sscanf(buf + 5, " %31[^\n]", x->name);
			else if (!strncmp(buf, "voluntary_ctxt_switches:", 24))
				x->vol = atoll(buf + 24);
			else if (!strncmp(buf, "nonvoluntary_ctxt_switches:", 27))
				x->invol = atoll(buf + 27);
		}
		fclose(f);
		n++;
	}
	closedir(d);
	return n;
}

/*
 * Print what each thread did between two readings; the number of worker
 * threads that served calls (a worker with at least a tenth of the
 * busiest worker's CPU) into *busy.
 */
static void threads_report(const struct thr *a, int na, const struct thr *b, int nb,
			   long long calls, int *busy)
{
	double top = 0, cpu[MAX_THREADS];
	long long vol = 0, invol = 0;
	int i, j;

	for (i = 0; i < nb; i++) {
		cpu[i] = b[i].cpu;
		for (j = 0; j < na; j++)
			if (a[j].tid == b[i].tid) {
				cpu[i] -= a[j].cpu;
				vol -= a[j].vol;
				invol -= a[j].invol;
			}
		vol += b[i].vol;
		invol += b[i].invol;
		if (!strcmp(b[i].name, "MHD-worker") && cpu[i] > top)
			top = cpu[i];
	}
	*busy = 0;
	printf("  the gateway's threads during wrk (CPU s):");
	for (i = 0; i < nb; i++) {
		if (!strcmp(b[i].name, "MHD-worker") && top > 0 && cpu[i] >= top / 10)
			(*busy)++;
		if (cpu[i] > 0.005 || !strcmp(b[i].name, "MHD-worker"))
			printf(" %s %.2f", b[i].name, cpu[i]);
	}
	printf("; context switches per call: %.2f voluntary, %.2f involuntary\n",
	       calls > 0 ? (double)vol / (double)calls : 0,
	       calls > 0 ? (double)invol / (double)calls : 0);
}

/* wrk against echo.echo; fills rate, completed, errors and CPU figures. */
static int run_wrk(const struct opts *o, int port, const char *tok, const char *session,
		   pid_t gw, double *rate, long long *completed, long long *bad, double *gw_cpu,
		   double *wrk_cpu, double *wall, int *busy)
{
	struct thr ta[MAX_THREADS], tb[MAX_THREADS];
	int na, nb;
	char cmd[4096], line[512];
	double c0, c1, w0;
	int64_t t0;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "wrk.method = \"POST\"\n"
		 "wrk.body = [[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
		 "{\"name\":\"echo.echo\",\"arguments\":{\"message\":\"po-4711\"}}}]]\n"
		 "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
		 "wrk.headers[\"Accept\"] = \"application/json, text/event-stream\"\n"
		 "wrk.headers[\"MCP-Protocol-Version\"] = \"2025-06-18\"\n"
		 "wrk.headers[\"Authorization\"] = \"Bearer %s\"\n"
		 "%s%s%s", tok, session[0] ? "wrk.headers[\"Mcp-Session-Id\"] = \"" : "", session,
		 session[0] ? "\"\n" : "");
	if (write_file_in(dir, "call.lua", cmd))
		return -1;
	*completed = *bad = 0;
	*rate = 0;
	na = threads_read(gw, ta);
	c0 = proc_cpu_s(gw);
	w0 = children_cpu_s();
	t0 = now_ns();
	snprintf(cmd, sizeof(cmd), "wrk -t%d -c%d -d%ds -s '%s/call.lua' http://127.0.0.1:%d/mcp 2>&1",
		 o->wrk_threads, o->conns, o->seconds, dir, port);
	if (!(p = popen(cmd, "r")))
		return -1;
	while (fgets(line, sizeof(line), p)) {
		char *q;
		if (strstr(line, " requests in "))
			*completed = atoll(line);
		else if ((q = strstr(line, "Requests/sec:")))
			*rate = atof(q + 13);
		else if ((q = strstr(line, "Non-2xx or 3xx responses:")))
			*bad += atoll(q + 25);
		else if ((q = strstr(line, "Socket errors:"))) {
			long long a = 0, b = 0, c = 0, d = 0;
			sscanf(q, "Socket errors: connect %lld, read %lld, write %lld, timeout %lld",
			       &a, &b, &c, &d);
			*bad += a + b + c + d;
		}
	}
	pclose(p);
	*wall = (double)(now_ns() - t0) / 1e9;
	usleep(300000); /* the recorder writes what is queued */
	c1 = proc_cpu_s(gw);
	nb = threads_read(gw, tb);
	*gw_cpu = c0 >= 0 && c1 >= 0 ? c1 - c0 : -1;
	*wrk_cpu = children_cpu_s() - w0;
	threads_report(ta, na, tb, nb, *completed, busy);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 3000, 5, 32, 1, 3 };
	char tok[256], everything[1200] = "", cmd[1400];
	double p50[3][MAX_RUNS], p99[3][MAX_RUNS], lat_cpu, lat_wall;
	double fwd_us[MAX_RUNS], bi_us[MAX_RUNS]; /* the gateway's CPU per call: forwarded, builtin */
	int64_t *lat = NULL, *lat_d = NULL, *lat_t = NULL, *diff = NULL, *last_t = NULL;
	double o50r[MAX_RUNS], o99r[MAX_RUNS]; /* per run: the pairs' overhead p50, p99 */
	double ownr[MAX_RUNS], slowr[MAX_RUNS]; /* per run: slow calls the gateway's own, all slow */
	struct conn c;
	pid_t gw = -1;
	int i, r, port, ret = 1, have_up, have_wrk;

	cli_register_schema();
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--calls")) o.calls = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds")) o.seconds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--connections")) o.conns = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--wrk-threads")) o.wrk_threads = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--runs")) o.runs = atoi(argv[i + 1]);
		else {
			fprintf(stderr, "bench_gateway: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (o.calls < 100 || o.seconds < 1 || o.conns < 1 || o.wrk_threads < 1 || o.runs < 1 ||
	    o.runs > MAX_RUNS || i != argc) {
		fprintf(stderr, "usage: bench_gateway [--calls N (100 or more)] [--seconds N] "
			"[--connections N] [--wrk-threads N] [--runs N (1-%d)]\n", MAX_RUNS);
		return 2;
	}
	if (aivalue_bin(bin, sizeof(bin)))
		return 1;
	snprintf(src, sizeof(src), "%s", getenv("AIV_SRC") ? getenv("AIV_SRC") : ".");
	{
		struct stat st;
		char path[1200];
		snprintf(path, sizeof(path), "%s/%s", src, SERVER_EVERYTHING);
		if (!stat(path, &st) && system("command -v node >/dev/null 2>&1") == 0 &&
		    realpath(path, everything))
			;
		else
			everything[0] = '\0';
	}
	have_up = everything[0] != '\0';
	have_wrk = system("command -v wrk >/dev/null 2>&1") == 0;
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof(db), "%s/aivalue.db", dir);
	lat = malloc(sizeof(*lat) * (size_t)o.calls);
	lat_d = malloc(sizeof(*lat) * (size_t)o.calls);
	lat_t = malloc(sizeof(*lat) * (size_t)o.calls);
	last_t = malloc(sizeof(*lat) * (size_t)o.calls);
	diff = malloc(sizeof(*lat) * (size_t)o.calls);
	if (!lat || !lat_d || !lat_t || !last_t || !diff || setup_workspace(tok, sizeof(tok)))
		goto out;

	{
		char model[256];
		if (capture("sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1", model,
			    sizeof(model)))
			snprintf(model, sizeof(model), "unknown CPU");
		printf("MCP gateway, %ld cores (%s), load average before: %s\n",
		       sysconf(_SC_NPROCESSORS_ONLN), model, loadavg());
	}
	if ((port = free_port()) < 0 || (gw = start_gateway(port, everything)) < 0)
		goto out;
	for (i = 0; i < 200 && conn_open(&c, port); i++)
		usleep(50000);
	if (i == 200) {
		fprintf(stderr, "bench_gateway: the gateway did not start\n");
		goto out;
	}
	if (mcp_init(&c, tok)) {
		fprintf(stderr, "bench_gateway: initialize failed: HTTP %d %.300s\n", c.status,
			c.body ? c.body : "");
		goto out;
	}
	/* warm up: the first calls start the upstream, load the policy snapshot */
	if (through(&c, tok, "echo.echo", 100, lat) ||
	    (have_up && through(&c, tok, "up.echo", 100, lat)))
		goto out;

	lat_cpu = cpu_s();
	lat_wall = wall_s();
	for (r = 0; r < o.runs; r++) {
		struct pipe_up u;
		double b0 = proc_cpu_s(gw), b1;
		if (through(&c, tok, "echo.echo", o.calls, lat))
			goto out;
		b1 = proc_cpu_s(gw);
		bi_us[r] = b0 >= 0 && b1 >= 0 ? (b1 - b0) * 1e6 / o.calls : -1;
		percentiles(lat, o.calls, &p50[0][r], &p99[0][r]);
		if (!have_up)
			continue;
		{
			double g0 = proc_cpu_s(gw), g1;
			if (through(&c, tok, "up.echo", o.calls, lat))
				goto out;
			g1 = proc_cpu_s(gw);
			fwd_us[r] = g0 >= 0 && g1 >= 0 ? (g1 - g0) * 1e6 / o.calls : -1;
		}
		if (pipe_start(&u, everything) ||
		    pipe_call(&u, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
			      "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
			      "{\"name\":\"bench_gateway\",\"version\":\"1\"}}}", 1) ||
		    write_all(u.in, INITIALIZED_LINE, strlen(INITIALIZED_LINE)) ||
		    direct(&u, 100, lat)) {
			fprintf(stderr, "bench_gateway: the direct stdio upstream failed\n");
			pipe_stop(&u);
			goto out;
		}
		/*
		 * Interleaved, one direct call then one through the gateway, so
		 * that both of a pair meet the machine's load of that moment: the
		 * overhead is the distribution of the pairs' differences.
		 */
		for (i = 0; i < o.calls; i++) {
			if (direct(&u, 1, &lat_d[i]) || through(&c, tok, "up.echo", 1, &lat_t[i])) {
				fprintf(stderr, "bench_gateway: an interleaved call failed\n");
				pipe_stop(&u);
				goto out;
			}
			diff[i] = lat_t[i] - lat_d[i];
		}
		pipe_stop(&u);
		if (getenv("BENCH_GATEWAY_DUMP")) {
			char path[1200];
			FILE *f;
			snprintf(path, sizeof(path), "%s.%d", getenv("BENCH_GATEWAY_DUMP"), r);
			if ((f = fopen(path, "w"))) {
				for (i = 0; i < o.calls; i++)
					fprintf(f, "%lld %lld\n", (long long)lat_d[i], (long long)lat_t[i]);
				fclose(f);
			}
		}
		memcpy(last_t, lat_t, sizeof(*lat_t) * (size_t)o.calls); /* in call order */
		{
			int slow, own = own_tail(lat_d, lat_t, o.calls, &slow);
			ownr[r] = own;
			slowr[r] = slow;
		}
		percentiles(lat_t, o.calls, &p50[1][r], &p99[1][r]);
		percentiles(lat_d, o.calls, &p50[2][r], &p99[2][r]);
		percentiles(diff, o.calls, &o50r[r], &o99r[r]);
	}
	lat_cpu = cpu_s() - lat_cpu;
	lat_wall = wall_s() - lat_wall;
	{
		double b50 = median(p50[0], o.runs), b99 = median(p99[0], o.runs);
		printf("builtin:echo through the gateway, %d calls x %d runs, one connection: "
		       "p50 %.0f us, p99 %.0f us (the gateway's whole cost per call: HTTP, token, "
		       "decision, record)\n", o.calls, o.runs, b50, b99);
		printf("  the gateway's CPU per call, one call at a time: %.1f us (each decision "
		       "is its own transaction when nothing else is waiting)\n", median(bi_us, o.runs));
		printf("RESULT name=gateway_builtin_echo_p50 value=%.0f unit=us\n", b50);
		if (have_up) {
			double t50 = median(p50[1], o.runs), t99 = median(p99[1], o.runs);
			double d50 = median(p50[2], o.runs), d99 = median(p99[2], o.runs);
			double o50 = median(o50r, o.runs), o99 = median(o99r, o.runs);
			printf("server-everything echo over stdio, interleaved call by call: direct p50 "
			       "%.0f us, p99 %.0f us; through the gateway p50 %.0f us, p99 %.0f us\n",
			       d50, d99, t50, t99);
			printf("  overhead (through minus direct, pair by pair): p50 %.0f us (goal: under "
			       "150 us: %s), p99 %.0f us (goal: under 1 ms: %s)\n", o50,
			       o50 >= 0 && o50 < 150 ? "met" : "MISSED", o99,
			       o99 >= 0 && o99 < 1000 ? "met" : "MISSED");
			printf("  the slow tail: of the calls through the gateway above their p99 (%.0f "
			       "per run), %.0f met no slow direct call (above the direct p90) in their "
			       "pair or the pairs beside it: the gateway's own; the rest met the "
			       "machine's load (medians over the runs)\n", median(slowr, o.runs),
			       median(ownr, o.runs));
			printf("RESULT name=gateway_tail_own value=%.0f unit=calls\n",
			       median(ownr, o.runs));
			printf("  the gateway's own CPU per forwarded call (its process, not the upstream's): "
			       "%.1f us, %.1f us more than for builtin:echo; on a loaded machine the wall-clock overhead also holds the "
			       "scheduling delays of the two extra process wake-ups per call\n",
			       median(fwd_us, o.runs), median(fwd_us, o.runs) - median(bi_us, o.runs));
			printf("RESULT name=gateway_cpu_per_forwarded_call value=%.1f unit=us\n",
			       median(fwd_us, o.runs));
			printf("  this program's CPU while measuring latencies: %.2f s in %.2f s wall "
			       "(the gateway and the upstreams run in their own processes)\n", lat_cpu,
			       lat_wall);
			printf("RESULT name=gateway_overhead_p50 value=%.0f unit=us ratio=%.3f cpu_s=%.2f "
			       "wall_s=%.2f target=150 status=%s\n", o50, t50 > 0 ? d50 / t50 : 0, lat_cpu,
			       lat_wall, o50 >= 0 && o50 < 150 ? "MET" : "MISSED");
			printf("RESULT name=gateway_overhead_p99 value=%.0f unit=us target=1000 status=%s\n",
			       o99, o99 >= 0 && o99 < 1000 ? "MET" : "MISSED");
			stages_report(t50, d50, last_t, o.calls);
		} else {
			printf("overhead against the direct upstream: not measured (needs node and %s "
			       "under %s: scripts/install-test-deps, or AIV_SRC)\n", SERVER_EVERYTHING, src);
		}
	}
	if (!have_wrk) {
		printf("allowed calls per second: not measured (wrk is not installed: apt-get install wrk)\n");
		ret = 0;
		goto out;
	}
	{
		struct ledger_count before = { 0 }, after = { 0 };
		double rate, gw_cpu, wrk_cpu, wall, us;
		long long completed, bad, chained;
		int ok, busy = 0;
		usleep(300000); /* the recorder writes the last lone call's record */
		if (ledger_calls(&before) ||
		    run_wrk(&o, port, tok, c.session, gw, &rate, &completed, &bad, &gw_cpu, &wrk_cpu,
			    &wall, &busy))
			goto out;
		kill(gw, SIGTERM); /* the recorder writes what is still queued */
		waitpid(gw, NULL, 0);
		gw = -1;
		if (ledger_calls(&after))
			goto out;
		chained = after.calls - before.calls;
		us = completed > 0 && gw_cpu >= 0 ? gw_cpu * 1e6 / (double)completed : -1;
		printf("echo.echo under wrk (%d threads, %d connections, %d s): %.0f calls/s, "
		       "%lld completed, %lld errors or non-2xx (goal: 10,000 calls/s or more: %s)\n",
		       o.wrk_threads, o.conns, o.seconds, rate, completed, bad,
		       rate >= 10000 && bad == 0 ? "met" : "MISSED");
		printf("  CPU: gateway %.2f s (%.1f us per call), wrk %.2f s, wall %.2f s; "
		       "2 cores / (gateway + wrk CPU per call) = %.0f calls/s on an idle machine\n",
		       gw_cpu, us, wrk_cpu, wall,
		       completed > 0 && gw_cpu + wrk_cpu > 0 ? 2.0 * (double)completed /
		       (gw_cpu + wrk_cpu) : 0);
		/*
		 * Every call wrk completed is chained; a call in flight when wrk
		 * closed its connection (at most one per connection) may be chained
		 * without wrk counting it.
		 */
		ok = chained >= completed && chained - completed <= o.conns;
		{
			struct aiv_err err = AIV_ERR_INIT;
			struct ledger_verify_result vr;
			struct store *s = NULL;
			memset(&vr, 0, sizeof(vr));
			if (store_open(&s, db, 0, &err) || ledger_verify(s, 0, NULL, &vr, &err)) {
				fprintf(stderr, "bench_gateway: %s\n", err.msg);
				ok = 0;
			} else if (!vr.ok) {
				fprintf(stderr, "bench_gateway: the ledger does not verify: entry %lld: %s\n",
					(long long)vr.bad_seq, vr.reason);
				ok = 0;
			}
			store_close(s);
		}
		printf("  ledger: %lld allowed calls chained in %lld entries, wrk completed %lld: %s\n",
		       chained, after.entries - before.entries, completed,
		       ok ? "none missing, chain verified" : "MISMATCH");
		printf("RESULT name=gateway_calls_per_s value=%.0f unit=calls/s ratio=%.3f cpu_s=%.2f "
		       "wall_s=%.2f target=10000 status=%s\n", rate, rate / 10000.0, gw_cpu, wall,
		       rate >= 10000 && bad == 0 && ok ? "MET" : "MISSED");
		printf("RESULT name=gateway_cpu_per_call value=%.1f unit=us\n", us);
		/*
		 * Which steady state: calls per ledger entry (how many calls a
		 * commit carried) and how many worker threads served calls.
		 */
		printf("RESULT name=gateway_calls_per_commit value=%.2f unit=calls\n",
		       after.entries > before.entries ?
		       (double)chained / (double)(after.entries - before.entries) : 0);
		printf("RESULT name=gateway_busy_workers value=%d unit=threads\n", busy);
		ret = ok ? 0 : 1;
	}
	printf("load average after: %s\n", loadavg());
out:
	if (gw > 0) {
		kill(gw, SIGTERM);
		waitpid(gw, NULL, 0);
	}
	free(lat);
	free(lat_d);
	free(lat_t);
	free(last_t);
	free(diff);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_gateway: could not remove %s\n", dir);
	return ret;
}
