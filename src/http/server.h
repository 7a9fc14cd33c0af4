/*
 * server.h - the HTTP server: libmicrohttpd with a pool of worker threads.
 *
 * Each worker thread opens its own store handle on first use (a store is
 * used by one thread at a time); the catalog is loaded once by the caller
 * and shared read-only.  Requests are routed by http/routes.c.
 */
#ifndef AIV_HTTP_SERVER_H
#define AIV_HTTP_SERVER_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "aiv.h"
#include "catalog/catalog.h"

#define HTTP_DEFAULT_MAX_BODY (1u << 20) /* 1 MiB */
#define HTTP_CONNS_PER_THREAD 128        /* default connection limit per worker */
#define HTTP_MAX_URI 8192                /* longer request targets get 414 */
#define HTTP_MAX_HEAD 32768              /* larger request heads get 431 */

struct http_config {
	const char *db_path;          /* workspace each worker opens */
	const struct catalog *cat;    /* borrowed, shared read-only */
	struct sockaddr_storage addr; /* where to listen (http_parse_listen) */
	socklen_t addrlen;
	char listen_text[80];         /* "127.0.0.1:8080" or "[::1]:8080" */
	unsigned threads;             /* worker threads; 0: max(2, nproc) */
	size_t max_body;              /* bytes; larger bodies get 413 */
	unsigned max_conns;           /* simultaneous connections; 0: 128 per thread */
	unsigned reserved_conns;      /* of those, kept for agent decide calls; 0: 1/8 */
	unsigned max_conns_per_ip;    /* per client address; 0: no limit */
	unsigned timeout_s;           /* idle connection timeout (libmicrohttpd's) */
	unsigned header_timeout_s;    /* a request head must be complete within this */
	unsigned request_timeout_s;   /* a request body, and sending the answer, within this */
	unsigned drain_timeout_s;     /* at stop, wait this long for requests in flight */
	const char *tls_cert;         /* PEM files: HTTPS when both are set */
	const char *tls_key;
	/*
	 * A TLS-terminating proxy's address (an IP, "127.0.0.1" or "::1"):
	 * a request from it with "X-Forwarded-Proto: https" counts as HTTPS
	 * (Secure cookies).  The header from any other peer is ignored.
	 */
	const char *trust_proxy;
	FILE *access_log;             /* one line per request; NULL: quiet */
	/* Called once the socket listens (e.g. to print the URL). */
	void (*on_ready)(const char *url, void *data);
	void *ready_data;
};

/*
 * Defaults: 127.0.0.1:8080, 1 MiB bodies, 128 connections per worker
 * thread with 1/8 reserved for decide, 64 per client address, request
 * heads within 10 s, bodies and answers within 30 s, 30 s idle timeout,
 * 10 s drain at stop, plain HTTP.
 */
void http_config_init(struct http_config *cfg);

/*
 * Parse "ADDR:PORT" (IPv4, or "localhost") or "[IPV6]:PORT" into cfg.
 * AIV_EINPUT with a message naming the text when it is not one.
 */
int http_parse_listen(struct http_config *cfg, const char *text, struct aiv_err *err);

struct http_server;

/*
 * Start listening; *out is the running server (stop with http_stop).
 * The config is copied; cfg->cat must outlive the server.
 */
int http_start(const struct http_config *cfg, struct http_server **out,
	       struct aiv_err *err);
/* The port actually bound (useful with port 0). */
int http_server_port(const struct http_server *srv);
/*
 * Stop gracefully: stop accepting, answer every request already received
 * (with "Connection: close"), close idle keep-alive connections, wait for
 * the rest up to drain_timeout_s, then stop the threads and close every
 * worker's store; free.
 */
void http_stop(struct http_server *srv);

/*
 * Start, block until SIGINT or SIGTERM, then stop gracefully.  Returns 0
 * after a clean stop, or the start error.
 */
int http_serve(const struct http_config *cfg, struct aiv_err *err);

#endif
