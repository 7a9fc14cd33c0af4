/*
 * bench/decide_http - decisions over HTTP: `aivalue serve` driven by wrk.
 *
 * Builds a workspace with the aivalue CLI (20 agents in one workflow,
 * permit and forbid policies, an agent token), measures the in-process
 * rate of control_decide_many (64 per transaction) on it, then starts
 * `aivalue serve`, runs wrk for --seconds with a Lua script posting one
 * decision per request to POST /api/v1/decide, and prints decisions/s,
 * p99, errors and the ratio to the in-process rate.  Afterwards it counts
 * the decisions in the decision log that are chained into the ledger and
 * checks that every 200 answer the server gave to /decide (its /metrics)
 * is chained, that wrk completed no more than the server answered, that
 * at most one request per connection (in flight when wrk closed it) was
 * chained without an answer, and verifies the chain.  It also reads the
 * server's CPU time (/proc) and wrk's, and prints the CPU per decision and
 * the rate two idle cores would reach, since the shared machine's load
 * makes wall-clock rates vary.
 *
 *   build/bench/bench_decide_http [--seconds N] [--connections N]
 *                                 [--threads N] [--wrk-threads N]
 *                                 [--mode M|all] [--idle N]
 *
 * --idle N holds N idle keep-alive connections open beside wrk's for the
 * whole run (each has made one GET /healthz), from 127.0.0.2 upwards, at
 * most IDLE_PER_ADDR per address (under the server's per-address limit):
 * a server holds idle connections, and a connection mode that scans every
 * connection per wake-up (poll, select) pays for them.
 *
 * Needs wrk (apt-get install wrk; scripts/install-test-deps) and curl;
 * without wrk it says so and exits 0.  The aivalue binary is found next to
 * the bench directory (build/aivalue) or in $AIVALUE_BIN.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bench_proc.h"
#include "control/control.h"
#include "core/timeutil.h"
#include "store/store.h"
#include "cli/cmd.h"

#define REQ_BODY "{\"action\": \"approve_invoice\", \"resource\": \"Invoice::\\\"inv-1\\\"\"," \
		 " \"context\": {\"confidence\": 0.97, \"amount\": 120}}"

static char dir[] = "/tmp/bench-decide-http.XXXXXX";
static char bin[1024], db[1100];

/* Run a shell command in the bench directory; 0 if it exited 0. */
static int run(const char *fmt, const char *a)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "cd '%s' && AIVALUE_DB='%s' AIVALUE_ACTOR=bench ", dir, db);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), fmt, a ? a : "");
	return system(cmd) != 0;
}

/*
 * From one GET /metrics (which counts itself among the 200s): the
 * server's 200 answers, and its decide requests committed inline and by
 * the writer (-1 each when absent).
 */
struct counts {
	long long ok200, inl, grp;
};

static void read_metrics(int port, const char *tok, struct counts *c)
{
	char cmd[1400], out[512];

	c->ok200 = c->inl = c->grp = -1;
	snprintf(cmd, sizeof(cmd), "curl -s -H 'Authorization: Bearer %s' "
		 "http://127.0.0.1:%d/metrics | sed -n "
		 "-e 's/^aivalue_http_requests_total{code=\"200\"} /200 /p' "
		 "-e 's/^aivalue_decide_commits_total{path=\"inline\"} /inline /p' "
		 "-e 's/^aivalue_decide_commits_total{path=\"group\"} /group /p' | tr '\\n' ' '",
		 tok, port);
	if (capture(cmd, out, sizeof(out)))
		return;
	{
		const char *q;
		if ((q = strstr(out, "200 ")))
			c->ok200 = atoll(q + 4);
		if ((q = strstr(out, "inline ")))
			c->inl = atoll(q + 7);
		if ((q = strstr(out, "group ")))
			c->grp = atoll(q + 6);
	}
}

static int64_t logged_decisions(struct store *s)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t n = -1;

	if (store_query_int(s, "SELECT count(*) FROM decision_log WHERE kind = 'decision'"
			    " AND batch_seq IS NOT NULL", &n, &err))
		fprintf(stderr, "bench_decide_http: %s\n", err.msg);
	return n;
}

