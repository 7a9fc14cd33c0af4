/*
 * report.c - the playbook report in HTML, Markdown and JSON.
 *
 * Sections, in the order a leadership team reads them:
 *   1. phase earned and each gate criterion (pass / fail / lacks evidence)
 *   2. readiness: radar per dimension, bars per value model
 *   3. scorecard per value model: readiness, metrics (or what is lacking),
 *      findings
 *   4. hypotheses and verdicts
 *   5. findings with the leadership move
 *   6. roadmap and the Phase 2 trio
 * The HTML is one file: CSS inline, charts inline SVG, no script, and
 * @media print rules so that Chromium's print-to-PDF gives clean A4 pages.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/cjson.h"
#include "report.h"
#include "report_charts.h"

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

static void fmt_value(char *buf, size_t len, const struct cat_metric *m, double v)
{
	if (!strcmp(m->unit, "ratio"))
		snprintf(buf, len, "%.1f%%", v * 100);
	else if (!strcmp(m->unit, "seconds"))
		snprintf(buf, len, "%.1f days", v / 86400);
	else
		snprintf(buf, len, "%g", v);
}

json_t *report_json(const struct playbook_state *ps, const struct report_meta *meta)
{
	const struct catalog *cat = ps->env.cat;
	json_t *o = json_object(), *metrics = json_array();
	size_t i;

	json_object_set_new(o, "generated_at", json_string(meta->generated_at));
	json_object_set_new(o, "workspace", json_string(meta->workspace));
	json_object_set_new(o, "ledger_head", json_pack("{s:I, s:s}", "seq",
			    (json_int_t)meta->head_seq, "hash", meta->head_hash));
	json_object_set_new(o, "phase", phase_verdict_json(&ps->pv));
	phase_json_add_crosswalk(json_object_get(o, "phase"), ps->q);
	json_object_set_new(o, "readiness", ps->have_set ?
			    readiness_score_json(cat, ps->q, &ps->set, &ps->rs) : json_null());
	for (i = 0; i < cat->nmetrics; i++)
		json_array_append_new(metrics, evidence_value_json(&ps->metrics[i],
			cat->metrics[i].model >= 0 ? cat->models[cat->metrics[i].model].id :
			"signal"));
	json_object_set_new(o, "metrics", metrics);
	json_object_set_new(o, "hypotheses", hyp_report_json(&ps->hr));
	json_object_set_new(o, "findings", finding_list_json(&ps->fl));
	json_object_set_new(o, "roadmap", roadmap_json(&ps->rm));
	json_object_set_new(o, "crosswalk", ps->crosswalk ? json_incref(ps->crosswalk) : json_array());
	json_object_set_new(o, "measured_answers",
			    ps->measured ? json_incref(ps->measured) : json_array());
	return o;
}

/* ---- HTML ---- */

static const char css[] =
	"*{box-sizing:border-box}"
	"body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;color:#1f2937;"
	"margin:0 auto;max-width:960px;padding:24px;font-size:13px;line-height:1.45}"
	"h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;"
	"border-bottom:2px solid #0072B2;padding-bottom:4px}h3{font-size:14px;margin:16px 0 6px}"
	".meta{color:#6b7280;font-size:11px}.phase{display:flex;gap:16px;align-items:center;"
	"margin:12px 0}.phase .big{font-size:40px;font-weight:bold;color:#0072B2;white-space:nowrap}"
	"table{border-collapse:collapse;width:100%;margin:6px 0 12px}"
	"th,td{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top}"
	"th{background:#f3f4f6;font-size:12px}td.num{text-align:right;white-space:nowrap}"
	".badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11px;"
	"font-weight:bold;white-space:nowrap}"
	".pass,.supported,.held{background:#d1fae5;color:#065f46}"
	".fail,.notsupported,.breached,.high{background:#fee2e2;color:#991b1b}"
	".lacks,.insufficient,.medium{background:#fef3c7;color:#92400e}"
	".superseded,.low{background:#e5e7eb;color:#374151}"
	".src{color:#6b7280;font-size:11px}.charts{display:flex;flex-wrap:wrap;gap:12px;"
	"align-items:flex-start}.model{border-left:4px solid #999;padding:2px 10px;margin:10px 0;"
	"break-inside:avoid}.move{background:#f0f7fc;padding:4px 8px;margin-top:4px}"
	"svg text{font-family:inherit}"
	"@page{size:A4;margin:14mm}"
	"@media print{body{max-width:none;padding:0;font-size:11px}"
	"h2{break-after:avoid}tr,.model,svg{break-inside:avoid}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static const char *status_class(const char *s)
{
	if (!strcmp(s, "pass") || !strcmp(s, "supported") || !strcmp(s, "held"))
		return "pass";
	if (!strcmp(s, "fail") || !strcmp(s, "not supported") || !strcmp(s, "breached") ||
	    !strcmp(s, "high"))
		return "fail";
	if (!strcmp(s, "superseded") || !strcmp(s, "low"))
		return "superseded";
	return "lacks";
}

