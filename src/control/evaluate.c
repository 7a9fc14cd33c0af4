/*
 * evaluate.c - one request to one decision, against a snapshot only
 * (no store access), so any number of threads evaluate at once.
 *
 *   request --check--> Cedar request (principal Agent::"a", Action::"x",
 *   resource, context with reals as decimals and on_behalf_of)
 *      --cedar_authorize--> satisfied permits/forbids, erroring policies
 *      --outcome--> forbids (satisfied, and erroring ones: fail closed)
 *                   all carrying @escalate and a permit matched -> ESCALATE
 *                   otherwise any forbid -> DENY; a permit -> ALLOW; DENY
 *      --phase gate--> workflow autonomy "supervised": ALLOW -> ESCALATE
 *
 * The result is a pending decision (control_int.h) that commit.c records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"


/* Nesting depth of v (a scalar is 0), counted no further than stop. */
static int context_depth(const json_t *v, int stop)
{
	const json_t *x;
	const char *k;
	size_t i;
	int d, max = 0;

	if (stop <= 0 || (!json_is_object(v) && !json_is_array(v)))
		return 0;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if ((d = context_depth(x, stop - 1)) > max)
				max = d;
	} else {
		json_array_foreach(v, i, x)
			if ((d = context_depth(x, stop - 1)) > max)
				max = d;
	}
	return 1 + max;
}

/* Check `confidence` and the context's shape; 0 or AIV_EINPUT. */
static int check_context(const json_t *ctx, struct aiv_err *err)
{
	const json_t *c;

	if (!ctx)
		return 0;
	if (!json_is_object(ctx))
		return aiv_fail(err, AIV_EINPUT, "context must be a JSON object");
	if (context_depth(ctx, CONTROL_CONTEXT_MAX_DEPTH + 1) > CONTROL_CONTEXT_MAX_DEPTH)
		return aiv_fail(err, AIV_EINPUT, "context nests deeper than %d levels "
				"(docs/security-limits.md)", CONTROL_CONTEXT_MAX_DEPTH);
	c = json_object_get(ctx, "confidence");
	if (c) {
		double v;
		if (!json_is_number(c))
			return aiv_fail(err, AIV_EINPUT, "context.confidence must be a number in "
					"[0,1]");
		v = json_number_value(c);
		if (!(v >= 0.0 && v <= 1.0))
			return aiv_fail(err, AIV_EINPUT, "context.confidence %g is outside [0,1]", v);
	}
	return 0;
}

/*
 * s as a C string in out[n], cut at a NUL or at n - 1 bytes: what
 * snprintf("%.*s") gave, without the format parsing (five calls per
 * decision).
 */
static void str_of(const struct cedar_str *s, char *out, size_t n)
{
	size_t len = strnlen(s->p, s->n);

	if (len >= n)
		len = n - 1;
	memcpy(out, s->p, len);
	out[len] = '\0';
}

static const struct cedar_entity *find_entity(const struct control_snapshot *sn,
					      const char *type, const char *id, size_t idlen)
{
	struct cedar_uid u;

	u.type.p = type;
	u.type.n = (uint32_t)strlen(type);
	u.id.p = id;
	u.id.n = (uint32_t)idlen;
	cedar_uid_hash(&u);
	return cedar_entities_find(&sn->es, &u);
}

static int str_is(const struct cedar_str *s, const char *t)
{
	return s->n == strlen(t) && !memcmp(s->p, t, s->n);
}

/* attribute `key` of e when it has type `type`, else NULL */
static const struct cedar_value *attr_of(const struct cedar_entity *e, const char *key, int type)
{
	const struct cedar_value *v = e && e->attrs ? cedar_record_get(e->attrs, key, strlen(key))
						    : NULL;

	return v && v->type == type ? v : NULL;
}

/*
 * The agent's workflow, its autonomy and owner, and the owner of the step
 * its exception items go to: the step named by step_hint if the agent is
 * on it, else the first (lowest position) step listing the agent, else
 * the workflow owner.  All from the snapshot's entities.
 */
