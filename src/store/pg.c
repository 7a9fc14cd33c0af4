/*
 * pg.c - the PostgreSQL backend (libpq), chosen by store_open() for
 * postgres:// and postgresql:// URIs.
 *
 * The URI goes to PQconnectdb as it is, so libpq's conventions hold:
 * PGPASSFILE / ~/.pgpass, sslmode=..., service=... and the PG* variables.
 * One addition: when neither the URI, a service nor $PGCONNECT_TIMEOUT
 * says connect_timeout, it is PG_CONNECT_TIMEOUT seconds (libpq would wait
 * for as long as the kernel's TCP retries, minutes, on a host that vanished
 * without refusing: a failover to another address).
 * The database must exist (createdb); `aivalue init` fills it.
 *
 * Statements: callers write `?` (or `?N`) placeholders; prepare rewrites
 * them to $n outside string literals and quoted names.  The statement is
 * prepared on the server (PQprepare, one name per statement and
 * connection) at its first step, with the parameter types of that step's
 * binds (int64 -> int8, double -> float8, blob -> bytea sent binary,
 * text and NULL -> unknown, so the server infers them from the context);
 * a later step with other bound types prepares it again.  A step fetches
 * the whole result and hands out its rows one by one: callers nest
 * statements (read one table while writing another), which a streaming
 * (single-row) read would forbid on one connection.
 *
 * Values: booleans (a comparison in a SELECT list) read as 1/0, bytea
 * columns are decoded, doubles travel as shortest round-trip text ("%.17g"
 * in, extra_float_digits = 1 out), so a REAL comes back bit for bit.
 *
 * Transactions: store_begin runs BEGIN and takes a transaction-scoped
 * advisory lock (pg_advisory_xact_lock on one key), so write transactions
 * are serialised across every connection and every server, exactly like
 * SQLite's BEGIN IMMEDIATE: the ledger stays one hash chain.  lock_timeout
 * is the busy timeout (AIVALUE_BUSY_TIMEOUT_MS, default 5000): a writer
 * that waits longer gets AIV_EBUSY, as on SQLite.  A failed statement in a
 * transaction makes PostgreSQL refuse the rest of it; COMMIT then reports
 * the failure instead of PostgreSQL's silent ROLLBACK.
 *
 * DDL: migrations are portable text; the few SQLite type words are
 * translated here when a migration runs: INTEGER PRIMARY KEY -> bigint
 * identity key (SQLite fills such a key when an INSERT leaves it out),
 * INTEGER -> bigint (64-bit ids and times), REAL -> double precision,
 * BLOB -> bytea, TEXT -> text COLLATE "C" (ORDER BY and comparisons in
 * byte order, as SQLite's, whatever locale the database was created with); and a REFERENCES clause in a CREATE TABLE becomes an
 * ALTER TABLE ... ADD FOREIGN KEY after the migration's tables exist
 * (SQLite accepts a reference to a table created later, PostgreSQL not).
 *
 * Connection loss (a restart, a failover, pg_terminate_backend): before
 * each statement outside a transaction the connection reads what the
 * server may have sent (ready()); a lost session is reconnected with a
 * bounded backoff (reconnect()), and statements are prepared again in the
 * new session (pg_conn.gen).  Inside a transaction nothing reconnects: the
 * transaction fails.  Every such failure is AIV_EBUSY (503 with
 * Retry-After over HTTP), naming the server.  A full disk or another
 * 53xxx shortage is named as such (AIV_EIO).
 *
 * A workspace is marked by the table aivalue_workspace; a database that
 * holds other tables and no mark is refused, as sqlite.c refuses a file
 * without aivalue's application id.
 *
 * The state stamp (store_memo_*, a long-running server only): one
 * listening connection per process (LISTEN aivalue_ledger), kept by a
 * thread, and a statement-level trigger on the ledger and decision_log
 * tables that notifies that channel in the writing transaction, whoever
 * writes (every server, the CLI, migrate's COPY).  The stamp is a counter
 * bumped by each notification read from the listening socket (by the
 * thread as they arrive, and by a non-blocking read before each use), by
 * each commit or write on this process's own connections (at once, not
 * waiting for its notification), and by each (re)connect or loss of the
 * listener; while the listener is down (not yet connected, lost,
 * terminated, refused, standing down under a write load) there is no
 * stamp and every read goes to the database.  docs/deploy.md, "Kept pages
 * across servers", has the windows.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "backend.h"
#include "core/timeutil.h"
#include "pg_copy.h"
#include "pg_lazy.h"

#define PG_LOCK_KEY 0x41495641 /* "AIVA", as sqlite.c's application id */

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

/* reconnect backoff: first try at once, then 100 ms doubling to 2 s */
#define PG_BACKOFF_FIRST_MS 100
#define PG_BACKOFF_MAX_MS 2000

/* libpq's connect_timeout when nothing else sets it (seconds, as text) */
#define PG_CONNECT_TIMEOUT "10"

struct pg_conn {
	PGconn *c;
	int64_t changes;
	unsigned next_name;
	int readonly;
	char shown[512];    /* the URI without its password, for messages */
	unsigned gen;       /* +1 per reconnect: prepared statements are per session */
	int in_tx;          /* BEGIN ran, COMMIT or ROLLBACK not yet */
	/* while the server is unreachable (down_since 0: it is not) */
	int64_t down_since, next_try;
	int backoff_ms;
	unsigned attempts;
};

struct pg_param {
	char *val;  /* NULL: SQL NULL */
	int len;
	int fmt;    /* 0 text, 1 binary */
	unsigned type;
};

struct pg_stmt {
	struct pg_conn *conn;
	char *sql;          /* with $n placeholders */
	int nparams;
	struct pg_param *p;
	char name[32];      /* "" until prepared */
	unsigned gen;       /* the session (pg_conn.gen) it was prepared in */
	unsigned *ptypes;   /* the types it was prepared with */
	PGresult *res;
	int row, nrows;     /* row: current row, -1 before the first step */
	int ran;
	PGresult *failed;   /* its error in store_run_many's pipeline, reported at its step */
	/* decoded bytea of the current row, per column (NULL: not yet) */
	unsigned char **dec;
	size_t *declen;
	int ncols;
};

/* ---- errors ------------------------------------------------------------ */

static int code_of(const char *state)
{
	if (!state)
		return AIV_EIO;
	if (!strncmp(state, "23", 2))
		return AIV_ECONFLICT; /* integrity: unique, foreign key, check, not null */
	if (!strcmp(state, "55P03") || !strcmp(state, "40001") ||
	    !strcmp(state, "40P01") || !strcmp(state, "57014"))
		return AIV_EBUSY;     /* lock timeout, serialization, deadlock, timeout */
	if (!strcmp(state, "25006"))
		return AIV_ESTATE;    /* write in a read-only transaction */
	return AIV_EIO;
}

static int64_t mono_ms(void)
{
	return time_mono_us() / 1000;
}

/* The first sign that the server went away: note the time, say it once. */
static void log_lost(struct pg_conn *pc, const char *why)
{
	if (pc->down_since)
		return;
	pc->down_since = mono_ms();
	pc->next_try = pc->down_since;
	pc->backoff_ms = 0;
	pc->attempts = 0;
	fprintf(stderr, "aivalue: database server '%s': connection lost (%.*s); reconnecting\n",
		pc->shown, why ? (int)strcspn(why, "\n") : 7, why ? why : "unknown");
}

