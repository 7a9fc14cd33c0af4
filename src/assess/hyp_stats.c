/*
 * stats.c - see stats.h.  Nothing here allocates more than the working
 * copies of the samples; nothing here reads a clock or a global RNG.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aiv.h"
#include "hyp_stats.h"

double hyp_stats_norm_ppf(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
				    -2.759285104469687e+02, 1.383577518672690e+02,
				    -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
				    -1.556989798598866e+02, 6.680131188771972e+01,
				    -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
				    -2.400758277161838e+00, -2.549732539343734e+00,
				    4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
				    2.445134137142996e+00, 3.754408661907416e+00 };
	const double plow = 0.02425;
	double q, r, x, e, u;

	if (!(p > 0 && p < 1))
		return NAN;
	if (p < plow) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= 1 - plow) {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	} else {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	/* one Halley step against the exact CDF */
	e = 0.5 * erfc(-x / sqrt(2)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

int hyp_stats_wilson(long k, long n, double conf, double *lo, double *hi)
{
	double z, p, den, centre, half;

	if (n <= 0 || k < 0 || k > n || !(conf > 0 && conf < 1))
		return -1;
	z = hyp_stats_norm_ppf(0.5 + conf / 2);
	p = (double)k / (double)n;
	den = 1 + z * z / (double)n;
	centre = (p + z * z / (2.0 * (double)n)) / den;
	half = z * sqrt(p * (1 - p) / (double)n + z * z / (4.0 * (double)n * (double)n)) / den;
	*lo = centre - half;
	*hi = centre + half;
	if (*lo < 0 || k == 0)
		*lo = 0;
	if (*hi > 1 || k == n)
		*hi = 1;
	return 0;
}

int hyp_stats_rate_diff(long ka, long na, long kb, long nb, double conf,
		    double *diff, double *lo, double *hi)
{
	double la, ua, lb, ub, pa, pb;

	if (hyp_stats_wilson(ka, na, conf, &la, &ua) || hyp_stats_wilson(kb, nb, conf, &lb, &ub))
		return -1;
	pa = (double)ka / (double)na;
	pb = (double)kb / (double)nb;
	*diff = pb - pa;
	*lo = *diff - sqrt((pb - lb) * (pb - lb) + (ua - pa) * (ua - pa));
	*hi = *diff + sqrt((ub - pb) * (ub - pb) + (pa - la) * (pa - la));
	return 0;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

double hyp_stats_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The k-th smallest of v[0..n-1] (0-based), moving elements: Hoare's
 * quickselect with a median-of-three pivot, O(n) expected.  Afterwards
 * v[0..k-1] <= v[k] <= v[k+1..n-1].
 */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		double a = v[lo], b = v[mid], c = v[hi], pivot, t;
		pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

double hyp_stats_median_select(double *v, size_t n)
{
	double hi, lo;
	size_t i;

	if (n == 0)
		return NAN;
	hi = select_kth(v, n, n / 2);
	if (n % 2)
		return hi;
	lo = v[0];
	for (i = 1; i < n / 2; i++)
		if (v[i] > lo)
			lo = v[i];
	return (lo + hi) / 2;
}

double hyp_stats_quantile_sorted(const double *v, size_t n, double q)
{
	double h, f;
	size_t i;

	if (n == 0)
		return NAN;
	if (q <= 0)
		return v[0];
	if (q >= 1)
		return v[n - 1];
	h = (double)(n - 1) * q;
	i = (size_t)floor(h);
	f = h - (double)i;
	return i + 1 < n ? v[i] + f * (v[i + 1] - v[i]) : v[i];
}

void hyp_stats_rng_seed(struct hyp_stats_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t hyp_stats_rng_next(struct hyp_stats_rng *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint64_t hyp_stats_rng_below(struct hyp_stats_rng *r, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = hyp_stats_rng_next(r);
	while (x >= limit);
	return x % n;
}

uint64_t hyp_stats_seed_from(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int hyp_stats_bootstrap_median_diff(const double *a, size_t na, const double *b,
				size_t nb, double conf, unsigned iters, uint64_t seed,
				double *diff, double *lo, double *hi)
{
	double *wa, *wb, *d;
	struct hyp_stats_rng r;
	unsigned it;
	size_t i;

	if (na == 0 || nb == 0 || iters == 0 || !(conf > 0 && conf < 1))
		return -1;
	wa = xmalloc(st_mult(na, sizeof(double)));
	wb = xmalloc(st_mult(nb, sizeof(double)));
	d = xmalloc(st_mult(iters, sizeof(double)));
	memcpy(wa, a, na * sizeof(double));
	memcpy(wb, b, nb * sizeof(double));
	*diff = hyp_stats_median(wb, nb) - hyp_stats_median(wa, na);
	hyp_stats_rng_seed(&r, seed);
	for (it = 0; it < iters; it++) {
		for (i = 0; i < na; i++)
			wa[i] = a[hyp_stats_rng_below(&r, na)];
		for (i = 0; i < nb; i++)
			wb[i] = b[hyp_stats_rng_below(&r, nb)];
		d[it] = hyp_stats_median_select(wb, nb) - hyp_stats_median_select(wa, na);
	}
	qsort(d, iters, sizeof(double), cmp_double);
	*lo = hyp_stats_quantile_sorted(d, iters, (1 - conf) / 2);
	*hi = hyp_stats_quantile_sorted(d, iters, (1 + conf) / 2);
	free(wa);
	free(wb);
	free(d);
	return 0;
}
