/*
 * pages_playbook.c - the playbook on the dashboard: the overview's first
 * screen and the pages /phase, /findings, /roadmap, /readiness and
 * /hypotheses.
 *
 * Every page computes one struct playbook_state (assess/playbook.h), the
 * same computation `aivalue report` prints, and renders it; nothing is
 * computed here.  Each figure links to the page that explains it and to
 * its evidence; a figure without evidence says which import supplies it
 * (the evidence source text from the provider registry).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/playbook.h"
#include "assess/series.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "core/units.h"
#include "org/org.h"
#include "pages.h"
#include "report/report_charts.h"
#include "report/svg.h"

#define NEXT_STEPS 3

static const char *const pb_pages[][2] = {
	{ "/phase", "Phase" }, { "/findings", "Findings" }, { "/roadmap", "Roadmap" },
	{ "/readiness", "Readiness" }, { "/hypotheses", "Hypotheses" },
};

void pages_playbook_nav(struct strbuf *nav, const char *current)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pb_pages); i++)
		strbuf_addf(nav, "<a href=\"%s\"%s>%s</a>", pb_pages[i][0],
			    current && !strcmp(current, pb_pages[i][0]) ?
			    " class=\"current\" aria-current=\"page\"" : "", pb_pages[i][1]);
}

/* ---- small pieces ---- */

static int is_slug(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(s);
}

/* A badge whose class follows the status: pass, fail, lacks, ... */
static void badge(struct strbuf *sb, const char *s)
{
	const char *c = "lacks";

	if (!strcmp(s, "pass") || !strcmp(s, "supported") || !strcmp(s, "held") ||
	    !strcmp(s, "low"))
		c = !strcmp(s, "low") ? "low" : "pass";
	else if (!strcmp(s, "fail") || !strcmp(s, "not supported") || !strcmp(s, "breached") ||
		 !strcmp(s, "high"))
		c = "fail";
	else if (!strcmp(s, "superseded"))
		c = "muted";
	strbuf_addf(sb, "<span class=\"pb-badge pb-%s\">", c);
	strbuf_add_html(sb, s);
	strbuf_addstr(sb, "</span>");
}

static const char *level_name(const struct catalog *cat, int level)
{
	size_t i;

	if (level < 0)
		return "not assessed";
	for (i = 0; i < cat->nlevels; i++)
		if (cat->levels[i].level == level)
			return cat->levels[i].name;
	return "?";
}

static void model_class(struct strbuf *sb, const struct cat_model *m)
{
	if (m && is_slug(m->id))
		strbuf_addf(sb, " m-%s", m->id);
}

/* The page that holds the evidence behind `metric`. */
static const char *evidence_href(const struct catalog *cat, const char *metric)
{
	size_t i;

	if (!strcmp(metric, "governance_basics_evidenced"))
		return "/readiness";
	if (!strcmp(metric, "supported_hypotheses") || !strcmp(metric, "value_plays_measured"))
		return "/hypotheses";
	if (!strcmp(metric, "ledger_verifies"))
		return "/api/v1/audit/verify";
	if (!strcmp(metric, "open_two_tier_findings") || !strcmp(metric, "expert_pilots_unembedded"))
		return "/findings";
	if (!strcmp(metric, "functions_with_repeat_use"))
		return "/adoption";
	if (!strcmp(metric, "change_audit_readiness"))
		return "/changes";
	if (!strcmp(metric, "exceptions_within_sla") ||
	    !strcmp(metric, "agent_workflows_ahead_of_gate"))
		return "/workflows";
	for (i = 0; i < cat->nmetrics; i++)
		if (!strcmp(cat->metrics[i].id, metric) && cat->metrics[i].model >= 0)
			return NULL; /* the model page, linked by the caller */
	return NULL;
}

/* A figure in its catalog unit, through the one formatter (core/units.h). */
static void fmt_figure(char *out, size_t n, double v, const char *unit)
{
	units_value(unit, v, out, n);
}

static const char *unit_of(const struct catalog *cat, const char *metric)
{
	size_t i;

	for (i = 0; metric && i < cat->nmetrics; i++)
		if (!strcmp(cat->metrics[i].id, metric))
			return cat->metrics[i].unit;
	return NULL;
}

/* "50% needs >= 100%" or "- needs ..." when the evidence is lacking. */
static void gate_figure(struct strbuf *sb, const struct catalog *cat,
			const struct gate_result *g)
{
	const char *unit = unit_of(cat, g->cr->metric);
	char v[32], t[32];

	fmt_figure(t, sizeof(t), g->cr->value, unit);
	if (g->ev.state == EV_MEASURED) {
		fmt_figure(v, sizeof(v), g->ev.value, unit);
		strbuf_addf(sb, "<span class=\"pb-fig\">%s</span> <span class=\"small\">needs ", v);
	} else {
		strbuf_addstr(sb, "<span class=\"pb-fig\">no data</span> <span class=\"small\">needs ");
	}
	strbuf_add_html(sb, gate_op_words(g->cr->op));
	strbuf_addf(sb, " %s</span>", t);
}

/* The evidence: a link to where it is, or what would supply it. */
static void gate_evidence(struct strbuf *sb, const struct catalog *cat,
			  const struct gate_result *g)
{
	const char *href = evidence_href(cat, g->cr->metric);

	strbuf_addstr(sb, "<span class=\"pb-src\">");
	if (g->ev.state == EV_MEASURED && href) {
		strbuf_addf(sb, "<a href=\"%s\">", href);
		strbuf_add_html(sb, g->ev.source);
		strbuf_addstr(sb, "</a>");
	} else {
		strbuf_add_html(sb, g->ev.source);
	}
	strbuf_addstr(sb, "</span>");
}

/* Compute everything or answer with an error page; 0 on success. */
static int load(struct http_request *req, struct http_response *res, const char *industry,
		struct playbook_state *ps)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (!playbook_compute(req->store, req->cat, assess_questionnaire_path(), industry,
			      time_now_us(), ps, &err))
		return 0;
	http_page_message(req, res, http_status_for(err.code),
			  err.code == AIV_EINPUT ? "Bad request" : "Cannot compute the playbook",
			  err.msg);
	return -1;
}

static size_t findings_of(const struct finding_list *fl, const struct cat_model *m)
{
	size_t i, n = 0;

	for (i = 0; i < fl->n; i++)
		if (fl->f[i].model == m)
			n++;
	return n;
}

/*
 * The dashboard page that holds the evidence a finding's detector read,
 * by value model: usage for the workforce, journeys for distribution,
 * hypotheses for expert capability, change control for systems, agent
 * workflows for process; with its label.
 */
static const char *model_evidence(const struct cat_model *model, const char **label)
{
	static const char *const map[][3] = {
		{ "workforce", "/adoption", "AI usage by role, team and function" },
		{ "distribution", "/journeys", "customer journeys by channel" },
		{ "expert", "/hypotheses", "value hypotheses and their verdicts" },
		{ "systems", "/changes", "change requests and governance rate" },
		{ "process", "/workflows", "agent workflows and their readiness" },
	};
	size_t i;

	for (i = 0; model && i < ARRAY_SIZE(map); i++)
		if (!strcmp(model->id, map[i][0])) {
			*label = map[i][2];
			return map[i][1];
		}
	*label = "the phase gates";
	return "/phase";
}

