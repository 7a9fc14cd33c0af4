/*
 * identity.h - the identity map: which logins, UPNs, emails and hashed
 * ids belong to which person.
 *
 * Usage exports name people the way each vendor knows them (a GitHub
 * login, a Microsoft user principal name, an email, an MD5 when names
 * are concealed).  The map joins them to `people`.  Two ways to fill it:
 *
 *   kind: Identity            (aivalue apply -f; one object per person)
 *   name: ana.lopez           the person
 *   github: [analopez]        string or list, each optional
 *   upn: [ana.lopez@acme.onmicrosoft.com]
 *   email: [ana@acme.example]
 *   hashed: [3f2a...]
 *
 *   aivalue identities import FILE.csv   (columns person, kind, value)
 *
 * Values are stored trimmed and lowercased.  Whenever the map changes,
 * usage rows imported earlier under a now-known identity are joined to
 * their person (they were kept with person NULL and reported).
 */
#ifndef AIV_INGEST_IDENTITY_H
#define AIV_INGEST_IDENTITY_H

#include "apply/apply.h"

extern const struct kind_ops identity_kind;
extern const struct kind_ops starter_workflow_kind; /* register.c */
extern const struct kind_ops tool_kind;             /* register.c */
/* Register Identity (and the other kinds of this layer) with apply. */
void ingest_register_kinds(void);
/* Register the imported tables' checks for audit verify (ingest_state.c). */
void ingest_state_register(void);

struct identity_import_result {
	int64_t rows, ledger_seq, rejoined;
	int unchanged; /* every row was already in the map */
};

/*
 * Import person,kind,value rows from a CSV file: all-or-nothing, one
 * ledger entry.  Unknown people and kinds are errors naming FILE:LINE:COL.
 */
int identity_import_csv(struct store *s, const char *actor, const char *path,
			struct identity_import_result *res, struct aiv_err *err);

/* s trimmed and lowercased, as identity values are stored (caller frees). */
char *identity_normalise(const char *s);

/* Join usage rows with person NULL whose identity is now known; *n rows. */
int identity_rejoin(struct store *s, int64_t *n, struct aiv_err *err);

/*
 * Usage identities that match no person, most rows first: *out is a new
 * array of {"identity": ..., "rows": N} (caller decrefs; NULL on error).
 * The CLI (`identities unmatched`) and GET /api/v1/identities/unmatched
 * both print it.
 */
int identity_unmatched(struct store *s, json_t **out, struct aiv_err *err);

/*
 * Every identity mapping by person, kind, value: *out is a new array of
 * {"person", "kind", "value", "source"} (caller decrefs; NULL on error).
 */
int identity_list(struct store *s, json_t **out, struct aiv_err *err);

#endif
