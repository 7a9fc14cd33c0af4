/*
 * query.c - graph answers as JSON; see query.h.
 */
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "query.h"

int query_type_index(const char *type)
{
	int i;

	for (i = 0; artefact_types[i]; i++)
		if (!strcmp(artefact_types[i], type))
			return i;
	return -1;
}

static json_t *path_ids(const struct graph *g, const struct graph_walk *w, uint32_t u)
{
	uint32_t *nodes, len = graph_walk_path(w, u, &nodes), i;
	json_t *arr = json_array();

	for (i = 0; i < len; i++)
		json_array_append_new(arr, json_string(graph_id(g, nodes[i])));
	free(nodes);
	return arr;
}

static int lookup(const struct graph *g, const char *id, uint32_t *u,
		  struct aiv_err *err)
{
	*u = graph_find(g, id);
	if (*u == GRAPH_NONE)
		return aiv_fail(err, AIV_ENOTFOUND,
				"unknown artefact '%s' (%u artefacts are registered; see "
				"'aivalue get artefacts')", id, g->n);
	return 0;
}

int query_closure(const struct graph *g, const char *id, int upstream, int depth,
		  const char *kind, json_t **out, struct aiv_err *err)
{
	struct graph_query q = { depth, -1, GRAPH_ALL_EDGES };
	struct graph_walk w;
	json_t *items, *res;
	uint32_t u, i, kept = 0;
	char explain[512];
	int ret;

	if ((ret = lookup(g, id, &u, err)))
		return ret;
	if (kind && (q.kind = query_type_index(kind)) < 0)
		return aiv_fail(err, AIV_EINPUT,
				"unknown artefact type '%s' (sop, policy, contract, requirement, "
				"code, form, test, report)", kind);
	graph_walk_init(&w);
	if (upstream)
		graph_deps(g, u, &q, &w);
	else
		graph_impact(g, u, &q, &w);
	items = json_array();
	for (i = 0; i < w.norder; i++) {
		uint32_t v = w.order[i];
		if (!graph_walk_keep(g, &q, v))
			continue;
		kept++;
		json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:s, s:o}",
			"id", graph_id(g, v), "type", artefact_types[g->node_type[v]],
			"depth", (int)graph_walk_depth(&w, v),
			"via", artefact_edge_types[graph_walk_via(&w, v)],
			"path", path_ids(g, &w, v)));
	}
	if (kept > 0) {
		snprintf(explain, sizeof(explain), "%u artefact%s %s '%s'%s", kept,
			 kept == 1 ? "" : "s",
			 upstream ? "upstream of" : "downstream of (depend on)", id,
			 w.frontier_cut ? "; the depth limit stopped the walk early" : "");
	} else if (w.norder > 0) {
		snprintf(explain, sizeof(explain),
			 "none of the %u artefacts %s '%s' is of type '%s'%s", w.norder,
			 upstream ? "upstream of" : "downstream of", id, kind,
			 w.frontier_cut ? " (within the depth limit)" : "");
	} else {
		snprintf(explain, sizeof(explain), upstream
			 ? "'%s' depends on nothing: it has no depends_on edges"
			 : "nothing depends on '%s': no artefact lists it in depends_on", id);
	}
	res = json_pack("{s:s, s:s, s:i, s:s?, s:i, s:s, s:o}", "start", id,
			"direction", upstream ? "upstream" : "downstream",
			"depth_limit", depth > 0 ? depth : 0, "kind", kind,
			"count", (int)kept, "explain", explain, "items", items);
	if (w.frontier_cut)
		json_object_set_new(res, "cut_by_depth", json_integer(w.frontier_cut));
	graph_walk_release(&w);
	*out = res;
	return 0;
}

int query_path(const struct graph *g, const char *a, const char *b, json_t **out,
	       struct aiv_err *err)
{
	struct graph_walk w;
	uint32_t ua, ub, *nodes, len, i, dir;
	char explain[512];
	json_t *path = json_array();
	int ret;

	if ((ret = lookup(g, a, &ua, err)) || (ret = lookup(g, b, &ub, err))) {
		json_decref(path);
		return ret;
	}
	graph_walk_init(&w);
	/* downstream first: does b (transitively) depend on a? */
	for (dir = 0; dir < 2; dir++) {
		if (dir == 0)
			graph_impact(g, ua, NULL, &w);
		else
			graph_deps(g, ua, NULL, &w);
		if (graph_walk_reached(&w, ub) || ua == ub)
			break;
	}
	if (dir == 2) {
		snprintf(explain, sizeof(explain),
			 "no dependency path: '%s' does not depend on '%s' and '%s' does "
			 "not depend on '%s', directly or transitively", b, a, a, b);
		*out = json_pack("{s:s, s:s, s:b, s:o, s:s}", "from", a, "to", b, "found", 0,
				 "path", path, "explain", explain);
		graph_walk_release(&w);
		return 0;
	}
	len = graph_walk_path(&w, ub, &nodes);
	for (i = 0; i < len; i++) {
		json_t *o = json_pack("{s:s}", "id", graph_id(g, nodes[i]));
		if (i)
			json_object_set_new(o, "via", json_string(
				artefact_edge_types[graph_walk_via(&w, nodes[i])]));
		json_array_append_new(path, o);
	}
	free(nodes);
	snprintf(explain, sizeof(explain),
		 "'%s' depends on '%s' through %u edge%s (shortest path)",
		 dir == 0 ? b : a, dir == 0 ? a : b, len ? len - 1 : 0,
		 len == 2 ? "" : "s");
	*out = json_pack("{s:s, s:s, s:b, s:s, s:o, s:s}", "from", a, "to", b, "found", 1,
			 "direction", dir == 0 ? "downstream" : "upstream", "path", path,
			 "explain", explain);
	graph_walk_release(&w);
	return 0;
}

static json_t *components(const struct graph *g, unsigned mask, uint32_t *ncomp)
{
	uint32_t *comp, n = graph_cycles(g, mask, &comp), u;
	json_t *arr = json_array();

	for (u = 0; u < n; u++)
		json_array_append_new(arr, json_array());
	for (u = 0; u < g->n; u++)
		if (comp[u] != GRAPH_NONE)
			json_array_append_new(json_array_get(arr, comp[u]),
					      json_string(graph_id(g, u)));
	free(comp);
	*ncomp = n;
	return arr;
}

int query_cycles(const struct graph *g, json_t **out, struct aiv_err *err)
{
	uint32_t nf, na;
	json_t *forb = components(g, graph_acyclic_mask(), &nf);
	json_t *all = components(g, GRAPH_ALL_EDGES, &na);
	char explain[512];

	(void)err;
	if (nf == 0 && na == 0)
		snprintf(explain, sizeof(explain),
			 "no cycles among %u artefacts and %u edges", g->n, g->m);
	else
		snprintf(explain, sizeof(explain),
			 "%u forbidden cycle%s; %u strongly connected group%s when "
			 "'references' edges are included (those are allowed)",
			 nf, nf == 1 ? "" : "s", na, na == 1 ? "" : "s");
	*out = json_pack("{s:o, s:o, s:s, s:i, s:i}", "forbidden", forb, "allowed", all,
			 "explain", explain, "artefacts", (int)g->n, "edges", (int)g->m);
	return 0;
}
