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

#endif
