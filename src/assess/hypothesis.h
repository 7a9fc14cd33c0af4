/*
 * hypothesis.h - value hypotheses registered before the work starts, and
 * their verdicts from observations.
 *
 * `kind: Hypothesis` (apply) names an initiative, a catalog metric, a
 * comparison (before/after a date, or two cohorts by an attribute), a
 * minimum effect, a confidence level, a minimum sample per group,
 * guardrail metrics that must not get worse, and a review date.  Once
 * registered its criteria are frozen: applying a changed version is
 * refused and the user is told to supersede it (`supersedes: OLD`) with a
 * new hypothesis; only title and description may change.
 *
 * Observations are per-unit rows (initiative, unit, metric, time, value,
 * and any extra columns as attributes) imported from CSV with
 * `aivalue evidence --data FILE.csv`: one transaction and one ledger
 * entry holding the row count and the file's SHA-256.
 *
 * Verdicts (docs/playbook.md, "Statistics"):
 *   insufficient data  a group has fewer than minimum_sample units, or a
 *                      guardrail lacks data
 *   supported          improvement >= minimum effect, and the lower bound
 *                      of the interval for the improvement is above 0, and
 *                      no guardrail is breached
 *   not supported      otherwise
 * Rates (ratio metrics whose values are all 0 or 1): difference with
 * Newcombe's interval from two Wilson intervals.  Anything else:
 * difference in medians with a seeded percentile bootstrap (2000 resamples,
 * seed = FNV-1a of the hypothesis name).
 */
#ifndef AIV_HYPOTHESIS_H
#define AIV_HYPOTHESIS_H

#include <jansson.h>

#include "apply/apply.h"
#include "assess/evidence.h"

extern const struct kind_ops hypothesis_kind;

#define HYP_BOOT_ITERS 2000

struct hyp_effect {
	size_t na, nb;          /* units in baseline and comparison groups */
	double baseline, treatment; /* rate or median of each group */
	double effect, lo, hi;  /* treatment - baseline, with its interval */
	double improvement;     /* effect signed so that > 0 is better */
	double imp_lo, imp_hi;
	/*
	 * The improvement relative to the baseline (0.34: 34 % better) and
	 * its interval, under the one sign convention of improvement:
	 * positive is the direction the metric wants.  NAN when the
	 * baseline is 0.
	 */
	double rel, rel_lo, rel_hi;
	char unit[16];          /* the metric's catalog unit ("seconds", "ratio", ...) */
	int up;                 /* 1: higher is better; 0: lower is better */
	const char *method;     /* "rate difference (Newcombe/Wilson)" or "median difference (bootstrap)" */
	int ok;                 /* 0 when a group is empty */
};

struct hyp_guardrail {
	char *metric;
	double max_worsening;   /* absolute, or relative when relative */
	int relative;
	struct hyp_effect e;
	const char *verdict;    /* "held", "breached", "insufficient data" */
};

struct hyp_result {
	char *name, *initiative, *metric, *superseded_by;
	json_t *spec;            /* borrowed reference kept by the result */
	const char *verdict;     /* "supported", "not supported", "insufficient data", "superseded" */
	char reason[512];
	double confidence, min_effect, min_effect_abs;
	int min_relative;
	long min_sample;
	struct hyp_effect e;
	struct hyp_guardrail *guards;
	size_t nguards;
	int review_due;          /* review date passed */
	int64_t *treat_us;       /* owned: time of each comparison-group unit, in load order */
	size_t ntreat;           /* (the volume an effect applies to; value.c) */
};

struct hyp_report {
	struct hyp_result *r;
	size_t n;
	size_t supported, not_supported, insufficient;
};

/*
 * An effect in the metric's units, as a person reads it (core/units.h):
 * durations in days and hours, rates in percentage points, counts as
 * counts, and the relative change in words ("36 % faster", "6 % lower").
 * Every field is "no data" when the effect has no estimate.
 */
struct hyp_words {
	char baseline[48], comparison[48];
	char change[80];    /* the absolute improvement: "1 d 04 h faster", "0.1 pp lower" */
	char relative[80];  /* "36 % faster"; "no data" when the baseline is 0 */
	char interval[192]; /* "95 % interval: 28 % to 44 % faster" */
};
void hyp_effect_words(const struct hyp_effect *e, double confidence, struct hyp_words *w);

/* Evaluate every registered hypothesis against the stored observations. */
int hyp_evaluate_all(struct store *s, const struct catalog *cat, int64_t now,
		     struct hyp_report *out, struct aiv_err *err);
/*
 * Every registered hypothesis and which one supersedes it, without
 * evaluating any (name, initiative, metric, spec, superseded_by).
 */
int hyp_list_all(struct store *s, struct hyp_report *out, struct aiv_err *err);
/* How many times hyp_evaluate_all ran in this process (tests). */
uint64_t hyp_evaluations(void);
void hyp_report_release(struct hyp_report *r);
json_t *hyp_report_json(const struct hyp_report *r);

/*
 * Evaluate one comparison on in-memory samples (used by the tests and by
 * hyp_evaluate_all).  `rates` picks the rate method.  `up` is the metric's
 * direction (1 when higher is better).
 */
void hyp_compare(const double *a, size_t na, const double *b, size_t nb, int rates,
		 int up, double conf, uint64_t seed, struct hyp_effect *out);

/*
 * Import per-unit observations from CSV (header: initiative, unit,
 * metric, time, value, then any attribute columns).  All-or-nothing;
 * FILE:LINE:COL errors.  A file imported before (same SHA-256) changes
 * nothing: *rows and *seq are 0.  Its evidence.import entry records
 * rows_sha256, the row digest (ledger/state.h) of the rows it wrote by
 * HYP_OBS_DIGEST_SQL with the file's SHA-256 as parameter.
 */
#define HYP_OBS_DIGEST_SQL "SELECT initiative, unit, metric, time_us, value, attrs" \
	" FROM observations WHERE import_sha = ?" \
	" ORDER BY initiative, unit, metric, time_us, value, attrs"
#define HYP_OBS_DIGEST_COLS 6
int hyp_import_csv(struct store *s, const struct catalog *cat, const char *actor,
		   const char *path, int64_t *rows, int64_t *seq, struct aiv_err *err);

/*
 * Hypotheses over an imported event log (`log: NAME`): the units are the
 * log's cases, each with its start time (first event), its value for the
 * metric, and its value of the cohort attribute (or NULL).  Metrics a log
 * gives per case: expert_cycle_time and end_to_end_cycle_time (case
 * duration, seconds), rework_rate (1 when an activity repeats, else 0)
 * and exception_rate (1 when the case has an activity matched by an
 * applied ExceptionRule; no rule: no units).
 * assess/evidence_providers.c registers the reader over ingest/'s log
 * store and metrics/' kernels.
 */
struct hyp_units {
	int64_t *time_us;
	double *value;
	char **cohort;   /* per unit, owned; NULL entries when absent */
	size_t n;
};
/* *cache: what the reader keeps between calls of one hyp_evaluate_all
 * (NULL at first), so a log read for one metric is not read again for a
 * guardrail or the next hypothesis; freed by release at the end. */
typedef int (*hyp_log_fn)(struct store *s, const char *log, const char *metric,
			  const char *attribute, void **cache, struct hyp_units *out,
			  struct aiv_err *err);
void hyp_register_log_source(hyp_log_fn fn, void (*release)(void *cache));
void hyp_units_release(struct hyp_units *u);
/* Can a log give `metric` per case?  (the list above) */
int hyp_log_metric(const char *metric);

#endif
