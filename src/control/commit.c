/*
 * commit.c - recording evaluated decisions, in one store transaction for
 * any number of them: check the snapshot is still what the store holds
 * (else reload and evaluate again), expire overdue items, check and use
 * up approvals, create the exception items (each its own ledger entry),
 * append the decision-log rows, and chain the pending rows into one
 * ledger entry (decision_log.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"

/*
 * An approval releases a decision, so the table is not taken at its word:
 * the ledger's last exception.* entry for the item must say approved, by
 * the same approver, for the same agent and arguments.  A row edited
 * behind the ledger (state set to 'approved') releases nothing.
 */
static int approval_bound(struct store *s, const char *id, const struct control_exception *item,
			  char *why, size_t whylen, struct aiv_err *err)
{
	struct ledger_bound_exception be;
	int found, ret = ledger_bound_exception(s, id, &be, &found, err);
	const char *approver = item->approver ? item->approver : "";
	const char *digest = item->digest ? item->digest : "";

	if (ret)
		return ret;
	if (!found || strcmp(be.state, "approved") || strcmp(be.approver, approver) ||
	    strcmp(be.agent, item->agent ? item->agent : "") ||
	    (be.digest[0] && strcmp(be.digest, digest))) {
		if (!found)
			snprintf(why, whylen, "approval '%s' is not the one the ledger recorded (no "
				 "ledger entry): denied, fail closed", id);
		else
			snprintf(why, whylen, "approval '%s' is not the one the ledger recorded (the "
				 "ledger says %s%s%s): denied, fail closed", id, be.state,
				 be.approver[0] ? " by " : "", be.approver);
		fprintf(stderr, "aivalue: %s\n", why);
	}
	return 0;
}

/*
 * An approval is used once, and the decision that used it is in the
 * decision log (its record names the item: see record_one); used_at in
 * the exceptions table is only a copy.  A used_at cleared with sqlite3
 * must not release a second decision: *used_by gets the id of a decision
 * that already used item `id` ("" if none).
 */
static int approval_used(struct store *s, const struct control_exception *item,
			 char *used_by, size_t n, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT id FROM decision_log WHERE agent = ?"
					      " AND action = ? AND outcome = 'allow' AND"
					      " record LIKE ? ORDER BY seq LIMIT 1", err);
	char *like = xstrfmt("%%in exception item '%s' for these exact arguments%%", item->id);
	int rc;

	used_by[0] = '\0';
	if (!st) {
		free(like);
		return err->code;
	}
	store_bind_text(st, 1, item->agent ? item->agent : "");
	store_bind_text(st, 2, item->action ? item->action : "");
	store_bind_text(st, 3, like);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		snprintf(used_by, n, "%s", store_col_text(st, 0));
	store_reset(st);
	free(like);
	return rc < 0 ? rc : 0;
}

static int approval_check(struct store *s, const char *id, const char *agent,
			  const char *digest, char *why, size_t whylen, char *approver,
			  size_t applen, struct aiv_err *err)
{
	struct control_exception item;
	const char *state;
	int ret = control_load_item(s, id, &item, err);

	if (ret == AIV_ENOTFOUND) {
		snprintf(why, whylen, "approval '%s' does not exist", id);
		aiv_err_clear(err);
		return 0;
	}
	if (ret)
		return ret;
	state = item.state;
	if (strcmp(state, "approved"))
		snprintf(why, whylen, "exception item '%s' is %s, not approved%s", id, state,
			 !strcmp(state, "expired") ? " (expired items count as denied)" : "");
	else if (item.used_at)
		snprintf(why, whylen, "approval '%s' was already used (an approval allows one "
			 "retry)", id);
	else if (strcmp(item.agent, agent) || strcmp(item.digest, digest))
		snprintf(why, whylen, "the arguments differ from those approved in '%s' "
			 "(digest mismatch)", id);
	else if ((ret = approval_bound(s, id, &item, why, whylen, err)))
		goto out;
	if (!why[0]) {
		char used_by[128];
		if ((ret = approval_used(s, &item, used_by, sizeof(used_by), err)))
			goto out;
		if (used_by[0]) {
			snprintf(why, whylen, "approval '%s' was already used by decision %s (the "
				 "exceptions table says it was not): denied, fail closed", id, used_by);
			fprintf(stderr, "aivalue: %s\n", why);
		}
	}
	if (!why[0])
		snprintf(approver, applen, "%s", item.approver ? item.approver : "");
out:
	control_exception_release(&item);
	return ret;
}

