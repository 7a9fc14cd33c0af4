/*
 * cost.c - `aivalue cost`: what AI costs (seats, tokens, agents), by group
 * and month.  assess/cost.h computes the typed result; this file parses the
 * options and prints it (text, or --json like GET /api/v1/cost).
 */
#include <stdio.h>
#include <string.h>

#include "assess/cost.h"
#include "cmd.h"
#include "metrics/adoption.h"
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
	int n, dim = 0;

	memset(&q, 0, sizeof(q));
	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (by && (dim = cost_dim_parse(by)) <= COST_BY_NONE) {
		fprintf(stderr, "error: --by must be tool, team, function, initiative, model, "
			"value-model or agent, not '%s'\n", by);
		return 2;
	}
	q.by = by ? (enum cost_dim)dim : COST_BY_NONE;
	if (period && strcmp(period, "month")) {
		fprintf(stderr, "error: --period must be month, not '%s'\n", period);
		return 2;
	}
	q.by_month = period != NULL;
	if (from && (q.from_day = adoption_parse_day(from)) == INT32_MIN) {
		fprintf(stderr, "error: --from must be a date YYYY-MM-DD, not '%s'\n", from);
		return 2;
	}
	if (to && (q.to_day = adoption_parse_day(to)) == INT32_MIN) {
		fprintf(stderr, "error: --to must be a date YYYY-MM-DD, not '%s'\n", to);
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
