/*
 * test_value.c - pricing proven effects (assess/value.c), hand-worked.
 *
 * The running example is issue 19's: claims close 1.1 days faster
 * (95,040 s; interval 0.9 to 1.3 days) on 41,000 claims a year, priced by
 * a loaded cost of EUR 1.10 an hour from 2026-01-01 and EUR 1.20 from
 * 2026-07-01:
 *
 *   gain      95,040 s / 3600 = 26.4 h a claim (21.6 h to 31.2 h)
 *   quantity  26.4 x 41,000 = 1,082,400 h (885,600 to 1,279,200)
 *   value     1,082,400 x 1.10 = EUR 1,190,640.00 (974,160.00 to 1,407,120.00)
 *             1,082,400 x 1.20 = EUR 1,298,880.00 on and after 2026-07-01
 */
#include <math.h>

#include "unit.h"

#include "assess/value.h"
#include "catalog/catalog.h"
#include "core/timeutil.h"

static struct catalog *cat;

static int64_t day(const char *d)
{
	int64_t us = 0;

	assert_int_equal(time_parse_iso(d, &us), 0);
	return us;
}

/* Three claims in June, two in July (the months table). */
static int64_t treat[5];

static struct hyp_result results[2];
static struct hyp_report hyps;
static struct uv_amount amounts[2];
static char *hyp_names[1] = { "claims-faster" };
static struct unit_value uv;
static struct uv_set uvs;

static void setup_example(int64_t volume)
{
	memset(results, 0, sizeof(results));
	treat[0] = day("2026-06-01");
	treat[1] = day("2026-06-10");
	treat[2] = day("2026-06-20");
	treat[3] = day("2026-07-01");
	treat[4] = day("2026-07-07T12:36:00Z"); /* 36.525 days after the first */
	results[0].name = "claims-faster";
	results[0].initiative = "claims-assistant";
	results[0].metric = "expert_cycle_time";
	results[0].verdict = "supported";
	results[0].confidence = 0.95;
	results[0].e.improvement = 95040;
	results[0].e.imp_lo = 77760;
	results[0].e.imp_hi = 112320;
	results[0].treat_us = treat;
	results[0].ntreat = 5;
	results[1].name = "fewer-exceptions";
	results[1].initiative = "claims-triage";
	results[1].metric = "exception_rate";
	results[1].verdict = "insufficient data";
	snprintf(results[1].reason, sizeof(results[1].reason), "12 units in the baseline group");
	results[1].e.improvement = 0.4; /* would be large: must never be summed */
	results[1].e.imp_lo = 0.3;
	results[1].e.imp_hi = 0.5;
	hyps.r = results;
	hyps.n = 2;
	amounts[0].from_us = day("2026-01-01");
	amounts[0].amount = "1.10";
	amounts[1].from_us = day("2026-07-01");
	amounts[1].amount = "1.20";
	memset(&uv, 0, sizeof(uv));
	uv.name = "claims-hour";
	uv.type = "hourly_cost";
	uv.role = "claims-handler";
	uv.hypotheses = hyp_names;
	uv.nhypotheses = 1;
	uv.volume_per_year = volume;
	uv.amounts = amounts;
	uv.namounts = 2;
	uvs.v = &uv;
	uvs.n = 1;
}

static void test_effect_value_with_interval(void **state)
{
	struct value_report r;
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	setup_example(41000);
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2026-06-30"),
				     &r, &err), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.e[0].status, VALUE_REALISED);
	assert_string_equal(r.e[0].per, "hour");
	assert_int_equal(r.e[0].volume_year, 41000);
	assert_int_equal(r.e[0].qty_milli, 1082400000);
	assert_int_equal(r.e[0].qty_lo_milli, 885600000);
	assert_int_equal(r.e[0].qty_hi_milli, 1279200000);
	assert_int_equal(r.e[0].unit_minor, 110);
	assert_int_equal(r.e[0].minor, 119064000);
	assert_int_equal(r.e[0].lo, 97416000);
	assert_int_equal(r.e[0].hi, 140712000);
	/* by month, each month at its own price: June 3 x 26.4 h x 1.10, July 2 x 26.4 h x 1.20 */
	assert_int_equal(r.e[0].nmonths, 2);
	assert_string_equal(r.e[0].months[0].month, "2026-06");
	assert_int_equal(r.e[0].months[0].minor, 8712);
	assert_string_equal(r.e[0].months[1].month, "2026-07");
	assert_int_equal(r.e[0].months[1].minor, 6336);
	/* the unproven one is listed, and nothing of it is summed */
	assert_int_equal(r.e[1].status, VALUE_NOT_PROVEN);
	assert_non_null(strstr(r.e[1].note, "insufficient data"));
	assert_int_equal(r.e[1].minor, 0);
	assert_int_equal(r.value, 119064000);
	assert_int_equal(r.lo, 97416000);
	assert_int_equal(r.hi, 140712000);
	assert_int_equal(r.realised, 1);
	assert_int_equal(r.not_proven, 1);
	value_report_release(&r);
}

