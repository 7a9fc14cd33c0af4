/*
 * evidence.h - the narrow door through which the playbook engine reads
 * measured facts.
 *
 * Gate criteria, findings and hypotheses name catalog metrics
 * ("ledger_verifies", "exceptions_within_sla").  The engine never computes
 * them itself and never calls into the layers that do: each capability
 * registers a provider for the metrics it can measure, from cli/ at start
 * (as apply kinds are registered), and the engine asks evidence_get().  A
 * metric without a provider is reported as missing, with the capability or
 * import that would supply it, never guessed.
 *
 *     cli/main.c --register--> evidence registry <--evidence_get-- assess/
 *                               |  metric -> fn(store, ...)
 *        assess: readiness, ledger, hypotheses, initiatives (today)
 *        metrics/, change/, control/: later, same registration
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

struct evidence_value {
	const char *metric;   /* borrowed catalog id */
	int state;            /* enum evidence_state */
	double value;
	char source[256];     /* where the figure comes from, or what is missing */
	int64_t measured_at;  /* microseconds; 0 when unknown */
};

/* What a provider is given: the store (read only use), the catalog, "now". */
struct evidence_env {
	struct store *store;
	const struct catalog *cat;
	int64_t now;
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
};

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

/* The capability or import that would supply `metric` (static text). */
const char *evidence_supplier(const char *metric);

#endif
