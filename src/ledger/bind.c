/*
 * bind.c - the process-wide index of the ledger's power-granting state;
 * see bind.h.
 *
 *   ledger  1 .. k ............................ head
 *           |-- indexed (up to k, hash h_k) --|-- read on next lookup --|
 *
 * On each lookup: read the head; same seq and hash as the index: answer.
 * Otherwise, if entry 1 and entry k still have the hashes the index
 * remembers, read only k+1 .. head; else (another workspace, a rewritten
 * or truncated ledger) read everything again.  All under one mutex:
 * lookups are rare (the token cache and the decision snapshot sit in
 * front) and short.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bind.h"
#include "core/cjson.h"
#include "ledger.h"

static struct {
	pthread_mutex_t mu;
	char uri[512];
	char first[SHA256_HEX]; /* hash of entry 1 */
	int64_t seq;            /* indexed up to here */
	char hash[SHA256_HEX];  /* ... whose hash is this */
	json_t *tokens;         /* name -> {role, agent, secret, revoked, seq} */
	json_t *objects;        /* "Kind/name" -> {spec_hash, created, updated} */
	json_t *exceptions;     /* item -> {state, agent, approver, digest, seq} */
	json_t *sessions;       /* session_sha256 -> {token, expires_at, seq} */
	json_t *changes;        /* cr -> {status, seq, approvals: {record_hash: seq}} */
} bc = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void clear(void)
{
	json_decref(bc.tokens);
	json_decref(bc.objects);
	json_decref(bc.exceptions);
	json_decref(bc.sessions);
	json_decref(bc.changes);
	bc.sessions = NULL;
	bc.changes = NULL;
	bc.tokens = NULL;
	bc.objects = NULL;
	bc.exceptions = NULL;
	bc.seq = 0;
	bc.first[0] = bc.hash[0] = bc.uri[0] = '\0';
}

void ledger_bind_reset(void)
{
	pthread_mutex_lock(&bc.mu);
	clear();
	pthread_mutex_unlock(&bc.mu);
}

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/*
 * A change request's status, as the entries that move it say: change.open
 * {cr, status}, change.release (open), change.approve {record, record_hash,
 * status?}, change.reject (rejected), change.merge {stale} (merged, or
 * done when nothing went stale), change.done.  An approve entry from
 * before "status" was recorded leaves the status unknown ("").
 */
static void index_change(const struct ledger_row *r, const json_t *p)
{
	const char *a = r->action + 7, *cr = str(p, "cr");
	const char *status = NULL;
	json_t *c;

	if (!*cr)
		cr = str(json_object_get(p, "record"), "cr");
	if (!*cr)
		return;
	if (!strcmp(a, "open")) {
		json_object_set_new(bc.changes, cr, json_pack("{s:s, s:I, s:{}}", "status",
				    *str(p, "status") ? str(p, "status") : "open", "seq",
				    (json_int_t)r->seq, "approvals"));
		return;
	}
	if (!(c = json_object_get(bc.changes, cr)))
		return;
	if (!strcmp(a, "release"))
		status = "open";
	else if (!strcmp(a, "approve")) {
		json_object_set_new(json_object_get(c, "approvals"), str(p, "record_hash"),
				    json_integer(r->seq));
		status = str(p, "status");
	} else if (!strcmp(a, "reject"))
		status = "rejected";
	else if (!strcmp(a, "merge"))
		status = json_array_size(json_object_get(p, "stale")) ? "merged" : "done";
	else if (!strcmp(a, "done"))
		status = "done";
	if (status) {
		json_object_set_new(c, "status", json_string(status));
		json_object_set_new(c, "seq", json_integer(r->seq));
	}
}

