/*
 * tokens.h - bearer tokens and roles.
 *
 * A token is "aiv_" followed by 43 base64url characters (32 random bytes).
 * It is shown once, at creation; the store keeps only its SHA-256, so a
 * copy of the database gives no working credential.  Each token has one
 * role; what a role may do is decided per route (http/routes.c), deny by
 * default.
 */
#ifndef AIV_TOKENS_H
#define AIV_TOKENS_H

#include <jansson.h>

#include "aiv.h"
#include "store/store.h"

enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1 << 0,
	ROLE_LEAD = 1 << 1,
	ROLE_ANALYST = 1 << 2,
	ROLE_APPROVER = 1 << 3,
	ROLE_AUDITOR = 1 << 4,
	ROLE_VIEWER = 1 << 5,
	ROLE_AGENT = 1 << 6,
};
#define ROLE_HUMANS (ROLE_ADMIN | ROLE_LEAD | ROLE_ANALYST | ROLE_APPROVER | \
		     ROLE_AUDITOR | ROLE_VIEWER)
#define ROLE_ALL (ROLE_HUMANS | ROLE_AGENT)

/* "admin" -> ROLE_ADMIN; ROLE_NONE if unknown. */
enum role role_from_name(const char *name);
const char *role_name(enum role r);
/* "admin, lead, ..." for messages. */
const char *role_names_list(void);

struct token_info {
	int64_t id;
	char name[129];
	enum role role;
	char agent[129]; /* "" unless an agent's credential */
	int64_t expires_us; /* 0: never expires */
};

/*
 * Create a token named `name` with `role` (agent: the agent id, or NULL).
 * One transaction with its ledger entry (which records name and role,
 * never the secret).  *secret_out is the token text, shown once; caller
 * frees.
 */
int token_create(struct store *s, const char *actor, const char *name,
		 enum role role, const char *agent, char **secret_out,
		 struct aiv_err *err);
/*
 * token_create with an expiry: `expires_us` (microseconds since the
 * epoch, 0: never) is stored and recorded in the ledger entry; from then
 * on the token is refused like a revoked one.  AIV_EINPUT if it is not
 * in the future.
 */
int token_create_expiring(struct store *s, const char *actor, const char *name,
			  enum role role, const char *agent, int64_t expires_us,
			  char **secret_out, struct aiv_err *err);
/* Look up a presented token; AIV_EPERM if unknown, revoked or expired. */
int token_check(struct store *s, const char *secret, struct token_info *out,
		struct aiv_err *err);
/*
 * token_check through a per-thread cache of verified tokens: an entry is
 * reused for at most 1 s and until token_cache_invalidate() (token_revoke
 * calls it).  The server authenticates every request with it.
 */
int token_check_cached(struct store *s, const char *secret, struct token_info *out,
		       struct aiv_err *err);
/* Make every thread's cached tokens be checked again. */
void token_cache_invalidate(void);
/* How many tokens were ever revoked (changes with every revocation). */
int token_revocations(struct store *s, int64_t *n, struct aiv_err *err);
/*
 * A writer that checks for revocations in each of its transactions,
 * without a statement when nothing was committed by another connection
 * since its last transaction (store_data_version; every commit on
 * PostgreSQL).  Start with TOKEN_WATCH_INIT; token_watch_release frees it.
 *   token_watch_check: inside a transaction; *changed = 1 if the count of
 *     revocations differs from the last check's (always on the first).
 *     Then the ids of the revoked tokens are read again (kept sorted in
 *     the watch: 8 bytes per revoked token, read once per revocation).
 *   token_watch_revoked: whether token `id` was revoked at the last check,
 *     without a statement.  A request admitted from the token cache
 *     (token_check_cached) before the writer saw the revocation may be
 *     committed in a later transaction whose count did not change: the
 *     writer asks this for every request it commits.
 *   token_watch_ended: right after that transaction's COMMIT (committed 1)
 *     or ROLLBACK (0), on the same handle.
 *   token_watch_pass: instead of token_watch_check in a transaction of
 *     this handle that need not check (it refuses nobody): the next
 *     check still reads the count if another connection committed.
 */
struct token_watch {
	int64_t seen;     /* revocations at the last check; -1: none yet */
	uint64_t version; /* store_data_version after this handle's last transaction */
	int version_ok;   /* version is set, and no other commit was missed before it */
	uint64_t in_tx;   /* store_data_version at the check */
	int in_tx_ok;
	int64_t *revoked; /* ids of the revoked tokens at the last check, ascending */
	size_t nrevoked;
};
#define TOKEN_WATCH_INIT { -1, 0, 0, 0, 0, NULL, 0 }
int token_watch_check(struct store *s, struct token_watch *w, int *changed,
		      struct aiv_err *err);
int token_watch_revoked(const struct token_watch *w, int64_t id);
void token_watch_ended(struct store *s, struct token_watch *w, int committed);
void token_watch_pass(struct store *s, struct token_watch *w);
void token_watch_release(struct token_watch *w);
/*
 * *has = 1 if agent `agent` holds an agent-role token that is not revoked
 * (the identity foundation of a workflow's readiness, control/readiness.c).
 */
int token_agent_has_token(struct store *s, const char *agent, int *has,
			  struct aiv_err *err);
int token_revoke(struct store *s, const char *actor, const char *name,
		 struct aiv_err *err);
/*
 * All tokens (never their hashes) as a JSON array: name, role, agent,
 * created_at, expires_at (null: never), revoked_at, state ("active",
 * "expired" or "revoked").  New reference.
 */
int token_list(struct store *s, json_t **out, struct aiv_err *err);

/*
 * Dashboard sessions.  Signing in exchanges a token for a session: the
 * browser's cookie holds a random session id ("aivs_" and 43 base64url
 * characters), never the token; the store keeps only SHA-256(id), the
 * token it stands for and an expiry (SESSION_TTL_S, and never later than
 * the token's own expiry).  A session is valid while it has not expired
 * and its token is neither revoked nor expired, so revoking a token ends
 * its sessions too.  Creating and deleting a session are ledger entries
 * (session.create, session.delete: who signed in to the dashboard and
 * when is audit evidence); the session id is never recorded, its stored
 * hash is, and session_check refuses a row the ledger did not create.  Expired
 * sessions are purged, without a ledger entry, when the next one is made.
 */
#define SESSION_TTL_S 43200 /* 12 hours */
#define SESSION_ID_MAX 64

/* Start a session for the verified token `ti`; *sid_out (caller frees). */
int session_create(struct store *s, const struct token_info *ti, char **sid_out,
		   int64_t *expires_us, struct aiv_err *err);
/* The token behind a session id; AIV_EPERM if unknown, expired or its token is. */
int session_check(struct store *s, const char *sid, struct token_info *out,
		  struct aiv_err *err);
/* End a session (sign out); AIV_ENOTFOUND if there is none with that id. */
int session_delete(struct store *s, const char *sid, struct aiv_err *err);

#endif
