/*
 * xes.c - streaming XES importer (IEEE 1849-2016) on expat and zlib.
 *
 * Never builds a DOM: zlib's gzread (which passes plain files through
 * unchanged) fills expat's own buffer, and the element handlers keep only
 * the current trace.  A trace's events are buffered until </trace>,
 * because the trace's concept:name (the case id) may come after its
 * events; they then go into the columnar log in one go.
 *
 *   <log> --+-- <extension/> <global>...</global> <classifier/>  (not used)
 *           +-- <string|date|int|float|boolean|id|list|container>  log attr
 *           +-- <trace> --+-- attributes                 -> case attributes
 *           |             +-- <event> -- attributes      -> one event
 *           +-- <event> (outside any trace: no case; skipped, counted)
 *
 * Standard keys: concept:name, time:timestamp, org:resource,
 * lifecycle:transition, cost:total (or an event's own cost:amount); a
 * trace's cost:total and any cost:currency are kept as attributes even
 * when --attr names others (assess/serve.c reads them); everything else is kept as a case or
 * event attribute with its XES type.  Values are checked against their
 * declared type (int, float, boolean, date, id) and a wrong one is an
 * error with the file, line and column expat reports.
 *
 * What the importer does not use never stops an import, it is counted in
 * the tally (ingest_opts.tally): log attributes, <extension>, <global>,
 * <classifier> and everything nested in them, nested (meta-)attributes,
 * also without a key, as ProM writes them (BPI Challenge 2012's log-level
 * meta attributes hold key-less <float>s).  Rows (events) are used or
 * skipped with a reason: an event outside any trace, an event without
 * concept:name.  A trace without concept:name gets the case id
 * "trace N" from its position (an assumption, counted).  time:timestamp is
 * optional (IEEE 1849): a log where no event has one is imported in file
 * order with eventlog.no_time set; a log where some events have one and
 * others not is an error naming the first event without.
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

enum { MEMO = 256 };

enum xnode { X_LOG, X_TRACE, X_EVENT, X_ATTR, X_META, X_VALUES, X_LOOSE_EVENT };

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
	/* accounting (NULL: none) */
	struct tally *t;
	const char *meta_el;      /* "global", "classifier" or "extension" we are in */
	size_t loose_depth;       /* depth of an event outside a trace, or 0 */
	/* timestamps: which events have one; the first event without one */
	int timed_seen, untimed_seen;
	long untimed_line;
	size_t untimed_event;
	char untimed_case[128];
	/* positional case ids ("trace N") and the ids traces named themselves */
	uint32_t *posnames;
	size_t nposnames, aposnames;
	uint8_t *named;           /* by string id: an explicit concept:name of a trace */
	size_t anamed;
	uint32_t memo[MEMO];      /* intern_value's cache: string ids, EVL_NONE empty */
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

/* "FILE:LINE" of the current element into buf. */
static const char *here(const struct xes_ctx *x, long line, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%ld", x->name,
		 line > 0 ? line : (long)XML_GetCurrentLineNumber(x->p));
	return buf;
}

/* Something in the file that is not used (an attribute, a block). */
static void note(struct xes_ctx *x, const char *what)
{
	char where[AIV_ERR_MSG];

	if (x->t && !x->loose_depth)
		tally_note(x->t, what, here(x, 0, where, sizeof(where)));
}

/*
 * An event not used for `reason` at `line` (0: here).  Counted in the
 * tally; without a tally (no one to tell) or with --strict it is an error.
 * Returns 0, or -1 with the parse stopped.
 */
static int skip_event(struct xes_ctx *x, const char *reason, long line)
{
	char where[AIV_ERR_MSG];

	here(x, line, where, sizeof(where));
	if (x->t && !tally_skip(x->t, reason, where, x->err))
		return 0;
	if (!x->t)
		aiv_fail_at(x->err, AIV_EINPUT, x->name,
			    line > 0 ? line : (long)XML_GetCurrentLineNumber(x->p), 0, "%s", reason);
	x->failed = 1;
	XML_StopParser(x->p, XML_FALSE);
	return -1;
}

/*
 * The names every element and attribute of a log repeats, compared byte by
 * byte: each test stops at the first byte that differs (so it never reads
 * past the name's NUL), and costs less than a call of strcmp, which was 2 %
 * of an import's CPU (perf) for these five names alone.
 */
