/*
 * server.c - libmicrohttpd glue: connections, bodies, stores, access log.
 *
 * libmicrohttpd calls on_request() several times per request:
 *
 *   1st call   headers only: match the route, authenticate, authorise,
 *              check Content-Length against the body limit; any refusal
 *              (404/405/401/403/413) is answered at once, before the
 *              body is read
 *   next calls body chunks: appended up to max_body; beyond it the rest
 *              is discarded and the answer will be 413
 *   last call  no more data: run the handler, queue the response
 *
 * and on_completed() once it is done, which writes the access-log line
 * and counts the status for /metrics.
 *
 * Worker threads: MHD runs a pool of internal polling threads (epoll);
 * each connection stays on one thread.  A handler whose answer waits for
 * other work (POST /api/v1/decide waits for its group commit) defers it:
 * http_defer() suspends the connection, so the thread goes on serving its
 * other connections; http_resume(), from any thread, resumes it, and MHD
 * calls on_request() once more, which runs the handler's finish callback
 * on the worker thread to fill the response.  http_stop() first stops
 * accepting and deferring (handlers then wait themselves), waits for
 * every deferred request to be answered, stops the daemon, and only then
 * runs the stop hooks (http_at_stop), when no handler can run any more.
 *
 * A thread opens its own store on first use (thread-local) and registers
 * it so that http_stop() can close all of them after the threads are
 * joined.
 *
 * One client must not starve the others.  libmicrohttpd's own timeout is
 * an idle timeout (a byte every few seconds resets it), so every
 * connection is tracked (MHD_OPTION_NOTIFY_CONNECTION) with the phase it
 * is in and a deadline, and a reaper thread shuts down the socket of one
 * that misses it:
 *
 *   phase   from                              deadline
 *   IDLE    accept, or the previous answer    head complete: header_timeout_s
 *   HEAD    request line seen                 (the IDLE deadline still runs)
 *   BODY    head complete (1st on_request)    body complete: request_timeout_s
 *   WORK    handler running or deferred       none (our own work)
 *   SEND    response queued                   sent: request_timeout_s
 *
 * Connections are capped in total (max_conns, sized to the worker pool)
 * and per client address (libmicrohttpd's per-IP limit).  The last
 * reserved_conns of the total are for agents' decide calls (routes with
 * R_PRIORITY): a connection admitted above the general share may only
 * send such a request (anything else is answered 503) and gets a 2 s
 * head deadline.  Before that, an arrival over the general share evicts
 * the connection that has been idle or in an incomplete head the longest
 * (a second at least) and takes its place, so a crowd of slow clients
 * cannot keep the general share either; only clients that are really
 * being served can push newcomers into the reserved share.
 *
 * Errors libmicrohttpd answers itself (request line or head larger than
 * the connection's memory pool, a malformed request line, header or
 * Content-Length, bad chunked encoding, an unsupported HTTP version) have
 * a fixed HTML body that no option or callback of 0.9.75 can replace.
 * The pool is therefore made larger (CONN_MEMORY) than our own limits
 * HTTP_MAX_URI and HTTP_MAX_HEAD, so that targets and heads over our
 * limits but within the pool get our JSON 414 / 431; see docs/security.md.
 *
 * Stopping drains: no new connections; every answer says
 * "Connection: close"; an idle keep-alive connection is closed only once
 * nothing is waiting in its socket and it has stayed idle (no request
 * line seen) for DRAIN_IDLE_US, so a request written before the stop is
 * read and answered; then the threads stop (after drain_timeout_s at most).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/timeutil.h"
#include "pages.h"
#include "routes.h"
#include "server.h"
#include "store/store.h"

/*
 * libmicrohttpd's per-connection memory pool (request line, headers and
 * the read buffer live in it).  Larger than HTTP_MAX_URI and
 * HTTP_MAX_HEAD so that heads over our limits still reach on_request and
 * get a JSON answer; beyond it libmicrohttpd answers 414/431 in HTML.
 */
#define CONN_MEMORY (64u * 1024)
#define REAPER_TICK_US 50000          /* the reaper looks every 50 ms */
#define RESERVED_HEAD_US 2000000      /* head deadline on a reserved connection */
#define EVICT_MIN_IDLE_US 250000      /* evict only connections idle this long */
#define DRAIN_IDLE_US 200000          /* at stop: idle this long before closing */

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_config cfg;
	int port;
	char *tls_cert_pem, *tls_key_pem;
	struct sockaddr_storage proxy; /* cfg.trust_proxy; family 0: none */
	pthread_t reaper;
	int reaper_started;
};

enum conn_phase { PH_IDLE, PH_HEAD, PH_BODY, PH_WORK, PH_SEND };

/*
 * One open connection (the socket context).  fd, opened_us and reserved
 * are set once; phase, phase_us, deadline_us and activity are written by
 * the connection's worker thread and read by the reaper (atomics); prev,
 * next, killed and the drain fields belong to conns_lock.
 */
struct conn_track {
	struct conn_track *prev, *next;
	int fd;
	int reserved;          /* admitted above the general share */
	int killed;            /* its socket was shut down by the reaper */
	int phase;             /* enum conn_phase */
	int64_t phase_us;      /* when the phase began */
	int64_t deadline_us;   /* 0: none */
	struct sockaddr_storage addr; /* the client's, for the per-address limit */
	unsigned activity;     /* request lines seen */
	unsigned drain_activity;
	int64_t drain_idle_since;
};

