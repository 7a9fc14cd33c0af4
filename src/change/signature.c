/*
 * signature.c - signing change requests (approve, reject) and verifying
 * every signature record against the content, the ledger and the covers. See change.h.
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

/* Record a signature row and its ledger entry.  *sig_id the new row. */
int chg_put_signature(struct change_env *e, const char *cr, const char *artefact,
		      const char *decision, const char *signer, const char *time,
		      const char *meaning, const char *reason, json_t *covers,
		      json_t *extra, const char *cr_status, int64_t *sig_id,
		      json_t **record_out, struct aiv_err *err)
{
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "cr", cr,
				"artefact", artefact, "decision", decision, "signer", signer,
				"time", time, "meaning", meaning, "reason", reason,
				"covers", covers);
	char *canon, *subject = NULL, *action = NULL;
	char hash[SHA256_HEX];
	json_t *payload = NULL;
	struct store_stmt *st;
	int64_t seq = 0;
	int ret;

	if (extra)
		json_object_update(rec, extra);
	canon = cjson_dumps(rec);
	sha256_hex(canon, strlen(canon), hash);
	payload = json_pack("{s:O, s:s}", "record", rec, "record_hash", hash);
	if (cr_status)
		json_object_set_new(payload, "status", json_string(cr_status));
	subject = !strcmp(decision, "approve") || !strcmp(decision, "reject")
		  ? xstrfmt("ChangeRequest/%s", cr) : xstrfmt("Artefact/%s", artefact);
	action = xstrfmt("change.%s", decision);
	if ((ret = ledger_append(e->s, e->actor, action, subject, payload, &seq, err)))
		goto cleanup;
	st = chg_prep(e->s, err,
		  "INSERT INTO change_signatures(cr, artefact, decision, signer, time, meaning,"
		  " reason, record, record_hash, ledger_seq) VALUES (?,?,?,?,?,?,?,?,?,?)",
		  9, cr, artefact, decision, signer, time, meaning, reason, canon, hash);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_int(st, 10, seq);
	if ((ret = chg_run(st, err)))
		goto cleanup;
	ret = store_query_int(e->s, "SELECT max(id) FROM change_signatures", sig_id, err);
	if (!ret && record_out) {
		json_object_set_new(rec, "record_hash", json_string(hash));
		json_object_set_new(rec, "ledger_seq", json_integer(seq));
		*record_out = json_incref(rec);
	}
cleanup:
	free(canon);
	free(subject);
	free(action);
	json_decref(rec);
	json_decref(payload);
	return ret;
}

int chg_check_base(const struct cr_row *c, const struct artefact_row *a,
		   struct aiv_err *err)
{
	if (strcmp(a->fingerprint, c->base_fp))
		return aiv_fail(err, AIV_ECONFLICT,
				"%s is against a stale base: '%s' is now version %lld "
				"(fingerprint %.12s...), the change request was opened on version "
				"%lld; open a new change request", c->id, a->id,
				(long long)a->version, a->fingerprint, (long long)c->base_version);
	return 0;
}

/* covers for a CR signature: changed artefact (base and proposed) and impact set. */
static json_t *cr_covers(const struct cr_row *c)
{
	json_t *covers = json_array(), *it;
	size_t i;

	json_array_append_new(covers, json_pack("{s:s, s:s, s:I, s:s, s:s}", "artefact",
		c->artefact, "role", "changed", "version", (json_int_t)c->base_version,
		"fingerprint", c->base_fp, "proposed", c->new_fp));
	json_array_foreach(c->impact, i, it)
		json_array_append_new(covers, json_pack("{s:s, s:s, s:O, s:s}", "artefact",
			json_str(it, "id"), "role", "impacted", "version",
			json_object_get(it, "version"), "fingerprint", json_str(it, "fingerprint")));
	return covers;
}

/* Does every covered artefact still have the fingerprint the record names? */
/* One artefacts row as chg_verify_many keeps it: [type, title, owner, owner_kind, path, fingerprint, version]. */
static json_t *art_json(struct store_stmt *st)
{
	return json_pack("[s, s, s, s, s?, s, I]", store_col_text(st, 1), store_col_text(st, 2),
			 store_col_text(st, 3), store_col_text(st, 4),
			 store_col_is_null(st, 5) ? NULL : store_col_text(st, 5),
			 store_col_text(st, 6), (json_int_t)store_col_int(st, 7));
}

/* chg_artefact_read, from arts (id -> art_json) when it is given. */
static int art_read(struct store *s, const json_t *arts, const char *id, struct artefact_row *a,
		    struct aiv_err *err)
{
	json_t *v;

