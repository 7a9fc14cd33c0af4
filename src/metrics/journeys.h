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
#include "intern.h"

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
 * ---- the journey table: the kernel's input, no SQL ----
 *
 * One row per journey, in columns, and one outcome per customer.  Ids are
 * interned: a journey's row is its id in `journeys`; customer and channel
 * columns hold ids of `customers` and `channels`, interned in the order
 * events are added (which orders the report's channels).  The loader
 * (ingest/journeys_load.h) fills it from the store; a test fills it by
 * hand.
 */
struct journey_outcome {
	int known;             /* an outcome row exists */
	int r30, r90, upsell;  /* 0 or 1; -1 unknown */
	double revenue;
	int64_t referrals;
};

struct journey_table {
	struct intern journeys, customers, channels;
	size_t n, alloc;       /* journeys */
	uint32_t *customer;    /* of the journey's first event */
	uint32_t *channel;     /* of the journey's first event */
	int64_t *start_us;     /* earliest event */
	int64_t *commit_turn;  /* turn of the first committed event; -1 none */
	uint8_t *qualified, *committed;
	double *value;         /* sum of the order values */
	struct journey_outcome *outcome; /* per customer id, zeroed when unknown */
	size_t noutcome;       /* entries of outcome */
};

void journey_table_init(struct journey_table *t);
void journey_table_release(struct journey_table *t);
/*
 * Add one event (strings copied).  Add a journey's events in turn order:
 * the first one added names the journey's customer and channel, the first
 * committed one its commitment turn.
 */
void journey_table_add_event(struct journey_table *t, const char *journey,
			     const char *customer, const char *channel, int64_t time_us,
			     int64_t turn, int qualified, int committed, double order_value);
/*
 * Set a customer's outcome (r30, r90, upsell: 0/1, or -1 unknown); a
 * customer with no journey is ignored.  A later row for the same customer
 * replaces an earlier one.
 */
void journey_table_add_outcome(struct journey_table *t, const char *customer, int r30,
			       int r90, int upsell, double revenue, int64_t referrals);

/*
 * ---- the computed model ----
 *
 * Figures are exact; the printers round them to 4 decimals
 * (journeys_figure()).  NAN stands for "no figure" (JSON null).
 */
struct journey_channel {
	char *channel;                    /* owned */
	size_t journeys, customers, converted, with_outcomes;
	double qualified_intent_rate, conversion_rate;
	double iterations_before_commitment;      /* NAN: no commitment */
	double retention_30d, retention_90d, upsell_rate;  /* NAN: no outcome */
	double revenue_per_converted, lifetime_value, referral_rate; /* NAN: no convert */
	double return_30d, repeat_engagement;
};

#define JOURNEY_MAX_MONTHS 64

struct journey_month {
	int month;                    /* year * 12 + month - 1 */
	size_t journeys, converts_with_outcome;
	double conversion_quality;    /* retention_90d of the month's converts */
};

/* The volume-over-credibility trend test on the AI channel. */
struct journey_trend {
	char channel[64];             /* cfg->vc_ai_channel */
	struct journey_month months[JOURNEY_MAX_MONTHS];
	int nmonths;
	int tested;                   /* nmonths >= cfg->vc_min_periods */
	struct mk_result volume, quality;
	int finding;                  /* volume up and quality down, both p < alpha */
};

struct journey_window {
	double value;                 /* NAN: nothing in the window */
	size_t n;
	int64_t from, to;             /* microseconds */
};

/* The AI channel's catalog windows (journeys.h's header comment). */
struct journey_windows {
	int present;                  /* 0: no journey on the AI channel (JSON null) */
	int64_t as_of;
	struct journey_window qualified_intent_rate, iterations_before_commitment,
			      conversion_quality, return_rate_30d, referral_rate,
			      volume_growth;
	size_t last_13_weeks, weeks_13_before; /* volume growth's counts */
};

struct journeys_result {
	struct journey_channel *channels; /* in the table's channel order */
	size_t nchannels;
	struct journey_trend trend;
	struct journey_windows windows;
};

/*
 * The pure kernel: channel metrics, the trend test and the catalog windows
 * of table t (read only).  Fills *out; release with
 * journeys_result_release().  Never fails.
 */
void journeys_compute(const struct journey_table *t, const struct adoption_config *cfg,
		      struct journeys_result *out);
void journeys_result_release(struct journeys_result *r);

/* ---- printers ---- */

/* A figure as reported: rounded to 4 decimals. */
double journeys_figure(double v);
/*
 * The `aivalue journeys --json` document: {channels, volume_over_credibility,
 * ai_channel_windows}.  A new reference.
 */
json_t *journeys_result_json(const struct journeys_result *r);
/* The trend test alone (the report's volume_over_credibility).  A new reference. */
json_t *journeys_trend_json(const struct journey_trend *tr);
/*
 * The volume-over-credibility finding's text, with the catalog's name of
 * the failure mode (cat may be NULL).  A new string, caller frees; NULL
 * when the trend test found nothing.
 */
char *journeys_finding_summary(const struct journeys_result *r, const struct catalog *cat);
/*
 * The finding as JSON ({id, model, failure_mode, name, summary, evidence,
 * move}), or NULL when there is none.  A new reference.
 */
json_t *journeys_finding_json(const struct journeys_result *r, const struct catalog *cat);

#endif