static int index_row(const struct ledger_row *r, void *data)
{
	json_t *p;
	(void)data;

	/* ledger_walk hands entries over in increasing seq from bc.seq + 1 */
	assert(r->seq > bc.seq);
	if (strncmp(r->action, "token.", 6) && strncmp(r->action, "apply.", 6) &&
	    strncmp(r->action, "change.", 7) && strncmp(r->action, "exception.", 10) &&
	    strncmp(r->action, "session.", 8))
		goto done;
	p = json_loadb(r->payload, r->payload_len, 0, NULL);
	if (!p)
		goto done;
	if (!strcmp(r->action, "token.create")) {
		json_object_set_new(bc.tokens, str(p, "name"),
				    json_pack("{s:s, s:s, s:s, s:b, s:I}", "role", str(p, "role"),
					      "agent", str(p, "agent"),
					      "secret", str(p, "secret_sha256"),
					      "revoked", 0, "seq", (json_int_t)r->seq));
	} else if (!strcmp(r->action, "token.revoke")) {
		json_t *t = json_object_get(bc.tokens, str(p, "name"));
		if (t) {
			json_object_set_new(t, "revoked", json_true());
			json_object_set_new(t, "seq", json_integer(r->seq));
		}
	} else if (!strcmp(r->action, "apply.create") || !strcmp(r->action, "apply.update")) {
		char *key = xstrfmt("%s/%s", str(p, "kind"), str(p, "name"));
		json_t *o = json_object_get(bc.objects, key);
		int64_t created = o && !strcmp(r->action, "apply.update")
				  ? json_integer_value(json_object_get(o, "created")) : r->seq;
		json_object_set_new(bc.objects, key,
				    json_pack("{s:s, s:I, s:I}", "spec_hash", str(p, "spec_hash"),
					      "created", (json_int_t)created,
					      "updated", (json_int_t)r->seq));
		free(key);
	} else if (!strcmp(r->action, "change.merge")) {
		char *key = xstrfmt("Artefact/%s", str(p, "artefact"));
		json_t *o = json_object_get(bc.objects, key);
		if (o) {
			if (!json_object_get(o, "orig_fp")) {
				json_object_set(o, "orig_fp", json_object_get(p, "from_fingerprint"));
				json_object_set(o, "orig_ver", json_object_get(p, "from_version"));
			}
			json_object_set(o, "fp", json_object_get(p, "to_fingerprint"));
			json_object_set(o, "ver", json_object_get(p, "to_version"));
			json_object_set_new(o, "merged", json_integer(r->seq));
		}
		free(key);
	} else if (!strncmp(r->action, "exception.", 10) && *str(p, "item") && *str(p, "to")) {
		/* pending: by is the agent; approved/rejected: by is the approver */
		json_t *e = json_object_get(bc.exceptions, str(p, "item"));
		const char *to = str(p, "to");
		if (!e) {
			e = json_object();
			json_object_set_new(bc.exceptions, str(p, "item"), e);
		}
		json_object_set_new(e, "state", json_string(to));
		json_object_set_new(e, "seq", json_integer(r->seq));
		if (!strcmp(to, "pending") && !json_object_get(e, "agent"))
			json_object_set_new(e, "agent", json_string(str(p, "by")));
		if (!strcmp(to, "approved") || !strcmp(to, "rejected"))
			json_object_set_new(e, "approver", json_string(str(p, "by")));
		if (*str(p, "digest"))
			json_object_set_new(e, "digest", json_string(str(p, "digest")));
	} else if (!strcmp(r->action, "session.create") && *str(p, "session_sha256")) {
		json_object_set_new(bc.sessions, str(p, "session_sha256"),
				    json_pack("{s:s, s:s, s:I}", "token", str(p, "token"),
					      "expires_at", str(p, "expires_at"),
					      "seq", (json_int_t)r->seq));
	} else if (!strcmp(r->action, "session.delete") && *str(p, "session_sha256")) {
		json_object_del(bc.sessions, str(p, "session_sha256"));
	} else if (!strcmp(r->action, "apply.delete")) {
		char *key = xstrfmt("%s/%s", str(p, "kind"), str(p, "name"));
		json_object_del(bc.objects, key);
		free(key);
	}
	if (!strncmp(r->action, "change.", 7))
		index_change(r, p);
	json_decref(p);
done:
	bc.seq = r->seq;
	snprintf(bc.hash, sizeof(bc.hash), "%s", r->hash);
	if (r->seq == 1)
		snprintf(bc.first, sizeof(bc.first), "%s", r->hash);
	return 0;
}

/* 1 if entry seq exists with hash `hash`, 0 if not, negative on error. */
static int entry_is(struct store *s, int64_t seq, const char *hash, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT hash FROM ledger WHERE seq = ?", err);
	int rc, same = 0;

	if (!st)
		return err->code;
	store_bind_int(st, 1, seq);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		same = !strcmp(store_col_text(st, 0), hash);
	store_reset(st);
	return rc < 0 ? rc : same;
}

/* Bring the index up to the head.  Caller holds bc.mu. */
static int sync_locked(struct store *s, struct aiv_err *err)
{
	char head[SHA256_HEX];
	int64_t seq;
	int ret, fresh = 0;

	if ((ret = ledger_head(s, &seq, head, err)))
		return ret;
	if (bc.tokens && !strcmp(bc.uri, store_uri(s)) && seq == bc.seq &&
	    !strcmp(head, bc.hash))
		return 0;
	if (!bc.tokens || strcmp(bc.uri, store_uri(s)) || seq < bc.seq) {
		fresh = 1;
	} else if (bc.seq > 0) {
		if ((ret = entry_is(s, 1, bc.first, err)) < 0)
			return ret;
		if (ret == 1 && (ret = entry_is(s, bc.seq, bc.hash, err)) < 0)
			return ret;
		fresh = ret == 0;
	}
	if (fresh) {
		clear();
		bc.tokens = json_object();
		bc.objects = json_object();
		bc.exceptions = json_object();
		bc.sessions = json_object();
		bc.changes = json_object();
		snprintf(bc.uri, sizeof(bc.uri), "%s", store_uri(s));
	}
	if ((ret = ledger_walk(s, bc.seq + 1, seq, NULL, NULL, 0, 0, index_row, NULL, err))) {
		clear();
		return ret;
	}
	return 0;
}

