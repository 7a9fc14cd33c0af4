/*
 * store.c - backend dispatch, statement cache, transactions, migrations.
 *
 * The statement cache is a small open-addressing table keyed by SQL text:
 * callers pass the same literal each time, the first call prepares it and
 * later calls get the same compiled statement back, so prepared statements
 * are the only way SQL runs and cost nothing after the first use.
 *
 * Migrations belong to the layers that own the tables (src/<layer>/
 * <layer>_schema.c), registered here in layer order at start-up.  Each
 * pending version runs inside a single transaction together with its row
 * in schema_migrations, so a crash mid-upgrade leaves the previous version
 * intact.  A version with parts in several layers runs them in layer
 * order, which is the order one migrations.c held them in before the split,
 * so old and new workspaces get the same schema text.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "core/hash.h"
#include "core/timeutil.h"

struct store_stmt {
	struct store *owner;
	void *impl;
	char *sql;
	int running; /* stepped since its last reset: a further step is no new statement */
	int64_t runs; /* executions, for AIVALUE_STORE_STATS=sql */
};

struct store {
	const struct store_backend *be;
	void *conn;
	char *uri;
	int in_tx;
	uint64_t tx;             /* store_tx: this transaction's number, unique in the process */
	int version;
	/*
	 * open addressing, power-of-two size, keyed by the SQL text each
	 * statement owns.  Not the interner (metrics/intern.h): that sits
	 * above store/ in the layer order, and a cache needs no dense ids.
	 */
	struct store_stmt **cache;
	size_t cache_size, cache_used;
	struct store_bulk *bulk; /* a bulk insert in progress (store_bulk_begin) */
	int64_t statements;      /* statements run (store_exec texts and executions) */
	int64_t batched;         /* ... of them sent with another, in its round trip */
	int nowait;              /* store_begin_wait(s, 0) */
	int begin_failed;        /* store_begin_failed */
	int early;               /* store_begin_early: the next store_begin adopts its transaction (1) or its failure (-1) */
	struct aiv_err early_err; /* the failed early BEGIN's error */
};

#define STORE_MAX_SCHEMAS 32

static const struct store_schema *schemas[STORE_MAX_SCHEMAS];
static int nschemas;

void store_schema_register(const struct store_schema *schema)
{
	int i;

	for (i = 0; i < nschemas; i++)
		if (schemas[i] == schema)
			return;
	assert(nschemas < STORE_MAX_SCHEMAS); /* one per layer, fixed at build time */
	schemas[nschemas++] = schema;
}

static struct {
	int version;
	store_fill_fn fn;
} fills[STORE_MAX_SCHEMAS];
static int nfills;

