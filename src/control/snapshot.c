/*
 * snapshot.c - the snapshot a decision reads: the policy set parsed once,
 * the store's entities (teams, people, workflows, steps, agents), the
 * phase gate and the check that the power-granting tables match what the
 * ledger recorded; and the engines built over snapshots.
 *
 * A snapshot is loaded once and then only read, so any number of threads
 * evaluate against it at once; it is reference counted (atomically).
 * control_mark_read() is the one query that says whether it is still
 * current.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"
#include "apply/apply.h"
#include "org/people.h"

/* ---- engine --------------------------------------------------------- */

static json_t *ent(const char *type, const char *id)
{
	return json_pack("{s:{s:s, s:s}, s:{}, s:[]}", "uid", "type", type, "id", id,
			 "attrs", "parents");
}

static void set_attr_str(json_t *e, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(json_object_get(e, "attrs"), k, json_string(v));
}

static void set_attr_ref(json_t *e, const char *k, const char *type, const char *v)
{
	if (v && *v)
		json_object_set_new(json_object_get(e, "attrs"), k, control_uidj(type, v));
}

static void add_parent(json_t *e, const char *type, const char *id)
{
	if (id && *id)
		json_array_append_new(json_object_get(e, "parents"),
				      json_pack("{s:s, s:s}", "type", type, "id", id));
}

static int team_entity(const struct org_team_row *t, void *data)
{
	json_t *e = ent("Team", t->name);

	set_attr_str(e, "name", t->name);
	set_attr_str(e, "title", t->title);
	set_attr_str(e, "function", t->function);
	set_attr_ref(e, "parent", "Team", t->parent);
	set_attr_ref(e, "lead", "Person", t->lead);
	add_parent(e, "Team", t->parent);
	json_array_append_new(data, e);
	return 0;
}

static int person_entity(const struct org_person_row *p, void *data)
{
	json_t *e = ent("Person", p->name);

	set_attr_str(e, "name", p->name);
	set_attr_str(e, "display_name", p->display_name);
	set_attr_str(e, "email", p->email);
	set_attr_str(e, "role", p->role);
	set_attr_ref(e, "team", "Team", p->team);
	set_attr_ref(e, "manager", "Person", p->manager);
	json_object_set_new(json_object_get(e, "attrs"), "champion", json_boolean(p->champion));
	add_parent(e, "Team", p->team);
	json_array_append_new(data, e);
	return 0;
}

