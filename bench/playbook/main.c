/*
 * bench/playbook - what the dashboard pays for the playbook picture
 * (phase, readiness, hypotheses, findings, roadmap, every catalog metric),
 * without and with the evidence and snapshot caches of src/assess.
 *
 *   build/bench/bench_playbook [--runs N] [--db FILE] [--threads T]
 *
 * Without --db it builds the Acme workspace the demo serves (every example
 * dataset through the real importers, as scripts/demo does) in a temporary
 * directory with build/aivalue ($AIVALUE_BIN), from the source tree in the
 * current directory ($AIVALUE_SRC_DIR).  Then, median of N runs (default
 * 15), wall and CPU seconds of this process:
 *
 *   uncached   playbook_compute() + playbook_release() with the caches off:
 *              what every overview/playbook page cost before
 *   cold       caches on, right after a state change (a ledger entry):
 *              the first request after a change
 *   cached     caches on, state unchanged: every further request
 *   metrics    evidence_get() of every catalog metric, uncached / cached
 *
 * and the in-run baseline ratio uncached / cached, which is what to
 * compare across machines (the machine is shared; absolute times vary).
 * With --threads T, T threads with their own store handles each run N
 * cached computes at once (the server's worker threads), checked to agree.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assess/playbook.h"
#include "cli/cmd.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "metrics/stats.h"

static double clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double median(double *v, size_t n)
{
	stats_sort(v, n);
	return stats_percentile_sorted(v, n, 0.5);
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "bench_playbook: failed (%d): %s\n", rc, cmd);
	return rc;
}

/* The Acme workspace of scripts/demo in dir; 0 on success. */
static int build_workspace(const char *dir, const char *db)
{
	const char *src = getenv("AIVALUE_SRC_DIR"), *bin = getenv("AIVALUE_BIN");
	char rsrc[4096], rbin[4096];
	struct strbuf cmd = STRBUF_INIT;
	int rc;

	if (!realpath(src && *src ? src : ".", rsrc) ||
	    !realpath(bin && *bin ? bin : "build/aivalue", rbin)) {
		fprintf(stderr, "bench_playbook: run from the source tree with build/aivalue built "
			"(or set AIVALUE_SRC_DIR and AIVALUE_BIN)\n");
		return -1;
	}
	strbuf_addf(&cmd,
		 "set -e; export AIVALUE_DB='%s' AIVALUE_ACTOR=bench; B='%s'; A='%s/examples/acme';"
		 " cd '%s'; $B init >/dev/null; $B apply -f \"$A\" >/dev/null;"
		 " $B identities import \"$A/usage/identities.csv\" >/dev/null;"
		 " $B import usage \"$A/usage/usage.csv\" --format csv --map person=user,time=date,"
		 "tool=app,workflow=template,count=actions >/dev/null;"
		 " $B apply -f \"$A/usage/register.yaml\" >/dev/null;"
		 " $B import journeys \"$A/usage/journeys.csv\" --format csv >/dev/null;"
		 " $B import journeys \"$A/usage/outcomes.csv\" --format csv >/dev/null;"
		 " (cd \"$A/artefacts\" && $B artefacts sync . >/dev/null);"
		 " (cd \"$A/assess\" && $B assess org --answers readiness.yaml >/dev/null);"
		 " $B apply -f \"$A/assess/hypotheses.yaml\" >/dev/null;"
		 " $B evidence --data \"$A/assess/observations.csv\" >/dev/null;"
		 " if [ -f '%s/../shared/data/eventlogs/running-example.xes' ]; then"
		 " $B import cases '%s/../shared/data/eventlogs/running-example.xes'"
		 " --name running-example >/dev/null; fi",
		 db, rbin, rsrc, dir, rsrc, rsrc);
	rc = run(cmd.buf);
	strbuf_release(&cmd);
	return rc;
}

static void touch(struct store *s)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *p = json_object();

	if (store_begin(s, &err) || ledger_append(s, "bench", "bench.touch", "bench", p, NULL, &err) ||
	    store_commit(s, &err)) {
		fprintf(stderr, "bench_playbook: %s\n", err.msg);
		exit(1);
	}
	json_decref(p);
}

/* One playbook_compute + release: wall and CPU seconds, earned phase. */
static int one(struct store *s, const struct catalog *cat, double *wall, double *cpu)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct playbook_state ps;
	double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	int earned;

	if (playbook_compute(s, cat, NULL, NULL, time_now_us(), &ps, &err)) {
		fprintf(stderr, "bench_playbook: %s\n", err.msg);
		exit(1);
	}
	earned = ps.pv.earned;
	playbook_release(&ps);
	*wall = clock_s(CLOCK_MONOTONIC) - w0;
	*cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	return earned;
}

static void metrics(struct store *s, const struct catalog *cat, double *wall, double *cpu)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { s, cat, time_now_us(), 0 };
	struct evidence_value v;
	double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	size_t i;

	for (i = 0; i < cat->nmetrics; i++)
		if (evidence_get(&env, cat->metrics[i].id, &v, &err)) {
			fprintf(stderr, "bench_playbook: %s\n", err.msg);
			exit(1);
		}
	*wall = clock_s(CLOCK_MONOTONIC) - w0;
	*cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
}