static int fail_res(struct pg_conn *pc, PGresult *r, struct aiv_err *err,
		    const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	int code = code_of(state);

	if (!msg || !*msg)
		msg = PQerrorMessage(pc->c);
	/*
	 * The server went away (restart, failover, pg_terminate_backend):
	 * 08xxx connection exceptions, 57P01-57P03 shutdown, or no answer at
	 * all.  Busy (the HTTP server answers 503 with Retry-After); the next
	 * use reconnects.  A lost COMMIT may or may not have committed.
	 */
	if (PQstatus(pc->c) != CONNECTION_OK || (state && (!strncmp(state, "08", 2) ||
	    !strncmp(state, "57P0", 4)))) {
		if (PQstatus(pc->c) != CONNECTION_OK)
			log_lost(pc, msg);
		return aiv_fail(err, AIV_EBUSY, "database server '%s' is unavailable: connection "
				"lost during %s (%.*s)%s", pc->shown, what,
				(int)strcspn(msg, "\n"), msg,
				!strcmp(what, "commit") ? "; the transaction may or may not have "
				"been committed" : pc->in_tx ? "; nothing of the transaction was "
				"committed" : "");
	}
	/* 53100 disk_full; 53200 out of memory; 53300 too many connections */
	if (state && !strncmp(state, "53", 2))
		return aiv_fail(err, code, "database server '%s' is out of %s during %s (%.*s; "
				"SQLSTATE %s)%s", pc->shown, !strcmp(state, "53100") ? "disk space" :
				!strcmp(state, "53300") ? "connections" : "resources", what,
				(int)strcspn(msg, "\n"), msg, state, pc->in_tx ?
				"; nothing of the transaction was committed" : "");
	if (code == AIV_EBUSY)
		return aiv_fail(err, code, "database is locked by another process (%s: %s)",
				what, msg);
	return aiv_fail(err, code, "database error during %s: %.*s (SQLSTATE %s)", what,
			(int)strcspn(msg, "\n"), msg, state ? state : "none");
}

/* ---- open / close ------------------------------------------------------ */

/* The URI without its password, for messages. */
static void uri_for_msg(const char *uri, char *out, size_t n)
{
	const char *at = strchr(uri, '@'), *p = strstr(uri, "://"), *colon;

	snprintf(out, n, "%s", uri);
	if (!at || !p)
		return;
	colon = memchr(p + 3, ':', (size_t)(at - p - 3));
	if (colon)
		snprintf(out, n, "%.*s:***%s", (int)(colon - uri), uri, at);
}

/* PostgreSQL's notices (a ROLLBACK with nothing to roll back) are not errors */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* The session's settings, at open and after each reconnect. */
static int configure(struct pg_conn *pc, struct aiv_err *err)
{
	const char *bt = getenv("AIVALUE_BUSY_TIMEOUT_MS");
	char set[160];
	PGresult *r;
	int ret = 0;

	PQsetNoticeProcessor(pc->c, quiet, NULL);
	snprintf(set, sizeof(set),
		 "SET client_min_messages = warning; SET extra_float_digits = 1;"
		 " SET lock_timeout = %d;%s", bt ? atoi(bt) : 5000,
		 pc->readonly ? " SET default_transaction_read_only = on;" : "");
	r = PQexec(pc->c, set);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		ret = fail_res(pc, r, err, "configure");
	PQclear(r);
	return ret;
}

/*
 * The server is gone (restart, failover, a dropped connection) and no
 * transaction is open: reconnect, at once the first time, then after 100
 * ms, 200 ms, ... at most 2 s apart, so that a server down for a minute
 * costs each connection about 30 attempts, not one per request.  Between
 * attempts the caller hears AIV_EBUSY at once (503 with Retry-After over
 * HTTP).  Each attempt and the reconnect go to stderr.  Statements
 * prepared in the lost session are prepared again at their next step.
 */
static int reconnect(struct pg_conn *pc, struct aiv_err *err)
{
	int64_t now = mono_ms();
	const char *m;

	log_lost(pc, PQerrorMessage(pc->c));
	if (now < pc->next_try)
		return aiv_fail(err, AIV_EBUSY, "database server '%s' is unavailable (for %lld ms); "
				"next reconnect attempt in %lld ms", pc->shown,
				(long long)(now - pc->down_since), (long long)(pc->next_try - now));
	pc->attempts++;
	PQreset(pc->c);
	if (PQstatus(pc->c) == CONNECTION_OK && !configure(pc, NULL)) {
		fprintf(stderr, "aivalue: database server '%s': reconnected after %lld ms "
			"(%u attempt%s)\n", pc->shown, (long long)(mono_ms() - pc->down_since),
			pc->attempts, pc->attempts == 1 ? "" : "s");
		pc->gen++;
		pc->down_since = 0;
		pc->attempts = 0;
		pc->backoff_ms = 0;
		return 0;
	}
	m = PQerrorMessage(pc->c);
	pc->backoff_ms = pc->backoff_ms ? pc->backoff_ms * 2 : PG_BACKOFF_FIRST_MS;
	if (pc->backoff_ms > PG_BACKOFF_MAX_MS)
		pc->backoff_ms = PG_BACKOFF_MAX_MS;
	pc->next_try = mono_ms() + pc->backoff_ms;
	fprintf(stderr, "aivalue: database server '%s': reconnect attempt %u failed (%.*s); "
		"next in %d ms\n", pc->shown, pc->attempts, (int)strcspn(m, "\n"), m,
		pc->backoff_ms);
	return aiv_fail(err, AIV_EBUSY, "database server '%s' is unavailable: %.*s; next "
			"reconnect attempt in %d ms", pc->shown, (int)strcspn(m, "\n"), m,
			pc->backoff_ms);
}

/*
 * Before a statement outside a transaction: 0 when the connection is up
 * (again).  An idle session that the server ended has its FATAL message
 * and end of file waiting on the socket; reading it (one non-blocking
 * recv) finds that before the statement is sent, so the first request
 * after a restart reconnects instead of failing.  Inside a transaction
 * nothing reconnects: the rest of it would run in a new session, half a
 * transaction committed; the lost one fails (store_rollback ends it).
 */
static int ready(struct pg_conn *pc, struct aiv_err *err)
{
	if (pc->in_tx) {
		if (PQstatus(pc->c) == CONNECTION_OK)
			return 0;
		return aiv_fail(err, AIV_EBUSY, "database server '%s' is unavailable: the "
				"connection was lost during a transaction; nothing of it was "
				"committed", pc->shown);
	}
	if (PQstatus(pc->c) == CONNECTION_OK && PQconsumeInput(pc->c) &&
	    PQstatus(pc->c) == CONNECTION_OK)
		return 0;
	return reconnect(pc, err);
}

/* The option's value as the URI (opts: PQconninfoParse's) gives it, or NULL. */
static const char *conninfo_val(const PQconninfoOption *opts, const char *key)
{
	for (; opts->keyword; opts++)
		if (!strcmp(opts->keyword, key))
			return opts->val && *opts->val ? opts->val : NULL;
	return NULL;
}

/*
 * PQconnectdb(uri), with connect_timeout PG_CONNECT_TIMEOUT unless the
 * URI, a service (its file may set one) or $PGCONNECT_TIMEOUT sets it.
 * The default comes first and the URI after it, expanded: the URI's own
 * settings win (PQconnectdbParams with expand_dbname).  PQreset on a
 * reconnect keeps the same settings.
 */
static PGconn *connect_with_timeout(const char *uri, const PQconninfoOption *opts)
{
	static const char *const keys[] = { "connect_timeout", "dbname", NULL };
	const char *vals[] = { PG_CONNECT_TIMEOUT, uri, NULL };
	const char *env = getenv("PGCONNECT_TIMEOUT");

	if (conninfo_val(opts, "connect_timeout") || conninfo_val(opts, "service") ||
	    (env && *env) || ((env = getenv("PGSERVICE")) && *env))
		return PQconnectdb(uri);
	return PQconnectdbParams(keys, vals, 1);
}

static int pg_open(void **conn, const char *uri, unsigned flags,
		   struct aiv_err *err)
{
	struct pg_conn *pc;
	char shown[512];
	char *perr = NULL;
	const char *why;
	PQconninfoOption *opts;

	uri_for_msg(uri, shown, sizeof(shown));
	if ((why = pg_lazy_ready()))
		return aiv_fail(err, AIV_EIO, "cannot open database '%s': the PostgreSQL client "
				"library is not available (%s); install libpq5", shown, why);
	/* a malformed URI is an input error that names the part libpq rejects */
	opts = PQconninfoParse(uri, &perr);
	if (!opts) {
		aiv_fail(err, AIV_EINPUT, "database URI '%s': %.*s", shown,
			 perr ? (int)strcspn(perr, "\n") : 7, perr ? perr : "invalid");
		PQfreemem(perr);
		return AIV_EINPUT;
	}
	pc = xcalloc(1, sizeof(*pc));
	snprintf(pc->shown, sizeof(pc->shown), "%s", shown);
	pc->c = connect_with_timeout(uri, opts);
	PQconninfoFree(opts);
	if (PQstatus(pc->c) != CONNECTION_OK) {
		const char *m = PQerrorMessage(pc->c);

		aiv_fail(err, AIV_EIO, "cannot open database '%s': %.*s", shown,
			 (int)strcspn(m, "\n"), m);
		PQfinish(pc->c);
		free(pc);
		return AIV_EIO;
	}
	pc->readonly = !!(flags & STORE_READONLY);
	if (configure(pc, err)) {
		PQfinish(pc->c);
		free(pc);
		return err ? err->code : AIV_EIO;
	}
	*conn = pc;
	return 0;
}

