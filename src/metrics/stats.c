/*
 * stats.c - percentiles, Wilson intervals, seeded bootstrap; see stats.h.
 *
 * The bootstrap's medians come from quickselect on a scratch copy
 * (O(n) per resample instead of a sort), which is what keeps 2,000
 * resamples of 100,000-case cohorts within a second or so.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void stats_sort(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

double stats_percentile_sorted(const double *x, size_t n, double p)
{
	double h, fl;
	size_t i;

	if (!n)
		return NAN;
	if (p <= 0)
		return x[0];
	if (p >= 1)
		return x[n - 1];
	h = (double)(n - 1) * p;
	fl = floor(h);
	i = (size_t)fl;
	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + (h - fl) * (x[i + 1] - x[i]);
}

void stats_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi)
{
	double p, z2, den, centre, half;

	if (!n) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)k / (double)n;
	z2 = z * z;
	den = 1 + z2 / (double)n;
	centre = (p + z2 / (2.0 * (double)n)) / den;
	half = z * sqrt(p * (1 - p) / (double)n + z2 / (4.0 * (double)n * (double)n)) / den;
	*lo = centre - half;
	*hi = centre + half;
	if (*lo < 0)
		*lo = 0;
	if (*hi > 1)
		*hi = 1;
	if (k == 0)
		*lo = 0;
	if (k == n)
		*hi = 1;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void stats_rng_seed(struct stats_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t stats_rng_next(struct stats_rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t stats_rng_below(struct stats_rng *r, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, v;

	do
		v = stats_rng_next(r);
	while (v >= limit);
	return v % n;
}

/*
 * k-th smallest of x[0..n) (reorders x so that x[k] is in its sorted place,
 * nothing after it smaller); N. Wirth's selection algorithm.
 */
static double select_kth(double *x, size_t n, size_t k)
{
	ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;

	while (l < m) {
		double pivot = x[kk], t;
		ptrdiff_t i = l, j = m;
		do {
			while (x[i] < pivot)
				i++;
			while (pivot < x[j])
				j--;
			if (i <= j) {
				t = x[i];
				x[i] = x[j];
				x[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return x[k];
}

double stats_percentile_select(double *x, size_t n, double p)
{
	double h, fl, a, b;
	size_t i, k;

	if (!n)
		return NAN;
	if (p <= 0)
		p = 0;
	if (p >= 1)
		p = 1;
	h = (double)(n - 1) * p;
	fl = floor(h);
	k = (size_t)fl;
	if (k >= n - 1)
		k = n - 1;
	a = select_kth(x, n, k);
	if (h == fl || k + 1 >= n)
		return a;
	b = x[k + 1];
	for (i = k + 1; i < n; i++)
		if (x[i] < b)
			b = x[i];
	return a + (h - fl) * (b - a);
}

static double resampled_median(const double *x, size_t n, double *scratch,
			       struct stats_rng *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		scratch[i] = x[stats_rng_below(r, n)];
	return stats_percentile_select(scratch, n, 0.5);
}

void stats_bootstrap_median_diff(const double *a, size_t na, const double *b, size_t nb,
				 unsigned reps, double level, uint64_t seed,
				 double *lo, double *hi)
{
	struct stats_rng r;
	double *scratch = xmalloc(st_mult(na > nb ? na : nb, sizeof(double)));
	double *d = xmalloc(st_mult(reps ? reps : 1, sizeof(double)));
	unsigned i;

	stats_rng_seed(&r, seed);
	for (i = 0; i < reps; i++) {
		double ma = resampled_median(a, na, scratch, &r);
		double mb = resampled_median(b, nb, scratch, &r);
		d[i] = mb - ma;
	}
	stats_sort(d, reps);
	*lo = stats_percentile_sorted(d, reps, (1 - level) / 2);
	*hi = stats_percentile_sorted(d, reps, (1 + level) / 2);
	free(d);
	free(scratch);
}
