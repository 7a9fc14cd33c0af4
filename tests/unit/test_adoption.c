/*
 * test_adoption.c - model 1 kernels on small fixtures whose figures can
 * be checked by hand (the derivations are in the comments).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "core/cjson.h"
#include "metrics/adoption.h"

#define EPS 1e-9

static void test_gini_known(void **state)
{
	int64_t a[] = { 0, 0, 0, 10 }, b[] = { 1, 1, 1, 1 }, c[] = { 5, 4, 3, 2, 1 };
	int64_t d[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	(void)state;
	/* one person holds everything among 4: 1 - 1/n = 0.75 */
	assert_true(fabs(adoption_gini(a, 4) - 0.75) < EPS);
	assert_true(fabs(adoption_gini(b, 4)) < EPS);
	/* 1..5: 2*(1+4+9+16+25)/(5*15) - 6/5 = 110/75 - 1.2 = 4/15 */
	assert_true(fabs(adoption_gini(c, 5) - 4.0 / 15.0) < EPS);
	assert_true(fabs(adoption_gini(c, 0)) < EPS);
	/* top 10% of 1..10 is the single largest: 10/55 */
	assert_true(fabs(adoption_top10_share(d, 10) - 10.0 / 55.0) < EPS);
	/* top 10% of 5 people rounds up to 1 person: 5/15 */
	assert_true(fabs(adoption_top10_share(c, 5) - 5.0 / 15.0) < EPS);
}

static const char fixture_cfg[] =
	"version: 1\n"
	"privacy_floor: 1\n"
	"repeat_use: {weeks: 4, min_active_weeks: 3}\n"
	"proficiency: {novice_actions_per_week: 1, power_actions_per_week: 5, power_min_features: 2}\n"
	"window_days: 28\n"
	"stalled_after_days: 28\n"
	"reusable_workflow: {min_people: 3, min_teams: 1}\n"
	"cross_functional: {min_repeat_rate: 0.4, min_foreign_asset_users: 2}\n"
	"two_tier: {max_gini: 0.5, max_role_gap: 0.3, stalled_function_rate: 0.15, org_rate_above: 0.3}\n"
	"volume_over_credibility: {ai_channel: ai_assistant, periods: 6, min_periods: 4, alpha: 0.05}\n";

static int32_t day(const char *s)
{
	return adoption_parse_day(s);
}

/*
 * As of Sunday 2024-03-31; the 4 weeks are Mar 4-10, 11-17, 18-24, 25-31
 * and the 28-day window is Mar 4-31.
 *   ann  role A, team t1, f1: 6 actions on Mar 4, 11, 18, 25, chat and
 *        code alternating -> 4 weeks, 6/week, 2 features: power
 *   ben  role A, t1, f1: Feb 10, then Mar 4, 11, 18 one action each
 *        -> 3 of 4 weeks: habitual (0.75/week does not matter)
 *   cat  role B, t2, f2: 2 actions Mar 4 and Mar 5 -> 1 week, 1/week: novice
 *   dan  role B, t2, f2: one action Jan 15 -> tried, stalled, non-user now
 *   eve  role B, t2, f2: never
 * Workflow tpl-x: cat (Mar 5, first user, so creator), ben (Mar 18), ann (Mar 25).
 */