static void pg_close(void *conn)
{
	struct pg_conn *pc = conn;

	PQfinish(pc->c);
	free(pc);
}

/* ---- DDL translation and placeholders ------------------------------------ */

/* Length of the quoted run ('...' or "...") at s, quotes doubled inside. */
static size_t quoted_len(const char *s)
{
	char q = *s;
	size_t i = 1;

	for (;;) {
		if (!s[i])
			return i;
		if (s[i] == q) {
			if (s[i + 1] == q) {
				i += 2;
				continue;
			}
			return i + 1;
		}
		i++;
	}
}

static int word_at(const char *s, size_t i, const char *w, const char *start)
{
	size_t n = strlen(w);

	if (strncasecmp(s + i, w, n))
		return 0;
	if (s + i > start && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))
		return 0;
	return !(isalnum((unsigned char)s[i + n]) || s[i + n] == '_');
}

/*
 * SQLite's type words to PostgreSQL's, outside quotes.  Caller frees.
 * Only for DDL (store_exec): a SELECT never says these words.
 */
static char *translate_ddl(const char *sql)
{
	static const struct { const char *from, *to; } map[] = {
		{ "INTEGER PRIMARY KEY", "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
		{ "INTEGER", "bigint" },
		{ "REAL", "double precision" },
		{ "BLOB", "bytea" },
		/* byte order, as SQLite compares text, whatever the database's locale */
		{ "TEXT", "text COLLATE \"C\"" },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0, k;

	while (sql[i]) {
		if (sql[i] == '\'' || sql[i] == '"') {
			size_t n = quoted_len(sql + i);

			strbuf_add(&sb, sql + i, n);
			i += n;
			continue;
		}
		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (word_at(sql, i, map[k].from, sql))
				break;
		if (k < sizeof(map) / sizeof(map[0])) {
			strbuf_addstr(&sb, map[k].to);
			i += strlen(map[k].from);
		} else {
			strbuf_addch(&sb, sql[i++]);
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* The identifier at *p (letters, digits, _), copied into out; advances *p. */
static void take_ident(const char **p, char *out, size_t n)
{
	size_t k = 0;

	while (**p == ' ' || **p == '\n' || **p == '\t')
		(*p)++;
	while ((isalnum((unsigned char)**p) || **p == '_') && k + 1 < n)
		out[k++] = *(*p)++;
	out[k] = 0;
}

/*
 * SQLite lets a CREATE TABLE refer to a table that a later statement
 * creates (teams.lead -> people); PostgreSQL does not.  So a column's
 * REFERENCES clause in a CREATE TABLE moves to an ALTER TABLE ... ADD
 * FOREIGN KEY at the end of the text, when every table exists.  The
 * clause runs to the end of the column's definition (our schemas put it
 * last).  Caller frees.
 */
static char *defer_references(const char *sql)
{
	struct strbuf out = STRBUF_INIT, fks = STRBUF_INIT;
	const char *p = sql;

	while (*p) {
		const char *q = p, *body;
		char table[64], col[64];
		int depth = 0;

		while (*q == ' ' || *q == '\n' || *q == '\t')
			q++;
		if (strncasecmp(q, "CREATE TABLE", 12)) {
			/* copy one statement as it is */
			while (*p && *p != ';') {
				if (*p == '\'' || *p == '"') {
					size_t n = quoted_len(p);

					strbuf_add(&out, p, n);
					p += n;
				} else {
					strbuf_addch(&out, *p++);
				}
			}
			if (*p)
				strbuf_addch(&out, *p++);
			continue;
		}
		q += 12;
		while (*q == ' ')
			q++;
		if (!strncasecmp(q, "IF NOT EXISTS", 13))
			q += 13;
		take_ident(&q, table, sizeof(table));
		body = q;
		strbuf_add(&out, p, (size_t)(body - p));
		p = body;
		col[0] = 0;
		while (*p && !(depth == 0 && *p == ';')) {
			if (*p == '\'' || *p == '"') {
				size_t n = quoted_len(p);

				strbuf_add(&out, p, n);
				p += n;
				continue;
			}
			if (*p == '(' || (*p == ',' && depth == 1)) {
				const char *c;

				if (*p == '(')
					depth++;
				strbuf_addch(&out, *p++);
				if (depth == 1) {
					c = p;
					take_ident(&c, col, sizeof(col));
				}
				continue;
			}
			if (*p == ')') {
				depth--;
				strbuf_addch(&out, *p++);
				continue;
			}
			if (depth == 1 && col[0] && word_at(p, 0, "REFERENCES", sql)) {
				const char *e = p;
				int d = 0;

				/* to the ',' or ')' that ends this column */
				while (*e && !(d == 0 && (*e == ',' || *e == ')'))) {
					if (*e == '(')
						d++;
					else if (*e == ')')
						d--;
					e++;
				}
				strbuf_addf(&fks, "ALTER TABLE %s ADD FOREIGN KEY (%s) %.*s;",
					    table, col, (int)(e - p), p);
				p = e;
				continue;
			}
			strbuf_addch(&out, *p++);
		}
		if (*p)
			strbuf_addch(&out, *p++);
	}
	strbuf_add(&out, fks.buf, fks.len);
	strbuf_release(&fks);
	return strbuf_detach(&out, NULL);
}

/*
 * `?` and `?N` to $n outside quotes and comments; *nparams is the highest
 * number used.  Caller frees.
 */
static char *rewrite_params(const char *sql, int *nparams)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;
	int next = 0, max = 0;

	while (sql[i]) {
		if (sql[i] == '\'' || sql[i] == '"') {
			size_t n = quoted_len(sql + i);

			strbuf_add(&sb, sql + i, n);
			i += n;
		} else if (sql[i] == '-' && sql[i + 1] == '-') {
			size_t n = strcspn(sql + i, "\n");

			strbuf_add(&sb, sql + i, n);
			i += n;
		} else if (sql[i] == '?') {
			int num;

			i++;
			if (isdigit((unsigned char)sql[i])) {
				num = (int)strtol(sql + i, NULL, 10);
				while (isdigit((unsigned char)sql[i]))
					i++;
			} else {
				num = ++next;
			}
			if (num > next)
				next = num;
			if (num > max)
				max = num;
			strbuf_addf(&sb, "$%d", num);
		} else {
			strbuf_addch(&sb, sql[i++]);
		}
	}
	*nparams = max;
	return strbuf_detach(&sb, NULL);
}

/* ---- exec / begin -------------------------------------------------------- */

/* ---- the state stamp (LISTEN/NOTIFY) ---------------------------------------- */

#define PG_NOTIFY_CHANNEL "aivalue_ledger"
/* after a failed or lost listener: the next connect attempt, at the earliest */
#define PG_LISTEN_RETRY_MS 1000
/*
 * More notifications a second than this (a decision load: one per group
 * commit), when nothing kept stays valid long enough to be worth their
 * cost to the database (each listening session wakes up for each): the
 * listener stands down for PG_LISTEN_REST_MS, reads go to the database.
 */
#define PG_LISTEN_MAX_PER_S 100
#define PG_LISTEN_REST_MS 10000

static struct {
	pthread_mutex_t mu;
	char *uri;          /* the database listened to: the first one asked for */
	PGconn *c;          /* NULL: no listener now */
	int lost;           /* the server said something on c: it is ending the session */
	int refused;        /* the trigger cannot be installed: never a stamp */
	int started;        /* the listener thread runs (it alone connects and frees c) */
	int dead;           /* c lost or standing down: no stamp; the thread frees it */
	int resting;        /* dead by a stand-down (drain_locked), not a loss: not "lost" */
	int64_t next_try;   /* mono ms: no connect attempt before */
	int64_t burst_at;   /* mono ms: the start of the second notifications are counted in */
	unsigned burst;     /* notifications since burst_at */
	uint64_t gen;       /* the stamp; 0 is never one */
} lis = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* A commit or write on this process's connections: stamps taken before it are old. */
static void stamp_bump(void)
{
	__atomic_add_fetch(&lis.gen, 1, __ATOMIC_SEQ_CST);
}

/* Anything but a notification on the listener (a FATAL before it closes) */
static void listener_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
	lis.lost = 1; /* under lis.mu: only PQnotifies on lis.c, called with it, gets here */
}

/*
 * The triggers that notify PG_NOTIFY_CHANNEL on every change of the tables
 * whose reads a server keeps (store_memo_*: the ledger, the decision log),
 * created once per database under the writers' lock (PG_LOCK_KEY: two
 * servers starting together do not both create them, and no write holds
 * the tables meanwhile), then LISTEN.  A table that does not exist fails
 * it: no stamp then, every read goes to the database.
 */
static const char listen_sql[] =
	"BEGIN; SELECT pg_advisory_xact_lock(%d);"
	" DO $aiv$ DECLARE t text; BEGIN"
	" IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'aivalue_notify'"
	"   AND pronamespace = current_schema()::regnamespace) THEN"
	"  CREATE FUNCTION aivalue_notify() RETURNS trigger LANGUAGE plpgsql AS"
	"   $f$ BEGIN PERFORM pg_notify('" PG_NOTIFY_CHANNEL "', ''); RETURN NULL; END $f$;"
	" END IF;"
	" FOREACH t IN ARRAY ARRAY['ledger', 'decision_log'] LOOP"
	"  IF to_regclass(t) IS NULL THEN RAISE EXCEPTION 'no table %%', t; END IF;"
	"  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'aivalue_notify'"
	"    AND tgrelid = to_regclass(t)) THEN"
	"   EXECUTE format('CREATE TRIGGER aivalue_notify AFTER UPDATE OR DELETE OR TRUNCATE"
	" OR INSERT ON %%I FOR EACH STATEMENT EXECUTE FUNCTION aivalue_notify()', t);"
	"  END IF;"
	" END LOOP; END $aiv$; COMMIT; LISTEN " PG_NOTIFY_CHANNEL;

/*
 * A new listening connection, or NULL; *refused when the role may not
 * create the trigger.  Called without lis.mu: a connect may take up to
 * connect_timeout, and the LISTEN waits for the writers' lock.
 */
static PGconn *listener_connect(const char *uri, int *refused)
{
	PQconninfoOption *opts = PQconninfoParse(uri, NULL);
	char sql[sizeof(listen_sql) + 16];
	PGconn *c;
	PGresult *r;
	int ok;

	*refused = 0;
	if (!opts)
		return NULL;
	c = connect_with_timeout(uri, opts);
	PQconninfoFree(opts);
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return NULL;
	}
	PQclear(PQexec(c, "SET application_name = 'aivalue-listen'"));
	snprintf(sql, sizeof(sql), listen_sql, PG_LOCK_KEY);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		/*
		 * The trigger could not be set up (a role that may not create it,
		 * 42501; a read-only or timed-out session; a schema it does not
		 * fit): say so once and never keep the stamp, rather than try
		 * again every second with the writers' lock; reads go to the
		 * database, as without a listener.
		 */
		*refused = 1;
		fprintf(stderr, "aivalue: kept pages check the database at each request: "
			"%s (SQLSTATE %s)\n", m ? m : "the listener could not be set up",
			state ? state : "none");
	}
	PQclear(r);
	if (!ok) {
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, listener_notice, NULL);
	return c;
}

/*
 * lis.mu held, lis.c live: read what arrived (one non-blocking recv) and
 * the notifications in it; what else came (a FATAL before the server
 * closes the session) is parsed with them and reaches listener_notice.
 * 0 while the listener is usable; else lis.dead is set (the thread frees
 * the connection) and no stamp is given until it listens again.
 */
static int drain_locked(void)
{
	int64_t now = mono_ms();
	int ok = PQconsumeInput(lis.c);
	PGnotify *n;

	while ((n = PQnotifies(lis.c))) {
		stamp_bump();
		PQfreemem(n);
		lis.burst++;
	}
	if (now - lis.burst_at >= 1000) {
		if (lis.burst > PG_LISTEN_MAX_PER_S * (now - lis.burst_at) / 1000) {
			lis.dead = 1; /* a write load: stand down */
			lis.resting = 1;
			lis.next_try = now + PG_LISTEN_REST_MS;
		}
		lis.burst = 0;
		lis.burst_at = now;
	}
	if (!ok || PQstatus(lis.c) != CONNECTION_OK || lis.lost) {
		lis.dead = 1;
		lis.resting = 0; /* lost as well: say so, and try again in a second */
		lis.next_try = now + PG_LISTEN_RETRY_MS;
	}
	if (lis.dead)
		stamp_bump();
	return lis.dead ? -1 : 0;
}

/*
 * The listener thread: connects (again, at most once a second; after a
 * stand-down, PG_LISTEN_REST_MS later), then waits on the socket and
 * reads each notification as it arrives, whether or not requests ask for
 * stamps, so that the server's queue never waits on this session.
 */
static void *listener_main(void *arg)
{
	char *uri = arg;

	for (;;) {
		int64_t wait;
		PGconn *c;
		int refused;

		pthread_mutex_lock(&lis.mu);
		c = lis.c;
		wait = lis.next_try - mono_ms();
		pthread_mutex_unlock(&lis.mu);
		if (!c) {
			if (wait > 0) {
				poll(NULL, 0, wait > 1000 ? 1000 : (int)wait);
				continue;
			}
			c = listener_connect(uri, &refused);
			pthread_mutex_lock(&lis.mu);
			lis.refused = refused;
			lis.next_try = mono_ms() + PG_LISTEN_RETRY_MS;
			if (c) {
				lis.c = c;
				lis.lost = 0;
				lis.dead = 0;
				lis.burst = 0;
				lis.burst_at = mono_ms();
				stamp_bump(); /* nothing read before LISTEN is covered by it */
			}
			pthread_mutex_unlock(&lis.mu);
			if (refused)
				break;
			continue;
		}
		{
			struct pollfd p = { PQsocket(c), POLLIN, 0 };
			poll(&p, 1, 1000);
		}
		pthread_mutex_lock(&lis.mu);
		if (!lis.dead)
			(void)drain_locked();
		if (lis.dead) {
			/*
			 * told by the flag drain_locked set, not by how far
			 * next_try is: a moment's preemption between its clock
			 * read and here made a stand-down look like a loss
			 */
			if (!lis.resting)
				fprintf(stderr, "aivalue: the listening connection was lost; kept "
					"pages check the database until it is back\n");
			PQfinish(lis.c);
			lis.c = NULL;
			lis.dead = 0;
			lis.resting = 0;
			stamp_bump();
		}
		pthread_mutex_unlock(&lis.mu);
	}
	free(uri);
	return NULL;
}

static int pg_state_stamp(void *conn, const char *uri, uint64_t *stamp)
{
	pthread_t t;
	int ok = 0;

	(void)conn;
	pthread_mutex_lock(&lis.mu);
	if (lis.refused)
		goto out;
	if (!lis.uri)
		lis.uri = xstrdup(uri);
	else if (strcmp(lis.uri, uri))
		goto out; /* another database than the one listened to */
	if (!lis.started) {
		char *arg = xstrdup(uri);
		lis.started = 1;
		if (pthread_create(&t, NULL, listener_main, arg)) {
			free(arg);
			lis.refused = 1; /* no thread: always read the database */
		} else {
			pthread_detach(t);
		}
		goto out;
	}
	if (!lis.c || lis.dead || drain_locked())
		goto out;
	*stamp = __atomic_load_n(&lis.gen, __ATOMIC_SEQ_CST);
	ok = 1;
out:
	pthread_mutex_unlock(&lis.mu);
	return ok;
}

static int pg_exec(void *conn, const char *sql, struct aiv_err *err)
{
	struct pg_conn *pc = conn;
	int is_commit = !strcmp(sql, "COMMIT");
	int is_rollback = !strcmp(sql, "ROLLBACK");
	char *ddl = NULL;
	PGresult *r;
	int ret = 0;

	if (is_rollback && PQstatus(pc->c) != CONNECTION_OK) {
		pc->in_tx = 0; /* the server rolled it back when the session ended */
		return 0;
	}
	if (!is_rollback && (ret = ready(pc, err)))
		return ret;

	/* migrations are the only multi-word DDL store_exec runs */
	if (strncasecmp(sql, "CREATE", 6) == 0 || strstr(sql, "CREATE ") ||
	    strstr(sql, "ALTER TABLE")) {
		char *t = translate_ddl(sql);

		ddl = defer_references(t);
		free(t);
	}
	r = PQexec(pc->c, ddl ? ddl : sql);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		if (*PQcmdTuples(r))
			pc->changes = strtoll(PQcmdTuples(r), NULL, 10);
		/* COMMIT of a transaction that failed earlier rolls back, quietly */
		if (is_commit && !strcmp(PQcmdStatus(r), "ROLLBACK"))
			ret = aiv_fail(err, AIV_EIO,
				       "database error during commit: the transaction had "
				       "failed and was rolled back");
		break;
	default:
		ret = fail_res(pc, r, err, is_commit ? "commit" : "exec");
		break;
	}
	PQclear(r);
	free(ddl);
	stamp_bump(); /* a commit, DDL or a write: what was read before may have changed */
	/* a failed COMMIT (a deferred key) leaves it open, for ROLLBACK */
	if (is_rollback || (is_commit && (!ret || PQstatus(pc->c) != CONNECTION_OK)))
		pc->in_tx = 0;
	return ret;
}

