/*
 * stream.c - `audit stream`: the ledger to a SIEM (see stream.h).
 *
 * One loop: walk the next batch after the cursor, format it, hand it to
 * the sink, and when the sink has it, move the cursor.  The sink is a
 * connected socket (UDP, TCP), an OpenSSL session over one (TLS), a
 * POST per batch (HTTP, HTTPS) or stdout.  A sink error ends the run
 * with the cursor at the last batch the sink took: a supervisor restarts
 * the streamer and it resumes there.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "checkpoint.h"
#include "stream.h"

#define SINK_TIMEOUT_S 10    /* a collector that takes no bytes for this long is an error */
#define HTTP_HEAD_MAX 8192   /* the response's status line and headers */

int ledger_stream_format_parse(const char *name)
{
	if (!strcmp(name, "jsonl"))
		return LSF_JSONL;
	if (!strcmp(name, "syslog"))
		return LSF_SYSLOG;
	if (!strcmp(name, "otlp"))
		return LSF_OTLP;
	return -1;
}

/* ---- formats ---------------------------------------------------------- */

/* RFC 5424 PARAM-VALUE: '"', '\' and ']' are escaped with a backslash. */
static void sd_value(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == ']')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

/* A header field: PRINTUSASCII (33..126), at most max bytes, "-" when empty. */
static void header_field(struct strbuf *sb, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s && n < max; s++, n++)
		strbuf_addch(sb, *s > 32 && *s < 127 ? *s : '_');
	if (!n)
		strbuf_addch(sb, '-');
}

void ledger_stream_syslog(struct strbuf *sb, const struct ledger_row *row, const char *host,
			  long pid)
{
	/* <PRI>: facility 13 (log audit) * 8 + severity 6 (informational) */
	strbuf_addstr(sb, "<110>1 ");
	strbuf_addstr(sb, row->time); /* already RFC 3339 with "Z", 6 fraction digits */
	strbuf_addch(sb, ' ');
	header_field(sb, host, 255);
	strbuf_addstr(sb, " aivalue ");
	strbuf_addf(sb, "%ld ", pid);
	header_field(sb, row->action, 32); /* MSGID: the entry's kind */
	/* 32473 is the enterprise number RFC 5612 reserves for examples */
	strbuf_addf(sb, " [aivalue@32473 seq=\"%lld\" hash=", (long long)row->seq);
	sd_value(sb, row->hash);
	strbuf_addstr(sb, " prev_hash=");
	sd_value(sb, row->prev_hash);
	strbuf_addstr(sb, " actor=");
	sd_value(sb, row->actor);
	strbuf_addstr(sb, " subject=");
	sd_value(sb, row->subject);
	/* MSG in UTF-8 starts with the BOM (RFC 5424 6.4); then the jsonl line */
	strbuf_addstr(sb, "] \xef\xbb\xbf");
	ledger_export_line(sb, row);
	strbuf_setlen(sb, sb->len - 1); /* no '\n': framing is the sink's */
}

static void otlp_attr(struct strbuf *sb, const char *key, const char *val, int first)
{
	strbuf_addstr(sb, first ? "{\"key\":\"" : ",{\"key\":\"");
	strbuf_addstr(sb, key);
	strbuf_addstr(sb, "\",\"value\":{\"stringValue\":");
	strbuf_add_json_str(sb, val, strlen(val));
	strbuf_addstr(sb, "}}");
}

/* One logRecord (OTLP JSON: 64-bit integers are decimal strings). */
static void otlp_record(struct strbuf *sb, const struct ledger_row *row, int64_t observed_ns)
{
	int64_t us = 0;

	if (time_parse_iso(row->time, &us))
		us = 0; /* unreadable time: 0 is "unknown" in OTLP */
	strbuf_addf(sb, "{\"timeUnixNano\":\"%lld\",\"observedTimeUnixNano\":\"%lld\","
		    "\"severityNumber\":9,\"severityText\":\"INFO\",\"body\":{\"stringValue\":",
		    (long long)us * 1000, (long long)observed_ns);
	strbuf_add_json_str(sb, row->payload, row->payload_len);
	strbuf_addf(sb, "},\"attributes\":[{\"key\":\"seq\",\"value\":{\"intValue\":\"%lld\"}}",
		    (long long)row->seq);
	otlp_attr(sb, "hash", row->hash, 0);
	otlp_attr(sb, "prev_hash", row->prev_hash, 0);
	otlp_attr(sb, "actor", row->actor, 0);
	otlp_attr(sb, "kind", row->action, 0);
	otlp_attr(sb, "subject", row->subject, 0);
	otlp_attr(sb, "time", row->time, 0);
	strbuf_addstr(sb, "]}");
}

