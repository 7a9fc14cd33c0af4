/*
 * pages_metrics.c - one catalog metric over time (/metrics/{id}), and the
 * scorecard figure the overview shows for a metric (pages_metric_figure).
 *
 *   GET /metrics/{id}[?period=week|month]
 *     value, status, change  <- metric_summary_get (assess/series.h)
 *     series chart and table <- metric_series_get (the period asked for)
 *     target and its source, definition, trend (statistic in a tooltip)
 *     breakdowns             <- metric_series_get per breakdown, or why not
 *     evidence source text
 *
 * It prints what assess/series.h computes (the same figures as
 * `aivalue metrics show|history` and /api/v1/metrics); nothing here
 * computes a figure.  Reads only.  Status is always a word in a badge
 * (the colour repeats it, never replaces it).
 */
#include <math.h>
#include <string.h>

#include "assess/series.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "pages.h"
#include "report/svg.h"

/*
 * The value with its unit in plain text; scores and currency, which
 * metric_format_value leaves bare, get theirs in words.  A count stays a
 * bare number beside the metric's name ("Iterations before commitment:
 * 4"): "4 count" is not English.
 */
static void value_text(struct strbuf *sb, const struct cat_metric *mt, int have, double v)
{
	char buf[64];

	metric_format_value(mt, have, v, buf, sizeof(buf));
	strbuf_addstr(sb, buf);
	if (have && !isnan(v) && (!strcmp(mt->unit, "score") || !strcmp(mt->unit, "currency")))
		strbuf_addf(sb, " %s", mt->unit);
}

/* The same, escaped, kept on one line. */
static void value_html(struct strbuf *sb, const struct cat_metric *mt, int have, double v)
{
	struct strbuf t = STRBUF_INIT;

	value_text(&t, mt, have, v);
	strbuf_addstr(sb, "<span class=\"mval\">");
	strbuf_add_html(sb, t.buf);
	strbuf_addstr(sb, "</span>");
	strbuf_release(&t);
}

static void status_html(struct strbuf *sb, enum metric_status st)
{
	strbuf_addf(sb, "<span class=\"mstatus ms-%s\">%s</span>", trend_status_id(st),
		    trend_status_name(st));
}

static void change_html(struct strbuf *sb, const struct cat_metric *mt, int have, double d,
			const char *since)
{
	char buf[64];

	strbuf_addstr(sb, since);
	if (!have) {
		strbuf_addstr(sb, "no data");
		return;
	}
	metric_format_change(mt, d, buf, sizeof(buf));
	strbuf_addstr(sb, "<span class=\"mval\">");
	strbuf_add_html(sb, buf);
	if (strcmp(buf, "no change") && !strcmp(mt->unit, "score"))
		strbuf_addf(sb, " %s", mt->unit);
	strbuf_addstr(sb, "</span>");
}

/* "50.0 %, at risk below 40.0 %, off track below 30.0 %", plain text. */
static void target_text(struct strbuf *sb, const struct cat_metric *mt,
			const struct metric_target *t)
{
	int up = !strcmp(mt->direction, "up");

	value_text(sb, mt, 1, t->target);
	strbuf_addstr(sb, up ? ", at risk below " : ", at risk above ");
	value_text(sb, mt, 1, t->at_risk);
	strbuf_addstr(sb, up ? ", off track below " : ", off track above ");
	value_text(sb, mt, 1, t->off_track);
}

static void spark_label(struct strbuf *lb, const struct metric_summary *s)
{
	char buf[64];
	size_t i, have = 0;

	for (i = 0; i < s->nspark; i++)
		have += !isnan(s->spark[i]);
	strbuf_addf(lb, "%s, monthly: %zu of %zu months with data", s->metric->name, have,
		    s->nspark);
	for (i = s->nspark; i-- > 0;)
		if (!isnan(s->spark[i])) {
			metric_format_value(s->metric, 1, s->spark[i], buf, sizeof(buf));
			strbuf_addf(lb, ", latest %s", buf);
			break;
		}
}

