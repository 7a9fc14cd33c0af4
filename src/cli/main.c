/*
 * main.c - the aivalue binary: global options, the command table, and
 * the dispatcher that sets up what each command needs.
 *
 * Global options may appear anywhere on the command line and are removed
 * before the command sees argv:
 *     --db PATH        workspace database (default $AIVALUE_DB or ./aivalue.db)
 *     --catalog FILE   framework catalog (default $AIVALUE_CATALOG or built in)
 *     --json           machine-readable output
 *     --color WHEN     always, auto (default: on a terminal, not under NO_COLOR) or never
 *     --actor NAME     who the ledger says did it (default $AIVALUE_ACTOR, else
 *                      cli:USER@HOST from the operating system)
 * Exit status: 0 success, 1 bad input or state, 2 usage error.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "apply/apply.h"
#include "change/artefact.h"
#include "assess/playbook.h"
#include "assess/cost.h"
#include "cmd.h"
#include "color.h"
#include "core/progress.h"
#include "help.h"
#include "options.h"
#include "control/control.h"
#include "core/termsafe.h"
#include "ingest/identity.h"
#include "metrics/exceptions.h"
#include "org/org.h"

/* Sorted by name. */
const struct cmd_struct cli_commands[] = {
	{ "adoption", cmd_adoption, NEED_STORE | STORE_RO, "model 1: repeated use, proficiency, concentration, cohorts" },
	{ "apply", cmd_apply, NEED_STORE | NEED_CATALOG,
	  "create or update objects from YAML files (idempotent)" },
	{ "artefacts", cmd_artefacts, NEED_STORE | NEED_CATALOG, "sync artefacts from a folder with front matter; import Doorstop" },
	{ "assess", cmd_assess, NEED_STORE | NEED_CATALOG, "readiness questionnaire and scores per dimension and value model" },
	{ "audit", cmd_audit, NEED_STORE | STORE_RO,
	  "verify, read, export and checkpoint the ledger" },
	{ "baseline", cmd_baseline, NEED_STORE, "Merkle-rooted snapshots of all artefacts; diff two of them" },
	{ "cedar", cmd_cedar, 0, "evaluate Cedar policies on files (testing aid)" },
	{ "change", cmd_change, NEED_STORE | NEED_CATALOG, "change requests: open, approve, merge, review stale artefacts" },
	{ "completion", cmd_completion, 0, "print a bash, zsh or fish completion script" },
	{ "cost", cmd_cost, NEED_STORE | STORE_RO, "the cost of AI: seats, tokens, agents, by group and month" },
	{ "decide", cmd_decide, NEED_STORE, "ask for an agent decision: allow, deny or escalate" },
	{ "decisions", cmd_decisions, NEED_STORE, "the decision log: list, verify, export --otel" },
	{ "delete", cmd_delete, NEED_STORE, "delete one object" },
	{ "demo", cmd_demo, NEED_CATALOG, "generate a fictional organisation in vendor formats and load it" },
	{ "evidence", cmd_evidence, NEED_STORE | NEED_CATALOG, "evaluate value hypotheses: supported, not supported, insufficient data" },
	{ "exceptions", cmd_exceptions, NEED_STORE, "list, approve, reject and reassign escalations" },
	{ "findings", cmd_findings, NEED_STORE | NEED_CATALOG, "failure-mode findings with evidence and the leadership move" },
	{ "gateway", cmd_gateway, NEED_CATALOG, "run the MCP gateway: every agent tool call decided and recorded" },
	{ "get", cmd_get, NEED_STORE | STORE_RO, "list or show objects" },
	{ "graph", cmd_graph, NEED_STORE | STORE_RO, "artefact dependency graph: impact, deps, path, cycles" },
	{ "help", cmd_help, 0, "show help for a command" },
	{ "identities", cmd_identities, NEED_STORE, "map logins, UPNs, emails and hashed ids to people" },
	{ "import", cmd_import, 0, "import AI-usage exports and customer journeys" },
	{ "init", cmd_init, 0, "create a workspace database" },
	{ "journeys", cmd_journeys, NEED_STORE | STORE_RO | NEED_CATALOG, "model 2: intent, conversion quality, trust by channel" },
	{ "logs", cmd_logs, NEED_STORE | STORE_RO, "list imported event logs" },
	{ "metrics", cmd_metrics, NEED_STORE | STORE_RO | NEED_CATALOG, "each metric's value, target and status; its weekly or monthly history and trend" },
	{ "migrate", cmd_migrate, 0, "copy a workspace into a new database (SQLite, PostgreSQL) and verify it there" },
	{ "models", cmd_models, NEED_CATALOG,
	  "the five value models: metrics, failure modes, leadership moves" },
	{ "phase", cmd_phase, NEED_STORE | NEED_CATALOG, "the playbook phase earned, gate by gate, and initiatives ahead of it" },
	{ "process", cmd_process, NEED_STORE | STORE_RO, "process mining on an imported log: stats, compare" },
	{ "report", cmd_report, NEED_STORE | NEED_CATALOG, "one standalone HTML, Markdown or JSON report" },
	{ "roadmap", cmd_roadmap, NEED_STORE | NEED_CATALOG, "next steps ordered by gap x impact x dependency, and the Phase 2 trio" },
	{ "serve", cmd_serve, NEED_CATALOG, "run the HTTP API and dashboard" },
	{ "token", cmd_token, NEED_STORE, "create, list and revoke API tokens" },
	{ "value", cmd_value, NEED_STORE | NEED_CATALOG | STORE_RO, "what proven effects are worth, set against AI spend: ROI and payback per initiative" },
	{ "version", cmd_version, 0, "print the version" },
	{ "workflow", cmd_workflow, NEED_STORE, "agent workflow readiness, span import, shadow actions" },
};
const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

