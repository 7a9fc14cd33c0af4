/*
 * pages_adoption.c - the dashboard pages of value models 1 and 2:
 *
 *   GET /adoption   KPI tiles; repeat use by role and month (heat map);
 *                   proficiency by function (stacked bars); the Lorenz
 *                   curve of active days; the cohort retention triangle;
 *                   the reusable workflows with creator and champion
 *   GET /journeys   the funnel per channel (journeys -> qualified intent
 *                   -> committed); conversion quality by channel; the AI
 *                   channel's volume and quality trends with their p-values
 *
 * The figures come from the library the CLI uses (adoption_run,
 * adoption_compute, journeys_report); this file only lays them out.  The
 * heat map needs repeat use at the end of each month, which is the same
 * adoption_compute() run with that day as `as_of` over the usage table
 * already loaded.
 *
 * Privacy floor: no group under the floor shows a figure.  The library
 * marks such groups and cohorts `suppressed`; here they are drawn hatched
 * and labelled "<N" (heat map), listed by count only (proficiency), or
 * shown without figures (cohorts); workflows used by fewer people than
 * the floor are left out of the table (their count is stated).
 *
 * No inline styles (CSP): the cohort cells are shaded with the classes
 * .heat-0 ... .heat-9 from web/style.css; chart colours are SVG
 * attributes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "metrics/adoption.h"
#include "ingest/journeys_load.h"
#include "ingest/usage_load.h"
#include "metrics/journeys.h"
#include "report/svg.h"
#include "pages.h"
#include "routes.h"

static const char *const prof_colors[PROF_N] = { "#BBBBBB", "#F0E442", "#E69F00", "#56B4E9",
						  "#0072B2" };
static const char *const prof_labels[PROF_N] = { "non-user", "low", "novice", "habitual",
						  "power" };

/* The catalog colour of value model `id`, if it is a plain #hex colour. */
static const char *model_color(const struct catalog *cat, const char *id, const char *dflt)
{
	const struct cat_model *m = cat ? catalog_model(cat, id) : NULL;
	size_t n = m && m->color ? strlen(m->color) : 0;

	if (n >= 4 && n <= 9 && m->color[0] == '#' &&
	    strspn(m->color + 1, "0123456789abcdefABCDEF") == n - 1)
		return m->color;
	return dflt;
}

static void kpi(struct strbuf *sb, const char *label, const char *value, const char *note)
{
	strbuf_addstr(sb, "<div class=\"kpi\"><span class=\"kpi-label\">");
	strbuf_add_html(sb, label);
	strbuf_addstr(sb, "</span><span class=\"kpi-value\">");
	strbuf_add_html(sb, value);
	strbuf_addstr(sb, "</span>");
	if (note) {
		strbuf_addstr(sb, "<span class=\"kpi-note\">");
		strbuf_add_html(sb, note);
		strbuf_addstr(sb, "</span>");
	}
	strbuf_addstr(sb, "</div>");
}

static void pct(char *out, size_t n, double v)
{
	snprintf(out, n, "%.0f%%", 100.0 * v);
}

/* Days since the epoch of the last day of month "YYYY-MM"; INT32_MIN if bad. */
static int32_t month_end(const char *label)
{
	char first[16];
	int32_t day;
	int y, m, d;

	if (strlen(label) != 7)
		return INT32_MIN;
	snprintf(first, sizeof(first), "%s-01", label);
	if ((day = adoption_parse_day(first)) == INT32_MIN)
		return INT32_MIN;
	/* 31 days after the 1st is day d of the next month: back d days */
	adoption_civil(day + 31, &y, &m, &d);
	return day + 31 - d;
}

/*
 * Repeat use by role at the end of each month of r (values row-major,
 * roles x months, NAN for a role under the privacy floor), from one pass
 * over the usage table (adoption_repeat_series).  Caller frees.
 */
static double *role_month_repeat(const struct usage_table *t, const struct adoption_report *r)
{
	size_t nroles = r->ngroups[DIM_ROLE];
	size_t np = (size_t)(r->nperiods > 0 ? r->nperiods : 0);
	double *v = xcalloc(st_mult(nroles ? nroles : 1, np ? np : 1), sizeof(double));
	int32_t *ends = xcalloc(np ? np : 1, sizeof(*ends));
	size_t j;

	for (j = 0; j < np; j++) {
		int32_t end = month_end(r->period_label[j]);
		ends[j] = end == INT32_MIN || end > r->as_of ? r->as_of : end;
	}
	adoption_repeat_series(t, r, DIM_ROLE, ends, np, v);
	free(ends);
	return v;
}

