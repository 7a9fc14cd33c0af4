/*
 * control.h - model 5's agent control layer: agents, workflows and Cedar
 * entitlements as declarative kinds; allow/deny/escalate decisions; the
 * owned exception queue; the decision log chained into the ledger.
 *
 *   apply -f (Agent, Workflow, Policy) --> typed rows (migration 4)
 *                                            |
 *   control_engine_load: policies parsed once, entities built from the
 *   store (Agent, Person, Team, Workflow, Step, Action) --> engine
 *                                            |
 *   control_decide(engine, request) --> Cedar (cedar.h) + fail-closed
 *      forbids + @escalate + phase gate --> decision (+ exception item)
 *      --> decision_log row --> ledger batch entry (group commit)
 *
 * The CLI (`aivalue decide`, `exceptions`, `decisions`) and, later, the
 * HTTP handlers are thin wrappers over these functions: they parse their
 * input into a struct control_request and print a struct control_decision.
 */
#ifndef AIV_CONTROL_H
#define AIV_CONTROL_H

#include <stdio.h>

#include <jansson.h>

#include "aiv.h"
#include "apply/apply.h"
#include "control/cedar.h"
#include "core/hash.h"
#include "core/tally.h"
#include "store/store.h"

extern const struct kind_ops control_agent_kind;
extern const struct kind_ops control_workflow_kind;
extern const struct kind_ops control_policy_kind;

/* Register Agent, Workflow and Policy (after org_register_kinds()). */
void control_register_kinds(void);
/* Register the control tables' checks for audit verify (control_state.c). */
void control_state_register(void);

/* The schema policies are validated against (built-in entity types). */
void control_schema(struct cedar_schema *sc, const char *const *resource_types,
		    size_t nresource_types);

/* ---- decisions ------------------------------------------------------ */

enum control_outcome { CONTROL_DENY = 0, CONTROL_ALLOW = 1, CONTROL_ESCALATE = 2 };
const char *control_outcome_name(int outcome);

enum control_flags {
	CONTROL_NO_FAIL_CLOSED = 1 << 0, /* Cedar's pure semantics (testing) */
};

/*
 * How deep a request's context may nest: the context object is level 1,
 * each object or array inside it one more (docs/security-limits.md).
 * Deeper ones are refused (AIV_EINPUT): the record that logs a decision
 * holds its context, and a record past jansson's own depth limit could
 * be written but never read back, hiding the decision from every list.
 */
#define CONTROL_CONTEXT_MAX_DEPTH 32

struct control_request {
	const char *agent;        /* agent name (principal Agent::"<agent>") */
	const char *action;       /* action name (Action::"<action>") */
	const char *resource;     /* 'Type::"id"' */
	const char *on_behalf_of; /* person name or NULL */
	const json_t *context;    /* JSON object or NULL; reals become decimals;
				   * nests at most CONTROL_CONTEXT_MAX_DEPTH */
	const json_t *entities;   /* extra Cedar entities (JSON array) or NULL */
	const char *approved;     /* exception id approving this retry, or NULL */
};

struct control_decision {
	int outcome;
	json_t *policies;        /* array of deciding policy ids (owned) */
	json_t *errors;          /* array of {policy, error} (owned) */
	char reason[600];
	char decision_id[48];
	char exception_id[48];   /* "" unless escalate */
	char digest[SHA256_HEX];
	char revision[SHA256_HEX];
	char due[32];            /* escalate: due time */
};

void control_decision_release(struct control_decision *d);

/*
 * A snapshot: the policy set (parsed once), the store's entities
 * (indexed), the agents' workflows and step owners, people and the phase
 * gate, loaded from the store and afterwards only read.  Any number of
 * threads may evaluate against one snapshot at once, each with its own
 * engine.  Reference counted (atomically): _load returns one reference.
 */
struct control_snapshot;

int control_snapshot_load(struct store *s, unsigned flags, struct control_snapshot **out,
			  struct aiv_err *err);
struct control_snapshot *control_snapshot_ref(struct control_snapshot *sn);
void control_snapshot_unref(struct control_snapshot *sn);
/* *current = 1 when nothing it was loaded from changed since (one query). */
int control_snapshot_current(struct store *s, const struct control_snapshot *sn,
			     int *current, struct aiv_err *err);

/*
 * An engine: a snapshot plus per-thread scratch memory (use one per
 * thread, like the store handle).
 */