static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_cv = PTHREAD_COND_INITIALIZER;
static struct conn_track *conns;
static unsigned nconns, general_conns;
static unsigned nkilled;          /* shut down, not yet closed by libmicrohttpd */
static int reaper_stop;
/* Set by http_stop: answers close their connection, idle ones are closed. */
static int draining;

/* The running server's config (one server per process at a time). */
static const struct http_config *active_cfg;

static _Thread_local struct store *tl_store;
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store **stores;
static size_t nstores, stores_alloc;

static struct http_stats stats;
static pthread_mutex_t mhd_log_lock = PTHREAD_MUTEX_INITIALIZER;
static char mhd_last_error[256];

struct http_deferred {
	struct MHD_Connection *conn;
	http_finish_fn finish;
	void *data;
	int active;         /* suspended, or resumed and not yet finished */
};

/* Deferred requests not yet answered (http_stop waits for them). */
static int deferred_open;
/* Set by http_stop: handlers answer synchronously from then on. */
static int stopping;
/* A thread per connection (AIVALUE_HTTP_MODE): handlers never defer. */
static int per_connection;

#define MAX_STOP_HOOKS 8
static void (*stop_hooks[MAX_STOP_HOOKS])(void);
static size_t nstop_hooks;
static pthread_mutex_t hooks_lock = PTHREAD_MUTEX_INITIALIZER;

struct conn_state {
	struct http_deferred deferred;
	struct conn_track *ct;  /* the connection's, or NULL */
	int started;            /* on_request has run for this request */
	size_t uri_len;         /* raw request target, with the query */
	int64_t start_us;
	struct http_request req;
	struct strbuf body;
	size_t discarded;   /* bytes dropped past max_body */
	int too_big;
	int responded;
	int status;
	char method[16];
	char *path;
};

/* ---- config ---- */

void http_config_init(struct http_config *cfg)
{
	struct aiv_err err = AIV_ERR_INIT;

	memset(cfg, 0, sizeof(*cfg));
	cfg->max_body = HTTP_DEFAULT_MAX_BODY;
	cfg->max_conns_per_ip = 64;
	cfg->timeout_s = 30;
	cfg->header_timeout_s = 10;
	cfg->request_timeout_s = 30;
	cfg->drain_timeout_s = 10;
	http_parse_listen(cfg, "127.0.0.1:8080", &err);
}

static int parse_port(const char *s, int *port)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