static void adoption_kpis(struct strbuf *m, const struct adoption_report *r)
{
	const struct adoption_stats *o = &r->org;
	char a[64], b[96];

	strbuf_addstr(m, "<section class=\"kpis\" aria-label=\"key figures\">");
	snprintf(a, sizeof(a), "%d", o->people);
	kpi(m, "Licensed people", a, r->seats_known ? NULL : "no seat data: everyone counts");
	snprintf(a, sizeof(a), "%d", o->active);
	snprintf(b, sizeof(b), "in the last %d days", r->cfg.window_days);
	kpi(m, "Active", a, b);
	pct(a, sizeof(a), o->repeat_rate);
	snprintf(b, sizeof(b), "%d people active in %d of the last %d weeks", o->repeat_users,
		 r->cfg.min_active_weeks, r->cfg.weeks);
	kpi(m, "Repeat use", a, b);
	snprintf(a, sizeof(a), "%d", o->power_users);
	kpi(m, "Power users", a, NULL);
	snprintf(a, sizeof(a), "%.2f", o->gini);
	snprintf(b, sizeof(b), "top 10%% hold %.0f%% of active days", 100.0 * o->top10_share);
	kpi(m, "Gini of active days", a, b);
	pct(a, sizeof(a), o->stalled_share);
	snprintf(b, sizeof(b), "%d of %d who tried", o->stalled, o->tried);
	kpi(m, "Stalled", a, b);
	snprintf(a, sizeof(a), "%d", r->reusable_workflows);
	snprintf(b, sizeof(b), "of %zu shared workflows", r->nworkflows);
	kpi(m, "Reusable workflows", a, b);
	if (r->role_gap >= 0) {
		snprintf(a, sizeof(a), "%.0f points", 100.0 * r->role_gap);
		kpi(m, "Repeat-use gap between roles", a, NULL);
	}
	if (r->cross_functional_enablement >= 0) {
		pct(a, sizeof(a), r->cross_functional_enablement);
		kpi(m, "Cross-functional enablement", a, "functions using assets made elsewhere");
	}
	strbuf_addstr(m, "</section>");
}

static void adoption_heatmap(struct strbuf *m, const struct adoption_report *r,
			     const double *v)
{
	size_t n = r->ngroups[DIM_ROLE], i;
	const char **rows = xcalloc(n ? n : 1, sizeof(*rows));
	const char **cols = xcalloc((size_t)(r->nperiods ? r->nperiods : 1), sizeof(*cols));
	char hidden[16], desc[64];
	struct svg_chart c;
	struct svg_heat h;
	int j;

	for (i = 0; i < n; i++)
		rows[i] = r->groups[DIM_ROLE][i].name;
	for (j = 0; j < r->nperiods; j++)
		cols[j] = r->period_label[j];
	snprintf(hidden, sizeof(hidden), "<%d", r->cfg.privacy_floor);
	snprintf(desc, sizeof(desc), "fewer than %d people, not shown", r->cfg.privacy_floor);
	memset(&c, 0, sizeof(c));
	memset(&h, 0, sizeof(h));
	c.id = "chart-role-heat";
	c.title = "Repeat use by role, at the end of each month";
	c.desc = "Share of each role's licensed people active in enough of the preceding weeks "
		 "to count as repeat users, month by month; hatched rows are roles under the "
		 "privacy floor.";
	c.width = 980;
	c.categories = rows;
	c.ncategories = n;
	c.unit = "repeat use";
	c.x_title = "month (repeat use = share of the role's licensed people)";
	h.cols = cols;
	h.ncols = (size_t)r->nperiods;
	h.v = v;
	h.lo = 0;
	h.hi = 1;
	h.percent = 1;
	h.hidden_label = hidden;
	h.hidden_desc = desc;
	strbuf_addstr(m, "<section class=\"card wide\">");
	svg_heatmap(m, &c, &h);
	strbuf_addstr(m, "</section>");
	free(rows);
	free(cols);
}

