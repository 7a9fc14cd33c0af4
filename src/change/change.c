/*
 * change.c - change requests over the dependency graph; see change.h.
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
 *
 * Staleness.  Merging bumps the artefact's version and marks every
 * artefact in its impact closure (over the edge types the rules let
 * propagate) stale, each mark with its cause and path.  A mark is cleared
 * only by the owner's signed review of that one artefact.  A merged CR is
 * done when none of its marks is open.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "change.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "graph.h"
#include "ledger/ledger.h"

#define US_PER_DAY (86400LL * 1000000LL)

/* Prepare `sql` and bind n text parameters. */
static struct store_stmt *prep(struct store *s, struct aiv_err *err, const char *sql,
			       int n, ...)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	va_list ap;
	int i;

	if (!st)
		return NULL;
	va_start(ap, n);
	for (i = 1; i <= n; i++)
		store_bind_text(st, i, va_arg(ap, const char *));
	va_end(ap);
	return st;
}

/* Run a statement that returns no rows; reset it. */
static int run(struct store_stmt *st, struct aiv_err *err)
{
	int rc;

	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/* 1 if the query returns a row, 0 if not, negative on error. */
static int exists(struct store_stmt *st, struct aiv_err *err)
{
	int rc;

	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : rc == STORE_ROW;
}

struct artefact_row {
	char *id, *type, *title, *owner, *owner_kind, *path, *fingerprint;
	int64_t version;
};

static void artefact_row_release(struct artefact_row *a)
{
	free(a->id);
	free(a->type);
	free(a->title);
	free(a->owner);
	free(a->owner_kind);
	free(a->path);
	free(a->fingerprint);
	memset(a, 0, sizeof(*a));
}

static int artefact_read(struct store *s, const char *id, struct artefact_row *a,
			 struct aiv_err *err)
{
	struct store_stmt *st = prep(s, err,
		"SELECT id, type, title, owner, owner_kind, path, fingerprint, version"
		" FROM artefacts WHERE id = ?", 1, id);
	int rc;

	memset(a, 0, sizeof(*a));
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		a->id = xstrdup(store_col_text(st, 0));
		a->type = xstrdup(store_col_text(st, 1));
		a->title = xstrdup(store_col_text(st, 2));
		a->owner = xstrdup(store_col_text(st, 3));
		a->owner_kind = xstrdup(store_col_text(st, 4));
		a->path = store_col_is_null(st, 5) ? NULL : xstrdup(store_col_text(st, 5));
		a->fingerprint = xstrdup(store_col_text(st, 6));
		a->version = store_col_int(st, 7);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return aiv_fail(err, AIV_ENOTFOUND,
				"unknown artefact '%s' (see 'aivalue get artefacts')", id);
	return 0;
}

/* A stored CR, its JSON columns parsed. */
struct cr_row {
	char *id, *artefact, *status, *base_fp, *new_fp, *reason, *risk, *author;
	char *generated_by, *model;
	int64_t num, base_version, opened_at, approved_at, merged_at, closed_at, seq;
	json_t *impact, *path, *evidence;
};

static void cr_release(struct cr_row *c)
{
	free(c->id);
	free(c->artefact);
	free(c->status);
	free(c->base_fp);
	free(c->new_fp);
	free(c->reason);
	free(c->risk);
	free(c->author);
	free(c->generated_by);
	free(c->model);
	json_decref(c->impact);
	json_decref(c->path);
	json_decref(c->evidence);
	memset(c, 0, sizeof(*c));
}

#define CR_COLS "id, num, artefact, status, base_version, base_fingerprint," \
	" new_fingerprint, reason, risk, author, generated_by, model, impact," \
	" approval_path, opened_at, approved_at, merged_at, closed_at, seq, evidence"

static char *col_dup_or_null(struct store_stmt *st, int c)
{
	return store_col_is_null(st, c) ? NULL : xstrdup(store_col_text(st, c));
}

static void cr_from_row(struct store_stmt *st, struct cr_row *c)
{
	c->id = xstrdup(store_col_text(st, 0));
	c->num = store_col_int(st, 1);
	c->artefact = xstrdup(store_col_text(st, 2));
	c->status = xstrdup(store_col_text(st, 3));
	c->base_version = store_col_int(st, 4);
	c->base_fp = xstrdup(store_col_text(st, 5));
	c->new_fp = xstrdup(store_col_text(st, 6));
	c->reason = xstrdup(store_col_text(st, 7));
	c->risk = xstrdup(store_col_text(st, 8));
	c->author = xstrdup(store_col_text(st, 9));
	c->generated_by = col_dup_or_null(st, 10);
	c->model = col_dup_or_null(st, 11);
	c->impact = json_loads(store_col_text(st, 12), 0, NULL);
	c->path = json_loads(store_col_text(st, 13), 0, NULL);
	if (!c->impact)
		c->impact = json_array();
	if (!c->path)
		c->path = json_array();
	c->opened_at = store_col_int(st, 14);
	c->approved_at = store_col_is_null(st, 15) ? 0 : store_col_int(st, 15);
	c->merged_at = store_col_is_null(st, 16) ? 0 : store_col_int(st, 16);
	c->closed_at = store_col_is_null(st, 17) ? 0 : store_col_int(st, 17);
	c->seq = store_col_int(st, 18);
	c->evidence = json_loads(store_col_text(st, 19), 0, NULL);
	if (!c->evidence)
		c->evidence = json_array();
}

static int cr_read(struct store *s, const char *id, struct cr_row *c, struct aiv_err *err)
{
	struct store_stmt *st = prep(s, err, "SELECT " CR_COLS " FROM change_requests"
				     " WHERE id = ?", 1, id);
	int rc;

	memset(c, 0, sizeof(*c));
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		cr_from_row(st, c);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return aiv_fail(err, AIV_ENOTFOUND,
				"unknown change request '%s' (see 'aivalue change list')", id);
	return 0;
}

static int is_person(struct store *s, const char *name, struct aiv_err *err)
{
	return exists(prep(s, err, "SELECT 1 FROM people WHERE name = ?", 1, name), err);
}

/* Can `person` sign for slot {kind, name}? 1/0, negative on error. */
static int eligible(struct store *s, const json_t *slot, const char *person,
		    struct aiv_err *err)
{
	const char *kind = json_str(slot, "kind"), *name = json_str(slot, "name");

	if (!strcmp(kind, "person"))
		return !strcmp(name, person);
	if (!strcmp(kind, "team"))
		return exists(prep(s, err,
			"SELECT 1 FROM people WHERE name = ? AND team = ?"
			" UNION ALL SELECT 1 FROM teams WHERE name = ? AND lead = ?",
			4, person, name, name, person), err);
	return exists(prep(s, err,
		"SELECT 1 FROM people p JOIN teams t ON p.team = t.name"
		" WHERE p.name = ? AND t.function = ?", 2, person, name), err);
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

static const char *slot_kind(const char *owner_kind)
{
	return !strcmp(owner_kind, "Team") ? "team" : "person";
}

static int person_manager(struct store *s, const char *person, char **manager,
			  struct aiv_err *err)
{
	struct store_stmt *st = prep(s, err, "SELECT manager FROM people WHERE name = ?", 1,
				     person);
	int rc;

	*manager = NULL;
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW && !store_col_is_null(st, 0))
		*manager = xstrdup(store_col_text(st, 0));
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/*
 * Impact closure of `art` over the propagating edge types, as JSON items
 * {id, depth, via, path, owner, owner_kind, version, fingerprint}.
 */
static int impact_items(struct store *s, const struct change_rules *rules,
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
		if ((ret = artefact_read(s, graph_id(g, v), &a, err))) {
			json_decref(path);
			break;
		}
		json_array_append_new(items, json_pack("{s:s, s:i, s:s, s:o, s:s, s:s, s:I, s:s}",
			"id", a.id, "depth", (int)graph_walk_depth(&w, v),
			"via", artefact_edge_types[graph_walk_via(&w, v)], "path", path,
			"owner", a.owner, "owner_kind", a.owner_kind,
			"version", (json_int_t)a.version, "fingerprint", a.fingerprint));
		artefact_row_release(&a);
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

static int build_path(struct change_env *e, const struct artefact_row *a,
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
		if ((ret = person_manager(e->s, author, &mgr, err)))
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
		add_slot(path, role, slot_kind(a->owner_kind), a->owner);
		if (ai && !strcmp(a->owner_kind, "Person") && !strcmp(a->owner, author)) {
			/* the director owns it but cannot be the only approver */
			if ((ret = person_manager(e->s, author, &mgr, err)))
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
		add_slot(path, role, slot_kind(json_str(it, "owner_kind")), json_str(it, "owner"));
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

/* Approving signatures of a CR: [{signer, id}] in signing order. */
static int approvals_of(struct store *s, const char *cr, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = prep(s, err,
		"SELECT signer, id, record FROM change_signatures WHERE cr = ? AND decision = 'approve'"
		" ORDER BY id", 1, cr);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *rec = json_loads(store_col_text(st, 2), 0, NULL);
		json_array_append_new(arr, json_pack("{s:s, s:I, s:o}", "signer",
			store_col_text(st, 0), "id", (json_int_t)store_col_int(st, 1),
			"record", rec ? rec : json_null()));
	}
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
static int approval_state(struct change_env *e, const struct cr_row *c, json_t **out,
			  struct aiv_err *err)
{
	json_t *sigs = NULL, *slots = json_array(), *missing = json_array(), *sl, *sg;
	size_t i, j, napprovers;
	int risk = change_risk_index(c->risk), ret, all = 1, other_than_director = 0;

	if ((ret = approvals_of(e->s, c->id, &sigs, err))) {
		json_decref(slots);
		json_decref(missing);
		return ret;
	}
	napprovers = json_array_size(sigs);
	json_array_foreach(sigs, j, sg)
		if (!c->generated_by || strcmp(json_str(sg, "signer"), c->author))
			other_than_director = 1;
	json_array_foreach(c->path, i, sl) {
		json_t *copy = json_deep_copy(sl);
		const char *by = NULL;
		json_array_foreach(sigs, j, sg) {
			int el = eligible(e->s, sl, json_str(sg, "signer"), err);
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

static char *now_iso(int64_t us)
{
	char buf[TIME_ISO_LEN];

	time_format_us(us, buf);
	return xstrdup(buf);
}

/* Record a signature row and its ledger entry.  *sig_id the new row. */
static int put_signature(struct change_env *e, const char *cr, const char *artefact,
			 const char *decision, const char *signer, const char *time,
			 const char *meaning, const char *reason, json_t *covers,
			 json_t *extra, int64_t *sig_id, json_t **record_out,
			 struct aiv_err *err)
{
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "cr", cr,
				"artefact", artefact, "decision", decision, "signer", signer,
				"time", time, "meaning", meaning, "reason", reason,
				"covers", covers);
	char *canon, *subject = NULL, *action = NULL;
	char hash[SHA256_HEX];
	json_t *payload = NULL;
	struct store_stmt *st;
	int64_t seq = 0;
	int ret;

	if (extra)
		json_object_update(rec, extra);
	canon = cjson_dumps(rec);
	sha256_hex(canon, strlen(canon), hash);
	payload = json_pack("{s:O, s:s}", "record", rec, "record_hash", hash);
	subject = !strcmp(decision, "approve") || !strcmp(decision, "reject")
		  ? xstrfmt("ChangeRequest/%s", cr) : xstrfmt("Artefact/%s", artefact);
	action = xstrfmt("change.%s", decision);
	if ((ret = ledger_append(e->s, e->actor, action, subject, payload, &seq, err)))
		goto cleanup;
	st = prep(e->s, err,
		  "INSERT INTO change_signatures(cr, artefact, decision, signer, time, meaning,"
		  " reason, record, record_hash, ledger_seq) VALUES (?,?,?,?,?,?,?,?,?,?)",
		  9, cr, artefact, decision, signer, time, meaning, reason, canon, hash);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_int(st, 10, seq);
	if ((ret = run(st, err)))
		goto cleanup;
	ret = store_query_int(e->s, "SELECT max(id) FROM change_signatures", sig_id, err);
	if (!ret && record_out) {
		json_object_set_new(rec, "record_hash", json_string(hash));
		json_object_set_new(rec, "ledger_seq", json_integer(seq));
		*record_out = json_incref(rec);
	}
cleanup:
	free(canon);
	free(subject);
	free(action);
	json_decref(rec);
	json_decref(payload);
	return ret;
}

static int check_base(const struct cr_row *c, const struct artefact_row *a,
		      struct aiv_err *err)
{
	if (strcmp(a->fingerprint, c->base_fp))
		return aiv_fail(err, AIV_ECONFLICT,
				"%s is against a stale base: '%s' is now version %lld "
				"(fingerprint %.12s...), the change request was opened on version "
				"%lld; open a new change request", c->id, a->id,
				(long long)a->version, a->fingerprint, (long long)c->base_version);
	return 0;
}

/* covers for a CR signature: changed artefact (base and proposed) and impact set. */
static json_t *cr_covers(const struct cr_row *c)
{
	json_t *covers = json_array(), *it;
	size_t i;

	json_array_append_new(covers, json_pack("{s:s, s:s, s:I, s:s, s:s}", "artefact",
		c->artefact, "role", "changed", "version", (json_int_t)c->base_version,
		"fingerprint", c->base_fp, "proposed", c->new_fp));
	json_array_foreach(c->impact, i, it)
		json_array_append_new(covers, json_pack("{s:s, s:s, s:O, s:s}", "artefact",
			json_str(it, "id"), "role", "impacted", "version",
			json_object_get(it, "version"), "fingerprint", json_str(it, "fingerprint")));
	return covers;
}

/* Does every covered artefact still have the fingerprint the record names? */
static int covers_problems(struct store *s, const json_t *covers, int merged,
			   json_t *problems, struct aiv_err *err)
{
	json_t *cv;
	size_t i;
	int ret;

	json_array_foreach(covers, i, cv) {
		struct artefact_row a;
		const char *want = json_str(cv, "fingerprint");
		if (merged && json_str(cv, "proposed"))
			want = json_str(cv, "proposed");
		else if (merged)
			continue; /* impacted items go stale and are re-signed by review */
		ret = artefact_read(s, json_str(cv, "artefact"), &a, err);
		if (!ret && merged && a.version >
		    json_integer_value(json_object_get(cv, "version")) + 1) {
			artefact_row_release(&a);
			continue; /* superseded by a later change request */
		}
		if (ret == AIV_ENOTFOUND) {
			char *m = xstrfmt("'%s' no longer exists", json_str(cv, "artefact"));
			json_array_append_new(problems, json_string(m));
			free(m);
			continue;
		}
		if (ret)
			return ret;
		if (strcmp(a.fingerprint, want)) {
			char *m = xstrfmt("'%s' changed since signing: now version %lld, "
					  "fingerprint %.12s... (signed %.12s...)", a.id,
					  (long long)a.version, a.fingerprint, want);
			json_array_append_new(problems, json_string(m));
			free(m);
		} else if (a.path) {
			char fp[SHA256_HEX];
			struct aiv_err ferr = AIV_ERR_INIT;
			const char *prop = json_str(cv, "proposed");
			/* before the merge the file may already hold the proposal (sync) */
			if (artefact_file_fingerprint(a.path, fp, &ferr) == 0 && strcmp(fp, want) &&
			    (merged || !prop || strcmp(fp, prop))) {
				char *m = xstrfmt("content of '%s' at '%s' was edited after signing "
						  "(file fingerprint %.12s..., signed %.12s...)",
						  a.id, a.path, fp, want);
				json_array_append_new(problems, json_string(m));
				free(m);
			}
		}
		artefact_row_release(&a);
	}
	return 0;
}

/* Mark conflicts of `cr` with other active CRs resolved. */
static int resolve_conflicts(struct change_env *e, const char *cr, int64_t now,
			     struct aiv_err *err)
{
	struct store_stmt *st = prep(e->s, err,
		"UPDATE change_conflicts SET resolved_at = ? WHERE resolved_at IS NULL"
		" AND (a = ? OR b = ?)", 0);

	if (!st)
		return err->code;
	store_bind_int(st, 1, now);
	store_bind_text(st, 2, cr);
	store_bind_text(st, 3, cr);
	return run(st, err);
}

static int set_status(struct change_env *e, const char *cr, const char *status,
		      const char *time_col, int64_t now, struct aiv_err *err)
{
	char *sql = xstrfmt("UPDATE change_requests SET status = ?%s%s%s WHERE id = ?",
			    time_col ? ", " : "", time_col ? time_col : "",
			    time_col ? " = ?" : "");
	struct store_stmt *st = prep(e->s, err, sql, 1, status);
	int ret;

	free(sql);
	if (!st)
		return err->code;
	if (time_col) {
		store_bind_int(st, 2, now);
		store_bind_text(st, 3, cr);
	} else {
		store_bind_text(st, 2, cr);
	}
	ret = run(st, err);
	return ret;
}

/* ---- governance-rate control ---------------------------------------- */

/* Items waiting on `name` (a slot name): open CRs naming it + stale artefacts it owns. */
static int backlog_of(struct store *s, const char *name, int64_t *n, struct aiv_err *err)
{
	struct store_stmt *st;
	int64_t pending = 0, stale = 0;
	int rc;

	st = prep(s, err, "SELECT approval_path FROM change_requests WHERE status = 'open'", 0);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *p = json_loads(store_col_text(st, 0), 0, NULL), *sl;
		size_t i;
		json_array_foreach(p, i, sl)
			if (!strcmp(json_str(sl, "name"), name)) {
				pending++;
				break;
			}
		json_decref(p);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	st = prep(s, err, "SELECT count(*) FROM stale_marks m JOIN artefacts a"
		  " ON a.id = m.artefact WHERE m.cleared_at IS NULL AND a.owner = ?", 1, name);
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		stale = store_col_int(st, 0);
	store_reset(st);
	if (rc < 0)
		return rc;
	*n = pending + stale;
	return 0;
}

/*
 * Should an AI-generated CR with this approval path wait?  Returns 1 and
 * fills why (a finding text) when it should, 0 when not.
 */
static int governance_behind(struct change_env *e, const json_t *path, int64_t now,
			     int self_counted, char *why, size_t whysz, json_t *data,
			     struct aiv_err *err)
{
	int64_t ai = 0, appr = 0, backlog = 0;
	char cutoff[TIME_ISO_LEN];
	struct store_stmt *st;
	json_t *sl;
	size_t i;
	int ret;
	double ratio;

	time_format_us(now - (int64_t)e->rules->window_days * US_PER_DAY, cutoff);
	st = prep(e->s, err, "SELECT count(*) FROM change_requests WHERE generated_by IS NOT NULL"
		  " AND opened_at >= ?", 0);
	if (!st)
		return err->code;
	store_bind_int(st, 1, now - (int64_t)e->rules->window_days * US_PER_DAY);
	if ((ret = store_step(st, err)) == STORE_ROW)
		ai = store_col_int(st, 0);
	store_reset(st);
	if (ret < 0)
		return ret;
	st = prep(e->s, err, "SELECT count(*) FROM change_signatures WHERE decision = 'approve'"
		  " AND time >= ?", 1, cutoff);
	if (!st)
		return err->code;
	if ((ret = store_step(st, err)) == STORE_ROW)
		appr = store_col_int(st, 0);
	store_reset(st);
	if (ret < 0)
		return ret;
	if (!self_counted)
		ai++;
	ratio = (double)ai / (double)(appr ? appr : 1);
	json_object_set_new(data, "ai_generated_in_window", json_integer(ai));
	json_object_set_new(data, "approvals_in_window", json_integer(appr));
	json_object_set_new(data, "window_days", json_integer(e->rules->window_days));
	if (ratio > e->rules->max_ai_per_approval) {
		snprintf(why, whysz, "generation is outpacing governance: %lld AI-generated "
			 "change requests in the last %d days against %lld approvals "
			 "(limit %.1f per approval)", (long long)ai, e->rules->window_days,
			 (long long)appr, e->rules->max_ai_per_approval);
		return 1;
	}
	json_array_foreach(path, i, sl) {
		if (!strcmp(json_str(sl, "kind"), "function"))
			continue;
		if ((ret = backlog_of(e->s, json_str(sl, "name"), &backlog, err)))
			return ret;
		if (backlog >= e->rules->max_backlog) {
			json_object_set_new(data, "approver", json_string(json_str(sl, "name")));
			json_object_set_new(data, "backlog", json_integer(backlog));
			snprintf(why, whysz, "generation is outpacing governance: '%s' already has "
				 "%lld items waiting (limit %d)", json_str(sl, "name"),
				 (long long)backlog, e->rules->max_backlog);
			return 1;
		}
	}
	return 0;
}

static int add_finding(struct change_env *e, int64_t now, const char *msg, json_t *data,
		       struct aiv_err *err)
{
	char *txt = cjson_dumps(data);
	struct store_stmt *st = prep(e->s, err, "INSERT INTO change_findings(time, code,"
				     " message, data) VALUES (?, 'generation-outpacing-governance',"
				     " ?, ?)", 0);
	int ret;

	if (!st) {
		free(txt);
		return err->code;
	}
	store_bind_int(st, 1, now);
	store_bind_text(st, 2, msg);
	store_bind_text(st, 3, txt);
	ret = run(st, err);
	free(txt);
	return ret;
}

/* Open queued CRs whose approvers now have room, oldest first. */
static int release_queued(struct change_env *e, int64_t now, json_t *released,
			  struct aiv_err *err)
{
	struct store_stmt *st = prep(e->s, err, "SELECT id, approval_path FROM change_requests"
				     " WHERE status = 'queued' ORDER BY num", 0);
	json_t *ids = json_array(), *paths = json_array(), *id;
	size_t i;
	int rc, ret = 0;

	if (!st) {
		json_decref(ids);
		json_decref(paths);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *p = json_loads(store_col_text(st, 1), 0, NULL);
		json_array_append_new(ids, json_string(store_col_text(st, 0)));
		json_array_append_new(paths, p ? p : json_array());
	}
	store_reset(st);
	if (rc < 0)
		ret = rc;
	json_array_foreach(ids, i, id) {
		char why[512];
		json_t *data = json_object(), *payload;
		int behind;
		if (ret)
			break;
		behind = governance_behind(e, json_array_get(paths, i), now, 1, why, sizeof(why),
					   data, err);
		if (behind < 0)
			ret = behind;
		else if (!behind) {
			char *subject = xstrfmt("ChangeRequest/%s", json_string_value(id));
			payload = json_pack("{s:s, s:O}", "cr", json_string_value(id), "governance", data);
			if (!(ret = set_status(e, json_string_value(id), "open", NULL, 0, err)))
				ret = ledger_append(e->s, e->actor, "change.release", subject, payload,
						    NULL, err);
			json_array_append(released, id);
			json_decref(payload);
			free(subject);
		}
		json_decref(data);
	}
	json_decref(ids);
	json_decref(paths);
	return ret;
}

/* ---- open ------------------------------------------------------------ */

static json_t *overlap(const struct cr_row *a, const char *b_art, const json_t *b_impact)
{
	json_t *set = json_object(), *res = json_array(), *it;
	size_t i;

	json_object_set_new(set, a->artefact, json_true());
	json_array_foreach(a->impact, i, it)
		json_object_set_new(set, json_str(it, "id"), json_true());
	if (json_object_get(set, b_art))
		json_array_append_new(res, json_string(b_art));
	json_array_foreach(b_impact, i, it)
		if (json_object_get(set, json_str(it, "id")))
			json_array_append_new(res, json_string(json_str(it, "id")));
	json_decref(set);
	return res;
}

static int find_conflicts(struct change_env *e, const char *id, const char *art,
			  const json_t *impact, int64_t now, json_t *out, struct aiv_err *err)
{
	struct store_stmt *st = prep(e->s, err, "SELECT " CR_COLS " FROM change_requests"
				     " WHERE status IN ('queued', 'open', 'approved') AND id <> ?"
				     " ORDER BY num", 1, id);
	struct cr_row *rows = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(rows, n + 1, alloc);
		cr_from_row(st, &rows[n++]);
	}
	store_reset(st);
	if (rc < 0)
		ret = rc;
	for (i = 0; i < n && !ret; i++) {
		json_t *ov = overlap(&rows[i], art, impact);
		if (json_array_size(ov)) {
			char *txt = cjson_dumps(ov);
			struct store_stmt *ins = prep(e->s, err,
				"INSERT INTO change_conflicts(a, b, overlap, detected_at) VALUES"
				" (?, ?, ?, ?)", 3, rows[i].id, id, txt);
			if (ins) {
				store_bind_int(ins, 4, now);
				ret = run(ins, err);
			} else {
				ret = err->code;
			}
			json_array_append_new(out, json_pack("{s:s, s:O}", "cr", rows[i].id,
							     "overlap", ov));
			free(txt);
		}
		json_decref(ov);
	}
	for (i = 0; i < n; i++)
		cr_release(&rows[i]);
	free(rows);
	return ret;
}

/* Is evidence file `ev` acceptable?  0, or AIV_EINPUT naming it. */
static int evidence_check(const struct change_evidence *ev, struct aiv_err *err)
{
	const unsigned char *c;

	if (!ev->name || !*ev->name)
		return aiv_fail(err, AIV_EINPUT, "evidence: a file needs a name");
	if (strlen(ev->name) > 255)
		return aiv_fail(err, AIV_EINPUT, "evidence '%.40s...': name longer than 255 bytes",
				ev->name);
	for (c = (const unsigned char *)ev->name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return aiv_fail(err, AIV_EINPUT, "evidence: name contains a control "
					"character (byte %u)", (unsigned)(c - (const unsigned char *)ev->name));
	if (!ev->len)
		return aiv_fail(err, AIV_EINPUT, "evidence '%s' is empty", ev->name);
	if (ev->len > CHANGE_EVIDENCE_MAX)
		return aiv_fail(err, AIV_ETOOBIG, "evidence '%s' is %zu bytes; at most %u are "
				"stored per file", ev->name, ev->len, CHANGE_EVIDENCE_MAX);
	return 0;
}

/* Store one evidence file's content under its hash (fp out). */
static int evidence_store(struct change_env *e, const struct change_evidence *ev,
			  char fp[SHA256_HEX], struct aiv_err *err)
{
	struct store_stmt *st;

	sha256_hex(ev->data, ev->len, fp);
	st = prep(e->s, err, "INSERT INTO change_blobs(sha256, content) VALUES (?, ?)"
		  " ON CONFLICT(sha256) DO NOTHING", 1, fp);
	if (!st)
		return err->code;
	store_bind_blob(st, 2, ev->data, ev->len);
	return run(st, err);
}

int change_open_in_tx(struct change_env *e, const struct change_open_args *a, json_t **out,
		      struct aiv_err *err)
{
	struct artefact_row art;
	json_t *impact = NULL, *path = NULL, *conflicts = json_array(), *payload = NULL;
	json_t *gov = json_object(), *evidence = json_array();
	char fp[SHA256_HEX], id[32], why[512] = "", *impact_txt = NULL, *path_txt = NULL;
	char *evidence_txt = NULL;
	size_t i;
	const char *status = "open";
	int64_t now = time_now_us(), num = 0, seq = 0;
	int risk, ret, queued = 0;
	struct store_stmt *st;

	memset(&art, 0, sizeof(art));
	if (!store_in_tx(e->s)) {
		ret = aiv_fail(err, AIV_EINTERNAL, "change open: no transaction open");
		goto cleanup;
	}
	if (!a->reason || !*a->reason) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: missing --reason (why is '%s' "
			       "changing?)", a->artefact ? a->artefact : "");
		goto cleanup;
	}
	risk = change_risk_index(a->risk ? a->risk : "medium");
	if (risk < 0) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: risk '%s' must be low, medium or high",
			       a->risk);
		goto cleanup;
	}
	if (!a->author || !*a->author) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: missing --as PERSON (who opens it%s)",
			       a->generated_by ? ", directing the agent" : "");
		goto cleanup;
	}
	if (a->generated_by && (!a->model || !*a->model)) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: --generated-by '%s' needs --model",
			       a->generated_by);
		goto cleanup;
	}
	for (i = 0; i < a->nevidence; i++)
		if ((ret = evidence_check(&a->evidence[i], err)))
			goto cleanup;
	if ((ret = artefact_read(e->s, a->artefact, &art, err)))
		goto cleanup;
	if ((ret = is_person(e->s, a->author, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EINPUT, "change open: --as '%s' is not a person",
				       a->author);
		goto cleanup;
	}
	if (a->base_version > 0 && a->base_version != art.version) {
		ret = aiv_fail(err, AIV_ECONFLICT,
			       "change open: stale base: '%s' is at version %lld, not %lld "
			       "(someone changed it meanwhile)", art.id, (long long)art.version,
			       (long long)a->base_version);
		goto cleanup;
	}
	sha256_hex(a->content, a->content_len, fp);
	if (!strcmp(fp, art.fingerprint)) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: no change: the content is identical "
			       "to '%s' version %lld", art.id, (long long)art.version);
		goto cleanup;
	}
	if ((ret = impact_items(e->s, e->rules, art.id, &impact, err)) ||
	    (ret = build_path(e, &art, a->author, a->generated_by != NULL, risk, impact, &path,
			      err)) ||
	    (ret = store_query_int(e->s, "SELECT coalesce(max(num), 0) + 1 FROM change_requests",
				   &num, err)))
		goto cleanup;
	snprintf(id, sizeof(id), "CR-%lld", (long long)num);
	if (a->generated_by) {
		queued = governance_behind(e, path, now, 0, why, sizeof(why), gov, err);
		if (queued < 0) {
			ret = queued;
			goto cleanup;
		}
		if (queued) {
			status = "queued";
			json_object_set_new(gov, "cr", json_string(id));
			if ((ret = add_finding(e, now, why, gov, err)))
				goto cleanup;
		}
	}
	st = prep(e->s, err, "INSERT INTO change_blobs(sha256, content) VALUES (?, ?)"
		  " ON CONFLICT(sha256) DO NOTHING", 1, fp);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_blob(st, 2, a->content, a->content_len);
	if ((ret = run(st, err)))
		goto cleanup;
	for (i = 0; i < a->nevidence; i++) {
		char efp[SHA256_HEX];
		if ((ret = evidence_store(e, &a->evidence[i], efp, err)))
			goto cleanup;
		json_array_append_new(evidence, json_pack("{s:s, s:s, s:I}", "name",
			a->evidence[i].name, "sha256", efp, "bytes", (json_int_t)a->evidence[i].len));
	}
	evidence_txt = cjson_dumps(evidence);
	impact_txt = cjson_dumps(impact);
	path_txt = cjson_dumps(path);
	payload = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:O, s:O}",
			    "cr", id, "artefact", art.id, "status", status,
			    "base_version", (json_int_t)art.version, "base_fingerprint",
			    art.fingerprint, "new_fingerprint", fp, "reason", a->reason,
			    "risk", change_risks[risk], "generated_by", a->generated_by,
			    "model", a->model, "impact", impact, "approval_path", path);
	json_object_set_new(payload, "author", json_string(a->author));
	json_object_set(payload, "evidence", evidence);
	if (queued)
		json_object_set_new(payload, "queued_because", json_string(why));
	{
		char *subject = xstrfmt("ChangeRequest/%s", id);
		ret = ledger_append(e->s, e->actor, "change.open", subject, payload, &seq, err);
		free(subject);
		if (ret)
			goto cleanup;
	}
	st = prep(e->s, err,
		  "INSERT INTO change_requests(id, num, artefact, status, base_version,"
		  " base_fingerprint, new_fingerprint, reason, risk, author, generated_by, model,"
		  " impact, approval_path, opened_at, seq, evidence)"
		  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		  0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, id);
	store_bind_int(st, 2, num);
	store_bind_text(st, 3, art.id);
	store_bind_text(st, 4, status);
	store_bind_int(st, 5, art.version);
	store_bind_text(st, 6, art.fingerprint);
	store_bind_text(st, 7, fp);
	store_bind_text(st, 8, a->reason);
	store_bind_text(st, 9, change_risks[risk]);
	store_bind_text(st, 10, a->author);
	store_bind_text(st, 11, a->generated_by);
	store_bind_text(st, 12, a->generated_by ? a->model : NULL);
	store_bind_text(st, 13, impact_txt);
	store_bind_text(st, 14, path_txt);
	store_bind_int(st, 15, now);
	store_bind_int(st, 16, seq);
	store_bind_text(st, 17, evidence_txt);
	if ((ret = run(st, err)) ||
	    (ret = find_conflicts(e, id, art.id, impact, now, conflicts, err)) ||
	    (ret = change_show(e, id, out, err)))
		goto cleanup;
	json_object_set(*out, "conflicts", conflicts);
	if (queued)
		json_object_set_new(*out, "finding", json_string(why));