void pages_metric_figure(struct strbuf *sb, const struct metric_summary *s)
{
	const struct cat_metric *mt = s->metric;
	struct strbuf lb = STRBUF_INIT, tt = STRBUF_INIT;

	strbuf_addstr(sb, "<li class=\"mfig\"><a href=\"/metrics/");
	strbuf_add_html(sb, mt->id);
	strbuf_addstr(sb, "\" class=\"mfig-name\">");
	strbuf_add_html(sb, mt->name);
	strbuf_addstr(sb, "</a><br><a class=\"pb-val\" href=\"/metrics/");
	strbuf_add_html(sb, mt->id);
	strbuf_addstr(sb, "\" title=\"");
	strbuf_add_html(sb, s->source);
	strbuf_addstr(sb, "\">");
	value_html(sb, mt, s->have, s->value);
	strbuf_addstr(sb, "</a> ");
	status_html(sb, s->status);
	strbuf_addstr(sb, " ");
	spark_label(&lb, s);
	svg_sparkline(sb, s->spark, s->nspark, 64, 18, lb.buf);
	strbuf_addstr(sb, "<br><span class=\"small\"><span class=\"mtarget\" title=\"target ");
	target_text(&tt, mt, &s->target);
	strbuf_add_html(sb, tt.buf);
	strbuf_addstr(sb, "\">target ");
	value_html(sb, mt, 1, s->target.target);
	strbuf_addstr(sb, "</span>; ");
	change_html(sb, mt, s->have_change, s->change, "since last month: ");
	strbuf_addstr(sb, "</span></li>");
	strbuf_release(&lb);
	strbuf_release(&tt);
}

/* The series as a line chart, x: each period's first day (two points with data or more). */
static void series_chart(struct strbuf *m, const struct metric_series *ms,
			 const struct series_line *l)
{
	const struct cat_metric *mt = ms->metric;
	const char *per = series_period_name(ms->period);
	double *x = xcalloc(l->npoints, sizeof(*x)), *y = xcalloc(l->npoints, sizeof(*y));
	struct svg_series ser;
	struct svg_chart c;
	char ytitle[96];
	size_t i;

	for (i = 0; i < l->npoints; i++) {
		x[i] = (double)l->points[i].start_day * 86400.0 * 1e6;
		y[i] = !l->points[i].have ? NAN :
		       !strcmp(mt->unit, "ratio") ? 100.0 * l->points[i].value : l->points[i].value;
	}
	snprintf(ytitle, sizeof(ytitle), "%s (%s)", mt->name,
		 !strcmp(mt->unit, "ratio") ? "%" : mt->unit);
	memset(&c, 0, sizeof(c));
	c.id = "metric-series";
	c.title = !strcmp(per, "week") ? "Weekly values" : "Monthly values";
	c.desc = "The metric at the end of each period; a gap is a period without data.";
	c.width = 900;
	c.height = 300;
	c.x_title = !strcmp(per, "week") ? "week starting" : "month";
	c.y_title = ytitle;
	c.unit = !strcmp(mt->unit, "ratio") ? "%" : mt->unit;
	c.flags = SVG_TIME_X | SVG_NO_LEGEND | (!strcmp(mt->unit, "count") ? SVG_INTEGER : 0);
	memset(&ser, 0, sizeof(ser));
	ser.name = mt->name;
	ser.color = "#0072B2";
	ser.x = x;
	ser.y = y;
	ser.n = l->npoints;
	strbuf_addstr(m, "<div class=\"pb-chart\">");
	svg_line(m, &c, &ser, 1);
	strbuf_addstr(m, "</div>");
	free(x);
	free(y);
}

