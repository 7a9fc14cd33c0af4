/*
 * bench/pages - how fast the dashboard pages render, server side.
 *
 * Starts `aivalue serve` on a workspace as a child process, finds every
 * dashboard page by crawling the same-origin links from the overview (as
 * the browser test does: detail pages included, API, assets and sign-out
 * left out), then fetches each page N times over one loopback socket per
 * request and prints per page the median and p90 wall time in ms, the
 * server's CPU time per request (from /proc/PID/stat), the page size, and
 * the ratio of the median to a baseline measured in the same run: the
 * same server answering GET /healthz, the fixed cost of a request (connect,
 * parse, route, log, answer).  The ratio is what to compare across runs on
 * a loaded machine; the wall figures are checked against the targets
 * (every page under 100 ms median; --overview-target for the overview).
 * Two more targets, each printed MET or MISSED: the first overview after
 * start under --first-target ms wall (1000; its server CPU is printed too),
 * and the server's peak resident memory (VmHWM) after every page under
 * --rss-target MB (400).  Under it, the peaks of its anonymous (heap) and
 * file-backed parts, sampled every 5 ms: VmHWM includes the database
 * pages SQLite maps into the process (mmap_size), which are the kernel's
 * page cache, shared and reclaimable, not the server's allocations.
 *
 *   build/bench/bench_pages [--db PATH] [-n N] [--threads N] [--max-pages N]
 *                           [--target MS] [--overview-target MS] [--strict]
 *                           [--first-target MS] [--rss-target MB]
 *                           [--serve-arg ARG]... [PATH ...]
 *
 * The workspace is --db, else $AIVALUE_DB; with neither, the bench builds
 * the Acme workspace with tests/browser/workspace.sh in a temporary
 * directory (removed afterwards).  It creates a viewer token named
 * bench-pages-N in the workspace (one ledger entry) unless $AIVALUE_TOKEN
 * gives one.  PATHs given on the command line are measured instead of the
 * crawl.  The aivalue binary is build/aivalue next to the bench directory
 * or $AIVALUE_BIN.  With --strict the exit status is 1 when a page misses
 * its target (make bench runs it without).
 *
 * With --compare DB2 it compares two workspaces (the same one in SQLite
 * and in PostgreSQL, or one database and two builds with --bin-b): a
 * server on each, every page warmed --warm times on each, then fetched in
 * n pairs, one fetch from each server back to back, the first of each
 * pair alternating, so that a moment's load falls on both sides alike.
 * Per page: each side's median, the ratio of the medians, the median of
 * the pairs' own ratios (the verdict against --ratio-target, 1.5) with
 * their 25th-75th percentiles, and the CPU per request of each server and
 * of the PostgreSQL backends serving it (scheduler nanoseconds from
 * /proc/PID/task/TID/schedstat; the backends found by their client ports
 * in pg_stat_activity, read with psql); then the count of pages over.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bench_proc.h"

#define MAX_PAGES_DEFAULT 120
#define PATH_MAX_LEN 512

static char bin[1024], tmpdir[] = "/tmp/bench-pages.XXXXXX";
static int have_tmpdir;
static double ratio_target = 1.5; /* --compare: B over A */
static char bin_b[1024];          /* --compare: B's server binary when not bin */
static int warm = 1;              /* --compare: fetches of each page on each side before the pairs */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time (user + system) of process pid, in ms; -1 when unreadable. */
static double cpu_ms(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')))
		return -1;
	/* fields after the command: state is field 3; utime 14, stime 15 */
	for (i = 3; i < 14 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

/* Peak resident memory (VmHWM) of process pid, in MiB; -1 when unreadable. */
static double peak_rss_mib(pid_t pid)
{
	char path[64], line[256];
	double kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6)) {
			kib = atof(line + 6);
			break;
		}
	fclose(f);
	return kib < 0 ? -1 : kib / 1024.0;
}

/*
 * The server's resident memory split, sampled every 5 ms by a thread
 * while the bench runs: VmHWM counts the pages of the database file that
 * SQLite maps (mmap_size, store/sqlite.c) as well as the heap, and the
 * kernel keeps no peak of either part, so the bench keeps one.
 */
