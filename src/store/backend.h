/*
 * backend.h - what a storage backend implements (internal to store/).
 *
 * store.c owns the statement cache, transaction state and migrations and
 * calls down into these functions; each backend file fills one
 * struct store_backend.  Statements are opaque `void *` to store.c.
 */
#ifndef AIV_STORE_BACKEND_H
#define AIV_STORE_BACKEND_H

#include "store.h"

struct store_backend {
	const char *name;
	int (*open)(void **conn, const char *uri, unsigned flags,
		    struct aiv_err *err);
	void (*close)(void *conn);
	int (*exec)(void *conn, const char *sql, struct aiv_err *err);
	int (*begin)(void *conn, struct aiv_err *err);
	/* optional (NULL: begin): begin without waiting for the write lock (store_begin_wait) */
	int (*begin_nowait)(void *conn, struct aiv_err *err);
	void *(*prepare)(void *conn, const char *sql, struct aiv_err *err);
	void (*finalize)(void *stmt);
	void (*bind_text)(void *stmt, int idx, const char *v, size_t n);
	void (*bind_int)(void *stmt, int idx, int64_t v);
	void (*bind_double)(void *stmt, int idx, double v);
	void (*bind_blob)(void *stmt, int idx, const void *v, size_t n);
	void (*bind_null)(void *stmt, int idx);
	int (*step)(void *conn, void *stmt, struct aiv_err *err);
	/*
	 * optional (NULL: step, then COMMIT): run stmt, which returns no rows,
	 * then COMMIT, in one round trip.  0: committed.  Else the error of
	 * the statement (nothing committed) or of the COMMIT; the transaction
	 * stays open for ROLLBACK unless the connection was lost.
	 */
	int (*step_commit)(void *conn, void *stmt, struct aiv_err *err);
	/*
	 * optional (NULL: each runs at its first step): store_run_many.  Runs
	 * the n bound reads in one round trip where it can, holding each one's
	 * rows for its steps; ran[i] = 1 for each so run, 0 for one left to
	 * run at its first step.  Returns the round trips made.
	 */
	int (*run_many)(void *conn, void **stmts, size_t n, int *ran);
	const char *(*col_text)(void *stmt, int col);
	size_t (*col_bytes)(void *stmt, int col);
	const void *(*col_blob)(void *stmt, int col);
	int64_t (*col_int)(void *stmt, int col);
	double (*col_double)(void *stmt, int col);
	int (*col_is_null)(void *stmt, int col);
	int (*col_count)(void *stmt);
	const char *(*col_name)(void *stmt, int col);
	enum store_col_type (*col_type)(void *stmt, int col);
	void (*reset)(void *stmt);
	int64_t (*changes)(void *conn);
	/* application id check: 0 fresh/ours, -1 foreign database */
	int (*check_app)(void *conn, int create, struct aiv_err *err);
	/* store_tables: the workspace's tables in creation order */
	int (*tables)(void *conn, char ***names, size_t *n, struct aiv_err *err);
	/* optional (NULL: nothing to do): store_table_ids_sync */
	int (*ids_sync)(void *conn, const char *table, struct aiv_err *err);
	/* optional (NULL: nothing to do): store_checkpoint, store_autocheckpoint */
	int (*checkpoint)(void *conn, struct aiv_err *err);
	int (*autocheckpoint)(void *conn, int pages, struct aiv_err *err);
	/*
	 * optional (NULL: store.c runs the prepared INSERT per row):
	 * store_bulk_*.  begin gets a table and its column list (names only),
	 * row a row's values as text (NULL: SQL NULL), end the end or, with
	 * abort_msg, an abandoned bulk (the transaction then fails).  deferred:
	 * store_bulk_begin_deferred, other statements run between rows.
	 */
	void *(*bulk_begin)(void *conn, const char *table, const char *cols, int deferred,
			    struct aiv_err *err);
	int (*bulk_row)(void *bulk, int n, const char *const *vals, const size_t *lens,
			struct aiv_err *err);
	int (*bulk_end)(void *bulk, const char *abort_msg, struct aiv_err *err);
	/*
	 * optional (NULL: memos are never kept, every read goes to the
	 * store): store_memo_*.  1 and *stamp when the backend can tell
	 * without a round trip that the ledger and the decision log of the
	 * workspace at uri are unchanged since an earlier stamp (equal stamps:
	 * no commit that touched them was seen in between), else 0.
	 */
	int (*state_stamp)(void *conn, const char *uri, uint64_t *stamp);
	/*
	 * optional (NULL: store_data_version answers 0): store_data_version,
	 * 1 and *v when the backend can tell without a statement.
	 */
	int (*data_version)(void *conn, uint64_t *v);
};

extern const struct store_backend store_sqlite_backend;
/* store_set_memory's window and cache on a new SQLite connection; read back (sqlite.c). */
int store_sqlite_memory_apply(void *conn, struct aiv_err *err);
int store_sqlite_memory_read(void *conn, int64_t *mmap_bytes, int64_t *cache_kib);
/* The sqlite3 handle of a connection the SQLite backend opened (tests). */
void *store_sqlite_db(void *conn);
extern const struct store_backend store_pg_backend;

#endif
