/*
 * tokens.c - creating, checking and revoking bearer tokens, and the
 * dashboard sessions made from them.
 *
 * org/ owns the tokens and sessions tables (org_schema.c): a token is the
 * credential a person or an agent acts with, and control/ (below http/)
 * asks about agents' tokens through token_agent_has_token().
 *
 * Only SHA-256(token) is stored.  A plain hash (not a slow KDF) is right
 * here because the secret has 256 bits of entropy: there is nothing to
 * brute-force, and every request must check it fast.
 *
 * The server checks a token on every request; token_check_cached() keeps
 * the last few verified tokens per thread so that a busy client costs a
 * constant-time compare instead of a hash and a query.  An entry is
 * trusted for TOKEN_CACHE_TTL_US and only while the cache epoch is
 * unchanged: token_revoke() in this process (and the decide writer, when
 * it sees the revocation count change) bumps the epoch, so a revocation
 * is effective at once here and within the TTL for one made by another
 * process.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/hash.h"
#include "core/timeutil.h"
#include "ledger/bind.h"
#include "ledger/ledger.h"
#include "tokens.h"

#define TOKEN_CACHE_SLOTS 8
#define TOKEN_CACHE_TTL_US 1000000 /* 1 s */

struct token_cache_entry {
	char secret[101];
	size_t len;
	int64_t at_us;     /* when cached, monotonic (time_mono_us); 0: empty */
	unsigned epoch;
	struct token_info info;
};

static _Thread_local struct token_cache_entry tcache[TOKEN_CACHE_SLOTS];
static _Thread_local unsigned tcache_next;
static unsigned tcache_epoch = 1;

static const struct {
	enum role r;
	const char *name;
} roles[] = {
	{ ROLE_ADMIN, "admin" }, { ROLE_LEAD, "lead" }, { ROLE_ANALYST, "analyst" },
	{ ROLE_APPROVER, "approver" }, { ROLE_AUDITOR, "auditor" },
	{ ROLE_VIEWER, "viewer" }, { ROLE_AGENT, "agent" },
};

enum role role_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(roles); i++)
		if (!strcmp(roles[i].name, name))
			return roles[i].r;
	return ROLE_NONE;
}

const char *role_name(enum role r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(roles); i++)
		if (roles[i].r == r)
			return roles[i].name;
	return "none";
}

const char *role_names_list(void)
{
	return "admin, lead, analyst, approver, auditor, viewer, agent";
}

static void base64url(const uint8_t *in, size_t n, char *out)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = tbl[v >> 18 & 63];
		out[o++] = tbl[v >> 12 & 63];
		out[o++] = tbl[v >> 6 & 63];
		out[o++] = tbl[v & 63];
	}
	if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = tbl[v >> 18 & 63];
		out[o++] = tbl[v >> 12 & 63];
		out[o++] = tbl[v >> 6 & 63];
	} else if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = tbl[v >> 18 & 63];
		out[o++] = tbl[v >> 12 & 63];
	}
	out[o] = '\0';
}

/* "PREFIX" and 32 random bytes in base64url into out[64]; -1 without randomness. */
static int random_secret(const char *prefix, char out[64])
{
	uint8_t raw[32];
	char b64[48];

	if (random_bytes(raw, sizeof(raw)))
		return -1;
	base64url(raw, sizeof(raw), b64);
	snprintf(out, 64, "%s%s", prefix, b64);
	return 0;
}

int token_create(struct store *s, const char *actor, const char *name,
		 enum role role, const char *agent, char **secret_out,
		 struct aiv_err *err)
{
	return token_create_expiring(s, actor, name, role, agent, 0, secret_out, err);
}

