/*
 * control.c - decisions, the exception queue and the decision log.
 *
 * One decision:
 *
 *   request --check--> Cedar request (principal Agent::"a", Action::"x",
 *   resource, context with reals as decimals and on_behalf_of)
 *      --cedar_authorize--> satisfied permits/forbids, erroring policies
 *      --outcome--> forbids (satisfied, and erroring ones: fail closed)
 *                   all carrying @escalate and a permit matched -> ESCALATE
 *                   otherwise any forbid -> DENY; a permit -> ALLOW; DENY
 *      --phase gate--> workflow autonomy "supervised": ALLOW -> ESCALATE
 *   (at commit:)
 *      --approval--> a retry naming an approved item with the same argument
 *                    digest, unused: ESCALATE/ALLOW -> ALLOW (once)
 *   Up to the phase gate this is control_evaluate(): it reads only a
 *   snapshot (policies, entities, agents' workflows and step owners, the
 *   phase verdict) that is never written after loading, so any number of
 *   threads evaluate at once.  Then control_commit(), in one store transaction
 *   for any number of evaluated requests: check the snapshot is still
 *   what the store holds (else reload and evaluate again), expire overdue
 *   items, check and use up approvals, create the exception items (each
 *   its own ledger entry), append the decision-log rows, and chain the
 *   pending rows into one ledger entry.
 *
 * Decision-log group commit: each row holds the canonical JSON of one
 * record and its SHA-256; a ledger entry "decisions.batch" covers rows
 * first..last with hash = SHA-256 of the concatenated "seq:digest\n"
 * lines, so `audit verify` covers the chain and `decisions verify`
 * re-derives each batch from its rows.
 *
 * Time comes from time_now_us(), so AIVALUE_FAKE_TIME drives expiry in
 * tests.  Queue items that pass their due time become "expired" lazily:
 * on every decision and every queue read or action.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ledger/bind.h"
#include "ledger/ledger.h"

#define DEFAULT_SLA_US (24LL * 3600 * 1000000)

/*
 * What a snapshot was loaded from: the applied objects (policies, agents,
 * workflows, people, teams: any create or update raises the newest
 * updated_seq, any delete changes the count) and the newest phase verdict.
 */
struct control_mark {
	int64_t objects_seq, objects, verdict;
};

static int earned_phase(struct store *s, int *earned, struct aiv_err *err);

/*
 * The snapshot: everything a decision reads, loaded once and then only
 * read, so any number of threads may evaluate against it at once (the
 * Cedar evaluator never writes to a policy set or an entity store).  The
 * agents, their workflows and step owners are read from the entities
 * (Agent, Workflow, Step), people from Person entities, and the phase
 * gate from the last stored verdict, so evaluating needs no store.
 */
struct control_snapshot {
	int refs; /* atomic */
	unsigned flags;
	struct cedar_policyset ps;
	struct cedar_entities es;
	char revision[SHA256_HEX];
	int gate_earned;
	struct control_mark mark;
	/* why the tables differ from the ledger ("" if they do not): deny all */
	char unbound[400];
};

struct control_engine {
	struct control_snapshot *snap;
	int batch;
	struct cedar_arena scratch;
	struct cedar_response res;
};

const char *control_outcome_name(int outcome)
{
	return outcome == CONTROL_ALLOW ? "allow" : outcome == CONTROL_ESCALATE ? "escalate"
										: "deny";
}

void control_decision_release(struct control_decision *d)
{
	json_decref(d->policies);
	json_decref(d->errors);
	memset(d, 0, sizeof(*d));
}

int control_parse_duration(const char *s, int64_t *us)
{
	int64_t total = 0;
	int in_time = 0, any = 0;

	if (*s++ != 'P')
		return -1;
	while (*s) {
		int64_t v = 0, mult;
		int digits = 0;
		if (*s == 'T') {
			if (in_time)
				return -1;
			in_time = 1;
			s++;
			continue;
		}
		while (*s >= '0' && *s <= '9') {
			if (v > 100000000)
				return -1;
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits)
			return -1;
		switch (*s) {
		case 'W': if (in_time) return -1; mult = 7 * 86400LL; break;
		case 'D': if (in_time) return -1; mult = 86400LL; break;
		case 'H': if (!in_time) return -1; mult = 3600LL; break;
		case 'M': if (!in_time) return -1; mult = 60LL; break;
		case 'S': if (!in_time) return -1; mult = 1LL; break;
		default: return -1;
		}
		s++;
		total += v * mult * 1000000LL;
		any = 1;
	}
	if (!any)
		return -1;
	*us = total;
	return 0;
}

/*
 * PREFIX-TTTTTTTTTTTTRRRRRRRRRRRRRRRR: 48 bits of microseconds since the
 * epoch, then 64 random bits, in hex.  Ids made later sort later (within
 * a clock's precision), so the UNIQUE index on decision_log.id grows at
 * its end instead of touching a random page per decision: at thousands
 * of decisions a second that is most of what a commit writes.  The random
 * part keeps ids unique across threads and processes.
 */
static void new_id(char *out, size_t n, const char *prefix)
{
	/* the random bits come from the CSPRNG in blocks, one call per 64 ids */
	static _Thread_local uint8_t pool[512];
	static _Thread_local size_t used = sizeof(pool);
	uint8_t *b;
	char hex[17];
	uint64_t t = (uint64_t)time_now_us() & 0xFFFFFFFFFFFFULL;

	if (used + 8 > sizeof(pool)) {
		if (random_bytes(pool, sizeof(pool)))
			memset(pool, 0, sizeof(pool));
		used = 0;
	}
	b = pool + used;
	used += 8;
	hex_encode(b, 8, hex);
	snprintf(out, n, "%s-%012llx%s", prefix, (unsigned long long)t, hex);
}

/* ---- engine --------------------------------------------------------- */

static json_t *uidj(const char *type, const char *id)
{
	return json_pack("{s:{s:s, s:s}}", "__entity", "type", type, "id", id);
}

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
		json_object_set_new(json_object_get(e, "attrs"), k, uidj(type, v));
}

static void add_parent(json_t *e, const char *type, const char *id)
{
	if (id && *id)
		json_array_append_new(json_object_get(e, "parents"),
				      json_pack("{s:s, s:s}", "type", type, "id", id));
}

