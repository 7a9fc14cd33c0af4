/*
 * copy.c - copy a whole workspace into another one, table by table.
 *
 *   source (any backend)                destination (any backend)
 *   the source's tables      -->  each one must exist in dst, hold no row
 *   SELECT * FROM t          -->  INSERT INTO t(c1, ..., cn) VALUES (?, ..., ?)
 *   value by value, by type       bound as the same type (int, double, text,
 *   (store_col_type)              blob, NULL): no text round trip, so the
 *                                 bytes the ledger hashed stay the bytes
 *   ... every table ...           ids_sync(dst, t): the next id
 *                                 a backend generates follows the copied ones
 *                           COMMIT (one transaction: all or nothing)
 *   count(*) per table on both sides, compared
 *
 * Tables come in creation order, so a parent with a foreign key that is
 * not deferred is filled before its children; the deferred ones are
 * checked at the commit.  The SQL is built from the names the source
 * reports, which are checked to be plain identifiers first; nothing the
 * rows hold is ever spliced into SQL text.
 */
#include "aiv.h"

#include "copy.h"

/* rows between progress calls */
#define COPY_PROGRESS_EVERY 4096

void store_copy_result_release(struct store_copy_result *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->n; i++)
		free(res->v[i].name);
	free(res->v);
	res->v = NULL;
	res->n = 0;
}

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A name we splice into SQL: letters, digits and _, not starting with a digit. */
static int plain_identifier(const char *s)
{
	const char *p;

	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static int has_name(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

/*
 * The workspace's tables in creation order (a parent before the children
 * whose foreign keys are not deferred), the backend's own left out
 * (sqlite_*, PostgreSQL's aivalue_workspace mark).  *names: caller frees
 * each and the array.  SQLite's catalog is read in its storage order,
 * which is the order the tables were created in; PostgreSQL's by oid.
 *
 * NEEDSWORK: this and ids_sync below ask each backend's catalog by name;
 * they belong behind struct store_backend (store_tables,
 * store_table_ids_sync), asked of pg18a in tasks4/pg-notes.md.
 */
static int list_tables(struct store *s, char ***names, size_t *n, struct aiv_err *err)
{
	int pg = !strcmp(store_backend_name(s), "postgresql");
	struct store_stmt *st = store_prepare(s, pg ?
		"SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace"
		" WHERE ns.nspname = current_schema() AND c.relkind = 'r'"
		" AND c.relname <> 'aivalue_workspace' ORDER BY c.oid" :
		"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
		err);
	size_t alloc = 0;
	int rc;

	*n = 0;
	*names = NULL;
	if (!st)
		return err->code ? err->code : AIV_EIO;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(*names, *n + 1, alloc);
		(*names)[(*n)++] = xstrdup(store_col_text(st, 0));
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/*
 * After rows came in with their ids: make the ids the database generates
 * next follow the largest copied (PostgreSQL's identity columns keep a
 * sequence; SQLite takes max(id) + 1 by itself).  An empty table leaves
 * its sequence alone (setval of NULL does nothing).
 */
static int ids_sync(struct store *s, const char *table, struct aiv_err *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *st;
	char **cols = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (strcmp(store_backend_name(s), "postgresql"))
		return 0;
	st = store_prepare(s, "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass"
			   " AND attidentity <> '' AND NOT attisdropped ORDER BY attnum", err);
	if (!st)
		return err->code ? err->code : AIV_EIO;
	store_bind_text(st, 1, table);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(cols, n + 1, alloc);
		cols[n++] = xstrdup(store_col_text(st, 0));
	}
	store_reset(st);
	if (rc < 0)
		ret = rc;
	for (i = 0; i < n; i++) {
		if (!ret && plain_identifier(cols[i])) {
			strbuf_reset(&sql);
			strbuf_addf(&sql, "SELECT setval(pg_get_serial_sequence('%s', '%s'), max(%s))"
				    " FROM %s", table, cols[i], cols[i], table);
			if ((rc = store_step_row(store_prepare(s, sql.buf, err), err)) < 0) {
				aiv_err_prefix(err, "table '%s': moving the sequence of '%s'", table,
					       cols[i]);
				ret = rc;
			}
		}
		free(cols[i]);
	}
	free(cols);
	strbuf_release(&sql);
	return ret;
}

/* count(*) of `table` into *out. */
static int count_rows(struct store *s, const char *table, int64_t *out, struct aiv_err *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addf(&sql, "SELECT count(*) FROM %s", table);
	ret = store_query_int(s, sql.buf, out, err);
	strbuf_release(&sql);
	return ret;
}

/* *yes = 1 when `table` holds at least one row. */
static int any_row(struct store *s, const char *table, int *yes, struct aiv_err *err)
{
	struct strbuf sql = STRBUF_INIT;
	int rc;

	strbuf_addf(&sql, "SELECT 1 FROM %s LIMIT 1", table);
	rc = store_step_row(store_prepare(s, sql.buf, err), err);
	strbuf_release(&sql);
	if (rc < 0)
		return rc;
	*yes = rc;
	return 0;
}

/*
 * The INSERT for the columns of the row `rd` stands on, by name (the two
 * sides may order a table's columns differently), into sql.
 */
static int insert_sql(const char *table, struct store_stmt *rd, struct strbuf *sql,
		      struct aiv_err *err)
{
	int i, ncol = store_col_count(rd);

	strbuf_addf(sql, "INSERT INTO %s(", table);
	for (i = 0; i < ncol; i++) {
		const char *c = store_col_name(rd, i);

		if (!c || !plain_identifier(c))
			return aiv_fail(err, AIV_EINPUT, "table '%s': column %d has a name that is "
					"not a plain identifier ('%s')", table, i + 1, c ? c : "");
		strbuf_addf(sql, "%s%s", i ? ", " : "", c);
	}
	strbuf_addstr(sql, ") VALUES (");
	for (i = 0; i < ncol; i++)
		strbuf_addstr(sql, i ? ", ?" : "?");
	strbuf_addch(sql, ')');
	return 0;
}

/* Add the values of the row `rd` stands on to `b`, each as its own type. */
static void add_row(struct store_bulk *b, struct store_stmt *rd)
{
	int i, ncol = store_col_count(rd);

	for (i = 0; i < ncol; i++) {
		switch (store_col_type(rd, i)) {
		case STORE_COL_INT:
			store_bulk_int(b, store_col_int(rd, i));
			break;
		case STORE_COL_DOUBLE:
			store_bulk_double(b, store_col_double(rd, i));
			break;
		case STORE_COL_TEXT:
			store_bulk_textn(b, store_col_text(rd, i), store_col_bytes(rd, i));
			break;
		case STORE_COL_BLOB:
			store_bulk_blob(b, store_col_blob(rd, i), store_col_bytes(rd, i));
			break;
		case STORE_COL_NULL:
		default:
			store_bulk_null(b);
			break;
		}
	}
}

struct copy_progress {
	progress_fn fn;
	void *arg;
	uint64_t done, total;
};

/*
 * Copy the rows of one table; t->copied counts them.  They go in as one
 * bulk insert (store_bulk_*: COPY on PostgreSQL, not a round trip per row),
 * so a failing row may be reported at the end of the table.
 */
static int copy_table(struct store *src, struct store *dst, struct store_copy_table *t,
		      struct copy_progress *pr, struct aiv_err *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *rd;
	struct store_bulk *b = NULL;
	int rc, ret = 0;

	strbuf_addf(&sql, "SELECT * FROM %s", t->name);
	rd = store_prepare(src, sql.buf, err);
	strbuf_reset(&sql);
	if (!rd) {
		strbuf_release(&sql);
		return err->code ? err->code : AIV_EIO;
	}
	while ((rc = store_step(rd, err)) == STORE_ROW) {
		if (!b && ((ret = insert_sql(t->name, rd, &sql, err)) ||
			   (ret = store_bulk_begin(dst, sql.buf, &b, err))))
			break;
		add_row(b, rd);
		if ((ret = store_bulk_row(b, err))) {
			aiv_err_prefix(err, "table '%s', row %lld", t->name,
				       (long long)t->copied + 1);
			break;
		}
		t->copied++;
		if (pr->fn && ++pr->done % COPY_PROGRESS_EVERY == 0)
			pr->fn(pr->arg, pr->done, pr->total);
	}
	strbuf_release(&sql);
	if (!ret && rc < 0) {
		aiv_err_prefix(err, "reading table '%s'", t->name);
		ret = rc;
	}
	store_reset(rd);
	if (ret) {
		store_bulk_abort(b);
		return ret;
	}
	if ((ret = store_bulk_end(b, err)))
		aiv_err_prefix(err, "table '%s'", t->name);
	return ret;
}

/* Before anything is written: same schema, every table there and empty. */
static int check_destination(struct store *src, struct store *dst, char **names, size_t n,
			     struct aiv_err *err)
{
	char **dnames = NULL;
	size_t dn = 0, i;
	int ret, yes = 0;

	if (store_schema_version(src) != store_schema_version(dst))
		return aiv_fail(err, AIV_ESTATE, "the source is at schema version %d and the "
				"destination at %d; open the older one with this aivalue first "
				"(e.g. 'aivalue --db URI audit verify'), which upgrades it",
				store_schema_version(src), store_schema_version(dst));
	if ((ret = list_tables(dst, &dnames, &dn, err)))
		return ret;
	for (i = 0; i < n && !ret; i++)
		if (strcmp(names[i], "schema_migrations") && !has_name(dnames, dn, names[i]))
			ret = aiv_fail(err, AIV_ESTATE, "the destination has no table '%s'",
				       names[i]);
	for (i = 0; i < dn && !ret; i++) {
		if (!strcmp(dnames[i], "schema_migrations"))
			continue;
		if (!plain_identifier(dnames[i]))
			ret = aiv_fail(err, AIV_EINPUT, "the destination has a table whose name "
				       "is not a plain identifier ('%s')", dnames[i]);
		else if (!(ret = any_row(dst, dnames[i], &yes, err)) && yes)
			ret = aiv_fail(err, AIV_ESTATE, "the destination is not empty: table "
				       "'%s' holds rows; migrate copies into a new workspace only",
				       dnames[i]);
	}
	free_names(dnames, dn);
	return ret;
}

int store_copy(struct store *src, struct store *dst, progress_fn progress, void *arg,
	       struct store_copy_result *res, struct aiv_err *err)
{
	struct copy_progress pr = { progress, arg, 0, 0 };
	char **names = NULL;
	size_t n = 0, i;
	int ret;

	memset(res, 0, sizeof(*res));
	res->schema = store_schema_version(src);
	if ((ret = list_tables(src, &names, &n, err)))
		return ret;
	for (i = 0; i < n; i++)
		if (!plain_identifier(names[i])) {
			ret = aiv_fail(err, AIV_EINPUT, "the source has a table whose name is not "
				       "a plain identifier ('%s')", names[i]);
			goto cleanup;
		}
	if ((ret = check_destination(src, dst, names, n, err)))
		goto cleanup;
	res->v = xcalloc(n ? n : 1, sizeof(*res->v));
	for (i = 0; i < n; i++) {
		int64_t c = 0;

		if (!strcmp(names[i], "schema_migrations"))
			continue;
		res->v[res->n].name = xstrdup(names[i]);
		if ((ret = count_rows(src, names[i], &c, err)))
			goto cleanup;
		res->v[res->n++].src_rows = c;
		pr.total += (uint64_t)c;
	}

	if ((ret = store_begin(dst, err)))
		goto cleanup;
	for (i = 0; i < res->n; i++) {
		if ((ret = copy_table(src, dst, &res->v[i], &pr, err)) ||
		    (ret = ids_sync(dst, res->v[i].name, err))) {
			store_rollback(dst);
			goto cleanup;
		}
		res->rows += res->v[i].copied;
	}
	if ((ret = store_commit(dst, err))) {
		aiv_err_prefix(err, "committing the copy");
		store_rollback(dst);
		goto cleanup;
	}
	if (progress)
		progress(arg, pr.done, pr.total);

	for (i = 0; i < res->n; i++) {
		struct store_copy_table *t = &res->v[i];

		if ((ret = count_rows(src, t->name, &t->src_rows, err)) ||
		    (ret = count_rows(dst, t->name, &t->dst_rows, err)))
			goto cleanup;
		if (t->dst_rows != t->copied || t->src_rows != t->copied) {
			ret = aiv_fail(err, AIV_EINTERNAL, "table '%s': %lld rows copied, but the "
				       "source holds %lld and the destination %lld (was the source "
				       "written to during the copy?)", t->name,
				       (long long)t->copied, (long long)t->src_rows,
				       (long long)t->dst_rows);
			goto cleanup;
		}
	}
cleanup:
	free_names(names, n);
	return ret;
}
