/*
 * routes.c - route matching, authentication, authorisation, the OpenAPI
 * document and the response helpers; see routes.h.
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

/* Every module's routes; a new module adds one line here. */
const struct http_route *const http_route_tables[] = {
	http_api_routes,
	http_page_routes,
	http_adoption_routes, http_adoption_page_routes,
	http_playbook_routes, http_playbook_page_routes,
	http_change_routes, http_change_page_routes,
	http_process_routes, http_process_page_routes,
	http_control_routes,
	NULL,
};

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

			if (!pe || slen == 0 || n >= HTTP_MAX_PARAMS)
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
static size_t pattern_params(const char *pattern, char names[][64], size_t cap)
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

static int method_matches(const char *route_method, const char *method)
{
	if (!strcmp(route_method, method))
		return 1;
	return !strcmp(route_method, "GET") && !strcmp(method, "HEAD");
}

const struct http_route *http_route_match(struct http_request *req,
					  const char *method, const char *path,
					  int *path_known, struct strbuf *allow)
{
	const struct http_route *const *t;
	const struct http_route *r;

	*path_known = 0;
	for (t = http_route_tables; *t; t++) {
		for (r = *t; r->method; r++) {
			if (!method_matches(r->method, method) || !pattern_match(r->pattern, path, req))
				continue;
			if (req)
				req->route = r;
			*path_known = 1;
			return r;
		}
	}
	for (t = http_route_tables; *t; t++) {
		for (r = *t; r->method; r++) {
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
	n = pattern_params(req->route->pattern, names, HTTP_MAX_PARAMS);
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

/* ---- authentication and dispatch ---- */

void http_authenticate(struct http_request *req, const char *authorization,
		       const char *session_cookie)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *secret = NULL;
	int safe = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");

	req->authenticated = 0;
	req->via_cookie = 0;
	req->bad_credential = 0;
	req->session = NULL;
	if (authorization && *authorization) {
		/* RFC 9110 11.1: the scheme is case-insensitive */
		if (strncasecmp(authorization, "Bearer", 6) ||
		    (authorization[6] != ' ' && authorization[6] != '\t')) {
			req->bad_credential = 1;
			return;
		}
		secret = authorization + 7;
		while (*secret == ' ' || *secret == '\t')
			secret++;
		if (!req->store || token_check_cached(req->store, secret, &req->token, &err)) {
			req->bad_credential = 1;
			return;
		}
		req->authenticated = 1;
		return;
	}
	if (!session_cookie || !*session_cookie || !safe)
		return;
	req->session = session_cookie;
	if (!req->store || session_check(req->store, session_cookie, &req->token, &err)) {
		req->bad_credential = 1;
		return;
	}
	req->via_cookie = 1;
	req->authenticated = 1;
}

/* The host[:port] of an absolute http(s) URL in out (lowercase); -1 if none. */
static int url_authority(const char *url, int tls, char *out, size_t cap)
{
	const char *p, *end;
	size_t i, n;

	if (!strncasecmp(url, "https://", 8))
		p = url + 8;
	else if (!tls && !strncasecmp(url, "http://", 7))
		p = url + 7;
	else
		return -1;
	end = p + strcspn(p, "/?#");
	n = (size_t)(end - p);
	if (!n || n >= cap || memchr(p, '@', n))
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
	out[n] = '\0';
	return 0;
}

int http_same_origin(const struct http_request *req)
{
	const char *origin = http_req_header(req, "Origin");
	const char *referer = http_req_header(req, "Referer");
	const char *host = http_req_header(req, "Host");
	const char *from = origin ? origin : referer;
	char a[256];
	size_t i, n;

	if (!from || !host || url_authority(from, req->tls, a, sizeof(a)))
		return 0;
	n = strlen(host);
	if (n != strlen(a))
		return 0;
	for (i = 0; i < n; i++)
		if ((host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]) != a[i])
			return 0;
	return 1;
}

int http_query_int(struct http_request *req, struct http_response *res, const char *name,
		   long long min, long long max, long long *v)
{
	const char *q = http_query(req, name);
	long long x;
	char *end;

	if (!q)
		return 0;
	errno = 0;
	x = strtoll(q, &end, 10);
	/* digits only (strtoll would take spaces and a sign), no overflow */
	if (!*q || strspn(q, "-0123456789") != strlen(q) || *end || errno == ERANGE ||
	    x < min || x > max) {
		http_error(res, 400, "%s '%s' is not a whole number from %lld to %lld", name, q,
			   min, max);
		return -1;
	}
	*v = x;
	return 0;
}

void http_dispatch(struct http_request *req, struct http_response *res)
{
	const struct http_route *r = req->route;

	if (!(r->flags & R_PUBLIC)) {
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

/* ---- OpenAPI ---- */

static json_t *roles_json(unsigned roles)
{
	static const enum role all[] = { ROLE_ADMIN, ROLE_LEAD, ROLE_ANALYST, ROLE_APPROVER,
					 ROLE_AUDITOR, ROLE_VIEWER, ROLE_AGENT };
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (roles & (unsigned)all[i])
			json_array_append_new(a, json_string(role_name(all[i])));
	return a;
}

static json_t *error_response(const char *description)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description,
			 "content", "application/json", "schema", "$ref",
			 "#/components/schemas/Error");
}

static json_t *operation_json(const struct http_route *r)
{
	char names[HTTP_MAX_PARAMS][64];
	size_t n = pattern_params(r->pattern, names, HTTP_MAX_PARAMS), i;
	json_t *op = json_object(), *params = json_array(), *responses = json_object();
	const char *ctype = r->ctype ? r->ctype : "application/json";
	struct strbuf id = STRBUF_INIT;
	const char *p;

	/* operationId: get_api_v1_people_name */
	for (p = r->method; *p; p++)
		strbuf_addch(&id, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (p = r->pattern; *p; p++) {
		if (*p == '/' || *p == '.' || *p == '-')
			strbuf_addch(&id, '_');
		else if (*p != '{' && *p != '}')
			strbuf_addch(&id, *p);
	}
	json_object_set_new(op, "operationId", json_string(id.buf));
	strbuf_release(&id);
	json_object_set_new(op, "summary", json_string(r->summary));
	json_object_set_new(op, "tags", json_pack("[s]", r->tag));
	for (i = 0; i < n; i++)
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}",
			"name", names[i], "in", "path", "required", 1, "schema", "type", "string"));
	for (i = 0; r->query && r->query[i].name; i++)
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}",
			"name", r->query[i].name, "in", "query", "required", 0,
			"description", r->query[i].description, "schema", "type", r->query[i].type));
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (r->flags & R_BODY)
		json_object_set_new(op, "requestBody", json_pack(
			"{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content", "application/yaml",
			"schema", "type", "string"));
	json_object_set_new(responses, "200", json_pack("{s:s, s:{s:{s:{}}}}",
		"description", "success", "content", ctype, "schema"));
	if ((r->flags & R_BODY) || r->query)
		json_object_set_new(responses, "400", error_response("bad request"));
	if (!(r->flags & R_PUBLIC)) {
		json_object_set_new(responses, "401", error_response("no valid token"));
		json_object_set_new(responses, "403", error_response("role not allowed"));
	}
	if (n)
		json_object_set_new(responses, "404", error_response("no such object"));
	if (r->flags & R_BODY)
		json_object_set_new(responses, "413", error_response("request body too large"));
	json_object_set_new(op, "responses", responses);
	json_object_set_new(op, "security", (r->flags & R_PUBLIC) ? json_array()
			    : json_pack("[{s:[]}]", "bearerAuth"));
	json_object_set_new(op, "x-roles", roles_json((r->flags & R_PUBLIC) ? ROLE_ALL : r->roles));
	if (r->flags & R_PUBLIC)
		json_object_set_new(op, "x-public", json_true());
	return op;
}