static void test_unit_value_by_date(void **state)
{
	struct value_report r;
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	setup_example(41000);
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2026-07-01"),
				     &r, &err), 0);
	assert_int_equal(r.e[0].unit_minor, 120);
	assert_int_equal(r.e[0].minor, 129888000);
	value_report_release(&r);
	/* before the first amount: no price in force, a visible gap, not zero */
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2025-12-31"),
				     &r, &err), 0);
	assert_int_equal(r.e[0].status, VALUE_UNPRICED);
	assert_non_null(strstr(r.e[0].note, "no amount in force on 2025-12-31"));
	assert_int_equal(r.realised, 0);
	assert_int_equal(r.ngaps, 1);
	value_report_release(&r);
}

static void test_volume_from_data(void **state)
{
	struct value_report r;
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	/* 5 claims over 36.525 days: 5 x 365.25 / 36.525 = 50 a year */
	setup_example(-1);
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2026-06-30"),
				     &r, &err), 0);
	assert_int_equal(r.e[0].volume_year, 50);
	assert_int_equal(r.e[0].volume_declared, 0);
	/* 26.4 h x 50 = 1,320 h x 1.10 = 1,452.00 */
	assert_int_equal(r.e[0].qty_milli, 1320000);
	assert_int_equal(r.e[0].minor, 145200);
	value_report_release(&r);
}

static void test_missing_parts(void **state)
{
	struct value_report r;
	struct aiv_err err = AIV_ERR_INIT;
	struct uv_set none = { NULL, 0 };

	(void)state;
	setup_example(41000);
	/* no currency: unpriced, says which YAML supplies it */
	assert_int_equal(value_price(&hyps, &uvs, cat, NULL, day("2026-06-30"), &r, &err), 0);
	assert_int_equal(r.e[0].status, VALUE_UNPRICED);
	assert_non_null(strstr(r.e[0].note, "apply a PriceBook"));
	value_report_release(&r);
	/* no unit value names the hypothesis */
	assert_int_equal(value_price(&hyps, &none, cat, money_currency("EUR"), day("2026-06-30"),
				     &r, &err), 0);
	assert_int_equal(r.e[0].status, VALUE_UNPRICED);
	assert_non_null(strstr(r.e[0].note, "hypotheses: [claims-faster]"));
	assert_int_equal(r.value, 0);
	assert_int_equal(r.unpriced, 1);
	value_report_release(&r);
	/* an hourly cost cannot price a rate */
	results[0].metric = "exception_rate";
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2026-06-30"),
				     &r, &err), 0);
	assert_int_equal(r.e[0].status, VALUE_UNPRICED);
	assert_non_null(strstr(r.e[0].note, "measured in ratio"));
	value_report_release(&r);
}