int token_create_expiring(struct store *s, const char *actor, const char *name,
			  enum role role, const char *agent, int64_t expires_us,
			  char **secret_out, struct aiv_err *err)
{
	char secret[64], hash[SHA256_HEX], now[TIME_ISO_LEN], expires[TIME_ISO_LEN];
	struct store_stmt *st;
	json_t *payload;
	char *subject;
	int rc, ret;
	int64_t exists = 0, now_us = time_now_us();

	*secret_out = NULL;
	if (!name || !*name || strlen(name) > 128)
		return aiv_fail(err, AIV_EINPUT, "a token needs a name of 1 to 128 characters");
	if (role == ROLE_NONE)
		return aiv_fail(err, AIV_EINPUT, "unknown role (roles: %s)", role_names_list());
	if (expires_us < 0 || (expires_us && expires_us <= now_us))
		return aiv_fail(err, AIV_EINPUT, "a token's expiry must be in the future");
	if (random_secret("aiv_", secret))
		return aiv_fail(err, AIV_EINTERNAL, "no randomness available for a token");
	sha256_hex(secret, strlen(secret), hash);
	time_format_us(now_us, now);
	if (expires_us)
		time_format_us(expires_us, expires);

	if ((ret = store_begin(s, err)))
		return ret;
	st = store_prepare(s, "SELECT count(*) FROM tokens WHERE name = ?", err);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	store_bind_text(st, 1, name);
	if (store_step(st, err) == STORE_ROW)
		exists = store_col_int(st, 0);
	store_reset(st);
	if (exists) {
		ret = aiv_fail(err, AIV_ECONFLICT, "a token named '%s' already exists", name);
		goto fail;
	}
	st = store_prepare(s, "INSERT INTO tokens(name, role, hash, agent, created_at,"
			      " expires_at) VALUES (?,?,?,?,?,?)", err);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, role_name(role));
	store_bind_text(st, 3, hash);
	store_bind_text(st, 4, agent);
	store_bind_text(st, 5, now);
	store_bind_text(st, 6, expires_us ? expires : NULL);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	/* secret_sha256 binds the stored hash too: see token_check */
	payload = json_pack("{s:s, s:s, s:s}", "name", name, "role", role_name(role),
			    "secret_sha256", hash);
	if (agent)
		json_object_set_new(payload, "agent", json_string(agent));
	if (expires_us)
		json_object_set_new(payload, "expires_at", json_string(expires));
	subject = xstrfmt("Token/%s", name);
	ret = ledger_append(s, actor, "token.create", subject, payload, NULL, err);
	json_decref(payload);
	free(subject);
	if (ret || (ret = store_commit(s, err)))
		goto fail;
	*secret_out = xstrdup(secret);
	return 0;
fail:
	store_rollback(s);
	return ret;
}

/* The columns read_token() reads, and what makes a token usable (binds the time). */
#define TOKEN_COLS "t.id, t.name, t.role, coalesce(t.agent, ''), t.expires_at"
#define TOKEN_VALID "t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)"

static void read_token(struct store_stmt *st, struct token_info *out)
{
	out->id = store_col_int(st, 0);
	snprintf(out->name, sizeof(out->name), "%s", store_col_text(st, 1));
	out->role = role_from_name(store_col_text(st, 2));
	snprintf(out->agent, sizeof(out->agent), "%s", store_col_text(st, 3));
	out->expires_us = 0;
	if (!store_col_is_null(st, 4) && time_parse_iso(store_col_text(st, 4), &out->expires_us))
		out->role = ROLE_NONE; /* an unreadable expiry: refuse, never fail open */
}

/*
 * The token row that matched must be the one the ledger recorded: same
 * role and agent as its token.create, not revoked since, and (for tokens
 * created since the entry carries it) the same stored hash.  A row edited
 * behind the ledger (a viewer's role set to admin, a hash swapped for a
 * secret someone knows) is refused, with a line on stderr saying why.
 */
static int token_bound(struct store *s, const struct token_info *ti, const char *hash,
		       struct aiv_err *err)
{
	struct ledger_bound_token bt;
	const char *why = NULL;
	int found, ret;

