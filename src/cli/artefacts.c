/*
 * artefacts.c - `aivalue artefacts sync DIR` and `aivalue artefacts
 * import-doorstop DIR`: register artefacts from a git-friendly folder of
 * files with front matter, or from a Doorstop tree (change/sync.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change/sync.h"
#include "core/cjson.h"
#include "core/tally.h"
#include "cmd.h"
#include "core/progress.h"
#include "options.h"

static void print_ids(const char *what, json_t *arr)
{
	json_t *x;
	size_t i;

	if (!json_array_size(arr))
		return;
	printf("%s:", what);
	json_array_foreach(arr, i, x)
		printf(" %s", json_string_value(x));
	putchar('\n');
}

/* The import's accounting, as the library returned it in its result. */
static void print_tally(const json_t *j)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct tally t;

	if (!j)
		return;
	tally_init(&t, NULL);
	if (!tally_from_json(&t, j, &err)) {
		const char *unit = json_string_value(json_object_get(j, "unit"));
		if (unit)
			t.unit = unit; /* borrowed from j, which outlives the print */
		tally_print(&t, stdout, 0);
	}
	tally_release(&t);
}

int cmd_artefacts(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue artefacts sync DIR [--as PERSON] [--reason R] [--risk LEVEL] [--dry-run]",
		"aivalue artefacts import-doorstop DIR --owner OWNER [--type TYPE] [--strict] [--dry-run]",
		NULL };
	const char *as = NULL, *reason = NULL, *risk = NULL, *owner = NULL;
	const char *type = "requirement", *rules_path = NULL;
	int dry_run = 0, strict = 0;
	const struct option opts[] = {
		{ OPT_STRING, 0, "as", &as, "PERSON", "sync: who proposes changed files as change requests" },
		{ OPT_STRING, 0, "reason", &reason, "TEXT", "sync: the reason for those change requests" },
		{ OPT_STRING, 0, "risk", &risk, "low|medium|high", "sync: their risk (low, medium, high)" },
		{ OPT_STRING, 0, "owner", &owner, "NAME", "import-doorstop: person or team owning the items" },
		{ OPT_STRING, 0, "type", &type, "TYPE", "import-doorstop: artefact type (default requirement)" },
		{ OPT_BOOL, 0, "strict", &strict, NULL, "import-doorstop: a skipped item (inactive, heading) is an error" },
		{ OPT_BOOL, 0, "dry-run", &dry_run, NULL, "check everything, change nothing" },
		{ OPT_STRING, 0, "rules", &rules_path, "FILE", "change rules (default built in)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_env env;
	json_t *res = NULL, *it;
	size_t i;
	int n, ret;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 2 || (strcmp(argv[1], "sync") && strcmp(argv[1], "import-doorstop"))) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (!rules_path)
		rules_path = getenv("AIVALUE_CHANGE_RULES");
	if (change_rules_load(&rules, rules_path && *rules_path ? rules_path : NULL, ctx->cat,
			      &err))
		return cli_error(&err);
	env.s = ctx->store;
	env.cat = ctx->cat;
	env.rules = rules;
	env.actor = ctx->actor;
	if (!strcmp(argv[1], "sync")) {
		struct sync_args a = { .dir = argv[2], .as = as, .reason = reason, .risk = risk,
				       .dry_run = dry_run };
		struct progress prog;
		char title[300];
		snprintf(title, sizeof(title), "syncing %s", argv[2]);
		progress_start(&prog, title, "files", 0);
		a.progress = progress_cb;
		a.progress_arg = &prog;
		ret = sync_dir(&env, &a, &res, &err);
		progress_stop(&prog);
	} else {
		struct doorstop_args da = { argv[2], owner, type, dry_run, strict };
		ret = sync_doorstop_tree(&env, &da, &res, &err);
	}
	change_rules_free(rules);
	if (ret)
		return cli_error(&err);
	if (ctx->json) {
		cli_print_json(res);
		return 0;
	}
	print_ids(dry_run ? "would register" : "registered", json_object_get(res, "registered"));
	print_ids(dry_run ? "would update" : "updated", json_object_get(res, "updated"));
	json_array_foreach(json_object_get(res, "proposed"), i, it)
		printf("proposed %s: %s changed (%s, %lld impacted)\n", json_str(it, "cr"),
		       json_str(it, "artefact"), json_str(it, "status") ? json_str(it, "status") : "",
		       (long long)json_integer_value(json_object_get(it, "impact")));
	json_array_foreach(json_object_get(res, "already_proposed"), i, it)
		printf("%s: already proposed as %s\n", json_str(it, "artefact"), json_str(it, "cr"));
	printf("%s%zu registered, %zu updated, %lld unchanged, %zu proposed\n",
	       dry_run ? "dry run: " : "", json_array_size(json_object_get(res, "registered")),
	       json_array_size(json_object_get(res, "updated")),
	       (long long)json_integer_value(json_object_get(res, "unchanged")),
	       json_array_size(json_object_get(res, "proposed")));
	print_tally(json_object_get(res, "tally"));
	json_decref(res);
	return 0;
}