int http_parse_listen(struct http_config *cfg, const char *text, struct aiv_err *err)
{
	char host[64];
	const char *colon;
	int port;
	size_t hlen;

	memset(&cfg->addr, 0, sizeof(cfg->addr));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&cfg->addr;

		if (!close || close[1] != ':' || (size_t)(close - text - 1) >= sizeof(host))
			goto bad;
		hlen = (size_t)(close - text - 1);
		memcpy(host, text + 1, hlen);
		host[hlen] = '\0';
		if (parse_port(close + 2, &port) || inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			goto bad;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		cfg->addrlen = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&cfg->addr;

		colon = strrchr(text, ':');
		if (!colon || (size_t)(colon - text) >= sizeof(host) || colon == text)
			goto bad;
		hlen = (size_t)(colon - text);
		memcpy(host, text, hlen);
		host[hlen] = '\0';
		if (!strcmp(host, "localhost"))
			snprintf(host, sizeof(host), "127.0.0.1");
		if (parse_port(colon + 1, &port) || inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			goto bad;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		cfg->addrlen = sizeof(*a4);
	}
	snprintf(cfg->listen_text, sizeof(cfg->listen_text), "%s", text);
	return 0;
bad:
	return aiv_fail(err, AIV_EINPUT, "bad listen address '%s' (expected ADDR:PORT, "
			"e.g. 127.0.0.1:8080 or [::1]:8080)", text);
}

/* ---- per-thread stores ---- */

static struct store *thread_store(struct aiv_err *err)
{
	if (tl_store)
		return tl_store;
	if (store_open(&tl_store, active_cfg->db_path, 0, err))
		return NULL;
	pthread_mutex_lock(&stores_lock);
	ALLOC_GROW(stores, nstores + 1, stores_alloc);
	stores[nstores++] = tl_store;
	pthread_mutex_unlock(&stores_lock);
	return tl_store;
}

static void close_stores(void)
{
	size_t i;

	pthread_mutex_lock(&stores_lock);
	for (i = 0; i < nstores; i++)
		store_close(stores[i]);
	free(stores);
	stores = NULL;
	nstores = stores_alloc = 0;
	pthread_mutex_unlock(&stores_lock);
}

/* ---- request accessors for handlers ---- */

const char *http_query(const struct http_request *req, const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_req_header(const struct http_request *req, const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

char *http_form_value(const struct http_request *req, const char *name)
{
	const char *p = req->body, *end = req->body + req->body_len;
	size_t nlen = strlen(name);

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fe = amp ? amp : end;

		if ((size_t)(fe - p) > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
			char *v = xstrndup(p + nlen + 1, (size_t)(fe - p - (ptrdiff_t)nlen - 1));
			char *c;
			for (c = v; *c; c++)
				if (*c == '+')
					*c = ' ';
			v[MHD_http_unescape(v)] = '\0';
			return v;
		}
		p = fe + 1;
	}
	return NULL;
}

void http_stats_snapshot(struct http_stats *out)
{
	size_t i, j;

	for (i = 0; i < 6; i++)
		for (j = 0; j < 100; j++)
			out->by_status[i][j] = __atomic_load_n(&stats.by_status[i][j],
								__ATOMIC_RELAXED);
	out->requests = __atomic_load_n(&stats.requests, __ATOMIC_RELAXED);
	out->duration_us = __atomic_load_n(&stats.duration_us, __ATOMIC_RELAXED);
	out->started_us = stats.started_us;
	out->conns_open = __atomic_load_n(&nconns, __ATOMIC_RELAXED);
	out->conns_timed_out = __atomic_load_n(&stats.conns_timed_out, __ATOMIC_RELAXED);
	out->conns_head_timed_out = __atomic_load_n(&stats.conns_head_timed_out, __ATOMIC_RELAXED);
	out->conns_ip_refused = __atomic_load_n(&stats.conns_ip_refused, __ATOMIC_RELAXED);
	out->conns_evicted = __atomic_load_n(&stats.conns_evicted, __ATOMIC_RELAXED);
	out->conns_reserved_refused = __atomic_load_n(&stats.conns_reserved_refused,
						      __ATOMIC_RELAXED);
	out->conns_drained = __atomic_load_n(&stats.conns_drained, __ATOMIC_RELAXED);
}

/* ---- connection tracking ---- */

/*
 * The connection bookkeeping (phases, deadlines, request durations) runs
 * on the monotonic clock: it measures intervals only, and time_now_us()
 * (wall time, which honours AIVALUE_FAKE_TIME through getenv) cost a
 * microsecond per request at eight calls.
 */
static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void set_phase(struct conn_track *ct, int phase, int64_t deadline_us)
{
	if (!ct)
		return;
	__atomic_store_n(&ct->phase, phase, __ATOMIC_RELEASE);
	__atomic_store_n(&ct->phase_us, mono_us(), __ATOMIC_RELEASE);
	__atomic_store_n(&ct->deadline_us, deadline_us, __ATOMIC_RELEASE);
}

static int64_t after_s(unsigned s)
{
	return mono_us() + (int64_t)s * 1000000;
}

/* Shut the socket down (libmicrohttpd then sees EOF and closes it).  Lock held. */
static void conn_kill(struct conn_track *ct, uint64_t *counter)
{
	shutdown(ct->fd, SHUT_RDWR);
	ct->killed = 1;
	nkilled++;
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/*
 * Close the connection idle or in an incomplete head the longest (>= 1 s).
 * 0 if one was closed, -1 if none qualifies.  Lock held.
 */
static int evict_one(int64_t now)
{
	struct conn_track *ct, *oldest = NULL;
	int64_t oldest_us = now - EVICT_MIN_IDLE_US;

	for (ct = conns; ct; ct = ct->next) {
		int ph = __atomic_load_n(&ct->phase, __ATOMIC_ACQUIRE);
		int64_t since = __atomic_load_n(&ct->phase_us, __ATOMIC_ACQUIRE);

		if (!ct->killed && (ph == PH_IDLE || ph == PH_HEAD) && since <= oldest_us) {
			oldest = ct;
			oldest_us = since;
		}
	}
	if (!oldest)
		return -1;
	conn_kill(oldest, &stats.conns_evicted);
	return 0;
}

/* Do a and b hold the same IP address (the port aside)? */
static int same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, sizeof(struct in_addr));
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
	return 0;
}

/*
 * The per-address connection limit, checked (and counted, for /metrics)
 * before libmicrohttpd takes the connection.  libmicrohttpd's own limit
 * stays set a little higher, as a backstop for arrivals racing on two
 * worker threads.
 */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct conn_track *ct;
	unsigned n = 0, limit = active_cfg ? active_cfg->max_conns_per_ip : 0;

	(void)cls;
	(void)addrlen;
	if (!limit || !addr)
		return MHD_YES;
	pthread_mutex_lock(&conns_lock);
	for (ct = conns; ct && n < limit; ct = ct->next)
		n += !ct->killed && same_ip((const struct sockaddr *)&ct->addr, addr);
	pthread_mutex_unlock(&conns_lock);
	if (n < limit)
		return MHD_YES;
	__atomic_fetch_add(&stats.conns_ip_refused, 1, __ATOMIC_RELAXED);
	return MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct conn_track *ct;

	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		int64_t now = mono_us();

		ct = xcalloc(1, sizeof(*ct));
		const union MHD_ConnectionInfo *ca =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

		ct->fd = fd ? fd->connect_fd : -1;
		if (ca && ca->client_addr)
			memcpy(&ct->addr, ca->client_addr, ca->client_addr->sa_family == AF_INET6
			       ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
		ct->phase = PH_IDLE;
		ct->phase_us = now;
		pthread_mutex_lock(&conns_lock);
		ct->next = conns;
		if (conns)
			conns->prev = ct;
		conns = ct;
		__atomic_add_fetch(&nconns, 1, __ATOMIC_RELAXED);
		/* over the general share: make room first, if a slow one can go */
		if (nconns - nkilled > general_conns)
			evict_one(now);
		ct->reserved = nconns - nkilled > general_conns;
		ct->deadline_us = ct->reserved ? now + RESERVED_HEAD_US
				  : now + (int64_t)active_cfg->header_timeout_s * 1000000;
		pthread_mutex_unlock(&conns_lock);
		*socket_context = ct;
		return;
	}
	ct = *socket_context;
	if (code != MHD_CONNECTION_NOTIFY_CLOSED || !ct)
		return;
	pthread_mutex_lock(&conns_lock);
	if (ct->prev)
		ct->prev->next = ct->next;
	else
		conns = ct->next;
	if (ct->next)
		ct->next->prev = ct->prev;
	if (ct->killed)
		nkilled--;
	__atomic_sub_fetch(&nconns, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&conns_cv);
	pthread_mutex_unlock(&conns_lock);
	free(ct);
	*socket_context = NULL;
}

