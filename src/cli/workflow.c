/*
 * workflow.c - `aivalue workflow`: measured readiness of agent workflows
 * and the tool calls agents report about themselves.
 *
 *   aivalue workflow readiness NAME [--json]   the six foundation figures
 *   aivalue workflow import-spans FILE [--strict]  OTLP/JSON GenAI execute_tool spans
 *   aivalue workflow shadow [NAME] [--json]    tool calls with no decision
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control/control.h"
#include "core/cjson.h"
#include "options.h"

static void print_figure(const char *name, const struct control_figure *f)
{
	double share;

	if (control_figure_share(f, &share))
		printf("%-20s %5.0f%%  %lld/%lld\n", name, share * 100, (long long)f->numerator,
		       (long long)f->denominator);
	else
		printf("%-20s     -  no data\n", name);
}

int cmd_workflow(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue workflow readiness NAME [--json]",
		"aivalue workflow import-spans FILE [--strict]",
		"aivalue workflow shadow [NAME] [--json]", NULL };
	int strict = 0;
	const struct option opts[] = {
		{ OPT_BOOL, 0, "strict", &strict, NULL,
		  "import-spans: a skipped span is an error, nothing is imported" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n == 2 && !strcmp(argv[1], "readiness")) {
		struct control_readiness r;
		size_t i;
		if (control_readiness(ctx->store, argv[2], &r, &err))
			return cli_error(&err);
		if (ctx->json) {
			cli_print_json(control_readiness_json(&r));
			control_readiness_release(&r);
			return 0;
		}
		printf("workflow %s\n", argv[2]);
		print_figure("identity", &r.fig[CONTROL_FIG_IDENTITY]);
		print_figure("entitlements", &r.fig[CONTROL_FIG_ENTITLEMENTS]);
		print_figure("integration", &r.fig[CONTROL_FIG_INTEGRATION]);
		print_figure("logging", &r.fig[CONTROL_FIG_LOGGING]);
		print_figure("exception handling", &r.fig[CONTROL_FIG_EXCEPTION_HANDLING]);
		print_figure("ownership", &r.fig[CONTROL_FIG_OWNERSHIP]);
		for (i = 0; i < r.nwide_open; i++)
			printf("  wide-open permit: %s\n", r.wide_open[i]);
		control_readiness_release(&r);
		return 0;
	}
	if (n == 2 && !strcmp(argv[1], "import-spans")) {
		struct tally t;
		int64_t imported;
		FILE *f = strcmp(argv[2], "-") ? fopen(argv[2], "rb") : stdin;
		int ret;
		if (!f)
			return cli_errorf("cannot open '%s': %s", argv[2], strerror(errno));
		tally_init(&t, "spans");
		t.strict = strict;
		ret = control_import_spans(ctx->store, ctx->actor, f, f == stdin ? "(stdin)" : argv[2],
					   &t, &imported, &err);
		if (f != stdin)
			fclose(f);
		if (ret) {
			tally_release(&t);
			return cli_error(&err);
		}
		if (ctx->json) {
			cli_print_json(json_pack("{s:I, s:I, s:o}", "imported", (json_int_t)imported,
						 "skipped", (json_int_t)tally_skipped(&t),
						 "tally", tally_json(&t)));
		} else {
			printf("%lld tool calls imported, %lld spans skipped\n", (long long)imported,
			       (long long)tally_skipped(&t));
			tally_print(&t, stdout, 2);
		}
		tally_release(&t);
		return 0;
	}
	if ((n == 1 || n == 2) && !strcmp(argv[1], "shadow")) {
		struct control_tool_calls calls;
		size_t i;
		if (control_shadow_actions(ctx->store, n == 2 ? argv[2] : NULL, &calls, &err))
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(control_tool_calls_json(&calls));
		else
			for (i = 0; i < calls.n; i++)
				printf("%s %-16s %s (no decision)\n", calls.v[i].time, calls.v[i].agent,
				       calls.v[i].tool);
		control_tool_calls_release(&calls);
		return 0;
	}
	usage_with_options(usage, opts, 1);
	return 2;
}
