/*
 * table.h - the one table printer of the command line's read commands.
 *
 * A table is filled row by row, cell by cell, and printed once:
 *
 *     struct table t;
 *     static const char *const heads[] = { "METRIC", "VALUE", "STATUS", NULL };
 *     table_init(&t, heads);
 *     table_right(&t, 1);                       numbers align right
 *     table_add(&t, "repeat_use");
 *     table_add(&t, "54 %");
 *     table_add_color(&t, COLOR_GOOD, "on track");
 *     table_print(&t);
 *     table_release(&t);
 *
 * Columns are as wide as their widest cell (in characters, not bytes),
 * two spaces apart; a row ends after its last non-empty cell, so no line
 * ends in spaces.  On a terminal the table fits its width ($COLUMNS
 * when set to a number, else the terminal's own, TIOCGWINSZ): the widest
 * text column is cut with an ellipsis "…", then the next widest, and so on
 * down to TABLE_MIN_WIDTH characters each, one character at a time, so the
 * widest columns end up equally wide.  In a pipe nothing is cut, so a
 * script reads whole values.  Cells are escaped as standard output escapes
 * them (core/termsafe.h) before they are measured, so a control character
 * in imported data neither breaks the alignment nor reaches the terminal.
 */
#ifndef AIV_CLI_TABLE_H
#define AIV_CLI_TABLE_H

#include <stddef.h>

#include "color.h"

#define TABLE_MIN_WIDTH 6 /* a cut column keeps at least this many characters */

enum { TABLE_RIGHT = 1 << 0, TABLE_KEEP = 1 << 1 }; /* column flags */

struct table_cell {
	char *text;          /* escaped, owned */
	size_t width;        /* in characters */
	enum color_kind color;
};

struct table {
	const char *const *heads; /* borrowed, NULL-terminated */
	size_t ncols;
	unsigned char *right;     /* per column: TABLE_RIGHT, TABLE_KEEP */
	struct table_cell *cells; /* row-major, the header row first */
	size_t ncells, acells;
};

/* Set up t with the column heads (borrowed; they must outlive t). */
void table_init(struct table *t, const char *const *heads);
/* Align column col (0-based) to the right and never cut it: for numbers. */
void table_right(struct table *t, size_t col);
/* Never cut column col: for times and short codes that mean nothing cut. */
void table_keep(struct table *t, size_t col);
/* Append the next cell (copied; NULL prints as "-"). */
void table_add(struct table *t, const char *text);
void table_addf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append the next cell in colour k (color.h decides whether it shows). */
void table_add_color(struct table *t, enum color_kind k, const char *text);
/* Number of data rows (complete or not) added so far. */
size_t table_rows(const struct table *t);
/*
 * The width tables must fit on stdout: 0 (no limit) when stdout is not a
 * terminal, else $COLUMNS when it is a positive number, else the
 * terminal's width, else 80.
 */
size_t table_width_limit(void);
/*
 * The width of each column (widths[ncols], caller's) when the table must
 * fit in `limit` characters (0: no limit).
 */
void table_fit(const struct table *t, size_t limit, size_t *widths);
/* Print to stdout, fitted to table_width_limit(). */
void table_print(const struct table *t);
/* Free what t holds (not t itself). */
void table_release(struct table *t);

#endif
