/*
 * state.c - comparing the ledger-bound tables with the ledger; see state.h.
 *
 * The ledger layer reads other layers' tables here, and only here, for
 * one reason: to check them against what it recorded.  It never writes
 * them.  The list of what is bound and how is the data below (imports[],
 * and the three replays), so a new bound table is one more row.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ledger.h"
#include "state.h"

#define MAX_KEPT 1000

void ledger_state_report_release(struct ledger_state_report *r)
{
	size_t i, kept = r->n < MAX_KEPT ? r->n : MAX_KEPT;

	for (i = 0; i < kept; i++) {
		free(r->v[i].table);
		free(r->v[i].key);
		free(r->v[i].what);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void ledger_state_add(struct ledger_state_report *r, const char *table, const char *key,
		      const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (r->n++ >= MAX_KEPT)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(r->v, r->n, r->alloc);
	r->v[r->n - 1].table = xstrdup(table);
	r->v[r->n - 1].key = xstrdup(key);
	r->v[r->n - 1].what = strbuf_detach(&sb, NULL);
}

static void digest_row(struct sha256_ctx *c, struct store_stmt *st, int ncols)
{
	char tmp[32];
	int i;

	for (i = 0; i < ncols; i++) {
		if (store_col_is_null(st, i)) {
			sha256_update(c, "N", 1);
			continue;
		}
		{
			const void *p = store_col_blob(st, i);
			size_t n = store_col_bytes(st, i);
			int k = snprintf(tmp, sizeof(tmp), "V%zu:", n);
			sha256_update(c, tmp, (size_t)k);
			if (n)
				sha256_update(c, p, n);
		}
	}
	sha256_update(c, "\n", 1);
}

int ledger_rows_digest(struct store *s, const char *sql, int64_t arg, int ncols,
		       char out[SHA256_HEX], struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	struct sha256_ctx c;
	uint8_t d[SHA256_LEN];
	int rc;

	if (!st)
		return err->code;
	if (strchr(sql, '?'))
		store_bind_int(st, 1, arg);
	sha256_init(&c);
	while ((rc = store_step(st, err)) == STORE_ROW)
		digest_row(&c, st, ncols);
	store_reset(st);
	sha256_final(&c, d);
	hex_encode(d, SHA256_LEN, out);
	return rc < 0 ? rc : 0;
}

/* ---- digested: the rows an import entry wrote ------------------------ */

/*
 * An import action, the payload field naming its id, and the rows it
 * wrote (each query takes the id; ORDER BY every column, so the digest
 * does not depend on the row order a backend happens to return).
 */
struct bound_query {
	const char *table, *sql;
	int ncols;
};
static const struct bound_import {
	const char *action, *id_field;
	struct bound_query q[7];
} imports[] = {
	{ "usage.import", "import_id", {
		{ "usage_blocks",
		  "SELECT seq, n, data FROM usage_blocks WHERE import_id = ?"
		  " ORDER BY seq", 3 },
		{ "usage_seats",
		  "SELECT person, identity, tool, day FROM usage_seats"
		  " WHERE import_id = ? ORDER BY identity, tool, day, person", 4 },
		{ "usage_team_members",
		  "SELECT person, identity, team, day FROM usage_team_members"
		  " WHERE import_id = ? ORDER BY identity, team, day, person", 4 },
		{ "usage_workflows",
		  "SELECT tool, workflow, title, creator, creator_identity, day"
		  " FROM usage_workflows WHERE import_id = ?"
		  " ORDER BY tool, workflow, day, title, creator_identity, creator", 6 },
		{ "usage_org_daily",
		  "SELECT tool, day, active_users, engaged_users FROM"
		  " usage_org_daily WHERE import_id = ? ORDER BY tool, day", 4 },
		{ "usage_unmatched",
		  "SELECT identity, rows FROM usage_unmatched"
		  " WHERE import_id = ? ORDER BY identity", 2 },
		{ NULL, NULL, 0 } } },
	{ "journeys.import", "import_id", {
		{ "journey_events",
		  "SELECT journey, customer, channel, time_us, turn,"
		  " intent_qualified, committed, order_value FROM journey_events"
		  " WHERE import_id = ? ORDER BY journey, customer, time_us, turn, channel,"
		  " intent_qualified, committed, order_value", 8 },
		{ "customer_outcomes",
		  "SELECT customer, retained_30d, retained_90d, upsell,"
		  " revenue, referrals FROM customer_outcomes WHERE import_id = ?"
		  " ORDER BY customer, retained_30d, retained_90d, upsell, revenue, referrals", 6 },
		{ NULL, NULL, 0 } } },
};

