/*
 * ingest_state.c - the imported tables against the ledger, for `audit
 * verify --state` (ledger/state.h); registered at start by
 * ingest_register_kinds().
 *
 *   digested  usage.import and journeys.import: ledger_append digests the
 *             rows each import wrote into its entry (state_sha256).  The
 *             string and identity dictionaries the usage blocks point
 *             into are append-only and shared by every import, so the
 *             newest usage.import also digests them whole: renaming a
 *             tool in usage_strings would otherwise re-label every block.
 *   stamped   identities, written by identities.import and by Identity
 *             specs, each overriding the other's rows: every entry that
 *             changes it records each person's identities digest
 *             (identities_sha256), and the newest must match the table.
 *   replayed  event logs: the columns of each log must load and hash to
 *             the content hash its last import.cases entry recorded (the
 *             entry is written before the columns, so they cannot be
 *             digested into it; the content hash is the same thing).
 *             And the monthly activity rollup: each import's rows must be
 *             what its blocks give (usage_activity_check; it is derived,
 *             and back-filled for imports whose entries predate it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "ingest/usage.h"
#include "ingest/usage_activity.h"
#include "ingest/usage_seat_spans.h"
#include "ledger/ledger.h"
#include "ledger/state.h"
#include "logstore.h"
#include "metrics/eventlog.h"

static const struct ledger_state_import usage_import = {
	"usage.import", "import_id", {
		{ "usage_blocks",
		  "SELECT seq, n, data FROM usage_blocks WHERE import_id = ?"
		  " ORDER BY seq", 3 },
		/*
		 * person (creator) is left out: identity_rejoin fills it in from
		 * the identity map when identities.import maps the identity, and
		 * the map is bound by that entry (identities_sha256).  Entries
		 * written before 2026-12-07 digested it: the old forms below.
		 */
		{ "usage_seats",
		  "SELECT identity, tool, day FROM usage_seats"
		  " WHERE import_id = ? ORDER BY identity, tool, day", 3 },
		{ "usage_team_members",
		  "SELECT identity, team, day FROM usage_team_members"
		  " WHERE import_id = ? ORDER BY identity, team, day", 3 },
		{ "usage_workflows",
		  "SELECT tool, workflow, title, creator_identity, day"
		  " FROM usage_workflows WHERE import_id = ?"
		  " ORDER BY tool, workflow, day, title, creator_identity", 5 },
		{ "usage_org_daily",
		  "SELECT tool, day, active_users, engaged_users FROM"
		  " usage_org_daily WHERE import_id = ? ORDER BY tool, day", 4 },
		{ "usage_unmatched",
		  "SELECT identity, rows FROM usage_unmatched"
		  " WHERE import_id = ? ORDER BY identity", 2 },
		{ "usage_tokens",
		  "SELECT person, identity, tool, model, day, input_tokens, output_tokens"
		  " FROM usage_tokens WHERE import_id = ? ORDER BY identity, day, tool, model,"
		  " input_tokens, output_tokens, person", 7 },
		/* whole tables: the dictionaries (person is re-joined later: not bound) */
		{ "usage_strings", "SELECT id, value FROM usage_strings ORDER BY id", 2 },
		{ "usage_identities", "SELECT id, identity FROM usage_identities ORDER BY id", 2 },
	} };

static const struct ledger_state_import journeys_import = {
	"journeys.import", "import_id", {
		{ "journey_events",
		  "SELECT journey, customer, channel, time_us, turn,"
		  " intent_qualified, committed, order_value FROM journey_events"
		  " WHERE import_id = ? ORDER BY journey, customer, time_us, turn, channel,"
		  " intent_qualified, committed, order_value", 8 },
		{ "customer_outcomes",
		  "SELECT customer, retained_30d, retained_90d, upsell,"
		  " revenue, referrals FROM customer_outcomes WHERE import_id = ?"
		  " ORDER BY customer, retained_30d, retained_90d, upsell, revenue, referrals", 6 },
		{ NULL, NULL, 0 },
	} };

static int check_event_logs(struct store *s, struct ledger_state_report *r,
			    struct aiv_err *err)
{
	struct logstore_info *v = NULL;
	json_t *want = NULL;
	size_t n = 0, i;
	int ret;

