/*
 * queue.c - the governance queue: AI-generated change requests wait while
 * the owners they need are behind on reviews, and are released when they
 * catch up. See change.h.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "change.h"
#include "change_int.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "graph.h"
#include "ledger/ledger.h"

/* ---- governance-rate control ---------------------------------------- */

/* Items waiting on `name` (a slot name): open CRs naming it + stale artefacts it owns. */
static int backlog_of(struct store *s, const char *name, int64_t *n, struct aiv_err *err)
{
	struct store_stmt *st;
	int64_t pending = 0, stale = 0;
	int rc;

	st = chg_prep(s, err, "SELECT approval_path FROM change_requests WHERE status = 'open'", 0);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *p = json_loads(store_col_text(st, 0), 0, NULL), *sl;
		size_t i;
		json_array_foreach(p, i, sl)
			if (!strcmp(json_str(sl, "name"), name)) {
				pending++;
				break;
			}
		json_decref(p);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	st = chg_prep(s, err, "SELECT count(*) FROM stale_marks m JOIN artefacts a"
		  " ON a.id = m.artefact WHERE m.cleared_at IS NULL AND a.owner = ?", 1, name);
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		stale = store_col_int(st, 0);
	store_reset(st);
	if (rc < 0)
		return rc;
	*n = pending + stale;
	return 0;
}

/*
 * Should an AI-generated CR with this approval path wait?  Returns 1 and
 * fills why (a finding text) when it should, 0 when not.
 */
int chg_governance_behind(struct change_env *e, const json_t *path, int64_t now,
			  int self_counted, char *why, size_t whysz, json_t *data,
			  struct aiv_err *err)
{
	int64_t ai = 0, appr = 0, backlog = 0;
	char cutoff[TIME_ISO_LEN];
	struct store_stmt *st;
	json_t *sl;
	size_t i;
	int ret;
	double ratio;

	time_format_us(now - (int64_t)e->rules->window_days * US_PER_DAY, cutoff);
	st = chg_prep(e->s, err, "SELECT count(*) FROM change_requests WHERE generated_by IS NOT NULL"
		  " AND opened_at >= ?", 0);
	if (!st)
		return err->code;
	store_bind_int(st, 1, now - (int64_t)e->rules->window_days * US_PER_DAY);
	if ((ret = store_step(st, err)) == STORE_ROW)
		ai = store_col_int(st, 0);
	store_reset(st);
	if (ret < 0)
		return ret;
	st = chg_prep(e->s, err, "SELECT count(*) FROM change_signatures WHERE decision = 'approve'"
		  " AND time >= ?", 1, cutoff);
	if (!st)
		return err->code;
	if ((ret = store_step(st, err)) == STORE_ROW)
		appr = store_col_int(st, 0);
	store_reset(st);
	if (ret < 0)
		return ret;
	if (!self_counted)
		ai++;
	ratio = (double)ai / (double)(appr ? appr : 1);
	json_object_set_new(data, "ai_generated_in_window", json_integer(ai));
	json_object_set_new(data, "approvals_in_window", json_integer(appr));
	json_object_set_new(data, "window_days", json_integer(e->rules->window_days));
	if (ratio > e->rules->max_ai_per_approval) {
		snprintf(why, whysz, "generation is outpacing governance: %lld AI-generated "
			 "change requests in the last %d days against %lld approvals "
			 "(limit %.1f per approval)", (long long)ai, e->rules->window_days,
			 (long long)appr, e->rules->max_ai_per_approval);
		return 1;
	}
	json_array_foreach(path, i, sl) {
		if (!strcmp(json_str(sl, "kind"), "function"))
			continue;
		if ((ret = backlog_of(e->s, json_str(sl, "name"), &backlog, err)))
			return ret;
		if (backlog >= e->rules->max_backlog) {
			json_object_set_new(data, "approver", json_string(json_str(sl, "name")));
			json_object_set_new(data, "backlog", json_integer(backlog));
			snprintf(why, whysz, "generation is outpacing governance: '%s' already has "
				 "%lld items waiting (limit %d)", json_str(sl, "name"),
				 (long long)backlog, e->rules->max_backlog);
			return 1;
		}
	}
	return 0;
}

int chg_add_finding(struct change_env *e, int64_t now, const char *msg, json_t *data,
		    struct aiv_err *err)
{
	char *txt = cjson_dumps(data);
	struct store_stmt *st = chg_prep(e->s, err, "INSERT INTO change_findings(time, code,"
				     " message, data) VALUES (?, 'generation-outpacing-governance',"
				     " ?, ?)", 0);
	int ret;

	if (!st) {
		free(txt);
		return err->code;
	}
	store_bind_int(st, 1, now);
	store_bind_text(st, 2, msg);
	store_bind_text(st, 3, txt);
	ret = chg_run(st, err);
	free(txt);
	return ret;
}

/* Open queued CRs whose approvers now have room, oldest first. */
int chg_release_queued(struct change_env *e, int64_t now, json_t *released,
		       struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err, "SELECT id, approval_path FROM change_requests"
				     " WHERE status = 'queued' ORDER BY num", 0);
	json_t *ids = json_array(), *paths = json_array(), *id;
	size_t i;
	int rc, ret = 0;

	if (!st) {
		json_decref(ids);
		json_decref(paths);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *p = json_loads(store_col_text(st, 1), 0, NULL);
		json_array_append_new(ids, json_string(store_col_text(st, 0)));
		json_array_append_new(paths, p ? p : json_array());
	}
	store_reset(st);
	if (rc < 0)
		ret = rc;
	json_array_foreach(ids, i, id) {
		char why[512];
		json_t *data = json_object(), *payload;
		int behind;
		if (ret)
			break;
		behind = chg_governance_behind(e, json_array_get(paths, i), now, 1, why, sizeof(why),
					   data, err);
		if (behind < 0)
			ret = behind;
		else if (!behind) {
			char *subject = xstrfmt("ChangeRequest/%s", json_string_value(id));
			payload = json_pack("{s:s, s:O}", "cr", json_string_value(id), "governance", data);
			if (!(ret = chg_set_status(e, json_string_value(id), "open", NULL, 0, err)))
				ret = ledger_append(e->s, e->actor, "change.release", subject, payload,
						    NULL, err);
			json_array_append(released, id);
			json_decref(payload);
			free(subject);
		}
		json_decref(data);
	}
	json_decref(ids);
	json_decref(paths);
	return ret;
}