static void badge(struct strbuf *sb, const char *s)
{
	strbuf_addf(sb, "<span class=\"badge %s\">", status_class(s));
	strbuf_add_html(sb, s);
	strbuf_addstr(sb, "</span>");
}

static void td(struct strbuf *sb, const char *s)
{
	strbuf_addstr(sb, "<td>");
	strbuf_add_html(sb, s ? s : "");
	strbuf_addstr(sb, "</td>");
}

static void html_phase(struct strbuf *sb, const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	size_t i;

	strbuf_addstr(sb, "<h2>1. Phase earned</h2><div class=\"phase\"><div class=\"big\">");
	strbuf_addf(sb, "%d / %zu</div><div><b>", ps->pv.earned, cat->nphases);
	strbuf_add_html(sb, ps->pv.phase ? ps->pv.phase->name : "");
	strbuf_addstr(sb, "</b><br>");
	strbuf_add_html(sb, ps->pv.phase ? ps->pv.phase->summary : "");
	strbuf_addstr(sb, "</div></div><table><thead><tr><th>Gate</th><th>Criterion</th>"
			  "<th>Status</th><th>Figure</th><th>Source</th><th>NIST AI RMF / "
			  "ISO/IEC 42001</th></tr></thead><tbody>");
	for (i = 0; i < ps->pv.ng; i++) {
		const struct gate_result *g = &ps->pv.g[i];
		char fig[128];
		if (g->ev.state == EV_MEASURED)
			snprintf(fig, sizeof(fig), "%.4g (needs %s %g)", g->ev.value, g->cr->op,
				 g->cr->value);
		else
			snprintf(fig, sizeof(fig), "- (needs %s %g)", g->cr->op, g->cr->value);
		strbuf_addf(sb, "<tr><td>Phase %d exit</td>", g->phase->number);
		td(sb, g->cr->description);
		strbuf_addstr(sb, "<td>");
		badge(sb, gate_status_names[g->status]);
		strbuf_addstr(sb, "</td>");
		strbuf_addf(sb, "<td class=\"num\">%s</td><td class=\"src\">", fig);
		strbuf_add_html(sb, g->ev.source);
		strbuf_addstr(sb, "</td><td class=\"src\">");
		{
			const struct rq_gatexw *x = questionnaire_gate_xwalk(ps->q, g->cr->id);
			size_t k;
			for (k = 0; x && k < x->nist.n; k++)
				strbuf_addf(sb, "%s%s", k ? ", " : "", x->nist.v[k]);
			strbuf_addstr(sb, "<br>");
			for (k = 0; x && k < x->iso.n; k++)
				strbuf_addf(sb, "%s%s", k ? ", " : "", x->iso.v[k]);
		}
		strbuf_addstr(sb, "</td></tr>");
	}
	strbuf_addstr(sb, "</tbody></table>");
	if (ps->pv.nahead) {
		strbuf_addstr(sb, "<h3>Initiatives running ahead of their gate</h3><table><thead><tr>"
				  "<th>Initiative</th><th>Model</th><th>Status</th><th>Phase</th>"
				  "</tr></thead><tbody>");
		for (i = 0; i < ps->pv.nahead; i++) {
			strbuf_addstr(sb, "<tr>");
			td(sb, ps->pv.ahead[i].initiative);
			td(sb, ps->pv.ahead[i].model);
			td(sb, ps->pv.ahead[i].status);
			strbuf_addf(sb, "<td class=\"num\">%d (earned %d)</td></tr>",
				    ps->pv.ahead[i].phase, ps->pv.earned);
		}
		strbuf_addstr(sb, "</tbody></table>");
	}
}

