/*
 * process_json.c - process figures as JSON, Graphviz and text pieces for
 * the CLI and the HTTP layer alike; see process_json.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"
#include "ingest/ingest.h"
#include "metrics/stats.h"
#include "process_json.h"

/* JSON number, or null for NaN/inf (no case, no wait). */
json_t *pjson_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *pjson_summary(const struct pstat_summary *s)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "min", pjson_num(s->min),
			 "median", pjson_num(s->median), "mean", pjson_num(s->mean),
			 "p90", pjson_num(s->p90), "max", pjson_num(s->max));
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
const struct pstat_activity **pjson_bottlenecks(const struct process_stats *ps)
{
	const struct pstat_activity **b = xmalloc(st_mult(ps->nacts + 1, sizeof(*b)));
	size_t i;

	for (i = 0; i < ps->nacts; i++)
		b[i] = &ps->acts[i];
	qsort(b, ps->nacts, sizeof(*b), cmp_bottleneck);
	return b;
}

/* The full figure set as JSON (new reference). */
json_t *pjson_stats(const struct eventlog *l, const struct process_stats *ps,
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
	/* no timestamps: every time figure is null, not 0 */
	json_object_set_new(o, "timestamps", json_boolean(!ps->no_time));
	json_object_set_new(o, "first_event", ps->no_time ? json_null() : json_string(t1));
	json_object_set_new(o, "last_event", ps->no_time ? json_null() : json_string(t2));
	json_object_set_new(o, "case_duration_seconds", pjson_summary(&ps->duration));

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

	bn = pjson_bottlenecks(ps);
	arr = json_array();
	for (i = 0; i < ps->nacts; i++) {
		if (!bn[i]->wait.n)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:I, s:o, s:o, s:o}", "activity",
						     eventlog_str(l, bn[i]->activity),
						     "waits", (json_int_t)bn[i]->wait.n,
						     "median_wait_seconds", pjson_num(bn[i]->wait.median),
						     "p90_wait_seconds", pjson_num(bn[i]->wait.p90),
						     "mean_wait_seconds", pjson_num(bn[i]->wait.mean)));
	}
	free(bn);
	if (ps->no_time) {
		json_decref(arr);
		arr = json_null();
	}
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
	for (i = 0; !ps->no_time && i < ps->nweeks; i++) {
		char wk[16];
		snprintf(wk, sizeof(wk), "%04d-W%02d", ps->weeks[i].year % 10000,
			 ps->weeks[i].week % 100);
		json_array_append_new(arr, json_pack("{s:s, s:I}", "week", wk,
						     "cases", (json_int_t)ps->weeks[i].cases));
	}
	if (ps->no_time) {
		json_decref(arr);
		arr = json_null();
	}
	json_object_set_new(o, "cases_started_per_week", arr);

	x = json_object();
	arr = json_array();
	for (i = 0; i < ps->ndfg; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:o, s:o}",
						     "from", eventlog_str(l, ps->dfg[i].from),
						     "to", eventlog_str(l, ps->dfg[i].to),
						     "count", (json_int_t)ps->dfg[i].count,
						     "median_seconds", pjson_num(ps->dfg[i].median),
						     "p90_seconds", pjson_num(ps->dfg[i].p90)));
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
const char *pjson_human(double s, char *buf, size_t n)
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


json_t *pjson_log_info(const struct logstore_info *v)
{
	/* a log without timestamps has no range: '' is stored, null is shown */
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s?, s:s?, s:s, s:s, s:I}",
			 "name", v->name, "format", v->format, "source", v->source,
			 "cases", (json_int_t)v->cases, "events", (json_int_t)v->events,
			 "activities", (json_int_t)v->activities,
			 "out_of_order", (json_int_t)v->out_of_order,
			 "first_event", *v->first_time ? v->first_time : NULL,
			 "last_event", *v->last_time ? v->last_time : NULL,
			 "imported_at", v->imported_at, "content_sha256", v->content_hash,
			 "ledger_seq", (json_int_t)v->ledger_seq);
}

/* A Graphviz double-quoted string body. */
static void dot_str(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		if (*s == '\n')
			strbuf_addstr(sb, "\\n");
		else
			strbuf_addch(sb, *s);
	}
}