static int pg_begin(void *conn, struct aiv_err *err)
{
	struct pg_conn *pc = conn;
	PGresult *r;
	char sql[96];
	int ret = 0;

	if ((ret = ready(pc, err)))
		return ret;
	snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%d)", PG_LOCK_KEY);
	r = PQexec(pc->c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		ret = fail_res(pc, r, err, "begin");
		PQclear(r);
		/* BEGIN ran: leave no half-open transaction behind */
		PQclear(PQexec(pc->c, "ROLLBACK"));
		return ret;
	}
	PQclear(r);
	pc->in_tx = 1;
	return 0;
}

/* ---- statements ---------------------------------------------------------- */

static void clear_row(struct pg_stmt *ps)
{
	int i;

	if (!ps->dec)
		return;
	for (i = 0; i < ps->ncols; i++) {
		free(ps->dec[i]);
		ps->dec[i] = NULL;
	}
}

static void clear_result(struct pg_stmt *ps)
{
	clear_row(ps);
	free(ps->dec);
	free(ps->declen);
	ps->dec = NULL;
	ps->declen = NULL;
	ps->ncols = 0;
	if (ps->res)
		PQclear(ps->res);
	ps->res = NULL;
	if (ps->failed)
		PQclear(ps->failed);
	ps->failed = NULL;
	ps->row = -1;
	ps->nrows = 0;
}

