/*
 * test_http.c - the route layer without a socket: matching, the OpenAPI
 * document generated from the tables (every API route documented, every
 * documented operation routed, x-roles equal to the table), deny by
 * default, the cookie accepted only for GET/HEAD, listen addresses; a
 * kept page filed under the store state read before its draw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"
#include "assess/evidence.h"
#include "http/pages.h"
#include "http/routes.h"
#include "ledger/ledger.h"
#include "http/server.h"
#include "org/tokens.h"
#include "cli/cmd.h"

static void test_match(void **state)
{
	struct http_request req;
	struct strbuf allow = STRBUF_INIT;
	const struct http_route *r;
	int known;

	(void)state;
	memset(&req, 0, sizeof(req));
	r = http_route_match(&req, "GET", "/api/v1/people/ana.lima", &known, NULL);
	assert_non_null(r);
	assert_string_equal(r->pattern, "/api/v1/people/{name}");
	assert_string_equal(http_param(&req, "name"), "ana.lima");
	assert_null(http_param(&req, "id"));
	http_request_release(&req);

	/* HEAD is answered by GET routes */
	memset(&req, 0, sizeof(req));
	assert_non_null(http_route_match(&req, "HEAD", "/healthz", &known, NULL));
	http_request_release(&req);

	/* empty segment, extra segment, trailing slash: no route */
	memset(&req, 0, sizeof(req));
	assert_null(http_route_match(&req, "GET", "/api/v1/people/", &known, NULL));
	assert_false(known);
	assert_null(http_route_match(&req, "GET", "/api/v1/people/a/b", &known, NULL));
	assert_false(known);
	assert_null(http_route_match(&req, "GET", "/nowhere", &known, NULL));
	assert_false(known);
	/* a segment that is not UTF-8 names nothing ({name} takes UTF-8 only):
	 * a lone 0xFE, a cut-short sequence, an overlong '/', a surrogate;
	 * a well-formed one (e-acute, a 4-byte emoji) is a name */
	assert_null(http_route_match(&req, "GET", "/api/v1/people/\xfe", &known, NULL));
	assert_false(known);
	assert_null(http_route_match(&req, "GET", "/api/v1/people/jos\xc3", &known, NULL));
	assert_null(http_route_match(&req, "GET", "/api/v1/people/\xc0\xaf", &known, NULL));
	assert_null(http_route_match(&req, "GET", "/api/v1/people/\xed\xa0\x80", &known, NULL));
	r = http_route_match(&req, "GET", "/api/v1/people/jos\xc3\xa9\xf0\x9f\x98\x80", &known, NULL);
	assert_non_null(r);
	assert_string_equal(http_param(&req, "name"), "jos\xc3\xa9\xf0\x9f\x98\x80");
	http_request_release(&req);
	memset(&req, 0, sizeof(req));

	/* known path, wrong method: the allowed ones */
	assert_null(http_route_match(&req, "DELETE", "/api/v1/people", &known, &allow));
	assert_true(known);
	assert_string_equal(allow.buf, "GET, HEAD");
	strbuf_reset(&allow);
	assert_null(http_route_match(&req, "GET", "/api/v1/apply", &known, &allow));
	assert_true(known);
	assert_string_equal(allow.buf, "POST");
	strbuf_release(&allow);
	http_request_release(&req);
}

static int is_public_or_page(const struct http_route *r)
{
	return (r->flags & R_PAGE) || !strncmp(r->pattern, "/assets/", 8);
}