static void build_fixture(struct usage_table *t)
{
	uint32_t ann, ben, cat, dan;

	utab_init(t);
	ann = utab_person(t, "ann", "A", "t1", "f1", 0);
	ben = utab_person(t, "ben", "A", "t1", "f1", 0);
	cat = utab_person(t, "cat", "B", "t2", "f2", 1);
	dan = utab_person(t, "dan", "B", "t2", "f2", 0);
	utab_person(t, "eve", "B", "t2", "f2", 0);
	/* events out of order on purpose: utab_finish sorts */
	utab_event(t, ann, day("2024-03-25"), "chatgpt", "code", "tpl-x", 6);
	utab_event(t, ann, day("2024-03-04"), "chatgpt", "chat", "", 6);
	utab_event(t, ann, day("2024-03-11"), "chatgpt", "code", "", 6);
	utab_event(t, ann, day("2024-03-18"), "chatgpt", "chat", "", 6);
	utab_event(t, ben, day("2024-03-18"), "chatgpt", "chat", "tpl-x", 1);
	utab_event(t, ben, day("2024-02-10"), "chatgpt", "chat", "", 1);
	utab_event(t, ben, day("2024-03-04"), "chatgpt", "chat", "", 1);
	utab_event(t, ben, day("2024-03-11"), "chatgpt", "chat", "", 1);
	utab_event(t, cat, day("2024-03-04"), "chatgpt", "chat", "", 2);
	utab_event(t, cat, day("2024-03-05"), "chatgpt", "chat", "tpl-x", 2);
	utab_event(t, dan, day("2024-01-15"), "chatgpt", "chat", "", 1);
	/* a zero-count row is not activity */
	utab_event(t, dan, day("2024-03-20"), "chatgpt", "chat", "", 0);
	utab_finish(t);
}

static const struct adoption_stats *group(const struct adoption_report *r, int dim,
					  const char *name)
{
	size_t i;

	for (i = 0; i < r->ngroups[dim]; i++)
		if (!strcmp(r->groups[dim][i].name, name))
			return &r->groups[dim][i];
	fail_msg("no group %s", name);
	return NULL;
}