/* Record one evaluated decision inside the caller's transaction. */
static int record_one(struct store *s, const char *actor, struct control_pending *p,
		      struct aiv_err *err)
{
	struct control_decision *out = &p->d;
	const struct control_request *req = &p->req;
	struct store_stmt *st;
	char why[400] = "";
	int ret, rc;

	if (req->approved) {
		if ((ret = approval_check(s, req->approved, req->agent, out->digest, why,
					  sizeof(why), p->approver, sizeof(p->approver), err)))
			return ret;
		if (why[0]) {
			p->approval_refused = 1;
			out->outcome = CONTROL_DENY;
			snprintf(out->reason, sizeof(out->reason), "%s", why);
		} else if (out->outcome != CONTROL_DENY) {
			out->outcome = CONTROL_ALLOW;
			snprintf(out->reason, sizeof(out->reason), "approved by %s in exception item "
				 "'%s' for these exact arguments (used once)", p->approver, req->approved);
		}
		if (!why[0] && out->outcome == CONTROL_ALLOW) {
			if (!(st = store_prepare(s, "UPDATE exceptions SET used_at = ?,"
						 " used_decision = ? WHERE id = ? AND used_at IS NULL",
						 err)))
				return err->code;
			store_bind_text(st, 1, p->now);
			store_bind_text(st, 2, out->decision_id);
			store_bind_text(st, 3, req->approved);
			rc = store_step(st, err);
			store_reset(st);
			if (rc < 0)
				return rc;
		}
		/* an approval never escalates: allowed once, or denied */
		if (out->outcome == CONTROL_ESCALATE)
			out->outcome = CONTROL_DENY;
		control_build_record(p);
	}
	if (out->outcome == CONTROL_ESCALATE) {
		const char *reqtext = p->argtext;
		char *poltext = cjson_dumps(out->policies);
		if (!(st = store_prepare(s, "INSERT INTO exceptions(id, queue, owner_kind, owner,"
			" state, created_at, due_at, due_us, workflow, step, agent, on_behalf_of,"
			" action, resource, request, digest, decision_id, policies)"
			" VALUES (?,?,?,?,'pending',?,?,?,?,?,?,?,?,?,?,?,?,?)", err))) {
			free(poltext);
			return err->code;
		}
		store_bind_text(st, 1, out->exception_id);
		store_bind_text(st, 2, p->queue);
		store_bind_text(st, 3, p->ai.owner_kind);
		store_bind_text(st, 4, p->ai.owner);
		store_bind_text(st, 5, p->now);
		store_bind_text(st, 6, out->due);
		store_bind_int(st, 7, p->due_us);
		store_bind_text(st, 8, p->ai.workflow);
		store_bind_text(st, 9, p->ai.step[0] ? p->ai.step : NULL);
		store_bind_text(st, 10, req->agent);
		store_bind_text(st, 11, req->on_behalf_of);
		store_bind_text(st, 12, req->action);
		store_bind_text(st, 13, req->resource);
		store_bind_text(st, 14, reqtext);
		store_bind_text(st, 15, out->digest);
		store_bind_text(st, 16, out->decision_id);
		store_bind_text(st, 17, poltext);
		rc = store_step(st, err);
		store_reset(st);
		free(poltext);
		if (rc < 0)
			return rc;
		{
			json_t *ex = json_pack("{s:s, s:s, s:s, s:s, s:s}", "queue", p->queue, "owner",
					       p->ai.owner, "owner_kind", p->ai.owner_kind, "due_at",
					       out->due, "decision_id", out->decision_id);
			ret = control_transition_record(s, actor, out->exception_id, "none", "pending",
						req->agent, out->reason, ex, err);
			json_decref(ex);
			if (ret)
				return ret;
		}
	}
	return control_log_append_text(s, out->decision_id, "decision", p->now, p->record,
			       p->record_digest, req->agent, req->action,
			       control_outcome_name(out->outcome), p->t, err);
}

