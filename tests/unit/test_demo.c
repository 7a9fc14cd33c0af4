/*
 * test_demo.c - the demo generator's option parsing, its calendar, and
 * determinism of the files it writes (same seed: same bytes; another
 * seed: other people).  The loading half is tested end to end by
 * tests/e2e/t0910-demo-story.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "catalog/catalog.h"
#include "demo/demo.h"
#include "demo/demo_int.h"

static void test_parse(void **state)
{
	enum demo_size s;
	enum demo_industry i;

	(void)state;
	assert_int_equal(demo_size_parse("small", &s), 0);
	assert_int_equal(s, DEMO_SMALL);
	assert_int_equal(demo_size_parse("large", &s), 0);
	assert_int_equal(s, DEMO_LARGE);
	assert_int_equal(demo_size_parse("Small", &s), -1);
	assert_int_equal(demo_size_parse("", &s), -1);
	assert_int_equal(demo_size_parse(NULL, &s), -1);
	assert_int_equal(demo_industry_parse("manufacturing", &i), 0);
	assert_int_equal(i, DEMO_MANUFACTURING);
	assert_int_equal(demo_industry_parse("banking", &i), -1);
	assert_string_equal(demo_size_name(DEMO_MEDIUM), "medium");
	assert_string_equal(demo_industry_name(DEMO_RETAIL), "retail");
}

static void test_calendar(void **state)
{
	char d[11];

	(void)state;
	demo_date(0, d);
	assert_string_equal(d, "2025-11-22");
	assert_int_equal(demo_weekday(0), 6); /* a Saturday */
	demo_date(DEMO_DAYS - 1, d);
	assert_string_equal(d, "2026-11-20");
	assert_int_equal(demo_weekday(DEMO_DAYS - 1), 5); /* a Friday */
	demo_date(40, d);
	assert_string_equal(d, "2026-01-01");
	demo_date(-1, d);
	assert_string_equal(d, "2025-11-21");
	assert_true(demo_unix(1, 0) - demo_unix(0, 0) == 86400);
	assert_true(demo_unix(0, 0) == 1763769600); /* 2025-11-22T00:00:00Z */
}

static char *slurp(const char *dir, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt("%s/%s", dir, rel);

	assert_true(strbuf_read_file(&sb, path, 1 << 26) >= 0);
	free(path);
	return strbuf_detach(&sb, NULL);
}

static struct demo *gen(const struct catalog *cat, const char *dir, uint64_t seed)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct demo_opts o;
	struct demo *d = NULL;

	memset(&o, 0, sizeof(o));
	o.size = DEMO_SMALL;
	o.industry = DEMO_MANUFACTURING;
	o.seed = seed;
	o.dir = dir;
	o.cat = cat;
	if (demo_generate(&o, &d, NULL, NULL, &err))
		fail_msg("%s", err.msg);
	return d;
}

static void test_deterministic(void **state)
{
	static const char *const files[] = { "org/users-1.json", "org/map.yaml", "usage/identities.csv",
					     "journeys/events.csv", "journeys/outcomes.csv",
					     "cases/procure-to-pay.xes", "usage/m365/2026-11-20.csv",
					     "control/decisions.jsonl", "assess/readiness.yaml",
					     "assess/observations.csv" };
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *cat = NULL;
	char a[] = "/tmp/aiv-test-demoA.XXXXXX", b[] = "/tmp/aiv-test-demoB.XXXXXX";
	char c[] = "/tmp/aiv-test-demoC.XXXXXX", *cmd;
	struct demo *da, *db, *dc;
	json_t *sa, *sb;
	size_t i;

	(void)state;
	assert_int_equal(catalog_load(&cat, NULL, &err), 0);
	assert_non_null(mkdtemp(a));
	assert_non_null(mkdtemp(b));
	assert_non_null(mkdtemp(c));
	da = gen(cat, a, 5);
	db = gen(cat, b, 5);
	dc = gen(cat, c, 6);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *x = slurp(a, files[i]), *y = slurp(b, files[i]), *z = slurp(c, files[i]);
		assert_string_equal(x, y);
		if (strcmp(files[i], "assess/readiness.yaml"))
			assert_string_not_equal(x, z);
		free(x);
		free(y);
		free(z);
	}
	sa = demo_summary_json(da);
	sb = demo_summary_json(db);
	json_object_del(sa, "dir");
	json_object_del(sb, "dir");
	assert_true(json_equal(sa, sb));
	assert_string_equal(json_string_value(json_object_get(json_object_get(sa, "story"),
							       "stuck_function")), "quality");
	assert_true(json_integer_value(json_object_get(json_object_get(sa, "datasets"),
						       "people")) >= 140);
	json_decref(sa);
	json_decref(sb);
	demo_free(da);
	demo_free(db);
	demo_free(dc);
	catalog_free(cat);
	cmd = xstrfmt("rm -rf '%s' '%s' '%s'", a, b, c);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
