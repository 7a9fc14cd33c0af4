/*
 * pages_change.c - the change-control dashboard pages:
 *
 *   /changes        the queue: every CR with status, risk, AI flag, impact
 *                   size and open conflicts, and the governance metrics
 *   /changes/{id}   one CR: its impact graph (report/graph_svg.c), its
 *                   approval path, its signatures with their validity,
 *                   stale marks and conflicts, and how to sign it
 *   /stale          open stale marks grouped by owner, with their causes
 *
 * Data comes from the same library calls as the API and the CLI
 * (change_list/show/verify/stale/metrics, apply_get for artefacts); this
 * file only prints it.
 *
 * Signing from the browser.  The dashboard cookie is accepted for GET and
 * HEAD only (routes.c), so a page cannot approve anything and a forged
 * cross-site form cannot either.  The "sign" form on a CR page is
 * therefore a GET form: it composes the exact `aivalue change approve`
 * command and the exact API call (curl with a bearer token) from the
 * meaning and reason typed in, and shows them to copy; the signature is
 * made where a credential for the person exists.  Nothing is weakened.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change/artefact.h"
#include "change/change.h"
#include "change/rules.h"
#include "core/timeutil.h"
#include "report/graph_svg.h"
#include "report/svg.h"
#include "pages.h"
#include "routes.h"

/* An impact graph draws at most this many impacted artefacts (nearest first). */
#define GRAPH_MAX_DRAWN 150