	if (!arts)
		return chg_artefact_read(s, id, a, err);
	memset(a, 0, sizeof(*a));
	if (!id || !(v = json_object_get(arts, id)))
		return aiv_fail(err, AIV_ENOTFOUND,
				"unknown artefact '%s' (see 'aivalue get artefacts')", id);
	a->id = xstrdup(id);
	a->type = xstrdup(json_string_value(json_array_get(v, 0)));
	a->title = xstrdup(json_string_value(json_array_get(v, 1)));
	a->owner = xstrdup(json_string_value(json_array_get(v, 2)));
	a->owner_kind = xstrdup(json_string_value(json_array_get(v, 3)));
	a->path = json_is_null(json_array_get(v, 4)) ? NULL
		  : xstrdup(json_string_value(json_array_get(v, 4)));
	a->fingerprint = xstrdup(json_string_value(json_array_get(v, 5)));
	a->version = json_integer_value(json_array_get(v, 6));
	return 0;
}

static int covers_problems(struct store *s, const json_t *arts, const json_t *covers, int merged,
			   json_t *problems, struct aiv_err *err)
{
	json_t *cv;
	size_t i;
	int ret;

	json_array_foreach(covers, i, cv) {
		struct artefact_row a;
		const char *want = json_str(cv, "fingerprint");
		if (merged && json_str(cv, "proposed"))
			want = json_str(cv, "proposed");
		else if (merged)
			continue; /* impacted items go stale and are re-signed by review */
		ret = art_read(s, arts, json_str(cv, "artefact"), &a, err);
		if (!ret && merged && a.version >
		    json_integer_value(json_object_get(cv, "version")) + 1) {
			chg_artefact_row_release(&a);
			continue; /* superseded by a later change request */
		}
		if (ret == AIV_ENOTFOUND) {
			char *m = xstrfmt("'%s' no longer exists", json_str(cv, "artefact"));
			json_array_append_new(problems, json_string(m));
			free(m);
			continue;
		}
		if (ret)
			return ret;
		if (strcmp(a.fingerprint, want)) {
			char *m = xstrfmt("'%s' changed since signing: now version %lld, "
					  "fingerprint %.12s... (signed %.12s...)", a.id,
					  (long long)a.version, a.fingerprint, want);
			json_array_append_new(problems, json_string(m));
			free(m);
		} else if (a.path) {
			char fp[SHA256_HEX];
			struct aiv_err ferr = AIV_ERR_INIT;
			const char *prop = json_str(cv, "proposed");
			/* before the merge the file may already hold the proposal (sync) */
			if (artefact_file_fingerprint(a.path, fp, &ferr) == 0 && strcmp(fp, want) &&
			    (merged || !prop || strcmp(fp, prop))) {
				char *m = xstrfmt("content of '%s' at '%s' was edited after signing "
						  "(file fingerprint %.12s..., signed %.12s...)",
						  a.id, a.path, fp, want);
				json_array_append_new(problems, json_string(m));
				free(m);
			}
		}
		chg_artefact_row_release(&a);
	}
	return 0;
}

int chg_covers_problems(struct store *s, const json_t *covers, int merged,
			json_t *problems, struct aiv_err *err)
{
	return covers_problems(s, NULL, covers, merged, problems, err);
}

/* ---- sign ------------------------------------------------------------ */

int change_sign(struct change_env *e, const char *cr, const char *decision,
		const char *signer, const char *meaning, const char *reason,
		struct change_sign_result *out, struct aiv_err *err)
{
	struct cr_row c;
	struct artefact_row art;
	json_t *state = NULL, *covers = NULL, *rec = NULL, *sl, *released = json_array();
	int64_t now = time_now_us(), sig_id = 0;
	char *time = chg_now_iso(now);
	int ret, in_tx = 0, on_path = 0, approve = !strcmp(decision, "approve");
	size_t i;

