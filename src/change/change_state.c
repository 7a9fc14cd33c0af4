/*
 * change_state.c - the change-control tables against the ledger, for
 * `audit verify --state` (ledger/state.h); registered at start by
 * change_register_kinds().
 *
 *   change_requests    what a change request asked for (artefact, base and
 *                      new fingerprint, reason, risk, author, impact,
 *                      approval path, evidence) is what its change.open
 *                      entry says, and the files of its change.evidence
 *                      entries after it (want_evidence); status,
 *                      approved_at, merged_at and closed_at are replayed
 *                      from the entries that moved them
 *                      (check_change_status); the signatures:
 *   change_signatures  each record hashes to its record_hash, and the entry
 *                      it names (ledger_seq) recorded that hash
 *   change_blobs       content-addressed: the content hashes to its key
 *   baselines          the items hash to the Merkle root, and the root and
 *                      count are the baseline.create entry's
 *   artefacts, artefact_edges
 *                      replayed from the Artefact specs (apply_state.h),
 *                      version and fingerprint as the last change.merge
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply_state.h"
#include "baseline.h"
#include "change.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "ledger/state.h"


/* short names for the ledger_state_ helpers: o's string k or "", column i or "" */
static const char *jstr(const json_t *o, const char *k) { return ledger_state_str(o, k); }
static const char *col(struct store_stmt *st, int i) { return ledger_state_col(st, i); }
static int64_t jint(const json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

/* Column i (JSON text) means the same as o's field k. */
static int json_col_is(struct store_stmt *st, int i, const json_t *o, const char *k)
{
	json_t *v = json_loadb(col(st, i), strlen(col(st, i)), 0, NULL);
	int same = v && json_equal(v, json_object_get(o, k));

	json_decref(v);
	return same;
}

static void request_row(struct store_stmt *st, const json_t *e, struct ledger_state_report *r)
{
	static const char *const text_cols[] = { "artefact", "base_fingerprint",
		"new_fingerprint", "reason", "risk", "author", "generated_by", "model" };
	const char *bad = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(text_cols) && !bad; i++)
		if (strcmp(col(st, (int)i + 1), jstr(e, text_cols[i])))
			bad = text_cols[i];
	if (!bad && store_col_int(st, 9) != jint(e, "base_version"))
		bad = "base_version";
	if (!bad && store_col_int(st, 10) != jint(e, "_seq"))
		bad = "seq";
	if (!bad && !json_col_is(st, 11, e, "impact"))
		bad = "impact";
	if (!bad && !json_col_is(st, 12, e, "approval_path"))
		bad = "approval_path";
	if (!bad && !json_col_is(st, 13, e, "evidence"))
		bad = "evidence";
	if (bad)
		ledger_state_add(r, "change_requests", col(st, 0), "%s differs from change.open "
				 "entry %lld", bad, (long long)jint(e, "_seq"));
}

/*
 * change.evidence {cr, by, attached}: the files attached after opening
 * (`change attach`, in any status) follow the change.open entry's own
 * evidence in the row, in ledger order.
 */
static int want_evidence(const struct ledger_row *row, void *data)
{
	json_t *want = data, *p, *c, *ev;

	if (strcmp(row->action, "change.evidence"))
		return 0;
	p = json_loadb(row->payload, row->payload_len, 0, NULL);
	c = json_object_get(want, jstr(p, "cr"));
	if (c && json_is_array(json_object_get(p, "attached"))) {
		ev = json_object_get(c, "evidence");
		if (!json_is_array(ev)) {
			ev = json_array();
			json_object_set_new(c, "evidence", ev);
		}
		json_array_extend(ev, json_object_get(p, "attached"));
	}
	json_decref(p);
	return 0;
}

static int check_change_requests(struct store *s, struct ledger_state_report *r,
				 struct aiv_err *err)
{
	json_t *want = NULL;
	int ret;

	r->tables++;
	if (!(ret = ledger_state_last_entries(s, "change.open", "cr", &want, err)) &&
	    !(ret = ledger_walk(s, 1, 0, NULL, "change.evidence", 0, 0, want_evidence, want, err)))
		ret = ledger_state_match_rows(s, "change_requests", "SELECT id, artefact,"
			" base_fingerprint, new_fingerprint, reason, risk, author, generated_by, model,"
			" base_version, seq, impact, approval_path, evidence FROM change_requests"
			" ORDER BY id", want, "change.open", request_row, r, err);
	json_decref(want);
	return ret;
}

