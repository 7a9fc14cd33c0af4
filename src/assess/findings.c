/*
 * findings.c - one list of failure-mode findings, from registered
 * detectors.
 *
 * Each catalog failure mode may have a detector.  The two computed here
 * need only initiatives, hypotheses and the phase verdict:
 *
 *   demo_not_embedded           an expert-capability initiative in pilot or
 *                               production that is not in production, has
 *                               no owning team, or has no registered
 *                               hypothesis; high when two or more hold
 *   automating_before_controls  a process initiative in pilot or production
 *                               while phase 3 is not earned; high in
 *                               production, medium in pilot
 *
 * The others (two-tier workforce, volume over credibility, generation
 * outpacing governance) are detected by the measurement and change-control
 * capabilities, which register their detectors through findings_register();
 * until they do, the failure mode is listed as not assessed with what is
 * lacking.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "playbook.h"
#include "series_int.h"

#define MAX_DETECTORS 32

static const struct finding_detector *detectors[MAX_DETECTORS];
static size_t ndetectors;

void findings_register(const struct finding_detector *d)
{
	size_t i;

	for (i = 0; i < ndetectors; i++) {
		if (!strcmp(detectors[i]->mode, d->mode)) {
			detectors[i] = d;
			return;
		}
	}
	if (ndetectors < MAX_DETECTORS)
		detectors[ndetectors++] = d;
}

static const struct cat_failure *find_mode(const struct catalog *cat, const char *mode,
					   const struct cat_model **model)
{
	size_t i, j;

	for (i = 0; i < cat->nmodels; i++)
		for (j = 0; j < cat->models[i].nfailures; j++)
			if (!strcmp(cat->models[i].failures[j].id, mode)) {
				*model = &cat->models[i];
				return &cat->models[i].failures[j];
			}
	return NULL;
}

struct finding *findings_add(struct finding_list *out, const struct catalog *cat,
			     const char *mode, const char *subject, const char *severity,
			     json_t *figures, const char *fmt, ...)
{
	const struct cat_model *m = NULL;
	const struct cat_failure *fm = find_mode(cat, mode, &m);
	struct finding *f;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	size_t i;

	ALLOC_GROW(out->f, out->n + 1, out->alloc);
	f = &out->f[out->n++];
	memset(f, 0, sizeof(*f));
	f->mode = xstrdup(mode);
	f->name = xstrdup(fm ? fm->name : mode);
	f->subject = xstrdup(subject);
	f->severity = xstrdup(severity);
	f->figures = figures ? figures : json_object();
	f->model = m;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	f->summary = strbuf_detach(&sb, NULL);
	for (i = 0; fm && m && i < m->nmoves; i++)
		if (!strcmp(m->moves[i].id, fm->move))
			f->move = &m->moves[i];
	return f;
}

void finding_add_figure(struct finding *f, const char *name, const char *label,
			double value, const char *unit, double target, const char *bound)
{
	struct finding_figure *g;

	ALLOC_GROW(f->fig, f->nfig + 1, f->afig);
	g = &f->fig[f->nfig++];
	g->name = xstrdup(name);
	g->label = xstrdup(label);
	g->value = value;
	g->unit = unit;
	g->target = bound ? target : NAN;
	g->bound = bound;
}

/* Record that `mode` could not be assessed for lack of `lacks`. */
static void add_gap(struct finding_list *out, const char *mode, const char *name,
		    const char *lacks)
{
	struct finding_gap *g;

	ALLOC_GROW(out->gaps, out->ngaps + 1, out->agaps);
	g = &out->gaps[out->ngaps++];
	g->mode = xstrdup(mode);
	g->name = xstrdup(name);
	g->lacks = xstrdup(lacks);
}

static int active(const json_t *ini)
{
	const char *s = json_str(ini, "status");

	return s && (!strcmp(s, "pilot") || !strcmp(s, "production"));
}

static int det_demo(const struct evidence_env *env, const struct phase_verdict *pv,
		    struct finding_list *out, const char **lacks, void *data,
		    struct aiv_err *err)
{
	struct hyp_report rep;
	json_t *inis = NULL, *ini;
	size_t i, j;
	int ret;

