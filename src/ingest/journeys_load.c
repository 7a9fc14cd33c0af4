/*
 * journeys_load.c - reading journey events and customer outcomes into the
 * kernel's columns (see journeys_load.h).  The only SQL of the journey
 * metrics; the reduction to one row per journey is the table's own
 * (journey_table_add_event), so a test builds the same table by hand.
 */
#include <string.h>

#include "journeys_load.h"

int journeys_load(struct store *s, struct journey_table *t, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	journey_table_init(t);
	st = store_prepare(s, "SELECT journey, customer, channel, time_us, turn, intent_qualified,"
			   " committed, order_value FROM journey_events ORDER BY journey, turn,"
			   " time_us", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		journey_table_add_event(t, store_col_text(st, 0), store_col_text(st, 1),
					store_col_text(st, 2), store_col_int(st, 3),
					store_col_int(st, 4), store_col_int(st, 5) != 0,
					store_col_int(st, 6) != 0, store_col_double(st, 7));
	store_reset(st);
	if (rc < 0)
		return rc;
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
