/*
 * read_copilot.c - GitHub Copilot usage-metrics reports (NDJSON).
 *
 * Source: github/docs content/copilot/reference/copilot-usage-metrics/
 * (copilot-usage-metrics.md, example-schema.md, team-level-metrics.md).
 * Two row shapes may be mixed in one file (or imported one file each):
 *
 *   users-1-day:      {"day", "user_id", "user_login", "organization_id",
 *                      "enterprise_id", "user_initiated_interaction_count",
 *                      "code_generation_activity_count",
 *                      "code_acceptance_activity_count", "used_chat",
 *                      "used_agent", "used_cli",
 *                      "used_copilot_code_review_active" / "_passive",
 *                      "totals_by_feature": [...], "totals_by_cli": {...}}
 *   user-teams-1-day: {"user_id", "user_login", "day", "organization_id",
 *                      "team_id", "slug"}
 *
 * NDJSON, one row a line; the documented example form, a JSON array of
 * rows (pretty-printed), is read too and said so in the tally.
 *
 * A person is active on a day with any use, so a usage row becomes that
 * day's events of tool "github-copilot" (usage_day below: one per
 * totals_by_feature entry, the CLI, code review, ...), each counting the
 * intentional actions, or 1 for a use without a counted action
 * (suggestions shown but none accepted, agent edits, a flag alone).  A
 * row with no use at all is skipped with that reason.  A team row
 * records membership.  The organisation- and enterprise-level reports
 * (legacy /copilot/metrics, day_totals) have no person and are refused
 * with a message saying so.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "readers.h"

#define COPILOT_TOOL "github-copilot"

/* Non-negative integer member (absent = 0). */
static int get_count(struct usage_import *im, json_t *obj, const char *key,
		     long line, int64_t *out, struct aiv_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "field '%s' is not an integer", key);
	*out = json_integer_value(v);
	if (*out < 0)
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "negative count %lld in field '%s'", (long long)*out, key);
	return 0;
}

/* The identity of a row: user_login, else user_id as text. */
static const char *row_identity(json_t *obj, char *buf, size_t bufsz)
{
	json_t *id = json_object_get(obj, "user_id");

	if (json_str(obj, "user_login") && *json_str(obj, "user_login"))
		return json_str(obj, "user_login");
	if (json_is_integer(id)) {
		snprintf(buf, bufsz, "%lld", (long long)json_integer_value(id));
		return buf;
	}
	return json_is_string(id) ? json_string_value(id) : NULL;
}

/* The tenant is the organization (or, without one, the enterprise). */
static int tenant_of(struct usage_import *im, json_t *obj, long line, struct aiv_err *err)
{
	static const char *const keys[] = { "organization_id", "enterprise_id" };
	char buf[40];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(obj, keys[i]);
		const char *t = NULL;
		if (json_is_string(v))
			t = json_string_value(v);
		else if (json_is_integer(v)) {
			snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
			t = buf;
		}
		if (t)
			return usage_tenant(im, t, keys[i], line, 0, err);
	}
	return 0;
}

/* Fields of the documented report rows (github/docs copilot-usage-metrics.md, example-schema.md). */
static const char *const known_fields[] = {
	"day", "user_id", "user_login", "organization_id", "enterprise_id",
	"report_start_day", "report_end_day", "user_initiated_interaction_count",
	"code_generation_activity_count", "code_acceptance_activity_count",
	"loc_suggested_to_add_sum", "loc_suggested_to_delete_sum", "loc_added_sum",
	"loc_deleted_sum", "totals_by_ide", "totals_by_feature", "totals_by_language_feature",
	"totals_by_language_model", "totals_by_model_feature", "totals_by_cli", "used_agent",
	"used_chat", "used_cli", "used_copilot_code_review_active",
	"used_copilot_code_review_passive", "etl_id", "day_partition", "entity_id_partition",
	"team_id", "slug", NULL,
};

static void note_unknown(struct usage_import *im, json_t *obj, const char *where)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(obj, k, v) {
		for (i = 0; known_fields[i] && strcmp(known_fields[i], k); i++)
			;
		if (!known_fields[i]) {
			char what[160];
			snprintf(what, sizeof(what), "unknown field '%.100s'", k);
			tally_note(usage_tally(im), what, where);
		}
	}
}

