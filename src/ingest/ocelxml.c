/*
 * ocelxml.c - OCEL XML of both versions, streamed with expat into a
 * struct ocel_doc (oceldoc.c flattens it).
 *
 * Both versions have a <log> root with <events> and <objects>; they differ
 * in how a record is written, and the first <event> or <object> tells
 * which one a file is (attributes on it: 2.0; none: 1.0):
 *
 *   OCEL 2.0  <log> <object-types/> <event-types/>    declarations: skipped
 *              <objects> <object id type> <attributes> <attribute name time>V
 *                                         <objects> <relationship object-id/>
 *              <events>  <event id type time> <attributes> <attribute name>V
 *                                             <objects> <relationship object-id/>
 *
 *   OCEL 1.0  <log> <global scope="log|event|object"> ... </global>   not used
 *              <events> <event> <string key="id" value=.../>
 *                               <string key="activity" value=.../>
 *                               <date key="timestamp" value=.../>
 *                               <list key="omap"> <string key="object-id" value=.../>
 *                               <list key="vmap"> <TYPE key=K value=V/>
 *              <objects> <object> <string key="id"/> <string key="type"/>
 *                                 <list key="ovmap"> <TYPE key=K value=V/>
 *
 * OCEL 1.0 keys are read with or without an "ocel:" prefix (the standard's
 * XML writes "id", its JSON "ocel:id"; exporters differ).  A 1.0 record's
 * fields may come in any order, so its relationships and attributes wait
 * in `pend` until </event> or </object>.  A <trace> under <log> means XES,
 * which is said so rather than read as an empty OCEL log.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "ingest/oceldoc.h"

struct pend {           /* a 1.0 relationship (key = object id) or attribute */
	int rel;
	uint32_t key, value;
};

struct ox {
	XML_Parser p;
	struct ocel_doc *d;
	struct aiv_err *err;
	int failed;
	int version;            /* 0: not known yet, 1 or 2 */
	int depth;
	int rec;                /* depth-3 record: 'e' event, 'o' object, 0 none */
	size_t cur;             /* 2.0: index of the current event or object */
	int in_attr;            /* 2.0: collecting an <attribute>'s text */
	struct strbuf key, text;
	/* 1.0: the current record's fields, and what waits for its id */
	int list;               /* 'o' omap, 'v' vmap/ovmap, 0 */
	struct strbuf f_id, f_name, f_time;  /* id; activity or type; timestamp */
	int has_id, has_name, has_time;
	struct pend *pend;
	size_t npend, apend;
	long rec_line;
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
	aiv_fail_at(x->err, AIV_EINPUT, x->d->name, (long)XML_GetCurrentLineNumber(x->p),
		    (long)XML_GetCurrentColumnNumber(x->p) + 1, "%s", msg);
	x->failed = 1;
	XML_StopParser(x->p, XML_FALSE);
}

/* A doc-level error ("NAME: rest") gets the line and column: "NAME:L:C: rest". */
static void relocate(struct ox *x)
{
	size_t n = strlen(x->d->name);
	char rest[AIV_ERR_MSG];

	if (!strncmp(x->err->msg, x->d->name, n) && !strncmp(x->err->msg + n, ": ", 2)) {
		snprintf(rest, sizeof(rest), "%s", x->err->msg + n + 2);
		ofail(x, "%s", rest);
	} else {
		x->failed = 1;
		XML_StopParser(x->p, XML_FALSE);
	}
}

static const char *oatt(const XML_Char **a, const char *n)
{
	for (; a && a[0]; a += 2)
		if (!strcmp(a[0], n))
			return a[1];
	return NULL;
}

/* An OCEL 1.0 key without its optional "ocel:" prefix. */
static const char *key1(const XML_Char **a)
{
	const char *k = oatt(a, "key");

	return k && !strncmp(k, "ocel:", 5) ? k + 5 : k;
}

static void set_version(struct ox *x, int v)
{
	if (!x->version) {
		x->version = v;
		x->d->form = INGEST_OCEL_XML | (v == 1 ? INGEST_OCEL_V1 : INGEST_OCEL_V2);
	}
}

static void start_v2(struct ox *x, const char *el, const XML_Char **a)
{
	struct ocel_doc *d = x->d;

	if (x->depth == 3 && x->rec == 'o') {
		const char *id = oatt(a, "id"), *type = oatt(a, "type");
		if (!id || !type) {
			ofail(x, "<object> needs id and type");
			return;
		}
		x->cur = ocel_add_object(d, id, type);
	} else if (x->depth == 3 && x->rec == 'e') {
		const char *id = oatt(a, "id"), *type = oatt(a, "type"), *time = oatt(a, "time");
		if (!id || !type || !time) {
			ofail(x, "<event%s%s%s> needs id, type and time", id ? " id='" : "",
			      id ? id : "", id ? "'" : "");
			return;
		}
		x->cur = ocel_add_event(d, id, type);
		if (ocel_event_time(d, x->cur, "time", time, strlen(time), x->err))
			relocate(x);
	} else if (!strcmp(el, "relationship") && x->rec) {
		const char *oid = oatt(a, "object-id");
		const char *id = ocel_s(d, x->rec == 'e' ? d->ev[x->cur].id : d->obj[x->cur].id);
		if (!oid) {
			ofail(x, "%s '%s': <relationship> needs object-id",
			      x->rec == 'e' ? "event" : "object", id);
			return;
		}
		if (x->rec == 'e')
			ocel_add_rel(d, x->cur, oid, strlen(oid));
		else
			ocel_note(d, "object-to-object relationship", "object", id);
	} else if (!strcmp(el, "attribute") && x->rec && x->depth == 5) {
		const char *n = oatt(a, "name");
		if (!n) {
			ofail(x, "<attribute> needs a name");
			return;
		}
		strbuf_reset(&x->key);
		strbuf_addstr(&x->key, n);
		strbuf_reset(&x->text);
		x->in_attr = 1;
	}
}