	memset(&c, 0, sizeof(c));
	memset(&art, 0, sizeof(art));
	if (!approve && strcmp(decision, "reject")) {
		ret = aiv_fail(err, AIV_EINTERNAL, "decision '%s'", decision);
		goto cleanup;
	}
	if ((ret = chg_cr_read(e->s, cr, &c, err)))
		goto cleanup;
	if (!signer || !*signer) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: missing --as PERSON (who signs)", cr);
		goto cleanup;
	}
	if (!reason || !*reason) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: missing --reason for the %s", cr,
			       approve ? "approval" : "rejection");
		goto cleanup;
	}
	if (!meaning || !*meaning) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: missing --meaning (what the signature means, "
			       "e.g. \"approved as owner\")", cr);
		goto cleanup;
	}
	if (strcmp(c.status, "open")) {
		ret = aiv_fail(err, AIV_ESTATE, "%s is %s; only an open change request can be %s",
			       cr, c.status, approve ? "approved" : "rejected");
		goto cleanup;
	}
	if (c.generated_by && !strcmp(signer, c.generated_by)) {
		ret = aiv_fail(err, AIV_EPERM, "%s: '%s' is the AI agent that generated it; an AI "
			       "agent never approves", cr, signer);
		goto cleanup;
	}
	if ((ret = org_is_person(e->s, signer, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EPERM, "%s: '%s' is not a person; only people sign "
				       "(an AI agent never approves)", cr, signer);
		goto cleanup;
	}
	if (!c.generated_by && !strcmp(signer, c.author)) {
		ret = aiv_fail(err, AIV_EPERM, "%s: '%s' is its author; the author cannot %s their "
			       "own change", cr, signer, decision);
		goto cleanup;
	}
	ret = chg_exists(chg_prep(e->s, err, "SELECT 1 FROM change_signatures WHERE cr = ? AND signer = ?"
			  " AND decision IN ('approve', 'reject')", 2, cr, signer), err);
	if (ret) {
		if (ret > 0)
			ret = aiv_fail(err, AIV_ECONFLICT, "%s: '%s' has already signed it", cr, signer);
		goto cleanup;
	}
	json_array_foreach(c.path, i, sl) {
		int el = chg_eligible(e->s, sl, signer, err);
		if (el < 0) {
			ret = el;
			goto cleanup;
		}
		on_path |= el;
	}
	if (!on_path) {
		struct strbuf sb = STRBUF_INIT;
		json_array_foreach(c.path, i, sl)
			strbuf_addf(&sb, "%s%s '%s'", i ? ", " : "", json_str(sl, "kind"),
				    json_str(sl, "name"));
		ret = aiv_fail(err, AIV_EPERM, "%s: '%s' is not on the approval path (%s)", cr,
			       signer, sb.buf);
		strbuf_release(&sb);
		goto cleanup;
	}
	if ((ret = chg_artefact_read(e->s, c.artefact, &art, err)) || (ret = chg_check_base(&c, &art, err)))
		goto cleanup;
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	covers = cr_covers(&c);
	/* the status this signature moves the request to goes into its entry */
	if (approve && (ret = chg_approval_state_with(e, &c, signer, &state, err)))
		goto cleanup;
	if ((ret = chg_put_signature(e, cr, c.artefact, decision, signer, time, meaning, reason,
				 covers, NULL, !approve ? "rejected" :
				 json_is_true(json_object_get(state, "approved")) ? "approved" : "open",
				 &sig_id, &rec, err)))
		goto cleanup;
	if (approve) {
		int recorded = json_is_true(json_object_get(state, "approved"));
		json_decref(state);
		state = NULL;
		if ((ret = chg_approval_state(e, &c, &state, err)))
			goto cleanup;
		/* the table must move as the entry said: never one without the other */
		if (recorded != json_is_true(json_object_get(state, "approved"))) {
			ret = aiv_fail(err, AIV_EINTERNAL, "%s: the approval state with the new "
				       "signature differs from the one recorded", cr);
			goto cleanup;
		}
		if (json_is_true(json_object_get(state, "approved")) &&
		    (ret = chg_set_status(e, cr, "approved", "approved_at", now, err)))
			goto cleanup;
	} else {
		if ((ret = chg_set_status(e, cr, "rejected", "closed_at", now, err)) ||
		    (ret = chg_resolve_conflicts(e, cr, now, err)))
			goto cleanup;
	}
	if ((ret = chg_release_queued(e, now, released, err)) || (ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	memset(out, 0, sizeof(*out));
	out->cr = xstrdup(cr);
	out->status = xstrdup(approve ? (json_is_true(json_object_get(state, "approved")) ?
					 "approved" : "open") : "rejected");
	out->signature = json_incref(rec);
	if (state) {
		out->has_approval = 1;
		chg_approval_typed(state, &out->approval);
	}
	chg_strs_from_json(&out->released, released);
cleanup:
	if (in_tx)
		store_rollback(e->s);
	chg_cr_release(&c);
	chg_artefact_row_release(&art);
	json_decref(state);
	json_decref(covers);
	json_decref(rec);
	json_decref(released);
	free(time);
	return ret;
}

void change_sign_result_release(struct change_sign_result *r)
{
	free(r->cr);
	free(r->status);
	json_decref(r->signature);
	chg_approval_release(&r->approval);
	chg_strs_release(&r->released);
	memset(r, 0, sizeof(*r));
}

struct seq_find {
	const char *hash;
	int found;
};

static int seq_match(const struct ledger_row *row, void *data)
{
	struct seq_find *f = data;
	json_t *p = json_loadb(row->payload, row->payload_len, 0, NULL);

	f->found = p && json_str(p, "record_hash") && !strcmp(json_str(p, "record_hash"), f->hash);
	json_decref(p);
	return 1;
}

/*
 * What verify_cr reads per CR, read for many CRs at once by
 * chg_verify_many; NULL: verify_cr reads it itself, one CR at a time.
 */
struct verify_pre {
	json_t *blob_fp; /* stored sha256 -> sha256 of the stored content */
	json_t *sigs;    /* CR id -> [{decision, signer, record, record_hash, ledger_seq}] */
	json_t *arts;    /* artefact id named in those records' covers -> art_json */
	json_t *ledger;  /* "seq" of those signatures' ledger entries -> the entry's record_hash */
};

/* The hash of the content stored under key into fp; *found = 0 when none is stored. */
static int blob_fp(struct store *s, const struct verify_pre *pre, const char *key,
		   char fp[SHA256_HEX], int *found, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	*found = 0;
	if (pre) {
		const char *v = key ? json_string_value(json_object_get(pre->blob_fp, key)) : NULL;
		if (v) {
			memcpy(fp, v, SHA256_HEX);
			*found = 1;
		}
		return 0;
	}
	st = chg_prep(s, err, "SELECT content FROM change_blobs WHERE sha256 = ?", 1, key);
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		sha256_hex(store_col_blob(st, 0), store_col_bytes(st, 0), fp);
		*found = 1;
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

json_t *chg_sig_json(const char *decision, const char *signer, const char *record,
		     const char *record_hash, int64_t ledger_seq)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "decision", decision, "signer", signer,
			 "record", record, "record_hash", record_hash,
			 "ledger_seq", (json_int_t)ledger_seq);
}

/* One signature row of change_signatures as verify_cr reads it (columns from `at`). */
static json_t *sig_row(struct store_stmt *st, int at)
{
	return chg_sig_json(store_col_text(st, at), store_col_text(st, at + 1),
			    store_col_text(st, at + 2), store_col_text(st, at + 3),
			    store_col_int(st, at + 4));
}

/* The approve and reject signatures of CR id, in signing order, into *rows. */
static int sig_rows(struct store *s, const struct verify_pre *pre, const char *id,
		    json_t **rows, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	if (pre) {
		*rows = json_object_get(pre->sigs, id);
		*rows = *rows ? json_incref(*rows) : json_array();
		return 0;
	}
	*rows = json_array();
	st = chg_prep(s, err, "SELECT decision, signer, record, record_hash, ledger_seq"
		  " FROM change_signatures WHERE cr = ? AND decision IN ('approve', 'reject')"
		  " ORDER BY id", 1, id);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(*rows, sig_row(st, 0));
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static int verify_cr(struct change_env *e, const struct verify_pre *pre, const struct cr_row *c,
		     struct change_verdict *out, struct aiv_err *err)
{
	json_t *problems_all, *rows = NULL, *r;
	char fp[SHA256_HEX];
	size_t alloc = 0, i;
	int ret, found, ok = 1;

	memset(out, 0, sizeof(*out));
	problems_all = json_array();
	/* the proposed content must still hash to what the CR (and its signatures) name */
	if ((ret = blob_fp(e->s, pre, c->new_fp, fp, &found, err)))
		goto cleanup;
	if (found && strcmp(fp, c->new_fp)) {
		char *m = xstrfmt("the stored proposed content was edited: it hashes to %.12s..., "
				  "the change request names %.12s...", fp, c->new_fp);
		json_array_append_new(problems_all, json_string(m));
		free(m);
	} else if (!found) {
		json_array_append_new(problems_all, json_string("the proposed content is missing"));
	}
	{
		json_t *ev;
		size_t k;
		json_array_foreach(c->evidence, k, ev) {
			if ((ret = blob_fp(e->s, pre, json_str(ev, "sha256"), fp, &found, err)))
				goto cleanup;
			if (!found || strcmp(fp, json_str(ev, "sha256"))) {
				char *m = xstrfmt("evidence '%s' is %s", json_str(ev, "name"),
						  !found ? "missing" : "altered (hash differs)");
				json_array_append_new(problems_all, json_string(m));
				free(m);
			}
		}
	}
	if ((ret = sig_rows(e->s, pre, c->id, &rows, err)))
		goto cleanup;
	json_array_foreach(rows, i, r) {
		json_t *problems = json_array(), *rec;
		const char *text = json_str(r, "record");
		int64_t seq = json_integer_value(json_object_get(r, "ledger_seq"));
		struct seq_find f = { json_str(r, "record_hash"), 0 };
		struct change_sig_check *sc;
		sha256_hex(text, strlen(text), fp);
		if (strcmp(fp, json_str(r, "record_hash")))
			json_array_append_new(problems, json_string(
				"the signature record was edited: its hash no longer matches"));
		if (pre) {
			char key[24];
			const char *h;
			snprintf(key, sizeof(key), "%lld", (long long)seq);
			h = json_string_value(json_object_get(pre->ledger, key));
			f.found = h && !strcmp(h, f.hash);
		} else if ((ret = ledger_walk(e->s, seq, seq, NULL, NULL, 0, 1, seq_match, &f, err))) {
			json_decref(problems);
			goto cleanup;
		}
		if (!f.found)
			json_array_append_new(problems, json_string(
				"the ledger entry does not carry this record's hash"));
		rec = json_loads(text, 0, NULL);
		if (rec && (ret = covers_problems(e->s, pre ? pre->arts : NULL,
						  json_object_get(rec, "covers"),
						  !strcmp(c->status, "merged") ||
						  !strcmp(c->status, "done"), problems, err))) {
			json_decref(rec);
			json_decref(problems);
			goto cleanup;
		}
		json_decref(rec);
		json_array_extend(problems, problems_all);
		if (json_array_size(problems))
			ok = 0;
		ALLOC_GROW(out->sigs, out->nsigs + 1, alloc);
		sc = &out->sigs[out->nsigs++];
		memset(sc, 0, sizeof(*sc));
		sc->signer = xstrdup(json_str(r, "signer"));
		sc->decision = xstrdup(json_str(r, "decision"));
		sc->record_hash = xstrdup(json_str(r, "record_hash"));
		sc->ledger_seq = seq;
		sc->valid = json_array_size(problems) == 0;
		chg_strs_from_json(&sc->problems, problems);
		json_decref(problems);
	}
	if (json_array_size(problems_all))
		ok = 0;
	out->cr = xstrdup(c->id);
	out->status = xstrdup(c->status);
	out->ok = ok;
	chg_strs_from_json(&out->problems, problems_all);
	out->evidence = json_array_size(c->evidence);
cleanup:
	json_decref(rows);
	json_decref(problems_all);
	if (ret)
		change_verdict_release(out);
	return ret;
}

/* change_verify one statement at a time: a CR chg_verify_many did not read */
static int verify_one(struct change_env *e, const char *id, struct change_verdict *out,
		      struct aiv_err *err)
{
	struct cr_row c;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = chg_cr_read(e->s, id, &c, err)))
		return ret;
	ret = verify_cr(e, NULL, &c, out, err);
	chg_cr_release(&c);
	return ret;
}

