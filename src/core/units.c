/*
 * units.c - the one formatter for figures a person reads (see units.h).
 *
 * Plain snprintf underneath; the rules are about what a reader expects
 * rather than what printf's %g does: %g switches to an exponent at 1e5
 * or below 1e-4 and drops to "1e+05" for round numbers, so it is never
 * used for a figure on a page.
 */
#include "core/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aiv.h" /* core/banned.h, as every source file */

const char *units_duration(double s, char *buf, size_t n)
{
	const char *sign = s < 0 ? "-" : "";
	double a = fabs(s);

	if (!isfinite(s)) {
		snprintf(buf, n, UNITS_NO_DATA);
	} else if (a >= 86400 - 1800) {
		double h = floor(a / 3600 + 0.5);
		snprintf(buf, n, "%s%.0f d %02.0f h", sign, floor(h / 24), fmod(h, 24));
	} else if (a >= 3600 - 30) {
		double m = floor(a / 60 + 0.5);
		snprintf(buf, n, "%s%.0f h %02.0f min", sign, floor(m / 60), fmod(m, 60));
	} else if (a >= 60 - 0.5) {
		double t = floor(a + 0.5);
		snprintf(buf, n, "%s%.0f min %02.0f s", sign, floor(t / 60), fmod(t, 60));
	} else if (a >= 10 || a == floor(a)) {
		snprintf(buf, n, "%s%.0f s", sign, a);
	} else {
		snprintf(buf, n, "%s%.1f s", sign, a);
	}
	return buf;
}

/* Drop trailing zeros after a decimal point ("0.160" -> "0.16", "3.0" -> "3"). */
static void trim_zeros(char *s)
{
	char *dot = strchr(s, '.'), *end;

	if (!dot)
		return;
	end = s + strlen(s);
	while (end > dot + 1 && end[-1] == '0')
		*--end = '\0';
	if (end == dot + 1)
		*dot = '\0';
}

const char *units_number(double v, char *buf, size_t n)
{
	double a = fabs(v);

	if (!isfinite(v)) {
		snprintf(buf, n, UNITS_NO_DATA);
	} else if (floor(a + 0.5) >= 1000) {
		char digits[32], *o = buf;
		size_t len, i, left = n;
		snprintf(digits, sizeof(digits), "%.0f", a);
		len = strlen(digits);
		if (v < 0 && left > 1) {
			*o++ = '-';
			left--;
		}
		for (i = 0; i < len && left > 1; i++) {
			if (i && (len - i) % 3 == 0 && left > 2) {
				*o++ = ',';
				left--;
			}
			*o++ = digits[i];
			left--;
		}
		*o = '\0';
	} else if (a == 0) {
		snprintf(buf, n, "0");
	} else {
		int dec = 2 - (int)floor(log10(a));
		if (dec < 0)
			dec = 0;
		if (dec > 9)
			dec = 9;
		snprintf(buf, n, "%.*f", dec, v);
		trim_zeros(buf);
		if (!strcmp(buf, "-0"))
			snprintf(buf, n, "0");
	}
	return buf;
}

/* share as a percentage; rounded to whole percent from 10 % up when `round`. */
static const char *percent(double share, int round, char *buf, size_t n)
{
	double p = share * 100;

	if (!isfinite(share))
		snprintf(buf, n, UNITS_NO_DATA);
	else
		snprintf(buf, n, round && fabs(p) >= 9.95 ? "%.0f %%" : "%.1f %%", p);
	return buf;
}

const char *units_percent(double share, char *buf, size_t n)
{
	return percent(share, 0, buf, n);
}

const char *units_relative(double share, char *buf, size_t n)
{
	return percent(share, 1, buf, n);
}

const char *units_points(double diff, char *buf, size_t n)
{
	double p = diff * 100;

	if (!isfinite(diff))
		snprintf(buf, n, UNITS_NO_DATA);
	else
		snprintf(buf, n, fabs(p) < 9.95 ? "%.1f pp" : "%.0f pp", p);
	return buf;
}

const char *units_value(const char *unit, double v, char *buf, size_t n)
{
	char num[UNITS_BUF];

	if (!unit || !*unit || !isfinite(v))
		return units_number(v, buf, n);
	if (!strcmp(unit, "seconds"))
		return units_duration(v, buf, n);
	if (!strcmp(unit, "ratio"))
		return units_percent(v, buf, n);
	if (!strcmp(unit, "count") || !strcmp(unit, "score"))
		return units_number(v, buf, n);
	snprintf(buf, n, "%s %s", units_number(v, num, sizeof(num)), unit);
	return buf;
}

const char *units_delta(const char *unit, double d, char *buf, size_t n)
{
	double a = fabs(d);

	if (unit && !strcmp(unit, "ratio"))
		return units_points(a, buf, n);
	return units_value(unit, a, buf, n);
}
