/*
 * serve.c - `aivalue serve`: the HTTP API and the dashboard.
 *
 *   aivalue serve [--listen ADDR:PORT] [--threads N] [--max-body BYTES] [--quiet]
 *                 [--tls-cert FILE --tls-key FILE] [--max-conns N]
 *                 [--max-conns-per-ip N] [--reserved-conns N]
 *                 [--header-timeout S] [--request-timeout S] [--drain-timeout S]
 *                 [--trust-proxy IP] [--expire-every DURATION]
 *                 [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret-file FILE
 *                  --oidc-redirect URL --oidc-role-map FILE [--oidc-audience AUD]
 *                  [--oidc-name NAME]]
 *
 * The connection limits and deadlines, and what they protect against, are
 * described in http/server.c and docs/security.md; TLS in docs/deploy.md.
 *
 * Opens the workspace once at start so that a missing or foreign
 * database fails at once (each worker thread then opens its own handle),
 * prints "serving http://ADDR:PORT/" on stderr and runs until SIGINT or
 * SIGTERM.  One access-log line per request goes to stderr unless
 * --quiet.
 *
 * A warmer thread keeps the playbook cache (assess/playbook.h) current:
 * every few seconds it computes the playbook exactly as the overview does,
 * which costs nothing while the state and the cache entry are unchanged
 * and recomputes in the background when the ledger has moved or the entry
 * is half its time-to-live old (playbook_refresh), so readers keep the
 * older picture meanwhile and seldom pay for a cold computation (seconds
 * on a large workspace) on the request path.  --no-warm turns it off.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "assess/playbook.h"
#include "cmd.h"
#include "control/control.h"
#include "core/progress.h"
#include "core/timeutil.h"
#include "gateway/gateway.h"
#include "http/oidc.h"
#include "http/routes.h"
#include "http/server.h"
#include "ledger/bind.h"
#include "ledger/checkpoint.h"
#include "options.h"
#include "store/store.h"

#define WARM_INTERVAL_MS 5000

/*
 * The SQLite memory of the server's connections (store_set_memory): a
 * command maps up to 1 GiB of the file and caches 64 MiB per connection;
 * a server that visits every page would keep the whole file resident.
 * Measured on the large demo: docs/performance.md, "Pages: the first
 * overview on two threads, serve's memory bounded".
 */
#define SERVE_DB_MMAP_MIB 0
#define SERVE_DB_CACHE_MIB 16
#define AIV_STR_(x) #x
#define AIV_STR(x) AIV_STR_(x)

struct warmer {
	const char *db_path;
	const struct catalog *cat;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int warm;                 /* keep the playbook warm (not --no-warm) */
	int stop, started;
	pthread_t th;
	int indexed;              /* the index thread was started */
	pthread_t ith;
};

/*
 * Build the ledger's index of tokens, objects and sessions (ledger/bind.h)
 * once at start, beside the warmer: a bearer token's first check reads it,
 * and building it walks the whole ledger (0.19 s of CPU on the large
 * demo's 23,500 entries), which the first request after a restart paid
 * before its playbook.  A request that comes meanwhile waits for the
 * index under its lock, as it waited for its own walk before.
 */
static void *index_main(void *arg)
{
	struct warmer *w = arg;
	struct aiv_err err = AIV_ERR_INIT;
	struct ledger_bound_token bt;
	struct store *s = NULL;
	int found;

	/* errors are the requests' to report; this only builds ahead */
	if (!store_open(&s, w->db_path, STORE_READONLY, &err)) {
		ledger_bound_token(s, "", &bt, &found, &err);
		store_close(s);
	}
	return NULL;
}

static void *warm_main(void *arg)
{
	struct warmer *w = arg;
	struct store *s = NULL;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct aiv_err err = AIV_ERR_INIT;
		struct timespec until;

		pthread_mutex_unlock(&w->mu);
		if (s || !store_open(&s, w->db_path, STORE_READONLY, &err))
			/* errors are the pages' to report; the warmer only warms */
			playbook_refresh(s, w->cat, assess_questionnaire_path(), NULL,
					 time_now_us(), &err);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += WARM_INTERVAL_MS / 1000;
		pthread_mutex_lock(&w->mu);
		while (!w->stop &&
		       pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&w->mu);
	if (s)
		store_close(s);
	return NULL;
}

static void ready(const char *url, void *data)
{
	struct warmer *w = data;

	fprintf(stderr, "serving %s\n", url);
	fflush(stderr);
	if (!pthread_create(&w->ith, NULL, index_main, w))
		w->indexed = 1;
	if (w->warm && !pthread_create(&w->th, NULL, warm_main, w))
		w->started = 1;
}

