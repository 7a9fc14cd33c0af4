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
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/timeutil.h"
#include "routes.h"
#include "server.h"
#include "store/store.h"

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_config cfg;
	int port;
};

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

#define MAX_STOP_HOOKS 8
static void (*stop_hooks[MAX_STOP_HOOKS])(void);
static size_t nstop_hooks;
static pthread_mutex_t hooks_lock = PTHREAD_MUTEX_INITIALIZER;

struct conn_state {
	struct http_deferred deferred;
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
	cfg->max_conns = 256;
	cfg->timeout_s = 30;
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
}

/* ---- deferred answers ---- */

struct http_deferred *http_defer(struct http_request *req, http_finish_fn finish, void *data)
{
	struct conn_state *cs = req->server_state;

	if (!cs || !req->conn || cs->deferred.active ||
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
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (!has_header(res, "Cache-Control"))
		MHD_add_response_header(r, "Cache-Control", "no-store");
	for (i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->header_names[i], res->header_values[i]);
	ret = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	cs->status = res->status;
	cs->responded = 1;
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
	route = http_route_match(req, cs->method, cs->path, &known, &allow);
	if (!route) {
		if (known) {
			http_header_add(&res, "Allow", allow.buf);
			http_error(&res, 405, "method %s not allowed on '%s' (allowed: %s)",
				   cs->method, cs->path, allow.buf);
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
			  MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "aiv_token"));
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
	if (!cs) {
		cs = xcalloc(1, sizeof(*cs));
		cs->start_us = time_now_us();
		strbuf_init(&cs->body, 0);
		snprintf(cs->method, sizeof(cs->method), "%s", method);
		cs->path = xstrdup(url);
		*con_cls = cs;
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
		http_dispatch(&cs->req, &res);
		if (cs->deferred.active) {
			http_response_release(&res);
			return MHD_YES;
		}
	}
	return answer(conn, cs, &res);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;
	int64_t us;
	int st;

	(void)cls;
	(void)conn;
	if (!cs)
		return;
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
	us = time_now_us() - cs->start_us;
	st = cs->responded ? cs->status : 0;
	if (st >= 100 && st < 600)
		__atomic_fetch_add(&stats.by_status[st / 100][st % 100], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&stats.requests, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&stats.duration_us, (uint64_t)(us > 0 ? us : 0), __ATOMIC_RELAXED);
	if (active_cfg && active_cfg->access_log)
		fprintf(active_cfg->access_log, "%s %s %d %lldus %s%s\n", cs->method, cs->path,
			st, (long long)us,
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

int http_start(const struct http_config *cfg, struct http_server **out,
	       struct aiv_err *err)
{
	struct http_server *srv;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	unsigned threads = cfg->threads;
	const union MHD_DaemonInfo *info;
	uint16_t port;
	size_t elen;

	*out = NULL;
	if (active_cfg)
		return aiv_fail(err, AIV_ESTATE, "a server is already running in this process");
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 2 ? (unsigned)n : 2;
	}
	if (threads > 64)
		threads = 64;
	srv = xcalloc(1, sizeof(*srv));
	srv->cfg = *cfg;
	srv->cfg.threads = threads;
	if (!srv->cfg.max_body)
		srv->cfg.max_body = HTTP_DEFAULT_MAX_BODY;
	if (cfg->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	active_cfg = &srv->cfg;
	memset(&stats, 0, sizeof(stats));
	stats.started_us = time_now_us();
	mhd_last_error[0] = '\0';
	signal(SIGPIPE, SIG_IGN);
	port = cfg->addr.ss_family == AF_INET6
	       ? ntohs(((const struct sockaddr_in6 *)&cfg->addr)->sin6_port)
	       : ntohs(((const struct sockaddr_in *)&cfg->addr)->sin_port);
	srv->daemon = MHD_start_daemon(flags, port, NULL, NULL, on_request, srv,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&srv->cfg.addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(cfg->max_conns ? cfg->max_conns : 256),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)(cfg->timeout_s ? cfg->timeout_s : 30),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_END);
	if (!srv->daemon) {
		elen = strlen(mhd_last_error);
		while (elen && (mhd_last_error[elen - 1] == '\n' || mhd_last_error[elen - 1] == ' '))
			mhd_last_error[--elen] = '\0';
		active_cfg = NULL;
		free(srv);
		return aiv_fail(err, AIV_EIO, "cannot listen on '%s': %s", cfg->listen_text,
				mhd_last_error[0] ? mhd_last_error : "libmicrohttpd refused to start");
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	*out = srv;
	return 0;
}

int http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void http_stop(struct http_server *srv)
{
	size_t i;
	int waited;

	if (!srv)
		return;
	MHD_quiesce_daemon(srv->daemon);
	/*
	 * No new deferrals (a handler then waits itself); the deferred requests
	 * are answered before the daemon goes (30 s at most), and the stop
	 * hooks (the decision writer) run once no handler can run any more.
	 */
	__atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
	for (waited = 0; __atomic_load_n(&deferred_open, __ATOMIC_ACQUIRE) > 0 &&
	     waited < 30000; waited++)
		usleep(1000);
	MHD_stop_daemon(srv->daemon);
	pthread_mutex_lock(&hooks_lock);
	for (i = 0; i < nstop_hooks; i++)
		stop_hooks[i]();
	nstop_hooks = 0;
	pthread_mutex_unlock(&hooks_lock);
	close_stores();
	__atomic_store_n(&stopping, 0, __ATOMIC_RELEASE);
	active_cfg = NULL;
	free(srv);
}

int http_serve(const struct http_config *cfg, struct aiv_err *err)
{
	struct http_server *srv;
	sigset_t set, old;
	int sig = 0, ret;

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

		snprintf(url, sizeof(url), "http://%.*s:%d/", hlen, host, srv->port);
		cfg->on_ready(url, cfg->ready_data);
	}
	while (sigwait(&set, &sig) != 0)
		;
	http_stop(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
