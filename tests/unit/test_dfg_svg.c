/*
 * test_dfg_svg.c - the directly-follows graph drawing (report/dfg_svg.c):
 * node and edge counts, ranks from the start activities, collapsing of
 * rare edges and of activities beyond the limit, escaping, and that the
 * output is well-formed XML (parsed with expat).
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

#include "report/dfg_svg.h"

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

/* register -> check -> decide -> (pay | reject); reject -> check (rework); check -> check */
static const struct dfg_node nodes[] = {
	{ "register", 10, 10, 0 },
	{ "check", 14, 0, 0 },
	{ "decide", 10, 0, 0 },
	{ "pay", 7, 0, 7 },
	{ "reject", 3, 0, 3 },
};
static const struct dfg_edge edges[] = {
	{ 0, 1, 10, 3600 },
	{ 1, 2, 10, 7200 },
	{ 2, 3, 7, 60 },
	{ 2, 4, 3, 60 },
	{ 4, 1, 1, NAN },  /* backward */
	{ 1, 1, 3, 10 },   /* self-loop */
};

static void test_counts_and_ranks(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct dfg_svg_result r;

	(void)state;
	dfg_svg(&sb, nodes, 5, edges, 6, NULL, &r);
	assert_true(well_formed(sb.buf));
	assert_int_equal(r.nodes, 5);
	assert_int_equal(r.edges, 6);
	assert_int_equal(r.hidden_edges, 0);
	assert_int_equal(r.hidden_nodes, 0);
	assert_int_equal(r.threshold, 1);
	/* register 1, check 2, decide 3, pay and reject 4 */
	assert_int_equal(r.ranks, 4);
	assert_int_equal(count(sb.buf, "<g class=\"dfg-node\">"), 5);
	/* 6 activity edges + 1 from the start + 2 to the end */
	assert_int_equal(count(sb.buf, "class=\"dfg-edge\""), 6);
	assert_int_equal(count(sb.buf, "class=\"dfg-edge dfg-edge-start\""), 1);
	assert_int_equal(count(sb.buf, "class=\"dfg-edge dfg-edge-end\""), 2);
	assert_int_equal(count(sb.buf, "marker-end=\"url(#dfg-arrow)\""), 9);
	assert_int_equal(count(sb.buf, "<marker id=\"dfg-arrow\""), 1);
	assert_non_null(strstr(sb.buf, "decide \xE2\x86\x92 pay: 7 times, median 1m 00s"));
	assert_non_null(strstr(sb.buf, "reject \xE2\x86\x92 check: 1 time</title>"));
	assert_null(strstr(sb.buf, "style="));
	strbuf_release(&sb);
}

static void test_collapse_rare_edges(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct dfg_svg_result r;
	struct dfg_svg_opts o = { "g1", "t", 3, 0, 0 };

	(void)state;
	dfg_svg(&sb, nodes, 5, edges, 6, &o, &r);
	assert_true(well_formed(sb.buf));
	assert_int_equal(r.edges, 5); /* reject -> check (1) is below 3 */
	assert_int_equal(r.hidden_edges, 1);
	assert_int_equal(r.threshold, 3);
	assert_null(strstr(sb.buf, "reject \xE2\x86\x92 check"));
	strbuf_release(&sb);

	/* at most 3 edges: 10, 10, 7 */
	o.min_count = 0;
	o.max_edges = 3;
	dfg_svg(&sb, nodes, 5, edges, 6, &o, &r);
	assert_true(well_formed(sb.buf));
	assert_int_equal(r.edges, 3);
	assert_int_equal(r.hidden_edges, 3);
	assert_int_equal(r.threshold, 7);
	assert_int_equal(count(sb.buf, "class=\"dfg-edge\""), 3);
	strbuf_release(&sb);

	/* ties at the cut are kept together: at most 4 of 10, 10, 7, 3, 3 draws all 5 */
	o.max_edges = 4;
	dfg_svg(&sb, nodes, 5, edges, 6, &o, &r);
	assert_int_equal(r.edges, 5);
	assert_int_equal(r.threshold, 3);
	strbuf_release(&sb);
}

static void test_node_limit_and_escaping(void **state)
{
	struct dfg_node n[3] = {
		{ "<script>&\"x\"", 5, 5, 0 },
		{ "a very long activity name that will not fit in a box", 4, 0, 4 },
		{ "rare", 1, 0, 1 },
	};
	struct dfg_edge e[2] = { { 0, 1, 4, 1 }, { 0, 2, 1, 1 } };
	struct dfg_svg_opts o = { "x", "a <b>", 0, 0, 2 };
	struct strbuf sb = STRBUF_INIT;
	struct dfg_svg_result r;

	(void)state;
	dfg_svg(&sb, n, 3, e, 2, &o, &r);
	assert_true(well_formed(sb.buf));
	assert_int_equal(r.nodes, 2);
	assert_int_equal(r.hidden_nodes, 1);
	assert_int_equal(r.edges, 1);
	assert_int_equal(r.hidden_edges, 1);
	assert_null(strstr(sb.buf, "<script>"));
	assert_non_null(strstr(sb.buf, "&lt;script&gt;"));
	assert_non_null(strstr(sb.buf, "a very long activity n\xE2\x80\xA6"));
	/* the full name stays in the tooltip */
	assert_non_null(strstr(sb.buf, "<title>a very long activity name that will not fit in a box: 4 events"));
	strbuf_release(&sb);
}

static void test_empty(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct dfg_svg_result r;

	(void)state;
	dfg_svg(&sb, NULL, 0, NULL, 0, NULL, &r);
	assert_true(well_formed(sb.buf));
	assert_int_equal(r.nodes, 0);
	assert_int_equal(r.edges, 0);
	assert_non_null(strstr(sb.buf, "no activities"));
	strbuf_release(&sb);
}

/* Activities not reachable from a start over drawn edges start their own chain in column 1. */
static void test_unreached(void **state)
{
	struct dfg_node n[3] = { { "a", 2, 2, 1 }, { "b", 1, 0, 1 }, { "island", 1, 0, 0 } };
	struct dfg_edge e[1] = { { 0, 1, 1, 5 } };
	struct strbuf sb = STRBUF_INIT;
	struct dfg_svg_result r;

	(void)state;
	dfg_svg(&sb, n, 3, e, 1, NULL, &r);
	assert_true(well_formed(sb.buf));
	assert_int_equal(r.ranks, 2);
	assert_int_equal(count(sb.buf, "<g class=\"dfg-node\">"), 3);
	strbuf_release(&sb);
}

/* A rare start does not pull its activity into the first column; a longer path wins. */
static void test_rare_start(void **state)
{
	struct dfg_node n[3] = { { "a", 20, 19, 0 }, { "b", 20, 1, 0 }, { "c", 20, 0, 20 } };
	struct dfg_edge e[3] = { { 0, 1, 19, 5 }, { 1, 2, 20, 5 }, { 0, 2, 1, 5 } };
	struct strbuf sb = STRBUF_INIT;
	struct dfg_svg_result r;

	(void)state;
	dfg_svg(&sb, n, 3, e, 3, NULL, &r);
	assert_true(well_formed(sb.buf));
	assert_int_equal(r.ranks, 3); /* a | b | c: not b with a, not c beside b */
	assert_int_equal(count(sb.buf, "class=\"dfg-edge dfg-edge-start\""), 2);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_ranks),
		cmocka_unit_test(test_collapse_rare_edges),
		cmocka_unit_test(test_node_limit_and_escaping),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unreached),
		cmocka_unit_test(test_rare_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
