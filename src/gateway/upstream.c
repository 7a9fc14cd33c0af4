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
 * notifications/initialized.  Several requests are in flight at once,
 * answers matched by id (see "stdio" below).  Every read waits at most the timeout; a
 * child that exits, closes its end, writes a line that is not JSON or does
 * not answer in time is killed (SIGKILL, reaped) and the call fails; the
 * next call starts it again.
 *
 * HTTP: POST each message to the URL, Accept: application/json,
 * text/event-stream; a text/event-stream answer is read for the "data:"
 * event carrying the response.  The Mcp-Session-Id the upstream assigns at
 * initialize is sent with every later request, and the bearer token of
 * --upstream-token, if any (never logged; its copies wiped after use).
 * Up to GW_HTTP_POOL requests go out at once, each on its own libcurl
 * handle taken from a small pool, whose connection (TCP_NODELAY, TCP
 * keep-alive) stays open for the next request; one caller sends the
 * initialize handshake while the others wait for it.
 */
#include "aiv.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/time.h>
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
#define GW_HTTP_POOL 4 /* requests in flight at once to one HTTP upstream */
#define GW_READ_SLICE_MS 100 /* a blocking read of a stdio upstream returns this often */

/* A request to a stdio upstream waiting for its answer (on its caller's stack). */
struct gw_pending {
	int64_t id;
	json_t *resp;          /* the answer, once done (new reference) */
	int done, ret;         /* ret: 0, or the error that failed it (err says which) */
	struct aiv_err err;
	struct gw_pending *next;
};

