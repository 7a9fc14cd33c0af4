/*
 * cost.h - what AI costs: the spend side of issue 19 ("Value in money").
 *
 * One computed model, many printers: cost_compute() reads what is already
 * in the workspace through the owning layers' typed functions and fills a
 * struct cost_result; `aivalue cost`, GET /api/v1/cost and the value/ROI
 * side (which divides value by these figures) only print or read it.
 *
 *   PriceBook (apply, ledgered)  ----------------------.
 *   usage_seats (ingest: Copilot/M365/ChatGPT seats) ---+--> charges --> rows by
 *   usage_tokens (ingest: OTel GenAI spans)  -----------+    (day,        group x month
 *   decision_log, tool_calls (control: agents) ---------'     person,
 *   usage activity (ingest, for licensed-unused seats)        tool, model)
 *
 * Every figure is int64 minor units of the workspace currency (core/money.h):
 *
 *   seats     one seat (identity, tool) is licensed from the month of its
 *             first seat row through the end of the period; each month
 *             costs the seat price of that tool in force on the month's
 *             first day (the PriceBook line with the latest effective_from
 *             on or before it).  Seat months, not days: vendors bill so.
 *   unused    the seat months above in which the seat holder has no usage
 *             event on that tool: a part of `seats`, shown on its own line,
 *             never added to the total twice (model 1's "licensed unused").
 *   tokens    input and output tokens per model and day, times the model's
 *             price per million in force that day, rounded half to even
 *             once per (model, price, group, month).
 *   agents    decisions and tool calls per agent and day, times the agent
 *             runtime price per decision / per tool call in force that day.
 *
 * Nothing is ever priced at zero for want of a price: a quantity with no
 * price in force (a model missing from the book, a seat month before the
 * first effective_from) is counted in `unpriced` and named in `gaps`, and
 * its cost is "no data", not 0.  A gap also says which import or YAML
 * supplies what is missing.
 *
 * Groups: a person's cost goes to their team and its function; to an
 * initiative through the teams the Initiative lists.  A team in several
 * initiatives gives its whole cost to each of them (an initiative's ROI
 * is never flattered by a share), so by initiative the rows can add up to
 * more than the total; a gap names such teams.  Tokens of a user joined
 * to no person, and agents whose owner has no team, go to "(none)".
 * `model` is the LLM model for tokens; seats and agents have "(seat)" and
 * "(agent)" there.  `value-model` is the Initiative's value model (1..5).
 */
#ifndef AIV_ASSESS_COST_H
#define AIV_ASSESS_COST_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/strbuf.h"

#include "aiv.h"
#include "core/money.h"
#include "store/store.h"

enum cost_dim {
	COST_BY_NONE = 0,   /* one group, "all" */
	COST_BY_TOOL,       /* seat tool, token provider (gen_ai.provider.name), "agents" */
	COST_BY_TEAM,
	COST_BY_FUNCTION,
	COST_BY_INITIATIVE,
	COST_BY_MODEL,      /* LLM model (gen_ai.response.model, else request.model) */
	COST_BY_VALUE_MODEL,/* the framework's value model 1..5, via the initiative */
	COST_BY_AGENT,      /* agent name for agent lines; "(none)" for the rest */
	COST_DIMS
};
extern const char *const cost_dim_names[COST_DIMS]; /* "none", "tool", ... */
int cost_dim_parse(const char *s); /* -1 when unknown */

/* The kinds of cost; COST_SEATS_UNUSED is a part of COST_SEATS. */
enum cost_kind {
	COST_SEATS = 0,       /* quantity: seat months */
	COST_SEATS_UNUSED,    /* quantity: seat months with no usage of that tool */
	COST_INPUT_TOKENS,    /* quantity: tokens */
	COST_OUTPUT_TOKENS,   /* quantity: tokens */
	COST_DECISIONS,       /* quantity: agent decisions */
	COST_TOOL_CALLS,      /* quantity: agent tool calls */
	COST_KINDS
};
extern const char *const cost_kind_names[COST_KINDS];  /* "seats", "unused_seats", ... */
extern const char *const cost_kind_units[COST_KINDS];  /* "seat months", "tokens", ... */

struct cost_cell {
	int64_t quantity;  /* all of it, priced or not */
	int64_t unpriced;  /* the part with no price in force (never costed) */
	int64_t minor;     /* cost of the priced part, minor units */
};

struct cost_row {
	char *group;        /* owned; the group's name ("all" with COST_BY_NONE) */
	char month[8];      /* "2026-03", or "" when not by month */
	char *model;        /* owned; with cost_query.and_model the row's model, else NULL */
	struct cost_cell cell[COST_KINDS];
	int64_t total_minor;/* seats + tokens + decisions + tool calls (unused not re-added) */
	int64_t unpriced;   /* sum of the cells' unpriced quantities (mixed units: a flag) */
};