static void test_openapi_matches_table(void **state)
{
	json_t *doc = http_openapi(), *paths = json_object_get(doc, "paths");
	const struct http_route *const *t;
	const struct http_route *r;
	const char *path;
	json_t *item;
	size_t documented = 0, ops = 0;

	(void)state;
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
	/* every API route (all but pages and assets) is documented, with its roles */
	for (t = http_route_tables; *t; t++) {
		for (r = *t; r->method; r++) {
			char m[16];
			size_t i;
			json_t *op, *roles;

			if (is_public_or_page(r)) {
				assert_false(r->flags & R_DOC);
				continue;
			}
			assert_true(r->flags & R_DOC);
			for (i = 0; r->method[i]; i++)
				m[i] = (char)(r->method[i] + 32);
			m[i] = '\0';
			op = json_object_get(json_object_get(paths, r->pattern), m);
			if (!op)
				fail_msg("route %s %s is not documented", r->method, r->pattern);
			roles = json_object_get(op, "x-roles");
			for (i = 0; i < json_array_size(roles); i++) {
				enum role ro = role_from_name(json_string_value(json_array_get(roles, i)));
				assert_true((r->flags & R_PUBLIC) || (r->roles & (unsigned)ro));
			}
			if (!(r->flags & R_PUBLIC)) {
				/* exactly the table's roles, and protected by bearerAuth */
				size_t bits = 0;
				unsigned v = r->roles;
				while (v) {
					bits += v & 1;
					v >>= 1;
				}
				assert_int_equal(json_array_size(roles), bits);
				assert_non_null(json_object_get(json_array_get(
					json_object_get(op, "security"), 0), "bearerAuth"));
			} else {
				assert_int_equal(json_array_size(json_object_get(op, "security")), 0);
			}
			documented++;
		}
	}
	/* every documented operation is a route */
	json_object_foreach(paths, path, item) {
		const char *method;
		json_t *op;
		json_object_foreach(item, method, op) {
			struct http_request req;
			char up[16];
			size_t i;
			int known;
			char *concrete = xstrdup(path), *b;
			/* fill {params} with a value */
			while ((b = strchr(concrete, '{'))) {
				char *e = strchr(b, '}');
				char *n = xstrfmt("%.*sx%s", (int)(b - concrete), concrete, e + 1);
				free(concrete);
				concrete = n;
			}
			for (i = 0; method[i] && i < sizeof(up) - 1; i++)
				up[i] = (char)(method[i] - 32);
			up[i] = '\0';
			memset(&req, 0, sizeof(req));
			assert_non_null(http_route_match(&req, up, concrete, &known, NULL));
			http_request_release(&req);
			free(concrete);
			assert_non_null(json_object_get(op, "summary"));
			assert_non_null(json_object_get(op, "operationId"));
			ops++;
		}
	}
	assert_int_equal(ops, documented);
	assert_true(ops >= 17);
	json_decref(doc);
}

static int handler_ran;
static void fake_handler(struct http_request *req, struct http_response *res)
{
	(void)req;
	handler_ran = 1;
	http_json(res, 200, json_pack("{s:b}", "ran", 1));
}

static void test_deny_by_default(void **state)
{
	const struct http_route nobody = { "GET", "/x", 0, 0, fake_handler, "x", "t", NULL, NULL };
	const struct http_route admins = { "GET", "/y", ROLE_ADMIN, 0, fake_handler, "y", "t",
					   NULL, NULL };
	struct http_request req;
	struct http_response res;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.authenticated = 1;
	req.token.role = ROLE_ADMIN;
	req.route = &nobody;
	handler_ran = 0;
	http_response_init(&res);
	http_dispatch(&req, &res);
	assert_int_equal(res.status, 403);
	assert_false(handler_ran);
	assert_non_null(strstr(res.body.buf, "\"forbidden\""));
	http_response_release(&res);

	req.route = &admins;
	http_response_init(&res);
	http_dispatch(&req, &res);
	assert_int_equal(res.status, 200);
	assert_true(handler_ran);
	http_response_release(&res);

	/* not authenticated: 401 with WWW-Authenticate, handler not run */
	handler_ran = 0;
	req.authenticated = 0;
	http_response_init(&res);
	http_dispatch(&req, &res);
	assert_int_equal(res.status, 401);
	assert_false(handler_ran);
	assert_string_equal(res.header_names[0], "WWW-Authenticate");
	http_response_release(&res);

	/* the agent role reaches no API route of this module but the public ones */
	{
		const struct http_route *r;
		for (r = http_api_routes; r->method; r++)
			assert_true((r->flags & R_PUBLIC) || !(r->roles & ROLE_AGENT));
	}
}

