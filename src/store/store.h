/*
 * store.h - the one door to aivalue's database.
 *
 * Callers speak a small, portable SQL subset through prepared statements:
 * `?` placeholders (the PostgreSQL backend renumbers them to $1..$n),
 * TEXT / INTEGER / REAL / BLOB columns, INSERT ... ON CONFLICT DO UPDATE,
 * no backend-only functions.  No caller ever sees a sqlite3 or PGconn
 * handle, so a second backend is a new file behind `struct store_backend`
 * (like redis's ae_epoll.c / ae_select.c behind ae.h) and touches no caller.
 *
 *      caller --> store.c (statement cache, transactions, migrations)
 *                    |
 *                    +--> sqlite.c   (default: embedded file, WAL)
 *                    +--> pg.c       (postgres://..., later)
 *
 * Ownership: a store_stmt returned by store_prepare() is borrowed from the
 * store's statement cache; it stays valid until store_close().  Callers
 * bind, step, read columns (column pointers are valid until the next step
 * or reset) and must call store_reset() when done with it.
 *
 * A store handle is used by one thread at a time; the server opens one
 * per worker thread.
 *
 * Schema: each layer owns its tables and the migrations that create them,
 * in its own folder (src/<layer>/<layer>_schema.c, one struct store_schema
 * each).  The program registers them once at start-up, in layer order
 * (cli_register_schema), before it opens a store; store_open() then runs
 * every migration the workspace lacks.  Versions are one global history
 * (table schema_migrations): the parts of one version that several layers
 * hold run in one transaction, in layer order, and are recorded as one row
 * named by the first part.  So a version number is unique across layers,
 * except where one change spans layers on purpose.
 */
#ifndef AIV_STORE_H
#define AIV_STORE_H

#include "aiv.h"

struct store;
struct store_stmt;

enum store_open_flags {
	STORE_CREATE = 1 << 0,   /* create the workspace if missing */
	STORE_READONLY = 1 << 1, /* never write, never migrate */
};

enum store_step_result {
	STORE_DONE = 0,
	STORE_ROW = 1,
};

struct store_migration {
	int version;      /* global, ascending; never reused */
	const char *name; /* what it does; the first part's name is recorded */
	const char *sql;  /* portable DDL, several statements allowed */
	/*
	 * Optional, run after `sql` by the SQLite backend only: filling new
	 * columns of rows that an older SQLite workspace already holds, where
	 * that needs SQLite's own words (rowid: the insertion order).  A
	 * workspace on another backend is created at the current schema, so
	 * it has no such rows.  Write it as STORE_SQLITE("...") so that
	 * tools/check-sql knows the SQLite-only text is meant.
	 */
	const char *sqlite_backfill;
};

#define STORE_SQLITE(sql) (sql)

/*
 * A step of migration `version` that only C can do (filling a new table
 * from rows SQL cannot read, such as columnar blocks): run after that
 * version's SQL, on every backend, inside its transaction.  Registered
 * at start-up like the schemas (cli_register_schema); 0 or a negative
 * code with err set.
 */
typedef int (*store_fill_fn)(struct store *s, struct aiv_err *err);
void store_fill_register(int version, store_fill_fn fn);

struct store_schema {
	const char *layer; /* the owning folder under src/, for messages */
	const struct store_migration *migrations;
	int count;
};

#define STORE_SCHEMA_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * Add a layer's migrations.  Call in layer order, before any store_open;
 * not thread-safe (start-up only).  Registering the same schema twice is a
 * no-op.  `schema` is borrowed and must outlive every store (static data).
 */
void store_schema_register(const struct store_schema *schema);

/*
 * Open the workspace at `uri`: a SQLite file path, or a PostgreSQL URI
 * (postgres://... or postgresql://..., libpq's conventions: PGPASSFILE,
 * sslmode, service files; the database must exist).
 * Without STORE_CREATE a missing file is an error telling the user to run
 * 'aivalue init'.  A file that is not an aivalue database is refused.
 * Pending schema migrations are applied in one transaction.
 * On success *out is a new handle (free with store_close).
 */
int store_open(struct store **out, const char *uri, unsigned flags,
	       struct aiv_err *err);