/* ---- evidence figures: scalars as chips, tables folded away ---- */

static int is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

/* A scalar, or an object of scalars: shown inline. */
static int flat_figure(const json_t *v)
{
	const char *k;
	json_t *x;

	if (is_scalar(v))
		return 1;
	if (!json_is_object(v))
		return 0;
	json_object_foreach((json_t *)v, k, x)
		if (!is_scalar(x))
			return 0;
	return 1;
}

static void scalar_chip(struct strbuf *sb, const char *prefix, const char *k, const json_t *v)
{
	char num[32];

	strbuf_addstr(sb, "<code>");
	if (prefix) {
		strbuf_add_html(sb, prefix);
		strbuf_addstr(sb, ".");
	}
	strbuf_add_html(sb, k);
	strbuf_addstr(sb, " = ");
	if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%.3g", json_real_value(v));
		strbuf_addstr(sb, num);
	} else if (json_is_integer(v)) {
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
	} else if (json_is_string(v)) {
		strbuf_add_html(sb, json_string_value(v));
	} else {
		strbuf_addstr(sb, json_is_true(v) ? "true" : json_is_false(v) ? "false" : "null");
	}
	strbuf_addstr(sb, "</code> ");
}

static void figure_chips(struct strbuf *sb, const char *k, const json_t *v)
{
	const char *sk;
	json_t *x;

	if (is_scalar(v)) {
		scalar_chip(sb, NULL, k, v);
		return;
	}
	if (!flat_figure(v))
		return;
	json_object_foreach((json_t *)v, sk, x)
		scalar_chip(sb, k, sk, x);
}

/* A table-like figure (rows per role, per month...) folded in a disclosure. */
static void figure_details(struct strbuf *sb, const char *k, const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_INDENT(1) | JSON_REAL_PRECISION(4));
	size_t n = json_is_array(v) ? json_array_size(v) : json_object_size(v);

	strbuf_addstr(sb, "<details><summary>");
	strbuf_add_html(sb, k);
	strbuf_addf(sb, " (%zu %s)</summary><pre class=\"pb-json\" tabindex=\"0\">", n,
		    json_is_array(v) ? (n == 1 ? "row" : "rows") : (n == 1 ? "field" : "fields"));
	strbuf_add_html(sb, s ? s : "");
	strbuf_addstr(sb, "</pre></details>");
	free(s);
}

static void finding_item(struct strbuf *sb, const struct finding *f, int full)
{
	const char *ev_label, *ev_href = model_evidence(f->model, &ev_label);

	strbuf_addstr(sb, "<li class=\"pb-finding");
	model_class(sb, f->model);
	strbuf_addstr(sb, "\">");
	badge(sb, f->severity);
	if (full) {
		strbuf_addstr(sb, " <strong>");
		strbuf_add_html(sb, f->name);
		strbuf_addstr(sb, "</strong>");
	} else { /* the overview links each finding to its evidence */
		strbuf_addf(sb, " <a class=\"pb-fname\" href=\"/findings#model-%s\">",
			    f->model && is_slug(f->model->id) ? f->model->id : "");
		strbuf_add_html(sb, f->name);
		strbuf_addstr(sb, "</a>");
	}
	strbuf_addstr(sb, " <span class=\"small\">");
	strbuf_add_html(sb, f->subject);
	if (!full)
		strbuf_addf(sb, " &middot; <a href=\"%s\">evidence</a>", ev_href);
	strbuf_addstr(sb, "</span>");
	if (full) {
		const char *k;
		json_t *v;
		strbuf_addstr(sb, "<p>");
		strbuf_add_html(sb, f->summary);
		strbuf_addstr(sb, "</p><div class=\"small pb-figures\">Evidence figures: ");
		json_object_foreach(f->figures, k, v)
			figure_chips(sb, k, v);
		json_object_foreach(f->figures, k, v)
			if (!flat_figure(v))
				figure_details(sb, k, v);
		strbuf_addf(sb, "<br>Where they come from: <a class=\"pb-evidence\" href=\"%s\">",
			    ev_href);
		strbuf_add_html(sb, ev_label);
		strbuf_addstr(sb, "</a></div>");
	}
	if (f->move) {
		strbuf_addstr(sb, "<p class=\"pb-move\"><strong>Move: ");
		strbuf_add_html(sb, f->move->name);
		strbuf_addstr(sb, "</strong>");
		if (full) {
			strbuf_addstr(sb, " ");
			strbuf_add_html(sb, f->move->text);
		}
		strbuf_addstr(sb, "</p>");
	}
	strbuf_addstr(sb, "</li>");
}

/* "Now", "Next", "Later" */
static const char *horizon_name(const char *h)
{
	return !strcmp(h, "now") ? "Now" : !strcmp(h, "next") ? "Next" : "Later";
}

/* The owner and due date of a step, for a person to act on. */
static void step_who(struct strbuf *sb, const struct roadmap_step *s)
{
	strbuf_addstr(sb, "<span class=\"small rm-who\">Owner: ");
	if (s->owner)
		strbuf_add_html(sb, roadmap_step_owner(s));
	else
		strbuf_addstr(sb, "none yet: name one");
	strbuf_addstr(sb, "; due ");
	strbuf_add_html(sb, s->due);
	strbuf_addstr(sb, "</span>");
}

static void step_item(struct strbuf *sb, const struct roadmap_step *s, size_t rank)
{
	strbuf_addf(sb, "<li class=\"rm-step\"><span class=\"pb-rank\">%zu</span> "
		    "<span class=\"rm-when rm-%s\">%s</span> ", rank, s->horizon,
		    horizon_name(s->horizon));
	strbuf_add_html(sb, s->action);
	strbuf_addstr(sb, "<br>");
	step_who(sb, s);
	strbuf_addstr(sb, "</li>");
}

/* ---- the overview's first screen ---- */