/* Build the store's entities as Cedar entities JSON. */
static int store_entities(struct store *s, json_t **out, struct aiv_err *err)
{
	json_t *arr = json_array(), *byname = json_object();
	struct store_stmt *st;
	int rc;

	/* teams */
	if (!(st = store_prepare(s, "SELECT name, title, function, parent, lead FROM teams", err)))
		goto fail;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *e = ent("Team", store_col_text(st, 0));
		set_attr_str(e, "name", store_col_text(st, 0));
		set_attr_str(e, "title", store_col_text(st, 1));
		set_attr_str(e, "function", store_col_text(st, 2));
		set_attr_ref(e, "parent", "Team", store_col_text(st, 3));
		set_attr_ref(e, "lead", "Person", store_col_text(st, 4));
		add_parent(e, "Team", store_col_text(st, 3));
		json_array_append_new(arr, e);
	}
	store_reset(st);
	if (rc < 0)
		goto fail;
	if (!(st = store_prepare(s, "SELECT name, display_name, email, role, team, manager,"
				 " champion FROM people", err)))
		goto fail;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *e = ent("Person", store_col_text(st, 0));
		set_attr_str(e, "name", store_col_text(st, 0));
		set_attr_str(e, "display_name", store_col_text(st, 1));
		set_attr_str(e, "email", store_col_text(st, 2));
		set_attr_str(e, "role", store_col_text(st, 3));
		set_attr_ref(e, "team", "Team", store_col_text(st, 4));
		set_attr_ref(e, "manager", "Person", store_col_text(st, 5));
		json_object_set_new(json_object_get(e, "attrs"), "champion",
				    json_boolean(store_col_int(st, 6)));
		add_parent(e, "Team", store_col_text(st, 4));
		json_array_append_new(arr, e);
	}
	store_reset(st);
	if (rc < 0)
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
static int mark_read(struct store *s, struct control_mark *m, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT (SELECT coalesce(max(updated_seq), 0)"
					      " FROM objects), (SELECT count(*) FROM objects),"
					      " (SELECT coalesce(max(id), 0) FROM phase_verdicts)", err);
	int rc;

	memset(m, 0, sizeof(*m));
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		m->objects_seq = store_col_int(st, 0);
		m->objects = store_col_int(st, 1);
		m->verdict = store_col_int(st, 2);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static int mark_eq(const struct control_mark *a, const struct control_mark *b)
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
	if ((rc = ledger_bound_spec_load(b->s, kind, name, o, &spec, b->err))) {
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
	if ((ret = mark_read(s, &sn->mark, err)) ||
	    (ret = earned_phase(s, &sn->gate_earned, err)))
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
	int ret = mark_read(s, &m, err);

	*current = !ret && mark_eq(&m, &sn->mark);
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

/* ---- decision log --------------------------------------------------- */

/*
 * One row from its canonical text and digest; agent/action/outcome/time_us
 * index decisions for span matching.
 */
static int log_append_text(struct store *s, const char *id, const char *kind,
			   const char *time, const char *text, const char *digest,
			   const char *agent, const char *action, const char *outcome,
			   int64_t time_us, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	if (!(st = store_prepare(s, "INSERT INTO decision_log(id, kind, time, record, digest,"
				 " agent, action, outcome, time_us) VALUES (?,?,?,?,?,?,?,?,?)",
				 err)))
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, time);
	store_bind_text(st, 4, text);
	store_bind_text(st, 5, digest);
	store_bind_text(st, 6, agent);
	store_bind_text(st, 7, action);
	store_bind_text(st, 8, outcome);
	if (time_us)
		store_bind_int(st, 9, time_us);
	else
		store_bind_null(st, 9);
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static int log_append(struct store *s, const char *id, const char *kind, const char *time,
		      const json_t *record, struct aiv_err *err)
{
	char *text = cjson_dumps(record);
	char digest[SHA256_HEX];
	int ret;

	sha256_hex(text, strlen(text), digest);
	ret = log_append_text(s, id, kind, time, text, digest, NULL, NULL, NULL, 0, err);
	free(text);
	return ret;
}

/* Chain pending rows into one ledger entry, inside the caller's tx. */
static int log_flush_tx(struct store *s, const char *actor, struct aiv_err *err)
{
	struct store_stmt *st;
	struct sha256_ctx hc;
	uint8_t h[SHA256_LEN];
	char hex[SHA256_HEX], first_id[64] = "", last_id[64] = "";
	int64_t first = 0, last = 0, count = 0, seq;
	json_t *payload;
	int rc, ret;

	if (!(st = store_prepare(s, "SELECT seq, id, digest FROM decision_log"
				 " WHERE batch_seq IS NULL ORDER BY seq", err)))
		return err->code;
	sha256_init(&hc);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		char line[128];
		int n;
		last = store_col_int(st, 0);
		if (!count) {
			first = last;
			snprintf(first_id, sizeof(first_id), "%s", store_col_text(st, 1));
		}
		snprintf(last_id, sizeof(last_id), "%s", store_col_text(st, 1));
		n = snprintf(line, sizeof(line), "%lld:%s\n", (long long)last, store_col_text(st, 2));
		sha256_update(&hc, line, (size_t)n);
		count++;
	}
	store_reset(st);
	sha256_final(&hc, h);
	if (rc < 0)
		return rc;
	if (!count)
		return 0;
	hex_encode(h, SHA256_LEN, hex);
	payload = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "count", (json_int_t)count,
			    "first_seq", (json_int_t)first, "last_seq", (json_int_t)last,
			    "first_id", first_id, "last_id", last_id, "hash", hex);
	{
		char subject[64];
		snprintf(subject, sizeof(subject), "decisions:%lld-%lld", (long long)first,
			 (long long)last);
		ret = ledger_append(s, actor, "decisions.batch", subject, payload, &seq, err);
	}
	json_decref(payload);
	if (ret)
		return ret;
	if (!(st = store_prepare(s, "UPDATE decision_log SET batch_seq = ?"
				 " WHERE batch_seq IS NULL AND seq <= ?", err)))
		return err->code;
	store_bind_int(st, 1, seq);
	store_bind_int(st, 2, last);
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int control_log_flush(struct store *s, const char *actor, struct aiv_err *err)
{
	int ret;

	if ((ret = store_begin(s, err)))
		return ret;
	if ((ret = log_flush_tx(s, actor, err))) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}

int control_log_verify(struct store *s, int64_t *rows, int64_t *batches,
		       char *problem, size_t problem_len, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"SELECT l.seq, l.payload, d.seq, d.record, d.digest FROM ledger l"
		" LEFT JOIN decision_log d ON d.batch_seq = l.seq"
		" WHERE l.action = 'decisions.batch' ORDER BY l.seq, d.seq", err);
	struct sha256_ctx hc;
	int64_t cur = 0, n_in_batch = 0;
	char want[SHA256_HEX] = "";
	json_int_t want_count = 0;
	int rc, open = 0;

	*rows = *batches = 0;
	problem[0] = '\0';
	if (!st)
		return err->code;
	for (;;) {
		int64_t lseq;
		rc = store_step(st, err);
		lseq = rc == STORE_ROW ? store_col_int(st, 0) : -1;
		if (open && lseq != cur) {
			uint8_t h[SHA256_LEN];
			char hex[SHA256_HEX];
			sha256_final(&hc, h);
			hex_encode(h, SHA256_LEN, hex);
			open = 0;
			if (!problem[0] && (strcmp(hex, want) || n_in_batch != want_count))
				snprintf(problem, problem_len, "ledger entry %lld: its %lld decision-log "
					 "rows do not match the batch hash", (long long)cur,
					 (long long)n_in_batch);
		}
		if (rc != STORE_ROW)
			break;
		if (lseq != cur) {
			json_t *p = json_loads(store_col_text(st, 1), 0, NULL);
			cur = lseq;
			snprintf(want, sizeof(want), "%s", p ? json_str(p, "hash") ? json_str(p, "hash") : "" : "");
			want_count = p ? json_integer_value(json_object_get(p, "count")) : -1;
			json_decref(p);
			sha256_init(&hc);
			open = 1;
			n_in_batch = 0;
			(*batches)++;
		}
		if (!store_col_is_null(st, 2)) {
			char line[128], d[SHA256_HEX];
			const char *rec = store_col_text(st, 3);
			int n;
			sha256_hex(rec, strlen(rec), d);
			if (!problem[0] && strcmp(d, store_col_text(st, 4)))
				snprintf(problem, problem_len, "decision-log row %lld: record does "
					 "not match its digest", (long long)store_col_int(st, 2));
			if (!problem[0]) { /* a record no list can read hides a decision */
				json_error_t je;
				json_t *r = json_loads(rec, 0, &je);
				if (!json_is_object(r))
					snprintf(problem, problem_len, "decision-log row %lld: record "
						 "cannot be read: %s", (long long)store_col_int(st, 2),
						 r ? "not a JSON object" : je.text);
				json_decref(r);
			}
			n = snprintf(line, sizeof(line), "%lld:%s\n", (long long)store_col_int(st, 2),
				     store_col_text(st, 4));
			sha256_update(&hc, line, (size_t)n);
			n_in_batch++;
			(*rows)++;
		}
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/*
 * A decision-log row (seq, record, batch_seq, kind, id) as its JSON
 * record (new reference), or NULL and err naming the row when the record
 * cannot be parsed: every list fails then, rather than leave it out.
 */
static json_t *log_row_json(struct store_stmt *st, struct aiv_err *err)
{
	json_error_t je;
	json_t *r = json_loads(store_col_text(st, 1), 0, &je);

	if (!r || !json_is_object(r)) {
		json_decref(r);
		aiv_fail(err, AIV_EINTERNAL, "decision-log row %lld ('%s') cannot be read: %s",
			 (long long)store_col_int(st, 0), store_col_text(st, 4),
			 r ? "not a JSON object" : je.text);
		return NULL;
	}
	json_object_set_new(r, "seq", json_integer(store_col_int(st, 0)));
	json_object_set_new(r, "kind", json_string(store_col_text(st, 3)));
	if (!store_col_is_null(st, 2))
		json_object_set_new(r, "ledger_seq", json_integer(store_col_int(st, 2)));
	return r;
}

int control_log_list(struct store *s, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT seq, record, batch_seq, kind, id"
					      " FROM decision_log ORDER BY seq", err);
	json_t *arr = json_array(), *r;
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (!(r = log_row_json(st, err))) {
			rc = err->code;
			break;
		}
		json_array_append_new(arr, r);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

int control_log_page(struct store *s, int newest_first, int64_t cursor, size_t limit,
		     json_t **out, int64_t *next, struct aiv_err *err)
{
	struct store_stmt *st;
	json_t *arr, *r;
	int64_t last = 0;
	size_t n = 0;
	int rc;

	*out = NULL;
	*next = 0;
	if (limit < 1)
		return aiv_fail(err, AIV_EINPUT, "a page holds at least one record");
	if (cursor < 0)
		return aiv_fail(err, AIV_EINPUT, "cursor %lld is not a record number",
				(long long)cursor);
	st = newest_first
	     ? store_prepare(s, "SELECT seq, record, batch_seq, kind, id FROM decision_log"
			     " WHERE seq < ? ORDER BY seq DESC LIMIT ?", err)
	     : store_prepare(s, "SELECT seq, record, batch_seq, kind, id FROM decision_log"
			     " WHERE seq > ? ORDER BY seq LIMIT ?", err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, newest_first && !cursor ? INT64_MAX : cursor);
	store_bind_int(st, 2, (int64_t)limit + 1); /* one more: is there a next page? */
	arr = json_array();
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (n == limit) {
			*next = last;
			break;
		}
		last = store_col_int(st, 0);
		n++;
		if (!(r = log_row_json(st, err))) {
			rc = err->code;
			break;
		}
		json_array_append_new(arr, r);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		*next = 0;
		return rc;
	}
	*out = arr;
	return 0;
}

int control_log_seq(struct store *s, const char *id, int64_t *seq, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT seq FROM decision_log WHERE id = ?",
					      err);
	int rc;

	*seq = 0;
	if (!st)
		return err->code;
	store_bind_text(st, 1, id);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		*seq = store_col_int(st, 0);
	store_reset(st);
	if (rc < 0)
		return rc;
	return rc == STORE_ROW ? 0 : aiv_fail(err, AIV_ENOTFOUND, "no decision-log record '%s'",
					      id);
}

