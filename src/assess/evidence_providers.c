/*
 * evidence_providers.c - evidence for the catalog metrics of value models
 * 2, 3 and 5 that the measurement and control layers compute: journey
 * metrics, process-mining figures of the imported event logs, and the
 * resolution time of agent control's exception queue.
 *
 * They live in assess/ (the playbook is their domain), which sits after
 * metrics/, ingest/ and control/ and calls their kernels and typed
 * queries, like detectors.c; assess_register() registers them.
 * Definitions (docs/playbook.md,
 * "Evidence providers", says the same for users):
 *
 *   which logs   a log named after an initiative belongs to it; the
 *                expert metrics read the logs of expert initiatives, the
 *                process metrics those of process initiatives; when no
 *                log is named after an initiative of the model, every
 *                imported log is read (the source says so)
 *   window       per log, the cases whose last event falls in the 90
 *                days up to the log's newest event (a log is a snapshot:
 *                its own end, not today, is "now")
 *   cycle time   median case duration (first to last event) of the
 *                window's cases, every log pooled
 *   rework rate  window cases in which some activity occurs twice or
 *                more / window cases
 *   exception    window cases with an event matching an applied
 *   rate         ExceptionRule / window cases (no rule: lacks evidence,
 *                since deriving exceptions from the log itself would
 *                measure nothing)
 * The figures of all logs are computed once per store state (the
 * evidence cache key) and shared by every metric of a request.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/control.h"
#include "control/control_queries.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "evidence.h"
#include "ingest/import_queries.h"
#include "ingest/journeys_load.h"
#include "ingest/logstore.h"
#include "metrics/adoption.h"
#include "metrics/exceptions.h"
#include "metrics/journeys.h"
#include "metrics/process.h"
#include "metrics/stats.h"
#include "playbook.h"
#include "series_int.h"

#define WINDOW_US (90LL * 86400 * 1000000)

/* One case's figures, kept so that a figure as of a past date needs no reload. */
struct case_fig {
	int64_t end;              /* its last event, us */
	double duration;          /* seconds, first to last event */
	uint8_t rework, exc;      /* an activity repeats; an exception event (rules) */
};

/* Figures of one group of logs (expert or process initiatives). */
struct log_group {
	char logs[200];           /* names, comma separated */
	int nlogs, scoped;        /* scoped: named after initiatives of the model */
	double *durations;        /* window cases, every log */
	size_t nd, ad;
	size_t cases, rework;
	int rules;                /* ExceptionRule patterns applied */
	size_t exc_cases;
	double res_median;        /* resolution median of the log with most exception cases */
	size_t res_cases;
	char res_log[64];
	int64_t as_of;            /* newest event of the group's logs */
	struct case_fig *pc;      /* every case of every log, for figures as of a past date */
	size_t npc, apc;
};

static struct {
	pthread_mutex_t mu;
	char key[EVIDENCE_KEY_LEN];
	struct log_group g[2];    /* 0 expert, 1 process */
} lf = { PTHREAD_MUTEX_INITIALIZER, "", { { "", 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, "", 0,
					   NULL, 0, 0 },
					 { "", 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, "", 0,
					   NULL, 0, 0 } } };

static void group_reset(struct log_group *g)
{
	free(g->durations);
	free(g->pc);
	memset(g, 0, sizeof(*g));
}

/*
 * Whether case c of l repeats an activity (stamp: one slot per string of
 * l, zeroed before the first case) and has an exception event (exc: per
 * activity, NULL without rules).
 */
static void case_flags(const struct eventlog *l, size_t c, uint32_t *stamp, const uint8_t *exc,
		       uint8_t *rework, uint8_t *is_exc)
{
	size_t i;

	*rework = *is_exc = 0;
	for (i = l->case_off[c]; i < l->case_off[c + 1]; i++) {
		if (stamp && stamp[l->activity[i]] == c + 1)
			*rework = 1;
		if (stamp)
			stamp[l->activity[i]] = (uint32_t)c + 1;
		if (exc && exc[l->activity[i]])
			*is_exc = 1;
	}
}

