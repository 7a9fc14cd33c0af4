/*
 * demo_govern.c - what the organisation governs and how:
 *
 *   artefacts/ID.md         SOPs, policies, contracts, forms, tests and
 *                           reports as a front-matter folder with typed
 *                           dependency edges (artefacts sync reads it)
 *   changes/ID-v2.md        the proposed new content of the change requests
 *                           the loader opens (and the plan: which ends
 *                           merged, approved, rejected or open)
 *   changes/ID-review.md    the walk-through note attached as evidence to
 *                           the merged changes (all but SOP-1's when two
 *                           or more are merged: the story's gap)
 *   control/agents.yaml     agents, workflows (one autonomous, one
 *                           supervised) and a Cedar policy with @escalate
 *   control/decisions.jsonl the agents' requests, with what the demo's
 *                           people then do with each escalation
 *   assess/readiness.yaml   answers to every readiness question, the
 *                           governance basics documented by evidence files
 *   assess/hypotheses.yaml  registered value hypotheses
 */
#include <stdio.h>
#include <string.h>

#include "assess/questionnaire.h"
#include "core/banned.h"
#include "demo/demo_int.h"

static const char *const sop_topics_insurance[] = {
	"Motor claims intake", "Coverage check", "Damage assessment", "Settlement decision",
	"Claim payment", "Fraud referral", "Property claims intake", "Loss adjuster visit",
	"Claim closure", "Complaint handling",
};
static const char *const sop_topics_p2p[] = {
	"Purchase requisition", "Requisition approval", "Purchase order release",
	"Goods receipt", "Invoice capture", "Three-way match", "Price mismatch resolution",
	"Invoice approval", "Supplier payment run", "Supplier onboarding",
};

/* Teams that own SOPs: the domain's operating teams. */
static int sop_team(const struct demo *d, int k)
{
	static const char *const ins[] = { "claims-motor", "claims-property", "contact-centre",
					   "underwriting" };
	static const char *const ret[] = { "finance-ap", "merchandising", "store-ops",
					   "fulfilment" };
	static const char *const man[] = { "finance-ap", "procurement", "assembly",
					   "maintenance" };
	const char *const *t = d->o.industry == DEMO_INSURANCE ? ins
			     : d->o.industry == DEMO_RETAIL ? ret : man;

	return demo_team_find(d, t[k % 4]);
}

int demo_sop_count(const struct demo *d)
{
	static const int n[] = { 8, 24, 120 };

	return n[d->o.size];
}

static const char *lead_of(const struct demo *d, const char *team)
{
	int t = demo_team_find(d, team);

	return t < 0 ? "" : d->people[d->teams[t].lead].name;
}

