/*
 * upstream.c - the MCP servers behind the gateway: a built-in echo server
 * (in process; the benchmark's upstream), a local server over stdio, and a
 * remote server over Streamable HTTP (libcurl).
 *
 * stdio: the command runs under /bin/sh -c with its stdin and stdout on
 * one end of a socketpair (sockets, not pipes, so that writing to a child
 * that died is an error, MSG_NOSIGNAL, rather than SIGPIPE for the whole
 * server), in its own process group (stopping it kills the group, so a
 * launcher such as npx takes its server with it); stderr is the gateway's.  Messages are newline-delimited JSON
 * (MCP's stdio transport).  The first call sends initialize and
 * notifications/initialized.  Every read waits at most the timeout; a
 * child that exits, closes its end, writes a line that is not JSON or does
 * not answer in time is killed (SIGKILL, reaped) and the call fails; the
 * next call starts it again.
 *
 * HTTP: POST each message to the URL, Accept: application/json,
 * text/event-stream; a text/event-stream answer is read for the "data:"
 * event carrying the response.  The Mcp-Session-Id the upstream assigns at
 * initialize is sent with every later request.
 */
#include "aiv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "gateway.h"

#define GW_PROTOCOL "2025-06-18"
#define GW_MAX_LINE (16u << 20) /* an upstream message larger than 16 MiB is garbage */

struct gw_upstream {
	char *name;
	int kind;
	char *target;          /* command line or URL */
	int64_t timeout_ms;
	pthread_mutex_t mu;    /* one request in flight */
	json_t *tools;         /* cached tools/list, or NULL */
	int64_t next_id;
	/* stdio */
	pid_t pid;             /* 0: not running */
	int fd;                /* our end of the socketpair */
	struct strbuf rbuf;    /* bytes read, not yet a whole line */
	/* http */
	CURL *curl;
	char *session;         /* Mcp-Session-Id, or NULL */
	int initialized;
};

static int valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

int gw_upstream_parse(const char *spec, int64_t timeout_ms, struct gw_upstream **out,
		      struct aiv_err *err)
{
	const char *eq = strchr(spec, '=');
	struct gw_upstream *u;
	const char *t;
	int kind;

	*out = NULL;
	if (!eq || !valid_name(spec, (size_t)(eq - spec)))
		return aiv_fail(err, AIV_EINPUT, "--upstream '%s': expected NAME=URL, "
				"NAME='stdio:COMMAND ARGS' or NAME=builtin:echo, NAME of letters, "
				"digits, '_' and '-' (no '.': tools are named NAME.TOOL)", spec);
	t = eq + 1;
	if (!strcmp(t, "builtin:echo"))
		kind = GW_UP_ECHO;
	else if (!strncmp(t, "stdio:", 6) && t[6])
		kind = GW_UP_STDIO;
	else if (!strncasecmp(t, "http://", 7) || !strncasecmp(t, "https://", 8))
		kind = GW_UP_HTTP;
	else
		return aiv_fail(err, AIV_EINPUT, "--upstream '%s': '%s' is not an http(s):// URL, "
				"stdio:COMMAND or builtin:echo", spec, t);
	u = xcalloc(1, sizeof(*u));
	u->name = xstrndup(spec, (size_t)(eq - spec));
	u->kind = kind;
	u->target = xstrdup(kind == GW_UP_STDIO ? t + 6 : t);
	u->timeout_ms = timeout_ms > 0 ? timeout_ms : GATEWAY_DEFAULT_TIMEOUT_MS;
	u->fd = -1;
	u->next_id = 1;
	strbuf_init(&u->rbuf, 0);
	pthread_mutex_init(&u->mu, NULL);
	*out = u;
	return 0;
}

const char *gw_upstream_name(const struct gw_upstream *u)
{
	return u->name;
}

