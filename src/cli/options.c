/*
 * options.c - table-driven option parsing; see options.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiv.h"
#include "help.h"
#include "options.h"

static opt_dump_fn dump_fn;
static void *dump_arg;

void options_set_dump(opt_dump_fn fn, void *arg)
{
	dump_fn = fn;
	dump_arg = arg;
}

int opt_argh_values(const char *argh, char *buf, size_t bufsz, const char **out, int max)
{
	const char *c;
	char *p;
	int n = 0;

	/* values are lowercase words joined by '|'; "SEQ|ID" is two placeholders */
	if (!argh || !strchr(argh, '|') || strlen(argh) >= bufsz)
		return 0;
	for (c = argh; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '|' ||
		      *c == '-' || *c == '_' || *c == '.'))
			return 0;
	memcpy(buf, argh, strlen(argh) + 1);
	for (p = buf; p && n < max;) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		if (*p)
			out[n++] = p;
		p = bar ? bar + 1 : NULL;
	}
	return n;
}

/* OPT_HELPER_FLAG without a collector: the table in machine form (options.h). */
static void print_helper(const struct option *opts)
{
	const struct option *o;

	for (o = opts; o->type != OPT_END; o++) {
		char buf[256];
		const char *vals[32];
		int n = o->type == OPT_BOOL ? 0 :
			opt_argh_values(o->argh, buf, sizeof(buf), vals, 32), i;

		printf("--%s%s", o->long_name, o->type == OPT_BOOL ? "" : "=");
		for (i = 0; i < n; i++)
			printf("%c%s", i ? ' ' : '\t', vals[i]);
		putchar('\n');
	}
	printf("--json\n--help\n");
}

static void suggest_option(const char *typed, size_t len, const struct option *opts)
{
	const char **names;
	const struct option *o;
	char *word = xmalloc(len + 1);
	size_t n = 0;

	for (o = opts; o->type != OPT_END; o++)
		n++;
	names = xcalloc(n + 2, sizeof(*names));
	n = 0;
	for (o = opts; o->type != OPT_END; o++)
		names[n++] = o->long_name;
	names[n++] = "json";
	names[n++] = "help";
	memcpy(word, typed, len);
	word[len] = '\0';
	cli_suggest(stderr, word, names, n, "--");
	free(word);
	free(names);
}

void opt_list_release(struct opt_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void usage_with_options(const char *const *usage, const struct option *opts,
			int to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;
	const struct option *o;
	int i;

	for (i = 0; usage[i]; i++)
		fprintf(f, "%s%s\n", i ? "   or: " : "usage: ", usage[i]);
	fputc('\n', f);
	for (o = opts; o->type != OPT_END; o++) {
		char left[80];
		int n;

		if (o->short_name)
			n = snprintf(left, sizeof(left), "    -%c, --%s", o->short_name,
				     o->long_name);
		else
			n = snprintf(left, sizeof(left), "    --%s", o->long_name);
		if (o->type != OPT_BOOL && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s",
				 o->argh ? o->argh : "VALUE");
		fprintf(f, "%-30s %s\n", left, o->help);
	}
	fprintf(f, "%-30s %s\n", "    --json", "machine-readable output (read commands)");
	fprintf(f, "%-30s %s\n", "    -h, --help", "show this help");
}

static int set_value(const struct option *o, const char *arg, const char *shown)
{
	struct opt_list *l;
	char *end;
	long long v;

	switch (o->type) {
	case OPT_BOOL:
		*(int *)o->value = 1;
		return 0;
	case OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPT_INT:
		errno = 0;
		v = strtoll(arg, &end, 10);
		if (!*arg || *end || errno) {
			fprintf(stderr, "error: option '%s' expects an integer, not '%s'\n",
				shown, arg);
			return -1;
		}
		*(long long *)o->value = v;
		return 0;
	case OPT_LIST:
		l = o->value;
		ALLOC_GROW(l->v, (size_t)l->n + 1, l->alloc);
		l->v[l->n++] = arg;
		return 0;
	default:
		return -1;
	}
}

int parse_options(int argc, char **argv, const struct option *opts,
		  const char *const *usage)
{
	int i, nrest = 0, only_args = 0;
	char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct option *o;
		const char *val = NULL;
		char shown[128];

		if (only_args || a[0] != '-' || !a[1]) {
			rest[nrest++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		if (!strcmp(a, OPT_HELPER_FLAG)) {
			if (dump_fn)
				dump_fn(dump_arg, opts, usage);
			else
				print_helper(opts);
			free(rest);
			return -2;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage_with_options(usage, opts, 0);
			free(rest);
			return -2;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			for (o = opts; o->type != OPT_END; o++)
				if (strlen(o->long_name) == len && !strncmp(o->long_name, a + 2, len))
					break;
			snprintf(shown, sizeof(shown), "--%.*s", (int)len, a + 2);
			if (eq)
				val = eq + 1;
		} else {
			for (o = opts; o->type != OPT_END; o++)
				if (o->short_name && o->short_name == a[1])
					break;
			snprintf(shown, sizeof(shown), "-%c", a[1]);
			if (o->type != OPT_END && a[2])
				val = a + 2;
		}
		if (o->type == OPT_END) {
			fprintf(stderr, "error: unknown option '%s'\n", shown);
			if (a[1] == '-')
				suggest_option(a + 2, strlen(shown) - 2, opts);
			fputc('\n', stderr);
			usage_with_options(usage, opts, 1);
			free(rest);
			return -1;
		}
		if (o->type == OPT_BOOL) {
			if (val) {
				fprintf(stderr, "error: option '%s' takes no value\n", shown);
				free(rest);
				return -1;
			}
		} else if (!val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "error: option '%s' needs a value\n", shown);
				free(rest);
				return -1;
			}
			val = argv[++i];
		}
		if (set_value(o, val, shown)) {
			free(rest);
			return -1;
		}
	}
	for (i = 0; i < nrest; i++)
		argv[1 + i] = rest[i];
	argv[1 + nrest] = NULL;
	free(rest);
	return nrest;
}
