/*
 * test_journeys.c - model 2: the Mann-Kendall test against values worked
 * out by hand, channel metrics on a five-journey fixture (through the
 * store), and the pure kernel journeys_compute() on tables built by hand,
 * without a database: channel metrics, the catalog windows and the trend
 * finding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "ingest/journeys.h"
#include "ingest/journeys_load.h"
#include "metrics/journeys.h"
#include "cli/cmd.h"

static void test_mann_kendall(void **state)
{
	double up[] = { 1, 2, 3, 4, 5 }, flat[] = { 3, 3, 3, 3 }, mixed[] = { 1, 3, 2, 4, 4 };
	struct mk_result r;

	(void)state;
	/* S = 10, Var = 5*4*15/18, Z = (S-1)/sqrt(Var) = 2.2045, p = 0.01374 */
	journeys_mann_kendall(up, 5, &r);
	assert_true(r.s == 10);
	assert_true(fabs(r.var - 50.0 / 3.0) < 1e-9);
	assert_true(fabs(r.z - 2.2045407685) < 1e-9);
	assert_true(fabs(r.p_up - 0.0137431681) < 1e-9);
	assert_true(fabs(r.p_down - (1 - 0.0137431681)) < 1e-9);
	journeys_mann_kendall(flat, 4, &r);
	assert_true(r.s == 0 && r.p_up == 1);
	/* pairs: +1 +1 +1 +1 | -1 +1 +1 | +1 +1 | 0  -> S = 7; one tie of 2:
	 * Var = (5*4*15 - 2*1*9)/18 = 282/18 */
	journeys_mann_kendall(mixed, 5, &r);
	assert_true(r.s == 7);
	assert_true(fabs(r.var - 282.0 / 18.0) < 1e-9);
}

static const char events[] =
	"journey_id,customer_id,channel,time,turn,intent_qualified,committed,order_value\n"
	"j1,c1,ai_assistant,2026-03-01T10:00:00Z,1,0,0,0\n"
	"j1,c1,ai_assistant,2026-03-01T10:05:00Z,2,1,0,0\n"
	"j1,c1,ai_assistant,2026-03-01T10:09:00Z,3,1,1,100\n"
	"j2,c2,ai_assistant,2026-03-02T10:00:00Z,1,1,1,50\n"
	"j3,c3,ai_assistant,2026-03-03T10:00:00Z,1,0,0,0\n"
	"j4,c1,ai_assistant,2026-03-20T10:00:00Z,1,0,0,0\n"
	"j5,c4,web,2026-03-04T10:00:00Z,1,1,0,0\n"
	"j5,c4,web,2026-03-04T10:02:00Z,2,1,1,200\n";
static const char outcomes[] =
	"customer_id,retained_30d,retained_90d,upsell,revenue,referrals\n"
	"c1,1,1,1,40,2\n"
	"c2,1,0,0,0,0\n"
	"c4,yes,no,,10,1\n";

