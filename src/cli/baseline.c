/*
 * baseline.c - `aivalue baseline create NAME | diff A B | list`: Merkle-
 * rooted snapshots of every artefact's version and fingerprint
 * (change/baseline.h); each answer is a typed struct, printed here as
 * text or by its JSON printer with --json.
 */
#include <stdio.h>
#include <string.h>

#include "change/baseline.h"
#include "core/timeutil.h"
#include "cmd.h"
#include "options.h"

static void print_diff(const struct baseline_diff_result *d)
{
	size_t i;

	for (i = 0; i < d->nchanged; i++)
		printf("changed  %-10s v%lld -> v%lld  %.12s... -> %.12s...\n", d->changed[i].id,
		       (long long)d->changed[i].from_version, (long long)d->changed[i].to_version,
		       d->changed[i].from_fingerprint, d->changed[i].to_fingerprint);
	for (i = 0; i < d->nadded; i++)
		printf("added    %s\n", d->added[i]);
	for (i = 0; i < d->nremoved; i++)
		printf("removed  %s\n", d->removed[i]);
	for (i = 0; i < d->nimpacted; i++)
		printf("impacted %-10s via %s\n", d->impacted[i].id, d->impacted[i].path);
	printf("%s\n", d->explain);
}

int cmd_baseline(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue baseline create NAME [--json]",
		"aivalue baseline diff A B [--json]     (B may be @now, the current state)",
		"aivalue baseline list [--json]", NULL };
	const struct option opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n == 2 && !strcmp(argv[1], "create")) {
		struct baseline_info b;
		if (baseline_create(ctx->store, ctx->actor, argv[2], &b, &err))
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(baseline_created_json(&b));
		else
			printf("baseline %s: %lld artefacts, Merkle root %s (ledger #%lld)\n", b.name,
			       (long long)b.count, b.root, (long long)b.ledger_seq);
		baseline_info_release(&b);
	} else if (n == 3 && !strcmp(argv[1], "diff")) {
		struct baseline_diff_result d;
		if (baseline_diff(ctx->store, argv[2], argv[3], &d, &err))
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(baseline_diff_result_json(&d));
		else
			print_diff(&d);
		baseline_diff_result_release(&d);
	} else if (n == 1 && !strcmp(argv[1], "list")) {
		struct baseline_list l;
		size_t i;
		if (baseline_list(ctx->store, &l, &err))
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(baseline_list_json(&l));
		for (i = 0; !ctx->json && i < l.n; i++) {
			char t[TIME_ISO_LEN];
			time_format_us(l.v[i].created_at, t);
			printf("%-20s %s  %5lld artefacts  %s\n", l.v[i].name, t,
			       (long long)l.v[i].count, l.v[i].root);
		}
		if (!ctx->json && !l.n)
			printf("no baselines yet ('aivalue baseline create NAME')\n");
		baseline_list_release(&l);
	} else {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	return 0;
}
