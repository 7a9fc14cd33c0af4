/*
 * audit.c - `aivalue audit verify|log|export|checkpoint`.
 *
 *   verify [--expect-head SEQ:HASH | --checkpoint FILE --key PUB] [--no-state]
 *                                     recompute the chain, compare the tables
 *                                     with it; exit 1 if either differs
 *   log [--limit N] [--subject S] [--action PREFIX]
 *   show [--limit N] [--subject S] [--action PREFIX]
 *                                     who did what, in words: time, actor,
 *                                     the entry's kind as a phrase, the
 *                                     object by its name (a table, table.h)
 *   export [-o FILE] [--from SEQ]     JSONL that tools/verify-ledger.py checks
 *   checkpoint [--sign KEY [--out FILE]]
 *                                     the head as SEQ:HASH, or as a signed
 *                                     C2SP checkpoint note, to keep elsewhere
 *   keygen --name NAME --out KEY      an Ed25519 key pair: KEY and KEY.pub
 *   stream --format jsonl|syslog|otlp [--to SINK] [--since SEQ] [--follow]
 *          [--cursor FILE]            every entry to a SIEM (ledger/stream.h)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "core/progress.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/state.h"
#include "names.h"
#include "ledger/stream.h"
#include "options.h"
#include "table.h"

struct log_state {
	int json;
	json_t *arr;
	FILE *out;
	int64_t count;
	struct strbuf sb;
	struct aiv_err *err; /* log --json: an unreadable payload stops the walk */
	struct table *table; /* show: rows collected here, printed at the end */
	struct store *store; /* show: to name the objects */
};

static int log_row(const struct ledger_row *r, void *data)
{
	struct log_state *ls = data;

	if (ls->json) {
		json_t *o = ledger_row_json(r, 0, ls->err);
		if (!o)
			return ls->err->code;
		json_array_append_new(ls->arr, o);
	} else {
		printf("%6lld  %.19s  %-22s %-16s %s\n", (long long)r->seq, r->time,
		       r->action, r->actor, r->subject);
	}
	ls->count++;
	return 0;
}

/*
 * show: one row in words (the newest first, as log).  NEEDSWORK: each
 * row looks its object up (names.h); `show --all` over a ledger of many
 * thousand entries would want the titles read once into a map.
 */
static int show_row(const struct ledger_row *r, void *data)
{
	struct log_state *ls = data;
	struct strbuf sb = STRBUF_INIT;

	table_addf(ls->table, "%.10s %.8s", r->time, r->time + (strlen(r->time) > 11 ? 11 : 0));
	table_add(ls->table, r->actor);
	cli_action_words(&sb, r->action);
	table_add(ls->table, sb.buf);
	strbuf_reset(&sb);
	if (r->subject && *r->subject)
		cli_subject_words(&sb, ls->store, r->subject);
	table_add(ls->table, sb.len ? sb.buf : NULL);
	strbuf_release(&sb);
	ls->count++;
	return 0;
}

static int export_row(const struct ledger_row *r, void *data)
{
	struct log_state *ls = data;

	strbuf_reset(&ls->sb);
	ledger_export_line(&ls->sb, r);
	if (fwrite(ls->sb.buf, 1, ls->sb.len, ls->out) != ls->sb.len)
		return -1;
	ls->count++;
	return 0;
}



/* The whole of a small text file into sb; a message on failure. */
static int read_small(const char *path, struct strbuf *sb, struct aiv_err *err)
{
	if (strbuf_read_file(sb, path, 1 << 20) < 0)
		return aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
	return 0;
}

static int read_checkpoint(const char *file, const char *pubfile, struct ledger_checkpoint *cp,
			   struct aiv_err *err)
{
	struct strbuf note = STRBUF_INIT, pub = STRBUF_INIT;
	int ret;

	if (!(ret = read_small(file, &note, err)) && !(ret = read_small(pubfile, &pub, err)))
		ret = ledger_checkpoint_open(note.buf, note.len, pub.buf, file, cp, err);
	strbuf_release(&note);
	strbuf_release(&pub);
	return ret;
}

static int write_file(const char *path, const char *text, int mode)
{
	struct aiv_err err = AIV_ERR_INIT;

	return ledger_write_file(path, text, mode, &err) ? cli_error(&err) : 0;
}

