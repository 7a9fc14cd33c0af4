/*
 * tool_gate.c - what a gateway in front of an agent's tools needs from
 * the control layer beyond control_evaluate/control_commit:
 *
 *   control_pending_decision  the outcome of an evaluated request before
 *                             it is recorded (to find an approval first)
 *   control_approval_find     an approved, unused exception item for the
 *                             same agent, action and arguments (the retry
 *                             that an approval releases once)
 *   control_could_permit      whether any permit policy could ever permit
 *                             an agent an action (tools/list filtering)
 *
 * The filter is a sound over-approximation: it reads only the scopes of
 * the permit policies, never their conditions, so it may list a tool that
 * a `when` clause then refuses, and never hides one that some request
 * could be permitted.  Forbids are ignored for the same reason (a forbid
 * with a condition may not apply).
 */
#include "aiv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"

const struct control_decision *control_pending_decision(const struct control_pending *p)
{
	return &p->d;
}

int control_approval_find(struct store *s, const char *agent, const char *action,
			  const char *digest, char *id, size_t idlen, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT id FROM exceptions WHERE agent = ? AND"
					      " action = ? AND digest = ? AND state = 'approved'"
					      " AND used_at IS NULL ORDER BY created_at, id LIMIT 1",
					      err);
	int rc;

	id[0] = '\0';
	if (!st)
		return err->code;
	store_bind_text(st, 1, agent);
	store_bind_text(st, 2, action);
	store_bind_text(st, 3, digest);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		snprintf(id, idlen, "%s", store_col_text(st, 0));
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/* Could `uid` be in `scope_uid` (equal, or an ancestor of the entity)? */
static int maybe_in(const struct cedar_entities *es, const struct cedar_uid *uid,
		    const struct cedar_uid *scope_uid)
{
	const struct cedar_entity *e;
	uint32_t i;

	if (cedar_uid_eq(uid, scope_uid))
		return 1;
	if (!(e = cedar_entities_find(es, uid)))
		return 0;
	for (i = 0; i < e->nanc; i++)
		if (cedar_uid_eq(e->anc[i], scope_uid))
			return 1;
	return 0;
}

static int same_str(const struct cedar_str *a, const struct cedar_str *b)
{
	return a->n == b->n && !memcmp(a->p, b->p, a->n);
}

static int scope_may_match(const struct cedar_entities *es, const struct cedar_scope *sc,
			   const struct cedar_uid *uid)
{
	uint32_t i;

	switch (sc->op) {
	case CS_ANY:
		return 1;
	case CS_EQ:
		return cedar_uid_eq(uid, &sc->uid);
	case CS_IN:
		return maybe_in(es, uid, &sc->uid);
	case CS_IS:
		return same_str(&sc->is_type, &uid->type);
	case CS_IS_IN:
		return same_str(&sc->is_type, &uid->type) && maybe_in(es, uid, &sc->uid);
	case CS_IN_SET:
		for (i = 0; i < sc->nset; i++)
			if (maybe_in(es, uid, &sc->set[i]))
				return 1;
		return 0;
	}
	return 1; /* an unknown scope: assume it may match (over-approximation) */
}

/* Parse Type::"name" (name escaped) into eng's scratch arena; 0 or -1. */
static int uid_of(struct control_engine *eng, const char *type, const char *name,
		  struct cedar_uid *out)
{
	struct strbuf sb = STRBUF_INIT;
	const char *a;
	int ret;

	strbuf_addf(&sb, "%s::\"", type);
	for (a = name; *a; a++) {
		if (*a == '"' || *a == '\\')
			strbuf_addch(&sb, '\\');
		strbuf_addch(&sb, *a);
	}
	strbuf_addch(&sb, '"');
	ret = cedar_uid_parse(&eng->scratch, sb.buf, out);
	strbuf_release(&sb);
	return ret;
}

int control_could_permit(struct control_engine *eng, const char *agent, const char *action,
			 int *could)
{
	struct control_snapshot *sn = eng->snap;
	struct cedar_uid pr, act;
	size_t i;
	int ret = 0;

	*could = 0;
	if (sn->unbound[0])
		return 0; /* fail closed: nothing is permitted */
	if (uid_of(eng, "Agent", agent, &pr) || uid_of(eng, "Action", action, &act)) {
		ret = -1;
		goto out;
	}
	if (!cedar_entities_find(&sn->es, &pr))
		goto out; /* not a declared agent: every call is refused */
	for (i = 0; i < sn->ps.n && !*could; i++) {
		const struct cedar_policy *p = &sn->ps.v[i];
		if (p->effect != CEDAR_PERMIT)
			continue;
		if (scope_may_match(&sn->es, &p->principal, &pr) &&
		    scope_may_match(&sn->es, &p->action, &act))
			*could = 1;
	}
out:
	cedar_arena_reset(&eng->scratch);
	return ret;
}
