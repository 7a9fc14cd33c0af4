/*
 * suggest.c - "did you mean ...?" and the subcommands each command
 * dispatches on; see help.h.
 *
 * Suggestions follow git's help.c: every candidate gets a score, the
 * weighted Damerau-Levenshtein distance plus one (swap 0, substitution 2,
 * insertion 1, deletion 3: core/levenshtein.h), or 0 when it starts with
 * what was typed; the best score is suggested, with every candidate tied
 * on it, if it is under 7.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/levenshtein.h"
#include "help.h"

#define SIMILARITY_FLOOR 7

static int score(const char *typed, const char *cand)
{
	if (!strncmp(cand, typed, strlen(typed)))
		return 0;
	return levenshtein(typed, cand, 0, 2, 1, 3) + 1;
}

int cli_suggest(FILE *f, const char *typed, const char *const *cands, size_t n,
		const char *prefix)
{
	int *sc, best = SIMILARITY_FLOOR;
	size_t i, count = 0;

	if (!*typed || !n)
		return 0;
	sc = xcalloc(n, sizeof(*sc));
	for (i = 0; i < n; i++) {
		sc[i] = score(typed, cands[i]);
		if (sc[i] < best)
			best = sc[i];
	}
	for (i = 0; i < n; i++)
		count += sc[i] == best;
	if (count == 1) {
		for (i = 0; i < n; i++)
			if (sc[i] == best)
				fprintf(f, "did you mean '%s%s'?\n", prefix, cands[i]);
	} else if (count > 1) {
		fprintf(f, "did you mean one of these?\n");
		for (i = 0; i < n; i++)
			if (sc[i] == best)
				fprintf(f, "\t%s%s\n", prefix, cands[i]);
	}
	free(sc);
	return (int)count;
}

/*
 * The subcommands each dispatcher in src/cli/ recognises (the first
 * word after the command).  NEEDSWORK: the dispatchers compare strings
 * themselves; t1620 checks that each name here appears in the command's
 * usage, so a renamed subcommand shows up there.
 */
static const struct {
	const char *cmd;
	const char *const subs[14];
} subcommands[] = {
	{ "artefacts", { "sync", "import-doorstop", NULL } },
	{ "assess", { "org", "show", "questions", "answer", "workflow", "import", "crosswalk",
		      NULL } },
	{ "audit", { "verify", "log", "show", "export", "checkpoint", "keygen", "stream", NULL } },
	{ "baseline", { "create", "diff", "list", NULL } },
	{ "cedar", { "eval", "check", NULL } },
	{ "change", { "open", "approve", "reject", "merge", "attach", "review", "list", "stale",
		      "conflicts", "show", "verify", "metrics", NULL } },
	{ "completion", { "bash", "zsh", "fish", NULL } },
	{ "decisions", { "list", "verify", "flush", "export", NULL } },
	{ "exceptions", { "list", "show", "approve", "reject", "reassign", NULL } },
	{ "graph", { "impact", "deps", "path", "cycles", NULL } },
	{ "identities", { "import", "list", "unmatched", NULL } },
	{ "import", { "usage", "cases", "journeys", "org", NULL } },
	{ "metrics", { "list", "show", "history", NULL } },
	{ "process", { "stats", "compare", NULL } },
	{ "token", { "create", "list", "revoke", NULL } },
	{ "workflow", { "readiness", "import-spans", "shadow", NULL } },
};

const char *const *cli_subcommands(const char *cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(subcommands[i].cmd, cmd))
			return subcommands[i].subs;
	return NULL;
}

int cli_check_subcommand(int argc, char **argv)
{
	const char *const *subs = cli_subcommands(argv[0]);
	size_t n = 0;

	if (!subs || argc < 2 || argv[1][0] == '-')
		return 0;
	for (n = 0; subs[n]; n++)
		if (!strcmp(subs[n], argv[1]))
			return 0;
	fprintf(stderr, "error: '%s' is not an aivalue %s subcommand; see 'aivalue help %s'\n",
		argv[1], argv[0], argv[0]);
	cli_suggest(stderr, argv[1], subs, n, "");
	return 2;
}

