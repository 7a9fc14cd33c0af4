#include "aiv.h"
/*
 * pg_copy.c - store_bulk_* on PostgreSQL: the rows of one INSERT streamed
 * with COPY table(cols) FROM STDIN in text format.
 *
 * A prepared INSERT costs a round trip to the server per row; an import
 * writing a few hundred thousand rows (the usage rollup) spent nearly all
 * its wall time waiting for them.  Here the rows are escaped into a buffer
 * and sent in 64 KiB pieces (PQputCopyData); the server checks them (keys,
 * foreign keys, NOT NULL) as they arrive and reports the first failure
 * when the end is sent (PQputCopyEnd, then PQgetResult), which also fails
 * the transaction, as a failed INSERT does.  While the COPY runs the
 * connection takes no other statement: store.c refuses them.
 *
 * Text format: columns separated by a tab, rows ended by a newline, NULL
 * written \N, and a backslash, tab, newline or carriage return in a value
 * escaped with a backslash.  The table and column names come from
 * store.c's parse of the INSERT (letters, digits and '_' only).
 *
 * Deferred (store_bulk_begin_deferred): no COPY is open between rows.  The
 * rows wait in the buffer and go as one whole COPY (begin, data, end) when
 * it holds DEFER_FLUSH bytes and at the end, so other statements and other
 * deferred bulks run on the connection meanwhile.  That is what an
 * importer writing rows of four tables interleaved needs: the demo's usage
 * exports took 15 s on PostgreSQL as a round trip per row, 2 s on SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_copy.h"

#define COPY_CHUNK 65536
#define DEFER_FLUSH (1024 * 1024)

struct pg_copy {
	void *conn;
	PGconn *c;
	char *buf;
	size_t len, alloc;
	char table[64];
	char *cols;   /* deferred: the column list, for each COPY it opens */
	int deferred;
};

static void put(struct pg_copy *pc, const char *p, size_t n)
{
	if (pc->len + n > pc->alloc) {
		while (pc->len + n > pc->alloc)
			pc->alloc = pc->alloc ? pc->alloc * 2 : COPY_CHUNK * 2;
		pc->buf = xrealloc(pc->buf, pc->alloc);
	}
	memcpy(pc->buf + pc->len, p, n);
	pc->len += n;
}

/* One value, escaped for the text format. */
static void put_escaped(struct pg_copy *pc, const char *v, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		char e = 0;
		switch (v[i]) {
		case '\\': e = '\\'; break;
		case '\t': e = 't'; break;
		case '\n': e = 'n'; break;
		case '\r': e = 'r'; break;
		default: continue;
		}
		put(pc, v + run, i - run);
		put(pc, "\\", 1);
		put(pc, &e, 1);
		run = i + 1;
	}
	put(pc, v + run, n - run);
}

static int send_buf(struct pg_copy *pc, struct aiv_err *err)
{
	if (!pc->len)
		return 0;
	if (PQputCopyData(pc->c, pc->buf, (int)pc->len) != 1)
		return aiv_fail(err, AIV_EIO, "database error during COPY %s: %.*s", pc->table,
				(int)strcspn(PQerrorMessage(pc->c), "\n"), PQerrorMessage(pc->c));
	pc->len = 0;
	return 0;
}

static int flush_whole(struct pg_copy *pc, struct aiv_err *err);

static PGresult *copy_start(void *conn, const char *table, const char *cols)
{
	char *sql;
	PGresult *r;
	size_t n = strlen(table) + strlen(cols) + 32;

	sql = xmalloc(n);
	snprintf(sql, n, "COPY %s(%s) FROM STDIN", table, cols);
	r = PQexec(pg_conn_pq(conn), sql);
	free(sql);
	return r;
}

void *pg_copy_begin(void *conn, const char *table, const char *cols, int deferred,
		    struct aiv_err *err)
{
	struct pg_copy *pc;
	PGresult *r;

	if (!deferred) {
		r = copy_start(conn, table, cols);
		if (PQresultStatus(r) != PGRES_COPY_IN) {
			pg_conn_fail(conn, r, err, "COPY");
			PQclear(r);
			return NULL;
		}
		PQclear(r);
	}
	pc = xcalloc(1, sizeof(*pc));
	pc->conn = conn;
	pc->c = pg_conn_pq(conn);
	pc->deferred = deferred;
	if (deferred)
		pc->cols = xstrdup(cols);
	snprintf(pc->table, sizeof(pc->table), "%s", table);
	return pc;
}

int pg_copy_row(void *bulk, int n, const char *const *vals, const size_t *lens,
		struct aiv_err *err)
{
	struct pg_copy *pc = bulk;
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			put(pc, "\t", 1);
		if (!vals[i])
			put(pc, "\\N", 2);
		else
			put_escaped(pc, vals[i], lens[i]);
	}
	put(pc, "\n", 1);
	if (pc->deferred)
		return pc->len >= DEFER_FLUSH ? flush_whole(pc, err) : 0;
	return pc->len >= COPY_CHUNK ? send_buf(pc, err) : 0;
}

/* Send the end (or abort_msg) of the open COPY and read its result. */
static int finish_copy(struct pg_copy *pc, const char *abort_msg, struct aiv_err *err)
{
	PGresult *r;
	int ret = 0;

	if (!abort_msg && (ret = send_buf(pc, err)))
		abort_msg = "aivalue: the rows could not be sent";
	if (PQputCopyEnd(pc->c, abort_msg) != 1 && !ret)
		ret = aiv_fail(err, AIV_EIO, "database error during COPY %s: %.*s", pc->table,
			       (int)strcspn(PQerrorMessage(pc->c), "\n"), PQerrorMessage(pc->c));
	/* the COPY's result, then NULL; an aborted COPY reports its abort here */
	while ((r = PQgetResult(pc->c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !ret && !abort_msg) {
			char what[96];
			snprintf(what, sizeof(what), "COPY %s", pc->table);
			ret = pg_conn_fail(pc->conn, r, err, what);
		}
		PQclear(r);
	}
	pc->len = 0;
	return ret;
}

/* Deferred: the buffered rows as one whole COPY. */
static int flush_whole(struct pg_copy *pc, struct aiv_err *err)
{
	PGresult *r;

	if (!pc->len)
		return 0;
	r = copy_start(pc->conn, pc->table, pc->cols);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		char what[96];
		int ret;

		snprintf(what, sizeof(what), "COPY %s", pc->table);
		ret = pg_conn_fail(pc->conn, r, err, what);
		PQclear(r);
		pc->len = 0;
		return ret;
	}
	PQclear(r);
	return finish_copy(pc, NULL, err);
}

int pg_copy_end(void *bulk, const char *abort_msg, struct aiv_err *err)
{
	struct pg_copy *pc = bulk;
	int ret;

	if (pc->deferred)
		ret = abort_msg ? 0 : flush_whole(pc, err); /* abandoned: the rest is dropped */
	else
		ret = finish_copy(pc, abort_msg, err);
	free(pc->cols);
	free(pc->buf);
	free(pc);
	return ret;
}
