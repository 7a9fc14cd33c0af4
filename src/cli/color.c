/*
 * color.c - the colour decision and the colour codes (color.h).
 *
 * The codes are the eight basic SGR colours, which every terminal that
 * understands colour at all shows; bold or 256-colour codes would add
 * nothing a reader needs.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiv.h"
#include "color.h"

static enum color_mode color_mode;
static int color_decided = -1; /* -1 until color_enabled() first runs */

int color_parse(const char *s, enum color_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = COLOR_AUTO;
	else if (!strcmp(s, "always"))
		*mode = COLOR_ALWAYS;
	else if (!strcmp(s, "never"))
		*mode = COLOR_NEVER;
	else
		return -1;
	return 0;
}

void color_set_mode(enum color_mode mode)
{
	color_mode = mode;
	color_decided = -1;
}

int color_enabled(void)
{
	const char *no_color, *term;

	if (color_decided >= 0)
		return color_decided;
	if (color_mode == COLOR_ALWAYS) {
		color_decided = 1;
	} else if (color_mode == COLOR_NEVER) {
		color_decided = 0;
	} else {
		no_color = getenv("NO_COLOR");
		term = getenv("TERM");
		color_decided = isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
				!(term && !strcmp(term, "dumb"));
	}
	return color_decided;
}

enum color_kind color_for_word(const char *w)
{
	static const struct { const char *word; enum color_kind k; } words[] = {
		{ "pass", COLOR_GOOD }, { "on track", COLOR_GOOD },
		{ "fail", COLOR_BAD }, { "off track", COLOR_BAD }, { "high", COLOR_BAD },
		{ "lacks evidence", COLOR_WARN }, { "at risk", COLOR_WARN },
		{ "medium", COLOR_WARN },
		{ "low", COLOR_DIM }, { "no data", COLOR_DIM },
	};
	size_t i;

	for (i = 0; w && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(w, words[i].word))
			return words[i].k;
	return COLOR_NONE;
}

/* The code straight to fd 1, after what stdout holds (see color.h). */
static void raw_code(const char *code)
{
	size_t len = strlen(code), off = 0;
	ssize_t w;

	fflush(stdout);
	while (off < len) {
		w = write(STDOUT_FILENO, code + off, len - off);
		if (w <= 0)
			return; /* stdout's own error shows at exit */
		off += (size_t)w;
	}
}

void color_fputs(enum color_kind k, const char *s)
{
	static const char *const codes[] = {
		[COLOR_NONE] = "", [COLOR_GOOD] = "\033[32m", [COLOR_WARN] = "\033[33m",
		[COLOR_BAD] = "\033[31m", [COLOR_DIM] = "\033[2m",
	};

	if (k == COLOR_NONE || !color_enabled()) {
		fputs(s, stdout);
		return;
	}
	raw_code(codes[k]);
	fputs(s, stdout);
	raw_code("\033[0m");
}
