/*
 * metrics.c - `aivalue metrics [list] | show METRIC | history METRIC`:
 * each catalog metric with its value, unit, target and status, and its
 * weekly or monthly history with the change and the trend in words.
 * assess/series.h computes; this file parses options and prints, the
 * list and the history as tables (table.h), states in colour (color.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "assess/series.h"
#include "cmd.h"
#include "color.h"
#include "core/timeutil.h"
#include "options.h"
#include "table.h"

int cli_parse_as_of(const char *s, int64_t *us)
{
	int64_t t;

	if (time_parse_iso(s, &t)) {
		fprintf(stderr, "error: --as-of must be a date YYYY-MM-DD (or an ISO 8601 time), "
			"not '%s'\n", s);
		return 2;
	}
	/* a bare date means the end of that day: its data counts */
	if (strlen(s) == 10)
		t += 86400LL * 1000000 - 1;
	*us = t;
	return 0;
}

static void print_target(const struct cat_metric *m, const struct metric_target *t)
{
	char a[64], b[64], c[64];

	metric_format_value(m, 1, t->target, a, sizeof(a));
	metric_format_value(m, 1, t->at_risk, b, sizeof(b));
	metric_format_value(m, 1, t->off_track, c, sizeof(c));
	printf("Target: %s (%s is better); at risk %s %s, off track %s %s; %s\n", a,
	       !strcmp(m->direction, "up") ? "higher" : "lower",
	       !strcmp(m->direction, "up") ? "below" : "above", b,
	       !strcmp(m->direction, "up") ? "below" : "above", c, t->source);
	if (t->note[0])
		printf("Note: %s\n", t->note);
}

/* Metric documents: their figures are rounded, so print them without float noise. */
static void print_json(json_t *v)
{
	json_dumpf(v, stdout, METRIC_JSON_FLAGS);
	fputc('\n', stdout);
	json_decref(v);
}

