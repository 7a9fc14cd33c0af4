/*
 * demo.c - `aivalue demo`: generate a fictional organisation's data in
 * the vendors' formats and load it through the importers (src/demo/),
 * then print the ledger check, the dashboard URL and two tokens; with
 * --serve, serve it the way `aivalue serve` does.
 *
 *   aivalue demo [--size small|medium|large] [--seed N]
 *                [--industry retail|insurance|manufacturing] [--dir DIR]
 *                [--serve [--listen ADDR:PORT]] [--json]
 *
 * The generated files go to --dir, or beside the workspace (DB minus
 * ".db", plus "-data"), never into the current folder by default;
 * --listen without --serve is refused rather than ignored.
 * The workspace (--db, $AIVALUE_DB) must not exist yet: the demo builds
 * a new one.  Bad options exit 2 before anything is created.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "core/progress.h"
#include "core/timeutil.h"
#include "demo/demo.h"
#include "http/server.h"
#include "org/tokens.h"
#include "ledger/ledger.h"
#include "options.h"

struct demo_report {
	int quiet;
	json_t *steps;
	struct progress bar; /* core/progress.h: the running step, on a terminal */
};

static void on_step(const struct demo_step *st, void *data)
{
	struct demo_report *p = data;

	if (st->begun) {
		progress_start(&p->bar, st->name, st->unit, 0);
		return;
	}
	progress_stop(&p->bar);

	json_array_append_new(p->steps, json_pack("{s:s, s:f, s:s}", "step", st->name,
						  "seconds", (double)(long)(st->seconds * 1000) / 1000,
						  "detail", st->detail));
	if (p->quiet)
		return;
	printf("  %-36s %7.2f s  %s\n", st->name, st->seconds, st->detail);
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * The generated files' folder when --dir is not given: beside the
 * workspace, named after it ("w/demo.db" gives "w/demo-data"), so that a
 * demo run in a source checkout with --db elsewhere leaves the checkout
 * alone.  Caller frees.
 */
static char *demo_default_dir(const char *db_path)
{
	size_t n = strlen(db_path);
	char *dir;

	if (n > 3 && !strcmp(db_path + n - 3, ".db"))
		n -= 3;
	dir = xmalloc(n + sizeof("-data"));
	memcpy(dir, db_path, n);
	memcpy(dir + n, "-data", sizeof("-data"));
	return dir;
}

/* As `aivalue init` does: a new workspace with its first ledger entry. */
static int create_workspace(struct aiv_ctx *ctx, struct aiv_err *err)
{
	json_t *payload;
	int ret;

	if ((ret = store_open(&ctx->store, ctx->db_path, STORE_CREATE, err)))
		return ret;
	payload = json_pack("{s:s, s:i}", "aivalue", AIV_VERSION, "schema",
			    store_schema_version(ctx->store));
	if ((ret = store_begin(ctx->store, err)) ||
	    (ret = ledger_append(ctx->store, ctx->actor, "workspace.init", "Workspace", payload,
				 NULL, err)) ||
	    (ret = store_commit(ctx->store, err)))
		store_rollback(ctx->store);
	json_decref(payload);
	return ret;
}

/*
 * Is there a workspace at `db` already?  A SQLite workspace is its file; a
 * PostgreSQL database exists before its workspace does (createdb), so
 * there it is one when it opens as a workspace.  An open that fails for
 * another reason (no server) answers no: the load's own open says why.
 */
static int demo_workspace_exists(const char *db, struct stat *st)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;

	if (!store_is_pg_uri(db))
		return stat(db, st) == 0;
	if (store_open(&s, db, STORE_READONLY, &err))
		return 0;
	store_close(s);
	return 1;
}

