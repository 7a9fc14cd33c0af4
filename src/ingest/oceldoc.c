/*
 * oceldoc.c - the OCEL document every reader fills (oceldoc.h), the one
 * flattening rule, and the front door that tells the five forms apart.
 *
 * Flattening on object type T (docs/process.md, "Object-centric logs"):
 *
 *   - each object of type T that some event relates to is one case, named
 *     by the object's id; its attributes (the first value of each: OCEL
 *     2.0 keeps a history, later values are counted as not used) are the
 *     case attributes;
 *   - each event related to such objects becomes one event in each of
 *     their cases (activity = event type, time = event time, event
 *     attributes kept); an event related twice to the same object counts
 *     once there;
 *   - events are taken in file order, so that eventlog_finish() sorts each
 *     case by time with ties in file order.
 *
 * Accounting (struct tally, unit "events"): every event of the file is
 * read; it is used when it lands in at least one case, else skipped with
 * one of two reasons.  "not related to an object of type T" is the choice
 * of T, not a fault of the file, so --strict does not refuse it; "related
 * to no object in the log" (no relationship, or only to unknown ids) is a
 * fault and --strict refuses it.  Relationships to unknown objects,
 * repeated relationships, later attribute values and objects of T with no
 * event are counted as not used; copying an event into several cases is
 * counted as an assumption.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/oceldoc.h"

void ocel_doc_init(struct ocel_doc *d, const char *name, struct tally *t)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->tally = t;
	intern_init(&d->strs);
}

void ocel_doc_release(struct ocel_doc *d)
{
	intern_release(&d->strs);
	free(d->obj);
	free(d->ev);
	free(d->rel);
	free(d->oattr);
	free(d->eattr);
	free(d->obj_of);
	free(d->ev_of);
	memset(d, 0, sizeof(*d));
}

size_t ocel_add_object(struct ocel_doc *d, const char *id, const char *type)
{
	ALLOC_GROW(d->obj, d->nobj + 1, d->aobj);
	d->obj[d->nobj].id = ocel_str(d, id, strlen(id));
	d->obj[d->nobj].type = ocel_str(d, type, strlen(type));
	return d->nobj++;
}

size_t ocel_add_event(struct ocel_doc *d, const char *id, const char *type)
{
	struct ocel_event *e;

	ALLOC_GROW(d->ev, d->nev + 1, d->aev);
	e = &d->ev[d->nev];
	e->id = ocel_str(d, id, strlen(id));
	e->type = ocel_str(d, type, strlen(type));
	e->time = 0;
	e->has_time = 0;
	return d->nev++;
}

static void add_item(struct ocel_item **v, size_t *n, size_t *a, size_t owner,
		     uint32_t key, uint32_t value)
{
	ALLOC_GROW(*v, *n + 1, *a);
	(*v)[*n].owner = (uint32_t)owner;
	(*v)[*n].key = key;
	(*v)[(*n)++].value = value;
}

void ocel_add_rel(struct ocel_doc *d, size_t ev, const char *object_id, size_t len)
{
	add_item(&d->rel, &d->nrel, &d->arel, ev, ocel_str(d, object_id, len), 0);
}

void ocel_add_rel_id(struct ocel_doc *d, size_t ev, uint32_t object_id)
{
	add_item(&d->rel, &d->nrel, &d->arel, ev, object_id, 0);
}

void ocel_add_attr_id(struct ocel_doc *d, int of_event, size_t owner, uint32_t key,
		      uint32_t value)
{
	if (of_event)
		add_item(&d->eattr, &d->neattr, &d->aeattr, owner, key, value);
	else
		add_item(&d->oattr, &d->noattr, &d->aoattr, owner, key, value);
}

void ocel_add_eattr(struct ocel_doc *d, size_t ev, const char *key, const char *value,
		    size_t vlen)
{
	uint32_t k = ocel_str(d, key, strlen(key));

	add_item(&d->eattr, &d->neattr, &d->aeattr, ev, k, ocel_str(d, value, vlen));
}

void ocel_add_oattr(struct ocel_doc *d, size_t obj, const char *key, const char *value,
		    size_t vlen)
{
	uint32_t k = ocel_str(d, key, strlen(key));

	add_item(&d->oattr, &d->noattr, &d->aoattr, obj, k, ocel_str(d, value, vlen));
}

static void where(char *buf, size_t n, const struct ocel_doc *d, const char *kind,
		  const char *id)
{
	if (id)
		snprintf(buf, n, "%s: %s '%.200s'", d->name, kind, id);
	else
		snprintf(buf, n, "%s", d->name);
}

/* Count `what` at "NAME: KIND 'ID'" with tally_note or tally_assume. */
static void record(struct ocel_doc *d, void (*add)(struct tally *, const char *, const char *),
		   const char *what, const char *kind, const char *id)
{
	char w[512];

	if (!d->tally)
		return;
	where(w, sizeof(w), d, kind, id);
	add(d->tally, what, w);
}

