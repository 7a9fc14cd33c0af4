/*
 * test_store_pg.c - the store contract (store.h) on both backends: each
 * test runs once on a SQLite file and once on a PostgreSQL database of a
 * real PostgreSQL 15 server that tests/pg/pg-start starts for this run in
 * a temporary folder (and pg-stop stops).  Without the PostgreSQL binaries
 * the PostgreSQL half is skipped, with a message.
 *
 * A foreign PostgreSQL database is made with libpq directly (scaffolding,
 * as test_store.c makes foreign SQLite files with sqlite3).
 */
#include "unit.h"
#include "unit_store.h"

#include <libpq-fe.h>
#include <sys/wait.h>
#include <time.h>

#include "store/store.h"
#include "cli/cmd.h"

static char *pg_dir;  /* the cluster's folder; NULL: no server */
static char *pg_base; /* postgresql://aivalue@127.0.0.1:PORT */
static int pg_dbs;

struct fx {
	int pg;
	char *dir;
	char *uri;
};

static char *run_script(const char *script, const char *args, int *status)
{
	char *path = unit_src_path(script);
	char *cmd = xstrfmt("'%s' %s", path, args);
	char line[512] = "";
	FILE *p = popen(cmd, "r");
	int st;

	if (p && !fgets(line, sizeof(line), p))
		line[0] = 0;
	st = p ? pclose(p) : -1;
	*status = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	line[strcspn(line, "\n")] = 0;
	free(cmd);
	free(path);
	return xstrdup(line);
}

static int group_setup(void **state)
{
	char *dir = unit_tmpdir(), *args = xstrfmt("'%s/pg'", dir);
	int st;
	char *base = run_script("tests/pg/pg-start", args, &st);

	(void)state;
	free(args);
	if (st || strncmp(base, "postgresql://", 13)) {
		fprintf(stderr, "# PostgreSQL tests skipped: tests/pg/pg-start exit %d%s\n", st,
			st == 2 ? " (no PostgreSQL binaries)" : "");
		unit_rmtree(dir);
		free(dir);
		free(base);
		return 0;
	}
	pg_dir = dir;
	pg_base = base;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (pg_dir) {
		char *args = xstrfmt("'%s/pg'", pg_dir);
		int st;

		free(run_script("tests/pg/pg-stop", args, &st));
		free(args);
		unit_rmtree(pg_dir);
	}
	free(pg_dir);
	free(pg_base);
	return 0;
}

static int setup_common(void **state, int pg)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->pg = pg;
	f->dir = unit_tmpdir();
	if (pg && pg_dir) {
		char *args = xstrfmt("'%s/pg' t%d", pg_dir, ++pg_dbs);
		int st;

		f->uri = run_script("tests/pg/pg-newdb", args, &st);
		free(args);
		if (st)
			fail_msg("pg-newdb failed (%d)", st);
	} else if (!pg) {
		f->uri = xstrfmt("%s/aivalue.db", f->dir);
	}
	*state = f;
	return 0;
}

static int setup_sqlite(void **state)
{
	return setup_common(state, 0);
}

static int setup_pg(void **state)
{
	return setup_common(state, 1);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unit_rmtree(f->dir);
	free(f->dir);
	free(f->uri);
	free(f);
	return 0;
}

/* The fixture's URI, or skip the test when it needs a server we lack. */
static const char *uri_of(void **state)
{
	struct fx *f = *state;

	if (!f->uri) {
		fprintf(stderr, "# skipped: no PostgreSQL server\n");
		skip();
	}
	return f->uri;
}

static void exec_ok(struct store *s, const char *sql)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (store_exec(s, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
}

static struct store_stmt *prep_ok(struct store *s, const char *sql)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st = store_prepare(s, sql, &err);

	if (!st)
		fail_msg("%s: %s", sql, err.msg);
	return st;
}

/* A table of every value kind, two rows, ids left to the backend. */
static struct store *contract_table(const char *uri)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = open_ok(uri, STORE_CREATE);
	struct store_stmt *st;
	static const char blob[] = { 'x', 0, 'y', (char)0xff };

	assert_int_equal(store_begin(s, &err), 0);
	exec_ok(s, "CREATE TABLE t_contract(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
		   " n INTEGER, x REAL, b BLOB)");
	st = prep_ok(s, "INSERT INTO t_contract(name, n, x, b) VALUES (?, ?, ?, ?)");
	store_bind_text(st, 1, "it's a ? mark");
	store_bind_int(st, 2, INT64_MAX);
	store_bind_double(st, 3, 0.1 + 0.2);
	store_bind_blob(st, 4, blob, sizeof(blob));
	assert_int_equal(store_step_done(st, &err), 0);
	store_bind_text(st, 1, "B");
	store_bind_int(st, 2, -5);
	store_bind_double(st, 3, 100.0);
	store_bind_null(st, 4);
	assert_int_equal(store_step_done(st, &err), 0);
	assert_int_equal(store_commit(s, &err), 0);
	return s;
}

