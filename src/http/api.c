/*
 * api.c - the JSON API under /api/v1, /healthz and /metrics.
 *
 * Handlers are thin: they read the request, call the same library
 * functions as the CLI (apply_get, apply_sources, ledger_verify,
 * ledger_walk, catalog_model_json) and shape JSON.  Who may call what is
 * the `roles` column of the table at the bottom; the route layer has
 * already refused everyone else before a handler runs.
 *
 * Roles: every human role reads the organisation and the models; the
 * ledger is for admin, auditor and lead; only admin applies.  The agent
 * role gets nothing here (agents get decision endpoints of their own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "assess/playbook.h"
#include "assess/series.h"
#include "control_http.h"
#include "core/cjson.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/state.h"
#include "pages.h"
#include "routes.h"

#define AUDIT_LOG_MAX 1000

static void h_healthz(struct http_request *req, struct http_response *res)
{
	(void)req;
	http_json(res, 200, json_pack("{s:s, s:s}", "status", "ok", "version", AIV_VERSION));
}

static void h_openapi(struct http_request *req, struct http_response *res)
{
	(void)req;
	http_json(res, 200, http_openapi());
}

static void h_whoami(struct http_request *req, struct http_response *res)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "name", req->token.name,
			      "role", role_name(req->token.role),
			      "via", req->via_cookie ? "cookie" : "bearer");

	if (req->token.agent[0])
		json_object_set_new(o, "agent", json_string(req->token.agent));
	http_json(res, 200, o);
}

/* ---- organisation: people, teams, initiatives ---- */

static void list_kind(struct http_request *req, struct http_response *res, const char *kind)
{
	struct aiv_err err = AIV_ERR_INIT;
	const struct kind_ops *k = apply_kind(kind);
	const char *name = http_param(req, "name");
	json_t *arr;

	if (!k) {
		http_error(res, 500, "kind '%s' is not registered", kind);
		return;
	}
	if (apply_get(req->store, k, name, &arr, &err)) {
		http_error_from(res, &err);
		return;
	}
	if (name) {
		json_t *one = json_incref(json_array_get(arr, 0));
		json_decref(arr);
		if (!one) {
			http_error(res, 404, "no %s named '%s'", k->singular, name);
			return;
		}
		http_json(res, 200, one);
		return;
	}
	http_json_list(res, arr);
}

static void h_people(struct http_request *req, struct http_response *res)
{
	list_kind(req, res, "Person");
}

static void h_teams(struct http_request *req, struct http_response *res)
{
	list_kind(req, res, "Team");
}

static void h_initiatives(struct http_request *req, struct http_response *res)
{
	list_kind(req, res, "Initiative");
}

/* ---- the value models (catalog) ---- */

static void h_models(struct http_request *req, struct http_response *res)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < req->cat->nmodels; i++)
		json_array_append_new(arr, catalog_model_json(req->cat, &req->cat->models[i]));
	http_json(res, 200, json_pack("{s:I, s:o}", "count", (json_int_t)req->cat->nmodels,
				      "items", arr));
}

static void h_model(struct http_request *req, struct http_response *res)
{
	const char *id = http_param(req, "id");
	const struct cat_model *m = catalog_model(req->cat, id);

	if (!m) {
		http_error(res, 404, "no value model '%s' (models: workforce, distribution, "
			   "expert, systems, process)", id);
		return;
	}
	http_json(res, 200, catalog_model_json(req->cat, m));
}

static void h_catalog(struct http_request *req, struct http_response *res)
{
	http_json(res, 200, catalog_to_json(req->cat));
}

/* ---- the ledger ---- */

