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

/*
 * The results below are typed: each call fills a struct the caller owns
 * (overwritten, zeroed or not) and frees with its _release, which leaves
 * it zeroed; on error there is nothing to release.  The JSON printers
 * write what `aivalue baseline ... --json` prints and /api/v1/baselines
 * sends; cli/baseline.c prints the fields as text.
 */

/* One baseline: its name, Merkle root, artefact count and when it was made. */
struct baseline_info {
	char *name;
	char root[SHA256_HEX];
	int64_t count;              /* artefacts */
	int64_t created_at;         /* microseconds since the epoch */
	int64_t ledger_seq;         /* baseline_create: its ledger entry; 0 in a list */
};
void baseline_info_release(struct baseline_info *b);

/* Record baseline `name` of the current artefacts. */
int baseline_create(struct store *s, const char *actor, const char *name,
		    struct baseline_info *out, struct aiv_err *err);
/* {name, root, count, ledger_seq}.  New reference. */
json_t *baseline_created_json(const struct baseline_info *b);

/* An artefact whose fingerprint differs between the two baselines. */
struct baseline_changed {
	char *id, *from_fingerprint, *to_fingerprint;
	int64_t from_version, to_version;
};
/* An artefact downstream (in today's graph) of a changed one, not itself changed. */
struct baseline_impacted {
	char *id;
	char *path;                 /* "A -> B -> id" */
};
struct baseline_diff_result {
	char *a, *b;
	char root_a[SHA256_HEX], root_b[SHA256_HEX];
	int same;                   /* the roots are equal */
	char **added, **removed;    /* artefact ids only in b, only in a */
	size_t nadded, nremoved;
	struct baseline_changed *changed;
	size_t nchanged;
	struct baseline_impacted *impacted;
	size_t nimpacted;
	char *explain;              /* the difference in one sentence */
};
/*
 * Compare baselines a and b ("@now" is the current state).  A baseline
 * whose stored items no longer hash to its recorded root is an error
 * (AIV_ESTATE): it was tampered with.
 */
int baseline_diff(struct store *s, const char *a, const char *b,
		  struct baseline_diff_result *out, struct aiv_err *err);
void baseline_diff_result_release(struct baseline_diff_result *d);
/* {a, b, root_a, root_b, same, added, removed, changed, impacted, explain}.  New reference. */
json_t *baseline_diff_result_json(const struct baseline_diff_result *d);

/* All baselines, oldest first. */
struct baseline_list {
	struct baseline_info *v;
	size_t n;
};
int baseline_list(struct store *s, struct baseline_list *out, struct aiv_err *err);
void baseline_list_release(struct baseline_list *l);
/* [{name, root, created_at, count}].  New reference. */
json_t *baseline_list_json(const struct baseline_list *l);

#endif
