/*
 * trend.c - status against a target and the Mann-Kendall trend test; see
 * trend.h for the definitions.  O(n^2) pairs: a series is at most a few
 * hundred weekly points, and the pair loop needs no sort, which keeps the
 * tie groups exact (equal doubles) without a tolerance.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "aiv.h"
#include "metrics/trend.h"

enum metric_status trend_status(int have, double value, int up, double at_risk,
				double off_track)
{
	if (!have || isnan(value))
		return STATUS_NO_DATA;
	if (up)
		return value >= at_risk ? STATUS_ON_TRACK :
		       value >= off_track ? STATUS_AT_RISK : STATUS_OFF_TRACK;
	return value <= at_risk ? STATUS_ON_TRACK :
	       value <= off_track ? STATUS_AT_RISK : STATUS_OFF_TRACK;
}

const char *trend_status_name(enum metric_status s)
{
	switch (s) {
	case STATUS_ON_TRACK: return "on track";
	case STATUS_AT_RISK: return "at risk";
	case STATUS_OFF_TRACK: return "off track";
	default: return "no data";
	}
}

const char *trend_status_id(enum metric_status s)
{
	switch (s) {
	case STATUS_ON_TRACK: return "on_track";
	case STATUS_AT_RISK: return "at_risk";
	case STATUS_OFF_TRACK: return "off_track";
	default: return "no_data";
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void trend_mann_kendall(const double *x, size_t n, struct trend_mk *out)
{
	double *v = xcalloc(n ? n : 1, sizeof(*v)), ties = 0, nn;
	size_t m = 0, i, j;
	long long s = 0;

	for (i = 0; i < n; i++)
		if (!isnan(x[i]))
			v[m++] = x[i];
	for (i = 0; i + 1 < m; i++)
		for (j = i + 1; j < m; j++)
			s += (v[j] > v[i]) - (v[j] < v[i]);
	/* tie groups: runs of equal values once sorted */
	qsort(v, m, sizeof(*v), cmp_double);
	for (i = 0; i < m; i = j) {
		double t;
		for (j = i + 1; j < m && v[j] == v[i]; j++)
			;
		t = (double)(j - i);
		ties += t * (t - 1) * (2 * t + 5);
	}
	free(v);
	nn = (double)m;
	out->n = m;
	out->s = s;
	out->var = (nn * (nn - 1) * (2 * nn + 5) - ties) / 18.0;
	out->z = 0;
	if (out->var > 0 && s != 0)
		out->z = (double)(s > 0 ? s - 1 : s + 1) / sqrt(out->var);
	out->p = out->var > 0 ? erfc(fabs(out->z) / sqrt(2.0)) : 1.0;
	out->confidence = 100.0 * (1.0 - out->p);
	out->direction = out->p < TREND_ALPHA ? (s > 0 ? 1 : -1) : 0;
}

void trend_words(const struct trend_mk *mk, char *buf, size_t len)
{
	if (mk->n < 3) {
		snprintf(buf, len, "no clear trend (%zu point%s; a trend needs 3 or more)",
			 mk->n, mk->n == 1 ? "" : "s");
		return;
	}
	if (!mk->direction) {
		snprintf(buf, len, "no clear trend");
		return;
	}
	snprintf(buf, len, "%s, %.1f %% confidence", mk->direction > 0 ? "rising" : "falling",
		 floor(mk->confidence * 10) / 10);
}

void trend_detail(const struct trend_mk *mk, char *buf, size_t len)
{
	snprintf(buf, len, "Mann-Kendall S = %lld, Z = %.2f, p = %.3f, n = %zu", mk->s, mk->z,
		 mk->p, mk->n);
}