	(void)pv;
	(void)lacks;
	(void)data;
	/* which initiatives have a hypothesis: registered, not superseded; no verdict needed */
	if ((ret = hyp_list_all(env->store, &rep, err)))
		return ret;
	if ((ret = assess_initiatives(env->store, &inis, err))) {
		hyp_report_release(&rep);
		return ret;
	}
	json_array_foreach(inis, i, ini) {
		const char *name = json_str(ini, "name");
		size_t nteams = json_array_size(json_object_get(ini, "teams"));
		int in_prod = !strcmp(json_str(ini, "status"), "production");
		int nhyp = 0, reasons;
		struct strbuf why = STRBUF_INIT;
		struct finding *f;
		char subject[200];

		if (!active(ini) || strcmp(json_str(ini, "model"), "expert"))
			continue;
		for (j = 0; j < rep.n; j++)
			if (!strcmp(rep.r[j].initiative, name) && !rep.r[j].superseded_by)
				nhyp++;
		reasons = !in_prod + (nteams == 0) + (nhyp == 0);
		if (!reasons)
			continue;
		if (!in_prod)
			strbuf_addf(&why, "still in %s, not production", json_str(ini, "status"));
		if (nteams == 0)
			strbuf_addf(&why, "%sno owning team", why.len ? "; " : "");
		if (nhyp == 0)
			strbuf_addf(&why, "%sno registered hypothesis", why.len ? "; " : "");
		snprintf(subject, sizeof(subject), "initiative/%s", name);
		f = findings_add(out, env->cat, "demo_not_embedded", subject,
				 reasons >= 2 ? "high" : "medium",
				 json_pack("{s:s, s:I, s:i, s:s}", "status", json_str(ini, "status"),
					   "teams", (json_int_t)nteams, "hypotheses", nhyp,
					   "owner", json_str(ini, "owner")),
				 "expert initiative '%s': %s", name, why.buf);
		finding_add_figure(f, "teams", "owning teams", (double)nteams, "count", 1,
				   "at least");
		finding_add_figure(f, "hypotheses", "registered value hypotheses", nhyp, "count",
				   1, "at least");
		strbuf_release(&why);
	}
	json_decref(inis);
	hyp_report_release(&rep);
	return 0;
}

static int det_automation(const struct evidence_env *env, const struct phase_verdict *pv,
			  struct finding_list *out, const char **lacks, void *data,
			  struct aiv_err *err)
{
	json_t *inis = NULL, *ini;
	size_t i;
	int ret;

	(void)lacks;
	(void)data;
	if (pv->earned >= 3)
		return 0;
	if ((ret = assess_initiatives(env->store, &inis, err)))
		return ret;
	json_array_foreach(inis, i, ini) {
		char subject[200];
		const char *st = json_str(ini, "status");
		struct finding *f;
		if (!active(ini) || strcmp(json_str(ini, "model"), "process"))
			continue;
		snprintf(subject, sizeof(subject), "initiative/%s", json_str(ini, "name"));
		f = findings_add(out, env->cat, "automating_before_controls", subject,
				 !strcmp(st, "production") ? "high" : "medium",
				 json_pack("{s:s, s:I, s:i, s:i}", "status", st, "initiative_phase",
					   json_integer_value(json_object_get(ini, "phase")),
					   "earned_phase", pv->earned, "required_phase", 3),
				 "process initiative '%s' is in %s while the organisation has "
				 "earned phase %d of 3", json_str(ini, "name"), st, pv->earned);
		finding_add_figure(f, "earned_phase", "phase earned by the organisation",
				   pv->earned, "phase", 3, "at least");
		finding_add_figure(f, "initiative_phase", "phase the initiative is planned for",
				   (double)json_integer_value(json_object_get(ini, "phase")),
				   "phase", NAN, NULL);
	}
	json_decref(inis);
	return 0;
}

/*
 * Run d, or, as of a past date (env->as_of) when d reads only current
 * state, report it not assessed with why (1) rather than judge the past
 * by today's data.
 */
static int run_detector(const struct finding_detector *d, const struct evidence_env *env,
			const struct phase_verdict *pv, struct finding_list *out,
			const char **lacks, char *buf, size_t len, struct aiv_err *err)
{
	if (env->as_of && !d->history) {
		char day[TIME_ISO_LEN];
		time_format_us(env->now, day);
		snprintf(buf, len, "cannot be assessed as of %.10s: its detector reads only the "
			 "current state", day);
		*lacks = buf;
		return 1;
	}
	return d->fn(env, pv, out, lacks, d->data, err);
}

static const struct finding_detector builtin[] = {
	{ "demo_not_embedded", det_demo, NULL, NULL, 0 },
	{ "automating_before_controls", det_automation, NULL, NULL, 0 },
};

void findings_register_builtin(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(builtin); i++)
		findings_register(&builtin[i]);
}

static int sev_rank(const char *s)
{
	return !strcmp(s, "high") ? 0 : !strcmp(s, "medium") ? 1 : 2;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int r = sev_rank(x->severity) - sev_rank(y->severity);

	if (r)
		return r;
	if ((r = strcmp(x->mode, y->mode)))
		return r;
	return strcmp(x->subject, y->subject);
}

static int compute_findings(const struct evidence_env *env, const struct phase_verdict *pv,
			    struct finding_list *out, struct aiv_err *err);

/* The detectors share one usage load (series_int.h), freed when they are done. */
int findings_compute(const struct evidence_env *env, const struct phase_verdict *pv,
		     struct finding_list *out, struct aiv_err *err)
{
	int ret;

	assess_usage_scope_begin();
	ret = compute_findings(env, pv, out, err);
	assess_usage_scope_end();
	return ret;
}