static int keygen(const char *name, const char *out)
{
	struct aiv_err err = AIV_ERR_INIT;
	char *skey, *vkey, *text, *pubpath;
	int ret;

	if (!name || !out || !strcmp(out, "-")) {
		fprintf(stderr, "error: keygen needs --name NAME and --out KEY (a file)\n");
		return 2;
	}
	if (!access(out, F_OK))
		return cli_errorf("'%s' exists: keygen never overwrites a key", out);
	if (ledger_key_generate(name, &skey, &vkey, &err))
		return cli_error(&err);
	pubpath = xstrfmt("%s.pub", out);
	text = xstrfmt("%s\n", skey);
	ret = write_file(out, text, 0600);
	free(text);
	text = xstrfmt("%s\n", vkey);
	if (!ret && !(ret = write_file(pubpath, text, 0644)))
		fprintf(stderr, "wrote private key '%s' (keep it secret) and public key '%s':\n"
			"%s\n", out, pubpath, vkey);
	free(text);
	free(pubpath);
	free(skey);
	free(vkey);
	return ret;
}

static int write_signed(const char *keyfile, int64_t seq, const char *hash, const char *out)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct strbuf key = STRBUF_INIT;
	char *note = NULL;
	int ret;

	if (read_small(keyfile, &key, &err) ||
	    ledger_checkpoint_sign(key.buf, seq, hash, &note, &err)) {
		strbuf_release(&key);
		return cli_error(&err);
	}
	strbuf_release(&key);
	if (!out || !strcmp(out, "-")) {
		fputs(note, stdout);
		ret = 0;
	} else {
		ret = write_file(out, note, 0644);
	}
	free(note);
	return ret;
}

static volatile sig_atomic_t stream_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	stream_stop = 1;
}

