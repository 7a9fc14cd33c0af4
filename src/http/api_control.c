/*
 * api_control.c - the agent control layer over HTTP: decisions, the
 * exception queue, the decision log and workflow readiness.
 *
 *   POST /api/v1/decide                      agent token; one request or
 *                                            {"requests":[...]} (<= 1000)
 *   GET  /api/v1/exceptions?state=&queue=    the queue
 *   GET  /api/v1/exceptions/{id}
 *   POST /api/v1/exceptions/{id}/approve|reject|reassign  approver, lead
 *   GET  /api/v1/decisions?limit=            newest first
 *   GET  /api/v1/workflows, /api/v1/workflows/{name}/readiness
 *
 * Handlers call the library the CLI calls (control.h).  Two things are
 * specific to the server:
 *
 * The principal of a decision is the agent of the token (struct
 * token_info.agent): a request naming another agent is refused (403),
 * and so is a token of any other role (route roles).
 *
 * Group commit across requests: SQLite commits one writer at a time, so
 * one transaction per HTTP request would cap the rate at the commit rate.
 * Each worker thread parses and checks its request, then queues it; the
 * first thread to find no commit running becomes the leader, takes every
 * queued request, decides them all with control_decide_many (one store
 * transaction, one ledger entry chaining their decision-log rows) on its
 * own store and engine, and wakes the others.  A decision is answered
 * only after its transaction committed, so an answered decision is always
 * in the ledger.  Engines are per thread (they hold scratch memory) and
 * are reloaded when the applied objects change (policies, agents, org).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "control/control.h"
#include "core/cjson.h"
#include "http/control_http.h"
#include "routes.h"

#define DECIDE_BATCH_MAX 1000
#define DECISIONS_LIMIT_MAX 1000

/* ---- per-thread engines ---- */

struct eng_slot {
	struct control_engine *eng;
	int64_t mark; /* objects revision the engine was loaded at */
};

static pthread_key_t eng_key;
static pthread_once_t eng_once = PTHREAD_ONCE_INIT;

static void eng_slot_free(void *p)
{
	struct eng_slot *es = p;

	if (!es)
		return;
	control_engine_free(es->eng);
	free(es);
}

static void eng_key_init(void)
{
	pthread_key_create(&eng_key, eng_slot_free);
}

/*
 * A number that changes whenever an applied object (policy, agent,
 * workflow, person, team) is created, updated or deleted.
 */
static int objects_mark(struct store *s, int64_t *mark, struct aiv_err *err)
{
	return store_query_int(s, "SELECT coalesce(max(updated_seq), 0) * 1048576 + count(*)"
			       " FROM objects", mark, err);
}

/* This thread's engine, (re)loaded if the objects changed.  Borrowed. */
static struct control_engine *thread_engine(struct store *s, struct aiv_err *err)
{
	struct eng_slot *es;
	int64_t mark = 0;

	pthread_once(&eng_once, eng_key_init);
	es = pthread_getspecific(eng_key);
	if (!es) {
		es = xcalloc(1, sizeof(*es));
		pthread_setspecific(eng_key, es);
	}
	if (objects_mark(s, &mark, err))
		return NULL;
	if (!es->eng || es->mark != mark) {
		control_engine_free(es->eng);
		es->eng = NULL;
		if (control_engine_load(s, 0, &es->eng, err))
			return NULL;
		es->mark = mark;
	}
	return es->eng;
}

/* ---- group commit ---- */

struct gc_slot {
	const struct control_request *reqs;
	size_t n;
	struct control_decision *outs;
	struct aiv_err *errs;
	int ret;              /* store error of the whole batch */
	struct aiv_err err;
	int done;
	struct gc_slot *next;
};

static pthread_mutex_t gc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gc_cond = PTHREAD_COND_INITIALIZER;
static struct gc_slot *gc_head, *gc_last;
static int gc_running;

