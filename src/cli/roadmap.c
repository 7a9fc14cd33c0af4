/*
 * roadmap.c - `aivalue roadmap [--industry ID] [--json]`: next steps in
 * priority order (gap x impact x dependency) and the Phase 2 trio.
 */
#include <stdio.h>

#include "assess/playbook.h"
#include "cmd.h"
#include "core/timeutil.h"
#include "options.h"
#include "table.h"

/* The steps as one table (the owner by name), then why each step is there. */
static void print_steps(const struct roadmap *rm)
{
	static const char *const heads[] = { "RANK", "WHEN", "DUE", "PRIORITY", "OWNER",
					     "ACTION", NULL };
	struct table t;
	size_t i;

	table_init(&t, heads);
	table_right(&t, 0);
	table_keep(&t, 1);
	table_keep(&t, 2);
	table_right(&t, 3);
	for (i = 0; i < rm->n; i++) {
		const struct roadmap_step *s = &rm->steps[i];
		table_addf(&t, "%zu", i + 1);
		table_add(&t, s->horizon);
		table_add(&t, s->due);
		table_addf(&t, "%.3f", s->priority);
		table_add(&t, s->owner ? roadmap_step_owner(s) : "none yet, name one");
		table_add(&t, s->action);
	}
	table_print(&t);
	table_release(&t);
	if (rm->n)
		printf("\nwhy each step:\n");
	for (i = 0; i < rm->n; i++)
		printf("%4zu  %s step: %s\n", i + 1, rm->steps[i].kind, rm->steps[i].why);
}

/* The Phase 2 trio: one initiative per slot, by its title. */
static void print_trio(const struct roadmap *rm)
{
	static const char *const heads[] = { "SLOT", "INITIATIVE", "WHY", NULL };
	struct table t;
	size_t i;

	printf("\nPhase 2 trio:\n");
	table_init(&t, heads);
	table_keep(&t, 0);
	for (i = 0; i < 3; i++) {
		table_add(&t, rm->trio[i].slot);
		table_add(&t, rm->trio[i].initiative ? trio_pick_name(&rm->trio[i]) : "none yet");
		table_add(&t, rm->trio[i].reason);
	}
	table_print(&t);
	table_release(&t);
}

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
	print_steps(&ps.rm);
	if (ps.rm.industry) {
		printf("\n%s path:\n", ps.rm.industry->name);
		for (i = 0; i < ps.rm.industry->nsteps; i++)
			printf(" %s %zu. %s: %s\n", (int)i == ps.rm.industry_step ? ">" : " ", i + 1,
			       ps.rm.industry->steps[i].model, ps.rm.industry->steps[i].focus);
	}
	print_trio(&ps.rm);
out:
	playbook_release(&ps);
	return ret;
}