/* The series: its chart and a table, newest first. */
static void series_html(struct strbuf *m, const struct metric_series *ms)
{
	const struct cat_metric *mt = ms->metric;
	const struct series_line *l = ms->nlines ? &ms->lines[0] : NULL;
	const char *per = series_period_name(ms->period);
	char buf[64];
	size_t i, nhave;

	if (!l || !l->npoints) {
		strbuf_addstr(m, "<p>No periods to show yet.</p>");
		return;
	}
	for (i = 0, nhave = 0; i < l->npoints; i++)
		nhave += l->points[i].have;
	if (nhave >= 2)
		series_chart(m, ms, l);
	else /* one point would stretch the time axis over a day or two */
		strbuf_addf(m, "<p>%s %s with data: a chart needs two.</p>",
			    nhave ? "Only one" : "No", per);
	strbuf_addf(m, "<table class=\"mseries\"><thead><tr><th>%s</th><th>Value</th>"
		    "<th>Status</th><th>Change</th></tr></thead><tbody>",
		    !strcmp(per, "week") ? "Week starting" : "Month");
	for (i = l->npoints; i-- > 0;) {
		const struct series_point *p = &l->points[i];
		size_t k = i;
		while (!p->have && k > 0 && !l->points[k - 1].have)
			k--;
		if (k < i) { /* a run of periods without data: one row, the newest reason */
			strbuf_addstr(m, "<tr><td>");
			strbuf_add_html(m, l->points[k].label);
			strbuf_addstr(m, " to ");
			strbuf_add_html(m, p->label);
			strbuf_addf(m, "</td><td>no data in %zu %ss <span class=\"small\">(newest: ",
				    i - k + 1, per);
			strbuf_add_html(m, p->why);
			strbuf_addstr(m, ")</span></td><td>");
			status_html(m, STATUS_NO_DATA);
			strbuf_addstr(m, "</td><td>no data</td></tr>");
			i = k;
			continue;
		}
		strbuf_addstr(m, "<tr><td>");
		strbuf_add_html(m, p->label);
		strbuf_addstr(m, "</td><td>");
		value_html(m, mt, p->have, p->value);
		if (!p->have && p->why[0]) {
			strbuf_addstr(m, " <span class=\"small\">(");
			strbuf_add_html(m, p->why);
			strbuf_addstr(m, ")</span>");
		}
		strbuf_addstr(m, "</td><td>");
		status_html(m, p->status);
		strbuf_addstr(m, "</td><td>");
		if (p->have_change) {
			metric_format_change(mt, p->change, buf, sizeof(buf));
			strbuf_add_html(m, buf);
		} else {
			strbuf_addstr(m, "no data");
		}
		strbuf_addstr(m, "</td></tr>");
	}
	strbuf_addstr(m, "</tbody></table>");
}

/* Each breakdown: its groups' latest values, or why it cannot be given. */
static int breakdowns_html(struct http_request *req, struct strbuf *m, const char *id,
			   enum series_period period, struct aiv_err *err)
{
	static const enum series_by bys[] = { SERIES_BY_ROLE, SERIES_BY_TEAM, SERIES_BY_FUNCTION,
					      SERIES_BY_WORKFLOW };
	size_t b, g, j;

