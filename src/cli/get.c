/*
 * get.c - `aivalue get KIND [NAME]` and `aivalue delete KIND NAME`.
 *
 * The table view prints the columns the kind declares; --json prints the
 * canonical specs (a list, or one object when NAME is given).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "cmd.h"
#include "options.h"
#include "table.h"

static void kinds_list(FILE *f)
{
	const struct kind_ops **k;
	size_t n = apply_kinds(&k), i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", k[i]->plural);
	fputc('\n', f);
}

static void cell(struct strbuf *sb, json_t *v)
{
	if (json_is_string(v))
		strbuf_addstr(sb, json_string_value(v));
	else if (json_is_integer(v))
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v)) /* json_dumps refuses a bare number: it printed "?" */
		strbuf_addf(sb, "%g", json_real_value(v));
	else if (json_is_true(v))
		strbuf_addstr(sb, "yes");
	else if (json_is_false(v))
		strbuf_addstr(sb, "no");
	else if (!v || json_is_null(v))
		strbuf_addstr(sb, "-");
	else {
		char *s = json_dumps(v, JSON_COMPACT);
		strbuf_addstr(sb, s ? s : "?");
		free(s);
	}
}

/* One row per object, the columns the kind declares (table.h fits them). */
static void print_table(const struct kind_ops *k, json_t *arr)
{
	size_t ncols = 0, c, i, j;
	char **heads;
	struct table t;

	while (k->columns[ncols])
		ncols++;
	heads = xcalloc(ncols + 1, sizeof(*heads));
	for (c = 0; c < ncols; c++) {
		heads[c] = xstrdup(k->columns[c]);
		for (j = 0; heads[c][j]; j++)
			heads[c][j] = heads[c][j] == '_' ? ' ' :
				      (char)toupper((unsigned char)heads[c][j]);
	}
	table_init(&t, (const char *const *)heads);
	for (i = 0; i < json_array_size(arr); i++) {
		for (c = 0; c < ncols; c++) {
			struct strbuf sb = STRBUF_INIT;
			json_t *v = json_object_get(json_array_get(arr, i), k->columns[c]);
			cell(&sb, v);
			if (json_is_number(v))
				table_right(&t, c);
			table_add(&t, sb.buf);
			strbuf_release(&sb);
		}
	}
	table_print(&t);
	table_release(&t);
	for (c = 0; c < ncols; c++)
		free(heads[c]);
	free(heads);
}

int cmd_get(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue get KIND [NAME] [--json]", NULL };
	int names = 0;
	const struct option opts[] = {
		{ OPT_BOOL, 0, "names", &names, NULL,
		  "only the names, one a line (what shell completion offers)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	const struct kind_ops *k;
	const char *name;
	json_t *arr;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0) {
		if (n == -2) {
			printf("\nkinds: ");
			kinds_list(stdout);
		}
		return n == -2 ? 0 : 2;
	}
	if (n < 1 || n > 2) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	k = apply_kind(argv[1]);
	if (!k) {
		fprintf(stderr, "error: unknown kind '%s'; kinds: ", argv[1]);
		kinds_list(stderr);
		return 2;
	}
	name = n == 2 ? argv[2] : NULL;
	if (apply_get(ctx->store, k, name, &arr, &err))
		return cli_error(&err);
	if (names) {
		size_t i;
		for (i = 0; i < json_array_size(arr); i++) {
			json_t *nm = json_object_get(json_array_get(arr, i), "name");
			if (json_is_string(nm))
				printf("%s\n", json_string_value(nm));
		}
		json_decref(arr);
		return 0;
	}
	if (ctx->json) {
		if (name) {
			json_t *one = json_incref(json_array_get(arr, 0));
			json_decref(arr);
			cli_print_json(one);
		} else {
			cli_print_json(arr);
		}
		return 0;
	}
	if (name) {
		json_t *one = json_array_get(arr, 0);
		const char *key;
		json_t *v;
		printf("%-14s %s\n", "kind:", k->kind);
		json_object_foreach(one, key, v) {
			struct strbuf sb = STRBUF_INIT;
			char label[80];
			cell(&sb, v);
			snprintf(label, sizeof(label), "%s:", key);
			printf("%-14s %s\n", label, sb.buf);
			strbuf_release(&sb);
		}
	} else if (json_array_size(arr) == 0) {
		printf("no %s yet; add some with 'aivalue apply -f FILE.yaml'\n", k->plural);
	} else {
		print_table(k, arr);
	}
	json_decref(arr);
	return 0;
}

int cmd_delete(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue delete KIND NAME", NULL };
	static const struct option opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	const struct kind_ops *k;
	int64_t seq = 0;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 2) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	k = apply_kind(argv[1]);
	if (!k) {
		fprintf(stderr, "error: unknown kind '%s'; kinds: ", argv[1]);
		kinds_list(stderr);
		return 2;
	}
	if (apply_delete(ctx->store, ctx->actor, k->kind, argv[2], &seq, &err))
		return cli_error(&err);
	if (ctx->json)
		cli_print_json(json_pack("{s:s, s:s, s:s, s:I}", "kind", k->kind,
					 "name", argv[2], "op", "deleted",
					 "ledger_seq", (json_int_t)seq));
	else
		printf("%s/%s deleted\n", k->kind, argv[2]);
	return 0;
}
