/*
 * api_process.c - the event-log API under /api/v1/logs: the list of
 * imported logs, a log's process figures, a cohort comparison and the
 * directly-follows graph.  Each handler loads the log and calls the same
 * functions as `aivalue logs`, `process stats` and `process compare`
 * (report/process_json.h), so the JSON is the CLI's --json output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/logstore.h"
#include "metrics/process.h"
#include "report/process_json.h"
#include "routes.h"

#define TOP_MAX 1000
#define REPS_MAX 20000 /* bootstrap resamples: the server caps the work per request */

/* Load the log named by the path into l (initialised here); else answer. */
static int load_log(struct http_request *req, struct http_response *res, struct eventlog *l)
{
	struct aiv_err err = AIV_ERR_INIT;

	eventlog_init(l);
	if (logstore_load(req->store, http_param(req, "name"), l, &err)) {
		eventlog_release(l);
		http_error_from(res, &err);
		return -1;
	}
	return 0;
}

static void h_logs(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct logstore_info *v;
	size_t nv, i;
	json_t *arr;

	if (logstore_list(req->store, &v, &nv, &err)) {
		http_error_from(res, &err);
		return;
	}
	arr = json_array();
	for (i = 0; i < nv; i++)
		json_array_append_new(arr, pjson_log_info(&v[i]));
	logstore_info_free(v, nv);
	http_json(res, 200, json_pack("{s:I, s:o}", "count", (json_int_t)nv, "items", arr));
}

static void h_log_stats(struct http_request *req, struct http_response *res)
{
	struct eventlog l;
	struct process_stats ps;
	long long top = 10;
	json_t *o;

	if (http_query_int(req, res, "top", 1, TOP_MAX, &top) || load_log(req, res, &l))
		return;
	process_stats_compute(&l, NULL, &ps);
	o = pjson_stats(&l, &ps, (size_t)top);
	json_object_set_new(o, "log", json_string(http_param(req, "name")));
	http_json(res, 200, o);
	process_stats_release(&ps);
	eventlog_release(&l);
}

static void h_log_compare(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *by = http_query(req, "by"), *before = http_query(req, "before");
	const char *value = http_query(req, "value");
	long long seed = 20261125, reps = 2000;
	struct pjson_cohorts co;
	struct eventlog l;

	if ((by && !*by) || (before && !*before) || !by == !before) {
		http_error(res, 400, "give exactly one of the query parameters 'by' (a case "
			   "attribute) and 'before' (a date)");
		return;
	}
	if (value && !by) {
		http_error(res, 400, "query parameter 'value' goes with 'by'");
		return;
	}
	if (http_query_int(req, res, "seed", 0, (long long)1 << 62, &seed) ||
	    http_query_int(req, res, "reps", 100, REPS_MAX, &reps) || load_log(req, res, &l))
		return;
	if (pjson_cohorts_compute(&l, http_param(req, "name"), by, value, before, reps, seed,
				  &co, &err))
		http_error_from(res, &err);
	else
		http_json(res, 200, pjson_compare(&co, http_param(req, "name"), by, before));
	pjson_cohorts_release(&co);
	eventlog_release(&l);
}

static void h_log_dfg(struct http_request *req, struct http_response *res)
{
	const char *format = http_query(req, "format");
	struct process_stats ps;
	struct eventlog l;

	if (format && strcmp(format, "dot") && strcmp(format, "json")) {
		http_error(res, 400, "query parameter 'format' is 'dot' or 'json', not '%s'", format);
		return;
	}
	if (load_log(req, res, &l))
		return;
	process_stats_compute(&l, NULL, &ps);
	if (format && !strcmp(format, "dot")) {
		res->status = 200;
		res->content_type = "text/vnd.graphviz; charset=utf-8";
		pjson_dfg_dot(&res->body, http_param(req, "name"), &l, &ps);
	} else {
		json_t *all = pjson_stats(&l, &ps, 1);
		json_t *dfg = json_incref(json_object_get(all, "dfg"));
		json_object_set_new(dfg, "log", json_string(http_param(req, "name")));
		json_decref(all);
		http_json(res, 200, dfg);
	}
	process_stats_release(&ps);
	eventlog_release(&l);
}

static const struct http_qparam q_stats[] = {
	{ "top", "integer", "rows in the top lists (variants, handovers), 1 to 1000 (default 10)" },
	{ NULL, NULL, NULL },
};
static const struct http_qparam q_compare[] = {
	{ "by", "string", "split cases by this case attribute (two values, or see 'value')" },
	{ "value", "string", "with 'by': cohort B is this value, A every other value" },
	{ "before", "string", "split cases by first event before / on or after this date" },
	{ "seed", "integer", "bootstrap seed (default 20261125)" },
	{ "reps", "integer", "bootstrap resamples, 100 to 20000 (default 2000)" },
	{ NULL, NULL, NULL },
};
static const struct http_qparam q_dfg[] = {
	{ "format", "string", "'json' (default): edges, start, end; 'dot': Graphviz text" },
	{ NULL, NULL, NULL },
};

/* Event logs are read by every human role. */
const struct http_route http_process_routes[] = {
	{ "GET", "/api/v1/logs", ROLE_HUMANS, R_DOC, h_logs,
	  "imported event logs (as 'aivalue logs --json')", "process", NULL, NULL },
	{ "GET", "/api/v1/logs/{name}", ROLE_HUMANS, R_DOC, h_log_stats,
	  "process figures of a log (as 'aivalue process stats LOG --json')", "process",
	  q_stats, NULL },
	{ "GET", "/api/v1/logs/{name}/compare", ROLE_HUMANS, R_DOC, h_log_compare,
	  "two cohorts of a log compared (as 'aivalue process compare LOG --json')", "process",
	  q_compare, NULL },
	{ "GET", "/api/v1/logs/{name}/dfg", ROLE_HUMANS, R_DOC, h_log_dfg,
	  "the directly-follows graph as JSON or Graphviz", "process", q_dfg, NULL },
	HTTP_ROUTES_END,
};
