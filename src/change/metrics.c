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

/* A timestamp is known by `until` (INT64_MAX: now, every stored one counts). */
#define BY(t, until) ((t) <= (until))

/* Evidence files of a CR attached at or before until (its evidence column, `added_at`). */
static size_t evidence_by(const char *evidence, int64_t until)
{
	json_t *arr = json_loads(evidence, 0, NULL), *it;
	size_t k, n = 0;
	int64_t at;

	json_array_foreach(arr, k, it) {
		const char *s = json_str(it, "added_at");
		if (!s || time_parse_iso(s, &at) || BY(at, until))
			n++; /* no time stored: it counts, as it does now */
	}
	json_decref(arr);
	return n;
}

/* Signatures (approve or reject) of a CR given at or before until. */
static int sigs_by(struct change_env *e, const char *cr, int64_t until, int64_t *n,
		   struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err, "SELECT time FROM change_signatures"
					 " WHERE cr = ?", 1, cr);
	int64_t at;
	int rc;

	*n = 0;
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		if (time_parse_iso(store_col_text(st, 0), &at) || BY(at, until))
			(*n)++;
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static int metrics_at(struct change_env *e, int64_t until, struct change_gov_metrics *out,
		      struct aiv_err *err);

int change_metrics_read(struct change_env *e, struct change_gov_metrics *out,
			struct aiv_err *err)
{
	return metrics_at(e, INT64_MAX, out, err);
}

int change_metrics_as_of(struct change_env *e, int64_t until_us, struct change_gov_metrics *out,
			 struct aiv_err *err)
{
	return metrics_at(e, until_us, out, err);
}

static int metrics_at(struct change_env *e, int64_t until, struct change_gov_metrics *out,
		      struct aiv_err *err)
{
	const int past = until != INT64_MAX;
	size_t *evid = NULL, aevid = 0;
	struct store_stmt *st;
	int64_t *safe = NULL, *appr = NULL, *res = NULL, total = 0, ai = 0, finished = 0;
	int64_t ready = 0, arts = 0, stale_arts = 0, conflicts = 0, open_conf = 0, queued = 0;
	size_t nsafe = 0, asafe = 0, nappr = 0, aappr = 0, nres = 0, ares = 0;
	size_t abacklog = 0, afindings = 0, aawaiting = 0;
	struct change_strs ids = { 0 };
	struct change_verdict *verdicts = NULL;
	size_t i;
	int rc, ret = 0;

