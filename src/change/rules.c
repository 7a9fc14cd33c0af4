/*
 * rules.c - loading and validating data/change-rules.yaml; see rules.h.
 */
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "core/assets.h"
#include "core/yaml.h"
#include "rules.h"

const char *const change_risks[] = { "low", "medium", "high", NULL };

int change_risk_index(const char *s)
{
	int i;

	for (i = 0; s && change_risks[i]; i++)
		if (!strcmp(change_risks[i], s))
			return i;
	return -1;
}

static int edge_index(const char *t)
{
	int i;

	for (i = 0; artefact_edge_types[i]; i++)
		if (!strcmp(artefact_edge_types[i], t))
			return i;
	return -1;
}

void change_rules_free(struct change_rules *r)
{
	if (!r)
		return;
	json_decref(r->by_type);
	json_decref(r->by_risk);
	free(r->source);
	free(r);
}

/* A map whose keys pass `keyok` and values are lists of catalog functions. */
static int function_map(const struct ypos *p, struct fy_node *map, const char *what,
			int (*keyok)(const char *), const char *keys, const struct catalog *cat,
			json_t *out)
{
	struct fy_node_pair *pr;
	void *it = NULL;

	if (!map)
		return 0;
	if (!fy_node_is_mapping(map))
		return yfail(p, map, AIV_EINPUT, "%s: expected a mapping", what);
	while ((pr = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr), *item;
		const char *ks = ytext(k);
		json_t *list;
		void *it2 = NULL;

		if (!ks || !keyok(ks))
			return yfail(p, k, AIV_EINPUT, "%s: '%s' is not one of %s", what,
				     ks ? ks : "", keys);
		if (!v || !fy_node_is_sequence(v))
			return yfail(p, v ? v : k, AIV_EINPUT,
				     "%s: '%s' must be a list of function ids", what, ks);
		list = json_array();
		json_object_set_new(out, ks, list);
		while ((item = fy_node_sequence_iterate(v, &it2)) != NULL) {
			const char *f = ytext(item);
			if (!f || !catalog_function(cat, f))
				return yfail(p, item, AIV_EINPUT,
					     "%s: '%s': unknown function '%s' (see the catalog's "
					     "functions)", what, ks, f ? f : "");
			json_array_append_new(list, json_string(f));
		}
	}
	return 0;
}

static int risk_ok(const char *s)
{
	return change_risk_index(s) >= 0;
}

/* Every edge type must appear exactly once in map; fn reads one value. */
static int edge_map(const struct ypos *p, struct fy_node *map, const char *what,
		    int (*fn)(const struct ypos *, struct fy_node *, const char *,
			      struct change_rules *, int),
		    struct change_rules *r)
{
	struct fy_node_pair *pr;
	void *it = NULL;
	unsigned seen = 0;
	int i, ret;

	if (!map || !fy_node_is_mapping(map))
		return yfail(p, map, AIV_EINPUT, "%s: expected a mapping of edge types", what);
	while ((pr = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pr);
		const char *ks = ytext(k);
		i = ks ? edge_index(ks) : -1;
		if (i < 0)
			return yfail(p, k, AIV_EINPUT,
				     "%s: '%s' is not an edge type (derives-from, implements, "
				     "references, verifies, governed-by)", what, ks ? ks : "");
		if ((ret = fn(p, fy_node_pair_value(pr), ks, r, i)))
			return ret;
		seen |= 1u << i;
	}
	for (i = 0; artefact_edge_types[i]; i++)
		if (!(seen & (1u << i)))
			return yfail(p, map, AIV_EINPUT, "%s: missing edge type '%s'", what,
				     artefact_edge_types[i]);
	return 0;
}

static int read_impacted(const struct ypos *p, struct fy_node *v, const char *k,
			 struct change_rules *r, int i)
{
	const char *s = ytext(v);

	if (s && !strcmp(s, "none"))
		r->impacted[i] = IMPACT_NONE;
	else if (s && !strcmp(s, "first-hop"))
		r->impacted[i] = IMPACT_FIRST_HOP;
	else if (s && !strcmp(s, "transitive"))
		r->impacted[i] = IMPACT_TRANSITIVE;
	else
		return yfail(p, v, AIV_EINPUT,
			     "approvals.impacted_owners: '%s' must be none, first-hop or "
			     "transitive", k);
	return 0;
}

static int read_propagate(const struct ypos *p, struct fy_node *v, const char *k,
			  struct change_rules *r, int i)
{
	const char *s = ytext(v);

	if (s && yplain(v) && !strcmp(s, "true"))
		r->propagate_mask |= 1u << i;
	else if (!s || !yplain(v) || strcmp(s, "false"))
		return yfail(p, v, AIV_EINPUT, "propagation: '%s' must be true or false", k);
	return 0;
}

