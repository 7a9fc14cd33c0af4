/*
 * pg_copy.h - bulk inserts on PostgreSQL with COPY ... FROM STDIN
 * (pg_copy.c), the backend side of store_bulk_* (store.h).  Internal to
 * store/: pg.c points its backend's bulk hooks here and lends its libpq
 * connection and its error reporting.
 */
#ifndef AIV_STORE_PG_COPY_H
#define AIV_STORE_PG_COPY_H

#include <libpq-fe.h>

#include "store.h"

/* from pg.c: the libpq handle of a backend connection, and its error report */
PGconn *pg_conn_pq(void *conn);
int pg_conn_fail(void *conn, PGresult *r, struct aiv_err *err, const char *what);

/* backend hooks (backend.h): start a COPY, add one row, send the end */
void *pg_copy_begin(void *conn, const char *table, const char *cols, int deferred,
		    struct aiv_err *err);
int pg_copy_row(void *bulk, int n, const char *const *vals, const size_t *lens,
		struct aiv_err *err);
int pg_copy_end(void *bulk, const char *abort_msg, struct aiv_err *err);

#endif
