/*
 * mcp.c - the gateway's MCP server: the Streamable HTTP transport
 * (protocol revisions 2025-06-18 and 2025-03-26) at /mcp on the HTTP
 * server, and what each method does.
 *
 *   POST   /mcp   one JSON-RPC message (agent token).  A request gets an
 *                 application/json answer; a notification or a response
 *                 gets 202 and no body.  No SSE: every answer is one JSON
 *                 document (the transport allows either).
 *   DELETE /mcp   ends the session named by Mcp-Session-Id (204).
 *   GET    /mcp   405: the gateway opens no server-to-client stream.
 *
 * Sessions: initialize assigns an Mcp-Session-Id (random, 128 bits) bound
 * to the token's agent; every later message must carry it (400 without,
 * 404 for one unknown, ended, or started by another agent).
 *
 * Methods: initialize, ping, tools/list (filtered), tools/call (decided;
 * gateway.h draws the path).  Any other method: -32601.  Batches
 * (JSON arrays, 2025-03-26 only) are refused element by element with
 * -32600: each tools/call is its own decision, answered on its own, and a
 * batch naming another agent than the token's is refused as a whole all
 * the same.  Nothing in a refused message is forwarded.
 *
 * Tool names: an upstream NAME's tool T is offered as "NAME.T", the
 * Cedar action of its calls.  Arguments become the decision's context
 * as they are, so a policy reads `context.path`; the keys the control
 * layer gives a meaning (workflow, step, on_behalf_of, confidence) are
 * refused as argument names rather than let an agent set them.
 */
#include "aiv.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "control/control.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "gateway.h"
#include "http/control_http.h"
#include "http/routes.h"

/* JSON-RPC error codes: the standard ones and the gateway's own. */
#define RPC_PARSE_ERROR -32700
#define RPC_INVALID_REQUEST -32600
#define RPC_METHOD_NOT_FOUND -32601
#define RPC_INVALID_PARAMS -32602
#define RPC_INTERNAL -32603
#define RPC_DENIED -32003     /* the decision denied the call */
#define RPC_ESCALATED -32004  /* the call waits for a human in the exception queue */
#define RPC_UPSTREAM -32005   /* the upstream crashed, hung or answered garbage */
#define RPC_UNAVAILABLE -32006 /* the store is unavailable: nothing forwarded */

#define MAX_SESSIONS 4096

/* ---- configuration ---- */

static struct gw_upstream *ups[GATEWAY_MAX_UPSTREAMS];
static size_t nups;
static char **record_tools;
static size_t nrecord_tools;
static struct gateway_resource_map *maps;
static size_t nmaps;
static char listen_host[256];   /* lower case, without brackets; "" when not given */
static int listen_loopback;     /* listening on a loopback address: Host is checked */
static char **origins;          /* --allowed-origin */
static size_t norigins;
static int64_t escalation_wait_ms;

static struct gw_upstream *upstream_named(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < nups; i++) {
		const char *un = gw_upstream_name(ups[i]);
		if (strlen(un) == n && !memcmp(un, name, n))
			return ups[i];
	}
	return NULL;
}

static int offers_tool(const json_t *tools, const char *tool)
{
	const json_t *t;
	size_t i;

	json_array_foreach(tools, i, t)
		if (json_is_string(json_object_get(t, "name")) &&
		    !strcmp(json_string_value(json_object_get(t, "name")), tool))
			return 1;
	return 0;
}

/*
 * A tool named without its upstream ("read_file", as a client written
 * against one server calls it): the one upstream that offers it, or NULL
 * with *several set when more than one does (the agent must then say
 * which).  An upstream that cannot answer tools/list offers nothing here.
 */
static struct gw_upstream *upstream_offering(const char *tool, int *several)
{
	struct gw_upstream *found = NULL;
	size_t i;

	*several = 0;
	for (i = 0; i < nups; i++) {
		struct aiv_err err = AIV_ERR_INIT;
		json_t *tools = NULL;
		int has;

		if (gw_upstream_tools(ups[i], &tools, &err))
			continue;
		has = offers_tool(tools, tool);
		json_decref(tools);
		if (has && found) {
			*several = 1;
			return NULL;
		}
		if (has)
			found = ups[i];
	}
	return found;
}

static int records_results(const char *tool)
{
	size_t i;

	for (i = 0; i < nrecord_tools; i++)
		if (!strcmp(record_tools[i], tool))
			return 1;
	return 0;
}

static const struct gateway_resource_map *map_of(const char *tool)
{
	size_t i;

	for (i = 0; i < nmaps; i++)
		if (!strcmp(maps[i].tool, tool))
			return &maps[i];
	return NULL;
}

/* ---- Host and Origin (DNS rebinding) ---- */

/*
 * The host of "HOST[:PORT]" or "[V6]:PORT", lower case and without
 * brackets, into out (n bytes); 0 when it does not fit or is empty.
 */
