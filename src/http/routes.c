/*
 * routes.c - the route tables and route matching; see routes.h.  The
 * other steps of a request live beside it: authentication (auth.c),
 * authorisation (authz.c), the OpenAPI document (openapi.c) and the
 * response helpers (response.c).
 *
 * A request goes through the same steps whatever its route:
 *
 *   match path      no pattern matches            -> 404 JSON
 *                   pattern matches, method not    -> 405 JSON + Allow
 *   authenticate    public route                  -> handler
 *                   no or invalid credential       -> 401 JSON (pages: 303 /login)
 *   authorise       role bit not in route->roles  -> 403 JSON (pages: 403 HTML)
 *   handler         fills the response
 *
 * The OpenAPI document is generated from the same tables at run time, so
 * every documented operation exists and every API route is documented.
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

/* Every module's routes; a new module adds one line here. */
const struct http_route *const http_route_tables[] = {
	http_api_routes,
	http_page_routes,
	http_adoption_routes, http_adoption_page_routes,
	http_playbook_routes, http_playbook_page_routes,
	http_change_routes, http_change_page_routes,
	http_process_routes, http_process_page_routes,
	http_control_routes,
	http_metrics_routes, http_metrics_page_routes,
	http_cost_routes,
	http_value_routes, http_value_page_routes,
	http_org_routes,
	NULL,
};

/*
 * Tables a later layer adds at start-up (the MCP gateway's /mcp): matched
 * after the built-in ones.  Set before the server starts, read-only after.
 */
#define HTTP_EXTRA_TABLES 4
static const struct http_route *extra_tables[HTTP_EXTRA_TABLES];

int http_routes_add(const struct http_route *table)
{
	size_t i;

	for (i = 0; i < HTTP_EXTRA_TABLES; i++) {
		if (extra_tables[i] == table)
			return 0;
		if (!extra_tables[i]) {
			extra_tables[i] = table;
			return 0;
		}
	}
	return -1;
}

/* The i-th route table: the built-in ones, then the added ones; NULL past the end. */
static const struct http_route *table_at(size_t i)
{
	static const size_t nbuiltin = sizeof(http_route_tables) / sizeof(http_route_tables[0]) - 1;

	if (i < nbuiltin)
		return http_route_tables[i];
	i -= nbuiltin;
	return i < HTTP_EXTRA_TABLES ? extra_tables[i] : NULL;
}

/* ---- matching ---- */

/*
 * Match `path` against `pattern` segment by segment; {x} takes one
 * non-empty segment.  On success the captured values are stored in req
 * (when req is not NULL).
 */
static int pattern_match(const char *pattern, const char *path, struct http_request *req)
{
	const char *p = pattern, *s = path;
	size_t n = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = strchr(s, '/');
			size_t slen = se ? (size_t)(se - s) : strlen(s);

			/* names are UTF-8: a segment that is not names nothing
			 * (and PostgreSQL refuses to compare with it) */
			if (!pe || slen == 0 || n >= HTTP_MAX_PARAMS || !http_utf8_valid(s, slen))
				break; /* *p is '{': no match, captures freed below */
			if (req)
				req->param_values[n] = xstrndup(s, slen);
			n++;
			p = pe + 1;
			s += slen;
			continue;
		}
		if (*p != *s)
			break; /* free what was captured below */
		p++;
		s++;
	}
	if (*p || *s)
		goto fail;
	if (req)
		req->nparams = n;
	return 1;
fail:
	if (req) {
		size_t i;
		for (i = 0; i < n; i++) {
			free(req->param_values[i]);
			req->param_values[i] = NULL;
		}
	}
	return 0;
}

/* Names of the {params} of a pattern, in order, into caller's `names`. */
size_t http_pattern_params(const char *pattern, char names[][64], size_t cap)
{
	size_t n = 0;
	const char *p = pattern;

	while ((p = strchr(p, '{')) && n < cap) {
		const char *e = strchr(p, '}');
		size_t len;
		if (!e)
			break;
		len = (size_t)(e - p - 1);
		if (len >= 64)
			len = 63;
		memcpy(names[n], p + 1, len);
		names[n][len] = '\0';
		n++;
		p = e + 1;
	}
	return n;
}

/*
 * Every request walks the route tables, so the first byte is compared
 * before any strcmp: two calls per route were 2% of the server's CPU
 * under POST /api/v1/decide (docs/performance.md, "HTTP decide").
 */
static int method_matches(const char *route_method, const char *method)
{
	if (route_method[0] == method[0] && !strcmp(route_method, method))
		return 1;
	return method[0] == 'H' && route_method[0] == 'G' && !strcmp(method, "HEAD") &&
	       !strcmp(route_method, "GET");
}

const struct http_route *http_route_match(struct http_request *req,
					  const char *method, const char *path,
					  int *path_known, struct strbuf *allow)
{
	const struct http_route *t, *r;
	size_t ti;

	*path_known = 0;
	for (ti = 0; (t = table_at(ti)); ti++) {
		for (r = t; r->method; r++) {
			if (!method_matches(r->method, method) || !pattern_match(r->pattern, path, req))
				continue;
			if (req)
				req->route = r;
			*path_known = 1;
			return r;
		}
	}
	for (ti = 0; (t = table_at(ti)); ti++) {
		for (r = t; r->method; r++) {
			if (!pattern_match(r->pattern, path, NULL))
				continue;
			if (allow && !(*path_known && strstr(allow->buf, r->method))) {
				if (allow->len)
					strbuf_addstr(allow, ", ");
				strbuf_addstr(allow, r->method);
				if (!strcmp(r->method, "GET"))
					strbuf_addstr(allow, ", HEAD");
			}
			*path_known = 1;
		}
	}
	return NULL;
}

const char *http_param(const struct http_request *req, const char *name)
{
	char names[HTTP_MAX_PARAMS][64];
	size_t n, i;

	if (!req->route)
		return NULL;
	n = http_pattern_params(req->route->pattern, names, HTTP_MAX_PARAMS);
	for (i = 0; i < n && i < req->nparams; i++)
		if (!strcmp(names[i], name))
			return req->param_values[i];
	return NULL;
}

void http_request_release(struct http_request *req)
{
	size_t i;

	for (i = 0; i < HTTP_MAX_PARAMS; i++) {
		free(req->param_values[i]);
		req->param_values[i] = NULL;
	}
	req->nparams = 0;
}
