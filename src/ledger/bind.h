/*
 * bind.h - what the ledger says the power-granting state is.
 *
 * A token's role, an applied object's spec: the tables hold them, and
 * whoever can write the database file can change them without a ledger
 * entry.  So the code that grants power on their strength (a token
 * authenticating, the decision engine loading its policies and agents)
 * first asks here what the ledger recorded, and refuses on a mismatch.
 *
 * The answers come from one process-wide index built by walking the
 * ledger once and then only the entries appended since (an entry's seq
 * and hash mark how far it has read; if that entry or entry 1 changes,
 * the index is rebuilt from the start).  A lookup costs one query for the
 * ledger head plus a mutex, so it is cheap enough for every uncached
 * authentication; the decision engine asks once per snapshot.
 *
 * What it indexes:
 *   token.create {name, role, agent?, secret_sha256?}, token.revoke {name}
 *   apply.create|update {kind, name, spec_hash}, apply.delete {kind, name}
 *   change.merge {artefact, from_/to_version, from_/to_fingerprint}
 *   change.open|release|approve|reject|merge|done {cr}: a change
 *              request's status, and the approving signatures recorded
 *              (a merge is checked on use)
 *   exception.* {item, to, by, digest?}: an exception item's state, the
 *              agent that escalated it, who approved it and for what
 *              arguments (an approval releases a decision: checked on use)
 *   session.create {token, expires_at, session_sha256?}, session.delete
 *              {token, session_sha256?}: the dashboard sessions (checked
 *              on use like tokens)
 * The index follows the ledger as it is; whether the ledger itself is
 * intact is `audit verify`'s question (and a signed checkpoint's).
 */
#ifndef AIV_LEDGER_BIND_H
#define AIV_LEDGER_BIND_H

#include <jansson.h>

#include "aiv.h"
#include "core/hash.h"
#include "store/store.h"

struct ledger_bound_token {
	char role[32];
	char agent[129];              /* "" when none */
	char secret_sha256[SHA256_HEX]; /* "" when the entry predates it */
	int revoked;
	int64_t seq;                  /* the entry that set this state */
};

/*
 * The ledger's state of token `name`: *found = 0 when no token.create
 * names it.  0, or a negative code with err filled on a store error.
 */
int ledger_bound_token(struct store *s, const char *name, struct ledger_bound_token *out,
		       int *found, struct aiv_err *err);

struct ledger_bound_object {
	char spec_hash[SHA256_HEX];     /* of the spec the last apply entry wrote */
	int64_t created_seq, updated_seq;
	/*
	 * An Artefact merged by a change request since: its spec is the
	 * applied one with fingerprint and version set to the merge's
	 * (change.merge records those, not the spec).  orig_*: the values the
	 * first merge started from, i.e. the applied spec's.
	 */
	int merged;
	int64_t version, orig_version;
	char fingerprint[SHA256_HEX], orig_fingerprint[SHA256_HEX];
	int64_t merged_seq;             /* the last change.merge entry */
};

/*
 * 1 if `spec` (canonical JSON text, len bytes) is the spec the ledger
 * says object o has, else 0.
 */
int ledger_bound_spec_ok(const struct ledger_bound_object *o, const char *spec, size_t len);

/* (apply_bound_spec_load, apply/apply.h, loads a stored spec and checks it so.) */

/*
 * The ledger's state of applied object kind/name: *found = 0 when it was
 * never applied or its last entry deleted it.
 */
int ledger_bound_object(struct store *s, const char *kind, const char *name,
			struct ledger_bound_object *out, int *found, struct aiv_err *err);

struct ledger_bound_exception {
	char state[16];               /* the last transition's "to" */
	char agent[129];              /* who escalated it (the pending entry's "by") */
	char approver[129];           /* who approved or rejected it; "" if no one */
	char digest[SHA256_HEX];      /* the arguments approved; "" if not recorded */
	int64_t seq;                  /* the last exception.* entry */
};

/* The ledger's state of exception item `id`: *found = 0 when no entry names it. */
int ledger_bound_exception(struct store *s, const char *id, struct ledger_bound_exception *out,
			   int *found, struct aiv_err *err);

struct ledger_bound_session {
	char token[129];              /* the token it stands for */
	char expires_at[40];          /* ISO time, as the entry recorded it */
	int64_t seq;                  /* its session.create entry */
};

/*
 * The ledger's state of the session whose stored hash is session_sha256:
 * *found = 0 when no session.create recorded that hash (entries from
 * before it was recorded cannot be matched) or a session.delete ended it.
 */
int ledger_bound_session(struct store *s, const char *session_sha256,
			 struct ledger_bound_session *out, int *found, struct aiv_err *err);

struct ledger_bound_change {
	char status[16];              /* "" when an entry from before it was recorded left it unknown */
	int64_t seq;                  /* the entry that set it */
	json_t *approvals;            /* {record_hash: seq} of its change.approve entries */
};

/*
 * The ledger's state of change request `cr`: *found = 0 when no
 * change.open names it.  Release out with ledger_bound_change_release().
 */
int ledger_bound_change(struct store *s, const char *cr, struct ledger_bound_change *out,
			int *found, struct aiv_err *err);
void ledger_bound_change_release(struct ledger_bound_change *c);

/*
 * Every token or object the ledger holds, in name order, for a full
 * comparison with a table.  fn's non-zero return stops the walk.
 */
typedef int (*ledger_bound_token_fn)(const char *name, const struct ledger_bound_token *t,
				     void *data);
typedef int (*ledger_bound_object_fn)(const char *kind, const char *name,
				      const struct ledger_bound_object *o, void *data);
int ledger_bound_tokens(struct store *s, ledger_bound_token_fn fn, void *data,
			struct aiv_err *err);
int ledger_bound_objects(struct store *s, ledger_bound_object_fn fn, void *data,
			 struct aiv_err *err);

/* Forget the index (tests; a process that switches workspaces need not). */
void ledger_bind_reset(void);

#endif
