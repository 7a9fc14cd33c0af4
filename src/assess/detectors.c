/*
 * detectors.c - the failure-mode detectors and evidence providers that
 * read the measurement and control layers: adoption (two-tier workforce,
 * shadow AI, the model 1 metrics), journeys (volume over credibility),
 * change control (generation outpacing governance, the model 4 metrics)
 * and agent control (the model 5 shares).
 *
 * They live in assess/ because the playbook is their domain, and assess/
 * sits after metrics/, ingest/, change/ and control/ in the layer order,
 * so it may call their kernels and typed queries (never their tables'
 * SQL).  Each detector runs a kernel and turns its finding into
 * findings_add().  A detector whose data was never imported says which
 * import would supply it, and the finding is listed as not assessed
 * rather than silently absent.  assess_register() registers them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change/change.h"
#include "change/change_queries.h"
#include "control/control_queries.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "evidence.h"
#include "ingest/import_queries.h"
#include "ingest/journeys_load.h"
#include "ingest/usage_load.h"
#include "metrics/adoption.h"
#include "metrics/journeys.h"
#include "playbook.h"
#include "series_int.h"

/* The usage day of `now` as of which to compute (0: the last day with activity). */
static int32_t as_of_day(const struct evidence_env *env)
{
	return env->as_of ? (int32_t)(env->now / (86400LL * 1000000)) : 0;
}

/*
 * One load of the usage table and its month report for a whole
 * computation (series_int.h: assess_usage_scope_begin).  Without a scope
 * every caller loads and releases its own, as before.
 */
static _Thread_local struct {
	int depth;                 /* nested scopes open on this thread */
	int have;
	const struct store *store; /* what the load was made from */
	int32_t day;
	struct adoption_report r;
	struct usage_table t;
} scope;
static _Thread_local uint64_t usage_loads;

uint64_t assess_usage_loads(void)
{
	return usage_loads;
}

void assess_usage_scope_begin(void)
{
	scope.depth++;
}

void assess_usage_scope_end(void)
{
	if (scope.depth > 0 && --scope.depth == 0 && scope.have) {
		adoption_report_release(&scope.r);
		utab_release(&scope.t);
		scope.have = 0;
		scope.store = NULL;
	}
}

const struct usage_table *assess_usage_scope_table(const struct store *s)
{
	return scope.depth > 0 && scope.have && scope.store == s ? &scope.t : NULL;
}

/*
 * adoption_run(store, NULL, PERIOD_MONTH, day) into *r and *t: the
 * scope's load when one is open (borrowed: hand both to usage_done,
 * which leaves them to the scope), else a load of the caller's own in
 * own_r and own_t.
 */
static int usage_run(const struct evidence_env *env, int32_t day, struct adoption_report *own_r,
		     struct usage_table *own_t, struct adoption_report **r,
		     struct usage_table **t, struct aiv_err *err)
{
	if (scope.depth > 0 && scope.have && scope.store == env->store && scope.day == day) {
		*r = &scope.r;
		*t = &scope.t;
		return 0;
	}
	usage_loads++;
	if (adoption_run(env->store, NULL, PERIOD_MONTH, day, own_r, own_t, err)) {
		utab_release(own_t);
		return err->code;
	}
	if (scope.depth > 0) {
		if (scope.have) {
			adoption_report_release(&scope.r);
			utab_release(&scope.t);
		}
		scope.r = *own_r;
		scope.t = *own_t;
		scope.have = 1;
		scope.store = env->store;
		scope.day = day;
		*r = &scope.r;
		*t = &scope.t;
		return 0;
	}
	*r = own_r;
	*t = own_t;
	return 0;
}

/* Release what usage_run gave unless the scope holds it. */
static void usage_done(struct adoption_report *r, struct usage_table *t)
{
	if (scope.have && r == &scope.r)
		return;
	adoption_report_release(r);
	utab_release(t);
}

