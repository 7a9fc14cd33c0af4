/*
 * pages_process.c - dashboard pages for imported event logs: /logs (the
 * logs with their size) and /logs/{name} (KPI tiles, cycle-time
 * histogram, bottleneck chart, top variants, the directly-follows graph
 * and, with ?by=ATTR or ?before=DATE, the cohort comparison).
 *
 * Every figure comes from the functions the CLI and the API use
 * (metrics/process.h, report/process_json.h); charts from report/svg.c
 * and report/dfg_svg.c.  Server-rendered, no scripts, all text escaped.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/logstore.h"
#include "metrics/process.h"
#include "report/dfg_svg.h"
#include "report/process_json.h"
#include "report/svg.h"
#include "pages.h"
#include "routes.h"

#define VARIANTS_SHOWN 10
#define VARIANT_STEPS 14   /* activities of a variant written out */
#define BOTTLENECKS_SHOWN 15
#define HIST_BINS 16

/* A unit for durations around `s` seconds: name and seconds per unit. */
static double duration_unit(double s, const char **name)
{
	if (isfinite(s) && s >= 2 * 86400) {
		*name = "days";
		return 86400;
	}
	if (isfinite(s) && s >= 2 * 3600) {
		*name = "hours";
		return 3600;
	}
	if (isfinite(s) && s >= 120) {
		*name = "minutes";
		return 60;
	}
	*name = "seconds";
	return 1;
}

/* The process model's colour from the catalog, or a default. */
static const char *process_color(const struct http_request *req)
{
	const struct cat_model *m = req->cat ? catalog_model(req->cat, "process") : NULL;
	const char *c = m ? m->color : NULL;

	if (c && c[0] == '#' && strlen(c) <= 9 &&
	    strspn(c + 1, "0123456789abcdefABCDEF") == strlen(c) - 1)
		return c;
	return "#0072B2";
}

static void kpi(struct strbuf *m, const char *label, const char *value, const char *hint)
{
	strbuf_addstr(m, "<div class=\"pm-kpi\"><div class=\"pm-kpi-value\">");
	strbuf_add_html(m, value);
	strbuf_addstr(m, "</div><div class=\"pm-kpi-label\">");
	strbuf_add_html(m, label);
	strbuf_addstr(m, "</div>");
	if (hint) {
		strbuf_addstr(m, "<div class=\"small\">");
		strbuf_add_html(m, hint);
		strbuf_addstr(m, "</div>");
	}
	strbuf_addstr(m, "</div>");
}

/* ---- /logs ---- */

static void logs_page(struct http_request *req, struct http_response *res, const char *page)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct logstore_info *v;
	struct strbuf m = STRBUF_INIT;
	size_t nv, i;

	if (logstore_list(req->store, &v, &nv, &err)) {
		http_page_message(req, res, http_status_for(err.code), "Cannot read the workspace", err.msg);
		return;
	}
	strbuf_addstr(&m, "<h1>Processes</h1><p class=\"lead\">Event logs imported with "
		      "<code>aivalue import cases</code>: open one for its cycle times, "
		      "bottlenecks, variants and directly-follows graph.</p>"
		      "<section class=\"card\">");
	if (!nv) {
		strbuf_addstr(&m, "<p class=\"empty\">No event logs yet; import one with "
			      "<code>aivalue import cases FILE</code>.</p>");
	} else {
		strbuf_addstr(&m, "<table class=\"sortable logs\"><thead><tr><th>Log</th>"
			      "<th>Format</th><th class=\"num\">Cases</th><th class=\"num\">Events</th>"
			      "<th class=\"num\">Activities</th><th class=\"num\">Events per case</th>"
			      "<th>First event</th><th>Last event</th><th>Imported</th></tr></thead><tbody>");
		for (i = 0; i < nv; i++) {
			strbuf_addstr(&m, "<tr><td><a href=\"/logs/");
			strbuf_add_html(&m, v[i].name);
			strbuf_addstr(&m, "\">");
			strbuf_add_html(&m, v[i].name);
			strbuf_addstr(&m, "</a></td><td>");
			strbuf_add_html(&m, v[i].format);
			strbuf_addf(&m, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
				    "<td class=\"num\">%lld</td><td class=\"num\">%.1f</td><td>",
				    (long long)v[i].cases, (long long)v[i].events,
				    (long long)v[i].activities,
				    v[i].cases ? (double)v[i].events / (double)v[i].cases : 0.0);
			strbuf_add_html(&m, *v[i].first_time ? v[i].first_time : "no timestamps");
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, v[i].last_time);
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, v[i].imported_at);
			strbuf_addstr(&m, "</td></tr>");
		}
		strbuf_addstr(&m, "</tbody></table>");
	}
	strbuf_addstr(&m, "</section>");
	http_page_send(req, res, 200, "Processes", "/logs", m.buf);
	pages_cache_put(req, page, m.buf);
	logstore_info_free(v, nv);
	strbuf_release(&m);
}

