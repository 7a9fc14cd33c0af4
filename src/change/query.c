/*
 * query.c - graph answers as JSON; see query.h.
 */
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "core/cjson.h"
#include "query.h"

int query_type_index(const char *type)
{
	int i;

	for (i = 0; artefact_types[i]; i++)
		if (!strcmp(artefact_types[i], type))
			return i;
	return -1;
}

static void ids_release(struct query_ids *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void path_ids(const struct graph *g, const struct graph_walk *w, uint32_t u,
		     struct query_ids *out)
{
	uint32_t *nodes, len = graph_walk_path(w, u, &nodes), i;

	out->n = len;
	out->v = len ? xcalloc(len, sizeof(*out->v)) : NULL;
	for (i = 0; i < len; i++)
		out->v[i] = xstrdup(graph_id(g, nodes[i]));
	free(nodes);
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

void query_closure_result_release(struct query_closure_result *r)
{
	size_t i;

	free(r->start);
	free(r->kind);
	free(r->explain);
	for (i = 0; i < r->nitems; i++) {
		free(r->items[i].id);
		free(r->items[i].type);
		free(r->items[i].via);
		ids_release(&r->items[i].path);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

int query_closure(const struct graph *g, const char *id, int upstream, int depth,
		  const char *kind, struct query_closure_result *out, struct aiv_err *err)
{
	struct graph_query q = { depth, -1, GRAPH_ALL_EDGES };
	struct graph_walk w;
	uint32_t u, i, kept = 0;
	int ret;

	memset(out, 0, sizeof(*out));
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
	out->items = w.norder ? xcalloc(w.norder, sizeof(*out->items)) : NULL;
	for (i = 0; i < w.norder; i++) {
		uint32_t v = w.order[i];
		struct query_item *it;
		if (!graph_walk_keep(g, &q, v))
			continue;
		kept++;
		it = &out->items[out->nitems++];
		it->id = xstrdup(graph_id(g, v));
		it->type = xstrdup(artefact_types[g->node_type[v]]);
		it->depth = (int)graph_walk_depth(&w, v);
		it->via = xstrdup(artefact_edge_types[graph_walk_via(&w, v)]);
		path_ids(g, &w, v, &it->path);
	}
	if (kept > 0) {
		out->explain = xstrfmt("%u artefact%s %s '%s'%s", kept, kept == 1 ? "" : "s",
				       upstream ? "upstream of" : "downstream of (depend on)", id,
				       w.frontier_cut ? "; the depth limit stopped the walk early" : "");
	} else if (w.norder > 0) {
		out->explain = xstrfmt("none of the %u artefacts %s '%s' is of type '%s'%s",
				       w.norder, upstream ? "upstream of" : "downstream of", id,
				       kind, w.frontier_cut ? " (within the depth limit)" : "");
	} else {
		out->explain = xstrfmt(upstream
				       ? "'%s' depends on nothing: it has no depends_on edges"
				       : "nothing depends on '%s': no artefact lists it in depends_on",
				       id);
	}
	out->start = xstrdup(id);
	out->upstream = upstream;
	out->depth_limit = depth > 0 ? depth : 0;
	out->kind = kind ? xstrdup(kind) : NULL;
	out->cut_by_depth = w.frontier_cut;
	graph_walk_release(&w);
	return 0;
}

void query_path_result_release(struct query_path_result *r)
{
	size_t i;

	free(r->from);
	free(r->to);
	for (i = 0; i < r->nsteps; i++) {
		free(r->steps[i].id);
		free(r->steps[i].via);
	}
	free(r->steps);
	free(r->explain);
	memset(r, 0, sizeof(*r));
}

int query_path(const struct graph *g, const char *a, const char *b,
	       struct query_path_result *out, struct aiv_err *err)
{
	struct graph_walk w;
	uint32_t ua, ub, *nodes, len, i, dir;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = lookup(g, a, &ua, err)) || (ret = lookup(g, b, &ub, err)))
		return ret;
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
	out->from = xstrdup(a);
	out->to = xstrdup(b);
	if (dir == 2) {
		out->explain = xstrfmt("no dependency path: '%s' does not depend on '%s' and '%s' "
				       "does not depend on '%s', directly or transitively", b, a, a, b);
		graph_walk_release(&w);
		return 0;
	}
	out->found = 1;
	out->upstream = dir == 1;
	len = graph_walk_path(&w, ub, &nodes);
	out->nsteps = len;
	out->steps = len ? xcalloc(len, sizeof(*out->steps)) : NULL;
	for (i = 0; i < len; i++) {
		out->steps[i].id = xstrdup(graph_id(g, nodes[i]));
		if (i)
			out->steps[i].via = xstrdup(artefact_edge_types[graph_walk_via(&w, nodes[i])]);
	}
	free(nodes);
	out->explain = xstrfmt("'%s' depends on '%s' through %u edge%s (shortest path)",
			       dir == 0 ? b : a, dir == 0 ? a : b, len ? len - 1 : 0,
			       len == 2 ? "" : "s");
	graph_walk_release(&w);
	return 0;
}

static void components(const struct graph *g, unsigned mask, struct query_ids **out,
		       size_t *ncomp)
{
	uint32_t *comp, n = graph_cycles(g, mask, &comp), u;
	size_t *alloc = n ? xcalloc(n, sizeof(*alloc)) : NULL;

	*out = n ? xcalloc(n, sizeof(**out)) : NULL;
	for (u = 0; u < g->n; u++)
		if (comp[u] != GRAPH_NONE) {
			struct query_ids *c = &(*out)[comp[u]];
			ALLOC_GROW(c->v, c->n + 1, alloc[comp[u]]);
			c->v[c->n++] = xstrdup(graph_id(g, u));
		}
	free(alloc);
	free(comp);
	*ncomp = n;
}

void query_cycles_result_release(struct query_cycles_result *r)
{
	size_t i;

	for (i = 0; i < r->nforbidden; i++)
		ids_release(&r->forbidden[i]);
	free(r->forbidden);
	for (i = 0; i < r->nallowed; i++)
		ids_release(&r->allowed[i]);
	free(r->allowed);
	free(r->explain);
	memset(r, 0, sizeof(*r));
}

int query_cycles(const struct graph *g, struct query_cycles_result *out, struct aiv_err *err)
{
	(void)err;
	memset(out, 0, sizeof(*out));
	components(g, graph_acyclic_mask(), &out->forbidden, &out->nforbidden);
	components(g, GRAPH_ALL_EDGES, &out->allowed, &out->nallowed);
	out->artefacts = g->n;
	out->edges = g->m;
	if (out->nforbidden == 0 && out->nallowed == 0)
		out->explain = xstrfmt("no cycles among %u artefacts and %u edges", g->n, g->m);
	else
		out->explain = xstrfmt("%zu forbidden cycle%s; %zu strongly connected group%s "
				       "when 'references' edges are included (those are allowed)",
				       out->nforbidden, out->nforbidden == 1 ? "" : "s",
				       out->nallowed, out->nallowed == 1 ? "" : "s");
	return 0;
}

/* ---- JSON printers -------------------------------------------------- */

json_t *query_closure_result_json(const struct query_closure_result *r)
{
	json_t *items = json_array(), *res;
	size_t i;

	for (i = 0; i < r->nitems; i++) {
		const struct query_item *it = &r->items[i];
		json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:s, s:o}", "id", it->id,
			"type", it->type, "depth", it->depth, "via", it->via,
			"path", cjson_str_array(it->path.v, it->path.n)));
	}
	res = json_pack("{s:s, s:s, s:i, s:s?, s:i, s:s, s:o}", "start", r->start,
			"direction", r->upstream ? "upstream" : "downstream",
			"depth_limit", r->depth_limit, "kind", r->kind,
			"count", (int)r->nitems, "explain", r->explain, "items", items);
	if (r->cut_by_depth)
		json_object_set_new(res, "cut_by_depth", json_integer(r->cut_by_depth));
	return res;
}

