/*
 * test_eventlog.c - the string interner and the columnar event log:
 * interning identity, growth past rehashes, grouping by case, time order
 * within cases with out-of-order counting, attribute remapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "metrics/eventlog.h"

static void test_intern(void **state)
{
	struct intern p;
	uint32_t a, b, i;
	char buf[32];

	(void)state;
	intern_init(&p);
	a = intern_idn(&p, "alpha", 5);
	b = intern_idn(&p, "alphabet", 5); /* same 5 bytes */
	assert_int_equal(a, b);
	assert_int_equal(intern_idn(&p, "", 0), 1);
	assert_string_equal(intern_str(&p, 0), "alpha");
	assert_int_equal(intern_len(&p, 0), 5);
	assert_int_equal(intern_len(&p, 1), 0);
	for (i = 0; i < 100000; i++) {
		int n = snprintf(buf, sizeof(buf), "s%u", i);
		assert_int_equal(intern_idn(&p, buf, (size_t)n), i + 2);
	}
	for (i = 0; i < 100000; i += 997) {
		int n = snprintf(buf, sizeof(buf), "s%u", i);
		assert_int_equal(intern_find(&p, buf, (size_t)n), i + 2);
		assert_string_equal(intern_str(&p, i + 2), buf);
	}
	assert_int_equal(intern_find(&p, "nope", 4), EVL_NONE);
	intern_release(&p);
}

/*
 * The u64set with keys packed as cost packs them (person << 40 ^ tool << 20
 * ^ month): 20,000 people x 2 tools x 12 months, every key added once,
 * found, and a key of the next month not; key 0 is a key like any other.
 */
static void test_u64set_packed_keys(void **state)
{
	struct u64set set;
	uint64_t p, t, m;
	size_t added = 0;

	(void)state;
	u64set_init(&set);
	assert_int_equal(u64set_has(&set, 0), 0);
	for (p = 0; p < 20000; p++)
		for (t = 0; t < 2; t++)
			for (m = 24300; m < 24312; m++) {
				assert_int_equal(u64set_add(&set, p << 40 ^ t << 20 ^ m), 0);
				added++;
			}
	assert_int_equal(set.n, added);
	assert_int_equal(u64set_add(&set, (uint64_t)19999 << 40 ^ 1 << 20 ^ 24311), 1);
	for (p = 0; p < 20000; p += 97)
		for (t = 0; t < 2; t++) {
			assert_int_equal(u64set_has(&set, p << 40 ^ t << 20 ^ 24300), 1);
			assert_int_equal(u64set_has(&set, p << 40 ^ t << 20 ^ 24312), 0);
		}
	assert_int_equal(u64set_has(&set, 0), 0);
	assert_int_equal(u64set_add(&set, 0), 0);
	assert_int_equal(u64set_has(&set, 0), 1);
	assert_int_equal(u64set_add(&set, 0), 1);
	assert_int_equal(set.n, added + 1);
	u64set_release(&set);
}

#define IN(l, s) eventlog_intern((l), (s), strlen(s))

static void test_finish_groups_and_sorts(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;
	uint32_t c1, c2, a, b, c, key, v;
	size_t e;

	(void)state;
	eventlog_init(&l);
	c1 = IN(&l, "case-1");
	c2 = IN(&l, "case-2");
	a = IN(&l, "A");
	b = IN(&l, "B");
	c = IN(&l, "C");
	key = IN(&l, "ai");
	eventlog_add(&l, c2, a, EVL_NONE, 100);
	eventlog_add(&l, c1, b, EVL_NONE, 50);  /* case-1 gets C,B,A order after sort: */
	e = eventlog_add(&l, c1, a, EVL_NONE, 10); /* earlier than predecessor */
	eventlog_add_event_attr(&l, e, key, EVL_STRING, IN(&l, "yes"));
	eventlog_set_cost(&l, e, 7.5);
	eventlog_add(&l, c2, b, EVL_NONE, 100); /* tie: file order kept */
	eventlog_add(&l, c1, c, EVL_NONE, 5);   /* earlier again */
	eventlog_add_case_attr(&l, c2, key, EVL_STRING, IN(&l, "no"));
	eventlog_add_case_attr(&l, IN(&l, "ghost"), key, EVL_STRING, IN(&l, "x"));
	assert_int_equal(eventlog_finish(&l, &err), 0);
	assert_int_equal(l.ncases, 2);
	assert_string_equal(eventlog_str(&l, l.case_name[0]), "case-2");
	assert_string_equal(eventlog_str(&l, l.case_name[1]), "case-1");
	assert_int_equal(l.case_off[1], 2);
	assert_int_equal(l.case_off[2], 5);
	assert_int_equal(l.out_of_order, 2);
	assert_int_equal(l.activity[0], a);
	assert_int_equal(l.activity[1], b);
	assert_int_equal(l.activity[2], c);
	assert_int_equal(l.activity[3], a);
	assert_int_equal(l.activity[4], b);
	assert_int_equal(l.time[2], 5);
	assert_true(l.cost[3] == 7.5);
	assert_true(l.cost[0] != l.cost[0]); /* NaN */
	assert_int_equal(l.ncattrs, 1);
	v = eventlog_case_attr(&l, 1, key);
	assert_string_equal(eventlog_str(&l, v), "yes");
	v = eventlog_case_attr(&l, 0, key);
	assert_string_equal(eventlog_str(&l, v), "no");
	assert_int_equal(eventlog_count_activities(&l), 3);
	eventlog_release(&l);
}

