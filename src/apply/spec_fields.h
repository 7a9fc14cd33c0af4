/*
 * spec_fields.h - set fields of one applied object's stored spec, for a
 * layer whose own state the spec mirrors (a merged change request moves
 * an Artefact's version and fingerprint), without reading the objects
 * table itself.
 */
#ifndef AIV_APPLY_SPEC_FIELDS_H
#define AIV_APPLY_SPEC_FIELDS_H

#include <jansson.h>

#include "aiv.h"
#include "store/store.h"

/*
 * Set each key of `fields` in the spec of object kind/name and store the
 * spec canonical, with its hash.  No object of that name: nothing to do,
 * 0.  No ledger entry: the caller's transaction records why.  0 or a
 * negative aiv_err code.
 */
int apply_set_spec_fields(struct store *s, const char *kind, const char *name,
			  const json_t *fields, struct aiv_err *err);

#endif