static void start_v1(struct ox *x, const char *el, const XML_Char **a)
{
	struct ocel_doc *d = x->d;
	const char *k = key1(a), *v = oatt(a, "value");

	if (x->depth == 3) {
		strbuf_reset(&x->f_id);
		strbuf_reset(&x->f_name);
		strbuf_reset(&x->f_time);
		x->has_id = x->has_name = x->has_time = 0;
		x->npend = 0;
		x->list = 0;
		x->rec_line = (long)XML_GetCurrentLineNumber(x->p);
	} else if (x->depth == 4) {
		const char *name_key = x->rec == 'e' ? "activity" : "type";
		x->list = 0;
		if (!k) {
			ofail(x, "<%s> in an OCEL 1.0 %s needs a key", el,
			      x->rec == 'e' ? "event" : "object");
		} else if (!strcmp(el, "list")) {
			if (x->rec == 'e' && !strcmp(k, "omap"))
				x->list = 'o';
			else if (!strcmp(k, x->rec == 'e' ? "vmap" : "ovmap"))
				x->list = 'v';
			else
				ocel_note(d, "unknown list in an OCEL 1.0 record", NULL, NULL);
		} else if (!v) {
			ofail(x, "<%s key=\"%s\"> needs a value", el, k);
		} else if (!strcmp(k, "id")) {
			strbuf_addstr(&x->f_id, v);
			x->has_id = 1;
		} else if (!strcmp(k, name_key)) {
			strbuf_addstr(&x->f_name, v);
			x->has_name = 1;
		} else if (x->rec == 'e' && !strcmp(k, "timestamp")) {
			strbuf_addstr(&x->f_time, v);
			x->has_time = 1;
		} else {
			ocel_note(d, "unknown key in an OCEL 1.0 record", NULL, NULL);
		}
	} else if (x->depth == 5 && x->list) {
		struct pend *p;
		if (!strcmp(el, "list")) {
			ocel_note(d, "nested list attribute", NULL, NULL);
			return;
		}
		if (!v || (x->list == 'v' && !k)) {
			ofail(x, "<%s> in '%s' needs %s", el, x->list == 'o' ? "omap" : "a map",
			      x->list == 'o' ? "a value" : "a key and a value");
			return;
		}
		ALLOC_GROW(x->pend, x->npend + 1, x->apend);
		p = &x->pend[x->npend++];
		p->rel = x->list == 'o';
		p->key = p->rel ? ocel_str(d, v, strlen(v)) : ocel_str(d, k, strlen(k));
		p->value = p->rel ? 0 : ocel_str(d, v, strlen(v));
	}
}

/* </event> or </object> of OCEL 1.0: the record is complete. */
static void end_v1_record(struct ox *x)
{
	struct ocel_doc *d = x->d;
	const char *kind = x->rec == 'e' ? "event" : "object";
	size_t idx, i;

	if (!x->has_id) {
		ofail(x, "OCEL 1.0 %s that starts at line %ld has no 'id'", kind, x->rec_line);
		return;
	}
	if (!x->has_name || (x->rec == 'e' && !x->has_time)) {
		ofail(x, "%s '%s': no '%s'", kind, x->f_id.buf,
		      !x->has_name ? (x->rec == 'e' ? "activity" : "type") : "timestamp");
		return;
	}
	if (x->rec == 'o') {
		idx = ocel_add_object(d, x->f_id.buf, x->f_name.buf);
	} else {
		idx = ocel_add_event(d, x->f_id.buf, x->f_name.buf);
		if (ocel_event_time(d, idx, "timestamp", x->f_time.buf, x->f_time.len, x->err)) {
			relocate(x);
			return;
		}
	}
	for (i = 0; i < x->npend; i++) {
		if (x->pend[i].rel)
			ocel_add_rel_id(d, idx, x->pend[i].key);
		else
			ocel_add_attr_id(d, x->rec == 'e', idx, x->pend[i].key, x->pend[i].value);
	}
}

