/*
 * svg.c - bar, stacked bar and line charts as inline SVG; see svg.h.
 *
 * Bar, stacked bar and line charts are laid out the same way (the heat
 * map, at the end, is a grid of labelled cells instead):
 *
 *   +--------------------------------------------------+
 *   | title                               legend ...   |  top
 *   |      +-------------------------------------+     |
 *   | tick |  plot area (grid lines at the ticks)|     |
 *   | ...  |                                     |     |
 *   |      +-------------------------------------+     |
 *   |       tick   tick   tick   tick                  |  bottom
 *   |              x axis title                        |
 *   +--------------------------------------------------+
 *     left (y axis title rotated, tick labels)
 *
 * The value axis always comes from svg_nice_ticks(): its first and last
 * ticks are the ends of the axis, so bars and points map linearly from
 * [ticks[0], ticks[n-1]] onto the plot area.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "svg.h"

#define MAX_TICKS 16

static const char *const palette[] = {
	"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
};

struct layout {
	double w, h;            /* whole chart */
	double left, right, top, bottom; /* plot area edges */
	double ticks[MAX_TICKS];
	size_t nticks;
	const char *id;
};

void svg_format_number(char *out, size_t n, double v)
{
	if (fabs(v - nearbyint(v)) < 1e-9 && fabs(v) < 1e15)
		snprintf(out, n, "%.0f", nearbyint(v) == 0 ? 0.0 : nearbyint(v));
	else
		snprintf(out, n, "%g", v);
}

static double nice_num(double x, int round_it)
{
	double e = floor(log10(x)), f = x / pow(10, e), nf;

	if (round_it)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * pow(10, e);
}

size_t svg_nice_ticks(double lo, double hi, size_t target, int integer,
		      double *ticks, size_t cap)
{
	double range, step, start, end, v;
	size_t n = 0, i;

	if (!cap)
		return 0;
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	if (hi < lo) {
		v = lo;
		lo = hi;
		hi = v;
	}
	if (hi == lo)
		hi = lo + 1;
	if (target < 2)
		target = 2;
	range = nice_num(hi - lo, 0);
	step = nice_num(range / (double)target, 1);
	if (integer && step < 1)
		step = 1;
	start = floor(lo / step) * step;
	end = ceil(hi / step) * step;
	/* too many ticks for the caller's array: widen the step */
	while ((end - start) / step + 1 > (double)cap) {
		step = nice_num(step * 2, 1);
		start = floor(lo / step) * step;
		end = ceil(hi / step) * step;
	}
	for (i = 0; n < cap; i++) {
		v = start + (double)i * step;
		/* drop float noise: 0.30000000000000004 -> 0.3 */
		v = nearbyint(v / step) * step;
		if (fabs(v) < step * 1e-9)
			v = 0;
		ticks[n++] = v;
		if (v >= end - step * 1e-9)
			break;
	}
	return n;
}

static void open_svg(struct strbuf *sb, const struct svg_chart *c, struct layout *L,
		     int legend_rows)
{
	L->id = c->id && *c->id ? c->id : "chart";
	L->w = c->width > 0 ? c->width : 640;
	L->h = c->height > 0 ? c->height : 320;
	L->top = 12 + (c->title ? 22 : 0) + legend_rows * 18;
	L->bottom = L->h - (c->x_title ? 44 : 28);
	L->left = c->y_title ? 64 : 48;
	L->right = L->w - 16;
	strbuf_addf(sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
		    "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
		    "aria-label=\"", L->w, L->h, L->w, L->h);
	strbuf_add_html(sb, c->title ? c->title : "chart");
	strbuf_addstr(sb, "\" aria-labelledby=\"");
	strbuf_add_html(sb, L->id);
	strbuf_addstr(sb, "-title");
	if (c->desc) {
		strbuf_addch(sb, ' ');
		strbuf_add_html(sb, L->id);
		strbuf_addstr(sb, "-desc");
	}
	strbuf_addstr(sb, "\">");
	strbuf_addstr(sb, "<title id=\"");
	strbuf_add_html(sb, L->id);
	strbuf_addstr(sb, "-title\">");
	strbuf_add_html(sb, c->title ? c->title : "chart");
	strbuf_addstr(sb, "</title>");
	if (c->desc) {
		strbuf_addstr(sb, "<desc id=\"");
		strbuf_add_html(sb, L->id);
		strbuf_addstr(sb, "-desc\">");
		strbuf_add_html(sb, c->desc);
		strbuf_addstr(sb, "</desc>");
	}
	if (c->title) {
		strbuf_addstr(sb, "<text class=\"chart-title\" x=\"8\" y=\"20\" font-size=\"14\" "
			      "font-weight=\"600\" fill=\"#222\">");
		strbuf_add_html(sb, c->title);
		strbuf_addstr(sb, "</text>");
	}
}