/* Build the store's entities as Cedar entities JSON. */
static int store_entities(struct store *s, json_t **out, struct aiv_err *err)
{
	json_t *arr = json_array(), *byname = json_object();
	struct store_stmt *st;
	int rc;

	/* teams, then people (org/ owns them) */
	if (org_each_team(s, team_entity, arr, err) ||
	    org_each_person_row(s, person_entity, arr, err))
		goto fail;
	if (!(st = store_prepare(s, "SELECT name, owner, autonomy FROM workflows", err)))
		goto fail;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *e = ent("Workflow", store_col_text(st, 0));
		set_attr_str(e, "name", store_col_text(st, 0));
		set_attr_ref(e, "owner", "Person", store_col_text(st, 1));
		set_attr_str(e, "autonomy", store_col_text(st, 2));
		json_array_append_new(arr, e);
	}
	store_reset(st);
	if (rc < 0)
		goto fail;
	if (!(st = store_prepare(s, "SELECT workflow, name, owner_kind, owner, position"
				 " FROM workflow_steps", err)))
		goto fail;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		char *id = xstrfmt("%s/%s", store_col_text(st, 0), store_col_text(st, 1));
		json_t *e = ent("Step", id);
		set_attr_str(e, "name", store_col_text(st, 1));
		set_attr_ref(e, "workflow", "Workflow", store_col_text(st, 0));
		set_attr_ref(e, "owner", strcmp(store_col_text(st, 2), "team") ? "Person" : "Team",
			     store_col_text(st, 3));
		json_object_set_new(json_object_get(e, "attrs"), "position",
				    json_integer(store_col_int(st, 4)));
		add_parent(e, "Workflow", store_col_text(st, 0));
		json_array_append_new(arr, e);
		free(id);
	}
	store_reset(st);
	if (rc < 0)
		goto fail;
	if (!(st = store_prepare(s, "SELECT name, owner, workflow FROM agents", err)))
		goto fail;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *e = ent("Agent", store_col_text(st, 0));
		set_attr_str(e, "name", store_col_text(st, 0));
		set_attr_ref(e, "owner", "Person", store_col_text(st, 1));
		set_attr_ref(e, "workflow", "Workflow", store_col_text(st, 2));
		add_parent(e, "Workflow", store_col_text(st, 2));
		json_object_set(byname, store_col_text(st, 0), e);
		json_array_append_new(arr, e);
	}
	store_reset(st);
	if (rc < 0)
		goto fail;
	if (!(st = store_prepare(s, "SELECT agent, workflow, step FROM step_agents", err)))
		goto fail;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *e = json_object_get(byname, store_col_text(st, 0));
		char *id = xstrfmt("%s/%s", store_col_text(st, 1), store_col_text(st, 2));
		if (e)
			add_parent(e, "Step", id);
		free(id);
	}
	store_reset(st);
	if (rc < 0)
		goto fail;
	json_decref(byname);
	*out = arr;
	return 0;
fail:
	json_decref(arr);
	json_decref(byname);
	return err->code ? err->code : AIV_EINTERNAL;
}

/* The mark of the applied objects and the phase verdicts (see control.h). */
int control_mark_read(struct store *s, struct control_mark *m, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = apply_objects_mark(s, &m->objects_seq, &m->objects, err)))
		return rc;
	/* assess/ writes phase_verdicts; control/ reads it (DESIGN.md) */
	if (!(st = store_prepare(s, "SELECT coalesce(max(id), 0) FROM phase_verdicts", err)))
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		m->verdict = store_col_int(st, 0);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/*
 * A group commit's reads at its start, under the writers' lock: the
 * objects' mark (apply/'s function), then one statement for the rest of
 * this layer's: the phase verdict (k 0), the overdue pending items (k 1,
 * in due order), the decision log's pending rows (k 2) and its newest seq
 * (k 3), so that expiry and chaining (chain 1) need not read again, and
 * the earliest due time of the items still pending after this expiry (k 4,
 * *next_due: until then a memo of this read stays true, commit.c).  On
 * PostgreSQL one round trip instead of three.  Here because of phase_verdicts
 * (tools/check-sql lets this file read it).
 */
int control_commit_start_read(struct store *s, struct control_mark *m, int chain,
			      int64_t *next_due, struct aiv_err *err)
{
	struct store_stmt *st;
	char **ids = NULL;
	size_t n = 0, alloc = 0;
	int64_t t = time_now_us();
	int rc, ret;

	memset(m, 0, sizeof(*m));
	if ((ret = apply_objects_mark(s, &m->objects_seq, &m->objects, err)))
		return ret;
	/* assess/ writes phase_verdicts; control/ reads it (DESIGN.md) */
	if (!(st = store_prepare(s, "SELECT 0, coalesce(max(id), 0), NULL, NULL FROM phase_verdicts"
				 " UNION ALL SELECT 1, due_us, id, NULL FROM exceptions"
				 " WHERE state = 'pending' AND due_us < ?"
				 " UNION ALL SELECT 2, seq, id, digest FROM decision_log"
				 " WHERE batch_seq IS NULL"
				 " UNION ALL SELECT 3, coalesce(max(seq), 0), NULL, NULL FROM decision_log"
				 " UNION ALL SELECT 4, coalesce(min(due_us), -1), NULL, NULL FROM exceptions"
				 " WHERE state = 'pending' AND due_us >= ?"
				 " ORDER BY 1, 2, 3", err)))
		return err->code;
	store_bind_int(st, 1, t);
	store_bind_int(st, 2, t);
	*next_due = INT64_MAX;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		switch (store_col_int(st, 0)) {
		case 0:
			m->verdict = store_col_int(st, 1);
			break;
		case 1:
			ALLOC_GROW(ids, n + 1, alloc);
			ids[n++] = xstrdup(store_col_text(st, 2));
			break;
		case 2:
			if (chain)
				control_log_batch_pending(store_col_int(st, 1), store_col_text(st, 2),
							  store_col_text(st, 3));
			break;
		case 3:
			if (chain)
				control_log_batch_newest(store_col_int(st, 1));
			break;
		default:
			if (store_col_int(st, 1) >= 0)
				*next_due = store_col_int(st, 1);
		}
	}
	store_reset(st);
	ret = rc < 0 ? rc : control_expire_ids_tx(s, ids, n, t, err);
	control_texts_free(ids, n);
	return ret;
}

