/*
 * graph.c - the dependency graph in CSR form; see graph.h for the layout.
 *
 * Building sorts nothing: a counting pass gives each node's out- and
 * in-degree, prefix sums give the offsets, and a second pass drops each
 * edge into place.  The id index is open addressing with linear probing
 * over a power-of-two table at most half full, hashed with FNV-1a and
 * murmur3's finaliser.
 *
 * Tarjan's algorithm is written with an explicit stack (a recursive one
 * would overflow on a long chain of a million artefacts).
 */
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "graph.h"

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	/* FNV's low bits are weak on ids that differ only in trailing digits
	 * (long probe runs in a power-of-two table); murmur3's finaliser mixes
	 * every input bit into them. */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

uint32_t graph_find(const struct graph *g, const char *id)
{
	uint32_t slot = fnv1a(id) & g->index_mask, v;

	while ((v = g->index[slot]) != 0) {
		if (!strcmp(graph_id(g, v - 1), id))
			return v - 1;
		slot = (slot + 1) & g->index_mask;
	}
	return GRAPH_NONE;
}

void graph_free(struct graph *g)
{
	if (!g)
		return;
	free(g->id_pool);
	free(g->id_off);
	free(g->node_type);
	free(g->index);
	free(g->fwd_off);
	free(g->fwd_dst);
	free(g->fwd_type);
	free(g->rev_off);
	free(g->rev_src);
	free(g->rev_type);
	free(g);
}

size_t graph_memory(const struct graph *g)
{
	size_t pool = 0;

	if (g->n)
		pool = g->id_off[g->n - 1] + strlen(graph_id(g, g->n - 1)) + 1;
	return pool + (size_t)g->n * (4 + 1) + ((size_t)g->index_mask + 1) * 4 +
	       ((size_t)g->n + 1) * 8 + (size_t)g->m * 10;
}

/*
 * Build the id index over the g->n ids already in the pool.  Returns the
 * node that repeats an earlier id, or GRAPH_NONE.
 */
static uint32_t build_index(struct graph *g)
{
	size_t slots = 16;
	uint32_t i;

	while (slots < (size_t)g->n * 2)
		slots *= 2;
	free(g->index);
	g->index = xcalloc(slots, sizeof(uint32_t));
	g->index_mask = (uint32_t)(slots - 1);
	for (i = 0; i < g->n; i++) {
		const char *id = graph_id(g, i);
		uint32_t slot = fnv1a(id) & g->index_mask, v;
		while ((v = g->index[slot]) != 0) {
			if (!strcmp(graph_id(g, v - 1), id))
				return i;
			slot = (slot + 1) & g->index_mask;
		}
		g->index[slot] = i + 1;
	}
	return GRAPH_NONE;
}

/* Growable node arrays while loading. */
struct node_acc {
	struct strbuf pool;
	size_t alloc;
};

static int add_node(struct graph *g, struct node_acc *acc, const char *id, uint8_t type,
		    struct aiv_err *err)
{
	size_t off = acc->pool.len;

	if (off > UINT32_MAX || g->n == UINT32_MAX - 1)
		return aiv_fail(err, AIV_ETOOBIG, "graph: more ids than fit in 4 GiB");
	if (g->n == acc->alloc) {
		acc->alloc = acc->alloc ? acc->alloc * 2 : 1024;
		g->id_off = xrealloc(g->id_off, st_mult(acc->alloc, sizeof(uint32_t)));
		g->node_type = xrealloc(g->node_type, acc->alloc);
	}
	strbuf_add(&acc->pool, id, strlen(id) + 1);
	g->id_off[g->n] = (uint32_t)off;
	g->node_type[g->n] = type;
	g->n++;
	return 0;
}

static int finish_nodes(struct graph *g, struct node_acc *acc, struct aiv_err *err)
{
	uint32_t dup;

	g->id_pool = acc->pool.len ? strbuf_detach(&acc->pool, NULL) : xstrdup("");
	if (!g->id_off) {
		g->id_off = xmalloc(sizeof(uint32_t));
		g->node_type = xmalloc(1);
	}
	dup = build_index(g);
	if (dup != GRAPH_NONE)
		return aiv_fail(err, AIV_EINPUT, "graph: artefact '%s' appears twice",
				graph_id(g, dup));
	return 0;
}