static struct {
	pthread_t th;
	pthread_mutex_t mu;
	pid_t pid;
	int stop, running;
	double anon, file;          /* peaks of RssAnon and RssFile, MiB */
} sampler = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void *sample_main(void *arg)
{
	char path[64], line[256];

	(void)arg;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)sampler.pid);
	for (;;) {
		double anon = -1, file = -1;
		FILE *f;
		pthread_mutex_lock(&sampler.mu);
		if (sampler.stop) {
			pthread_mutex_unlock(&sampler.mu);
			break;
		}
		pthread_mutex_unlock(&sampler.mu);
		if (!(f = fopen(path, "r")))
			break;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "RssAnon:", 8))
				anon = atof(line + 8) / 1024.0;
			else if (!strncmp(line, "RssFile:", 8))
				file = atof(line + 8) / 1024.0;
		fclose(f);
		pthread_mutex_lock(&sampler.mu);
		if (anon > sampler.anon)
			sampler.anon = anon;
		if (file > sampler.file)
			sampler.file = file;
		pthread_mutex_unlock(&sampler.mu);
		usleep(5000);
	}
	return NULL;
}

static void sampler_start(pid_t pid)
{
	sampler.pid = pid;
	sampler.anon = sampler.file = -1;
	sampler.running = !pthread_create(&sampler.th, NULL, sample_main, NULL);
}

static void sampler_stop(void)
{
	if (!sampler.running)
		return;
	pthread_mutex_lock(&sampler.mu);
	sampler.stop = 1;
	pthread_mutex_unlock(&sampler.mu);
	pthread_join(sampler.th, NULL);
	sampler.running = 0;
}

struct body {
	char *buf;
	size_t len, cap;
};

/*
 * GET path on 127.0.0.1:port with the token as a Bearer credential (the
 * dashboard accepts it as the API does; no credential when token is NULL).  The whole answer goes to b (reset
 * first).  Returns the HTTP status, or -1 on a connection error.
 */
static int fetch(int port, const char *path, const char *token, struct body *b)
{
	struct sockaddr_in a;
	char req[2048];
	int fd, status = -1;
	size_t off = 0;
	ssize_t w;

	b->len = 0;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		goto out;
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s%s"
		 "Connection: close\r\n\r\n", path, port, token ? "Authorization: Bearer " : "",
		 token ? token : "", token ? "\r\n" : "");
	while (off < strlen(req)) {
		if ((w = write(fd, req + off, strlen(req) - off)) <= 0)
			goto out;
		off += (size_t)w;
	}
	for (;;) {
		ssize_t r;

		if (b->cap - b->len < 65536) {
			b->cap = b->cap ? b->cap * 2 : 262144;
			if (!(b->buf = realloc(b->buf, b->cap)))
				abort();
		}
		r = read(fd, b->buf + b->len, b->cap - b->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		b->len += (size_t)r;
	}
	b->buf[b->len] = '\0';
	if (b->len > 12 && !strncmp(b->buf, "HTTP/1.", 7))
		status = atoi(b->buf + 9);
out:
	close(fd);
	return status;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of n sorted values, nearest rank. */
static double quantile(const double *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n + 0.999999);

	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return v[i - 1];
}

/* ---- the crawl ---- */

struct pages {
	char **p;
	size_t n, cap;
};

static int has_page(const struct pages *ps, const char *p)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->p[i], p))
			return 1;
	return 0;
}

static void add_page(struct pages *ps, const char *p)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		if (!(ps->p = realloc(ps->p, ps->cap * sizeof(*ps->p))))
			abort();
	}
	if (!(ps->p[ps->n++] = strdup(p)))
		abort();
}

/* A dashboard page path from an href value, or 0 (API, assets, other sites). */
static int page_path(const char *href, size_t len, char *out, size_t n)
{
	static const char *const skip[] = { "/api/", "/assets/", "/metrics", "/healthz",
					    "/logout", "/login" };
	size_t i, k;

	if (!len || href[0] != '/' || (len > 1 && href[1] == '/') || len >= n)
		return 0;
	for (i = 0, k = 0; i < len && href[i] != '#'; i++) {
		if (href[i] == '&' && !strncmp(href + i, "&amp;", 5)) {
			out[k++] = '&';
			i += 4;
			continue;
		}
		out[k++] = href[i];
	}
	out[k] = '\0';
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strncmp(out, skip[i], strlen(skip[i])))
			return 0;
	return k > 0;
}

