/*
 * readiness.c - observed tool calls (OTel GenAI span import), shadow
 * actions, and the six measured readiness figures of a workflow.
 *
 * Readiness is measured, not declared: each figure is a count over what
 * the store holds (agents, tokens, policies, decisions, exception items,
 * imported tool-call spans) with the rule written next to it, so a user
 * can reproduce it by hand:
 *
 *   identity        agents of the workflow with an active token of their
 *                   own (role agent, bound to the agent) / agents
 *   entitlements    permit policies that are neither wide open (any
 *                   principal, action and resource, no condition) nor
 *                   unused by this workflow's decisions / permit policies
 *   integration     steps with an agent that has at least one decision
 *                   / steps
 *   logging         observed tool calls of the workflow's agents that
 *                   were decided / observed tool calls (null: none seen)
 *   exceptions      items resolved (approved or rejected) by their due
 *                   time / items closed (resolved or expired); plus the
 *                   median resolution time and the number of expiries
 *   ownership       steps whose owner exists + queues whose items all
 *                   have an owner / steps + queues
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "control/cedar.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ingest/otlp.h"
#include "ingest/usage.h"
#include "ledger/ledger.h"
#include "org/tokens.h"

#define MATCH_WINDOW_US (10LL * 60 * 1000000)

/* A decision id for agent/tool at time t, or "" (explicit id first). */
static int match_decision(struct store *s, const char *explicit_id, const char *agent,
			  const char *tool, int64_t t, char *out, size_t n, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	out[0] = '\0';
	if (explicit_id) {
		if (!(st = store_prepare(s, "SELECT id FROM decision_log WHERE id = ? AND"
					 " kind = 'decision'", err)))
			return err->code;
		store_bind_text(st, 1, explicit_id);
	} else {
		if (!(st = store_prepare(s, "SELECT id FROM decision_log WHERE agent = ? AND"
					 " action = ? AND time_us BETWEEN ? AND ? ORDER BY time_us DESC"
					 " LIMIT 1", err)))
			return err->code;
		store_bind_text(st, 1, agent);
		store_bind_text(st, 2, tool);
		store_bind_int(st, 3, t - MATCH_WINDOW_US);
		store_bind_int(st, 4, t + 1000000);
	}
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		snprintf(out, n, "%s", store_col_text(st, 0));
	store_reset(st);
	return rc < 0 ? rc : 0;
}

struct spans_ctx {
	struct store *s;
	const char *source;
	struct tally *t;
	struct sha256_ctx hc;
	int64_t imported;
};

/* 1 when an agent of this name is declared (agents table). */
static int agent_known(struct store *s, const char *name, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	if (!name || !(st = store_prepare(s, "SELECT 1 FROM agents WHERE name = ?", err)))
		return 0;
	store_bind_text(st, 1, name);
	rc = store_step(st, err);
	store_reset(st);
	return rc == STORE_ROW;
}

/*
 * One span of the file (ingest/otlp.c has resolved what it inherits):
 * an execute_tool span becomes a tool call; a span that gave its agent
 * or user to a tool call below it is used as context; any other span is
 * skipped with its reason.
 */