static void adoption_proficiency(struct strbuf *m, const struct adoption_report *r)
{
	size_t nf = r->ngroups[DIM_FUNCTION], n = 0, i, hidden = 0;
	const char **labels = xcalloc(nf + 1, sizeof(*labels));
	double *vals = xcalloc(st_mult(nf + 1, PROF_N), sizeof(double));
	struct svg_series s[PROF_N];
	struct svg_chart c;
	int p;

	labels[n] = "organisation";
	for (p = 0; p < PROF_N; p++)
		vals[(size_t)p * (nf + 1) + n] = r->org.prof[p];
	n++;
	for (i = 0; i < nf; i++) {
		const struct adoption_stats *g = &r->groups[DIM_FUNCTION][i];
		if (g->suppressed) {
			hidden++;
			continue;
		}
		labels[n] = g->name;
		for (p = 0; p < PROF_N; p++)
			vals[(size_t)p * (nf + 1) + n] = g->prof[p];
		n++;
	}
	for (p = 0; p < PROF_N; p++) {
		s[p].name = prof_labels[p];
		s[p].color = prof_colors[p];
		s[p].y = vals + (size_t)p * (nf + 1);
		s[p].x = NULL;
		s[p].n = n;
	}
	memset(&c, 0, sizeof(c));
	c.id = "chart-proficiency";
	c.title = "Proficiency by function";
	c.desc = "Licensed people of the organisation and of each function by proficiency: "
		 "non-user, low, novice, habitual, power.";
	c.x_title = "licensed people (count)";
	c.unit = "people";
	c.categories = labels;
	c.ncategories = n;
	c.flags = SVG_HORIZONTAL | SVG_INTEGER;
	c.width = 600;
	c.height = 90 + 26 * (int)n;
	strbuf_addstr(m, "<section class=\"card\">");
	svg_stacked_bar(m, &c, s, PROF_N);
	if (hidden)
		strbuf_addf(m, "<p class=\"small\">%zu function%s under the privacy floor of %d "
			    "people not shown.</p>", hidden, hidden == 1 ? "" : "s",
			    r->cfg.privacy_floor);
	strbuf_addstr(m, "</section>");
	free(labels);
	free(vals);
}

static void adoption_lorenz(struct strbuf *m, const struct adoption_report *r)
{
	double x[11], y[11], diag[11];
	struct svg_series s[2];
	struct svg_chart c;
	char title[96];
	int j;

	for (j = 0; j <= 10; j++) {
		x[j] = 10.0 * j;
		y[j] = 100.0 * r->lorenz[j];
		diag[j] = x[j];
	}
	snprintf(title, sizeof(title), "Concentration of active days (Gini %.2f)", r->org.gini);
	memset(s, 0, sizeof(s));
	s[0].name = "Lorenz curve";
	s[0].color = "#0072B2";
	s[0].x = x;
	s[0].y = y;
	s[0].n = 11;
	s[1].name = "equality";
	s[1].color = "#999999";
	s[1].x = x;
	s[1].y = diag;
	s[1].n = 11;
	memset(&c, 0, sizeof(c));
	c.id = "chart-lorenz";
	c.title = title;
	c.desc = "Share of all active days in the window held by the least active share of "
		 "licensed people; the diagonal is perfect equality.";
	c.x_title = "licensed people, least active first (%)";
	c.y_title = "active days (%)";
	c.unit = "% of active days";
	c.width = 600;
	c.height = 340;
	strbuf_addstr(m, "<section class=\"card\">");
	svg_line(m, &c, s, 2);
	strbuf_addstr(m, "</section>");
}