static void test_fixture_metrics(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct adoption_report r;
	struct usage_table t;
	const struct adoption_stats *o, *g;
	static const double lz[11] = { 0, 0, 0, 0, 0, 2.0 / 9, 2.0 / 9, 5.0 / 9, 5.0 / 9, 1, 1 };
	int j;

	(void)state;
	assert_int_equal(adoption_config_load_buf(&cfg, "fixture.yaml", fixture_cfg,
						  strlen(fixture_cfg), &err), 0);
	build_fixture(&t);
	assert_int_equal(adoption_compute(&t, &cfg, PERIOD_MONTH, day("2024-03-31"), &r, &err), 0);
	assert_int_equal(r.as_of, day("2024-03-31"));
	assert_int_equal(r.weeks_start, day("2024-03-04"));
	assert_int_equal(r.window_start, day("2024-03-04"));
	o = &r.org;
	assert_int_equal(o->people, 5);
	assert_int_equal(o->active, 3);
	assert_int_equal(o->repeat_users, 2);
	assert_true(fabs(o->repeat_rate - 0.4) < EPS);
	assert_int_equal(o->prof[PROF_NONE], 2);
	assert_int_equal(o->prof[PROF_LOW], 0);
	assert_int_equal(o->prof[PROF_NOVICE], 1);
	assert_int_equal(o->prof[PROF_HABITUAL], 1);
	assert_int_equal(o->prof[PROF_POWER], 1);
	/* active days [4,3,2,0,0]: 2*(3*2+4*3+5*4)/(5*9) - 6/5 = 76/45 - 6/5 */
	assert_true(fabs(o->gini - (76.0 / 45.0 - 1.2)) < EPS);
	assert_true(fabs(o->top10_share - 4.0 / 9.0) < EPS);
	for (j = 0; j <= 10; j++)
		assert_true(fabs(r.lorenz[j] - lz[j]) < EPS);
	assert_int_equal(o->tried, 4);
	assert_int_equal(o->stalled, 1);
	assert_int_equal(o->unused, 2);
	/* months Apr 2023 .. Mar 2024: Jan dan, Feb ben, Mar ann ben cat */
	assert_string_equal(r.period_label[11], "2024-03");
	assert_int_equal(o->active_by_period[9], 1);
	assert_int_equal(o->active_by_period[10], 1);
	assert_int_equal(o->active_by_period[11], 3);
	/* roles: A 2/2, B 0/3 */
	g = group(&r, DIM_ROLE, "A");
	assert_true(fabs(g->repeat_rate - 1.0) < EPS);
	g = group(&r, DIM_ROLE, "B");
	assert_true(fabs(g->repeat_rate) < EPS);
	assert_true(fabs(r.role_gap - 1.0) < EPS);
	assert_string_equal(r.role_gap_low, "B");
	/* cohort table: Jan {dan} [1,0,0], Feb {ben} [1,1], Mar {ann,cat} [1] */
	assert_int_equal(r.ncohorts, 3);
	assert_string_equal(r.cohorts[0].month, "2024-01");
	assert_int_equal(r.cohorts[0].size, 1);
	assert_int_equal(r.cohorts[0].nret, 3);
	assert_true(fabs(r.cohorts[0].retention[0] - 1) < EPS);
	assert_true(fabs(r.cohorts[0].retention[1]) < EPS);
	assert_true(fabs(r.cohorts[0].retention[2]) < EPS);
	assert_int_equal(r.cohorts[1].size, 1);
	assert_true(fabs(r.cohorts[1].retention[1] - 1) < EPS);
	assert_int_equal(r.cohorts[2].size, 2);
	assert_int_equal(r.cohorts[2].nret, 1);
	/* tpl-x: 3 people, creator cat (first user, champion), teams t1+t2 */
	assert_int_equal(r.nworkflows, 1);
	assert_string_equal(r.workflows[0].workflow, "tpl-x");
	assert_string_equal(r.workflows[0].creator, "cat");
	assert_int_equal(r.workflows[0].creator_champion, 1);
	assert_int_equal(r.workflows[0].people, 3);
	assert_int_equal(r.workflows[0].teams, 2);
	assert_int_equal(r.workflows[0].other_teams, 1);
	assert_int_equal(r.workflows[0].reusable, 1);
	/* f1 has ann and ben using cat's f2 asset: f1 cross-enabled, f2 not */
	assert_int_equal(r.nfunctions, 2);
	assert_string_equal(r.functions[0].function, "f1");
	assert_int_equal(r.functions[0].foreign_asset_users, 2);
	assert_int_equal(r.functions[0].cross_enabled, 1);
	assert_int_equal(r.functions[1].cross_enabled, 0);
	assert_true(fabs(r.cross_functional_enablement - 0.5) < EPS);
	assert_true(fabs(r.functions_enabled_share - 0.5) < EPS);
	adoption_report_release(&r);
	utab_release(&t);
}

