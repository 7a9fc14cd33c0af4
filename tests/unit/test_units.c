/*
 * test_units.c - unit tests for core/units: durations, numbers,
 * percentages and percentage points as a person reads them.
 */
#include "unit.h"

#include <math.h>
#include <string.h>

#include "core/units.h"

static void durations_in_days_hours_minutes(void **state)
{
	char b[UNITS_BUF];

	(void)state;
	/* 2 d 03 h = 183600 s; 3 d 06 h = 280800 s (the demo's claims) */
	assert_string_equal(units_duration(183600, b, sizeof(b)), "2 d 03 h");
	assert_string_equal(units_duration(280800, b, sizeof(b)), "3 d 06 h");
	/* 279520.5 s = 77.64 h: rounds to 78 h = 3 d 06 h */
	assert_string_equal(units_duration(279520.5, b, sizeof(b)), "3 d 06 h");
	/* 23 h 59 min rounds up to a whole day */
	assert_string_equal(units_duration(86340, b, sizeof(b)), "1 d 00 h");
	assert_string_equal(units_duration(18420, b, sizeof(b)), "5 h 07 min");
	assert_string_equal(units_duration(250, b, sizeof(b)), "4 min 10 s");
	assert_string_equal(units_duration(42, b, sizeof(b)), "42 s");
	assert_string_equal(units_duration(1.5, b, sizeof(b)), "1.5 s");
	assert_string_equal(units_duration(-99596.5, b, sizeof(b)), "-1 d 04 h");
	assert_string_equal(units_duration(NAN, b, sizeof(b)), "no data");
}

static void numbers_without_float_noise(void **state)
{
	char b[UNITS_BUF];

	(void)state;
	assert_string_equal(units_number(95922, b, sizeof(b)), "95,922");
	assert_string_equal(units_number(-1234567, b, sizeof(b)), "-1,234,567");
	assert_string_equal(units_number(999.6, b, sizeof(b)), "1,000");
	assert_string_equal(units_number(0.160287, b, sizeof(b)), "0.16");
	assert_string_equal(units_number(12.5, b, sizeof(b)), "12.5");
	assert_string_equal(units_number(3, b, sizeof(b)), "3");
	assert_string_equal(units_number(0.0009464, b, sizeof(b)), "0.000946");
	assert_string_equal(units_number(0, b, sizeof(b)), "0");
	assert_string_equal(units_number(NAN, b, sizeof(b)), "no data");
}

static void shares_and_points(void **state)
{
	char b[UNITS_BUF];

	(void)state;
	assert_string_equal(units_percent(0.160287, b, sizeof(b)), "16.0 %");
	assert_string_equal(units_percent(0.159341, b, sizeof(b)), "15.9 %");
	assert_string_equal(units_relative(0.356312, b, sizeof(b)), "36 %");
	assert_string_equal(units_relative(0.047, b, sizeof(b)), "4.7 %");
	assert_string_equal(units_points(-0.0009464, b, sizeof(b)), "-0.1 pp");
	assert_string_equal(units_points(0.12, b, sizeof(b)), "12 pp");
	assert_string_equal(units_value("ratio", 0.5, b, sizeof(b)), "50.0 %");
	assert_string_equal(units_value("seconds", 3600, b, sizeof(b)), "1 h 00 min");
	assert_string_equal(units_value("count", 12000, b, sizeof(b)), "12,000");
	assert_string_equal(units_value("EUR", 12.5, b, sizeof(b)), "12.5 EUR");
	assert_string_equal(units_delta("ratio", -0.05, b, sizeof(b)), "5.0 pp");
	assert_string_equal(units_delta("seconds", -99596.5, b, sizeof(b)), "1 d 04 h");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations_in_days_hours_minutes),
		cmocka_unit_test(numbers_without_float_noise),
		cmocka_unit_test(shares_and_points),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
