/*
 * test_store_fault.c - a value SQLite could not take (out of memory while
 * binding it) never reaches the store as NULL.
 *
 * SQLite answers a bind it cannot allocate for with SQLITE_NOMEM and
 * leaves the parameter NULL; a backend that ignored that would insert
 * NULL and commit.  Here SQLite's allocator refuses every request of a
 * megabyte or more while the test binds a two-megabyte text, which makes
 * exactly that bind fail, every time.  (t0140 reaches the same path by
 * failing SQLite's allocations one at a time during an apply.)
 */
#include "unit.h"

#include <sqlite3.h>

#include "store/store.h"
#include "cli/cmd.h"

static sqlite3_mem_methods real_mem;
static int refuse_big;

static void *m_malloc(int n)
{
	return refuse_big && n >= (1 << 20) ? NULL : real_mem.xMalloc(n);
}

static void *m_realloc(void *p, int n)
{
	return refuse_big && n >= (1 << 20) ? NULL : real_mem.xRealloc(p, n);
}

static int group_setup(void **state)
{
	sqlite3_mem_methods m;

	cli_register_schema();
	sqlite3_shutdown();
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
		return -1;
	m = real_mem;
	m.xMalloc = m_malloc;
	m.xRealloc = m_realloc;
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK ? 0 : -1;
}

struct fx {
	char *dir;
	struct store *s;
	struct store_stmt *ins;
	char *big;
};

static int setup(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct fx *f = xcalloc(1, sizeof(*f));
	char *db;

	f->dir = unit_tmpdir();
	db = xstrfmt("%s/aivalue.db", f->dir);
	if (store_open(&f->s, db, STORE_CREATE, &err) ||
	    store_exec(f->s, "CREATE TABLE fault_probe(v TEXT)", &err) ||
	    !(f->ins = store_prepare(f->s, "INSERT INTO fault_probe(v) VALUES (?)", &err)))
		fail_msg("setup: %s", err.msg);
	free(db);
	f->big = xmalloc(2 << 20);
	memset(f->big, 'x', 2 << 20);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	refuse_big = 0;
	store_close(f->s);
	unit_rmtree(f->dir);
	free(f->dir);
	free(f->big);
	free(f);
	return 0;
}

static int64_t rows(struct store *s)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t n = -1;

	if (store_query_int(s, "SELECT count(*) FROM fault_probe", &n, &err))
		fail_msg("count: %s", err.msg);
	return n;
}

/* The step after a lost bind fails; nothing is inserted. */
static void lost_bind_fails_the_step(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;

	assert_int_equal(store_begin(f->s, &err), 0);
	refuse_big = 1;
	store_bind_textn(f->ins, 1, f->big, 2 << 20);
	refuse_big = 0;
	assert_true(store_step(f->ins, &err) < 0);
	assert_non_null(strstr(err.msg, "a value was lost"));
	store_reset(f->ins);
	store_rollback(f->s);
	assert_int_equal(rows(f->s), 0);

	/* and the statement works again afterwards */
	aiv_err_clear(&err);
	assert_int_equal(store_begin(f->s, &err), 0);
	store_bind_text(f->ins, 1, "kept");
	assert_int_equal(store_step(f->ins, &err), STORE_DONE);
	store_reset(f->ins);
	assert_int_equal(store_commit(f->s, &err), 0);
	assert_int_equal(rows(f->s), 1);
}

/* A lost bind that is never stepped still stops the COMMIT. */
static void lost_bind_fails_the_commit(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;

	assert_int_equal(store_begin(f->s, &err), 0);
	store_bind_text(f->ins, 1, "first");
	assert_int_equal(store_step(f->ins, &err), STORE_DONE);
	store_reset(f->ins);
	refuse_big = 1;
	store_bind_textn(f->ins, 1, f->big, 2 << 20);
	refuse_big = 0;
	store_reset(f->ins);
	assert_true(store_commit(f->s, &err) != 0);
	assert_non_null(strstr(err.msg, "a value was lost"));
	store_rollback(f->s);
	assert_int_equal(rows(f->s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lost_bind_fails_the_step, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_bind_fails_the_commit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
