/*
 * graph.h - the artefact dependency graph in memory, and the questions
 * change control asks of it: what does a change to X reach (impact), what
 * does X rest on (deps), how are A and B connected (path), and where are
 * the cycles.
 *
 * The graph is loaded from the store once per run (graph_load) into
 * compressed sparse rows: node ids are uint32 indexes, edge and node types
 * are bytes (indexes into artefact_edge_types / artefact_types).  An edge
 * (u, v) means "u depends on v".  Both directions are kept:
 *
 *   forward (upstream):   fwd_off[u] .. fwd_off[u+1]  ->  fwd_dst[], fwd_type[]
 *   reverse (downstream): rev_off[v] .. rev_off[v+1]  ->  rev_src[], rev_type[]
 *
 *      node:      0      1      2      3
 *      fwd_off: [ 0,     0,     1,     3,     4 ]      (n + 1 entries)
 *      fwd_dst: [ 0,   0, 1,   2 ]                     (m entries)
 *                 ^1->0 ^2->0,2->1 ^3->2
 *
 * That is 10 bytes per edge for the adjacency, plus 8 per node for the
 * offsets, plus the id strings and an open-addressing id index.
 *
 * graph_load reads edges by the artefacts' integer numbers (artefacts.num,
 * artefact_edges.src_num / dst_num, migration 7) in one streaming
 * statement: no id strings and no hash lookups per edge.  Rows whose
 * numbers are missing (written by hand in SQL) fall back to the ids.
 *
 * Walks (graph_impact, graph_deps) are breadth-first, level by level over
 * one frontier array (w->order), with the visited set as a bitmap (an
 * eighth of a byte per node, so it stays in cache) and, per reached node,
 * one word holding its predecessor and the edge type used (pred_type), so
 * every answer carries the shortest path that produced it.  A struct
 * graph_walk is reusable and allocates nothing after its first walk; the
 * next walk clears only the bits the last one set, so a walk costs what it
 * reaches, not the size of the graph.  A node's depth is the length of its
 * path (graph_walk_depth).
 *
 * Nothing here touches the store except graph_load; a graph can also be
 * built from arrays (graph_build), which the unit tests and the benchmark
 * use.
 */
#ifndef AIV_GRAPH_H
#define AIV_GRAPH_H

#include "aiv.h"
#include "store/store.h"

#define GRAPH_NONE UINT32_MAX
#define GRAPH_ALL_EDGES 0xffu /* edge mask: every type */
#define GRAPH_MAX_NODES (1u << 29) /* a node index and an edge type share a word */

struct graph {
	uint32_t n;          /* nodes */
	uint32_t m;          /* edges */
	char *id_pool;       /* NUL-separated ids */
	uint32_t *id_off;    /* node -> offset in id_pool */
	uint8_t *node_type;  /* node -> index in artefact_types */
	uint32_t *index;     /* open addressing: slot -> node + 1 (0 empty) */
	uint32_t index_mask;
	uint32_t *fwd_off, *fwd_dst;
	uint8_t *fwd_type;
	uint32_t *rev_off, *rev_src;
	uint8_t *rev_type;
};

/* An edge for graph_build, by node index. */
struct graph_edge {
	uint32_t src, dst;
	uint8_t type;
};

/*
 * Build a graph from `n` ids (copied), their types, and `m` edges (by
 * index; not kept).  Duplicate ids or out-of-range edges are AIV_EINPUT.
 * On success *out is new (graph_free).
 */
int graph_build(struct graph **out, uint32_t n, const char *const *ids,
		const uint8_t *types, const struct graph_edge *edges, uint32_t m,
		struct aiv_err *err);

/*
 * Load every artefact and edge from the store.  An edge naming an unknown
 * artefact (a dangling edge) is AIV_EINPUT naming both ends.  *out new.
 */
int graph_load(struct store *s, struct graph **out, struct aiv_err *err);
void graph_free(struct graph *g);

/* Node index of `id`, or GRAPH_NONE. */
uint32_t graph_find(const struct graph *g, const char *id);
/* Borrowed id string of node `u`. */
static inline const char *graph_id(const struct graph *g, uint32_t u)
{
	return g->id_pool + g->id_off[u];
}

/* Bytes the graph holds in memory (arrays and pool). */
size_t graph_memory(const struct graph *g);

struct graph_walk {
	uint32_t cap;      /* nodes the arrays are sized for */
	uint64_t *seen;    /* bitmap: node reached by the last walk */
	uint32_t *pred_type; /* node -> predecessor | edge type << 29 (valid when seen) */
	uint32_t *order;   /* reached nodes in BFS order, start excluded */
	uint32_t norder;
	uint32_t start;
	uint32_t frontier_cut; /* nodes not expanded because of the depth limit */
};

void graph_walk_init(struct graph_walk *w);
void graph_walk_release(struct graph_walk *w);

struct graph_query {
	int max_depth;     /* <= 0: no limit */
	int kind;          /* artefact type index to report, -1 for all */
	unsigned edge_mask; /* bit per edge type to follow (GRAPH_ALL_EDGES) */
};

/*
 * Downstream closure of `start`: every node that depends on it, directly
 * or transitively, over edges in q->edge_mask, up to q->max_depth hops.
 * Fills w (order holds every reached node; the kind filter applies to what
 * callers print, see graph_walk_keep).
 */
void graph_impact(const struct graph *g, uint32_t start,
		  const struct graph_query *q, struct graph_walk *w);
/* Upstream closure: everything `start` depends on. */
void graph_deps(const struct graph *g, uint32_t start,
		const struct graph_query *q, struct graph_walk *w);
/* Did the last walk reach `u`? */
int graph_walk_reached(const struct graph_walk *w, uint32_t u);
/* Hops from the start to `u`, a node the last walk reached (0 for the start). */
uint32_t graph_walk_depth(const struct graph_walk *w, uint32_t u);
/* Edge type (artefact_edge_types index) by which the walk reached `u`. */
static inline unsigned graph_walk_via(const struct graph_walk *w, uint32_t u)
{
	return w->pred_type[u] >> 29;
}
/* Does node u pass q's kind filter? */
int graph_walk_keep(const struct graph *g, const struct graph_query *q, uint32_t u);

/*
 * Path from the walk's start to `u`, as node indexes start..u (caller
 * frees *nodes); the edge type into nodes[i] is graph_walk_via(w, nodes[i]).
 */
uint32_t graph_walk_path(const struct graph_walk *w, uint32_t u, uint32_t **nodes);

/* Append "A -> B -> C" for the walk's path to u. */
void graph_path_text(struct strbuf *sb, const struct graph *g,
		     const struct graph_walk *w, uint32_t u);

/*
 * Strongly connected components with more than one node, over edges in
 * edge_mask (Tarjan, iterative).  *comp_of gets, per node, its component
 * number or GRAPH_NONE when it is on no cycle (caller frees); returns the
 * number of such components.
 */
uint32_t graph_cycles(const struct graph *g, unsigned edge_mask, uint32_t **comp_of);

/* Edge mask of the types that forbid cycles (artefact.h's fixed rule). */
unsigned graph_acyclic_mask(void);

#endif
