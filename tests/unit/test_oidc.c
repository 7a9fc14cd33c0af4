/*
 * test_oidc.c - single sign-on (http/oidc.c) without a provider: what a
 * JWT looks like to the auth path, the role mapping file (refusals name
 * the file, line and field; its digest is ledgered once per change), the
 * URLs accepted, and a bearer JWT refused while no provider answers.
 * The verification against a real provider is t2170.
 */
#include "unit.h"

#include "cli/cmd.h"
#include "http/oidc.h"
#include "http/routes.h"
#include "ledger/ledger.h"

static int count_entry(const struct ledger_row *row, void *data)
{
	(void)row;
	(*(int *)data)++;
	return 0;
}

static int mappings(struct store *s)
{
	struct aiv_err err = AIV_ERR_INIT;
	int n = 0;

	assert_int_equal(ledger_walk(s, 0, 0, NULL, "sso.role_mapping", 0, 0, count_entry, &n,
				     &err), 0);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_looks_like_jwt(void **state)
{
	(void)state;
	assert_true(oidc_looks_like_jwt("eyJh.eyJz.sig"));
	assert_true(oidc_looks_like_jwt("eyJh.eyJz.")); /* alg none: still the verifier's to refuse */
	assert_false(oidc_looks_like_jwt("aiv_abc.def.ghi")); /* aivalue tokens go their own way */
	assert_false(oidc_looks_like_jwt("aiv_AbCdEf0123456789"));
	assert_false(oidc_looks_like_jwt("a.b"));
	assert_false(oidc_looks_like_jwt("a.b.c.d.e")); /* a JWE (four dots) is not accepted */
}

struct fixture {
	char *dir, *db, *secret, *map;
	struct store *s;
	struct oidc_config cfg;
};

static void fixture_open(struct fixture *f)
{
	struct aiv_err err = AIV_ERR_INIT;

	memset(f, 0, sizeof(*f));
	f->dir = unit_tmpdir();
	f->db = xstrfmt("%s/a.db", f->dir);
	f->secret = xstrfmt("%s/secret", f->dir);
	f->map = xstrfmt("%s/roles.yaml", f->dir);
	if (store_open(&f->s, f->db, STORE_CREATE, &err))
		fail_msg("store_open: %s", err.msg);
	write_file(f->secret, "s3cret\n");
	/* port 1 on loopback: refused at once, so discovery fails fast */
	f->cfg.issuer = "http://127.0.0.1:1";
	f->cfg.client_id = "aivalue";
	f->cfg.client_secret_file = f->secret;
	f->cfg.redirect = "http://127.0.0.1:8080/login/sso/callback";
	f->cfg.role_map = f->map;
}

static void fixture_close(struct fixture *f)
{
	store_close(f->s);
	unit_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->secret);
	free(f->map);
}

static void test_role_map_refusals(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct fixture f;

	(void)state;
	fixture_open(&f);
	write_file(f.map, "rules:\n  - {claim: groups, value: a, role: admin}\n"
		   "  - {value: b, role: boss}\n");
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test", &err), AIV_EINPUT);
	assert_contains(err.msg, "roles.yaml:3:");
	assert_contains(err.msg, "rule 2: field 'role': 'boss' is not a role");

	write_file(f.map, "rules:\n  - {value: bots, role: agent}\n");
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test", &err), AIV_EINPUT);
	assert_contains(err.msg, "roles.yaml:2:");
	assert_contains(err.msg, "a rule with role agent names the agent");

	write_file(f.map, "rules:\n  - {value: x, role: viewer, agent: a}\n");
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test", &err), AIV_EINPUT);
	assert_contains(err.msg, "only a rule with role agent names an agent");

	write_file(f.map, "rules:\n  - {value: x, role: viewer, default: yes}\n");
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test", &err), AIV_EINPUT);
	assert_contains(err.msg, "default");

	write_file(f.map, "rules:\n  - {claim: groups, value: x, role: viewer}\n");
	f.cfg.issuer = "http://login.example.com"; /* no TLS to another machine */
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test", &err), AIV_EINPUT);
	assert_contains(err.msg, "https://");
	f.cfg.issuer = "http://127.0.0.1:1";
	write_file(f.secret, "\n");
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test", &err), AIV_EINPUT);
	assert_contains(err.msg, "one non-empty line");

	/* nothing refused was recorded, and nothing enabled */
	assert_int_equal(mappings(f.s), 0);
	assert_false(oidc_enabled());
	fixture_close(&f);
}

static void test_role_map_ledgered(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct http_request req;
	struct token_info ti;
	struct fixture f;

	(void)state;
	fixture_open(&f);
	/* before configuration a JWT is no credential, and nothing crashes */
	memset(&req, 0, sizeof(req));
	req.store = f.s;
	req.method = "GET";
	http_authenticate(&req, "Bearer eyJh.eyJz.sig", NULL);
	assert_false(req.authenticated);
	assert_true(req.bad_credential);

	write_file(f.map, "rules:\n  - {claim: groups, value: aivalue-admins, role: admin}\n");
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test:admin", &err), 0);
	assert_true(oidc_enabled());
	assert_string_equal(oidc_provider_name(), "127.0.0.1");
	assert_int_equal(mappings(f.s), 1);
	/* the same file again: no second entry; a changed one: a new entry */
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test:admin", &err), 0);
	assert_int_equal(mappings(f.s), 1);
	write_file(f.map, "rules:\n  - {claim: groups, value: aivalue-admins, role: lead}\n");
	assert_int_equal(oidc_configure(&f.cfg, f.s, "test:admin", &err), 0);
	assert_int_equal(mappings(f.s), 2);

	/* no provider answers: a bearer JWT is refused, never let through */
	assert_int_not_equal(oidc_check_bearer("eyJh.eyJz.sig", &ti, &err), 0);
	http_authenticate(&req, "Bearer eyJh.eyJz.sig", NULL);
	assert_false(req.authenticated);
	assert_true(req.bad_credential);
	fixture_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_looks_like_jwt),
		cmocka_unit_test(test_role_map_refusals),
		cmocka_unit_test(test_role_map_ledgered),
	};

	cli_register_schema();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
