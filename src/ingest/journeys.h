/*
 * journeys.h - importing customer journeys for value model 2:
 * `aivalue import journeys FILE --format csv|jsonl [--map ...]`.
 *
 * Two row kinds, told apart by their columns (or --kind):
 *   events    journey_id, customer_id, channel (ai_assistant, web, store,
 *             agent, ...), time, turn, intent_qualified, committed,
 *             order_value
 *   outcomes  customer_id, retained_30d, retained_90d, upsell, revenue,
 *             referrals
 * Booleans are 1/0, true/false or yes/no.  Same guarantees as usage
 * imports: streaming, all-or-nothing, a content hash in usage_imports
 * (kind "journeys") so an identical file is detected, one ledger entry,
 * FILE:LINE:COL errors (bad numbers, negative values, duplicate
 * journey/turn or customer rows).
 */
#ifndef AIV_INGEST_JOURNEYS_H
#define AIV_INGEST_JOURNEYS_H

#include <stdio.h>

#include "aiv.h"
#include "core/hash.h"
#include "core/progress.h"
#include "store/store.h"

struct journey_opts {
	const char *format; /* csv or jsonl */
	const char *kind;   /* events, outcomes, or NULL: from the columns */
	const char *map;    /* TARGET=COLUMN,... */
	int dry_run;
	/* called every few hundred records with the bytes read so far (may be NULL) */
	progress_fn progress;
	void *progress_arg;
};

struct journey_summary {
	char kind[16];
	int64_t rows, import_id, ledger_seq, journeys, customers;
	int already;
	char content_hash[SHA256_HEX];
};

int journey_import_file(struct store *s, const char *actor, const char *path,
			const struct journey_opts *o, struct journey_summary *sum,
			struct aiv_err *err);
int journey_import_stream(struct store *s, const char *actor, FILE *f, const char *name,
			  const struct journey_opts *o, struct journey_summary *sum,
			  struct aiv_err *err);

#endif
