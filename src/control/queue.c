/*
 * queue.c - the exception queue: items created by escalated decisions
 * (commit.c), expired past their due time, listed and shown, approved,
 * rejected or reassigned by people (never agents; separation of duties).
 *
 * Time comes from time_now_us(), so AIVALUE_FAKE_TIME drives expiry in
 * tests.  Items that pass their due time become "expired" lazily: a write
 * path records it (as system:expiry), a read only shows it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"
#include "org/people.h"


int control_transition_record(struct store *s, const char *actor, const char *item,
			     const char *from, const char *to, const char *by,
			     const char *reason, json_t *extra, struct aiv_err *err)
{
	char id[48], now[TIME_ISO_LEN], action[64], subject[80];
	json_t *rec, *payload;
	int ret;

	control_new_id(id, sizeof(id), "tr");
	time_format_us(time_now_us(), now);
	payload = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "item", item, "from", from,
			    "to", to, "by", by, "reason", reason);
	if (extra)
		json_object_update(payload, extra);
	snprintf(action, sizeof(action), "exception.%s", to);
	snprintf(subject, sizeof(subject), "exception:%s", item);
	if ((ret = ledger_append(s, actor, action, subject, payload, NULL, err))) {
		json_decref(payload);
		return ret;
	}
	rec = json_pack("{s:s, s:s, s:s, s:O}", "decision_id", id, "timestamp", now,
			"path", "aivalue/control/exceptions", "transition", payload);
	json_decref(payload);
	ret = control_log_append(s, id, "transition", now, rec, err);
	json_decref(rec);
	return ret;
}

/*
 * Expire overdue pending items inside the caller's transaction.  The
 * entries are the system's (EXPIRY_ACTOR), whoever's write triggered them:
 * expiry is the clock's doing, not the caller's.
 */
int control_expire_tx(struct store *s, const char *actor, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT id FROM exceptions"
					      " WHERE state = 'pending' AND due_us < ?"
					      " ORDER BY due_us, id", err);
	char **ids = NULL;
	size_t n = 0;
	int64_t t = time_now_us();
	int ret;

	(void)actor;
	if (!st)
		return err->code;
	store_bind_int(st, 1, t);
	ret = control_step_texts(st, &ids, &n, err);
	if (!ret)
		ret = control_expire_ids_tx(s, ids, n, t, err);
	control_texts_free(ids, n);
	return ret;
}

/* Expire the items ids[0..n), found overdue at time t (µs). */
int control_expire_ids_tx(struct store *s, char **ids, size_t n, int64_t t,
			  struct aiv_err *err)
{
	struct store_stmt *st;
	char now[TIME_ISO_LEN];
	size_t i;
	int rc, ret = 0;

	time_format_us(t, now);
	for (i = 0; i < n && !ret; i++) {
		if (!(st = store_prepare(s, "UPDATE exceptions SET state = 'expired',"
					 " resolved_at = ? WHERE id = ?", err))) {
			ret = err->code;
			break;
		}
		store_bind_text(st, 1, now);
		store_bind_text(st, 2, ids[i]);
		rc = store_step(st, err);
		store_reset(st);
		if (rc < 0)
			ret = rc;
		else
			ret = control_transition_record(s, EXPIRY_ACTOR, ids[i], "pending", "expired", "system",
						"not resolved by its due time: counts as denied", NULL,
						err);
	}
	return ret;
}

int control_expire(struct store *s, const char *actor, struct aiv_err *err)
{
	int64_t n = 0;
	int ret;

	/* cheap check first, so reads do not take the write lock for nothing */
	{
		struct store_stmt *st = store_prepare(s, "SELECT count(*) FROM exceptions"
						      " WHERE state = 'pending' AND due_us < ?", err);
		int rc;
		if (!st)
			return err->code;
		store_bind_int(st, 1, time_now_us());
		rc = store_step(st, err);
		if (rc == STORE_ROW)
			n = store_col_int(st, 0);
		store_reset(st);
		if (rc < 0)
			return rc;
	}
	if (!n)
		return 0;
	if ((ret = store_begin(s, err)))
		return ret;
	(void)actor;
	if ((ret = control_expire_tx(s, EXPIRY_ACTOR, err)) || (ret = control_log_flush_tx(s, EXPIRY_ACTOR, err))) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}

static const char *const item_cols =
	"id, queue, owner_kind, owner, state, created_at, due_at, resolved_at, workflow,"
	" step, agent, on_behalf_of, action, resource, request, digest, decision_id,"
	" policies, approver, reason, used_at";
/*
 * The same for reads, which never write: an overdue pending item shows as
 * expired (its first parameter is the time now); the next write path
 * records the expiry, as actor system:expiry.
 */
#define READ_STATE "CASE WHEN state = 'pending' AND due_us < ? THEN 'expired' ELSE state END"
static const char *const item_cols_read =
	"id, queue, owner_kind, owner, " READ_STATE ", created_at, due_at, resolved_at,"
	" workflow, step, agent, on_behalf_of, action, resource, request, digest, decision_id,"
	" policies, approver, reason, used_at";