/* ---- small printers ---- */

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int class_ok(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

static void badge(struct strbuf *sb, const char *prefix, const char *value)
{
	strbuf_addstr(sb, "<span class=\"status");
	if (class_ok(value))
		strbuf_addf(sb, " %s-%s", prefix, value);
	strbuf_addstr(sb, "\">");
	strbuf_add_html(sb, value ? value : "");
	strbuf_addstr(sb, "</span>");
}

static void cr_link(struct strbuf *sb, const char *cr)
{
	strbuf_addstr(sb, "<a href=\"/changes/");
	strbuf_add_html(sb, cr);
	strbuf_addstr(sb, "\">");
	strbuf_add_html(sb, cr);
	strbuf_addstr(sb, "</a>");
}

/* "2026-11-02T09:00:00.000000Z" -> "2026-11-02 09:00" */
static void time_cell(struct strbuf *sb, const char *t)
{
	if (!t || strlen(t) < 16) {
		strbuf_addstr(sb, t && *t ? t : "&ndash;");
		return;
	}
	strbuf_add(sb, t, 10);
	strbuf_addch(sb, ' ');
	strbuf_add(sb, t + 11, 5);
}

/* time_cell of a time in microseconds (0: not yet). */
static void time_cell_us(struct strbuf *sb, int64_t us)
{
	char t[TIME_ISO_LEN];

	if (!us) {
		time_cell(sb, NULL);
		return;
	}
	time_format_us(us, t);
	time_cell(sb, t);
}

/* Append s quoted for a POSIX shell ('...' with ' as '\''). */
static void shell_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

static void error_page(struct http_request *req, struct http_response *res,
		       const struct aiv_err *err, const char *title)
{
	struct strbuf m = STRBUF_INIT;

	strbuf_addstr(&m, "<section class=\"card\"><h1>");
	strbuf_add_html(&m, title);
	strbuf_addstr(&m, "</h1><p>");
	strbuf_add_html(&m, err->msg);
	strbuf_addstr(&m, "</p><p><a href=\"/changes\">Back to the change queue</a></p></section>");
	http_page_send(req, res, http_status_for(err->code), title, "/changes", m.buf);
	strbuf_release(&m);
}

static int env_open(struct http_request *req, struct change_env *env,
		    struct change_rules **rules, struct aiv_err *err)
{
	const char *path = getenv("AIVALUE_CHANGE_RULES");

	*rules = NULL;
	if (change_rules_load(rules, path && *path ? path : NULL, req->cat, err))
		return -1;
	env->s = req->store;
	env->cat = req->cat;
	env->rules = *rules;
	env->actor = req->token.name;
	return 0;
}

/* A figure card; v NAN when there is no data. */
static void figure(struct strbuf *sb, const char *label, double v, int percent,
		   const char *unit)
{
	strbuf_addstr(sb, "<div class=\"figure\"><div class=\"value\">");
	if (!isnan(v)) {
		if (percent)
			strbuf_addf(sb, "%.0f%%", 100 * v);
		else
			strbuf_addf(sb, "%.1f%s", v, unit);
	} else {
		strbuf_addstr(sb, "&ndash;");
	}
	strbuf_addstr(sb, "</div><div class=\"label\">");
	strbuf_add_html(sb, label);
	strbuf_addstr(sb, "</div></div>");
}

/* ---- GET /changes ---- */

static const char *const queue_statuses[] = { "open", "queued", "approved", "merged",
					       "done", "rejected" };

static void metrics_card(struct strbuf *m, const struct change_gov_metrics *mx)
{
	size_t n = mx->nbacklog, i;
	const char **owners = xcalloc(n ? n : 1, sizeof(*owners));
	double *stale = xcalloc(n ? n : 1, sizeof(double));
	double *pending = xcalloc(n ? n : 1, sizeof(double));
	struct svg_series series[2];
	struct svg_chart chart;

	strbuf_addstr(m, "<section class=\"card\"><h2>Governance metrics</h2>"
		      "<div class=\"figures\">");
	figure(m, "time to safe change, median", mx->safe_change.median, 0, " h");
	figure(m, "time to safe change, p90", mx->safe_change.p90, 0, " h");
	figure(m, "time to approval, median", mx->safe_change.approval_median, 0, " h");
	figure(m, "audit readiness", mx->audit_readiness.share, 1, "");
	figure(m, "downstream consistency", mx->downstream.share, 1, "");
	figure(m, "AI-generated share", mx->ai_generated.share, 1, "");
	strbuf_addf(m, "<div class=\"figure\"><div class=\"value\">%lld</div>"
		    "<div class=\"label\">conflicts (%lld open)</div></div></div>",
		    (long long)mx->conflicts.count, (long long)mx->conflicts.open);
	strbuf_addstr(m, "<p class=\"small\">Definitions: docs/change.md, section Metrics. "
		      "The same figures as <code>aivalue change metrics --json</code> and "
		      "<a href=\"/api/v1/changes/metrics\">/api/v1/changes/metrics</a>.</p>");
	for (i = 0; i < mx->nfindings; i++) {
		strbuf_addstr(m, "<p class=\"notice\">");
		strbuf_add_html(m, mx->findings[i].message);
		strbuf_addstr(m, "</p>");
	}
	if (n) {
		for (i = 0; i < n; i++) {
			owners[i] = mx->backlog[i].owner;
			stale[i] = (double)mx->backlog[i].stale;
			pending[i] = (double)mx->backlog[i].pending_approvals;
		}
		memset(&chart, 0, sizeof(chart));
		chart.id = "chart-backlog";
		chart.title = "Review backlog per owner";
		chart.desc = "For each person, team or function: stale artefacts they own and "
			     "approvals of open change requests still waiting for them.";
		chart.x_title = "items waiting (count)";
		chart.unit = "items";
		chart.categories = owners;
		chart.ncategories = n;
		chart.flags = SVG_HORIZONTAL | SVG_INTEGER;
		chart.width = 640;
		chart.height = 90 + 26 * (int)n;
		series[0].name = "stale artefacts";
		series[0].color = "#D55E00";
		series[0].y = stale;
		series[0].x = NULL;
		series[0].n = n;
		series[1].name = "pending approvals";
		series[1].color = "#0072B2";
		series[1].y = pending;
		series[1].x = NULL;
		series[1].n = n;
		svg_stacked_bar(m, &chart, series, 2);
	}
	strbuf_addstr(m, "</section>");
	free(owners);
	free(stale);
	free(pending);
}

struct open_with {
	int64_t detected_at;
	size_t pos;       /* the other CR's place in the list (newest first) */
	const char *with;
};

/* oldest conflict first; one detection's conflicts in the other CR's number order */
static int cmp_open_with(const void *pa, const void *pb)
{
	const struct open_with *a = pa, *b = pb;

	if (a->detected_at != b->detected_at)
		return a->detected_at < b->detected_at ? -1 : 1;
	return a->pos < b->pos ? 1 : a->pos > b->pos ? -1 : 0;
}

/*
 * The open conflicts of CR `id` as links, in the order change_show lists
 * them (detected_at, then the order they were recorded in: the other CR's
 * number, conflict.c); the number written.
 */
static size_t open_conflicts_cell(struct strbuf *m, const struct change_cr_list *list,
				  const struct change_conflict_list *all, const char *id)
{
	struct open_with *v = NULL;
	size_t n = 0, alloc = 0, i, k;

	for (i = 0; i < all->n; i++) {
		const struct change_conflict *c = &all->v[i];
		const char *with = !strcmp(c->a, id) ? c->b : !strcmp(c->b, id) ? c->a : NULL;

		if (!with || c->resolved_at)
			continue;
		ALLOC_GROW(v, n + 1, alloc);
		v[n].detected_at = c->detected_at;
		v[n].with = with;
		for (k = 0; k < list->n && strcmp(list->v[k].id, with); k++)
			;
		v[n++].pos = k;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_open_with);
	for (i = 0; i < n; i++) {
		strbuf_addstr(m, i ? ", " : "");
		cr_link(m, v[i].with);
	}
	free(v);
	return n;
}

static void h_queue(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_env env;
	struct strbuf m = STRBUF_INIT;
	struct change_cr_list list = { 0 };
	struct change_gov_metrics mx = { 0 };
	struct change_conflict_list conflicts = { 0 };
	size_t i, s, counts[ARRAY_SIZE(queue_statuses)] = { 0 };

	/* every recorded conflict in one read, not a change_show per CR: on
	 * PostgreSQL each show was five round trips, 300 for the large demo */
	if (env_open(req, &env, &rules, &err) || change_list(&env, &list, &err) ||
	    change_conflicts(&env, &conflicts, &err) || change_metrics_read(&env, &mx, &err)) {
		error_page(req, res, &err, "Cannot read the change requests");
		goto cleanup;
	}
	for (i = 0; i < list.n; i++)
		for (s = 0; s < ARRAY_SIZE(queue_statuses); s++)
			if (!strcmp(list.v[i].status, queue_statuses[s]))
				counts[s]++;
	strbuf_addf(&m, "<h1>Change requests</h1><p class=\"lead\">%zu change requests. Each one "
		    "carries its computed impact and approval path; a merge marks its impact set "
		    "stale until the owners review it (<a href=\"/stale\">stale items by owner</a>)."
		    "</p><p>", list.n);
	for (s = 0; s < ARRAY_SIZE(queue_statuses); s++) {
		badge(&m, "cr", queue_statuses[s]);
		strbuf_addf(&m, " %zu &nbsp; ", counts[s]);
	}
	strbuf_addstr(&m, "</p><section class=\"card\"><h2>Queue</h2>");
	if (!list.n) {
		strbuf_addstr(&m, "<p class=\"empty\">No change requests yet. Open one with "
			      "<code>aivalue change open</code> or POST /api/v1/changes.</p>");
	} else {
		strbuf_addstr(&m, "<table class=\"sortable queue\"><thead><tr><th>CR</th>"
			      "<th>Artefact</th><th>Status</th><th>Risk</th><th>Author</th>"
			      "<th>AI-generated</th><th class=\"num\">Impacted</th>"
			      "<th>Open conflicts</th><th>Opened</th><th>Reason</th></tr></thead><tbody>");
		for (i = 0; i < list.n; i++) {
			const struct change_cr_summary *it = &list.v[i];
			size_t nopen;

			strbuf_addstr(&m, "<tr><td>");
			cr_link(&m, it->id);
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, it->artefact);
			strbuf_addstr(&m, "</td><td>");
			badge(&m, "cr", it->status);
			strbuf_addstr(&m, "</td><td>");
			badge(&m, "risk", it->risk);
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, it->author);
			strbuf_addstr(&m, "</td><td>");
			if (it->generated_by) {
				strbuf_addstr(&m, "<span class=\"status ai\">AI</span> ");
				strbuf_add_html(&m, it->generated_by);
				strbuf_addstr(&m, " <span class=\"small\">(");
				strbuf_add_html(&m, it->model ? it->model : "");
				strbuf_addstr(&m, ")</span>");
			} else {
				strbuf_addstr(&m, "no");
			}
			strbuf_addf(&m, "</td><td class=\"num\">%lld</td><td>",
				    (long long)it->impact_count);
			nopen = open_conflicts_cell(&m, &list, &conflicts, it->id);
			if (!nopen)
				strbuf_addstr(&m, "none");
			strbuf_addstr(&m, "</td><td>");
			time_cell_us(&m, it->opened_at);
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, it->reason);
			strbuf_addstr(&m, "</td></tr>");
		}
		strbuf_addstr(&m, "</tbody></table>");
	}
	strbuf_addstr(&m, "</section>");
	metrics_card(&m, &mx);
	http_page_send(req, res, 200, "Change requests", "/changes", m.buf);
