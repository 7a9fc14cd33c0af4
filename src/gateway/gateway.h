/*
 * gateway.h - the MCP gateway (issue 17): a Model Context Protocol server
 * (Streamable HTTP, JSON-RPC 2.0, POST /mcp on the HTTP server) in front of
 * MCP servers ("upstreams"), that puts every tools/call through the control
 * layer's decision and chains every call into the ledger.
 *
 *   agent --POST /mcp (Bearer agent token)--> http/ (auth, body limit)
 *          |
 *          v  mcp.c: JSON-RPC checks, session, method
 *   tools/call "fs.read_file" {path: ...}
 *          |  control decision (http/control_http.h: group commit)
 *          |    principal Agent::"<token's agent>", action "fs.read_file",
 *          |    resource Tool::"fs.read_file" (or a declared mapping),
 *          |    context = arguments + _meta.confidence, _meta.on_behalf_of
 *          +-- deny      -> JSON-RPC error (reason, decision id)
 *          +-- escalate  -> JSON-RPC error (exception item id, due time);
 *          |               after approval the same arguments pass once
 *          +-- allow     -> upstream.c: forward, time it
 *          v
 *   record.c: one ledger entry per batch of calls (decision id, args
 *   digest, upstream, outcome, latency, result size)
 *
 * The layer sits after http/ (it uses the server, its authentication and
 * the decision writer) and before cli/.
 */
#ifndef AIV_GATEWAY_H
#define AIV_GATEWAY_H

#include <jansson.h>

#include "aiv.h"

#define GATEWAY_MAX_UPSTREAMS 32
#define GATEWAY_DEFAULT_TIMEOUT_MS 30000

enum gateway_upstream_kind { GW_UP_ECHO, GW_UP_STDIO, GW_UP_HTTP };

/*
 * A resource mapping: calls of tool `tool` ("server.tool") are decided
 * against resource TYPE::"<arguments[arg]>" instead of Tool::"server.tool".
 */
struct gateway_resource_map {
	char *tool, *type, *arg;
};

struct gateway_config {
	const char *upstream_specs[GATEWAY_MAX_UPSTREAMS]; /* "NAME=URL|stdio:CMD|builtin:echo" */
	size_t nupstreams;
	const char *const *record_results;   /* tools ("server.tool") whose results are recorded */
	size_t nrecord_results;
	const char *const *resource_maps;    /* "server.tool=Type:arg" */
	size_t nresource_maps;
	int64_t timeout_ms;                  /* each upstream call; 0: 30 s */
	const char *listen;                  /* the server's ADDR:PORT, or NULL (checks Host) */
	const char *const *allowed_origins;  /* --allowed-origin: also accepted as Origin */
	size_t nallowed_origins;
	int64_t escalation_wait_ms;          /* an escalated call waits this long for approval */
	const char *const *upstream_tokens;  /* "NAME=@FILE" or "NAME=env:VAR": bearer tokens */
	size_t nupstream_tokens;
	int64_t tools_ttl_ms;                /* refetch tools/list after this long; 0: never */
};

/*
 * Check the configuration (names, URLs, mappings), start the stdio
 * upstreams lazily on first use, and add the /mcp routes to the HTTP
 * server (call before http_start/http_serve).  AIV_EINPUT with a message
 * naming the option on a bad specification.  One gateway per process.
 */
int gateway_setup(const struct gateway_config *cfg, struct aiv_err *err);
/* Stop the upstreams (stdio children killed) and free the configuration. */
void gateway_teardown(void);

/*
 * An upstream MCP server.  A stdio upstream has several requests in
 * flight at once on its pipe (answers matched by their JSON-RPC ids); an
 * HTTP upstream up to 4 at once, each on its own kept-alive connection; the built-in echo
 * server has no state and no lock.
 */
struct gw_upstream;

/*
 * Parse "NAME=builtin:echo", "NAME=stdio:COMMAND ARGS" or
 * "NAME=http(s)://..." into a new upstream (not started); caller frees
 * with gw_upstream_free.  AIV_EINPUT naming the text.
 */
int gw_upstream_parse(const char *spec, int64_t timeout_ms, struct gw_upstream **out,
		      struct aiv_err *err);
void gw_upstream_free(struct gw_upstream *u);
/* Refetch the tools/list cache after ttl_ms (0: only on list_changed). */
void gw_upstream_set_tools_ttl(struct gw_upstream *u, int64_t ttl_ms);
/*
 * Send "Authorization: Bearer TOKEN" to this HTTP upstream.  AIV_EINPUT
 * (naming the upstream, never the token) when it is not HTTP or the token
 * is empty, too long or not visible ASCII.
 */
int gw_upstream_set_token(struct gw_upstream *u, const char *token, struct aiv_err *err);
const char *gw_upstream_name(const struct gw_upstream *u);
const char *gw_upstream_kind_name(const struct gw_upstream *u);

/*
 * Call `method` with `params` (borrowed, may be NULL) on the upstream,
 * starting it (and its initialize handshake) when it is not running.
 * 0 with *result or *error (a JSON-RPC error object the upstream
 * answered) set (new references); or an error code with err saying what
 * went wrong: AIV_EIO (crashed, closed, garbage: the upstream is stopped
 * and restarted by the next call), AIV_EBUSY (no answer within the
 * timeout).  Never both.
 */
int gw_upstream_call(struct gw_upstream *u, const char *method, const json_t *params,
		     json_t **result, json_t **error, struct aiv_err *err);
/*
 * The upstream's tools (the "tools" array of its tools/list, all pages),
 * cached; new reference.  The cache is refetched after the upstream sends
 * notifications/tools/list_changed (on its stdio pipe, or as an event of
 * an HTTP answer) and, with a TTL set, once it is older than that.  As
 * gw_upstream_call.
 */
int gw_upstream_tools(struct gw_upstream *u, json_t **tools, struct aiv_err *err);

/* ---- the call record (record.c) ---- */

/*
 * Queue one record (takes ownership of rec, a JSON object) for the
 * recorder thread, which chains every queued record into one ledger entry
 * ("gateway.calls", actor "http:gateway") per transaction.  `db_uri` is the
 * store to open on first use.  0, or an error when the recorder cannot
 * start.
 */
int gw_record(const char *db_uri, json_t *rec, struct aiv_err *err);
/*
 * Have the decision writer's transactions chain the queued records too
 * (http_control_commit_hook): a call then costs one commit, not two.
 */
void gw_record_hook(void);
/* Write what is queued and stop the recorder (at server stop). */
void gw_record_stop(void);

#endif
