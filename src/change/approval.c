/*
 * approval.c - the approval path of a change request: who must sign
 * (slots computed from the rules and the graph) and whether they have. See change.h.
 *
 * Approval path.  Computed at open from the rules and the graph, as a
 * list of slots, each {role, kind: person|team|function, name}:
 *   - the owner of the changed artefact (a person, or any member or the
 *     lead of the owning team); when the author is that owner, the
 *     author's manager stands in (rules: author_is_owner: manager);
 *   - each function the artefact's type needs (a policy: legal);
 *   - each function the declared risk adds (high: quality);
 *   - the owners of impacted artefacts, per edge type (first-hop or
 *     transitive).
 * A CR is approved when every slot has an approving signature from an
 * eligible person, the number of distinct approvers reaches the quorum
 * for its risk, and separation of duties holds: the author never signs;
 * an AI agent never signs; whoever directed the agent may sign but never
 * alone.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "change.h"
#include "change_int.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "graph.h"
#include "ledger/ledger.h"
#include "org/people.h"

/* Can `person` sign for slot {kind, name}? 1/0, negative on error. */
int chg_eligible(struct store *s, const json_t *slot, const char *person,
		 struct aiv_err *err)
{
	const char *kind = json_str(slot, "kind"), *name = json_str(slot, "name");

	if (!strcmp(kind, "person"))
		return !strcmp(name, person);
	if (!strcmp(kind, "team"))
		return org_in_team(s, person, name, err);
	return org_in_function(s, person, name, err);
}

static void add_slot(json_t *path, const char *role, const char *kind, const char *name)
{
	json_t *it;
	size_t i;

	json_array_foreach(path, i, it) {
		if (!strcmp(json_str(it, "kind"), kind) && !strcmp(json_str(it, "name"), name)) {
			char *r = xstrfmt("%s; %s", json_str(it, "role"), role);
			json_object_set_new(it, "role", json_string(r));
			free(r);
			return;
		}
	}
	json_array_append_new(path, json_pack("{s:s, s:s, s:s}", "role", role, "kind", kind,
					      "name", name));
}

const char *chg_slot_kind(const char *owner_kind)
{
	return !strcmp(owner_kind, "Team") ? "team" : "person";
}

/*
 * Impact closure of `art` over the propagating edge types, as JSON items
 * {id, depth, via, path, owner, owner_kind, version, fingerprint}.
 */
int chg_impact_items(struct store *s, const struct change_rules *rules,
		     const char *art, json_t **out, struct aiv_err *err)
{
	struct graph *g = NULL;
	struct graph_walk w;
	struct graph_query q = { 0, -1, rules->propagate_mask };
	json_t *items = json_array();
	uint32_t u, i;
	int ret;

	if ((ret = graph_load(s, &g, err))) {
		json_decref(items);
		return ret;
	}
	graph_walk_init(&w);
	u = graph_find(g, art);
	if (u != GRAPH_NONE)
		graph_impact(g, u, &q, &w);
	for (i = 0; u != GRAPH_NONE && i < w.norder; i++) {
		uint32_t v = w.order[i], *nodes, len, k;
		struct artefact_row a;
		json_t *path = json_array();

		len = graph_walk_path(&w, v, &nodes);
		for (k = 0; k < len; k++)
			json_array_append_new(path, json_string(graph_id(g, nodes[k])));
		free(nodes);
		if ((ret = chg_artefact_read(s, graph_id(g, v), &a, err))) {
			json_decref(path);
			break;
		}
		json_array_append_new(items, json_pack("{s:s, s:i, s:s, s:o, s:s, s:s, s:I, s:s}",
			"id", a.id, "depth", (int)graph_walk_depth(&w, v),
			"via", artefact_edge_types[graph_walk_via(&w, v)], "path", path,
			"owner", a.owner, "owner_kind", a.owner_kind,
			"version", (json_int_t)a.version, "fingerprint", a.fingerprint));
		chg_artefact_row_release(&a);
	}
	graph_walk_release(&w);
	graph_free(g);
	if (ret) {
		json_decref(items);
		return ret;
	}
	*out = items;
	return 0;
}

