/*
 * test_report_prose.c - findings as prose (report/report_summary.c), the
 * typed figures behind them (assess/findings.c) and the report's two new
 * charts (report/report_charts.c), with hand-worked figures.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "report/report_charts.h"
#include "report/report_summary.h"

/* A finding with five typed figures, one of each unit the printers know. */
static struct finding *make_finding(struct finding_list *l, struct catalog *cat)
{
	struct finding *f;

	memset(l, 0, sizeof(*l));
	memset(cat, 0, sizeof(*cat));
	f = findings_add(l, cat, "two_tier_workforce", "organisation", "high", NULL,
			 "two-tier workforce: repeat use stalls in %s (5%%)", "sales");
	finding_add_figure(f, "org_repeat_rate", "repeat use", 0.54, "ratio", NAN, NULL);
	finding_add_figure(f, "repeat_use_gap", "gap", 0.35, "ratio", 0.3, "at most");
	finding_add_figure(f, "earned_phase", "phase", 1, "phase", 3, "at least");
	finding_add_figure(f, "p", "chance", 0.0043, "p-value", NAN, NULL);
	/* 185,896 s = 51.64 h: 52 h rounded, 2 d 04 h */
	finding_add_figure(f, "cycle", "cycle", 185896, "seconds", NAN, NULL);
	return f;
}

static void test_sentence(void **state)
{
	struct finding_list l;
	struct catalog cat;
	struct finding *f = make_finding(&l, &cat);
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	report_finding_sentence(&sb, f, 0);
	assert_string_equal(sb.buf, "Two-tier workforce: repeat use stalls in sales (5%). "
			    "Evidence: repeat use 54.0 %; gap 35.0 % (target: at most 30.0 %); "
			    "phase 1 (target: at least 3); chance p = 0.004; "
			    "cycle 2 d 04 h.");
	strbuf_reset(&sb);
	/* page one: only the figures with a target */
	report_finding_sentence(&sb, f, 1);
	assert_string_equal(sb.buf, "Two-tier workforce: repeat use stalls in sales (5%). "
			    "Evidence: gap 35.0 % (target: at most 30.0 %); "
			    "phase 1 (target: at least 3).");
	strbuf_reset(&sb);
	/* the findings section prints the name itself: the summary drops it */
	free(f->name);
	f->name = xstrdup("two-tier workforce");
	report_finding_sentence(&sb, f, 2);
	assert_true(!strncmp(sb.buf, "Repeat use stalls in sales (5%). Evidence: repeat use 54.0 %",
			     strlen("Repeat use stalls in sales (5%). Evidence: repeat use 54.0 %")));
	strbuf_release(&sb);
	finding_list_release(&l);
}

static void test_finding_json(void **state)
{
	struct finding_list l;
	struct catalog cat;
	struct finding *f = make_finding(&l, &cat);
	json_t *o, *ev;

	(void)state;
	finding_add_figure(f, "unmeasured", "unmeasured", NAN, "count", NAN, NULL);
	o = finding_json(f);
	ev = json_object_get(o, "evidence");
	assert_int_equal(json_array_size(ev), 6);
	/* the detector's JSON figures stay as they were (an empty object here) */
	assert_true(json_is_object(json_object_get(o, "figures")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 1), "name")),
			    "repeat_use_gap");
	assert_true(json_real_value(json_object_get(json_object_get(json_array_get(ev, 1),
						    "target"), "value")) == 0.3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_array_get(ev, 1), "target"), "bound")), "at most");
	assert_null(json_object_get(json_array_get(ev, 0), "target"));
	assert_true(json_is_null(json_object_get(json_array_get(ev, 5), "value")));
	json_decref(o);
	finding_list_release(&l);
}

static void test_change_word(void **state)
{
	struct cat_metric secs = { .unit = "seconds", .direction = "down" };
	struct cat_metric up = { .unit = "ratio", .direction = "up" };
	struct cat_metric down = { .unit = "ratio", .direction = "down" };

	(void)state;
	assert_string_equal(report_change_word(&secs, 95922), "faster");
	assert_string_equal(report_change_word(&secs, -1), "slower");
	assert_string_equal(report_change_word(&up, 0.1), "higher");
	assert_string_equal(report_change_word(&up, -0.1), "lower");
	assert_string_equal(report_change_word(&down, 0.1), "lower");
	assert_string_equal(report_change_word(&down, -0.1), "higher");
}

static void test_metric_targets(void **state)
{
	struct chart_point one = { 0, 0.5 };
	struct chart_point three[3] = { { 0, 10 }, { 0, 20 }, { 0, 30 } };
	struct chart_point four = { 0, 4 };
	struct chart_metric_row rows[4] = {
		{ "Repeat use", "ratio", "50 %", "60 %", &one, 1, 0.6, 1 },
		{ "Cycle", "count", "30", NULL, three, 3, NAN, 0 },
		{ "Reviewer score", "count", "no data", NULL, NULL, 0, NAN, 1 },
		{ "Reusable workflows", "count", "4", NULL, &four, 1, NAN, 1 },
	};
	const char *p;
	size_t tracks = 0;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	chart_metric_targets(&sb, "Workforce", rows, 4);
	/* a grey track for the first three; a lone count without a target has no scale */
	for (p = sb.buf; (p = strstr(p, "fill=\"#eef0f3\"")); p++)
		tracks++;
	assert_int_equal(tracks, 3);
	assert_non_null(strstr(sb.buf, "<tspan font-weight=\"bold\">4</tspan>"));
	/* a ratio on 0..100 %: 0.5 of the 220 px plot, below its target: red */
	assert_non_null(strstr(sb.buf, "class=\"value\" x=\"190.0\" y=\"10.0\" width=\"110.0\" "
				       "height=\"12\" fill=\"#D55E00\""));
	/* the target tick at 190 + 0.6 x 220 = 322 */
	assert_non_null(strstr(sb.buf, "class=\"target\" x1=\"322.0\""));
	/* the series: three points from the left edge to the right, no target line */
	assert_non_null(strstr(sb.buf, "<polyline class=\"series\""));
	assert_non_null(strstr(sb.buf, "points=\"190.0,"));
	assert_null(strstr(strstr(sb.buf, "<polyline"), "class=\"target\""));
	assert_non_null(strstr(sb.buf, ">no data</text>"));
	assert_non_null(strstr(sb.buf, "target 60 %"));
	assert_non_null(strstr(sb.buf, "no target set"));
	strbuf_release(&sb);
}

static void test_interval(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	/* axis -0.5..0.5 over 6..194 px: 0.25 at 6 + 188 x 0.75 = 147, zero at 100 */
	chart_interval(&sb, "36 % faster", 0.1, 0.4, 0.25, 0.15, -0.5, 0.5);
	assert_non_null(strstr(sb.buf, "class=\"estimate\" cx=\"147.0\""));
	assert_non_null(strstr(sb.buf, "class=\"zero\" x1=\"100.0\""));
	/* the interval lies above zero: green, from 6 + 188 x 0.6 = 118.8 for 56.4 px */
	assert_non_null(strstr(sb.buf, "class=\"ci\" x=\"118.8\" y=\"8\" width=\"56.4\""));
	assert_non_null(strstr(sb.buf, "#009E73"));
	assert_non_null(strstr(sb.buf, "<title>36 % faster</title>"));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sentence),
		cmocka_unit_test(test_finding_json),
		cmocka_unit_test(test_change_word),
		cmocka_unit_test(test_metric_targets),
		cmocka_unit_test(test_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