static int span_tool_call(void *data, const struct otlp_span *sp, struct aiv_err *err)
{
	struct spans_ctx *c = data;
	const char *agent;
	char did[64], when[TIME_ISO_LEN], line[1024], where[512];
	struct store_stmt *st;
	int64_t t = 0;
	int rc;

	snprintf(where, sizeof(where), "%s:%ld", c->source, sp->line);
	if (!sp->is_tool_call) {
		if (sp->lends) {
			c->t->used++;
			return 0;
		}
		return tally_skip(c->t, "not a tool call (gen_ai.operation.name is not "
				  "execute_tool)", where, err);
	}
	/* the aivalue agent may be named by either attribute: a declared one wins */
	agent = agent_known(c->s, sp->agent_id, err) ? sp->agent_id :
		agent_known(c->s, sp->agent_name, err) ? sp->agent_name :
		sp->agent_id ? sp->agent_id : sp->agent_name;
	if (!agent)
		return tally_skip(c->t, "tool call names no agent (gen_ai.agent.name or "
				  "gen_ai.agent.id, on it or an ancestor)", where, err);
	if (!sp->tool)
		return tally_skip(c->t, "tool call names no tool (gen_ai.tool.name)", where, err);
	if (!*sp->trace_id || !*sp->span_id)
		return tally_skip(c->t, "span has no traceId or spanId", where, err);
	if (!sp->start || usage_parse_time(sp->start, &t) || t <= 0)
		return tally_skip(c->t, "span has no valid startTimeUnixNano", where, err);
	if ((rc = match_decision(c->s, sp->decision_id, agent, sp->tool, t, did, sizeof(did),
				 err)))
		return rc;
	time_format_us(t, when);
	if (!(st = store_prepare(c->s, "INSERT INTO tool_calls(trace_id, span_id,"
				 " time_us, time, agent, tool, decision_id) VALUES (?,?,?,?,?,?,?)"
				 " ON CONFLICT(trace_id, span_id) DO NOTHING", err)))
		return err->code;
	store_bind_text(st, 1, sp->trace_id);
	store_bind_text(st, 2, sp->span_id);
	store_bind_int(st, 3, t);
	store_bind_text(st, 4, when);
	store_bind_text(st, 5, agent);
	store_bind_text(st, 6, sp->tool);
	store_bind_text(st, 7, did[0] ? did : NULL);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (!store_changes(c->s))
		return tally_skip(c->t, "already imported (same traceId and spanId)", where, err);
	snprintf(line, sizeof(line), "%s\t%s\t%lld\t%s\t%s\t%s\n", sp->trace_id, sp->span_id,
		 (long long)t, agent, sp->tool, did);
	sha256_update(&c->hc, line, strlen(line));
	c->imported++;
	c->t->used++;
	return 0;
}

int control_import_spans(struct store *s, const char *actor, FILE *f, const char *source,
			 struct tally *t, int64_t *imported, struct aiv_err *err)
{
	struct spans_ctx c;
	uint8_t h[SHA256_LEN];
	char hex[SHA256_HEX];
	int ret;

	*imported = 0;
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.source = source;
	c.t = t;
	if ((ret = store_begin(s, err)))
		return ret;
	sha256_init(&c.hc);
	ret = otlp_read(f, source, t, span_tool_call, &c, err);
	sha256_final(&c.hc, h);
	if (ret)
		goto fail;
	hex_encode(h, SHA256_LEN, hex);
	if (c.imported) {
		const char *base = strrchr(source, '/');
		json_t *p = json_pack("{s:s, s:I, s:I, s:s, s:o}", "source", base ? base + 1 : source,
				      "rows", (json_int_t)c.imported,
				      "skipped", (json_int_t)tally_skipped(t), "rows_hash", hex,
				      "tally", tally_json(t));
		if (!p) {
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file name is not "
				       "valid UTF-8", source);
			goto fail;
		}
		ret = ledger_append(s, actor, "spans.import", "tool_calls", p, NULL, err);
		json_decref(p);
		if (ret)
			goto fail;
	}
	*imported = c.imported;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

int control_shadow_actions(struct store *s, const char *workflow, json_t **out,
			   struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"SELECT t.time, t.agent, t.tool, t.trace_id, t.span_id, a.workflow FROM tool_calls t"
		" LEFT JOIN agents a ON a.name = t.agent WHERE t.decision_id IS NULL"
		" AND (? IS NULL OR a.workflow = ?) ORDER BY t.time_us", err);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	store_bind_text(st, 1, workflow);
	store_bind_text(st, 2, workflow);
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}",
			"time", store_col_text(st, 0), "agent", store_col_text(st, 1),
			"tool", store_col_text(st, 2), "trace_id", store_col_text(st, 3),
			"span_id", store_col_text(st, 4),
			"workflow", store_col_is_null(st, 5) ? NULL : store_col_text(st, 5)));
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

