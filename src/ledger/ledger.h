/*
 * ledger.h - the append-only, hash-chained record of every state change.
 *
 * Each entry is {seq, time, actor, action, subject, payload, prev_hash,
 * hash}.  The hash covers the previous entry's hash and the canonical
 * bytes of this entry, so changing, removing, inserting or reordering any
 * entry breaks every hash after it:
 *
 *    entry 1                 entry 2                 entry 3
 *   +------------------+    +------------------+    +------------------+
 *   | prev = 000...0   |    | prev = h1 -------|--->| prev = h2        |
 *   | seq,time,actor,  |    | seq,time,actor,  |    | ...              |
 *   | action,subject,  |    | action,subject,  |    |                  |
 *   | payload          |    | payload          |    |                  |
 *   | h1 = SHA256(prev ||   | h2 = SHA256(h1 ||     | h3 = ...         |
 *   |      canon(e1))  |    |      canon(e2))  |    |                  |
 *   +------------------+    +------------------+    +------------------+
 *
 *   canon(e) = {"action":..,"actor":..,"payload":<canonical JSON>,
 *               "seq":N,"subject":..,"time":"...Z"}   (core/cjson.h rules)
 *   prev and hash are 64 lowercase hex digits; the hash input is the 64
 *   ASCII hex digits of prev followed directly by canon(e).
 *
 * Whoever can write the database can also recompute a whole chain; that
 * is caught by comparing with a head recorded elsewhere (`audit
 * checkpoint` prints SEQ:HASH, `audit verify --expect-head SEQ:HASH`
 * checks it), which is also how truncation is caught.
 */
#ifndef AIV_LEDGER_H
#define AIV_LEDGER_H

#include <jansson.h>

#include "aiv.h"
#include "core/progress.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "store/store.h"

#define LEDGER_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/*
 * Append one entry inside the caller's open store transaction (the entry
 * commits or rolls back with the state change it records).  `payload` is
 * serialised canonically; it is borrowed.  On success *seq_out (if not
 * NULL) is the new entry's sequence number.
 */
int ledger_append(struct store *s, const char *actor, const char *action,
		  const char *subject, const json_t *payload, int64_t *seq_out,
		  struct aiv_err *err);
/* Same, with payload already canonical JSON text (not checked). */
int ledger_append_text(struct store *s, const char *actor, const char *action,
		       const char *subject, const char *payload, size_t payload_len,
		       int64_t time_us, int64_t *seq_out, struct aiv_err *err);
/*
 * Same as ledger_append with the payload given as its canonical text
 * (cjson_dump's bytes, which the caller wrote directly): appended as it is
 * unless `action` is one whose entries ledger_append stamps (ledger/state.h),
 * which reads it back and appends that.
 */
int ledger_append_canon(struct store *s, const char *actor, const char *action,
			const char *subject, const char *payload, size_t payload_len,
			int64_t *seq_out, struct aiv_err *err);

/* Newest entry's seq and hash (0 and genesis when empty). */
int ledger_head(struct store *s, int64_t *seq, char hash[SHA256_HEX],
		struct aiv_err *err);
/*
 * Same, but a server on PostgreSQL may answer from what it keeps until a
 * notification says the ledger changed (store_memo_get): it can lag
 * another server's commit by that notification's delivery.  For cache
 * keys only (the evidence cache), never for a check that refuses,
 * records or reports the head.
 */
int ledger_head_kept(struct store *s, int64_t *seq, char hash[SHA256_HEX],
		     struct aiv_err *err);

/*
 * Build canon(e) into sb (reset first) and hash it with prev into hash.
 * Exposed for verification, export and tests.
 */
void ledger_entry_hash(struct strbuf *sb, int64_t seq, const char *time,
		       const char *actor, const char *action,
		       const char *subject, const char *payload,
		       size_t payload_len, const char *prev_hash,
		       char hash[SHA256_HEX]);

