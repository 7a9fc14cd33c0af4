/*
 * org_state.c - the organisation's tables against the ledger, for
 * `audit verify --state`: teams, people and initiatives are written by
 * their kinds from the applied specs alone, so they are replayed
 * (apply/apply_state.h); tokens are replayed from the ledger's
 * token.create/revoke entries (ledger_bound_tokens).  Registered at start
 * by org_register_kinds().
 */
#include <stdlib.h>
#include <string.h>

#include "apply/apply_state.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ledger/bind.h"
#include "ledger/state.h"
#include "org.h"

struct want_tokens {
	json_t *m; /* key -> value object */
	struct ledger_state_report *r;
};

static int want_token(const char *name, const struct ledger_bound_token *t, void *data)
{
	struct want_tokens *w = data;

	json_object_set_new(w->m, name, json_pack("{s:s, s:s, s:s, s:b, s:I}", "role", t->role,
						  "agent", t->agent, "secret", t->secret_sha256,
						  "revoked", t->revoked, "seq", (json_int_t)t->seq));
	return 0;
}

static int check_tokens(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	struct want_tokens w = { json_object(), r };
	struct store_stmt *st;
	const char *k;
	json_t *v;
	int rc, ret;

	r->tables++;
	if ((ret = ledger_bound_tokens(s, want_token, &w, err)))
		goto out;
	if (!(st = store_prepare(s, "SELECT name, role, coalesce(agent, ''), hash,"
				 " revoked_at IS NOT NULL FROM tokens ORDER BY name", err))) {
		ret = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *name = store_col_text(st, 0);
		json_t *t = json_object_get(w.m, name);
		const char *role = json_string_value(json_object_get(t, "role"));
		const char *agent = json_string_value(json_object_get(t, "agent"));
		const char *secret = json_string_value(json_object_get(t, "secret"));
		int revoked = json_is_true(json_object_get(t, "revoked"));
		long long seq = (long long)json_integer_value(json_object_get(t, "seq"));

		r->rows++;
		if (!t) {
			ledger_state_add(r, "tokens", name, "no ledger entry created this token "
					 "(role %s)", store_col_text(st, 1));
			continue;
		}
		if (strcmp(role, store_col_text(st, 1)))
			ledger_state_add(r, "tokens", name, "role is %s but the ledger says %s "
					 "(entry %lld)", store_col_text(st, 1), role, seq);
		if (strcmp(agent, store_col_text(st, 2)))
			ledger_state_add(r, "tokens", name, "agent is '%s' but the ledger says '%s'",
					 store_col_text(st, 2), agent);
		if (secret[0] && strcmp(secret, store_col_text(st, 3)))
			ledger_state_add(r, "tokens", name, "the stored secret hash differs from "
					 "the ledger's (entry %lld)", seq);
		if (revoked != (int)store_col_int(st, 4))
			ledger_state_add(r, "tokens", name, "%s but the ledger says %s (entry %lld)",
					 revoked ? "active" : "revoked",
					 revoked ? "revoked" : "active", seq);
		json_object_del(w.m, name);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	json_object_foreach(w.m, k, v)
		ledger_state_add(r, "tokens", k, "missing: the ledger created it (entry %lld)",
				 (long long)json_integer_value(json_object_get(v, "seq")));
out:
	json_decref(w.m);
	return ret;
}

/*
 * sessions: replayed from session.create {token, expires_at,
 * session_sha256} and session.delete {session_sha256}.  Every row must
 * have been created by an entry with its stored hash, for the same token
 * and expiry; a live session the ledger created must have its row
 * (expired ones are purged without an entry).  A row from before the
 * entries recorded the hash is matched to such an entry by token and
 * expiry and counted as not covered.
 */
static int check_sessions(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	json_t *entries = NULL, *want = json_object(), *old = json_object(), *e;
	struct store_stmt *st = NULL;
	char now[TIME_ISO_LEN];
	const char *k;
	int rc, ret;

	r->tables++;
	time_format_us(time_now_us(), now);
	if ((ret = ledger_state_entries_by_seq(s, "session.", "token", &entries, err)))
		goto out;
	json_object_foreach(entries, k, e) {
		const char *h = ledger_state_str(e, "session_sha256");
		int create = json_object_get(e, "expires_at") != NULL;
		if (create && !*h) {
			char *ok = xstrfmt("%s|%s", ledger_state_str(e, "token"),
					   ledger_state_str(e, "expires_at"));
			json_object_set_new(old, ok, json_integer(1 + json_integer_value(
					    json_object_get(old, ok))));
			free(ok);
		} else if (create) {
			json_object_set_new(want, h, json_pack("{s:s, s:s, s:I}", "token",
					    ledger_state_str(e, "token"), "expires_at",
					    ledger_state_str(e, "expires_at"), "seq",
					    (json_int_t)strtoll(k, NULL, 10)));
		} else if (*h) {
			json_object_del(want, h);
		}
	}
	if (!(st = store_prepare(s, "SELECT x.hash, coalesce(t.name, ''), x.expires_at FROM"
				 " sessions x LEFT JOIN tokens t ON t.id = x.token_id"
				 " ORDER BY x.hash", err))) {
		ret = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *h = store_col_text(st, 0), *tok = store_col_text(st, 1);
		const char *exp = store_col_text(st, 2);
		char *key = xstrfmt("%s/%.12s...", tok, h), *ok = xstrfmt("%s|%s", tok, exp);
		json_t *w = json_object_get(want, h), *n = json_object_get(old, ok);

		r->rows++;
		if (w) {
			if (strcmp(ledger_state_str(w, "token"), tok))
				ledger_state_add(r, "sessions", key, "its token is '%s' but the ledger "
						 "says '%s' (entry %lld)", tok,
						 ledger_state_str(w, "token"), (long long)
						 json_integer_value(json_object_get(w, "seq")));
			else if (strcmp(ledger_state_str(w, "expires_at"), exp))
				ledger_state_add(r, "sessions", key, "it expires at %s but the ledger "
						 "says %s (entry %lld)", exp,
						 ledger_state_str(w, "expires_at"), (long long)
						 json_integer_value(json_object_get(w, "seq")));
			json_object_del(want, h);
		} else if (json_integer_value(n) > 0) {
			json_object_set_new(old, ok, json_integer(json_integer_value(n) - 1));
			r->uncovered++;
		} else {
			ledger_state_add(r, "sessions", key, "no session.create entry recorded this "
					 "session, or a session.delete ended it");
		}
		free(key);
		free(ok);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	json_object_foreach(want, k, e)
		if (strcmp(ledger_state_str(e, "expires_at"), now) > 0)
			ledger_state_add(r, "sessions", ledger_state_str(e, "token"), "missing: "
					 "session.create entry %lld recorded a session that has not "
					 "expired", (long long)json_integer_value(json_object_get(e, "seq")));
out:
	json_decref(entries);
	json_decref(want);
	json_decref(old);
	return ret;
}

/*
 * people.directory_id, status and left_at (schema ORG_LEFT_VERSION): put
 * from the Person spec like the other columns, but checked here rather
 * than in the replay's column list, because a workspace from before that
 * version, opened read-only, has no such columns to compare.  A row with
 * no Person spec is the replay's to report.
 */
static int check_people_status(struct store *s, struct ledger_state_report *r,
			       struct aiv_err *err)
{
	json_t *specs = NULL, *byname = json_object(), *v;
	struct store_stmt *st = NULL;
	size_t i;
	int rc, ret;

	/* the people table and its rows are counted once, by the replay */
	if (store_schema_version(s) < ORG_LEFT_VERSION)
		goto done;
	if ((ret = apply_object_specs(s, "Person", &specs, err)))
		goto out;
	json_array_foreach(specs, i, v)
		json_object_set(byname, json_str(v, "name"), v);
	if (!(st = store_prepare(s, "SELECT name, coalesce(directory_id, ''), status,"
				 " coalesce(left_at, '') FROM people ORDER BY name", err))) {
		ret = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const json_t *spec = json_object_get(byname, store_col_text(st, 0));
		const char *want_dir, *want_status, *want_left;

		if (!spec)
			continue;
		want_dir = ledger_state_str(spec, "directory_id");
		want_status = json_str(spec, "status") ? json_str(spec, "status") : "active";
		want_left = ledger_state_str(spec, "left_at");
		if (strcmp(want_dir, store_col_text(st, 1)) ||
		    strcmp(want_status, store_col_text(st, 2)) ||
		    strcmp(want_left, store_col_text(st, 3)))
			ledger_state_add(r, "people", store_col_text(st, 0), "status is '%s' (left "
					 "'%s', directory id '%s') but the applied spec says '%s' (left "
					 "'%s', directory id '%s')", store_col_text(st, 2),
					 store_col_text(st, 3), store_col_text(st, 1), want_status,
					 want_left, want_dir);
	}
	store_reset(st);
	ret = rc < 0 ? rc : 0;
out:
	json_decref(specs);
	json_decref(byname);
	return ret;
done:
	json_decref(byname);
	return 0;
}

void org_state_register(void)
{
	ledger_state_register(check_tokens);
	ledger_state_register(check_sessions);
	/* Team first: people and initiatives refer to teams */
	apply_state_replay("Team", "teams", "name", "title, function, parent, lead");
	apply_state_replay("Person", "people", "name",
			   "display_name, email, role, team, manager, champion");
	ledger_state_register(check_people_status);
	apply_state_replay("Initiative", "initiatives", "name",
			   "title, model, owner, phase, status, description");
}
