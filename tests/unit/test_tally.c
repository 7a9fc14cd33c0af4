/*
 * test_tally.c - unit tests for core/tally: counts, first places, strict
 * mode, the JSON form and its round trip, and the printed words.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "core/tally.h"

static void tally_counts_reasons_in_first_seen_order(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct tally t;

	(void)state;
	tally_init(&t, "events");
	t.read = 10;
	t.used = 7;
	assert_int_equal(tally_skip(&t, "no activity", "a.xes:12", &err), 0);
	assert_int_equal(tally_skip(&t, "bad time", "a.xes:20", &err), 0);
	assert_int_equal(tally_skip(&t, "no activity", "a.xes:30", &err), 0);
	tally_note(&t, "attribute in <global>", "a.xes:3");
	tally_assume(&t, "day-first dates", NULL);
	assert_int_equal(tally_skipped(&t), 3);
	assert_true(tally_balanced(&t));
	assert_int_equal(t.nskips, 2);
	assert_string_equal(t.skips[0].what, "no activity");
	assert_int_equal(t.skips[0].count, 2);
	assert_string_equal(t.skips[0].where, "a.xes:12");
	assert_null(t.assumptions[0].where);
	t.used = 8;
	assert_false(tally_balanced(&t));
	tally_release(&t);
}

static void tally_strict_refuses_the_first_skip(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct tally t;

	(void)state;
	tally_init(&t, "rows");
	t.strict = 1;
	assert_int_equal(tally_skip(&t, "seat assignee is a team", "seats.json:record 3", &err),
			 AIV_EINPUT);
	assert_non_null(strstr(err.msg, "seats.json:record 3: seat assignee is a team"));
	assert_non_null(strstr(err.msg, "--strict"));
	tally_release(&t);
}

static void tally_json_round_trips(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct tally t, back;
	json_t *j, *j2;
	char *s1, *s2;

	(void)state;
	tally_init(&t, "rows");
	t.read = 5;
	t.used = 4;
	tally_skip(&t, "blank person", "u.csv:4", &err);
	tally_note(&t, "column 'x' not used", NULL);
	tally_assume(&t, "month-first dates", "u.csv:2");
	j = tally_json(&t);
	assert_int_equal(json_integer_value(json_object_get(j, "skipped")), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(j, "skips"), 0), "first")), "u.csv:4");
	assert_int_equal(tally_from_json(&back, j, &err), 0);
	j2 = tally_json(&back);
	json_object_set_new(j2, "unit", json_string("rows"));
	s1 = json_dumps(j, JSON_SORT_KEYS);
	s2 = json_dumps(j2, JSON_SORT_KEYS);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	json_decref(j);
	json_decref(j2);
	tally_release(&back);
	json_t *bad = json_pack("{s:I}", "read", (json_int_t)1);
	assert_int_equal(tally_from_json(&back, bad, &err), AIV_EINPUT);
	json_decref(bad);
	tally_release(&back);
	tally_release(&t);
}

static void tally_prints_plain_words(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct tally t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	tally_init(&t, "events");
	t.read = 1234567;
	t.used = 1234566;
	tally_skip(&t, "event without concept:name", "log.xes:812", &err);
	f = open_memstream(&buf, &len);
	tally_print(&t, f, 2);
	fclose(f);
	assert_string_equal(buf,
		"  read 1,234,567 events: 1,234,566 used, 1 skipped\n"
		"    skipped 1: event without concept:name (first at log.xes:812)\n");
	free(buf);
	tally_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tally_counts_reasons_in_first_seen_order),
		cmocka_unit_test(tally_strict_refuses_the_first_skip),
		cmocka_unit_test(tally_json_round_trips),
		cmocka_unit_test(tally_prints_plain_words),
	};

	return cmocka_run_group_tests_name("tally", tests, NULL, NULL);
}