/* Keep every case of l for figures as of a past date. */
static void add_cases(const struct eventlog *l, const uint8_t *exc, struct log_group *g)
{
	uint32_t *stamp = xcalloc(l->strs.n + 1, sizeof(*stamp));
	size_t c;

	for (c = 0; c < l->ncases; c++) {
		size_t a = l->case_off[c], b = l->case_off[c + 1];
		struct case_fig *f;
		if (a == b)
			continue;
		ALLOC_GROW(g->pc, g->npc + 1, g->apc);
		f = &g->pc[g->npc++];
		f->end = l->time[b - 1];
		f->duration = (double)(l->time[b - 1] - l->time[a]) / 1e6;
		case_flags(l, c, stamp, exc, &f->rework, &f->exc);
	}
	free(stamp);
}

/* Add log `name`'s window figures to g. */
static int add_log(struct store *s, const char *name, char **pats, size_t npats,
		   struct log_group *g, struct aiv_err *err)
{
	struct eventlog l;
	struct process_cases ps;
	uint8_t *mask;
	int64_t last = 0;
	size_t c, i;

	eventlog_init(&l);
	if (logstore_load(s, name, &l, err)) {
		eventlog_release(&l);
		return err->code;
	}
	for (i = 0; i < l.n; i++)
		if (l.time[i] > last)
			last = l.time[i];
	mask = xcalloc(l.ncases + 1, 1);
	for (c = 0; c < l.ncases; c++)
		mask[c] = l.case_off[c + 1] > l.case_off[c] &&
			  l.time[l.case_off[c + 1] - 1] >= last - WINDOW_US;
	process_cases_compute(&l, mask, &ps); /* the figures below: not the DFG or handovers */
	for (i = 0; i < ps.cases; i++) {
		ALLOC_GROW(g->durations, g->nd + 1, g->ad);
		g->durations[g->nd++] = ps.durations[i];
	}
	g->cases += ps.cases;
	g->rework += ps.rework_cases;
	if (!npats)
		add_cases(&l, NULL, g);
	if (npats) {
		struct exc_result r;
		uint8_t *exc = exceptions_match(&l, (const char *const *)pats, npats);
		add_cases(&l, exc, g);
		exceptions_compute(&l, mask, exc, NULL, &r);
		g->exc_cases += r.exception_cases;
		if (r.exception_cases > g->res_cases && r.resolution.n) {
			g->res_cases = r.exception_cases;
			g->res_median = r.resolution.median;
			snprintf(g->res_log, sizeof(g->res_log), "%s", name);
		}
		exceptions_release(&r);
		free(exc);
	}
	if (last > g->as_of)
		g->as_of = last;
	{
		size_t len = strlen(g->logs);
		snprintf(g->logs + len, sizeof(g->logs) - len, "%s%s", len ? ", " : "", name);
	}
	g->nlogs++;
	free(ps.durations);
	free(mask);
	eventlog_release(&l);
	return 0;
}

/* Which model the log named `name` belongs to: 0 expert, 1 process, -1 neither. */
static int log_model(const json_t *inis, const char *name)
{
	const json_t *ini;
	size_t i;

	json_array_foreach(inis, i, ini)
		if (!strcmp(json_str(ini, "name"), name)) {
			const char *m = json_str(ini, "model");
			return !strcmp(m, "expert") ? 0 : !strcmp(m, "process") ? 1 : -1;
		}
	return -1;
}

static int load_groups(const struct evidence_env *env, struct aiv_err *err)
{
	struct logstore_info *logs = NULL;
	json_t *inis = NULL;
	char **pats = NULL;
	size_t nlogs = 0, npats = 0, i;
	int ret, k, scoped[2] = { 0, 0 };

	group_reset(&lf.g[0]);
	group_reset(&lf.g[1]);
	if ((ret = logstore_list(env->store, &logs, &nlogs, err)) ||
	    (ret = assess_initiatives(env->store, &inis, err)))
		goto out;
	if ((ret = exceptions_applied_rules(env->store, &pats, &npats, err))) {
		if (ret != AIV_ENOTFOUND)
			goto out;
		ret = 0; /* no rule applied: exception_rate lacks evidence */
		pats = NULL;
		npats = 0;
		err->code = 0;
		err->msg[0] = '\0';
	}
	for (i = 0; i < nlogs; i++)
		if ((k = log_model(inis, logs[i].name)) >= 0)
			scoped[k] = 1;
	for (k = 0; k < 2; k++) {
		lf.g[k].scoped = scoped[k];
		lf.g[k].rules = npats > 0;
		for (i = 0; i < nlogs; i++) {
			if (scoped[k] && log_model(inis, logs[i].name) != k)
				continue;
			if ((ret = add_log(env->store, logs[i].name, pats, npats, &lf.g[k], err)))
				goto out;
		}
	}
out:
	for (i = 0; pats && i < npats; i++)
		free(pats[i]);
	free(pats);
	logstore_info_free(logs, nlogs);
	json_decref(inis);
	return ret;
}

