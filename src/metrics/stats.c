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

#include "core/hash.h"
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

/* Uniform on (0, 1): 53 random bits, never 0. */
static double rng_unit(struct stats_rng *r)
{
	return ((double)(stats_rng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double rng_normal(struct stats_rng *r)
{
	return sqrt(-2 * log(rng_unit(r))) * cos(6.283185307179586 * rng_unit(r));
}

/* Gamma(shape a >= 1, scale 1): Marsaglia and Tsang (2000). */
static double rng_gamma(struct stats_rng *r, double a)
{
	double d = a - 1.0 / 3, c = 1 / sqrt(9 * d), x, v, u;

	for (;;) {
		do {
			x = rng_normal(r);
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		u = rng_unit(r);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/*
 * The median of n draws with replacement from sorted xs, without drawing
 * them.  A draw is xs[floor(n U)] with U uniform, and floor is monotone,
 * so the k-th smallest draw is xs[floor(n U(k))], where U(k), the k-th
 * smallest of n uniforms, is Beta(k, n - k + 1) = G1 / (G1 + G2) with
 * gammas of those shapes; U(k+1) = U(k) + (1 - U(k)) V with V ~ Beta(1,
 * n - k) = 1 - W^(1/(n-k)).  Exactly the distribution of the resampled
 * median, in O(1) instead of O(n) per resample.
 */
static double resampled_median(const double *xs, size_t n, struct stats_rng *r)
{
	size_t k = (n + 1) / 2, i, j;
	double g1, g2, u;

	if (n == 1)
		return xs[0];
	g1 = rng_gamma(r, (double)k);
	g2 = rng_gamma(r, (double)(n - k + 1));
	u = g1 / (g1 + g2);
	i = (size_t)(u * (double)n);
	if (i >= n)
		i = n - 1;
	if (n % 2)
		return xs[i];
	u += (1 - u) * (1 - pow(rng_unit(r), 1.0 / (double)(n - k)));
	j = (size_t)(u * (double)n);
	if (j >= n)
		j = n - 1;
	return (xs[i] + xs[j]) / 2;
}

int stats_bootstrap_median_diff(const double *a, size_t na, const double *b, size_t nb,
				unsigned reps, double level, uint64_t seed, double *diff,
				double *lo, double *hi)
{
	struct stats_rng r;
	double *sa, *sb, *d;
	unsigned i;

	if (na == 0 || nb == 0 || reps == 0 || !(level > 0 && level < 1))
		return -1;
	sa = xmalloc(st_mult(na, sizeof(double)));
	sb = xmalloc(st_mult(nb, sizeof(double)));
	d = xmalloc(st_mult(reps, sizeof(double)));
	memcpy(sa, a, na * sizeof(double));
	memcpy(sb, b, nb * sizeof(double));
	stats_sort(sa, na);
	stats_sort(sb, nb);
	if (diff)
		*diff = stats_percentile_sorted(sb, nb, 0.5) - stats_percentile_sorted(sa, na, 0.5);
	stats_rng_seed(&r, seed);
	for (i = 0; i < reps; i++) {
		double ma = resampled_median(sa, na, &r);
		double mb = resampled_median(sb, nb, &r);
		d[i] = mb - ma;
	}
	stats_sort(d, reps);
	*lo = stats_percentile_sorted(d, reps, (1 - level) / 2);
	*hi = stats_percentile_sorted(d, reps, (1 + level) / 2);
	free(d);
	free(sa);
	free(sb);
	return 0;
}

double stats_norm_ppf(double p)
{
	/* Acklam's coefficients */
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
	double q, x, r, e, u;

	if (!(p > 0 && p < 1))
		return NAN;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= 1 - 0.02425) {
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

int stats_wilson_conf(long k, long n, double conf, double *lo, double *hi)
{
	if (n <= 0 || k < 0 || k > n || !(conf > 0 && conf < 1))
		return -1;
	stats_wilson((uint64_t)k, (uint64_t)n, stats_norm_ppf(0.5 + conf / 2), lo, hi);
	return 0;
}

int stats_rate_diff(long ka, long na, long kb, long nb, double conf,
		    double *diff, double *lo, double *hi)
{
	double la, ua, lb, ub, pa, pb;

	if (stats_wilson_conf(ka, na, conf, &la, &ua) || stats_wilson_conf(kb, nb, conf, &lb, &ub))
		return -1;
	pa = (double)ka / (double)na;
	pb = (double)kb / (double)nb;
	*diff = pb - pa;
	*lo = *diff - sqrt((pb - lb) * (pb - lb) + (ua - pa) * (ua - pa));
	*hi = *diff + sqrt((ub - pb) * (ub - pb) + (pa - la) * (pa - la));
	return 0;
}

double stats_median(double *v, size_t n)
{
	return stats_percentile_select(v, n, 0.5);
}

uint64_t stats_seed_from(const char *s)
{
	return fnv1a64_str(FNV1A64_INIT, s);
}