static void adoption_cohorts(struct strbuf *m, const struct adoption_report *r)
{
	size_t i;
	int j, width = 0;

	for (i = 0; i < r->ncohorts; i++)
		width = r->cohorts[i].nret > width ? r->cohorts[i].nret : width;
	strbuf_addstr(m, "<section class=\"card wide\"><h2>Retention by first-use month</h2>"
		      "<p class=\"small\">Share of each cohort (people whose first use fell in "
		      "that month) active in the month and each month after.  A month's share "
		      "divides by the members still employed in it: a member who left drops out "
		      "of the months after their departure (column left).</p>");
	if (!r->ncohorts) {
		strbuf_addstr(m, "<p class=\"empty\">No cohorts yet.</p></section>");
		return;
	}
	strbuf_addstr(m, "<div class=\"scroll\"><table class=\"cohorts\"><thead><tr>"
		      "<th>cohort</th><th class=\"num\">people</th><th class=\"num\">left</th>");
	for (j = 0; j < width; j++)
		strbuf_addf(m, "<th class=\"num\">+%d</th>", j);
	strbuf_addstr(m, "</tr></thead><tbody>");
	for (i = 0; i < r->ncohorts; i++) {
		const struct adoption_cohort *co = &r->cohorts[i];

		strbuf_addstr(m, "<tr><th scope=\"row\">");
		strbuf_add_html(m, co->month);
		if (co->suppressed) {
			strbuf_addf(m, "</th><td class=\"num\">&lt;%d</td><td class=\"suppressed\" "
				    "colspan=\"%d\">fewer than %d people: not shown</td></tr>",
				    r->cfg.privacy_floor, width + 1, r->cfg.privacy_floor);
			continue;
		}
		strbuf_addf(m, "</th><td class=\"num\">%d</td><td class=\"num\">%d</td>",
			    co->size, co->left);
		for (j = 0; j < width; j++) {
			double v = j < co->nret ? co->retention[j] : NAN;
			int k;

			if (j >= co->nret) {
				strbuf_addstr(m, "<td class=\"blank\"></td>");
				continue;
			}
			if (!isfinite(v)) {
				strbuf_addstr(m, "<td class=\"num\">no data</td>");
				continue;
			}
			k = (int)floor(v * 10.0);
			k = k < 0 ? 0 : k > 9 ? 9 : k;
			strbuf_addf(m, "<td class=\"num heat-%d\">%.0f%%</td>", k, 100.0 * v);
		}
		strbuf_addstr(m, "</tr>");
	}
	strbuf_addstr(m, "</tbody></table></div></section>");
}

static void adoption_workflows(struct strbuf *m, const struct adoption_report *r)
{
	size_t i, shown = 0;

	strbuf_addf(m, "<section class=\"card wide\"><h2>Shared workflows</h2><p class=\"small\">"
		    "A workflow is reusable when at least %d people in at least %d teams use it. "
		    "Champion: the creator is a named champion.</p>", r->cfg.wf_min_people,
		    r->cfg.wf_min_teams);
	strbuf_addstr(m, "<table class=\"sortable workflows\"><thead><tr><th>Workflow</th>"
		      "<th>Creator</th><th>Champion</th><th class=\"num\">People</th>"
		      "<th class=\"num\">Teams</th><th class=\"num\">Other teams</th>"
		      "<th class=\"num\">Functions</th><th>Reusable</th></tr></thead><tbody>");
	for (i = 0; i < r->nworkflows; i++) {
		const struct adoption_workflow *w = &r->workflows[i];

		if (w->people < r->cfg.privacy_floor)
			continue;
		shown++;
		strbuf_addstr(m, "<tr><td><code>");
		strbuf_add_html(m, w->workflow);
		strbuf_addstr(m, "</code></td><td>");
		strbuf_add_html(m, w->creator && *w->creator ? w->creator : "-");
		strbuf_addf(m, "</td><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%d</td>"
			    "<td class=\"num\">%d</td><td class=\"num\">%d</td><td>%s</td></tr>",
			    w->creator_champion ? "champion" : "", w->people, w->teams,
			    w->other_teams, w->functions, w->reusable ? "reusable" : "");
	}
	strbuf_addstr(m, "</tbody></table>");
	if (shown < r->nworkflows)
		strbuf_addf(m, "<p class=\"small\">%zu workflow%s used by fewer than %d people "
			    "not listed.</p>", r->nworkflows - shown,
			    r->nworkflows - shown == 1 ? "" : "s", r->cfg.privacy_floor);
	strbuf_addstr(m, "</section>");
}

/* ---- GET /adoption ---- */

