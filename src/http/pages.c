/*
 * pages.c - the dashboard: server-rendered HTML pages, sign-in, assets.
 *
 * No JavaScript framework: each page is rendered here into web/layout.html
 * (embedded in the binary, {{name}} placeholders filled with text that is
 * already HTML-escaped) and works without scripts; web/app.js only adds
 * sortable tables.  Charts are inline SVG from report/svg.c.
 *
 * The Content-Security-Policy (default-src 'self') forbids inline styles,
 * so the per-model colours from the catalog are served as a generated
 * stylesheet, /assets/catalog.css, with one class per model (.m-ID).
 *
 * Sign-in: POST /login takes a token from the form, checks that the form
 * was posted from this server's own page (Origin/Referer: no login CSRF),
 * starts a server-side session (tokens.h) and sets its id, never the
 * token, in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS); the
 * route layer accepts that cookie for GET and HEAD only, so a page can be
 * read with it but nothing can be changed with it.  Sign-out deletes the
 * session.  Pages need a human role; without a credential they redirect
 * to /login (303), with the agent role they answer 403.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "core/assets.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "report/svg.h"
#include "oidc.h"
#include "pages.h"
#include "routes.h"


static const char *const statuses[] = { "proposed", "pilot", "production", "paused",
					"retired" };
static const char *const status_colors[] = { "#56B4E9", "#E69F00", "#009E73", "#CC79A7",
					     "#999999" };

/* ---- templates ---- */

/*
 * Render asset `path` into sb, replacing {{key}} by the value of the
 * matching pair in kv ({key, value, ..., NULL}); values are inserted as
 * they are (already HTML), unknown keys become empty.
 */
static void tmpl_render(struct strbuf *sb, const char *path, const char *const *kv)
{
	const struct aiv_asset *a = asset_find(path);
	const char *p, *end;

	if (!a)
		return;
	p = (const char *)a->data;
	end = p + a->len;
	while (p < end) {
		const char *open = strstr(p, "{{"), *close;
		size_t i;

		if (!open || open >= end) {
			strbuf_add(sb, p, (size_t)(end - p));
			break;
		}
		strbuf_add(sb, p, (size_t)(open - p));
		close = strstr(open + 2, "}}");
		if (!close) {
			strbuf_addstr(sb, open);
			break;
		}
		for (i = 0; kv[i]; i += 2)
			if (strlen(kv[i]) == (size_t)(close - open - 2) &&
			    !strncmp(kv[i], open + 2, (size_t)(close - open - 2)))
				strbuf_addstr(sb, kv[i + 1]);
		p = close + 2;
	}
}

static int valid_class(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(s);
}

static int valid_color(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 4 && n <= 9 && s[0] == '#' &&
	       strspn(s + 1, "0123456789abcdefABCDEF") == n - 1;
}

/* A short label for a model: its id, capitalised ("Workforce"). */
static void model_label(char *out, size_t n, const struct cat_model *m)
{
	snprintf(out, n, "%s", m->id);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 32);
}

static void model_class(struct strbuf *sb, const struct cat_model *m)
{
	if (valid_class(m->id)) {
		strbuf_addstr(sb, " m-");
		strbuf_addstr(sb, m->id);
	}
}

/* ---- navigation: five groups, so the header stays one line ---- */

static const char *const pb_prefixes[] = { "/phase", "/findings", "/roadmap", "/readiness",
					    "/hypotheses", NULL };
static const char *const model_prefixes[] = { "/models/", NULL };
static const char *const measure_links[][2] = {
	{ "/adoption", "Adoption" }, { "/journeys", "Journeys" },
	{ "/logs", "Processes" }, { "/value", "Value" }, { NULL, NULL },
};
static const char *const measure_prefixes[] = { "/adoption", "/journeys", "/logs", "/value",
						 NULL };
static const char *const control_links[][2] = {
	{ "/changes", "Changes" }, { "/stale", "Stale marks" },
	{ "/workflows", "Agents" }, { NULL, NULL },
};
static const char *const control_prefixes[] = { "/changes", "/stale", "/workflows", NULL };

/*
 * Whether the signed-in role may open the page at `path` (a GET route
 * of that exact pattern): the navigation offers only what opens, so a
 * viewer is not sent to a "not allowed" page.  A path with no route of
 * its own is shown.
 */