struct cost_query {
	enum cost_dim by;
	int by_month;          /* one row per group and month */
	int32_t from_day;      /* days since 1970-01-01 inclusive; 0: first day with data */
	int32_t to_day;        /* inclusive; 0: last day with data */
	int and_model;         /* one row per group and model (row.model): the value
				  report's ROI per model; not offered by `aivalue cost` */
};

/*
 * Fill *q from the words of `aivalue cost --by --period --from --to` and of
 * GET /api/v1/cost's query (each NULL when not given): by a dimension name
 * but "none", period "month", dates YYYY-MM-DD.  0, or AIV_EINPUT with err
 * naming the parameter ("'by' must be tool, team, ...").
 */
int cost_query_parse(struct cost_query *q, const char *by, const char *period,
		     const char *from, const char *to, struct aiv_err *err);

/*
 * A seat held by a person who has left (org's left_at): a reclaim
 * candidate.  months_after counts the seat months of the period that
 * start on or after the day they left (billed, and no longer anyone's).
 */
struct cost_reclaim {
	char *person, *tool;  /* owned */
	int32_t left_day;     /* days since 1970-01-01 */
	int64_t months_after;
};

struct cost_result {
	const struct money_currency *currency; /* static; NULL when no PriceBook */
	struct cost_query q;   /* as asked, with from/to resolved (0/0: no data) */
	struct cost_row *rows; /* by group, then month; owned */
	size_t nrows;
	struct cost_row total; /* group "total" */
	char **gaps;           /* owned sentences: what is missing, what supplies it */
	size_t ngaps;
	int have_seats, have_tokens, have_agents; /* the inputs found any rows */
	struct cost_reclaim *reclaim; /* seats held by leavers, by person then tool; owned */
	size_t nreclaim;
};

/*
 * Compute the cost of AI in the workspace for q into *out (initialised
 * here; release with cost_result_release, also after a failure).  Read
 * only.  With no PriceBook every quantity is unpriced and currency NULL.
 * 0, or a negative code with err filled (a store error, or a stored
 * PriceBook that no longer parses).
 */
int cost_compute(struct store *s, const struct cost_query *q, struct cost_result *out,
		 struct aiv_err *err);
/*
 * The same for n queries over one read of the workspace (value computes
 * the cost by initiative and model and by month): outs[i] answers qs[i],
 * exactly as cost_compute would.  Release each result, also on failure.
 */
int cost_compute_many(struct store *s, const struct cost_query *qs, struct cost_result *outs,
		      size_t n, struct aiv_err *err);
void cost_result_release(struct cost_result *r);

/*
 * *out = `in` (computed with and_model) with its models folded: one row
 * per group (and month), each cell the sum over the group's models (their
 * token costs rounded per model, as cost_compute rounds them).  One pass
 * over the usage serves both the by-group and the by-model figures.
 * Release *out with cost_result_release.
 */
void cost_fold_models(const struct cost_result *in, struct cost_result *out);

/* The row of `group` (and month "" when not by month), or NULL.  Borrowed. */
const struct cost_row *cost_find(const struct cost_result *r, const char *group,
				 const char *month);

/* Printers.  cost_json: a new reference. */
json_t *cost_json(const struct cost_result *r);
/*
 * The words of the text form (the CLI lays them out as a table):
 * cost_heading: "cost of AI from DAY to DAY, in EUR, by team and month",
 * or that there is no data.  cost_row_total_text: the row's total
 * ("€4,327.40", "no data") into sb, and "and unpriced quantities" into
 * note when some are.  cost_cell_texts: kind k's quantity with its unit
 * ("154 seat months"), its cost ("€4,327.40", "no data") and a note
 * ("6,000 tokens unpriced", "unpriced", "part of seats").  All append.
 */
extern const char *const cost_kind_titles[COST_KINDS]; /* "seats", "unused seats", ... */
void cost_heading(struct strbuf *sb, const struct cost_result *r);
void cost_row_total_text(struct strbuf *sb, struct strbuf *note, const struct cost_result *r,
			 const struct cost_row *row);
void cost_cell_texts(struct strbuf *qty, struct strbuf *cost, struct strbuf *note,
		     const struct cost_result *r, const struct cost_cell *c, int k);
/* A reclaim candidate in words: "TOOL seat of NAME, who left on DAY: N seat months billed since". */
void cost_reclaim_text(struct strbuf *sb, const struct cost_reclaim *rc);

/* The PriceBook kind for `aivalue apply` (assess/pricebook.c); main registers it. */
void cost_register_kinds(void);

#endif