struct worker {
	const char *db;
	const struct catalog *cat;
	int runs, earned, bad;
	double wall;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	double wall, cpu, t0 = clock_s(CLOCK_MONOTONIC);
	int i;

	if (store_open(&s, w->db, 0, &err)) {
		w->bad = 1;
		return NULL;
	}
	for (i = 0; i < w->runs; i++)
		if (one(s, w->cat, &wall, &cpu) != w->earned)
			w->bad = 1;
	w->wall = clock_s(CLOCK_MONOTONIC) - t0;
	store_close(s);
	return NULL;
}

int main(int argc, char **argv)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *cat = NULL;
	struct store *s = NULL;
	const char *db = NULL;
	char dir[] = "/tmp/aiv-bench-playbook-XXXXXX", dbpath[256], rm[512];
	int runs = 15, threads = 0, i, earned, own = 0;
	double *uw, *uc, *kw, *kc, *cw, *cc, *mw, *mc, *nw, *nc;

	cli_register_schema();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_playbook [--runs N] [--db FILE] [--threads T]\n");
			return 2;
		}
	}
	if (runs < 1)
		runs = 1;
	if (!db) {
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 1;
		}
		snprintf(dbpath, sizeof(dbpath), "%s/aivalue.db", dir);
		if (build_workspace(dir, dbpath))
			return 1;
		db = dbpath;
		own = 1;
	}
	if (catalog_load(&cat, NULL, &err) || store_open(&s, db, 0, &err)) {
		fprintf(stderr, "bench_playbook: %s\n", err.msg);
		return 1;
	}
	assess_register(NULL);
	uw = xcalloc((size_t)runs * 10, sizeof(double));
	uc = uw + runs, kw = uc + runs, kc = kw + runs, cw = kc + runs, cc = cw + runs;
	mw = cc + runs, mc = mw + runs, nw = mc + runs, nc = nw + runs;

	evidence_cache_enable(0);
	earned = one(s, cat, &uw[0], &uc[0]); /* warm the page cache */
	for (i = 0; i < runs; i++) {
		one(s, cat, &uw[i], &uc[i]);
		metrics(s, cat, &mw[i], &mc[i]);
	}
	evidence_cache_enable(1);
	for (i = 0; i < runs; i++) {
		touch(s);
		one(s, cat, &kw[i], &kc[i]);
	}
	for (i = 0; i < runs; i++) {
		one(s, cat, &cw[i], &cc[i]);
		metrics(s, cat, &nw[i], &nc[i]);
	}
	printf("playbook_compute over %s (phase %d earned), median of %d runs\n",
	       own ? "the Acme workspace" : db, earned, runs);
	printf("  %-10s %10s %10s\n", "", "wall ms", "cpu ms");
	{
		double a = median(uw, runs), b = median(uc, runs), c = median(kw, runs);
		double d = median(kc, runs), e = median(cw, runs), f = median(cc, runs);
		double g = median(mw, runs), h = median(mc, runs), x = median(nw, runs);
		double y = median(nc, runs);
		printf("  %-10s %10.3f %10.3f\n", "uncached", a * 1e3, b * 1e3);
		printf("  %-10s %10.3f %10.3f\n", "cold", c * 1e3, d * 1e3);
		printf("  %-10s %10.3f %10.3f\n", "cached", e * 1e3, f * 1e3);
		printf("  metrics (%zu, evidence_get): uncached %.3f ms, cached %.3f ms (wall)\n",
		       cat->nmetrics, g * 1e3, x * 1e3);
		printf("  ratio uncached / cached: %.0fx wall, %.0fx cpu; uncached / cold: %.2fx cpu\n",
		       a / (e > 0 ? e : 1e-9), b / (f > 0 ? f : 1e-9), b / (d > 0 ? d : 1e-9));
		/* machine-readable summary for tools/bench-results (docs/performance.md, "Figures") */
		printf("RESULT name=playbook_uncached_over_cached value=%.1f unit=x ratio=%.3f"
		       " cpu_s=%.6f wall_s=%.6f\n", b / (f > 0 ? f : 1e-9), b / (f > 0 ? f : 1e-9),
		       f, e);
		(void)h;
		(void)y;
	}
	if (threads > 0) {
		struct worker *w = xcalloc((size_t)threads, sizeof(*w));
		pthread_t *t = xcalloc((size_t)threads, sizeof(*t));
		int bad = 0;
		for (i = 0; i < threads; i++) {
			w[i].db = db;
			w[i].cat = cat;
			w[i].runs = runs * 10;
			w[i].earned = earned;
			pthread_create(&t[i], NULL, work, &w[i]);
		}
		for (i = 0; i < threads; i++) {
			pthread_join(t[i], NULL);
			bad |= w[i].bad;
		}
		printf("  %d threads x %d cached computes: %.3f ms wall per compute per thread%s\n",
		       threads, runs * 10, w[0].wall / (runs * 10) * 1e3,
		       bad ? "; DISAGREED" : ", all agree");
		free(w);
		free(t);
		if (bad)
			return 1;
	}
	free(uw);
	store_close(s);
	catalog_free(cat);
	if (own) {
		snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
		run(rm);
	}
	return 0;
}
