/*
 * pages_control.c - dashboard pages for agent workflows (model 5).
 *
 *   GET /workflows          every workflow: owner, autonomy, steps, agents,
 *                           pending and overdue exception items, and a flag
 *                           when it runs ahead of its phase gate (an
 *                           initiative of the same name in pilot or
 *                           production above the phase earned: the phase
 *                           verdict's "ahead" list, as on /phase)
 *   GET /workflows/{name}   the six readiness figures as tiles with their
 *                           rules, the workflow's exception queue in tabs
 *                           (?tab=pending|overdue|resolved, 20 a page,
 *                           ?page=N) with one approval form for the
 *                           pending items, and its recent decisions, 20 at
 *                           a time (?before=SEQ: older ones)
 *
 * Figures come from control_readiness, the queue from
 * control_exceptions_list and decisions from the decision log, exactly
 * what `aivalue workflow readiness`, `exceptions list` and
 * `decisions list` print.  Server-rendered, no script, everything escaped.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "assess/evidence.h"
#include "assess/playbook.h"
#include "control/control.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "http/control_http.h"
#include "pages.h"
#include "report/svg.h"
#include "routes.h"

#define RECENT_SCAN 2000 /* decision-log records looked at for a workflow */
#define RECENT_SHOW 20
#define QUEUE_PAGE 20    /* exception items per page of a tab */

/*
 * Is an item overdue: expired unanswered, or pending past its due time
 * (ISO-8601 UTC strings compare as text)?  The queue's tabs partition the
 * items: pending (in time), overdue, resolved (approved or rejected).
 */
static int is_overdue(const struct control_exception *x, const char *now)
{
	if (x->state && !strcmp(x->state, "expired"))
		return 1;
	return x->state && !strcmp(x->state, "pending") && x->due_at && *x->due_at &&
	       strcmp(x->due_at, now) < 0;
}

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *v = json_str(o, key);

	return v ? v : dflt;
}

static void cell(struct strbuf *sb, const char *text)
{
	strbuf_addstr(sb, "<td>");
	strbuf_add_html(sb, text ? text : "-");
	strbuf_addstr(sb, "</td>");
}

/* Does the workflow object name `agent` in one of its steps? */
static int workflow_has_agent(const json_t *wf, const char *agent)
{
	const json_t *steps = json_object_get(wf, "steps"), *st, *a;
	size_t i, j;

	json_array_foreach(steps, i, st) {
		json_array_foreach(json_object_get(st, "agents"), j, a)
			if (json_is_string(a) && agent && !strcmp(json_string_value(a), agent))
				return 1;
	}
	return 0;
}

/* The workflow's agents, each once, comma separated (escaped). */
static void agents_of(struct strbuf *sb, const json_t *wf)
{
	const json_t *steps = json_object_get(wf, "steps"), *st, *a;
	json_t *seen = json_object();
	size_t i, j, n = 0;

	json_array_foreach(steps, i, st) {
		json_array_foreach(json_object_get(st, "agents"), j, a) {
			if (!json_is_string(a) || json_object_get(seen, json_string_value(a)))
				continue;
			json_object_set_new(seen, json_string_value(a), json_true());
			strbuf_addstr(sb, n++ ? ", " : "");
			strbuf_add_html(sb, json_string_value(a));
		}
	}
	json_decref(seen);
	if (!n)
		strbuf_addstr(sb, "-");
}

