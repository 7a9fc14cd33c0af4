/*
 * dfg_svg.c - layered drawing of a directly-follows graph; see dfg_svg.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfg_svg.h"
#include "process_json.h"

#define COL_W 200.0   /* column pitch */
#define NODE_W 150.0
#define NODE_H 40.0
#define ROW_H 72.0
#define MARGIN 28.0
#define TOP 40.0      /* room for the title and self-loops */
#define LOOP_ROOM 60.0 /* below the rows, for backward edges */
#define NAME_MAX 22   /* characters of a name shown in a box */
#define DISPLAY_W 1180.0 /* width the drawing is shown at, when larger */
#define MIN_SCALE 0.75   /* ... but text stays at least this big */

struct lnode {
	size_t idx;      /* into nodes[] */
	size_t count;    /* nodes[idx].count, for sorting without globals */
	int shown;
	int rank;        /* column, 1.. */
	double row, x, y; /* y: top of the box */
	double bary;
};

/* By count descending, then index (the server sorts in several threads: no globals). */
static int cmp_node_count(const void *a, const void *b)
{
	const struct lnode *x = *(const struct lnode *const *)a;
	const struct lnode *y = *(const struct lnode *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_edge_count(const void *a, const void *b)
{
	const struct dfg_edge *x = *(const struct dfg_edge *const *)a;
	const struct dfg_edge *y = *(const struct dfg_edge *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_in_column(const void *a, const void *b)
{
	const struct lnode *x = *(const struct lnode *const *)a;
	const struct lnode *y = *(const struct lnode *const *)b;

	if (x->bary != y->bary)
		return x->bary < y->bary ? -1 : 1;
	return cmp_node_count(a, b);
}

/* Depth-first search state for the ranks (see dfg_svg). */
struct dfs {
	struct lnode *L;
	const struct dfg_edge **E;
	size_t nE;
	uint8_t *back;   /* per drawn edge: 1 closes a cycle, 2 tree edge of the search */
	size_t *post;    /* nodes in post-order */
	size_t npost;
};

/* Visit u: rank -1 while on the stack, 0 unvisited, 1 done (real ranks later). */
static void dfs_visit(struct dfs *d, size_t u)
{
	size_t i;

	d->L[u].rank = -1;
	for (i = 0; i < d->nE; i++) {
		size_t v = d->E[i]->to;
		if (d->E[i]->from != u)
			continue;
		if (d->L[v].rank == -1)
			d->back[i] = 1;
		else if (d->L[v].rank == 0) {
			d->back[i] = 2;
			dfs_visit(d, v);
		}
	}
	d->L[u].rank = 1;
	d->post[d->npost++] = u;
}

/* An activity name, shortened to NAME_MAX characters (UTF-8 safe), escaped. */
static void short_name(struct strbuf *sb, const char *s)
{
	size_t n = 0, i = 0, len = strlen(s);
	char *cut;

	while (i < len && n < NAME_MAX) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	if (i >= len) {
		strbuf_add_html(sb, s);
		return;
	}
	cut = xstrndup(s, i);
	strbuf_add_html(sb, cut);
	strbuf_addstr(sb, "\xE2\x80\xA6"); /* ellipsis */
	free(cut);
}

static double stroke(size_t count, size_t max)
{
	if (max <= 1)
		return 1.5;
	return 1.0 + 4.0 * log((double)count) / log((double)max);
}

/* Tooltip and label of an edge; (lx, ly) is where the label goes. */
static void edge_text(struct strbuf *sb, const char *from, const char *to, size_t count,
		      double median, double lx, double ly)
{
	char h[32];

	strbuf_addstr(sb, "<title>");
	strbuf_add_html(sb, from);
	strbuf_addstr(sb, " \xE2\x86\x92 ");
	strbuf_add_html(sb, to);
	strbuf_addf(sb, ": %zu time%s", count, count == 1 ? "" : "s");
	if (isfinite(median))
		strbuf_addf(sb, ", median %s", pjson_human(median, h, sizeof(h)));
	strbuf_addstr(sb, "</title></path>");
	strbuf_addf(sb, "<text class=\"dfg-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		    "text-anchor=\"middle\" fill=\"#333\">%zu</text>", lx, ly, count);
}

void dfg_svg(struct strbuf *sb, const struct dfg_node *nodes, size_t nnodes,
	     const struct dfg_edge *edges, size_t nedges, const struct dfg_svg_opts *o,
	     struct dfg_svg_result *res)
{
	const char *id = o && o->id && *o->id ? o->id : "dfg";
	const char *title = o && o->title ? o->title : "Directly-follows graph";
	size_t max_edges = o && o->max_edges ? o->max_edges : 40;
	size_t max_nodes = o && o->max_nodes ? o->max_nodes : 30;
	size_t min_count = o ? o->min_count : 0;
	struct lnode *L = xcalloc(nnodes + 1, sizeof(*L));
	struct lnode **order = xmalloc(st_mult(nnodes + 1, sizeof(*order)));
	const struct dfg_edge **E = xmalloc(st_mult(nedges + 1, sizeof(*E)));
	uint8_t *drawn = xcalloc(nedges + 1, 1), *back;
	size_t *queue = xmalloc(st_mult(nnodes + 1, sizeof(*queue)));
	struct lnode **col = xmalloc(st_mult(nnodes + 1, sizeof(*col)));
	size_t i, j, k, nshown = 0, nE = 0, threshold = 0, max_count = 1, qt = 0;
	size_t max_rows = 1, max_start = 1, max_end = 1;
	int ranks = 0, r;
	double w, h, startx, endx, midy, scale;
	struct dfg_svg_result rr;

	memset(&rr, 0, sizeof(rr));
	/* the most frequent activities */
	for (i = 0; i < nnodes; i++) {
		order[i] = &L[i];
		L[i].idx = i;
		L[i].count = nodes[i].count;
	}
	qsort(order, nnodes, sizeof(*order), cmp_node_count);
	for (i = 0; i < nnodes && i < max_nodes; i++)
		order[i]->shown = 1;
	nshown = i;
	/* the most frequent edges between them, ties kept together */
	for (i = 0; i < nedges; i++)
		if (edges[i].from < nnodes && edges[i].to < nnodes && L[edges[i].from].shown &&
		    L[edges[i].to].shown && edges[i].count >= min_count && edges[i].count)
			E[nE++] = &edges[i];
	qsort(E, nE, sizeof(*E), cmp_edge_count);
	if (nE > max_edges) {
		size_t cut = E[max_edges - 1]->count;
		for (k = max_edges; k < nE && E[k]->count == cut; k++)
			;
		nE = k;
	}
	for (i = 0; i < nE; i++)
		drawn[E[i] - edges] = 1;
	threshold = nE ? E[nE - 1]->count : 0;
	back = xcalloc(nE + 1, 1);
	for (i = 0; i < nE; i++)
		if (E[i]->count > max_count)
			max_count = E[i]->count;
	/*
	 * ranks: depth-first from the main start activities (at least a tenth
	 * of the most common start), then from the other starts and the rest,
	 * following frequent edges first; an edge to a node still on the
	 * stack closes a cycle and is "back".  The search tree's edges and
	 * the other frequent edges (at least 1/20 of the most frequent) form
	 * a DAG in which each node's rank is its longest path from a root, so
	 * the main flow points right and rare detours do not stretch it.
	 */
	for (i = 0; i < nnodes; i++) {
		if (L[i].shown && nodes[i].starts > max_start)
			max_start = nodes[i].starts;
		if (nodes[i].ends > max_end)
			max_end = nodes[i].ends;
	}
	{
		struct dfs d = { L, E, nE, back, queue, 0 };
		for (k = 0; k < 3; k++)
			for (i = 0; i < nnodes; i++) {
				size_t u = order[i]->idx;
				int main_start = nodes[u].starts && nodes[u].starts * 10 >= max_start;
				if (!L[u].shown || L[u].rank ||
				    (k == 0 && !main_start) || (k == 1 && !nodes[u].starts))
					continue;
				dfs_visit(&d, u);
			}
		qt = d.npost;
	}
	for (i = 0; i < nnodes; i++)
		if (L[i].shown && !L[i].rank)
			L[i].rank = 1;
	for (i = qt; i-- > 0;) { /* reverse post-order: topological */
		size_t u = queue[i];
		if (L[u].rank < 1)
			L[u].rank = 1;
		for (j = 0; j < nE; j++)
			if (E[j]->from == u && (back[j] == 2 || (!back[j] && E[j]->count * 20 >= max_count)) &&
			    L[E[j]->to].rank < L[u].rank + 1)
				L[E[j]->to].rank = L[u].rank + 1;
	}
	for (i = 0; i < nnodes; i++)
		if (L[i].shown && L[i].rank > ranks)
			ranks = L[i].rank;
	/* rows: column by column, by the mean row of drawn predecessors */
	for (r = 1; r <= ranks; r++) {
		size_t nc = 0;
		for (i = 0; i < nnodes; i++) {
			double sum = 0;
			size_t cnt = 0;
			if (!L[i].shown || L[i].rank != r)
				continue;
			for (j = 0; j < nE; j++)
				if (E[j]->to == i && L[E[j]->from].rank < r) {
					sum += L[E[j]->from].row * (double)E[j]->count;
					cnt += E[j]->count;
				}
			L[i].bary = cnt ? sum / (double)cnt : 1e9;
			col[nc++] = &L[i];
		}
		qsort(col, nc, sizeof(*col), cmp_in_column);
		for (i = 0; i < nc; i++)
			col[i]->row = (double)i;
		if (nc > max_rows)
			max_rows = nc;
	}
	w = MARGIN * 2 + COL_W * (ranks + 1) + 40;
	h = TOP + ROW_H * (double)max_rows + LOOP_ROOM;
	midy = TOP + ROW_H * (double)max_rows / 2.0;
	for (i = 0; i < nnodes; i++) {
		if (!L[i].shown)
			continue;
		/* centre shorter columns vertically */
		size_t nc = 0;
		for (j = 0; j < nnodes; j++)
			nc += L[j].shown && L[j].rank == L[i].rank;
		L[i].x = MARGIN + 40 + COL_W * (L[i].rank - 1) + (COL_W - NODE_W) / 2;
		L[i].y = TOP + ROW_H * (L[i].row + ((double)max_rows - (double)nc) / 2.0) +
			 (ROW_H - NODE_H) / 2;
	}
	/* shown at most DISPLAY_W wide, but never below MIN_SCALE (then it scrolls) */
	scale = w <= DISPLAY_W ? 1.0 : DISPLAY_W / w < MIN_SCALE ? MIN_SCALE : DISPLAY_W / w;
	startx = MARGIN + 12;
	endx = MARGIN + 40 + COL_W * ranks + 28;

	strbuf_addf(sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart dfg\" "
		    "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
		    "aria-labelledby=\"", w, h, w * scale, h * scale);
	strbuf_add_html(sb, id);
	strbuf_addstr(sb, "-title\"><title id=\"");
	strbuf_add_html(sb, id);
	strbuf_addstr(sb, "-title\">");
	strbuf_add_html(sb, title);
	strbuf_addstr(sb, "</title><defs><marker id=\"");
	strbuf_add_html(sb, id);
	strbuf_addstr(sb, "-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
		      "markerHeight=\"7\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
		      "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>");
	if (!nshown) {
		strbuf_addf(sb, "<text class=\"no-data\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
			    "fill=\"#666\">no activities</text>", w / 2, h / 2);
		goto done;
	}
	/* start and end markers */
	strbuf_addf(sb, "<circle class=\"dfg-start\" cx=\"%.1f\" cy=\"%.1f\" r=\"10\" fill=\"#009E73\">"
		    "<title>start</title></circle>", startx, midy);
	strbuf_addf(sb, "<circle class=\"dfg-end\" cx=\"%.1f\" cy=\"%.1f\" r=\"10\" fill=\"#D55E00\">"
		    "<title>end</title></circle>", endx, midy);
	/* edges from the start and to the end */
	for (i = 0; i < nnodes; i++) {
		double y;
		if (!L[i].shown)
			continue;
		y = L[i].y + NODE_H / 2;
		if (nodes[i].starts) {
			double x2 = L[i].x, mx = (startx + 10 + x2) / 2;
			strbuf_addf(sb, "<path class=\"dfg-edge dfg-edge-start\" d=\"M%.1f,%.1f C%.1f,%.1f "
				    "%.1f,%.1f %.1f,%.1f\" fill=\"none\" stroke=\"#009E73\" "
				    "stroke-width=\"%.2f\" marker-end=\"url(#",
				    startx + 10, midy, mx, midy, mx, y, x2, y,
				    stroke(nodes[i].starts, max_start));
			strbuf_add_html(sb, id);
			strbuf_addstr(sb, "-arrow)\">");
			edge_text(sb, "start", nodes[i].name, nodes[i].starts, NAN,
				  (startx + 10 + 3 * x2) / 4, y - 4);
		}
		if (nodes[i].ends) {
			double x1 = L[i].x + NODE_W, mx = (x1 + endx - 10) / 2;
			strbuf_addf(sb, "<path class=\"dfg-edge dfg-edge-end\" d=\"M%.1f,%.1f C%.1f,%.1f "
				    "%.1f,%.1f %.1f,%.1f\" fill=\"none\" stroke=\"#D55E00\" "
				    "stroke-width=\"%.2f\" stroke-dasharray=\"4 3\" marker-end=\"url(#",
				    x1, y, mx, y, mx, midy, endx - 10, midy,
				    stroke(nodes[i].ends, max_end));
			strbuf_add_html(sb, id);
			strbuf_addstr(sb, "-arrow)\">");
			edge_text(sb, nodes[i].name, "end", nodes[i].ends, NAN,
				  (3 * x1 + endx) / 4, y - 4);
		}
	}
	/* activity edges */
	for (i = 0; i < nE; i++) {
		const struct lnode *a = &L[E[i]->from], *b = &L[E[i]->to];
		double x1, y1, x2, y2, c1x, c1y, c2x, c2y, lx, ly;

		if (a == b) { /* self-loop above the box */
			x1 = a->x + NODE_W * 0.35;
			x2 = a->x + NODE_W * 0.65;
			y1 = y2 = a->y;
			c1x = x1 - 10;
			c2x = x2 + 10;
			c1y = c2y = a->y - 30;
			lx = a->x + NODE_W / 2;
			ly = a->y - 20;
		} else if (b->rank > a->rank) { /* forward */
			x1 = a->x + NODE_W;
			y1 = a->y + NODE_H / 2;
			x2 = b->x;
			y2 = b->y + NODE_H / 2;
			c1x = x1 + (x2 - x1) * 0.5;
			c2x = x2 - (x2 - x1) * 0.5;
			c1y = y1;
			c2y = y2;
			lx = (x1 + x2) / 2;
			ly = (y1 + y2) / 2 - 4;
		} else { /* backward or same column: a loop below */
			double dip = 30 + 12.0 * (double)(a->rank - b->rank);
			x1 = a->x + NODE_W * 0.6;
			y1 = a->y + NODE_H;
			x2 = b->x + NODE_W * 0.4;
			y2 = b->y + NODE_H;
			c1x = x1;
			c2x = x2;
			c1y = (y1 > y2 ? y1 : y2) + dip;
			c2y = c1y;
			lx = (x1 + x2) / 2;
			ly = 0.125 * y1 + 0.375 * c1y + 0.375 * c2y + 0.125 * y2 + 12;
		}
		strbuf_addf(sb, "<path class=\"dfg-edge\" d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f "
			    "%.1f,%.1f\" fill=\"none\" stroke=\"#555\" stroke-opacity=\"0.8\" "
			    "stroke-width=\"%.2f\" marker-end=\"url(#", x1, y1, c1x, c1y, c2x, c2y,
			    x2, y2, stroke(E[i]->count, max_count));
		strbuf_add_html(sb, id);
		strbuf_addstr(sb, "-arrow)\">");
		edge_text(sb, nodes[E[i]->from].name, nodes[E[i]->to].name, E[i]->count,
			  E[i]->median, lx, ly);
	}
	/* boxes last, on top of the edges */
	for (i = 0; i < nnodes; i++) {
		if (!L[i].shown)
			continue;
		strbuf_addf(sb, "<g class=\"dfg-node\"><title>");
		strbuf_add_html(sb, nodes[i].name);
		strbuf_addf(sb, ": %zu events</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" "
			    "height=\"%.0f\" rx=\"6\" fill=\"#E8F1F8\" stroke=\"#0072B2\"/>",
			    nodes[i].count, L[i].x, L[i].y, NODE_W, NODE_H);
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
			    "fill=\"#111\">", L[i].x + NODE_W / 2, L[i].y + 17);
		short_name(sb, nodes[i].name);
		strbuf_addf(sb, "</text><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
			    "text-anchor=\"middle\" fill=\"#555\">%zu</text></g>",
			    L[i].x + NODE_W / 2, L[i].y + 32, nodes[i].count);
	}
done:
	strbuf_addstr(sb, "</svg>");
	rr.nodes = nshown;
	rr.hidden_nodes = nnodes - nshown;
	rr.edges = nE;
	for (i = 0; i < nedges; i++)
		rr.hidden_edges += !drawn[i];
	rr.threshold = threshold;
	rr.ranks = ranks;
	if (res)
		*res = rr;
	free(L);
	free(order);
	free(E);
	free(drawn);
	free(back);
	free(queue);
	free(col);
}
