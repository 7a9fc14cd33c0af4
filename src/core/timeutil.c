/*
 * timeutil.c - UTC microsecond clock, formatting, and the one date-time
 * parser of the program (time_parse; the format it takes is in timeutil.h).
 *
 * Civil-date arithmetic uses Howard Hinnant's days_from_civil algorithm so
 * that no time zone database and no non-reentrant libc call is involved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aiv.h"
#include "timeutil.h"

int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

int64_t time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t time_now_us(void)
{
	const char *fake = getenv("AIVALUE_FAKE_TIME");
	struct timespec ts;

	if (fake && *fake) {
		int64_t us;
		char *end;
		long long v = strtoll(fake, &end, 10);
		if (*end == '\0')
			return (int64_t)v;
		if (time_parse_iso(fake, &us) == 0)
			return us;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* v (0 <= v < 10^w) as w digits at p */
static void put_digits(char *p, unsigned v, int w)
{
	while (w--) {
		p[w] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Written digit by digit, not with snprintf: process_iso_week formats a
 * date per case (12,000 calls and 45 M instructions of snprintf in an
 * import of 16_bpic2019).  The text is what
 * "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ" printed: every field is in range
 * (the year clamped to 0..9999), so none is wider than its width.
 */
void time_format_us(int64_t us, char out[TIME_ISO_LEN])
{
	int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	int64_t frac = us - secs * 1000000;
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400, y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	memcpy(out, "0000-00-00T00:00:00.000000Z", TIME_ISO_LEN);
	put_digits(out, (unsigned)y, 4);
	put_digits(out + 5, m % 100, 2);
	put_digits(out + 8, d % 100, 2);
	put_digits(out + 11, (unsigned)(rem / 3600), 2);
	put_digits(out + 14, (unsigned)(rem / 60 % 60), 2);
	put_digits(out + 17, (unsigned)(rem % 60), 2);
	put_digits(out + 20, (unsigned)frac, 6);
}

/* A cursor over s[0..len): nothing here reads past len. */
struct cur {
	const char *s;
	size_t i, len;
};

static int peek(const struct cur *c)
{
	return c->i < c->len ? (unsigned char)c->s[c->i] : -1;
}

static int is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* Between lo and hi digits (as many as there are, up to hi) into *out. */
static int digits(struct cur *c, int lo, int hi, int *out)
{
	int v = 0, n = 0;

	while (n < hi && is_digit(peek(c))) {
		v = v * 10 + (c->s[c->i++] - '0');
		n++;
	}
	*out = v;
	return n >= lo ? 0 : -1;
}

static int days_in_month(int y, int m)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mdays[m - 1] + (m == 2 && leap);
}

static int epoch_digits(const char *s, size_t len, size_t *int_len)
{
	size_t i = 0, n;

	while (i < len && is_digit((unsigned char)s[i]))
		i++;
	n = i;
	if (!n)
		return 0;
	if (i < len && s[i] == '.') {
		if (++i == len)
			return 0;
		while (i < len && is_digit((unsigned char)s[i]))
			i++;
	}
	*int_len = n;
	return i == len;
}

static void trim(const char **s, size_t *len)
{
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
}

enum time_epoch time_epoch_unit(const char *s, size_t len, unsigned flags)
{
	size_t n, i;
	uint64_t v = 0;

	if (flags & TIME_TRIM)
		trim(&s, &len);
	if (!epoch_digits(s, len, &n) || n < 9 || n > 19)
		return TIME_EPOCH_NONE;
	for (i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v < UINT64_C(100000000000) ? TIME_EPOCH_S :
	       v < UINT64_C(100000000000000) ? TIME_EPOCH_MS :
	       v < UINT64_C(100000000000000000) ? TIME_EPOCH_US : TIME_EPOCH_NS;
}

/* Unsigned epoch number (optional fraction) in unit into microseconds. */
static int parse_epoch(const char *s, size_t len, enum time_epoch unit, int64_t *us)
{
	static const int64_t per[] = { 0, 0, 1000000, 1000, 1, 0 };
	int64_t scale, frac = 0;
	uint64_t v = 0;
	size_t n, i;

	/* 19 digits fit in uint64_t; microseconds must fit in int64_t */
	if (!epoch_digits(s, len, &n) || n > 19)
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (unit == TIME_EPOCH_NS) {
		*us = (int64_t)(v / 1000);  /* below a microsecond is dropped */
		return 0;
	}
	scale = per[unit];
	if (v > (uint64_t)(INT64_MAX / scale))
		return -1;
	/* the fraction, to the microsecond: digits after '.' times scale */
	for (i = n + 1; i < len && scale > 1; i++) {
		scale /= 10;
		frac += (s[i] - '0') * scale;
	}
	*us = (int64_t)v * per[unit] + frac;
	return 0;
}

/* HH:MM[:SS][.f] after the date; hour_digits_lo 1 lets "9:05" through. */
static int parse_clock(struct cur *c, const struct time_format *f, int hour_lo,
		       int64_t *secs, int64_t *frac)
{
	int h, mi, se = 0;

	if (digits(c, hour_lo, 2, &h) || peek(c) != ':')
		return -1;
	c->i++;
	if (digits(c, 2, 2, &mi))
		return -1;
	if (peek(c) == ':') {
		c->i++;
		if (digits(c, 2, 2, &se))
			return -1;
	}
	*frac = 0;
	if (peek(c) == '.' || peek(c) == ',') {
		int n = 0;
		c->i++;
		if (!is_digit(peek(c)))
			return -1;
		while (is_digit(peek(c))) {
			if (n < 6) {
				*frac = *frac * 10 + (c->s[c->i] - '0');
				n++;
			}
			c->i++;
		}
		while (n++ < 6)
			*frac *= 10;
	}
	if (h == 24 && (f->flags & TIME_END_OF_DAY) && !mi && !se && !*frac)
		; /* the end of the day: the next day's midnight */
	else if (h > 23 || mi > 59 || se > 60)
		return -1;
	*secs = (int64_t)h * 3600 + mi * 60 + se;
	return 0;
}

/* Z, +HH[:MM|MM], " UTC" (flag) or nothing; *off in seconds east of UTC. */
static int parse_offset(struct cur *c, const struct time_format *f, int64_t *off)
{
	int ch = peek(c), oh, om = 0, sign;

	*off = 0;
	if (ch == 'Z' || ch == 'z') {
		c->i++;
		return 0;
	}
	if (ch == '+' || ch == '-') {
		sign = ch == '-' ? -1 : 1;
		c->i++;
		if (digits(c, 2, 2, &oh))
			return -1;
		if (peek(c) == ':') {
			c->i++;
			if (digits(c, 2, 2, &om))
				return -1;
		} else if (is_digit(peek(c)) && digits(c, 2, 2, &om)) {
			return -1;
		}
		if (oh > 23 || om > 59)
			return -1;
		*off = sign * ((int64_t)oh * 3600 + om * 60);
		return 0;
	}
	if ((f->flags & TIME_UTC_WORD) && c->len - c->i == 4 && !memcmp(c->s + c->i, " UTC", 4))
		c->i += 4;
	return 0;
}

/*
 * The date part: year first, or year last read in `order`.  Sets
 * *year_last when the text had the year last (one-digit hours allowed).
 */
static int parse_date(struct cur *c, const struct time_format *f, enum time_order order,
		      int *y, int *mo, int *d, int *year_last)
{
	size_t start = c->i;
	int a, b, sep;

	*year_last = 0;
	if (!digits(c, 4, 4, y) && (peek(c) == '-' || ((f->flags & TIME_DATE_SEPS) && peek(c) == '/'))) {
		sep = c->s[c->i++];
		if (digits(c, 2, 2, mo) || peek(c) != sep)
			return -1;
		c->i++;
		return digits(c, 2, 2, d);
	}
	c->i = start;
	if (order == TIME_ORDER_ISO || digits(c, 1, 2, &a))
		return -1;
	sep = peek(c);
	if (sep != '-' && !((f->flags & TIME_DATE_SEPS) && (sep == '/' || sep == '.')))
		return -1;
	c->i++;
	if (digits(c, 1, 2, &b) || peek(c) != sep)
		return -1;
	c->i++;
	if (digits(c, 4, 4, y))
		return -1;
	*year_last = 1;
	*d = order == TIME_ORDER_DMY ? a : b;
	*mo = order == TIME_ORDER_DMY ? b : a;
	return 0;
}

static int parse_in_order(const char *s, size_t len, const struct time_format *f,
			  enum time_order order, int64_t *us)
{
	struct cur c = { s, 0, len };
	int y, mo, d, year_last;
	int64_t secs = 0, frac = 0, off = 0;

	if (parse_date(&c, f, order, &y, &mo, &d, &year_last))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (peek(&c) == 'T' || peek(&c) == 't' || peek(&c) == ' ') {
		/* " UTC" straight after a date is a zone, not a clock */
		if (!(peek(&c) == ' ' && len - c.i == 4 && (f->flags & TIME_UTC_WORD) &&
		      !memcmp(s + c.i, " UTC", 4))) {
			c.i++;
			if (parse_clock(&c, f, year_last ? 1 : 2, &secs, &frac))
				return -1;
		}
	}
	if (parse_offset(&c, f, &off) || c.i != len)
		return -1;
	*us = (time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + secs - off) * 1000000 +
	      frac;
	return 0;
}

/* Two digits at p as a number, or -1. */
static int two_digits(const char *p)
{
	unsigned a = (unsigned char)p[0] - '0', b = (unsigned char)p[1] - '0';

	return a <= 9 && b <= 9 ? (int)(a * 10 + b) : -1;
}

/*
 * The form nearly every XES date (and most exports) takes, read at fixed
 * places: YYYY-MM-DD, 'T' (or 't' or ' '), HH:MM:SS, optionally '.' or ','
 * and 1 or more fraction digits, then the end, 'Z'/'z', +HH:MM, +HHMM or
 * +HH (or '-').  Returns 1 with *us set when s[0..len) is exactly that
 * and every field is in range, else 0 and the general parser below
 * decides (so anything else, and every error, is its).  Same result as
 * parse_in_order for every string it takes (test_core time_parse_fast_*);
 * The general path cost 510 instructions a date of 16_bpic2019
 * (callgrind: trim, the epoch check, the cursor's bounds checks), this
 * path 300, or less when the day is the one read last.
 */
static int parse_iso_fast(const char *s, size_t len, int64_t *us)
{
	/*
	 * The last valid YYYY-MM-DD this thread read and its day number:
	 * a log's consecutive events mostly share their day.
	 */
	static _Thread_local struct {
		char ymd[10];
		int64_t days;
	} last;
	int y, mo, d, h, mi, se, oh, om = 0;
	int64_t days, frac = 0, off = 0;
	size_t i = 19;

	if (len < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return 0;
	if (!memcmp(s, last.ymd, sizeof(last.ymd))) {
		days = last.days; /* never matches the empty start: s[4] is '-' */
	} else {
		if ((y = two_digits(s)) < 0 || (d = two_digits(s + 2)) < 0)
			return 0;
		y = y * 100 + d;
		if ((mo = two_digits(s + 5)) < 0 || (d = two_digits(s + 8)) < 0 || mo < 1 ||
		    mo > 12 || d < 1 || d > days_in_month(y, mo))
			return 0;
		days = time_days_from_civil(y, (unsigned)mo, (unsigned)d);
		memcpy(last.ymd, s, sizeof(last.ymd));
		last.days = days;
	}
	if ((h = two_digits(s + 11)) < 0 || (mi = two_digits(s + 14)) < 0 ||
	    (se = two_digits(s + 17)) < 0 || h > 23 || mi > 59 || se > 60)
		return 0;
	if (i < len && (s[i] == '.' || s[i] == ',')) {
		int n = 0;
		if (++i == len || !is_digit((unsigned char)s[i]))
			return 0;
		for (; i < len && is_digit((unsigned char)s[i]); i++)
			if (n < 6) {
				frac = frac * 10 + (s[i] - '0');
				n++;
			}
		while (n++ < 6)
			frac *= 10;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;
		if (len - i < 3 || (oh = two_digits(s + i + 1)) < 0)
			return 0;
		i += 3;
		if (i < len && s[i] == ':') {
			if (len - i < 3 || (om = two_digits(s + i + 1)) < 0)
				return 0;
			i += 3;
		} else if (len - i >= 2 && is_digit((unsigned char)s[i])) {
			if ((om = two_digits(s + i)) < 0)
				return 0;
			i += 2;
		}
		if (oh > 23 || om > 59)
			return 0;
		off = sign * ((int64_t)oh * 3600 + om * 60);
	}
	if (i != len)
		return 0;
	*us = (days * 86400 + (int64_t)h * 3600 + mi * 60 + se - off) * 1000000 + frac;
	return 1;
}

int time_parse(const char *s, size_t len, const struct time_format *f, int64_t *us)
{
	enum time_epoch unit = f->epoch;

	if (!s)
		return -1;
	/*
	 * Neither trimming (it starts with a digit and ends with a digit or
	 * 'Z') nor an epoch number ('-' at 4) nor the date order (year first)
	 * changes how the general path reads this form; a format told the text
	 * is an epoch number refuses it, so that one goes the general way.
	 */
	if ((unit == TIME_EPOCH_NONE || unit == TIME_EPOCH_AUTO) && parse_iso_fast(s, len, us))
		return 0;
	if (f->flags & TIME_TRIM)
		trim(&s, &len);
	if (!len)
		return -1;
	if (unit != TIME_EPOCH_NONE) {
		size_t n;
		if (unit == TIME_EPOCH_AUTO)
			unit = time_epoch_unit(s, len, 0);
		if (unit != TIME_EPOCH_NONE && epoch_digits(s, len, &n))
			return parse_epoch(s, len, unit, us);
		if (f->epoch != TIME_EPOCH_AUTO)
			return -1; /* told it is an epoch number: nothing else is */
	}
	return parse_in_order(s, len, f, f->order, us);
}

unsigned time_orders_possible(const char *s, size_t len, const struct time_format *f)
{
	struct time_format g = *f;
	unsigned m = 0;
	int64_t t;

	if (f->flags & TIME_TRIM)
		trim(&s, &len);
	g.flags |= TIME_DATE_SEPS;
	if (!parse_in_order(s, len, &g, TIME_ORDER_ISO, &t))
		return 0;
	if (!parse_in_order(s, len, &g, TIME_ORDER_DMY, &t))
		m |= 1u << TIME_ORDER_DMY;
	if (!parse_in_order(s, len, &g, TIME_ORDER_MDY, &t))
		m |= 1u << TIME_ORDER_MDY;
	return m;
}

int time_parse_iso(const char *s, int64_t *us)
{
	static const struct time_format iso = { TIME_ORDER_ISO, TIME_EPOCH_NONE, 0 };

	return s ? time_parse(s, strlen(s), &iso, us) : -1;
}