/* Decide every slot of the list in one transaction (the leader's work). */
static void gc_run(struct store *s, struct gc_slot *list)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct control_engine *eng;
	struct control_request *reqs;
	struct control_decision *outs;
	struct aiv_err *errs;
	struct gc_slot *sl;
	size_t n = 0, at = 0;
	int ret = 0;

	for (sl = list; sl; sl = sl->next)
		n += sl->n;
	reqs = xcalloc(n ? n : 1, sizeof(*reqs));
	outs = xcalloc(n ? n : 1, sizeof(*outs));
	errs = xcalloc(n ? n : 1, sizeof(*errs));
	for (sl = list; sl; sl = sl->next) {
		memcpy(reqs + at, sl->reqs, sl->n * sizeof(*reqs));
		at += sl->n;
	}
	if (!(eng = thread_engine(s, &err)))
		ret = err.code ? err.code : AIV_EINTERNAL;
	else
		ret = control_decide_many(s, eng, "http:decide", reqs, n, outs, errs, &err);
	at = 0;
	for (sl = list; sl; sl = sl->next) {
		sl->ret = ret;
		if (ret) {
			sl->err = err;
		} else {
			memcpy(sl->outs, outs + at, sl->n * sizeof(*outs));
			memcpy(sl->errs, errs + at, sl->n * sizeof(*errs));
		}
		at += sl->n;
	}
	free(reqs);
	free(outs);
	free(errs);
}

/* Queue the slot and return once it has been decided (by us or a leader). */
static void gc_submit(struct store *s, struct gc_slot *slot)
{
	pthread_mutex_lock(&gc_lock);
	if (gc_last)
		gc_last->next = slot;
	else
		gc_head = slot;
	gc_last = slot;
	while (!slot->done) {
		struct gc_slot *list, *sl, *next;

		if (gc_running) {
			pthread_cond_wait(&gc_cond, &gc_lock);
			continue;
		}
		gc_running = 1;
		if (gc_head == slot && !slot->next) {
			/* alone: let threads that are parsing a request join this batch */
			pthread_mutex_unlock(&gc_lock);
			sched_yield();
			pthread_mutex_lock(&gc_lock);
		}
		list = gc_head;
		gc_head = gc_last = NULL;
		pthread_mutex_unlock(&gc_lock);
		gc_run(s, list);
		pthread_mutex_lock(&gc_lock);
		for (sl = list; sl; sl = next) {
			next = sl->next;
			sl->next = NULL;
			sl->done = 1;
		}
		gc_running = 0;
		pthread_cond_broadcast(&gc_cond);
	}
	pthread_mutex_unlock(&gc_lock);
}

/* ---- POST /api/v1/decide ---- */

/* The JSON answer for one decision (same fields as `decide --json`). */
static json_t *decision_json(const struct control_decision *d)
{
	json_t *o = json_pack("{s:s, s:O, s:s, s:s, s:s, s:O, s:s}",
			      "decision", control_outcome_name(d->outcome),
			      "policies", d->policies, "reason", d->reason,
			      "decision_id", d->decision_id, "args_digest", d->digest,
			      "errors", d->errors, "revision", d->revision);

	if (d->exception_id[0]) {
		json_object_set_new(o, "exception_id", json_string(d->exception_id));
		json_object_set_new(o, "due_at", json_string(d->due));
	}
	return o;
}