static void test_roi(void **state)
{
	struct value_report r;
	struct aiv_err err = AIV_ERR_INIT;
	struct cost_result cost;
	struct cost_row rows[2];
	const struct value_group *g;

	(void)state;
	setup_example(41000);
	memset(&cost, 0, sizeof(cost));
	memset(rows, 0, sizeof(rows));
	rows[0].group = "claims-assistant";
	rows[0].total_minor = 36500000; /* EUR 365,000.00 over 365 days */
	rows[1].group = "claims-triage";
	rows[1].total_minor = 500000;
	rows[1].unpriced = 1200;        /* tokens of a model with no price */
	cost.rows = rows;
	cost.nrows = 2;
	cost.q.from_day = (int32_t)(day("2026-01-01") / 86400000000LL);
	cost.q.to_day = (int32_t)(day("2026-12-31") / 86400000000LL);
	cost.currency = money_currency("EUR");
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2026-06-30"),
				     &r, &err), 0);
	value_add_cost(&r, &cost);
	assert_int_equal(r.ng, 2);
	g = &r.g[0];
	assert_string_equal(g->group, "claims-assistant");
	assert_int_equal(g->have_cost, 1);
	/* a year is 365.25 days: 36,500,000 x 365.25 / 365 = 36,525,000 */
	assert_int_equal(g->cost_year, 36525000);
	assert_int_equal(g->have_roi, 1);
	/* 119,064,000 / 36,525,000 = 3.25979; 97,416,000 / .. = 2.66710; 140,712,000 / .. = 3.8525 */
	assert_true(fabs(g->roi - 3.25979466) < 1e-6);
	assert_true(fabs(g->roi_lo - 2.66710472) < 1e-6);
	assert_true(fabs(g->roi_hi - 3.85248460) < 1e-6);
	/* payback: 12 x 36,525,000 / 119,064,000 = 3.6812 months; 3.1149 to 4.4993 */
	assert_true(fabs(g->payback - 3.68121347) < 1e-6);
	assert_true(fabs(g->payback_lo - 3.11487293) < 1e-6);
	assert_true(fabs(g->payback_hi - 4.49926090) < 1e-6);
	g = &r.g[1];
	assert_string_equal(g->group, "claims-triage");
	assert_int_equal(g->have_cost, 0);
	assert_int_equal(g->have_roi, 0);
	assert_non_null(strstr(g->note, "1200 quantities have no price"));
	value_report_release(&r);
	/* no PriceBook at all */
	cost.currency = NULL;
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2026-06-30"),
				     &r, &err), 0);
	value_add_cost(&r, &cost);
	assert_int_equal(r.g[0].have_roi, 0);
	assert_non_null(strstr(r.g[0].note, "no PriceBook is applied"));
	value_report_release(&r);
}

/*
 * ROI per model, hand-worked.  claims-assistant's value is EUR 1,190,640.00
 * (974,160.00 to 1,407,120.00) a year and its cost EUR 365,000.00 over the
 * 365 days of 2026 (test_roi):
 *
 *   (seat)  EUR 292,000.00 of it (80 %): value 1,190,640.00 x 0.8 = 952,512.00
 *           (779,328.00 to 1,125,696.00); cost a year 292,000 x 365.25 / 365
 *           = 292,200.00; ROI 952,512 / 292,200 = 3.25979 (2.66710 to 3.85248),
 *           the initiative's own ROI
 *   gpt-4o  EUR 73,000.00 (20 %) in claims-assistant: value 238,128.00
 *           (194,832.00 to 281,424.00), cost a year 73,050.00, plus
 *           EUR 5,000.00 in claims-triage, which has no ROI (cost incomplete):
 *           shown apart, never divided
 *   llama   EUR 1,000.00 outside every initiative: no ROI
 */
