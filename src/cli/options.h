/*
 * options.h - command-line options declared as data (after git's
 * parse-options): each command lists its options in a table, and the same
 * table drives parsing, validation and the usage text.
 */
#ifndef AIV_OPTIONS_H
#define AIV_OPTIONS_H

enum opt_type {
	OPT_END = 0,
	OPT_BOOL,   /* int *: set to 1 */
	OPT_STRING, /* const char **: the argument */
	OPT_INT,    /* long long *: a decimal integer */
	OPT_LIST,   /* struct opt_list *: every occurrence */
};

struct opt_list {
	const char **v;
	int n, alloc;
};

struct option {
	enum opt_type type;
	char short_name;       /* 0 for none */
	const char *long_name; /* without the dashes */
	void *value;
	const char *argh;      /* argument placeholder for usage, e.g. "FILE" */
	const char *help;
};

/*
 * Parse argv[1..argc-1] (argv[0] is the command name).  Options may come
 * in any order among arguments; "--" ends options; "--name=value" and
 * "--name value" both work.  Remaining arguments are moved to the front of
 * argv after argv[0]; returns their count (>= 0), or -1 after printing a
 * usage error, or -2 after printing help for -h/--help (exit 0).
 * `usage` is the synopsis lines, NULL-terminated.
 */
int parse_options(int argc, char **argv, const struct option *opts,
		  const char *const *usage);
void usage_with_options(const char *const *usage, const struct option *opts,
			int to_stderr);
void opt_list_release(struct opt_list *l);

/*
 * The hidden flag every parse_options() call answers, after git's
 * --git-completion-helper: `aivalue CMD [SUB] --aivalue-completion-helper`
 * prints the command's option table, one option a line, and exits 0:
 *     --NAME            a flag
 *     --NAME=           takes a value
 *     --NAME=\tA B C    takes one of these values (from an ARGH "a|b|c")
 * followed by --json and --help.  The completion script and the man page
 * are generated from the same tables this way (cli/help.c).
 */
#define OPT_HELPER_FLAG "--aivalue-completion-helper"

/*
 * Instead of printing, hand the table to `fn` (in-process collection for
 * `aivalue completion` and `help --man`); NULL restores printing.  The
 * table and usage are borrowed for the duration of the call only.
 */
typedef void (*opt_dump_fn)(void *arg, const struct option *opts, const char *const *usage);
void options_set_dump(opt_dump_fn fn, void *arg);

/*
 * Split an ARGH such as "small|medium|large" into its values: fills
 * out[0..max-1] with pointers into buf (which holds a copy) and returns
 * the count; 0 when ARGH names a placeholder (FILE, N, SEQ|ID) instead.
 */
int opt_argh_values(const char *argh, char *buf, size_t bufsz, const char **out, int max);

#endif
