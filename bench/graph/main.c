/*
 * bench/graph - the artefact dependency graph at scale, against SQLite's
 * recursive CTE over the same tables.
 *
 *   bench_graph [--scale F] [--db PATH] [--keep] [--reuse]
 *
 * --keep leaves the workspace in place; --reuse takes a kept one (same
 * scale) instead of writing it again, so the read side can be profiled.
 *
 * Generates scale * 1,000,000 artefacts and about 5 edges per artefact in
 * four layers, as an organisation's documents are:
 *
 *   policies (1%) <-governed-by- SOPs (9%) <-implements/derives-from-
 *   forms, requirements (30%) <-implements/verifies- code, tests (60%)
 *
 * Each artefact depends on 1 to 9 (mean 5) artefacts of lower layers:
 * 20% of picks go to one of ten hub policies (as every SOP cites the code
 * of conduct), 50% to the layer just above, 30% to any lower layer.  It is
 * a DAG, as cycle rules require.  Everything is written to a fresh
 * workspace through the store (the real tables, the real indexes), then:
 *
 *   load     graph_load(): SQLite -> CSR, as every command does once
 *   hub      impact closure of the biggest hub (reaches most of the graph)
 *   typical  impact closure of 1001 random artefacts (median time)
 *   merge    staleness of one merged SOP: closure over the propagating
 *            edges, each mark's cause text with its path, and the INSERT
 *            of the marks in one transaction (median of 21 SOPs)
 *   memory   graph_memory() / edges
 *   CTE      the same closures as WITH RECURSIVE in SQLite
 *
 * Every measure prints the median wall time and the median CPU time of
 * the process over several runs, and each baseline its ratio to the graph
 * both ways: on a machine shared with other jobs the wall times wait for
 * a core, and the CPU ratio is the stable one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "change/artefact.h"
#include "change/graph.h"
#include "store/store.h"
#include "cli/cmd.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(next() % n);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[n / 2];
}

/* Wall and CPU time of up to 1001 runs of one measure. */
struct meas {
	int n;
	double wall[1001], cpu[1001], w0, c0;
};
#define MEAS_INIT { 0, { 0 }, { 0 }, 0, 0 }

static void meas_start(struct meas *m)
{
	m->w0 = now_ms();
	m->c0 = cpu_ms();
}

static void meas_stop(struct meas *m)
{
	m->wall[m->n] = now_ms() - m->w0;
	m->cpu[m->n] = cpu_ms() - m->c0;
	m->n++;
}

static double meas_wall(struct meas *m)
{
	return median(m->wall, m->n);
}

static double meas_cpu(struct meas *m)
{
	return median(m->cpu, m->n);
}

static double meas_p90(struct meas *m)
{
	qsort(m->wall, (size_t)m->n, sizeof(double), cmp_d);
	return m->wall[m->n * 9 / 10];
}

static void meas_print(const char *what, struct meas *m, const char *note)
{
	double w = meas_wall(m), c = meas_cpu(m);

	if (w < 1)
		printf("%-44s %9.4f ms %9.4f ms   %s\n", what, w, c, note);
	else
		printf("%-44s %9.1f ms %9.1f ms   %s\n", what, w, c, note);
}

/* Baseline over graph: wall / wall and CPU / CPU. */
static void meas_ratio(const char *what, struct meas *base, struct meas *g)
{
	double gw = meas_wall(g), gc = meas_cpu(g);

	printf("%-44s %10.0fx %10.0fx\n", what, gw > 0 ? meas_wall(base) / gw : 0,
	       gc > 0 ? meas_cpu(base) / gc : 0);
}

static void die(const struct aiv_err *err)
{
	fprintf(stderr, "bench_graph: %s\n", err->msg);
	exit(1);
}

enum { L0, L1, L2, L3 };

