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

static void print_figure(const char *name, const json_t *f)
{
	const json_t *share = json_object_get(f, "share");

	if (json_is_real(share))
		printf("%-20s %5.0f%%  %lld/%lld\n", name, json_real_value(share) * 100,
		       (long long)json_integer_value(json_object_get(f, "numerator")),
		       (long long)json_integer_value(json_object_get(f, "denominator")));
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
	json_t *out = NULL;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n == 2 && !strcmp(argv[1], "readiness")) {
		const json_t *f, *e;
		size_t i;
		if (control_readiness(ctx->store, argv[2], &out, &err))
			return cli_error(&err);
		if (ctx->json) {
			cli_print_json(out);
			return 0;
		}
		f = json_object_get(out, "figures");
		printf("workflow %s\n", argv[2]);
		print_figure("identity", json_object_get(f, "identity"));
		print_figure("entitlements", json_object_get(f, "entitlements"));
		print_figure("integration", json_object_get(f, "integration"));
		print_figure("logging", json_object_get(f, "logging"));
		print_figure("exception handling", json_object_get(f, "exception_handling"));
		print_figure("ownership", json_object_get(f, "ownership"));
		e = json_object_get(json_object_get(f, "entitlements"), "wide_open");
		for (i = 0; i < json_array_size(e); i++)
			printf("  wide-open permit: %s\n", json_string_value(json_array_get(e, i)));
		json_decref(out);
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
		size_t i;
		if (control_shadow_actions(ctx->store, n == 2 ? argv[2] : NULL, &out, &err))
			return cli_error(&err);
		if (ctx->json) {
			cli_print_json(out);
			return 0;
		}
		for (i = 0; i < json_array_size(out); i++) {
			json_t *r = json_array_get(out, i);
			printf("%s %-16s %s (no decision)\n", json_str(r, "time"), json_str(r, "agent"),
			       json_str(r, "tool"));
		}
		json_decref(out);
		return 0;
	}
	usage_with_options(usage, opts, 1);
	return 2;
}
