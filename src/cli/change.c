/*
 * change.c - `aivalue change ...`: change requests over the artefact graph.
 *
 *   open --artefact ID --file NEW --reason R --as PERSON [--risk R]
 *        [--generated-by AGENT --model M] [--base-version N]
 *   approve|reject CR --as PERSON --meaning M --reason R
 *   merge CR            apply an approved CR; downstream goes stale
 *   attach CR FILE...   attach evidence files (hashed, stored content-addressed)
 *   review ID --as OWNER --reason R [--no-impact] [--meaning M]
 *   list | show CR | verify CR | stale | conflicts | metrics   (all take --json)
 *
 * Each subcommand is one call into change/change.h, which returns JSON;
 * this file only prints it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "change/artefact.h"
#include "change/change.h"
#include "change/writeback.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "cmd.h"
#include "options.h"

static void print_slots(json_t *state)
{
	json_t *sl, *m;
	size_t i;

	json_array_foreach(json_object_get(state, "slots"), i, sl)
		printf("  [%s] %s: %s '%s'%s%s\n",
		       json_is_null(json_object_get(sl, "satisfied_by")) ? " " : "x",
		       json_str(sl, "role"), json_str(sl, "kind"), json_str(sl, "name"),
		       json_str(sl, "satisfied_by") ? " -- signed by " : "",
		       json_str(sl, "satisfied_by") ? json_str(sl, "satisfied_by") : "");
	printf("  approvers %d of quorum %d\n",
	       (int)json_integer_value(json_object_get(state, "approvers")),
	       (int)json_integer_value(json_object_get(state, "quorum")));
	json_array_foreach(json_object_get(state, "missing"), i, m)
		printf("  missing: %s\n", json_string_value(m));
}

static void print_cr(json_t *o)
{
	json_t *it, *x;
	size_t i, j;

	printf("%s  %s  %s  risk %s  base v%lld\n", json_str(o, "id"), json_str(o, "artefact"),
	       json_str(o, "status"), json_str(o, "risk"),
	       (long long)json_integer_value(json_object_get(o, "base_version")));
	printf("author: %s%s%s%s%s\n", json_str(o, "author"),
	       json_str(o, "generated_by") ? " (directing agent " : "",
	       json_str(o, "generated_by") ? json_str(o, "generated_by") : "",
	       json_str(o, "generated_by") ? ", model " : "",
	       json_str(o, "generated_by") ? json_str(o, "model") : "");
	if (json_str(o, "generated_by"))
		printf(")\n");
	printf("reason: %s\n", json_str(o, "reason"));
	json_array_foreach(json_object_get(o, "evidence"), i, it)
		printf("evidence: %s (%lld bytes, sha256 %.16s...)\n", json_str(it, "name"),
		       (long long)json_integer_value(json_object_get(it, "bytes")), json_str(it, "sha256"));
	printf("impact (%zu):\n", json_array_size(json_object_get(o, "impact")));
	json_array_foreach(json_object_get(o, "impact"), i, it) {
		printf("  %-10s owner %-22s via %-13s ", json_str(it, "id"), json_str(it, "owner"),
		       json_str(it, "via"));
		json_array_foreach(json_object_get(it, "path"), j, x)
			printf("%s%s", j ? " -> " : "", json_string_value(x));
		putchar('\n');
	}
	printf("approval path:\n");
	print_slots(json_object_get(o, "approval"));
	json_array_foreach(json_object_get(o, "signatures"), i, it)
		printf("signature: %s by %s at %s: \"%s\" (%s) record %.16s... ledger #%lld\n",
		       json_str(it, "decision"), json_str(it, "signer"), json_str(it, "time"),
		       json_str(it, "meaning"), json_str(it, "reason"), json_str(it, "record_hash"),
		       (long long)json_integer_value(json_object_get(it, "ledger_seq")));
	json_array_foreach(json_object_get(o, "stale_marks"), i, it)
		printf("%s %s: %s%s%s\n", json_is_true(json_object_get(it, "open")) ? "STALE  " : "cleared",
		       json_str(it, "artefact"), json_str(it, "cause"),
		       json_str(it, "cleared_by") ? " -- reviewed by " : "",
		       json_str(it, "cleared_by") ? json_str(it, "cleared_by") : "");
	json_array_foreach(json_object_get(o, "conflicts_recorded"), i, it) {
		printf("conflict with %s%s on:", json_str(it, "with"),
		       json_is_true(json_object_get(it, "resolved")) ? " (resolved)" : "");
		json_array_foreach(json_object_get(it, "overlap"), j, x)
			printf(" %s", json_string_value(x));
		putchar('\n');
	}
}

static void num(const char *label, json_t *v, const char *unit)
{
	if (json_is_number(v))
		printf("  %-34s %.2f%s\n", label, json_number_value(v), unit);
	else
		printf("  %-34s - (no data yet)\n", label);
}

static void print_metrics(json_t *m)
{
	json_t *t = json_object_get(m, "time_to_safe_change_hours");
	json_t *c = json_object_get(m, "conflicts"), *a = json_object_get(m, "audit_readiness");
	json_t *d = json_object_get(m, "downstream_consistency"), *ai = json_object_get(m, "ai_generated");
	json_t *b, *f;
	const char *owner;
	size_t i;

	printf("change requests: %lld (%lld done)\n",
	       (long long)json_integer_value(json_object_get(m, "change_requests")),
	       (long long)json_integer_value(json_object_get(t, "done")));
	num("time to safe change, median", json_object_get(t, "median"), " h");
	num("time to safe change, p90", json_object_get(t, "p90"), " h");
	num("time to approval, median", json_object_get(t, "approval_median"), " h");
	printf("  %-34s %lld (%lld open)\n", "conflicts",
	       (long long)json_integer_value(json_object_get(c, "count")),
	       (long long)json_integer_value(json_object_get(c, "open")));
	num("time to resolve a conflict, median", json_object_get(c, "time_to_resolve_median_hours"), " h");
	num("audit readiness", json_object_get(a, "share"), "");
	num("downstream consistency", json_object_get(d, "share"), "");
	num("AI-generated share", json_object_get(ai, "share"), "");
	printf("  %-34s %lld\n", "queued AI-generated CRs",
	       (long long)json_integer_value(json_object_get(m, "queued")));
	printf("review backlog:\n");
	json_object_foreach(json_object_get(m, "review_backlog"), owner, b)
		printf("  %-26s %lld stale, %lld pending approvals\n", owner,
		       (long long)json_integer_value(json_object_get(b, "stale")),
		       (long long)json_integer_value(json_object_get(b, "pending_approvals")));
	json_array_foreach(json_object_get(m, "findings"), i, f)
		printf("finding %s: %s\n", json_str(f, "time"), json_str(f, "message"));
}

/* Write a merged CR's content to the artefact's file when the file still holds the base. */
static void write_back(struct aiv_ctx *ctx, const char *cr, json_t *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	char *written = NULL;

	if (change_write_back(ctx->store, cr, &written, &err)) {
		if (err.code == AIV_EIO)
			fprintf(stderr, "warning: %s\n", err.msg);
		return;
	}
	if (written)
		json_object_set_new(res, "written", json_string(written));
	free(written);
}

