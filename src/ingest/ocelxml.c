/*
 * ocelxml.c - OCEL 2.0 XML importer, flattened on one object type, read as
 * a stream with expat (same flattening as ocel.c for JSON).
 *
 * The standard puts <objects> before <events>, but nothing forces it, so
 * events are kept compactly (type, time, related object ids, attributes)
 * until the end, then flattened once every object's type is known.
 *
 *   <log> <object-types/> <event-types/>          declarations: skipped
 *         <objects> <object id type> <attributes> <attribute name time>V
 *                                    <objects> <relationship object-id/>
 *         <events>  <event id type time> <attributes> <attribute name>V
 *                                        <objects> <relationship object-id/>
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "ingest/ingest.h"

struct oev {
	uint32_t type;
	int64_t time;
	size_t rel_lo, rel_hi, attr_lo, attr_hi;
};

struct oattr {
	uint32_t key, value;
};

struct ox {
	XML_Parser p;
	const char *name, *object_type;
	struct eventlog *l;
	struct aiv_err *err;
	int failed;
	int depth, in_object, in_event, in_attr; /* in_attr: collecting a value */
	uint32_t cur_object, attr_name;
	struct strbuf text;
	/* objects: (id, type) */
	uint32_t *obj_id, *obj_type;
	size_t nobj, aobj, ntype_match;
	struct oattr *oattrs; /* object attributes, owner in obj index via oattr_owner */
	size_t *oattr_owner;
	size_t noattr, aoattr, aoattr_owner;
	/* events */
	struct oev *ev;
	size_t nev, aev;
	uint32_t *rels;
	size_t nrel, arel;
	struct oattr *eattrs;
	size_t neattr, aeattr;
};

