/*
 * import_queries.h - what has been imported, for the layers after ingest/
 * (assess/'s detectors and evidence providers), so that SQL naming the
 * import tables (usage_imports, journey_events) stays in ingest/.
 *
 * Read only.
 */
#ifndef AIV_INGEST_IMPORT_QUERIES_H
#define AIV_INGEST_IMPORT_QUERIES_H

#include "aiv.h"
#include "store/store.h"

/* Usage and journey imports recorded in usage_imports. */
struct import_stats {
	int64_t imports;   /* rows of usage_imports */
	int64_t last_id;   /* the newest import's id; 0 when none */
};
/* Fill *out.  0 or a negative code with err filled. */
int import_stats(struct store *s, struct import_stats *out, struct aiv_err *err);
/*
 * The same over the AI-usage imports alone (kind usage: not the journeys
 * or outcomes, which share the table and no usage figure reads).
 */
int import_usage_stats(struct store *s, struct import_stats *out, struct aiv_err *err);

/* *n = imported customer-journey events.  0 or a negative code. */
int import_journey_event_count(struct store *s, int64_t *n, struct aiv_err *err);

#endif