static void h_audit_verify(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ledger_verify_result r;
	const char *expect = http_query(req, "expect_head");
	const char *state_q = http_query(req, "state");
	int check_state = !state_q || !strcmp(state_q, "1");
	struct ledger_state_report sr;
	char ehash[SHA256_HEX] = "";
	int64_t eseq = 0;
	json_t *o;

	if (expect && ledger_parse_head(expect, &eseq, ehash)) {
		http_error(res, 400, "expect_head must be SEQ:HASH (64 lowercase hex digits), "
			   "as /api/v1/audit/checkpoint gives it, not '%s'", expect);
		return;
	}
	if (state_q && strcmp(state_q, "0") && strcmp(state_q, "1")) {
		http_error(res, 400, "state must be 0 (the chain only) or 1 (the default: the "
			   "tables too), not '%s'", state_q);
		return;
	}
	memset(&sr, 0, sizeof(sr));
	if (ledger_verify(req->store, eseq, ehash, &r, &err) ||
	    /* the tables are compared with an intact ledger only, as the CLI does */
	    (r.ok && check_state && ledger_state_verify(req->store, &sr, &err))) {
		ledger_state_report_release(&sr);
		http_error_from(res, &err);
		return;
	}
	o = json_pack("{s:b, s:I, s:I, s:s}", "ok", r.ok && !sr.n, "entries",
		      (json_int_t)r.entries, "head_seq", (json_int_t)r.head_seq,
		      "head_hash", r.head_hash);
	if (!r.ok) {
		json_object_set_new(o, "bad_seq", json_integer(r.bad_seq));
		json_object_set_new(o, "reason", json_string(r.reason));
	}
	if (r.ok && check_state)
		json_object_set_new(o, "state", ledger_state_report_json(&sr));
	ledger_state_report_release(&sr);
	http_json(res, 200, o);
}

struct log_walk {
	json_t *arr;
	struct aiv_err *err;
};

/* ledger_walk callback; an unreadable payload stops the walk with err set. */
static int log_row(const struct ledger_row *r, void *data)
{
	struct log_walk *w = data;
	json_t *o = ledger_row_json(r, 1, w->err);

	if (!o)
		return w->err->code;
	json_array_append_new(w->arr, o);
	return 0;
}

static void h_audit_log(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *ls = http_query(req, "limit");
	const char *subject = http_query(req, "subject");
	const char *action = http_query(req, "action");
	long long limit = 50;
	json_t *arr;

	if (ls) {
		char *end;
		limit = strtoll(ls, &end, 10);
		if (!*ls || *end || limit < 1 || limit > AUDIT_LOG_MAX) {
			http_error(res, 400, "limit must be a whole number from 1 to %d, not '%s'",
				   AUDIT_LOG_MAX, ls);
			return;
		}
	}
	arr = json_array();
	if (ledger_walk(req->store, 1, 0, subject && *subject ? subject : NULL,
			action && *action ? action : NULL, 1, limit, log_row,
			&(struct log_walk){ arr, &err }, &err) || err.code) {
		json_decref(arr);
		http_error_from(res, &err);
		return;
	}
	http_json_list(res, arr);
}

static void h_audit_checkpoint(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	char hash[SHA256_HEX], cp[96];
	int64_t seq;

	if (ledger_head(req->store, &seq, hash, &err)) {
		http_error_from(res, &err);
		return;
	}
	snprintf(cp, sizeof(cp), "%lld:%s", (long long)seq, hash);
	http_json(res, 200, json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)seq, "hash", hash,
				      "checkpoint", cp));
}

/* ---- apply ---- */

static int truthy(const char *s)
{
	return s && (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "yes"));
}

static void h_apply(struct http_request *req, struct http_response *res)
{
	static const char *const source[] = { "request-body" };
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result r;
	const char *dr = http_query(req, "dry_run");
	int dry_run = truthy(dr);
	char actor[160];
	json_t *items;
	size_t i;

	if (dr && !dry_run && strcmp(dr, "0") && strcmp(dr, "false") && strcmp(dr, "no")) {
		http_error(res, 400, "dry_run must be 1 or 0, not '%s'", dr);
		return;
	}
	if (req->body_len == 0) {
		http_error(res, 400, "empty body: send YAML documents (kind, name, ...)");
		return;
	}
	snprintf(actor, sizeof(actor), "token:%s", req->token.name);
	if (apply_sources(req->store, req->cat, actor, source, 1, req->body, req->body_len,
			  dry_run, &r, &err)) {
		http_error_from(res, &err);
		return;
	}
	items = json_array();
	for (i = 0; i < r.n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "kind", r.items[i].kind,
				      "name", r.items[i].name, "op", r.items[i].op);
		if (r.items[i].seq)
			json_object_set_new(o, "ledger_seq", json_integer(r.items[i].seq));
		json_array_append_new(items, o);
	}
	http_json(res, 200, json_pack("{s:b, s:i, s:i, s:i, s:o}", "dry_run", dry_run,
				      "created", (int)r.created, "updated", (int)r.updated,
				      "unchanged", (int)r.unchanged, "items", items));
	apply_result_release(&r);
}

