/*
 * adoption.c - `aivalue adoption [--by role|team|function] [--period
 * week|month] [--as-of DATE] [--json]`: value model 1 measured from the
 * imported usage (metrics/adoption.h computes; this file prints).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core/cjson.h"
#include "ingest/usage_load.h"
#include "metrics/adoption.h"
#include "names.h"
#include "options.h"
#include "table.h"

static void pct(char *out, size_t n, double v)
{
	snprintf(out, n, "%.0f%%", 100.0 * v);
}

/* The names of suppressed rows after a table: "not shown (fewer than 5 people): a (3), b (4)". */
static void print_not_shown(const struct strbuf *list, int floor)
{
	if (list->len)
		printf("not shown (fewer than %d people): %s\n", floor, list->buf);
}

static void print_group_table(struct store *st, const struct adoption_report *r, int by)
{
	static const char *const dim_heads[DIM_N] = { "ROLE", "TEAM", "FUNCTION" };
	const char **heads = xcalloc((size_t)r->nperiods + 8, sizeof(*heads));
	struct strbuf name = STRBUF_INIT, hidden = STRBUF_INIT;
	struct table t;
	size_t i, c;
	int j;

	printf("\nby %s (active people per %s, oldest first)\n", adoption_dim_names[by],
	       r->period == PERIOD_WEEK ? "week" : "month");
	heads[0] = dim_heads[by];
	heads[1] = "PEOPLE";
	heads[2] = "ACTIVE";
	heads[3] = "REPEAT USE";
	heads[4] = "POWER USERS";
	heads[5] = "GINI (0-1)";
	heads[6] = "STALLED";
	for (j = 0; j < r->nperiods; j++)
		heads[7 + j] = r->period_label[j] + 5;
	table_init(&t, heads);
	for (c = 1; c < 7 + (size_t)r->nperiods; c++)
		table_right(&t, c);
	for (i = 0; i < r->ngroups[by]; i++) {
		const struct adoption_stats *g = &r->groups[by][i];
		char a[16], b[16];
		strbuf_reset(&name);
		if (by == DIM_TEAM)
			cli_object_title(&name, st, "team", g->name);
		else
			strbuf_addstr(&name, g->name);
		if (g->suppressed) {
			strbuf_addf(&hidden, "%s%s (%d)", hidden.len ? ", " : "", name.buf, g->people);
			continue;
		}
		pct(a, sizeof(a), g->repeat_rate);
		pct(b, sizeof(b), g->stalled_share);
		table_add(&t, name.buf);
		table_addf(&t, "%d", g->people);
		table_addf(&t, "%d", g->active);
		table_add(&t, a);
		table_addf(&t, "%d", g->power_users);
		table_addf(&t, "%.2f", g->gini);
		table_add(&t, b);
		for (j = 0; j < r->nperiods; j++)
			table_addf(&t, "%d", g->active_by_period[j]);
	}
	table_print(&t);
	table_release(&t);
	print_not_shown(&hidden, r->cfg.privacy_floor);
	strbuf_release(&name);
	strbuf_release(&hidden);
	free(heads);
}

/* The shared workflows (the first 15), creators by name. */
static void print_workflows(struct store *st, const struct adoption_report *r)
{
	static const char *const heads[] = { "WORKFLOW", "PEOPLE", "TEAMS", "FUNCTIONS",
					     "CREATOR", "REUSABLE", NULL };
	struct strbuf who = STRBUF_INIT;
	struct table t;
	size_t i;

	if (!r->nworkflows)
		return;
	table_init(&t, heads);
	table_right(&t, 1);
	table_right(&t, 2);
	table_right(&t, 3);
	for (i = 0; i < r->nworkflows && i < 15; i++) {
		const struct adoption_workflow *w = &r->workflows[i];
		strbuf_reset(&who);
		if (*w->creator)
			cli_object_title(&who, st, "person", w->creator);
		else
			strbuf_addstr(&who, "no data");
		if (w->creator_champion)
			strbuf_addstr(&who, " (champion)");
		table_add(&t, w->workflow);
		table_addf(&t, "%d", w->people);
		table_addf(&t, "%d", w->teams);
		table_addf(&t, "%d", w->functions);
		table_add(&t, who.buf);
		table_add(&t, w->reusable ? "yes" : "no");
	}
	table_print(&t);
	table_release(&t);
	strbuf_release(&who);
}