/* ---- verify many ------------------------------------------------------ */

struct many {
	const char *const *ids;
	size_t n;
	struct cr_row *crs; /* crs[i] read when crs[i].id is set */
	struct verify_pre pre;
};

static int many_cr(struct store_stmt *st, void *data)
{
	struct many *m = data;
	struct cr_row c;
	size_t i;

	chg_cr_from_row(st, &c);
	for (i = 0; i < m->n; i++)
		if (!m->crs[i].id && !strcmp(m->ids[i], c.id))
			break;
	if (i < m->n)
		m->crs[i] = c; /* the first of a repeated id; the others read their own */
	else
		chg_cr_release(&c);
	return 0;
}

void chg_blob_row(struct store_stmt *st, json_t *blobs)
{
	char fp[SHA256_HEX];

	sha256_hex(store_col_blob(st, 1), store_col_bytes(st, 1), fp);
	json_object_set_new(blobs, store_col_text(st, 0), json_string(fp));
}

static int many_blob(struct store_stmt *st, void *data)
{
	struct many *m = data;

	chg_blob_row(st, m->pre.blob_fp);
	return 0;
}

static int many_sig(struct store_stmt *st, void *data)
{
	struct many *m = data;
	const char *cr = store_col_text(st, 0);
	json_t *rows = json_object_get(m->pre.sigs, cr);

	if (!rows) {
		rows = json_array();
		json_object_set_new(m->pre.sigs, cr, rows);
	}
	json_array_append_new(rows, sig_row(st, 1));
	return 0;
}