static void crawl(int port, const char *token, struct pages *ps, size_t max)
{
	struct body b = { NULL, 0, 0 };
	size_t at;

	add_page(ps, "/");
	for (at = 0; at < ps->n && ps->n < max; at++) {
		const char *p;

		if (fetch(port, ps->p[at], token, &b) != 200)
			continue;
		for (p = b.buf; (p = strstr(p, "href=\"")) && ps->n < max;) {
			const char *end;
			char path[PATH_MAX_LEN];

			p += 6;
			if (!(end = strchr(p, '"')))
				break;
			if (page_path(p, (size_t)(end - p), path, sizeof(path)) && !has_page(ps, path))
				add_page(ps, path);
			p = end;
		}
	}
	free(b.buf);
}

/* ---- measuring ---- */

struct result {
	double median, p90, cpu, kb;
	int status;
};

static void measure(int port, pid_t srv, const char *token, const char *path, int n,
		    struct result *r)
{
	struct body b = { NULL, 0, 0 };
	double *t = calloc((size_t)n, sizeof(double)), c0, c1;
	int i;

	if (!t)
		abort();
	r->status = fetch(port, path, token, &b); /* warm: page cache, worker stores */
	c0 = cpu_ms(srv);
	for (i = 0; i < n; i++) {
		double t0 = now_ms();
		int st = fetch(port, path, token, &b);

		t[i] = now_ms() - t0;
		if (st != r->status)
			r->status = st;
	}
	c1 = cpu_ms(srv);
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	r->median = quantile(t, (size_t)n, 0.5);
	r->p90 = quantile(t, (size_t)n, 0.9);
	r->cpu = c0 >= 0 && c1 >= 0 ? (c1 - c0) / n : -1;
	r->kb = (double)b.len / 1024.0;
	free(t);
	free(b.buf);
}

/* The source tree: three levels up from this file (bench/pages/main.c). */
static void source_root(char *out, size_t n)
{
	char *s;
	int i;

	snprintf(out, n, "%s", __FILE__);
	for (i = 0; i < 3; i++)
		if ((s = strrchr(out, '/')))
			*s = '\0';
		else
			snprintf(out, n, ".");
}

/* ---- starting a server ---- */

/* A viewer token in db's workspace into token; 0, or -1. */
static int make_token(const char *db, char *token, size_t n)
{
	static int made; /* two tokens in one second, one workspace: --compare F F */
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "AIVALUE_DB='%s' AIVALUE_ACTOR=bench '%s' token create "
		 "--name bench-pages-%ld-%d-%d --role viewer 2>/dev/null", db, bin, (long)time(NULL),
		 (int)getpid(), made++);
	if (capture(cmd, token, n)) {
		fprintf(stderr, "bench_pages: cannot create a viewer token in '%s'\n", db);
		return -1;
	}
	return 0;
}

/* `aivalue serve` on db at a free port (into *port), answering /healthz; its pid, or -1. */
static pid_t start_server(const char *exe, const char *db, int threads,
			  const char *const *serve_args, int nserve_args, int *port)
{
	struct body b = { NULL, 0, 0 };
	pid_t srv;
	int i;

	if ((*port = free_port()) < 0)
		return -1;
	srv = fork();
	if (srv == 0) {
		char listen[64], th[32];
		const char *av[20];
		int a = 0, j;

		snprintf(listen, sizeof(listen), "127.0.0.1:%d", *port);
		snprintf(th, sizeof(th), "%d", threads);
		setenv("AIVALUE_DB", db, 1);
		/* libpq's application_name, unless the URI names one: how --compare finds its backends */
		snprintf(th, sizeof(th), "bench-pages-%d", (int)getpid());
		setenv("PGAPPNAME", th, 1);
		snprintf(th, sizeof(th), "%d", threads);
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		av[a++] = exe;
		av[a++] = "serve";
		av[a++] = "--listen";
		av[a++] = listen;
		av[a++] = "--threads";
		av[a++] = th;
		av[a++] = "--quiet";
		for (j = 0; j < nserve_args; j++)
			av[a++] = serve_args[j];
		av[a] = NULL;
		execv(exe, (char *const *)av);
		_exit(127);
	}
	if (srv < 0)
		return -1;
	for (i = 0; i < 400 && fetch(*port, "/healthz", NULL, &b) != 200; i++)
		usleep(25000);
	free(b.buf);
	if (i == 400) {
		fprintf(stderr, "bench_pages: the server on '%s' did not start\n", db);
		kill(srv, SIGTERM);
		waitpid(srv, NULL, 0);
		return -1;
	}
	return srv;
}

/* ---- --compare: two workspaces, the samples alternating ---- */

