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
#include "options.h"

/* JSON number, or null for NaN/inf (no case, no wait). */
static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *summary_json(const struct pstat_summary *s)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "min", jnum(s->min),
			 "median", jnum(s->median), "mean", jnum(s->mean),
			 "p90", jnum(s->p90), "max", jnum(s->max));
}

static json_t *variant_json(const struct eventlog *l, const struct process_stats *ps,
			    const struct pstat_variant *v)
{
	json_t *acts = json_array();
	size_t i;

	for (i = l->case_off[v->first_case]; i < l->case_off[v->first_case + 1]; i++)
		json_array_append_new(acts, json_string(eventlog_str(l, l->activity[i])));
	return json_pack("{s:o, s:I, s:f}", "activities", acts, "cases", (json_int_t)v->count,
			 "share", ps->cases ? (double)v->count / (double)ps->cases : 0.0);
}

static int cmp_bottleneck(const void *a, const void *b)
{
	const struct pstat_activity *x = *(const struct pstat_activity *const *)a;
	const struct pstat_activity *y = *(const struct pstat_activity *const *)b;
	double mx = x->wait.n ? x->wait.median : -1, my = y->wait.n ? y->wait.median : -1;

	if (mx != my)
		return mx > my ? -1 : 1;
	return x->events > y->events ? -1 : x->events < y->events;
}

/* Activities ordered by median wait, longest first (caller frees the array). */
static const struct pstat_activity **bottlenecks(const struct process_stats *ps)
{
	const struct pstat_activity **b = xmalloc(st_mult(ps->nacts + 1, sizeof(*b)));
	size_t i;

	for (i = 0; i < ps->nacts; i++)
		b[i] = &ps->acts[i];
	qsort(b, ps->nacts, sizeof(*b), cmp_bottleneck);
	return b;
}

/* The full figure set as JSON (new reference). */
static json_t *process_stats_json(const struct eventlog *l, const struct process_stats *ps,
			   size_t top)
{
	json_t *o = json_object(), *arr, *x;
	const struct pstat_activity **bn;
	char t1[TIME_ISO_LEN], t2[TIME_ISO_LEN];
	size_t i;

	json_object_set_new(o, "cases", json_integer((json_int_t)ps->cases));
	json_object_set_new(o, "events", json_integer((json_int_t)ps->events));
	json_object_set_new(o, "activities", json_integer((json_int_t)ps->activities));
	json_object_set_new(o, "resources", json_integer((json_int_t)ps->resources));
	json_object_set_new(o, "variants", json_integer((json_int_t)ps->nvariants));
	json_object_set_new(o, "out_of_order_events", json_integer((json_int_t)ps->out_of_order));
	time_format_us(ps->first_time, t1);
	time_format_us(ps->last_time, t2);
	json_object_set_new(o, "first_event", json_string(t1));
	json_object_set_new(o, "last_event", json_string(t2));
	json_object_set_new(o, "case_duration_seconds", summary_json(&ps->duration));

	arr = json_array();
	for (i = 0; i < ps->nvariants && i < top; i++)
		json_array_append_new(arr, variant_json(l, ps, &ps->variants[i]));
	json_object_set_new(o, "top_variants", arr);

	arr = json_array();
	for (i = 0; i < ps->nacts; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "activity",
						     eventlog_str(l, ps->acts[i].activity),
						     "events", (json_int_t)ps->acts[i].events,
						     "cases", (json_int_t)ps->acts[i].cases));
	json_object_set_new(o, "events_per_activity", arr);

	bn = bottlenecks(ps);
	arr = json_array();
	for (i = 0; i < ps->nacts; i++) {
		if (!bn[i]->wait.n)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:I, s:o, s:o, s:o}", "activity",
						     eventlog_str(l, bn[i]->activity),
						     "waits", (json_int_t)bn[i]->wait.n,
						     "median_wait_seconds", jnum(bn[i]->wait.median),
						     "p90_wait_seconds", jnum(bn[i]->wait.p90),
						     "mean_wait_seconds", jnum(bn[i]->wait.mean)));
	}
	free(bn);
	json_object_set_new(o, "bottlenecks", arr);

	arr = json_array();
	for (i = 0; i < ps->nhandovers && i < top; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I}",
						     "from", eventlog_str(l, ps->handovers[i].from),
						     "to", eventlog_str(l, ps->handovers[i].to),
						     "count", (json_int_t)ps->handovers[i].count));
	json_object_set_new(o, "handovers", json_pack("{s:I, s:I, s:o}",
			    "total", (json_int_t)ps->handover_total,
			    "pairs", (json_int_t)ps->nhandovers, "top", arr));

	arr = json_array();
	for (i = 0; i < ps->nacts; i++)
		if (ps->acts[i].rework_cases)
			json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "activity",
							     eventlog_str(l, ps->acts[i].activity),
							     "cases", (json_int_t)ps->acts[i].rework_cases,
							     "repeats", (json_int_t)ps->acts[i].repeats));
	json_object_set_new(o, "rework", json_pack("{s:I, s:f, s:o}",
			    "cases", (json_int_t)ps->rework_cases,
			    "rate", ps->cases ? (double)ps->rework_cases / (double)ps->cases : 0.0,
			    "activities", arr));

	arr = json_array();
	for (i = 0; i < ps->nweeks; i++) {
		char wk[16];
		snprintf(wk, sizeof(wk), "%04d-W%02d", ps->weeks[i].year % 10000,
			 ps->weeks[i].week % 100);
		json_array_append_new(arr, json_pack("{s:s, s:I}", "week", wk,
						     "cases", (json_int_t)ps->weeks[i].cases));
	}
	json_object_set_new(o, "cases_started_per_week", arr);

	x = json_object();
	arr = json_array();
	for (i = 0; i < ps->ndfg; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:o, s:o}",
						     "from", eventlog_str(l, ps->dfg[i].from),
						     "to", eventlog_str(l, ps->dfg[i].to),
						     "count", (json_int_t)ps->dfg[i].count,
						     "median_seconds", jnum(ps->dfg[i].median),
						     "p90_seconds", jnum(ps->dfg[i].p90)));
	json_object_set_new(x, "edges", arr);
	arr = json_array();
	for (i = 0; i < ps->nstarts; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I}", "activity",
						     eventlog_str(l, ps->starts[i].to),
						     "cases", (json_int_t)ps->starts[i].count));
	json_object_set_new(x, "start", arr);
	arr = json_array();
	for (i = 0; i < ps->nends; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I}", "activity",
						     eventlog_str(l, ps->ends[i].to),
						     "cases", (json_int_t)ps->ends[i].count));
	json_object_set_new(x, "end", arr);
	json_object_set_new(o, "dfg", x);
	if (!isnan(ps->cost_total))
		json_object_set_new(o, "cost", json_pack("{s:f, s:I}", "total", ps->cost_total,
							 "cases_with_cost", (json_int_t)ps->cost_cases));
	return o;
}

