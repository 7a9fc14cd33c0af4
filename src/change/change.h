/*
 * change.h - change requests: open, sign (approve/reject), merge, review
 * stale artefacts, verify signatures, list, show, metrics.
 *
 * Life of a change request (CR):
 *
 *   open ----> queued (AI-generated and governance is behind) --release--+
 *     |                                                                  |
 *     v                                                                  v
 *   open --approve (slots + quorum + separation of duties)--> approved --merge--> merged
 *     |                                                                  |
 *     +--reject--> rejected                          every stale mark of its impact
 *                                                    cleared by a signed review --> done
 *
 * Every function below is one store transaction with its ledger entries
 * (or a read).  The reads, the merge, the review, sign and attach fill
 * typed structs (see "Typed results" below) that the text, HTML and JSON
 * printers read; show and open fill a change_cr_view.
 * The CLI and the HTTP API are thin wrappers that print or send the
 * answer.  Bad input changes nothing.  The approval path, the impact set, the signature records and
 * the stale-mark causes are all computed here from the graph (graph.h) and
 * the rules (rules.h); nothing is ticked by hand.
 *
 * A signature record is canonical JSON {cr, artefact, decision, signer,
 * time, meaning, reason, covers: [{artefact, role, version, fingerprint}]}
 * whose SHA-256 goes into the ledger.  It covers the fingerprints of every
 * artefact version it vouches for, so editing any covered content makes
 * the record disagree with the content: the signature is void by
 * construction (change_verify shows it).
 */
#ifndef AIV_CHANGE_H
#define AIV_CHANGE_H

#include <jansson.h>

#include "aiv.h"
#include "catalog/catalog.h"
#include "rules.h"
#include "store/store.h"

struct change_env {
	struct store *s;
	const struct catalog *cat;
	const struct change_rules *rules;
	const char *actor; /* who the ledger says acted (token or CLI user) */
};

/* A list of strings (artefact ids, problems); owns each string. */
struct change_strs {
	char **v;
	size_t n;
};

/*
 * An evidence file attached to a change request: stored content-addressed
 * (table change_blobs, key its SHA-256), at most CHANGE_EVIDENCE_MAX bytes,
 * named by a non-empty name of at most 255 bytes without control
 * characters.
 */
#define CHANGE_EVIDENCE_MAX (16u << 20) /* 16 MiB per file */
struct change_evidence {
	const char *name; /* file name as given */
	const char *data;
	size_t len;
};

struct change_open_args {
	const char *artefact;      /* id */
	const char *content;       /* proposed new content (bytes) */
	size_t content_len;
	const char *reason;
	const char *risk;          /* low, medium (default), high */
	const char *author;        /* Person opening it (or directing the agent) */
	const char *generated_by;  /* AI agent that produced the content, or NULL */
	const char *model;         /* model name when generated_by */
	int64_t base_version;      /* > 0: refuse unless the artefact is at it */
	const struct change_evidence *evidence; /* borrowed, nevidence items */
	size_t nevidence;
};

struct change_cr_view;
/*
 * Open a CR.  *out: the CR as change_show reads it, with `opened` set:
 * the conflicts found now and, when governance is behind, why it waits
 * in the queue (change_cr_view_release; nothing to release on error).
 */
int change_open(struct change_env *e, const struct change_open_args *a,
		struct change_cr_view *out, struct aiv_err *err);
/*
 * change_open inside the caller's transaction (store_begin already done;
 * AIV_EINTERNAL otherwise), so several openings and other writes commit
 * or roll back together, ledger entries included.  On error the caller
 * must roll back: rows may already be written.  *out as change_open.
 */
int change_open_in_tx(struct change_env *e, const struct change_open_args *a,
		      struct change_cr_view *out, struct aiv_err *err);

/*
 * The approval state of a CR: one slot per required approval (the
 * approval path), each satisfied by the first eligible approver or not
 * yet, the distinct approvers against the quorum of its risk, and what is
 * still missing, in words.
 */
struct change_approval_slot {
	char *kind, *name, *role;
	char *satisfied_by;         /* NULL: not yet */
};
struct change_approval {
	int approved;
	struct change_approval_slot *slots;
	size_t nslots;
	int approvers, quorum;
	struct change_strs missing;
};
/*
 * The answer of a signature: the CR's status after it, the signature
 * record written (the signed canonical JSON document, a reference the
 * result owns), the approval state after an approval, and the queued
 * CRs it let go.
 */
