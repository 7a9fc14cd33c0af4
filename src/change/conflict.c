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

int change_conflicts(struct change_env *e, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err, "SELECT a, b, overlap, detected_at, resolved_at"
				     " FROM change_conflicts ORDER BY detected_at, a, b", 0);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *ov = json_loads(store_col_text(st, 2), 0, NULL);
		char *det = chg_now_iso(store_col_int(st, 3));
		char *res = store_col_is_null(st, 4) ? NULL : chg_now_iso(store_col_int(st, 4));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:s, s:s?, s:b}", "a",
			store_col_text(st, 0), "b", store_col_text(st, 1), "overlap",
			ov ? ov : json_array(), "detected_at", det, "resolved_at", res, "open", !res));
		free(det);
		free(res);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