cleanup:
	artefact_row_release(&art);
	json_decref(impact);
	json_decref(path);
	json_decref(conflicts);
	json_decref(payload);
	json_decref(gov);
	json_decref(evidence);
	free(impact_txt);
	free(path_txt);
	free(evidence_txt);
	return ret;
}

int change_open(struct change_env *e, const struct change_open_args *a, json_t **out,
		struct aiv_err *err)
{
	json_t *res = NULL;
	int ret;

	*out = NULL;
	if ((ret = store_begin(e->s, err)))
		return ret;
	if ((ret = change_open_in_tx(e, a, &res, err)) || (ret = store_commit(e->s, err))) {
		store_rollback(e->s);
		json_decref(res);
		return ret;
	}
	*out = res;
	return 0;
}

/* ---- evidence --------------------------------------------------------- */

int change_attach(struct change_env *e, const char *cr, const char *by,
		  const struct change_evidence *ev, size_t n, json_t **out,
		  struct aiv_err *err)
{
	struct cr_row c;
	json_t *attached = json_array(), *payload = NULL, *it;
	char *txt = NULL, *subject = NULL, *when = NULL;
	int64_t now = time_now_us(), seq = 0;
	size_t i, k;
	int ret, in_tx = 0;
	struct store_stmt *st;

