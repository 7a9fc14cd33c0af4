/*
 * query.h - graph questions answered as JSON result objects, so the CLI
 * and the HTTP API print the same computed answer (the handler is a thin
 * wrapper: load the graph, call one of these, print or send the JSON).
 *
 * Every answer has "explain": one sentence saying why it is what it is,
 * which matters most when it is empty ("nothing depends on X", "the
 * depth limit stopped the walk", "no item of type form among 4 reached").
 */
#ifndef AIV_QUERY_H
#define AIV_QUERY_H

#include <jansson.h>

#include "graph.h"

/*
 * Impact (downstream) or deps (upstream) of `id`.  kind: artefact type or
 * NULL; depth <= 0: unlimited.  *out is new:
 *   {"start", "direction", "depth_limit", "kind", "count", "explain",
 *    "items": [{"id", "type", "depth", "via", "path": [ids]}]}
 * AIV_ENOTFOUND for an unknown id, AIV_EINPUT for an unknown kind.
 */
int query_closure(const struct graph *g, const char *id, int upstream, int depth,
		  const char *kind, json_t **out, struct aiv_err *err);

/*
 * Shortest dependency path between a and b, in whichever direction one
 * exists: {"from", "to", "found", "direction", "path": [{"id","via"}],
 * "explain"}.
 */
int query_path(const struct graph *g, const char *a, const char *b, json_t **out,
	       struct aiv_err *err);

/*
 * Cycles: {"forbidden": [[ids]...], "allowed": [[ids]...], "explain"}.
 * "forbidden" are cycles over edge types that forbid them (there should
 * be none: apply refuses them); "allowed" are cycles only possible
 * through 'references' edges.
 */
int query_cycles(const struct graph *g, json_t **out, struct aiv_err *err);

/* Artefact type index of name, or -1. */
int query_type_index(const char *type);

#endif
