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
 * Each subcommand is a row of `subcommands` (name, function, operands,
 * the options it takes), git style: the function makes one call into
 * change/change.h and prints its result.  Every call returns a typed
 * struct, printed here field by field, or by change_json.c with --json.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "change/artefact.h"
#include "change/change.h"
#include "change/writeback.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "cmd.h"
#include "options.h"

static void print_approval(const struct change_approval *a)
{
	size_t i;

	for (i = 0; i < a->nslots; i++)
		printf("  [%s] %s: %s '%s'%s%s\n", a->slots[i].satisfied_by ? "x" : " ",
		       a->slots[i].role, a->slots[i].kind, a->slots[i].name,
		       a->slots[i].satisfied_by ? " -- signed by " : "",
		       a->slots[i].satisfied_by ? a->slots[i].satisfied_by : "");
	printf("  approvers %d of quorum %d\n", a->approvers, a->quorum);
	for (i = 0; i < a->missing.n; i++)
		printf("  missing: %s\n", a->missing.v[i]);
}

static void print_cr(const struct change_cr_view *v)
{
	const struct change_cr_summary *c = &v->cr;
	size_t i, j;

	printf("%s  %s  %s  risk %s  base v%lld\n", c->id, c->artefact, c->status, c->risk,
	       (long long)c->base_version);
	printf("author: %s%s%s%s%s\n", c->author, c->generated_by ? " (directing agent " : "",
	       c->generated_by ? c->generated_by : "", c->generated_by ? ", model " : "",
	       c->generated_by ? c->model : "");
	if (c->generated_by)
		printf(")\n");
	printf("reason: %s\n", c->reason);
	for (i = 0; i < v->evidence.n; i++)
		printf("evidence: %s (%lld bytes, sha256 %.16s...)\n", v->evidence.v[i].name,
		       (long long)v->evidence.v[i].bytes, v->evidence.v[i].sha256);
	printf("impact (%zu):\n", v->nimpact);
	for (i = 0; i < v->nimpact; i++) {
		const struct change_impact_item *it = &v->impact[i];
		printf("  %-10s owner %-22s via %-13s ", it->id ? it->id : "(null)",
		       it->owner ? it->owner : "(null)", it->via ? it->via : "(null)");
		for (j = 0; j < it->path.n; j++)
			printf("%s%s", j ? " -> " : "", it->path.v[j]);
		putchar('\n');
	}
	printf("approval path:\n");
	print_approval(&v->approval);
	for (i = 0; i < v->nsignatures; i++) {
		const struct change_signature *g = &v->signatures[i];
		printf("signature: %s by %s at %s: \"%s\" (%s) record %.16s... ledger #%lld\n",
		       g->decision, g->signer, g->time, g->meaning, g->reason, g->record_hash,
		       (long long)g->ledger_seq);
	}
	for (i = 0; i < v->nmarks; i++)
		printf("%s %s: %s%s%s\n", v->marks[i].open ? "STALE  " : "cleared",
		       v->marks[i].artefact, v->marks[i].cause,
		       v->marks[i].cleared_by ? " -- reviewed by " : "",
		       v->marks[i].cleared_by ? v->marks[i].cleared_by : "");
	for (i = 0; i < v->nrecorded; i++) {
		printf("conflict with %s%s on:", v->recorded[i].with,
		       v->recorded[i].resolved ? " (resolved)" : "");
		for (j = 0; j < v->recorded[i].overlap.n; j++)
			printf(" %s", v->recorded[i].overlap.v[j]);
		putchar('\n');
	}
	for (i = 0; i < v->nconflicts; i++) {
		printf("warning: conflicts with %s on:", v->conflicts[i].with);
		for (j = 0; j < v->conflicts[i].overlap.n; j++)
			printf(" %s", v->conflicts[i].overlap.v[j]);
		putchar('\n');
	}
	if (v->finding)
		printf("queued: %s\n", v->finding);
}

static void num(const char *label, double v, const char *unit)
{
	if (!isnan(v))
		printf("  %-34s %.2f%s\n", label, v, unit);
	else
		printf("  %-34s - (no data yet)\n", label);
}