static int host_part(const char *hp, char *out, size_t n)
{
	const char *end;
	size_t len, i;

	if (hp[0] == '[') {
		hp++;
		if (!(end = strchr(hp, ']')))
			return 0;
	} else {
		end = strchr(hp, ':');
		if (!end || strchr(end + 1, ':')) /* no port, or a bare IPv6 address */
			end = hp + strlen(hp);
	}
	len = (size_t)(end - hp);
	if (!len || len >= n)
		return 0;
	for (i = 0; i < len; i++)
		out[i] = (char)(hp[i] >= 'A' && hp[i] <= 'Z' ? hp[i] - 'A' + 'a' : hp[i]);
	out[len] = '\0';
	return 1;
}

static int is_loopback(const char *h)
{
	return !strcmp(h, "localhost") || !strncmp(h, "127.", 4) || !strcmp(h, "::1");
}

/* A host name a browser may address this server by: loopback or the listen address. */
static int host_is_ours(const char *h)
{
	size_t i;
	char oh[256];

	if (is_loopback(h) || (listen_host[0] && !strcmp(h, listen_host)))
		return 1;
	for (i = 0; i < norigins; i++) {
		const char *p = strstr(origins[i], "://");
		if (p && host_part(p + 3, oh, sizeof(oh)) && !strcmp(oh, h))
			return 1;
	}
	return 0;
}

/*
 * MCP transport security: a request whose Origin is not this server (a
 * loopback name, the listen address or an --allowed-origin), or, when
 * listening on loopback, whose Host is not, comes from a page that
 * rebound a name of its own to this address.  0, or 1 with why filled.
 */
static int origin_refused(const struct http_request *req, char *why, size_t n)
{
	const char *origin = http_req_header(req, "Origin");
	const char *host = http_req_header(req, "Host");
	const char *rest = NULL;
	char h[256];
	size_t i;

	if (host && listen_loopback && (!host_part(host, h, sizeof(h)) || !host_is_ours(h))) {
		snprintf(why, n, "Host '%.100s' is not this server's name (it listens on "
			 "loopback: localhost, 127.0.0.1, [::1]%s%.100s)", host,
			 listen_host[0] ? " or " : "", listen_host);
		return 1;
	}
	if (!origin)
		return 0;
	for (i = 0; i < norigins; i++)
		if (!strcasecmp(origins[i], origin))
			return 0;
	if (!strncasecmp(origin, "http://", 7))
		rest = origin + 7;
	else if (!strncasecmp(origin, "https://", 8))
		rest = origin + 8;
	if (rest && host_part(rest, h, sizeof(h)) &&
	    (is_loopback(h) || (listen_host[0] && !strcmp(h, listen_host))))
		return 0;
	snprintf(why, n, "Origin '%.100s' is not allowed (a loopback origin, the listen "
		 "address, or one given with --allowed-origin)", origin);
	return 1;
}

/* ---- sessions ---- */

struct session {
	char id[33];
	char agent[129];
};

static pthread_mutex_t sess_lock = PTHREAD_MUTEX_INITIALIZER;
static struct session sessions[MAX_SESSIONS];
static size_t sess_next; /* ring: the oldest is replaced when full */

static void session_new(const char *agent, char id[33])
{
	uint8_t raw[16];
	struct session *s;

	if (random_bytes(raw, sizeof(raw)))
		abort(); /* no randomness: no session ids that can be guessed */
	hex_encode(raw, sizeof(raw), id);
	pthread_mutex_lock(&sess_lock);
	s = &sessions[sess_next++ % MAX_SESSIONS];
	memcpy(s->id, id, 33);
	snprintf(s->agent, sizeof(s->agent), "%s", agent);
	pthread_mutex_unlock(&sess_lock);
}

/* 1 if session `id` exists for `agent`; with end, it is ended. */
static int mcp_session_check(const char *id, const char *agent, int end)
{
	size_t i;
	int found = 0;

	if (strlen(id) != 32)
		return 0;
	pthread_mutex_lock(&sess_lock);
	for (i = 0; i < MAX_SESSIONS; i++) {
		if (!strcmp(sessions[i].id, id) && !strcmp(sessions[i].agent, agent)) {
			found = 1;
			if (end)
				memset(&sessions[i], 0, sizeof(sessions[i]));
			break;
		}
	}
	pthread_mutex_unlock(&sess_lock);
	return found;
}

/* ---- answers ---- */

static void rpc_answer(struct http_response *res, int status, const json_t *id, json_t *member,
		       const char *key)
{
	json_t *msg = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id",
				id ? (json_t *)id : json_null(), key, member);

	http_json_flags(res, status, msg, JSON_COMPACT);
}

/*
 * A 200 answer whose member `key` ("result" or "error") is `text`, JSON
 * already written (the upstream's answer, dumped once for its size in the
 * record): the message around it is written as text, not built as a
 * jansson object and dumped a second time.
 */
static void rpc_answer_text(struct http_response *res, const json_t *id, const char *key,
			    const char *text)
{
	char *idt = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);

	res->status = 200;
	res->content_type = "application/json";
	strbuf_reset(&res->body);
	strbuf_addstr(&res->body, "{\"jsonrpc\":\"2.0\",\"id\":");
	strbuf_addstr(&res->body, idt ? idt : "null");
	strbuf_addf(&res->body, ",\"%s\":", key);
	strbuf_addstr(&res->body, text);
	strbuf_addstr(&res->body, "}\n");
	free(idt);
}

