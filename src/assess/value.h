/*
 * value.h - what proven effects are worth: the value side of issue 19.
 *
 * One computed model (struct value_report), many printers (the CLI's
 * table and --json, GET /api/v1/value, the /value page).
 *
 *   Hypothesis verdicts (hypothesis.c) --.
 *   UnitValue (unit_value.c, by date) ---+--> value_effect per hypothesis
 *   cases the effect was measured on ----'        |
 *                                                 v
 *   cost_result (cost.h, by initiative) ----> value_group: value, cost, ROI
 *
 * The value of one effect, a year:
 *
 *   gain     the hypothesis's improvement per case, in the unit value's
 *            unit (a time saving in seconds becomes hours for an
 *            hourly_cost; a rate is exceptions/conversions/... per case),
 *            with its interval;
 *   volume   cases a year: the UnitValue's volume_per_year when declared,
 *            else the comparison group's cases scaled to a year over the
 *            time they span (n x 365.25 days / (last - first));
 *   quantity gain x volume, rounded once to thousandths of a unit;
 *   value    quantity x the unit value in force on the `at` date, in
 *            integer minor units (money_muldiv, half to even).
 *
 * The interval: value is a monotone function of the improvement with
 * volume and unit value fixed, so the percentiles of the hypothesis's
 * seeded bootstrap (or Newcombe's interval for rates) map onto it
 * unchanged: the value interval is the improvement interval priced the
 * same way.  Only "supported" hypotheses are realised value; every other
 * one is listed as not yet proven with its would-be figure left out of
 * every sum.
 */
#ifndef AIV_VALUE_H
#define AIV_VALUE_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "assess/cost.h"
#include "assess/hypothesis.h"
#include "assess/unit_value.h"
#include "core/money.h"
#include "core/strbuf.h"

enum value_status {
	VALUE_REALISED = 0, /* supported and priced: counted */
	VALUE_NOT_PROVEN,   /* verdict other than supported: never counted */
	VALUE_UNPRICED,     /* supported, but a unit value, volume or currency is missing */
};
extern const char *const value_status_names[]; /* "realised", "not yet proven", "unpriced" */

struct value_month {
	char month[8];          /* "2026-03" */
	int64_t minor, lo, hi;  /* value realised on the cases of that month */
};

struct value_effect {
	char *hypothesis, *initiative, *metric; /* owned */
	char *unit_value;       /* owned; NULL when no UnitValue names the hypothesis */
	char *amount;           /* owned; the unit value in force at `at`, as declared */
	const char *verdict;    /* static: the hypothesis verdict */
	const char *per;        /* static: what one priced unit is ("hour", "exception") */
	enum value_status status;
	char note[320];         /* why not counted, and which import or YAML supplies it */
	double confidence;
	double gain, gain_lo, gain_hi; /* per case, in `per` units */
	size_t cases;           /* cases the effect was measured on (comparison group) */
	int64_t volume_year;    /* cases a year; -1 when no data */
	int volume_declared;    /* volume_year came from the UnitValue */
	int64_t unit_minor;     /* one `per` in minor units; -1 when none in force */
	int64_t qty_milli, qty_lo_milli, qty_hi_milli; /* `per` units a year, in thousandths */
	int64_t minor, lo, hi;  /* value a year, minor units (status realised only) */
	struct value_month *months; /* owned; realised only, by month of the cases */
	size_t nmonths;
};

struct value_group {
	char *group;            /* owned: initiative name (or model name, in models) */
	char *title;            /* owned: the Initiative's title (value_compute_roi), or NULL */
	int64_t value, lo, hi;  /* realised value a year (sum of its effects) */
	size_t realised, not_proven, unpriced;
	int have_cost;          /* cost known (currency and no unpriced quantities) */
	int64_t cost;           /* cost over the cost period, minor units */
	int64_t cost_year;      /* cost scaled to a year */
	int have_roi;
	double roi, roi_lo, roi_hi;       /* value a year / cost a year */
	double payback, payback_lo, payback_hi; /* months of value to earn back a year's cost; -1 never */
	int64_t cost_no_roi;    /* models only: its spend in initiatives with no ROI, and
				   outside every initiative, minor units (not in the ratio) */
	char note[320];         /* what is missing for an ROI, and what supplies it */
};

struct value_report {
	const struct money_currency *currency; /* static; NULL: no workspace currency */
	int64_t at_us;          /* the date unit values are taken at */
	struct value_effect *e; /* by hypothesis name */
	size_t n;
	struct value_group *g;  /* by group name */
	size_t ng;
	struct value_group *models; /* by model name; value_add_models, else NULL */
	size_t nmodels;
	int64_t value, lo, hi;  /* realised value a year, all groups */
	struct value_month *months; /* realised value by month, all groups; owned */
	size_t nmonths;
	struct value_month *spend; /* AI spend by month (cost.h, all groups); owned */
	size_t nspend;
	int spend_unpriced;     /* some spend has no price: the months understate it */
	size_t realised, not_proven, unpriced;
	char **gaps;            /* owned sentences: what is missing and what supplies it */
	size_t ngaps;
};

