/*
 * color.h - whether the CLI colours its output, and the one place that
 * writes the colour codes.
 *
 * Colour marks a state a reader looks for first: a gate that passes or
 * fails or lacks evidence, a metric on track, at risk or off track, a
 * finding's severity.  The decision is made once, here:
 *
 *     --color=never                 never
 *     --color=always                always (also in a pipe, also under NO_COLOR:
 *                                   the flag is the more specific wish, as
 *                                   no-color.org asks)
 *     --color=auto (the default)    only when stdout is a terminal, NO_COLOR
 *                                   is unset or empty and TERM is not "dumb"
 *
 * Standard output escapes every control character (core/termsafe.h), so a
 * colour code cannot be printed through it: color_fputs() flushes stdout
 * and writes the code to file descriptor 1 itself, between the escaped
 * text.  Printers never write ESC themselves; they name a colour kind.
 */
#ifndef AIV_CLI_COLOR_H
#define AIV_CLI_COLOR_H

#include <stdio.h>

enum color_mode { COLOR_AUTO = 0, COLOR_ALWAYS, COLOR_NEVER };

enum color_kind {
	COLOR_NONE = 0,
	COLOR_GOOD,    /* pass, on track */
	COLOR_WARN,    /* lacks evidence, at risk, medium severity */
	COLOR_BAD,     /* fail, off track, high severity */
	COLOR_DIM,     /* low severity, "no data" */
};

/* "always", "auto" or "never" into *mode: 0, or -1 for anything else. */
int color_parse(const char *s, enum color_mode *mode);
/* Set by take_globals() in main.c from --color; COLOR_AUTO when absent. */
void color_set_mode(enum color_mode mode);
/* 1 when stdout gets colour (decided on the first call, then cached). */
int color_enabled(void);
/*
 * The colour of a state word as the printers write it: "pass", "on track"
 * good; "fail", "off track", "high" bad; "lacks evidence", "at risk",
 * "medium" warn; "low", "no data" dim; anything else none.
 */
enum color_kind color_for_word(const char *word);
/*
 * Write s to stdout in colour k when colour is on, else plain.  s goes
 * through stdout's escaper like any other text; only the codes do not.
 */
void color_fputs(enum color_kind k, const char *s);

#endif