cleanup:
	change_rules_free(rules);
	change_cr_list_release(&list);
	change_conflict_list_release(&conflicts);
	change_gov_metrics_release(&mx);
	strbuf_release(&m);
}

/* ---- GET /changes/{id} ---- */

/* The impact graph of a CR: its artefact at layer 0, each impacted one at its depth. */
/* specs: the drawn artefacts' (change_show_page's), borrowed; NULL: none read */
static void impact_graph(struct strbuf *m, const struct change_cr_view *cr, json_t *specs)
{
	size_t total = cr->nimpact, i, j, k, ne = 0, cap = 16;
	size_t n = (total > GRAPH_MAX_DRAWN ? GRAPH_MAX_DRAWN : total) + 1;
	struct graph_svg_node *nodes = xcalloc(n, sizeof(*nodes));
	struct graph_svg_edge *edges = xcalloc(cap, sizeof(*edges));
	struct strbuf *tips = xcalloc(n, sizeof(*tips));
	json_t **spec = xcalloc(n, sizeof(*spec)); /* each artefact's spec, owned */
	const char **ids = xcalloc(n, sizeof(*ids));
	struct graph_svg g;
	struct strbuf title = STRBUF_INIT, desc = STRBUF_INIT;

	for (i = 0; i < n; i++) {
		ids[i] = i ? cr->impact[i - 1].id : cr->cr.artefact;
		if (!ids[i])
			ids[i] = "";
	}
	for (i = 0; i < n; i++) {
		const char *id = ids[i];

		strbuf_init(&tips[i], 0);
		nodes[i].id = id;
		nodes[i].layer = i ? (int)cr->impact[i - 1].depth : 0;
		spec[i] = json_incref(json_object_get(specs, id));
		nodes[i].type = spec[i] ? jstr(spec[i], "type") : NULL;
		strbuf_addf(&tips[i], "%s, owner %s, version %lld", spec[i] ? jstr(spec[i], "title") : "",
			    spec[i] ? jstr(spec[i], "owner") : "",
			    (long long)json_integer_value(json_object_get(spec[i], "version")));
		for (j = 0; j < cr->nmarks; j++)
			if (!strcmp(cr->marks[j].artefact, id) && cr->marks[j].open) {
				nodes[i].flagged = 1;
				strbuf_addstr(&tips[i], "; STALE: ");
				strbuf_addstr(&tips[i], cr->marks[j].cause);
			}
		nodes[i].tooltip = tips[i].buf;
	}
	/* every dependency edge between two drawn artefacts, upstream -> downstream */
	for (i = 0; i < n; i++) {
		json_t *deps = json_object_get(spec[i], "depends_on"), *d;
		json_array_foreach(deps, j, d) {
			for (k = 0; k < n; k++) {
				if (k == i || strcmp(nodes[k].id, json_string_value(d) ? json_string_value(d) : ""))
					continue;
				if (ne == cap) {
					cap *= 2;
					edges = xrealloc(edges, st_mult(cap, sizeof(*edges)));
				}
				edges[ne].from = k;
				edges[ne].to = i;
				edges[ne].type = json_string_value(json_object_get(
					json_object_get(spec[i], "edge_types"), nodes[k].id));
				ne++;
			}
		}
	}
	strbuf_addf(&title, "Impact of %s on %s", cr->cr.id, cr->cr.artefact);
	strbuf_addf(&desc, "%s changes %s; %zu artefacts depend on it, directly or transitively. "
		    "Columns are hops from the changed artefact; arrows point from an artefact to "
		    "the ones that depend on it, labelled with the dependency type.",
		    cr->cr.id, cr->cr.artefact, n - 1);
	memset(&g, 0, sizeof(g));
	g.id = "impact";
	g.title = title.buf;
	g.desc = desc.buf;
	g.nodes = nodes;
	g.nnodes = n;
	g.edges = edges;
	g.nedges = ne;
	strbuf_addstr(m, "<div class=\"graph-wrap\">");
	graph_svg_draw(m, &g);
	strbuf_addstr(m, "</div>");
	if (n - 1 < total)
		strbuf_addf(m, "<p class=\"small\">The drawing shows the %zu nearest of the %zu "
			    "impacted artefacts; the table below lists all of them.</p>", n - 1, total);
	for (i = 0; i < n; i++) {
		strbuf_release(&tips[i]);
		json_decref(spec[i]);
	}
	free(tips);
	free(spec);
	free(ids);
	free(nodes);
	free(edges);
	strbuf_release(&title);
	strbuf_release(&desc);
}