	memset(&c, 0, sizeof(c));
	if (!n) {
		ret = aiv_fail(err, AIV_EINPUT, "change attach: no evidence file given");
		goto cleanup;
	}
	for (i = 0; i < n; i++)
		if ((ret = evidence_check(&ev[i], err)))
			goto cleanup;
	if (!by || !*by)
		by = e->actor;
	if ((ret = cr_read(e->s, cr, &c, err)))
		goto cleanup;
	when = now_iso(now);
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	for (i = 0; i < n; i++) {
		char fp[SHA256_HEX];
		if ((ret = evidence_store(e, &ev[i], fp, err)))
			goto cleanup;
		json_array_foreach(c.evidence, k, it) {
			if (!strcmp(json_str(it, "sha256"), fp)) {
				ret = aiv_fail(err, AIV_ECONFLICT, "evidence '%s' is already attached "
					       "to %s (as '%s', sha256 %.12s...)", ev[i].name, c.id,
					       json_str(it, "name"), fp);
				goto cleanup;
			}
		}
		it = json_pack("{s:s, s:s, s:I, s:s, s:s}", "name", ev[i].name, "sha256", fp,
			       "bytes", (json_int_t)ev[i].len, "added_by", by, "added_at", when);
		json_array_append(attached, it);
		json_array_append_new(c.evidence, it);
	}
	payload = json_pack("{s:s, s:s, s:O}", "cr", c.id, "by", by, "attached", attached);
	subject = xstrfmt("ChangeRequest/%s", c.id);
	if ((ret = ledger_append(e->s, e->actor, "change.evidence", subject, payload, &seq, err)))
		goto cleanup;
	txt = cjson_dumps(c.evidence);
	st = prep(e->s, err, "UPDATE change_requests SET evidence = ? WHERE id = ?", 2, txt, c.id);
	if ((ret = run(st, err)) || (ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	*out = json_pack("{s:s, s:O, s:O, s:I}", "cr", c.id, "attached", attached, "evidence",
			 c.evidence, "ledger_seq", (json_int_t)seq);
cleanup:
	if (in_tx)
		store_rollback(e->s);
	cr_release(&c);
	json_decref(attached);
	json_decref(payload);
	free(txt);
	free(subject);
	free(when);
	return ret;
}

/* ---- sign ------------------------------------------------------------ */

int change_sign(struct change_env *e, const char *cr, const char *decision,
		const char *signer, const char *meaning, const char *reason,
		json_t **out, struct aiv_err *err)
{
	struct cr_row c;
	struct artefact_row art;
	json_t *state = NULL, *covers = NULL, *rec = NULL, *sl, *released = json_array();
	int64_t now = time_now_us(), sig_id = 0;
	char *time = now_iso(now);
	int ret, in_tx = 0, on_path = 0, approve = !strcmp(decision, "approve");
	size_t i;

	memset(&c, 0, sizeof(c));
	memset(&art, 0, sizeof(art));
	if (!approve && strcmp(decision, "reject")) {
		ret = aiv_fail(err, AIV_EINTERNAL, "decision '%s'", decision);
		goto cleanup;
	}
	if ((ret = cr_read(e->s, cr, &c, err)))
		goto cleanup;
	if (!signer || !*signer) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: missing --as PERSON (who signs)", cr);
		goto cleanup;
	}
	if (!reason || !*reason) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: missing --reason for the %s", cr,
			       approve ? "approval" : "rejection");
		goto cleanup;
	}
	if (!meaning || !*meaning) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: missing --meaning (what the signature means, "
			       "e.g. \"approved as owner\")", cr);
		goto cleanup;
	}
	if (strcmp(c.status, "open")) {
		ret = aiv_fail(err, AIV_ESTATE, "%s is %s; only an open change request can be %s",
			       cr, c.status, approve ? "approved" : "rejected");
		goto cleanup;
	}
	if (c.generated_by && !strcmp(signer, c.generated_by)) {
		ret = aiv_fail(err, AIV_EPERM, "%s: '%s' is the AI agent that generated it; an AI "
			       "agent never approves", cr, signer);
		goto cleanup;
	}
	if ((ret = is_person(e->s, signer, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EPERM, "%s: '%s' is not a person; only people sign "
				       "(an AI agent never approves)", cr, signer);
		goto cleanup;
	}
	if (!c.generated_by && !strcmp(signer, c.author)) {
		ret = aiv_fail(err, AIV_EPERM, "%s: '%s' is its author; the author cannot %s their "
			       "own change", cr, signer, decision);
		goto cleanup;
	}
	ret = exists(prep(e->s, err, "SELECT 1 FROM change_signatures WHERE cr = ? AND signer = ?"
			  " AND decision IN ('approve', 'reject')", 2, cr, signer), err);
	if (ret) {
		if (ret > 0)
			ret = aiv_fail(err, AIV_ECONFLICT, "%s: '%s' has already signed it", cr, signer);
		goto cleanup;
	}
	json_array_foreach(c.path, i, sl) {
		int el = eligible(e->s, sl, signer, err);
		if (el < 0) {
			ret = el;
			goto cleanup;
		}
		on_path |= el;
	}
	if (!on_path) {
		struct strbuf sb = STRBUF_INIT;
		json_array_foreach(c.path, i, sl)
			strbuf_addf(&sb, "%s%s '%s'", i ? ", " : "", json_str(sl, "kind"),
				    json_str(sl, "name"));
		ret = aiv_fail(err, AIV_EPERM, "%s: '%s' is not on the approval path (%s)", cr,
			       signer, sb.buf);
		strbuf_release(&sb);
		goto cleanup;
	}
	if ((ret = artefact_read(e->s, c.artefact, &art, err)) || (ret = check_base(&c, &art, err)))
		goto cleanup;
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	covers = cr_covers(&c);
	if ((ret = put_signature(e, cr, c.artefact, decision, signer, time, meaning, reason,
				 covers, NULL, &sig_id, &rec, err)))
		goto cleanup;
	if (approve) {
		if ((ret = approval_state(e, &c, &state, err)))
			goto cleanup;
		if (json_is_true(json_object_get(state, "approved")) &&
		    (ret = set_status(e, cr, "approved", "approved_at", now, err)))
			goto cleanup;
	} else {
		if ((ret = set_status(e, cr, "rejected", "closed_at", now, err)) ||
		    (ret = resolve_conflicts(e, cr, now, err)))
			goto cleanup;
	}
	if ((ret = release_queued(e, now, released, err)) || (ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	*out = json_pack("{s:s, s:s, s:O}", "cr", cr, "status",
			 approve ? (json_is_true(json_object_get(state, "approved")) ? "approved"
									   : "open")
				 : "rejected", "signature", rec);
	if (state)
		json_object_set(*out, "approval", state);
	if (json_array_size(released))
		json_object_set(*out, "released", released);
cleanup:
	if (in_tx)
		store_rollback(e->s);
	cr_release(&c);
	artefact_row_release(&art);
	json_decref(state);
	json_decref(covers);
	json_decref(rec);
	json_decref(released);
	free(time);
	return ret;
}

/* ---- merge ----------------------------------------------------------- */

static int update_object_spec(struct store *s, const char *id, const char *fp,
			      int64_t version, struct aiv_err *err)
{
	struct store_stmt *st = prep(s, err, "SELECT spec FROM objects WHERE kind = 'Artefact'"
				     " AND name = ?", 1, id);
	json_t *spec = NULL;
	char *canon, hash[SHA256_HEX];
	int rc;

	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		spec = json_loads(store_col_text(st, 0), 0, NULL);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (!spec)
		return 0;
	json_object_set_new(spec, "fingerprint", json_string(fp));
	json_object_set_new(spec, "version", json_integer(version));
	canon = cjson_dumps(spec);
	sha256_hex(canon, strlen(canon), hash);
	rc = run(prep(s, err, "UPDATE objects SET spec = ?, spec_hash = ? WHERE kind = 'Artefact'"
		      " AND name = ?", 3, canon, hash, id), err);
	free(canon);
	json_decref(spec);
	return rc;
}

int change_merge(struct change_env *e, const char *cr, json_t **out, struct aiv_err *err)
{
	struct cr_row c;
	struct artefact_row art;
	json_t *state = NULL, *impact = NULL, *stale = json_array(), *sigs = NULL, *sg, *it;
	json_t *payload = NULL, *released = json_array(), *reeval = json_array();
	int64_t now = time_now_us(), newver;
	int ret, in_tx = 0;
	size_t i;

	memset(&c, 0, sizeof(c));
	memset(&art, 0, sizeof(art));
	if ((ret = cr_read(e->s, cr, &c, err)))
		goto cleanup;
	if (strcmp(c.status, "approved")) {
		ret = aiv_fail(err, AIV_ESTATE, "%s is %s; only an approved change request can be "
			       "merged", cr, c.status);
		goto cleanup;
	}
	if ((ret = artefact_read(e->s, c.artefact, &art, err)) || (ret = check_base(&c, &art, err)))
		goto cleanup;
	if ((ret = approval_state(e, &c, &state, err)) || (ret = approvals_of(e->s, cr, &sigs, err)))
		goto cleanup;
	json_array_foreach(sigs, i, sg) {
		json_t *problems = json_array();
		ret = covers_problems(e->s, json_object_get(json_object_get(sg, "record"), "covers"),
				      0, problems, err);
		if (!ret && json_array_size(problems))
			ret = aiv_fail(err, AIV_ECONFLICT, "%s: the approval by '%s' is void: %s; "
				       "approvals must be given again on a new change request",
				       cr, json_str(sg, "signer"),
				       json_string_value(json_array_get(problems, 0)));
		json_decref(problems);
		if (ret)
			goto cleanup;
	}
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	if ((ret = impact_items(e->s, e->rules, c.artefact, &impact, err)))
		goto cleanup;
	json_array_foreach(impact, i, it) {
		json_t *old;
		size_t k;
		int found = 0;
		json_array_foreach(c.impact, k, old)
			if (!strcmp(json_str(old, "id"), json_str(it, "id")))
				found = 1;
		if (!found) {
			ret = aiv_fail(err, AIV_ECONFLICT, "%s: its impact changed since it was opened: "
				       "'%s' now depends on '%s' and was not covered by the approvals; "
				       "open a new change request", cr, json_str(it, "id"), c.artefact);
			goto cleanup;
		}
	}
	newver = art.version + 1;
	{
		struct store_stmt *st = prep(e->s, err, "UPDATE artefacts SET fingerprint = ?,"
					     " version = ? WHERE id = ?", 1, c.new_fp);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		store_bind_int(st, 2, newver);
		store_bind_text(st, 3, c.artefact);
		if ((ret = run(st, err)) ||
		    (ret = update_object_spec(e->s, c.artefact, c.new_fp, newver, err)))
			goto cleanup;
	}
	json_array_foreach(impact, i, it) {
		struct strbuf cause = STRBUF_INIT;
		json_t *p = json_object_get(it, "path"), *x;
		char *ptxt = cjson_dumps(p);
		struct store_stmt *st;
		size_t k;

		strbuf_addf(&cause, "stale because %s went v%lld->v%lld via ", c.artefact,
			    (long long)art.version, (long long)newver);
		json_array_foreach(p, k, x)
			strbuf_addf(&cause, "%s%s", k ? " -> " : "", json_string_value(x));
		strbuf_addf(&cause, " (%s)", cr);
		st = prep(e->s, err, "INSERT INTO stale_marks(artefact, cr, cause, path, marked_at)"
			  " VALUES (?, ?, ?, ?, ?)", 4, json_str(it, "id"), cr, cause.buf, ptxt);
		if (st) {
			store_bind_int(st, 5, now);
			ret = run(st, err);
		} else {
			ret = err->code;
		}
		json_array_append_new(stale, json_pack("{s:s, s:s, s:s, s:O}", "artefact",
			json_str(it, "id"), "owner", json_str(it, "owner"), "cause", cause.buf,
			"path", p));
		strbuf_release(&cause);
		free(ptxt);
		if (ret)
			goto cleanup;
	}
	if ((ret = set_status(e, cr, json_array_size(impact) ? "merged" : "done", "merged_at",
			      now, err)))
		goto cleanup;
	if (!json_array_size(impact) && (ret = set_status(e, cr, "done", "closed_at", now, err)))
		goto cleanup;
	/* re-evaluate conflicting CRs: those on the same artefact are now against a stale base */
	{
		struct store_stmt *st = prep(e->s, err,
			"SELECT CASE WHEN a = ? THEN b ELSE a END FROM change_conflicts"
			" WHERE resolved_at IS NULL AND (a = ? OR b = ?)", 3, cr, cr, cr);
		int rc;
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		while ((rc = store_step(st, err)) == STORE_ROW)
			json_array_append_new(reeval, json_string(store_col_text(st, 0)));
		store_reset(st);
		if (rc < 0) {
			ret = rc;
			goto cleanup;
		}
		json_array_foreach(reeval, i, it) {
			struct cr_row o;
			if ((ret = cr_read(e->s, json_string_value(it), &o, err)))
				goto cleanup;
			{
				int now_stale = 0;
				size_t k;
				json_t *x;
				char *txt;
				json_array_foreach(impact, k, x)
					if (!strcmp(json_str(x, "id"), o.artefact))
						now_stale = 1;
				if (!strcmp(o.artefact, c.artefact))
					txt = xstrfmt("against a stale base: it must be reopened on "
						      "%s v%lld", c.artefact, (long long)newver);
				else if (now_stale)
					txt = xstrfmt("changing %s, which this merge made stale: its "
						      "owner reviews %s against %s v%lld first",
						      o.artefact, o.artefact, c.artefact,
						      (long long)newver);
				else
					txt = xstrfmt("free of this overlap");
				json_array_set_new(reeval, i, json_pack("{s:s, s:s}", "cr", o.id,
									"now", txt));
				free(txt);
			}
			cr_release(&o);
		}
	}
	if ((ret = resolve_conflicts(e, cr, now, err)))
		goto cleanup;
	payload = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:O}", "cr", cr, "artefact",
			    c.artefact, "from_version", (json_int_t)art.version, "to_version",
			    (json_int_t)newver, "from_fingerprint", art.fingerprint,
			    "to_fingerprint", c.new_fp, "stale", stale);
	{
		char *subject = xstrfmt("ChangeRequest/%s", cr);
		ret = ledger_append(e->s, e->actor, "change.merge", subject, payload, NULL, err);
		free(subject);
		if (ret)
			goto cleanup;
	}
	if ((ret = release_queued(e, now, released, err)) || (ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	*out = json_pack("{s:s, s:s, s:s, s:I, s:I, s:O, s:O}", "cr", cr, "artefact", c.artefact,
			 "status", json_array_size(impact) ? "merged" : "done",
			 "from_version", (json_int_t)art.version, "to_version", (json_int_t)newver,
			 "stale", stale, "reevaluated", reeval);
	if (json_array_size(released))
		json_object_set(*out, "released", released);
cleanup:
	if (in_tx)
		store_rollback(e->s);
	cr_release(&c);
	artefact_row_release(&art);
	json_decref(state);
	json_decref(impact);
	json_decref(stale);
	json_decref(sigs);
	json_decref(payload);
	json_decref(released);
	json_decref(reeval);
	return ret;
}

/* ---- review ---------------------------------------------------------- */

int change_review(struct change_env *e, const char *artefact, const char *signer,
		  const char *meaning, const char *reason, int no_impact, json_t **out,
		  struct aiv_err *err)
{
	struct artefact_row art;
	json_t *covers = json_array(), *marks = json_array(), *rec = NULL, *done = json_array();
	json_t *slot = NULL, *m, *released = json_array(), *extra = NULL;
	int64_t now = time_now_us(), sig_id = 0;
	char *time = now_iso(now);
	struct store_stmt *st;
	int ret, rc, in_tx = 0;
	size_t i;

	memset(&art, 0, sizeof(art));
	if ((ret = artefact_read(e->s, artefact, &art, err)))
		goto cleanup;
	if (!signer || !*signer) {
		ret = aiv_fail(err, AIV_EINPUT, "review of '%s': missing --as OWNER", artefact);
		goto cleanup;
	}
	if (!reason || !*reason) {
		ret = aiv_fail(err, AIV_EINPUT, "review of '%s': missing --reason", artefact);
		goto cleanup;
	}
	if ((ret = is_person(e->s, signer, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EPERM, "review of '%s': '%s' is not a person; only "
				       "people sign reviews", artefact, signer);
		goto cleanup;
	}
	slot = json_pack("{s:s, s:s}", "kind", slot_kind(art.owner_kind), "name", art.owner);
	if ((ret = eligible(e->s, slot, signer, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EPERM, "review of '%s': '%s' is not its owner (%s "
				       "'%s')", artefact, signer, json_str(slot, "kind"), art.owner);
		goto cleanup;
	}
	st = prep(e->s, err, "SELECT cr, cause FROM stale_marks WHERE artefact = ?"
		  " AND cleared_at IS NULL ORDER BY marked_at, cr", 1, artefact);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(marks, json_pack("{s:s, s:s}", "cr", store_col_text(st, 0),
						       "cause", store_col_text(st, 1)));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if (!json_array_size(marks)) {
		ret = aiv_fail(err, AIV_ESTATE, "review of '%s': it is not stale; nothing to review",
			       artefact);
		goto cleanup;
	}
	/* the record covers the item and every direct upstream, as they are now */
	json_array_append_new(covers, json_pack("{s:s, s:s, s:I, s:s}", "artefact", art.id,
		"role", "reviewed", "version", (json_int_t)art.version, "fingerprint",
		art.fingerprint));
	st = prep(e->s, err, "SELECT a.id, a.version, a.fingerprint, e.type FROM artefact_edges e"
		  " JOIN artefacts a ON a.id = e.dst WHERE e.src = ? ORDER BY a.id", 1, artefact);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(covers, json_pack("{s:s, s:s, s:I, s:s, s:s}", "artefact",
			store_col_text(st, 0), "role", "upstream", "version",
			(json_int_t)store_col_int(st, 1), "fingerprint", store_col_text(st, 2),
			"edge", store_col_text(st, 3)));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if (!meaning || !*meaning)
		meaning = no_impact ? "no impact: reviewed against the new upstream, no change needed"
				    : "reviewed against the new upstream and consistent";
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	if ((ret = put_signature(e, json_str(json_array_get(marks, 0), "cr"), artefact,
				 no_impact ? "no-impact" : "review", signer, time, meaning, reason,
				 covers, extra = json_pack("{s:O}", "clears", marks), &sig_id, &rec,
				 err)))
		goto cleanup;
	json_array_foreach(marks, i, m) {
		int64_t open_left = 0;
		st = prep(e->s, err, "UPDATE stale_marks SET cleared_at = ?, cleared_by = ?,"
			  " signature = ? WHERE artefact = ? AND cr = ?", 0);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		store_bind_int(st, 1, now);
		store_bind_text(st, 2, signer);
		store_bind_int(st, 3, sig_id);
		store_bind_text(st, 4, artefact);
		store_bind_text(st, 5, json_str(m, "cr"));
		if ((ret = run(st, err)))
			goto cleanup;
		st = prep(e->s, err, "SELECT count(*) FROM stale_marks WHERE cr = ?"
			  " AND cleared_at IS NULL", 1, json_str(m, "cr"));
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		if ((rc = store_step(st, err)) == STORE_ROW)
			open_left = store_col_int(st, 0);
		store_reset(st);
		if (rc < 0) {
			ret = rc;
			goto cleanup;
		}
		if (open_left == 0) {
			st = prep(e->s, err, "UPDATE change_requests SET status = 'done', closed_at = ?"
				  " WHERE id = ? AND status = 'merged'", 0);
			if (!st) {
				ret = err->code;
				goto cleanup;
			}
			store_bind_int(st, 1, now);
			store_bind_text(st, 2, json_str(m, "cr"));
			if ((ret = run(st, err)))
				goto cleanup;
			if (store_changes(e->s) > 0) {
				char *subject = xstrfmt("ChangeRequest/%s", json_str(m, "cr"));
				json_t *p = json_pack("{s:s, s:s}", "cr", json_str(m, "cr"), "why",
					"every artefact of its impact set is consistent again");
				ret = ledger_append(e->s, e->actor, "change.done", subject, p, NULL, err);
				json_decref(p);
				free(subject);
				if (ret)
					goto cleanup;
				json_array_append_new(done, json_string(json_str(m, "cr")));
			}
		}
	}
	if ((ret = release_queued(e, now, released, err)) || (ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	*out = json_pack("{s:s, s:s, s:O, s:O, s:O}", "artefact", artefact, "decision",
			 no_impact ? "no-impact" : "review", "cleared", marks, "done", done,
			 "signature", rec);
	if (json_array_size(released))
		json_object_set(*out, "released", released);
cleanup:
	if (in_tx)
		store_rollback(e->s);
	artefact_row_release(&art);
	json_decref(covers);
	json_decref(marks);
	json_decref(rec);
	json_decref(done);
	json_decref(slot);
	json_decref(released);
	json_decref(extra);
	free(time);
	return ret;
}

/* ---- reads ----------------------------------------------------------- */

static json_t *time_or_null(int64_t us)
{
	char buf[TIME_ISO_LEN];

	if (!us)
		return json_null();
	time_format_us(us, buf);
	return json_string(buf);
}

static json_t *cr_json(const struct cr_row *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}",
		"id", c->id, "artefact", c->artefact, "status", c->status,
		"base_version", (json_int_t)c->base_version, "base_fingerprint", c->base_fp,
		"new_fingerprint", c->new_fp, "reason", c->reason, "risk", c->risk,
		"author", c->author, "opened_at", time_or_null(c->opened_at),
		"approved_at", time_or_null(c->approved_at),
		"merged_at", time_or_null(c->merged_at), "closed_at", time_or_null(c->closed_at));

	if (c->generated_by) {
		json_object_set_new(o, "generated_by", json_string(c->generated_by));
		json_object_set_new(o, "model", json_string(c->model ? c->model : ""));
	}
	json_object_set_new(o, "impact_count", json_integer((json_int_t)json_array_size(c->impact)));
	return o;
}

int change_show(struct change_env *e, const char *id, json_t **out, struct aiv_err *err)
{
	struct cr_row c;
	json_t *o, *state = NULL, *sigs, *marks, *conf;
	struct store_stmt *st;
	int ret, rc;

	if ((ret = cr_read(e->s, id, &c, err)))
		return ret; /* before allocating: the server calls this per request */
	sigs = json_array();
	marks = json_array();
	conf = json_array();
	o = cr_json(&c);
	json_object_set(o, "impact", c.impact);
	json_object_set(o, "evidence", c.evidence);
	if ((ret = approval_state(e, &c, &state, err)))
		goto fail;
	json_object_set(o, "approval", state);
	st = prep(e->s, err, "SELECT decision, signer, time, meaning, reason, record_hash,"
		  " ledger_seq, artefact FROM change_signatures WHERE cr = ? ORDER BY id", 1, id);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(sigs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}",
			"decision", store_col_text(st, 0), "signer", store_col_text(st, 1),
			"time", store_col_text(st, 2), "meaning", store_col_text(st, 3),
			"reason", store_col_text(st, 4), "record_hash", store_col_text(st, 5),
			"ledger_seq", (json_int_t)store_col_int(st, 6),
			"artefact", store_col_text(st, 7)));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	st = prep(e->s, err, "SELECT artefact, cause, cleared_at, cleared_by FROM stale_marks"
		  " WHERE cr = ? ORDER BY marked_at, artefact", 1, id);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *mk = json_pack("{s:s, s:s, s:b}", "artefact", store_col_text(st, 0),
				       "cause", store_col_text(st, 1), "open",
				       store_col_is_null(st, 2));
		if (!store_col_is_null(st, 2)) {
			json_object_set_new(mk, "cleared_at", time_or_null(store_col_int(st, 2)));
			json_object_set_new(mk, "cleared_by", json_string(store_col_text(st, 3)));
		}
		json_array_append_new(marks, mk);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	st = prep(e->s, err, "SELECT a, b, overlap, resolved_at FROM change_conflicts"
		  " WHERE a = ? OR b = ? ORDER BY detected_at", 2, id, id);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *ov = json_loads(store_col_text(st, 2), 0, NULL);
		json_array_append_new(conf, json_pack("{s:s, s:o, s:b}", "with",
			strcmp(store_col_text(st, 0), id) ? store_col_text(st, 0)
							  : store_col_text(st, 1),
			"overlap", ov ? ov : json_array(), "resolved", !store_col_is_null(st, 3)));
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	json_object_set_new(o, "signatures", sigs);
	json_object_set_new(o, "stale_marks", marks);
	json_object_set_new(o, "conflicts_recorded", conf);
	json_decref(state);
	cr_release(&c);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(state);
	json_decref(sigs);
	json_decref(marks);
	json_decref(conf);
	cr_release(&c);
	return ret;
}

int change_list(struct change_env *e, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = prep(e->s, err, "SELECT " CR_COLS " FROM change_requests"
				     " ORDER BY num DESC", 0);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct cr_row c;
		cr_from_row(st, &c);
		json_array_append_new(arr, cr_json(&c));
		cr_release(&c);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

int change_conflicts(struct change_env *e, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = prep(e->s, err, "SELECT a, b, overlap, detected_at, resolved_at"
				     " FROM change_conflicts ORDER BY detected_at, a, b", 0);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *ov = json_loads(store_col_text(st, 2), 0, NULL);
		char *det = now_iso(store_col_int(st, 3));
		char *res = store_col_is_null(st, 4) ? NULL : now_iso(store_col_int(st, 4));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:s, s:s?, s:b}", "a",
			store_col_text(st, 0), "b", store_col_text(st, 1), "overlap",
			ov ? ov : json_array(), "detected_at", det, "resolved_at", res, "open", !res));
		free(det);
		free(res);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

int change_stale(struct change_env *e, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = prep(e->s, err,
		"SELECT m.artefact, a.owner, m.cr, m.cause FROM stale_marks m JOIN artefacts a"
		" ON a.id = m.artefact WHERE m.cleared_at IS NULL ORDER BY a.owner, m.artefact, m.cr",
		0);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "artefact",
			store_col_text(st, 0), "owner", store_col_text(st, 1), "cr",
			store_col_text(st, 2), "cause", store_col_text(st, 3)));
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

