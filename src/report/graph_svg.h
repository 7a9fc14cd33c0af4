/*
 * graph_svg.h - a layered, left-to-right drawing of a dependency graph as
 * inline SVG: the impact graph of a change request.
 *
 * The caller gives nodes with a layer (hops from the changed artefact:
 * layer 0 is drawn on the left) and edges by node index, drawn from the
 * upstream node (the one depended on) to the downstream one.  Nodes are
 * coloured by artefact type (a fixed colour-blind-safe palette, one colour
 * per type, listed in a legend), edges carry their type as a label.  Like
 * report/svg.h: no style attributes (CSP-safe), every text escaped,
 * role="img" with aria-labelledby on <title>/<desc>, a <title> tooltip on
 * every node and edge, a class on every element (node, edge, edge-label,
 * legend) for CSS and tests.
 *
 * Layout (graph_svg_layout): column = layer; inside a column, nodes are
 * ordered by the mean row of their upstream neighbours in earlier columns
 * (one barycentre sweep, ties by id), which keeps paths straight and
 * crossings few on the trees and near-trees an impact set usually is.
 */
#ifndef AIV_GRAPH_SVG_H
#define AIV_GRAPH_SVG_H

#include "aiv.h"

struct graph_svg_node {
	const char *id;      /* drawn in the box */
	const char *type;    /* artefact type: picks the colour; NULL: grey */
	const char *tooltip; /* extra text for the <title> (may be NULL) */
	int layer;           /* >= 0: column from the left */
	int flagged;         /* drawn with a dashed outline (e.g. stale) */
};

struct graph_svg_edge {
	size_t from, to;     /* node indexes: upstream -> downstream */
	const char *type;    /* edge label, e.g. "governed-by" */
};

struct graph_svg {
	const char *id;      /* unique in the page, [A-Za-z0-9_-]; NULL: "graph" */
	const char *title;   /* accessible name, drawn on top */
	const char *desc;    /* longer description (may be NULL) */
	const struct graph_svg_node *nodes;
	size_t nnodes;
	const struct graph_svg_edge *edges; /* out-of-range indexes are skipped */
	size_t nedges;
};

/* Where a node is drawn: the top-left corner of its box. */
struct graph_svg_pos {
	double x, y;
	size_t row; /* position within its column, 0 at the top */
};

/* Box size and spacing, in viewBox pixels. */
#define GRAPH_SVG_NODE_W 120
#define GRAPH_SVG_NODE_H 36
#define GRAPH_SVG_COL_GAP 110
#define GRAPH_SVG_ROW_GAP 22

/*
 * Compute the position of every node into pos (caller's array of
 * g->nnodes); *width and *height get the size of the drawing area.
 */
void graph_svg_layout(const struct graph_svg *g, struct graph_svg_pos *pos,
		      double *width, double *height);

/* Append the <svg> element for g to sb. */
void graph_svg_draw(struct strbuf *sb, const struct graph_svg *g);

/* The fill colour used for an artefact type ("#rrggbb", static). */
const char *graph_svg_type_color(const char *type);

#endif