static void sign_help(struct strbuf *m, struct http_request *req, const struct change_cr_view *cr)
{
	const char *id = cr->cr.id, *status = cr->cr.status;
	const char *host = http_req_header(req, "Host");
	const char *decision = http_query(req, "decision");
	const char *meaning = http_query(req, "meaning"), *reason = http_query(req, "reason");
	struct strbuf cmd = STRBUF_INIT, curl = STRBUF_INIT, url = STRBUF_INIT;
	json_t *body;
	char *bs;

	if (!decision || strcmp(decision, "reject"))
		decision = "approve";
	if (!meaning || !*meaning)
		meaning = !strcmp(decision, "approve") ? "approved as owner" : "rejected as owner";
	if (!reason)
		reason = "";
	strbuf_addstr(m, "<section class=\"card\" id=\"sign\"><h2>Sign this change</h2>");
	if (strcmp(status, "open")) {
		strbuf_addstr(m, "<p>");
		strbuf_add_html(m, id);
		strbuf_addstr(m, " is ");
		strbuf_add_html(m, status);
		strbuf_addstr(m, "; only an open change request can be signed.");
		if (!strcmp(status, "approved")) {
			strbuf_addstr(m, " A lead or admin merges it: <code>aivalue change merge ");
			strbuf_add_html(m, id);
			strbuf_addstr(m, "</code> or <code>POST /api/v1/changes/");
			strbuf_add_html(m, id);
			strbuf_addstr(m, "/merge</code>.");
		}
		strbuf_addstr(m, "</p></section>");
		return;
	}
	strbuf_addstr(m, "<p>The sign-in cookie only reads: a signature is made with your own credential, by the CLI or the API "
		      "(role approver; the token's name is the person who signs). Type what "
		      "your signature means and why, and this form writes both commands for "
		      "you to copy; with JavaScript on, it signs through the API with the token "
		      "you paste (kept in the page only, never stored).</p>");
	strbuf_addstr(m, "<form class=\"sign\" id=\"sign-form\" method=\"get\" action=\"/changes/");
	strbuf_add_html(m, id);
	/* with app.js the same form signs through the API with a token typed in */
	strbuf_addstr(m, "#sign\" data-api=\"/api/v1/changes/");
	strbuf_add_html(m, id);
	strbuf_addstr(m, "/{decision}\" data-api-fields=\"meaning reason\" data-api-label=\"Sign\" "
		      "data-api-done=\"Signed\"><label for=\"decision\">Decision</label>"
		      "<select id=\"decision\" name=\"decision\">");
	strbuf_addf(m, "<option value=\"approve\"%s>approve</option>"
		    "<option value=\"reject\"%s>reject</option></select>",
		    !strcmp(decision, "approve") ? " selected" : "",
		    !strcmp(decision, "reject") ? " selected" : "");
	strbuf_addstr(m, "<label for=\"meaning\">Meaning</label><input id=\"meaning\" "
		      "name=\"meaning\" maxlength=\"200\" value=\"");
	strbuf_add_html(m, meaning);
	strbuf_addstr(m, "\"><label for=\"reason\">Reason (required)</label><input id=\"reason\" "
		      "name=\"reason\" maxlength=\"500\" required value=\"");
	strbuf_add_html(m, reason);
	strbuf_addstr(m, "\"><button type=\"submit\">Write the commands</button></form>");

	strbuf_addf(&cmd, "aivalue change %s %s --as YOUR.NAME --meaning ", decision, id);
	shell_quote(&cmd, meaning);
	strbuf_addstr(&cmd, " --reason ");
	shell_quote(&cmd, *reason ? reason : "WHY");
	body = json_pack("{s:s, s:s}", "meaning", meaning, "reason", *reason ? reason : "WHY");
	bs = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	strbuf_addf(&url, "http://%s/api/v1/changes/%s/%s", host && *host ? host : "HOST", id,
		    decision);
	strbuf_addstr(&curl, "curl -X POST -H \"Authorization: Bearer $AIVALUE_TOKEN\" "
		      "-H 'Content-Type: application/json' \\\n     -d ");
	shell_quote(&curl, bs ? bs : "{}");
	strbuf_addstr(&curl, " ");
	shell_quote(&curl, url.buf);
	strbuf_addstr(m, "<h3>With the CLI</h3><pre class=\"cmd\"><code>");
	strbuf_add_html(m, cmd.buf);
	strbuf_addstr(m, "</code></pre><h3>With the API</h3><pre class=\"cmd\"><code>");
	strbuf_add_html(m, curl.buf);
	strbuf_addstr(m, "</code></pre><p class=\"small\">Refusals come back with the reason: "
		      "the author, an AI agent or someone not on the approval path cannot sign "
		      "(403); a second signature by the same person is refused (409); a missing "
		      "reason or meaning is 400. A refused signature changes nothing.</p></section>");
	free(bs);
	json_decref(body);
	strbuf_release(&cmd);
	strbuf_release(&curl);
	strbuf_release(&url);
}

