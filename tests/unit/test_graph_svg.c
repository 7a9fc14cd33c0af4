/*
 * test_graph_svg.c - the layered impact-graph drawing (report/graph_svg.c):
 * columns follow layers, rows follow upstream neighbours, every node and
 * edge is drawn once with its label and colour, text is escaped, bad edge
 * indexes are skipped, and the output is well-formed XML (expat).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <expat.h>

#include "report/graph_svg.h"

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

/*
 * The Acme impact of POL-7:
 *   POL-7 -> SOP-14, SOP-12;  SOP-12 -> REQ-21, FORM-3;  REQ-21 -> TEST-9, CODE-5
 * listed in an order that differs from the drawing order on purpose.
 */
static const struct graph_svg_node acme_nodes[] = {
	{ "POL-7", "policy", "Claims handling policy", 0, 0 },  /* 0 */
	{ "SOP-14", "sop", NULL, 1, 1 },                        /* 1 */
	{ "SOP-12", "sop", NULL, 1, 1 },                        /* 2 */
	{ "REQ-21", "requirement", NULL, 2, 0 },                /* 3 */
	{ "FORM-3", "form", NULL, 2, 0 },                       /* 4 */
	{ "TEST-9", "test", NULL, 3, 0 },                       /* 5 */
	{ "CODE-5", "code", NULL, 3, 0 },                       /* 6 */
};
static const struct graph_svg_edge acme_edges[] = {
	{ 0, 1, "governed-by" }, { 0, 2, "governed-by" }, { 2, 3, "derives-from" },
	{ 2, 4, "implements" }, { 3, 5, "verifies" }, { 3, 6, "implements" },
};

static struct graph_svg acme(void)
{
	struct graph_svg g;

	memset(&g, 0, sizeof(g));
	g.id = "impact";
	g.title = "Impact of CR-1 on POL-7";
	g.desc = "test";
	g.nodes = acme_nodes;
	g.nnodes = ARRAY_SIZE(acme_nodes);
	g.edges = acme_edges;
	g.nedges = ARRAY_SIZE(acme_edges);
	return g;
}

static void test_layout_columns_and_rows(void **state)
{
	struct graph_svg g = acme();
	struct graph_svg_pos pos[ARRAY_SIZE(acme_nodes)];
	double w, h;
	size_t i, j;

	(void)state;
	graph_svg_layout(&g, pos, &w, &h);
	/* a column per layer, left to right */
	for (i = 0; i < g.nnodes; i++)
		for (j = 0; j < g.nnodes; j++) {
			if (acme_nodes[i].layer < acme_nodes[j].layer)
				assert_true(pos[i].x + GRAPH_SVG_NODE_W < pos[j].x);
			if (acme_nodes[i].layer == acme_nodes[j].layer) {
				assert_true(pos[i].x == pos[j].x);
				if (i != j) /* no two boxes overlap */
					assert_true(pos[i].y + GRAPH_SVG_NODE_H <= pos[j].y ||
						    pos[j].y + GRAPH_SVG_NODE_H <= pos[i].y);
			}
		}
	/* layer 1 has no placed-neighbour preference: ties go by id */
	assert_int_equal(pos[2].row, 0); /* SOP-12 */
	assert_int_equal(pos[1].row, 1); /* SOP-14 */
	/* layer 2: both under SOP-12 (row 0); by id FORM-3 then REQ-21 */
	assert_int_equal(pos[4].row, 0);
	assert_int_equal(pos[3].row, 1);
	/* layer 3 follows REQ-21 (row 1): CODE-5, TEST-9 */
	assert_int_equal(pos[6].row, 0);
	assert_int_equal(pos[5].row, 1);
	/* the drawing holds every box */
	for (i = 0; i < g.nnodes; i++) {
		assert_true(pos[i].x >= 0 && pos[i].x + GRAPH_SVG_NODE_W <= w);
		assert_true(pos[i].y >= 0 && pos[i].y + GRAPH_SVG_NODE_H <= h);
	}
}