static int is_key(const char *s)
{
	return s[0] == 'k' && s[1] == 'e' && s[2] == 'y' && !s[3];
}

static int is_value(const char *s)
{
	return s[0] == 'v' && s[1] == 'a' && s[2] == 'l' && s[3] == 'u' && s[4] == 'e' && !s[5];
}

static int is_event(const char *s)
{
	return s[0] == 'e' && s[1] == 'v' && s[2] == 'e' && s[3] == 'n' && s[4] == 't' && !s[5];
}

/* An attribute element's key and value (NULL when absent), in one pass. */
static void key_value(const XML_Char **atts, const char **key, const char **value)
{
	/* nearly every attribute element is written <T key="K" value="V"/> */
	if (atts && atts[0] && atts[2] && !atts[4] && is_key(atts[0]) && is_value(atts[2])) {
		*key = atts[1];
		*value = atts[3];
		return;
	}
	*key = *value = NULL;
	for (; atts && atts[0]; atts += 2) {
		if (!*key && is_key(atts[0]))
			*key = atts[1];
		else if (!*value && is_value(atts[0]))
			*value = atts[1];
	}
}

/*
 * The XES type of an attribute element, or -1.  Called for every element,
 * so the first letter picks the one name to compare.
 */
static int attr_type(const char *el)
{
	static const char *const names[] = { "string", "date", "int", "float",
					     "boolean", "id", "list", "container" };
	int i;

	switch (el[0]) {
	case 's':
		/* <string> and <date>: nearly every attribute of a log */
		return el[1] == 't' && el[2] == 'r' && el[3] == 'i' && el[4] == 'n' &&
		       el[5] == 'g' && !el[6] ? EVL_STRING : -1;
	case 'd':
		return el[1] == 'a' && el[2] == 't' && el[3] == 'e' && !el[4] ? EVL_DATE : -1;
	case 'i': i = el[1] == 'n' ? 2 : 5; break;
	case 'f': i = 3; break;
	case 'b': i = 4; break;
	case 'l': i = 6; break;
	case 'c': i = 7; break;
	default: return -1;
	}
	if (strcmp(el, names[i]))
		return -1;
	return i == 7 ? EVL_LIST : i;
}

/*
 * eventlog_intern through a small cache: an event's activity, resource and
 * lifecycle, and every attribute's key, repeat from event to event, and a
 * compare with the string the cache slot names costs less than hashing the
 * value again.  The cache
 * holds ids only; the string table decides, so ids are the same as
 * without it.
 */
static uint32_t intern_value(struct xes_ctx *x, const char *v)
{
	size_t n = strlen(v);
	uint32_t *slot = &x->memo[(n * 31 + (unsigned char)v[0] * 7 +
				   (n ? (unsigned char)v[n - 1] : 0)) & (MEMO - 1)];

	if (*slot != EVL_NONE && !memcmp(eventlog_str(x->l, *slot), v, n + 1))
		return *slot;
	return *slot = eventlog_intern(x->l, v, n);
}

/* The standard extensions' keys the importer reads, or K_OTHER. */
enum std_key { K_OTHER, K_NAME, K_TIME, K_RESOURCE, K_LIFECYCLE, K_COST_TOTAL, K_COST_AMOUNT };

/*
 * Which standard key `key` is: its first letters pick the one literal to
 * compare, so an attribute costs one strcmp instead of a chain of up to
 * six (four for an event's lifecycle, six for any other key).
 */
