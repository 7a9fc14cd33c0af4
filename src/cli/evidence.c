/*
 * evidence.c - `aivalue evidence [--data FILE.csv] [--json]`: import
 * per-unit observations (optional) and evaluate every registered value
 * hypothesis: supported, not supported or insufficient data, with the
 * effect, its interval, the sample sizes and the guardrails.
 */
#include <stdio.h>
#include <string.h>

#include "assess/hypothesis.h"
#include "cmd.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "options.h"

/* One effect in the metric's units, improvement positive (hyp_effect_words). */
static void print_effect(const char *label, const struct hyp_effect *e, double conf)
{
	struct hyp_words w;

	if (!e->ok) {
		printf("  %s: n = %zu baseline, %zu comparison; no estimate\n", label, e->na, e->nb);
		return;
	}
	hyp_effect_words(e, conf, &w);
	printf("  %s: %s -> %s, %s (%s), %s, n = %zu / %zu\n", label, w.baseline, w.comparison,
	       w.change, w.relative, w.interval, e->na, e->nb);
}

int cmd_evidence(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue evidence [--data FILE.csv] [--json]", NULL };
	const char *data = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "data", &data, "FILE.csv",
		  "import per-unit observations (initiative,unit,metric,time,value[,attributes...])" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct hyp_report rep;
	int64_t rows = 0, seq = 0;
	size_t i, j;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (data) {
		if (hyp_import_csv(ctx->store, ctx->cat, ctx->actor, data, &rows, &seq, &err))
			return cli_error(&err);
		if (!ctx->json) {
			if (seq)
				printf("imported %lld observations from '%s' (ledger entry %lld)\n\n",
				       (long long)rows, data, (long long)seq);
			else
				printf("'%s' was imported before: nothing changed\n\n", data);
		}
	}
	if (hyp_evaluate_all(ctx->store, ctx->cat, time_now_us(), &rep, &err))
		return cli_error(&err);
	if (ctx->json) {
		json_t *o = hyp_report_json(&rep);
		if (data)
			json_object_set_new(o, "import", json_pack("{s:I, s:I}", "rows",
					    (json_int_t)rows, "ledger_seq", (json_int_t)seq));
		cli_print_json(o);
		hyp_report_release(&rep);
		return 0;
	}
	if (rep.n == 0)
		printf("no hypotheses registered; declare one with 'kind: Hypothesis' and apply it\n");
	for (i = 0; i < rep.n; i++) {
		const struct hyp_result *r = &rep.r[i];
		const char *log = json_str(r->spec, "log");
		printf("%s  [%s]\n  initiative %s, metric %s%s%s\n", r->name, r->verdict,
		       r->initiative, r->metric, log ? " per case of log " : "", log ? log : "");
		if (strcmp(r->verdict, "superseded")) {
			print_effect(r->e.method, &r->e, r->confidence);
			for (j = 0; j < r->nguards; j++) {
				char label[160];
				snprintf(label, sizeof(label), "guardrail %s %s", r->guards[j].metric,
					 r->guards[j].verdict);
				print_effect(label, &r->guards[j].e, r->confidence);
			}
		}
		printf("  %s%s\n\n", r->reason, r->review_due ? " (review date passed)" : "");
	}
	printf("%zu supported, %zu not supported, %zu insufficient data\n", rep.supported,
	       rep.not_supported, rep.insufficient);
	hyp_report_release(&rep);
	return 0;
}