static int nav_allowed(const struct http_request *req, const char *path)
{
	const struct http_route *const *t;
	const struct http_route *r;

	for (t = http_route_tables; *t; t++)
		for (r = *t; r->method; r++)
			if (!strcmp(r->method, "GET") && !strcmp(r->pattern, path))
				return (r->flags & R_PUBLIC) ||
				       (req->authenticated && (r->roles & (unsigned)req->token.role));
	return 1;
}

static void nav_link(struct strbuf *nav, const char *href, const char *label, int cur)
{
	strbuf_addf(nav, "<a href=\"%s\"%s>%s</a>", href,
		    cur ? " class=\"current\" aria-current=\"page\"" : "", label);
}

/*
 * A group of links as a <details> disclosure: works without JavaScript
 * and with the keyboard (Enter on the summary); app.js closes the other
 * groups.  The summary is marked when the current page is in the group.
 */
static void nav_group_open(struct strbuf *nav, const char *label, const char *current,
			   const char *const *prefixes)
{
	int cur = 0;
	size_t i;

	for (i = 0; current && prefixes[i]; i++)
		if (!strncmp(current, prefixes[i], strlen(prefixes[i])))
			cur = 1;
	strbuf_addf(nav, "<details class=\"nav-group\"><summary%s>%s</summary>"
		    "<div class=\"nav-menu\">", cur ? " class=\"current\"" : "", label);
}

/* See pages.h. */
void http_page_send(struct http_request *req, struct http_response *res, int status,
		    const char *title, const char *current, const char *main)
{
	struct strbuf nav = STRBUF_INIT, who = STRBUF_INIT, et = STRBUF_INIT;
	char version[32];
	const char *kv[16];
	size_t i;

	nav_link(&nav, "/", "Overview", current && !strcmp(current, "/"));
	nav_group_open(&nav, "Playbook", current, pb_prefixes);
	pages_playbook_nav(&nav, current);
	strbuf_addstr(&nav, "</div></details>");
	nav_group_open(&nav, "Value models", current, model_prefixes);
	for (i = 0; req->cat && i < req->cat->nmodels; i++) {
		const struct cat_model *m = &req->cat->models[i];
		int cur = current && !strncmp(current, "/models/", 8) && !strcmp(current + 8, m->id);

		strbuf_addstr(&nav, "<a class=\"nav-model");
		model_class(&nav, m);
		strbuf_addstr(&nav, cur ? " current\" aria-current=\"page\"" : "\"");
		strbuf_addstr(&nav, " href=\"/models/");
		strbuf_add_html(&nav, m->id);
		strbuf_addf(&nav, "\"><span class=\"swatch\" aria-hidden=\"true\"></span>%d. ",
			    m->number);
		strbuf_add_html(&nav, m->name);
		strbuf_addstr(&nav, "</a>");
	}
	strbuf_addstr(&nav, "</div></details>");
	nav_group_open(&nav, "Measurement", current, measure_prefixes);
	for (i = 0; measure_links[i][0]; i++)
		if (nav_allowed(req, measure_links[i][0]))
			nav_link(&nav, measure_links[i][0], measure_links[i][1],
				 current && !strncmp(current, measure_links[i][0],
						     strlen(measure_links[i][0])));
	strbuf_addstr(&nav, "</div></details>");
	nav_group_open(&nav, "Control", current, control_prefixes);
	for (i = 0; control_links[i][0]; i++)
		nav_link(&nav, control_links[i][0], control_links[i][1],
			 current && !strncmp(current, control_links[i][0], strlen(control_links[i][0])));
	strbuf_addstr(&nav, "</div></details>");
	if (req->authenticated) {
		strbuf_addstr(&who, "Signed in as <strong>");
		if (!strncmp(req->token.name, "sso:", 4)) {
			/*
			 * The person, not the token: "sso:LABEL" (a bearer JWT)
			 * or "sso:LABEL:XXXXXXXX" (a session's token), oidc.h.
			 */
			const char *label = req->token.name + 4, *end = strrchr(label, ':');
			char text[129];
			int n = req->via_cookie && end ? (int)(end - label) : (int)strlen(label);

			snprintf(text, sizeof(text), "%.*s", n, label);
			strbuf_add_html(&who, text);
		} else {
			strbuf_add_html(&who, req->token.name);
		}
		strbuf_addstr(&who, "</strong> (");
		strbuf_add_html(&who, role_name(req->token.role));
		strbuf_addstr(&who, ")");
		if (req->via_cookie)
			strbuf_addstr(&who, " <a href=\"/logout\">Sign out</a>");
	} else {
		strbuf_addstr(&who, "<a href=\"/login\">Sign in</a>");
	}
	strbuf_add_html(&et, title);
	snprintf(version, sizeof(version), "%d", req->cat ? req->cat->version : 0);
	kv[0] = "title"; kv[1] = et.buf;
	kv[2] = "nav"; kv[3] = nav.buf;
	kv[4] = "who"; kv[5] = who.buf;
	kv[6] = "main"; kv[7] = main;
	kv[8] = "version"; kv[9] = AIV_VERSION;
	kv[10] = "catalog"; kv[11] = version;
	kv[12] = NULL;
	res->status = status;
	res->content_type = "text/html; charset=utf-8";
	strbuf_reset(&res->body);
	tmpl_render(&res->body, "web/layout.html", kv);
	strbuf_release(&nav);
	strbuf_release(&who);
	strbuf_release(&et);
}