struct gw_upstream {
	char *name;
	int kind;
	char *target;          /* command line or URL */
	int64_t timeout_ms;
	pthread_mutex_t mu;    /* everything below but the http part */
	json_t *tools;         /* cached tools/list, or NULL */
	int64_t tools_at_ms;   /* when it was fetched (monotonic) */
	int64_t tools_ttl_ms;  /* refetch after this long; 0: only on list_changed */
	int tools_stale;       /* the upstream said notifications/tools/list_changed */
	int64_t next_id;
	/* stdio: several requests in flight, told apart by their ids */
	pthread_cond_t cv;     /* a request was answered, the reader left, a start ended */
	pthread_mutex_t wmu;   /* writing to fd; taken after mu, never before */
	pid_t pid;             /* 0: not running */
	int fd;                /* our end of the socketpair */
	unsigned gen;          /* counts starts and stops (under mu and wmu) */
	int reading;           /* a caller reads the child's output for everyone */
	int starting;          /* a caller starts it and sends initialize */
	struct gw_pending *pending;
	struct strbuf rbuf;    /* bytes read, not yet a whole line (the reader's) */
	/* http: up to GW_HTTP_POOL requests at once, each on its own handle (connection) */
	pthread_mutex_t hmu;   /* everything below, and next_id for http */
	pthread_cond_t hcv;    /* a handle went back to the pool, a handshake ended */
	CURL *idle[GW_HTTP_POOL]; /* handles not in use, their connections kept alive */
	int nidle, nopen;      /* handles idle, handles made (idle or in use) */
	int handshaking;       /* a caller sends initialize; the others wait */
	char *session;         /* Mcp-Session-Id, or NULL */
	char *token;           /* bearer token (--upstream-token), or NULL; never logged */
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
	pthread_mutex_init(&u->wmu, NULL);
	pthread_mutex_init(&u->hmu, NULL);
	pthread_cond_init(&u->hcv, NULL);
	pthread_cond_init(&u->cv, NULL);
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

/*
 * Several callers may have requests in flight on one child.  Each sends
 * its line (under wmu) and registers itself in u->pending; one of them at
 * a time is the reader: it reads the child's output outside mu and hands
 * every answer to the request with its id, then wakes the others.  When
 * its own answer has come it stops reading and another waiting caller
 * takes over.  Stopping the child (a crash, garbage, the reader's
 * timeout) fails every request in flight.
 */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fail every request in flight with code and msg (mu held). */
static void fail_pending(struct gw_upstream *u, int code, const char *msg)
{
	struct gw_pending *p;

	for (p = u->pending; p; p = p->next)
		if (!p->done) {
			p->done = 1;
			p->ret = code;
			aiv_fail(&p->err, code, "%s", msg);
		}
	pthread_cond_broadcast(&u->cv);
}

/*
 * Kill the child and close our end (mu held; the reader, or no one is
 * reading).  Requests in flight fail with code and msg.
 */
static void stdio_stop(struct gw_upstream *u, int code, const char *msg)
{
	if (u->pid > 0) {
		kill(-u->pid, SIGKILL); /* the group: a shell and what it started (npx, node) */
		kill(u->pid, SIGKILL);
		while (waitpid(u->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	pthread_mutex_lock(&u->wmu); /* a writer blocked on the dead child has returned */
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	u->gen++;
	pthread_mutex_unlock(&u->wmu);
	u->pid = 0;
	strbuf_reset(&u->rbuf);
	u->initialized = 0;
	fail_pending(u, code, msg);
}

/*
 * Stop the child from a caller that is not the reader (mu held): when
 * someone reads, kill it and let the reader see the end of its output.
 */
static void stdio_abort(struct gw_upstream *u, const char *msg)
{
	if (u->reading && u->pid > 0) {
		kill(-u->pid, SIGKILL);
		kill(u->pid, SIGKILL);
	} else {
		stdio_stop(u, AIV_EIO, msg);
	}
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
	{
		/* reads block at most a slice: the reader checks its deadline in between */
		int64_t ms = u->timeout_ms < GW_READ_SLICE_MS ? u->timeout_ms : GW_READ_SLICE_MS;
		struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
		if (setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
			int e = errno;
			close(sv[0]);
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			return aiv_fail(err, AIV_EIO, "upstream '%s': setsockopt: %s", u->name,
					strerror(e));
		}
	}
	pthread_mutex_lock(&u->wmu);
	u->fd = sv[0];
	u->gen++;
	pthread_mutex_unlock(&u->wmu);
	u->pid = pid;
	strbuf_reset(&u->rbuf);
	return 0;
}

/* Write len bytes to the child of generation gen (wmu held); a dead child is no error here. */
static void stdio_write_locked(struct gw_upstream *u, unsigned gen, const char *t, size_t len)
{
	size_t off = 0;

	while (u->gen == gen && u->fd >= 0 && off < len) {
		ssize_t n = send(u->fd, t + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

/*
 * Send one message (borrowed) as a line to the child of generation gen
 * (mu not held, or held by the reader with `try` set: then nothing is sent
 * when another caller is writing).  A child that died is not an error
 * here: the reader sees the end of its output and fails what is in
 * flight.
 */
static void stdio_send_msg_try(struct gw_upstream *u, unsigned gen, const json_t *msg, int try)
{
	char *t = json_dumps(msg, JSON_COMPACT);
	size_t len = strlen(t);

	t[len] = '\n'; /* json_dumps's NUL: the line's end; len + 1 bytes go */
	if (!try) {
		pthread_mutex_lock(&u->wmu);
		stdio_write_locked(u, gen, t, len + 1);
		pthread_mutex_unlock(&u->wmu);
	} else if (!pthread_mutex_trylock(&u->wmu)) {
		stdio_write_locked(u, gen, t, len + 1);
		pthread_mutex_unlock(&u->wmu);
	}
	free(t);
}

static void stdio_send_msg(struct gw_upstream *u, unsigned gen, const json_t *msg)
{
	stdio_send_msg_try(u, gen, msg, 0);
}

/* Hand one line from the child to whom it concerns (mu held; the reader). */
static int stdio_dispatch(struct gw_upstream *u, const char *line, size_t len,
			  struct aiv_err *err)
{
	json_error_t je;
	json_t *v = json_loadb(line, len, 0, &je), *mid, *method;
	struct gw_pending *p;

	if (!v || !json_is_object(v)) {
		json_decref(v);
		return aiv_fail(err, AIV_EIO, "upstream '%s' wrote a line that is not a JSON-RPC "
				"message (%s); it was stopped", u->name,
				v ? "not an object" : je.text);
	}
	mid = json_object_get(v, "id");
	method = json_object_get(v, "method");
	if (!method) {
		for (p = u->pending; p && json_is_integer(mid); p = p->next)
			if (!p->done && p->id == json_integer_value(mid)) {
				p->resp = json_incref(v);
				p->done = 1;
				pthread_cond_broadcast(&u->cv);
				break;
			}
		/* else a stale answer (its caller gave up) */
	} else if (mid) {
		/*
		 * A request from the server (sampling, roots): not offered.  The
		 * refusal is skipped when a caller is writing: that caller may be
		 * blocked on a child that waits for us to read, and the reader
		 * must never wait for the writer.
		 */
		json_t *no = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", mid,
				       "error", "code", -32601, "message",
				       "the aivalue gateway does not offer this to upstreams");
		stdio_send_msg_try(u, u->gen, no, 1);
		json_decref(no);
	} else if (json_is_string(method) &&
		   !strcmp(json_string_value(method), "notifications/tools/list_changed")) {
		u->tools_stale = 1;
	}
	json_decref(v);
	return 0;
}

/*
 * Read what the child wrote (mu held on entry and return, released while
 * waiting; the caller set u->reading): with `wait_ms` 0 only what is
 * there, else a blocking recv that gives up after GW_READ_SLICE_MS (the
 * socket's SO_RCVTIMEO; the caller loops until its deadline), one system
 * call per wait instead of poll then recv.  Whole lines are dispatched.
 * 0, 1 when nothing came, or an error: the child is then stopped and what
 * is in flight failed.
 */
static int stdio_read_some(struct gw_upstream *u, int64_t wait_ms, struct aiv_err *err)
{
	char buf[65536];
	ssize_t n;
	int fd = u->fd, e = 0;
	char *nl;

	pthread_mutex_unlock(&u->mu);
	n = recv(fd, buf, sizeof(buf), wait_ms > 0 ? 0 : MSG_DONTWAIT);
	if (n < 0)
		e = errno;
	pthread_mutex_lock(&u->mu);
	if (n < 0 && (e == EINTR || e == EAGAIN || e == EWOULDBLOCK))
		return 1;
	if (n < 0 && e != ECONNRESET && e != EPIPE) {
		aiv_fail(err, AIV_EIO, "upstream '%s': recv: %s", u->name, strerror(e));
		goto stop;
	}
	if (n <= 0) {
		aiv_fail(err, AIV_EIO, "upstream '%s' closed its output (it crashed or exited)",
			 u->name);
		goto stop;
	}
	strbuf_add(&u->rbuf, buf, (size_t)n);
	while ((nl = memchr(u->rbuf.buf, '\n', u->rbuf.len))) {
		size_t len = (size_t)(nl - u->rbuf.buf), rest = u->rbuf.len - len - 1;
		int blank = len == 0 || (len == 1 && u->rbuf.buf[0] == '\r');
		int ret = blank ? 0 : stdio_dispatch(u, u->rbuf.buf, len, err);

		memmove(u->rbuf.buf, nl + 1, rest);
		strbuf_setlen(&u->rbuf, rest);
		if (ret)
			goto stop;
	}
	if (u->rbuf.len > GW_MAX_LINE) {
		aiv_fail(err, AIV_EIO, "upstream '%s' wrote a message over %u bytes; it was stopped",
			 u->name, GW_MAX_LINE);
		goto stop;
	}
	return 0;
stop:
	stdio_stop(u, err->code, err->msg);
	return err->code;
}

/*
 * Send a request and wait for the response with its id (mu held on entry
 * and return; released while waiting).  Other callers' requests may be in
 * flight at the same time.
 */
static int stdio_request(struct gw_upstream *u, const char *method, const json_t *params,
			 json_t **resp, struct aiv_err *err)
{
	int64_t deadline = now_ms() + u->timeout_ms;
	struct gw_pending p;
	struct gw_pending **pp;
	json_t *msg;
	unsigned gen = u->gen;
	int ret;

	memset(&p, 0, sizeof(p));
	p.id = u->next_id++;
	p.next = u->pending;
	u->pending = &p;
	msg = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id", (json_int_t)p.id,
			"method", method);
	if (params)
		json_object_set(msg, "params", (json_t *)params);
	pthread_mutex_unlock(&u->mu);
	stdio_send_msg(u, gen, msg);
	json_decref(msg);
	pthread_mutex_lock(&u->mu);
	while (!p.done) {
		int64_t left = deadline - now_ms();
		if (u->reading) {
			struct timespec ts;
			if (left <= 0)
				break;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += left / 1000;
			ts.tv_nsec += (left % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&u->cv, &u->mu, &ts);
			continue;
		}
		if (u->gen != gen || u->fd < 0)
			break; /* stopped (p failed) before we read */
		if (left <= 0) {
			char m[AIV_ERR_MSG];
			snprintf(m, sizeof(m), "upstream '%s' did not answer within %lld ms; it was "
				 "stopped", u->name, (long long)u->timeout_ms);
			stdio_stop(u, AIV_EBUSY, m);
			break;
		}
		u->reading = 1;
		while (!p.done && stdio_read_some(u, deadline - now_ms(), err) >= 0 &&
		       u->pid && now_ms() < deadline)
			;
		u->reading = 0;
		pthread_cond_broadcast(&u->cv); /* another caller reads on */
	}
	for (pp = &u->pending; *pp; pp = &(*pp)->next)
		if (*pp == &p) {
			*pp = p.next;
			break;
		}
	if (p.done && !p.ret) {
		*resp = p.resp;
		return 0;
	}
	json_decref(p.resp);
	if (p.done)
		ret = aiv_fail(err, p.ret, "%s", p.err.msg);
	else
		ret = aiv_fail(err, AIV_EBUSY, "upstream '%s' did not answer within %lld ms",
			       u->name, (long long)u->timeout_ms);
	return ret;
}

/*
 * Read the notifications the child wrote while no request was in flight
 * (a tools/list_changed), without waiting (mu held).
 */
static void stdio_drain(struct gw_upstream *u)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (u->reading || u->starting || u->pid <= 0 || u->fd < 0)
		return;
	u->reading = 1;
	while (!stdio_read_some(u, 0, &err) && u->pid)
		;
	u->reading = 0;
	pthread_cond_broadcast(&u->cv);
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

/*
 * The response with id `id` in an SSE body (new reference) or NULL; a
 * notifications/tools/list_changed among its events marks the cached
 * tools stale.
 */
static json_t *sse_find(struct gw_upstream *u, const char *body, int64_t id)
{
	const char *line = body;
	json_t *found = NULL;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > 5 && !strncmp(line, "data:", 5)) {
			json_t *v = json_loadb(line + 5, len - 5, 0, NULL);
			json_t *mid = json_object_get(v, "id");
			const char *m = json_string_value(json_object_get(v, "method"));
			if (!found && json_is_integer(mid) && json_integer_value(mid) == id && !m) {
				found = v;
				v = NULL;
			} else if (m && !mid && !strcmp(m, "notifications/tools/list_changed")) {
				pthread_mutex_lock(&u->mu);
				u->tools_stale = 1;
				pthread_mutex_unlock(&u->mu);
			}
			json_decref(v);
		}
		line = end ? end + 1 : NULL;
	}
	return found;
}

/* A handle of the pool, waiting while GW_HTTP_POOL requests are in flight (hmu held). */
static CURL *http_take(struct gw_upstream *u)
{
	CURL *c;

	while (!u->nidle && u->nopen >= GW_HTTP_POOL)
		pthread_cond_wait(&u->hcv, &u->hmu);
	if (u->nidle)
		return u->idle[--u->nidle];
	if (!(c = curl_easy_init()))
		return NULL;
	u->nopen++;
	return c;
}

/* ... and back (hmu held): its connection stays open for the next request. */
static void http_give(struct gw_upstream *u, CURL *c)
{
	u->idle[u->nidle++] = c;
	pthread_cond_broadcast(&u->hcv); /* hcv also wakes handshake waiters: wake all */
}

/*
 * POST one message (hmu held on entry and return, released during the
 * transfer, so that other requests go out on other handles meanwhile).
 */
static int http_post(struct gw_upstream *u, json_t *msg, int64_t id, json_t **resp,
		     struct aiv_err *err)
{
	struct http_answer a;
	struct curl_slist *h = NULL, *hl;
	char *text = json_dumps(msg, JSON_COMPACT);
	char *sent_session = NULL;
	char hdr[300];
	long status = 0;
	CURLcode rc;
	CURL *curl;
	int ret = 0;

	*resp = NULL;
	if (!(curl = http_take(u))) {
		free(text);
		return aiv_fail(err, AIV_EIO, "upstream '%s': cannot make an HTTP handle", u->name);
	}
	memset(&a, 0, sizeof(a));
	strbuf_init(&a.body, 0);
	curl_easy_reset(curl);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept: application/json, text/event-stream");
	h = curl_slist_append(h, "MCP-Protocol-Version: " GW_PROTOCOL);
	if (u->session) {
		sent_session = xstrdup(u->session);
		snprintf(hdr, sizeof(hdr), "Mcp-Session-Id: %s", u->session);
		h = curl_slist_append(h, hdr);
	}
	if (u->token) {
		/* the header is built on the heap and wiped: the token is in no log */
		char *auth = xstrfmt("Authorization: Bearer %s", u->token);
		h = curl_slist_append(h, auth);
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	pthread_mutex_unlock(&u->hmu);
	curl_easy_setopt(curl, CURLOPT_URL, u->target);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)u->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, curl_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, curl_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &a);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK && id >= 0 && status >= 200 && status < 300) {
		if (!strncasecmp(a.ctype, "text/event-stream", 17))
			*resp = sse_find(u, a.body.buf, id);
		else
			*resp = json_loadb(a.body.buf, a.body.len, 0, NULL);
	}
	pthread_mutex_lock(&u->hmu);
	http_give(u, curl);
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		ret = aiv_fail(err, AIV_EBUSY, "upstream '%s' did not answer within %lld ms", u->name,
			       (long long)u->timeout_ms);
	} else if (rc != CURLE_OK) {
		ret = aiv_fail(err, AIV_EIO, "upstream '%s': %s", u->name, curl_easy_strerror(rc));
	} else if (id < 0) {
		if (status >= 300)
			ret = aiv_fail(err, AIV_EIO, "upstream '%s' answered HTTP %ld to a "
				       "notification", u->name, status);
	} else if (status == 404 && sent_session) {
		/* the session ended upstream: start a new one next time (unless one started) */
		if (u->session && !strcmp(u->session, sent_session)) {
			free(u->session);
			u->session = NULL;
			u->initialized = 0;
		}
		ret = aiv_fail(err, AIV_EIO, "upstream '%s' ended the session (HTTP 404)", u->name);
	} else if (status < 200 || status >= 300) {
		ret = aiv_fail(err, AIV_EIO, "upstream '%s' answered HTTP %ld", u->name, status);
	} else if (!json_is_object(*resp)) {
		ret = aiv_fail(err, AIV_EIO, "upstream '%s' answered something that is not a "
			       "JSON-RPC response", u->name);
	}
	if (ret) {
		json_decref(*resp);
		*resp = NULL;
	}
	if (!ret && a.session[0] && !u->session)
		u->session = xstrdup(a.session);
	for (hl = h; hl; hl = hl->next)
		memset(hl->data, 0, strlen(hl->data)); /* the token's copy */
	curl_slist_free_all(h);
	strbuf_release(&a.body);
	free(sent_session);
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

static int notify(struct gw_upstream *u, const char *method, struct aiv_err *err)
{
	json_t *msg = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", method);
	json_t *resp = NULL;
	int ret = 0;

	if (u->kind == GW_UP_STDIO) {
		stdio_send_msg(u, u->gen, msg);
	} else if (u->kind == GW_UP_HTTP) {
		ret = http_post(u, msg, -1, &resp, err);
		json_decref(resp);
	}
	json_decref(msg);
	return ret;
}

static json_t *initialize_params(void)
{
	return json_pack("{s:s, s:{}, s:{s:s, s:s}}", "protocolVersion", GW_PROTOCOL,
			 "capabilities", "clientInfo", "name", "aivalue-gateway", "version",
			 AIV_VERSION);
}

/* Send initialize and notifications/initialized (hmu held, released while sending). */
static int http_handshake(struct gw_upstream *u, struct aiv_err *err)
{
	json_t *params = initialize_params(), *resp = NULL;
	int ret;

	ret = http_request(u, "initialize", params, &resp, err);
	json_decref(params);
	if (ret)
		return ret;
	if (!json_is_object(json_object_get(resp, "result"))) {
		json_decref(resp);
		return aiv_fail(err, AIV_EIO, "upstream '%s' refused initialize", u->name);
	}
	json_decref(resp);
	if ((ret = notify(u, "notifications/initialized", err)))
		return ret;
	u->initialized = 1;
	return 0;
}

/*
 * The HTTP upstream's initialize handshake, when not done (hmu held,
 * released while it is sent): one caller sends it, the others wait.
 */
static int http_ensure_initialized(struct gw_upstream *u, struct aiv_err *err)
{
	int ret;

	while (u->handshaking)
		pthread_cond_wait(&u->hcv, &u->hmu);
	if (u->initialized)
		return 0;
	u->handshaking = 1;
	ret = http_handshake(u, err);
	u->handshaking = 0;
	pthread_cond_broadcast(&u->hcv);
	return ret;
}

/*
 * The stdio child running and initialized (mu held): one caller starts
 * it and sends initialize, the others wait for it.
 */
static int stdio_ensure_started(struct gw_upstream *u, struct aiv_err *err)
{
	json_t *params, *resp = NULL;
	int ret;

	while (u->starting)
		pthread_cond_wait(&u->cv, &u->mu);
	if (u->initialized && u->pid > 0)
		return 0;
	u->starting = 1;
	ret = u->pid > 0 ? 0 : stdio_spawn(u, err);
	if (!ret) {
		params = initialize_params();
		ret = stdio_request(u, "initialize", params, &resp, err);
		json_decref(params);
	}
	if (!ret && !json_is_object(json_object_get(resp, "result"))) {
		stdio_abort(u, "upstream refused initialize");
		ret = aiv_fail(err, AIV_EIO, "upstream '%s' refused initialize", u->name);
	}
	json_decref(resp);
	if (!ret) {
		json_t *msg = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method",
					"notifications/initialized");
		stdio_send_msg(u, u->gen, msg);
		json_decref(msg);
		u->initialized = 1;
	}
	u->starting = 0;
	pthread_cond_broadcast(&u->cv);
	return ret;
}

