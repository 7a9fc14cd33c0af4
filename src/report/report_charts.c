/*
 * report_charts.c - radar and bar charts as inline SVG (see
 * report_charts.h).
 *
 * The radar puts axis i at angle -90 + 360 i / n degrees, so the first
 * dimension points up and the rest follow clockwise:
 *
 *                 axis 0
 *                   |
 *        axis n-1 --+-- axis 1     ring k at radius R * k / max
 *                  / \\
 *
 * Coordinates are written with one decimal: enough for print, and the
 * same bytes on every machine for the same input.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_charts.h"

static void add_text_escaped(struct strbuf *sb, const char *s)
{
	strbuf_add_html(sb, s);
}

void chart_radar(struct strbuf *sb, const char *title, const char *const *labels,
		 const double *values, size_t n, int max)
{
	const double cx = 250, cy = 190, r = 120;
	size_t i;
	int k;

	if (n < 3 || max < 1)
		return;
	strbuf_addstr(sb, "<svg class=\"chart radar\" viewBox=\"0 0 500 380\" width=\"500\" "
			  "height=\"380\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>");
	add_text_escaped(sb, title);
	strbuf_addstr(sb, "</title>\n");
	for (k = 1; k <= max; k++) {
		strbuf_addstr(sb, "<polygon class=\"ring\" fill=\"none\" stroke=\"#c8ccd2\" "
				  "stroke-width=\"0.8\" points=\"");
		for (i = 0; i < n; i++) {
			double a = (-90.0 + 360.0 * (double)i / (double)n) * M_PI / 180;
			strbuf_addf(sb, "%s%.1f,%.1f", i ? " " : "", cx + r * k / max * cos(a),
				    cy + r * k / max * sin(a));
		}
		strbuf_addstr(sb, "\"/>\n");
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"#6b7280\">%d</text>\n",
			    cx + 3, cy - r * k / max + 10, k);
	}
	for (i = 0; i < n; i++) {
		double a = (-90.0 + 360.0 * (double)i / (double)n) * M_PI / 180;
		double lx = cx + (r + 14) * cos(a), ly = cy + (r + 14) * sin(a);
		const char *anchor = cos(a) > 0.2 ? "start" : cos(a) < -0.2 ? "end" : "middle";
		strbuf_addf(sb, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"#c8ccd2\" stroke-width=\"0.8\"/>\n",
			    cx, cy, cx + r * cos(a), cy + r * sin(a));
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"%s\" "
				"dominant-baseline=\"middle\" fill=\"#1f2937\">", lx, ly, anchor);
		add_text_escaped(sb, labels[i]);
		if (values[i] < 0)
			strbuf_addstr(sb, " (n/a)");
		strbuf_addstr(sb, "</text>\n");
	}
	strbuf_addstr(sb, "<polygon class=\"area\" fill=\"#0072B2\" fill-opacity=\"0.25\" "
			  "stroke=\"#0072B2\" stroke-width=\"2\" points=\"");
	for (i = 0; i < n; i++) {
		double a = (-90.0 + 360.0 * (double)i / (double)n) * M_PI / 180;
		double v = values[i] < 0 ? 0 : values[i] > max ? max : values[i];
		strbuf_addf(sb, "%s%.1f,%.1f", i ? " " : "", cx + r * v / max * cos(a),
			    cy + r * v / max * sin(a));
	}
	strbuf_addstr(sb, "\"/>\n");
	for (i = 0; i < n; i++) {
		double a = (-90.0 + 360.0 * (double)i / (double)n) * M_PI / 180;
		double v = values[i] < 0 ? 0 : values[i] > max ? max : values[i];
		if (values[i] < 0)
			continue;
		strbuf_addf(sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#0072B2\"/>\n",
			    cx + r * v / max * cos(a), cy + r * v / max * sin(a));
	}
	strbuf_addstr(sb, "</svg>\n");
}

void chart_hbars(struct strbuf *sb, const char *title, const char *const *labels,
		 const double *values, const char *const *colors, size_t n, double max,
		 const char *value_fmt)
{
	const double left = 230, width = 240, row = 26;
	double h = 16 + row * (double)n;
	size_t i;

	if (max <= 0)
		max = 1;
	strbuf_addf(sb, "<svg class=\"chart bars\" viewBox=\"0 0 520 %.0f\" width=\"520\" "
			"height=\"%.0f\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
		    h, h);
	add_text_escaped(sb, title);
	strbuf_addstr(sb, "</title>\n");
	for (i = 0; i < n; i++) {
		double y = 8 + row * (double)i;
		double v = values[i] < 0 ? 0 : values[i] > max ? max : values[i];
		char num[64];
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
				"dominant-baseline=\"middle\" fill=\"#1f2937\">", left - 8, y + 9);
		add_text_escaped(sb, labels[i]);
		strbuf_addstr(sb, "</text>\n");
		strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" "
				"fill=\"#eef0f3\"/>\n", left, y, width);
		if (values[i] >= 0)
			strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" "
					"fill=\"%s\"/>\n", left, y, width * v / max,
				    colors && colors[i] ? colors[i] : "#0072B2");
		if (values[i] < 0)
			snprintf(num, sizeof(num), "n/a");
		else
			snprintf(num, sizeof(num), value_fmt, values[i]);
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
				"dominant-baseline=\"middle\" fill=\"#1f2937\">",
			    left + width + 6, y + 9);
		add_text_escaped(sb, num);
		strbuf_addstr(sb, "</text>\n");
	}
	strbuf_addstr(sb, "</svg>\n");
}

/* Green when the value meets its target, red when it misses it, blue without one. */
static const char *target_colour(double v, double target, int up)
{
	if (!isfinite(target))
		return "#0072B2";
	return (up ? v >= target : v <= target) ? "#009E73" : "#D55E00";
}

