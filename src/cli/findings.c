/*
 * findings.c - `aivalue findings [--json]`: every failure-mode detector's
 * findings with severity, figures and the catalog's leadership move, and
 * the failure modes not assessed for lack of evidence.
 *
 * The text form is for a person: one block per finding,
 *
 *     [high] Two-tier workforce
 *       Where:    model 1, Scaled adoption; the whole organisation
 *       Finding:  <the detector's summary as a sentence>
 *       Evidence: repeat use in customer service: 0.0 % (target: at least 15 %)
 *       Move:     Make good easy: <the catalog's text>
 *
 * with each figure in its unit (the typed struct finding_figure, written
 * by report_figure_value(), the formatter the reports use) and the
 * subject by its name, not its id (names.h).  --json is the machine form, unchanged.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/playbook.h"
#include "cmd.h"
#include "color.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "core/units.h"
#include "names.h"
#include "options.h"
#include "report/report_summary.h"

static void print_finding(const struct finding *f, struct store *s)
{
	struct strbuf sb = STRBUF_INIT;
	char a[UNITS_BUF], b[UNITS_BUF], tag[32];
	size_t i, len;

	snprintf(tag, sizeof(tag), "[%s]", f->severity);
	fputc('\n', stdout);
	color_fputs(color_for_word(f->severity), tag);
	printf(" %s\n", f->name);
	if (f->model)
		strbuf_addf(&sb, "model %d, %s; ", f->model->number, f->model->name);
	cli_subject_words(&sb, s, f->subject);
	printf("  Where:    %s\n", sb.buf);
	len = strlen(f->summary);
	if (len)
		printf("  Finding:  %c%s%s\n", toupper((unsigned char)f->summary[0]), f->summary + 1,
		       f->summary[len - 1] == '.' ? "" : ".");
	for (i = 0; i < f->nfig; i++) {
		const struct finding_figure *g = &f->fig[i];
		printf("  %-9s %s: %s", i ? "" : "Evidence:", g->label,
		       report_figure_value(g, g->value, a, sizeof(a)));
		if (g->bound)
			printf(" (target: %s %s)", g->bound,
			       report_figure_value(g, g->target, b, sizeof(b)));
		fputc('\n', stdout);
	}
	if (f->move)
		printf("  Move:     %s: %s\n", f->move->name, f->move->text);
	strbuf_release(&sb);
}

int cmd_findings(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue findings [--as-of DATE] [--json]", NULL };
	const char *as_of = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "as-of", &as_of, "DATE", "findings as of DATE, from data up to that day" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { ctx->store, ctx->cat, time_now_us(), 0 };
	struct phase_verdict pv;
	struct finding_list fl;
	size_t i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (as_of && cli_parse_as_of(as_of, &env.now))
		return 2;
	env.as_of = as_of != NULL;
	if (phase_compute(&env, &pv, &err))
		return cli_error(&err);
	if (findings_compute(&env, &pv, &fl, &err)) {
		phase_verdict_release(&pv);
		return cli_error(&err);
	}
	if (ctx->json) {
		cli_print_json(finding_list_json(&fl));
	} else {
		printf("%zu finding%s\n", fl.n, fl.n == 1 ? "" : "s");
		for (i = 0; i < fl.n; i++)
			print_finding(&fl.f[i], ctx->store);
		if (fl.ngaps)
			printf("\nNot assessed (lacks evidence):\n");
		for (i = 0; i < fl.ngaps; i++)
			printf("  %s: %s\n", fl.gaps[i].name, fl.gaps[i].lacks);
	}
	finding_list_release(&fl);
	phase_verdict_release(&pv);
	return 0;
}
