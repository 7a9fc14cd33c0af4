/*
 * test_process.c - process kernels on a hand-checked log: variants,
 * durations, waiting times, directly-follows edges, rework, handovers,
 * ISO weeks, cohort masks.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingest/ingest.h"
#include "metrics/exceptions.h"
#include "metrics/process.h"

#define H 3600000000LL

/*
 * c1: A(0h,ann) B(1h,bob) C(3h,bob)         variant ABC, 3h
 * c2: A(0h,ann) B(2h,ann) B(3h,cy) C(7h,cy)  variant ABBC, 7h, rework B
 * c3: A(0h) B(1h) C(2h)                      variant ABC, 2h, no resources
 * c4: A(5h,ann)                              variant A, 0h
 */
static void build(struct eventlog *l)
{
	static const struct {
		const char *c, *a, *r;
		int64_t t;
	} ev[] = {
		{ "c1", "A", "ann", 0 }, { "c2", "A", "ann", 0 }, { "c1", "B", "bob", 1 },
		{ "c3", "A", NULL, 0 }, { "c2", "B", "ann", 2 }, { "c1", "C", "bob", 3 },
		{ "c2", "B", "cy", 3 }, { "c3", "B", NULL, 1 }, { "c3", "C", NULL, 2 },
		{ "c2", "C", "cy", 7 }, { "c4", "A", "ann", 5 },
	};
	struct aiv_err err = AIV_ERR_INIT;
	size_t i;

	eventlog_init(l);
	for (i = 0; i < ARRAY_SIZE(ev); i++)
		eventlog_add(l, eventlog_intern(l, ev[i].c, strlen(ev[i].c)),
			     eventlog_intern(l, ev[i].a, 1),
			     ev[i].r ? eventlog_intern(l, ev[i].r, strlen(ev[i].r)) : EVL_NONE,
			     1609459200000000LL /* 2021-01-01, ISO 2020-W53 */ + ev[i].t * H);
	assert_int_equal(eventlog_finish(l, &err), 0);
}

static const struct pstat_activity *act(const struct eventlog *l,
					const struct process_stats *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->nacts; i++)
		if (!strcmp(eventlog_str(l, ps->acts[i].activity), name))
			return &ps->acts[i];
	fail_msg("no activity %s", name);
	return NULL;
}

static void test_figures(void **state)
{
	struct eventlog l;
	struct process_stats ps;
	const struct pstat_activity *b, *c;

	(void)state;
	build(&l);
	process_stats_compute(&l, NULL, &ps);
	assert_int_equal(ps.cases, 4);
	assert_int_equal(ps.events, 11);
	assert_int_equal(ps.activities, 3);
	assert_int_equal(ps.nvariants, 3);
	assert_int_equal(ps.variants[0].count, 2);             /* ABC */
	assert_int_equal(ps.variants[0].len, 3);
	assert_int_equal(ps.variants[1].len, 4);               /* ABBC first seen before A */
	assert_int_equal(ps.variants[2].len, 1);
	/* durations 3h 7h 2h 0h: sorted 0 2 3 7 */
	assert_true(ps.duration.min == 0);
	assert_true(ps.duration.max == 7 * 3600.0);
	assert_true(ps.duration.median == 2.5 * 3600.0);
	assert_true(ps.duration.mean == 3 * 3600.0);
	assert_true(fabs(ps.duration.p90 - (3 + 0.7 * 4) * 3600.0) < 1e-6); /* h = 2.7 */
	/* waits before B: c1 1h, c2 2h and 1h, c3 1h -> median 1h */
	b = act(&l, &ps, "B");
	assert_int_equal(b->events, 4);
	assert_int_equal(b->wait.n, 4);
	assert_true(b->wait.median == 3600.0);
	assert_int_equal(b->rework_cases, 1);
	assert_int_equal(b->repeats, 1);
	c = act(&l, &ps, "C");
	assert_true(c->wait.max == 4 * 3600.0);
	assert_int_equal(ps.rework_cases, 1);
	/* edges A>B 3, B>C 3, B>B 1 */
	assert_int_equal(ps.ndfg, 3);
	assert_int_equal(ps.dfg[0].count, 3);
	assert_int_equal(ps.dfg[2].count, 1);
	assert_string_equal(eventlog_str(&l, ps.dfg[2].from), "B");
	assert_string_equal(eventlog_str(&l, ps.dfg[2].to), "B");
	/* handovers: c1 ann>bob; c2 ann>cy (B>B) -> 2 */
	assert_int_equal(ps.handover_total, 2);
	assert_int_equal(ps.nhandovers, 2);
	assert_int_equal(ps.nweeks, 1);
	assert_int_equal(ps.weeks[0].year, 2020);
	assert_int_equal(ps.weeks[0].week, 53);
	assert_int_equal(ps.nstarts, 1);
	assert_int_equal(ps.starts[0].count, 4);
	process_stats_release(&ps);
	eventlog_release(&l);
}