static void *pg_prepare(void *conn, const char *sql, struct aiv_err *err)
{
	struct pg_stmt *ps = xcalloc(1, sizeof(*ps));

	(void)err;
	ps->conn = conn;
	ps->sql = rewrite_params(sql, &ps->nparams);
	if (ps->nparams) {
		ps->p = xcalloc((size_t)ps->nparams, sizeof(*ps->p));
		ps->ptypes = xcalloc((size_t)ps->nparams, sizeof(*ps->ptypes));
	}
	ps->row = -1;
	return ps;
}

static void clear_params(struct pg_stmt *ps)
{
	int i;

	for (i = 0; i < ps->nparams; i++) {
		free(ps->p[i].val);
		memset(&ps->p[i], 0, sizeof(ps->p[i]));
	}
}

static void deallocate(struct pg_stmt *ps)
{
	char sql[64];

	if (!ps->name[0])
		return;
	snprintf(sql, sizeof(sql), "DEALLOCATE %s", ps->name);
	PQclear(PQexec(ps->conn->c, sql));
	ps->name[0] = 0;
}

static void pg_finalize(void *stmt)
{
	struct pg_stmt *ps = stmt;

	clear_result(ps);
	clear_params(ps);
	/* no DEALLOCATE: finalize runs at close, and the session ends anyway */
	free(ps->p);
	free(ps->ptypes);
	free(ps->sql);
	free(ps);
}

static struct pg_param *param(void *stmt, int idx)
{
	struct pg_stmt *ps = stmt;

	if (idx < 1 || idx > ps->nparams)
		return NULL; /* SQLite: SQLITE_RANGE, the value is not bound */
	free(ps->p[idx - 1].val);
	memset(&ps->p[idx - 1], 0, sizeof(ps->p[idx - 1]));
	return &ps->p[idx - 1];
}

static void pg_bind_text(void *stmt, int idx, const char *v, size_t n)
{
	struct pg_param *p = param(stmt, idx);

	if (!p)
		return;
	p->val = xmalloc(n + 1);
	memcpy(p->val, v, n);
	p->val[n] = 0;
	p->len = (int)n;
}

static void pg_bind_int(void *stmt, int idx, int64_t v)
{
	struct pg_param *p = param(stmt, idx);

	if (!p)
		return;
	p->val = xstrfmt("%lld", (long long)v);
	p->len = (int)strlen(p->val);
	p->type = OID_INT8;
}

static void pg_bind_double(void *stmt, int idx, double v)
{
	struct pg_param *p = param(stmt, idx);

	if (!p)
		return;
	p->val = xstrfmt("%.17g", v);
	p->len = (int)strlen(p->val);
	p->type = OID_FLOAT8;
}

static void pg_bind_blob(void *stmt, int idx, const void *v, size_t n)
{
	struct pg_param *p = param(stmt, idx);

	if (!p)
		return;
	p->val = xmalloc(n ? n : 1);
	if (n)
		memcpy(p->val, v, n);
	p->len = (int)n;
	p->fmt = 1;
	p->type = OID_BYTEA;
}

static void pg_bind_null(void *stmt, int idx)
{
	param(stmt, idx);
}

static PGresult *prepare_as(struct pg_stmt *ps, const unsigned *types)
{
	return PQprepare(ps->conn->c, ps->name, ps->sql, ps->nparams, types);
}

static int sqlstate_is(PGresult *r, const char *state)
{
	const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	return s && !strcmp(s, state);
}

/*
 * Prepare on the server for the bound types, unless already so prepared.
 * Text and NULL go as "unknown", so that the server takes the column's
 * type (a NULL into a bigint column, '2026-...' into a text one).  Where
 * nothing tells it (`? IS NULL OR subject = ?`) PostgreSQL refuses
 * (42P18); then they go as text.  That first try runs inside a savepoint
 * when a transaction is open, because a failed statement would abort it.
 */
