/*
 * test_svg.c - the SVG chart helpers (report/svg.c): tick values, the
 * number of bars and points drawn, escaping, empty data, and that every
 * chart is well-formed XML (parsed with expat).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <expat.h>

#include "report/svg.h"

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static int well_formed(const char *xml)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	int ok = XML_Parse(p, xml, (int)strlen(xml), 1) == XML_STATUS_OK;

	if (!ok)
		print_error("XML error: %s at line %lu col %lu\n",
			    XML_ErrorString(XML_GetErrorCode(p)),
			    (unsigned long)XML_GetCurrentLineNumber(p),
			    (unsigned long)XML_GetCurrentColumnNumber(p));
	XML_ParserFree(p);
	return ok;
}

static void test_nice_ticks(void **state)
{
	double t[16];
	size_t n;

	(void)state;
	n = svg_nice_ticks(0, 17, 5, 1, t, 16);
	assert_int_equal(n, 5);
	assert_true(t[0] == 0 && t[1] == 5 && t[4] == 20);

	n = svg_nice_ticks(0, 0.87, 5, 0, t, 16);
	assert_int_equal(n, 6);
	assert_true(fabs(t[1] - 0.2) < 1e-12 && fabs(t[5] - 1.0) < 1e-12);

	/* a flat series still gets an axis */
	n = svg_nice_ticks(3, 3, 5, 1, t, 16);
	assert_true(n >= 2 && t[0] <= 3 && t[n - 1] >= 4);

	/* negative values: the axis covers both ends */
	n = svg_nice_ticks(-12, 31, 5, 0, t, 16);
	assert_true(t[0] <= -12 && t[n - 1] >= 31);
	assert_true(t[0] == -20 && t[n - 1] == 40);

	/* integer axes never step below 1 */
	n = svg_nice_ticks(0, 2, 10, 1, t, 16);
	assert_int_equal(n, 3);
	assert_true(t[1] == 1);

	/* the cap is respected */
	n = svg_nice_ticks(0, 1000, 100, 1, t, 4);
	assert_true(n <= 4 && t[n - 1] >= 1000);
}

static void test_format_number(void **state)
{
	char b[32];

	(void)state;
	svg_format_number(b, sizeof(b), 20);
	assert_string_equal(b, "20");
	svg_format_number(b, sizeof(b), 0.1 + 0.2);
	assert_string_equal(b, "0.3");
	svg_format_number(b, sizeof(b), -0.0);
	assert_string_equal(b, "0");
}

static void test_bar(void **state)
{
	static const char *const cats[] = { "Workforce", "R&D <lab>", "Expert" };
	static const char *const colors[] = { "#0072B2", "#C04F00", "#007D5B" };
	double v[] = { 17, 4, 9 };
	struct svg_series s = { "initiatives", "#333333", v, NULL, 3 };
	struct svg_chart c;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.id = "t1";
	c.title = "Initiatives \"per\" model";
	c.desc = "a description";
	c.x_title = "model";
	c.y_title = "initiatives (count)";
	c.unit = "initiatives";
	c.categories = cats;
	c.ncategories = 3;
	c.bar_colors = colors;
	c.flags = SVG_INTEGER;
	svg_bar(&sb, &c, &s);
	assert_true(well_formed(sb.buf));
	assert_int_equal(count(sb.buf, "class=\"bar\""), 3);
	/* ticks 0, 5, 10, 15, 20 for a maximum of 17 */
	assert_non_null(strstr(sb.buf, ">0</text>"));
	assert_non_null(strstr(sb.buf, ">20</text>"));
	assert_null(strstr(sb.buf, ">25</text>"));
	assert_int_equal(count(sb.buf, "class=\"tick\""), 5);
	/* escaping of labels and titles */
	assert_non_null(strstr(sb.buf, "R&amp;D &lt;lab&gt;"));
	assert_null(strstr(sb.buf, "<lab>"));
	assert_non_null(strstr(sb.buf, "Initiatives &quot;per&quot; model"));
	/* accessibility and tooltips */
	assert_non_null(strstr(sb.buf, "role=\"img\""));
	assert_non_null(strstr(sb.buf, "aria-labelledby=\"t1-title t1-desc\""));
	assert_non_null(strstr(sb.buf, "<title>Workforce: 17 initiatives</title>"));
	/* per-category colours */
	assert_non_null(strstr(sb.buf, "fill=\"#C04F00\""));
	assert_non_null(strstr(sb.buf, "initiatives (count)"));
	strbuf_release(&sb);

	/* horizontal: same bars, labels on the left */
	c.flags |= SVG_HORIZONTAL;
	svg_bar(&sb, &c, &s);
	assert_true(well_formed(sb.buf));
	assert_int_equal(count(sb.buf, "class=\"bar\""), 3);
	assert_int_equal(count(sb.buf, "class=\"category\""), 3);
	strbuf_release(&sb);

	/* value_max: the axis reaches a scale's top (levels 0 to 40 here), never less */
	c.value_max = 40;
	svg_bar(&sb, &c, &s);
	assert_non_null(strstr(sb.buf, ">40</text>"));
	assert_null(strstr(sb.buf, ">50</text>"));
	strbuf_release(&sb);
	c.value_max = 3; /* below the data: ignored, the axis still ends at 20 */
	svg_bar(&sb, &c, &s);
	assert_non_null(strstr(sb.buf, ">20</text>"));
	assert_null(strstr(sb.buf, ">25</text>"));
	strbuf_release(&sb);
}

