/*
 * unit_store.h - store helpers shared by the store's unit tests
 * (test_store.c, test_store_pg.c, test_store_schema.c): open a workspace
 * or fail the test, read one integer or fail the test.
 */
#ifndef AIV_TESTS_UNIT_STORE_H
#define AIV_TESTS_UNIT_STORE_H

#include "unit.h"
#include "store/store.h"

static inline struct store *open_ok(const char *uri, unsigned flags)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;

	if (store_open(&s, uri, flags, &err))
		fail_msg("store_open('%s') failed: %s", uri, err.msg);
	return s;
}

static inline int64_t q_int(struct store *s, const char *sql)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t v = -1;

	if (store_query_int(s, sql, &v, &err))
		fail_msg("%s: %s", sql, err.msg);
	return v;
}

#endif