void ocel_note(struct ocel_doc *d, const char *what, const char *kind, const char *id)
{
	record(d, tally_note, what, kind, id);
}

void ocel_assume(struct ocel_doc *d, const char *what, const char *kind, const char *id)
{
	record(d, tally_assume, what, kind, id);
}

void ocel_note_n(struct ocel_doc *d, const char *what, int64_t n)
{
	size_t i;

	if (!d->tally || n <= 0)
		return;
	ocel_note(d, what, NULL, NULL);
	for (i = 0; i < d->tally->nnotes; i++)
		if (!strcmp(d->tally->notes[i].what, what))
			d->tally->notes[i].count += n - 1;
}

/*
 * 1 when a time text says which instant it is: a UTC offset (Z, +HH...,
 * -HH...) after the time of day, or a Unix time (all digits).  Not a
 * parser: ingest_parse_time has read the text already; this only tells
 * whether "UTC" was an assumption.
 */
static int says_zone(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == len)
		return 1;
	for (i = 0; i < len && s[i] != 'T' && s[i] != 't' && s[i] != ' '; i++)
		;
	for (; i < len; i++)
		if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-')
			return 1;
	return 0;
}

int ocel_event_time(struct ocel_doc *d, size_t ev, const char *field, const char *s,
		    size_t len, struct aiv_err *err)
{
	struct ocel_event *e = &d->ev[ev];

	if (ingest_parse_time(s, len, &e->time))
		return aiv_fail(err, AIV_EINPUT, "%s: event '%s': unparseable time '%.*s' in '%s'",
				d->name, ocel_s(d, e->id), (int)(len > 64 ? 64 : len), s, field);
	e->has_time = 1;
	if (!says_zone(s, len))
		ocel_assume(d, "time without a UTC offset read as UTC", "event", ocel_s(d, e->id));
	return 0;
}

/* map[sid] = index + 1 for each record; a repeated id is an error. */
static int index_ids(struct ocel_doc *d, uint32_t **map, size_t *nmap, size_t n,
		     const uint32_t *ids, size_t stride, const char *kind, struct aiv_err *err)
{
	size_t i;

	free(*map);
	*map = xcalloc(d->strs.n ? d->strs.n : 1, sizeof(**map));
	*nmap = d->strs.n;
	for (i = 0; i < n; i++) {
		uint32_t sid = *(const uint32_t *)((const char *)ids + i * stride);
		if ((*map)[sid])
			return aiv_fail(err, AIV_EINPUT, "%s: %s '%s': the id is given to two %ss",
					d->name, kind, ocel_s(d, sid), kind);
		(*map)[sid] = (uint32_t)(i + 1);
	}
	return 0;
}

int ocel_index(struct ocel_doc *d, struct aiv_err *err)
{
	int ret;

	if (d->nobj > UINT32_MAX - 1 || d->nev > UINT32_MAX - 1)
		return aiv_fail(err, AIV_ETOOBIG, "%s: more than 4 billion objects or events",
				d->name);
	if ((ret = index_ids(d, &d->obj_of, &d->nobj_of, d->nobj, d->obj ? &d->obj->id : NULL,
			     sizeof(*d->obj), "object", err)))
		return ret;
	return index_ids(d, &d->ev_of, &d->nev_of, d->nev, d->ev ? &d->ev->id : NULL,
			 sizeof(*d->ev), "event", err);
}

size_t ocel_object_of(const struct ocel_doc *d, uint32_t sid)
{
	return sid < d->nobj_of && d->obj_of[sid] ? d->obj_of[sid] - 1 : SIZE_MAX;
}

size_t ocel_event_of(const struct ocel_doc *d, uint32_t sid)
{
	return sid < d->nev_of && d->ev_of[sid] ? d->ev_of[sid] - 1 : SIZE_MAX;
}

