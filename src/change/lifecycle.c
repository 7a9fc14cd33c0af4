/*
 * lifecycle.c - opening change requests and reading them: open, show,
 * list, stale marks, proposed content. See change.h.
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
#include "org/people.h"

int change_open_in_tx(struct change_env *e, const struct change_open_args *a, json_t **out,
		      struct aiv_err *err)
{
	struct artefact_row art;
	json_t *impact = NULL, *path = NULL, *conflicts = json_array(), *payload = NULL;
	json_t *gov = json_object(), *evidence = json_array();
	char fp[SHA256_HEX], id[32], why[512] = "", *impact_txt = NULL, *path_txt = NULL;
	char *evidence_txt = NULL;
	size_t i;
	const char *status = "open";
	int64_t now = time_now_us(), num = 0, seq = 0;
	int risk, ret, queued = 0;
	struct store_stmt *st;

	memset(&art, 0, sizeof(art));
	if (!store_in_tx(e->s)) {
		ret = aiv_fail(err, AIV_EINTERNAL, "change open: no transaction open");
		goto cleanup;
	}
	if (!a->reason || !*a->reason) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: missing --reason (why is '%s' "
			       "changing?)", a->artefact ? a->artefact : "");
		goto cleanup;
	}
	risk = change_risk_index(a->risk ? a->risk : "medium");
	if (risk < 0) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: risk '%s' must be low, medium or high",
			       a->risk);
		goto cleanup;
	}
	if (!a->author || !*a->author) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: missing --as PERSON (who opens it%s)",
			       a->generated_by ? ", directing the agent" : "");
		goto cleanup;
	}
	if (a->generated_by && (!a->model || !*a->model)) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: --generated-by '%s' needs --model",
			       a->generated_by);
		goto cleanup;
	}
	for (i = 0; i < a->nevidence; i++)
		if ((ret = chg_evidence_check(&a->evidence[i], err)))
			goto cleanup;
	if ((ret = chg_artefact_read(e->s, a->artefact, &art, err)))
		goto cleanup;
	if ((ret = org_is_person(e->s, a->author, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EINPUT, "change open: --as '%s' is not a person",
				       a->author);
		goto cleanup;
	}
	if (a->base_version > 0 && a->base_version != art.version) {
		ret = aiv_fail(err, AIV_ECONFLICT,
			       "change open: stale base: '%s' is at version %lld, not %lld "
			       "(someone changed it meanwhile)", art.id, (long long)art.version,
			       (long long)a->base_version);
		goto cleanup;
	}
	sha256_hex(a->content, a->content_len, fp);
	if (!strcmp(fp, art.fingerprint)) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: no change: the content is identical "
			       "to '%s' version %lld", art.id, (long long)art.version);
		goto cleanup;
	}
	if ((ret = chg_impact_items(e->s, e->rules, art.id, &impact, err)) ||
	    (ret = chg_build_path(e, &art, a->author, a->generated_by != NULL, risk, impact, &path,
			      err)) ||
	    (ret = store_query_int(e->s, "SELECT coalesce(max(num), 0) + 1 FROM change_requests",
				   &num, err)))
		goto cleanup;
	snprintf(id, sizeof(id), "CR-%lld", (long long)num);
	if (a->generated_by) {
		queued = chg_governance_behind(e, path, now, 0, why, sizeof(why), gov, err);
		if (queued < 0) {
			ret = queued;
			goto cleanup;
		}
		if (queued) {
			status = "queued";
			json_object_set_new(gov, "cr", json_string(id));
			if ((ret = chg_add_finding(e, now, why, gov, err)))
				goto cleanup;
		}
	}
	st = chg_prep(e->s, err, "INSERT INTO change_blobs(sha256, content) VALUES (?, ?)"
		  " ON CONFLICT(sha256) DO NOTHING", 1, fp);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_blob(st, 2, a->content, a->content_len);
	if ((ret = chg_run(st, err)))
		goto cleanup;
	for (i = 0; i < a->nevidence; i++) {
		char efp[SHA256_HEX];
		if ((ret = chg_evidence_store(e, &a->evidence[i], efp, err)))
			goto cleanup;
		json_array_append_new(evidence, json_pack("{s:s, s:s, s:I}", "name",
			a->evidence[i].name, "sha256", efp, "bytes", (json_int_t)a->evidence[i].len));
	}
	evidence_txt = cjson_dumps(evidence);
	impact_txt = cjson_dumps(impact);
	path_txt = cjson_dumps(path);
	payload = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:O, s:O}",
			    "cr", id, "artefact", art.id, "status", status,
			    "base_version", (json_int_t)art.version, "base_fingerprint",
			    art.fingerprint, "new_fingerprint", fp, "reason", a->reason,
			    "risk", change_risks[risk], "generated_by", a->generated_by,
			    "model", a->model, "impact", impact, "approval_path", path);
	json_object_set_new(payload, "author", json_string(a->author));
	json_object_set(payload, "evidence", evidence);
	if (queued)
		json_object_set_new(payload, "queued_because", json_string(why));
	{
		char *subject = xstrfmt("ChangeRequest/%s", id);
		ret = ledger_append(e->s, e->actor, "change.open", subject, payload, &seq, err);
		free(subject);
		if (ret)
			goto cleanup;
	}
	st = chg_prep(e->s, err,
		  "INSERT INTO change_requests(id, num, artefact, status, base_version,"
		  " base_fingerprint, new_fingerprint, reason, risk, author, generated_by, model,"
		  " impact, approval_path, opened_at, seq, evidence)"
		  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		  0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, id);
	store_bind_int(st, 2, num);
	store_bind_text(st, 3, art.id);
	store_bind_text(st, 4, status);
	store_bind_int(st, 5, art.version);
	store_bind_text(st, 6, art.fingerprint);
	store_bind_text(st, 7, fp);
	store_bind_text(st, 8, a->reason);
	store_bind_text(st, 9, change_risks[risk]);
	store_bind_text(st, 10, a->author);
	store_bind_text(st, 11, a->generated_by);
	store_bind_text(st, 12, a->generated_by ? a->model : NULL);
	store_bind_text(st, 13, impact_txt);
	store_bind_text(st, 14, path_txt);
	store_bind_int(st, 15, now);
	store_bind_int(st, 16, seq);
	store_bind_text(st, 17, evidence_txt);
	if ((ret = chg_run(st, err)) ||
	    (ret = chg_find_conflicts(e, id, art.id, impact, now, conflicts, err)) ||
	    (ret = change_show(e, id, out, err)))
		goto cleanup;
	json_object_set(*out, "conflicts", conflicts);
	if (queued)
		json_object_set_new(*out, "finding", json_string(why));
cleanup:
	chg_artefact_row_release(&art);
	json_decref(impact);
	json_decref(path);
	json_decref(conflicts);
	json_decref(payload);
	json_decref(gov);
	json_decref(evidence);
	free(impact_txt);
	free(path_txt);
	free(evidence_txt);
	return ret;
}

int change_open(struct change_env *e, const struct change_open_args *a, json_t **out,
		struct aiv_err *err)
{
	json_t *res = NULL;
	int ret;

	*out = NULL;
	if ((ret = store_begin(e->s, err)))
		return ret;
	if ((ret = change_open_in_tx(e, a, &res, err)) || (ret = store_commit(e->s, err))) {
		store_rollback(e->s);
		json_decref(res);
		return ret;
	}
	*out = res;
	return 0;
}

/* The summary of a stored CR; *out is the caller's (chg_summary_release). */
static void summary_from_row(const struct cr_row *c, struct change_cr_summary *out)
{
	out->id = xstrdup(c->id);
	out->artefact = xstrdup(c->artefact);
	out->status = xstrdup(c->status);
	out->reason = xstrdup(c->reason);
	out->risk = xstrdup(c->risk);
	out->author = xstrdup(c->author);
	out->base_fingerprint = xstrdup(c->base_fp);
	out->new_fingerprint = xstrdup(c->new_fp);
	out->generated_by = c->generated_by ? xstrdup(c->generated_by) : NULL;
	out->model = c->generated_by ? xstrdup(c->model ? c->model : "") : NULL;
	out->base_version = c->base_version;
	out->opened_at = c->opened_at;
	out->approved_at = c->approved_at;
	out->merged_at = c->merged_at;
	out->closed_at = c->closed_at;
	out->impact_count = json_array_size(c->impact);
}