static void scorecards(struct strbuf *m, const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	size_t i, j;

	strbuf_addstr(m, "<div class=\"pb-cards\">");
	for (i = 0; i < cat->nmodels; i++) {
		const struct cat_model *cm = &cat->models[i];
		const struct rs_model *rm = ps->have_set ? &ps->rs.models[i] : NULL;
		size_t measured = 0, total = 0, shown = 0, nf = findings_of(&ps->fl, cm);
		const char *missing = NULL;
		int pass;

		strbuf_addstr(m, "<section class=\"pb-card");
		model_class(m, cm);
		strbuf_addf(m, "\" aria-labelledby=\"sc-%zu\"><h2 id=\"sc-%zu\"><a href=\"/models/", i, i);
		strbuf_add_html(m, cm->id);
		strbuf_addf(m, "\">%d. ", cm->number);
		strbuf_add_html(m, cm->short_name && *cm->short_name ? cm->short_name : cm->name);
		strbuf_addstr(m, "</a></h2><p><a href=\"/readiness\" class=\"pb-level\">");
		if (rm && rm->level >= 0) {
			strbuf_addf(m, "Readiness %d ", rm->level);
			strbuf_add_html(m, level_name(cat, rm->level));
			strbuf_addstr(m, "</a>");
			if (rm->limiting_dim >= 0) {
				strbuf_addstr(m, "<br><span class=\"small\">weakest: ");
				strbuf_add_html(m, cat->dimensions[rm->limiting_dim].name);
				strbuf_addstr(m, "</span>");
			}
		} else {
			strbuf_addstr(m, "Readiness not assessed</a>");
		}
		strbuf_addstr(m, "</p><ul class=\"pb-figs\">");
		/* up to two figures: measured metrics first, then the first unmeasured */
		for (pass = 0; pass < 2; pass++)
			for (j = 0; j < cat->nmetrics; j++) {
				const struct evidence_value *ev = &ps->metrics[j];
				int is_measured = ev->state == EV_MEASURED;
				struct metric_summary sum;
				struct aiv_err err = AIV_ERR_INIT;
				if (cat->metrics[j].model != (int)i || is_measured != !pass)
					continue;
				total++;
				measured += is_measured;
				if (!is_measured && !missing)
					missing = ev->source;
				if (shown >= 2)
					continue;
				shown++;
				if (metric_summary_get(ps->env.store, cat, cat->metrics[j].id, ps->env.now,
						       &sum, &err)) {
					strbuf_addstr(m, "<li class=\"pb-missing\">");
					strbuf_add_html(m, err.msg);
					strbuf_addstr(m, "</li>");
				} else {
					pages_metric_figure(m, &sum);
				}
				metric_summary_release(&sum);
			}
		strbuf_addf(m, "<li class=\"small\">%zu of %zu metrics measured</li>", measured, total);
		if (measured == 0 && missing) {
			strbuf_addstr(m, "<li class=\"pb-missing\" title=\"");
			strbuf_add_html(m, missing);
			strbuf_addstr(m, "\">");
			strbuf_add_html(m, missing);
			strbuf_addstr(m, "</li>");
		}
		strbuf_addf(m, "</ul><p><a href=\"/findings#model-%s\">%zu open finding%s</a></p>"
			    "</section>", is_slug(cm->id) ? cm->id : "", nf, nf == 1 ? "" : "s");
	}
	strbuf_addstr(m, "</div>");
}

/* The gate result on `metric`, or NULL. */
static const struct gate_result *gate_on(const struct phase_verdict *pv, const char *metric)
{
	size_t i;

	for (i = 0; i < pv->ng; i++)
		if (!strcmp(pv->g[i].cr->metric, metric))
			return &pv->g[i];
	return NULL;
}

/*
 * The setup checklist of a workspace without evidence: what to import,
 * in what order, and what each step unlocks.  A step is done when the
 * gate criterion it feeds has a measured figure (the same evidence the
 * phase verdict reads), so the list and the verdict never disagree.
 */
static void count_person(const char *name, const char *email, void *data)
{
	(void)name;
	(void)email;
	(*(size_t *)data)++;
}

static void setup_checklist(struct strbuf *m, struct store *store,
			    const struct playbook_state *ps)
{
	struct aiv_err err = AIV_ERR_INIT;
	size_t people = 0;
	static const struct {
		const char *what, *cmd, *unlocks, *metric;
	} steps[] = {
		{ "People, teams and initiatives", "aivalue apply -f org.yaml",
		  "names and owners on every page, and the initiatives each figure belongs to", NULL },
		{ "AI usage exports (Copilot, ChatGPT Enterprise, Microsoft 365)",
		  "aivalue import usage FILE --format F",
		  "model 1: repeated use by role, proficiency, the two-tier workforce check, and "
		  "two of the three phase 1 criteria", "functions_with_repeat_use" },
		{ "Readiness answers, with their evidence files", "aivalue assess org",
		  "governance basics (what is allowed, reviewed, logged and owned), the last "
		  "phase 1 criterion", "governance_basics_evidenced" },
		{ "Value hypotheses and their observations or a process event log",
		  "aivalue apply -f hypotheses.yaml, then aivalue evidence --data FILE.csv or "
		  "aivalue import cases FILE", "proof of value in days and percent: the phase 2 "
		  "evidence of value", "supported_hypotheses" },
		{ "Artefacts and change requests", "aivalue artefacts sync DIR",
		  "model 4: change control, audit readiness of changes", "change_audit_readiness" },
		{ "Agents, workflows and their exceptions", "aivalue apply -f agents.yaml, then "
		  "aivalue workflow import-spans FILE", "model 5: agent decisions, the exception "
		  "queue and its time to resolve", "exceptions_within_sla" },
	};
	size_t i;

	/* shown only while nothing is measured: a small workspace to count */
	if (org_each_person(store, count_person, &people, &err))
		people = 0;
	strbuf_addstr(m, "<section class=\"card setup\" id=\"setup\"><h2>Set up this workspace"
		      "</h2><p class=\"lead\">Nothing is measured yet, so no phase is earned. "
		      "Import in this order; each step unlocks the figures named.</p>"
		      "<ol class=\"setup-steps\">");
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		const struct gate_result *g = steps[i].metric ? gate_on(&ps->pv, steps[i].metric) : NULL;
		int done = steps[i].metric ? g && g->ev.state == EV_MEASURED && g->ev.value > 0
					   : people > 0;
		strbuf_addf(m, "<li class=\"%s\"><strong>", done ? "done" : "todo");
		strbuf_add_html(m, steps[i].what);
		strbuf_addf(m, "</strong> <span class=\"pb-badge pb-%s\">%s</span><br><code>",
			    done ? "pass" : "lacks", done ? "done" : "to do");
		strbuf_add_html(m, steps[i].cmd);
		strbuf_addstr(m, "</code><br><span class=\"small\">Unlocks: ");
		strbuf_add_html(m, steps[i].unlocks);
		strbuf_addstr(m, "</span></li>");
	}
	strbuf_addstr(m, "</ol><p class=\"small\">Or see it all on made-up data first: "
		      "<code>aivalue demo --size small --serve</code>.</p></section>");
}