/* Retention by first-use month: one row per cohort, one column per month since. */
static void print_cohorts(const struct adoption_report *r)
{
	const char **heads;
	char (*labels)[16];
	struct strbuf hidden = STRBUF_INIT;
	struct table t;
	size_t i;
	int j, most = 0;

	for (i = 0; i < r->ncohorts; i++)
		if (!r->cohorts[i].suppressed && r->cohorts[i].nret > most)
			most = r->cohorts[i].nret;
	heads = xcalloc((size_t)most + 4, sizeof(*heads));
	labels = xcalloc((size_t)most + 1, sizeof(*labels));
	heads[0] = "FIRST USE";
	heads[1] = "PEOPLE";
	heads[2] = "LEFT";
	for (j = 0; j < most; j++) {
		snprintf(labels[j], sizeof(labels[j]), "+%d", j);
		heads[3 + j] = labels[j];
	}
	printf("\nretention by first-use month (share of the members still employed who were "
	       "active in month +0, +1, ...)\n");
	table_init(&t, heads);
	for (j = 1; j < most + 3; j++)
		table_right(&t, (size_t)j);
	for (i = 0; i < r->ncohorts; i++) {
		const struct adoption_cohort *co = &r->cohorts[i];
		if (co->suppressed) {
			strbuf_addf(&hidden, "%s%s (%d)", hidden.len ? ", " : "", co->month, co->size);
			continue;
		}
		table_add(&t, co->month);
		table_addf(&t, "%d", co->size);
		table_addf(&t, "%d", co->left);
		for (j = 0; j < most; j++) {
			if (j < co->nret && isfinite(co->retention[j]))
				table_addf(&t, "%.0f%%", 100.0 * co->retention[j]);
			else if (j < co->nret)
				table_add(&t, "no data");
			else
				table_add(&t, "");
		}
	}
	table_print(&t);
	table_release(&t);
	print_not_shown(&hidden, r->cfg.privacy_floor);
	strbuf_release(&hidden);
	free(labels);
	free(heads);
}

static void print_report(struct store *st, const struct adoption_report *r, int by)
{
	const struct adoption_stats *o = &r->org;
	char as_of[16], a[16];
	int j, y, m, d;

	adoption_civil(r->as_of, &y, &m, &d);
	snprintf(as_of, sizeof(as_of), "%04d-%02d-%02d", y, m, d);
	printf("Adoption as of %s (%lld usage events; repeat use = active in %d of the last %d "
	       "weeks; window %d days)\n", as_of, (long long)r->events, r->cfg.min_active_weeks,
	       r->cfg.weeks, r->cfg.window_days);
	if (!r->events) {
		printf("no usage imported yet: see 'aivalue import usage --help'\n");
		return;
	}
	if (o->suppressed) {
		printf("fewer than %d licensed people: no figures are shown\n", r->cfg.privacy_floor);
		return;
	}
	pct(a, sizeof(a), o->repeat_rate);
	printf("organisation: %d licensed%s, %d active, repeat use %s (%d people)\n", o->people,
	       r->seats_known ? "" : " (no seat data: everyone counts)", o->active, a,
	       o->repeat_users);
	printf("proficiency:");
	for (j = 0; j < PROF_N; j++)
		printf(" %s %d%s", adoption_prof_names[j], o->prof[j], j + 1 < PROF_N ? "," : "\n");
	printf("concentration: Gini of active days %.2f, top 10%% hold %.0f%%; Lorenz",
	       o->gini, 100.0 * o->top10_share);
	for (j = 0; j <= 10; j += 2)
		printf(" %d%%:%.0f%%", j * 10, 100.0 * r->lorenz[j]);
	printf("\n");
	printf("stalled: %d of %d who tried (%.0f%%); licensed but unused: %d",
	       o->stalled, o->tried, 100.0 * o->stalled_share, o->unused);
	if (r->seats_known && r->unlicensed_users)
		printf("; using without a seat: %d", r->unlicensed_users);
	printf("\n");
	if (r->role_gap >= 0)
		printf("repeat-use gap between roles: %.0f points ('%s' highest, '%s' lowest)\n",
		       100.0 * r->role_gap, r->role_gap_high, r->role_gap_low);
	if (by >= 0 && by < DIM_N)
		print_group_table(st, r, by);
	printf("\nshared workflows used in the window: %zu, reusable: %d\n", r->nworkflows,
	       r->reusable_workflows);
	print_workflows(st, r);
	if (r->cross_functional_enablement >= 0)
		printf("cross-functional enablement: %.0f%% of functions use assets made elsewhere; "
		       "%.0f%% have repeat use of %.0f%% or more\n",
		       100.0 * r->cross_functional_enablement, 100.0 * r->functions_enabled_share,
		       100.0 * r->cfg.xf_min_repeat_rate);
	if (r->ncohorts)
		print_cohorts(r);
}

