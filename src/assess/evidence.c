/*
 * evidence.c - the evidence provider registry (see evidence.h).
 *
 * A fixed table: there are a few dozen catalog metrics and a handful of
 * capabilities, so a linear scan is the right structure.  The supplier
 * table names, for each metric family, the capability or import that will
 * measure it, so that "lacks evidence" tells the user what to do next.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "evidence.h"
#include "ledger/ledger.h"

#define MAX_PROVIDERS 128

static const struct evidence_provider *providers[MAX_PROVIDERS];
static size_t nproviders;
static unsigned registry_gen; /* part of the cache key */

void evidence_register(const struct evidence_provider *p)
{
	size_t i;

	registry_gen++;
	for (i = 0; i < nproviders; i++) {
		if (!strcmp(providers[i]->metric, p->metric)) {
			providers[i] = p; /* the later registration wins */
			return;
		}
	}
	if (nproviders < MAX_PROVIDERS)
		providers[nproviders++] = p;
}

void evidence_reset(void)
{
	nproviders = 0;
	registry_gen++;
}

const struct evidence_provider *evidence_provider_for(const char *metric)
{
	size_t i;

	for (i = 0; i < nproviders; i++)
		if (!strcmp(providers[i]->metric, metric))
			return providers[i];
	return NULL;
}

#define USAGE "adoption metrics from an AI usage import (aivalue import usage FILE)"
#define JOURNEYS "journey metrics from a customer journey import (aivalue import journeys FILE)"
#define EVLOG "process-mining metrics from an event log import (aivalue import cases FILE " \
	"--name INITIATIVE; XES, OCEL or CSV)"
#define EXCRULES "an event log import (aivalue import cases FILE --name INITIATIVE) with " \
	"exception rules applied (kind: ExceptionRule)"
#define OBS(m) "observations of " m " (aivalue evidence --data FILE.csv, metric column " m ")"
#define CHANGE "change control (model 4): change requests with impact, evidence and " \
	"sign-off (aivalue change open)"
#define QUEUE "agent control (model 5): the exception queue of agent workflows " \
	"(aivalue decide, aivalue exceptions)"

static const struct {
	const char *metric;
	const char *supplier;
} suppliers[] = {
	{ "repeat_use_rate", USAGE },
	{ "proficiency_mix", "an AI usage import with a feature per event "
	  "(aivalue import usage FILE --map feature=COL)" },
	{ "reusable_workflows", USAGE },
	{ "cross_functional_enablement", USAGE },
	{ "gini_active_days", USAGE },
	{ "repeat_use_gap", USAGE },
	{ "functions_with_repeat_use", USAGE },
	{ "open_two_tier_findings", "the two-tier workforce detector over an AI usage import "
	  "(aivalue import usage FILE)" },
	{ "qualified_intent_rate", JOURNEYS },
	{ "iterations_before_commitment", JOURNEYS },
	{ "conversion_quality", JOURNEYS " with outcomes" },
	{ "return_rate_30d", JOURNEYS },
	{ "referral_rate", JOURNEYS },
	{ "ai_channel_volume_growth", JOURNEYS " covering at least six months" },
	{ "expert_cycle_time", EVLOG ", or " OBS("expert_cycle_time") },
	{ "rework_rate", EVLOG },
	{ "error_rate", OBS("error_rate") },
	{ "reviewer_score", OBS("reviewer_score") },
	{ "scope_expansion", OBS("scope_expansion") },
	{ "change_audit_readiness", CHANGE },
	{ "time_to_safe_change", CHANGE },
	{ "exceptions_within_sla", QUEUE },
	{ "exception_rate", EXCRULES },
	{ "decisions_logged_share", "agent control (model 5): the agent decision log and "
	  "observed tool calls (aivalue workflow import-spans FILE)" },
	{ "end_to_end_cycle_time", EVLOG },
	{ "exception_resolution_time", QUEUE ", or " EXCRULES },
	{ "compliance_findings", OBS("compliance_findings") },
	{ "innovation_output", "hypotheses registered and tested (kind: Hypothesis, aivalue "
	  "evidence --data FILE.csv)" },
	{ "conflict_resolution_time", CHANGE },
	{ "audit_readiness", CHANGE },
	{ "downstream_consistency", "change control (model 4): the artefact dependency graph "
	  "(aivalue artefacts sync DIR)" },
	{ "ai_generated_change_share", CHANGE },
	{ "review_backlog", CHANGE },
	{ "governance_basics_evidenced", "readiness answers (aivalue assess org)" },
	{ "ledger_verifies", "the audit ledger (always present)" },
	{ "supported_hypotheses", "hypotheses with observations (kind: Hypothesis, aivalue "
	  "evidence --data FILE.csv)" },
	{ "value_plays_measured", "initiatives with a baselined hypothesis (kind: Hypothesis, "
	  "aivalue evidence --data FILE.csv)" },
	{ "expert_pilots_unembedded", "initiatives (kind: Initiative) and expert_cycle_time "
	  "hypotheses" },
	{ "agent_workflows_ahead_of_gate", "initiatives (kind: Initiative) and the phase gates" },
};