static int many_art(struct store_stmt *st, void *data)
{
	struct many *m = data;

	json_object_set_new(m->pre.arts, store_col_text(st, 0), art_json(st));
	return 0;
}

/* A signature's ledger entry: its payload's record_hash under its seq (none: no key). */
static int many_ledger(const struct ledger_row *row, void *data)
{
	struct many *m = data;
	json_t *p = json_loadb(row->payload, row->payload_len, 0, NULL);
	char key[24];

	snprintf(key, sizeof(key), "%lld", (long long)row->seq);
	if (p && json_str(p, "record_hash"))
		json_object_set_new(m->pre.ledger, key, json_string(json_str(p, "record_hash")));
	json_decref(p);
	return 0;
}

/* The ledger seqs the signature rows name. */
static int64_t *sig_seqs(const json_t *sigs, size_t *n)
{
	const char *cr;
	json_t *rows, *r;
	int64_t *v = NULL;
	size_t alloc = 0, i;

	*n = 0;
	json_object_foreach((json_t *)sigs, cr, rows)
		json_array_foreach(rows, i, r) {
			ALLOC_GROW(v, *n + 1, alloc);
			v[(*n)++] = json_integer_value(json_object_get(r, "ledger_seq"));
		}
	return v;
}

/* The artefacts the signature records' covers name, into keys. */
static void cover_ids(const json_t *sigs, struct change_strs *keys)
{
	const char *cr;
	json_t *rows, *r, *cv;
	size_t i, k;

	json_object_foreach((json_t *)sigs, cr, rows)
		json_array_foreach(rows, i, r) {
			json_t *rec = json_loads(json_str(r, "record"), 0, NULL);
			json_array_foreach(json_object_get(rec, "covers"), k, cv)
				if (json_str(cv, "artefact"))
					chg_strs_push(keys, json_str(cv, "artefact"));
			json_decref(rec);
		}
}

