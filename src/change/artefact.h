/*
 * artefact.h - the Artefact kind: documents, code and records under change
 * control, and the typed dependency edges between them.
 *
 * An artefact is registered with `aivalue apply -f` (kind: Artefact) or by
 * `aivalue artefacts sync DIR`.  Its rows live in `artefacts` and
 * `artefact_edges` (migration 3).  An edge (src, dst, type) means "src
 * depends on dst": dst is upstream, src downstream.  A change to dst can
 * break src.
 *
 * Content changes of a registered artefact never go through apply: they go
 * through a change request (change.h), which is what records the reason,
 * the approvals and the stale marks downstream.  apply may create
 * artefacts and change their title, owner and edges.
 */
#ifndef AIV_ARTEFACT_H
#define AIV_ARTEFACT_H

#include "apply/apply.h"
#include "core/hash.h"

#define ARTEFACT_MAX_CONTENT (64u << 20) /* 64 MiB per artefact file */

extern const struct kind_ops change_artefact_kind;

/* Register the Artefact kind (after org's kinds: artefacts name owners). */
void change_register_kinds(void);
/* Register the change tables' checks for audit verify (change_state.c). */
void change_state_register(void);

/*
 * An artefact id: a letter, then letters and digits, then groups of
 * '-', '_' or '.' followed by letters or digits; at most 64 bytes.
 * Upper case is allowed, so POL-7, SOP-12 and REQ001 are ids.
 */
int artefact_valid_id(const char *s);

/* The eight artefact types and five edge types; NULL-terminated lists. */
extern const char *const artefact_types[];
extern const char *const artefact_edge_types[];
int artefact_type_ok(const char *t);
int artefact_edge_type_ok(const char *t);
/* Default edge type for a bare id in depends_on. */
#define ARTEFACT_DEFAULT_EDGE "derives-from"

/*
 * Fixed rule: every edge type except "references" forbids cycles (a
 * document cannot derive from, implement, verify or be governed by
 * itself, even indirectly); references may point both ways.
 */
int artefact_edge_forbids_cycle(const char *type);

/*
 * Read `depends_on` of doc (ids, or {id, type}) into spec's depends_on
 * (ids) and edge_types (id -> type); spec must hold "name" already.
 */
int artefact_parse_depends(const struct ypos *p, struct fy_node *doc, json_t *spec,
			   const char *what);

/* SHA-256 of a file's bytes as hex.  0, or AIV_EIO / AIV_ETOOBIG with err. */
int artefact_file_fingerprint(const char *path, char out[SHA256_HEX],
			      struct aiv_err *err);

/*
 * Who owns an artefact: `owner` names a Person or a Team in the store.
 * Sets *owner_kind to "Person" or "Team" (static strings); AIV_EINPUT when
 * the name is neither.
 */
int artefact_owner_kind(struct store *s, const char *owner,
			const char **owner_kind, struct aiv_err *err);

#endif
