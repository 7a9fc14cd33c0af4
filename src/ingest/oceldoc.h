/*
 * oceldoc.h - the one in-memory form every OCEL reader fills, and the one
 * flattening that turns it into a case-centric event log.
 *
 * Five readers (OCEL 2.0 JSON, XML, SQLite; OCEL 1.0 JSON, XML) differ in
 * syntax only.  Each fills a struct ocel_doc with what the file says, in
 * file order, and checks only syntax and fields; ocel_flatten() then
 * applies the same rule and the same accounting to all of them, so the
 * five cannot drift apart:
 *
 *   reader --> objects (id, type)          oattr (object, key, value)
 *              events  (id, type, time)    eattr (event, key, value)
 *              rel     (event, object id)
 *          --> ocel_flatten(type) --> struct eventlog (finished)
 *
 * Relationships and attributes carry their owner's index, so a reader
 * whose file lists them apart from their owner (SQLite's event_object and
 * per-type tables) adds them in any order; the flattening groups them
 * stably, keeping file order within an owner.  Strings live in the doc's
 * own pool; only what the flattened log uses is interned into it.
 *
 * Messages: "NAME: event 'e5': ..." / "NAME: object 'R1': ..." name the
 * record by its id and the field by its key, as the file spells them.
 */
#ifndef AIV_INGEST_OCELDOC_H
#define AIV_INGEST_OCELDOC_H

#include <jansson.h>

#include "ingest/ingest.h"

/* Longest id, type, key or value a reader accepts (bytes). */
#define OCEL_MAX_FIELD (1u << 20)

struct ocel_object {
	uint32_t id, type;      /* doc string ids */
};

struct ocel_event {
	uint32_t id, type;
	int64_t time;           /* us since the epoch, UTC */
	int has_time;           /* SQLite gives times after the events */
};

/* An attribute or a relationship: owner is an object or event index. */
struct ocel_item {
	uint32_t owner;
	uint32_t key;           /* attributes: key; relationships: object id */
	uint32_t value;         /* attributes: value; relationships: unused */
};

struct ocel_doc {
	const char *name;       /* file name in messages; borrowed */
	int form;               /* enum ingest_ocel_form, set by the reader */
	struct tally *tally;    /* may be NULL; borrowed */
	struct intern strs;
	struct ocel_object *obj;
	size_t nobj, aobj;
	struct ocel_event *ev;
	size_t nev, aev;
	struct ocel_item *rel;  /* owner: event */
	size_t nrel, arel;
	struct ocel_item *oattr; /* owner: object */
	size_t noattr, aoattr;
	struct ocel_item *eattr; /* owner: event */
	size_t neattr, aeattr;
	/* ocel_index(): string id -> index + 1 (0: none), for ids seen so far */
	uint32_t *obj_of, *ev_of;
	size_t nobj_of, nev_of;
};

void ocel_doc_init(struct ocel_doc *d, const char *name, struct tally *t);
void ocel_doc_release(struct ocel_doc *d);

static inline uint32_t ocel_str(struct ocel_doc *d, const char *s, size_t len)
{
	return intern_idn(&d->strs, s, len);
}
static inline const char *ocel_s(const struct ocel_doc *d, uint32_t id)
{
	return intern_str(&d->strs, id);
}

/* Append an object or event (file order); returns its index. */
size_t ocel_add_object(struct ocel_doc *d, const char *id, const char *type);
size_t ocel_add_event(struct ocel_doc *d, const char *id, const char *type);
/*
 * Parse s[0..len) (core time formats, ingest_parse_time) as the time of
 * event ev, read from field `field`.  A time without a UTC offset is
 * taken as UTC and counted as an assumption.  0 or an error naming the
 * event, the field and the text.
 */
int ocel_event_time(struct ocel_doc *d, size_t ev, const char *field, const char *s,
		    size_t len, struct aiv_err *err);
void ocel_add_rel(struct ocel_doc *d, size_t ev, const char *object_id, size_t len);
/* The same with ids already in d->strs (readers that buffer a record). */
void ocel_add_rel_id(struct ocel_doc *d, size_t ev, uint32_t object_id);
void ocel_add_attr_id(struct ocel_doc *d, int of_event, size_t owner, uint32_t key,
		      uint32_t value);
void ocel_add_eattr(struct ocel_doc *d, size_t ev, const char *key, const char *value,
		    size_t vlen);
void ocel_add_oattr(struct ocel_doc *d, size_t obj, const char *key, const char *value,
		    size_t vlen);

/*
 * Tally helpers: `what` not used, first at "NAME: event 'ID'" (kind
 * "event" or "object", id may be NULL: then "NAME").
 */
void ocel_note(struct ocel_doc *d, const char *what, const char *kind, const char *id);
void ocel_assume(struct ocel_doc *d, const char *what, const char *kind, const char *id);
/* `n` times ocel_note(d, what, NULL, NULL), in one step. */
void ocel_note_n(struct ocel_doc *d, const char *what, int64_t n);

/*
 * Build (again) the id -> index maps of what was added so far; an id
 * given to two objects or two events is an error naming it.
 */
int ocel_index(struct ocel_doc *d, struct aiv_err *err);
/* Index of the object / event with string id sid, or SIZE_MAX (after ocel_index). */
size_t ocel_object_of(const struct ocel_doc *d, uint32_t sid);
size_t ocel_event_of(const struct ocel_doc *d, uint32_t sid);

/*
 * Flatten on `object_type` into l and finish it.  Counts every event in
 * d->tally (read, used, skipped by reason) and notes what was not used.
 */
int ocel_flatten(struct ocel_doc *d, const char *object_type, struct eventlog *l,
		 struct aiv_err *err);

/*
 * Readers, one per file, each reading the file at `path`, or when path is
 * NULL the bytes data[0..len); d->name names it in messages.
 * ocel.c: OCEL JSON of either version, parsed whole by jansson.
 */
int ocel_read_json(const char *path, const char *data, size_t len, struct ocel_doc *d,
		   struct aiv_err *err);
/* Text of a JSON scalar (string, number, boolean), in buf if need be; NULL otherwise. */
const char *ocel_json_text(json_t *v, char *buf, size_t n);
/* ocel1.c: the OCEL 1.0 JSON document (root already parsed). */
int ocel1_read_json(json_t *root, struct ocel_doc *d, struct aiv_err *err);
/* ocelxml.c: OCEL XML of either version, streamed with expat. */
int ocel_read_xml(const char *path, const char *data, size_t len, struct ocel_doc *d,
		  struct aiv_err *err);
/* ocelsqlite.c: OCEL 2.0 SQLite, opened read-only. */
int ocel_read_sqlite(const char *path, const char *data, size_t len, struct ocel_doc *d,
		     struct aiv_err *err);

#endif
