/*
 * adoption_json.c - the JSON printers of value model 1's typed results
 * (adoption.h): the report, the two-tier workforce finding and the
 * register results (starter workflows, champion reach, shadow AI).  One
 * printer per type; the CLI text, the dashboard and the detectors read
 * the same structs' fields.
 */
#include <math.h>
#include <stdio.h>

#include "adoption.h"
#include "core/cjson.h"

double adoption_rate4(double v)
{
	return round(v * 10000.0) / 10000.0;
}

/* Rates rounded to 4 places so JSON output is stable and readable. */
static json_t *rate(double v)
{
	return json_real(adoption_rate4(v));
}

static void day_text(int32_t day, char out[16])
{
	int y, m, d;

	adoption_civil(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

static json_t *stats_json(const struct adoption_stats *s, const struct adoption_report *r)
{
	json_t *o = json_object(), *prof, *per;
	int j;

	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "people", json_integer(s->people));
	if (s->suppressed) {
		json_object_set_new(o, "suppressed", json_true());
		return o;
	}
	json_object_set_new(o, "active", json_integer(s->active));
	json_object_set_new(o, "repeat_users", json_integer(s->repeat_users));
	json_object_set_new(o, "repeat_rate", rate(s->repeat_rate));
	prof = json_object();
	for (j = 0; j < PROF_N; j++)
		json_object_set_new(prof, adoption_prof_names[j], json_integer(s->prof[j]));
	json_object_set_new(o, "proficiency", prof);
	json_object_set_new(o, "gini_active_days", rate(s->gini));
	json_object_set_new(o, "top10_share", rate(s->top10_share));
	json_object_set_new(o, "tried", json_integer(s->tried));
	json_object_set_new(o, "stalled", json_integer(s->stalled));
	json_object_set_new(o, "stalled_share", rate(s->stalled_share));
	json_object_set_new(o, "licensed_unused", json_integer(s->unused));
	per = json_array();
	for (j = 0; j < r->nperiods; j++)
		json_array_append_new(per, json_integer(s->active_by_period[j]));
	json_object_set_new(o, "active_by_period", per);
	per = json_array();
	for (j = 0; j < r->nperiods; j++)
		json_array_append_new(per, json_integer(s->people_by_period[j]));
	json_object_set_new(o, "people_by_period", per);
	return o;
}

json_t *adoption_report_json(const struct adoption_report *r, int by)
{
	json_t *o = json_object(), *a, *th;
	char day[16];
	size_t i;
	int j;

	day_text(r->as_of, day);
	json_object_set_new(o, "as_of", json_string(day));
	day_text(r->weeks_start, day);
	json_object_set_new(o, "weeks_from", json_string(day));
	day_text(r->weeks_end, day);
	json_object_set_new(o, "weeks_to", json_string(day));
	day_text(r->window_start, day);
	json_object_set_new(o, "window_from", json_string(day));
	json_object_set_new(o, "events", json_integer(r->events));
	json_object_set_new(o, "seats_known", json_boolean(r->seats_known));
	json_object_set_new(o, "unlicensed_users", json_integer(r->unlicensed_users));
	th = json_pack("{s:i, s:i, s:i, s:i, s:i}", "privacy_floor", r->cfg.privacy_floor,
		       "repeat_weeks", r->cfg.weeks, "repeat_min_active_weeks",
		       r->cfg.min_active_weeks, "window_days", r->cfg.window_days,
		       "stalled_after_days", r->cfg.stalled_days);
	json_object_set_new(o, "thresholds", th);
	json_object_set_new(o, "period", json_string(r->period == PERIOD_WEEK ? "week" : "month"));
	a = json_array();
	for (j = 0; j < r->nperiods; j++)
		json_array_append_new(a, json_string(r->period_label[j]));
	json_object_set_new(o, "periods", a);
	json_object_set_new(o, "organisation", stats_json(&r->org, r));
	a = json_array();
	for (j = 0; j <= 10; j++)
		json_array_append_new(a, json_pack("[f, o]", j / 10.0, rate(r->lorenz[j])));
	json_object_set_new(o, "lorenz", a);
	json_object_set_new(o, "repeat_use_gap", r->role_gap >= 0 ?
			    json_pack("{s:o, s:s, s:s}", "gap", rate(r->role_gap), "highest_role",
				      r->role_gap_high, "lowest_role", r->role_gap_low) :
			    json_null());
	if (by >= 0 && by < DIM_N) {
		json_object_set_new(o, "by", json_string(adoption_dim_names[by]));
		a = json_array();
		for (i = 0; i < r->ngroups[by]; i++)
			json_array_append_new(a, stats_json(&r->groups[by][i], r));
		json_object_set_new(o, "groups", a);
	}
	a = json_array();
	for (i = 0; i < r->nworkflows; i++) {
		const struct adoption_workflow *w = &r->workflows[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:i, s:i, s:i, s:i, s:b}",
			"workflow", w->workflow, "creator", w->creator, "creator_is_champion",
			w->creator_champion, "people", w->people, "teams", w->teams,
			"teams_other_than_creators", w->other_teams, "functions", w->functions,
			"reusable", w->reusable));
	}
	json_object_set_new(o, "workflows", a);
	json_object_set_new(o, "reusable_workflows", json_integer(r->reusable_workflows));
	a = json_array();
	for (i = 0; i < r->nfunctions; i++) {
		const struct adoption_function *f = &r->functions[i];
		if (f->suppressed)
			json_array_append_new(a, json_pack("{s:s, s:i, s:b}", "function", f->function,
							   "people", f->people, "suppressed", 1));
		else
			json_array_append_new(a, json_pack("{s:s, s:i, s:o, s:b, s:i, s:b}",
				"function", f->function, "people", f->people, "repeat_rate",
				rate(f->repeat_rate), "enabled", f->enabled, "foreign_asset_users",
				f->foreign_asset_users, "cross_enabled", f->cross_enabled));
	}
	json_object_set_new(o, "functions", a);
	json_object_set_new(o, "cross_functional_enablement",
			    r->cross_functional_enablement >= 0 ?
			    rate(r->cross_functional_enablement) : json_null());
	json_object_set_new(o, "functions_enabled_share", r->functions_enabled_share >= 0 ?
			    rate(r->functions_enabled_share) : json_null());
	a = json_array();
	for (i = 0; i < r->ncohorts; i++) {
		const struct adoption_cohort *co = &r->cohorts[i];
		json_t *ret, *ppl;
		if (co->suppressed) {
			json_array_append_new(a, json_pack("{s:s, s:i, s:b}", "month", co->month,
							   "size", co->size, "suppressed", 1));
			continue;
		}
		ret = json_array();
		ppl = json_array();
		for (j = 0; j < co->nret; j++) {
			json_array_append_new(ret, isfinite(co->retention[j]) ?
					      rate(co->retention[j]) : json_null());
			json_array_append_new(ppl, json_integer(co->people[j]));
		}
		json_array_append_new(a, json_pack("{s:s, s:i, s:i, s:o, s:o}", "month",
						   co->month, "size", co->size, "left", co->left,
						   "people", ppl, "retention", ret));
	}
	json_object_set_new(o, "cohorts", a);
	return o;
}