/* ---- exception queue ------------------------------------------------ */

static int transition_record(struct store *s, const char *actor, const char *item,
			     const char *from, const char *to, const char *by,
			     const char *reason, json_t *extra, struct aiv_err *err)
{
	char id[48], now[TIME_ISO_LEN], action[64], subject[80];
	json_t *rec, *payload;
	int ret;

	new_id(id, sizeof(id), "tr");
	time_format_us(time_now_us(), now);
	payload = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "item", item, "from", from,
			    "to", to, "by", by, "reason", reason);
	if (extra)
		json_object_update(payload, extra);
	snprintf(action, sizeof(action), "exception.%s", to);
	snprintf(subject, sizeof(subject), "exception:%s", item);
	if ((ret = ledger_append(s, actor, action, subject, payload, NULL, err))) {
		json_decref(payload);
		return ret;
	}
	rec = json_pack("{s:s, s:s, s:s, s:O}", "decision_id", id, "timestamp", now,
			"path", "aivalue/control/exceptions", "transition", payload);
	json_decref(payload);
	ret = log_append(s, id, "transition", now, rec, err);
	json_decref(rec);
	return ret;
}

/*
 * Expire overdue pending items inside the caller's transaction.  The
 * entries are the system's (EXPIRY_ACTOR), whoever's write triggered them:
 * expiry is the clock's doing, not the caller's.
 */
#define EXPIRY_ACTOR "system:expiry"
static int expire_tx(struct store *s, const char *actor, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT id FROM exceptions"
					      " WHERE state = 'pending' AND due_us < ?", err);
	char **ids = NULL, now[TIME_ISO_LEN];
	size_t n = 0, alloc = 0, i;
	int64_t t = time_now_us();
	int rc, ret = 0;

	(void)actor;
	if (!st)
		return err->code;
	store_bind_int(st, 1, t);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(ids, n + 1, alloc);
		ids[n++] = xstrdup(store_col_text(st, 0));
	}
	store_reset(st);
	if (rc < 0)
		ret = rc;
	time_format_us(t, now);
	for (i = 0; i < n && !ret; i++) {
		if (!(st = store_prepare(s, "UPDATE exceptions SET state = 'expired',"
					 " resolved_at = ? WHERE id = ?", err))) {
			ret = err->code;
			break;
		}
		store_bind_text(st, 1, now);
		store_bind_text(st, 2, ids[i]);
		rc = store_step(st, err);
		store_reset(st);
		if (rc < 0)
			ret = rc;
		else
			ret = transition_record(s, EXPIRY_ACTOR, ids[i], "pending", "expired", "system",
						"not resolved by its due time: counts as denied", NULL,
						err);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return ret;
}

int control_expire(struct store *s, const char *actor, struct aiv_err *err)
{
	int64_t n = 0;
	int ret;

	/* cheap check first, so reads do not take the write lock for nothing */
	{
		struct store_stmt *st = store_prepare(s, "SELECT count(*) FROM exceptions"
						      " WHERE state = 'pending' AND due_us < ?", err);
		int rc;
		if (!st)
			return err->code;
		store_bind_int(st, 1, time_now_us());
		rc = store_step(st, err);
		if (rc == STORE_ROW)
			n = store_col_int(st, 0);
		store_reset(st);
		if (rc < 0)
			return rc;
	}
	if (!n)
		return 0;
	if ((ret = store_begin(s, err)))
		return ret;
	(void)actor;
	if ((ret = expire_tx(s, EXPIRY_ACTOR, err)) || (ret = log_flush_tx(s, EXPIRY_ACTOR, err))) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}

static const char *const item_cols =
	"id, queue, owner_kind, owner, state, created_at, due_at, resolved_at, workflow,"
	" step, agent, on_behalf_of, action, resource, request, digest, decision_id,"
	" policies, approver, reason, used_at";
/*
 * The same for reads, which never write: an overdue pending item shows as
 * expired (its first parameter is the time now); the next write path
 * records the expiry, as actor system:expiry.
 */
#define READ_STATE "CASE WHEN state = 'pending' AND due_us < ? THEN 'expired' ELSE state END"
static const char *const item_cols_read =
	"id, queue, owner_kind, owner, " READ_STATE ", created_at, due_at, resolved_at,"
	" workflow, step, agent, on_behalf_of, action, resource, request, digest, decision_id,"
	" policies, approver, reason, used_at";

/* An exception row as JSON (new reference); NULL and err if unreadable. */
static json_t *item_json(struct store_stmt *st, struct aiv_err *err)
{
	static const char *const names[] = { "id", "queue", "owner_kind", "owner", "state",
		"created_at", "due_at", "resolved_at", "workflow", "step", "agent",
		"on_behalf_of", "action", "resource", "request", "digest", "decision_id",
		"policies", "approver", "reason", "used_at" };
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (store_col_is_null(st, (int)i))
			continue;
		if (!strcmp(names[i], "request") || !strcmp(names[i], "policies")) {
			json_error_t je;
			json_t *v = json_loads(store_col_text(st, (int)i), 0, &je);
			if (!v) {
				json_decref(o);
				aiv_fail(err, AIV_EINTERNAL, "exception item '%s': its %s cannot "
					 "be read: %s", store_col_text(st, 0), names[i], je.text);
				return NULL;
			}
			json_object_set_new(o, names[i], v);
		} else {
			json_object_set_new(o, names[i], json_string(store_col_text(st, (int)i)));
		}
	}
	return o;
}