/* See pages.h. */
void http_page_message(struct http_request *req, struct http_response *res, int status,
		       const char *title, const char *message)
{
	struct strbuf m = STRBUF_INIT;

	strbuf_addstr(&m, "<section class=\"card\"><h1>");
	strbuf_add_html(&m, title);
	strbuf_addstr(&m, "</h1><p>");
	strbuf_add_html(&m, message);
	strbuf_addstr(&m, "</p><p><a href=\"/\">Back to the overview</a></p></section>");
	http_page_send(req, res, status, title, NULL, m.buf);
	strbuf_release(&m);
}

void http_page_refuse(struct http_request *req, struct http_response *res, int status,
		      const char *message)
{
	if (status == 401) {
		res->status = 303;
		res->content_type = "text/html; charset=utf-8";
		http_header_add(res, "Location", "/login");
		strbuf_addstr(&res->body, "<!doctype html><title>Sign in</title>"
			      "<p>Please <a href=\"/login\">sign in</a>.</p>\n");
		return;
	}
	http_page_message(req, res, status, "Not allowed", message ? message : "not allowed");
}

/* ---- data for the pages: computed once, printed below ---- */

struct model_row {
	const struct cat_model *m;
	json_t *items;                     /* borrowed from the initiatives array */
	double total;
	double by_status[ARRAY_SIZE(statuses)];
};

/* Initiatives grouped by model; *all is a new array (json_decref). */
static int load_initiatives(struct http_request *req, struct model_row *rows, json_t **all,
			    struct aiv_err *err)
{
	const struct kind_ops *k = apply_kind("Initiative");
	size_t i, j, s;
	int ret;

	*all = NULL;
	if (!k)
		return aiv_fail(err, AIV_EINTERNAL, "kind 'Initiative' is not registered");
	if ((ret = apply_get(req->store, k, NULL, all, err)))
		return ret;
	for (i = 0; i < req->cat->nmodels; i++) {
		memset(&rows[i], 0, sizeof(rows[i]));
		rows[i].m = &req->cat->models[i];
		rows[i].items = json_array();
	}
	for (j = 0; j < json_array_size(*all); j++) {
		json_t *it = json_array_get(*all, j);
		const char *model = json_string_value(json_object_get(it, "model"));
		const char *st = json_string_value(json_object_get(it, "status"));

		for (i = 0; i < req->cat->nmodels; i++) {
			if (!model || strcmp(model, rows[i].m->id))
				continue;
			json_array_append(rows[i].items, it);
			rows[i].total++;
			for (s = 0; s < ARRAY_SIZE(statuses); s++)
				if (st && !strcmp(st, statuses[s]))
					rows[i].by_status[s]++;
		}
	}
	return 0;
}

static void release_rows(struct model_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_decref(rows[i].items);
}

