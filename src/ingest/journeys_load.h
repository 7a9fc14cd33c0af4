/*
 * journeys_load.h - the store-facing step of the journey metrics: read the
 * imported journey events and customer outcomes (tables this layer owns)
 * into metrics/'s columnar journey_table, which the pure kernel
 * journeys_compute() reads (metrics/journeys.h).
 *
 *   journeys_load(store) -> journey_table -> journeys_compute() -> journeys_result
 *                                                              -> journeys_result_json()
 */
#ifndef AIV_INGEST_JOURNEYS_LOAD_H
#define AIV_INGEST_JOURNEYS_LOAD_H

#include <jansson.h>

#include "metrics/journeys.h"
#include "store/store.h"

/*
 * Fill *t (initialised here; release with journey_table_release(), also
 * after a failure) with every journey event, in journey, turn and time
 * order, and every customer outcome, in import order (a later import's
 * row wins).  0 or a negative code with err filled.
 */
int journeys_load(struct store *s, struct journey_table *t, struct aiv_err *err);

/*
 * Load and compute: *out filled (release with journeys_result_release();
 * nothing to release after a failure).  0 or a negative code.
 */
int journeys_run(struct store *s, const struct adoption_config *cfg,
		 struct journeys_result *out, struct aiv_err *err);

/*
 * Load, compute and print: *out the `aivalue journeys --json` document
 * (new reference), *finding the volume-over-credibility finding (new
 * reference) or NULL.  For callers that lay out JSON (the HTTP API and
 * pages).  0 or a negative code.
 */
int journeys_report(struct store *s, const struct adoption_config *cfg,
		    const struct catalog *cat, json_t **out, json_t **finding,
		    struct aiv_err *err);

#endif
