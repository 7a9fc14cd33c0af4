/*
 * xes.c - streaming XES importer (IEEE 1849-2016) on expat and zlib.
 *
 * Never builds a DOM: zlib's gzread (which passes plain files through
 * unchanged) fills expat's own buffer, and the element handlers keep only
 * the current trace.  A trace's events are buffered until </trace>,
 * because the trace's concept:name (the case id) may come after its
 * events; they then go into the columnar log in one go.
 *
 *   <log> --+-- <extension/> <global>...</global> <classifier/>  (skipped)
 *           +-- <string|date|int|float|boolean|id|list|container>  log attr
 *           +-- <trace> --+-- attributes                 -> case attributes
 *                         +-- <event> -- attributes      -> one event
 *
 * Standard keys: concept:name, time:timestamp, org:resource,
 * lifecycle:transition, cost:total; everything else is kept as a case or
 * event attribute with its XES type.  Values are checked against their
 * declared type (int, float, boolean, date, id) and a wrong one is an
 * error with the file, line and column expat reports.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <zlib.h>

#include "ingest/ingest.h"

enum xnode { X_LOG, X_TRACE, X_EVENT, X_ATTR, X_META, X_VALUES };

struct pending_attr {
	uint32_t key, value, type;
};

struct pending_event {
	uint32_t activity, resource, lifecycle;
	int64_t time;
	double cost;
	int has_time, has_cost;
	size_t attr_lo, attr_hi; /* into ctx->eattrs */
	long line;
};

struct xes_ctx {
	XML_Parser p;
	const char *name;
	struct eventlog *l;
	struct aiv_err *err;
	int failed, seen_root;
	enum xnode *stack;
	size_t depth, astack;
	/* current trace */
	uint32_t case_name;
	long trace_no, trace_line;
	struct pending_event *evs;
	size_t nevs, aevs;
	struct pending_attr *eattrs, *cattrs;
	size_t neattrs, aeattrs, ncattrs, acattrs;
	/* progress */
	const struct ingest_opts *o;
	uint64_t bytes, next_report;
};

static void fail(struct xes_ctx *x, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct xes_ctx *x, int code, const char *fmt, ...)
{
	char msg[AIV_ERR_MSG];
	va_list ap;

	if (x->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	aiv_fail_at(x->err, code, x->name, (long)XML_GetCurrentLineNumber(x->p),
		    (long)XML_GetCurrentColumnNumber(x->p) + 1, "%s", msg);
	x->failed = 1;
	XML_StopParser(x->p, XML_FALSE);
}

static const char *att(const XML_Char **atts, const char *name)
{
	for (; atts && atts[0]; atts += 2)
		if (!strcmp(atts[0], name))
			return atts[1];
	return NULL;
}

static int attr_type(const char *el)
{
	static const char *const names[] = { "string", "date", "int", "float",
					     "boolean", "id", "list", "container" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(el, names[i]))
			return i == 7 ? EVL_LIST : (int)i;
	return -1;
}

static int valid_id(const char *v)
{
	/* XES ids are UUIDs: 8-4-4-4-12 hex digits */
	size_t i;

	if (strlen(v) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (v[i] != '-')
				return 0;
		} else if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f') ||
			     (v[i] >= 'A' && v[i] <= 'F'))) {
			return 0;
		}
	}
	return 1;
}

/* Check value text against its XES type; fail and return -1 if wrong. */
static int check_value(struct xes_ctx *x, int type, const char *el,
		       const char *key, const char *v, int64_t *t, double *num)
{
	char *end;

	switch (type) {
	case EVL_INT:
		errno = 0;
		*num = (double)strtoll(v, &end, 10);
		if (!*v || *end || errno)
			goto bad;
		return 0;
	case EVL_FLOAT:
		*num = strtod(v, &end);
		if (!*v || *end)
			goto bad;
		return 0;
	case EVL_BOOL:
		if (strcasecmp(v, "true") && strcasecmp(v, "false") && strcmp(v, "1") &&
		    strcmp(v, "0"))
			goto bad;
		return 0;
	case EVL_DATE:
		if (ingest_parse_time(v, strlen(v), t))
			goto bad;
		return 0;
	case EVL_ID:
		if (!valid_id(v))
			goto bad;
		return 0;
	default:
		return 0;
	}
bad:
	fail(x, AIV_EINPUT, "invalid %s value '%s' for key '%s'", el, v, key);
	return -1;
}