static void test_channel_metrics(void **state)
{
	char dir[] = "/tmp/aiv-journeys-XXXXXX", db[128], p1[128], p2[128], cmd[160];
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct journey_opts o;
	struct journey_summary sum;
	struct store *s;
	json_t *rep, *finding, *ai, *web;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/a.db", dir);
	snprintf(p1, sizeof(p1), "%s/events.csv", dir);
	snprintf(p2, sizeof(p2), "%s/outcomes.csv", dir);
	f = fopen(p1, "w");
	fputs(events, f);
	fclose(f);
	f = fopen(p2, "w");
	fputs(outcomes, f);
	fclose(f);
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	memset(&o, 0, sizeof(o));
	o.format = "csv";
	assert_int_equal(journey_import_file(s, "t", p1, &o, &sum, &err), 0);
	assert_int_equal(sum.rows, 8);
	assert_int_equal(sum.journeys, 5);
	assert_int_equal(journey_import_file(s, "t", p2, &o, &sum, &err), 0);
	assert_string_equal(sum.kind, "outcomes");
	assert_int_equal(journey_import_file(s, "t", p2, &o, &sum, &err), 0);
	assert_int_equal(sum.already, 1);
	assert_int_equal(adoption_config_load(&cfg, NULL, &err), 0);
	assert_int_equal(journeys_report(s, &cfg, NULL, &rep, &finding, &err), 0);
	assert_null(finding); /* one month: too few for a trend */
	ai = json_array_get(json_object_get(rep, "channels"), 0);
	web = json_array_get(json_object_get(rep, "channels"), 1);
	assert_string_equal(json_str(ai, "channel"), "ai_assistant");
	/* ai: journeys j1 j2 j3 j4; qualified j1 j2; committed j1 (turn 3), j2 (turn 1) */
	assert_int_equal(json_integer_value(json_object_get(ai, "journeys")), 4);
	assert_true(json_real_value(json_object_get(ai, "qualified_intent_rate")) == 0.5);
	assert_true(json_real_value(json_object_get(ai, "conversion_rate")) == 0.5);
	assert_true(json_real_value(json_object_get(ai, "iterations_before_commitment")) == 2.0);
	/* converts c1, c2: 90-day 1 of 2, upsell 1 of 2, referrals 2 / 2 */
	assert_true(json_real_value(json_object_get(ai, "retention_90d")) == 0.5);
	assert_true(json_real_value(json_object_get(ai, "retention_30d")) == 1.0);
	assert_true(json_real_value(json_object_get(ai, "upsell_rate")) == 0.5);
	assert_true(json_real_value(json_object_get(ai, "referral_rate")) == 1.0);
	/* LTV: (100 + 40 + 50 + 0) / 2 */
	assert_true(json_real_value(json_object_get(ai, "lifetime_value")) == 95.0);
	/* customers c1 c2 c3: c1 came back after 19 days */
	assert_int_equal(json_integer_value(json_object_get(ai, "customers")), 3);
	assert_true(fabs(json_real_value(json_object_get(ai, "return_30d")) - 0.3333) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(ai, "repeat_engagement")) - 0.3333) < 1e-9);
	assert_string_equal(json_str(web, "channel"), "web");
	assert_true(json_real_value(json_object_get(web, "retention_90d")) == 0.0);
	assert_true(json_is_null(json_object_get(web, "upsell_rate")));
	json_decref(rep);
	/* bad rows: negative order value, duplicate turn */
	f = fopen(p1, "w");
	fputs("journey_id,customer_id,channel,time,turn,order_value\nx,c,web,2026-03-01,1,-5\n", f);
	fclose(f);
	assert_int_equal(journey_import_file(s, "t", p1, &o, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "events.csv:2:22: order value '-5'"));
	f = fopen(p1, "w");
	fputs("journey_id,customer_id,channel,time,turn\nx,c,web,2026-03-01,1\nx,c,web,2026-03-01,1\n", f);
	fclose(f);
	assert_int_equal(journey_import_file(s, "t", p1, &o, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "events.csv:3: duplicate row: journey 'x' turn 1"));
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temporary directory is harmless */
	}
}

static int64_t at(const char *iso)
{
	int64_t us = 0;

	assert_int_equal(time_parse_iso(iso, &us), 0);
	return us;
}

/* The five-journey fixture of test_channel_metrics, as the loader would add it. */
static void fixture_table(struct journey_table *t)
{
	journey_table_init(t);
	journey_table_add_event(t, "j1", "c1", "ai_assistant", at("2026-03-01T10:00:00Z"), 1, 0, 0, 0);
	journey_table_add_event(t, "j1", "c1", "ai_assistant", at("2026-03-01T10:05:00Z"), 2, 1, 0, 0);
	journey_table_add_event(t, "j1", "c1", "ai_assistant", at("2026-03-01T10:09:00Z"), 3, 1, 1, 100);
	journey_table_add_event(t, "j2", "c2", "ai_assistant", at("2026-03-02T10:00:00Z"), 1, 1, 1, 50);
	journey_table_add_event(t, "j3", "c3", "ai_assistant", at("2026-03-03T10:00:00Z"), 1, 0, 0, 0);
	journey_table_add_event(t, "j4", "c1", "ai_assistant", at("2026-03-20T10:00:00Z"), 1, 0, 0, 0);
	journey_table_add_event(t, "j5", "c4", "web", at("2026-03-04T10:00:00Z"), 1, 1, 0, 0);
	journey_table_add_event(t, "j5", "c4", "web", at("2026-03-04T10:02:00Z"), 2, 1, 1, 200);
	journey_table_add_outcome(t, "c1", 1, 1, 1, 40, 2);
	journey_table_add_outcome(t, "c2", 1, 0, 0, 0, 0);
	journey_table_add_outcome(t, "c4", 1, 0, -1, 10, 1);
	journey_table_add_outcome(t, "nobody", 1, 1, 1, 999, 9); /* no journey: ignored */
}

