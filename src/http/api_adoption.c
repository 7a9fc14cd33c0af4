/*
 * api_adoption.c - value models 1 and 2 over HTTP: adoption, journeys and
 * the usage identities that match no person.
 *
 *   GET /api/v1/adoption?by=role|team|function&period=week|month&as_of=DATE
 *   GET /api/v1/journeys
 *   GET /api/v1/identities/unmatched
 *
 * Each answer is the very document the CLI prints with --json: the
 * handlers call adoption_document(), journeys_report() and
 * identity_unmatched(), the functions `aivalue adoption --json`,
 * `aivalue journeys --json` and `aivalue identities unmatched --json`
 * call, so the two cannot drift.  The privacy floor is applied inside
 * the library: a group under it carries no figure here either.
 *
 * Roles: every human role reads (these are aggregate figures; groups
 * under the privacy floor are suppressed); agents read nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/identity.h"
#include "metrics/adoption.h"
#include "ingest/journeys_load.h"
#include "ingest/usage_load.h"
#include "metrics/journeys.h"
#include "routes.h"

/* The query's by/period/as_of, or a 400 in res (returns -1). */
static int adoption_query(struct http_request *req, struct http_response *res, int *by,
			  enum adoption_period *period, int32_t *as_of)
{
	const char *by_s = http_query(req, "by"), *period_s = http_query(req, "period");
	const char *as_of_s = http_query(req, "as_of");
	int i;

	*by = DIM_N;
	if (by_s) {
		for (i = 0; i < DIM_N; i++)
			if (!strcmp(by_s, adoption_dim_names[i]))
				*by = i;
		if (*by == DIM_N) {
			http_error(res, 400, "'by' must be role, team or function, not '%s'", by_s);
			return -1;
		}
	}
	*period = PERIOD_MONTH;
	if (period_s && !strcmp(period_s, "week")) {
		*period = PERIOD_WEEK;
	} else if (period_s && strcmp(period_s, "month")) {
		http_error(res, 400, "'period' must be week or month, not '%s'", period_s);
		return -1;
	}
	*as_of = 0;
	if (as_of_s && (*as_of = adoption_parse_day(as_of_s)) == INT32_MIN) {
		http_error(res, 400, "'as_of' must be a date YYYY-MM-DD, not '%s'", as_of_s);
		return -1;
	}
	return 0;
}

static void h_adoption(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	enum adoption_period period;
	int32_t as_of;
	json_t *doc;
	int by;

	if (adoption_query(req, res, &by, &period, &as_of))
		return;
	if (adoption_document(req->store, NULL, period, as_of, by, &doc, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, doc);
}

static void h_journeys(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	const char *env = getenv("AIVALUE_ADOPTION");
	json_t *rep, *finding;

	if (adoption_config_load(&cfg, env && *env ? env : NULL, &err) ||
	    journeys_report(req->store, &cfg, req->cat, &rep, &finding, &err)) {
		http_error_from(res, &err);
		return;
	}
	if (finding)
		json_object_set_new(rep, "finding", finding);
	http_json(res, 200, rep);
}

static void h_unmatched(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *arr;

	if (identity_unmatched(req->store, &arr, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json_list(res, arr);
}

static const struct http_qparam q_adoption[] = {
	{ "by", "string", "group figures by role, team or function (default: no groups)" },
	{ "period", "string", "active people per week or month (default month)" },
	{ "as_of", "string", "reporting day YYYY-MM-DD (default: the last day with usage)" },
	{ NULL, NULL, NULL },
};

const struct http_route http_adoption_routes[] = {
	{ "GET", "/api/v1/adoption", ROLE_HUMANS, R_DOC, h_adoption,
	  "value model 1: repeat use, proficiency, concentration, cohorts, workflows "
	  "(as 'aivalue adoption --json')", "adoption", q_adoption, NULL },
	{ "GET", "/api/v1/journeys", ROLE_HUMANS, R_DOC, h_journeys,
	  "value model 2: journey metrics per channel and the volume-over-credibility test "
	  "(as 'aivalue journeys --json')", "adoption", NULL, NULL },
	{ "GET", "/api/v1/identities/unmatched", ROLE_HUMANS, R_DOC, h_unmatched,
	  "usage identities that match no person, most rows first", "adoption", NULL, NULL },
	HTTP_ROUTES_END,
};
