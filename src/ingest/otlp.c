/*
 * otlp.c - the OTLP/JSON span reader (see otlp.h for the input and the
 * inheritance rule).
 *
 * Two passes, because a child span may come before its parent (the
 * Collector exports a span when it ends, and children end first):
 *
 *   1. parse each request (a line, or the whole pretty-printed file, by
 *      usage_json_docs),
 *      keep per span only what the readers use, as interned string ids
 *      (struct rec, ~70 bytes), and drop the JSON tree;
 *   2. link each span to its parent by (traceId, parentSpanId), resolve
 *      the inherited attributes walking up iteratively (a parent loop or
 *      a missing parent ends the walk), then hand the spans out in file
 *      order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/cjson.h"
#include "metrics/intern.h"
#include "otlp.h"
#include "readers.h"

#define NO_STR INTERN_NONE
#define NO_REC UINT32_MAX

enum { F_USER, F_AGENT_NAME, F_AGENT_ID, F_PROVIDER, F_INHERIT }; /* inherited fields */

struct rec {
	uint32_t trace, span, name, start, op, tool, decision;
	uint32_t model;               /* gen_ai.response.model, else request.model */
	int64_t tokens_in, tokens_out; /* OTLP_NO_TOKENS, OTLP_BAD_TOKENS or the count */
	uint32_t own[F_INHERIT];      /* the span's own attribute */
	uint32_t res_user, res_provider; /* its resource's */
	uint32_t eff[F_INHERIT];      /* after inheritance */
	uint32_t from[F_INHERIT];     /* record the value came from (NO_REC: own/resource) */
	uint32_t parent_key;          /* interned "trace/parent", or NO_STR */
	uint32_t up;                  /* parent record, or NO_REC */
	uint8_t genai, tool_call, state, lends;
	long line;
};

struct otlp_file {
	const char *name;
	struct intern strs;   /* attribute values, names */
	struct intern keys;   /* "traceId/spanId" */
	uint32_t *key_rec;    /* key id -> first record with it */
	size_t akey_rec;
	struct rec *recs;
	size_t nrecs, arecs;
	struct tally *t;
};

/* An OTLP AnyValue as text: string, int (a string in OTLP/JSON), bool. */
static const char *any_value(const json_t *v, char *buf, size_t bufsz)
{
	const json_t *iv = json_object_get(v, "intValue");

	if (json_str(v, "stringValue"))
		return json_str(v, "stringValue");
	if (json_is_string(iv))
		return json_string_value(iv);
	if (json_is_integer(iv)) {
		snprintf(buf, bufsz, "%lld", (long long)json_integer_value(iv));
		return buf;
	}
	if (json_is_boolean(json_object_get(v, "boolValue")))
		return json_is_true(json_object_get(v, "boolValue")) ? "true" : "false";
	return NULL;
}

/* Interned value of the first of `keys` present and non-empty in attrs. */
static uint32_t attr_id(struct otlp_file *of, const json_t *attrs, const char *const *keys)
{
	char buf[32];
	size_t i;
	const json_t *a;

	for (; *keys; keys++)
		json_array_foreach(attrs, i, a) {
			const char *k = json_str(a, "key"), *v;
			if (!k || strcmp(k, *keys))
				continue;
			v = any_value(json_object_get(a, "value"), buf, sizeof(buf));
			if (v && *v)
				return intern_id(&of->strs, v);
		}
	return NO_STR;
}

static int has_genai(const json_t *attrs)
{
	size_t i;
	const json_t *a;

	json_array_foreach(attrs, i, a) {
		const char *k = json_str(a, "key");
		if (k && !strncmp(k, "gen_ai.", 7))
			return 1;
	}
	return 0;
}

static uint32_t str_id(struct otlp_file *of, const char *s)
{
	return s ? intern_id(&of->strs, s) : NO_STR;
}