void chart_metric_targets(struct strbuf *sb, const char *title,
			  const struct chart_metric_row *rows, size_t n)
{
	const double left = 190, plot = 220, row = 30, right = left + plot + 8;
	double h = 10 + row * (double)n;
	size_t i, k;

	strbuf_addf(sb, "<svg class=\"chart targets\" viewBox=\"0 0 640 %.0f\" width=\"640\" "
			"height=\"%.0f\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
		    h, h);
	add_text_escaped(sb, title);
	strbuf_addstr(sb, "</title>\n");
	for (i = 0; i < n; i++) {
		const struct chart_metric_row *r = &rows[i];
		double y = 6 + row * (double)i, lo = 0, hi = 0, v;
		int ratio = r->unit && !strcmp(r->unit, "ratio");

		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
				"dominant-baseline=\"middle\" fill=\"#1f2937\">", left - 8, y + 10);
		add_text_escaped(sb, r->label);
		strbuf_addstr(sb, "</text>\n");
		/*
		 * The grey track is the scale; a single value with neither a
		 * target nor a fixed scale (a count, a duration) has none, and
		 * an empty track would read as zero, so it gets no track.
		 */
		if (!r->npts || r->npts >= 2 || ratio || isfinite(r->target))
			strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" "
					"fill=\"#eef0f3\"/>\n", left, y, plot);
		if (!r->npts) {
			strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
					"dominant-baseline=\"middle\" fill=\"#6b7280\">no data</text>\n",
				    left + 6, y + 10);
			continue;
		}
		v = r->pts[r->npts - 1].value;
		/* the scale: 0..100 % for ratios, else 0 (or the lowest point) to the highest */
		for (k = 0; k < r->npts; k++) {
			if (k == 0 || r->pts[k].value > hi)
				hi = r->pts[k].value;
			if (r->pts[k].value < lo)
				lo = r->pts[k].value;
		}
		if (isfinite(r->target) && r->target > hi)
			hi = r->target;
		if (isfinite(r->target) && r->target < lo)
			lo = r->target;
		if (ratio && lo >= 0 && hi <= 1) {
			lo = 0;
			hi = 1;
		} else {
			hi = hi + (hi - lo) * 0.15;
		}
		if (hi <= lo)
			hi = lo + 1;