/* The scheduler's run time in ns of one task (/proc/PID/schedstat or .../task/TID/schedstat); -1. */
static double sched_ns(const char *path)
{
	unsigned long long ns;
	FILE *f;
	int ok;

	if (!(f = fopen(path, "r")))
		return -1;
	ok = fscanf(f, "%llu", &ns) == 1;
	fclose(f);
	return ok ? (double)ns : -1;
}

#define MAX_TASKS 256

/* A process's threads and their run time at one moment (nanoseconds, where /proc/PID/stat counts 10 ms ticks). */
struct tasks {
	int n, tid[MAX_TASKS];
	double ns[MAX_TASKS];
};

static void tasks_read(pid_t pid, struct tasks *t)
{
	char dir[64], path[384];
	DIR *d;
	struct dirent *e;

	t->n = 0;
	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d)) && t->n < MAX_TASKS) {
		double v;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/schedstat", dir, e->d_name);
		if ((v = sched_ns(path)) < 0)
			continue;
		t->tid[t->n] = atoi(e->d_name);
		t->ns[t->n++] = v;
	}
	closedir(d);
}

/*
 * CPU in ns between two readings of the same process: per thread, so that
 * a thread ending meanwhile does not make it negative (its last moments
 * are lost; a thread that started counts whole).
 */
static double tasks_delta(const struct tasks *a, const struct tasks *b)
{
	double sum = 0;
	int i, j;

	for (j = 0; j < b->n; j++) {
		double prev = 0;

		for (i = 0; i < a->n; i++)
			if (a->tid[i] == b->tid[j]) {
				prev = a->ns[i];
				break;
			}
		if (b->ns[j] > prev)
			sum += b->ns[j] - prev;
	}
	return sum;
}

#define MAX_BACKENDS 64

/* One of the two workspaces compared: its server and, on PostgreSQL, the server's backends. */
struct side {
	const char *db;
	char token[256];
	int port, pg, nbe;
	pid_t srv, be[MAX_BACKENDS];
};

/*
 * The PostgreSQL backends serving s->srv, from pg_stat_activity (read
 * with psql): those with the application_name start_server gave it
 * (PGAPPNAME), and those whose client_port is the local TCP port of one
 * of the server's sockets (/proc/PID/fd, /proc/PID/net/tcp*: the
 * listener's session names itself).  Leaves s->nbe at 0 when psql cannot
 * tell (the CPU column then says so).
 */
static void find_backends(struct side *s)
{
	unsigned long inodes[256];
	int ports[256], ni = 0, np = 0, i, k;
	char path[96], link[128], line[512], cmd[1400], fd[384];
	DIR *d;
	struct dirent *e;
	FILE *f;
	static const char *const tcp[] = { "tcp", "tcp6" };

	s->nbe = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)s->srv);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d)) && ni < 256) {
		ssize_t len;

		snprintf(fd, sizeof(fd), "%s/%s", path, e->d_name);
		if ((len = readlink(fd, link, sizeof(link) - 1)) <= 0)
			continue;
		link[len] = '\0';
		if (!strncmp(link, "socket:[", 8))
			inodes[ni++] = strtoul(link + 8, NULL, 10);
	}
	closedir(d);
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)s->srv, tcp[k]);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof(line), f) && np < 256) {
			char local[64];
			unsigned long ino;
			const char *colon;

			/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
			if (sscanf(line, "%*s %63s %*s %*s %*s %*s %*s %*s %*s %lu", local, &ino) != 2)
				continue;
			if (!(colon = strrchr(local, ':')))
				continue;
			for (i = 0; i < ni; i++)
				if (inodes[i] == ino)
					ports[np++] = (int)strtol(colon + 1, NULL, 16);
		}
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "PGCONNECT_TIMEOUT=5 PGAPPNAME=bench-pages psql -XAtq -F ' ' '%s'"
		 " -c \"SELECT pid, CASE WHEN application_name = 'bench-pages-%d' THEN 0 ELSE"
		 " coalesce(client_port, -1) END FROM pg_stat_activity WHERE pid <> pg_backend_pid()\""
		 " 2>/dev/null", s->db, (int)s->srv);
	if (!(f = popen(cmd, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		int pid, port, ours;

		if (sscanf(line, "%d %d", &pid, &port) != 2)
			continue;
		ours = !port; /* 0: named by its application_name */
		for (i = 0; i < np && !ours; i++)
			ours = ports[i] == port;
		if (ours && s->nbe < MAX_BACKENDS)
			s->be[s->nbe++] = pid;
	}
	pclose(f);
}

/* The backends' CPU in ns (0 when none are known). */
static double backends_ns(const struct side *s)
{
	char path[64];
	double sum = 0, v;
	int i;

	for (i = 0; i < s->nbe; i++) {
		snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)s->be[i]);
		if ((v = sched_ns(path)) > 0)
			sum += v;
	}
	return sum;
}