struct control_engine;

/*
 * Load a new snapshot into a new engine (caller frees with
 * control_engine_free).  `flags` from enum control_flags.
 */
int control_engine_load(struct store *s, unsigned flags, struct control_engine **out,
			struct aiv_err *err);
/* A new engine over sn (takes its own reference); caller frees. */
struct control_engine *control_engine_new(struct control_snapshot *sn);
/* Switch the engine to sn (references counted); no-op if already on it. */
void control_engine_use(struct control_engine *eng, struct control_snapshot *sn);
/* The engine's snapshot, borrowed (take a reference to keep it). */
struct control_snapshot *control_engine_snapshot(const struct control_engine *eng);
void control_engine_free(struct control_engine *eng);
/* control_decide: decisions chained per ledger entry (default 1). */
void control_engine_set_batch(struct control_engine *eng, int batch);

/*
 * Deciding in two steps, so that many threads evaluate at once and one
 * writer records (the server does this):
 *
 *   control_evaluate (any thread, its own engine; reads no store): checks
 *   the request and evaluates it against the engine's snapshot into a
 *   pending decision (decision id, outcome, policies, reason, digest,
 *   exception id and due time for escalate, the decision-log record).
 *   Bad input -> AIV_EINPUT, *out NULL, nothing to record.
 *
 *   control_commit (one writer): one store transaction for n pending
 *   decisions: overdue items expire; a pending decision whose snapshot is
 *   older than what the transaction sees (policies, agents, people,
 *   workflows or the phase verdict changed) is evaluated again with the
 *   writer's engine (reloaded), so what is recorded matches what was in
 *   force at commit; approvals named by retries are checked and used up;
 *   exception items are created; each decision gets its decision-log
 *   row; all pending rows are chained into ONE ledger entry; commit.
 *   outs[i] is filled for each recorded decision (release each);
 *   errs[i] is set for one that became bad input on re-evaluation (not
 *   recorded); v[i] may be NULL (skipped).  A store error rolls back the
 *   whole batch and nothing is recorded.
 */
struct control_pending;

int control_evaluate(struct control_engine *eng, const struct control_request *req,
		     struct control_pending **out, struct aiv_err *err);
void control_pending_free(struct control_pending *p);
int control_commit(struct store *s, struct control_engine *eng, const char *actor,
		   struct control_pending **v, size_t n, struct control_decision *outs,
		   struct aiv_err *errs, struct aiv_err *err);
/*
 * control_commit with something a later layer writes in the same
 * transaction: hook->in_tx(s, hook->data, err) runs after the decisions
 * are recorded and chained, before COMMIT (the MCP gateway chains the call
 * records queued since the last commit there, so a call costs one commit,
 * not two).  An error from it rolls the whole batch back, as a store
 * error does.  hook may be NULL, and so may either function.
 */
/*
 * What a commit's start read on one store handle (control_commit_with's
 * hook->memo): the objects' mark and phase verdict, the decision log's
 * newest seq, the earliest due time of a pending exception item, and the
 * handle's data version (store_data_version) after that commit.  When the
 * next commit on the handle sees the same data version (no other
 * connection committed), the memo is valid (ok: nothing but commits with
 * this memo ran on the handle since) and no item is due yet, the commit
 * takes these instead of reading them: about 16% of a lone decision's
 * commit (docs/performance.md, "MCP gateway").  The caller owns it,
 * zeroed at the start (CONTROL_COMMIT_MEMO_INIT), and sets ok to 0 after
 * any other transaction on the handle, or when it reopens it.  A backend
 * with no data version (PostgreSQL) never uses it.
 */
struct control_commit_memo {
	int ok;
	uint64_t version;
	int64_t objects_seq, objects, verdict;
	int64_t newest;   /* the decision log's newest seq; no row pending */
	int64_t next_due; /* earliest due_us of a pending item; INT64_MAX: none */
	int64_t hits;     /* commits that took the memo (tests) */
};
#define CONTROL_COMMIT_MEMO_INIT { 0, 0, 0, 0, 0, 0, 0, 0 }