int ledger_bound_token(struct store *s, const char *name, struct ledger_bound_token *out,
		       int *found, struct aiv_err *err)
{
	json_t *t;
	int ret;

	memset(out, 0, sizeof(*out));
	*found = 0;
	pthread_mutex_lock(&bc.mu);
	if (!(ret = sync_locked(s, err)) && (t = json_object_get(bc.tokens, name))) {
		*found = 1;
		snprintf(out->role, sizeof(out->role), "%s", str(t, "role"));
		snprintf(out->agent, sizeof(out->agent), "%s", str(t, "agent"));
		snprintf(out->secret_sha256, sizeof(out->secret_sha256), "%s", str(t, "secret"));
		out->revoked = json_is_true(json_object_get(t, "revoked"));
		out->seq = json_integer_value(json_object_get(t, "seq"));
	}
	pthread_mutex_unlock(&bc.mu);
	return ret;
}

static void object_out(const json_t *o, struct ledger_bound_object *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->spec_hash, sizeof(out->spec_hash), "%s", str(o, "spec_hash"));
	out->created_seq = json_integer_value(json_object_get(o, "created"));
	out->updated_seq = json_integer_value(json_object_get(o, "updated"));
	if ((out->merged_seq = json_integer_value(json_object_get(o, "merged")))) {
		out->merged = 1;
		out->version = json_integer_value(json_object_get(o, "ver"));
		out->orig_version = json_integer_value(json_object_get(o, "orig_ver"));
		snprintf(out->fingerprint, sizeof(out->fingerprint), "%s", str(o, "fp"));
		snprintf(out->orig_fingerprint, sizeof(out->orig_fingerprint), "%s",
			 str(o, "orig_fp"));
	}
}

int ledger_bound_spec_ok(const struct ledger_bound_object *o, const char *spec, size_t len)
{
	char have[SHA256_HEX], *canon;
	json_t *j;
	int ok;

	sha256_hex(spec, len, have);
	if (!o->merged)
		return !strcmp(have, o->spec_hash);
	/* merged: fingerprint and version are the merge's, the rest the applied spec */
	if (!(j = json_loadb(spec, len, 0, NULL)))
		return 0;
	ok = !strcmp(str(j, "fingerprint"), o->fingerprint) &&
	     json_integer_value(json_object_get(j, "version")) == o->version;
	json_object_set_new(j, "fingerprint", json_string(o->orig_fingerprint));
	json_object_set_new(j, "version", json_integer(o->orig_version));
	canon = cjson_dumps(j);
	sha256_hex(canon, strlen(canon), have);
	ok = ok && !strcmp(have, o->spec_hash);
	free(canon);
	json_decref(j);
	return ok;
}

int ledger_bound_object(struct store *s, const char *kind, const char *name,
			struct ledger_bound_object *out, int *found, struct aiv_err *err)
{
	char *key = xstrfmt("%s/%s", kind, name);
	json_t *o;
	int ret;

	memset(out, 0, sizeof(*out));
	*found = 0;
	pthread_mutex_lock(&bc.mu);
	if (!(ret = sync_locked(s, err)) && (o = json_object_get(bc.objects, key))) {
		*found = 1;
		object_out(o, out);
	}
	pthread_mutex_unlock(&bc.mu);
	free(key);
	return ret;
}

int ledger_bound_exception(struct store *s, const char *id, struct ledger_bound_exception *out,
			   int *found, struct aiv_err *err)
{
	json_t *e;
	int ret;

	memset(out, 0, sizeof(*out));
	*found = 0;
	pthread_mutex_lock(&bc.mu);
	if (!(ret = sync_locked(s, err)) && (e = json_object_get(bc.exceptions, id))) {
		*found = 1;
		snprintf(out->state, sizeof(out->state), "%s", str(e, "state"));
		snprintf(out->agent, sizeof(out->agent), "%s", str(e, "agent"));
		snprintf(out->approver, sizeof(out->approver), "%s", str(e, "approver"));
		snprintf(out->digest, sizeof(out->digest), "%s", str(e, "digest"));
		out->seq = json_integer_value(json_object_get(e, "seq"));
	}
	pthread_mutex_unlock(&bc.mu);
	return ret;
}

