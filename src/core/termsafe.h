/*
 * termsafe.h - text that is safe to show on a terminal.
 *
 * Names, activities and titles come from imported files and API bodies.
 * Printed raw, a name holding ESC [2J clears the reader's screen, and
 * other escape sequences retitle the window, move the cursor to overwrite
 * earlier lines, or (on some terminals) answer back into the input.  So
 * the CLI's standard output and error go through an escaper that shows
 * every control character as text:
 *
 *     C0 controls but tab and newline           ->  \x1b, \x0d
 *     DEL and C1 controls (U+007F..U+009F)       ->  \u007f, \u009b
 *     bytes that are not UTF-8                   ->  \xff
 *
 * Everything else (all of UTF-8, backslashes) passes unchanged, so text
 * without control characters prints byte for byte as before.  JSON output
 * has no raw control characters to begin with (jansson escapes them).
 */
#ifndef AIV_TERMSAFE_H
#define AIV_TERMSAFE_H

#include <stddef.h>
#include <stdio.h>

#include "core/strbuf.h"

/*
 * Streaming state: the start of a UTF-8 sequence cut at a chunk boundary
 * waits here for the rest.  Zero-initialise (TERM_ESCAPER_INIT).
 */
struct term_escaper {
	unsigned char pend[4];
	size_t npend, need;
};

#define TERM_ESCAPER_INIT { { 0 }, 0, 0 }

/* Append s[0..len) escaped to out, keeping an unfinished sequence in e. */
void term_escape_chunk(struct term_escaper *e, struct strbuf *out, const char *s,
		       size_t len);
/* End of text: an unfinished sequence is not UTF-8; append it escaped. */
void term_escape_finish(struct term_escaper *e, struct strbuf *out);
/* Append the whole of s[0..len) escaped to out. */
void strbuf_add_term(struct strbuf *out, const char *s, size_t len);

/*
 * Replace stdout and stderr by streams that escape as above and write to
 * file descriptors 1 and 2, buffered as before (stdout by line on a
 * terminal, stderr not at all).  Call once, before anything is written.
 * 0, or -1 (streams left as they were) where the C library has no
 * fopencookie().
 */
int term_safe_stdio(void);
/*
 * The stderr from before term_safe_stdio(), for output that means its
 * control characters: the progress line's carriage return and erase.
 * Never print data through it.
 */
FILE *term_raw_stderr(void);

#endif