static void test_kernel_channels_and_windows(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct journey_table t;
	struct journeys_result r;
	const struct journey_channel *ai, *web;
	const struct journey_windows *w;

	(void)state;
	assert_int_equal(adoption_config_load(&cfg, NULL, &err), 0);
	fixture_table(&t);
	assert_int_equal(t.n, 5);
	journeys_compute(&t, &cfg, &r);
	journey_table_release(&t); /* the result owns what it needs */
	assert_int_equal(r.nchannels, 2);
	ai = &r.channels[0];
	web = &r.channels[1];
	assert_string_equal(ai->channel, "ai_assistant");
	/* j1 j2 j3 j4; qualified j1 j2; committed j1 (turn 3) and j2 (turn 1): median 2 */
	assert_int_equal(ai->journeys, 4);
	assert_true(ai->qualified_intent_rate == 0.5);
	assert_true(ai->conversion_rate == 0.5);
	assert_true(ai->iterations_before_commitment == 2.0);
	/* converts c1 (r90 1, upsell 1, 2 referrals) and c2 (0, 0, 0) */
	assert_int_equal(ai->converted, 2);
	assert_int_equal(ai->with_outcomes, 2);
	assert_true(ai->retention_30d == 1.0);
	assert_true(ai->retention_90d == 0.5);
	assert_true(ai->upsell_rate == 0.5);
	assert_true(ai->referral_rate == 1.0);
	/* revenue (40 + 0) / 2; LTV (100 + 40 + 50 + 0) / 2 */
	assert_true(ai->revenue_per_converted == 20.0);
	assert_true(ai->lifetime_value == 95.0);
	/* c1 c2 c3; c1 came back 19 days later: exact thirds, rounded only when printed */
	assert_int_equal(ai->customers, 3);
	assert_true(ai->return_30d == 1.0 / 3);
	assert_true(ai->repeat_engagement == 1.0 / 3);
	assert_true(journeys_figure(ai->return_30d) == 0.3333);
	assert_string_equal(web->channel, "web");
	assert_true(web->retention_90d == 0.0);
	assert_true(isnan(web->upsell_rate));   /* c4's upsell unknown */
	assert_true(web->lifetime_value == 210.0); /* 200 committed + 10 outcome revenue */

	/* windows as of the newest start, j4 on 2026-03-20T10:00 */
	w = &r.windows;
	assert_true(w->present);
	assert_true(w->as_of == at("2026-03-20T10:00:00Z"));
	/* the 28 days up to as_of hold every AI journey */
	assert_int_equal(w->qualified_intent_rate.n, 4);
	assert_true(w->qualified_intent_rate.value == 0.5);
	assert_true(w->qualified_intent_rate.from == at("2026-02-20T10:00:00Z"));
	assert_int_equal(w->iterations_before_commitment.n, 2);
	assert_true(w->iterations_before_commitment.value == 2.0);
	/* conversion quality: first commitments in December 2025 (three months before March) */
	assert_int_equal(w->conversion_quality.n, 0);
	assert_true(isnan(w->conversion_quality.value));
	assert_true(w->conversion_quality.from == at("2025-12-01T00:00:00Z"));
	assert_true(w->conversion_quality.to == at("2026-01-01T00:00:00Z"));
	/* the cohort week [as_of - 35 d, as_of - 28 d) is empty */
	assert_int_equal(w->return_rate_30d.n, 0);
	assert_true(isnan(w->return_rate_30d.value));
	/* committed in the last 90 days: c1 (2 referrals), c2 (0) */
	assert_int_equal(w->referral_rate.n, 2);
	assert_true(w->referral_rate.value == 1.0);
	/* all 4 in the last 13 weeks; the channel starts too late for a growth figure */
	assert_int_equal(w->last_13_weeks, 4);
	assert_int_equal(w->weeks_13_before, 0);
	assert_true(isnan(w->volume_growth.value));
	/* one month of journeys: no trend verdict, no finding */
	assert_int_equal(r.trend.nmonths, 1);
	assert_false(r.trend.tested);
	assert_null(journeys_finding_summary(&r, NULL));
	journeys_result_release(&r);
}