static int ensure_prepared(struct pg_stmt *ps, struct aiv_err *err)
{
	PGconn *c = ps->conn->c;
	PGresult *r;
	int i, same = ps->name[0] != 0, in_tx, ret;
	unsigned *as_text;

	if (same && ps->gen != ps->conn->gen) {
		ps->name[0] = 0; /* prepared in a session that was lost */
		same = 0;
	}
	for (i = 0; same && i < ps->nparams; i++)
		if (ps->ptypes[i] != ps->p[i].type)
			same = 0;
	if (same)
		return 0;
	deallocate(ps);
	ps->gen = ps->conn->gen;
	for (i = 0; i < ps->nparams; i++)
		ps->ptypes[i] = ps->p[i].type;
	snprintf(ps->name, sizeof(ps->name), "aiv%u", ++ps->conn->next_name);
	in_tx = PQtransactionStatus(c) == PQTRANS_INTRANS;
	if (in_tx)
		PQclear(PQexec(c, "SAVEPOINT aiv_prepare"));
	r = prepare_as(ps, ps->ptypes);
	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		PQclear(r);
		if (in_tx)
			PQclear(PQexec(c, "RELEASE SAVEPOINT aiv_prepare"));
		return 0;
	}
	if (sqlstate_is(r, "42P18")) {
		PQclear(r);
		if (in_tx)
			PQclear(PQexec(c, "ROLLBACK TO SAVEPOINT aiv_prepare; RELEASE SAVEPOINT aiv_prepare"));
		as_text = xcalloc((size_t)ps->nparams + 1, sizeof(*as_text));
		for (i = 0; i < ps->nparams; i++)
			as_text[i] = ps->ptypes[i] ? ps->ptypes[i] : OID_TEXT;
		r = prepare_as(ps, as_text);
		free(as_text);
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			PQclear(r);
			return 0;
		}
	} else if (in_tx) {
		/* the error stands: the transaction fails as SQLite's would not, so say why */
		PGresult *e = r;

		r = NULL;
		ret = fail_res(ps->conn, e, err, "prepare");
		PQclear(e);
		PQclear(PQexec(c, "ROLLBACK TO SAVEPOINT aiv_prepare; RELEASE SAVEPOINT aiv_prepare"));
		ps->name[0] = 0;
		aiv_err_prefix(err, "preparing \"%.300s\"", ps->sql);
		return ret;
	}
	ret = fail_res(ps->conn, r, err, "prepare");
	PQclear(r);
	ps->name[0] = 0;
	aiv_err_prefix(err, "preparing \"%.300s\"", ps->sql);
	return ret;
}

/* A statement's bound parameters as libpq takes them: three arrays (params_release). */
struct pq_params {
	const char **vals;
	int *lens, *fmts;
};

static void params_get(const struct pg_stmt *ps, struct pq_params *pp)
{
	int i;

	pp->vals = xcalloc((size_t)ps->nparams + 1, sizeof(*pp->vals));
	pp->lens = xcalloc((size_t)ps->nparams + 1, sizeof(*pp->lens));
	pp->fmts = xcalloc((size_t)ps->nparams + 1, sizeof(*pp->fmts));
	for (i = 0; i < ps->nparams; i++) {
		pp->vals[i] = ps->p[i].val;
		pp->lens[i] = ps->p[i].len;
		pp->fmts[i] = ps->p[i].fmt;
	}
}

static void params_release(struct pq_params *pp)
{
	free(pp->vals);
	free(pp->lens);
	free(pp->fmts);
}

static void hold_rows(struct pg_stmt *ps, PGresult *r);

static int pg_step(void *conn, void *stmt, struct aiv_err *err)
{
	struct pg_conn *pc = conn;
	struct pg_stmt *ps = stmt;
	struct pq_params pp;
	int ret;
	PGresult *r;

	if (ps->failed) {
		/* it failed in store_run_many's pipeline: that error, not a second run */
		r = ps->failed;
		ps->failed = NULL;
		ret = fail_res(pc, r, err, "step");
		PQclear(r);
		return ret;
	}
	if (ps->ran) {
		clear_row(ps);
		if (ps->row + 1 < ps->nrows) {
			ps->row++;
			return STORE_ROW;
		}
		ps->row = ps->nrows;
		return STORE_DONE;
	}
	if ((ret = ready(pc, err)) || (ret = ensure_prepared(ps, err)))
		return ret;
	params_get(ps, &pp);
	r = PQexecPrepared(pc->c, ps->name, ps->nparams, pp.vals, pp.lens, pp.fmts, 0);
	params_release(&pp);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
		pc->changes = strtoll(PQcmdTuples(r), NULL, 10);
		PQclear(r);
		ps->ran = 1;
		if (!pc->in_tx)
			stamp_bump(); /* a write committed on its own */
		return STORE_DONE;
	case PGRES_TUPLES_OK:
		if (*PQcmdTuples(r) && strncmp(PQcmdStatus(r), "SELECT", 6)) {
			pc->changes = strtoll(PQcmdTuples(r), NULL, 10); /* ... RETURNING */
			if (!pc->in_tx)
				stamp_bump();
		}
		hold_rows(ps, r);
		if (!ps->nrows)
			return STORE_DONE;
		ps->row = 0;
		return STORE_ROW;
	default:
		ret = fail_res(pc, r, err, "step");
		PQclear(r);
		return ret;
	}
}

/*
 * ps (no rows) then COMMIT in one round trip: libpq's pipeline mode sends
 * both and one Sync.  When ps fails the server skips the COMMIT (the
 * pipeline is aborted) and the transaction stays open, failed, for the
 * caller's ROLLBACK; the answer comes only after the COMMIT's, as with
 * pg_exec.
 */
static int pg_step_commit(void *conn, void *stmt, struct aiv_err *err)
{
	struct pg_conn *pc = conn;
	struct pg_stmt *ps = stmt;
	struct pq_params pp;
	int ret, sent;
	PGresult *r;

	if ((ret = ready(pc, err)) || (ret = ensure_prepared(ps, err)))
		return ret;
	if (!PQenterPipelineMode(pc->c)) {
		/* not idle (cannot happen between statements): one after the other */
		if ((ret = pg_step(conn, stmt, err)) < 0)
			return ret;
		return pg_exec(conn, "COMMIT", err);
	}
	params_get(ps, &pp);
	sent = PQsendQueryPrepared(pc->c, ps->name, ps->nparams, pp.vals, pp.lens, pp.fmts, 0) &&
	       PQsendQueryParams(pc->c, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) &&
	       PQpipelineSync(pc->c);
	params_release(&pp);
	ps->ran = 1;
	if (!sent) {
		int k;
		ret = fail_res(pc, NULL, err, "commit");
		/* what was queued runs to a Sync, so the session leaves pipeline mode */
		if (PQstatus(pc->c) == CONNECTION_OK && PQpipelineSync(pc->c))
			for (k = 0; k < 8 && PQstatus(pc->c) == CONNECTION_OK; k++) {
				r = PQgetResult(pc->c);
				if (r && PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
					PQclear(r);
					break;
				}
				PQclear(r);
			}
		goto out;
	}
	/* the statement's result, then NULL */
	r = PQgetResult(pc->c);
	if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK) {
		if (*PQcmdTuples(r))
			pc->changes = strtoll(PQcmdTuples(r), NULL, 10);
	} else {
		/* a lost session may have run the COMMIT too: say so */
		ret = fail_res(pc, r, err, PQstatus(pc->c) == CONNECTION_OK ? "step" : "commit");
	}
	PQclear(r);
	if (!r || PQstatus(pc->c) != CONNECTION_OK) {
		/* the statement ran, the COMMIT's answer never came: not committed, as far as we know */
		if (!ret)
			ret = fail_res(pc, NULL, err, "commit");
		goto out;
	}
	while ((r = PQgetResult(pc->c)))
		PQclear(r);
	/* the COMMIT's (PGRES_PIPELINE_ABORTED when the statement failed), then NULL */
	r = PQgetResult(pc->c);
	if (!ret) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			ret = fail_res(pc, r, err, "commit");
		else if (!strcmp(PQcmdStatus(r), "ROLLBACK"))
			ret = aiv_fail(err, AIV_EIO, "database error during commit: the "
				       "transaction had failed and was rolled back");
	}
	PQclear(r);
	if (!r || PQstatus(pc->c) != CONNECTION_OK)
		goto out;
	while ((r = PQgetResult(pc->c)))
		PQclear(r);
	/* the Sync's */
	r = PQgetResult(pc->c);
	if (PQresultStatus(r) != PGRES_PIPELINE_SYNC && !ret)
		ret = fail_res(pc, r, err, "commit");
	PQclear(r);
out:
	if (PQstatus(pc->c) == CONNECTION_OK && !PQexitPipelineMode(pc->c) && !ret)
		ret = aiv_fail(err, AIV_EIO, "database error during commit: %s",
			       PQerrorMessage(pc->c));
	if (PQstatus(pc->c) == CONNECTION_OK && PQpipelineStatus(pc->c) != PQ_PIPELINE_OFF) {
		/*
		 * Still in pipeline mode (a queued result never came): no later
		 * statement could run on this session, and it would look healthy.
		 * A new one (the server ends this one's transaction: rolled back,
		 * or committed if its COMMIT had already run).
		 */
		struct aiv_err lost = AIV_ERR_INIT;
		if (!ret)
			ret = aiv_fail(err, AIV_EIO, "database error during commit: the session "
				       "could not leave pipeline mode; it may or may not have "
				       "committed");
		(void)reconnect(pc, &lost);
		pc->in_tx = 0;
	}
	/* committed, or the session is gone (the server rolled back or committed) */
	if (!ret || PQstatus(pc->c) != CONNECTION_OK)
		pc->in_tx = 0;
	stamp_bump();
	return ret;
}