static const char otlp_head[] =
	"{\"resourceLogs\":[{\"resource\":{\"attributes\":["
	"{\"key\":\"service.name\",\"value\":{\"stringValue\":\"aivalue\"}}]},"
	"\"scopeLogs\":[{\"scope\":{\"name\":\"aivalue.ledger\"},\"logRecords\":[";
static const char otlp_tail[] = "]}]}]}";

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- sinks ------------------------------------------------------------ */

enum sink_kind { SK_STDOUT, SK_UDP, SK_TCP, SK_TLS, SK_HTTP, SK_HTTPS };

struct sink {
	enum sink_kind kind;
	const char *to;            /* as given, for messages */
	char *host, *port, *path;  /* from the URL; caller of sink_parse frees */
	const char *ca_file;
	int fd;
	SSL_CTX *ssl_ctx;
	SSL *ssl;
};

/* Split scheme://host:port[/path]; host may be [v6]. */
static int sink_parse(struct sink *k, const char *to, struct aiv_err *err)
{
	static const struct { const char *scheme; enum sink_kind kind; } schemes[] = {
		{ "udp://", SK_UDP }, { "tcp://", SK_TCP }, { "tls://", SK_TLS },
		{ "http://", SK_HTTP }, { "https://", SK_HTTPS },
	};
	const char *p = NULL, *host, *hend, *colon, *slash;
	size_t i;

	k->to = to;
	k->fd = -1;
	if (!strcmp(to, "-")) {
		k->kind = SK_STDOUT;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(schemes) && !p; i++)
		if (!strncmp(to, schemes[i].scheme, strlen(schemes[i].scheme))) {
			k->kind = schemes[i].kind;
			p = to + strlen(schemes[i].scheme);
		}
	if (!p)
		return aiv_fail(err, AIV_EINPUT, "--to '%s': not -, udp://, tcp://, tls://, "
				"http:// or https://", to);
	slash = strchr(p, '/');
	if (*p == '[') {
		host = p + 1;
		hend = strchr(host, ']');
		if (!hend || (slash && hend > slash))
			return aiv_fail(err, AIV_EINPUT, "--to '%s': unclosed '['", to);
		colon = hend[1] == ':' ? hend + 1 : NULL;
	} else {
		host = p;
		colon = strchr(p, ':');
		if (colon && slash && colon > slash)
			colon = NULL;
		hend = colon ? colon : slash ? slash : p + strlen(p);
	}
	if (hend == host || !colon || colon[1] == '\0' || colon + 1 == slash)
		return aiv_fail(err, AIV_EINPUT, "--to '%s': needs HOST:PORT", to);
	k->host = xstrndup(host, (size_t)(hend - host));
	k->port = slash ? xstrndup(colon + 1, (size_t)(slash - colon - 1)) : xstrdup(colon + 1);
	if (strspn(k->port, "0123456789") != strlen(k->port))
		return aiv_fail(err, AIV_EINPUT, "--to '%s': the port '%s' is not a number", to,
				k->port);
	if (k->kind == SK_HTTP || k->kind == SK_HTTPS)
		k->path = xstrdup(slash ? slash : "/v1/logs");
	else if (slash && slash[1])
		return aiv_fail(err, AIV_EINPUT, "--to '%s': a path goes with http:// only", to);
	return 0;
}

static int tls_fail(struct sink *k, struct aiv_err *err, const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return aiv_fail(err, AIV_EIO, "%s: %s: %s", k->to, what, e ? buf : "connection closed");
}