struct change_sign_result {
	char *cr, *status;
	json_t *signature;
	int has_approval;           /* approve: approval is set */
	struct change_approval approval;
	struct change_strs released;
};
/* decision "approve" or "reject". */
int change_sign(struct change_env *e, const char *cr, const char *decision,
		const char *signer, const char *meaning, const char *reason,
		struct change_sign_result *out, struct aiv_err *err);
void change_sign_result_release(struct change_sign_result *r);
/* {cr, status, signature, approval (approve only), released (when any)} */
json_t *change_sign_result_json(const struct change_sign_result *r);
json_t *change_approval_json(const struct change_approval *a);

/*
 * The answer of a merge.  `written` and `warning` are the caller's to set
 * (the CLI and the API write the content back to the artefact's file):
 * owned strings, NULL when not set.
 */
struct change_new_stale {
	char *artefact, *owner, *cause;
	struct change_strs path;    /* merged artefact ... this one */
};
struct change_reevaluated {
	char *cr;                   /* an active CR that overlapped this one */
	char *now;                  /* what it is now, in words */
};
struct change_merge_result {
	char *cr, *artefact;
	char *status;               /* "merged", or "done" when nothing went stale */
	int64_t from_version, to_version;
	struct change_new_stale *stale;
	size_t nstale;
	struct change_reevaluated *reevaluated;
	size_t nreevaluated;
	struct change_strs released; /* queued CRs this merge let go */
	char *written, *warning;
};
/* Merge an approved CR: new version, stale marks downstream. */
int change_merge(struct change_env *e, const char *cr, struct change_merge_result *out,
		 struct aiv_err *err);
void change_merge_result_release(struct change_merge_result *r);
json_t *change_merge_result_json(const struct change_merge_result *r);

/*
 * The answer of a review: the stale marks it cleared (each with the CR
 * that caused it), the merged CRs that are now done, and the signature
 * record it wrote (the signed canonical JSON document, a reference the
 * result owns).
 */
struct change_cleared {
	char *cr, *cause;
};
struct change_review_result {
	char *artefact;
	char *decision;             /* "review" or "no-impact" */
	struct change_cleared *cleared;
	size_t ncleared;
	struct change_strs done;
	json_t *signature;
	struct change_strs released; /* queued CRs this review let go */
};
/* Clear the stale marks of one artefact by a signed review. */
int change_review(struct change_env *e, const char *artefact, const char *signer,
		  const char *meaning, const char *reason, int no_impact,
		  struct change_review_result *out, struct aiv_err *err);
void change_review_result_release(struct change_review_result *r);
json_t *change_review_result_json(const struct change_review_result *r);

/*
 * Attach evidence files to an existing CR (any status: a test report may
 * come after the merge), by `by` (a person's or token's name, recorded).
 * A file already attached to this CR (same SHA-256) is AIV_ECONFLICT; an
 * empty, oversized or badly named file is AIV_EINPUT.  One transaction
 * with a "change.evidence" ledger entry.  *out (typed, see "Typed
 * results" below; change_attach_result_release) names the files attached
 * now and every file the CR has, and the ledger entry.
 */
struct change_evidence_file {
	char *name, *sha256;
	int64_t bytes;
	char *added_by;  /* NULL when attached at opening (change_open) */
	char *added_at;  /* with added_by: the ISO 8601 text as stored */
	int stored;      /* read back from the store, not attached by this call */
};
struct change_evidence_list {
	struct change_evidence_file *v;
	size_t n;
};
struct change_attach_result {
	char *cr;
	struct change_evidence_list attached; /* by this call, in the order given */
	struct change_evidence_list evidence; /* every file, oldest first */
	int64_t ledger_seq;
};
int change_attach(struct change_env *e, const char *cr, const char *by,
		  const struct change_evidence *ev, size_t n, struct change_attach_result *out,
		  struct aiv_err *err);
void change_attach_result_release(struct change_attach_result *r);
/*
 * {cr, attached: [file], evidence: [file], ledger_seq}.  A file attached
 * by this call prints {name, sha256, bytes, added_by, added_at}; a stored
 * file prints its keys sorted, as the store's canonical JSON keeps them
 * (the answer was the stored JSON document before it was typed; kept
 * byte for byte so scripts that compare it see no change).
 */