static void close_svg(struct strbuf *sb)
{
	strbuf_addstr(sb, "</svg>");
}

static double max_label_width(const struct svg_chart *c)
{
	size_t i, m = 0;

	for (i = 0; i < c->ncategories; i++) {
		size_t l = c->categories && c->categories[i] ? strlen(c->categories[i]) : 0;
		if (l > m)
			m = l;
	}
	return (double)m * 6.5 + 12;
}

/* Axis titles: x under the plot, y rotated on the left. */
static void axis_titles(struct strbuf *sb, const struct svg_chart *c, const struct layout *L,
			const char *xt, const char *yt)
{
	if (xt) {
		strbuf_addf(sb, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\" font-size=\"12\" fill=\"#333\">",
			    (L->left + L->right) / 2, L->h - 8);
		strbuf_add_html(sb, xt);
		strbuf_addstr(sb, "</text>");
	}
	if (yt) {
		strbuf_addf(sb, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\" font-size=\"12\" fill=\"#333\" "
			    "transform=\"rotate(-90 %.1f %.1f)\">", 14.0,
			    (L->top + L->bottom) / 2, 14.0, (L->top + L->bottom) / 2);
		strbuf_add_html(sb, yt);
		strbuf_addstr(sb, "</text>");
	}
	(void)c;
}

