/*
 * value.c - `aivalue value`: what proven effects are worth, set against
 * what AI costs, per initiative (ROI, payback, with intervals).
 * assess/value.h computes the typed report; this file parses the options
 * and prints it (text, or --json like GET /api/v1/value).
 *
 * Value is measured per initiative (a hypothesis belongs to one), so
 * --by tool|team shows the value per initiative and the spend split that
 * way beside it (assess/cost.h), saying so, rather than inventing a split
 * of value the data does not give.  --by model adds the ROI per model:
 * each initiative's value in the share of its cost a model accounts for
 * (value.h, value_add_models); the JSON always carries it as "models".
 */
#include <stdio.h>
#include <string.h>

#include "assess/serve.h"
#include "assess/value.h"
#include "cmd.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "options.h"
#include "table.h"

/* Spend and realised value by month, one table (money right-aligned; "no data" where none). */
static void print_months(const struct value_report *r)
{
	static const char *const heads[] = { "MONTH", "AI SPEND", "PROVEN VALUE REALISED", NULL };
	struct strbuf sb = STRBUF_INIT;
	struct table t;
	size_t i = 0, j = 0;

	printf("\n");
	table_init(&t, heads);
	table_keep(&t, 0);
	table_right(&t, 1);
	table_right(&t, 2);
	while (i < r->nspend || j < r->nmonths) {
		int s = i < r->nspend && (j >= r->nmonths ||
					  strcmp(r->spend[i].month, r->months[j].month) <= 0);
		int v = j < r->nmonths && (i >= r->nspend ||
					   strcmp(r->months[j].month, r->spend[i].month) <= 0);
		table_add(&t, s ? r->spend[i].month : r->months[j].month);
		strbuf_reset(&sb);
		if (s && r->currency)
			money_format(&sb, r->spend[i].minor, r->currency);
		else
			strbuf_addstr(&sb, "no data");
		table_add(&t, sb.buf);
		strbuf_reset(&sb);
		if (v && r->currency)
			money_format(&sb, r->months[j].minor, r->currency);
		else
			strbuf_addstr(&sb, "no data");
		table_add(&t, sb.buf);
		i += s;
		j += v;
	}
	table_print(&t);
	table_release(&t);
	if (r->spend_unpriced)
		printf("some spend has no price in force: the spend column understates it "
		       "(see aivalue cost)\n");
	strbuf_release(&sb);
}

int cmd_value(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue value [--by initiative|model|tool|team] [--period month] [--at YYYY-MM-DD]"
		" [--json]",
		"aivalue value --serve LOG [--cohort ATTR] [--treatment VALUE] [--json]", NULL };
	const char *by = NULL, *period = NULL, *at = NULL, *serve = NULL, *cohort = NULL,
		   *treatment = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "by", &by, "DIM", "initiative (default); model adds the ROI per "
		  "model; model, tool or team print the spend split that way beside it" },
		{ OPT_STRING, 0, "period", &period, "month", "spend and realised value by month" },
		{ OPT_STRING, 0, "at", &at, "DATE", "unit values in force on this date (default: today)" },
		{ OPT_STRING, 0, "serve", &serve, "LOG", "cost to serve a case of an imported event log" },
		{ OPT_STRING, 0, "cohort", &cohort, "ATTR", "with --serve: the case attribute that "
		  "marks AI-assisted cases (default ai_assisted)" },
		{ OPT_STRING, 0, "treatment", &treatment, "VALUE", "with --serve: its value on "
		  "AI-assisted cases (default true)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct value_report r;
	struct cost_result split;
	struct cost_query sq;
	int64_t now = time_now_us(), at_us = now;
	int n, dim = COST_BY_INITIATIVE;

	memset(&split, 0, sizeof(split));
	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (by && strcmp(by, "initiative") && strcmp(by, "model") && strcmp(by, "tool") &&
	    strcmp(by, "team")) {
		fprintf(stderr, "error: --by must be initiative, model, tool or team, not '%s'\n", by);
		return 2;
	}
	if (by)
		dim = cost_dim_parse(by);
	if (period && strcmp(period, "month")) {
		fprintf(stderr, "error: --period must be month, not '%s'\n", period);
		return 2;
	}
	if (at && (strlen(at) != 10 || time_parse_iso(at, &at_us))) {
		fprintf(stderr, "error: --at must be a date YYYY-MM-DD, not '%s'\n", at);
		return 2;
	}
	if (serve) {
		struct serve_result sr;
		if (serve_compute(ctx->store, serve, cohort, treatment, &sr, &err))
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(serve_json(&sr));
		else
			serve_print(&sr, stdout);
		serve_result_release(&sr);
		return 0;
	}
	memset(&sq, 0, sizeof(sq));
	sq.by = (enum cost_dim)dim;
	/* the split by another grouping shares value's one read of the usage */
	if (value_compute_split(ctx->store, ctx->cat, now, at_us,
				dim != COST_BY_INITIATIVE ? &sq : NULL, &split, &r, &err)) {
		cost_result_release(&split);
		return cli_error(&err);
	}
	if (ctx->json) {
		json_t *j = value_json(&r);
		if (!period)
			json_object_del(j, "by_month");
		if (dim != COST_BY_INITIATIVE) {
			json_object_set_new(j, "spend_by", json_string(by));
			json_object_set_new(j, "spend", cost_json(&split));
			json_object_set_new(j, "spend_note", json_string(
				"value is measured per initiative; the spend is split by the dimension asked"));
		}
		cli_print_json(j);
	} else {
		value_print(&r, stdout);
		if (period)
			print_months(&r);
		if (dim == COST_BY_MODEL)
			value_print_models(&r, stdout);
		if (dim != COST_BY_INITIATIVE) {
			printf("\nvalue is measured per initiative; the spend by %s:\n", by);
			cli_cost_print(ctx->store, &split);
		}
	}
	value_report_release(&r);
	cost_result_release(&split);
	return 0;
}