/*
 * Load the adoption report when usage was imported: 0 loaded (hand r and
 * t to usage_done), 1 no usage yet (*lacks says which import supplies
 * it), or a negative code.
 */
static int load_adoption(const struct evidence_env *env, const char **lacks,
			 const char *lacks_text, struct adoption_report *own_r,
			 struct usage_table *own_t, struct adoption_report **r,
			 struct usage_table **t, struct aiv_err *err)
{
	struct import_stats is;

	if (import_stats(env->store, &is, err))
		return err->code;
	if (is.imports == 0) {
		*lacks = lacks_text;
		return 1;
	}
	return usage_run(env, as_of_day(env), own_r, own_t, r, t, err);
}

/* The two-tier finding's typed figures: the tests it crossed, then the organisation's. */
static void two_tier_figures(struct finding *f, const struct adoption_two_tier *tt)
{
	const struct adoption_report *r = tt->r;
	const struct adoption_config *c = &r->cfg;
	size_t i;

	finding_add_figure(f, "org_repeat_rate", "repeat use across the organisation",
			   r->org.repeat_rate, "ratio", NAN, NULL);
	if (tt->gini_hit)
		finding_add_figure(f, "gini_active_days", "concentration of active days (Gini)",
				   r->org.gini, "coefficient", c->tt_max_gini, "at most");
	if (tt->gap_hit) {
		char label[256];
		snprintf(label, sizeof(label), "repeat-use gap between %s and %s",
			 r->role_gap_high ? r->role_gap_high : "the highest role",
			 r->role_gap_low ? r->role_gap_low : "the lowest role");
		finding_add_figure(f, "repeat_use_gap", label, r->role_gap, "ratio",
				   c->tt_max_role_gap, "at most");
	}
	for (i = 0; tt->fn_hit && i < tt->nfunctions; i++) {
		char name[128], label[256];
		snprintf(name, sizeof(name), "repeat_rate.%s", tt->functions[i]->name);
		snprintf(label, sizeof(label), "repeat use in %s", tt->functions[i]->name);
		finding_add_figure(f, name, label, tt->functions[i]->repeat_rate, "ratio",
				   c->tt_stalled_rate, "at least");
	}
	finding_add_figure(f, "top10_share", "share of active days held by the top tenth of people",
			   r->org.top10_share, "ratio", NAN, NULL);
	finding_add_figure(f, "licensed_people", "licensed people", r->org.people, "count",
			   NAN, NULL);
	finding_add_figure(f, "power_users", "power users", r->org.power_users, "count", NAN,
			   NULL);
}

static int det_two_tier(const struct evidence_env *env, const struct phase_verdict *pv,
			struct finding_list *out, const char **lacks, void *data,
			struct aiv_err *err)
{
	struct adoption_two_tier tt;
	struct adoption_report own_r, *r;
	struct usage_table own_t, *t;
	int ret;

	(void)pv;
	(void)data;
	if ((ret = load_adoption(env, lacks, "AI-usage imports (aivalue import usage)",
				 &own_r, &own_t, &r, &t, err)))
		return ret;
	if (adoption_two_tier(r, env->cat, &tt))
		two_tier_figures(findings_add(out, env->cat, "two_tier_workforce", "organisation",
					      "high", adoption_two_tier_evidence_json(&tt), "%s",
					      tt.summary), &tt);
	adoption_two_tier_release(&tt);
	usage_done(r, t);
	return 0;
}