/* "3d 4h", "2h 05m", "4m 10s", "12.5s" into buf. */
static const char *human(double s, char *buf, size_t n)
{
	if (!isfinite(s))
		snprintf(buf, n, "-");
	else if (s >= 86400)
		snprintf(buf, n, "%.0fd %02.0fh", floor(s / 86400), floor(fmod(s, 86400) / 3600));
	else if (s >= 3600)
		snprintf(buf, n, "%.0fh %02.0fm", floor(s / 3600), floor(fmod(s, 3600) / 60));
	else if (s >= 60)
		snprintf(buf, n, "%.0fm %02.0fs", floor(s / 60), floor(fmod(s, 60)));
	else
		snprintf(buf, n, "%.1fs", s);
	return buf;
}

static void print_text(const char *name, const struct eventlog *l,
		       const struct process_stats *ps, size_t top)
{
	const struct pstat_activity **bn;
	char a[32], b[32], c[32], d[32], e[32];
	size_t i, k;

	printf("log %s: %zu cases, %zu events, %zu activities, %zu resources, %zu variants\n",
	       name, ps->cases, ps->events, ps->activities, ps->resources, ps->nvariants);
	if (ps->out_of_order)
		printf("  %zu events were out of time order in the source (sorted)\n",
		       ps->out_of_order);
	printf("\ncase duration: min %s, median %s, mean %s, p90 %s, max %s\n",
	       human(ps->duration.min, a, 32), human(ps->duration.median, b, 32),
	       human(ps->duration.mean, c, 32), human(ps->duration.p90, d, 32),
	       human(ps->duration.max, e, 32));
	printf("\ntop variants:\n");
	for (i = 0; i < ps->nvariants && i < top; i++) {
		const struct pstat_variant *v = &ps->variants[i];
		printf("  %6zu  %5.1f%%  ", v->count, 100.0 * (double)v->count / (double)ps->cases);
		for (k = l->case_off[v->first_case]; k < l->case_off[v->first_case + 1]; k++) {
			if (k - l->case_off[v->first_case] >= 12) {
				printf(" ... (%u events)", v->len);
				break;
			}
			printf("%s%s", k > l->case_off[v->first_case] ? " > " : "",
			       eventlog_str(l, l->activity[k]));
		}
		printf("\n");
	}
	printf("\nbottlenecks (waiting time before the activity):\n");
	bn = bottlenecks(ps);
	printf("  %-36s %9s %12s %12s\n", "ACTIVITY", "EVENTS", "MEDIAN WAIT", "P90 WAIT");
	for (i = 0; i < ps->nacts && i < top; i++)
		printf("  %-36.36s %9zu %12s %12s\n", eventlog_str(l, bn[i]->activity), bn[i]->events,
		       human(bn[i]->wait.median, a, 32), human(bn[i]->wait.p90, b, 32));
	free(bn);
	printf("\nrework: %zu cases (%.1f%%) repeat an activity\n", ps->rework_cases,
	       ps->cases ? 100.0 * (double)ps->rework_cases / (double)ps->cases : 0.0);
	for (i = 0, k = 0; i < ps->nacts && k < top; i++)
		if (ps->acts[i].rework_cases) {
			printf("  %-36.36s in %zu cases, %zu repeats\n",
			       eventlog_str(l, ps->acts[i].activity), ps->acts[i].rework_cases,
			       ps->acts[i].repeats);
			k++;
		}
	printf("\nhandovers: %zu between %zu resource pairs\n", ps->handover_total, ps->nhandovers);
	for (i = 0; i < ps->nhandovers && i < top; i++)
		printf("  %8zu  %s -> %s\n", ps->handovers[i].count,
		       eventlog_str(l, ps->handovers[i].from), eventlog_str(l, ps->handovers[i].to));
	printf("\ndirectly-follows edges (top %zu of %zu):\n", top < ps->ndfg ? top : ps->ndfg,
	       ps->ndfg);
	for (i = 0; i < ps->ndfg && i < top; i++)
		printf("  %8zu  %s -> %s  (median %s)\n", ps->dfg[i].count,
		       eventlog_str(l, ps->dfg[i].from), eventlog_str(l, ps->dfg[i].to),
		       human(ps->dfg[i].median, a, 32));
	printf("\ncases started per ISO week: %zu weeks", ps->nweeks);
	if (ps->nweeks) {
		size_t mx = 0;
		for (i = 0; i < ps->nweeks; i++)
			if (ps->weeks[i].cases > ps->weeks[mx].cases)
				mx = i;
		printf(", %04d-W%02d .. %04d-W%02d, busiest %04d-W%02d (%zu)",
		       ps->weeks[0].year, ps->weeks[0].week, ps->weeks[ps->nweeks - 1].year,
		       ps->weeks[ps->nweeks - 1].week, ps->weeks[mx].year, ps->weeks[mx].week,
		       ps->weeks[mx].cases);
	}
	printf("\n");
	if (!isnan(ps->cost_total))
		printf("\ncost: %.2f in total over %zu cases\n", ps->cost_total, ps->cost_cases);
}