/*
 * The start read from memo instead of the store, when nothing it holds can
 * have moved: no other connection committed since the memo's commit (the
 * handle's data version, read after BEGIN, is the one read after that
 * COMMIT; the caller voids the memo after any other transaction of its
 * own), no pending item is due yet, and every row is chained now (chain).
 * The memo's commit chained every row, so none is pending; its newest seq
 * is the batch's head.  1 if taken.
 */
static int start_from_memo(struct store *s, const struct control_commit_memo *memo, int chain,
			   struct control_mark *m)
{
	uint64_t v;

	if (!memo || !memo->ok || !chain || !store_data_version(s, &v) || v != memo->version ||
	    time_now_us() >= memo->next_due)
		return 0;
	m->objects_seq = memo->objects_seq;
	m->objects = memo->objects;
	m->verdict = memo->verdict;
	control_log_batch_newest(memo->newest);
	return 1;
}

/*
 * After a commit on the memo's handle: keep what the next commit's start
 * read would find.  This commit wrote no objects and no phase verdict; it
 * chained every decision-log row up to the newest seq it wrote; of the
 * items, it expired those due before its start (the rest are still
 * pending: next_due) and made new pending ones only by escalating, whose
 * due times the caller folded into next_due.  An approval used changes an
 * approved item, not a pending one.
 */
static void memo_keep(struct store *s, struct control_commit_memo *memo,
		      const struct control_mark *m, int64_t next_due)
{
	int64_t newest = control_log_chained_newest();

	memo->ok = newest >= 0 && store_data_version(s, &memo->version);
	memo->objects_seq = m->objects_seq;
	memo->objects = m->objects;
	memo->verdict = m->verdict;
	memo->newest = newest;
	memo->next_due = next_due;
}

/*
 * Record v[0..n) in one transaction; flush_at: chain the pending log rows
 * when at least that many are pending (1: always).
 */
static int commit_many(struct store *s, struct control_engine *eng, const char *actor,
		       struct control_pending **v, size_t n, struct control_decision *outs,
		       struct aiv_err *errs, int flush_at, const struct control_commit_hook *hook,
		       struct aiv_err *err)
{
	struct control_mark m;
	struct store_stmt *last = NULL;
	struct control_commit_memo *memo = hook ? hook->memo : NULL;
	int64_t next_due = INT64_MAX;
	size_t i;
	int ret, current = -1;

