/*
 * cost.c - `aivalue cost`: what AI costs (seats, tokens, agents), by group
 * and month.  assess/cost.h computes the typed result; this file parses the
 * options and prints it (text, or --json like GET /api/v1/cost).
 */
#include <stdio.h>
#include <string.h>

#include "core/strbuf.h"

#include "assess/cost.h"
#include "cmd.h"
#include "names.h"
#include "options.h"
#include "table.h"

/* A group as a person reads it: a team's or an initiative's title, else as it is. */
static void group_words(struct strbuf *sb, struct store *st, const struct cost_result *r,
			const char *group)
{
	if (r->q.by == COST_BY_TEAM)
		cli_object_title(sb, st, "team", group);
	else if (r->q.by == COST_BY_INITIATIVE)
		cli_object_title(sb, st, "initiative", group);
	else
		strbuf_addstr(sb, group);
}

/* One group's rows: its total, then each kind of cost it has. */
static void add_row(struct table *t, struct store *st, const struct cost_result *r,
		    const struct cost_row *row, int total)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	int k;

	if (total)
		strbuf_addstr(&a, "all groups");
	else
		group_words(&a, st, r, row->group);
	table_add(t, a.buf);
	if (r->q.by_month)
		table_add(t, row->month);
	table_add(t, "total");
	table_add(t, "");
	strbuf_reset(&a);
	cost_row_total_text(&a, &b, r, row);
	table_add(t, a.buf);
	table_add(t, b.buf);
	for (k = 0; k < COST_KINDS; k++) {
		if (!row->cell[k].quantity)
			continue;
		strbuf_reset(&a);
		strbuf_reset(&b);
		strbuf_reset(&c);
		cost_cell_texts(&a, &b, &c, r, &row->cell[k], k);
		table_add(t, "");
		if (r->q.by_month)
			table_add(t, "");
		table_add(t, cost_kind_titles[k]);
		table_add(t, a.buf);
		table_add(t, b.buf);
		table_add(t, c.buf);
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
}

void cli_cost_print(struct store *st, const struct cost_result *r)
{
	static const char *const by_heads[COST_DIMS] = { "GROUP", "TOOL", "TEAM", "FUNCTION",
		"INITIATIVE", "MODEL", "VALUE MODEL", "AGENT" };
	const char *heads[7];
	struct strbuf sb = STRBUF_INIT;
	struct table t;
	size_t i, n = 0;

	cost_heading(&sb, r);
	printf("%s\n", sb.buf);
	if (r->q.from_day || r->q.to_day) {
		heads[n++] = by_heads[r->q.by];
		if (r->q.by_month)
			heads[n++] = "MONTH";
		heads[n++] = "WHAT";
		heads[n++] = "QUANTITY";
		heads[n++] = "COST";
		heads[n++] = "NOTE";
		heads[n] = NULL;
		printf("\n");
		table_init(&t, heads);
		table_right(&t, n - 3);
		table_right(&t, n - 2);
		for (i = 0; i < r->nrows; i++)
			add_row(&t, st, r, &r->rows[i], 0);
		if (r->q.by != COST_BY_NONE || r->q.by_month)
			add_row(&t, st, r, &r->total, 1);
		table_print(&t);
		table_release(&t);
	}
	if (r->ngaps)
		printf("\nmissing:\n");
	for (i = 0; i < r->ngaps; i++)
		printf("  - %s\n", r->gaps[i]);
	if (r->nreclaim)
		printf("\nseats held by people who left (reclaim candidates):\n");
	for (i = 0; i < r->nreclaim; i++) {
		strbuf_reset(&sb);
		cost_reclaim_text(&sb, &r->reclaim[i]);
		printf("  - %s\n", sb.buf);
	}
	strbuf_release(&sb);
}

int cmd_cost(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue cost [--by tool|team|function|initiative|model|value-model|agent]"
		" [--period month] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]", NULL };
	const char *by = NULL, *period = NULL, *from = NULL, *to = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "by", &by, "DIM", "tool, team, function, initiative, model, "
		  "value-model or agent" },
		{ OPT_STRING, 0, "period", &period, "month", "one row per group and month" },
		{ OPT_STRING, 0, "from", &from, "DATE", "first day (default: first day with data)" },
		{ OPT_STRING, 0, "to", &to, "DATE", "last day (default: last day with data)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct cost_query q;
	struct cost_result r;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (cost_query_parse(&q, by, period, from, to, &err)) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 2;
	}
	if (cost_compute(ctx->store, &q, &r, &err))
		return cli_error(&err);
	if (ctx->json)
		cli_print_json(cost_json(&r));
	else
		cli_cost_print(ctx->store, &r);
	cost_result_release(&r);
	return 0;
}
