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

#endif