static void dot_str(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	}
}

static void print_dot(const char *name, const struct eventlog *l, const struct process_stats *ps)
{
	char a[32];
	size_t i;

	printf("digraph \"");
	dot_str(name);
	printf("\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
	printf("  \"__start\" [shape=circle, label=\"\", style=filled, fillcolor=green];\n");
	printf("  \"__end\" [shape=doublecircle, label=\"\", style=filled, fillcolor=red];\n");
	for (i = 0; i < ps->nacts; i++) {
		printf("  \"");
		dot_str(eventlog_str(l, ps->acts[i].activity));
		printf("\" [label=\"");
		dot_str(eventlog_str(l, ps->acts[i].activity));
		printf("\\n%zu\"];\n", ps->acts[i].events);
	}
	for (i = 0; i < ps->nstarts; i++) {
		printf("  \"__start\" -> \"");
		dot_str(eventlog_str(l, ps->starts[i].to));
		printf("\" [label=\"%zu\"];\n", ps->starts[i].count);
	}
	for (i = 0; i < ps->ndfg; i++) {
		printf("  \"");
		dot_str(eventlog_str(l, ps->dfg[i].from));
		printf("\" -> \"");
		dot_str(eventlog_str(l, ps->dfg[i].to));
		printf("\" [label=\"%zu\\n%s\"];\n", ps->dfg[i].count,
		       human(ps->dfg[i].median, a, sizeof(a)));
	}
	for (i = 0; i < ps->nends; i++) {
		printf("  \"");
		dot_str(eventlog_str(l, ps->ends[i].to));
		printf("\" -> \"__end\" [label=\"%zu\"];\n", ps->ends[i].count);
	}
	printf("}\n");
}



/* ---- exceptions ----------------------------------------------------------- */

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
	json_object_set_new(o, "resolution_seconds", summary_json(&r->resolution));
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
	       human(r->resolution.median, a, 32), human(r->resolution.p90, b, 32),
	       r->resolved_cases, r->resolution.n - r->resolved_cases);
	if (!isnan(r->cost_exception))
		printf("  cost: %.2f in exception cases, %.2f in the others\n", r->cost_exception,
		       r->cost_normal);
	for (i = 0; i < r->nacts && i < top; i++)
		printf("  %-36.36s %8zu events in %zu cases\n", eventlog_str(l, r->acts[i].activity),
		       r->acts[i].events, r->acts[i].cases);
}

