/*
 * phase.c - `aivalue phase [--json]`: which playbook phase the
 * organisation has earned, each exit-gate criterion with its figure and
 * source, and the initiatives running ahead of the earned phase.
 *
 * A read: it computes and prints, and writes nothing.  `phase --record`
 * stores the verdict (a row in phase_verdicts and a ledger entry) when it
 * changed, which is what agent control's gate reads (docs/playbook.md,
 * "Recording the verdict").  The gate status words are coloured on a
 * terminal (color.h).
 */
#include <stdio.h>
#include <string.h>

#include "assess/playbook.h"
#include "cmd.h"
#include "color.h"
#include "core/timeutil.h"
#include "options.h"

int cmd_phase(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue phase [--as-of DATE | --record] [--json]", NULL };
	const char *as_of = NULL;
	int record = 0;
	const struct option opts[] = {
		{ OPT_BOOL, 0, "record", &record, NULL,
		  "store the verdict when it changed (a ledger entry): agent control reads it" },
		{ OPT_STRING, 0, "as-of", &as_of, "DATE",
		  "the phase as of DATE, from data up to that day (nothing is stored)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { ctx->store, ctx->cat, time_now_us(), 0 };
	struct phase_verdict pv;
	struct questionnaire *q = NULL;
	int64_t seq = 0;
	size_t i;
	int n, changed = 0;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (as_of && record) {
		fprintf(stderr, "error: --record stores the current verdict; it cannot go with "
			"--as-of\n");
		return 2;
	}
	if (as_of && cli_parse_as_of(as_of, &env.now))
		return 2;
	env.as_of = as_of != NULL;
	if (questionnaire_load(&q, ctx->cat, cli_questionnaire_path(), &err))
		return cli_error(&err);
	if (phase_compute(&env, &pv, &err)) {
		questionnaire_free(q);
		return cli_error(&err);
	}
	/* only --record writes; a past verdict is never stored as the current one */
	if (record && phase_persist(ctx->store, ctx->actor, &pv, &changed, &seq, &err)) {
		phase_verdict_release(&pv);
		questionnaire_free(q);
		return cli_error(&err);
	}
	if (ctx->json) {
		json_t *o = phase_verdict_json(&pv);
		phase_json_add_crosswalk(o, q);
		if (record)
			json_object_set_new(o, "changed", json_boolean(changed));
		if (as_of)
			json_object_set_new(o, "as_of", json_string(as_of));
		if (seq)
			json_object_set_new(o, "ledger_seq", json_integer(seq));
		cli_print_json(o);
		phase_verdict_release(&pv);
		questionnaire_free(q);
		return 0;
	}
	{
		char head[256];
		printf("%s\n", phase_headline(&pv, ctx->cat->nphases, head, sizeof(head)));
	}
	if (as_of)
		printf("As of %s, from data up to that day (not stored)\n", as_of);
	for (i = 0; i < pv.ng; i++) {
		const struct gate_result *g = &pv.g[i];
		if (i == 0 || g->phase != pv.g[i - 1].phase)
			printf("\nExit gate of phase %d (%s):\n", g->phase->number, g->phase->name);
		printf("  ");
		color_fputs(color_for_word(gate_status_names[g->status]),
			    gate_status_names[g->status]);
		printf("%*s %-24s %s %s %g",
		       (int)(15 - strlen(gate_status_names[g->status])), "", g->cr->id,
		       g->cr->metric, gate_op_words(g->cr->op), g->cr->value);
		if (g->ev.state == EV_MEASURED)
			printf(": measured %.4g", g->ev.value);
		printf("\n      %s\n", g->ev.source);
		{
			const struct rq_gatexw *x = questionnaire_gate_xwalk(q, g->cr->id);
			size_t k;
			if (x) {
				printf("      crosswalk:");
				for (k = 0; k < x->nist.n; k++)
					printf("%s %s", k ? "," : "", x->nist.v[k]);
				printf(" |");
				for (k = 0; k < x->iso.n; k++)
					printf("%s %s", k ? "," : "", x->iso.v[k]);
				printf("\n");
			}
		}
	}
	if (pv.nahead) {
		printf("\nInitiatives running ahead of their gate:\n");
		for (i = 0; i < pv.nahead; i++)
			printf("  %s (%s, %s, phase %d; earned %d)\n", pv.ahead[i].initiative,
			       pv.ahead[i].model, pv.ahead[i].status, pv.ahead[i].phase, pv.earned);
	}
	if (changed)
		printf("\nverdict changed: recorded as ledger entry %lld\n", (long long)seq);
	else if (record)
		printf("\nverdict unchanged: the recorded one stands\n");
	phase_verdict_release(&pv);
	questionnaire_free(q);
	return 0;
}
