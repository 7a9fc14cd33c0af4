/*
 * stats.h - the statistics behind process figures and cohort comparison:
 * percentiles, Wilson score intervals for rates, and a seeded percentile
 * bootstrap for the difference of two medians.
 *
 * Percentile method: linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R, NumPy and Excel PERCENTILE):
 * for sorted x[0..n) and p in [0,1], h = (n-1)p, result
 * x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).  p = 0.5 is
 * the ordinary median (mean of the two middle values for even n).
 */
#ifndef AIV_METRICS_STATS_H
#define AIV_METRICS_STATS_H

#include "aiv.h"

/* Type-7 percentile of sorted x[0..n); NaN if n == 0. */
double stats_percentile_sorted(const double *x, size_t n, double p);
/* The same on unsorted x (reordered in place, O(n) by selection). */
double stats_percentile_select(double *x, size_t n, double p);
/* Sort x[0..n) ascending in place (NaN-free input). */
void stats_sort(double *x, size_t n);

/*
 * Wilson score interval for k successes in n trials at confidence z
 * (1.959963984540054 for 95 %).  n == 0 gives [0, 1].
 */
void stats_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi);

/*
 * Small, fast, seeded PRNG (xoshiro256**, seeded through splitmix64), so a
 * bootstrap is reproducible from its seed on every platform.
 */
struct stats_rng {
	uint64_t s[4];
};
void stats_rng_seed(struct stats_rng *r, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t stats_rng_below(struct stats_rng *r, uint64_t n);

/*
 * Percentile bootstrap of median(b) - median(a): `reps` resamples of each
 * sample with replacement, the (1-level)/2 and (1+level)/2 type-7
 * percentiles of the resampled differences, and (if diff is not NULL) the
 * observed difference.  a and b need not be sorted.  Deterministic for a
 * given seed.  Returns -1 when a or b is empty, reps is 0 or level is
 * outside (0, 1).
 */
int stats_bootstrap_median_diff(const double *a, size_t na, const double *b, size_t nb,
				unsigned reps, double level, uint64_t seed, double *diff,
				double *lo, double *hi);

/*
 * The standard normal quantile: Acklam's rational approximation refined
 * by one Halley step on erfc (|error| < 1e-12).  NAN outside (0, 1).
 */
double stats_norm_ppf(double p);

/*
 * Wilson score interval for k of n at confidence `conf` (0.95 for 95 %).
 * Returns -1 (and leaves lo/hi) when n <= 0, k outside [0, n] or conf
 * outside (0, 1).
 */
int stats_wilson_conf(long k, long n, double conf, double *lo, double *hi);

/*
 * Difference of two rates kb/nb - ka/na with Newcombe's hybrid score
 * interval (Newcombe 1998, method 10: built from the two Wilson intervals).
 */
int stats_rate_diff(long ka, long na, long kb, long nb, double conf,
		    double *diff, double *lo, double *hi);

/* Median of v[0..n-1] (reorders v); NAN when n == 0. */
double stats_median(double *v, size_t n);

/* A seed from a name (FNV-1a), so a named analysis is reproducible. */
uint64_t stats_seed_from(const char *s);

#endif