/* In-process rate: control_decide_many, 64 per transaction, for ~2 s. */
static double inprocess_rate(struct store *s)
{
	struct aiv_err err = AIV_ERR_INIT, errs[64];
	struct control_engine *eng = NULL;
	struct control_request reqs[64];
	struct control_decision outs[64];
	json_t *ctx = json_pack("{s:f, s:i}", "confidence", 0.97, "amount", 120);
	int64_t t0, t;
	long long n = 0;
	size_t i;

	if (control_engine_load(s, 0, &eng, &err)) {
		fprintf(stderr, "bench_decide_http: %s\n", err.msg);
		json_decref(ctx);
		return 0;
	}
	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < 64; i++) {
		reqs[i].agent = "bot-1";
		reqs[i].action = "approve_invoice";
		reqs[i].resource = "Invoice::\"inv-1\"";
		reqs[i].context = ctx;
	}
	t0 = now_ns();
	do {
		if (control_decide_many(s, eng, "bench", reqs, 64, outs, errs, &err)) {
			fprintf(stderr, "bench_decide_http: %s\n", err.msg);
			break;
		}
		for (i = 0; i < 64; i++)
			control_decision_release(&outs[i]);
		n += 64;
		t = now_ns();
	} while (t - t0 < 2000000000LL);
	control_engine_free(eng);
	json_decref(ctx);
	return (double)n / ((double)(now_ns() - t0) / 1e9);
}

static double parse_latency_ms(const char *v)
{
	double x = atof(v);

	if (strstr(v, "us"))
		return x / 1000.0;
	if (strstr(v, "ms"))
		return x;
	if (strstr(v, "m") && !strstr(v, "ms"))
		return x * 60000.0;
	return x * 1000.0; /* "s" */
}

struct run_opts {
	int seconds, conns, threads, wrk_threads, idle;
};

#define IDLE_PER_ADDR 50

/*
 * Open n keep-alive connections to the server on port, each from
 * 127.0.0.(2 + i / IDLE_PER_ADDR), make one GET /healthz on each and
 * read its answer, and leave them open (fds[]).  The number opened.
 */
static int idle_open(int port, int n, int *fds)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	struct sockaddr_in a;
	char buf[2048];
	int i;

	for (i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		ssize_t got;
		if (fd < 0)
			break;
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(0x7f000002u + (unsigned)(i / IDLE_PER_ADDR));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
			close(fd);
			break;
		}
		a.sin_addr.s_addr = htonl(0x7f000001u);
		a.sin_port = htons((unsigned short)port);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1) ||
		    (got = read(fd, buf, sizeof(buf))) <= 0 || strncmp(buf, "HTTP/1.1 200", 12)) {
			close(fd);
			break;
		}
		fds[i] = fd;
	}
	return i;
}

/* The CPU model from /proc/cpuinfo into out. */
static const char *cpu_model(char *out, size_t n)
{
	if (capture("sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1", out, n))
		snprintf(out, n, "unknown CPU");
	return out;
}

/*
 * One server run in `mode`: start `aivalue serve`, drive it with wrk,
 * print the figures against the goal and check the ledger.  0 if every
 * answered decision is chained and the chain verifies.
 */