int main(int argc, char **argv)
{
	double scale = 1.0, t0;
	const char *db = NULL;
	int keep = 0, reuse = 0, i, r;
	uint32_t n, m = 0, malloc_, lstart[5], hubs = 10, u, k;
	struct graph_edge *edges;
	char **ids;
	uint8_t *types;
	struct store *s = NULL;
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st;
	struct graph *g = NULL;
	struct graph_walk w;
	struct graph_query q = { 0, -1, GRAPH_ALL_EDGES };
	char dbbuf[256];
	uint64_t reached_sum = 0;

	cli_register_schema();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
			char *end;
			scale = strtod(argv[++i], &end);
			if (*end)
				scale = -1;
		}
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--keep"))
			keep = 1;
		else if (!strcmp(argv[i], "--reuse"))
			reuse = keep = 1;
		else {
			fprintf(stderr, "usage: bench_graph [--scale F] [--db PATH] [--keep] [--reuse]\n");
			return 2;
		}
	}
	if (scale <= 0 || scale > 4) {
		fprintf(stderr, "bench_graph: --scale must be in (0, 4]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	n = (uint32_t)(1000000 * scale);
	if (!db) {
		snprintf(dbbuf, sizeof(dbbuf), "/tmp/aiv-bench-graph-%d.db", (int)getpid());
		db = dbbuf;
	}
	if (reuse && access(db, F_OK))
		reuse = 0;
	if (!reuse)
		unlink(db);
	lstart[L0] = 0;
	lstart[L1] = n / 100;
	lstart[L2] = n / 10;
	lstart[L3] = n * 4 / 10;
	lstart[4] = n;

	/* ---- generate ---- */
	t0 = now_ms();
	ids = xmalloc(sizeof(*ids) * n);
	types = xmalloc(n);
	malloc_ = n * 5 + 1024;
	edges = xmalloc(sizeof(*edges) * malloc_);
	for (u = 0; u < n; u++) {
		static const char *const pre[4][2] = { { "POL", "POL" }, { "SOP", "SOP" },
						      { "FORM", "REQ" }, { "CODE", "TEST" } };
		static const uint8_t ty[4][2] = { { 1, 1 }, { 0, 0 }, { 5, 3 }, { 4, 6 } };
		int L = u < lstart[L1] ? L0 : u < lstart[L2] ? L1 : u < lstart[L3] ? L2 : L3;
		int alt = (int)(u & 1);
		char buf[32];
		uint32_t d, j, picked[9];

		snprintf(buf, sizeof(buf), "%s-%u", pre[L][alt], u);
		ids[u] = xstrdup(buf);
		types[u] = ty[L][alt];
		if (L == L0)
			continue;
		d = 1 + below(9);
		for (j = 0; j < d; j++) {
			uint32_t roll = below(100), dst, x;
			int dup = 0;
			uint8_t et;
			if (roll < 20)
				dst = below(hubs);
			else if (roll < 70)
				dst = lstart[L - 1] + below(lstart[L] - lstart[L - 1]);
			else
				dst = below(lstart[L]);
			for (x = 0; x < j; x++)
				dup |= picked[x] == dst;
			if (dup) {
				picked[j] = UINT32_MAX;
				continue;
			}
			picked[j] = dst;
			et = L == L1 ? 4 /* governed-by */
			     : L == L2 ? (alt ? 0 /* derives-from */ : 1 /* implements */)
			     : (alt ? 3 /* verifies */ : 1);
			if (roll >= 70 && below(4) == 0)
				et = 2; /* references */
			if (m == malloc_) {
				malloc_ *= 2;
				edges = xrealloc(edges, sizeof(*edges) * malloc_);
			}
			edges[m].src = u;
			edges[m].dst = dst;
			edges[m].type = et;
			m++;
		}
	}
	printf("generated %u artefacts, %u edges in %.0f ms\n", n, m, now_ms() - t0);

	/* ---- write through the store ---- */
	t0 = now_ms();
	if (reuse) {
		if (store_open(&s, db, 0, &err) || store_exec(s, "DELETE FROM stale_marks", &err))
			die(&err);
		printf("reusing %s\n", db);
		goto written;
	}
	/* bulk load: a bigger page cache, and the dst index built once at the end */
	if (store_open(&s, db, STORE_CREATE, &err) ||
	    store_exec(s, "PRAGMA cache_size = -524288", &err) || store_begin(s, &err) ||
	    store_exec(s, "DROP INDEX artefact_edges_dst", &err))
		die(&err);
	st = store_prepare(s, "INSERT INTO artefacts(id, type, title, owner, owner_kind, version,"
			   " fingerprint, num) VALUES (?, ?, ?, 'bench', 'Team', 1, ?, ?)", &err);
	if (!st)
		die(&err);
	for (u = 0; u < n; u++) {
		store_bind_text(st, 1, ids[u]);
		store_bind_text(st, 2, artefact_types[types[u]]);
		store_bind_text(st, 3, ids[u]);
		store_bind_text(st, 4, "0000000000000000000000000000000000000000000000000000000000000000");
		store_bind_int(st, 5, (int64_t)u + 1); /* what artefact.c assigns: max + 1 */
		if (store_step(st, &err) < 0)
			die(&err);
		store_reset(st);
	}
	st = store_prepare(s, "INSERT INTO artefact_edges(src, dst, type, src_num, dst_num)"
			   " VALUES (?, ?, ?, ?, ?)", &err);
	if (!st)
		die(&err);
	for (k = 0; k < m; k++) {
		store_bind_text(st, 1, ids[edges[k].src]);
		store_bind_text(st, 2, ids[edges[k].dst]);
		store_bind_text(st, 3, artefact_edge_types[edges[k].type]);
		store_bind_int(st, 4, (int64_t)edges[k].src + 1);
		store_bind_int(st, 5, (int64_t)edges[k].dst + 1);
		if (store_step(st, &err) < 0)
			die(&err);
		store_reset(st);
	}
	if (store_exec(s, "CREATE INDEX artefact_edges_dst ON artefact_edges(dst)", &err) ||
	    store_commit(s, &err))
		die(&err);
	printf("wrote them to %s in %.0f ms\n", db, now_ms() - t0);
written:

	/* ---- load ---- */
	{
		struct meas ml = MEAS_INIT, ms = MEAS_INIT, mb = MEAS_INIT;
		for (r = 0; r < 3; r++) {
			graph_free(g);
			g = NULL;
			meas_start(&ml);
			if (graph_load(s, &g, &err))
				die(&err);
			meas_stop(&ml);
		}
		printf("\n%-44s %12s %12s\n", "measure (median of runs)", "wall", "CPU");
		meas_print("load from SQLite into CSR (3 runs)", &ml, "target < 3000 ms");
		for (r = 0; r < 3; r++) {
			struct store_stmt *rd;
			int64_t sum = 0;
			meas_start(&ms);
			rd = store_prepare(s, "SELECT src_num, dst_num, type FROM artefact_edges", &err);
			if (!rd)
				die(&err);
			while (store_step(rd, &err) == STORE_ROW)
				sum += store_col_int(rd, 0) + store_col_text(rd, 2)[0];
			store_reset(rd);
			meas_stop(&ms);
			if (sum == 42)
				printf("(unlikely)\n");
		}
		meas_print("  of which stepping the edge rows in SQLite", &ms, "the floor");
		for (r = 0; r < 3; r++) {
			struct graph *g2 = NULL;
			meas_start(&mb);
			if (graph_build(&g2, n, (const char *const *)ids, types, edges, m, &err))
				die(&err);
			meas_stop(&mb);
			graph_free(g2);
		}
		meas_print("  graph_build from arrays (ids and CSR)", &mb, "");
	}
	printf("%-44s %9.1f B    (target < 150; %.1f MiB in all)\n", "memory per edge",
	       (double)graph_memory(g) / (double)m, (double)graph_memory(g) / 1048576.0);

	/* ---- hub closure ---- */
	graph_walk_init(&w);
	{
		uint32_t best = 0, bestdeg = 0, reached = 0;
		struct meas mh = MEAS_INIT, mc = MEAS_INIT;
		int ncte;
		char note[160];
		for (u = 0; u < hubs; u++)
			if (g->rev_off[u + 1] - g->rev_off[u] > bestdeg) {
				bestdeg = g->rev_off[u + 1] - g->rev_off[u];
				best = u;
			}
		graph_impact(g, best, &q, &w); /* first touch of the walk's arrays */
		for (r = 0; r < 7; r++) {
			meas_start(&mh);
			graph_impact(g, best, &q, &w);
			meas_stop(&mh);
			reached = w.norder;
		}
		snprintf(note, sizeof(note), "target < 50 ms; %s: %u direct, %u reached",
			 graph_id(g, best), bestdeg, reached);
		meas_print("hub impact closure (7 runs)", &mh, note);
		st = store_prepare(s, "WITH RECURSIVE r(id) AS (SELECT ? UNION SELECT e.src FROM"
				   " artefact_edges e JOIN r ON e.dst = r.id) SELECT count(*) - 1 FROM r",
				   &err);
		if (!st)
			die(&err);
		ncte = n > 500000 ? 1 : 3; /* keep a full-size run within a couple of minutes */
		for (r = 0; r < ncte; r++) {
			int64_t cnt;
			meas_start(&mc);
			store_bind_text(st, 1, graph_id(g, best));
			if (store_step(st, &err) != STORE_ROW)
				die(&err);
			cnt = store_col_int(st, 0);
			store_reset(st);
			meas_stop(&mc);
			if ((uint32_t)cnt != reached) {
				fprintf(stderr, "bench_graph: CTE reached %lld, graph %u\n",
					(long long)cnt, reached);
				return 1;
			}
		}
		snprintf(note, sizeof(note), "same %u reached; %d run%s", reached, ncte,
			 ncte == 1 ? "" : "s");
		meas_print("  SQLite recursive CTE, same closure", &mc, note);
		meas_ratio("  ratio CTE / graph (goal >= 20x)", &mc, &mh);
		/* machine-readable summary for tools/bench-results (docs/performance.md, "Figures") */
		printf("RESULT name=graph_cte_over_closure value=%.1f unit=x ratio=%.3f cpu_s=%.6f"
		       " target=20 status=%s\n", meas_cpu(&mh) > 0 ? meas_cpu(&mc) / meas_cpu(&mh) : 0,
		       meas_cpu(&mh) > 0 ? meas_cpu(&mc) / meas_cpu(&mh) : 0, meas_cpu(&mh),
		       meas_cpu(&mh) > 0 && meas_cpu(&mc) / meas_cpu(&mh) >= 20 ? "MET" : "MISSED");
	}

	/* ---- typical closure ---- */
	{
		uint32_t starts[1001];
		struct meas mt = MEAS_INIT, mc = MEAS_INIT;
		char note[160];
		for (i = 0; i < 1001; i++) {
			starts[i] = below(n);
			meas_start(&mt);
			graph_impact(g, starts[i], &q, &w);
			meas_stop(&mt);
			reached_sum += w.norder;
		}
		snprintf(note, sizeof(note), "target < 1 ms; p90 wall %.4f ms; mean %.0f reached",
			 meas_p90(&mt), (double)reached_sum / 1001.0);
		meas_print("typical impact closure (1001 random)", &mt, note);
		for (i = 0; i < 101; i++) {
			meas_start(&mc);
			store_bind_text(st, 1, graph_id(g, starts[i]));
			if (store_step(st, &err) != STORE_ROW)
				die(&err);
			store_reset(st);
			meas_stop(&mc);
		}
		meas_print("  SQLite recursive CTE (first 101 of them)", &mc, "");
		meas_ratio("  ratio CTE / graph", &mc, &mt);
	}

	/* ---- staleness propagation of one merge ---- */
	{
		struct graph_query pq = { 0, -1, GRAPH_ALL_EDGES & ~(1u << 2) /* not references */ };
		struct store_stmt *ins;
		uint32_t marks = 0;
		struct meas mm = MEAS_INIT;
		char note[160];
		ins = store_prepare(s, "INSERT INTO stale_marks(artefact, cr, cause, path, marked_at)"
				    " VALUES (?, ?, ?, ?, 0)", &err);
		if (!ins)
			die(&err);
		for (r = 0; r < 21; r++) {
			uint32_t sop = lstart[L1] + below(lstart[L2] - lstart[L1]);
			char cr[32];
			snprintf(cr, sizeof(cr), "CR-%d", r + 1);
			meas_start(&mm);
			graph_impact(g, sop, &pq, &w);
			if (store_begin(s, &err))
				die(&err);
			for (k = 0; k < w.norder; k++) {
				struct strbuf cause = STRBUF_INIT, path = STRBUF_INIT;
				strbuf_addf(&cause, "stale because %s went v1->v2 via ", graph_id(g, sop));
				graph_path_text(&cause, g, &w, w.order[k]);
				graph_path_text(&path, g, &w, w.order[k]);
				store_bind_text(ins, 1, graph_id(g, w.order[k]));
				store_bind_text(ins, 2, cr);
				store_bind_text(ins, 3, cause.buf);
				store_bind_text(ins, 4, path.buf);
				if (store_step(ins, &err) < 0)
					die(&err);
				store_reset(ins);
				strbuf_release(&cause);
				strbuf_release(&path);
			}
			if (store_commit(s, &err))
				die(&err);
			meas_stop(&mm);
			marks += w.norder;
		}
		snprintf(note, sizeof(note), "target < 100 ms; mean %u marks", marks / 21);
		meas_print("staleness of one merged SOP, stored (21)", &mm, note);
	}
	graph_walk_release(&w);
	graph_free(g);
	store_close(s);
	if (!keep) {
		char side[300];
		unlink(db);
		snprintf(side, sizeof(side), "%s-wal", db);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", db);
		unlink(side);
	}
	for (u = 0; u < n; u++)
		free(ids[u]);
	free(ids);
	free(types);
	free(edges);
	return 0;
}