/*
 * What moved each request since it was opened: status, approved_at,
 * merged_at and closed_at replayed from the entries that move them,
 * in ledger order:
 *
 *   change.open {cr, status}        status (open or queued), no times
 *   change.release {cr}             open
 *   change.approve {record, status} status; approved: approved_at = record.time
 *   change.reject {record}          rejected, closed_at = record.time
 *   change.merge {cr, stale, at}    merged (done when nothing went stale,
 *                                   closed_at too), merged_at = at
 *   change.done {cr, at}            done, closed_at = at
 *
 * Entries from before "status" and "at" were recorded leave the field
 * unknown ("?" in the map): the row's value is then not compared.
 */
static void want_time(json_t *c, const char *field, const char *iso)
{
	int64_t us;

	if (iso && *iso && !time_parse_iso(iso, &us))
		json_object_set_new(c, field, json_integer(us));
	else
		json_object_set_new(c, field, json_string("?"));
}

static int want_status(const struct ledger_row *row, void *data)
{
	json_t *m = data, *p = json_loadb(row->payload, row->payload_len, 0, NULL), *c;
	const char *a = row->action + 7, *cr = jstr(p, "cr");
	const json_t *rec = json_object_get(p, "record");

	if (!*cr)
		cr = jstr(rec, "cr");
	if (!p || !*cr) {
		json_decref(p);
		return 0;
	}
	if (!strcmp(a, "open")) {
		json_object_set_new(m, cr, json_pack("{s:s, s:n, s:n, s:n}", "status",
				    *jstr(p, "status") ? jstr(p, "status") : "open",
				    "approved_at", "merged_at", "closed_at"));
	}
	if (!(c = json_object_get(m, cr)) || !strcmp(a, "open")) {
		if (c)
			json_object_set_new(c, "seq", json_integer(row->seq));
		json_decref(p);
		return 0;
	}
	if (!strcmp(a, "release")) {
		json_object_set_new(c, "status", json_string("open"));
	} else if (!strcmp(a, "approve")) {
		json_object_set_new(c, "status", json_string(*jstr(p, "status") ? jstr(p, "status")
							     : "?"));
		if (!strcmp(jstr(p, "status"), "approved"))
			want_time(c, "approved_at", jstr(rec, "time"));
		else if (!*jstr(p, "status"))
			json_object_set_new(c, "approved_at", json_string("?"));
	} else if (!strcmp(a, "reject")) {
		json_object_set_new(c, "status", json_string("rejected"));
		want_time(c, "closed_at", jstr(rec, "time"));
	} else if (!strcmp(a, "merge")) {
		int done = !json_array_size(json_object_get(p, "stale"));
		json_object_set_new(c, "status", json_string(done ? "done" : "merged"));
		want_time(c, "merged_at", jstr(p, "at"));
		if (done)
			want_time(c, "closed_at", jstr(p, "at"));
	} else if (!strcmp(a, "done")) {
		json_object_set_new(c, "status", json_string("done"));
		want_time(c, "closed_at", jstr(p, "at"));
	} else {
		json_decref(p);
		return 0;
	}
	json_object_set_new(c, "seq", json_integer(row->seq));
	json_decref(p);
	return 0;
}

static int check_change_status(struct store *s, struct ledger_state_report *r,
			       struct aiv_err *err)
{
	static const char *const times[] = { "approved_at", "merged_at", "closed_at" };
	json_t *want = json_object();
	struct store_stmt *st = NULL;
	int rc, ret;
	size_t i;

	if ((ret = ledger_walk(s, 1, 0, NULL, "change.", 0, 0, want_status, want, err)))
		goto out;
	if (!(st = store_prepare(s, "SELECT id, status, approved_at, merged_at, closed_at FROM"
				 " change_requests ORDER BY id", err))) {
		ret = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *id = col(st, 0), *ws;
		json_t *c = json_object_get(want, id);
		long long seq = (long long)jint(c, "seq");

		if (!c)
			continue; /* check_change_requests reports it */
		ws = jstr(c, "status");
		/* an old approve entry: the request is open or approved */
		if (!strcmp(ws, "?") ? strcmp(col(st, 1), "open") && strcmp(col(st, 1), "approved")
				     : strcmp(ws, col(st, 1)))
			ledger_state_add(r, "change_requests", id, "status is %s but the ledger says "
					 "%s (entry %lld)", col(st, 1), !strcmp(ws, "?") ?
					 "open or approved" : ws, seq);
		for (i = 0; i < ARRAY_SIZE(times); i++) {
			const json_t *w = json_object_get(c, times[i]);
			int null = store_col_is_null(st, (int)i + 2);
			char have[TIME_ISO_LEN] = "(none)", said[TIME_ISO_LEN] = "(none)";
			if (json_is_string(w) || (json_is_null(w) && null) ||
			    (json_is_integer(w) && !null &&
			     json_integer_value(w) == store_col_int(st, (int)i + 2)))
				continue;
			if (!null)
				time_format_us(store_col_int(st, (int)i + 2), have);
			if (json_is_integer(w))
				time_format_us(json_integer_value(w), said);
			ledger_state_add(r, "change_requests", id, "%s is %s but the ledger says %s "
					 "(entry %lld)", times[i], have, said, seq);
		}
	}
	store_reset(st);
	if (rc < 0)
		ret = rc;
out:
	json_decref(want);
	return ret;
}