static void push(struct xes_ctx *x, enum xnode n)
{
	ALLOC_GROW(x->stack, x->depth + 1, x->astack);
	x->stack[x->depth++] = n;
}

/* Whether a non-standard attribute is kept (ingest_opts.keep_attrs). */
static int keep_attr(const struct xes_ctx *x, const char *key)
{
	size_t i;

	if (!x->o || !x->o->keep_attrs)
		return 1;
	for (i = 0; i < x->o->nkeep_attrs; i++)
		if (!strcmp(x->o->keep_attrs[i], key))
			return 1;
	return 0;
}

static void on_attribute(struct xes_ctx *x, enum xnode parent, const char *el,
			 int type, const XML_Char **atts)
{
	const char *key = att(atts, "key"), *v = att(atts, "value");
	int64_t t = 0;
	double num = 0;
	struct eventlog *l = x->l;

	if (!key) {
		fail(x, AIV_EINPUT, "<%s> has no key", el);
		return;
	}
	if (type != EVL_LIST && !v) {
		fail(x, AIV_EINPUT, "<%s key=\"%s\"> has no value", el, key);
		return;
	}
	if (type != EVL_LIST && check_value(x, type, el, key, v, &t, &num))
		return;
	/*
	 * The standard extensions' keys hold one value; a <list> under one of
	 * them has none to take (found by tests/fuzz/fuzz_xes: a NULL value).
	 */
	if (type == EVL_LIST && (parent == X_EVENT || parent == X_TRACE) &&
	    (!strcmp(key, "concept:name") || !strcmp(key, "time:timestamp") ||
	     !strcmp(key, "org:resource") || !strcmp(key, "lifecycle:transition"))) {
		fail(x, AIV_EINPUT, "<list key=\"%s\">: '%s' takes a single value, not a list",
		     key, key);
		return;
	}
	if (parent == X_EVENT) {
		struct pending_event *e = &x->evs[x->nevs - 1];
		if (!strcmp(key, "concept:name")) {
			e->activity = eventlog_intern(l, v, strlen(v));
		} else if (!strcmp(key, "time:timestamp")) {
			if (type != EVL_DATE && (type != EVL_STRING ||
						 ingest_parse_time(v, strlen(v), &t))) {
				fail(x, AIV_EINPUT, "unparseable time:timestamp '%s'", v);
				return;
			}
			e->time = t;
			e->has_time = 1;
		} else if (!strcmp(key, "org:resource")) {
			e->resource = eventlog_intern(l, v, strlen(v));
		} else if (!strcmp(key, "lifecycle:transition")) {
			e->lifecycle = eventlog_intern(l, v, strlen(v));
		} else if (!strcmp(key, "cost:total") && (type == EVL_FLOAT || type == EVL_INT)) {
			e->cost = num;
			e->has_cost = 1;
		} else if (keep_attr(x, key)) {
			ALLOC_GROW(x->eattrs, x->neattrs + 1, x->aeattrs);
			x->eattrs[x->neattrs].key = eventlog_intern(l, key, strlen(key));
			x->eattrs[x->neattrs].value = v ? eventlog_intern(l, v, strlen(v))
							: eventlog_intern(l, "", 0);
			x->eattrs[x->neattrs].type = (uint32_t)type;
			x->neattrs++;
			e->attr_hi = x->neattrs;
		}
	} else if (parent == X_TRACE) {
		if (!strcmp(key, "concept:name")) {
			x->case_name = eventlog_intern(l, v, strlen(v));
		} else if (keep_attr(x, key)) {
			ALLOC_GROW(x->cattrs, x->ncattrs + 1, x->acattrs);
			x->cattrs[x->ncattrs].key = eventlog_intern(l, key, strlen(key));
			x->cattrs[x->ncattrs].value = v ? eventlog_intern(l, v, strlen(v))
							: eventlog_intern(l, "", 0);
			x->cattrs[x->ncattrs].type = (uint32_t)type;
			x->ncattrs++;
		}
	}
	/* log attributes, globals and nested attributes: checked, not kept */
}