/*
 * Six months on the AI channel: month k (January..June 2026) has k
 * journeys by k new customers, the first of them committing; its convert
 * is retained at 90 days in January to March, not after.  Volume 1..6
 * rises (S = 15, Var = 6*5*17/18, Z = 14/sqrt(28.33) = 2.6301,
 * p = 0.00427); quality 1,1,1,0,0,0 falls (S = -9, two ties of 3:
 * Var = (510 - 2*66)/18 = 21, Z = -8/sqrt(21) = -1.7457, p = 0.04043).
 * Both under alpha 0.05: a finding.
 */
static void test_kernel_trend_finding(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct journey_table t;
	struct journeys_result r;
	char *summary;
	int k, i;

	(void)state;
	assert_int_equal(adoption_config_load(&cfg, NULL, &err), 0);
	journey_table_init(&t);
	for (k = 1; k <= 6; k++) {
		for (i = 1; i <= k; i++) {
			char j[16], c[16], when[32];
			snprintf(j, sizeof(j), "m%dj%d", k, i);
			snprintf(c, sizeof(c), "c%d_%d", k, i);
			snprintf(when, sizeof(when), "2026-%02d-10T%02d:00:00Z", k, 10 + i);
			journey_table_add_event(&t, j, c, "ai_assistant", at(when), 1, 0, i == 1, 0);
		}
	}
	for (k = 1; k <= 6; k++) {
		char c[16];
		snprintf(c, sizeof(c), "c%d_1", k);
		journey_table_add_outcome(&t, c, 1, k <= 3, -1, 0, 0);
	}
	journeys_compute(&t, &cfg, &r);
	journey_table_release(&t);
	assert_int_equal(r.trend.nmonths, 6);
	assert_int_equal(r.trend.months[0].month, 2026 * 12);
	assert_int_equal(r.trend.months[5].journeys, 6);
	assert_true(r.trend.months[2].conversion_quality == 1.0);
	assert_true(r.trend.months[3].conversion_quality == 0.0);
	assert_true(r.trend.tested);
	assert_true(r.trend.volume.s == 15);
	assert_true(fabs(r.trend.volume.p_up - 0.00426746020711354) < 1e-12);
	assert_true(r.trend.quality.s == -9);
	assert_true(fabs(r.trend.quality.var - 21.0) < 1e-12);
	assert_true(fabs(r.trend.quality.p_down - 0.04042779918502615) < 1e-12);
	assert_true(r.trend.finding);
	summary = journeys_finding_summary(&r, NULL);
	assert_string_equal(summary, "Volume over credibility: 'ai_assistant' journeys rose from 1 "
			    "to 6 a month while 90-day retention of its converts fell from 100% "
			    "to 0% (Mann-Kendall p = 0.004 and 0.040 over 6 months)");
	free(summary);
	/* growth: the last 13 weeks (after 2026-03-11T16:00) hold April to June, 4+5+6 */
	assert_int_equal(r.windows.last_13_weeks, 15);
	assert_int_equal(r.windows.weeks_13_before, 6);
	assert_true(isnan(r.windows.volume_growth.value)); /* starts after the earlier 13's first week */
	journeys_result_release(&r);
}

/*
 * journeys_load gives the same table whether the stored rows come in
 * (journey, turn, time) order (read as stored) or not (the ORDER BY):
 * both against a table fed by hand in that order.  Journey names that
 * sort as bytes ("j10" before "j2"), turns stored out of order, values
 * whose sum depends on the order they are added in.
 */
struct jrow { const char *journey, *customer, *channel; int64_t time_us, turn; int q, c; double v; };