static void status_badge(struct strbuf *sb, const char *status)
{
	strbuf_addstr(sb, "<span class=\"status");
	if (valid_class(status)) {
		strbuf_addstr(sb, " status-");
		strbuf_addstr(sb, status);
	}
	strbuf_addstr(sb, "\">");
	strbuf_add_html(sb, status ? status : "");
	strbuf_addstr(sb, "</span>");
}

/* The owner's display name (the slug if unknown), for a table cell. */
static void owner_cell(struct strbuf *sb, struct store *store, const char *owner)
{
	struct aiv_err err = AIV_ERR_INIT;
	const struct kind_ops *k = apply_kind("Person");
	json_t *arr = NULL;
	const char *display = NULL;

	if (owner && k && !apply_get(store, k, owner, &arr, &err))
		display = json_string_value(json_object_get(json_array_get(arr, 0), "display_name"));
	strbuf_addstr(sb, "<span title=\"");
	strbuf_add_html(sb, owner ? owner : "");
	strbuf_addstr(sb, "\">");
	strbuf_add_html(sb, display ? display : owner ? owner : "");
	strbuf_addstr(sb, "</span>");
	json_decref(arr);
}

static void initiatives_table(struct strbuf *sb, struct store *store, json_t *items, int full)
{
	size_t i;

	if (!json_array_size(items)) {
		strbuf_addstr(sb, "<p class=\"empty\">No initiatives yet.</p>");
		return;
	}
	strbuf_addstr(sb, "<table class=\"sortable initiatives\"><thead><tr><th>Initiative</th>"
		      "<th>Owner</th><th class=\"num\">Phase</th><th>Status</th>");
	if (full)
		strbuf_addstr(sb, "<th>Started</th><th>Description</th>");
	strbuf_addstr(sb, "</tr></thead><tbody>");
	for (i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		const char *title = json_string_value(json_object_get(it, "title"));
		const char *name = json_string_value(json_object_get(it, "name"));
		const char *desc = json_string_value(json_object_get(it, "description"));
		const char *started = json_string_value(json_object_get(it, "started"));

		strbuf_addstr(sb, "<tr><td><span title=\"");
		strbuf_add_html(sb, name);
		strbuf_addstr(sb, "\">");
		strbuf_add_html(sb, title ? title : name);
		strbuf_addstr(sb, "</span></td><td>");
		owner_cell(sb, store, json_string_value(json_object_get(it, "owner")));
		strbuf_addf(sb, "</td><td class=\"num\">%lld</td><td>",
			    (long long)json_integer_value(json_object_get(it, "phase")));
		status_badge(sb, json_string_value(json_object_get(it, "status")));
		strbuf_addstr(sb, "</td>");
		if (full) {
			strbuf_addstr(sb, "<td>");
			strbuf_add_html(sb, started ? started : "");
			strbuf_addstr(sb, "</td><td>");
			strbuf_add_html(sb, desc ? desc : "");
			strbuf_addstr(sb, "</td>");
		}
		strbuf_addstr(sb, "</tr>");
	}
	strbuf_addstr(sb, "</tbody></table>");
}

/* ---- GET / ---- */