/*
 * With $AIVALUE_STORE_STATS set, prints "aivalue: store: N statements" on
 * stderr: what this handle ran (each BEGIN, COMMIT, ROLLBACK, store_exec
 * text and execution of a prepared statement; a round trip each on
 * PostgreSQL), then "aivalue: store: M round trips": the waits for the
 * server among them (fewer where statements went together: store_step_commit,
 * store_run_many; the same as N on SQLite).  Tests count statements and
 * round trips with it (t9086, t9088, t9089).  AIVALUE_STORE_STATS=sql adds
 * "aivalue: store: K runs: SQL" for each prepared statement that ran (t9089
 * leaves out the token and kept-value reads that a 1 s limit repeats).
 */
void store_close(struct store *s);
/* The statements this handle ran so far, as AIVALUE_STORE_STATS counts them. */
int64_t store_statements(const struct store *s);
/* The round trips among them (store_step_commit and store_run_many batch statements). */
int64_t store_round_trips(const struct store *s);
/* 1 if `uri` names a PostgreSQL database (postgres:// or postgresql://). */
int store_is_pg_uri(const char *uri);
/* "sqlite" or "postgresql". */
const char *store_backend_name(const struct store *s);
const char *store_uri(const struct store *s);
/*
 * For the rest of the process, give each SQLite connection store_open
 * opens a mmap window of mmap_bytes and a page cache of cache_kib KiB
 * (-1: the default, 1 GiB and 64 MiB); PostgreSQL connections are not
 * affected.  `aivalue serve` bounds its footprint with it.
 * store_memory reads a connection's two back: 0, or -1 when not SQLite.
 */
void store_set_memory(int64_t mmap_bytes, int64_t cache_kib);
int store_memory(struct store *s, int64_t *mmap_bytes, int64_t *cache_kib);
/* Schema version after migrations, and the newest one this build knows. */
int store_schema_version(const struct store *s);
int store_schema_latest(void);

/* Write transaction (SQLite: BEGIN IMMEDIATE; waits up to the busy timeout). */
int store_begin(struct store *s, struct aiv_err *err);
/*
 * store_begin_wait: whether this handle's store_begin waits for another
 * connection's write lock (1, the default) or fails at once with
 * AIV_EBUSY (0; SQLite only: PostgreSQL's lock is held only for another
 * server's commit, and its begin waits as before).  A thread that serves
 * other connections besides the one it commits for must not sleep there.
 * store_begin_failed: 1 if the last store_begin since store_begin_wait
 * failed, so that nothing of the transaction ran.
 */
void store_begin_wait(struct store *s, int wait);
int store_begin_failed(const struct store *s);
/*
 * store_begin_early: store_begin now, for a transaction whose content is
 * decided once the write lock is held (the decide writer takes its queue
 * then: what arrived while it waited for another server's commit joins
 * this one).  The next store_begin on the handle adopts it (returns 0
 * without a second BEGIN); commit and rollback end it as usual.  When
 * the early BEGIN failed, the next store_begin returns its error without
 * trying again (a lock wait that timed out is not waited for twice).
 */
int store_begin_early(struct store *s, struct aiv_err *err);
/* After the transaction: an early BEGIN nobody adopted is rolled back, a failure forgotten. */
void store_early_done(struct store *s);
/*
 * Run st (an INSERT, UPDATE or DELETE: no rows) as the transaction's last
 * statement, then commit: on PostgreSQL both in one round trip (libpq's
 * pipeline mode).  0: committed.  An error of st or of the COMMIT leaves
 * the transaction open for store_rollback, as store_step and store_commit
 * do; nothing of it is committed when st failed.  Counted as two
 * statements.  st is reset.
 */
int store_step_commit(struct store_stmt *st, struct aiv_err *err);
/*
 * Run n prepared and bound reads (SELECTs, distinct statements) now,
 * outside a write transaction: on PostgreSQL in one round trip (libpq's
 * pipeline mode), so that several independent reads of one page cost one
 * wait for the server instead of n.  Each statement's store_step then
 * returns its rows as usual, and store_reset ends it.  Never fails: a
 * statement that could not run so (an error, a server away, a
 * transaction open, SQLite, where a round trip costs nothing) runs at its
 * first step, which reports its error.  Counted as n statements.
 */