/*
 * The list is kept as a log's page is (pages_cache.c): under the store
 * state, which an import changes (it writes the ledger), so that on
 * PostgreSQL a second visit needs no round trip.
 */
static void h_logs_page(struct http_request *req, struct http_response *res)
{
	pages_send_kept(req, res, "/logs", "Processes", "/logs", logs_page);
}

/* ---- /logs/{name} ---- */

static void kpi_tiles(struct strbuf *m, const struct process_stats *ps)
{
	char v[64], h[32];

	strbuf_addstr(m, "<section class=\"pm-kpis\" aria-label=\"key figures\">");
	snprintf(v, sizeof(v), "%zu", ps->cases);
	kpi(m, "cases", v, NULL);
	snprintf(v, sizeof(v), "%zu", ps->events);
	kpi(m, "events", v, NULL);
	snprintf(v, sizeof(v), "%zu", ps->activities);
	kpi(m, "activities", v, NULL);
	snprintf(v, sizeof(v), "%zu", ps->nvariants);
	kpi(m, "variants", v, NULL);
	kpi(m, "median case duration", ps->no_time ? "no timestamps" :
	    pjson_human(ps->duration.median, h, sizeof(h)), "first to last event");
	kpi(m, "p90 case duration", ps->no_time ? "no timestamps" :
	    pjson_human(ps->duration.p90, h, sizeof(h)), NULL);
	snprintf(v, sizeof(v), "%.1f%%", ps->cases ? 100.0 * (double)ps->rework_cases /
		 (double)ps->cases : 0.0);
	kpi(m, "rework rate", v, "cases repeating an activity");
	strbuf_addstr(m, "</section>");
}

static void histogram(struct strbuf *m, const struct http_request *req,
		      const struct process_stats *ps)
{
	const char *uname;
	double unit = duration_unit(ps->duration.median, &uname), ticks[HIST_BINS + 2];
	double counts[HIST_BINS + 1];
	char labels[HIST_BINS + 1][64], xt[64], a[24], b[24];
	const char *cats[HIST_BINS + 1];
	struct svg_series s;
	struct svg_chart c;
	size_t nt, nb, i, k = 0;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	nt = ps->cases ? svg_nice_ticks(0, ps->duration.max / unit, 12, 0, ticks, HIST_BINS + 1) : 0;
	nb = nt > 1 ? nt - 1 : 0;
	for (i = 0; i < nb; i++) {
		counts[i] = 0;
		svg_format_number(a, sizeof(a), ticks[i]);
		svg_format_number(b, sizeof(b), ticks[i + 1]);
		snprintf(labels[i], sizeof(labels[i]), "%s\xE2\x80\x93%s", a, b);
		cats[i] = labels[i];
	}
	/* durations are sorted: walk the bins once; the last bin is closed */
	for (i = 0; i < ps->cases && nb; i++) {
		double d = ps->durations[i] / unit;
		while (k + 1 < nb && d >= ticks[k + 1])
			k++;
		counts[k]++;
	}
	snprintf(xt, sizeof(xt), "case duration (%s)", uname);
	c.id = "cycle-time";
	c.title = "Cycle time: cases by duration";
	c.desc = "Histogram of case durations, first to last event of each case.";
	c.x_title = xt;
	c.y_title = "cases (count)";
	c.unit = "cases";
	c.categories = cats;
	c.ncategories = nb;
	c.flags = SVG_INTEGER;
	s.name = "cases";
	s.color = process_color(req);
	s.y = counts;
	s.n = nb;
	strbuf_addstr(m, "<section class=\"card\">");
	svg_bar(m, &c, &s);
	strbuf_addf(m, "<p class=\"small\">Bins of %s; a bin holds durations from its lower bound "
		    "up to (not including) its upper bound, the last one includes it.</p></section>",
		    uname);
}

