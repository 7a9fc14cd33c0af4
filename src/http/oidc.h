/*
 * oidc.h - single sign-on with an OpenID Connect provider (issue 21).
 *
 * Three things come from the provider, and nothing else:
 *  - sign-in to the dashboard: the authorisation code flow with PKCE
 *    (S256), state and nonce (GET /login/sso, then the provider sends the
 *    browser back to GET /login/sso/callback);
 *  - bearer JWTs on the API: the provider's access tokens, for people and
 *    for agents (client credentials), next to aivalue's own tokens;
 *  - roles, from a claim (groups, app roles) through the role mapping file
 *    (--oidc-role-map), whose digest is recorded in the ledger.
 *
 * What is verified, for an ID token and a bearer alike: the signature, with
 * a key of the provider's JWKS picked by `kid` (an unknown kid refetches
 * the JWKS once, at most every OIDC_JWKS_REFETCH_S); the algorithm, which
 * must be one the provider's metadata lists and one of RS256, PS256 and
 * ES256 (so `none` and HS* are refused whatever the header says) and fit
 * the key's type; iss (exactly the configured issuer), aud (the client id
 * for ID tokens, --oidc-audience for bearers), exp and nbf (with
 * OIDC_LEEWAY_S of leeway); for ID tokens the nonce of this browser's
 * sign-in.  docs/security.md lists the refusals.
 *
 * Bounds: every answer of the provider is at most OIDC_MAX_RESPONSE bytes
 * and OIDC_TIMEOUT_S seconds; a JWKS holds at most OIDC_MAX_KEYS keys; a
 * token is at most OIDC_MAX_JWT bytes.
 *
 * A signed-in person gets a server-side session (org/tokens.h) backed by
 * a token of their own, "sso:LABEL:XXXXXXXX", that expires after
 * OIDC_SESSION_TTL_S; signing out deletes the session and revokes that
 * token.  Each sign-in is a ledger entry `sso.signin` with the subject
 * (issuer, sub, name, email) and the role; a role different from the
 * subject's previous sign-in adds `sso.role_change`.
 *
 * The configuration is process-wide: oidc_configure() once, before the
 * server starts; the rest is thread-safe.
 */
#ifndef AIV_HTTP_OIDC_H
#define AIV_HTTP_OIDC_H

#include "aiv.h"
#include "org/tokens.h"
#include "routes.h"
#include "store/store.h"

#define OIDC_LEEWAY_S 60
#define OIDC_TIMEOUT_S 10
#define OIDC_MAX_RESPONSE (256 * 1024)
#define OIDC_MAX_KEYS 32
#define OIDC_MAX_JWT 16384
#define OIDC_JWKS_REFETCH_S 5
#define OIDC_SESSION_TTL_S 3600
#define OIDC_MAX_RULES 1000

struct oidc_config {
	const char *issuer;             /* https://login.example.com/tenant/v2.0 */
	const char *client_id;
	const char *client_secret_file; /* the secret, one line */
	const char *redirect;           /* https://aivalue.example.com/login/sso/callback */
	const char *audience;           /* of bearer access tokens; NULL: the client id */
	const char *role_map;           /* the role mapping file (YAML) */
	const char *name;               /* "Sign in with NAME"; NULL: the issuer's host */
};

/*
 * Read the secret and the role mapping, record the mapping's digest in
 * the ledger of `s` as `sso.role_mapping` by `actor` when it differs from
 * the last one recorded, and fetch the provider's metadata (a provider
 * that does not answer yet is retried on first use, with a warning).
 * AIV_EINPUT naming the file, line and field for a bad mapping.
 */
int oidc_configure(const struct oidc_config *cfg, struct store *s, const char *actor,
		   struct aiv_err *err);
/* 1 once oidc_configure() succeeded. */
int oidc_enabled(void);
/* The provider's name for the sign-in button (borrowed), or NULL if not enabled. */
const char *oidc_provider_name(void);

/* 1 if `credential` looks like a JWT (three base64url parts, two dots). */
int oidc_looks_like_jwt(const char *credential);

/*
 * Verify a bearer JWT and map its claims: 0 with *out filled (id 0, name
 * "sso:LABEL", the mapped role, agent for an agent's rule; role
 * ROLE_NONE when no rule maps it: no access, never a default role), or
 * AIV_EPERM with err saying why it was refused (AIV_EIO when the
 * provider's metadata or keys could not be fetched).
 */
int oidc_check_bearer(const char *jwt, struct token_info *out, struct aiv_err *err);

/* Sign-out of a session token oidc made: revoke it (no-op for other names). */
void oidc_signout(struct store *s, const struct token_info *ti);
/*
 * Where a browser signing out of such a session goes next to end its
 * session at the provider too (RP-initiated logout): the provider's
 * end_session_endpoint with client_id, id_token_hint (when this server
 * still holds the session's ID token) and post_logout_redirect_uri (our
 * /login).  A new string, or NULL when the provider offers no such
 * endpoint or the session is not a single sign-on one.
 */
char *oidc_logout_url(const struct token_info *ti);

/* The pages: GET /login/sso and GET /login/sso/callback. */
void oidc_h_start(struct http_request *req, struct http_response *res);
void oidc_h_callback(struct http_request *req, struct http_response *res);

#endif