static void html_readiness(struct strbuf *sb, const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	const char **labels;
	const char **colors;
	double *vals;
	size_t i;
	int max = ps->q->max_level;

	strbuf_addstr(sb, "<h2>2. Readiness</h2>");
	if (!ps->have_set) {
		strbuf_addstr(sb, "<p>No readiness answers saved yet: run <code>aivalue assess "
				  "org</code>.</p>");
		return;
	}
	strbuf_addf(sb, "<p class=\"meta\">Answer set %lld (ledger entry %lld): %zu of %zu "
			"questions answered. Dimension level = lower median of its answers, "
			"capped at the lowest governance basic + %d (cap now %d). Model level = "
			"its weakest dimension.</p>",
		    (long long)ps->set.id, (long long)ps->set.seq, ps->rs.answered, ps->rs.total,
		    ps->q->scoring.governance_cap_margin, ps->rs.cap);
	labels = xcalloc(cat->ndimensions + cat->nmodels + 1, sizeof(*labels));
	colors = xcalloc(cat->nmodels + 1, sizeof(*colors));
	vals = xcalloc(cat->ndimensions + cat->nmodels + 1, sizeof(*vals));
	for (i = 0; i < cat->ndimensions; i++) {
		labels[i] = cat->dimensions[i].name;
		vals[i] = ps->rs.dims[i].level;
	}
	strbuf_addstr(sb, "<div class=\"charts\">");
	chart_radar(sb, "Readiness level per dimension", labels, vals, cat->ndimensions, max);
	for (i = 0; i < cat->nmodels; i++) {
		labels[i] = cat->models[i].name;
		colors[i] = cat->models[i].color;
		vals[i] = ps->rs.models[i].level;
	}
	chart_hbars(sb, "Readiness level per value model", labels, vals, colors, cat->nmodels,
		    max, "%.0f");
	strbuf_addstr(sb, "</div><table><thead><tr><th>Dimension</th><th>Level</th>"
			  "<th>Confidence</th><th>Answered</th></tr></thead><tbody>");
	for (i = 0; i < cat->ndimensions; i++) {
		const struct rs_dim *d = &ps->rs.dims[i];
		strbuf_addstr(sb, "<tr>");
		td(sb, cat->dimensions[i].name);
		if (d->level < 0)
			strbuf_addstr(sb, "<td>not assessed</td>");
		else
			strbuf_addf(sb, "<td>%d %s%s</td>", d->level, level_name(cat, d->level),
				    d->capped ? " (capped)" : "");
		strbuf_addf(sb, "<td class=\"num\">%.2f</td><td class=\"num\">%zu / %zu</td></tr>",
			    d->confidence, d->answered, d->total);
	}
	strbuf_addstr(sb, "</tbody></table><p>Governance basics: ");
	for (i = 0; i < RQ_NBASICS; i++) {
		strbuf_addf(sb, "%s%s ", i ? " &middot; " : "", rq_basic_names[i]);
		if (ps->rs.basic_level[i] < 0)
			strbuf_addstr(sb, "unanswered");
		else
			strbuf_addf(sb, "level %d", ps->rs.basic_level[i]);
		strbuf_addstr(sb, " ");
		badge(sb, ps->rs.basic_evidenced[i] ? "pass" : "lacks evidence");
	}
	strbuf_addstr(sb, "</p>");
	{
		json_t *mj;
		json_array_foreach(ps->measured, i, mj) {
			if (json_is_true(json_object_get(mj, "agrees")))
				continue;
			strbuf_addstr(sb, "<p>");
			badge(sb, "measured");
			strbuf_addstr(sb, " ");
			strbuf_add_html(sb, json_str(mj, "question"));
			if (json_is_integer(json_object_get(mj, "stated_level")))
				strbuf_addf(sb, ": stated level %lld, ",
					    (long long)json_integer_value(json_object_get(mj, "stated_level")));
			else
				strbuf_addstr(sb, ": not answered, ");
			strbuf_addstr(sb, "measured ");
			strbuf_add_html(sb, json_str(mj, "metric"));
			strbuf_addf(sb, " = %.4g gives level %lld (", json_real_value(json_object_get(mj, "value")),
				    (long long)json_integer_value(json_object_get(mj, "measured_level")));
			strbuf_add_html(sb, json_str(mj, "source"));
			strbuf_addstr(sb, ")</p>");
		}
	}
	free(labels);
	free(colors);
	free(vals);
}

