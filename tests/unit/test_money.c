/*
 * test_money.c - unit tests for core/money: currency table, the amount
 * parser (and what it refuses), half-even rounding, both formatters.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "core/money.h"

static void currencies_have_their_minor_digits(void **state)
{
	static const char *const two[] = { "EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK",
					   "PLN", "CAD", "AUD", "INR", "CNY", "BRL" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
		assert_non_null(money_currency(two[i]));
		assert_int_equal(money_currency(two[i])->digits, 2);
	}
	assert_int_equal(money_currency("JPY")->digits, 0);
	assert_null(money_currency("EUROS"));
	assert_null(money_currency("eur"));
	assert_null(money_currency(""));
	assert_null(money_currency(NULL));
}

static int64_t parse_ok(const char *text, const char *code, int extra)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t v = -999;

	if (money_parse(text, money_currency(code), extra, &v, "price", &err))
		fail_msg("'%s' refused: %s", text, err.msg);
	return v;
}

static void parse_refused(const char *text, const char *code, const char *why)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t v;

	assert_int_equal(money_parse(text, money_currency(code), 0, &v, "seat price", &err),
			 AIV_EINPUT);
	assert_contains(err.msg, "seat price");
	assert_contains(err.msg, why);
}

static void parse_amounts(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("12.50", "EUR", 0), 1250);
	assert_int_equal(parse_ok("12.5", "EUR", 0), 1250);
	assert_int_equal(parse_ok("12", "EUR", 0), 1200);
	assert_int_equal(parse_ok("1,204.5", "EUR", 0), 120450);
	assert_int_equal(parse_ok("1,204,350.00", "USD", 0), 120435000);
	assert_int_equal(parse_ok("1,204,350", "USD", 0), 120435000);
	assert_int_equal(parse_ok("0.07", "USD", 0), 7);
	assert_int_equal(parse_ok("-3", "EUR", 0), -300);
	assert_int_equal(parse_ok("1500", "JPY", 0), 1500);
	/* a model price per million tokens at 1/10000 of a cent: $0.075 */
	assert_int_equal(parse_ok("0.075", "USD", 4), 75000);
	assert_int_equal(parse_ok("2.50", "USD", 4), 2500000);
}

static void parse_refuses_what_it_would_have_to_guess(void **state)
{
	(void)state;
	parse_refused("1,204", "EUR", "ambiguous");
	parse_refused("12,5", "EUR", "may only group thousands");
	parse_refused("1,20.5", "EUR", "may only group thousands");
	parse_refused("1234,567.00", "EUR", "may only group thousands");
	parse_refused("12.505", "EUR", "more decimals than 2");
	parse_refused("12.5", "JPY", "more decimals than 0");
	parse_refused("12 EUR", "EUR", "is not an amount");
	parse_refused("1.2.3", "EUR", "is not an amount");
	parse_refused("", "EUR", "empty amount");
	parse_refused("-", "EUR", "is not an amount");
	parse_refused("99999999999999999999", "EUR", "too large");
}

static void muldiv_rounds_half_to_even(void **state)
{
	int overflow = -1;

	(void)state;
	assert_int_equal(money_muldiv(5, 1, 2, NULL), 2);   /* 2.5 -> 2 */
	assert_int_equal(money_muldiv(7, 1, 2, NULL), 4);   /* 3.5 -> 4 */
	assert_int_equal(money_muldiv(-5, 1, 2, NULL), -2); /* -2.5 -> -2 */
	assert_int_equal(money_muldiv(26, 1, 10, NULL), 3); /* 2.6 -> 3 */
	assert_int_equal(money_muldiv(24, 1, 10, NULL), 2); /* 2.4 -> 2 */
	/* 1,234,567 tokens at $2.50 per million (2500000 in 1/10000 cent):
	 * 1234567 * 2500000 / (1e6 * 1e4) = 308.64175 cents -> 309 */
	assert_int_equal(money_muldiv(1234567, 2500000, 10000000000LL, &overflow), 309);
	assert_int_equal(overflow, 0);
	/* a trillion tokens at $60 per million does not overflow: $60,000,000 */
	assert_int_equal(money_muldiv(1000000000000LL, 60000000, 10000000000LL, NULL),
			 6000000000LL);
	money_muldiv(INT64_MAX, INT64_MAX, 1, &overflow);
	assert_int_equal(overflow, 1);
}

static char *fmt(int64_t v, const char *code, int short_form)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	if (short_form)
		money_format_short(&sb, v, money_currency(code));
	else
		money_format(&sb, v, money_currency(code));
	return strbuf_detach(&sb, NULL);
}

static void format_long_and_short(void **state)
{
	static const struct { int64_t v; const char *code; int s; const char *want; } cases[] = {
		{ 120435000, "EUR", 0, "€1,204,350.00" },
		{ 1250, "EUR", 0, "€12.50" },
		{ 7, "USD", 0, "$0.07" },
		{ -500, "USD", 0, "-$5.00" },
		{ 1250, "CHF", 0, "CHF 12.50" },
		{ 1204350, "JPY", 0, "¥1,204,350" },
		{ 0, "GBP", 0, "£0.00" },
		{ 120435000, "EUR", 1, "1.2 M€" },
		{ 4510000, "USD", 1, "45.1 k$" },
		{ 4500000, "USD", 1, "45 k$" },
		{ 85000, "EUR", 1, "850 €" },
		{ 340000000000LL, "CHF", 1, "3.4 bn CHF" },
		{ -120435000, "EUR", 1, "-1.2 M€" },
		/* 1.25 M rounds half to even: 1.2 */
		{ 125000000, "EUR", 1, "1.2 M€" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = fmt(cases[i].v, cases[i].code, cases[i].s);

		if (strcmp(got, cases[i].want))
			fail_msg("%lld %s: got \"%s\", want \"%s\"", (long long)cases[i].v,
				 cases[i].code, got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(currencies_have_their_minor_digits),
		cmocka_unit_test(parse_amounts),
		cmocka_unit_test(parse_refuses_what_it_would_have_to_guess),
		cmocka_unit_test(muldiv_rounds_half_to_even),
		cmocka_unit_test(format_long_and_short),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
