/*
 * test_progress.c - unit tests for core/progress (the line as drawn, with
 * hand-worked rate and ETA) and core/levenshtein (the distance behind
 * "did you mean").
 */
#include "unit.h"

#include "core/levenshtein.h"
#include "core/progress.h"

static void at(struct progress *p, const char *title, const char *unit, uint64_t done,
	       uint64_t total)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->title, sizeof(p->title), "%s", title);
	p->unit = unit;
	p->done = done;
	p->total = total;
	p->start_ns = 0;
}

static void line_with_bar_rate_and_eta(void **state)
{
	struct progress p;
	char buf[256];

	(void)state;
	/* 4,000 of 10,000 in 2 s: 2,000 rows/s, 6,000 left: 3 s; 8 of 20 marks */
	at(&p, "importing x", "rows", 4000, 10000);
	progress_format(&p, 2000000000LL, buf, sizeof(buf));
	assert_string_equal(buf, "importing x  [########------------]  40%  4,000 of 10,000 rows"
				 "  2,000 rows/s  ETA 3 s");
	/* under a second: no rate, no ETA yet */
	progress_format(&p, 500000000LL, buf, sizeof(buf));
	assert_string_equal(buf, "importing x  [########------------]  40%  4,000 of 10,000 rows");
}

static void bytes_read_in_mb(void **state)
{
	struct progress p;
	char buf[256];

	(void)state;
	/* 1.6 of 10 MB in 2 s: 0.8 MB/s, 8.4 MB left: 10.5 s, shown 10 s; 3.2 marks: 3 */
	at(&p, "importing u.csv", "bytes", 1600000, 10000000);
	progress_format(&p, 2000000000LL, buf, sizeof(buf));
	assert_string_equal(buf, "importing u.csv  [###-----------------]  16%  1.6 of 10.0 MB"
				 "  0.8 MB/s  ETA 10 s");
}

static void counter_and_time_spent(void **state)
{
	struct progress p;
	char buf[256];

	(void)state;
	/* no total: a counter; 12,345 in 5 s is 2,469 a second */
	at(&p, "reading", "events", 12345, 0);
	progress_format(&p, 5000000000LL, buf, sizeof(buf));
	assert_string_equal(buf, "reading  12,345 events  2,469 events/s");
	/* nothing counted yet: the time spent, 75 s */
	at(&p, "phase verdict", NULL, 0, 0);
	progress_format(&p, 75000000000LL, buf, sizeof(buf));
	assert_string_equal(buf, "phase verdict  1 min 15 s");
	/* more done than the total said (a gzip file read past its size): a counter */
	at(&p, "x", "bytes", 3000000, 1000000);
	progress_format(&p, 500000000LL, buf, sizeof(buf));
	assert_string_equal(buf, "x  3.0 MB");
}

static void no_terminal_no_thread(void **state)
{
	struct progress p;

	(void)state;
	progress_set_quiet(1);
	assert_int_equal(progress_active(), 0);
	progress_start(&p, "quiet", "rows", 10);
	assert_int_equal(p.enabled, 0);
	progress_cb(&p, 7, 0);
	assert_int_equal(p.done, 7);
	assert_int_equal(p.total, 10);
	progress_stop(&p);
	assert_int_equal(p.drawn, 0);
	progress_set_quiet(0);
}

static void distances(void **state)
{
	(void)state;
	/* plain Damerau-Levenshtein */
	assert_int_equal(levenshtein("kitten", "sitting", 1, 1, 1, 1), 3);
	assert_int_equal(levenshtein("ca", "ac", 1, 1, 1, 1), 1);
	assert_int_equal(levenshtein("", "abc", 1, 1, 1, 1), 3);
	assert_int_equal(levenshtein("abc", "", 1, 1, 1, 1), 3);
	assert_int_equal(levenshtein("same", "same", 1, 1, 1, 1), 0);
	/* git's weights: swap 0, substitution 2, insertion 1, deletion 3 */
	assert_int_equal(levenshtein("phse", "phase", 0, 2, 1, 3), 1);
	assert_int_equal(levenshtein("pahse", "phase", 0, 2, 1, 3), 0);
	assert_int_equal(levenshtein("phaze", "phase", 0, 2, 1, 3), 2);
	assert_int_equal(levenshtein("phasex", "phase", 0, 2, 1, 3), 3);
	assert_int_equal(levenshtein("as-off", "as-of", 0, 2, 1, 3), 3);
	/* four substitutions (8) beat deleting four and inserting four (16) */
	assert_int_equal(levenshtein("xyzw", "cost", 0, 2, 1, 3), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_with_bar_rate_and_eta),
		cmocka_unit_test(bytes_read_in_mb),
		cmocka_unit_test(counter_and_time_spent),
		cmocka_unit_test(no_terminal_no_thread),
		cmocka_unit_test(distances),
	};

	return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
