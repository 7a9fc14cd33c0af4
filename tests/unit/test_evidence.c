/*
 * test_evidence.c - the evidence registry as the program wires it, and
 * the caches of evidence and playbook state.
 *
 *   - every catalog metric (any of them can be a gate criterion, a
 *     hypothesis metric or a scorecard figure) has a provider or a
 *     supplier entry naming the import that measures it, and docs/
 *     playbook.md names each one;
 *   - the evidence cache answers from memory while the ledger head, the
 *     watched state, the registry and the clock (TTL) stand still, and
 *     recomputes when any of them moves; never inside a transaction;
 *   - playbook_compute() shares one snapshot between calls and threads.
 *   - playbook_refresh() renews a read snapshot at half its life;
 *   - metric_summary_get() keeps a summary per store state and minute.
 */
#include <pthread.h>

#include "unit.h"

#include "assess/playbook.h"
#include "assess/series.h"
#include "cli/cmd.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "org/org.h"

static struct catalog *cat;

static int setup(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	if (catalog_load(&cat, NULL, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	catalog_free(cat);
	return 0;
}

/* Register what `aivalue` registers at start. */
static void register_all(void)
{
	evidence_reset();
	assess_register_providers(NULL);
	assess_register_detectors();
	assess_register_evidence();
}

static char *read_file(const char *rel)
{
	char *path = unit_src_path(rel), *buf;
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(path);
	return buf;
}

/* `id` as a whole word in backquotes, as the docs' tables write metrics. */
static int docs_name(const char *docs, const char *id)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "`%s`", id);
	return strstr(docs, pat) != NULL;
}

static void test_every_metric_has_evidence(void **state)
{
	char *docs = read_file("docs/playbook.md");
	size_t i, j, with = 0, without = 0;

	(void)state;
	register_all();
	for (i = 0; i < cat->nmetrics; i++) {
		const char *id = cat->metrics[i].id;
		const struct evidence_provider *p = evidence_provider_for(id);
		if (p) {
			with++;
		} else {
			const char *sup = evidence_supplier(id);
			without++;
			if (!evidence_supplier_known(id))
				fail_msg("metric '%s' has neither a provider nor a supplier entry", id);
			if (!strstr(sup, "aivalue ") && !strstr(sup, "kind: "))
				fail_msg("supplier of '%s' names no import: %s", id, sup);
		}
		if (!docs_name(docs, id))
			fail_msg("docs/playbook.md does not name metric '%s'", id);
	}
	/* every gate criterion's metric is a catalog metric with evidence */
	for (i = 0; i < cat->nphases; i++)
		for (j = 0; j < cat->phases[i].ngate; j++)
			assert_non_null(catalog_metric(cat, cat->phases[i].gate[j].metric));
	/* the check can fail: an unknown metric has neither */
	assert_null(evidence_provider_for("no_such_metric"));
	assert_false(evidence_supplier_known("no_such_metric"));
	/* every catalog metric has a provider today */
	assert_int_equal(without, 0);
	assert_int_equal(with + without, cat->nmetrics);
	free(docs);
	evidence_reset();
}

/* A provider that counts its calls. */
static int calls;
static int count_fn(const struct evidence_env *env, const char *metric,
		    struct evidence_value *out, void *data, struct aiv_err *err)
{
	(void)env;
	(void)metric;
	(void)data;
	(void)err;
	calls++;
	out->state = EV_MEASURED;
	out->value = calls;
	snprintf(out->source, sizeof(out->source), "call %d", calls);
	return 0;
}
static const struct evidence_provider counter = { "repeat_use_rate", "test", count_fn, NULL, 0 };

static struct store *open_store(const char *dir)
{
	char path[512];
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;

	snprintf(path, sizeof(path), "%s/aivalue.db", dir);
	if (store_open(&s, path, STORE_CREATE, &err))
		fail_msg("%s", err.msg);
	return s;
}

static void append(struct store *s)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *p = json_object();

	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(ledger_append(s, "test", "test.touch", "test", p, NULL, &err), 0);
	assert_int_equal(store_commit(s, &err), 0);
	json_decref(p);
}

