/*
 * stream.h - the ledger to a SIEM: every entry, as it is appended, to a
 * sink (`aivalue audit stream`, docs/ledger.md "Streaming to a SIEM").
 *
 *   ledger --walk from cursor+1--> format ------> sink ------> ack
 *           (batches, seq order)   jsonl         -   (stdout)  cursor file
 *                                  syslog        udp://H:P      = SEQ:HASH of
 *                                  otlp          tcp://H:P      the last entry
 *                                                tls://H:P      the sink took
 *                                                http(s)://H:P/PATH
 *
 * Formats (one struct ledger_row in, bytes out; the printers of a row):
 *   jsonl   the `audit export` line: seq, time, actor, action (the kind),
 *           subject (the object), payload, prev_hash, hash; a receiver can
 *           recompute every hash (tools/verify-ledger.py reads it as is)
 *   syslog  RFC 5424: <110>1 TIME HOST aivalue PID KIND [aivalue@32473
 *           seq=.. hash=.. prev_hash=.. actor=.. subject=..] BOM JSON-line;
 *           facility 13 (log audit), severity 6 (informational)
 *   otlp    OTLP/HTTP JSON logs: one resourceLogs document per batch
 *
 * Framing: over TCP and TLS, syslog uses octet counting (RFC 6587 3.4.1:
 * "LEN SP MSG"), jsonl one line per entry; over UDP one datagram per
 * entry; over HTTP one POST per batch (jsonl and syslog: one message a
 * line).
 *
 * Acknowledgement: the cursor moves after a batch was written and flushed
 * (stdout), fully written to the TCP/TLS socket, or answered 2xx (HTTP).
 * UDP has no acknowledgement: the cursor records what was sent.  A
 * streamer stopped by SIGTERM or SIGINT finishes its batch and records it,
 * so a restart neither skips nor repeats; one killed outright may repeat
 * the last batch (at least once: each message carries seq to deduplicate).
 * Reads only: the streamer never writes to the store.
 */
#ifndef AIV_LEDGER_STREAM_H
#define AIV_LEDGER_STREAM_H

#include <signal.h>

#include "ledger.h"

enum ledger_stream_format { LSF_JSONL, LSF_SYSLOG, LSF_OTLP };

struct ledger_stream_opts {
	enum ledger_stream_format format;
	const char *to;          /* "-", udp://H:P, tcp://H:P, tls://H:P, http(s)://H:P/PATH */
	const char *ca_file;     /* tls/https: trust these CAs (NULL: the system's) */
	const char *cursor_file; /* NULL: no resume; else SEQ:HASH, written atomically */
	int64_t since;           /* start after this seq when there is no cursor yet */
	int follow;              /* keep polling for new entries */
	int poll_ms;             /* follow: interval between head checks */
	int batch;               /* entries per write (and per POST) */
	volatile sig_atomic_t *stop; /* set by a signal handler: finish the batch, stop */
};

/* What a run did (for the CLI's closing line). */
struct ledger_stream_result {
	int64_t sent;      /* entries written to the sink */
	int64_t first_seq; /* first entry sent (0: none) */
	int64_t last_seq;  /* last entry acknowledged (the cursor) */
};

/* Parse "jsonl", "syslog" or "otlp"; -1 when it is none of them. */
int ledger_stream_format_parse(const char *name);

/*
 * Append one entry as an RFC 5424 message to sb, with no framing or line
 * end.  `host` and `pid` are its HOSTNAME and PROCID.
 */
void ledger_stream_syslog(struct strbuf *sb, const struct ledger_row *row, const char *host,
			  long pid);
/*
 * Stream from the cursor (or after opts->since) to opts->to until the end
 * of the ledger, or, with follow, until *opts->stop.  The cursor file
 * also records the hash of the last entry acknowledged: a resumed stream
 * whose next entry does not link to it is refused (the ledger was
 * rewritten under the cursor).  Returns 0 or a negative AIV_E* with err
 * naming the sink, cursor file or entry; res says how far it got.
 */
int ledger_stream_run(struct store *s, const struct ledger_stream_opts *opts,
		      struct ledger_stream_result *res, struct aiv_err *err);

#endif
