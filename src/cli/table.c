/*
 * table.c - aligned tables fitted to the terminal (table.h).
 *
 * Widths count characters: a UTF-8 continuation byte adds nothing.  That
 * is right for the Latin, Greek and Cyrillic names the data holds;
 * NEEDSWORK: East Asian wide characters take two columns and are counted
 * as one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "aiv.h"
#include "core/strbuf.h"
#include "core/termsafe.h"
#include "core/xalloc.h"
#include "table.h"

static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void push(struct table *t, const char *text, enum color_kind k)
{
	struct strbuf sb = STRBUF_INIT;
	struct table_cell *c;

	if (!text)
		text = "-";
	strbuf_add_term(&sb, text, strlen(text));
	if (t->ncells == t->acells) {
		t->acells = t->acells ? 2 * t->acells : 64;
		t->cells = xrealloc(t->cells, t->acells * sizeof(*t->cells));
	}
	c = &t->cells[t->ncells++];
	c->text = strbuf_detach(&sb, NULL);
	c->width = text_width(c->text);
	c->color = k;
}

void table_init(struct table *t, const char *const *heads)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->heads = heads;
	while (heads[t->ncols])
		t->ncols++;
	t->right = xcalloc(t->ncols ? t->ncols : 1, 1);
	for (i = 0; i < t->ncols; i++)
		push(t, heads[i], COLOR_NONE);
}

void table_right(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = TABLE_RIGHT | TABLE_KEEP;
}

void table_keep(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] |= TABLE_KEEP;
}

void table_add(struct table *t, const char *text)
{
	push(t, text, COLOR_NONE);
}

void table_addf(struct table *t, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	push(t, sb.buf, COLOR_NONE);
	strbuf_release(&sb);
}

void table_add_color(struct table *t, enum color_kind k, const char *text)
{
	push(t, text, k);
}

size_t table_rows(const struct table *t)
{
	return t->ncols ? (t->ncells + t->ncols - 1) / t->ncols - 1 : 0;
}

size_t table_width_limit(void)
{
	const char *cols = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long n;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (cols && *cols) {
		n = strtol(cols, &end, 10);
		if (!*end && n > 0)
			return (size_t)n;
	}
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

void table_fit(const struct table *t, size_t limit, size_t *widths)
{
	size_t i, c, total = 0;

	for (c = 0; c < t->ncols; c++)
		widths[c] = 0;
	for (i = 0; i < t->ncells; i++)
		if (t->cells[i].width > widths[i % t->ncols])
			widths[i % t->ncols] = t->cells[i].width;
	for (c = 0; c < t->ncols; c++)
		total += widths[c] + (c ? 2 : 0);
	/*
	 * Cut the widest text column one character at a time, so that the
	 * widest columns end up equally wide and a narrow one is never cut
	 * before a wider one; no column goes below TABLE_MIN_WIDTH.
	 */
	while (limit && total > limit) {
		size_t best = t->ncols;
		for (c = 0; c < t->ncols; c++)
			if (!(t->right[c] & TABLE_KEEP) && widths[c] > TABLE_MIN_WIDTH &&
			    (best == t->ncols || widths[c] > widths[best]))
				best = c;
		if (best == t->ncols)
			break;
		widths[best]--;
		total--;
	}
}

/* The first n characters of s and an ellipsis into sb (s is wider than n). */
static void add_cut(struct strbuf *sb, const char *s, size_t n)
{
	const char *p = s;
	size_t w = 0;

	while (*p && w + 1 < n) {
		p++;
		while (((unsigned char)*p & 0xc0) == 0x80)
			p++;
		w++;
	}
	strbuf_add(sb, s, (size_t)(p - s));
	strbuf_addstr(sb, "\xe2\x80\xa6"); /* U+2026 HORIZONTAL ELLIPSIS */
}

/*
 * The cells from index i (column c) to the end of its row are all empty
 * (or there are none): the line ends here, with no trailing spaces.
 */
static int rest_empty(const struct table *t, size_t i, size_t c)
{
	for (; c < t->ncols && i < t->ncells; c++, i++)
		if (t->cells[i].width)
			return 0;
	return 1;
}

void table_print(const struct table *t)
{
	size_t *widths, i, c, w;
	struct strbuf sb = STRBUF_INIT;

	if (!t->ncols)
		return;
	widths = xcalloc(t->ncols, sizeof(*widths));
	table_fit(t, table_width_limit(), widths);
	for (i = 0; i < t->ncells; i++) {
		const struct table_cell *cell = &t->cells[i];
		int last;

		c = i % t->ncols;
		last = rest_empty(t, i + 1, c + 1);
		strbuf_reset(&sb);
		if (cell->width > widths[c])
			add_cut(&sb, cell->text, widths[c]);
		else
			strbuf_addstr(&sb, cell->text);
		w = cell->width > widths[c] ? widths[c] : cell->width;
		if (t->right[c] & TABLE_RIGHT)
			printf("%*s", (int)(widths[c] - w), "");
		color_fputs(cell->color, sb.buf);
		if (last) {
			fputc('\n', stdout);
			i += t->ncols - c - 1; /* the empty rest of the row */
		} else
			printf("%*s", (int)(t->right[c] & TABLE_RIGHT ? 2 : widths[c] - w + 2), "");
	}
	strbuf_release(&sb);
	free(widths);
}

void table_release(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncells; i++)
		free(t->cells[i].text);
	free(t->cells);
	free(t->right);
	memset(t, 0, sizeof(*t));
}
