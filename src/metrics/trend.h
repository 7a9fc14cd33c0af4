/*
 * trend.h - a figure's status against its target, and its trend over a
 * series: pure kernels, no SQL, no catalog (the caller passes direction
 * and thresholds).
 *
 * Status (thresholds as in catalog.h struct cat_metric):
 *     direction up:   value >= at_risk          on track
 *                     off_track <= value < at_risk   at risk
 *                     value < off_track         off track
 *     direction down: the same mirrored (value <= at_risk on track, ...)
 *     no value:       no data
 *
 * Trend: the Mann-Kendall test (Mann 1945, Kendall 1975, as in Gilbert
 * 1987, pp 209-213) over the points in time order:
 *     S   = sum over i < j of sign(x[j] - x[i])
 *     Var = (n(n-1)(2n+5) - sum over tie groups t(t-1)(2t+5)) / 18
 *     Z   = (S - 1)/sqrt(Var) if S > 0, (S + 1)/sqrt(Var) if S < 0, else 0
 *     p   = two-sided, erfc(|Z| / sqrt 2)
 * A trend is reported ("rising" / "falling") when p < 0.05, with the
 * confidence 100(1 - p) %; otherwise "no clear trend".  The normal
 * approximation is used at every n (no exact table for n <= 10), which
 * is conservative for the short series a dashboard shows.
 */
#ifndef AIV_METRICS_TREND_H
#define AIV_METRICS_TREND_H

#include <stddef.h>

enum metric_status {
	STATUS_NO_DATA = 0,
	STATUS_ON_TRACK,
	STATUS_AT_RISK,
	STATUS_OFF_TRACK,
};

/* The status of `value` (have = 0: no data); up = 1 when higher is better. */
enum metric_status trend_status(int have, double value, int up, double at_risk,
				double off_track);
/* "on track", "at risk", "off track", "no data" (static). */
const char *trend_status_name(enum metric_status s);
/* "on_track", "at_risk", "off_track", "no_data" (static), for JSON and CSS. */
const char *trend_status_id(enum metric_status s);

#define TREND_ALPHA 0.05

struct trend_mk {
	size_t n;          /* points used (NaN points are skipped) */
	long long s;       /* Mann-Kendall S */
	double var;        /* variance of S, with the tie correction */
	double z, p;       /* continuity-corrected Z, two-sided p (1 when n < 2) */
	int direction;     /* +1 rising, -1 falling, 0 no clear trend (p >= alpha) */
	double confidence; /* 100 (1 - p), in percent */
};

/* Mann-Kendall over x[0..n) in time order; NaN entries are missing points. */
void trend_mann_kendall(const double *x, size_t n, struct trend_mk *out);

/*
 * The result in words into buf: "rising, 99.6 % confidence", "falling,
 * 97.1 % confidence", "no clear trend" or, under 3 points, "no clear
 * trend (2 points; a trend needs 3 or more)".  The confidence is
 * rounded down to one decimal so that a shown 95.0 % never hides a p
 * above alpha.
 */
void trend_words(const struct trend_mk *mk, char *buf, size_t len);
/* The statistic for a tooltip: "Mann-Kendall S = 9, Z = 2.02, p = 0.043, n = 5". */
void trend_detail(const struct trend_mk *mk, char *buf, size_t len);

#endif
