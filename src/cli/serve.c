/*
 * serve.c - `aivalue serve`: the HTTP API and the dashboard.
 *
 *   aivalue serve [--listen ADDR:PORT] [--threads N] [--max-body BYTES] [--quiet]
 *
 * Opens the workspace once at start so that a missing or foreign
 * database fails at once (each worker thread then opens its own handle),
 * prints "serving http://ADDR:PORT/" on stderr and runs until SIGINT or
 * SIGTERM.  One access-log line per request goes to stderr unless
 * --quiet.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "http/server.h"
#include "options.h"

static void ready(const char *url, void *data)
{
	(void)data;
	fprintf(stderr, "serving %s\n", url);
	fflush(stderr);
}

int cmd_serve(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue serve [--listen ADDR:PORT] [--threads N] [--max-body BYTES] [--quiet]",
		NULL };
	const char *listen = "127.0.0.1:8080";
	long long threads = 0, max_body = HTTP_DEFAULT_MAX_BODY;
	int quiet = 0;
	const struct option opts[] = {
		{ OPT_STRING, 'l', "listen", &listen, "ADDR:PORT",
		  "address to listen on (default 127.0.0.1:8080; [::1]:8080 for IPv6)" },
		{ OPT_INT, 0, "threads", &threads, "N",
		  "worker threads (default: the number of CPUs, at least 2)" },
		{ OPT_INT, 0, "max-body", &max_body, "BYTES",
		  "largest request body accepted (default 1048576); larger gets 413" },
		{ OPT_BOOL, 'q', "quiet", &quiet, NULL, "no access log on stderr" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct http_config cfg;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	http_config_init(&cfg);
	if (http_parse_listen(&cfg, listen, &err)) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 2;
	}
	if (threads < 0 || threads > 64) {
		fprintf(stderr, "error: --threads must be 1 to 64, not %lld\n", threads);
		return 2;
	}
	if (max_body < 1 || max_body > (1LL << 30)) {
		fprintf(stderr, "error: --max-body must be 1 byte to 1 GiB, not %lld\n", max_body);
		return 2;
	}
	/* fail fast: the workspace must exist and be an aivalue database */
	if (cli_open_store(ctx, 0))
		return 1;
	store_close(ctx->store);
	ctx->store = NULL;

	cfg.db_path = ctx->db_path;
	cfg.cat = ctx->cat;
	cfg.threads = (unsigned)threads;
	cfg.max_body = (size_t)max_body;
	cfg.access_log = quiet ? NULL : stderr;
	cfg.on_ready = ready;
	if (http_serve(&cfg, &err))
		return cli_error(&err);
	fprintf(stderr, "stopped\n");
	return 0;
}
