/*
 * query.h - graph questions answered as typed results with one JSON
 * printer each, so the CLI and the HTTP API print the same computed
 * answer (the handler is a thin wrapper: load the graph, call one of
 * these, print the fields or send the JSON).
 *
 * Every answer has "explain": one sentence saying why it is what it is,
 * which matters most when it is empty ("nothing depends on X", "the
 * depth limit stopped the walk", "no item of type form among 4 reached").
 */
#ifndef AIV_QUERY_H
#define AIV_QUERY_H

#include <jansson.h>

#include "graph.h"

/* A list of owned artefact ids. */
struct query_ids {
	char **v;
	size_t n;
};

/*
 * The answers below are typed: each fills a struct the caller owns
 * (overwritten) and frees with its _release, which leaves it zeroed; on
 * error there is nothing to release.  They own their strings, so the
 * graph may be freed before printing.  The JSON printers write what
 * `aivalue graph ... --json` prints and /api/v1/graph/... sends;
 * cli/graph.c prints the fields as text.
 */

/* One artefact reached by a closure walk. */
struct query_item {
	char *id, *type, *via;
	int depth;
	struct query_ids path;      /* start ... this one */
};
struct query_closure_result {
	char *start;
	int upstream;               /* deps, else impact */
	int depth_limit;            /* 0: none */
	char *kind;                 /* the type asked for, or NULL */
	char *explain;
	struct query_item *items;   /* of the kind asked for, in walk order */
	size_t nitems;
	uint32_t cut_by_depth;      /* nodes the depth limit left unexpanded */
};
/*
 * Impact (downstream) or deps (upstream) of `id`.  kind: artefact type or
 * NULL; depth <= 0: unlimited.  AIV_ENOTFOUND for an unknown id,
 * AIV_EINPUT for an unknown kind.
 */
int query_closure(const struct graph *g, const char *id, int upstream, int depth,
		  const char *kind, struct query_closure_result *out, struct aiv_err *err);
void query_closure_result_release(struct query_closure_result *r);
/*
 * {"start", "direction", "depth_limit", "kind", "count", "explain",
 *  "items": [{"id", "type", "depth", "via", "path": [ids]}]} and
 * "cut_by_depth" when the limit cut the walk.  New reference.
 */
json_t *query_closure_result_json(const struct query_closure_result *r);

/* One step of a path: the artefact and the edge type that led to it (NULL first). */
struct query_step {
	char *id, *via;
};
struct query_path_result {
	char *from, *to;
	int found;
	int upstream;               /* with found: a depends on b, else b on a */
	struct query_step *steps;
	size_t nsteps;
	char *explain;
};
/* Shortest dependency path between a and b, in whichever direction one exists. */
int query_path(const struct graph *g, const char *a, const char *b,
	       struct query_path_result *out, struct aiv_err *err);
void query_path_result_release(struct query_path_result *r);
/* {"from", "to", "found", "direction" (when found), "path": [{"id","via"}], "explain"}. */
json_t *query_path_result_json(const struct query_path_result *r);

/*
 * Cycles.  "forbidden" are cycles over edge types that forbid them (there
 * should be none: apply refuses them); "allowed" are cycles only possible
 * through 'references' edges.
 */
struct query_cycles_result {
	struct query_ids *forbidden, *allowed; /* each a group of ids */
	size_t nforbidden, nallowed;
	char *explain;
	uint32_t artefacts, edges;
};
int query_cycles(const struct graph *g, struct query_cycles_result *out, struct aiv_err *err);
void query_cycles_result_release(struct query_cycles_result *r);
/* {"forbidden": [[ids]...], "allowed": [[ids]...], "explain", "artefacts", "edges"}. */
json_t *query_cycles_result_json(const struct query_cycles_result *r);

/* Artefact type index of name, or -1. */
int query_type_index(const char *type);

#endif