static void rpc_result(struct http_response *res, const json_t *id, json_t *result)
{
	rpc_answer(res, 200, id, result, "result");
}

static void rpc_error(struct http_response *res, int status, const json_t *id, int code,
		      json_t *data, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void rpc_error(struct http_response *res, int status, const json_t *id, int code,
		      json_t *data, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *e;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	e = json_pack("{s:i, s:s}", "code", code, "message", sb.buf);
	if (data)
		json_object_set_new(e, "data", data);
	strbuf_release(&sb);
	rpc_answer(res, status, id, e, "error");
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Queue a record; a recorder that cannot start is reported, not fatal to the answer. */
static void record(struct http_request *req, json_t *rec)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (gw_record(store_uri(req->store), rec, &err))
		fprintf(stderr, "aivalue: gateway: %s\n", err.msg);
}

static json_t *record_new(const char *kind, const struct http_request *req)
{
	char now[TIME_ISO_LEN];

	time_format_us(time_now_us(), now);
	return json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "time", now, "agent",
			 req->token.agent, "token", req->token.name);
}

/* ---- initialize, tools/list ---- */

static const char *const versions[] = { "2025-06-18", "2025-03-26", "2024-11-05", NULL };

static void do_initialize(struct http_request *req, struct http_response *res,
			  const json_t *id, const json_t *params)
{
	const char *want = json_string_value(json_object_get(params, "protocolVersion"));
	const char *ver = versions[0];
	char sid[33];
	size_t i;

	for (i = 0; want && versions[i]; i++)
		if (!strcmp(want, versions[i]))
			ver = versions[i];
	session_new(req->token.agent, sid);
	rpc_result(res, id, json_pack("{s:s, s:{s:{s:b}}, s:{s:s, s:s}, s:s}",
				      "protocolVersion", ver, "capabilities", "tools",
				      "listChanged", 0, "serverInfo", "name", "aivalue-gateway",
				      "version", AIV_VERSION, "instructions",
				      "Every tools/call is decided by aivalue's policies (allow, "
				      "deny or escalate to a human) and recorded in its ledger."));
	http_header_add(res, "Mcp-Session-Id", sid);
}

static void do_tools_list(struct http_request *req, struct http_response *res,
			  const json_t *id)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct control_engine *eng = http_control_engine(req->store, &err);
	json_t *out, *listed, *hidden, *unreachable, *rec;
	size_t i, j;

	if (!eng) {
		rpc_error(res, 503, id, RPC_UNAVAILABLE, NULL, "the store is unavailable: %s",
			  err.msg);
		return;
	}
	out = json_array();
	listed = json_array();
	hidden = json_array();
	unreachable = json_array();
	for (i = 0; i < nups; i++) {
		json_t *tools = NULL, *t;
		if (gw_upstream_tools(ups[i], &tools, &err)) {
			fprintf(stderr, "aivalue: gateway: %s\n", err.msg);
			json_array_append_new(unreachable, json_string(gw_upstream_name(ups[i])));
			aiv_err_clear(&err);
			continue;
		}
		json_array_foreach(tools, j, t) {
			const char *name = json_string_value(json_object_get(t, "name"));
			char *action;
			int could = 0;
			if (!name)
				continue;
			action = xstrfmt("%s.%s", gw_upstream_name(ups[i]), name);
			if (control_could_permit(eng, req->token.agent, action, &could) || !could) {
				json_array_append_new(hidden, json_string(action));
			} else {
				json_t *copy = json_copy(t);
				json_object_set_new(copy, "name", json_string(action));
				json_array_append_new(out, copy);
				json_array_append_new(listed, json_string(action));
			}
			free(action);
		}
		json_decref(tools);
	}
	rec = record_new("tools_list", req);
	json_object_set_new(rec, "listed", listed);
	json_object_set_new(rec, "hidden", hidden);
	if (json_array_size(unreachable))
		json_object_set(rec, "unreachable", unreachable);
	record(req, rec);
	json_decref(unreachable);
	rpc_result(res, id, json_pack("{s:o}", "tools", out));
}

/* ---- tools/call ---- */

/* What a tools/call carries from the decision to the forwarding. */
struct call {
	json_t *id;
	struct gw_upstream *up;
	char *tool;          /* "server.tool" */
	const char *utool;   /* the upstream's name, inside tool */
	json_t *args;
	json_t *meta;        /* the client's _meta without the gateway's keys, or NULL */
	int64_t t0;
	/* the decision's request, kept to decide again after an approval */
	struct control_request r;
	struct strbuf resource;
	json_t *ctx;
	char *obo;
	int waited;          /* already waited for an approval once */
};