	if ((ret = ledger_bound_token(s, ti->name, &bt, &found, err)))
		return ret;
	if (!found)
		why = "no ledger entry created it";
	else if (bt.revoked)
		why = "the ledger revoked it";
	else if (strcmp(bt.role, role_name(ti->role)))
		why = "its role differs from the ledger's";
	else if (strcmp(bt.agent, ti->agent))
		why = "its agent differs from the ledger's";
	else if (bt.secret_sha256[0] && strcmp(bt.secret_sha256, hash))
		why = "its secret hash differs from the ledger's";
	if (!why)
		return 0;
	fprintf(stderr, "aivalue: refused token '%s' (role %s): %s%s%s (ledger entry %lld); "
		"the tokens table was changed outside the ledger\n", ti->name,
		role_name(ti->role), why, found && !bt.revoked ? ": ledger role " : "",
		found && !bt.revoked ? bt.role : "", (long long)bt.seq);
	return aiv_fail(err, AIV_EPERM, "token '%s' does not match the ledger: %s", ti->name,
			why);
}


/*
 * Run `sql` (a SELECT of TOKEN_COLS, then t.hash) with SHA-256(secret) as parameter 1
 * and the current time as the next `nnow` parameters; the token into
 * *out, or AIV_EPERM with `refusal` when no usable row.
 */
static int lookup_token(struct store *s, const char *sql, const char *secret, int nnow,
			struct token_info *out, const char *refusal, struct aiv_err *err)
{
	char hash[SHA256_HEX], now[TIME_ISO_LEN];
	struct store_stmt *st;
	int rc, i;

	sha256_hex(secret, strlen(secret), hash);
	time_format_us(time_now_us(), now);
	st = store_prepare(s, sql, err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, hash);
	for (i = 0; i < nnow; i++)
		store_bind_text(st, 2 + i, now);
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		read_token(st, out);
		snprintf(hash, sizeof(hash), "%s", store_col_text(st, 5)); /* the token's */
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW || out->role == ROLE_NONE)
		return aiv_fail(err, AIV_EPERM, "%s", refusal);
	/* the row must still be the one the ledger recorded */
	if ((rc = token_bound(s, out, hash, err)))
		memset(out, 0, sizeof(*out));
	return rc;
}

int token_check(struct store *s, const char *secret, struct token_info *out,
		struct aiv_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!secret || strncmp(secret, "aiv_", 4) || strlen(secret) > 100)
		return aiv_fail(err, AIV_EPERM, "invalid token");
	return lookup_token(s, "SELECT " TOKEN_COLS ", t.hash FROM tokens t WHERE t.hash = ? AND "
			    TOKEN_VALID, secret, 1, out, "invalid, revoked or expired token", err);
}

int token_check_cached(struct store *s, const char *secret, struct token_info *out,
		       struct aiv_err *err)
{
	unsigned epoch = __atomic_load_n(&tcache_epoch, __ATOMIC_ACQUIRE);
	/* the age on the monotonic clock: AIVALUE_FAKE_TIME must not freeze it */
	int64_t now = time_now_us(), mono = time_mono_us();
	size_t len = secret ? strnlen(secret, 101) : 0, i;
	struct token_cache_entry *e;
	int ret;

	for (i = 0; len && len <= 100 && i < TOKEN_CACHE_SLOTS; i++) {
		e = &tcache[i];
		if (e->at_us && e->epoch == epoch && mono - e->at_us < TOKEN_CACHE_TTL_US &&
		    (!e->info.expires_us || now < e->info.expires_us) &&
		    e->len == len && !CRYPTO_memcmp(e->secret, secret, len)) {
			*out = e->info;
			return 0;
		}
	}
	if ((ret = token_check(s, secret, out, err)))
		return ret;
	e = &tcache[tcache_next++ % TOKEN_CACHE_SLOTS];
	memcpy(e->secret, secret, len);
	e->len = len;
	e->at_us = mono;
	e->epoch = epoch;
	e->info = *out;
	return 0;
}

