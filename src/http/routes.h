/*
 * routes.h - the HTTP route table, requests, responses and helpers.
 *
 * Routes are data: each row names a method, a path pattern with {param}
 * segments, the roles allowed to call it, the handler, and the summary
 * and tag the OpenAPI document is generated from (so the document cannot
 * drift from what the server does).  Deny by default: a route whose
 * `roles` is 0 and that is not R_PUBLIC is refused to everyone.
 *
 * Each module keeps its routes in its own file as an array ending with
 * HTTP_ROUTES_END, and adds one line to the list of tables in routes.c
 * (http_route_tables[]).  Handlers never see libmicrohttpd: they read a
 * struct http_request and fill a struct http_response, and call the same
 * library functions as the CLI.
 *
 * Ownership: everything in a request is borrowed for the duration of the
 * handler call; a handler fills `res` and the server frees it.
 *
 * Implemented by one file per step: routes.c (tables, matching), auth.c
 * (authentication), authz.c (roles, http_dispatch), openapi.c (the
 * document), response.c (response and query helpers); server.c the rest.
 */
#ifndef AIV_HTTP_ROUTES_H
#define AIV_HTTP_ROUTES_H

#include <jansson.h>

#include "aiv.h"
#include "catalog/catalog.h"
#include "org/tokens.h"
#include "store/store.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 8

enum route_flags {
	R_PUBLIC = 1 << 0, /* no token needed */
	R_DOC = 1 << 1,    /* part of the API: listed in the OpenAPI document */
	R_PAGE = 1 << 2,   /* an HTML page: no credential redirects to /login */
	R_BODY = 1 << 3,   /* takes a request body (documented as requestBody) */
	R_PRIORITY = 1 << 4, /* may use the connections reserved for agents (decide) */
	R_BODY_DATA = 1 << 5, /* with R_BODY: the body is a data file (JSON or CSV), not YAML */
};

/* A query parameter, for the OpenAPI document. */
struct http_qparam {
	const char *name;
	const char *type; /* OpenAPI schema type: "string", "integer", "boolean" */
	const char *description;
};

struct http_request {
	const char *method;          /* "GET", "HEAD", "POST", ... */
	const char *path;            /* decoded, without the query string */
	size_t nparams;              /* path {params}, in pattern order */
	char *param_values[HTTP_MAX_PARAMS]; /* owned; see http_param() */
	const char *body;            /* request body (NUL-terminated), or "" */
	size_t body_len;
	int authenticated;           /* a valid token was presented */
	int via_cookie;              /* ... through the aiv_session cookie */
	const char *session;         /* that cookie's session id (borrowed), or NULL */
	int tls;                     /* the connection is HTTPS */
	int bad_credential;          /* a token was presented and refused */
	int auth_unavailable;        /* it could not be checked: the store is down (503) */
	char unavailable_why[320];   /* then: the store's message */
	struct token_info token;     /* valid when authenticated */
	struct store *store;         /* this worker thread's store */
	const struct catalog *cat;   /* shared, read-only */
	const struct http_route *route;
	void *conn;                  /* the server's connection (opaque) */
	void *server_state;          /* the server's per-request state (opaque) */
};

struct http_response {
	int status;
	const char *content_type;    /* static string */
	struct strbuf body;
	const void *static_body;     /* if set, sent instead of body (not copied) */
	size_t static_len;
	size_t nheaders;
	char *header_names[HTTP_MAX_HEADERS];  /* owned */
	char *header_values[HTTP_MAX_HEADERS]; /* owned */
};

typedef void (*http_handler_fn)(struct http_request *req, struct http_response *res);

struct http_route {
	const char *method;          /* "GET" also answers HEAD */
	const char *pattern;         /* "/api/v1/people/{name}" */
	unsigned roles;              /* enum role bits; 0 = nobody */
	unsigned flags;              /* enum route_flags */
	http_handler_fn fn;
	const char *summary;
	const char *tag;
	const struct http_qparam *query; /* NULL-name terminated, or NULL */
	const char *ctype;           /* response type; NULL: application/json */
};

#define HTTP_ROUTES_END { NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL }

/* The route tables of every module (routes.c), NULL-terminated. */
extern const struct http_route *const http_route_tables[];
/* Tables defined by the modules of http/. */
extern const struct http_route http_api_routes[];
extern const struct http_route http_page_routes[];
extern const struct http_route http_org_routes[];
/* The mapping file POST /api/v1/org/import applies (serve --org-map), or NULL. */
void http_org_set_map(const char *path);
extern const struct http_route http_adoption_routes[], http_adoption_page_routes[];
extern const struct http_route http_metrics_routes[], http_metrics_page_routes[];
extern const struct http_route http_playbook_routes[], http_playbook_page_routes[];
extern const struct http_route http_change_routes[], http_change_page_routes[];
extern const struct http_route http_process_routes[], http_process_page_routes[];
extern const struct http_route http_control_routes[];
extern const struct http_route http_cost_routes[];
extern const struct http_route http_value_routes[], http_value_page_routes[];

/*
 * Add a route table of a later layer (the MCP gateway) before the server
 * starts; matched after the built-in tables, not in the OpenAPI document.
 * The table is borrowed for the life of the process.  0, or -1 when four
 * tables were added already.
 */
int http_routes_add(const struct http_route *table);

/*
 * Find the route for method and path.  Returns the route and fills the
 * request's params (caller frees them with http_request_release), or
 * NULL: *path_known says whether another method would match, and `allow`
 * (if not NULL) receives the allowed methods, comma separated.
 */
