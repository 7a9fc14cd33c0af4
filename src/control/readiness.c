/*
 * readiness.c - the six measured readiness figures of a workflow (the
 * tool calls they count are imported by spans.c).
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
#include "control_int.h"
#include "control/cedar.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ingest/otlp.h"
#include "ingest/usage.h"
#include "ledger/ledger.h"
#include "org/people.h"
#include "org/tokens.h"

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

/*
 * Agents of workflow wf with a live token of their own.  The tokens table
 * is org/'s (org/tokens.h says why), so it is asked per agent.
 */
static int agents_with_token(struct store *s, const char *wf, int64_t *out,
			     struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT name FROM agents WHERE workflow = ?"
					      " ORDER BY name", err);
	char **names = NULL;
	size_t n = 0, i;
	int ret, live;

	*out = 0;
	if (!st)
		return err->code;
	store_bind_text(st, 1, wf);
	ret = control_step_texts(st, &names, &n, err);
	for (i = 0; i < n && !ret; i++)
		if (!(ret = token_agent_has_token(s, names[i], &live, err)))
			*out += live;
	control_texts_free(names, n);
	return ret;
}

/* The figures' names and rules, in the order of enum control_figure_id. */
static const char *const figure_names[CONTROL_NFIGURES] = {
	"identity", "entitlements", "integration", "logging", "exception_handling", "ownership",
};
static const char *const figure_rules[CONTROL_NFIGURES] = {
	"agents with an active token of their own (role agent) / agents of the workflow",
	"permit policies about this workflow (any principal, or naming it, its steps or agents) "
	"that are neither wide open (any principal, action, resource, no condition) nor unused "
	"by its decisions / those permit policies",
	"steps with an agent that has at least one decision / steps",
	"observed tool calls (imported spans) that were decided / observed tool calls",
	"items resolved (approved or rejected) by their due time / items closed (resolved or "
	"expired)",
	"steps whose owner exists + queues whose items all have an owner / steps + queues",
};

static void set_figure(struct control_readiness *r, int id, int64_t num, int64_t den)
{
	r->fig[id].name = figure_names[id];
	r->fig[id].rule = figure_rules[id];
	r->fig[id].numerator = num;
	r->fig[id].denominator = den;
}

int control_figure_share(const struct control_figure *f, double *share)
{
	if (!f->denominator)
		return 0;
	*share = (double)f->numerator / (double)f->denominator;
	return 1;
}

const struct control_figure *control_readiness_figure(const struct control_readiness *r,
						      const char *name)
{
	size_t i;

	for (i = 0; i < CONTROL_NFIGURES; i++)
		if (r->fig[i].name && !strcmp(r->fig[i].name, name))
			return &r->fig[i];
	return NULL;
}

void control_readiness_release(struct control_readiness *r)
{
	size_t i;

	free(r->workflow);
	for (i = 0; i < r->nwide_open; i++)
		free(r->wide_open[i]);
	for (i = 0; i < r->nunused; i++)
		free(r->unused[i]);
	free(r->wide_open);
	free(r->unused);
	memset(r, 0, sizeof(*r));
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *control_readiness_json(const struct control_readiness *r)
{
	json_t *figs = json_object();
	size_t i;

	for (i = 0; i < CONTROL_NFIGURES; i++) {
		const struct control_figure *f = &r->fig[i];
		double share;
		json_t *o = json_pack("{s:I, s:I, s:o, s:s}", "numerator", (json_int_t)f->numerator,
				      "denominator", (json_int_t)f->denominator, "share",
				      control_figure_share(f, &share) ? json_real(share) : json_null(),
				      "rule", f->rule);
		if (i == CONTROL_FIG_ENTITLEMENTS) {
			json_object_set_new(o, "wide_open", strings_json(r->wide_open, r->nwide_open));
			json_object_set_new(o, "unused", strings_json(r->unused, r->nunused));
		} else if (i == CONTROL_FIG_EXCEPTION_HANDLING) {
			json_object_set_new(o, "expired", json_integer(r->expired));
			json_object_set_new(o, "median_resolution_seconds", r->has_median
					    ? json_real(r->median_resolution_seconds) : json_null());
		}
		json_object_set_new(figs, f->name, o);
	}
	return json_pack("{s:s, s:o}", "workflow", r->workflow, "figures", figs);
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
static void list_add(char ***v, size_t *n, const char *str)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(str);
}

static int entitlements(struct store *s, const char *wf, int64_t *permits, int64_t *wide,
			int64_t *unused, struct control_readiness *out, struct aiv_err *err)
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
			list_add(&out->wide_open, &out->nwide_open, p->id);
		} else if (!json_object_get(used, p->id)) {
			(*unused)++;
			list_add(&out->unused, &out->nunused, p->id);
		}
	}