int control_mark_eq(const struct control_mark *a, const struct control_mark *b)
{
	return a->objects_seq == b->objects_seq && a->objects == b->objects &&
	       a->verdict == b->verdict;
}

/*
 * What the ledger says the power-granting tables hold, built from the
 * applied specs it vouches for (ledger_bound_spec_ok): policies as
 * [name, cedar], agents as [name, owner, workflow], workflows as [name,
 * owner, autonomy] and step agents as [workflow, step, agent], each list
 * sorted as the queries below sort the tables.
 */
struct bound_lists {
	struct store *s;
	json_t *policies, *agents, *workflows, *steps;
	int bad; /* a spec the ledger does not vouch for */
	char bad_name[200];
	int ret;
	struct aiv_err *err;
};

static int cmp_json_arrays(const void *a, const void *b)
{
	char *x = cjson_dumps(*(json_t *const *)a), *y = cjson_dumps(*(json_t *const *)b);
	int c = strcmp(x, y);

	free(x);
	free(y);
	return c;
}

static void sort_array(json_t *arr)
{
	size_t n = json_array_size(arr), i;
	json_t **v = xcalloc(n + 1, sizeof(*v));

	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	qsort(v, n, sizeof(*v), cmp_json_arrays);
	json_array_clear(arr);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
}

static int bound_spec(const char *kind, const char *name, const struct ledger_bound_object *o,
		      void *data)
{
	struct bound_lists *b = data;
	json_t *spec = NULL, *step;
	size_t i, k;
	int rc;

	if (strcmp(kind, "Policy") && strcmp(kind, "Agent") && strcmp(kind, "Workflow"))
		return 0;
	if ((rc = apply_bound_spec_load(b->s, kind, name, o, &spec, b->err))) {
		b->ret = rc;
		return 1;
	}
	if (!spec) {
		b->bad = 1;
		snprintf(b->bad_name, sizeof(b->bad_name), "%s/%s", kind, name);
		return 0;
	}
	if (!strcmp(kind, "Policy")) {
		json_array_append_new(b->policies, json_pack("[s, s]", name, json_str(spec, "cedar")));
	} else if (!strcmp(kind, "Agent")) {
		json_array_append_new(b->agents, json_pack("[s, s, s]", name, json_str(spec, "owner"),
							   json_str(spec, "workflow")));
	} else {
		json_array_append_new(b->workflows, json_pack("[s, s, s]", name,
							      json_str(spec, "owner"),
							      json_str(spec, "autonomy")));
		json_array_foreach(json_object_get(spec, "steps"), i, step) {
			json_t *a;
			json_array_foreach(json_object_get(step, "agents"), k, a)
				json_array_append_new(b->steps, json_pack("[s, s, s]", name,
					json_str(step, "name"), json_string_value(a)));
		}
	}
	json_decref(spec);
	return 0;
}

