/*
 * store.c - backend dispatch, statement cache, transactions, migrations.
 *
 * The statement cache is a small open-addressing table keyed by SQL text:
 * callers pass the same literal each time, the first call prepares it and
 * later calls get the same compiled statement back, so prepared statements
 * are the only way SQL runs and cost nothing after the first use.
 *
 * Migrations (migrations.c) are numbered; each pending one runs inside a
 * single transaction together with its row in schema_migrations, so a
 * crash mid-upgrade leaves the previous version intact.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "core/hash.h"
#include "core/timeutil.h"

struct store_stmt {
	struct store *owner;
	void *impl;
	char *sql;
};

struct store {
	const struct store_backend *be;
	void *conn;
	char *uri;
	int in_tx;
	int version;
	/*
	 * open addressing, power-of-two size, keyed by the SQL text each
	 * statement owns.  Not the interner (metrics/intern.h): that sits
	 * above store/ in the layer order, and a cache needs no dense ids.
	 */
	struct store_stmt **cache;
	size_t cache_size, cache_used;
};

/* Is migration `version` recorded?  *out 1 or 0. */
static int migration_applied(struct store *s, int version, int *out,
			     struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"SELECT 1 FROM schema_migrations WHERE version = ?", err);
	int rc;

	if (!st)
		return err ? err->code : AIV_EIO;
	store_bind_int(st, 1, version);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	*out = rc == STORE_ROW;
	return 0;
}

/*
 * Apply every migration not yet recorded, in array (= version) order.
 * Checking each version rather than "above the highest applied" keeps a
 * workspace right even when migrations developed on parallel branches
 * landed in a different order than they were numbered.
 */
static int run_migrations(struct store *s, struct aiv_err *err)
{
	int64_t have = 0;
	int i, ret, done = 0;
	char now[TIME_ISO_LEN];

	ret = store_exec(s,
		"CREATE TABLE IF NOT EXISTS schema_migrations("
		" version INTEGER PRIMARY KEY,"
		" name TEXT NOT NULL,"
		" applied_at TEXT NOT NULL)", err);
	if (ret)
		return ret;
	ret = store_query_int(s, "SELECT coalesce(max(version), 0) FROM schema_migrations",
			      &have, err);
	if (ret)
		return ret;
	if (have > store_schema_latest())
		return aiv_fail(err, AIV_ESTATE,
				"database schema version %lld is newer than this aivalue "
				"(knows up to %d); upgrade aivalue",
				(long long)have, store_schema_latest());
	for (i = 0; i < store_migrations_count; i++) {
		const struct migration *m = &store_migrations[i];
		struct store_stmt *st;

		if ((ret = migration_applied(s, m->version, &done, err)))
			return ret;
		if (done)
			continue;
		if ((ret = store_begin(s, err)))
			return ret;
		if ((ret = store_exec(s, m->sql, err))) {
			aiv_err_prefix(err, "migration %d (%s)", m->version, m->name);
			store_rollback(s);
			return ret;
		}
		st = store_prepare(s, "INSERT INTO schema_migrations(version, name, applied_at)"
				      " VALUES (?, ?, ?)", err);
		if (!st) {
			store_rollback(s);
			return err ? err->code : AIV_EIO;
		}
		time_format_us(time_now_us(), now);
		store_bind_int(st, 1, m->version);
		store_bind_text(st, 2, m->name);
		store_bind_text(st, 3, now);
		ret = store_step(st, err);
		store_reset(st);
		if (ret < 0 || (ret = store_commit(s, err))) {
			store_rollback(s);
			return ret;
		}
	}
	s->version = store_schema_latest();
	return 0;
}

int store_schema_latest(void)
{
	return store_migrations[store_migrations_count - 1].version;
}

int store_schema_version(const struct store *s)
{
	return s->version;
}

int store_open(struct store **out, const char *uri, unsigned flags,
	       struct aiv_err *err)
{
	struct store *s;
	int ret;

	*out = NULL;
	if (!uri || !*uri)
		return aiv_fail(err, AIV_EINPUT, "no database path given");
	if (!strncmp(uri, "postgres://", 11) || !strncmp(uri, "postgresql://", 13))
		return aiv_fail(err, AIV_EINPUT,
				"the PostgreSQL backend is not available in this build; "
				"use a SQLite file path");
	s = xcalloc(1, sizeof(*s));
	s->be = &store_sqlite_backend;
	s->uri = xstrdup(uri);
	s->cache_size = 64;
	s->cache = xcalloc(s->cache_size, sizeof(*s->cache));
	if ((ret = s->be->open(&s->conn, uri, flags, err)))
		goto fail;
	if ((ret = s->be->check_app(s->conn, !!(flags & STORE_CREATE), err)))
		goto fail;
	if (flags & STORE_READONLY) {
		int64_t v = 0;
		ret = store_query_int(s, "SELECT coalesce(max(version), 0) FROM schema_migrations",
				      &v, err);
		if (ret)
			goto fail;
		s->version = (int)v;
	} else if ((ret = run_migrations(s, err))) {
		goto fail;
	}
	*out = s;
	return 0;
fail:
	store_close(s);
	return ret;
}