static void test_two_tier_and_floor(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct adoption_report r;
	struct usage_table t;
	struct adoption_two_tier tt;
	json_t *f, *st;

	(void)state;
	assert_int_equal(adoption_config_load_buf(&cfg, "fixture.yaml", fixture_cfg,
						  strlen(fixture_cfg), &err), 0);
	build_fixture(&t);
	assert_int_equal(adoption_compute(&t, &cfg, PERIOD_WEEK, day("2024-03-31"), &r, &err), 0);
	/* weekly periods are the 4 repeat weeks: Mar 4 has ann ben cat */
	assert_string_equal(r.period_label[0], "2024-03-04");
	assert_int_equal(r.org.active_by_period[0], 3);
	assert_int_equal(r.org.active_by_period[3], 1);
	assert_int_equal(adoption_two_tier(&r, NULL, &tt), 1);
	/* org 0.4 > 0.3 and f2 is at 0 < 0.15: exactly f2; role B makes the gap */
	assert_true(tt.fn_hit);
	assert_true(tt.gap_hit);
	assert_int_equal(tt.nfunctions, 1);
	assert_string_equal(tt.functions[0]->name, "f2");
	assert_int_equal(tt.nroles, 1);
	assert_string_equal(tt.roles[0]->name, "B");
	assert_int_equal(tt.nteams, 1);
	assert_null(tt.move);
	assert_string_equal(tt.summary, "Two-tier workforce: repeat use stalls in f2 (0%) while "
			    "the organisation is at 40%");
	/* the one JSON printer writes the same groups under "stalled" */
	f = adoption_two_tier_json(&tt);
	st = json_object_get(f, "stalled");
	assert_int_equal(json_array_size(json_object_get(st, "functions")), 1);
	assert_string_equal(json_str(json_array_get(json_object_get(st, "functions"), 0),
				     "function"), "f2");
	assert_string_equal(json_str(json_array_get(json_object_get(st, "roles"), 0), "role"), "B");
	assert_int_equal(json_array_size(json_object_get(st, "teams")), 1);
	assert_string_equal(json_str(f, "summary"), tt.summary);
	assert_true(json_is_null(json_object_get(f, "move")));
	json_decref(f);
	adoption_two_tier_release(&tt);
	adoption_report_release(&r);

	/* floor 3: team t1 (2 people) is suppressed, t2 (3) is not */
	cfg.privacy_floor = 3;
	assert_int_equal(adoption_compute(&t, &cfg, PERIOD_MONTH, day("2024-03-31"), &r, &err), 0);
	assert_int_equal(group(&r, DIM_TEAM, "t1")->suppressed, 1);
	assert_int_equal(group(&r, DIM_TEAM, "t2")->suppressed, 0);
	/* the role gap only counts roles at or above the floor: just B */
	assert_true(r.role_gap < 0);
	{
		json_t *j = adoption_report_json(&r, DIM_TEAM);
		json_t *t1 = json_array_get(json_object_get(j, "groups"), 0);
		assert_true(json_is_true(json_object_get(t1, "suppressed")));
		assert_null(json_object_get(t1, "repeat_rate"));
		json_decref(j);
	}
	adoption_report_release(&r);
	/* thresholds no fixture figure crosses: no finding */
	cfg.privacy_floor = 1;
	cfg.tt_max_role_gap = 1.0;
	cfg.tt_org_rate_above = 0.5;
	assert_int_equal(adoption_compute(&t, &cfg, PERIOD_MONTH, day("2024-03-31"), &r, &err), 0);
	assert_int_equal(adoption_two_tier(&r, NULL, &tt), 0);
	assert_null(tt.summary);
	assert_int_equal(tt.nfunctions + tt.nroles + tt.nteams, 0);
	adoption_report_release(&r);
	utab_release(&t);
}

/*
 * adoption_repeat_series gives, for every group and day, the repeat_rate
 * a whole adoption_compute reports as of that day (the dashboard's heat
 * map relies on it), and NAN under the privacy floor.
 */
static void test_repeat_series(void **state)
{
	static const char *const days[] = { "2024-01-20", "2024-02-29", "2024-03-10",
					    "2024-03-17", "2024-03-24", "2024-03-31" };
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct adoption_report r, rj;
	struct usage_table t;
	int32_t ends[6];
	double out[6 * 8];
	size_t i, j, checked = 0, nonzero = 0;
	int dim, floor;

	(void)state;
	assert_int_equal(adoption_config_load_buf(&cfg, "fixture.yaml", fixture_cfg,
						  strlen(fixture_cfg), &err), 0);
	build_fixture(&t);
	for (j = 0; j < 6; j++)
		ends[j] = day(days[j]);
	for (floor = 1; floor <= 3; floor += 2) {
		cfg.privacy_floor = floor;
		assert_int_equal(adoption_compute(&t, &cfg, PERIOD_MONTH, day("2024-03-31"), &r,
						  &err), 0);
		for (dim = 0; dim < DIM_N; dim++) {
			assert_true(r.ngroups[dim] <= 8);
			adoption_repeat_series(&t, &r, (enum adoption_dim)dim, ends, 6, out);
			for (j = 0; j < 6; j++) {
				assert_int_equal(adoption_compute(&t, &cfg, PERIOD_MONTH, ends[j], &rj,
								  &err), 0);
				for (i = 0; i < r.ngroups[dim]; i++) {
					const struct adoption_stats *g =
						group(&rj, dim, r.groups[dim][i].name);
					double v = out[i * 6 + j];
					if (g->suppressed) {
						assert_true(isnan(v));
						continue;
					}
					assert_false(isnan(v));
					assert_true(fabs(v - g->repeat_rate) < 1e-12);
					checked++;
					nonzero += v > 0;
				}
				adoption_report_release(&rj);
			}
		}
		adoption_report_release(&r);
	}
	/* the comparison saw real figures, not only zeros */
	assert_true(checked > 30);
	assert_true(nonzero >= 4);
	utab_release(&t);
}