const struct http_route *http_route_match(struct http_request *req,
					  const char *method, const char *path,
					  int *path_known, struct strbuf *allow);
void http_request_release(struct http_request *req);

/* The value of path parameter `name` (borrowed), or NULL. */
const char *http_param(const struct http_request *req, const char *name);

/* The OpenAPI 3.0 document for every R_DOC route.  New reference. */
json_t *http_openapi(void);

/*
 * Fill the request's authentication fields from the Authorization header
 * ("Bearer TOKEN", scheme case-insensitive) and the aiv_session cookie
 * (either may be NULL).  The cookie holds a session id (tokens.h), never
 * a token, and counts only for GET and HEAD, so every state-changing call
 * needs the header and a forged cross-site form cannot act with a
 * browser's cookie.
 */
void http_authenticate(struct http_request *req, const char *authorization,
		       const char *session_cookie);

/*
 * 1 if the request comes from a page of this server: its Origin header
 * (or, without one, its Referer) names the host of the Host header, with
 * https when the connection is TLS (http or https otherwise, for a
 * TLS-terminating proxy in front).  0 when it names another site, is
 * "null", or both headers are missing.  Sign-in uses it against login CSRF.
 */
int http_same_origin(const struct http_request *req);

/*
 * Run the route's checks and handler: 401 without a valid credential,
 * 403 when the token's role is not allowed, else the handler.  The
 * request's authentication fields must be filled in already.
 */
void http_dispatch(struct http_request *req, struct http_response *res);

/* Response helpers. */
void http_response_init(struct http_response *res);
void http_response_release(struct http_response *res);
/* Add a header (copied). */
void http_header_add(struct http_response *res, const char *name, const char *value);
/* Set status and a JSON body (steals v). */
void http_json(struct http_response *res, int status, json_t *v);
/* The same with json_dumps flags (e.g. a real precision for rounded figures). */
void http_json_flags(struct http_response *res, int status, json_t *v, size_t flags);
/* 200 with the API's list envelope {"count": N, "items": items}; steals items. */
void http_json_list(struct http_response *res, json_t *items);
/*
 * A JSON error: {"error":{"status":S,"code":CODE,"message":MSG}}; the
 * code is derived from the status ("bad_request", "forbidden", ...).
 */
void http_error(struct http_response *res, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A JSON error for a library error (status from err->code). */
void http_error_from(struct http_response *res, const struct aiv_err *err);
/* HTTP status for an AIV_E* code. */
int http_status_for(int code);
/* Short reason code for a status ("not_found"). */
const char *http_status_code(int status);

/*
 * Query parameter `name` as a whole number in [min, max] into *v (left
 * as it is when the parameter is absent).  0, or -1 after answering 400
 * for anything else: not a number, trailing text, out of range, overflow.
 */
int http_query_int(struct http_request *req, struct http_response *res, const char *name,
		   long long min, long long max, long long *v);

/* Query string argument (borrowed, decoded) or NULL; from server.c. */
const char *http_query(const struct http_request *req, const char *name);
/*
 * A field of an application/x-www-form-urlencoded body, decoded; NULL if
 * absent.  Caller frees.  From server.c.
 */
char *http_form_value(const struct http_request *req, const char *name);
/* Request header (borrowed) or NULL; from server.c. */
const char *http_req_header(const struct http_request *req, const char *name);

/*
 * Answering later.  A handler whose answer waits for work done elsewhere
 * calls http_defer() and returns without filling its response; the
 * request's connection is suspended (its worker thread serves other
 * connections meanwhile).  When the work is done, any thread calls
 * http_resume(d) (once); the server then calls finish(req, res, data) on
 * a worker thread, which fills the response as a handler would.  The
 * request (body, params, token) stays valid until finish returns.
 * http_defer returns NULL when the request cannot be deferred (no server
 * connection, e.g. a handler called directly in a test): the handler then
 * waits and answers itself.  From server.c.
 */
struct http_deferred;
typedef void (*http_finish_fn)(struct http_request *req, struct http_response *res,
			       void *data);
struct http_deferred *http_defer(struct http_request *req, http_finish_fn finish,
				 void *data);
void http_resume(struct http_deferred *d);
/*
 * Run fn when the server stops, after the deferred requests were answered
 * and the worker threads have ended, before their stores close (each fn
 * once; at most 8).
 */
void http_at_stop(void (*fn)(void));

/* Statistics the server keeps (for /metrics); from server.c. */
struct http_stats {
	uint64_t by_status[6][100]; /* [status / 100][status % 100] */
	uint64_t requests;
	uint64_t duration_us;
	int64_t started_us;
	/* connections (server.c) */
	uint64_t conns_open;        /* open now */
	uint64_t conns_timed_out;   /* closed for missing the body/answer deadline */
	uint64_t conns_head_timed_out; /* closed for missing the head deadline */
	uint64_t conns_ip_refused;  /* refused: the per-address limit */
	uint64_t conns_evicted;     /* idle or slow heads closed to make room */
	uint64_t conns_reserved_refused; /* 503: only decide may use the reserved share */
	uint64_t conns_drained;     /* idle connections closed at a graceful stop */
};
void http_stats_snapshot(struct http_stats *out);

/* Pages: refusal of a page request (redirect to /login or 403 page). */
void http_page_refuse(struct http_request *req, struct http_response *res, int status,
		      const char *message);

#endif