/* Read evidence files paths[0..n) into ev/bufs (caller releases); 0 or an exit code. */
static int read_evidence(const char *const *paths, int n, struct change_evidence *ev,
			 struct strbuf *bufs)
{
	int k;

	for (k = 0; k < n; k++) {
		strbuf_init(&bufs[k], 0);
		if (strbuf_read_file(&bufs[k], paths[k], CHANGE_EVIDENCE_MAX) < 0) {
			if (errno == EFBIG)
				return cli_errorf("evidence '%s' is larger than %u bytes (16 MiB), "
						  "the limit per file", paths[k], CHANGE_EVIDENCE_MAX);
			return cli_errorf("cannot read evidence '%s': %s", paths[k], strerror(errno));
		}
		ev[k].name = paths[k];
		ev[k].data = bufs[k].buf;
		ev[k].len = bufs[k].len;
	}
	return 0;
}

int cmd_change(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue change open --artefact ID --file NEW --reason R --as PERSON [--risk LEVEL]"
		" [--evidence FILE] [--generated-by AGENT --model M] [--base-version N]",
		"aivalue change approve|reject CR --as PERSON --meaning M --reason R",
		"aivalue change merge CR",
		"aivalue change attach CR FILE... [--as PERSON]",
		"aivalue change review ARTEFACT --as OWNER --reason R [--no-impact] [--meaning M]",
		"aivalue change list|stale|conflicts|metrics [--json]",
		"aivalue change show|verify CR [--json]", NULL };
	const char *artefact = NULL, *file = NULL, *reason = NULL, *risk = NULL, *as = NULL;
	const char *gen = NULL, *model = NULL, *meaning = NULL, *rules_path = NULL;
	long long base_version = 0;
	int no_impact = 0;
	struct opt_list evid = { 0 };
	const struct option opts[] = {
		{ OPT_STRING, 0, "artefact", &artefact, "ID", "open: the artefact to change" },
		{ OPT_STRING, 0, "file", &file, "FILE", "open: its proposed new content" },
		{ OPT_STRING, 0, "reason", &reason, "TEXT", "why (required for every change and signature)" },
		{ OPT_STRING, 0, "risk", &risk, "LEVEL", "open: low, medium (default) or high" },
		{ OPT_STRING, 0, "as", &as, "PERSON", "who opens, signs or reviews" },
		{ OPT_STRING, 0, "generated-by", &gen, "AGENT", "open: the AI agent that wrote it" },
		{ OPT_STRING, 0, "model", &model, "MODEL", "open: the model the agent used" },
		{ OPT_LIST, 0, "evidence", &evid, "FILE",
		  "open: attach an evidence file (hashed, stored; repeatable)" },
		{ OPT_INT, 0, "base-version", &base_version, "N",
		  "open: refuse unless the artefact is still at version N" },
		{ OPT_STRING, 0, "meaning", &meaning, "TEXT",
		  "approve/reject/review: what the signature means" },
		{ OPT_BOOL, 0, "no-impact", &no_impact, NULL,
		  "review: sign that the upstream change has no impact here" },
		{ OPT_STRING, 0, "rules", &rules_path, "FILE",
		  "change rules (default $AIVALUE_CHANGE_RULES or built in)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_env env;
	json_t *res = NULL;
	const char *sub;
	int n, ret = 0;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n < 1)
		goto usage;
	sub = argv[1];
	if (!rules_path)
		rules_path = getenv("AIVALUE_CHANGE_RULES");
	if (rules_path && !*rules_path)
		rules_path = NULL;
	if (change_rules_load(&rules, rules_path, ctx->cat, &err))
		return cli_error(&err);
	env.s = ctx->store;
	env.cat = ctx->cat;
	env.rules = rules;
	env.actor = ctx->actor;

	if (!strcmp(sub, "open") && n == 1) {
		struct change_open_args a;
		struct strbuf sb = STRBUF_INIT;
		if (!artefact || !file) {
			fprintf(stderr, "error: change open needs --artefact ID and --file FILE\n");
			change_rules_free(rules);
			return 2;
		}
		if (strbuf_read_file(&sb, file, ARTEFACT_MAX_CONTENT) < 0) {
			ret = cli_errorf("cannot read '%s': %s", file, strerror(errno));
			change_rules_free(rules);
			return ret;
		}
		struct change_evidence *ev = xcalloc((size_t)evid.n + 1, sizeof(*ev));
		struct strbuf *eb = xcalloc((size_t)evid.n + 1, sizeof(*eb));
		int k;
		ret = read_evidence((const char *const *)evid.v, evid.n, ev, eb);
		memset(&a, 0, sizeof(a));
		a.evidence = ev;
		a.nevidence = (size_t)evid.n;
		a.artefact = artefact;
		a.content = sb.buf;
		a.content_len = sb.len;
		a.reason = reason;
		a.risk = risk;
		a.author = as;
		a.generated_by = gen;
		a.model = model;
		a.base_version = base_version;
		if (!ret)
			ret = change_open(&env, &a, &res, &err);
		strbuf_release(&sb);
		for (k = 0; k < evid.n; k++)
			strbuf_release(&eb[k]);
		free(eb);
		free(ev);
		opt_list_release(&evid);
		if (ret == 1 && !res) {
			change_rules_free(rules);
			return 1;
		}
	} else if ((!strcmp(sub, "approve") || !strcmp(sub, "reject")) && n == 2) {
		ret = change_sign(&env, argv[2], sub, as, meaning, reason, &res, &err);
	} else if (!strcmp(sub, "merge") && n == 2) {
		ret = change_merge(&env, argv[2], &res, &err);
		if (!ret)
			write_back(ctx, argv[2], res);
	} else if (!strcmp(sub, "attach") && n >= 3) {
		int k, nf = n - 2, rd;
		struct change_evidence *ev = xcalloc((size_t)nf, sizeof(*ev));
		struct strbuf *eb = xcalloc((size_t)nf, sizeof(*eb));
		rd = read_evidence((const char *const *)(argv + 3), nf, ev, eb);
		if (!rd)
			ret = change_attach(&env, argv[2], as, ev, (size_t)nf, &res, &err);
		for (k = 0; k < nf; k++)
			strbuf_release(&eb[k]);
		free(eb);
		free(ev);
		if (rd) {
			change_rules_free(rules);
			opt_list_release(&evid);
			return rd;
		}
	} else if (!strcmp(sub, "review") && n == 2) {
		ret = change_review(&env, argv[2], as, meaning, reason, no_impact, &res, &err);
	} else if (!strcmp(sub, "list") && n == 1) {
		ret = change_list(&env, &res, &err);
	} else if (!strcmp(sub, "stale") && n == 1) {
		ret = change_stale(&env, &res, &err);
	} else if (!strcmp(sub, "conflicts") && n == 1) {
		ret = change_conflicts(&env, &res, &err);
	} else if (!strcmp(sub, "show") && n == 2) {
		ret = change_show(&env, argv[2], &res, &err);
	} else if (!strcmp(sub, "verify") && n == 2) {
		ret = change_verify(&env, argv[2], &res, &err);
	} else if (!strcmp(sub, "metrics") && n == 1) {
		ret = change_metrics(&env, &res, &err);
	} else {
		change_rules_free(rules);
		opt_list_release(&evid);
		goto usage;
	}
	opt_list_release(&evid);
	change_rules_free(rules);
	if (ret)
		return cli_error(&err);
	if (!strcmp(sub, "verify") && !json_is_true(json_object_get(res, "ok")))
		ret = 1;
	if (ctx->json) {
		cli_print_json(res);
		return ret;
	}
	if (!strcmp(sub, "open") || !strcmp(sub, "show")) {
		json_t *c, *x;
		size_t i, j;
		print_cr(res);
		json_array_foreach(json_object_get(res, "conflicts"), i, c) {
			printf("warning: conflicts with %s on:", json_str(c, "cr"));
			json_array_foreach(json_object_get(c, "overlap"), j, x)
				printf(" %s", json_string_value(x));
			putchar('\n');
		}
		if (json_str(res, "finding"))
			printf("queued: %s\n", json_str(res, "finding"));
	} else if (!strcmp(sub, "approve") || !strcmp(sub, "reject")) {
		printf("%s %s by %s; %s is %s\n", sub, json_str(res, "cr"), as, json_str(res, "cr"),
		       json_str(res, "status"));
		if (json_object_get(res, "approval"))
			print_slots(json_object_get(res, "approval"));
	} else if (!strcmp(sub, "merge")) {
		json_t *it;
		size_t i;
		printf("merged %s: %s v%lld -> v%lld; %zu artefact%s stale\n", json_str(res, "cr"),
		       json_str(res, "artefact"),
		       (long long)json_integer_value(json_object_get(res, "from_version")),
		       (long long)json_integer_value(json_object_get(res, "to_version")),
		       json_array_size(json_object_get(res, "stale")),
		       json_array_size(json_object_get(res, "stale")) == 1 ? " is" : "s are");
		json_array_foreach(json_object_get(res, "stale"), i, it)
			printf("  %-10s (owner %s): %s\n", json_str(it, "artefact"), json_str(it, "owner"),
			       json_str(it, "cause"));
		json_array_foreach(json_object_get(res, "reevaluated"), i, it)
			printf("  %s is now %s\n", json_str(it, "cr"), json_str(it, "now"));
		if (json_str(res, "written"))
			printf("wrote the new content to %s\n", json_str(res, "written"));
	} else if (!strcmp(sub, "attach")) {
		json_t *it;
		size_t i;
		json_array_foreach(json_object_get(res, "attached"), i, it)
			printf("attached %s to %s (%lld bytes, sha256 %.16s...)\n", json_str(it, "name"),
			       json_str(res, "cr"),
			       (long long)json_integer_value(json_object_get(it, "bytes")),
			       json_str(it, "sha256"));
		printf("%s has %zu evidence file%s\n", json_str(res, "cr"),
		       json_array_size(json_object_get(res, "evidence")),
		       json_array_size(json_object_get(res, "evidence")) == 1 ? "" : "s");
	} else if (!strcmp(sub, "review")) {
		json_t *it;
		size_t i;
		json_array_foreach(json_object_get(res, "cleared"), i, it)
			printf("cleared %s mark on %s (%s)\n", json_str(it, "cr"), argv[2],
			       json_str(it, "cause"));
		json_array_foreach(json_object_get(res, "done"), i, it)
			printf("%s is done: its impact set is consistent again\n",
			       json_string_value(it));
	} else if (!strcmp(sub, "list")) {
		json_t *it;
		size_t i;
		json_array_foreach(res, i, it)
			printf("%-6s %-10s %-9s %-6s %-22s %s\n", json_str(it, "id"),
			       json_str(it, "artefact"), json_str(it, "status"), json_str(it, "risk"),
			       json_str(it, "author"), json_str(it, "reason"));
		if (!json_array_size(res))
			printf("no change requests yet ('aivalue change open' opens one)\n");
	} else if (!strcmp(sub, "stale")) {
		json_t *it;
		size_t i;
		json_array_foreach(res, i, it)
			printf("%-10s owner %-22s %s\n", json_str(it, "artefact"), json_str(it, "owner"),
			       json_str(it, "cause"));
		if (!json_array_size(res))
			printf("nothing is stale: every artefact is consistent with its upstream\n");
	} else if (!strcmp(sub, "conflicts")) {
		json_t *it, *x;
		size_t i, j;
		json_array_foreach(res, i, it) {
			printf("%-6s %-6s %-8s detected %s%s%s; overlap:", json_str(it, "a"),
			       json_str(it, "b"), json_is_true(json_object_get(it, "open")) ? "open" :
			       "resolved", json_str(it, "detected_at"),
			       json_str(it, "resolved_at") ? ", resolved " : "",
			       json_str(it, "resolved_at") ? json_str(it, "resolved_at") : "");
			json_array_foreach(json_object_get(it, "overlap"), j, x)
				printf(" %s", json_string_value(x));
			putchar('\n');
		}
		if (!json_array_size(res))
			printf("no conflicts: no two active change requests overlapped\n");
	} else if (!strcmp(sub, "verify")) {
		json_t *it, *p;
		size_t i, j;
		json_array_foreach(json_object_get(res, "signatures"), i, it) {
			printf("%s %s by %s, record %.16s..., ledger #%lld\n",
			       json_is_true(json_object_get(it, "valid")) ? "VALID" : "VOID ",
			       json_str(it, "decision"), json_str(it, "signer"),
			       json_str(it, "record_hash"),
			       (long long)json_integer_value(json_object_get(it, "ledger_seq")));
			json_array_foreach(json_object_get(it, "problems"), j, p)
				printf("  %s\n", json_string_value(p));
		}
		if (!json_array_size(json_object_get(res, "signatures")))
			printf("%s has no signatures yet\n", json_str(res, "cr"));
		json_array_foreach(json_object_get(res, "problems"), i, p)
			printf("problem: %s\n", json_string_value(p));
		printf("%s: %s\n", json_str(res, "cr"),
		       ret ? "signatures do NOT verify" : "every signature verifies");
	} else {
		print_metrics(res);
	}
	{
		json_t *x;
		size_t i;
		json_array_foreach(json_object_get(res, "released"), i, x)
			printf("released from the queue: %s (governance caught up)\n",
			       json_string_value(x));
	}
	json_decref(res);
	return ret;
usage:
	usage_with_options(usage, opts, 1);
	return 2;
}
