/*
 * cost.c - `aivalue cost`: what AI costs (seats, tokens, agents), by group
 * and month.  assess/cost.h computes the typed result; this file parses the
 * options and prints it (text, or --json like GET /api/v1/cost).
 */
#include <stdio.h>
#include <string.h>

#include "assess/cost.h"
#include "cmd.h"
#include "options.h"

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
		cost_print(&r, stdout);
	cost_result_release(&r);
	return 0;
}