static int history(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue metrics history METRIC [--by role|team|function|workflow] "
		"[--period week|month] [--json]", NULL };
	const char *by_s = NULL, *period_s = "month";
	const struct option opts[] = {
		{ OPT_STRING, 0, "by", &by_s, "role|team|function|workflow", "role, team, function or workflow" },
		{ OPT_STRING, 0, "period", &period_s, "week|month", "week or month (default month)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	enum series_period period;
	enum series_by by = SERIES_BY_NONE;
	static const char *const heads[] = { "PERIOD", "VALUE", "STATUS", "CHANGE", NULL };
	struct metric_series ms;
	struct table t;
	size_t i, j;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (series_period_parse(period_s, &period)) {
		fprintf(stderr, "error: --period must be week or month, not '%s'\n", period_s);
		return 2;
	}
	if (by_s && series_by_parse(by_s, &by)) {
		fprintf(stderr, "error: --by must be role, team, function or workflow, not '%s'\n",
			by_s);
		return 2;
	}
	if (metric_series_get(ctx->store, ctx->cat, argv[1], period, by, time_now_us(), &ms,
			      &err)) {
		metric_series_release(&ms);
		return cli_error(&err);
	}
	if (ctx->json) {
		print_json(metric_series_json(&ms));
		metric_series_release(&ms);
		return 0;
	}
	printf("%s (%s), %sly%s%s\n", ms.metric->name, ms.metric->id, series_period_name(period),
	       by != SERIES_BY_NONE ? " by " : "", by != SERIES_BY_NONE ? series_by_name(by) : "");
	print_target(ms.metric, &ms.target);
	if (ms.unavailable[0]) {
		printf("\nNo breakdown: %s\n", ms.unavailable);
		metric_series_release(&ms);
		return 0;
	}
	if (!ms.nlines)
		printf("\nno data: nothing measured yet for this metric\n");
	for (i = 0; i < ms.nlines; i++) {
		const struct series_line *l = &ms.lines[i];
		printf("\n%s\n", l->group ? l->group : "Whole organisation");
		table_init(&t, heads);
		table_keep(&t, 0);
		table_right(&t, 1);
		table_keep(&t, 2);
		for (j = 0; j < l->npoints; j++) {
			const struct series_point *p = &l->points[j];
			const char *status = trend_status_name(p->status);
			char v[64], c[64] = "";
			metric_format_value(ms.metric, p->have, p->value, v, sizeof(v));
			if (p->have_change)
				metric_format_change(ms.metric, p->change, c, sizeof(c));
			table_add(&t, p->label);
			table_add(&t, v);
			table_add_color(&t, color_for_word(status), status);
			table_add(&t, p->have ? c : p->why);
		}
		table_print(&t);
		table_release(&t);
		printf("Trend: %s (%s)\n", l->trend, l->trend_detail);
	}
	metric_series_release(&ms);
	return 0;
}

static int show(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue metrics show METRIC [--by role|team|function|workflow] [--json]", NULL };
	const char *by_s = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "by", &by_s, "DIM", "role, team, function or workflow" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct metric_summary m;
	struct metric_series ms;
	enum series_by by = SERIES_BY_NONE;
	char v[64], c[64];
	size_t i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (by_s && series_by_parse(by_s, &by)) {
		fprintf(stderr, "error: --by must be role, team, function or workflow, not '%s'\n",
			by_s);
		return 2;
	}
	memset(&ms, 0, sizeof(ms));
	if (metric_summary_get(ctx->store, ctx->cat, argv[1], time_now_us(), &m, &err) ||
	    (by != SERIES_BY_NONE && metric_series_get(ctx->store, ctx->cat, argv[1], SERIES_MONTH,
						       by, time_now_us(), &ms, &err))) {
		metric_summary_release(&m);
		metric_series_release(&ms);
		return cli_error(&err);
	}
	if (ctx->json) {
		json_t *o = metric_summary_json(&m);
		if (by != SERIES_BY_NONE)
			json_object_set_new(o, "breakdown", metric_breakdown_json(&ms));
		print_json(o);
		metric_summary_release(&m);
		metric_series_release(&ms);
		return 0;
	}
	metric_format_value(m.metric, m.have, m.value, v, sizeof(v));
	printf("%s (%s): %s, ", m.metric->name, m.metric->id, v);
	color_fputs(color_for_word(trend_status_name(m.status)), trend_status_name(m.status));
	fputc('\n', stdout);
	print_target(m.metric, &m.target);
	if (m.have_change) {
		metric_format_change(m.metric, m.change, c, sizeof(c));
		printf("Change since the previous month: %s\n", c);
	}
	printf("Trend (monthly): %s\n", m.trend);
	printf("Source: %s\n", m.source);
	printf("Definition: %s\n", m.metric->definition);
	if (by != SERIES_BY_NONE) {
		printf("\nBy %s:\n", series_by_name(by));
		if (ms.unavailable[0] || !ms.nlines)
			printf("  not available: %s\n", ms.unavailable[0] ? ms.unavailable :
			       "no group has data");
		for (i = 0; !ms.unavailable[0] && i < ms.nlines; i++) {
			const struct series_point *p = series_line_latest(&ms.lines[i]);
			metric_format_value(ms.metric, p != NULL, p ? p->value : 0, v, sizeof(v));
			printf("  %-30s %-14s %s\n", ms.lines[i].group ? ms.lines[i].group : "everyone",
			       v, p ? trend_status_name(p->status) : "");
		}
	}
	metric_summary_release(&m);
	metric_series_release(&ms);
	return 0;
}

static int list(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue metrics [list] [--json]", NULL };
	static const char *const heads[] = { "METRIC", "NAME", "VALUE", "TARGET", "STATUS", NULL };
	const struct option opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	json_t *arr = ctx->json ? json_array() : NULL;
	struct table t;
	size_t i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n > 0) {
		usage_with_options(usage, opts, 1);
		json_decref(arr);
		return 2;
	}
	table_init(&t, heads);
	table_right(&t, 2);
	table_right(&t, 3);
	table_keep(&t, 4);
	for (i = 0; i < ctx->cat->nmetrics; i++) {
		const struct cat_metric *cm = &ctx->cat->metrics[i];
		struct metric_summary m;
		char v[64], tg[64];
		if (metric_summary_get(ctx->store, ctx->cat, cm->id, time_now_us(), &m, &err)) {
			metric_summary_release(&m);
			json_decref(arr);
			table_release(&t);
			return cli_error(&err);
		}
		if (arr) {
			json_array_append_new(arr, metric_summary_json(&m));
		} else {
			const char *status = trend_status_name(m.status);
			metric_format_value(cm, m.have, m.value, v, sizeof(v));
			metric_format_value(cm, 1, m.target.target, tg, sizeof(tg));
			table_add(&t, cm->id);
			table_add(&t, cm->name);
			table_add(&t, v);
			table_add(&t, tg);
			table_add_color(&t, color_for_word(status), status);
		}
		metric_summary_release(&m);
	}
	if (arr)
		print_json(arr);
	else
		table_print(&t);
	table_release(&t);
	return 0;
}

int cmd_metrics(int argc, char **argv, struct aiv_ctx *ctx)
{
	if (argc >= 2 && !strcmp(argv[1], "history"))
		return history(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "show"))
		return show(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return list(argc - 1, argv + 1, ctx);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: aivalue metrics [list] [--json]\n"
		       "   or: aivalue metrics show METRIC [--json]\n"
		       "   or: aivalue metrics history METRIC [--by role|team|function|workflow]"
		       " [--period week|month] [--json]\n");
		return 0;
	}
	if (argc >= 2 && argv[1][0] != '-') {
		fprintf(stderr, "error: metrics needs 'list', 'show' or 'history', not '%s'\n",
			argv[1]);
		return 2;
	}
	return list(argc, argv, ctx);
}
