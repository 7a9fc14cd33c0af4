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
 *                      "used_agent", "used_cli", "totals_by_feature": [...]}
 *   user-teams-1-day: {"user_id", "user_login", "day", "organization_id",
 *                      "team_id", "slug"}
 *
 * A usage row becomes events of tool "github-copilot" on that day: one
 * per totals_by_feature[] entry (feature = its "feature", count =
 * user-initiated interactions + accepted suggestions), or without that
 * breakdown one "code_completion" event (accepted suggestions) and one
 * interaction event named after the deepest mode used (agent, chat, cli,
 * else "interaction").  A team row records membership.  The legacy
 * organisation-level /copilot/metrics JSON is aggregated (no person) and
 * is refused with a message saying so.
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

static int copilot_row(struct usage_import *im, json_t *obj, long line, struct aiv_err *err)
{
	const char *day = json_str(obj, "day"), *who;
	json_t *feats;
	struct usage_row r;
	char idbuf[40];
	int64_t t, uic, cgc, cac;
	int ret;

	if (!day) {
		if (json_object_get(obj, "date") || json_object_get(obj, "total_active_users"))
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
					   "this is the legacy organisation-level /copilot/metrics "
					   "format (daily totals, no person); export the users-1-day "
					   "usage-metrics report instead");
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
	if (json_object_get(obj, "slug") || json_object_get(obj, "team_id")) {
		const char *slug = json_str(obj, "slug");
		char tb[40];
		if (!slug) {
			snprintf(tb, sizeof(tb), "%lld",
				 (long long)json_integer_value(json_object_get(obj, "team_id")));
			slug = tb;
		}
		return usage_emit_team(im, who, slug, usage_day_of(t), err);
	}
	memset(&r, 0, sizeof(r));
	r.identity = who;
	r.time_us = t;
	r.tool = COPILOT_TOOL;
	r.workflow = "";
	r.line = line;
	feats = json_object_get(obj, "totals_by_feature");
	if ((ret = get_count(im, obj, "user_initiated_interaction_count", line, &uic, err)) ||
	    (ret = get_count(im, obj, "code_generation_activity_count", line, &cgc, err)) ||
	    (ret = get_count(im, obj, "code_acceptance_activity_count", line, &cac, err)))
		return ret;
	if (json_is_array(feats) && json_array_size(feats)) {
		size_t i;
		json_t *fe;
		json_array_foreach(feats, i, fe) {
			int64_t a, b;
			const char *name = json_str(fe, "feature");
			if (!name)
				return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
						   "totals_by_feature[%zu] has no 'feature'", i);
			if ((ret = get_count(im, fe, "user_initiated_interaction_count", line, &a, err)) ||
			    (ret = get_count(im, fe, "code_acceptance_activity_count", line, &b, err)))
				return ret;
			if (a > INT64_MAX - b)
				return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
						   "totals_by_feature[%zu]: counts too large", i);
			r.feature = name;
			r.count = a + b;
			if ((ret = usage_emit(im, &r, err)))
				return ret;
		}
		return 0;
	}
	if (cac > 0 || cgc > 0) {
		r.feature = "code_completion";
		r.count = cac;
		if ((ret = usage_emit(im, &r, err)))
			return ret;
	}
	if (uic > 0) {
		r.feature = json_is_true(json_object_get(obj, "used_agent")) ? "agent" :
			    json_is_true(json_object_get(obj, "used_chat")) ? "chat" :
			    json_is_true(json_object_get(obj, "used_cli")) ? "cli" : "interaction";
		r.count = uic;
		if ((ret = usage_emit(im, &r, err)))
			return ret;
	}
	return 0;
}

int usage_read_copilot(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	const char *name = usage_file(im);
	struct strbuf line = STRBUF_INIT;
	long lineno = 0;
	int64_t bytes = 0;
	int ret;

	while ((ret = usage_getline(f, name, lineno + 1, &line, err)) == 1) {
		json_error_t jerr;
		json_t *obj;

		lineno++;
		bytes += (int64_t)line.len + 1;
		if (!line.len)
			continue;
		obj = json_loadb(line.buf, line.len, 0, &jerr);
		if (!obj) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, jerr.column,
					  "not JSON: %s (copilot-users reads NDJSON, one report "
					  "row per line)", jerr.text);
			break;
		}
		if (json_is_array(obj)) {
			json_decref(obj);
			ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, 1,
					  "a JSON array: the legacy organisation-level "
					  "/copilot/metrics format has no per-user rows; export the "
					  "users-1-day usage-metrics report (NDJSON) instead");
			break;
		}
		if (!json_is_object(obj)) {
			json_decref(obj);
			ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, 1,
					  "line is JSON but not an object");
			break;
		}
		usage_progress_bytes(im, bytes);
		ret = copilot_row(im, obj, lineno, err);
		json_decref(obj);
		if (ret)
			break;
	}
	strbuf_release(&line);
	return ret < 0 ? ret : 0;
}