static void bottleneck_chart(struct strbuf *m, const struct http_request *req,
			     const struct eventlog *l, const struct process_stats *ps)
{
	const struct pstat_activity **bn = pjson_bottlenecks(ps);
	double vals[BOTTLENECKS_SHOWN];
	const char *cats[BOTTLENECKS_SHOWN], *uname;
	double unit;
	char xt[80];
	struct svg_series s;
	struct svg_chart c;
	size_t n = 0, i;

	unit = duration_unit(ps->nacts && bn[0]->wait.n ? bn[0]->wait.median : NAN, &uname);
	for (i = 0; i < ps->nacts && n < BOTTLENECKS_SHOWN; i++) {
		if (!bn[i]->wait.n)
			continue;
		cats[n] = eventlog_str(l, bn[i]->activity);
		vals[n++] = bn[i]->wait.median / unit;
	}
	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	snprintf(xt, sizeof(xt), "median wait before the activity (%s)", uname);
	c.id = "bottlenecks";
	c.title = "Bottlenecks: median wait before each activity";
	c.desc = "For each activity, the median time from the previous event of the case.";
	c.height = 60 + 26 * (int)(n ? n : 1);
	c.x_title = xt;
	c.unit = uname;
	c.categories = cats;
	c.ncategories = n;
	c.flags = SVG_HORIZONTAL;
	s.name = "median wait";
	s.color = process_color(req);
	s.y = vals;
	s.n = n;
	strbuf_addstr(m, "<section class=\"card\">");
	svg_bar(m, &c, &s);
	strbuf_addf(m, "<p class=\"small\">The %zu activities with the longest median wait "
		    "(first events of a case have no wait).</p></section>", n);
	free(bn);
}

static void variants_table(struct strbuf *m, const struct eventlog *l,
			   const struct process_stats *ps)
{
	size_t i, k;

	strbuf_addf(m, "<section class=\"card\"><h2>Top variants</h2><p class=\"small\">%zu "
		    "variants; a variant is the sequence of activities of a case, every event "
		    "counted.</p><table class=\"sortable variants\"><thead><tr><th class=\"num\">#"
		    "</th><th class=\"num\">Cases</th><th class=\"num\">Share</th>"
		    "<th class=\"num\">Events</th><th>Activities</th></tr></thead><tbody>",
		    ps->nvariants);
	for (i = 0; i < ps->nvariants && i < VARIANTS_SHOWN; i++) {
		const struct pstat_variant *v = &ps->variants[i];
		size_t b = l->case_off[v->first_case], e = l->case_off[v->first_case + 1];

		strbuf_addf(m, "<tr><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
			    "<td class=\"num\">%.1f%%</td><td class=\"num\">%u</td><td>", i + 1,
			    v->count, ps->cases ? 100.0 * (double)v->count / (double)ps->cases : 0.0,
			    v->len);
		for (k = b; k < e && k - b < VARIANT_STEPS; k++) {
			if (k > b)
				strbuf_addstr(m, " \xE2\x86\x92 ");
			strbuf_add_html(m, eventlog_str(l, l->activity[k]));
		}
		if (e - b > VARIANT_STEPS)
			strbuf_addf(m, " \xE2\x80\xA6 (%zu more)", e - b - VARIANT_STEPS);
		strbuf_addstr(m, "</td></tr>");
	}
	strbuf_addstr(m, "</tbody></table></section>");
}