static const char *const k_user[] = { "user.id", "enduser.id", "langfuse.user.id", NULL };
static const char *const k_provider[] = { "gen_ai.provider.name", "gen_ai.system", NULL };
static const char *const k_agent_name[] = { "gen_ai.agent.name", "agent.name", NULL };
static const char *const k_agent_id[] = { "gen_ai.agent.id", "agent.id", NULL };
static const char *const k_op[] = { "gen_ai.operation.name", NULL };
static const char *const k_tool[] = { "gen_ai.tool.name", "tool.name", NULL };
static const char *const k_decision[] = { "aivalue.decision_id", NULL };
static const char *const k_model[] = { "gen_ai.response.model", "gen_ai.request.model", NULL };
/* the older names (semantic conventions before 1.27) come second */
static const char *const k_tokens_in[] = { "gen_ai.usage.input_tokens",
					   "gen_ai.usage.prompt_tokens", NULL };
static const char *const k_tokens_out[] = { "gen_ai.usage.output_tokens",
					    "gen_ai.usage.completion_tokens", NULL };

/* A token count attribute: the count, OTLP_NO_TOKENS, or OTLP_BAD_TOKENS. */
static int64_t attr_tokens(struct otlp_file *of, const json_t *attrs, const char *const *keys)
{
	uint32_t id = attr_id(of, attrs, keys);
	const char *v;
	char *end;
	long long x;

	if (id == NO_STR)
		return OTLP_NO_TOKENS;
	v = intern_str(&of->strs, id);
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || *end || end == v || x < 0)
		return OTLP_BAD_TOKENS;
	return x;
}

static void add_span(struct otlp_file *of, const json_t *sp, const json_t *res_attrs, long line)
{
	const json_t *attrs = json_object_get(sp, "attributes");
	const json_t *start = json_object_get(sp, "startTimeUnixNano");
	const char *trace = json_str(sp, "traceId"), *span = json_str(sp, "spanId");
	const char *parent = json_str(sp, "parentSpanId"), *opname;
	struct strbuf key = STRBUF_INIT;
	struct rec *r;
	char tbuf[32];
	uint32_t k;
	size_t old;

	if (!json_is_array(attrs))
		attrs = NULL;
	ALLOC_GROW(of->recs, of->nrecs + 1, of->arecs);
	r = &of->recs[of->nrecs];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->trace = str_id(of, trace ? trace : "");
	r->span = str_id(of, span ? span : "");
	r->name = str_id(of, json_str(sp, "name") ? json_str(sp, "name") : "");
	if (json_is_integer(start)) {
		snprintf(tbuf, sizeof(tbuf), "%lld", (long long)json_integer_value(start));
		r->start = str_id(of, tbuf);
	} else {
		r->start = str_id(of, json_is_string(start) ? json_string_value(start) : NULL);
	}
	r->genai = attrs && has_genai(attrs);
	r->op = attr_id(of, attrs, k_op);
	r->tool = attr_id(of, attrs, k_tool);
	r->decision = attr_id(of, attrs, k_decision);
	r->model = attr_id(of, attrs, k_model);
	r->tokens_in = attr_tokens(of, attrs, k_tokens_in);
	r->tokens_out = attr_tokens(of, attrs, k_tokens_out);
	r->own[F_USER] = attr_id(of, attrs, k_user);
	r->own[F_AGENT_NAME] = attr_id(of, attrs, k_agent_name);
	r->own[F_AGENT_ID] = attr_id(of, attrs, k_agent_id);
	r->own[F_PROVIDER] = attr_id(of, attrs, k_provider);
	r->res_user = attr_id(of, res_attrs, k_user);
	r->res_provider = attr_id(of, res_attrs, k_provider);
	opname = r->op != NO_STR ? intern_str(&of->strs, r->op) : NULL;
	r->tool_call = opname ? !strcmp(opname, "execute_tool") :
		       !strncmp(intern_str(&of->strs, r->name), "execute_tool", 12);
	r->up = NO_REC;
	r->parent_key = NO_STR;
	if (trace && span && *span) {
		strbuf_addf(&key, "%s/%s", trace, span);
		k = intern_idn(&of->keys, key.buf, key.len);
		old = of->akey_rec;
		ALLOC_GROW(of->key_rec, k + 1, of->akey_rec);
		while (old < of->akey_rec)
			of->key_rec[old++] = NO_REC;
		if (of->key_rec[k] == NO_REC)
			of->key_rec[k] = (uint32_t)of->nrecs;
	}
	if (trace && parent && *parent) {
		strbuf_reset(&key);
		strbuf_addf(&key, "%s/%s", trace, parent);
		r->parent_key = intern_idn(&of->keys, key.buf, key.len);
	}
	strbuf_release(&key);
	of->nrecs++;
}

