/*
 * control_state.c - the agent-control tables against the ledger, for
 * `audit verify --state` (ledger/state.h); registered at start by
 * control_register_kinds().
 *
 *   exceptions    replayed: state and approver of each item from its last
 *                 exception.* entry (and on use: control.c approval_bound)
 *   decision_log  derived: each record hashes to its digest (chained by
 *                 decisions.batch, which `decisions verify` re-derives);
 *                 the index columns must say what the record says
 *   tool_calls    digested whole into the newest spans.import entry
 *   agents, workflows, workflow_steps, step_agents, policies
 *                 replayed from the applied specs (apply/apply_state.h)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply_state.h"
#include "control.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "ledger/state.h"

struct want_map {
	json_t *m; /* key -> value object */
	struct ledger_state_report *r;
};

/* Exception items: state and approver from their last exception.* entry. */
static int want_exception(const struct ledger_row *row, void *data)
{
	struct want_map *w = data;
	json_t *p = json_loadb(row->payload, row->payload_len, 0, NULL);
	const char *item = json_string_value(json_object_get(p, "item"));
	const char *to = json_string_value(json_object_get(p, "to"));
	const char *by = json_string_value(json_object_get(p, "by"));

	if (item && to) {
		json_t *e = json_object_get(w->m, item);
		if (!e) {
			e = json_object();
			json_object_set_new(w->m, item, e);
		}
		json_object_set_new(e, "state", json_string(to));
		json_object_set_new(e, "seq", json_integer(row->seq));
		if (!strcmp(to, "approved") || !strcmp(to, "rejected"))
			json_object_set_new(e, "approver", json_string(by ? by : ""));
	}
	json_decref(p);
	return 0;
}

static const char *jstr(const json_t *o, const char *path1, const char *path2);

/*
 * Which decision used each approval: a decision released by an approval
 * records its approver, and its reason names the item (record_one in
 * commit.c: "approved by A in exception item 'ID' for these exact
 * arguments (used once)").  The records are bound (each hashes to its
 * digest, chained by decisions.batch), so exceptions.used_at and
 * used_decision are replayed from them: {item: {decision, at}}.
 */
