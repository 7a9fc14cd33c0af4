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
#include "metrics/adoption.h"
#include "routes.h"

/* The query as a cost_query, or a 400 in res (returns -1). */
static int cost_query_parse(struct http_request *req, struct http_response *res,
			    struct cost_query *q)
{
	const char *by = http_query(req, "by"), *period = http_query(req, "period");
	const char *from = http_query(req, "from"), *to = http_query(req, "to");
	int dim;

	memset(q, 0, sizeof(*q));
	if (by) {
		if ((dim = cost_dim_parse(by)) <= COST_BY_NONE) {
			http_error(res, 400, "'by' must be tool, team, function, initiative, model, "
				   "value-model or agent, not '%s'", by);
			return -1;
		}
		q->by = (enum cost_dim)dim;
	}
	if (period && strcmp(period, "month")) {
		http_error(res, 400, "'period' must be month, not '%s'", period);
		return -1;
	}
	q->by_month = period != NULL;
	if (from && (q->from_day = adoption_parse_day(from)) == INT32_MIN) {
		http_error(res, 400, "'from' must be a date YYYY-MM-DD, not '%s'", from);
		return -1;
	}
	if (to && (q->to_day = adoption_parse_day(to)) == INT32_MIN) {
		http_error(res, 400, "'to' must be a date YYYY-MM-DD, not '%s'", to);
		return -1;
	}
	return 0;
}

static void h_cost(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct cost_query q;
	struct cost_result r;

	if (cost_query_parse(req, res, &q))
		return;
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
