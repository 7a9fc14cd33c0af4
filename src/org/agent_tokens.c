/*
 * agent_tokens.c - whether an agent holds a live token of its own; see
 * agent_tokens.h for why org/ answers it.
 */
#include "agent_tokens.h"

int org_agent_token_live(struct store *s, const char *agent, int *live, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT 1 FROM tokens WHERE agent = ? AND"
					      " role = 'agent' AND revoked_at IS NULL LIMIT 1", err);
	int rc;

	*live = 0;
	if (!st)
		return err->code;
	store_bind_text(st, 1, agent);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	*live = rc == STORE_ROW;
	return 0;
}