/* One timed fetch on side s: wall ms into *ms, CPU ns added to cpu[0] (server), cpu[1] (backends). */
static int timed_fetch(const struct side *s, const char *path, struct body *b, double *ms,
		       double cpu[2])
{
	static struct tasks t0, t1;
	double b0, b1, w0;
	int st;

	tasks_read(s->srv, &t0);
	b0 = backends_ns(s);
	w0 = now_ms();
	st = fetch(s->port, path, s->token, b);
	*ms = now_ms() - w0;
	tasks_read(s->srv, &t1);
	b1 = backends_ns(s);
	cpu[0] += tasks_delta(&t0, &t1);
	if (b1 > b0)
		cpu[1] += b1 - b0;
	return st;
}

static const char *side_name(const struct side *s)
{
	return s->pg ? "PostgreSQL" : "SQLite";
}

/* The backends' CPU per request in ms as text, "-" when none are known (a buffer per side j). */
static const char *be_ms(const struct side *s, int j, double ns, int n)
{
	static char buf[2][32];
	char *out = buf[j];

	if (!s->nbe)
		return "-";
	snprintf(out, sizeof(buf[0]), "%.3f", ns / 1e6 / n);
	return out;
}

/*
 * --compare DB2: the same pages from two servers, one on each workspace
 * (the same workspace in two backends), their samples alternating: for
 * each page, n pairs, each one fetch from each server back to back, the
 * first of the pair swapping every time (A B, B A, A B, ...), so that
 * whatever the machine does meanwhile falls on both sides alike.  Per
 * page: each side's median, the ratio of the medians (B over A), the
 * verdict (below) with the 25th and 75th percentiles of the n pairs'
 * own ratios, and CPU per request of each server and of the PostgreSQL
 * backends serving it (scheduler nanoseconds).  The second fetch of a
 * pair is slower, so the verdict is the geometric mean of the median
 * ratio of the pairs with A first and of those with B first: each order
 * weighs alike whatever n is.  A page is over when it is above
 * --ratio-target (1.5), failed when a fetch was not answered 200 (a
 * failed page is neither over nor the worst: bench-pg reports MISSED).
 */
static int compare_run(const char *db, const char *token, pid_t srv, int port, const char *db2,
		       int threads, const char *const *serve_args, int nserve_args, int n,
		       struct pages *ps, size_t max_pages)
{
	struct side sd[2];
	struct body b = { NULL, 0, 0 };
	double *ta = calloc((size_t)n, sizeof(double)), *tb = calloc((size_t)n, sizeof(double));
	double *rr = calloc((size_t)n, sizeof(double)), worst = 0;
	double *ro = calloc((size_t)n, sizeof(double));
	const char *worst_page = "";
	int over = 0, failed = 0, ret = 1, i, j, st;
	size_t k;

