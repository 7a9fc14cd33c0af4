/*
 * test_cli_table.c - unit tests for cli/table (column widths fitted to a
 * terminal) and cli/color (the colour decision).
 */
#include "unit.h"

#include "cli/color.h"
#include "cli/table.h"

/* A 3-column table: a 20-character name, a number, a 12-character note. */
static void fill(struct table *t)
{
	static const char *const heads[] = { "NAME", "N", "NOTE", NULL };

	table_init(t, heads);
	table_right(t, 1);
	table_add(t, "abcdefghijklmnopqrst"); /* 20 */
	table_add(t, "12345");                /* 5, kept: a number */
	table_add(t, "short note!!");         /* 12 */
	table_add(t, "x");
	table_add(t, "7");
	table_add(t, NULL);                   /* "-" */
}

static void widths_without_limit(void **state)
{
	struct table t;
	size_t w[3];

	(void)state;
	fill(&t);
	assert_int_equal(table_rows(&t), 2);
	table_fit(&t, 0, w);
	assert_int_equal(w[0], 20);
	assert_int_equal(w[1], 5);
	assert_int_equal(w[2], 12);
	/* 20 + 5 + 12 + 2 gaps of 2 = 41: a limit of 41 cuts nothing */
	table_fit(&t, 41, w);
	assert_int_equal(w[0], 20);
	assert_int_equal(w[2], 12);
	table_release(&t);
}

static void widest_text_column_cut_first(void **state)
{
	struct table t;
	size_t w[3];

	(void)state;
	fill(&t);
	/* 41 into 35: NAME alone goes 20 -> 14, NOTE (12) is narrower still */
	table_fit(&t, 35, w);
	assert_int_equal(w[0], 14);
	assert_int_equal(w[1], 5);
	assert_int_equal(w[2], 12);
	/* 41 into 25: 16 to cut; NAME 20 -> 12 (8), then both 12 -> 8 (4 + 4) */
	table_fit(&t, 25, w);
	assert_int_equal(w[0], 8);
	assert_int_equal(w[1], 5);
	assert_int_equal(w[2], 8);
	/* 41 into 10: nothing below TABLE_MIN_WIDTH, the number is never cut */
	table_fit(&t, 10, w);
	assert_int_equal(w[0], TABLE_MIN_WIDTH);
	assert_int_equal(w[1], 5);
	assert_int_equal(w[2], TABLE_MIN_WIDTH);
	table_release(&t);
}

static void characters_not_bytes(void **state)
{
	static const char *const heads[] = { "WHO", NULL };
	struct table t;
	size_t w[1];

	(void)state;
	table_init(&t, heads);
	table_add(&t, "Zoë Łukasiewicz");    /* 15 characters, 17 bytes */
	table_add(&t, "a\033[2Jb");           /* ESC shown as \x1b: 9 characters */
	table_fit(&t, 0, w);
	assert_int_equal(w[0], 15);
	assert_string_equal(t.cells[2].text, "a\\x1b[2Jb");
	assert_int_equal(t.cells[2].width, 9);
	table_release(&t);
}

static void colour_words_and_modes(void **state)
{
	enum color_mode m;

	(void)state;
	assert_int_equal(color_for_word("pass"), COLOR_GOOD);
	assert_int_equal(color_for_word("fail"), COLOR_BAD);
	assert_int_equal(color_for_word("lacks evidence"), COLOR_WARN);
	assert_int_equal(color_for_word("at risk"), COLOR_WARN);
	assert_int_equal(color_for_word("off track"), COLOR_BAD);
	assert_int_equal(color_for_word("high"), COLOR_BAD);
	assert_int_equal(color_for_word("low"), COLOR_DIM);
	assert_int_equal(color_for_word("passing"), COLOR_NONE);
	assert_int_equal(color_for_word(NULL), COLOR_NONE);
	assert_int_equal(color_parse("always", &m), 0);
	assert_int_equal(m, COLOR_ALWAYS);
	assert_int_equal(color_parse("never", &m), 0);
	assert_int_equal(m, COLOR_NEVER);
	assert_int_equal(color_parse("yes", &m), -1);
	color_set_mode(COLOR_ALWAYS);
	assert_int_equal(color_enabled(), 1);
	color_set_mode(COLOR_NEVER);
	assert_int_equal(color_enabled(), 0);
	/* auto: never when stdout is a file or a pipe (as under make test) */
	color_set_mode(COLOR_AUTO);
	if (!isatty(STDOUT_FILENO))
		assert_int_equal(color_enabled(), 0);
}

/* What table_print writes to stdout (a file here, so nothing is cut). */
static void print_to(const struct table *t, char *out, size_t n)
{
	FILE *tmp = tmpfile();
	int saved;
	size_t got;

	assert_non_null(tmp);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
	table_print(t);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	got = fread(out, 1, n - 1, tmp);
	out[got] = '\0';
	fclose(tmp);
}

/* A row ends after its last non-empty cell: no line ends in spaces. */
static void rows_end_at_last_filled_cell(void **state)
{
	static const char *const heads[] = { "MONTH", "N", "+0", "+1", NULL };
	struct table t;
	char out[256];

	(void)state;
	color_set_mode(COLOR_NEVER);
	table_init(&t, heads);
	table_right(&t, 1);
	table_right(&t, 2);
	table_right(&t, 3);
	table_add(&t, "2026-01");
	table_add(&t, "24");
	table_add(&t, "100%");
	table_add(&t, "83%");
	table_add(&t, "2026-02");
	table_add(&t, "9");
	table_add(&t, "100%");
	table_add(&t, "");
	table_add(&t, "total");
	table_add(&t, "33");
	table_add(&t, "");
	table_add(&t, "");
	print_to(&t, out, sizeof(out));
	assert_string_equal(out,
			    "MONTH     N    +0   +1\n"
			    "2026-01  24  100%  83%\n"
			    "2026-02   9  100%\n"
			    "total    33\n");
	table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(widths_without_limit),
		cmocka_unit_test(widest_text_column_cut_first),
		cmocka_unit_test(characters_not_bytes),
		cmocka_unit_test(colour_words_and_modes),
		cmocka_unit_test(rows_end_at_last_filled_cell),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
