/*
 * api_metrics.c - metric history over HTTP.
 *
 *   GET /api/v1/metrics                       every catalog metric now
 *   GET /api/v1/metrics/{id}                  value, unit, target, status, trend, definition
 *   GET /api/v1/metrics/{id}/series?period=week|month&by=role|team|function|workflow
 *
 * Each answer is the document `aivalue metrics list|show|history --json`
 * prints: both call assess/series.h (metric_summary_get,
 * metric_series_get) and its JSON printers, so the two cannot drift.
 * Reads only: a stale stored series is computed in memory, never written.
 *
 * Roles: every human role reads (aggregate figures; groups under the
 * privacy floor carry no figure); agents read nothing.
 */
#include <string.h>

#include "assess/series.h"
#include "core/timeutil.h"
#include "routes.h"

static void h_metrics(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < req->cat->nmetrics; i++) {
		struct metric_summary m;
		if (metric_summary_get(req->store, req->cat, req->cat->metrics[i].id, time_now_us(),
				       &m, &err)) {
			metric_summary_release(&m);
			json_decref(arr);
			http_error_from(res, &err);
			return;
		}
		json_array_append_new(arr, metric_summary_json(&m));
		metric_summary_release(&m);
	}
	http_json_flags(res, 200, arr, METRIC_JSON_FLAGS);
}

static void h_metric(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct metric_summary m;

	if (metric_summary_get(req->store, req->cat, http_param(req, "id"), time_now_us(), &m,
			       &err)) {
		metric_summary_release(&m);
		http_error_from(res, &err);
		return;
	}
	http_json_flags(res, 200, metric_summary_json(&m), METRIC_JSON_FLAGS);
	metric_summary_release(&m);
}

static void h_series(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *period_s = http_query(req, "period"), *by_s = http_query(req, "by");
	enum series_period period = SERIES_MONTH;
	enum series_by by = SERIES_BY_NONE;
	struct metric_series ms;

	if (period_s && series_period_parse(period_s, &period)) {
		http_error(res, 400, "'period' must be week or month, not '%s'", period_s);
		return;
	}
	if (by_s && series_by_parse(by_s, &by)) {
		http_error(res, 400, "'by' must be role, team, function or workflow, not '%s'", by_s);
		return;
	}
	if (metric_series_get(req->store, req->cat, http_param(req, "id"), period, by,
			      time_now_us(), &ms, &err)) {
		metric_series_release(&ms);
		http_error_from(res, &err);
		return;
	}
	http_json_flags(res, 200, metric_series_json(&ms), METRIC_JSON_FLAGS);
	metric_series_release(&ms);
}

static const struct http_qparam q_series[] = {
	{ "period", "string", "week or month (default month)" },
	{ "by", "string", "role, team, function or workflow (default: the whole organisation)" },
	{ NULL, NULL, NULL },
};

const struct http_route http_metrics_routes[] = {
	{ "GET", "/api/v1/metrics", ROLE_HUMANS, R_DOC, h_metrics,
	  "every catalog metric now: value, unit, target, status, change, trend "
	  "(as 'aivalue metrics list --json')", "metrics", NULL, NULL },
	{ "GET", "/api/v1/metrics/{id}", ROLE_HUMANS, R_DOC, h_metric,
	  "one metric: value, unit, target, status, change, trend, monthly values, definition "
	  "(as 'aivalue metrics show ID --json')", "metrics", NULL, NULL },
	{ "GET", "/api/v1/metrics/{id}/series", ROLE_HUMANS, R_DOC, h_series,
	  "one metric's weekly or monthly series with status, change and trend "
	  "(as 'aivalue metrics history ID --json')", "metrics", q_series, NULL },
	HTTP_ROUTES_END,
};