/* Value ticks along y (vertical charts) with grid lines. */
static void value_ticks_y(struct strbuf *sb, const struct layout *L)
{
	size_t i;
	double lo = L->ticks[0], hi = L->ticks[L->nticks - 1];

	for (i = 0; i < L->nticks; i++) {
		double y = L->bottom - (L->ticks[i] - lo) / (hi - lo) * (L->bottom - L->top);
		char num[48];

		svg_format_number(num, sizeof(num), L->ticks[i]);
		strbuf_addf(sb, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#ddd\"/>", L->left, L->right, y, y);
		strbuf_addf(sb, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
			    "font-size=\"11\" fill=\"#555\">%s</text>", L->left - 6, y + 4, num);
	}
}

/* Value ticks along x (horizontal bars) with grid lines. */
static void value_ticks_x(struct strbuf *sb, const struct layout *L)
{
	size_t i;
	double lo = L->ticks[0], hi = L->ticks[L->nticks - 1];

	for (i = 0; i < L->nticks; i++) {
		double x = L->left + (L->ticks[i] - lo) / (hi - lo) * (L->right - L->left);
		char num[48];

		svg_format_number(num, sizeof(num), L->ticks[i]);
		strbuf_addf(sb, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#ddd\"/>", x, x, L->top, L->bottom);
		strbuf_addf(sb, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			    "font-size=\"11\" fill=\"#555\">%s</text>", x, L->bottom + 16, num);
	}
}

static void axes(struct strbuf *sb, const struct layout *L)
{
	strbuf_addf(sb, "<path class=\"axis\" d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" "
		    "stroke=\"#555\"/>", L->left, L->top, L->bottom, L->right);
}

/* Legend items wrap at the chart's right edge; both functions share the layout. */
#define LEGEND_X 8.0
static double legend_item_width(const struct svg_series *s)
{
	return 22 + (s->name ? (double)strlen(s->name) * 6.5 : 0);
}

static int legend_rows(const struct svg_chart *c, size_t nseries,
		       const struct svg_series *series)
{
	double right = (c->width > 0 ? c->width : 640) - 16, x = LEGEND_X;
	int rows = 1;
	size_t i;

	if (nseries < 2 || (c->flags & SVG_NO_LEGEND))
		return 0;
	for (i = 0; i < nseries; i++) {
		double w = legend_item_width(&series[i]);
		if (x + w > right && x > LEGEND_X) {
			rows++;
			x = LEGEND_X;
		}
		x += w + 12;
	}
	return rows;
}

/* Drawn in the band of `rows` rows just above the plot area. */
static void legend(struct strbuf *sb, const struct layout *L, const struct svg_series *series,
		   size_t nseries, int rows)
{
	double x = LEGEND_X, y = L->top - 18.0 * rows + 9;
	size_t i;

	strbuf_addstr(sb, "<g class=\"legend\">");
	for (i = 0; i < nseries; i++) {
		double w = legend_item_width(&series[i]);
		const char *col = series[i].color ? series[i].color
						  : palette[i % ARRAY_SIZE(palette)];

		if (x + w > L->w - 16 && x > LEGEND_X) {
			x = LEGEND_X;
			y += 18;
		}
		strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"",
			    x, y - 9);
		strbuf_add_html(sb, col);
		strbuf_addf(sb, "\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#333\">",
			    x + 14, y);
		strbuf_add_html(sb, series[i].name ? series[i].name : "");
		strbuf_addstr(sb, "</text>");
		x += w + 12;
	}
	strbuf_addstr(sb, "</g>");
}

static void no_data(struct strbuf *sb, const struct layout *L)
{
	strbuf_addf(sb, "<text class=\"no-data\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		    "font-size=\"13\" fill=\"#777\">no data</text>",
		    (L->left + L->right) / 2, (L->top + L->bottom) / 2);
}

static void tooltip(struct strbuf *sb, const char *a, const char *b, double v, const char *unit)
{
	char num[48];

	svg_format_number(num, sizeof(num), v);
	strbuf_addstr(sb, "<title>");
	if (a && *a) {
		strbuf_add_html(sb, a);
		strbuf_addstr(sb, b && *b ? ", " : ": ");
	}
	if (b && *b) {
		strbuf_add_html(sb, b);
		strbuf_addstr(sb, ": ");
	}
	strbuf_addstr(sb, num);
	if (unit && *unit) {
		strbuf_addch(sb, ' ');
		strbuf_add_html(sb, unit);
	}
	strbuf_addstr(sb, "</title>");
}

/* Category labels along the category axis. */
static void category_labels(struct strbuf *sb, const struct svg_chart *c, const struct layout *L,
			    int horizontal)
{
	size_t i, n = c->ncategories;

	for (i = 0; i < n; i++) {
		const char *label = c->categories && c->categories[i] ? c->categories[i] : "";
		if (horizontal) {
			double band = (L->bottom - L->top) / (double)n;
			strbuf_addf(sb, "<text class=\"category\" x=\"%.1f\" y=\"%.1f\" "
				    "text-anchor=\"end\" font-size=\"11\" fill=\"#333\">",
				    L->left - 6, L->top + band * ((double)i + 0.5) + 4);
		} else {
			double band = (L->right - L->left) / (double)n;
			strbuf_addf(sb, "<text class=\"category\" x=\"%.1f\" y=\"%.1f\" "
				    "text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">",
				    L->left + band * ((double)i + 0.5), L->bottom + 16);
		}
		strbuf_add_html(sb, label);
		strbuf_addstr(sb, "</text>");
	}
}

/* A bar from value a to b in category i (of n), in a layer. */
static void bar_rect(struct strbuf *sb, const struct layout *L, int horizontal, size_t i,
		     size_t n, double a, double b, const char *color)
{
	double lo = L->ticks[0], hi = L->ticks[L->nticks - 1];
	double x, y, w, h;

	if (horizontal) {
		double band = (L->bottom - L->top) / (double)n;
		double x0 = L->left + (a - lo) / (hi - lo) * (L->right - L->left);
		double x1 = L->left + (b - lo) / (hi - lo) * (L->right - L->left);
		x = x0 < x1 ? x0 : x1;
		w = fabs(x1 - x0);
		y = L->top + band * (double)i + band * 0.15;
		h = band * 0.7;
	} else {
		double band = (L->right - L->left) / (double)n;
		double y0 = L->bottom - (a - lo) / (hi - lo) * (L->bottom - L->top);
		double y1 = L->bottom - (b - lo) / (hi - lo) * (L->bottom - L->top);
		y = y0 < y1 ? y0 : y1;
		h = fabs(y1 - y0);
		x = L->left + band * (double)i + band * 0.15;
		w = band * 0.7;
	}
	strbuf_addf(sb, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"", x, y, w, h);
	strbuf_add_html(sb, color);
	strbuf_addstr(sb, "\">");
}

static void draw_bars(struct strbuf *sb, const struct svg_chart *c,
		      const struct svg_series *series, size_t nseries, int stacked)
{
	struct layout L;
	int horizontal = !!(c->flags & SVG_HORIZONTAL);
	size_t n = c->ncategories, i, k;
	double lo = 0, hi = 0;
	int rows = stacked ? legend_rows(c, nseries, series) : 0;
	const char *xt = c->x_title, *yt = c->y_title; /* bottom and left, as drawn */

	open_svg(sb, c, &L, rows);
	if (horizontal)
		L.left = (c->y_title ? 28 : 8) + max_label_width(c);
	for (i = 0; i < n; i++) {
		double pos = 0, neg = 0;
		for (k = 0; k < nseries; k++) {
			double v = i < series[k].n && series[k].y ? series[k].y[i] : 0;
			if (!isfinite(v))
				continue;
			if (stacked) {
				if (v >= 0)
					pos += v;
				else
					neg += v;
			} else {
				pos = v > pos ? v : pos;
				neg = v < neg ? v : neg;
			}
		}
		hi = pos > hi ? pos : hi;
		lo = neg < lo ? neg : lo;
	}
	if (c->value_max > hi && isfinite(c->value_max))
		hi = c->value_max;
	L.nticks = svg_nice_ticks(lo, hi, 5, !!(c->flags & SVG_INTEGER), L.ticks, MAX_TICKS);
	if (horizontal)
		value_ticks_x(sb, &L);
	else
		value_ticks_y(sb, &L);
	axes(sb, &L);
	if (rows)
		legend(sb, &L, series, nseries, rows);
	if (n == 0 || nseries == 0) {
		no_data(sb, &L);
	} else {
		category_labels(sb, c, &L, horizontal);
		for (i = 0; i < n; i++) {
			double pos = 0, neg = 0;
			for (k = 0; k < nseries; k++) {
				double v = i < series[k].n && series[k].y ? series[k].y[i] : 0;
				const char *col = series[k].color ? series[k].color
						  : palette[k % ARRAY_SIZE(palette)];
				double a, b;

				if (!isfinite(v) || (stacked && v == 0))
					continue;
				if (!stacked && c->bar_colors && c->bar_colors[i])
					col = c->bar_colors[i];
				if (!stacked) {
					a = 0;
					b = v;
				} else if (v >= 0) {
					a = pos;
					b = pos += v;
				} else {
					a = neg;
					b = neg += v;
				}
				bar_rect(sb, &L, horizontal, i, n, a, b, col);
				tooltip(sb, c->categories ? c->categories[i] : NULL,
					stacked ? series[k].name : NULL, v, c->unit);
				strbuf_addstr(sb, "</rect>");
			}
		}
	}
	axis_titles(sb, c, &L, xt, yt);
	close_svg(sb);
}

void svg_bar(struct strbuf *sb, const struct svg_chart *c, const struct svg_series *s)
{
	draw_bars(sb, c, s, s ? 1 : 0, 0);
}

void svg_stacked_bar(struct strbuf *sb, const struct svg_chart *c,
		     const struct svg_series *series, size_t nseries)
{
	draw_bars(sb, c, series, nseries, 1);
}

/* ---- line charts ---- */

static double xval(const struct svg_series *s, size_t i)
{
	return s->x ? s->x[i] : (double)i;
}

/* Time ticks: whole days (1, 2, 7, 14) or months (1, 2, 3, 6, 12). */
static size_t time_ticks(double lo_us, double hi_us, double *ticks, size_t cap,
			 int *monthly)
{
	static const int day_steps[] = { 1, 2, 7, 14 };
	static const int month_steps[] = { 1, 2, 3, 6, 12, 24, 60 };
	double day = 86400e6, span = (hi_us - lo_us) / day;
	size_t n = 0, i;

	*monthly = 0;
	for (i = 0; i < ARRAY_SIZE(day_steps); i++) {
		double step = day_steps[i] * day;
		double t = ceil(lo_us / step) * step;
		if (span / day_steps[i] > 8)
			continue;
		for (; t <= hi_us + 1 && n < cap; t += step)
			ticks[n++] = t;
		return n;
	}
	*monthly = 1;
	for (i = 0; i < ARRAY_SIZE(month_steps); i++) {
		int k = month_steps[i];
		time_t secs = (time_t)(lo_us / 1e6);
		struct tm tm;
		int64_t y, m;

		if (span / (30.44 * k) > 8 && i + 1 < ARRAY_SIZE(month_steps))
			continue;
		gmtime_r(&secs, &tm);
		y = tm.tm_year + 1900;
		m = tm.tm_mon; /* 0-based */
		m = ((m + k - 1) / k) * k; /* first multiple of k at or after */
		for (;;) {
			int64_t yy = y + m / 12, mm = m % 12;
			double t;
			t = (double)time_days_from_civil(yy, (unsigned)mm + 1, 1) * day;
			if (t < lo_us) {
				m += k;
				continue;
			}
			if (t > hi_us + 1 || n >= cap)
				break;
			ticks[n++] = t;
			m += k;
		}
		return n;
	}
	return n;
}

static void format_time(char *out, size_t n, double us, int monthly)
{
	time_t secs = (time_t)(us / 1e6);
	struct tm tm;

	gmtime_r(&secs, &tm);
	if (monthly)
		strftime(out, n, "%Y-%m", &tm);
	else
		strftime(out, n, "%Y-%m-%d", &tm);
}

void svg_line(struct strbuf *sb, const struct svg_chart *c,
	      const struct svg_series *series, size_t nseries)
{
	struct layout L;
	double xlo = INFINITY, xhi = -INFINITY, ylo = 0, yhi = 0, xticks[MAX_TICKS];
	size_t nx = 0, i, k, npoints = 0;
	int monthly = 0, is_time = !!(c->flags & SVG_TIME_X);
	int rows = legend_rows(c, nseries, series);

	open_svg(sb, c, &L, rows);
	for (k = 0; k < nseries; k++) {
		for (i = 0; i < series[k].n; i++) {
			double x = xval(&series[k], i), y = series[k].y[i];
			if (!isfinite(x) || !isfinite(y))
				continue;
			xlo = x < xlo ? x : xlo;
			xhi = x > xhi ? x : xhi;
			ylo = y < ylo ? y : ylo;
			yhi = y > yhi ? y : yhi;
			npoints++;
		}
	}
	if (c->value_max > yhi && isfinite(c->value_max))
		yhi = c->value_max;
	L.nticks = svg_nice_ticks(ylo, yhi, 5, !!(c->flags & SVG_INTEGER), L.ticks, MAX_TICKS);
	value_ticks_y(sb, &L);
	axes(sb, &L);
	if (!npoints) {
		no_data(sb, &L);
		axis_titles(sb, c, &L, c->x_title, c->y_title);
		close_svg(sb);
		return;
	}
	if (is_time) {
		if (xhi == xlo) {
			xlo -= 86400e6;
			xhi += 86400e6;
		}
		nx = time_ticks(xlo, xhi, xticks, MAX_TICKS, &monthly);
	} else {
		nx = svg_nice_ticks(xlo, xhi, 6, 0, xticks, MAX_TICKS);
		xlo = xticks[0];
		xhi = xticks[nx - 1];
	}
	for (i = 0; i < nx; i++) {
		double x = L.left + (xticks[i] - xlo) / (xhi - xlo) * (L.right - L.left);
		char label[48];

		if (is_time)
			format_time(label, sizeof(label), xticks[i], monthly);
		else
			svg_format_number(label, sizeof(label), xticks[i]);
		strbuf_addf(sb, "<line class=\"xtick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#555\"/>", x, x, L.bottom, L.bottom + 4);
		/* a label that would run past the right edge ends at its tick instead */
		strbuf_addf(sb, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
			    "font-size=\"11\" fill=\"#555\">%s</text>", x, L.bottom + 16,
			    x + 3.4 * (double)strlen(label) > (double)L.w ? "end" : "middle", label);
	}
	for (k = 0; k < nseries; k++) {
		const char *col = series[k].color ? series[k].color
						  : palette[k % ARRAY_SIZE(palette)];
		double ylo_ax = L.ticks[0], yhi_ax = L.ticks[L.nticks - 1];
		int pen = 0;

		strbuf_addstr(sb, "<g class=\"series\"><path class=\"line\" fill=\"none\" "
			      "stroke-width=\"2\" stroke=\"");
		strbuf_add_html(sb, col);
		strbuf_addstr(sb, "\" d=\"");
		for (i = 0; i < series[k].n; i++) {
			double x = xval(&series[k], i), y = series[k].y[i];
			if (!isfinite(x) || !isfinite(y)) {
				pen = 0; /* a gap in the line */
				continue;
			}
			strbuf_addf(sb, "%c%.1f %.1f", pen ? 'L' : 'M',
				    L.left + (x - xlo) / (xhi - xlo) * (L.right - L.left),
				    L.bottom - (y - ylo_ax) / (yhi_ax - ylo_ax) * (L.bottom - L.top));
			pen = 1;
		}
		strbuf_addstr(sb, "\"/>");
		for (i = 0; i < series[k].n; i++) {
			double x = xval(&series[k], i), y = series[k].y[i];
			char xl[48];
			if (!isfinite(x) || !isfinite(y))
				continue;
			if (is_time)
				format_time(xl, sizeof(xl), x, 0);
			else
				svg_format_number(xl, sizeof(xl), x);
			strbuf_addf(sb, "<circle class=\"point\" r=\"3\" cx=\"%.1f\" cy=\"%.1f\" fill=\"",
				    L.left + (x - xlo) / (xhi - xlo) * (L.right - L.left),
				    L.bottom - (y - ylo_ax) / (yhi_ax - ylo_ax) * (L.bottom - L.top));
			strbuf_add_html(sb, col);
			strbuf_addstr(sb, "\">");
			tooltip(sb, series[k].name, xl, y, c->unit);
			strbuf_addstr(sb, "</circle>");
		}
		strbuf_addstr(sb, "</g>");
	}
	if (rows)
		legend(sb, &L, series, nseries, rows);
	axis_titles(sb, c, &L, c->x_title, c->y_title);
	close_svg(sb);
}

/* ---- heat map ---- */

#define HEAT_ROW 18.0
#define HEAT_LEGEND 40.0

/* Colour for t in [0, 1]: linear in RGB from a pale to a dark blue. */
static void heat_color(char *out, size_t n, double t)
{
	static const double a[3] = { 0xef, 0xf5, 0xfb }, b[3] = { 0x08, 0x30, 0x6b };
	int c[3], i;

	if (!isfinite(t) || t < 0)
		t = 0;
	if (t > 1)
		t = 1;
	for (i = 0; i < 3; i++)
		c[i] = (int)lround(a[i] + (b[i] - a[i]) * t);
	snprintf(out, n, "#%02x%02x%02x", c[0], c[1], c[2]);
}

static void heat_value(char *out, size_t n, double v, int percent)
{
	if (percent)
		snprintf(out, n, "%.0f%%", 100.0 * v);
	else
		svg_format_number(out, n, v);
}

void svg_heatmap(struct strbuf *sb, const struct svg_chart *c, const struct svg_heat *h)
{
	struct svg_chart cc = *c;
	struct layout L;
	size_t nr = c->ncategories, nc = h->ncols, i, j;
	double lo = h->lo, hi = h->hi, cw, hl = 0, hr = 0;
	const char *hidden = h->hidden_label ? h->hidden_label : "n/a";
	char col[16], num[48];
	int any_hidden = 0;

	if (cc.height <= 0)
		cc.height = (int)(12 + (c->title ? 22 : 0) + 22 + HEAT_ROW * (double)(nr ? nr : 1) +
				  HEAT_LEGEND + (c->x_title ? 16 : 0));
	cc.x_title = NULL; /* drawn under the legend below */
	open_svg(sb, &cc, &L, 0);
	L.left = 8 + max_label_width(c);
	L.top += 22; /* column labels */
	L.bottom = L.top + HEAT_ROW * (double)nr;
	if (hi <= lo) {
		lo = INFINITY;
		hi = -INFINITY;
		for (i = 0; i < nr * nc; i++)
			if (isfinite(h->v[i])) {
				lo = h->v[i] < lo ? h->v[i] : lo;
				hi = h->v[i] > hi ? h->v[i] : hi;
			}
		if (!isfinite(lo))
			lo = hi = 0;
		if (hi <= lo)
			hi = lo + 1;
	}
	strbuf_addstr(sb, "<defs><pattern id=\"");
	strbuf_add_html(sb, L.id);
	strbuf_addstr(sb, "-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
		      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
		      "fill=\"#e4e4e4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
		      "stroke=\"#a0a0a0\" stroke-width=\"2\"/></pattern></defs>");
	if (!nr || !nc) {
		L.bottom = L.top + HEAT_ROW;
		no_data(sb, &L);
		close_svg(sb);
		return;
	}
	cw = (L.right - L.left) / (double)nc;
	for (j = 0; j < nc; j++) {
		strbuf_addf(sb, "<text class=\"category col\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">",
			    L.left + cw * ((double)j + 0.5), L.top - 8);
		strbuf_add_html(sb, h->cols[j] ? h->cols[j] : "");
		strbuf_addstr(sb, "</text>");
	}
	for (i = 0; i < nr; i++) {
		const char *rl = c->categories && c->categories[i] ? c->categories[i] : "";
		double y = L.top + HEAT_ROW * (double)i;

		strbuf_addf(sb, "<text class=\"category row\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"end\" font-size=\"11\" fill=\"#333\">",
			    L.left - 6, y + HEAT_ROW / 2 + 4);
		strbuf_add_html(sb, rl);
		strbuf_addstr(sb, "</text>");
		for (j = 0; j < nc; j++) {
			double v = h->v[i * nc + j], x = L.left + cw * (double)j, t;
			const char *cl = h->cols[j] ? h->cols[j] : "";

			if (!isfinite(v)) {
				any_hidden = 1;
				strbuf_addf(sb, "<rect class=\"cell suppressed\" x=\"%.1f\" y=\"%.1f\" "
					    "width=\"%.1f\" height=\"%.1f\" fill=\"url(#", x, y,
					    cw - 1, HEAT_ROW - 1);
				strbuf_add_html(sb, L.id);
				strbuf_addstr(sb, "-hatch)\"><title>");
				strbuf_add_html(sb, rl);
				strbuf_addstr(sb, ", ");
				strbuf_add_html(sb, cl);
				strbuf_addstr(sb, ": ");
				strbuf_add_html(sb, h->hidden_desc ? h->hidden_desc : hidden);
				strbuf_addf(sb, "</title></rect><text class=\"cell-label suppressed\" "
					    "x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
					    "font-size=\"10\" fill=\"#444\">", x + cw / 2,
					    y + HEAT_ROW / 2 + 3.5);
				strbuf_add_html(sb, hidden);
				strbuf_addstr(sb, "</text>");
				continue;
			}
			t = (v - lo) / (hi - lo);
			heat_color(col, sizeof(col), t);
			heat_value(num, sizeof(num), v, h->percent);
			strbuf_addf(sb, "<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				    "height=\"%.1f\" fill=\"%s\"><title>", x, y, cw - 1,
				    HEAT_ROW - 1, col);
			strbuf_add_html(sb, rl);
			strbuf_addstr(sb, ", ");
			strbuf_add_html(sb, cl);
			strbuf_addf(sb, ": %s", num);
			if (c->unit && *c->unit) {
				strbuf_addch(sb, ' ');
				strbuf_add_html(sb, c->unit);
			}
			strbuf_addf(sb, "</title></rect><text class=\"cell-label\" x=\"%.1f\" "
				    "y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
				    "fill=\"%s\">%s</text>", x + cw / 2, y + HEAT_ROW / 2 + 3.5,
				    t > 0.55 ? "#fff" : "#222", num);
		}
	}
	/* legend: the scale in ten steps, then the hatching */
	{
		double y = L.bottom + 14, x = L.left, sw = 16;

		heat_value(num, sizeof(num), lo, h->percent);
		strbuf_addf(sb, "<g class=\"legend\"><text x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"end\" font-size=\"11\" fill=\"#333\">%s</text>",
			    x - 4, y + 9, num);
		for (j = 0; j < 10; j++) {
			heat_color(col, sizeof(col), ((double)j + 0.5) / 10.0);
			strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" "
				    "fill=\"%s\"/>", x + sw * (double)j, y, sw, col);
		}
		heat_value(num, sizeof(num), hi, h->percent);
		hl = x + sw * 10 + 4;
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#333\">"
			    "%s</text>", hl, y + 9, num);
		hr = hl + 48;
		if (any_hidden || h->hidden_desc) {
			strbuf_addf(sb, "<rect class=\"suppressed\" x=\"%.1f\" y=\"%.1f\" "
				    "width=\"16\" height=\"10\" fill=\"url(#", hr, y);
			strbuf_add_html(sb, L.id);
			strbuf_addf(sb, "-hatch)\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
				    "fill=\"#333\">", hr + 20, y + 9);
			strbuf_add_html(sb, hidden);
			strbuf_addstr(sb, ": ");
			strbuf_add_html(sb, h->hidden_desc ? h->hidden_desc : "not shown");
			strbuf_addstr(sb, "</text>");
		}
		strbuf_addstr(sb, "</g>");
	}
	if (c->x_title) {
		strbuf_addf(sb, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\" font-size=\"12\" fill=\"#333\">",
			    (L.left + L.right) / 2, L.h - 6);
		strbuf_add_html(sb, c->x_title);
		strbuf_addstr(sb, "</text>");
	}
	close_svg(sb);
}