	strbuf_addstr(m, "<section class=\"card\"><h2>Breakdowns</h2><dl class=\"mbreak\">");
	for (b = 0; b < ARRAY_SIZE(bys); b++) {
		struct metric_series ms;
		if (metric_series_get(req->store, req->cat, id, period, bys[b], time_now_us(), &ms,
				      err)) {
			metric_series_release(&ms);
			return -1;
		}
		strbuf_addstr(m, "<dt>By ");
		strbuf_add_html(m, series_by_name(bys[b]));
		strbuf_addstr(m, "</dt><dd>");
		if (ms.unavailable[0] || !ms.nlines) {
			strbuf_addstr(m, "Not available: ");
			strbuf_add_html(m, ms.unavailable[0] ? ms.unavailable : "no groups");
		} else {
			const char *why0 = NULL;
			struct strbuf quiet = STRBUF_INIT;
			strbuf_addstr(m, "<ul class=\"mgroups\">");
			for (g = 0; g < ms.nlines; g++) {
				const struct series_line *l = &ms.lines[g];
				const struct series_point *p = NULL;
				const char *why = l->npoints ? l->points[l->npoints - 1].why : "";
				for (j = l->npoints; j-- > 0;)
					if (l->points[j].have) {
						p = &l->points[j];
						break;
					}
				if (!p && (!why0 || !strcmp(why, why0))) {
					/* groups without data for the same reason: one line */
					why0 = why;
					strbuf_addstr(&quiet, quiet.len ? ", " : "");
					strbuf_add_html(&quiet, l->group ? l->group : "everyone");
					continue;
				}
				strbuf_addstr(m, "<li>");
				strbuf_add_html(m, l->group ? l->group : "everyone");
				strbuf_addstr(m, ": ");
				if (p) {
					value_html(m, ms.metric, 1, p->value);
					strbuf_addstr(m, " (");
					strbuf_add_html(m, p->label);
					strbuf_addstr(m, ") ");
					status_html(m, p->status);
				} else {
					strbuf_addstr(m, "no data <span class=\"small\">(");
					strbuf_add_html(m, why);
					strbuf_addstr(m, ")</span>");
				}
				strbuf_addstr(m, "</li>");
			}
			strbuf_addstr(m, "</ul>");
			if (quiet.len) {
				strbuf_addstr(m, "<p class=\"small\">No data");
				if (why0 && *why0) {
					strbuf_addstr(m, " (");
					strbuf_add_html(m, why0);
					strbuf_addstr(m, ")");
				}
				strbuf_addstr(m, ": ");
				strbuf_addstr(m, quiet.buf);
				strbuf_addstr(m, "</p>");
			}
			strbuf_release(&quiet);
		}
		strbuf_addstr(m, "</dd>");
		metric_series_release(&ms);
	}
	strbuf_addstr(m, "</dl></section>");
	return 0;
}

