/*
 * test_usage_scope.c - a playbook computation loads the usage table once:
 * the phase's adoption metrics, the two-tier and the shadow-AI detectors
 * share one load (assess/series_int.h's scope) instead of loading all the
 * usage events three times (issue 15: the large demo's overview), and the
 * findings are the same as when each detector loads its own.
 */
#include "aiv.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apply/apply.h"
#include "assess/cost.h"
#include "assess/evidence.h"
#include "assess/hypothesis.h"
#include "assess/playbook.h"
#include "assess/series_int.h"
#include "cli/cmd.h"
#include "core/timeutil.h"
#include "ingest/identity.h"
#include "ingest/usage.h"
#include "ingest/usage_load.h"
#include "org/org.h"

static char datadir[512];

static const char *data(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	return path;
}

static void test_one_load_per_playbook(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	struct usage_summary sum;
	struct usage_opts o;
	struct playbook_state ps;
	struct finding_list alone;
	struct store *s;
	struct catalog *cat;
	char dir[] = "/tmp/aiv-uscope-XXXXXX", db[64], cmd[128];
	const char *paths[1];
	json_t *a, *b;
	uint64_t n0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/a.db", dir);
	org_register_kinds();
	ingest_register_kinds();
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	assert_int_equal(catalog_load(&cat, NULL, &err), 0);
	paths[0] = data("people.yaml");
	assert_int_equal(apply_sources(s, cat, "test", paths, 1, NULL, 0, 0, &res, &err), 0);
	apply_result_release(&res);
	memset(&o, 0, sizeof(o));
	o.format = "copilot-users";
	assert_int_equal(usage_import_file(s, "test", data("copilot-users-1-day.ndjson"), &o,
					   &sum, &err), 0);
	assert_int_equal(sum.rows, 5);
	usage_summary_release(&sum);

	evidence_cache_enable(0);
	n0 = assess_usage_loads();
	assert_int_equal(playbook_compute(s, cat, assess_questionnaire_path(), NULL, time_now_us(),
					  &ps, &err), 0);
	/* the phase's metrics, two_tier_workforce and shadow_ai: one load, not three */
	assert_int_equal(assess_usage_loads() - n0, 1);

	/* the detectors on their own (a new scope, so a new load): the same findings */
	n0 = assess_usage_loads();
	assert_int_equal(findings_compute(&ps.env, &ps.pv, &alone, &err), 0);
	assert_int_equal(assess_usage_loads() - n0, 1);
	a = finding_list_json(&ps.fl);
	b = finding_list_json(&alone);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	finding_list_release(&alone);
	playbook_release(&ps);

	store_close(s);
	catalog_free(cat);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temp dir is harmless */
	}
}

/* cost_json of every query, as one array (a new reference). */
static json_t *costs_json(struct store *s, const struct cost_query *qs, size_t n)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct cost_result r[4];
	json_t *a = json_array();
	size_t i;

	assert_true(n <= 4);
	assert_int_equal(cost_compute_many(s, qs, r, n, &err), 0);
	for (i = 0; i < n; i++) {
		json_array_append_new(a, cost_json(&r[i]));
		cost_result_release(&r[i]);
	}
	return a;
}

/*
 * Inside a computation's scope, cost reads the active seat months from
 * the usage table the scope holds instead of the monthly rollup: the same
 * figures (tests/data/usage/copilot-seats.json, t7000's hand-worked case:
 * 13 seat months, 9 of them unused).
 */
static void test_cost_from_scope_table(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	struct usage_summary sum;
	struct usage_opts o;
	struct evidence_value v;
	struct evidence_env env;
	struct store *s;
	struct catalog *cat;
	struct cost_query qs[3];
	char dir[] = "/tmp/aiv-uscost-XXXXXX", db[64], prices[64], cmd[128];
	const char *paths[2];
	json_t *rollup, *table, *unused;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/a.db", dir);
	snprintf(prices, sizeof(prices), "%s/prices.yaml", dir);
	assert_non_null(f = fopen(prices, "w"));
	fputs("kind: PriceBook\nname: list\ncurrency: EUR\nseats:\n"
	      "  - {tool: github-copilot, plan: business, per_month: \"19.00\","
	      " effective_from: 2026-01-01}\n"
	      "  - {tool: github-copilot, plan: business, per_month: \"21.50\","
	      " effective_from: 2026-03-01}\n", f);
	assert_int_equal(fclose(f), 0);
	org_register_kinds();
	ingest_register_kinds();
	cost_register_kinds();
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	assert_int_equal(catalog_load(&cat, NULL, &err), 0);
	paths[0] = data("people.yaml");
	paths[1] = prices;
	if (apply_sources(s, cat, "test", paths, 2, NULL, 0, 0, &res, &err))
		fail_msg("apply: %s", err.msg);
	apply_result_release(&res);
	memset(&o, 0, sizeof(o));
	o.format = "copilot-seats";
	assert_int_equal(usage_import_file(s, "test", data("copilot-seats.json"), &o, &sum, &err),
			 0);
	usage_summary_release(&sum);
	o.format = "copilot-users";
	assert_int_equal(usage_import_file(s, "test", data("copilot-users-1-day.ndjson"), &o,
					   &sum, &err), 0);
	usage_summary_release(&sum);

	memset(qs, 0, sizeof(qs));
	qs[1].by = COST_BY_TEAM;
	qs[1].by_month = 1;
	qs[2].by = COST_BY_TOOL;
	qs[2].and_model = 1;
	evidence_cache_enable(0);
	assert_null(assess_usage_scope_table(s));
	rollup = costs_json(s, qs, 3);

	memset(&env, 0, sizeof(env));
	env.store = s;
	env.cat = cat;
	env.now = time_now_us();
	assess_usage_scope_begin();
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_non_null(assess_usage_scope_table(s)); /* the table cost reads */
	table = costs_json(s, qs, 3);
	assess_usage_scope_end();
	assert_null(assess_usage_scope_table(s));

	unused = json_object_get(json_object_get(json_object_get(json_object_get(
		json_array_get(table, 0), "total"), "lines"), "unused_seats"), "quantity");
	assert_true(json_is_integer(unused));
	assert_true(json_integer_value(unused) > 0);
	if (!json_equal(rollup, table)) {
		char *a = json_dumps(rollup, JSON_SORT_KEYS), *b = json_dumps(table, JSON_SORT_KEYS);
		fail_msg("the rollup's costs\n%s\nthe table's\n%s", a, b);
	}
	json_decref(rollup);
	json_decref(table);
	store_close(s);
	catalog_free(cat);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temp dir is harmless */
	}
}

