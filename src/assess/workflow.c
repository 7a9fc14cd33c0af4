/*
 * workflow.c - one workflow's readiness for agents on the catalog's six
 * foundations (identity, entitlements, integration, logging, exception
 * handling, ownership).
 *
 * Evidence, strongest first: the figure agent control measures for this
 * very workflow (evidence_workflow(): agents with their own identity,
 * scoped permits, integrated steps, decided tool calls, exceptions within
 * SLA, owned steps and queues), held against the foundation's bar in
 * data/readiness.yaml; then an organisation-wide figure of the
 * foundation's catalog metric; otherwise the organisation's answers to
 * the questions mapped to the foundation, the lowest of them held against
 * target_level.  The answers are always shown beside a measurement, and
 * a measurement that contradicts them says so.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "playbook.h"

void workflow_verdict_release(struct workflow_verdict *v)
{
	json_decref(v->initiative);
	free(v->r);
	memset(v, 0, sizeof(*v));
}

/* Does a measured value meet the foundation's bar? */
static int meets(const struct rq_foundation *fd, double v)
{
	return fd->down ? v <= fd->bar + 1e-9 : v >= fd->bar - 1e-9;
}

static void judge(const struct evidence_env *env, const struct questionnaire *q,
		  const struct ra_set *set, const struct rq_foundation *fd,
		  const struct evidence_value *wfev, struct wf_result *r,
		  struct aiv_err *err, int *ret)
{
	struct strbuf sb = STRBUF_INIT;
	struct evidence_value ev;
	size_t i;

	r->level = -1;
	r->basis = "none";
	r->scope = NULL;
	r->measured = NAN;
	/* the organisation's answers to the foundation's questions */
	for (i = 0; i < fd->questions.n; i++) {
		const struct ra_answer *a = set ? ra_set_find(set, fd->questions.v[i]) : NULL;
		if (!a || a->choice <= 0)
			continue;
		strbuf_addf(&sb, "%s%s level %d (%s)", sb.len ? ", " : "", a->question, a->level,
			    provenance_names[a->provenance]);
		if (r->level < 0 || a->level < r->level)
			r->level = a->level;
	}
	/* measured for this workflow, else measured organisation-wide */
	memset(&ev, 0, sizeof(ev));
	if (fd->has_bar && wfev && wfev->state == EV_MEASURED) {
		ev = *wfev;
		r->scope = "workflow";
	} else if (fd->metric) {
		if ((*ret = evidence_get(env, fd->metric, &ev, err)))
			goto out;
		if (ev.state == EV_MEASURED)
			r->scope = "organisation";
	}
	if (r->scope) {
		int ok = meets(fd, ev.value);
		size_t l;
		r->status = ok ? "ready" : "not ready";
		r->basis = "measured";
		r->measured = ev.value;
		r->bar = fd->bar;
		r->down = fd->down;
		l = (size_t)snprintf(r->detail, sizeof(r->detail), "measured %s %.4g, needs %s %g (%s)",
				     !strcmp(r->scope, "workflow") ? "for this workflow:" :
				     "organisation-wide:", ev.value, fd->down ? "<=" : ">=", fd->bar,
				     ev.source);
		if (l < sizeof(r->detail) && r->level >= 0) {
			int claims = r->level >= q->scoring.target_level;
			snprintf(r->detail + l, sizeof(r->detail) - l, "; answers: lowest level %d%s",
				 r->level, claims && !ok ? ", which the measurement contradicts" :
				 !claims && ok ? ", below what is measured" : "");
		}
		goto out;
	}
	if (r->level < 0) {
		r->status = "lacks evidence";
		snprintf(r->detail, sizeof(r->detail), "none of its questions is answered (%s); %s%s",
			 fd->questions.n ? fd->questions.v[0] : "-",
			 wfev ? wfev->source : fd->metric ? "lacks evidence: " : "not measured",
			 wfev ? "" : fd->metric ? evidence_supplier(fd->metric) : "");
	} else {
		r->basis = "answers";
		r->status = r->level >= q->scoring.target_level ? "ready" : "not ready";
		snprintf(r->detail, sizeof(r->detail),
			 "organisation-wide answers: %s; lowest %d, needs %d; not measured for this "
			 "workflow: %s", sb.buf, r->level, q->scoring.target_level,
			 wfev && wfev->source[0] ? wfev->source : fd->metric ?
			 evidence_supplier(fd->metric) : "no measurement");
	}
out:
	strbuf_release(&sb);
}