static void values_round_trip(void **state)
{
	const char *uri = uri_of(state);
	struct store *s = contract_table(uri);
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st = prep_ok(s, "SELECT id, name, n, x, b FROM t_contract ORDER BY id");
	double want = 0.1 + 0.2, got;

	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_int_equal(store_col_count(st), 5);
	assert_string_equal(store_col_name(st, 0), "id");
	assert_string_equal(store_col_name(st, 4), "b");
	assert_int_equal(store_col_type(st, 0), STORE_COL_INT);
	assert_int_equal(store_col_type(st, 1), STORE_COL_TEXT);
	assert_int_equal(store_col_type(st, 2), STORE_COL_INT);
	assert_int_equal(store_col_type(st, 3), STORE_COL_DOUBLE);
	assert_int_equal(store_col_type(st, 4), STORE_COL_BLOB);
	assert_int_equal(store_col_int(st, 0), 1); /* the key the backend gave */
	assert_string_equal(store_col_text(st, 1), "it's a ? mark");
	assert_true(store_col_int(st, 2) == INT64_MAX);
	got = store_col_double(st, 3);
	assert_memory_equal(&got, &want, sizeof(got)); /* bit for bit */
	/* SQLite's text of a REAL, 15 digits, on both backends */
	assert_string_equal(store_col_text(st, 3), "0.3");
	assert_int_equal(store_col_bytes(st, 4), 4);
	assert_memory_equal(store_col_blob(st, 4), "x\0y\xff", 4);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_int_equal(store_col_int(st, 0), 2);
	assert_int_equal(store_col_int(st, 2), -5);
	assert_string_equal(store_col_text(st, 3), "100.0");
	assert_int_equal(store_col_type(st, 4), STORE_COL_NULL);
	assert_true(store_col_is_null(st, 4));
	assert_int_equal(store_step(st, &err), STORE_DONE);
	store_reset(st);
	store_close(s);
}

static void placeholders_and_results(void **state)
{
	const char *uri = uri_of(state);
	struct store *s = contract_table(uri);
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st;
	int64_t n = 0;

	/* a ? inside a literal is text, not a parameter */
	st = prep_ok(s, "SELECT '?' || ?");
	store_bind_text(st, 1, "a");
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "?a");
	store_reset(st);
	/* numbered placeholders, used out of order */
	st = prep_ok(s, "SELECT ?2 || ?1");
	store_bind_text(st, 1, "a");
	store_bind_text(st, 2, "b");
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "ba");
	store_reset(st);
	/* a NULL whose type nothing tells (PostgreSQL: 42P18), in a transaction */
	assert_int_equal(store_begin(s, &err), 0);
	st = prep_ok(s, "SELECT count(*) FROM t_contract WHERE (? IS NULL OR name = ?)");
	store_bind_null(st, 1);
	store_bind_null(st, 2);
	assert_int_equal(store_step_int(st, &n, &err), 0);
	assert_int_equal(n, 2);
	store_bind_text(st, 1, "B");
	store_bind_text(st, 2, "B");
	assert_int_equal(store_step_int(st, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_commit(s, &err), 0);
	/* a comparison reads as 1/0 (PostgreSQL: a boolean) */
	st = prep_ok(s, "SELECT n > 1, n < 0 FROM t_contract ORDER BY id");
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_int_equal(store_col_int(st, 0), 1);
	assert_string_equal(store_col_text(st, 1), "0");
	store_reset(st);
	/* text sorts in byte order: 'B' (66) < '_' (95) < 'a' (97) */
	exec_ok(s, "INSERT INTO t_contract(name) VALUES ('a'), ('_')");
	st = prep_ok(s, "SELECT name FROM t_contract WHERE length(name) = 1 ORDER BY name");
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "B");
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "_");
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "a");
	store_reset(st);
	/* rows changed; a key the backend gives after explicit ones */
	exec_ok(s, "UPDATE t_contract SET n = 7 WHERE n IS NULL");
	assert_int_equal(store_changes(s), 2);
	assert_int_equal(q_int(s, "SELECT max(id) FROM t_contract"), 4);
	store_close(s);
}

