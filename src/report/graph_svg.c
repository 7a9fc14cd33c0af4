/*
 * graph_svg.c - layered left-to-right drawing of a dependency graph; see
 * graph_svg.h.
 *
 *   layer 0        layer 1           layer 2
 *   +-------+  governed-by  +--------+ implements +--------+
 *   | POL-7 |-------------->| SOP-12 |----------->| FORM-3 |
 *   +-------+\              +--------+\           +--------+
 *             \ governed-by +--------+ \derives-from +--------+
 *              `----------->| SOP-14 |  `---------->| REQ-21 |
 *                           +--------+              +--------+
 *
 * Columns are layers; rows inside a column come from one barycentre sweep
 * (the mean row of each node's upstream neighbours in earlier columns),
 * left to right, ties broken by id so the drawing is deterministic.
 * Edges are cubic Béziers from the right side of the upstream box to the
 * left side of the downstream one, with an arrow marker and the edge type
 * written at the curve's midpoint.  The whole drawing is one pass over
 * the nodes and edges; an impact set of a few hundred nodes stays small.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "graph_svg.h"

#define MARGIN_X 16
#define MARGIN_TOP 40  /* room for the title */
#define LEGEND_H 34

/* Okabe-Ito colours (colour-blind safe), one per artefact type. */
static const struct {
	const char *type;
	const char *color;
} type_colors[] = {
	{ "policy", "#D55E00" },
	{ "sop", "#0072B2" },
	{ "contract", "#CC79A7" },
	{ "requirement", "#009E73" },
	{ "code", "#56B4E9" },
	{ "form", "#E69F00" },
	{ "test", "#8C6BB1" },
	{ "report", "#999999" },
};

const char *graph_svg_type_color(const char *type)
{
	size_t i;

	for (i = 0; type && i < ARRAY_SIZE(type_colors); i++)
		if (!strcmp(type, type_colors[i].type))
			return type_colors[i].color;
	return "#BBBBBB";
}

/* Dark text on light fills, white on dark ones. */
static const char *text_color(const char *fill)
{
	uint8_t rgb[3];

	if (fill[0] != '#' || hex_decode(fill + 1, rgb, sizeof(rgb)))
		return "#000";
	return 299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] > 140000 ? "#1f2328" : "#ffffff";
}

static int id_ok(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789_-") == strlen(s);
}

struct order_key {
	size_t node;
	double bary;
	const char *id;
};

static int cmp_key(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;
	int c;

	if (x->bary < y->bary)
		return -1;
	if (x->bary > y->bary)
		return 1;
	c = strcmp(x->id ? x->id : "", y->id ? y->id : "");
	if (c)
		return c;
	return x->node < y->node ? -1 : x->node > y->node;
}

void graph_svg_layout(const struct graph_svg *g, struct graph_svg_pos *pos,
		      double *width, double *height)
{
	size_t n = g->nnodes, i, e, max_rows = 0;
	int layers = 0, L;
	struct order_key *keys = xcalloc(n ? n : 1, sizeof(*keys));
	int *placed = xcalloc(n ? n : 1, sizeof(*placed));

	for (i = 0; i < n; i++) {
		int l = g->nodes[i].layer < 0 ? 0 : g->nodes[i].layer;
		if (l + 1 > layers)
			layers = l + 1;
	}
	for (L = 0; L < layers; L++) {
		size_t k = 0;

		for (i = 0; i < n; i++) {
			double sum = 0;
			size_t cnt = 0;

			if ((g->nodes[i].layer < 0 ? 0 : g->nodes[i].layer) != L)
				continue;
			/* upstream neighbours already placed in earlier columns */
			for (e = 0; e < g->nedges; e++) {
				const struct graph_svg_edge *ed = &g->edges[e];
				if (ed->to != i || ed->from >= n || !placed[ed->from])
					continue;
				sum += (double)pos[ed->from].row;
				cnt++;
			}
			keys[k].node = i;
			keys[k].bary = cnt ? sum / (double)cnt : 0;
			keys[k].id = g->nodes[i].id;
			k++;
		}
		qsort(keys, k, sizeof(*keys), cmp_key);
		for (i = 0; i < k; i++) {
			size_t u = keys[i].node;
			pos[u].row = i;
			pos[u].x = MARGIN_X + (double)L * (GRAPH_SVG_NODE_W + GRAPH_SVG_COL_GAP);
			pos[u].y = MARGIN_TOP + (double)i * (GRAPH_SVG_NODE_H + GRAPH_SVG_ROW_GAP);
			placed[u] = 1;
		}
		if (k > max_rows)
			max_rows = k;
	}
	*width = 2 * MARGIN_X + (layers ? (double)layers * GRAPH_SVG_NODE_W +
				 (double)(layers - 1) * GRAPH_SVG_COL_GAP : GRAPH_SVG_NODE_W);
	if (*width < 360)
		*width = 360;
	*height = MARGIN_TOP + (max_rows ? (double)max_rows * (GRAPH_SVG_NODE_H + GRAPH_SVG_ROW_GAP)
				: GRAPH_SVG_NODE_H) + LEGEND_H;
	free(keys);
	free(placed);
}