const char *gw_upstream_kind_name(const struct gw_upstream *u)
{
	return u->kind == GW_UP_ECHO ? "builtin" : u->kind == GW_UP_STDIO ? "stdio" : "http";
}

/* ---- stdio ---- */

static void stdio_stop(struct gw_upstream *u)
{
	if (u->pid > 0) {
		kill(-u->pid, SIGKILL); /* the group: a shell and what it started (npx, node) */
		kill(u->pid, SIGKILL);
		while (waitpid(u->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (u->fd >= 0)
		close(u->fd);
	u->pid = 0;
	u->fd = -1;
	strbuf_reset(&u->rbuf);
	u->initialized = 0;
}

static int stdio_spawn(struct gw_upstream *u, struct aiv_err *err)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return aiv_fail(err, AIV_EIO, "upstream '%s': socketpair: %s", u->name,
				strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return aiv_fail(err, AIV_EIO, "upstream '%s': fork: %s", u->name, strerror(errno));
	}
	if (pid == 0) {
		/* the child: only async-signal-safe calls until exec */
		int fd;
		setpgid(0, 0); /* its own process group: stopping it stops what it started */
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		execl("/bin/sh", "sh", "-c", u->target, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	u->pid = pid;
	u->fd = sv[0];
	strbuf_reset(&u->rbuf);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int stdio_send(struct gw_upstream *u, const char *text, size_t len, struct aiv_err *err)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(u->fd, text + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			stdio_stop(u);
			return aiv_fail(err, AIV_EIO, "upstream '%s' closed its input (it crashed or "
					"exited)", u->name);
		}
		off += (size_t)n;
	}
	return 0;
}

/* Send one message (borrowed) as a line. */
static int stdio_send_msg(struct gw_upstream *u, const json_t *msg, struct aiv_err *err)
{
	char *t = json_dumps(msg, JSON_COMPACT);
	struct strbuf sb = STRBUF_INIT;
	int ret;

	strbuf_addstr(&sb, t);
	strbuf_addch(&sb, '\n');
	ret = stdio_send(u, sb.buf, sb.len, err);
	strbuf_release(&sb);
	free(t);
	return ret;
}

/*
 * The next line from the child within `deadline` (monotonic ms), as a new
 * JSON value; errors stop the child.
 */
static int stdio_read_msg(struct gw_upstream *u, int64_t deadline, json_t **out,
			  struct aiv_err *err)
{
	char buf[65536];

	*out = NULL;
	for (;;) {
		char *nl = memchr(u->rbuf.buf, '\n', u->rbuf.len);
		struct pollfd pfd;
		int64_t left;
		ssize_t n;

		if (nl) {
			size_t len = (size_t)(nl - u->rbuf.buf);
			json_error_t je;
			json_t *v = json_loadb(u->rbuf.buf, len, 0, &je);
			size_t rest = u->rbuf.len - len - 1;
			int blank = len == 0 || (len == 1 && u->rbuf.buf[0] == '\r');

			memmove(u->rbuf.buf, nl + 1, rest);
			strbuf_setlen(&u->rbuf, rest);
			if (blank)
				continue;
			if (!v || !json_is_object(v)) {
				json_decref(v);
				stdio_stop(u);
				return aiv_fail(err, AIV_EIO, "upstream '%s' wrote a line that is not a "
						"JSON-RPC message (%s); it was stopped", u->name,
						v ? "not an object" : je.text);
			}
			*out = v;
			return 0;
		}
		if (u->rbuf.len > GW_MAX_LINE) {
			stdio_stop(u);
			return aiv_fail(err, AIV_EIO, "upstream '%s' wrote a message over %u bytes; it "
					"was stopped", u->name, GW_MAX_LINE);
		}
		left = deadline - now_ms();
		if (left <= 0) {
			stdio_stop(u);
			return aiv_fail(err, AIV_EBUSY, "upstream '%s' did not answer within %lld ms; it "
					"was stopped", u->name, (long long)u->timeout_ms);
		}
		pfd.fd = u->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)(left > 1000000 ? 1000000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			stdio_stop(u);
			return aiv_fail(err, AIV_EIO, "upstream '%s': poll: %s", u->name,
					strerror(errno));
		}
		if (!pfd.revents)
			continue;
		n = recv(u->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			stdio_stop(u);
			return aiv_fail(err, AIV_EIO, "upstream '%s' closed its output (it crashed or "
					"exited)", u->name);
		}
		strbuf_add(&u->rbuf, buf, (size_t)n);
	}
}

/* Send a request and wait for the response with its id (others skipped). */
static int stdio_request(struct gw_upstream *u, const char *method, const json_t *params,
			 json_t **resp, struct aiv_err *err)
{
	int64_t id = u->next_id++, deadline = now_ms() + u->timeout_ms;
	json_t *msg = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id", (json_int_t)id,
				"method", method);
	int ret;

	if (params)
		json_object_set(msg, "params", (json_t *)params);
	ret = stdio_send_msg(u, msg, err);
	json_decref(msg);
	if (ret)
		return ret;
	for (;;) {
		json_t *m, *mid;
		if ((ret = stdio_read_msg(u, deadline, &m, err)))
			return ret;
		mid = json_object_get(m, "id");
		if (json_is_integer(mid) && json_integer_value(mid) == id &&
		    !json_object_get(m, "method")) {
			*resp = m;
			return 0;
		}
		if (mid && json_object_get(m, "method")) {
			/* a request from the server (sampling, roots): not offered */
			json_t *no = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", mid,
					       "error", "code", -32601, "message",
					       "the aivalue gateway does not offer this to upstreams");
			ret = stdio_send_msg(u, no, err);
			json_decref(no);
			if (ret) {
				json_decref(m);
				return ret;
			}
		}
		json_decref(m); /* a notification or a stale answer */
	}
}