static void adoption_page(struct http_request *req, struct http_response *res,
			  const char *page)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_report r;
	struct usage_table t;
	struct strbuf m = STRBUF_INIT;
	double *heat = NULL;
	int have = 0;
	char as_of[16];
	int y, mo, d;

	if (adoption_run(req->store, NULL, PERIOD_MONTH, 0, &r, &t, &err)) {
		http_page_message(req, res, http_status_for(err.code), "Cannot compute adoption",
				  err.msg);
		goto cleanup;
	}
	have = 1;
	strbuf_addstr(&m, "<section class=\"model-head m-workforce\"><h1>Adoption</h1>"
		      "<p class=\"lead\">Value model 1, workforce empowerment: who uses AI "
		      "repeatedly, how well, and whether it spreads.");
	if (!r.events) {
		strbuf_addstr(&m, "</p></section><section class=\"card\"><p class=\"empty\">No usage "
			      "imported yet: run <code>aivalue import usage FILE --format ...</code>"
			      ".</p></section>");
		pages_cache_put(req, page, m.buf);
		http_page_send(req, res, 200, "Adoption", "/adoption", m.buf);
		goto cleanup;
	}
	adoption_civil(r.as_of, &y, &mo, &d);
	snprintf(as_of, sizeof(as_of), "%04d-%02d-%02d", y, mo, d);
	strbuf_addf(&m, " As of %s, from %lld usage events; groups under %d people are never "
		    "shown.</p></section>", as_of, (long long)r.events, r.cfg.privacy_floor);
	if (r.org.suppressed) {
		strbuf_addf(&m, "<section class=\"card\"><p class=\"empty\">Fewer than %d licensed "
			    "people: no figures are shown.</p></section>", r.cfg.privacy_floor);
		pages_cache_put(req, page, m.buf);
		http_page_send(req, res, 200, "Adoption", "/adoption", m.buf);
		goto cleanup;
	}
	heat = role_month_repeat(&t, &r);
	adoption_kpis(&m, &r);
	adoption_heatmap(&m, &r, heat);
	strbuf_addstr(&m, "<div class=\"charts\">");
	adoption_proficiency(&m, &r);
	adoption_lorenz(&m, &r);
	strbuf_addstr(&m, "</div>");
	adoption_cohorts(&m, &r);
	adoption_workflows(&m, &r);
	pages_cache_put(req, page, m.buf);
	http_page_send(req, res, 200, "Adoption", "/adoption", m.buf);
cleanup:
	if (have)
		adoption_report_release(&r);
	utab_release(&t);
	free(heat);
	strbuf_release(&m);
}

/* A second visit to the same store state draws the kept body (pages_cache.c). */
static void h_adoption_page(struct http_request *req, struct http_response *res)
{
	pages_send_kept(req, res, "/adoption", "Adoption", "/adoption", adoption_page);
}

/* ---- GET /journeys ---- */

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void journeys_funnels(struct strbuf *m, json_t *channels, const char *color)
{
	static const char *const steps[] = { "sessions", "qualified intent", "committed" };
	size_t i;
	json_t *ch;

	strbuf_addstr(m, "<h2>Funnel per channel</h2><div class=\"charts\">");
	json_array_foreach(channels, i, ch) {
		const char *name = json_str(ch, "channel");
		double n = num(ch, "journeys"), v[3];
		const char *colors[3] = { color, color, color };
		struct svg_series s;
		struct svg_chart c;
		char id[48], title[160];

		v[0] = n;
		v[1] = isfinite(num(ch, "qualified_intent_rate")) ?
		       round(n * num(ch, "qualified_intent_rate")) : 0;
		v[2] = isfinite(num(ch, "conversion_rate")) ? round(n * num(ch, "conversion_rate")) : 0;
		snprintf(id, sizeof(id), "chart-funnel-%zu", i);
		snprintf(title, sizeof(title), "%s: %.0f%% qualified, %.0f%% committed",
			 name ? name : "", 100.0 * (n > 0 ? v[1] / n : 0),
			 100.0 * (n > 0 ? v[2] / n : 0));
		memset(&s, 0, sizeof(s));
		s.name = "journeys";
		s.y = v;
		s.n = 3;
		memset(&c, 0, sizeof(c));
		c.id = id;
		c.title = title;
		c.desc = "Journeys that started on the channel, those with a qualified intent, and "
			 "those that ended in a commitment.";
		c.x_title = "journeys (count)";
		c.unit = "journeys";
		c.categories = steps;
		c.ncategories = 3;
		c.bar_colors = colors;
		c.flags = SVG_HORIZONTAL | SVG_INTEGER;
		c.width = 520;
		c.height = 200;
		strbuf_addstr(m, "<section class=\"card\">");
		svg_bar(m, &c, &s);
		strbuf_addstr(m, "</section>");
	}
	strbuf_addstr(m, "</div>");
}