/*
 * At a graceful stop, may this idle connection be closed?  Only when no
 * byte waits in its socket and no request line was seen for
 * DRAIN_IDLE_US: a request written before the stop is then either still
 * in the socket (FIONREAD) or already being parsed (activity moved).
 * Lock held.
 */
static int drain_may_close(struct conn_track *ct, int64_t now)
{
	unsigned act = __atomic_load_n(&ct->activity, __ATOMIC_ACQUIRE);
	int pending = 0;

	if (__atomic_load_n(&ct->phase, __ATOMIC_ACQUIRE) != PH_IDLE ||
	    ioctl(ct->fd, FIONREAD, &pending) || pending > 0) {
		ct->drain_idle_since = 0;
		return 0;
	}
	if (!ct->drain_idle_since || ct->drain_activity != act) {
		ct->drain_idle_since = now;
		ct->drain_activity = act;
		return 0;
	}
	return now - ct->drain_idle_since >= DRAIN_IDLE_US;
}

static void *reaper_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&conns_lock);
	while (!reaper_stop) {
		struct conn_track *ct;
		int64_t now = mono_us();
		int drain = __atomic_load_n(&draining, __ATOMIC_ACQUIRE);

		for (ct = conns; ct; ct = ct->next) {
			int64_t dl = __atomic_load_n(&ct->deadline_us, __ATOMIC_ACQUIRE);

			if (ct->killed)
				continue;
			if (dl && now > dl) {
				int ph = __atomic_load_n(&ct->phase, __ATOMIC_ACQUIRE);
				conn_kill(ct, ph == PH_IDLE || ph == PH_HEAD
					  ? &stats.conns_head_timed_out : &stats.conns_timed_out);
			}
			else if (drain && drain_may_close(ct, now))
				conn_kill(ct, &stats.conns_drained);
		}
		/* keep the reserved share free of slow clients, not only on arrival */
		while (nconns - nkilled > general_conns && !evict_one(now))
			;
		pthread_mutex_unlock(&conns_lock);
		usleep(REAPER_TICK_US);
		pthread_mutex_lock(&conns_lock);
	}
	pthread_mutex_unlock(&conns_lock);
	return NULL;
}

/* ---- deferred answers ---- */

struct http_deferred *http_defer(struct http_request *req, http_finish_fn finish, void *data)
{
	struct conn_state *cs = req->server_state;

	if (!cs || !req->conn || cs->deferred.active || per_connection ||
	    __atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
		return NULL;
	cs->deferred.conn = req->conn;
	cs->deferred.finish = finish;
	cs->deferred.data = data;
	cs->deferred.active = 1;
	__atomic_add_fetch(&deferred_open, 1, __ATOMIC_RELAXED);
	MHD_suspend_connection(req->conn);
	return &cs->deferred;
}

void http_resume(struct http_deferred *d)
{
	MHD_resume_connection(d->conn);
}

void http_at_stop(void (*fn)(void))
{
	size_t i;

	pthread_mutex_lock(&hooks_lock);
	for (i = 0; i < nstop_hooks && stop_hooks[i] != fn; i++)
		;
	if (i == nstop_hooks && nstop_hooks < MAX_STOP_HOOKS)
		stop_hooks[nstop_hooks++] = fn;
	pthread_mutex_unlock(&hooks_lock);
}

/* ---- responses ---- */

static struct conn_state *new_conn_state(struct MHD_Connection *conn, size_t uri_len);

static int has_header(const struct http_response *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->nheaders; i++)
		if (!strcasecmp(res->header_names[i], name))
			return 1;
	return 0;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct conn_state *cs,
				     struct http_response *res)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t i, len;

	if (res->static_body) {
		r = MHD_create_response_from_buffer(res->static_len, (void *)res->static_body,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		char *b = strbuf_detach(&res->body, &len);
		r = MHD_create_response_from_buffer(len, b, MHD_RESPMEM_MUST_FREE);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", res->content_type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; frame-ancestors 'none'; base-uri 'none';"
				" form-action 'self'");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	/*
	 * same-origin, not no-referrer: under no-referrer a browser sends
	 * "Origin: null" even with a same-origin form post, and sign-in needs
	 * the real Origin to refuse cross-site posts.  No other site ever
	 * sees a Referer from us either way.
	 */
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	if (!has_header(res, "Cache-Control"))
		MHD_add_response_header(r, "Cache-Control", "no-store");
	for (i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->header_names[i], res->header_values[i]);
	if (__atomic_load_n(&draining, __ATOMIC_ACQUIRE) && !has_header(res, "Connection"))
		MHD_add_response_header(r, "Connection", "close");
	ret = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	cs->status = res->status;
	cs->responded = 1;
	set_phase(cs->ct, PH_SEND, after_s(active_cfg->request_timeout_s));
	return ret;
}

