/*
 * change_queries.c - typed reads of change requests and governance
 * findings for the layers after change/ (see change_queries.h).
 *
 * Kept apart from change.c, which holds the life cycle: these are the few
 * counts the playbook's detectors and evidence providers need, and the
 * only place outside the life cycle where their SQL lives.
 */
#include <stdlib.h>

#include "change_queries.h"

int change_request_counts(struct store *s, struct change_request_counts *out,
			  struct aiv_err *err)
{
	out->total = out->queued = 0;
	if (store_query_int(s, "SELECT count(*) FROM change_requests", &out->total, err) ||
	    store_query_int(s, "SELECT count(*) FROM change_requests WHERE status = 'queued'",
			    &out->queued, err))
		return err->code;
	return 0;
}

int change_latest_finding(struct store *s, char **message, json_t **data,
			  struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	*message = NULL;
	*data = NULL;
	st = store_prepare(s, "SELECT message, data FROM change_findings ORDER BY id DESC LIMIT 1",
			   err);
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		*message = xstrdup(store_col_text(st, 0));
		*data = json_loads(store_col_text(st, 1), 0, NULL);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	return rc == STORE_ROW;
}