void store_run_many(struct store_stmt *const *sts, size_t n);
/*
 * 1 when store_run_many sends statements together (PostgreSQL), 0 when
 * each runs at its step anyway (SQLite): for a caller that would read
 * ahead, or read more in one statement, only to save a round trip.
 */
int store_batches(const struct store *s);
int store_commit(struct store *s, struct aiv_err *err);
void store_rollback(struct store *s);
int store_in_tx(const struct store *s);
/*
 * The open transaction's number, unique among every handle's transactions
 * in this process (0: none open): a value kept for "this transaction"
 * is stale once the number differs.
 */
uint64_t store_tx(const struct store *s);
/*
 * Whether any connection (of any process) committed to the database,
 * told without running a statement: 1 and *v, a number that changes with
 * every commit this handle sees, its own included; 0 when the backend
 * cannot tell that way (PostgreSQL).  Current inside a transaction (its
 * start looked at the database); between transactions, as of the last
 * one's end.  So two values read, one after a transaction ended and one
 * inside the next, are equal only if no other connection committed in
 * between (SQLite's SQLITE_FCNTL_DATA_VERSION).
 */
int store_data_version(struct store *s, uint64_t *v);

/* Run SQL text with no parameters (may hold several statements). */
int store_exec(struct store *s, const char *sql, struct aiv_err *err);

/* Borrowed, cached prepared statement for `sql`; NULL and err on failure. */
struct store_stmt *store_prepare(struct store *s, const char *sql,
				 struct aiv_err *err);
/* Bind parameter `idx` (1-based).  A NULL text binds SQL NULL. */
void store_bind_text(struct store_stmt *st, int idx, const char *v);
void store_bind_textn(struct store_stmt *st, int idx, const char *v, size_t n);
void store_bind_int(struct store_stmt *st, int idx, int64_t v);
void store_bind_double(struct store_stmt *st, int idx, double v);
void store_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n);
void store_bind_null(struct store_stmt *st, int idx);
/* STORE_ROW, STORE_DONE, or a negative code with err filled. */
int store_step(struct store_stmt *st, struct aiv_err *err);
/* Column accessors (0-based).  Text is "" for NULL unless _is_null. */
const char *store_col_text(struct store_stmt *st, int col);
size_t store_col_bytes(struct store_stmt *st, int col);
const void *store_col_blob(struct store_stmt *st, int col);
int64_t store_col_int(struct store_stmt *st, int col);
double store_col_double(struct store_stmt *st, int col);
int store_col_is_null(struct store_stmt *st, int col);
/*
 * Column introspection, for a generic copy between workspaces (migrate):
 * how many columns a row has, each one's name (borrowed, valid while the
 * statement is), and the type of the value in the current row.  SQLite
 * types values, not columns, so the type is asked per row; PostgreSQL
 * answers from the column's declared type (NULL when the value is).
 */
enum store_col_type {
	STORE_COL_NULL = 0,
	STORE_COL_INT,
	STORE_COL_DOUBLE,
	STORE_COL_TEXT,
	STORE_COL_BLOB,
};
int store_col_count(struct store_stmt *st);
const char *store_col_name(struct store_stmt *st, int col);
enum store_col_type store_col_type(struct store_stmt *st, int col);
/*
 * The workspace's tables in creation order (a parent before its
 * children), the backend's own (sqlite_*, aivalue_workspace) left out;
 * schema_migrations is included.  *names: caller frees each and the array.
 */
int store_tables(struct store *s, char ***names, size_t *n, struct aiv_err *err);
/*
 * After rows were inserted with explicit ids: the next id the backend
 * generates follows the largest (PostgreSQL: setval of each identity
 * column's sequence; SQLite: nothing to do, it takes max + 1 itself).
 */
int store_table_ids_sync(struct store *s, const char *table, struct aiv_err *err);
/* Reset the statement and clear its bindings; it stays in the cache. */
void store_reset(struct store_stmt *st);
/* Rows changed by the last INSERT/UPDATE/DELETE on this handle. */
int64_t store_changes(struct store *s);