static void cell_pct(struct strbuf *m, json_t *o, const char *key)
{
	double v = num(o, key);

	if (isfinite(v))
		strbuf_addf(m, "<td class=\"num\">%.0f%%</td>", 100.0 * v);
	else
		strbuf_addstr(m, "<td class=\"num\">-</td>");
}

static void cell_num(struct strbuf *m, json_t *o, const char *key, const char *fmt)
{
	double v = num(o, key);

	strbuf_addstr(m, "<td class=\"num\">");
	if (isfinite(v))
		strbuf_addf(m, fmt, v);
	else
		strbuf_addstr(m, "-");
	strbuf_addstr(m, "</td>");
}

static void journeys_quality(struct strbuf *m, json_t *channels)
{
	size_t i;
	json_t *ch;

	strbuf_addstr(m, "<section class=\"card wide\"><h2>Conversion quality by channel</h2>"
		      "<table class=\"sortable quality\"><thead><tr><th>Channel</th>"
		      "<th class=\"num\">Journeys</th><th class=\"num\">Converted customers</th>"
		      "<th class=\"num\">Retained 30 days</th><th class=\"num\">Retained 90 days</th>"
		      "<th class=\"num\">Upsell</th><th class=\"num\">Revenue per converted</th>"
		      "<th class=\"num\">Lifetime value</th><th class=\"num\">Referrals per "
		      "converted</th><th class=\"num\">Turns before commitment</th></tr></thead>"
		      "<tbody>");
	json_array_foreach(channels, i, ch) {
		strbuf_addstr(m, "<tr><td>");
		strbuf_add_html(m, json_str(ch, "channel") ? json_str(ch, "channel") : "");
		strbuf_addstr(m, "</td>");
		cell_num(m, ch, "journeys", "%.0f");
		cell_num(m, ch, "converted_customers", "%.0f");
		cell_pct(m, ch, "retention_30d");
		cell_pct(m, ch, "retention_90d");
		cell_pct(m, ch, "upsell_rate");
		cell_num(m, ch, "revenue_per_converted", "%.2f");
		cell_num(m, ch, "lifetime_value", "%.2f");
		cell_num(m, ch, "referral_rate", "%.2f");
		cell_num(m, ch, "iterations_before_commitment", "%.1f");
		strbuf_addstr(m, "</tr>");
	}
	strbuf_addstr(m, "</tbody></table></section>");
}

