/*
 * sqlite.c - the embedded SQLite backend (the default).
 *
 * Connection settings, applied on every open:
 *   journal_mode=WAL   readers never block the writer (the server reads
 *                      while imports write);
 *   synchronous=NORMAL durable at each checkpoint, safe against
 *                      corruption; with WAL this is SQLite's recommendation;
 *   foreign_keys=ON    references are enforced (deferred ones at commit);
 *   busy_timeout       a locked database is waited for, then reported
 *                      (AIVALUE_BUSY_TIMEOUT_MS, default 5000);
 *   mmap_size=1GiB     reads come straight from the page cache instead of
 *                      a copy per page: a full ledger verification (one
 *                      sequential scan) runs about 20 % faster.
 * The file carries application_id 0x41495641 ("AIVA") so that aivalue
 * refuses to migrate some other application's database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "backend.h"
#include "fault_vfs.h"

#define AIV_APPLICATION_ID 0x41495641

/*
 * SQLite can fail to bind a value or to hand out a column (out of memory);
 * the bind then leaves the parameter NULL and the column reads as NULL,
 * and the statement would run on with a wrong value.  Such a failure is
 * remembered here, per thread (a statement's binds, step and reads all
 * happen on one thread), and the next step or COMMIT on this thread fails
 * instead: the transaction rolls back rather than store or act on a value
 * it never had.  t0140 finds these paths by failing SQLite's allocations.
 */
static _Thread_local int lost_value;

/*
 * A connection: the SQLite handle, and the transaction statements
 * (BEGIN IMMEDIATE, COMMIT, ROLLBACK) prepared at their first use and kept
 * until the connection closes.  sqlite3_exec parsed and compiled them
 * again on every transaction: about 18,000 instructions, 8% of a lone
 * decision's commit (docs/performance.md, "MCP gateway").
 */
struct sq_conn {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *rollback;
	int busy_ms; /* the busy timeout set at open, which sq_begin_nowait puts back */
};

static sqlite3 *db_of(void *conn)
{
	return ((struct sq_conn *)conn)->db;
}

static int fail_db(sqlite3 *db, int rc, struct aiv_err *err, const char *what)
{
	int code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? AIV_EBUSY
		 : (rc == SQLITE_CONSTRAINT) ? AIV_ECONFLICT
		 : (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) ? AIV_EIO
		 : AIV_EIO;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	if (code == AIV_EBUSY)
		return aiv_fail(err, code,
				"database is locked by another process (%s)", what);
	return aiv_fail(err, code, "database error during %s: %s", what, msg);
}

static int lost(void *conn, struct aiv_err *err, const char *what)
{
	int rc = lost_value;

	lost_value = 0;
	return aiv_fail(err, AIV_EIO, "database error during %s: a value was lost (%s)",
			what, sqlite3_errstr(rc));
}

/* How long a locked database is waited for (AIVALUE_BUSY_TIMEOUT_MS, 5 s). */
static int busy_ms(void)
{
	const char *bt = getenv("AIVALUE_BUSY_TIMEOUT_MS");

	return bt ? atoi(bt) : 5000;
}

static int sq_open(void **conn, const char *uri, unsigned flags,
		   struct aiv_err *err)
{
	struct sq_conn *c;
	sqlite3 *db = NULL;
	int oflags, rc;
	struct stat st;

