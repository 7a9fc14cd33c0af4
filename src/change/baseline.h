/*
 * baseline.h - named snapshots of every artefact's version and
 * fingerprint, committed to by a Merkle root (SHA-256), and the exact
 * difference between two of them with its downstream impact.
 *
 *   leaf(i)  = SHA256(0x00 || canon({"fingerprint","id","version"}))   (ids sorted)
 *   node     = SHA256(0x01 || left || right); an odd last node moves up unchanged
 *   root     = the last node; SHA256("") for an empty baseline
 *
 * The 0x00/0x01 prefixes keep a leaf from passing for a node (as in
 * RFC 6962).  The root goes into the ledger, so a baseline's items can be
 * re-derived and checked against it at any time (baseline_diff does).
 */
#ifndef AIV_BASELINE_H
#define AIV_BASELINE_H

#include <jansson.h>

#include "aiv.h"
#include "core/hash.h"
#include "store/store.h"

/* Merkle root of items [{id, version, fingerprint}] (sorted by id) as hex. */
void baseline_root(const json_t *items, char root[SHA256_HEX]);

/* Record baseline `name` of the current artefacts.  *out: {name, root, count, ledger_seq}. */
int baseline_create(struct store *s, const char *actor, const char *name, json_t **out,
		    struct aiv_err *err);

/*
 * Compare baselines a and b ("@now" is the current state): {a, b, root_a,
 * root_b, verified, added, removed, changed, impacted, explain}.  A
 * baseline whose stored items no longer hash to its recorded root is an
 * error (AIV_ESTATE): it was tampered with.
 */
int baseline_diff(struct store *s, const char *a, const char *b, json_t **out,
		  struct aiv_err *err);

/* All baselines: [{name, root, created_at, count}]. */
int baseline_list(struct store *s, json_t **out, struct aiv_err *err);

#endif
