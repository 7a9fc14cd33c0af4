/*
 * apply_state.c - the objects table and the replayed typed tables against
 * the ledger; see apply_state.h.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "apply_state.h"
#include "core/hash.h"
#include "ledger/bind.h"
#include "ledger/state.h"

struct want_map {
	json_t *m; /* key -> value object */
	struct ledger_state_report *r;
};

static int check_objects(struct store *s, struct ledger_state_report *r, struct aiv_err *err);

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


/* ---- replayed: the typed tables the kinds write from specs ----------- */

static struct replayed {
	const char *kind, *table, *keys, *cols;
} *replayed;
static size_t nreplayed, replayed_alloc;
static pthread_mutex_t replayed_lock = PTHREAD_MUTEX_INITIALIZER;

static int check_replay(struct store *s, struct ledger_state_report *r, struct aiv_err *err);

void apply_state_replay(const char *kind, const char *table, const char *keys,
			const char *cols)
{
	size_t i;

	pthread_mutex_lock(&replayed_lock);
	for (i = 0; i < nreplayed && strcmp(replayed[i].table, table); i++)
		;
	if (i == nreplayed) {
		ALLOC_GROW(replayed, nreplayed + 1, replayed_alloc);
		replayed[nreplayed].kind = kind;
		replayed[nreplayed].table = table;
		replayed[nreplayed].keys = keys;
		replayed[nreplayed].cols = cols;
		nreplayed++;
	}
	pthread_mutex_unlock(&replayed_lock);
	ledger_state_register(check_objects);
	ledger_state_register(check_replay);
}

struct replay_state {
	struct store *s, *mem;
	struct ledger_state_report *r;
	const char *kind; /* replay this kind */
	int ret;
	struct aiv_err *err;
};

static int replay_one(const char *kind, const char *name, const struct ledger_bound_object *o,
		      void *data)
{
	struct replay_state *rs = data;
	const struct kind_ops *k;
	struct aiv_err perr = AIV_ERR_INIT;
	json_t *spec = NULL;
	int rc;

	if (strcmp(rs->kind, kind))
		return 0;
	if (!(k = apply_kind(kind)))
		return 0;
	if ((rc = apply_bound_spec_load(rs->s, kind, name, o, &spec, rs->err))) {
		rs->ret = rc;
		return 1;
	}
	/* a missing or edited spec is reported by the objects check */
	if (spec && k->put(rs->mem, spec, &perr))
		ledger_state_add(rs->r, "objects", name, "%s '%s' cannot be replayed: %s", kind,
				 name, perr.msg);
	json_decref(spec);
	return 0;
}

/* Was kind already replayed (an earlier table of the same kind)? */
static int kind_before(size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(replayed[j].kind, replayed[i].kind))
			return 1;
	return 0;
}

static int check_replay(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	struct replay_state rs = { s, NULL, r, NULL, 0, err };
	size_t i;
	int ret;

	if ((ret = store_open(&rs.mem, ":memory:", STORE_CREATE, err)))
		return ret;
	if ((ret = store_begin(rs.mem, err)))
		goto out;
	/* kinds in the order their tables were registered: references first */
	for (i = 0; i < nreplayed && !ret; i++) {
		if (kind_before(i))
			continue;
		rs.kind = replayed[i].kind;
		ret = ledger_bound_objects(s, replay_one, &rs, err);
		if (!ret)
			ret = rs.ret;
	}
	if (ret)
		goto out;
	if (store_commit(rs.mem, err)) {
		ledger_state_add(r, "objects", "*", "the applied specs do not replay: %s",
				 err->msg);
		aiv_err_clear(err);
		goto out;
	}
	for (i = 0; i < nreplayed && !ret; i++)
		ret = ledger_state_compare(s, rs.mem, replayed[i].table, replayed[i].keys,
					   replayed[i].cols, r, err);
out:
	store_close(rs.mem);
	return ret;
}
