/*
 * baseline.c - `aivalue baseline create NAME | diff A B | list`: Merkle-
 * rooted snapshots of every artefact's version and fingerprint
 * (change/baseline.h).
 */
#include <stdio.h>
#include <string.h>

#include "change/baseline.h"
#include "core/cjson.h"
#include "cmd.h"
#include "options.h"

int cmd_baseline(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue baseline create NAME [--json]",
		"aivalue baseline diff A B [--json]     (B may be @now, the current state)",
		"aivalue baseline list [--json]", NULL };
	const struct option opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	json_t *res = NULL, *it;
	size_t i;
	int n, ret;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n == 2 && !strcmp(argv[1], "create"))
		ret = baseline_create(ctx->store, ctx->actor, argv[2], &res, &err);
	else if (n == 3 && !strcmp(argv[1], "diff"))
		ret = baseline_diff(ctx->store, argv[2], argv[3], &res, &err);
	else if (n == 1 && !strcmp(argv[1], "list"))
		ret = baseline_list(ctx->store, &res, &err);
	else {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (ret)
		return cli_error(&err);
	if (ctx->json) {
		cli_print_json(res);
		return 0;
	}
	if (!strcmp(argv[1], "create")) {
		printf("baseline %s: %lld artefacts, Merkle root %s (ledger #%lld)\n",
		       json_str(res, "name"), (long long)json_integer_value(json_object_get(res, "count")),
		       json_str(res, "root"),
		       (long long)json_integer_value(json_object_get(res, "ledger_seq")));
	} else if (!strcmp(argv[1], "list")) {
		json_array_foreach(res, i, it)
			printf("%-20s %s  %5lld artefacts  %s\n", json_str(it, "name"),
			       json_str(it, "created_at"),
			       (long long)json_integer_value(json_object_get(it, "count")),
			       json_str(it, "root"));
		if (!json_array_size(res))
			printf("no baselines yet ('aivalue baseline create NAME')\n");
	} else {
		json_array_foreach(json_object_get(res, "changed"), i, it)
			printf("changed  %-10s v%lld -> v%lld  %.12s... -> %.12s...\n", json_str(it, "id"),
			       (long long)json_integer_value(json_object_get(it, "from_version")),
			       (long long)json_integer_value(json_object_get(it, "to_version")),
			       json_str(it, "from_fingerprint"), json_str(it, "to_fingerprint"));
		json_array_foreach(json_object_get(res, "added"), i, it)
			printf("added    %s\n", json_string_value(it));
		json_array_foreach(json_object_get(res, "removed"), i, it)
			printf("removed  %s\n", json_string_value(it));
		json_array_foreach(json_object_get(res, "impacted"), i, it)
			printf("impacted %-10s via %s\n", json_str(it, "id"), json_str(it, "path"));
		printf("%s\n", json_str(res, "explain"));
	}
	json_decref(res);
	return 0;
}