json_t *change_attach_result_json(const struct change_attach_result *r);

/*
 * Typed results.  Each read below fills a struct the caller owns (zeroed
 * or not, it is overwritten) and frees with its _release, which leaves it
 * zeroed; on error there is nothing to release.  Times are microseconds
 * since the epoch, 0 when not yet; a figure with no data is NAN.  The
 * JSON, text (cli/change.c) and HTML (http/pages_change.c) printers read
 * these fields; change_json.c writes the JSON of each, once.
 */

/* One change request as stored: a row of change_list. */
struct change_cr_summary {
	char *id, *artefact, *status, *reason, *risk, *author;
	char *base_fingerprint, *new_fingerprint;
	char *generated_by; /* the AI agent, or NULL */
	char *model;        /* with generated_by: the model ("" if not given) */
	int64_t base_version;
	int64_t opened_at, approved_at, merged_at, closed_at;
	size_t impact_count;
};

/* All CRs, newest first. */
struct change_cr_list {
	struct change_cr_summary *v;
	size_t n;
};
int change_list(struct change_env *e, struct change_cr_list *out, struct aiv_err *err);
void change_cr_list_release(struct change_cr_list *l);

/*
 * One CR in full (change_show, change_open): its summary, the impact set
 * and evidence recorded at opening, the approval state now, every
 * signature, the stale marks it caused and the conflicts recorded with
 * it.  change_open also sets `opened`, the conflicts it found with the
 * active CRs and, when the CR waits in the governance queue, `finding`.
 */
struct change_impact_item {
	char *id, *via, *owner, *owner_kind, *fingerprint; /* NULL: not recorded */
	int64_t depth, version;
	struct change_strs path;    /* the changed artefact ... this one */
};
struct change_signature {
	char *decision, *signer, *time, *meaning, *reason, *record_hash, *artefact;
	int64_t ledger_seq;
};
struct change_cr_mark {
	char *artefact, *cause;
	int open;
	int64_t cleared_at;         /* with cleared_by; 0 while open */
	char *cleared_by;           /* NULL while open */
};
struct change_cr_conflict {
	char *with;                 /* the other CR */
	struct change_strs overlap; /* artefact ids both touch */
	int resolved;               /* recorded conflicts only */
};
struct change_cr_view {
	struct change_cr_summary cr;
	struct change_impact_item *impact;
	size_t nimpact;
	struct change_evidence_list evidence; /* as stored: files print their keys sorted */
	struct change_approval approval;
	struct change_signature *signatures;
	size_t nsignatures;
	struct change_cr_mark *marks;
	size_t nmarks;
	struct change_cr_conflict *recorded;
	size_t nrecorded;
	int opened;                           /* filled by change_open */
	struct change_cr_conflict *conflicts; /* with opened: found now */
	size_t nconflicts;
	char *finding;                        /* with opened: why it is queued, or NULL */
};
int change_show(struct change_env *e, const char *cr, struct change_cr_view *out,
		struct aiv_err *err);
void change_cr_view_release(struct change_cr_view *v);

/*
 * Every recorded conflict, oldest first.  A conflict is two active CRs
 * whose artefact plus impact sets overlap; merging or rejecting either
 * resolves it.
 */
struct change_conflict {
	char *a, *b;                  /* the two CRs */
	struct change_strs overlap;   /* artefact ids both touch */
	int64_t detected_at;
	int64_t resolved_at;          /* 0 while open */
};
struct change_conflict_list {
	struct change_conflict *v;
	size_t n;
};
int change_conflicts(struct change_env *e, struct change_conflict_list *out,
		     struct aiv_err *err);
void change_conflict_list_release(struct change_conflict_list *l);

/* Stale marks still open, by owner, artefact, CR. */
struct change_stale_mark {
	char *artefact, *owner, *cr, *cause;
};
struct change_stale_list {
	struct change_stale_mark *v;
	size_t n;
};
int change_stale(struct change_env *e, struct change_stale_list *out, struct aiv_err *err);
void change_stale_list_release(struct change_stale_list *l);