/* ---- sparkline ---- */

void svg_sparkline(struct strbuf *sb, const double *v, size_t n, int w, int h, const char *label)
{
	double lo = INFINITY, hi = -INFINITY, pad = 2.0;
	size_t i, last = n;
	int pen = 0;

	for (i = 0; i < n; i++)
		if (isfinite(v[i])) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
			last = i;
		}
	strbuf_addf(sb, "<svg class=\"spark\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" aria-label=\"", w, h, w, h);
	strbuf_add_html(sb, label ? label : "");
	strbuf_addstr(sb, "\"><title>");
	strbuf_add_html(sb, label ? label : "");
	strbuf_addstr(sb, "</title>");
	if (last == n) { /* nothing measured: a dashed baseline */
		strbuf_addf(sb, "<path class=\"spark-empty\" fill=\"none\" stroke-dasharray=\"3 3\" "
			    "d=\"M%.1f %.1fL%.1f %.1f\"/></svg>", pad, h - pad, w - pad, h - pad);
		return;
	}
	if (hi <= lo) { /* flat: draw it across the middle */
		lo -= 1;
		hi += 1;
	}
#define SPX(i) (n > 1 ? pad + (double)(i) * (w - 2 * pad) / (double)(n - 1) : w / 2.0)
#define SPY(y) (h - pad - ((y) - lo) / (hi - lo) * (h - 2 * pad))
	/* a faint baseline the width of the period, so a lone recent dot reads as recent */
	strbuf_addf(sb, "<path class=\"spark-base\" fill=\"none\" d=\"M%.1f %.1fL%.1f %.1f\"/>", pad,
		    h - 0.5, w - pad, h - 0.5);
	strbuf_addstr(sb, "<path class=\"spark-line\" fill=\"none\" stroke-width=\"1.5\" d=\"");
	for (i = 0; i < n; i++) {
		if (!isfinite(v[i])) {
			pen = 0;
			continue;
		}
		strbuf_addf(sb, "%c%.1f %.1f", pen ? 'L' : 'M', SPX(i), SPY(v[i]));
		pen = 1;
	}
	strbuf_addstr(sb, "\"/>");
	for (i = 0; i < n; i++) { /* lone points between gaps would draw nothing */
		int before = i > 0 && isfinite(v[i - 1]), after = i + 1 < n && isfinite(v[i + 1]);
		if (isfinite(v[i]) && (i == last || (!before && !after)))
			strbuf_addf(sb, "<circle class=\"spark-%s\" r=\"%s\" cx=\"%.1f\" cy=\"%.1f\"/>",
				    i == last ? "last" : "dot", i == last ? "2.5" : "1.5", SPX(i),
				    SPY(v[i]));
	}
#undef SPX
#undef SPY
	strbuf_addstr(sb, "</svg>");
}
