/*
 * register_metrics.c - measures that read the governance register
 * (kinds StarterWorkflow and Tool, ingest/register.c) beside the usage
 * table: adoption per starter workflow and per targeted role or
 * function, champion reach, and the shadow-AI detector.
 *
 * Definitions (docs/adoption.md has them in full):
 *   starter adoption  people who used any of the workflow's usage_ids in
 *                     the window, split into targeted people (role or
 *                     function listed) and others; share = targeted users
 *                     / targeted licensed people
 *   champion reach    repeat-use rate of the champion's team (champion
 *                     excluded) in the n weeks before the earliest
 *                     `published` of the champion's starter workflows,
 *                     against the n weeks ending at the report's weeks
 *   shadow AI         in the window, usage on a tool no Tool lists in
 *                     usage_names, or by someone whose function or role a
 *                     Tool's allow-lists leave out
 */
#include <stdlib.h>
#include <string.h>

#include "adoption.h"
#include "apply/apply.h"
#include "core/cjson.h"

void adoption_register_release(struct adoption_register *reg)
{
	json_decref(reg->tools);
	json_decref(reg->starters);
	memset(reg, 0, sizeof(*reg));
}

int adoption_register_load(struct store *s, struct adoption_register *reg, struct aiv_err *err)
{
	int ret;

	reg->tools = reg->starters = NULL;
	if ((ret = apply_object_specs(s, "Tool", &reg->tools, err)) ||
	    (ret = apply_object_specs(s, "StarterWorkflow", &reg->starters, err))) {
		/* the caller's release expects arrays */
		if (!reg->tools)
			reg->tools = json_array();
		if (!reg->starters)
			reg->starters = json_array();
		return ret;
	}
	return 0;
}

static int list_has(const json_t *spec, const char *key, const char *v)
{
	json_t *arr = json_object_get(spec, key), *x;
	size_t i;

	json_array_foreach(arr, i, x)
		if (json_is_string(x) && !strcmp(json_string_value(x), v))
			return 1;
	return 0;
}

static json_t *rate(double v)
{
	return json_real((double)(long long)(v * 10000.0 + (v >= 0 ? 0.5 : -0.5)) / 10000.0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

json_t *adoption_starters_json(const struct usage_table *t, const struct adoption_report *r,
			       const struct adoption_register *reg)
{
	json_t *out = json_array(), *sw;
	uint8_t *used = xcalloc(t->npeople + 1, 1);
	uint8_t *wf = xcalloc(intern_count(&t->workflows) + 1, 1);
	size_t k;

	json_array_foreach(reg->starters, k, sw) {
		json_t *ids = json_object_get(sw, "usage_ids"), *id, *by = json_array(), *o;
		int targeted = 0, tusers = 0, others = 0;
		size_t i, p;
		memset(used, 0, t->npeople + 1);
		memset(wf, 0, intern_count(&t->workflows) + 1);
		json_array_foreach(ids, i, id) {
			uint32_t w = intern_find(&t->workflows, json_string_value(id),
						 strlen(json_string_value(id)));
			if (w != INTERN_NONE)
				wf[w] = 1;
		}
		for (i = 0; i < t->n; i++)
			if (wf[t->workflow[i]] && t->count[i] && t->day[i] >= r->window_start &&
			    t->day[i] <= r->as_of)
				used[t->person[i]] = 1;
		for (p = 0; p < t->npeople; p++) {
			int tgt = list_has(sw, "roles", intern_str(&t->roles, t->role[p])) ||
				  list_has(sw, "functions", intern_str(&t->functions, t->function[p]));
			if (!(t->have_seats ? t->licensed[p] : 1))
				continue;
			targeted += tgt;
			tusers += tgt && used[p];
			others += !tgt && used[p];
		}
		/* per target: each listed role and function */
		{
			static const char *const lists[] = { "roles", "functions" };
			size_t l;
			for (l = 0; l < 2; l++) {
				json_t *arr = json_object_get(sw, lists[l]), *v;
				json_array_foreach(arr, i, v) {
					int n = 0, u = 0;
					for (p = 0; p < t->npeople; p++) {
						const char *g = l == 0 ? intern_str(&t->roles, t->role[p]) :
								intern_str(&t->functions, t->function[p]);
						if (strcmp(g, json_string_value(v)) ||
						    !(t->have_seats ? t->licensed[p] : 1))
							continue;
						n++;
						u += used[p];
					}
					o = json_pack("{s:s, s:s, s:i}", "target", l == 0 ? "role" : "function",
						      "name", json_string_value(v), "people", n);
					if (n < r->cfg.privacy_floor) {
						json_object_set_new(o, "suppressed", json_true());
					} else {
						json_object_set_new(o, "users", json_integer(u));
						json_object_set_new(o, "share", rate((double)u / n));
					}
					json_array_append_new(by, o);
				}
			}
		}
		o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:o}", "name", json_str(sw, "name"),
			      "title", json_str(sw, "title"), "owner", json_str(sw, "owner"),
			      "targeted_people", targeted, "targeted_users", tusers,
			      "other_users", others, "by_target", by);
		if (targeted >= r->cfg.privacy_floor)
			json_object_set_new(o, "targeted_share", rate((double)tusers / targeted));
		json_array_append_new(out, o);
	}
	free(used);
	free(wf);
	return out;
}

