/*
 * findings.c - `aivalue findings [--json]`: every failure-mode detector's
 * findings with severity, figures and the catalog's leadership move, and
 * the failure modes not assessed for lack of evidence.
 */
#include <stdio.h>
#include <stdlib.h>

#include "assess/playbook.h"
#include "cmd.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "options.h"

int cmd_findings(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue findings [--as-of DATE] [--json]", NULL };
	const char *as_of = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "as-of", &as_of, "DATE", "findings as of DATE, from data up to that day" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { ctx->store, ctx->cat, time_now_us(), 0 };
	struct phase_verdict pv;
	struct finding_list fl;
	size_t i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (as_of && cli_parse_as_of(as_of, &env.now))
		return 2;
	env.as_of = as_of != NULL;
	if (phase_compute(&env, &pv, &err))
		return cli_error(&err);
	if (findings_compute(&env, &pv, &fl, &err)) {
		phase_verdict_release(&pv);
		return cli_error(&err);
	}
	if (ctx->json) {
		cli_print_json(finding_list_json(&fl));
	} else {
		printf("%zu finding%s\n", fl.n, fl.n == 1 ? "" : "s");
		for (i = 0; i < fl.n; i++) {
			const struct finding *f = &fl.f[i];
			char *fig = json_dumps(f->figures, JSON_COMPACT | JSON_SORT_KEYS);
			printf("\n[%s] %s: %s\n  %s\n  figures: %s\n", f->severity, f->name, f->subject,
			       f->summary, fig ? fig : "{}");
			if (f->move)
				printf("  move: %s. %s\n", f->move->name, f->move->text);
			free(fig);
		}
		if (fl.ngaps)
			printf("\nNot assessed (lacks evidence):\n");
		for (i = 0; i < fl.ngaps; i++)
			printf("  %s: %s\n", fl.gaps[i].name, fl.gaps[i].lacks);
	}
	finding_list_release(&fl);
	phase_verdict_release(&pv);
	return 0;
}