static int run_mode(struct store *s, const struct run_opts *o, const char *mode,
		    const char *tok, const char *ptok, double inproc)
{
	char cmd[4096], line[512], portbuf[32];
	long long completed = 0, non2xx = 0, sockerr = 0, wal_bytes = -1;
	struct counts c0, c1;
	double rps = 0, p99 = -1, srv_cpu0, srv_cpu1, wrk_cpu0, wrk_cpu1, us = -1;
	int64_t before, after, t0, t1;
	pid_t srv = -1;
	int port, i, ret = 1, nidle = 0;
	int *idle = o->idle > 0 ? calloc((size_t)o->idle, sizeof(int)) : NULL;
	FILE *p;

	if (capture("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0));"
		    " print(s.getsockname()[1]); s.close()'", portbuf, sizeof(portbuf)))
		return 1;
	port = atoi(portbuf);
	srv = fork();
	if (srv == 0) {
		char listen[64], th[16];
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
		snprintf(th, sizeof(th), "%d", o->threads);
		setenv("AIVALUE_DB", db, 1);
		setenv("AIVALUE_HTTP_MODE", mode, 1);
		execl(bin, bin, "serve", "--listen", listen, "--threads", th, "--quiet", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) {
		snprintf(cmd, sizeof(cmd), "curl -fsS http://127.0.0.1:%d/healthz >/dev/null 2>&1",
			 port);
		if (system(cmd) == 0)
			break;
		usleep(50000);
	}
	if (i == 200) {
		fprintf(stderr, "bench_decide_http: the server did not start\n");
		goto out;
	}

	snprintf(cmd, sizeof(cmd),
		 "wrk.method = \"POST\"\n"
		 "wrk.body = [[%s]]\n"
		 "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
		 "wrk.headers[\"Authorization\"] = \"Bearer %s\"\n", REQ_BODY, tok);
	if (write_file_in(dir, "decide.lua", cmd))
		goto out;
	/* the first decision loads the snapshot and starts the writer */
	snprintf(cmd, sizeof(cmd), "curl -fsS -o /dev/null -H 'Authorization: Bearer %s' "
		 "-H 'Content-Type: application/json' --data-binary '%s' "
		 "http://127.0.0.1:%d/api/v1/decide", tok, REQ_BODY, port);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_decide_http: the first decision failed\n");
		goto out;
	}
	if (idle && (nidle = idle_open(port, o->idle, idle)) < o->idle) {
		fprintf(stderr, "bench_decide_http: only %d of %d idle connections opened\n", nidle,
			o->idle);
		goto out;
	}
	before = logged_decisions(s);
	read_metrics(port, ptok, &c0);
	srv_cpu0 = proc_cpu_s(srv);
	wrk_cpu0 = children_cpu_s();
	t0 = now_ns();
	snprintf(cmd, sizeof(cmd), "wrk -t%d -c%d -d%ds --latency -s '%s/decide.lua' "
		 "http://127.0.0.1:%d/api/v1/decide 2>&1", o->wrk_threads, o->conns, o->seconds,
		 dir, port);
	if (!(p = popen(cmd, "r")))
		goto out;
	while (fgets(line, sizeof(line), p)) {
		char *q;
		if (strstr(line, " requests in ")) {
			completed = atoll(line);
			continue;
		}
		if ((q = strstr(line, "Requests/sec:")))
			rps = atof(q + 13);
		else if ((q = strstr(line, " 99%")))
			p99 = parse_latency_ms(q + 4);
		else if ((q = strstr(line, "Non-2xx or 3xx responses:")))
			non2xx = atoll(q + 25);
		else if ((q = strstr(line, "Socket errors:"))) {
			long long a = 0, b = 0, c = 0, d = 0;
			sscanf(q, "Socket errors: connect %lld, read %lld, write %lld, timeout %lld",
			       &a, &b, &c, &d);
			sockerr = a + b + c + d;
			if (sockerr)
				printf("  wrk: %s", q);
		}
	}
	pclose(p);
	t1 = now_ns();
	wrk_cpu1 = children_cpu_s();
	{
		char wal[1200];
		struct stat stw;
		snprintf(wal, sizeof(wal), "%s-wal", db);
		wal_bytes = stat(wal, &stw) ? -1 : (long long)stw.st_size;
	}
	usleep(500000); /* requests in flight when wrk stopped finish */
	srv_cpu1 = proc_cpu_s(srv);
	read_metrics(port, ptok, &c1);
	{
		/* were the idle connections still open? (the server answers; after
		 * /metrics, which counts these 200s too) */
		static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
		char buf[2048];
		int live = 0;
		for (i = 0; i < nidle; i++)
			live += write(idle[i], req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1) &&
				read(idle[i], buf, sizeof(buf)) > 0 && !strncmp(buf, "HTTP/1.1 200", 12);
		if (nidle)
			printf("  idle connections: %d open beside wrk's, %d still served after the "
			       "run\n", nidle, live);
	}
	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);
	srv = -1;
	after = logged_decisions(s);

	printf("mode %s: wrk %d threads, %d connections, %d s, server --threads %d, "
	       "%d idle connections\n", mode, o->wrk_threads, o->conns, o->seconds, o->threads,
	       nidle);
	if (completed > 0 && srv_cpu0 >= 0 && srv_cpu1 >= 0)
		us = (srv_cpu1 - srv_cpu0) * 1e6 / (double)completed;
	printf("  server CPU per decision: %.1f us (goal: 25 us or less: %s)\n", us,
	       us >= 0 && us <= 25 ? "met" : "MISSED");
	printf("  %.0f decisions/s, p99 %.2f ms, %lld non-2xx, %lld socket errors "
	       "(on this machine under its load; goals on two idle cores: 40,000/s or more %s, "
	       "p99 under 5 ms %s, no errors %s)\n", rps, p99, non2xx, sockerr,
	       rps >= 40000 ? "met" : "MISSED", p99 >= 0 && p99 < 5 ? "met" : "MISSED",
	       non2xx + sockerr == 0 ? "met" : "MISSED");
	printf("  in-process control_decide_many (64 per transaction): %.0f decisions/s; "
	       "HTTP / in-process = %.2f\n", inproc, inproc > 0 ? rps / inproc : 0);
	/* for tools/bench-results */
	printf("RESULT name=decide_http_rate_%s value=%.0f unit=decisions/s ratio=%.3f target=40000"
	       " status=%s\n", mode, rps, inproc > 0 ? rps / inproc : 0,
	       rps >= 40000 && p99 >= 0 && p99 < 5 && non2xx + sockerr == 0 ? "MET" : "MISSED");
	printf("RESULT name=decide_http_cpu_per_decision_%s value=%.1f unit=us target=25 status=%s\n",
	       mode, us, us >= 0 && us <= 25 ? "MET" : "MISSED");
	if (us >= 0) {
		double wus = (wrk_cpu1 - wrk_cpu0) * 1e6 / (double)completed;
		printf("  CPU: server %.2f s, wrk %.2f s (%.1f us per request), wall %.2f s; "
		       "2 cores / (server + wrk) = %.0f decisions/s on an idle machine\n",
		       srv_cpu1 - srv_cpu0, wrk_cpu1 - wrk_cpu0, wus, (double)(t1 - t0) / 1e9,
		       us + wus > 0 ? 2e6 / (us + wus) : 0);
	}
	printf("  WAL file after the run: %.1f MB\n", wal_bytes >= 0 ? wal_bytes / 1e6 : -1.0);
	if (c0.inl >= 0 && c1.inl >= 0 && c0.grp >= 0 && c1.grp >= 0)
		printf("  requests committed inline %lld, in the writer's group commits %lld\n",
		       c1.inl - c0.inl, c1.grp - c0.grp);
	{
		long long answered = c1.ok200 - c0.ok200 - 1; /* the first /metrics call counts itself */
		long long logged = (long long)(after - before);
		/*
		 * Every answered decision is chained, and wrk saw no answer the server
		 * did not give; a request still in flight when wrk closed its
		 * connection (at most one per connection) may be chained unanswered.
		 */
		int ok = logged >= answered && answered >= completed &&
			 logged - answered <= o->conns;
		struct aiv_err verr = AIV_ERR_INIT;
		int64_t rows = 0, batches = 0;
		char problem[256] = "";
		if (control_log_verify(s, &rows, &batches, problem, sizeof(problem), &verr) ||
		    problem[0])
			ok = 0;
		printf("  ledger: %lld decisions chained, server answered %lld (200), wrk completed "
		       "%lld (chained unanswered: %lld, in flight at stop): %s; decision log verified: "
		       "%lld rows in %lld ledger entries%s%s\n", logged, answered, completed,
		       logged - answered,
		       ok ? "none missing" : "MISMATCH", (long long)rows, (long long)batches,
		       problem[0] ? ", " : "", problem);
		ret = ok ? 0 : 1;
	}