static json_t *move_json(const struct cat_move *mv)
{
	if (!mv)
		return json_null();
	return json_pack("{s:s, s:s, s:s}", "id", mv->id, "name", mv->name, "text", mv->text);
}

json_t *adoption_two_tier_evidence_json(const struct adoption_two_tier *tt)
{
	const struct adoption_report *r = tt->r;
	const struct adoption_config *c = &r->cfg;
	json_t *why = json_array(), *fns = json_array(), *roles = json_array(), *teams = json_array();
	json_t *ev;
	size_t i;

	for (i = 0; i < tt->nfunctions; i++) {
		const struct adoption_stats *g = tt->functions[i];
		json_array_append_new(fns, json_pack("{s:s, s:i, s:o, s:i, s:i, s:i, s:o, s:o}",
			"function", g->name, "people", g->people, "repeat_rate",
			rate(g->repeat_rate), "power_users", g->power_users,
			"tried", g->tried, "stalled", g->stalled,
			"stalled_share", rate(g->stalled_share),
			"gini_active_days", rate(g->gini)));
	}
	for (i = 0; i < tt->nroles; i++)
		json_array_append_new(roles, json_pack("{s:s, s:i, s:o}", "role",
			tt->roles[i]->name, "people", tt->roles[i]->people, "repeat_rate",
			rate(tt->roles[i]->repeat_rate)));
	for (i = 0; i < tt->nteams; i++)
		json_array_append_new(teams, json_pack("{s:s, s:i, s:o}", "team",
			tt->teams[i]->name, "people", tt->teams[i]->people, "repeat_rate",
			rate(tt->teams[i]->repeat_rate)));
	if (tt->gini_hit)
		json_array_append_new(why, json_pack("{s:s, s:o, s:o}", "test", "gini_active_days",
			"value", rate(r->org.gini), "threshold", rate(c->tt_max_gini)));
	if (tt->gap_hit)
		json_array_append_new(why, json_pack("{s:s, s:o, s:o, s:s, s:s}", "test",
			"repeat_use_gap", "value", rate(r->role_gap), "threshold",
			rate(c->tt_max_role_gap), "highest_role", r->role_gap_high,
			"lowest_role", r->role_gap_low));
	if (tt->fn_hit)
		json_array_append_new(why, json_pack("{s:s, s:o, s:o, s:o}", "test",
			"stalled_function", "org_repeat_rate", rate(r->org.repeat_rate),
			"org_rate_above", rate(c->tt_org_rate_above), "function_rate_below",
			rate(c->tt_stalled_rate)));
	ev = json_pack("{s:o, s:o, s:o, s:i, s:i, s:o}", "org_repeat_rate",
		       rate(r->org.repeat_rate), "gini_active_days", rate(r->org.gini),
		       "top10_share", rate(r->org.top10_share), "licensed_people", r->org.people,
		       "power_users", r->org.power_users, "repeat_use_gap",
		       r->role_gap >= 0 ? rate(r->role_gap) : json_null());
	return json_pack("{s:o, s:o, s:{s:o, s:o, s:o}}", "triggered_by", why, "evidence", ev,
			 "stalled", "functions", fns, "roles", roles, "teams", teams);
}