static void XMLCALL ostart(void *data, const XML_Char *el, const XML_Char **a)
{
	struct ox *x = data;

	if (x->failed)
		return;
	x->depth++;
	if (x->depth == 1) {
		if (strcmp(el, "log"))
			ofail(x, "not an OCEL XML log: root element is <%s>, not <log>", el);
		return;
	}
	if (x->depth == 2) {
		if (!strcmp(el, "trace") || !strcmp(el, "extension") || !strcmp(el, "classifier"))
			ofail(x, "not an OCEL XML log: <%s> under <log> is XES; import it as XES "
			      "(--format xes)", el);
		else if (!strcmp(el, "global"))
			ocel_note(x->d, "OCEL 1.0 global block (declarations and defaults)", NULL, NULL);
		else if (!strcmp(el, "object-types") || !strcmp(el, "event-types"))
			set_version(x, 2);
		else if (strcmp(el, "events") && strcmp(el, "objects"))
			ocel_note(x->d, "unknown element under <log>", NULL, NULL);
		return;
	}
	if (x->depth == 3) {
		x->rec = !strcmp(el, "event") ? 'e' : !strcmp(el, "object") ? 'o' : 0;
		if (!x->rec)
			return;
		set_version(x, a && a[0] ? 2 : 1);
	}
	if (!x->rec)
		return;
	if (x->version == 2)
		start_v2(x, el, a);
	else
		start_v1(x, el, a);
}

static void XMLCALL otext(void *data, const XML_Char *s, int len)
{
	struct ox *x = data;

	if (x->in_attr && len > 0) {
		if (x->text.len + (size_t)len > OCEL_MAX_FIELD)
			ofail(x, "attribute '%s' is longer than %u bytes", x->key.buf, OCEL_MAX_FIELD);
		else
			strbuf_add(&x->text, s, (size_t)len);
	}
}

static void XMLCALL oend(void *data, const XML_Char *el)
{
	struct ox *x = data;

	if (x->failed)
		return;
	if (x->in_attr && x->depth == 5) {
		ocel_add_attr_id(x->d, x->rec == 'e', x->cur, ocel_str(x->d, x->key.buf, x->key.len),
				 ocel_str(x->d, x->text.buf, x->text.len));
		x->in_attr = 0;
	}
	if (x->depth == 4 && x->version == 1)
		x->list = 0;
	if (x->depth == 3 && x->rec) {
		if (x->version == 1)
			end_v1_record(x);
		x->rec = 0;
	}
	(void)el;
	x->depth--;
}

static void ox_init(struct ox *x, struct ocel_doc *d, struct aiv_err *err)
{
	memset(x, 0, sizeof(*x));
	x->d = d;
	x->err = err;
	strbuf_init(&x->key, 32);
	strbuf_init(&x->text, 64);
	strbuf_init(&x->f_id, 32);
	strbuf_init(&x->f_name, 32);
	strbuf_init(&x->f_time, 32);
	x->p = XML_ParserCreate(NULL);
	if (!x->p)
		abort();
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, ostart, oend);
	XML_SetCharacterDataHandler(x->p, otext);
	d->form = INGEST_OCEL_XML;
}

static void ox_release(struct ox *x)
{
	XML_ParserFree(x->p);
	strbuf_release(&x->key);
	strbuf_release(&x->text);
	strbuf_release(&x->f_id);
	strbuf_release(&x->f_name);
	strbuf_release(&x->f_time);
	free(x->pend);
}

static int ox_error(struct ox *x)
{
	if (x->failed)
		return x->err->code ? x->err->code : AIV_EINPUT;
	return aiv_fail_at(x->err, AIV_EINPUT, x->d->name, (long)XML_GetCurrentLineNumber(x->p),
			   (long)XML_GetCurrentColumnNumber(x->p) + 1, "malformed XML: %s",
			   XML_ErrorString(XML_GetErrorCode(x->p)));
}

int ocel_read_xml(const char *path, const char *data, size_t len, struct ocel_doc *d,
		  struct aiv_err *err)
{
	struct ox x;
	FILE *f = NULL;
	size_t n;
	int ret = 0;

	ox_init(&x, d, err);
	if (!path) {
		if (len > (size_t)INT_MAX)
			ret = aiv_fail(err, AIV_ETOOBIG, "%s: too large for one buffer", d->name);
		else if (XML_Parse(x.p, data, (int)len, XML_TRUE) != XML_STATUS_OK || x.failed)
			ret = ox_error(&x);
		goto cleanup;
	}
	if (!(f = fopen(path, "rb"))) {
		ret = aiv_fail(err, AIV_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto cleanup;
	}
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
			ret = ox_error(&x);
			goto cleanup;
		}
	} while (n > 0);
cleanup:
	if (f)
		fclose(f);
	ox_release(&x);
	return ret;
}

/* The OCEL 2.0 XML entry points of old: the any-form reader, expecting XML. */
int ingest_ocel_xml_file(const char *path, const char *object_type, struct eventlog *l,
			 struct aiv_err *err)
{
	return ingest_ocel_any_file(path, INGEST_OCEL_V2 | INGEST_OCEL_XML, object_type, l, NULL,
				    NULL, err);
}

int ingest_ocel_xml_buffer(const char *data, size_t len, const char *name,
			   const char *object_type, struct eventlog *l, struct aiv_err *err)
{
	return ingest_ocel_any_buffer(data, len, name, INGEST_OCEL_V2 | INGEST_OCEL_XML,
				      object_type, l, NULL, NULL, err);
}
