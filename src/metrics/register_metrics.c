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
 *                     against the n weeks ending at the report's weeks;
 *                     champions and team members employed in those weeks
 *                     only (a champion who left before them is not listed)
 *   shadow AI         in the window, usage on a tool no Tool lists in
 *                     usage_names, or by someone whose function or role a
 *                     Tool's allow-lists leave out
 *
 * Each measure fills a typed struct (adoption.h) that the CLI text, the
 * JSON printers in adoption_json.c and the shadow-AI detector read; the
 * register itself is the engine's canonical specs (JSON) as loaded.
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static char *spec_str(const json_t *spec, const char *key)
{
	const char *v = json_str(spec, key);

	return xstrdup(v ? v : "");
}

static void strs_push(struct adoption_strs *l, const char *v, size_t *alloc)
{
	ALLOC_GROW(l->v, l->n + 1, *alloc);
	l->v[l->n++] = xstrdup(v);
}

static void strs_release(struct adoption_strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void adoption_starters(const struct usage_table *t, const struct adoption_report *r,
		       const struct adoption_register *reg, struct adoption_starter_list *out)
{
	uint8_t *used = xcalloc(t->npeople + 1, 1);
	uint8_t *wf = xcalloc(intern_count(&t->workflows) + 1, 1);
	json_t *sw;
	size_t k;

	memset(out, 0, sizeof(*out));
	out->n = json_array_size(reg->starters);
	out->v = out->n ? xcalloc(out->n, sizeof(*out->v)) : NULL;
	json_array_foreach(reg->starters, k, sw) {
		struct adoption_starter *o = &out->v[k];
		json_t *ids = json_object_get(sw, "usage_ids"), *id;
		size_t i, p, alloc = 0;
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
		o->name = spec_str(sw, "name");
		o->title = spec_str(sw, "title");
		o->owner = spec_str(sw, "owner");
		for (p = 0; p < t->npeople; p++) {
			int tgt = list_has(sw, "roles", intern_str(&t->roles, t->role[p])) ||
				  list_has(sw, "functions", intern_str(&t->functions, t->function[p]));
			if (!(t->have_seats ? t->licensed[p] : 1) ||
			    !utab_employed(t, (uint32_t)p, r->window_start, r->as_of))
				continue;
			o->targeted_people += tgt;
			o->targeted_users += tgt && used[p];
			o->other_users += !tgt && used[p];
		}
		/* per target: each listed role and function */
		{
			static const char *const lists[] = { "roles", "functions" };
			size_t l;
			for (l = 0; l < 2; l++) {
				json_t *arr = json_object_get(sw, lists[l]), *v;
				json_array_foreach(arr, i, v) {
					struct adoption_target_reach *tr;
					int n = 0, u = 0;
					for (p = 0; p < t->npeople; p++) {
						const char *g = l == 0 ? intern_str(&t->roles, t->role[p]) :
								intern_str(&t->functions, t->function[p]);
						if (strcmp(g, json_string_value(v)) ||
						    !(t->have_seats ? t->licensed[p] : 1) ||
						    !utab_employed(t, (uint32_t)p, r->window_start,
								   r->as_of))
							continue;
						n++;
						u += used[p];
					}
					ALLOC_GROW(o->by_target, o->nby_target + 1, alloc);
					tr = &o->by_target[o->nby_target++];
					memset(tr, 0, sizeof(*tr));
					tr->is_function = l == 1;
					tr->name = xstrdup(json_string_value(v));
					tr->people = n;
					if (n < r->cfg.privacy_floor) {
						tr->suppressed = 1;
					} else {
						tr->users = u;
						tr->share = adoption_rate4((double)u / n);
					}
				}
			}
		}
		if (o->targeted_people >= r->cfg.privacy_floor) {
			o->has_share = 1;
			o->targeted_share = adoption_rate4((double)o->targeted_users /
							   o->targeted_people);
		}
	}
	free(used);
	free(wf);
}

void adoption_starter_list_release(struct adoption_starter_list *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].title);
		free(l->v[i].owner);
		for (j = 0; j < l->v[i].nby_target; j++)
			free(l->v[i].by_target[j].name);
		free(l->v[i].by_target);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
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

