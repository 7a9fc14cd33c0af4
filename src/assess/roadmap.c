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
 * same state always gives the same order.  A finding serving no model
 * (an organisation-wide one) counts as serving an average model, so a
 * high-severity finding never gets priority 0.
 *
 * After ordering, each step gets what a person acts on: an action that
 * starts with a verb, the leadership move first (finding steps), an owner,
 * Now / Next / Later by rank (1-3, 4-7, the rest; due in 30, 90 and 180
 * days) and its priority in words.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "core/units.h"
#include "org/people.h"
#include "playbook.h"
#include "value.h"

#define RM_NOW 3   /* ranks 1..3 are "now" */
#define RM_NEXT 7  /* ranks 4..7 "next", the rest "later" */
#define RM_DAY_US (86400LL * 1000000LL)

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

/* The names of the models in `models`, comma separated; caller frees. */
static char *model_names(const struct catalog *cat, const struct strlist *models)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < cat->nmodels; i++)
		if (in_list(models, cat->models[i].id))
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", cat->models[i].name);
	return strbuf_detach(&sb, NULL);
}

static void add_step(struct roadmap *r, const char *kind, const char *id, double gap,
		     double impact, double dep, char *title, char *why)
{
	struct roadmap_step *s;

	ALLOC_GROW(r->steps, r->n + 1, r->alloc);
	s = &r->steps[r->n++];
	memset(s, 0, sizeof(*s));
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

/*
 * Expected value of a candidate (docs/value.md, "The Phase 2 trio"):
 * its proven value a year net of its AI cost a year, when it has an ROI.
 * Class 2: pays back (net above 0); 1: not known (no ROI: not yet proven,
 * no cost, unpriced); 0: proven not to pay back.  NULL vr: all class 1.
 */
static int trio_value(const struct value_report *vr, const char *name, int64_t *net)
{
	size_t i;

	*net = 0;
	for (i = 0; vr && i < vr->ng; i++) {
		const struct value_group *g = &vr->g[i];
		if (strcmp(g->group, name) || !g->have_roi)
			continue;
		*net = g->value - g->cost_year;
		return *net > 0 ? 2 : 0;
	}
	return 1;
}

/*
 * Per slot, the candidate of the slot's model (not retired) that comes
 * first by: expected value class (pays back, not known, does not pay
 * back), then net value a year (highest first), then the score (status,
 * hypotheses, teams), then name.
 */
static void pick_trio(struct roadmap *r, const json_t *inis, const struct hyp_report *rep,
		      const struct value_report *vr)
{
	static const char *const slots[3] = { "distribution play", "expert bottleneck", "workflow" };
	static const char *const models[3] = { "distribution", "expert", "process" };
	size_t s, i;
	json_t *ini;

	for (s = 0; s < 3; s++) {
		int best = -1, bestcls = -1;
		int64_t bestnet = 0;
		char why[256], bestwhy[320] = "";
		const char *bestname = NULL, *besttitle = NULL;
		r->trio[s].slot = slots[s];
		json_array_foreach(inis, i, ini) {
			int sc, cls;
			int64_t net;
			const char *st = json_str(ini, "status"), *name = json_str(ini, "name");
			if (!st || !strcmp(st, "retired") || strcmp(json_str(ini, "model"), models[s]))
				continue;
			sc = trio_score(ini, rep, why, sizeof(why));
			cls = trio_value(vr, name, &net);
			if (cls > bestcls || (cls == bestcls && (net > bestnet || (net == bestnet &&
			    (sc > best || (sc == best && strcmp(name, bestname) < 0)))))) {
				struct strbuf nb = STRBUF_INIT;
				best = sc;
				bestcls = cls;
				bestnet = net;
				bestname = name;
				besttitle = json_str(ini, "title");
				if (cls != 1 && vr->currency) {
					money_format(&nb, net < 0 ? -net : net, vr->currency);
					snprintf(bestwhy, sizeof(bestwhy), "%s %s a year net of its AI "
						 "cost; %s", cls == 2 ? "pays back:" : "does not pay back:",
						 nb.buf, why);
				} else {
					snprintf(bestwhy, sizeof(bestwhy), "%s", why);
				}
				strbuf_release(&nb);
			}
		}
		if (bestname) {
			r->trio[s].initiative = xstrdup(bestname);
			r->trio[s].title = besttitle && *besttitle ? xstrdup(besttitle) : NULL;
			r->trio[s].reason = xstrdup(bestwhy);
		} else {
			r->trio[s].reason = xstrfmt("no %s initiative in the portfolio: propose one",
						    models[s]);
		}
	}
}

/* A failing gate in words: "Open two-tier findings is 1; the gate needs exactly 0 (...)". */
static char *gate_why(const struct catalog *cat, const struct gate_result *g)
{
	const struct cat_metric *m = catalog_metric(cat, g->cr->metric);
	const char *unit = m ? m->unit : NULL;
	char v[UNITS_BUF], t[UNITS_BUF];

	return xstrfmt("%s is %s; the gate needs %s %s (%s)", m && m->name ? m->name :
		       g->cr->metric, units_value(unit, g->ev.value, v, sizeof(v)),
		       gate_op_words(g->cr->op), units_value(unit, g->cr->value, t, sizeof(t)),
		       g->ev.source);
}

/* A lowercase first letter for text that continues a sentence. */
static char *lower_first(const char *s)
{
	char *d = xstrdup(s ? s : "");

	if (d[0] >= 'A' && d[0] <= 'Z' && !(d[1] >= 'A' && d[1] <= 'Z'))
		d[0] = (char)(d[0] - 'A' + 'a');
	return d;
}

/* Strip a final full stop (gate descriptions are sentences). */
static void strip_stop(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '.')
		s[n - 1] = '\0';
}