/* Register measures on the fixture: chatgpt is allowed in f1 only. */
static void test_register(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct adoption_report r;
	struct adoption_register reg;
	struct adoption_shadow sh;
	struct adoption_starter_list st;
	struct adoption_champion_list ch;
	struct usage_table t;
	json_t *f;
	char *txt;

	(void)state;
	assert_int_equal(adoption_config_load_buf(&cfg, "fixture.yaml", fixture_cfg,
						  strlen(fixture_cfg), &err), 0);
	build_fixture(&t);
	assert_int_equal(adoption_compute(&t, &cfg, PERIOD_MONTH, day("2024-03-31"), &r, &err), 0);
	reg.tools = json_loads("[{\"name\": \"chatgpt\", \"functions\": [\"f1\"],"
			       " \"usage_names\": [\"chatgpt\"]}]", 0, NULL);
	reg.starters = json_loads("[{\"name\": \"s1\", \"title\": \"S\", \"owner\": \"cat\","
				  " \"functions\": [\"f1\"], \"usage_ids\": [\"tpl-x\"],"
				  " \"published\": \"2024-03-11\"}]", 0, NULL);
	/* cat (f2) used chatgpt in the window: one person outside the allow-list */
	assert_int_equal(adoption_shadow_ai(&t, &r, &reg, &sh), 1);
	assert_int_equal(sh.nunregistered, 0);
	assert_int_equal(sh.ndisallowed, 1);
	assert_string_equal(sh.disallowed[0].tool, "chatgpt");
	assert_int_equal(sh.disallowed[0].people, 1);
	assert_int_equal(sh.disallowed[0].functions.n, 1);
	assert_string_equal(sh.disallowed[0].functions.v[0], "f2");
	assert_int_equal(sh.registered_tools, 1);
	assert_string_equal(sh.summary, "Shadow AI: 'chatgpt' used outside its allowed functions "
			    "or roles (1 people)");
	/* the JSON printers: the finding, and its figures without id and summary */
	f = adoption_shadow_json(&sh);
	txt = json_dumps(f, JSON_COMPACT);
	assert_string_equal(txt, "{\"id\":\"shadow_ai\",\"model\":\"workforce\",\"summary\":"
			    "\"Shadow AI: 'chatgpt' used outside its allowed functions or roles "
			    "(1 people)\",\"unregistered_tools\":[],\"disallowed_use\":[{\"tool\":"
			    "\"chatgpt\",\"people\":1,\"functions\":[\"f2\"]}],"
			    "\"registered_tools\":1}");
	free(txt);
	json_decref(f);
	f = adoption_shadow_figures_json(&sh);
	txt = json_dumps(f, JSON_COMPACT);
	assert_string_equal(txt, "{\"model\":\"workforce\",\"unregistered_tools\":[],"
			    "\"disallowed_use\":[{\"tool\":\"chatgpt\",\"people\":1,\"functions\":"
			    "[\"f2\"]}],\"registered_tools\":1}");
	free(txt);
	json_decref(f);
	adoption_shadow_release(&sh);
	assert_null(sh.summary);
	/* s1 targets f1 (ann, ben): both used tpl-x in the window; cat did too */
	adoption_starters(&t, &r, &reg, &st);
	assert_int_equal(st.n, 1);
	assert_string_equal(st.v[0].name, "s1");
	assert_string_equal(st.v[0].owner, "cat");
	assert_int_equal(st.v[0].targeted_people, 2);
	assert_int_equal(st.v[0].targeted_users, 2);
	assert_int_equal(st.v[0].other_users, 1);
	assert_true(st.v[0].has_share);
	assert_true(st.v[0].targeted_share == 1.0);
	assert_int_equal(st.v[0].nby_target, 1);
	assert_true(st.v[0].by_target[0].is_function);
	assert_int_equal(st.v[0].by_target[0].people, 2);
	assert_int_equal(st.v[0].by_target[0].users, 2);
	f = adoption_starter_list_json(&st);
	txt = json_dumps(f, JSON_COMPACT);
	assert_string_equal(txt, "[{\"name\":\"s1\",\"title\":\"S\",\"owner\":\"cat\","
			    "\"targeted_people\":2,\"targeted_users\":2,\"other_users\":1,"
			    "\"by_target\":[{\"target\":\"function\",\"name\":\"f1\",\"people\":2,"
			    "\"users\":2,\"share\":1.0}],\"targeted_share\":1.0}]");
	free(txt);
	json_decref(f);
	adoption_starter_list_release(&st);
	/* champion cat: team t2 without cat is dan and eve, neither a repeat user */
	adoption_champions(&t, &r, &reg, &ch);
	assert_int_equal(ch.n, 1);
	assert_string_equal(ch.v[0].champion, "cat");
	assert_int_equal(ch.v[0].team_people, 2);
	assert_false(ch.v[0].suppressed);
	assert_int_equal(ch.v[0].published, day("2024-03-11"));
	assert_true(ch.v[0].repeat_rate_now == 0.0);
	assert_int_equal(ch.v[0].workflows.n, 1);
	assert_string_equal(ch.v[0].workflows.v[0], "s1");
	f = adoption_champion_list_json(&ch);
	assert_string_equal(json_str(json_array_get(f, 0), "published"), "2024-03-11");
	assert_true(json_real_value(json_object_get(json_array_get(f, 0), "repeat_rate_now")) == 0.0);
	json_decref(f);
	adoption_champion_list_release(&ch);
	/* allow f2 too: no finding, nothing to release */
	json_array_append_new(json_object_get(json_array_get(reg.tools, 0), "functions"),
			      json_string("f2"));
	assert_int_equal(adoption_shadow_ai(&t, &r, &reg, &sh), 0);
	assert_null(sh.summary);
	assert_int_equal(sh.ndisallowed + sh.nunregistered, 0);
	adoption_register_release(&reg);
	adoption_report_release(&r);
	utab_release(&t);
}