static int read_doc(struct otlp_file *of, const json_t *doc, long line, struct aiv_err *err)
{
	const json_t *rss = json_object_get(doc, "resourceSpans"), *rs;
	size_t i;

	if (!json_is_object(doc))
		return aiv_fail_at(err, AIV_EINPUT, of->name, line, 1, "not a JSON object");
	if (!json_is_array(rss))
		return aiv_fail_at(err, AIV_EINPUT, of->name, line, 0,
				   "missing field 'resourceSpans': not an OTLP/JSON trace export"
				   "%s", json_object_get(doc, "resourceMetrics") ?
				   " (this is a metrics export; only traces are read)" :
				   json_object_get(doc, "resourceLogs") ?
				   " (this is a logs export; only traces are read)" : "");
	json_array_foreach(rss, i, rs) {
		const json_t *res_attrs = json_object_get(json_object_get(rs, "resource"), "attributes");
		const json_t *sss = json_object_get(rs, "scopeSpans"), *ss;
		size_t j;
		if (!json_is_array(res_attrs))
			res_attrs = NULL;
		if (!sss && (sss = json_object_get(rs, "instrumentationLibrarySpans")) && of->t) {
			char where[512];
			snprintf(where, sizeof(where), "%s:%ld", of->name, line);
			tally_assume(of->t, "older key 'instrumentationLibrarySpans' read as "
				     "'scopeSpans'", where);
		}
		json_array_foreach(sss, j, ss) {
			const json_t *spans = json_object_get(ss, "spans"), *sp;
			size_t k;
			json_array_foreach(spans, k, sp)
				if (json_is_object(sp))
					add_span(of, sp, res_attrs, line);
		}
	}
	return 0;
}

static int doc_cb(void *data, json_t *doc, long line, struct aiv_err *err)
{
	return read_doc(data, doc, line, err);
}

/* Resolve record i and its unresolved ancestors (state: 0 new, 1 on path, 2 done). */
static void resolve(struct otlp_file *of, uint32_t i, uint32_t **stack, size_t *astack)
{
	size_t n = 0;
	uint32_t cur = i, base;
	int f;

	while (cur != NO_REC && of->recs[cur].state == 0) {
		ALLOC_GROW(*stack, n + 1, *astack);
		(*stack)[n++] = cur;
		of->recs[cur].state = 1;
		cur = of->recs[cur].up;
	}
	/* a loop through parentSpanId ends at a span on the path: no parent then */
	base = cur != NO_REC && of->recs[cur].state == 2 ? cur : NO_REC;
	while (n) {
		struct rec *r = &of->recs[(*stack)[--n]];
		for (f = 0; f < F_INHERIT; f++) {
			r->eff[f] = r->own[f];
			r->from[f] = NO_REC;
			if (r->eff[f] == NO_STR && base != NO_REC &&
			    of->recs[base].eff[f] != NO_STR) {
				r->eff[f] = of->recs[base].eff[f];
				r->from[f] = of->recs[base].from[f] != NO_REC ?
					     of->recs[base].from[f] : base;
			}
		}
		if (r->eff[F_USER] == NO_STR)
			r->eff[F_USER] = r->res_user;
		if (r->eff[F_PROVIDER] == NO_STR)
			r->eff[F_PROVIDER] = r->res_provider;
		r->state = 2;
		base = (uint32_t)(r - of->recs);
	}
}

