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
#include "core/tally.h"
#include "core/timeutil.h"
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
	 * The import's accounting (core/tally.h), filled by the reader: rows
	 * read, used, skipped by reason, what was not used, assumptions.  May
	 * be NULL (nothing counted); t->strict makes any skip an error.
	 */
	struct tally *tally;
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
	int date_order;            /* enum ingest_date_order; 0: detect */
	int time_format;           /* enum ingest_time_format; 0: dates, epochs by magnitude */
};

/*
 * How dates with the year last (03/04/2024) are read.  DETECT reads the
 * column: a value with a first part above 12 means day first, a second
 * part above 12 month first; a column that never tells, or tells both,
 * is refused with an example.  YMD refuses year-last dates.
 */
enum ingest_date_order {
	INGEST_ORDER_DETECT = 0,
	INGEST_ORDER_YMD,
	INGEST_ORDER_DMY,
	INGEST_ORDER_MDY,
};

enum ingest_time_format {
	INGEST_TIME_AUTO = 0,    /* dates; digits-only values as epoch by magnitude */
	INGEST_TIME_EPOCH_S,     /* Unix seconds (a fraction allowed) */
	INGEST_TIME_EPOCH_MS,    /* Unix milliseconds */
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
 * microseconds with core/timeutil's time_parse(): ISO-8601 / RFC 3339
 * date or date-time with 'T' or ' ', '-' or '/' between date parts,
 * fraction, offset Z / +HH:MM / +HHMM / +HH / " UTC" or none (UTC);
 * year-last dates day-first (DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY); Unix
 * time by magnitude (9+ digits: seconds, milliseconds, ...).  Invalid
 * calendar dates are refused.  Returns 0 or -1.
 */
int ingest_parse_time(const char *s, size_t len, int64_t *us);

/*
 * The event-log time format with a given date order and epoch unit (the
 * same options as ingest_parse_time otherwise), for time_parse().
 */
void ingest_time_format(struct time_format *f, enum time_order order, enum time_epoch epoch);

/*
 * Object-centric event logs in every published form: OCEL 2.0 as JSON,
 * XML or SQLite, OCEL 1.0 as JSON or XML; flattened on one object type by
 * the rule of ingest_ocel_file above (docs/process.md, "Object-centric
 * logs").  A form is a version bit and a container bit; a wanted form may
 * leave either part 0 (any).
 */
enum ingest_ocel_form {
	INGEST_OCEL_V1 = 1 << 0,
	INGEST_OCEL_V2 = 1 << 1,
	INGEST_OCEL_JSON = 1 << 2,
	INGEST_OCEL_XML = 1 << 3,
	INGEST_OCEL_SQLITE = 1 << 4,
};
#define INGEST_OCEL_VERSIONS (INGEST_OCEL_V1 | INGEST_OCEL_V2)
#define INGEST_OCEL_CONTAINERS (INGEST_OCEL_JSON | INGEST_OCEL_XML | INGEST_OCEL_SQLITE)

/*
 * Read the OCEL log at `path` whatever its form (told from its content:
 * SQLite's magic, then '{' or '<', then the keys or elements), flatten it
 * on `object_type` into `l` (finished).  `want` is the form the caller
 * expected (0: any); when the file is another known form, it is read all
 * the same, *found says which, and o->tally (if any) records the
 * assumption.  o may be NULL.  On error nothing is left in `l` that the
 * caller may use; err names the file, the event or object id and the
 * field (and line and column in XML).
 */
int ingest_ocel_any_file(const char *path, int want, const char *object_type,
			 struct eventlog *l, const struct ingest_opts *o, int *found,
			 struct aiv_err *err);
/* The same from memory; `name` is used in messages (SQLite too, read-only). */
int ingest_ocel_any_buffer(const char *data, size_t len, const char *name, int want,
			   const char *object_type, struct eventlog *l,
			   const struct ingest_opts *o, int *found, struct aiv_err *err);
/*
 * "ocel" (0), "ocel1", "ocel2", "ocel1-json", "ocel1-xml", "ocel2-json",
 * "ocel2-xml", "ocel2-sqlite" into *form; -1 for anything else.
 */
int ingest_ocel_form_parse(const char *s, int *form);
/* Words for a (possibly partial) form: "OCEL 1.0 JSON", "OCEL 2.0", "OCEL XML". */
const char *ingest_ocel_form_name(int form);
/* The --format spelling of a full form ("ocel2-sqlite"); static. */
const char *ingest_ocel_form_key(int form);
/* The container a file name suggests (.jsonocel .json, .xmlocel .xml, .sqlite .sqlite3), or 0. */
int ingest_ocel_form_of_name(const char *path);

#endif