static void journeys_trend(struct strbuf *m, json_t *trend, json_t *finding, const char *color)
{
	json_t *series = json_object_get(trend, "series"), *pt;
	size_t n = json_array_size(series), i;
	double *x, *vol, *q;
	const char *channel = json_str(trend, "channel");
	struct svg_series s;
	struct svg_chart c;
	char title[200];

	if (!n || !json_object_get(trend, "volume"))
		return;
	x = xcalloc(n, sizeof(double));
	vol = xcalloc(n, sizeof(double));
	q = xcalloc(n, sizeof(double));
	json_array_foreach(series, i, pt) {
		char day[16];
		const char *month = json_str(pt, "month");
		int32_t d;

		snprintf(day, sizeof(day), "%.7s-01", month ? month : "");
		d = adoption_parse_day(day);
		x[i] = d == INT32_MIN ? NAN : (double)d * 86400e6;
		vol[i] = num(pt, "journeys");
		q[i] = 100.0 * num(pt, "conversion_quality");
	}
	strbuf_addstr(m, "<h2>Volume over credibility</h2>");
	if (finding) {
		strbuf_addstr(m, "<div class=\"failure\"><h3>");
		strbuf_add_html(m, json_str(finding, "summary") ? json_str(finding, "summary") : "");
		strbuf_addstr(m, "</h3>");
		if (json_str(json_object_get(finding, "move"), "name")) {
			strbuf_addstr(m, "<p><strong>Leadership move:</strong> ");
			strbuf_add_html(m, json_str(json_object_get(finding, "move"), "name"));
			strbuf_addstr(m, ". ");
			strbuf_add_html(m, json_str(json_object_get(finding, "move"), "text"));
			strbuf_addstr(m, "</p>");
		}
		strbuf_addstr(m, "</div>");
	}
	strbuf_addstr(m, "<div class=\"charts\"><section class=\"card\">");
	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	snprintf(title, sizeof(title), "%s journeys per month (Mann-Kendall p(up) = %.3f)",
		 channel ? channel : "", num(json_object_get(trend, "volume"), "p_increasing"));
	s.name = "journeys";
	s.color = color;
	s.x = x;
	s.y = vol;
	s.n = n;
	c.id = "chart-volume";
	c.title = title;
	c.desc = "Journeys started on the AI channel each month, with the one-sided "
		 "Mann-Kendall p-value of an increasing trend.";
	c.x_title = "month";
	c.y_title = "journeys (count)";
	c.unit = "journeys";
	c.flags = SVG_TIME_X | SVG_INTEGER;
	c.width = 600;
	svg_line(m, &c, &s, 1);
	strbuf_addstr(m, "</section><section class=\"card\">");
	snprintf(title, sizeof(title), "%s conversion quality (Mann-Kendall p(down) = %.3f)",
		 channel ? channel : "", num(json_object_get(trend, "quality"), "p_decreasing"));
	s.name = "retained 90 days";
	s.y = q;
	c.id = "chart-quality";
	c.title = title;
	c.desc = "Share of each month's converted customers retained at 90 days, with the "
		 "one-sided Mann-Kendall p-value of a decreasing trend.";
	c.y_title = "retained at 90 days (%)";
	c.unit = "%";
	c.flags = SVG_TIME_X;
	svg_line(m, &c, &s, 1);
	strbuf_addstr(m, "</section></div>");
	free(x);
	free(vol);
	free(q);
}

static void journeys_page(struct http_request *req, struct http_response *res,
			  const char *page)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	const char *env = getenv("AIVALUE_ADOPTION");
	const char *color = model_color(req->cat, "distribution", "#C04F00");
	json_t *rep = NULL, *finding = NULL, *channels;
	struct strbuf m = STRBUF_INIT;

	if (adoption_config_load(&cfg, env && *env ? env : NULL, &err) ||
	    journeys_report(req->store, &cfg, req->cat, &rep, &finding, &err)) {
		http_page_message(req, res, http_status_for(err.code), "Cannot compute journeys",
				  err.msg);
		goto cleanup;
	}
	channels = json_object_get(rep, "channels");
	strbuf_addstr(&m, "<section class=\"model-head m-distribution\"><h1>Journeys</h1>"
		      "<p class=\"lead\">Value model 2, AI-native distribution: how customer "
		      "journeys convert on each channel, and whether the AI channel's volume "
		      "grows at the cost of the quality of what it converts.</p></section>");
	if (!json_array_size(channels)) {
		strbuf_addstr(&m, "<section class=\"card\"><p class=\"empty\">No journeys imported "
			      "yet: run <code>aivalue import journeys FILE --format csv</code>."
			      "</p></section>");
	} else {
		journeys_funnels(&m, channels, color);
		journeys_quality(&m, channels);
		journeys_trend(&m, json_object_get(rep, "volume_over_credibility"), finding, color);
	}
	pages_cache_put(req, page, m.buf);
	http_page_send(req, res, 200, "Journeys", "/journeys", m.buf);
cleanup:
	json_decref(rep);
	json_decref(finding);
	strbuf_release(&m);
}

static void h_journeys_page(struct http_request *req, struct http_response *res)
{
	pages_send_kept(req, res, "/journeys", "Journeys", "/journeys", journeys_page);
}

const struct http_route http_adoption_page_routes[] = {
	{ "GET", "/adoption", ROLE_HUMANS, R_PAGE, h_adoption_page,
	  "dashboard: adoption (value model 1)", "dashboard", NULL, "text/html" },
	{ "GET", "/journeys", ROLE_HUMANS, R_PAGE, h_journeys_page,
	  "dashboard: customer journeys (value model 2)", "dashboard", NULL, "text/html" },
	HTTP_ROUTES_END,
};