/* --checkpoint-key/-out/-every: the publisher thread (ledger/checkpoint.h). */
static int start_publisher(const char *db, const char *keyfile, const char *out,
			   const char *every, struct ledger_publisher **p)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct strbuf key = STRBUF_INIT;
	int64_t us;

	if (!keyfile || !out) {
		fprintf(stderr, "error: --checkpoint-key and --checkpoint-out go together\n");
		return 2;
	}
	if (control_parse_duration(every, &us)) {
		fprintf(stderr, "error: --checkpoint-every: '%s' is not an ISO 8601 duration (PT10M, PT1H)\n",
			every);
		return 2;
	}
	if (strbuf_read_file(&key, keyfile, 1 << 16) < 0)
		return cli_errorf("cannot read '%s': %s", keyfile, strerror(errno));
	*p = ledger_publisher_start(db, key.buf, out, us, &err);
	strbuf_release(&key);
	return *p ? 0 : cli_error(&err);
}

int cmd_serve(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const serve_usage[] = {
		"aivalue serve [--listen ADDR:PORT] [--threads N] [--max-body BYTES] [--quiet]",
		"             [--tls-cert FILE --tls-key FILE] [--max-conns N] [--max-conns-per-ip N]",
		"             [--reserved-conns N] [--header-timeout S] [--request-timeout S]",
		"             [--drain-timeout S] [--db-mmap MIB] [--db-cache MIB]",
		"             [--checkpoint-key KEY --checkpoint-out FILE [--checkpoint-every DURATION]]",
		"             [--trust-proxy IP] [--expire-every DURATION]",
		"             [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret-file FILE",
		"              --oidc-redirect URL --oidc-role-map FILE [--oidc-audience AUD]",
		"              [--oidc-name NAME]]",
		"             [--gateway --upstream NAME=URL|'stdio:COMMAND ARGS'|builtin:echo ...",
		"              [--upstream-timeout MS] [--record-results TOOL ...]",
		"              [--resource UPSTREAM.TOOL=Type:ARG ...]",
		"              [--allowed-origin ORIGIN ...] [--escalation-wait SECONDS]",
		"              [--upstream-token NAME=@FILE|env:VAR ...] [--tools-ttl SECONDS]]",
		"             [--org-map FILE]",
		NULL };
	static const char *const gateway_usage[] = {
		"aivalue gateway [--listen ADDR:PORT] --upstream NAME=URL|'stdio:COMMAND ARGS'|builtin:echo",
		"               [--upstream ...] [--upstream-timeout MS] [--record-results TOOL ...]",
		"               [--resource UPSTREAM.TOOL=Type:ARG ...] [--allowed-origin ORIGIN ...]",
		"               [--escalation-wait SECONDS] [--upstream-token NAME=@FILE|env:VAR ...]",
		"               [--tools-ttl SECONDS] [every option of aivalue serve]",
		NULL };
	const char *const *usage = serve_usage;
	const char *listen = "127.0.0.1:8080", *tls_cert = NULL, *tls_key = NULL;
	const char *cp_key = NULL, *cp_out = NULL, *cp_every = "PT10M";
	struct ledger_publisher *publisher = NULL;
	const char *trust_proxy = NULL, *expire_every = "PT30S";
	struct control_expirer *expirer = NULL;
	int64_t expire_us = 0;
	long long threads = 0, max_body = HTTP_DEFAULT_MAX_BODY;
	long long max_conns = 0, per_ip = 64, reserved = 0;
	long long header_to = 10, request_to = 30, drain_to = 10;
	int quiet = 0, no_warm = 0;
	long long db_mmap = SERVE_DB_MMAP_MIB, db_cache = SERVE_DB_CACHE_MIB;
	struct oidc_config oidc = { 0 };
	int gateway = 0;
	struct opt_list upstreams = { 0 }, record_results = { 0 }, resource_maps = { 0 };
	struct opt_list allowed_origins = { 0 }, upstream_tokens = { 0 };
	long long tools_ttl = 0;
	long long upstream_timeout = GATEWAY_DEFAULT_TIMEOUT_MS, escalation_wait = 0;
	struct gateway_config gw;
	const char *org_map = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 'l', "listen", &listen, "ADDR:PORT",
		  "address to listen on (default 127.0.0.1:8080; [::1]:8080 for IPv6)" },
		{ OPT_INT, 0, "threads", &threads, "N",
		  "worker threads (default: the number of CPUs, at least 2)" },
		{ OPT_INT, 0, "max-body", &max_body, "BYTES",
		  "largest request body accepted (default 1048576); larger gets 413" },
		{ OPT_BOOL, 'q', "quiet", &quiet, NULL, "no access log on stderr" },
		{ OPT_BOOL, 0, "no-warm", &no_warm, NULL,
		  "do not keep the playbook cache warm in the background" },
		{ OPT_INT, 0, "db-mmap", &db_mmap, "MIB",
		  "SQLite: map at most this much of the database file into memory, up to 2047 (default "
		  AIV_STR(SERVE_DB_MMAP_MIB) "; 0: read it through the page cache only)" },
		{ OPT_INT, 0, "db-cache", &db_cache, "MIB",
		  "SQLite: the page cache of each connection, at least 1 (default "
		  AIV_STR(SERVE_DB_CACHE_MIB) ")" },
		{ OPT_STRING, 0, "tls-cert", &tls_cert, "FILE",
		  "serve HTTPS with this PEM certificate (chain) ..." },
		{ OPT_STRING, 0, "tls-key", &tls_key, "FILE", "... and this PEM private key" },
		{ OPT_INT, 0, "max-conns", &max_conns, "N",
		  "simultaneous connections (default 128 per worker thread)" },
		{ OPT_INT, 0, "max-conns-per-ip", &per_ip, "N",
		  "connections per client address (default 64; 0: no limit, e.g. behind a proxy)" },
		{ OPT_INT, 0, "reserved-conns", &reserved, "N",
		  "connections kept for agents' decide calls (default 1/8 of --max-conns)" },
		{ OPT_INT, 0, "header-timeout", &header_to, "S",
		  "seconds a client has to send a whole request head (default 10)" },
		{ OPT_INT, 0, "request-timeout", &request_to, "S",
		  "seconds for a request body, and for taking the answer (default 30)" },
		{ OPT_INT, 0, "drain-timeout", &drain_to, "S",
		  "at SIGTERM, seconds to finish requests in flight (default 10)" },
		{ OPT_STRING, 0, "checkpoint-key", &cp_key, "KEY",
		  "publish signed ledger checkpoints with this private key (audit keygen)" },
		{ OPT_STRING, 0, "checkpoint-out", &cp_out, "FILE", "where to write them" },
		{ OPT_STRING, 0, "checkpoint-every", &cp_every, "DURATION",
		  "how often, an ISO 8601 duration (default PT10M)" },
		{ OPT_STRING, 0, "trust-proxy", &trust_proxy, "IP",
		  "a TLS-terminating proxy at this address: its 'X-Forwarded-Proto: https' "
		  "makes cookies Secure" },
		{ OPT_STRING, 0, "expire-every", &expire_every, "DURATION",
		  "record overdue exception items as expired this often (default PT30S)" },
		{ OPT_STRING, 0, "oidc-issuer", &oidc.issuer, "URL",
		  "single sign-on: the OpenID provider's issuer URL (docs/deploy.md)" },
		{ OPT_STRING, 0, "oidc-client-id", &oidc.client_id, "ID", "... this server's client id" },
		{ OPT_STRING, 0, "oidc-client-secret-file", &oidc.client_secret_file, "FILE",
		  "... a file holding its client secret" },
		{ OPT_STRING, 0, "oidc-redirect", &oidc.redirect, "URL",
		  "... https://HOST/login/sso/callback, as registered with the provider" },
		{ OPT_STRING, 0, "oidc-role-map", &oidc.role_map, "FILE",
		  "... the role mapping: groups or app roles to roles (recorded in the ledger)" },
		{ OPT_STRING, 0, "oidc-audience", &oidc.audience, "AUD",
		  "... the audience of API bearer tokens (default: the client id)" },
		{ OPT_STRING, 0, "oidc-name", &oidc.name, "NAME",
		  "... the provider's name on the sign-in button (default: its host)" },
		{ OPT_BOOL, 0, "gateway", &gateway, NULL,
		  "also run the MCP gateway at /mcp (docs/gateway.md)" },
		{ OPT_LIST, 0, "upstream", &upstreams, "NAME=TARGET",
		  "an MCP server behind the gateway: http(s)://URL, 'stdio:COMMAND ARGS' or "
		  "builtin:echo (repeatable)" },
		{ OPT_INT, 0, "upstream-timeout", &upstream_timeout, "MS",
		  "milliseconds an upstream has to answer one call (default 30000)" },
		{ OPT_LIST, 0, "record-results", &record_results, "TOOL",
		  "record the results of this tool (UPSTREAM.TOOL) in the ledger, not only their "
		  "size (repeatable)" },
		{ OPT_LIST, 0, "resource", &resource_maps, "UPSTREAM.TOOL=Type:ARG",
		  "decide this tool's calls on resource Type::\"<argument ARG>\" instead of "
		  "Tool::\"UPSTREAM.TOOL\" (repeatable)" },
		{ OPT_LIST, 0, "allowed-origin", &allowed_origins, "ORIGIN",
		  "gateway: a browser Origin also accepted at /mcp (besides loopback and the "
		  "listen address)" },
		{ OPT_INT, 0, "escalation-wait", &escalation_wait, "SECONDS",
		  "gateway: an escalated call waits up to this long for approval (default 0)" },
		{ OPT_LIST, 0, "upstream-token", &upstream_tokens, "NAME=@FILE|env:VAR",
		  "gateway: send this bearer token to HTTP upstream NAME, read from a file or an "
		  "environment variable (repeatable)" },
		{ OPT_INT, 0, "tools-ttl", &tools_ttl, "SECONDS",
		  "gateway: refetch an upstream's tools/list after this long (default 0: only when "
		  "it says the list changed)" },
		{ OPT_STRING, 0, "org-map", &org_map, "FILE",
		  "the mapping POST /api/v1/org/import applies (as 'import org --map'; docs/org.md)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct http_config cfg;
	struct warmer w;
	int n, ret = 0;

	/* `aivalue gateway` is this command with --gateway (cli/gateway.c) */
	if (!strcmp(argv[0], "gateway"))
		usage = gateway_usage;
	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	/* SQLite maps at most SQLITE_MAX_MMAP_SIZE (0x7fff0000) and would cap a larger window silently */
	if (db_mmap < 0 || db_mmap > 2047) {
		fprintf(stderr, "error: --db-mmap takes MiB from 0 to 2047 (SQLite maps at most 2 GiB)\n");
		return 2;
	}
	if (db_cache < 1 || db_cache > 1 << 20) {
		fprintf(stderr, "error: --db-cache takes MiB from 1 to 1048576\n");
		return 2;
	}
	/* every connection opened from here on: the workers', the warmer's (docs/deploy.md) */
	store_set_memory((int64_t)db_mmap << 20, (int64_t)db_cache << 10);
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
	if (max_conns < 0 || max_conns > 65536 || per_ip < 0 || per_ip > 65536 ||
	    reserved < 0 || (max_conns && reserved >= max_conns)) {
		fprintf(stderr, "error: --max-conns and --max-conns-per-ip must be 0 to 65536, and "
			"--reserved-conns fewer than --max-conns\n");
		return 2;
	}
	if (header_to < 1 || header_to > 3600 || request_to < 1 || request_to > 3600 ||
	    drain_to < 0 || drain_to > 3600) {
		fprintf(stderr, "error: --header-timeout and --request-timeout must be 1 to 3600 "
			"seconds, --drain-timeout 0 to 3600\n");
		return 2;
	}
	if (!tls_cert != !tls_key) {
		fprintf(stderr, "error: --tls-cert and --tls-key go together\n");
		return 2;
	}
	if (control_parse_duration(expire_every, &expire_us) || expire_us < 1000000) {
		fprintf(stderr, "error: --expire-every: '%s' is not an ISO 8601 duration of at "
			"least 1 second (PT1S, PT1M)\n", expire_every);
		return 2;
	}
	if (!gateway && (upstreams.n || record_results.n || resource_maps.n ||
			 allowed_origins.n || escalation_wait || upstream_tokens.n || tools_ttl)) {
		fprintf(stderr, "error: --upstream, --record-results, --resource, --allowed-origin, "
			"--escalation-wait, --upstream-token and --tools-ttl need --gateway\n");
		ret = 2;
		goto gw_done;
	}
	if (upstream_timeout < 1 || upstream_timeout > 3600000) {
		fprintf(stderr, "error: --upstream-timeout must be 1 to 3600000 ms, not %lld\n",
			upstream_timeout);
		ret = 2;
		goto gw_done;
	}
	if (escalation_wait < 0 || escalation_wait > 3600) {
		fprintf(stderr, "error: --escalation-wait must be 0 to 3600 seconds, not %lld\n",
			escalation_wait);
		ret = 2;
		goto gw_done;
	}
	if (tools_ttl < 0 || tools_ttl > 86400) {
		fprintf(stderr, "error: --tools-ttl must be 0 to 86400 seconds, not %lld\n", tools_ttl);
		ret = 2;
		goto gw_done;
	}
	if (gateway) {
		memset(&gw, 0, sizeof(gw));
		if (upstreams.n > GATEWAY_MAX_UPSTREAMS) {
			fprintf(stderr, "error: at most %d --upstream\n", GATEWAY_MAX_UPSTREAMS);
			ret = 2;
			goto gw_done;
		}
		for (n = 0; n < upstreams.n; n++)
			gw.upstream_specs[n] = upstreams.v[n];
		gw.nupstreams = (size_t)upstreams.n;
		gw.record_results = record_results.v;
		gw.nrecord_results = (size_t)record_results.n;
		gw.resource_maps = resource_maps.v;
		gw.nresource_maps = (size_t)resource_maps.n;
		gw.timeout_ms = upstream_timeout;
		gw.listen = listen;
		gw.allowed_origins = allowed_origins.v;
		gw.nallowed_origins = (size_t)allowed_origins.n;
		gw.escalation_wait_ms = escalation_wait * 1000;
		gw.upstream_tokens = upstream_tokens.v;
		gw.nupstream_tokens = (size_t)upstream_tokens.n;
		gw.tools_ttl_ms = tools_ttl * 1000;
		if (gateway_setup(&gw, &err)) {
			fprintf(stderr, "error: %s\n", err.msg);
			ret = 2;
			goto gw_done;
		}
	}
	if (org_map) {
		FILE *f = fopen(org_map, "rb");
		if (!f) {
			fprintf(stderr, "error: --org-map: cannot open '%s'\n", org_map);
			ret = 2;
			goto gw_done;
		}
		fclose(f);
		http_org_set_map(org_map);
	}
	/* fail fast: the workspace must exist and be an aivalue database */
	if (cli_open_store(ctx, 0)) {
		ret = 1;
		goto gw_done;
	}
	if ((oidc.issuer || oidc.client_id || oidc.client_secret_file || oidc.redirect ||
	     oidc.role_map) && oidc_configure(&oidc, ctx->store, ctx->actor, &err)) {
		store_close(ctx->store);
		ctx->store = NULL;
		ret = cli_error(&err);
		goto gw_done;
	}
	store_close(ctx->store);
	ctx->store = NULL;

	cfg.db_path = ctx->db_path;
	cfg.cat = ctx->cat;
	cfg.threads = (unsigned)threads;
	cfg.max_body = (size_t)max_body;
	cfg.max_conns = (unsigned)max_conns;
	cfg.max_conns_per_ip = (unsigned)per_ip;
	cfg.reserved_conns = (unsigned)reserved;
	cfg.header_timeout_s = (unsigned)header_to;
	cfg.request_timeout_s = (unsigned)request_to;
	cfg.drain_timeout_s = (unsigned)drain_to;
	cfg.tls_cert = tls_cert;
	cfg.tls_key = tls_key;
	cfg.trust_proxy = trust_proxy;
	/* `--quiet` anywhere on the line is taken by main as the global option
	 * (no progress display) before serve parses its own; -q reaches here */
	cfg.access_log = quiet || progress_quiet() ? NULL : stderr;
	cfg.on_ready = ready;
	memset(&w, 0, sizeof(w));
	w.db_path = ctx->db_path;
	w.cat = ctx->cat;
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	w.warm = !no_warm;
	cfg.ready_data = &w;
	if ((cp_key || cp_out) && (ret = start_publisher(ctx->db_path, cp_key, cp_out, cp_every,
							 &publisher)))
		goto done;
	if (!(expirer = control_expirer_start(ctx->db_path, expire_us, &err))) {
		ret = cli_error(&err);
		ledger_publisher_stop(publisher);
		goto done;
	}
	/* kept reads of the ledger head, checked without a round trip (PostgreSQL) */
	store_memo_enable();
	if (http_serve(&cfg, &err))
		ret = cli_error(&err);
	control_expirer_stop(expirer);
	ledger_publisher_stop(publisher);
done:
	if (w.started) {
		pthread_mutex_lock(&w.mu);
		w.stop = 1;
		pthread_cond_signal(&w.cv);
		pthread_mutex_unlock(&w.mu);
		pthread_join(w.th, NULL);
	}
	if (w.indexed)
		pthread_join(w.ith, NULL);
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	if (!ret)
		fprintf(stderr, "stopped\n");
gw_done:
	if (gateway)
		gateway_teardown();
	opt_list_release(&upstreams);
	opt_list_release(&record_results);
	opt_list_release(&allowed_origins);
	opt_list_release(&resource_maps);
	opt_list_release(&upstream_tokens);
	return ret;
}
