/*
 * journeys_load.c - reading journey events and customer outcomes into the
 * kernel's columns (see journeys_load.h).  The only SQL of the journey
 * metrics; the reduction to one row per journey is the table's own
 * (journey_table_add_event), so a test builds the same table by hand.
 */
#include <string.h>

#include "journeys_load.h"

static const char *const events_sql =
	"SELECT journey, customer, channel, time_us, turn, intent_qualified, committed,"
	" order_value FROM journey_events";

/*
 * Add the rows of `sql` to t.  With `check`, stop at the first row that is
 * not strictly after the one before in (journey, turn, time_us) order:
 * 1 stopped there, 0 every row added, or a negative code.
 */
static int add_events(struct store *s, struct journey_table *t, const char *sql, int check,
		      struct aiv_err *err)
{
	struct strbuf prev = STRBUF_INIT;
	int64_t prev_turn = 0, prev_time = 0;
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc, have = 0, out_of_order = 0;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *journey = store_col_text(st, 0);
		int64_t turn = store_col_int(st, 4), time_us = store_col_int(st, 3);

		if (check) {
			int c = have ? strcmp(journey, prev.buf) : 1;

			if (c < 0 || (c == 0 && (turn < prev_turn ||
						 (turn == prev_turn && time_us <= prev_time)))) {
				out_of_order = 1;
				break;
			}
			if (c > 0) {
				strbuf_reset(&prev);
				strbuf_addstr(&prev, journey);
			}
			prev_turn = turn;
			prev_time = time_us;
			have = 1;
		}
		journey_table_add_event(t, journey, store_col_text(st, 1), store_col_text(st, 2),
					time_us, turn, store_col_int(st, 5) != 0,
					store_col_int(st, 6) != 0, store_col_double(st, 7));
	}
	store_reset(st);
	strbuf_release(&prev);
	return rc < 0 ? rc : out_of_order;
}

/*
 * The events in (journey, turn, time_us) order.  Importers write a
 * journey's events together and in turn order, so on SQLite the rows are
 * first read as stored and used when they come strictly in that order:
 * the same sequence the ORDER BY gives (no two rows share a key, so there
 * is one), without SQLite sorting 640k rows into a temporary b-tree (a
 * third of journeys_load on the large demo).  Otherwise, and on
 * PostgreSQL (whose text order is the database's collation, not bytes),
 * the ORDER BY as before.
 */
int journeys_load(struct store *s, struct journey_table *t, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	journey_table_init(t);
	rc = strcmp(store_backend_name(s), "sqlite") ? 1 : add_events(s, t, events_sql, 1, err);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		journey_table_release(t);
		journey_table_init(t);
		if ((rc = add_events(s, t, "SELECT journey, customer, channel, time_us, turn,"
				     " intent_qualified, committed, order_value FROM journey_events"
				     " ORDER BY journey, turn, time_us", 0, err)))
			return rc;
	}
	st = store_prepare(s, "SELECT customer, retained_30d, retained_90d, upsell, revenue,"
			   " referrals FROM customer_outcomes ORDER BY import_id", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		journey_table_add_outcome(t, store_col_text(st, 0),
			store_col_is_null(st, 1) ? -1 : (int)store_col_int(st, 1),
			store_col_is_null(st, 2) ? -1 : (int)store_col_int(st, 2),
			store_col_is_null(st, 3) ? -1 : (int)store_col_int(st, 3),
			store_col_double(st, 4), store_col_int(st, 5));
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int journeys_run(struct store *s, const struct adoption_config *cfg,
		 struct journeys_result *out, struct aiv_err *err)
{
	struct journey_table t;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!(ret = journeys_load(s, &t, err)))
		journeys_compute(&t, cfg, out);
	journey_table_release(&t);
	return ret;
}

int journeys_report(struct store *s, const struct adoption_config *cfg,
		    const struct catalog *cat, json_t **out, json_t **finding,
		    struct aiv_err *err)
{
	struct journeys_result r;
	int ret;

	*out = NULL;
	*finding = NULL;
	if ((ret = journeys_run(s, cfg, &r, err)))
		return ret;
	*out = journeys_result_json(&r);
	*finding = journeys_finding_json(&r, cat);
	journeys_result_release(&r);
	return 0;
}