/* The edge's Bézier: start, two controls, end. */
static void edge_curve(const struct graph_svg_pos *a, const struct graph_svg_pos *b,
		       double p[8])
{
	double x0 = a->x + GRAPH_SVG_NODE_W, y0 = a->y + GRAPH_SVG_NODE_H / 2.0;
	double x3 = b->x - 2, y3 = b->y + GRAPH_SVG_NODE_H / 2.0;
	double dx = x3 - x0, bend = dx > 0 ? dx / 2 : 60;

	if (dx <= 0) {
		/* backward or same column (a 'references' edge): loop around */
		x0 = a->x + GRAPH_SVG_NODE_W / 2.0;
		y0 = a->y + GRAPH_SVG_NODE_H;
		x3 = b->x + GRAPH_SVG_NODE_W / 2.0;
		y3 = b->y + GRAPH_SVG_NODE_H + 2;
		p[0] = x0; p[1] = y0; p[2] = x0 + 20; p[3] = y0 + bend;
		p[4] = x3 - 20; p[5] = y3 + bend; p[6] = x3; p[7] = y3;
		return;
	}
	if (bend < 30)
		bend = 30;
	p[0] = x0; p[1] = y0; p[2] = x0 + bend; p[3] = y0;
	p[4] = x3 - bend; p[5] = y3; p[6] = x3; p[7] = y3;
}