static void build_edges(struct graph *g, const struct graph_edge *e, uint32_t m)
{
	uint32_t i, n = g->n;
	uint32_t *fpos, *rpos;

	g->m = m;
	g->fwd_off = xcalloc((size_t)n + 1, sizeof(uint32_t));
	g->rev_off = xcalloc((size_t)n + 1, sizeof(uint32_t));
	g->fwd_dst = xmalloc(st_mult(m ? m : 1, sizeof(uint32_t)));
	g->rev_src = xmalloc(st_mult(m ? m : 1, sizeof(uint32_t)));
	g->fwd_type = xmalloc(m ? m : 1);
	g->rev_type = xmalloc(m ? m : 1);
	for (i = 0; i < m; i++) {
		g->fwd_off[e[i].src + 1]++;
		g->rev_off[e[i].dst + 1]++;
	}
	for (i = 0; i < n; i++) {
		g->fwd_off[i + 1] += g->fwd_off[i];
		g->rev_off[i + 1] += g->rev_off[i];
	}
	fpos = xmalloc(st_mult((size_t)n + 1, sizeof(uint32_t)));
	rpos = xmalloc(st_mult((size_t)n + 1, sizeof(uint32_t)));
	memcpy(fpos, g->fwd_off, ((size_t)n + 1) * sizeof(uint32_t));
	memcpy(rpos, g->rev_off, ((size_t)n + 1) * sizeof(uint32_t));
	for (i = 0; i < m; i++) {
		uint32_t f = fpos[e[i].src]++, r = rpos[e[i].dst]++;
		g->fwd_dst[f] = e[i].dst;
		g->fwd_type[f] = e[i].type;
		g->rev_src[r] = e[i].src;
		g->rev_type[r] = e[i].type;
	}
	free(fpos);
	free(rpos);
}

int graph_build(struct graph **out, uint32_t n, const char *const *ids,
		const uint8_t *types, const struct graph_edge *edges, uint32_t m,
		struct aiv_err *err)
{
	struct graph *g = xcalloc(1, sizeof(*g));
	struct node_acc acc = { STRBUF_INIT, 0 };
	uint32_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = add_node(g, &acc, ids[i], types ? types[i] : 0, err);
	if (ret || (ret = finish_nodes(g, &acc, err))) {
		strbuf_release(&acc.pool);
		goto fail;
	}
	for (i = 0; i < m; i++) {
		if (edges[i].src >= n || edges[i].dst >= n) {
			ret = aiv_fail(err, AIV_EINPUT, "graph: edge %u names node %u of %u",
				       i, edges[i].src >= n ? edges[i].src : edges[i].dst, n);
			goto fail;
		}
	}
	build_edges(g, edges, m);
	*out = g;
	return 0;
fail:
	graph_free(g);
	return ret;
}

static uint8_t type_index(const char *const *list, const char *t)
{
	uint8_t i;

	for (i = 0; list[i]; i++)
		if (!strcmp(list[i], t))
			return i;
	return 0;
}