void token_cache_invalidate(void)
{
	__atomic_add_fetch(&tcache_epoch, 1, __ATOMIC_ACQ_REL);
}

int token_revocations(struct store *s, int64_t *n, struct aiv_err *err)
{
	return store_query_int(s, "SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL",
			       n, err);
}

/*
 * The ids of the revoked tokens, ascending, into w (on failure w keeps
 * the last set: the caller fails the transaction and reads again).
 * Tokens are never un-revoked or deleted, so the set only grows.
 */
static int read_revoked(struct store *s, struct token_watch *w, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT id FROM tokens WHERE revoked_at IS NOT NULL"
					      " ORDER BY id", err);
	int64_t *ids = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(ids, n + 1, alloc);
		ids[n++] = store_col_int(st, 0);
	}
	store_reset(st);
	if (rc != STORE_DONE) {
		free(ids);
		return rc;
	}
	free(w->revoked);
	w->revoked = ids;
	w->nrevoked = n;
	return 0;
}

/*
 * The revocation count is read only when the data version moved since
 * this handle's last transaction ended: then another connection (another
 * thread's, another process's: `aivalue token revoke`) committed, maybe a
 * revocation.  It was a statement in every decision commit
 * (docs/performance.md, "A lone call's commit").
 */
int token_watch_check(struct store *s, struct token_watch *w, int *changed,
		      struct aiv_err *err)
{
	int64_t n = 0;
	int ret;

	*changed = 0;
	w->in_tx_ok = store_in_tx(s) && store_data_version(s, &w->in_tx);
	if (w->seen >= 0 && w->in_tx_ok && w->version_ok && w->in_tx == w->version)
		return 0;
	if ((ret = token_revocations(s, &n, err)) ||
	    (n != w->seen && (ret = read_revoked(s, w, err)))) {
		w->in_tx_ok = 0;
		return ret;
	}
	*changed = n != w->seen;
	w->seen = n;
	return 0;
}

