/*
 * control_queries.c - typed reads of the exception queue, observed tool
 * calls and the decision log for the layers after control/ (see
 * control_queries.h).
 *
 * Kept apart from control.c, which holds evaluation and the queue's life
 * cycle: these are the counts the playbook's evidence providers need.
 */
#include <stdlib.h>

#include "control_queries.h"
#include "core/timeutil.h"

int control_exception_sla_counts(struct store *s, struct control_sla_counts *out,
				 struct aiv_err *err)
{
	out->closed = out->within_sla = 0;
	if (store_query_int(s, "SELECT count(*) FROM exceptions"
			    " WHERE state IN ('approved', 'rejected', 'expired')",
			    &out->closed, err) ||
	    store_query_int(s, "SELECT count(*) FROM exceptions WHERE state IN ('approved',"
			    " 'rejected') AND resolved_at IS NOT NULL AND resolved_at <= due_at",
			    &out->within_sla, err))
		return err->code;
	return 0;
}

int control_tool_call_counts(struct store *s, struct control_tool_call_counts *out,
			     struct aiv_err *err)
{
	out->total = out->with_decision = 0;
	if (store_query_int(s, "SELECT count(*) FROM tool_calls", &out->total, err) ||
	    store_query_int(s, "SELECT count(*) FROM tool_calls WHERE decision_id IS NOT NULL",
			    &out->with_decision, err))
		return err->code;
	return 0;
}

int control_exception_resolutions(struct store *s, int64_t now_us, int64_t window_us,
				  double **secs, size_t *n, struct aiv_err *err)
{
	struct store_stmt *st;
	double *v = NULL;
	size_t nv = 0, alloc = 0;
	int rc;

	*secs = NULL;
	*n = 0;
	st = store_prepare(s, "SELECT created_at, resolved_at FROM exceptions WHERE"
			   " state IN ('approved', 'rejected') AND resolved_at IS NOT NULL", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		int64_t t0, t1;
		if (time_parse_iso(store_col_text(st, 0), &t0) ||
		    time_parse_iso(store_col_text(st, 1), &t1) || t1 > now_us ||
		    now_us - t1 > window_us)
			continue;
		ALLOC_GROW(v, nv + 1, alloc);
		v[nv++] = (double)(t1 - t0) / 1e6;
	}
	store_reset(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*secs = v;
	*n = nv;
	return 0;
}

const char *control_decision_log_watch_sql(void)
{
	return "SELECT coalesce(max(seq), 0) FROM decision_log";
}