struct seq_find {
	const char *hash;
	int found;
};

static int seq_match(const struct ledger_row *row, void *data)
{
	struct seq_find *f = data;
	json_t *p = json_loadb(row->payload, row->payload_len, 0, NULL);

	f->found = p && json_str(p, "record_hash") && !strcmp(json_str(p, "record_hash"), f->hash);
	json_decref(p);
	return 1;
}

int change_verify(struct change_env *e, const char *id, json_t **out, struct aiv_err *err)
{
	struct cr_row c;
	struct store_stmt *st;
	json_t *sigs = json_array(), *problems_all = json_array();
	char fp[SHA256_HEX];
	int ret, rc, ok = 1;

	if ((ret = cr_read(e->s, id, &c, err))) {
		json_decref(sigs);
		json_decref(problems_all);
		return ret;
	}
	/* the proposed content must still hash to what the CR (and its signatures) name */
	st = prep(e->s, err, "SELECT content FROM change_blobs WHERE sha256 = ?", 1, c.new_fp);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		sha256_hex(store_col_blob(st, 0), store_col_bytes(st, 0), fp);
		if (strcmp(fp, c.new_fp)) {
			char *m = xstrfmt("the stored proposed content was edited: it hashes to %.12s..., "
					  "the change request names %.12s...", fp, c.new_fp);
			json_array_append_new(problems_all, json_string(m));
			free(m);
		}
	} else if (rc == STORE_DONE) {
		json_array_append_new(problems_all, json_string("the proposed content is missing"));
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	{
		json_t *ev;
		size_t k;
		json_array_foreach(c.evidence, k, ev) {
			st = prep(e->s, err, "SELECT content FROM change_blobs WHERE sha256 = ?", 1,
				  json_str(ev, "sha256"));
			if (!st) {
				ret = err->code;
				goto cleanup;
			}
			rc = store_step(st, err);
			if (rc == STORE_ROW)
				sha256_hex(store_col_blob(st, 0), store_col_bytes(st, 0), fp);
			store_reset(st);
			if (rc < 0) {
				ret = rc;
				goto cleanup;
			}
			if (rc != STORE_ROW || strcmp(fp, json_str(ev, "sha256"))) {
				char *m = xstrfmt("evidence '%s' is %s", json_str(ev, "name"),
						  rc != STORE_ROW ? "missing" : "altered (hash differs)");
				json_array_append_new(problems_all, json_string(m));
				free(m);
			}
		}
	}
	st = prep(e->s, err, "SELECT id, decision, signer, record, record_hash, ledger_seq"
		  " FROM change_signatures WHERE cr = ? AND decision IN ('approve', 'reject')"
		  " ORDER BY id", 1, id);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	{
		json_t *rows = json_array(), *r;
		size_t i;
		while ((rc = store_step(st, err)) == STORE_ROW)
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:I}",
				"decision", store_col_text(st, 1), "signer", store_col_text(st, 2),
				"record", store_col_text(st, 3), "record_hash", store_col_text(st, 4),
				"ledger_seq", (json_int_t)store_col_int(st, 5)));
		store_reset(st);
		if (rc < 0) {
			json_decref(rows);
			ret = rc;
			goto cleanup;
		}
		json_array_foreach(rows, i, r) {
			json_t *problems = json_array(), *rec;
			const char *text = json_str(r, "record");
			struct seq_find f = { json_str(r, "record_hash"), 0 };
			sha256_hex(text, strlen(text), fp);
			if (strcmp(fp, json_str(r, "record_hash")))
				json_array_append_new(problems, json_string(
					"the signature record was edited: its hash no longer matches"));
			if ((ret = ledger_walk(e->s, json_integer_value(json_object_get(r, "ledger_seq")),
					       json_integer_value(json_object_get(r, "ledger_seq")),
					       NULL, NULL, 0, 1, seq_match, &f, err))) {
				json_decref(problems);
				json_decref(rows);
				goto cleanup;
			}
			if (!f.found)
				json_array_append_new(problems, json_string(
					"the ledger entry does not carry this record's hash"));
			rec = json_loads(text, 0, NULL);
			if (rec && (ret = covers_problems(e->s, json_object_get(rec, "covers"),
							  !strcmp(c.status, "merged") ||
							  !strcmp(c.status, "done"), problems, err))) {
				json_decref(rec);
				json_decref(problems);
				json_decref(rows);
				goto cleanup;
			}
			json_decref(rec);
			json_array_extend(problems, problems_all);
			if (json_array_size(problems))
				ok = 0;
			json_array_append_new(sigs, json_pack("{s:s, s:s, s:s, s:I, s:b, s:o}",
				"signer", json_str(r, "signer"), "decision", json_str(r, "decision"),
				"record_hash", json_str(r, "record_hash"), "ledger_seq",
				json_integer_value(json_object_get(r, "ledger_seq")),
				"valid", json_array_size(problems) == 0, "problems", problems));
		}
		json_decref(rows);
	}
	if (json_array_size(problems_all))
		ok = 0;
	*out = json_pack("{s:s, s:s, s:b, s:O, s:O, s:i}", "cr", id, "status", c.status, "ok", ok,
			 "signatures", sigs, "problems", problems_all, "evidence",
			 (int)json_array_size(c.evidence));
