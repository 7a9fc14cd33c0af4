/*
 * hyp_stats.h - the statistics behind hypothesis verdicts.
 *
 * NEEDSWORK: metrics/stats.h (process cohorts) has its own Wilson
 * interval, seeded generator and median bootstrap; the two were written
 * in parallel and should become one module in metrics/ (assess may call
 * down into it), with one generator, so that a hypothesis on a process
 * metric and `process compare` give the same interval for the same seed.
 *
 * Small, exact, reproducible: the normal quantile (Acklam's rational
 * approximation refined by one Halley step on erfc, |error| < 1e-12), the
 * Wilson score interval for a rate, Newcombe's hybrid score interval for a
 * difference of two rates (built from two Wilson intervals, Newcombe 1998
 * method 10), and a percentile bootstrap for a difference in medians driven
 * by a seeded splitmix64 generator, so the same data and seed give the same
 * interval on every machine.
 */
#ifndef AIV_HYP_STATS_H
#define AIV_HYP_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Standard normal quantile for 0 < p < 1 (NAN outside). */
double hyp_stats_norm_ppf(double p);

/*
 * Wilson score interval for k successes in n trials at confidence `conf`
 * (e.g. 0.95).  Returns 0, or -1 when n == 0 or k > n or conf is not in (0,1).
 */
int hyp_stats_wilson(long k, long n, double conf, double *lo, double *hi);

/*
 * Difference of rates p_b - p_a with Newcombe's hybrid score interval.
 * Returns 0, or -1 on bad input (an empty group).
 */
int hyp_stats_rate_diff(long ka, long na, long kb, long nb, double conf,
		    double *diff, double *lo, double *hi);

/* Median of v[0..n-1] (sorts v in place); NAN when n == 0. */
double hyp_stats_median(double *v, size_t n);

/* Median by quickselect, O(n) expected (reorders v); NAN when n == 0. */
double hyp_stats_median_select(double *v, size_t n);

/* Percentile q (0..1) of sorted v, linear interpolation (Hyndman-Fan type 7). */
double hyp_stats_quantile_sorted(const double *v, size_t n, double q);

/* splitmix64: state advances by a fixed odd constant; output mixed. */
struct hyp_stats_rng {
	uint64_t state;
};
void hyp_stats_rng_seed(struct hyp_stats_rng *r, uint64_t seed);
uint64_t hyp_stats_rng_next(struct hyp_stats_rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t hyp_stats_rng_below(struct hyp_stats_rng *r, uint64_t n);

/*
 * Percentile bootstrap for median(b) - median(a): `iters` resamples of
 * both groups with replacement, the difference of medians of each, and
 * the (1-conf)/2 and (1+conf)/2 percentiles of those differences.  *diff
 * is the observed difference.  Returns 0, or -1 when a group is empty.
 */
int hyp_stats_bootstrap_median_diff(const double *a, size_t na, const double *b,
				size_t nb, double conf, unsigned iters, uint64_t seed,
				double *diff, double *lo, double *hi);

/* 64-bit FNV-1a of a string: seeds derived from a name. */
uint64_t hyp_stats_seed_from(const char *s);

#endif
