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
 * percentiles of the resampled differences.  a and b need not be sorted;
 * both must be non-empty.  Deterministic for a given seed.
 */
void stats_bootstrap_median_diff(const double *a, size_t na, const double *b, size_t nb,
				 unsigned reps, double level, uint64_t seed,
				 double *lo, double *hi);

#endif