static int write_artefact(struct demo *d, const char *id, const char *kind, const char *title,
			  const char *owner, const char *deps, const char *body,
			  struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	char rel[64], low[32];
	size_t i;
	int ret;

	for (i = 0; id[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)(id[i] >= 'A' && id[i] <= 'Z' ? id[i] - 'A' + 'a' : id[i]);
	low[i] = '\0';
	strbuf_addf(&sb, "---\nid: %s\nkind: %s\ntitle: \"%s\"\nowner: %s\n", id, kind, title,
		    owner);
	if (deps && *deps)
		strbuf_addf(&sb, "depends_on:\n%s", deps);
	strbuf_addf(&sb, "---\n# %s\n\n%s", title, body);
	snprintf(rel, sizeof(rel), "artefacts/%s.md", low);
	ret = demo_write(d, rel, &sb, err);
	strbuf_release(&sb);
	d->n_artefacts++;
	return ret;
}

int demo_write_artefacts(struct demo *d, struct aiv_err *err)
{
	int insurance = d->o.industry == DEMO_INSURANCE;
	const char *const *topics = insurance ? sop_topics_insurance : sop_topics_p2p;
	const char *domain_policy = insurance ? "Claims handling policy" : "Procurement policy";
	const char *legal = d->o.industry == DEMO_INSURANCE ? "legal-compliance"
			  : d->o.industry == DEMO_RETAIL ? "legal-commercial" : "legal";
	const char *quality = d->o.industry == DEMO_INSURANCE ? "claims-quality"
			    : d->o.industry == DEMO_RETAIL ? "product-quality" : "quality-assurance";
	struct strbuf deps = STRBUF_INIT, body = STRBUF_INIT, cr = STRBUF_INIT;
	int n = demo_sop_count(d), k, ret;
	char id[32], title[160], rel[64];

	if ((ret = write_artefact(d, "POL-1", "policy", "Acceptable use of AI",
				  lead_of(d, legal), NULL,
				  "1. Only tools in the AI register may be used for work.\n"
				  "2. Customer and personal data go only into tools approved for them.\n"
				  "3. A person reviews every AI output that leaves the company.\n", err)))
		goto cleanup;
	strbuf_addf(&body, "1. Every %s is handled under a named owner.\n"
		    "2. Amounts above EUR 5,000 need a second person before payment.\n"
		    "3. AI assistance is allowed for preparation; decisions are recorded.\n",
		    insurance ? "claim" : "purchase");
	if ((ret = write_artefact(d, "POL-2", "policy", domain_policy,
				  d->people[d->teams[sop_team(d, 0)].lead].name,
				  "  - { id: POL-1, type: references }\n", body.buf, err)))
		goto cleanup;
	if ((ret = write_artefact(d, "POL-3", "policy", "Data protection policy",
				  lead_of(d, d->o.industry == DEMO_INSURANCE ? "it-ops"
					  : d->o.industry == DEMO_RETAIL ? "it-service" : "it-ot"),
				  NULL, "1. Personal data is kept only as long as the purpose needs.\n"
				  "2. Access is granted per role and reviewed every quarter.\n", err)))
		goto cleanup;
	for (k = 1; k <= 3; k++) {
		snprintf(id, sizeof(id), "CON-%d", k);
		snprintf(title, sizeof(title), "%s framework agreement %d",
			 insurance ? "Repair network" : "Supplier", k);
		if ((ret = write_artefact(d, id, "contract", title, legal,
					  "  - { id: POL-2, type: references }\n",
					  "The counterparty follows the policies referenced here.\n",
					  err)))
			goto cleanup;
	}
	for (k = 1; k <= n; k++) {
		const struct demo_team *t = &d->teams[sop_team(d, k - 1)];
		strbuf_reset(&deps);
		strbuf_reset(&body);
		strbuf_addf(&deps, "  - { id: POL-%d, type: governed-by }\n", k % 3 == 0 ? 3 : 2);
		snprintf(id, sizeof(id), "SOP-%d", k);
		snprintf(title, sizeof(title), "%s (%s)", topics[(k - 1) % 10], t->title);
		strbuf_addf(&body, "1. %s starts from the work queue of %s.\n"
			    "2. Check the record against the policy before acting.\n"
			    "3. Record the outcome and who decided it.\n", topics[(k - 1) % 10], t->title);
		if ((ret = write_artefact(d, id, "sop", title, t->name, deps.buf, body.buf, err)))
			goto cleanup;
		strbuf_reset(&deps);
		strbuf_addf(&deps, "  - { id: SOP-%d, type: derives-from }\n", k);
		snprintf(id, sizeof(id), "FORM-%d", k);
		snprintf(title, sizeof(title), "%s form", topics[(k - 1) % 10]);
		if ((ret = write_artefact(d, id, "form", title, t->name, deps.buf,
					  "Fields: reference, date, amount, decision, decided by.\n", err)))
			goto cleanup;
		strbuf_reset(&deps);
		strbuf_addf(&deps, "  - { id: SOP-%d, type: verifies }\n", k);
		snprintf(id, sizeof(id), "TEST-%d", k);
		snprintf(title, sizeof(title), "%s control test", topics[(k - 1) % 10]);
		if ((ret = write_artefact(d, id, "test", title, quality, deps.buf,
					  "Sample 25 records a quarter; each follows the SOP.\n", err)))
			goto cleanup;
		strbuf_reset(&deps);
		strbuf_addf(&deps, "  - { id: SOP-%d, type: references }\n", k);
		snprintf(id, sizeof(id), "RPT-%d", k);
		snprintf(title, sizeof(title), "%s monthly report", topics[(k - 1) % 10]);
		if ((ret = write_artefact(d, id, "report", title, lead_of(d, quality), deps.buf,
					  "Volumes, cycle time and exceptions per month.\n", err)))
			goto cleanup;
	}
	/* the changes the loader proposes: SOP-k gets a fourth step */
	for (k = 1; k <= n / 2; k++) {
		const struct demo_team *t = &d->teams[sop_team(d, k - 1)];
		strbuf_reset(&cr);
		strbuf_addf(&cr, "---\nid: SOP-%d\nkind: sop\ntitle: \"%s (%s)\"\nowner: %s\n"
			    "depends_on:\n  - { id: POL-%d, type: governed-by }\n---\n# %s (%s)\n\n"
			    "1. %s starts from the work queue of %s.\n"
			    "2. Check the record against the policy before acting.\n"
			    "3. Record the outcome and who decided it.\n"
			    "4. When an AI assistant prepared the work, say so in the record.\n",
			    k, topics[(k - 1) % 10], t->title, t->name, k % 3 == 0 ? 3 : 2,
			    topics[(k - 1) % 10], t->title, topics[(k - 1) % 10], t->title);
		snprintf(rel, sizeof(rel), "changes/sop-%d-v2.md", k);
		if ((ret = demo_write(d, rel, &cr, err)))
			goto cleanup;
		if (!demo_change_has_evidence(d, k))
			continue;
		strbuf_reset(&cr);
		strbuf_addf(&cr, "# SOP-%d v2: walk-through\n\nThe owner (%s) and quality walked "
			    "through ten recent records of %s with the new step 4; each record "
			    "says whether an AI assistant prepared the work.\n",
			    k, t->name, topics[(k - 1) % 10]);
		snprintf(rel, sizeof(rel), "changes/sop-%d-review.md", k);
		if ((ret = demo_write(d, rel, &cr, err)))
			goto cleanup;
	}
	/* and a policy change that stays open, waiting for its many approvers */
	strbuf_reset(&cr);
	strbuf_addf(&cr, "---\nid: POL-2\nkind: policy\ntitle: \"%s\"\nowner: %s\n"
		    "depends_on:\n  - { id: POL-1, type: references }\n---\n# %s\n\n%s"
		    "4. An agent may prepare a decision but a person owns it.\n", domain_policy,
		    d->people[d->teams[sop_team(d, 0)].lead].name, domain_policy,
		    insurance ? "1. Every claim is handled under a named owner.\n"
			       "2. Amounts above EUR 5,000 need a second person before payment.\n"
			       "3. AI assistance is allowed for preparation; decisions are recorded.\n"
			     : "1. Every purchase is handled under a named owner.\n"
			       "2. Amounts above EUR 5,000 need a second person before payment.\n"
			       "3. AI assistance is allowed for preparation; decisions are recorded.\n");
	ret = demo_write(d, "changes/pol-2-v2.md", &cr, err);
cleanup:
	strbuf_release(&deps);
	strbuf_release(&body);
	strbuf_release(&cr);
	return ret;
}

/*
 * When the demo's request came, in hours before the load: an expired
 * item is 30 to 77 hours old (past its 8-hour SLA); one a person approves
 * or rejects at the load came 1 to 7 hours earlier, within the SLA, so
 * that the queue's resolution time is a working day's, not the
 * milliseconds between two calls of the same load; an open one is new.
 */
static int demo_hours_ago(const char *then, int i)
{
	if (!strcmp(then, "expire"))
		return 30 + i % 48;
	if (!strcmp(then, "approve") || !strcmp(then, "reject"))
		return 1 + i % 7;
	return 0;
}

int demo_change_has_evidence(const struct demo *d, int k)
{
	/* merged (the loader's plan), and not SOP-1 once two or more are: one gap stays */
	return k % 4 == 1 && (k > 1 || demo_sop_count(d) / 2 < 5);
}

int demo_write_control(struct demo *d, struct aiv_err *err)
{
	int insurance = d->o.industry == DEMO_INSURANCE;
	const char *wf = d->story.workflow, *agent = d->story.agent;
	const char *team = insurance ? "claims-motor" : "finance-ap";
	const char *cs = d->o.industry == DEMO_INSURANCE ? "contact-centre"
		       : d->o.industry == DEMO_RETAIL ? "customer-care" : "aftersales";
	const char *owner = lead_of(d, team), *csl = lead_of(d, cs);
	const char *step1 = insurance ? "triage" : "match", *step2 = insurance ? "settle" : "approve";
	const char *queue = insurance ? "claims-review" : "invoice-review";
	struct strbuf sb = STRBUF_INIT;
	struct stats_rng r;
	int n, i, ret, t = demo_team_find(d, team), c = demo_team_find(d, cs);
	static const int ndec[] = { 40, 160, 800 };

	strbuf_addf(&sb, "# %s: agents, workflows and their Cedar policies (generated by 'aivalue demo')\n"
		    "---\nkind: Agent\nname: %s\nowner: %s\nworkflow: %s\n"
		    "---\nkind: Agent\nname: reply-bot\nowner: %s\nworkflow: customer-replies\n"
		    "---\nkind: Workflow\nname: %s\nowner: %s\n"
		    "autonomy: autonomous    # the story: autonomous before phase 3 is earned\n"
		    "steps:\n  - name: %s\n    owner: team:%s\n    agents: [%s]\n"
		    "  - name: %s\n    owner: %s\n    agents: [%s]\n"
		    "---\nkind: Workflow\nname: customer-replies\nowner: %s\nautonomy: supervised\n"
		    "steps:\n  - name: draft\n    owner: team:%s\n    agents: [reply-bot]\n"
		    "---\nkind: Policy\nname: %s-policy\nresource_types: [%s, Reply]\ncedar: |\n"
		    "  @id(\"%s-permit\")\n"
		    "  permit(principal in Workflow::\"%s\", action == Action::\"%s\", resource is %s);\n"
		    "  @id(\"%s-review\") @escalate(\"%s\") @sla(\"PT8H\")\n"
		    "  forbid(principal, action == Action::\"%s\", resource)\n"
		    "  when { context.confidence.lessThan(decimal(\"0.80\")) || context.amount > 5000 };\n"
		    "  @id(\"replies-permit\")\n"
		    "  permit(principal in Workflow::\"customer-replies\", action == Action::\"send_reply\", resource is Reply);\n"
		    "  @id(\"no-legal-advice\")\n"
		    "  forbid(principal, action == Action::\"send_reply\", resource)\n"
		    "  when { context has legal_topic && context.legal_topic };\n",
		    d->org_name, agent, owner, wf, csl, wf, owner, step1, team, agent, step2, owner,
		    agent, csl, cs, wf, d->story.resource_type, wf, wf, d->story.action,
		    d->story.resource_type, wf, queue, d->story.action);
	if ((ret = demo_write(d, "control/agents.yaml", &sb, err)))
		goto cleanup;
	/*
	 * The requests, one JSON object a line: the request as `aivalue
	 * decide` takes it, and "then": what the demo's people do with an
	 * escalation (approve, reject, leave it open, or let it expire), and
	 * "hours_ago": when the request came (demo_hours_ago).
	 */
	strbuf_reset(&sb);
	stats_rng_seed(&r, d->o.seed * 31337 + 3);
	n = ndec[d->o.size];
	for (i = 0; i < n; i++) {
		int reply = i % 4 == 3;
		double u = demo_unif(&r);
		const char *then = u < 0.45 ? "approve" : u < 0.6 ? "reject" : u < 0.8 ? "expire" : "open";
		const struct demo_team *tm = &d->teams[reply ? c : t];
		const char *by = d->people[tm->first + 1 + (int)stats_rng_below(&r, (uint64_t)(tm->n - 1))].name;
		if (reply) {
			const char *obo = d->people[tm->first + 1 + (int)stats_rng_below(&r, (uint64_t)(tm->n - 1))].name;
			if (!strcmp(obo, by))
				by = d->people[tm->lead].name;
			strbuf_addf(&sb, "{\"agent\":\"reply-bot\",\"action\":\"send_reply\","
				    "\"resource\":\"Reply::\\\"r-%05d\\\"\",\"on_behalf_of\":\"%s\","
				    "\"context\":{\"legal_topic\":%s},\"then\":\"%s\",\"by\":\"%s\","
				    "\"hours_ago\":%d}\n", i + 1, obo, demo_chance(&r, 0.1) ? "true" : "false",
				    then, by, demo_hours_ago(then, i));
		} else {
			strbuf_addf(&sb, "{\"agent\":\"%s\",\"action\":\"%s\","
				    "\"resource\":\"%s::\\\"%s-%06d\\\"\","
				    "\"context\":{\"confidence\":%.2f,\"amount\":%d},\"then\":\"%s\",\"by\":\"%s\","
				    "\"hours_ago\":%d}\n", agent, d->story.action, d->story.resource_type,
				    insurance ? "CL" : "INV", 100000 + i, 0.6 + 0.39 * demo_unif(&r),
				    100 + (int)stats_rng_below(&r, 9000), then, by,
				    demo_hours_ago(then, i));
		}
	}
	ret = demo_write(d, "control/decisions.jsonl", &sb, err);
cleanup:
	strbuf_release(&sb);
	return ret;
}

int demo_write_assess(struct demo *d, struct aiv_err *err)
{
	struct questionnaire *q = NULL;
	struct strbuf sb = STRBUF_INIT, ev = STRBUF_INIT;
	struct stats_rng r;
	const char *ini = d->o.industry == DEMO_INSURANCE ? "claims-assist" : "p2p-assist";
	const char *dist = d->o.industry == DEMO_INSURANCE ? "cover-advisor"
			 : d->o.industry == DEMO_RETAIL ? "shopping-assistant" : "dealer-assistant";
	size_t i;
	int ret;

	if ((ret = questionnaire_load(&q, d->o.cat, d->o.questionnaire, err)))
		return ret;
	stats_rng_seed(&r, d->o.seed * 65537 + 17);
	strbuf_addf(&sb, "# %s: readiness answers (generated by 'aivalue demo').\n"
		    "# Choices are 1-based as 'aivalue assess questions' prints them;\n"
		    "# evidence paths are relative to this file.\nanswers:\n", d->org_name);
	for (i = 0; i < q->n; i++) {
		const struct rq_question *qq = &q->q[i];
		/* mostly "defined" to "managed"; the governance basics documented */
		int choice = qq->basic >= 0 ? 4 : 3 + (int)stats_rng_below(&r, 2);
		if ((size_t)choice > qq->nchoices)
			choice = (int)qq->nchoices;
		strbuf_addf(&sb, "  - question: %s\n    choice: %d\n", qq->id, choice);
		if (qq->basic >= 0) {
			char rel[128];
			strbuf_reset(&ev);
			strbuf_addf(&ev, "# %s: evidence for '%s'\n\n%s\n\nOwner: %s. Reviewed 2026-10-15.\n",
				    d->org_name, qq->id, qq->text, d->people[0].name);
			snprintf(rel, sizeof(rel), "assess/evidence/%s.md", qq->id);
			if ((ret = demo_write(d, rel, &ev, err)))
				goto cleanup;
			strbuf_addf(&sb, "    provenance: documented\n    evidence: evidence/%s.md\n",
				    qq->id);
		}
		strbuf_addstr(&sb, "    as_of: \"2026-11-01\"\n");
	}
	if ((ret = demo_write(d, "assess/readiness.yaml", &sb, err)))
		goto cleanup;
	strbuf_reset(&sb);
	strbuf_addf(&sb, "# %s: value hypotheses, registered before the evidence is judged.\n"
		    "# Cycle time and exceptions are measured per case of the '%s' log;\n"
		    "# the error-rate guardrail comes from the quality team's reviews\n"
		    "# (observations.csv).\n"
		    "---\nkind: ExceptionRule\nname: %s-exceptions\n"
		    "description: a case that needed this step is an exception\n"
		    "activities: [\"%s\"]\n"
		    "---\nkind: Hypothesis\nname: %s\n"
		    "title: AI-assisted %s finish at least 15%% faster end to end\n"
		    "initiative: %s\nlog: %s\nmetric: end_to_end_cycle_time\n"
		    "comparison:\n  cohorts:\n    attribute: ai_assisted\n    baseline: \"false\"\n"
		    "    treatment: \"true\"\nminimum_effect: \"15%%\"\nconfidence: 0.95\n"
		    "minimum_sample: 30\nguardrails:\n  - metric: exception_rate\n"
		    "    max_worsening: 0.05\n  - metric: error_rate\n    max_worsening: 0.03\n"
		    "review_date: \"2027-03-31\"\n"
		    "---\nkind: Hypothesis\nname: %s-fewer-exceptions\n"
		    "title: AI assistance cuts the exception rate by 5 points\n"
		    "initiative: %s\nlog: %s\nmetric: exception_rate\n"
		    "comparison:\n  cohorts:\n    attribute: ai_assisted\n    baseline: \"false\"\n"
		    "    treatment: \"true\"\nminimum_effect: 0.05\nconfidence: 0.95\n"
		    "minimum_sample: 30\nreview_date: \"2027-03-31\"\n"
		    "---\nkind: Hypothesis\nname: %s-intent\n"
		    "title: The AI channel qualifies more intent than the web\n"
		    "initiative: %s\nmetric: qualified_intent_rate\n"
		    "comparison:\n  before_after: \"2026-12-01\"\nminimum_effect: 0.05\n"
		    "confidence: 0.95\nminimum_sample: 100\nreview_date: \"2027-06-30\"\n",
		    d->org_name, d->story.log, d->story.log,
		    demo_exception_activity(d),
		    d->story.hypothesis,
		    d->o.industry == DEMO_INSURANCE ? "claims" : "purchases", ini, d->story.log,
		    ini, ini, d->story.log, dist, dist);
	ret = demo_write(d, "assess/hypotheses.yaml", &sb, err);
cleanup:
	questionnaire_free(q);
	strbuf_release(&sb);
	strbuf_release(&ev);
	return ret;
}
