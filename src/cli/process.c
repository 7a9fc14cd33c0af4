/*
 * process.c - `aivalue process stats|compare LOG`: load a stored log into
 * columns, run the kernels (metrics/process.h), print as text, JSON or
 * Graphviz.  The printers only read struct process_stats.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "core/timeutil.h"
#include "ingest/ingest.h"
#include "ingest/logstore.h"
#include "metrics/exceptions.h"
#include "metrics/process.h"
#include "metrics/stats.h"
#include "report/process_json.h"
#include "options.h"
#include "process_kept.h"

static void print_text(struct strbuf *sb, const char *name, const struct eventlog *l,
		       const struct process_stats *ps, size_t top)
{
	const struct pstat_activity **bn;
	char a[32], b[32], c[32], d[32], e[32];
	size_t i, k;

	strbuf_addf(sb, "log %s: %zu cases, %zu events, %zu activities, %zu resources, %zu variants\n",
	       name, ps->cases, ps->events, ps->activities, ps->resources, ps->nvariants);
	if (ps->out_of_order)
		strbuf_addf(sb, "  %zu events were out of time order in the source (sorted)\n",
		       ps->out_of_order);
	if (ps->no_time)
		strbuf_addf(sb, "\ncase duration: no timestamps (events in file order; "
		       "no durations, waits or weeks)\n");
	else
		strbuf_addf(sb, "\ncase duration: min %s, median %s, mean %s, p90 %s, max %s\n",
		       pjson_human(ps->duration.min, a, 32), pjson_human(ps->duration.median, b, 32),
		       pjson_human(ps->duration.mean, c, 32), pjson_human(ps->duration.p90, d, 32),
		       pjson_human(ps->duration.max, e, 32));
	strbuf_addf(sb, "\ntop variants:\n");
	for (i = 0; i < ps->nvariants && i < top; i++) {
		const struct pstat_variant *v = &ps->variants[i];
		strbuf_addf(sb, "  %6zu  %5.1f%%  ", v->count, 100.0 * (double)v->count / (double)ps->cases);
		for (k = l->case_off[v->first_case]; k < l->case_off[v->first_case + 1]; k++) {
			if (k - l->case_off[v->first_case] >= 12) {
				strbuf_addf(sb, " ... (%u events)", v->len);
				break;
			}
			strbuf_addf(sb, "%s%s", k > l->case_off[v->first_case] ? " > " : "",
			       eventlog_str(l, l->activity[k]));
		}
		strbuf_addf(sb, "\n");
	}
	strbuf_addf(sb, "\nbottlenecks (waiting time before the activity):%s\n",
	       ps->no_time ? " no timestamps" : "");
	bn = pjson_bottlenecks(ps);
	if (!ps->no_time)
		strbuf_addf(sb, "  %-36s %9s %12s %12s\n", "ACTIVITY", "EVENTS", "MEDIAN WAIT", "P90 WAIT");
	for (i = 0; !ps->no_time && i < ps->nacts && i < top; i++)
		strbuf_addf(sb, "  %-36.36s %9zu %12s %12s\n", eventlog_str(l, bn[i]->activity), bn[i]->events,
		       pjson_human(bn[i]->wait.median, a, 32), pjson_human(bn[i]->wait.p90, b, 32));
	free(bn);
	strbuf_addf(sb, "\nrework: %zu cases (%.1f%%) repeat an activity\n", ps->rework_cases,
	       ps->cases ? 100.0 * (double)ps->rework_cases / (double)ps->cases : 0.0);
	for (i = 0, k = 0; i < ps->nacts && k < top; i++)
		if (ps->acts[i].rework_cases) {
			strbuf_addf(sb, "  %-36.36s in %zu cases, %zu repeats\n",
			       eventlog_str(l, ps->acts[i].activity), ps->acts[i].rework_cases,
			       ps->acts[i].repeats);
			k++;
		}
	strbuf_addf(sb, "\nhandovers: %zu between %zu resource pairs\n", ps->handover_total, ps->nhandovers);
	for (i = 0; i < ps->nhandovers && i < top; i++)
		strbuf_addf(sb, "  %8zu  %s -> %s\n", ps->handovers[i].count,
		       eventlog_str(l, ps->handovers[i].from), eventlog_str(l, ps->handovers[i].to));
	strbuf_addf(sb, "\ndirectly-follows edges (top %zu of %zu):\n", top < ps->ndfg ? top : ps->ndfg,
	       ps->ndfg);
	for (i = 0; i < ps->ndfg && i < top; i++)
		strbuf_addf(sb, "  %8zu  %s -> %s  (median %s)\n", ps->dfg[i].count,
		       eventlog_str(l, ps->dfg[i].from), eventlog_str(l, ps->dfg[i].to),
		       ps->no_time ? "no timestamps" : pjson_human(ps->dfg[i].median, a, 32));
	if (ps->no_time)
		strbuf_addf(sb, "\ncases started per ISO week: no timestamps");
	else
		strbuf_addf(sb, "\ncases started per ISO week: %zu weeks", ps->nweeks);
	if (ps->nweeks) {
		size_t mx = 0;
		for (i = 0; i < ps->nweeks; i++)
			if (ps->weeks[i].cases > ps->weeks[mx].cases)
				mx = i;
		strbuf_addf(sb, ", %04d-W%02d .. %04d-W%02d, busiest %04d-W%02d (%zu)",
		       ps->weeks[0].year, ps->weeks[0].week, ps->weeks[ps->nweeks - 1].year,
		       ps->weeks[ps->nweeks - 1].week, ps->weeks[mx].year, ps->weeks[mx].week,
		       ps->weeks[mx].cases);
	}
	strbuf_addf(sb, "\n");
	if (!isnan(ps->cost_total))
		strbuf_addf(sb, "\ncost: %.2f in total over %zu cases\n", ps->cost_total, ps->cost_cases);
}

/* ---- figures kept by the import (issue 20) ------------------------------ */

