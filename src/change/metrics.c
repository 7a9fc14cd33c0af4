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

/* Nearest-rank percentile of v (p in 0..100; sorts v), in hours to 2 places; NAN when empty. */
static double pct_hours(int64_t *v, size_t n, double p)
{
	size_t rank;

	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_i64);
	rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	return round((double)v[rank - 1] / 3600e6 * 100.0) / 100.0;
}

/* num/den to 4 places; NAN when den is 0. */
static double share(int64_t num, int64_t den)
{
	return den ? round((double)num / (double)den * 10000.0) / 10000.0 : NAN;
}

static struct change_backlog *backlog_of_owner(struct change_gov_metrics *m, size_t *alloc,
					       const char *owner)
{
	size_t i;

	for (i = 0; i < m->nbacklog; i++)
		if (!strcmp(m->backlog[i].owner, owner))
			return &m->backlog[i];
	ALLOC_GROW(m->backlog, m->nbacklog + 1, *alloc);
	memset(&m->backlog[m->nbacklog], 0, sizeof(m->backlog[0]));
	m->backlog[m->nbacklog].owner = xstrdup(owner);
	return &m->backlog[m->nbacklog++];
}

int change_metrics_read(struct change_env *e, struct change_gov_metrics *out,
			struct aiv_err *err)
{
	struct store_stmt *st;
	int64_t *safe = NULL, *appr = NULL, *res = NULL, total = 0, ai = 0, finished = 0;
	int64_t ready = 0, arts = 0, stale_arts = 0, conflicts = 0, open_conf = 0, queued = 0;
	size_t nsafe = 0, asafe = 0, nappr = 0, aappr = 0, nres = 0, ares = 0;
	size_t abacklog = 0, afindings = 0, aawaiting = 0;
	struct change_strs ids = { 0 };
	size_t i;
	int rc, ret = 0;

	memset(out, 0, sizeof(*out));
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
			chg_strs_push(&ids, store_col_text(st, 0));
		}
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	/* audit readiness: merged CRs with reason, content, approval and every signature valid */
	for (i = 0; i < ids.n; i++) {
		struct change_verdict v;
		if ((ret = change_verify(e, ids.v[i], &v, err)))
			goto cleanup;
		if (v.ok && v.nsigs > 0 && v.evidence > 0)
			ready++;
		change_verdict_release(&v);
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
		  " GROUP BY a.owner ORDER BY a.owner", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		backlog_of_owner(out, &abacklog, store_col_text(st, 0))->stale = store_col_int(st, 1);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	st = chg_prep(e->s, err, "SELECT id FROM change_requests WHERE status = 'open'"
		  " ORDER BY num", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	{
		struct change_strs open_ids = { 0 };
		while ((rc = store_step(st, err)) == STORE_ROW)
			chg_strs_push(&open_ids, store_col_text(st, 0));
		store_reset(st);
		for (i = 0; i < open_ids.n; i++) {
			struct cr_row c;
			json_t *state = NULL, *sl;
			size_t k;
			int waiting_added = 0;
			if (rc < 0 || (ret = chg_cr_read(e->s, open_ids.v[i], &c, err)))
				break;
			if ((ret = chg_approval_state(e, &c, &state, err))) {
				chg_cr_release(&c);
				break;
			}
			json_array_foreach(json_object_get(state, "slots"), k, sl) {
				if (!json_is_null(json_object_get(sl, "satisfied_by")))
					continue;
				if (!waiting_added) {
					/* waiting for a required review since it was opened */
					ALLOC_GROW(out->awaiting, out->nawaiting + 1, aawaiting);
					out->awaiting[out->nawaiting].id = xstrdup(c.id);
					out->awaiting[out->nawaiting++].opened_at = c.opened_at;
					waiting_added = 1;
				}
				backlog_of_owner(out, &abacklog, json_str(sl, "name"))->pending_approvals++;
			}
			json_decref(state);
			chg_cr_release(&c);
		}
		chg_strs_release(&open_ids);
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
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(out->findings, out->nfindings + 1, afindings);
		out->findings[out->nfindings].time = store_col_int(st, 0);
		out->findings[out->nfindings++].message = xstrdup(store_col_text(st, 1));
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	out->change_requests = total;
	out->queued = queued;
	out->safe_change.done = (int64_t)nsafe;
	out->safe_change.median = pct_hours(safe, nsafe, 50);
	out->safe_change.p90 = pct_hours(safe, nsafe, 90);
	out->safe_change.approval_median = pct_hours(appr, nappr, 50);
	out->safe_change.approval_p90 = pct_hours(appr, nappr, 90);
	out->conflicts.count = conflicts;
	out->conflicts.open = open_conf;
	out->conflicts.resolve_median_hours = pct_hours(res, nres, 50);
	out->audit_readiness.share = share(ready, finished);
	out->audit_readiness.ready = ready;
	out->audit_readiness.merged = finished;
	out->downstream.share = share(arts - stale_arts, arts);
	out->downstream.artefacts = arts;
	out->downstream.stale = stale_arts;
	out->ai_generated.share = share(ai, total);
	out->ai_generated.count = ai;
cleanup:
	free(safe);
	free(appr);
	free(res);
	chg_strs_release(&ids);
	if (ret)
		change_gov_metrics_release(out);
	return ret;
}

void change_gov_metrics_release(struct change_gov_metrics *m)
{
	size_t i;

	for (i = 0; i < m->nbacklog; i++)
		free(m->backlog[i].owner);
	for (i = 0; i < m->nfindings; i++)
		free(m->findings[i].message);
	for (i = 0; i < m->nawaiting; i++)
		free(m->awaiting[i].id);
	free(m->backlog);
	free(m->findings);
	free(m->awaiting);
	memset(m, 0, sizeof(*m));
}