/* Answer now (before or after the body) and release the response. */
static enum MHD_Result answer(struct MHD_Connection *conn, struct conn_state *cs,
			      struct http_response *res)
{
	enum MHD_Result ret = send_response(conn, cs, res);

	http_response_release(res);
	return ret;
}

/* The running server's trusted proxy (http_start sets it). */
static struct sockaddr_storage trusted_proxy;

/*
 * Did the trusted TLS-terminating proxy forward this request from an
 * HTTPS client?  Only its own peer address is believed: anyone else can
 * send the header.
 */
static int forwarded_https(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ca;
	const char *proto;

	if (!trusted_proxy.ss_family)
		return 0;
	ca = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ca || !ca->client_addr ||
	    !same_ip(ca->client_addr, (const struct sockaddr *)&trusted_proxy))
		return 0;
	proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	return proto && !strcasecmp(proto, "https");
}

/*
 * A browser asking for a page (Accept names text/html, and the path is
 * not under /api/) gets its errors as an HTML page; API clients JSON.
 */
static int wants_html(struct MHD_Connection *conn, const char *path)
{
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");

	return accept && strstr(accept, "text/html") && strncmp(path, "/api/", 5) &&
	       strcmp(path, "/api");
}

/*
 * First call: route, authenticate, authorise, check the announced body
 * size.  Returns 1 if a response was queued (refusal), 0 to go on.
 */
static int early_checks(struct MHD_Connection *conn, struct conn_state *cs,
			enum MHD_Result *ret)
{
	struct http_request *req = &cs->req;
	struct http_response res;
	struct aiv_err err = AIV_ERR_INIT;
	struct strbuf allow = STRBUF_INIT;
	const struct http_route *route;
	const char *cl;
	int known;

	http_response_init(&res);
	req->method = cs->method;
	req->path = cs->path;
	req->cat = active_cfg->cat;
	req->conn = conn;
	req->body = "";
	req->tls = active_cfg->tls_cert != NULL || forwarded_https(conn);
	if (cs->uri_len > HTTP_MAX_URI) {
		http_error(&res, 414, "request target of %zu bytes is over the limit of %d bytes",
			   cs->uri_len, HTTP_MAX_URI);
		http_header_add(&res, "Connection", "close");
		*ret = answer(conn, cs, &res);
		return 1;
	}
	{
		const union MHD_ConnectionInfo *hs =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
		if (hs && hs->header_size > HTTP_MAX_HEAD) {
			http_error(&res, 431, "request head of %zu bytes is over the limit of %d bytes",
				   hs->header_size, HTTP_MAX_HEAD);
			http_header_add(&res, "Connection", "close");
			*ret = answer(conn, cs, &res);
			return 1;
		}
	}
	route = http_route_match(req, cs->method, cs->path, &known, &allow);
	if (cs->ct && cs->ct->reserved && !(route && (route->flags & R_PRIORITY))) {
		__atomic_fetch_add(&stats.conns_reserved_refused, 1, __ATOMIC_RELAXED);
		http_error(&res, 503, "server busy: the free connections are reserved for agent "
			   "decisions; retry shortly");
		http_header_add(&res, "Connection", "close");
		strbuf_release(&allow);
		*ret = answer(conn, cs, &res);
		return 1;
	}
	if (!route) {
		if (known) {
			http_header_add(&res, "Allow", allow.buf);
			http_error(&res, 405, "method %s not allowed on '%s' (allowed: %s)",
				   cs->method, cs->path, allow.buf);
		} else if (wants_html(conn, cs->path)) {
			char msg[320];
			snprintf(msg, sizeof(msg), "There is no page at '%.256s'.", cs->path);
			http_page_message(req, &res, 404, "Page not found", msg);
		} else {
			http_error(&res, 404, "no such path '%s'", cs->path);
		}
		strbuf_release(&allow);
		*ret = answer(conn, cs, &res);
		return 1;
	}
	strbuf_release(&allow);
	req->store = thread_store(&err);
	if (!req->store) {
		http_error(&res, 503, "store unavailable: %s", err.msg);
		*ret = answer(conn, cs, &res);
		return 1;
	}
	http_authenticate(req,
			  MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
			  MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "aiv_session"));
	if (!(route->flags & R_PUBLIC) &&
	    (!req->authenticated || !(route->roles & (unsigned)req->token.role))) {
		http_dispatch(req, &res); /* answers 401 / 403 / redirect */
		*ret = answer(conn, cs, &res);
		return 1;
	}
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	if (cl) {
		char *end;
		unsigned long long v = strtoull(cl, &end, 10);
		if (*end || v > active_cfg->max_body) {
			http_error(&res, 413, "request body of %s bytes is over the limit of %zu bytes",
				   cl, active_cfg->max_body);
			*ret = answer(conn, cs, &res);
			return 1;
		}
	}
	http_response_release(&res);
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct conn_state *cs = *con_cls;
	struct http_response res;
	enum MHD_Result ret = MHD_YES;

	(void)cls;
	(void)version;
	if (!cs)
		*con_cls = cs = new_conn_state(conn, 0);
	if (!cs->started) {
		cs->started = 1;
		snprintf(cs->method, sizeof(cs->method), "%s", method);
		free(cs->path);
		cs->path = xstrdup(url);
		set_phase(cs->ct, PH_BODY, after_s(active_cfg->request_timeout_s));
		if (early_checks(conn, cs, &ret))
			return ret;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (cs->responded)
			return MHD_YES;
		if (cs->too_big || cs->body.len + n > active_cfg->max_body) {
			cs->too_big = 1;
			cs->discarded += n;
			strbuf_release(&cs->body);
			/* a client that keeps sending far past the limit is cut off */
			if (cs->discarded > 16 * active_cfg->max_body)
				return MHD_NO;
			return MHD_YES;
		}
		strbuf_add(&cs->body, upload_data, n);
		return MHD_YES;
	}
	if (cs->responded)
		return MHD_YES;
	http_response_init(&res);
	if (cs->deferred.active) {
		/* resumed: the deferred work is done, its callback answers */
		cs->deferred.finish(&cs->req, &res, cs->deferred.data);
		cs->deferred.active = 0;
		__atomic_sub_fetch(&deferred_open, 1, __ATOMIC_RELEASE);
		return answer(conn, cs, &res);
	}
	if (cs->too_big) {
		http_error(&res, 413, "request body is over the limit of %zu bytes",
			   active_cfg->max_body);
	} else {
		cs->req.body = cs->body.buf;
		cs->req.body_len = cs->body.len;
		cs->req.server_state = cs;
		set_phase(cs->ct, PH_WORK, 0);
		http_dispatch(&cs->req, &res);
		if (cs->deferred.active) {
			http_response_release(&res);
			return MHD_YES;
		}
	}
	return answer(conn, cs, &res);
}