/* The volume-over-credibility finding's typed figures: first and last month, the tests. */
static void volume_figures(struct finding *f, const struct journey_trend *tr)
{
	const struct journey_month *a, *b;

	if (tr->nmonths < 1)
		return;
	a = &tr->months[0];
	b = &tr->months[tr->nmonths - 1];
	finding_add_figure(f, "journeys_first_month", "AI-channel journeys in the first month",
			   (double)a->journeys, "count", NAN, NULL);
	finding_add_figure(f, "journeys_last_month", "AI-channel journeys in the last month",
			   (double)b->journeys, "count", NAN, NULL);
	finding_add_figure(f, "quality_first_month",
			   "90-day retention of converts in the first month",
			   a->conversion_quality, "ratio", NAN, NULL);
	finding_add_figure(f, "quality_last_month",
			   "90-day retention of converts in the last month",
			   b->conversion_quality, "ratio", NAN, NULL);
	finding_add_figure(f, "months", "months tested", tr->nmonths, "count", NAN, NULL);
	finding_add_figure(f, "p_volume_rising", "chance that the volume rise is noise",
			   tr->volume.p_up, "p-value", NAN, NULL);
	finding_add_figure(f, "p_quality_falling", "chance that the quality fall is noise",
			   tr->quality.p_down, "p-value", NAN, NULL);
}

static int det_volume(const struct evidence_env *env, const struct phase_verdict *pv,
		      struct finding_list *out, const char **lacks, void *data,
		      struct aiv_err *err)
{
	struct adoption_config cfg;
	struct journeys_result r;
	char *summary;
	int64_t n = 0;

	(void)pv;
	(void)data;
	if (import_journey_event_count(env->store, &n, err))
		return err->code;
	if (n == 0) {
		*lacks = "customer journey imports (aivalue import journeys)";
		return 1;
	}
	if (adoption_config_load(&cfg, NULL, err))
		return err->code;
	/* the journeys the AI channel's metrics read: one load of every journey for both */
	memset(&r, 0, sizeof(r));
	if (assess_journeys_shared(env, &cfg, &r.windows, &r.trend, err))
		return err->code;
	if ((summary = journeys_finding_summary(&r, env->cat)))
		volume_figures(findings_add(out, env->cat, "volume_over_credibility",
					    "channel/ai_assistant", "high",
					    json_pack("{s:o}", "evidence", journeys_trend_json(&r.trend)),
					    "%s", summary), &r.trend);
	free(summary);
	return 0;
}

/* Shadow AI: usage on a tool the register does not list, or by a role it does not allow. */
static int det_shadow(const struct evidence_env *env, const struct phase_verdict *pv,
		      struct finding_list *out, const char **lacks, void *data,
		      struct aiv_err *err)
{
	struct adoption_register reg = { NULL, NULL };
	struct adoption_shadow sh;
	struct adoption_report own_r, *r;
	struct usage_table own_t, *t;
	int ret;

	(void)pv;
	(void)data;
	if ((ret = load_adoption(env, lacks,
				 "AI-usage imports (aivalue import usage) and a Tool register",
				 &own_r, &own_t, &r, &t, err)))
		return ret;
	if (adoption_register_load(env->store, &reg, err)) {
		usage_done(r, t);
		return err->code;
	}
	if (adoption_shadow_ai(t, r, &reg, &sh)) {
		struct finding *fd;
		size_t k;

		fd = findings_add(out, env->cat, "shadow_ai", "tools", "high",
				  adoption_shadow_figures_json(&sh), "%s", sh.summary);
		for (k = 0; k < sh.nunregistered; k++) {
			char name[160], label[256];
			snprintf(name, sizeof(name), "unregistered.%s", sh.unregistered[k].tool);
			snprintf(label, sizeof(label), "people using '%s', which is not in the register",
				 sh.unregistered[k].tool);
			finding_add_figure(fd, name, label, (double)sh.unregistered[k].people,
					   "count", 0, "at most");
		}
		for (k = 0; k < sh.ndisallowed; k++) {
			char name[160], label[256];
			snprintf(name, sizeof(name), "disallowed.%s", sh.disallowed[k].tool);
			snprintf(label, sizeof(label), "people using '%s' outside its allowed "
				 "functions or roles", sh.disallowed[k].tool);
			finding_add_figure(fd, name, label, (double)sh.disallowed[k].people,
					   "count", 0, "at most");
		}
		finding_add_figure(fd, "registered_tools", "tools in the register",
				   (double)sh.registered_tools, "count", NAN, NULL);
		adoption_shadow_release(&sh);
	}
	adoption_register_release(&reg);
	usage_done(r, t);
	return 0;
}