/*
 * What `process stats LOG [--json]` prints with the default options, as
 * the import keeps it (logstore_save_kept).  The form names the printer,
 * its options and the program's version: bump PSTATS_KEPT_V whenever
 * print_text, pjson_stats or process_stats_compute changes what they
 * print, so that figures kept by an older build are not served.
 */
#define PSTATS_KEPT_TOP 10
#define PSTATS_KEPT_V "1"

const char *process_stats_kept_form(int json)
{
	return json ? "process-stats json top=10 " AIV_VERSION " v" PSTATS_KEPT_V
		    : "process-stats text top=10 " AIV_VERSION " v" PSTATS_KEPT_V;
}

char *process_stats_render(const char *name, const struct eventlog *l,
			   const struct process_stats *ps, int json)
{
	struct strbuf sb = STRBUF_INIT;

	if (json) {
		json_t *o = pjson_stats(l, ps, PSTATS_KEPT_TOP);
		char *t;
		json_object_set_new(o, "log", json_string(name));
		t = json_dumps(o, CLI_JSON_FLAGS); /* as cli_print_json prints it */
		json_decref(o);
		strbuf_addstr(&sb, t);
		strbuf_addch(&sb, '\n');
		free(t);
	} else {
		print_text(&sb, name, l, ps, PSTATS_KEPT_TOP);
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- exceptions ----------------------------------------------------------- */

/* Without timestamps a resolution time is unknown (NaN: "-" and null), not 0. */
static void exc_no_time(const struct eventlog *l, struct exc_result *r)
{
	if (!l->no_time)
		return;
	r->resolution.min = r->resolution.median = r->resolution.mean = NAN;
	r->resolution.p90 = r->resolution.max = NAN;
}

struct exc_opts {
	int rules;          /* --rules: every ExceptionRule applied to the workspace */
	const char *file;
	struct opt_list pats;
	const char *happy;
	/* prepared */
	char **loaded;
	size_t nloaded;
	uint8_t *exc;       /* per string id */
	uint8_t *case_exc;  /* per case, derived mode only */
	double pct;
	int on;
};

static void exc_opts_release(struct exc_opts *e)
{
	size_t i;

	for (i = 0; i < e->nloaded; i++)
		free(e->loaded[i]);
	free(e->loaded);
	free(e->exc);
	free(e->case_exc);
	opt_list_release(&e->pats);
}

/* Decide exception activities (and cases) over the whole log. */
static int exc_prepare(struct exc_opts *e, struct store *store, const struct eventlog *l,
		       const struct process_stats *all, struct exc_result *r)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char **p;
	size_t n = 0, i;

	memset(r, 0, sizeof(*r));
	if (!e->file && !e->pats.n && !e->happy && !e->rules)
		return 0;
	e->on = 1;
	if (e->happy) {
		char *end;
		if (e->file || e->pats.n || e->rules) {
			fprintf(stderr, "error: --happy-path derives exceptions; do not combine it "
					"with --rules, --exceptions or --exception\n");
			return 2;
		}
		e->pct = strtod(e->happy, &end);
		if (*end || end == e->happy || !(e->pct > 0 && e->pct <= 100)) {
			fprintf(stderr, "error: --happy-path wants a percentage in (0, 100], not '%s'\n",
				e->happy);
			return 2;
		}
		e->case_exc = xcalloc(l->ncases ? l->ncases : 1, 1);
		e->exc = exceptions_happy_path(l, NULL, all, e->pct, e->case_exc, r);
		return 0;
	}
	if (e->file && e->rules) {
		fprintf(stderr, "error: use either --rules (the workspace's) or --exceptions FILE\n");
		return 2;
	}
	if (e->file && exceptions_load_rules(e->file, &e->loaded, &e->nloaded, &err))
		return cli_error(&err);
	if (e->rules && exceptions_applied_rules(store, &e->loaded, &e->nloaded, &err))
		return cli_error(&err);
	p = xcalloc(e->nloaded + (size_t)e->pats.n + 1, sizeof(*p));
	for (i = 0; i < e->nloaded; i++)
		p[n++] = e->loaded[i];
	for (i = 0; i < (size_t)e->pats.n; i++)
		p[n++] = e->pats.v[i];
	e->exc = exceptions_match(l, p, n);
	free(p);
	return 0;
}

static json_t *exc_json(const struct exc_opts *e, const struct eventlog *l,
			const struct exc_result *r)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	json_object_set_new(o, "mode", json_string(e->happy ? "happy_path" : "rules"));
	if (e->happy) {
		json_object_set_new(o, "happy_path", json_pack("{s:f, s:I, s:f}", "percent", e->pct,
				    "variants", (json_int_t)r->happy_variants,
				    "coverage", r->happy_coverage));
	} else {
		json_t *pa = json_array();
		for (i = 0; i < e->nloaded; i++)
			json_array_append_new(pa, json_string(e->loaded[i]));
		for (i = 0; i < (size_t)e->pats.n; i++)
			json_array_append_new(pa, json_string(e->pats.v[i]));
		json_object_set_new(o, "patterns", pa);
	}
	json_object_set_new(o, "cases", json_integer((json_int_t)r->cases));
	json_object_set_new(o, "exception_cases", json_integer((json_int_t)r->exception_cases));
	json_object_set_new(o, "rate", json_real(r->rate));
	json_object_set_new(o, "rate_ci95", json_pack("[f, f]", r->rate_lo, r->rate_hi));
	json_object_set_new(o, "resolution_seconds", pjson_summary(&r->resolution));
	json_object_set_new(o, "resolved_cases", json_integer((json_int_t)r->resolved_cases));
	if (!isnan(r->cost_exception))
		json_object_set_new(o, "cost", json_pack("{s:f, s:f}", "exception_cases",
				    r->cost_exception, "other_cases", r->cost_normal));
	for (i = 0; i < r->nacts; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "activity",
						     eventlog_str(l, r->acts[i].activity),
						     "events", (json_int_t)r->acts[i].events,
						     "cases", (json_int_t)r->acts[i].cases));
	json_object_set_new(o, "activities", arr);
	return o;
}

