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

static void print_closure(json_t *r)
{
	json_t *items = json_object_get(r, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		json_t *p = json_object_get(it, "path"), *x;
		size_t j;
		printf("%-12s %-12s depth %-3d via %-13s ", json_str(it, "id"),
		       json_str(it, "type"), (int)json_integer_value(json_object_get(it, "depth")),
		       json_str(it, "via"));
		json_array_foreach(p, j, x)
			printf("%s%s", j ? " -> " : "", json_string_value(x));
		putchar('\n');
	}
	printf("%s\n", json_str(r, "explain"));
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
	json_t *r = NULL;
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
	if (!strcmp(sub, "impact") || !strcmp(sub, "deps"))
		ret = query_closure(g, argv[2], !strcmp(sub, "deps"), (int)depth, kind, &r, &err);
	else if (!strcmp(sub, "path"))
		ret = query_path(g, argv[2], argv[3], &r, &err);
	else if (!strcmp(sub, "cycles"))
		ret = query_cycles(g, &r, &err);
	else {
		graph_free(g);
		goto usage;
	}
	graph_free(g);
	if (ret)
		return cli_error(&err);
	if (ctx->json) {
		cli_print_json(r);
		return 0;
	}
	if (!strcmp(sub, "path")) {
		json_t *p = json_object_get(r, "path"), *x;
		size_t i;
		json_array_foreach(p, i, x) {
			if (i)
				printf(" -(%s)-> ", json_str(x, "via"));
			printf("%s", json_str(x, "id"));
		}
		if (json_array_size(p))
			putchar('\n');
		printf("%s\n", json_str(r, "explain"));
	} else if (!strcmp(sub, "cycles")) {
		const char *keys[2] = { "forbidden", "allowed" };
		int k;
		for (k = 0; k < 2; k++) {
			json_t *arr = json_object_get(r, keys[k]), *c, *x;
			size_t i, j;
			json_array_foreach(arr, i, c) {
				printf("%s cycle:", keys[k]);
				json_array_foreach(c, j, x)
					printf(" %s", json_string_value(x));
				putchar('\n');
			}
		}
		printf("%s\n", json_str(r, "explain"));
	} else {
		print_closure(r);
	}
	json_decref(r);
	return 0;
usage:
	usage_with_options(usage, opts, 1);
	return 2;
}