	if (stat(uri, &st) != 0) {
		if (!(flags & STORE_CREATE))
			return aiv_fail(err, AIV_ESTATE,
					"no workspace at '%s'; run 'aivalue init' first",
					uri);
	} else if (!S_ISREG(st.st_mode)) {
		return aiv_fail(err, AIV_EIO, "'%s' is not a regular file", uri);
	}
	oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
		 : SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	oflags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(uri, &db, oflags, fault_vfs_setup());
	if (rc != SQLITE_OK) {
		aiv_fail(err, AIV_EIO, "cannot open database '%s': %s", uri,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return AIV_EIO;
	}
	sqlite3_extended_result_codes(db, 0);
	c = xcalloc(1, sizeof(*c));
	c->db = db;
	c->busy_ms = busy_ms();
	sqlite3_busy_timeout(db, c->busy_ms);
	*conn = c;
	return 0;
}

static void sq_close(void *conn)
{
	struct sq_conn *c = conn;

	sqlite3_finalize(c->begin);
	sqlite3_finalize(c->commit);
	sqlite3_finalize(c->rollback);
	sqlite3_close_v2(c->db);
	free(c);
}

/*
 * Run one of the connection's transaction statements, *slot, prepared
 * from sql at its first use.  It is reset at once, whatever its result:
 * a failed COMMIT (a deferred foreign key, a busy database) leaves the
 * transaction open for ROLLBACK, as sqlite3_exec did, and the statement
 * ready for the next try.  The error is read before the reset.
 */
static int tx_step(struct sq_conn *c, sqlite3_stmt **slot, const char *sql, const char *what,
		   struct aiv_err *err)
{
	int rc, ret;

	if (!*slot) {
		rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(*slot);
			*slot = NULL;
			return fail_db(c->db, rc, err, what);
		}
	}
	rc = sqlite3_step(*slot);
	ret = rc == SQLITE_DONE ? 0 : fail_db(c->db, rc, err, what);
	sqlite3_reset(*slot);
	return ret;
}

static int sq_exec(void *conn, const char *sql, struct aiv_err *err)
{
	struct sq_conn *c = conn;
	int rc;

	if (!strcmp(sql, "COMMIT")) {
		if (lost_value)
			return lost(conn, err, "commit");
		return tx_step(c, &c->commit, sql, "exec", err);
	}
	if (!strcmp(sql, "ROLLBACK")) {
		lost_value = 0;	/* what was lost goes with the transaction */
		return tx_step(c, &c->rollback, sql, "exec", err);
	}
	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return fail_db(c->db, rc, err, "exec");
	return 0;
}

static int sq_begin(void *conn, struct aiv_err *err)
{
	struct sq_conn *c = conn;

	return tx_step(c, &c->begin, "BEGIN IMMEDIATE", "begin", err);
}

/* store_begin_wait(s, 0): one try, no busy handler; the handler is back after it */
static int sq_begin_nowait(void *conn, struct aiv_err *err)
{
	struct sq_conn *c = conn;
	int ret;

	sqlite3_busy_timeout(c->db, 0);
	ret = tx_step(c, &c->begin, "BEGIN IMMEDIATE", "begin", err);
	sqlite3_busy_timeout(c->db, c->busy_ms);
	return ret;
}

void *store_sqlite_db(void *conn)
{
	return db_of(conn);
}

/* store_data_version: the pager's data version, a field read (no I/O, no lock) */
static int sq_data_version(void *conn, uint64_t *v)
{
	unsigned int dv = 0;

	if (sqlite3_file_control(db_of(conn), "main", SQLITE_FCNTL_DATA_VERSION, &dv) != SQLITE_OK)
		return 0;
	*v = dv;
	return 1;
}

static void *sq_prepare(void *conn, const char *sql, struct aiv_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db_of(conn), sql, -1, SQLITE_PREPARE_PERSISTENT,
				    &st, NULL);

	if (rc != SQLITE_OK) {
		fail_db(db_of(conn), rc, err, "prepare");
		return NULL;
	}
	return st;
}

static void sq_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static void note(int rc)
{
	if (rc != SQLITE_OK)
		lost_value = rc;
}

static void sq_bind_text(void *stmt, int idx, const char *v, size_t n)
{
	note(sqlite3_bind_text(stmt, idx, v, (int)n, SQLITE_TRANSIENT));
}

static void sq_bind_int(void *stmt, int idx, int64_t v)
{
	note(sqlite3_bind_int64(stmt, idx, v));
}

static void sq_bind_double(void *stmt, int idx, double v)
{
	note(sqlite3_bind_double(stmt, idx, v));
}

static void sq_bind_blob(void *stmt, int idx, const void *v, size_t n)
{
	note(sqlite3_bind_blob(stmt, idx, v, (int)n, SQLITE_TRANSIENT));
}