/* Rows of sql (three text columns) as sorted [a, b, c] arrays. */
static int table_lists(struct store *s, const char *sql, json_t *out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(out, json_pack("[s, s, s]", store_col_text(st, 0),
						     store_col_text(st, 1), store_col_text(st, 2)));
	store_reset(st);
	sort_array(out);
	return rc < 0 ? rc : 0;
}

/*
 * Check the snapshot's policies (by their revision hash), agents,
 * workflows and step agents against the ledger; on a difference fill
 * sn->unbound and say so on stderr.  Once per snapshot, so decisions pay
 * nothing for it.
 */
static int snapshot_bind(struct store *s, struct control_snapshot *sn, struct aiv_err *err)
{
	struct bound_lists b = { s, json_array(), json_array(), json_array(), json_array(),
				 0, "", 0, err };
	json_t *rows[3] = { json_array(), json_array(), json_array() };
	char rev[SHA256_HEX], *text;
	int ret, i;

	if ((ret = ledger_bound_objects(s, bound_spec, &b, err)) || (ret = b.ret))
		goto out;
	sort_array(b.agents);
	sort_array(b.workflows);
	sort_array(b.steps);
	if ((ret = table_lists(s, "SELECT name, owner, workflow FROM agents", rows[0], err)) ||
	    (ret = table_lists(s, "SELECT name, owner, autonomy FROM workflows", rows[1], err)) ||
	    (ret = table_lists(s, "SELECT workflow, step, agent FROM step_agents", rows[2], err)))
		goto out;
	/* the policies as the snapshot's revision hashes them: [[name, cedar]] by name */
	text = cjson_dumps(b.policies);
	sha256_hex(text, strlen(text), rev);
	free(text);
	if (b.bad)
		snprintf(sn->unbound, sizeof(sn->unbound), "the spec of %s is not the one the "
			 "ledger recorded", b.bad_name);
	else if (strcmp(rev, sn->revision))
		snprintf(sn->unbound, sizeof(sn->unbound), "the policies table differs from the "
			 "applied Policy specs the ledger recorded (revision %.12s..., ledger %.12s...)",
			 sn->revision, rev);
	else if (!json_equal(rows[0], b.agents))
		snprintf(sn->unbound, sizeof(sn->unbound), "the agents table differs from the "
			 "applied Agent specs the ledger recorded");
	else if (!json_equal(rows[1], b.workflows))
		snprintf(sn->unbound, sizeof(sn->unbound), "the workflows table differs from the "
			 "applied Workflow specs the ledger recorded");
	else if (!json_equal(rows[2], b.steps))
		snprintf(sn->unbound, sizeof(sn->unbound), "the step agents differ from the "
			 "applied Workflow specs the ledger recorded");
	if (sn->unbound[0])
		fprintf(stderr, "aivalue: decisions denied, fail closed: %s (aivalue audit verify "
			"names the rows)\n", sn->unbound);
out:
	for (i = 0; i < 3; i++)
		json_decref(rows[i]);
	json_decref(b.policies);
	json_decref(b.agents);
	json_decref(b.workflows);
	json_decref(b.steps);
	return ret;
}

int control_snapshot_load(struct store *s, unsigned flags, struct control_snapshot **out,
			  struct aiv_err *err)
{
	struct control_snapshot *sn = xcalloc(1, sizeof(*sn));
	struct store_stmt *st;
	json_t *ents = NULL, *rev = json_array();
	char *revtext;
	int rc, ret;

