/*
 * control_queries.c - typed reads of the exception queue, observed tool
 * calls and the decision log for the layers after control/ (see
 * control_queries.h).
 *
 * Kept apart from control.c, which holds evaluation and the queue's life
 * cycle: these are the counts the playbook's evidence providers need.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The rows of `sql` as a new array of *n elements of `size` bytes (NULL
 * when none): fill() reads the current row into its element and returns
 * 0 to keep it, 1 to skip it.  0 or a negative code with err filled.
 */
static int collect_rows(struct store *s, const char *sql, size_t size,
			int (*fill)(struct store_stmt *st, void *elem), void **out, size_t *n,
			struct aiv_err *err)
{
	struct store_stmt *st;
	char *v = NULL;
	size_t nv = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!(st = store_prepare(s, sql, err)))
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (nv + 1 > alloc) {
			alloc = alloc < 8 ? 16 : st_mult(alloc, 2);
			v = xrealloc(v, st_mult(size, alloc));
		}
		if (!fill(st, v + nv * size))
			nv++;
	}
	store_reset(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = nv;
	return 0;
}

static int fill_closure(struct store_stmt *st, void *elem)
{
	struct control_closure *c = elem;
	int64_t due = store_col_int(st, 3), t = due;
	int expired = !strcmp(store_col_text(st, 1), "expired");

	if (!expired && (store_col_is_null(st, 2) || time_parse_iso(store_col_text(st, 2), &t)))
		return 1;
	snprintf(c->workflow, sizeof(c->workflow), "%s", store_col_text(st, 0));
	c->closed_us = t;
	c->within = !expired && t <= due;
	return 0;
}

int control_exception_closures(struct store *s, struct control_closure **out, size_t *n,
			       struct aiv_err *err)
{
	void *v;
	int ret = collect_rows(s, "SELECT coalesce(workflow, ''), state, resolved_at, due_us"
			       " FROM exceptions WHERE state IN ('approved', 'rejected', 'expired')"
			       " ORDER BY id", sizeof(**out), fill_closure, &v, n, err);

	*out = v;
	return ret;
}

static int fill_observed_call(struct store_stmt *st, void *elem)
{
	struct control_observed_call *c = elem;

	snprintf(c->workflow, sizeof(c->workflow), "%s", store_col_text(st, 0));
	c->time_us = store_col_int(st, 1);
	c->decided = (int)store_col_int(st, 2);
	return 0;
}

int control_observed_calls(struct store *s, struct control_observed_call **out, size_t *n,
			   struct aiv_err *err)
{
	void *v;
	int ret = collect_rows(s, "SELECT coalesce(a.workflow, ''), t.time_us,"
			       " CASE WHEN t.decision_id IS NULL THEN 0 ELSE 1 END"
			       " FROM tool_calls t LEFT JOIN agents a ON a.name = t.agent"
			       " ORDER BY t.seq", sizeof(**out), fill_observed_call, &v, n, err);

	*out = v;
	return ret;
}

const char *control_decision_log_watch_sql(void)
{
	static const char sql[] = "SELECT coalesce(max(seq), 0) FROM decision_log";

	store_memo_sql(sql); /* reads the decision log only: a server keeps it (store.h) */
	return sql;
}

int control_each_agent_day(struct store *s, control_agent_day_fn fn, void *data,
			   struct aiv_err *err)
{
	struct store_stmt *st;
	int rc = 0, ret = 0;

	/*
	 * One row per agent and day: decisions and tool calls side by side.
	 * Only a decision's row has an agent (and a time_us): a transition's
	 * index columns are NULL, and `audit verify --state` reports one that
	 * is not (control_state.c).  So the rows are counted from the index
	 * decision_log_agent alone, without reading each row's ~1 KB record
	 * page to test kind = 'decision': the server's playbook warmer runs
	 * this every 5 s while decisions arrive, and at 500,000 decisions
	 * each pass cost 0.6 s of CPU this way, 0.2 s from the index.
	 */
	st = store_prepare(s, "SELECT u.agent, a.owner, u.day, SUM(u.decisions), SUM(u.calls)"
			   " FROM (SELECT agent, time_us / 86400000000 AS day, count(*) AS decisions,"
			   " 0 AS calls FROM decision_log WHERE agent IS NOT NULL"
			   " AND time_us IS NOT NULL GROUP BY agent, time_us / 86400000000"
			   " UNION ALL SELECT agent, time_us / 86400000000, 0, count(*) FROM tool_calls"
			   " GROUP BY agent, time_us / 86400000000) u"
			   " LEFT JOIN agents a ON a.name = u.agent"
			   " GROUP BY u.agent, a.owner, u.day ORDER BY u.agent, u.day", err);
	if (!st)
		return err->code;
	while (!ret && (rc = store_step(st, err)) == STORE_ROW) {
		struct control_agent_day d;

		d.agent = store_col_text(st, 0);
		d.owner = store_col_is_null(st, 1) ? NULL : store_col_text(st, 1);
		d.day = (int32_t)store_col_int(st, 2);
		d.decisions = store_col_int(st, 3);
		d.tool_calls = store_col_int(st, 4);
		ret = fn(&d, data);
	}
	store_reset(st);
	return ret ? ret : rc < 0 ? rc : 0;
}