/* ---- HTTP ---- */

struct http_answer {
	struct strbuf body;
	char ctype[128];
	char session[256];
};

static size_t curl_body(char *p, size_t sz, size_t n, void *data)
{
	struct http_answer *a = data;

	if (a->body.len + sz * n > GW_MAX_LINE)
		return 0; /* aborts the transfer */
	strbuf_add(&a->body, p, sz * n);
	return sz * n;
}

static size_t curl_header(char *p, size_t sz, size_t n, void *data)
{
	struct http_answer *a = data;
	size_t len = sz * n, k;
	char *dst = NULL;
	size_t cap = 0;

	if (len > 13 && !strncasecmp(p, "content-type:", 13)) {
		dst = a->ctype;
		cap = sizeof(a->ctype);
		k = 13;
	} else if (len > 15 && !strncasecmp(p, "mcp-session-id:", 15)) {
		dst = a->session;
		cap = sizeof(a->session);
		k = 15;
	}
	if (dst) {
		size_t e = len, m;
		while (k < e && (p[k] == ' ' || p[k] == '\t'))
			k++;
		while (e > k && (p[e - 1] == '\r' || p[e - 1] == '\n' || p[e - 1] == ' '))
			e--;
		m = e - k < cap - 1 ? e - k : cap - 1;
		memcpy(dst, p + k, m);
		dst[m] = '\0';
	}
	return len;
}