/* A statement's rows (r: PGRES_TUPLES_OK, taken over), held for its steps to read. */
static void hold_rows(struct pg_stmt *ps, PGresult *r)
{
	clear_result(ps);
	ps->res = r;
	ps->ran = 1;
	ps->nrows = PQntuples(r);
	ps->ncols = PQnfields(r);
	ps->dec = xcalloc((size_t)ps->ncols + 1, sizeof(*ps->dec));
	ps->declen = xcalloc((size_t)ps->ncols + 1, sizeof(*ps->declen));
}

/*
 * store_run_many: the n bound reads sent in one pipeline with one Sync,
 * each one's rows held for its steps (ran[i] = 1).  A statement that
 * fails keeps its error, which its first step reports (ran[i] = 1 too):
 * run again alone, a read blocked on a lock would wait a second time
 * before its 503.  Those the server skipped after the failure (the
 * pipeline aborted) are left unrun (ran[i] = 0): each runs alone at its
 * step.  A lost connection leaves every failed one unrun: its step
 * reconnects and runs it.  In a transaction (where a failed read
 * would abort it), or when something goes wrong before the sending (a
 * server away, a statement that does not prepare), all are left unrun.  Returns the round trips made: 1, or 0 when nothing ran.
 */
static int pg_run_many(void *conn, void **stmts, size_t n, int *ran)
{
	struct pg_conn *pc = conn;
	struct aiv_err ignore = AIV_ERR_INIT;
	size_t i, sent = 0;
	int k, synced = 0;
	PGresult *r;

	for (i = 0; i < n; i++)
		ran[i] = 0;
	if (n < 2 || pc->in_tx || ready(pc, &ignore))
		return 0;
	for (i = 0; i < n; i++)
		if (((struct pg_stmt *)stmts[i])->ran || ensure_prepared(stmts[i], &ignore))
			return 0;
	if (!PQenterPipelineMode(pc->c))
		return 0;
	for (i = 0; i < n; i++) {
		struct pg_stmt *ps = stmts[i];
		struct pq_params pp;
		int ok;

		params_get(ps, &pp);
		ok = PQsendQueryPrepared(pc->c, ps->name, ps->nparams, pp.vals, pp.lens, pp.fmts, 0);
		params_release(&pp);
		if (!ok)
			break;
		sent++;
	}
	if (PQstatus(pc->c) == CONNECTION_OK && PQpipelineSync(pc->c))
		synced = 1;
	/* each sent statement's result then NULL, in order, then the Sync's */
	for (i = 0; synced && i < sent; i++) {
		struct pg_stmt *ps = stmts[i];

		r = PQgetResult(pc->c);
		if (!r)
			break;
		if (PQresultStatus(r) == PGRES_TUPLES_OK && !strncmp(PQcmdStatus(r), "SELECT", 6)) {
			hold_rows(ps, r);
			ran[i] = 1;
		} else if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
			clear_result(ps);
			ps->failed = r; /* its step reports it */
			ran[i] = 1;
		} else {
			PQclear(r); /* skipped (PGRES_PIPELINE_ABORTED), or not a read */
		}
		while ((r = PQgetResult(pc->c)))
			PQclear(r);
	}
	for (k = 0; synced && k < 8 && PQstatus(pc->c) == CONNECTION_OK; k++) {
		r = PQgetResult(pc->c);
		if (r && PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		PQclear(r);
	}
	if (PQstatus(pc->c) == CONNECTION_OK && !PQexitPipelineMode(pc->c)) {
		/* a result never came: this session cannot run another statement */
		for (i = 0; i < n; i++)
			if (ran[i]) {
				clear_result(stmts[i]);
				((struct pg_stmt *)stmts[i])->ran = 0;
				ran[i] = 0;
			}
		(void)reconnect(pc, &ignore);
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct pg_stmt *ps = stmts[i];
		const char *state = ps->failed ?
			PQresultErrorField(ps->failed, PG_DIAG_SQLSTATE) : NULL;

		/* the session is gone: its step reconnects and runs it, as before */
		if (ps->failed && (PQstatus(pc->c) != CONNECTION_OK || !state ||
				   !strncmp(state, "08", 2) || !strncmp(state, "57P0", 4))) {
			clear_result(ps);
			ran[i] = 0;
		}
	}
	return 1;
}

static int have(struct pg_stmt *ps, int col)
{
	return ps->res && ps->row >= 0 && ps->row < ps->nrows && col >= 0 &&
	       col < ps->ncols && !PQgetisnull(ps->res, ps->row, col);
}

static const unsigned char *decoded(struct pg_stmt *ps, int col, size_t *len)
{
	if (!ps->dec[col]) {
		size_t n = 0;
		unsigned char *d = PQunescapeBytea(
			(const unsigned char *)PQgetvalue(ps->res, ps->row, col), &n);

		if (!d) {
			/* libpq out of memory: read as empty, as xmalloc would abort */
			ps->dec[col] = xcalloc(1, 1);
			ps->declen[col] = 0;
		} else {
			/* NUL-terminated, as a text column is, for col_text on bytea */
			ps->dec[col] = xmalloc(n + 1);
			memcpy(ps->dec[col], d, n);
			ps->dec[col][n] = 0;
			ps->declen[col] = n;
			PQfreemem(d);
		}
	}
	*len = ps->declen[col];
	return ps->dec[col];
}

/*
 * A double as SQLite writes it as text ("%!.15g": 15 significant digits,
 * always a decimal point: 100.0, 0.333333333333333, 1.0e+20), so that what
 * a caller hashes or prints from a REAL column is the same bytes on both
 * backends.  PostgreSQL's own text is the shortest round trip ("100").
 */
static void sqlite_real_text(double v, char *out, size_t n)
{
	char m[40], *e;

	if (v != v) {
		snprintf(out, n, "%s", "");
		return;
	}
	if (v == 1.0 / 0.0 || v == -1.0 / 0.0) {
		snprintf(out, n, "%s", v > 0 ? "Inf" : "-Inf");
		return;
	}
	if (v == 0.0)
		v = 0.0; /* SQLite writes -0.0 as 0.0 */
	snprintf(m, sizeof(m), "%.15g", v);
	e = strchr(m, 'e');
	if (strchr(m, '.'))
		snprintf(out, n, "%s", m);
	else if (e)
		snprintf(out, n, "%.*s.0%s", (int)(e - m), m, e);
	else
		snprintf(out, n, "%s.0", m);
}

static const char *pg_col_text(void *stmt, int col)
{
	struct pg_stmt *ps = stmt;
	Oid t;

	if (!have(ps, col))
		return "";
	t = PQftype(ps->res, col);
	if (t == OID_FLOAT8 || t == OID_FLOAT4 ||
	    (t == OID_NUMERIC && strpbrk(PQgetvalue(ps->res, ps->row, col), ".eE"))) {
		if (!ps->dec[col]) {
			char buf[48];

			sqlite_real_text(strtod(PQgetvalue(ps->res, ps->row, col), NULL),
					 buf, sizeof(buf));
			ps->dec[col] = (unsigned char *)xstrdup(buf);
			ps->declen[col] = strlen(buf);
		}
		return (const char *)ps->dec[col];
	}
	if (t == OID_BOOL)
		return *PQgetvalue(ps->res, ps->row, col) == 't' ? "1" : "0";
	if (t == OID_BYTEA) {
		size_t n;

		return (const char *)decoded(ps, col, &n);
	}
	return PQgetvalue(ps->res, ps->row, col);
}