static void sq_bind_null(void *stmt, int idx)
{
	note(sqlite3_bind_null(stmt, idx));
}

static int sq_step(void *conn, void *stmt, struct aiv_err *err)
{
	int rc;

	if (lost_value)
		return lost(conn, err, "step");
	rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	return fail_db(db_of(conn), rc, err, "step");
}

static const char *sq_col_text(void *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	if (!t && sqlite3_column_type(stmt, col) != SQLITE_NULL)
		lost_value = SQLITE_NOMEM;

	return t ? (const char *)t : "";
}

static size_t sq_col_bytes(void *stmt, int col)
{
	return (size_t)sqlite3_column_bytes(stmt, col);
}

static const void *sq_col_blob(void *stmt, int col)
{
	const void *b = sqlite3_column_blob(stmt, col);

	if (!b && sqlite3_column_type(stmt, col) != SQLITE_NULL && sqlite3_column_bytes(stmt, col))
		lost_value = SQLITE_NOMEM;
	return b;
}

static int64_t sq_col_int(void *stmt, int col)
{
	return sqlite3_column_int64(stmt, col);
}

static double sq_col_double(void *stmt, int col)
{
	return sqlite3_column_double(stmt, col);
}

static int sq_col_is_null(void *stmt, int col)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static int sq_col_count(void *stmt)
{
	return sqlite3_column_count(stmt);
}

static const char *sq_col_name(void *stmt, int col)
{
	const char *n = sqlite3_column_name(stmt, col);

	return n ? n : "";
}

static enum store_col_type sq_col_type(void *stmt, int col)
{
	switch (sqlite3_column_type(stmt, col)) {
	case SQLITE_INTEGER:
		return STORE_COL_INT;
	case SQLITE_FLOAT:
		return STORE_COL_DOUBLE;
	case SQLITE_TEXT:
		return STORE_COL_TEXT;
	case SQLITE_BLOB:
		return STORE_COL_BLOB;
	default:
		return STORE_COL_NULL;
	}
}