/*
 * Generation outpacing governance (model 4): AI-generated change requests
 * are being queued because their approvers cannot keep up (change/ queues
 * them and records why in change_findings).
 */
static int det_outpacing(const struct evidence_env *env, const struct phase_verdict *pv,
			 struct finding_list *out, const char **lacks, void *data,
			 struct aiv_err *err)
{
	struct change_request_counts crs;
	struct finding *f;
	int64_t queued;
	char *message;
	json_t *figures, *latest;
	int rc;

	(void)pv;
	(void)data;
	if (change_request_counts(env->store, &crs, err))
		return err->code;
	if (crs.total == 0) {
		*lacks = "change requests (aivalue change open)";
		return 1;
	}
	queued = crs.queued;
	if (queued == 0)
		return 0;
	if ((rc = change_latest_finding(env->store, &message, &latest, err)) < 0)
		return rc;
	figures = json_pack("{s:I, s:I}", "queued_change_requests", (json_int_t)queued,
			    "change_requests", (json_int_t)crs.total);
	if (rc == 1) {
		if (latest)
			json_object_set_new(figures, "latest", latest);
		f = findings_add(out, env->cat, "generation_outpaces_governance", "change-control",
				 "high", figures, "%s; %lld AI-generated change request%s queued",
				 message, (long long)queued, queued == 1 ? "" : "s");
	} else {
		f = findings_add(out, env->cat, "generation_outpaces_governance", "change-control",
				 "high", figures, "%lld AI-generated change request%s queued "
				 "until approvers catch up", (long long)queued,
				 queued == 1 ? "" : "s");
	}
	finding_add_figure(f, "queued_change_requests", "AI-generated change requests queued",
			   (double)queued, "count", 0, "at most");
	finding_add_figure(f, "change_requests", "change requests in all", (double)crs.total,
			   "count", NAN, NULL);
	free(message);
	return 0;
}


/*
 * Evidence for the phase gates and scorecards from the adoption report.
 * One report serves every metric of a request: it is cached per thread
 * (the server runs one store per worker thread) and recomputed when the
 * store handle or the set of usage imports changes.
 */
static _Thread_local struct adoption_facts facts_cache;

/*
 * proficiency_mix (catalog): people active in the 28 days up to the
 * report's as-of day who used at least 3 distinct features (non-empty
 * feature names) in that window / people active in it.  Needs a feature
 * per event: without any, -1; fewer active people than the privacy
 * floor, -2.
 */
static void proficiency_mix(const struct usage_table *t, const struct adoption_report *r,
			    struct adoption_facts *f)
{
	uint32_t none = intern_find(&t->features, "", 0);
	size_t nf = intern_count(&t->features), p, i;
	uint32_t *stamp = xcalloc(nf + 1, sizeof(*stamp));
	int32_t from = r->as_of - 27;
	int active = 0, broad = 0, any_feature = 0;

	for (p = 0; p < t->npeople; p++) {
		int seen = 0, distinct = 0;
		if (!utab_employed(t, (uint32_t)p, from, r->as_of))
			continue; /* left before the window: in no headcount of it */
		for (i = t->person_off[p]; i < t->person_off[p + 1]; i++) {
			if (!t->count[i] || t->day[i] < from || t->day[i] > r->as_of)
				continue;
			seen = 1;
			if (t->feature[i] == none || stamp[t->feature[i]] == p + 1)
				continue;
			stamp[t->feature[i]] = (uint32_t)p + 1;
			distinct++;
			any_feature = 1;
		}
		active += seen;
		broad += distinct >= 3;
	}
	free(stamp);
	f->prof_active = active;
	f->prof_mix = !any_feature ? -1 : active < r->cfg.privacy_floor ? -2 :
		      (double)broad / active;
}