static const struct bound_import *import_of(const char *action)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(imports); i++)
		if (!strcmp(imports[i].action, action))
			return &imports[i];
	return NULL;
}

/* {table: row digest} of the rows of one import; new reference in *out. */
static int import_digest(struct store *s, const struct bound_import *bi, int64_t id,
			 json_t **out, struct aiv_err *err)
{
	char d[SHA256_HEX];
	int i, ret = 0;

	*out = json_object();
	for (i = 0; bi->q[i].sql && !ret; i++)
		if (!(ret = ledger_rows_digest(s, bi->q[i].sql, id, bi->q[i].ncols, d, err)))
			json_object_set_new(*out, bi->q[i].table, json_string(d));
	if (ret) {
		json_decref(*out);
		*out = NULL;
	}
	return ret;
}

int ledger_state_stamp(struct store *s, const char *action, const json_t *payload,
		       json_t **out, struct aiv_err *err)
{
	const struct bound_import *bi = import_of(action);
	json_t *id, *d;
	int ret;

	*out = NULL;
	if (!bi || !payload || !(id = json_object_get(payload, bi->id_field)) ||
	    !json_is_integer(id))
		return 0;
	if ((ret = import_digest(s, bi, json_integer_value(id), &d, err)))
		return ret;
	*out = json_copy((json_t *)payload);
	json_object_set_new(*out, "state_sha256", d);
	return 0;
}

struct import_walk {
	struct store *s;
	struct ledger_state_report *r;
	struct aiv_err *err;
	int ret;
	json_t *seen; /* "action/id" -> 1: an id imported twice is a problem too */
};

static int check_import(const struct ledger_row *row, void *data)
{
	struct import_walk *w = data;
	const struct bound_import *bi = import_of(row->action);
	json_t *p, *want, *have = NULL;
	char key[64];
	int64_t id;
	int i;

	if (!bi)
		return 0;
	if (!(p = json_loadb(row->payload, row->payload_len, 0, NULL)))
		return 0;
	id = json_integer_value(json_object_get(p, bi->id_field));
	want = json_object_get(p, "state_sha256");
	snprintf(key, sizeof(key), "%s=%lld", bi->id_field, (long long)id);
	if (!json_is_object(want)) {
		w->r->uncovered++;
	} else if ((w->ret = import_digest(w->s, bi, id, &have, w->err))) {
		json_decref(p);
		return 1;
	} else {
		w->r->rows++;
		for (i = 0; bi->q[i].sql; i++) {
			const char *h = json_string_value(json_object_get(have, bi->q[i].table));
			const char *x = json_string_value(json_object_get(want, bi->q[i].table));
			if (x && h && strcmp(h, x))
				ledger_state_add(w->r, bi->q[i].table, key, "the rows of this import "
						 "digest to %.12s... but %s entry %lld recorded %.12s...",
						 h, row->action, (long long)row->seq, x);
		}
		json_decref(have);
	}
	json_decref(p);
	return 0;
}

/* ---- replayed: tokens, objects, exceptions --------------------------- */

struct want_map {
	json_t *m; /* key -> value object */
	struct ledger_state_report *r;
};

static int want_token(const char *name, const struct ledger_bound_token *t, void *data)
{
	struct want_map *w = data;

	json_object_set_new(w->m, name, json_pack("{s:s, s:s, s:s, s:b, s:I}", "role", t->role,
						  "agent", t->agent, "secret", t->secret_sha256,
						  "revoked", t->revoked, "seq", (json_int_t)t->seq));
	return 0;
}