int chg_build_path(struct change_env *e, const struct artefact_row *a,
		   const char *author, int ai, int risk, const json_t *impact,
		   json_t **out, struct aiv_err *err)
{
	json_t *path = json_array(), *fns, *f, *it;
	char *role = NULL, *mgr = NULL;
	size_t i;
	int ret = 0;

	role = xstrfmt("owner of %s", a->id);
	if (!ai && !strcmp(a->owner_kind, "Person") && !strcmp(a->owner, author)) {
		if (!e->rules->author_is_owner_manager) {
			ret = aiv_fail(err, AIV_EPERM,
				       "'%s' owns '%s' and is its author; the rules (author_is_owner:"
				       " refuse) leave nobody to approve as owner", author, a->id);
			goto fail;
		}
		if ((ret = org_manager(e->s, author, &mgr, err)))
			goto fail;
		if (!mgr) {
			ret = aiv_fail(err, AIV_EPERM,
				       "'%s' owns '%s' and is its author, and has no manager to "
				       "approve in their place", author, a->id);
			goto fail;
		}
		free(role);
		role = xstrfmt("manager of the author, for the owner of %s", a->id);
		add_slot(path, role, "person", mgr);
	} else {
		add_slot(path, role, chg_slot_kind(a->owner_kind), a->owner);
		if (ai && !strcmp(a->owner_kind, "Person") && !strcmp(a->owner, author)) {
			/* the director owns it but cannot be the only approver */
			if ((ret = org_manager(e->s, author, &mgr, err)))
				goto fail;
			if (mgr) {
				free(role);
				role = xstrfmt("manager of %s, who directed the agent and owns %s",
					       author, a->id);
				add_slot(path, role, "person", mgr);
			}
		}
	}
	fns = json_object_get(e->rules->by_type, a->type);
	json_array_foreach(fns, i, f) {
		free(role);
		role = xstrfmt("%s function (%s change)", json_string_value(f), a->type);
		add_slot(path, role, "function", json_string_value(f));
	}
	fns = json_object_get(e->rules->by_risk, change_risks[risk]);
	json_array_foreach(fns, i, f) {
		free(role);
		role = xstrfmt("%s function (%s risk)", json_string_value(f), change_risks[risk]);
		add_slot(path, role, "function", json_string_value(f));
	}
	json_array_foreach(impact, i, it) {
		const char *via = json_str(it, "via");
		int k, rule = IMPACT_NONE;
		for (k = 0; artefact_edge_types[k]; k++)
			if (!strcmp(artefact_edge_types[k], via))
				rule = e->rules->impacted[k];
		if (rule == IMPACT_NONE ||
		    (rule == IMPACT_FIRST_HOP && json_integer_value(json_object_get(it, "depth")) != 1))
			continue;
		free(role);
		role = xstrfmt("owner of impacted %s (%s)", json_str(it, "id"), via);
		add_slot(path, role, chg_slot_kind(json_str(it, "owner_kind")), json_str(it, "owner"));
	}
	free(role);
	free(mgr);
	*out = path;
	return 0;
fail:
	free(role);
	free(mgr);
	json_decref(path);
	return ret;
}

json_t *chg_approval_json(const char *signer, int64_t id, const char *record)
{
	json_t *rec = json_loads(record, 0, NULL);

	return json_pack("{s:s, s:I, s:o}", "signer", signer, "id", (json_int_t)id,
			 "record", rec ? rec : json_null());
}

/* One approving signature as chg_approvals_of keeps it (columns from `at`: signer, id, record). */
static json_t *approval_row(struct store_stmt *st, int at)
{
	return chg_approval_json(store_col_text(st, at), store_col_int(st, at + 1),
				 store_col_text(st, at + 2));
}