static void html_scorecards(struct strbuf *sb, const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	size_t m, i;

	strbuf_addstr(sb, "<h2>3. Scorecard per value model</h2>");
	for (m = 0; m < cat->nmodels; m++) {
		const struct cat_model *cm = &cat->models[m];
		size_t nf = 0;
		strbuf_addf(sb, "<div class=\"model\" style=\"border-color:%s\"><h3>%d. ", cm->color,
			    cm->number);
		strbuf_add_html(sb, cm->name);
		strbuf_addstr(sb, "</h3><p>Readiness: ");
		if (ps->have_set && ps->rs.models[m].level >= 0)
			strbuf_addf(sb, "level %d %s (confidence %.2f)", ps->rs.models[m].level,
				    level_name(cat, ps->rs.models[m].level),
				    ps->rs.models[m].confidence);
		else
			strbuf_addstr(sb, "not assessed");
		strbuf_addstr(sb, ". Trend: needs two or more measurements per metric; none "
				  "recorded yet.</p><table><thead><tr><th>Metric</th><th>Value</th>"
				  "<th>Source</th></tr></thead><tbody>");
		for (i = cm->first_metric; i < cm->first_metric + cm->nmetrics; i++) {
			const struct evidence_value *ev = &ps->metrics[i];
			char v[64] = "-";
			if (ev->state == EV_MEASURED)
				fmt_value(v, sizeof(v), &cat->metrics[i], ev->value);
			strbuf_addstr(sb, "<tr>");
			td(sb, cat->metrics[i].name);
			strbuf_addf(sb, "<td class=\"num\">%s</td><td class=\"src\">", v);
			strbuf_add_html(sb, ev->source);
			strbuf_addstr(sb, "</td></tr>");
		}
		strbuf_addstr(sb, "</tbody></table>");
		for (i = 0; i < ps->fl.n; i++)
			if (ps->fl.f[i].model == cm)
				nf++;
		strbuf_addf(sb, "<p>Findings: %zu%s</p></div>", nf, nf ? " (see section 5)" : "");
	}
}

static void html_hypotheses(struct strbuf *sb, const struct playbook_state *ps)
{
	size_t i, j;

	strbuf_addstr(sb, "<h2>4. Hypotheses and verdicts</h2>");
	if (!ps->hr.n) {
		strbuf_addstr(sb, "<p>No hypotheses registered.</p>");
		return;
	}
	strbuf_addf(sb, "<p>%zu supported, %zu not supported, %zu insufficient data.</p>",
		    ps->hr.supported, ps->hr.not_supported, ps->hr.insufficient);
	strbuf_addstr(sb, "<table><thead><tr><th>Hypothesis</th><th>Metric</th><th>Verdict</th>"
			  "<th>Baseline &rarr; comparison</th><th>Effect [CI]</th><th>n</th>"
			  "<th>Guardrails</th></tr></thead><tbody>");
	for (i = 0; i < ps->hr.n; i++) {
		const struct hyp_result *r = &ps->hr.r[i];
		strbuf_addstr(sb, "<tr><td><b>");
		strbuf_add_html(sb, r->name);
		strbuf_addstr(sb, "</b><br><span class=\"src\">");
		strbuf_add_html(sb, r->initiative);
		strbuf_addstr(sb, "; ");
		strbuf_add_html(sb, r->reason);
		strbuf_addstr(sb, "</span></td>");
		td(sb, r->metric);
		strbuf_addstr(sb, "<td>");
		badge(sb, r->verdict);
		strbuf_addstr(sb, "</td>");
		if (r->e.ok && strcmp(r->verdict, "superseded"))
			strbuf_addf(sb, "<td class=\"num\">%.4g &rarr; %.4g</td><td class=\"num\">"
					"%+.4g [%.4g, %.4g]</td><td class=\"num\">%zu / %zu</td>",
				    r->e.baseline, r->e.treatment, r->e.effect, r->e.lo, r->e.hi,
				    r->e.na, r->e.nb);
		else
			strbuf_addstr(sb, "<td>-</td><td>-</td><td>-</td>");
		strbuf_addstr(sb, "<td>");
		for (j = 0; j < r->nguards; j++) {
			strbuf_add_html(sb, r->guards[j].metric);
			strbuf_addstr(sb, " ");
			badge(sb, r->guards[j].verdict);
			strbuf_addstr(sb, "<br>");
		}
		strbuf_addstr(sb, "</td></tr>");
	}
	strbuf_addstr(sb, "</tbody></table>");
}

