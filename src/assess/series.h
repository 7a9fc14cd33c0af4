/*
 * series.h - metric history: each catalog metric's weekly and monthly
 * series, its target (catalog default or the organisation's MetricTarget),
 * its status and its trend.  The one computed model behind `aivalue
 * metrics`, GET /api/v1/metrics/{id}[/series], and (for pages and the
 * report) the scorecards' value, target, status, change and sparkline.
 *
 *   usage import commits ──> metric_series_refresh(from_day)
 *                                 │ recomputes the periods ending on or
 *                                 │ after the import's first event day
 *                                 v
 *                       metric_series table (a derived cache; assess owns it)
 *                                 │ fresh when its fingerprint matches
 *                                 v
 *   metric_series_get() ──> struct metric_series ──> text / JSON printers
 *           │ stale or never stored: computed in memory, nothing written
 *
 * A period's value is the metric as of the period's last day (or the last
 * day with data, for the period in progress), from data up to that day
 * only: the same figure `--as-of DAY` gives.  Periods are UTC calendar
 * months ("2026-03") and ISO weeks starting on Monday (labelled by their
 * Monday, "2026-03-02").  The cache is keyed by (metric, period kind,
 * period start, breakdown, group) with a fingerprint of what the figures
 * were computed from (the usage imports, and the people and teams that
 * give the breakdowns), so a restart recomputes nothing.
 *
 * Today the series are back-filled for the metrics computed from AI usage
 * (model 1 and its signals); any other metric's points come from its
 * evidence provider as of each period's end, which answers "no data" with
 * the reason when that provider keeps only current state.
 */
#ifndef AIV_ASSESS_SERIES_H
#define AIV_ASSESS_SERIES_H

#include <jansson.h>

#include "aiv.h"
#include "assess/evidence.h"
#include "catalog/catalog.h"
#include "metrics/trend.h"
#include "store/store.h"

enum series_period { SERIES_WEEK, SERIES_MONTH };
enum series_by { SERIES_BY_NONE, SERIES_BY_ROLE, SERIES_BY_TEAM, SERIES_BY_FUNCTION,
		 SERIES_BY_WORKFLOW };

/* "week"/"month" and "role"/"team"/"function"/"workflow" ("" for none). */
const char *series_period_name(enum series_period p);
const char *series_by_name(enum series_by b);
/* Parse those words: 0, or -1 when unknown. */
int series_period_parse(const char *s, enum series_period *out);
int series_by_parse(const char *s, enum series_by *out);

/*
 * The target in force for a metric: the catalog's default, or the
 * organisation's MetricTarget when one is applied (source says which,
 * with its ledger entry).
 */
struct metric_target {
	double target, at_risk, off_track;
	int overridden;          /* 1: a MetricTarget is applied */
	char note[256];          /* the override's note, or "" */
	char source[160];        /* "catalog default" or "MetricTarget 'x' (ledger entry 12)" */
};
int metric_target_get(struct store *s, const struct catalog *cat, const struct cat_metric *m,
		      struct metric_target *out, struct aiv_err *err);
/* The status of a value of metric m under target t (have = 0: no data). */
enum metric_status metric_status(const struct cat_metric *m, const struct metric_target *t,
				 int have, double value);

struct series_point {
	char label[16];          /* "2026-03" or "2026-03-02" (the week's Monday) */
	int32_t start_day;       /* days since 1970-01-01, first day of the period */
	int32_t as_of_day;       /* the day the value is computed as of */
	int have;                /* 0: no data (why says why) */
	double value;
	enum metric_status status;
	int have_change;         /* against the previous point with data */
	double change;           /* value - previous value, in the metric's unit */
	double change_rel;       /* change / |previous|; NaN when previous is 0 */
	char why[256];           /* when !have: what is missing */
};

struct series_line {
	char *group;             /* NULL for the whole organisation */
	struct series_point *points;
	size_t npoints;
	struct trend_mk mk;      /* over the points with data */
	char trend[96];          /* "rising, 99.6 % confidence", "no clear trend" */
	char trend_detail[96];   /* the statistic, for a tooltip */
};

/*
 * One metric's series.  Owns lines and their groups and points
 * (metric_series_release); borrows `metric` from the catalog.
 */
