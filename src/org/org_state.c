/*
 * org_state.c - the organisation's tables against the ledger, for
 * `audit verify --state`: teams, people and initiatives are written by
 * their kinds from the applied specs alone, so they are replayed
 * (apply/apply_state.h).  Registered at start by org_register_kinds().
 */
#include "apply/apply_state.h"
#include "org.h"

void org_state_register(void)
{
	/* Team first: people and initiatives refer to teams */
	apply_state_replay("Team", "teams", "name", "title, function, parent, lead");
	apply_state_replay("Person", "people", "name",
			   "display_name, email, role, team, manager, champion");
	apply_state_replay("Initiative", "initiatives", "name",
			   "title, model, owner, phase, status, description");
}
