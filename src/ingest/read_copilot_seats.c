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
 * A seat whose assignee is null (a removed account), a team or an
 * organization names no person: it is skipped and counted with its
 * reason (tally), not a reason to refuse the file.
 */
#include <string.h>

#include <jansson.h>

#include "core/cjson.h"
#include "readers.h"

#define SEATS_TOOL "github-copilot"

/* What kind of assignee a seat has: 0 a person (login set), else the skip reason. */
static const char *not_a_person(json_t *who)
{
	const char *type = json_str(who, "type");

	if (!who || json_is_null(who))
		return "seat has no assignee (null)";
	if (!json_is_object(who))
		return "seat assignee is not an object";
	if ((type && !strcmp(type, "Team")) || json_object_get(who, "slug"))
		return "seat assignee is a team, not a person";
	if (type && !strcmp(type, "Organization"))
		return "seat assignee is an organization, not a person";
	if (!json_str(who, "login") || !*json_str(who, "login"))
		return "seat assignee has no login";
	return NULL;
}

static int seats_doc(void *data, json_t *doc, long line, struct aiv_err *err)
{
	struct usage_import *im = data;
	struct tally *tl = usage_tally(im);
	json_t *seats = json_object_get(doc, "seats"), *seat;
	const char *k;
	json_t *v;
	size_t i;
	int ret;

	if (!json_is_object(doc))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 1, "not a JSON object");
	if (!json_is_array(seats))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "missing field 'seats': not a Copilot billing/seats response%s",
				   json_object_get(doc, "day") ? " (this looks like a usage-metrics "
				   "row: use --format copilot-users)" : "");
	json_object_foreach(doc, k, v)
		if (strcmp(k, "seats") && strcmp(k, "total_seats")) {
			char what[160], where[512];
			snprintf(what, sizeof(what), "unknown field '%.100s' of the response", k);
			usage_where(im, line, where, sizeof(where));
			tally_note(tl, what, where);
		}
	json_array_foreach(seats, i, seat) {
		json_t *who = json_object_get(seat, "assignee");
		const char *created = json_str(seat, "created_at");
		const char *last = json_str(seat, "last_activity_at");
		const char *team = json_str(json_object_get(seat, "assigning_team"), "slug");
		const char *why = not_a_person(who), *login;
		int64_t t;
		tl->read++;
		if (why) {
			char where[512];
			snprintf(where, sizeof(where), "%s:%ld seats[%zu]", usage_file(im), line, i);
			if ((ret = tally_skip(tl, why, where, err)))
				return ret;
			continue;
		}
		login = json_str(who, "login");
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
		tl->used++;
	}
	return 0;
}

int usage_read_copilot_seats(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	usage_tally(im)->unit = "seats";
	return usage_json_docs(f, usage_file(im), seats_doc, im, err);
}