void graph_svg_draw(struct strbuf *sb, const struct graph_svg *g)
{
	const char *id = id_ok(g->id) ? g->id : "graph";
	size_t n = g->nnodes, i, e;
	struct graph_svg_pos *pos = xcalloc(n ? n : 1, sizeof(*pos));
	double W, H, lx;
	int used[ARRAY_SIZE(type_colors) + 1];

	memset(used, 0, sizeof(used));
	graph_svg_layout(g, pos, &W, &H);
	strbuf_addf(sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart impact-graph\" "
		    "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
		    "aria-labelledby=\"%s-title %s-desc\">", W, H, W, H, id, id);
	strbuf_addf(sb, "<title id=\"%s-title\">", id);
	strbuf_add_html(sb, g->title ? g->title : "dependency graph");
	strbuf_addf(sb, "</title><desc id=\"%s-desc\">", id);
	strbuf_add_html(sb, g->desc ? g->desc : "");
	strbuf_addstr(sb, "</desc>");
	strbuf_addf(sb, "<defs><marker id=\"%s-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" "
		    "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
		    "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#57606a\"/></marker></defs>", id);
	if (g->title) {
		strbuf_addf(sb, "<text class=\"graph-title\" x=\"%d\" y=\"22\" font-size=\"14\" "
			    "font-weight=\"600\" fill=\"#222\">", MARGIN_X);
		strbuf_add_html(sb, g->title);
		strbuf_addstr(sb, "</text>");
	}

	/* edges first, so boxes sit on top of them */
	for (e = 0; e < g->nedges; e++) {
		const struct graph_svg_edge *ed = &g->edges[e];
		double p[8], mx, my;

		if (ed->from >= n || ed->to >= n || ed->from == ed->to)
			continue;
		edge_curve(&pos[ed->from], &pos[ed->to], p);
		mx = (p[0] + 3 * p[2] + 3 * p[4] + p[6]) / 8;
		my = (p[1] + 3 * p[3] + 3 * p[5] + p[7]) / 8;
		strbuf_addstr(sb, "<g class=\"edge\"><title>");
		strbuf_add_html(sb, g->nodes[ed->to].id);
		strbuf_addstr(sb, " ");
		strbuf_add_html(sb, ed->type ? ed->type : "depends on");
		strbuf_addstr(sb, " ");
		strbuf_add_html(sb, g->nodes[ed->from].id);
		strbuf_addf(sb, "</title><path d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
			    "fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.5\" "
			    "marker-end=\"url(#%s-arrow)\"/>", p[0], p[1], p[2], p[3], p[4], p[5],
			    p[6], p[7], id);
		strbuf_addf(sb, "<text class=\"edge-label\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\" font-size=\"10\" fill=\"#57606a\" "
			    "stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">", mx, my - 3);
		strbuf_add_html(sb, ed->type ? ed->type : "");
		strbuf_addstr(sb, "</text></g>");
	}

	for (i = 0; i < n; i++) {
		const struct graph_svg_node *nd = &g->nodes[i];
		const char *fill = graph_svg_type_color(nd->type);
		size_t t;

		for (t = 0; t < ARRAY_SIZE(type_colors); t++)
			if (nd->type && !strcmp(nd->type, type_colors[t].type))
				used[t] = 1;
		if (nd->flagged)
			used[ARRAY_SIZE(type_colors)] = 1;
		strbuf_addstr(sb, "<g class=\"node");
		if (nd->flagged)
			strbuf_addstr(sb, " flagged");
		strbuf_addstr(sb, "\"><title>");
		strbuf_add_html(sb, nd->id);
		strbuf_addstr(sb, " (");
		strbuf_add_html(sb, nd->type ? nd->type : "unknown type");
		strbuf_addstr(sb, ")");
		if (nd->tooltip && *nd->tooltip) {
			strbuf_addstr(sb, ": ");
			strbuf_add_html(sb, nd->tooltip);
		}
		strbuf_addf(sb, "</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" "
			    "rx=\"6\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>",
			    pos[i].x, pos[i].y, GRAPH_SVG_NODE_W, GRAPH_SVG_NODE_H, fill,
			    nd->flagged ? "#cf222e" : "#1f2328", nd->flagged ? "2.5" : "1",
			    nd->flagged ? " stroke-dasharray=\"5 3\"" : "");
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			    "font-size=\"13\" font-weight=\"600\" fill=\"%s\">",
			    pos[i].x + GRAPH_SVG_NODE_W / 2.0, pos[i].y + GRAPH_SVG_NODE_H / 2.0 + 4.5,
			    text_color(fill));
		strbuf_add_html(sb, nd->id);
		strbuf_addstr(sb, "</text></g>");
	}

	/* legend: one swatch per type present */
	strbuf_addstr(sb, "<g class=\"legend\">");
	lx = MARGIN_X;
	for (i = 0; i < ARRAY_SIZE(type_colors); i++) {
		if (!used[i])
			continue;
		strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\" "
			    "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
			    "fill=\"#333\">%s</text>", lx, H - 22, type_colors[i].color, lx + 16,
			    H - 12, type_colors[i].type);
		lx += 24 + 7.5 * (double)strlen(type_colors[i].type);
	}
	if (used[ARRAY_SIZE(type_colors)])
		strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\" "
			    "fill=\"#ffffff\" stroke=\"#cf222e\" stroke-width=\"2\" "
			    "stroke-dasharray=\"3 2\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
			    "fill=\"#333\">stale</text>", lx, H - 22, lx + 16, H - 12);
	strbuf_addstr(sb, "</g></svg>");
	free(pos);
}