out:
	for (i = 0; i < nidle; i++)
		close(idle[i]);
	free(idle);
	if (srv > 0) {
		kill(srv, SIGTERM);
		waitpid(srv, NULL, 0);
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "epoll", "epoll-turbo", "poll", "select",
					     "per-connection", NULL };
	struct run_opts ro = { 10, 64, 2, 2, 0 };
	const char *mode = "epoll";
	int i, ret = 1;
	struct store *s = NULL;
	struct aiv_err err = AIV_ERR_INIT;
	char tok[256], ptok[256], cmd[4096];
	double inproc;

	cli_register_schema();
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seconds")) ro.seconds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--connections")) ro.conns = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--threads")) ro.threads = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--wrk-threads")) ro.wrk_threads = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--mode")) mode = argv[i + 1];
		else if (!strcmp(argv[i], "--idle")) ro.idle = atoi(argv[i + 1]);
	}
	for (i = 0; modes[i] && strcmp(modes[i], mode); i++)
		;
	if (ro.seconds < 1 || ro.conns < 1 || ro.threads < 1 || ro.threads > 64 ||
	    ro.wrk_threads < 1 || ro.idle < 0 || ro.idle > 1000 || (!modes[i] && strcmp(mode, "all"))) {
		fprintf(stderr, "bench_decide_http: bad arguments\n");
		return 2;
	}
	if (system("command -v wrk >/dev/null 2>&1") != 0) {
		printf("decide over HTTP: skipped (wrk is not installed: apt-get install wrk)\n");
		return 0;
	}
	if (aivalue_bin(bin, sizeof(bin)))
		return 1;
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof(db), "%s/aivalue.db", dir);

	/* the workspace: 20 agents in workflow p2p, permits and forbids */
	{
		char y[16384];
		size_t o = 0;
		o += (size_t)snprintf(y + o, sizeof(y) - o,
			"kind: Team\nname: finance\ntitle: Finance\nfunction: finance\n---\n"
			"kind: Person\nname: ana\ndisplay_name: Ana\nrole: controller\nteam: finance\n"
			"---\nkind: Person\nname: bob\ndisplay_name: Bob\nrole: clerk\nteam: finance\n");
		for (i = 1; i <= 20; i++)
			o += (size_t)snprintf(y + o, sizeof(y) - o, "---\nkind: Agent\nname: bot-%d\n"
					      "owner: ana\nworkflow: p2p\n", i);
		o += (size_t)snprintf(y + o, sizeof(y) - o,
			"---\nkind: Workflow\nname: p2p\nowner: ana\nautonomy: autonomous\nsteps:\n"
			"  - name: approve\n    owner: ana\n    agents: [");
		for (i = 1; i <= 20; i++)
			o += (size_t)snprintf(y + o, sizeof(y) - o, "%sbot-%d", i > 1 ? ", " : "", i);
		snprintf(y + o, sizeof(y) - o, "]\n---\nkind: Policy\nname: ap\n"
			 "resource_types: [Invoice]\ncedar: |\n"
			 "  @id(\"ap-approve\")\n"
			 "  permit(principal in Workflow::\"p2p\", action == Action::\"approve_invoice\","
			 " resource is Invoice);\n"
			 "  @id(\"ap-review\") @escalate(\"ap-review\") @sla(\"PT4H\")\n"
			 "  forbid(principal, action == Action::\"approve_invoice\", resource)\n"
			 "  when { context.confidence.lessThan(decimal(\"0.85\")) || context.amount > 10000 };\n"
			 "  @id(\"no-weekend\")\n"
			 "  forbid(principal, action, resource) when { context has weekend && context.weekend };\n");
		if (write_file_in(dir, "org.yaml", y))
			goto out;
	}
	snprintf(cmd, sizeof(cmd), "'%s' init >/dev/null 2>&1 && '%s' apply -f org.yaml >/dev/null",
		 bin, bin);
	if (run("%s", cmd)) {
		fprintf(stderr, "bench_decide_http: cannot set up the workspace with %s\n", bin);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && AIVALUE_DB='%s' '%s' token create --name bot-1-key"
		 " --agent bot-1 2>/dev/null", dir, db, bin);
	if (capture(cmd, tok, sizeof(tok)))
		goto out;
	snprintf(cmd, sizeof(cmd), "cd '%s' && AIVALUE_DB='%s' '%s' token create --name ops"
		 " --role auditor 2>/dev/null", dir, db, bin);
	if (capture(cmd, ptok, sizeof(ptok)))
		goto out;

	if (store_open(&s, db, 0, &err)) {
		fprintf(stderr, "bench_decide_http: %s\n", err.msg);
		goto out;
	}
	inproc = inprocess_rate(s);

	{
		char when[TIME_ISO_LEN];
		time_format_us(time_now_us(), when);
		printf("decide over HTTP, %.16s UTC, %ld cores (%s), load average before: %s\n", when,
		       sysconf(_SC_NPROCESSORS_ONLN), cpu_model(cmd, sizeof(cmd)), loadavg());
	}
	inproc = inprocess_rate(s);
	ret = 0;
	for (i = 0; modes[i]; i++)
		if (!strcmp(mode, "all") || !strcmp(mode, modes[i]))
			ret |= run_mode(s, &ro, modes[i], tok, ptok, inproc);
	printf("load average after: %s\n", loadavg());
out:
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_decide_http: could not remove %s\n", dir);
	return ret;
}
