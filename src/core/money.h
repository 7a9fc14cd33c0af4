/*
 * money.h - money as integer minor units, ISO 4217 currencies, and the one
 * parser and formatter of amounts.
 *
 * Every money figure aivalue computes is an int64 count of the currency's
 * minor unit (cents for EUR and USD, yen for JPY), never a binary double:
 * sums are exact, and the only rounding is where a product or a share has
 * to land on a whole minor unit (money_muldiv), always half to even
 * ("banker's rounding": 2.5 -> 2, 3.5 -> 4, -2.5 -> -2), so rounding errors
 * do not drift one way when thousands of lines are added up.
 *
 * A price with more decimals than its currency has (a model's price per
 * million tokens, $0.075) is parsed at a finer scale: money_parse's
 * `extra` digits, e.g. extra 4 keeps 1/10000 of a cent exactly.
 *
 * Text in: "12.50", "1204.5", "1,204.5", "1,204,350.00", "-3".  The decimal
 * separator is '.'; ',' only groups thousands before it.  Refused, never
 * guessed: "1,204" (a thousands comma or a decimal comma?), "12,5",
 * "1,20.5", more decimals than the scale holds, anything but digits.
 *
 * Text out: money_format "€1,204,350.00", "-$5.00", "CHF 12.50";
 * money_format_short "1.2 M€", "45 k$", "850 €", "3.4 bn CHF".
 */
#ifndef AIV_CORE_MONEY_H
#define AIV_CORE_MONEY_H

#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"

struct money_currency {
	const char *code;   /* "EUR" */
	int digits;         /* minor-unit digits: 2, JPY 0 */
	const char *symbol; /* "€", or the code when a symbol would be ambiguous */
};

/* The currency with ISO 4217 code `code` (upper case), or NULL if unknown. */
const struct money_currency *money_currency(const char *code);

/*
 * Parse `text` as an amount of `cur` into *out, in units of
 * 10^-(cur->digits + extra) of the major unit (extra 0: minor units).
 * `what` names the field in the message ("seat price").  0, or AIV_EINPUT
 * with err saying why (see above for what is refused).
 */
int money_parse(const char *text, const struct money_currency *cur, int extra, int64_t *out,
		const char *what, struct aiv_err *err);

/*
 * round_half_even(a * b / d), for d > 0, with a 128-bit intermediate so no
 * product of an int64 count and an int64 price overflows.  Sets *overflow
 * (when not NULL) and returns 0 if the result does not fit an int64.
 */
int64_t money_muldiv(int64_t a, int64_t b, int64_t d, int *overflow);

/*
 * round_half_even(n / d) for d > 0 (the rounding step of money_muldiv, for
 * callers that sum exact 128-bit products first).  Sets *overflow (when not
 * NULL) and returns 0 if the result does not fit an int64.
 */
int64_t money_round_div(__int128 n, int64_t d, int *overflow);

/* 10^n for 0 <= n <= 18. */
int64_t money_pow10(int n);

/* Append a count with ',' every three digits: "1,250", "-3,000". */
void money_add_count(struct strbuf *sb, int64_t n);

/* Append "€1,204,350.00" (minor units of cur) to sb. */
void money_format(struct strbuf *sb, int64_t minor, const struct money_currency *cur);

/*
 * Append the short form: "1.2 M€", "45.1 k€", "850 €", "3.4 bn€" (one
 * decimal from a thousand up, rounded half to even; whole major units below).
 */
void money_format_short(struct strbuf *sb, int64_t minor, const struct money_currency *cur);

#endif