static void h_overview(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	size_t n = req->cat->nmodels, i, s;
	struct model_row *rows = xcalloc(n ? n : 1, sizeof(*rows));
	const char **labels = xcalloc(n ? n : 1, sizeof(*labels));
	char (*label_buf)[64] = xcalloc(n ? n : 1, sizeof(*label_buf));
	const char **colors = xcalloc(n ? n : 1, sizeof(*colors));
	double *totals = xcalloc(n ? n : 1, sizeof(*totals));
	double *by_status = xcalloc(st_mult(n ? n : 1, ARRAY_SIZE(statuses)), sizeof(double));
	struct svg_series series[ARRAY_SIZE(statuses)], bar;
	struct svg_chart chart;
	struct strbuf m = STRBUF_INIT;
	json_t *all;

	if (load_initiatives(req, rows, &all, &err)) {
		http_page_message(req, res, http_status_for(err.code), "Cannot read the workspace",
			     err.msg);
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		model_label(label_buf[i], sizeof(label_buf[i]), rows[i].m);
		labels[i] = label_buf[i];
		colors[i] = valid_color(rows[i].m->color) ? rows[i].m->color : "#888888";
		totals[i] = rows[i].total;
		for (s = 0; s < ARRAY_SIZE(statuses); s++)
			by_status[s * n + i] = rows[i].by_status[s];
	}
	pages_playbook_overview(req, &m);
	pages_value_overview(req, &m);
	strbuf_addstr(&m, "<h2 class=\"section\">AI value models</h2><p class=\"lead\">");
	strbuf_addf(&m, "%zu initiatives across the %zu value models of the framework. "
		    "Each model is measured differently and fails differently; "
		    "open a model for its metrics and failure modes.</p>",
		    json_array_size(all), n);

	strbuf_addstr(&m, "<div class=\"charts\"><section class=\"card\">");
	memset(&chart, 0, sizeof(chart));
	chart.id = "chart-initiatives";
	chart.title = "Initiatives per value model";
	chart.desc = "Number of AI initiatives recorded for each of the five value models.";
	chart.x_title = "initiatives (count)";
	chart.unit = "initiatives";
	chart.categories = labels;
	chart.ncategories = n;
	chart.bar_colors = colors;
	chart.flags = SVG_HORIZONTAL | SVG_INTEGER;
	chart.width = 600;
	chart.height = 280;
	memset(&bar, 0, sizeof(bar));
	bar.name = "initiatives";
	bar.y = totals;
	bar.n = n;
	svg_bar(&m, &chart, &bar);
	strbuf_addstr(&m, "</section><section class=\"card\">");
	chart.id = "chart-status";
	chart.title = "Initiative status per value model";
	chart.desc = "Initiatives of each value model, stacked by status: proposed, pilot, "
		     "production, paused, retired.";
	chart.bar_colors = NULL;
	for (s = 0; s < ARRAY_SIZE(statuses); s++) {
		series[s].name = statuses[s];
		series[s].color = status_colors[s];
		series[s].y = by_status + s * n;
		series[s].x = NULL;
		series[s].n = n;
	}
	svg_stacked_bar(&m, &chart, series, ARRAY_SIZE(statuses));
	strbuf_addstr(&m, "</section></div>");

	strbuf_addstr(&m, "<div class=\"models\">");
	for (i = 0; i < n; i++) {
		const struct cat_model *cm = rows[i].m;

		strbuf_addstr(&m, "<section class=\"card model-card");
		model_class(&m, cm);
		strbuf_addf(&m, "\" aria-labelledby=\"model-%zu\"><h2 id=\"model-%zu\">"
			    "<a href=\"/models/", i, i);
		strbuf_add_html(&m, cm->id);
		strbuf_addf(&m, "\">%d. ", cm->number);
		strbuf_add_html(&m, cm->name);
		strbuf_addstr(&m, "</a><span class=\"tag\">");
		strbuf_addf(&m, "%.0f</span></h2><p class=\"small\">", rows[i].total);
		if (cm->short_name && *cm->short_name) {
			strbuf_addstr(&m, "<strong>");
			strbuf_add_html(&m, cm->short_name);
			strbuf_addstr(&m, ".</strong> ");
		}
		strbuf_add_html(&m, cm->summary);
		strbuf_addstr(&m, "</p>");
		initiatives_table(&m, req->store, rows[i].items, 0);
		strbuf_addstr(&m, "</section>");
	}
	strbuf_addstr(&m, "</div>");
	http_page_send(req, res, 200, "Overview", "/", m.buf);
cleanup:
	release_rows(rows, n);
	json_decref(all);
	strbuf_release(&m);
	free(rows);
	free(labels);
	free(label_buf);
	free(colors);
	free(totals);
	free(by_status);
}

/* ---- GET /models/{id} ---- */

static const struct cat_move *find_move(const struct cat_model *m, const char *id)
{
	size_t i;

	for (i = 0; id && i < m->nmoves; i++)
		if (!strcmp(m->moves[i].id, id))
			return &m->moves[i];
	return NULL;
}