void store_fill_register(int version, store_fill_fn fn)
{
	int i;

	for (i = 0; i < nfills; i++)
		if (fills[i].version == version && fills[i].fn == fn)
			return;
	assert(nfills < STORE_MAX_SCHEMAS); /* a few, fixed at build time */
	fills[nfills].version = version;
	fills[nfills++].fn = fn;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * The distinct versions of every registered migration, ascending.
 * Caller frees *out.  Returns the count.
 */
static int schema_versions(int **out)
{
	int i, j, n = 0, total = 0, *v;

	for (i = 0; i < nschemas; i++)
		total += schemas[i]->count;
	v = xcalloc(total ? (size_t)total : 1, sizeof(*v));
	for (i = 0; i < nschemas; i++)
		for (j = 0; j < schemas[i]->count; j++)
			v[n++] = schemas[i]->migrations[j].version;
	qsort(v, (size_t)n, sizeof(*v), cmp_int);
	for (i = j = 0; i < n; i++)
		if (!j || v[j - 1] != v[i])
			v[j++] = v[i];
	*out = v;
	return j;
}

/*
 * Run every registered part of `version` in layer order; *name is set to
 * the first part's name (borrowed, static).
 */
static int run_version(struct store *s, int version, const char **name,
		       struct aiv_err *err)
{
	int i, j, ret;

	*name = NULL;
	for (i = 0; i < nschemas; i++) {
		for (j = 0; j < schemas[i]->count; j++) {
			const struct store_migration *m = &schemas[i]->migrations[j];

			if (m->version != version)
				continue;
			if (!*name)
				*name = m->name;
			if ((ret = store_exec(s, m->sql, err)) ||
			    (m->sqlite_backfill && s->be == &store_sqlite_backend &&
			     (ret = store_exec(s, m->sqlite_backfill, err)))) {
				aiv_err_prefix(err, "migration %d (%s: %s)", m->version,
					       schemas[i]->layer, m->name);
				return ret;
			}
		}
	}
	for (i = 0; i < nfills; i++)
		if (fills[i].version == version && (ret = fills[i].fn(s, err))) {
			aiv_err_prefix(err, "migration %d (%s)", version, *name ? *name : "fill");
			return ret;
		}
	return 0;
}

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
	if ((rc = store_step_row(st, err)) < 0)
		return rc;
	*out = rc;
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
	int i, nv, ret, done = 0, *versions = NULL;
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
	nv = schema_versions(&versions);
	for (i = 0; i < nv; i++) {
		struct store_stmt *st;
		const char *name;

		if ((ret = migration_applied(s, versions[i], &done, err)))
			goto out;
		if (done)
			continue;
		if ((ret = store_begin(s, err)))
			goto out;
		if ((ret = run_version(s, versions[i], &name, err))) {
			store_rollback(s);
			goto out;
		}
		st = store_prepare(s, "INSERT INTO schema_migrations(version, name, applied_at)"
				      " VALUES (?, ?, ?)", err);
		if (!st) {
			store_rollback(s);
			ret = err ? err->code : AIV_EIO;
			goto out;
		}
		time_format_us(time_now_us(), now);
		store_bind_int(st, 1, versions[i]);
		store_bind_text(st, 2, name);
		store_bind_text(st, 3, now);
		if ((ret = store_step_done(st, err)) || (ret = store_commit(s, err))) {
			store_rollback(s);
			goto out;
		}
	}
	s->version = store_schema_latest();
out:
	free(versions);
	return ret;
}

int store_schema_latest(void)
{
	int i, j, latest = 0;

	for (i = 0; i < nschemas; i++)
		for (j = 0; j < schemas[i]->count; j++)
			if (schemas[i]->migrations[j].version > latest)
				latest = schemas[i]->migrations[j].version;
	return latest;
}

int store_schema_version(const struct store *s)
{
	return s->version;
}

int store_is_pg_uri(const char *uri)
{
	return uri && (!strncmp(uri, "postgres://", 11) || !strncmp(uri, "postgresql://", 13));
}

const char *store_backend_name(const struct store *s)
{
	return s->be->name;
}

int store_batches(const struct store *s)
{
	return s->be->run_many != NULL;
}

int store_open(struct store **out, const char *uri, unsigned flags,
	       struct aiv_err *err)
{
	struct store *s;
	int ret;

