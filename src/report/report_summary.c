/*
 * report_summary.c - page one of the report and the report's sentences
 * (see report_summary.h).
 *
 * Page one answers what a leadership team asks first: where are we (the
 * phase, and which criteria keep us there), what is wrong (the three most
 * severe findings, already sorted by findings_compute()), what has AI
 * proven (the supported hypotheses, in the metric's units) and what do we
 * do next (the roadmap's first three steps, with an owner).  An empty
 * workspace claims no phase: it gets the setup steps instead.
 *
 * Words, not operators: a criterion's "op" reads "at least", "at most",
 * "exactly", "above" or "under".
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "assess/value.h"
#include "core/cjson.h"
#include "core/units.h"
#include "report_summary.h"

const struct report_setup_step report_setup_steps[] = {
	{ "Import a year of AI-usage exports (Copilot, ChatGPT Enterprise, Gemini or CSV)",
	  "aivalue import usage FILE --format FORMAT",
	  "workforce adoption (model 1): repeat use, concentration, the two-tier test" },
	{ "Answer the readiness questionnaire",
	  "aivalue assess org --answers readiness.yaml",
	  "readiness per dimension and the governance basics of the phase 1 gate" },
	{ "Register initiatives and their value hypotheses",
	  "aivalue apply -f initiatives.yaml -f hypotheses.yaml",
	  "the portfolio, the Phase 2 trio and the hypotheses to test" },
	{ "Import the evidence: an event log of the workflow, or per-unit observations",
	  "aivalue import cases LOG.xes --name NAME, or aivalue evidence --data observations.csv",
	  "verdicts on the hypotheses: value proven in days, percent and counts" },
	{ "Import customer journeys",
	  "aivalue import journeys journeys.csv --format csv",
	  "customer-facing AI (model 2) and the volume-over-credibility test" },
	{ NULL, NULL, NULL },
};

const char *report_op_words(const char *op)
{
	if (!strcmp(op, ">="))
		return "at least";
	if (!strcmp(op, "<="))
		return "at most";
	if (!strcmp(op, ">"))
		return "above";
	if (!strcmp(op, "<"))
		return "under";
	return "exactly";
}

/* A gate metric's value in its catalog unit when it has one, else a plain number. */
static const char *gate_value(const struct catalog *cat, const char *metric, double v,
			      char *buf, size_t n)
{
	const struct cat_metric *m = catalog_metric(cat, metric);

	return units_value(m ? m->unit : NULL, v, buf, n);
}

/* Lower-case the first letter of s into sb (a criterion inside a sentence). */
static void add_lower_first(struct strbuf *sb, const char *s)
{
	size_t len = strlen(s);

	if (!len)
		return;
	/* keep acronyms ("AI", "SOP") as they are */
	if (len > 1 && isupper((unsigned char)s[1]))
		strbuf_addch(sb, s[0]);
	else
		strbuf_addch(sb, tolower((unsigned char)s[0]));
	strbuf_add(sb, s + 1, len - 1 - (s[len - 1] == '.'));
}

void report_gate_words(struct strbuf *sb, const struct catalog *cat, const struct gate_result *g)
{
	char a[UNITS_BUF], b[UNITS_BUF];

	if (g->ev.state != EV_MEASURED)
		strbuf_addstr(sb, "no data yet");
	else
		strbuf_addf(sb, "now %s, needs %s %s",
			    gate_value(cat, g->cr->metric, g->ev.value, a, sizeof(a)),
			    report_op_words(g->cr->op),
			    gate_value(cat, g->cr->metric, g->cr->value, b, sizeof(b)));
}

static void phase_why(const struct playbook_state *ps, struct strbuf *sb)
{
	const struct catalog *cat = ps->env.cat;
	size_t i, npass = 0, nthis = 0, nopen = 0;

	for (i = 0; i < ps->pv.ng; i++) {
		if (ps->pv.g[i].phase->number != ps->pv.earned)
			continue;
		nthis++;
		npass += ps->pv.g[i].status == GATE_PASS;
	}
	strbuf_addf(sb, "The organisation is in phase %d of %zu, %s.", ps->pv.earned,
		    cat->nphases, ps->pv.phase ? ps->pv.phase->name : "");
	if (!nthis) {
		strbuf_addstr(sb, " It has passed every exit gate.");
		return;
	}
	strbuf_addf(sb, " %zu of the %zu criteria for moving to phase %d pass; still open: ",
		    npass, nthis, ps->pv.earned + 1);
	for (i = 0; i < ps->pv.ng; i++) {
		const struct gate_result *g = &ps->pv.g[i];
		if (g->phase->number != ps->pv.earned || g->status == GATE_PASS)
			continue;
		strbuf_addstr(sb, nopen++ ? "; " : "");
		add_lower_first(sb, g->cr->description);
		strbuf_addstr(sb, " (");
		report_gate_words(sb, cat, g);
		strbuf_addstr(sb, ")");
	}
	strbuf_addch(sb, '.');
}

