/*
 * report_charts.h - the two small charts the playbook report draws itself
 * as inline SVG: a radar of readiness per dimension and horizontal bars.
 *
 * Both write one self-contained <svg> element (no scripts, no external
 * fonts or styles; text uses the page's font) into a strbuf, with a
 * <title> for accessibility.  Values outside [0, max] are clamped; a
 * negative value means "not assessed" and is drawn as a gap.
 */
#ifndef AIV_REPORT_CHARTS_H
#define AIV_REPORT_CHARTS_H

#include "aiv.h"

/* Radar: n >= 3 axes, rings at each integer 0..max. */
void chart_radar(struct strbuf *sb, const char *title, const char *const *labels,
		 const double *values, size_t n, int max);

/*
 * Horizontal bars, one per label, scaled to max; `colors` (may be NULL)
 * gives a CSS colour per bar; `value_fmt` formats the number shown at the
 * end of each bar (e.g. "%.0f").
 */
void chart_hbars(struct strbuf *sb, const char *title, const char *const *labels,
		 const double *values, const char *const *colors, size_t n, double max,
		 const char *value_fmt);

/*
 * A metric against its target, one row per metric, for a value model's
 * section of the report.  A row with two or more points draws its series
 * as a line with the target as a dashed line across it; a row with one
 * point (today's value: the catalog has no stored history yet) draws a
 * bar on a scale that holds the value and the target, with the target as
 * a tick; a row with none says "no data".  Ratios are drawn on 0..100 %.
 * The series is the caller's (points oldest first; the last one is the
 * value the row shows), so a metric's history can be passed as it is.
 */
struct chart_point {
	int64_t t_us;      /* period start, microseconds (0: unknown) */
	double value;
};
struct chart_metric_row {
	const char *label;          /* the metric's name */
	const char *unit;           /* catalog unit: "ratio", "seconds", "count", ... */
	const char *value_text;     /* the last value, formatted (units.h) */
	const char *target_text;    /* the target, formatted, or NULL when none */
	const struct chart_point *pts;
	size_t npts;
	double target;              /* NAN: none */
	int up;                     /* higher is better */
};
void chart_metric_targets(struct strbuf *sb, const char *title,
			  const struct chart_metric_row *rows, size_t n);

/*
 * An interval bar for one estimate: the interval [lo, hi] as a bar, the
 * estimate as a dot, zero as a solid line and the minimum effect as a
 * dashed one, on the axis [axis_lo, axis_hi] (all in the same unit,
 * positive is better).  A small <svg> for a table cell; `title` is its
 * tooltip.
 */
void chart_interval(struct strbuf *sb, const char *title, double lo, double hi,
		    double estimate, double minimum, double axis_lo, double axis_hi);

#endif