/*
 * One playbook computation on two threads evaluates the hypotheses once:
 * the side thread's report serves the phase's providers
 * (supported_hypotheses) as well as the roadmap; the phase evaluated them
 * a second time on the computing thread before.  The picture is the one
 * computed on one thread.
 */
static void test_hypotheses_once(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	struct usage_summary sum;
	struct usage_opts o;
	struct playbook_state two, one;
	struct store *s;
	struct catalog *cat;
	char dir[] = "/tmp/aiv-uhyp-XXXXXX", db[64], cmd[128];
	const char *paths[1];
	json_t *a, *b;
	uint64_t n0;
	int64_t now = time_now_us();

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/a.db", dir);
	org_register_kinds();
	ingest_register_kinds();
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	assert_int_equal(catalog_load(&cat, NULL, &err), 0);
	paths[0] = data("people.yaml");
	assert_int_equal(apply_sources(s, cat, "test", paths, 1, NULL, 0, 0, &res, &err), 0);
	apply_result_release(&res);
	memset(&o, 0, sizeof(o));
	o.format = "copilot-users";
	assert_int_equal(usage_import_file(s, "test", data("copilot-users-1-day.ndjson"), &o,
					   &sum, &err), 0);
	usage_summary_release(&sum);

	evidence_cache_enable(1);
	evidence_cache_clear();
	unsetenv("AIVALUE_PLAYBOOK_ONE_THREAD");
	n0 = hyp_evaluations();
	assert_int_equal(playbook_compute(s, cat, assess_questionnaire_path(), NULL, now,
					  &two, &err), 0);
	assert_int_equal(hyp_evaluations() - n0, 1);
	setenv("AIVALUE_PLAYBOOK_ONE_THREAD", "1", 1);
	evidence_cache_clear();
	assert_int_equal(playbook_compute(s, cat, assess_questionnaire_path(), NULL, now + 1,
					  &one, &err), 0);
	unsetenv("AIVALUE_PLAYBOOK_ONE_THREAD");
	a = hyp_report_json(&two.hr);
	b = hyp_report_json(&one.hr);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	assert_int_equal(two.pv.earned, one.pv.earned);
	a = finding_list_json(&two.fl);
	b = finding_list_json(&one.fl);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	playbook_release(&two);
	playbook_release(&one);
	evidence_cache_enable(0);

	store_close(s);
	catalog_free(cat);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temp dir is harmless */
	}
}

/*
 * The seat holders usage_load marks licensed (a skip scan over
 * usage_seats_person): every distinct person of any seat row, as SELECT
 * DISTINCT gave them, the same identity joined to two people over time
 * included, rows joined to no one left out.
 */
static void test_seat_holders(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	struct usage_table t;
	struct store *s;
	struct catalog *cat;
	char dir[] = "/tmp/aiv-useat-XXXXXX", db[64], cmd[128];
	const char *paths[1];
	uint32_t alice, bob;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/a.db", dir);
	org_register_kinds();
	ingest_register_kinds();
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	assert_int_equal(catalog_load(&cat, NULL, &err), 0);
	paths[0] = data("people.yaml");
	assert_int_equal(apply_sources(s, cat, "test", paths, 1, NULL, 0, 0, &res, &err), 0);
	apply_result_release(&res);

	utab_init(&t);
	assert_int_equal(usage_load(&t, s, &err), 0);
	assert_false(t.have_seats);
	utab_release(&t);

	assert_int_equal(store_exec(s, "INSERT INTO usage_seats(import_id, person, identity, tool,"
				    " day) VALUES (1, 'bob', 'gh-x', 'copilot', 20000),"
				    " (1, NULL, 'gh-y', 'copilot', 20000),"
				    " (2, 'alice', 'gh-x', 'copilot', 20001),"
				    " (2, 'bob', 'gh-x', 'copilot', 20001),"
				    " (2, 'nobody-known', 'gh-z', 'copilot', 20001)", &err), 0);
	utab_init(&t);
	assert_int_equal(usage_load(&t, s, &err), 0);
	alice = utab_find_person(&t, "alice");
	bob = utab_find_person(&t, "bob");
	assert_true(alice != INTERN_NONE && bob != INTERN_NONE);
	assert_true(t.have_seats);
	assert_int_equal(t.licensed[alice], 1);
	assert_int_equal(t.licensed[bob], 1);
	utab_release(&t);

	store_close(s);
	catalog_free(cat);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temp dir is harmless */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_load_per_playbook),
		cmocka_unit_test(test_cost_from_scope_table),
		cmocka_unit_test(test_hypotheses_once),
		cmocka_unit_test(test_seat_holders),
	};
	const char *slash;

	/* the fixtures live in tests/data/usage, next to tests/unit */
	slash = strrchr(__FILE__, '/');
	snprintf(datadir, sizeof(datadir), "%.*s/../data/usage",
		 slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
	cli_register_schema();
	assess_register(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
