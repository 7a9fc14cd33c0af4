/*
 * usage_activity.h - the monthly activity rollup of imported usage
 * (table usage_activity, issue 19): per import, identity, tool and month,
 * the days of the month with an event that counted (count above 0), the
 * number of such events and the actions they summed.
 *
 *   usage import --> blocks --> usage_activity_import() --> rollup rows
 *                                  (same transaction)
 *   migration 17 --> usage_activity_backfill(): every stored import
 *   cost, value  <-- usage_each_activity(): rollup rows, people joined now
 *
 * Rows are kept by import, so an import writes only its own rows (the
 * months it touched) and never re-reads another import's blocks.  The
 * day mask makes the months of several imports merge exactly: bit d-1 is
 * set when day d had an event, and active days are the bits set in the
 * OR of the masks.  The person of a row is read at the time of asking
 * (usage_identities.person), as usage_load() does for the events, so a
 * later identity join or a deleted person needs no rewrite.
 */
#ifndef AIV_INGEST_USAGE_ACTIVITY_H
#define AIV_INGEST_USAGE_ACTIVITY_H

#include "aiv.h"
#include "store/store.h"

/* The schema version that created usage_activity (ingest_schema.c). */
#define USAGE_ACTIVITY_VERSION 17

/* Write the rollup rows of import `import_id` from its stored blocks. */
int usage_activity_import(struct store *s, int64_t import_id, struct aiv_err *err);

/* Write the rollup rows of every import that has blocks (the migration). */
int usage_activity_backfill(struct store *s, struct aiv_err *err);

struct usage_activity {
	const char *person;  /* NULL: the identity is joined to no person */
	const char *tool;
	int month;           /* year * 12 + month - 1 */
	int32_t first_day;   /* days since 1970-01-01 of the first and last */
	int32_t last_day;    /* day with an event in this month */
	uint32_t day_mask;   /* bit d-1: day d of the month had an event */
	int64_t events, actions;
	/* ids of person and tool, the same for the same string within one walk
	 * (callers key caches on them instead of hashing the strings), or
	 * USAGE_ACTIVITY_NO_IX when the row has none (workspaces before blocks) */
	uint32_t person_ix, tool_ix;
};
#define USAGE_ACTIVITY_NO_IX UINT32_MAX
typedef int (*usage_activity_fn)(const struct usage_activity *a, void *data);

/*
 * One call per stored (import, identity, tool, month) row, and per event
 * row of workspaces imported before blocks: the same (person, tool,
 * month) may come more than once, and callers merge.  Strings are
 * borrowed for the call; a non-zero return from fn stops the walk and is
 * returned.  Reads only.
 */
int usage_each_activity(struct store *s, usage_activity_fn fn, void *data,
			struct aiv_err *err);

/*
 * audit verify --state: each import's stored rollup rows against what its
 * blocks give (the rollup is derived, so it is replayed, not digested).
 */
struct ledger_state_report;
int usage_activity_check(struct store *s, struct ledger_state_report *r, struct aiv_err *err);

#endif
