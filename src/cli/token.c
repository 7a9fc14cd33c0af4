/*
 * token.c - `aivalue token create|list|revoke`.
 *
 * --expires takes an ISO-8601 duration from now (P30D, PT12H), its short
 * form (30d, 2w, 12h, 90m, 45s: the same parser, control_parse_duration, reads it
 * after it is spelled out) or an instant (2027-01-31T00:00:00Z).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "control/control.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "org/tokens.h"
#include "options.h"

/* --expires WHEN into microseconds since the epoch; 0 or -1. */
static int parse_expires(const char *s, int64_t *us)
{
	char iso[32];
	int64_t d;
	size_t n = strlen(s);

	if (s[0] == 'P')
		snprintf(iso, sizeof(iso), "%s", s);
	else if (n >= 2 && n < 20 && strspn(s, "0123456789") == n - 1 &&
		 strchr("dwhms", s[n - 1]))
		/* 30d -> P30D, 2w -> P2W, 12h -> PT12H, 90m -> PT90M, 45s -> PT45S */
		snprintf(iso, sizeof(iso), "P%s%.*s%c", strchr("hms", s[n - 1]) ? "T" : "",
			 (int)(n - 1), s, s[n - 1] - 32);
	else
		return time_parse_iso(s, us);
	if (control_parse_duration(iso, &d) || d <= 0)
		return -1;
	*us = time_now_us() + d;
	return 0;
}

int cmd_token(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue token create --name NAME --role ROLE [--expires P30D|30d|TIME]",
		"aivalue token list [--json]",
		"aivalue token revoke NAME", NULL };
	const char *name = NULL, *role = NULL, *agent = NULL, *expires = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "name", &name, "NAME", "a name for the token (unique)" },
		{ OPT_STRING, 0, "role", &role, "admin|lead|analyst|approver|auditor|viewer|agent",
		  "admin, lead, analyst, approver, auditor, viewer or agent" },
		{ OPT_STRING, 0, "agent", &agent, "ID", "an agent's own credential (role agent)" },
		{ OPT_STRING, 0, "expires", &expires, "WHEN",
		  "refuse the token after this: P30D, 30d, 2w, 12h, 90m, 45s, or a time (default never)" },
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
		int64_t expires_us = 0;
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
		if (expires && parse_expires(expires, &expires_us)) {
			fprintf(stderr, "error: --expires '%s' is not a duration (P30D, 30d, 12h, "
				"90m) or a time (2027-01-31T00:00:00Z)\n", expires);
			return 2;
		}
		if (token_create_expiring(ctx->store, ctx->actor, name, r, agent, expires_us,
					  &secret, &err))
			return cli_error(&err);
		if (ctx->json) {
			json_t *o = json_pack("{s:s, s:s, s:s}", "name", name,
					      "role", role_name(r), "token", secret);
			char at[TIME_ISO_LEN];
			if (expires_us)
				time_format_us(expires_us, at);
			json_object_set_new(o, "expires_at", expires_us ? json_string(at)
					    : json_null());
			cli_print_json(o);
		}
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
		printf("%-24s %-9s %-28s %-28s %s\n", "NAME", "ROLE", "CREATED", "EXPIRES",
		       "STATE");
		for (i = 0; i < json_array_size(arr); i++) {
			json_t *t = json_array_get(arr, i);
			const char *exp = json_str(t, "expires_at");
			printf("%-24s %-9s %-28s %-28s %s\n", json_str(t, "name"),
			       json_str(t, "role"), json_str(t, "created_at"), exp ? exp : "never",
			       json_str(t, "state"));
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