/*
 * Price the evaluated hypotheses `hyps` with the unit values `uvs` in
 * currency `cur` (NULL: nothing can be priced; every effect is unpriced
 * with a note) at date `at_us`, into *out (release with
 * value_report_release).  `cat` gives each metric's unit.  Pure: no
 * store access.  Returns 0: anything that cannot be priced (an amount
 * that does not parse in `cur`, no amount in force, no volume) is an
 * unpriced effect with a note and a gap, never an error or a zero.
 */
int value_price(const struct hyp_report *hyps, const struct uv_set *uvs,
		const struct catalog *cat, const struct money_currency *cur, int64_t at_us,
		struct value_report *out, struct aiv_err *err);

/*
 * Add cost and ROI per initiative from `cost` (by initiative, not by
 * month).  Borrowed; nothing kept.  ROI = value a year / cost a year,
 * cost a year = cost over its days x 365.25 / days; payback months =
 * 12 x cost a year / value a year.  Missing parts leave have_roi 0 and a
 * note saying what is missing and which import or YAML supplies it.
 */
void value_add_cost(struct value_report *r, const struct cost_result *cost);

/*
 * ROI per model, after value_add_cost, from `cost` by initiative and model
 * (cost_query.and_model; not by month).  Value is measured per
 * initiative, so a model gets each initiative's value in the share of
 * that initiative's cost it accounts for (seats are the model "(seat)",
 * agents "(agent)"):
 *
 *   value(M) = sum over initiatives I with an ROI of value(I) x cost(M,I) / cost(I)
 *   ROI(M)   = value(M) / sum of cost a year(M,I); payback as per initiative.
 *
 * so a model's ROI is the cost-weighted mean of the ROIs of the
 * initiatives it serves, with the interval carried the same way.  Its
 * spend in initiatives with no ROI (no proven value yet, or an incomplete
 * cost) and outside every initiative is cost_no_roi: shown, not divided.
 */
void value_add_models(struct value_report *r, const struct cost_result *cost);

/*
 * Where an initiative stands, for the overview and the report: pays back
 * (an ROI of 1 or more), does not (an ROI under 1), not yet proven (no
 * realised value and a hypothesis not supported), ROI unknown (realised
 * or unpriced value but no ROI: cost or unit value missing, see note),
 * or no hypothesis at all.
 */
enum value_verdict {
	VALUE_PAYS_BACK = 0, VALUE_DOES_NOT_PAY, VALUE_UNPROVEN, VALUE_ROI_UNKNOWN,
	VALUE_NO_HYPOTHESIS,
};
extern const char *const value_verdict_words[]; /* "pays back", ... */
enum value_verdict value_group_verdict(const struct value_group *g);

/*
 * The lead sentence of the report's executive summary, by initiative
 * title: "1 initiative pays back: Claims assistant returns €3.26 per €1
 * of AI cost (interval €2.67 to €3.85); 1 does not pay back: ...; 1 is
 * not yet proven: Cover advisor."  Appends nothing when no initiative has
 * a hypothesis.
 */
void value_lead_sentence(struct strbuf *sb, const struct value_report *r);

/*
 * The value per initiative for the overview and the report: price the
 * already evaluated `hyps` (the playbook's) at at_us and set them against
 * the cost by initiative; groups get the Initiatives' titles.  No models,
 * no months.  Read only.
 */
int value_compute_roi(struct store *s, const struct catalog *cat, const struct hyp_report *hyps,
		      int64_t at_us, struct value_report *out, struct aiv_err *err);

/* Read the workspace and compute the whole report (CLI, API, page). */
int value_compute(struct store *s, const struct catalog *cat, int64_t now_us, int64_t at_us,
		  struct value_report *out, struct aiv_err *err);
/*
 * The same, and the cost for one more query `q` into *split (`aivalue
 * value --by model`), from the same read of the usage.  Release *split
 * with cost_result_release, also on failure.
 */
int value_compute_split(struct store *s, const struct catalog *cat, int64_t now_us,
			int64_t at_us, const struct cost_query *q, struct cost_result *split,
			struct value_report *out, struct aiv_err *err);

void value_report_release(struct value_report *r);

/*
 * {"minor": N, "text": "€1,204.00"} (text only with a currency): how every
 * money figure of the value and serve documents is written.  New reference.
 */
json_t *value_money_json(int64_t minor, const struct money_currency *cur);

/* Printers. */
json_t *value_json(const struct value_report *r);
void value_print(const struct value_report *r, FILE *f);
/* The ROI per model section (`aivalue value --by model`). */
void value_print_models(const struct value_report *r, FILE *f);

#endif
