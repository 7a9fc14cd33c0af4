/*
 * ingest.h - event-log importers: XES (plain or gzip), CSV with a column
 * map, and the date parser they share.
 *
 * Importers fill a struct eventlog (metrics/eventlog.h) and finish it; on
 * any error they return a negative code with err naming the file and
 * line/column (XES, from expat) or line (CSV), and the log must be
 * released by the caller without being used: nothing partial escapes,
 * which is what lets `import` be all-or-nothing.
 */
#ifndef AIV_INGEST_H
#define AIV_INGEST_H

#include "aiv.h"
#include "metrics/eventlog.h"

/* Called every ~64k events with events so far and bytes read so far. */
typedef void (*ingest_progress_fn)(uint64_t events, uint64_t bytes, void *data);

struct ingest_opts {
	ingest_progress_fn progress; /* may be NULL */
	void *progress_data;
	/*
	 * XES: keep only these non-standard trace/event attributes (NULL: keep
	 * all).  Each kept attribute costs 16 bytes per occurrence, so wide
	 * logs stay within the memory budget by naming what they need.
	 */
	const char *const *keep_attrs;
	size_t nkeep_attrs;
	/*
	 * gzip input: refuse more than this many bytes once decompressed
	 * (AIV_ETOOBIG naming the file and the limit), so a small file that
	 * inflates without end ("zip bomb") stops early.  0, or no opts:
	 * INGEST_DEFAULT_MAX_BYTES.  See docs/security-limits.md.
	 */
	uint64_t max_bytes;
};

/* Default decompressed-size cap per import: 4 GiB, room for real event
 * logs; `import cases --max-bytes` raises or lowers it per import. */
#define INGEST_DEFAULT_MAX_BYTES (UINT64_C(4) << 30)

/*
 * XES (IEEE 1849), read as a stream with expat; gzip-compressed input is
 * detected by its magic bytes, whatever the file name.  Standard keys:
 * concept:name (trace: case id, event: activity), time:timestamp,
 * org:resource, lifecycle:transition, cost:total; every other trace and
 * event attribute is kept as a case or event attribute.  `name` is the
 * file name used in messages.
 */
int ingest_xes_file(const char *path, struct eventlog *l,
		    const struct ingest_opts *o, struct aiv_err *err);
int ingest_xes_buffer(const char *data, size_t len, const char *name,
		      struct eventlog *l, struct aiv_err *err);

/* Column map for CSV: header names; NULL = not mapped / default. */
struct ingest_csv_map {
	const char *case_col;      /* default "case:concept:name" */
	const char *activity_col;  /* default "concept:name" */
	const char *time_col;      /* default "time:timestamp" */
	const char *resource_col;  /* default "org:resource" if present */
	const char *lifecycle_col; /* default "lifecycle:transition" if present */
	const char *cost_col;      /* default "cost:total" if present */
	const char **attr_keys;    /* --attr KEY=COL pairs */
	const char **attr_cols;
	int nattrs;
	char delimiter;            /* 0: detect from the header (, ; tab |) */
};

/*
 * CSV (RFC 4180: quoted fields, "" escapes, CRLF or LF, newlines inside
 * quotes), first record is the header.  An unknown column name is an
 * error naming it and listing the header.
 */
int ingest_csv_file(const char *path, const struct ingest_csv_map *map,
		    struct eventlog *l, const struct ingest_opts *o,
		    struct aiv_err *err);
int ingest_csv_buffer(const char *data, size_t len, const char *name,
		      const struct ingest_csv_map *map, struct eventlog *l,
		      const struct ingest_opts *o, struct aiv_err *err);

/*
 * JSON Lines: one JSON object per line, fields named by the same column
 * map as CSV (values: strings, numbers or booleans; times as strings in
 * the formats below or Unix seconds as a number).  Blank lines are
 * skipped; errors name the line.
 */
int ingest_jsonl_file(const char *path, const struct ingest_csv_map *map,
		      struct eventlog *l, const struct ingest_opts *o,
		      struct aiv_err *err);
int ingest_jsonl_buffer(const char *data, size_t len, const char *name,
			const struct ingest_csv_map *map, struct eventlog *l,
			const struct ingest_opts *o, struct aiv_err *err);

/*
 * OCEL 2.0 JSON, flattened on one object type: every event related to an
 * object of type `object_type` becomes an event of the case named by that
 * object's id (an event related to several such objects is copied into
 * each; duplicate relationships count once).  Activity = event type; event
 * attributes become event attributes, the object's attributes (first
 * value of each) case attributes.  An unknown object type is an error
 * listing the types.
 */
int ingest_ocel_file(const char *path, const char *object_type, struct eventlog *l,
		     struct aiv_err *err);
int ingest_ocel_buffer(const char *data, size_t len, const char *name,
		       const char *object_type, struct eventlog *l, struct aiv_err *err);
/* The same for OCEL 2.0 XML, streamed with expat. */
int ingest_ocel_xml_file(const char *path, const char *object_type, struct eventlog *l,
			 struct aiv_err *err);
int ingest_ocel_xml_buffer(const char *data, size_t len, const char *name,
			   const char *object_type, struct eventlog *l, struct aiv_err *err);

/*
 * Parse a timestamp (s[0..len), need not be NUL-terminated) into UTC
 * microseconds.  Accepted: ISO-8601 / RFC 3339 date or date-time with
 * 'T' or ' ', '-' or '/' between date parts, fraction up to 9 digits,
 * offset Z / +HH:MM / +HHMM / +HH or none (UTC); day-first dates
 * DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY with optional HH:MM[:SS[.f]];
 * Unix time as 10 digits (seconds) or 13 digits (milliseconds).
 * Returns 0 or -1.
 */
int ingest_parse_time(const char *s, size_t len, int64_t *us);

#endif