const char *evidence_supplier(const char *metric)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suppliers); i++)
		if (!strcmp(suppliers[i].metric, metric))
			return suppliers[i].supplier;
	return "a capability that measures this metric (none is installed)";
}

int evidence_supplier_known(const char *metric)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suppliers); i++)
		if (!strcmp(suppliers[i].metric, metric))
			return 1;
	return 0;
}

/* ---- per-workflow evidence ---- */

static workflow_evidence_fn wf_fn;
static void *wf_data;

void evidence_register_workflow(workflow_evidence_fn fn, void *data)
{
	wf_fn = fn;
	wf_data = data;
	registry_gen++;
}

int evidence_workflow(const struct evidence_env *env, const char *workflow,
		      struct evidence_value *out, int *found, struct aiv_err *err)
{
	size_t i;

	*found = 0;
	for (i = 0; i < env->cat->nfoundations; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].metric = env->cat->foundations[i].id;
		out[i].state = EV_MISSING;
		snprintf(out[i].source, sizeof(out[i].source),
			 "not measured for this workflow: agent control knows no workflow '%.100s'",
			 workflow);
	}
	if (!wf_fn)
		return 0;
	return wf_fn(env, workflow, out, found, wf_data, err);
}

/* ---- the cache (see evidence.h) ---- */

#define MAX_WATCH 8
#define CACHE_SLOTS 96

struct cache_item {
	const char *metric;        /* the provider's metric id (static) */
	struct evidence_value v;
};

static struct {
	pthread_mutex_t mu;
	int off;
	char key[EVIDENCE_KEY_LEN];
	int64_t born;              /* env->now of the first answer under this key */
	struct cache_item items[CACHE_SLOTS];
	size_t n;
	const char *watch[MAX_WATCH];
	size_t nwatch;
	uint64_t hits, misses;
} cache = { PTHREAD_MUTEX_INITIALIZER, 0, "", 0, { { NULL, { NULL, 0, 0, "", 0 } } }, 0,
	    { NULL }, 0, 0, 0 };

void evidence_cache_enable(int on)
{
	pthread_mutex_lock(&cache.mu);
	cache.off = !on;
	cache.n = 0;
	cache.key[0] = '\0';
	pthread_mutex_unlock(&cache.mu);
}

void evidence_cache_clear(void)
{
	pthread_mutex_lock(&cache.mu);
	cache.n = 0;
	cache.key[0] = '\0';
	pthread_mutex_unlock(&cache.mu);
}

void evidence_cache_watch(const char *sql)
{
	size_t i;

	pthread_mutex_lock(&cache.mu);
	for (i = 0; i < cache.nwatch && strcmp(cache.watch[i], sql); i++)
		;
	if (i == cache.nwatch && cache.nwatch < MAX_WATCH)
		cache.watch[cache.nwatch++] = sql;
	cache.n = 0;
	cache.key[0] = '\0';
	pthread_mutex_unlock(&cache.mu);
}

void evidence_cache_stats(struct evidence_cache_stats *out)
{
	pthread_mutex_lock(&cache.mu);
	out->hits = cache.hits;
	out->misses = cache.misses;
	out->stored = 0;
	pthread_mutex_unlock(&cache.mu);
}

int evidence_state_key(const struct evidence_env *env, char key[EVIDENCE_KEY_LEN],
		       struct aiv_err *err)
{
	const char *uri;
	const char *watch[MAX_WATCH];
	char hash[SHA256_HEX];
	int64_t seq = 0;
	size_t i, nwatch, len;
	int ret, off;