static int compute_findings(const struct evidence_env *env, const struct phase_verdict *pv,
			    struct finding_list *out, struct aiv_err *err)
{
	const struct catalog *cat = env->cat;
	char lacks_buf[160];
	size_t i, j, k;
	int ret;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cat->nmodels; i++) {
		for (j = 0; j < cat->models[i].nfailures; j++) {
			const struct cat_failure *fm = &cat->models[i].failures[j];
			const struct finding_detector *d = NULL;
			const char *lacks = NULL;
			for (k = 0; k < ndetectors; k++)
				if (!strcmp(detectors[k]->mode, fm->id))
					d = detectors[k];
			if (!d) {
				struct strbuf sb = STRBUF_INIT;
				for (k = 0; k < fm->metrics.n; k++) {
					const char *sup = evidence_supplier(fm->metrics.v[k]);
					if (!strstr(sb.buf, sup))
						strbuf_addf(&sb, "%s%s", sb.len ? "; " : "", sup);
				}
				add_gap(out, fm->id, fm->name, sb.buf);
				strbuf_release(&sb);
				continue;
			}
			ret = run_detector(d, env, pv, out, &lacks, lacks_buf, sizeof(lacks_buf), err);
			if (ret < 0) {
				finding_list_release(out);
				return ret;
			}
			if (ret == 1)
				add_gap(out, fm->id, fm->name, lacks ? lacks : "evidence");
		}
	}
	/*
	 * Detectors for findings that are not one of the catalog's failure
	 * modes (shadow AI, say) run after them; their findings are named by
	 * the detector.
	 */
	for (k = 0; k < ndetectors; k++) {
		const struct finding_detector *d = detectors[k];
		const char *lacks = NULL;
		size_t before = out->n, x;
		int in_catalog = 0;

		for (i = 0; i < cat->nmodels && !in_catalog; i++)
			for (j = 0; j < cat->models[i].nfailures; j++)
				if (!strcmp(cat->models[i].failures[j].id, d->mode))
					in_catalog = 1;
		if (in_catalog)
			continue;
		ret = run_detector(d, env, pv, out, &lacks, lacks_buf, sizeof(lacks_buf), err);
		if (ret < 0) {
			finding_list_release(out);
			return ret;
		}
		if (ret == 1)
			add_gap(out, d->mode, d->name ? d->name : d->mode,
				lacks ? lacks : "evidence");
		for (x = before; x < out->n; x++) {
			if (d->name && !strcmp(out->f[x].name, out->f[x].mode)) {
				free(out->f[x].name);
				out->f[x].name = xstrdup(d->name);
			}
		}
	}
	if (out->n > 1)
		qsort(out->f, out->n, sizeof(*out->f), cmp_finding);
	return 0;
}

void finding_list_release(struct finding_list *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		free(l->f[i].mode);
		free(l->f[i].name);
		free(l->f[i].subject);
		free(l->f[i].severity);
		free(l->f[i].summary);
		json_decref(l->f[i].figures);
		for (j = 0; j < l->f[i].nfig; j++) {
			free(l->f[i].fig[j].name);
			free(l->f[i].fig[j].label);
		}
		free(l->f[i].fig);
	}
	free(l->f);
	for (i = 0; i < l->ngaps; i++) {
		free(l->gaps[i].mode);
		free(l->gaps[i].name);
		free(l->gaps[i].lacks);
	}
	free(l->gaps);
	memset(l, 0, sizeof(*l));
}

/* A double as JSON: null when not finite (NAN: not measured). */
static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *finding_json(const struct finding *f)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "mode", f->mode,
			      "name", f->name, "subject", f->subject,
			      "severity", f->severity, "summary", f->summary,
			      "figures", f->figures);
	json_t *ev = json_array();
	size_t i;

	for (i = 0; i < f->nfig; i++) {
		const struct finding_figure *g = &f->fig[i];
		json_t *x = json_pack("{s:s, s:s, s:o, s:s}", "name", g->name, "label", g->label,
				      "value", num_or_null(g->value), "unit", g->unit);
		if (g->bound)
			json_object_set_new(x, "target", json_pack("{s:o, s:s}", "value",
					    num_or_null(g->target), "bound", g->bound));
		json_array_append_new(ev, x);
	}
	json_object_set_new(o, "evidence", ev);

	if (f->model)
		json_object_set_new(o, "model", json_string(f->model->id));
	if (f->move)
		json_object_set_new(o, "move", json_pack("{s:s, s:s, s:s}", "id", f->move->id,
			"name", f->move->name, "text", f->move->text));
	return o;
}

json_t *finding_gap_json(const struct finding_gap *g)
{
	return json_pack("{s:s, s:s, s:s}", "mode", g->mode, "name", g->name, "lacks", g->lacks);
}

json_t *finding_list_json(const struct finding_list *l)
{
	json_t *arr = json_array(), *gaps = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(arr, finding_json(&l->f[i]));
	for (i = 0; i < l->ngaps; i++)
		json_array_append_new(gaps, finding_gap_json(&l->gaps[i]));
	return json_pack("{s:o, s:o}", "findings", arr, "not_assessed", gaps);
}