	*out = NULL;
	if (!uri || !*uri)
		return aiv_fail(err, AIV_EINPUT, "no database path given");
	if (!nschemas)
		return aiv_fail(err, AIV_EINTERNAL,
				"no schema registered before opening the store "
				"(call cli_register_schema first)");
	s = xcalloc(1, sizeof(*s));
	s->be = store_is_pg_uri(uri) ? &store_pg_backend : &store_sqlite_backend;
	s->uri = xstrdup(uri);
	s->cache_size = 64;
	s->cache = xcalloc(s->cache_size, sizeof(*s->cache));
	if ((ret = s->be->open(&s->conn, uri, flags, err)))
		goto fail;
	if ((ret = s->be->check_app(s->conn, !!(flags & STORE_CREATE), err)))
		goto fail;
	if (s->be == &store_sqlite_backend && (ret = store_sqlite_memory_apply(s->conn, err)))
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
	/*
	 * AIVALUE_STORE_STATS set: how many statements this connection ran,
	 * on stderr; tests count round trips with it (each statement is one
	 * on PostgreSQL) without depending on the server's statistics
	 */
	if (getenv("AIVALUE_STORE_STATS")) {
		fprintf(stderr, "aivalue: store: %lld statements\naivalue: store: %lld round trips\n",
			(long long)s->statements, (long long)(s->statements - s->batched));
		/*
		 * =sql: each prepared statement's executions too, so that a test
		 * can leave out the reads a time limit repeats (a token, a kept
		 * value read again after its second): counts that do not
		 * depend on how fast the requests came
		 */
		for (i = 0; !strcmp(getenv("AIVALUE_STORE_STATS"), "sql") && i < s->cache_size; i++)
			if (s->cache[i] && s->cache[i]->runs)
				fprintf(stderr, "aivalue: store: %lld runs: %s\n",
					(long long)s->cache[i]->runs, s->cache[i]->sql);
	}
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

int store_memory(struct store *s, int64_t *mmap_bytes, int64_t *cache_kib)
{
	if (s->be != &store_sqlite_backend)
		return -1;
	return store_sqlite_memory_read(s->conn, mmap_bytes, cache_kib);
}

int64_t store_statements(const struct store *s)
{
	return s->statements;
}

int64_t store_round_trips(const struct store *s)
{
	return s->statements - s->batched;
}

const char *store_uri(const struct store *s)
{
	return s->uri;
}

static uint64_t tx_count; /* atomic: transactions begun by every handle (store_tx) */

int store_begin(struct store *s, struct aiv_err *err)
{
	int ret;

	if (s->in_tx && s->early > 0) {
		s->early = 0;
		s->begin_failed = 0;
		return 0;
	}
	if (!s->in_tx && s->early < 0) {
		s->early = 0;
		s->begin_failed = 1;
		if (err)
			*err = s->early_err;
		return s->early_err.code;
	}
	s->early = 0;
	if (s->in_tx)
		return aiv_fail(err, AIV_EINTERNAL, "transaction already open");
	s->statements++;
	if (s->nowait && s->be->begin_nowait)
		ret = s->be->begin_nowait(s->conn, err);
	else
		ret = s->be->begin(s->conn, err);
	if ((s->begin_failed = ret != 0))
		return ret;
	s->in_tx = 1;
	s->tx = __atomic_add_fetch(&tx_count, 1, __ATOMIC_RELAXED);
	return 0;
}

int store_begin_early(struct store *s, struct aiv_err *err)
{
	int ret = store_begin(s, err);

	s->early = ret ? -1 : 1;
	if (ret)
		s->early_err = *err;
	return ret;
}

void store_early_done(struct store *s)
{
	if (s->early > 0 && s->in_tx)
		store_rollback(s);
	s->early = 0;
}

void store_begin_wait(struct store *s, int wait)
{
	s->nowait = !wait;
	s->begin_failed = 0;
}

int store_begin_failed(const struct store *s)
{
	return s->begin_failed;
}

int store_commit(struct store *s, struct aiv_err *err)
{
	int ret;

	if (!s->in_tx)
		return aiv_fail(err, AIV_EINTERNAL, "commit without a transaction");
	s->statements++;
	ret = s->be->exec(s->conn, "COMMIT", err);
	if (ret) {
		/* deferred foreign keys fail here: the transaction is still open */
		return ret;
	}
	s->in_tx = 0;
	return 0;
}

int store_step_commit(struct store_stmt *st, struct aiv_err *err)
{
	struct store *s = st->owner;
	int rc;

	if (!s->in_tx)
		return aiv_fail(err, AIV_EINTERNAL, "commit without a transaction");
	if (!s->be->step_commit) {
		rc = store_step(st, err);
		store_reset(st);
		return rc < 0 ? rc : store_commit(s, err);
	}
	st->running = 1;
	s->statements += 2;
	s->batched++; /* the COMMIT goes with st */
	rc = s->be->step_commit(s->conn, st->impl, err);
	store_reset(st);
	if (rc)
		return rc;
	s->in_tx = 0;
	return 0;
}

void store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	s->statements++;
	s->be->exec(s->conn, "ROLLBACK", NULL);
	s->in_tx = 0;
}

int store_in_tx(const struct store *s)
{
	return s->in_tx;
}

uint64_t store_tx(const struct store *s)
{
	return s->in_tx ? s->tx : 0;
}

int store_data_version(struct store *s, uint64_t *v)
{
	*v = 0;
	return s->be->data_version ? s->be->data_version(s->conn, v) : 0;
}

int store_exec(struct store *s, const char *sql, struct aiv_err *err)
{
	s->statements++;
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

	if (s->bulk) {
		aiv_fail(err, AIV_ESTATE, "preparing \"%.60s\" during a bulk insert", sql);
		return NULL;
	}
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
	if (!st->running) {
		st->running = 1;
		st->owner->statements++;
		st->runs++;
	}
	return st->owner->be->step(st->owner->conn, st->impl, err);
}

