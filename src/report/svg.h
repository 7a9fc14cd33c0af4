/*
 * svg.h - small, accessible SVG charts written into a strbuf.
 *
 * Three chart types that the dashboard and the reports share: bar
 * (vertical or horizontal), stacked bar, and line (several series over a
 * numeric or time x axis).  Every chart has axes with "nice" tick values
 * (1, 2 or 5 times a power of ten), axis titles that carry the unit, a
 * legend when there is more than one series, a <title> tooltip on every
 * bar and point, and is accessible: role="img", aria-labelledby pointing
 * at its <title> and <desc>.  Colours are passed in (the catalog gives
 * one per value model).  All text is HTML-escaped.
 *
 * The output is a complete <svg> element for inline use in HTML (no
 * style attributes, so it passes a Content-Security-Policy without
 * 'unsafe-inline'); every element carries a class (bar, point, line,
 * tick, grid, axis-title, legend) for CSS and for tests.
 */
#ifndef AIV_SVG_H
#define AIV_SVG_H

#include "aiv.h"

enum svg_flags {
	SVG_HORIZONTAL = 1 << 0, /* bars grow to the right, categories down the side */
	SVG_TIME_X = 1 << 1,     /* line: x values are microseconds since the epoch */
	SVG_INTEGER = 1 << 2,    /* value axis ticks are whole numbers (counts) */
	SVG_NO_LEGEND = 1 << 3,  /* no legend even with several series */
};

struct svg_series {
	const char *name;  /* legend and tooltips */
	const char *color; /* "#0072B2"; NULL: a default palette colour */
	const double *y;   /* n values (bar/stacked: one per category) */
	const double *x;   /* line: n x values, ascending; NULL: 0..n-1 */
	size_t n;
};

struct svg_chart {
	const char *id;     /* unique within the page, [A-Za-z0-9_-]; NULL: "chart" */
	const char *title;  /* accessible name, also drawn on top when set */
	const char *desc;   /* longer description for screen readers (may be NULL) */
	int width, height;  /* pixels of the viewBox; 0: 640 x 320 */
	const char *x_title, *y_title; /* axis titles with units, e.g. "initiatives (count)" */
	const char *unit;   /* appended to values in tooltips, e.g. "initiatives" */
	const char *const *categories; /* bar/stacked: one label per category */
	size_t ncategories;
	const char *const *bar_colors; /* bar: a colour per category (NULL: series colour) */
	double value_max;   /* bar/stacked/line: the value axis reaches at least this
			       (a scale's top, e.g. level 4); 0: the data's maximum */
	unsigned flags;     /* enum svg_flags */
};

/* A bar chart of one series over c->categories. */
void svg_bar(struct strbuf *sb, const struct svg_chart *c, const struct svg_series *s);
/* Stacked bars: each series is one layer, one value per category. */
void svg_stacked_bar(struct strbuf *sb, const struct svg_chart *c,
		     const struct svg_series *series, size_t nseries);
/* Lines with a point per value; x numeric or time (SVG_TIME_X). */
void svg_line(struct strbuf *sb, const struct svg_chart *c,
	      const struct svg_series *series, size_t nseries);

/*
 * A heat map: one row per c->categories label, one column per cols[]
 * label, each cell shaded from light (lo) to dark (hi) with its value
 * printed in it (as a percentage when `percent`) and in a <title>.
 * A NAN value is a suppressed cell (a group under the privacy floor):
 * hatched grey, labelled `hidden_label` (e.g. "<5"), tooltip
 * `hidden_desc`, and never a number.  A legend under the map shows the
 * scale and the hatching.  Height 0: as tall as the rows need.
 */
struct svg_heat {
	const char *const *cols;  /* column labels */
	size_t ncols;
	const double *v;          /* ncategories x ncols values, row-major; NAN: hidden */
	double lo, hi;            /* colour scale; hi <= lo: the data's range */
	int percent;              /* values are shares: print 100 v with "%" */
	const char *hidden_label; /* short text in a hidden cell; NULL: "n/a" */
	const char *hidden_desc;  /* tooltip and legend text for hidden cells */
};
void svg_heatmap(struct strbuf *sb, const struct svg_chart *c, const struct svg_heat *h);

/*
 * Nice tick values covering [lo, hi] with about `target` intervals, each
 * 1, 2 or 5 times a power of ten (whole numbers when `integer`).  Writes
 * at most `cap` ticks; returns how many.  The first tick is <= lo and the
 * last >= hi.
 */
size_t svg_nice_ticks(double lo, double hi, size_t target, int integer,
		      double *ticks, size_t cap);
/* A tick or value label: whole numbers without decimals, else %g. */
void svg_format_number(char *out, size_t n, double v);

/*
 * A sparkline: a small line of n values (NAN: no data, a gap in the line;
 * a lone value between gaps is a dot), w x h pixels, scaled to the data's
 * range over a faint baseline, the last value with data marked.  role="img" with `label` (the
 * values in words) as its accessible name and tooltip.  No axes.
 */
void svg_sparkline(struct strbuf *sb, const double *v, size_t n, int w, int h,
		   const char *label);

#endif