/* The per-request state; `uri_len` is the raw target's length. */
static struct conn_state *new_conn_state(struct MHD_Connection *conn, size_t uri_len)
{
	const union MHD_ConnectionInfo *sc =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_state *cs = xcalloc(1, sizeof(*cs));

	cs->start_us = mono_us();
	cs->uri_len = uri_len;
	cs->ct = sc ? sc->socket_context : NULL;
	strbuf_init(&cs->body, 0);
	snprintf(cs->method, sizeof(cs->method), "-");
	return cs;
}

/*
 * libmicrohttpd calls this as soon as it has parsed a request line, even
 * for a request it will then refuse itself; its result becomes *con_cls,
 * so on_completed() sees (and logs and counts) those requests too.
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	size_t len = strlen(uri);
	struct conn_state *cs = new_conn_state(conn, len);

	(void)cls;
	/* for the access log, until on_request has the decoded path */
	cs->path = xstrndup(uri, len < 200 ? len : 200);
	if (cs->ct) {
		__atomic_add_fetch(&cs->ct->activity, 1, __ATOMIC_ACQ_REL);
		/* the head deadline set at IDLE keeps running */
		__atomic_store_n(&cs->ct->phase, PH_HEAD, __ATOMIC_RELEASE);
	}
	return cs;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;
	int64_t us;
	int st;

	(void)cls;
	if (!cs)
		return;
	if (!cs->responded) {
		/* refused by libmicrohttpd itself (414, 431, 400 ...): count it */
		const union MHD_ConnectionInfo *hs =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
		if (hs && hs->http_status >= 100 && hs->http_status < 600) {
			cs->status = (int)hs->http_status;
			cs->responded = 1;
		}
	}
	if (cs->ct)
		set_phase(cs->ct, PH_IDLE, cs->ct->reserved
			  ? mono_us() + RESERVED_HEAD_US
			  : after_s(active_cfg->header_timeout_s));
	if (cs->deferred.active) {
		/*
		 * Closed after it was resumed but before it was answered (the
		 * client went away): let the handler free its work unanswered.
		 */
		struct http_response res;
		http_response_init(&res);
		cs->deferred.finish(&cs->req, &res, cs->deferred.data);
		http_response_release(&res);
		cs->deferred.active = 0;
		__atomic_sub_fetch(&deferred_open, 1, __ATOMIC_RELEASE);
	}
	us = mono_us() - cs->start_us;
	st = cs->responded ? cs->status : 0;
	if (st >= 100 && st < 600)
		__atomic_fetch_add(&stats.by_status[st / 100][st % 100], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&stats.requests, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&stats.duration_us, (uint64_t)(us > 0 ? us : 0), __ATOMIC_RELAXED);
	if (active_cfg && active_cfg->access_log)
		fprintf(active_cfg->access_log, "%s %s %d %lldus %s%s\n", cs->method,
			cs->path ? cs->path : "-", st, (long long)us,
			cs->req.authenticated ? cs->req.token.name : "-",
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	http_request_release(&cs->req);
	strbuf_release(&cs->body);
	free(cs->path);
	free(cs);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	pthread_mutex_lock(&mhd_log_lock);
	vsnprintf(mhd_last_error, sizeof(mhd_last_error), fmt, ap);
	pthread_mutex_unlock(&mhd_log_lock);
}

