/*
 * pages_value.c - the value page (/value): AI spend against proven value
 * over time, and an ROI card per initiative.
 *
 * It prints the same struct value_report as `aivalue value` and
 * GET /api/v1/value (assess/value.h); nothing here computes a figure.
 * The chart's coordinates are doubles of major units, for drawing only;
 * every figure written as text comes from money_format on minor units.
 */
#include <stdlib.h>
#include <string.h>

#include "assess/evidence.h"
#include "assess/playbook.h"
#include "assess/value.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "pages.h"
#include "report/svg.h"

static void money_html(struct strbuf *m, const struct value_report *r, int64_t minor)
{
	struct strbuf t = STRBUF_INIT;

	if (r->currency)
		money_format(&t, minor, r->currency);
	else
		strbuf_addstr(&t, "no data");
	strbuf_add_html(m, t.buf);
	strbuf_release(&t);
}

static void interval_html(struct strbuf *m, const struct value_report *r, int64_t v,
			  int64_t lo, int64_t hi)
{
	money_html(m, r, v);
	strbuf_addstr(m, " <span class=\"ci\">(interval ");
	money_html(m, r, lo);
	strbuf_addstr(m, " to ");
	money_html(m, r, hi);
	strbuf_addstr(m, ")</span>");
}

/* Spend and realised value by month, as two lines over the months of either. */
static void chart(struct strbuf *m, const struct value_report *r)
{
	double *x, *spend, *value;
	size_t n = 0, i = 0, j = 0, ns = 0, nv = 0;
	double scale = r->currency ? (double)money_pow10(r->currency->digits) : 1;
	struct svg_series s[2];
	struct svg_chart c;
	char ytitle[64];

	if (!r->currency || (!r->nspend && !r->nmonths)) {
		strbuf_addstr(m, "<p class=\"empty\">No spend or realised value by month yet: "
			      "apply a PriceBook, import usage, and price a supported hypothesis "
			      "with a UnitValue.</p>");
		return;
	}
	x = xcalloc(r->nspend + r->nmonths, sizeof(*x));
	spend = xcalloc(r->nspend + r->nmonths, sizeof(*spend));
	value = xcalloc(r->nspend + r->nmonths, sizeof(*value));
	while (i < r->nspend || j < r->nmonths) {
		int a = i < r->nspend && (j >= r->nmonths ||
					  strcmp(r->spend[i].month, r->months[j].month) <= 0);
		int b = j < r->nmonths && (i >= r->nspend ||
					   strcmp(r->months[j].month, r->spend[i].month) <= 0);
		char d[11];
		int64_t us = 0;
		snprintf(d, sizeof(d), "%.7s-01", a ? r->spend[i].month : r->months[j].month);
		time_parse_iso(d, &us);
		x[n] = (double)us;
		spend[n] = a ? (double)r->spend[i].minor / scale : 0;
		value[n] = b ? (double)r->months[j].minor / scale : 0;
		ns += a;
		nv += b;
		n++;
		i += a;
		j += b;
	}
	memset(s, 0, sizeof(s));
	s[0].name = "AI spend";
	s[0].color = "#D55E00";
	s[0].x = x;
	s[0].y = spend;
	s[0].n = n;
	s[1].name = "proven value realised";
	s[1].color = "#009E73";
	s[1].x = x;
	s[1].y = value;
	s[1].n = n;
	memset(&c, 0, sizeof(c));
	snprintf(ytitle, sizeof(ytitle), "%s a month", r->currency->code);
	c.id = "value-over-time";
	c.title = "AI spend against proven value, by month";
	c.desc = "Spend from the PriceBook and imported usage; value from supported "
		 "hypotheses priced by their unit values, on the cases of each month.";
	c.x_title = "month";
	c.y_title = ytitle;
	c.unit = r->currency->code;
	c.flags = SVG_TIME_X;
	svg_line(m, &c, s, 2);
	if (r->spend_unpriced)
		strbuf_addstr(m, "<p class=\"note\">Some spend has no price in force, so the "
			      "spend line understates it; see <code>aivalue cost</code>.</p>");
	(void)ns;
	(void)nv;
	free(x);
	free(spend);
	free(value);
}

static const char *const verdict_class[] = {
	"roi-positive", "roi-negative", "not-proven", "roi-unknown", "not-proven",
};