/* The action of a gate step, starting with a verb. */
static char *gate_action(const struct catalog *cat, const struct gate_result *g)
{
	const struct cat_metric *m = catalog_metric(cat, g->cr->metric);
	const char *name = m && m->name ? m->name : g->cr->metric;
	const char *unit = m ? m->unit : NULL;
	char *goal = lower_first(g->cr->description), v[UNITS_BUF], t[UNITS_BUF], *a;
	int down = !strcmp(g->cr->op, "<=") || !strcmp(g->cr->op, "<") ||
		   (!strcmp(g->cr->op, "==") && g->ev.value > g->cr->value);

	strip_stop(goal);
	units_value(unit, g->ev.value, v, sizeof(v));
	units_value(unit, g->cr->value, t, sizeof(t));
	if (g->status == GATE_LACKS)
		a = xstrfmt("Measure %s, so the phase %d gate can be judged (%s)", name,
			    g->phase->number, goal);
	else if (!strncmp(name, "Open ", 5) && down) {
		/* "Open two-tier findings" is a count of findings: resolve them */
		char *what = lower_first(name);
		a = xstrfmt("Resolve the %s (%s now; the gate needs %s %s)", what, v,
			    gate_op_words(g->cr->op), t);
		free(what);
	}
	else
		a = xstrfmt("%s %s from %s to %s %s, so that %s", down ? "Bring down" : "Raise",
			    name, v, gate_op_words(g->cr->op), t, goal);
	free(goal);
	return a;
}

/* owner of an initiative spec: its owner, else its first team; NULL. */
static const char *ini_owner(const json_t *ini)
{
	const char *o = json_str(ini, "owner");

	if (o && *o)
		return o;
	o = json_string_value(json_array_get(json_object_get(ini, "teams"), 0));
	return o && *o ? o : NULL;
}

/*
 * The owner of a step: the initiative or workflow a finding is about;
 * else the owner of the first initiative (live ones first, then by name)
 * in one of the step's models.  Returns a new string or NULL.
 */