void pages_playbook_overview(struct http_request *req, struct strbuf *m)
{
	char head[256];
	struct playbook_state ps;
	struct aiv_err err = AIV_ERR_INIT;
	const struct catalog *cat = req->cat;
	const struct cat_phase *next = NULL;
	size_t i, npass = 0, nfail = 0, nlacks = 0, shown;

	if (playbook_compute(req->store, cat, assess_questionnaire_path(), NULL, time_now_us(),
			     &ps, &err)) {
		strbuf_addstr(m, "<p class=\"notice\">Cannot compute the playbook: ");
		strbuf_add_html(m, err.msg);
		strbuf_addstr(m, "</p>");
		playbook_release(&ps);
		return;
	}
	for (i = 0; i < cat->nphases; i++)
		if (cat->phases[i].number == ps.pv.earned + 1)
			next = &cat->phases[i];
	for (i = 0; i < ps.pv.ng; i++)
		if (ps.pv.g[i].phase->number == ps.pv.earned) {
			npass += ps.pv.g[i].status == GATE_PASS;
			nfail += ps.pv.g[i].status == GATE_FAIL;
			nlacks += ps.pv.g[i].status == GATE_LACKS;
		}
	strbuf_addstr(m, "<div class=\"pb-head\"><h1><a href=\"/phase\">");
	strbuf_add_html(m, phase_headline(&ps.pv, cat->nphases, head, sizeof(head)));
	strbuf_addstr(m, "</a></h1><p class=\"lead\">");
	if (next) {
		strbuf_addf(m, "Phase %d (", next->number);
		strbuf_add_html(m, next->name);
		strbuf_addf(m, ") needs every criterion of the phase %d exit gate: "
			    "%zu pass, %zu fail, %zu lack evidence.", ps.pv.earned, npass, nfail, nlacks);
	} else {
		strbuf_addstr(m, "Every exit gate passes: the last phase is earned.");
	}
	if (ps.pv.nahead)
		strbuf_addf(m, " <a href=\"/phase#ahead\">%zu initiative%s running ahead of "
			    "their gate</a>.", ps.pv.nahead, ps.pv.nahead == 1 ? "" : "s");
	strbuf_addstr(m, "</p></div>");
	if (!ps.pv.evidenced)
		setup_checklist(m, req->store, &ps);

	scorecards(m, &ps);

	strbuf_addstr(m, "<div class=\"pb-grid\"><section class=\"card\" aria-labelledby=\"pb-why\">"
		      "<h2 id=\"pb-why\">Why: the gate to the next phase</h2><ul class=\"pb-gates\">");
	for (i = 0; i < ps.pv.ng; i++) {
		const struct gate_result *g = &ps.pv.g[i];
		if (next && g->phase->number != ps.pv.earned)
			continue;
		strbuf_addstr(m, "<li>");
		badge(m, gate_status_names[g->status]);
		strbuf_addstr(m, " <a href=\"/phase#gate-");
		strbuf_add_html(m, g->cr->id);
		strbuf_addstr(m, "\">");
		strbuf_add_html(m, g->cr->description);
		strbuf_addstr(m, "</a> ");
		gate_figure(m, cat, g);
		gate_evidence(m, cat, g);
		strbuf_addstr(m, "</li>");
	}
	strbuf_addstr(m, "</ul></section>");

	strbuf_addf(m, "<section class=\"card\" aria-labelledby=\"pb-find\"><h2 id=\"pb-find\">"
		    "<a href=\"/findings\">Open findings (%zu)</a> and leadership moves</h2>",
		    ps.fl.n);
	if (!ps.fl.n)
		strbuf_addstr(m, "<p class=\"empty\">No open findings.</p>");
	strbuf_addstr(m, "<ul class=\"pb-findings\">");
	for (i = 0, shown = 0; i < ps.fl.n && shown < 4; i++, shown++)
		finding_item(m, &ps.fl.f[i], 0);
	strbuf_addstr(m, "</ul>");
	if (ps.fl.n > shown)
		strbuf_addf(m, "<p class=\"small\"><a href=\"/findings\">%zu more</a></p>",
			    ps.fl.n - shown);
	if (ps.fl.ngaps)
		strbuf_addf(m, "<p class=\"small\"><a href=\"/findings#not-assessed\">%zu failure "
			    "mode%s not assessed</a> for lack of evidence.</p>",
			    ps.fl.ngaps, ps.fl.ngaps == 1 ? "" : "s");
	strbuf_addstr(m, "</section>");

	strbuf_addstr(m, "<section class=\"card\" aria-labelledby=\"pb-next\"><h2 id=\"pb-next\">"
		      "<a href=\"/roadmap\">What to do next</a></h2><ol class=\"pb-steps\">");
	for (i = 0; i < ps.rm.n && i < NEXT_STEPS; i++)
		step_item(m, &ps.rm.steps[i], i + 1);
	strbuf_addstr(m, "</ol>");
	if (!ps.rm.n)
		strbuf_addstr(m, "<p class=\"empty\">No step: every gate passes.</p>");
	strbuf_addstr(m, "<p class=\"small\"><a href=\"/api/v1/report?format=html\">"
		      "The full report</a> (standalone HTML, prints to PDF)</p></section></div>");
	playbook_release(&ps);
}

/* ---- GET /phase ---- */

static void h_phase_page(struct http_request *req, struct http_response *res)
{
	char head[256];
	const struct catalog *cat = req->cat;
	struct playbook_state ps;
	struct strbuf m = STRBUF_INIT;
	size_t i, k;

	if (load(req, res, NULL, &ps))
		goto out;
	strbuf_addstr(&m, "<h1>");
	strbuf_add_html(&m, phase_headline(&ps.pv, cat->nphases, head, sizeof(head)));
	strbuf_addstr(&m, "</h1><p class=\"lead\">Phase 1 is where every organisation starts; "
		      "phase N+1 is earned when every exit-gate criterion of phases 1 to N passes. "
		      "A criterion lacking evidence never passes. Each source says where the figure "
		      "comes from, or which import would supply it.</p>");
	for (i = 0; i < ps.pv.ng; i++) {
		const struct gate_result *g = &ps.pv.g[i];
		const struct rq_gatexw *x = questionnaire_gate_xwalk(ps.q, g->cr->id);
		if (i == 0 || g->phase != ps.pv.g[i - 1].phase) {
			if (i)
				strbuf_addstr(&m, "</tbody></table></section>");
			strbuf_addf(&m, "<section class=\"card\"><h2>Exit gate of phase %d: ",
				    g->phase->number);
			strbuf_add_html(&m, g->phase->name);
			strbuf_addstr(&m, "</h2><table class=\"sortable\"><thead><tr><th>Status</th>"
				      "<th>Criterion</th><th>Figure</th><th>Source of the evidence</th>"
				      "<th>NIST AI RMF</th><th>ISO/IEC 42001</th></tr></thead><tbody>");
		}
		strbuf_addstr(&m, "<tr id=\"gate-");
		strbuf_add_html(&m, g->cr->id);
		strbuf_addstr(&m, "\"><td>");
		badge(&m, gate_status_names[g->status]);
		strbuf_addstr(&m, "</td><td><strong>");
		strbuf_add_html(&m, g->cr->description);
		strbuf_addstr(&m, "</strong><br><code>");
		strbuf_add_html(&m, g->cr->metric);
		strbuf_addstr(&m, "</code></td><td>");
		gate_figure(&m, cat, g);
		strbuf_addstr(&m, "</td><td>");
		gate_evidence(&m, cat, g);
		strbuf_addstr(&m, "</td><td class=\"small\">");
		for (k = 0; x && k < x->nist.n; k++) {
			strbuf_addstr(&m, k ? ", " : "");
			strbuf_add_html(&m, x->nist.v[k]);
		}
		strbuf_addstr(&m, "</td><td class=\"small\">");
		for (k = 0; x && k < x->iso.n; k++) {
			strbuf_addstr(&m, k ? ", " : "");
			strbuf_add_html(&m, x->iso.v[k]);
		}
		strbuf_addstr(&m, "</td></tr>");
	}
	if (ps.pv.ng)
		strbuf_addstr(&m, "</tbody></table></section>");
	strbuf_addstr(&m, "<section class=\"card\" id=\"ahead\"><h2>Initiatives running ahead of "
		      "their gate</h2>");
	if (!ps.pv.nahead) {
		strbuf_addstr(&m, "<p class=\"empty\">None.</p>");
	} else {
		strbuf_addstr(&m, "<p class=\"small\">In pilot or production above the earned phase: "
			      "agent control runs such workflows supervised.</p><table class=\"sortable\">"
			      "<thead><tr><th>Initiative</th><th>Model</th><th>Status</th>"
			      "<th class=\"num\">Its phase</th></tr></thead><tbody>");
		for (i = 0; i < ps.pv.nahead; i++) {
			strbuf_addstr(&m, "<tr><td>");
			strbuf_add_html(&m, ps.pv.ahead[i].initiative);
			strbuf_addstr(&m, "</td><td><a href=\"/models/");
			strbuf_add_html(&m, ps.pv.ahead[i].model);
			strbuf_addstr(&m, "\">");
			strbuf_add_html(&m, ps.pv.ahead[i].model);
			strbuf_addstr(&m, "</a></td><td>");
			strbuf_add_html(&m, ps.pv.ahead[i].status);
			strbuf_addf(&m, "</td><td class=\"num\">%d</td></tr>", ps.pv.ahead[i].phase);
		}
		strbuf_addstr(&m, "</tbody></table>");
	}
	strbuf_addstr(&m, "</section>");
	http_page_send(req, res, 200, "Phase", "/phase", m.buf);
out:
	strbuf_release(&m);
	playbook_release(&ps);
}

