/*
 * money.c - currencies, the amount parser, rounding and the formatters;
 * see money.h for the rules.
 *
 * The currency table is the short list of ISO 4217 codes an organisation
 * is likely to price AI in, with their minor-unit digits from the ISO 4217
 * list (JPY and KRW have none).  A code not in it is an error, not a
 * guess: an unknown code is far more often a typo ("EUROS", "US$") than a
 * currency we lack.
 */
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "aiv.h"
#include "core/money.h"

static const struct money_currency currencies[] = {
	{ "AUD", 2, "A$" },   { "BRL", 2, "R$" },   { "CAD", 2, "CA$" }, { "CHF", 2, "CHF" },
	{ "CNY", 2, "CN¥" },  { "CZK", 2, "CZK" },  { "DKK", 2, "DKK" }, { "EUR", 2, "€" },
	{ "GBP", 2, "£" },    { "HKD", 2, "HK$" },  { "INR", 2, "₹" },   { "JPY", 0, "¥" },
	{ "KRW", 0, "₩" },    { "MXN", 2, "MX$" },  { "NOK", 2, "NOK" }, { "NZD", 2, "NZ$" },
	{ "PLN", 2, "PLN" },  { "SEK", 2, "SEK" },  { "SGD", 2, "SGD" }, { "USD", 2, "$" },
	{ "ZAR", 2, "ZAR" },
};

const struct money_currency *money_currency(const char *code)
{
	size_t i;

	if (!code)
		return NULL;
	for (i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (!strcmp(currencies[i].code, code))
			return &currencies[i];
	return NULL;
}

int64_t money_pow10(int n)
{
	int64_t v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

int money_parse(const char *text, const struct money_currency *cur, int extra, int64_t *out,
		const char *what, struct aiv_err *err)
{
	int scale = cur->digits + extra, neg = 0, ndec = 0, seen_dot = 0, ncomma = 0;
	int group = -1; /* digits since the last ',' (-1: no ',' yet) */
	int nint = 0;
	const char *p = text;
	__int128 v = 0;

	*out = 0;
	if (!text || !*text)
		return aiv_fail(err, AIV_EINPUT, "%s: empty amount", what);
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (seen_dot) {
				if (++ndec > scale)
					return aiv_fail(err, AIV_EINPUT, "%s: '%s' has more decimals than "
							"%d", what, text, scale);
			} else {
				nint++;
				if (group >= 0)
					group++;
			}
			v = v * 10 + (*p - '0');
			if (v > (__int128)INT64_MAX)
				return aiv_fail(err, AIV_EINPUT, "%s: '%s' is too large", what, text);
		} else if (*p == ',' && !seen_dot) {
			if ((group >= 0 && group != 3) || nint == 0 || (group < 0 && nint > 3))
				return aiv_fail(err, AIV_EINPUT, "%s: '%s': ',' may only group thousands "
						"(1,204.50); the decimal separator is '.'", what, text);
			group = 0;
			ncomma++;
		} else if (*p == '.' && !seen_dot) {
			if (group >= 0 && group != 3)
				return aiv_fail(err, AIV_EINPUT, "%s: '%s': ',' may only group thousands "
						"(1,204.50)", what, text);
			seen_dot = 1;
		} else {
			return aiv_fail(err, AIV_EINPUT, "%s: '%s' is not an amount (digits, '.' for "
					"decimals, ',' for thousands)", what, text);
		}
	}
	if (!nint && !ndec)
		return aiv_fail(err, AIV_EINPUT, "%s: '%s' is not an amount", what, text);
	if (group >= 0 && group != 3)
		return aiv_fail(err, AIV_EINPUT, "%s: '%s': ',' may only group thousands "
				"(1,204.50); the decimal separator is '.'", what, text);
	if (ncomma == 1 && !seen_dot)
		return aiv_fail(err, AIV_EINPUT, "%s: '%s' is ambiguous (a thousands ',' or a "
				"decimal ','?): write %s.00 or use '.' for decimals", what, text, text);
	while (ndec < scale) {
		v *= 10;
		ndec++;
		if (v > (__int128)INT64_MAX)
			return aiv_fail(err, AIV_EINPUT, "%s: '%s' is too large", what, text);
	}
	*out = (int64_t)(neg ? -v : v);
	return 0;
}

/* The 128-bit integer is a GCC/Clang extension on 64-bit targets, the ones we build for. */
int64_t money_round_div(__int128 n, int64_t d, int *overflow)
{
	__int128 q, r;
	int neg = n < 0;

	if (overflow)
		*overflow = 0;
	if (neg)
		n = -n;
	q = n / d;
	r = n % d;
	if (2 * r > d || (2 * r == d && (q & 1)))
		q++;
	if (q > (__int128)INT64_MAX) {
		if (overflow)
			*overflow = 1;
		return 0;
	}
	return (int64_t)(neg ? -q : q);
}

int64_t money_muldiv(int64_t a, int64_t b, int64_t d, int *overflow)
{
	return money_round_div((__int128)a * b, d, overflow);
}

/* Whole number with ',' every three digits. */
static void add_grouped(struct strbuf *sb, uint64_t v)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v), i;

	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, digits[i]);
	}
}

void money_add_count(struct strbuf *sb, int64_t n)
{
	if (n < 0)
		strbuf_addch(sb, '-');
	add_grouped(sb, n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n);
}

static int symbol_is_code(const struct money_currency *cur)
{
	return isalpha((unsigned char)cur->symbol[strlen(cur->symbol) - 1]);
}

void money_format(struct strbuf *sb, int64_t minor, const struct money_currency *cur)
{
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t unit = (uint64_t)money_pow10(cur->digits);

	if (minor < 0)
		strbuf_addch(sb, '-');
	strbuf_addstr(sb, cur->symbol);
	if (symbol_is_code(cur))
		strbuf_addch(sb, ' ');
	add_grouped(sb, mag / unit);
	if (cur->digits)
		strbuf_addf(sb, ".%0*llu", cur->digits, (unsigned long long)(mag % unit));
}

void money_format_short(struct strbuf *sb, int64_t minor, const struct money_currency *cur)
{
	static const struct { int64_t major; const char *suffix; } steps[] = {
		{ 1000000000, "bn" }, { 1000000, "M" }, { 1000, "k" },
	};
	int64_t unit = money_pow10(cur->digits), tenths;
	const char *sep = symbol_is_code(cur) ? " " : "";
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (minor / unit >= steps[i].major || minor / unit <= -steps[i].major) {
			tenths = money_muldiv(minor, 10, unit * steps[i].major, NULL);
			if (tenths % 10)
				strbuf_addf(sb, "%s%lld.%lld %s%s%s", tenths < 0 ? "-" : "",
					    (long long)(tenths < 0 ? -tenths : tenths) / 10,
					    (long long)(tenths < 0 ? -tenths : tenths) % 10,
					    steps[i].suffix, sep, cur->symbol);
			else
				strbuf_addf(sb, "%lld %s%s%s", (long long)tenths / 10, steps[i].suffix,
					    sep, cur->symbol);
			return;
		}
	}
	strbuf_addf(sb, "%lld %s", (long long)money_muldiv(minor, 1, unit, NULL), cur->symbol);
}
