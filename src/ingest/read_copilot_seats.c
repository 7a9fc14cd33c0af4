/*
 * read_copilot_seats.c - GitHub Copilot seat assignments, the licence
 * denominator for "licensed but unused" and repeat-use rates.
 *
 * Source: GET /orgs/{org}/copilot/billing/seats (docs.github.com, REST
 * "Copilot user management"): {"total_seats": N, "seats": [{"created_at",
 * "updated_at", "pending_cancellation_date", "last_activity_at",
 * "last_activity_editor", "plan_type", "assignee": {"login", "id", ...},
 * "assigning_team": {"slug", ...}}]}.  A file holds one response per line
 * (pages saved one after another) or one pretty-printed response.
 *
 * Each seat yields a seat row for the assignee's login (tool
 * "github-copilot", day of created_at), a team row when a team assigned
 * it, and, when last_activity_at is set, one activity event that day
 * (feature "any", count 1; kept as a snapshot so that saving the seats
 * list every day builds up activity days without double counting).
 * Seats pending cancellation still count: they are licensed until the date.
 */
#include <string.h>

#include <jansson.h>

#include "core/cjson.h"
#include "readers.h"

#define SEATS_TOOL "github-copilot"
#define SEATS_MAX_DOC (256u << 20)

static int seats_doc(struct usage_import *im, json_t *doc, long line, struct aiv_err *err)
{
	json_t *seats = json_object_get(doc, "seats"), *seat;
	size_t i;
	int ret;

	if (!json_is_array(seats))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "missing field 'seats': not a Copilot billing/seats response%s",
				   json_object_get(doc, "day") ? " (this looks like a usage-metrics "
				   "row: use --format copilot-users)" : "");
	json_array_foreach(seats, i, seat) {
		json_t *who = json_object_get(seat, "assignee");
		const char *login = json_str(who, "login"), *created = json_str(seat, "created_at");
		const char *last = json_str(seat, "last_activity_at");
		const char *team = json_str(json_object_get(seat, "assigning_team"), "slug");
		int64_t t;
		if (!login || !*login)
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
					   "seats[%zu]: missing 'assignee.login'", i);
		if (!created || usage_parse_time(created, &t))
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
					   "seats[%zu]: unparseable 'created_at' '%s'", i,
					   created ? created : "");
		if ((ret = usage_emit_seat(im, login, SEATS_TOOL, usage_day_of(t), err)))
			return ret;
		if (team && *team && (ret = usage_emit_team(im, login, team, usage_day_of(t), err)))
			return ret;
		if (last && *last) {
			struct usage_row r;
			memset(&r, 0, sizeof(r));
			if (usage_parse_time(last, &r.time_us))
				return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
						   "seats[%zu]: unparseable 'last_activity_at' '%s'", i, last);
			r.time_us = usage_day_of(r.time_us) * USAGE_US_PER_DAY; /* a day, as M365 */
			r.identity = login;
			r.tool = SEATS_TOOL;
			r.feature = "any";
			r.workflow = "";
			r.count = 1;
			r.line = line;
			usage_set_snapshot(im, 1);
			ret = usage_emit(im, &r, err);
			usage_set_snapshot(im, 0);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int usage_read_copilot_seats(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	const char *name = usage_file(im);
	struct strbuf line = STRBUF_INIT;
	long lineno = 0;
	int ret;

	while ((ret = usage_getline(f, name, lineno + 1, &line, err)) == 1) {
		json_error_t jerr;
		json_t *doc;

		lineno++;
		if (!line.len)
			continue;
		doc = json_loadb(line.buf, line.len, 0, &jerr);
		if (!doc && lineno == 1 && line.buf[0] == '{') {
			char chunk[65536];
			size_t n;
			strbuf_addch(&line, '\n');
			while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
				strbuf_add(&line, chunk, n);
				if (line.len > SEATS_MAX_DOC) {
					ret = aiv_fail(err, AIV_ETOOBIG, "cannot import '%s': a single JSON "
						       "document over 256 MiB", name);
					goto cleanup;
				}
			}
			doc = json_loadb(line.buf, line.len, 0, &jerr);
			if (!doc) {
				ret = aiv_fail_at(err, AIV_EINPUT, name, jerr.line, jerr.column,
						  "not JSON: %s", jerr.text);
				goto cleanup;
			}
		} else if (!doc) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, jerr.column, "not JSON: %s "
					  "(copilot-seats reads billing/seats responses)", jerr.text);
			goto cleanup;
		}
		usage_progress_bytes(im, 0);
		ret = json_is_object(doc) ? seats_doc(im, doc, lineno, err) :
		      aiv_fail_at(err, AIV_EINPUT, name, lineno, 1, "not a JSON object");
		json_decref(doc);
		if (ret)
			goto cleanup;
	}
cleanup:
	strbuf_release(&line);
	return ret < 0 ? ret : 0;
}