static int is_true(json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

/* Emit an event when count > 0; *n counts them. */
static int emit_n(struct usage_import *im, struct usage_row *r, const char *feature,
		  int64_t count, int *n, struct aiv_err *err)
{
	int ret;

	if (count <= 0)
		return 0;
	r->feature = feature;
	r->count = count;
	if ((ret = usage_emit(im, r, err)))
		return ret;
	(*n)++;
	return 0;
}

/*
 * One users-1-day row: the day's events.  A person is active on a day
 * with any use: an event carries the intentional actions (prompts sent,
 * suggestions accepted, CLI prompts), and use without a counted action
 * (completions shown but none accepted, agent edits, a flag set with no
 * count, code review) is one action, so that the day counts.
 */
static int usage_day(struct usage_import *im, json_t *obj, struct usage_row *r,
		     const char *where, int *n, struct aiv_err *err)
{
	struct tally *tl = usage_tally(im);
	json_t *feats = json_object_get(obj, "totals_by_feature");
	json_t *cli = json_object_get(obj, "totals_by_cli");
	long line = r->line;
	int64_t uic, cgc, cac;
	int ret, ide = 0;

	if ((ret = get_count(im, obj, "user_initiated_interaction_count", line, &uic, err)) ||
	    (ret = get_count(im, obj, "code_generation_activity_count", line, &cgc, err)) ||
	    (ret = get_count(im, obj, "code_acceptance_activity_count", line, &cac, err)))
		return ret;
	if (json_is_array(feats) && json_array_size(feats)) {
		size_t i;
		json_t *fe;
		json_array_foreach(feats, i, fe) {
			int64_t a, b, g, la, ld;
			const char *name = json_str(fe, "feature");
			if (!name)
				return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
						   "totals_by_feature[%zu] has no 'feature'", i);
			if ((ret = get_count(im, fe, "user_initiated_interaction_count", line, &a, err)) ||
			    (ret = get_count(im, fe, "code_acceptance_activity_count", line, &b, err)) ||
			    (ret = get_count(im, fe, "code_generation_activity_count", line, &g, err)) ||
			    (ret = get_count(im, fe, "loc_added_sum", line, &la, err)) ||
			    (ret = get_count(im, fe, "loc_deleted_sum", line, &ld, err)))
				return ret;
			if (a > INT64_MAX - b)
				return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
						   "totals_by_feature[%zu]: counts too large", i);
			if (!a && !b && (g || la || ld)) {
				tally_assume(tl, "feature used with no prompt or acceptance (suggestions "
					     "shown, agent edits): counted as one action", where);
				a = 1;
			}
			if ((ret = emit_n(im, r, name, a + b, &ide, err)))
				return ret;
		}
	} else {
		if (!cac && cgc)
			tally_assume(tl, "completions shown, none accepted: counted as one action",
				     where);
		if ((ret = emit_n(im, r, "code_completion", cac ? cac : cgc ? 1 : 0, &ide, err)) ||
		    (ret = emit_n(im, r, is_true(obj, "used_agent") ? "agent" :
				  is_true(obj, "used_chat") ? "chat" : "interaction", uic, &ide, err)))
			return ret;
	}
	if (!ide && (is_true(obj, "used_agent") || is_true(obj, "used_chat"))) {
		tally_assume(tl, "used_agent or used_chat set with no counted interaction: "
			     "counted as one action", where);
		if ((ret = emit_n(im, r, is_true(obj, "used_agent") ? "agent" : "chat", 1, &ide,
				  err)))
			return ret;
	}
	*n += ide;
	/* Copilot CLI: counted apart from the IDE figures (totals_by_cli) */
	if (json_is_object(cli)) {
		int64_t pc, rc, sc;
		if ((ret = get_count(im, cli, "prompt_count", line, &pc, err)) ||
		    (ret = get_count(im, cli, "request_count", line, &rc, err)) ||
		    (ret = get_count(im, cli, "session_count", line, &sc, err)))
			return ret;
		if (!pc && (rc || sc || is_true(obj, "used_cli"))) {
			tally_assume(tl, "CLI used with no prompt_count: counted as one action", where);
			pc = 1;
		}
		if ((ret = emit_n(im, r, "cli", pc, n, err)))
			return ret;
	} else if (cli && !json_is_null(cli)) {
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "field 'totals_by_cli' is not an object");
	} else if (is_true(obj, "used_cli")) {
		tally_assume(tl, "used_cli set without totals_by_cli: counted as one action", where);
		if ((ret = emit_n(im, r, "cli", 1, n, err)))
			return ret;
	}
	/* code review: active (requested, suggestion applied) wins over passive */
	if (is_true(obj, "used_copilot_code_review_active"))
		ret = emit_n(im, r, "code_review", 1, n, err);
	else if (is_true(obj, "used_copilot_code_review_passive"))
		ret = emit_n(im, r, "code_review_passive", 1, n, err);
	return ret;
}

