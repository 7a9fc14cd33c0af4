/*
 * spec_fields.c - apply_set_spec_fields; see spec_fields.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/hash.h"
#include "spec_fields.h"

int apply_set_spec_fields(struct store *s, const char *kind, const char *name,
			  const json_t *fields, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT spec FROM objects WHERE kind = ?"
					      " AND name = ?", err);
	json_t *spec = NULL;
	char *canon, hash[SHA256_HEX];
	int rc;

	if (!st)
		return err->code;
	store_bind_text(st, 1, kind);
	store_bind_text(st, 2, name);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		spec = json_loads(store_col_text(st, 0), 0, NULL);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (!spec)
		return 0;
	json_object_update(spec, (json_t *)fields);
	canon = cjson_dumps(spec);
	sha256_hex(canon, strlen(canon), hash);
	json_decref(spec);
	st = store_prepare(s, "UPDATE objects SET spec = ?, spec_hash = ? WHERE kind = ?"
			   " AND name = ?", err);
	if (!st) {
		free(canon);
		return err->code;
	}
	store_bind_text(st, 1, canon);
	store_bind_text(st, 2, hash);
	store_bind_text(st, 3, kind);
	store_bind_text(st, 4, name);
	rc = store_step(st, err);
	store_reset(st);
	free(canon);
	return rc < 0 ? rc : 0;
}
