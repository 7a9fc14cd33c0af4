/*
 * adoption.c - `aivalue adoption [--by role|team|function] [--period
 * week|month] [--as-of DATE] [--json]`: value model 1 measured from the
 * imported usage (metrics/adoption.h computes; this file prints).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "core/cjson.h"
#include "ingest/usage_load.h"
#include "metrics/adoption.h"
#include "options.h"

static void pct(char *out, size_t n, double v)
{
	snprintf(out, n, "%.0f%%", 100.0 * v);
}

static void print_group_table(const struct adoption_report *r, int by)
{
	size_t i;
	int j;

	printf("\nby %s (active people per %s, oldest first)\n", adoption_dim_names[by],
	       r->period == PERIOD_WEEK ? "week" : "month");
	printf("  %-28s %6s %6s %6s %5s %5s %7s  ", adoption_dim_names[by], "people", "active",
	       "repeat", "power", "gini", "stalled");
	for (j = 0; j < r->nperiods; j++)
		printf(" %5s", r->period_label[j] + 5);
	printf("\n");
	for (i = 0; i < r->ngroups[by]; i++) {
		const struct adoption_stats *g = &r->groups[by][i];
		char a[16], b[16];
		if (g->suppressed) {
			printf("  %-28.28s %6d  (fewer than %d people: not shown)\n", g->name,
			       g->people, r->cfg.privacy_floor);
			continue;
		}
		pct(a, sizeof(a), g->repeat_rate);
		pct(b, sizeof(b), g->stalled_share);
		printf("  %-28.28s %6d %6d %6s %5d %5.2f %7s  ", g->name, g->people, g->active,
		       a, g->power_users, g->gini, b);
		for (j = 0; j < r->nperiods; j++)
			printf(" %5d", g->active_by_period[j]);
		printf("\n");
	}
}

static void print_report(const struct adoption_report *r, int by)
{
	const struct adoption_stats *o = &r->org;
	char as_of[16], a[16];
	size_t i;
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
		print_group_table(r, by);
	printf("\nshared workflows used in the window: %zu, reusable: %d\n", r->nworkflows,
	       r->reusable_workflows);
	for (i = 0; i < r->nworkflows && i < 15; i++) {
		const struct adoption_workflow *w = &r->workflows[i];
		printf("  %-30.30s %4d people %3d teams %2d functions  creator %s%s%s\n",
		       w->workflow, w->people, w->teams, w->functions,
		       *w->creator ? w->creator : "-", w->creator_champion ? " (champion)" : "",
		       w->reusable ? "  reusable" : "");
	}
	if (r->cross_functional_enablement >= 0)
		printf("cross-functional enablement: %.0f%% of functions use assets made elsewhere; "
		       "%.0f%% have repeat use of %.0f%% or more\n",
		       100.0 * r->cross_functional_enablement, 100.0 * r->functions_enabled_share,
		       100.0 * r->cfg.xf_min_repeat_rate);
	if (r->ncohorts) {
		printf("\nretention by first-use month (share of the members still employed "
		       "active in month +0, +1, ...)\n");
		for (i = 0; i < r->ncohorts; i++) {
			const struct adoption_cohort *co = &r->cohorts[i];
			printf("  %s %5d %s", co->month, co->size, co->size == 1 ? "person" : "people");
			if (co->suppressed) {
				printf(" (fewer than %d people)\n", r->cfg.privacy_floor);
				continue;
			}
			printf(", %d left:", co->left);
			for (j = 0; j < co->nret; j++) {
				if (isfinite(co->retention[j]))
					printf(" %3.0f%%", 100.0 * co->retention[j]);
				else
					printf(" no data");
			}
			printf("\n");
		}
	}
}

static void print_register(const struct adoption_starter_list *starters,
			   const struct adoption_champion_list *champions)
{
	size_t i;

	if (starters->n)
		printf("\nstarter workflows (users in the window)\n");
	for (i = 0; i < starters->n; i++) {
		const struct adoption_starter *s = &starters->v[i];
		printf("  %-28.28s %4d of %4d targeted people", s->name, s->targeted_users,
		       s->targeted_people);
		if (s->has_share)
			printf(" (%.0f%%)", 100.0 * s->targeted_share);
		printf(", %d others; owner %s\n", s->other_users, s->owner);
	}
	if (champions->n)
		printf("\nchampion reach (team repeat use, champion excluded)\n");
	for (i = 0; i < champions->n; i++) {
		const struct adoption_champion *c = &champions->v[i];
		printf("  %-24.24s %-26.26s ", c->champion, c->team);
		if (c->suppressed) {
			printf("(team under the privacy floor)\n");
		} else if (c->published != INT32_MIN) {
			int y, m, d;
			adoption_civil(c->published, &y, &m, &d);
			printf("%3.0f%% before %04d-%02d-%02d -> %3.0f%% now\n",
			       100.0 * c->repeat_rate_before, y, m, d, 100.0 * c->repeat_rate_now);
		} else {
			printf("%3.0f%% now (no published starter workflow)\n",
			       100.0 * c->repeat_rate_now);
		}
	}
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
		print_report(&r, by);
		print_register(&starters, &champions);
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