/* `audit stream`: argv[0] is "stream". */
static int audit_stream(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue audit stream --format jsonl|syslog|otlp [--to -|udp://H:P|tcp://H:P|"
		"tls://H:P|http://H:P/v1/logs] [--since SEQ] [--follow] [--cursor FILE]", NULL };
	const char *format = NULL, *to = "-", *cursor = NULL, *ca = NULL;
	long long since = 0, poll_ms = 500, batch = 256;
	int follow = 0, n, f, ret;
	const struct option opts[] = {
		{ OPT_STRING, 0, "format", &format, "FMT", "jsonl, syslog (RFC 5424) or otlp (OTLP/HTTP JSON)" },
		{ OPT_STRING, 0, "to", &to, "SINK", "-, udp://H:P, tcp://H:P, tls://H:P, "
		  "http(s)://H:P/PATH (default -: stdout)" },
		{ OPT_STRING, 0, "ca", &ca, "FILE", "tls, https: trust the CAs in FILE (default: the system's)" },
		{ OPT_INT, 0, "since", &since, "SEQ", "start after entry SEQ when there is no cursor yet "
		  "(default 0: from the first)" },
		{ OPT_BOOL, 'f', "follow", &follow, NULL, "keep streaming entries as they are appended" },
		{ OPT_STRING, 0, "cursor", &cursor, "FILE", "resume after, and record, the last entry "
		  "the sink took (SEQ:HASH)" },
		{ OPT_INT, 0, "poll-ms", &poll_ms, "MS", "follow: check for new entries every MS "
		  "milliseconds (default 500, 10 to 60000)" },
		{ OPT_INT, 0, "batch", &batch, "N", "entries per write or POST (default 256, 1 to 10000)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct ledger_stream_opts so;
	struct ledger_stream_result res;
	struct aiv_err err = AIV_ERR_INIT;
	struct sigaction sa;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0 || !format) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if ((f = ledger_stream_format_parse(format)) < 0) {
		fprintf(stderr, "error: --format '%s': not jsonl, syslog or otlp\n", format);
		return 2;
	}
	if (since < 0 || poll_ms < 10 || poll_ms > 60000 || batch < 1 || batch > 10000) {
		fprintf(stderr, "error: --since is 0 or more, --poll-ms 10 to 60000, --batch 1 "
			"to 10000\n");
		return 2;
	}
	memset(&so, 0, sizeof(so));
	so.format = (enum ledger_stream_format)f;
	so.to = to;
	so.ca_file = ca;
	so.cursor_file = cursor;
	so.since = since;
	so.follow = follow;
	so.poll_ms = (int)poll_ms;
	so.batch = (int)batch;
	so.stop = &stream_stop;
	/* a stop signal ends the run after the batch in hand is acknowledged */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = ledger_stream_run(ctx->store, &so, &res, &err);
	if (res.sent)
		fprintf(stderr, "streamed %lld entr%s (%lld to %lld)\n", (long long)res.sent,
			res.sent == 1 ? "y" : "ies", (long long)res.first_seq,
			(long long)res.last_seq);
	return ret ? cli_error(&err) : 0;
}

int cmd_audit(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue audit verify [--expect-head SEQ:HASH | --checkpoint FILE --key PUB] [--no-state] [--json]",
		"aivalue audit log [--limit N] [--subject S] [--action PREFIX] [--json]",
		"aivalue audit show [--limit N] [--subject S] [--action PREFIX]",
		"aivalue audit export [-o FILE] [--from SEQ]",
		"aivalue audit checkpoint [--sign KEY [--out FILE|-]] [--json]",
		"aivalue audit keygen --name NAME --out KEY",
		"aivalue audit stream --format jsonl|syslog|otlp [--to SINK] [--follow] [--cursor FILE]",
		NULL };
	const char *expect = NULL, *subject = NULL, *action = NULL, *outfile = NULL;
	const char *cpfile = NULL, *pubfile = NULL, *signkey = NULL, *cpout = NULL, *keyname = NULL;
	long long limit = 50, from = 1;
	int all = 0, no_state = 0, state_only = 0;
	const struct option opts[] = {
		{ OPT_STRING, 0, "checkpoint", &cpfile, "FILE",
		  "verify: the ledger must extend this signed checkpoint (needs --key)" },
		{ OPT_STRING, 0, "key", &pubfile, "PUB", "verify: the public key file of --checkpoint" },
		{ OPT_STRING, 0, "sign", &signkey, "KEY", "checkpoint: sign with this private key file" },
		{ OPT_STRING, 0, "out", &cpout, "FILE",
		  "checkpoint: write the note to FILE (default -: stdout); keygen: private key file" },
		{ OPT_STRING, 0, "name", &keyname, "NAME",
		  "keygen: the key's name, also the checkpoint's origin (e.g. example.com/ledger)" },
		{ OPT_BOOL, 0, "no-state", &no_state, NULL,
		  "verify: check the chain only, not the tables against it" },
		{ OPT_BOOL, 0, "state", &state_only, NULL,
		  "verify: also compare the tables with the ledger (the default)" },
		{ OPT_STRING, 0, "expect-head", &expect, "SEQ:HASH",
		  "verify: require this entry (from an earlier checkpoint)" },
		{ OPT_INT, 'n', "limit", &limit, "N", "log, show: newest N entries (default 50)" },
		{ OPT_BOOL, 0, "all", &all, NULL, "log, show: every entry, oldest first" },
		{ OPT_STRING, 0, "subject", &subject, "S",
		  "log, show: only entries about S (e.g. Person/ana)" },
		{ OPT_STRING, 0, "action", &action, "PREFIX",
		  "log, show: only actions starting with PREFIX" },
		{ OPT_STRING, 'o', "output", &outfile, "FILE", "export: write to FILE (default stdout)" },
		{ OPT_INT, 0, "from", &from, "SEQ", "export: start at entry SEQ (default 1)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct log_state ls;
	int n;

	if (argc > 1 && !strcmp(argv[1], "stream"))
		return audit_stream(argc - 1, argv + 1, ctx);
	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	memset(&ls, 0, sizeof(ls));
	strbuf_init(&ls.sb, 0);
	ls.json = ctx->json;

	if (!strcmp(argv[1], "verify")) {
		struct ledger_verify_result r;
		int64_t eseq = 0;
		char ehash[SHA256_HEX] = "";

		if (expect && ledger_parse_head(expect, &eseq, ehash)) {
			fprintf(stderr, "error: --expect-head must be SEQ:HASH (64 hex digits), "
				"as printed by 'aivalue audit checkpoint'\n");
			return 2;
		}
		if ((cpfile && !pubfile) || (pubfile && !cpfile) || (cpfile && expect)) {
			fprintf(stderr, "error: --checkpoint FILE needs --key PUB (and not "
				"--expect-head)\n");
			return 2;
		}
		if (cpfile) {
			struct ledger_checkpoint cp;
			if (read_checkpoint(cpfile, pubfile, &cp, &err))
				return cli_error(&err);
			eseq = cp.size;
			memcpy(ehash, cp.hash, SHA256_HEX);
			if (eseq == 0) {
				fprintf(stderr, "error: %s: a checkpoint of an empty ledger proves "
					"nothing\n", cpfile);
				return 1;
			}
		}
		struct ledger_state_report sr;
		int check_state = !no_state || state_only, ret;
		size_t i;

		memset(&sr, 0, sizeof(sr));
		{
			struct progress prog;
			int64_t head = 0;
			char hh[SHA256_HEX];
			if (ledger_head(ctx->store, &head, hh, &err))
				return cli_error(&err);
			progress_start(&prog, "verifying the ledger", "entries",
				       head > 0 ? (uint64_t)head : 0);
			ret = ledger_verify_progress(ctx->store, eseq, ehash, progress_cb, &prog, &r,
						     &err);
			progress_stop(&prog);
			if (ret)
				return cli_error(&err);
		}
		/* the tables are compared with an intact ledger only */
		if (r.ok && check_state && ledger_state_verify(ctx->store, &sr, &err)) {
			ledger_state_report_release(&sr);
			return cli_error(&err);
		}
		if (ctx->json) {
			json_t *o = json_pack("{s:b, s:I, s:I, s:s}", "ok", r.ok && !sr.n,
					      "entries", (json_int_t)r.entries,
					      "head_seq", (json_int_t)r.head_seq,
					      "head_hash", r.head_hash);
			if (!r.ok) {
				json_object_set_new(o, "bad_seq", json_integer(r.bad_seq));
				json_object_set_new(o, "reason", json_string(r.reason));
			}
			if (r.ok && check_state)
				json_object_set_new(o, "state", ledger_state_report_json(&sr));
			cli_print_json(o);
		} else if (r.ok) {
			printf("ledger ok: %lld entries, head %lld:%s\n", (long long)r.entries,
			       (long long)r.head_seq, r.head_hash);
			if (check_state && !sr.n)
				printf("state ok: %d tables, %lld rows match the ledger%s\n", sr.tables,
				       (long long)sr.rows, sr.uncovered ? " (entries older than the "
				       "digests they are checked against are not covered)" : "");
		}
		if (!r.ok) {
			fprintf(stderr, "error: ledger verification failed at entry %lld: %s\n",
				(long long)r.bad_seq, r.reason);
			return 1;
		}
		for (i = 0; i < sr.n && i < 1000; i++)
			fprintf(stderr, "error: table %s, row %s: %s\n", sr.v[i].table, sr.v[i].key,
				sr.v[i].what);
		if (sr.n)
			fprintf(stderr, "error: state verification failed: %zu difference%s between "
				"the tables and the ledger\n", sr.n, sr.n == 1 ? "" : "s");
		ret = sr.n ? 1 : 0;
		ledger_state_report_release(&sr);
		return ret;
	}
	if (!strcmp(argv[1], "keygen"))
		return keygen(keyname, cpout);
	if (!strcmp(argv[1], "checkpoint")) {
		char hash[SHA256_HEX];
		int64_t seq;
		if (ledger_head(ctx->store, &seq, hash, &err))
			return cli_error(&err);
		if (signkey)
			return write_signed(signkey, seq, hash, cpout);
		if (cpout) {
			fprintf(stderr, "error: --out goes with --sign KEY\n");
			return 2;
		}
		if (ctx->json) {
			char cp[96];
			snprintf(cp, sizeof(cp), "%lld:%s", (long long)seq, hash);
			cli_print_json(json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)seq,
						 "hash", hash, "checkpoint", cp));
		}
		else
			printf("%lld:%s\n", (long long)seq, hash);
		return 0;
	}
	/* show --json is the machine form of the same entries: log's */
	if (!strcmp(argv[1], "log") || (!strcmp(argv[1], "show") && ctx->json)) {
		int ret;
		if (ctx->json)
			ls.arr = json_array();
		if (!ctx->json)
			printf("%6s  %-19s  %-22s %-16s %s\n", "SEQ", "TIME (UTC)", "ACTION",
			       "ACTOR", "SUBJECT");
		ls.err = &err;
		ret = ledger_walk(ctx->store, 1, 0, subject, action, !all, all ? 0 : limit,
				  log_row, &ls, &err);
		if (ret || err.code) {
			json_decref(ls.arr);
			return cli_error(&err);
		}
		if (ctx->json)
			cli_print_json(ls.arr);
		return 0;
	}
	if (!strcmp(argv[1], "show") && !ctx->json) {
		static const char *const heads[] = { "TIME (UTC)", "ACTOR", "WHAT", "OBJECT", NULL };
		struct table t;
		int ret;
		table_init(&t, heads);
		table_keep(&t, 0);
		ls.table = &t;
		ls.store = ctx->store;
		ret = ledger_walk(ctx->store, 1, 0, subject, action, !all, all ? 0 : limit,
				  show_row, &ls, &err);
		if (ret || err.code) {
			table_release(&t);
			return cli_error(&err);
		}
		if (ls.count)
			table_print(&t);
		else
			printf("no ledger entries%s\n", subject || action ? " match" : " yet");
		table_release(&t);
		return 0;
	}
	if (!strcmp(argv[1], "export")) {
		int ret;
		ls.out = stdout;
		if (outfile) {
			ls.out = fopen(outfile, "w");
			if (!ls.out)
				return cli_errorf("cannot write '%s': %s", outfile, strerror(errno));
		}
		ret = ledger_walk(ctx->store, from, 0, NULL, NULL, 0, 0, export_row, &ls, &err);
		strbuf_release(&ls.sb);
		if (outfile && fclose(ls.out) != 0 && !ret)
			return cli_errorf("cannot write '%s': %s", outfile, strerror(errno));
		if (ret)
			return cli_error(&err);
		if (outfile)
			fprintf(stderr, "exported %lld entries to '%s'\n", (long long)ls.count,
				outfile);
		return 0;
	}
	fprintf(stderr, "error: unknown audit subcommand '%s'\n", argv[1]);
	usage_with_options(usage, opts, 1);
	return 2;
}