static void call_free(struct call *c)
{
	json_decref(c->id);
	json_decref(c->args);
	json_decref(c->meta);
	json_decref(c->ctx);
	strbuf_release(&c->resource);
	free(c->obo);
	free(c->tool);
	free(c);
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/*
 * Wait up to --escalation-wait for exception item `id` to leave pending,
 * reading it every 200 ms (each read its own statement: no transaction or
 * lock is held between them, so approvers and the decision writer go on).
 * 1 when it was approved, 0 otherwise (still pending, rejected, expired,
 * or the store failed).
 */
static int wait_for_approval(struct http_request *req, const char *id)
{
	int64_t deadline = mono_us() + escalation_wait_ms * 1000;

	for (;;) {
		struct aiv_err err = AIV_ERR_INIT;
		struct control_exception ex;
		int pending, approved;
		int64_t left;

		memset(&ex, 0, sizeof(ex));
		if (control_exception_show(req->store, "http:gateway", id, &ex, &err)) {
			fprintf(stderr, "aivalue: gateway: waiting for %s: %s\n", id, err.msg);
			return 0;
		}
		pending = ex.state && !strcmp(ex.state, "pending");
		approved = ex.state && !strcmp(ex.state, "approved");
		control_exception_release(&ex);
		if (!pending)
			return approved;
		left = (deadline - mono_us()) / 1000;
		if (left <= 0)
			return 0;
		sleep_ms(left < 200 ? left : 200);
	}
}

static json_t *call_record(const struct http_request *req, const struct call *c,
			   const char *outcome)
{
	json_t *rec = record_new("call", req);

	json_object_set_new(rec, "upstream", json_string(gw_upstream_name(c->up)));
	json_object_set_new(rec, "tool", json_string(c->tool));
	json_object_set_new(rec, "outcome", json_string(outcome));
	return rec;
}

/*
 * The upstream answered `value` (its result or its error, borrowed): the
 * record (takes ownership of rec) gets status and the answer's size, the
 * agent gets the answer as `key`, the text dumped once for both.
 */
static void answer_forwarded(struct http_request *req, struct http_response *res,
			     const struct call *c, json_t *rec, const char *status,
			     const char *key, json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT);

	json_object_set_new(rec, "status", json_string(status));
	json_object_set_new(rec, "result_bytes", json_integer(text ? (json_int_t)strlen(text) : 0));
	if (!strcmp(key, "result") && records_results(c->tool))
		json_object_set(rec, "result", value);
	record(req, rec);
	if (text)
		rpc_answer_text(res, c->id, key, text);
	else
		rpc_error(res, 200, c->id, RPC_UPSTREAM, NULL, "the upstream's %s could not be "
			  "encoded", key);
	free(text);
}

/* The decision is recorded (d), or was refused (err): answer, forward if allowed. */
static void call_decided(struct http_request *req, struct http_response *res,
			 const struct control_decision *d, const struct aiv_err *derr, void *data)
{
	struct call *c = data;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *rec, *params, *result = NULL, *error = NULL;
	int64_t t1, t2;
	int ret;

	if (!d) {
		int input = derr->code == AIV_EINPUT || derr->code == AIV_ENOTFOUND;
		rec = call_record(req, c, "refused");
		json_object_set_new(rec, "reason", json_string(derr->msg));
		record(req, rec);
		if (derr->code == AIV_EPERM)
			rpc_error(res, 401, c->id, RPC_INVALID_REQUEST, NULL, "%s", derr->msg);
		else if (input)
			rpc_error(res, 200, c->id, RPC_INVALID_PARAMS, NULL,
				  "call of '%s' refused, not forwarded: %s", c->tool, derr->msg);
		else
			rpc_error(res, 503, c->id, RPC_UNAVAILABLE, NULL,
				  "the decision could not be recorded (%s): nothing forwarded, fail "
				  "closed", derr->msg);
		call_free(c);
		return;
	}
	rec = call_record(req, c, control_outcome_name(d->outcome));
	json_object_set_new(rec, "decision_id", json_string(d->decision_id));
	json_object_set_new(rec, "args_digest", json_string(d->digest));
	if (d->outcome == CONTROL_DENY) {
		record(req, rec);
		rpc_error(res, 200, c->id, RPC_DENIED,
			  json_pack("{s:s, s:s, s:s, s:O}", "decision_id", d->decision_id, "reason",
				    d->reason, "args_digest", d->digest, "policies", d->policies),
			  "call of '%s' denied: %s (decision %s)", c->tool, d->reason,
			  d->decision_id);
		call_free(c);
		return;
	}
	if (d->outcome == CONTROL_ESCALATE) {
		json_object_set_new(rec, "exception_id", json_string(d->exception_id));
		record(req, rec);
		if (escalation_wait_ms > 0 && !c->waited) {
			c->waited = 1;
			if (wait_for_approval(req, d->exception_id)) {
				/* decided again: the approval releases this same request once */
				c->t0 = mono_us();
				http_control_decide_then(req, res, &c->r, 1, call_decided, c);
				return;
			}
		}
		rpc_error(res, 200, c->id, RPC_ESCALATED,
			  json_pack("{s:s, s:s, s:s, s:s, s:s}", "exception_id", d->exception_id,
				    "decision_id", d->decision_id, "due_at", d->due, "reason",
				    d->reason, "args_digest", d->digest),
			  "call of '%s' needs human approval: exception item %s (due %s); once "
			  "approved, the same call with the same arguments goes through once",
			  c->tool, d->exception_id, d->due);
		call_free(c);
		return;
	}
	/* allow: forward */
	params = json_pack("{s:s, s:O}", "name", c->utool, "arguments", c->args);
	if (c->meta)
		json_object_set(params, "_meta", c->meta);
	t1 = mono_us();
	ret = gw_upstream_call(c->up, "tools/call", params, &result, &error, &err);
	t2 = mono_us();
	json_decref(params);
	json_object_set_new(rec, "latency_us", json_integer(t2 - t1));
	json_object_set_new(rec, "gateway_us", json_integer((t1 - c->t0) + (mono_us() - t2)));
	if (ret) {
		json_object_set_new(rec, "status", json_string(ret == AIV_EBUSY ? "upstream_timeout"
							       : "upstream_failed"));
		json_object_set_new(rec, "reason", json_string(err.msg));
		record(req, rec);
		rpc_error(res, 200, c->id, RPC_UPSTREAM,
			  json_pack("{s:s}", "decision_id", d->decision_id), "%s", err.msg);
	} else if (error) {
		answer_forwarded(req, res, c, rec, "upstream_error", "error", error);
	} else {
		answer_forwarded(req, res, c, rec,
				 json_is_true(json_object_get(result, "isError")) ? "tool_error" : "ok",
				 "result", result);
	}
	json_decref(result);
	json_decref(error);
	call_free(c);
}

