/*
 * series_int.h - inside assess/: the adoption figures one report yields,
 * shared by the evidence providers (detectors.c) and the metric series
 * (series.c), so a series point and `--as-of` give the same number.
 */
#ifndef AIV_ASSESS_SERIES_INT_H
#define AIV_ASSESS_SERIES_INT_H

#include "evidence.h"
#include "metrics/adoption.h"
#include "metrics/usage_table.h"

/*
 * Evidence for the phase gates and scorecards from the adoption report.
 * One report serves every metric of a request: detectors.c caches it per
 * thread (the server runs one store per worker thread) and recomputes it
 * when the store handle, the set of usage imports or the as-of day changes.
 */
struct adoption_facts {
	const struct store *store;
	int64_t imports, last_import; /* what the figures were computed from */
	int32_t day;                  /* as-of day asked for (0: the last usage day) */
	int have;                     /* usage was imported (and used by that day) */
	int before_first;             /* as of a day before the first usage */
	double repeat_use_rate, gini, role_gap, reusable, xfe, functions_repeat;
	int two_tier;
	int64_t as_of_us;
	double prof_mix;              /* -1 no feature column, -2 too few people */
	int prof_active;
};

/*
 * A computation that asks several detectors and adoption metrics (the
 * playbook, the findings) loads the usage table and its month report once
 * between begin and end, instead of once per detector and once for the
 * metrics (3.65M events on the large demo); end frees it, so nothing stays
 * resident between requests.  Scopes nest; per thread.  Nothing between
 * begin and end may write usage rows.
 */
void assess_usage_scope_begin(void);
void assess_usage_scope_end(void);
/*
 * The usage table the scope open on this thread has loaded from store s
 * (every stored event of a known person, as usage_load() gives it), or
 * NULL: no scope, nothing loaded yet, or loaded from another store.
 * Borrowed until the scope ends.
 */
const struct usage_table *assess_usage_scope_table(const struct store *s);

/*
 * The hypotheses' verdicts the providers read (supported_hypotheses,
 * value_plays_measured) are evaluated once per store state and now
 * (providers.c).  A playbook computation whose side thread has evaluated
 * them for state `key` lends its report, so the phase's providers on the
 * computing thread do not evaluate them a second time; it takes the loan
 * back (unlend, matched by the report's array) before the report can be
 * freed.  The report is read only under the memo's lock meanwhile.
 */
struct hyp_report;
void assess_hyp_lend(const char *key, int64_t now, const struct catalog *cat,
		     const struct hyp_report *rep);
void assess_hyp_unlend(const struct hyp_report *rep);

/*
 * The AI channel's journey windows and trend test (journeys_run), kept
 * for the store state's cache key (evidence.h) so that the journey
 * metrics and the volume-over-credibility detector load the journeys
 * once; either out may be NULL.
 */
struct journey_windows;
struct journey_trend;
int assess_journeys_shared(const struct evidence_env *env, const struct adoption_config *cfg,
			   struct journey_windows *out, struct journey_trend *trend,
			   struct aiv_err *err);

/* Fill the figures of f (have = 1) from report r over table t. */
void assess_adoption_facts_of(const struct usage_table *t, struct adoption_report *r,
			      const struct catalog *cat, struct adoption_facts *f);
/* The evidence for one adoption metric from f (EV_MISSING saying why). */
void assess_adoption_value(const struct adoption_facts *f, const char *metric,
			   struct evidence_value *out);

/*
 * exceptions_within_sla as of a date, from agent control's closed items
 * (control_exception_closures): the items closed at or before until_us,
 * of `workflow` only unless it is NULL.  Into *closed and *within.
 */
struct control_closure;
void assess_sla_at(const struct control_closure *c, size_t n, int64_t until_us,
		   const char *workflow, int64_t *closed, int64_t *within);

/*
 * decisions_logged_share as of a date, from agent control's observed tool
 * calls (control_observed_calls): the calls at or before until_us, into
 * *total and, of those, the ones a decision covers into *decided.
 */
struct control_observed_call;
void assess_logged_at(const struct control_observed_call *c, size_t n, int64_t until_us,
		      int64_t *total, int64_t *decided);

#endif