static int agent_lookup(const struct control_snapshot *sn, const char *agent,
			const char *step_hint, struct agent_info *ai, struct aiv_err *err)
{
	const struct cedar_entity *a = find_entity(sn, "Agent", agent, strlen(agent)), *w;
	const struct cedar_value *v;
	const struct cedar_entity *best = NULL;
	int64_t best_pos = 0;
	int best_hint = 0;
	uint32_t i;

	memset(ai, 0, sizeof(*ai));
	v = attr_of(a, "workflow", CV_ENTITY);
	w = v ? find_entity(sn, "Workflow", v->u.uid->id.p, v->u.uid->id.n) : NULL;
	if (!w)
		return aiv_fail(err, AIV_EINPUT, "unknown agent '%s' (declare it with kind: Agent)",
				agent);
	str_of(&v->u.uid->id, ai->workflow, sizeof(ai->workflow));
	if ((v = attr_of(w, "autonomy", CV_STRING)))
		str_of(&v->u.s, ai->autonomy, sizeof(ai->autonomy));
	if ((v = attr_of(w, "owner", CV_ENTITY)))
		str_of(&v->u.uid->id, ai->wf_owner, sizeof(ai->wf_owner));
	ai->gate_earned = sn->gate_earned;
	for (i = 0; i < a->nparents; i++) {
		const struct cedar_entity *st;
		const struct cedar_value *wv, *nv, *pv;
		int hint;
		if (!str_is(&a->parents[i].type, "Step") ||
		    !(st = cedar_entities_find(&sn->es, &a->parents[i])) ||
		    !(wv = attr_of(st, "workflow", CV_ENTITY)) || !str_is(&wv->u.uid->id, ai->workflow))
			continue;
		nv = attr_of(st, "name", CV_STRING);
		pv = attr_of(st, "position", CV_LONG);
		hint = step_hint && nv && str_is(&nv->u.s, step_hint);
		if (!best || hint > best_hint ||
		    (hint == best_hint && pv && pv->u.l < best_pos)) {
			best = st;
			best_hint = hint;
			best_pos = pv ? pv->u.l : 0;
		}
	}
	if (best && (v = attr_of(best, "owner", CV_ENTITY))) {
		str_of(&attr_of(best, "name", CV_STRING)->u.s, ai->step, sizeof(ai->step));
		/* both fit owner_kind[16]; no snprintf("%s") per decision */
		const char *kind = str_is(&v->u.uid->type, "Team") ? "team" : "person";
		memcpy(ai->owner_kind, kind, strlen(kind) + 1);
		str_of(&v->u.uid->id, ai->owner, sizeof(ai->owner));
	} else {
		_Static_assert(sizeof(ai->owner) == sizeof(ai->wf_owner), "owner sizes");
		memcpy(ai->owner_kind, "person", sizeof("person"));
		memcpy(ai->owner, ai->wf_owner, sizeof(ai->owner)); /* NUL-ended within */
	}
	return 0;
}

static json_t *ids_json(const struct cedar_policyset *ps, const uint32_t *v, uint32_t n)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(ps->v[v[i]].id));
	return a;
}

void control_pending_free(struct control_pending *p)
{
	size_t i;

	if (!p)
		return;
	control_snapshot_unref(p->snap);
	for (i = 0; i < ARRAY_SIZE(p->strs); i++)
		free(p->strs[i]);
	json_decref((json_t *)p->req.context);
	json_decref((json_t *)p->req.entities);
	control_decision_release(&p->d);
	free(p->argtext);
	free(p->record);
	free(p);
}

static void add_key(struct strbuf *sb, const char *key, int *first)
{
	if (!*first)
		strbuf_addch(sb, ',');
	*first = 0;
	strbuf_addch(sb, '"');
	strbuf_addstr(sb, key); /* keys here need no escaping */
	strbuf_addstr(sb, "\":");
}

static void add_str(struct strbuf *sb, const char *key, const char *v, int *first)
{
	if (!v)
		return;
	add_key(sb, key, first);
	strbuf_add_json_str(sb, v, strlen(v));
}