#define X(val) (left + plot * ((val) - lo) / (hi - lo))
		if (r->npts >= 2) {
			strbuf_addf(sb, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" "
					"stroke-width=\"1.8\" points=\"", target_colour(v, r->target, r->up));
			for (k = 0; k < r->npts; k++) {
				double px = left + plot * (double)k / (double)(r->npts - 1);
				double py = y + 18 - 16 * (r->pts[k].value - lo) / (hi - lo);
				strbuf_addf(sb, "%s%.1f,%.1f", k ? " " : "", px, py);
			}
			strbuf_addstr(sb, "\"/>\n");
			if (isfinite(r->target))
				strbuf_addf(sb, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" "
						"x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f2937\" "
						"stroke-dasharray=\"3 2\" stroke-width=\"1\"/>\n", left,
					    y + 18 - 16 * (r->target - lo) / (hi - lo), left + plot,
					    y + 18 - 16 * (r->target - lo) / (hi - lo));
		} else if (ratio || isfinite(r->target)) {
			strbuf_addf(sb, "<rect class=\"value\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
					"height=\"12\" fill=\"%s\"/>\n", X(lo < 0 ? 0 : lo), y + 4,
				    fabs(X(v) - X(lo < 0 ? 0 : lo)), target_colour(v, r->target, r->up));
			if (isfinite(r->target))
				strbuf_addf(sb, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" "
						"x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f2937\" "
						"stroke-width=\"2\"/>\n", X(r->target), y + 1,
					    X(r->target), y + 19);
		}
#undef X
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
				"dominant-baseline=\"middle\" fill=\"#1f2937\"><tspan "
				"font-weight=\"bold\">", right, y + 10);
		add_text_escaped(sb, r->value_text);
		strbuf_addstr(sb, "</tspan><tspan fill=\"#6b7280\"> ");
		if (r->target_text) {
			strbuf_addstr(sb, "target ");
			add_text_escaped(sb, r->target_text);
		} else {
			strbuf_addstr(sb, "no target set");
		}
		strbuf_addstr(sb, "</tspan></text>\n");
	}
	strbuf_addstr(sb, "</svg>\n");
}

void chart_interval(struct strbuf *sb, const char *title, double lo, double hi,
		    double estimate, double minimum, double axis_lo, double axis_hi)
{
	const double w = 200, pad = 6;
	double span;

	if (!(axis_hi > axis_lo))
		axis_hi = axis_lo + 1;
	span = axis_hi - axis_lo;
#define X(val) (pad + (w - 2 * pad) * (((val) < axis_lo ? axis_lo : (val) > axis_hi ? axis_hi : \
					(val)) - axis_lo) / span)
	strbuf_addstr(sb, "<svg class=\"chart interval\" viewBox=\"0 0 200 24\" width=\"200\" "
			  "height=\"24\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>");
	add_text_escaped(sb, title);
	strbuf_addstr(sb, "</title>\n");
	strbuf_addf(sb, "<line x1=\"%.1f\" y1=\"12\" x2=\"%.1f\" y2=\"12\" stroke=\"#e5e7eb\" "
			"stroke-width=\"1\"/>\n", pad, w - pad);
	strbuf_addf(sb, "<line class=\"zero\" x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"22\" "
			"stroke=\"#6b7280\" stroke-width=\"1\"/>\n", X(0.0), X(0.0));
	if (isfinite(minimum))
		strbuf_addf(sb, "<line class=\"minimum\" x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" "
				"y2=\"22\" stroke=\"#0072B2\" stroke-dasharray=\"3 2\" "
				"stroke-width=\"1\"/>\n", X(minimum), X(minimum));
	if (isfinite(lo) && isfinite(hi))
		strbuf_addf(sb, "<rect class=\"ci\" x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"8\" "
				"fill=\"%s\" fill-opacity=\"0.45\"/>\n", X(lo), X(hi) - X(lo),
			    lo > 0 ? "#009E73" : hi < 0 ? "#D55E00" : "#999999");
	if (isfinite(estimate))
		strbuf_addf(sb, "<circle class=\"estimate\" cx=\"%.1f\" cy=\"12\" r=\"3.5\" "
				"fill=\"#1f2937\"/>\n", X(estimate));
#undef X
	strbuf_addstr(sb, "</svg>\n");
}