static void errors_and_transactions(void **state)
{
	const char *uri = uri_of(state);
	struct store *s = contract_table(uri);
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st;

	/* a unique violation is a conflict, as SQLite's constraint error is */
	st = prep_ok(s, "INSERT INTO t_contract(name) VALUES (?)");
	store_bind_text(st, 1, "B");
	assert_int_equal(store_step_done(st, &err), AIV_ECONFLICT);
	/* a rolled-back transaction leaves nothing */
	assert_int_equal(store_begin(s, &err), 0);
	store_bind_text(st, 1, "gone");
	assert_int_equal(store_step_done(st, &err), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM t_contract"), 3);
	store_rollback(s);
	assert_int_equal(q_int(s, "SELECT count(*) FROM t_contract"), 2);
	/* a failed statement in a transaction fails the commit: nothing half-applied */
	assert_int_equal(store_begin(s, &err), 0);
	store_bind_text(st, 1, "kept?");
	assert_int_equal(store_step_done(st, &err), 0);
	store_bind_text(st, 1, "B");
	assert_int_equal(store_step_done(st, &err), AIV_ECONFLICT);
	if (store_commit(s, &err) == 0) {
		/* SQLite: the statement failed alone, the rest commits */
		assert_false(((struct fx *)*state)->pg);
		assert_int_equal(q_int(s, "SELECT count(*) FROM t_contract"), 3);
	} else {
		/* PostgreSQL: the transaction is void; the caller rolls back */
		assert_true(((struct fx *)*state)->pg);
		assert_contains(err.msg, "rolled back");
		store_rollback(s);
		assert_int_equal(q_int(s, "SELECT count(*) FROM t_contract"), 2);
	}
	/* bad SQL fails at prepare (SQLite) or at its first step (PostgreSQL) */
	st = store_prepare(s, "SELECT nonsense FROM nowhere", &err);
	assert_true(!st || store_step_done(st, &err) == AIV_EIO);
	assert_contains(err.msg, "nowhere");
	store_close(s);
}

static int index_of(char **names, size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], want))
			return (int)i;
	return -1;
}