static void h_workflows_page(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct strbuf m = STRBUF_INIT;
	struct control_exceptions pending = { NULL, 0 };
	struct playbook_state ps;
	json_t *wfs = NULL, *wf;
	size_t i, j;
	char actor[160], now[TIME_ISO_LEN];
	int have_ps;

	snprintf(actor, sizeof(actor), "token:%s", req->token.name);
	time_format_us(time_now_us(), now);
	/* the phase verdict says which initiatives run ahead of their gate */
	have_ps = !playbook_compute(req->store, req->cat, assess_questionnaire_path(), NULL,
				    time_now_us(), &ps, &err);
	if (!have_ps)
		aiv_err_clear(&err);
	if (apply_get(req->store, &control_workflow_kind, NULL, &wfs, &err) ||
	    control_exceptions_list(req->store, actor, NULL, NULL, &pending, &err)) {
		json_decref(wfs);
		http_page_send(req, res, http_status_for(err.code), "Agent workflows", "/workflows",
			       "<section class=\"card\"><p class=\"notice\">The workflows could not "
			       "be read.</p></section>");
		if (have_ps)
			playbook_release(&ps);
		return;
	}
	strbuf_addstr(&m, "<h1>Agent workflows</h1><p class=\"lead\">Workflows where agents act "
		      "under Cedar policies, with their readiness and exception queue.</p>"
		      "<section class=\"card\">");
	if (!json_array_size(wfs)) {
		strbuf_addstr(&m, "<p class=\"empty\">No workflows yet: apply a Workflow object "
			      "(see docs/control.md).</p>");
	} else {
		strbuf_addstr(&m, "<table class=\"workflow-list\"><thead><tr><th>Workflow</th>"
			      "<th>Gate</th><th>Owner</th>"
			      "<th>Autonomy</th><th class=\"num\">Steps</th><th>Agents</th>"
			      "<th class=\"num\">Pending exceptions</th><th class=\"num\">Overdue"
			      "</th></tr></thead><tbody>");
		json_array_foreach(wfs, i, wf) {
			const char *name = str_or(wf, "name", "");
			size_t npend = 0, nover = 0, k;
			int ahead = -1; /* phase of the initiative, when ahead */

			for (j = 0; j < pending.n; j++)
				if (pending.v[j].workflow && !strcmp(pending.v[j].workflow, name)) {
					if (is_overdue(&pending.v[j], now))
						nover++;
					else if (!strcmp(pending.v[j].state, "pending"))
						npend++;
				}
			for (k = 0; have_ps && k < ps.pv.nahead; k++)
				if (!strcmp(ps.pv.ahead[k].initiative, name))
					ahead = ps.pv.ahead[k].phase;
			strbuf_addstr(&m, "<tr><td><a href=\"/workflows/");
			strbuf_add_html(&m, name);
			strbuf_addstr(&m, "\">");
			strbuf_add_html(&m, name);
			strbuf_addstr(&m, "</a></td>");
			if (ahead > 0)
				strbuf_addf(&m, "<td><span class=\"pb-badge pb-fail ahead\">ahead of its "
					    "gate</span> <span class=\"small\">a phase %d initiative; "
					    "phase %d is earned</span></td>", ahead, ps.pv.earned);
			else
				strbuf_addstr(&m, "<td><span class=\"pb-badge pb-pass\">within its gate"
					      "</span></td>");
			cell(&m, str_or(wf, "owner", NULL));
			cell(&m, str_or(wf, "autonomy", NULL));
			strbuf_addf(&m, "<td class=\"num\">%zu</td><td>",
				    json_array_size(json_object_get(wf, "steps")));
			agents_of(&m, wf);
			strbuf_addf(&m, "</td><td class=\"num\">%zu</td><td class=\"num%s\">%zu</td>"
				    "</tr>", npend, nover ? " overdue" : "", nover);
		}
		strbuf_addstr(&m, "</tbody></table>");
	}
	strbuf_addstr(&m, "</section>");
	http_page_send(req, res, 200, "Agent workflows", "/workflows", m.buf);
	strbuf_release(&m);
	json_decref(wfs);
	control_exceptions_release(&pending);
	if (have_ps)
		playbook_release(&ps);
}

/* A readiness figure as the page labels it. */
struct page_figure {
	int id; /* enum control_figure_id */
	const char *label;
};