int control_exceptions_list(struct store *s, const char *actor, const char *state,
			    const char *queue, json_t **out, struct aiv_err *err)
{
	char *sql;
	struct store_stmt *st;
	json_t *arr;
	int64_t now;
	int rc;

	(void)actor; /* a read: nothing is recorded under the reader's name */
	now = time_now_us();
	sql = xstrfmt("SELECT %s FROM exceptions WHERE (? IS NULL OR " READ_STATE " = ?)"
		      " AND (? IS NULL OR queue = ?) ORDER BY created_at, id", item_cols_read);
	st = store_prepare(s, sql, err);
	free(sql);
	if (!st)
		return err->code;
	store_bind_int(st, 1, now);
	store_bind_text(st, 2, state);
	store_bind_int(st, 3, now);
	store_bind_text(st, 4, state);
	store_bind_text(st, 5, queue);
	store_bind_text(st, 6, queue);
	arr = json_array();
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *item = item_json(st, err);
		if (!item) {
			rc = err->code;
			break;
		}
		json_array_append_new(arr, item);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/* One item; read: as reads show it (item_cols_read), else as stored. */
static int load_item_as(struct store *s, const char *id, int read, json_t **out,
			struct aiv_err *err)
{
	char *sql = xstrfmt("SELECT %s FROM exceptions WHERE id = ?",
			    read ? item_cols_read : item_cols);
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	free(sql);
	if (!st)
		return err->code;
	if (read)
		store_bind_int(st, 1, time_now_us());
	store_bind_text(st, read ? 2 : 1, id);
	rc = store_step(st, err);
	if (rc == STORE_ROW && !(*out = item_json(st, err)))
		rc = err->code;
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return aiv_fail(err, AIV_ENOTFOUND, "no exception item '%s'", id);
	return 0;
}

static int load_item(struct store *s, const char *id, json_t **out, struct aiv_err *err)
{
	return load_item_as(s, id, 0, out, err);
}

int control_exception_show(struct store *s, const char *actor, const char *id,
			   json_t **out, struct aiv_err *err)
{
	(void)actor; /* a read: see control_exceptions_list */
	return load_item_as(s, id, 1, out, err);
}

static int row_exists(struct store *s, const char *sql, const char *v, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	store_bind_text(st, 1, v);
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : rc == STORE_ROW;
}

int control_exception_act(struct store *s, const char *actor, const char *id,
			  int transition, const char *as, const char *reason,
			  const char *to, json_t **out, struct aiv_err *err)
{
	static const char *const verbs[] = { "approve", "reject", "reassign" };
	static const char *const states[] = { "approved", "rejected", "pending" };
	json_t *item = NULL, *extra = NULL;
	struct store_stmt *st;
	const char *state, *obo;
	char now[TIME_ISO_LEN];
	const char *to_kind = NULL;
	int ret, rc;

	if (!reason || !*reason)
		return aiv_fail(err, AIV_EINPUT, "%s needs a reason (--reason)", verbs[transition]);
	if (!as || !*as)
		return aiv_fail(err, AIV_EINPUT, "%s needs the person acting (--as PERSON)",
				verbs[transition]);
	/* record overdue expiries first, so that a refused action still leaves them */
	if ((ret = control_expire(s, EXPIRY_ACTOR, err)) || (ret = store_begin(s, err)))
		return ret;
	if ((ret = expire_tx(s, actor, err)) || (ret = load_item(s, id, &item, err)))
		goto fail;
	if ((rc = row_exists(s, "SELECT 1 FROM agents WHERE name = ?", as, err)) < 0) {
		ret = rc;
		goto fail;
	}
	if (rc) {
		ret = aiv_fail(err, AIV_EPERM, "'%s' is an agent: agents never %s exception items",
			       as, verbs[transition]);
		goto fail;
	}
	if ((rc = row_exists(s, "SELECT 1 FROM people WHERE name = ?", as, err)) < 0) {
		ret = rc;
		goto fail;
	}
	if (!rc) {
		ret = aiv_fail(err, AIV_EINPUT, "no person '%s' (--as names who acts)", as);
		goto fail;
	}
	state = json_str(item, "state");
	if (strcmp(state, "pending")) {
		ret = aiv_fail(err, AIV_ESTATE, "exception item '%s' is %s, not pending%s", id,
			       state, !strcmp(state, "expired")
			       ? " (it passed its due time and counts as denied)" : "");
		goto fail;
	}
	obo = json_str(item, "on_behalf_of");
	if (transition == CONTROL_APPROVE && obo && !strcmp(obo, as)) {
		ret = aiv_fail(err, AIV_EPERM, "separation of duties: '%s' is the person the "
			       "agent acted for and cannot approve item '%s'", as, id);
		goto fail;
	}
	time_format_us(time_now_us(), now);
	if (transition == CONTROL_REASSIGN) {
		int person, team;
		if (!to || !*to) {
			ret = aiv_fail(err, AIV_EINPUT, "reassign needs --to PERSON or --to team:NAME");
			goto fail;
		}
		if (!strncmp(to, "team:", 5)) {
			to += 5;
			to_kind = "team";
		} else if (!strncmp(to, "person:", 7)) {
			to += 7;
			to_kind = "person";
		}
		if ((person = row_exists(s, "SELECT 1 FROM people WHERE name = ?", to, err)) < 0 ||
		    (team = row_exists(s, "SELECT 1 FROM teams WHERE name = ?", to, err)) < 0) {
			ret = err->code;
			goto fail;
		}
		if (!to_kind)
			to_kind = person ? "person" : "team";
		if ((!strcmp(to_kind, "person") && !person) || (!strcmp(to_kind, "team") && !team)) {
			ret = aiv_fail(err, AIV_EINPUT, "no %s '%s' to reassign to", to_kind, to);
			goto fail;
		}
		if (!(st = store_prepare(s, "UPDATE exceptions SET owner_kind = ?, owner = ?"
					 " WHERE id = ?", err))) {
			ret = err->code;
			goto fail;
		}
		store_bind_text(st, 1, to_kind);
		store_bind_text(st, 2, to);
		store_bind_text(st, 3, id);
		extra = json_pack("{s:s, s:s, s:s}", "from_owner", json_str(item, "owner"),
				  "to_owner", to, "to_owner_kind", to_kind);
	} else {
		if (!(st = store_prepare(s, "UPDATE exceptions SET state = ?, approver = ?,"
					 " reason = ?, resolved_at = ? WHERE id = ?", err))) {
			ret = err->code;
			goto fail;
		}
		store_bind_text(st, 1, states[transition]);
		store_bind_text(st, 2, as);
		store_bind_text(st, 3, reason);
		store_bind_text(st, 4, now);
		store_bind_text(st, 5, id);
		extra = json_pack("{s:s}", "digest", json_str(item, "digest"));
	}
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	if ((ret = transition_record(s, actor, id, "pending",
				     transition == CONTROL_REASSIGN ? "reassigned" : states[transition],
				     as, reason, extra, err)) ||
	    (ret = log_flush_tx(s, actor, err)))
		goto fail;
	json_decref(item);
	item = NULL;
	if ((ret = load_item(s, id, &item, err)) || (ret = store_commit(s, err)))
		goto fail;
	json_decref(extra);
	*out = item;
	return 0;
fail:
	store_rollback(s);
	json_decref(item);
	json_decref(extra);
	return ret;
}

/* ---- deciding ------------------------------------------------------- */

/* Nesting depth of v (a scalar is 0), counted no further than stop. */
static int context_depth(const json_t *v, int stop)
{
	const json_t *x;
	const char *k;
	size_t i;
	int d, max = 0;

	if (stop <= 0 || (!json_is_object(v) && !json_is_array(v)))
		return 0;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if ((d = context_depth(x, stop - 1)) > max)
				max = d;
	} else {
		json_array_foreach(v, i, x)
			if ((d = context_depth(x, stop - 1)) > max)
				max = d;
	}
	return 1 + max;
}