	r->tables += 2; /* event_logs, event_log_columns */
	if ((ret = ledger_state_last_entries(s, "import.cases", "log", &want, err)) ||
	    (ret = logstore_list(s, &v, &n, err)))
		goto out;
	for (i = 0; i < n; i++) {
		json_t *e = json_object_get(want, v[i].name);
		const char *rec = json_string_value(json_object_get(e, "rows_sha256"));
		struct aiv_err lerr = AIV_ERR_INIT;
		struct eventlog l;
		char have[SHA256_HEX];

		r->rows++;
		if (!e || !rec) {
			ledger_state_add(r, "event_logs", v[i].name, "no import.cases entry "
					 "imported this log");
			continue;
		}
		if (strcmp(rec, v[i].content_hash) ||
		    v[i].ledger_seq != json_integer_value(json_object_get(e, "_seq")) ||
		    v[i].cases != json_integer_value(json_object_get(e, "cases")) ||
		    v[i].events != json_integer_value(json_object_get(e, "rows")) ||
		    v[i].activities != json_integer_value(json_object_get(e, "activities")))
			ledger_state_add(r, "event_logs", v[i].name, "hash %.12s..., entry %lld, "
					 "%lld cases, %lld events, %lld activities but the ledger "
					 "(entry %lld) says %.12s..., %lld, %lld, %lld",
					 v[i].content_hash, (long long)v[i].ledger_seq,
					 (long long)v[i].cases, (long long)v[i].events,
					 (long long)v[i].activities,
					 (long long)json_integer_value(json_object_get(e, "_seq")), rec,
					 (long long)json_integer_value(json_object_get(e, "cases")),
					 (long long)json_integer_value(json_object_get(e, "rows")),
					 (long long)json_integer_value(json_object_get(e, "activities")));
		eventlog_init(&l);
		if (logstore_load(s, v[i].name, &l, &lerr)) {
			ledger_state_add(r, "event_log_columns", v[i].name, "the columns do not "
					 "load: %s", lerr.msg);
		} else {
			logstore_content_hash(&l, have);
			if (strcmp(have, rec))
				ledger_state_add(r, "event_log_columns", v[i].name, "the columns hash "
						 "to %.12s... but import.cases entry %lld recorded "
						 "%.12s...", have,
						 (long long)json_integer_value(json_object_get(e, "_seq")),
						 rec);
		}
		eventlog_release(&l);
	}
	{
		const char *k;
		json_t *e;
		json_object_foreach(want, k, e) {
			for (i = 0; i < n && strcmp(v[i].name, k); i++)
				;
			if (i == n)
				ledger_state_add(r, "event_logs", k, "missing: import.cases entry "
						 "%lld imported it",
						 (long long)json_integer_value(json_object_get(e, "_seq")));
		}
	}
out:
	logstore_info_free(v, n);
	json_decref(want);
	return ret;
}

/*
 * usage_imports: one row per usage.import or journeys.import entry, which
 * names it by import_id; source, format, rows, content hash and the entry
 * must be what the entry says.
 */
static void import_row(struct store_stmt *st, const json_t *e, struct ledger_state_report *r)
{
	if (strcmp(ledger_state_col(st, 1), ledger_state_str(e, "format")) ||
	    strcmp(ledger_state_col(st, 2), ledger_state_str(e, "source")) ||
	    store_col_int(st, 3) != json_integer_value(json_object_get(e, "rows")) ||
	    strcmp(ledger_state_col(st, 4), ledger_state_str(e, "content_hash")) ||
	    store_col_int(st, 5) != json_integer_value(json_object_get(e, "_seq")))
		ledger_state_add(r, "usage_imports", ledger_state_col(st, 0), "format, source, rows, "
				 "content hash or entry differ from the ledger's (entry %lld: %s, "
				 "%lld rows, %.12s...)",
				 (long long)json_integer_value(json_object_get(e, "_seq")),
				 ledger_state_str(e, "source"),
				 (long long)json_integer_value(json_object_get(e, "rows")),
				 ledger_state_str(e, "content_hash"));
}

static int check_usage_imports(struct store *s, struct ledger_state_report *r,
			       struct aiv_err *err)
{
	json_t *want = NULL, *journeys = NULL;
	int ret;

	r->tables++;
	if (!(ret = ledger_state_last_entries(s, "usage.import", "import_id", &want, err)) &&
	    !(ret = ledger_state_last_entries(s, "journeys.import", "import_id", &journeys, err))) {
		json_object_update(want, journeys);
		ret = ledger_state_match_rows(s, "usage_imports", "SELECT id, format, source, rows,"
					      " content_hash, ledger_seq FROM usage_imports"
					      " ORDER BY id", want, "usage.import or journeys.import",
					      import_row, r, err);
	}
	json_decref(want);
	json_decref(journeys);
	return ret;
}

/* ---- identities: written by identities.import and by Identity specs -- */

/*
 * {person: row digest of that person's identities} for the whole table:
 * what each entry that changes the table records (identities_sha256), and
 * what audit verify compares with the newest such entry.  Per person, so
 * that a difference names the person whose identities changed.
 */
static int identities_digests(struct store *s, json_t **out, struct aiv_err *err)
{
	return ledger_rows_digest_grouped(s, "SELECT person, kind, value, source FROM identities"
					  " ORDER BY person, kind, value, source", 3, out, err);
}

