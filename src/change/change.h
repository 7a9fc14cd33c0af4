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
 * (or a read), and returns its answer as a JSON object, so the CLI and the
 * HTTP API are thin wrappers that print or send it.  Bad input changes
 * nothing.  The approval path, the impact set, the signature records and
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

/* Open a CR.  *out: the CR as change_show prints it, plus "conflicts". */
int change_open(struct change_env *e, const struct change_open_args *a, json_t **out,
		struct aiv_err *err);
/*
 * change_open inside the caller's transaction (store_begin already done;
 * AIV_EINTERNAL otherwise), so several openings and other writes commit
 * or roll back together, ledger entries included.  On error the caller
 * must roll back: rows may already be written.  *out as change_open.
 */
int change_open_in_tx(struct change_env *e, const struct change_open_args *a, json_t **out,
		      struct aiv_err *err);

/* decision "approve" or "reject". *out: {cr, status, signature, approval}. */
int change_sign(struct change_env *e, const char *cr, const char *decision,
		const char *signer, const char *meaning, const char *reason,
		json_t **out, struct aiv_err *err);

/* Merge an approved CR: new version, stale marks downstream.  *out: {cr, stale: [...]}. */
int change_merge(struct change_env *e, const char *cr, json_t **out,
		 struct aiv_err *err);

/* Clear the stale marks of one artefact by a signed review.  *out: {artefact, cleared, done}. */
int change_review(struct change_env *e, const char *artefact, const char *signer,
		  const char *meaning, const char *reason, int no_impact, json_t **out,
		  struct aiv_err *err);

/*
 * Attach evidence files to an existing CR (any status: a test report may
 * come after the merge), by `by` (a person's or token's name, recorded).
 * A file already attached to this CR (same SHA-256) is AIV_ECONFLICT; an
 * empty, oversized or badly named file is AIV_EINPUT.  One transaction
 * with a "change.evidence" ledger entry.  *out: {cr, attached: [{name,
 * sha256, bytes, added_by, added_at}], evidence: [every file]}.
 */
int change_attach(struct change_env *e, const char *cr, const char *by,
		  const struct change_evidence *ev, size_t n, json_t **out,
		  struct aiv_err *err);

/* One CR with its impact, approval state, signatures, stale marks, conflicts. */
int change_show(struct change_env *e, const char *cr, json_t **out, struct aiv_err *err);
/* All CRs, newest first: [{id, artefact, status, risk, author, ...}]. */
int change_list(struct change_env *e, json_t **out, struct aiv_err *err);
/*
 * Every recorded conflict, oldest first: [{a, b, overlap: [ids], detected_at,
 * resolved_at (null while open), open}].  A conflict is two active CRs
 * whose artefact plus impact sets overlap; merging or rejecting either
 * resolves it.
 */
int change_conflicts(struct change_env *e, json_t **out, struct aiv_err *err);
/* Stale marks still open: [{artefact, owner, cr, cause, path}]. */
int change_stale(struct change_env *e, json_t **out, struct aiv_err *err);
/* Check every signature of a CR: {cr, ok, signatures: [{..., valid, problems}]}. */
int change_verify(struct change_env *e, const char *cr, json_t **out,
		  struct aiv_err *err);
/*
 * Governance metrics (docs/change.md defines each), plus
 * "awaiting_review": [{id, opened_at}], the open CRs with a required
 * approval slot not yet satisfied (the catalog's review_backlog counts
 * those waiting more than 5 working days).
 */
int change_metrics(struct change_env *e, json_t **out, struct aiv_err *err);

/* The stored content a CR proposes; caller frees. */
int change_content(struct store *s, const char *cr, char **buf, size_t *len,
		   char **path, struct aiv_err *err);

#endif