static void dfg_section(struct strbuf *m, const struct eventlog *l,
			const struct process_stats *ps, size_t min_count)
{
	struct dfg_node *nodes = xcalloc(ps->nacts + 1, sizeof(*nodes));
	struct dfg_edge *edges = xcalloc(ps->ndfg + 1, sizeof(*edges));
	size_t *pos = xcalloc(l->strs.n + 1, sizeof(*pos)); /* string id -> node index */
	struct dfg_svg_opts o;
	struct dfg_svg_result r;
	size_t i;

	for (i = 0; i < ps->nacts; i++) {
		nodes[i].name = eventlog_str(l, ps->acts[i].activity);
		nodes[i].count = ps->acts[i].events;
		pos[ps->acts[i].activity] = i;
	}
	for (i = 0; i < ps->nstarts; i++)
		nodes[pos[ps->starts[i].to]].starts = ps->starts[i].count;
	for (i = 0; i < ps->nends; i++)
		nodes[pos[ps->ends[i].to]].ends = ps->ends[i].count;
	for (i = 0; i < ps->ndfg; i++) {
		edges[i].from = pos[ps->dfg[i].from];
		edges[i].to = pos[ps->dfg[i].to];
		edges[i].count = ps->dfg[i].count;
		edges[i].median = ps->dfg[i].median;
	}
	memset(&o, 0, sizeof(o));
	o.id = "dfg";
	o.title = "Directly-follows graph";
	o.min_count = min_count;
	strbuf_addstr(m, "<section class=\"card pm-dfg\"><h2>Directly-follows graph</h2>"
		      "<div class=\"pm-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"directly-follows graph, scrolls sideways\">");
	dfg_svg(m, nodes, ps->nacts, edges, ps->ndfg, &o, &r);
	strbuf_addf(m, "</div><p class=\"small\">Boxes: activities with their event counts; "
		    "arrows: one activity directly followed by the next in a case, labelled "
		    "with how often (hover for the median time between them). Green: case "
		    "starts, red dashed: case ends. %zu of %zu activities, %zu of %zu edges drawn",
		    r.nodes, ps->nacts, r.edges, ps->ndfg);
	if (r.hidden_edges)
		strbuf_addf(m, "; %zu less frequent edges (seen fewer than %zu times) are left "
			    "out", r.hidden_edges, r.threshold);
	if (r.hidden_nodes)
		strbuf_addf(m, "; %zu less frequent activities are left out", r.hidden_nodes);
	if (r.hidden_edges || r.hidden_nodes)
		strbuf_addstr(m, " to keep the graph readable (<code>?min_edge=N</code> hides "
			      "edges seen fewer than N times; the full graph is at "
			      "<code>/api/v1/logs/NAME/dfg</code>)");
	strbuf_addstr(m, ".</p></section>");
	free(nodes);
	free(edges);
	free(pos);
}

static void ci_cell(struct strbuf *m, double lo, double hi, int pct)
{
	char a[32], b[32];

	if (pct)
		strbuf_addf(m, "<td class=\"num\">[%.1f%%, %.1f%%]</td>", 100 * lo, 100 * hi);
	else
		strbuf_addf(m, "<td class=\"num\">[%s%s, %s%s]</td>", lo < 0 ? "-" : "",
			    pjson_human(fabs(lo), a, sizeof(a)), hi < 0 ? "-" : "",
			    pjson_human(fabs(hi), b, sizeof(b)));
}

static void dur_row(struct strbuf *m, const char *label, double a, double b)
{
	char x[32], y[32], d[32];

	strbuf_addstr(m, "<tr><th scope=\"row\">");
	strbuf_add_html(m, label);
	strbuf_addf(m, "</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
		    "<td class=\"num\">%s%s</td>", pjson_human(a, x, sizeof(x)),
		    pjson_human(b, y, sizeof(y)), b < a ? "-" : "+",
		    pjson_human(fabs(b - a), d, sizeof(d)));
	if (a != 0 && isfinite(a) && isfinite(b))
		strbuf_addf(m, "<td class=\"num\">%+.1f%%</td>", 100 * (b / a - 1));
	else
		strbuf_addstr(m, "<td class=\"num\">-</td>");
}