static int stamp_identities(struct store *s, json_t *payload, struct aiv_err *err)
{
	json_t *d;
	int ret = identities_digests(s, &d, err);

	if (!ret)
		json_object_set_new(payload, "identities_sha256", d);
	return ret;
}

static const struct ledger_state_stamp identities_import_stamp = {
	"identities.import", NULL, stamp_identities
};
static const struct ledger_state_stamp identities_apply_stamp = {
	"apply.", "Identity", stamp_identities
};

struct newest_identities {
	int64_t seq;
	char action[64];
	json_t *want; /* its identities_sha256, or NULL */
};

static int newest_identities(const struct ledger_row *row, void *data)
{
	struct newest_identities *w = data;
	json_t *p;

	if (row->seq < w->seq || !(p = json_loadb(row->payload, row->payload_len, 0, NULL)))
		return 0;
	if (ledger_state_stamps(&identities_import_stamp, row->action, p) ||
	    ledger_state_stamps(&identities_apply_stamp, row->action, p)) {
		w->seq = row->seq;
		snprintf(w->action, sizeof(w->action), "%s", row->action);
		json_decref(w->want);
		w->want = json_incref(json_object_get(p, "identities_sha256"));
	}
	json_decref(p);
	return 0;
}

/*
 * The newest entry that changed identities recorded each person's
 * identities as they then were, and nothing else changes the table, so
 * it must still be that.  An entry from before identities_sha256 was
 * recorded leaves the table not covered.
 */
static int check_identities(struct store *s, struct ledger_state_report *r,
			    struct aiv_err *err)
{
	struct newest_identities w = { 0, "", NULL };
	json_t *have = NULL, *v;
	const char *k;
	int ret;

	r->tables++;
	if ((ret = ledger_walk(s, 1, 0, NULL, "identities.import", 0, 0, newest_identities, &w,
			       err)) ||
	    (ret = ledger_walk(s, 1, 0, NULL, "apply.", 0, 0, newest_identities, &w, err)) ||
	    (ret = identities_digests(s, &have, err)))
		goto out;
	r->rows += (int64_t)json_object_size(have);
	if (!w.seq && !json_object_size(have))
		goto out;
	if (!json_is_object(w.want)) {
		if (w.seq) {
			r->uncovered++;
		} else {
			json_object_foreach(have, k, v)
				ledger_state_add(r, "identities", k, "no identities.import or "
						 "Identity apply entry wrote identities");
		}
		goto out;
	}
	json_object_foreach(have, k, v) {
		const char *x = json_string_value(json_object_get(w.want, k));
		if (!x)
			ledger_state_add(r, "identities", k, "this person has identities but %s "
					 "entry %lld, the newest that changed the table, recorded none",
					 w.action, (long long)w.seq);
		else if (strcmp(x, json_string_value(v)))
			ledger_state_add(r, "identities", k, "this person's identities digest to "
					 "%.12s... but %s entry %lld, the newest that changed the "
					 "table, recorded %.12s...", json_string_value(v), w.action,
					 (long long)w.seq, x);
	}
	json_object_foreach(w.want, k, v)
		if (!json_object_get(have, k))
			ledger_state_add(r, "identities", k, "missing: %s entry %lld recorded "
					 "identities for this person", w.action, (long long)w.seq);
out:
	json_decref(w.want);
	json_decref(have);
	return ret;
}

void ingest_state_register(void)
{
	ledger_state_register_stamp(&identities_import_stamp);
	ledger_state_register_stamp(&identities_apply_stamp);
	ledger_state_register(check_identities);
	ledger_state_register(check_usage_imports);
	ledger_state_register_import(&usage_import);
	ledger_state_table_since("usage_tokens", USAGE_TOKENS_VERSION);
	ledger_state_old_form("usage_seats", "SELECT person, identity, tool, day FROM usage_seats"
			      " WHERE import_id = ? ORDER BY identity, tool, day, person", 4);
	ledger_state_old_form("usage_team_members", "SELECT person, identity, team, day FROM"
			      " usage_team_members WHERE import_id = ?"
			      " ORDER BY identity, team, day, person", 4);
	ledger_state_old_form("usage_workflows", "SELECT tool, workflow, title, creator,"
			      " creator_identity, day FROM usage_workflows WHERE import_id = ?"
			      " ORDER BY tool, workflow, day, title, creator_identity, creator", 6);
	/* the dictionaries only grow (ids 0, 1, 2, ...): 140 imports, 33,000 identities */
	ledger_state_append_only("usage_strings", "SELECT id, value FROM usage_strings"
				 " WHERE id > ? ORDER BY id");
	ledger_state_append_only("usage_identities", "SELECT id, identity FROM usage_identities"
				 " WHERE id > ? ORDER BY id");
	ledger_state_register_import(&journeys_import);
	ledger_state_register(check_event_logs);
	ledger_state_register(usage_activity_check);
	ledger_state_register(usage_seat_spans_check);
}
