/*
 * process_json.h - process figures as JSON, Graphviz and text pieces,
 * shared by the CLI (`aivalue process`, `aivalue logs`) and the HTTP API
 * and dashboard, so that both print exactly the same numbers.
 *
 * The kernels are in metrics/process.h; this module only arranges their
 * results (and splits a log into two cohorts for `compare`).
 */
#ifndef AIV_REPORT_PROCESS_JSON_H
#define AIV_REPORT_PROCESS_JSON_H

#include <jansson.h>

#include "aiv.h"
#include "ingest/logstore.h"
#include "metrics/process.h"

/* JSON number, or null for NaN/inf.  New reference. */
json_t *pjson_num(double v);
/* {min, median, mean, p90, max} in seconds.  New reference. */
json_t *pjson_summary(const struct pstat_summary *s);
/*
 * Every figure of `ps` over log `l` (borrowed), at most `top` rows in the
 * top lists: what `aivalue process stats LOG --json` prints, without the
 * "log" key.  New reference.
 */
json_t *pjson_stats(const struct eventlog *l, const struct process_stats *ps, size_t top);
/* One row of `aivalue logs --json`.  New reference. */
json_t *pjson_log_info(const struct logstore_info *v);
/*
 * Activities ordered by median wait before them, longest first, then by
 * events.  Caller frees the array; the elements are borrowed from ps.
 */
const struct pstat_activity **pjson_bottlenecks(const struct process_stats *ps);
/* "3d 04h", "2h 05m", "4m 10s", "12.5s", "-" for NaN, into buf (returned). */
const char *pjson_human(double seconds, char *buf, size_t n);
/* The directly-follows graph as Graphviz text, appended to sb. */
void pjson_dfg_dot(struct strbuf *sb, const char *name, const struct eventlog *l,
		   const struct process_stats *ps);

/* Two cohorts of a log: A (baseline) and B, as `process compare` splits them. */
struct pjson_cohorts {
	uint8_t *mask[2];          /* per case: in cohort A / B */
	char *label[2];            /* "ai = false", "before 2024-01-01" */
	size_t excluded;           /* cases in neither (no value for the attribute) */
	struct process_stats ps[2];
	double rework_lo[2], rework_hi[2]; /* Wilson 95 % interval of the rework rate */
	double median_lo, median_hi;       /* bootstrap 95 % CI of B - A median duration */
	long long reps, seed;
};

/*
 * Split finished log `l` (named `log`, borrowed) by case attribute `by`
 * (two values; or `value` against the rest) or by first event before
 * `before` (exactly one of by/before), compute both cohorts' figures and
 * the bootstrap interval (reps, seed).  Errors (AIV_EINPUT): no such
 * attribute, not exactly two values, unparseable date, an empty cohort.
 * Release with pjson_cohorts_release (also after an error).
 */
int pjson_cohorts_compute(const struct eventlog *l, const char *log, const char *by,
			  const char *value, const char *before, long long reps, long long seed,
			  struct pjson_cohorts *c, struct aiv_err *err);
void pjson_cohorts_release(struct pjson_cohorts *c);
/*
 * What `aivalue process compare --json` prints (without exceptions): log,
 * cohorts, difference, excluded_cases, and "by" or "before".  New reference.
 */
json_t *pjson_compare(const struct pjson_cohorts *c, const char *log, const char *by,
		      const char *before);
/* {"absolute": b - a, "relative": b / a - 1 or null}.  New reference. */
json_t *pjson_diff(double a, double b);

#endif
