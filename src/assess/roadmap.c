/*
 * roadmap.c - the next steps, ordered deterministically, and the Phase 2
 * trio proposed from the portfolio.
 *
 * Formula (docs/playbook.md, "Roadmap"):
 *
 *   model weight  w(m) = 1 + 2 [m is a model of the earned phase]
 *                          + 1 [m is a model of the next phase]
 *                          + 1 [m is a step of the chosen industry path]
 *   impact(M)     = sum of w over the models M the step serves / sum of all w
 *   priority      = gap x impact x dependency
 *
 *   gate step       (a criterion of an exit gate not yet passed)
 *                   gap 1 when it lacks evidence, else the relative distance
 *                   to the threshold clipped to [0.1, 1]; impact of the
 *                   models of the phase it unlocks; dependency
 *                   1 + (phases after it) / phases
 *   readiness step  (a dimension below the target level T)
 *                   gap (T - level) / T, unanswered counted as level 0;
 *                   impact of the models the catalog lists for it;
 *                   dependency 1 + (models listing it) / models
 *                   (+ dimensions it caps / dimensions, for governance basics)
 *   finding step    gap 1 high, 0.6 medium, 0.3 low; impact of its model;
 *                   dependency 1
 *
 * Ties go to gate, then readiness, then finding steps, then by id, so the
 * same state always gives the same order.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "playbook.h"

static int in_list(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

struct weights {
	double *w;
	double total;
};

static double impact_of(const struct catalog *cat, const struct weights *w,
			const struct strlist *models)
{
	double s = 0;
	size_t i;

	for (i = 0; i < cat->nmodels; i++)
		if (in_list(models, cat->models[i].id))
			s += w->w[i];
	return w->total > 0 ? s / w->total : 0;
}

static void add_step(struct roadmap *r, const char *kind, const char *id, double gap,
		     double impact, double dep, char *title, char *why)
{
	struct roadmap_step *s;

	ALLOC_GROW(r->steps, r->n + 1, r->alloc);
	s = &r->steps[r->n++];
	s->kind = xstrdup(kind);
	s->id = xstrdup(id);
	s->title = title;
	s->why = why;
	s->gap = gap;
	s->impact = impact;
	s->dependency = dep;
	s->priority = gap * impact * dep;
}

static int kind_rank(const char *k)
{
	return !strcmp(k, "gate") ? 0 : !strcmp(k, "readiness") ? 1 : 2;
}

static int cmp_step(const void *a, const void *b)
{
	const struct roadmap_step *x = a, *y = b;
	double px = floor(x->priority * 1e9 + 0.5), py = floor(y->priority * 1e9 + 0.5);
	int r;

	if (px != py)
		return px > py ? -1 : 1;
	if ((r = kind_rank(x->kind) - kind_rank(y->kind)))
		return r;
	return strcmp(x->id, y->id);
}

/* Candidate score for the trio: status, hypotheses, teams. */
static int trio_score(const json_t *ini, const struct hyp_report *rep, char *why, size_t whysz)
{
	const char *st = json_str(ini, "status");
	const char *name = json_str(ini, "name");
	int score = !strcmp(st, "production") ? 3 : !strcmp(st, "pilot") ? 2 :
		    !strcmp(st, "proposed") ? 1 : 0;
	int hyp = 0, sup = 0;
	size_t i, teams = json_array_size(json_object_get(ini, "teams"));

	for (i = 0; i < rep->n; i++) {
		if (strcmp(rep->r[i].initiative, name) || rep->r[i].superseded_by)
			continue;
		hyp = 1;
		if (!strcmp(rep->r[i].verdict, "supported"))
			sup = 1;
	}
	score += 2 * sup + hyp + (teams > 0);
	snprintf(why, whysz, "%s; %s; %zu owning team%s (score %d)", st,
		 sup ? "a supported hypothesis" : hyp ? "a registered hypothesis" :
		 "no hypothesis yet", teams, teams == 1 ? "" : "s", score);
	return score;
}