/* An ROI card: an initiative's, or (model) a model's, see value_add_models. */
static void card(struct strbuf *m, const struct value_report *r, const struct value_group *g,
		 int model)
{
	enum value_verdict v = value_group_verdict(g);
	const char *cls = verdict_class[v], *verdict = value_verdict_words[v];

	if (v == VALUE_NO_HYPOTHESIS) { /* spend without a hypothesis (models: no proven value) */
		cls = "not-proven";
		verdict = "not yet proven";
	}

	strbuf_addf(m, "<article class=\"card roi %s\"><h3>", cls);
	strbuf_add_html(m, g->group);
	strbuf_addf(m, "</h3><p class=\"verdict\">%s</p><dl>", verdict);
	strbuf_addstr(m, "<dt>Proven value a year</dt><dd>");
	if (g->realised)
		interval_html(m, r, g->value, g->lo, g->hi);
	else
		strbuf_addstr(m, "no proven value");
	strbuf_addstr(m, "</dd><dt>AI cost a year</dt><dd>");
	if (g->have_cost)
		money_html(m, r, g->cost_year);
	else
		strbuf_addstr(m, "no data");
	strbuf_addstr(m, "</dd>");
	if (g->have_roi) {
		strbuf_addf(m, "<dt>ROI</dt><dd>%.2f times its cost <span class=\"ci\">(interval "
			    "%.2f to %.2f)</span></dd><dt>Payback</dt><dd>", g->roi, g->roi_lo,
			    g->roi_hi);
		if (g->payback < 0)
			strbuf_addstr(m, "never at this value");
		else
			strbuf_addf(m, "%.1f months", g->payback);
		strbuf_addstr(m, "</dd>");
	}
	if (model) {
		strbuf_addf(m, "<dt>Initiatives with an ROI it serves</dt><dd>%zu</dd>"
			    "<dt>Spend not set against value</dt><dd>", g->realised);
		if (g->cost_no_roi)
			money_html(m, r, g->cost_no_roi);
		else
			strbuf_addstr(m, "none");
		strbuf_addstr(m, "</dd></dl>");
	} else {
		strbuf_addf(m, "<dt>Hypotheses</dt><dd>%zu proven, %zu not yet proven, %zu "
			    "unpriced</dd></dl>", g->realised, g->not_proven, g->unpriced);
	}
	if (g->note[0]) {
		strbuf_addstr(m, "<p class=\"note\">");
		strbuf_add_html(m, g->note);
		strbuf_addstr(m, "</p>");
	}
	strbuf_addstr(m, "</article>");
}

static void value_page(struct http_request *req, struct http_response *res, const char *page)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct value_report r;
	struct strbuf m = STRBUF_INIT;
	int64_t now = time_now_us();
	size_t i;

	if (value_compute(req->store, req->cat, now, now, &r, &err)) {
		http_page_message(req, res, http_status_for(err.code), "Cannot read the workspace",
				  err.msg);
		return;
	}
	strbuf_addstr(&m, "<h1>Value</h1><p class=\"lead\">Realised value a year: ");
	if (r.realised)
		interval_html(&m, &r, r.value, r.lo, r.hi);
	else
		strbuf_addstr(&m, "no proven value yet");
	strbuf_addf(&m, ", from %zu proven effect%s. %zu not yet proven and %zu unpriced "
		    "are listed below and never summed in.</p>", r.realised,
		    r.realised == 1 ? "" : "s", r.not_proven, r.unpriced);
	strbuf_addstr(&m, "<section class=\"card\">");
	chart(&m, &r);
	strbuf_addstr(&m, "</section><h2>ROI by initiative</h2><section class=\"cards\">");
	for (i = 0; i < r.ng; i++)
		card(&m, &r, &r.g[i], 0);
	if (!r.ng)
		strbuf_addstr(&m, "<p class=\"empty\">No initiatives with hypotheses or spend yet.</p>");
	strbuf_addstr(&m, "</section><h2 id=\"by-model\">ROI by model</h2><p class=\"lead\">Each "
		      "initiative's proven value in the share of its AI cost a model accounts for "
		      "(seats are (seat), agents (agent)).</p><section class=\"cards\">");
	for (i = 0; i < r.nmodels; i++)
		card(&m, &r, &r.models[i], 1);
	if (!r.nmodels)
		strbuf_addstr(&m, "<p class=\"empty\">No spend by model: no PriceBook, or no cost "
			      "recorded.</p>");
	strbuf_addstr(&m, "</section><h2>Effects</h2><section class=\"card\"><table class=\"effects\">"
		      "<thead><tr><th>Hypothesis</th><th>Initiative</th><th>Status</th>"
		      "<th>Value a year</th><th>How</th></tr></thead><tbody>");
	for (i = 0; i < r.n; i++) {
		const struct value_effect *e = &r.e[i];
		strbuf_addstr(&m, "<tr><td>");
		strbuf_add_html(&m, e->hypothesis);
		strbuf_addstr(&m, "</td><td>");
		strbuf_add_html(&m, e->initiative);
		strbuf_addf(&m, "</td><td>%s</td><td>", value_status_names[e->status]);
		if (e->status == VALUE_REALISED)
			interval_html(&m, &r, e->minor, e->lo, e->hi);
		else
			strbuf_addstr(&m, "not counted");
		strbuf_addstr(&m, "</td><td>");
		if (e->status == VALUE_REALISED) {
			strbuf_addf(&m, "%.4g %s%s a case on %lld cases a year at ", e->gain, e->per,
				    e->gain == 1 ? "" : "s", (long long)e->volume_year);
			money_html(&m, &r, e->unit_minor);
			strbuf_addf(&m, " per %s", e->per);
		} else {
			strbuf_add_html(&m, e->note);
		}
		strbuf_addstr(&m, "</td></tr>");
	}
	strbuf_addstr(&m, "</tbody></table></section>");
	if (r.ngaps) {
		strbuf_addstr(&m, "<h2>What is missing</h2><ul class=\"gaps\">");
		for (i = 0; i < r.ngaps; i++) {
			strbuf_addstr(&m, "<li>");
			strbuf_add_html(&m, r.gaps[i]);
			strbuf_addstr(&m, "</li>");
		}
		strbuf_addstr(&m, "</ul>");
	}
	pages_cache_put(req, page, m.buf);
	http_page_send(req, res, 200, "Value", "/value", m.buf);
	strbuf_release(&m);
	value_report_release(&r);
}

