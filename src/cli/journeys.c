/*
 * journeys.c - `aivalue import journeys FILE --format csv|jsonl` and
 * `aivalue journeys [--json]`: value model 2 (ingest/journeys.h reads,
 * metrics/journeys.h computes, this file prints).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core/cjson.h"
#include "ingest/journeys.h"
#include "metrics/journeys.h"
#include "options.h"

int cmd_import_journeys(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue import journeys FILE --format csv|jsonl [--kind events|outcomes]"
		" [--map TARGET=COLUMN,...] [--dry-run]", NULL };
	struct journey_opts o;
	const struct option opts[] = {
		{ OPT_STRING, 'f', "format", &o.format, "F", "csv or jsonl" },
		{ OPT_STRING, 0, "kind", &o.kind, "K", "events or outcomes (default: from the columns)" },
		{ OPT_STRING, 0, "map", &o.map, "MAP", "journey_id=COL,customer_id=COL,channel=COL,..." },
		{ OPT_BOOL, 0, "dry-run", &o.dry_run, NULL, "check everything, change nothing" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct journey_summary sum;
	int n, ret;

	memset(&o, 0, sizeof(o));
	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1 || !o.format) {
		fprintf(stderr, "error: import journeys needs one FILE and --format\n");
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if ((ret = cli_open_store(ctx, 0)))
		return ret;
	if (journey_import_file(ctx->store, ctx->actor, argv[1], &o, &sum, &err))
		return cli_error(&err);
	if (ctx->json) {
		cli_print_json(json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:s}", "kind",
					 sum.kind, "dry_run", o.dry_run, "already_imported", sum.already,
					 "rows", (json_int_t)sum.rows, "journeys", (json_int_t)sum.journeys,
					 "customers", (json_int_t)sum.customers, "import_id",
					 (json_int_t)sum.import_id, "ledger_seq", (json_int_t)sum.ledger_seq,
					 "content_hash", sum.content_hash));
	} else if (sum.already) {
		printf("'%s' was already imported (import %lld); nothing changed\n", argv[1],
		       (long long)sum.import_id);
	} else {
		printf("%s %lld %s rows (%lld journeys, %lld customers) from '%s'",
		       o.dry_run ? "dry run: would import" : "imported", (long long)sum.rows,
		       sum.kind, (long long)sum.journeys, (long long)sum.customers, argv[1]);
		if (!o.dry_run)
			printf(" as import %lld, ledger entry %lld", (long long)sum.import_id,
			       (long long)sum.ledger_seq);
		printf("\n");
	}
	return 0;
}

static void pr(json_t *o, const char *key, int percent)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		printf(" %8s", "-");
	else if (percent)
		printf(" %7.0f%%", 100.0 * json_number_value(v));
	else
		printf(" %8.1f", json_number_value(v));
}

int cmd_journeys(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue journeys [--config FILE] [--json]", NULL };
	const char *config = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "config", &config, "FILE", "thresholds file (data/adoption.yaml)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config cfg;
	json_t *rep, *finding, *ch, *trend;
	size_t i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (!config)
		config = getenv("AIVALUE_ADOPTION") && *getenv("AIVALUE_ADOPTION") ?
			 getenv("AIVALUE_ADOPTION") : NULL;
	if (adoption_config_load(&cfg, config, &err) ||
	    journeys_report(ctx->store, &cfg, ctx->cat, &rep, &finding, &err))
		return cli_error(&err);
	if (finding)
		json_object_set_new(rep, "finding", finding);
	if (ctx->json) {
		cli_print_json(rep);
		return 0;
	}
	if (!json_array_size(json_object_get(rep, "channels"))) {
		printf("no journeys imported yet: see 'aivalue import journeys --help'\n");
		json_decref(rep);
		return 0;
	}
	printf("%-14s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n", "channel", "journeys",
	       "qual.int", "convert", "turns", "ret.30d", "ret.90d", "upsell", "LTV", "return",
	       "referral");
	json_array_foreach(json_object_get(rep, "channels"), i, ch) {
		printf("%-14.14s %8d", json_str(ch, "channel"),
		       (int)json_integer_value(json_object_get(ch, "journeys")));
		pr(ch, "qualified_intent_rate", 1);
		pr(ch, "conversion_rate", 1);
		pr(ch, "iterations_before_commitment", 0);
		pr(ch, "retention_30d", 1);
		pr(ch, "retention_90d", 1);
		pr(ch, "upsell_rate", 1);
		pr(ch, "lifetime_value", 0);
		pr(ch, "return_30d", 1);
		pr(ch, "referral_rate", 0);
		printf("\n");
	}
	trend = json_object_get(rep, "volume_over_credibility");
	if (json_object_get(trend, "volume"))
		printf("\n'%s' trend over %zu months (Mann-Kendall): volume p(up) = %.3f, "
		       "conversion quality p(down) = %.3f\n", json_str(trend, "channel"),
		       json_array_size(json_object_get(trend, "series")),
		       json_number_value(json_object_get(json_object_get(trend, "volume"), "p_increasing")),
		       json_number_value(json_object_get(json_object_get(trend, "quality"), "p_decreasing")));
	if (json_object_get(rep, "finding"))
		printf("finding: %s\n", json_str(json_object_get(rep, "finding"), "summary"));
	json_decref(rep);
	return 0;
}
