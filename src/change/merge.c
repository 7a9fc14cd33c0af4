/*
 * merge.c - merging an approved change request (new version, stale marks
 * downstream) and clearing stale marks by a signed review. See change.h.
 *
 * Staleness.  Merging bumps the artefact's version and marks every
 * artefact in its impact closure (over the edge types the rules let
 * propagate) stale, each mark with its cause and path.  A mark is cleared
 * only by the owner's signed review of that one artefact.  A merged CR is
 * done when none of its marks is open.
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
#include "apply/spec_fields.h"
#include "ledger/bind.h"
#include "ledger/ledger.h"
#include "org/people.h"

/* ---- merge ----------------------------------------------------------- */

/* Keep the Artefact object's spec (as applied) at the merged version. */
static int update_object_spec(struct store *s, const char *id, const char *fp,
			      int64_t version, struct aiv_err *err)
{
	json_t *fields = json_pack("{s:s, s:I}", "fingerprint", fp, "version", (json_int_t)version);
	int rc = apply_set_spec_fields(s, "Artefact", id, fields, err);

	json_decref(fields);
	return rc;
}

/*
 * The approval that lets cr merge must be the ledger's, not the tables':
 * the ledger's status of the request is approved (an approve entry from
 * before the status was recorded leaves it unknown: then the signatures
 * decide), every approving signature row is one a change.approve entry
 * recorded (its record hashes to a recorded record_hash and names this
 * request and this signer), and those signatures satisfy the approval
 * path (state, from chg_approval_state).  A status set to approved, or a
 * signature row added or edited, with sqlite3 merges nothing.
 */
static int approval_bound(struct change_env *e, const char *cr, const json_t *sigs,
			  const json_t *state, struct aiv_err *err)
{
	struct ledger_bound_change bc;
	const json_t *sg;
	const char *why = NULL;
	char have[SHA256_HEX];
	size_t i;
	int found, ret;

	if ((ret = ledger_bound_change(e->s, cr, &bc, &found, err)))
		return ret;
	if (!found)
		why = "no change.open entry opened it";
	else if (bc.status[0] && strcmp(bc.status, "approved"))
		why = "the ledger says it is not approved";
	json_array_foreach(sigs, i, sg) {
		const json_t *rec = json_object_get(sg, "record");
		char *canon = rec ? cjson_dumps(rec) : xstrdup("");
		sha256_hex(canon, strlen(canon), have);
		free(canon);
		if (!why && (!json_object_get(bc.approvals, have) ||
			     strcmp(json_str(rec, "cr"), cr) ||
			     strcmp(json_str(rec, "signer"), json_str(sg, "signer"))))
			why = "an approving signature is not one the ledger recorded";
	}
	if (!why && !json_is_true(json_object_get(state, "approved")))
		why = "the signatures the ledger recorded do not satisfy its approval path";
	if (why)
		fprintf(stderr, "aivalue: refused to merge %s: %s (ledger entry %lld); the change "
			"tables were changed outside the ledger\n", cr, why, (long long)bc.seq);
	ledger_bound_change_release(&bc);
	if (why)
		return aiv_fail(err, AIV_EPERM, "%s cannot be merged: %s (ledger entry %lld); "
				"the change tables were changed outside the ledger", cr, why,
				(long long)bc.seq);
	return 0;
}