/* One readiness tile: label, share, numerator/denominator, rule. */
static void tile(struct strbuf *sb, const char *label, const struct control_readiness *r,
		 int id)
{
	const struct control_figure *f = &r->fig[id];
	double share;
	size_t i;

	strbuf_addstr(sb, "<section class=\"card tile\"><h2>");
	strbuf_add_html(sb, label);
	strbuf_addstr(sb, "</h2><p class=\"figure\">");
	if (control_figure_share(f, &share))
		strbuf_addf(sb, "%.0f%%", share * 100.0);
	else
		strbuf_addstr(sb, "no data");
	strbuf_addf(sb, " <span class=\"small\">%lld / %lld</span></p><p class=\"small\">",
		    (long long)f->numerator, (long long)f->denominator);
	strbuf_add_html(sb, f->rule);
	strbuf_addstr(sb, "</p>");
	if (id == CONTROL_FIG_ENTITLEMENTS) {
		for (i = 0; i < r->nwide_open; i++) {
			strbuf_addstr(sb, "<p class=\"small\">wide-open permit: <code>");
			strbuf_add_html(sb, r->wide_open[i]);
			strbuf_addstr(sb, "</code></p>");
		}
		for (i = 0; i < r->nunused; i++) {
			strbuf_addstr(sb, "<p class=\"small\">unused permit: <code>");
			strbuf_add_html(sb, r->unused[i]);
			strbuf_addstr(sb, "</code></p>");
		}
	}
	if (id == CONTROL_FIG_EXCEPTION_HANDLING)
		strbuf_addf(sb, "<p class=\"small\">expired: %lld</p>", (long long)r->expired);
	strbuf_addstr(sb, "</section>");
}

/*
 * How to work each pending item: the CLI commands, and a form that app.js
 * reveals and sends to POST /api/v1/exceptions/{id}/approve|reject with a
 * token typed in (the sign-in cookie only reads).  Without JavaScript the
 * form stays hidden and the commands are the way.
 */
static const char *or_else(const char *v, const char *dflt)
{
	return v ? v : dflt;
}

/*
 * One approval form for every pending item of the workflow: the item is
 * picked from a list, so a queue of hundreds is one form, not hundreds.
 */
static void act_form(struct strbuf *m, const struct control_exceptions *items,
		     const char *workflow)
{
	size_t i, n = 0;

	for (i = 0; i < items->n; i++) {
		const struct control_exception *it = &items->v[i];

		if (strcmp(or_else(it->workflow, ""), workflow) || strcmp(it->state, "pending"))
			continue;
		if (!n++) {
			strbuf_addstr(m, "<h3>Work the queue</h3><p class=\"small\">An approver or "
				      "lead approves or rejects a pending item as a person who is "
				      "neither the agent nor the person it acted for; the approval "
				      "is bound to the exact arguments and works once.</p>"
				      "<pre class=\"cmd\"><code>aivalue exceptions approve ITEM --as "
				      "YOUR.NAME --reason WHY\naivalue exceptions reject ITEM --as "
				      "YOUR.NAME --reason WHY</code></pre><form hidden class=\"sign\" "
				      "id=\"act-queue\" data-api=\"/api/v1/exceptions/{item}/{decision}\" "
				      "data-api-fields=\"as reason\" data-api-done=\"Done\"><label "
				      "for=\"act-item\">Item</label><select id=\"act-item\" "
				      "name=\"item\">");
		}
		strbuf_addstr(m, "<option value=\"");
		strbuf_add_html(m, it->id);
		strbuf_addstr(m, "\">");
		strbuf_add_html(m, it->id);
		strbuf_addstr(m, ": ");
		strbuf_add_html(m, or_else(it->agent, "?"));
		strbuf_addstr(m, " asks to ");
		strbuf_add_html(m, or_else(it->action, "?"));
		strbuf_addstr(m, " ");
		strbuf_add_html(m, or_else(it->resource, ""));
		strbuf_addstr(m, "</option>");
	}
	if (n)
		strbuf_addstr(m, "</select><label for=\"act-decision\">Decision</label><select "
			      "id=\"act-decision\" name=\"decision\"><option value=\"approve\">"
			      "approve</option><option value=\"reject\">reject</option></select>"
			      "<label for=\"act-as\">As (person)</label><input id=\"act-as\" "
			      "name=\"as\" required maxlength=\"100\"><label for=\"act-why\">Reason "
			      "(required)</label><input id=\"act-why\" name=\"reason\" required "
			      "maxlength=\"500\"><button type=\"submit\">Send</button></form>");
}

