#include "aiv.h"
/*
 * pg_lazy.c - libpq, opened the first time a postgresql:// workspace is
 * used instead of at every start of the program (core/lazy.h).
 *
 * libpq pulls in Kerberos, LDAP and GnuTLS; linked the usual way they
 * were mapped and relocated by every command, also by the SQLite ones
 * that are nearly all of them (t0005).  pg.c is unchanged and includes
 * libpq-fe.h, so types and constants are libpq's own; it calls
 * pg_lazy_ready() before its first libpq call, so that a missing library
 * is one clear error.  Should a forwarder be reached without the library
 * it fails the way libpq reports failure (NULL, 0, a bad status).
 */
#include <pthread.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "core/lazy.h"
#include "pg_lazy.h"

#define PQ_SONAME "libpq.so.5"

/* every function pg.c calls, with the type of libpq's own declaration */
#define LAZY_PQ(X)                                                                     \
	X(PQclear) X(PQexec) X(PQresultStatus) X(PQgetvalue) X(PQftype) X(PQfreemem)    \
	X(PQcmdTuples) X(PQntuples) X(PQresultErrorField) X(PQfinish) X(PQprepare)    \
	X(PQnfields) X(PQgetisnull) X(PQescapeLiteral) X(PQescapeIdentifier)          \
	X(PQerrorMessage) X(PQdb) X(PQconnectdb) X(PQconnectdbParams) X(PQcmdStatus) X(PQunescapeBytea)    \
	X(PQtransactionStatus) X(PQstatus) X(PQsetNoticeProcessor) X(PQgetlength)     \
	X(PQfname) X(PQexecPrepared) X(PQexecParams) X(PQconninfoParse)               \
	X(PQconninfoFree) X(PQreset) X(PQconsumeInput) X(PQputCopyData) X(PQputCopyEnd)     \
	X(PQgetResult) X(PQenterPipelineMode) X(PQexitPipelineMode) X(PQpipelineSync)      \
	X(PQpipelineStatus)                                                         \
	X(PQsendQueryPrepared) X(PQsendQueryParams) X(PQnotifies) X(PQsocket)

#define LAZY_FIELD(name) __typeof__(&name) name;
static struct {
	LAZY_PQ(LAZY_FIELD)
	char why[256]; /* empty when the library and every symbol loaded */
} lz;
static pthread_once_t lz_once = PTHREAD_ONCE_INIT;
#define LAZY_PQ_SYM(name) LAZY_SYM_OF(lz, name)

static void lazy_load_once(void)
{
	static const struct lazy_sym syms[] = { LAZY_PQ(LAZY_PQ_SYM) };

	lazy_open("a postgresql:// workspace", PQ_SONAME, syms, sizeof(syms) / sizeof(syms[0]),
		  lz.why, sizeof(lz.why));
}

static int loaded(void)
{
	pthread_once(&lz_once, lazy_load_once);
	return !lz.why[0];
}

const char *pg_lazy_ready(void)
{
	return loaded() ? NULL : lz.why;
}

void PQclear(PGresult *res)
{
	if (loaded())
		lz.PQclear(res);
}

PGpipelineStatus PQpipelineStatus(const PGconn *conn)
{
	return loaded() ? lz.PQpipelineStatus(conn) : PQ_PIPELINE_OFF;
}

PGresult *PQexec(PGconn *conn, const char *query)
{
	return loaded() ? lz.PQexec(conn, query) : NULL;
}

ExecStatusType PQresultStatus(const PGresult *res)
{
	return loaded() ? lz.PQresultStatus(res) : PGRES_FATAL_ERROR;
}

char *PQgetvalue(const PGresult *res, int tup, int field)
{
	return loaded() ? lz.PQgetvalue(res, tup, field) : NULL;
}

Oid PQftype(const PGresult *res, int field)
{
	return loaded() ? lz.PQftype(res, field) : 0;
}

void PQfreemem(void *ptr)
{
	if (loaded())
		lz.PQfreemem(ptr);
}

char *PQcmdTuples(PGresult *res)
{
	return loaded() ? lz.PQcmdTuples(res) : (char *)"";
}

int PQntuples(const PGresult *res)
{
	return loaded() ? lz.PQntuples(res) : 0;
}

char *PQresultErrorField(const PGresult *res, int code)
{
	return loaded() ? lz.PQresultErrorField(res, code) : NULL;
}

void PQfinish(PGconn *conn)
{
	if (loaded())
		lz.PQfinish(conn);
}

PGresult *PQprepare(PGconn *conn, const char *name, const char *query, int n,
		    const Oid *types)
{
	return loaded() ? lz.PQprepare(conn, name, query, n, types) : NULL;
}

int PQnfields(const PGresult *res)
{
	return loaded() ? lz.PQnfields(res) : 0;
}

int PQgetisnull(const PGresult *res, int tup, int field)
{
	return loaded() ? lz.PQgetisnull(res, tup, field) : 1;
}

