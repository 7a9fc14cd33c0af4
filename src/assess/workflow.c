/*
 * workflow.c - one workflow's readiness for agents on the catalog's six
 * foundations (identity, entitlements, integration, logging, exception
 * handling, ownership).
 *
 * Evidence, strongest first: a figure an evidence provider measures for
 * the foundation's metric, held against the bar in data/readiness.yaml;
 * otherwise the organisation's answers to the questions mapped to the
 * foundation, the lowest of them held against target_level.  Answers are
 * organisation-wide, not about this workflow, and the detail says so:
 * until the agent-control capability measures per workflow, a "ready" on
 * answers is a claim, not a measurement.
 */
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

static void judge(const struct evidence_env *env, const struct questionnaire *q,
		  const struct ra_set *set, const struct rq_foundation *fd,
		  struct wf_result *r, struct aiv_err *err, int *ret)
{
	struct strbuf sb = STRBUF_INIT;
	struct evidence_value ev;
	size_t i;

	r->level = -1;
	r->basis = "none";
	if (fd->metric) {
		if ((*ret = evidence_get(env, fd->metric, &ev, err)))
			return;
		if (ev.state == EV_MEASURED) {
			int ok = fd->down ? ev.value <= fd->bar + 1e-9 : ev.value >= fd->bar - 1e-9;
			r->status = ok ? "ready" : "not ready";
			r->basis = "measured";
			snprintf(r->detail, sizeof(r->detail), "%s = %.4g, needs %s %g (%s)",
				 fd->metric, ev.value, fd->down ? "<=" : ">=", fd->bar, ev.source);
			return;
		}
	}
	for (i = 0; i < fd->questions.n; i++) {
		const struct ra_answer *a = set ? ra_set_find(set, fd->questions.v[i]) : NULL;
		if (!a || a->choice <= 0)
			continue;
		strbuf_addf(&sb, "%s%s level %d (%s)", sb.len ? ", " : "", a->question, a->level,
			    provenance_names[a->provenance]);
		if (r->level < 0 || a->level < r->level)
			r->level = a->level;
	}
	if (r->level < 0) {
		r->status = "lacks evidence";
		snprintf(r->detail, sizeof(r->detail), "none of its questions is answered (%s)%s%s",
			 fd->questions.n ? fd->questions.v[0] : "-",
			 fd->metric ? "; lacks evidence: " : "",
			 fd->metric ? evidence_supplier(fd->metric) : "");
	} else {
		r->basis = "answers";
		r->status = r->level >= q->scoring.target_level ? "ready" : "not ready";
		snprintf(r->detail, sizeof(r->detail),
			 "organisation-wide answers: %s; lowest %d, needs %d%s%s", sb.buf, r->level,
			 q->scoring.target_level,
			 fd->metric ? "; not measured for this workflow: " : "",
			 fd->metric ? evidence_supplier(fd->metric) : "");
	}
	strbuf_release(&sb);
}

int workflow_assess(const struct evidence_env *env, const struct questionnaire *q,
		    const struct ra_set *set, const struct phase_verdict *pv,
		    const char *name, struct workflow_verdict *out, struct aiv_err *err)
{
	const struct catalog *cat = env->cat;
	json_t *inis = NULL, *ini;
	size_t i;
	int ret = 0, lacks = 0, notready = 0;

	memset(out, 0, sizeof(*out));
	if ((ret = assess_initiatives(env->store, &inis, err)))
		return ret;
	json_array_foreach(inis, i, ini)
		if (!strcmp(json_str(ini, "name"), name))
			out->initiative = json_incref(ini);
	json_decref(inis);
	if (!out->initiative)
		return aiv_fail(err, AIV_ENOTFOUND, "no initiative named '%s'", name);
	out->n = cat->nfoundations;
	out->r = xcalloc(out->n + 1, sizeof(*out->r));
	for (i = 0; i < out->n; i++) {
		struct wf_result *r = &out->r[i];
		r->foundation = &cat->foundations[i];
		judge(env, q, set, &q->fd[i], r, err, &ret);
		if (ret) {
			workflow_verdict_release(out);
			return ret;
		}
		if (!strcmp(r->foundation->id, "ownership")) {
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
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}",
			"foundation", r->foundation->id, "name", r->foundation->name,
			"status", r->status, "basis", r->basis,
			"level", r->level >= 0 ? json_integer(r->level) : json_null(),
			"detail", r->detail));
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:i, s:b, s:o}",
			 "workflow", json_str(v->initiative, "name"),
			 "model", json_str(v->initiative, "model"),
			 "status", json_str(v->initiative, "status"),
			 "phase", json_integer_value(json_object_get(v->initiative, "phase")),
			 "overall", v->overall, "earned_phase", v->earned,
			 "ahead_of_gate", v->ahead, "foundations", arr);
}
