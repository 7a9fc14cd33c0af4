/*
 * change_int.c - what the change request files share: prepared statements,
 * the artefact and change-request rows, time text. See change.h.
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
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "graph.h"
#include "ledger/ledger.h"

/* Prepare `sql` and bind n text parameters. */
struct store_stmt *chg_prep(struct store *s, struct aiv_err *err, const char *sql,
			    int n, ...)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	va_list ap;
	int i;

	if (!st)
		return NULL;
	va_start(ap, n);
	for (i = 1; i <= n; i++)
		store_bind_text(st, i, va_arg(ap, const char *));
	va_end(ap);
	return st;
}

int chg_query_in(struct store *s, const char *head, const char *tail,
		 const char *const *keys, size_t n, chg_row_fn fn, void *data,
		 struct aiv_err *err)
{
	return store_query_in(s, head, NULL, tail, keys, n, fn, data, err);
}

/* Run a statement that returns no rows; reset it. */
int chg_run(struct store_stmt *st, struct aiv_err *err)
{
	int rc;

	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/* 1 if the query returns a row, 0 if not, negative on error. */
int chg_exists(struct store_stmt *st, struct aiv_err *err)
{
	int rc;

	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : rc == STORE_ROW;
}

void chg_artefact_row_release(struct artefact_row *a)
{
	free(a->id);
	free(a->type);
	free(a->title);
	free(a->owner);
	free(a->owner_kind);
	free(a->path);
	free(a->fingerprint);
	memset(a, 0, sizeof(*a));
}

int chg_artefact_read(struct store *s, const char *id, struct artefact_row *a,
		      struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(s, err,
		"SELECT id, type, title, owner, owner_kind, path, fingerprint, version"
		" FROM artefacts WHERE id = ?", 1, id);
	int rc;

	memset(a, 0, sizeof(*a));
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		a->id = xstrdup(store_col_text(st, 0));
		a->type = xstrdup(store_col_text(st, 1));
		a->title = xstrdup(store_col_text(st, 2));
		a->owner = xstrdup(store_col_text(st, 3));
		a->owner_kind = xstrdup(store_col_text(st, 4));
		a->path = store_col_is_null(st, 5) ? NULL : xstrdup(store_col_text(st, 5));
		a->fingerprint = xstrdup(store_col_text(st, 6));
		a->version = store_col_int(st, 7);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return aiv_fail(err, AIV_ENOTFOUND,
				"unknown artefact '%s' (see 'aivalue get artefacts')", id);
	return 0;
}

void chg_cr_release(struct cr_row *c)
{
	free(c->id);
	free(c->artefact);
	free(c->status);
	free(c->base_fp);
	free(c->new_fp);
	free(c->reason);
	free(c->risk);
	free(c->author);
	free(c->generated_by);
	free(c->model);
	json_decref(c->impact);
	json_decref(c->path);
	json_decref(c->evidence);
	memset(c, 0, sizeof(*c));
}

static char *col_dup_or_null(struct store_stmt *st, int c)
{
	return store_col_is_null(st, c) ? NULL : xstrdup(store_col_text(st, c));
}

void chg_cr_from_row(struct store_stmt *st, struct cr_row *c)
{
	c->id = xstrdup(store_col_text(st, 0));
	c->num = store_col_int(st, 1);
	c->artefact = xstrdup(store_col_text(st, 2));
	c->status = xstrdup(store_col_text(st, 3));
	c->base_version = store_col_int(st, 4);
	c->base_fp = xstrdup(store_col_text(st, 5));
	c->new_fp = xstrdup(store_col_text(st, 6));
	c->reason = xstrdup(store_col_text(st, 7));
	c->risk = xstrdup(store_col_text(st, 8));
	c->author = xstrdup(store_col_text(st, 9));
	c->generated_by = col_dup_or_null(st, 10);
	c->model = col_dup_or_null(st, 11);
	c->impact = json_loads(store_col_text(st, 12), 0, NULL);
	c->path = json_loads(store_col_text(st, 13), 0, NULL);
	if (!c->impact)
		c->impact = json_array();
	if (!c->path)
		c->path = json_array();
	c->opened_at = store_col_int(st, 14);
	c->approved_at = store_col_is_null(st, 15) ? 0 : store_col_int(st, 15);
	c->merged_at = store_col_is_null(st, 16) ? 0 : store_col_int(st, 16);
	c->closed_at = store_col_is_null(st, 17) ? 0 : store_col_int(st, 17);
	c->seq = store_col_int(st, 18);
	c->evidence = json_loads(store_col_text(st, 19), 0, NULL);
	if (!c->evidence)
		c->evidence = json_array();
}

int chg_cr_read(struct store *s, const char *id, struct cr_row *c, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(s, err, "SELECT " CR_COLS " FROM change_requests"
				     " WHERE id = ?", 1, id);
	int rc;

	memset(c, 0, sizeof(*c));
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		chg_cr_from_row(st, c);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return chg_cr_unknown(err, id);
	return 0;
}

int chg_cr_unknown(struct aiv_err *err, const char *id)
{
	return aiv_fail(err, AIV_ENOTFOUND,
			"unknown change request '%s' (see 'aivalue change list')", id);
}

char *chg_now_iso(int64_t us)
{
	char buf[TIME_ISO_LEN];

	time_format_us(us, buf);
	return xstrdup(buf);
}

int chg_set_status(struct change_env *e, const char *cr, const char *status,
		   const char *time_col, int64_t now, struct aiv_err *err)
{
	char *sql = xstrfmt("UPDATE change_requests SET status = ?%s%s%s WHERE id = ?",
			    time_col ? ", " : "", time_col ? time_col : "",
			    time_col ? " = ?" : "");
	struct store_stmt *st = chg_prep(e->s, err, sql, 1, status);
	int ret;

	free(sql);
	if (!st)
		return err->code;
	if (time_col) {
		store_bind_int(st, 2, now);
		store_bind_text(st, 3, cr);
	} else {
		store_bind_text(st, 2, cr);
	}
	ret = chg_run(st, err);
	return ret;
}

/* ---- reads ----------------------------------------------------------- */

json_t *chg_time_or_null(int64_t us)
{
	char buf[TIME_ISO_LEN];

	if (!us)
		return json_null();
	time_format_us(us, buf);
	return json_string(buf);
}

void chg_strs_push(struct change_strs *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

void chg_strs_from_json(struct change_strs *l, const json_t *arr)
{
	json_t *x;
	size_t i;

	memset(l, 0, sizeof(*l));
	json_array_foreach(arr, i, x)
		if (json_is_string(x))
			chg_strs_push(l, json_string_value(x));
}

void chg_strs_from_json_text(struct change_strs *l, const char *text)
{
	json_t *arr = json_loads(text, 0, NULL);

	chg_strs_from_json(l, arr);
	json_decref(arr);
}

void chg_strs_release(struct change_strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