static void h_model_page(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *id = http_param(req, "id");
	const struct cat_model *cm = catalog_model(req->cat, id);
	size_t n = req->cat->nmodels, i, j;
	struct model_row *rows;
	struct strbuf m = STRBUF_INIT;
	json_t *all = NULL;

	if (!cm) {
		struct strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "There is no value model '%s'.", id ? id : "");
		http_page_message(req, res, 404, "No such model", msg.buf);
		strbuf_release(&msg);
		return;
	}
	rows = xcalloc(n ? n : 1, sizeof(*rows));
	if (load_initiatives(req, rows, &all, &err)) {
		http_page_message(req, res, http_status_for(err.code), "Cannot read the workspace",
			     err.msg);
		goto cleanup;
	}
	strbuf_addstr(&m, "<section class=\"model-head");
	model_class(&m, cm);
	strbuf_addf(&m, "\"><h1>%d. ", cm->number);
	strbuf_add_html(&m, cm->name);
	strbuf_addstr(&m, "</h1><p class=\"lead\">");
	strbuf_add_html(&m, cm->summary);
	strbuf_addstr(&m, "</p></section>");

	strbuf_addstr(&m, "<section class=\"card\"><h2>What it looks like</h2>"
		      "<ul class=\"practices\">");
	for (i = 0; i < cm->practices.n; i++) {
		strbuf_addstr(&m, "<li>");
		strbuf_add_html(&m, cm->practices.v[i]);
		strbuf_addstr(&m, "</li>");
	}
	strbuf_addstr(&m, "</ul></section>");

	strbuf_addstr(&m, "<section class=\"card\"><h2>What to measure</h2>"
		      "<table class=\"sortable metrics\"><thead><tr><th>Metric</th><th>Id</th>"
		      "<th>Unit</th><th>Better when</th><th>Definition</th></tr></thead><tbody>");
	for (i = cm->first_metric; i < cm->first_metric + cm->nmetrics && i < req->cat->nmetrics; i++) {
		const struct cat_metric *mt = &req->cat->metrics[i];
		strbuf_addstr(&m, "<tr><td><a href=\"/metrics/");
		strbuf_add_html(&m, mt->id);
		strbuf_addstr(&m, "\">");
		strbuf_add_html(&m, mt->name);
		strbuf_addstr(&m, "</a></td><td><code>");
		strbuf_add_html(&m, mt->id);
		strbuf_addstr(&m, "</code></td><td>");
		strbuf_add_html(&m, mt->unit);
		strbuf_addstr(&m, "</td><td>");
		strbuf_addstr(&m, mt->direction && !strcmp(mt->direction, "down") ? "lower" : "higher");
		strbuf_addstr(&m, "</td><td>");
		strbuf_add_html(&m, mt->definition);
		strbuf_addstr(&m, "</td></tr>");
	}
	strbuf_addstr(&m, "</tbody></table></section>");

	strbuf_addstr(&m, "<section class=\"card\"><h2>How it fails</h2>");
	for (i = 0; i < cm->nfailures; i++) {
		const struct cat_failure *f = &cm->failures[i];
		const struct cat_move *mv = find_move(cm, f->move);

		strbuf_addstr(&m, "<div class=\"failure\"><h3>");
		strbuf_add_html(&m, f->name);
		strbuf_addstr(&m, "</h3><p>");
		strbuf_add_html(&m, f->description);
		strbuf_addstr(&m, "</p><dl><dt>Signal</dt><dd>");
		strbuf_add_html(&m, f->signal);
		strbuf_addstr(&m, "</dd><dt>Leadership move</dt><dd>");
		if (mv) {
			strbuf_addstr(&m, "<strong>");
			strbuf_add_html(&m, mv->name);
			strbuf_addstr(&m, "</strong>: ");
			strbuf_add_html(&m, mv->text);
		} else {
			strbuf_add_html(&m, f->move ? f->move : "");
		}
		strbuf_addstr(&m, "</dd>");
		if (f->metrics.n) {
			strbuf_addstr(&m, "<dt>Watched through</dt><dd>");
			for (j = 0; j < f->metrics.n; j++) {
				strbuf_addstr(&m, j ? ", <code>" : "<code>");
				strbuf_add_html(&m, f->metrics.v[j]);
				strbuf_addstr(&m, "</code>");
			}
			strbuf_addstr(&m, "</dd>");
		}
		strbuf_addstr(&m, "</dl></div>");
	}
	strbuf_addstr(&m, "</section>");

	for (i = 0; i < n; i++) {
		if (rows[i].m != cm)
			continue;
		strbuf_addf(&m, "<section class=\"card\"><h2>Initiatives (%.0f)</h2>", rows[i].total);
		initiatives_table(&m, req->store, rows[i].items, 1);
		strbuf_addstr(&m, "</section>");
	}
	{
		char cur[160];
		snprintf(cur, sizeof(cur), "/models/%s", cm->id);
		http_page_send(req, res, 200, cm->name, cur, m.buf);
	}