static void XMLCALL on_start(void *data, const XML_Char *el, const XML_Char **atts)
{
	struct xes_ctx *x = data;
	enum xnode parent;
	int type;

	if (x->failed)
		return;
	if (!x->depth) {
		if (x->seen_root || strcmp(el, "log")) {
			fail(x, AIV_EINPUT, "not an XES log: root element is <%s>, not <log>", el);
			return;
		}
		x->seen_root = 1;
		push(x, X_LOG);
		return;
	}
	parent = x->stack[x->depth - 1];
	type = attr_type(el);
	if (type >= 0 && parent != X_META) {
		on_attribute(x, parent, el, type, atts);
		push(x, X_ATTR);
		return;
	}
	switch (parent) {
	case X_LOG:
		if (!strcmp(el, "trace")) {
			x->case_name = EVL_NONE;
			x->trace_no++;
			x->trace_line = (long)XML_GetCurrentLineNumber(x->p);
			x->nevs = x->neattrs = x->ncattrs = 0;
			push(x, X_TRACE);
		} else if (!strcmp(el, "extension") || !strcmp(el, "global") ||
			   !strcmp(el, "classifier")) {
			push(x, X_META);
		} else {
			fail(x, AIV_EINPUT, "unexpected <%s> in <log>", el);
		}
		return;
	case X_TRACE:
		if (!strcmp(el, "event")) {
			struct pending_event *e;
			ALLOC_GROW(x->evs, x->nevs + 1, x->aevs);
			e = &x->evs[x->nevs++];
			memset(e, 0, sizeof(*e));
			e->activity = e->resource = e->lifecycle = EVL_NONE;
			e->attr_lo = e->attr_hi = x->neattrs;
			e->line = (long)XML_GetCurrentLineNumber(x->p);
			push(x, X_EVENT);
			return;
		}
		break;
	case X_ATTR:
		if (!strcmp(el, "values")) {
			push(x, X_VALUES);
			return;
		}
		break;
	case X_META:
		if (type >= 0) { /* a global's default value: checked, not used */
			int64_t t;
			double num;
			const char *v = att(atts, "value"), *key = att(atts, "key");
			if (type != EVL_LIST && v && key && check_value(x, type, el, key, v, &t, &num))
				return;
			push(x, X_META);
			return;
		}
		break;
	default:
		break;
	}
	fail(x, AIV_EINPUT, "unexpected <%s> in <%s>", el,
	     parent == X_TRACE ? "trace" : parent == X_EVENT ? "event" :
	     parent == X_VALUES ? "values" : parent == X_META ? "global" : "attribute");
}

static void flush_trace(struct xes_ctx *x)
{
	struct eventlog *l = x->l;
	char cname[128];
	size_t i, k;

	if (x->case_name == EVL_NONE && x->nevs) {
		aiv_fail_at(x->err, AIV_EINPUT, x->name, x->trace_line, 0,
			    "trace %ld has no concept:name (case id)", x->trace_no);
		x->failed = 1;
		XML_StopParser(x->p, XML_FALSE);
		return;
	}
	for (i = 0; i < x->nevs; i++) {
		struct pending_event *e = &x->evs[i];
		size_t ev;
		if (e->activity == EVL_NONE || !e->has_time) {
			snprintf(cname, sizeof(cname), "%s", eventlog_str(l, x->case_name));
			aiv_fail_at(x->err, AIV_EINPUT, x->name, e->line, 0,
				    "case '%s', event %zu: no %s", cname, i + 1,
				    e->activity == EVL_NONE ? "concept:name (activity)"
							    : "time:timestamp");
			x->failed = 1;
			XML_StopParser(x->p, XML_FALSE);
			return;
		}
		ev = eventlog_add(l, x->case_name, e->activity, e->resource, e->time);
		if (e->lifecycle != EVL_NONE)
			eventlog_set_lifecycle(l, ev, e->lifecycle);
		if (e->has_cost)
			eventlog_set_cost(l, ev, e->cost);
		for (k = e->attr_lo; k < e->attr_hi; k++)
			eventlog_add_event_attr(l, ev, x->eattrs[k].key,
						(enum evl_type)x->eattrs[k].type,
						x->eattrs[k].value);
	}
	/* a trace with no events has no case to carry its attributes (fuzz_xes) */
	for (k = 0; x->case_name != EVL_NONE && k < x->ncattrs; k++)
		eventlog_add_case_attr(l, x->case_name, x->cattrs[k].key,
				       (enum evl_type)x->cattrs[k].type, x->cattrs[k].value);
	if (x->o && x->o->progress && l->n >= x->next_report) {
		x->o->progress(l->n, x->bytes, x->o->progress_data);
		x->next_report = l->n + 65536;
	}
}

static void XMLCALL on_end(void *data, const XML_Char *el)
{
	struct xes_ctx *x = data;

	(void)el;
	if (x->failed || !x->depth)
		return;
	if (x->stack[--x->depth] == X_TRACE)
		flush_trace(x);
}