json_t *http_openapi(void)
{
	const struct http_route *const *t;
	const struct http_route *r;
	json_t *paths = json_object(), *doc;

	for (t = http_route_tables; *t; t++) {
		for (r = *t; r->method; r++) {
			json_t *item;
			char method[16];
			size_t i;

			if (!(r->flags & R_DOC))
				continue;
			item = json_object_get(paths, r->pattern);
			if (!item) {
				item = json_object();
				json_object_set_new(paths, r->pattern, item);
			}
			for (i = 0; r->method[i] && i < sizeof(method) - 1; i++)
				method[i] = (char)(r->method[i] >= 'A' && r->method[i] <= 'Z'
						   ? r->method[i] + 32 : r->method[i]);
			method[i] = '\0';
			json_object_set_new(item, method, operation_json(r));
		}
	}
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o}",
		"openapi", "3.0.3",
		"info", "title", "aivalue API", "version", AIV_VERSION,
		"description", "Read the organisation, the value models and the ledger;"
		" apply declarative configuration.  Every operation but the public ones"
		" needs 'Authorization: Bearer TOKEN'; x-roles lists the roles allowed.",
		"paths", paths);
	json_object_set_new(doc, "components", json_pack(
		"{s:{s:{s:s, s:s, s:s}}, s:{s:{s:s, s:[s], s:{s:{s:s, s:[s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}}}",
		"securitySchemes", "bearerAuth", "type", "http", "scheme", "bearer",
		"description", "a token from 'aivalue token create'",
		"schemas", "Error", "type", "object", "required", "error",
		"properties", "error", "type", "object", "required", "status", "code", "message",
		"properties", "status", "type", "integer", "code", "type", "string",
		"message", "type", "string"));
	json_object_set_new(doc, "security", json_pack("[{s:[]}]", "bearerAuth"));
	return doc;
}

