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

extern const struct kind_ops org_team_kind;
extern const struct kind_ops org_person_kind;
extern const struct kind_ops org_initiative_kind;

/* Register the three kinds (Team first: people and initiatives refer to teams). */
void org_register_kinds(void);
/* Register the replay of teams, people, initiatives for audit verify (org_state.c). */
void org_state_register(void);

/* Check a slug: [a-z0-9] then [a-z0-9._-]*, at most 128 bytes. */
int org_valid_name(const char *s);

#endif