static void html_findings(struct strbuf *sb, const struct playbook_state *ps)
{
	size_t i;

	strbuf_addstr(sb, "<h2>5. Findings</h2>");
	if (!ps->fl.n)
		strbuf_addstr(sb, "<p>No findings from the detectors that have evidence.</p>");
	for (i = 0; i < ps->fl.n; i++) {
		const struct finding *f = &ps->fl.f[i];
		char *fig = json_dumps(f->figures, JSON_COMPACT | JSON_SORT_KEYS);
		strbuf_addstr(sb, "<div class=\"model\"");
		if (f->model)
			strbuf_addf(sb, " style=\"border-color:%s\"", f->model->color);
		strbuf_addstr(sb, ">");
		badge(sb, f->severity);
		strbuf_addstr(sb, " <b>");
		strbuf_add_html(sb, f->name);
		strbuf_addstr(sb, "</b>: ");
		strbuf_add_html(sb, f->summary);
		strbuf_addstr(sb, "<br><span class=\"src\">");
		strbuf_add_html(sb, fig ? fig : "");
		strbuf_addstr(sb, "</span>");
		if (f->move) {
			strbuf_addstr(sb, "<div class=\"move\"><b>");
			strbuf_add_html(sb, f->move->name);
			strbuf_addstr(sb, ".</b> ");
			strbuf_add_html(sb, f->move->text);
			strbuf_addstr(sb, "</div>");
		}
		strbuf_addstr(sb, "</div>");
		free(fig);
	}
	if (ps->fl.ngaps) {
		strbuf_addstr(sb, "<h3>Not assessed (lacks evidence)</h3><ul>");
		for (i = 0; i < ps->fl.ngaps; i++) {
			strbuf_addstr(sb, "<li><b>");
			strbuf_add_html(sb, ps->fl.gaps[i].name);
			strbuf_addstr(sb, "</b>: ");
			strbuf_add_html(sb, ps->fl.gaps[i].lacks);
			strbuf_addstr(sb, "</li>");
		}
		strbuf_addstr(sb, "</ul>");
	}
}