/*
 * "key":"v" for a value that never needs escaping (hex digests, our ids
 * and times, fixed words): one grow and two copies, where add_str's
 * escaping walk and six buffer calls were about 500 instructions a field.
 */
static void add_plain(struct strbuf *sb, const char *key, const char *v, int *first)
{
	size_t kn = strlen(key), vn = strlen(v);
	char *o;

	strbuf_grow(sb, kn + vn + 6);
	o = sb->buf + sb->len;
	if (!*first)
		*o++ = ',';
	*first = 0;
	*o++ = '"';
	memcpy(o, key, kn);
	o += kn;
	memcpy(o, "\":\"", 3);
	o += 3;
	memcpy(o, v, vn);
	o += vn;
	*o++ = '"';
	*o = '\0';
	sb->len = (size_t)(o - sb->buf);
}

/*
 * The decision-log record of p as canonical JSON (core/cjson.h: keys in
 * byte order, no whitespace), written out directly rather than built as
 * a jansson object and serialised: this runs for every decision.  The
 * input is the arguments' canonical text, already made for the digest.
 *
 *   {"agent", "approver"?, "args_digest", "bundles": {"policies"},
 *    "decision_id", "input", "on_behalf_of"?, "path", "result":
 *    {"decision", "errors", "exception_id"?, "policies", "reason"},
 *    "revision", "timestamp"}
 */
void control_build_record(struct control_pending *p)
{
	struct strbuf sb = STRBUF_INIT;
	int first = 1, rfirst = 1;

	strbuf_grow(&sb, 1024 + strlen(p->argtext));
	strbuf_addch(&sb, '{');
	add_str(&sb, "agent", p->req.agent, &first);
	add_str(&sb, "approver", p->approver[0] && !p->approval_refused ? p->approver : NULL,
		&first);
	add_plain(&sb, "args_digest", p->d.digest, &first);
	add_key(&sb, "bundles", &first);
	strbuf_addstr(&sb, "{\"policies\":\"");
	strbuf_addstr(&sb, p->snap->revision);
	strbuf_addstr(&sb, "\"}");
	add_plain(&sb, "decision_id", p->d.decision_id, &first);
	add_key(&sb, "input", &first);
	strbuf_addstr(&sb, p->argtext);
	add_str(&sb, "on_behalf_of", p->req.on_behalf_of, &first);
	add_plain(&sb, "path", "aivalue/control/decide", &first);
	add_key(&sb, "result", &first);
	strbuf_addch(&sb, '{');
	add_plain(&sb, "decision", control_outcome_name(p->d.outcome), &rfirst);
	add_key(&sb, "errors", &rfirst);
	cjson_dump(&sb, p->d.errors);
	add_str(&sb, "exception_id", p->d.exception_id[0] ? p->d.exception_id : NULL, &rfirst);
	add_key(&sb, "policies", &rfirst);
	cjson_dump(&sb, p->d.policies);
	add_str(&sb, "reason", p->d.reason, &rfirst);
	strbuf_addch(&sb, '}');
	add_plain(&sb, "revision", p->snap->revision, &first);
	add_plain(&sb, "timestamp", p->now, &first);
	strbuf_addch(&sb, '}');
	free(p->record);
	p->record = strbuf_detach(&sb, NULL);
	sha256_hex(p->record, strlen(p->record), p->record_digest);
}

/*
 * Is s[0..len) UTF-8 as JSON strings need it (jansson's rules: no
 * overlong forms, no surrogates, nothing past U+10FFFF)?
 */
static int utf8_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned c = *p, v, n, i;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c < 0xC2 || c > 0xF4)
			return 0;
		n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if ((size_t)(end - p) < n)
			return 0;
		v = c & (0xFF >> (n + 1));
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			v = (v << 6) | (p[i] & 0x3F);
		}
		if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
		    (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		p += n;
	}
	return 1;
}

/*
 * The names go into the canonical arguments and the record as JSON
 * strings: one that is not UTF-8 is refused (it used to reach json_pack,
 * which returned NULL, and crash the serialiser: `decide --action` with a
 * stray byte from a shell).
 */