/* " · Next" linking to page `page` of a queue tab. */
static void page_link(struct strbuf *m, const char *workflow, const char *tab, long page,
		      const char *label)
{
	strbuf_addstr(m, " &middot; <a href=\"/workflows/");
	strbuf_add_html(m, workflow);
	strbuf_addf(m, "?tab=%s&amp;page=%ld#queue\">%s</a>", tab, page, label);
}

/* The six readiness shares as one bar chart, in percent (no data: no bar). */
static void readiness_chart(struct strbuf *m, const struct control_readiness *ready,
			    const struct page_figure *figs, size_t n)
{
	const char *labels[8];
	char lb[8][48];
	double v[8];
	struct svg_chart c;
	struct svg_series s;
	size_t i;

	for (i = 0; i < n && i < 8; i++) {
		double share;
		int has = control_figure_share(&ready->fig[figs[i].id], &share);
		/* a missing bar must not read as 0 %: say so in the label */
		snprintf(lb[i], sizeof(lb[i]), "%s%s", figs[i].label, has ? "" : " (no data)");
		labels[i] = lb[i];
		v[i] = has ? share * 100.0 : NAN;
	}
	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.id = "chart-workflow-readiness";
	c.title = "Readiness per foundation";
	c.desc = "Share of each of the six workflow foundations that is in place; a foundation "
		 "without data has no bar.";
	c.x_title = "in place (%)";
	c.unit = "%";
	c.categories = labels;
	c.ncategories = i;
	c.flags = SVG_HORIZONTAL;
	c.value_max = 100;
	c.width = 640;
	c.height = 250;
	s.name = "in place";
	s.color = "#0072B2";
	s.y = v;
	s.n = i;
	strbuf_addstr(m, "<section class=\"card\">");
	svg_bar(m, &c, &s);
	strbuf_addstr(m, "</section>");
}

/*
 * The six readiness figures of a workflow page run about a dozen counts
 * over the agents, steps, tool calls, decisions and exception items
 * (65 % of a workflow page's 80 ms of CPU on the large demo), the same
 * for every tab and page of the queue.  They are kept per workflow and
 * store state (the evidence cache key: ledger head, the decision-log
 * watch) for the evidence cache's minute; a write draws them afresh, and
 * so does the due time of a pending item passing (it then counts as
 * expired, with no write: control_readiness's next_due_us), so the tiles
 * agree with the queue's overdue tab.  The queue and the recent decisions
 * are read for each request.
 */
#define READY_SLOTS 16

static struct {
	pthread_mutex_t mu;
	char key[EVIDENCE_KEY_LEN];
	int64_t born;
	struct control_readiness r[READY_SLOTS];
	size_t n;
	uint64_t hits, misses, stored;
} kept_ready = { .mu = PTHREAD_MUTEX_INITIALIZER };