/*
 * Write-ahead log upkeep, for a long-running writer (the HTTP decision
 * writer): store_checkpoint copies what it can of the log into the
 * database without waiting for readers or writers (SQLite: a passive
 * checkpoint); store_autocheckpoint sets the log size in pages at which
 * this handle's commits checkpoint by themselves.  No-ops (0) on a
 * backend without such a log.
 */
int store_checkpoint(struct store *s, struct aiv_err *err);
int store_autocheckpoint(struct store *s, int pages, struct aiv_err *err);

/*
 * Rows for many text keys in few statements: runs head "(?, ?, ...)" tail
 * with arg bound as ?1 unless NULL (a parameter in head, before the list)
 * and the keys bound in order after it, up to 256 per statement, each list padded
 * with NULLs (which match nothing) to a power of two so that each text is
 * prepared once per connection, and calls fn(st, data) per row (a nonzero
 * return stops and is returned).  head ends with "... IN ", e.g. "SELECT
 * a, b FROM t WHERE k IN "; tail is appended after the list ("" for
 * none) and holds no parameter.  n = 0 runs nothing.
 */
typedef int (*store_row_fn)(struct store_stmt *st, void *data);
int store_query_in(struct store *s, const char *head, const char *arg, const char *tail,
		   const char *const *keys, size_t n, store_row_fn fn, void *data,
		   struct aiv_err *err);
/*
 * Several store_query_in at once: each one's first statement (its first
 * 256 keys) for all of them in one round trip on PostgreSQL
 * (store_run_many), then each query's rows to its fn, in the order of q,
 * and its further statements, if any, as store_query_in runs them.  The
 * first error (or nonzero fn) stops and is returned.  A query with n = 0
 * runs nothing.  The statement texts must differ.
 */
struct store_in {
	const char *head, *arg, *tail;
	const char *const *keys;
	size_t n;
	store_row_fn fn;
	void *data;
};
int store_query_in_many(struct store *s, const struct store_in *q, size_t nq,
			struct aiv_err *err);
/*
 * store_query_in_many's two halves, for a caller that sends a store_in's
 * first statement with statements of its own (store_run_many):
 * store_in_first prepares and binds it (*slots for store_in_rows), NULL
 * with err set when that fails (q->n > 0); store_in_rows hands its rows
 * (run already or not) and those of q's further statements to q->fn and
 * resets it.  A first statement not wanted after all: store_reset.
 */
struct store_stmt *store_in_first(struct store *s, const struct store_in *q, size_t *slots,
				  struct aiv_err *err);
int store_in_rows(struct store *s, const struct store_in *q, struct store_stmt *st,
		  size_t slots, struct aiv_err *err);

/*
 * Memos of reads that change only when the ledger or the decision log
 * changes (the ledger's head, the log's last seq), kept per process
 * between requests, so that a server does not ask the database again
 * while nothing was committed to them.  Only where the backend can
 * tell that without a round trip (backend state_stamp: PostgreSQL's
 * LISTEN/NOTIFY, pg.c) and only after store_memo_enable (a long-running
 * server; a command would pay the listening connection for nothing).
 * SQLite reads its file each time (as cheap as the check).
 *   store_memo_get: 1 and the value of key (NUL-terminated, at most n
 *     bytes) when it was put under the stamp that is current now, less
 *     than STORE_MEMO_MAX_MS ago; else 0 and *stamp, the stamp to put a
 *     fresh read under (read before it), or 0: keep nothing.  Never in a
 *     transaction (a writer reads under its lock).  key: any text,
 *     e.g. the statement's.
 *   store_memo_put: keep val for key under stamp (nothing when stamp is 0).
 * $AIVALUE_MEMO_MAX_MS, read by store_memo_enable, sets the age limit in
 * ms (0: none, a memo lasts until the stamp moves): for tests that count
 * statements, whose counts must not depend on how fast requests come (t9090).
 */
#define STORE_MEMO_MAX_MS 1000
void store_memo_enable(void);
/*
 * store_query_int(sql) reads through the memos: sql (a static text) reads
 * only the ledger or the decision log, whose changes the backend watches.
 */