	sn->refs = 1;
	sn->flags = flags;
	cedar_policyset_init(&sn->ps);
	cedar_entities_init(&sn->es);
	if ((ret = control_mark_read(s, &sn->mark, err)) ||
	    (ret = control_earned_phase(s, &sn->gate_earned, err)))
		goto fail;
	if (!(st = store_prepare(s, "SELECT name, cedar FROM policies ORDER BY name", err))) {
		ret = err->code;
		goto fail;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *name = store_col_text(st, 0), *text = store_col_text(st, 1);
		char prefix[200], file[220];
		snprintf(prefix, sizeof(prefix), "%s#", name);
		snprintf(file, sizeof(file), "policy '%s'", name);
		json_array_append_new(rev, json_pack("[s, s]", name, text));
		if ((ret = cedar_parse(&sn->ps, text, store_col_bytes(st, 1), prefix, file, 1, 1,
				       err))) {
			store_reset(st);
			goto fail;
		}
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	revtext = cjson_dumps(rev);
	sha256_hex(revtext, strlen(revtext), sn->revision);
	free(revtext);
	if ((ret = store_entities(s, &ents, err)) ||
	    (ret = cedar_entities_add_json(&sn->es, ents, err)) ||
	    (ret = snapshot_bind(s, sn, err)))
		goto fail;
	cedar_entities_close(&sn->es);
	json_decref(ents);
	json_decref(rev);
	*out = sn;
	return 0;
fail:
	json_decref(ents);
	json_decref(rev);
	control_snapshot_unref(sn);
	return ret;
}

struct control_snapshot *control_snapshot_ref(struct control_snapshot *sn)
{
	__atomic_add_fetch(&sn->refs, 1, __ATOMIC_RELAXED);
	return sn;
}

void control_snapshot_unref(struct control_snapshot *sn)
{
	if (!sn || __atomic_sub_fetch(&sn->refs, 1, __ATOMIC_ACQ_REL))
		return;
	cedar_policyset_release(&sn->ps);
	cedar_entities_release(&sn->es);
	free(sn);
}

int control_snapshot_current(struct store *s, const struct control_snapshot *sn,
			     int *current, struct aiv_err *err)
{
	struct control_mark m;
	int ret = control_mark_read(s, &m, err);

	*current = !ret && control_mark_eq(&m, &sn->mark);
	return ret;
}

struct control_engine *control_engine_new(struct control_snapshot *sn)
{
	struct control_engine *eng = xcalloc(1, sizeof(*eng));

	eng->snap = control_snapshot_ref(sn);
	eng->batch = 1;
	cedar_response_init(&eng->res);
	return eng;
}

void control_engine_use(struct control_engine *eng, struct control_snapshot *sn)
{
	if (eng->snap == sn)
		return;
	control_snapshot_ref(sn);
	control_snapshot_unref(eng->snap);
	eng->snap = sn;
}

struct control_snapshot *control_engine_snapshot(const struct control_engine *eng)
{
	return eng->snap;
}

int control_engine_load(struct store *s, unsigned flags, struct control_engine **out,
			struct aiv_err *err)
{
	struct control_snapshot *sn;
	int ret = control_snapshot_load(s, flags, &sn, err);

	*out = NULL;
	if (ret)
		return ret;
	*out = control_engine_new(sn);
	control_snapshot_unref(sn);
	return 0;
}

void control_engine_free(struct control_engine *eng)
{
	if (!eng)
		return;
	control_snapshot_unref(eng->snap);
	cedar_arena_release(&eng->scratch);
	cedar_response_release(&eng->res);
	free(eng);
}

void control_engine_set_batch(struct control_engine *eng, int batch)
{
	eng->batch = batch < 1 ? 1 : batch;
}

/*
 * The phase the playbook engine last stored as earned (assess/ writes
 * phase_verdicts; control/ only reads it, never calls up).  0 when no
 * verdict was ever computed: then the workflow's own autonomy flag rules.
 */
int control_earned_phase(struct store *s, int *earned, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT earned FROM phase_verdicts"
					      " ORDER BY id DESC LIMIT 1", err);
	int rc;

	*earned = 0;
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		*earned = (int)store_col_int(st, 0);
	store_reset(st);
	return rc < 0 ? rc : 0;
}