static void test_roi_by_model(void **state)
{
	struct value_report r;
	struct aiv_err err = AIV_ERR_INIT;
	struct cost_result cost, models;
	struct cost_row rows[2], mrows[4];
	const struct value_group *m;
	char *text;
	size_t len;
	FILE *f;
	json_t *j, *jm;

	(void)state;
	setup_example(41000);
	memset(&cost, 0, sizeof(cost));
	memset(rows, 0, sizeof(rows));
	rows[0].group = "claims-assistant";
	rows[0].total_minor = 36500000;
	rows[1].group = "claims-triage";
	rows[1].total_minor = 500000;
	rows[1].unpriced = 1200;
	cost.rows = rows;
	cost.nrows = 2;
	cost.q.from_day = (int32_t)(day("2026-01-01") / 86400000000LL);
	cost.q.to_day = (int32_t)(day("2026-12-31") / 86400000000LL);
	cost.currency = money_currency("EUR");
	models = cost;
	memset(mrows, 0, sizeof(mrows));
	mrows[0].group = "claims-assistant";
	mrows[0].model = "(seat)";
	mrows[0].total_minor = 29200000;
	mrows[1].group = "claims-assistant";
	mrows[1].model = "gpt-4o";
	mrows[1].total_minor = 7300000;
	mrows[2].group = "claims-triage";
	mrows[2].model = "gpt-4o";
	mrows[2].total_minor = 500000;
	mrows[2].unpriced = 1200;
	mrows[3].group = "(no initiative)";
	mrows[3].model = "llama";
	mrows[3].total_minor = 100000;
	models.rows = mrows;
	models.nrows = 4;
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2026-06-30"),
				     &r, &err), 0);
	value_add_cost(&r, &cost);
	value_add_models(&r, &models);
	assert_int_equal(r.nmodels, 3);
	m = &r.models[0];
	assert_string_equal(m->group, "(seat)");
	assert_int_equal(m->value, 95251200);
	assert_int_equal(m->lo, 77932800);
	assert_int_equal(m->hi, 112569600);
	assert_int_equal(m->cost_year, 29220000);
	assert_int_equal(m->have_roi, 1);
	assert_true(fabs(m->roi - 3.25979466) < 1e-6);
	assert_true(fabs(m->roi_lo - 2.66710472) < 1e-6);
	assert_true(fabs(m->roi_hi - 3.85248460) < 1e-6);
	assert_true(fabs(m->payback - 3.68121347) < 1e-6);
	m = &r.models[1];
	assert_string_equal(m->group, "gpt-4o");
	assert_int_equal(m->value, 23812800);
	assert_int_equal(m->lo, 19483200);
	assert_int_equal(m->hi, 28142400);
	assert_int_equal(m->cost, 7300000);
	assert_int_equal(m->cost_year, 7305000);
	assert_int_equal(m->cost_no_roi, 500000);
	assert_int_equal(m->realised, 1);
	assert_int_equal(m->have_roi, 1);
	assert_true(fabs(m->roi - 3.25979466) < 1e-6);
	m = &r.models[2];
	assert_string_equal(m->group, "llama");
	assert_int_equal(m->have_roi, 0);
	assert_int_equal(m->cost_no_roi, 100000);
	assert_non_null(strstr(m->note, "no proven value"));
	j = value_json(&r);
	jm = json_array_get(json_object_get(j, "models"), 1);
	assert_string_equal(json_string_value(json_object_get(jm, "model")), "gpt-4o");
	assert_string_equal(json_string_value(json_object_get(json_object_get(jm, "value_a_year"),
							      "text")), "€238,128.00");
	assert_true(fabs(json_real_value(json_object_get(jm, "roi")) - 3.2598) < 1e-9);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(jm,
			 "cost_not_set_against_value"), "minor")), 500000);
	json_decref(j);
	f = open_memstream(&text, &len);
	value_print_models(&r, f);
	fclose(f);
	assert_non_null(strstr(text, "gpt-4o\n  value a year  €238,128.00 (interval €194,832.00 to "
			       "€281,424.00)\n  cost a year   €73,050.00\n  ROI           3.26 times"));
	assert_non_null(strstr(text, "€5,000.00 of spend in initiatives with no ROI"));
	free(text);
	value_report_release(&r);
}

static void test_printers(void **state)
{
	struct value_report r;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *j;
	char *text;
	size_t len;
	FILE *f;

	(void)state;
	setup_example(41000);
	assert_int_equal(value_price(&hyps, &uvs, cat, money_currency("EUR"), day("2026-06-30"),
				     &r, &err), 0);
	j = value_json(&r);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "value_a_year"), "minor")),
			 119064000);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "value_a_year"), "text")),
			    "€1,190,640.00");
	json_decref(j);
	f = open_memstream(&text, &len);
	value_print(&r, f);
	fclose(f);
	assert_non_null(strstr(text, "26.4 hours a case on 41,000 cases a year = 1,082,400 hours x €1.10 = "
			       "€1,190,640.00 (95 % interval €974,160.00 to €1,407,120.00)"));
	assert_non_null(strstr(text, "fewer-exceptions (claims-triage): not yet proven"));
	free(text);
	value_report_release(&r);
}

static int setup(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	return catalog_load(&cat, NULL, &err);
}

static int teardown(void **state)
{
	(void)state;
	catalog_free(cat);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_effect_value_with_interval),
		cmocka_unit_test(test_unit_value_by_date),
		cmocka_unit_test(test_volume_from_data),
		cmocka_unit_test(test_missing_parts),
		cmocka_unit_test(test_roi),
		cmocka_unit_test(test_roi_by_model),
		cmocka_unit_test(test_printers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