static void compare_section(struct strbuf *m, const struct pjson_cohorts *co, const char *by)
{
	const struct process_stats *a = &co->ps[0], *b = &co->ps[1];
	double ra = (double)a->rework_cases / (double)a->cases;
	double rb = (double)b->rework_cases / (double)b->cases;
	double ea = (double)a->events / (double)a->cases, eb = (double)b->events / (double)b->cases;

	strbuf_addstr(m, "<section class=\"card pm-compare\"><h2>Cohorts: A = ");
	strbuf_add_html(m, co->label[0]);
	strbuf_addstr(m, ", B = ");
	strbuf_add_html(m, co->label[1]);
	strbuf_addstr(m, "</h2>");
	if (co->excluded) {
		strbuf_addf(m, "<p class=\"small\">%zu cases without a value for '", co->excluded);
		strbuf_add_html(m, by ? by : "");
		strbuf_addstr(m, "' are left out.</p>");
	}
	strbuf_addstr(m, "<table class=\"compare\"><thead><tr><th>Metric</th><th class=\"num\">A"
		      "</th><th class=\"num\">B</th><th class=\"num\">B \xE2\x88\x92 A</th>"
		      "<th class=\"num\">B/A \xE2\x88\x92 1</th><th class=\"num\">95% interval</th>"
		      "</tr></thead><tbody>");
	strbuf_addf(m, "<tr><th scope=\"row\">cases</th><td class=\"num\">%zu</td>"
		    "<td class=\"num\">%zu</td><td></td><td></td><td></td></tr>", a->cases, b->cases);
	dur_row(m, "median case duration", a->duration.median, b->duration.median);
	ci_cell(m, co->median_lo, co->median_hi, 0);
	strbuf_addstr(m, "</tr>");
	dur_row(m, "mean case duration", a->duration.mean, b->duration.mean);
	strbuf_addstr(m, "<td></td></tr>");
	dur_row(m, "p90 case duration", a->duration.p90, b->duration.p90);
	strbuf_addstr(m, "<td></td></tr>");
	strbuf_addf(m, "<tr><th scope=\"row\">rework rate</th><td class=\"num\">%.1f%% "
		    "<span class=\"small\">[%.1f%%, %.1f%%]</span></td><td class=\"num\">%.1f%% "
		    "<span class=\"small\">[%.1f%%, %.1f%%]</span></td><td class=\"num\">%+.1f pp"
		    "</td><td></td><td class=\"num small\">Wilson, per cohort</td></tr>",
		    100 * ra, 100 * co->rework_lo[0], 100 * co->rework_hi[0], 100 * rb,
		    100 * co->rework_lo[1], 100 * co->rework_hi[1], 100 * (rb - ra));
	strbuf_addf(m, "<tr><th scope=\"row\">events per case</th><td class=\"num\">%.2f</td>"
		    "<td class=\"num\">%.2f</td><td class=\"num\">%+.2f</td><td></td><td></td></tr>",
		    ea, eb, eb - ea);
	strbuf_addf(m, "<tr><th scope=\"row\">variants</th><td class=\"num\">%zu</td>"
		    "<td class=\"num\">%zu</td><td></td><td></td><td></td></tr></tbody></table>",
		    a->nvariants, b->nvariants);
	strbuf_addf(m, "<p class=\"small\">The interval of the median difference is a "
		    "percentile bootstrap (%lld resamples, seed %lld), as "
		    "<code>aivalue process compare</code> computes it.</p></section>",
		    co->reps, co->seed);
}

static void compare_form(struct strbuf *m, const char *name, const char *by,
			 const char *before)
{
	strbuf_addstr(m, "<section class=\"card\"><h2>Compare two cohorts</h2>"
		      "<form class=\"pm-form\" method=\"get\" action=\"/logs/");
	strbuf_add_html(m, name);
	strbuf_addstr(m, "\"><label>by case attribute <input name=\"by\" value=\"");
	strbuf_add_html(m, by ? by : "");
	strbuf_addstr(m, "\" placeholder=\"ai_assisted\"></label> <label>or first event before "
		      "<input name=\"before\" value=\"");
	strbuf_add_html(m, before ? before : "");
	strbuf_addstr(m, "\" placeholder=\"2024-01-01\"></label> <button type=\"submit\">"
		      "Compare</button></form></section>");
}

