/*
 * evidence.c - evidence files attached to change requests, stored
 * content-addressed. See change.h.
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

/* Is evidence file `ev` acceptable?  0, or AIV_EINPUT naming it. */
int chg_evidence_check(const struct change_evidence *ev, struct aiv_err *err)
{
	const unsigned char *c;

	if (!ev->name || !*ev->name)
		return aiv_fail(err, AIV_EINPUT, "evidence: a file needs a name");
	if (strlen(ev->name) > 255)
		return aiv_fail(err, AIV_EINPUT, "evidence '%.40s...': name longer than 255 bytes",
				ev->name);
	for (c = (const unsigned char *)ev->name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return aiv_fail(err, AIV_EINPUT, "evidence: name contains a control "
					"character (byte %u)", (unsigned)(c - (const unsigned char *)ev->name));
	if (!ev->len)
		return aiv_fail(err, AIV_EINPUT, "evidence '%s' is empty", ev->name);
	if (ev->len > CHANGE_EVIDENCE_MAX)
		return aiv_fail(err, AIV_ETOOBIG, "evidence '%s' is %zu bytes; at most %u are "
				"stored per file", ev->name, ev->len, CHANGE_EVIDENCE_MAX);
	return 0;
}

/* Store one evidence file's content under its hash (fp out). */
int chg_evidence_store(struct change_env *e, const struct change_evidence *ev,
		       char fp[SHA256_HEX], struct aiv_err *err)
{
	struct store_stmt *st;

	sha256_hex(ev->data, ev->len, fp);
	st = chg_prep(e->s, err, "INSERT INTO change_blobs(sha256, content) VALUES (?, ?)"
		  " ON CONFLICT(sha256) DO NOTHING", 1, fp);
	if (!st)
		return err->code;
	store_bind_blob(st, 2, ev->data, ev->len);
	return chg_run(st, err);
}

/* ---- evidence --------------------------------------------------------- */

/* The typed copy of evidence item `it` (stored JSON or just built). */
static void file_from_json(const json_t *it, int stored, struct change_evidence_file *f)
{
	const char *by = json_str(it, "added_by"), *at = json_str(it, "added_at");

	f->name = xstrdup(json_str(it, "name") ? json_str(it, "name") : "");
	f->sha256 = xstrdup(json_str(it, "sha256") ? json_str(it, "sha256") : "");
	f->bytes = json_integer_value(json_object_get(it, "bytes"));
	f->added_by = by ? xstrdup(by) : NULL;
	f->added_at = by ? xstrdup(at ? at : "") : NULL;
	f->stored = stored;
}

/* Items [from, to) of evidence array `arr`, typed into *l. */
void chg_evidence_list_from_json(const json_t *arr, size_t from, size_t to, int stored,
			   struct change_evidence_list *l)
{
	size_t i;

	l->n = to - from;
	l->v = l->n ? xcalloc(l->n, sizeof(*l->v)) : NULL;
	for (i = from; i < to; i++)
		file_from_json(json_array_get(arr, i), stored, &l->v[i - from]);
}

void chg_evidence_list_release(struct change_evidence_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].sha256);
		free(l->v[i].added_by);
		free(l->v[i].added_at);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void change_attach_result_release(struct change_attach_result *r)
{
	free(r->cr);
	chg_evidence_list_release(&r->attached);
	chg_evidence_list_release(&r->evidence);
	memset(r, 0, sizeof(*r));
}

int change_attach(struct change_env *e, const char *cr, const char *by,
		  const struct change_evidence *ev, size_t n, struct change_attach_result *out,
		  struct aiv_err *err)
{
	struct cr_row c;
	json_t *attached = json_array(), *payload = NULL, *it;
	char *txt = NULL, *subject = NULL, *when = NULL;
	int64_t now = time_now_us(), seq = 0;
	size_t i, k, nstored = 0;
	int ret, in_tx = 0;
	struct store_stmt *st;

	memset(&c, 0, sizeof(c));
	if (!n) {
		ret = aiv_fail(err, AIV_EINPUT, "change attach: no evidence file given");
		goto cleanup;
	}
	for (i = 0; i < n; i++)
		if ((ret = chg_evidence_check(&ev[i], err)))
			goto cleanup;
	if (!by || !*by)
		by = e->actor;
	if ((ret = chg_cr_read(e->s, cr, &c, err)))
		goto cleanup;
	nstored = json_array_size(c.evidence);
	when = chg_now_iso(now);
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	for (i = 0; i < n; i++) {
		char fp[SHA256_HEX];
		if ((ret = chg_evidence_store(e, &ev[i], fp, err)))
			goto cleanup;
		json_array_foreach(c.evidence, k, it) {
			if (!strcmp(json_str(it, "sha256"), fp)) {
				ret = aiv_fail(err, AIV_ECONFLICT, "evidence '%s' is already attached "
					       "to %s (as '%s', sha256 %.12s...)", ev[i].name, c.id,
					       json_str(it, "name"), fp);
				goto cleanup;
			}
		}
		it = json_pack("{s:s, s:s, s:I, s:s, s:s}", "name", ev[i].name, "sha256", fp,
			       "bytes", (json_int_t)ev[i].len, "added_by", by, "added_at", when);
		json_array_append(attached, it);
		json_array_append_new(c.evidence, it);
	}
	payload = json_pack("{s:s, s:s, s:O}", "cr", c.id, "by", by, "attached", attached);
	subject = xstrfmt("ChangeRequest/%s", c.id);
	if ((ret = ledger_append(e->s, e->actor, "change.evidence", subject, payload, &seq, err)))
		goto cleanup;
	txt = cjson_dumps(c.evidence);
	st = chg_prep(e->s, err, "UPDATE change_requests SET evidence = ? WHERE id = ?", 2, txt, c.id);
	if ((ret = chg_run(st, err)) || (ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	memset(out, 0, sizeof(*out));
	out->cr = xstrdup(c.id);
	chg_evidence_list_from_json(attached, 0, json_array_size(attached), 0, &out->attached);
	chg_evidence_list_from_json(c.evidence, 0, json_array_size(c.evidence), 0, &out->evidence);
	for (i = 0; i < nstored; i++)
		out->evidence.v[i].stored = 1;
	out->ledger_seq = seq;
cleanup:
	if (in_tx)
		store_rollback(e->s);
	chg_cr_release(&c);
	json_decref(attached);
	json_decref(payload);
	free(txt);
	free(subject);
	free(when);
	return ret;
}
