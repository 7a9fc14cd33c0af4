/*
 * timeparse.c - the timestamp formats event logs arrive in.
 *
 * Hand-written rather than strptime(): strptime neither parses offsets
 * portably nor fractions, and at a million events per second the parse
 * must be a few dozen instructions.  Day-first for dates with the year
 * last (the European reading; US month-first dates are not guessed).
 */
#include <string.h>

#include "core/timeutil.h"
#include "ingest/ingest.h"

static int num(const char *s, size_t len, size_t *i, int n, int *out)
{
	int v = 0, k;

	if (*i + (size_t)n > len)
		return -1;
	for (k = 0; k < n; k++) {
		char c = s[*i + (size_t)k];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)n;
	*out = v;
	return 0;
}

static int all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len > 0;
}

static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

int ingest_parse_time(const char *s, size_t len, int64_t *us)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	int64_t frac = 0;
	size_t i = 0;
	char sep;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (all_digits(s, len) && (len == 10 || len == 13)) {
		int64_t v = 0;
		for (i = 0; i < len; i++)
			v = v * 10 + (s[i] - '0');
		*us = len == 10 ? v * 1000000 : v * 1000;
		return 0;
	}
	if (len >= 10 && (s[4] == '-' || s[4] == '/')) {
		sep = s[4];
		if (num(s, len, &i, 4, &y) || s[i++] != sep || num(s, len, &i, 2, &mo) ||
		    i >= len || s[i++] != sep || num(s, len, &i, 2, &d))
			return -1;
	} else if (len >= 10 && (s[2] == '-' || s[2] == '/' || s[2] == '.')) {
		sep = s[2];
		if (num(s, len, &i, 2, &d) || s[i++] != sep || num(s, len, &i, 2, &mo) ||
		    i >= len || s[i++] != sep || num(s, len, &i, 4, &y))
			return -1;
	} else {
		return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (num(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
		    num(s, len, &i, 2, &mi))
			return -1;
		if (i < len && s[i] == ':') {
			i++;
			if (num(s, len, &i, 2, &se))
				return -1;
		}
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			int n = 0;
			i++;
			if (i >= len || s[i] < '0' || s[i] > '9')
				return -1;
			while (i < len && s[i] >= '0' && s[i] <= '9') {
				if (n < 6) {
					frac = frac * 10 + (s[i] - '0');
					n++;
				}
				i++;
			}
			while (n++ < 6)
				frac *= 10;
		}
		if (h > 24 || mi > 59 || se > 60 || (h == 24 && (mi || se || frac)))
			return -1;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '-' ? -1 : 1;
		i++;
		if (num(s, len, &i, 2, &oh))
			return -1;
		if (i < len && s[i] == ':')
			i++;
		if (i < len && num(s, len, &i, 2, &om))
			return -1;
		if (oh > 23 || om > 59)
			return -1;
	} else if (i + 4 <= len && !memcmp(s + i, " UTC", 4)) {
		i += 4;
	}
	if (i != len)
		return -1;
	*us = ((time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		(int64_t)h * 3600 + mi * 60 + se) -
	       (int64_t)sign * (oh * 3600 + om * 60)) * 1000000 + frac;
	return 0;
}
