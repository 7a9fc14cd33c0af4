/*
 * control_int.h - what the files of control/ share (not for other layers):
 * the snapshot, engine and pending-decision structs and the helpers one
 * file calls in another.  control.c lists the files.
 *
 * One decision:
 *
 *   request --check--> Cedar request (principal Agent::"a", Action::"x",
 *   resource, context with reals as decimals and on_behalf_of)
 *      --cedar_authorize--> satisfied permits/forbids, erroring policies
 *      --outcome--> forbids (satisfied, and erroring ones: fail closed)
 *                   all carrying @escalate and a permit matched -> ESCALATE
 *                   otherwise any forbid -> DENY; a permit -> ALLOW; DENY
 *      --phase gate--> workflow autonomy "supervised": ALLOW -> ESCALATE
 *   (at commit:)
 *      --approval--> a retry naming an approved item with the same argument
 *                    digest, unused: ESCALATE/ALLOW -> ALLOW (once)
 *   Up to the phase gate this is control_evaluate(): it reads only a
 *   snapshot (policies, entities, agents' workflows and step owners, the
 *   phase verdict) that is never written after loading, so any number of
 *   threads evaluate at once.  Then control_commit(), in one store transaction
 *   for any number of evaluated requests: check the snapshot is still
 *   what the store holds (else reload and evaluate again), expire overdue
 *   items, check and use up approvals, create the exception items (each
 *   its own ledger entry), append the decision-log rows, and chain the
 *   pending rows into one ledger entry.
 *
 * Decision-log group commit: each row holds the canonical JSON of one
 * record and its SHA-256; a ledger entry "decisions.batch" covers rows
 * first..last with hash = SHA-256 of the concatenated "seq:digest\n"
 * lines, so `audit verify` covers the chain and `decisions verify`
 * re-derives each batch from its rows.
 *
 * Time comes from time_now_us(), so AIVALUE_FAKE_TIME drives expiry in
 * tests.  Queue items that pass their due time become "expired" lazily:
 * a write path records it (as system:expiry), a read only shows it.
 */
#ifndef AIV_CONTROL_INT_H
#define AIV_CONTROL_INT_H

#include <stdint.h>

#include "control/control.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ledger/bind.h"
#include "ledger/ledger.h"

#define DEFAULT_SLA_US (24LL * 3600 * 1000000)

/*
 * What a snapshot was loaded from: the applied objects (policies, agents,
 * workflows, people, teams: any create or update raises the newest
 * updated_seq, any delete changes the count) and the newest phase verdict.
 */
struct control_mark {
	int64_t objects_seq, objects, verdict;
};

/*
 * The snapshot: everything a decision reads, loaded once and then only
 * read, so any number of threads may evaluate against it at once (the
 * Cedar evaluator never writes to a policy set or an entity store).  The
 * agents, their workflows and step owners are read from the entities
 * (Agent, Workflow, Step), people from Person entities, and the phase
 * gate from the last stored verdict, so evaluating needs no store.
 */
struct control_snapshot {
	int refs; /* atomic */
	unsigned flags;
	struct cedar_policyset ps;
	struct cedar_entities es;
	char revision[SHA256_HEX];
	int gate_earned;
	struct control_mark mark;
	/* why the tables differ from the ledger ("" if they do not): deny all */
	char unbound[400];
};

struct control_engine {
	struct control_snapshot *snap;
	int batch;
	struct cedar_arena scratch;
	struct cedar_response res;
};

struct agent_info {
	char workflow[130], autonomy[32], wf_owner[160];
	char step[160], owner_kind[16], owner[160];
	int gate_earned; /* phase the playbook engine last said was earned; 0 if none */
};

/*
 * An evaluated request waiting to be recorded: owned copies of the
 * request, the decision, and what recording it needs (the exception
 * item's queue, owner and due time; the decision-log record, prebuilt
 * unless an approval must first be checked against the store).
 */
struct control_pending {
	struct control_snapshot *snap;   /* evaluated against (a reference) */
	struct control_request req;      /* strings below, json references */
	char *strs[5];
	struct control_decision d;
	struct agent_info ai;
	int64_t t, due_us;
	char now[TIME_ISO_LEN];
	char queue[200];
	char *argtext;                   /* canonical arguments: the record's input */
	char *record;                    /* canonical record text, or NULL */
	char record_digest[SHA256_HEX];
	char approver[160];
	int approval_refused;
};

/*
 * Define NAME(const struct LIST *l): the JSON array of ITEM_JSON(&l->v[i])
 * for each item (new reference), the array form of every typed list.
 */
#define CONTROL_LIST_JSON(name, list, item_json)			\
	json_t *name(const struct list *l)				\
	{								\
		json_t *a = json_array();				\
		size_t i;						\
									\
		for (i = 0; i < l->n; i++)				\
			json_array_append_new(a, item_json(&l->v[i]));	\
		return a;						\
	}

/* Queue transitions and expiry are recorded under this actor. */
#define EXPIRY_ACTOR "system:expiry"