/*
 * A verification's three reads of one CR (its blobs, its signatures'
 * ledger entries, the artefacts they cover) sent ahead, with the CR's
 * own reads, on the keys an earlier view of it asked for (chg_ahead_start,
 * change_int.h).  The keys are a guess; only the reads are ahead, their
 * rows are used when the rows read now ask for the same keys.
 */
#define AHEAD_BLOBS 0
#define AHEAD_LEDGER 1
#define AHEAD_ARTS 2
struct chg_ahead {
	struct change_strs sent[3]; /* the guessed keys, the store_in's (borrowed by q) */
	struct change_strs asked[3]; /* the keys verify_read_rest asked for (chg_ahead_keys) */
	struct verify_pre pre;       /* where the ahead rows land (one reference each) */
	struct many m;               /* the rows' callbacks' data (m.pre: pre) */
	struct ledger_seqs_in lj;
	struct store_in q[3];
	struct store_stmt *st[3];   /* sent and not read yet (NULL: none) */
	size_t slots[3];
	int asked_set;
};

static const char ahead_tag[3] = { 'b', 'l', 'a' };

struct chg_ahead *chg_ahead_start(struct change_env *e, const char *keys,
				  struct store_stmt **sts, size_t *nsts, struct aiv_err *err)
{
	struct chg_ahead *a = xcalloc(1, sizeof(*a));
	int64_t *seqs = NULL;
	const char *p, *nl;
	size_t i;

	a->pre.blob_fp = json_object();
	a->pre.sigs = json_object();
	a->pre.arts = json_object();
	a->pre.ledger = json_object();
	a->m.pre = a->pre;
	/* keys: "b:KEY\n" per blob, "l:SEQ\n" per ledger entry, "a:ID\n" per artefact */
	for (p = keys ? keys : ""; (nl = strchr(p, '\n')); p = nl + 1) {
		char *k;
		for (i = 0; i < 3 && !(p[0] == ahead_tag[i] && p[1] == ':'); i++)
			;
		if (i == 3 || nl < p + 2)
			continue;
		k = xstrndup(p + 2, (size_t)(nl - p - 2));
		chg_strs_push(&a->sent[i], k);
		free(k);
	}
	a->q[AHEAD_BLOBS] = (struct store_in){ "SELECT sha256, content FROM change_blobs WHERE sha256 IN ",
		NULL, "", (const char *const *)a->sent[0].v, a->sent[0].n, many_blob, &a->m };
	seqs = xcalloc(a->sent[1].n + 1, sizeof(*seqs));
	for (i = 0; i < a->sent[1].n; i++)
		seqs[i] = strtoll(a->sent[1].v[i], NULL, 10);
	ledger_seqs_in(&a->lj, seqs, a->sent[1].n, many_ledger, &a->m, &a->q[AHEAD_LEDGER]);
	free(seqs);
	a->q[AHEAD_ARTS] = (struct store_in){ "SELECT id, type, title, owner, owner_kind, path,"
		" fingerprint, version FROM artefacts WHERE id IN ", NULL, "",
		(const char *const *)a->sent[2].v, a->sent[2].n, many_art, &a->m };
	for (i = 0; i < 3; i++) {
		if (!a->q[i].n)
			continue;
		if (!(a->st[i] = store_in_first(e->s, &a->q[i], &a->slots[i], err))) {
			chg_ahead_free(a);
			return NULL;
		}
		sts[(*nsts)++] = a->st[i];
	}
	return a;
}