/* ---- compare ------------------------------------------------------------ */

struct cohort {
	const char *label;
	struct process_stats ps;
	double rework_lo, rework_hi;
	struct exc_result er;
};

static int is_false_label(const char *s)
{
	return !strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no") ||
	       !strcasecmp(s, "n");
}

static json_t *cohort_json(const struct cohort *c)
{
	const struct process_stats *ps = &c->ps;

	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:f, s:{s:I, s:f, s:[f, f]}, s:f}",
			 "label", c->label, "cases", (json_int_t)ps->cases,
			 "events", (json_int_t)ps->events, "activities", (json_int_t)ps->activities,
			 "variants", (json_int_t)ps->nvariants,
			 "case_duration_seconds", summary_json(&ps->duration),
			 "events_per_case", ps->cases ? (double)ps->events / (double)ps->cases : 0.0,
			 "rework", "cases", (json_int_t)ps->rework_cases,
			 "rate", ps->cases ? (double)ps->rework_cases / (double)ps->cases : 0.0,
			 "ci95", c->rework_lo, c->rework_hi,
			 "handovers_per_case",
			 ps->cases ? (double)ps->handover_total / (double)ps->cases : 0.0);
}

static json_t *diff_json(double a, double b)
{
	return json_pack("{s:o, s:o}", "absolute", jnum(b - a),
			 "relative", a != 0 ? jnum((b - a) / a) : json_null());
}

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
	struct cohort co[2];
	uint8_t *mask[2] = { NULL, NULL };
	uint32_t *vals = NULL, va = EVL_NONE, vb = EVL_NONE, key;
	size_t excluded = 0, i;
	double lo = NAN, hi = NAN;
	int n, ret = 0, k;
	char *label_a = NULL, *label_b = NULL;

	memset(co, 0, sizeof(co));
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
	mask[0] = xcalloc(l.ncases, 1);
	mask[1] = xcalloc(l.ncases, 1);
	if (before) {
		int64_t t;
		if (ingest_parse_time(before, strlen(before), &t)) {
			ret = cli_errorf("unparseable date '%s' for --before", before);
			goto cleanup;
		}
		for (i = 0; i < l.ncases; i++)
			mask[l.time[l.case_off[i]] >= t][i] = 1;
		label_a = xstrfmt("before %s", before);
		label_b = xstrfmt("on or after %s", before);
	} else {
		key = strpool_find(&l.strs, by, strlen(by));
		vals = xmalloc(st_mult(l.ncases, sizeof(*vals)));
		if (key == EVL_NONE) {
			ret = cli_errorf("log '%s' has no attribute '%s'", argv[1], by);
			goto cleanup;
		}
		eventlog_case_attr_all(&l, key, vals);
		if (value) {
			vb = strpool_find(&l.strs, value, strlen(value));
			for (i = 0; i < l.ncases; i++) {
				if (vals[i] == EVL_NONE)
					excluded++;
				else
					mask[vals[i] == vb][i] = 1;
			}
			label_a = xstrfmt("%s != %s", by, value);
			label_b = xstrfmt("%s = %s", by, value);
		} else {
			for (i = 0; i < l.ncases; i++) {
				uint32_t v = vals[i];
				if (v == EVL_NONE || v == va || v == vb)
					continue;
				if (va == EVL_NONE)
					va = v;
				else if (vb == EVL_NONE)
					vb = v;
				else {
					ret = cli_errorf("attribute '%s' has more than two values ('%s', '%s', '%s', ...); "
							 "pick one with --value", by, eventlog_str(&l, va),
							 eventlog_str(&l, vb), eventlog_str(&l, v));
					goto cleanup;
				}
			}
			if (vb == EVL_NONE) {
				ret = cli_errorf("attribute '%s' has fewer than two values: nothing to compare", by);
				goto cleanup;
			}
			/* baseline A: the "false" value, else the first in byte order */
			if (is_false_label(eventlog_str(&l, vb)) ||
			    (!is_false_label(eventlog_str(&l, va)) &&
			     strcmp(eventlog_str(&l, vb), eventlog_str(&l, va)) < 0)) {
				uint32_t t = va;
				va = vb;
				vb = t;
			}
			for (i = 0; i < l.ncases; i++) {
				if (vals[i] == va)
					mask[0][i] = 1;
				else if (vals[i] == vb)
					mask[1][i] = 1;
				else
					excluded++;
			}
			label_a = xstrfmt("%s = %s", by, eventlog_str(&l, va));
			label_b = xstrfmt("%s = %s", by, eventlog_str(&l, vb));
		}
	}
	co[0].label = label_a;
	co[1].label = label_b;
	for (k = 0; k < 2; k++) {
		process_stats_compute(&l, mask[k], &co[k].ps);
		stats_wilson(co[k].ps.rework_cases, co[k].ps.cases, 1.959963984540054,
			     &co[k].rework_lo, &co[k].rework_hi);
		if (eo.on)
			exceptions_compute(&l, mask[k], eo.exc, eo.case_exc, &co[k].er);
	}
	if (!co[0].ps.cases || !co[1].ps.cases) {
		ret = cli_errorf("a cohort is empty ('%s': %zu cases, '%s': %zu cases)", label_a,
				 co[0].ps.cases, label_b, co[1].ps.cases);
		goto cleanup;
	}
	if (stats_bootstrap_median_diff(co[0].ps.durations, co[0].ps.cases, co[1].ps.durations,
					co[1].ps.cases, (unsigned)reps, 0.95, (uint64_t)seed, NULL,
					&lo, &hi))
		lo = hi = NAN;
	{
		const struct process_stats *a = &co[0].ps, *b = &co[1].ps;
		double ra = (double)a->rework_cases / (double)a->cases;
		double rb = (double)b->rework_cases / (double)b->cases;
		double ea = (double)a->events / (double)a->cases;
		double eb = (double)b->events / (double)b->cases;
		json_t *d = json_object(), *med = diff_json(a->duration.median, b->duration.median);

		json_object_set_new(med, "ci95", json_pack("[o, o]", jnum(lo), jnum(hi)));
		json_object_set_new(med, "bootstrap", json_pack("{s:I, s:I, s:s}",
				    "reps", (json_int_t)reps, "seed", (json_int_t)seed,
				    "method", "percentile"));
		json_object_set_new(d, "median_case_duration_seconds", med);
		json_object_set_new(d, "mean_case_duration_seconds",
				    diff_json(a->duration.mean, b->duration.mean));
		json_object_set_new(d, "p90_case_duration_seconds",
				    diff_json(a->duration.p90, b->duration.p90));
		json_object_set_new(d, "rework_rate", diff_json(ra, rb));
		json_object_set_new(d, "events_per_case", diff_json(ea, eb));
		if (eo.on) {
			json_object_set_new(d, "exception_rate", diff_json(co[0].er.rate, co[1].er.rate));
			json_object_set_new(d, "median_resolution_seconds",
					    diff_json(co[0].er.resolution.median,
						      co[1].er.resolution.median));
		}
		if (ctx->json) {
			json_t *ca = cohort_json(&co[0]), *cb = cohort_json(&co[1]), *o;
			if (eo.on) {
				json_object_set_new(ca, "exceptions", exc_json(&eo, &l, &co[0].er));
				json_object_set_new(cb, "exceptions", exc_json(&eo, &l, &co[1].er));
			}
			o = json_pack("{s:s, s:[o, o], s:o, s:I}", "log", argv[1],
				      "cohorts", ca, cb,
				      "difference", d, "excluded_cases", (json_int_t)excluded);
			json_object_set_new(o, by ? "by" : "before", json_string(by ? by : before));
			cli_print_json(o);
		} else {
			char s1[32], s2[32], s3[32], s4[32];
			json_decref(d);
			printf("log %s: A = %s, B = %s", argv[1], label_a, label_b);
			if (excluded)
				printf(" (%zu cases without '%s' left out)", excluded, by);
			printf("\n\n%-28s %16s %16s %16s %9s\n", "", "A", "B", "B - A", "B/A - 1");
			printf("%-28s %16zu %16zu\n", "cases", a->cases, b->cases);
			s4[0] = b->duration.median < a->duration.median ? '-' : '+';
			human(fabs(b->duration.median - a->duration.median), s4 + 1, 31);
			printf("%-28s %16s %16s %16s %8.1f%%\n", "median case duration",
			       human(a->duration.median, s1, 32), human(b->duration.median, s2, 32), s4,
			       100 * (b->duration.median / a->duration.median - 1));
			printf("%-28s 95%% CI of B - A: [%s%s, %s%s] (bootstrap, %lld resamples, seed %lld)\n",
			       "", lo < 0 ? "-" : "", human(fabs(lo), s3, 32), hi < 0 ? "-" : "",
			       human(fabs(hi), s4, 32), reps, seed);
			printf("%-28s %16s %16s\n", "mean case duration", human(a->duration.mean, s1, 32),
			       human(b->duration.mean, s2, 32));
			printf("%-28s %16s %16s\n", "p90 case duration", human(a->duration.p90, s1, 32),
			       human(b->duration.p90, s2, 32));
			printf("%-28s %15.1f%% %15.1f%% %+15.1fpp\n", "rework rate", 100 * ra, 100 * rb,
			       100 * (rb - ra));
			printf("%-28s   [%4.1f%%, %4.1f%%]   [%4.1f%%, %4.1f%%]  (Wilson 95%%)\n", "",
			       100 * co[0].rework_lo, 100 * co[0].rework_hi, 100 * co[1].rework_lo,
			       100 * co[1].rework_hi);
			printf("%-28s %16.2f %16.2f %+16.2f\n", "events per case", ea, eb, eb - ea);
			printf("%-28s %16zu %16zu\n", "variants", a->nvariants, b->nvariants);
			if (eo.on) {
				printf("%-28s %15.1f%% %15.1f%% %+15.1fpp\n", "exception rate",
				       100 * co[0].er.rate, 100 * co[1].er.rate,
				       100 * (co[1].er.rate - co[0].er.rate));
				printf("%-28s   [%4.1f%%, %4.1f%%]   [%4.1f%%, %4.1f%%]  (Wilson 95%%)\n", "",
				       100 * co[0].er.rate_lo, 100 * co[0].er.rate_hi,
				       100 * co[1].er.rate_lo, 100 * co[1].er.rate_hi);
				printf("%-28s %16s %16s\n", "median resolution time",
				       human(co[0].er.resolution.median, s1, 32),
				       human(co[1].er.resolution.median, s2, 32));
			}
		}
	}