static int copilot_row(struct usage_import *im, json_t *obj, long line, const char *where,
		       struct aiv_err *err)
{
	struct tally *tl = usage_tally(im);
	const char *day = json_str(obj, "day"), *who;
	struct usage_row r;
	char idbuf[40];
	int64_t t;
	int ret, n = 0;

	tl->read++;
	if (!day) {
		if (json_object_get(obj, "date") || json_object_get(obj, "total_active_users"))
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
					   "this is the legacy organisation-level /copilot/metrics "
					   "format (daily totals, no person); export the users-1-day "
					   "usage-metrics report instead");
		if (json_object_get(obj, "day_totals"))
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
					   "this is an enterprise- or organization-level report "
					   "(day_totals, no person); export the users-1-day report "
					   "instead");
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "missing field 'day' (not a Copilot usage-metrics row)");
	}
	if (usage_parse_time(day, &t) || strlen(day) != 10)
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "unparseable date '%s' in field 'day'", day);
	who = row_identity(obj, idbuf, sizeof(idbuf));
	if (!who)
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "missing field 'user_login' (and 'user_id')");
	if ((ret = tenant_of(im, obj, line, err)))
		return ret;
	note_unknown(im, obj, where);
	if (json_object_get(obj, "slug") || json_object_get(obj, "team_id")) {
		const char *slug = json_str(obj, "slug");
		char tb[40];
		if (!slug) {
			snprintf(tb, sizeof(tb), "%lld",
				 (long long)json_integer_value(json_object_get(obj, "team_id")));
			slug = tb;
		}
		if ((ret = usage_emit_team(im, who, slug, usage_day_of(t), err)))
			return ret;
		tl->used++;
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.identity = who;
	r.time_us = t;
	r.tool = COPILOT_TOOL;
	r.workflow = "";
	r.line = line;
	if ((ret = usage_day(im, obj, &r, where, &n, err)))
		return ret;
	if (!n)
		return tally_skip(tl, "no Copilot use that day (every count 0, no used_* flag)",
				  where, err);
	tl->used++;
	return 0;
}

/* A row object, or each element of an array of rows (the documented example form). */
static int copilot_doc(void *data, json_t *doc, long line, struct aiv_err *err)
{
	struct usage_import *im = data;
	char where[512];
	int ret;

	if (json_is_array(doc)) {
		json_t *first = json_array_get(doc, 0), *el;
		size_t i;
		if (json_object_get(first, "date") || json_object_get(first, "total_active_users"))
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 1,
					   "a JSON array: the legacy organisation-level "
					   "/copilot/metrics format has no per-user rows; export the "
					   "users-1-day usage-metrics report (NDJSON) instead");
		usage_where(im, line, where, sizeof(where));
		tally_assume(usage_tally(im), "a JSON array of rows where NDJSON (one row a line) "
			     "was expected: each element read as a row", where);
		json_array_foreach(doc, i, el) {
			snprintf(where, sizeof(where), "%s:%ld [%zu]", usage_file(im), line, i);
			if (!json_is_object(el))
				return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 1,
						   "array element %zu is not an object", i);
			if ((ret = copilot_row(im, el, line, where, err)))
				return ret;
		}
		return 0;
	}
	if (!json_is_object(doc))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 1,
				   "line is JSON but not an object");
	usage_where(im, line, where, sizeof(where));
	return copilot_row(im, doc, line, where, err);
}

int usage_read_copilot(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	return usage_json_docs(f, usage_file(im), copilot_doc, im, err);
}