/* Split a response into *result or *error; -1 when it is neither. */
static int unwrap(json_t *resp, json_t **result, json_t **error)
{
	json_t *r = json_object_get(resp, "result"), *e = json_object_get(resp, "error");

	if (json_is_object(r) && !e) {
		*result = json_incref(r);
	} else if (json_is_object(e) && json_is_integer(json_object_get(e, "code")) &&
		   json_is_string(json_object_get(e, "message")) && !r) {
		*error = json_incref(e);
	} else {
		return -1;
	}
	return 0;
}

int gw_upstream_call(struct gw_upstream *u, const char *method, const json_t *params,
		     json_t **result, json_t **error, struct aiv_err *err)
{
	json_t *resp = NULL;
	int ret;

	*result = *error = NULL;
	switch (u->kind) {
	case GW_UP_ECHO:
		ret = echo_request(method, params, &resp); /* no state: no lock */
		break;
	case GW_UP_STDIO:
		pthread_mutex_lock(&u->mu);
		ret = stdio_ensure_started(u, err);
		if (!ret)
			ret = stdio_request(u, method, params, &resp, err);
		pthread_mutex_unlock(&u->mu);
		break;
	default:
		pthread_mutex_lock(&u->hmu);
		ret = http_ensure_initialized(u, err);
		if (!ret)
			ret = http_request(u, method, params, &resp, err);
		pthread_mutex_unlock(&u->hmu);
		break;
	}
	if (ret)
		return ret;
	if (unwrap(resp, result, error)) {
		json_decref(resp);
		if (u->kind == GW_UP_STDIO) {
			pthread_mutex_lock(&u->mu);
			stdio_abort(u, "upstream answered a malformed JSON-RPC response");
			pthread_mutex_unlock(&u->mu);
		}
		return aiv_fail(err, AIV_EIO, "upstream '%s' answered a malformed JSON-RPC response",
				u->name);
	}
	json_decref(resp);
	return 0;
}

