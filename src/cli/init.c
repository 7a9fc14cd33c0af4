/*
 * init.c - `aivalue init`: create a workspace (a database with the
 * current schema and a first ledger entry).
 */
#include <stdio.h>
#include <sys/stat.h>

#include "cmd.h"
#include "ledger/ledger.h"
#include "options.h"

int cmd_init(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue [--db PATH] init", NULL };
	static const struct option opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	struct stat st;
	int64_t n = 0; /* newest ledger entry: 0 in a new workspace */
	char head[SHA256_HEX];
	int existed, ret;

	if ((ret = parse_options(argc, argv, opts, usage)) < 0)
		return ret == -2 ? 0 : 2;
	if (ret > 0) {
		fprintf(stderr, "error: init takes no arguments (use --db PATH)\n");
		return 2;
	}
	existed = stat(ctx->db_path, &st) == 0;
	if (store_open(&ctx->store, ctx->db_path, STORE_CREATE, &err))
		return cli_error(&err);
	if (ledger_head(ctx->store, &n, head, &err))
		return cli_error(&err);
	if (store_is_pg_uri(ctx->db_path))
		existed = n > 0; /* a database, not a file: made by init if it was empty */
	if (n == 0) {
		json_t *payload = json_pack("{s:s, s:i}", "aivalue", AIV_VERSION,
					    "schema", store_schema_version(ctx->store));
		if ((ret = store_begin(ctx->store, &err)) ||
		    (ret = ledger_append(ctx->store, ctx->actor, "workspace.init",
					 "Workspace", payload, NULL, &err)) ||
		    (ret = store_commit(ctx->store, &err))) {
			store_rollback(ctx->store);
			json_decref(payload);
			return cli_error(&err);
		}
		json_decref(payload);
	}
	if (ctx->json) {
		cli_print_json(json_pack("{s:s, s:b, s:i}", "db", ctx->db_path,
					 "created", !existed,
					 "schema", store_schema_version(ctx->store)));
		return 0;
	}
	if (existed && n > 0)
		printf("workspace '%s' already initialised (schema %d)\n", ctx->db_path,
		       store_schema_version(ctx->store));
	else
		printf("initialised workspace '%s' (schema %d)\n", ctx->db_path,
		       store_schema_version(ctx->store));
	return 0;
}