static char *step_owner(const struct catalog *cat, const struct roadmap_step *s,
			const struct finding *f, const json_t *inis, const json_t *flows)
{
	const char *subj = f ? f->subject : NULL, *best = NULL;
	int best_live = -1;
	size_t i, k;
	json_t *o;

	if (subj && !strncmp(subj, "initiative/", 11))
		json_array_foreach(inis, i, o)
			if (!strcmp(json_str(o, "name"), subj + 11) && ini_owner(o))
				return xstrdup(ini_owner(o));
	if (subj && !strncmp(subj, "workflow/", 9))
		json_array_foreach(flows, i, o)
			if (!strcmp(json_str(o, "name"), subj + 9) && json_str(o, "owner"))
				return xstrdup(json_str(o, "owner"));
	for (k = 0; k < cat->nmodels; k++) {
		if (!s->models || !strstr(s->models, cat->models[k].name))
			continue;
		json_array_foreach(inis, i, o) {
			const char *st = json_str(o, "status");
			int live = st && (!strcmp(st, "pilot") || !strcmp(st, "production"));
			if (strcmp(json_str(o, "model"), cat->models[k].id) || !ini_owner(o) ||
			    (st && !strcmp(st, "retired")))
				continue;
			if (live > best_live) {
				best = ini_owner(o);
				best_live = live;
			}
		}
		if (best)
			return xstrdup(best);
	}
	return NULL;
}

/* How the priority was computed, in words (no operators). */
static char *step_how(const struct roadmap_step *s, int target, const struct gate_result *g,
		      const struct catalog *cat)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "Priority %.2f: gap %.2f ", s->priority, s->gap);
	if (!strcmp(s->kind, "gate"))
		strbuf_addstr(&sb, g && g->status == GATE_LACKS ? "(nothing measured yet)" :
			      "(how far the figure is from the gate)");
	else if (!strcmp(s->kind, "readiness"))
		strbuf_addf(&sb, "(levels short of the target level %d)", target);
	else
		strbuf_addstr(&sb, "(the finding's severity)");
	strbuf_addf(&sb, " times impact %.2f (the share of weight of the models it serves",
		    s->impact);
	if (s->models && *s->models)
		strbuf_addf(&sb, ": %s", s->models);
	strbuf_addf(&sb, ") times dependency %.2f ", s->dependency);
	if (!strcmp(s->kind, "gate")) {
		long later = lround((s->dependency - 1) * (double)cat->nphases);
		strbuf_addf(&sb, "(%ld later phase%s build%s on it)", later, later == 1 ? "" : "s",
			    later == 1 ? "s" : "");
	} else if (!strcmp(s->kind, "readiness")) {
		strbuf_addstr(&sb, "(the more models rely on this dimension, the higher)");
	} else {
		strbuf_addstr(&sb, "(nothing else waits on it)");
	}
	return strbuf_detach(&sb, NULL);
}

/* Fill what a person acts on in every (ordered) step; see roadmap_step. */
static int act_steps(const struct evidence_env *env, const struct phase_verdict *pv,
		     const struct finding_list *fl, int target, struct roadmap *r,
		     struct aiv_err *err)
{
	const struct catalog *cat = env->cat;
	json_t *inis = NULL, *flows = NULL;
	size_t i, j;
	int ret;

	if ((ret = assess_initiatives(env->store, &inis, err)))
		return ret;
	if ((ret = apply_object_specs(env->store, "Workflow", &flows, err))) {
		json_decref(inis);
		return ret;
	}
	for (i = 0; i < r->n; i++) {
		struct roadmap_step *s = &r->steps[i];
		const struct gate_result *g = NULL;
		const struct finding *f = NULL;
		int64_t days = i < RM_NOW ? 30 : i < RM_NEXT ? 90 : 180;
		char t[TIME_ISO_LEN];

		if (!strcmp(s->kind, "gate")) {
			for (j = 0; j < pv->ng && !g; j++)
				if (!strcmp(pv->g[j].cr->id, s->id))
					g = &pv->g[j];
			s->action = g ? gate_action(cat, g) : xstrdup(s->title);
		} else if (!strcmp(s->kind, "readiness")) {
			s->action = xstrdup(s->title); /* "Raise X from level 1 to 3" */
		} else {
			for (j = 0; fl && j < fl->n && !f; j++) {
				char id[300];
				snprintf(id, sizeof(id), "%s:%s", fl->f[j].mode, fl->f[j].subject);
				if (!strcmp(id, s->id))
					f = &fl->f[j];
			}
			s->move = f && f->move ? f->move->name : NULL;
			/* the move names the action ("Make good easy"); the finding says where */
			s->action = f ? xstrfmt("%s: %s", f->move ? f->move->name : "Resolve",
						 f->summary) : xstrdup(s->title);
		}
		s->owner = step_owner(cat, s, f, inis, flows);
		if (s->owner && (ret = org_display_name(env->store, s->owner, &s->owner_name, err)))
			break;
		s->horizon = i < RM_NOW ? "now" : i < RM_NEXT ? "next" : "later";
		time_format_us(env->now + days * RM_DAY_US, t);
		memcpy(s->due, t, 10);
		s->due[10] = '\0';
		s->how = step_how(s, target, g, cat);
	}
	json_decref(inis);
	json_decref(flows);
	return ret;
}