/* ---- GET /findings ---- */

static void h_findings_page(struct http_request *req, struct http_response *res)
{
	const struct catalog *cat = req->cat;
	struct playbook_state ps;
	struct strbuf m = STRBUF_INIT;
	const char *name[3] = { "high", "medium", "low" };
	double counts[3] = { 0, 0, 0 };
	struct svg_series s;
	struct svg_chart c;
	size_t i, j;

	if (load(req, res, NULL, &ps))
		goto out;
	for (i = 0; i < ps.fl.n; i++)
		for (j = 0; j < 3; j++)
			if (!strcmp(ps.fl.f[i].severity, name[j]))
				counts[j]++;
	strbuf_addf(&m, "<h1>Findings</h1><p class=\"lead\">%zu open finding%s from the "
		    "failure-mode detectors, each with its evidence figures and the leadership "
		    "move that answers it.</p>", ps.fl.n, ps.fl.n == 1 ? "" : "s");
	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.id = "chart-severity";
	c.title = "Open findings by severity";
	c.x_title = "findings (count)";
	c.unit = "findings";
	c.categories = name;
	c.ncategories = 3;
	c.flags = SVG_HORIZONTAL | SVG_INTEGER;
	c.width = 520;
	c.height = 170;
	s.name = "findings";
	s.color = "#D55E00";
	s.y = counts;
	s.n = 3;
	strbuf_addstr(&m, "<section class=\"card pb-chart\">");
	svg_bar(&m, &c, &s);
	strbuf_addstr(&m, "</section>");
	for (i = 0; i < cat->nmodels; i++) {
		const struct cat_model *cm = &cat->models[i];
		size_t nf = findings_of(&ps.fl, cm);
		if (!nf)
			continue;
		strbuf_addstr(&m, "<section class=\"card model-head");
		model_class(&m, cm);
		strbuf_addf(&m, "\" id=\"model-%s\"><h2><a href=\"/models/", is_slug(cm->id) ? cm->id : "");
		strbuf_add_html(&m, cm->id);
		strbuf_addstr(&m, "\">");
		strbuf_add_html(&m, cm->name);
		strbuf_addf(&m, "</a> (%zu)</h2><ul class=\"pb-findings\">", nf);
		for (j = 0; j < ps.fl.n; j++)
			if (ps.fl.f[j].model == cm)
				finding_item(&m, &ps.fl.f[j], 1);
		strbuf_addstr(&m, "</ul></section>");
	}
	if (findings_of(&ps.fl, NULL)) {
		strbuf_addstr(&m, "<section class=\"card\"><h2>Across models</h2><ul class=\"pb-findings\">");
		for (j = 0; j < ps.fl.n; j++)
			if (!ps.fl.f[j].model)
				finding_item(&m, &ps.fl.f[j], 1);
		strbuf_addstr(&m, "</ul></section>");
	}
	strbuf_addstr(&m, "<section class=\"card\" id=\"not-assessed\"><h2>Not assessed: lacks "
		      "evidence</h2>");
	if (!ps.fl.ngaps)
		strbuf_addstr(&m, "<p class=\"empty\">Every detector had its evidence.</p>");
	else
		strbuf_addstr(&m, "<table><thead><tr><th>Failure mode</th><th>Import that "
			      "supplies the evidence</th></tr></thead><tbody>");
	for (i = 0; i < ps.fl.ngaps; i++) {
		strbuf_addstr(&m, "<tr><td>");
		strbuf_add_html(&m, ps.fl.gaps[i].name);
		strbuf_addstr(&m, "</td><td>");
		strbuf_add_html(&m, ps.fl.gaps[i].lacks);
		strbuf_addstr(&m, "</td></tr>");
	}
	if (ps.fl.ngaps)
		strbuf_addstr(&m, "</tbody></table>");
	strbuf_addstr(&m, "</section>");
	http_page_send(req, res, 200, "Findings", "/findings", m.buf);
out:
	strbuf_release(&m);
	playbook_release(&ps);
}

/* ---- GET /roadmap ---- */