/* control.c: PREFIX-<48-bit time><64 random bits> in hex (time-ordered). */
void control_new_id(char *out, size_t n, const char *prefix);
/* control.c: {"__entity": {"type": type, "id": id}} (new reference). */
json_t *control_uidj(const char *type, const char *id);

/*
 * control.c: step st (bound, prepared) to its end, its first column as
 * owned strings into *out (*n of them; free with control_texts_free even
 * on error); st is reset.  0 or a store error.
 */
int control_step_texts(struct store_stmt *st, char ***out, size_t *n, struct aiv_err *err);
void control_texts_free(char **v, size_t n);

/* snapshot.c */
/* The mark of the applied objects and the phase verdicts (see control.h). */
int control_mark_read(struct store *s, struct control_mark *m, struct aiv_err *err);
int control_mark_eq(const struct control_mark *a, const struct control_mark *b);
/*
 * A group commit's reads at its start (commit_many, under the writers'
 * lock, a decision-log batch open): the mark into *m, overdue items
 * expired, and with chain the batch's pending rows and newest seq given
 * (control_log_batch_pending/_newest); *next_due the earliest due time
 * (µs) of an item still pending, INT64_MAX if none.
 */
int control_commit_start_read(struct store *s, struct control_mark *m, int chain,
			      int64_t *next_due, struct aiv_err *err);
/* The phase last stored as earned (0 if no verdict). */
int control_earned_phase(struct store *s, int *earned, struct aiv_err *err);

/* decision_log.c (inside the caller's transaction) */
/* One row from its canonical text and digest; agent..time_us may be NULL/0. */
int control_log_append_text(struct store *s, const char *id, const char *kind,
			    const char *time, const char *text, const char *digest,
			    const char *agent, const char *action, const char *outcome,
			    int64_t time_us, struct aiv_err *err);
/* One row from a record (canonical JSON text and digest computed here). */
int control_log_append(struct store *s, const char *id, const char *kind, const char *time,
		       const json_t *record, struct aiv_err *err);
/*
 * The decision log's newest seq after this thread's last
 * control_log_batch_write_tx, when it chained every row; -1 otherwise.
 */
int64_t control_log_chained_newest(void);
/* Chain every pending row into one ledger entry. */
int control_log_flush_tx(struct store *s, const char *actor, struct aiv_err *err);
/*
 * A batch open on this thread: rows appended until control_log_batch_write_tx
 * wait in memory, so that each is written once with its seq and its ledger
 * entry known (chain 1), or inserted pending (chain 0).  _abort drops them
 * (the caller rolls back).  With last (may be NULL), rows that go as one
 * INSERT are left to the caller in *last, prepared and bound, to run as
 * the transaction's last statement (store_step_commit: with the COMMIT in
 * one round trip on PostgreSQL); *last stays NULL when they were written.
 */
void control_log_batch_begin(void);
/* The canonical text of a decisions.batch payload, appended to sb. */
void control_log_batch_payload(struct strbuf *sb, int64_t count, int64_t first_seq,
			       int64_t last_seq, const char *first_id, const char *last_id,
			       const char *hash);
int control_log_batch_write_tx(struct store *s, const char *actor, int chain,
			       struct store_stmt **last, struct aiv_err *err);
void control_log_batch_abort(void);
/*
 * What the open batch's chaining would read, read by the caller in the
 * same transaction under the writers' lock (commit_many's one read at its
 * start): a pending stored row (seq order), then the newest stored seq.
 * Once _newest is given, writing the batch with chain 1 reads neither
 * again; nothing may insert decision_log rows outside the batch meanwhile.
 */
void control_log_batch_pending(int64_t seq, const char *id, const char *digest);
void control_log_batch_newest(int64_t newest);

/* queue.c (inside the caller's transaction) */
/* A queue transition: its ledger entry and its decision-log row. */
int control_transition_record(struct store *s, const char *actor, const char *item,
			      const char *from, const char *to, const char *by,
			      const char *reason, json_t *extra, struct aiv_err *err);
/* Expire overdue pending items (as EXPIRY_ACTOR; `actor` unused). */
int control_expire_tx(struct store *s, const char *actor, struct aiv_err *err);
/*
 * Expire ids[0..n), the pending items found overdue at t (µs since the
 * epoch; the same read as control_expire_tx's, made by the caller).
 */
int control_expire_ids_tx(struct store *s, char **ids, size_t n, int64_t t,
			  struct aiv_err *err);
/* One item as stored (no read-time expiry); AIV_ENOTFOUND. */
int control_load_item(struct store *s, const char *id, struct control_exception *out,
		      struct aiv_err *err);

/* evaluate.c */
/* Evaluate p->req against eng's snapshot (no store access); fills p. */
int control_evaluate_pending(struct control_engine *eng, struct control_pending *p,
			     struct aiv_err *err);
/* p->record and p->record_digest from p (after an approval changed it). */
void control_build_record(struct control_pending *p);

#endif