static void link_and_resolve(struct otlp_file *of)
{
	uint32_t *stack = NULL;
	size_t astack = 0, i;

	for (i = 0; i < of->nrecs; i++) {
		struct rec *r = &of->recs[i];
		if (r->parent_key != NO_STR && r->parent_key < of->akey_rec &&
		    of->key_rec[r->parent_key] != (uint32_t)i)
			r->up = of->key_rec[r->parent_key];
	}
	for (i = 0; i < of->nrecs; i++)
		resolve(of, (uint32_t)i, &stack, &astack);
	free(stack);
	/* spans whose agent or user a tool call below them took */
	for (i = 0; i < of->nrecs; i++) {
		const struct rec *r = &of->recs[i];
		int f;
		if (!r->tool_call)
			continue;
		for (f = 0; f < F_INHERIT; f++)
			if (f != F_PROVIDER && r->from[f] != NO_REC)
				of->recs[r->from[f]].lends = 1;
	}
}

static const char *s_of(const struct otlp_file *of, uint32_t id)
{
	return id == NO_STR ? NULL : intern_str(&of->strs, id);
}

int otlp_read(FILE *f, const char *name, struct tally *t, otlp_span_fn fn, void *data,
	      struct aiv_err *err)
{
	struct otlp_file of;
	int64_t used;
	size_t i;
	int ret;

	memset(&of, 0, sizeof(of));
	of.name = name;
	of.t = t;
	intern_init(&of.strs);
	intern_init(&of.keys);
	if ((ret = usage_json_docs(f, name, doc_cb, &of, err)))
		goto cleanup;
	link_and_resolve(&of);
	for (i = 0; i < of.nrecs; i++) {
		const struct rec *r = &of.recs[i];
		struct otlp_span sp;
		char where[512];

		memset(&sp, 0, sizeof(sp));
		sp.trace_id = s_of(&of, r->trace);
		sp.span_id = s_of(&of, r->span);
		sp.name = s_of(&of, r->name);
		sp.start = s_of(&of, r->start);
		sp.genai = r->genai;
		sp.operation = s_of(&of, r->op);
		sp.tool = s_of(&of, r->tool);
		sp.decision_id = s_of(&of, r->decision);
		sp.model = s_of(&of, r->model);
		sp.input_tokens = r->tokens_in;
		sp.output_tokens = r->tokens_out;
		sp.user = s_of(&of, r->eff[F_USER]);
		sp.agent_name = s_of(&of, r->eff[F_AGENT_NAME]);
		sp.agent_id = s_of(&of, r->eff[F_AGENT_ID]);
		sp.provider = s_of(&of, r->eff[F_PROVIDER]);
		sp.user_inherited = r->from[F_USER] != NO_REC;
		sp.agent_inherited = r->from[F_AGENT_NAME] != NO_REC || r->from[F_AGENT_ID] != NO_REC;
		sp.provider_inherited = r->from[F_PROVIDER] != NO_REC;
		sp.is_tool_call = r->tool_call;
		sp.lends = r->lends;
		sp.line = r->line;
		used = t ? t->used : 0;
		if (t)
			t->read++;
		if ((ret = fn(data, &sp, err)))
			goto cleanup;
		/* what a span used took from its ancestors is an assumption */
		if (t && t->used > used) {
			snprintf(where, sizeof(where), "%s:%ld", name, r->line);
			if (sp.user_inherited)
				tally_assume(t, "user taken from an ancestor span (parentSpanId)", where);
			if (sp.agent_inherited)
				tally_assume(t, "agent taken from an ancestor span (parentSpanId)", where);
		}
	}
cleanup:
	intern_release(&of.strs);
	intern_release(&of.keys);
	free(of.key_rec);
	free(of.recs);
	return ret < 0 ? ret : 0;
}
