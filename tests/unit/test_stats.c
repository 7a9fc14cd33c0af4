/*
 * test_stats.c - percentiles (type 7), Wilson intervals and the seeded
 * bootstrap against textbook values.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics/stats.h"

#define Z95 1.959963984540054

static void test_percentiles(void **state)
{
	/* Hyndman & Fan type 7; e.g. Wikipedia "Percentile", R quantile(type=7) */
	double a[] = { 15, 20, 35, 40, 50 }, b[] = { 1, 2, 3, 4 }, c[] = { 7 };
	double u[] = { 50, 15, 40, 20, 35 };

	(void)state;
	assert_true(fabs(stats_percentile_sorted(a, 5, 0.40) - 29.0) < 1e-12);
	assert_true(stats_percentile_sorted(a, 5, 0.5) == 35);
	assert_true(fabs(stats_percentile_sorted(b, 4, 0.9) - 3.7) < 1e-12);
	assert_true(stats_percentile_sorted(b, 4, 0.5) == 2.5);
	assert_true(stats_percentile_sorted(b, 4, 0) == 1);
	assert_true(stats_percentile_sorted(b, 4, 1) == 4);
	assert_true(stats_percentile_sorted(c, 1, 0.9) == 7);
	assert_true(isnan(stats_percentile_sorted(c, 0, 0.5)));
	assert_true(fabs(stats_percentile_select(u, 5, 0.40) - 29.0) < 1e-12);
	assert_true(stats_percentile_select(u, 5, 0.5) == 35);
	assert_true(fabs(stats_percentile_select(u, 5, 0.9) - 46.0) < 1e-12);
}

static void test_select_matches_sort(void **state)
{
	struct stats_rng r;
	double *x = malloc(1001 * sizeof(double)), *y = malloc(1001 * sizeof(double));
	size_t n, i;
	double p;

	(void)state;
	stats_rng_seed(&r, 1);
	for (n = 1; n <= 1001; n += 50) {
		for (p = 0; p <= 1.0001; p += 0.05) {
			for (i = 0; i < n; i++)
				x[i] = y[i] = (double)stats_rng_below(&r, 100); /* many ties */
			stats_sort(y, n);
			assert_true(fabs(stats_percentile_select(x, n, p) -
					 stats_percentile_sorted(y, n, p)) < 1e-9);
		}
	}
	free(x);
	free(y);
}

static void test_wilson(void **state)
{
	double lo, hi;

	(void)state;
	/* 8/10: 0.4902 .. 0.9433 (Newcombe 1998, method 3) */
	stats_wilson(8, 10, Z95, &lo, &hi);
	assert_true(fabs(lo - 0.4902) < 5e-5);
	assert_true(fabs(hi - 0.9433) < 5e-5);
	/* 0/20: 0 .. 0.1611 */
	stats_wilson(0, 20, Z95, &lo, &hi);
	assert_true(lo == 0);
	assert_true(fabs(hi - 0.1611) < 5e-5);
	/* 20/20 mirrors 0/20 */
	stats_wilson(20, 20, Z95, &lo, &hi);
	assert_true(fabs(lo - (1 - 0.1611)) < 5e-5);
	assert_true(hi == 1);
	stats_wilson(0, 0, Z95, &lo, &hi);
	assert_true(lo == 0 && hi == 1);
}

static void test_rng(void **state)
{
	struct stats_rng a, b;
	size_t i, hist[10] = { 0 };

	(void)state;
	stats_rng_seed(&a, 42);
	stats_rng_seed(&b, 42);
	for (i = 0; i < 1000; i++)
		assert_true(stats_rng_next(&a) == stats_rng_next(&b));
	for (i = 0; i < 100000; i++)
		hist[stats_rng_below(&a, 10)]++;
	for (i = 0; i < 10; i++)
		assert_true(hist[i] > 9500 && hist[i] < 10500);
}