/* What a copy between workspaces needs: the tables in order, ids that follow */
static void tables_and_ids(void **state)
{
	const char *uri = uri_of(state);
	struct store *s = contract_table(uri);
	struct aiv_err err = AIV_ERR_INIT;
	char **names = NULL;
	size_t n = 0, i;
	int teams, people, contract;

	assert_int_equal(store_tables(s, &names, &n, &err), 0);
	teams = index_of(names, n, "teams");
	people = index_of(names, n, "people");
	contract = index_of(names, n, "t_contract");
	/* creation order: teams before people (migration 1), ours last */
	assert_true(teams >= 0 && people > teams);
	assert_int_equal(contract, (int)n - 1);
	assert_true(index_of(names, n, "schema_migrations") >= 0);
	assert_int_equal(index_of(names, n, "aivalue_workspace"), -1);
	for (i = 0; i < n; i++) {
		assert_true(strncmp(names[i], "sqlite_", 7));
		free(names[i]);
	}
	free(names);
	/* an explicit id, then one the backend gives: it follows the largest */
	exec_ok(s, "INSERT INTO t_contract(id, name) VALUES (10, 'copied')");
	assert_int_equal(store_table_ids_sync(s, "t_contract", &err), 0);
	exec_ok(s, "INSERT INTO t_contract(name) VALUES ('new')");
	assert_int_equal(q_int(s, "SELECT id FROM t_contract WHERE name = 'new'"), 11);
	/* an empty table keeps its sequence */
	exec_ok(s, "CREATE TABLE t_empty(id INTEGER PRIMARY KEY, v TEXT)");
	assert_int_equal(store_table_ids_sync(s, "t_empty", &err), 0);
	exec_ok(s, "INSERT INTO t_empty(v) VALUES ('x')");
	assert_int_equal(q_int(s, "SELECT id FROM t_empty"), 1);
	store_close(s);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Two writers: the second waits the busy timeout, then is told it is busy. */
static void writers_are_serialised(void **state)
{
	const char *uri = uri_of(state);
	struct store *a, *b;
	struct aiv_err err = AIV_ERR_INIT;
	double t0, dt;

	setenv("AIVALUE_BUSY_TIMEOUT_MS", "300", 1);
	a = open_ok(uri, STORE_CREATE);
	b = open_ok(uri, 0);
	assert_int_equal(store_begin(a, &err), 0);
	t0 = now_s();
	assert_int_equal(store_begin(b, &err), AIV_EBUSY);
	dt = now_s() - t0;
	assert_contains(err.msg, "locked");
	/* told from the 5 s default, with room for a loaded machine or ASan */
	assert_true(dt >= 0.25 && dt < 4.0);
	assert_false(store_in_tx(b));
	assert_int_equal(store_commit(a, &err), 0);
	assert_int_equal(store_begin(b, &err), 0); /* free again */
	assert_int_equal(store_commit(b, &err), 0);
	store_close(b);
	store_close(a);
	unsetenv("AIVALUE_BUSY_TIMEOUT_MS");
}

static void foreign_database_is_refused(void **state)
{
	const char *uri = uri_of(state);
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	PGconn *c;
	PGresult *r;

	/* empty database, no STORE_CREATE: run init */
	assert_int_equal(store_open(&s, uri, 0, &err), AIV_ESTATE);
	assert_contains(err.msg, "aivalue init");
	c = PQconnectdb(uri);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PQclear(PQexec(c, "CREATE TABLE customers(id int)"));
	assert_int_equal(store_open(&s, uri, STORE_CREATE, &err), AIV_EIO);
	assert_null(s);
	assert_contains(err.msg, "not an aivalue database");
	/* nothing was added to it */
	r = PQexec(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
	assert_string_equal(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	PQfinish(c);
}

static void bad_uri_names_the_field(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;

	(void)state;
	assert_int_equal(store_open(&s, "postgresql://h/db?nosuchoption=1", 0, &err), AIV_EINPUT);
	assert_contains(err.msg, "nosuchoption");
	/* the password is not repeated in a message */
	assert_int_equal(store_open(&s, "postgresql://u:s3cret@127.0.0.1:1/db", 0, &err), AIV_EIO);
	assert_contains(err.msg, "cannot open database");
	assert_null(strstr(err.msg, "s3cret"));
}

/* Rows of one INSERT in bulk (COPY on PostgreSQL): values, escapes, errors. */
static int64_t count_of(struct store *s, const char *sql)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t n = -1;

	if (store_query_int(s, sql, &n, &err))
		fail_msg("%s: %s", sql, err.msg);
	return n;
}

/*
 * The row filled last into b has a duplicate key: it fails at the row or at
 * the end (a COPY reports it there), with AIV_ECONFLICT; then roll back.
 * 0 when so.
 */
static int last_row_conflicts(struct store *s, struct store_bulk *b)
{
	struct aiv_err err = AIV_ERR_INIT;
	int rc = store_bulk_row(b, &err);

	if (rc)
		store_bulk_abort(b);
	else
		rc = store_bulk_end(b, &err);
	store_rollback(s);
	return rc == AIV_ECONFLICT ? 0 : -1;
}

static void bulk_insert(void **state)
{
	const char *uri = uri_of(state);
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = open_ok(uri, STORE_CREATE);
	struct store_bulk *b = NULL;
	struct store_stmt *st;
	char name[32];
	int i;

	assert_int_equal(store_begin(s, &err), 0);
	exec_ok(s, "CREATE TABLE t_bulk(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
		   " n INTEGER)");
	assert_int_equal(store_commit(s, &err), 0);

	/* not a plain INSERT ... VALUES (?, ...): refused on both backends */
	assert_int_equal(store_bulk_begin(s, "INSERT INTO t_bulk(id, name) VALUES (?, lower(?))",
					  &b, &err), AIV_EINTERNAL);
	assert_null(b);
	assert_int_equal(store_bulk_begin(s, "INSERT INTO t_bulk(id, name, n) VALUES (?, ?)",
					  &b, &err), AIV_EINTERNAL);

	/* text with every character COPY escapes, NULL, the int64 extremes, 5,000 more rows */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_bulk_begin(s, "INSERT INTO t_bulk(id, name, n)\n VALUES (?1, ?2, ?3)",
					  &b, &err), 0);
	assert_null(store_prepare(s, "SELECT count(*) FROM t_bulk", &err));
	assert_int_equal(err.code, AIV_ESTATE);
	store_bulk_int(b, 1);
	store_bulk_text(b, "tab\there\nnew\\line\r");
	store_bulk_int(b, INT64_MIN);
	assert_int_equal(store_bulk_row(b, &err), 0);
	store_bulk_int(b, 2);
	store_bulk_text(b, "\\N");
	store_bulk_null(b);
	assert_int_equal(store_bulk_row(b, &err), 0);
	store_bulk_int(b, 3);
	store_bulk_text(b, "too few");
	assert_int_equal(store_bulk_row(b, &err), AIV_EINTERNAL);
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "row %d", i);
		store_bulk_int(b, 10 + i);
		store_bulk_text(b, name);
		store_bulk_int(b, i);
		assert_int_equal(store_bulk_row(b, &err), 0);
	}
	assert_int_equal(store_bulk_end(b, &err), 0);
	assert_int_equal(store_commit(s, &err), 0);
	assert_int_equal(count_of(s, "SELECT count(*) FROM t_bulk"), 5002);
	/* 0 + 1 + ... + 4999 */
	assert_int_equal(count_of(s, "SELECT sum(n) FROM t_bulk WHERE id >= 10"), 12497500);
	st = prep_ok(s, "SELECT name, n FROM t_bulk WHERE id < 10 ORDER BY id");
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "tab\there\nnew\\line\r");
	assert_true(store_col_int(st, 1) == INT64_MIN);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "\\N");
	assert_true(store_col_is_null(st, 1));
	assert_int_equal(store_step(st, &err), STORE_DONE);
	store_reset(st);

	/* a duplicate key fails the bulk (at the row or at the end) and nothing stays */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_bulk_begin(s, "INSERT INTO t_bulk(id, name, n) VALUES (?, ?, ?)",
					  &b, &err), 0);
	store_bulk_int(b, 9000);
	store_bulk_text(b, "new");
	store_bulk_int(b, 1);
	assert_int_equal(store_bulk_row(b, &err), 0);
	store_bulk_int(b, 9001);
	store_bulk_text(b, "row 7");
	store_bulk_int(b, 1);
	assert_int_equal(last_row_conflicts(s, b), 0);
	assert_int_equal(count_of(s, "SELECT count(*) FROM t_bulk"), 5002);

	/* an abandoned bulk: the transaction is rolled back, the store usable again */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_bulk_begin(s, "INSERT INTO t_bulk(id, name, n) VALUES (?, ?, ?)",
					  &b, &err), 0);
	store_bulk_int(b, 9002);
	store_bulk_text(b, "abandoned");
	store_bulk_int(b, 1);
	assert_int_equal(store_bulk_row(b, &err), 0);
	store_bulk_abort(b);
	store_rollback(s);
	assert_int_equal(count_of(s, "SELECT count(*) FROM t_bulk WHERE name = 'abandoned'"), 0);
	store_close(s);
}