static void ofail(struct ox *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ofail(struct ox *x, const char *fmt, ...)
{
	char msg[AIV_ERR_MSG];
	va_list ap;

	if (x->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	aiv_fail_at(x->err, AIV_EINPUT, x->name, (long)XML_GetCurrentLineNumber(x->p),
		    (long)XML_GetCurrentColumnNumber(x->p) + 1, "%s", msg);
	x->failed = 1;
	XML_StopParser(x->p, XML_FALSE);
}

static const char *oatt(const XML_Char **a, const char *n)
{
	for (; a && a[0]; a += 2)
		if (!strcmp(a[0], n))
			return a[1];
	return NULL;
}

static uint32_t in(struct ox *x, const char *s)
{
	return eventlog_intern(x->l, s, strlen(s));
}

static void XMLCALL ostart(void *data, const XML_Char *el, const XML_Char **a)
{
	struct ox *x = data;

	if (x->failed)
		return;
	x->depth++;
	if (x->depth == 1 && strcmp(el, "log")) {
		ofail(x, "not an OCEL 2.0 XML log: root element is <%s>, not <log>", el);
		return;
	}
	if (!strcmp(el, "object") && x->depth == 3) {
		const char *id = oatt(a, "id"), *type = oatt(a, "type");
		if (!id || !type) {
			ofail(x, "<object> needs id and type");
			return;
		}
		ALLOC_GROW(x->obj_id, x->nobj + 1, x->aobj);
		x->obj_type = xrealloc(x->obj_type, st_mult(x->aobj, sizeof(*x->obj_type)));
		x->obj_id[x->nobj] = in(x, id);
		x->obj_type[x->nobj] = in(x, type);
		x->ntype_match += !strcmp(type, x->object_type);
		x->cur_object = (uint32_t)x->nobj++;
		x->in_object = x->depth;
	} else if (!strcmp(el, "event") && x->depth == 3) {
		const char *type = oatt(a, "type"), *time = oatt(a, "time");
		struct oev *e;
		int64_t t;
		if (!type || !time) {
			ofail(x, "<event> needs type and time");
			return;
		}
		if (ingest_parse_time(time, strlen(time), &t)) {
			ofail(x, "unparseable time '%s'", time);
			return;
		}
		ALLOC_GROW(x->ev, x->nev + 1, x->aev);
		e = &x->ev[x->nev++];
		e->type = in(x, type);
		e->time = t;
		e->rel_lo = e->rel_hi = x->nrel;
		e->attr_lo = e->attr_hi = x->neattr;
		x->in_event = x->depth;
	} else if (!strcmp(el, "relationship") && x->in_event) {
		const char *oid = oatt(a, "object-id");
		if (!oid) {
			ofail(x, "<relationship> needs object-id");
			return;
		}
		ALLOC_GROW(x->rels, x->nrel + 1, x->arel);
		x->rels[x->nrel++] = in(x, oid);
		x->ev[x->nev - 1].rel_hi = x->nrel;
	} else if (!strcmp(el, "attribute") && (x->in_event || x->in_object)) {
		const char *n = oatt(a, "name");
		if (!n) {
			ofail(x, "<attribute> needs a name");
			return;
		}
		x->attr_name = in(x, n);
		x->in_attr = 1;
		strbuf_reset(&x->text);
	}
}

static void XMLCALL otext(void *data, const XML_Char *s, int len)
{
	struct ox *x = data;

	if (x->in_attr && len > 0)
		strbuf_add(&x->text, s, (size_t)len);
}

static void XMLCALL oend(void *data, const XML_Char *el)
{
	struct ox *x = data;

	if (x->failed)
		return;
	if (x->in_attr && !strcmp(el, "attribute")) {
		uint32_t v = eventlog_intern(x->l, x->text.buf, x->text.len);
		x->in_attr = 0;
		if (x->in_event) {
			ALLOC_GROW(x->eattrs, x->neattr + 1, x->aeattr);
			x->eattrs[x->neattr].key = x->attr_name;
			x->eattrs[x->neattr++].value = v;
			x->ev[x->nev - 1].attr_hi = x->neattr;
		} else {
			ALLOC_GROW(x->oattrs, x->noattr + 1, x->aoattr);
			x->oattr_owner = xrealloc(x->oattr_owner, st_mult(x->aoattr, sizeof(size_t)));
			x->oattrs[x->noattr].key = x->attr_name;
			x->oattrs[x->noattr].value = v;
			x->oattr_owner[x->noattr++] = x->cur_object;
		}
	}
	if (x->depth == x->in_event)
		x->in_event = 0;
	if (x->depth == x->in_object)
		x->in_object = 0;
	x->depth--;
}

static int flatten_xml(struct ox *x)
{
	struct eventlog *l = x->l;
	uint8_t *is_obj = NULL;
	uint32_t want = strpool_find(&l->strs, x->object_type, strlen(x->object_type));
	size_t i, k, j, nstr = l->strs.n;
	int ret;

	if (!x->ntype_match) {
		struct strbuf types = STRBUF_INIT;
		for (i = 0; i < x->nobj && types.len < 600; i++) {
			const char *t = eventlog_str(l, x->obj_type[i]);
			char q[512];
			snprintf(q, sizeof(q), "'%s'", t);
			if (!strstr(types.buf, q))
				strbuf_addf(&types, "%s%s", types.len ? ", " : "", q);
		}
		ret = aiv_fail(x->err, AIV_EINPUT, "%s: no objects of type '%s' (types: %s)",
			       x->name, x->object_type, types.len ? types.buf : "none");
		strbuf_release(&types);
		return ret;
	}
	is_obj = xcalloc(nstr, 1);
	for (i = 0; i < x->nobj; i++)
		if (x->obj_type[i] == want)
			is_obj[x->obj_id[i]] = 1;
	for (i = 0; i < x->noattr; i++) {
		size_t o = x->oattr_owner[i];
		/* first value of each attribute per object */
		int seen = 0;
		if (x->obj_type[o] != want)
			continue;
		for (k = i; k-- > 0 && x->oattr_owner[k] == o && !seen;)
			seen = x->oattrs[k].key == x->oattrs[i].key;
		if (!seen)
			eventlog_add_case_attr(l, x->obj_id[o], x->oattrs[i].key, EVL_STRING,
					       x->oattrs[i].value);
	}
	for (i = 0; i < x->nev; i++) {
		const struct oev *e = &x->ev[i];
		size_t first = l->n;
		for (k = e->rel_lo; k < e->rel_hi; k++) {
			uint32_t oid = x->rels[k];
			int dup = 0;
			if (oid >= nstr || !is_obj[oid])
				continue;
			for (j = first; j < l->n && !dup; j++)
				dup = l->ev_case[j] == oid;
			if (!dup)
				eventlog_add(l, oid, e->type, EVL_NONE, e->time);
		}
		for (j = first; j < l->n; j++)
			for (k = e->attr_lo; k < e->attr_hi; k++)
				eventlog_add_event_attr(l, j, x->eattrs[k].key, EVL_STRING,
							x->eattrs[k].value);
	}
	free(is_obj);
	ret = eventlog_finish(l, x->err);
	if (ret)
		aiv_err_prefix(x->err, "%s", x->name);
	return ret;
}

static void ox_release(struct ox *x)
{
	XML_ParserFree(x->p);
	strbuf_release(&x->text);
	free(x->obj_id);
	free(x->obj_type);
	free(x->oattrs);
	free(x->oattr_owner);
	free(x->ev);
	free(x->rels);
	free(x->eattrs);
}

static void ox_init(struct ox *x, const char *name, const char *object_type,
		    struct eventlog *l, struct aiv_err *err)
{
	memset(x, 0, sizeof(*x));
	x->name = name;
	x->object_type = object_type;
	x->l = l;
	x->err = err;
	strbuf_init(&x->text, 64);
	x->p = XML_ParserCreate(NULL);
	if (!x->p)
		abort();
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, ostart, oend);
	XML_SetCharacterDataHandler(x->p, otext);
}

static int ox_xml_error(struct ox *x)
{
	if (x->failed)
		return x->err->code ? x->err->code : AIV_EINPUT;
	return aiv_fail_at(x->err, AIV_EINPUT, x->name, (long)XML_GetCurrentLineNumber(x->p),
			   (long)XML_GetCurrentColumnNumber(x->p) + 1, "malformed XML: %s",
			   XML_ErrorString(XML_GetErrorCode(x->p)));
}

int ingest_ocel_xml_buffer(const char *data, size_t len, const char *name,
			   const char *object_type, struct eventlog *l, struct aiv_err *err)
{
	struct ox x;
	int ret;

	ox_init(&x, name, object_type, l, err);
	if (len > (size_t)INT32_MAX)
		ret = aiv_fail(err, AIV_ETOOBIG, "%s: too large for one buffer", name);
	else if (XML_Parse(x.p, data, (int)len, XML_TRUE) != XML_STATUS_OK || x.failed)
		ret = ox_xml_error(&x);
	else
		ret = flatten_xml(&x);
	ox_release(&x);
	return ret;
}

int ingest_ocel_xml_file(const char *path, const char *object_type, struct eventlog *l,
			 struct aiv_err *err)
{
	struct ox x;
	FILE *f = fopen(path, "rb");
	int ret = 0;
	size_t n;

	if (!f)
		return aiv_fail(err, AIV_EIO, "cannot open '%s': %s", path, strerror(errno));
	ox_init(&x, path, object_type, l, err);
	do {
		void *buf = XML_GetBuffer(x.p, 1 << 20);
		if (!buf)
			abort();
		n = fread(buf, 1, 1 << 20, f);
		if (ferror(f)) {
			ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
			goto cleanup;
		}
		if (XML_ParseBuffer(x.p, (int)n, n == 0) != XML_STATUS_OK || x.failed) {
			ret = ox_xml_error(&x);
			goto cleanup;
		}
	} while (n > 0);
	ret = flatten_xml(&x);
cleanup:
	fclose(f);
	ox_release(&x);
	return ret;
}