static void h_change_page(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *id = http_param(req, "id");
	struct change_rules *rules = NULL;
	struct change_env env;
	struct strbuf m = STRBUF_INIT;
	struct change_verdict ver = { 0 };
	struct change_cr_view view = { 0 };
	const struct change_cr_view *cr = &view;
	const struct change_cr_summary *c = &view.cr;
	const struct change_approval *ap = &view.approval;
	json_t *specs = NULL;
	size_t i, j;

	/*
	 * the CR, its verification and the specs of every artefact its impact
	 * graph draws: 5 statements, 2 round trips on PostgreSQL (3 when signed)
	 */
	if (env_open(req, &env, &rules, &err) ||
	    change_show_page(&env, id, &view, &ver, GRAPH_MAX_DRAWN, &specs, &err)) {
		error_page(req, res, &err, "Cannot show the change request");
		goto cleanup;
	}
	strbuf_addstr(&m, "<p class=\"small\"><a href=\"/changes\">&larr; Change requests</a></p>"
		      "<h1>");
	strbuf_add_html(&m, c->id);
	strbuf_addstr(&m, ": ");
	strbuf_add_html(&m, c->artefact);
	strbuf_addstr(&m, " ");
	badge(&m, "cr", c->status);
	strbuf_addstr(&m, " ");
	badge(&m, "risk", c->risk);
	if (c->generated_by && *c->generated_by)
		strbuf_addstr(&m, " <span class=\"status ai\">AI-generated</span>");
	strbuf_addstr(&m, "</h1><section class=\"card\"><dl class=\"facts\"><dt>Reason</dt><dd>");
	strbuf_add_html(&m, c->reason);
	strbuf_addstr(&m, "</dd><dt>Author</dt><dd>");
	strbuf_add_html(&m, c->author);
	if (c->generated_by && *c->generated_by) {
		strbuf_addstr(&m, " directing the agent <strong>");
		strbuf_add_html(&m, c->generated_by);
		strbuf_addstr(&m, "</strong> (model ");
		strbuf_add_html(&m, c->model);
		strbuf_addstr(&m, ")");
	}
	strbuf_addf(&m, "</dd><dt>Base</dt><dd>version %lld, <code title=\"",
		    (long long)c->base_version);
	strbuf_add_html(&m, c->base_fingerprint);
	strbuf_addstr(&m, "\">");
	strbuf_add(&m, c->base_fingerprint, strlen(c->base_fingerprint) > 16
		   ? 16 : strlen(c->base_fingerprint));
	strbuf_addstr(&m, "&hellip;</code> &rarr; proposed <code title=\"");
	strbuf_add_html(&m, c->new_fingerprint);
	strbuf_addstr(&m, "\">");
	strbuf_add(&m, c->new_fingerprint, strlen(c->new_fingerprint) > 16
		   ? 16 : strlen(c->new_fingerprint));
	strbuf_addstr(&m, "&hellip;</code></dd><dt>Opened</dt><dd>");
	time_cell_us(&m, c->opened_at);
	strbuf_addstr(&m, "</dd><dt>Approved</dt><dd>");
	time_cell_us(&m, c->approved_at);
	strbuf_addstr(&m, "</dd><dt>Merged</dt><dd>");
	time_cell_us(&m, c->merged_at);
	strbuf_addstr(&m, "</dd><dt>Evidence</dt><dd>");
	for (i = 0; i < cr->evidence.n; i++) {
		strbuf_addstr(&m, i ? ", " : "");
		strbuf_add_html(&m, cr->evidence.v[i].name);
		strbuf_addf(&m, " (%lld bytes)", (long long)cr->evidence.v[i].bytes);
	}
	if (!cr->evidence.n)
		strbuf_addstr(&m, "none attached");
	strbuf_addstr(&m, "</dd></dl></section>");

	strbuf_addf(&m, "<section class=\"card\"><h2>Impact (%zu)</h2>",
		    cr->nimpact);
	impact_graph(&m, cr, specs);
	if (cr->nimpact) {
		strbuf_addstr(&m, "<table class=\"sortable\"><thead><tr><th>Artefact</th>"
			      "<th>Owner</th><th class=\"num\">Depth</th><th>Via</th><th>Path</th>"
			      "</tr></thead><tbody>");
		for (i = 0; i < cr->nimpact; i++) {
			const struct change_impact_item *it = &cr->impact[i];
			strbuf_addstr(&m, "<tr><td>");
			strbuf_add_html(&m, it->id ? it->id : "");
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, it->owner ? it->owner : "");
			strbuf_addf(&m, "</td><td class=\"num\">%lld</td><td>", (long long)it->depth);
			strbuf_add_html(&m, it->via ? it->via : "");
			strbuf_addstr(&m, "</td><td>");
			for (j = 0; j < it->path.n; j++) {
				strbuf_addstr(&m, j ? " &rarr; " : "");
				strbuf_add_html(&m, it->path.v[j]);
			}
			strbuf_addstr(&m, "</td></tr>");
		}
		strbuf_addstr(&m, "</tbody></table>");
	} else {
		strbuf_addstr(&m, "<p class=\"empty\">Nothing depends on this artefact: the change "
			      "reaches no other artefact.</p>");
	}
	strbuf_addstr(&m, "</section>");

	strbuf_addf(&m, "<section class=\"card\"><h2>Approval path</h2><p>%lld of a quorum of "
		    "%lld distinct approvers; %s.</p>",
		    (long long)ap->approvers, (long long)ap->quorum,
		    ap->approved ? "every slot is signed"
		    : "still waiting");
	strbuf_addstr(&m, "<table class=\"slots\"><thead><tr><th>Slot</th><th>Who may sign</th>"
		      "<th>Signed by</th></tr></thead><tbody>");
	for (i = 0; i < ap->nslots; i++) {
		const struct change_approval_slot *sl = &ap->slots[i];
		const char *by = sl->satisfied_by ? sl->satisfied_by : "";
		strbuf_addstr(&m, "<tr><td>");
		strbuf_add_html(&m, sl->role ? sl->role : "");
		strbuf_addstr(&m, "</td><td>");
		strbuf_add_html(&m, sl->kind ? sl->kind : "");
		strbuf_addstr(&m, " <strong>");
		strbuf_add_html(&m, sl->name ? sl->name : "");
		strbuf_addstr(&m, "</strong></td><td>");
		if (*by) {
			strbuf_addstr(&m, "<span class=\"status sig-valid\">&#10003;</span> ");
			strbuf_add_html(&m, by);
		} else {
			strbuf_addstr(&m, "<span class=\"status sig-waiting\">waiting</span>");
		}
		strbuf_addstr(&m, "</td></tr>");
	}
	strbuf_addstr(&m, "</tbody></table>");
	for (i = 0; i < ap->missing.n; i++) {
		strbuf_addstr(&m, i ? "" : "<ul class=\"missing\">");
		strbuf_addstr(&m, "<li>missing: ");
		strbuf_add_html(&m, ap->missing.v[i]);
		strbuf_addstr(&m, "</li>");
	}
	if (ap->missing.n)
		strbuf_addstr(&m, "</ul>");
	strbuf_addstr(&m, "</section>");

	strbuf_addf(&m, "<section class=\"card\" id=\"signatures\"><h2>Signatures</h2><p>%s</p>",
		    !cr->nsignatures ? "No signatures yet."
		    : ver.ok
		    ? "Every signature verifies: its record hashes to the ledger entry and every "
		      "covered artefact still has the fingerprint that was signed."
		    : "Some signatures are VOID: content they cover was edited after signing.");
	if (cr->nsignatures) {
		strbuf_addstr(&m, "<table class=\"signatures\"><thead><tr><th>Decision</th>"
			      "<th>Signer</th><th>Time</th><th>Meaning</th><th>Reason</th>"
			      "<th>Record</th><th class=\"num\">Ledger</th><th>Validity</th></tr>"
			      "</thead><tbody>");
		for (i = 0; i < cr->nsignatures; i++) {
			const struct change_signature *it = &cr->signatures[i];
			const struct change_sig_check *v = NULL;
			size_t q;
			for (j = 0; j < ver.nsigs; j++)
				if (!strcmp(ver.sigs[j].record_hash, it->record_hash))
					v = &ver.sigs[j];
			strbuf_addstr(&m, "<tr><td>");
			strbuf_add_html(&m, it->decision);
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, it->signer);
			strbuf_addstr(&m, "</td><td>");
			time_cell(&m, it->time);
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, it->meaning);
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, it->reason);
			strbuf_addstr(&m, "</td><td><code title=\"");
			strbuf_add_html(&m, it->record_hash);
			strbuf_addstr(&m, "\">");
			strbuf_add(&m, it->record_hash, strlen(it->record_hash) > 12 ? 12
				   : strlen(it->record_hash));
			strbuf_addf(&m, "&hellip;</code></td><td class=\"num\">%lld</td><td>",
				    (long long)it->ledger_seq);
			if (v && v->valid)
				strbuf_addstr(&m, "<span class=\"status sig-valid\">VALID</span>");
			else
				strbuf_addstr(&m, "<span class=\"status sig-void\">VOID</span>");
			for (q = 0; v && q < v->problems.n; q++) {
				strbuf_addstr(&m, "<br><span class=\"small\">");
				strbuf_add_html(&m, v->problems.v[q]);
				strbuf_addstr(&m, "</span>");
			}
			strbuf_addstr(&m, "</td></tr>");
		}
		strbuf_addstr(&m, "</tbody></table>");
	}
	strbuf_addstr(&m, "</section>");

	if (cr->nmarks) {
		strbuf_addstr(&m, "<section class=\"card\"><h2>Stale marks</h2><ul>");
		for (i = 0; i < cr->nmarks; i++) {
			const struct change_cr_mark *it = &cr->marks[i];
			strbuf_addstr(&m, "<li>");
			badge(&m, "mark", it->open ? "stale" : "cleared");
			strbuf_addstr(&m, " <strong>");
			strbuf_add_html(&m, it->artefact);
			strbuf_addstr(&m, "</strong>: ");
			strbuf_add_html(&m, it->cause);
			if (it->cleared_by && *it->cleared_by) {
				strbuf_addstr(&m, " &mdash; reviewed by ");
				strbuf_add_html(&m, it->cleared_by);
			}
			strbuf_addstr(&m, "</li>");
		}
		strbuf_addstr(&m, "</ul></section>");
	}
	if (cr->nrecorded) {
		strbuf_addstr(&m, "<section class=\"card\"><h2>Conflicts</h2><ul>");
		for (i = 0; i < cr->nrecorded; i++) {
			const struct change_cr_conflict *it = &cr->recorded[i];
			strbuf_addstr(&m, "<li>with ");
			cr_link(&m, it->with);
			strbuf_addstr(&m, it->resolved ? " (resolved)" : " (open)");
			strbuf_addstr(&m, " on");
			for (j = 0; j < it->overlap.n; j++) {
				strbuf_addstr(&m, " ");
				strbuf_add_html(&m, it->overlap.v[j]);
			}
			strbuf_addstr(&m, "</li>");
		}
		strbuf_addstr(&m, "</ul></section>");
	}
	sign_help(&m, req, cr);
	{
		struct strbuf t = STRBUF_INIT;
		strbuf_addf(&t, "%s: %s", c->id, c->artefact);
		http_page_send(req, res, 200, t.buf, "/changes", m.buf);
		strbuf_release(&t);
	}