/*
 * Pricing the cost by initiative, model and month reads every usage row
 * (0.4-0.9 s of CPU on the large demo), so the body is kept per store
 * state for the evidence cache's minute (pages_cache.c), as /adoption's.
 */
static void h_value_page(struct http_request *req, struct http_response *res)
{
	pages_send_kept(req, res, "/value", "Value", "/value", value_page);
}

/*
 * The overview's value card: which initiatives pay back and which do not,
 * with money figures, linking to /value.  Only for the roles that may
 * open /value (it shows spend); nothing when no initiative has a
 * hypothesis or the workspace cannot be read (the /value page says why).
 *
 * Pricing the cost by initiative reads every usage row (seconds on a
 * large workspace), and the roadmap has already priced it for the
 * expected value with the same hypotheses: the card prints the value
 * report the overview's playbook snapshot keeps (playbook.h), so the two
 * show the same figures from one computation.
 */
void pages_value_overview(struct http_request *req, struct strbuf *m)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct playbook_state ps;
	const struct value_report *r;
	size_t i, shown = 0;

	if (!(req->token.role & (ROLE_ADMIN | ROLE_LEAD | ROLE_ANALYST | ROLE_AUDITOR)))
		return;
	if (playbook_compute(req->store, req->cat, assess_questionnaire_path(), NULL,
			     time_now_us(), &ps, &err) || !(r = ps.rm.value)) {
		playbook_release(&ps);
		return;
	}
	for (i = 0; i < r->ng; i++)
		shown += r->g[i].group[0] && r->g[i].group[0] != '(' &&
			 value_group_verdict(&r->g[i]) != VALUE_NO_HYPOTHESIS;
	if (shown) {
		strbuf_addstr(m, "<section class=\"card value-overview\" aria-labelledby=\"value-"
			      "overview\"><h2 id=\"value-overview\"><a href=\"/value\">Value in "
			      "money</a></h2><ul class=\"roi-list\">");
		for (i = 0; i < r->ng; i++) {
			const struct value_group *g = &r->g[i];
			enum value_verdict v = value_group_verdict(g);
			if (!g->group[0] || g->group[0] == '(' || v == VALUE_NO_HYPOTHESIS)
				continue;
			strbuf_addf(m, "<li class=\"%s\"><b>", verdict_class[v]);
			strbuf_add_html(m, g->title ? g->title : g->group);
			strbuf_addf(m, "</b> %s", value_verdict_words[v]);
			if (g->have_roi) {
				strbuf_addstr(m, ": ");
				interval_html(m, r, g->value, g->lo, g->hi);
				strbuf_addstr(m, " of proven value a year against ");
				money_html(m, r, g->cost_year);
				strbuf_addf(m, " of AI cost a year (ROI %.2f times its cost)", g->roi);
			}
			strbuf_addstr(m, "</li>");
		}
		strbuf_addstr(m, "</ul><p><a href=\"/value\">Value, cost and ROI in detail</a></p>"
			      "</section>");
	}
	playbook_release(&ps);
}

const struct http_route http_value_page_routes[] = {
	{ "GET", "/value", ROLE_ADMIN | ROLE_LEAD | ROLE_ANALYST | ROLE_AUDITOR, R_PAGE,
	  h_value_page, "dashboard: AI spend against proven value, ROI per initiative",
	  "dashboard", NULL, "text/html" },
	HTTP_ROUTES_END,
};