	memset(out, 0, sizeof(*out));
	st = chg_prep(e->s, err, "SELECT id, status, opened_at, approved_at, closed_at, generated_by,"
		  " merged_at, evidence FROM change_requests ORDER BY num", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *status = store_col_text(st, 1);
		int64_t opened = store_col_int(st, 2);
		/* as of a past date, a state counts from the time it was stored */
		int approved = !store_col_is_null(st, 3) && BY(store_col_int(st, 3), until);
		int closed = !store_col_is_null(st, 4) && BY(store_col_int(st, 4), until);
		int merged = !store_col_is_null(st, 6) && BY(store_col_int(st, 6), until);
		if (!BY(opened, until))
			continue;
		total++;
		if (!store_col_is_null(st, 5))
			ai++;
		if (!strcmp(status, "queued"))
			queued++;
		if (approved) {
			ALLOC_GROW(appr, nappr + 1, aappr);
			appr[nappr++] = store_col_int(st, 3) - opened;
		}
		if (!strcmp(status, "done") && closed) {
			ALLOC_GROW(safe, nsafe + 1, asafe);
			safe[nsafe++] = store_col_int(st, 4) - opened;
		}
		if ((!strcmp(status, "merged") || !strcmp(status, "done")) && (!past || merged)) {
			finished++;
			chg_strs_push(&ids, store_col_text(st, 0));
			ALLOC_GROW(evid, ids.n, aevid);
			evid[ids.n - 1] = evidence_by(store_col_text(st, 7), until);
		}
		/*
		 * As of a past date the approval slots' state then is not
		 * stored: a CR counts as waiting for a required review when it
		 * was open then (opened, not yet approved, merged or closed).
		 */
		if (past && strcmp(status, "queued") && !approved && !merged && !closed) {
			ALLOC_GROW(out->awaiting, out->nawaiting + 1, aawaiting);
			out->awaiting[out->nawaiting].id = xstrdup(store_col_text(st, 0));
			out->awaiting[out->nawaiting++].opened_at = opened;
		}
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	/*
	 * audit readiness: merged CRs with reason, content, approval and every
	 * signature valid; verified together (a few statements, not five per CR)
	 */
	verdicts = xcalloc(ids.n ? ids.n : 1, sizeof(*verdicts));
	if ((ret = chg_verify_many(e, (const char *const *)ids.v, ids.n, verdicts, err)))
		goto cleanup;
	for (i = 0; i < ids.n; i++) {
		const struct change_verdict *v = &verdicts[i];
		int64_t nsigs = 0;
		if (past && (ret = sigs_by(e, ids.v[i], until, &nsigs, err)))
			goto cleanup;
		if (!past)
			nsigs = (int64_t)v->nsigs;
		if (v->ok && nsigs > 0 && (past ? evid[i] : v->evidence) > 0)
			ready++;
	}
	st = chg_prep(e->s, err, "SELECT detected_at, resolved_at FROM change_conflicts", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (!BY(store_col_int(st, 0), until))
			continue;
		conflicts++;
		if (store_col_is_null(st, 1) || !BY(store_col_int(st, 1), until)) {
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
	if (past) {
		/*
		 * Artefacts store no time they were added, so how many there
		 * were then is not known: downstream consistency and the
		 * review backlog per owner are given now only.
		 */
		goto findings;
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
	/*
	 * the open CRs and their approving signatures: two statements, not
	 * two per open CR (the approval state itself is evaluated as before)
	 */
	{
		struct cr_row *open = NULL;
		size_t nopen = 0, aopen = 0;
		json_t *approvals = NULL;
		st = chg_prep(e->s, err, "SELECT " CR_COLS " FROM change_requests"
			      " WHERE status = 'open' ORDER BY num", 0);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		while ((rc = store_step(st, err)) == STORE_ROW) {
			ALLOC_GROW(open, nopen + 1, aopen);
			memset(&open[nopen], 0, sizeof(*open));
			chg_cr_from_row(st, &open[nopen++]);
		}
		store_reset(st);
		if (rc < 0)
			ret = rc;
		else if (nopen)
			ret = chg_approvals_of_open(e->s, &approvals, err);
		for (i = 0; !ret && i < nopen; i++) {
			const struct cr_row *c = &open[i];
			json_t *sigs = json_object_get(approvals, c->id);
			json_t *state = NULL, *sl;
			size_t k;
			int waiting_added = 0;
			if ((ret = chg_approval_state_of(e, c, sigs ? json_incref(sigs) : json_array(),
							 NULL, &state, err)))
				break;
			json_array_foreach(json_object_get(state, "slots"), k, sl) {
				if (!json_is_null(json_object_get(sl, "satisfied_by")))
					continue;
				if (!waiting_added) {
					/* waiting for a required review since it was opened */
					ALLOC_GROW(out->awaiting, out->nawaiting + 1, aawaiting);
					out->awaiting[out->nawaiting].id = xstrdup(c->id);
					out->awaiting[out->nawaiting++].opened_at = c->opened_at;
					waiting_added = 1;
				}
				backlog_of_owner(out, &abacklog, json_str(sl, "name"))->pending_approvals++;
			}
			json_decref(state);
		}
		for (i = 0; i < nopen; i++)
			chg_cr_release(&open[i]);
		free(open);
		json_decref(approvals);
		if (ret)
			goto cleanup;
	}
findings:
	st = chg_prep(e->s, err, "SELECT time, message FROM change_findings ORDER BY id", 0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (!BY(store_col_int(st, 0), until))
			continue;
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
	out->downstream.share = past ? NAN : share(arts - stale_arts, arts);
	out->downstream.artefacts = arts;
	out->downstream.stale = stale_arts;
	out->ai_generated.share = share(ai, total);
	out->ai_generated.count = ai;
cleanup:
	for (i = 0; verdicts && i < ids.n; i++)
		change_verdict_release(&verdicts[i]);
	free(verdicts);
	free(evid);
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