/*
 * The item's fields in column order (item_cols): the reader fills them
 * from a row, the JSON printer writes them under these names.  One table,
 * so a renamed field is renamed everywhere.
 */
static const struct {
	const char *name;
	size_t off;
	int json; /* stored as JSON text, held as json_t * */
} item_fields[] = {
#define F(f) { #f, offsetof(struct control_exception, f), 0 }
#define J(f) { #f, offsetof(struct control_exception, f), 1 }
	F(id), F(queue), F(owner_kind), F(owner), F(state), F(created_at), F(due_at),
	F(resolved_at), F(workflow), F(step), F(agent), F(on_behalf_of), F(action),
	F(resource), J(request), F(digest), F(decision_id), J(policies), F(approver),
	F(reason), F(used_at),
#undef F
#undef J
};

#define ITEM_STR(e, i) ((char **)((char *)(e) + item_fields[i].off))
#define ITEM_JSON(e, i) ((json_t **)((char *)(e) + item_fields[i].off))

void control_exception_release(struct control_exception *e)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(item_fields); i++) {
		if (item_fields[i].json)
			json_decref(*ITEM_JSON(e, i));
		else
			free(*ITEM_STR(e, i));
	}
	memset(e, 0, sizeof(*e));
}

void control_exceptions_release(struct control_exceptions *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		control_exception_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

json_t *control_exception_json(const struct control_exception *e)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(item_fields); i++) {
		if (item_fields[i].json) {
			json_t *v = *ITEM_JSON(e, i);
			if (v)
				json_object_set(o, item_fields[i].name, v);
		} else {
			const char *v = *ITEM_STR(e, i);
			if (v)
				json_object_set_new(o, item_fields[i].name, json_string(v));
		}
	}
	return o;
}

CONTROL_LIST_JSON(control_exceptions_json, control_exceptions, control_exception_json)

/* An exception row (item_cols order) into *e; AIV_EINTERNAL if unreadable. */
static int item_read(struct store_stmt *st, struct control_exception *e, struct aiv_err *err)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < ARRAY_SIZE(item_fields); i++) {
		if (store_col_is_null(st, (int)i))
			continue;
		if (item_fields[i].json) {
			json_error_t je;
			json_t *v = json_loads(store_col_text(st, (int)i), 0, &je);
			if (!v) {
				aiv_fail(err, AIV_EINTERNAL, "exception item '%s': its %s cannot "
					 "be read: %s", store_col_text(st, 0), item_fields[i].name,
					 je.text);
				control_exception_release(e);
				return err->code;
			}
			*ITEM_JSON(e, i) = v;
		} else {
			*ITEM_STR(e, i) = xstrdup(store_col_text(st, (int)i));
		}
	}
	return 0;
}

int control_exceptions_list(struct store *s, const char *actor, const char *state,
			    const char *queue, struct control_exceptions *out,
			    struct aiv_err *err)
{
	struct control_exceptions l = { NULL, 0 };
	size_t alloc = 0;
	char *sql;
	struct store_stmt *st;
	int64_t now;
	int rc;

	(void)actor; /* a read: nothing is recorded under the reader's name */
	memset(out, 0, sizeof(*out));
	now = time_now_us();
	sql = xstrfmt("SELECT %s FROM exceptions WHERE (? IS NULL OR " READ_STATE " = ?)"
		      " AND (? IS NULL OR queue = ?) ORDER BY created_at, id", item_cols_read);
	st = store_prepare(s, sql, err);
	free(sql);
	if (!st)
		return err->code;
	store_bind_int(st, 1, now);
	store_bind_text(st, 2, state);
	store_bind_int(st, 3, now);
	store_bind_text(st, 4, state);
	store_bind_text(st, 5, queue);
	store_bind_text(st, 6, queue);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(l.v, l.n + 1, alloc);
		if ((rc = item_read(st, &l.v[l.n], err)))
			break;
		l.n++;
	}
	store_reset(st);
	if (rc < 0) {
		control_exceptions_release(&l);
		return rc;
	}
	*out = l;
	return 0;
}

/* One item; read: as reads show it (item_cols_read), else as stored. */
static int load_item_as(struct store *s, const char *id, int read, struct control_exception *out,
			struct aiv_err *err)
{
	char *sql = xstrfmt("SELECT %s FROM exceptions WHERE id = ?",
			    read ? item_cols_read : item_cols);
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	memset(out, 0, sizeof(*out));
	free(sql);
	if (!st)
		return err->code;
	if (read)
		store_bind_int(st, 1, time_now_us());
	store_bind_text(st, read ? 2 : 1, id);
	rc = store_step(st, err);
	if (rc == STORE_ROW && item_read(st, out, err))
		rc = err->code;
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return aiv_fail(err, AIV_ENOTFOUND, "no exception item '%s'", id);
	return 0;
}

int control_load_item(struct store *s, const char *id, struct control_exception *out,
		      struct aiv_err *err)
{
	return load_item_as(s, id, 0, out, err);
}

int control_exception_show(struct store *s, const char *actor, const char *id,
			   struct control_exception *out, struct aiv_err *err)
{
	(void)actor; /* a read: see control_exceptions_list */
	return load_item_as(s, id, 1, out, err);
}