static void test_stacked(void **state)
{
	static const char *const cats[] = { "a", "b" };
	double s1[] = { 1, 2 }, s2[] = { 0, 3 }, s3[] = { 4, 0 };
	struct svg_series series[] = {
		{ "pilot", "#E69F00", s1, NULL, 2 },
		{ "production", "#009E73", s2, NULL, 2 },
		{ "paused", NULL, s3, NULL, 2 },
	};
	struct svg_chart c;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.title = "status";
	c.categories = cats;
	c.ncategories = 2;
	c.flags = SVG_INTEGER;
	svg_stacked_bar(&sb, &c, series, 3);
	assert_true(well_formed(sb.buf));
	/* zero segments are not drawn: 6 values, 2 of them 0 */
	assert_int_equal(count(sb.buf, "class=\"bar\""), 4);
	/* totals 5 and 5: axis ends at 5 */
	assert_non_null(strstr(sb.buf, ">5</text>"));
	assert_null(strstr(sb.buf, ">6</text>"));
	/* a legend with the three series */
	assert_non_null(strstr(sb.buf, "class=\"legend\""));
	assert_non_null(strstr(sb.buf, ">production</text>"));
	assert_non_null(strstr(sb.buf, "<title>b, production: 3</title>"));
	strbuf_release(&sb);
}

static void test_line(void **state)
{
	double x[] = { 1, 2, 3, 4 }, y1[] = { 10, 20, NAN, 40 }, y2[] = { 5, 5, 5, 5 };
	struct svg_series series[] = {
		{ "a & b", "#0072B2", y1, x, 4 },
		{ "flat", "#D55E00", y2, x, 4 },
	};
	struct svg_chart c;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.title = "lines";
	c.x_title = "week";
	c.y_title = "users (count)";
	svg_line(&sb, &c, series, 2);
	assert_true(well_formed(sb.buf));
	/* one NaN is skipped: 3 + 4 points, 2 paths */
	assert_int_equal(count(sb.buf, "class=\"point\""), 7);
	assert_int_equal(count(sb.buf, "class=\"line\""), 2);
	/* the NaN breaks the line into two pieces (two M commands) */
	assert_non_null(strstr(sb.buf, "a &amp; b"));
	assert_non_null(strstr(sb.buf, ">40</text>"));
	strbuf_release(&sb);
}