static void ctx_init(struct xes_ctx *x, const char *name, struct eventlog *l,
		     const struct ingest_opts *o, struct aiv_err *err)
{
	memset(x, 0, sizeof(*x));
	x->name = name;
	x->l = l;
	x->o = o;
	x->err = err;
	x->next_report = 65536;
	x->p = XML_ParserCreate(NULL);
	if (!x->p)
		abort();
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
}

static void ctx_release(struct xes_ctx *x)
{
	XML_ParserFree(x->p);
	free(x->stack);
	free(x->evs);
	free(x->eattrs);
	free(x->cattrs);
}

/* gzerror() prefixes the path; the message already has it */
static const char *gz_msg(gzFile gz, const char *path, int *zerr)
{
	const char *m = gzerror(gz, zerr);
	size_t n = strlen(path);

	if (!strncmp(m, path, n) && !strncmp(m + n, ": ", 2))
		m += n + 2;
	return m;
}

static int xml_error(struct xes_ctx *x)
{
	if (x->failed)
		return x->err ? x->err->code : AIV_EINPUT;
	x->failed = 1;
	return aiv_fail_at(x->err, AIV_EINPUT, x->name,
			   (long)XML_GetCurrentLineNumber(x->p),
			   (long)XML_GetCurrentColumnNumber(x->p) + 1,
			   "malformed XML: %s", XML_ErrorString(XML_GetErrorCode(x->p)));
}

static int finish(struct xes_ctx *x)
{
	int ret;

	if (!x->seen_root)
		return aiv_fail(x->err, AIV_EINPUT, "%s: not an XES log: no <log> element",
				x->name);
	ret = eventlog_finish(x->l, x->err);
	if (ret)
		aiv_err_prefix(x->err, "%s", x->name);
	return ret;
}

int ingest_xes_buffer(const char *data, size_t len, const char *name,
		      struct eventlog *l, struct aiv_err *err)
{
	struct xes_ctx x;
	int ret;

	ctx_init(&x, name, l, NULL, err);
	if (len > (size_t)INT32_MAX) {
		ret = aiv_fail(err, AIV_ETOOBIG, "%s: too large for one buffer", name);
		goto cleanup;
	}
	if (XML_Parse(x.p, data, (int)len, XML_TRUE) != XML_STATUS_OK || x.failed) {
		ret = xml_error(&x);
		goto cleanup;
	}
	ret = finish(&x);
cleanup:
	ctx_release(&x);
	return ret;
}

int ingest_xes_file(const char *path, struct eventlog *l,
		    const struct ingest_opts *o, struct aiv_err *err)
{
	enum { CHUNK = 1 << 20 };
	struct xes_ctx x;
	gzFile gz;
	int ret = 0, n, zerr;
	uint64_t max_bytes = o && o->max_bytes ? o->max_bytes : INGEST_DEFAULT_MAX_BYTES;

	gz = gzopen(path, "rb");
	if (!gz)
		return aiv_fail(err, AIV_EIO, "cannot open '%s': %s", path, strerror(errno));
	gzbuffer(gz, 256 * 1024);
	ctx_init(&x, path, l, o, err);
	for (;;) {
		void *buf = XML_GetBuffer(x.p, CHUNK);
		if (!buf)
			abort();
		n = gzread(gz, buf, CHUNK);
		if (n < 0) {
			ret = aiv_fail(err, AIV_EINPUT, "%s: broken gzip data: %s", path,
				       gz_msg(gz, path, &zerr));
			goto cleanup;
		}
		if (n == 0) {
			gzerror(gz, &zerr);
			if (zerr != Z_OK && zerr != Z_STREAM_END) {
				ret = aiv_fail(err, AIV_EINPUT, "%s: broken gzip data: %s", path,
					       gz_msg(gz, path, &zerr));
				goto cleanup;
			}
		}
		x.bytes += (uint64_t)n;
		if (x.bytes > max_bytes && !gzdirect(gz)) {
			ret = aiv_fail(err, AIV_ETOOBIG, "%s: decompresses to more than %llu bytes, "
				       "the limit for one import (--max-bytes)", path,
				       (unsigned long long)max_bytes);
			goto cleanup;
		}
		if (XML_ParseBuffer(x.p, n, n == 0) != XML_STATUS_OK || x.failed) {
			ret = xml_error(&x);
			goto cleanup;
		}
		if (n == 0)
			break;
	}
	ret = finish(&x);
cleanup:
	gzclose(gz);
	ctx_release(&x);
	return ret;
}
