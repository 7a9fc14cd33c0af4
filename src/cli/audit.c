/*
 * audit.c - `aivalue audit verify|log|export|checkpoint`.
 *
 *   verify [--expect-head SEQ:HASH]   recompute the chain; exit 1 if broken
 *   log [--limit N] [--subject S] [--action PREFIX]
 *   export [-o FILE] [--from SEQ]     JSONL that tools/verify-ledger.py checks
 *   checkpoint                        print SEQ:HASH of the head, to keep elsewhere
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ledger/ledger.h"
#include "options.h"

struct log_state {
	int json;
	json_t *arr;
	FILE *out;
	int64_t count;
	struct strbuf sb;
	struct aiv_err *err; /* log --json: an unreadable payload stops the walk */
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

static int parse_head(const char *s, int64_t *seq, char hash[SHA256_HEX])
{
	char *end;
	long long v;
	const char *colon = strchr(s, ':');

	if (!colon)
		return -1;
	v = strtoll(s, &end, 10);
	if (end != colon || v <= 0)
		return -1;
	if (strlen(colon + 1) != 64 || strspn(colon + 1, "0123456789abcdef") != 64)
		return -1;
	*seq = v;
	memcpy(hash, colon + 1, SHA256_HEX);
	return 0;
}

int cmd_audit(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue audit verify [--expect-head SEQ:HASH] [--json]",
		"aivalue audit log [--limit N] [--subject S] [--action PREFIX] [--json]",
		"aivalue audit export [-o FILE] [--from SEQ]",
		"aivalue audit checkpoint [--json]", NULL };
	const char *expect = NULL, *subject = NULL, *action = NULL, *outfile = NULL;
	long long limit = 50, from = 1;
	int all = 0;
	const struct option opts[] = {
		{ OPT_STRING, 0, "expect-head", &expect, "SEQ:HASH",
		  "verify: require this entry (from an earlier checkpoint)" },
		{ OPT_INT, 'n', "limit", &limit, "N", "log: newest N entries (default 50)" },
		{ OPT_BOOL, 0, "all", &all, NULL, "log: every entry, oldest first" },
		{ OPT_STRING, 0, "subject", &subject, "S", "log: only entries about S (e.g. Person/ana)" },
		{ OPT_STRING, 0, "action", &action, "PREFIX", "log: only actions starting with PREFIX" },
		{ OPT_STRING, 'o', "output", &outfile, "FILE", "export: write to FILE (default stdout)" },
		{ OPT_INT, 0, "from", &from, "SEQ", "export: start at entry SEQ (default 1)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct log_state ls;
	int n;

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

		if (expect && parse_head(expect, &eseq, ehash)) {
			fprintf(stderr, "error: --expect-head must be SEQ:HASH (64 hex digits), "
				"as printed by 'aivalue audit checkpoint'\n");
			return 2;
		}
		if (ledger_verify(ctx->store, eseq, ehash, &r, &err))
			return cli_error(&err);
		if (ctx->json) {
			json_t *o = json_pack("{s:b, s:I, s:I, s:s}", "ok", r.ok,
					      "entries", (json_int_t)r.entries,
					      "head_seq", (json_int_t)r.head_seq,
					      "head_hash", r.head_hash);
			if (!r.ok) {
				json_object_set_new(o, "bad_seq", json_integer(r.bad_seq));
				json_object_set_new(o, "reason", json_string(r.reason));
			}
			cli_print_json(o);
		} else if (r.ok) {
			printf("ledger ok: %lld entries, head %lld:%s\n", (long long)r.entries,
			       (long long)r.head_seq, r.head_hash);
		}
		if (!r.ok) {
			fprintf(stderr, "error: ledger verification failed at entry %lld: %s\n",
				(long long)r.bad_seq, r.reason);
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "checkpoint")) {
		char hash[SHA256_HEX];
		int64_t seq;
		if (ledger_head(ctx->store, &seq, hash, &err))
			return cli_error(&err);
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
	if (!strcmp(argv[1], "log")) {
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