/*
 * Deferred bulks: two open at once into two tables, rows interleaved with
 * other statements on the same connection, more than the 1 MiB PostgreSQL
 * buffers before a whole COPY (so rows go at a row and at the end); a
 * duplicate key is reported by a row or the end; an abandoned one leaves
 * nothing after the rollback.
 */
static void bulk_deferred(void **state)
{
	const char *uri = uri_of(state);
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = open_ok(uri, STORE_CREATE);
	struct store_bulk *a = NULL, *b = NULL, *c = NULL;
	char name[200];
	int64_t n = -1;
	int i;

	assert_int_equal(store_begin(s, &err), 0);
	exec_ok(s, "CREATE TABLE t_da(id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
	exec_ok(s, "CREATE TABLE t_db(id INTEGER PRIMARY KEY, n INTEGER)");
	assert_int_equal(store_commit(s, &err), 0);

	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_bulk_begin_deferred(s, "INSERT INTO t_da(id, name) VALUES (?, ?)",
						   &a, &err), 0);
	assert_int_equal(store_bulk_begin_deferred(s, "INSERT INTO t_db(id, n) VALUES (?, ?)",
						   &b, &err), 0);
	for (i = 0; i < 8000; i++) {
		/* 150 bytes a row: 8,000 rows are 1.2 MB, over the 1 MiB flush */
		snprintf(name, sizeof(name), "%0150d", i);
		store_bulk_int(a, i);
		store_bulk_text(a, name);
		assert_int_equal(store_bulk_row(a, &err), 0);
		store_bulk_int(b, i);
		store_bulk_int(b, 2 * i);
		assert_int_equal(store_bulk_row(b, &err), 0);
		if (i % 1000 == 0) /* another statement between rows */
			assert_int_equal(store_query_int(s, "SELECT 1 + 1", &n, &err), 0);
	}
	assert_int_equal(n, 2);
	assert_int_equal(store_bulk_end(a, &err), 0);
	assert_int_equal(store_bulk_end(b, &err), 0);
	assert_int_equal(store_commit(s, &err), 0);
	assert_int_equal(count_of(s, "SELECT count(*) FROM t_da"), 8000);
	assert_int_equal(count_of(s, "SELECT count(*) FROM t_da WHERE length(name) = 150"), 8000);
	/* 2 * (0 + 1 + ... + 7999) */
	assert_int_equal(count_of(s, "SELECT sum(n) FROM t_db"), 63992000);

	/* a duplicate key: reported, and the rollback leaves nothing */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_bulk_begin_deferred(s, "INSERT INTO t_db(id, n) VALUES (?, ?)",
						   &b, &err), 0);
	store_bulk_int(b, 9000);
	store_bulk_int(b, 1);
	assert_int_equal(store_bulk_row(b, &err), 0);
	store_bulk_int(b, 7);
	store_bulk_int(b, 1);
	assert_int_equal(last_row_conflicts(s, b), 0);
	assert_int_equal(count_of(s, "SELECT count(*) FROM t_db"), 8000);

	/* abandoned: nothing stays; a streaming bulk meanwhile blocks deferred rows */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_bulk_begin_deferred(s, "INSERT INTO t_db(id, n) VALUES (?, ?)",
						   &b, &err), 0);
	store_bulk_int(b, 9001);
	store_bulk_int(b, 1);
	assert_int_equal(store_bulk_row(b, &err), 0);
	assert_int_equal(store_bulk_begin(s, "INSERT INTO t_da(id, name) VALUES (?, ?)",
					  &c, &err), 0);
	assert_int_equal(store_bulk_begin_deferred(s, "INSERT INTO t_db(id, n) VALUES (?, ?)",
						   &a, &err), AIV_ESTATE);
	store_bulk_abort(c);
	store_bulk_abort(b);
	store_rollback(s);
	assert_int_equal(count_of(s, "SELECT count(*) FROM t_db WHERE id = 9001"), 0);
	store_close(s);
}