static void exc_text(const struct exc_opts *e, const struct eventlog *l,
		     const struct exc_result *r, size_t top)
{
	char a[32], b[32];
	size_t i;

	printf("\nexceptions (%s", e->happy ? "off the happy path" : "by rule");
	if (e->happy)
		printf(": %zu variants cover %.1f%% of cases", r->happy_variants,
		       100 * r->happy_coverage);
	printf("): %zu of %zu cases, %.1f%% [%.1f%%, %.1f%%]\n", r->exception_cases, r->cases,
	       100 * r->rate, 100 * r->rate_lo, 100 * r->rate_hi);
	printf("  resolution time: median %s, p90 %s; %zu resolved, %zu end in the exception\n",
	       pjson_human(r->resolution.median, a, 32), pjson_human(r->resolution.p90, b, 32),
	       r->resolved_cases, r->resolution.n - r->resolved_cases);
	if (!isnan(r->cost_exception))
		printf("  cost: %.2f in exception cases, %.2f in the others\n", r->cost_exception,
		       r->cost_normal);
	for (i = 0; i < r->nacts && i < top; i++)
		printf("  %-36.36s %8zu events in %zu cases\n", eventlog_str(l, r->acts[i].activity),
		       r->acts[i].events, r->acts[i].cases);
}