static void add_escaped(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
}

static void do_tools_call(struct http_request *req, struct http_response *res,
			  const json_t *id, const json_t *params)
{
	static const char *const reserved[] = { "workflow", "step", "on_behalf_of", "confidence",
						NULL };
	struct aiv_err err = AIV_ERR_INIT;
	const char *name = json_string_value(json_object_get(params, "name"));
	const json_t *args = json_object_get(params, "arguments");
	const json_t *meta = json_object_get(params, "_meta");
	const json_t *conf, *obo;
	const struct gateway_resource_map *map;
	struct call *c;
	json_t *tools = NULL;
	const char *dot;
	size_t i;

	if (!json_is_object(params) || !name) {
		rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "tools/call needs params.name");
		return;
	}
	if (args && !json_is_object(args)) {
		rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "params.arguments must be an object");
		return;
	}
	if (meta && !json_is_object(meta)) {
		rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "params._meta must be an object");
		return;
	}
	c = xcalloc(1, sizeof(*c));
	strbuf_init(&c->resource, 0);
	c->t0 = mono_us();
	c->id = json_incref((json_t *)id);
	c->tool = xstrdup(name);
	c->args = args ? json_incref((json_t *)args) : json_object();
	dot = strchr(name, '.');
	if (!dot || !(c->up = upstream_named(name, (size_t)(dot - name)))) {
		/* a bare name: decided and recorded under UPSTREAM.TOOL all the same */
		int several;

		if (!(c->up = upstream_offering(name, &several))) {
			if (several)
				rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "tool '%s' is "
					  "offered by more than one upstream: name it UPSTREAM.TOOL "
					  "(see tools/list)", name);
			else
				rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "unknown tool '%s': "
					  "tools are named UPSTREAM.TOOL (see tools/list)", name);
			goto out;
		}
		free(c->tool);
		c->tool = xstrfmt("%s.%s", gw_upstream_name(c->up), name);
		dot = c->tool + strlen(gw_upstream_name(c->up));
		name = c->tool;
	}
	c->utool = c->tool + (dot - name) + 1;
	if (gw_upstream_tools(c->up, &tools, &err)) {
		json_t *rec = call_record(req, c, "refused");
		json_object_set_new(rec, "reason", json_string(err.msg));
		record(req, rec);
		rpc_error(res, 200, id, RPC_UPSTREAM, NULL, "%s", err.msg);
		goto out;
	}
	if (!offers_tool(tools, c->utool)) {
		json_t *rec = call_record(req, c, "refused");
		json_object_set_new(rec, "reason", json_string("no such tool upstream"));
		record(req, rec);
		rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "unknown tool '%s': upstream '%s' "
			  "has no tool '%s'", name, gw_upstream_name(c->up), c->utool);
		goto out;
	}
	for (i = 0; reserved[i]; i++) {
		if (json_object_get(c->args, reserved[i])) {
			json_t *rec = call_record(req, c, "refused");
			json_object_set_new(rec, "reason", json_string("reserved argument name"));
			record(req, rec);
			rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "call of '%s' refused, not "
				  "forwarded: argument '%s' is reserved for the decision's context "
				  "(pass confidence and on_behalf_of in params._meta)", name,
				  reserved[i]);
			goto out;
		}
	}
	conf = json_object_get(meta, "confidence");
	obo = json_object_get(meta, "on_behalf_of");
	if ((conf && !json_is_number(conf)) || (obo && !json_is_string(obo))) {
		rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "params._meta: confidence must be "
			  "a number and on_behalf_of a string");
		goto out;
	}
	if (meta) {
		c->meta = json_copy((json_t *)meta);
		json_object_del(c->meta, "confidence");
		json_object_del(c->meta, "on_behalf_of");
		if (!json_object_size(c->meta)) {
			json_decref(c->meta);
			c->meta = NULL;
		}
	}
	/* the resource: the tool, or what the declared mapping names */
	if ((map = map_of(name))) {
		const char *v = json_string_value(json_object_get(c->args, map->arg));
		if (!v || !*v) {
			json_t *rec = call_record(req, c, "refused");
			json_object_set_new(rec, "reason", json_string("mapped argument missing"));
			record(req, rec);
			rpc_error(res, 200, id, RPC_INVALID_PARAMS, NULL, "call of '%s' refused, not "
				  "forwarded: argument '%s' (the resource) must be a non-empty "
				  "string", name, map->arg);
			goto out;
		}
		strbuf_addf(&c->resource, "%s::\"", map->type);
		add_escaped(&c->resource, v);
	} else {
		strbuf_addstr(&c->resource, "Tool::\"");
		add_escaped(&c->resource, name);
	}
	strbuf_addch(&c->resource, '"');
	c->ctx = json_copy(c->args);
	if (conf)
		json_object_set(c->ctx, "confidence", (json_t *)conf);
	c->obo = json_string_value(obo) ? xstrdup(json_string_value(obo)) : NULL;
	c->r.agent = req->token.agent;
	c->r.action = c->tool;
	c->r.resource = c->resource.buf;
	c->r.on_behalf_of = c->obo;
	c->r.context = c->ctx;
	http_control_decide_then(req, res, &c->r, 1, call_decided, c);
	c = NULL; /* call_decided frees it */