static void html_roadmap(struct strbuf *sb, const struct playbook_state *ps)
{
	const struct roadmap *rm = &ps->rm;
	size_t i;

	strbuf_addstr(sb, "<h2>6. Roadmap</h2><p class=\"meta\">Priority = gap &times; impact "
			  "&times; dependency (docs/playbook.md); ties by kind, then id.</p>");
	strbuf_addstr(sb, "<h3>Phase 2 trio</h3><table><thead><tr><th>Slot</th><th>Initiative</th>"
			  "<th>Why</th></tr></thead><tbody>");
	for (i = 0; i < 3; i++) {
		strbuf_addstr(sb, "<tr>");
		td(sb, rm->trio[i].slot);
		td(sb, rm->trio[i].initiative ? rm->trio[i].initiative : "(none)");
		td(sb, rm->trio[i].reason);
		strbuf_addstr(sb, "</tr>");
	}
	strbuf_addstr(sb, "</tbody></table>");
	if (rm->industry) {
		strbuf_addstr(sb, "<h3>Industry path: ");
		strbuf_add_html(sb, rm->industry->name);
		strbuf_addstr(sb, "</h3><ol>");
		for (i = 0; i < rm->industry->nsteps; i++) {
			strbuf_addstr(sb, (int)i == rm->industry_step ? "<li><b>(now) " : "<li>");
			strbuf_add_html(sb, rm->industry->steps[i].model);
			strbuf_addstr(sb, ": ");
			strbuf_add_html(sb, rm->industry->steps[i].focus);
			strbuf_addstr(sb, (int)i == rm->industry_step ? "</b></li>" : "</li>");
		}
		strbuf_addstr(sb, "</ol>");
	}
	strbuf_addstr(sb, "<h3>Next steps</h3><table><thead><tr><th>#</th><th>Step</th>"
			  "<th>Priority</th><th>Why</th></tr></thead><tbody>");
	for (i = 0; i < rm->n; i++) {
		strbuf_addf(sb, "<tr><td class=\"num\">%zu</td>", i + 1);
		td(sb, rm->steps[i].title);
		strbuf_addf(sb, "<td class=\"num\">%.3f</td><td class=\"src\">", rm->steps[i].priority);
		strbuf_add_html(sb, rm->steps[i].why);
		strbuf_addstr(sb, "</td></tr>");
	}
	strbuf_addstr(sb, "</tbody></table>");
}

static void html_crosswalk(struct strbuf *sb, const struct playbook_state *ps)
{
	size_t i, j, k;
	json_t *fw, *row, *qq;

	strbuf_addstr(sb, "<h2>7. Audit crosswalk</h2><p>Every readiness question and gate "
			  "criterion names NIST AI RMF 1.0 subcategories and ISO/IEC 42001 Annex A "
			  "controls (ids only). ");
	if (!json_array_size(ps->crosswalk)) {
		strbuf_addstr(sb, "No framework library is imported; <code>aivalue assess import "
				  "LIBRARY.yaml</code> reads one in CISO Assistant's format.</p>");
		return;
	}
	strbuf_addstr(sb, "Imported frameworks, scored from the same answers (lowest mapped "
			  "answer level on the framework's scale):</p>");
	json_array_foreach(ps->crosswalk, i, fw) {
		json_t *sum = json_object_get(fw, "summary");
		strbuf_addstr(sb, "<h3>");
		strbuf_add_html(sb, json_str(fw, "name"));
		strbuf_addf(sb, "</h3><p class=\"meta\">%lld assessable requirements, %lld covered by "
				"our questions, %lld answered</p><table><thead><tr><th>Requirement</th>"
				"<th>Score</th><th>Questions</th></tr></thead><tbody>",
			    (long long)json_integer_value(json_object_get(sum, "assessable")),
			    (long long)json_integer_value(json_object_get(sum, "covered")),
			    (long long)json_integer_value(json_object_get(sum, "answered")));
		json_array_foreach(json_object_get(fw, "requirements"), j, row) {
			strbuf_addstr(sb, "<tr>");
			td(sb, json_str(row, "ref_id") ? json_str(row, "ref_id") : json_str(row, "urn"));
			if (json_is_integer(json_object_get(row, "score"))) {
				strbuf_addf(sb, "<td>%lld ",
					    (long long)json_integer_value(json_object_get(row, "score")));
				strbuf_add_html(sb, json_str(row, "score_name") ? json_str(row, "score_name") : "");
				strbuf_addstr(sb, "</td>");
			} else {
				strbuf_addf(sb, "<td>%s</td>", json_array_size(json_object_get(row,
					    "questions")) ? "unanswered" : "not covered");
			}
			strbuf_addstr(sb, "<td class=\"src\">");
			json_array_foreach(json_object_get(row, "questions"), k, qq) {
				strbuf_addstr(sb, k ? ", " : "");
				strbuf_add_html(sb, json_string_value(qq));
			}
			strbuf_addstr(sb, "</td></tr>");
		}
		strbuf_addstr(sb, "</tbody></table>");
	}
}