int ledger_bound_session(struct store *s, const char *session_sha256,
			 struct ledger_bound_session *out, int *found, struct aiv_err *err)
{
	json_t *e;
	int ret;

	memset(out, 0, sizeof(*out));
	*found = 0;
	pthread_mutex_lock(&bc.mu);
	if (!(ret = sync_locked(s, err)) && (e = json_object_get(bc.sessions, session_sha256))) {
		*found = 1;
		snprintf(out->token, sizeof(out->token), "%s", str(e, "token"));
		snprintf(out->expires_at, sizeof(out->expires_at), "%s", str(e, "expires_at"));
		out->seq = json_integer_value(json_object_get(e, "seq"));
	}
	pthread_mutex_unlock(&bc.mu);
	return ret;
}

int ledger_bound_change(struct store *s, const char *cr, struct ledger_bound_change *out,
			int *found, struct aiv_err *err)
{
	json_t *c;
	int ret;

	memset(out, 0, sizeof(*out));
	*found = 0;
	pthread_mutex_lock(&bc.mu);
	if (!(ret = sync_locked(s, err)) && (c = json_object_get(bc.changes, cr))) {
		*found = 1;
		snprintf(out->status, sizeof(out->status), "%s", str(c, "status"));
		out->seq = json_integer_value(json_object_get(c, "seq"));
		out->approvals = json_deep_copy(json_object_get(c, "approvals"));
	}
	pthread_mutex_unlock(&bc.mu);
	return ret;
}

void ledger_bound_change_release(struct ledger_bound_change *c)
{
	json_decref(c->approvals);
	c->approvals = NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The keys of map, sorted, and deep copies of their values, so that the
 * callbacks run without the mutex (they may query the store, which may
 * come back here).  Caller frees keys[i], keys and decrefs vals.
 */
static size_t snapshot(json_t *map, char ***keys, json_t **vals)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	*keys = xcalloc(json_object_size(map) + 1, sizeof(**keys));
	json_object_foreach(map, k, v)
		(*keys)[n++] = xstrdup(k);
	qsort(*keys, n, sizeof(**keys), cmp_str);
	*vals = json_deep_copy(map);
	return n;
}

static void free_keys(char **keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/*
 * Bring the cache up to the ledger's head and copy *map out under the
 * lock (sync_locked may replace the map, hence the pointer); the copy is
 * the caller's to free with free_keys() and json_decref().
 */
static int synced_snapshot(struct store *s, json_t **map, char ***keys, json_t **vals,
			   size_t *n, struct aiv_err *err)
{
	int ret;

	pthread_mutex_lock(&bc.mu);
	if (!(ret = sync_locked(s, err)))
		*n = snapshot(*map, keys, vals);
	pthread_mutex_unlock(&bc.mu);
	return ret;
}

int ledger_bound_tokens(struct store *s, ledger_bound_token_fn fn, void *data,
			struct aiv_err *err)
{
	char **keys = NULL;
	json_t *vals = NULL;
	size_t n = 0, i;
	int ret;

	ret = synced_snapshot(s, &bc.tokens, &keys, &vals, &n, err);
	for (i = 0; !ret && i < n; i++) {
		json_t *t = json_object_get(vals, keys[i]);
		struct ledger_bound_token bt;

		memset(&bt, 0, sizeof(bt));
		snprintf(bt.role, sizeof(bt.role), "%s", str(t, "role"));
		snprintf(bt.agent, sizeof(bt.agent), "%s", str(t, "agent"));
		snprintf(bt.secret_sha256, sizeof(bt.secret_sha256), "%s", str(t, "secret"));
		bt.revoked = json_is_true(json_object_get(t, "revoked"));
		bt.seq = json_integer_value(json_object_get(t, "seq"));
		if (fn(keys[i], &bt, data))
			break;
	}
	free_keys(keys, n);
	json_decref(vals);
	return ret;
}

int ledger_bound_objects(struct store *s, ledger_bound_object_fn fn, void *data,
			 struct aiv_err *err)
{
	char **keys = NULL;
	json_t *vals = NULL;
	size_t n = 0, i;
	int ret;

	ret = synced_snapshot(s, &bc.objects, &keys, &vals, &n, err);
	for (i = 0; !ret && i < n; i++) {
		struct ledger_bound_object bo;
		char *slash = strchr(keys[i], '/');

		object_out(json_object_get(vals, keys[i]), &bo);
		if (!slash)
			continue;
		*slash = '\0';
		if (fn(keys[i], slash + 1, &bo, data))
			break;
	}
	free_keys(keys, n);
	json_decref(vals);
	return ret;
}