out:
	if (c)
		call_free(c);
	json_decref(tools);
}

/* ---- the transport ---- */

static int valid_id(const json_t *id)
{
	return json_is_string(id) || json_is_integer(id);
}

static void refuse_batch(struct http_request *req, struct http_response *res, json_t *batch)
{
	json_t *out = json_array(), *m;
	size_t i;
	int mixes = 0;

	json_array_foreach(batch, i, m) {
		const char *claimed = json_string_value(
			json_object_get(json_object_get(json_object_get(m, "params"), "_meta"),
					"agent"));
		if (claimed && strcmp(claimed, req->token.agent))
			mixes = 1;
	}
	json_array_foreach(batch, i, m) {
		json_t *id = json_object_get(m, "id");
		if (!valid_id(id))
			id = json_null();
		json_array_append_new(out, json_pack(
			"{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id, "error", "code",
			RPC_INVALID_REQUEST, "message", mixes
			? "a batch naming an agent other than the token's is refused as a whole; "
			  "nothing was forwarded"
			: "batches are not accepted: send each message in its own POST (each "
			  "tools/call is its own decision); nothing was forwarded"));
	}
	http_json_flags(res, 400, out, JSON_COMPACT);
}

static void h_mcp_post(struct http_request *req, struct http_response *res)
{
	json_t *msg, *id, *params;
	json_error_t je;
	const char *method, *sid, *pv;
	char why[600];
	size_t i;

	if (origin_refused(req, why, sizeof(why))) {
		rpc_error(res, 403, NULL, RPC_INVALID_REQUEST, NULL, "refused: %s", why);
		return;
	}
	if (!req->token.agent[0]) {
		rpc_error(res, 403, NULL, RPC_INVALID_REQUEST, NULL, "token '%s' is not an agent's "
			  "credential (create one with aivalue token create --agent ID)",
			  req->token.name);
		return;
	}
	if (!(msg = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je))) {
		rpc_error(res, 400, NULL, RPC_PARSE_ERROR, NULL, "parse error: %s (line %d, column "
			  "%d)", je.text, je.line, je.column);
		return;
	}
	if (json_is_array(msg)) {
		refuse_batch(req, res, msg);
		goto out;
	}
	id = json_object_get(msg, "id");
	method = json_string_value(json_object_get(msg, "method"));
	params = json_object_get(msg, "params");
	if (!json_is_object(msg) ||
	    !json_is_string(json_object_get(msg, "jsonrpc")) ||
	    strcmp(json_string_value(json_object_get(msg, "jsonrpc")), "2.0") ||
	    (id && !valid_id(id)) || (params && !json_is_object(params))) {
		rpc_error(res, 400, valid_id(id) ? id : NULL, RPC_INVALID_REQUEST, NULL,
			  "not a JSON-RPC 2.0 message (jsonrpc \"2.0\", a string or integer id, "
			  "params an object)");
		goto out;
	}
	if (!method) {
		if (id && (json_object_get(msg, "result") || json_object_get(msg, "error"))) {
			res->status = 202; /* a response: the gateway sends no requests */
			goto out;
		}
		rpc_error(res, 400, id, RPC_INVALID_REQUEST, NULL, "a request needs a method");
		goto out;
	}
	pv = http_req_header(req, "MCP-Protocol-Version");
	if (pv) {
		for (i = 0; versions[i] && strcmp(versions[i], pv); i++)
			;
		if (!versions[i]) {
			rpc_error(res, 400, id, RPC_INVALID_REQUEST, NULL, "unsupported "
				  "MCP-Protocol-Version '%.40s' (supported: 2025-06-18, 2025-03-26)",
				  pv);
			goto out;
		}
	}
	if (!strcmp(method, "initialize")) {
		if (!id)
			res->status = 202;
		else
			do_initialize(req, res, id, params);
		goto out;
	}
	sid = http_req_header(req, "Mcp-Session-Id");
	if (!sid) {
		rpc_error(res, 400, id, RPC_INVALID_REQUEST, NULL, "missing Mcp-Session-Id header "
			  "(send initialize first)");
		goto out;
	}
	if (!mcp_session_check(sid, req->token.agent, 0)) {
		rpc_error(res, 404, id, RPC_INVALID_REQUEST, NULL, "unknown session: it ended, or "
			  "another agent started it; initialize again");
		goto out;
	}
	if (!id) {
		res->status = 202; /* a notification: initialized, cancelled, ... */
		goto out;
	}
	if (!strcmp(method, "ping"))
		rpc_result(res, id, json_object());
	else if (!strcmp(method, "tools/list"))
		do_tools_list(req, res, id);
	else if (!strcmp(method, "tools/call"))
		do_tools_call(req, res, id, params);
	else
		rpc_error(res, 200, id, RPC_METHOD_NOT_FOUND, NULL, "method '%.80s' is not offered "
			  "by the aivalue gateway (it offers tools)", method);