/* Approving signatures of a CR: [{signer, id}] in signing order. */
int chg_approvals_of(struct store *s, const char *cr, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(s, err,
		"SELECT signer, id, record FROM change_signatures WHERE cr = ? AND decision = 'approve'"
		" ORDER BY id", 1, cr);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(arr, approval_row(st, 0));
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/*
 * Evaluate the approval state: {approved, slots: [{role, kind, name,
 * satisfied_by}], approvers, quorum, missing: [text]}.
 */
int chg_approval_state(struct change_env *e, const struct cr_row *c, json_t **out,
		       struct aiv_err *err)
{
	return chg_approval_state_with(e, c, NULL, out, err);
}

int chg_approval_state_with(struct change_env *e, const struct cr_row *c,
			    const char *extra_signer, json_t **out, struct aiv_err *err)
{
	json_t *sigs = NULL;
	int ret;

	if ((ret = chg_approvals_of(e->s, c->id, &sigs, err)))
		return ret;
	return chg_approval_state_of(e, c, sigs, extra_signer, out, err);
}

int chg_approvals_of_open(struct store *s, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(s, err,
		"SELECT cr, signer, id, record FROM change_signatures WHERE decision = 'approve'"
		" AND cr IN (SELECT id FROM change_requests WHERE status = 'open') ORDER BY id", 0);
	json_t *by_cr = json_object();
	int rc;

	if (!st) {
		json_decref(by_cr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *rows = json_object_get(by_cr, store_col_text(st, 0));
		if (!rows) {
			rows = json_array();
			json_object_set_new(by_cr, store_col_text(st, 0), rows);
		}
		json_array_append_new(rows, approval_row(st, 1));
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(by_cr);
		return rc;
	}
	*out = by_cr;
	return 0;
}

/* chg_eligible, from the signers' teams read already when known is set */
static int eligible(struct store *s, const struct org_teams_of *known, const json_t *slot,
		    const char *person, struct aiv_err *err)
{
	const char *kind = json_str(slot, "kind"), *name = json_str(slot, "name");

	if (!known || !strcmp(kind, "person"))
		return chg_eligible(s, slot, person, err);
	if (!strcmp(kind, "team"))
		return org_teams_in_team(known, person, name);
	return org_teams_in_function(known, person, name);
}

static int state_of(struct change_env *e, const struct cr_row *c, json_t *sigs,
		    const char *extra_signer, const struct org_teams_of *known, json_t **out,
		    struct aiv_err *err);

int chg_approval_state_of(struct change_env *e, const struct cr_row *c, json_t *sigs,
			  const char *extra_signer, json_t **out, struct aiv_err *err)
{
	return state_of(e, c, sigs, extra_signer, NULL, out, err);
}

int chg_approval_needs_teams(const struct cr_row *c, const json_t *sigs)
{
	const json_t *sl;
	size_t i;

	if (!json_array_size(sigs))
		return 0;
	json_array_foreach(c->path, i, sl)
		if (strcmp(json_str(sl, "kind"), "person"))
			return 1;
	return 0;
}

int chg_approval_state_known(struct change_env *e, const struct cr_row *c, json_t *sigs,
			     const struct org_teams_of *known, json_t **out,
			     struct aiv_err *err)
{
	return state_of(e, c, sigs, NULL, known, out, err);
}

static int state_of(struct change_env *e, const struct cr_row *c, json_t *sigs,
		    const char *extra_signer, const struct org_teams_of *known, json_t **out,
		    struct aiv_err *err)
{
	json_t *slots = json_array(), *missing = json_array(), *sl, *sg;
	size_t i, j, napprovers;
	int risk = change_risk_index(c->risk), ret, all = 1, other_than_director = 0;

	if (extra_signer)
		json_array_append_new(sigs, json_pack("{s:s}", "signer", extra_signer));
	napprovers = json_array_size(sigs);
	json_array_foreach(sigs, j, sg)
		if (!c->generated_by || strcmp(json_str(sg, "signer"), c->author))
			other_than_director = 1;
	json_array_foreach(c->path, i, sl) {
		json_t *copy = json_deep_copy(sl);
		const char *by = NULL;
		json_array_foreach(sigs, j, sg) {
			int el = eligible(e->s, known, sl, json_str(sg, "signer"), err);
			if (el < 0) {
				ret = el;
				json_decref(copy);
				goto fail;
			}
			if (el) {
				by = json_str(sg, "signer");
				break;
			}
		}
		json_object_set_new(copy, "satisfied_by", by ? json_string(by) : json_null());
		json_array_append_new(slots, copy);
		if (!by) {
			char *m = xstrfmt("%s: %s '%s'", json_str(sl, "role"), json_str(sl, "kind"),
					  json_str(sl, "name"));
			json_array_append_new(missing, json_string(m));
			free(m);
			all = 0;
		}
	}
	if (risk < 0)
		risk = RISK_MEDIUM;
	if ((int)napprovers < e->rules->quorum[risk]) {
		char *m = xstrfmt("quorum: %zu of %d distinct approvers (%s risk)", napprovers,
				  e->rules->quorum[risk], c->risk);
		json_array_append_new(missing, json_string(m));
		free(m);
		all = 0;
	}
	if (c->generated_by && !other_than_director) {
		char *m = xstrfmt("separation of duties: '%s' directed the agent '%s' and cannot "
				  "be its only approver", c->author, c->generated_by);
		json_array_append_new(missing, json_string(m));
		free(m);
		all = 0;
	}
	*out = json_pack("{s:b, s:o, s:i, s:i, s:o}", "approved", all, "slots", slots,
			 "approvers", (int)napprovers, "quorum", e->rules->quorum[risk],
			 "missing", missing);
	json_decref(sigs);
	return 0;
fail:
	json_decref(sigs);
	json_decref(slots);
	json_decref(missing);
	return ret;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void chg_approval_typed(const json_t *state, struct change_approval *out)
{
	const json_t *slots = json_object_get(state, "slots"), *sl;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->approved = json_is_true(json_object_get(state, "approved"));
	out->nslots = json_array_size(slots);
	out->slots = out->nslots ? xcalloc(out->nslots, sizeof(*out->slots)) : NULL;
	json_array_foreach(slots, i, sl) {
		out->slots[i].kind = dup_or_null(json_str(sl, "kind"));
		out->slots[i].name = dup_or_null(json_str(sl, "name"));
		out->slots[i].role = dup_or_null(json_str(sl, "role"));
		out->slots[i].satisfied_by = dup_or_null(json_str(sl, "satisfied_by"));
	}
	out->approvers = (int)json_integer_value(json_object_get(state, "approvers"));
	out->quorum = (int)json_integer_value(json_object_get(state, "quorum"));
	chg_strs_from_json(&out->missing, json_object_get(state, "missing"));
}

void chg_approval_release(struct change_approval *a)
{
	size_t i;

	for (i = 0; i < a->nslots; i++) {
		free(a->slots[i].kind);
		free(a->slots[i].name);
		free(a->slots[i].role);
		free(a->slots[i].satisfied_by);
	}
	free(a->slots);
	chg_strs_release(&a->missing);
	memset(a, 0, sizeof(*a));
}