void pjson_dfg_dot(struct strbuf *sb, const char *name, const struct eventlog *l,
		   const struct process_stats *ps)
{
	char a[32];
	size_t i;

	strbuf_addstr(sb, "digraph \"");
	dot_str(sb, name);
	strbuf_addstr(sb, "\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
	strbuf_addstr(sb, "  \"__start\" [shape=circle, label=\"\", style=filled, fillcolor=green];\n");
	strbuf_addstr(sb, "  \"__end\" [shape=doublecircle, label=\"\", style=filled, fillcolor=red];\n");
	for (i = 0; i < ps->nacts; i++) {
		strbuf_addstr(sb, "  \"");
		dot_str(sb, eventlog_str(l, ps->acts[i].activity));
		strbuf_addstr(sb, "\" [label=\"");
		dot_str(sb, eventlog_str(l, ps->acts[i].activity));
		strbuf_addf(sb, "\\n%zu\"];\n", ps->acts[i].events);
	}
	for (i = 0; i < ps->nstarts; i++) {
		strbuf_addstr(sb, "  \"__start\" -> \"");
		dot_str(sb, eventlog_str(l, ps->starts[i].to));
		strbuf_addf(sb, "\" [label=\"%zu\"];\n", ps->starts[i].count);
	}
	for (i = 0; i < ps->ndfg; i++) {
		strbuf_addstr(sb, "  \"");
		dot_str(sb, eventlog_str(l, ps->dfg[i].from));
		strbuf_addstr(sb, "\" -> \"");
		dot_str(sb, eventlog_str(l, ps->dfg[i].to));
		strbuf_addf(sb, "\" [label=\"%zu\\n%s\"];\n", ps->dfg[i].count,
			    pjson_human(ps->dfg[i].median, a, sizeof(a)));
	}
	for (i = 0; i < ps->nends; i++) {
		strbuf_addstr(sb, "  \"");
		dot_str(sb, eventlog_str(l, ps->ends[i].to));
		strbuf_addf(sb, "\" -> \"__end\" [label=\"%zu\"];\n", ps->ends[i].count);
	}
	strbuf_addstr(sb, "}\n");
}

/* ---- cohorts ---- */

static int is_false_label(const char *s)
{
	return !strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no") ||
	       !strcasecmp(s, "n");
}

/* Fill c->mask and c->label from an attribute split. */
static int split_by(const struct eventlog *l, const char *log, const char *by,
		    const char *value, struct pjson_cohorts *c, struct aiv_err *err)
{
	uint32_t key = intern_find(&l->strs, by, strlen(by));
	uint32_t va = EVL_NONE, vb = EVL_NONE, *vals;
	size_t i;
	int ret = 0;

	if (key == EVL_NONE)
		return aiv_fail(err, AIV_EINPUT, "log '%s' has no attribute '%s'", log, by);
	vals = xmalloc(st_mult(l->ncases ? l->ncases : 1, sizeof(*vals)));
	eventlog_case_attr_all(l, key, vals);
	if (value) {
		vb = intern_find(&l->strs, value, strlen(value));
		for (i = 0; i < l->ncases; i++) {
			if (vals[i] == EVL_NONE)
				c->excluded++;
			else
				c->mask[vals[i] == vb][i] = 1;
		}
		c->label[0] = xstrfmt("%s != %s", by, value);
		c->label[1] = xstrfmt("%s = %s", by, value);
		goto cleanup;
	}
	for (i = 0; i < l->ncases; i++) {
		uint32_t v = vals[i];
		if (v == EVL_NONE || v == va || v == vb)
			continue;
		if (va == EVL_NONE) {
			va = v;
		} else if (vb == EVL_NONE) {
			vb = v;
		} else {
			ret = aiv_fail(err, AIV_EINPUT, "attribute '%s' has more than two values "
				       "('%s', '%s', '%s', ...); pick one with --value", by,
				       eventlog_str(l, va), eventlog_str(l, vb), eventlog_str(l, v));
			goto cleanup;
		}
	}
	if (vb == EVL_NONE) {
		ret = aiv_fail(err, AIV_EINPUT,
			       "attribute '%s' has fewer than two values: nothing to compare", by);
		goto cleanup;
	}
	/* baseline A: the "false" value, else the first in byte order */
	if (is_false_label(eventlog_str(l, vb)) ||
	    (!is_false_label(eventlog_str(l, va)) &&
	     strcmp(eventlog_str(l, vb), eventlog_str(l, va)) < 0)) {
		uint32_t t = va;
		va = vb;
		vb = t;
	}
	for (i = 0; i < l->ncases; i++) {
		if (vals[i] == va)
			c->mask[0][i] = 1;
		else if (vals[i] == vb)
			c->mask[1][i] = 1;
		else
			c->excluded++;
	}
	c->label[0] = xstrfmt("%s = %s", by, eventlog_str(l, va));
	c->label[1] = xstrfmt("%s = %s", by, eventlog_str(l, vb));
cleanup:
	free(vals);
	return ret;
}

int pjson_cohorts_compute(const struct eventlog *l, const char *log, const char *by,
			  const char *value, const char *before, long long reps, long long seed,
			  struct pjson_cohorts *c, struct aiv_err *err)
{
	size_t i;
	int k, ret;

	memset(c, 0, sizeof(*c));
	c->median_lo = c->median_hi = NAN;
	c->reps = reps;
	c->seed = seed;
	c->mask[0] = xcalloc(l->ncases ? l->ncases : 1, 1);
	c->mask[1] = xcalloc(l->ncases ? l->ncases : 1, 1);
	if (before && l->no_time)
		return aiv_fail(err, AIV_EINPUT, "log '%s' has no timestamps: --before cannot split it",
				log);
	if (before) {
		int64_t t;
		if (ingest_parse_time(before, strlen(before), &t))
			return aiv_fail(err, AIV_EINPUT, "unparseable date '%s' for --before", before);
		for (i = 0; i < l->ncases; i++)
			c->mask[l->time[l->case_off[i]] >= t][i] = 1;
		c->label[0] = xstrfmt("before %s", before);
		c->label[1] = xstrfmt("on or after %s", before);
	} else if ((ret = split_by(l, log, by, value, c, err))) {
		return ret;
	}
	for (k = 0; k < 2; k++) {
		process_stats_compute(l, c->mask[k], &c->ps[k]);
		stats_wilson(c->ps[k].rework_cases, c->ps[k].cases, 1.959963984540054,
			     &c->rework_lo[k], &c->rework_hi[k]);
	}
	if (!c->ps[0].cases || !c->ps[1].cases)
		return aiv_fail(err, AIV_EINPUT, "a cohort is empty ('%s': %zu cases, '%s': %zu cases)",
				c->label[0], c->ps[0].cases, c->label[1], c->ps[1].cases);
	if (l->no_time || stats_bootstrap_median_diff(c->ps[0].durations, c->ps[0].cases, c->ps[1].durations,
					c->ps[1].cases, (unsigned)reps, 0.95, (uint64_t)seed, NULL,
					&c->median_lo, &c->median_hi))
		c->median_lo = c->median_hi = NAN;
	return 0;
}

void pjson_cohorts_release(struct pjson_cohorts *c)
{
	int k;

	for (k = 0; k < 2; k++) {
		process_stats_release(&c->ps[k]);
		free(c->mask[k]);
		free(c->label[k]);
	}
	memset(c, 0, sizeof(*c));
}

static json_t *cohort_json(const struct pjson_cohorts *c, int k)
{
	const struct process_stats *ps = &c->ps[k];

	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:f, s:{s:I, s:f, s:[f, f]}, s:f}",
			 "label", c->label[k], "cases", (json_int_t)ps->cases,
			 "events", (json_int_t)ps->events, "activities", (json_int_t)ps->activities,
			 "variants", (json_int_t)ps->nvariants,
			 "case_duration_seconds", pjson_summary(&ps->duration),
			 "events_per_case", ps->cases ? (double)ps->events / (double)ps->cases : 0.0,
			 "rework", "cases", (json_int_t)ps->rework_cases,
			 "rate", ps->cases ? (double)ps->rework_cases / (double)ps->cases : 0.0,
			 "ci95", c->rework_lo[k], c->rework_hi[k],
			 "handovers_per_case",
			 ps->cases ? (double)ps->handover_total / (double)ps->cases : 0.0);
}