static void test_authenticate(void **state)
{
	char dir[] = "/tmp/aiv-test-http.XXXXXX", *db, *secret = NULL, *sid = NULL;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	struct http_request req;
	struct token_info ti;

	(void)state;
	assert_non_null(mkdtemp(dir));
	db = xstrfmt("%s/a.db", dir);
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	assert_int_equal(token_create(s, "test", "t1", ROLE_VIEWER, NULL, &secret, &err), 0);

	memset(&req, 0, sizeof(req));
	req.store = s;
	req.method = "GET";
	/* the token itself is no cookie credential: a session id is */
	http_authenticate(&req, NULL, secret);
	assert_false(req.authenticated);
	assert_true(req.bad_credential);
	assert_int_equal(token_check(s, secret, &ti, &err), 0);
	assert_int_equal(session_create(s, &ti, &sid, NULL, &err), 0);
	assert_int_equal(strncmp(sid, "aivs_", 5), 0);
	assert_int_equal(strlen(sid), 48);
	http_authenticate(&req, NULL, sid);
	assert_true(req.authenticated && req.via_cookie);
	assert_int_equal(req.token.role, ROLE_VIEWER);
	assert_string_equal(req.token.name, "t1");
	assert_string_equal(req.session, sid);

	/* the cookie is not a credential for a state-changing method */
	req.method = "POST";
	http_authenticate(&req, NULL, sid);
	assert_false(req.authenticated);
	assert_false(req.bad_credential);
	req.method = "GET";

	/* signed out: the same id is refused */
	assert_int_equal(session_delete(s, sid, &err), 0);
	http_authenticate(&req, NULL, sid);
	assert_false(req.authenticated);
	assert_int_equal(session_delete(s, sid, &err), AIV_ENOTFOUND);
	free(sid);

	/* the Bearer scheme is case-insensitive (RFC 9110 11.1) */
	{
		char *h = xstrfmt("bEARER %s", secret);
		http_authenticate(&req, h, NULL);
		assert_true(req.authenticated);
		free(h);
		h = xstrfmt("Bearer%s", secret);
		http_authenticate(&req, h, NULL);
		assert_false(req.authenticated);
		free(h);
	}

	/* the header is */
	{
		char *h = xstrfmt("Bearer %s", secret);
		http_authenticate(&req, h, NULL);
		assert_true(req.authenticated);
		assert_false(req.via_cookie);
		free(h);
	}
	/* wrong token, wrong scheme */
	http_authenticate(&req, "Bearer aiv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
	assert_false(req.authenticated);
	assert_true(req.bad_credential);
	http_authenticate(&req, "Basic dXNlcjpwYXNz", NULL);
	assert_false(req.authenticated);
	assert_true(req.bad_credential);

	free(secret);
	store_close(s);
	unlink(db);
	{
		char *wal = xstrfmt("%s-wal", db), *shm = xstrfmt("%s-shm", db);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	rmdir(dir);
	free(db);
}

static void test_listen(void **state)
{
	struct http_config cfg;
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	http_config_init(&cfg);
	assert_string_equal(cfg.listen_text, "127.0.0.1:8080");
	assert_int_equal(cfg.max_body, 1u << 20);
	assert_int_equal(http_parse_listen(&cfg, "0.0.0.0:80", &err), 0);
	assert_int_equal(cfg.addr.ss_family, AF_INET);
	assert_int_equal(http_parse_listen(&cfg, "[::1]:8081", &err), 0);
	assert_int_equal(cfg.addr.ss_family, AF_INET6);
	assert_int_equal(http_parse_listen(&cfg, "localhost:9", &err), 0);
	assert_int_equal(http_parse_listen(&cfg, "127.0.0.1", &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "'127.0.0.1'"));
	assert_int_equal(http_parse_listen(&cfg, "127.0.0.1:65536", &err), AIV_EINPUT);
	assert_int_equal(http_parse_listen(&cfg, "127.0.0.1:-1", &err), AIV_EINPUT);
	assert_int_equal(http_parse_listen(&cfg, "300.0.0.1:80", &err), AIV_EINPUT);
	assert_int_equal(http_parse_listen(&cfg, "[::1:80", &err), AIV_EINPUT);
	assert_int_equal(http_parse_listen(&cfg, "::1:80", &err), AIV_EINPUT);
	assert_int_equal(http_parse_listen(&cfg, ":80", &err), AIV_EINPUT);
	assert_int_equal(http_parse_listen(&cfg, "example.com:80", &err), AIV_EINPUT);
}

static void test_errors(void **state)
{
	struct http_response res;
	json_t *v;

	(void)state;
	http_response_init(&res);
	http_error(&res, 413, "too big: %d", 5);
	v = json_loads(res.body.buf, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "error"), "status")), 413);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "code")),
			    "payload_too_large");
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "message")),
			    "too big: 5");
	json_decref(v);
	http_response_release(&res);

	/* bytes that are not UTF-8 in a message: still an error object, never null */
	http_response_init(&res);
	http_error(&res, 404, "no such path '/%s'", "\xff\xc3\x28\xed\xa0\x80\xc3\xa9");
	v = json_loads(res.body.buf, 0, NULL);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "message")),
			    "no such path '/?" "?(?" "??\xc3\xa9'");
	json_decref(v);
	http_response_release(&res);
	http_response_init(&res);
	http_json(&res, 404, NULL);
	assert_int_equal(res.status, 500);
	assert_non_null(strstr(res.body.buf, "\"internal\""));
	http_response_release(&res);

	assert_int_equal(http_status_for(AIV_EINPUT), 400);
	assert_int_equal(http_status_for(AIV_ENOTFOUND), 404);
	assert_int_equal(http_status_for(AIV_ETOOBIG), 413);
	assert_int_equal(http_status_for(AIV_EIO), 500);
}