void store_run_many(struct store_stmt *const *sts, size_t n)
{
	struct store *s;
	void **impl;
	int *ran, trips;
	size_t i;

	if (!n || !(s = sts[0]->owner)->be->run_many || s->in_tx || s->bulk)
		return;
	for (i = 0; i < n; i++)
		if (sts[i]->running || sts[i]->owner != s)
			return; /* stepped already, or another handle's: each runs at its step */
	impl = xcalloc(n, sizeof(*impl));
	ran = xcalloc(n, sizeof(*ran));
	for (i = 0; i < n; i++)
		impl[i] = sts[i]->impl;
	trips = s->be->run_many(s->conn, impl, n, ran);
	for (i = 0; i < n; i++)
		if (ran[i]) {
			sts[i]->running = 1;
			sts[i]->runs++;
			s->statements++;
			s->batched++;
		}
	s->batched -= trips; /* each round trip carried one of them unbatched */
	free(impl);
	free(ran);
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

int store_col_count(struct store_stmt *st)
{
	return st->owner->be->col_count(st->impl);
}

const char *store_col_name(struct store_stmt *st, int col)
{
	return st->owner->be->col_name(st->impl, col);
}

enum store_col_type store_col_type(struct store_stmt *st, int col)
{
	return st->owner->be->col_type(st->impl, col);
}

void store_reset(struct store_stmt *st)
{
	st->running = 0;
	st->owner->be->reset(st->impl);
}

int64_t store_changes(struct store *s)
{
	return s->be->changes(s->conn);
}

int store_tables(struct store *s, char ***names, size_t *n, struct aiv_err *err)
{
	*names = NULL;
	*n = 0;
	return s->be->tables(s->conn, names, n, err);
}

int store_table_ids_sync(struct store *s, const char *table, struct aiv_err *err)
{
	return s->be->ids_sync ? s->be->ids_sync(s->conn, table, err) : 0;
}

int store_checkpoint(struct store *s, struct aiv_err *err)
{
	return s->be->checkpoint ? s->be->checkpoint(s->conn, err) : 0;
}

int store_autocheckpoint(struct store *s, int pages, struct aiv_err *err)
{
	return s->be->autocheckpoint ? s->be->autocheckpoint(s->conn, pages, err) : 0;
}

/* ---- memos of ledger-keyed reads (store_memo_*) ---------------------------- */

#define MEMOS 8

static struct {
	pthread_mutex_t mu;
	int enabled;
	struct memo {
		char *uri, *key, *val;
		uint64_t stamp;
		int64_t at_ms;
		uint64_t used;
	} m[MEMOS];
	uint64_t clock;
	const char *sql[4]; /* store_memo_sql's */
	size_t nsql;
	int64_t max_ms;     /* the age limit: STORE_MEMO_MAX_MS, or $AIVALUE_MEMO_MAX_MS; 0: none */
} memos = { .mu = PTHREAD_MUTEX_INITIALIZER, .max_ms = STORE_MEMO_MAX_MS };

void store_memo_enable(void)
{
	const char *v = getenv("AIVALUE_MEMO_MAX_MS");
	int64_t max_ms = STORE_MEMO_MAX_MS;

	if (v && *v) {
		char *end;
		long long n = strtoll(v, &end, 10);

		if (*end || n < 0)
			fprintf(stderr, "aivalue: AIVALUE_MEMO_MAX_MS=%s is not a number of "
				"milliseconds (0 or more); the limit stays %d ms\n", v,
				STORE_MEMO_MAX_MS);
		else
			max_ms = n;
	}
	pthread_mutex_lock(&memos.mu);
	memos.enabled = 1;
	memos.max_ms = max_ms;
	pthread_mutex_unlock(&memos.mu);
}

void store_memo_sql(const char *sql)
{
	size_t i;

	pthread_mutex_lock(&memos.mu);
	for (i = 0; i < memos.nsql && strcmp(memos.sql[i], sql); i++)
		;
	if (i == memos.nsql && memos.nsql < sizeof(memos.sql) / sizeof(memos.sql[0]))
		memos.sql[memos.nsql++] = sql;
	pthread_mutex_unlock(&memos.mu);
}

static int64_t memo_now_ms(void)
{
	return time_mono_us() / 1000;
}

int store_memo_get(struct store *s, const char *key, char *val, size_t n, uint64_t *stamp)
{
	int64_t now = memo_now_ms();
	uint64_t cur = 0;
	size_t i;
	int hit = 0, on;

	*stamp = 0;
	pthread_mutex_lock(&memos.mu);
	on = memos.enabled;
	pthread_mutex_unlock(&memos.mu);
	if (!on || s->in_tx || !s->be->state_stamp || !s->be->state_stamp(s->conn, s->uri, &cur))
		return 0;
	pthread_mutex_lock(&memos.mu);
	for (i = 0; i < MEMOS; i++) {
		struct memo *m = &memos.m[i];
		if (m->key && m->stamp == cur && !strcmp(m->key, key) && !strcmp(m->uri, s->uri) &&
		    now >= m->at_ms && (!memos.max_ms || now - m->at_ms < memos.max_ms) &&
		    strlen(m->val) < n) {
			memcpy(val, m->val, strlen(m->val) + 1);
			m->used = ++memos.clock;
			hit = 1;
			break;
		}
	}
	pthread_mutex_unlock(&memos.mu);
	if (!hit)
		*stamp = cur;
	return hit;
}

void store_memo_put(struct store *s, const char *key, uint64_t stamp, const char *val)
{
	size_t i, victim = 0;

	if (!stamp)
		return;
	pthread_mutex_lock(&memos.mu);
	for (i = 0; i < MEMOS; i++) {
		struct memo *m = &memos.m[i];
		if (!m->key || (!strcmp(m->key, key) && !strcmp(m->uri, s->uri))) {
			victim = i;
			break;
		}
		if (m->used < memos.m[victim].used)
			victim = i;
	}
	free(memos.m[victim].uri);
	free(memos.m[victim].key);
	free(memos.m[victim].val);
	memos.m[victim].uri = xstrdup(s->uri);
	memos.m[victim].key = xstrdup(key);
	memos.m[victim].val = xstrdup(val);
	memos.m[victim].stamp = stamp;
	memos.m[victim].at_ms = memo_now_ms();
	memos.m[victim].used = ++memos.clock;
	pthread_mutex_unlock(&memos.mu);
}

/* Keys per statement of store_query_in; each chunk pads to a power of two. */
#define IN_CHUNK 256

/* store_query_in's statement for keys[at...] (at most IN_CHUNK), bound; *slots: its list's length */
static struct store_stmt *prepare_in(struct store *s, const char *head, const char *arg,
				     const char *tail, const char *const *keys, size_t n,
				     size_t at, size_t *slots, struct aiv_err *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *st;
	size_t i;

	/* few distinct statement texts, so each is prepared once per connection */
	for (*slots = 1; *slots < n - at && *slots < IN_CHUNK; *slots *= 2)
		;
	strbuf_addstr(&sql, head);
	for (i = 0; i < *slots; i++)
		strbuf_addstr(&sql, i ? ", ?" : "(?");
	strbuf_addstr(&sql, ")");
	strbuf_addstr(&sql, tail);
	st = store_prepare(s, sql.buf, err);
	strbuf_release(&sql);
	if (!st)
		return NULL;
	if (arg)
		store_bind_text(st, 1, arg);
	for (i = 0; i < *slots; i++)
		if (at + i < n)
			store_bind_text(st, (int)i + 1 + !!arg, keys[at + i]);
		else
			store_bind_null(st, (int)i + 1 + !!arg); /* matches nothing */
	return st;
}

/* Each row of st (bound, maybe run already) to fn; reset. */
static int rows_to(struct store_stmt *st, store_row_fn fn, void *data, struct aiv_err *err)
{
	int rc, ret = 0;

	while ((rc = store_step(st, err)) == STORE_ROW)
		if ((ret = fn(st, data)))
			break;
	store_reset(st);
	return ret ? ret : rc < 0 ? rc : 0;
}

static int query_in_from(struct store *s, const char *head, const char *arg, const char *tail,
			 const char *const *keys, size_t n, size_t at, store_row_fn fn,
			 void *data, struct aiv_err *err)
{
	size_t slots;
	int ret;

	for (; at < n; at += slots) {
		struct store_stmt *st = prepare_in(s, head, arg, tail, keys, n, at, &slots, err);
		if (!st)
			return err->code;
		if ((ret = rows_to(st, fn, data, err)))
			return ret;
	}
	return 0;
}

int store_query_in(struct store *s, const char *head, const char *arg, const char *tail,
		   const char *const *keys, size_t n, store_row_fn fn, void *data,
		   struct aiv_err *err)
{
	return query_in_from(s, head, arg, tail, keys, n, 0, fn, data, err);
}

int store_query_in_many(struct store *s, const struct store_in *q, size_t nq,
			struct aiv_err *err)
{
	struct store_stmt **st = xcalloc(nq ? nq : 1, sizeof(*st));
	size_t *slots = xcalloc(nq ? nq : 1, sizeof(*slots));
	struct store_stmt **sent = xcalloc(nq ? nq : 1, sizeof(*sent));
	size_t i, nsent = 0;
	int ret = 0;

	/* each query's first statement, bound; then all of them at once */
	for (i = 0; i < nq && !ret; i++) {
		if (!q[i].n)
			continue;
		st[i] = prepare_in(s, q[i].head, q[i].arg, q[i].tail, q[i].keys, q[i].n, 0,
				   &slots[i], err);
		if (!st[i])
			ret = err->code;
		else
			sent[nsent++] = st[i];
	}
	if (!ret)
		store_run_many(sent, nsent);
	/* the rows in the order of q, then each query's further statements */
	for (i = 0; i < nq; i++) {
		if (!st[i])
			continue;
		if (ret) {
			store_reset(st[i]); /* not read: an earlier one failed */
			continue;
		}
		ret = rows_to(st[i], q[i].fn, q[i].data, err);
		if (!ret)
			ret = query_in_from(s, q[i].head, q[i].arg, q[i].tail, q[i].keys, q[i].n,
					    slots[i], q[i].fn, q[i].data, err);
	}
	free(st);
	free(slots);
	free(sent);
	return ret;
}

struct store_stmt *store_in_first(struct store *s, const struct store_in *q, size_t *slots,
				  struct aiv_err *err)
{
	return prepare_in(s, q->head, q->arg, q->tail, q->keys, q->n, 0, slots, err);
}

int store_in_rows(struct store *s, const struct store_in *q, struct store_stmt *st,
		  size_t slots, struct aiv_err *err)
{
	int ret = rows_to(st, q->fn, q->data, err);

	return ret ? ret : query_in_from(s, q->head, q->arg, q->tail, q->keys, q->n, slots,
					 q->fn, q->data, err);
}

int store_query_int(struct store *s, const char *sql, int64_t *out,
		    struct aiv_err *err)
{
	char v[24];
	uint64_t stamp = 0;
	size_t i;
	int ret, kept = 0;

	pthread_mutex_lock(&memos.mu);
	for (i = 0; i < memos.nsql && !kept; i++)
		kept = !strcmp(memos.sql[i], sql);
	pthread_mutex_unlock(&memos.mu);
	if (kept && store_memo_get(s, sql, v, sizeof(v), &stamp)) {
		*out = strtoll(v, NULL, 10);
		return 0;
	}
	ret = store_step_int(store_prepare(s, sql, err), out, err);
	if (!ret && stamp) {
		snprintf(v, sizeof(v), "%lld", (long long)*out);
		store_memo_put(s, sql, stamp, v);
	}
	return ret;
}

/*
 * The helpers every layer had written for itself (step_done, exec_text,
 * q_int, exists, run ...): one statement run to its first row, then reset.
 * A NULL statement (store_prepare failed) passes its error through, so
 * `store_step_done(store_prepare(...), err)` is safe.
 */
int store_step_done(struct store_stmt *st, struct aiv_err *err)
{
	int rc;

	if (!st)
		return err && err->code ? err->code : AIV_EINTERNAL;
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int store_step_row(struct store_stmt *st, struct aiv_err *err)
{
	int rc;

	if (!st)
		return err && err->code ? err->code : AIV_EINTERNAL;
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : rc == STORE_ROW;
}

int store_step_int(struct store_stmt *st, int64_t *out, struct aiv_err *err)
{
	int rc;

	*out = 0;
	if (!st)
		return err && err->code ? err->code : AIV_EINTERNAL;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		*out = store_col_int(st, 0);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int store_exec_text(struct store *s, const char *sql, const char *arg,
		    struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);

	if (st)
		store_bind_text(st, 1, arg);
	return store_step_done(st, err);
}

int store_query_int_text(struct store *s, const char *sql, const char *arg,
			 int64_t *out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);

	if (st && arg)
		store_bind_text(st, 1, arg);
	return store_step_int(st, out, err);
}

int store_exists_text(struct store *s, const char *sql, const char *arg, int *yes,
		      struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	*yes = 0;
	if (st)
		store_bind_text(st, 1, arg);
	if ((rc = store_step_row(st, err)) < 0)
		return rc;
	*yes = rc;
	return 0;
}

/* ---- bulk insert ------------------------------------------------------- */

#define BULK_MAX_COLS 128

struct store_bulk {
	struct store *s;
	struct store_stmt *st; /* the backend has no bulk hooks: the INSERT per row */
	void *impl;            /* the backend's bulk */
	int ncols, col;        /* columns, the next one to fill */
	const char *vals[BULK_MAX_COLS];
	size_t lens[BULK_MAX_COLS];
	char nums[BULK_MAX_COLS][32]; /* an int's or a double's text */
	char *hex[BULK_MAX_COLS];      /* a blob as bytea's hex text, grown as needed */
	size_t hexcap[BULK_MAX_COLS];
	int deferred;                  /* store_bulk_begin_deferred */
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return p;
}

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/*
 * "INSERT INTO t(a, b) VALUES (?, ?)" into the table, the column list as
 * written (names, commas, blanks) and the number of columns; 0, or -1 when
 * the statement is not of that form.
 */
static int parse_insert(const char *sql, char *table, size_t tn, char *cols, size_t cn,
			int *ncols)
{
	const char *p = skip_ws(sql), *q;
	int n = 1, np = 0;

	if (strncmp(p, "INSERT INTO ", 12))
		return -1;
	p = skip_ws(p + 12);
	for (q = p; ident_char(*q); q++)
		;
	if (q == p || (size_t)(q - p) >= tn)
		return -1;
	memcpy(table, p, (size_t)(q - p));
	table[q - p] = '\0';
	p = skip_ws(q);
	if (*p++ != '(')
		return -1;
	for (q = p; *q && *q != ')'; q++) {
		if (*q == ',')
			n++;
		else if (!ident_char(*q) && *q != ' ' && *q != '\t' && *q != '\n')
			return -1;
	}
	if (*q != ')' || q == p || (size_t)(q - p) >= cn)
		return -1;
	memcpy(cols, p, (size_t)(q - p));
	cols[q - p] = '\0';
	p = skip_ws(q + 1);
	if (strncmp(p, "VALUES", 6))
		return -1;
	p = skip_ws(p + 6);
	if (*p++ != '(')
		return -1;
	for (;;) {
		p = skip_ws(p);
		if (*p++ != '?')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
		np++;
		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p++ != ')')
			return -1;
		break;
	}
	p = skip_ws(p);
	if (*p == ';')
		p = skip_ws(p + 1);
	if (*p || np != n || n > BULK_MAX_COLS)
		return -1;
	*ncols = n;
	return 0;
}