static int check_utf8(const struct control_request *req, struct aiv_err *err)
{
	const char *names[] = { "agent", "action", "resource", "on_behalf_of" };
	const char *vals[] = { req->agent, req->action, req->resource, req->on_behalf_of };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vals); i++)
		if (vals[i] && !utf8_ok(vals[i], strlen(vals[i])))
			return aiv_fail(err, AIV_EINPUT, "%s is not valid UTF-8", names[i]);
	return 0;
}

/*
 * The request's canonical arguments, {"action", "agent", "context",
 * "on_behalf_of" (null when none), "resource"}, written out in cjson's order and form
 * (the bytes cjson_dumps gives for the same object) without building and
 * sorting a jansson object first: json_pack and the generic walk were 3%
 * of the server's CPU per decision over HTTP.  The context, of any shape,
 * goes through cjson_dump.
 */
static char *args_text(const struct control_request *req)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_grow(&sb, 256);
	strbuf_addstr(&sb, "{\"action\":");
	strbuf_add_json_str(&sb, req->action, strlen(req->action));
	strbuf_addstr(&sb, ",\"agent\":");
	strbuf_add_json_str(&sb, req->agent, strlen(req->agent));
	strbuf_addstr(&sb, ",\"context\":");
	if (req->context)
		cjson_dump(&sb, req->context);
	else
		strbuf_addstr(&sb, "{}");
	strbuf_addstr(&sb, ",\"on_behalf_of\":");
	if (req->on_behalf_of)
		strbuf_add_json_str(&sb, req->on_behalf_of, strlen(req->on_behalf_of));
	else
		strbuf_addstr(&sb, "null"); /* json_pack's "s?" of NULL */
	strbuf_addstr(&sb, ",\"resource\":");
	strbuf_add_json_str(&sb, req->resource, strlen(req->resource));
	strbuf_addch(&sb, '}');
	return strbuf_detach(&sb, NULL);
}

/*
 * The request's principal and action.  Agent::"<agent>" and
 * Action::"<action>" as cedar_uid_parse reads them from the text the
 * request would be written as: the action's quotes and backslashes are
 * escaped there, so its id is the action itself; the agent's are not, so
 * an agent with either goes through the parser as before (which refuses
 * or unescapes it).  Without a text and a parse per name: 2,600
 * instructions per decision.  The ids borrow req's strings.
 */
static int request_uids(struct control_engine *eng, const struct control_request *req,
			struct cedar_request *cr, struct aiv_err *err)
{
	if (!strpbrk(req->agent, "\"\\")) {
		cr->principal.type.p = "Agent";
		cr->principal.type.n = 5;
		cr->principal.id.p = req->agent;
		cr->principal.id.n = (uint32_t)strlen(req->agent);
		cedar_uid_hash(&cr->principal);
	} else {
		struct strbuf uid = STRBUF_INIT;
		int bad;
		strbuf_addstr(&uid, "Agent::\"");
		strbuf_addstr(&uid, req->agent);
		strbuf_addch(&uid, '"');
		bad = cedar_uid_parse(&eng->scratch, uid.buf, &cr->principal);
		strbuf_release(&uid);
		if (bad)
			return aiv_fail(err, AIV_EINPUT, "malformed agent or action name");
	}
	cr->action.type.p = "Action";
	cr->action.type.n = 6;
	cr->action.id.p = req->action;
	cr->action.id.n = (uint32_t)strlen(req->action);
	cedar_uid_hash(&cr->action);
	return 0;
}

/*
 * Can the context be converted as it came and the two keys evaluation
 * adds (on_behalf_of, and workflow unless the request names one) be put
 * into the converted record, rather than added to a copy of the JSON
 * first?  The same record results unless: the request's context has an
 * on_behalf_of that the request's on_behalf_of replaces (its value might
 * not convert); it is a lone "_" key (an escape such as "__entity" when
 * alone, a record once a key is added); or the workflow's name is not
 * UTF-8 (control_uidj refuses it and the key is not added).
 */