static void h_roadmap_page(struct http_request *req, struct http_response *res)
{
	const struct catalog *cat = req->cat;
	const char *industry = http_query(req, "industry");
	struct playbook_state ps;
	struct strbuf m = STRBUF_INIT;
	const char **labels = NULL;
	char (*lb)[96] = NULL;
	double *pri = NULL;
	struct svg_series s;
	struct svg_chart c;
	size_t i, n;

	if (industry && !*industry)
		industry = NULL;
	if (load(req, res, industry, &ps))
		goto out;
	strbuf_addf(&m, "<h1>Roadmap</h1><p class=\"lead\">Next steps in priority order: "
		    "each step's priority is its gap times its impact times its dependency, "
		    "explained on each row; the first three are for now, the next four for the "
		    "next quarter, the rest later.</p>");
	strbuf_addstr(&m, "<form method=\"get\" action=\"/roadmap\" class=\"pb-form\"><label "
		      "for=\"industry\">Industry path</label> <select id=\"industry\" "
		      "name=\"industry\"><option value=\"generic\">generic</option>");
	for (i = 0; i < cat->nindustries; i++) {
		strbuf_addstr(&m, "<option value=\"");
		strbuf_add_html(&m, cat->industries[i].id);
		strbuf_addstr(&m, "\"");
		if (ps.rm.industry == &cat->industries[i])
			strbuf_addstr(&m, " selected");
		strbuf_addstr(&m, ">");
		strbuf_add_html(&m, cat->industries[i].name);
		strbuf_addstr(&m, "</option>");
	}
	strbuf_addstr(&m, "</select> <button type=\"submit\">Show</button></form>");
	n = ps.rm.n < 8 ? ps.rm.n : 8;
	if (n) {
		labels = xcalloc(n, sizeof(*labels));
		lb = xcalloc(n, sizeof(*lb));
		pri = xcalloc(n, sizeof(*pri));
		for (i = 0; i < n; i++) {
			snprintf(lb[i], sizeof(lb[i]), "%zu. %.60s%s", i + 1, ps.rm.steps[i].action,
				 strlen(ps.rm.steps[i].action) > 60 ? "..." : "");
			labels[i] = lb[i];
			pri[i] = ps.rm.steps[i].priority;
		}
		memset(&c, 0, sizeof(c));
		memset(&s, 0, sizeof(s));
		c.id = "chart-roadmap";
		c.title = "Priority of the next steps";
		c.x_title = "priority (gap x impact x dependency, 0 to 1)";
		c.categories = labels;
		c.ncategories = n;
		c.flags = SVG_HORIZONTAL;
		c.width = 900;
		c.height = 60 + 30 * (int)n;
		s.name = "priority";
		s.color = "#0072B2";
		s.y = pri;
		s.n = n;
		strbuf_addstr(&m, "<section class=\"card pb-chart\">");
		svg_bar(&m, &c, &s);
		strbuf_addstr(&m, "</section>");
	}
	strbuf_addstr(&m, "<section class=\"card\"><h2>Steps</h2><table class=\"sortable reflow\">"
		      "<thead><tr><th class=\"num\">Rank</th><th>When</th><th>Action</th>"
		      "<th>Owner</th><th>Due</th><th>Why and how it was ranked</th>"
		      "<th class=\"num\">Priority</th></tr></thead><tbody>");
	for (i = 0; i < ps.rm.n; i++) {
		const struct roadmap_step *st = &ps.rm.steps[i];
		strbuf_addf(&m, "<tr class=\"rm-row\"><td class=\"num\">%zu</td><td><span "
			    "class=\"rm-when rm-%s\">%s</span></td><td>", i + 1, st->horizon,
			    horizon_name(st->horizon));
		if (st->move) {
			strbuf_addstr(&m, "<strong class=\"rm-move\">");
			strbuf_add_html(&m, st->move);
			strbuf_addstr(&m, "</strong><br>");
		}
		strbuf_add_html(&m, st->action);
		strbuf_addstr(&m, "</td><td>");
		if (st->owner)
			strbuf_add_html(&m, roadmap_step_owner(st));
		else
			strbuf_addstr(&m, "none yet: name one");
		strbuf_addstr(&m, "</td><td class=\"nowrap\">");
		strbuf_add_html(&m, st->due);
		strbuf_addstr(&m, "</td><td class=\"small\">");
		strbuf_add_html(&m, st->why);
		strbuf_addstr(&m, "<br><span class=\"rm-how\">");
		strbuf_add_html(&m, st->how);
		strbuf_addf(&m, ".</span></td><td class=\"num\">%.2f</td></tr>", st->priority);
	}
	strbuf_addstr(&m, "</tbody></table></section><section class=\"card\"><h2>Phase 2 trio"
		      "</h2><table><thead><tr><th>Slot</th><th>Initiative</th><th>Why</th></tr>"
		      "</thead><tbody>");
	for (i = 0; i < 3; i++) {
		strbuf_addstr(&m, "<tr><td>");
		strbuf_add_html(&m, ps.rm.trio[i].slot);
		strbuf_addstr(&m, "</td><td>");
		strbuf_add_html(&m, ps.rm.trio[i].initiative ? trio_pick_name(&ps.rm.trio[i]) : "(none)");
		strbuf_addstr(&m, "</td><td class=\"small\">");
		strbuf_add_html(&m, ps.rm.trio[i].reason);
		strbuf_addstr(&m, "</td></tr>");
	}
	strbuf_addstr(&m, "</tbody></table></section>");
	if (ps.rm.industry) {
		strbuf_addstr(&m, "<section class=\"card\"><h2>");
		strbuf_add_html(&m, ps.rm.industry->name);
		strbuf_addstr(&m, " path</h2><ol>");
		for (i = 0; i < ps.rm.industry->nsteps; i++) {
			strbuf_addstr(&m, (int)i == ps.rm.industry_step ? "<li><strong>" : "<li>");
			strbuf_add_html(&m, ps.rm.industry->steps[i].model);
			strbuf_addstr(&m, ": ");
			strbuf_add_html(&m, ps.rm.industry->steps[i].focus);
			strbuf_addstr(&m, (int)i == ps.rm.industry_step ?
				      "</strong> (next)</li>" : "</li>");
		}
		strbuf_addstr(&m, "</ol></section>");
	}
	http_page_send(req, res, 200, "Roadmap", "/roadmap", m.buf);
out:
	free(labels);
	free(lb);
	free(pri);
	strbuf_release(&m);
	playbook_release(&ps);
}

/* ---- GET /readiness ---- */

