/*
 * people.c - the typed questions of people.h over org's tables.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "org.h"
#include "people.h"

/* 1 when `sql` with the n text parameters returns a row, 0 if not, negative on error. */
static int any_row(struct store *s, struct aiv_err *err, const char *sql, int n, ...)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	va_list ap;
	int i, rc;

	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	va_start(ap, n);
	for (i = 1; i <= n; i++)
		store_bind_text(st, i, va_arg(ap, const char *));
	va_end(ap);
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : rc == STORE_ROW;
}

int org_is_person(struct store *s, const char *name, struct aiv_err *err)
{
	return any_row(s, err, "SELECT 1 FROM people WHERE name = ?", 1, name);
}

int org_is_team(struct store *s, const char *name, struct aiv_err *err)
{
	return any_row(s, err, "SELECT 1 FROM teams WHERE name = ?", 1, name);
}

int org_in_team(struct store *s, const char *person, const char *team, struct aiv_err *err)
{
	return any_row(s, err, "SELECT 1 FROM people WHERE name = ? AND team = ?"
		       " UNION ALL SELECT 1 FROM teams WHERE name = ? AND lead = ?",
		       4, person, team, team, person);
}

int org_in_function(struct store *s, const char *person, const char *function,
		    struct aiv_err *err)
{
	return any_row(s, err, "SELECT 1 FROM people p JOIN teams t ON p.team = t.name"
		       " WHERE p.name = ? AND t.function = ?", 2, person, function);
}

static char *col_dup_or_null(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : xstrdup(store_col_text(st, col));
}

static int teams_of_row(struct store_stmt *st, void *data)
{
	struct org_teams_of *t = data;
	struct org_team_of *r;

	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	r = &t->v[t->n++];
	r->person = col_dup_or_null(st, 0);
	r->team = col_dup_or_null(st, 1);
	r->function = col_dup_or_null(st, 2);
	r->lead = (int)store_col_int(st, 3);
	return 0;
}

void org_teams_of_in(struct org_teams_of *t, const char *const *people, size_t n,
		     struct store_in *q)
{
	memset(t, 0, sizeof(*t));
	memset(q, 0, sizeof(*q));
	/* a member's row (with its team's function: org_in_function's join) and a lead's */
	q->head = "SELECT x.who, x.team, x.function, x.lead FROM (SELECT p.name AS who,"
		  " p.team AS team, f.function AS function, 0 AS lead FROM people p"
		  " LEFT JOIN teams f ON f.name = p.team UNION ALL SELECT lead, name, NULL, 1"
		  " FROM teams) x WHERE x.who IN ";
	q->tail = "";
	q->keys = people;
	q->n = n;
	q->fn = teams_of_row;
	q->data = t;
}

static int same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

int org_teams_in_team(const struct org_teams_of *t, const char *person, const char *team)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (same(t->v[i].person, person) && same(t->v[i].team, team))
			return 1;
	return 0;
}

int org_teams_in_function(const struct org_teams_of *t, const char *person,
			  const char *function)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!t->v[i].lead && same(t->v[i].person, person) &&
		    same(t->v[i].function, function))
			return 1;
	return 0;
}

void org_teams_of_release(struct org_teams_of *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].person);
		free(t->v[i].team);
		free(t->v[i].function);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int org_manager(struct store *s, const char *person, char **manager, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT manager FROM people WHERE name = ?", err);
	int rc;

	*manager = NULL;
	if (!st)
		return err->code;
	store_bind_text(st, 1, person);
	rc = store_step(st, err);
	if (rc == STORE_ROW && !store_col_is_null(st, 0))
		*manager = xstrdup(store_col_text(st, 0));
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int org_each_team(struct store *s, org_team_fn fn, void *data, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT name, title, function, parent, lead"
					      " FROM teams", err);
	int rc, stop = 0;

	if (!st)
		return err->code;
	while (!stop && (rc = store_step(st, err)) == STORE_ROW) {
		struct org_team_row t = {
			store_col_text(st, 0), store_col_text(st, 1), store_col_text(st, 2),
			store_col_text(st, 3), store_col_text(st, 4),
		};
		stop = fn(&t, data);
	}
	store_reset(st);
	return stop ? stop : rc < 0 ? rc : 0;
}

int org_each_person_row(struct store *s, org_person_row_fn fn, void *data,
			struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT name, display_name, email, role, team,"
					      " manager, champion FROM people", err);
	int rc, stop = 0;

	if (!st)
		return err->code;
	while (!stop && (rc = store_step(st, err)) == STORE_ROW) {
		struct org_person_row p = {
			store_col_text(st, 0), store_col_text(st, 1), store_col_text(st, 2),
			store_col_text(st, 3), store_col_text(st, 4), store_col_text(st, 5),
			(int)store_col_int(st, 6),
		};
		stop = fn(&p, data);
	}
	store_reset(st);
	return stop ? stop : rc < 0 ? rc : 0;
}

int org_each_profile(struct store *s, org_profile_fn fn, void *data, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT p.name, p.role, p.team,"
		" coalesce(t.function, ''), p.champion FROM people p LEFT JOIN teams t"
		" ON t.name = p.team ORDER BY p.name", err);
	int rc;

	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	while ((rc = store_step(st, err)) == STORE_ROW)
		fn(store_col_text(st, 0), store_col_text(st, 1), store_col_text(st, 2),
		   store_col_text(st, 3), (int)store_col_int(st, 4), data);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int org_display_name(struct store *s, const char *name, char **out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT display_name FROM people WHERE name = ?"
					      " UNION ALL SELECT title FROM teams WHERE name = ?", err);
	int rc;

	*out = NULL;
	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, name);
	rc = store_step(st, err);
	if (rc == STORE_ROW && !store_col_is_null(st, 0) && *store_col_text(st, 0))
		*out = xstrdup(store_col_text(st, 0));
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int org_people_active_between(int32_t left_day, int32_t from_day, int32_t to_day)
{
	(void)to_day; /* no joining day: employed from the beginning */
	return left_day > from_day;
}

int org_each_leaver(struct store *s, org_leaver_fn fn, void *data, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	if (store_schema_version(s) < ORG_LEFT_VERSION)
		return 0;
	st = store_prepare(s, "SELECT name, left_at FROM people WHERE status = 'left'"
			   " AND left_at IS NOT NULL ORDER BY name", err);
	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		int64_t us;
		if (time_parse_iso(store_col_text(st, 1), &us))
			continue; /* apply checked it: YYYY-MM-DD */
		fn(store_col_text(st, 0), (int32_t)(us / (86400 * (int64_t)1000000)), data);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}