void assess_adoption_facts_of(const struct usage_table *t, struct adoption_report *r,
			      const struct catalog *cat, struct adoption_facts *f)
{
	struct adoption_two_tier tt;
	size_t i;

	f->have = 1;
	f->repeat_use_rate = r->org.repeat_rate;
	f->gini = r->org.gini;
	f->role_gap = r->role_gap;
	f->reusable = r->reusable_workflows;
	f->xfe = r->cross_functional_enablement;
	f->functions_repeat = 0;
	for (i = 0; i < r->nfunctions; i++)
		if (!r->functions[i].suppressed && r->functions[i].enabled)
			f->functions_repeat++;
	f->two_tier = adoption_two_tier(r, cat, &tt);
	adoption_two_tier_release(&tt);
	f->as_of_us = (int64_t)r->as_of * 86400 * 1000000;
	proficiency_mix(t, r, f);
}

static int adoption_facts(const struct evidence_env *env, struct adoption_facts **out,
			  struct aiv_err *err)
{
	struct adoption_facts *f = &facts_cache;
	struct import_stats is;
	struct adoption_report own_r, *r;
	struct usage_table own_t, *t;
	int32_t day = as_of_day(env);
	int64_t n, last;
	int rc;

	if ((rc = import_stats(env->store, &is, err)))
		return rc;
	n = is.imports;
	last = is.last_id; /* the import id is the table's integer key, as rowid was */
	*out = f;
	if (f->store == env->store && f->imports == n && f->last_import == last &&
	    f->day == day)
		return 0;
	memset(f, 0, sizeof(*f));
	f->store = env->store;
	f->imports = n;
	f->last_import = last;
	f->day = day;
	if (n == 0)
		return 0;
	if (usage_run(env, 0, &own_r, &own_t, &r, &t, err)) {
		f->store = NULL;
		return err->code;
	}
	if (day && (t->n == 0 || day < t->min_day)) {
		/* nothing used yet on that day: no figure, not a measured 0 */
		f->before_first = 1;
	} else if (day && day < r->as_of) {
		struct adoption_report past;
		struct adoption_config cfg = r->cfg;
		if (adoption_compute(t, &cfg, PERIOD_MONTH, day, &past, err)) {
			usage_done(r, t);
			f->store = NULL;
			return err->code;
		}
		assess_adoption_facts_of(t, &past, env->cat, f);
		adoption_report_release(&past);
	} else {
		assess_adoption_facts_of(t, r, env->cat, f);
	}
	usage_done(r, t);
	return 0;
}

void assess_adoption_value(const struct adoption_facts *f, const char *metric,
			   struct evidence_value *out)
{
	double v = 0;

	out->metric = metric;
	if (!f->have) {
		out->state = EV_MISSING;
		snprintf(out->source, sizeof(out->source), f->before_first ?
			 "lacks evidence: no AI usage recorded on or before that date" :
			 "lacks evidence: adoption metrics from an AI usage import (none yet: aivalue import usage)");
		return;
	}
	if (!strcmp(metric, "repeat_use_rate"))
		v = f->repeat_use_rate;
	else if (!strcmp(metric, "gini_active_days"))
		v = f->gini;
	else if (!strcmp(metric, "repeat_use_gap"))
		v = f->role_gap;
	else if (!strcmp(metric, "reusable_workflows"))
		v = f->reusable;
	else if (!strcmp(metric, "cross_functional_enablement"))
		v = f->xfe;
	else if (!strcmp(metric, "functions_with_repeat_use"))
		v = f->functions_repeat;
	else if (!strcmp(metric, "open_two_tier_findings"))
		v = f->two_tier;
	if (!strcmp(metric, "proficiency_mix")) {
		if (f->prof_mix < 0) {
			out->state = EV_MISSING;
			snprintf(out->source, sizeof(out->source), "lacks evidence: %s",
				 f->prof_mix == -1 ? "the usage imports have no feature per event "
				 "(aivalue import usage FILE --map feature=COL)" :
				 "fewer active people in the last 28 days than the privacy floor");
			return;
		}
		out->state = EV_MEASURED;
		out->value = f->prof_mix;
		out->measured_at = f->as_of_us;
		snprintf(out->source, sizeof(out->source),
			 "adoption: %d people active in the 28 days to the last usage day, share "
			 "with 3 or more distinct features", f->prof_active);
		return;
	}
	if (v < 0) {
		/* the kernel's "not enough groups above the privacy floor" */
		out->state = EV_MISSING;
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: too few groups of 5 or more people for '%s'", metric);
		return;
	}
	out->state = EV_MEASURED;
	out->value = v;
	out->measured_at = f->as_of_us;
	snprintf(out->source, sizeof(out->source),
		 "adoption report over %lld usage import%s (aivalue adoption)",
		 (long long)f->imports, f->imports == 1 ? "" : "s");
}