cleanup:
	release_rows(rows, n);
	json_decref(all);
	strbuf_release(&m);
	free(rows);
}

/* ---- sign-in ---- */

static void login_form(struct http_request *req, struct http_response *res, int status,
		       const char *message)
{
	struct strbuf msg = STRBUF_INIT, body = STRBUF_INIT;
	const char *kv[3];

	if (message) {
		strbuf_addstr(&msg, "<p class=\"notice\" role=\"alert\">");
		strbuf_add_html(&msg, message);
		strbuf_addstr(&msg, "</p>");
	}
	kv[0] = "message";
	kv[1] = msg.buf;
	kv[2] = NULL;
	if (oidc_enabled()) {
		/*
		 * Single sign-on first; the token form stays for tokens.  A
		 * link, not a form: CSP form-action 'self' also covers the
		 * redirect a form submission gets, so a form could not reach
		 * the provider.
		 */
		strbuf_addstr(&body, "<section class=\"login card\"><h1>Sign in with your company "
			      "account</h1><p><a id=\"sso\" href=\"/login/sso\">Sign in with ");
		strbuf_add_html(&body, oidc_provider_name());
		strbuf_addstr(&body, "</a></p></section>\n");
	}
	tmpl_render(&body, "web/login.html", kv);
	http_page_send(req, res, status, "Sign in", "/login", body.buf);
	strbuf_release(&msg);
	strbuf_release(&body);
}

static void h_login_get(struct http_request *req, struct http_response *res)
{
	login_form(req, res, 200, NULL);
}

static void h_login_post(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct token_info ti;
	char *token = http_form_value(req, "token");
	char *sid = NULL;
	int64_t expires_us = 0, now_us = time_now_us();
	struct strbuf cookie = STRBUF_INIT;

	if (!http_same_origin(req)) {
		login_form(req, res, 403, "sign-in must be posted from this server's own sign-in "
			   "page (the Origin or Referer header names another site, or neither was "
			   "sent)");
		goto cleanup;
	}
	if (!token || !*token) {
		login_form(req, res, 400, "paste a token to sign in");
		goto cleanup;
	}
	if (token_check(req->store, token, &ti, &err)) {
		login_form(req, res, err.code == AIV_EPERM ? 401 : http_status_for(err.code),
			   err.code == AIV_EPERM ? "invalid, revoked or expired token" : err.msg);
		goto cleanup;
	}
	if (!(ti.role & ROLE_HUMANS)) {
		login_form(req, res, 403, "tokens with the agent role cannot sign in to the "
			   "dashboard");
		goto cleanup;
	}
	if (session_create(req->store, &ti, &sid, &expires_us, &err)) {
		login_form(req, res, http_status_for(err.code), err.msg);
		goto cleanup;
	}
	/* base64url session id: safe in a cookie value as it is */
	strbuf_addf(&cookie, "aiv_session=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
		    sid, (long long)((expires_us - now_us) / 1000000), req->tls ? "; Secure" : "");
	http_header_add(res, "Set-Cookie", cookie.buf);
	http_header_add(res, "Location", "/");
	res->status = 303;
	res->content_type = "text/html; charset=utf-8";
	strbuf_addstr(&res->body, "<!doctype html><title>Signed in</title>"
		      "<p>Signed in; continue to the <a href=\"/\">overview</a>.</p>\n");
cleanup:
	strbuf_release(&cookie);
	free(token);
	free(sid);
}