static void summary_release(struct change_cr_summary *c)
{
	free(c->id);
	free(c->artefact);
	free(c->status);
	free(c->reason);
	free(c->risk);
	free(c->author);
	free(c->base_fingerprint);
	free(c->new_fingerprint);
	free(c->generated_by);
	free(c->model);
	memset(c, 0, sizeof(*c));
}

static json_t *cr_json(const struct cr_row *c)
{
	struct change_cr_summary sum;
	json_t *o;

	summary_from_row(c, &sum);
	o = change_cr_summary_json(&sum);
	summary_release(&sum);
	return o;
}

int change_show(struct change_env *e, const char *id, json_t **out, struct aiv_err *err)
{
	struct cr_row c;
	json_t *o, *state = NULL, *sigs, *marks, *conf;
	struct store_stmt *st;
	int ret, rc;

	if ((ret = chg_cr_read(e->s, id, &c, err)))
		return ret; /* before allocating: the server calls this per request */
	sigs = json_array();
	marks = json_array();
	conf = json_array();
	o = cr_json(&c);
	json_object_set(o, "impact", c.impact);
	json_object_set(o, "evidence", c.evidence);
	if ((ret = chg_approval_state(e, &c, &state, err)))
		goto fail;
	json_object_set(o, "approval", state);
	st = chg_prep(e->s, err, "SELECT decision, signer, time, meaning, reason, record_hash,"
		  " ledger_seq, artefact FROM change_signatures WHERE cr = ? ORDER BY id", 1, id);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(sigs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}",
			"decision", store_col_text(st, 0), "signer", store_col_text(st, 1),
			"time", store_col_text(st, 2), "meaning", store_col_text(st, 3),
			"reason", store_col_text(st, 4), "record_hash", store_col_text(st, 5),
			"ledger_seq", (json_int_t)store_col_int(st, 6),
			"artefact", store_col_text(st, 7)));
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	st = chg_prep(e->s, err, "SELECT artefact, cause, cleared_at, cleared_by FROM stale_marks"
		  " WHERE cr = ? ORDER BY marked_at, artefact", 1, id);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *mk = json_pack("{s:s, s:s, s:b}", "artefact", store_col_text(st, 0),
				       "cause", store_col_text(st, 1), "open",
				       store_col_is_null(st, 2));
		if (!store_col_is_null(st, 2)) {
			json_object_set_new(mk, "cleared_at", chg_time_or_null(store_col_int(st, 2)));
			json_object_set_new(mk, "cleared_by", json_string(store_col_text(st, 3)));
		}
		json_array_append_new(marks, mk);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	st = chg_prep(e->s, err, "SELECT a, b, overlap, resolved_at FROM change_conflicts"
		  " WHERE a = ? OR b = ? ORDER BY detected_at", 2, id, id);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *ov = json_loads(store_col_text(st, 2), 0, NULL);
		json_array_append_new(conf, json_pack("{s:s, s:o, s:b}", "with",
			strcmp(store_col_text(st, 0), id) ? store_col_text(st, 0)
							  : store_col_text(st, 1),
			"overlap", ov ? ov : json_array(), "resolved", !store_col_is_null(st, 3)));
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	json_object_set_new(o, "signatures", sigs);
	json_object_set_new(o, "stale_marks", marks);
	json_object_set_new(o, "conflicts_recorded", conf);
	json_decref(state);
	chg_cr_release(&c);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(state);
	json_decref(sigs);
	json_decref(marks);
	json_decref(conf);
	chg_cr_release(&c);
	return ret;
}