out:
	json_decref(used);
	cedar_policyset_release(&ps);
	return ret;
}

/* Steps of wf whose owner is a person or team that exists (org/ answers). */
static int count_steps_owned(struct store *s, const char *wf, int64_t *out,
			     struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT owner_kind, owner FROM workflow_steps"
					      " WHERE workflow = ?", err);
	int rc, yes = 0;

	*out = 0;
	if (!st)
		return err->code;
	store_bind_text(st, 1, wf);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *kind = store_col_text(st, 0), *owner = store_col_text(st, 1);

		if (!strcmp(kind, "person"))
			yes = org_is_person(s, owner, err);
		else if (!strcmp(kind, "team"))
			yes = org_is_team(s, owner, err);
		else
			yes = 0;
		if (yes < 0)
			break;
		*out += yes;
	}
	store_reset(st);
	return yes < 0 ? yes : rc < 0 ? rc : 0;
}

int control_readiness(struct store *s, const char *wf, struct control_readiness *out,
		      struct aiv_err *err)
{
	int64_t agents, own, steps, integrated, calls, decided, closed, in_sla, expired;
	int64_t permits, wide, unused, steps_owned, queues, queues_owned, found, next_due;
	int64_t *res_times = NULL;
	size_t nres = 0, ares = 0;
	struct control_readiness r;
	struct store_stmt *st;
	int rc, ret;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));

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
	    (ret = q_int_now(s, "SELECT coalesce(min(due_us), -1) FROM exceptions WHERE"
			     " workflow = ? AND state = 'pending' AND due_us >= ?", wf, &next_due,
			     err)) ||
	    (ret = count_steps_owned(s, wf, &steps_owned, err)) ||
	    (ret = q_int(s, "SELECT count(DISTINCT queue) FROM exceptions WHERE workflow = ?", wf,
			 &queues, err)) ||
	    (ret = q_int(s, "SELECT count(DISTINCT queue) FROM exceptions e WHERE workflow = ?"
			 " AND NOT EXISTS (SELECT 1 FROM exceptions x WHERE x.workflow = e.workflow"
			 " AND x.queue = e.queue AND (x.owner IS NULL OR x.owner = ''))", wf,
			 &queues_owned, err)))
		return ret;
	if ((ret = entitlements(s, wf, &permits, &wide, &unused, &r, err))) {
		control_readiness_release(&r);
		return ret;
	}
	/* resolution times of resolved items, for the median */
	if (!(st = store_prepare(s, "SELECT created_at, resolved_at FROM exceptions WHERE"
				 " workflow = ? AND state IN ('approved', 'rejected')", err))) {
		control_readiness_release(&r);
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
		control_readiness_release(&r);
		free(res_times);
		return rc;
	}
	if (nres)
		qsort(res_times, nres, sizeof(*res_times), cmp_i64);
	r.workflow = xstrdup(wf);
	r.next_due_us = next_due;
	set_figure(&r, CONTROL_FIG_IDENTITY, own, agents);
	set_figure(&r, CONTROL_FIG_ENTITLEMENTS, permits - wide - unused, permits);
	set_figure(&r, CONTROL_FIG_INTEGRATION, integrated, steps);
	set_figure(&r, CONTROL_FIG_LOGGING, decided, calls);
	set_figure(&r, CONTROL_FIG_EXCEPTION_HANDLING, in_sla, closed);
	set_figure(&r, CONTROL_FIG_OWNERSHIP, steps_owned + queues_owned, steps + queues);
	r.expired = expired;
	if (nres) {
		r.has_median = 1;
		r.median_resolution_seconds = (double)res_times[nres / 2] / 1e6;
	}
	free(res_times);
	*out = r;
	return 0;
}