static const struct jrow jrows[] = { /* sorted by (journey, turn, time_us) */
	{ "j1", "c1", "ai", 5000, 1, 0, 0, 0.1 },
	{ "j1", "c1", "web", 4000, 2, 1, 0, 0.2 },
	{ "j1", "c1", "ai", 6000, 3, 0, 1, 0.3 },
	{ "j1", "c1", "ai", 7000, 4, 0, 1, 1e16 },
	{ "j10", "c2", "web", 100, 0, 1, 1, 1.0 },
	{ "j10", "c2", "web", 900, 2, 0, 0, 1e-16 },
	{ "j2", "c3", "ai", 50, 1, 0, 0, 0.7 },
	{ "j2", "c1", "ai", 60, 2, 1, 1, 0.1 },
};
#define NJROWS (sizeof(jrows) / sizeof(jrows[0]))

static void load_rows(const char *db, const size_t *order, struct journey_table *t)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s;
	size_t i;

	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	for (i = 0; i < NJROWS; i++) {
		const struct jrow *r = &jrows[order[i]];
		char sql[512];

		snprintf(sql, sizeof(sql), "INSERT INTO journey_events(import_id, journey, customer,"
			 " channel, time_us, turn, intent_qualified, committed, order_value) VALUES"
			 " (1, '%s', '%s', '%s', %lld, %lld, %d, %d, %.17g)", r->journey, r->customer,
			 r->channel, (long long)r->time_us, (long long)r->turn, r->q, r->c, r->v);
		assert_int_equal(store_exec(s, sql, &err), 0);
	}
	assert_int_equal(journeys_load(s, t, &err), 0);
	store_close(s);
}

static void assert_same_table(const struct journey_table *a, const struct journey_table *b)
{
	size_t j;

	assert_int_equal(a->n, b->n);
	for (j = 0; j < a->n; j++) {
		assert_string_equal(intern_str(&a->journeys, (uint32_t)j),
				    intern_str(&b->journeys, (uint32_t)j));
		assert_string_equal(intern_str(&a->customers, a->customer[j]),
				    intern_str(&b->customers, b->customer[j]));
		assert_string_equal(intern_str(&a->channels, a->channel[j]),
				    intern_str(&b->channels, b->channel[j]));
		assert_true(a->start_us[j] == b->start_us[j]);
		assert_true(a->commit_turn[j] == b->commit_turn[j]);
		assert_int_equal(a->qualified[j], b->qualified[j]);
		assert_int_equal(a->committed[j], b->committed[j]);
		assert_memory_equal(&a->value[j], &b->value[j], sizeof(double));
	}
}

static void test_load_order(void **state)
{
	static const size_t sorted[NJROWS] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const size_t mixed[NJROWS] = { 6, 3, 4, 0, 7, 2, 5, 1 };
	struct journey_table ref, a, b;
	char dir[] = "/tmp/aiv-jorder-XXXXXX", db[64], cmd[128];
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	journey_table_init(&ref);
	for (i = 0; i < NJROWS; i++)
		journey_table_add_event(&ref, jrows[i].journey, jrows[i].customer, jrows[i].channel,
					jrows[i].time_us, jrows[i].turn, jrows[i].q, jrows[i].c,
					jrows[i].v);
	snprintf(db, sizeof(db), "%s/sorted.db", dir);
	load_rows(db, sorted, &a);
	snprintf(db, sizeof(db), "%s/mixed.db", dir);
	load_rows(db, mixed, &b);
	assert_same_table(&ref, &a);
	assert_same_table(&ref, &b);
	/* a journey's events apart: still one journey (the newest-journey shortcut) */
	journey_table_release(&a);
	journey_table_init(&a);
	journey_table_add_event(&a, "x", "c1", "ai", 10, 1, 0, 0, 1.0);
	journey_table_add_event(&a, "y", "c2", "ai", 20, 1, 0, 0, 2.0);
	journey_table_add_event(&a, "x", "c1", "ai", 5, 2, 0, 1, 4.0);
	assert_int_equal(a.n, 2);
	assert_true(a.value[0] == 5.0 && a.start_us[0] == 5 && a.commit_turn[0] == 2);
	assert_true(a.value[1] == 2.0);
	journey_table_release(&ref);
	journey_table_release(&a);
	journey_table_release(&b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temp dir is harmless */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mann_kendall),
		cmocka_unit_test(test_channel_metrics),
		cmocka_unit_test(test_kernel_channels_and_windows),
		cmocka_unit_test(test_kernel_trend_finding),
		cmocka_unit_test(test_load_order),
	};
	cli_register_schema();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