/*
 * A page drawn while another writer commits (the draw appends a ledger
 * entry, as another process's write between the key's read and the put
 * would): its body shows the state before, so it must be filed under the
 * key read before the draw and never be served for the state after.
 * Before the fix, pages_cache_put read the key after the draw and the
 * next visit got the old body.
 */
static int draws;

static void append_entry(struct store *s)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *p = json_object();

	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(ledger_append(s, "test", "test.touch", "test", p, NULL, &err), 0);
	assert_int_equal(store_commit(s, &err), 0);
	json_decref(p);
}

static void draw_while_written(struct http_request *req, struct http_response *res,
			       const char *page)
{
	(void)res;
	draws++;
	append_entry(req->store); /* "another process" commits during the draw */
	pages_cache_put(req, page, "<p>drawn before the write</p>");
}

static void draw_still(struct http_request *req, struct http_response *res, const char *page)
{
	(void)res;
	draws++;
	pages_cache_put(req, page, "<p>drawn after the write</p>");
}

static void test_kept_page_pre_draw_key(void **state)
{
	char *dir = unit_tmpdir(), path[512];
	struct aiv_err err = AIV_ERR_INIT;
	struct http_request req;
	struct http_response res;
	struct strbuf body = STRBUF_INIT;
	struct store *s = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/aivalue.db", dir);
	if (store_open(&s, path, STORE_CREATE, &err))
		fail_msg("%s", err.msg);
	evidence_cache_enable(1);
	memset(&req, 0, sizeof(req));
	http_response_init(&res);
	req.store = s;
	append_entry(s);
	draws = 0;
	pages_send_kept(&req, &res, "/stale", "Stale items", "/changes", draw_while_written);
	assert_int_equal(draws, 1);
	/* the state after the write: the body drawn before it is not its */
	assert_int_equal(pages_cache_get(&req, "/stale", &body), 0);
	assert_int_equal(body.len, 0);
	/* drawn again for the new state, kept under it */
	pages_send_kept(&req, &res, "/stale", "Stale items", "/changes", draw_still);
	assert_int_equal(draws, 2);
	assert_int_equal(pages_cache_get(&req, "/stale", &body), 1);
	assert_string_equal(body.buf, "<p>drawn after the write</p>");
	/* a put outside pages_send_kept's draw keeps nothing */
	append_entry(s);
	pages_cache_put(&req, "/stale", "<p>not drawn by pages_send_kept</p>");
	strbuf_reset(&body);
	assert_int_equal(pages_cache_get(&req, "/stale", &body), 0);
	strbuf_release(&body);
	http_response_release(&res);
	store_close(s);
	unit_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_openapi_matches_table),
		cmocka_unit_test(test_deny_by_default),
		cmocka_unit_test(test_authenticate),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_kept_page_pre_draw_key),
	};
	cli_register_schema();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
