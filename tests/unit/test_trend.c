/*
 * test_trend.c - status against targets and the Mann-Kendall test,
 * checked against a hand-worked series and a published one.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics/trend.h"

static void test_status(void **state)
{
	(void)state;
	/* repeat_use_rate: up, at risk below 0.40, off track below 0.15 */
	assert_int_equal(trend_status(1, 0.55, 1, 0.40, 0.15), STATUS_ON_TRACK);
	assert_int_equal(trend_status(1, 0.40, 1, 0.40, 0.15), STATUS_ON_TRACK);
	assert_int_equal(trend_status(1, 0.39, 1, 0.40, 0.15), STATUS_AT_RISK);
	assert_int_equal(trend_status(1, 0.15, 1, 0.40, 0.15), STATUS_AT_RISK);
	assert_int_equal(trend_status(1, 0.14, 1, 0.40, 0.15), STATUS_OFF_TRACK);
	/* gini_active_days: down, at risk above 0.5, off track above 0.6 */
	assert_int_equal(trend_status(1, 0.50, 0, 0.50, 0.60), STATUS_ON_TRACK);
	assert_int_equal(trend_status(1, 0.55, 0, 0.50, 0.60), STATUS_AT_RISK);
	assert_int_equal(trend_status(1, 0.61, 0, 0.50, 0.60), STATUS_OFF_TRACK);
	/* a count whose lines coincide: 0 on track, 1 off track, no at-risk band */
	assert_int_equal(trend_status(1, 0, 0, 0, 0), STATUS_ON_TRACK);
	assert_int_equal(trend_status(1, 1, 0, 0, 0), STATUS_OFF_TRACK);
	/* nothing measured is "no data", never a status of 0 */
	assert_int_equal(trend_status(0, 0, 1, 0.40, 0.15), STATUS_NO_DATA);
	assert_int_equal(trend_status(1, NAN, 1, 0.40, 0.15), STATUS_NO_DATA);
	assert_string_equal(trend_status_name(STATUS_AT_RISK), "at risk");
	assert_string_equal(trend_status_id(STATUS_NO_DATA), "no_data");
}

static void test_mk_by_hand(void **state)
{
	/*
	 * 1, 2, 2, 4, 5: pairs from 1: +4; from the first 2: 0 +1 +1; from
	 * the second 2: +2; from 4: +1.  S = 9.  One tie group of 2:
	 * Var = (5*4*15 - 2*1*9)/18 = 282/18 = 15.667; Z = 8/sqrt(15.667) =
	 * 2.0212; p = erfc(2.0212/sqrt 2) = 0.04326 (two-sided).
	 */
	double x[] = { 1, 2, 2, 4, 5 }, flat[] = { 3, 3, 3, 3 }, down[] = { 5, NAN, 4, 3, 2, 1 };
	struct trend_mk mk;
	char buf[128];

	(void)state;
	trend_mann_kendall(x, 5, &mk);
	assert_int_equal(mk.n, 5);
	assert_int_equal(mk.s, 9);
	assert_true(fabs(mk.var - 282.0 / 18) < 1e-12);
	assert_true(fabs(mk.z - 2.0211646) < 1e-6);
	assert_true(fabs(mk.p - 0.0432627) < 1e-6);
	assert_int_equal(mk.direction, 1);
	trend_words(&mk, buf, sizeof(buf));
	assert_string_equal(buf, "rising, 95.6 % confidence");
	trend_detail(&mk, buf, sizeof(buf));
	assert_string_equal(buf, "Mann-Kendall S = 9, Z = 2.02, p = 0.043, n = 5");

	/* all tied: Var = (4*3*13 - 4*3*13)/18 = 0, no trend, p = 1 */
	trend_mann_kendall(flat, 4, &mk);
	assert_int_equal(mk.s, 0);
	assert_true(mk.var == 0);
	assert_true(mk.p == 1.0);
	trend_words(&mk, buf, sizeof(buf));
	assert_string_equal(buf, "no clear trend");

	/*
	 * 5, -, 4, 3, 2, 1: the missing point is skipped, n = 5, S = -10,
	 * Var = 5*4*15/18 = 16.667, Z = -9/4.0825 = -2.2045, p = 0.02749.
	 */
	trend_mann_kendall(down, 6, &mk);
	assert_int_equal(mk.n, 5);
	assert_int_equal(mk.s, -10);
	assert_true(fabs(mk.z + 2.2045408) < 1e-6);
	assert_int_equal(mk.direction, -1);
	trend_words(&mk, buf, sizeof(buf));
	assert_string_equal(buf, "falling, 97.2 % confidence");

	/* two points: never a trend, and it says why */
	trend_mann_kendall(x, 2, &mk);
	trend_words(&mk, buf, sizeof(buf));
	assert_string_equal(buf, "no clear trend (2 points; a trend needs 3 or more)");
}

static void test_mk_published(void **state)
{
	/*
	 * "A Mann-Kendall Example (By Hand)", Little, College of the Holy
	 * Cross (mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt):
	 * 14 values, S = 54, one pair of equal values,
	 * V = (14)(13)(33)/18 - (2)(1)(9)/18 = 332.667, Z = 2.9058, one-sided
	 * p about .0018 (so two-sided 0.0037).
	 */
	double x[] = { 12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0,
		       18.3, 20.1, 21.7 };
	struct trend_mk mk;
	char buf[128];

	(void)state;
	trend_mann_kendall(x, 14, &mk);
	assert_int_equal(mk.s, 54);
	assert_true(fabs(mk.var - (14.0 * 13 * 33 / 18 - 2.0 * 1 * 9 / 18)) < 1e-9);
	assert_true(fabs(mk.z - 2.9058) < 1e-4);
	assert_true(fabs(mk.p / 2 - 0.0018) < 0.0001);
	trend_words(&mk, buf, sizeof(buf));
	assert_string_equal(buf, "rising, 99.6 % confidence");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_mk_by_hand),
		cmocka_unit_test(test_mk_published),
	};

	return cmocka_run_group_tests_name("trend", tests, NULL, NULL);
}
