/*
 * bench/value - how fast `aivalue value` computes its report on a large
 * workspace, against SQLite computing the same cost aggregates.
 *
 *   build/bench/bench_value --db WORKSPACE [--runs N]
 *
 * WORKSPACE is an existing workspace with a PriceBook, unit values,
 * hypotheses and usage, e.g. the large demo (it applies all of them;
 * generating it takes minutes, so never in make test):
 *
 *   aivalue --db /tmp/large.db demo --size large --dir /tmp/large-data
 *   build/bench/bench_value --db /tmp/large.db --runs 5
 *
 * Without --db it says so and exits 0 (so `make bench` passes on a
 * machine without a demo workspace).  Opened read-only, changed never.
 * The first run warms the page cache and is not counted; then the median
 * of N runs, CPU seconds of this process and wall seconds (the machine is
 * shared: both, and the load average):
 *
 *   value     value_compute(), all that `aivalue value --by model` computes:
 *             the cost by initiative, by initiative and model and by month
 *             (cost_compute twice: by month, and by initiative and model
 *             folded into by initiative), every hypothesis evaluated with
 *             its seeded bootstrap, the unit values, pricing and ROI
 *   sqlite    the cost quantities as SQL over the same tables
 *             (bench/cost/cost_bench.h: seat months by team and month,
 *             tokens by model and month, agent decisions and tool calls);
 *             no prices by date, no unused seats, no hypotheses: SQLite
 *             does less work here
 *
 * and the ratio sqlite / value.  Issue 19's goal: value under 1 s warm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assess/evidence.h"
#include "assess/playbook.h"
#include "assess/value.h"
#include "catalog/catalog.h"
#include "cli/cmd.h"
#include "core/timeutil.h"
#include "store/store.h"

#include "../cost/cost_bench.h"

int main(int argc, char **argv)
{
	double vc[MAX_RUNS], vw[MAX_RUNS], sc[MAX_RUNS], sw[MAX_RUNS], load[3] = { 0, 0, 0 };
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *cat = NULL;
	const char *db;
	struct store *s = NULL;
	struct value_report r;
	int64_t now = time_now_us(), v;
	int runs, i, k;

	if ((k = bench_db_options("bench_value", argc, argv, &db, &runs)) >= 0)
		return k;
	cli_register_schema();
	if (catalog_load(&cat, NULL, &err) || store_open(&s, db, STORE_READONLY, &err)) {
		fprintf(stderr, "bench_value: %s\n", err.msg);
		catalog_free(cat);
		return 1;
	}
	assess_register(NULL);  /* the event-log reader and providers, as the CLI does */
	evidence_cache_enable(0); /* each `aivalue value` is a new process: no evidence cache */
	for (i = -1; i < runs; i++) { /* run -1 warms the page cache, not counted */
		double c0 = cpu_s(), w0 = wall_s();

		if (value_compute(s, cat, now, now, &r, &err)) {
			fprintf(stderr, "bench_value: %s\n", err.msg);
			store_close(s);
			catalog_free(cat);
			return 1;
		}
		if (i == -1)
			printf("workspace %s: %zu hypotheses (%zu realised), %zu initiatives, "
			       "%zu models, %zu months of spend\n", db, r.n, r.realised, r.ng,
			       r.nmodels, r.nspend);
		value_report_release(&r);
		if (i < 0)
			continue;
		vc[i] = cpu_s() - c0;
		vw[i] = wall_s() - w0;
		c0 = cpu_s();
		w0 = wall_s();
		for (k = 0; k < (int)(sizeof(baseline) / sizeof(baseline[0])); k++)
			if (store_query_int(s, baseline[k], &v, &err)) {
				fprintf(stderr, "bench_value: %s\n", err.msg);
				store_close(s);
				catalog_free(cat);
				return 1;
			}
		sc[i] = cpu_s() - c0;
		sw[i] = wall_s() - w0;
	}
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = 0;
	printf("median of %d warm runs, load average %.2f %.2f %.2f\n", runs, load[0], load[1],
	       load[2]);
	printf("  %-48s %9s %9s\n", "", "CPU s", "wall s");
	printf("  %-48s %9.3f %9.3f\n", "aivalue value (cost x2, hypotheses, pricing, ROI)",
	       median(vc, runs), median(vw, runs));
	printf("  %-48s %9.3f %9.3f\n", "SQLite, the cost quantities (no prices, no unused)",
	       median(sc, runs), median(sw, runs));
	printf("  ratio sqlite / value  %.2fx CPU, %.2fx wall\n", median(sc, runs) / median(vc, runs),
	       median(sw, runs) / median(vw, runs));
	/* tools/bench-results: issue 19's goal, value under 1 s of CPU warm */
	printf("RESULT name=value_cpu value=%.3f unit=s ratio=%.3f cpu_s=%.3f wall_s=%.3f target=1"
	       " status=%s\n", median(vc, runs), median(vc, runs), median(vc, runs),
	       median(vw, runs), median(vc, runs) < 1 ? "MET" : "MISSED");
	printf("RESULT name=value_sqlite_over_value value=%.3f unit=x ratio=%.3f\n",
	       median(sc, runs) / median(vc, runs), median(sc, runs) / median(vc, runs));
	store_close(s);
	catalog_free(cat);
	return 0;
}
