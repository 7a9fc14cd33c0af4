/*
 * control_queries.h - small typed reads of agent control's tables
 * (exceptions, tool_calls, decision_log) for the layers after it
 * (assess/'s evidence providers), so that SQL naming them stays in
 * control/.
 *
 * Read only.  Unlike control_exceptions_list(), nothing here expires
 * overdue items: these are the figures as stored.
 */
#ifndef AIV_CONTROL_QUERIES_H
#define AIV_CONTROL_QUERIES_H

#include "aiv.h"
#include "store/store.h"

/*
 * Closed exception items: `closed` approved, rejected or expired;
 * `within_sla` approved or rejected with resolved_at at or before due_at
 * (expired items count as missed).
 */
struct control_sla_counts {
	int64_t closed;
	int64_t within_sla;
};
int control_exception_sla_counts(struct store *s, struct control_sla_counts *out,
				 struct aiv_err *err);

/* Observed tool calls (imported spans): all, and those that had a decision. */
struct control_tool_call_counts {
	int64_t total;
	int64_t with_decision;
};
int control_tool_call_counts(struct store *s, struct control_tool_call_counts *out,
			     struct aiv_err *err);

/*
 * Resolution times, in seconds, of the exception items approved or
 * rejected within `window_us` before `now_us` (resolved_at in
 * [now - window, now]; items whose times do not parse are skipped).
 * *secs is a new array of *n values (caller frees; NULL when none).
 * 0 or a negative code with err filled.
 */
int control_exception_resolutions(struct store *s, int64_t now_us, int64_t window_us,
				  double **secs, size_t *n, struct aiv_err *err);

/*
 * Closed exception items with their closing time, for figures as of a
 * past date and per workflow: `closed_us` is resolved_at for approved and
 * rejected items, due_us for expired ones; `within` as in
 * control_sla_counts.  workflow "" when the item names none.  *out is a
 * new array of *n items (caller frees; NULL when none); items whose
 * resolved_at does not parse are skipped.  0 or a negative code.
 */
struct control_closure {
	char workflow[64];
	int64_t closed_us;
	int within;
};
int control_exception_closures(struct store *s, struct control_closure **out, size_t *n,
			       struct aiv_err *err);

/*
 * Observed tool calls (imported spans) for decisions_logged_share as of a
 * past date and per workflow: each call's time, whether a decision covers
 * it, and its agent's workflow ("" when the agent is not declared).  *out
 * is a new array of *n calls in import order (caller frees; NULL when
 * none).  0 or a negative code with err filled.
 */
struct control_observed_call {
	char workflow[64];
	int64_t time_us;
	int decided;
};
int control_observed_calls(struct store *s, struct control_observed_call **out, size_t *n,
			   struct aiv_err *err);

/*
 * A single-integer query that changes whenever a decision-log row is
 * written, also before the row reaches the ledger in its batch (static
 * text, for evidence_cache_watch()).
 */
const char *control_decision_log_watch_sql(void);

/*
 * Agent activity for the cost of agents' runtime (assess/cost.h): per
 * agent and day (days since 1970-01-01, UTC) the decisions in the
 * decision log and the observed tool calls, with the agent's owner (NULL
 * when the agent is not declared), ordered by agent, day.  Strings
 * borrowed for the call; a non-zero return from fn stops the walk and is
 * returned.
 */
struct control_agent_day {
	const char *agent, *owner;
	int32_t day;
	int64_t decisions, tool_calls;
};
typedef int (*control_agent_day_fn)(const struct control_agent_day *d, void *data);
int control_each_agent_day(struct store *s, control_agent_day_fn fn, void *data,
			   struct aiv_err *err);

#endif