cleanup:
	change_rules_free(rules);
	change_cr_view_release(&view);
	change_verdict_release(&ver);
	json_decref(specs);
	strbuf_release(&m);
}

/* ---- GET /stale ---- */

static void stale_page(struct http_request *req, struct http_response *res, const char *page)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_env env;
	struct strbuf m = STRBUF_INIT;
	struct change_stale_list stale = { 0 };
	size_t i, j, k, nowners = 0;

	if (env_open(req, &env, &rules, &err) || change_stale(&env, &stale, &err)) {
		error_page(req, res, &err, "Cannot read the stale marks");
		goto cleanup;
	}
	/* the marks come ordered by owner: each run of one owner is a card */
	for (i = 0; i < stale.n; i++)
		if (!i || strcmp(stale.v[i].owner, stale.v[i - 1].owner))
			nowners++;
	strbuf_addf(&m, "<h1>Stale items by owner</h1><p class=\"lead\">%zu open stale mark%s "
		    "for %zu owner%s. A merge marks everything downstream stale; each owner clears "
		    "an item only by a signed review of that one item.</p>", stale.n,
		    stale.n == 1 ? "" : "s", nowners, nowners == 1 ? "" : "s");
	if (!stale.n)
		strbuf_addstr(&m, "<section class=\"card\"><p class=\"empty\">Nothing is stale: every "
			      "artefact is consistent with its upstream.</p></section>");
	for (i = 0; i < stale.n; i = k) {
		const char *owner = stale.v[i].owner;
		struct aiv_err kerr = AIV_ERR_INIT;
		const char *okind = NULL;
		int person = !artefact_owner_kind(req->store, owner, &okind, &kerr) &&
			     !strcmp(okind, "Person");

		for (k = i; k < stale.n && !strcmp(stale.v[k].owner, owner); k++)
			;
		strbuf_addstr(&m, "<section class=\"card owner\"><h2>");
		strbuf_add_html(&m, owner);
		strbuf_addf(&m, " <span class=\"small\">(%zu)</span></h2><table><thead><tr>"
			    "<th>Artefact</th><th>Change</th><th>Cause</th><th>Review</th></tr>"
			    "</thead><tbody>", k - i);
		for (j = i; j < k; j++) {
			const struct change_stale_mark *it = &stale.v[j];
			strbuf_addstr(&m, "<tr><td>");
			strbuf_add_html(&m, it->artefact);
			strbuf_addstr(&m, "</td><td>");
			cr_link(&m, it->cr);
			strbuf_addstr(&m, "</td><td>");
			strbuf_add_html(&m, it->cause);
			strbuf_addstr(&m, "</td><td><code>aivalue change review ");
			strbuf_add_html(&m, it->artefact);
			strbuf_addstr(&m, " --as ");
			if (person)
				strbuf_add_html(&m, owner);
			else
				strbuf_addstr(&m, "A-MEMBER-OF-THE-TEAM");
			strbuf_addstr(&m, " --reason &hellip;</code></td></tr>");
		}
		strbuf_addstr(&m, "</tbody></table></section>");
	}
	http_page_send(req, res, 200, "Stale items", "/changes", m.buf);
	pages_cache_put(req, page, m.buf);
