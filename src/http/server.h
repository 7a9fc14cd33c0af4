/*
 * server.h - the HTTP server: libmicrohttpd with a pool of worker threads.
 *
 * Each worker thread opens its own store handle on first use (a store is
 * used by one thread at a time); the catalog is loaded once by the caller
 * and shared read-only.  Requests are routed by http/routes.c.
 */
#ifndef AIV_HTTP_SERVER_H
#define AIV_HTTP_SERVER_H

#include <stdio.h>
#include <sys/socket.h>

#include "aiv.h"
#include "catalog/catalog.h"

#define HTTP_DEFAULT_MAX_BODY (1u << 20) /* 1 MiB */

struct http_config {
	const char *db_path;          /* workspace each worker opens */
	const struct catalog *cat;    /* borrowed, shared read-only */
	struct sockaddr_storage addr; /* where to listen (http_parse_listen) */
	socklen_t addrlen;
	char listen_text[80];         /* "127.0.0.1:8080" or "[::1]:8080" */
	unsigned threads;             /* worker threads; 0: max(2, nproc) */
	size_t max_body;              /* bytes; larger bodies get 413 */
	unsigned max_conns;           /* simultaneous connections */
	unsigned timeout_s;           /* idle connection timeout */
	FILE *access_log;             /* one line per request; NULL: quiet */
	/* Called once the socket listens (e.g. to print the URL). */
	void (*on_ready)(const char *url, void *data);
	void *ready_data;
};

/* Defaults: 127.0.0.1:8080, 1 MiB bodies, 256 connections, 30 s timeout. */
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
/* Stop accepting, finish running requests, close every worker's store, free. */
void http_stop(struct http_server *srv);

/*
 * Start, block until SIGINT or SIGTERM, then stop gracefully.  Returns 0
 * after a clean stop, or the start error.
 */
int http_serve(const struct http_config *cfg, struct aiv_err *err);

#endif
