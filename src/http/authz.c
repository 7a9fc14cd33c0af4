/*
 * authz.c - authorisation: the role table and the check every request
 * passes before its handler (deny by default: 401 without a credential,
 * 403 when the token's role is not among the route's roles).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cjson.h"
#include "routes.h"
#include "routes_int.h"

/* Every role, in the order documents list them. */
static const enum role all_roles[] = { ROLE_ADMIN, ROLE_LEAD, ROLE_ANALYST, ROLE_APPROVER,
				       ROLE_AUDITOR, ROLE_VIEWER, ROLE_AGENT };

json_t *http_roles_json(unsigned roles)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all_roles); i++)
		if (roles & (unsigned)all_roles[i])
			json_array_append_new(a, json_string(role_name(all_roles[i])));
	return a;
}

void http_dispatch(struct http_request *req, struct http_response *res)
{
	const struct http_route *r = req->route;

	if (!(r->flags & R_PUBLIC)) {
		if (!req->authenticated && req->auth_unavailable) {
			http_error(res, 503, "cannot check the credential now: %s",
				   req->unavailable_why);
			return;
		}
		if (!req->authenticated) {
			if (r->flags & R_PAGE) {
				http_page_refuse(req, res, 401, NULL);
				return;
			}
			http_header_add(res, "WWW-Authenticate",
					req->bad_credential
					? "Bearer realm=\"aivalue\", error=\"invalid_token\""
					: "Bearer realm=\"aivalue\"");
			http_error(res, 401, req->bad_credential
				   ? "invalid, revoked or expired token"
				   : "authentication required: send 'Authorization: Bearer TOKEN'"
				     " (create one with 'aivalue token create')");
			return;
		}
		if (!(r->roles & (unsigned)req->token.role)) {
			if (r->flags & R_PAGE) {
				http_page_refuse(req, res, 403, "your role may not see this page");
				return;
			}
			http_error(res, 403, "role '%s' may not %s %s", role_name(req->token.role),
				   r->method, r->pattern);
			return;
		}
	}
	r->fn(req, res);
}