void store_memo_sql(const char *sql);
int store_memo_get(struct store *s, const char *key, char *val, size_t n, uint64_t *stamp);
void store_memo_put(struct store *s, const char *key, uint64_t stamp, const char *val);

/* Convenience: run `sql` (no parameters) and read one integer (0 if no row). */
int store_query_int(struct store *s, const char *sql, int64_t *out,
		    struct aiv_err *err);

/*
 * Step helpers: each steps a bound statement once and resets it, so the
 * statement is ready for its next use whatever happened.  A NULL `st` (a
 * failed store_prepare) returns the error already in `err`.
 *   store_step_done: for writes; 0 or a negative code.
 *   store_step_row:  1 if a row came back, 0 if none, negative on error.
 *   store_step_int:  *out = first column of the first row (0 if none);
 *                    0 or a negative code.
 */
int store_step_done(struct store_stmt *st, struct aiv_err *err);
int store_step_row(struct store_stmt *st, struct aiv_err *err);
int store_step_int(struct store_stmt *st, int64_t *out, struct aiv_err *err);
/* Prepare `sql`, bind `arg` (NULL binds SQL NULL) as ?1, run to done. */
int store_exec_text(struct store *s, const char *sql, const char *arg,
		    struct aiv_err *err);
/* Prepare `sql`, bind `arg` as ?1, run: *yes = 1 if a row came back; 0 or the error. */
int store_exists_text(struct store *s, const char *sql, const char *arg, int *yes,
		      struct aiv_err *err);
/* Prepare `sql`, bind `arg` as ?1 unless NULL, read one integer (0 if no row). */
int store_query_int_text(struct store *s, const char *sql, const char *arg,
			 int64_t *out, struct aiv_err *err);

/*
 * Bulk insert: many rows of one INSERT in the open transaction.  `sql` is
 * a plain "INSERT INTO table(col, ...) VALUES (?, ...)", one placeholder
 * per column (no ON CONFLICT, no RETURNING, no expression): anything else
 * is AIV_EINTERNAL on every backend.  Add each row's values in column order
 * with store_bulk_int/text/null (text is copied by store_bulk_row), then
 * store_bulk_row.  SQLite runs the prepared INSERT per row; PostgreSQL
 * streams the rows with COPY ... FROM STDIN (pg_copy.c), about one round
 * trip per 64 KiB instead of one per row, so a key or constraint failure
 * may be reported by store_bulk_end rather than by the row that caused it.
 * Either way a failure leaves the transaction to roll back.  Between begin
 * and end/abort nothing else may run on the store (PostgreSQL's connection
 * is busy with the COPY): store_prepare fails with AIV_ESTATE meanwhile.
 * store_bulk_end and store_bulk_abort free the bulk, also on error.
 */
struct store_bulk;
int store_bulk_begin(struct store *s, const char *sql, struct store_bulk **out,
		     struct aiv_err *err);
/*
 * Deferred bulk insert: as store_bulk_begin, but other statements (and
 * other deferred bulks) may run while it is open, so that an importer can
 * write rows of several tables as it parses.  PostgreSQL keeps the rows in
 * memory and sends them as one whole COPY each 1 MiB and at store_bulk_end;
 * SQLite inserts each row at store_bulk_row.  So a row may not be in its
 * table before store_bulk_end: read the table only after it.  A key or
 * constraint failure may be reported by a later row or by the end.
 */
int store_bulk_begin_deferred(struct store *s, const char *sql, struct store_bulk **out,
			      struct aiv_err *err);
void store_bulk_int(struct store_bulk *b, int64_t v);
void store_bulk_text(struct store_bulk *b, const char *v);
void store_bulk_textn(struct store_bulk *b, const char *v, size_t n);
void store_bulk_double(struct store_bulk *b, double v);
void store_bulk_blob(struct store_bulk *b, const void *v, size_t n);
void store_bulk_null(struct store_bulk *b);
int store_bulk_row(struct store_bulk *b, struct aiv_err *err);
int store_bulk_end(struct store_bulk *b, struct aiv_err *err);
void store_bulk_abort(struct store_bulk *b);

#endif
