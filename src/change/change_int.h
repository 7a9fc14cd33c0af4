/*
 * change_int.h - internal to src/change/: the rows and helpers the change
 * request files (lifecycle, approval, signature, conflict, queue,
 * evidence, merge, metrics) share.  Not for other layers: they use
 * change.h.
 */
#ifndef AIV_CHANGE_INT_H
#define AIV_CHANGE_INT_H

#include <jansson.h>

#include "change.h"
#include "core/hash.h"

#define US_PER_DAY (86400LL * 1000000LL)

/* An artefact row; chg_artefact_row_release frees it. */
struct artefact_row {
	char *id, *type, *title, *owner, *owner_kind, *path, *fingerprint;
	int64_t version;
};

/* A stored CR, its JSON columns parsed. */
struct cr_row {
	char *id, *artefact, *status, *base_fp, *new_fp, *reason, *risk, *author;
	char *generated_by, *model;
	int64_t num, base_version, opened_at, approved_at, merged_at, closed_at, seq;
	json_t *impact, *path, *evidence;
};

#define CR_COLS "id, num, artefact, status, base_version, base_fingerprint," \
	" new_fingerprint, reason, risk, author, generated_by, model, impact," \
	" approval_path, opened_at, approved_at, merged_at, closed_at, seq, evidence"

/* Prepare `sql` and bind n text parameters. */
struct store_stmt *chg_prep(struct store *s, struct aiv_err *err, const char *sql,
			    int n, ...);

/*
 * Run head "(?, ...)" tail once per chunk of keys (each bound as text),
 * calling fn on every row; fn returns non-zero to stop (an error in err).
 * For reading many rows by key in a few statements, not one per key
 * (store_query_in).
 */
typedef store_row_fn chg_row_fn;
int chg_query_in(struct store *s, const char *head, const char *tail,
		 const char *const *keys, size_t n, chg_row_fn fn, void *data,
		 struct aiv_err *err);

/*
 * change_verify of each of ids[0..n) into out[0..n), reading the CRs,
 * their blobs and their signatures in a few statements; out[i] is what
 * change_verify(ids[i]) gives.  On error every out[] is released.
 */
int chg_verify_many(struct change_env *e, const char *const *ids, size_t n,
		    struct change_verdict *out, struct aiv_err *err);
/*
 * A verification's reads of one CR (its blobs, its signatures' ledger
 * entries, the artefacts they cover) sent before the CR's rows are read,
 * on the keys an earlier view asked for (a CR page seen again, on
 * PostgreSQL: one round trip for the page instead of two).
 * chg_ahead_start prepares and binds them (keys: chg_ahead_keys of the
 * earlier view; NULL or "": none) and appends each to sts (up to 3, *nsts
 * counts them) for the caller's store_run_many; NULL with err set on
 * failure.  chg_verify_read(..., ahead, ...) uses a read's rows only when
 * the rows read now ask for the same keys, and else reads them after, as
 * without it: nothing read is kept between views.  chg_ahead_keys: the
 * keys that verification asked for (a new string; NULL before it ran).
 * chg_ahead_free resets what was not used.
 */
struct chg_ahead;
struct chg_ahead *chg_ahead_start(struct change_env *e, const char *keys,
				  struct store_stmt **sts, size_t *nsts, struct aiv_err *err);
char *chg_ahead_keys(const struct chg_ahead *a);
void chg_ahead_free(struct chg_ahead *a);
/*
 * change_verify of CR c, read already, with its approve and reject
 * signatures read already (sigs: chg_sig_json's objects in signing order,
 * borrowed): the blobs, ledger entries and covered artefacts as
 * chg_verify_many reads them.  blobs (borrowed, may be NULL): blobs read
 * already, chg_blob_row's; only the others are read.  also[0..nalso): the
 * caller's queries, run with those reads (store_query_in_many).  ahead
 * (may be NULL): those reads sent already (chg_ahead_start).
 */
