/*
 * usage_table.h - usage events as columns, loaded once per run.
 *
 * Metric kernels (adoption.c) never talk SQL: they read these arrays.
 * Every string is interned (metrics/intern.h), so an event is six 4-byte
 * columns (24 bytes), and after utab_finish() events are sorted by
 * (person, day) with person_off[] giving each person's slice:
 *
 *   person_off: [0, 3, 3, 7, ...]      person p owns events
 *   person:     [0 0 0 2 2 2 2 ...]      person_off[p] .. person_off[p+1]-1
 *   day:        [d d d d d d d ...]      ascending within a person
 *   tool/feature/workflow/count: parallel columns
 *
 * Days are days since 1970-01-01 (UTC).  Build a table by hand (tests,
 * the benchmark) with utab_person/utab_event/..., or from a workspace
 * with usage_load() (ingest/usage_load.h, which owns the usage tables).
 */
#ifndef AIV_METRICS_USAGE_TABLE_H
#define AIV_METRICS_USAGE_TABLE_H

#include "aiv.h"
#include "intern.h"
#include "org/people.h"
#include "store/store.h"

struct usage_table {
	/* events */
	size_t n, alloc;
	uint32_t *person, *tool, *feature, *workflow, *count;
	int32_t *day;
	size_t *person_off;        /* npeople + 1 entries after utab_finish */
	int32_t min_day, max_day;  /* over events with count > 0 */
	/* people */
	size_t npeople, apeople;
	struct intern names;       /* person id == name id */
	uint32_t *role, *team, *function; /* ids into roles/teams/functions */
	uint8_t *champion, *licensed;
	int32_t *left_day;         /* the day a leaver left, ORG_NEVER_LEFT (org/people.h) */
	int have_seats;            /* some seat was recorded: licences known */
	struct intern roles, teams, functions;
	struct intern tools, features, workflows;
	/* workflow id -> creator person (INTERN_NONE when unknown) */
	uint32_t *wf_creator;
	size_t awf_creator;
	int finished;
};

void utab_init(struct usage_table *t);
void utab_release(struct usage_table *t);
/* Add a person (name must be new); returns its id. */
uint32_t utab_person(struct usage_table *t, const char *name, const char *role,
		     const char *team, const char *function, int champion);
/* Mark a person as having left on `left_day` (days since 1970-01-01). */
void utab_left(struct usage_table *t, uint32_t person, int32_t left_day);
/*
 * 1 when the person was employed on some day of [from_day, to_day]: the
 * test every headcount of a period applies (org_people_active_between).
 */
int utab_employed(const struct usage_table *t, uint32_t person, int32_t from_day,
		  int32_t to_day);
/* Person id by name, or INTERN_NONE. */
uint32_t utab_find_person(const struct usage_table *t, const char *name);
/* Append an event (before utab_finish). */
void utab_event(struct usage_table *t, uint32_t person, int32_t day, const char *tool,
		const char *feature, const char *workflow, uint32_t count);
/* Same with already-interned ids (fast path for bulk loads). */
void utab_event_ids(struct usage_table *t, uint32_t person, int32_t day, uint32_t tool,
		    uint32_t feature, uint32_t workflow, uint32_t count);
/* Make room for `more` events at once (bulk loads: no doubling, no copies). */
void utab_reserve(struct usage_table *t, size_t more);
void utab_seat(struct usage_table *t, uint32_t person);
void utab_creator(struct usage_table *t, const char *workflow, uint32_t person);
/* Sort by (person, day) and build person_off.  Call once, after loading. */
void utab_finish(struct usage_table *t);
/* Bytes held by the event columns and offsets (for the benchmark). */
size_t utab_event_bytes(const struct usage_table *t);

#endif