static int check_tokens(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	struct want_map w = { json_object(), r };
	struct store_stmt *st;
	const char *k;
	json_t *v;
	int rc, ret;

	r->tables++;
	if ((ret = ledger_bound_tokens(s, want_token, &w, err)))
		goto out;
	if (!(st = store_prepare(s, "SELECT name, role, coalesce(agent, ''), hash,"
				 " revoked_at IS NOT NULL FROM tokens ORDER BY name", err))) {
		ret = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *name = store_col_text(st, 0);
		json_t *t = json_object_get(w.m, name);
		const char *role = json_string_value(json_object_get(t, "role"));
		const char *agent = json_string_value(json_object_get(t, "agent"));
		const char *secret = json_string_value(json_object_get(t, "secret"));
		int revoked = json_is_true(json_object_get(t, "revoked"));
		long long seq = (long long)json_integer_value(json_object_get(t, "seq"));

		r->rows++;
		if (!t) {
			ledger_state_add(r, "tokens", name, "no ledger entry created this token "
					 "(role %s)", store_col_text(st, 1));
			continue;
		}
		if (strcmp(role, store_col_text(st, 1)))
			ledger_state_add(r, "tokens", name, "role is %s but the ledger says %s "
					 "(entry %lld)", store_col_text(st, 1), role, seq);
		if (strcmp(agent, store_col_text(st, 2)))
			ledger_state_add(r, "tokens", name, "agent is '%s' but the ledger says '%s'",
					 store_col_text(st, 2), agent);
		if (secret[0] && strcmp(secret, store_col_text(st, 3)))
			ledger_state_add(r, "tokens", name, "the stored secret hash differs from "
					 "the ledger's (entry %lld)", seq);
		if (revoked != (int)store_col_int(st, 4))
			ledger_state_add(r, "tokens", name, "%s but the ledger says %s (entry %lld)",
					 revoked ? "active" : "revoked",
					 revoked ? "revoked" : "active", seq);
		json_object_del(w.m, name);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	json_object_foreach(w.m, k, v)
		ledger_state_add(r, "tokens", k, "missing: the ledger created it (entry %lld)",
				 (long long)json_integer_value(json_object_get(v, "seq")));
out:
	json_decref(w.m);
	return ret;
}

static int want_object(const char *kind, const char *name, const struct ledger_bound_object *o,
		       void *data)
{
	struct want_map *w = data;
	char *key = xstrfmt("%s/%s", kind, name);

	struct ledger_bound_object *copy = xmalloc(sizeof(*copy));

	*copy = *o;
	/* the struct rides in the map as an integer-sized pointer: freed below */
	json_object_set_new(w->m, key, json_pack("{s:I}", "p", (json_int_t)(intptr_t)copy));
	free(key);
	return 0;
}

static struct ledger_bound_object *bound_of(json_t *m, const char *key)
{
	json_t *v = json_object_get(json_object_get(m, key), "p");

	return v ? (struct ledger_bound_object *)(intptr_t)json_integer_value(v) : NULL;
}

static void free_bound(json_t *m, const char *key)
{
	free(bound_of(m, key));
	json_object_del(m, key);
}

static int check_objects(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	struct want_map w = { json_object(), r };
	struct store_stmt *st;
	const char *k;
	json_t *v;
	int rc, ret;

	r->tables++;
	if ((ret = ledger_bound_objects(s, want_object, &w, err)))
		goto out;
	if (!(st = store_prepare(s, "SELECT kind, name, spec, spec_hash, created_seq,"
				 " updated_seq FROM objects ORDER BY kind, name", err))) {
		ret = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		char *key = xstrfmt("%s/%s", store_col_text(st, 0), store_col_text(st, 1));
		const struct ledger_bound_object *o = bound_of(w.m, key);
		char have[SHA256_HEX];

		r->rows++;
		sha256_hex(store_col_text(st, 2), store_col_bytes(st, 2), have);
		if (!o) {
			ledger_state_add(r, "objects", key, "no ledger entry applied this object");
		} else {
			if (!ledger_bound_spec_ok(o, store_col_text(st, 2), store_col_bytes(st, 2)))
				ledger_state_add(r, "objects", key, "the spec is not the one the ledger "
						 "recorded (entry %lld%s): it was edited",
						 (long long)(o->merged ? o->merged_seq : o->updated_seq),
						 o->merged ? ", a merge" : "");
			if (strcmp(have, store_col_text(st, 3)))
				ledger_state_add(r, "objects", key, "spec_hash is %.12s... but the "
						 "spec hashes to %.12s...", store_col_text(st, 3), have);
			if (store_col_int(st, 4) != o->created_seq ||
			    store_col_int(st, 5) != o->updated_seq)
				ledger_state_add(r, "objects", key, "created/updated at entries %lld/%lld "
						 "but the ledger says %lld/%lld",
						 (long long)store_col_int(st, 4),
						 (long long)store_col_int(st, 5),
						 (long long)o->created_seq, (long long)o->updated_seq);
			free_bound(w.m, key);
		}
		free(key);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	json_object_foreach(w.m, k, v)
		ledger_state_add(r, "objects", k, "missing: the ledger applied it (entry %lld)",
				 (long long)bound_of(w.m, k)->updated_seq);
out:
	json_object_foreach(w.m, k, v)
		free(bound_of(w.m, k));
	json_decref(w.m);
	return ret;
}

/* Exception items: state and approver from their last exception.* entry. */
static int want_exception(const struct ledger_row *row, void *data)
{
	struct want_map *w = data;
	json_t *p = json_loadb(row->payload, row->payload_len, 0, NULL);
	const char *item = json_string_value(json_object_get(p, "item"));
	const char *to = json_string_value(json_object_get(p, "to"));
	const char *by = json_string_value(json_object_get(p, "by"));

	if (item && to) {
		json_t *e = json_object_get(w->m, item);
		if (!e) {
			e = json_object();
			json_object_set_new(w->m, item, e);
		}
		json_object_set_new(e, "state", json_string(to));
		json_object_set_new(e, "seq", json_integer(row->seq));
		if (!strcmp(to, "approved") || !strcmp(to, "rejected"))
			json_object_set_new(e, "approver", json_string(by ? by : ""));
	}
	json_decref(p);
	return 0;
}

static int check_exceptions(struct store *s, struct ledger_state_report *r,
			    struct aiv_err *err)
{
	struct want_map w = { json_object(), r };
	struct store_stmt *st;
	const char *k;
	json_t *v;
	int rc, ret;

	r->tables++;
	if ((ret = ledger_walk(s, 1, 0, NULL, "exception.", 0, 0, want_exception, &w, err)))
		goto out;
	if (!(st = store_prepare(s, "SELECT id, state, approver FROM exceptions ORDER BY id",
				 err))) {
		ret = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *id = store_col_text(st, 0);
		json_t *e = json_object_get(w.m, id);
		const char *state = json_string_value(json_object_get(e, "state"));
		const char *appr = json_string_value(json_object_get(e, "approver"));

		r->rows++;
		if (!e) {
			ledger_state_add(r, "exceptions", id, "no ledger entry created this item");
			continue;
		}
		if (strcmp(state, store_col_text(st, 1)))
			ledger_state_add(r, "exceptions", id, "state is %s but the ledger says %s "
					 "(entry %lld)", store_col_text(st, 1), state,
					 (long long)json_integer_value(json_object_get(e, "seq")));
		else if (appr && strcmp(appr, store_col_text(st, 2)))
			ledger_state_add(r, "exceptions", id, "approver is '%s' but the ledger "
					 "says '%s'", store_col_text(st, 2), appr);
		json_object_del(w.m, id);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	json_object_foreach(w.m, k, v)
		ledger_state_add(r, "exceptions", k, "missing: the ledger created it (entry %lld)",
				 (long long)json_integer_value(json_object_get(v, "seq")));
out:
	json_decref(w.m);
	return ret;
}

/* ---- derived: decision_log index columns ----------------------------- */

static const char *jstr(const json_t *o, const char *path1, const char *path2)
{
	const json_t *v = json_object_get(o, path1);
	if (path2)
		v = json_object_get(v, path2);
	return json_string_value(v);
}

static void col_vs(struct ledger_state_report *r, const char *id, const char *col,
		   struct store_stmt *st, int i, const char *want)
{
	const char *have = store_col_is_null(st, i) ? NULL : store_col_text(st, i);

	if ((have == NULL) != (want == NULL) || (have && strcmp(have, want)))
		ledger_state_add(r, "decision_log", id, "%s is '%s' but the record says '%s'",
				 col, have ? have : "(null)", want ? want : "(null)");
}

static int check_decision_log(struct store *s, struct ledger_state_report *r,
			      struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	r->tables++;
	if (!(st = store_prepare(s, "SELECT id, kind, record, digest, agent, action, outcome,"
				 " time_us FROM decision_log ORDER BY seq", err)))
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *id = store_col_text(st, 0);
		char have[SHA256_HEX];
		json_t *rec;

		r->rows++;
		sha256_hex(store_col_text(st, 2), store_col_bytes(st, 2), have);
		if (strcmp(have, store_col_text(st, 3))) {
			ledger_state_add(r, "decision_log", id, "the record hashes to %.12s... but "
					 "its digest is %.12s...", have, store_col_text(st, 3));
			continue;
		}
		if (strcmp(store_col_text(st, 1), "decision"))
			continue;
		rec = json_loadb(store_col_text(st, 2), store_col_bytes(st, 2), 0, NULL);
		if (!rec) {
			ledger_state_add(r, "decision_log", id, "the record is not JSON");
			continue;
		}
		col_vs(r, id, "agent", st, 4, jstr(rec, "agent", NULL));
		col_vs(r, id, "action", st, 5, jstr(rec, "input", "action"));
		col_vs(r, id, "outcome", st, 6, jstr(rec, "result", "decision"));
		{
			int64_t t = 0;
			const char *ts = jstr(rec, "timestamp", NULL);
			if (!ts || time_parse_iso(ts, &t) || t != store_col_int(st, 7))
				ledger_state_add(r, "decision_log", id, "time_us is %lld but the "
						 "record's timestamp is %s",
						 (long long)store_col_int(st, 7), ts ? ts : "(none)");
		}
		json_decref(rec);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int ledger_state_verify(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	struct import_walk w = { s, r, err, 0, NULL };
	int ret;

	if ((ret = check_tokens(s, r, err)) || (ret = check_objects(s, r, err)) ||
	    (ret = check_exceptions(s, r, err)) || (ret = check_decision_log(s, r, err)))
		return ret;
	r->tables += 2; /* usage and journey imports */
	if ((ret = ledger_walk(s, 1, 0, NULL, NULL, 0, 0, check_import, &w, err)))
		return ret;
	return w.ret;
}

/* ---- comparing a table with its replay ------------------------------- */

/* Row i of a table as a JSON array of its column texts (NULL as null). */
static json_t *row_json(struct store_stmt *st, int ncols)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < ncols; i++)
		json_array_append_new(a, store_col_is_null(st, i) ? json_null()
				      : json_stringn(store_col_text(st, i), store_col_bytes(st, i)));
	return a;
}

static int count_cols(const char *list)
{
	int n = 1;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

static char *key_text(const json_t *row, int nkeys)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < nkeys; i++) {
		const char *v = json_string_value(json_array_get(row, (size_t)i));
		if (i)
			strbuf_addch(&sb, '/');
		strbuf_addstr(&sb, v ? v : "(null)");
	}
	return strbuf_detach(&sb, NULL);
}

static int load_rows(struct store *s, const char *sql, int ncols, int nkeys, json_t *map,
		     struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *row = row_json(st, ncols);
		char *key = key_text(row, nkeys);
		json_object_set_new(map, key, row);
		free(key);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int ledger_state_compare(struct store *have, struct store *want, const char *table,
			 const char *keys, const char *cols, struct ledger_state_report *r,
			 struct aiv_err *err)
{
	int nkeys = count_cols(keys), ncols = nkeys + count_cols(cols);
	char *sql = xstrfmt("SELECT %s, %s FROM %s", keys, cols, table);
	json_t *h = json_object(), *w = json_object(), *row;
	const char *k;
	int ret;

	r->tables++;
	if ((ret = load_rows(have, sql, ncols, nkeys, h, err)) ||
	    (ret = load_rows(want, sql, ncols, nkeys, w, err)))
		goto out;
	json_object_foreach(h, k, row) {
		json_t *wr = json_object_get(w, k);
		int i;

		r->rows++;
		if (!wr) {
			ledger_state_add(r, table, k, "no ledger entry accounts for this row");
			continue;
		}
		for (i = nkeys; i < ncols; i++) {
			const json_t *a = json_array_get(row, (size_t)i);
			const json_t *b = json_array_get(wr, (size_t)i);
			if (!json_equal((json_t *)a, (json_t *)b)) {
				char col[64];
				const char *c = cols;
				int j;
				for (j = nkeys; j < i; j++)
					c = strchr(c, ',') + 1;
				c += strspn(c, " ");
				snprintf(col, sizeof(col), "%.*s", (int)strcspn(c, ","), c);
				ledger_state_add(r, table, k, "%s is '%s' but the applied spec gives '%s'",
						 col, json_is_null(a) ? "(null)" : json_string_value(a),
						 json_is_null(b) ? "(null)" : json_string_value(b));
			}
		}
	}
	json_object_foreach(w, k, row)
		if (!json_object_get(h, k))
			ledger_state_add(r, table, k, "missing: the applied spec has this row");
out:
	free(sql);
	json_decref(h);
	json_decref(w);
	return ret;
}