static void pick_trio(struct roadmap *r, const json_t *inis, const struct hyp_report *rep)
{
	static const char *const slots[3] = { "distribution play", "expert bottleneck", "workflow" };
	static const char *const models[3] = { "distribution", "expert", "process" };
	size_t s, i;
	json_t *ini;

	for (s = 0; s < 3; s++) {
		int best = -1;
		char why[256], bestwhy[256] = "";
		const char *bestname = NULL;
		r->trio[s].slot = slots[s];
		json_array_foreach(inis, i, ini) {
			int sc;
			const char *st = json_str(ini, "status");
			if (!st || !strcmp(st, "retired") || strcmp(json_str(ini, "model"), models[s]))
				continue;
			sc = trio_score(ini, rep, why, sizeof(why));
			if (sc > best || (sc == best && strcmp(json_str(ini, "name"), bestname) < 0)) {
				best = sc;
				bestname = json_str(ini, "name");
				snprintf(bestwhy, sizeof(bestwhy), "%s", why);
			}
		}
		if (bestname) {
			r->trio[s].initiative = xstrdup(bestname);
			r->trio[s].reason = xstrdup(bestwhy);
		} else {
			r->trio[s].reason = xstrfmt("no %s initiative in the portfolio: propose one",
						    models[s]);
		}
	}
}

int roadmap_compute(const struct evidence_env *env, const struct questionnaire *q,
		    const struct readiness_score *rs, const struct phase_verdict *pv,
		    const struct finding_list *fl, const char *industry,
		    struct roadmap *out, struct aiv_err *err)
{
	const struct catalog *cat = env->cat;
	const struct cat_phase *cur = catalog_phase_by_number(cat, pv->earned);
	const struct cat_phase *next = catalog_phase_by_number(cat, pv->earned + 1);
	struct weights w;
	struct hyp_report rep;
	json_t *inis = NULL;
	size_t i, j;
	int ret, target = q->scoring.target_level;

	memset(out, 0, sizeof(*out));
	out->industry_step = -1;
	if (industry && strcmp(industry, "generic")) {
		for (i = 0; i < cat->nindustries; i++)
			if (!strcmp(cat->industries[i].id, industry))
				out->industry = &cat->industries[i];
		if (!out->industry) {
			struct strbuf l = STRBUF_INIT;
			for (i = 0; i < cat->nindustries; i++)
				strbuf_addf(&l, "%s, ", cat->industries[i].id);
			ret = aiv_fail(err, AIV_EINPUT, "unknown industry '%s' (known: %sgeneric)",
				       industry, l.buf);
			strbuf_release(&l);
			return ret;
		}
	}
	w.w = xcalloc(cat->nmodels + 1, sizeof(double));
	w.total = 0;
	for (i = 0; i < cat->nmodels; i++) {
		const char *m = cat->models[i].id;
		w.w[i] = 1;
		if (cur && in_list(&cur->models, m))
			w.w[i] += 2;
		if (next && in_list(&next->models, m))
			w.w[i] += 1;
		if (out->industry)
			for (j = 0; j < out->industry->nsteps; j++)
				if (!strcmp(out->industry->steps[j].model, m)) {
					w.w[i] += 1;
					break;
				}
		w.total += w.w[i];
	}
	/* gate steps */
	for (i = 0; i < pv->ng; i++) {
		const struct gate_result *g = &pv->g[i];
		const struct cat_phase *unlocks = catalog_phase_by_number(cat, g->phase->number + 1);
		double gap = 1, dep;
		if (g->status == GATE_PASS || !unlocks)
			continue;
		if (g->status == GATE_FAIL) {
			gap = fabs(g->ev.value - g->cr->value) /
			      (fabs(g->cr->value) > 1 ? fabs(g->cr->value) : 1);
			gap = gap < 0.1 ? 0.1 : gap > 1 ? 1 : gap;
		}
		dep = 1 + (double)(cat->nphases - (size_t)g->phase->number) / (double)cat->nphases;
		add_step(out, "gate", g->cr->id, gap, impact_of(cat, &w, &unlocks->models), dep,
			 xstrfmt("Phase %d gate: %s", g->phase->number, g->cr->description),
			 g->status == GATE_FAIL ?
			 xstrfmt("fails: %s is %.4g, needs %s %.4g (%s)", g->cr->metric,
				 g->ev.value, g->cr->op, g->cr->value, g->ev.source) :
			 xstrfmt("%s", g->ev.source));
	}
	/* readiness steps */
	for (i = 0; rs && i < rs->ndims; i++) {
		const struct cat_named *d = &cat->dimensions[i];
		int lv = rs->dims[i].level < 0 ? 0 : rs->dims[i].level;
		double dep = 1 + (double)d->models.n / (double)cat->nmodels;
		if (lv >= target)
			continue;
		if (!strcmp(d->id, "governance_basics")) {
			size_t capped = 0;
			for (j = 0; j < rs->ndims; j++)
				capped += rs->dims[j].capped;
			dep += (double)capped / (double)rs->ndims;
		}
		add_step(out, "readiness", d->id, (double)(target - lv) / target,
			 impact_of(cat, &w, &d->models), dep,
			 xstrfmt("Raise %s from level %d to %d", d->name, lv, target),
			 rs->dims[i].level < 0 ?
			 xstrfmt("not assessed yet: answer its %zu questions", rs->dims[i].total) :
			 xstrfmt("%zu of %zu questions answered; level %d%s; confidence %.2f",
				 rs->dims[i].answered, rs->dims[i].total, rs->dims[i].level,
				 rs->dims[i].capped ? " (capped by governance basics)" : "",
				 rs->dims[i].confidence));
	}
	/* finding steps */
	for (i = 0; fl && i < fl->n; i++) {
		const struct finding *f = &fl->f[i];
		struct strlist one = { 0 };
		char *mid = f->model ? f->model->id : NULL;
		double gap = !strcmp(f->severity, "high") ? 1 : !strcmp(f->severity, "medium") ? 0.6 : 0.3;
		char id[300];
		one.v = &mid;
		one.n = mid ? 1 : 0;
		snprintf(id, sizeof(id), "%s:%s", f->mode, f->subject);
		add_step(out, "finding", id, gap, impact_of(cat, &w, &one), 1,
			 xstrfmt("%s: %s", f->move ? f->move->name : f->name, f->subject),
			 xstrfmt("%s (%s)", f->summary, f->severity));
	}
	qsort(out->steps, out->n, sizeof(*out->steps), cmp_step);
	/* industry path position: first step whose model is below target */
	if (out->industry && rs) {
		for (j = 0; j < out->industry->nsteps; j++) {
			for (i = 0; i < cat->nmodels; i++)
				if (!strcmp(cat->models[i].id, out->industry->steps[j].model))
					break;
			if (i < cat->nmodels && rs->models[i].level < target) {
				out->industry_step = (int)j;
				break;
			}
		}
	}
	free(w.w);
	if ((ret = hyp_evaluate_all(env->store, cat, env->now, &rep, err)))
		return ret;
	if ((ret = assess_initiatives(env->store, &inis, err))) {
		hyp_report_release(&rep);
		return ret;
	}
	pick_trio(out, inis, &rep);
	json_decref(inis);
	hyp_report_release(&rep);
	return 0;
}