cleanup:
	change_rules_free(rules);
	change_stale_list_release(&stale);
	strbuf_release(&m);
}

/*
 * Kept as /logs is (pages_cache.c): the marks, the artefacts' owners and
 * whether each is a person change only with a write, which the ledger
 * records (a merge, a review, an apply of the organisation), so the
 * body kept under the store state is the one the reads would draw, and a
 * second visit needs no round trip on PostgreSQL (three before: the
 * marks, then whether the owner is a person, then a team).
 */
static void h_stale_page(struct http_request *req, struct http_response *res)
{
	pages_send_kept(req, res, "/stale", "Stale items", "/changes", stale_page);
}

#define HUMANS ROLE_HUMANS

const struct http_route http_change_page_routes[] = {
	{ "GET", "/changes", HUMANS, R_PAGE, h_queue,
	  "dashboard: the change queue and governance metrics", "dashboard", NULL, "text/html" },
	{ "GET", "/changes/{id}", HUMANS, R_PAGE, h_change_page,
	  "dashboard: one change request with its impact graph", "dashboard", NULL, "text/html" },
	{ "GET", "/stale", HUMANS, R_PAGE, h_stale_page,
	  "dashboard: stale items grouped by owner", "dashboard", NULL, "text/html" },
	HTTP_ROUTES_END,
};
