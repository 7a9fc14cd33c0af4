/*
 * conflict.c - conflicts between active change requests whose artefact
 * plus impact sets overlap: detection, resolution, listing. See change.h.
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

/* Mark conflicts of `cr` with other active CRs resolved. */
int chg_resolve_conflicts(struct change_env *e, const char *cr, int64_t now,
			  struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err,
		"UPDATE change_conflicts SET resolved_at = ? WHERE resolved_at IS NULL"
		" AND (a = ? OR b = ?)", 0);

	if (!st)
		return err->code;
	store_bind_int(st, 1, now);
	store_bind_text(st, 2, cr);
	store_bind_text(st, 3, cr);
	return chg_run(st, err);
}

/* ---- open ------------------------------------------------------------ */

static json_t *overlap(const struct cr_row *a, const char *b_art, const json_t *b_impact)
{
	json_t *set = json_object(), *res = json_array(), *it;
	size_t i;

	json_object_set_new(set, a->artefact, json_true());
	json_array_foreach(a->impact, i, it)
		json_object_set_new(set, json_str(it, "id"), json_true());
	if (json_object_get(set, b_art))
		json_array_append_new(res, json_string(b_art));
	json_array_foreach(b_impact, i, it)
		if (json_object_get(set, json_str(it, "id")))
			json_array_append_new(res, json_string(json_str(it, "id")));
	json_decref(set);
	return res;
}

int chg_find_conflicts(struct change_env *e, const char *id, const char *art,
		       const json_t *impact, int64_t now, json_t *out, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err, "SELECT " CR_COLS " FROM change_requests"
				     " WHERE status IN ('queued', 'open', 'approved') AND id <> ?"
				     " ORDER BY num", 1, id);
	struct cr_row *rows = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(rows, n + 1, alloc);
		chg_cr_from_row(st, &rows[n++]);
	}
	store_reset(st);
	if (rc < 0)
		ret = rc;
	for (i = 0; i < n && !ret; i++) {
		json_t *ov = overlap(&rows[i], art, impact);
		if (json_array_size(ov)) {
			char *txt = cjson_dumps(ov);
			struct store_stmt *ins = chg_prep(e->s, err,
				"INSERT INTO change_conflicts(a, b, overlap, detected_at) VALUES"
				" (?, ?, ?, ?)", 3, rows[i].id, id, txt);
			if (ins) {
				store_bind_int(ins, 4, now);
				ret = chg_run(ins, err);
			} else {
				ret = err->code;
			}
			json_array_append_new(out, json_pack("{s:s, s:O}", "cr", rows[i].id,
							     "overlap", ov));
			free(txt);
		}
		json_decref(ov);
	}
	for (i = 0; i < n; i++)
		chg_cr_release(&rows[i]);
	free(rows);
	return ret;
}

int change_conflicts(struct change_env *e, struct change_conflict_list *out,
		     struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err, "SELECT a, b, overlap, detected_at, resolved_at"
				     " FROM change_conflicts ORDER BY detected_at, a, b", 0);
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct change_conflict *c;
		ALLOC_GROW(out->v, out->n + 1, alloc);
		c = &out->v[out->n++];
		c->a = xstrdup(store_col_text(st, 0));
		c->b = xstrdup(store_col_text(st, 1));
		chg_strs_from_json_text(&c->overlap, store_col_text(st, 2));
		c->detected_at = store_col_int(st, 3);
		c->resolved_at = store_col_is_null(st, 4) ? 0 : store_col_int(st, 4);
	}
	store_reset(st);
	if (rc < 0) {
		change_conflict_list_release(out);
		return rc;
	}
	return 0;
}

void change_conflict_list_release(struct change_conflict_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].a);
		free(l->v[i].b);
		chg_strs_release(&l->v[i].overlap);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