static void print_register(struct store *st, const struct adoption_starter_list *starters,
			   const struct adoption_champion_list *champions)
{
	static const char *const sheads[] = { "STARTER WORKFLOW", "TARGETED PEOPLE USING IT",
					      "SHARE", "OTHERS USING IT", "OWNER", NULL };
	static const char *const cheads[] = { "CHAMPION", "TEAM", "REPEAT USE BEFORE",
					      "PUBLISHED", "REPEAT USE NOW", NULL };
	struct strbuf sb = STRBUF_INIT;
	struct table t;
	size_t i;
	int hidden = 0;

	if (starters->n) {
		printf("\nstarter workflows (users in the window)\n");
		table_init(&t, sheads);
		table_right(&t, 1);
		table_right(&t, 2);
		table_right(&t, 3);
		for (i = 0; i < starters->n; i++) {
			const struct adoption_starter *s = &starters->v[i];
			table_add(&t, s->title && *s->title ? s->title : s->name);
			table_addf(&t, "%d of %d", s->targeted_users, s->targeted_people);
			if (s->has_share)
				table_addf(&t, "%.0f%%", 100.0 * s->targeted_share);
			else
				table_add(&t, "not shown");
			table_addf(&t, "%d", s->other_users);
			strbuf_reset(&sb);
			cli_object_title(&sb, st, "person", s->owner);
			table_add(&t, sb.buf);
		}
		table_print(&t);
		table_release(&t);
	}
	if (!champions->n) {
		strbuf_release(&sb);
		return;
	}
	printf("\nchampion reach (team repeat use, champion excluded)\n");
	table_init(&t, cheads);
	table_right(&t, 2);
	table_right(&t, 4);
	for (i = 0; i < champions->n; i++) {
		const struct adoption_champion *c = &champions->v[i];
		strbuf_reset(&sb);
		cli_object_title(&sb, st, "person", c->champion);
		table_add(&t, sb.buf);
		strbuf_reset(&sb);
		cli_object_title(&sb, st, "team", c->team);
		table_add(&t, sb.buf);
		if (c->suppressed) {
			hidden = 1;
			table_add(&t, "not shown");
			table_add(&t, "");
			table_add(&t, "not shown");
		} else if (c->published != INT32_MIN) {
			int y, m, d;
			adoption_civil(c->published, &y, &m, &d);
			table_addf(&t, "%.0f%%", 100.0 * c->repeat_rate_before);
			table_addf(&t, "%04d-%02d-%02d", y, m, d);
			table_addf(&t, "%.0f%%", 100.0 * c->repeat_rate_now);
		} else {
			table_add(&t, "no data");
			table_add(&t, "no starter workflow");
			table_addf(&t, "%.0f%%", 100.0 * c->repeat_rate_now);
		}
	}
	table_print(&t);
	table_release(&t);
	if (hidden)
		printf("not shown: the team is under the privacy floor\n");
	strbuf_release(&sb);
}