/* An optional string member: 0 and *out (borrowed) or NULL; -1 if not a string. */
static int opt_string(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/*
 * Check the shape of one request object and fill *r (strings borrowed from
 * o).  Returns 0, or the HTTP status (400, 403) with a message in msg.
 */
static int parse_one(const json_t *o, const struct token_info *tok, struct control_request *r,
		     char *msg, size_t msglen)
{
	static const char *const known[] = { "agent", "action", "resource", "on_behalf_of",
					     "context", "entities", "approved", NULL };
	const char *key;
	const json_t *v;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(o)) {
		snprintf(msg, msglen, "a request must be a JSON object");
		return 400;
	}
	json_object_foreach((json_t *)o, key, v) {
		for (i = 0; known[i] && strcmp(known[i], key); i++)
			;
		if (!known[i]) {
			snprintf(msg, msglen, "unknown field '%.60s' (expected agent, action, "
				 "resource, on_behalf_of, context, entities, approved)", key);
			return 400;
		}
	}
	if (opt_string(o, "agent", &r->agent) || opt_string(o, "action", &r->action) ||
	    opt_string(o, "resource", &r->resource) ||
	    opt_string(o, "on_behalf_of", &r->on_behalf_of) ||
	    opt_string(o, "approved", &r->approved)) {
		snprintf(msg, msglen, "agent, action, resource, on_behalf_of and approved must "
			 "be strings");
		return 400;
	}
	if (!r->action || !r->resource) {
		snprintf(msg, msglen, "a request needs action and resource");
		return 400;
	}
	if (r->agent && strcmp(r->agent, tok->agent)) {
		snprintf(msg, msglen, "this token acts for agent '%.128s', not '%.128s'",
			 tok->agent, r->agent);
		return 403;
	}
	r->agent = tok->agent;
	r->context = json_object_get(o, "context");
	if (r->context && !json_is_object(r->context)) {
		snprintf(msg, msglen, "context must be a JSON object");
		return 400;
	}
	r->entities = json_object_get(o, "entities");
	if (r->entities && !json_is_array(r->entities)) {
		snprintf(msg, msglen, "entities must be a JSON array");
		return 400;
	}
	return 0;
}

static void h_decide(struct http_request *req, struct http_response *res)
{
	struct control_request *reqs = NULL;
	struct control_decision *outs = NULL;
	struct aiv_err *errs = NULL;
	struct gc_slot slot;
	json_t *body, *list = NULL, *results;
	json_error_t je;
	char msg[400];
	size_t n, i;
	int batch, st;

	if (!req->token.agent[0]) {
		http_error(res, 403, "token '%s' is not an agent's credential (create one with "
			   "aivalue token create --agent ID)", req->token.name);
		return;
	}
	if (!(body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je))) {
		http_error(res, 400, "request body is not JSON: %s (line %d, column %d)", je.text,
			   je.line, je.column);
		return;
	}
	batch = json_is_object(body) && json_object_get(body, "requests") != NULL;
	if (batch) {
		list = json_object_get(body, "requests");
		if (!json_is_array(list) || json_object_size(body) != 1) {
			http_error(res, 400, "a batch is {\"requests\": [request, ...]} and nothing "
				   "else");
			goto out;
		}
		n = json_array_size(list);
		if (n == 0) {
			http_error(res, 400, "a batch needs at least one request");
			goto out;
		}
		if (n > DECIDE_BATCH_MAX) {
			http_error(res, 413, "a batch holds at most %d requests, not %zu",
				   DECIDE_BATCH_MAX, n);
			goto out;
		}
	} else {
		n = 1;
	}
	reqs = xcalloc(n, sizeof(*reqs));
	for (i = 0; i < n; i++) {
		if ((st = parse_one(batch ? json_array_get(list, i) : body, &req->token, &reqs[i],
				    msg, sizeof(msg)))) {
			if (batch)
				http_error(res, st, "requests[%zu]: %s", i, msg);
			else
				http_error(res, st, "%s", msg);
			goto out;
		}
	}
	outs = xcalloc(n, sizeof(*outs));
	errs = xcalloc(n, sizeof(*errs));
	memset(&slot, 0, sizeof(slot));
	slot.reqs = reqs;
	slot.n = n;
	slot.outs = outs;
	slot.errs = errs;
	gc_submit(req->store, &slot);
	if (slot.ret) {
		http_error_from(res, &slot.err);
		goto out;
	}
	if (!batch) {
		if (errs[0].code)
			http_error_from(res, &errs[0]);
		else
			http_json(res, 200, decision_json(&outs[0]));
		goto out;
	}
	results = json_array();
	for (i = 0; i < n; i++) {
		if (errs[i].code)
			json_array_append_new(results, json_pack("{s:{s:i, s:s, s:s}}", "error",
				"status", http_status_for(errs[i].code), "code",
				http_status_code(http_status_for(errs[i].code)), "message",
				errs[i].msg));
		else
			json_array_append_new(results, decision_json(&outs[i]));
	}
	http_json(res, 200, json_pack("{s:I, s:o}", "count", (json_int_t)n, "results", results));
