/*
 * usage_load.h - the store-facing step of the adoption metrics: read the
 * usage this layer imported (identities, strings, blocks, seats,
 * workflows, legacy event rows, vendor daily totals) and org/'s people
 * into metrics/'s columnar usage_table, which the pure kernels
 * (adoption_compute and the register metrics, metrics/adoption.h) read.
 *
 *   usage_load(store) -> usage_table -> adoption_compute() -> adoption_report
 *
 * metrics/ sits below ingest/, so it never reads these tables itself.
 */
#ifndef AIV_INGEST_USAGE_LOAD_H
#define AIV_INGEST_USAGE_LOAD_H

#include <jansson.h>

#include "metrics/adoption.h"
#include "metrics/usage_table.h"
#include "store/store.h"

/*
 * Load people (with team function), seats, workflow creators and usage
 * events joined to a person from the workspace, and finish the table.
 * Events of unmatched identities are not loaded (the import reported
 * them).  *t must be initialised (utab_init); release it with
 * utab_release, also after a failure.  0 or a negative code.
 */
int usage_load(struct usage_table *t, struct store *s, struct aiv_err *err);

/*
 * Only the people (with role, team, function, champion) and no events,
 * finished: for callers that read the monthly activity rollup
 * (usage_activity.h) instead of every event.  Same rules as usage_load.
 */
int usage_load_people(struct usage_table *t, struct store *s, struct aiv_err *err);

/*
 * Vendor daily totals without people (legacy Copilot org metrics), per
 * tool, by tool: *out a new array of *n entries (release with
 * adoption_vendor_release, also after a failure).  0 or a negative code.
 */
int usage_vendor_totals(struct store *s, struct adoption_vendor_total **out, size_t *n,
			struct aiv_err *err);

/*
 * Load the thresholds (config_path NULL: $AIVALUE_ADOPTION, else built
 * in), the usage table from the workspace into *t (initialised here;
 * the caller releases it with utab_release, also on failure), and
 * compute the report.  `as_of` 0 means the last day with activity.
 */
int adoption_run(struct store *s, const char *config_path, enum adoption_period period,
		 int32_t as_of, struct adoption_report *r, struct usage_table *t,
		 struct aiv_err *err);

/*
 * The whole `aivalue adoption --json` document: adoption_run, the report
 * as JSON grouped by `by` (DIM_N: none), starter_workflows, champions
 * and vendor_daily_totals.  The CLI and GET /api/v1/adoption both print
 * it, so they cannot differ.  *out is a new reference (NULL on error).
 */
int adoption_document(struct store *s, const char *config_path, enum adoption_period period,
		      int32_t as_of, int by, json_t **out, struct aiv_err *err);

/*
 * Seats for the cost of AI (assess/cost.h): one call per (identity, tool)
 * that any seat export licensed, with the person it was joined to (NULL
 * when none) and the first day a seat row saw it; ordered by identity, tool.
 * The strings are borrowed for the call; a non-zero return from fn stops
 * the walk and is returned.
 */
struct usage_seat_span {
	const char *identity, *person, *tool;
	int32_t first_day;
};
typedef int (*usage_seat_fn)(const struct usage_seat_span *r, void *data);
int usage_each_seat(struct store *s, usage_seat_fn fn, void *data, struct aiv_err *err);

/*
 * Token counts of GenAI spans summed per (identity, person, provider,
 * model, day), for days in [from_day, to_day]; same calling rules.
 */
struct usage_token_day {
	const char *identity, *person, *tool, *model;
	int32_t day;
	int64_t input, output;
};
typedef int (*usage_token_fn)(const struct usage_token_day *r, void *data);
int usage_each_token_day(struct store *s, int32_t from_day, int32_t to_day,
			 usage_token_fn fn, void *data, struct aiv_err *err);

#endif