json_t *query_path_result_json(const struct query_path_result *r)
{
	json_t *path = json_array();
	size_t i;

	for (i = 0; i < r->nsteps; i++) {
		json_t *o = json_pack("{s:s}", "id", r->steps[i].id);
		if (r->steps[i].via)
			json_object_set_new(o, "via", json_string(r->steps[i].via));
		json_array_append_new(path, o);
	}
	if (!r->found)
		return json_pack("{s:s, s:s, s:b, s:o, s:s}", "from", r->from, "to", r->to,
				 "found", 0, "path", path, "explain", r->explain);
	return json_pack("{s:s, s:s, s:b, s:s, s:o, s:s}", "from", r->from, "to", r->to,
			 "found", 1, "direction", r->upstream ? "upstream" : "downstream",
			 "path", path, "explain", r->explain);
}

static json_t *groups_json(const struct query_ids *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, cjson_str_array(v[i].v, v[i].n));
	return arr;
}

json_t *query_cycles_result_json(const struct query_cycles_result *r)
{
	return json_pack("{s:o, s:o, s:s, s:i, s:i}", "forbidden",
			 groups_json(r->forbidden, r->nforbidden), "allowed",
			 groups_json(r->allowed, r->nallowed), "explain", r->explain,
			 "artefacts", (int)r->artefacts, "edges", (int)r->edges);
}
