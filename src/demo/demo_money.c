/*
 * demo_money.c - the demo organisation's money (issue 19): a price book
 * for its seats, tokens and agents, the unit values its outcomes are
 * worth, and one more measured effect, so that `aivalue value` shows the
 * three cases a reader must tell apart:
 *
 *   the story initiative (claims-assist / p2p-assist)   pays back: its
 *       supported cycle-time hypothesis, priced at a handler's loaded
 *       hourly cost on the log's AI-assisted cases a year, is far above
 *       the seats and tokens of its team;
 *   the expert initiative (underwriting-briefs, ...)   does not: a real
 *       but small saving on a few briefs a year (observations written
 *       here) against a whole team's seats and tokens;
 *   the distribution initiative (cover-advisor, ...)   not yet proven: its
 *       hypothesis has a unit value but no verdict yet, so its value is
 *       listed and never summed.
 *
 * Files: money/prices.yaml (PriceBook, Hypothesis, UnitValue) and
 * money/observations.csv; demo_load.c applies and imports them.
 */
#include <stdio.h>
#include <string.h>

#include "core/strbuf.h"
#include "demo/demo_int.h"

/* The expert-capability and distribution initiatives, by industry (demo_org.c's table). */
static const char *const expert_ini[] = { "assortment-briefs", "underwriting-briefs",
					  "failure-analysis-briefs" };
static const char *const expert_role[] = { "Buyer", "Underwriter", "Quality engineer" };
static const char *const dist_ini[] = { "shopping-assistant", "cover-advisor", "dealer-assistant" };
static const char *const story_ini[] = { "p2p-assist", "claims-assist", "p2p-assist" };
static const char *const story_role[] = { "Accounts payable clerk", "Claims handler",
					  "Buyer" };

int demo_write_money(struct demo *d, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct stats_rng r;
	int i = (int)d->o.industry, k, ret;
	char day[11];

	if (i < 0 || i > 2)
		i = 1;
	strbuf_addf(&sb, "# %s: what AI costs and what outcomes are worth (aivalue value)\n"
		    "---\nkind: PriceBook\nname: list-prices\ncurrency: EUR\nseats:\n"
		    "  - {tool: m365-copilot, per_month: \"28.10\", effective_from: 2025-11-01}\n"
		    "  - {tool: chatgpt-enterprise, per_month: \"55.00\", effective_from: 2025-11-01}\n"
		    "  - {tool: chatgpt-enterprise, per_month: \"50.00\", effective_from: 2026-07-01}\n"
		    "  - {tool: github-copilot, per_month: \"19.00\", effective_from: 2025-11-01}\n"
		    "models:\n"
		    "  - {model: claude-sonnet-4-5, input_per_million: \"2.75\","
		    " output_per_million: \"13.80\", effective_from: 2025-11-01}\n"
		    "agents:\n"
		    "  - {per_decision: \"0.02\", per_tool_call: \"0.01\", effective_from: 2025-11-01}\n",
		    d->org_name);
	strbuf_addf(&sb, "---\nkind: Hypothesis\nname: %s-faster\n"
		    "title: Risk briefs with AI take at least 5%% less expert time\n"
		    "initiative: %s\nmetric: expert_cycle_time\n"
		    "comparison:\n  before_after: \"2026-06-01\"\nminimum_effect: \"5%%\"\n"
		    "confidence: 0.95\nminimum_sample: 30\nreview_date: \"2027-06-30\"\n",
		    expert_ini[i], expert_ini[i]);
	strbuf_addf(&sb, "---\nkind: UnitValue\nname: handler-hour\ntype: hourly_cost\n"
		    "role: %s\nhypotheses: [%s]\namounts:\n"
		    "  - {from: \"2025-11-01\", amount: \"46.00\"}\n"
		    "  - {from: \"2026-07-01\", amount: \"48.50\"}\n",
		    story_role[i], d->story.hypothesis);
	strbuf_addf(&sb, "---\nkind: UnitValue\nname: expert-hour\ntype: hourly_cost\n"
		    "role: %s\nhypotheses: [%s-faster]\nvolume_per_year: 24\namounts:\n"
		    "  - {from: \"2025-11-01\", amount: \"72.00\"}\n", expert_role[i], expert_ini[i]);
	strbuf_addf(&sb, "---\nkind: UnitValue\nname: exception-cost\ntype: exception\n"
		    "hypotheses: [%s-fewer-exceptions]\namounts:\n"
		    "  - {from: \"2025-11-01\", amount: \"38.00\"}\n", story_ini[i]);
	strbuf_addf(&sb, "---\nkind: UnitValue\nname: qualified-lead\ntype: conversion\n"
		    "hypotheses: [%s-intent]\nvolume_per_year: 60000\namounts:\n"
		    "  - {from: \"2025-11-01\", amount: \"12.00\"}\n", dist_ini[i]);
	strbuf_addf(&sb, "---\nkind: UnitValue\nname: case-cost\ntype: case\nprocess: %s\n"
		    "amounts:\n  - {from: \"2025-11-01\", amount: \"85.00\"}\n", d->story.log);
	if ((ret = demo_write(d, "money/prices.yaml", &sb, err)))
		goto cleanup;
	/*
	 * 40 briefs before 2026-06-01 at 16 h +- 2 h of expert time, 40 after
	 * at 14.4 h +- 2 h: a 10 % saving the bootstrap finds clearly.
	 */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "initiative,unit,metric,time,value\n");
	stats_rng_seed(&r, d->o.seed * 7 + 19);
	for (k = 0; k < 80; k++) {
		int after = k >= 40;
		int dd = after ? 191 + (k - 40) * 3 : 41 + k * 3; /* demo days: Jan..May, Jun..Sep */
		double hours = (after ? 14.4 : 16.0) + (demo_unif(&r) * 4.0 - 2.0);
		demo_date(dd, day);
		strbuf_addf(&sb, "%s,brief-%03d,expert_cycle_time,%s,%.0f\n", expert_ini[i], k, day,
			    hours * 3600);
	}
	ret = demo_write(d, "money/observations.csv", &sb, err);
cleanup:
	strbuf_release(&sb);
	return ret;
}
