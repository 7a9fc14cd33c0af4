/*
 * findings.c - `aivalue findings [--json]`: the failure modes the
 * detectors see in the workspace now, computed on demand (persisting
 * findings is the playbook engine's job).  Detectors so far: two-tier
 * workforce (model 1), shadow AI (allowed-tools register), volume over
 * credibility (model 2).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "core/cjson.h"
#include "metrics/adoption.h"
#include "metrics/journeys.h"
#include "options.h"

/* Run every detector; a new JSON array of findings. */
static int collect(struct aiv_ctx *ctx, const char *config, int32_t as_of, json_t **out,
		   struct aiv_err *err)
{
	struct adoption_register reg = { NULL, NULL };
	struct adoption_report r;
	struct usage_table t;
	json_t *arr = json_array(), *f;

	if (adoption_run(ctx->store, config, PERIOD_MONTH, as_of, &r, &t, err) ||
	    adoption_register_load(ctx->store, &reg, err)) {
		utab_release(&t);
		adoption_register_release(&reg);
		json_decref(arr);
		return err->code;
	}
	if ((f = adoption_two_tier(&r, ctx->cat)))
		json_array_append_new(arr, f);
	if ((f = adoption_shadow_ai(&t, &r, &reg)))
		json_array_append_new(arr, f);
	{
		json_t *rep = NULL;
		f = NULL;
		if (journeys_report(ctx->store, &r.cfg, ctx->cat, &rep, &f, err)) {
			adoption_report_release(&r);
			adoption_register_release(&reg);
			utab_release(&t);
			json_decref(arr);
			return err->code;
		}
		json_decref(rep);
		if (f)
			json_array_append_new(arr, f);
	}
	adoption_report_release(&r);
	adoption_register_release(&reg);
	utab_release(&t);
	*out = arr;
	return 0;
}

int cmd_findings(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue findings [--as-of DATE] [--config FILE] [--json]", NULL };
	const char *as_of_s = NULL, *config = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "as-of", &as_of_s, "DATE", "reporting day (default: last day with data)" },
		{ OPT_STRING, 0, "config", &config, "FILE", "adoption thresholds file" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	json_t *all, *f;
	int32_t as_of = 0;
	size_t i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (as_of_s && (as_of = adoption_parse_day(as_of_s)) == INT32_MIN) {
		fprintf(stderr, "error: --as-of must be a date YYYY-MM-DD, not '%s'\n", as_of_s);
		return 2;
	}
	if (collect(ctx, config, as_of, &all, &err))
		return cli_error(&err);
	if (ctx->json) {
		cli_print_json(all);
		return 0;
	}
	if (!json_array_size(all))
		printf("no findings: no detector's threshold is crossed\n");
	json_array_foreach(all, i, f) {
		json_t *move = json_object_get(f, "move");
		printf("[%s] %s\n", json_str(f, "model"), json_str(f, "summary"));
		if (json_is_object(move))
			printf("  move: %s — %s\n", json_str(move, "name"), json_str(move, "text"));
	}
	json_decref(all);
	return 0;
}