/*
 * Group items by owner, stably (counting sort): the items of owner o are
 * order[off[o] .. off[o+1]).  Caller frees both.
 */
static void group(const struct ocel_item *v, size_t n, size_t nowners, size_t **off_out,
		  size_t **order_out)
{
	size_t *off = xcalloc(st_add(nowners, 2), sizeof(*off));
	size_t *order = xcalloc(n ? n : 1, sizeof(*order));
	size_t i;

	for (i = 0; i < n; i++)
		off[v[i].owner + 2]++;
	for (i = 2; i < nowners + 2; i++)
		off[i] += off[i - 1];
	for (i = 0; i < n; i++)
		order[off[v[i].owner + 1]++] = i;
	*off_out = off;
	*order_out = order;
}

static uint32_t to_log(struct eventlog *l, const struct ocel_doc *d, uint32_t sid)
{
	return eventlog_intern(l, ocel_s(d, sid), intern_len(&d->strs, sid));
}

/* The object types present, quoted, in first-seen order (at most ~600 bytes). */
static void list_types(const struct ocel_doc *d, struct strbuf *sb)
{
	uint8_t *seen = xcalloc(d->strs.n ? d->strs.n : 1, 1);
	size_t i;

	for (i = 0; i < d->nobj && sb->len < 600; i++) {
		uint32_t ty = d->obj[i].type;
		if (seen[ty])
			continue;
		seen[ty] = 1;
		strbuf_addf(sb, "%s'%s'", sb->len ? ", " : "", ocel_s(d, ty));
	}
	free(seen);
}

/*
 * A skip that is the user's choice of object type, not a fault of the
 * file: counted like any skip, never refused by --strict.
 */
static void skip_by_choice(struct tally *t, const char *reason, const char *w)
{
	int strict = t->strict;

	t->strict = 0;
	tally_skip(t, reason, w, NULL);
	t->strict = strict;
}

int ocel_flatten(struct ocel_doc *d, const char *object_type, struct eventlog *l,
		 struct aiv_err *err)
{
	struct tally *t = d->tally;
	size_t *roff = NULL, *rord = NULL, *eoff = NULL, *eord = NULL, *ooff = NULL, *oord = NULL;
	size_t *stamp = NULL;       /* object -> 1 + last event that put it in a case */
	uint32_t *key_seen = NULL;  /* doc string -> 1 + last object that had this key */
	uint32_t *case_id = NULL;   /* object -> its id in l, EVL_NONE if not of the type */
	uint8_t *has_event = NULL;
	char other[256], nocase[256], w[512];
	size_t i, j, k, nwant = 0;
	uint32_t want;
	int ret;

	if ((ret = ocel_index(d, err)))
		goto cleanup;
	want = intern_find(&d->strs, object_type, strlen(object_type));
	for (i = 0; i < d->nobj && want != EVL_NONE; i++)
		nwant += d->obj[i].type == want;
	if (!nwant) {
		struct strbuf types = STRBUF_INIT;
		list_types(d, &types);
		ret = aiv_fail(err, AIV_EINPUT, "%s: no objects of type '%s' (types: %s)", d->name,
			       object_type, types.len ? types.buf : "none");
		strbuf_release(&types);
		goto cleanup;
	}
	snprintf(other, sizeof(other), "not related to an object of type '%.200s'", object_type);
	snprintf(nocase, sizeof(nocase), "object of type '%.200s' with no event (no case)",
		 object_type);
	group(d->rel, d->nrel, d->nev, &roff, &rord);
	group(d->eattr, d->neattr, d->nev, &eoff, &eord);
	group(d->oattr, d->noattr, d->nobj, &ooff, &oord);
	stamp = xcalloc(d->nobj, sizeof(*stamp));
	has_event = xcalloc(d->nobj, 1);
	case_id = xcalloc(d->nobj, sizeof(*case_id));
	key_seen = xcalloc(d->strs.n, sizeof(*key_seen));