static void h_readiness_page(struct http_request *req, struct http_response *res)
{
	const struct catalog *cat = req->cat;
	struct playbook_state ps;
	struct strbuf m = STRBUF_INIT;
	const char **labels = NULL, **colors = NULL;
	double *vals = NULL;
	size_t i;

	if (load(req, res, NULL, &ps))
		goto out;
	strbuf_addstr(&m, "<h1>Readiness</h1>");
	if (!ps.have_set) {
		strbuf_addstr(&m, "<p class=\"lead\">No readiness answers saved yet: run "
			      "<code>aivalue assess org</code> or POST the answers file to "
			      "<code>/api/v1/assess/answers</code>.</p>");
		http_page_send(req, res, 200, "Readiness", "/readiness", m.buf);
		goto out;
	}
	strbuf_addf(&m, "<p class=\"lead\">Answer set %lld (ledger entry %lld): %zu of %zu "
		    "questions answered. Dimension level = lower median of its answers, capped at "
		    "the lowest governance basic + %d (cap now %d). Model level = its weakest "
		    "dimension.</p>", (long long)ps.set.id, (long long)ps.set.seq, ps.rs.answered,
		    ps.rs.total, ps.q->scoring.governance_cap_margin, ps.rs.cap);
	labels = xcalloc(cat->ndimensions + cat->nmodels + 1, sizeof(*labels));
	colors = xcalloc(cat->nmodels + 1, sizeof(*colors));
	vals = xcalloc(cat->ndimensions + cat->nmodels + 1, sizeof(*vals));
	for (i = 0; i < cat->ndimensions; i++) {
		labels[i] = cat->dimensions[i].name;
		vals[i] = ps.rs.dims[i].level;
	}
	strbuf_addstr(&m, "<div class=\"charts\"><section class=\"card pb-chart\">");
	chart_radar(&m, "Readiness level per dimension", labels, vals, cat->ndimensions,
		    ps.q->max_level);
	strbuf_addstr(&m, "</section><section class=\"card pb-chart\">");
	for (i = 0; i < cat->nmodels; i++) {
		labels[i] = cat->models[i].name;
		colors[i] = cat->models[i].color;
		vals[i] = ps.rs.models[i].level;
	}
	{
		struct svg_chart c;
		struct svg_series s;
		char xt[64];

		snprintf(xt, sizeof(xt), "readiness level (0 to %d)", ps.q->max_level);
		memset(&c, 0, sizeof(c));
		memset(&s, 0, sizeof(s));
		c.id = "chart-model-readiness";
		c.title = "Readiness level per value model";
		c.desc = "Each value model's readiness level: its weakest dimension.";
		c.x_title = xt;
		c.unit = "level";
		c.categories = labels;
		c.ncategories = cat->nmodels;
		c.bar_colors = colors;
		c.flags = SVG_HORIZONTAL | SVG_INTEGER;
		c.value_max = ps.q->max_level;
		c.width = 560;
		c.height = 260;
		s.name = "readiness level";
		s.y = vals;
		s.n = cat->nmodels;
		svg_bar(&m, &c, &s);
	}
	strbuf_addstr(&m, "</section></div><section class=\"card\"><h2>Dimensions</h2><table "
		      "class=\"sortable\"><thead><tr><th>Dimension</th><th class=\"num\">Level</th>"
		      "<th class=\"num\">Before cap</th><th class=\"num\">Confidence</th>"
		      "<th class=\"num\">Answered</th></tr></thead><tbody>");
	for (i = 0; i < cat->ndimensions; i++) {
		const struct rs_dim *d = &ps.rs.dims[i];
		strbuf_addstr(&m, "<tr><td>");
		strbuf_add_html(&m, cat->dimensions[i].name);
		strbuf_addf(&m, "</td><td class=\"num\">%d %s%s</td><td class=\"num\">%d</td>"
			    "<td class=\"num\">%.2f</td><td class=\"num\">%zu/%zu</td></tr>",
			    d->level, level_name(cat, d->level), d->capped ? " (capped)" : "",
			    d->raw, d->confidence, d->answered, d->total);
	}
	strbuf_addstr(&m, "</tbody></table></section>");
	for (i = 0; i < ps.measured.n; i++) {
		const struct ra_measured *mn = &ps.measured.v[i];
		char v[32];
		if (i == 0)
			strbuf_addstr(&m, "<section class=\"card\"><h2>Measured answers</h2><p "
				      "class=\"small\">Measured signals replace stated answers; a "
				      "contradiction is shown, not hidden.</p><ul>");
		svg_format_number(v, sizeof(v), mn->value);
		strbuf_addstr(&m, "<li><code>");
		strbuf_add_html(&m, mn->question);
		strbuf_addstr(&m, "</code>: ");
		if (mn->stated_level >= 0)
			strbuf_addf(&m, "stated level %d; ", mn->stated_level);
		strbuf_addstr(&m, "measured ");
		strbuf_add_html(&m, mn->metric);
		strbuf_addf(&m, " = %s gives level %d", v, mn->measured_level);
		strbuf_addstr(&m, mn->agrees ? " (agrees)" : " (<strong>contradicts</strong>)");
		strbuf_addstr(&m, "</li>");
		if (i + 1 == ps.measured.n)
			strbuf_addstr(&m, "</ul></section>");
	}
	strbuf_addstr(&m, "<section class=\"card\"><h2>Answers and their provenance</h2><table "
		      "class=\"sortable\"><thead><tr><th>Question</th><th>Dimension</th>"
		      "<th>Answer</th><th class=\"num\">Level</th><th>Provenance</th>"
		      "<th>Evidence or source</th><th>As of</th></tr></thead><tbody>");
	for (i = 0; i < ps.q->n; i++) {
		const struct rq_question *rq = &ps.q->q[i];
		const struct ra_answer *a = ra_set_find(&ps.set, rq->id);
		char t[TIME_ISO_LEN];
		strbuf_addstr(&m, "<tr><td><code>");
		strbuf_add_html(&m, rq->id);
		strbuf_addstr(&m, "</code><br><span class=\"small\">");
		strbuf_add_html(&m, rq->text);
		strbuf_addstr(&m, "</span></td><td>");
		strbuf_add_html(&m, cat->dimensions[rq->dim].name);
		strbuf_addstr(&m, "</td>");
		if (!a || a->choice < 1 || (size_t)a->choice > rq->nchoices) {
			strbuf_addstr(&m, "<td class=\"empty\">not answered</td><td></td><td></td>"
				      "<td></td><td></td></tr>");
			continue;
		}
		strbuf_addstr(&m, "<td>");
		strbuf_add_html(&m, rq->choices[a->choice - 1].text);
		strbuf_addf(&m, "</td><td class=\"num\">%d</td><td>%s</td><td class=\"small\">",
			    a->level, provenance_names[a->provenance]);
		if (a->evidence_sha) {
			strbuf_add_html(&m, a->evidence_name ? a->evidence_name : "");
			strbuf_addstr(&m, " <code title=\"SHA-256 ");
			strbuf_add_html(&m, a->evidence_sha);
			strbuf_addf(&m, "\">%.12s</code>", a->evidence_sha);
		} else if (a->source) {
			strbuf_add_html(&m, a->source);
		}
		time_format_us(a->answered_at, t);
		t[10] = '\0';
		strbuf_addstr(&m, "</td><td>");
		strbuf_add_html(&m, t);
		strbuf_addstr(&m, "</td></tr>");
	}
	strbuf_addstr(&m, "</tbody></table></section>");
	http_page_send(req, res, 200, "Readiness", "/readiness", m.buf);
out:
	free(labels);
	free(colors);
	free(vals);
	strbuf_release(&m);
	playbook_release(&ps);
}

/* ---- GET /hypotheses ---- */

/*
 * The interval of an improvement as a small inline SVG: a line at zero
 * (no change), the interval as a bar, the estimate as a dot; right of
 * zero is better.  Green when the whole interval is an improvement, red
 * when it is all worse, grey when it straddles zero.
 */