static void test_config_errors(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	char buf[2048];

	(void)state;
	assert_int_equal(adoption_config_load(&cfg, NULL, &err), 0);
	assert_int_equal(cfg.weeks, 12);
	assert_int_equal(cfg.min_active_weeks, 9);
	assert_int_equal(cfg.privacy_floor, 5);
	snprintf(buf, sizeof(buf), "%s", fixture_cfg);
	memcpy(strstr(buf, "window_days"), "windowdays:", 11);
	assert_int_equal(adoption_config_load_buf(&cfg, "bad.yaml", buf, strlen(buf), &err),
			 AIV_EINPUT);
	assert_non_null(strstr(err.msg, "bad.yaml:5:1: "));
	assert_non_null(strstr(err.msg, "unknown key 'windowdays"));
	snprintf(buf, sizeof(buf), "%s", fixture_cfg);
	memcpy(strstr(buf, "min_active_weeks: 3"), "min_active_weeks: 5", 19);
	assert_int_equal(adoption_config_load_buf(&cfg, "bad.yaml", buf, strlen(buf), &err),
			 AIV_EINPUT);
	assert_non_null(strstr(err.msg, "bad.yaml:3:"));
	assert_non_null(strstr(err.msg, "more than 'weeks'"));
	snprintf(buf, sizeof(buf), "%s", fixture_cfg);
	memcpy(strstr(buf, "max_gini: 0.5"), "max_gini: 1.5", 13);
	assert_int_equal(adoption_config_load_buf(&cfg, "bad.yaml", buf, strlen(buf), &err),
			 AIV_EINPUT);
	assert_non_null(strstr(err.msg, "'max_gini' must be 0 to 1"));
}