int chg_verify_read(struct change_env *e, const struct cr_row *c, json_t *sigs,
		    json_t *blobs, const struct store_in *also, size_t nalso,
		    struct chg_ahead *ahead, struct change_verdict *out, struct aiv_err *err);
/*
 * A row (sha256, content) of change_blobs into blobs: its key -> the
 * hash of the content stored under it, as verification compares them.
 */
void chg_blob_row(struct store_stmt *st, json_t *blobs);
/* A signature as verification reads it: {decision, signer, record, record_hash, ledger_seq}. */
json_t *chg_sig_json(const char *decision, const char *signer, const char *record,
		     const char *record_hash, int64_t ledger_seq);

/* Run a statement that returns no rows; reset it. */
int chg_run(struct store_stmt *st, struct aiv_err *err);

/* 1 if the query returns a row, 0 if not, negative on error. */
int chg_exists(struct store_stmt *st, struct aiv_err *err);

void chg_artefact_row_release(struct artefact_row *a);

int chg_artefact_read(struct store *s, const char *id, struct artefact_row *a,
		      struct aiv_err *err);

void chg_cr_release(struct cr_row *c);

void chg_cr_from_row(struct store_stmt *st, struct cr_row *c);

int chg_cr_read(struct store *s, const char *id, struct cr_row *c, struct aiv_err *err);
/* AIV_ENOTFOUND for CR id, with the message chg_cr_read gives. */
int chg_cr_unknown(struct aiv_err *err, const char *id);

/* Can `person` sign for slot {kind, name}? 1/0, negative on error. */
int chg_eligible(struct store *s, const json_t *slot, const char *person,
		 struct aiv_err *err);

const char *chg_slot_kind(const char *owner_kind);

/*
 * Impact closure of `art` over the propagating edge types, as JSON items
 * {id, depth, via, path, owner, owner_kind, version, fingerprint}.
 */
int chg_impact_items(struct store *s, const struct change_rules *rules,
		     const char *art, json_t **out, struct aiv_err *err);

int chg_build_path(struct change_env *e, const struct artefact_row *a,
		   const char *author, int ai, int risk, const json_t *impact,
		   json_t **out, struct aiv_err *err);

/* Approving signatures of a CR: [{signer, id}] in signing order. */
int chg_approvals_of(struct store *s, const char *cr, json_t **out, struct aiv_err *err);
/* One element of chg_approvals_of's array: {signer, id, record (parsed, or null)}. */
json_t *chg_approval_json(const char *signer, int64_t id, const char *record);

/*
 * Evaluate the approval state: {approved, slots: [{role, kind, name,
 * satisfied_by}], approvers, quorum, missing: [text]}.
 */
int chg_approval_state(struct change_env *e, const struct cr_row *c, json_t **out,
		       struct aiv_err *err);
/* The same with one more approver, `extra_signer`, as if they had signed. */
int chg_approval_state_with(struct change_env *e, const struct cr_row *c,
			    const char *extra_signer, json_t **out, struct aiv_err *err);
/*
 * The same from approving signatures already read (chg_approvals_of's
 * array, taken over: freed here on every path).
 */
int chg_approval_state_of(struct change_env *e, const struct cr_row *c, json_t *sigs,
			  const char *extra_signer, json_t **out, struct aiv_err *err);
/*
 * chg_approval_needs_teams: 1 when evaluating c's approval path for the
 * signers in sigs ([{signer}]) asks org about teams or functions (a slot
 * not of a person and at least one signer).  chg_approval_state_known:
 * chg_approval_state_of (without an extra signer) answering those
 * questions from known (org_teams_of_in for every signer in sigs, read
 * already) instead of a statement per slot and signer; takes over sigs.
 */
int chg_approval_needs_teams(const struct cr_row *c, const json_t *sigs);
struct org_teams_of;
int chg_approval_state_known(struct change_env *e, const struct cr_row *c, json_t *sigs,
			     const struct org_teams_of *known, json_t **out,
			     struct aiv_err *err);