static int bulk_begin(struct store *s, const char *sql, int deferred,
		      struct store_bulk **out, struct aiv_err *err)
{
	struct store_bulk *b;
	char table[64], cols[1024];
	int n;

	*out = NULL;
	if (parse_insert(sql, table, sizeof(table), cols, sizeof(cols), &n))
		return aiv_fail(err, AIV_EINTERNAL, "bulk insert: not a plain INSERT INTO"
				" table(columns) VALUES (?, ...): \"%.60s\"", sql);
	if (s->bulk)
		return aiv_fail(err, AIV_ESTATE, "bulk insert into %s: another one is running",
				table);
	b = xcalloc(1, sizeof(*b));
	b->s = s;
	b->ncols = n;
	b->deferred = deferred;
	if (s->be->bulk_begin) {
		if (!(b->impl = s->be->bulk_begin(s->conn, table, cols, deferred, err))) {
			free(b);
			return err->code;
		}
	} else if (!(b->st = store_prepare(s, sql, err))) {
		free(b);
		return err->code;
	}
	if (!deferred)
		s->bulk = b;
	*out = b;
	return 0;
}

int store_bulk_begin(struct store *s, const char *sql, struct store_bulk **out,
		     struct aiv_err *err)
{
	return bulk_begin(s, sql, 0, out, err);
}

