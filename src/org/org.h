/*
 * org.h - the organisation: people, teams, initiatives.
 *
 * Three kinds for `aivalue apply`, each a struct kind_ops the CLI
 * registers with the apply engine (apply/apply.h).  Their typed tables
 * (people, teams, initiatives) are what the measurement layers join
 * usage and events to: by role, team, function.
 */
#ifndef AIV_ORG_H
#define AIV_ORG_H

#include "apply/apply.h"

/*
 * The schema version that gave people directory_id, status and left_at
 * (org_schema.c); older workspaces opened read-only lack the columns.
 */
#define ORG_LEFT_VERSION 16

extern const struct kind_ops org_team_kind;
extern const struct kind_ops org_person_kind;
extern const struct kind_ops org_initiative_kind;

/* Register the three kinds (Team first: people and initiatives refer to teams). */
void org_register_kinds(void);
/* Register the replay of teams, people, initiatives for audit verify (org_state.c). */
void org_state_register(void);

/* Check a slug: [a-z0-9] then [a-z0-9._-]*, at most 128 bytes. */
int org_valid_name(const char *s);

/*
 * Typed reads for the layers above (org/ owns people, teams, initiatives;
 * no other folder names them in SQL).  Each returns 0 or a negative code.
 */
/* *yes = 1 if person `name` exists. */
int org_person_exists(struct store *s, const char *name, int *yes, struct aiv_err *err);
/* *yes = 1 if initiative `name` exists. */
int org_initiative_exists(struct store *s, const char *name, int *yes,
			  struct aiv_err *err);
/* fn(name, email or NULL, data) per person, by name; strings borrowed for the call. */
typedef void (*org_person_fn)(const char *name, const char *email, void *data);
int org_each_person(struct store *s, org_person_fn fn, void *data, struct aiv_err *err);

#endif
