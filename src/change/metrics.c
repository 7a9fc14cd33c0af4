/*
 * metrics.c - the governance metrics of change control (docs/change.md
 * defines each). See change.h.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "change.h"
#include "change_int.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "graph.h"
#include "ledger/ledger.h"

/* ---- metrics --------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v (p in 0..100), in hours; null when empty. */
static json_t *pct_hours(int64_t *v, size_t n, double p)
{
	size_t rank;

	if (!n)
		return json_null();
	qsort(v, n, sizeof(*v), cmp_i64);
	rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	return json_real(round((double)v[rank - 1] / 3600e6 * 100.0) / 100.0);
}

static json_t *share(int64_t num, int64_t den)
{
	return den ? json_real(round((double)num / (double)den * 10000.0) / 10000.0) : json_null();
}

int change_metrics(struct change_env *e, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st;
	int64_t *safe = NULL, *appr = NULL, *res = NULL, total = 0, ai = 0, finished = 0;
	int64_t ready = 0, arts = 0, stale_arts = 0, conflicts = 0, open_conf = 0, queued = 0;
	size_t nsafe = 0, asafe = 0, nappr = 0, aappr = 0, nres = 0, ares = 0;
	json_t *backlog = json_object(), *findings = json_array(), *ids = json_array(), *id;
	json_t *awaiting = json_array();
	size_t i;
	int rc, ret = 0;

	st = chg_prep(e->s, err, "SELECT id, status, opened_at, approved_at, closed_at, generated_by"
		  " FROM change_requests", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *status = store_col_text(st, 1);
		total++;
		if (!store_col_is_null(st, 5))
			ai++;
		if (!strcmp(status, "queued"))
			queued++;
		if (!store_col_is_null(st, 3)) {
			ALLOC_GROW(appr, nappr + 1, aappr);
			appr[nappr++] = store_col_int(st, 3) - store_col_int(st, 2);
		}
		if (!strcmp(status, "done")) {
			ALLOC_GROW(safe, nsafe + 1, asafe);
			safe[nsafe++] = store_col_int(st, 4) - store_col_int(st, 2);
		}
		if (!strcmp(status, "merged") || !strcmp(status, "done")) {
			finished++;
			json_array_append_new(ids, json_string(store_col_text(st, 0)));
		}
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	/* audit readiness: merged CRs with reason, content, approval and every signature valid */
	json_array_foreach(ids, i, id) {
		json_t *v = NULL;
		if ((ret = change_verify(e, json_string_value(id), &v, err)))
			goto cleanup;
		if (json_is_true(json_object_get(v, "ok")) &&
		    json_array_size(json_object_get(v, "signatures")) > 0 &&
		    json_integer_value(json_object_get(v, "evidence")) > 0)
			ready++;
		json_decref(v);
	}
	st = chg_prep(e->s, err, "SELECT detected_at, resolved_at FROM change_conflicts", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		conflicts++;
		if (store_col_is_null(st, 1)) {
			open_conf++;
			continue;
		}
		ALLOC_GROW(res, nres + 1, ares);
		res[nres++] = store_col_int(st, 1) - store_col_int(st, 0);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if ((ret = store_query_int(e->s, "SELECT count(*) FROM artefacts", &arts, err)) ||
	    (ret = store_query_int(e->s, "SELECT count(DISTINCT artefact) FROM stale_marks"
				   " WHERE cleared_at IS NULL", &stale_arts, err)))
		goto cleanup;
	/* review backlog per owner: stale artefacts they own + open CRs waiting on them */
	st = chg_prep(e->s, err, "SELECT a.owner, count(DISTINCT m.artefact) FROM stale_marks m"
		  " JOIN artefacts a ON a.id = m.artefact WHERE m.cleared_at IS NULL"
		  " GROUP BY a.owner", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_object_set_new(backlog, store_col_text(st, 0), json_pack("{s:I, s:i}",
			"stale", (json_int_t)store_col_int(st, 1), "pending_approvals", 0));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	st = chg_prep(e->s, err, "SELECT id FROM change_requests WHERE status = 'open'", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	{
		json_t *open_ids = json_array();
		while ((rc = store_step(st, err)) == STORE_ROW)
			json_array_append_new(open_ids, json_string(store_col_text(st, 0)));
		store_reset(st);
		json_array_foreach(open_ids, i, id) {
			struct cr_row c;
			json_t *state = NULL, *sl;
			size_t k;
			int waiting_added = 0;
			if (rc < 0 || (ret = chg_cr_read(e->s, json_string_value(id), &c, err)))
				break;
			if ((ret = chg_approval_state(e, &c, &state, err))) {
				chg_cr_release(&c);
				break;
			}
			json_array_foreach(json_object_get(state, "slots"), k, sl) {
				json_t *b;
				if (!json_is_null(json_object_get(sl, "satisfied_by")))
					continue;
				if (!waiting_added) {
					/* waiting for a required review since it was opened */
					json_array_append_new(awaiting, json_pack("{s:s, s:o}", "id",
							      c.id, "opened_at", chg_time_or_null(c.opened_at)));
					waiting_added = 1;
				}
				b = json_object_get(backlog, json_str(sl, "name"));
				if (!b) {
					b = json_pack("{s:i, s:i}", "stale", 0, "pending_approvals", 0);
					json_object_set_new(backlog, json_str(sl, "name"), b);
				}
				json_object_set_new(b, "pending_approvals", json_integer(
					json_integer_value(json_object_get(b, "pending_approvals")) + 1));
			}
			json_decref(state);
			chg_cr_release(&c);
		}
		json_decref(open_ids);
		if (rc < 0)
			ret = rc;
		if (ret)
			goto cleanup;
	}
	st = chg_prep(e->s, err, "SELECT time, message FROM change_findings ORDER BY id", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(findings, json_pack("{s:o, s:s}", "time",
			chg_time_or_null(store_col_int(st, 0)), "message", store_col_text(st, 1)));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	*out = json_pack("{s:I, s:{s:I, s:o, s:o, s:o, s:o}, s:{s:I, s:I, s:o}, s:{s:o, s:I, s:I},"
			 " s:{s:o, s:I, s:I}, s:O, s:{s:o, s:I}, s:I, s:O}",
		"change_requests", (json_int_t)total,
		"time_to_safe_change_hours", "done", (json_int_t)nsafe,
		"median", pct_hours(safe, nsafe, 50), "p90", pct_hours(safe, nsafe, 90),
		"approval_median", pct_hours(appr, nappr, 50), "approval_p90",
		pct_hours(appr, nappr, 90),
		"conflicts", "count", (json_int_t)conflicts, "open", (json_int_t)open_conf,
		"time_to_resolve_median_hours", pct_hours(res, nres, 50),
		"audit_readiness", "share", share(ready, finished), "ready", (json_int_t)ready,
		"merged", (json_int_t)finished,
		"downstream_consistency", "share", share(arts - stale_arts, arts),
		"artefacts", (json_int_t)arts, "stale", (json_int_t)stale_arts,
		"review_backlog", backlog,
		"ai_generated", "share", share(ai, total), "count", (json_int_t)ai,
		"queued", (json_int_t)queued, "findings", findings);
	json_object_set(*out, "awaiting_review", awaiting);
cleanup:
	free(safe);
	free(appr);
	free(res);
	json_decref(backlog);
	json_decref(findings);
	json_decref(ids);
	json_decref(awaiting);
	return ret;
}