struct control_commit_hook {
	int (*in_tx)(struct store *s, void *data, struct aiv_err *err);
	void *data;
	/*
	 * optional: run first in the transaction, before anything is read or
	 * written; it may set v[i] to NULL, and that request is then left out
	 * (outs[i] and errs[i] untouched: the caller answers it).  The HTTP
	 * writer checks token revocations there, under the writers' lock.
	 */
	int (*at_start)(struct store *s, void *data, struct control_pending **v, size_t n,
			struct aiv_err *err);
	void *start_data;
	/* optional: the start read kept across commits on one handle (above) */
	struct control_commit_memo *memo;
};
int control_commit_with(struct store *s, struct control_engine *eng, const char *actor,
			struct control_pending **v, size_t n, struct control_decision *outs,
			struct aiv_err *errs, const struct control_commit_hook *hook,
			struct aiv_err *err);

/*
 * Decide one request, record it (decision log; exception item when
 * escalating; approval consumption) in one store transaction.  Bad input
 * (unknown agent, malformed resource or context, confidence outside
 * [0,1]) -> AIV_EINPUT and nothing recorded.  On success *out is filled
 * (release with control_decision_release).
 */
int control_decide(struct store *s, struct control_engine *eng, const char *actor,
		   const struct control_request *req, struct control_decision *out,
		   struct aiv_err *err);

/*
 * Decide n requests in one store transaction (a batch over HTTP): expiry
 * runs once, every decision is logged, and the pending log rows are
 * chained into one ledger entry at the end.  A request with bad input
 * gets errs[i] set (code AIV_EINPUT) and outs[i] zeroed, and does not
 * stop the others; a store error rolls back the whole batch.  outs and
 * errs hold n items (caller's memory; release each out that has a
 * decision_id with control_decision_release).
 */
int control_decide_many(struct store *s, struct control_engine *eng, const char *actor,
			const struct control_request *reqs, size_t n,
			struct control_decision *outs, struct aiv_err *errs,
			struct aiv_err *err);

/* Chain every pending decision-log row into one ledger entry (own tx). */
int control_log_flush(struct store *s, const char *actor, struct aiv_err *err);

/*
 * Recompute each chained batch's hash over its decision-log rows; res
 * says how many rows and batches were checked and the first mismatch.
 */
int control_log_verify(struct store *s, int64_t *rows, int64_t *batches,
		       char *problem, size_t problem_len, struct aiv_err *err);

/*
 * One decision-log record: a decision ("decision") or a queue transition
 * ("transition").  `record` is the stored record (owned); the typed
 * fields point into it (borrowed, valid while the record lives; NULL
 * when the record lacks them: a transition has no input or result).
 * control_log_record_json is its one JSON form: the record with "seq",
 * "kind" and, once chained, "ledger_seq" (new reference).
 */
struct control_log_record {
	int64_t seq;               /* the record number */
	int64_t ledger_seq;        /* the ledger entry chaining it; 0 while pending */
	char kind[16];
	const char *id;            /* decision_id (a transition's own id too) */
	const char *timestamp, *agent, *on_behalf_of, *approver, *revision, *args_digest;
	const char *action, *resource;                 /* input.* */
	const char *decision, *reason, *exception_id;  /* result.* */
	const json_t *policies;                        /* result.policies */
	json_t *record;
};

/* Records (v owned, n of them); release with control_log_records_release. */
struct control_log_records {
	struct control_log_record *v;
	size_t n;
};

void control_log_records_release(struct control_log_records *l);
json_t *control_log_record_json(const struct control_log_record *r);
/* The records as a JSON array of control_log_record_json objects (new reference). */
json_t *control_log_records_json(const struct control_log_records *l);

/* Every decision-log record, oldest first (caller releases *out). */
int control_log_list(struct store *s, struct control_log_records *out, struct aiv_err *err);

/*
 * One page of the decision log in a stable order, by record number: the
 * `limit` (>= 1) records after `cursor` oldest first, or, newest_first,
 * the records before `cursor` newest first (cursor 0: from the start, or
 * from the newest).  Caller releases *out.  *next is the cursor of the
 * next page (the seq of the page's last record) or 0 when there is no
 * more.  Records added meanwhile never shift a page: oldest first they
 * come at the end, newest first only on a first page (cursor 0).
 */
int control_log_page(struct store *s, int newest_first, int64_t cursor, size_t limit,
		     struct control_log_records *out, int64_t *next, struct aiv_err *err);
/* The record number of decision or transition `id`; AIV_ENOTFOUND. */
int control_log_seq(struct store *s, const char *id, int64_t *seq, struct aiv_err *err);

/* ---- exception queue ------------------------------------------------ */