static int ev_process(const struct evidence_env *env, const char *metric,
		      struct evidence_value *out, void *data, struct aiv_err *err)
{
	char key[EVIDENCE_KEY_LEN];
	const struct log_group *g;
	int k = !strcmp(metric, "expert_cycle_time") || !strcmp(metric, "rework_rate") ? 0 : 1;
	int ret = 0;
	double v = 0, *past = NULL;
	const char *what;
	size_t cases, rework, exc_cases, nd, i;
	const double *dur;
	char window[64];

	(void)data;
	if ((ret = evidence_state_key(env, key, err)))
		return ret;
	pthread_mutex_lock(&lf.mu);
	if (!key[0] || strcmp(key, lf.key)) {
		lf.key[0] = '\0';
		if ((ret = load_groups(env, err)))
			goto out;
		snprintf(lf.key, sizeof(lf.key), "%s", key);
	}
	g = &lf.g[k];
	out->state = EV_MISSING;
	if (!strcmp(metric, "expert_cycle_time") && !g->scoped) {
		/* observations of the bottleneck beat logs not named after it */
		pthread_mutex_unlock(&lf.mu);
		if ((ret = evidence_from_observations(env, metric, out, err)) ||
		    out->state == EV_MEASURED)
			return ret;
		pthread_mutex_lock(&lf.mu);
		if (strcmp(key, lf.key)) { /* reloaded meanwhile by another state */
			pthread_mutex_unlock(&lf.mu);
			return ev_process(env, metric, out, data, err);
		}
	}
	cases = g->cases;
	rework = g->rework;
	exc_cases = g->exc_cases;
	dur = g->durations;
	nd = g->nd;
	snprintf(window, sizeof(window), "the 90 days up to each log's end");
	if (env->as_of) { /* the cases whose last event falls in the 90 days up to that date */
		char day[TIME_ISO_LEN];
		past = xcalloc(g->npc + 1, sizeof(*past));
		cases = rework = exc_cases = nd = 0;
		for (i = 0; i < g->npc; i++) {
			const struct case_fig *f = &g->pc[i];
			if (f->end > env->now || f->end < env->now - WINDOW_US)
				continue;
			cases++;
			rework += f->rework;
			exc_cases += f->exc;
			past[nd++] = f->duration;
		}
		dur = past;
		time_format_us(env->now, day);
		snprintf(window, sizeof(window), "the 90 days up to %.10s", day);
	}
	if (!g->nlogs || !cases) {
		pthread_mutex_unlock(&lf.mu);
		free(past);
		if (!strcmp(metric, "expert_cycle_time"))
			return evidence_from_observations(env, metric, out, err);
		snprintf(out->source, sizeof(out->source), "lacks evidence: %s%s",
			 g->nlogs ? "no case in the logs' last 90 days; " : "",
			 evidence_supplier(metric));
		return 0;
	}
	if (!strcmp(metric, "rework_rate")) {
		v = (double)rework / (double)cases;
		what = "cases with a repeated activity / cases";
	} else if (!strcmp(metric, "exception_rate")) {
		if (!g->rules) {
			snprintf(out->source, sizeof(out->source),
				 "lacks evidence: no exception rules applied (kind: ExceptionRule) "
				 "to tell exceptions in the event logs");
			goto out;
		}
		v = (double)exc_cases / (double)cases;
		what = "cases with an exception event (applied ExceptionRules) / cases";
	} else if (!strcmp(metric, "exception_resolution_time")) {
		if (!g->res_cases) {
			snprintf(out->source, sizeof(out->source), "lacks evidence: %s",
				 evidence_supplier(metric));
			goto out;
		}
		out->state = EV_MEASURED;
		out->value = g->res_median;
		out->measured_at = g->as_of;
		snprintf(out->source, sizeof(out->source),
			 "event log '%s': median resolution time of %zu exception cases of its "
			 "last 90 days", g->res_log, g->res_cases);
		goto out;
	} else {
		v = stats_percentile_select((double *)dur, nd, 0.5);
		what = "median case duration";
	}
	out->state = EV_MEASURED;
	out->value = v;
	out->measured_at = env->as_of ? env->now : g->as_of;
	snprintf(out->source, sizeof(out->source),
		 "%.64s over %zu cases of %s; %s log%s: %.60s",
		 what, cases, window, g->scoped ? (k ? "process" : "expert") : "every (none named after "
		 "an initiative)", g->nlogs == 1 ? "" : "s", g->logs);
out:
	pthread_mutex_unlock(&lf.mu);
	free(past);
	return ret;
}