static void ci_bar(struct strbuf *sb, const struct hyp_effect *e, const char *label)
{
	const double w = 180, h = 32, pad = 8;
	double lo = e->imp_lo, hi = e->imp_hi, span = fmax(fabs(lo), fabs(hi));
	double x0, x1, xz, xp;
	const char *cls = lo > 0 ? "ci-better" : hi < 0 ? "ci-worse" : "ci-unclear";

	if (!(span > 0) || !isfinite(span))
		span = 1;
	/* zero in the middle, the larger bound near an edge */
#define CI_X(v) (w / 2 + (v) / span * (w / 2 - pad))
	x0 = CI_X(lo);
	x1 = CI_X(hi);
	xz = CI_X(0);
	xp = CI_X(e->improvement);
#undef CI_X
	strbuf_addf(sb, "<svg class=\"ci-bar %s\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
		    "height=\"%.0f\" role=\"img\" aria-label=\"", cls, w, h, w, h);
	strbuf_add_html(sb, label);
	strbuf_addstr(sb, "\"><title>");
	strbuf_add_html(sb, label);
	strbuf_addf(sb, "</title><line class=\"ci-zero\" x1=\"%.1f\" y1=\"1\" x2=\"%.1f\" "
		    "y2=\"19\" stroke=\"#444\" stroke-width=\"1.5\"/>", xz, xz);
	strbuf_addf(sb, "<rect class=\"ci-range\" x=\"%.1f\" y=\"7\" width=\"%.1f\" height=\"6\" "
		    "rx=\"3\"/><circle class=\"ci-point point\" cx=\"%.1f\" cy=\"10\" r=\"4.5\">"
		    "<title>", x0, fmax(x1 - x0, 1), xp);
	strbuf_add_html(sb, label);
	strbuf_addstr(sb, "</title></circle>");
	strbuf_addf(sb, "<text x=\"2\" y=\"30\" font-size=\"10\" fill=\"#555\">&larr; worse</text>"
		    "<text x=\"%.1f\" y=\"30\" font-size=\"10\" fill=\"#555\" "
		    "text-anchor=\"middle\">no change</text><text x=\"%.0f\" y=\"30\" "
		    "font-size=\"10\" fill=\"#555\" text-anchor=\"end\">better &rarr;</text></svg>",
		    xz, w - 2);
}

static void h_hypotheses_page(struct http_request *req, struct http_response *res)
{
	struct playbook_state ps;
	struct strbuf m = STRBUF_INIT;
	const char *cats[3] = { "supported", "not supported", "insufficient data" };
	const char *cols[3] = { "#009E73", "#D55E00", "#E69F00" };
	double counts[3];
	struct svg_series s;
	struct svg_chart c;
	size_t i;

	if (load(req, res, NULL, &ps))
		goto out;
	counts[0] = (double)ps.hr.supported;
	counts[1] = (double)ps.hr.not_supported;
	counts[2] = (double)ps.hr.insufficient;
	strbuf_addf(&m, "<h1>Value hypotheses</h1><p class=\"lead\">%zu registered before the work "
		    "started; each is judged on its pre-registered criteria: %zu supported, %zu not "
		    "supported, %zu with insufficient data.</p>", ps.hr.n, ps.hr.supported,
		    ps.hr.not_supported, ps.hr.insufficient);
	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.id = "chart-verdicts";
	c.title = "Hypotheses by verdict";
	c.x_title = "hypotheses (count)";
	c.unit = "hypotheses";
	c.categories = cats;
	c.ncategories = 3;
	c.bar_colors = cols;
	c.flags = SVG_HORIZONTAL | SVG_INTEGER;
	c.width = 560;
	c.height = 170;
	s.name = "hypotheses";
	s.y = counts;
	s.n = 3;
	strbuf_addstr(&m, "<section class=\"card pb-chart\">");
	svg_bar(&m, &c, &s);
	strbuf_addstr(&m, "</section><section class=\"card\"><table class=\"sortable reflow\">"
		      "<thead><tr><th>Hypothesis</th><th>Verdict</th><th>Before and after</th>"
		      "<th>Change (better to the right)</th><th class=\"num\">Units compared</th>"
		      "<th>Why</th></tr></thead><tbody>");
	for (i = 0; i < ps.hr.n; i++) {
		const struct hyp_result *r = &ps.hr.r[i];
		const char *title = json_str(r->spec, "title");
		const struct cat_metric *cm = catalog_metric(req->cat, r->metric);
		struct hyp_words w;
		strbuf_addstr(&m, "<tr class=\"hyp\"><td data-label=\"Hypothesis\"><strong>");
		strbuf_add_html(&m, title && *title ? title : r->name);
		strbuf_addstr(&m, "</strong><br><span class=\"small\">");
		strbuf_add_html(&m, cm && cm->name ? cm->name : r->metric);
		strbuf_addstr(&m, ", initiative ");
		strbuf_add_html(&m, r->initiative);
		strbuf_addstr(&m, "</span></td><td data-label=\"Verdict\">");
		badge(&m, r->verdict);
		strbuf_addstr(&m, "</td>");
		if (r->e.ok && strcmp(r->verdict, "superseded")) {
			hyp_effect_words(&r->e, r->confidence, &w);
			strbuf_addstr(&m, "<td data-label=\"Before and after\" class=\"hyp-values\">");
			strbuf_add_html(&m, w.baseline);
			strbuf_addstr(&m, " &rarr; ");
			strbuf_add_html(&m, w.comparison);
			strbuf_addstr(&m, "</td><td data-label=\"Change\" class=\"hyp-change\"><strong>");
			strbuf_add_html(&m, w.relative);
			strbuf_addstr(&m, "</strong> <span class=\"small\">(");
			strbuf_add_html(&m, w.change);
			strbuf_addstr(&m, ")</span><br>");
			ci_bar(&m, &r->e, w.interval);
			strbuf_addstr(&m, "<br><span class=\"small\">");
			strbuf_add_html(&m, w.interval);
			strbuf_addstr(&m, "</span></td>");
		} else {
			strbuf_addstr(&m, "<td data-label=\"Before and after\">no data</td>"
				      "<td data-label=\"Change\">no data</td>");
		}
		strbuf_addf(&m, "<td data-label=\"Units compared\" class=\"num nowrap\">%zu / %zu</td>"
			    "<td data-label=\"Why\" class=\"small\">", r->e.na, r->e.nb);
		strbuf_add_html(&m, r->reason);
		strbuf_addstr(&m, r->review_due ? " (review date passed)</td></tr>" : "</td></tr>");
	}
	strbuf_addstr(&m, "</tbody></table>");
	if (!ps.hr.n)
		strbuf_addstr(&m, "<p class=\"empty\">No hypotheses registered: apply a "
			      "<code>kind: Hypothesis</code> document.</p>");
	strbuf_addstr(&m, "</section>");
	http_page_send(req, res, 200, "Hypotheses", "/hypotheses", m.buf);
out:
	strbuf_release(&m);
	playbook_release(&ps);
}

#define HUMANS ROLE_HUMANS

const struct http_route http_playbook_page_routes[] = {
	{ "GET", "/phase", HUMANS, R_PAGE, h_phase_page,
	  "dashboard: the phase earned and every gate criterion with its source", "dashboard",
	  NULL, "text/html" },
	{ "GET", "/findings", HUMANS, R_PAGE, h_findings_page,
	  "dashboard: open findings and their leadership moves", "dashboard", NULL, "text/html" },
	{ "GET", "/roadmap", HUMANS, R_PAGE, h_roadmap_page,
	  "dashboard: next steps and the Phase 2 trio", "dashboard", NULL, "text/html" },
	{ "GET", "/readiness", HUMANS, R_PAGE, h_readiness_page,
	  "dashboard: readiness radar and answers with provenance", "dashboard", NULL,
	  "text/html" },
	{ "GET", "/hypotheses", HUMANS, R_PAGE, h_hypotheses_page,
	  "dashboard: value hypotheses and their verdicts", "dashboard", NULL, "text/html" },
	HTTP_ROUTES_END,
};
