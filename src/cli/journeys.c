/*
 * journeys.c - `aivalue import journeys FILE --format csv|jsonl` and
 * `aivalue journeys [--json]`: value model 2 (ingest/journeys_load.h reads,
 * metrics/journeys.h computes and prints JSON, this file prints text from
 * the computed struct).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core/progress.h"
#include "core/cjson.h"
#include "ingest/journeys.h"
#include "ingest/journeys_load.h"
#include "metrics/journeys.h"
#include "options.h"

int cmd_import_journeys(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue import journeys FILE --format csv|jsonl [--kind events|outcomes]"
		" [--map TARGET=COLUMN,...] [--dry-run]", NULL };
	struct journey_opts o;
	const struct option opts[] = {
		{ OPT_STRING, 'f', "format", &o.format, "csv|jsonl", "csv or jsonl" },
		{ OPT_STRING, 0, "kind", &o.kind, "events|outcomes", "events or outcomes (default: from the columns)" },
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
	{
		struct progress prog;
		progress_start_file(&prog, "importing", argv[1]);
		o.progress = progress_cb;
		o.progress_arg = &prog;
		ret = journey_import_file(ctx->store, ctx->actor, argv[1], &o, &sum, &err);
		progress_stop(&prog);
		if (ret)
			return cli_error(&err);
	}
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

/* One figure as `--json` reports it (4 decimals), or "-" when there is none. */
static void pr(double v, int percent)
{
	if (isnan(v))
		printf(" %8s", "-");
	else if (percent)
		printf(" %7.0f%%", 100.0 * journeys_figure(v));
	else
		printf(" %8.1f", journeys_figure(v));
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
	struct journeys_result r;
	const struct journey_trend *tr = &r.trend;
	char *summary;
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
	    journeys_run(ctx->store, &cfg, &r, &err))
		return cli_error(&err);
	if (ctx->json) {
		json_t *rep = journeys_result_json(&r), *finding = journeys_finding_json(&r, ctx->cat);
		if (finding)
			json_object_set_new(rep, "finding", finding);
		cli_print_json(rep);
		journeys_result_release(&r);
		return 0;
	}
	if (!r.nchannels) {
		printf("no journeys imported yet: see 'aivalue import journeys --help'\n");
		journeys_result_release(&r);
		return 0;
	}
	printf("%-14s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n", "channel", "journeys",
	       "qual.int", "convert", "turns", "ret.30d", "ret.90d", "upsell", "LTV", "return",
	       "referral");
	for (i = 0; i < r.nchannels; i++) {
		const struct journey_channel *ch = &r.channels[i];
		printf("%-14.14s %8d", ch->channel, (int)ch->journeys);
		pr(ch->qualified_intent_rate, 1);
		pr(ch->conversion_rate, 1);
		pr(ch->iterations_before_commitment, 0);
		pr(ch->retention_30d, 1);
		pr(ch->retention_90d, 1);
		pr(ch->upsell_rate, 1);
		pr(ch->lifetime_value, 0);
		pr(ch->return_30d, 1);
		pr(ch->referral_rate, 0);
		printf("\n");
	}
	if (tr->tested)
		printf("\n'%s' trend over %d months (Mann-Kendall): volume p(up) = %.3f, "
		       "conversion quality p(down) = %.3f\n", tr->channel, tr->nmonths,
		       journeys_figure(tr->volume.p_up), journeys_figure(tr->quality.p_down));
	if ((summary = journeys_finding_summary(&r, ctx->cat)))
		printf("finding: %s\n", summary);
	free(summary);
	journeys_result_release(&r);
	return 0;
}