/*
 * Exception resolution time: agent control's queue first (median of
 * resolved_at - created_at over items approved or rejected in the last
 * 90 days), else the event logs' exception cases.
 */
static int ev_resolution(const struct evidence_env *env, const char *metric,
			 struct evidence_value *out, void *data, struct aiv_err *err)
{
	double *v;
	size_t n;
	int rc;

	if ((rc = control_exception_resolutions(env->store, env->now, WINDOW_US, &v, &n, err)))
		return rc;
	if (!n) {
		free(v);
		return ev_process(env, metric, out, data, err);
	}
	out->state = EV_MEASURED;
	out->value = stats_percentile_select(v, n, 0.5);
	out->measured_at = env->now;
	snprintf(out->source, sizeof(out->source),
		 "agent control: median resolution time of %zu exception items resolved in the "
		 "last 90 days (aivalue exceptions)", n);
	free(v);
	return 0;
}

/*
 * The AI channel's catalog windows of the journey metrics, computed once
 * per store state (six metrics read them); copied out by value.
 */
static struct {
	pthread_mutex_t mu;
	char key[EVIDENCE_KEY_LEN];
	int have;
	struct journey_windows w;
	struct journey_trend trend;
} jr = { .mu = PTHREAD_MUTEX_INITIALIZER }; /* the rest zero: nothing kept */

int assess_journeys_shared(const struct evidence_env *env, const struct adoption_config *cfg,
			   struct journey_windows *out, struct journey_trend *trend,
			   struct aiv_err *err)
{
	char key[EVIDENCE_KEY_LEN];
	struct journeys_result r;
	int ret;

	if ((ret = evidence_state_key(env, key, err)))
		return ret;
	pthread_mutex_lock(&jr.mu);
	if (!key[0] || strcmp(key, jr.key) || !jr.have) {
		jr.have = 0;
		jr.key[0] = '\0';
		if ((ret = journeys_run(env->store, cfg, &r, err))) {
			pthread_mutex_unlock(&jr.mu);
			return ret;
		}
		jr.w = r.windows;
		jr.trend = r.trend;
		jr.have = 1;
		journeys_result_release(&r);
		snprintf(jr.key, sizeof(jr.key), "%s", key);
	}
	if (out)
		*out = jr.w;
	if (trend)
		*trend = jr.trend;
	pthread_mutex_unlock(&jr.mu);
	return 0;
}

/* The window of `metric` (one of the providers' six). */
static const struct journey_window *window_of(const struct journey_windows *w,
					      const char *metric)
{
	return !strcmp(metric, "qualified_intent_rate") ? &w->qualified_intent_rate :
	       !strcmp(metric, "iterations_before_commitment") ? &w->iterations_before_commitment :
	       !strcmp(metric, "conversion_quality") ? &w->conversion_quality :
	       !strcmp(metric, "return_rate_30d") ? &w->return_rate_30d :
	       !strcmp(metric, "referral_rate") ? &w->referral_rate : &w->volume_growth;
}

/*
 * Journey metrics of the AI channel (data/adoption.yaml's
 * volume_over_credibility.ai_channel) over the windows the catalog's
 * definitions state, as of the newest imported journey (the journey
 * result's windows; journeys.h defines each window).  The value is the
 * figure `aivalue journeys --json` reports (4 decimals).
 */