/*
 * Nothing to judge: no readiness answers, no hypothesis, no finding and
 * no model metric measured (a count of zero, such as innovation_output's
 * "0 hypotheses registered", is measured in any workspace and proves no
 * import).  Such a workspace gets the setup steps, not a phase.
 */
static int workspace_empty(const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	size_t i;

	if (ps->have_set || ps->hr.n || ps->fl.n)
		return 0;
	for (i = 0; i < cat->nmetrics; i++)
		if (cat->metrics[i].model >= 0 && ps->metrics[i].state == EV_MEASURED &&
		    !(ps->metrics[i].value == 0 && !strcmp(cat->metrics[i].unit, "count")))
			return 0;
	return 1;
}

const char *report_change_word(const struct cat_metric *m, double improvement)
{
	int up = m && m->direction && !strcmp(m->direction, "up");
	int better = improvement >= 0;

	if (m && !strcmp(m->unit, "seconds"))
		return better ? "faster" : "slower";
	return better == up ? "higher" : "lower";
}

static char *value_sentence(const struct catalog *cat, const struct hyp_result *r,
			    struct report_value *v)
{
	const struct cat_metric *m = catalog_metric(cat, r->metric);
	const char *unit = m ? m->unit : NULL;
	const char *better = report_change_word(m, r->e.improvement);
	struct strbuf sb = STRBUF_INIT;
	char a[UNITS_BUF], b[UNITS_BUF], p[UNITS_BUF];

	v->relative = r->e.baseline != 0 ? r->e.improvement / fabs(r->e.baseline) : NAN;
	strbuf_addstr(&sb, v->metric_name);
	if (isfinite(v->relative))
		strbuf_addf(&sb, " is %s %s", units_relative(fabs(v->relative), p, sizeof(p)), better);
	else
		strbuf_addf(&sb, " is %s %s", units_delta(unit, r->e.improvement, p, sizeof(p)),
			    better);
	strbuf_addf(&sb, ": %s instead of %s", units_value(unit, r->e.treatment, a, sizeof(a)),
		    units_value(unit, r->e.baseline, b, sizeof(b)));
	if (unit && !strcmp(unit, "ratio"))
		strbuf_addf(&sb, " (%s)", units_points(r->e.improvement, p, sizeof(p)));
	return strbuf_detach(&sb, NULL);
}

static char *value_interval(const struct catalog *cat, const struct hyp_result *r)
{
	const struct cat_metric *m = catalog_metric(cat, r->metric);
	const char *better = report_change_word(m, 1);
	char a[UNITS_BUF], b[UNITS_BUF], c[UNITS_BUF];

	if (r->e.baseline == 0)
		return xstrdup("");
	return xstrfmt("%s interval: %s to %s %s",
		       units_relative(r->confidence, c, sizeof(c)),
		       units_relative(r->e.imp_lo / fabs(r->e.baseline), a, sizeof(a)),
		       units_relative(r->e.imp_hi / fabs(r->e.baseline), b, sizeof(b)), better);
}

/* The finding a roadmap step of kind "finding" came from ("mode:subject"). */
static const struct finding *step_finding(const struct playbook_state *ps,
					  const struct roadmap_step *st)
{
	size_t i, ml;

	for (i = 0; i < ps->fl.n; i++) {
		const struct finding *f = &ps->fl.f[i];
		ml = strlen(f->mode);
		if (!strncmp(st->id, f->mode, ml) && st->id[ml] == ':' &&
		    !strcmp(st->id + ml + 1, f->subject))
			return f;
	}
	return NULL;
}

static void fill_move(const struct playbook_state *ps, const struct roadmap_step *st,
		      struct report_move *mv)
{
	const struct finding *f = !strcmp(st->kind, "finding") ? step_finding(ps, st) : NULL;
	const char *owner = NULL;
	size_t i;