static void test_evidence_cache(void **state)
{
	char *dir = unit_tmpdir();
	struct store *s = open_store(dir);
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { s, NULL, 1780000000000000LL, 0 };
	struct evidence_value v;
	struct evidence_cache_stats st0, st1;

	(void)state;
	env.cat = cat;
	evidence_reset();
	evidence_register(&counter);
	evidence_cache_enable(1);
	evidence_cache_stats(&st0);
	calls = 0;
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 1);
	assert_float_equal(v.value, 1, 0);
	assert_string_equal(v.source, "call 1");
	evidence_cache_stats(&st1);
	assert_int_equal(st1.hits - st0.hits, 1);
	/* a ledger entry moves the head */
	append(s);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 2);
	/* time: reused just under the TTL, recomputed at it */
	env.now += EVIDENCE_CACHE_TTL_US - 1;
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 2);
	env.now += 1;
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 3);
	/* a watched table that changes without a ledger entry */
	evidence_cache_watch("SELECT count(*) FROM readiness_draft");
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 4);
	assert_int_equal(store_exec(s, "INSERT INTO readiness_draft(question, choice, level,"
				    " provenance, answered_at) VALUES ('x', 1, 0, 'stated', 'now')",
				    &err), 0);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 5);
	/* inside a transaction nothing is cached */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 7);
	store_rollback(s);
	/* rolled back: the state before, and its answer, are back */
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 7);
	assert_string_equal(v.source, "call 5");
	/* a new registration invalidates */
	evidence_register(&counter);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 8);
	/* switched off: every call computes */
	evidence_cache_enable(0);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(evidence_get(&env, "repeat_use_rate", &v, &err), 0);
	assert_int_equal(calls, 10);
	evidence_cache_enable(1);
	evidence_reset();
	store_close(s);
	unit_rmtree(dir);
	free(dir);
}

struct worker {
	const char *dir;
	int64_t now;
	int ok, earned, shared;
	pthread_barrier_t *start;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct store *s = open_store(w->dir);
	struct aiv_err err = AIV_ERR_INIT;
	int i;

	pthread_barrier_wait(w->start); /* both ask for the new picture at once */

	for (i = 0; i < 20; i++) {
		struct playbook_state ps;
		if (playbook_compute(s, cat, NULL, "insurance", w->now, &ps, &err) == 0) {
			w->ok++;
			w->earned = ps.pv.earned;
			w->shared += ps.shared != NULL;
			assert_ptr_equal(ps.env.store, s);
		}
		playbook_release(&ps);
	}
	store_close(s);
	return NULL;
}