static int ev_adoption(const struct evidence_env *env, const char *metric,
		       struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct adoption_facts *f;
	int ret;

	(void)data;
	if ((ret = adoption_facts(env, &f, err)))
		return ret;
	assess_adoption_value(f, metric, out);
	return 0;
}

static const struct evidence_provider adoption_evidence[] = {
	{ "repeat_use_rate", "AI-usage imports", ev_adoption, NULL, 1 },
	{ "proficiency_mix", "AI-usage imports", ev_adoption, NULL, 1 },
	{ "gini_active_days", "AI-usage imports", ev_adoption, NULL, 1 },
	{ "repeat_use_gap", "AI-usage imports", ev_adoption, NULL, 1 },
	{ "reusable_workflows", "AI-usage imports", ev_adoption, NULL, 1 },
	{ "cross_functional_enablement", "AI-usage imports", ev_adoption, NULL, 1 },
	{ "functions_with_repeat_use", "AI-usage imports", ev_adoption, NULL, 1 },
	{ "open_two_tier_findings", "AI-usage imports", ev_adoption, NULL, 1 },
};

/*
 * Working days (Monday to Friday, UTC calendar days; holidays are not
 * known) after the day of `from` up to and including the day of `to`:
 * opened on a Monday, the next Monday is 5 working days later.
 */
static int64_t working_days(int64_t from_us, int64_t to_us)
{
	int64_t a = from_us / 86400000000LL, b = to_us / 86400000000LL, n, d;

	if (b <= a)
		return 0;
	n = (b - a) / 7 * 5; /* whole weeks */
	for (d = a + 1 + (b - a) / 7 * 7; d <= b; d++)
		n += (d % 7 + 7 + 3) % 7 < 5; /* day 0, 1970-01-01, was a Thursday (3) */
	return n;
}

/* The catalog's review_backlog: waiting for a required review for longer than this. */
#define REVIEW_BACKLOG_WORKING_DAYS 5