static int ev_journeys(const struct evidence_env *env, const char *metric,
		       struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct adoption_config cfg;
	struct journey_windows w;
	const struct journey_window *x;
	char from[TIME_ISO_LEN], to[TIME_ISO_LEN], as_of[TIME_ISO_LEN];
	int64_t n = 0;
	int ret;

	(void)data;
	if ((ret = import_journey_event_count(env->store, &n, err)))
		return ret;
	if (n == 0) {
		snprintf(out->source, sizeof(out->source), "lacks evidence: %s",
			 evidence_supplier(metric));
		return 0;
	}
	if ((ret = adoption_config_load(&cfg, NULL, err)) ||
	    (ret = assess_journeys_shared(env, &cfg, &w, NULL, err)))
		return ret;
	if (!w.present) {
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: no journey on the AI channel '%s'", cfg.vc_ai_channel);
		return 0;
	}
	x = window_of(&w, metric);
	time_format_us(x->from, from);
	time_format_us(x->to, to);
	time_format_us(w.as_of, as_of);
	if (!strcmp(metric, "ai_channel_volume_growth")) {
		if (isnan(x->value)) {
			snprintf(out->source, sizeof(out->source),
				 "lacks evidence: journeys on '%s' do not cover the 13 weeks before "
				 "the last 13 (from %s; %lld journeys in them)", cfg.vc_ai_channel,
				 from, (long long)w.weeks_13_before);
			return 0;
		}
		snprintf(out->source, sizeof(out->source),
			 "journeys on '%s' in the 13 weeks up to %.10s (%lld) against the 13 before "
			 "(%lld) (aivalue journeys)", cfg.vc_ai_channel, as_of,
			 (long long)w.last_13_weeks, (long long)w.weeks_13_before);
	} else if (isnan(x->value)) {
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: nothing on '%s' in the window of %s (%.10s to %.10s, "
			 "as of the newest journey)", cfg.vc_ai_channel, metric, from, to);
		return 0;
	} else {
		snprintf(out->source, sizeof(out->source),
			 "journeys of channel '%s', %.10s to %.10s (the catalog's window, as of the "
			 "newest journey): %lld %s (aivalue journeys)", cfg.vc_ai_channel,
			 from, to, (long long)x->n,
			 !strcmp(metric, "conversion_quality") ? "converts with a 90-day outcome" :
			 !strcmp(metric, "return_rate_30d") ? "people in the cohort week" :
			 !strcmp(metric, "referral_rate") ? "customers who committed" :
			 !strcmp(metric, "iterations_before_commitment") ? "committed conversations" :
			 "conversations");
	}
	out->state = EV_MEASURED;
	out->value = journeys_figure(x->value);
	return 0;
}

/*
 * One agent workflow's six measured figures (control_readiness(): the
 * same numbers as `aivalue workflow readiness NAME`) for
 * `aivalue assess workflow NAME`.  Reading them first expires overdue
 * exception items, as every read of the exception queue does.
 */
static int ev_workflow(const struct evidence_env *env, const char *workflow,
		       struct evidence_value *out, int *found, void *data,
		       struct aiv_err *err)
{
	struct control_readiness r;
	size_t i;
	int ret;

	(void)data;
	ret = control_readiness(env->store, workflow, &r, err);
	if (ret == AIV_ENOTFOUND) {
		err->code = 0;
		err->msg[0] = '\0';
		return 0;
	}
	if (ret)
		return ret;
	*found = 1;
	for (i = 0; i < env->cat->nfoundations; i++) {
		const struct control_figure *f = control_readiness_figure(&r,
							env->cat->foundations[i].id);
		double share;
		if (!f) {
			snprintf(out[i].source, sizeof(out[i].source),
				 "agent control does not measure '%s'", env->cat->foundations[i].id);
			continue;
		}
		if (!control_figure_share(f, &share)) {
			snprintf(out[i].source, sizeof(out[i].source),
				 "agent control, workflow '%.60s': nothing to measure yet (0 of 0: %.120s)",
				 workflow, f->rule);
			continue;
		}
		out[i].state = EV_MEASURED;
		out[i].value = share;
		out[i].measured_at = env->now;
		snprintf(out[i].source, sizeof(out[i].source),
			 "agent control, workflow '%.60s': %lld of %lld, %.140s", workflow,
			 (long long)f->numerator, (long long)f->denominator, f->rule);
	}
	control_readiness_release(&r);
	return 0;
}

/* The last log hyp_units_of_log read, kept for one hyp_evaluate_all. */
struct log_cache {
	char *name;                /* the log kept, read once per evaluation */
	struct eventlog l;
};

static void log_cache_free(void *p)
{
	struct log_cache *c = p;

	if (!c)
		return;
	free(c->name);
	eventlog_release(&c->l);
	free(c);
}

/* The log `name` from *cache, read when the cache holds another (or none). */
static struct eventlog *cached_log(struct store *s, const char *name, void **cache,
				   struct aiv_err *err)
{
	struct log_cache *c = *cache;