/*
 * The same events without timestamps (time 0, no_time): file order within
 * each case, so c2 is A B B C and c1 A B C as before (their file order is
 * their time order); counts, variants and rework stay, every time figure
 * is NaN / empty, never 0.
 */
static void test_no_timestamps(void **state)
{
	static const struct {
		const char *c, *a;
	} ev[] = { { "c1", "A" }, { "c2", "A" }, { "c1", "B" }, { "c2", "C" }, { "c1", "C" },
		   { "c2", "B" } };
	struct aiv_err err = AIV_ERR_INIT;
	struct process_stats ps;
	struct eventlog l;
	size_t i;

	(void)state;
	eventlog_init(&l);
	for (i = 0; i < ARRAY_SIZE(ev); i++)
		eventlog_add(&l, eventlog_intern(&l, ev[i].c, 2), eventlog_intern(&l, ev[i].a, 1),
			     EVL_NONE, 0);
	l.no_time = 1;
	assert_int_equal(eventlog_finish(&l, &err), 0);
	process_stats_compute(&l, NULL, &ps);
	assert_int_equal(ps.no_time, 1);
	assert_int_equal(ps.cases, 2);
	assert_int_equal(ps.events, 6);
	assert_int_equal(ps.nvariants, 2); /* A B C and A C B: file order kept */
	assert_int_equal(ps.ndfg, 4);      /* A>B, B>C, A>C, C>B */
	assert_int_equal(ps.duration.n, 0);
	assert_true(isnan(ps.duration.median) && isnan(ps.duration.max));
	assert_true(isnan(ps.durations[0]) && isnan(ps.durations[1]));
	assert_int_equal(ps.nweeks, 0);
	for (i = 0; i < ps.ndfg; i++)
		assert_true(isnan(ps.dfg[i].median));
	for (i = 0; i < ps.nacts; i++)
		assert_int_equal(ps.acts[i].wait.n, 0);
	assert_int_equal(ps.out_of_order, 0);
	process_stats_release(&ps);
	eventlog_release(&l);
}

static void test_mask(void **state)
{
	struct eventlog l;
	struct process_stats ps;
	uint8_t mask[4] = { 0, 1, 0, 1 }, none[4] = { 0 };

	(void)state;
	build(&l);
	process_stats_compute(&l, mask, &ps);
	assert_int_equal(ps.cases, 2);
	assert_int_equal(ps.events, 5);
	assert_true(ps.duration.median == 3.5 * 3600.0);
	process_stats_release(&ps);
	process_stats_compute(&l, none, &ps);
	assert_int_equal(ps.cases, 0);
	assert_true(isnan(ps.duration.median));
	process_stats_release(&ps);
	eventlog_release(&l);
}

static void test_iso_week(void **state)
{
	int y, w;
	int64_t t;

	(void)state;
	assert_int_equal(ingest_parse_time("2024-12-30", 10, &t), 0);
	process_iso_week(t, &y, &w);
	assert_int_equal(y, 2025);
	assert_int_equal(w, 1);
	assert_int_equal(ingest_parse_time("2021-01-03T23:59:59Z", 20, &t), 0);
	process_iso_week(t, &y, &w);
	assert_int_equal(y, 2020);
	assert_int_equal(w, 53);
	assert_int_equal(ingest_parse_time("2021-01-04", 10, &t), 0);
	process_iso_week(t, &y, &w);
	assert_int_equal(y, 2021);
	assert_int_equal(w, 1);
	process_iso_week(0, &y, &w); /* Thursday 1970-01-01 */
	assert_int_equal(y, 1970);
	assert_int_equal(w, 1);
	assert_int_equal(ingest_parse_time("1969-12-28", 10, &t), 0);
	process_iso_week(t, &y, &w); /* a Sunday: week 52 of 1969 */
	assert_int_equal(y, 1969);
	assert_int_equal(w, 52);
}

static void test_exceptions(void **state)
{
	struct eventlog l;
	struct process_stats ps;
	struct exc_result r;
	const char *pats[] = { "B" };
	uint8_t *exc, case_exc[4];

	(void)state;
	build(&l);
	exc = exceptions_match(&l, pats, 1);
	memset(&r, 0, sizeof(r));
	exceptions_compute(&l, NULL, exc, NULL, &r);
	assert_int_equal(r.cases, 4);
	assert_int_equal(r.exception_cases, 3);
	assert_int_equal(r.resolved_cases, 3);
	/* c1: B 1h -> C 3h = 2h; c2: B 2h, B 3h -> C 7h = 5h; c3: B 1h -> C 2h = 1h */
	assert_true(r.resolution.median == 2 * 3600.0);
	assert_true(r.resolution.max == 5 * 3600.0);
	assert_int_equal(r.nacts, 1);
	assert_int_equal(r.acts[0].events, 4);
	assert_int_equal(r.acts[0].cases, 3);
	assert_true(isnan(r.cost_exception));
	exceptions_release(&r);
	free(exc);

	/* happy path at 50 %: ABC (2 of 4 cases) is the path; ABBC and A are off it */
	process_stats_compute(&l, NULL, &ps);
	memset(&r, 0, sizeof(r));
	exc = exceptions_happy_path(&l, NULL, &ps, 50, case_exc, &r);
	assert_int_equal(r.happy_variants, 1);
	assert_true(r.happy_coverage == 0.5);
	assert_int_equal(case_exc[0] + case_exc[1] + case_exc[2] + case_exc[3], 2);
	exceptions_compute(&l, NULL, exc, case_exc, &r);
	assert_int_equal(r.exception_cases, 2);
	assert_int_equal(r.resolution.n, 0); /* no activity is off the path */
	exceptions_release(&r);
	free(exc);
	process_stats_release(&ps);
	eventlog_release(&l);
}