static enum std_key std_key(const char *key)
{
	switch (key[0]) {
	case 'c':
		if (key[1] == 'o' && key[2] == 'n')
			return !strcmp(key, "concept:name") ? K_NAME : K_OTHER;
		if (key[1] == 'o' && key[2] == 's' && key[3] == 't' && key[4] == ':')
			return !strcmp(key + 5, "total") ? K_COST_TOTAL :
			       !strcmp(key + 5, "amount") ? K_COST_AMOUNT : K_OTHER;
		return K_OTHER;
	case 't':
		return !strcmp(key, "time:timestamp") ? K_TIME : K_OTHER;
	case 'o':
		return !strcmp(key, "org:resource") ? K_RESOURCE : K_OTHER;
	case 'l':
		return !strcmp(key, "lifecycle:transition") ? K_LIFECYCLE : K_OTHER;
	default:
		return K_OTHER;
	}
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

static void __attribute__((noinline)) grow_stack(struct xes_ctx *x)
{
	ALLOC_GROW(x->stack, x->depth + 1, x->astack);
}

/*
 * Once per element: the growth is out of line, so that this inlines into
 * on_start (a call of its own was 17 M instructions of an import of
 * 16_bpic2019, callgrind).
 */
static inline void push(struct xes_ctx *x, enum xnode n)
{
	if (x->depth >= x->astack)
		grow_stack(x);
	x->stack[x->depth++] = n;
}

/* Whether a non-standard attribute is kept (ingest_opts.keep_attrs). */
static int keep_attr(const struct xes_ctx *x, const char *key)
{
	size_t i;

	if (!x->o || !x->o->keep_attrs)
		return 1;
	if (!strncmp(key, "cost:", 5))
		return 1; /* the cost extension (cost:total on a trace, cost:currency): cost-to-serve */
	for (i = 0; i < x->o->nkeep_attrs; i++)
		if (!strcmp(x->o->keep_attrs[i], key))
			return 1;
	return 0;
}

static void on_attribute(struct xes_ctx *x, enum xnode parent, const char *el,
			 int type, const XML_Char **atts)
{
	const char *key, *v;
	int64_t t = 0;
	double num = 0;
	struct eventlog *l = x->l;
	enum std_key k;

	key_value(atts, &key, &v);
	if (!key) {
		fail(x, AIV_EINPUT, "<%s> has no key", el);
		return;
	}
	if (type != EVL_LIST && !v) {
		fail(x, AIV_EINPUT, "<%s key=\"%s\"> has no value", el, key);
		return;
	}
	/* a <string> has nothing to check: no call for half of a log's attributes */
	if (type != EVL_LIST && type != EVL_STRING && check_value(x, type, el, key, v, &t, &num))
		return;
	k = std_key(key);
	/*
	 * The standard extensions' keys hold one value; a <list> under one of
	 * them has none to take (found by tests/fuzz/fuzz_xes: a NULL value).
	 */
	if (type == EVL_LIST && (parent == X_EVENT || parent == X_TRACE) &&
	    (k == K_NAME || k == K_TIME || k == K_RESOURCE || k == K_LIFECYCLE)) {
		fail(x, AIV_EINPUT, "<list key=\"%s\">: '%s' takes a single value, not a list",
		     key, key);
		return;
	}
	if (parent == X_EVENT) {
		struct pending_event *e = &x->evs[x->nevs - 1];
		if (k == K_NAME) {
			e->activity = intern_value(x, v);
		} else if (k == K_TIME) {
			if (type != EVL_DATE && (type != EVL_STRING ||
						 ingest_parse_time(v, strlen(v), &t))) {
				fail(x, AIV_EINPUT, "unparseable time:timestamp '%s'", v);
				return;
			}
			e->time = t;
			e->has_time = 1;
		} else if (k == K_RESOURCE) {
			e->resource = intern_value(x, v);
		} else if (k == K_LIFECYCLE) {
			e->lifecycle = intern_value(x, v);
		} else if ((k == K_COST_TOTAL || (k == K_COST_AMOUNT && !e->has_cost)) &&
			   (type == EVL_FLOAT || type == EVL_INT)) {
			/* cost:amount on the event itself (no drilldown list) when it has no total */
			e->cost = num;
			e->has_cost = 1;
		} else if (keep_attr(x, key)) {
			ALLOC_GROW(x->eattrs, x->neattrs + 1, x->aeattrs);
			x->eattrs[x->neattrs].key = intern_value(x, key);
			x->eattrs[x->neattrs].value = v ? intern_value(x, v)
							: eventlog_intern(l, "", 0);
			x->eattrs[x->neattrs].type = (uint32_t)type;
			x->neattrs++;
			e->attr_hi = x->neattrs;
		} else {
			note(x, "event attribute not named by --attr");
		}
	} else if (parent == X_TRACE) {
		if (k == K_NAME) {
			if (type == EVL_LIST) {
				fail(x, AIV_EINPUT, "<list key=\"%s\">: '%s' takes a single value, not a list",
				     key, key);
				return;
			}
			x->case_name = eventlog_intern(l, v, strlen(v));
		} else if (!keep_attr(x, key)) {
			note(x, "trace attribute not named by --attr");
		} else {
			ALLOC_GROW(x->cattrs, x->ncattrs + 1, x->acattrs);
			x->cattrs[x->ncattrs].key = intern_value(x, key);
			x->cattrs[x->ncattrs].value = v ? intern_value(x, v)
							: eventlog_intern(l, "", 0);
			x->cattrs[x->ncattrs].type = (uint32_t)type;
			x->ncattrs++;
		}
	}
}

/*
 * An attribute that is not data: on the log, in <global>, <classifier> or
 * <extension>, nested in another attribute or in a list, or on an event
 * outside any trace.  A value that is there must match its type (a wrong
 * one means a damaged file); a missing key or value is only counted, as
 * is the attribute itself.
 */
static void meta_attribute(struct xes_ctx *x, enum xnode parent, const char *el, int type,
			   const XML_Char **atts)
{
	const char *key, *v;
	char what[96];
	int64_t t;
	double num;

	key_value(atts, &key, &v);
	if (key && v && type != EVL_LIST && check_value(x, type, el, key, v, &t, &num))
		return;
	if (!key)
		snprintf(what, sizeof(what), "key-less <%s> in log metadata", el);
	else if (parent == X_LOG)
		snprintf(what, sizeof(what), "log attribute");
	else if (parent == X_META)
		snprintf(what, sizeof(what), "attribute in <%s>", x->meta_el);
	else
		snprintf(what, sizeof(what), "nested attribute");
	note(x, what);
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
	if (type >= 0) {
		if (parent == X_TRACE || parent == X_EVENT)
			on_attribute(x, parent, el, type, atts);
		else
			meta_attribute(x, parent, el, type, atts);
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
		} else if (!strcmp(el, "event")) {
			/* IEEE 1849 allows events outside traces; they belong to no case */
			if (x->t)
				x->t->read++;
			if (skip_event(x, "event outside any trace (no case)", 0))
				return;
			push(x, X_LOOSE_EVENT);
			x->loose_depth = x->depth;
		} else if (!strcmp(el, "extension") || !strcmp(el, "global") ||
			   !strcmp(el, "classifier")) {
			x->meta_el = !strcmp(el, "extension") ? "extension" :
				     !strcmp(el, "global") ? "global" : "classifier";
			note(x, !strcmp(el, "extension") ? "<extension> declaration" :
				!strcmp(el, "global") ? "<global> block" : "<classifier> definition");
			push(x, X_META);
		} else {
			fail(x, AIV_EINPUT, "unexpected <%s> in <log>", el);
		}
		return;
	case X_TRACE:
		if (is_event(el)) {
			struct pending_event *e;
			if (x->t)
				x->t->read++;
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
	default:
		break;
	}
	fail(x, AIV_EINPUT, "unexpected <%s> in <%s>", el,
	     parent == X_TRACE ? "trace" :
	     parent == X_EVENT || parent == X_LOOSE_EVENT ? "event" :
	     parent == X_VALUES ? "values" : parent == X_META ? x->meta_el : "attribute");
}

/* Whether a trace named itself `id` (a byte per string id). */
static void mark_named(struct xes_ctx *x, uint32_t id)
{
	if (id >= x->anamed) {
		size_t n = x->anamed ? x->anamed : 1024;
		while (n <= id)
			n *= 2;
		x->named = xrealloc(x->named, n);
		memset(x->named + x->anamed, 0, n - x->anamed);
		x->anamed = n;
	}
	x->named[id] = 1;
}

static void flush_trace(struct xes_ctx *x)
{
	struct eventlog *l = x->l;
	char where[AIV_ERR_MSG];
	size_t i, k, used = 0;

	/* events without an activity are skipped (counted); the rest are used */
	for (i = 0; i < x->nevs; i++) {
		struct pending_event *e = &x->evs[i];
		if (e->activity == EVL_NONE) {
			if (skip_event(x, "event without concept:name (activity)", e->line))
				return;
			continue;
		}
		used++;
		if (e->has_time) {
			x->timed_seen = 1;
		} else if (!x->untimed_seen) {
			x->untimed_seen = 1;
			x->untimed_line = e->line;
			x->untimed_event = i + 1;
			if (x->case_name != EVL_NONE)
				snprintf(x->untimed_case, sizeof(x->untimed_case), "%s",
					 eventlog_str(l, x->case_name));
			else
				snprintf(x->untimed_case, sizeof(x->untimed_case), "trace %ld",
					 x->trace_no);
		}
		if (x->timed_seen && x->untimed_seen) {
			aiv_fail_at(x->err, AIV_EINPUT, x->name, x->untimed_line, 0,
				    "case '%s', event %zu: no time:timestamp (other events have one)",
				    x->untimed_case, x->untimed_event);
			x->failed = 1;
			XML_StopParser(x->p, XML_FALSE);
			return;
		}
	}
	if (!used) {
		/* a trace with no events has no case to carry its attributes (fuzz_xes) */
		if (!x->nevs)
			note(x, "trace without events");
		return;
	}
	if (x->case_name == EVL_NONE) {
		char id[48];
		snprintf(id, sizeof(id), "trace %ld", x->trace_no);
		x->case_name = eventlog_intern(l, id, strlen(id));
		ALLOC_GROW(x->posnames, x->nposnames + 1, x->aposnames);
		x->posnames[x->nposnames++] = x->case_name;
		if (x->t)
			tally_assume(x->t, "trace without concept:name: case id 'trace N' from its position",
				     here(x, x->trace_line, where, sizeof(where)));
	} else {
		mark_named(x, x->case_name);
	}
	for (i = 0; i < x->nevs; i++) {
		struct pending_event *e = &x->evs[i];
		size_t ev;
		if (e->activity == EVL_NONE)
			continue;
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
	if (x->t)
		x->t->used += (int64_t)used;
	for (k = 0; k < x->ncattrs; k++)
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
	enum xnode n;

	(void)el;
	if (x->failed || !x->depth)
		return;
	if (x->depth == x->loose_depth)
		x->loose_depth = 0;
	n = x->stack[--x->depth];
	if (n == X_TRACE)
		flush_trace(x);
}

static void ctx_init(struct xes_ctx *x, const char *name, struct eventlog *l,
		     const struct ingest_opts *o, struct aiv_err *err)
{
	memset(x, 0, sizeof(*x));
	x->name = name;
	x->l = l;
	x->o = o;
	x->t = o ? o->tally : NULL;
	x->err = err;
	x->next_report = 65536;
	memset(x->memo, 0xff, sizeof(x->memo));
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
	free(x->posnames);
	free(x->named);
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

	size_t i;

	if (!x->seen_root)
		return aiv_fail(x->err, AIV_EINPUT, "%s: not an XES log: no <log> element",
				x->name);
	/* a positional id that another trace took as its name would merge two cases */
	for (i = 0; i < x->nposnames; i++)
		if (x->posnames[i] < x->anamed && x->named[x->posnames[i]])
			return aiv_fail(x->err, AIV_EINPUT,
					"%s: a trace without concept:name would be case '%s', "
					"but another trace has that name", x->name,
					eventlog_str(x->l, x->posnames[i]));
	if (x->untimed_seen && !x->timed_seen) {
		x->l->no_time = 1;
		if (x->t)
			tally_assume(x->t, "no time:timestamp in the log: events in file order, "
				     "no time figures", NULL);
	}
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

/*
 * How many events the file probably holds, so that the columns are sized
 * once: its XML bytes (a plain file's size, or the gzip trailer's ISIZE,
 * the uncompressed size modulo 4 GiB), at most max_bytes, over 128, fewer
 * bytes than any event of the three largest public logs takes (156 to 282),
 * at most 4 Mi events; larger logs grow their columns from there.  Only a
 * hint: 0 when the size cannot be read.
 */
static size_t events_hint(const char *path, int direct, uint64_t max_bytes)
{
	FILE *f = fopen(path, "rb");
	unsigned char le[4];
	uint64_t bytes = 0;
	long end;

	if (!f)
		return 0;
	if (!fseek(f, 0, SEEK_END) && (end = ftell(f)) > 0) {
		if (direct)
			bytes = (uint64_t)end;
		else if (end >= 18 && !fseek(f, -4, SEEK_END) && fread(le, 1, 4, f) == 4)
			bytes = (uint64_t)le[0] | (uint64_t)le[1] << 8 | (uint64_t)le[2] << 16 |
				(uint64_t)le[3] << 24;
	}
	fclose(f);
	if (bytes > max_bytes)
		bytes = max_bytes;
	/* at most 4 Mi events (90 MB of address space): a lying trailer costs no more */
	return bytes / 128 < ((size_t)1 << 22) ? (size_t)(bytes / 128) : (size_t)1 << 22;
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
	eventlog_reserve(l, events_hint(path, gzdirect(gz), max_bytes));
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
