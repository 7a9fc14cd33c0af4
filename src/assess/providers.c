/*
 * providers.c - the evidence this layer can measure today, from data it
 * owns or the foundation keeps: readiness answers, the ledger, hypotheses
 * with their observations, and initiatives.
 *
 * Each provider reads the store, computes one figure and says where it
 * came from.  "No data yet" is EV_MISSING with the command that would
 * supply it; a count over an empty table is a measured 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "playbook.h"
#include "series_int.h"

static const char *questionnaire_path;

/*
 * Four providers read the hypotheses' verdicts, and evaluating them runs
 * a bootstrap per hypothesis.  So one evaluation per store state and
 * "now" is kept and lent out under a mutex (hyp_get .. hyp_put); when the
 * state cannot be keyed (evidence_state_key() is empty) each caller
 * evaluates its own.
 */
static struct {
	pthread_mutex_t mu;
	char key[EVIDENCE_KEY_LEN];
	int64_t now;
	const struct catalog *cat;
	struct hyp_report rep;
	int have;
	int lent;               /* rep is a playbook computation's, not ours to free */
} hyp_memo = { PTHREAD_MUTEX_INITIALIZER, "", 0, NULL, { NULL, 0, 0, 0, 0 }, 0, 0 };

/* Forget the memo's report; with hyp_memo.mu held. */
static void hyp_memo_drop(void)
{
	if (hyp_memo.have && !hyp_memo.lent)
		hyp_report_release(&hyp_memo.rep);
	memset(&hyp_memo.rep, 0, sizeof(hyp_memo.rep));
	hyp_memo.have = hyp_memo.lent = 0;
}

void assess_hyp_lend(const char *key, int64_t now, const struct catalog *cat,
		     const struct hyp_report *rep)
{
	if (!key[0])
		return;
	pthread_mutex_lock(&hyp_memo.mu);
	hyp_memo_drop();
	hyp_memo.rep = *rep;
	hyp_memo.have = hyp_memo.lent = 1;
	snprintf(hyp_memo.key, sizeof(hyp_memo.key), "%s", key);
	hyp_memo.now = now;
	hyp_memo.cat = cat;
	pthread_mutex_unlock(&hyp_memo.mu);
}

void assess_hyp_unlend(const struct hyp_report *rep)
{
	pthread_mutex_lock(&hyp_memo.mu);
	if (hyp_memo.have && hyp_memo.lent && hyp_memo.rep.r == rep->r &&
	    hyp_memo.rep.n == rep->n)
		hyp_memo_drop();
	pthread_mutex_unlock(&hyp_memo.mu);
}

static int hyp_get(const struct evidence_env *env, struct hyp_report *out, int *shared,
		   struct aiv_err *err)
{
	char key[EVIDENCE_KEY_LEN];
	int ret;

	*shared = 0;
	if ((ret = evidence_state_key(env, key, err)))
		return ret;
	if (!key[0])
		return hyp_evaluate_all(env->store, env->cat, env->now, out, err);
	pthread_mutex_lock(&hyp_memo.mu);
	if (!hyp_memo.have || strcmp(hyp_memo.key, key) || hyp_memo.now != env->now ||
	    hyp_memo.cat != env->cat) {
		hyp_memo_drop();
		if ((ret = hyp_evaluate_all(env->store, env->cat, env->now, &hyp_memo.rep, err))) {
			pthread_mutex_unlock(&hyp_memo.mu);
			return ret;
		}
		hyp_memo.have = 1;
		snprintf(hyp_memo.key, sizeof(hyp_memo.key), "%s", key);
		hyp_memo.now = env->now;
		hyp_memo.cat = env->cat;
	}
	*out = hyp_memo.rep;
	*shared = 1;
	return 0; /* with the mutex held until hyp_put */
}

static void hyp_put(struct hyp_report *r, int shared)
{
	if (shared) {
		memset(r, 0, sizeof(*r));
		pthread_mutex_unlock(&hyp_memo.mu);
	} else {
		hyp_report_release(r);
	}
}