int graph_load(struct store *s, struct graph **out, struct aiv_err *err)
{
	struct graph *g = xcalloc(1, sizeof(*g));
	struct node_acc acc = { STRBUF_INIT, 0 };
	struct store_stmt *st;
	struct graph_edge *edges = NULL;
	struct strbuf last = STRBUF_INIT;
	uint32_t lastu = GRAPH_NONE;
	size_t m = 0, malloc_ = 0;
	int rc, ret = 0;

	st = store_prepare(s, "SELECT id, type FROM artefacts", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW && !ret)
		ret = add_node(g, &acc, store_col_text(st, 0),
			       type_index(artefact_types, store_col_text(st, 1)), err);
	store_reset(st);
	if (rc < 0)
		ret = rc;
	if (ret || (ret = finish_nodes(g, &acc, err)))
		goto cleanup;
	/* each artefact's edges are written together, so rows come grouped by src */
	st = store_prepare(s, "SELECT src, dst, type FROM artefact_edges", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *a = store_col_text(st, 0), *b = store_col_text(st, 1);
		uint32_t u, v;
		if (lastu != GRAPH_NONE && !strcmp(a, last.buf)) {
			u = lastu;
		} else {
			u = graph_find(g, a);
			strbuf_reset(&last);
			strbuf_addstr(&last, a);
			lastu = u;
		}
		v = graph_find(g, b);
		if (u == GRAPH_NONE || v == GRAPH_NONE) {
			ret = aiv_fail(err, AIV_EINPUT,
				       "dangling edge '%s' -> '%s': no artefact '%s'", a, b,
				       u == GRAPH_NONE ? a : b);
			store_reset(st);
			goto cleanup;
		}
		ALLOC_GROW(edges, m + 1, malloc_);
		edges[m].src = u;
		edges[m].dst = v;
		edges[m].type = type_index(artefact_edge_types, store_col_text(st, 2));
		m++;
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if (m >= UINT32_MAX) {
		ret = aiv_fail(err, AIV_ETOOBIG, "graph: too many edges");
		goto cleanup;
	}
	build_edges(g, edges, (uint32_t)m);
cleanup:
	strbuf_release(&acc.pool);
	strbuf_release(&last);
	free(edges);
	if (ret) {
		graph_free(g);
		return ret;
	}
	*out = g;
	return 0;
}

void graph_walk_init(struct graph_walk *w)
{
	memset(w, 0, sizeof(*w));
}

void graph_walk_release(struct graph_walk *w)
{
	free(w->mark);
	free(w->pred);
	free(w->ptype);
	free(w->depth);
	free(w->order);
	memset(w, 0, sizeof(*w));
}

static void walk_reset(struct graph_walk *w, uint32_t n)
{
	if (w->cap < n || !w->mark) {
		graph_walk_release(w);
		w->cap = n ? n : 1;
		w->mark = xcalloc(w->cap, sizeof(uint32_t));
		w->pred = xmalloc(st_mult(w->cap, sizeof(uint32_t)));
		w->ptype = xmalloc(w->cap);
		w->depth = xmalloc(st_mult(w->cap, sizeof(uint32_t)));
		w->order = xmalloc(st_mult(w->cap, sizeof(uint32_t)));
	}
	if (++w->epoch == 0) { /* wrapped: clear once every 4 billion walks */
		memset(w->mark, 0, (size_t)w->cap * sizeof(uint32_t));
		w->epoch = 1;
	}
	w->norder = 0;
	w->frontier_cut = 0;
}

/* BFS over (off, adj, types); the queue is w->order itself. */
static void bfs(const struct graph *g, uint32_t start, const struct graph_query *q,
		const uint32_t *off, const uint32_t *adj, const uint8_t *types,
		struct graph_walk *w)
{
	uint32_t head = 0, u, i, ep;
	unsigned mask = q ? q->edge_mask : GRAPH_ALL_EDGES;
	uint32_t maxd = q && q->max_depth > 0 ? (uint32_t)q->max_depth : UINT32_MAX;

	walk_reset(w, g->n);
	ep = w->epoch;
	w->start = start;
	if (start >= g->n)
		return;
	w->mark[start] = ep;
	w->pred[start] = GRAPH_NONE;
	w->depth[start] = 0;
	u = start;
	for (;;) {
		uint32_t d = w->depth[u];
		if (d >= maxd) {
			if (off[u + 1] > off[u])
				w->frontier_cut++;
		} else {
			for (i = off[u]; i < off[u + 1]; i++) {
				uint32_t v = adj[i];
				if (w->mark[v] == ep || !(mask & (1u << types[i])))
					continue;
				w->mark[v] = ep;
				w->pred[v] = u;
				w->ptype[v] = types[i];
				w->depth[v] = d + 1;
				w->order[w->norder++] = v;
			}
		}
		if (head == w->norder)
			break;
		u = w->order[head++];
	}
}

void graph_impact(const struct graph *g, uint32_t start,
		  const struct graph_query *q, struct graph_walk *w)
{
	bfs(g, start, q, g->rev_off, g->rev_src, g->rev_type, w);
}

void graph_deps(const struct graph *g, uint32_t start,
		const struct graph_query *q, struct graph_walk *w)
{
	bfs(g, start, q, g->fwd_off, g->fwd_dst, g->fwd_type, w);
}

int graph_walk_reached(const struct graph_walk *w, uint32_t u)
{
	return u < w->cap && w->mark && w->mark[u] == w->epoch;
}

int graph_walk_keep(const struct graph *g, const struct graph_query *q, uint32_t u)
{
	return !q || q->kind < 0 || g->node_type[u] == (uint8_t)q->kind;
}

uint32_t graph_walk_path(const struct graph_walk *w, uint32_t u, uint32_t **nodes)
{
	uint32_t len = 0, v, i;

	*nodes = NULL;
	if (!graph_walk_reached(w, u))
		return 0;
	for (v = u; v != GRAPH_NONE; v = w->pred[v])
		len++;
	*nodes = xmalloc(st_mult(len, sizeof(uint32_t)));
	i = len;
	for (v = u; v != GRAPH_NONE; v = w->pred[v])
		(*nodes)[--i] = v;
	return len;
}

void graph_path_text(struct strbuf *sb, const struct graph *g,
		     const struct graph_walk *w, uint32_t u)
{
	uint32_t *nodes, len = graph_walk_path(w, u, &nodes), i;

	for (i = 0; i < len; i++)
		strbuf_addf(sb, "%s%s", i ? " -> " : "", graph_id(g, nodes[i]));
	free(nodes);
}

unsigned graph_acyclic_mask(void)
{
	unsigned mask = 0, i;

	for (i = 0; artefact_edge_types[i]; i++)
		if (artefact_edge_forbids_cycle(artefact_edge_types[i]))
			mask |= 1u << i;
	return mask;
}

uint32_t graph_cycles(const struct graph *g, unsigned edge_mask, uint32_t **comp_of)
{
	uint32_t n = g->n, idx = 0, ncomp = 0, sp = 0, cs = 0, r;
	uint32_t *index = xmalloc(st_mult(n ? n : 1, sizeof(uint32_t)));
	uint32_t *low = xmalloc(st_mult(n ? n : 1, sizeof(uint32_t)));
	uint32_t *stack = xmalloc(st_mult(n ? n : 1, sizeof(uint32_t)));
	uint8_t *on = xcalloc(n ? n : 1, 1);
	uint32_t *cnode = xmalloc(st_mult(n ? n : 1, sizeof(uint32_t)));
	uint32_t *cedge = xmalloc(st_mult(n ? n : 1, sizeof(uint32_t)));
	uint32_t *comp = xmalloc(st_mult(n ? n : 1, sizeof(uint32_t)));

	for (r = 0; r < n; r++) {
		index[r] = GRAPH_NONE;
		comp[r] = GRAPH_NONE;
	}
	for (r = 0; r < n; r++) {
		if (index[r] != GRAPH_NONE)
			continue;
		/* call stack of (node, next edge) */
		cnode[cs] = r;
		cedge[cs] = g->fwd_off[r];
		cs++;
		index[r] = low[r] = idx++;
		stack[sp++] = r;
		on[r] = 1;
		while (cs) {
			uint32_t u = cnode[cs - 1], e = cedge[cs - 1];
			if (e < g->fwd_off[u + 1]) {
				uint32_t v = g->fwd_dst[e];
				cedge[cs - 1]++;
				if (!(edge_mask & (1u << g->fwd_type[e])))
					continue;
				if (index[v] == GRAPH_NONE) {
					index[v] = low[v] = idx++;
					stack[sp++] = v;
					on[v] = 1;
					cnode[cs] = v;
					cedge[cs] = g->fwd_off[v];
					cs++;
				} else if (on[v] && index[v] < low[u]) {
					low[u] = index[v];
				}
				continue;
			}
			/* u is finished */
			if (low[u] == index[u]) {
				uint32_t size = 0, x, top = sp;
				do {
					x = stack[--top];
					size++;
				} while (x != u);
				if (size > 1) {
					do {
						x = stack[--sp];
						on[x] = 0;
						comp[x] = ncomp;
					} while (x != u);
					ncomp++;
				} else {
					sp = top;
					on[u] = 0;
				}
			}
			cs--;
			if (cs && low[u] < low[cnode[cs - 1]])
				low[cnode[cs - 1]] = low[u];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(on);
	free(cnode);
	free(cedge);
	*comp_of = comp;
	return ncomp;
}