static void log_page(struct http_request *req, struct http_response *res, const char *page)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *name = http_param(req, "name");
	const char *by = http_query(req, "by"), *before = http_query(req, "before");
	const char *min_s = http_query(req, "min_edge");
	struct strbuf m = STRBUF_INIT, msg = STRBUF_INIT;
	struct process_stats ps;
	struct pjson_cohorts co;
	struct eventlog l;
	size_t min_edge = 0;
	int status = 200, have_co = 0;

	memset(&ps, 0, sizeof(ps));
	memset(&co, 0, sizeof(co));
	eventlog_init(&l);
	if (by && !*by)
		by = NULL;
	if (before && !*before)
		before = NULL;
	if (min_s) {
		char *end;
		unsigned long long v;
		errno = 0;
		v = strtoull(min_s, &end, 10);
		if (!*min_s || *end || errno || v > 1000000000ULL || *min_s == '-') {
			strbuf_addf(&msg, "min_edge wants a whole number, not '%s'", min_s);
			http_page_message(req, res, 400, "Bad request", msg.buf);
			goto cleanup;
		}
		min_edge = (size_t)v;
	}
	if (by && before) {
		http_page_message(req, res, 400, "Bad request", "give either 'by' or 'before', not both");
		goto cleanup;
	}
	if (logstore_load(req->store, name, &l, &err)) {
		http_page_message(req, res, http_status_for(err.code),
			     err.code == AIV_ENOTFOUND ? "No such log" : "Cannot read the log", err.msg);
		goto cleanup;
	}
	process_stats_compute(&l, NULL, &ps);
	if (by || before) {
		if (pjson_cohorts_compute(&l, name, by, NULL, before, 2000, 20261125, &co, &err))
			status = http_status_for(err.code);
		else
			have_co = 1;
	}
	strbuf_addstr(&m, "<h1>");
	strbuf_add_html(&m, name);
	strbuf_addstr(&m, "</h1><p class=\"lead\">Event log: cycle time, bottlenecks, variants "
		      "and the directly-follows graph. Data: <a href=\"/api/v1/logs/");
	strbuf_add_html(&m, name);
	strbuf_addstr(&m, "\">JSON</a>, <a href=\"/api/v1/logs/");
	strbuf_add_html(&m, name);
	strbuf_addstr(&m, "/dfg?format=dot\">Graphviz</a>.</p>");
	kpi_tiles(&m, &ps);
	if (status != 200) {
		strbuf_addstr(&m, "<p class=\"notice\" role=\"alert\">");
		strbuf_add_html(&m, err.msg);
		strbuf_addstr(&m, "</p>");
	}
	if (have_co)
		compare_section(&m, &co, by);
	strbuf_addstr(&m, "<div class=\"charts\">");
	if (ps.no_time) { /* no durations or waits to chart: say so, not 0 */
		strbuf_addstr(&m, "<section class=\"card\"><p>This log has no timestamps: "
			      "events are in file order, and case durations, waiting times "
			      "and weeks are unknown.</p></section>");
	} else {
		histogram(&m, req, &ps);
		bottleneck_chart(&m, req, &l, &ps);
	}
	strbuf_addstr(&m, "</div>");
	dfg_section(&m, &l, &ps, min_edge);
	variants_table(&m, &l, &ps);
	compare_form(&m, name, by, before);
	if (status == 200)
		pages_cache_put(req, page, m.buf);
	http_page_send(req, res, status, name, "/logs", m.buf);
cleanup:
	pjson_cohorts_release(&co);
	process_stats_release(&ps);
	eventlog_release(&l);
	strbuf_release(&m);
	strbuf_release(&msg);
}

/* Pages for every human role, as the other dashboard pages. */
/*
 * A second visit to the same log, query and store state draws the kept
 * body (pages_cache.c) instead of loading every event of the log again.
 */
static void h_log_page(struct http_request *req, struct http_response *res)
{
	const char *name = http_param(req, "name"), *by = http_query(req, "by");
	const char *before = http_query(req, "before"), *min_s = http_query(req, "min_edge");
	struct strbuf page = STRBUF_INIT;

	/* each part escaped, so that no two queries name the same page */
	strbuf_addstr(&page, "/logs/");
	strbuf_add_html(&page, name ? name : "");
	strbuf_addstr(&page, by ? "?by=" : "?");
	strbuf_add_html(&page, by ? by : "");
	strbuf_addstr(&page, before ? "&before=" : "&");
	strbuf_add_html(&page, before ? before : "");
	strbuf_addstr(&page, min_s ? "&min_edge=" : "&");
	strbuf_add_html(&page, min_s ? min_s : "");
	pages_send_kept(req, res, page.buf, name, "/logs", log_page);
	strbuf_release(&page);
}

const struct http_route http_process_page_routes[] = {
	{ "GET", "/logs", ROLE_HUMANS, R_PAGE, h_logs_page,
	  "dashboard: event logs", "dashboard", NULL, "text/html" },
	{ "GET", "/logs/{name}", ROLE_HUMANS, R_PAGE, h_log_page,
	  "dashboard: one event log", "dashboard", NULL, "text/html" },
	HTTP_ROUTES_END,
};
