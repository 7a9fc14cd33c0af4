/*
 * usage_seat_spans.c - the seat span per identity and tool (see
 * usage_seat_spans.h): kept by each usage import and by identity_rejoin,
 * checked against the seat rows by `audit verify --state`.
 */
#include <stdlib.h>
#include <string.h>

#include "aiv.h"

#include "ledger/ledger.h"
#include "ledger/state.h"
#include "metrics/intern.h"
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

/* ---- the spans in memory: per tool, identity -> (person, first day) ---- */

struct span_tool {
	char *tool;
	struct intern ids;         /* normalised identity -> span */
	uint32_t *person;          /* id in persons, or INTERN_NONE (NULL) */
	int64_t *first;
	size_t alloc;
};

struct seat_spans {
	struct span_tool *t;
	size_t n, alloc;
	struct intern persons;
	const struct intern *names; /* the person ids' strings: persons, or borrowed */
};

struct seat_spans *usage_seat_spans_new(const struct intern *names)
{
	struct seat_spans *a = xcalloc(1, sizeof(*a));

	intern_init(&a->persons);
	a->names = names ? names : &a->persons;
	return a;
}

void usage_seat_spans_free(struct seat_spans *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->t[i].tool);
		intern_release(&a->t[i].ids);
		free(a->t[i].person);
		free(a->t[i].first);
	}
	free(a->t);
	intern_release(&a->persons);
	free(a);
}

static struct span_tool *span_tool(struct seat_spans *a, const char *tool)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->t[i].tool, tool))
			return &a->t[i];
	ALLOC_GROW(a->t, a->n + 1, a->alloc);
	memset(&a->t[a->n], 0, sizeof(a->t[a->n]));
	a->t[a->n].tool = xstrdup(tool);
	intern_init(&a->t[a->n].ids);
	return &a->t[a->n++];
}

/*
 * Merge one (identity, tool, person, day) into a as the upsert does: the
 * least day, the greatest person (NULL least; SQLite and PostgreSQL's C
 * collation compare text bytewise, as strcmp).  1 if the span is new or
 * changed.
 */
static int span_merge(struct seat_spans *a, const char *identity, size_t idlen, const char *tool,
		      uint32_t pid, int64_t day)
{
	struct span_tool *t = span_tool(a, tool);
	size_t n0 = intern_count(&t->ids);
	uint32_t i = intern_idn(&t->ids, identity, idlen);
	int changed = 0;

	if (i == n0) {
		if (i >= t->alloc) {
			t->alloc = t->alloc ? t->alloc * 2 : 1024;
			t->person = xrealloc(t->person, st_mult(t->alloc, sizeof(*t->person)));
			t->first = xrealloc(t->first, st_mult(t->alloc, sizeof(*t->first)));
		}
		t->person[i] = pid;
		t->first[i] = day;
		return 1;
	}
	if (day < t->first[i]) {
		t->first[i] = day;
		changed = 1;
	}
	if (pid != INTERN_NONE && pid != t->person[i] &&
	    (t->person[i] == INTERN_NONE ||
	     strcmp(intern_str(a->names, pid), intern_str(a->names, t->person[i])) > 0)) {
		t->person[i] = pid;
		changed = 1;
	}
	return changed;
}

void usage_seat_spans_note(struct seat_spans *a, const char *identity, size_t idlen,
			   const char *tool, uint32_t person, int64_t day)
{
	span_merge(a, identity, idlen, tool, person, day);
}

/* The id in a's own persons of a person name or NULL. */
static uint32_t person_id(struct seat_spans *a, const char *person)
{
	return person ? intern_id(&a->persons, person) : INTERN_NONE;
}

/* The stored spans as this process last left them; head -1: not committed yet. */
static struct {
	char *uri;
	int64_t head;
	char hash[SHA256_HEX];
	struct seat_spans *spans;
} stored;

static void stored_drop(void)
{
	free(stored.uri);
	stored.uri = NULL;
	usage_seat_spans_free(stored.spans);
	stored.spans = NULL;
}

static int stored_load(struct store *s, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT identity, tool, person, first_day"
					      " FROM usage_seat_spans", err);
	int rc;

	if (!st)
		return err->code;
	stored.spans = usage_seat_spans_new(NULL);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *id = store_col_text(st, 0);
		span_merge(stored.spans, id, strlen(id), store_col_text(st, 1),
			   person_id(stored.spans, store_col_is_null(st, 2) ? NULL :
				     store_col_text(st, 2)),
			   store_col_int(st, 3));
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int usage_seat_spans_merge(struct store *s, const struct seat_spans *a, struct aiv_err *err)
{
	struct aiv_err e = AIV_ERR_INIT;
	char hash[SHA256_HEX];
	int64_t head;
	size_t k;
	uint32_t i;
	int ret;

	if (!stored.uri || strcmp(stored.uri, store_uri(s)) || stored.head < 0 ||
	    ledger_head(s, &head, hash, &e) || head != stored.head || strcmp(hash, stored.hash)) {
		stored_drop();
		if ((ret = stored_load(s, err))) {
			stored_drop();
			return ret;
		}
		stored.uri = xstrdup(store_uri(s));
	}
	stored.head = -1; /* until usage_seat_spans_committed() */
	for (k = 0; k < a->n; k++) {
		const struct span_tool *t = &a->t[k];
		for (i = 0; i < intern_count(&t->ids); i++) {
			const char *id = intern_str(&t->ids, i);
			const char *person = t->person[i] == INTERN_NONE ? NULL :
					     intern_str(a->names, t->person[i]);
			struct store_stmt *st;
			if (!span_merge(stored.spans, id, intern_len(&t->ids, i), t->tool,
					person_id(stored.spans, person), t->first[i]))
				continue;
			st = store_prepare(s, "INSERT INTO usage_seat_spans(identity, tool, person,"
					   " first_day) VALUES (?,?,?,?)"
					   " ON CONFLICT(identity, tool) DO UPDATE SET"
					   " first_day = CASE WHEN excluded.first_day <"
					   " usage_seat_spans.first_day THEN excluded.first_day"
					   " ELSE usage_seat_spans.first_day END,"
					   " person = " GREATER_PERSON("usage_seat_spans.person",
								       "excluded.person"), err);
			if (!st) {
				stored_drop();
				return err->code;
			}
			store_bind_text(st, 1, id);
			store_bind_text(st, 2, t->tool);
			if (person)
				store_bind_text(st, 3, person);
			else
				store_bind_null(st, 3);
			store_bind_int(st, 4, t->first[i]);
			if ((ret = store_step_done(st, err))) {
				stored_drop();
				return ret;
			}
		}
	}
	return 0;
}

void usage_seat_spans_committed(struct store *s, int64_t head, const char *hash)
{
	if (!stored.uri || strcmp(stored.uri, store_uri(s)) || stored.head >= 0 || head < 0) {
		stored_drop();
		return;
	}
	stored.head = head;
	memcpy(stored.hash, hash, SHA256_HEX);
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
