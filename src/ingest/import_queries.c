/*
 * import_queries.c - counts over the import tables for the layers after
 * ingest/ (see import_queries.h).
 */
#include "import_queries.h"

static int stats(struct store *s, const char *sql, struct import_stats *out,
		 struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	out->imports = out->last_id = 0;
	st = store_prepare(s, sql, err);
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		out->imports = store_col_int(st, 0);
		out->last_id = store_col_int(st, 1);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int import_stats(struct store *s, struct import_stats *out, struct aiv_err *err)
{
	return stats(s, "SELECT count(*), coalesce(max(id), 0) FROM usage_imports", out, err);
}

int import_usage_stats(struct store *s, struct import_stats *out, struct aiv_err *err)
{
	return stats(s, "SELECT count(*), coalesce(max(id), 0) FROM usage_imports"
		     " WHERE kind = 'usage'", out, err);
}

int import_journey_event_count(struct store *s, int64_t *n, struct aiv_err *err)
{
	*n = 0;
	if (store_query_int(s, "SELECT count(*) FROM journey_events", n, err))
		return err->code;
	return 0;
}
