/*
 * unit_value.h - what one unit of business outcome is worth, in money,
 * declared through the apply engine and kept with its history by date.
 *
 *   kind: UnitValue
 *   name: claims-handler-hour
 *   type: hourly_cost        hourly_cost | conversion | exception | rework | case
 *   role: claims-handler     hourly_cost: the role whose loaded cost it is
 *   process: claims          case: the event log it is the cost per case of
 *   hypotheses: [claims-faster]   the proven effects this unit value prices
 *   volume_per_year: 41000   optional: declared volume; else from the data
 *   amounts:                 one or more, each in effect from its date on
 *     - { from: "2026-01-01", amount: "85.00" }
 *     - { from: "2026-07-01", amount: "90.00" }
 *
 * Amounts are decimal strings in the workspace currency; they are never
 * read into a double: money_parse() (cost19's money.h) turns them into
 * integer minor units when a figure is computed, so a change of workspace
 * currency re-reads them with that currency's digits.  The canonical spec
 * lives in apply's objects table (history in the ledger: every changed
 * amount list is one entry with its diff); there are no typed rows.
 *
 * What one unit is, by type: hourly_cost per hour (a time saving in
 * seconds is priced in hours), conversion per conversion, exception per
 * exception, rework per rework loop, case per case.
 */
#ifndef AIV_UNIT_VALUE_H
#define AIV_UNIT_VALUE_H

#include <stdint.h>

#include "apply/apply.h"

extern const struct kind_ops unit_value_kind;

struct uv_amount {
	int64_t from_us;   /* in effect from this instant (00:00 UTC of the date) */
	char *amount;      /* the decimal string as declared */
};

struct unit_value {
	char *name, *type, *role, *process;
	char **hypotheses;
	size_t nhypotheses;
	int64_t volume_per_year; /* -1 when not declared */
	struct uv_amount *amounts; /* sorted by from_us, distinct dates */
	size_t namounts;
	int64_t updated_seq;     /* ledger entry of the last change */
};

struct uv_set {
	struct unit_value *v;
	size_t n;
};

/* The applied unit values, by name.  out owns everything; uv_set_release. */
int uv_load(struct store *s, struct uv_set *out, struct aiv_err *err);
void uv_set_release(struct uv_set *set);

/* The unit value of `type` naming hypothesis `hyp`, or NULL (borrowed). */
const struct unit_value *uv_for_hypothesis(const struct uv_set *set, const char *hyp);
/* The unit value by name, or NULL (borrowed). */
const struct unit_value *uv_find(const struct uv_set *set, const char *name);

/*
 * The amount string in effect at `at_us` (the last whose date is not
 * after it), or NULL when `at_us` is before the first (borrowed).
 */
const char *uv_amount_at(const struct unit_value *v, int64_t at_us);

/* The word for one unit of `type`: "hour", "conversion", ... */
const char *uv_unit_word(const char *type);

#endif