int change_list(struct change_env *e, struct change_cr_list *out, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err, "SELECT " CR_COLS " FROM change_requests"
				     " ORDER BY num DESC", 0);
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct cr_row c;
		chg_cr_from_row(st, &c);
		ALLOC_GROW(out->v, out->n + 1, alloc);
		summary_from_row(&c, &out->v[out->n++]);
		chg_cr_release(&c);
	}
	store_reset(st);
	if (rc < 0) {
		change_cr_list_release(out);
		return rc;
	}
	return 0;
}

void change_cr_list_release(struct change_cr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		summary_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int change_stale(struct change_env *e, struct change_stale_list *out, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err,
		"SELECT m.artefact, a.owner, m.cr, m.cause FROM stale_marks m JOIN artefacts a"
		" ON a.id = m.artefact WHERE m.cleared_at IS NULL ORDER BY a.owner, m.artefact, m.cr",
		0);
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct change_stale_mark *m;
		ALLOC_GROW(out->v, out->n + 1, alloc);
		m = &out->v[out->n++];
		m->artefact = xstrdup(store_col_text(st, 0));
		m->owner = xstrdup(store_col_text(st, 1));
		m->cr = xstrdup(store_col_text(st, 2));
		m->cause = xstrdup(store_col_text(st, 3));
	}
	store_reset(st);
	if (rc < 0) {
		change_stale_list_release(out);
		return rc;
	}
	return 0;
}

void change_stale_list_release(struct change_stale_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].artefact);
		free(l->v[i].owner);
		free(l->v[i].cr);
		free(l->v[i].cause);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int change_content(struct store *s, const char *cr, char **buf, size_t *len,
		   char **path, struct aiv_err *err)
{
	struct cr_row c;
	struct artefact_row a;
	struct store_stmt *st;
	int ret, rc;

	*buf = NULL;
	*path = NULL;
	if ((ret = chg_cr_read(s, cr, &c, err)))
		return ret;
	st = chg_prep(s, err, "SELECT content FROM change_blobs WHERE sha256 = ?", 1, c.new_fp);
	if (!st) {
		chg_cr_release(&c);
		return err->code;
	}
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		*len = store_col_bytes(st, 0);
		*buf = xmalloc(*len + 1);
		memcpy(*buf, store_col_blob(st, 0), *len);
		(*buf)[*len] = '\0';
	}
	store_reset(st);
	if (rc < 0 || rc != STORE_ROW) {
		chg_cr_release(&c);
		return rc < 0 ? rc : aiv_fail(err, AIV_ENOTFOUND, "%s: content missing", cr);
	}
	if (chg_artefact_read(s, c.artefact, &a, err) == 0) {
		if (a.path)
			*path = xstrdup(a.path);
		chg_artefact_row_release(&a);
	}
	chg_cr_release(&c);
	return 0;
}
