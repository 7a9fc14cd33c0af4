/*
 * help.c - the command line describing itself; see help.h.
 *
 * Suggestions and the subcommand lists are in suggest.c (which needs
 * nothing from main.c, so parse_options can use it anywhere).
 *
 * The option tables are local arrays inside each cmd_* function, so they
 * are collected the way git's completion asks each builtin: call the
 * command with OPT_HELPER_FLAG, which parse_options() answers by handing
 * the table to a collector (options_set_dump) and returning "help shown".
 * No command reaches its store or catalog on that path, which is the same
 * path `aivalue CMD --help` takes without a workspace.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "help.h"
#include "options.h"

const char *const cli_global_options[][3] = {
	{ "db", "PATH", "the workspace database: a SQLite file or a postgresql:// URI (default $AIVALUE_DB, or ./aivalue.db)" },
	{ "catalog", "FILE", "the framework catalog (default $AIVALUE_CATALOG, or built in)" },
	{ "json", NULL, "machine-readable output (read commands)" },
	{ "quiet", NULL, "no progress display on the terminal" },
	{ "color", "always|auto|never", "colour on a terminal (auto: not in pipes, not under NO_COLOR)" },
	{ "actor", "NAME", "who the ledger names (default $AIVALUE_ACTOR, or cli:USER@HOST)" },
	{ NULL, NULL, NULL },
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void collect(void *arg, const struct option *opts, const char *const *usage)
{
	struct cli_cmddoc *c = arg;
	const struct option *o;
	size_t n = 0, i;

	c->found = 1;
	for (n = 0; usage && usage[n]; n++)
		;
	c->usage = xcalloc(n + 1, sizeof(*c->usage));
	for (i = 0; i < n; i++)
		c->usage[i] = xstrdup(usage[i]);
	for (n = 0, o = opts; o->type != OPT_END; o++)
		n++;
	c->opts = xcalloc(n + 1, sizeof(*c->opts));
	for (o = opts; o->type != OPT_END; o++) {
		struct cli_optdoc *d = &c->opts[c->nopts++];
		d->long_name = xstrdup(o->long_name);
		d->argh = dup_or_null(o->type == OPT_BOOL ? NULL : (o->argh ? o->argh : "VALUE"));
		d->help = dup_or_null(o->help);
		d->short_name = o->short_name;
		d->takes_value = o->type != OPT_BOOL;
	}
}

static void ask(struct cli_docs *d, const struct cmd_struct *cmd, const char *sub,
		struct aiv_ctx *ctx)
{
	struct cli_cmddoc *c;
	char *argv[4];
	int argc = 0;

	ALLOC_GROW(d->v, d->n + 1, d->alloc);
	c = &d->v[d->n++];
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->sub = sub;
	argv[argc++] = (char *)cmd->name;
	if (sub)
		argv[argc++] = (char *)sub;
	argv[argc++] = OPT_HELPER_FLAG;
	argv[argc] = NULL;
	options_set_dump(collect, c);
	cmd->fn(argc, argv, ctx);
	options_set_dump(NULL, NULL);
	if (!c->usage)
		c->usage = xcalloc(1, sizeof(*c->usage));
}

void cli_docs_collect(struct cli_docs *d, struct aiv_ctx *ctx)
{
	int saved_out, saved_err, null;
	size_t i;

	memset(d, 0, sizeof(*d));
	/* a command may print after "help shown" (get lists its kinds) */
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	for (i = 0; i < cli_ncommands; i++) {
		const struct cmd_struct *cmd = &cli_commands[i];
		const char *const *subs = cli_subcommands(cmd->name);

		if (cmd->fn == cmd_help)
			continue;
		ask(d, cmd, NULL, ctx);
		for (; subs && *subs; subs++)
			ask(d, cmd, *subs, ctx);
	}
	fflush(stdout);
	fflush(stderr);
	if (saved_out >= 0) {
		dup2(saved_out, 1);
		close(saved_out);
	}
	if (saved_err >= 0) {
		dup2(saved_err, 2);
		close(saved_err);
	}
}

void cli_docs_release(struct cli_docs *d)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		struct cli_cmddoc *c = &d->v[i];
		for (j = 0; c->usage && c->usage[j]; j++)
			free(c->usage[j]);
		free(c->usage);
		for (j = 0; j < c->nopts; j++) {
			free(c->opts[j].long_name);
			free(c->opts[j].argh);
			free(c->opts[j].help);
		}
		free(c->opts);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

const struct cli_cmddoc *cli_docs_find(const struct cli_docs *d, const char *cmd,
				       const char *sub)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].cmd->name, cmd) &&
		    (sub ? d->v[i].sub && !strcmp(d->v[i].sub, sub) : !d->v[i].sub))
			return &d->v[i];
	return NULL;
}