int cli_error(const struct aiv_err *err)
{
	fprintf(stderr, "error: %s\n", err->msg[0] ? err->msg : "unknown error");
	return aiv_exit_status(err->code ? err->code : AIV_EINTERNAL);
}

int cli_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

void cli_print_json(json_t *v)
{
	json_dumpf(v, stdout, CLI_JSON_FLAGS);
	fputc('\n', stdout);
	json_decref(v);
}

int cli_open_store(struct aiv_ctx *ctx, unsigned flags)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (ctx->store)
		return 0;
	if (store_open(&ctx->store, ctx->db_path,
		       (flags & STORE_RO) ? STORE_READONLY : 0, &err))
		return cli_error(&err);
	return 0;
}

int cli_load_catalog(struct aiv_ctx *ctx)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (ctx->cat)
		return 0;
	if (catalog_load(&ctx->cat, ctx->catalog_path, &err))
		return cli_error(&err);
	return 0;
}

static void print_main_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: aivalue [--db PATH] [--catalog FILE] [--json] [--color WHEN] [--actor NAME] <command> [<args>]\n\n"
		   "aivalue measures whether AI creates value in each of the five value\n"
		   "models, detects their failure modes, computes the playbook phase the\n"
		   "organisation has earned, and keeps a tamper-evident record of it all.\n\n"
		   "commands:\n");
	for (i = 0; i < cli_ncommands; i++)
		fprintf(f, "   %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
	fprintf(f, "\n'aivalue help <command>' shows a command's options.\n"
		   "Database: --db PATH, or $AIVALUE_DB, default ./aivalue.db.\n"
		   "Colour: --color always|auto|never (auto: on a terminal, not under NO_COLOR).\n"
		   "Ledger actor: --actor NAME, or $AIVALUE_ACTOR, default cli:USER@HOST.\n");
}

/* "did you mean ...?" among the command names (help.c) */
static void suggest_command(const char *typed)
{
	const char **names = xcalloc(cli_ncommands, sizeof(*names));
	size_t i;

	for (i = 0; i < cli_ncommands; i++)
		names[i] = cli_commands[i].name;
	cli_suggest(stderr, typed, names, cli_ncommands, "");
	free(names);
}

int cmd_help(int argc, char **argv, struct aiv_ctx *ctx)
{
	size_t i;
	char *hargv[3];

	if (argc < 2) {
		print_main_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--man"))
		return cli_print_man(stdout, ctx);
	for (i = 0; i < cli_ncommands; i++) {
		if (!strcmp(cli_commands[i].name, argv[1]) && cli_commands[i].fn != cmd_help) {
			hargv[0] = argv[1];
			hargv[1] = "--help";
			hargv[2] = NULL;
			cli_commands[i].fn(2, hargv, ctx);
			return 0;
		}
	}
	if (argc >= 2 && !strcmp(argv[1], "help")) {
		print_main_usage(stdout);
		return 0;
	}
	fprintf(stderr, "error: no such command '%s'\n", argv[1]);
	suggest_command(argv[1]);
	return 2;
}

int cmd_version(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue version [--json]", NULL };
	static const struct option opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
	int n;

	if (argv && (n = parse_options(argc, argv, opts, usage)) != 0)
		return n == -2 ? 0 : 2;
	if (ctx->json) {
		cli_print_json(json_pack("{s:s, s:i}", "version", AIV_VERSION,
					 "schema", store_schema_latest()));
		return 0;
	}
	printf("aivalue %s (schema %d)\n", AIV_VERSION, store_schema_latest());
	return 0;
}

/* Remove global options from argv; returns new argc or -1 on error. */
static int take_globals(int argc, char **argv, struct aiv_ctx *ctx)
{
	int i, o = 1, seen_cmd = 0;
	const char *color = NULL;
	enum color_mode mode = COLOR_AUTO;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dest = NULL;
		const char *val = NULL;

		if (!strcmp(a, "--")) {
			/* everything after belongs to the command */
			for (; i < argc; i++)
				argv[o++] = argv[i];
			break;
		}
		if (!strcmp(a, "--json")) {
			ctx->json = 1;
			continue;
		}
		if (!strcmp(a, "--quiet")) {
			progress_set_quiet(1); /* core/progress.h: no progress display */
			continue;
		}
		if (!strncmp(a, "--db", 4) && (a[4] == '\0' || a[4] == '='))
			dest = &ctx->db_path;
		else if (!strncmp(a, "--actor", 7) && (a[7] == '\0' || a[7] == '='))
			dest = &ctx->actor;
		else if (!strncmp(a, "--color", 7) && (a[7] == '\0' || a[7] == '='))
			dest = &color;
		else if (!strncmp(a, "--catalog", 9) && (a[9] == '\0' || a[9] == '='))
			dest = &ctx->catalog_path;
		if (dest) {
			const char *eq = strchr(a, '=');
			if (eq) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				fprintf(stderr, "error: option '%s' needs a value\n", a);
				return -1;
			}
			*dest = val;
			if (dest == &color && color_parse(color, &mode)) {
				fprintf(stderr, "error: --color must be always, auto or never, "
					"not '%s'\n", color);
				return -1;
			}
			if (dest == &ctx->actor && !*val) {
				fprintf(stderr, "error: --actor needs a name\n");
				return -1;
			}
			continue;
		}
		if (a[0] != '-')
			seen_cmd = 1;
		(void)seen_cmd;
		argv[o++] = argv[i];
	}
	argv[o] = NULL;
	color_set_mode(mode);
	return o;
}