static void h_metric_page(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *id = http_param(req, "id"), *period_s = http_query(req, "period");
	const struct cat_metric *mt = catalog_metric(req->cat, id);
	enum series_period period = SERIES_MONTH;
	struct metric_summary s;
	struct metric_series ms;
	struct strbuf m = STRBUF_INIT, tt = STRBUF_INIT;

	memset(&s, 0, sizeof(s));
	memset(&ms, 0, sizeof(ms));
	if (!mt) {
		strbuf_addf(&m, "There is no metric '%s'; the value model pages list them.",
			    id ? id : "");
		http_page_message(req, res, 404, "No such metric", m.buf);
		strbuf_release(&m);
		return;
	}
	if (period_s && series_period_parse(period_s, &period)) {
		strbuf_addf(&m, "The period must be week or month, not '%s'.", period_s);
		http_page_message(req, res, 400, "Unknown period", m.buf);
		strbuf_release(&m);
		return;
	}
	if (metric_summary_get(req->store, req->cat, id, time_now_us(), &s, &err) ||
	    metric_series_get(req->store, req->cat, id, period, SERIES_BY_NONE, time_now_us(), &ms,
			      &err)) {
		http_page_message(req, res, http_status_for(err.code), "Cannot read the metric",
				  err.msg);
		goto cleanup;
	}

	strbuf_addstr(&m, "<section class=\"card mhead\"><p class=\"small\">");
	if (mt->model >= 0 && (size_t)mt->model < req->cat->nmodels) {
		const struct cat_model *cm = &req->cat->models[mt->model];
		strbuf_addstr(&m, "Value model <a href=\"/models/");
		strbuf_add_html(&m, cm->id);
		strbuf_addstr(&m, "\">");
		strbuf_add_html(&m, cm->name);
		strbuf_addstr(&m, "</a>");
	} else {
		strbuf_addstr(&m, "Signal (feeds the phase and readiness)");
	}
	strbuf_addstr(&m, "</p><h1>");
	strbuf_add_html(&m, mt->name);
	strbuf_addstr(&m, "</h1><p class=\"mvalue\"><span class=\"kpi-value\">");
	value_html(&m, mt, s.have, s.value);
	strbuf_addstr(&m, "</span> ");
	status_html(&m, s.status);
	strbuf_addstr(&m, "</p><p>The ");
	change_html(&m, mt, s.have_change, s.change, "change since the previous month: ");
	strbuf_addstr(&m, ". Trend of the monthly values: <span class=\"mtrend\" title=\"");
	strbuf_add_html(&m, s.trend_detail[0] ? s.trend_detail : "no statistic: too few points");
	strbuf_addstr(&m, "\">");
	strbuf_add_html(&m, s.trend);
	strbuf_addstr(&m, "</span>.</p></section>");

	strbuf_addstr(&m, "<section class=\"card\"><h2>Over time</h2><p class=\"small\">");
	strbuf_addstr(&m, period == SERIES_MONTH
			  ? "Monthly. <a href=\"?period=week\">Show weekly</a>"
			  : "Weekly. <a href=\"?period=month\">Show monthly</a>");
	if (ms.nlines && period == SERIES_WEEK) {
		strbuf_addstr(&m, ". Trend of the weekly values: <span class=\"mtrend\" title=\"");
		strbuf_add_html(&m, ms.lines[0].trend_detail);
		strbuf_addstr(&m, "\">");
		strbuf_add_html(&m, ms.lines[0].trend);
		strbuf_addstr(&m, "</span>");
	}
	strbuf_addstr(&m, ".</p>");
	series_html(&m, &ms);
	strbuf_addstr(&m, "</section>");

	strbuf_addstr(&m, "<section class=\"card\"><h2>Definition and target</h2><dl class=\"mdef\">"
		      "<dt>Definition</dt><dd>");
	strbuf_add_html(&m, mt->definition);
	strbuf_addstr(&m, "</dd><dt>Better when</dt><dd>");
	strbuf_addstr(&m, !strcmp(mt->direction, "up") ? "higher" : "lower");
	strbuf_addstr(&m, "</dd><dt>Target</dt><dd>");
	target_text(&tt, mt, &s.target);
	strbuf_add_html(&m, tt.buf);
	strbuf_addstr(&m, "</dd><dt>Target from</dt><dd>");
	strbuf_add_html(&m, s.target.source);
	if (s.target.note[0]) {
		strbuf_addstr(&m, ": ");
		strbuf_add_html(&m, s.target.note);
	}
	strbuf_addstr(&m, "</dd><dt>Evidence</dt><dd>");
	strbuf_add_html(&m, s.source);
	strbuf_addstr(&m, "</dd></dl></section>");

	if (breakdowns_html(req, &m, id, period, &err)) {
		http_page_message(req, res, http_status_for(err.code), "Cannot read the metric",
				  err.msg);
		goto cleanup;
	}
	http_page_send(req, res, 200, mt->name, "/metrics", m.buf);
cleanup:
	strbuf_release(&m);
	strbuf_release(&tt);
	metric_series_release(&ms);
	metric_summary_release(&s);
}

static const struct http_qparam q_metric_page[] = {
	{ "period", "string", "week or month (default month)" },
	{ NULL, NULL, NULL },
};

const struct http_route http_metrics_page_routes[] = {
	{ "GET", "/metrics/{id}", ROLE_HUMANS, R_PAGE, h_metric_page,
	  "dashboard: one metric over time: value, status, series, target and its source, "
	  "definition, trend, breakdowns, evidence", "dashboard", q_metric_page, "text/html" },
	HTTP_ROUTES_END,
};