	if (c && !strcmp(c->name, name))
		return &c->l;
	log_cache_free(c);
	*cache = NULL;
	c = xcalloc(1, sizeof(*c));
	eventlog_init(&c->l);
	if (logstore_load(s, name, &c->l, err)) {
		eventlog_release(&c->l);
		free(c);
		return NULL;
	}
	c->name = xstrdup(name);
	*cache = c;
	return &c->l;
}

/*
 * Per-case units of an event log for hypotheses with `log:` (hypothesis.h):
 * start time, duration or rework flag, and the cohort attribute's value.
 */
static int hyp_units_of_log(struct store *s, const char *log, const char *metric,
			    const char *attribute, void **cache, struct hyp_units *out,
			    struct aiv_err *err)
{
	const struct eventlog *lp;
	uint32_t key = EVL_NONE, *attr = NULL, *stamp = NULL;
	uint8_t *exc = NULL;
	char **rules = NULL;
	size_t nrules = 0, c, i;
	int rework = !strcmp(metric, "rework_rate");
	int exception = !strcmp(metric, "exception_rate");

	memset(out, 0, sizeof(*out));
	if (!(lp = cached_log(s, log, cache, err)))
		return err->code;
	if (exception) {
		if (exceptions_applied_rules(s, &rules, &nrules, err)) {
			if (err->code != AIV_ENOTFOUND)
				return err->code;
			aiv_err_clear(err); /* no ExceptionRule: no units, insufficient data */
			return 0;
		}
		exc = exceptions_match(lp, (const char *const *)rules, nrules);
		for (i = 0; i < nrules; i++)
			free(rules[i]);
		free(rules);
	}
	if (attribute)
		key = intern_find(&lp->strs, attribute, strlen(attribute));
	if (key != EVL_NONE) {  /* every case at once: per-case lookups are O(attributes) */
		attr = xmalloc(st_mult(lp->ncases + 1, sizeof(*attr)));
		eventlog_case_attr_all(lp, key, attr);
	}
	if (rework)
		stamp = xcalloc(lp->strs.n + 1, sizeof(*stamp));
	out->time_us = xcalloc(lp->ncases + 1, sizeof(*out->time_us));
	out->value = xcalloc(lp->ncases + 1, sizeof(*out->value));
	out->cohort = xcalloc(lp->ncases + 1, sizeof(*out->cohort));
	for (c = 0; c < lp->ncases; c++) {
		size_t a = lp->case_off[c], b = lp->case_off[c + 1];
		double v = 0;
		uint8_t rw, ex;
		if (a == b)
			continue;
		if (rework || exception) {
			case_flags(lp, c, stamp, exc, &rw, &ex);
			v = rework ? rw : ex;
		} else {
			v = (double)(lp->time[b - 1] - lp->time[a]) / 1e6;
		}
		out->time_us[out->n] = lp->time[a];
		out->value[out->n] = v;
		if (attr && attr[c] != EVL_NONE)
			out->cohort[out->n] = xstrdup(eventlog_str(lp, attr[c]));
		out->n++;
	}
	free(attr);
	free(stamp);
	free(exc);
	return 0;
}

static const struct evidence_provider more_evidence[] = {
	{ "expert_cycle_time", "event logs", ev_process, NULL, 0 },
	{ "rework_rate", "event logs", ev_process, NULL, 1 },
	{ "end_to_end_cycle_time", "event logs", ev_process, NULL, 1 },
	{ "exception_rate", "event logs", ev_process, NULL, 1 },
	{ "exception_resolution_time", "agent control and event logs", ev_resolution, NULL, 0 },
	{ "qualified_intent_rate", "journeys", ev_journeys, NULL, 0 },
	{ "iterations_before_commitment", "journeys", ev_journeys, NULL, 0 },
	{ "conversion_quality", "journeys", ev_journeys, NULL, 0 },
	{ "return_rate_30d", "journeys", ev_journeys, NULL, 0 },
	{ "referral_rate", "journeys", ev_journeys, NULL, 0 },
	{ "ai_channel_volume_growth", "journeys", ev_journeys, NULL, 0 },
};

void assess_register_evidence(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(more_evidence); i++)
		evidence_register(&more_evidence[i]);
	evidence_register_workflow(ev_workflow, NULL);
	hyp_register_log_source(hyp_units_of_log, log_cache_free);
	/* decision-log rows reach the ledger in batches: watch them too */
	evidence_cache_watch(control_decision_log_watch_sql());
}
