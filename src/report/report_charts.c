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