out:
	json_decref(msg);
}

static void h_mcp_delete(struct http_request *req, struct http_response *res)
{
	const char *sid = http_req_header(req, "Mcp-Session-Id");
	char why[600];

	if (origin_refused(req, why, sizeof(why))) {
		rpc_error(res, 403, NULL, RPC_INVALID_REQUEST, NULL, "refused: %s", why);
		return;
	}
	if (!sid || !mcp_session_check(sid, req->token.agent, 1)) {
		rpc_error(res, 404, NULL, RPC_INVALID_REQUEST, NULL, "unknown session");
		return;
	}
	res->status = 204;
}

static const struct http_route mcp_routes[] = {
	{ "POST", "/mcp", ROLE_AGENT, R_BODY | R_PRIORITY, h_mcp_post,
	  "MCP gateway: one JSON-RPC message (Streamable HTTP)", "gateway", NULL, NULL },
	{ "DELETE", "/mcp", ROLE_AGENT, 0, h_mcp_delete,
	  "MCP gateway: end a session", "gateway", NULL, NULL },
	HTTP_ROUTES_END
};

/* ---- set up ---- */

void gateway_teardown(void)
{
	size_t i;

	gw_record_stop();
	for (i = 0; i < nups; i++)
		gw_upstream_free(ups[i]);
	nups = 0;
	for (i = 0; i < nrecord_tools; i++)
		free(record_tools[i]);
	free(record_tools);
	record_tools = NULL;
	nrecord_tools = 0;
	for (i = 0; i < nmaps; i++) {
		free(maps[i].tool);
		free(maps[i].type);
		free(maps[i].arg);
	}
	free(maps);
	maps = NULL;
	nmaps = 0;
	for (i = 0; i < norigins; i++)
		free(origins[i]);
	free(origins);
	origins = NULL;
	norigins = 0;
	listen_host[0] = '\0';
	listen_loopback = 0;
	escalation_wait_ms = 0;
}

