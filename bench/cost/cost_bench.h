/*
 * cost_bench.h - what bench/cost and bench/value share: the clocks and
 * the median (bench/bench_clock.h), their options, and SQLite's own SQL
 * for the cost quantities (the yardstick both print against).  Header-only: each bench is one
 * main.c (CMakeLists.txt builds each bench/NAME/main.c).
 */
#ifndef AIV_BENCH_COST_BENCH_H
#define AIV_BENCH_COST_BENCH_H

#include <stdio.h>
#include <string.h>

#include "../bench_clock.h"

#define MAX_RUNS 50

/* month index (year * 12 + month - 1) of a day number, in SQLite */
#define MONTH_SQL(d) "(CAST(strftime('%Y', " d " * 86400, 'unixepoch') AS INTEGER) * 12 +" \
		     " CAST(strftime('%m', " d " * 86400, 'unixepoch') AS INTEGER) - 1)"

static const char *const baseline[] = {
	/* seat months by team and month, from the first seat row to the last day */
	"WITH RECURSIVE s AS (SELECT identity, tool, MAX(person) AS person, MIN(day) AS first"
	" FROM usage_seats GROUP BY identity, tool),"
	" lim AS (SELECT " MONTH_SQL("MIN(first)") " AS m0, " MONTH_SQL("(SELECT MAX(day) FROM"
	" usage_seats)") " AS m1 FROM s),"
	" months(m) AS (SELECT m0 FROM lim UNION ALL SELECT m + 1 FROM months, lim WHERE m < m1)"
	" SELECT count(*) FROM (SELECT p.team, months.m, count(*) FROM s JOIN months ON"
	" months.m >= " MONTH_SQL("s.first") " LEFT JOIN people p ON p.name = s.person"
	" GROUP BY 1, 2)",
	/* tokens by model and month */
	"SELECT count(*) FROM (SELECT model, " MONTH_SQL("day") ", sum(input_tokens),"
	" sum(output_tokens) FROM usage_tokens GROUP BY 1, 2)",
	/* decisions and tool calls by agent */
	"SELECT count(*) FROM (SELECT agent, count(*) FROM decision_log WHERE kind = 'decision'"
	" GROUP BY agent UNION ALL SELECT agent, count(*) FROM tool_calls GROUP BY agent)",
};

/*
 * The options both take: --db WORKSPACE [--runs N].  -1: go on, with *db
 * and *runs (1..MAX_RUNS, else 3) set; otherwise the exit status: 2 for a
 * usage error, 0 when no workspace was given (the bench is skipped).
 */
static int bench_db_options(const char *name, int argc, char **argv, const char **db, int *runs)
{
	int i;

	*db = NULL;
	*runs = 3;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			*db = argv[++i];
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			*runs = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s --db WORKSPACE [--runs N]\n", name);
			return 2;
		}
	}
	if (!*db) {
		printf("%s: skipped (give --db WORKSPACE, e.g. a large demo; see the comment at"
		       " the top of bench/%s/main.c)\n", name, name + strlen("bench_"));
		return 0;
	}
	if (*runs < 1 || *runs > MAX_RUNS)
		*runs = 3;
	return -1;
}

#endif