static void render_html(const struct playbook_state *ps, const struct report_meta *meta,
			struct strbuf *sb)
{
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			  "<meta name=\"viewport\" content=\"width=device-width\">"
			  "<title>aivalue playbook report</title><style>");
	strbuf_addstr(sb, css);
	strbuf_addstr(sb, "</style></head><body><h1>AI value playbook report</h1>"
			  "<p class=\"meta\">Generated ");
	strbuf_add_html(sb, meta->generated_at);
	strbuf_addstr(sb, " from ");
	strbuf_add_html(sb, meta->workspace);
	strbuf_addf(sb, " &middot; ledger head %lld:%.16s&hellip; (verify with <code>aivalue audit "
			"verify --expect-head</code>)</p>", (long long)meta->head_seq, meta->head_hash);
	html_phase(sb, ps);
	html_readiness(sb, ps);
	html_scorecards(sb, ps);
	html_hypotheses(sb, ps);
	html_findings(sb, ps);
	html_roadmap(sb, ps);
	html_crosswalk(sb, ps);
	strbuf_addstr(sb, "</body></html>\n");
}

/* ---- Markdown ---- */

static void md_cell(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			strbuf_addstr(sb, "\\|");
		else if (*s == '\n')
			strbuf_addch(sb, ' ');
		else
			strbuf_addch(sb, *s);
	}
}

static void render_md(const struct playbook_state *ps, const struct report_meta *meta,
		      struct strbuf *sb)
{
	const struct catalog *cat = ps->env.cat;
	size_t i, j;

