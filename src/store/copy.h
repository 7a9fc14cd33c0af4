/*
 * copy.h - copy a whole workspace into another one (`aivalue migrate`).
 *
 * Works on any two stores, whatever their backends (SQLite to PostgreSQL
 * and back, SQLite to SQLite), through store.h alone: the source's tables
 * (the backend's catalog), each row's columns by name and the type of each value
 * (store_col_count/name/type).  The destination must be a workspace at
 * the same schema version with no row in any table but schema_migrations
 * (its own migration history); everything is written in one transaction
 * on it, so a failed copy leaves it as empty as it was.
 *
 * What it does not do: verify the ledger (the ledger layer sits above
 * this one; cli/migrate.c runs `audit verify` on arrival), or take a
 * snapshot of a source that others keep writing to (stop the servers
 * first; docs/deploy.md).
 */
#ifndef AIV_STORE_COPY_H
#define AIV_STORE_COPY_H

#include "core/progress.h"
#include "store.h"

struct store_copy_table {
	char *name;
	int64_t copied;    /* rows read from the source and inserted */
	int64_t src_rows;  /* count(*) in the source after the copy */
	int64_t dst_rows;  /* count(*) in the destination after the commit */
};

struct store_copy_result {
	struct store_copy_table *v; /* the source's tables, in creation order */
	size_t n;
	int64_t rows;               /* rows copied, all tables */
	int schema;                 /* the schema version of both */
};

/* Free what the result holds (not the struct); safe on a zeroed one. */
void store_copy_result_release(struct store_copy_result *res);

/*
 * Copy every table of `src` (schema_migrations aside) into `dst` in one
 * transaction on `dst`, then count the rows of each table on both sides.
 * `progress` (may be NULL) is called with the rows copied so far, about
 * every 4,096 rows, and the total the source holds.  Fails, with `dst`
 * unchanged, when the schema versions differ (AIV_ESTATE), when `dst`
 * holds any row (AIV_ESTATE, naming the table), when a table of the
 * source is missing in `dst` or a row cannot be inserted (the table and
 * the row's number in it), and when a count differs after the commit
 * (AIV_EINTERNAL; then `dst` holds the copy, to look at).  `res` is
 * filled as far as the copy got; release it in every case.
 */
int store_copy(struct store *src, struct store *dst, progress_fn progress, void *arg,
	       struct store_copy_result *res, struct aiv_err *err);

#endif