int store_bulk_begin_deferred(struct store *s, const char *sql, struct store_bulk **out,
			      struct aiv_err *err)
{
	return bulk_begin(s, sql, 1, out, err);
}

static void bulk_put(struct store_bulk *b, const char *v, size_t n)
{
	if (b->col < b->ncols) {
		b->vals[b->col] = v;
		b->lens[b->col] = n;
	}
	b->col++;
}

void store_bulk_int(struct store_bulk *b, int64_t v)
{
	if (b->st) {
		store_bind_int(b->st, ++b->col, v);
		return;
	}
	if (b->col < b->ncols) {
		int n = snprintf(b->nums[b->col], sizeof(b->nums[0]), "%lld", (long long)v);
		bulk_put(b, b->nums[b->col], (size_t)n);
	} else {
		b->col++;
	}
}

void store_bulk_text(struct store_bulk *b, const char *v)
{
	if (b->st)
		store_bind_text(b->st, ++b->col, v);
	else
		bulk_put(b, v, v ? strlen(v) : 0);
}

void store_bulk_textn(struct store_bulk *b, const char *v, size_t n)
{
	if (b->st)
		store_bind_textn(b->st, ++b->col, v, n);
	else
		bulk_put(b, v, n);
}

/* shortest round-trip text, as pg.c sends a bound double */
void store_bulk_double(struct store_bulk *b, double v)
{
	if (b->st) {
		store_bind_double(b->st, ++b->col, v);
		return;
	}
	if (b->col < b->ncols) {
		int n = snprintf(b->nums[b->col], sizeof(b->nums[0]), "%.17g", v);
		bulk_put(b, b->nums[b->col], (size_t)n);
	} else {
		b->col++;
	}
}