	if (!ta || !tb || !rr || !ro)
		abort();
	memset(sd, 0, sizeof(sd));
	sd[0].db = db;
	sd[0].srv = srv;
	sd[0].port = port;
	snprintf(sd[0].token, sizeof(sd[0].token), "%s", token);
	sd[1].db = db2;
	sd[1].srv = -1;
	for (j = 0; j < 2; j++)
		sd[j].pg = !strncmp(sd[j].db, "postgres", 8);
	if (make_token(db2, sd[1].token, sizeof(sd[1].token)) ||
	    (sd[1].srv = start_server(bin_b[0] ? bin_b : bin, db2, threads, serve_args, nserve_args, &sd[1].port)) < 0)
		goto out;
	if (!ps->n)
		crawl(sd[0].port, sd[0].token, ps, max_pages);
	/* warm both: every page --warm times on each (page cache, prepared statements, kept pages) */
	for (i = 0; i < warm; i++)
		for (k = 0; k < ps->n; k++)
			for (j = 0; j < 2; j++)
				fetch(sd[j].port, ps->p[k], sd[j].token, &b);
	for (j = 0; j < 2; j++)
		if (sd[j].pg)
			find_backends(&sd[j]);
	printf("dashboard pages compared: %zu pages x %d pairs of fetches, A = %s (%s), B = %s (%s%s%s),"
	       " server --threads %d; each pair one fetch of each, the first of the pair"
	       " alternating\n", ps->n, n, side_name(&sd[0]), sd[0].db, side_name(&sd[1]), sd[1].db,
	       bin_b[0] ? ", server " : "", bin_b, threads);
	for (j = 0; j < 2; j++)
		if (sd[j].pg)
			printf("%s backends serving %s's server: %d found%s\n", side_name(&sd[j]),
			       j ? "B" : "A", sd[j].nbe, sd[j].nbe ? "" : " (no backend CPU)");
	printf("warm-up: every page fetched %d time%s on each side before the pairs\n", warm,
	       warm == 1 ? "" : "s");
	printf("load average before: %s\n", loadavg());
	printf("%-44s %9s %9s %6s %6s %11s %8s %8s %8s %8s  %s\n", "page", "A med ms", "B med ms",
	       "B/A", "pairs", "p25-p75", "A cpu", "A pg", "B cpu", "B pg", "1.5x");
	for (k = 0; k < ps->n; k++) {
		double ca[2] = { 0, 0 }, cb[2] = { 0, 0 }, ma, mb, mr, mab, mba;
		int sa = 200, sb = 200;
		char iqr[32];

		for (i = 0; i < n; i++) {
			int first = i & 1; /* 0: A then B; 1: B then A */

			for (j = 0; j < 2; j++) {
				int w = j ^ first;

				st = timed_fetch(&sd[w], ps->p[k], &b, w ? &tb[i] : &ta[i],
						 w ? cb : ca);
				if (st != 200)
					*(w ? &sb : &sa) = st;
			}
			rr[i] = ta[i] > 0 ? tb[i] / ta[i] : 0;
		}
		/* the pairs of each order apart (A first: even i; B first: odd i), so
		 * that the second fetch's handicap weighs on both sides alike */
		for (i = 0; i < n; i++)
			ro[(i & 1) ? n - 1 - i / 2 : i / 2] = rr[i];
		qsort(ro, (size_t)(n + 1) / 2, sizeof(double), cmp_double);
		qsort(ro + (n + 1) / 2, (size_t)n / 2, sizeof(double), cmp_double);
		mab = quantile(ro, (size_t)(n + 1) / 2, 0.5);
		mba = n > 1 ? quantile(ro + (n + 1) / 2, (size_t)n / 2, 0.5) : mab;
		qsort(ta, (size_t)n, sizeof(double), cmp_double);
		qsort(tb, (size_t)n, sizeof(double), cmp_double);
		qsort(rr, (size_t)n, sizeof(double), cmp_double);
		ma = quantile(ta, (size_t)n, 0.5);
		mb = quantile(tb, (size_t)n, 0.5);
		mr = sqrt(mab * mba); /* geometric mean of the two orders' medians */
		if (sa != 200 || sb != 200)
			failed++;
		else if (mr > ratio_target)
			over++;
		if (sa == 200 && sb == 200 && mr > worst) {
			worst = mr;
			worst_page = ps->p[k];
		}
		snprintf(iqr, sizeof(iqr), "%.2f-%.2f", quantile(rr, (size_t)n, 0.25),
			 quantile(rr, (size_t)n, 0.75));
		printf("%-44.44s %9.3f %9.3f %6.2f %6.2f %11s %8.3f %8s %8.3f %8s  %s",
		       ps->p[k], ma, mb, ma > 0 ? mb / ma : 0, mr, iqr, ca[0] / 1e6 / n,
		       be_ms(&sd[0], 0, ca[1], n), cb[0] / 1e6 / n, be_ms(&sd[1], 1, cb[1], n),
		       sa != 200 || sb != 200 ? "FAILED" : mr > ratio_target ? "over" : "MET");
		if (sa != 200 || sb != 200)
			printf(" (status A %d, B %d)", sa, sb);
		printf("\n");
		fflush(stdout);
	}
	printf("(ms: medians of wall per request; B/A: ratio of the medians; pairs: geometric mean of"
	       " the two orders' median ratios, the verdict; cpu, pg: ms of CPU per request, the server's and its"
	       " PostgreSQL backends')\n");
	printf("load average after: %s\n", loadavg());
	printf("pages over %.2fx (the two orders' median ratios, their geometric mean): %d of %zu\n", ratio_target, over,
	       ps->n);
	printf("pages failed (a fetch not answered 200): %d of %zu\n", failed, ps->n);
	printf("worst page: %s %.2f\n", worst_page, worst);
	ret = 0;
out:
	if (sd[1].srv > 0) {
		kill(sd[1].srv, SIGTERM);
		waitpid(sd[1].srv, &st, 0);
	}
	free(ta);
	free(tb);
	free(rr);
	free(ro);
	free(b.buf);
	return ret;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_pages [--db PATH] [-n N] [--threads N] [--max-pages N] "
		"[--target MS] [--overview-target MS] [--first-target MS] [--rss-target MB]"
		" [--strict] [--serve-arg ARG]... [--compare DB2 [--bin-b AIVALUE] [--warm N] [--ratio-target X]]"
		" [PATH ...]\n");
}

