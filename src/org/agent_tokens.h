/*
 * agent_tokens.h - facts about agents' bearer tokens for the layers below
 * http/ (control/'s readiness figures).
 *
 * The tokens table belongs to org/: tokens are the credentials people and
 * agents act with, created with the org (migration 1), and both control/
 * (readiness) and http/ (authentication) need facts about them.  control/
 * sits below http/, so the owner must sit at or below control/: org/.
 * http/tokens.c holds the rest of the token SQL today; it moves here with
 * the table-ownership work (NEEDSWORK: one org/tokens.c for all of it).
 */
#ifndef AIV_ORG_AGENT_TOKENS_H
#define AIV_ORG_AGENT_TOKENS_H

#include "aiv.h"
#include "store/store.h"

/*
 * *live = 1 when agent `agent` has a token of its own: role agent, bound
 * to that agent, not revoked.  0 or a store error.
 */
int org_agent_token_live(struct store *s, const char *agent, int *live, struct aiv_err *err);

#endif
