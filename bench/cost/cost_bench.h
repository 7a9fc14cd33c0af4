/*
 * cost_bench.h - what bench/cost and bench/value share: the clocks and
 * the median (bench/bench_clock.h), and SQLite's own SQL for the cost
 * quantities (the yardstick both print against).  Header-only: each bench is one
 * main.c (CMakeLists.txt builds each bench/NAME/main.c).
 */
#ifndef AIV_BENCH_COST_BENCH_H
#define AIV_BENCH_COST_BENCH_H

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

#endif