/* Text into roff: backslashes escaped, '-' as \-, a leading '.' or '\'' guarded. */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void man_option(FILE *f, char short_name, const char *name, const char *argh,
		       const char *help)
{
	fputs(".TP\n", f);
	if (short_name)
		fprintf(f, "\\fB\\-%c\\fR, ", short_name);
	fputs("\\fB\\-\\-", f);
	roff(f, name);
	fputs("\\fR", f);
	if (argh) {
		fputs(" \\fI", f);
		roff(f, argh);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff(f, help && *help ? help : "(no description)");
	fputc('\n', f);
}

static void man_usage(FILE *f, const struct cli_cmddoc *c)
{
	size_t i;

	if (!c || !c->usage[0])
		return;
	fputs(".PP\n.nf\n", f);
	for (i = 0; c->usage[i]; i++) {
		roff(f, c->usage[i]);
		fputc('\n', f);
	}
	fputs(".fi\n", f);
}

static void man_options(FILE *f, const struct cli_cmddoc *c, const struct cli_cmddoc *top)
{
	size_t i, j;

	if (!c)
		return;
	for (i = 0; i < c->nopts; i++) {
		const struct cli_optdoc *o = &c->opts[i];
		int dup = 0;
		/* a subcommand that shares its command's table: options once, under the command */
		for (j = 0; top && top != c && j < top->nopts; j++)
			dup |= !strcmp(top->opts[j].long_name, o->long_name);
		if (!dup)
			man_option(f, o->short_name, o->long_name, o->argh, o->help);
	}
}

int cli_print_man(FILE *f, struct aiv_ctx *ctx)
{
	struct cli_docs d;
	size_t i;

	cli_docs_collect(&d, ctx);
	fprintf(f, ".\\\" generated by 'aivalue help --man' from the option tables; do not edit\n");
	fprintf(f, ".TH AIVALUE 1 \"\" \"aivalue %s\" \"aivalue manual\"\n", AIV_VERSION);
	fputs(".SH NAME\naivalue \\- measure whether AI creates value, and keep the record\n", f);
	fputs(".SH SYNOPSIS\n.B aivalue\n[\\fIglobal options\\fR] \\fIcommand\\fR "
	      "[\\fIsubcommand\\fR] [\\fIoptions\\fR] [\\fIarguments\\fR]\n", f);
	fputs(".SH DESCRIPTION\n"
	      "aivalue measures whether AI creates value in each of the five value models, "
	      "detects their failure modes, computes the playbook phase the organisation has "
	      "earned, and keeps a tamper\\-evident record of it all.\n"
	      ".PP\nOptions may come before or after arguments; \\fB\\-\\-\\fR ends them. "
	      "\\fB\\-\\-name=value\\fR and \\fB\\-\\-name value\\fR both work. "
	      "A mistyped command, subcommand or option is answered with the nearest ones.\n", f);
	fputs(".SH GLOBAL OPTIONS\nThese may appear anywhere on the command line.\n", f);
	for (i = 0; cli_global_options[i][0]; i++)
		man_option(f, 0, cli_global_options[i][0], cli_global_options[i][1],
			   cli_global_options[i][2]);
	fputs(".SH COMMANDS\n", f);
	for (i = 0; i < cli_ncommands; i++) {
		const struct cmd_struct *cmd = &cli_commands[i];
		const struct cli_cmddoc *top = cli_docs_find(&d, cmd->name, NULL);
		const char *const *subs = cli_subcommands(cmd->name);

		fprintf(f, ".SS \"aivalue %s\"\n", cmd->name);
		roff(f, cmd->summary);
		fputc('\n', f);
		man_usage(f, top);
		man_options(f, top, NULL);
		for (; subs && *subs; subs++) {
			const struct cli_cmddoc *c = cli_docs_find(&d, cmd->name, *subs);
			if (!c || !c->found || (top && top->found && c->nopts == top->nopts &&
						c->usage[0] && top->usage[0] &&
						!strcmp(c->usage[0], top->usage[0])))
				continue;
			man_usage(f, c);
			man_options(f, c, top);
		}
	}
	fputs(".SH EXIT STATUS\n0 success, 1 bad input or state, 2 usage error "
	      "(including an unknown command, subcommand or option).\n", f);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B AIVALUE_DB\nthe workspace database when \\fB\\-\\-db\\fR is not given\n"
	      ".TP\n.B AIVALUE_CATALOG\nthe framework catalog when \\fB\\-\\-catalog\\fR "
	      "is not given\n"
	      ".TP\n.B AIVALUE_ACTOR\nwho the ledger says did it\n", f);
	fputs(".SH SEE ALSO\nThe docs/ folder of the source tree, starting with docs/cli.md; "
	      "\\fBaivalue completion bash\\fR for shell completion.\n", f);
	cli_docs_release(&d);
	return 0;
}
