/*
 * bench/adoption - how fast aivalue imports and measures a year of AI
 * usage, against SQLite computing the same aggregates.
 *
 *   build/bench/bench_adoption [--scale F] [--runs N] [--no-store]
 *
 * Generates, deterministically, a year of usage for 20,000 people in 40
 * roles and 10 functions: scale 1.0 is about 50 million events (2,500 a
 * person), the default 0.02 about 1 million (the machine is shared; use
 * --scale 0.1 while developing).  Then measures, printing the median of
 * N runs with CPU seconds of this process and wall seconds:
 *
 *   parse    CSV -> usage sink without a workspace (read, split, parse
 *            times and counts, resolve identity, duplicate check, SHA-256)
 *   import   end to end: the same file into a fresh SQLite workspace,
 *            parse + columnar blocks + dictionaries + ledger + commit
 *   memory   peak resident memory of the process after parse and import,
 *            per event (nothing else large is held by then)
 *   load     the columns from the workspace (usage_load: decode the blocks,
 *            map ids, radix-sort by person and day)
 *   metrics  every model 1 metric by role, team, function and month
 *            (adoption_compute) on the loaded table, plus bytes per event
 *   sqlite   the baseline: the stored events as an equivalent row table
 *            (usage_rows, one row per event, indexed on person and day),
 *            then the same aggregates as SQL: active people per role and
 *            month, repeat users per role (active weeks >= 9 of 12),
 *            active days per person in the window, breadth per person
 *
 * and the ratio sqlite / (load + metrics): both read the workspace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../bench_clock.h"
#include "core/timeutil.h"
#include "ingest/usage.h"
#include "ingest/usage_load.h"
#include "metrics/adoption.h"
#include "store/store.h"
#include "cli/cmd.h"

#define PEOPLE 20000
#define ROLES 40
#define FUNCTIONS 10
#define YEAR_START 20454 /* 2026-01-01 */

/* xorshift64*: fast and deterministic */
static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 33) % n;
}

static const char *const features[] = { "chat", "document", "data-analysis", "gpt", "agent",
					"code" };
static const char *const tools[] = { "chatgpt", "copilot", "m365" };

/* Activity level of a person: 0 (rare) .. 3 (power), so the data is skewed. */
static int level(int p)
{
	int r = (int)((p * 2654435761u) % 100);

	return r < 15 ? 0 : r < 45 ? 1 : r < 90 ? 2 : 3;
}

/* Write the CSV; returns events. */
static int64_t generate(const char *path, double scale)
{
	static const double weight[4] = { 0.1, 0.5, 1.2, 3.0 };
	FILE *f = fopen(path, "w");
	int64_t n = 0;
	int p;

	if (!f)
		return -1;
	fputs("time,user,app,feature,template,actions\n", f);
	for (p = 0; p < PEOPLE; p++) {
		double want = 2500.0 * scale * weight[level(p)] / 1.1;
		int events = (int)want, day, k = 0;
		int per_day = events / 250 + 1;
		for (day = 0; day < 365 && k < events; day++) {
			int d = YEAR_START + day, e;
			if ((day + 3) % 7 >= 5 || rnd(250) >= (uint32_t)(events / per_day + 1))
				continue;
			for (e = 0; e < per_day && k < events; e++, k++) {
				int ti = (p % ROLES) < 8 ? 1 : rnd(3) == 0 ? 2 : 0;
				int fi = rnd(6), wi = rnd(4) == 0 ? (int)rnd(64) : -1;
				uint32_t cnt = 1 + rnd(5);
				int y, m, dd;
				adoption_civil(d, &y, &m, &dd);
				fprintf(f, "%04d-%02d-%02dT%02d:%02d:%02dZ,p%05d,%s,%s,%s%s,%u\n", y, m, dd,
					8 + e / 3600, (e / 60) % 60, e % 60, p, tools[ti], features[fi],
					wi >= 0 ? "tpl-" : "", wi >= 0 ? (char[3]){ (char)('0' + wi / 10),
					(char)('0' + wi % 10), 0 } : "", cnt);
				n++;
			}
		}
	}
	fclose(f);
	return n;
}