static void print_metrics(const struct change_gov_metrics *m)
{
	size_t i;

	printf("change requests: %lld (%lld done)\n", (long long)m->change_requests,
	       (long long)m->safe_change.done);
	num("time to safe change, median", m->safe_change.median, " h");
	num("time to safe change, p90", m->safe_change.p90, " h");
	num("time to approval, median", m->safe_change.approval_median, " h");
	printf("  %-34s %lld (%lld open)\n", "conflicts", (long long)m->conflicts.count,
	       (long long)m->conflicts.open);
	num("time to resolve a conflict, median", m->conflicts.resolve_median_hours, " h");
	num("audit readiness", m->audit_readiness.share, "");
	num("downstream consistency", m->downstream.share, "");
	num("AI-generated share", m->ai_generated.share, "");
	printf("  %-34s %lld\n", "queued AI-generated CRs", (long long)m->queued);
	printf("review backlog:\n");
	for (i = 0; i < m->nbacklog; i++)
		printf("  %-26s %lld stale, %lld pending approvals\n", m->backlog[i].owner,
		       (long long)m->backlog[i].stale, (long long)m->backlog[i].pending_approvals);
	for (i = 0; i < m->nfindings; i++) {
		char t[TIME_ISO_LEN];
		time_format_us(m->findings[i].time, t);
		printf("finding %s: %s\n", m->findings[i].time ? t : "(null)",
		       m->findings[i].message);
	}
}

/* Write a merged CR's content to the artefact's file when the file still holds the base. */
static void write_back(struct aiv_ctx *ctx, struct change_merge_result *r)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (change_write_back(ctx->store, r->cr, &r->written, &err) && err.code == AIV_EIO)
		fprintf(stderr, "warning: %s\n", err.msg);
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


/* What every subcommand sees: the options as parsed, its operands, the environment. */
struct change_cmd {
	struct aiv_ctx *ctx;
	struct change_env env;
	const char *name;     /* the subcommand as typed ("approve", "reject") */
	char **args;          /* its operands */
	int nargs;
	const char *artefact, *file, *reason, *risk, *as, *gen, *model, *meaning;
	long long base_version;
	int no_impact;
	struct opt_list evid;
};

static void print_released_strs(const struct change_strs *released)
{
	size_t i;

	for (i = 0; i < released->n; i++)
		printf("released from the queue: %s (governance caught up)\n", released->v[i]);
}

/* A CR view (change show, change open) with --json or as text; 0 or the error's exit status. */
static int finish_view(struct change_cmd *c, int ret, struct aiv_err *err,
		       struct change_cr_view *v)
{
	if (ret)
		return cli_error(err);
	if (c->ctx->json)
		cli_print_json(change_cr_view_json(v));
	else
		print_cr(v);
	change_cr_view_release(v);
	return 0;
}

static int sub_open(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_open_args a;
	struct strbuf sb = STRBUF_INIT;
	struct change_evidence *ev;
	struct strbuf *eb;
	struct change_cr_view v;
	int k, ret;

	if (!c->artefact || !c->file) {
		fprintf(stderr, "error: change open needs --artefact ID and --file FILE\n");
		return 2;
	}
	if (strbuf_read_file(&sb, c->file, ARTEFACT_MAX_CONTENT) < 0)
		return cli_errorf("cannot read '%s': %s", c->file, strerror(errno));
	ev = xcalloc((size_t)c->evid.n + 1, sizeof(*ev));
	eb = xcalloc((size_t)c->evid.n + 1, sizeof(*eb));
	ret = read_evidence((const char *const *)c->evid.v, c->evid.n, ev, eb);
	memset(&a, 0, sizeof(a));
	a.evidence = ev;
	a.nevidence = (size_t)c->evid.n;
	a.artefact = c->artefact;
	a.content = sb.buf;
	a.content_len = sb.len;
	a.reason = c->reason;
	a.risk = c->risk;
	a.author = c->as;
	a.generated_by = c->gen;
	a.model = c->model;
	a.base_version = c->base_version;
	if (!ret)
		ret = change_open(&c->env, &a, &v, &err);
	strbuf_release(&sb);
	for (k = 0; k < c->evid.n; k++)
		strbuf_release(&eb[k]);
	free(eb);
	free(ev);
	if (ret > 0)
		return ret; /* reading the evidence failed; said so */
	return finish_view(c, ret, &err, &v);
}