cleanup:
	for (k = 0; k < 2; k++) {
		process_stats_release(&co[k].ps);
		exceptions_release(&co[k].er);
		free(mask[k]);
	}
	exceptions_release(&er_all);
	exc_opts_release(&eo);
	process_stats_release(&all);
	free(vals);
	free(label_a);
	free(label_b);
	eventlog_release(&l);
	return ret;
}

static int process_stats_cmd(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue process stats LOG [--json] [--dfg dot] [--top N]"
		" [--rules | --exceptions FILE | --exception PATTERN ... | --happy-path PCT]", NULL };
	const char *dfg = NULL;
	long long top = 10;
	struct exc_opts eo;
	struct exc_result er;
	const struct option opts[] = {
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
	if (logstore_load(ctx->store, argv[1], &l, &err)) {
		ret = cli_error(&err);
		goto cleanup;
	}
	process_stats_compute(&l, NULL, &ps);
	if ((ret = exc_prepare(&eo, ctx->store, &l, &ps, &er)))
		goto cleanup;
	if (eo.on)
		exceptions_compute(&l, NULL, eo.exc, eo.case_exc, &er);
	if (dfg)
		print_dot(argv[1], &l, &ps);
	else if (ctx->json) {
		json_t *o = process_stats_json(&l, &ps, (size_t)top);
		json_object_set_new(o, "log", json_string(argv[1]));
		if (eo.on)
			json_object_set_new(o, "exceptions", exc_json(&eo, &l, &er));
		cli_print_json(o);
	} else {
		print_text(argv[1], &l, &ps, (size_t)top);
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