	for (i = 0; i < n; i++) {
		memset(&outs[i], 0, sizeof(outs[i]));
		if (v[i])
			aiv_err_clear(&errs[i]);
	}
	if ((ret = store_begin(s, err))) {
		if (memo)
			memo->ok = 0;
		return ret;
	}
	if (hook && hook->at_start && (ret = hook->at_start(s, hook->start_data, v, n, err))) {
		store_rollback(s);
		if (memo)
			memo->ok = 0;
		return ret;
	}
	control_log_batch_begin();
	if (start_from_memo(s, memo, flush_at <= 1, &m)) {
		next_due = memo->next_due;
		memo->hits++;
	} else {
		if (memo)
			memo->ok = 0;
		if ((ret = control_commit_start_read(s, &m, flush_at <= 1, &next_due, err)))
			goto fail;
	}
	for (i = 0; i < n; i++) {
		struct control_pending *p = v[i];
		if (!p)
			continue;
		if (!control_mark_eq(&m, &p->snap->mark)) {
			/*
			 * Objects or the phase verdict changed since p was evaluated: evaluate
			 * it again against what this transaction sees, so a recorded decision
			 * always matches the policies in force when it was committed.
			 */
			if (current < 0) {
				struct control_snapshot *sn;
				if (control_mark_eq(&m, &eng->snap->mark)) {
					current = 1;
				} else {
					if ((ret = control_snapshot_load(s, eng->snap->flags, &sn, err)))
						goto fail;
					control_engine_use(eng, sn);
					control_snapshot_unref(sn);
					current = 1;
				}
			}
			control_snapshot_unref(p->snap);
			p->snap = control_snapshot_ref(eng->snap);
			if ((ret = control_evaluate_pending(eng, p, &errs[i]))) {
				if (ret != AIV_EINPUT && ret != AIV_ENOTFOUND) {
					*err = errs[i];
					goto fail;
				}
				continue;
			}
		}
		if ((ret = record_one(s, actor, p, &errs[i]))) {
			*err = errs[i];
			goto fail;
		}
		if (p->d.outcome == CONTROL_ESCALATE && p->due_us < next_due)
			next_due = p->due_us; /* a new pending item */
	}
	/*
	 * The rows' INSERT goes with the COMMIT (one round trip on PostgreSQL)
	 * unless a hook writes after it.
	 */
	if ((ret = control_log_batch_write_tx(s, actor, flush_at <= 1,
					      hook && hook->in_tx ? NULL : &last, err)))
		goto fail;
	if (flush_at > 1) {
		int64_t pending = flush_at;
		if ((ret = store_query_int(s, "SELECT count(*) FROM decision_log WHERE batch_seq"
					   " IS NULL", &pending, err)))
			goto fail;
		if (pending >= flush_at && (ret = control_log_flush_tx(s, actor, err)))
			goto fail;
	}
	if (hook && hook->in_tx && (ret = hook->in_tx(s, hook->data, err)))
		goto fail;
	if (last) {
		ret = store_step_commit(last, err);
		last = NULL;
	} else {
		ret = store_commit(s, err);
	}
	if (ret)
		goto fail;
	if (memo)
		memo_keep(s, memo, &m, next_due);
	for (i = 0; i < n; i++) {
		if (!v[i] || errs[i].code)
			continue;
		outs[i] = v[i]->d;
		json_incref(outs[i].policies);
		json_incref(outs[i].errors);
	}
	return 0;
fail:
	if (last)
		store_reset(last);
	control_log_batch_abort();
	store_rollback(s);
	if (memo)
		memo->ok = 0;
	return ret;
}

int control_commit(struct store *s, struct control_engine *eng, const char *actor,
		   struct control_pending **v, size_t n, struct control_decision *outs,
		   struct aiv_err *errs, struct aiv_err *err)
{
	return commit_many(s, eng, actor, v, n, outs, errs, 1, NULL, err);
}

int control_commit_with(struct store *s, struct control_engine *eng, const char *actor,
			struct control_pending **v, size_t n, struct control_decision *outs,
			struct aiv_err *errs, const struct control_commit_hook *hook,
			struct aiv_err *err)
{
	return commit_many(s, eng, actor, v, n, outs, errs, 1, hook, err);
}

int control_decide(struct store *s, struct control_engine *eng, const char *actor,
		   const struct control_request *req, struct control_decision *out,
		   struct aiv_err *err)
{
	struct control_pending *p = NULL;
	struct aiv_err e1 = AIV_ERR_INIT;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = control_evaluate(eng, req, &p, err)))
		return ret;
	ret = commit_many(s, eng, actor, &p, 1, out, &e1, eng->batch, NULL, err);
	if (!ret && e1.code) {
		*err = e1;
		ret = e1.code;
	}
	control_pending_free(p);
	return ret;
}

int control_decide_many(struct store *s, struct control_engine *eng, const char *actor,
			const struct control_request *reqs, size_t n,
			struct control_decision *outs, struct aiv_err *errs,
			struct aiv_err *err)
{
	struct control_pending **v = xcalloc(n ? n : 1, sizeof(*v));
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		aiv_err_clear(&errs[i]);
		if ((ret = control_evaluate(eng, &reqs[i], &v[i], &errs[i])) &&
		    ret != AIV_EINPUT && ret != AIV_ENOTFOUND) {
			*err = errs[i];
			goto out;
		}
	}
	ret = control_commit(s, eng, actor, v, n, outs, errs, err);
out:
	for (i = 0; i < n; i++)
		control_pending_free(v[i]);
	free(v);
	return ret;
}