/* The response with id `id` in an SSE body (new reference) or NULL. */
static json_t *sse_find(const char *body, int64_t id)
{
	const char *line = body;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > 5 && !strncmp(line, "data:", 5)) {
			json_t *v = json_loadb(line + 5, len - 5, 0, NULL);
			json_t *mid = json_object_get(v, "id");
			if (json_is_integer(mid) && json_integer_value(mid) == id)
				return v;
			json_decref(v);
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

static int http_post(struct gw_upstream *u, json_t *msg, int64_t id, json_t **resp,
		     struct aiv_err *err)
{
	struct http_answer a;
	struct curl_slist *h = NULL;
	char *text = json_dumps(msg, JSON_COMPACT);
	char hdr[300];
	long status = 0;
	CURLcode rc;
	int ret = 0;

	*resp = NULL;
	memset(&a, 0, sizeof(a));
	strbuf_init(&a.body, 0);
	if (!u->curl)
		u->curl = curl_easy_init();
	curl_easy_reset(u->curl);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept: application/json, text/event-stream");
	h = curl_slist_append(h, "MCP-Protocol-Version: " GW_PROTOCOL);
	if (u->session) {
		snprintf(hdr, sizeof(hdr), "Mcp-Session-Id: %s", u->session);
		h = curl_slist_append(h, hdr);
	}
	curl_easy_setopt(u->curl, CURLOPT_URL, u->target);
	curl_easy_setopt(u->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(u->curl, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(u->curl, CURLOPT_TIMEOUT_MS, (long)u->timeout_ms);
	curl_easy_setopt(u->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(u->curl, CURLOPT_WRITEFUNCTION, curl_body);
	curl_easy_setopt(u->curl, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(u->curl, CURLOPT_HEADERFUNCTION, curl_header);
	curl_easy_setopt(u->curl, CURLOPT_HEADERDATA, &a);
	curl_easy_setopt(u->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(u->curl);
	curl_easy_getinfo(u->curl, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		ret = aiv_fail(err, AIV_EBUSY, "upstream '%s' did not answer within %lld ms", u->name,
			       (long long)u->timeout_ms);
	} else if (rc != CURLE_OK) {
		ret = aiv_fail(err, AIV_EIO, "upstream '%s': %s", u->name, curl_easy_strerror(rc));
	} else if (id < 0) {
		if (status >= 300)
			ret = aiv_fail(err, AIV_EIO, "upstream '%s' answered HTTP %ld to a "
				       "notification", u->name, status);
	} else if (status == 404 && u->session) {
		/* the session ended upstream: start a new one next time */
		free(u->session);
		u->session = NULL;
		u->initialized = 0;
		ret = aiv_fail(err, AIV_EIO, "upstream '%s' ended the session (HTTP 404)", u->name);
	} else if (status < 200 || status >= 300) {
		ret = aiv_fail(err, AIV_EIO, "upstream '%s' answered HTTP %ld", u->name, status);
	} else {
		if (!strncasecmp(a.ctype, "text/event-stream", 17))
			*resp = sse_find(a.body.buf, id);
		else
			*resp = json_loadb(a.body.buf, a.body.len, 0, NULL);
		if (!json_is_object(*resp)) {
			json_decref(*resp);
			*resp = NULL;
			ret = aiv_fail(err, AIV_EIO, "upstream '%s' answered something that is not a "
				       "JSON-RPC response", u->name);
		}
	}
	if (!ret && a.session[0] && !u->session)
		u->session = xstrdup(a.session);
	curl_slist_free_all(h);
	strbuf_release(&a.body);
	free(text);
	return ret;
}

static int http_request(struct gw_upstream *u, const char *method, const json_t *params,
			json_t **resp, struct aiv_err *err)
{
	int64_t id = u->next_id++;
	json_t *msg = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id", (json_int_t)id,
				"method", method);
	int ret;

	if (params)
		json_object_set(msg, "params", (json_t *)params);
	ret = http_post(u, msg, id, resp, err);
	json_decref(msg);
	return ret;
}

/* ---- the built-in echo server ---- */

static json_t *text_result(const char *text)
{
	return json_pack("{s:[{s:s, s:s}]}", "content", "type", "text", "text", text);
}

static int echo_request(const char *method, const json_t *params, json_t **resp)
{
	const json_t *args = json_object_get(params, "arguments");
	json_t *result = NULL, *error = NULL;

	if (!strcmp(method, "initialize")) {
		result = json_pack("{s:s, s:{s:{}}, s:{s:s, s:s}}", "protocolVersion", GW_PROTOCOL,
				   "capabilities", "tools", "serverInfo", "name", "aivalue-echo",
				   "version", AIV_VERSION);
	} else if (!strcmp(method, "tools/list")) {
		result = json_pack(
			"{s:[{s:s, s:s, s:{s:s, s:{s:{s:s}}, s:[s]}},"
			"    {s:s, s:s, s:{s:s, s:{s:{s:s}, s:{s:s}}, s:[s, s]}}]}",
			"tools",
			"name", "echo", "description", "Echoes back the input",
			"inputSchema", "type", "object", "properties", "message", "type", "string",
			"required", "message",
			"name", "add", "description", "Adds two numbers",
			"inputSchema", "type", "object", "properties", "a", "type", "number", "b",
			"type", "number", "required", "a", "b");
	} else if (!strcmp(method, "tools/call")) {
		const char *name = json_string_value(json_object_get(params, "name"));
		if (name && !strcmp(name, "echo") &&
		    json_is_string(json_object_get(args, "message"))) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addstr(&sb, "Echo: ");
			strbuf_addstr(&sb, json_string_value(json_object_get(args, "message")));
			result = text_result(sb.buf);
			strbuf_release(&sb);
		} else if (name && !strcmp(name, "add") &&
			   json_is_number(json_object_get(args, "a")) &&
			   json_is_number(json_object_get(args, "b"))) {
			char buf[96];
			double sum = json_number_value(json_object_get(args, "a")) +
				     json_number_value(json_object_get(args, "b"));
			snprintf(buf, sizeof(buf), "The sum of %g and %g is %g.",
				 json_number_value(json_object_get(args, "a")),
				 json_number_value(json_object_get(args, "b")), sum);
			result = text_result(buf);
		} else {
			error = json_pack("{s:i, s:s}", "code", -32602, "message",
					  "unknown tool or invalid arguments");
		}
	} else if (!strcmp(method, "ping")) {
		result = json_object();
	} else {
		error = json_pack("{s:i, s:s}", "code", -32601, "message", "method not found");
	}
	*resp = result ? json_pack("{s:s, s:i, s:o}", "jsonrpc", "2.0", "id", 0, "result", result)
		       : json_pack("{s:s, s:i, s:o}", "jsonrpc", "2.0", "id", 0, "error", error);
	return 0;
}

/* ---- one entry point ---- */

static int raw_request(struct gw_upstream *u, const char *method, const json_t *params,
		       json_t **resp, struct aiv_err *err)
{
	switch (u->kind) {
	case GW_UP_ECHO:
		return echo_request(method, params, resp);
	case GW_UP_STDIO:
		if (!u->pid) {
			int ret = stdio_spawn(u, err);
			if (ret)
				return ret;
		}
		return stdio_request(u, method, params, resp, err);
	default:
		return http_request(u, method, params, resp, err);
	}
}

static int notify(struct gw_upstream *u, const char *method, struct aiv_err *err)
{
	json_t *msg = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", method);
	json_t *resp = NULL;
	int ret = 0;

	if (u->kind == GW_UP_STDIO) {
		ret = stdio_send_msg(u, msg, err);
	} else if (u->kind == GW_UP_HTTP) {
		ret = http_post(u, msg, -1, &resp, err);
		json_decref(resp);
	}
	json_decref(msg);
	return ret;
}

/* The initialize handshake, when the upstream is not initialized. */
static int ensure_initialized(struct gw_upstream *u, struct aiv_err *err)
{
	json_t *params, *resp = NULL;
	int ret;

	if (u->initialized && (u->kind != GW_UP_STDIO || u->pid))
		return 0;
	params = json_pack("{s:s, s:{}, s:{s:s, s:s}}", "protocolVersion", GW_PROTOCOL,
			   "capabilities", "clientInfo", "name", "aivalue-gateway", "version",
			   AIV_VERSION);
	ret = raw_request(u, "initialize", params, &resp, err);
	json_decref(params);
	if (ret)
		return ret;
	if (!json_is_object(json_object_get(resp, "result"))) {
		json_decref(resp);
		if (u->kind == GW_UP_STDIO)
			stdio_stop(u);
		return aiv_fail(err, AIV_EIO, "upstream '%s' refused initialize", u->name);
	}
	json_decref(resp);
	if ((ret = notify(u, "notifications/initialized", err)))
		return ret;
	u->initialized = 1;
	return 0;
}

static int call_locked(struct gw_upstream *u, const char *method, const json_t *params,
		       json_t **result, json_t **error, struct aiv_err *err)
{
	json_t *resp = NULL, *r, *e;
	int ret;

	*result = *error = NULL;
	if ((ret = ensure_initialized(u, err)))
		return ret;
	if ((ret = raw_request(u, method, params, &resp, err)))
		return ret;
	r = json_object_get(resp, "result");
	e = json_object_get(resp, "error");
	if (json_is_object(r) && !e) {
		*result = json_incref(r);
	} else if (json_is_object(e) && json_is_integer(json_object_get(e, "code")) &&
		   json_is_string(json_object_get(e, "message")) && !r) {
		*error = json_incref(e);
	} else {
		json_decref(resp);
		if (u->kind == GW_UP_STDIO)
			stdio_stop(u);
		return aiv_fail(err, AIV_EIO, "upstream '%s' answered a malformed JSON-RPC response",
				u->name);
	}
	json_decref(resp);
	return 0;
}

int gw_upstream_call(struct gw_upstream *u, const char *method, const json_t *params,
		     json_t **result, json_t **error, struct aiv_err *err)
{
	int ret;

	pthread_mutex_lock(&u->mu);
	ret = call_locked(u, method, params, result, error, err);
	pthread_mutex_unlock(&u->mu);
	return ret;
}

int gw_upstream_tools(struct gw_upstream *u, json_t **tools, struct aiv_err *err)
{
	json_t *all, *result = NULL, *error = NULL, *params = NULL;
	int ret = 0, pages = 0;

	*tools = NULL;
	pthread_mutex_lock(&u->mu);
	if (u->tools) {
		*tools = json_incref(u->tools);
		pthread_mutex_unlock(&u->mu);
		return 0;
	}
	all = json_array();
	for (;;) {
		json_t *list, *next;
		if ((ret = call_locked(u, "tools/list", params, &result, &error, err)))
			break;
		json_decref(params);
		params = NULL;
		if (error) {
			ret = aiv_fail(err, AIV_EIO, "upstream '%s' refused tools/list: %s", u->name,
				       json_string_value(json_object_get(error, "message")));
			break;
		}
		list = json_object_get(result, "tools");
		if (!json_is_array(list)) {
			ret = aiv_fail(err, AIV_EIO, "upstream '%s' answered tools/list without a "
				       "tools array", u->name);
			break;
		}
		json_array_extend(all, list);
		next = json_object_get(result, "nextCursor");
		if (!json_is_string(next) || ++pages >= 100)
			break;
		params = json_pack("{s:O}", "cursor", next);
		json_decref(result);
		result = NULL;
	}
	json_decref(result);
	json_decref(error);
	json_decref(params);
	if (!ret) {
		u->tools = json_incref(all);
		*tools = all;
	} else {
		json_decref(all);
	}
	pthread_mutex_unlock(&u->mu);
	return ret;
}

void gw_upstream_free(struct gw_upstream *u)
{
	if (!u)
		return;
	if (u->kind == GW_UP_STDIO)
		stdio_stop(u);
	if (u->curl)
		curl_easy_cleanup(u->curl);
	json_decref(u->tools);
	strbuf_release(&u->rbuf);
	pthread_mutex_destroy(&u->mu);
	free(u->session);
	free(u->name);
	free(u->target);
	free(u);
}