/*
 * Mark pending items past their due time expired (own transaction).  The
 * ledger entries are always actor "system:expiry"; `actor` is unused.
 */
int control_expire(struct store *s, const char *actor, struct aiv_err *err);

/*
 * Items filtered by state/queue when not NULL.  Reads never write: an
 * overdue pending item is shown (and filtered) as "expired" without being
 * recorded; the next write path (a decision, an action on the queue, the
 * server's timer) records it as system:expiry.  `actor` is unused.
 */

/*
 * One exception item.  Every string is owned and NULL when not set (an
 * open item has no resolved_at, approver, reason or used_at; step and
 * on_behalf_of may be absent); request (the decided arguments) and
 * policies (the deciding policy ids) are owned JSON.  Release with
 * control_exception_release; control_exception_json is its one JSON form
 * (the fields under their names, unset ones left out; new reference).
 */
struct control_exception {
	char *id, *queue, *owner_kind, *owner;
	char *state;              /* pending, approved, rejected or expired */
	char *created_at, *due_at, *resolved_at;
	char *workflow, *step, *agent, *on_behalf_of, *action, *resource;
	json_t *request;
	char *digest, *decision_id;
	json_t *policies;
	char *approver, *reason, *used_at;
};

/* Items oldest first (v owned, n of them); release with control_exceptions_release. */
struct control_exceptions {
	struct control_exception *v;
	size_t n;
};

void control_exception_release(struct control_exception *e);
void control_exceptions_release(struct control_exceptions *l);
json_t *control_exception_json(const struct control_exception *e);
/* The items as a JSON array of control_exception_json objects (new reference). */
json_t *control_exceptions_json(const struct control_exceptions *l);

int control_exceptions_list(struct store *s, const char *actor, const char *state,
			    const char *queue, struct control_exceptions *out,
			    struct aiv_err *err);
/* One item as reads show it; AIV_ENOTFOUND.  *out released by the caller. */
int control_exception_show(struct store *s, const char *actor, const char *id,
			   struct control_exception *out, struct aiv_err *err);

enum control_transition { CONTROL_APPROVE, CONTROL_REJECT, CONTROL_REASSIGN };

/*
 * Approve, reject or reassign (to `to`, a person or team) a pending item.
 * `as` is the person acting: must exist, must not be an agent, must not be
 * the person the agent acted for (separation of duties).  `reason` is
 * required.  AIV_EPERM / AIV_ESTATE / AIV_ENOTFOUND with a message.  On
 * success *out is the item after the action (caller releases).
 */
int control_exception_act(struct store *s, const char *actor, const char *id,
			  int transition, const char *as, const char *reason,
			  const char *to, struct control_exception *out,
			  struct aiv_err *err);

/* ---- observed tool calls and readiness ------------------------------ */

/*
 * Import agents' own OpenTelemetry GenAI spans from stream f (OTLP/JSON,
 * read by ingest/otlp.c like `import usage --format otel-genai`: one
 * request per line or one pretty-printed; agent and user inherited from
 * ancestor spans through parentSpanId): spans with gen_ai.operation.name
 * "execute_tool" (or a name starting "execute_tool") become tool calls,
 * agent from gen_ai.agent.id or gen_ai.agent.name (whichever names a
 * declared agent; else the id; older agent.id, agent.name), tool from
 * gen_ai.tool.name (older tool.name).  Each call is matched to a
 * decision: the span's aivalue.decision_id attribute, or else a decision
 * for the same agent and action == tool in the 10 minutes before it.
 * `t` (set up by the caller, unit "spans", strict as wanted) accounts for
 * every span: tool calls and spans lending them context are used, the
 * rest skipped by reason (with t->strict the first skip is an error).
 * One transaction, one ledger entry with the row count, a hash over the
 * rows and the tally.  *imported: new tool calls.
 */
int control_import_spans(struct store *s, const char *actor, FILE *f, const char *source,
			 struct tally *t, int64_t *imported, struct aiv_err *err);

/*
 * An observed tool call (owned strings; workflow NULL when the agent is
 * not declared).  control_tool_call_json is its one JSON form: {"time",
 * "agent", "tool", "trace_id", "span_id", "workflow"?} (new reference).
 */
struct control_tool_call {
	char *time, *agent, *tool, *trace_id, *span_id, *workflow;
};

struct control_tool_calls {
	struct control_tool_call *v;
	size_t n;
};

