/*
 * bench/adoption - how fast aivalue imports and measures a year of AI
 * usage, against SQLite computing the same aggregates.
 *
 *   build/bench/bench_adoption [--scale F] [--runs N] [--no-store]
 *
 * Generates, deterministically, a year of usage for 20,000 people in 40
 * roles and 10 functions: scale 1.0 is about 50 million events (2,500 a
 * person), the default 0.02 about 1 million (the machine is shared; use
 * --scale 0.1 or 1 on a quiet one).  Then measures, printing the median
 * of N runs:
 *
 *   parse    CSV -> usage sink without a workspace (read, split, parse
 *            times and counts, resolve identity, duplicate check, SHA-256)
 *   import   the same file into a SQLite workspace, one transaction
 *   load     the columns from the workspace (utab_load: SQL read + interning)
 *   kernels  build the columnar table and compute every model 1 metric by
 *            role and month (adoption_compute), plus bytes per event
 *   sqlite   the same aggregates as SQL over the imported rows: active
 *            people per role and month, repeat users per role (active
 *            weeks >= 9 of 12), active days per person in the window
 *
 * and the ratio sqlite / kernels.  Times are CPU seconds of this process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "ingest/usage.h"
#include "metrics/adoption.h"
#include "store/store.h"

#define PEOPLE 20000
#define ROLES 40
#define FUNCTIONS 10
#define YEAR_START 20454 /* 2026-01-01 */

/*
 * CPU time of this process: the machine running the benchmark is often
 * shared, and the targets are per core, so wall time would measure the
 * neighbours.  (SQLite's file I/O waits are thereby not counted either.)
 */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

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