	strbuf_addf(sb, "# AI value playbook report\n\nGenerated %s from %s, ledger head %lld:%s.\n\n",
		    meta->generated_at, meta->workspace, (long long)meta->head_seq, meta->head_hash);
	strbuf_addf(sb, "## 1. Phase earned: %d of %zu, %s\n\n", ps->pv.earned, cat->nphases,
		    ps->pv.phase ? ps->pv.phase->name : "");
	strbuf_addstr(sb, "| Gate | Criterion | Status | Figure | Source |\n|---|---|---|---|---|\n");
	for (i = 0; i < ps->pv.ng; i++) {
		const struct gate_result *g = &ps->pv.g[i];
		strbuf_addf(sb, "| phase %d | ", g->phase->number);
		md_cell(sb, g->cr->description);
		strbuf_addf(sb, " | %s | ", gate_status_names[g->status]);
		if (g->ev.state == EV_MEASURED)
			strbuf_addf(sb, "%.4g", g->ev.value);
		else
			strbuf_addstr(sb, "-");
		strbuf_addf(sb, " (needs %s %g) | ", g->cr->op, g->cr->value);
		md_cell(sb, g->ev.source);
		strbuf_addstr(sb, " |\n");
	}
	if (ps->pv.nahead) {
		strbuf_addstr(sb, "\nInitiatives ahead of their gate:\n\n");
		for (i = 0; i < ps->pv.nahead; i++)
			strbuf_addf(sb, "- %s (%s, %s, phase %d)\n", ps->pv.ahead[i].initiative,
				    ps->pv.ahead[i].model, ps->pv.ahead[i].status, ps->pv.ahead[i].phase);
	}
	strbuf_addstr(sb, "\n## 2. Readiness\n\n");
	if (!ps->have_set) {
		strbuf_addstr(sb, "No readiness answers saved yet.\n");
	} else {
		strbuf_addstr(sb, "| Dimension | Level | Confidence | Answered |\n|---|---|---|---|\n");
		for (i = 0; i < cat->ndimensions; i++) {
			const struct rs_dim *d = &ps->rs.dims[i];
			strbuf_addf(sb, "| %s | ", cat->dimensions[i].name);
			if (d->level < 0)
				strbuf_addstr(sb, "not assessed");
			else
				strbuf_addf(sb, "%d %s%s", d->level, level_name(cat, d->level),
					    d->capped ? " (capped)" : "");
			strbuf_addf(sb, " | %.2f | %zu / %zu |\n", d->confidence, d->answered, d->total);
		}
		strbuf_addstr(sb, "\n| Value model | Level | Confidence |\n|---|---|---|\n");
		for (i = 0; i < cat->nmodels; i++)
			strbuf_addf(sb, "| %s | %d %s | %.2f |\n", cat->models[i].name,
				    ps->rs.models[i].level, level_name(cat, ps->rs.models[i].level),
				    ps->rs.models[i].confidence);
	}
	strbuf_addstr(sb, "\n## 3. Scorecard per value model\n");
	for (i = 0; i < cat->nmodels; i++) {
		const struct cat_model *cm = &cat->models[i];
		strbuf_addf(sb, "\n### %d. %s\n\n| Metric | Value | Source |\n|---|---|---|\n",
			    cm->number, cm->name);
		for (j = cm->first_metric; j < cm->first_metric + cm->nmetrics; j++) {
			char v[64] = "-";
			if (ps->metrics[j].state == EV_MEASURED)
				fmt_value(v, sizeof(v), &cat->metrics[j], ps->metrics[j].value);
			strbuf_addf(sb, "| %s | %s | ", cat->metrics[j].name, v);
			md_cell(sb, ps->metrics[j].source);
			strbuf_addstr(sb, " |\n");
		}
	}
	strbuf_addstr(sb, "\n## 4. Hypotheses\n\n| Hypothesis | Metric | Verdict | Effect [CI] | n |\n"
			  "|---|---|---|---|---|\n");
	for (i = 0; i < ps->hr.n; i++) {
		const struct hyp_result *r = &ps->hr.r[i];
		strbuf_addf(sb, "| %s | %s | %s | ", r->name, r->metric, r->verdict);
		if (r->e.ok && strcmp(r->verdict, "superseded"))
			strbuf_addf(sb, "%+.4g [%.4g, %.4g] | %zu / %zu |\n", r->e.effect, r->e.lo,
				    r->e.hi, r->e.na, r->e.nb);
		else
			strbuf_addstr(sb, "- | - |\n");
	}
	strbuf_addstr(sb, "\n## 5. Findings\n\n");
	for (i = 0; i < ps->fl.n; i++) {
		const struct finding *f = &ps->fl.f[i];
		strbuf_addf(sb, "- **[%s] %s**: %s", f->severity, f->name, f->summary);
		if (f->move)
			strbuf_addf(sb, ". Move: *%s*: %s", f->move->name, f->move->text);
		strbuf_addstr(sb, "\n");
	}
	strbuf_addstr(sb, "\n## 6. Roadmap\n\nPhase 2 trio:\n\n");
	for (i = 0; i < 3; i++)
		strbuf_addf(sb, "- %s: %s (%s)\n", ps->rm.trio[i].slot,
			    ps->rm.trio[i].initiative ? ps->rm.trio[i].initiative : "none",
			    ps->rm.trio[i].reason);
	strbuf_addstr(sb, "\n| # | Step | Priority | Why |\n|---|---|---|---|\n");
	for (i = 0; i < ps->rm.n; i++) {
		strbuf_addf(sb, "| %zu | ", i + 1);
		md_cell(sb, ps->rm.steps[i].title);
		strbuf_addf(sb, " | %.3f | ", ps->rm.steps[i].priority);
		md_cell(sb, ps->rm.steps[i].why);
		strbuf_addstr(sb, " |\n");
	}
}

int report_render(const struct playbook_state *ps, const struct report_meta *meta,
		  const char *format, struct strbuf *out, struct aiv_err *err)
{
	if (!strcmp(format, "html")) {
		render_html(ps, meta, out);
	} else if (!strcmp(format, "md")) {
		render_md(ps, meta, out);
	} else if (!strcmp(format, "json")) {
		json_t *o = report_json(ps, meta);
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
		strbuf_addstr(out, s ? s : "{}");
		strbuf_addch(out, '\n');
		free(s);
		json_decref(o);
	} else {
		return aiv_fail(err, AIV_EINPUT, "unknown report format '%s' (html, md or json)",
				format);
	}
	return 0;
}
