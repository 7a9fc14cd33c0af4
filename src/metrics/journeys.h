/*
 * journeys.h - value model 2 (AI-native distribution): journey metrics
 * per channel, and the volume-over-credibility detector.
 *
 * A journey belongs to the channel of its first event.  Per channel:
 *   journeys                 distinct journeys
 *   qualified_intent_rate    journeys with an intent_qualified event / journeys
 *   conversion_rate          journeys with a committed event / journeys
 *   iterations_before_commitment  median turn of the first committed event
 *   converted customers      customers whose first commitment was on the channel
 *   retention_30d / _90d     share of converted customers (with an outcome
 *                            row) retained at 30 / 90 days
 *   upsell_rate, referral_rate (referrals per converted customer),
 *   revenue_per_converted, lifetime_value (committed order values plus
 *                            outcome revenue, per converted customer)
 *   return_30d               customers whose second journey on the channel
 *                            started within 30 days of their first / customers
 *   repeat_engagement        customers with 2 or more journeys / customers
 * Under "ai_channel_windows", the AI channel's model 2 metrics over the
 * windows of the catalog's definitions, as of the newest journey start
 * (a snapshot ends there, not today), each {value, n, from, to}:
 *   qualified_intent_rate, iterations_before_commitment  journeys started
 *                            in the 28 days up to as_of
 *   conversion_quality       retention_90d of customers whose first
 *                            commitment (on the channel) fell in the
 *                            calendar month three before as_of's month
 *   return_rate_30d          people whose first journey in the cohort week
 *                            [as_of - 35 d, as_of - 28 d) was followed by
 *                            another within 30 days / those people
 *   referral_rate            referrals of customers with a committed
 *                            journey in the 90 days up to as_of / them
 *   ai_channel_volume_growth journeys in the 13 weeks up to as_of / the 13
 *                            before - 1; null unless the channel's first
 *                            journey falls in the first week of the earlier 13
 * The detector takes the AI channel's monthly volume and monthly
 * conversion quality (retention_90d of that month's converts) over the
 * last months with journeys and runs a one-sided Mann-Kendall test on
 * each: volume up and quality down, both at p < alpha, is a finding.
 */
#ifndef AIV_METRICS_JOURNEYS_H
#define AIV_METRICS_JOURNEYS_H

#include <jansson.h>

#include "adoption.h"
#include "catalog/catalog.h"
#include "store/store.h"

struct mk_result {
	int n;
	double s, var, z;
	double p_up, p_down; /* one-sided p-values */
};

/*
 * Mann-Kendall trend test of x[0..n-1] in time order, with the tie
 * correction of the variance and the continuity correction of Z.
 */
void journeys_mann_kendall(const double *x, int n, struct mk_result *out);

/*
 * Load journeys and outcomes from the workspace and compute the per
 * channel report and, under "volume_over_credibility", the trend test.
 * *out is a new JSON object; *finding a new finding or NULL.
 */
int journeys_report(struct store *s, const struct adoption_config *cfg,
		    const struct catalog *cat, json_t **out, json_t **finding,
		    struct aiv_err *err);

#endif