/* Check `confidence` and the context's shape; 0 or AIV_EINPUT. */
static int check_context(const json_t *ctx, struct aiv_err *err)
{
	const json_t *c;

	if (!ctx)
		return 0;
	if (!json_is_object(ctx))
		return aiv_fail(err, AIV_EINPUT, "context must be a JSON object");
	if (context_depth(ctx, CONTROL_CONTEXT_MAX_DEPTH + 1) > CONTROL_CONTEXT_MAX_DEPTH)
		return aiv_fail(err, AIV_EINPUT, "context nests deeper than %d levels "
				"(docs/security-limits.md)", CONTROL_CONTEXT_MAX_DEPTH);
	c = json_object_get(ctx, "confidence");
	if (c) {
		double v;
		if (!json_is_number(c))
			return aiv_fail(err, AIV_EINPUT, "context.confidence must be a number in "
					"[0,1]");
		v = json_number_value(c);
		if (!(v >= 0.0 && v <= 1.0))
			return aiv_fail(err, AIV_EINPUT, "context.confidence %g is outside [0,1]", v);
	}
	return 0;
}

struct agent_info {
	char workflow[130], autonomy[32], wf_owner[160];
	char step[160], owner_kind[16], owner[160];
	int gate_earned; /* phase the playbook engine last said was earned; 0 if none */
};

/*
 * The phase the playbook engine last stored as earned (assess/ writes
 * phase_verdicts; control/ only reads it, never calls up).  0 when no
 * verdict was ever computed: then the workflow's own autonomy flag rules.
 */
static int earned_phase(struct store *s, int *earned, struct aiv_err *err)
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

static void str_of(const struct cedar_str *s, char *out, size_t n)
{
	snprintf(out, n, "%.*s", (int)s->n, s->p);
}

static const struct cedar_entity *find_entity(const struct control_snapshot *sn,
					      const char *type, const char *id, size_t idlen)
{
	struct cedar_uid u;

	u.type.p = type;
	u.type.n = (uint32_t)strlen(type);
	u.id.p = id;
	u.id.n = (uint32_t)idlen;
	cedar_uid_hash(&u);
	return cedar_entities_find(&sn->es, &u);
}

static int str_is(const struct cedar_str *s, const char *t)
{
	return s->n == strlen(t) && !memcmp(s->p, t, s->n);
}

/* attribute `key` of e when it has type `type`, else NULL */
static const struct cedar_value *attr_of(const struct cedar_entity *e, const char *key, int type)
{
	const struct cedar_value *v = e && e->attrs ? cedar_record_get(e->attrs, key, strlen(key))
						    : NULL;

	return v && v->type == type ? v : NULL;
}

/*
 * The agent's workflow, its autonomy and owner, and the owner of the step
 * its exception items go to: the step named by step_hint if the agent is
 * on it, else the first (lowest position) step listing the agent, else
 * the workflow owner.  All from the snapshot's entities.
 */
static int agent_lookup(const struct control_snapshot *sn, const char *agent,
			const char *step_hint, struct agent_info *ai, struct aiv_err *err)
{
	const struct cedar_entity *a = find_entity(sn, "Agent", agent, strlen(agent)), *w;
	const struct cedar_value *v;
	const struct cedar_entity *best = NULL;
	int64_t best_pos = 0;
	int best_hint = 0;
	uint32_t i;

	memset(ai, 0, sizeof(*ai));
	v = attr_of(a, "workflow", CV_ENTITY);
	w = v ? find_entity(sn, "Workflow", v->u.uid->id.p, v->u.uid->id.n) : NULL;
	if (!w)
		return aiv_fail(err, AIV_EINPUT, "unknown agent '%s' (declare it with kind: Agent)",
				agent);
	str_of(&v->u.uid->id, ai->workflow, sizeof(ai->workflow));
	if ((v = attr_of(w, "autonomy", CV_STRING)))
		str_of(&v->u.s, ai->autonomy, sizeof(ai->autonomy));
	if ((v = attr_of(w, "owner", CV_ENTITY)))
		str_of(&v->u.uid->id, ai->wf_owner, sizeof(ai->wf_owner));
	ai->gate_earned = sn->gate_earned;
	for (i = 0; i < a->nparents; i++) {
		const struct cedar_entity *st;
		const struct cedar_value *wv, *nv, *pv;
		int hint;
		if (!str_is(&a->parents[i].type, "Step") ||
		    !(st = cedar_entities_find(&sn->es, &a->parents[i])) ||
		    !(wv = attr_of(st, "workflow", CV_ENTITY)) || !str_is(&wv->u.uid->id, ai->workflow))
			continue;
		nv = attr_of(st, "name", CV_STRING);
		pv = attr_of(st, "position", CV_LONG);
		hint = step_hint && nv && str_is(&nv->u.s, step_hint);
		if (!best || hint > best_hint ||
		    (hint == best_hint && pv && pv->u.l < best_pos)) {
			best = st;
			best_hint = hint;
			best_pos = pv ? pv->u.l : 0;
		}
	}
	if (best && (v = attr_of(best, "owner", CV_ENTITY))) {
		str_of(&attr_of(best, "name", CV_STRING)->u.s, ai->step, sizeof(ai->step));
		snprintf(ai->owner_kind, sizeof(ai->owner_kind), "%s",
			 str_is(&v->u.uid->type, "Team") ? "team" : "person");
		str_of(&v->u.uid->id, ai->owner, sizeof(ai->owner));
	} else {
		snprintf(ai->owner_kind, sizeof(ai->owner_kind), "person");
		snprintf(ai->owner, sizeof(ai->owner), "%s", ai->wf_owner);
	}
	return 0;
}

/*
 * An approval releases a decision, so the table is not taken at its word:
 * the ledger's last exception.* entry for the item must say approved, by
 * the same approver, for the same agent and arguments.  A row edited
 * behind the ledger (state set to 'approved') releases nothing.
 */
static int approval_bound(struct store *s, const char *id, const json_t *item, char *why,
			  size_t whylen, struct aiv_err *err)
{
	struct ledger_bound_exception be;
	int found, ret = ledger_bound_exception(s, id, &be, &found, err);

	if (ret)
		return ret;
	if (!found || strcmp(be.state, "approved") ||
	    strcmp(be.approver, json_str(item, "approver")) ||
	    strcmp(be.agent, json_str(item, "agent")) ||
	    (be.digest[0] && strcmp(be.digest, json_str(item, "digest")))) {
		if (!found)
			snprintf(why, whylen, "approval '%s' is not the one the ledger recorded (no "
				 "ledger entry): denied, fail closed", id);
		else
			snprintf(why, whylen, "approval '%s' is not the one the ledger recorded (the "
				 "ledger says %s%s%s): denied, fail closed", id, be.state,
				 be.approver[0] ? " by " : "", be.approver);
		fprintf(stderr, "aivalue: %s\n", why);
	}
	return 0;
}

