/*
 * apply.c - `aivalue apply -f FILE|DIR|- ...`: declarative configuration.
 */
#include <stdio.h>
#include <string.h>

#include "apply/apply.h"
#include "cmd.h"
#include "options.h"

int cmd_apply(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue apply -f FILE.yaml [-f DIR ...] [--dry-run] [--json]", NULL };
	struct opt_list files = { 0 };
	int dry_run = 0;
	const struct option opts[] = {
		{ OPT_LIST, 'f', "filename", &files, "FILE",
		  "YAML file, directory of .yaml files, or - for stdin (repeatable; aliases "
		  "may add at most 10,000 nodes, see docs/security-limits.md)" },
		{ OPT_BOOL, 0, "dry-run", &dry_run, NULL,
		  "check everything and report what would change; change nothing" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	size_t i;
	int ret;

	if ((ret = parse_options(argc, argv, opts, usage)) < 0)
		return ret == -2 ? 0 : 2;
	if (ret > 0 || files.n == 0) {
		fprintf(stderr, "error: apply needs -f FILE\n");
		usage_with_options(usage, opts, 1);
		opt_list_release(&files);
		return 2;
	}
	ret = apply_sources(ctx->store, ctx->cat, ctx->actor, files.v, (size_t)files.n,
			    NULL, 0, dry_run, &res, &err);
	opt_list_release(&files);
	if (ret)
		return cli_error(&err);
	if (ctx->json) {
		json_t *items = json_array();
		for (i = 0; i < res.n; i++) {
			json_t *o = json_pack("{s:s, s:s, s:s}", "kind", res.items[i].kind,
					      "name", res.items[i].name, "op", res.items[i].op);
			if (res.items[i].seq)
				json_object_set_new(o, "ledger_seq", json_integer(res.items[i].seq));
			json_array_append_new(items, o);
		}
		cli_print_json(json_pack("{s:b, s:i, s:i, s:i, s:o}", "dry_run", dry_run,
					 "created", (int)res.created, "updated", (int)res.updated,
					 "unchanged", (int)res.unchanged, "items", items));
	} else {
		for (i = 0; i < res.n; i++)
			if (strcmp(res.items[i].op, "unchanged"))
				printf("%s/%s %s%s\n", res.items[i].kind, res.items[i].name,
				       res.items[i].op, dry_run ? " (dry run)" : "");
		printf("%s%zu created, %zu updated, %zu unchanged\n",
		       dry_run ? "dry run: " : "", res.created, res.updated, res.unchanged);
	}
	apply_result_release(&res);
	return 0;
}
