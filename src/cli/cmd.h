/*
 * cmd.h - the command table's contract.
 *
 * How to add a command `aivalue frob`:
 *   1. write src/cli/frob.c exporting
 *          int cmd_frob(int argc, char **argv, struct aiv_ctx *ctx);
 *      argv[0] is "frob"; parse options with parse_options() (options.h)
 *      declared as a table; return the exit status (0 ok, 1 bad input or
 *      state, 2 usage), printing errors with cli_error();
 *   2. declare it below and add one line to the sorted commands[] table in
 *      main.c with the flags saying what the dispatcher sets up first
 *      (NEED_STORE opens the workspace, NEED_CATALOG loads the framework);
 *   3. the build picks up every .c under src/ by itself (CMake glob);
 *   4. add tests/e2e/tNNNN-frob.sh driving the real binary;
 *   5. document it in README.md under "Commands";
 *   6. if it dispatches on subcommands (`frob add`, `frob list`), list them
 *      in suggest.c: a mistyped one is then answered with "did you mean"
 *      and they complete in the shell (docs/cli.md).  Options come from the
 *      table by themselves, into completion and the man page.
 */
#ifndef AIV_CMD_H
#define AIV_CMD_H

#include "aiv.h"
#include "catalog/catalog.h"
#include "store/store.h"

struct aiv_ctx {
	const char *db_path;      /* --db, $AIVALUE_DB, or ./aivalue.db */
	const char *catalog_path; /* --catalog, $AIVALUE_CATALOG, or NULL (built in) */
	int json;                 /* --json anywhere on the command line */
	const char *actor;        /* who the ledger says did it */
	struct store *store;      /* opened when the command has NEED_STORE */
	struct catalog *cat;      /* loaded when the command has NEED_CATALOG */
};

enum cmd_flags {
	NEED_STORE = 1 << 0,
	NEED_CATALOG = 1 << 1,
	STORE_RO = 1 << 2, /* open read-only */
};

/* Print "error: MSG" to stderr; returns the exit status for err. */
int cli_error(const struct aiv_err *err);
/* Print "error: ..." and return 1. */
int cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Print the JSON value to stdout (indented, CLI_JSON_FLAGS) and a newline;
 * steals v.  What is printed later from a kept copy (process stats'
 * figures kept by the import) is rendered with the same flags.
 */
#define CLI_JSON_FLAGS JSON_INDENT(2)
void cli_print_json(json_t *v);

/* Open the store / load the catalog on demand (for commands that decide late). */
int cli_open_store(struct aiv_ctx *ctx, unsigned flags);
int cli_load_catalog(struct aiv_ctx *ctx);
/*
 * --as-of DATE (core/timeutil.h time_parse_iso; a bare date is the end of
 * that day) into *us: 0, or 2 after printing the usage error.
 */
int cli_parse_as_of(const char *s, int64_t *us);

/* Register every layer's tables with the store (schema.c); before any open. */
void cli_register_schema(void);

int cmd_adoption(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_apply(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_artefacts(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_audit(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_baseline(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_change(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_completion(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_assess(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_evidence(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_delete(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_cost(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_value(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_demo(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_findings(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_cedar(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_decide(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_decisions(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_exceptions(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_get(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_migrate(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_graph(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_help(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_identities(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_import(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_import_cases(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_import_journeys(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_init(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_journeys(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_metrics(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_models(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_phase(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_report(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_roadmap(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_logs(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_process(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_serve(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_gateway(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_token(int argc, char **argv, struct aiv_ctx *ctx);
int cmd_version(int argc, char **argv, struct aiv_ctx *ctx);
const char *cli_questionnaire_path(void); /* $AIVALUE_QUESTIONNAIRE or NULL (built in) */
int cmd_workflow(int argc, char **argv, struct aiv_ctx *ctx);
struct cost_result;
/* The text form of a cost result (cli/cost.c): one table, groups by name. */
void cli_cost_print(struct store *st, const struct cost_result *r);

/* For `help`: the command table. */
struct cmd_struct {
	const char *name;
	int (*fn)(int, char **, struct aiv_ctx *);
	unsigned flags;
	const char *summary;
};
extern const struct cmd_struct cli_commands[];
extern const size_t cli_ncommands;

#endif