int main(int argc, char **argv)
{
	const char *db = getenv("AIVALUE_DB"), *token_env = getenv("AIVALUE_TOKEN");
	char dbbuf[1200], cmd[4096], token[256], root[1024];
	int n = 20, threads = 2, max_pages = MAX_PAGES_DEFAULT, port, i, st, ret = 1, over = 0;
	int strict = 0, first_status = 0;
	double first_ms = 0, first_cpu = 0, rss = -1, run_cpu0 = 0, run_cpu = 0;
	double target = 100, overview_target = 100, first_target = 1000, rss_target = 400;
	struct pages ps = { NULL, 0, 0 };
	struct result base, *res = NULL;
	struct body b = { NULL, 0, 0 };
	pid_t srv = -1;
	size_t k;
	const char *serve_args[8], *compare = NULL;
	int nserve_args = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--serve-arg") && i + 1 < argc && nserve_args < 7)
			serve_args[nserve_args++] = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--max-pages") && i + 1 < argc)
			max_pages = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--target") && i + 1 < argc)
			target = atof(argv[++i]);
		else if (!strcmp(argv[i], "--overview-target") && i + 1 < argc)
			overview_target = atof(argv[++i]);
		else if (!strcmp(argv[i], "--first-target") && i + 1 < argc)
			first_target = atof(argv[++i]);
		else if (!strcmp(argv[i], "--rss-target") && i + 1 < argc)
			rss_target = atof(argv[++i]);
		else if (!strcmp(argv[i], "--compare") && i + 1 < argc)
			compare = argv[++i];
		else if (!strcmp(argv[i], "--bin-b") && i + 1 < argc)
			snprintf(bin_b, sizeof(bin_b), "%s", argv[++i]);
		else if (!strcmp(argv[i], "--warm") && i + 1 < argc)
			warm = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ratio-target") && i + 1 < argc)
			ratio_target = atof(argv[++i]);
		else if (!strcmp(argv[i], "--strict"))
			strict = 1;
		else if (argv[i][0] == '/')
			add_page(&ps, argv[i]);
		else {
			usage();
			return 2;
		}
	}
	if (n < 1 || n > 10000 || threads < 1 || threads > 64 || max_pages < 1) {
		usage();
		return 2;
	}
	if (getenv("AIVALUE_BIN")) {
		snprintf(bin, sizeof(bin), "%s", getenv("AIVALUE_BIN"));
	} else {
		char self[900], *slash;
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (len <= 0)
			return 1;
		self[len] = '\0';
		for (i = 0; i < 2; i++)
			if ((slash = strrchr(self, '/')))
				*slash = '\0'; /* build/bench, then build */
		snprintf(bin, sizeof(bin), "%s/aivalue", self);
	}
	if (!db || !*db) {
		source_root(root, sizeof(root));
		if (!mkdtemp(tmpdir))
			return 1;
		have_tmpdir = 1;
		snprintf(dbbuf, sizeof(dbbuf), "%s/aivalue.db", tmpdir);
		db = dbbuf;
		snprintf(cmd, sizeof(cmd), "cd '%s' && AIVALUE_BIN='%s' AIVALUE_DB='%s' sh "
			 "'%s/tests/browser/workspace.sh'", tmpdir, bin, db, root);
		printf("bench_pages: building the Acme workspace in %s\n", tmpdir);
		fflush(stdout);
		if (system(cmd)) {
			fprintf(stderr, "bench_pages: cannot build the workspace (%s)\n", cmd);
			goto out;
		}
	}
	if (token_env && *token_env) {
		snprintf(token, sizeof(token), "%s", token_env);
	} else if (make_token(db, token, sizeof(token))) {
		goto out;
	}
	if ((srv = start_server(bin, db, threads, serve_args, nserve_args, &port)) < 0)
		goto out;
	if (compare) {
		ret = compare_run(db, token, srv, port, compare, threads, serve_args, nserve_args,
				  n, &ps, (size_t)max_pages);
		goto out;
	}
	sampler_start(srv);
	run_cpu0 = cpu_ms(srv);
	/* The first overview after start computes the playbook with every cache
	 * cold: what a reader sees right after any change to the workspace. */
	{
		double t0 = now_ms(), c0 = cpu_ms(srv);
		first_status = fetch(port, "/", token, &b);
		first_ms = now_ms() - t0;
		first_cpu = cpu_ms(srv) - c0;
	}
	if (!ps.n)
		crawl(port, token, &ps, (size_t)max_pages);
	res = calloc(ps.n, sizeof(*res));
	measure(port, srv, NULL, "/healthz", n, &base);
	for (k = 0; k < ps.n; k++)
		measure(port, srv, token, ps.p[k], n, &res[k]);
	rss = peak_rss_mib(srv); /* after every page: the peak a reader's visit costs */
	run_cpu = cpu_ms(srv) - run_cpu0;
	sampler_stop();

	printf("dashboard pages: %zu pages x %d fetches, server --threads %d, workspace %s\n",
	       ps.n, n, threads, db);
	printf("server CPU over the run (first /, crawl, every fetch): %.2f s\n", run_cpu / 1000);
	printf("baseline GET /healthz: median %.2f ms, p90 %.2f ms, server CPU %.2f ms\n",
	       base.median, base.p90, base.cpu);
	printf("first GET / after start (caches cold): %.2f ms wall, server CPU %.2f ms, status %d:"
	       " %s (target %.0f ms wall)\n", first_ms, first_cpu, first_status,
	       first_status == 200 && first_ms <= first_target ? "MET" : "MISSED", first_target);
	printf("server peak resident memory after every page: %.1f MiB: %s (target %.0f MB)\n",
	       rss, rss >= 0 && rss * 1.048576 <= rss_target ? "MET" : "MISSED", rss_target);
	printf("  its two parts' own peaks, sampled every 5 ms: heap and other anonymous memory %.1f MiB,"
	       " file-backed (the mapped database and the binary) %.1f MiB\n", sampler.anon,
	       sampler.file);
	printf("%-44s %6s %9s %9s %9s %8s %8s  %s\n", "page", "status", "median ms", "p90 ms",
	       "cpu ms", "KiB", "x base", "target");
	for (k = 0; k < ps.n; k++) {
		double t = strcmp(ps.p[k], "/") ? target : overview_target;
		int miss = res[k].status != 200 || res[k].median > t;

		over += miss;
		printf("%-44.44s %6d %9.2f %9.2f %9.2f %8.1f %8.1f  %s %.0f ms\n", ps.p[k],
		       res[k].status, res[k].median, res[k].p90, res[k].cpu, res[k].kb,
		       base.median > 0 ? res[k].median / base.median : 0,
		       miss ? "MISSED" : "ok", t);
	}
	printf("%d of %zu pages missed their target\n", over, ps.n);
	{
		/* machine-readable summary for tools/bench-results: the slowest page, as a
		 * multiple of the /healthz baseline measured in the same run */
		double worst = 0, worst_cpu = 0;
		for (k = 0; k < ps.n; k++)
			if (res[k].median > worst) {
				worst = res[k].median;
				worst_cpu = res[k].cpu;
			}
		printf("RESULT name=pages_slowest_median value=%.2f unit=ms ratio=%.3f cpu_s=%.4f"
		       " wall_s=%.4f target=%.0f status=%s\n", worst,
		       base.median > 0 ? worst / base.median : 0, worst_cpu / 1e3, worst / 1e3,
		       target, over ? "MISSED" : "MET");
	}
	over += first_status != 200 || first_ms > first_target;
	over += rss < 0 || rss * 1.048576 > rss_target;
	ret = over && strict ? 1 : 0;
out:
	sampler_stop();
	if (srv > 0) {
		kill(srv, SIGTERM);
		waitpid(srv, &st, 0);
	}
	if (have_tmpdir) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			fprintf(stderr, "bench_pages: could not remove %s\n", tmpdir);
	}
	for (k = 0; k < ps.n; k++)
		free(ps.p[k]);
	free(ps.p);
	free(res);
	free(b.buf);
	return ret;
}