static int q_int(struct store *s, const char *sql, const char *a, int64_t *out,
		 struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	if (a)
		store_bind_text(st, 1, a);
	rc = store_step(st, err);
	*out = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/* How many of workflow `wf`'s agents hold an active agent token (org/ owns tokens). */
static int agents_with_token(struct store *s, const char *wf, int64_t *out,
			     struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT name FROM agents WHERE workflow = ?"
					      " ORDER BY name", err);
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, has = 0;

	*out = 0;
	if (!st)
		return err->code;
	store_bind_text(st, 1, wf);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(store_col_text(st, 0));
	}
	store_reset(st);
	for (i = 0; rc >= 0 && i < n; i++)
		if ((rc = token_agent_has_token(s, names[i], &has, err)) >= 0 && has)
			(*out)++;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc < 0 ? rc : 0;
}

/* q_int with the time now (UTC microseconds) bound as parameter 2. */
static int q_int_now(struct store *s, const char *sql, const char *a, int64_t *out,
		     struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	store_bind_text(st, 1, a);
	store_bind_int(st, 2, time_now_us());
	rc = store_step(st, err);
	*out = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static json_t *figure(int64_t num, int64_t den, const char *rule)
{
	return json_pack("{s:I, s:I, s:o, s:s}", "numerator", (json_int_t)num, "denominator",
			 (json_int_t)den, "share", den ? json_real((double)num / (double)den)
							: json_null(), "rule", rule);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Does a permit's principal scope concern workflow wf?  Any principal,
 * `principal is T`, or a scope naming the workflow, one of its steps
 * (Step::"wf/...") or one of its agents.
 */
static int about_workflow(struct store *s, const struct cedar_scope *sc, const char *wf)
{
	const struct cedar_uid *u = &sc->uid;
	size_t n = strlen(wf);
	char id[256];
	struct aiv_err err = AIV_ERR_INIT;

	if (sc->op == CS_ANY || sc->op == CS_IS)
		return 1;
	if (u->type.n == 8 && !memcmp(u->type.p, "Workflow", 8))
		return u->id.n == n && !memcmp(u->id.p, wf, n);
	if (u->type.n == 4 && !memcmp(u->type.p, "Step", 4))
		return u->id.n > n && !memcmp(u->id.p, wf, n) && u->id.p[n] == '/';
	if (u->type.n == 5 && !memcmp(u->type.p, "Agent", 5)) {
		snprintf(id, sizeof(id), "%.*s", (int)u->id.n, u->id.p);
		{
			struct store_stmt *st = store_prepare(s, "SELECT 1 FROM agents WHERE name = ?"
							      " AND workflow = ?", &err);
			int rc;
			if (!st)
				return 0;
			store_bind_text(st, 1, id);
			store_bind_text(st, 2, wf);
			rc = store_step(st, &err);
			store_reset(st);
			return rc == STORE_ROW;
		}
	}
	return 0;
}

/* Permit policies about this workflow: total, wide open, unused by its decisions. */
static int entitlements(struct store *s, const char *wf, int64_t *permits, int64_t *wide,
			int64_t *unused, json_t *detail, struct aiv_err *err)
{
	struct cedar_policyset ps;
	struct store_stmt *st;
	json_t *used = json_object();
	size_t i;
	int rc, ret = 0;

	*permits = *wide = *unused = 0;
	cedar_policyset_init(&ps);
	if (!(st = store_prepare(s, "SELECT name, cedar FROM policies ORDER BY name", err))) {
		json_decref(used);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		char prefix[200];
		struct aiv_err perr = AIV_ERR_INIT;
		snprintf(prefix, sizeof(prefix), "%s#", store_col_text(st, 0));
		cedar_parse(&ps, store_col_text(st, 1), store_col_bytes(st, 1), prefix, "policy", 1,
			    1, &perr);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	/* policy ids that decided an allow or escalate for this workflow's agents */
	if (!(st = store_prepare(s, "SELECT d.record, d.seq, d.id FROM decision_log d JOIN"
				 " agents a ON a.name = d.agent WHERE a.workflow = ? AND"
				 " d.kind = 'decision'", err))) {
		ret = err->code;
		goto out;
	}
	store_bind_text(st, 1, wf);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_error_t je;
		json_t *r = json_loads(store_col_text(st, 0), 0, &je), *p;
		size_t k;
		if (!r) { /* an unread decision would count its policy as unused */
			rc = aiv_fail(err, AIV_EINTERNAL, "decision-log row %lld ('%s') cannot "
				      "be read: %s", (long long)store_col_int(st, 1),
				      store_col_text(st, 2), je.text);
			break;
		}
		json_array_foreach(json_object_get(json_object_get(r, "result"), "policies"), k, p)
			json_object_set_new(used, json_string_value(p), json_true());
		json_decref(r);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	for (i = 0; i < ps.n; i++) {
		const struct cedar_policy *p = &ps.v[i];
		if (p->effect != CEDAR_PERMIT || !about_workflow(s, &p->principal, wf))
			continue;
		(*permits)++;
		if (p->principal.op == CS_ANY && p->action.op == CS_ANY &&
		    p->resource.op == CS_ANY && p->nconds == 0) {
			(*wide)++;
			json_array_append_new(json_object_get(detail, "wide_open"), json_string(p->id));
		} else if (!json_object_get(used, p->id)) {
			(*unused)++;
			json_array_append_new(json_object_get(detail, "unused"), json_string(p->id));
		}
	}
out:
	json_decref(used);
	cedar_policyset_release(&ps);
	return ret;
}

int control_readiness(struct store *s, const char *wf, json_t **out, struct aiv_err *err)
{
	int64_t agents, own, steps, integrated, calls, decided, closed, in_sla, expired;
	int64_t permits, wide, unused, steps_owned, queues, queues_owned, found;
	int64_t *res_times = NULL;
	size_t nres = 0, ares = 0;
	struct store_stmt *st;
	json_t *o = NULL, *ent_detail, *exc;
	int rc, ret;

	/*
	 * A read: an overdue pending item counts as expired here without being
	 * written (the next write path records it, as system:expiry).
	 */
	if ((ret = q_int(s, "SELECT count(*) FROM workflows WHERE name = ?", wf, &found, err)))
		return ret;
	if (!found)
		return aiv_fail(err, AIV_ENOTFOUND, "no workflow '%s'", wf);
	if ((ret = q_int(s, "SELECT count(*) FROM agents WHERE workflow = ?", wf, &agents, err)) ||
	    (ret = agents_with_token(s, wf, &own, err)) ||
	    (ret = q_int(s, "SELECT count(*) FROM workflow_steps WHERE workflow = ?", wf, &steps,
			 err)) ||
	    (ret = q_int(s, "SELECT count(*) FROM workflow_steps ws WHERE ws.workflow = ? AND"
			 " EXISTS (SELECT 1 FROM step_agents sa JOIN decision_log d ON d.agent ="
			 " sa.agent AND d.kind = 'decision' WHERE sa.workflow = ws.workflow AND"
			 " sa.step = ws.name)", wf, &integrated, err)) ||
	    (ret = q_int(s, "SELECT count(*) FROM tool_calls t JOIN agents a ON a.name = t.agent"
			 " WHERE a.workflow = ?", wf, &calls, err)) ||
	    (ret = q_int(s, "SELECT count(*) FROM tool_calls t JOIN agents a ON a.name = t.agent"
			 " WHERE a.workflow = ? AND t.decision_id IS NOT NULL", wf, &decided, err)) ||
	    (ret = q_int_now(s, "SELECT count(*) FROM exceptions WHERE workflow = ? AND (state IN"
			     " ('approved', 'rejected', 'expired') OR (state = 'pending' AND"
			     " due_us < ?))", wf, &closed, err)) ||
	    (ret = q_int(s, "SELECT count(*) FROM exceptions WHERE workflow = ? AND state IN"
			 " ('approved', 'rejected') AND resolved_at <= due_at", wf, &in_sla, err)) ||
	    (ret = q_int_now(s, "SELECT count(*) FROM exceptions WHERE workflow = ? AND (state ="
			     " 'expired' OR (state = 'pending' AND due_us < ?))", wf, &expired,
			     err)) ||
	    (ret = q_int(s, "SELECT count(*) FROM workflow_steps ws WHERE ws.workflow = ? AND"
			 " ((ws.owner_kind = 'person' AND EXISTS (SELECT 1 FROM people p WHERE"
			 " p.name = ws.owner)) OR (ws.owner_kind = 'team' AND EXISTS (SELECT 1"
			 " FROM teams t WHERE t.name = ws.owner)))", wf, &steps_owned, err)) ||
	    (ret = q_int(s, "SELECT count(DISTINCT queue) FROM exceptions WHERE workflow = ?", wf,
			 &queues, err)) ||
	    (ret = q_int(s, "SELECT count(DISTINCT queue) FROM exceptions e WHERE workflow = ?"
			 " AND NOT EXISTS (SELECT 1 FROM exceptions x WHERE x.workflow = e.workflow"
			 " AND x.queue = e.queue AND (x.owner IS NULL OR x.owner = ''))", wf,
			 &queues_owned, err)))
		return ret;
	ent_detail = json_pack("{s:[], s:[]}", "wide_open", "unused");
	if ((ret = entitlements(s, wf, &permits, &wide, &unused, ent_detail, err))) {
		json_decref(ent_detail);
		return ret;
	}
	/* resolution times of resolved items, for the median */
	if (!(st = store_prepare(s, "SELECT created_at, resolved_at FROM exceptions WHERE"
				 " workflow = ? AND state IN ('approved', 'rejected')", err))) {
		json_decref(ent_detail);
		return err->code;
	}
	store_bind_text(st, 1, wf);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		int64_t a, b;
		if (!time_parse_iso(store_col_text(st, 0), &a) &&
		    !time_parse_iso(store_col_text(st, 1), &b)) {
			ALLOC_GROW(res_times, nres + 1, ares);
			res_times[nres++] = b - a;
		}
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(ent_detail);
		free(res_times);
		return rc;
	}
	if (nres)
		qsort(res_times, nres, sizeof(*res_times), cmp_i64);
	exc = figure(in_sla, closed, "items resolved (approved or rejected) by their due time "
		     "/ items closed (resolved or expired)");
	json_object_set_new(exc, "expired", json_integer(expired));
	json_object_set_new(exc, "median_resolution_seconds",
			    nres ? json_real((double)res_times[nres / 2] / 1e6) : json_null());
	free(res_times);
	{
		json_t *ent = figure(permits - wide - unused, permits,
				     "permit policies about this workflow (any principal, or naming "
				     "it, its steps or agents) that are neither wide open (any "
				     "principal, action, resource, no condition) nor unused by its "
				     "decisions / those permit policies");
		json_object_update(ent, ent_detail);
		json_decref(ent_detail);
		o = json_pack("{s:s, s:{s:o, s:o, s:o, s:o, s:o, s:o}}", "workflow", wf, "figures",
			"identity", figure(own, agents, "agents with an active token of their own "
					   "(role agent) / agents of the workflow"),
			"entitlements", ent,
			"integration", figure(integrated, steps, "steps with an agent that has at "
					      "least one decision / steps"),
			"logging", figure(decided, calls, "observed tool calls (imported spans) that "
					  "were decided / observed tool calls"),
			"exception_handling", exc,
			"ownership", figure(steps_owned + queues_owned, steps + queues,
					    "steps whose owner exists + queues whose items all have "
					    "an owner / steps + queues"));
	}
	*out = o;
	return 0;
}