/* ---- responses ---- */

void http_response_init(struct http_response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
	res->content_type = "application/json";
	strbuf_init(&res->body, 0);
}

void http_response_release(struct http_response *res)
{
	size_t i;

	strbuf_release(&res->body);
	for (i = 0; i < res->nheaders; i++) {
		free(res->header_names[i]);
		free(res->header_values[i]);
	}
	res->nheaders = 0;
}

void http_header_add(struct http_response *res, const char *name, const char *value)
{
	if (res->nheaders >= HTTP_MAX_HEADERS)
		return; /* NEEDSWORK: more than 8 extra headers are dropped */
	res->header_names[res->nheaders] = xstrdup(name);
	res->header_values[res->nheaders] = xstrdup(value);
	res->nheaders++;
}

void http_json_list(struct http_response *res, json_t *items)
{
	http_json(res, 200, json_pack("{s:I, s:o}", "count",
				      (json_int_t)json_array_size(items), "items", items));
}

void http_json(struct http_response *res, int status, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_INDENT(2)) : NULL;

	if (!s) {
		/* never a bare "null": a value that could not be built is our error */
		json_decref(v);
		v = json_pack("{s:{s:i, s:s, s:s}}", "error", "status", 500, "code", "internal",
			      "message", "the response could not be encoded");
		status = 500;
		s = json_dumps(v, JSON_INDENT(2));
	}
	res->status = status;
	res->content_type = "application/json";
	strbuf_reset(&res->body);
	strbuf_addstr(&res->body, s ? s : "null");
	strbuf_addch(&res->body, '\n');
	free(s);
	json_decref(v);
}

const char *http_status_code(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "conflict";
	case 408: return "request_timeout";
	case 413: return "payload_too_large";
	case 414: return "uri_too_long";
	case 431: return "header_fields_too_large";
	case 503: return "unavailable";
	default: return status >= 500 ? "internal" : "error";
	}
}

/*
 * Replace in place every byte of s that does not start a well-formed
 * UTF-8 sequence by '?': messages quote what the client sent ("no such
 * path '\xff'"), and jansson refuses to encode invalid UTF-8, which made
 * the error body "null".
 */
static void utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = 0, i;
		unsigned cp;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0) {
			n = 1;
			cp = *p & 0x1F;
		} else if ((*p & 0xF0) == 0xE0) {
			n = 2;
			cp = *p & 0x0F;
		} else if ((*p & 0xF8) == 0xF0) {
			n = 3;
			cp = *p & 0x07;
		} else {
			*p++ = '?';
			continue;
		}
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				break;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if (i <= n || (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
			*p++ = '?';
			continue;
		}
		p += n + 1;
	}
}

void http_error(struct http_response *res, int status, const char *fmt, ...)
{
	char msg[AIV_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_scrub(msg);
	http_json(res, status, json_pack("{s:{s:i, s:s, s:s}}", "error", "status", status,
					 "code", http_status_code(status), "message", msg));
}

int http_status_for(int code)
{
	switch (code) {
	case AIV_EINPUT: return 400;
	case AIV_ENOTFOUND: return 404;
	case AIV_EPERM: return 403;
	case AIV_ECONFLICT:
	case AIV_ESTATE: return 409;
	case AIV_ETOOBIG: return 413;
	case AIV_EBUSY: return 503;
	default: return 500;
	}
}

void http_error_from(struct http_response *res, const struct aiv_err *err)
{
	http_error(res, http_status_for(err->code), "%s",
		   err->msg[0] ? err->msg : "internal error");
}
