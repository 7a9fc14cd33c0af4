/*
 * test_store_schema.c - unit tests for the per-layer schema registry of
 * store/ and its step helpers: a version with parts in two layers runs
 * them in layer order in one transaction and is recorded once, under the
 * first part's name; a failing part leaves nothing behind; opening before
 * any registration is refused.
 *
 * This file registers its own two toy layers (not cli_register_schema),
 * so it runs in its own process.
 */
#include "unit.h"
#include "unit_store.h"

#include "store/store.h"

/* "lower" layer: t_a at version 1; "upper": t_b (refers to t_a) at 1, index at 3 */
static const struct store_migration lower_migrations[] = {
	{ 1, "toy tables", "CREATE TABLE t_a(id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
	  NULL },
};
static const struct store_migration upper_migrations[] = {
	{ 1, "toy b", "CREATE TABLE t_b(a INTEGER NOT NULL REFERENCES t_a(id), v TEXT);", NULL },
	/* the backfill runs on SQLite, after the DDL */
	{ 3, "toy b by v", "CREATE INDEX t_b_v ON t_b(v);",
	  STORE_SQLITE("INSERT INTO t_a(id, name) SELECT count(*) + 1, 'backfill' FROM"
		       " sqlite_master WHERE name = 't_b_v';") },
};
static const struct store_schema lower = { "lower", lower_migrations,
					   STORE_SCHEMA_COUNT(lower_migrations) };
static const struct store_schema upper = { "upper", upper_migrations,
					   STORE_SCHEMA_COUNT(upper_migrations) };

/* A layer whose version 4 fails halfway: its first statement must not stay. */
static const struct store_migration broken_migrations[] = {
	{ 4, "half", "CREATE TABLE t_c(x INTEGER); CREATE TABLE t_a(dup INTEGER);", NULL },
};
static const struct store_schema broken = { "broken", broken_migrations,
					    STORE_SCHEMA_COUNT(broken_migrations) };

/* Must run first: nothing is registered yet. */
static void open_without_schema_is_refused(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	char *dir = unit_tmpdir(), *db = xstrfmt("%s/w.db", dir);

	(void)state;
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), AIV_EINTERNAL);
	assert_null(s);
	assert_contains(err.msg, "no schema registered");
	unit_rmtree(dir);
	free(dir);
	free(db);
}

static void shared_version_runs_once_in_layer_order(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	struct store_stmt *st;
	char *dir = unit_tmpdir(), *db = xstrfmt("%s/w.db", dir);
	int64_t n = -1;
	int rc, yes = -1;

	(void)state;
	store_schema_register(&lower);
	store_schema_register(&upper);
	store_schema_register(&lower); /* twice: a no-op */
	assert_int_equal(store_schema_latest(), 3);
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	assert_int_equal(store_schema_version(s), 3);
	/* versions 1 and 3, one row each; 1 named by the lower layer's part */
	assert_int_equal(q_int(s, "SELECT count(*) FROM schema_migrations"), 2);
	assert_int_equal(q_int(s, "SELECT count(*) FROM schema_migrations"
				  " WHERE version = 1 AND name = 'toy tables'"), 1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM schema_migrations"
				  " WHERE version = 3 AND name = 'toy b by v'"), 1);
	/* lower's table came first in the schema (layer order) */
	assert_int_equal(q_int(s, "SELECT count(*) FROM sqlite_master a, sqlite_master b"
				  " WHERE a.name = 't_a' AND b.name = 't_b' AND a.rowid < b.rowid"), 1);

	/* the backfill ran after its version's index existed: id 2 */
	assert_int_equal(q_int(s, "SELECT id FROM t_a WHERE name = 'backfill'"), 2);

	/* the step helpers */
	st = store_prepare(s, "INSERT INTO t_a(id, name) VALUES (7, ?)", &err);
	assert_non_null(st);
	store_bind_text(st, 1, "seven");
	assert_int_equal(store_step_done(st, &err), 0);
	assert_int_equal(store_exec_text(s, "INSERT INTO t_b(a, v) VALUES (7, ?)", "x", &err), 0);
	assert_int_equal(store_query_int_text(s, "SELECT id FROM t_a WHERE name = ?", "seven",
					      &n, &err), 0);
	assert_int_equal(n, 7);
	assert_int_equal(store_query_int_text(s, "SELECT id FROM t_a WHERE name = ?", "none",
					      &n, &err), 0);
	assert_int_equal(n, 0);
	st = store_prepare(s, "SELECT 1 FROM t_b WHERE v = ?", &err);
	store_bind_text(st, 1, "x");
	assert_int_equal(store_step_row(st, &err), 1);
	store_bind_text(st, 1, "y");
	assert_int_equal(store_step_row(st, &err), 0);
	assert_int_equal(store_exists_text(s, "SELECT 1 FROM t_a WHERE name = ?", "seven", &yes,
					   &err), 0);
	assert_int_equal(yes, 1);
	assert_int_equal(store_exists_text(s, "SELECT 1 FROM t_a WHERE name = ?", "eight", &yes,
					   &err), 0);
	assert_int_equal(yes, 0);
	/* a failed prepare passes its error through the helpers */
	rc = store_step_done(store_prepare(s, "SELECT * FROM nowhere", &err), &err);
	assert_true(rc < 0);
	assert_int_equal(rc, err.code);
	/* the UNIQUE primary key fails the step: an error, statement reset */
	err = (struct aiv_err)AIV_ERR_INIT;
	assert_true(store_exec_text(s, "INSERT INTO t_a(id, name) VALUES (7, ?)", "again",
				    &err) < 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM t_a"), 2);
	store_close(s);

	/* a version whose part fails is rolled back whole and names its layer */
	store_schema_register(&broken);
	err = (struct aiv_err)AIV_ERR_INIT;
	assert_true(store_open(&s, db, 0, &err) < 0);
	assert_contains(err.msg, "migration 4 (broken: half)");
	store_schema_register(&lower);
	err = (struct aiv_err)AIV_ERR_INIT;
	assert_int_equal(store_open(&s, db, STORE_READONLY, &err), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 't_c'"), 0);
	assert_int_equal(q_int(s, "SELECT max(version) FROM schema_migrations"), 3);
	store_close(s);
	unit_rmtree(dir);
	free(dir);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_without_schema_is_refused),
		cmocka_unit_test(shared_version_runs_once_in_layer_order),
	};

	return cmocka_run_group_tests_name("store_schema", tests, NULL, NULL);
}
