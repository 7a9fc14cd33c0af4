/*
 * test_cost.c - unit tests for the price book's lookup by date
 * (assess/pricebook.h) and the cost groupings' names (assess/cost.h).
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "assess/cost.h"
#include "assess/pricebook.h"
#include "core/timeutil.h"

/* Days since 1970-01-01 of a few dates (hand-computed). */
#define D_2026_01_01 20454
#define D_2026_03_01 20513
#define D_2026_03_14 20526
#define D_2026_03_15 20527

static void lookup_by_date(void **state)
{
	/* sorted by kind, subject, from_day as pricebook_load leaves them */
	struct price_line lines[] = {
		{ PRICE_SEAT, "github-copilot", "b", D_2026_01_01, 1900, -1 },
		{ PRICE_SEAT, "github-copilot", "b", D_2026_03_01, 2150, -1 },
		{ PRICE_MODEL, "gpt-4o", "b", D_2026_01_01, 25000, 100000 },
		{ PRICE_MODEL, "gpt-4o", "b", D_2026_03_15, 20000, 80000 },
		{ PRICE_AGENT, "", "b", D_2026_01_01, -1, 1000 },
		{ PRICE_AGENT, "ap-bot", "b", D_2026_03_01, 2500, 1200 },
	};
	struct pricebook pb = { money_currency("EUR"), lines, 6 };
	const struct price_line *l;

	(void)state;
	assert_int_equal(time_days_from_civil(2026, 3, 15), D_2026_03_15);
	/* before the first line: no price */
	assert_null(pricebook_at(&pb, PRICE_SEAT, "github-copilot", D_2026_01_01 - 1));
	assert_int_equal(pricebook_at(&pb, PRICE_SEAT, "github-copilot", D_2026_01_01)->a, 1900);
	assert_int_equal(pricebook_at(&pb, PRICE_SEAT, "github-copilot", D_2026_03_01 - 1)->a, 1900);
	assert_int_equal(pricebook_at(&pb, PRICE_SEAT, "github-copilot", D_2026_03_01)->a, 2150);
	assert_int_equal(pricebook_at(&pb, PRICE_SEAT, "github-copilot", 30000)->a, 2150);
	/* the change on the 15th is used from the 15th, not from the 14th */
	assert_int_equal(pricebook_at(&pb, PRICE_MODEL, "gpt-4o", D_2026_03_14)->b, 100000);
	assert_int_equal(pricebook_at(&pb, PRICE_MODEL, "gpt-4o", D_2026_03_15)->b, 80000);
	assert_null(pricebook_at(&pb, PRICE_MODEL, "gpt-4", D_2026_03_15));
	assert_null(pricebook_at(&pb, PRICE_SEAT, "gpt-4o", D_2026_03_15)); /* kinds apart */
	/* an agent's own line once in force, else the line for every agent */
	l = pricebook_at(&pb, PRICE_AGENT, "ap-bot", D_2026_03_01 - 1);
	assert_non_null(l);
	assert_string_equal(l->subject, "");
	assert_int_equal(pricebook_at(&pb, PRICE_AGENT, "ap-bot", D_2026_03_01)->b, 1200);
	assert_int_equal(pricebook_at(&pb, PRICE_AGENT, "claims-bot", D_2026_03_01)->b, 1000);
}

static void dimension_names(void **state)
{
	(void)state;
	assert_int_equal(cost_dim_parse("initiative"), COST_BY_INITIATIVE);
	assert_int_equal(cost_dim_parse("value-model"), COST_BY_VALUE_MODEL);
	assert_int_equal(cost_dim_parse("none"), COST_BY_NONE);
	assert_int_equal(cost_dim_parse("colour"), -1);
	assert_int_equal(cost_dim_parse(NULL), -1);
	assert_string_equal(cost_kind_names[COST_SEATS_UNUSED], "unused_seats");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_by_date),
		cmocka_unit_test(dimension_names),
	};

	return cmocka_run_group_tests_name("cost", tests, NULL, NULL);
}