/* ---- lifecycle ---- */

/* Read PEM file `path` into *out (caller frees); AIV_EINPUT naming it if unreadable. */
static int read_pem(const char *path, const char *what, char **out, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_read_file(&sb, path, 1u << 20) < 0) {
		strbuf_release(&sb);
		return aiv_fail(err, AIV_EINPUT, "cannot read TLS %s '%s'", what, path);
	}
	if (!strstr(sb.buf, "-----BEGIN ")) {
		strbuf_release(&sb);
		return aiv_fail(err, AIV_EINPUT, "TLS %s '%s' is not a PEM file", what, path);
	}
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

#define OPT(o, v, p) do { opts[nopts].option = (o); opts[nopts].value = (intptr_t)(v); \
	opts[nopts].ptr_value = (p); nopts++; } while (0)

int http_start(const struct http_config *cfg, struct http_server **out,
	       struct aiv_err *err)
{
	struct http_server *srv;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	const char *mode = getenv("AIVALUE_HTTP_MODE");
	unsigned threads = cfg->threads, max_conns, reserved;
	const union MHD_DaemonInfo *info;
	struct MHD_OptionItem opts[20];
	size_t nopts = 0;
	uint16_t port;
	size_t elen;

	*out = NULL;
	if (active_cfg)
		return aiv_fail(err, AIV_ESTATE, "a server is already running in this process");
	if (!cfg->tls_cert != !cfg->tls_key)
		return aiv_fail(err, AIV_EINPUT, "HTTPS needs both a certificate and a key");
	if (cfg->tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return aiv_fail(err, AIV_ESTATE, "this libmicrohttpd was built without TLS");
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 2 ? (unsigned)n : 2;
	}
	if (threads > 64)
		threads = 64;
	max_conns = cfg->max_conns ? cfg->max_conns : threads * HTTP_CONNS_PER_THREAD;
	reserved = cfg->reserved_conns ? cfg->reserved_conns : max_conns / 8;
	if (reserved >= max_conns)
		return aiv_fail(err, AIV_EINPUT, "the reserved connections (%u) must be fewer "
				"than all connections (%u)", reserved, max_conns);
	/*
	 * Connection handling (docs/performance.md, "HTTP decide", compares
	 * them): a pool of `threads` internal threads polling with epoll, the
	 * default; AIVALUE_HTTP_MODE picks another for benchmarking: poll or
	 * select in the pool, epoll with MHD_USE_TURBO, or a thread per
	 * connection (no suspend there: a decide handler waits for its commit
	 * on its own thread).
	 */
	per_connection = 0;
	if (!mode || !*mode || !strcmp(mode, "epoll"))
		flags |= MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
	else if (!strcmp(mode, "epoll-turbo"))
		flags |= MHD_USE_EPOLL | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME;
	else if (!strcmp(mode, "poll"))
		flags |= MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME;
	else if (!strcmp(mode, "select"))
		flags |= MHD_ALLOW_SUSPEND_RESUME;
	else if (!strcmp(mode, "per-connection"))
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL, per_connection = 1;
	else
		return aiv_fail(err, AIV_EINPUT, "AIVALUE_HTTP_MODE '%s' is not one of epoll, "
				"epoll-turbo, poll, select, per-connection", mode);
	srv = xcalloc(1, sizeof(*srv));
	if (cfg->trust_proxy) {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&srv->proxy;
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&srv->proxy;
		if (inet_pton(AF_INET, cfg->trust_proxy, &a4->sin_addr) == 1) {
			a4->sin_family = AF_INET;
		} else if (inet_pton(AF_INET6, cfg->trust_proxy, &a6->sin6_addr) == 1) {
			a6->sin6_family = AF_INET6;
		} else {
			free(srv);
			return aiv_fail(err, AIV_EINPUT, "the trusted proxy must be an IP address "
					"(127.0.0.1, ::1), not '%s'", cfg->trust_proxy);
		}
	}
	if (cfg->tls_cert && (read_pem(cfg->tls_cert, "certificate", &srv->tls_cert_pem, err) ||
			      read_pem(cfg->tls_key, "key", &srv->tls_key_pem, err))) {
		free(srv->tls_cert_pem);
		free(srv);
		return err->code;
	}
	srv->cfg = *cfg;
	srv->cfg.threads = threads;
	srv->cfg.max_conns = max_conns;
	srv->cfg.reserved_conns = reserved;
	if (!srv->cfg.max_body)
		srv->cfg.max_body = HTTP_DEFAULT_MAX_BODY;
	if (!srv->cfg.header_timeout_s)
		srv->cfg.header_timeout_s = 10;
	if (!srv->cfg.request_timeout_s)
		srv->cfg.request_timeout_s = 30;
	if (cfg->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cfg->tls_cert)
		flags |= MHD_USE_TLS;
	active_cfg = &srv->cfg;
	trusted_proxy = srv->proxy;
	general_conns = max_conns - reserved;
	memset(&stats, 0, sizeof(stats));
	stats.started_us = time_now_us();
	mhd_last_error[0] = '\0';
	signal(SIGPIPE, SIG_IGN);
	port = cfg->addr.ss_family == AF_INET6
	       ? ntohs(((const struct sockaddr_in6 *)&cfg->addr)->sin6_port)
	       : ntohs(((const struct sockaddr_in *)&cfg->addr)->sin_port);
	OPT(MHD_OPTION_SOCK_ADDR, 0, &srv->cfg.addr);
	if (!per_connection)
		OPT(MHD_OPTION_THREAD_POOL_SIZE, threads, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, max_conns, NULL);
	if (cfg->max_conns_per_ip)
		OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_conns_per_ip + threads, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : 30, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL);
	OPT(MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL);
	OPT(MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL);
	if (cfg->tls_cert) {
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert_pem);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key_pem);
	}
	OPT(MHD_OPTION_END, 0, NULL);
	srv->daemon = MHD_start_daemon(flags, port, on_accept, NULL, on_request, srv,
				       MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!srv->daemon) {
		elen = strlen(mhd_last_error);
		while (elen && (mhd_last_error[elen - 1] == '\n' || mhd_last_error[elen - 1] == ' '))
			mhd_last_error[--elen] = '\0';
		active_cfg = NULL;
		free(srv->tls_cert_pem);
		free(srv->tls_key_pem);
		free(srv);
		return aiv_fail(err, AIV_EIO, "cannot listen on '%s': %s", cfg->listen_text,
				mhd_last_error[0] ? mhd_last_error : "libmicrohttpd refused to start");
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	reaper_stop = 0;
	if (!pthread_create(&srv->reaper, NULL, reaper_main, NULL))
		srv->reaper_started = 1;
	*out = srv;
	return 0;
}