static void test_playbook_snapshots(void **state)
{
	char *dir = unit_tmpdir();
	struct store *s = open_store(dir);
	struct aiv_err err = AIV_ERR_INIT;
	struct playbook_state a, b;
	struct evidence_cache_stats st0, st1;
	struct worker w[2];
	pthread_barrier_t start;
	pthread_t t[2];
	int64_t now = time_now_us();
	int i;

	(void)state;
	register_all();
	findings_register_builtin();
	evidence_cache_enable(1);
	playbook_cache_stats(&st0);
	assert_int_equal(playbook_compute(s, cat, NULL, NULL, now, &a, &err), 0);
	assert_int_equal(playbook_compute(s, cat, NULL, NULL, now + 1000, &b, &err), 0);
	playbook_cache_stats(&st1);
	assert_int_equal(st1.misses - st0.misses, 1);
	assert_int_equal(st1.hits - st0.hits, 1);
	assert_non_null(a.shared);
	assert_ptr_equal(a.shared, b.shared);
	assert_ptr_equal(a.pv.g, b.pv.g);
	assert_int_equal(b.env.now, now + 1000);
	playbook_release(&a);
	playbook_release(&b);
	/* another industry is another snapshot; a state change another again */
	assert_int_equal(playbook_compute(s, cat, NULL, "retail", now, &a, &err), 0);
	append(s);
	assert_int_equal(playbook_compute(s, cat, NULL, "retail", now, &b, &err), 0);
	assert_ptr_not_equal(a.shared, b.shared);
	playbook_release(&a);
	playbook_release(&b);
	/* two threads with their own store handles share snapshots, and
	 * the one that asks while the other computes waits for its picture:
	 * one computation for the 40 calls */
	assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
	playbook_cache_stats(&st0);
	for (i = 0; i < 2; i++) {
		w[i].dir = dir;
		w[i].now = now;
		w[i].ok = w[i].earned = w[i].shared = 0;
		w[i].start = &start;
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	playbook_cache_stats(&st1);
	assert_int_equal(st1.misses - st0.misses, 1);
	assert_int_equal(st1.hits - st0.hits, 39);
	assert_int_equal(w[0].ok + w[1].ok, 40);
	assert_int_equal(w[0].earned, 1);
	assert_int_equal(w[1].earned, 1);
	assert_int_equal(w[0].shared + w[1].shared, 40);
	evidence_reset();
	store_close(s);
	unit_rmtree(dir);
	free(dir);
}

/*
 * The server's warmer (playbook_refresh) recomputes a snapshot a reader
 * has had once it is half its time-to-live old, and readers keep the
 * older one meanwhile; an unread snapshot is left to its time-to-live.
 * Times are given, not waited for.
 */
static void test_playbook_refresh(void **state)
{
	char *dir = unit_tmpdir();
	struct store *s = open_store(dir);
	struct aiv_err err = AIV_ERR_INIT;
	struct playbook_state a, b;
	struct evidence_cache_stats st0, st1;
	int64_t now = time_now_us(), half = PLAYBOOK_REFRESH_US;

	(void)state;
	register_all();
	findings_register_builtin();
	evidence_cache_enable(1);
	append(s); /* a state no earlier test has a snapshot of */
	playbook_cache_stats(&st0);
	assert_int_equal(playbook_refresh(s, cat, NULL, NULL, now, &err), 0);
	playbook_cache_stats(&st1);
	assert_int_equal(st1.stored - st0.stored, 1);
	/* nobody read it: half its life gone, nothing recomputed */
	assert_int_equal(playbook_refresh(s, cat, NULL, NULL, now + half + 1, &err), 0);
	playbook_cache_stats(&st0);
	assert_int_equal(st0.stored - st1.stored, 0);
	/* a reader has it; before half its life, still nothing */
	assert_int_equal(playbook_compute(s, cat, NULL, NULL, now + 1000, &a, &err), 0);
	assert_int_equal(playbook_refresh(s, cat, NULL, NULL, now + half - 1, &err), 0);
	playbook_cache_stats(&st1);
	assert_int_equal(st1.stored - st0.stored, 0);
	assert_int_equal(st1.misses - st0.misses, 0);
	/* at half its life the warmer computes a new one */
	assert_int_equal(playbook_refresh(s, cat, NULL, NULL, now + half, &err), 0);
	playbook_cache_stats(&st0);
	assert_int_equal(st0.stored - st1.stored, 1);
	/* past the first one's time-to-live a reader gets the new one at
	 * once (it used to recompute); the first reader's copy still holds */
	assert_int_equal(playbook_compute(s, cat, NULL, NULL, now + EVIDENCE_CACHE_TTL_US + 10,
					  &b, &err), 0);
	playbook_cache_stats(&st1);
	assert_int_equal(st1.misses - st0.misses, 0);
	assert_int_equal(st1.hits - st0.hits, 1);
	assert_non_null(b.shared);
	assert_ptr_not_equal(a.shared, b.shared);
	assert_int_equal(a.pv.earned, b.pv.earned);
	assert_int_equal(a.fl.n, b.fl.n);
	playbook_release(&a);
	playbook_release(&b);
	evidence_reset();
	store_close(s);
	unit_rmtree(dir);
	free(dir);
}

/*
 * metric_summary_get() keeps a summary per store state for the evidence
 * cache's minute (the overview's scorecards): reused while the ledger
 * head and the clock stand still, computed afresh after a write, at the
 * time-to-live, inside a transaction, with the cache off; an error is
 * never kept.  Times are given, not waited for.
 */
static void test_metric_summary_cache(void **state)
{
	char *dir = unit_tmpdir();
	struct store *s = open_store(dir);
	struct aiv_err err = AIV_ERR_INIT;
	struct metric_summary m;
	struct evidence_cache_stats a, b;
	int64_t now = 1780000000000000LL;

	(void)state;
	evidence_reset();
	evidence_register(&counter);
	evidence_cache_enable(1);
	calls = 0;
	metric_summary_cache_stats(&a);
	assert_int_equal(metric_summary_get(s, cat, "repeat_use_rate", now, &m, &err), 0);
	assert_true(m.have);
	assert_float_equal(m.value, 1, 0);
	assert_string_equal(m.source, "call 1");
	assert_non_null(m.metric);
	metric_summary_release(&m);
	metric_summary_cache_stats(&b);
	assert_int_equal(b.misses - a.misses, 1);
	assert_int_equal(b.stored - a.stored, 1);
	/* the same state just under the time-to-live: the kept one, a copy */
	assert_int_equal(metric_summary_get(s, cat, "repeat_use_rate",
					    now + EVIDENCE_CACHE_TTL_US - 1, &m, &err), 0);
	assert_string_equal(m.source, "call 1");
	assert_true(m.nspark == 0 || m.spark != NULL);
	metric_summary_release(&m);
	metric_summary_cache_stats(&a);
	assert_int_equal(a.hits - b.hits, 1);
	assert_int_equal(a.misses - b.misses, 0);
	/* at the time-to-live: computed afresh */
	assert_int_equal(metric_summary_get(s, cat, "repeat_use_rate", now + EVIDENCE_CACHE_TTL_US,
					    &m, &err), 0);
	assert_string_equal(m.source, "call 2");
	metric_summary_release(&m);
	/* a write moves the ledger head: the new figure */
	append(s);
	assert_int_equal(metric_summary_get(s, cat, "repeat_use_rate", now + EVIDENCE_CACHE_TTL_US,
					    &m, &err), 0);
	assert_string_equal(m.source, "call 3");
	metric_summary_release(&m);
	metric_summary_cache_stats(&b);
	assert_int_equal(b.misses - a.misses, 2);
	assert_int_equal(b.hits - a.hits, 0);
	/* inside a transaction nothing is kept or reused */
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(metric_summary_get(s, cat, "repeat_use_rate", now + EVIDENCE_CACHE_TTL_US,
					    &m, &err), 0);
	assert_string_equal(m.source, "call 4");
	metric_summary_release(&m);
	store_rollback(s);
	metric_summary_cache_stats(&a);
	assert_int_equal(a.stored - b.stored, 0);
	assert_int_equal(a.hits - b.hits, 0);
	/* an error is not kept */
	assert_int_not_equal(metric_summary_get(s, cat, "no_such_metric", now + EVIDENCE_CACHE_TTL_US,
						&m, &err), 0);
	metric_summary_release(&m);
	metric_summary_cache_stats(&b);
	assert_int_equal(b.stored - a.stored, 0);
	/* switched off: every call computes */
	evidence_cache_enable(0);
	assert_int_equal(metric_summary_get(s, cat, "repeat_use_rate", now + EVIDENCE_CACHE_TTL_US,
					    &m, &err), 0);
	metric_summary_release(&m);
	assert_int_equal(metric_summary_get(s, cat, "repeat_use_rate", now + EVIDENCE_CACHE_TTL_US,
					    &m, &err), 0);
	assert_string_equal(m.source, "call 6");
	metric_summary_release(&m);
	metric_summary_cache_stats(&a);
	assert_int_equal(a.hits - b.hits, 0);
	evidence_cache_enable(1);
	metric_summary_cache_clear();
	evidence_reset();
	store_close(s);
	unit_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_metric_has_evidence),
		cmocka_unit_test(test_evidence_cache),
		cmocka_unit_test(test_playbook_snapshots),
		cmocka_unit_test(test_playbook_refresh),
		cmocka_unit_test(test_metric_summary_cache),
	};

	cli_register_schema();
	return cmocka_run_group_tests(tests, setup, teardown);
}