out:
	if (outs)
		for (i = 0; i < n; i++)
			control_decision_release(&outs[i]);
	free(outs);
	free(errs);
	free(reqs);
	json_decref(body);
}

/* ---- the exception queue ---- */

static void actor_of(const struct http_request *req, char *out, size_t n)
{
	snprintf(out, n, "token:%s", req->token.name);
}

static void h_exceptions(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *state = http_query(req, "state"), *queue = http_query(req, "queue");
	char actor[160];
	json_t *out;

	if (state && *state && strcmp(state, "pending") && strcmp(state, "approved") &&
	    strcmp(state, "rejected") && strcmp(state, "expired")) {
		http_error(res, 400, "state '%s' is not one of pending, approved, rejected, "
			   "expired", state);
		return;
	}
	actor_of(req, actor, sizeof(actor));
	if (control_exceptions_list(req->store, actor, state && *state ? state : NULL,
				    queue && *queue ? queue : NULL, &out, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json_list(res, out);
}

static void h_exception(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	char actor[160];
	json_t *out;

	actor_of(req, actor, sizeof(actor));
	if (control_exception_show(req->store, actor, http_param(req, "id"), &out, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, out);
}

static void exception_act(struct http_request *req, struct http_response *res, int tr)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *as = NULL, *reason = NULL, *to = NULL;
	char actor[160];
	json_t *body, *out;
	json_error_t je;

	if (!(body = json_loadb(req->body, req->body_len, 0, &je)) || !json_is_object(body)) {
		http_error(res, 400, "request body must be a JSON object {\"as\": PERSON, "
			   "\"reason\": TEXT%s}", tr == CONTROL_REASSIGN ? ", \"to\": OWNER" : "");
		json_decref(body);
		return;
	}
	if (opt_string(body, "as", &as) || opt_string(body, "reason", &reason) ||
	    opt_string(body, "to", &to)) {
		http_error(res, 400, "as, reason and to must be strings");
		goto out;
	}
	if (!as || !*as || !reason || !*reason) {
		http_error(res, 400, "as (the person acting) and reason are required");
		goto out;
	}
	if (tr == CONTROL_REASSIGN && (!to || !*to)) {
		http_error(res, 400, "reassign needs to (a person or team:NAME)");
		goto out;
	}
	actor_of(req, actor, sizeof(actor));
	if (control_exception_act(req->store, actor, http_param(req, "id"), tr, as, reason,
				  tr == CONTROL_REASSIGN ? to : NULL, &out, &err)) {
		http_error_from(res, &err);
		goto out;
	}
	http_json(res, 200, out);
out:
	json_decref(body);
}

static void h_approve(struct http_request *req, struct http_response *res)
{
	exception_act(req, res, CONTROL_APPROVE);
}

static void h_reject(struct http_request *req, struct http_response *res)
{
	exception_act(req, res, CONTROL_REJECT);
}

static void h_reassign(struct http_request *req, struct http_response *res)
{
	exception_act(req, res, CONTROL_REASSIGN);
}

/* ---- decisions and workflows ---- */

/* Newest first; see control_http.h. */
json_t *http_control_recent(struct store *s, size_t limit, struct aiv_err *err)
{
	json_t *all, *out;
	size_t n, i;

	if (control_log_list(s, &all, err))
		return NULL;
	out = json_array();
	n = json_array_size(all);
	for (i = 0; i < n && i < limit; i++)
		json_array_append(out, json_array_get(all, n - 1 - i));
	json_decref(all);
	return out;
}

static void h_decisions(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *l = http_query(req, "limit");
	long limit = 100;
	json_t *out;

	if (l) {
		char *end;
		limit = strtol(l, &end, 10);
		if (!*l || *end || limit < 1 || limit > DECISIONS_LIMIT_MAX) {
			http_error(res, 400, "limit '%s' is not a number from 1 to %d", l,
				   DECISIONS_LIMIT_MAX);
			return;
		}
	}
	if (!(out = http_control_recent(req->store, (size_t)limit, &err))) {
		http_error_from(res, &err);
		return;
	}
	http_json_list(res, out);
}

static void h_workflows(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *arr;

	if (apply_get(req->store, &control_workflow_kind, NULL, &arr, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json_list(res, arr);
}

static void h_readiness(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *out;

	if (control_readiness(req->store, http_param(req, "name"), &out, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, out);
}

#define READERS (ROLE_ADMIN | ROLE_LEAD | ROLE_APPROVER | ROLE_AUDITOR | ROLE_ANALYST | \
		 ROLE_VIEWER)
#define ACTORS (ROLE_APPROVER | ROLE_LEAD)

static const struct http_qparam q_exceptions[] = {
	{ "state", "string", "pending, approved, rejected or expired" },
	{ "queue", "string", "only this queue" },
	{ NULL, NULL, NULL },
};

static const struct http_qparam q_decisions[] = {
	{ "limit", "integer", "how many, newest first (1-1000, default 100)" },
	{ NULL, NULL, NULL },
};

const struct http_route http_control_routes[] = {
	{ "POST", "/api/v1/decide", ROLE_AGENT, R_DOC | R_BODY, h_decide,
	  "Decide one request or a batch {\"requests\":[...]} (at most 1000) for the "
	  "token's agent", "control", NULL, NULL },
	{ "GET", "/api/v1/exceptions", READERS, R_DOC, h_exceptions,
	  "The exception queue (overdue items are expired first)", "control", q_exceptions, NULL },
	{ "GET", "/api/v1/exceptions/{id}", READERS, R_DOC, h_exception,
	  "One exception item with its history", "control", NULL, NULL },
	{ "POST", "/api/v1/exceptions/{id}/approve", ACTORS, R_DOC | R_BODY, h_approve,
	  "Approve a pending item: {as, reason} (separation of duties enforced)", "control",
	  NULL, NULL },
	{ "POST", "/api/v1/exceptions/{id}/reject", ACTORS, R_DOC | R_BODY, h_reject,
	  "Reject a pending item: {as, reason}", "control", NULL, NULL },
	{ "POST", "/api/v1/exceptions/{id}/reassign", ACTORS, R_DOC | R_BODY, h_reassign,
	  "Reassign a pending item: {as, reason, to}", "control", NULL, NULL },
	{ "GET", "/api/v1/decisions", READERS, R_DOC, h_decisions,
	  "Decision-log records, newest first", "control", q_decisions, NULL },
	{ "GET", "/api/v1/workflows", READERS, R_DOC, h_workflows,
	  "Workflows (applied objects)", "control", NULL, NULL },
	{ "GET", "/api/v1/workflows/{name}/readiness", READERS, R_DOC, h_readiness,
	  "The six readiness figures of a workflow with their rules", "control", NULL, NULL },
	{ "GET", "/workflows", READERS, R_PAGE, http_control_workflows_page,
	  "dashboard: agent workflows", "dashboard", NULL, "text/html" },
	{ "GET", "/workflows/{name}", READERS, R_PAGE, http_control_workflow_page,
	  "dashboard: one workflow's readiness, exception queue and decisions", "dashboard",
	  NULL, "text/html" },
	HTTP_ROUTES_END
};