/* Is p a repeat user in the n weeks ending on `end` (a Sunday)? */
static int repeat_in(const struct usage_table *t, const struct adoption_config *c, uint32_t p,
		     int32_t end)
{
	int32_t start = end - 7 * c->weeks + 1;
	uint64_t mask = 0;
	size_t i;

	for (i = t->person_off[p]; i < t->person_off[p + 1]; i++)
		if (t->count[i] && t->day[i] >= start && t->day[i] <= end)
			mask |= 1ULL << ((t->day[i] - start) / 7);
	return __builtin_popcountll(mask) >= c->min_active_weeks;
}

json_t *adoption_champions_json(const struct usage_table *t, const struct adoption_report *r,
				const struct adoption_register *reg)
{
	json_t *out = json_array();
	size_t c, p, k;

	for (c = 0; c < t->npeople; c++) {
		const char *name = intern_str(&t->names, (uint32_t)c);
		json_t *wfs, *sw, *o;
		int32_t published = INT32_MAX;
		int n = 0, before = 0, after = 0;
		if (!t->champion[c])
			continue;
		wfs = json_array();
		json_array_foreach(reg->starters, k, sw) {
			int32_t d;
			if (!json_str(sw, "owner") || strcmp(json_str(sw, "owner"), name))
				continue;
			json_array_append_new(wfs, json_string(json_str(sw, "name")));
			d = adoption_parse_day(json_str(sw, "published"));
			if (d != INT32_MIN && d < published)
				published = d;
		}
		for (p = 0; p < t->npeople; p++) {
			int32_t wd, end;
			if (p == c || t->team[p] != t->team[c] || !(t->have_seats ? t->licensed[p] : 1))
				continue;
			n++;
			after += repeat_in(t, &r->cfg, (uint32_t)p, r->weeks_end);
			if (published != INT32_MAX) {
				wd = (int)(((int64_t)published + 3) % 7);
				if (wd < 0)
					wd += 7;
				end = published - wd - 1; /* the Sunday before the publication week */
				before += repeat_in(t, &r->cfg, (uint32_t)p, end);
			}
		}
		o = json_pack("{s:s, s:s, s:o, s:i}", "champion", name, "team",
			      intern_str(&t->teams, t->team[c]), "workflows", wfs, "team_people", n);
		if (n < r->cfg.privacy_floor) {
			json_object_set_new(o, "suppressed", json_true());
		} else {
			json_object_set_new(o, "repeat_rate_now", rate((double)after / n));
			if (published != INT32_MAX) {
				int y, m, d;
				char buf[16];
				adoption_civil(published, &y, &m, &d);
				snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
				json_object_set_new(o, "published", json_string(buf));
				json_object_set_new(o, "repeat_rate_before", rate((double)before / n));
				json_object_set_new(o, "change", rate((double)(after - before) / n));
			}
		}
		json_array_append_new(out, o);
	}
	return out;
}