static void h_logout(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	char *idp_logout = NULL;

	/* the session ends on the server, not only in this browser */
	if (req->session)
		session_delete(req->store, req->session, &err);
	if (req->via_cookie) {
		oidc_signout(req->store, &req->token); /* an SSO session's own token */
		idp_logout = oidc_logout_url(&req->token); /* and the provider's session */
	}
	http_header_add(res, "Set-Cookie", req->tls
			? "aiv_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure"
			: "aiv_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
	http_header_add(res, "Location", idp_logout ? idp_logout : "/login");
	free(idp_logout);
	res->status = 303;
	res->content_type = "text/html; charset=utf-8";
	strbuf_addstr(&res->body, "<!doctype html><title>Signed out</title>"
		      "<p>Signed out. <a href=\"/login\">Sign in</a> again.</p>\n");
}

/* ---- assets ---- */

static const char *content_type_for(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!dot)
		return NULL;
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".png"))
		return "image/png";
	if (!strcmp(dot, ".ico"))
		return "image/x-icon";
	return NULL; /* templates and anything else are not served */
}

/* Body is in res (static or strbuf); add ETag, caching, 304 when unchanged. */
static void cacheable(struct http_request *req, struct http_response *res, const void *data,
		      size_t len)
{
	char hex[SHA256_HEX], etag[40];
	const char *inm = http_req_header(req, "If-None-Match");

	sha256_hex(data, len, hex);
	snprintf(etag, sizeof(etag), "\"%.32s\"", hex);
	http_header_add(res, "ETag", etag);
	http_header_add(res, "Cache-Control", "public, max-age=3600");
	if (inm && !strcmp(inm, etag)) {
		res->status = 304;
		res->static_body = "";
		res->static_len = 0;
		strbuf_reset(&res->body);
	}
}

static void h_asset(struct http_request *req, struct http_response *res)
{
	const char *name = http_param(req, "name");
	const char *ctype = name ? content_type_for(name) : NULL;
	const struct aiv_asset *a = NULL;
	char path[160];

	if (name && !strcmp(name, "catalog.css")) {
		size_t i;
		strbuf_addstr(&res->body, "/* generated from the framework catalog: one colour "
			      "per value model */\n");
		for (i = 0; i < req->cat->nmodels; i++) {
			const struct cat_model *m = &req->cat->models[i];
			if (valid_class(m->id) && valid_color(m->color))
				strbuf_addf(&res->body, ".m-%s { --model: %s; }\n", m->id, m->color);
		}
		res->content_type = "text/css; charset=utf-8";
		cacheable(req, res, res->body.buf, res->body.len);
		return;
	}
	if (ctype && strlen(name) < sizeof(path) - 5 && !strchr(name, '/')) {
		snprintf(path, sizeof(path), "web/%s", name);
		a = asset_find(path);
	}
	if (!a) {
		http_error(res, 404, "no asset '%s'", name ? name : "");
		return;
	}
	res->content_type = ctype;
	res->static_body = a->data;
	res->static_len = a->len;
	cacheable(req, res, a->data, a->len);
}

#define HUMANS ROLE_HUMANS

const struct http_route http_page_routes[] = {
	{ "GET", "/", HUMANS, R_PAGE, h_overview,
	  "dashboard: phase, scorecards, findings, next steps; the value models", "dashboard", NULL,
	  "text/html" },
	{ "GET", "/models/{id}", HUMANS, R_PAGE, h_model_page,
	  "dashboard: one value model", "dashboard", NULL, "text/html" },
	{ "GET", "/login", 0, R_PUBLIC | R_PAGE, h_login_get,
	  "sign-in form", "dashboard", NULL, "text/html" },
	{ "POST", "/login", 0, R_PUBLIC | R_PAGE | R_BODY, h_login_post,
	  "sign in with a token (starts a session: sets the aiv_session cookie)", "dashboard",
	  NULL, "text/html" },
	{ "GET", "/login/sso", 0, R_PUBLIC | R_PAGE, oidc_h_start,
	  "single sign-on: to the identity provider (OpenID Connect, PKCE)", "dashboard", NULL,
	  "text/html" },
	{ "GET", "/login/sso/callback", 0, R_PUBLIC | R_PAGE, oidc_h_callback,
	  "single sign-on: back from the identity provider (starts a session)", "dashboard",
	  NULL, "text/html" },
	{ "GET", "/logout", 0, R_PUBLIC | R_PAGE, h_logout,
	  "sign out (ends the session, clears the cookie)", "dashboard", NULL, "text/html" },
	{ "GET", "/assets/{name}", 0, R_PUBLIC, h_asset,
	  "embedded stylesheet and script", "dashboard", NULL, "text/css" },
	HTTP_ROUTES_END,
};
