/*
 * response.c - filling responses: headers, JSON bodies, the API's list
 * envelope and error objects, status codes for library errors, and the
 * query parameters that answer 400 when malformed.
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
	http_json_flags(res, status, v, JSON_INDENT(2));
}

void http_json_flags(struct http_response *res, int status, json_t *v, size_t flags)
{
	char *s = v ? json_dumps(v, flags) : NULL;

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
 * The length of the well-formed UTF-8 sequence at p (1 to 4 bytes; an
 * ASCII byte is 1), or 0 when p does not start one (a stray continuation
 * byte, an overlong form, a surrogate, beyond U+10FFFF, or cut short).
 */
static size_t utf8_seq_len(const unsigned char *p)
{
	size_t n, i;
	unsigned cp;

	if (*p < 0x80)
		return 1;
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
		return 0;
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
	    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n + 1;
}

int http_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	while (p < e) {
		size_t n = *p ? utf8_seq_len(p) : 0;

		if (!n || n > (size_t)(e - p))
			return 0;
		p += n;
	}
	return 1;
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
		size_t n = utf8_seq_len(p);

		if (!n)
			*p++ = '?';
		else
			p += n;
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
	/* every 503 (busy, database down or locked) says when to come back */
	if (status == 503)
		http_header_add(res, "Retry-After", "1");
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