cleanup:
	json_decref(sigs);
	json_decref(problems_all);
	cr_release(&c);
	return ret;
}

int change_content(struct store *s, const char *cr, char **buf, size_t *len,
		   char **path, struct aiv_err *err)
{
	struct cr_row c;
	struct artefact_row a;
	struct store_stmt *st;
	int ret, rc;

	*buf = NULL;
	*path = NULL;
	if ((ret = cr_read(s, cr, &c, err)))
		return ret;
	st = prep(s, err, "SELECT content FROM change_blobs WHERE sha256 = ?", 1, c.new_fp);
	if (!st) {
		cr_release(&c);
		return err->code;
	}
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		*len = store_col_bytes(st, 0);
		*buf = xmalloc(*len + 1);
		memcpy(*buf, store_col_blob(st, 0), *len);
		(*buf)[*len] = '\0';
	}
	store_reset(st);
	if (rc < 0 || rc != STORE_ROW) {
		cr_release(&c);
		return rc < 0 ? rc : aiv_fail(err, AIV_ENOTFOUND, "%s: content missing", cr);
	}
	if (artefact_read(s, c.artefact, &a, err) == 0) {
		if (a.path)
			*path = xstrdup(a.path);
		artefact_row_release(&a);
	}
	cr_release(&c);
	return 0;
}