int cmd_demo(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue demo [--size small|medium|large] [--seed N] "
		"[--industry retail|insurance|manufacturing] [--dir DIR] [--serve "
		"[--listen ADDR:PORT]] [--json]", NULL };
	const char *size = "medium", *seed = "1", *industry = "insurance", *dir = NULL;
	const char *listen = NULL;
	int serve = 0;
	const struct option opts[] = {
		{ OPT_STRING, 0, "size", &size, "small|medium|large",
		  "small (~150 people), medium (~2,000; default) or large (~20,000)" },
		{ OPT_STRING, 0, "seed", &seed, "N", "random seed (default 1): same seed, same files" },
		{ OPT_STRING, 0, "industry", &industry, "retail|insurance|manufacturing",
		  "retail, insurance (default) or manufacturing" },
		{ OPT_STRING, 0, "dir", &dir, "DIR", "where the generated files go (default: beside the workspace, "
		  "aivalue.db gives aivalue-data)" },
		{ OPT_BOOL, 0, "serve", &serve, NULL, "serve the dashboard afterwards" },
		{ OPT_STRING, 'l', "listen", &listen, "ADDR:PORT",
		  "with --serve: address to listen on (default 127.0.0.1:8080)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct demo_opts o;
	struct demo *d = NULL;
	struct demo_report prog;
	struct ledger_verify_result vr;
	struct stat st;
	char *viewer = NULL, *admin = NULL, *end, *dir_buf = NULL;
	unsigned long long sv;
	double t0, t1, tg;
	int n, ret = 0;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	memset(&o, 0, sizeof(o));
	if (demo_size_parse(size, &o.size)) {
		fprintf(stderr, "error: unknown size '%s' (sizes: small, medium, large)\n", size);
		return 2;
	}
	if (demo_industry_parse(industry, &o.industry)) {
		fprintf(stderr, "error: unknown industry '%s' (industries: retail, insurance, "
			"manufacturing)\n", industry);
		return 2;
	}
	errno = 0;
	sv = strtoull(seed, &end, 10);
	if (!*seed || *end || errno || seed[0] == '-' || seed[0] == '+' || seed[0] == ' ') {
		fprintf(stderr, "error: --seed must be a whole number from 0 to %llu, not '%s'\n",
			(unsigned long long)UINT64_MAX, seed);
		return 2;
	}
	if (listen && !serve) {
		fprintf(stderr, "error: --listen needs --serve: the demo serves its dashboard only "
			"with --serve (or run 'aivalue serve --listen %s' afterwards)\n", listen);
		return 2;
	}
	if (!listen)
		listen = "127.0.0.1:8080";
	{
		struct http_config cfg;
		http_config_init(&cfg);
		if (http_parse_listen(&cfg, listen, &err)) {
			fprintf(stderr, "error: %s\n", err.msg);
			return 2;
		}
	}
	if (!dir)
		dir = dir_buf = demo_default_dir(ctx->db_path);
	if (!*dir) {
		fprintf(stderr, "error: --dir must name a folder\n");
		return 2;
	}
	if (demo_workspace_exists(ctx->db_path, &st))
		return cli_errorf("workspace '%s' already exists; aivalue demo builds a new one "
				  "(remove it, or choose another with --db)", ctx->db_path);
	memset(&prog, 0, sizeof(prog));
	o.progress = progress_cb;
	o.progress_arg = &prog.bar;
	o.seed = sv;
	o.dir = dir;
	o.cat = ctx->cat;
	o.questionnaire = cli_questionnaire_path();
	prog.quiet = ctx->json;
	prog.steps = json_array();

	if (!ctx->json) {
		printf("generating the %s demo (%s, seed %llu) in '%s'\n", demo_size_name(o.size),
		       demo_industry_name(o.industry), sv, dir);
		fflush(stdout);
	}
	t0 = now_s();
	if (demo_generate(&o, &d, on_step, &prog, &err)) {
		ret = cli_error(&err);
		goto cleanup;
	}
	tg = now_s() - t0;
	if (!ctx->json) {
		printf("loading it into the workspace '%s' through the importers\n", ctx->db_path);
		fflush(stdout);
	}
	t1 = now_s();
	if (create_workspace(ctx, &err)) {
		ret = cli_error(&err);
		goto cleanup;
	}
	if (demo_load(d, ctx->store, ctx->cat, ctx->actor, on_step, &prog, &err)) {
		ret = cli_error(&err);
		goto cleanup;
	}
	if (token_create(ctx->store, ctx->actor, "demo-viewer", ROLE_VIEWER, NULL, &viewer, &err) ||
	    token_create(ctx->store, ctx->actor, "demo-admin", ROLE_ADMIN, NULL, &admin, &err) ||
	    ledger_verify(ctx->store, 0, NULL, &vr, &err)) {
		ret = cli_error(&err);
		goto cleanup;
	}
	if (ctx->json) {
		json_t *sum = demo_summary_json(d);
		json_object_set_new(sum, "db", json_string(ctx->db_path));
		json_object_set_new(sum, "steps", prog.steps);
		prog.steps = NULL;
		json_object_set_new(sum, "seconds", json_pack("{s:f, s:f}", "generate",
					(double)(long)(tg * 1000) / 1000, "load",
					(double)(long)((now_s() - t1) * 1000) / 1000));
		json_object_set_new(sum, "ledger", json_pack("{s:b, s:I, s:I, s:s}", "ok", vr.ok,
					"entries", (json_int_t)vr.entries, "head_seq",
					(json_int_t)vr.head_seq, "head_hash", vr.head_hash));
		json_object_set_new(sum, "dashboard", json_sprintf("http://%s/", listen));
		json_object_set_new(sum, "tokens", json_pack("{s:s, s:s}", "viewer", viewer,
							     "admin", admin));
		cli_print_json(sum);
	} else {
		printf("generated in %.1f s, loaded in %.1f s\n", tg, now_s() - t1);
		if (vr.ok)
			printf("ledger ok: %lld entries, head %lld:%s\n", (long long)vr.entries,
			       (long long)vr.head_seq, vr.head_hash);
		else
			printf("ledger NOT ok: %s\n", vr.reason);
		printf("\n  dashboard:    http://%s/   (sign in at /login with the viewer token)\n",
		       listen);
		printf("  viewer token: %s\n  admin token:  %s\n", viewer, admin);
		printf("  try:          aivalue --db %s findings\n", ctx->db_path);
		printf("                aivalue --db %s phase\n\n", ctx->db_path);
	}
	fflush(stdout);
	if (!vr.ok) {
		ret = 1;
		goto cleanup;
	}
	if (serve) {
		char *sargv[4] = { "serve", "--listen", (char *)listen, NULL };
		demo_free(d);
		d = NULL;
		ret = cmd_serve(3, sargv, ctx);
	}
cleanup:
	progress_stop(&prog.bar);
	json_decref(prog.steps);
	free(viewer);
	free(admin);
	free(dir_buf);
	demo_free(d);
	return ret;
}
