/*
 * api_value.c - what proven effects are worth over HTTP (issue 19, the
 * value side).
 *
 *   GET /api/v1/value?period=month&at=DATE
 *   GET /api/v1/value?serve=LOG&cohort=ATTR&treatment=VALUE   cost to serve
 *
 * The answer is the document `aivalue value --json` prints: both call
 * value_compute() and print its typed result with value_json().  Without
 * period=month the by_month series are left out, as on the command line.
 *
 * Roles: those that read spend (api_cost.c), since ROI shows it; deny by
 * default.
 */
#include <string.h>

#include "assess/serve.h"
#include "assess/value.h"
#include "core/timeutil.h"
#include "routes.h"

static void h_value(struct http_request *req, struct http_response *res)
{
	const char *period = http_query(req, "period"), *at = http_query(req, "at");
	struct aiv_err err = AIV_ERR_INIT;
	struct value_report r;
	int64_t now = time_now_us(), at_us = now;
	json_t *j;

	if (http_query(req, "serve")) {
		struct serve_result sr;
		if (serve_compute(req->store, http_query(req, "serve"), http_query(req, "cohort"),
				  http_query(req, "treatment"), &sr, &err)) {
			http_error_from(res, &err);
			return;
		}
		http_json(res, 200, serve_json(&sr));
		serve_result_release(&sr);
		return;
	}
	if (period && strcmp(period, "month")) {
		http_error(res, 400, "'period' must be month, not '%s'", period);
		return;
	}
	if (at && (strlen(at) != 10 || time_parse_iso(at, &at_us))) {
		http_error(res, 400, "'at' must be a date YYYY-MM-DD, not '%s'", at);
		return;
	}
	if (value_compute(req->store, req->cat, now, at_us, &r, &err)) {
		http_error_from(res, &err);
		return;
	}
	j = value_json(&r);
	if (!period)
		json_object_del(j, "by_month");
	http_json(res, 200, j);
	value_report_release(&r);
}

static const struct http_qparam q_value[] = {
	{ "period", "string", "month: spend and realised value by month" },
	{ "at", "string", "unit values in force on this date YYYY-MM-DD (default: today)" },
	{ "serve", "string", "an event log: its cost to serve per case instead (as 'aivalue value "
	  "--serve LOG --json')" },
	{ "cohort", "string", "with serve: the case attribute marking AI-assisted cases" },
	{ "treatment", "string", "with serve: its value on AI-assisted cases" },
	{ NULL, NULL, NULL },
};

const struct http_route http_value_routes[] = {
	{ "GET", "/api/v1/value", ROLE_ADMIN | ROLE_LEAD | ROLE_ANALYST | ROLE_AUDITOR, R_DOC,
	  h_value, "what proven effects are worth a year, set against AI spend: ROI and "
	  "payback per initiative, with intervals (as 'aivalue value --json')", "money",
	  q_value, NULL },
	HTTP_ROUTES_END,
};