static void sink_close(struct sink *k)
{
	if (k->ssl) {
		SSL_shutdown(k->ssl);
		SSL_free(k->ssl);
		k->ssl = NULL;
	}
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

static int sink_connect(struct sink *k, struct aiv_err *err)
{
	struct addrinfo hints, *ai = NULL, *a;
	struct timeval tv = { SINK_TIMEOUT_S, 0 };
	int rc, e = 0;

	if (k->kind == SK_STDOUT || k->fd >= 0)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = k->kind == SK_UDP ? SOCK_DGRAM : SOCK_STREAM;
	if ((rc = getaddrinfo(k->host, k->port, &hints, &ai)))
		return aiv_fail(err, AIV_EIO, "%s: cannot resolve '%s': %s", k->to, k->host,
				gai_strerror(rc));
	for (a = ai; a; a = a->ai_next) {
		k->fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		if (k->fd < 0) {
			e = errno;
			continue;
		}
		setsockopt(k->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(k->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (!connect(k->fd, a->ai_addr, a->ai_addrlen))
			break;
		e = errno;
		close(k->fd);
		k->fd = -1;
	}
	freeaddrinfo(ai);
	if (k->fd < 0)
		return aiv_fail(err, AIV_EIO, "%s: cannot connect: %s", k->to, strerror(e));
	if (k->kind != SK_TLS && k->kind != SK_HTTPS)
		return 0;
	if (!k->ssl_ctx) {
		k->ssl_ctx = SSL_CTX_new(TLS_client_method());
		if (!k->ssl_ctx)
			return tls_fail(k, err, "cannot set up TLS");
		SSL_CTX_set_min_proto_version(k->ssl_ctx, TLS1_2_VERSION);
		SSL_CTX_set_verify(k->ssl_ctx, SSL_VERIFY_PEER, NULL);
		if (k->ca_file ? SSL_CTX_load_verify_locations(k->ssl_ctx, k->ca_file, NULL) != 1 :
		    SSL_CTX_set_default_verify_paths(k->ssl_ctx) != 1)
			return tls_fail(k, err, k->ca_file ? "cannot load the --ca file" :
					"cannot load the system's CAs");
	}
	k->ssl = SSL_new(k->ssl_ctx);
	if (!k->ssl || SSL_set_fd(k->ssl, k->fd) != 1 ||
	    SSL_set_tlsext_host_name(k->ssl, k->host) != 1 || SSL_set1_host(k->ssl, k->host) != 1)
		return tls_fail(k, err, "cannot set up TLS");
	if (SSL_connect(k->ssl) != 1) {
		long v = SSL_get_verify_result(k->ssl);
		if (v != X509_V_OK)
			return aiv_fail(err, AIV_EIO, "%s: the server's certificate is not trusted: %s",
					k->to, X509_verify_cert_error_string(v));
		return tls_fail(k, err, "TLS handshake failed");
	}
	return 0;
}

/* All of buf to the connected stream (plain or TLS). */
static int sink_write_all(struct sink *k, const char *buf, size_t len, struct aiv_err *err)
{
	while (len) {
		ssize_t n;

		if (k->ssl) {
			int w = SSL_write(k->ssl, buf, len > (1u << 30) ? 1 << 30 : (int)len);
			if (w <= 0)
				return tls_fail(k, err, "cannot send");
			n = w;
		} else {
			n = send(k->fd, buf, len, MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return aiv_fail(err, AIV_EIO, "%s: cannot send: %s", k->to,
						strerror(errno));
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* POST body; 0 when the server answered 2xx.  One connection per POST. */
static int sink_post(struct sink *k, const char *ctype, const struct strbuf *body,
		     struct aiv_err *err)
{
	struct strbuf req = STRBUF_INIT;
	char head[HTTP_HEAD_MAX + 1];
	size_t got = 0;
	int ret, status = 0;

	if ((ret = sink_connect(k, err)))
		return ret;
	strbuf_addf(&req, "POST %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: aivalue\r\n"
		    "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		    k->path, k->host, k->port, ctype, body->len);
	ret = sink_write_all(k, req.buf, req.len, err);
	strbuf_release(&req);
	if (!ret)
		ret = sink_write_all(k, body->buf, body->len, err);
	while (!ret && got < HTTP_HEAD_MAX) {
		ssize_t n = k->ssl ? SSL_read(k->ssl, head + got, (int)(HTTP_HEAD_MAX - got)) :
			recv(k->fd, head + got, HTTP_HEAD_MAX - got, 0);
		if (n < 0 && !k->ssl && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		head[got] = '\0';
		if (strstr(head, "\r\n\r\n"))
			break;
	}
	head[got] = '\0';
	sink_close(k);
	if (ret)
		return ret;
	if (sscanf(head, "HTTP/1.%*[01] %d", &status) != 1)
		return aiv_fail(err, AIV_EIO, "%s: no HTTP answer to the POST", k->to);
	if (status < 200 || status > 299)
		return aiv_fail(err, AIV_EIO, "%s: the collector answered HTTP %d", k->to, status);
	return 0;
}

static void sink_release(struct sink *k)
{
	sink_close(k);
	if (k->ssl_ctx)
		SSL_CTX_free(k->ssl_ctx);
	free(k->host);
	free(k->port);
	free(k->path);
}

/* ---- the loop --------------------------------------------------------- */

struct batch {
	const struct ledger_stream_opts *opts;
	struct sink *sink;
	struct strbuf out;   /* framed messages, or the POST body */
	size_t *msg_off;     /* UDP: message i is out[msg_off[i] .. msg_off[i+1]) */
	size_t n, alloc;
	int64_t last_seq;
	char last_hash[SHA256_HEX]; /* hash of the last entry taken into a batch */
	int have_hash;
	char host[256];
	long pid;
	int64_t observed_ns;
	struct aiv_err *err;
};

static int take_row(const struct ledger_row *row, void *data)
{
	struct batch *b = data;
	size_t start = b->out.len;

	/* the stream is a chain: each entry links to the one sent before */
	if (b->have_hash && strcmp(row->prev_hash, b->last_hash))
		return aiv_fail(b->err, AIV_ESTATE, "entry %lld does not link to entry %lld "
				"(prev_hash %.12s... but %.12s... was sent): the ledger was rewritten "
				"after the cursor; run 'aivalue audit verify'", (long long)row->seq,
				(long long)row->seq - 1, row->prev_hash, b->last_hash);
	if (b->last_seq && row->seq != b->last_seq + 1)
		return aiv_fail(b->err, AIV_ESTATE, "entry %lld is missing: the ledger jumps from "
				"%lld to %lld", (long long)b->last_seq + 1, (long long)b->last_seq,
				(long long)row->seq);
	switch (b->opts->format) {
	case LSF_JSONL:
		ledger_export_line(&b->out, row);
		break;
	case LSF_SYSLOG: {
		int tcp = b->sink->kind == SK_TCP || b->sink->kind == SK_TLS;
		struct strbuf msg = STRBUF_INIT;

		ledger_stream_syslog(&msg, row, b->host, b->pid);
		if (tcp)
			strbuf_addf(&b->out, "%zu ", msg.len); /* RFC 6587 octet counting */
		strbuf_add(&b->out, msg.buf, msg.len);
		if (!tcp && b->sink->kind != SK_UDP)
			strbuf_addch(&b->out, '\n');
		strbuf_release(&msg);
		break;
	}
	case LSF_OTLP:
		if (b->n)
			strbuf_addch(&b->out, ',');
		otlp_record(&b->out, row, b->observed_ns);
		break;
	}
	if (b->opts->format == LSF_JSONL && b->sink->kind == SK_UDP)
		strbuf_setlen(&b->out, b->out.len - 1); /* a datagram needs no line end */
	ALLOC_GROW(b->msg_off, b->n + 2, b->alloc);
	b->msg_off[b->n++] = start;
	b->msg_off[b->n] = b->out.len;
	b->last_seq = row->seq;
	snprintf(b->last_hash, sizeof(b->last_hash), "%s", row->hash);
	b->have_hash = 1;
	return 0;
}

/* Hand the batch to the sink; 0 when the sink has it all. */
static int flush_batch(struct batch *b, struct aiv_err *err)
{
	struct sink *k = b->sink;
	int ret;
	size_t i;

	if (b->opts->format == LSF_OTLP) {
		/* one resourceLogs document around the batch's records */
		struct strbuf doc = STRBUF_INIT;

		strbuf_addstr(&doc, otlp_head);
		strbuf_add(&doc, b->out.buf, b->out.len);
		strbuf_addstr(&doc, otlp_tail);
		if (k->kind == SK_STDOUT)
			strbuf_addch(&doc, '\n'); /* one document a line */
		strbuf_release(&b->out);
		b->out = doc; /* takes doc's buffer */
	}
	switch (k->kind) {
	case SK_STDOUT:
		if (fwrite(b->out.buf, 1, b->out.len, stdout) != b->out.len || fflush(stdout))
			return aiv_fail(err, AIV_EIO, "cannot write to stdout: %s", strerror(errno));
		return 0;
	case SK_UDP:
		if ((ret = sink_connect(k, err)))
			return ret;
		for (i = 0; i < b->n; i++) {
			size_t len = b->msg_off[i + 1] - b->msg_off[i];
			if (send(k->fd, b->out.buf + b->msg_off[i], len, 0) != (ssize_t)len)
				return aiv_fail(err, AIV_EIO, "%s: cannot send the datagram of a "
						"%zu-byte message: %s", k->to, len, strerror(errno));
		}
		return 0;
	case SK_TCP:
	case SK_TLS:
		if ((ret = sink_connect(k, err)) ||
		    (ret = sink_write_all(k, b->out.buf, b->out.len, err))) {
			sink_close(k);
			return ret;
		}
		return 0;
	case SK_HTTP:
	case SK_HTTPS:
		if (b->opts->format == LSF_OTLP)
			return sink_post(k, "application/json", &b->out, err);
		return sink_post(k, b->opts->format == LSF_JSONL ? "application/x-ndjson" :
				 "text/plain; charset=utf-8", &b->out, err);
	}
	return aiv_fail(err, AIV_EINTERNAL, "unknown sink");
}

static int read_cursor(const char *path, int64_t *seq, char hash[SHA256_HEX], int *found,
		       struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	*found = 0;
	if (strbuf_read_file(&sb, path, 4096) < 0) {
		int e = errno;
		strbuf_release(&sb);
		if (e == ENOENT)
			return 0;
		return aiv_fail(err, AIV_EIO, "cannot read the cursor '%s': %s", path, strerror(e));
	}
	while (sb.len && (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == '\r'))
		strbuf_setlen(&sb, sb.len - 1);
	if (ledger_parse_head(sb.buf, seq, hash) || *seq < 0)
		ret = aiv_fail(err, AIV_EINPUT, "the cursor '%s', line 1: not SEQ:HASH (64 hex "
			       "digits)", path);
	else
		*found = 1;
	strbuf_release(&sb);
	return ret;
}

/* Sleep ms, waking early when *stop is set. */
static void nap(int ms, volatile sig_atomic_t *stop)
{
	while (ms > 0 && !(stop && *stop)) {
		struct timespec ts = { 0, (ms < 50 ? ms : 50) * 1000000L };
		nanosleep(&ts, NULL);
		ms -= 50;
	}
}

int ledger_stream_run(struct store *s, const struct ledger_stream_opts *opts,
		      struct ledger_stream_result *res, struct aiv_err *err)
{
	struct sink sink;
	struct batch b;
	int64_t next = opts->since + 1, cseq = 0, head = 0;
	char chash[SHA256_HEX], head_hash[SHA256_HEX];
	int found = 0, ret;

	memset(res, 0, sizeof(*res));
	memset(&sink, 0, sizeof(sink));
	memset(&b, 0, sizeof(b));
	strbuf_init(&b.out, 0);
	b.opts = opts;
	b.sink = &sink;
	b.err = err;
	b.pid = (long)getpid();
	if (gethostname(b.host, sizeof(b.host) - 1))
		b.host[0] = '\0';
	sink.ca_file = opts->ca_file;
	if ((ret = sink_parse(&sink, opts->to, err)))
		goto cleanup;
	if (opts->format == LSF_OTLP && sink.kind != SK_HTTP && sink.kind != SK_HTTPS &&
	    sink.kind != SK_STDOUT) {
		ret = aiv_fail(err, AIV_EINPUT, "--to '%s': OTLP goes over http:// or https:// "
			       "(or - for stdout)", opts->to);
		goto cleanup;
	}
	if (opts->cursor_file &&
	    (ret = read_cursor(opts->cursor_file, &cseq, chash, &found, err)))
		goto cleanup;
	if (found) {
		next = cseq + 1;
		res->last_seq = cseq;
		if (cseq > 0) {
			/* resume: the next entry must link to the one acknowledged */
			b.last_seq = cseq;
			memcpy(b.last_hash, chash, SHA256_HEX);
			b.have_hash = 1;
		}
	}
	for (;;) {
		if (opts->stop && *opts->stop)
			break;
		if ((ret = ledger_head(s, &head, head_hash, err)))
			goto cleanup;
		if (head < next) {
			if (!opts->follow)
				break;
			nap(opts->poll_ms, opts->stop);
			continue;
		}
		/* a batch: from next, at most opts->batch entries */
		strbuf_reset(&b.out);
		b.n = 0;
		b.observed_ns = now_ns();
		ret = ledger_walk(s, next, 0, NULL, NULL, 0, opts->batch, take_row, &b, err);
		if (ret || err->code) {
			ret = ret ? ret : err->code;
			goto cleanup;
		}
		if (!b.n)
			continue;
		if ((ret = flush_batch(&b, err)))
			goto cleanup;
		if (!res->first_seq)
			res->first_seq = next;
		res->sent += (int64_t)b.n;
		next = b.last_seq + 1;
		res->last_seq = b.last_seq;
		if (opts->cursor_file) {
			char line[96];
			snprintf(line, sizeof(line), "%lld:%s\n", (long long)b.last_seq, b.last_hash);
			if ((ret = ledger_write_file(opts->cursor_file, line, 0644, err)))
				goto cleanup;
		}
	}
	ret = 0;
cleanup:
	strbuf_release(&b.out);
	free(b.msg_off);
	sink_release(&sink);
	return ret;
}