void control_tool_calls_release(struct control_tool_calls *l);
json_t *control_tool_call_json(const struct control_tool_call *c);
json_t *control_tool_calls_json(const struct control_tool_calls *l);

/*
 * Tool calls with no matching decision (of one workflow's agents, or
 * all), oldest first; caller releases *out.
 */
int control_shadow_actions(struct store *s, const char *workflow,
			   struct control_tool_calls *out, struct aiv_err *err);

/*
 * The six readiness figures of a workflow (identity, entitlements,
 * integration, logging, exception handling, ownership): each a share
 * numerator / denominator (none when the denominator is 0) with the rule
 * that counts it (readiness.c), plus the entitlements' wide-open and
 * unused permit policies and the exception queue's expiries and median
 * resolution time.  Release with control_readiness_release;
 * control_readiness_json is its one JSON form: {"workflow", "figures":
 * {NAME: {"numerator", "denominator", "share", "rule", ...}}} (new
 * reference).  AIV_ENOTFOUND for an unknown workflow.
 */
enum control_figure_id {
	CONTROL_FIG_IDENTITY, CONTROL_FIG_ENTITLEMENTS, CONTROL_FIG_INTEGRATION,
	CONTROL_FIG_LOGGING, CONTROL_FIG_EXCEPTION_HANDLING, CONTROL_FIG_OWNERSHIP,
	CONTROL_NFIGURES
};

struct control_figure {
	const char *name;        /* "identity", ..., "exception_handling" (static) */
	const char *rule;        /* how it is counted (static) */
	int64_t numerator, denominator;
};

struct control_readiness {
	char *workflow;
	struct control_figure fig[CONTROL_NFIGURES]; /* by enum control_figure_id */
	char **wide_open, **unused;  /* entitlements: permit policy ids (owned) */
	size_t nwide_open, nunused;
	int64_t expired;             /* exception handling: items expired */
	int has_median;              /* any resolved item: the median below is set */
	double median_resolution_seconds;
	/*
	 * The earliest due time (UTC microseconds) of a pending item not yet
	 * overdue when these were counted, or -1 for none: from then on the
	 * exception-handling figures count it as expired without any write,
	 * so a copy kept by store state is stale (http/pages_control.c).
	 */
	int64_t next_due_us;
};

int control_readiness(struct store *s, const char *workflow, struct control_readiness *out,
		      struct aiv_err *err);
void control_readiness_release(struct control_readiness *r);
json_t *control_readiness_json(const struct control_readiness *r);
/* 1 and *share when the figure has a denominator, else 0 (no data). */
int control_figure_share(const struct control_figure *f, double *share);
/* The figure named `name` (borrowed), or NULL. */
const struct control_figure *control_readiness_figure(const struct control_readiness *r,
						      const char *name);

/*
 * The server's expiry timer (expirer.c): a thread that calls
 * control_expire() on its own store handle every every_us (>= 1 s), so
 * overdue items are recorded as system:expiry while no one writes.  NULL
 * and err on failure; stop (and free) with control_expirer_stop (NULL ok).
 */
struct control_expirer;
struct control_expirer *control_expirer_start(const char *db_path, int64_t every_us,
					      struct aiv_err *err);
void control_expirer_stop(struct control_expirer *x);

/* ISO-8601 duration ("PT4H", "P1DT30M") to microseconds; 0 or -1. */
int control_parse_duration(const char *s, int64_t *us);

/* ---- gatekeeping tool calls (tool_gate.c; the MCP gateway) ----------- */

/* The evaluated decision of a pending request (borrowed, valid while p lives). */
const struct control_decision *control_pending_decision(const struct control_pending *p);
/*
 * The id of an approved, not yet used exception item for agent, action
 * and args digest into id ("" if none): the item a retry with the same
 * arguments may name as `approved`.  0 or a store error.
 */
int control_approval_find(struct store *s, const char *agent, const char *action,
			  const char *digest, char *id, size_t idlen, struct aiv_err *err);
/*
 * *could = 1 when some permit policy of the engine's snapshot could permit
 * agent `agent` action Action::"<action>": its principal and action scopes
 * may match (conditions and forbids are not read: a sound
 * over-approximation, never hiding a permitted action).  A snapshot whose
 * tables differ from the ledger permits nothing.  0, or -1 for a name that
 * is not a Cedar entity id.
 */
int control_could_permit(struct control_engine *eng, const char *agent, const char *action,
			 int *could);

#endif
