/*
 * pricebook.h - the PriceBook kind (`aivalue apply`) and its typed form.
 *
 *   kind: PriceBook
 *   name: list-prices-2026
 *   currency: EUR                 # the workspace currency (ISO 4217)
 *   seats:                        # per seat and month
 *     - {tool: github-copilot, plan: business, per_month: "19.00", effective_from: 2026-01-01}
 *   models:                       # per million tokens
 *     - {model: gpt-4o, input_per_million: "2.50", output_per_million: "10.00",
 *        effective_from: 2026-01-01}
 *   agents:                       # agent runtime; no `agent` means every agent
 *     - {agent: claims-triage, per_decision: "0.002", per_tool_call: "0.01",
 *        effective_from: 2026-01-01}
 *
 * Every line may repeat `currency`, which must then be the book's.  The
 * workspace has one currency: every PriceBook must name the same one (a
 * second currency is refused, nothing applied).  A price change is a new
 * line with a later effective_from (the book's ledger history keeps what
 * was there before); the price on a day is the line with the latest
 * effective_from on or before it.  Negative prices, unknown currencies and
 * two lines for the same thing on the same date are refused with
 * FILE:LINE:COL and the field.
 *
 * Scales (core/money.h): seat prices in minor units; model prices per
 * million tokens and agent prices in 1/10000 of a minor unit
 * (PRICE_FINE_DIGITS), so $0.075 per million is exact.
 */
#ifndef AIV_ASSESS_PRICEBOOK_H
#define AIV_ASSESS_PRICEBOOK_H

#include <stdint.h>

#include "aiv.h"
#include "core/money.h"
#include "store/store.h"

#define PRICE_FINE_DIGITS 4

enum price_kind { PRICE_SEAT = 0, PRICE_MODEL, PRICE_AGENT };

struct price_line {
	enum price_kind kind;
	char *subject;        /* tool, model, or agent ("" = every agent); owned */
	char *book;           /* PriceBook name; owned */
	int32_t from_day;     /* effective_from, days since epoch */
	int64_t a, b;         /* seat: per_month (minor), -; model: input, output per
			       * million (fine); agent: per decision, per tool call (fine);
			       * -1 when the line does not give it */
};

struct pricebook {
	const struct money_currency *currency; /* NULL when no book */
	struct price_line *lines; /* sorted by kind, subject, from_day */
	size_t n;
};

/* All stored PriceBooks as one typed book.  Release with pricebook_release. */
int pricebook_load(struct store *s, struct pricebook *pb, struct aiv_err *err);
void pricebook_release(struct pricebook *pb);

/*
 * The line of `kind` for `subject` in force on `day` (latest from_day on or
 * before it), or NULL.  For PRICE_AGENT the agent's own lines are used
 * when one is in force that day, else the lines for every agent ("").
 * Borrowed.
 */
const struct price_line *pricebook_at(const struct pricebook *pb, enum price_kind kind,
				      const char *subject, int32_t day);

#endif