static int sub_sign(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_sign_result r;

	if (change_sign(&c->env, c->args[0], c->name, c->as, c->meaning, c->reason, &r, &err))
		return cli_error(&err);
	if (c->ctx->json) {
		cli_print_json(change_sign_result_json(&r));
		change_sign_result_release(&r);
		return 0;
	}
	printf("%s %s by %s; %s is %s\n", c->name, r.cr, c->as, r.cr, r.status);
	if (r.has_approval)
		print_approval(&r.approval);
	print_released_strs(&r.released);
	change_sign_result_release(&r);
	return 0;
}

static int sub_merge(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_merge_result r;
	size_t i;

	if (change_merge(&c->env, c->args[0], &r, &err))
		return cli_error(&err);
	write_back(c->ctx, &r);
	if (c->ctx->json) {
		cli_print_json(change_merge_result_json(&r));
		change_merge_result_release(&r);
		return 0;
	}
	printf("merged %s: %s v%lld -> v%lld; %zu artefact%s stale\n", r.cr, r.artefact,
	       (long long)r.from_version, (long long)r.to_version, r.nstale,
	       r.nstale == 1 ? " is" : "s are");
	for (i = 0; i < r.nstale; i++)
		printf("  %-10s (owner %s): %s\n", r.stale[i].artefact, r.stale[i].owner,
		       r.stale[i].cause);
	for (i = 0; i < r.nreevaluated; i++)
		printf("  %s is now %s\n", r.reevaluated[i].cr, r.reevaluated[i].now);
	if (r.written)
		printf("wrote the new content to %s\n", r.written);
	print_released_strs(&r.released);
	change_merge_result_release(&r);
	return 0;
}

static int sub_attach(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	int k, nf = c->nargs - 1, rd, ret = 0;
	struct change_evidence *ev = xcalloc((size_t)nf, sizeof(*ev));
	struct strbuf *eb = xcalloc((size_t)nf, sizeof(*eb));
	struct change_attach_result r;
	size_t i;

	rd = read_evidence((const char *const *)(c->args + 1), nf, ev, eb);
	if (!rd)
		ret = change_attach(&c->env, c->args[0], c->as, ev, (size_t)nf, &r, &err);
	for (k = 0; k < nf; k++)
		strbuf_release(&eb[k]);
	free(eb);
	free(ev);
	if (rd)
		return rd;
	if (ret)
		return cli_error(&err);
	if (c->ctx->json) {
		cli_print_json(change_attach_result_json(&r));
		change_attach_result_release(&r);
		return 0;
	}
	for (i = 0; i < r.attached.n; i++)
		printf("attached %s to %s (%lld bytes, sha256 %.16s...)\n", r.attached.v[i].name,
		       r.cr, (long long)r.attached.v[i].bytes, r.attached.v[i].sha256);
	printf("%s has %zu evidence file%s\n", r.cr, r.evidence.n, r.evidence.n == 1 ? "" : "s");
	change_attach_result_release(&r);
	return 0;
}

static int sub_review(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_review_result r;
	size_t i;

	if (change_review(&c->env, c->args[0], c->as, c->meaning, c->reason, c->no_impact, &r,
			  &err))
		return cli_error(&err);
	if (c->ctx->json) {
		cli_print_json(change_review_result_json(&r));
		change_review_result_release(&r);
		return 0;
	}
	for (i = 0; i < r.ncleared; i++)
		printf("cleared %s mark on %s (%s)\n", r.cleared[i].cr, c->args[0],
		       r.cleared[i].cause);
	for (i = 0; i < r.done.n; i++)
		printf("%s is done: its impact set is consistent again\n", r.done.v[i]);
	print_released_strs(&r.released);
	change_review_result_release(&r);
	return 0;
}

static int sub_show(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_cr_view v;
	int ret = change_show(&c->env, c->args[0], &v, &err);

	return finish_view(c, ret, &err, &v);
}

static int sub_list(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_cr_list l;
	size_t i;

	if (change_list(&c->env, &l, &err))
		return cli_error(&err);
	if (c->ctx->json) {
		cli_print_json(change_cr_list_json(&l));
	} else {
		for (i = 0; i < l.n; i++)
			printf("%-6s %-10s %-9s %-6s %-22s %s\n", l.v[i].id, l.v[i].artefact,
			       l.v[i].status, l.v[i].risk, l.v[i].author, l.v[i].reason);
		if (!l.n)
			printf("no change requests yet ('aivalue change open' opens one)\n");
	}
	change_cr_list_release(&l);
	return 0;
}

