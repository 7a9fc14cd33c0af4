/*
 * exceptions.h - exception handling figures for a process: how often cases
 * leave the normal path, how long they take to get back, what they cost.
 *
 * Which activities are exceptions comes either from rules (activity names
 * or shell glob patterns such as "Reject*", from a YAML file of
 * `kind: ExceptionRule` documents or the command line), or is derived:
 * the happy path is the most frequent variants that together cover at
 * least P % of cases; a case off the happy path is an exception case, and
 * an activity that occurs in no happy-path variant is an exception
 * activity.
 *
 *   exception case     rules: a case with an exception activity;
 *                      derived: a case whose variant is not on the happy path
 *   resolution time    from the first exception event of a case to the next
 *                      event of a normal activity after it, or to the case's
 *                      last event when none follows (then "unresolved")
 *   cost               sum of the cost column over exception / other cases
 */
#ifndef AIV_METRICS_EXCEPTIONS_H
#define AIV_METRICS_EXCEPTIONS_H

#include <jansson.h>

#include "aiv.h"
#include "core/yaml.h"
#include "store/store.h"
#include "metrics/eventlog.h"
#include "metrics/process.h"

struct exc_activity {
	uint32_t activity;
	size_t events, cases;
};

struct exc_result {
	size_t cases, exception_cases, resolved_cases;
	double rate, rate_lo, rate_hi;     /* Wilson 95 % */
	struct pstat_summary resolution;   /* seconds, every exception case with an exception event */
	double cost_exception, cost_normal; /* NaN when the log has no cost */
	struct exc_activity *acts;         /* by events desc */
	size_t nacts;
	size_t happy_variants;             /* derived mode: variants on the happy path */
	double happy_coverage;             /* derived mode: share of cases they cover */
};

/*
 * An ExceptionRule document (flat, like every aivalue kind):
 *     kind: ExceptionRule
 *     name: rejections
 *     description: optional text
 *     activities: ["Reject*", "Manual review"]     # names or globs
 * parsed into a canonical spec {name, description?, activities} (new
 * reference).  Registered as an `apply` kind by exceptions_register_kinds()
 * so rules can live in the workspace.
 */
int exceptions_rule_parse(const struct ypos *p, struct fy_node *doc, json_t **spec);
void exceptions_register_kinds(void);

/*
 * Patterns from a YAML file of ExceptionRule documents, or from every
 * rule applied to the workspace.  *out is a NULL-terminated array of
 * caller-freed strings (free each, then the array).
 */
int exceptions_load_rules(const char *path, char ***out, size_t *n, struct aiv_err *err);
int exceptions_applied_rules(struct store *s, char ***out, size_t *n, struct aiv_err *err);

/* exc[string id] = 1 for activities matching a pattern (fnmatch); caller frees. */
uint8_t *exceptions_match(const struct eventlog *l, const char *const *patterns, size_t n);

/*
 * Derived mode: from ps (computed over the same mask) pick the happy path
 * covering >= pct % of cases; fills case_exc[ncases] (1: off the path),
 * returns exc[string id] (activities in no happy variant; caller frees)
 * and sets r->happy_variants and r->happy_coverage.
 */
uint8_t *exceptions_happy_path(const struct eventlog *l, const uint8_t *mask,
			       const struct process_stats *ps, double pct,
			       uint8_t *case_exc, struct exc_result *r);

/*
 * Figures over cases in mask (NULL: all).  exc: per string id.  case_exc:
 * per case exception flags (derived mode), or NULL to derive them from exc.
 * Release with exceptions_release.
 */
void exceptions_compute(const struct eventlog *l, const uint8_t *mask, const uint8_t *exc,
			const uint8_t *case_exc, struct exc_result *r);
void exceptions_release(struct exc_result *r);

#endif
