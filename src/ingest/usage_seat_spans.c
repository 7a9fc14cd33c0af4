/*
 * usage_seat_spans.c - the seat span per identity and tool (see
 * usage_seat_spans.h): kept by each usage import and by identity_rejoin,
 * checked against the seat rows by `audit verify --state`.
 */
#include "aiv.h"

#include "ledger/state.h"
#include "usage_seat_spans.h"

/* The greater of the stored and the new person, NULL counting as least (as MAX does). */
#define GREATER_PERSON(stored, new)					\
	"CASE WHEN " new " IS NULL THEN " stored				\
	" WHEN " stored " IS NULL OR " new " > " stored " THEN " new	\
	" ELSE " stored " END"

int usage_seat_spans_import(struct store *s, int64_t import_id, struct aiv_err *err)
{
	struct store_stmt *st;

	st = store_prepare(s, "INSERT INTO usage_seat_spans(identity, tool, person, first_day)"
			   " SELECT identity, tool, MAX(person), MIN(day) FROM usage_seats"
			   " WHERE import_id = ? GROUP BY identity, tool"
			   " ON CONFLICT(identity, tool) DO UPDATE SET"
			   " first_day = CASE WHEN excluded.first_day < usage_seat_spans.first_day"
			   " THEN excluded.first_day ELSE usage_seat_spans.first_day END,"
			   " person = " GREATER_PERSON("usage_seat_spans.person", "excluded.person"),
			   err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, import_id);
	return store_step_done(st, err);
}

int usage_seat_spans_rejoin(struct store *s, struct aiv_err *err)
{
	/* the same person identity_rejoin gives the seat rows */
#define JOINED "(SELECT i.person FROM identities i WHERE i.value = usage_seat_spans.identity" \
	       " ORDER BY i.kind LIMIT 1)"
	return store_exec(s, "UPDATE usage_seat_spans SET person = "
			  GREATER_PERSON("person", JOINED)
			  " WHERE (identity, tool) IN (SELECT identity, tool FROM usage_seats"
			  " WHERE person IS NULL AND identity IN (SELECT value FROM identities))",
			  err);
#undef JOINED
}

/* One difference per span the seat rows do not give, and per one they give that is missing. */
static int check_side(struct store *s, struct ledger_state_report *r, const char *sql,
		      const char *what, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		char key[256];

		snprintf(key, sizeof(key), "%s %s", store_col_text(st, 0), store_col_text(st, 1));
		ledger_state_add(r, "usage_seat_spans", key, "%s", what);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int usage_seat_spans_check(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	int64_t n = 0;
	int rc;

	if (store_schema_version(s) < USAGE_SEAT_SPANS_VERSION)
		return 0; /* an older workspace opened read-only: nothing stored */
	r->tables++;
	if ((rc = check_side(s, r, "SELECT identity, tool FROM (SELECT identity, tool, person,"
			     " first_day FROM usage_seat_spans EXCEPT SELECT identity, tool,"
			     " MAX(person), MIN(day) FROM usage_seats GROUP BY identity, tool) d"
			     " ORDER BY identity, tool",
			     "the seat span differs from what the seat rows give", err)) ||
	    (rc = check_side(s, r, "SELECT identity, tool FROM (SELECT identity, tool,"
			     " MAX(person), MIN(day) FROM usage_seats GROUP BY identity, tool"
			     " EXCEPT SELECT identity, tool, person, first_day FROM usage_seat_spans) d"
			     " ORDER BY identity, tool",
			     "the seat rows give a span that is not stored as such", err)) ||
	    (rc = store_query_int(s, "SELECT count(*) FROM usage_seat_spans", &n, err)))
		return rc;
	r->rows += n;
	return 0;
}