struct metric_series {
	const struct cat_metric *metric;
	enum series_period period;
	enum series_by by;
	struct metric_target target;
	struct series_line *lines;   /* the organisation, or one line per group */
	size_t nlines;
	char unavailable[256];       /* non-empty: the breakdown cannot be given, and why */
	int from_cache;              /* 1: read from the stored series */
	int64_t computed;            /* points computed by this call (0 from the cache) */
	int64_t refresh_computed;    /* points the last stored refresh computed */
	char fingerprint[96];        /* what the figures were computed from */
};

/*
 * Fill *out for metric `id` (an unknown id is AIV_ENOTFOUND).  Reads
 * only: when the stored series is stale or absent it is computed in
 * memory and nothing is written.  `now` bounds the periods of metrics
 * not computed from usage (the last 12 months or 13 weeks up to now).
 * 0 or a negative code; release *out in both cases.
 */
int metric_series_get(struct store *s, const struct catalog *cat, const char *id,
		      enum series_period period, enum series_by by, int64_t now,
		      struct metric_series *out, struct aiv_err *err);
void metric_series_release(struct metric_series *ms);
/*
 * The one rounding of metric figures for JSON (the stored values keep
 * every digit): ratios to 4 decimals, every other unit to 2.  Documents
 * holding them are dumped with METRIC_JSON_FLAGS, whose 12 significant
 * digits print 0.6667 as such rather than 0.66669999999999996.
 */
double metric_round(const struct cat_metric *m, double v);
#define METRIC_JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(12))
/* A line's newest point with data, or NULL when none has data. */
const struct series_point *series_line_latest(const struct series_line *l);
/*
 * A breakdown's latest figures as JSON: {by, groups: [{group, period,
 * value, display, status}]}, or {by, unavailable} (`metrics show --by`).
 */
json_t *metric_breakdown_json(const struct metric_series *ms);
/* The series as JSON (the API's and `metrics history --json`'s document).  New reference. */
json_t *metric_series_json(const struct metric_series *ms);

/*
 * One metric now: value (evidence as of `now`), target, status, change
 * against the previous month and the monthly trend, and the definition.
 * The summary behind GET /api/v1/metrics/{id} and a scorecard.
 */
struct metric_summary {
	const struct cat_metric *metric;   /* borrowed from the catalog */
	int have;
	double value;
	char source[256];                  /* where the value comes from, or what is missing */
	struct metric_target target;
	enum metric_status status;
	int have_change;
	double change;                     /* against the previous month's value */
	char trend[96], trend_detail[96];  /* of the monthly series */
	double *spark;                     /* monthly values (NaN: no data), oldest first */
	size_t nspark;
};
/*
 * metric_summary_get() keeps each summary per store state: under the
 * evidence cache's state key (ledger head, watches, catalog, providers,
 * store), for EVIDENCE_CACHE_TTL_US of the `now` of the first one kept
 * under that key, so the overview's scorecards and the metric pages do
 * not read the stored series through the store on every request.  A
 * write moves the ledger head and so the key; nothing is kept where the
 * evidence cache keeps nothing (in a transaction, in memory, cache off)
 * or on an error.  metric_summary_cache_stats() counts hits, misses and
 * summaries stored.
 */
int metric_summary_get(struct store *s, const struct catalog *cat, const char *id, int64_t now,
		       struct metric_summary *out, struct aiv_err *err);
void metric_summary_cache_clear(void);
void metric_summary_cache_stats(struct evidence_cache_stats *out);
void metric_summary_release(struct metric_summary *m);
json_t *metric_summary_json(const struct metric_summary *m);

/*
 * A value in words with its unit: "42 %" (ratio), "3 d 04 h" (seconds),
 * "12" (count), "3.5 of 5" (score), "no data" when !have.  Change in
 * words: "+4.0 points" (ratio), "-1 d 02 h", "+3".  Into buf.
 */
void metric_format_value(const struct cat_metric *m, int have, double v, char *buf, size_t len);
void metric_format_change(const struct cat_metric *m, double delta, char *buf, size_t len);

/*
 * After a usage import commits: recompute and store the series of every
 * usage metric for the periods ending on or after `from_day` (days since
 * epoch; INT32_MIN for all), or all of them when the people and teams
 * changed since the last refresh.  Its own transaction; *points (may be
 * NULL) gets the number of points computed.  0 or a negative code.
 */
int metric_series_refresh(struct store *s, const struct catalog *cat, int32_t from_day,
			  int64_t *points, struct aiv_err *err);

/* Register the MetricTarget apply kind (assess_register calls it). */
void metric_target_register(void);

#endif