void gw_upstream_set_tools_ttl(struct gw_upstream *u, int64_t ttl_ms)
{
	u->tools_ttl_ms = ttl_ms > 0 ? ttl_ms : 0;
}

int gw_upstream_set_token(struct gw_upstream *u, const char *token, struct aiv_err *err)
{
	const char *c;

	if (u->kind != GW_UP_HTTP)
		return aiv_fail(err, AIV_EINPUT, "upstream '%s' is not an http(s) upstream: only "
				"those take a token", u->name);
	if (!*token || strlen(token) > 4096)
		return aiv_fail(err, AIV_EINPUT, "upstream '%s': the token is empty or over 4096 "
				"bytes", u->name);
	for (c = token; *c; c++)
		if (*c < 0x21 || *c > 0x7e)
			return aiv_fail(err, AIV_EINPUT, "upstream '%s': the token holds a character "
					"that is not visible ASCII (byte %ld)", u->name,
					(long)(c - token) + 1);
	pthread_mutex_lock(&u->hmu);
	free(u->token);
	u->token = xstrdup(token);
	pthread_mutex_unlock(&u->hmu);
	return 0;
}

/* The cached list is still good (mu held). */
static int tools_fresh(struct gw_upstream *u)
{
	if (!u->tools)
		return 0;
	if (u->kind == GW_UP_STDIO)
		stdio_drain(u);
	if (u->tools_stale)
		return 0;
	return !u->tools_ttl_ms || now_ms() - u->tools_at_ms < u->tools_ttl_ms;
}

