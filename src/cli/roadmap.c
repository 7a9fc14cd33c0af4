/*
 * roadmap.c - `aivalue roadmap [--industry ID] [--json]`: next steps in
 * priority order (gap x impact x dependency) and the Phase 2 trio.
 */
#include <stdio.h>

#include "assess/playbook.h"
#include "cmd.h"
#include "core/timeutil.h"
#include "options.h"

int cmd_roadmap(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue roadmap [--industry retail|insurance|manufacturing|generic] [--json]", NULL };
	const char *industry = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "industry", &industry, "ID", "weight the catalog's industry path" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct playbook_state ps;
	size_t i;
	int n, ret = 0;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (playbook_compute(ctx->store, ctx->cat, cli_questionnaire_path(), industry,
			     time_now_us(), &ps, &err)) {
		ret = cli_error(&err);
		goto out;
	}
	if (ctx->json) {
		cli_print_json(roadmap_json(&ps.rm));
		goto out;
	}
	printf("Roadmap (phase %d earned%s%s)\n\n", ps.pv.earned,
	       ps.rm.industry ? ", industry path " : "", ps.rm.industry ? ps.rm.industry->name : "");
	printf("%-4s %-6s %-10s %-8s %s\n", "RANK", "WHEN", "DUE", "PRIORITY", "ACTION");
	for (i = 0; i < ps.rm.n; i++) {
		const struct roadmap_step *s = &ps.rm.steps[i];
		printf("%-4zu %-6s %-10s %-8.3f %s\n", i + 1, s->horizon, s->due, s->priority,
		       s->action);
		printf("%29sowner: %s; %s step: %s\n", "", s->owner ? roadmap_step_owner(s) : "none yet, name one",
		       s->kind, s->why);
	}
	if (ps.rm.industry) {
		printf("\n%s path:\n", ps.rm.industry->name);
		for (i = 0; i < ps.rm.industry->nsteps; i++)
			printf(" %s %zu. %s: %s\n", (int)i == ps.rm.industry_step ? ">" : " ", i + 1,
			       ps.rm.industry->steps[i].model, ps.rm.industry->steps[i].focus);
	}
	printf("\nPhase 2 trio:\n");
	for (i = 0; i < 3; i++)
		printf("  %-18s %s: %s\n", ps.rm.trio[i].slot,
		       ps.rm.trio[i].initiative ? ps.rm.trio[i].initiative : "(none)",
		       ps.rm.trio[i].reason);
out:
	playbook_release(&ps);
	return ret;
}