char *chg_ahead_keys(const struct chg_ahead *a)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, k;

	if (!a || !a->asked_set)
		return NULL;
	for (i = 0; i < 3; i++)
		for (k = 0; k < a->asked[i].n; k++) {
			strbuf_addch(&sb, ahead_tag[i]);
			strbuf_addch(&sb, ':');
			strbuf_addstr(&sb, a->asked[i].v[k]);
			strbuf_addch(&sb, '\n');
		}
	return strbuf_detach(&sb, NULL);
}

void chg_ahead_free(struct chg_ahead *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < 3; i++) {
		if (a->st[i])
			store_reset(a->st[i]);
		chg_strs_release(&a->sent[i]);
		chg_strs_release(&a->asked[i]);
	}
	ledger_seqs_in_release(&a->lj);
	json_decref(a->pre.blob_fp);
	json_decref(a->pre.sigs);
	json_decref(a->pre.arts);
	json_decref(a->pre.ledger);
	free(a);
}

static int same_strs(const struct change_strs *x, const char *const *v, size_t n)
{
	size_t i;

	if (x->n != n)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(x->v[i], v[i]))
			return 0;
	return 1;
}

/*
 * q[i]'s read sent ahead by a on the same keys: its rows (into m->pre,
 * which is a's) and nothing more to send for it (q[i].n = 0); an ahead
 * read on other keys is dropped before q is sent (the same statement
 * text may be q's).  Records the keys asked for, for the next guess.
 */
static int ahead_use(struct change_env *e, struct chg_ahead *a, struct store_in *q,
		     struct aiv_err *err)
{
	size_t i, k;
	int ret = 0;

	a->asked_set = 1;
	for (i = 0; i < 3; i++) {
		for (k = 0; k < q[i].n; k++)
			chg_strs_push(&a->asked[i], q[i].keys[k]);
		if (!a->st[i])
			continue;
		if (!ret && same_strs(&a->sent[i], q[i].keys, q[i].n)) {
			ret = store_in_rows(e->s, &a->q[i], a->st[i], a->slots[i], err);
			q[i].n = 0;
		} else {
			store_reset(a->st[i]);
		}
		a->st[i] = NULL;
	}
	return ret;
}

/*
 * The rest of chg_verify_many once m's CRs and signatures are read: their
 * blobs, ledger entries and covered artefacts, one statement each, then
 * each CR's verdict into out[i].  a: those reads sent ahead (NULL: none;
 * m->pre is a's then).
 */
static int verify_read_rest(struct change_env *e, struct many *m, const struct store_in *also,
			    size_t nalso, struct chg_ahead *a, struct change_verdict *out,
			    struct aiv_err *err)
{
	struct change_strs keys = { 0 }, covers = { 0 };
	int64_t *seqs = NULL;
	size_t i, k, nseqs;
	int ret;

	for (i = 0; i < m->n; i++) {
		json_t *ev;
		if (!m->crs[i].id)
			continue;
		/* (a blob read already, chg_verify_read's, is not read again) */
		if (m->crs[i].new_fp && !json_object_get(m->pre.blob_fp, m->crs[i].new_fp))
			chg_strs_push(&keys, m->crs[i].new_fp);
		json_array_foreach(m->crs[i].evidence, k, ev)
			if (json_str(ev, "sha256") &&
			    !json_object_get(m->pre.blob_fp, json_str(ev, "sha256")))
				chg_strs_push(&keys, json_str(ev, "sha256"));
	}
	/*
	 * the blobs, every signature's ledger entry and the covered artefacts:
	 * one statement each, not one per signature, and the three in one
	 * round trip on PostgreSQL (they need only what is read already)
	 */
	seqs = sig_seqs(m->pre.sigs, &nseqs);
	cover_ids(m->pre.sigs, &covers);
	{
		struct store_in q[3 + 4] = {
			{ "SELECT sha256, content FROM change_blobs WHERE sha256 IN ", NULL, "",
			  (const char *const *)keys.v, keys.n, many_blob, m },
			{ 0 },
			{ "SELECT id, type, title, owner, owner_kind, path, fingerprint, version"
			  " FROM artefacts WHERE id IN ", NULL, "",
			  (const char *const *)covers.v, covers.n, many_art, m },
		};
		struct ledger_seqs_in lj;
		if (nalso > 4)
			nalso = 4; /* (no caller asks for more) */
		for (k = 0; k < nalso; k++)
			q[3 + k] = also[k];
		ledger_seqs_in(&lj, seqs, nseqs, many_ledger, m, &q[1]);
		ret = a ? ahead_use(e, a, q, err) : 0;
		if (!ret)
			ret = store_query_in_many(e->s, q, 3 + nalso, err);
		ledger_seqs_in_release(&lj);
		if (ret)
			goto cleanup;
	}
	for (i = 0; i < m->n && !ret; i++)
		/* a CR not read above (a repeated or unknown id) is read on its own */
		ret = m->crs[i].id ? verify_cr(e, &m->pre, &m->crs[i], &out[i], err)
				   : verify_one(e, m->ids[i], &out[i], err);
cleanup:
	for (i = 0; ret && i < m->n; i++)
		change_verdict_release(&out[i]);
	free(seqs);
	chg_strs_release(&keys);
	chg_strs_release(&covers);
	json_decref(m->pre.ledger);
	json_decref(m->pre.blob_fp);
	json_decref(m->pre.sigs);
	json_decref(m->pre.arts);
	return ret;
}