static void test_bootstrap(void **state)
{
	/*
	 * Two samples of 1001 uniform values, b shifted by 10: the median
	 * difference is 10.  For n = 1001 from U(0, 1000) the sample median
	 * has sd ~ 1000 / (2 sqrt(1001)) ~ 15.8, so the difference has sd ~ 22
	 * and a 95 % interval of half-width ~ 44: check the interval holds 10,
	 * has that width within 35 %, and repeats exactly for the same seed.
	 */
	double a[1001], b[1001], lo, hi, lo2, hi2;
	size_t i;

	(void)state;
	for (i = 0; i < 1001; i++) {
		a[(i * 389) % 1001] = (double)i;
		b[(i * 577) % 1001] = (double)i + 10;
	}
	stats_bootstrap_median_diff(a, 1001, b, 1001, 2000, 0.95, 7, NULL, &lo, &hi);
	assert_true(lo < 10 && hi > 10);
	assert_true((hi - lo) / 2 > 44 * 0.65 && (hi - lo) / 2 < 44 * 1.35);
	stats_bootstrap_median_diff(a, 1001, b, 1001, 2000, 0.95, 7, NULL, &lo2, &hi2);
	assert_true(lo == lo2 && hi == hi2);
	stats_bootstrap_median_diff(a, 1001, b, 1001, 2000, 0.95, 8, NULL, &lo2, &hi2);
	assert_true(lo != lo2 || hi != hi2);
	/* constant samples: every resample has the same medians */
	for (i = 0; i < 50; i++) {
		a[i] = 3;
		b[i] = 5;
	}
	stats_bootstrap_median_diff(a, 50, b, 50, 500, 0.95, 1, NULL, &lo, &hi);
	assert_true(lo == 2 && hi == 2);
}

/* P(X >= k) for X ~ Binomial(n, p) */
static double binom_sf(int n, double p, int k)
{
	double s = 0, c = 1;
	int i;

	for (i = 0; i <= n; i++) {
		if (i > 0)
			c = c * (n - i + 1) / i;
		if (i >= k)
			s += c * pow(p, i) * pow(1 - p, n - i);
	}
	return s;
}

static void test_bootstrap_median_distribution(void **state)
{
	/*
	 * The bootstrap draws each resample's median from its exact
	 * distribution without drawing the resample (order statistics of
	 * uniforms).  Check it against that distribution: for x = 1..7 the
	 * median of 7 draws is <= j with probability P(Bin(7, j/7) >= 4).
	 * With b = {0}, the interval's ends are percentiles of -median(a*);
	 * at levels whose quantile is not on a step of the CDF they must be
	 * exactly the quantile.
	 */
	double a[7] = { 4, 1, 7, 3, 6, 2, 5 }, b[1] = { 0 }, lo, hi;
	static const double levels[] = { 0.5, 0.8, 0.9 };
	size_t li;

	(void)state;
	for (li = 0; li < 3; li++) {
		double pl = (1 - levels[li]) / 2, ph = (1 + levels[li]) / 2;
		int j, ql = 0, qh = 0;
		int near = 0;
		for (j = 1; j <= 7; j++) {
			double cdf = binom_sf(7, j / 7.0, 4);
			if (!ql && cdf >= pl)
				ql = j;
			if (!qh && cdf >= ph)
				qh = j;
			near |= fabs(cdf - pl) < 0.01 || fabs(cdf - ph) < 0.01;
		}
		assert_int_equal(stats_bootstrap_median_diff(a, 7, b, 1, 100000, levels[li], 3,
							     NULL, &lo, &hi), 0);
		if (near)
			continue;
		/* d = 0 - median(a*): its low end is minus the high quantile */
		assert_float_equal(-hi, ql, 0);
		assert_float_equal(-lo, qh, 0);
	}
}

static void test_norm_ppf(void **state)
{
	(void)state;
	assert_float_equal(stats_norm_ppf(0.975), 1.959963984540054, 1e-12);
	assert_float_equal(stats_norm_ppf(0.5), 0, 1e-15);
	assert_float_equal(stats_norm_ppf(0.95), 1.6448536269514722, 1e-12);
	assert_float_equal(stats_norm_ppf(0.001), -3.090232306167813, 1e-10);
	assert_true(isnan(stats_norm_ppf(1)));
}