static size_t pg_col_bytes(void *stmt, int col)
{
	struct pg_stmt *ps = stmt;
	size_t n;

	if (!have(ps, col))
		return 0;
	if (PQftype(ps->res, col) == OID_BYTEA) {
		decoded(ps, col, &n);
		return n;
	}
	if (PQftype(ps->res, col) == OID_BOOL)
		return 1;
	if (PQftype(ps->res, col) == OID_FLOAT8 || PQftype(ps->res, col) == OID_FLOAT4 ||
	    PQftype(ps->res, col) == OID_NUMERIC)
		return strlen(pg_col_text(stmt, col));
	return (size_t)PQgetlength(ps->res, ps->row, col);
}

static const void *pg_col_blob(void *stmt, int col)
{
	struct pg_stmt *ps = stmt;
	size_t n;

	if (!have(ps, col))
		return NULL;
	if (PQftype(ps->res, col) == OID_BYTEA)
		return decoded(ps, col, &n);
	return pg_col_text(stmt, col);
}

/* The text of a non-NULL value of the current row, or NULL. */
static const char *cell(struct pg_stmt *ps, int col)
{
	return have(ps, col) ? PQgetvalue(ps->res, ps->row, col) : NULL;
}

static int64_t pg_col_int(void *stmt, int col)
{
	struct pg_stmt *ps = stmt;
	const char *v = cell(ps, col);

	if (!v)
		return 0;
	switch (PQftype(ps->res, col)) {
	case OID_BOOL:
		return *v == 't';
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return (int64_t)strtod(v, NULL); /* SQLite truncates a REAL too */
	default:
		return strtoll(v, NULL, 10);
	}
}

static double pg_col_double(void *stmt, int col)
{
	struct pg_stmt *ps = stmt;
	const char *v = cell(ps, col);

	if (!v)
		return 0.0;
	if (PQftype(ps->res, col) == OID_BOOL)
		return *v == 't';
	return strtod(v, NULL);
}

static int pg_col_is_null(void *stmt, int col)
{
	return !have(stmt, col);
}

static int pg_col_count(void *stmt)
{
	struct pg_stmt *ps = stmt;

	return ps->res ? PQnfields(ps->res) : 0;
}

static const char *pg_col_name(void *stmt, int col)
{
	struct pg_stmt *ps = stmt;
	const char *n = ps->res ? PQfname(ps->res, col) : NULL;

	return n ? n : "";
}

static enum store_col_type pg_col_type(void *stmt, int col)
{
	struct pg_stmt *ps = stmt;

	if (!have(ps, col))
		return STORE_COL_NULL;
	switch (PQftype(ps->res, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return STORE_COL_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return STORE_COL_DOUBLE;
	case OID_NUMERIC:
		/* sum() of bigints is numeric: whole values read as integers */
		return strpbrk(PQgetvalue(ps->res, ps->row, col), ".eE")
			       ? STORE_COL_DOUBLE : STORE_COL_INT;
	case OID_BYTEA:
		return STORE_COL_BLOB;
	default:
		return STORE_COL_TEXT;
	}
}

static void pg_reset(void *stmt)
{
	struct pg_stmt *ps = stmt;

	clear_result(ps);
	clear_params(ps);
	ps->ran = 0;
}

static int64_t pg_changes(void *conn)
{
	return ((struct pg_conn *)conn)->changes;
}

/* ---- the workspace mark -------------------------------------------------- */

static int query_int(struct pg_conn *pc, const char *sql, int64_t *out,
		     struct aiv_err *err)
{
	PGresult *r = PQexec(pc->c, sql);
	int ret = 0;

	*out = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		ret = fail_res(pc, r, err, "open");
	else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		*out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return ret;
}

static int pg_check_app(void *conn, int create, struct aiv_err *err)
{
	struct pg_conn *pc = conn;
	int64_t mark = 0, ntables = 0;
	int ret;

	if ((ret = query_int(pc, "SELECT count(*) FROM pg_catalog.pg_tables"
				 " WHERE schemaname = current_schema()"
				 " AND tablename = 'aivalue_workspace'", &mark, err)))
		return ret;
	if (mark)
		return 0;
	if ((ret = query_int(pc, "SELECT count(*) FROM pg_catalog.pg_tables"
				 " WHERE schemaname = current_schema()", &ntables, err)))
		return ret;
	if (ntables > 0)
		return aiv_fail(err, AIV_EIO,
				"database '%s' is not an aivalue database (it holds %lld "
				"other tables and no aivalue_workspace mark)",
				PQdb(pc->c), (long long)ntables);
	if (!create)
		return aiv_fail(err, AIV_ESTATE,
				"no workspace in database '%s'; run 'aivalue init' first",
				PQdb(pc->c));
	return pg_exec(pc, "CREATE TABLE aivalue_workspace(application_id bigint NOT NULL);"
			   " INSERT INTO aivalue_workspace VALUES (1095325249)", err);
}

/* ---- for a copy between workspaces (migrate) ----------------------------- */

static int pg_tables(void *conn, char ***names, size_t *n, struct aiv_err *err)
{
	struct pg_conn *pc = conn;
	size_t alloc = 0;
	int i, ret = 0;
	/* oid order is creation order; foreign keys were added after */
	PGresult *r = PQexec(pc->c,
		"SELECT c.relname FROM pg_catalog.pg_class c"
		" JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace"
		" WHERE ns.nspname = current_schema() AND c.relkind = 'r'"
		" AND c.relname <> 'aivalue_workspace' ORDER BY c.oid");

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		ret = fail_res(pc, r, err, "listing tables");
	} else {
		for (i = 0; i < PQntuples(r); i++) {
			ALLOC_GROW(*names, *n + 1, alloc);
			(*names)[(*n)++] = xstrdup(PQgetvalue(r, i, 0));
		}
	}
	PQclear(r);
	return ret;
}

static int pg_ids_sync(void *conn, const char *table, struct aiv_err *err)
{
	struct pg_conn *pc = conn;
	const char *params[1] = { table };
	PGresult *r = PQexecParams(pc->c,
		"SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = $1::regclass"
		" AND attidentity <> '' AND NOT attisdropped", 1, NULL, params, NULL, NULL, 0);
	int i, ret = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		ret = fail_res(pc, r, err, "reading identity columns");
		PQclear(r);
		return ret;
	}
	for (i = 0; i < PQntuples(r) && !ret; i++) {
		const char *col = PQgetvalue(r, i, 0);
		char *qt = PQescapeIdentifier(pc->c, table, strlen(table));
		char *qc = PQescapeIdentifier(pc->c, col, strlen(col));
		char *lt = PQescapeLiteral(pc->c, table, strlen(table));
		char *lc = PQescapeLiteral(pc->c, col, strlen(col));
		char *sql;
		PGresult *q;

		if (!qt || !qc || !lt || !lc) {
			ret = fail_res(pc, NULL, err, "quoting a name");
		} else {
			/* setval is strict: an empty table (max NULL) keeps the sequence */
			sql = xstrfmt("SELECT setval(pg_get_serial_sequence(%s, %s), max(%s))"
				      " FROM %s", lt, lc, qc, qt);
			q = PQexec(pc->c, sql);
			if (PQresultStatus(q) != PGRES_TUPLES_OK)
				ret = fail_res(pc, q, err, "moving an id sequence");
			PQclear(q);
			free(sql);
		}
		PQfreemem(qt);
		PQfreemem(qc);
		PQfreemem(lt);
		PQfreemem(lc);
	}
	PQclear(r);
	return ret;
}

/* for pg_copy.c (bulk inserts with COPY) */
PGconn *pg_conn_pq(void *conn)
{
	return ((struct pg_conn *)conn)->c;
}

int pg_conn_fail(void *conn, PGresult *r, struct aiv_err *err, const char *what)
{
	return fail_res(conn, r, err, what);
}

const struct store_backend store_pg_backend = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.begin = pg_begin,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.step_commit = pg_step_commit,
	.run_many = pg_run_many,
	.col_text = pg_col_text,
	.col_bytes = pg_col_bytes,
	.col_blob = pg_col_blob,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_is_null = pg_col_is_null,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.col_type = pg_col_type,
	.reset = pg_reset,
	.changes = pg_changes,
	.check_app = pg_check_app,
	.tables = pg_tables,
	.ids_sync = pg_ids_sync,
	.bulk_begin = pg_copy_begin,
	.bulk_row = pg_copy_row,
	.bulk_end = pg_copy_end,
	.state_stamp = pg_state_stamp,
};