static int row_exists(struct store *s, const char *sql, const char *v, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	store_bind_text(st, 1, v);
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : rc == STORE_ROW;
}

int control_exception_act(struct store *s, const char *actor, const char *id,
			  int transition, const char *as, const char *reason,
			  const char *to, struct control_exception *out,
			  struct aiv_err *err)
{
	static const char *const verbs[] = { "approve", "reject", "reassign" };
	static const char *const states[] = { "approved", "rejected", "pending" };
	struct control_exception item = { 0 };
	json_t *extra = NULL;
	struct store_stmt *st;
	const char *state, *obo;
	char now[TIME_ISO_LEN];
	const char *to_kind = NULL;
	int ret, rc;

	if (!reason || !*reason)
		return aiv_fail(err, AIV_EINPUT, "%s needs a reason (--reason)", verbs[transition]);
	if (!as || !*as)
		return aiv_fail(err, AIV_EINPUT, "%s needs the person acting (--as PERSON)",
				verbs[transition]);
	/* record overdue expiries first, so that a refused action still leaves them */
	if ((ret = control_expire(s, EXPIRY_ACTOR, err)) || (ret = store_begin(s, err)))
		return ret;
	if ((ret = control_expire_tx(s, actor, err)) || (ret = control_load_item(s, id, &item, err)))
		goto fail;
	if ((rc = row_exists(s, "SELECT 1 FROM agents WHERE name = ?", as, err)) < 0) {
		ret = rc;
		goto fail;
	}
	if (rc) {
		ret = aiv_fail(err, AIV_EPERM, "'%s' is an agent: agents never %s exception items",
			       as, verbs[transition]);
		goto fail;
	}
	if ((rc = org_is_person(s, as, err)) < 0) {
		ret = rc;
		goto fail;
	}
	if (!rc) {
		ret = aiv_fail(err, AIV_EINPUT, "no person '%s' (--as names who acts)", as);
		goto fail;
	}
	state = item.state;
	if (strcmp(state, "pending")) {
		ret = aiv_fail(err, AIV_ESTATE, "exception item '%s' is %s, not pending%s", id,
			       state, !strcmp(state, "expired")
			       ? " (it passed its due time and counts as denied)" : "");
		goto fail;
	}
	obo = item.on_behalf_of;
	if (transition == CONTROL_APPROVE && obo && !strcmp(obo, as)) {
		ret = aiv_fail(err, AIV_EPERM, "separation of duties: '%s' is the person the "
			       "agent acted for and cannot approve item '%s'", as, id);
		goto fail;
	}
	time_format_us(time_now_us(), now);
	if (transition == CONTROL_REASSIGN) {
		int person, team;
		if (!to || !*to) {
			ret = aiv_fail(err, AIV_EINPUT, "reassign needs --to PERSON or --to team:NAME");
			goto fail;
		}
		if (!strncmp(to, "team:", 5)) {
			to += 5;
			to_kind = "team";
		} else if (!strncmp(to, "person:", 7)) {
			to += 7;
			to_kind = "person";
		}
		if ((person = org_is_person(s, to, err)) < 0 ||
		    (team = org_is_team(s, to, err)) < 0) {
			ret = err->code;
			goto fail;
		}
		if (!to_kind)
			to_kind = person ? "person" : "team";
		if ((!strcmp(to_kind, "person") && !person) || (!strcmp(to_kind, "team") && !team)) {
			ret = aiv_fail(err, AIV_EINPUT, "no %s '%s' to reassign to", to_kind, to);
			goto fail;
		}
		if (!(st = store_prepare(s, "UPDATE exceptions SET owner_kind = ?, owner = ?"
					 " WHERE id = ?", err))) {
			ret = err->code;
			goto fail;
		}
		store_bind_text(st, 1, to_kind);
		store_bind_text(st, 2, to);
		store_bind_text(st, 3, id);
		extra = json_pack("{s:s, s:s, s:s}", "from_owner", item.owner,
				  "to_owner", to, "to_owner_kind", to_kind);
	} else {
		if (!(st = store_prepare(s, "UPDATE exceptions SET state = ?, approver = ?,"
					 " reason = ?, resolved_at = ? WHERE id = ?", err))) {
			ret = err->code;
			goto fail;
		}
		store_bind_text(st, 1, states[transition]);
		store_bind_text(st, 2, as);
		store_bind_text(st, 3, reason);
		store_bind_text(st, 4, now);
		store_bind_text(st, 5, id);
		extra = json_pack("{s:s}", "digest", item.digest);
	}
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	if ((ret = control_transition_record(s, actor, id, "pending",
				     transition == CONTROL_REASSIGN ? "reassigned" : states[transition],
				     as, reason, extra, err)) ||
	    (ret = control_log_flush_tx(s, actor, err)))
		goto fail;
	control_exception_release(&item);
	if ((ret = control_load_item(s, id, &item, err)) || (ret = store_commit(s, err)))
		goto fail;
	json_decref(extra);
	*out = item;
	return 0;
fail:
	store_rollback(s);
	control_exception_release(&item);
	json_decref(extra);
	return ret;
}