int roadmap_compute(const struct evidence_env *env, const struct questionnaire *q,
		    const struct readiness_score *rs, const struct phase_verdict *pv,
		    const struct finding_list *fl, const struct hyp_report *rep,
		    const char *industry, struct roadmap *out, struct aiv_err *err)
{
	const struct catalog *cat = env->cat;
	const struct cat_phase *cur = catalog_phase_by_number(cat, pv->earned);
	const struct cat_phase *next = catalog_phase_by_number(cat, pv->earned + 1);
	struct weights w;
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
			 g->status == GATE_FAIL ? gate_why(cat, g) : xstrfmt("%s", g->ev.source));
		out->steps[out->n - 1].models = model_names(cat, &g->phase->models);
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
		out->steps[out->n - 1].models = model_names(cat, &d->models);
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
		/* organisation-wide: as if serving an average model, never 0 */
		add_step(out, "finding", id, gap, one.n ? impact_of(cat, &w, &one) :
			 1.0 / (double)(cat->nmodels ? cat->nmodels : 1), 1,
			 xstrfmt("%s: %s", f->move ? f->move->name : f->name, f->subject),
			 xstrfmt("%s (%s)", f->summary, f->severity));
		out->steps[out->n - 1].models = xstrdup(f->model ? f->model->name : "");
	}
	if (out->n)
		qsort(out->steps, out->n, sizeof(*out->steps), cmp_step);
	if ((ret = act_steps(env, pv, fl, target, out, err))) {
		free(w.w);
		roadmap_release(out);
		return ret;
	}
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
	if ((ret = assess_initiatives(env->store, &inis, err)))
		return ret;
	{
		/* expected value orders the candidates; without it (a store that
		 * cannot price) they are ordered by score alone */
		struct value_report *vr = xcalloc(1, sizeof(*vr));
		struct aiv_err verr = AIV_ERR_INIT;

		if (value_compute_roi(env->store, cat, rep, env->now, vr, &verr)) {
			free(vr);
			vr = NULL;
		}
		pick_trio(out, inis, rep, vr);
		out->value = vr;
	}
	json_decref(inis);
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
		free(r->steps[i].action);
		free(r->steps[i].owner);
		free(r->steps[i].owner_name);
		free(r->steps[i].how);
		free(r->steps[i].models);
	}
	free(r->steps);
	if (r->value) {
		value_report_release(r->value);
		free(r->value);
	}
	for (i = 0; i < 3; i++) {
		free(r->trio[i].initiative);
		free(r->trio[i].title);
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
		json_object_set_new(json_array_get(steps, i), "action", json_string(s->action));
		json_object_set_new(json_array_get(steps, i), "move",
				    s->move ? json_string(s->move) : json_null());
		json_object_set_new(json_array_get(steps, i), "owner",
				    s->owner ? json_string(s->owner) : json_null());
		json_object_set_new(json_array_get(steps, i), "owner_name",
				    s->owner ? json_string(s->owner_name ? s->owner_name : s->owner)
				    : json_null());
		json_object_set_new(json_array_get(steps, i), "horizon", json_string(s->horizon));
		json_object_set_new(json_array_get(steps, i), "due", json_string(s->due));
		json_object_set_new(json_array_get(steps, i), "priority_how", json_string(s->how));
	}
	for (i = 0; i < 3; i++)
		json_array_append_new(trio, json_pack("{s:s, s:o, s:o, s:s}", "slot", r->trio[i].slot,
			"initiative", r->trio[i].initiative ? json_string(r->trio[i].initiative) :
			json_null(), "title", r->trio[i].title ? json_string(r->trio[i].title) :
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