static int approval_check(struct store *s, const char *id, const char *agent,
			  const char *digest, char *why, size_t whylen, char *approver,
			  size_t applen, struct aiv_err *err)
{
	json_t *item = NULL;
	const char *state;
	int ret = load_item(s, id, &item, err);

	if (ret == AIV_ENOTFOUND) {
		snprintf(why, whylen, "approval '%s' does not exist", id);
		aiv_err_clear(err);
		return 0;
	}
	if (ret)
		return ret;
	state = json_str(item, "state");
	if (strcmp(state, "approved"))
		snprintf(why, whylen, "exception item '%s' is %s, not approved%s", id, state,
			 !strcmp(state, "expired") ? " (expired items count as denied)" : "");
	else if (json_str(item, "used_at"))
		snprintf(why, whylen, "approval '%s' was already used (an approval allows one "
			 "retry)", id);
	else if (strcmp(json_str(item, "agent"), agent) || strcmp(json_str(item, "digest"), digest))
		snprintf(why, whylen, "the arguments differ from those approved in '%s' "
			 "(digest mismatch)", id);
	else if ((ret = approval_bound(s, id, item, why, whylen, err)))
		goto out;
	if (!why[0])
		snprintf(approver, applen, "%s", json_str(item, "approver"));
out:
	json_decref(item);
	return ret;
}

static json_t *ids_json(const struct cedar_policyset *ps, const uint32_t *v, uint32_t n)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(ps->v[v[i]].id));
	return a;
}

/*
 * An evaluated request waiting to be recorded: owned copies of the
 * request, the decision, and what recording it needs (the exception
 * item's queue, owner and due time; the decision-log record, prebuilt
 * unless an approval must first be checked against the store).
 */
struct control_pending {
	struct control_snapshot *snap;   /* evaluated against (a reference) */
	struct control_request req;      /* strings below, json references */
	char *strs[5];
	struct control_decision d;
	struct agent_info ai;
	int64_t t, due_us;
	char now[TIME_ISO_LEN];
	char queue[200];
	char *argtext;                   /* canonical arguments: the record's input */
	char *record;                    /* canonical record text, or NULL */
	char record_digest[SHA256_HEX];
	char approver[160];
	int approval_refused;
};

void control_pending_free(struct control_pending *p)
{
	size_t i;

	if (!p)
		return;
	control_snapshot_unref(p->snap);
	for (i = 0; i < ARRAY_SIZE(p->strs); i++)
		free(p->strs[i]);
	json_decref((json_t *)p->req.context);
	json_decref((json_t *)p->req.entities);
	control_decision_release(&p->d);
	free(p->argtext);
	free(p->record);
	free(p);
}

static void add_key(struct strbuf *sb, const char *key, int *first)
{
	if (!*first)
		strbuf_addch(sb, ',');
	*first = 0;
	strbuf_addch(sb, '"');
	strbuf_addstr(sb, key); /* keys here need no escaping */
	strbuf_addstr(sb, "\":");
}

static void add_str(struct strbuf *sb, const char *key, const char *v, int *first)
{
	if (!v)
		return;
	add_key(sb, key, first);
	strbuf_add_json_str(sb, v, strlen(v));
}

/*
 * The decision-log record of p as canonical JSON (core/cjson.h: keys in
 * byte order, no whitespace), written out directly rather than built as
 * a jansson object and serialised: this runs for every decision.  The
 * input is the arguments' canonical text, already made for the digest.
 *
 *   {"agent", "approver"?, "args_digest", "bundles": {"policies"},
 *    "decision_id", "input", "on_behalf_of"?, "path", "result":
 *    {"decision", "errors", "exception_id"?, "policies", "reason"},
 *    "revision", "timestamp"}
 */
static void build_record(struct control_pending *p)
{
	struct strbuf sb = STRBUF_INIT;
	int first = 1, rfirst = 1;

	strbuf_grow(&sb, 1024 + strlen(p->argtext));
	strbuf_addch(&sb, '{');
	add_str(&sb, "agent", p->req.agent, &first);
	add_str(&sb, "approver", p->approver[0] && !p->approval_refused ? p->approver : NULL,
		&first);
	add_str(&sb, "args_digest", p->d.digest, &first);
	add_key(&sb, "bundles", &first);
	strbuf_addstr(&sb, "{\"policies\":\"");
	strbuf_addstr(&sb, p->snap->revision);
	strbuf_addstr(&sb, "\"}");
	add_str(&sb, "decision_id", p->d.decision_id, &first);
	add_key(&sb, "input", &first);
	strbuf_addstr(&sb, p->argtext);
	add_str(&sb, "on_behalf_of", p->req.on_behalf_of, &first);
	add_str(&sb, "path", "aivalue/control/decide", &first);
	add_key(&sb, "result", &first);
	strbuf_addch(&sb, '{');
	add_str(&sb, "decision", control_outcome_name(p->d.outcome), &rfirst);
	add_key(&sb, "errors", &rfirst);
	cjson_dump(&sb, p->d.errors);
	add_str(&sb, "exception_id", p->d.exception_id[0] ? p->d.exception_id : NULL, &rfirst);
	add_key(&sb, "policies", &rfirst);
	cjson_dump(&sb, p->d.policies);
	add_str(&sb, "reason", p->d.reason, &rfirst);
	strbuf_addch(&sb, '}');
	add_str(&sb, "revision", p->snap->revision, &first);
	add_str(&sb, "timestamp", p->now, &first);
	strbuf_addch(&sb, '}');
	free(p->record);
	p->record = strbuf_detach(&sb, NULL);
	sha256_hex(p->record, strlen(p->record), p->record_digest);
}