	key[0] = '\0';
	pthread_mutex_lock(&cache.mu);
	off = cache.off;
	nwatch = cache.nwatch;
	memcpy(watch, cache.watch, sizeof(watch));
	pthread_mutex_unlock(&cache.mu);
	if (off || !env->store)
		return 0;
	uri = store_uri(env->store);
	if (!uri || !*uri || strstr(uri, ":memory:") || strstr(uri, "mode=memory") ||
	    store_in_tx(env->store))
		return 0;
	if ((ret = ledger_head_kept(env->store, &seq, hash, err)))
		return ret;
	len = (size_t)snprintf(key, EVIDENCE_KEY_LEN, "%lld:%s|%p:%s|%u|", (long long)seq, hash,
			       (const void *)env->cat, env->cat && env->cat->source ?
			       env->cat->source : "", registry_gen);
	for (i = 0; i < nwatch && len < EVIDENCE_KEY_LEN; i++) {
		int64_t v = 0;
		if ((ret = store_query_int(env->store, watch[i], &v, err))) {
			key[0] = '\0';
			return ret;
		}
		len += (size_t)snprintf(key + len, EVIDENCE_KEY_LEN - len, "%lld,", (long long)v);
	}
	if (len < EVIDENCE_KEY_LEN)
		snprintf(key + len, EVIDENCE_KEY_LEN - len, "|%s", uri);
	if (strlen(key) >= EVIDENCE_KEY_LEN - 1)
		key[0] = '\0'; /* truncated: do not trust it */
	return 0;
}

/* A cached answer for metric under key at now: 1 and *out filled, or 0. */
static int cache_get(const char *key, int64_t now, const char *metric,
		     struct evidence_value *out)
{
	size_t i;
	int hit = 0;

	pthread_mutex_lock(&cache.mu);
	if (!cache.off && !strcmp(cache.key, key) && now >= cache.born &&
	    now - cache.born < EVIDENCE_CACHE_TTL_US) {
		for (i = 0; i < cache.n; i++)
			if (!strcmp(cache.items[i].metric, metric)) {
				*out = cache.items[i].v;
				hit = 1;
				break;
			}
	}
	if (hit)
		cache.hits++;
	else
		cache.misses++;
	pthread_mutex_unlock(&cache.mu);
	return hit;
}

static void cache_put(const char *key, int64_t now, const char *metric,
		      const struct evidence_value *v)
{
	pthread_mutex_lock(&cache.mu);
	if (cache.off)
		goto out;
	if (strcmp(cache.key, key) || now < cache.born ||
	    now - cache.born >= EVIDENCE_CACHE_TTL_US) {
		snprintf(cache.key, sizeof(cache.key), "%s", key);
		cache.born = now;
		cache.n = 0;
	}
	if (cache.n < CACHE_SLOTS) {
		cache.items[cache.n].metric = metric;
		cache.items[cache.n].v = *v;
		cache.n++;
	}
out:
	pthread_mutex_unlock(&cache.mu);
}

json_t *evidence_value_json(const struct evidence_value *ev, const char *model)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:s}", "id", ev->metric, "model", model,
			 "state", ev->state == EV_MEASURED ? "measured" : "missing",
			 "value", ev->state == EV_MEASURED ? json_real(ev->value) : json_null(),
			 "source", ev->source);
}

int evidence_get(const struct evidence_env *env, const char *metric,
		 struct evidence_value *out, struct aiv_err *err)
{
	const struct evidence_provider *p = evidence_provider_for(metric);
	char key[EVIDENCE_KEY_LEN];
	int ret;

	memset(out, 0, sizeof(*out));
	out->metric = metric;
	out->state = EV_MISSING;
	if (!p) {
		snprintf(out->source, sizeof(out->source), "lacks evidence: %s",
			 evidence_supplier(metric));
		return 0;
	}
	if (env->as_of && !p->history) {
		char day[TIME_ISO_LEN];
		time_format_us(env->now, day);
		snprintf(out->source, sizeof(out->source), "cannot be computed as of %.10s: its "
			 "source (%s) holds only the current state, not its history", day, p->name);
		return 0;
	}
	if (env->as_of)
		return p->fn(env, metric, out, p->data, err); /* never cached: a past date */
	if ((ret = evidence_state_key(env, key, err)))
		return ret;
	if (key[0] && cache_get(key, env->now, p->metric, out)) {
		out->metric = metric;
		return 0;
	}
	if ((ret = p->fn(env, metric, out, p->data, err)))
		return ret;
	if (key[0])
		cache_put(key, env->now, p->metric, out);
	return 0;
}
