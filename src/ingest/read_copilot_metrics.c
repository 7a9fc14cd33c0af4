/*
 * read_copilot_metrics.c - the legacy GitHub Copilot metrics API, for
 * backfill: GET /orgs/{org}/copilot/metrics (and the enterprise and team
 * variants), closing 2026-04-02 (docs.github.com/rest/copilot/copilot-metrics).
 *
 * A response is a JSON array of days:
 *   [{"date": "2024-06-24", "total_active_users": 24,
 *     "total_engaged_users": 20, "copilot_ide_code_completions": {...},
 *     "copilot_ide_chat": {...}, ...}]
 * Days are organisation totals with no person, so they cannot feed
 * per-person metrics; they are kept as vendor daily totals
 * (usage_org_daily: tool "github-copilot", active and engaged users) for
 * the period before per-user reports exist.  A file holds one response
 * (pretty-printed or not) or one response per line; at most 256 MiB.
 * Distinct users are never summed across days.
 */
#include <string.h>

#include <jansson.h>

#include "core/cjson.h"
#include "readers.h"

static int metrics_doc(struct usage_import *im, json_t *doc, long line, struct aiv_err *err)
{
	json_t *d;
	size_t i;
	int ret;

	if (!json_is_array(doc))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 1,
				   "not a JSON array of days: this reader takes the legacy "
				   "/copilot/metrics response%s", json_object_get(doc, "user_login") ?
				   " (per-user rows: use --format copilot-users)" : "");
	json_array_foreach(doc, i, d) {
		const char *date = json_str(d, "date");
		json_t *a = json_object_get(d, "total_active_users");
		json_t *e = json_object_get(d, "total_engaged_users");
		int64_t t;
		if (!date || strlen(date) != 10 || usage_parse_time(date, &t))
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
					   "day [%zu]: missing or unparseable 'date'", i);
		if (!json_is_integer(a) || json_integer_value(a) < 0 ||
		    (e && !json_is_null(e) && (!json_is_integer(e) || json_integer_value(e) < 0)))
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
					   "day %s: 'total_active_users' and 'total_engaged_users' "
					   "must be counts >= 0", date);
		usage_tally(im)->read++;
		if ((ret = usage_emit_org_day(im, "github-copilot", usage_day_of(t),
					      json_integer_value(a),
					      json_is_integer(e) ? json_integer_value(e) : 0, err)))
			return ret;
		usage_tally(im)->used++;
	}
	return 0;
}

static int metrics_cb(void *data, json_t *doc, long line, struct aiv_err *err)
{
	return metrics_doc(data, doc, line, err);
}

int usage_read_copilot_metrics(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	usage_tally(im)->unit = "days";
	/* one response (pretty-printed or not; at most 100 days), or one per line */
	return usage_json_docs(f, usage_file(im), metrics_cb, im, err);
}