static int cli_parse_by_period(const char *by_s, const char *period_s, const char *as_of_s,
			int *by, int *period, int32_t *as_of)
{
	int i;

	*by = DIM_N;
	if (by_s) {
		for (i = 0; i < DIM_N; i++)
			if (!strcmp(by_s, adoption_dim_names[i]))
				*by = i;
		if (*by == DIM_N) {
			fprintf(stderr, "error: --by must be role, team or function, not '%s'\n", by_s);
			return 2;
		}
	}
	*period = PERIOD_MONTH;
	if (period_s) {
		if (!strcmp(period_s, "week"))
			*period = PERIOD_WEEK;
		else if (strcmp(period_s, "month")) {
			fprintf(stderr, "error: --period must be week or month, not '%s'\n", period_s);
			return 2;
		}
	}
	*as_of = 0;
	if (as_of_s && (*as_of = adoption_parse_day(as_of_s)) == INT32_MIN) {
		fprintf(stderr, "error: --as-of must be a date YYYY-MM-DD, not '%s'\n", as_of_s);
		return 2;
	}
	return 0;
}

int cmd_adoption(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue adoption [--by role|team|function] [--period week|month] [--as-of DATE]"
		" [--config FILE] [--json]", NULL };
	const char *by_s = NULL, *period_s = NULL, *as_of_s = NULL, *config = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "by", &by_s, "role|team|function", "group figures by role, team or function" },
		{ OPT_STRING, 0, "period", &period_s, "week|month", "active people per week or month (default month)" },
		{ OPT_STRING, 0, "as-of", &as_of_s, "DATE", "reporting day (default: last day with usage)" },
		{ OPT_STRING, 0, "config", &config, "FILE", "adoption thresholds (default built in data/adoption.yaml)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_register reg = { NULL, NULL };
	struct adoption_report r;
	struct usage_table t;
	struct adoption_starter_list starters;
	struct adoption_champion_list champions;
	struct adoption_vendor_total *vt = NULL;
	size_t nvt = 0;
	int32_t as_of;
	int by, period, n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if ((n = cli_parse_by_period(by_s, period_s, as_of_s, &by, &period, &as_of)))
		return n;
	if (ctx->json) {
		json_t *doc;
		if (adoption_document(ctx->store, config, (enum adoption_period)period, as_of, by,
				      &doc, &err))
			return cli_error(&err);
		cli_print_json(doc);
		return 0;
	}
	if (adoption_run(ctx->store, config, (enum adoption_period)period, as_of, &r, &t, &err) ||
	    adoption_register_load(ctx->store, &reg, &err)) {
		utab_release(&t);
		adoption_register_release(&reg);
		return cli_error(&err);
	}
	if (usage_vendor_totals(ctx->store, &vt, &nvt, &err)) {
		adoption_vendor_release(vt, nvt);
		adoption_report_release(&r);
		adoption_register_release(&reg);
		utab_release(&t);
		return cli_error(&err);
	}
	adoption_starters(&t, &r, &reg, &starters);
	adoption_champions(&t, &r, &reg, &champions);
	{
		size_t k;
		print_report(ctx->store, &r, by);
		print_register(ctx->store, &starters, &champions);
		for (k = 0; k < nvt; k++) {
			int fy, fm, fd, ty, tm, td;
			adoption_civil(vt[k].from, &fy, &fm, &fd);
			adoption_civil(vt[k].to, &ty, &tm, &td);
			printf("%svendor totals without people, %s: %lld days "
			       "%04d-%02d-%02d..%04d-%02d-%02d, mean %.1f active a day\n",
			       k ? "" : "\n", vt[k].tool, (long long)vt[k].days, fy, fm, fd, ty, tm,
			       td, adoption_rate4(vt[k].mean_active));
		}
		adoption_vendor_release(vt, nvt);
		adoption_starter_list_release(&starters);
		adoption_champion_list_release(&champions);
	}
	adoption_report_release(&r);
	adoption_register_release(&reg);
	utab_release(&t);
	return 0;
}
