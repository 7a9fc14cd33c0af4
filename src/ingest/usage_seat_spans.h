/*
 * usage_seat_spans.h - a seat span per licensed identity and tool (table
 * usage_seat_spans, issue 19): the first day any seat export licensed the
 * identity for the tool, and the greatest person name its seat rows were
 * joined to.  Cost charges a seat from its first month on, so it reads
 * these rows (one per identity and tool, 40,000 in the large demo)
 * instead of every seat row (2.2M: each snapshot repeats every seat).
 *
 *   usage import --> usage_seats rows --> usage_seat_spans_import()
 *                                          (same transaction, upsert)
 *   identity_rejoin --> usage_seat_spans_rejoin() (before the seat rows)
 *   migration 18 --> back-filled from usage_seats with one GROUP BY
 *   cost <-- usage_each_seat() (usage_load.h)
 *
 * The spans are derived, so `audit verify --state` compares them with
 * the GROUP BY of the seat rows (usage_seat_spans_check).
 */
#ifndef AIV_INGEST_USAGE_SEAT_SPANS_H
#define AIV_INGEST_USAGE_SEAT_SPANS_H

#include "aiv.h"
#include "store/store.h"

/* The schema version that created usage_seat_spans (ingest_schema.c). */
#define USAGE_SEAT_SPANS_VERSION 18

/* Merge the seat rows of import `import_id` into the spans. */
int usage_seat_spans_import(struct store *s, int64_t import_id, struct aiv_err *err);

/*
 * The same merge without reading the seat rows back: an import notes each
 * seat row it writes (usage_seat_spans_note: its spans, as the GROUP BY
 * of usage_seat_spans_import would give them), then usage_seat_spans_merge
 * writes only the spans that change.  What is stored is read once per
 * process and kept with the ledger head the import's transaction ended on
 * (usage_seat_spans_committed, given the head read inside the transaction,
 * -1 if unknown); any other head reads the table again.
 * The large demo's hundred weekly snapshots each repeat 20,000 spans, of
 * which a few change: the upsert of every one of them cost 40 ms a
 * snapshot.
 */
struct seat_spans;
struct intern;
/* Person ids given to _note are ids in `names` (borrowed; it may grow). */
struct seat_spans *usage_seat_spans_new(const struct intern *names);
void usage_seat_spans_free(struct seat_spans *a);
/* person: an id in names, or INTERN_NONE for none */
void usage_seat_spans_note(struct seat_spans *a, const char *identity, size_t idlen,
			   const char *tool, uint32_t person, int64_t day);
int usage_seat_spans_merge(struct store *s, const struct seat_spans *a, struct aiv_err *err);
void usage_seat_spans_committed(struct store *s, int64_t head, const char *hash);

/*
 * identity_rejoin is about to give unjoined seat rows the person of their
 * identity: raise each affected span's person to it first (it reads the
 * rows still unjoined).
 */
int usage_seat_spans_rejoin(struct store *s, struct aiv_err *err);

struct ledger_state_report;
int usage_seat_spans_check(struct store *s, struct ledger_state_report *r, struct aiv_err *err);

#endif