	/* cases: objects of the type, their attributes (first value of each key) */
	for (i = 0; i < d->nobj; i++) {
		case_id[i] = EVL_NONE;
		if (d->obj[i].type != want)
			continue;
		case_id[i] = to_log(l, d, d->obj[i].id);
		for (k = ooff[i]; k < ooff[i + 1]; k++) {
			const struct ocel_item *a = &d->oattr[oord[k]];
			if (key_seen[a->key] == i + 1) {
				ocel_note(d, "later value of an object attribute (the first is the case attribute)",
					  "object", ocel_s(d, d->obj[i].id));
				continue;
			}
			key_seen[a->key] = (uint32_t)(i + 1);
			eventlog_add_case_attr(l, case_id[i], to_log(l, d, a->key), EVL_STRING,
					       to_log(l, d, a->value));
		}
	}

	/* events, in file order: one copy in each case they belong to */
	for (i = 0; i < d->nev; i++) {
		const struct ocel_event *e = &d->ev[i];
		const char *eid = ocel_s(d, e->id);
		uint32_t act = EVL_NONE;
		size_t copies = 0;
		int known = 0;

		if (!e->has_time) { /* readers give every event a time; belt and braces */
			ret = aiv_fail(err, AIV_EINPUT, "%s: event '%s': no time", d->name, eid);
			goto cleanup;
		}
		for (j = roff[i]; j < roff[i + 1]; j++) {
			uint32_t oid = d->rel[rord[j]].key;
			size_t o = ocel_object_of(d, oid), ev;
			if (o == SIZE_MAX) {
				ocel_note(d, "relationship to an object not in the log", "event", eid);
				continue;
			}
			known = 1;
			if (case_id[o] == EVL_NONE)
				continue;
			if (stamp[o] == i + 1) {
				ocel_note(d, "repeated relationship of an event to one object", "event", eid);
				continue;
			}
			stamp[o] = i + 1;
			if (act == EVL_NONE)
				act = to_log(l, d, e->type);
			ev = eventlog_add(l, case_id[o], act, EVL_NONE, e->time);
			has_event[o] = 1;
			copies++;
			for (k = eoff[i]; k < eoff[i + 1]; k++) {
				const struct ocel_item *a = &d->eattr[eord[k]];
				eventlog_add_event_attr(l, ev, to_log(l, d, a->key), EVL_STRING,
							to_log(l, d, a->value));
			}
		}
		if (!t)
			continue;
		t->read++;
		where(w, sizeof(w), d, "event", eid);
		if (copies) {
			t->used++;
			if (copies > 1)
				tally_assume(t, "event related to several objects of the type: one copy in each case", w);
		} else if (known) {
			skip_by_choice(t, other, w);
		} else if ((ret = tally_skip(t, "related to no object in the log", w, err))) {
			goto cleanup;
		}
	}
	for (i = 0; i < d->nobj; i++)
		if (case_id[i] != EVL_NONE && !has_event[i])
			ocel_note(d, nocase, "object", ocel_s(d, d->obj[i].id));

	ret = eventlog_finish(l, err);
	if (ret)
		aiv_err_prefix(err, "%s", d->name);
cleanup:
	free(roff);
	free(rord);
	free(eoff);
	free(eord);
	free(ooff);
	free(oord);
	free(stamp);
	free(key_seen);
	free(case_id);
	free(has_event);
	return ret;
}

/* ---- forms ---------------------------------------------------------- */

static const struct {
	const char *key;
	int form;
} form_keys[] = {
	{ "ocel", 0 },
	{ "ocel1", INGEST_OCEL_V1 },
	{ "ocel2", INGEST_OCEL_V2 },
	{ "ocel1-json", INGEST_OCEL_V1 | INGEST_OCEL_JSON },
	{ "ocel1-xml", INGEST_OCEL_V1 | INGEST_OCEL_XML },
	{ "ocel2-json", INGEST_OCEL_V2 | INGEST_OCEL_JSON },
	{ "ocel2-xml", INGEST_OCEL_V2 | INGEST_OCEL_XML },
	{ "ocel2-sqlite", INGEST_OCEL_V2 | INGEST_OCEL_SQLITE },
};

int ingest_ocel_form_parse(const char *s, int *form)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(form_keys); i++)
		if (!strcmp(s, form_keys[i].key)) {
			*form = form_keys[i].form;
			return 0;
		}
	return -1;
}

const char *ingest_ocel_form_key(int form)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(form_keys); i++)
		if (form_keys[i].form == form)
			return form_keys[i].key;
	return "ocel";
}