static void test_barycentre_follows_parents(void **state)
{
	/* B (row 0) and C (row 1) in layer 1; Z hangs under B and Y under C, so Z is
	 * drawn above Y although Y sorts first by id. */
	static const struct graph_svg_node nodes[] = {
		{ "ROOT", "policy", NULL, 0, 0 }, { "B", "sop", NULL, 1, 0 },
		{ "C", "sop", NULL, 1, 0 }, { "Y", "form", NULL, 2, 0 }, { "Z", "form", NULL, 2, 0 },
	};
	static const struct graph_svg_edge edges[] = {
		{ 0, 1, "governed-by" }, { 0, 2, "governed-by" },
		{ 2, 3, "implements" },  /* Y under C (row 1) */
		{ 1, 4, "implements" },  /* Z under B (row 0) */
	};
	struct graph_svg g;
	struct graph_svg_pos pos[5];
	double w, h;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.nodes = nodes;
	g.nnodes = 5;
	g.edges = edges;
	g.nedges = 4;
	graph_svg_layout(&g, pos, &w, &h);
	assert_int_equal(pos[1].row, 0);
	assert_int_equal(pos[2].row, 1);
	assert_int_equal(pos[4].row, 0); /* Z follows B although Y sorts first by id */
	assert_int_equal(pos[3].row, 1);
}

static void test_draw_counts_and_colours(void **state)
{
	struct graph_svg g = acme();
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	graph_svg_draw(&sb, &g);
	assert_true(well_formed(sb.buf));
	assert_int_equal(count(sb.buf, "<g class=\"node"), 7);
	assert_int_equal(count(sb.buf, "<g class=\"node flagged\""), 2);
	assert_int_equal(count(sb.buf, "<g class=\"edge\""), 6);
	assert_int_equal(count(sb.buf, "class=\"edge-label\""), 6);
	assert_int_equal(count(sb.buf, ">governed-by</text>"), 2);
	assert_int_equal(count(sb.buf, ">implements</text>"), 2);
	assert_non_null(strstr(sb.buf, "role=\"img\""));
	assert_non_null(strstr(sb.buf, "aria-labelledby=\"impact-title impact-desc\""));
	assert_non_null(strstr(sb.buf, "marker-end=\"url(#impact-arrow)\""));
	/* coloured by type, with a legend entry per type present and one for stale */
	assert_non_null(strstr(sb.buf, graph_svg_type_color("policy")));
	assert_string_not_equal(graph_svg_type_color("policy"), graph_svg_type_color("sop"));
	assert_int_equal(count(sb.buf, "fill=\"#333\">"), 7); /* 6 types + stale */
	assert_null(strstr(sb.buf, ">contract</text>"));
	assert_null(strstr(sb.buf, "style="));
	/* the tooltip carries the extra text */
	assert_non_null(strstr(sb.buf, "<title>POL-7 (policy): Claims handling policy</title>"));
	strbuf_release(&sb);
}

static void test_escaping_and_bad_input(void **state)
{
	static const struct graph_svg_node nodes[] = {
		{ "A<&>\"", "memo", "x < y & \"z\"", 0, 0 },
		{ "B", NULL, NULL, 0, 0 }, /* same layer: a backward 'references' edge */
	};
	static const struct graph_svg_edge edges[] = {
		{ 0, 1, "refer<ences>" }, { 0, 7, "out of range" }, { 1, 1, "self" },
	};
	struct graph_svg g;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.id = "bad id\"";
	g.title = "<script>";
	g.nodes = nodes;
	g.nnodes = 2;
	g.edges = edges;
	g.nedges = 3;
	graph_svg_draw(&sb, &g);
	assert_true(well_formed(sb.buf));
	assert_null(strstr(sb.buf, "<script>"));
	assert_non_null(strstr(sb.buf, "A&lt;&amp;&gt;&quot;"));
	assert_non_null(strstr(sb.buf, "aria-labelledby=\"graph-title graph-desc\""));
	assert_int_equal(count(sb.buf, "<g class=\"edge\""), 1);
	assert_non_null(strstr(sb.buf, "refer&lt;ences&gt;"));
	assert_string_equal(graph_svg_type_color("memo"), "#BBBBBB");
	strbuf_release(&sb);
}

static void test_single_node(void **state)
{
	static const struct graph_svg_node nodes[] = { { "TEST-9", "test", NULL, 0, 0 } };
	struct graph_svg g;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.nodes = nodes;
	g.nnodes = 1;
	graph_svg_draw(&sb, &g);
	assert_true(well_formed(sb.buf));
	assert_int_equal(count(sb.buf, "<g class=\"node"), 1);
	assert_int_equal(count(sb.buf, "<g class=\"edge\""), 0);
	strbuf_release(&sb);
	/* and nothing at all still makes a valid, empty drawing */
	g.nnodes = 0;
	graph_svg_draw(&sb, &g);
	assert_true(well_formed(sb.buf));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_columns_and_rows),
		cmocka_unit_test(test_barycentre_follows_parents),
		cmocka_unit_test(test_draw_counts_and_colours),
		cmocka_unit_test(test_escaping_and_bad_input),
		cmocka_unit_test(test_single_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