void store_close(struct store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->cache_size; i++) {
		if (s->cache[i]) {
			s->be->finalize(s->cache[i]->impl);
			free(s->cache[i]->sql);
			free(s->cache[i]);
		}
	}
	free(s->cache);
	if (s->in_tx)
		s->be->exec(s->conn, "ROLLBACK", NULL);
	if (s->conn)
		s->be->close(s->conn);
	free(s->uri);
	free(s);
}

const char *store_uri(const struct store *s)
{
	return s->uri;
}

int store_begin(struct store *s, struct aiv_err *err)
{
	int ret;

	if (s->in_tx)
		return aiv_fail(err, AIV_EINTERNAL, "transaction already open");
	if ((ret = s->be->begin(s->conn, err)))
		return ret;
	s->in_tx = 1;
	return 0;
}

int store_commit(struct store *s, struct aiv_err *err)
{
	int ret;

	if (!s->in_tx)
		return aiv_fail(err, AIV_EINTERNAL, "commit without a transaction");
	ret = s->be->exec(s->conn, "COMMIT", err);
	if (ret) {
		/* deferred foreign keys fail here: the transaction is still open */
		return ret;
	}
	s->in_tx = 0;
	return 0;
}

void store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	s->be->exec(s->conn, "ROLLBACK", NULL);
	s->in_tx = 0;
}

int store_in_tx(const struct store *s)
{
	return s->in_tx;
}

int store_exec(struct store *s, const char *sql, struct aiv_err *err)
{
	return s->be->exec(s->conn, sql, err);
}

static void cache_grow(struct store *s)
{
	struct store_stmt **old = s->cache;
	size_t oldn = s->cache_size, i;

	s->cache_size *= 2;
	s->cache = xcalloc(s->cache_size, sizeof(*s->cache));
	for (i = 0; i < oldn; i++) {
		if (old[i]) {
			size_t j = fnv1a64_str(FNV1A64_INIT, old[i]->sql) & (s->cache_size - 1);
			while (s->cache[j])
				j = (j + 1) & (s->cache_size - 1);
			s->cache[j] = old[i];
		}
	}
	free(old);
}

struct store_stmt *store_prepare(struct store *s, const char *sql,
				 struct aiv_err *err)
{
	size_t j;
	struct store_stmt *st;
	void *impl;

	j = fnv1a64_str(FNV1A64_INIT, sql) & (s->cache_size - 1);
	while (s->cache[j]) {
		if (!strcmp(s->cache[j]->sql, sql))
			return s->cache[j];
		j = (j + 1) & (s->cache_size - 1);
	}
	impl = s->be->prepare(s->conn, sql, err);
	if (!impl) {
		aiv_err_prefix(err, "preparing \"%.60s\"", sql);
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->owner = s;
	st->impl = impl;
	st->sql = xstrdup(sql);
	s->cache[j] = st;
	if (++s->cache_used * 2 > s->cache_size)
		cache_grow(s);
	return st;
}

void store_bind_text(struct store_stmt *st, int idx, const char *v)
{
	if (!v)
		st->owner->be->bind_null(st->impl, idx);
	else
		st->owner->be->bind_text(st->impl, idx, v, strlen(v));
}

void store_bind_textn(struct store_stmt *st, int idx, const char *v, size_t n)
{
	st->owner->be->bind_text(st->impl, idx, v, n);
}

void store_bind_int(struct store_stmt *st, int idx, int64_t v)
{
	st->owner->be->bind_int(st->impl, idx, v);
}

void store_bind_double(struct store_stmt *st, int idx, double v)
{
	st->owner->be->bind_double(st->impl, idx, v);
}

void store_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n)
{
	st->owner->be->bind_blob(st->impl, idx, v, n);
}

void store_bind_null(struct store_stmt *st, int idx)
{
	st->owner->be->bind_null(st->impl, idx);
}

int store_step(struct store_stmt *st, struct aiv_err *err)
{
	assert(st->owner && st->owner->conn); /* set by store_prepare, kept until store_close */
	return st->owner->be->step(st->owner->conn, st->impl, err);
}

const char *store_col_text(struct store_stmt *st, int col)
{
	return st->owner->be->col_text(st->impl, col);
}

size_t store_col_bytes(struct store_stmt *st, int col)
{
	return st->owner->be->col_bytes(st->impl, col);
}

const void *store_col_blob(struct store_stmt *st, int col)
{
	return st->owner->be->col_blob(st->impl, col);
}

int64_t store_col_int(struct store_stmt *st, int col)
{
	return st->owner->be->col_int(st->impl, col);
}

double store_col_double(struct store_stmt *st, int col)
{
	return st->owner->be->col_double(st->impl, col);
}

int store_col_is_null(struct store_stmt *st, int col)
{
	return st->owner->be->col_is_null(st->impl, col);
}

void store_reset(struct store_stmt *st)
{
	st->owner->be->reset(st->impl);
}

int64_t store_changes(struct store *s)
{
	return s->be->changes(s->conn);
}

int store_query_int(struct store *s, const char *sql, int64_t *out,
		    struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	*out = 0;
	if (!st)
		return err ? err->code : AIV_EIO;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		*out = store_col_int(st, 0);
	store_reset(st);
	return rc < 0 ? rc : 0;
}