struct ledger_verify_result {
	int64_t entries;          /* entries checked */
	int64_t head_seq;
	char head_hash[SHA256_HEX];
	int ok;
	int64_t bad_seq;          /* first bad entry (0 if ok) */
	char reason[512];         /* why, in one line */
};

/*
 * Recompute the chain.  If expect_seq > 0, also require that entry
 * expect_seq exists with hash expect_hash (catches truncation and
 * rewrites since that checkpoint).  Returns 0 when verification ran (see
 * res->ok for the verdict), negative on a database error.
 */
int ledger_verify(struct store *s, int64_t expect_seq, const char *expect_hash,
		  struct ledger_verify_result *res, struct aiv_err *err);
/*
 * The same, calling progress(arg, entries checked, entries to check) from
 * the calling thread about every 4,096 entries (progress may be NULL).
 */
int ledger_verify_progress(struct store *s, int64_t expect_seq, const char *expect_hash,
			   progress_fn progress, void *arg, struct ledger_verify_result *res,
			   struct aiv_err *err);

/*
 * For tests: split verification into exactly `ranges` ranges (1 to 4),
 * whatever the cores and the size; 0 restores the default.  Not for
 * concurrent use.
 */
void ledger_verify_tune(int ranges);

/* Callback per entry for export/log, in seq order; non-zero stops. */
struct ledger_row {
	int64_t seq;
	const char *time, *actor, *action, *subject, *payload, *prev_hash, *hash;
	size_t payload_len;
};
typedef int (*ledger_row_fn)(const struct ledger_row *row, void *data);

/*
 * Walk entries with seq in [from, to] (to <= 0: to the end), optionally
 * only those whose subject equals `subject` or whose action starts with
 * `action_prefix`.  newest_first walks backwards.  limit <= 0: no limit.
 */
int ledger_walk(struct store *s, int64_t from, int64_t to, const char *subject,
		const char *action_prefix, int newest_first, int64_t limit,
		ledger_row_fn fn, void *data, struct aiv_err *err);

/*
 * Walk the entries whose seq is one of seqs[0..n) (any order; a seq with
 * no entry is skipped), in seq order within each statement of up to 256
 * seqs: one statement where ledger_walk(seq, seq, ...) per seq is n.
 * fn non-zero stops.
 */
int ledger_walk_seqs(struct store *s, const int64_t *seqs, size_t n, ledger_row_fn fn,
		     void *data, struct aiv_err *err);
/*
 * ledger_walk_seqs as one query of store_query_in_many (sent with other
 * reads, in one round trip on PostgreSQL): *q is filled to walk the same
 * entries to fn in the same order; it and *j stay valid until
 * ledger_seqs_in_release(j).
 */
struct ledger_seqs_in {
	char **texts; /* the seqs as decimal text: the keys */
	size_t n;
	ledger_row_fn fn;
	void *data;
};
void ledger_seqs_in(struct ledger_seqs_in *j, const int64_t *seqs, size_t n, ledger_row_fn fn,
		    void *data, struct store_in *q);
void ledger_seqs_in_release(struct ledger_seqs_in *j);

/*
 * The time text of entry `seq` into time (at most n bytes, NUL-terminated);
 * *found = 0 (and time "") when there is no such entry.
 */
int ledger_entry_time(struct store *s, int64_t seq, char *time, size_t n, int *found,
		      struct aiv_err *err);

/* Append one export line (JSON object + '\n') for row to sb. */
void ledger_export_line(struct strbuf *sb, const struct ledger_row *row);

/*
 * The row as {seq, time, actor, action, subject, payload, [prev_hash,]
 * hash} with its payload parsed (new reference), or NULL and err naming
 * the entry when the payload cannot be parsed: a log view fails rather
 * than show an entry without what it recorded.
 */
json_t *ledger_row_json(const struct ledger_row *row, int with_prev_hash,
			struct aiv_err *err);

#endif