/*
 * Who the ledger says did it when neither --actor nor $AIVALUE_ACTOR
 * names anyone: "cli:USER@HOST" from the operating system (the password
 * entry of the real user id, else $USER or $LOGNAME; the host name), so
 * that an entry written at a shared workspace names a person and a
 * machine.  "unknown" only for a part the system does not tell.
 */
static void os_actor(char *buf, size_t n)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *user = pw && pw->pw_name && *pw->pw_name ? pw->pw_name : getenv("USER");
	char host[256];

	if (!user || !*user)
		user = getenv("LOGNAME");
	if (gethostname(host, sizeof(host)) || !host[0])
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(buf, n, "cli:%.100s@%.100s", user && *user ? user : "unknown", host);
}

int main(int argc, char **argv)
{
	struct aiv_ctx ctx;
	const struct cmd_struct *cmd = NULL;
	const char *user;
	char actor[256];
	size_t i;
	int ret;

	/* names, activities, titles come from imported data (core/termsafe.h) */
	term_safe_stdio();
	memset(&ctx, 0, sizeof(ctx));
	ctx.db_path = getenv("AIVALUE_DB");
	if (!ctx.db_path || !*ctx.db_path)
		ctx.db_path = "aivalue.db";
	ctx.catalog_path = getenv("AIVALUE_CATALOG");
	if (ctx.catalog_path && !*ctx.catalog_path)
		ctx.catalog_path = NULL;
	argc = take_globals(argc, argv, &ctx);
	if (argc < 0)
		return 2;
	/* --actor, else $AIVALUE_ACTOR, else the operating system's user and host */
	user = getenv("AIVALUE_ACTOR");
	if (!ctx.actor && user && *user)
		ctx.actor = user;
	if (!ctx.actor) {
		os_actor(actor, sizeof(actor));
		ctx.actor = actor;
	}
	if (argc < 2) {
		print_main_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_main_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL, &ctx);
	for (i = 0; i < cli_ncommands; i++)
		if (!strcmp(cli_commands[i].name, argv[1]))
			cmd = &cli_commands[i];
	if (!cmd) {
		fprintf(stderr, "error: '%s' is not an aivalue command; see 'aivalue help'\n",
			argv[1]);
		suggest_command(argv[1]);
		return 2;
	}
	if ((ret = cli_check_subcommand(argc - 1, argv + 1)))
		return ret;
	cli_register_schema();
	org_register_kinds();
	change_register_kinds();
	assess_register(cli_questionnaire_path());
	control_register_kinds();
	ingest_register_kinds();
	exceptions_register_kinds();
	cost_register_kinds();

	/* --help needs neither store nor catalog */
	for (i = 2; i < (size_t)argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") ||
		    !strcmp(argv[i], OPT_HELPER_FLAG))
			return cmd->fn(argc - 1, argv + 1, &ctx) < 0 ? 2 : 0;
	if ((cmd->flags & NEED_CATALOG) && (ret = cli_load_catalog(&ctx)))
		goto out;
	if ((cmd->flags & NEED_STORE) && (ret = cli_open_store(&ctx, cmd->flags)))
		goto out;
	ret = cmd->fn(argc - 1, argv + 1, &ctx);
out:
	store_close(ctx.store);
	catalog_free(ctx.cat);
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "error: cannot write output: %s\n", strerror(errno));
		return ret ? ret : 1;
	}
	return ret;
}