/*
 * eventlog_finish on a log already in order (each case's events together
 * and in time order, as the XES importer adds them): nothing moves, and a
 * case's first event may be earlier than the previous case's last; a case
 * that comes back later is grouped, and an event earlier than the one
 * before it in the same case is sorted and counted.  The edges a shortcut
 * for logs in order must keep (docs/performance.md, "XES", 8 December).
 */
static void test_finish_in_order(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;
	uint32_t c1, c2, a, b, key, v;
	size_t e;

	(void)state;
	eventlog_init(&l);
	c1 = IN(&l, "case-1");
	c2 = IN(&l, "case-2");
	a = IN(&l, "A");
	b = IN(&l, "B");
	key = IN(&l, "k");
	eventlog_add(&l, c1, a, EVL_NONE, 100);
	eventlog_add(&l, c1, b, EVL_NONE, 100); /* tie: in order */
	eventlog_add(&l, c2, b, EVL_NONE, 20);  /* earlier than case-1's last: another case */
	e = eventlog_add(&l, c2, a, EVL_NONE, 30);
	eventlog_add_event_attr(&l, e, key, EVL_STRING, IN(&l, "ev"));
	eventlog_add_case_attr(&l, c2, key, EVL_STRING, IN(&l, "case"));
	eventlog_add_case_attr(&l, IN(&l, "ghost"), key, EVL_STRING, IN(&l, "x"));
	assert_int_equal(eventlog_finish(&l, &err), 0);
	assert_int_equal(l.ncases, 2);
	assert_int_equal(l.out_of_order, 0);
	assert_int_equal(l.case_off[1], 2);
	assert_int_equal(l.activity[0], a);
	assert_int_equal(l.activity[1], b);
	assert_int_equal(l.activity[2], b);
	assert_int_equal(l.time[2], 20);
	assert_int_equal(l.ev_case[3], 1);
	assert_int_equal(l.eattrs[0].owner, 3);
	assert_int_equal(l.ncattrs, 1); /* the ghost's attribute dropped on this path too */
	v = eventlog_case_attr(&l, 1, key);
	assert_string_equal(eventlog_str(&l, v), "case");
	eventlog_release(&l);

	/* case-1 again after case-2: grouped */
	eventlog_init(&l);
	c1 = IN(&l, "case-1");
	c2 = IN(&l, "case-2");
	a = IN(&l, "A");
	b = IN(&l, "B");
	eventlog_add(&l, c1, a, EVL_NONE, 10);
	eventlog_add(&l, c2, a, EVL_NONE, 20);
	eventlog_add(&l, c1, b, EVL_NONE, 30);
	assert_int_equal(eventlog_finish(&l, &err), 0);
	assert_int_equal(l.out_of_order, 0);
	assert_int_equal(l.ev_case[0], 0);
	assert_int_equal(l.ev_case[1], 0);
	assert_int_equal(l.ev_case[2], 1);
	assert_int_equal(l.time[1], 30);
	eventlog_release(&l);

	/* the last event of case-2 earlier than the one before it: sorted */
	eventlog_init(&l);
	c1 = IN(&l, "case-1");
	c2 = IN(&l, "case-2");
	a = IN(&l, "A");
	eventlog_add(&l, c1, a, EVL_NONE, 10);
	eventlog_add(&l, c2, a, EVL_NONE, 20);
	eventlog_add(&l, c2, a, EVL_NONE, 15);
	assert_int_equal(eventlog_finish(&l, &err), 0);
	assert_int_equal(l.out_of_order, 1);
	assert_int_equal(l.time[1], 15);
	assert_int_equal(l.time[2], 20);
	eventlog_release(&l);
}

static void test_empty_log_fails(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	eventlog_init(&l);
	assert_int_equal(eventlog_finish(&l, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "empty log"));
	eventlog_release(&l);
}

static void test_large_case_sort(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;
	uint32_t cs, act;
	size_t i;

	(void)state;
	eventlog_init(&l);
	cs = IN(&l, "c");
	act = IN(&l, "a");
	for (i = 0; i < 1000; i++)
		eventlog_add(&l, cs, act, EVL_NONE, (int64_t)((i * 7919) % 1000));
	assert_int_equal(eventlog_finish(&l, &err), 0);
	for (i = 1; i < 1000; i++)
		assert_true(l.time[i - 1] <= l.time[i]);
	assert_true(l.out_of_order > 0);
	eventlog_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_u64set_packed_keys),
		cmocka_unit_test(test_finish_groups_and_sorts),
		cmocka_unit_test(test_finish_in_order),
		cmocka_unit_test(test_empty_log_fails),
		cmocka_unit_test(test_large_case_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