#define BOTH(fn) cmocka_unit_test_setup_teardown(fn, setup_sqlite, teardown), \
		 cmocka_unit_test_setup_teardown(fn, setup_pg, teardown)

/*
 * store_step_commit: a write and the COMMIT in one round trip on
 * PostgreSQL (pipeline mode).  It commits the whole transaction; when the
 * write fails nothing of the transaction is committed, the transaction
 * stays open for store_rollback, and the connection works afterwards.
 */
static void step_commit(void **state)
{
	const char *uri = uri_of(state);
	struct store *s = open_ok(uri, STORE_CREATE);
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *ins;
	int64_t n;

	exec_ok(s, "CREATE TABLE t_sc(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
	ins = prep_ok(s, "INSERT INTO t_sc(id, v) VALUES (?, ?)");
	assert_int_equal(store_begin(s, &err), 0);
	store_bind_int(ins, 1, 1);
	store_bind_text(ins, 2, "one");
	assert_int_equal(store_step_done(ins, &err), 0);
	store_bind_int(ins, 1, 2);
	store_bind_text(ins, 2, "two");
	assert_int_equal(store_step_commit(ins, &err), 0);
	assert_false(store_in_tx(s));
	assert_int_equal(store_changes(s), 1);
	assert_int_equal(store_query_int(s, "SELECT count(*) * 10 + max(id) FROM t_sc", &n, &err), 0);
	assert_int_equal(n, 22);
	/* the last write fails (id 2 exists): row 3 is not committed either */
	assert_int_equal(store_begin(s, &err), 0);
	store_bind_int(ins, 1, 3);
	store_bind_text(ins, 2, "three");
	assert_int_equal(store_step_done(ins, &err), 0);
	store_bind_int(ins, 1, 2);
	store_bind_text(ins, 2, "again");
	assert_int_not_equal(store_step_commit(ins, &err), 0);
	assert_non_null(strstr(err.msg, "UNIQUE") ? err.msg : strstr(err.msg, "unique"));
	assert_true(store_in_tx(s));
	store_rollback(s);
	aiv_err_clear(&err);
	assert_int_equal(store_query_int(s, "SELECT count(*) * 10 + max(id) FROM t_sc", &n, &err), 0);
	assert_int_equal(n, 22);
	/* and the connection goes on: the next transaction commits */
	assert_int_equal(store_begin(s, &err), 0);
	store_bind_int(ins, 1, 4);
	store_bind_text(ins, 2, "four");
	assert_int_equal(store_step_commit(ins, &err), 0);
	assert_int_equal(store_query_int(s, "SELECT count(*) * 10 + max(id) FROM t_sc", &n, &err), 0);
	assert_int_equal(n, 34);
	store_close(s);
}

/*
 * store_run_many: several reads in one round trip on PostgreSQL (a libpq
 * pipeline); each one's steps give the rows a lone step gives, in order,
 * NULLs and blobs included.  A read that fails keeps its error for its
 * step (it does not run twice); one the server skipped after it runs at
 * its step; the others keep their rows and the connection goes on.  In a transaction each runs at its step.
 * The round trips counted: one for the batch on PostgreSQL, one per
 * statement on SQLite.
 */
static void run_many(void **state)
{
	const char *uri = uri_of(state);
	int pg = !strncmp(uri, "postgres", 8);
	struct store *s = open_ok(uri, STORE_CREATE);
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *a, *b, *c, *bad;
	int64_t st0, rt0;

	exec_ok(s, "CREATE TABLE t_rm(id INTEGER PRIMARY KEY, v TEXT, b BLOB)");
	exec_ok(s, "INSERT INTO t_rm(id, v, b) VALUES (1, 'one', NULL), (2, NULL, NULL), (3, 'three', NULL)");
	a = prep_ok(s, "SELECT id, v FROM t_rm WHERE id >= ? ORDER BY id");
	b = prep_ok(s, "SELECT count(*) FROM t_rm WHERE v IS NULL");
	c = prep_ok(s, "SELECT v FROM t_rm WHERE id = ?");
	store_bind_int(a, 1, 2);
	store_bind_int(c, 1, 99); /* no row */
	st0 = store_statements(s);
	rt0 = store_round_trips(s);
	{
		struct store_stmt *const three[] = { a, b, c };
		store_run_many(three, 3);
	}
	assert_int_equal(store_step(c, &err), STORE_DONE);
	store_reset(c);
	assert_int_equal(store_step(a, &err), STORE_ROW);
	assert_int_equal(store_col_int(a, 0), 2);
	assert_true(store_col_is_null(a, 1));
	assert_int_equal(store_step(a, &err), STORE_ROW);
	assert_int_equal(store_col_int(a, 0), 3);
	assert_string_equal(store_col_text(a, 1), "three");
	assert_int_equal(store_step(a, &err), STORE_DONE);
	store_reset(a);
	assert_int_equal(store_step(b, &err), STORE_ROW);
	assert_int_equal(store_col_int(b, 0), 1);
	store_reset(b);
	assert_int_equal(store_statements(s) - st0, 3);
	assert_int_equal(store_round_trips(s) - rt0, pg ? 1 : 3);
	/* the statements run again, alone, with new bindings */
	store_bind_int(a, 1, 3);
	assert_int_equal(store_step(a, &err), STORE_ROW);
	assert_int_equal(store_col_int(a, 0), 3);
	assert_int_equal(store_step(a, &err), STORE_DONE);
	store_reset(a);
	/* a read that fails (a cast the server refuses at run time) between two */
	bad = prep_ok(s, "SELECT CAST(v AS INTEGER) + 1 FROM t_rm WHERE id = ?");
	if (pg) {
		store_bind_int(a, 1, 1);
		store_bind_int(bad, 1, 1);
		store_bind_int(c, 1, 3);
		{
			struct store_stmt *const three[] = { a, bad, c };
			store_run_many(three, 3);
		}
		assert_int_equal(store_step(a, &err), STORE_ROW);
		assert_int_equal(store_col_int(a, 0), 1);
		store_reset(a);
		assert_true(store_step(bad, &err) < 0);
		assert_non_null(strstr(err.msg, "integer"));
		store_reset(bad);
		aiv_err_clear(&err);
		assert_int_equal(store_step(c, &err), STORE_ROW);
		assert_string_equal(store_col_text(c, 0), "three");
		store_reset(c);
		/*
		 * the failed read is not run again at its step (a read blocked
		 * on a lock would wait twice): a sequence, which no failure
		 * rolls back, moved once; the read the server skipped after
		 * it runs at its step, a round trip of its own
		 */
		exec_ok(s, "CREATE SEQUENCE t_rm_seq");
		bad = prep_ok(s, "SELECT nextval('t_rm_seq') / (? - 1)");
		store_bind_int(a, 1, 1);
		store_bind_int(bad, 1, 1); /* division by zero */
		store_bind_int(c, 1, 3);
		st0 = store_statements(s);
		rt0 = store_round_trips(s);
		{
			struct store_stmt *const three[] = { a, bad, c };
			store_run_many(three, 3);
		}
		assert_int_equal(store_step(a, &err), STORE_ROW);
		store_reset(a);
		assert_true(store_step(bad, &err) < 0);
		assert_non_null(strstr(err.msg, "division by zero"));
		store_reset(bad);
		aiv_err_clear(&err);
		assert_int_equal(store_step(c, &err), STORE_ROW);
		assert_string_equal(store_col_text(c, 0), "three");
		store_reset(c);
		assert_int_equal(store_statements(s) - st0, 3);
		assert_int_equal(store_round_trips(s) - rt0, 2);
		assert_int_equal(q_int(s, "SELECT last_value FROM t_rm_seq"), 1);
	}
	/* in a transaction: each at its step, the same rows */
	assert_int_equal(store_begin(s, &err), 0);
	store_bind_int(a, 1, 3);
	rt0 = store_round_trips(s);
	{
		struct store_stmt *const two[] = { a, b };
		store_run_many(two, 2);
	}
	assert_int_equal(store_round_trips(s), rt0);
	assert_int_equal(store_step(a, &err), STORE_ROW);
	assert_string_equal(store_col_text(a, 1), "three");
	store_reset(a);
	assert_int_equal(store_step(b, &err), STORE_ROW);
	assert_int_equal(store_col_int(b, 0), 1);
	store_reset(b);
	assert_int_equal(store_commit(s, &err), 0);
	store_close(s);
}

static int sum_ids(struct store_stmt *st, void *data)
{
	*(int64_t *)data += store_col_int(st, 0);
	return 0;
}

static int text_of(struct store_stmt *st, void *data)
{
	strbuf_addstr(data, store_col_text(st, 0));
	strbuf_addch(data, ';');
	return 0;
}

/*
 * store_query_in_many: each query's rows as store_query_in gives them,
 * also past 256 keys (its further statements run after the batch), an
 * empty key list runs nothing, and the first statements of all go in
 * one round trip on PostgreSQL.
 */
static void query_in_many(void **state)
{
	const char *uri = uri_of(state);
	int pg = !strncmp(uri, "postgres", 8);
	struct store *s = open_ok(uri, STORE_CREATE);
	struct aiv_err err = AIV_ERR_INIT;
	char *keys[300];
	const char *few[] = { "3", "1", "7" };
	struct strbuf txt = STRBUF_INIT;
	int64_t sum = 0, rt0, st0;
	size_t i;

	exec_ok(s, "CREATE TABLE t_qm(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
	assert_int_equal(store_begin(s, &err), 0);
	for (i = 1; i <= 300; i++) {
		struct store_stmt *ins = prep_ok(s, "INSERT INTO t_qm(id, v) VALUES (?, ?)");
		char v[16];
		snprintf(v, sizeof(v), "v%zu", i);
		store_bind_int(ins, 1, (int64_t)i);
		store_bind_text(ins, 2, v);
		assert_int_equal(store_step_done(ins, &err), 0);
	}
	assert_int_equal(store_commit(s, &err), 0);
	for (i = 0; i < 300; i++)
		keys[i] = xstrfmt("%zu", i + 1);
	{
		struct store_in q[3] = {
			{ "SELECT id FROM t_qm WHERE id IN ", NULL, "", (const char *const *)keys, 300,
			  sum_ids, &sum },
			{ "SELECT v FROM t_qm WHERE id IN ", NULL, " ORDER BY id", few, 0, text_of, &txt },
			{ "SELECT v FROM t_qm WHERE id IN ", NULL, " ORDER BY id DESC", few, 3, text_of,
			  &txt },
		};
		st0 = store_statements(s);
		rt0 = store_round_trips(s);
		assert_int_equal(store_query_in_many(s, q, 3, &err), 0);
	}
	assert_int_equal(sum, 300 * 301 / 2);
	assert_string_equal(txt.buf, "v7;v3;v1;");
	/* 256 + 44 keys: two statements; three keys: one */
	assert_int_equal(store_statements(s) - st0, 3);
	assert_int_equal(store_round_trips(s) - rt0, pg ? 2 : 3);
	for (i = 0; i < 300; i++)
		free(keys[i]);
	strbuf_release(&txt);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(values_round_trip),
		BOTH(placeholders_and_results),
		BOTH(errors_and_transactions),
		BOTH(writers_are_serialised),
		BOTH(tables_and_ids),
		BOTH(bulk_insert),
		BOTH(bulk_deferred),
		BOTH(step_commit),
		BOTH(run_many),
		BOTH(query_in_many),
		cmocka_unit_test_setup_teardown(foreign_database_is_refused, setup_pg, teardown),
		cmocka_unit_test(bad_uri_names_the_field),
	};

	cli_register_schema();
	return cmocka_run_group_tests_name("store_pg", tests, group_setup, group_teardown);
}