void roadmap_release(struct roadmap *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->steps[i].kind);
		free(r->steps[i].id);
		free(r->steps[i].title);
		free(r->steps[i].why);
	}
	free(r->steps);
	for (i = 0; i < 3; i++) {
		free(r->trio[i].initiative);
		free(r->trio[i].reason);
	}
	memset(r, 0, sizeof(*r));
}

static double r4(double x)
{
	return floor(x * 1e4 + 0.5) / 1e4;
}

json_t *roadmap_json(const struct roadmap *r)
{
	json_t *steps = json_array(), *trio = json_array(), *o;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct roadmap_step *s = &r->steps[i];
		json_array_append_new(steps, json_pack("{s:i, s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:f}",
			"rank", (int)i + 1, "kind", s->kind, "id", s->id, "title", s->title,
			"why", s->why, "gap", r4(s->gap), "impact", r4(s->impact),
			"dependency", r4(s->dependency), "priority", r4(s->priority)));
	}
	for (i = 0; i < 3; i++)
		json_array_append_new(trio, json_pack("{s:s, s:o, s:s}", "slot", r->trio[i].slot,
			"initiative", r->trio[i].initiative ? json_string(r->trio[i].initiative) :
			json_null(), "reason", r->trio[i].reason ? r->trio[i].reason : ""));
	o = json_pack("{s:o, s:o}", "steps", steps, "phase2_trio", trio);
	if (r->industry) {
		json_t *path = json_array();
		for (i = 0; i < r->industry->nsteps; i++)
			json_array_append_new(path, json_pack("{s:s, s:s, s:b}", "model",
				r->industry->steps[i].model, "focus", r->industry->steps[i].focus,
				"current", (int)i == r->industry_step));
		json_object_set_new(o, "industry", json_pack("{s:s, s:s, s:o}", "id",
			r->industry->id, "name", r->industry->name, "path", path));
	} else {
		json_object_set_new(o, "industry", json_null());
	}
	return o;
}
