/*
 * test_store.c - unit tests for store/: opening and creating workspaces,
 * migrations, refusing files that are not aivalue databases, locking,
 * transactions and the statement interface.
 *
 * Foreign and broken files are made with the sqlite3 library directly
 * (test scaffolding: the code under test only ever sees them through
 * store_open).
 */
#include "unit.h"
#include "unit_store.h"

#include <sqlite3.h>
#include <time.h>

#include "store/backend.h"
#include "store/store.h"
#include "cli/cmd.h"

struct fx {
	char *dir;
	char *db;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->dir = unit_tmpdir();
	f->db = xstrfmt("%s/aivalue.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unit_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

static void create_records_migrations(void **state)
{
	struct fx *f = *state;
	struct store *s = open_ok(f->db, STORE_CREATE);

	assert_int_equal(store_schema_version(s), store_schema_latest());
	/* every migration once; numbers may have gaps (assigned per branch) */
	assert_int_equal(q_int(s, "SELECT count(*) FROM schema_migrations"),
			 20); /* versions 1-7 and 9-21: 8 was never released */
	assert_int_equal(q_int(s, "SELECT max(version) FROM schema_migrations"),
			 store_schema_latest());
	assert_int_equal(q_int(s, "SELECT count(*) FROM schema_migrations"
				  " WHERE name = '' OR applied_at NOT LIKE '____-__-__T__:__:__.______Z'"), 0);
	assert_int_equal(q_int(s, "PRAGMA application_id"), 0x41495641);
	assert_int_equal(q_int(s, "SELECT count(*) FROM ledger"), 0);
	assert_string_equal(store_uri(s), f->db);
	store_close(s);
}

static void reopen_is_idempotent(void **state)
{
	struct fx *f = *state;
	struct store *s = open_ok(f->db, STORE_CREATE);
	int64_t n1 = q_int(s, "SELECT count(*) FROM schema_migrations");
	int64_t t1 = q_int(s, "SELECT count(*) FROM sqlite_schema");

	store_close(s);
	s = open_ok(f->db, 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM schema_migrations"), n1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM sqlite_schema"), t1);
	store_close(s);
	s = open_ok(f->db, STORE_CREATE); /* create on an existing one: no-op */
	assert_int_equal(q_int(s, "SELECT count(*) FROM schema_migrations"), n1);
	store_close(s);
	s = open_ok(f->db, STORE_READONLY);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	store_close(s);
}

static void missing_workspace_is_refused(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = (struct store *)1;

	assert_int_equal(store_open(&s, f->db, 0, &err), AIV_ESTATE);
	assert_null(s);
	assert_contains(err.msg, "no workspace at");
	assert_contains(err.msg, "aivalue init");
	assert_int_equal(access(f->db, F_OK), -1); /* nothing was created */
	assert_int_equal(store_open(&s, "", 0, &err), AIV_EINPUT);
	assert_int_equal(store_open(&s, "postgres://x/y?nosuchoption=1", 0, &err), AIV_EINPUT);
	assert_int_equal(store_open(&s, f->dir, STORE_CREATE, &err), AIV_EIO);
	assert_contains(err.msg, "not a regular file");
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void text_file_is_refused(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	static const char text[] = "this is a note, not a database\n"
		"it is long enough to look like a file with a header of sorts....\n";

	write_file(f->db, text);
	assert_int_equal(store_open(&s, f->db, 0, &err), AIV_EIO);
	assert_null(s);
	assert_contains(err.msg, "is not an aivalue database (not SQLite at all)");
	assert_contains(err.msg, "aivalue.db");
	assert_int_equal(store_open(&s, f->db, STORE_CREATE, &err), AIV_EIO);
	assert_contains(err.msg, "not SQLite at all");
	{
		/* and the file is left exactly as it was */
		char buf[256] = "";
		FILE *fp = fopen(f->db, "r");
		size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		assert_int_equal(n, strlen(text));
		assert_string_equal(buf, text);
	}
}

static void foreign_sqlite_is_refused(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE recipes(name TEXT);"
				      "INSERT INTO recipes VALUES ('soup');", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(&s, f->db, 0, &err), AIV_EIO);
	assert_contains(err.msg, "is not an aivalue database (application id 0)");
	assert_int_equal(store_open(&s, f->db, STORE_CREATE, &err), AIV_EIO);
	assert_contains(err.msg, "is not an aivalue database");
	/* nothing was migrated into it */
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1,
					    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void newer_schema_is_refused(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = open_ok(f->db, STORE_CREATE);

	assert_int_equal(store_exec(s, "INSERT INTO schema_migrations VALUES"
				    " (9999, 'from the future', '2099-01-01T00:00:00.000000Z')",
				    &err), 0);
	store_close(s);
	s = NULL;
	assert_int_equal(store_open(&s, f->db, 0, &err), AIV_ESTATE);
	assert_null(s);
	assert_contains(err.msg, "database schema version 9999 is newer than this aivalue");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void locked_database_is_busy_quickly(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *holder, *s;
	double t0, took;
	int rc;

	setenv("AIVALUE_BUSY_TIMEOUT_MS", "100", 1);
	holder = open_ok(f->db, STORE_CREATE);
	s = open_ok(f->db, 0);
	assert_int_equal(store_begin(holder, &err), 0); /* BEGIN IMMEDIATE */
	t0 = now_s();
	rc = store_begin(s, &err);
	took = now_s() - t0;
	assert_int_equal(rc, AIV_EBUSY);
	assert_contains(err.msg, "database is locked by another process");
	assert_false(store_in_tx(s));
	assert_true(took >= 0.05);
	/* told from the 5 s default, with room for a loaded machine or ASan */
	assert_true(took < 4.0);
	/* once the holder lets go, writing works */
	store_rollback(holder);
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_commit(s, &err), 0);
	store_close(holder);
	store_close(s);
	unsetenv("AIVALUE_BUSY_TIMEOUT_MS");
}

/* The HTTP writer's WAL upkeep goes through the store, not through SQL. */
static void wal_upkeep_is_a_store_call(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = open_ok(f->db, STORE_CREATE);

	assert_int_equal(q_int(s, "PRAGMA wal_autocheckpoint"), 1000); /* SQLite's default */
	assert_int_equal(store_autocheckpoint(s, 8192, &err), 0);
	assert_int_equal(q_int(s, "PRAGMA wal_autocheckpoint"), 8192);
	assert_int_equal(store_exec(s, "CREATE TABLE t(k INTEGER PRIMARY KEY);"
				    " INSERT INTO t(k) VALUES (1), (2)", &err), 0);
	assert_int_equal(store_checkpoint(s, &err), 0);
	assert_int_equal(q_int(s, "SELECT sum(k) FROM t"), 3);
	store_close(s);
}

static void transactions_commit_and_roll_back(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = open_ok(f->db, STORE_CREATE);
	struct store_stmt *st;

	assert_int_equal(store_exec(s, "CREATE TABLE t(k TEXT PRIMARY KEY, v INTEGER, r REAL,"
				    " b BLOB)", &err), 0);
	assert_false(store_in_tx(s));
	assert_int_equal(store_begin(s, &err), 0);
	assert_true(store_in_tx(s));
	assert_int_equal(store_begin(s, &err), AIV_EINTERNAL); /* no nesting */
	st = store_prepare(s, "INSERT INTO t(k, v, r, b) VALUES (?, ?, ?, ?)", &err);
	assert_non_null(st);
	store_bind_text(st, 1, "a");
	store_bind_int(st, 2, INT64_C(9007199254740993));
	store_bind_double(st, 3, 0.1);
	store_bind_blob(st, 4, "x\0y", 3);
	assert_int_equal(store_step(st, &err), STORE_DONE);
	store_reset(st);
	assert_int_equal(store_changes(s), 1);
	store_rollback(s);
	assert_false(store_in_tx(s));
	assert_int_equal(q_int(s, "SELECT count(*) FROM t"), 0);

	assert_int_equal(store_begin(s, &err), 0);
	/* the same SQL text gives the same cached statement */
	assert_ptr_equal(store_prepare(s, "INSERT INTO t(k, v, r, b) VALUES (?, ?, ?, ?)", &err), st);
	store_bind_text(st, 1, "a");
	store_bind_int(st, 2, INT64_C(9007199254740993));
	store_bind_double(st, 3, 0.1);
	store_bind_blob(st, 4, "x\0y", 3);
	assert_int_equal(store_step(st, &err), STORE_DONE);
	store_reset(st);
	/* a constraint violation is a conflict, and leaves the tx usable */
	store_bind_text(st, 1, "a");
	store_bind_null(st, 2);
	store_bind_null(st, 3);
	store_bind_null(st, 4);
	assert_int_equal(store_step(st, &err), AIV_ECONFLICT);
	store_reset(st);
	assert_int_equal(store_commit(s, &err), 0);
	assert_int_equal(store_commit(s, &err), AIV_EINTERNAL);

	st = store_prepare(s, "SELECT k, v, r, b, NULL FROM t", &err);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "a");
	assert_int_equal(store_col_int(st, 1), INT64_C(9007199254740993));
	assert_true(store_col_double(st, 2) == 0.1);
	assert_int_equal(store_col_bytes(st, 3), 3);
	assert_memory_equal(store_col_blob(st, 3), "x\0y", 3);
	assert_true(store_col_is_null(st, 4));
	assert_string_equal(store_col_text(st, 4), ""); /* NULL reads as "" */
	assert_int_equal(store_step(st, &err), STORE_DONE);
	store_reset(st);
	assert_null(store_prepare(s, "SELECT nonsense FROM nowhere", &err));
	assert_contains(err.msg, "no such table");
	store_close(s);
}

/* The authorizer runs when SQLite compiles a statement: count BEGIN, COMMIT, ROLLBACK. */
struct tx_compiles {
	int begin, commit, rollback;
};

static int count_tx(void *data, int action, const char *a, const char *b, const char *c,
		    const char *d)
{
	struct tx_compiles *n = data;

	(void)b;
	(void)c;
	(void)d;
	if (action == SQLITE_TRANSACTION && a) {
		n->begin += !strcmp(a, "BEGIN");
		n->commit += !strcmp(a, "COMMIT");
		n->rollback += !strcmp(a, "ROLLBACK");
	}
	return SQLITE_OK;
}

/*
 * A connection compiles BEGIN IMMEDIATE, COMMIT and ROLLBACK once and
 * keeps them (sqlite3_exec compiled each again on every transaction: 18,000
 * instructions of a lone decision's commit).  30 transactions, committed,
 * rolled back, begun without waiting, compile each once.  The kept
 * statements still report what they did: a COMMIT that a deferred foreign
 * key refuses leaves the transaction open for ROLLBACK, and a BEGIN
 * another connection's write lock refuses is busy, then works.
 */
static void transaction_statements_compiled_once(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = open_ok(f->db, STORE_CREATE);
	const struct store_backend *be = &store_sqlite_backend;
	struct tx_compiles n = { 0, 0, 0 };
	void *conn = NULL, *other = NULL;
	char sql[96];
	int i;

	assert_int_equal(store_exec(s, "CREATE TABLE p(k INTEGER PRIMARY KEY);"
				    " CREATE TABLE c(k INTEGER REFERENCES p(k) DEFERRABLE INITIALLY"
				    " DEFERRED); CREATE TABLE t(k INTEGER)", &err), 0);
	store_close(s);
	assert_int_equal(be->open(&conn, f->db, 0, &err), 0);
	assert_int_equal(be->check_app(conn, 0, &err), 0); /* foreign_keys=ON, WAL */
	assert_int_equal(be->open(&other, f->db, 0, &err), 0);
	assert_int_equal(be->check_app(other, 0, &err), 0);
	sqlite3_set_authorizer(store_sqlite_db(conn), count_tx, &n);
	for (i = 0; i < 30; i++) {
		if (i % 3 == 1)
			assert_int_equal(be->begin_nowait(conn, &err), 0);
		else
			assert_int_equal(be->begin(conn, &err), 0);
		snprintf(sql, sizeof(sql), "INSERT INTO t(k) VALUES (%d)", i);
		assert_int_equal(be->exec(conn, sql, &err), 0);
		assert_int_equal(be->exec(conn, i % 5 == 4 ? "ROLLBACK" : "COMMIT", &err), 0);
	}
	assert_int_equal(n.begin, 1);
	assert_int_equal(n.commit, 1);
	assert_int_equal(n.rollback, 1);
	assert_int_equal(sqlite3_get_autocommit(store_sqlite_db(conn)), 1);
	assert_int_equal(sqlite3_exec(store_sqlite_db(conn), "SELECT 1", NULL, NULL, NULL), 0);

	/* a deferred foreign key: COMMIT refused, the transaction still open */
	assert_int_equal(be->begin(conn, &err), 0);
	assert_int_equal(be->exec(conn, "INSERT INTO c(k) VALUES (7)", &err), 0);
	assert_int_equal(be->exec(conn, "COMMIT", &err), AIV_ECONFLICT);
	assert_contains(err.msg, "FOREIGN KEY constraint failed");
	assert_int_equal(sqlite3_get_autocommit(store_sqlite_db(conn)), 0);
	assert_int_equal(be->exec(conn, "INSERT INTO p(k) VALUES (7)", &err), 0);
	assert_int_equal(be->exec(conn, "COMMIT", &err), 0);
	assert_int_equal(sqlite3_get_autocommit(store_sqlite_db(conn)), 1);

	/* another connection holds the write lock: BEGIN without waiting is busy */
	assert_int_equal(be->begin(other, &err), 0);
	assert_int_equal(be->begin_nowait(conn, &err), AIV_EBUSY);
	assert_contains(err.msg, "database is locked by another process");
	assert_int_equal(sqlite3_get_autocommit(store_sqlite_db(conn)), 1);
	assert_int_equal(be->exec(other, "COMMIT", &err), 0);
	assert_int_equal(be->begin_nowait(conn, &err), 0);
	assert_int_equal(be->exec(conn, "DELETE FROM t WHERE k < 10", &err), 0);
	assert_int_equal(be->exec(conn, "COMMIT", &err), 0);
	assert_int_equal(n.begin + n.commit + n.rollback, 3);
	be->close(other);
	be->close(conn);

	s = open_ok(f->db, 0);
	/* 30 rows, 6 rolled back (i = 4, 9, ..., 29), 10..29 kept but 14, 19, 24, 29 */
	assert_int_equal(q_int(s, "SELECT count(*) * 1000 + sum(k) FROM t"), 16 * 1000 + 304);
	assert_int_equal(q_int(s, "SELECT count(*) FROM c"), 1);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_records_migrations, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_workspace_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(text_file_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(foreign_sqlite_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(newer_schema_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(locked_database_is_busy_quickly, setup, teardown),
		cmocka_unit_test_setup_teardown(transactions_commit_and_roll_back, setup, teardown),
		cmocka_unit_test_setup_teardown(wal_upkeep_is_a_store_call, setup, teardown),
		cmocka_unit_test_setup_teardown(transaction_statements_compiled_once, setup, teardown),
	};

	cli_register_schema();
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