int workflow_assess(const struct evidence_env *env, const struct questionnaire *q,
		    const struct ra_set *set, const struct phase_verdict *pv,
		    const char *name, struct workflow_verdict *out, struct aiv_err *err)
{
	const struct catalog *cat = env->cat;
	struct evidence_value *wfev;
	json_t *inis = NULL, *ini;
	size_t i;
	int ret = 0, lacks = 0, notready = 0, found = 0;

	memset(out, 0, sizeof(*out));
	if ((ret = assess_initiatives(env->store, &inis, err)))
		return ret;
	json_array_foreach(inis, i, ini)
		if (!strcmp(json_str(ini, "name"), name))
			out->initiative = json_incref(ini);
	json_decref(inis);
	wfev = xcalloc(cat->nfoundations + 1, sizeof(*wfev));
	if ((ret = evidence_workflow(env, name, wfev, &found, err))) {
		free(wfev);
		json_decref(out->initiative);
		out->initiative = NULL;
		return ret;
	}
	out->measured = found;
	if (!out->initiative && !found) {
		free(wfev);
		return aiv_fail(err, AIV_ENOTFOUND, "no initiative or agent workflow named '%s'",
				name);
	}
	if (!out->initiative)
		out->initiative = json_pack("{s:s}", "name", name);
	out->n = cat->nfoundations;
	out->r = xcalloc(out->n + 1, sizeof(*out->r));
	for (i = 0; i < out->n; i++) {
		struct wf_result *r = &out->r[i];
		r->foundation = &cat->foundations[i];
		judge(env, q, set, &q->fd[i], found ? &wfev[i] : NULL, r, err, &ret);
		if (ret) {
			free(wfev);
			workflow_verdict_release(out);
			return ret;
		}
		if (!strcmp(r->foundation->id, "ownership") && json_str(out->initiative, "owner")) {
			size_t nt = json_array_size(json_object_get(out->initiative, "teams"));
			size_t l = strlen(r->detail);
			snprintf(r->detail + l, sizeof(r->detail) - l, "; owner %s, %zu owning team%s",
				 json_str(out->initiative, "owner"), nt, nt == 1 ? "" : "s");
			if (nt == 0)
				r->status = "not ready";
		}
		if (!strcmp(r->status, "not ready"))
			notready++;
		else if (!strcmp(r->status, "lacks evidence"))
			lacks++;
	}
	free(wfev);
	out->overall = notready ? "not ready" : lacks ? "lacks evidence" : "ready";
	out->earned = pv->earned;
	{
		const char *st = json_str(out->initiative, "status");
		int ph = (int)json_integer_value(json_object_get(out->initiative, "phase"));
		out->ahead = st && (!strcmp(st, "pilot") || !strcmp(st, "production")) &&
			     ph > pv->earned;
	}
	return 0;
}

json_t *workflow_verdict_json(const struct workflow_verdict *v)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct wf_result *r = &v->r[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}",
			"foundation", r->foundation->id, "name", r->foundation->name,
			"status", r->status, "basis", r->basis,
			"level", r->level >= 0 ? json_integer(r->level) : json_null(),
			"detail", r->detail);
		json_object_set_new(o, "measured", r->scope ?
			json_pack("{s:s, s:f, s:s, s:f}", "scope", r->scope, "value", r->measured,
				  "op", r->down ? "<=" : ">=", "bar", r->bar) : json_null());
		json_array_append_new(arr, o);
	}
	return json_pack("{s:s, s:s?, s:s?, s:o, s:s, s:i, s:b, s:b, s:o}",
			 "workflow", json_str(v->initiative, "name"),
			 "model", json_str(v->initiative, "model"),
			 "status", json_str(v->initiative, "status"),
			 "phase", json_object_get(v->initiative, "phase") ?
			 json_integer(json_integer_value(json_object_get(v->initiative, "phase"))) :
			 json_null(),
			 "overall", v->overall, "earned_phase", v->earned,
			 "ahead_of_gate", v->ahead, "agent_control", v->measured, "foundations", arr);
}
