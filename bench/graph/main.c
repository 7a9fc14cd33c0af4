/*
 * bench/graph - the artefact dependency graph at scale, against SQLite's
 * recursive CTE over the same tables.
 *
 *   bench_graph [--scale F] [--db PATH] [--keep]
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
 * Medians of several runs are printed, with the CTE/graph ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "change/artefact.h"
#include "change/graph.h"
#include "store/store.h"

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

static void die(const struct aiv_err *err)
{
	fprintf(stderr, "bench_graph: %s\n", err->msg);
	exit(1);
}

enum { L0, L1, L2, L3 };

int main(int argc, char **argv)
{
	double scale = 1.0, t0, t, times[1001];
	const char *db = NULL;
	int keep = 0, i, r;
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
		else {
			fprintf(stderr, "usage: bench_graph [--scale F] [--db PATH] [--keep]\n");
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
	/* bulk load: a bigger page cache, and the dst index built once at the end */
	if (store_open(&s, db, STORE_CREATE, &err) ||
	    store_exec(s, "PRAGMA cache_size = -524288", &err) || store_begin(s, &err) ||
	    store_exec(s, "DROP INDEX artefact_edges_dst", &err))
		die(&err);
	st = store_prepare(s, "INSERT INTO artefacts(id, type, title, owner, owner_kind, version,"
			   " fingerprint) VALUES (?, ?, ?, 'bench', 'Team', 1, ?)", &err);
	if (!st)
		die(&err);
	for (u = 0; u < n; u++) {
		store_bind_text(st, 1, ids[u]);
		store_bind_text(st, 2, artefact_types[types[u]]);
		store_bind_text(st, 3, ids[u]);
		store_bind_text(st, 4, "0000000000000000000000000000000000000000000000000000000000000000");
		if (store_step(st, &err) < 0)
			die(&err);
		store_reset(st);
	}
	st = store_prepare(s, "INSERT INTO artefact_edges(src, dst, type) VALUES (?, ?, ?)", &err);
	if (!st)
		die(&err);
	for (k = 0; k < m; k++) {
		store_bind_text(st, 1, ids[edges[k].src]);
		store_bind_text(st, 2, ids[edges[k].dst]);
		store_bind_text(st, 3, artefact_edge_types[edges[k].type]);
		if (store_step(st, &err) < 0)
			die(&err);
		store_reset(st);
	}
	if (store_exec(s, "CREATE INDEX artefact_edges_dst ON artefact_edges(dst)", &err) ||
	    store_commit(s, &err))
		die(&err);
	printf("wrote them to %s in %.0f ms\n", db, now_ms() - t0);

	/* ---- load ---- */
	{
		double cpu[3], c0;
		for (r = 0; r < 3; r++) {
			graph_free(g);
			g = NULL;
			t0 = now_ms();
			c0 = cpu_ms();
			if (graph_load(s, &g, &err))
				die(&err);
			times[r] = now_ms() - t0;
			cpu[r] = cpu_ms() - c0;
		}
		printf("\n%-44s %12s\n", "measure (median)", "value");
		printf("%-44s %9.1f ms   (target < 3000; %.1f ms of CPU: the rest is waiting for "
		       "a core or the disk)\n", "load from SQLite into CSR (3 runs)", median(times, 3),
		       median(cpu, 3));
	}
	{
		struct store_stmt *rd;
		int64_t rows = 0;
		t0 = now_ms();
		rd = store_prepare(s, "SELECT src, dst, type FROM artefact_edges", &err);
		if (!rd)
			die(&err);
		while (store_step(rd, &err) == STORE_ROW)
			rows += store_col_text(rd, 0)[0] != 0;
		store_reset(rd);
		printf("%-44s %9.1f ms   (%lld rows)\n", "  of which stepping the edge rows in SQLite",
		       now_ms() - t0, (long long)rows);
	}
	{
		struct graph *g2 = NULL;
		t0 = now_ms();
		if (graph_build(&g2, n, (const char *const *)ids, types, edges, m, &err))
			die(&err);
		printf("%-44s %9.1f ms\n", "  of which CSR build from arrays", now_ms() - t0);
		graph_free(g2);
	}
	printf("%-44s %9.1f B    (target < 150; %.1f MiB in all)\n", "memory per edge",
	       (double)graph_memory(g) / (double)m, (double)graph_memory(g) / 1048576.0);

	/* ---- hub closure ---- */
	graph_walk_init(&w);
	{
		uint32_t best = 0, bestdeg = 0, reached = 0;
		double cte[3];
		int ncte;
		for (u = 0; u < hubs; u++)
			if (g->rev_off[u + 1] - g->rev_off[u] > bestdeg) {
				bestdeg = g->rev_off[u + 1] - g->rev_off[u];
				best = u;
			}
		double cpu[5], c0;
		for (r = 0; r < 5; r++) {
			t0 = now_ms();
			c0 = cpu_ms();
			graph_impact(g, best, &q, &w);
			times[r] = now_ms() - t0;
			cpu[r] = cpu_ms() - c0;
			reached = w.norder;
		}
		t = median(times, 5);
		printf("%-44s %9.2f ms   (target < 50; %.2f ms CPU; %s: %u direct, %u reached)\n",
		       "hub impact closure (5 runs)", t, median(cpu, 5), graph_id(g, best), bestdeg,
		       reached);
		st = store_prepare(s, "WITH RECURSIVE r(id) AS (SELECT ? UNION SELECT e.src FROM"
				   " artefact_edges e JOIN r ON e.dst = r.id) SELECT count(*) - 1 FROM r",
				   &err);
		if (!st)
			die(&err);
		ncte = n > 500000 ? 1 : 3; /* keep a full-size run within a couple of minutes */
		for (r = 0; r < ncte; r++) {
			int64_t cnt;
			t0 = now_ms();
			store_bind_text(st, 1, graph_id(g, best));
			if (store_step(st, &err) != STORE_ROW)
				die(&err);
			cnt = store_col_int(st, 0);
			store_reset(st);
			cte[r] = now_ms() - t0;
			if ((uint32_t)cnt != reached) {
				fprintf(stderr, "bench_graph: CTE reached %lld, graph %u\n",
					(long long)cnt, reached);
				return 1;
			}
		}
		printf("  SQLite recursive CTE, same closure (%d run%s %9.1f ms   (same %u reached; "
		       "ratio %.0fx)\n", ncte, ncte == 1 ? ") " : "s)", median(cte, ncte), reached,
		       median(cte, ncte) / t);
	}

	/* ---- typical closure ---- */
	{
		uint32_t starts[1001];
		double cte[101];
		for (i = 0; i < 1001; i++) {
			starts[i] = below(n);
			t0 = now_ms();
			graph_impact(g, starts[i], &q, &w);
			times[i] = now_ms() - t0;
			reached_sum += w.norder;
		}
		t = median(times, 1001);
		printf("%-44s %9.4f ms   (target < 1; p90 %.4f ms; mean %.0f reached)\n",
		       "typical impact closure (1001 random)", t, times[900],
		       (double)reached_sum / 1001.0);
		for (i = 0; i < 101; i++) {
			t0 = now_ms();
			store_bind_text(st, 1, graph_id(g, starts[i]));
			if (store_step(st, &err) != STORE_ROW)
				die(&err);
			store_reset(st);
			cte[i] = now_ms() - t0;
		}
		printf("%-44s %9.4f ms   (ratio %.0fx)\n", "  SQLite recursive CTE (first 101 of them)",
		       median(cte, 101), median(cte, 101) / t);
	}

	/* ---- staleness propagation of one merge ---- */
	{
		struct graph_query pq = { 0, -1, GRAPH_ALL_EDGES & ~(1u << 2) /* not references */ };
		struct store_stmt *ins;
		uint32_t marks = 0;
		double compute[21];
		ins = store_prepare(s, "INSERT INTO stale_marks(artefact, cr, cause, path, marked_at)"
				    " VALUES (?, ?, ?, ?, 0)", &err);
		if (!ins)
			die(&err);
		for (r = 0; r < 21; r++) {
			uint32_t sop = lstart[L1] + below(lstart[L2] - lstart[L1]);
			char cr[32];
			double t1;
			snprintf(cr, sizeof(cr), "CR-%d", r + 1);
			t0 = now_ms();
			graph_impact(g, sop, &pq, &w);
			if (store_begin(s, &err))
				die(&err);
			t1 = 0;
			for (k = 0; k < w.norder; k++) {
				struct strbuf cause = STRBUF_INIT, path = STRBUF_INIT;
				double c0 = now_ms();
				strbuf_addf(&cause, "stale because %s went v1->v2 via ", graph_id(g, sop));
				graph_path_text(&cause, g, &w, w.order[k]);
				graph_path_text(&path, g, &w, w.order[k]);
				t1 += now_ms() - c0;
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
			times[r] = now_ms() - t0;
			compute[r] = t1;
			marks += w.norder;
		}
		printf("%-44s %9.2f ms   (target < 100; mean %u marks, of which %.2f ms causes)\n",
		       "staleness of one merged SOP, stored (21)", median(times, 21), marks / 21,
		       median(compute, 21));
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