static char **strings_copy(char *const *v, size_t n)
{
	char **out = xcalloc(n ? n : 1, sizeof(*out));
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void readiness_copy(struct control_readiness *dst, const struct control_readiness *src)
{
	*dst = *src;
	dst->workflow = src->workflow ? xstrdup(src->workflow) : NULL;
	dst->wide_open = strings_copy(src->wide_open, src->nwide_open);
	dst->unused = strings_copy(src->unused, src->nunused);
}

/* control_readiness(), kept per workflow and store state (above). */
static int readiness_kept(struct http_request *req, const char *name,
			  struct control_readiness *out, struct aiv_err *err)
{
	struct evidence_env env = { req->store, req->cat, time_now_us(), 0 };
	char key[EVIDENCE_KEY_LEN];
	size_t i;
	int ret;

	if ((ret = evidence_state_key(&env, key, err)))
		return ret;
	if (key[0]) {
		pthread_mutex_lock(&kept_ready.mu);
		if (!strcmp(kept_ready.key, key) && env.now >= kept_ready.born &&
		    env.now - kept_ready.born < EVIDENCE_CACHE_TTL_US)
			for (i = 0; i < kept_ready.n; i++)
				if (!strcmp(kept_ready.r[i].workflow, name) &&
				    (kept_ready.r[i].next_due_us < 0 ||
				     env.now < kept_ready.r[i].next_due_us)) {
					readiness_copy(out, &kept_ready.r[i]);
					kept_ready.hits++;
					pthread_mutex_unlock(&kept_ready.mu);
					return 0;
				}
		kept_ready.misses++;
		pthread_mutex_unlock(&kept_ready.mu);
	}
	if ((ret = control_readiness(req->store, name, out, err)))
		return ret;
	if (!key[0] || !out->workflow || strcmp(out->workflow, name))
		return 0;
	pthread_mutex_lock(&kept_ready.mu);
	if (strcmp(kept_ready.key, key) || env.now < kept_ready.born ||
	    env.now - kept_ready.born >= EVIDENCE_CACHE_TTL_US) {
		for (i = 0; i < kept_ready.n; i++)
			control_readiness_release(&kept_ready.r[i]);
		kept_ready.n = 0;
		snprintf(kept_ready.key, sizeof(kept_ready.key), "%s", key);
		kept_ready.born = env.now;
	}
	for (i = 0; i < kept_ready.n && strcmp(kept_ready.r[i].workflow, name); i++)
		;
	if (i < kept_ready.n) { /* kept before an item fell due: replaced */
		control_readiness_release(&kept_ready.r[i]);
		readiness_copy(&kept_ready.r[i], out);
		kept_ready.stored++;
	} else if (kept_ready.n < READY_SLOTS) {
		readiness_copy(&kept_ready.r[kept_ready.n++], out);
		kept_ready.stored++;
	}
	pthread_mutex_unlock(&kept_ready.mu);
	return 0;
}

void pages_control_readiness_stats(struct evidence_cache_stats *out)
{
	pthread_mutex_lock(&kept_ready.mu);
	out->hits = kept_ready.hits;
	out->misses = kept_ready.misses;
	out->stored = kept_ready.stored;
	pthread_mutex_unlock(&kept_ready.mu);
}

static void h_workflow_page(struct http_request *req, struct http_response *res)
{
	static const struct page_figure figs[] = {
		{ CONTROL_FIG_IDENTITY, "Identity" }, { CONTROL_FIG_ENTITLEMENTS, "Entitlements" },
		{ CONTROL_FIG_INTEGRATION, "Integration" }, { CONTROL_FIG_LOGGING, "Logging" },
		{ CONTROL_FIG_EXCEPTION_HANDLING, "Exception handling" },
		{ CONTROL_FIG_OWNERSHIP, "Ownership" },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct strbuf m = STRBUF_INIT;
	const char *name = http_param(req, "name");
	struct control_exceptions items = { NULL, 0 };
	struct control_log_records recent = { NULL, 0 };
	struct control_readiness ready = { 0 };
	json_t *wfs = NULL, *wf;
	size_t i, shown = 0;
	char actor[160];
	const char *before = http_query(req, "before");
	const char *tab = http_query(req, "tab"), *pg = http_query(req, "page");
	int64_t cursor = 0, next = 0, last = 0;
	long page = 1;

	snprintf(actor, sizeof(actor), "token:%s", req->token.name);
	if (apply_get(req->store, &control_workflow_kind, name, &wfs, &err))
		goto fail;
	if (!(wf = json_array_get(wfs, 0))) {
		aiv_fail(&err, AIV_ENOTFOUND, "no workflow named '%s'", name);
		goto fail;
	}
	if (before) {
		char *end;
		cursor = strtoll(before, &end, 10);
		if (!*before || *end || cursor < 0) {
			aiv_fail(&err, AIV_EINPUT, "before '%s' is not a record number", before);
			goto fail;
		}
	}
	if (pg) {
		char *end;
		page = strtol(pg, &end, 10);
		if (!*pg || *end || page < 1) {
			aiv_fail(&err, AIV_EINPUT, "page '%s' is not a page number", pg);
			goto fail;
		}
	}
	if (tab && strcmp(tab, "pending") && strcmp(tab, "overdue") && strcmp(tab, "resolved")) {
		aiv_fail(&err, AIV_EINPUT, "tab '%s' is not pending, overdue or resolved", tab);
		goto fail;
	}
	if (readiness_kept(req, name, &ready, &err) ||
	    control_exceptions_list(req->store, actor, NULL, NULL, &items, &err) ||
	    http_control_recent(req->store, cursor, RECENT_SCAN, &recent, &next, &err))
		goto fail;

	strbuf_addstr(&m, "<p class=\"small\"><a href=\"/workflows\">Agent workflows</a></p>"
		      "<h1>Workflow ");
	strbuf_add_html(&m, name);
	strbuf_addstr(&m, "</h1><p class=\"lead\">Owner ");
	strbuf_add_html(&m, str_or(wf, "owner", "-"));
	strbuf_addstr(&m, ", autonomy ");
	strbuf_add_html(&m, str_or(wf, "autonomy", "-"));
	strbuf_addstr(&m, ", agents ");
	agents_of(&m, wf);
	strbuf_addstr(&m, ".</p><h2>Readiness</h2>");
	readiness_chart(&m, &ready, figs, ARRAY_SIZE(figs));
	strbuf_addstr(&m, "<div class=\"models\">");
	for (i = 0; i < ARRAY_SIZE(figs); i++)
		tile(&m, figs[i].label, &ready, figs[i].id);
	strbuf_addstr(&m, "</div>");

	strbuf_addstr(&m, "<section class=\"card\" id=\"queue\"><h2>Exception queue</h2>");
	{
		static const char *const tabs[3][2] = {
			{ "pending", "Pending" }, { "overdue", "Overdue" }, { "resolved", "Resolved" },
		};
		size_t count[3] = { 0, 0, 0 }, n = 0, from, t;
		int cur = 0;
		char now[TIME_ISO_LEN];

		time_format_us(time_now_us(), now);
		for (t = 0; tab && t < 3; t++)
			if (!strcmp(tab, tabs[t][0]))
				cur = (int)t;
		for (i = 0; i < items.n; i++) {
			const struct control_exception *x = &items.v[i];
			if (strcmp(or_else(x->workflow, ""), name))
				continue;
			if (is_overdue(x, now))
				count[1]++;
			else if (!strcmp(or_else(x->state, ""), "pending"))
				count[0]++;
			else
				count[2]++;
		}
		strbuf_addstr(&m, "<nav class=\"tabs\" aria-label=\"Exception queue\">");
		for (t = 0; t < 3; t++) {
			strbuf_addstr(&m, "<a href=\"/workflows/");
			strbuf_add_html(&m, name);
			strbuf_addf(&m, "?tab=%s#queue\"%s>%s <span class=\"count\">%zu</span></a>",
				    tabs[t][0], (int)t == cur ? " class=\"current\" aria-current=\"page\"" :
				    "", tabs[t][1], count[t]);
		}
		strbuf_addstr(&m, "</nav>");
		if (page < 1 || (size_t)(page - 1) * QUEUE_PAGE > count[cur]) {
			aiv_fail(&err, AIV_EINPUT, "page %ld of the %s items does not exist", page,
				 tabs[cur][0]);
			goto fail;
		}
		from = (size_t)(page - 1) * QUEUE_PAGE;
		for (i = 0; i < items.n; i++) {
			const struct control_exception *x = &items.v[i];
			int over = is_overdue(x, now);
			int pend = !over && !strcmp(or_else(x->state, ""), "pending");
			if (strcmp(or_else(x->workflow, ""), name))
				continue;
			if ((cur == 0 && !pend) || (cur == 1 && !over) || (cur == 2 && (pend || over)))
				continue;
			if (n++ < from || n > from + QUEUE_PAGE)
				continue;
			if (n == from + 1)
				strbuf_addstr(&m, "<table class=\"queue\"><thead><tr><th>Item</th>"
					      "<th>State</th><th>Queue</th><th>Owner</th><th>Agent</th>"
					      "<th>Action</th><th>Resource</th><th>Due</th></tr></thead>"
					      "<tbody>");
			strbuf_addstr(&m, "<tr id=\"exc-row-");
			strbuf_add_html(&m, or_else(x->id, ""));
			strbuf_addstr(&m, "\" class=\"exc-");
			strbuf_add_html(&m, or_else(x->state, ""));
			strbuf_addstr(&m, "\">");
			cell(&m, x->id);
			cell(&m, over && !strcmp(or_else(x->state, ""), "pending") ? "pending, overdue"
				 : x->state);
			cell(&m, x->queue);
			cell(&m, x->owner);
			cell(&m, x->agent);
			cell(&m, x->action);
			cell(&m, x->resource);
			cell(&m, x->due_at);
			strbuf_addstr(&m, "</tr>");
		}
		if (n > from)
			strbuf_addstr(&m, "</tbody></table>");
		else
			strbuf_addf(&m, "<p class=\"empty\">No %s items.</p>", tabs[cur][0]);
		if (n > QUEUE_PAGE) {
			size_t pages = (n + QUEUE_PAGE - 1) / QUEUE_PAGE;
			strbuf_addf(&m, "<p class=\"pager\">Page %ld of %zu", page, pages);
			if (page > 1)
				page_link(&m, name, tabs[cur][0], page - 1, "Previous");
			if ((size_t)page < pages)
				page_link(&m, name, tabs[cur][0], page + 1, "Next");
			strbuf_addstr(&m, "</p>");
		}
		act_form(&m, &items, name);
	}
	strbuf_addstr(&m, "</section><section class=\"card\"><h2>Recent decisions</h2>");
	for (i = 0; i < recent.n; i++) {
		const struct control_log_record *it = &recent.v[i];

		if (shown >= RECENT_SHOW) {
			next = last; /* older ones of this workflow may follow */
			break;
		}
		last = it->seq;
		if (!workflow_has_agent(wf, it->agent))
			continue;
		if (!shown++)
			strbuf_addstr(&m, "<table><thead><tr><th>Time</th><th>Agent</th><th>Action"
				      "</th><th>Resource</th><th>Decision</th><th>Reason</th></tr>"
				      "</thead><tbody>");
		strbuf_addstr(&m, "<tr>");
		cell(&m, it->timestamp);
		cell(&m, it->agent);
		cell(&m, it->action);
		cell(&m, it->resource);
		cell(&m, it->decision);
		cell(&m, it->reason);
		strbuf_addstr(&m, "</tr>");
	}
	strbuf_addstr(&m, shown ? "</tbody></table>" : "<p class=\"empty\">No decisions yet.</p>");
	if (next) {
		strbuf_addstr(&m, "<p><a href=\"/workflows/");
		strbuf_add_html(&m, name);
		strbuf_addf(&m, "?before=%lld\">Older decisions</a></p>", (long long)next);
	}
	strbuf_addstr(&m, "</section>");
	http_page_send(req, res, 200, name, "/workflows", m.buf);
	goto out;
fail:
	strbuf_reset(&m);
	strbuf_addstr(&m, "<section class=\"card\"><h1>Workflow not shown</h1><p>");
	strbuf_add_html(&m, err.msg);
	strbuf_addstr(&m, "</p><p><a href=\"/workflows\">All workflows</a></p></section>");
	http_page_send(req, res, http_status_for(err.code), "Workflow", "/workflows", m.buf);
out:
	strbuf_release(&m);
	json_decref(wfs);
	control_readiness_release(&ready);
	control_exceptions_release(&items);
	control_log_records_release(&recent);
}

void http_control_workflows_page(struct http_request *req, struct http_response *res)
{
	h_workflows_page(req, res);
}

void http_control_workflow_page(struct http_request *req, struct http_response *res)
{
	h_workflow_page(req, res);
}
