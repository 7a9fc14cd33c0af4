/*
 * auth.c - authentication: who is asking (a bearer token, or the
 * dashboard's session cookie for reads) and whether a request comes from
 * a page of this server (sign-in's defence against login CSRF).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cjson.h"
#include "oidc.h"
#include "routes.h"
#include "routes_int.h"

/*
 * Whether a bearer token may be taken from the token cache (verified at
 * most 1 s ago, tokens.h): for reads, and for the two writes whose
 * transactions refuse a revoked token themselves (the decision writer's
 * check in every batch: decide and the gateway).  Every other state change
 * (approving an exception or a change, apply, imports) checks its token
 * in the store, so that a token revoked by another process a moment ago
 * changes nothing; those requests are few, a statement each.
 */
static int token_cache_ok(const struct http_request *req)
{
	if (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD"))
		return 1;
	return req->path && (!strcmp(req->path, "/api/v1/decide") || !strcmp(req->path, "/mcp"));
}

void http_authenticate(struct http_request *req, const char *authorization,
		       const char *session_cookie)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *secret = NULL;
	int safe = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");

	req->authenticated = 0;
	req->via_cookie = 0;
	req->bad_credential = 0;
	req->auth_unavailable = 0;
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
		/* the identity provider's JWT (oidc.h): a role only from the mapping */
		if (oidc_looks_like_jwt(secret)) {
			if (oidc_check_bearer(secret, &req->token, &err)) {
				/* the client hears only "invalid token"; the operator why */
				fprintf(stderr, "aivalue: refused a bearer JWT: %s\n", err.msg);
				req->bad_credential = 1;
				return;
			}
			req->authenticated = 1;
			return;
		}
		if (!req->store ||
		    (token_cache_ok(req) ? token_check_cached(req->store, secret, &req->token, &err)
					 : token_check(req->store, secret, &req->token, &err))) {
			req->bad_credential = 1;
			/* a database that is down refuses no one: 503, retry */
			if ((req->auth_unavailable = err.code == AIV_EBUSY))
				snprintf(req->unavailable_why, sizeof(req->unavailable_why), "%.300s",
					 err.msg);
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
		if ((req->auth_unavailable = err.code == AIV_EBUSY))
			snprintf(req->unavailable_why, sizeof(req->unavailable_why), "%.300s", err.msg);
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