int token_watch_revoked(const struct token_watch *w, int64_t id)
{
	size_t lo = 0, hi = w->nrevoked, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (w->revoked[mid] == id)
			return 1;
		if (w->revoked[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void token_watch_release(struct token_watch *w)
{
	free(w->revoked);
	*w = (struct token_watch)TOKEN_WATCH_INIT;
}

void token_watch_ended(struct store *s, struct token_watch *w, int committed)
{
	/*
	 * Committed: the version moved by this commit alone (the write lock
	 * was held since the check), so the value now is the one the next
	 * transaction sees unless another connection commits.  A rollback may
	 * not move it; read again next time.
	 */
	w->version_ok = committed && w->in_tx_ok && store_data_version(s, &w->version);
	w->in_tx_ok = 0;
}

void token_watch_pass(struct store *s, struct token_watch *w)
{
	/* nothing missed before this transaction: token_watch_ended keeps the version */
	w->in_tx_ok = w->seen >= 0 && w->version_ok && store_in_tx(s) &&
		      store_data_version(s, &w->in_tx) && w->in_tx == w->version;
}

int token_agent_has_token(struct store *s, const char *agent, int *has,
			  struct aiv_err *err)
{
	return store_exists_text(s, "SELECT 1 FROM tokens WHERE agent = ? AND role = 'agent'"
				 " AND revoked_at IS NULL", agent, has, err);
}

int token_revoke(struct store *s, const char *actor, const char *name,
		 struct aiv_err *err)
{
	char now[TIME_ISO_LEN];
	struct store_stmt *st;
	json_t *payload;
	char *subject;
	int rc, ret;

	time_format_us(time_now_us(), now);
	if ((ret = store_begin(s, err)))
		return ret;
	st = store_prepare(s, "UPDATE tokens SET revoked_at = ? WHERE name = ?"
			      " AND revoked_at IS NULL", err);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	store_bind_text(st, 1, now);
	store_bind_text(st, 2, name);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	if (store_changes(s) == 0) {
		ret = aiv_fail(err, AIV_ENOTFOUND, "no active token named '%s'", name);
		goto fail;
	}
	payload = json_pack("{s:s}", "name", name);
	subject = xstrfmt("Token/%s", name);
	ret = ledger_append(s, actor, "token.revoke", subject, payload, NULL, err);
	json_decref(payload);
	free(subject);
	if (ret || (ret = store_commit(s, err)))
		goto fail;
	token_cache_invalidate();
	return 0;
fail:
	store_rollback(s);
	return ret;
}

int token_list(struct store *s, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"SELECT name, role, agent, created_at, revoked_at, expires_at FROM tokens"
		" ORDER BY id", err);
	char now[TIME_ISO_LEN];
	json_t *arr;
	int rc;

	if (!st)
		return err->code;
	time_format_us(time_now_us(), now);
	arr = json_array();
	while ((rc = store_step(st, err)) == STORE_ROW) {
		int revoked = !store_col_is_null(st, 4), has_exp = !store_col_is_null(st, 5);
		const char *exp = has_exp ? store_col_text(st, 5) : NULL;
		json_t *o = json_pack("{s:s, s:s, s:s}", "name", store_col_text(st, 0),
				      "role", store_col_text(st, 1),
				      "created_at", store_col_text(st, 3));
		if (!store_col_is_null(st, 2))
			json_object_set_new(o, "agent", json_string(store_col_text(st, 2)));
		json_object_set_new(o, "expires_at", exp ? json_string(exp) : json_null());
		json_object_set_new(o, "revoked_at", revoked ? json_string(store_col_text(st, 4))
				    : json_null());
		json_object_set_new(o, "state", json_string(revoked ? "revoked"
				    : exp && strcmp(exp, now) <= 0 ? "expired" : "active"));
		json_array_append_new(arr, o);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/* ---- dashboard sessions ---- */


/* Append the session ledger entry (steals payload) and commit; 0 or the error. */
static int session_record(struct store *s, const char *action, const char *token,
			  json_t *payload, struct aiv_err *err)
{
	char *subject = xstrfmt("Token/%s", token), *actor = xstrfmt("token:%s", token);
	int ret = ledger_append(s, actor, action, subject, payload, NULL, err);

	json_decref(payload);
	free(subject);
	free(actor);
	return ret ? ret : store_commit(s, err);
}

int session_create(struct store *s, const struct token_info *ti, char **sid_out,
		   int64_t *expires_us, struct aiv_err *err)
{
	char sid[64], hash[SHA256_HEX], now[TIME_ISO_LEN], expires[TIME_ISO_LEN];
	int64_t now_us = time_now_us(), exp_us = now_us + (int64_t)SESSION_TTL_S * 1000000;
	struct store_stmt *st;
	int rc, ret;

	*sid_out = NULL;
	if (ti->expires_us && ti->expires_us < exp_us)
		exp_us = ti->expires_us;
	if (exp_us <= now_us)
		return aiv_fail(err, AIV_EPERM, "invalid, revoked or expired token");
	if (random_secret("aivs_", sid))
		return aiv_fail(err, AIV_EINTERNAL, "no randomness available for a session");
	sha256_hex(sid, strlen(sid), hash);
	time_format_us(now_us, now);
	time_format_us(exp_us, expires);
	if ((ret = store_begin(s, err)))
		return ret;
	if ((ret = store_exec_text(s, "DELETE FROM sessions WHERE expires_at <= ?", now, err)))
		goto fail;
	st = store_prepare(s, "INSERT INTO sessions(hash, token_id, created_at, expires_at)"
			   " VALUES (?,?,?,?)", err);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	store_bind_text(st, 1, hash);
	store_bind_int(st, 2, ti->id);
	store_bind_text(st, 3, now);
	store_bind_text(st, 4, expires);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	/* the stored hash, not the id: the entry binds the row without being a credential */
	if ((ret = session_record(s, "session.create", ti->name, json_pack("{s:s, s:s, s:s}",
				  "token", ti->name, "expires_at", expires, "session_sha256", hash),
				  err)))
		goto fail;
	*sid_out = xstrdup(sid);
	if (expires_us)
		*expires_us = exp_us;
	return 0;
fail:
	store_rollback(s);
	return ret;
}

/*
 * The session row that matched must be one the ledger recorded: a
 * session.create with its stored hash, for the same token, not deleted
 * since and not expired by the entry's expiry.  A row added behind the
 * ledger (for an existing token, with an id someone knows) or given a
 * later expiry is refused, with a line on stderr saying why.  Sessions
 * made before the entry recorded the hash are refused too: sign in again.
 */
static int session_bound(struct store *s, const char *hash, const struct token_info *ti,
			 struct aiv_err *err)
{
	struct ledger_bound_session bs;
	char now[TIME_ISO_LEN];
	const char *why = NULL;
	int found, ret;

	if ((ret = ledger_bound_session(s, hash, &bs, &found, err)))
		return ret;
	time_format_us(time_now_us(), now);
	if (!found)
		why = "no ledger entry created it, or one ended it";
	else if (strcmp(bs.token, ti->name))
		why = "its token differs from the ledger's";
	else if (strcmp(bs.expires_at, now) <= 0)
		why = "the ledger's expiry has passed";
	if (!why)
		return 0;
	if (found)
		fprintf(stderr, "aivalue: refused a session of token '%s': %s (ledger entry "
			"%lld); the sessions table was changed outside the ledger\n", ti->name,
			why, (long long)bs.seq);
	else
		fprintf(stderr, "aivalue: refused a session of token '%s': %s; the sessions "
			"table was changed outside the ledger\n", ti->name, why);
	return aiv_fail(err, AIV_EPERM, "invalid or expired session");
}

int session_check(struct store *s, const char *sid, struct token_info *out,
		  struct aiv_err *err)
{
	char hash[SHA256_HEX];
	int ret;

	memset(out, 0, sizeof(*out));
	if (!sid || strncmp(sid, "aivs_", 5) || strlen(sid) > SESSION_ID_MAX)
		return aiv_fail(err, AIV_EPERM, "invalid session");
	if ((ret = lookup_token(s, "SELECT " TOKEN_COLS ", t.hash FROM sessions x JOIN tokens t"
				" ON t.id = x.token_id WHERE x.hash = ? AND x.expires_at > ? AND "
				TOKEN_VALID, sid, 2, out, "invalid or expired session", err)))
		return ret;
	sha256_hex(sid, strlen(sid), hash);
	if ((ret = session_bound(s, hash, out, err)))
		memset(out, 0, sizeof(*out));
	return ret;
}

int session_delete(struct store *s, const char *sid, struct aiv_err *err)
{
	char hash[SHA256_HEX], name[129] = "";
	struct store_stmt *st;
	int rc, ret;

	if (!sid || strncmp(sid, "aivs_", 5) || strlen(sid) > SESSION_ID_MAX)
		return aiv_fail(err, AIV_ENOTFOUND, "no such session");
	sha256_hex(sid, strlen(sid), hash);
	if ((ret = store_begin(s, err)))
		return ret;
	st = store_prepare(s, "SELECT t.name FROM sessions x JOIN tokens t ON t.id = x.token_id"
			   " WHERE x.hash = ?", err);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	store_bind_text(st, 1, hash);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		snprintf(name, sizeof(name), "%s", store_col_text(st, 0));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	if (rc != STORE_ROW) {
		ret = aiv_fail(err, AIV_ENOTFOUND, "no such session");
		goto fail;
	}
	if ((ret = store_exec_text(s, "DELETE FROM sessions WHERE hash = ?", hash, err)) ||
	    (ret = session_record(s, "session.delete", name, json_pack("{s:s, s:s}", "token", name,
				  "session_sha256", hash), err)))
		goto fail;
	return 0;
fail:
	store_rollback(s);
	return ret;
}
