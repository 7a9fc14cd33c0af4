/*
 * people.h - typed questions about the organisation's people and teams,
 * for layers that need an answer without reading org's tables (people,
 * teams) themselves: is this a person, a team, a member, who manages.
 *
 * Each returns 1 (yes) or 0 (no), or a negative aiv_err code with err
 * set; none writes.
 */
#ifndef AIV_ORG_PEOPLE_H
#define AIV_ORG_PEOPLE_H

#include "aiv.h"
#include "store/store.h"

/* Is `name` a person? */
int org_is_person(struct store *s, const char *name, struct aiv_err *err);
/* Is `name` a team? */
int org_is_team(struct store *s, const char *name, struct aiv_err *err);
/* Is `person` a member or the lead of `team`? */
int org_in_team(struct store *s, const char *person, const char *team, struct aiv_err *err);
/* Is `person` in a team of business function `function`? */
int org_in_function(struct store *s, const char *person, const char *function,
		    struct aiv_err *err);
/*
 * org_in_team and org_in_function for several people in one statement,
 * for a page that asks them beside other reads in one round trip:
 * org_teams_of_in sets q (a store_in for store_query_in_many, store.h) to
 * read the team of each of the n people (borrowed until it ran), with its
 * function, and the teams each one leads, into t (zeroed first); then
 * org_teams_in_team and org_teams_in_function answer what org_in_team and
 * org_in_function would have for those people.  Free t with
 * org_teams_of_release.
 */
struct org_teams_of {
	struct org_team_of {
		char *person, *team, *function; /* function NULL for a team led */
		int lead;
	} *v;
	size_t n, alloc;
};
void org_teams_of_in(struct org_teams_of *t, const char *const *people, size_t n,
		     struct store_in *q);
int org_teams_in_team(const struct org_teams_of *t, const char *person, const char *team);
int org_teams_in_function(const struct org_teams_of *t, const char *person,
			  const char *function);
void org_teams_of_release(struct org_teams_of *t);
/*
 * The manager of `person`: *manager a new string (caller frees), NULL when
 * there is none or `person` does not exist; 0 or a negative code.
 */
int org_manager(struct store *s, const char *person, char **manager, struct aiv_err *err);

/*
 * Every team, then every person, in the store's order, as typed rows for
 * callers that mirror the organisation (the control snapshot's Cedar
 * entities).  Strings are borrowed for the call ("" for NULL); a non-zero
 * return from fn stops the walk and is returned.  Neither writes.
 */
struct org_team_row {
	const char *name, *title, *function, *parent, *lead;
};
struct org_person_row {
	const char *name, *display_name, *email, *role, *team, *manager;
	int champion;
};
typedef int (*org_team_fn)(const struct org_team_row *t, void *data);
typedef int (*org_person_row_fn)(const struct org_person_row *p, void *data);
int org_each_team(struct store *s, org_team_fn fn, void *data, struct aiv_err *err);
int org_each_person_row(struct store *s, org_person_row_fn fn, void *data,
			struct aiv_err *err);

/*
 * Employment of a person over time: a person counts in a period's
 * headcount (the denominator of a share for that period) only if they
 * were employed in it.  The directory gives no joining day, so a person
 * is taken as employed from the beginning; one who left on day L
 * (people.left_at, days since 1970-01-01) was employed through L - 1.
 * ORG_NEVER_LEFT for a person still employed.
 *
 * 1 when a person who left on `left_day` was employed on some day of
 * [from_day, to_day] (left after its start), else 0.  Pure: every
 * headcount of the measuring layers goes through it.
 */
#define ORG_NEVER_LEFT INT32_MAX
int org_people_active_between(int32_t left_day, int32_t from_day, int32_t to_day);

/*
 * fn(name, left_day, data) per person marked left (status left, with
 * left_at), by name: left_day in days since 1970-01-01.  0 or a negative
 * code; a workspace older than the left_at column has no leavers.
 */
typedef void (*org_leaver_fn)(const char *name, int32_t left_day, void *data);
int org_each_leaver(struct store *s, org_leaver_fn fn, void *data, struct aiv_err *err);

/*
 * fn(name, role, team, function, champion, data) per person, by name:
 * function is the business function of the person's team ("" when the
 * team has none or is not stored).  Strings borrowed for the call.
 * 0 or a negative code.
 */
typedef void (*org_profile_fn)(const char *name, const char *role, const char *team,
			       const char *function, int champion, void *data);
int org_each_profile(struct store *s, org_profile_fn fn, void *data, struct aiv_err *err);

/*
 * The name a person reads for `name`: a person's display name, else a
 * team's title.  *out a new string (caller frees), NULL when `name` is
 * neither; 0 or a negative code.
 */
int org_display_name(struct store *s, const char *name, char **out, struct aiv_err *err);

#endif