static int context_direct(const struct control_request *req, const struct agent_info *ai)
{
	const json_t *c = req->context;

	if (c && json_object_size(c) == 1 &&
	    json_object_iter_key(json_object_iter((json_t *)c))[0] == '_')
		return 0;
	if (req->on_behalf_of && json_object_get(c, "on_behalf_of"))
		return 0;
	return utf8_ok(ai->workflow, strlen(ai->workflow));
}

/* An entity value of type (a literal) and id (borrowed) in arena a. */
static struct cedar_value entity_value(struct cedar_arena *a, const char *type, const char *id)
{
	struct cedar_uid *u = cedar_arena_alloc(a, sizeof(*u));
	struct cedar_value v;

	u->type.p = type;
	u->type.n = (uint32_t)strlen(type);
	u->id.p = id;
	u->id.n = (uint32_t)strlen(id);
	cedar_uid_hash(u);
	v.type = CV_ENTITY;
	v.u.uid = u;
	return v;
}

/*
 * The Cedar context when context_direct allows it: the request's context
 * converted, then on_behalf_of and workflow put into the record (a JSON
 * copy, two entity objects and their conversion before: about 5,000
 * instructions per decision).  0 or AIV_EINPUT with the same message.
 */
static int context_value(struct control_engine *eng, const struct control_request *req,
			 const struct agent_info *ai, struct cedar_value *out,
			 struct aiv_err *err)
{
	static const struct cedar_record empty = { 0, NULL, NULL };
	const struct cedar_record *r = &empty;
	struct cedar_value v;
	int ret;

	if (req->context) {
		if ((ret = cedar_value_from_json(&eng->scratch, req->context, 1, "context", out,
						 err)))
			return ret;
		r = out->u.rec; /* an object with other than a lone "_" key: a record */
	}
	if (req->on_behalf_of) {
		v = entity_value(&eng->scratch, "Person", req->on_behalf_of);
		r = cedar_record_put(&eng->scratch, r, "on_behalf_of", &v);
	}
	if (!json_object_get(req->context, "workflow")) {
		v = entity_value(&eng->scratch, "Workflow", ai->workflow);
		r = cedar_record_put(&eng->scratch, r, "workflow", &v);
	}
	out->type = CV_RECORD;
	out->u.rec = r;
	return 0;
}