static int prov_basics(const struct evidence_env *env, const char *metric,
		       struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct questionnaire *q = NULL;
	struct ra_set set;
	struct readiness_score rs;
	int found = 0, ret;

	(void)data;
	(void)metric;
	if ((ret = readiness_load_latest(env->store, &set, &found, err)))
		return ret;
	if (!found) {
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: no readiness answers saved (run 'aivalue assess org')");
		ra_set_release(&set);
		return 0;
	}
	if ((ret = questionnaire_load(&q, env->cat, questionnaire_path, err))) {
		ra_set_release(&set);
		return ret;
	}
	readiness_score(env->cat, q, &set, env->now, &rs);
	out->state = EV_MEASURED;
	out->value = rs.basics_evidenced;
	out->measured_at = set.created_at;
	snprintf(out->source, sizeof(out->source),
		 "readiness answer set %lld (ledger entry %lld): %d of 4 basics evidenced",
		 (long long)set.id, (long long)set.seq, (int)(rs.basics_evidenced * 4 + 0.5));
	readiness_score_release(&rs);
	questionnaire_free(q);
	ra_set_release(&set);
	return 0;
}

static int prov_ledger(const struct evidence_env *env, const char *metric,
		       struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct ledger_verify_result res;
	int ret;

	(void)data;
	(void)metric;
	memset(&res, 0, sizeof(res));
	if ((ret = ledger_verify(env->store, 0, NULL, &res, err)))
		return ret;
	out->state = EV_MEASURED;
	out->value = res.ok ? 1 : 0;
	out->measured_at = env->now;
	if (res.ok)
		snprintf(out->source, sizeof(out->source),
			 "ledger verification: %lld entries, head %lld", (long long)res.entries,
			 (long long)res.head_seq);
	else
		snprintf(out->source, sizeof(out->source),
			 "ledger verification failed at entry %lld: %.180s", (long long)res.bad_seq,
			 res.reason);
	return 0;
}

static int prov_supported(const struct evidence_env *env, const char *metric,
			  struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct hyp_report rep;
	int shared = 0;
	int ret;

	(void)data;
	(void)metric;
	if ((ret = hyp_get(env, &rep, &shared, err)))
		return ret;
	out->state = EV_MEASURED;
	out->value = (double)rep.supported;
	out->measured_at = env->now;
	snprintf(out->source, sizeof(out->source),
		 "hypotheses: %zu registered, %zu supported, %zu not supported, %zu insufficient data",
		 rep.n, rep.supported, rep.not_supported, rep.insufficient);
	hyp_put(&rep, shared);
	return 0;
}