/* ---- metrics --------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v (p in 0..100), in hours; null when empty. */
static json_t *pct_hours(int64_t *v, size_t n, double p)
{
	size_t rank;

	if (!n)
		return json_null();
	qsort(v, n, sizeof(*v), cmp_i64);
	rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	return json_real(round((double)v[rank - 1] / 3600e6 * 100.0) / 100.0);
}

static json_t *share(int64_t num, int64_t den)
{
	return den ? json_real(round((double)num / (double)den * 10000.0) / 10000.0) : json_null();
}

int change_metrics(struct change_env *e, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st;
	int64_t *safe = NULL, *appr = NULL, *res = NULL, total = 0, ai = 0, finished = 0;
	int64_t ready = 0, arts = 0, stale_arts = 0, conflicts = 0, open_conf = 0, queued = 0;
	size_t nsafe = 0, asafe = 0, nappr = 0, aappr = 0, nres = 0, ares = 0;
	json_t *backlog = json_object(), *findings = json_array(), *ids = json_array(), *id;
	json_t *awaiting = json_array();
	size_t i;
	int rc, ret = 0;

	st = prep(e->s, err, "SELECT id, status, opened_at, approved_at, closed_at, generated_by"
		  " FROM change_requests", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *status = store_col_text(st, 1);
		total++;
		if (!store_col_is_null(st, 5))
			ai++;
		if (!strcmp(status, "queued"))
			queued++;
		if (!store_col_is_null(st, 3)) {
			ALLOC_GROW(appr, nappr + 1, aappr);
			appr[nappr++] = store_col_int(st, 3) - store_col_int(st, 2);
		}
		if (!strcmp(status, "done")) {
			ALLOC_GROW(safe, nsafe + 1, asafe);
			safe[nsafe++] = store_col_int(st, 4) - store_col_int(st, 2);
		}
		if (!strcmp(status, "merged") || !strcmp(status, "done")) {
			finished++;
			json_array_append_new(ids, json_string(store_col_text(st, 0)));
		}
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	/* audit readiness: merged CRs with reason, content, approval and every signature valid */
	json_array_foreach(ids, i, id) {
		json_t *v = NULL;
		if ((ret = change_verify(e, json_string_value(id), &v, err)))
			goto cleanup;
		if (json_is_true(json_object_get(v, "ok")) &&
		    json_array_size(json_object_get(v, "signatures")) > 0 &&
		    json_integer_value(json_object_get(v, "evidence")) > 0)
			ready++;
		json_decref(v);
	}
	st = prep(e->s, err, "SELECT detected_at, resolved_at FROM change_conflicts", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		conflicts++;
		if (store_col_is_null(st, 1)) {
			open_conf++;
			continue;
		}
		ALLOC_GROW(res, nres + 1, ares);
		res[nres++] = store_col_int(st, 1) - store_col_int(st, 0);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if ((ret = store_query_int(e->s, "SELECT count(*) FROM artefacts", &arts, err)) ||
	    (ret = store_query_int(e->s, "SELECT count(DISTINCT artefact) FROM stale_marks"
				   " WHERE cleared_at IS NULL", &stale_arts, err)))
		goto cleanup;
	/* review backlog per owner: stale artefacts they own + open CRs waiting on them */
	st = prep(e->s, err, "SELECT a.owner, count(DISTINCT m.artefact) FROM stale_marks m"
		  " JOIN artefacts a ON a.id = m.artefact WHERE m.cleared_at IS NULL"
		  " GROUP BY a.owner", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_object_set_new(backlog, store_col_text(st, 0), json_pack("{s:I, s:i}",
			"stale", (json_int_t)store_col_int(st, 1), "pending_approvals", 0));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	st = prep(e->s, err, "SELECT id FROM change_requests WHERE status = 'open'", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	{
		json_t *open_ids = json_array();
		while ((rc = store_step(st, err)) == STORE_ROW)
			json_array_append_new(open_ids, json_string(store_col_text(st, 0)));
		store_reset(st);
		json_array_foreach(open_ids, i, id) {
			struct cr_row c;
			json_t *state = NULL, *sl;
			size_t k;
			int waiting_added = 0;
			if (rc < 0 || (ret = cr_read(e->s, json_string_value(id), &c, err)))
				break;
			if ((ret = approval_state(e, &c, &state, err))) {
				cr_release(&c);
				break;
			}
			json_array_foreach(json_object_get(state, "slots"), k, sl) {
				json_t *b;
				if (!json_is_null(json_object_get(sl, "satisfied_by")))
					continue;
				if (!waiting_added) {
					/* waiting for a required review since it was opened */
					json_array_append_new(awaiting, json_pack("{s:s, s:o}", "id",
							      c.id, "opened_at", time_or_null(c.opened_at)));
					waiting_added = 1;
				}
				b = json_object_get(backlog, json_str(sl, "name"));
				if (!b) {
					b = json_pack("{s:i, s:i}", "stale", 0, "pending_approvals", 0);
					json_object_set_new(backlog, json_str(sl, "name"), b);
				}
				json_object_set_new(b, "pending_approvals", json_integer(
					json_integer_value(json_object_get(b, "pending_approvals")) + 1));
			}
			json_decref(state);
			cr_release(&c);
		}
		json_decref(open_ids);
		if (rc < 0)
			ret = rc;
		if (ret)
			goto cleanup;
	}
	st = prep(e->s, err, "SELECT time, message FROM change_findings ORDER BY id", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(findings, json_pack("{s:o, s:s}", "time",
			time_or_null(store_col_int(st, 0)), "message", store_col_text(st, 1)));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	*out = json_pack("{s:I, s:{s:I, s:o, s:o, s:o, s:o}, s:{s:I, s:I, s:o}, s:{s:o, s:I, s:I},"
			 " s:{s:o, s:I, s:I}, s:O, s:{s:o, s:I}, s:I, s:O}",
		"change_requests", (json_int_t)total,
		"time_to_safe_change_hours", "done", (json_int_t)nsafe,
		"median", pct_hours(safe, nsafe, 50), "p90", pct_hours(safe, nsafe, 90),
		"approval_median", pct_hours(appr, nappr, 50), "approval_p90",
		pct_hours(appr, nappr, 90),
		"conflicts", "count", (json_int_t)conflicts, "open", (json_int_t)open_conf,
		"time_to_resolve_median_hours", pct_hours(res, nres, 50),
		"audit_readiness", "share", share(ready, finished), "ready", (json_int_t)ready,
		"merged", (json_int_t)finished,
		"downstream_consistency", "share", share(arts - stale_arts, arts),
		"artefacts", (json_int_t)arts, "stale", (json_int_t)stale_arts,
		"review_backlog", backlog,
		"ai_generated", "share", share(ai, total), "count", (json_int_t)ai,
		"queued", (json_int_t)queued, "findings", findings);
	json_object_set(*out, "awaiting_review", awaiting);
cleanup:
	free(safe);
	free(appr);
	free(res);
	json_decref(backlog);
	json_decref(findings);
	json_decref(ids);
	json_decref(awaiting);
	return ret;
}