/* Edges in the order of the contract: count descending, then names as strcmp orders them. */
static void assert_edge_order(const struct eventlog *l, const struct pstat_edge *e, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		int c = strcmp(eventlog_str(l, e[i - 1].from), eventlog_str(l, e[i].from));

		if (!c)
			c = strcmp(eventlog_str(l, e[i - 1].to), eventlog_str(l, e[i].to));
		assert_true(e[i - 1].count > e[i].count || (e[i - 1].count == e[i].count && c < 0));
	}
}

/*
 * Handovers and the DFG sorted with ranks instead of names (sort_edges):
 * names interned in an order unlike their sorted order, most pairs tied
 * on their count, names that are prefixes of others; the order is still
 * count, then strcmp of from, then of to.
 */
static void test_edge_order(void **state)
{
	static const char *const people[] = { "zed", "amy", "bo", "b", "amy2", "Zoe", "a", "bob" };
	static const char *const acts[] = { "W", "V", "X", "VV", "A" };
	struct aiv_err err = AIV_ERR_INIT;
	struct process_stats ps;
	struct eventlog l;
	uint32_t seed = 7;
	char cname[16];
	int c, k;

	(void)state;
	eventlog_init(&l);
	for (c = 0; c < 200; c++) {
		snprintf(cname, sizeof(cname), "case%d", c);
		for (k = 0; k < 6; k++) {
			const char *p, *a;

			seed = seed * 1103515245u + 12345u;
			p = people[(seed >> 8) % ARRAY_SIZE(people)];
			a = acts[(seed >> 12) % ARRAY_SIZE(acts)];
			eventlog_add(&l, eventlog_intern(&l, cname, strlen(cname)),
				     eventlog_intern(&l, a, strlen(a)),
				     (seed >> 16) % 9 ? eventlog_intern(&l, p, strlen(p)) : EVL_NONE,
				     1609459200000000LL + (int64_t)k * H);
		}
	}
	assert_int_equal(eventlog_finish(&l, &err), 0);
	process_stats_compute(&l, NULL, &ps);
	assert_true(ps.nhandovers > 20);
	assert_true(ps.ndfg > 10);
	assert_edge_order(&l, ps.handovers, ps.nhandovers);
	assert_edge_order(&l, ps.dfg, ps.ndfg);
	process_stats_release(&ps);
	eventlog_release(&l);
}

/* process_cases_compute's figures are process_stats_compute's, over the same cases. */
static void assert_same_cases(const struct eventlog *l, const uint8_t *mask)
{
	struct process_stats ps;
	struct process_cases pc;
	size_t i;

	process_stats_compute(l, mask, &ps);
	process_cases_compute(l, mask, &pc);
	assert_int_equal(pc.cases, ps.cases);
	assert_int_equal(pc.rework_cases, ps.rework_cases);
	for (i = 0; i < ps.cases; i++)
		assert_memory_equal(&pc.durations[i], &ps.durations[i], sizeof(double));
	free(pc.durations);
	process_stats_release(&ps);
}

static void test_cases_only(void **state)
{
	static const uint8_t some[] = { 1, 0, 1, 1 }, none[] = { 0, 0, 0, 0 };
	struct aiv_err err = AIV_ERR_INIT;
	struct eventlog l;
	size_t i;

	(void)state;
	build(&l);
	assert_same_cases(&l, NULL);
	assert_same_cases(&l, some);
	assert_same_cases(&l, none);
	eventlog_release(&l);
	/* no timestamps: durations NaN, not sorted */
	eventlog_init(&l);
	for (i = 0; i < 6; i++)
		eventlog_add(&l, eventlog_intern(&l, i % 2 ? "c1" : "c2", 2),
			     eventlog_intern(&l, i % 3 ? "A" : "B", 1), EVL_NONE, 0);
	l.no_time = 1;
	assert_int_equal(eventlog_finish(&l, &err), 0);
	assert_same_cases(&l, NULL);
	eventlog_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_no_timestamps),
		cmocka_unit_test(test_iso_week),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_edge_order),
		cmocka_unit_test(test_cases_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
