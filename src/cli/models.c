/*
 * models.c - `aivalue models [ID] [--json]`: the five value models as the
 * catalog states them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "options.h"

static void print_model(const struct catalog *c, const struct cat_model *m, int full)
{
	size_t i, j;

	printf("%d. %s (%s) — %s\n", m->number, m->name, m->id, m->short_name);
	if (!full)
		return;
	printf("   %s\n", m->summary);
	printf("   metrics:\n");
	for (i = 0; i < m->nmetrics; i++) {
		const struct cat_metric *mt = &c->metrics[m->first_metric + i];
		printf("     - %-30s %s (%s, %s is better)\n", mt->id, mt->name, mt->unit,
		       !strcmp(mt->direction, "up") ? "higher" : "lower");
	}
	printf("   failure modes:\n");
	for (i = 0; i < m->nfailures; i++) {
		const struct cat_failure *f = &m->failures[i];
		printf("     - %s: %s\n       signal: %s\n", f->name, f->description, f->signal);
		for (j = 0; j < m->nmoves; j++)
			if (!strcmp(m->moves[j].id, f->move))
				printf("       move: %s\n", m->moves[j].name);
	}
	printf("   leadership moves:\n");
	for (i = 0; i < m->nmoves; i++)
		printf("     - %s: %s\n", m->moves[i].name, m->moves[i].text);
	printf("\n");
}

int cmd_models(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue models [MODEL-ID] [--brief] [--json]",
					     NULL };
	int brief = 0;
	const struct option opts[] = {
		{ OPT_BOOL, 0, "brief", &brief, NULL, "one line per model" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	const struct catalog *c = ctx->cat;
	const struct cat_model *m = NULL;
	size_t i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 1) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (n == 1) {
		m = catalog_model(c, argv[1]);
		for (i = 0; !m && i < c->nmodels; i++)
			if (atoi(argv[1]) == c->models[i].number)
				m = &c->models[i];
		if (!m)
			return cli_errorf("no value model '%s' (ids: workforce, distribution, "
					  "expert, systems, process, or 1-5)", argv[1]);
	}
	if (ctx->json) {
		if (m) {
			cli_print_json(catalog_model_json(c, m));
		} else {
			json_t *all = catalog_to_json(c);
			cli_print_json(json_incref(json_object_get(all, "models")));
			json_decref(all);
		}
		return 0;
	}
	if (m) {
		print_model(c, m, 1);
		return 0;
	}
	for (i = 0; i < c->nmodels; i++)
		print_model(c, &c->models[i], !brief);
	if (!brief) {
		printf("Phases:\n");
		for (i = 0; i < c->nphases; i++)
			printf("  %d. %s — %s\n", c->phases[i].number, c->phases[i].name,
			       c->phases[i].summary);
	}
	return 0;
}