static void test_wilson_textbook(void **state)
{
	double lo, hi, d;

	(void)state;
	/* Newcombe (1998), Statistics in Medicine 17:857, table I */
	assert_int_equal(stats_wilson_conf(81, 263, 0.95, &lo, &hi), 0);
	assert_float_equal(lo, 0.2553, 5e-5);
	assert_float_equal(hi, 0.3662, 5e-5);
	assert_int_equal(stats_wilson_conf(15, 148, 0.95, &lo, &hi), 0);
	assert_float_equal(lo, 0.0624, 5e-5);
	assert_float_equal(hi, 0.1605, 5e-5);
	assert_int_equal(stats_wilson_conf(0, 10, 0.95, &lo, &hi), 0);
	assert_float_equal(lo, 0, 0);
	assert_float_equal(hi, 0.2775, 5e-5);
	assert_int_equal(stats_wilson_conf(10, 10, 0.95, &lo, &hi), 0);
	assert_float_equal(lo, 0.7225, 5e-5);
	assert_float_equal(hi, 1, 0);
	assert_int_equal(stats_wilson_conf(1, 0, 0.95, &lo, &hi), -1);
	/* Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 - 48/80 */
	assert_int_equal(stats_rate_diff(48, 80, 56, 70, 0.95, &d, &lo, &hi), 0);
	assert_float_equal(d, 0.2, 1e-12);
	assert_float_equal(lo, 0.0524, 5e-5);
	assert_float_equal(hi, 0.3339, 5e-5);
}

static void test_bootstrap_asymptotic(void **state)
{
	double a[101], b[101], d, lo, hi, d2, lo2, hi2;
	double c[7] = { 3, 1, 4, 1, 5, 9, 2 }, e[6] = { 3, 1, 4, 1, 5, 9 };
	size_t i;

	(void)state;
	assert_float_equal(stats_median(c, 7), 3, 0);
	assert_float_equal(stats_median(e, 6), 3.5, 0); /* 1 1 3 4 5 9 */
	/* uniform grid on [0,100] and the same shifted by 10 */
	for (i = 0; i <= 100; i++) {
		a[i] = (double)i;
		b[i] = (double)i + 10;
	}
	assert_int_equal(stats_bootstrap_median_diff(a, 101, b, 101, 2000, 0.95, 42, &d, &lo, &hi), 0);
	assert_float_equal(d, 10, 1e-12);
	assert_true(lo < 10 && hi > 10);
	/*
	 * Asymptotic SE of a sample median: 1 / (2 f(m) sqrt(n)); f = 1/100,
	 * n = 101: 4.975; of the difference: 7.04; 95% width 2 * 1.96 * 7.04 =
	 * 27.6.  The percentile bootstrap of a median is lumpy: within 25%.
	 */
	assert_float_equal(hi - lo, 27.6, 27.6 * 0.25);
	assert_int_equal(stats_bootstrap_median_diff(a, 101, b, 101, 2000, 0.95, 42, &d2, &lo2, &hi2), 0);
	assert_float_equal(lo, lo2, 0);
	assert_float_equal(hi, hi2, 0);
	assert_int_equal(stats_bootstrap_median_diff(a, 0, b, 101, 100, 0.95, 1, &d, &lo, &hi), -1);
	assert_int_equal(stats_bootstrap_median_diff(a, 101, b, 101, 100, 1.5, 1, &d, &lo, &hi), -1);
}

/* A named analysis keeps its seed: FNV-1a 64 of the name, worked out by
 * an independent Python implementation (the hypothesis of examples/acme). */
static void test_seed_from_name(void **state)
{
	(void)state;
	assert_true(stats_seed_from("contract-review-faster") == 11300493450726420492ULL);
	assert_true(stats_seed_from("") == 14695981039346656037ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_seed_from_name),
		cmocka_unit_test(test_bootstrap_median_distribution),
		cmocka_unit_test(test_select_matches_sort),
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_norm_ppf),
		cmocka_unit_test(test_wilson_textbook),
		cmocka_unit_test(test_bootstrap_asymptotic),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_bootstrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