/* Write the CSV and fill the table with the same events; returns events. */
static int64_t generate(const char *path, double scale, struct usage_table *t)
{
	static const double weight[4] = { 0.1, 0.5, 1.2, 3.0 };
	FILE *f = fopen(path, "w");
	int64_t n = 0;
	int p, i;
	char name[32], role[32], team[32], fn[32];
	uint32_t tool_id[3], feat_id[6], wf_id[64], empty;

	if (!f)
		return -1;
	fputs("time,user,app,feature,template,actions\n", f);
	for (i = 0; i < 3; i++)
		tool_id[i] = intern_id(&t->tools, tools[i]);
	for (i = 0; i < 6; i++)
		feat_id[i] = intern_id(&t->features, features[i]);
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "tpl-%02d", i);
		wf_id[i] = intern_id(&t->workflows, name);
	}
	empty = intern_id(&t->workflows, "");
	for (p = 0; p < PEOPLE; p++) {
		snprintf(name, sizeof(name), "p%05d", p);
		snprintf(role, sizeof(role), "role-%02d", p % ROLES);
		snprintf(team, sizeof(team), "team-%03d", p % 400);
		snprintf(fn, sizeof(fn), "fn-%d", (p % 400) % FUNCTIONS);
		utab_person(t, name, role, team, fn, p % 97 == 0);
	}
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
				utab_event_ids(t, (uint32_t)p, d, tool_id[ti], feat_id[fi],
					       wi >= 0 ? wf_id[wi] : empty, cnt);
				n++;
			}
		}
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	double scale = 0.02, tp[16], ti[16], tk[16], ts[16];
	int runs = 3, use_store = 1, i, r;
	char dir[] = "/tmp/aiv-bench-XXXXXX", csv[128], db[128];
	struct usage_table t;
	struct adoption_config cfg;
	struct aiv_err err = AIV_ERR_INIT;
	int64_t n;
	size_t bytes;

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
	utab_init(&t);
	n = generate(csv, scale, &t);
	if (n <= 0)
		return 1;
	printf("bench/adoption: %d people, %lld events (scale %.3g), %d run(s) each, medians\n",
	       PEOPLE, (long long)n, scale, runs);

	for (r = 0; r < runs; r++) {
		struct usage_opts o;
		struct usage_summary sum;
		double t0 = now_s();
		memset(&o, 0, sizeof(o));
		o.format = "csv";
		o.dry_run = 1;
		o.map = "person=user,time=time,tool=app,feature=feature,workflow=template,count=actions";
		if (usage_import_file(NULL, "bench", csv, &o, &sum, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		tp[r] = now_s() - t0;
		usage_summary_release(&sum);
	}
	printf("  parse CSV (no store)      %8.3f s  %10.0f events/s\n", median(tp, runs),
	       n / median(tp, runs));

	for (r = 0; r < runs; r++) {
		struct adoption_report rep;
		struct usage_table t2;
		double t0 = now_s();
		size_t k;
		/* a fresh copy through the public builder, then finish + compute */
		utab_init(&t2);
		for (k = 0; k < t.npeople; k++)
			utab_person(&t2, intern_str(&t.names, (uint32_t)k),
				    intern_str(&t.roles, t.role[k]), intern_str(&t.teams, t.team[k]),
				    intern_str(&t.functions, t.function[k]), t.champion[k]);
		for (k = 0; k < intern_count(&t.tools); k++)
			intern_id(&t2.tools, intern_str(&t.tools, (uint32_t)k));
		for (k = 0; k < intern_count(&t.features); k++)
			intern_id(&t2.features, intern_str(&t.features, (uint32_t)k));
		for (k = 0; k < intern_count(&t.workflows); k++)
			intern_id(&t2.workflows, intern_str(&t.workflows, (uint32_t)k));
		for (k = 0; k < t.n; k++)
			utab_event_ids(&t2, t.person[k], t.day[k], t.tool[k], t.feature[k],
				       t.workflow[k], t.count[k]);
		t0 = now_s();
		utab_finish(&t2);
		adoption_compute(&t2, &cfg, PERIOD_MONTH, 0, &rep, &err);
		tk[r] = now_s() - t0;
		bytes = utab_event_bytes(&t2);
		adoption_report_release(&rep);
		utab_release(&t2);
	}
	printf("  sort + model 1 metrics    %8.3f s  (all roles, teams, functions; 12 months)\n",
	       median(tk, runs));
	printf("  memory per event          %8.1f bytes (columns + offsets)\n", (double)bytes / n);

	if (use_store) {
		struct store *s;
		struct usage_opts o;
		struct usage_summary sum;
		double t0;
		char sql[256];
		int p;
		if (store_open(&s, db, STORE_CREATE, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		store_begin(s, &err);
		for (p = 0; p < 400; p++) {
			snprintf(sql, sizeof(sql), "INSERT INTO teams(name, title, function) VALUES"
				 " ('team-%03d', 't', 'fn-%d')", p, p % FUNCTIONS);
			store_exec(s, sql, &err);
		}
		for (p = 0; p < PEOPLE; p++) {
			snprintf(sql, sizeof(sql), "INSERT INTO people(name, display_name, role, team)"
				 " VALUES ('p%05d', 'p', 'role-%02d', 'team-%03d')", p, p % ROLES, p % 400);
			store_exec(s, sql, &err);
		}
		if (store_commit(s, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		memset(&o, 0, sizeof(o));
		o.format = "csv";
		o.map = "person=user,time=time,tool=app,feature=feature,workflow=template,count=actions";
		t0 = now_s();
		if (usage_import_file(s, "bench", csv, &o, &sum, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		ti[0] = now_s() - t0;
		usage_summary_release(&sum);
		printf("  import into SQLite        %8.3f s  %10.0f events/s (one run)\n", ti[0],
		       n / ti[0]);
		{
			struct usage_table t3;
			utab_init(&t3);
			t0 = now_s();
			if (utab_load(&t3, s, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
			printf("  load columns from SQLite  %8.3f s  %10.0f events/s (utab_load, one run)\n",
			       now_s() - t0, t3.n / (now_s() - t0));
			utab_release(&t3);
		}
		usage_rows_table(s, &err); store_exec(s, "CREATE INDEX IF NOT EXISTS bench_pd ON usage_rows(person, day)", &err);
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
				" usage_events WHERE count > 0 AND day > 20818 - 28 GROUP BY person)",
				/* features per person in 12 weeks (breadth) */
				"SELECT count(*) FROM (SELECT person, count(DISTINCT feature),"
				" sum(count) FROM usage_rows WHERE day > 20818 - 84 GROUP BY person)",
			};
			size_t k;
			int64_t v;
			t0 = now_s();
			for (k = 0; k < sizeof(q) / sizeof(q[0]); k++)
				if (store_query_int(s, q[k], &v, &err)) {
					fprintf(stderr, "%s\n", err.msg);
					return 1;
				}
			ts[r] = now_s() - t0;
		}
		printf("  same aggregates in SQLite %8.3f s  (4 queries, subset of the metrics)\n",
		       median(ts, runs));
		printf("  ratio sqlite / kernels    %8.1fx\n", median(ts, runs) / median(tk, runs));
		store_close(s);
	}
	utab_release(&t);
	unlink(csv);
	unlink(db);
	{
		char wal[160];
		snprintf(wal, sizeof(wal), "%s-wal", db);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", db);
		unlink(wal);
	}
	rmdir(dir);
	return 0;
}