int change_rules_load_buf(struct change_rules **out, const char *name,
			  const char *buf, size_t len, const struct catalog *cat,
			  struct aiv_err *err)
{
	static const char *const top[] = { "version", "approvals", "propagation",
					   "governance", NULL };
	static const char *const appr[] = { "by_type", "by_risk", "impacted_owners", "quorum",
					    "author_is_owner", NULL };
	static const char *const gov[] = { "window_days", "max_backlog_per_approver",
					   "max_ai_per_approval", NULL };
	static const char *const quorum_keys[] = { "low", "medium", "high", NULL };
	struct change_rules *r = xcalloc(1, sizeof(*r));
	struct ydocs d;
	struct ypos p = { name, err };
	struct fy_node *root, *a, *g, *q;
	const char *aio = "manager";
	long long version = 0, v;
	int ret, i;

	r->source = xstrdup(name);
	r->by_type = json_object();
	r->by_risk = json_object();
	if ((ret = ydocs_load(&d, name, buf, len, err))) {
		change_rules_free(r);
		return ret;
	}
	if (d.n != 1) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: expected one YAML document", name);
		goto cleanup;
	}
	root = fy_document_root(d.docs[0]);
	if ((ret = ycheck_keys(&p, root, top, "change rules")) ||
	    (ret = yget_int(&p, root, "version", 1, &version, "change rules")))
		goto cleanup;
	if (version != 1) {
		ret = yfail(&p, yget(root, "version"), AIV_EINPUT,
			    "change rules: version must be 1, not %lld", version);
		goto cleanup;
	}
	a = yget(root, "approvals");
	if ((ret = ycheck_keys(&p, a, appr, "approvals")) ||
	    (ret = function_map(&p, yget(a, "by_type"), "approvals.by_type",
				artefact_type_ok, "the artefact types", cat, r->by_type)) ||
	    (ret = function_map(&p, yget(a, "by_risk"), "approvals.by_risk", risk_ok,
				"low, medium, high", cat, r->by_risk)) ||
	    (ret = edge_map(&p, yget(a, "impacted_owners"), "approvals.impacted_owners",
			    read_impacted, r)) ||
	    (ret = yget_str(&p, a, "author_is_owner", 0, &aio, "approvals")))
		goto cleanup;
	if (!strcmp(aio, "manager")) {
		r->author_is_owner_manager = 1;
	} else if (strcmp(aio, "refuse")) {
		ret = yfail(&p, yget(a, "author_is_owner"), AIV_EINPUT,
			    "approvals.author_is_owner must be manager or refuse, not '%s'", aio);
		goto cleanup;
	}
	q = yget(a, "quorum");
	if ((ret = ycheck_keys(&p, q, quorum_keys, "approvals.quorum")))
		goto cleanup;
	for (i = 0; i < RISK_N; i++) {
		if ((ret = yget_int(&p, q, change_risks[i], 1, &v, "approvals.quorum")))
			goto cleanup;
		if (v < 1 || v > 20) {
			ret = yfail(&p, yget(q, change_risks[i]), AIV_EINPUT,
				    "approvals.quorum.%s must be 1 to 20", change_risks[i]);
			goto cleanup;
		}
		r->quorum[i] = (int)v;
	}
	if ((ret = edge_map(&p, yget(root, "propagation"), "propagation", read_propagate, r)))
		goto cleanup;
	g = yget(root, "governance");
	if ((ret = ycheck_keys(&p, g, gov, "governance")) ||
	    (ret = yget_int(&p, g, "window_days", 1, &v, "governance")))
		goto cleanup;
	if (v < 1 || v > 365) {
		ret = yfail(&p, yget(g, "window_days"), AIV_EINPUT,
			    "governance.window_days must be 1 to 365");
		goto cleanup;
	}
	r->window_days = (int)v;
	if ((ret = yget_int(&p, g, "max_backlog_per_approver", 1, &v, "governance")))
		goto cleanup;
	if (v < 1 || v > 100000) {
		ret = yfail(&p, yget(g, "max_backlog_per_approver"), AIV_EINPUT,
			    "governance.max_backlog_per_approver must be 1 to 100000");
		goto cleanup;
	}
	r->max_backlog = (int)v;
	if ((ret = yget_num(&p, g, "max_ai_per_approval", 1, &r->max_ai_per_approval,
			    "governance")))
		goto cleanup;
	if (!(r->max_ai_per_approval > 0)) {
		ret = yfail(&p, yget(g, "max_ai_per_approval"), AIV_EINPUT,
			    "governance.max_ai_per_approval must be above 0");
		goto cleanup;
	}
cleanup:
	ydocs_release(&d);
	if (ret) {
		change_rules_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

int change_rules_load(struct change_rules **out, const char *path,
		      const struct catalog *cat, struct aiv_err *err)
{
	const struct aiv_asset *a;

	if (path)
		return change_rules_load_buf(out, path, NULL, 0, cat, err);
	a = asset_find("data/change-rules.yaml");
	if (!a)
		return aiv_fail(err, AIV_EINTERNAL, "no built-in change rules in this binary");
	return change_rules_load_buf(out, "(built-in)/data/change-rules.yaml",
				     (const char *)a->data, a->len, cat, err);
}