int gw_upstream_tools(struct gw_upstream *u, json_t **tools, struct aiv_err *err)
{
	json_t *all, *result = NULL, *error = NULL, *params = NULL;
	int ret = 0, pages = 0;

	*tools = NULL;
	pthread_mutex_lock(&u->mu);
	if (tools_fresh(u)) {
		*tools = json_incref(u->tools);
		pthread_mutex_unlock(&u->mu);
		return 0;
	}
	/* a list_changed from now on is about the list fetched below, or later */
	u->tools_stale = 0;
	pthread_mutex_unlock(&u->mu);
	all = json_array();
	for (;;) {
		json_t *list, *next;
		if ((ret = gw_upstream_call(u, "tools/list", params, &result, &error, err)))
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
	if (ret) {
		json_decref(all);
		return ret;
	}
	pthread_mutex_lock(&u->mu);
	json_decref(u->tools);
	u->tools = json_incref(all);
	u->tools_at_ms = now_ms();
	pthread_mutex_unlock(&u->mu);
	*tools = all;
	return 0;
}

void gw_upstream_free(struct gw_upstream *u)
{
	if (!u)
		return;
	if (u->kind == GW_UP_STDIO) {
		pthread_mutex_lock(&u->mu);
		stdio_stop(u, AIV_EIO, "the gateway stopped");
		pthread_mutex_unlock(&u->mu);
	}
	while (u->nidle > 0)
		curl_easy_cleanup(u->idle[--u->nidle]);
	json_decref(u->tools);
	strbuf_release(&u->rbuf);
	pthread_mutex_destroy(&u->mu);
	pthread_mutex_destroy(&u->wmu);
	pthread_mutex_destroy(&u->hmu);
	pthread_cond_destroy(&u->hcv);
	pthread_cond_destroy(&u->cv);
	if (u->token) {
		memset(u->token, 0, strlen(u->token));
		free(u->token);
	}
	free(u->session);
	free(u->name);
	free(u->target);
	free(u);
}
