/*
 * graph.c - `aivalue graph impact|deps|path|cycles`: questions to the
 * artefact dependency graph (change/graph.h), answered from one load of
 * the graph per run.
 */
#include <stdio.h>
#include <string.h>

#include "change/artefact.h"
#include "change/query.h"
#include "core/cjson.h"
#include "cmd.h"
#include "options.h"

static void print_closure(const struct query_closure_result *r)
{
	size_t i, j;

	for (i = 0; i < r->nitems; i++) {
		const struct query_item *it = &r->items[i];
		printf("%-12s %-12s depth %-3d via %-13s ", it->id, it->type, it->depth, it->via);
		for (j = 0; j < it->path.n; j++)
			printf("%s%s", j ? " -> " : "", it->path.v[j]);
		putchar('\n');
	}
	printf("%s\n", r->explain);
}

static void print_path(const struct query_path_result *r)
{
	size_t i;

	for (i = 0; i < r->nsteps; i++) {
		if (i)
			printf(" -(%s)-> ", r->steps[i].via);
		printf("%s", r->steps[i].id);
	}
	if (r->nsteps)
		putchar('\n');
	printf("%s\n", r->explain);
}

static void print_cycles(const struct query_cycles_result *r)
{
	const char *names[2] = { "forbidden", "allowed" };
	const struct query_ids *groups[2] = { r->forbidden, r->allowed };
	size_t ngroups[2] = { r->nforbidden, r->nallowed }, i, j;
	int k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < ngroups[k]; i++) {
			printf("%s cycle:", names[k]);
			for (j = 0; j < groups[k][i].n; j++)
				printf(" %s", groups[k][i].v[j]);
			putchar('\n');
		}
	printf("%s\n", r->explain);
}

int cmd_graph(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue graph impact ID [--depth N] [--kind TYPE] [--json]",
		"aivalue graph deps ID [--depth N] [--kind TYPE] [--json]",
		"aivalue graph path A B [--json]",
		"aivalue graph cycles [--json]", NULL };
	long long depth = 0;
	const char *kind = NULL;
	const struct option opts[] = {
		{ OPT_INT, 0, "depth", &depth, "N", "impact/deps: at most N hops (default: all)" },
		{ OPT_STRING, 0, "kind", &kind, "TYPE",
		  "impact/deps: only report artefacts of this type (sop, policy, ...)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct graph *g = NULL;
	const char *sub;
	int n, ret = 0;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n < 1)
		goto usage;
	sub = argv[1];
	if (((!strcmp(sub, "impact") || !strcmp(sub, "deps")) && n != 2) ||
	    (!strcmp(sub, "path") && n != 3) || (!strcmp(sub, "cycles") && n != 1))
		goto usage;
	if (depth < 0 || depth > 1000000) {
		fprintf(stderr, "error: --depth must be 0 to 1000000\n");
		return 2;
	}
	if (graph_load(ctx->store, &g, &err))
		return cli_error(&err);
	if (!strcmp(sub, "impact") || !strcmp(sub, "deps")) {
		struct query_closure_result r;
		ret = query_closure(g, argv[2], !strcmp(sub, "deps"), (int)depth, kind, &r, &err);
		graph_free(g);
		if (ret)
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(query_closure_result_json(&r));
		else
			print_closure(&r);
		query_closure_result_release(&r);
	} else if (!strcmp(sub, "path")) {
		struct query_path_result r;
		ret = query_path(g, argv[2], argv[3], &r, &err);
		graph_free(g);
		if (ret)
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(query_path_result_json(&r));
		else
			print_path(&r);
		query_path_result_release(&r);
	} else if (!strcmp(sub, "cycles")) {
		struct query_cycles_result r;
		ret = query_cycles(g, &r, &err);
		graph_free(g);
		if (ret)
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(query_cycles_result_json(&r));
		else
			print_cycles(&r);
		query_cycles_result_release(&r);
	} else {
		graph_free(g);
		goto usage;
	}
	return 0;
usage:
	usage_with_options(usage, opts, 1);
	return 2;
}
