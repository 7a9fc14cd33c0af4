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
#include "assess/series.h"
#include "core/timeutil.h"
#include "core/units.h"
#include "report.h"
#include "report_charts.h"
#include "report_summary.h"

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

/*
 * The target of a model metric: the organisation's MetricTarget when one
 * is applied, else the catalog's default (assess/series.h).  A store
 * error falls back to the catalog default rather than dropping the
 * target from the page.
 */
static double metric_target(const struct playbook_state *ps, size_t i)
{
	const struct catalog *cat = ps->env.cat;
	struct metric_target t;
	struct aiv_err err = AIV_ERR_INIT;

	if (ps->env.store && !metric_target_get(ps->env.store, cat, &cat->metrics[i], &t, &err))
		return t.target;
	return cat->metrics[i].target;
}

static int metric_up(const struct cat_metric *m)
{
	return m->direction && !strcmp(m->direction, "up");
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
	json_object_set_new(o, "crosswalk", lib_crosswalk_json(&ps->crosswalk));
	json_object_set_new(o, "measured_answers", ra_measured_list_json(&ps->measured));
	{
		struct report_summary sum;
		report_summary_compute(ps, meta->organisation, &sum);
		json_object_set_new(o, "summary", report_summary_json(&sum));
		report_summary_release(&sum);
	}
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
	"svg text{font-family:inherit}svg{max-width:100%;height:auto}"
	".summary:not(:last-child){break-after:page}.summary .lead{font-size:15px}.summary li{margin:4px 0}"
	".owner{color:#374151;font-size:11px;white-space:nowrap}"
	"code{overflow-wrap:anywhere}td,p,li{overflow-wrap:anywhere}"
	"@page{size:A4;margin:14mm}"
	"@media print{body{max-width:none;padding:0;font-size:11px}"
	"h2{break-after:avoid}tr,.model,svg{break-inside:avoid}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/*
 * Text for HTML with a figure kept on one line: the space between a
 * number and its unit ("88 %", "2 d 02 h", "0.9 pp", "4 min") becomes a
 * no-break space, so a figure never wraps in the middle.
 */
static void add_prose(struct strbuf *sb, const char *s)
{
	static const char *const units[] = { "%", "pp", "d ", "h", "min", "s", NULL };
	const char *p;
	size_t k;

	for (p = s; *p; p++) {
		/* the space inside a duration: "2 d 02 h", "5 h 07 min", "4 min 10 s" */
		if (*p == ' ' && p[1] >= '0' && p[1] <= '9' &&
		    ((p - s >= 3 && (p[-1] == 'd' || p[-1] == 'h') && p[-2] == ' ' &&
		      p[-3] >= '0' && p[-3] <= '9') ||
		     (p - s >= 5 && !strncmp(p - 4, " min", 4) && p[-5] >= '0' && p[-5] <= '9'))) {
			strbuf_addstr(sb, "&nbsp;");
			continue;
		}
		if (*p == ' ' && p > s && p[-1] >= '0' && p[-1] <= '9') {
			for (k = 0; units[k]; k++) {
				size_t n = strlen(units[k]);
				if (!strncmp(p + 1, units[k], n) &&
				    (units[k][n - 1] == ' ' || !p[1 + n] || p[1 + n] == ' ' ||
				     p[1 + n] == ')' || p[1 + n] == ';' || p[1 + n] == ',' ||
				     p[1 + n] == '.' || p[1 + n] == ':'))
					break;
			}
			if (units[k]) {
				strbuf_addstr(sb, "&nbsp;");
				continue;
			}
		}
		if (*p == '<')
			strbuf_addstr(sb, "&lt;");
		else if (*p == '>')
			strbuf_addstr(sb, "&gt;");
		else if (*p == '&')
			strbuf_addstr(sb, "&amp;");
		else if (*p == '"')
			strbuf_addstr(sb, "&quot;");
		else if (*p == '\'')
			strbuf_addstr(sb, "&#39;");
		else
			strbuf_addch(sb, *p);
	}
}

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

static void html_readiness(struct strbuf *sb, const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	const char **labels;
	const char **colors;
	double *vals;
	size_t i;
	int max = ps->q->max_level;

	strbuf_addstr(sb, "<h2>3. Readiness</h2>");
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
	for (i = 0; i < ps->measured.n; i++) {
		const struct ra_measured *mn = &ps->measured.v[i];
		const struct rq_question *qq;
		const struct cat_metric *mm;
		char mv[UNITS_BUF];

		if (mn->agrees)
			continue;
		qq = questionnaire_find(ps->q, mn->question, NULL);
		mm = catalog_metric(cat, mn->metric);
		strbuf_addstr(sb, "<p>");
		badge(sb, "measured");
		strbuf_addstr(sb, " &ldquo;");
		strbuf_add_html(sb, qq ? qq->text : mn->question);
		strbuf_addstr(sb, "&rdquo;");
		if (mn->stated_level >= 0)
			strbuf_addf(sb, " answered level %d, ", mn->stated_level);
		else
			strbuf_addstr(sb, " not answered, ");
		strbuf_addstr(sb, "but the measured ");
		strbuf_add_html(sb, mm ? mm->name : mn->metric);
		strbuf_addf(sb, " of %s gives level %d (",
			    units_value(mm ? mm->unit : NULL, mn->value, mv, sizeof(mv)),
			    mn->measured_level);
		strbuf_add_html(sb, mn->source);
		strbuf_addstr(sb, ")</p>");
	}
	free(labels);
	free(colors);
	free(vals);
}

/* A page-one heading, then the list's opening tag, or `none` as a paragraph. */
static void list_open(struct strbuf *sb, const char *heading, size_t n, const char *none,
		      const char *open)
{
	strbuf_addf(sb, "<h3>%s</h3>", heading);
	if (n)
		strbuf_addstr(sb, open);
	else
		strbuf_addf(sb, "<p>%s</p>", none);
}

static void html_summary(struct strbuf *sb, const struct playbook_state *ps,
			 const struct report_summary *sum)
{
	size_t i;

	strbuf_addstr(sb, "<section class=\"summary\"><h2>Executive summary</h2>");
	if (sum->empty) {
		strbuf_addstr(sb, "<p class=\"lead\">");
		add_prose(sb, sum->phase_why);
		strbuf_addstr(sb, "</p><ol class=\"setup\">");
		for (i = 0; report_setup_steps[i].what; i++) {
			strbuf_addstr(sb, "<li><b>");
			strbuf_add_html(sb, report_setup_steps[i].what);
			strbuf_addstr(sb, "</b><br><code>");
			strbuf_add_html(sb, report_setup_steps[i].command);
			strbuf_addstr(sb, "</code><br>Unlocks: ");
			strbuf_add_html(sb, report_setup_steps[i].unlocks);
			strbuf_addstr(sb, "</li>");
		}
		strbuf_addstr(sb, "</ol></section>");
		return;
	}
	if (sum->value_lead) {
		strbuf_addstr(sb, "<p class=\"lead value-lead\">");
		strbuf_add_html(sb, sum->value_lead);
		strbuf_addstr(sb, "</p>");
	}
	strbuf_addf(sb, "<div class=\"phase\"><div class=\"big\">Phase %d of %zu</div><div><b>",
		    sum->phase, sum->nphases);
	strbuf_add_html(sb, sum->phase_name);
	strbuf_addstr(sb, "</b><br>");
	strbuf_add_html(sb, ps->pv.phase ? ps->pv.phase->summary : "");
	strbuf_addstr(sb, "</div></div><p>");
	add_prose(sb, sum->phase_why);
	strbuf_addstr(sb, "</p>");
	list_open(sb, "What matters most", sum->ntop,
		  "No finding from the detectors that have evidence.", "<ol class=\"top\">");
	for (i = 0; i < sum->ntop; i++) {
		struct strbuf t = STRBUF_INIT;
		report_finding_sentence(&t, sum->top[i], 1);
		strbuf_addstr(sb, "<li>");
		badge(sb, sum->top[i]->severity);
		strbuf_addstr(sb, " ");
		add_prose(sb, t.buf);
		strbuf_addstr(sb, "</li>");
		strbuf_release(&t);
	}
	strbuf_addstr(sb, sum->ntop ? "</ol>" : "");
	list_open(sb, "Value proven so far", sum->nvalue,
		  "No value hypothesis is supported by evidence yet.", "<ul class=\"value\">");
	for (i = 0; i < sum->nvalue; i++) {
		strbuf_addstr(sb, "<li><b>");
		add_prose(sb, sum->value[i].sentence);
		strbuf_addstr(sb, "</b><br><span class=\"src\">");
		strbuf_add_html(sb, sum->value[i].title);
		if (*sum->value[i].interval) {
			strbuf_addstr(sb, "; ");
			add_prose(sb, sum->value[i].interval);
		}
		strbuf_addstr(sb, "</span></li>");
	}
	strbuf_addstr(sb, sum->nvalue ? "</ul>" : "");
	list_open(sb, "Next moves", sum->nmove, "No step is open on the roadmap.",
		  "<ol class=\"moves\">");
	for (i = 0; i < sum->nmove; i++) {
		strbuf_addstr(sb, "<li>");
		add_prose(sb, sum->move[i].action);
		strbuf_addstr(sb, ". <span class=\"owner\">Owner: ");
		strbuf_add_html(sb, sum->move[i].owner);
		strbuf_addstr(sb, "</span></li>");
	}
	strbuf_addstr(sb, sum->nmove ? "</ol>" : "");
	strbuf_addstr(sb, "</section>");
}

/*
 * The chart points of measured metric k: its stored monthly series (the
 * months with data before the one in progress) and then today's value, the
 * one the row shows.  As of a past date only that value: the series is
 * computed up to today.  A new array of *n points.
 */
static struct chart_point *metric_points(const struct playbook_state *ps, size_t k, size_t *n)
{
	const struct cat_metric *mt = &ps->env.cat->metrics[k];
	struct chart_point *pts;
	struct metric_series ms;
	struct aiv_err err = AIV_ERR_INIT;
	int32_t today = (int32_t)(ps->env.now / (86400LL * 1000000));
	size_t j, np = 0;

	memset(&ms, 0, sizeof(ms));
	if (!ps->env.as_of &&
	    metric_series_get(ps->env.store, ps->env.cat, mt->id, SERIES_MONTH, SERIES_BY_NONE,
			      ps->env.now, &ms, &err))
		metric_series_release(&ms); /* a store error: the chart shows today's value */
	pts = xcalloc((ms.nlines ? ms.lines[0].npoints : 0) + 1, sizeof(*pts));
	for (j = 0; ms.nlines && j < ms.lines[0].npoints; j++) {
		const struct series_point *p = &ms.lines[0].points[j];
		if (!p->have || p->as_of_day >= today || j + 1 == ms.lines[0].npoints)
			continue; /* no data, or the period in progress: today's value follows */
		pts[np].t_us = (int64_t)p->start_day * 86400 * 1000000;
		pts[np++].value = p->value;
	}
	pts[np].t_us = ps->metrics[k].measured_at;
	pts[np++].value = ps->metrics[k].value;
	metric_series_release(&ms);
	*n = np;
	return pts;
}

static void html_models(struct strbuf *sb, const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	size_t m, i;

	strbuf_addstr(sb, "<h2>1. Value models: metrics against targets</h2>");
	for (m = 0; m < cat->nmodels; m++) {
		const struct cat_model *cm = &cat->models[m];
		struct chart_metric_row *rows = xcalloc(cm->nmetrics + 1, sizeof(*rows));
		struct chart_point **pts = xcalloc(cm->nmetrics + 1, sizeof(*pts));
		char (*vt)[UNITS_BUF] = xcalloc(cm->nmetrics + 1, sizeof(*vt));
		char (*tt)[UNITS_BUF] = xcalloc(cm->nmetrics + 1, sizeof(*tt));
		size_t nf = 0, nmissing = 0;

		strbuf_addf(sb, "<div class=\"model\" style=\"border-color:%s\"><h3>%d. ", cm->color,
			    cm->number);
		strbuf_add_html(sb, cm->name);
		strbuf_addstr(sb, "</h3><p>Readiness: ");
		if (ps->have_set && ps->rs.models[m].level >= 0)
			strbuf_addf(sb, "level %d, %s.", ps->rs.models[m].level,
				    level_name(cat, ps->rs.models[m].level));
		else
			strbuf_addstr(sb, "not assessed.");
		for (i = 0; i < ps->fl.n; i++)
			nf += ps->fl.f[i].model == cm;
		if (nf)
			strbuf_addf(sb, " %zu finding%s (section 2).", nf, nf == 1 ? "" : "s");
		strbuf_addstr(sb, "</p>");
		for (i = 0; i < cm->nmetrics; i++) {
			size_t k = cm->first_metric + i;
			const struct cat_metric *mt = &cat->metrics[k];
			double target = metric_target(ps, k);
			rows[i].label = mt->name;
			rows[i].unit = mt->unit;
			rows[i].up = metric_up(mt);
			rows[i].target = target;
			if (ps->metrics[k].state == EV_MEASURED) {
				pts[i] = metric_points(ps, k, &rows[i].npts);
				rows[i].pts = pts[i];
			} else {
				nmissing++;
			}
			rows[i].value_text = units_value(mt->unit, ps->metrics[k].state == EV_MEASURED ?
							 ps->metrics[k].value : NAN, vt[i], UNITS_BUF);
			rows[i].target_text = isfinite(target) ?
				units_value(mt->unit, target, tt[i], UNITS_BUF) : NULL;
		}
		chart_metric_targets(sb, cm->name, rows, cm->nmetrics);
		for (i = 0; i < cm->nmetrics; i++)
			free(pts[i]);
		if (nmissing) {
			size_t j = 0;
			strbuf_addstr(sb, "<p class=\"src\">No data: ");
			for (i = 0; i < cm->nmetrics; i++) {
				size_t k = cm->first_metric + i;
				if (ps->metrics[k].state == EV_MEASURED)
					continue;
				strbuf_addstr(sb, j++ ? "; " : "");
				strbuf_add_html(sb, cat->metrics[k].name);
				strbuf_addstr(sb, " (");
				strbuf_add_html(sb, ps->metrics[k].source);
				strbuf_addstr(sb, ")");
			}
			strbuf_addstr(sb, ".</p>");
		}
		strbuf_addstr(sb, "</div>");
		free(rows);
		free(pts);
		free(vt);
		free(tt);
	}
}

static void html_findings(struct strbuf *sb, const struct playbook_state *ps)
{
	size_t i;

	strbuf_addstr(sb, "<h2>2. Findings</h2>");
	if (!ps->fl.n)
		strbuf_addstr(sb, "<p>No findings from the detectors that have evidence.</p>");
	for (i = 0; i < ps->fl.n; i++) {
		const struct finding *f = &ps->fl.f[i];
		struct strbuf t = STRBUF_INIT;
		report_finding_sentence(&t, f, 2);
		strbuf_addstr(sb, "<div class=\"model finding\"");
		if (f->model)
			strbuf_addf(sb, " style=\"border-color:%s\"", f->model->color);
		strbuf_addstr(sb, "><p>");
		badge(sb, f->severity);
		strbuf_addstr(sb, " <b>");
		strbuf_add_html(sb, f->name);
		strbuf_addstr(sb, ".</b> ");
		add_prose(sb, t.buf);
		strbuf_addstr(sb, "</p>");
		if (f->move) {
			strbuf_reset(&t);
			report_move_sentence(&t, f);
			strbuf_addstr(sb, "<div class=\"move\"><b>Move:</b> ");
			add_prose(sb, t.buf);
			strbuf_addstr(sb, "</div>");
		}
		strbuf_addstr(sb, "</div>");
		strbuf_release(&t);
	}
	if (ps->fl.ngaps) {
		strbuf_addstr(sb, "<h3>Not assessed (lacks evidence)</h3><ul>");
		for (i = 0; i < ps->fl.ngaps; i++) {
			strbuf_addstr(sb, "<li><b>");
			strbuf_add_html(sb, ps->fl.gaps[i].name);
			strbuf_addstr(sb, "</b>: needs ");
			strbuf_add_html(sb, ps->fl.gaps[i].lacks);
			strbuf_addstr(sb, "</li>");
		}
		strbuf_addstr(sb, "</ul>");
	}
}

/* The minimum effect of r relative to its baseline, NAN when unknown. */
static double hyp_min_relative(const struct hyp_result *r)
{
	if (r->min_relative)
		return r->min_effect;
	return r->e.baseline != 0 ? r->min_effect_abs / fabs(r->e.baseline) : NAN;
}

static void html_hypotheses(struct strbuf *sb, const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	double axis_lo = 0, axis_hi = 0;
	size_t i, j;

	strbuf_addstr(sb, "<h2>4. Hypotheses and verdicts</h2>");
	if (!ps->hr.n) {
		strbuf_addstr(sb, "<p>No hypotheses registered.</p>");
		return;
	}
	strbuf_addf(sb, "<p>%zu supported, %zu not supported, %zu with too little data. Each bar "
			"is the interval of the improvement relative to the baseline (positive is "
			"better): the dot is the estimate, the solid line zero, the dashed line the "
			"minimum effect the hypothesis asked for.</p>",
		    ps->hr.supported, ps->hr.not_supported, ps->hr.insufficient);
	/* one axis for every bar, so that the bars compare */
	for (i = 0; i < ps->hr.n; i++) {
		const struct hyp_result *r = &ps->hr.r[i];
		double b = fabs(r->e.baseline), mr = hyp_min_relative(r);
		if (!r->e.ok || b == 0 || !strcmp(r->verdict, "superseded"))
			continue;
		if (r->e.imp_lo / b < axis_lo)
			axis_lo = r->e.imp_lo / b;
		if (r->e.imp_hi / b > axis_hi)
			axis_hi = r->e.imp_hi / b;
		if (isfinite(mr) && mr > axis_hi)
			axis_hi = mr;
	}
	axis_lo -= 0.05;
	axis_hi += 0.05;
	strbuf_addstr(sb, "<table class=\"hyp\"><thead><tr><th>Hypothesis</th><th>Verdict</th>"
			  "<th>Comparison against baseline</th><th>Change and interval</th>"
			  "</tr></thead><tbody>");
	for (i = 0; i < ps->hr.n; i++) {
		const struct hyp_result *r = &ps->hr.r[i];
		const struct cat_metric *m = catalog_metric(cat, r->metric);
		const char *unit = m ? m->unit : NULL, *title = json_str(r->spec, "title");
		char a[UNITS_BUF], b[UNITS_BUF], c[UNITS_BUF], d[UNITS_BUF];

		strbuf_addstr(sb, "<tr><td><b>");
		strbuf_add_html(sb, title ? title : r->name);
		strbuf_addstr(sb, "</b><br><span class=\"src\">");
		strbuf_add_html(sb, m ? m->name : r->metric);
		strbuf_addstr(sb, "; initiative ");
		strbuf_add_html(sb, r->initiative);
		strbuf_addstr(sb, "</span></td><td>");
		badge(sb, r->verdict);
		strbuf_addstr(sb, "</td>");
		if (r->e.ok && strcmp(r->verdict, "superseded")) {
			double bl = fabs(r->e.baseline);
			const char *word = report_change_word(m, r->e.improvement);
			char *cmp = xstrfmt("%s instead of %s",
					    units_value(unit, r->e.treatment, a, sizeof(a)),
					    units_value(unit, r->e.baseline, b, sizeof(b)));
			strbuf_addstr(sb, "<td>");
			add_prose(sb, cmp);
			strbuf_addf(sb, "<br><span class=\"src\">%zu and %zu units</span></td><td>",
				    r->e.nb, r->e.na);
			free(cmp);
			if (bl > 0) {
				char *tip = xstrfmt("%s %s; %s interval %s to %s",
					units_relative(fabs(r->e.improvement) / bl, c, sizeof(c)), word,
					units_relative(r->confidence, d, sizeof(d)),
					units_relative(r->e.imp_lo / bl, a, sizeof(a)),
					units_relative(r->e.imp_hi / bl, b, sizeof(b)));
				char *head = xstrfmt("%s %s ", units_relative(fabs(r->e.improvement) / bl,
						     c, sizeof(c)), word);
				add_prose(sb, head);
				free(head);
				chart_interval(sb, tip, r->e.imp_lo / bl, r->e.imp_hi / bl,
					       r->e.improvement / bl, hyp_min_relative(r), axis_lo,
					       axis_hi);
				free(tip);
			} else {
				char *txt = xstrfmt("%s %s", units_delta(unit, r->e.improvement, d,
						    sizeof(d)), word);
				add_prose(sb, txt);
				free(txt);
			}
			strbuf_addstr(sb, "</td>");
		} else {
			strbuf_addstr(sb, "<td>no data</td><td>no data</td>");
		}
		strbuf_addstr(sb, "</tr>");
		if (r->nguards) {
			strbuf_addstr(sb, "<tr class=\"guards\"><td colspan=\"4\" class=\"src\">Guardrails: ");
			for (j = 0; j < r->nguards; j++) {
				const struct cat_metric *gm = catalog_metric(cat, r->guards[j].metric);
				strbuf_addstr(sb, j ? "; " : "");
				strbuf_add_html(sb, gm ? gm->name : r->guards[j].metric);
				strbuf_addstr(sb, " ");
				strbuf_add_html(sb, r->guards[j].verdict);
			}
			strbuf_addstr(sb, "</td></tr>");
		}
	}
	strbuf_addstr(sb, "</tbody></table>");
}

/*
 * Why a roadmap step is there, in words: a gate step's criterion from its
 * gate result ("now 1, needs exactly 0; source"), any other step's own
 * text.
 */
static void step_why(const struct playbook_state *ps, const struct roadmap_step *st,
		     struct strbuf *sb)
{
	size_t i;

	if (!strcmp(st->kind, "gate"))
		for (i = 0; i < ps->pv.ng; i++)
			if (!strcmp(ps->pv.g[i].cr->id, st->id)) {
				report_gate_words(sb, ps->env.cat, &ps->pv.g[i]);
				strbuf_addf(sb, " (%s)", ps->pv.g[i].ev.source);
				return;
			}
	strbuf_addstr(sb, st->why);
}

static void html_roadmap(struct strbuf *sb, const struct playbook_state *ps,
			 const struct report_summary *sum)
{
	const struct roadmap *rm = &ps->rm;
	size_t i;

	(void)sum;
	strbuf_addstr(sb, "<h2>5. Roadmap</h2><p class=\"meta\">Each step's priority is its gap "
			  "times its impact times its dependency (docs/playbook.md); ties go to gate "
			  "steps, then readiness, then findings.</p>");
	strbuf_addstr(sb, "<h3>Phase 2 trio</h3><table><thead><tr><th>Slot</th><th>Initiative</th>"
			  "<th>Why</th></tr></thead><tbody>");
	for (i = 0; i < 3; i++) {
		strbuf_addstr(sb, "<tr>");
		td(sb, rm->trio[i].slot);
		td(sb, rm->trio[i].initiative ? trio_pick_name(&rm->trio[i]) : "none yet");
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
		char p[UNITS_BUF];
		strbuf_addf(sb, "<tr><td class=\"num\">%zu</td>", i + 1);
		td(sb, rm->steps[i].title);
		struct strbuf w = STRBUF_INIT;
		step_why(ps, &rm->steps[i], &w);
		strbuf_addf(sb, "<td class=\"num\">%s</td><td class=\"src\">",
			    units_number(rm->steps[i].priority, p, sizeof(p)));
		add_prose(sb, w.buf);
		strbuf_release(&w);
		strbuf_addstr(sb, "</td></tr>");
	}
	strbuf_addstr(sb, "</tbody></table>");
}

static void html_gates(struct strbuf *sb, const struct playbook_state *ps)
{
	const struct catalog *cat = ps->env.cat;
	size_t i;

	strbuf_addstr(sb, "<h2>6. Phase gates in detail</h2><table><thead><tr><th>Gate</th>"
			  "<th>Criterion</th><th>Status</th><th>Figure</th><th>Source</th>"
			  "<th>NIST AI RMF / ISO/IEC 42001</th></tr></thead><tbody>");
	for (i = 0; i < ps->pv.ng; i++) {
		const struct gate_result *g = &ps->pv.g[i];
		const struct cat_metric *m = catalog_metric(cat, g->cr->metric);
		char v[UNITS_BUF], t[UNITS_BUF];
		const struct rq_gatexw *x = questionnaire_gate_xwalk(ps->q, g->cr->id);
		size_t k;

		units_value(m ? m->unit : NULL, g->ev.state == EV_MEASURED ? g->ev.value : NAN, v,
			    sizeof(v));
		units_value(m ? m->unit : NULL, g->cr->value, t, sizeof(t));
		strbuf_addf(sb, "<tr><td>Phase %d exit</td>", g->phase->number);
		td(sb, g->cr->description);
		strbuf_addstr(sb, "<td>");
		badge(sb, gate_status_names[g->status]);
		strbuf_addf(sb, "</td><td class=\"num\">%s<br><span class=\"src\">needs %s %s</span>"
				"</td><td class=\"src\">", v, report_op_words(g->cr->op), t);
		strbuf_add_html(sb, g->ev.source);
		strbuf_addstr(sb, "</td><td class=\"src\">");
		for (k = 0; x && k < x->nist.n; k++)
			strbuf_addf(sb, "%s%s", k ? ", " : "", x->nist.v[k]);
		strbuf_addstr(sb, "<br>");
		for (k = 0; x && k < x->iso.n; k++)
			strbuf_addf(sb, "%s%s", k ? ", " : "", x->iso.v[k]);
		strbuf_addstr(sb, "</td></tr>");
	}
	strbuf_addstr(sb, "</tbody></table>");
	if (ps->pv.nahead) {
		strbuf_addstr(sb, "<h3>Initiatives running ahead of their gate</h3><table><thead><tr>"
				  "<th>Initiative</th><th>Model</th><th>Status</th><th>Planned phase</th>"
				  "</tr></thead><tbody>");
		for (i = 0; i < ps->pv.nahead; i++) {
			strbuf_addstr(sb, "<tr>");
			td(sb, ps->pv.ahead[i].initiative);
			td(sb, ps->pv.ahead[i].model);
			td(sb, ps->pv.ahead[i].status);
			strbuf_addf(sb, "<td class=\"num\">phase %d (earned: phase %d)</td></tr>",
				    ps->pv.ahead[i].phase, ps->pv.earned);
		}
		strbuf_addstr(sb, "</tbody></table>");
	}
}

static void html_crosswalk(struct strbuf *sb, const struct playbook_state *ps)
{
	size_t i, j, k;

	strbuf_addstr(sb, "<h2>7. Audit crosswalk</h2><p>Every readiness question and gate "
			  "criterion names NIST AI RMF 1.0 subcategories and ISO/IEC 42001 Annex A "
			  "controls (ids only). ");
	if (!ps->crosswalk.n) {
		strbuf_addstr(sb, "No framework library is imported; <code>aivalue assess import "
				  "LIBRARY.yaml</code> reads one in CISO Assistant's format.</p>");
		return;
	}
	strbuf_addstr(sb, "Imported frameworks, scored from the same answers (lowest mapped "
			  "answer level on the framework's scale):</p>");
	for (i = 0; i < ps->crosswalk.n; i++) {
		const struct lib_cw_framework *fw = &ps->crosswalk.fw[i];
		strbuf_addstr(sb, "<h3>");
		strbuf_add_html(sb, fw->name);
		strbuf_addf(sb, "</h3><p class=\"meta\">%zu assessable requirements, %zu covered by "
				"our questions, %zu answered</p><table><thead><tr><th>Requirement</th>"
				"<th>Score</th><th>Questions</th></tr></thead><tbody>",
			    fw->assessable, fw->covered, fw->answered);
		for (j = 0; j < fw->nreqs; j++) {
			const struct lib_cw_req *r = &fw->reqs[j];
			strbuf_addstr(sb, "<tr>");
			td(sb, r->ref_id ? r->ref_id : r->urn);
			if (r->level >= 0) {
				strbuf_addf(sb, "<td>%lld ", r->score);
				strbuf_add_html(sb, r->score_name ? r->score_name : "");
				strbuf_addstr(sb, "</td>");
			} else {
				strbuf_addf(sb, "<td>%s</td>", r->nquestions ? "unanswered" :
					    "not covered");
			}
			strbuf_addstr(sb, "<td class=\"src\">");
			for (k = 0; k < r->nquestions; k++) {
				strbuf_addstr(sb, k ? ", " : "");
				strbuf_add_html(sb, r->questions[k]);
			}
			strbuf_addstr(sb, "</td></tr>");
		}
		strbuf_addstr(sb, "</tbody></table>");
	}
}

/* The day every figure is computed as of (today, or --as-of's) into day[TIME_ISO_LEN]. */
static void figures_as_of(const struct playbook_state *ps, char day[TIME_ISO_LEN])
{
	time_format_us(ps->env.now, day);
	day[10] = '\0';
}

static void render_html(const struct playbook_state *ps, const struct report_meta *meta,
			struct strbuf *sb)
{
	struct report_summary sum;
	char day[TIME_ISO_LEN];

	report_summary_compute(ps, meta->organisation, &sum);
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			  "<meta name=\"viewport\" content=\"width=device-width\"><title>");
	if (sum.organisation) {
		strbuf_add_html(sb, sum.organisation);
		strbuf_addstr(sb, ": ");
	}
	strbuf_addstr(sb, "AI value report</title><style>");
	strbuf_addstr(sb, css);
	strbuf_addstr(sb, "</style></head><body><h1>");
	if (sum.organisation) {
		strbuf_add_html(sb, sum.organisation);
		strbuf_addstr(sb, ": ");
	}
	strbuf_addstr(sb, "AI value report</h1><p class=\"meta\">Generated ");
	strbuf_add_html(sb, meta->generated_at);
	strbuf_addstr(sb, " from ");
	strbuf_add_html(sb, meta->workspace);
	strbuf_addf(sb, " &middot; ledger head %lld:%.16s&hellip; (verify with <code>aivalue audit "
			"verify --expect-head</code>)</p>", (long long)meta->head_seq, meta->head_hash);
	figures_as_of(ps, day);
	strbuf_addf(sb, "<p class=\"meta\">Figures as of %s</p>", day);
	html_summary(sb, ps, &sum);
	/* an empty workspace: the setup steps say everything there is to say */
	if (!sum.empty) {
		html_models(sb, ps);
		html_findings(sb, ps);
		html_readiness(sb, ps);
		html_hypotheses(sb, ps);
		html_roadmap(sb, ps, &sum);
		html_gates(sb, ps);
		html_crosswalk(sb, ps);
	}
	strbuf_addstr(sb, "</body></html>\n");
	report_summary_release(&sum);
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
	struct report_summary sum;
	char day[TIME_ISO_LEN];
	size_t i, j;

	report_summary_compute(ps, meta->organisation, &sum);
	figures_as_of(ps, day);
	strbuf_addf(sb, "# %s%sAI value report\n\nGenerated %s from %s, ledger head %lld:%s.\n\n"
		    "Figures as of %s.\n\n",
		    sum.organisation ? sum.organisation : "", sum.organisation ? ": " : "",
		    meta->generated_at, meta->workspace,
		    (long long)meta->head_seq, meta->head_hash, day);
	strbuf_addstr(sb, "## Executive summary\n\n");
	if (sum.value_lead)
		strbuf_addf(sb, "%s\n\n", sum.value_lead);
	strbuf_addf(sb, "%s\n\n", sum.phase_why);
	if (sum.empty) {
		for (i = 0; report_setup_steps[i].what; i++)
			strbuf_addf(sb, "%zu. **%s**: `%s`. Unlocks: %s.\n", i + 1,
				    report_setup_steps[i].what, report_setup_steps[i].command,
				    report_setup_steps[i].unlocks);
		report_summary_release(&sum);
		return;
	}
	strbuf_addstr(sb, "### What matters most\n\n");
	for (i = 0; i < sum.ntop; i++) {
		struct strbuf t = STRBUF_INIT;
		report_finding_sentence(&t, sum.top[i], 1);
		strbuf_addf(sb, "%zu. [%s] %s\n", i + 1, sum.top[i]->severity, t.buf);
		strbuf_release(&t);
	}
	if (!sum.ntop)
		strbuf_addstr(sb, "No finding from the detectors that have evidence.\n");
	strbuf_addstr(sb, "\n### Value proven so far\n\n");
	for (i = 0; i < sum.nvalue; i++)
		strbuf_addf(sb, "- **%s** (%s%s%s)\n", sum.value[i].sentence, sum.value[i].title,
			    *sum.value[i].interval ? "; " : "", sum.value[i].interval);
	if (!sum.nvalue)
		strbuf_addstr(sb, "No value hypothesis is supported by evidence yet.\n");
	strbuf_addstr(sb, "\n### Next moves\n\n");
	for (i = 0; i < sum.nmove; i++)
		strbuf_addf(sb, "%zu. %s. Owner: %s.\n", i + 1, sum.move[i].action, sum.move[i].owner);
	strbuf_addstr(sb, "\n## 1. Value models: metrics against targets\n");
	for (i = 0; i < cat->nmodels; i++) {
		const struct cat_model *cm = &cat->models[i];
		strbuf_addf(sb, "\n### %d. %s\n\n| Metric | Value | Target | Source |\n"
				"|---|---|---|---|\n", cm->number, cm->name);
		for (j = cm->first_metric; j < cm->first_metric + cm->nmetrics; j++) {
			char v[UNITS_BUF], t[UNITS_BUF];
			double target = metric_target(ps, j);
			units_value(cat->metrics[j].unit, ps->metrics[j].state == EV_MEASURED ?
				    ps->metrics[j].value : NAN, v, sizeof(v));
			strbuf_addf(sb, "| %s | %s | %s | ", cat->metrics[j].name, v,
				    isfinite(target) ? units_value(cat->metrics[j].unit, target, t,
								   sizeof(t)) : "not set");
			md_cell(sb, ps->metrics[j].source);
			strbuf_addstr(sb, " |\n");
		}
	}
	strbuf_addstr(sb, "\n## 2. Findings\n\n");
	for (i = 0; i < ps->fl.n; i++) {
		const struct finding *f = &ps->fl.f[i];
		struct strbuf t = STRBUF_INIT;
		report_finding_sentence(&t, f, 2);
		strbuf_addf(sb, "- **[%s] %s.** %s", f->severity, f->name, t.buf);
		if (f->move) {
			strbuf_reset(&t);
			report_move_sentence(&t, f);
			strbuf_addf(sb, " Move: %s", t.buf);
		}
		strbuf_addstr(sb, "\n");
		strbuf_release(&t);
	}
	strbuf_addstr(sb, "\n## 3. Readiness\n\n");
	if (!ps->have_set) {
		strbuf_addstr(sb, "No readiness answers saved yet.\n");
	} else {
		strbuf_addstr(sb, "| Dimension | Level | Confidence | Answered |\n|---|---|---|---|\n");
		for (i = 0; i < cat->ndimensions; i++) {
			const struct rs_dim *d = &ps->rs.dims[i];
			char c[UNITS_BUF];
			strbuf_addf(sb, "| %s | ", cat->dimensions[i].name);
			if (d->level < 0)
				strbuf_addstr(sb, "not assessed");
			else
				strbuf_addf(sb, "%d %s%s", d->level, level_name(cat, d->level),
					    d->capped ? " (capped)" : "");
			strbuf_addf(sb, " | %s | %zu of %zu |\n",
				    units_number(d->confidence, c, sizeof(c)), d->answered, d->total);
		}
	}
	strbuf_addstr(sb, "\n## 4. Hypotheses\n\n| Hypothesis | Metric | Verdict | Comparison | "
			  "Units |\n|---|---|---|---|---|\n");
	for (i = 0; i < ps->hr.n; i++) {
		const struct hyp_result *r = &ps->hr.r[i];
		const struct cat_metric *m = catalog_metric(cat, r->metric);
		const char *title = json_str(r->spec, "title");
		char a[UNITS_BUF], b[UNITS_BUF];
		strbuf_addstr(sb, "| ");
		md_cell(sb, title ? title : r->name);
		strbuf_addf(sb, " | %s | %s | ", m ? m->name : r->metric, r->verdict);
		if (r->e.ok && strcmp(r->verdict, "superseded"))
			strbuf_addf(sb, "%s instead of %s | %zu and %zu |\n",
				    units_value(m ? m->unit : NULL, r->e.treatment, a, sizeof(a)),
				    units_value(m ? m->unit : NULL, r->e.baseline, b, sizeof(b)),
				    r->e.nb, r->e.na);
		else
			strbuf_addstr(sb, "no data | no data |\n");
	}
	strbuf_addstr(sb, "\n## 5. Roadmap\n\nPhase 2 trio:\n\n");
	for (i = 0; i < 3; i++)
		strbuf_addf(sb, "- %s: %s (%s)\n", ps->rm.trio[i].slot,
			    ps->rm.trio[i].initiative ? trio_pick_name(&ps->rm.trio[i]) : "none yet",
			    ps->rm.trio[i].reason);
	strbuf_addstr(sb, "\n| # | Step | Priority | Why |\n|---|---|---|---|\n");
	for (i = 0; i < ps->rm.n; i++) {
		char p[UNITS_BUF];
		strbuf_addf(sb, "| %zu | ", i + 1);
		md_cell(sb, ps->rm.steps[i].title);
		struct strbuf w = STRBUF_INIT;
		step_why(ps, &ps->rm.steps[i], &w);
		strbuf_addf(sb, " | %s | ", units_number(ps->rm.steps[i].priority, p, sizeof(p)));
		md_cell(sb, w.buf);
		strbuf_release(&w);
		strbuf_addstr(sb, " |\n");
	}
	strbuf_addstr(sb, "\n## 6. Phase gates\n\n| Gate | Criterion | Status | Figure | Source |\n"
			  "|---|---|---|---|---|\n");
	for (i = 0; i < ps->pv.ng; i++) {
		const struct gate_result *g = &ps->pv.g[i];
		const struct cat_metric *m = catalog_metric(cat, g->cr->metric);
		char v[UNITS_BUF], t[UNITS_BUF];
		strbuf_addf(sb, "| phase %d | ", g->phase->number);
		md_cell(sb, g->cr->description);
		strbuf_addf(sb, " | %s | %s (needs %s %s) | ", gate_status_names[g->status],
			    units_value(m ? m->unit : NULL, g->ev.state == EV_MEASURED ?
					g->ev.value : NAN, v, sizeof(v)),
			    report_op_words(g->cr->op), units_value(m ? m->unit : NULL, g->cr->value, t,
							    sizeof(t)));
		md_cell(sb, g->ev.source);
		strbuf_addstr(sb, " |\n");
	}
	report_summary_release(&sum);
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