static int valid_type(const char *s, size_t n)
{
	size_t i;

	if (!n || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * --upstream-token NAME=@FILE or NAME=env:VAR: read the bearer token (a
 * file's trailing newline dropped) and give it to upstream NAME.  Errors
 * name the option, the upstream and the file or variable, never the token.
 */
static int upstream_token(const char *spec, struct aiv_err *err)
{
	const char *eq = strchr(spec, '='), *src;
	struct strbuf sb = STRBUF_INIT;
	struct gw_upstream *u = NULL;
	size_t i;
	int ret;

	src = eq ? eq + 1 : "";
	for (i = 0; eq && i < nups; i++)
		if (strlen(gw_upstream_name(ups[i])) == (size_t)(eq - spec) &&
		    !strncmp(gw_upstream_name(ups[i]), spec, (size_t)(eq - spec)))
			u = ups[i];
	if (!eq || (src[0] != '@' && strncmp(src, "env:", 4)) || !src[src[0] == '@' ? 1 : 4])
		return aiv_fail(err, AIV_EINPUT, "--upstream-token%s%.*s: expected NAME=@FILE or "
				"NAME=env:VARIABLE (a token itself is never given on the command "
				"line)", eq ? " " : "", eq ? (int)(eq - spec) : 0, spec);
	if (!u)
		return aiv_fail(err, AIV_EINPUT, "--upstream-token: no --upstream is named '%.*s'",
				(int)(eq - spec), spec);
	if (src[0] == '@') {
		if (strbuf_read_file(&sb, src + 1, 8192)) {
			ret = aiv_fail(err, AIV_EINPUT, "--upstream-token %.*s: cannot read '%s': %s",
				       (int)(eq - spec), spec, src + 1, strerror(errno));
			strbuf_release(&sb);
			return ret;
		}
		while (sb.len && (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == '\r'))
			strbuf_setlen(&sb, sb.len - 1);
	} else {
		const char *v = getenv(src + 4);
		if (!v)
			return aiv_fail(err, AIV_EINPUT, "--upstream-token %.*s: the environment "
					"variable '%s' is not set", (int)(eq - spec), spec, src + 4);
		strbuf_addstr(&sb, v);
	}
	ret = gw_upstream_set_token(u, sb.buf, err);
	if (ret)
		aiv_err_prefix(err, "--upstream-token %.*s (%s): ", (int)(eq - spec), spec,
			       src[0] == '@' ? src + 1 : src);
	memset(sb.buf, 0, sb.len);
	strbuf_release(&sb);
	return ret;
}

int gateway_setup(const struct gateway_config *cfg, struct aiv_err *err)
{
	size_t i, j;
	int ret;

	if (!cfg->nupstreams)
		return aiv_fail(err, AIV_EINPUT, "the gateway needs at least one --upstream "
				"NAME=URL|'stdio:COMMAND ARGS'|builtin:echo");
	for (i = 0; i < cfg->nupstreams; i++) {
		struct gw_upstream *u;
		if ((ret = gw_upstream_parse(cfg->upstream_specs[i], cfg->timeout_ms, &u, err)))
			goto fail;
		for (j = 0; j < nups; j++)
			if (!strcmp(gw_upstream_name(ups[j]), gw_upstream_name(u))) {
				ret = aiv_fail(err, AIV_EINPUT, "--upstream: the name '%s' is given twice",
					       gw_upstream_name(u));
				gw_upstream_free(u);
				goto fail;
			}
		gw_upstream_set_tools_ttl(u, cfg->tools_ttl_ms);
		ups[nups++] = u;
	}
	for (i = 0; i < cfg->nupstream_tokens; i++)
		if ((ret = upstream_token(cfg->upstream_tokens[i], err)))
			goto fail;
	record_tools = xcalloc(cfg->nrecord_results + 1, sizeof(*record_tools));
	for (i = 0; i < cfg->nrecord_results; i++)
		record_tools[nrecord_tools++] = xstrdup(cfg->record_results[i]);
	maps = xcalloc(cfg->nresource_maps + 1, sizeof(*maps));
	for (i = 0; i < cfg->nresource_maps; i++) {
		const char *m = cfg->resource_maps[i], *eq = strchr(m, '='), *colon;
		colon = eq ? strchr(eq, ':') : NULL;
		if (!eq || !colon || eq == m || !strchr(m, '.') || strchr(m, '.') > eq ||
		    !valid_type(eq + 1, (size_t)(colon - eq - 1)) || !colon[1]) {
			ret = aiv_fail(err, AIV_EINPUT, "--resource '%s': expected UPSTREAM.TOOL=Type:"
				       "ARGUMENT, e.g. fs.read_file=File:path", m);
			goto fail;
		}
		maps[nmaps].tool = xstrndup(m, (size_t)(eq - m));
		maps[nmaps].type = xstrndup(eq + 1, (size_t)(colon - eq - 1));
		maps[nmaps].arg = xstrdup(colon + 1);
		nmaps++;
	}
	origins = xcalloc(cfg->nallowed_origins + 1, sizeof(*origins));
	for (i = 0; i < cfg->nallowed_origins; i++) {
		const char *o = cfg->allowed_origins[i], *rest = NULL;
		char h[256];
		if (!strncmp(o, "http://", 7))
			rest = o + 7;
		else if (!strncmp(o, "https://", 8))
			rest = o + 8;
		if (!rest || !host_part(rest, h, sizeof(h)) || strchr(rest, '/')) {
			ret = aiv_fail(err, AIV_EINPUT, "--allowed-origin '%s': expected an origin "
				       "SCHEME://HOST[:PORT] (http or https, no path), e.g. "
				       "https://agents.example.com", o);
			goto fail;
		}
		origins[norigins++] = xstrdup(o);
	}
	if (cfg->listen && host_part(cfg->listen, listen_host, sizeof(listen_host))) {
		listen_loopback = is_loopback(listen_host);
		if (!strcmp(listen_host, "0.0.0.0") || !strcmp(listen_host, "::"))
			listen_host[0] = '\0'; /* every address: no one name */
	}
	escalation_wait_ms = cfg->escalation_wait_ms;
	if (http_routes_add(mcp_routes)) {
		ret = aiv_fail(err, AIV_EINTERNAL, "cannot add the gateway's routes");
		goto fail;
	}
	http_at_stop(gw_record_stop);
	gw_record_hook();
	return 0;
fail:
	gateway_teardown();
	return ret;
}