/*
 * The approving signatures of every open CR in one statement: an object
 * CR id -> chg_approvals_of's array (a CR with none has no key).
 */
int chg_approvals_of_open(struct store *s, json_t **out, struct aiv_err *err);
/* The typed copy of an approval state chg_approval_state built. */
void chg_approval_typed(const json_t *state, struct change_approval *out);
void chg_approval_release(struct change_approval *a);

char *chg_now_iso(int64_t us);

/*
 * Record a signature row and its ledger entry.  *sig_id the new row.
 * cr_status: the status the change request moves to by this signature,
 * recorded in the entry as "status" (audit verify replays it); NULL: none.
 */
int chg_put_signature(struct change_env *e, const char *cr, const char *artefact,
		      const char *decision, const char *signer, const char *time,
		      const char *meaning, const char *reason, json_t *covers,
		      json_t *extra, const char *cr_status, int64_t *sig_id,
		      json_t **record_out, struct aiv_err *err);

int chg_check_base(const struct cr_row *c, const struct artefact_row *a,
		   struct aiv_err *err);

/* Does every covered artefact still have the fingerprint the record names? */
int chg_covers_problems(struct store *s, const json_t *covers, int merged,
			json_t *problems, struct aiv_err *err);

/* Mark conflicts of `cr` with other active CRs resolved. */
int chg_resolve_conflicts(struct change_env *e, const char *cr, int64_t now,
			  struct aiv_err *err);

int chg_set_status(struct change_env *e, const char *cr, const char *status,
		   const char *time_col, int64_t now, struct aiv_err *err);

/*
 * Should an AI-generated CR with this approval path wait?  Returns 1 and
 * fills why (a finding text) when it should, 0 when not.
 */
int chg_governance_behind(struct change_env *e, const json_t *path, int64_t now,
			  int self_counted, char *why, size_t whysz, json_t *data,
			  struct aiv_err *err);

int chg_add_finding(struct change_env *e, int64_t now, const char *msg, json_t *data,
		    struct aiv_err *err);

/* Open queued CRs whose approvers now have room, oldest first. */
int chg_release_queued(struct change_env *e, int64_t now, json_t *released,
		       struct aiv_err *err);

int chg_find_conflicts(struct change_env *e, const char *id, const char *art,
		       const json_t *impact, int64_t now, json_t *out, struct aiv_err *err);

/* Is evidence file `ev` acceptable?  0, or AIV_EINPUT naming it. */
int chg_evidence_check(const struct change_evidence *ev, struct aiv_err *err);

/* Store one evidence file's content under its hash (fp out). */
int chg_evidence_store(struct change_env *e, const struct change_evidence *ev,
		       char fp[SHA256_HEX], struct aiv_err *err);

/*
 * Items [from, to) of evidence array `arr` typed into *l (stored: the
 * files print their keys sorted, as the store keeps them); release with
 * chg_evidence_list_release.
 */
void chg_evidence_list_from_json(const json_t *arr, size_t from, size_t to, int stored,
				 struct change_evidence_list *l);
void chg_evidence_list_release(struct change_evidence_list *l);

/* ---- reads ----------------------------------------------------------- */

json_t *chg_time_or_null(int64_t us);

/* String lists: push a copy; fill from a JSON array's text (non-strings skipped); free. */
void chg_strs_push(struct change_strs *l, const char *s);
void chg_strs_from_json_text(struct change_strs *l, const char *text);
void chg_strs_release(struct change_strs *l);
/* Fill l with the strings of JSON array arr (non-strings skipped). */
void chg_strs_from_json(struct change_strs *l, const json_t *arr);

/* The JSON of one CR summary (change_json.c), the keys change_show starts with. */
json_t *change_cr_summary_json(const struct change_cr_summary *c);

#endif