static void test_line_time(void **state)
{
	/* 2026-01-01 .. 2026-06-01, monthly points (microseconds) */
	double x[] = { 1767225600e6, 1769904000e6, 1772323200e6, 1775001600e6,
		       1777593600e6, 1780272000e6 };
	double y[] = { 0.1, 0.2, 0.25, 0.3, 0.35, 0.5 };
	struct svg_series s = { "repeat use", NULL, y, x, 6 };
	struct svg_chart c;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.title = "repeat use over time";
	c.flags = SVG_TIME_X;
	svg_line(&sb, &c, &s, 1);
	assert_true(well_formed(sb.buf));
	assert_int_equal(count(sb.buf, "class=\"point\""), 6);
	assert_non_null(strstr(sb.buf, ">2026-01</text>"));
	assert_non_null(strstr(sb.buf, ">2026-06</text>"));
	assert_non_null(strstr(sb.buf, "<title>repeat use, 2026-03-01: 0.25</title>"));
	strbuf_release(&sb);
}

/* A legend that wraps stays above the plot area, whatever the width. */
static void test_legend_wraps_above_plot(void **state)
{
	static const char *const cats[] = { "a" };
	double v[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	struct svg_series series[8];
	char names[8][40];
	struct svg_chart c;
	struct strbuf sb = STRBUF_INIT;
	const char *p, *g;
	double axis_x, plot_top, y, maxy = 0;
	size_t i, texts = 0;

	(void)state;
	for (i = 0; i < 8; i++) {
		snprintf(names[i], sizeof(names[i]), "a fairly long series name %zu", i);
		series[i].name = names[i];
		series[i].color = NULL;
		series[i].y = &v[i];
		series[i].x = NULL;
		series[i].n = 1;
	}
	memset(&c, 0, sizeof(c));
	c.title = "legend";
	c.width = 300;
	c.categories = cats;
	c.ncategories = 1;
	svg_stacked_bar(&sb, &c, series, 8);
	assert_true(well_formed(sb.buf));
	p = strstr(sb.buf, "class=\"axis\" d=\"M");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "class=\"axis\" d=\"M%lf %lf", &axis_x, &plot_top), 2);
	g = strstr(sb.buf, "<g class=\"legend\">");
	assert_non_null(g);
	for (p = g; (p = strstr(p, "<text x=\"")) && p < strstr(g, "</g>"); p++) {
		double x;
		assert_int_equal(sscanf(p, "<text x=\"%lf\" y=\"%lf\"", &x, &y), 2);
		assert_true(y < plot_top);
		assert_true(x < 300);
		maxy = y > maxy ? y : maxy;
		texts++;
	}
	assert_int_equal(texts, 8);
	assert_true(maxy > 40); /* it did wrap onto several rows */
	strbuf_release(&sb);
}

static void test_empty(void **state)
{
	struct svg_chart c;
	struct strbuf sb = STRBUF_INIT;
	struct svg_series s = { "none", NULL, NULL, NULL, 0 };

	(void)state;
	memset(&c, 0, sizeof(c));
	c.title = "empty";
	svg_bar(&sb, &c, &s);
	assert_true(well_formed(sb.buf));
	assert_int_equal(count(sb.buf, "class=\"bar\""), 0);
	assert_non_null(strstr(sb.buf, "no data"));
	strbuf_release(&sb);
	svg_line(&sb, &c, &s, 1);
	assert_true(well_formed(sb.buf));
	assert_int_equal(count(sb.buf, "class=\"point\""), 0);
	assert_non_null(strstr(sb.buf, "no data"));
	strbuf_release(&sb);
	svg_stacked_bar(&sb, &c, NULL, 0);
	assert_true(well_formed(sb.buf));
	assert_non_null(strstr(sb.buf, "no data"));
	strbuf_release(&sb);
}