/* Evaluate p->req against eng's snapshot (no store access); fills p. */
static int evaluate(struct control_engine *eng, struct control_pending *p, struct aiv_err *err)
{
	const struct control_snapshot *sn = eng->snap;
	const struct control_request *req = &p->req;
	struct control_decision *out = &p->d;
	struct cedar_entities extra;
	struct cedar_request cr;
	struct cedar_response *res = &eng->res;
	struct agent_info *ai = &p->ai;
	json_t *args = NULL, *ctx = NULL;
	char *argtext = NULL;
	const struct cedar_policy *blocking[64];
	uint32_t nblock = 0, i;
	int64_t sla = -1;
	int ret = 0, all_escalate = 1, erroring_forbid = 0;
	const char *step_hint = NULL;

	control_decision_release(out);
	free(p->record);
	p->record = NULL;
	p->queue[0] = '\0';
	cedar_entities_init(&extra);
	cedar_arena_reset(&eng->scratch);
	if (!req->agent || !req->action || !req->resource)
		return aiv_fail(err, AIV_EINPUT, "a request needs agent, action and resource");
	if ((ret = check_context(req->context, err)))
		return ret;
	if (req->context)
		step_hint = json_str(req->context, "step");
	if ((ret = agent_lookup(sn, req->agent, step_hint, ai, err)))
		return ret;
	if (req->on_behalf_of &&
	    !find_entity(sn, "Person", req->on_behalf_of, strlen(req->on_behalf_of)))
		return aiv_fail(err, AIV_EINPUT, "on_behalf_of: no person '%s'", req->on_behalf_of);

	/* the Cedar request */
	memset(&cr, 0, sizeof(cr));
	{
		char *pr = xstrfmt("Agent::\"%s\"", req->agent);
		const char *a;
		struct strbuf act = STRBUF_INIT;
		strbuf_addstr(&act, "Action::\"");
		for (a = req->action; *a; a++) {
			if (*a == '"' || *a == '\\')
				strbuf_addch(&act, '\\');
			strbuf_addch(&act, *a);
		}
		strbuf_addch(&act, '"');
		ret = cedar_uid_parse(&eng->scratch, pr, &cr.principal) ||
		      cedar_uid_parse(&eng->scratch, act.buf, &cr.action);
		free(pr);
		strbuf_release(&act);
		if (ret)
			return aiv_fail(err, AIV_EINPUT, "malformed agent or action name");
	}
	if (cedar_uid_parse(&eng->scratch, req->resource, &cr.resource))
		return aiv_fail(err, AIV_EINPUT, "resource '%s' is not an entity such as "
				"Invoice::\"inv-1\"", req->resource);
	/* a shallow copy: only top-level keys are added */
	ctx = req->context ? json_copy((json_t *)req->context) : json_object();
	if (req->on_behalf_of)
		json_object_set_new(ctx, "on_behalf_of", uidj("Person", req->on_behalf_of));
	if (!json_object_get(ctx, "workflow"))
		json_object_set_new(ctx, "workflow", uidj("Workflow", ai->workflow));
	if ((ret = cedar_value_from_json(&eng->scratch, ctx, 1, "context", &cr.context, err)))
		goto cleanup;
	if (req->entities) {
		extra.base = &sn->es;
		if ((ret = cedar_entities_add_json(&extra, req->entities, err)))
			goto cleanup;
		cedar_entities_close(&extra);
		cr.extra = &extra;
	}

	/* the canonical arguments and their digest */
	args = json_pack("{s:s, s:s, s:s, s:s?, s:o}", "agent", req->agent, "action",
			 req->action, "resource", req->resource, "on_behalf_of",
			 req->on_behalf_of, "context",
			 req->context ? json_incref((json_t *)req->context) : json_object());
	argtext = cjson_dumps(args);
	sha256_hex(argtext, strlen(argtext), out->digest);
	free(p->argtext);
	p->argtext = argtext;
	argtext = NULL;
	memcpy(out->revision, sn->revision, SHA256_HEX);

	cedar_authorize(&sn->ps, &sn->es, &cr, &eng->scratch, res);

	/* the outcome */
	out->errors = json_array();
	for (i = 0; i < res->nerrors; i++) {
		const struct cedar_policy *pol = &sn->ps.v[res->errors[i].policy];
		json_array_append_new(out->errors, json_pack("{s:s, s:s, s:s}", "policy", pol->id,
				      "effect", pol->effect == CEDAR_FORBID ? "forbid" : "permit",
				      "error", res->errors[i].msg));
		if (pol->effect == CEDAR_FORBID && !(sn->flags & CONTROL_NO_FAIL_CLOSED) &&
		    nblock < ARRAY_SIZE(blocking)) {
			blocking[nblock++] = pol;
			erroring_forbid = 1;
		}
	}
	for (i = 0; i < res->nforbids && nblock < ARRAY_SIZE(blocking); i++)
		blocking[nblock++] = &sn->ps.v[res->forbids[i]];
	out->policies = json_array();
	if (nblock) {
		for (i = 0; i < nblock; i++) {
			const struct cedar_str *q = cedar_policy_annotation(blocking[i], "escalate");
			const struct cedar_str *d = cedar_policy_annotation(blocking[i], "sla");
			json_array_append_new(out->policies, json_string(blocking[i]->id));
			if (!q || !q->n) {
				all_escalate = 0;
				continue;
			}
			if (!p->queue[0])
				str_of(q, p->queue, sizeof(p->queue));
			if (d) {
				char buf[64];
				int64_t us;
				str_of(d, buf, sizeof(buf));
				if (!control_parse_duration(buf, &us) && (sla < 0 || us < sla))
					sla = us;
			}
		}
		if (all_escalate && res->npermits > 0) {
			out->outcome = CONTROL_ESCALATE;
			snprintf(out->reason, sizeof(out->reason), "%s %s requires human review in "
				 "queue '%s'%s", nblock > 1 ? "policies" : "policy", blocking[0]->id,
				 p->queue, erroring_forbid ? " (a forbid failed to evaluate: fail closed)" : "");
		} else {
			out->outcome = CONTROL_DENY;
			if (erroring_forbid && res->nforbids == 0)
				snprintf(out->reason, sizeof(out->reason), "forbid policy %s failed to "
					 "evaluate (%s): denied, fail closed", blocking[0]->id,
					 res->errors[0].msg);
			else if (all_escalate)
				snprintf(out->reason, sizeof(out->reason), "forbidden by %s and no policy "
					 "permits the request", blocking[0]->id);
			else
				snprintf(out->reason, sizeof(out->reason), "forbidden by policy %s",
					 blocking[0]->id);
		}
	} else if (res->npermits) {
		out->outcome = CONTROL_ALLOW;
		json_decref(out->policies);
		out->policies = ids_json(&sn->ps, res->permits, res->npermits);
		snprintf(out->reason, sizeof(out->reason), "permitted by policy %s",
			 sn->ps.v[res->permits[0]].id);
	} else {
		out->outcome = CONTROL_DENY;
		snprintf(out->reason, sizeof(out->reason), "no policy permits this request "
			 "(deny by default)%s", res->nerrors ? "; some policies failed to evaluate" : "");
	}
	if (sn->unbound[0]) {
		/* the tables were changed behind the ledger: nothing is permitted */
		out->outcome = CONTROL_DENY;
		json_decref(out->policies);
		out->policies = json_array();
		snprintf(out->reason, sizeof(out->reason), "denied, fail closed: %s", sn->unbound);
	} else if (out->outcome == CONTROL_ALLOW && !strcmp(ai->autonomy, "supervised")) {
		out->outcome = CONTROL_ESCALATE;
		snprintf(p->queue, sizeof(p->queue), "%s-supervision", ai->workflow);
		snprintf(out->reason, sizeof(out->reason), "permitted by policy %s, but workflow "
			 "'%s' is supervised (phase gate): a human must approve",
			 sn->ps.v[res->permits[0]].id, ai->workflow);
	} else if (out->outcome == CONTROL_ALLOW && ai->gate_earned > 0 && ai->gate_earned < 3) {
		/* an autonomous workflow while Phase 3 is not earned: enforced, not advised */
		out->outcome = CONTROL_ESCALATE;
		snprintf(p->queue, sizeof(p->queue), "%s-supervision", ai->workflow);
		snprintf(out->reason, sizeof(out->reason), "permitted by policy %s, but workflow "
			 "'%s' runs ahead of its gate: the organisation has earned phase %d of 3 "
			 "(aivalue phase) and agent workflows scale only in phase 3; a human must "
			 "approve", sn->ps.v[res->permits[0]].id, ai->workflow, ai->gate_earned);
	}

	/* what recording needs: ids, times, the record itself */
	new_id(out->decision_id, sizeof(out->decision_id), "dec");
	p->t = time_now_us();
	time_format_us(p->t, p->now);
	if (out->outcome == CONTROL_ESCALATE && !req->approved) {
		new_id(out->exception_id, sizeof(out->exception_id), "exc");
		p->due_us = p->t + (sla > 0 ? sla : DEFAULT_SLA_US);
		time_format_us(p->due_us, out->due);
	}
	/* a retry naming an approval is decided against the store: recorded later */
	if (!req->approved)
		build_record(p);
cleanup:
	if (ret)
		control_decision_release(out);
	cedar_entities_release(&extra);
	json_decref(args);
	json_decref(ctx);
	free(argtext);
	return ret;
}

int control_evaluate(struct control_engine *eng, const struct control_request *req,
		     struct control_pending **out, struct aiv_err *err)
{
	struct control_pending *p = xcalloc(1, sizeof(*p));
	const char *src[5] = { req->agent, req->action, req->resource, req->on_behalf_of,
			       req->approved };
	size_t i;
	int ret;