int change_merge(struct change_env *e, const char *cr, struct change_merge_result *out,
		 struct aiv_err *err)
{
	struct cr_row c;
	struct artefact_row art;
	json_t *state = NULL, *impact = NULL, *stale = json_array(), *sigs = NULL, *sg, *it;
	json_t *payload = NULL, *released = json_array(), *reeval = json_array();
	int64_t now = time_now_us(), newver;
	int ret, in_tx = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	memset(&art, 0, sizeof(art));
	if ((ret = chg_cr_read(e->s, cr, &c, err)))
		goto cleanup;
	if (strcmp(c.status, "approved")) {
		ret = aiv_fail(err, AIV_ESTATE, "%s is %s; only an approved change request can be "
			       "merged", cr, c.status);
		goto cleanup;
	}
	if ((ret = chg_artefact_read(e->s, c.artefact, &art, err)) || (ret = chg_check_base(&c, &art, err)))
		goto cleanup;
	if ((ret = chg_approval_state(e, &c, &state, err)) || (ret = chg_approvals_of(e->s, cr, &sigs, err)))
		goto cleanup;
	if ((ret = approval_bound(e, cr, sigs, state, err)))
		goto cleanup;
	json_array_foreach(sigs, i, sg) {
		json_t *problems = json_array();
		ret = chg_covers_problems(e->s, json_object_get(json_object_get(sg, "record"), "covers"),
				      0, problems, err);
		if (!ret && json_array_size(problems))
			ret = aiv_fail(err, AIV_ECONFLICT, "%s: the approval by '%s' is void: %s; "
				       "approvals must be given again on a new change request",
				       cr, json_str(sg, "signer"),
				       json_string_value(json_array_get(problems, 0)));
		json_decref(problems);
		if (ret)
			goto cleanup;
	}
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	if ((ret = chg_impact_items(e->s, e->rules, c.artefact, &impact, err)))
		goto cleanup;
	json_array_foreach(impact, i, it) {
		json_t *old;
		size_t k;
		int found = 0;
		json_array_foreach(c.impact, k, old)
			if (!strcmp(json_str(old, "id"), json_str(it, "id")))
				found = 1;
		if (!found) {
			ret = aiv_fail(err, AIV_ECONFLICT, "%s: its impact changed since it was opened: "
				       "'%s' now depends on '%s' and was not covered by the approvals; "
				       "open a new change request", cr, json_str(it, "id"), c.artefact);
			goto cleanup;
		}
	}
	newver = art.version + 1;
	{
		struct store_stmt *st = chg_prep(e->s, err, "UPDATE artefacts SET fingerprint = ?,"
					     " version = ? WHERE id = ?", 1, c.new_fp);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		store_bind_int(st, 2, newver);
		store_bind_text(st, 3, c.artefact);
		if ((ret = chg_run(st, err)) ||
		    (ret = update_object_spec(e->s, c.artefact, c.new_fp, newver, err)))
			goto cleanup;
	}
	json_array_foreach(impact, i, it) {
		struct strbuf cause = STRBUF_INIT;
		json_t *p = json_object_get(it, "path"), *x;
		char *ptxt = cjson_dumps(p);
		struct store_stmt *st;
		size_t k;

		strbuf_addf(&cause, "stale because %s went v%lld->v%lld via ", c.artefact,
			    (long long)art.version, (long long)newver);
		json_array_foreach(p, k, x)
			strbuf_addf(&cause, "%s%s", k ? " -> " : "", json_string_value(x));
		strbuf_addf(&cause, " (%s)", cr);
		st = chg_prep(e->s, err, "INSERT INTO stale_marks(artefact, cr, cause, path, marked_at)"
			  " VALUES (?, ?, ?, ?, ?)", 4, json_str(it, "id"), cr, cause.buf, ptxt);
		if (st) {
			store_bind_int(st, 5, now);
			ret = chg_run(st, err);
		} else {
			ret = err->code;
		}
		json_array_append_new(stale, json_pack("{s:s, s:s, s:s, s:O}", "artefact",
			json_str(it, "id"), "owner", json_str(it, "owner"), "cause", cause.buf,
			"path", p));
		strbuf_release(&cause);
		free(ptxt);
		if (ret)
			goto cleanup;
	}
	if ((ret = chg_set_status(e, cr, json_array_size(impact) ? "merged" : "done", "merged_at",
			      now, err)))
		goto cleanup;
	if (!json_array_size(impact) && (ret = chg_set_status(e, cr, "done", "closed_at", now, err)))
		goto cleanup;
	/* re-evaluate conflicting CRs: those on the same artefact are now against a stale base */
	{
		struct store_stmt *st = chg_prep(e->s, err,
			"SELECT CASE WHEN a = ? THEN b ELSE a END FROM change_conflicts"
			" WHERE resolved_at IS NULL AND (a = ? OR b = ?)", 3, cr, cr, cr);
		int rc;
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		while ((rc = store_step(st, err)) == STORE_ROW)
			json_array_append_new(reeval, json_string(store_col_text(st, 0)));
		store_reset(st);
		if (rc < 0) {
			ret = rc;
			goto cleanup;
		}
		json_array_foreach(reeval, i, it) {
			struct cr_row o;
			if ((ret = chg_cr_read(e->s, json_string_value(it), &o, err)))
				goto cleanup;
			{
				int now_stale = 0;
				size_t k;
				json_t *x;
				char *txt;
				json_array_foreach(impact, k, x)
					if (!strcmp(json_str(x, "id"), o.artefact))
						now_stale = 1;
				if (!strcmp(o.artefact, c.artefact))
					txt = xstrfmt("against a stale base: it must be reopened on "
						      "%s v%lld", c.artefact, (long long)newver);
				else if (now_stale)
					txt = xstrfmt("changing %s, which this merge made stale: its "
						      "owner reviews %s against %s v%lld first",
						      o.artefact, o.artefact, c.artefact,
						      (long long)newver);
				else
					txt = xstrfmt("free of this overlap");
				json_array_set_new(reeval, i, json_pack("{s:s, s:s}", "cr", o.id,
									"now", txt));
				free(txt);
			}
			chg_cr_release(&o);
		}
	}
	if ((ret = chg_resolve_conflicts(e, cr, now, err)))
		goto cleanup;
	payload = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:O}", "cr", cr, "artefact",
			    c.artefact, "from_version", (json_int_t)art.version, "to_version",
			    (json_int_t)newver, "from_fingerprint", art.fingerprint,
			    "to_fingerprint", c.new_fp, "stale", stale);
	/* when it moved the request's status (audit verify replays merged_at, closed_at) */
	json_object_set_new(payload, "at", chg_time_or_null(now));
	{
		char *subject = xstrfmt("ChangeRequest/%s", cr);
		ret = ledger_append(e->s, e->actor, "change.merge", subject, payload, NULL, err);
		free(subject);
		if (ret)
			goto cleanup;
	}
	if ((ret = chg_release_queued(e, now, released, err)) || (ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	out->cr = xstrdup(cr);
	out->artefact = xstrdup(c.artefact);
	out->status = xstrdup(json_array_size(impact) ? "merged" : "done");
	out->from_version = art.version;
	out->to_version = newver;
	out->nstale = json_array_size(stale);
	out->stale = xcalloc(out->nstale ? out->nstale : 1, sizeof(*out->stale));
	json_array_foreach(stale, i, it) {
		out->stale[i].artefact = xstrdup(json_str(it, "artefact"));
		out->stale[i].owner = xstrdup(json_str(it, "owner"));
		out->stale[i].cause = xstrdup(json_str(it, "cause"));
		chg_strs_from_json(&out->stale[i].path, json_object_get(it, "path"));
	}
	out->nreevaluated = json_array_size(reeval);
	out->reevaluated = xcalloc(out->nreevaluated ? out->nreevaluated : 1,
				   sizeof(*out->reevaluated));
	json_array_foreach(reeval, i, it) {
		out->reevaluated[i].cr = xstrdup(json_str(it, "cr"));
		out->reevaluated[i].now = xstrdup(json_str(it, "now"));
	}
	chg_strs_from_json(&out->released, released);
cleanup:
	if (in_tx)
		store_rollback(e->s);
	chg_cr_release(&c);
	chg_artefact_row_release(&art);
	json_decref(state);
	json_decref(impact);
	json_decref(stale);
	json_decref(sigs);
	json_decref(payload);
	json_decref(released);
	json_decref(reeval);
	return ret;
}

void change_merge_result_release(struct change_merge_result *r)
{
	size_t i;

	for (i = 0; i < r->nstale; i++) {
		free(r->stale[i].artefact);
		free(r->stale[i].owner);
		free(r->stale[i].cause);
		chg_strs_release(&r->stale[i].path);
	}
	for (i = 0; i < r->nreevaluated; i++) {
		free(r->reevaluated[i].cr);
		free(r->reevaluated[i].now);
	}
	free(r->stale);
	free(r->reevaluated);
	free(r->cr);
	free(r->artefact);
	free(r->status);
	chg_strs_release(&r->released);
	free(r->written);
	free(r->warning);
	memset(r, 0, sizeof(*r));
}

/* ---- review ---------------------------------------------------------- */

int change_review(struct change_env *e, const char *artefact, const char *signer,
		  const char *meaning, const char *reason, int no_impact,
		  struct change_review_result *out, struct aiv_err *err)
{
	struct artefact_row art;
	json_t *covers = json_array(), *marks = json_array(), *rec = NULL, *done = json_array();
	json_t *slot = NULL, *m, *released = json_array(), *extra = NULL;
	int64_t now = time_now_us(), sig_id = 0;
	char *time = chg_now_iso(now);
	struct store_stmt *st;
	int ret, rc, in_tx = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&art, 0, sizeof(art));
	if ((ret = chg_artefact_read(e->s, artefact, &art, err)))
		goto cleanup;
	if (!signer || !*signer) {
		ret = aiv_fail(err, AIV_EINPUT, "review of '%s': missing --as OWNER", artefact);
		goto cleanup;
	}
	if (!reason || !*reason) {
		ret = aiv_fail(err, AIV_EINPUT, "review of '%s': missing --reason", artefact);
		goto cleanup;
	}
	if ((ret = org_is_person(e->s, signer, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EPERM, "review of '%s': '%s' is not a person; only "
				       "people sign reviews", artefact, signer);
		goto cleanup;
	}
	slot = json_pack("{s:s, s:s}", "kind", chg_slot_kind(art.owner_kind), "name", art.owner);
	if ((ret = chg_eligible(e->s, slot, signer, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EPERM, "review of '%s': '%s' is not its owner (%s "
				       "'%s')", artefact, signer, json_str(slot, "kind"), art.owner);
		goto cleanup;
	}
	st = chg_prep(e->s, err, "SELECT cr, cause FROM stale_marks WHERE artefact = ?"
		  " AND cleared_at IS NULL ORDER BY marked_at, cr", 1, artefact);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(marks, json_pack("{s:s, s:s}", "cr", store_col_text(st, 0),
						       "cause", store_col_text(st, 1)));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if (!json_array_size(marks)) {
		ret = aiv_fail(err, AIV_ESTATE, "review of '%s': it is not stale; nothing to review",
			       artefact);
		goto cleanup;
	}
	/* the record covers the item and every direct upstream, as they are now */
	json_array_append_new(covers, json_pack("{s:s, s:s, s:I, s:s}", "artefact", art.id,
		"role", "reviewed", "version", (json_int_t)art.version, "fingerprint",
		art.fingerprint));
	st = chg_prep(e->s, err, "SELECT a.id, a.version, a.fingerprint, e.type FROM artefact_edges e"
		  " JOIN artefacts a ON a.id = e.dst WHERE e.src = ? ORDER BY a.id", 1, artefact);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(covers, json_pack("{s:s, s:s, s:I, s:s, s:s}", "artefact",
			store_col_text(st, 0), "role", "upstream", "version",
			(json_int_t)store_col_int(st, 1), "fingerprint", store_col_text(st, 2),
			"edge", store_col_text(st, 3)));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if (!meaning || !*meaning)
		meaning = no_impact ? "no impact: reviewed against the new upstream, no change needed"
				    : "reviewed against the new upstream and consistent";
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	if ((ret = chg_put_signature(e, json_str(json_array_get(marks, 0), "cr"), artefact,
				 no_impact ? "no-impact" : "review", signer, time, meaning, reason,
				 covers, extra = json_pack("{s:O}", "clears", marks), NULL, &sig_id,
				 &rec, err)))
		goto cleanup;
	json_array_foreach(marks, i, m) {
		int64_t open_left = 0;
		st = chg_prep(e->s, err, "UPDATE stale_marks SET cleared_at = ?, cleared_by = ?,"
			  " signature = ? WHERE artefact = ? AND cr = ?", 0);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		store_bind_int(st, 1, now);
		store_bind_text(st, 2, signer);
		store_bind_int(st, 3, sig_id);
		store_bind_text(st, 4, artefact);
		store_bind_text(st, 5, json_str(m, "cr"));
		if ((ret = chg_run(st, err)))
			goto cleanup;
		st = chg_prep(e->s, err, "SELECT count(*) FROM stale_marks WHERE cr = ?"
			  " AND cleared_at IS NULL", 1, json_str(m, "cr"));
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		if ((rc = store_step(st, err)) == STORE_ROW)
			open_left = store_col_int(st, 0);
		store_reset(st);
		if (rc < 0) {
			ret = rc;
			goto cleanup;
		}
		if (open_left == 0) {
			st = chg_prep(e->s, err, "UPDATE change_requests SET status = 'done', closed_at = ?"
				  " WHERE id = ? AND status = 'merged'", 0);
			if (!st) {
				ret = err->code;
				goto cleanup;
			}
			store_bind_int(st, 1, now);
			store_bind_text(st, 2, json_str(m, "cr"));
			if ((ret = chg_run(st, err)))
				goto cleanup;
			if (store_changes(e->s) > 0) {
				char *subject = xstrfmt("ChangeRequest/%s", json_str(m, "cr"));
				json_t *p = json_pack("{s:s, s:s, s:o}", "cr", json_str(m, "cr"), "why",
					"every artefact of its impact set is consistent again",
					"at", chg_time_or_null(now));
				ret = ledger_append(e->s, e->actor, "change.done", subject, p, NULL, err);
				json_decref(p);
				free(subject);
				if (ret)
					goto cleanup;
				json_array_append_new(done, json_string(json_str(m, "cr")));
			}
		}
	}
	if ((ret = chg_release_queued(e, now, released, err)) || (ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	out->artefact = xstrdup(artefact);
	out->decision = xstrdup(no_impact ? "no-impact" : "review");
	out->ncleared = json_array_size(marks);
	out->cleared = xcalloc(out->ncleared ? out->ncleared : 1, sizeof(*out->cleared));
	json_array_foreach(marks, i, m) {
		out->cleared[i].cr = xstrdup(json_str(m, "cr"));
		out->cleared[i].cause = xstrdup(json_str(m, "cause"));
	}
	chg_strs_from_json(&out->done, done);
	out->signature = json_incref(rec);
	chg_strs_from_json(&out->released, released);
cleanup:
	if (in_tx)
		store_rollback(e->s);
	chg_artefact_row_release(&art);
	json_decref(covers);
	json_decref(marks);
	json_decref(rec);
	json_decref(done);
	json_decref(slot);
	json_decref(released);
	json_decref(extra);
	free(time);
	return ret;
}

void change_review_result_release(struct change_review_result *r)
{
	size_t i;

	for (i = 0; i < r->ncleared; i++) {
		free(r->cleared[i].cr);
		free(r->cleared[i].cause);
	}
	free(r->cleared);
	free(r->artefact);
	free(r->decision);
	chg_strs_release(&r->done);
	json_decref(r->signature);
	chg_strs_release(&r->released);
	memset(r, 0, sizeof(*r));
}