/* ---- compare ------------------------------------------------------------ */

static int process_compare_cmd(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue process compare LOG --by ATTR [--value V] [--json] [--seed N] [--reps N]"
		" [exception options]",
		"aivalue process compare LOG --before DATE [--json] [--seed N] [--reps N]"
		" [exception options]", NULL };
	const char *by = NULL, *before = NULL, *value = NULL;
	long long seed = 20261125, reps = 2000;
	struct exc_opts eo;
	struct exc_result er_all;
	struct process_stats all;
	const struct option opts[] = {
		{ OPT_BOOL, 0, "rules", &eo.rules, NULL, "exceptions from the ExceptionRules applied to the workspace" },
		{ OPT_STRING, 0, "exceptions", &eo.file, "FILE", "YAML ExceptionRule documents" },
		{ OPT_LIST, 0, "exception", &eo.pats, "PATTERN", "an exception activity name or glob" },
		{ OPT_STRING, 0, "happy-path", &eo.happy, "PCT",
		  "derive exceptions from the whole log's happy path covering PCT % of cases" },
		{ OPT_STRING, 0, "by", &by, "ATTR", "split cases by this case attribute" },
		{ OPT_STRING, 0, "value", &value, "V",
		  "with --by: cohort B is this value, A every other value" },
		{ OPT_STRING, 0, "before", &before, "DATE",
		  "split cases by first event before / on-or-after DATE" },
		{ OPT_INT, 0, "seed", &seed, "N", "bootstrap seed (default 20261125)" },
		{ OPT_INT, 0, "reps", &reps, "N", "bootstrap resamples (default 2000)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct eventlog l;
	struct pjson_cohorts co;
	struct exc_result er[2];
	int n, ret = 0, k;

	memset(&co, 0, sizeof(co));
	memset(er, 0, sizeof(er));
	memset(&eo, 0, sizeof(eo));
	memset(&er_all, 0, sizeof(er_all));
	memset(&all, 0, sizeof(all));
	eventlog_init(&l);
	if ((n = parse_options(argc, argv, opts, usage)) < 0) {
		ret = n == -2 ? 0 : 2;
		goto cleanup;
	}
	if (n != 1 || !by == !before || (value && !by) || reps < 100 || reps > 1000000) {
		usage_with_options(usage, opts, 1);
		ret = 2;
		goto cleanup;
	}
	if (logstore_load(ctx->store, argv[1], &l, &err)) {
		ret = cli_error(&err);
		goto cleanup;
	}
	if (eo.file || eo.pats.n || eo.happy || eo.rules) {
		process_stats_compute(&l, NULL, &all);
		if ((ret = exc_prepare(&eo, ctx->store, &l, &all, &er_all)))
			goto cleanup;
	}
	if (pjson_cohorts_compute(&l, argv[1], by, value, before, reps, seed, &co, &err)) {
		ret = cli_error(&err);
		goto cleanup;
	}
	for (k = 0; k < 2 && eo.on; k++)
		exceptions_compute(&l, co.mask[k], eo.exc, eo.case_exc, &er[k]);
	for (k = 0; k < 2 && eo.on; k++)
		exc_no_time(&l, &er[k]);
	if (ctx->json) {
		json_t *o = pjson_compare(&co, argv[1], by, before);
		if (eo.on) {
			json_t *d = json_object_get(o, "difference");
			for (k = 0; k < 2; k++)
				json_object_set_new(json_array_get(json_object_get(o, "cohorts"), (size_t)k),
						    "exceptions", exc_json(&eo, &l, &er[k]));
			json_object_set_new(d, "exception_rate", pjson_diff(er[0].rate, er[1].rate));
			json_object_set_new(d, "median_resolution_seconds",
					    pjson_diff(er[0].resolution.median,
						       er[1].resolution.median));
		}
		cli_print_json(o);
	} else {
		const struct process_stats *a = &co.ps[0], *b = &co.ps[1];
		double ra = (double)a->rework_cases / (double)a->cases;
		double rb = (double)b->rework_cases / (double)b->cases;
		double ea = (double)a->events / (double)a->cases;
		double eb = (double)b->events / (double)b->cases;
		double lo = co.median_lo, hi = co.median_hi;
		char s1[32], s2[32], s3[32], s4[32];

		printf("log %s: A = %s, B = %s", argv[1], co.label[0], co.label[1]);
		if (co.excluded)
			printf(" (%zu cases without '%s' left out)", co.excluded, by);
		printf("\n\n%-28s %16s %16s %16s %9s\n", "", "A", "B", "B - A", "B/A - 1");
		printf("%-28s %16zu %16zu\n", "cases", a->cases, b->cases);
		if (l.no_time) {
			printf("%-28s %16s\n", "case duration", "no timestamps");
		} else {
			s4[0] = b->duration.median < a->duration.median ? '-' : '+';
			pjson_human(fabs(b->duration.median - a->duration.median), s4 + 1, 31);
			printf("%-28s %16s %16s %16s %8.1f%%\n", "median case duration",
			       pjson_human(a->duration.median, s1, 32),
			       pjson_human(b->duration.median, s2, 32),
			       s4, 100 * (b->duration.median / a->duration.median - 1));
			printf("%-28s 95%% CI of B - A: [%s%s, %s%s] (bootstrap, %lld resamples, seed %lld)\n",
			       "", lo < 0 ? "-" : "", pjson_human(fabs(lo), s3, 32), hi < 0 ? "-" : "",
			       pjson_human(fabs(hi), s4, 32), reps, seed);
			printf("%-28s %16s %16s\n", "mean case duration",
			       pjson_human(a->duration.mean, s1, 32), pjson_human(b->duration.mean, s2, 32));
			printf("%-28s %16s %16s\n", "p90 case duration",
			       pjson_human(a->duration.p90, s1, 32), pjson_human(b->duration.p90, s2, 32));
		}
		printf("%-28s %15.1f%% %15.1f%% %+15.1fpp\n", "rework rate", 100 * ra, 100 * rb,
		       100 * (rb - ra));
		printf("%-28s   [%4.1f%%, %4.1f%%]   [%4.1f%%, %4.1f%%]  (Wilson 95%%)\n", "",
		       100 * co.rework_lo[0], 100 * co.rework_hi[0], 100 * co.rework_lo[1],
		       100 * co.rework_hi[1]);
		printf("%-28s %16.2f %16.2f %+16.2f\n", "events per case", ea, eb, eb - ea);
		printf("%-28s %16zu %16zu\n", "variants", a->nvariants, b->nvariants);
		if (eo.on) {
			printf("%-28s %15.1f%% %15.1f%% %+15.1fpp\n", "exception rate",
			       100 * er[0].rate, 100 * er[1].rate, 100 * (er[1].rate - er[0].rate));
			printf("%-28s   [%4.1f%%, %4.1f%%]   [%4.1f%%, %4.1f%%]  (Wilson 95%%)\n", "",
			       100 * er[0].rate_lo, 100 * er[0].rate_hi,
			       100 * er[1].rate_lo, 100 * er[1].rate_hi);
			printf("%-28s %16s %16s\n", "median resolution time",
			       l.no_time ? "no timestamps" : pjson_human(er[0].resolution.median, s1, 32),
			       l.no_time ? "" : pjson_human(er[1].resolution.median, s2, 32));
		}
	}
cleanup:
	for (k = 0; k < 2; k++)
		exceptions_release(&er[k]);
	pjson_cohorts_release(&co);
	exceptions_release(&er_all);
	exc_opts_release(&eo);
	process_stats_release(&all);
	eventlog_release(&l);
	return ret;
}

static int process_stats_cmd(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue process stats LOG [--json] [--dfg dot] [--top N] [--fresh]"
		" [--rules | --exceptions FILE | --exception PATTERN ... | --happy-path PCT]", NULL };
	const char *dfg = NULL;
	long long top = PSTATS_KEPT_TOP;
	int fresh = 0;
	struct exc_opts eo;
	struct exc_result er;
	const struct option opts[] = {
		{ OPT_BOOL, 0, "fresh", &fresh, NULL,
		  "recompute from the stored log instead of printing the figures its import kept" },
		{ OPT_BOOL, 0, "rules", &eo.rules, NULL, "exceptions from the ExceptionRules applied to the workspace" },
		{ OPT_STRING, 0, "exceptions", &eo.file, "FILE", "YAML ExceptionRule documents" },
		{ OPT_LIST, 0, "exception", &eo.pats, "PATTERN", "an exception activity name or glob" },
		{ OPT_STRING, 0, "happy-path", &eo.happy, "PCT",
		  "derive exceptions: cases off the variants covering PCT % of cases" },
		{ OPT_STRING, 0, "dfg", &dfg, "dot", "print the directly-follows graph as Graphviz" },
		{ OPT_INT, 0, "top", &top, "N", "rows per table in text and top lists (default 10)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct eventlog l;
	struct process_stats ps;
	int n, ret = 0;

	memset(&eo, 0, sizeof(eo));
	memset(&er, 0, sizeof(er));
	memset(&ps, 0, sizeof(ps));
	eventlog_init(&l);
	if ((n = parse_options(argc, argv, opts, usage)) < 0) {
		ret = n == -2 ? 0 : 2;
		goto cleanup;
	}
	if (n != 1 || top < 1) {
		usage_with_options(usage, opts, 1);
		ret = 2;
		goto cleanup;
	}
	if (dfg && strcmp(dfg, "dot")) {
		fprintf(stderr, "error: --dfg takes 'dot', not '%s'\n", dfg);
		ret = 2;
		goto cleanup;
	}
	if (!fresh && !dfg && top == PSTATS_KEPT_TOP && !eo.rules && !eo.file && !eo.pats.n &&
	    !eo.happy) {
		/* the import kept these figures over the same content: no reload */
		char *kept = NULL;
		if (logstore_kept_get(ctx->store, argv[1], process_stats_kept_form(ctx->json),
				      &kept, &err)) {
			ret = cli_error(&err);
			goto cleanup;
		}
		if (kept) {
			fputs(kept, stdout);
			free(kept);
			goto cleanup;
		}
	}
	if (logstore_load(ctx->store, argv[1], &l, &err)) {
		ret = cli_error(&err);
		goto cleanup;
	}
	process_stats_compute(&l, NULL, &ps);
	if ((ret = exc_prepare(&eo, ctx->store, &l, &ps, &er)))
		goto cleanup;
	if (eo.on) {
		exceptions_compute(&l, NULL, eo.exc, eo.case_exc, &er);
		exc_no_time(&l, &er);
	}
	if (dfg) {
		struct strbuf sb = STRBUF_INIT;
		pjson_dfg_dot(&sb, argv[1], &l, &ps);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
	}
	else if (ctx->json) {
		json_t *o = pjson_stats(&l, &ps, (size_t)top);
		json_object_set_new(o, "log", json_string(argv[1]));
		if (eo.on)
			json_object_set_new(o, "exceptions", exc_json(&eo, &l, &er));
		cli_print_json(o);
	} else {
		struct strbuf sb = STRBUF_INIT;
		print_text(&sb, argv[1], &l, &ps, (size_t)top);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		if (eo.on)
			exc_text(&eo, &l, &er, (size_t)top);
	}
cleanup:
	exceptions_release(&er);
	exc_opts_release(&eo);
	process_stats_release(&ps);
	eventlog_release(&l);
	return ret;
}

int cmd_process(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue process stats LOG [--json] [--dfg dot] [--top N]",
		"aivalue process compare LOG --by ATTR [--value V] | --before DATE [--json] [--seed N]",
		"(see 'aivalue process stats --help' and 'aivalue process compare --help')", NULL };
	static const struct option none[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };

	if (argc >= 2 && !strcmp(argv[1], "stats"))
		return process_stats_cmd(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "compare"))
		return process_compare_cmd(argc - 1, argv + 1, ctx);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage_with_options(usage, none, 0);
		return 0;
	}
	usage_with_options(usage, none, 1);
	return 2;
}
