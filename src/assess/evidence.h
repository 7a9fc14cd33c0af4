/*
 * evidence.h - the narrow door through which the playbook engine reads
 * measured facts.
 *
 * Gate criteria, findings and hypotheses name catalog metrics
 * ("ledger_verifies", "exceptions_within_sla").  The engine never computes
 * them itself and never calls into the layers that do: each capability
 * has a provider for the metrics it can measure, registered at start by
 * assess_register() (as apply kinds are registered), and the engine asks
 * evidence_get().  A
 * metric without a provider is reported as missing, with the capability or
 * import that would supply it, never guessed.
 *
 *     assess_register() --register--> evidence registry <--evidence_get-- playbook
 *                                      |  metric -> fn(store, ...)
 *        providers.c: readiness, ledger, hypotheses, initiatives
 *        detectors.c, evidence_providers.c: adoption, journeys, event
 *        logs, change control, agent control (through their kernels and
 *        typed queries: assess/ sits after metrics/, change/, control/)
 */
#ifndef AIV_EVIDENCE_H
#define AIV_EVIDENCE_H

#include "aiv.h"
#include "catalog/catalog.h"
#include "store/store.h"

enum evidence_state {
	EV_MEASURED = 0, /* value holds the figure */
	EV_MISSING = 1,  /* no provider, or the provider has no data yet */
};

/*
 * One metric's evidence, a plain value: it owns no heap memory (the
 * source is a fixed buffer), so it needs no _release and is copied by
 * value (the evidence cache does).  evidence_value_json() prints it.
 */
struct evidence_value {
	const char *metric;   /* borrowed catalog id */
	int state;            /* enum evidence_state */
	double value;
	char source[256];     /* where the figure comes from, or what is missing */
	int64_t measured_at;  /* microseconds; 0 when unknown */
};

/*
 * The JSON of an evidence value, as the report's metric list carries it:
 * {id, model, state ("measured" or "missing"), value (null when missing),
 * source}; `model` is the caller's label for the metric's value model
 * ("signal" for a signal).  A new reference.
 */
json_t *evidence_value_json(const struct evidence_value *ev, const char *model);

/*
 * What a provider is given: the store (read only use), the catalog, "now".
 * as_of = 1 asks for the figure as of the past date `now` (--as-of),
 * from data up to that date only: a provider that cannot do that is not
 * asked, and evidence_get() answers EV_MISSING saying so rather than
 * giving today's value (struct evidence_provider.history).
 */
struct evidence_env {
	struct store *store;
	const struct catalog *cat;
	int64_t now;
	int as_of;
};

/*
 * Fill *out for `metric`.  Return 0 (with out->state EV_MEASURED, or
 * EV_MISSING and out->source saying what data is lacking), or a negative
 * code with err filled on a store error.
 */
typedef int (*evidence_fn)(const struct evidence_env *env, const char *metric,
			   struct evidence_value *out, void *data,
			   struct aiv_err *err);

struct evidence_provider {
	const char *metric; /* catalog metric or signal id */
	const char *name;   /* the capability, e.g. "readiness answers" */
	evidence_fn fn;
	void *data;         /* passed back to fn, borrowed */
	int history;        /* 1: fn honours env->now as a past date (as_of) */
};

/*
 * Per-workflow evidence: the measured figures of one agent workflow for
 * the catalog's workflow foundations (identity, entitlements, ...).  Fill
 * out[i] for cat->foundations[i] (EV_MEASURED with the share, or
 * EV_MISSING saying why); *found = 0 when the capability knows no
 * workflow of that name.  Registered by assess/evidence_providers.c over
 * agent control's readiness figures.
 */
typedef int (*workflow_evidence_fn)(const struct evidence_env *env, const char *workflow,
				    struct evidence_value *out, int *found, void *data,
				    struct aiv_err *err);
void evidence_register_workflow(workflow_evidence_fn fn, void *data);
/*
 * The registered per-workflow figures (out parallel to cat->foundations,
 * at least cat->nfoundations entries).  Without a registration, or for an
 * unknown workflow, *found = 0 and every entry is EV_MISSING.
 */
int evidence_workflow(const struct evidence_env *env, const char *workflow,
		      struct evidence_value *out, int *found, struct aiv_err *err);

/* Register (the provider struct is borrowed for the program's life). */
void evidence_register(const struct evidence_provider *p);
/* Forget every provider (tests). */
void evidence_reset(void);
/* The provider for `metric`, or NULL. */
const struct evidence_provider *evidence_provider_for(const char *metric);

/*
 * The evidence for `metric`.  Without a provider: EV_MISSING with source
 * "lacks evidence: <what would supply it>".  Returns 0 or a store error.
 */
int evidence_get(const struct evidence_env *env, const char *metric,
		 struct evidence_value *out, struct aiv_err *err);

/*
 * The capability or import that would supply `metric` (static text).
 * Every catalog metric has an entry; anything else gets a generic text
 * and evidence_supplier_known() says 0.
 */
const char *evidence_supplier(const char *metric);
int evidence_supplier_known(const char *metric);

/*
 * ---- the evidence cache ----
 *
 * evidence_get() keeps each provider's answer in one process-wide cache
 * slot (mutex-protected, so the server's worker threads share it), keyed
 * by everything the answer can depend on:
 *   - the store (its URI) and its ledger head (seq and hash): every state
 *     change appends to the ledger, so a new head invalidates;
 *   - the catalog (its address and source) and the provider registry
 *     (bumped by every evidence_register);
 *   - the result of each "watch" query registered below (state that is
 *     written before it reaches the ledger, such as decision-log rows
 *     waiting for their batch entry);
 *   - time: an answer is reused for at most EVIDENCE_CACHE_TTL_US of
 *     env->now, because windows such as "the last 90 days" move.
 * Nothing is cached inside a transaction or for an in-memory store.
 * Provider errors are never cached.
 */
#define EVIDENCE_CACHE_TTL_US (60LL * 1000000)

/* Turn the cache on (default) or off (tests that change fakes in place). */
void evidence_cache_enable(int on);
/* Drop every cached answer. */
void evidence_cache_clear(void);
/* Add a single-integer query to the cache key (borrowed static text). */
void evidence_cache_watch(const char *sql);

struct evidence_cache_stats {
	uint64_t hits, misses;
	uint64_t stored;        /* computations finished and stored */
};
void evidence_cache_stats(struct evidence_cache_stats *out);

/*
 * The cache key of the store's current state (ledger head, watches,
 * catalog, registry generation) into key[EVIDENCE_KEY_LEN]: equal keys
 * mean equal evidence.  Returns 0 (key[0] == '\0' when the state cannot
 * be cached: in a transaction or in memory) or a store error.
 */
#define EVIDENCE_KEY_LEN 512
int evidence_state_key(const struct evidence_env *env, char key[EVIDENCE_KEY_LEN],
		       struct aiv_err *err);

#endif