static void signature_row(struct store_stmt *st, const json_t *e, struct ledger_state_report *r)
{
	const char *id = col(st, 1);
	json_t *rec = json_loadb(col(st, 2), strlen(col(st, 2)), 0, NULL);
	char have[SHA256_HEX];

	sha256_hex(col(st, 2), strlen(col(st, 2)), have);
	if (strcmp(have, col(st, 3)))
		ledger_state_add(r, "change_signatures", id, "the record hashes to %.12s... but "
				 "its record_hash is %.12s...", have, col(st, 3));
	else if (strcmp(jstr(e, "record_hash"), have))
		ledger_state_add(r, "change_signatures", id, "entry %s did not record this "
				 "signature", col(st, 0));
	else if (!rec || strcmp(jstr(rec, "cr"), col(st, 4)) ||
		 strcmp(jstr(rec, "decision"), col(st, 5)) || strcmp(jstr(rec, "signer"), col(st, 6)))
		ledger_state_add(r, "change_signatures", id, "cr, decision or signer ('%s', '%s', "
				 "'%s') differ from the signed record", col(st, 4), col(st, 5),
				 col(st, 6));
	json_decref(rec);
}

/* Keyed by the entry each signature names: one entry, one signature. */
static int check_change_signatures(struct store *s, struct ledger_state_report *r,
				   struct aiv_err *err)
{
	json_t *want = NULL;
	int ret;

	r->tables++;
	if (!(ret = ledger_state_entries_by_seq(s, "change.", "record_hash", &want, err)))
		ret = ledger_state_match_rows(s, "change_signatures", "SELECT ledger_seq, id, record,"
					      " record_hash, cr, decision, signer FROM"
					      " change_signatures ORDER BY id", want,
					      "change.* signature", signature_row, r, err);
	json_decref(want);
	return ret;
}

static int check_change_blobs(struct store *s, struct ledger_state_report *r,
			      struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	r->tables++;
	if (!(st = store_prepare(s, "SELECT sha256, content FROM change_blobs ORDER BY sha256",
				 err)))
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		char have[SHA256_HEX];
		r->rows++;
		sha256_hex(store_col_blob(st, 1), store_col_bytes(st, 1), have);
		if (strcmp(have, store_col_text(st, 0)))
			ledger_state_add(r, "change_blobs", store_col_text(st, 0), "the content "
					 "hashes to %.12s..., not to its key", have);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static void baseline_row(struct store_stmt *st, const json_t *e, struct ledger_state_report *r)
{
	json_t *items = json_loadb(col(st, 2), strlen(col(st, 2)), 0, NULL);
	char root[SHA256_HEX] = "";

	if (items)
		baseline_root(items, root);
	if (!items || strcmp(root, col(st, 1)) || strcmp(root, jstr(e, "root")) ||
	    (int64_t)json_array_size(items) != jint(e, "count"))
		ledger_state_add(r, "baselines", col(st, 0), "the items hash to root %.12s... (%zu "
				 "items) but baseline.create entry %lld recorded %.12s... (%lld)",
				 root, json_array_size(items), (long long)jint(e, "_seq"),
				 jstr(e, "root"), (long long)jint(e, "count"));
	json_decref(items);
}

static int check_baselines(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	json_t *want = NULL;
	int ret;

	r->tables++;
	if (!(ret = ledger_state_last_entries(s, "baseline.create", "name", &want, err)))
		ret = ledger_state_match_rows(s, "baselines", "SELECT name, root, items FROM"
					      " baselines ORDER BY name", want, "baseline.create",
					      baseline_row, r, err);
	json_decref(want);
	return ret;
}

void change_state_register(void)
{
	apply_state_replay("Artefact", "artefacts", "id",
			   "type, title, owner, owner_kind, version, path, uri, fingerprint");
	apply_state_replay("Artefact", "artefact_edges", "src, dst", "type");
	ledger_state_register(check_change_requests);
	ledger_state_register(check_change_status);
	ledger_state_register(check_change_signatures);
	ledger_state_register(check_change_blobs);
	ledger_state_register(check_baselines);
}