const char *ingest_ocel_form_name(int form)
{
	static const char *const names[3][4] = {
		{ "OCEL", "OCEL JSON", "OCEL XML", "OCEL SQLite" },
		{ "OCEL 1.0", "OCEL 1.0 JSON", "OCEL 1.0 XML", "OCEL 1.0 SQLite" },
		{ "OCEL 2.0", "OCEL 2.0 JSON", "OCEL 2.0 XML", "OCEL 2.0 SQLite" },
	};
	int v = form & INGEST_OCEL_V2 ? 2 : form & INGEST_OCEL_V1 ? 1 : 0;
	int c = form & INGEST_OCEL_JSON ? 1 : form & INGEST_OCEL_XML ? 2 :
		form & INGEST_OCEL_SQLITE ? 3 : 0;

	return names[v][c];
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

int ingest_ocel_form_of_name(const char *path)
{
	if (has_suffix(path, ".jsonocel") || has_suffix(path, ".json"))
		return INGEST_OCEL_JSON;
	if (has_suffix(path, ".xmlocel") || has_suffix(path, ".xml"))
		return INGEST_OCEL_XML;
	if (has_suffix(path, ".sqlite") || has_suffix(path, ".sqlite3"))
		return INGEST_OCEL_SQLITE;
	return 0;
}

/* The container the first bytes show: SQLite's magic, else '{' or '<'. */
static int sniff(const unsigned char *b, size_t n)
{
	static const char magic[16] = "SQLite format 3";
	size_t i = 0;

	if (n >= 16 && !memcmp(b, magic, 16))
		return INGEST_OCEL_SQLITE;
	if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		i = 3;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	if (i < n && b[i] == '{')
		return INGEST_OCEL_JSON;
	if (i < n && b[i] == '<')
		return INGEST_OCEL_XML;
	return 0;
}

/* Read the document (path, or data when path is NULL), then flatten it. */
static int read_any(const char *path, const char *data, size_t len, const char *name,
		    int container, int want, const char *object_type, struct eventlog *l,
		    const struct ingest_opts *o, int *found, struct aiv_err *err)
{
	struct ocel_doc d;
	int ret;

	ocel_doc_init(&d, name, o ? o->tally : NULL);
	if (container == INGEST_OCEL_SQLITE)
		ret = ocel_read_sqlite(path, data, len, &d, err);
	else if (container == INGEST_OCEL_JSON)
		ret = ocel_read_json(path, data, len, &d, err);
	else if (container == INGEST_OCEL_XML)
		ret = ocel_read_xml(path, data, len, &d, err);
	else
		ret = aiv_fail(err, AIV_EINPUT, "%s: not an OCEL log: neither JSON, XML nor SQLite",
			       name);
	if (found)
		*found = d.form;
	if (ret)
		goto cleanup;
	if ((want & INGEST_OCEL_VERSIONS && !(want & d.form & INGEST_OCEL_VERSIONS)) ||
	    (want & INGEST_OCEL_CONTAINERS && !(want & d.form & INGEST_OCEL_CONTAINERS))) {
		char what[128];
		snprintf(what, sizeof(what), "file is %s, not %s: read as %s",
			 ingest_ocel_form_name(d.form), ingest_ocel_form_name(want),
			 ingest_ocel_form_name(d.form));
		ocel_assume(&d, what, NULL, NULL);
	}
	ret = ocel_flatten(&d, object_type, l, err);
cleanup:
	ocel_doc_release(&d);
	return ret;
}

int ingest_ocel_any_file(const char *path, int want, const char *object_type,
			 struct eventlog *l, const struct ingest_opts *o, int *found,
			 struct aiv_err *err)
{
	unsigned char head[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (found)
		*found = 0;
	if (!f)
		return aiv_fail(err, AIV_EIO, "cannot open '%s': %s", path, strerror(errno));
	n = fread(head, 1, sizeof(head), f);
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		return aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(e));
	}
	fclose(f);
	return read_any(path, NULL, 0, path, sniff(head, n), want, object_type, l, o, found, err);
}

int ingest_ocel_any_buffer(const char *data, size_t len, const char *name, int want,
			   const char *object_type, struct eventlog *l,
			   const struct ingest_opts *o, int *found, struct aiv_err *err)
{
	if (found)
		*found = 0;
	return read_any(NULL, data, len, name, sniff((const unsigned char *)data, len), want,
			object_type, l, o, found, err);
}
