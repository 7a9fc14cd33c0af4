/*
 * serve.h - cost-to-serve: what one case of a process costs, per case of
 * an imported event log, compared between the AI-assisted cases and the
 * others with an interval (issue 19).
 *
 * A case's cost, the first that applies:
 *   recorded   the trace's cost:total (XES cost extension), read from its
 *              text with money_parse; else the sum of its events'
 *              cost:total / cost:amount (XES) or --cost column (CSV),
 *              rounded once each to minor units;
 *   estimated  the time between each event and the one before it in the
 *              case x the loaded hourly cost (UnitValue, type hourly_cost)
 *              in force that day for the role of the event's org:resource
 *              (a Person's role); a case where any step has no resource,
 *              no person, no role price or no time is unpriced.
 * A case whose cost:currency is not the workspace currency is left out
 * and counted, never converted.
 *
 * Cohorts: cases whose case attribute `attribute` equals `treatment`
 * against every other case that has the attribute.  The difference in
 * median cost per case (treatment - other) comes with the hypotheses'
 * seeded percentile bootstrap (hyp_compare, seed = FNV-1a of the log name).
 */
#ifndef AIV_SERVE_H
#define AIV_SERVE_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "assess/hypothesis.h"
#include "core/money.h"

struct serve_result {
	const struct money_currency *currency; /* NULL: no PriceBook, nothing priced */
	char *log, *attribute, *treatment;     /* owned */
	size_t cases, recorded, estimated, unpriced, other_currency, no_cohort;
	int64_t total_minor;        /* all priced cases */
	size_t n_ai, n_other;
	int64_t median_ai, median_other; /* minor units, rounded half to even; -1 no data */
	struct hyp_effect diff;     /* treatment - other, minor units; diff.ok 0: no data */
	char **gaps;                /* owned sentences */
	size_t ngaps;
};

/* Compute for log `log` (attribute default "ai_assisted", treatment "true"). */
int serve_compute(struct store *s, const char *log, const char *attribute,
		  const char *treatment, struct serve_result *out, struct aiv_err *err);
void serve_result_release(struct serve_result *r);
json_t *serve_json(const struct serve_result *r);
void serve_print(const struct serve_result *r, FILE *f);

#endif