int chg_verify_many(struct change_env *e, const char *const *ids, size_t n,
		    struct change_verdict *out, struct aiv_err *err)
{
	struct many m = { ids, n, NULL,
			  { json_object(), json_object(), json_object(), json_object() } };
	size_t i;
	int ret;

	memset(out, 0, n * sizeof(*out));
	m.crs = xcalloc(n ? n : 1, sizeof(*m.crs));
	if ((ret = chg_query_in(e->s, "SELECT " CR_COLS " FROM change_requests WHERE id IN ", "",
				ids, n, many_cr, &m, err)) ||
	    (ret = chg_query_in(e->s, "SELECT cr, decision, signer, record, record_hash, ledger_seq"
				" FROM change_signatures WHERE decision IN ('approve', 'reject')"
				" AND cr IN ", " ORDER BY id", ids, n, many_sig, &m, err))) {
		json_decref(m.pre.ledger);
		json_decref(m.pre.blob_fp);
		json_decref(m.pre.sigs);
		json_decref(m.pre.arts);
	} else {
		ret = verify_read_rest(e, &m, NULL, 0, NULL, out, err);
	}
	for (i = 0; i < n; i++)
		chg_cr_release(&m.crs[i]);
	free(m.crs);
	return ret;
}

int chg_verify_read(struct change_env *e, const struct cr_row *c, json_t *sigs,
		    json_t *blobs, const struct store_in *also, size_t nalso,
		    struct chg_ahead *ahead, struct change_verdict *out, struct aiv_err *err)
{
	const char *id = c->id;
	struct many m = { &id, 1, (struct cr_row *)c, /* borrowed: not released here */
			  { json_object(), json_object(), json_object(), json_object() } };

	memset(out, 0, sizeof(*out));
	if (ahead) {
		/* the ahead reads' rows land in ahead's objects: this m shares them */
		json_decref(m.pre.blob_fp);
		json_decref(m.pre.sigs);
		json_decref(m.pre.arts);
		json_decref(m.pre.ledger);
		m.pre.blob_fp = json_incref(ahead->pre.blob_fp);
		m.pre.sigs = json_incref(ahead->pre.sigs);
		m.pre.arts = json_incref(ahead->pre.arts);
		m.pre.ledger = json_incref(ahead->pre.ledger);
	}
	json_object_set(m.pre.sigs, c->id, sigs);
	if (blobs)
		json_object_update(m.pre.blob_fp, blobs);
	return verify_read_rest(e, &m, also, nalso, ahead, out, err);
}

/*
 * One CR (change verify, its page) through chg_verify_many: its blobs, its
 * signatures, their ledger entries and the artefacts they cover in one
 * statement each, not one per evidence file, signature and covered file
 */
int change_verify(struct change_env *e, const char *id, struct change_verdict *out,
		  struct aiv_err *err)
{
	return chg_verify_many(e, &id, 1, out, err);
}

void change_verdict_release(struct change_verdict *v)
{
	size_t i;

	for (i = 0; i < v->nsigs; i++) {
		free(v->sigs[i].signer);
		free(v->sigs[i].decision);
		free(v->sigs[i].record_hash);
		chg_strs_release(&v->sigs[i].problems);
	}
	free(v->sigs);
	free(v->cr);
	free(v->status);
	chg_strs_release(&v->problems);
	memset(v, 0, sizeof(*v));
}
