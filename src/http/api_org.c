/*
 * api_org.c - the organisation from the directory over HTTP (issue 21).
 *
 *   POST /api/v1/org/import?format=entra-users|okta-users|scim|csv
 *                          &date=YYYY-MM-DD&dry_run=1
 *
 * The body is the export itself (one Graph /users page or array, an Okta
 * users list, a SCIM ListResponse, or an HR CSV).  The answer is the
 * accounting `aivalue import org --json` prints: both call org_import()
 * and print its typed result with org_result_json().  The mapping file
 * (titles to roles, departments to teams) is the server's: `aivalue
 * serve --org-map FILE`; without it the built-in defaults apply, as for
 * `import org` without --map.
 *
 * Roles: admin only (it writes people, teams and identities).  Deny by
 * default: every other role is refused.
 */
#include <string.h>

#include "core/cjson.h"
#include "ingest/org_import.h"
#include "routes.h"

static const char *org_map_path; /* set once before the server starts */

void http_org_set_map(const char *path)
{
	org_map_path = path;
}

static void h_org_import(struct http_request *req, struct http_response *res)
{
	static const char *const name[] = { "request-body" };
	struct aiv_err err = AIV_ERR_INIT;
	struct org_import_opts o;
	struct org_result r;
	const char *dr = http_query(req, "dry_run"), *format = http_query(req, "format");
	char actor[160];

	memset(&o, 0, sizeof(o));
	if (dr && strcmp(dr, "1") && strcmp(dr, "0") && strcmp(dr, "true") &&
	    strcmp(dr, "false")) {
		http_error(res, 400, "dry_run must be 1 or 0, not '%s'", dr);
		return;
	}
	if (!format) {
		http_error(res, 400, "format is required: entra-users, okta-users, scim or csv");
		return;
	}
	if (req->body_len == 0) {
		http_error(res, 400, "empty body: send the directory's export");
		return;
	}
	o.format = format;
	o.paths = name;
	o.npaths = 1;
	o.body = req->body;
	o.body_len = req->body_len;
	o.map = org_map_path;
	o.date = http_query(req, "date");
	o.dry_run = dr && (!strcmp(dr, "1") || !strcmp(dr, "true"));
	snprintf(actor, sizeof(actor), "token:%s", req->token.name);
	if (org_import(req->store, req->cat, actor, &o, &r, &err)) {
		org_result_release(&r);
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, org_result_json(&r));
	org_result_release(&r);
}

static const struct http_qparam q_org_import[] = {
	{ "format", "string", "entra-users, okta-users, scim or csv (required)" },
	{ "date", "string", "YYYY-MM-DD the leavers leave on (default: today, UTC)" },
	{ "dry_run", "boolean", "1: report the difference, change nothing" },
	{ NULL, NULL, NULL },
};

const struct http_route http_org_routes[] = {
	{ "POST", "/api/v1/org/import", ROLE_ADMIN, R_DOC | R_BODY | R_BODY_DATA, h_org_import,
	  "sync people and teams from a directory export in the body (as 'aivalue import org"
	  " --json'): joiners, movers, leavers, team updates, all or nothing",
	  "organisation", q_org_import, NULL },
	HTTP_ROUTES_END,
};