/* Evaluate p->req against eng's snapshot (no store access); fills p. */
int control_evaluate_pending(struct control_engine *eng, struct control_pending *p, struct aiv_err *err)
{
	const struct control_snapshot *sn = eng->snap;
	const struct control_request *req = &p->req;
	struct control_decision *out = &p->d;
	struct cedar_entities extra;
	struct cedar_request cr;
	struct cedar_response *res = &eng->res;
	struct agent_info *ai = &p->ai;
	json_t *ctx = NULL;
	char *argtext = NULL;
	const struct cedar_policy *blocking[64];
	uint32_t nblock = 0, i;
	int64_t sla = -1;
	int ret = 0, all_escalate = 1, erroring_forbid = 0;
	const char *step_hint = NULL;

	control_decision_release(out);
	free(p->record);
	p->record = NULL;
	p->queue[0] = '\0';
	cedar_entities_init(&extra);
	cedar_arena_reset(&eng->scratch);
	if (!req->agent || !req->action || !req->resource)
		return aiv_fail(err, AIV_EINPUT, "a request needs agent, action and resource");
	if ((ret = check_utf8(req, err)))
		return ret;
	if ((ret = check_context(req->context, err)))
		return ret;
	if (req->context)
		step_hint = json_str(req->context, "step");
	if ((ret = agent_lookup(sn, req->agent, step_hint, ai, err)))
		return ret;
	if (req->on_behalf_of &&
	    !find_entity(sn, "Person", req->on_behalf_of, strlen(req->on_behalf_of)))
		return aiv_fail(err, AIV_EINPUT, "on_behalf_of: no person '%s'", req->on_behalf_of);

	/* the Cedar request */
	memset(&cr, 0, sizeof(cr));
	if ((ret = request_uids(eng, req, &cr, err)))
		return ret;
	if (cedar_uid_parse(&eng->scratch, req->resource, &cr.resource))
		return aiv_fail(err, AIV_EINPUT, "resource '%s' is not an entity such as "
				"Invoice::\"inv-1\"", req->resource);
	if (context_direct(req, ai)) {
		if ((ret = context_value(eng, req, ai, &cr.context, err)))
			goto cleanup;
	} else {
		/* a shallow copy: only top-level keys are added */
		ctx = req->context ? json_copy((json_t *)req->context) : json_object();
		if (req->on_behalf_of)
			json_object_set_new(ctx, "on_behalf_of",
					    control_uidj("Person", req->on_behalf_of));
		if (!json_object_get(ctx, "workflow"))
			json_object_set_new(ctx, "workflow", control_uidj("Workflow", ai->workflow));
		if ((ret = cedar_value_from_json(&eng->scratch, ctx, 1, "context", &cr.context,
						 err)))
			goto cleanup;
	}
	if (req->entities) {
		extra.base = &sn->es;
		if ((ret = cedar_entities_add_json(&extra, req->entities, err)))
			goto cleanup;
		cedar_entities_close(&extra);
		cr.extra = &extra;
	}

	/* the canonical arguments and their digest */
	argtext = args_text(req);
	sha256_hex(argtext, strlen(argtext), out->digest);
	free(p->argtext);
	p->argtext = argtext;
	argtext = NULL;
	memcpy(out->revision, sn->revision, SHA256_HEX);

	cedar_authorize(&sn->ps, &sn->es, &cr, &eng->scratch, res);

	/* the outcome */
	out->errors = json_array();
	for (i = 0; i < res->nerrors; i++) {
		const struct cedar_policy *pol = &sn->ps.v[res->errors[i].policy];
		json_array_append_new(out->errors, json_pack("{s:s, s:s, s:s}", "policy", pol->id,
				      "effect", pol->effect == CEDAR_FORBID ? "forbid" : "permit",
				      "error", res->errors[i].msg));
		if (pol->effect == CEDAR_FORBID && !(sn->flags & CONTROL_NO_FAIL_CLOSED) &&
		    nblock < ARRAY_SIZE(blocking)) {
			blocking[nblock++] = pol;
			erroring_forbid = 1;
		}
	}
	for (i = 0; i < res->nforbids && nblock < ARRAY_SIZE(blocking); i++)
		blocking[nblock++] = &sn->ps.v[res->forbids[i]];
	out->policies = json_array();
	if (nblock) {
		for (i = 0; i < nblock; i++) {
			const struct cedar_str *q = cedar_policy_annotation(blocking[i], "escalate");
			const struct cedar_str *d = cedar_policy_annotation(blocking[i], "sla");
			json_array_append_new(out->policies, json_string(blocking[i]->id));
			if (!q || !q->n) {
				all_escalate = 0;
				continue;
			}
			if (!p->queue[0])
				str_of(q, p->queue, sizeof(p->queue));
			if (d) {
				char buf[64];
				int64_t us;
				str_of(d, buf, sizeof(buf));
				if (!control_parse_duration(buf, &us) && (sla < 0 || us < sla))
					sla = us;
			}
		}
		if (all_escalate && res->npermits > 0) {
			out->outcome = CONTROL_ESCALATE;
			snprintf(out->reason, sizeof(out->reason), "%s %s requires human review in "
				 "queue '%s'%s", nblock > 1 ? "policies" : "policy", blocking[0]->id,
				 p->queue, erroring_forbid ? " (a forbid failed to evaluate: fail closed)" : "");
		} else {
			out->outcome = CONTROL_DENY;
			if (erroring_forbid && res->nforbids == 0)
				snprintf(out->reason, sizeof(out->reason), "forbid policy %s failed to "
					 "evaluate (%s): denied, fail closed", blocking[0]->id,
					 res->errors[0].msg);
			else if (all_escalate)
				snprintf(out->reason, sizeof(out->reason), "forbidden by %s and no policy "
					 "permits the request", blocking[0]->id);
			else
				snprintf(out->reason, sizeof(out->reason), "forbidden by policy %s",
					 blocking[0]->id);
		}
	} else if (res->npermits) {
		out->outcome = CONTROL_ALLOW;
		json_decref(out->policies);
		out->policies = ids_json(&sn->ps, res->permits, res->npermits);
		snprintf(out->reason, sizeof(out->reason), "permitted by policy %s",
			 sn->ps.v[res->permits[0]].id);
	} else {
		out->outcome = CONTROL_DENY;
		snprintf(out->reason, sizeof(out->reason), "no policy permits this request "
			 "(deny by default)%s", res->nerrors ? "; some policies failed to evaluate" : "");
	}
	if (sn->unbound[0]) {
		/* the tables were changed behind the ledger: nothing is permitted */
		out->outcome = CONTROL_DENY;
		json_decref(out->policies);
		out->policies = json_array();
		snprintf(out->reason, sizeof(out->reason), "denied, fail closed: %s", sn->unbound);
	} else if (out->outcome == CONTROL_ALLOW && !strcmp(ai->autonomy, "supervised")) {
		out->outcome = CONTROL_ESCALATE;
		snprintf(p->queue, sizeof(p->queue), "%s-supervision", ai->workflow);
		snprintf(out->reason, sizeof(out->reason), "permitted by policy %s, but workflow "
			 "'%s' is supervised (phase gate): a human must approve",
			 sn->ps.v[res->permits[0]].id, ai->workflow);
	} else if (out->outcome == CONTROL_ALLOW && ai->gate_earned > 0 && ai->gate_earned < 3) {
		/* an autonomous workflow while Phase 3 is not earned: enforced, not advised */
		out->outcome = CONTROL_ESCALATE;
		snprintf(p->queue, sizeof(p->queue), "%s-supervision", ai->workflow);
		snprintf(out->reason, sizeof(out->reason), "permitted by policy %s, but workflow "
			 "'%s' runs ahead of its gate: the organisation has earned phase %d of 3 "
			 "(as last recorded by aivalue phase --record) and agent workflows scale only in "
			 "phase 3; a human must approve", sn->ps.v[res->permits[0]].id, ai->workflow, ai->gate_earned);
	}

	/* what recording needs: ids, times, the record itself */
	control_new_id(out->decision_id, sizeof(out->decision_id), "dec");
	p->t = time_now_us();
	time_format_us(p->t, p->now);
	if (out->outcome == CONTROL_ESCALATE && !req->approved) {
		control_new_id(out->exception_id, sizeof(out->exception_id), "exc");
		p->due_us = p->t + (sla > 0 ? sla : DEFAULT_SLA_US);
		time_format_us(p->due_us, out->due);
	}
	/* a retry naming an approval is decided against the store: recorded later */
	if (!req->approved)
		control_build_record(p);
cleanup:
	if (ret)
		control_decision_release(out);
	cedar_entities_release(&extra);
	json_decref(ctx);
	free(argtext);
	return ret;
}

int control_evaluate(struct control_engine *eng, const struct control_request *req,
		     struct control_pending **out, struct aiv_err *err)
{
	struct control_pending *p = xcalloc(1, sizeof(*p));
	const char *src[5] = { req->agent, req->action, req->resource, req->on_behalf_of,
			       req->approved };
	size_t i;
	int ret;

	*out = NULL;
	p->snap = control_snapshot_ref(eng->snap);
	for (i = 0; i < ARRAY_SIZE(src); i++)
		p->strs[i] = src[i] ? xstrdup(src[i]) : NULL;
	p->req.agent = p->strs[0];
	p->req.action = p->strs[1];
	p->req.resource = p->strs[2];
	p->req.on_behalf_of = p->strs[3];
	p->req.approved = p->strs[4];
	p->req.context = req->context ? json_incref((json_t *)req->context) : NULL;
	p->req.entities = req->entities ? json_incref((json_t *)req->entities) : NULL;
	if ((ret = control_evaluate_pending(eng, p, err))) {
		control_pending_free(p);
		return ret;
	}
	*out = p;
	return 0;
}
