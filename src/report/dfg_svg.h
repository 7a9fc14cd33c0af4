/*
 * dfg_svg.h - a directly-follows graph drawn as inline SVG.
 *
 * Layered layout, left to right: a start marker in column 0, then the
 * activities, then an end marker.  Columns: a depth-first search from the
 * main start activities (at least a tenth as frequent as the most common
 * start), then from the other activities, marks the edges that close a
 * cycle as back edges; each activity's column is its longest path from a
 * root over the search tree's edges and the other frequent edges (at
 * least 1/20 of the most frequent), so the main flow points right and
 * rare detours do not stretch it.  Inside a column
 * nodes are ordered by the mean row of their drawn predecessors (fewer
 * crossings), then by frequency.  Forward edges are cubic curves from the
 * right side of a node to the left side of the next; backward and
 * same-column edges loop below the nodes; self-loops sit above the node.
 * Every edge has an arrowhead (one <marker>), a stroke width growing with
 * the log of its frequency, a frequency label and a <title> tooltip.
 *
 * To stay readable, at most `max_nodes` activities (the most frequent)
 * and at most `max_edges` edges (the most frequent, ties kept together)
 * are drawn, and none below `min_count`; what was left out is counted in
 * the result so the page can say so.  No style attributes (CSP); classes
 * dfg-node, dfg-edge, dfg-label, dfg-start, dfg-end for CSS and tests.
 */
#ifndef AIV_REPORT_DFG_SVG_H
#define AIV_REPORT_DFG_SVG_H

#include "aiv.h"

struct dfg_node {
	const char *name;
	size_t count;      /* events */
	size_t starts;     /* cases starting with it */
	size_t ends;       /* cases ending with it */
};

struct dfg_edge {
	size_t from, to;   /* node indices */
	size_t count;
	double median;     /* seconds between the two events; NaN: unknown */
};

struct dfg_svg_opts {
	const char *id;    /* unique in the page, [A-Za-z0-9_-]; NULL: "dfg" */
	const char *title; /* accessible name; NULL: "Directly-follows graph" */
	size_t min_count;  /* edges seen fewer times are not drawn (0: no floor) */
	size_t max_edges;  /* 0: 40 */
	size_t max_nodes;  /* 0: 30 */
};

struct dfg_svg_result {
	size_t nodes, edges;              /* activities and activity edges drawn */
	size_t hidden_nodes, hidden_edges;
	size_t threshold;                 /* the smallest count of a drawn edge (0: none drawn) */
	int ranks;                        /* columns of activities */
};

/*
 * Append the graph as one <svg> element to sb.  Nodes and edges are
 * borrowed; `res` (may be NULL) receives what was drawn and left out.
 */
void dfg_svg(struct strbuf *sb, const struct dfg_node *nodes, size_t nnodes,
	     const struct dfg_edge *edges, size_t nedges, const struct dfg_svg_opts *o,
	     struct dfg_svg_result *res);

#endif