/*
 * Leavers: ben leaves on 2024-03-01.  As of 2024-03-31 (weeks and window
 * Mar 4-31) he is in no headcount: 4 people, repeat use 1 of 4 (ann), not
 * 2 of 5.  The months count those employed in them: February 5 (ben, who
 * used it on Feb 10, is one of them), March 4; his March events (after
 * the day he left) make no one active.  The repeat series at Feb 29 (weeks
 * Jan 29 - Feb 25) still counts him: role A 0 of 2; at Mar 31, 1 of 1.
 */
static void test_leaver(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	struct adoption_report r;
	struct usage_table t;
	int32_t ends[2];
	double out[2 * 8];
	size_t a;

	(void)state;
	assert_true(org_people_active_between(day("2024-03-01"), day("2024-02-01"),
					      day("2024-02-29")));
	assert_false(org_people_active_between(day("2024-03-01"), day("2024-03-01"),
					       day("2024-03-31")));
	assert_true(org_people_active_between(ORG_NEVER_LEFT, day("2024-03-01"),
					      day("2024-03-31")));
	assert_int_equal(adoption_config_load_buf(&cfg, "fixture.yaml", fixture_cfg,
						  strlen(fixture_cfg), &err), 0);
	build_fixture(&t);
	assert_int_equal(adoption_compute(&t, &cfg, PERIOD_MONTH, day("2024-03-31"), &r, &err), 0);
	assert_int_equal(r.org.people, 5);
	assert_true(fabs(r.org.repeat_rate - 0.4) < 1e-12);
	assert_int_equal(r.org.active_by_period[11], 3);
	adoption_report_release(&r);

	utab_left(&t, utab_find_person(&t, "ben"), day("2024-03-01"));
	assert_int_equal(adoption_compute(&t, &cfg, PERIOD_MONTH, day("2024-03-31"), &r, &err), 0);
	assert_int_equal(r.org.people, 4);
	assert_int_equal(r.org.repeat_users, 1);
	assert_true(fabs(r.org.repeat_rate - 0.25) < 1e-12);
	assert_int_equal(r.org.people_by_period[10], 5);
	assert_int_equal(r.org.people_by_period[11], 4);
	assert_int_equal(r.org.active_by_period[10], 1);
	assert_int_equal(r.org.active_by_period[11], 2);
	assert_int_equal(group(&r, DIM_ROLE, "A")->people, 1);
	assert_int_equal(group(&r, DIM_ROLE, "A")->people_by_period[10], 2);
	ends[0] = day("2024-02-29");
	ends[1] = day("2024-03-31");
	adoption_repeat_series(&t, &r, DIM_ROLE, ends, 2, out);
	a = (size_t)(group(&r, DIM_ROLE, "A") - r.groups[DIM_ROLE]);
	assert_true(fabs(out[a * 2 + 0] - 0.0) < 1e-12);
	assert_true(fabs(out[a * 2 + 1] - 1.0) < 1e-12);
	/* cohort Feb {ben}: employed in Feb, gone in Mar: no data, not 0 */
	assert_string_equal(r.cohorts[1].month, "2024-02");
	assert_int_equal(r.cohorts[1].left, 1);
	assert_int_equal(r.cohorts[1].people[0], 1);
	assert_int_equal(r.cohorts[1].people[1], 0);
	assert_true(fabs(r.cohorts[1].retention[0] - 1.0) < 1e-12);
	assert_true(isnan(r.cohorts[1].retention[1]));
	assert_int_equal(r.cohorts[0].left, 0);
	assert_int_equal(r.cohorts[0].people[2], 1);
	adoption_report_release(&r);
	utab_release(&t);
}