	mv->step = st;
	if (f && f->move) {
		mv->action = xstrfmt("%s: %s", f->move->name, f->move->text);
		owner = json_str(f->figures, "owner");
	} else if (!strcmp(st->kind, "gate")) {
		struct strbuf sb = STRBUF_INIT;
		for (i = 0; i < ps->pv.ng; i++)
			if (!strcmp(ps->pv.g[i].cr->id, st->id))
				break;
		strbuf_addstr(&sb, "Meet ");
		if (i < ps->pv.ng) {
			strbuf_addf(&sb, "the phase %d exit criterion: ", ps->pv.g[i].phase->number);
			add_lower_first(&sb, ps->pv.g[i].cr->description);
		} else {
			strbuf_addstr(&sb, st->title);
		}
		mv->action = strbuf_detach(&sb, NULL);
	} else {
		mv->action = xstrdup(st->title);
	}
	if (mv->action[0] && mv->action[strlen(mv->action) - 1] == '.')
		mv->action[strlen(mv->action) - 1] = '\0'; /* the printers end the sentence */
	/* the roadmap names the owner (initiative, team or workflow); else the finding's */
	if (st->owner && *st->owner)
		owner = roadmap_step_owner(st);
	mv->owner = xstrdup(owner && *owner ? owner : "not named yet");
}

/*
 * Who pays back, priced from the playbook's verdicts at its date; NULL
 * when nothing is to say or the workspace cannot be read (the rest of the
 * report still renders; `aivalue value` names the error).
 */
static char *value_lead(const struct playbook_state *ps)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct value_report vr;
	struct strbuf sb = STRBUF_INIT;

	if (!ps->env.store || value_compute_roi(ps->env.store, ps->env.cat, &ps->hr, ps->env.now,
						&vr, &err))
		return NULL;
	value_lead_sentence(&sb, &vr);
	value_report_release(&vr);
	if (!sb.len) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

void report_summary_compute(const struct playbook_state *ps, const char *organisation,
			    struct report_summary *out)
{
	const struct catalog *cat = ps->env.cat;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->organisation = organisation;
	out->nphases = cat->nphases;
	out->empty = workspace_empty(ps);
	if (out->empty) {
		out->phase_why = xstrdup("Nothing has been imported yet, so no phase is claimed. "
					 "Import the data below, in this order; each step "
					 "unlocks part of the report.");
		return;
	}
	out->value_lead = value_lead(ps);
	out->phase = ps->pv.earned;
	out->phase_name = ps->pv.phase ? ps->pv.phase->name : "";
	phase_why(ps, &sb);
	out->phase_why = strbuf_detach(&sb, NULL);
	for (i = 0; i < ps->fl.n && out->ntop < REPORT_TOP; i++)
		out->top[out->ntop++] = &ps->fl.f[i];
	out->value = xcalloc(ps->hr.n + 1, sizeof(*out->value));
	for (i = 0; i < ps->hr.n; i++) {
		const struct hyp_result *r = &ps->hr.r[i];
		const struct cat_metric *m = catalog_metric(cat, r->metric);
		const char *title = json_str(r->spec, "title");
		struct report_value *v;
		if (strcmp(r->verdict, "supported") || !r->e.ok)
			continue;
		v = &out->value[out->nvalue++];
		v->h = r;
		v->metric_name = xstrdup(m ? m->name : r->metric);
		v->title = xstrdup(title ? title : r->name);
		v->sentence = value_sentence(cat, r, v);
		v->interval = value_interval(cat, r);
	}
	for (i = 0; i < ps->rm.n && out->nmove < REPORT_TOP; i++)
		fill_move(ps, &ps->rm.steps[i], &out->move[out->nmove++]);
}

void report_summary_release(struct report_summary *s)
{
	size_t i;

	free(s->phase_why);
	free(s->value_lead);
	for (i = 0; i < s->nvalue; i++) {
		free(s->value[i].metric_name);
		free(s->value[i].title);
		free(s->value[i].sentence);
		free(s->value[i].interval);
	}
	free(s->value);
	for (i = 0; i < s->nmove; i++) {
		free(s->move[i].action);
		free(s->move[i].owner);
	}
	memset(s, 0, sizeof(*s));
}