static int sub_stale(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_stale_list l;
	size_t i;

	if (change_stale(&c->env, &l, &err))
		return cli_error(&err);
	if (c->ctx->json) {
		cli_print_json(change_stale_list_json(&l));
	} else {
		for (i = 0; i < l.n; i++)
			printf("%-10s owner %-22s %s\n", l.v[i].artefact, l.v[i].owner, l.v[i].cause);
		if (!l.n)
			printf("nothing is stale: every artefact is consistent with its upstream\n");
	}
	change_stale_list_release(&l);
	return 0;
}

static int sub_conflicts(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_conflict_list l;
	size_t i, j;

	if (change_conflicts(&c->env, &l, &err))
		return cli_error(&err);
	if (c->ctx->json) {
		cli_print_json(change_conflict_list_json(&l));
	} else {
		for (i = 0; i < l.n; i++) {
			const struct change_conflict *k = &l.v[i];
			char det[TIME_ISO_LEN], res[TIME_ISO_LEN];
			time_format_us(k->detected_at, det);
			if (k->resolved_at)
				time_format_us(k->resolved_at, res);
			printf("%-6s %-6s %-8s detected %s%s%s; overlap:", k->a, k->b,
			       k->resolved_at ? "resolved" : "open", det,
			       k->resolved_at ? ", resolved " : "", k->resolved_at ? res : "");
			for (j = 0; j < k->overlap.n; j++)
				printf(" %s", k->overlap.v[j]);
			putchar('\n');
		}
		if (!l.n)
			printf("no conflicts: no two active change requests overlapped\n");
	}
	change_conflict_list_release(&l);
	return 0;
}

static int sub_verify(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_verdict v;
	size_t i, j;
	int ret;

	if (change_verify(&c->env, c->args[0], &v, &err))
		return cli_error(&err);
	ret = v.ok ? 0 : 1;
	if (c->ctx->json) {
		cli_print_json(change_verdict_json(&v));
		change_verdict_release(&v);
		return ret;
	}
	for (i = 0; i < v.nsigs; i++) {
		const struct change_sig_check *s = &v.sigs[i];
		printf("%s %s by %s, record %.16s..., ledger #%lld\n", s->valid ? "VALID" : "VOID ",
		       s->decision, s->signer, s->record_hash, (long long)s->ledger_seq);
		for (j = 0; j < s->problems.n; j++)
			printf("  %s\n", s->problems.v[j]);
	}
	if (!v.nsigs)
		printf("%s has no signatures yet\n", v.cr);
	for (i = 0; i < v.problems.n; i++)
		printf("problem: %s\n", v.problems.v[i]);
	printf("%s: %s\n", v.cr, ret ? "signatures do NOT verify" : "every signature verifies");
	change_verdict_release(&v);
	return ret;
}

static int sub_metrics(struct change_cmd *c)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_gov_metrics m;

	if (change_metrics_read(&c->env, &m, &err))
		return cli_error(&err);
	if (c->ctx->json)
		cli_print_json(change_gov_metrics_json(&m));
	else
		print_metrics(&m);
	change_gov_metrics_release(&m);
	return 0;
}

/* The options each subcommand takes besides --rules and --json (NULL-terminated). */
static const char *const open_opts[] = { "artefact", "file", "reason", "risk", "as",
					 "generated-by", "model", "evidence", "base-version",
					 NULL };
static const char *const sign_opts[] = { "as", "meaning", "reason", NULL };
static const char *const attach_opts[] = { "as", NULL };
static const char *const review_opts[] = { "as", "meaning", "reason", "no-impact", NULL };
static const char *const no_opts[] = { NULL };

/*
 * The subcommands: name, function, operands (min, max; -1 no limit), the
 * options it takes.  To add one: a sub_ function, a row here, a usage
 * line in cmd_change, a test and docs/change.md.
 */
static const struct change_subcommand {
	const char *name;
	int (*fn)(struct change_cmd *c);
	int min_args, max_args;
	const char *const *options;
} subcommands[] = {
	{ "open", sub_open, 0, 0, open_opts },
	{ "approve", sub_sign, 1, 1, sign_opts },
	{ "reject", sub_sign, 1, 1, sign_opts },
	{ "merge", sub_merge, 1, 1, no_opts },
	{ "attach", sub_attach, 2, -1, attach_opts },
	{ "review", sub_review, 1, 1, review_opts },
	{ "list", sub_list, 0, 0, no_opts },
	{ "stale", sub_stale, 0, 0, no_opts },
	{ "conflicts", sub_conflicts, 0, 0, no_opts },
	{ "show", sub_show, 1, 1, no_opts },
	{ "verify", sub_verify, 1, 1, no_opts },
	{ "metrics", sub_metrics, 0, 0, no_opts },
};

