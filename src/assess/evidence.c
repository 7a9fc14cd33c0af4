/*
 * evidence.c - the evidence provider registry (see evidence.h).
 *
 * A fixed table: there are a few dozen catalog metrics and a handful of
 * capabilities, so a linear scan is the right structure.  The supplier
 * table names, for each metric family, the capability or import that will
 * measure it, so that "lacks evidence" tells the user what to do next.
 */
#include <stdio.h>
#include <string.h>

#include "evidence.h"

#define MAX_PROVIDERS 128

static const struct evidence_provider *providers[MAX_PROVIDERS];
static size_t nproviders;

void evidence_register(const struct evidence_provider *p)
{
	size_t i;

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
}

const struct evidence_provider *evidence_provider_for(const char *metric)
{
	size_t i;

	for (i = 0; i < nproviders; i++)
		if (!strcmp(providers[i]->metric, metric))
			return providers[i];
	return NULL;
}

static const struct {
	const char *metric;
	const char *supplier;
} suppliers[] = {
	{ "repeat_use_rate", "adoption metrics from an AI usage import (aivalue import usage)" },
	{ "proficiency_mix", "adoption metrics from an AI usage import (aivalue import usage)" },
	{ "reusable_workflows", "adoption metrics from an AI usage import (aivalue import usage)" },
	{ "cross_functional_enablement", "adoption metrics from an AI usage import (aivalue import usage)" },
	{ "gini_active_days", "adoption metrics from an AI usage import (aivalue import usage)" },
	{ "repeat_use_gap", "adoption metrics from an AI usage import (aivalue import usage)" },
	{ "functions_with_repeat_use", "adoption metrics from an AI usage import (aivalue import usage)" },
	{ "open_two_tier_findings", "the two-tier workforce detector over an AI usage import" },
	{ "qualified_intent_rate", "journey metrics from an AI-surface conversation import" },
	{ "iterations_before_commitment", "journey metrics from an AI-surface conversation import" },
	{ "conversion_quality", "journey metrics from an AI-surface conversation import" },
	{ "return_rate_30d", "journey metrics from an AI-surface conversation import" },
	{ "referral_rate", "journey metrics from an AI-surface conversation import" },
	{ "ai_channel_volume_growth", "journey metrics from an AI-surface conversation import" },
	{ "expert_cycle_time", "process-mining metrics from an event log import (XES/OCEL/CSV)" },
	{ "rework_rate", "process-mining metrics from an event log import (XES/OCEL/CSV)" },
	{ "error_rate", "process-mining metrics from an event log import (XES/OCEL/CSV)" },
	{ "reviewer_score", "process-mining metrics from an event log import (XES/OCEL/CSV)" },
	{ "scope_expansion", "process-mining metrics from an event log import (XES/OCEL/CSV)" },
	{ "change_audit_readiness", "change control (model 4): change requests with impact, evidence and sign-off" },
	{ "time_to_safe_change", "change control (model 4): change requests with impact, evidence and sign-off" },
	{ "exceptions_within_sla", "agent control (model 5): the exception queue of agent workflows" },
	{ "exception_rate", "agent control (model 5): the exception queue of agent workflows" },
	{ "decisions_logged_share", "agent control (model 5): the agent decision log" },
	{ "end_to_end_cycle_time", "process-mining metrics from an event log import (XES/OCEL/CSV)" },
	{ "exception_resolution_time", "agent control (model 5): the exception queue of agent workflows" },
	{ "compliance_findings", "agent control (model 5): compliance findings recorded per workflow" },
	{ "innovation_output", "hypotheses registered and tested (aivalue evidence) with opportunities recorded per workflow" },
	{ "conflict_resolution_time", "change control (model 4): change requests with impact, evidence and sign-off" },
	{ "audit_readiness", "change control (model 4): change requests with impact, evidence and sign-off" },
	{ "downstream_consistency", "change control (model 4): the artefact dependency graph" },
	{ "ai_generated_change_share", "change control (model 4): change requests with impact, evidence and sign-off" },
	{ "review_backlog", "change control (model 4): change requests with impact, evidence and sign-off" },
};

const char *evidence_supplier(const char *metric)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suppliers); i++)
		if (!strcmp(suppliers[i].metric, metric))
			return suppliers[i].supplier;
	return "a capability that measures this metric (none is installed)";
}

int evidence_get(const struct evidence_env *env, const char *metric,
		 struct evidence_value *out, struct aiv_err *err)
{
	const struct evidence_provider *p = evidence_provider_for(metric);

	memset(out, 0, sizeof(*out));
	out->metric = metric;
	out->state = EV_MISSING;
	if (!p) {
		snprintf(out->source, sizeof(out->source), "lacks evidence: %s",
			 evidence_supplier(metric));
		return 0;
	}
	return p->fn(env, metric, out, p->data, err);
}
