/*
 * help.h - what the command line knows about itself: suggestions for a
 * mistyped command, subcommand or option ("did you mean ...?"), the
 * subcommands each command dispatches on, and every command's option
 * table collected in-process for the completion scripts (completion.c)
 * and the man page (`aivalue help --man`).
 */
#ifndef AIV_CLI_HELP_H
#define AIV_CLI_HELP_H

#include <stdio.h>

#include "cmd.h"

/*
 * After "error: 'x' is not ...": print to `f` "did you mean 'y'?" (or
 * the tied best candidates, one a line) when some candidate is close
 * enough (core/levenshtein.h with git's weights and floor; a candidate
 * that starts with `typed` counts as closest).  `prefix` goes before each
 * name ("--" for options).  Returns how many were suggested.
 */
int cli_suggest(FILE *f, const char *typed, const char *const *cands, size_t n,
		const char *prefix);

/* The subcommands `cmd` dispatches on (NULL-terminated), or NULL for none. */
const char *const *cli_subcommands(const char *cmd);

/*
 * argv[0] is a command that takes subcommands and argv[1] a word that is
 * none of them: print "error: 'WORD' is not an aivalue CMD subcommand"
 * and the suggestion, and return 2.  Otherwise 0 (also when argv[1] is an
 * option: the command itself then decides).
 */
int cli_check_subcommand(int argc, char **argv);

/* One option as a command's table declares it (copied strings). */
struct cli_optdoc {
	char *long_name, *argh, *help;
	char short_name;
	int takes_value;
};

/* One command or subcommand's usage lines and options. */
struct cli_cmddoc {
	const struct cmd_struct *cmd;
	const char *sub;  /* NULL for the command itself */
	int found;        /* its parse_options() answered */
	char **usage;     /* NULL-terminated */
	struct cli_optdoc *opts;
	size_t nopts;
};

struct cli_docs {
	struct cli_cmddoc *v;
	size_t n, alloc;
};

/*
 * Ask every command of cli_commands (and each of its subcommands) for
 * its option table through OPT_HELPER_FLAG, in-process, with stdout and
 * stderr silenced meanwhile.  The caller releases with cli_docs_release.
 */
void cli_docs_collect(struct cli_docs *d, struct aiv_ctx *ctx);
void cli_docs_release(struct cli_docs *d);
/* The entry for (cmd, sub), or NULL. */
const struct cli_cmddoc *cli_docs_find(const struct cli_docs *d, const char *cmd,
				       const char *sub);

/*
 * The global options main.c takes anywhere on the line, for the man page
 * and completion: NULL-terminated rows of { name, ARGH or NULL, help }.
 */
extern const char *const cli_global_options[][3];

/* `aivalue help --man`: the roff man page aivalue(1) to f; 0. */
int cli_print_man(FILE *f, struct aiv_ctx *ctx);

#endif
