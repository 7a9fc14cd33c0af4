/*
 * identities.c - `aivalue identities import FILE | list | unmatched`:
 * the map from vendor identities (GitHub logins, UPNs, emails, hashed
 * ids) to people; see ingest/identity.h.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ingest/identity.h"
#include "options.h"

/* Print rows (takes ownership of arr): JSON with --json, else columns. */
static int print_rows(struct aiv_ctx *ctx, json_t *arr, const char *const *cols, int ncols)
{
	int i;

	if (ctx->json) {
		cli_print_json(arr);
		return 0;
	}
	{
		size_t k;
		json_t *o;
		json_array_foreach(arr, k, o) {
			for (i = 0; i < ncols; i++) {
				json_t *v = json_object_get(o, cols[i]);
				if (json_is_integer(v))
					printf("%s%lld", i ? "  " : "", (long long)json_integer_value(v));
				else
					printf(i ? "  %-30s" : "%-30s", json_is_string(v) ?
					       json_string_value(v) : "-");
			}
			printf("\n");
		}
		if (!json_array_size(arr))
			printf("(none)\n");
	}
	json_decref(arr);
	return 0;
}

int cmd_identities(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue identities import FILE.csv   (columns person, kind, value)",
		"aivalue identities list [--json]",
		"aivalue identities unmatched [--json]   (usage identities that match no person)",
		NULL };
	static const struct option opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
	static const char *const lcols[] = { "person", "kind", "value", "source" };
	static const char *const ucols[] = { "identity", "rows" };
	struct aiv_err err = AIV_ERR_INIT;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n >= 1 && !strcmp(argv[1], "import") && n == 2) {
		struct identity_import_result res;
		if (identity_import_csv(ctx->store, ctx->actor, argv[2], &res, &err))
			return cli_error(&err);
		if (ctx->json) {
			cli_print_json(json_pack("{s:I, s:b, s:I, s:I}", "rows", (json_int_t)res.rows,
						 "unchanged", res.unchanged, "ledger_seq",
						 (json_int_t)res.ledger_seq, "rejoined_usage_rows",
						 (json_int_t)res.rejoined));
		} else if (res.unchanged) {
			printf("%lld identities, all already in the map; nothing changed\n",
			       (long long)res.rows);
		} else {
			printf("imported %lld identities (ledger entry %lld); %lld earlier usage "
			       "rows joined to their person\n", (long long)res.rows,
			       (long long)res.ledger_seq, (long long)res.rejoined);
		}
		return 0;
	}
	if (n == 1 && !strcmp(argv[1], "list")) {
		json_t *arr;
		if (identity_list(ctx->store, &arr, &err))
			return cli_error(&err);
		return print_rows(ctx, arr, lcols, 4);
	}
	if (n == 1 && !strcmp(argv[1], "unmatched")) {
		json_t *arr;
		if (identity_unmatched(ctx->store, &arr, &err))
			return cli_error(&err);
		return print_rows(ctx, arr, ucols, 2);
	}
	usage_with_options(usage, opts, 1);
	return 2;
}