json_t *pjson_diff(double a, double b)
{
	return json_pack("{s:o, s:o}", "absolute", pjson_num(b - a),
			 "relative", a != 0 ? pjson_num((b - a) / a) : json_null());
}

json_t *pjson_compare(const struct pjson_cohorts *c, const char *log, const char *by,
		      const char *before)
{
	const struct process_stats *a = &c->ps[0], *b = &c->ps[1];
	double ra = a->cases ? (double)a->rework_cases / (double)a->cases : 0.0;
	double rb = b->cases ? (double)b->rework_cases / (double)b->cases : 0.0;
	double ea = a->cases ? (double)a->events / (double)a->cases : 0.0;
	double eb = b->cases ? (double)b->events / (double)b->cases : 0.0;
	json_t *d = json_object(), *med = pjson_diff(a->duration.median, b->duration.median), *o;

	json_object_set_new(med, "ci95", json_pack("[o, o]", pjson_num(c->median_lo),
						   pjson_num(c->median_hi)));
	json_object_set_new(med, "bootstrap", json_pack("{s:I, s:I, s:s}",
			    "reps", (json_int_t)c->reps, "seed", (json_int_t)c->seed,
			    "method", "percentile"));
	json_object_set_new(d, "median_case_duration_seconds", med);
	json_object_set_new(d, "mean_case_duration_seconds",
			    pjson_diff(a->duration.mean, b->duration.mean));
	json_object_set_new(d, "p90_case_duration_seconds",
			    pjson_diff(a->duration.p90, b->duration.p90));
	json_object_set_new(d, "rework_rate", pjson_diff(ra, rb));
	json_object_set_new(d, "events_per_case", pjson_diff(ea, eb));
	o = json_pack("{s:s, s:[o, o], s:o, s:I}", "log", log, "cohorts", cohort_json(c, 0),
		      cohort_json(c, 1), "difference", d, "excluded_cases",
		      (json_int_t)c->excluded);
	json_object_set_new(o, by ? "by" : "before", json_string(by ? by : before));
	return o;
}