/* Change control's audit readiness and downstream consistency (model 4). */
static int ev_change(const struct evidence_env *env, const char *metric,
		     struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct change_rules *rules = NULL;
	struct change_env ce;
	struct change_request_counts crs;
	struct change_gov_metrics m;
	double v = NAN, scale = 1;
	int64_t n;
	size_t waiting = 0, i;
	const char *rp = getenv("AIVALUE_CHANGE_RULES");
	int ret;

	(void)data;
	if (env->as_of && !strcmp(metric, "downstream_consistency")) {
		/* not registered with history; evidence_get never asks */
		out->state = EV_MISSING;
		snprintf(out->source, sizeof(out->source), "cannot be computed as of a past date: "
			 "artefacts keep no time they were added");
		return 0;
	}
	if (change_request_counts(env->store, &crs, err))
		return err->code;
	n = crs.total;
	if (n == 0) {
		out->state = EV_MISSING;
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: change control (model 4): no change requests yet (aivalue change open)");
		return 0;
	}
	if ((ret = change_rules_load(&rules, rp && *rp ? rp : NULL, env->cat, err)))
		return ret;
	ce.s = env->store;
	ce.cat = env->cat;
	ce.rules = rules;
	ce.actor = "evidence";
	ret = env->as_of ? change_metrics_as_of(&ce, env->now, &m, err)
			 : change_metrics_read(&ce, &m, err);
	change_rules_free(rules);
	if (ret)
		return ret;
	n = m.change_requests;
	if (n == 0) {
		/* as of a date before the first change request */
		change_gov_metrics_release(&m);
		out->state = EV_MISSING;
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: no change request opened by then");
		return 0;
	}
	if (!strcmp(metric, "change_audit_readiness") || !strcmp(metric, "audit_readiness")) {
		v = m.audit_readiness.share;
	} else if (!strcmp(metric, "downstream_consistency")) {
		v = m.downstream.share;
	} else if (!strcmp(metric, "ai_generated_change_share")) {
		v = m.ai_generated.share;
	} else if (!strcmp(metric, "time_to_safe_change")) {
		v = m.safe_change.median;
		scale = 3600;
	} else if (!strcmp(metric, "conflict_resolution_time")) {
		v = m.conflicts.resolve_median_hours;
		scale = 3600;
	} else if (!strcmp(metric, "review_backlog")) {
		/*
		 * The catalog: open change requests waiting for a required
		 * review or sign-off for more than 5 working days, counted now.
		 */
		v = 0;
		for (i = 0; i < m.nawaiting; i++, waiting++)
			if (m.awaiting[i].opened_at &&
			    working_days(m.awaiting[i].opened_at, env->now) >
			    REVIEW_BACKLOG_WORKING_DAYS)
				v++;
	}
	if (!isnan(v))
		out->value = v * scale;
	if (!isnan(v) && !strcmp(metric, "review_backlog")) {
		out->state = EV_MEASURED;
		snprintf(out->source, sizeof(out->source),
			 "change control: %.0f of %zu open change request%s waiting for a required "
			 "approval have waited more than %d working days (aivalue change metrics)",
			 out->value, waiting, waiting == 1 ? "" : "s", REVIEW_BACKLOG_WORKING_DAYS);
	} else if (!isnan(v) && (!strcmp(metric, "change_audit_readiness") ||
				 !strcmp(metric, "audit_readiness"))) {
		/* say what a complete record is, so a 0 is not a riddle */
		out->state = EV_MEASURED;
		snprintf(out->source, sizeof(out->source),
			 "change control: %lld of %lld merged change request%s with a complete "
			 "record (a reason, an evidence file, signatures that verify); add "
			 "evidence with 'aivalue change attach CR FILE'",
			 (long long)m.audit_readiness.ready, (long long)m.audit_readiness.merged,
			 m.audit_readiness.merged == 1 ? "" : "s");
	} else if (!isnan(v)) {
		out->state = EV_MEASURED;
		snprintf(out->source, sizeof(out->source),
			 "change control over %lld change request%s (aivalue change metrics)",
			 (long long)n, n == 1 ? "" : "s");
	} else {
		out->state = EV_MISSING;
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: no finished change request to measure yet");
	}
	change_gov_metrics_release(&m);
	return 0;
}

static const struct evidence_provider change_evidence[] = {
	/* history: change_metrics_as_of (from the times each record stores) */
	{ "time_to_safe_change", "change control", ev_change, NULL, 1 },
	{ "conflict_resolution_time", "change control", ev_change, NULL, 1 },
	{ "ai_generated_change_share", "change control", ev_change, NULL, 1 },
	{ "review_backlog", "change control", ev_change, NULL, 1 },
	{ "change_audit_readiness", "change control", ev_change, NULL, 1 },
	{ "audit_readiness", "change control", ev_change, NULL, 1 },
	/* now only: artefacts keep no time they were added */
	{ "downstream_consistency", "change control", ev_change, NULL, 0 },
};