/* Heat map: a cell per value, hidden cells hatched with no number, escaping. */
static void test_heatmap(void **state)
{
	static const char *const rows[] = { "Claims <handler>", "Actuary" };
	static const char *const cols[] = { "2026-01", "2026-02", "2026-03" };
	const double v[] = { 0.10, 0.50, 0.90, NAN, NAN, NAN };
	struct svg_chart c;
	struct svg_heat h;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&h, 0, sizeof(h));
	c.id = "hm";
	c.title = "Repeat use by role";
	c.categories = rows;
	c.ncategories = 2;
	c.unit = "repeat use";
	h.cols = cols;
	h.ncols = 3;
	h.v = v;
	h.lo = 0;
	h.hi = 1;
	h.percent = 1;
	h.hidden_label = "<5";
	h.hidden_desc = "fewer than 5 people";
	svg_heatmap(&sb, &c, &h);
	assert_true(well_formed(sb.buf));
	assert_int_equal(count(sb.buf, "class=\"cell\""), 3);
	assert_int_equal(count(sb.buf, "class=\"cell suppressed\""), 3);
	assert_non_null(strstr(sb.buf, ">90%</text>"));
	assert_non_null(strstr(sb.buf, "Claims &lt;handler&gt;, 2026-02: 50% repeat use"));
	/* the hidden row has no figure anywhere, only its label and reason */
	assert_null(strstr(sb.buf, "Actuary, 2026-01: 0"));
	assert_int_equal(count(sb.buf, "Actuary, 2026-0"), 3);
	assert_int_equal(count(sb.buf, ": fewer than 5 people</title>"), 3);
	assert_non_null(strstr(sb.buf, "<pattern id=\"hm-hatch\""));
	assert_int_equal(count(sb.buf, "fill=\"url(#hm-hatch)\""), 4); /* 3 cells + legend */
	/* the scale runs light to dark: 10% is paler than 90% */
	assert_non_null(strstr(sb.buf, "fill=\"#d8e1ed\""));
	assert_null(strstr(sb.buf, "style="));
	strbuf_release(&sb);

	/* no rows: "no data", still well-formed */
	c.ncategories = 0;
	svg_heatmap(&sb, &c, &h);
	assert_true(well_formed(sb.buf));
	assert_non_null(strstr(sb.buf, "no data"));
	strbuf_release(&sb);
}

/*
 * Sparkline of {1, gap, 3, 2, gap} in 64 x 18 with a 2 px pad: x = 2 + 15 i
 * (2, 17, 32, 47, 62); y = 16 - (v - 1) / 2 * 14 (1 -> 16, 3 -> 2, 2 -> 9).
 * The gap lifts the pen; the lone first value is a dot; the last value with
 * data (index 3) is marked.
 */
static void test_sparkline(void **state)
{
	const double v[] = { 1, NAN, 3, 2, NAN }, none[] = { NAN, NAN };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	svg_sparkline(&sb, v, 5, 64, 18, "Repeat use < 5");
	assert_true(well_formed(sb.buf));
	assert_non_null(strstr(sb.buf, "d=\"M2.0 16.0M32.0 2.0L47.0 9.0\""));
	assert_non_null(strstr(sb.buf, "<circle class=\"spark-dot\" r=\"1.5\" cx=\"2.0\" cy=\"16.0\"/>"));
	assert_non_null(strstr(sb.buf, "<circle class=\"spark-last\" r=\"2.5\" cx=\"47.0\" cy=\"9.0\"/>"));
	assert_int_equal(count(sb.buf, "<circle"), 2);
	assert_non_null(strstr(sb.buf, "class=\"spark-base\" fill=\"none\" d=\"M2.0 17.5L62.0 17.5\""));
	assert_non_null(strstr(sb.buf, "role=\"img\""));
	assert_non_null(strstr(sb.buf, "<title>Repeat use &lt; 5</title>"));
	assert_null(strstr(sb.buf, "style="));
	strbuf_release(&sb);

	/* nothing measured: a dashed empty baseline, no line, no points */
	svg_sparkline(&sb, none, 2, 64, 18, "no data");
	assert_true(well_formed(sb.buf));
	assert_non_null(strstr(sb.buf, "class=\"spark-empty\""));
	assert_null(strstr(sb.buf, "spark-line"));
	assert_null(strstr(sb.buf, "<circle"));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice_ticks),
		cmocka_unit_test(test_format_number),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_stacked),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_line_time),
		cmocka_unit_test(test_legend_wraps_above_plot),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_heatmap),
		cmocka_unit_test(test_sparkline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