static int want_used(struct store *s, json_t *used, struct aiv_err *err)
{
	static const char mark[] = " in exception item '";
	struct store_stmt *st = store_prepare(s, "SELECT record FROM decision_log WHERE"
					      " kind = 'decision' AND outcome = 'allow' AND"
					      " record LIKE '%\"approver\":%' ORDER BY seq", err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *rec = json_loadb(store_col_text(st, 0), store_col_bytes(st, 0), 0, NULL);
		const char *reason = jstr(rec, "result", "reason"), *at, *end;
		if (rec && jstr(rec, "approver", NULL) && reason && (at = strstr(reason, mark)) &&
		    (end = strchr(at + sizeof(mark) - 1, '\''))) {
			char *item = xstrndup(at + sizeof(mark) - 1,
					      (size_t)(end - at - (int)sizeof(mark) + 1));
			json_object_set_new(used, item, json_pack("{s:s, s:s}", "decision",
					    jstr(rec, "decision_id", NULL) ? jstr(rec, "decision_id",
					    NULL) : "", "at", jstr(rec, "timestamp", NULL) ?
					    jstr(rec, "timestamp", NULL) : ""));
			free(item);
		}
		json_decref(rec);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static int check_exceptions(struct store *s, struct ledger_state_report *r,
			    struct aiv_err *err)
{
	struct want_map w = { json_object(), r };
	json_t *used = json_object();
	struct store_stmt *st;
	const char *k;
	json_t *v;
	int rc, ret;

	r->tables++;
	if ((ret = ledger_walk(s, 1, 0, NULL, "exception.", 0, 0, want_exception, &w, err)) ||
	    (ret = want_used(s, used, err)))
		goto out;
	if (!(st = store_prepare(s, "SELECT id, state, approver, used_at, used_decision"
				 " FROM exceptions ORDER BY id", err))) {
		ret = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *id = store_col_text(st, 0);
		json_t *e = json_object_get(w.m, id);
		const char *state = json_string_value(json_object_get(e, "state"));
		const char *appr = json_string_value(json_object_get(e, "approver"));

		r->rows++;
		if (!e) {
			ledger_state_add(r, "exceptions", id, "no ledger entry created this item");
			continue;
		}
		if (strcmp(state, store_col_text(st, 1)))
			ledger_state_add(r, "exceptions", id, "state is %s but the ledger says %s "
					 "(entry %lld)", store_col_text(st, 1), state,
					 (long long)json_integer_value(json_object_get(e, "seq")));
		else if (appr && strcmp(appr, store_col_text(st, 2)))
			ledger_state_add(r, "exceptions", id, "approver is '%s' but the ledger "
					 "says '%s'", store_col_text(st, 2), appr);
		{
			json_t *u = json_object_get(used, id);
			const char *at = store_col_is_null(st, 3) ? "" : store_col_text(st, 3);
			const char *dec = store_col_is_null(st, 4) ? "" : store_col_text(st, 4);
			const char *uat = u ? jstr(u, "at", NULL) : "";
			const char *udec = u ? jstr(u, "decision", NULL) : "";
			if (strcmp(at, uat) || strcmp(dec, udec))
				ledger_state_add(r, "exceptions", id, "used_at is %s (decision %s) "
						 "but the decision log says %s%s%s%s",
						 *at ? at : "(none)", *dec ? dec : "(none)",
						 u ? "decision " : "no decision used it",
						 u ? udec : "", u ? " used it at " : "", u ? uat : "");
		}
		json_object_del(w.m, id);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	json_object_foreach(w.m, k, v)
		ledger_state_add(r, "exceptions", k, "missing: the ledger created it (entry %lld)",
				 (long long)json_integer_value(json_object_get(v, "seq")));
out:
	json_decref(w.m);
	json_decref(used);
	return ret;
}

/* ---- derived: decision_log index columns ----------------------------- */

static const char *jstr(const json_t *o, const char *path1, const char *path2)
{
	const json_t *v = json_object_get(o, path1);
	if (path2)
		v = json_object_get(v, path2);
	return json_string_value(v);
}

static void col_vs(struct ledger_state_report *r, const char *id, const char *col,
		   struct store_stmt *st, int i, const char *want)
{
	const char *have = store_col_is_null(st, i) ? NULL : store_col_text(st, i);

	if ((have == NULL) != (want == NULL) || (have && strcmp(have, want)))
		ledger_state_add(r, "decision_log", id, "%s is '%s' but the record says '%s'",
				 col, have ? have : "(null)", want ? want : "(null)");
}

static int check_decision_log(struct store *s, struct ledger_state_report *r,
			      struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	r->tables++;
	if (!(st = store_prepare(s, "SELECT id, kind, record, digest, agent, action, outcome,"
				 " time_us FROM decision_log ORDER BY seq", err)))
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *id = store_col_text(st, 0);
		char have[SHA256_HEX];
		json_t *rec;

		r->rows++;
		sha256_hex(store_col_text(st, 2), store_col_bytes(st, 2), have);
		if (strcmp(have, store_col_text(st, 3))) {
			ledger_state_add(r, "decision_log", id, "the record hashes to %.12s... but "
					 "its digest is %.12s...", have, store_col_text(st, 3));
			continue;
		}
		if (strcmp(store_col_text(st, 1), "decision")) {
			/* a transition has no index columns: one given an agent
			 * would be counted as that agent's decision (cost) */
			static const char *const cols[] = { "agent", "action", "outcome",
							    "time_us" };
			size_t c;
			for (c = 0; c < 4; c++)
				if (!store_col_is_null(st, 4 + (int)c))
					ledger_state_add(r, "decision_log", id, "%s is '%s' but a %s"
							 " row has none", cols[c],
							 store_col_text(st, 4 + (int)c),
							 store_col_text(st, 1));
			continue;
		}
		rec = json_loadb(store_col_text(st, 2), store_col_bytes(st, 2), 0, NULL);
		if (!rec) {
			ledger_state_add(r, "decision_log", id, "the record is not JSON");
			continue;
		}
		col_vs(r, id, "agent", st, 4, jstr(rec, "agent", NULL));
		col_vs(r, id, "action", st, 5, jstr(rec, "input", "action"));
		col_vs(r, id, "outcome", st, 6, jstr(rec, "result", "decision"));
		{
			int64_t t = 0;
			const char *ts = jstr(rec, "timestamp", NULL);
			if (!ts || time_parse_iso(ts, &t) || t != store_col_int(st, 7))
				ledger_state_add(r, "decision_log", id, "time_us is %lld but the "
						 "record's timestamp is %s",
						 (long long)store_col_int(st, 7), ts ? ts : "(none)");
		}
		json_decref(rec);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}


/*
 * tool_calls: only spans.import adds to it (duplicates are skipped), so
 * the newest spans.import digests the whole table ("rows" is there only
 * because a digested import needs an integer field; the query takes none).
 */
static const struct ledger_state_import spans_import = {
	"spans.import", "rows", {
		{ "tool_calls", "SELECT trace_id, span_id, time_us, time, agent, tool, decision_id"
		  " FROM tool_calls ORDER BY trace_id, span_id", 7 },
		{ NULL, NULL, 0 },
	} };

void control_state_register(void)
{
	ledger_state_register_import(&spans_import);
	apply_state_replay("Agent", "agents", "name", "owner, workflow, description");
	apply_state_replay("Workflow", "workflows", "name", "owner, autonomy");
	apply_state_replay("Workflow", "workflow_steps", "workflow, name",
			   "position, owner_kind, owner");
	apply_state_replay("Workflow", "step_agents", "workflow, step, agent", "agent");
	apply_state_replay("Policy", "policies", "name", "cedar, resource_types");
	ledger_state_register(check_exceptions);
	ledger_state_register(check_decision_log);
}