static const struct change_subcommand *find_subcommand(const char *name, int nargs)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(subcommands[i].name, name) && nargs >= subcommands[i].min_args &&
		    (subcommands[i].max_args < 0 || nargs <= subcommands[i].max_args))
			return &subcommands[i];
	return NULL;
}

/* Is option `long_name` (given on the command line) one `sub` takes? */
static int takes(const struct change_subcommand *sub, const char *long_name)
{
	const char *const *o;

	for (o = sub->options; *o; o++)
		if (!strcmp(*o, long_name))
			return 1;
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
	struct change_cmd c;
	const char *rules_path = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "artefact", &c.artefact, "ID", "open: the artefact to change" },
		{ OPT_STRING, 0, "file", &c.file, "FILE", "open: its proposed new content" },
		{ OPT_STRING, 0, "reason", &c.reason, "TEXT", "why (required for every change and signature)" },
		{ OPT_STRING, 0, "risk", &c.risk, "low|medium|high", "open: low, medium (default) or high" },
		{ OPT_STRING, 0, "as", &c.as, "PERSON", "who opens, signs or reviews" },
		{ OPT_STRING, 0, "generated-by", &c.gen, "AGENT", "open: the AI agent that wrote it" },
		{ OPT_STRING, 0, "model", &c.model, "MODEL", "open: the model the agent used" },
		{ OPT_LIST, 0, "evidence", &c.evid, "FILE",
		  "open: attach an evidence file (hashed, stored; repeatable)" },
		{ OPT_INT, 0, "base-version", &c.base_version, "N",
		  "open: refuse unless the artefact is still at version N" },
		{ OPT_STRING, 0, "meaning", &c.meaning, "TEXT",
		  "approve/reject/review: what the signature means" },
		{ OPT_BOOL, 0, "no-impact", &c.no_impact, NULL,
		  "review: sign that the upstream change has no impact here" },
		{ OPT_STRING, 0, "rules", &rules_path, "FILE",
		  "change rules (default $AIVALUE_CHANGE_RULES or built in)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	/* the options set[i] says were given, to refuse one the subcommand does not take */
	static const char *const given[] = { "artefact", "file", "reason", "risk", "as",
					     "generated-by", "model", "evidence", "base-version",
					     "meaning", "no-impact" };
	int set[ARRAY_SIZE(given)];
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	const struct change_subcommand *sub;
	size_t i;
	int n, ret;

	memset(&c, 0, sizeof(c));
	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n < 1)
		goto usage;
	if (!rules_path)
		rules_path = getenv("AIVALUE_CHANGE_RULES");
	if (rules_path && !*rules_path)
		rules_path = NULL;
	if (change_rules_load(&rules, rules_path, ctx->cat, &err)) {
		opt_list_release(&c.evid);
		return cli_error(&err);
	}
	if (!(sub = find_subcommand(argv[1], n - 1))) {
		change_rules_free(rules);
		opt_list_release(&c.evid);
		goto usage;
	}
	set[0] = !!c.artefact, set[1] = !!c.file, set[2] = !!c.reason, set[3] = !!c.risk;
	set[4] = !!c.as, set[5] = !!c.gen, set[6] = !!c.model, set[7] = c.evid.n > 0;
	set[8] = c.base_version != 0, set[9] = !!c.meaning, set[10] = c.no_impact;
	for (i = 0; i < ARRAY_SIZE(given); i++)
		if (set[i] && !takes(sub, given[i])) {
			fprintf(stderr, "error: 'change %s' does not take --%s\n", argv[1], given[i]);
			change_rules_free(rules);
			opt_list_release(&c.evid);
			return 2;
		}
	c.ctx = ctx;
	c.env.s = ctx->store;
	c.env.cat = ctx->cat;
	c.env.rules = rules;
	c.env.actor = ctx->actor;
	c.name = argv[1];
	c.args = argv + 2;
	c.nargs = n - 1;
	ret = sub->fn(&c);
	change_rules_free(rules);
	opt_list_release(&c.evid);
	return ret;
usage:
	usage_with_options(usage, opts, 1);
	return 2;
}