void adoption_champions(const struct usage_table *t, const struct adoption_report *r,
			const struct adoption_register *reg, struct adoption_champion_list *out)
{
	size_t c, p, k, alloc = 0;

	memset(out, 0, sizeof(*out));
	for (c = 0; c < t->npeople; c++) {
		const char *name = intern_str(&t->names, (uint32_t)c);
		struct adoption_champion *o;
		json_t *sw;
		int32_t published = INT32_MAX;
		int n = 0, before = 0, after = 0;
		size_t walloc = 0;
		if (!t->champion[c] || !utab_employed(t, (uint32_t)c, r->weeks_start, r->as_of))
			continue; /* a champion who left before the weeks champions no one */
		ALLOC_GROW(out->v, out->n + 1, alloc);
		o = &out->v[out->n++];
		memset(o, 0, sizeof(*o));
		o->champion = xstrdup(name);
		o->team = xstrdup(intern_str(&t->teams, t->team[c]));
		json_array_foreach(reg->starters, k, sw) {
			int32_t d;
			if (!json_str(sw, "owner") || strcmp(json_str(sw, "owner"), name))
				continue;
			strs_push(&o->workflows, json_str(sw, "name") ? json_str(sw, "name") : "",
				  &walloc);
			d = adoption_parse_day(json_str(sw, "published"));
			if (d != INT32_MIN && d < published)
				published = d;
		}
		for (p = 0; p < t->npeople; p++) {
			int32_t wd, end;
			if (p == c || t->team[p] != t->team[c] ||
			    !(t->have_seats ? t->licensed[p] : 1) ||
			    !utab_employed(t, (uint32_t)p, r->weeks_start, r->as_of))
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
		o->team_people = n;
		o->published = INT32_MIN;
		if (n < r->cfg.privacy_floor) {
			o->suppressed = 1;
			continue;
		}
		o->repeat_rate_now = adoption_rate4((double)after / n);
		if (published != INT32_MAX) {
			o->published = published;
			o->repeat_rate_before = adoption_rate4((double)before / n);
			o->change = adoption_rate4((double)(after - before) / n);
		}
	}
}

void adoption_champion_list_release(struct adoption_champion_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].champion);
		free(l->v[i].team);
		strs_release(&l->v[i].workflows);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void shadow_tools_release(struct adoption_shadow_tool *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].tool);
		strs_release(&v[i].functions);
	}
	free(v);
}

void adoption_shadow_release(struct adoption_shadow *s)
{
	free(s->summary);
	shadow_tools_release(s->unregistered, s->nunregistered);
	shadow_tools_release(s->disallowed, s->ndisallowed);
	memset(s, 0, sizeof(*s));
}

int adoption_shadow_ai(const struct usage_table *t, const struct adoption_report *r,
		       const struct adoption_register *reg, struct adoption_shadow *out)
{
	size_t ntools = intern_count(&t->tools), i, j, k, npairs = 0, apairs = 0;
	size_t ualloc = 0, dalloc = 0;
	int *tool_reg = xmalloc(st_mult(ntools + 1, sizeof(int)));
	uint64_t *pairs = NULL;
	struct strbuf summary = STRBUF_INIT;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < ntools; i++) {
		json_t *tool;
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
		struct adoption_strs fns = { NULL, 0 };
		size_t falloc = 0;
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
				int seen = 0;
				bad++;
				for (k = 0; k < fns.n; k++)
					seen |= !strcmp(fns.v[k], fn);
				if (!seen)
					strs_push(&fns, fn, &falloc);
			}
		}
		if (!spec || bad) {
			struct adoption_shadow_tool *st;
			if (!spec) {
				ALLOC_GROW(out->unregistered, out->nunregistered + 1, ualloc);
				st = &out->unregistered[out->nunregistered++];
			} else {
				ALLOC_GROW(out->disallowed, out->ndisallowed + 1, dalloc);
				st = &out->disallowed[out->ndisallowed++];
			}
			st->tool = xstrdup(intern_str(&t->tools, tool));
			st->people = spec ? bad : people;
			st->functions = fns;
		} else {
			strs_release(&fns);
		}
	}
	free(pairs);
	free(tool_reg);
	out->registered_tools = (int)json_array_size(reg->tools);
	if (!out->nunregistered && !out->ndisallowed) {
		adoption_shadow_release(out);
		return 0;
	}
	strbuf_addstr(&summary, "Shadow AI: ");
	if (!json_array_size(reg->tools))
		strbuf_addstr(&summary, "the allowed-tools register is empty; ");
	for (k = 0; k < out->nunregistered; k++)
		strbuf_addf(&summary, "%s'%s' is not in the register (%d people)", k ? ", " : "",
			    out->unregistered[k].tool, out->unregistered[k].people);
	for (k = 0; k < out->ndisallowed; k++)
		strbuf_addf(&summary, "%s'%s' used outside its allowed functions or roles "
			    "(%d people)", k || out->nunregistered ? ", " : "",
			    out->disallowed[k].tool, out->disallowed[k].people);
	out->summary = strbuf_detach(&summary, NULL);
	return 1;
}

void adoption_vendor_release(struct adoption_vendor_total *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i].tool);
	free(v);
}