/*
 * Agent control's logging and exception handling (model 5), over every
 * workflow: the share of observed tool calls (imported OTel spans) that
 * had a decision, and the share of closed exception items resolved by
 * their due time (expired items count as missed).
 */
static int ev_control(const struct evidence_env *env, const char *metric,
		      struct evidence_value *out, void *data, struct aiv_err *err)
{
	const char *none, *what;
	int64_t total, good;

	(void)data;
	if (!strcmp(metric, "decisions_logged_share") && env->as_of) {
		/* as of a past date: the tool calls observed by then */
		struct control_observed_call *c;
		size_t n;
		if (control_observed_calls(env->store, &c, &n, err))
			return err->code;
		assess_logged_at(c, n, env->now, &total, &good);
		free(c);
		none = "lacks evidence: no agent tool call observed by that date "
		       "(aivalue workflow import-spans)";
		what = "tool calls observed by that date with a decision";
	} else if (!strcmp(metric, "decisions_logged_share")) {
		struct control_tool_call_counts tc;
		if (control_tool_call_counts(env->store, &tc, err))
			return err->code;
		total = tc.total;
		good = tc.with_decision;
		none = "lacks evidence: agent tool-call spans (aivalue workflow import-spans)";
		what = "observed tool calls with a decision";
	} else if (env->as_of) {
		/* as of a past date: the items closed by then */
		struct control_closure *c;
		size_t n;
		if (control_exception_closures(env->store, &c, &n, err))
			return err->code;
		assess_sla_at(c, n, env->now, NULL, &total, &good);
		free(c);
		none = "lacks evidence: no exception item closed by that date (aivalue exceptions)";
		what = "exception items closed by that date resolved within their SLA";
	} else {
		struct control_sla_counts sla;
		if (control_exception_sla_counts(env->store, &sla, err))
			return err->code;
		total = sla.closed;
		good = sla.within_sla;
		none = "lacks evidence: no closed exception items yet (aivalue exceptions)";
		what = "closed exception items resolved within their SLA";
	}
	if (total == 0) {
		out->state = EV_MISSING;
		snprintf(out->source, sizeof(out->source), "%s", none);
		return 0;
	}
	out->state = EV_MEASURED;
	out->value = (double)good / (double)total;
	snprintf(out->source, sizeof(out->source), "agent control: %lld of %lld %s",
		 (long long)good, (long long)total, what);
	return 0;
}

static const struct evidence_provider control_evidence[] = {
	/* history: the observed tool calls' times (control_observed_calls) */
	{ "decisions_logged_share", "agent control", ev_control, NULL, 1 },
	{ "exceptions_within_sla", "agent control", ev_control, NULL, 1 },
};

static const struct finding_detector outpacing = {
	"generation_outpaces_governance", det_outpacing, NULL, NULL, 0 };
static const struct finding_detector two_tier = { "two_tier_workforce", det_two_tier, NULL, NULL, 1 };
static const struct finding_detector volume = { "volume_over_credibility", det_volume, NULL, NULL, 0 };
static const struct finding_detector shadow = { "shadow_ai", det_shadow, NULL, "Shadow AI", 0 };

void assess_register_detectors(void)
{
	findings_register(&two_tier);
	findings_register(&volume);
	findings_register(&shadow);
	findings_register(&outpacing);
	for (size_t i = 0; i < ARRAY_SIZE(adoption_evidence); i++)
		evidence_register(&adoption_evidence[i]);
	for (size_t i = 0; i < ARRAY_SIZE(change_evidence); i++)
		evidence_register(&change_evidence[i]);
	for (size_t i = 0; i < ARRAY_SIZE(control_evidence); i++)
		evidence_register(&control_evidence[i]);
}