/* a backend's bulk takes text: bytea's hex form, \x and two digits a byte */
void store_bulk_blob(struct store_bulk *b, const void *v, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = v;
	size_t i;
	int c = b->col;

	if (b->st) {
		store_bind_blob(b->st, ++b->col, v, n);
		return;
	}
	if (c >= b->ncols) {
		b->col++;
		return;
	}
	if (b->hexcap[c] < 2 * n + 2) {
		b->hexcap[c] = 2 * n + 2;
		b->hex[c] = xrealloc(b->hex[c], b->hexcap[c]);
	}
	b->hex[c][0] = '\\';
	b->hex[c][1] = 'x';
	for (i = 0; i < n; i++) {
		b->hex[c][2 + 2 * i] = digits[p[i] >> 4];
		b->hex[c][3 + 2 * i] = digits[p[i] & 15];
	}
	bulk_put(b, b->hex[c], 2 * n + 2);
}

void store_bulk_null(struct store_bulk *b)
{
	if (b->st)
		store_bind_null(b->st, ++b->col);
	else
		bulk_put(b, NULL, 0);
}

int store_bulk_row(struct store_bulk *b, struct aiv_err *err)
{
	int n = b->col;

	b->col = 0;
	if (n != b->ncols) {
		if (b->st)
			store_reset(b->st);
		return aiv_fail(err, AIV_EINTERNAL, "bulk insert: a row of %d values for %d columns",
				n, b->ncols);
	}
	if (b->st)
		return store_step_done(b->st, err);
	if (b->deferred && b->s->bulk)
		return aiv_fail(err, AIV_ESTATE, "bulk insert: a deferred row while another"
				" bulk insert runs");
	return b->s->be->bulk_row(b->impl, n, b->vals, b->lens, err);
}

