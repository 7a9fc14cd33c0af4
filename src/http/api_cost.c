/*
 * api_cost.c - the cost of AI over HTTP (issue 19, the spend side).
 *
 *   GET /api/v1/cost?by=tool|team|function|initiative|model|value-model|agent
 *                   &period=month&from=DATE&to=DATE
 *
 * The answer is the document `aivalue cost --json` prints: both call
 * cost_compute() and print its typed result with cost_json().
 *
 * Roles: admin, lead, analyst and auditor read spend; approvers, viewers
 * and agents do not (what the organisation pays for its tools is not for
 * every dashboard reader).  Deny by default: a role not listed is refused.
 */
#include <string.h>

#include "assess/cost.h"
#include "routes.h"

static void h_cost(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct cost_query q;
	struct cost_result r;

	if (cost_query_parse(&q, http_query(req, "by"), http_query(req, "period"),
			     http_query(req, "from"), http_query(req, "to"), &err)) {
		http_error(res, 400, "%s", err.msg);
		return;
	}
	if (cost_compute(req->store, &q, &r, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, cost_json(&r));
	cost_result_release(&r);
}

static const struct http_qparam q_cost[] = {
	{ "by", "string", "group by tool, team, function, initiative, model, value-model or "
	  "agent (default: one group)" },
	{ "period", "string", "month: one row per group and month" },
	{ "from", "string", "first day YYYY-MM-DD (default: the first day with data)" },
	{ "to", "string", "last day YYYY-MM-DD (default: the last day with data)" },
	{ NULL, NULL, NULL },
};

const struct http_route http_cost_routes[] = {
	{ "GET", "/api/v1/cost", ROLE_ADMIN | ROLE_LEAD | ROLE_ANALYST | ROLE_AUDITOR, R_DOC,
	  h_cost, "the cost of AI: seats, tokens and agent runtime priced from the PriceBook, "
	  "by group and month (as 'aivalue cost --json')", "money", q_cost, NULL },
	HTTP_ROUTES_END,
};