static void test_civil(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(adoption_parse_day("1970-01-01"), 0);
	assert_int_equal(adoption_parse_day("2024-02-29"), 19782);
	assert_int_equal(adoption_parse_day("2023-02-29"), INT32_MIN);
	assert_int_equal(adoption_parse_day("2024-13-01"), INT32_MIN);
	assert_int_equal(adoption_parse_day("1969-12-31"), -1);
	/* strict like every date aivalue reads: sscanf's %4d let a blank in */
	assert_int_equal(adoption_parse_day(" 202-01-01"), INT32_MIN);
	assert_int_equal(adoption_parse_day("2024-1-011"), INT32_MIN);
	assert_int_equal(adoption_parse_day("2024-01-01T00:00"), INT32_MIN);
	adoption_civil(19782, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20240229);
}

/* A reference order: (person, day, input index), the index in count. */
struct ref_ev { uint32_t person; int32_t day; uint32_t idx; };

static int cmp_ref(const void *a, const void *b)
{
	const struct ref_ev *x = a, *y = b;

	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * utab_finish orders the events by (person, day), input order among
 * equal keys, whatever order the blocks came in; with a narrow day span
 * (counting sorts) and a span too wide for them (the per-person sort).
 */
static void check_finish_order(int32_t spread)
{
	enum { NP = 37, NE = 5000 };
	struct usage_table t;
	struct ref_ev *ref = malloc(NE * sizeof(*ref));
	uint32_t people[NP], seed = 12345;
	size_t i, p;
	char name[16];

	assert_non_null(ref);
	utab_init(&t);
	for (p = 0; p < NP; p++) {
		snprintf(name, sizeof(name), "p%zu", p);
		people[p] = utab_person(&t, name, "r", "t", "f", 0);
	}
	for (i = 0; i < NE; i++) {
		uint32_t who, k;
		int32_t d;

		seed = seed * 1103515245u + 12345u;
		who = people[(seed >> 8) % NP];
		seed = seed * 1103515245u + 12345u;
		k = (seed >> 8) % 40; /* few distinct days: many equal keys */
		d = 19000 + (int32_t)k + (k % 7 == 0 ? spread : 0);
		utab_event_ids(&t, who, d, k % 3, k % 5, k, (uint32_t)i);
		ref[i].person = who;
		ref[i].day = d;
		ref[i].idx = (uint32_t)i;
	}
	qsort(ref, NE, sizeof(*ref), cmp_ref);
	utab_finish(&t);
	assert_int_equal(t.n, NE);
	for (i = 0; i < NE; i++) {
		assert_int_equal(t.person[i], ref[i].person);
		assert_int_equal(t.day[i], ref[i].day);
		assert_int_equal(t.count[i], ref[i].idx);
		/* the other columns moved with their event (k in the workflow column) */
		assert_int_equal(t.tool[i], t.workflow[i] % 3);
		assert_int_equal(t.feature[i], t.workflow[i] % 5);
		assert_int_equal(t.day[i], 19000 + (int32_t)t.workflow[i] +
				 (t.workflow[i] % 7 == 0 ? spread : 0));
	}
	for (p = 0; p < NP; p++)
		for (i = t.person_off[p]; i < t.person_off[p + 1]; i++)
			assert_int_equal(t.person[i], p);
	utab_release(&t);
	free(ref);
}

static void test_finish_order(void **state)
{
	(void)state;
	check_finish_order(0);
	check_finish_order(-2000);
	check_finish_order(1 << 23); /* wider than a count table */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gini_known),
		cmocka_unit_test(test_fixture_metrics),
		cmocka_unit_test(test_two_tier_and_floor),
		cmocka_unit_test(test_repeat_series),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_leaver),
		cmocka_unit_test(test_finish_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