json_t *adoption_two_tier_json(const struct adoption_two_tier *tt)
{
	json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", "two_tier_workforce", "model",
				"workforce", "failure_mode", "two_tier_workforce", "name", tt->name,
				"summary", tt->summary);
	json_t *ev = adoption_two_tier_evidence_json(tt);

	json_object_update(out, ev);
	json_decref(ev);
	json_object_set_new(out, "move", move_json(tt->move));
	return out;
}

static json_t *strs_json(const struct adoption_strs *l)
{
	return cjson_str_array(l->v, l->n);
}

json_t *adoption_starter_list_json(const struct adoption_starter_list *l)
{
	json_t *out = json_array();
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		const struct adoption_starter *s = &l->v[i];
		json_t *by = json_array(), *o;
		for (j = 0; j < s->nby_target; j++) {
			const struct adoption_target_reach *tr = &s->by_target[j];
			o = json_pack("{s:s, s:s, s:i}", "target", tr->is_function ? "function" : "role",
				      "name", tr->name, "people", tr->people);
			if (tr->suppressed) {
				json_object_set_new(o, "suppressed", json_true());
			} else {
				json_object_set_new(o, "users", json_integer(tr->users));
				json_object_set_new(o, "share", json_real(tr->share));
			}
			json_array_append_new(by, o);
		}
		o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:o}", "name", s->name, "title", s->title,
			      "owner", s->owner, "targeted_people", s->targeted_people,
			      "targeted_users", s->targeted_users, "other_users", s->other_users,
			      "by_target", by);
		if (s->has_share)
			json_object_set_new(o, "targeted_share", json_real(s->targeted_share));
		json_array_append_new(out, o);
	}
	return out;
}

json_t *adoption_champion_list_json(const struct adoption_champion_list *l)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct adoption_champion *c = &l->v[i];
		json_t *o = json_pack("{s:s, s:s, s:o, s:i}", "champion", c->champion, "team", c->team,
				      "workflows", strs_json(&c->workflows),
				      "team_people", c->team_people);
		if (c->suppressed) {
			json_object_set_new(o, "suppressed", json_true());
		} else {
			json_object_set_new(o, "repeat_rate_now", json_real(c->repeat_rate_now));
			if (c->published != INT32_MIN) {
				char buf[16];
				day_text(c->published, buf);
				json_object_set_new(o, "published", json_string(buf));
				json_object_set_new(o, "repeat_rate_before",
						    json_real(c->repeat_rate_before));
				json_object_set_new(o, "change", json_real(c->change));
			}
		}
		json_array_append_new(out, o);
	}
	return out;
}

static json_t *shadow_tools_json(const struct adoption_shadow_tool *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:i, s:o}", "tool", v[i].tool,
			"people", v[i].people, "functions", strs_json(&v[i].functions)));
	return arr;
}

json_t *adoption_shadow_figures_json(const struct adoption_shadow *s)
{
	return json_pack("{s:s, s:o, s:o, s:i}", "model", "workforce", "unregistered_tools",
			 shadow_tools_json(s->unregistered, s->nunregistered), "disallowed_use",
			 shadow_tools_json(s->disallowed, s->ndisallowed), "registered_tools",
			 s->registered_tools);
}

json_t *adoption_shadow_json(const struct adoption_shadow *s)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:i}", "id", "shadow_ai", "model", "workforce",
			 "summary", s->summary ? s->summary : "", "unregistered_tools",
			 shadow_tools_json(s->unregistered, s->nunregistered), "disallowed_use",
			 shadow_tools_json(s->disallowed, s->ndisallowed), "registered_tools",
			 s->registered_tools);
}

json_t *adoption_vendor_json(const struct adoption_vendor_total *v, size_t n)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		char a[16], b[16];
		day_text(v[i].from, a);
		day_text(v[i].to, b);
		json_array_append_new(out, json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:I}", "tool",
			v[i].tool, "days", (json_int_t)v[i].days, "from", a, "to", b,
			"mean_daily_active_users", rate(v[i].mean_active),
			"mean_daily_engaged_users", rate(v[i].mean_engaged),
			"last_day_active_users", (json_int_t)v[i].last_active));
	}
	return out;
}