json_t *adoption_shadow_ai(const struct usage_table *t, const struct adoption_report *r,
			   const struct adoption_register *reg)
{
	size_t ntools = intern_count(&t->tools), i, j, npairs = 0, apairs = 0;
	int *tool_reg = xmalloc(st_mult(ntools + 1, sizeof(int)));
	uint64_t *pairs = NULL;
	json_t *unreg = json_array(), *disallowed = json_array(), *out = NULL;
	struct strbuf summary = STRBUF_INIT;

	for (i = 0; i < ntools; i++) {
		json_t *tool;
		size_t k;
		tool_reg[i] = -1;
		json_array_foreach(reg->tools, k, tool)
			if (list_has(tool, "usage_names", intern_str(&t->tools, (uint32_t)i)))
				tool_reg[i] = (int)k;
	}
	for (i = 0; i < t->n; i++) {
		if (!t->count[i] || t->day[i] < r->window_start || t->day[i] > r->as_of)
			continue;
		ALLOC_GROW(pairs, npairs + 1, apairs);
		pairs[npairs++] = ((uint64_t)t->tool[i] << 32) | t->person[i];
	}
	if (npairs)
		qsort(pairs, npairs, sizeof(*pairs), cmp_u64);
	for (i = 0; i < npairs; i = j) {
		uint32_t tool = (uint32_t)(pairs[i] >> 32);
		json_t *spec = tool_reg[tool] >= 0 ? json_array_get(reg->tools, (size_t)tool_reg[tool]) :
			       NULL;
		json_t *fns = json_array();
		int people = 0, bad = 0;
		for (j = i; j < npairs && (uint32_t)(pairs[j] >> 32) == tool; j++) {
			uint32_t p = (uint32_t)pairs[j];
			const char *fn = intern_str(&t->functions, t->function[p]);
			int allowed = 1;
			if (j > i && pairs[j] == pairs[j - 1])
				continue;
			people++;
			if (spec) {
				if (json_array_size(json_object_get(spec, "functions")) &&
				    !list_has(spec, "functions", fn))
					allowed = 0;
				if (json_array_size(json_object_get(spec, "roles")) &&
				    !list_has(spec, "roles", intern_str(&t->roles, t->role[p])))
					allowed = 0;
			}
			if ((!spec || !allowed)) {
				size_t x;
				json_t *v;
				int seen = 0;
				bad++;
				json_array_foreach(fns, x, v)
					seen |= !strcmp(json_string_value(v), fn);
				if (!seen)
					json_array_append_new(fns, json_string(fn));
			}
		}
		if (!spec)
			json_array_append_new(unreg, json_pack("{s:s, s:i, s:o}", "tool",
				intern_str(&t->tools, tool), "people", people, "functions", fns));
		else if (bad)
			json_array_append_new(disallowed, json_pack("{s:s, s:i, s:o}", "tool",
				intern_str(&t->tools, tool), "people", bad, "functions", fns));
		else
			json_decref(fns);
	}
	if (json_array_size(unreg) || json_array_size(disallowed)) {
		size_t k;
		json_t *v;
		strbuf_addstr(&summary, "Shadow AI: ");
		if (!json_array_size(reg->tools))
			strbuf_addstr(&summary, "the allowed-tools register is empty; ");
		json_array_foreach(unreg, k, v)
			strbuf_addf(&summary, "%s'%s' is not in the register (%d people)",
				    k ? ", " : "", json_str(v, "tool"),
				    (int)json_integer_value(json_object_get(v, "people")));
		json_array_foreach(disallowed, k, v)
			strbuf_addf(&summary, "%s'%s' used outside its allowed functions or roles "
				    "(%d people)", k || json_array_size(unreg) ? ", " : "",
				    json_str(v, "tool"),
				    (int)json_integer_value(json_object_get(v, "people")));
		out = json_pack("{s:s, s:s, s:s, s:O, s:O, s:i}", "id", "shadow_ai", "model",
				"workforce", "summary", summary.buf, "unregistered_tools", unreg,
				"disallowed_use", disallowed, "registered_tools",
				(int)json_array_size(reg->tools));
	}
	json_decref(unreg);
	json_decref(disallowed);
	strbuf_release(&summary);
	free(pairs);
	free(tool_reg);
	return out;
}

json_t *adoption_vendor_json(const struct adoption_vendor_total *v, size_t n)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		char a[16], b[16];
		int y, m, d;
		adoption_civil(v[i].from, &y, &m, &d);
		snprintf(a, sizeof(a), "%04d-%02d-%02d", y, m, d);
		adoption_civil(v[i].to, &y, &m, &d);
		snprintf(b, sizeof(b), "%04d-%02d-%02d", y, m, d);
		json_array_append_new(out, json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:I}", "tool",
			v[i].tool, "days", (json_int_t)v[i].days, "from", a, "to", b,
			"mean_daily_active_users", rate(v[i].mean_active),
			"mean_daily_engaged_users", rate(v[i].mean_engaged),
			"last_day_active_users", (json_int_t)v[i].last_active));
	}
	return out;
}

void adoption_vendor_release(struct adoption_vendor_total *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i].tool);
	free(v);
}