char *PQescapeLiteral(PGconn *conn, const char *str, size_t len)
{
	return loaded() ? lz.PQescapeLiteral(conn, str, len) : NULL;
}

char *PQescapeIdentifier(PGconn *conn, const char *str, size_t len)
{
	return loaded() ? lz.PQescapeIdentifier(conn, str, len) : NULL;
}

char *PQerrorMessage(const PGconn *conn)
{
	return loaded() ? lz.PQerrorMessage(conn) : lz.why;
}

char *PQdb(const PGconn *conn)
{
	return loaded() ? lz.PQdb(conn) : NULL;
}

PGconn *PQconnectdb(const char *conninfo)
{
	return loaded() ? lz.PQconnectdb(conninfo) : NULL;
}

PGconn *PQconnectdbParams(const char *const *keywords, const char *const *values,
			  int expand_dbname)
{
	return loaded() ? lz.PQconnectdbParams(keywords, values, expand_dbname) : NULL;
}

char *PQcmdStatus(PGresult *res)
{
	return loaded() ? lz.PQcmdStatus(res) : (char *)"";
}

unsigned char *PQunescapeBytea(const unsigned char *text, size_t *len)
{
	return loaded() ? lz.PQunescapeBytea(text, len) : NULL;
}

PGTransactionStatusType PQtransactionStatus(const PGconn *conn)
{
	return loaded() ? lz.PQtransactionStatus(conn) : PQTRANS_UNKNOWN;
}

ConnStatusType PQstatus(const PGconn *conn)
{
	return loaded() ? lz.PQstatus(conn) : CONNECTION_BAD;
}

void PQreset(PGconn *conn)
{
	if (loaded())
		lz.PQreset(conn);
}

int PQsocket(const PGconn *conn)
{
	return loaded() ? lz.PQsocket(conn) : -1;
}

PGnotify *PQnotifies(PGconn *conn)
{
	return loaded() ? lz.PQnotifies(conn) : NULL;
}

int PQconsumeInput(PGconn *conn)
{
	return loaded() ? lz.PQconsumeInput(conn) : 0;
}

PQnoticeProcessor PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg)
{
	return loaded() ? lz.PQsetNoticeProcessor(conn, proc, arg) : NULL;
}

int PQgetlength(const PGresult *res, int tup, int field)
{
	return loaded() ? lz.PQgetlength(res, tup, field) : 0;
}

char *PQfname(const PGresult *res, int field)
{
	return loaded() ? lz.PQfname(res, field) : NULL;
}

PGresult *PQexecPrepared(PGconn *conn, const char *name, int n, const char *const *values,
			 const int *lengths, const int *formats, int result_format)
{
	return loaded() ? lz.PQexecPrepared(conn, name, n, values, lengths, formats, result_format)
			: NULL;
}

PGresult *PQexecParams(PGconn *conn, const char *command, int n, const Oid *types,
		       const char *const *values, const int *lengths, const int *formats,
		       int result_format)
{
	return loaded() ? lz.PQexecParams(conn, command, n, types, values, lengths, formats,
					  result_format)
			: NULL;
}

PQconninfoOption *PQconninfoParse(const char *conninfo, char **errmsg)
{
	if (errmsg)
		*errmsg = NULL;
	return loaded() ? lz.PQconninfoParse(conninfo, errmsg) : NULL;
}

void PQconninfoFree(PQconninfoOption *opts)
{
	if (loaded())
		lz.PQconninfoFree(opts);
}

int PQputCopyData(PGconn *conn, const char *buffer, int nbytes)
{
	return loaded() ? lz.PQputCopyData(conn, buffer, nbytes) : -1;
}

int PQputCopyEnd(PGconn *conn, const char *errormsg)
{
	return loaded() ? lz.PQputCopyEnd(conn, errormsg) : -1;
}

PGresult *PQgetResult(PGconn *conn)
{
	return loaded() ? lz.PQgetResult(conn) : NULL;
}

/* pipeline mode (libpq 14+): a statement and the COMMIT in one round trip */
int PQenterPipelineMode(PGconn *conn)
{
	return loaded() ? lz.PQenterPipelineMode(conn) : 0;
}

int PQexitPipelineMode(PGconn *conn)
{
	return loaded() ? lz.PQexitPipelineMode(conn) : 0;
}

int PQpipelineSync(PGconn *conn)
{
	return loaded() ? lz.PQpipelineSync(conn) : 0;
}

int PQsendQueryPrepared(PGconn *conn, const char *name, int n, const char *const *vals,
			const int *lens, const int *fmts, int result_fmt)
{
	return loaded() ? lz.PQsendQueryPrepared(conn, name, n, vals, lens, fmts, result_fmt) : 0;
}

int PQsendQueryParams(PGconn *conn, const char *command, int n, const Oid *types,
		      const char *const *vals, const int *lens, const int *fmts, int result_fmt)
{
	return loaded() ? lz.PQsendQueryParams(conn, command, n, types, vals, lens, fmts,
					       result_fmt) : 0;
}