static void sq_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static int64_t sq_changes(void *conn)
{
	return sqlite3_changes64(db_of(conn));
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int sq_check_app(void *conn, int create, struct aiv_err *err)
{
	sqlite3 *db = db_of(conn);
	int app = 0, ntables = 0, rc;

	rc = pragma_int(db, "PRAGMA application_id", &app);
	if (rc == SQLITE_NOTADB)
		return aiv_fail(err, AIV_EIO,
				"'%s' is not an aivalue database (not SQLite at all)",
				sqlite3_db_filename(db, "main"));
	if (rc != SQLITE_OK)
		return fail_db(db, rc, err, "open");
	if (app == AIV_APPLICATION_ID)
		goto settings;
	rc = pragma_int(db, "SELECT count(*) FROM sqlite_schema", &ntables);
	if (rc != SQLITE_OK)
		return fail_db(db, rc, err, "open");
	if (ntables > 0 || !create)
		return aiv_fail(err, AIV_EIO,
				"'%s' is not an aivalue database (application id %#x)",
				sqlite3_db_filename(db, "main"), (unsigned)app);
	rc = sqlite3_exec(db, "PRAGMA application_id = 1095325249", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail_db(db, rc, err, "init");
settings:
	if (!sqlite3_db_readonly(db, "main")) {
		rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return fail_db(db, rc, err, "set WAL mode");
	}
	rc = sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			  " PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536;",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail_db(db, rc, err, "configure");
	return 0;
}

static int sq_tables(void *conn, char ***names, size_t *n, struct aiv_err *err)
{
	sqlite3_stmt *st;
	size_t alloc = 0;
	sqlite3 *db = db_of(conn);
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
				    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
				    -1, &st, NULL);

	if (rc != SQLITE_OK)
		return fail_db(db, rc, err, "listing tables");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(*names, *n + 1, alloc);
		(*names)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail_db(db, rc, err, "listing tables");
	return 0;
}

static int sq_checkpoint(void *conn, struct aiv_err *err)
{
	return sq_exec(conn, "PRAGMA wal_checkpoint(PASSIVE)", err);
}

static int sq_autocheckpoint(void *conn, int pages, struct aiv_err *err)
{
	int rc = sqlite3_wal_autocheckpoint(db_of(conn), pages);

	return rc == SQLITE_OK ? 0 : fail_db(db_of(conn), rc, err, "set the WAL checkpoint size");
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.begin = sq_begin,
	.begin_nowait = sq_begin_nowait,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_text = sq_bind_text,
	.bind_int = sq_bind_int,
	.bind_double = sq_bind_double,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_text = sq_col_text,
	.col_bytes = sq_col_bytes,
	.col_blob = sq_col_blob,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_is_null = sq_col_is_null,
	.col_count = sq_col_count,
	.col_name = sq_col_name,
	.col_type = sq_col_type,
	.reset = sq_reset,
	.changes = sq_changes,
	.check_app = sq_check_app,
	.tables = sq_tables,
	.checkpoint = sq_checkpoint,
	.autocheckpoint = sq_autocheckpoint,
	.data_version = sq_data_version,
};

/*
 * ---- a bounded memory footprint for long-running processes (serve) ----
 *
 * sq_open maps up to 1 GiB of the database file into the process and
 * gives each connection a 64 MiB page cache: right for a command that
 * reads the whole file once, but a server that reads every table of a
 * large workspace keeps all of it resident (the large demo's 536 MB file:
 * 700+ MiB of mapped pages after every dashboard page).  store_set_memory
 * sets, for the whole process, a smaller mmap window and page cache;
 * store_open applies them to each SQLite connection it opens from then on
 * (store_sqlite_memory_apply), and store_memory reads them back.
 */
static int64_t mem_mmap = -1, mem_cache_kib = -1; /* -1: sq_open's own */

void store_set_memory(int64_t mmap_bytes, int64_t cache_kib)
{
	__atomic_store_n(&mem_mmap, mmap_bytes, __ATOMIC_RELEASE);
	__atomic_store_n(&mem_cache_kib, cache_kib, __ATOMIC_RELEASE);
}

int store_sqlite_memory_apply(void *conn, struct aiv_err *err)
{
	int64_t mmap = __atomic_load_n(&mem_mmap, __ATOMIC_ACQUIRE);
	int64_t cache = __atomic_load_n(&mem_cache_kib, __ATOMIC_ACQUIRE);
	char sql[128];
	int rc;

	if (mmap >= 0) {
		snprintf(sql, sizeof(sql), "PRAGMA mmap_size=%lld", (long long)mmap);
		if ((rc = sqlite3_exec(db_of(conn), sql, NULL, NULL, NULL)) != SQLITE_OK)
			return fail_db(db_of(conn), rc, err, "set the mmap window");
	}
	if (cache >= 0) {
		snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%lld", (long long)cache);
		if ((rc = sqlite3_exec(db_of(conn), sql, NULL, NULL, NULL)) != SQLITE_OK)
			return fail_db(db_of(conn), rc, err, "set the page cache");
	}
	return 0;
}

int store_sqlite_memory_read(void *conn, int64_t *mmap_bytes, int64_t *cache_kib)
{
	int mm = 0, cs = 0, page = 0;
	sqlite3_stmt *st;

	/* pragma_int reads an int; mmap_size may pass 2 GiB: read it as 64 bits */
	if (sqlite3_prepare_v2(db_of(conn), "PRAGMA mmap_size", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		*mmap_bytes = sqlite3_column_int64(st, 0);
	else
		mm = -1;
	sqlite3_finalize(st);
	if (mm || pragma_int(db_of(conn), "PRAGMA cache_size", &cs) != SQLITE_OK ||
	    pragma_int(db_of(conn), "PRAGMA page_size", &page) != SQLITE_OK)
		return -1;
	/* negative: KiB; positive: pages */
	*cache_kib = cs < 0 ? -(int64_t)cs : (int64_t)cs * page / 1024;
	return 0;
}
