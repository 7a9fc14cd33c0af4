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

#define METRICS_MAX_DOC (256u << 20)

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

int usage_read_copilot_metrics(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	const char *name = usage_file(im);
	struct strbuf buf = STRBUF_INIT;
	json_error_t jerr;
	json_t *doc;
	char chunk[65536];
	size_t n;
	int ret = 0;

	usage_tally(im)->unit = "days";
	/* responses are at most 100 days; read whole, then one document per line if needed */
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		strbuf_add(&buf, chunk, n);
		if (buf.len > METRICS_MAX_DOC) {
			ret = aiv_fail(err, AIV_ETOOBIG, "cannot import '%s': over 256 MiB", name);
			goto out;
		}
	}
	doc = json_loadb(buf.buf, buf.len, 0, &jerr);
	if (doc) {
		ret = metrics_doc(im, doc, 1, err);
		json_decref(doc);
		goto out;
	}
	{
		/* several responses, one per line */
		char *p = buf.buf, *nl;
		long line = 0;
		while (p < buf.buf + buf.len) {
			nl = memchr(p, '\n', (size_t)(buf.buf + buf.len - p));
			line++;
			if (!nl)
				nl = buf.buf + buf.len;
			if (nl > p) {
				doc = json_loadb(p, (size_t)(nl - p), 0, &jerr);
				if (!doc) {
					ret = aiv_fail_at(err, AIV_EINPUT, name, line, jerr.column,
							  "not JSON: %s", jerr.text);
					goto out;
				}
				ret = metrics_doc(im, doc, line, err);
				json_decref(doc);
				if (ret)
					goto out;
			}
			p = nl + 1;
		}
	}
out:
	strbuf_release(&buf);
	return ret;
}