/* ---- Prometheus text ---- */

/* A cache's counters in Prometheus text: NAME{result="hit|miss|stored"}. */
static void cache_counter(struct strbuf *b, const char *name, const char *help,
			  const struct evidence_cache_stats *st)
{
	strbuf_addf(b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	strbuf_addf(b, "%s{result=\"hit\"} %llu\n", name, (unsigned long long)st->hits);
	strbuf_addf(b, "%s{result=\"miss\"} %llu\n", name, (unsigned long long)st->misses);
	strbuf_addf(b, "%s{result=\"stored\"} %llu\n", name, (unsigned long long)st->stored);
}

static void h_metrics(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct http_stats st;
	struct strbuf *b = &res->body;
	const struct kind_ops **kinds;
	size_t nk = apply_kinds(&kinds), i, j;
	char hash[SHA256_HEX];
	int64_t seq = 0;

	http_stats_snapshot(&st);
	if (ledger_head(req->store, &seq, hash, &err)) {
		http_error_from(res, &err);
		return;
	}
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	strbuf_addf(b, "# HELP aivalue_build_info Version of the running aivalue.\n"
		    "# TYPE aivalue_build_info gauge\n"
		    "aivalue_build_info{version=\"%s\",schema=\"%d\"} 1\n", AIV_VERSION,
		    store_schema_latest());
	strbuf_addf(b, "# HELP aivalue_start_time_seconds When the server started (Unix time).\n"
		    "# TYPE aivalue_start_time_seconds gauge\n"
		    "aivalue_start_time_seconds %lld\n", (long long)(st.started_us / 1000000));
	{
		struct evidence_cache_stats pc;
		playbook_cache_stats(&pc);
		cache_counter(b, "aivalue_playbook_cache_total", "Playbook computations served "
			      "from the cache (hit), started (miss) and finished into it (stored).", &pc);
		pages_cache_stats(&pc);
		cache_counter(b, "aivalue_page_cache_total", "Page bodies (/adoption, /journeys, "
			      "/logs, /logs/NAME, /stale, /value) served from the kept ones (hit), drawn (miss) and kept "
			      "(stored).", &pc);
		metric_summary_cache_stats(&pc);
		cache_counter(b, "aivalue_metric_summary_cache_total", "Metric summaries (the "
			      "scorecards, /metrics/ID, the metrics API) served from the kept ones (hit), "
			      "computed (miss) and kept (stored).", &pc);
		{
			uint64_t used, redone;
			playbook_side_stats(&used, &redone);
			strbuf_addf(b, "# HELP aivalue_playbook_side_total Playbook computations "
				    "whose independent loads ran on a second thread: their results "
				    "used, or redone on the computing thread (another store state).\n"
				    "# TYPE aivalue_playbook_side_total counter\n"
				    "aivalue_playbook_side_total{result=\"used\"} %llu\n"
				    "aivalue_playbook_side_total{result=\"redone\"} %llu\n",
				    (unsigned long long)used, (unsigned long long)redone);
		}
		{
			uint64_t inl, grp;
			http_control_decide_stats(&inl, &grp);
			strbuf_addf(b, "# HELP aivalue_decide_commits_total POST /api/v1/decide "
				    "requests committed on the thread that evaluated them (inline: "
				    "nothing else in flight) or in the writer's group commit (group).\n"
				    "# TYPE aivalue_decide_commits_total counter\n"
				    "aivalue_decide_commits_total{path=\"inline\"} %llu\n"
				    "aivalue_decide_commits_total{path=\"group\"} %llu\n",
				    (unsigned long long)inl, (unsigned long long)grp);
			strbuf_addf(b, "# HELP aivalue_decide_queued POST /api/v1/decide requests "
				    "waiting for the writer's next group commit.\n"
				    "# TYPE aivalue_decide_queued gauge\n"
				    "aivalue_decide_queued %u\n", http_control_decide_queued());
		}
		pages_control_readiness_stats(&pc);
		cache_counter(b, "aivalue_workflow_readiness_cache_total", "A workflow page's six "
			      "readiness figures served from the kept ones (hit), counted (miss) and "
			      "kept (stored).", &pc);
	}
	{
		int64_t mmap_bytes = 0, cache_kib = 0;
		/* this worker's connection; every one of the server's has the same (serve.c) */
		if (!store_memory(req->store, &mmap_bytes, &cache_kib))
			strbuf_addf(b, "# HELP aivalue_store_mmap_bytes How much of the SQLite file "
				    "a connection of this server maps into memory at most.\n"
				    "# TYPE aivalue_store_mmap_bytes gauge\n"
				    "aivalue_store_mmap_bytes %lld\n"
				    "# HELP aivalue_store_cache_bytes The page cache of a SQLite "
				    "connection of this server.\n"
				    "# TYPE aivalue_store_cache_bytes gauge\n"
				    "aivalue_store_cache_bytes %lld\n", (long long)mmap_bytes,
				    (long long)cache_kib * 1024);
	}
	strbuf_addstr(b, "# HELP aivalue_http_requests_total HTTP requests answered, by status.\n"
		      "# TYPE aivalue_http_requests_total counter\n");
	for (i = 1; i < 6; i++)
		for (j = 0; j < 100; j++)
			if (st.by_status[i][j])
				strbuf_addf(b, "aivalue_http_requests_total{code=\"%zu\"} %llu\n",
					    i * 100 + j, (unsigned long long)st.by_status[i][j]);
	strbuf_addf(b, "# HELP aivalue_http_request_duration_seconds_total Time spent answering.\n"
		    "# TYPE aivalue_http_request_duration_seconds_total counter\n"
		    "aivalue_http_request_duration_seconds_total %.6f\n",
		    (double)st.duration_us / 1e6);
	strbuf_addf(b, "# HELP aivalue_http_connections_open Connections open now.\n"
		    "# TYPE aivalue_http_connections_open gauge\n"
		    "aivalue_http_connections_open %llu\n"
		    "# HELP aivalue_http_connections_refused_total Connections refused: over the "
		    "per-address limit (per_ip), or a non-decide request on the reserved share "
		    "(reserved, answered 503).\n"
		    "# TYPE aivalue_http_connections_refused_total counter\n"
		    "aivalue_http_connections_refused_total{reason=\"per_ip\"} %llu\n"
		    "aivalue_http_connections_refused_total{reason=\"reserved\"} %llu\n"
		    "# HELP aivalue_http_connections_closed_total Connections the server closed: "
		    "head not complete by the header deadline (header_deadline), body or answer "
		    "late (request_deadline), idle ones evicted to make room (evicted) or closed "
		    "at a graceful stop (drained).\n"
		    "# TYPE aivalue_http_connections_closed_total counter\n"
		    "aivalue_http_connections_closed_total{reason=\"header_deadline\"} %llu\n"
		    "aivalue_http_connections_closed_total{reason=\"request_deadline\"} %llu\n"
		    "aivalue_http_connections_closed_total{reason=\"evicted\"} %llu\n"
		    "aivalue_http_connections_closed_total{reason=\"drained\"} %llu\n",
		    (unsigned long long)st.conns_open, (unsigned long long)st.conns_ip_refused,
		    (unsigned long long)st.conns_reserved_refused,
		    (unsigned long long)st.conns_head_timed_out,
		    (unsigned long long)st.conns_timed_out, (unsigned long long)st.conns_evicted,
		    (unsigned long long)st.conns_drained);
	strbuf_addf(b, "# HELP aivalue_ledger_head_seq Sequence number of the newest ledger entry.\n"
		    "# TYPE aivalue_ledger_head_seq gauge\n"
		    "aivalue_ledger_head_seq %lld\n", (long long)seq);
	strbuf_addstr(b, "# HELP aivalue_objects Objects in the workspace, by kind.\n"
		      "# TYPE aivalue_objects gauge\n");
	for (i = 0; i < nk; i++) {
		json_t *arr;
		if (apply_get(req->store, kinds[i], NULL, &arr, &err)) {
			strbuf_reset(b);
			http_error_from(res, &err);
			return;
		}
		strbuf_addf(b, "aivalue_objects{kind=\"%s\"} %zu\n", kinds[i]->kind,
			    json_array_size(arr));
		json_decref(arr);
	}
}

/* ---- the table ---- */

#define HUMANS ROLE_HUMANS
#define AUDIT (ROLE_ADMIN | ROLE_AUDITOR | ROLE_LEAD)

static const struct http_qparam q_verify[] = {
	{ "expect_head", "string", "SEQ:HASH from an earlier checkpoint; the entry must still exist" },
	{ "state", "integer", "1 (default): also compare the ledger-bound tables with the ledger, "
	  "as 'audit verify' does; 0: the chain only" },
	{ NULL, NULL, NULL },
};
static const struct http_qparam q_log[] = {
	{ "limit", "integer", "newest N entries, 1 to 1000 (default 50)" },
	{ "subject", "string", "only entries about this subject, e.g. Person/ana" },
	{ "action", "string", "only entries whose action starts with this, e.g. apply." },
	{ NULL, NULL, NULL },
};
static const struct http_qparam q_apply[] = {
	{ "dry_run", "boolean", "1: check and report what would change, change nothing" },
	{ NULL, NULL, NULL },
};

const struct http_route http_api_routes[] = {
	{ "GET", "/healthz", 0, R_PUBLIC | R_DOC, h_healthz,
	  "liveness: the server answers", "meta", NULL, NULL },
	{ "GET", "/metrics", HUMANS, R_DOC, h_metrics,
	  "Prometheus text: requests by status, ledger head, objects by kind", "meta", NULL,
	  "text/plain" },
	{ "GET", "/api/v1/openapi.json", 0, R_PUBLIC | R_DOC, h_openapi,
	  "this document", "meta", NULL, NULL },
	{ "GET", "/api/v1/whoami", HUMANS, R_DOC, h_whoami,
	  "the token's name and role", "meta", NULL, NULL },
	{ "GET", "/api/v1/people", HUMANS, R_DOC, h_people,
	  "list people", "organisation", NULL, NULL },
	{ "GET", "/api/v1/people/{name}", HUMANS, R_DOC, h_people,
	  "one person", "organisation", NULL, NULL },
	{ "GET", "/api/v1/teams", HUMANS, R_DOC, h_teams,
	  "list teams", "organisation", NULL, NULL },
	{ "GET", "/api/v1/teams/{name}", HUMANS, R_DOC, h_teams,
	  "one team", "organisation", NULL, NULL },
	{ "GET", "/api/v1/initiatives", HUMANS, R_DOC, h_initiatives,
	  "list AI initiatives", "organisation", NULL, NULL },
	{ "GET", "/api/v1/initiatives/{name}", HUMANS, R_DOC, h_initiatives,
	  "one AI initiative", "organisation", NULL, NULL },
	{ "GET", "/api/v1/catalog", HUMANS, R_DOC, h_catalog,
	  "the whole framework catalog: models, signals, phases, dimensions, industries",
	  "models", NULL, NULL },
	{ "GET", "/api/v1/models", HUMANS, R_DOC, h_models,
	  "the five value models with metrics, failure modes and leadership moves",
	  "models", NULL, NULL },
	{ "GET", "/api/v1/models/{id}", HUMANS, R_DOC, h_model,
	  "one value model", "models", NULL, NULL },
	{ "GET", "/api/v1/audit/verify", AUDIT, R_DOC, h_audit_verify,
	  "recompute the ledger's hash chain and compare the tables with it", "audit",
	  q_verify, NULL },
	{ "GET", "/api/v1/audit/log", AUDIT, R_DOC, h_audit_log,
	  "ledger entries, newest first", "audit", q_log, NULL },
	{ "GET", "/api/v1/audit/checkpoint", AUDIT, R_DOC, h_audit_checkpoint,
	  "the ledger head as SEQ:HASH, to keep elsewhere", "audit", NULL, NULL },
	{ "POST", "/api/v1/apply", ROLE_ADMIN, R_DOC | R_BODY, h_apply,
	  "apply YAML documents (as 'aivalue apply'), all or nothing", "configuration",
	  q_apply, NULL },
	HTTP_ROUTES_END,
};