	*out = NULL;
	p->snap = control_snapshot_ref(eng->snap);
	for (i = 0; i < ARRAY_SIZE(src); i++)
		p->strs[i] = src[i] ? xstrdup(src[i]) : NULL;
	p->req.agent = p->strs[0];
	p->req.action = p->strs[1];
	p->req.resource = p->strs[2];
	p->req.on_behalf_of = p->strs[3];
	p->req.approved = p->strs[4];
	p->req.context = req->context ? json_incref((json_t *)req->context) : NULL;
	p->req.entities = req->entities ? json_incref((json_t *)req->entities) : NULL;
	if ((ret = evaluate(eng, p, err))) {
		control_pending_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

/* Record one evaluated decision inside the caller's transaction. */
static int record_one(struct store *s, const char *actor, struct control_pending *p,
		      struct aiv_err *err)
{
	struct control_decision *out = &p->d;
	const struct control_request *req = &p->req;
	struct store_stmt *st;
	char why[400] = "";
	int ret, rc;

	if (req->approved) {
		if ((ret = approval_check(s, req->approved, req->agent, out->digest, why,
					  sizeof(why), p->approver, sizeof(p->approver), err)))
			return ret;
		if (why[0]) {
			p->approval_refused = 1;
			out->outcome = CONTROL_DENY;
			snprintf(out->reason, sizeof(out->reason), "%s", why);
		} else if (out->outcome != CONTROL_DENY) {
			out->outcome = CONTROL_ALLOW;
			snprintf(out->reason, sizeof(out->reason), "approved by %s in exception item "
				 "'%s' for these exact arguments (used once)", p->approver, req->approved);
		}
		if (!why[0] && out->outcome == CONTROL_ALLOW) {
			if (!(st = store_prepare(s, "UPDATE exceptions SET used_at = ?,"
						 " used_decision = ? WHERE id = ? AND used_at IS NULL",
						 err)))
				return err->code;
			store_bind_text(st, 1, p->now);
			store_bind_text(st, 2, out->decision_id);
			store_bind_text(st, 3, req->approved);
			rc = store_step(st, err);
			store_reset(st);
			if (rc < 0)
				return rc;
		}
		/* an approval never escalates: allowed once, or denied */
		if (out->outcome == CONTROL_ESCALATE)
			out->outcome = CONTROL_DENY;
		build_record(p);
	}
	if (out->outcome == CONTROL_ESCALATE) {
		const char *reqtext = p->argtext;
		char *poltext = cjson_dumps(out->policies);
		if (!(st = store_prepare(s, "INSERT INTO exceptions(id, queue, owner_kind, owner,"
			" state, created_at, due_at, due_us, workflow, step, agent, on_behalf_of,"
			" action, resource, request, digest, decision_id, policies)"
			" VALUES (?,?,?,?,'pending',?,?,?,?,?,?,?,?,?,?,?,?,?)", err))) {
			free(poltext);
			return err->code;
		}
		store_bind_text(st, 1, out->exception_id);
		store_bind_text(st, 2, p->queue);
		store_bind_text(st, 3, p->ai.owner_kind);
		store_bind_text(st, 4, p->ai.owner);
		store_bind_text(st, 5, p->now);
		store_bind_text(st, 6, out->due);
		store_bind_int(st, 7, p->due_us);
		store_bind_text(st, 8, p->ai.workflow);
		store_bind_text(st, 9, p->ai.step[0] ? p->ai.step : NULL);
		store_bind_text(st, 10, req->agent);
		store_bind_text(st, 11, req->on_behalf_of);
		store_bind_text(st, 12, req->action);
		store_bind_text(st, 13, req->resource);
		store_bind_text(st, 14, reqtext);
		store_bind_text(st, 15, out->digest);
		store_bind_text(st, 16, out->decision_id);
		store_bind_text(st, 17, poltext);
		rc = store_step(st, err);
		store_reset(st);
		free(poltext);
		if (rc < 0)
			return rc;
		{
			json_t *ex = json_pack("{s:s, s:s, s:s, s:s, s:s}", "queue", p->queue, "owner",
					       p->ai.owner, "owner_kind", p->ai.owner_kind, "due_at",
					       out->due, "decision_id", out->decision_id);
			ret = transition_record(s, actor, out->exception_id, "none", "pending",
						req->agent, out->reason, ex, err);
			json_decref(ex);
			if (ret)
				return ret;
		}
	}
	return log_append_text(s, out->decision_id, "decision", p->now, p->record,
			       p->record_digest, req->agent, req->action,
			       control_outcome_name(out->outcome), p->t, err);
}

/*
 * Record v[0..n) in one transaction; flush_at: chain the pending log rows
 * when at least that many are pending (1: always).
 */
static int commit_many(struct store *s, struct control_engine *eng, const char *actor,
		       struct control_pending **v, size_t n, struct control_decision *outs,
		       struct aiv_err *errs, int flush_at, struct aiv_err *err)
{
	struct control_mark m;
	size_t i;
	int ret, current = -1;

	for (i = 0; i < n; i++) {
		memset(&outs[i], 0, sizeof(outs[i]));
		if (v[i])
			aiv_err_clear(&errs[i]);
	}
	if ((ret = store_begin(s, err)))
		return ret;
	if ((ret = mark_read(s, &m, err)) || (ret = expire_tx(s, actor, err)))
		goto fail;
	for (i = 0; i < n; i++) {
		struct control_pending *p = v[i];
		if (!p)
			continue;
		if (!mark_eq(&m, &p->snap->mark)) {
			/*
			 * Objects or the phase verdict changed since p was evaluated: evaluate
			 * it again against what this transaction sees, so a recorded decision
			 * always matches the policies in force when it was committed.
			 */
			if (current < 0) {
				struct control_snapshot *sn;
				if (mark_eq(&m, &eng->snap->mark)) {
					current = 1;
				} else {
					if ((ret = control_snapshot_load(s, eng->snap->flags, &sn, err)))
						goto fail;
					control_engine_use(eng, sn);
					control_snapshot_unref(sn);
					current = 1;
				}
			}
			control_snapshot_unref(p->snap);
			p->snap = control_snapshot_ref(eng->snap);
			if ((ret = evaluate(eng, p, &errs[i]))) {
				if (ret != AIV_EINPUT && ret != AIV_ENOTFOUND) {
					*err = errs[i];
					goto fail;
				}
				continue;
			}
		}
		if ((ret = record_one(s, actor, p, &errs[i]))) {
			*err = errs[i];
			goto fail;
		}
	}
	{
		int64_t pending = flush_at;
		if (flush_at > 1 &&
		    (ret = store_query_int(s, "SELECT count(*) FROM decision_log WHERE batch_seq"
					   " IS NULL", &pending, err)))
			goto fail;
		if (pending >= flush_at && (ret = log_flush_tx(s, actor, err)))
			goto fail;
	}
	if ((ret = store_commit(s, err)))
		goto fail;
	for (i = 0; i < n; i++) {
		if (!v[i] || errs[i].code)
			continue;
		outs[i] = v[i]->d;
		json_incref(outs[i].policies);
		json_incref(outs[i].errors);
	}
	return 0;
fail:
	store_rollback(s);
	return ret;
}

int control_commit(struct store *s, struct control_engine *eng, const char *actor,
		   struct control_pending **v, size_t n, struct control_decision *outs,
		   struct aiv_err *errs, struct aiv_err *err)
{
	return commit_many(s, eng, actor, v, n, outs, errs, 1, err);
}

int control_decide(struct store *s, struct control_engine *eng, const char *actor,
		   const struct control_request *req, struct control_decision *out,
		   struct aiv_err *err)
{
	struct control_pending *p = NULL;
	struct aiv_err e1 = AIV_ERR_INIT;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = control_evaluate(eng, req, &p, err)))
		return ret;
	ret = commit_many(s, eng, actor, &p, 1, out, &e1, eng->batch, err);
	if (!ret && e1.code) {
		*err = e1;
		ret = e1.code;
	}
	control_pending_free(p);
	return ret;
}

int control_decide_many(struct store *s, struct control_engine *eng, const char *actor,
			const struct control_request *reqs, size_t n,
			struct control_decision *outs, struct aiv_err *errs,
			struct aiv_err *err)
{
	struct control_pending **v = xcalloc(n ? n : 1, sizeof(*v));
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		aiv_err_clear(&errs[i]);
		if ((ret = control_evaluate(eng, &reqs[i], &v[i], &errs[i])) &&
		    ret != AIV_EINPUT && ret != AIV_ENOTFOUND) {
			*err = errs[i];
			goto out;
		}
	}
	ret = control_commit(s, eng, actor, v, n, outs, errs, err);
out:
	for (i = 0; i < n; i++)
		control_pending_free(v[i]);
	free(v);
	return ret;
}
