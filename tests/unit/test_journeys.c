/*
 * test_journeys.c - model 2: the Mann-Kendall test against values worked
 * out by hand, and channel metrics on a five-journey fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cjson.h"
#include "ingest/journeys.h"
#include "metrics/journeys.h"
#include "cli/cmd.h"

static void test_mann_kendall(void **state)
{
	double up[] = { 1, 2, 3, 4, 5 }, flat[] = { 3, 3, 3, 3 }, mixed[] = { 1, 3, 2, 4, 4 };
	struct mk_result r;

	(void)state;
	/* S = 10, Var = 5*4*15/18, Z = (S-1)/sqrt(Var) = 2.2045, p = 0.01374 */
	journeys_mann_kendall(up, 5, &r);
	assert_true(r.s == 10);
	assert_true(fabs(r.var - 50.0 / 3.0) < 1e-9);
	assert_true(fabs(r.z - 2.2045407685) < 1e-9);
	assert_true(fabs(r.p_up - 0.0137431681) < 1e-9);
	assert_true(fabs(r.p_down - (1 - 0.0137431681)) < 1e-9);
	journeys_mann_kendall(flat, 4, &r);
	assert_true(r.s == 0 && r.p_up == 1);
	/* pairs: +1 +1 +1 +1 | -1 +1 +1 | +1 +1 | 0  -> S = 7; one tie of 2:
	 * Var = (5*4*15 - 2*1*9)/18 = 282/18 */
	journeys_mann_kendall(mixed, 5, &r);
	assert_true(r.s == 7);
	assert_true(fabs(r.var - 282.0 / 18.0) < 1e-9);
}

static const char events[] =
	"journey_id,customer_id,channel,time,turn,intent_qualified,committed,order_value\n"
	"j1,c1,ai_assistant,2026-03-01T10:00:00Z,1,0,0,0\n"
	"j1,c1,ai_assistant,2026-03-01T10:05:00Z,2,1,0,0\n"
	"j1,c1,ai_assistant,2026-03-01T10:09:00Z,3,1,1,100\n"
	"j2,c2,ai_assistant,2026-03-02T10:00:00Z,1,1,1,50\n"
	"j3,c3,ai_assistant,2026-03-03T10:00:00Z,1,0,0,0\n"
	"j4,c1,ai_assistant,2026-03-20T10:00:00Z,1,0,0,0\n"
	"j5,c4,web,2026-03-04T10:00:00Z,1,1,0,0\n"
	"j5,c4,web,2026-03-04T10:02:00Z,2,1,1,200\n";
static const char outcomes[] =
	"customer_id,retained_30d,retained_90d,upsell,revenue,referrals\n"
	"c1,1,1,1,40,2\n"
	"c2,1,0,0,0,0\n"
	"c4,yes,no,,10,1\n";

static void test_channel_metrics(void **state)
{
	char dir[] = "/tmp/aiv-journeys-XXXXXX", db[128], p1[128], p2[128], cmd[160];
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct journey_opts o;
	struct journey_summary sum;
	struct store *s;
	json_t *rep, *finding, *ai, *web;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/a.db", dir);
	snprintf(p1, sizeof(p1), "%s/events.csv", dir);
	snprintf(p2, sizeof(p2), "%s/outcomes.csv", dir);
	f = fopen(p1, "w");
	fputs(events, f);
	fclose(f);
	f = fopen(p2, "w");
	fputs(outcomes, f);
	fclose(f);
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	memset(&o, 0, sizeof(o));
	o.format = "csv";
	assert_int_equal(journey_import_file(s, "t", p1, &o, &sum, &err), 0);
	assert_int_equal(sum.rows, 8);
	assert_int_equal(sum.journeys, 5);
	assert_int_equal(journey_import_file(s, "t", p2, &o, &sum, &err), 0);
	assert_string_equal(sum.kind, "outcomes");
	assert_int_equal(journey_import_file(s, "t", p2, &o, &sum, &err), 0);
	assert_int_equal(sum.already, 1);
	assert_int_equal(adoption_config_load(&cfg, NULL, &err), 0);
	assert_int_equal(journeys_report(s, &cfg, NULL, &rep, &finding, &err), 0);
	assert_null(finding); /* one month: too few for a trend */
	ai = json_array_get(json_object_get(rep, "channels"), 0);
	web = json_array_get(json_object_get(rep, "channels"), 1);
	assert_string_equal(json_str(ai, "channel"), "ai_assistant");
	/* ai: journeys j1 j2 j3 j4; qualified j1 j2; committed j1 (turn 3), j2 (turn 1) */
	assert_int_equal(json_integer_value(json_object_get(ai, "journeys")), 4);
	assert_true(json_real_value(json_object_get(ai, "qualified_intent_rate")) == 0.5);
	assert_true(json_real_value(json_object_get(ai, "conversion_rate")) == 0.5);
	assert_true(json_real_value(json_object_get(ai, "iterations_before_commitment")) == 2.0);
	/* converts c1, c2: 90-day 1 of 2, upsell 1 of 2, referrals 2 / 2 */
	assert_true(json_real_value(json_object_get(ai, "retention_90d")) == 0.5);
	assert_true(json_real_value(json_object_get(ai, "retention_30d")) == 1.0);
	assert_true(json_real_value(json_object_get(ai, "upsell_rate")) == 0.5);
	assert_true(json_real_value(json_object_get(ai, "referral_rate")) == 1.0);
	/* LTV: (100 + 40 + 50 + 0) / 2 */
	assert_true(json_real_value(json_object_get(ai, "lifetime_value")) == 95.0);
	/* customers c1 c2 c3: c1 came back after 19 days */
	assert_int_equal(json_integer_value(json_object_get(ai, "customers")), 3);
	assert_true(fabs(json_real_value(json_object_get(ai, "return_30d")) - 0.3333) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(ai, "repeat_engagement")) - 0.3333) < 1e-9);
	assert_string_equal(json_str(web, "channel"), "web");
	assert_true(json_real_value(json_object_get(web, "retention_90d")) == 0.0);
	assert_true(json_is_null(json_object_get(web, "upsell_rate")));
	json_decref(rep);
	/* bad rows: negative order value, duplicate turn */
	f = fopen(p1, "w");
	fputs("journey_id,customer_id,channel,time,turn,order_value\nx,c,web,2026-03-01,1,-5\n", f);
	fclose(f);
	assert_int_equal(journey_import_file(s, "t", p1, &o, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "events.csv:2:22: order value '-5'"));
	f = fopen(p1, "w");
	fputs("journey_id,customer_id,channel,time,turn\nx,c,web,2026-03-01,1\nx,c,web,2026-03-01,1\n", f);
	fclose(f);
	assert_int_equal(journey_import_file(s, "t", p1, &o, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "events.csv:3: duplicate row: journey 'x' turn 1"));
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temporary directory is harmless */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mann_kendall),
		cmocka_unit_test(test_channel_metrics),
	};
	cli_register_schema();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
