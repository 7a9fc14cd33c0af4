/*
 * token.c - `aivalue token create|list|revoke`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core/cjson.h"
#include "http/tokens.h"
#include "options.h"

int cmd_token(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue token create --name NAME --role ROLE",
		"aivalue token list [--json]",
		"aivalue token revoke NAME", NULL };
	const char *name = NULL, *role = NULL, *agent = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "name", &name, "NAME", "a name for the token (unique)" },
		{ OPT_STRING, 0, "role", &role, "ROLE",
		  "admin, lead, analyst, approver, auditor, viewer or agent" },
		{ OPT_STRING, 0, "agent", &agent, "ID", "an agent's own credential (role agent)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n < 1) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (!strcmp(argv[1], "create")) {
		char *secret = NULL;
		enum role r;

		if (n != 1 || !name || (!role && !agent)) {
			fprintf(stderr, "error: token create needs --name and --role\n");
			return 2;
		}
		if (agent && role && strcmp(role, "agent"))
			return cli_errorf("an agent's token has role 'agent', not '%s'", role);
		r = role_from_name(agent ? "agent" : role);
		if (r == ROLE_NONE) {
			fprintf(stderr, "error: unknown role '%s' (roles: %s)\n", role,
				role_names_list());
			return 2;
		}
		if (token_create(ctx->store, ctx->actor, name, r, agent, &secret, &err))
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(json_pack("{s:s, s:s, s:s}", "name", name,
						 "role", role_name(r), "token", secret));
		else {
			printf("%s\n", secret);
			fprintf(stderr, "token '%s' (role %s) created; it is shown only once\n",
				name, role_name(r));
		}
		free(secret);
		return 0;
	}
	if (!strcmp(argv[1], "list")) {
		json_t *arr;
		size_t i;
		if (token_list(ctx->store, &arr, &err))
			return cli_error(&err);
		if (ctx->json) {
			cli_print_json(arr);
			return 0;
		}
		printf("%-24s %-9s %-28s %s\n", "NAME", "ROLE", "CREATED", "STATE");
		for (i = 0; i < json_array_size(arr); i++) {
			json_t *t = json_array_get(arr, i);
			printf("%-24s %-9s %-28s %s\n", json_str(t, "name"), json_str(t, "role"),
			       json_str(t, "created_at"),
			       json_str(t, "revoked_at") ? "revoked" : "active");
		}
		json_decref(arr);
		return 0;
	}
	if (!strcmp(argv[1], "revoke")) {
		if (n != 2) {
			fprintf(stderr, "error: token revoke needs NAME\n");
			return 2;
		}
		if (token_revoke(ctx->store, ctx->actor, argv[2], &err))
			return cli_error(&err);
		printf("token '%s' revoked\n", argv[2]);
		return 0;
	}
	fprintf(stderr, "error: unknown token subcommand '%s'\n", argv[1]);
	usage_with_options(usage, opts, 1);
	return 2;
}
