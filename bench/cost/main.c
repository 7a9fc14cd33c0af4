/*
 * bench/cost - how fast `aivalue cost` prices a workspace, against SQLite
 * computing the same aggregates.
 *
 *   build/bench/bench_cost --db WORKSPACE [--runs N]
 *
 * WORKSPACE is an existing workspace with seats, token counts and agent
 * activity, e.g. the demo:
 *
 *   aivalue --db /tmp/large.db demo --size large --dir /tmp/large-data
 *   aivalue --db /tmp/large.db apply -f prices.yaml     # a PriceBook
 *   build/bench/bench_cost --db /tmp/large.db --runs 5
 *
 * Without --db it says so and exits 0 (so `make bench` passes on a
 * machine without a demo workspace).  Opened read-only, changed never.
 * Prints the median of N runs, CPU seconds of this process and wall
 * seconds (the machine is shared: both, and the load average):
 *
 *   cost      cost_compute() by team and month, by initiative, by model:
 *             price book, people, the usage columns (for unused seats),
 *             seats, tokens, agents, every line priced by date
 *   sqlite    the same quantities as SQL over the same tables: seat months
 *             by team and month (a recursive month series joined to the
 *             seats), tokens by model and month, decisions and tool calls
 *             by agent.  Not the prices by date nor unused seats (which
 *             need every usage event): SQLite does less work here
 *
 * and the ratio sqlite / cost.  The SQL is SQLite's own and lives here,
 * outside src/, because it is a yardstick, not a path of the program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assess/cost.h"
#include "cli/cmd.h"
#include "store/store.h"

#include "cost_bench.h"

int main(int argc, char **argv)
{
	static const struct cost_query qs[] = {
		{ COST_BY_TEAM, 1, 0, 0, 0 }, { COST_BY_INITIATIVE, 0, 0, 0, 0 },
		{ COST_BY_MODEL, 0, 0, 0, 0 },
	};
	double cc[MAX_RUNS], cw[MAX_RUNS], sc[MAX_RUNS], sw[MAX_RUNS], load[3] = { 0, 0, 0 };
	struct aiv_err err = AIV_ERR_INIT;
	const char *db;
	struct store *s = NULL;
	struct cost_result r;
	int runs, i, k;
	int64_t v;

	if ((k = bench_db_options("bench_cost", argc, argv, &db, &runs)) >= 0)
		return k;
	cli_register_schema();
	if (store_open(&s, db, STORE_READONLY, &err)) {
		fprintf(stderr, "bench_cost: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < runs; i++) {
		double c0 = cpu_s(), w0 = wall_s();

		for (k = 0; k < (int)(sizeof(qs) / sizeof(qs[0])); k++) {
			if (cost_compute(s, &qs[k], &r, &err)) {
				fprintf(stderr, "bench_cost: %s\n", err.msg);
				store_close(s);
				return 1;
			}
			if (i == 0 && k == 0)
				printf("workspace %s: %lld seat months, %lld input tokens, %lld decisions,"
				       " %zu team-month rows\n", db,
				       (long long)r.total.cell[COST_SEATS].quantity,
				       (long long)r.total.cell[COST_INPUT_TOKENS].quantity,
				       (long long)r.total.cell[COST_DECISIONS].quantity, r.nrows);
			cost_result_release(&r);
		}
		cc[i] = cpu_s() - c0;
		cw[i] = wall_s() - w0;
		c0 = cpu_s();
		w0 = wall_s();
		for (k = 0; k < (int)(sizeof(baseline) / sizeof(baseline[0])); k++)
			if (store_query_int(s, baseline[k], &v, &err)) {
				fprintf(stderr, "bench_cost: %s\n", err.msg);
				store_close(s);
				return 1;
			}
		sc[i] = cpu_s() - c0;
		sw[i] = wall_s() - w0;
	}
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = 0;
	printf("median of %d runs, load average %.2f %.2f %.2f\n", runs, load[0], load[1], load[2]);
	printf("  %-44s %9s %9s\n", "", "CPU s", "wall s");
	printf("  %-44s %9.3f %9.3f\n", "aivalue cost (by team x month, initiative, model)",
	       median(cc, runs), median(cw, runs));
	printf("  %-44s %9.3f %9.3f\n", "SQLite, same quantities (no prices, no unused)",
	       median(sc, runs), median(sw, runs));
	printf("  ratio sqlite / cost  %.2fx CPU, %.2fx wall\n", median(sc, runs) / median(cc, runs),
	       median(sw, runs) / median(cw, runs));
	/* machine-readable summary for tools/bench-results (docs/performance.md, "Figures") */
	printf("RESULT name=cost_sqlite_over_cost value=%.3f unit=x ratio=%.3f cpu_s=%.3f wall_s=%.3f"
	       " target=1 status=%s\n", median(sc, runs) / median(cc, runs),
	       median(sc, runs) / median(cc, runs), median(cc, runs), median(cw, runs),
	       median(sc, runs) >= median(cc, runs) ? "MET" : "MISSED");
	store_close(s);
	return 0;
}
