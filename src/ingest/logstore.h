/*
 * logstore.h - imported event logs in the workspace database.
 *
 * A log is one row in event_logs and its columns as chunked little-endian
 * BLOBs in event_log_columns (migration 2), so that reloading 10 million
 * events is a few hundred BLOB reads and memcpy()s instead of 10 million
 * rows through SQL:
 *
 *   event_log_columns(log_id, name, chunk, data)
 *     strings    all interned strings, NUL-terminated, in id order
 *     case_name  u32 per case (string id of the case id)
 *     case_len   u32 per case (events in the case)
 *     activity   u32 per event    resource  u32 per event (0xffffffff: none)
 *     time       i64 per event (us since epoch, UTC); absent when the log
 *                has no timestamps (event_logs.first_time is then '')
 *     lifecycle  u32 per event (only if the log has lifecycle transitions)
 *     cost       f64 per event (only if the log has costs; NaN: none)
 *     cattr      4 x u32 per case attribute  (case, key, value, type)
 *     eattr      4 x u32 per event attribute (event, key, value, type)
 *   Events are stored grouped by case and time-sorted (eventlog_finish).
 *
 * content_hash = SHA-256 over, for each present column in the order
 * above: its name, a NUL, its byte length as 8 bytes little-endian, its
 * bytes.  It is the hash over the rows the ledger entry records, and what
 * makes a re-import of the same content a no-op.
 */
#ifndef AIV_INGEST_LOGSTORE_H
#define AIV_INGEST_LOGSTORE_H

#include "aiv.h"
#include "core/hash.h"
#include "core/tally.h"
#include "metrics/eventlog.h"
#include "store/store.h"

struct logstore_info {
	int64_t id;
	char *name, *format, *source, *content_hash, *imported_at;
	char *first_time, *last_time;
	int64_t cases, events, activities, out_of_order, ledger_seq;
};

enum logstore_status { LOGSTORE_IMPORTED, LOGSTORE_REPLACED, LOGSTORE_UNCHANGED };

/* SHA-256 (hex) of a finished log's stored form, as described above. */
void logstore_content_hash(const struct eventlog *l, char out[SHA256_HEX]);

/*
 * Save finished log `l` as `name` in one transaction with one ledger
 * entry ("import.cases", subject "EventLog/NAME", payload: rows, cases,
 * activities, content_sha256, format, source).  Same name and same
 * content: nothing changes, *status = LOGSTORE_UNCHANGED.  Same name,
 * other content: the old columns are replaced.  `l` is borrowed.
 * On success *seq is the ledger entry (0 when unchanged).
 */
int logstore_save(struct store *s, const char *actor, const char *name,
		  const char *format, const char *source, const struct eventlog *l,
		  enum logstore_status *status, int64_t *seq,
		  char hash[SHA256_HEX], struct aiv_err *err);

/*
 * The same, recording the import's accounting (core/tally.h) in the
 * ledger entry's payload as "tally" (tally_json's form); t may be NULL.
 * The payload also holds "out_of_order" and, for a log without
 * timestamps, "no_timestamps": true.
 */
int logstore_save_tally(struct store *s, const char *actor, const char *name,
			const char *format, const char *source, const struct eventlog *l,
			const struct tally *t, enum logstore_status *status, int64_t *seq,
			char hash[SHA256_HEX], struct aiv_err *err);

/*
 * Figures kept with a log (issue 20): what a command prints over it,
 * computed by the import from the columns it saves and stored in the same
 * transaction (event_log_figures, migration EVENT_LOG_FIGURES_VERSION), so
 * that the command after the import prints them without reloading the
 * log.  Each is keyed by the log's content hash and a form naming the
 * printer, its options and the program's version; a replacing import
 * deletes the old ones, and a reader finds nothing when the form or the
 * content hash differs, and recomputes.
 */
#define EVENT_LOG_FIGURES_VERSION 19

struct logstore_kept {
	const char *form; /* e.g. "process-stats text top=10 0.1.0 v1" */
	const char *body;
};

/* logstore_save_tally, also keeping kept[0..nkept) with the saved log. */
int logstore_save_kept(struct store *s, const char *actor, const char *name,
		       const char *format, const char *source, const struct eventlog *l,
		       const struct tally *t, const struct logstore_kept *kept, size_t nkept,
		       enum logstore_status *status, int64_t *seq,
		       char hash[SHA256_HEX], struct aiv_err *err);

/*
 * *body (caller-freed) = the figures kept for log `name` in `form` when
 * they were computed over its current content, else NULL.  Reads only.
 */
int logstore_kept_get(struct store *s, const char *name, const char *form, char **body,
		      struct aiv_err *err);

/* Load log `name` into `l` (initialised by the caller), finished. */
int logstore_load(struct store *s, const char *name, struct eventlog *l,
		  struct aiv_err *err);

/* *yes = 1 if a log named `name` was imported. */
int logstore_exists(struct store *s, const char *name, int *yes, struct aiv_err *err);

/* All logs by name; *out is caller-freed with logstore_info_free. */
int logstore_list(struct store *s, struct logstore_info **out, size_t *n,
		  struct aiv_err *err);
void logstore_info_free(struct logstore_info *v, size_t n);

#endif