/* Does initiative `name` have a live hypothesis with baseline data and a recent observation? */
static int play_measured(struct store *s, const struct hyp_report *rep, const char *name,
			 int64_t since, int *yes, struct aiv_err *err)
{
	struct store_stmt *st;
	size_t i;
	int rc;

	*yes = 0;
	for (i = 0; i < rep->n && !*yes; i++) {
		const struct hyp_result *r = &rep->r[i];
		if (strcmp(r->initiative, name) || r->superseded_by || r->e.na == 0)
			continue;
		st = store_prepare(s, "SELECT count(*) FROM observations WHERE initiative = ?"
				      " AND metric = ? AND time_us >= ?", err);
		if (!st)
			return err->code;
		store_bind_text(st, 1, name);
		store_bind_text(st, 2, r->metric);
		store_bind_int(st, 3, since);
		rc = store_step(st, err);
		if (rc == STORE_ROW && store_col_int(st, 0) > 0)
			*yes = 1;
		store_reset(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int active(const json_t *ini)
{
	const char *s = json_str(ini, "status");

	return s && (!strcmp(s, "pilot") || !strcmp(s, "production"));
}

static int prov_plays(const struct evidence_env *env, const char *metric,
		      struct evidence_value *out, void *data, struct aiv_err *err)
{
	static const char *const plays[3] = { "distribution", "expert", "process" };
	struct hyp_report rep;
	int shared = 0;
	struct strbuf which = STRBUF_INIT;
	json_t *inis = NULL, *ini;
	size_t i, p;
	int ret, count = 0;

	(void)data;
	(void)metric;
	if ((ret = hyp_get(env, &rep, &shared, err)))
		return ret;
	if ((ret = assess_initiatives(env->store, &inis, err)))
		goto cleanup;
	for (p = 0; p < 3; p++) {
		int got = 0;
		json_array_foreach(inis, i, ini) {
			int yes = 0;
			if (got || !active(ini) || strcmp(json_str(ini, "model"), plays[p]))
				continue;
			if ((ret = play_measured(env->store, &rep, json_str(ini, "name"),
						 env->now - 90 * 86400000000LL, &yes, err)))
				goto cleanup;
			if (yes) {
				got = 1;
				strbuf_addf(&which, "%s%s (%s)", count ? ", " : "", plays[p],
					    json_str(ini, "name"));
				count++;
			}
		}
	}
	out->state = EV_MEASURED;
	out->value = count;
	out->measured_at = env->now;
	snprintf(out->source, sizeof(out->source),
		 "initiatives with a baselined hypothesis and an observation in the last 90 days: %s",
		 count ? which.buf : "none");
cleanup:
	strbuf_release(&which);
	json_decref(inis);
	hyp_put(&rep, shared);
	return ret;
}

static int prov_unembedded(const struct evidence_env *env, const char *metric,
			   struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct hyp_report rep;
	int shared = 0;
	json_t *inis = NULL, *ini;
	size_t i, j;
	int ret, count = 0;

	(void)data;
	(void)metric;
	if ((ret = hyp_get(env, &rep, &shared, err)))
		return ret;
	if ((ret = assess_initiatives(env->store, &inis, err)))
		goto cleanup;
	json_array_foreach(inis, i, ini) {
		const char *started = json_str(ini, "started");
		int64_t t0 = 0;
		int baseline = 0;
		if (!active(ini) || strcmp(json_str(ini, "model"), "expert"))
			continue;
		if (started && !time_parse_iso(started, &t0) &&
		    env->now - t0 <= 60 * 86400000000LL)
			continue;
		for (j = 0; j < rep.n; j++)
			if (!strcmp(rep.r[j].initiative, json_str(ini, "name")) &&
			    !strcmp(rep.r[j].metric, "expert_cycle_time") && !rep.r[j].superseded_by &&
			    rep.r[j].e.na > 0)
				baseline = 1;
		if (json_array_size(json_object_get(ini, "teams")) == 0 || !baseline)
			count++;
	}
	out->state = EV_MEASURED;
	out->value = count;
	out->measured_at = env->now;
	snprintf(out->source, sizeof(out->source),
		 "initiatives: expert pilots over 60 days without a team or an expert_cycle_time baseline");
cleanup:
	json_decref(inis);
	hyp_put(&rep, shared);
	return ret;
}

/*
 * Innovation output, as the issue defines it for now: hypotheses
 * registered in the last 90 days that were tested (a verdict of supported
 * or not supported).  Opportunities are not recorded by any capability
 * yet; the source says so.
 */
struct innovation {
	const struct evidence_env *env;
	const struct hyp_report *rep;
	struct aiv_err *err;
	int rc, count, recent;
};

/* One Hypothesis object: counted when registered (its ledger entry) in the last 90 days. */
static int innovation_one(const struct apply_object *o, void *data)
{
	struct innovation *in = data;
	char when[64];
	int64_t t = 0;
	int found = 0;
	size_t i;

	if ((in->rc = ledger_entry_time(in->env->store, o->created_seq, when, sizeof(when),
					&found, in->err)))
		return 1;
	if (!found || time_parse_iso(when, &t) || in->env->now - t > 90 * 86400000000LL)
		return 0;
	in->recent++;
	for (i = 0; i < in->rep->n; i++)
		if (!strcmp(in->rep->r[i].name, o->name) &&
		    (!strcmp(in->rep->r[i].verdict, "supported") ||
		     !strcmp(in->rep->r[i].verdict, "not supported")))
			in->count++;
	return 0;
}

static int prov_innovation(const struct evidence_env *env, const char *metric,
			   struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct hyp_report rep;
	struct innovation in = { env, &rep, err, 0, 0, 0 };
	int shared = 0;
	int rc, ret, count, recent;

	(void)data;
	(void)metric;
	if ((ret = hyp_get(env, &rep, &shared, err)))
		return ret;
	rc = apply_each_object(env->store, "Hypothesis", innovation_one, &in, err);
	hyp_put(&rep, shared);
	if (in.rc)
		return in.rc;
	if (rc < 0)
		return rc;
	count = in.count;
	recent = in.recent;
	out->state = EV_MEASURED;
	out->value = count;
	out->measured_at = env->now;
	snprintf(out->source, sizeof(out->source),
		 "hypotheses registered in the last 90 days: %d, tested: %d (recorded "
		 "opportunities are not counted: no capability records them yet)", recent, count);
	return 0;
}

/*
 * The figure of `metric` over its observations (aivalue evidence --data)
 * of the last 90 days before env->now, every initiative together: the
 * sum for a count metric, the median for seconds, else the mean.
 */
int evidence_from_observations(const struct evidence_env *env, const char *metric,
			       struct evidence_value *out, struct aiv_err *err)
{
	const struct cat_metric *m = catalog_metric(env->cat, metric);
	const char *unit = m ? m->unit : "";
	struct store_stmt *st;
	double *v = NULL, sum = 0;
	size_t n = 0, alloc = 0;
	int64_t last = 0;
	int rc;

	st = store_prepare(env->store, "SELECT value, time_us FROM observations WHERE metric = ?"
			   " AND time_us > ? AND time_us <= ?", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, metric);
	store_bind_int(st, 2, env->now - 90 * 86400000000LL);
	store_bind_int(st, 3, env->now);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(v, n + 1, alloc);
		v[n] = store_col_double(st, 0);
		sum += v[n++];
		if (store_col_int(st, 1) > last)
			last = store_col_int(st, 1);
	}
	store_reset(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	out->state = EV_MISSING;
	if (!n) {
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: no observations of %s in the last 90 days (aivalue "
			 "evidence --data FILE.csv)", metric);
		return 0;
	}
	out->state = EV_MEASURED;
	out->measured_at = last;
	if (!strcmp(unit, "count")) {
		out->value = sum;
	} else if (!strcmp(unit, "seconds")) {
		size_t i, j;
		for (i = 1; i < n; i++) /* insertion sort: observation sets are small */
			for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
				double t = v[j];
				v[j] = v[j - 1];
				v[j - 1] = t;
			}
		out->value = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	} else {
		out->value = sum / (double)n;
	}
	snprintf(out->source, sizeof(out->source),
		 "%s of %zu observation%s of the last 90 days (aivalue evidence --data)",
		 !strcmp(unit, "count") ? "sum" : !strcmp(unit, "seconds") ? "median" : "mean",
		 n, n == 1 ? "" : "s");
	free(v);
	return 0;
}

static int prov_observed(const struct evidence_env *env, const char *metric,
			 struct evidence_value *out, void *data, struct aiv_err *err)
{
	(void)data;
	return evidence_from_observations(env, metric, out, err);
}

/*
 * Phase 3 initiatives (systems or process model, phase >= 3) in pilot or
 * production while phase 3 is not earned.  The gates are computed here;
 * a gate that used this very metric would recurse, so a nested call
 * answers "lacks evidence".
 */
static _Thread_local int ahead_depth;

static int prov_ahead(const struct evidence_env *env, const char *metric,
		      struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct phase_verdict pv;
	struct strbuf which = STRBUF_INIT;
	size_t i;
	int ret, count = 0;

	(void)data;
	(void)metric;
	if (ahead_depth) {
		snprintf(out->source, sizeof(out->source),
			 "lacks evidence: a phase gate depends on agent_workflows_ahead_of_gate itself");
		return 0;
	}
	ahead_depth++;
	ret = phase_compute(env, &pv, err);
	ahead_depth--;
	if (ret)
		return ret;
	for (i = 0; i < pv.nahead; i++) {
		const struct ahead_item *a = &pv.ahead[i];
		if (a->phase < 3 || (strcmp(a->model, "systems") && strcmp(a->model, "process")))
			continue;
		strbuf_addf(&which, "%s%s", count ? ", " : "", a->initiative);
		count++;
	}
	out->state = EV_MEASURED;
	out->value = count;
	out->measured_at = env->now;
	snprintf(out->source, sizeof(out->source),
		 "initiatives of phase 3 in pilot or production, phase %d earned: %.180s",
		 pv.earned, count ? which.buf : "none");
	strbuf_release(&which);
	phase_verdict_release(&pv);
	return 0;
}

static const struct evidence_provider providers[] = {
	{ "governance_basics_evidenced", "readiness answers", prov_basics, NULL, 0 },
	{ "ledger_verifies", "audit ledger", prov_ledger, NULL, 0 },
	{ "supported_hypotheses", "hypotheses", prov_supported, NULL, 0 },
	{ "value_plays_measured", "hypotheses and initiatives", prov_plays, NULL, 0 },
	{ "expert_pilots_unembedded", "initiatives", prov_unembedded, NULL, 0 },
	{ "innovation_output", "hypotheses", prov_innovation, NULL, 0 },
	{ "error_rate", "observations", prov_observed, NULL, 0 },
	{ "reviewer_score", "observations", prov_observed, NULL, 0 },
	{ "scope_expansion", "observations", prov_observed, NULL, 0 },
	{ "compliance_findings", "observations", prov_observed, NULL, 0 },
	{ "agent_workflows_ahead_of_gate", "initiatives and phase gates", prov_ahead, NULL, 0 },
};

const char *assess_questionnaire_path(void)
{
	return questionnaire_path;
}

void assess_register_providers(const char *qpath)
{
	size_t i;

	questionnaire_path = qpath;
	for (i = 0; i < ARRAY_SIZE(providers); i++)
		evidence_register(&providers[i]);
}