int http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void http_stop(struct http_server *srv)
{
	struct timespec until;
	MHD_socket lsock;
	size_t i;
	int waited;

	if (!srv)
		return;
	lsock = MHD_quiesce_daemon(srv->daemon);
	/*
	 * No new connections and no new deferrals (a handler then waits
	 * itself).  The reaper closes idle connections once nothing is
	 * waiting in them; answers close theirs; the rest get drain_timeout_s.
	 * The stop hooks (the decision writer) run once no handler can run
	 * any more.
	 */
	__atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&draining, 1, __ATOMIC_RELEASE);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += srv->cfg.drain_timeout_s ? srv->cfg.drain_timeout_s : 10;
	pthread_mutex_lock(&conns_lock);
	while (nconns > 0 && srv->reaper_started &&
	       pthread_cond_timedwait(&conns_cv, &conns_lock, &until) == 0)
		;
	pthread_mutex_unlock(&conns_lock);
	for (waited = 0; __atomic_load_n(&deferred_open, __ATOMIC_ACQUIRE) > 0 &&
	     waited < 30000; waited++)
		usleep(1000);
	MHD_stop_daemon(srv->daemon);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	if (srv->reaper_started) {
		pthread_mutex_lock(&conns_lock);
		reaper_stop = 1;
		pthread_mutex_unlock(&conns_lock);
		pthread_join(srv->reaper, NULL);
	}
	pthread_mutex_lock(&hooks_lock);
	for (i = 0; i < nstop_hooks; i++)
		stop_hooks[i]();
	nstop_hooks = 0;
	pthread_mutex_unlock(&hooks_lock);
	close_stores();
	__atomic_store_n(&stopping, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&draining, 0, __ATOMIC_RELEASE);
	active_cfg = NULL;
	memset(&trusted_proxy, 0, sizeof(trusted_proxy));
	free(srv->tls_cert_pem);
	free(srv->tls_key_pem);
	free(srv);
}

int http_serve(const struct http_config *cfg, struct aiv_err *err)
{
	struct http_server *srv;
	sigset_t set, old;
	int sig = 0, ret;

	/*
	 * A server keeps its heap.  By default glibc hands a thread arena's
	 * free top back to the system once it passes 128 KiB (madvise, then
	 * mprotect to grow it again) and serves every allocation over 128 KiB
	 * (the writer's arrays for a large group commit) with mmap and munmap,
	 * whose TLB shootdowns stop both cores: under load that was a system
	 * call every few decisions (docs/performance.md, "HTTP decide").
	 */
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	/* block the stop signals before the worker threads exist, so that
	 * they inherit the mask and only sigwait() below sees them */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = http_start(cfg, &srv, err);
	if (ret) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return ret;
	}
	if (cfg->on_ready) {
		char url[128];
		const char *host = cfg->listen_text;
		const char *colon = strrchr(host, ':');
		int hlen = colon ? (int)(colon - host) : (int)strlen(host);

		snprintf(url, sizeof(url), "%s://%.*s:%d/", cfg->tls_cert ? "https" : "http",
			 hlen, host, srv->port);
		cfg->on_ready(url, cfg->ready_data);
	}
	while (sigwait(&set, &sig) != 0)
		;
	http_stop(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