/* Check every signature of a CR (approve and reject), oldest first. */
struct change_sig_check {
	char *signer, *decision, *record_hash;
	int64_t ledger_seq;
	int valid;                  /* no problems */
	struct change_strs problems; /* its own, then the CR's */
};
struct change_verdict {
	char *cr, *status;
	int ok;                     /* every signature valid, no CR problem */
	struct change_sig_check *sigs;
	size_t nsigs;
	struct change_strs problems; /* the CR's: content or evidence edited, missing */
	size_t evidence;            /* evidence files attached */
};
int change_verify(struct change_env *e, const char *cr, struct change_verdict *out,
		  struct aiv_err *err);
void change_verdict_release(struct change_verdict *v);
/*
 * change_show and change_verify of one CR together (its page), with the
 * same results, reading the CR and its signatures once for both: one
 * statement each instead of two and three.
 */
int change_show_verify(struct change_env *e, const char *cr, struct change_cr_view *view,
		       struct change_verdict *ver, struct aiv_err *err);
/*
 * change_show_verify, and the specs (objects of kind Artefact) of the CR's
 * artefact and of its first ndrawn impacted artefacts (what its page
 * draws) into *specs, a new JSON object (name -> spec), read with the
 * verification's reads (one round trip on PostgreSQL).
 */
int change_show_page(struct change_env *e, const char *cr, struct change_cr_view *view,
		     struct change_verdict *ver, size_t ndrawn, json_t **specs,
		     struct aiv_err *err);

/*
 * Governance metrics (docs/change.md defines each).  review_backlog:
 * per owner (person, team or function), stale artefacts they own and
 * approval slots of open CRs they have not signed, owners with stale
 * artefacts first (by name), then in the order they were met.
 * awaiting: the open CRs with a required approval slot not yet satisfied
 * (the catalog's review_backlog counts those waiting more than 5 working
 * days).
 */
struct change_backlog {
	char *owner;
	int64_t stale, pending_approvals;
};
struct change_awaiting {
	char *id;
	int64_t opened_at;
};
struct change_finding {
	int64_t time;
	char *message;
};
struct change_gov_metrics {
	int64_t change_requests, queued;
	struct {
		int64_t done;
		double median, p90, approval_median, approval_p90; /* hours */
	} safe_change;
	struct {
		int64_t count, open;
		double resolve_median_hours;
	} conflicts;
	struct {
		double share;
		int64_t ready, merged;
	} audit_readiness;
	struct {
		double share;
		int64_t artefacts, stale;
	} downstream;
	struct {
		double share;
		int64_t count;
	} ai_generated;
	struct change_backlog *backlog;
	size_t nbacklog;
	struct change_finding *findings;
	size_t nfindings;
	struct change_awaiting *awaiting;
	size_t nawaiting;
};
int change_metrics_read(struct change_env *e, struct change_gov_metrics *out,
			struct aiv_err *err);
/*
 * The same figures as they stood at until_us (microseconds), from the
 * times stored with each record: CRs opened by then; approved, merged,
 * closed (done) by the stored approved_at, merged_at, closed_at;
 * signatures by their time and evidence files by their added_at; conflicts
 * detected and resolved by then; findings by then.  What no stored time
 * can give: artefacts keep no time they were added, so downstream.share
 * is NAN and backlog is empty; the approval slots' state then is not kept,
 * so awaiting lists the CRs open then (not yet approved, merged or closed),
 * and a CR that was queued and is open now counts from its opened_at.
 */
int change_metrics_as_of(struct change_env *e, int64_t until_us, struct change_gov_metrics *out,
			 struct aiv_err *err);
void change_gov_metrics_release(struct change_gov_metrics *m);

/* JSON printers (change_json.c): a new reference, the API's and --json's shape. */
json_t *change_cr_list_json(const struct change_cr_list *l);
/*
 * The summary's keys, then impact, evidence, approval, signatures,
 * stale_marks, conflicts_recorded; an opened CR adds conflicts and, when
 * queued, finding.
 */
json_t *change_cr_view_json(const struct change_cr_view *v);
json_t *change_conflict_list_json(const struct change_conflict_list *l);
json_t *change_stale_list_json(const struct change_stale_list *l);
json_t *change_verdict_json(const struct change_verdict *v);
json_t *change_gov_metrics_json(const struct change_gov_metrics *m);

/* The stored content a CR proposes; caller frees. */
int change_content(struct store *s, const char *cr, char **buf, size_t *len,
		   char **path, struct aiv_err *err);

#endif