static void bulk_free(struct store_bulk *b)
{
	int i;

	for (i = 0; i < b->ncols; i++)
		free(b->hex[i]);
	free(b);
}

int store_bulk_end(struct store_bulk *b, struct aiv_err *err)
{
	int rc = 0;

	if (!b)
		return 0;
	if (b->s->bulk == b)
		b->s->bulk = NULL;
	else if (b->impl && b->s->bulk) {
		/* deferred, and its last rows cannot go while a COPY streams */
		b->s->be->bulk_end(b->impl, "aivalue: bulk insert abandoned", err);
		bulk_free(b);
		return aiv_fail(err, AIV_ESTATE, "bulk insert: a deferred end while another"
				" bulk insert runs");
	}
	if (b->impl)
		rc = b->s->be->bulk_end(b->impl, NULL, err);
	bulk_free(b);
	return rc;
}

void store_bulk_abort(struct store_bulk *b)
{
	struct aiv_err ignored = AIV_ERR_INIT;

	if (!b)
		return;
	if (b->s->bulk == b)
		b->s->bulk = NULL;
	if (b->impl)
		b->s->be->bulk_end(b->impl, "aivalue: bulk insert abandoned", &ignored);
	else if (b->st)
		store_reset(b->st);
	bulk_free(b);
}