json_t *report_summary_json(const struct report_summary *s)
{
	json_t *o = json_object(), *top = json_array(), *val = json_array(), *mv = json_array();
	size_t i;

	json_object_set_new(o, "organisation", s->organisation ? json_string(s->organisation) :
			    json_null());
	json_object_set_new(o, "empty", json_boolean(s->empty));
	json_object_set_new(o, "phase", s->empty ? json_null() : json_integer(s->phase));
	json_object_set_new(o, "value_lead", s->value_lead ? json_string(s->value_lead) : json_null());
	json_object_set_new(o, "phase_why", json_string(s->phase_why));
	for (i = 0; i < s->ntop; i++) {
		struct strbuf sb = STRBUF_INIT;
		report_finding_sentence(&sb, s->top[i], 1);
		json_array_append_new(top, json_pack("{s:s, s:s, s:s, s:s%}", "mode", s->top[i]->mode,
			"subject", s->top[i]->subject, "severity", s->top[i]->severity,
			"text", sb.buf, sb.len));
		strbuf_release(&sb);
	}
	for (i = 0; i < s->nvalue; i++) {
		const struct report_value *v = &s->value[i];
		json_array_append_new(val, json_pack("{s:s, s:s, s:s, s:s, s:o}", "hypothesis",
			v->h->name, "title", v->title, "text", v->sentence, "interval", v->interval,
			"relative", isfinite(v->relative) ? json_real(v->relative) : json_null()));
	}
	for (i = 0; i < s->nmove; i++)
		json_array_append_new(mv, json_pack("{s:s, s:s, s:s}", "step", s->move[i].step->id,
			"action", s->move[i].action, "owner", s->move[i].owner));
	json_object_set_new(o, "top_findings", top);
	json_object_set_new(o, "value_proven", val);
	json_object_set_new(o, "next_moves", mv);
	if (s->empty) {
		json_t *steps = json_array();
		for (i = 0; report_setup_steps[i].what; i++)
			json_array_append_new(steps, json_pack("{s:s, s:s, s:s}", "what",
				report_setup_steps[i].what, "command", report_setup_steps[i].command,
				"unlocks", report_setup_steps[i].unlocks));
		json_object_set_new(o, "setup", steps);
	}
	return o;
}

const char *report_figure_value(const struct finding_figure *g, double v, char *buf, size_t n)
{
	char num[UNITS_BUF];

	if (!isfinite(v))
		snprintf(buf, n, UNITS_NO_DATA);
	else if (!strcmp(g->unit, "phase"))
		snprintf(buf, n, "%s", units_number(v, num, sizeof(num)));
	else if (!strcmp(g->unit, "p-value"))
		snprintf(buf, n, v < 0.001 ? "p under 0.001" : "p = %.3f", v);
	else if (!strcmp(g->unit, "coefficient"))
		snprintf(buf, n, "%.2f", v);
	else
		units_value(g->unit, v, buf, n);
	return buf;
}

void report_finding_sentence(struct strbuf *sb, const struct finding *f, int brief)
{
	const char *sum = f->summary;
	size_t i, nl = strlen(f->name), len, shown = 0;
	char a[UNITS_BUF], b[UNITS_BUF];

	if (brief == 2 && !strncmp(sum, f->name, nl) && sum[nl] == ':' && sum[nl + 1] == ' ')
		sum += nl + 2;
	len = strlen(sum);
	if (len) {
		strbuf_addch(sb, toupper((unsigned char)sum[0]));
		strbuf_addstr(sb, sum + 1);
		if (sum[len - 1] != '.')
			strbuf_addch(sb, '.');
	}
	for (i = 0; i < f->nfig; i++) {
		const struct finding_figure *g = &f->fig[i];
		if (brief == 1 && !g->bound)
			continue;
		strbuf_addstr(sb, shown++ ? "; " : " Evidence: ");
		strbuf_addf(sb, "%s %s", g->label, report_figure_value(g, g->value, a, sizeof(a)));
		if (g->bound)
			strbuf_addf(sb, " (target: %s %s)", g->bound,
				    report_figure_value(g, g->target, b, sizeof(b)));
	}
	if (shown)
		strbuf_addch(sb, '.');
}

void report_move_sentence(struct strbuf *sb, const struct finding *f)
{
	if (!f->move)
		return;
	strbuf_addf(sb, "%s: %s", f->move->name, f->move->text);
}