/* A fresh workspace with the generated organisation: 400 teams, 20,000 people. */
static int make_workspace(const char *db, struct store **out, struct aiv_err *err)
{
	struct store *s;
	char sql[256];
	int p, ret;

	unlink(db);
	if ((ret = store_open(&s, db, STORE_CREATE, err)))
		return ret;
	if ((ret = store_begin(s, err)))
		goto fail;
	for (p = 0; p < 400 && !ret; p++) {
		snprintf(sql, sizeof(sql), "INSERT INTO teams(name, title, function) VALUES"
			 " ('team-%03d', 't', 'fn-%d')", p, p % FUNCTIONS);
		ret = store_exec(s, sql, err);
	}
	for (p = 0; p < PEOPLE && !ret; p++) {
		snprintf(sql, sizeof(sql), "INSERT INTO people(name, display_name, role, team,"
			 " champion) VALUES ('p%05d', 'p', 'role-%02d', 'team-%03d', %d)", p,
			 p % ROLES, p % 400, p % 97 == 0);
		ret = store_exec(s, sql, err);
	}
	if (ret || (ret = store_commit(s, err))) {
		store_rollback(s);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	store_close(s);
	return ret;
}

static void remove_db(const char *db)
{
	char path[200];

	unlink(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
}

#define MAP "person=user,time=time,tool=app,feature=feature,workflow=template,count=actions"

int main(int argc, char **argv)
{
	double scale = 0.02, pc[16], pw[16], ic[16], iw[16], lc[16], lw[16], kc[16], kw[16];
	double sc[16], sw[16], t0c, t0w, rows_c, rows_w;
	int runs = 3, use_store = 1, i, r;
	char dir[] = "/tmp/aiv-bench-XXXXXX", csv[128], db[128];
	struct adoption_config cfg;
	struct aiv_err err = AIV_ERR_INIT;
	struct rusage ru;
	struct store *s = NULL;
	int64_t n;
	size_t bytes = 0, heap = 0;

	cli_register_schema();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--scale") && i + 1 < argc)
			scale = atof(argv[++i]);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-store"))
			use_store = 0;
		else {
			fprintf(stderr, "usage: bench_adoption [--scale F] [--runs N] [--no-store]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 15 || scale <= 0 || scale > 2) {
		fprintf(stderr, "bench_adoption: --runs 1..15, --scale (0, 2]\n");
		return 2;
	}
	if (!mkdtemp(dir))
		return 1;
	snprintf(csv, sizeof(csv), "%s/usage.csv", dir);
	snprintf(db, sizeof(db), "%s/bench.db", dir);
	if (adoption_config_load(&cfg, NULL, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	n = generate(csv, scale);
	if (n <= 0)
		return 1;
	printf("bench/adoption: %d people, %lld events (scale %.3g), %d run(s) each, medians\n",
	       PEOPLE, (long long)n, scale, runs);
	printf("  %-30s %9s %9s %14s\n", "", "CPU s", "wall s", "events/s (CPU)");

	for (r = 0; r < runs; r++) {
		struct usage_opts o;
		struct usage_summary sum;
		memset(&o, 0, sizeof(o));
		o.format = "csv";
		o.dry_run = 1;
		o.map = MAP;
		t0c = cpu_s();
		t0w = wall_s();
		if (usage_import_file(NULL, "bench", csv, &o, &sum, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		pc[r] = cpu_s() - t0c;
		pw[r] = wall_s() - t0w;
		usage_summary_release(&sum);
	}
	printf("  %-30s %9.3f %9.3f %14.0f\n", "parse CSV (no store)", median(pc, runs),
	       median(pw, runs), n / median(pc, runs));
	if (!use_store)
		goto done;

	for (r = 0; r < runs; r++) {
		struct usage_opts o;
		struct usage_summary sum;
		if (s)
			store_close(s);
		s = NULL;
		remove_db(db);
		if (make_workspace(db, &s, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		memset(&o, 0, sizeof(o));
		o.format = "csv";
		o.map = MAP;
		t0c = cpu_s();
		t0w = wall_s();
		if (usage_import_file(s, "bench", csv, &o, &sum, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		ic[r] = cpu_s() - t0c;
		iw[r] = wall_s() - t0w;
		if (sum.rows != n || sum.already) {
			fprintf(stderr, "bench_adoption: imported %lld rows of %lld\n",
				(long long)sum.rows, (long long)n);
			return 1;
		}
		usage_summary_release(&sum);
	}
	printf("  %-30s %9.3f %9.3f %14.0f\n", "import end to end (commit)", median(ic, runs),
	       median(iw, runs), n / median(ic, runs));
	getrusage(RUSAGE_SELF, &ru);
	printf("  %-30s %9.1f bytes/event (peak RSS %.0f MiB, after parse and import)\n",
	       "memory while importing", ru.ru_maxrss * 1024.0 / n, ru.ru_maxrss / 1024.0);

	for (r = 0; r < runs; r++) {
		struct usage_table t;
		struct adoption_report rep;
		utab_init(&t);
		t0c = cpu_s();
		t0w = wall_s();
		if (usage_load(&t, s, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		lc[r] = cpu_s() - t0c;
		lw[r] = wall_s() - t0w;
		if ((int64_t)t.n != n) {
			fprintf(stderr, "bench_adoption: loaded %zu events of %lld\n", t.n, (long long)n);
			return 1;
		}
		t0c = cpu_s();
		t0w = wall_s();
		if (adoption_compute(&t, &cfg, PERIOD_MONTH, 0, &rep, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		kc[r] = cpu_s() - t0c;
		kw[r] = wall_s() - t0w;
		bytes = utab_event_bytes(&t);
		heap = mallinfo2().uordblks + mallinfo2().hblkhd;
		adoption_report_release(&rep);
		utab_release(&t);
	}
	printf("  %-30s %9.3f %9.3f %14.0f\n", "load columns (decode + sort)", median(lc, runs),
	       median(lw, runs), n / median(lc, runs));
	printf("  %-30s %9.3f %9.3f  (by role, team, function; 12 months)\n",
	       "model 1 metrics", median(kc, runs), median(kw, runs));
	printf("  %-30s %9.3f %9.3f\n", "load + metrics", median(lc, runs) + median(kc, runs),
	       median(lw, runs) + median(kw, runs));
	printf("  %-30s %9.1f bytes/event (columns + offsets)\n", "memory of the table",
	       (double)bytes / n);
	printf("  %-30s %9.1f bytes/event (heap in use with the table and report loaded)\n",
	       "heap after load + metrics", (double)heap / n);
	getrusage(RUSAGE_SELF, &ru);
	printf("  %-30s %9.1f bytes/event (peak RSS %.0f MiB; includes the database file"
	       " pages SQLite maps)\n", "peak RSS after load", ru.ru_maxrss * 1024.0 / n,
	       ru.ru_maxrss / 1024.0);

	t0c = cpu_s();
	t0w = wall_s();
	if (usage_rows_table(s, &err) ||
	    store_exec(s, "CREATE INDEX temp.bench_pd ON usage_rows(person, day)", &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	rows_c = cpu_s() - t0c;
	rows_w = wall_s() - t0w;
	printf("  %-30s %9.3f %9.3f  (not in the ratio)\n", "baseline row table + index", rows_c,
	       rows_w);
	for (r = 0; r < runs; r++) {
		static const char *const q[] = {
			/* active people per role and month */
			"SELECT count(*) FROM (SELECT p.role, (e.day - 20454) / 30 AS m,"
			" count(DISTINCT e.person) FROM usage_rows e JOIN people p ON"
			" p.name = e.person WHERE e.count > 0 GROUP BY 1, 2)",
			/* repeat users per role: >= 9 active weeks of the last 12 */
			"SELECT count(*) FROM (SELECT p.role, count(*) FROM (SELECT person,"
			" count(DISTINCT (day - 20450) / 7) AS w FROM usage_rows WHERE"
			" count > 0 AND day > 20818 - 84 GROUP BY person) a JOIN people p ON"
			" p.name = a.person WHERE w >= 9 GROUP BY 1)",
			/* active days per person in the 28-day window */
			"SELECT count(*) FROM (SELECT person, count(DISTINCT day) FROM"
			" usage_rows WHERE count > 0 AND day > 20818 - 28 GROUP BY person)",
			/* features per person in 12 weeks (breadth) */
			"SELECT count(*) FROM (SELECT person, count(DISTINCT feature),"
			" sum(count) FROM usage_rows WHERE day > 20818 - 84 GROUP BY person)",
		};
		size_t k;
		int64_t v;
		t0c = cpu_s();
		t0w = wall_s();
		for (k = 0; k < sizeof(q) / sizeof(q[0]); k++)
			if (store_query_int(s, q[k], &v, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
		sc[r] = cpu_s() - t0c;
		sw[r] = wall_s() - t0w;
	}
	printf("  %-30s %9.3f %9.3f  (4 queries, subset of the metrics)\n",
	       "same aggregates in SQLite", median(sc, runs), median(sw, runs));
	printf("  ratio sqlite / (load + metrics)  %.1fx CPU, %.1fx wall\n",
	       median(sc, runs) / (median(lc, runs) + median(kc, runs)),
	       median(sw, runs) / (median(lw, runs) + median(kw, runs)));
	/* machine-readable summary for tools/bench-results (docs/performance.md, "Figures") */
	printf("RESULT name=adoption_sqlite_over_load_metrics value=%.3f unit=x ratio=%.3f cpu_s=%.3f"
	       " wall_s=%.3f target=1 status=%s\n",
	       median(sc, runs) / (median(lc, runs) + median(kc, runs)),
	       median(sc, runs) / (median(lc, runs) + median(kc, runs)),
	       median(lc, runs) + median(kc, runs), median(lw, runs) + median(kw, runs),
	       median(sc, runs) >= median(lc, runs) + median(kc, runs) ? "MET" : "MISSED");
done:
	if (s)
		store_close(s);
	remove_db(db);
	unlink(csv);
	rmdir(dir);
	return 0;
}
