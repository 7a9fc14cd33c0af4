/*
 * series.c - metric history: periods, the usage-metric back-fill, the
 * stored cache and its freshness, status and trend; see series.h.
 *
 * The usage metrics are computed from one usage table loaded once: every
 * distinct period end (weekly and monthly together) gets one adoption
 * report, and each report gives every usage metric and every breakdown
 * at once.  That is what makes a year of usage twelve monthly points "at
 * once" at import time, and what the read path repeats in memory when
 * the stored series is stale.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "control/control_queries.h"
#include "core/timeutil.h"
#include "ingest/import_queries.h"
#include "ingest/usage_load.h"
#include "series.h"
#include "series_int.h"

#define DAY_US (86400LL * 1000000)

/* The metrics computed from AI usage, back-filled and stored. */
static const char *const usage_metrics[] = {
	"repeat_use_rate", "proficiency_mix", "gini_active_days", "repeat_use_gap",
	"reusable_workflows", "cross_functional_enablement", "functions_with_repeat_use",
	"open_two_tier_findings",
};

static int is_usage_metric(const char *id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(usage_metrics); i++)
		if (!strcmp(usage_metrics[i], id))
			return 1;
	return 0;
}

/* Breakdowns the adoption report has a per-group figure for. */
static int has_group_figure(const char *id)
{
	return !strcmp(id, "repeat_use_rate") || !strcmp(id, "gini_active_days");
}

const char *series_period_name(enum series_period p)
{
	return p == SERIES_WEEK ? "week" : "month";
}

const char *series_by_name(enum series_by b)
{
	static const char *const names[] = { "", "role", "team", "function", "workflow" };

	return names[b];
}

int series_period_parse(const char *s, enum series_period *out)
{
	if (!strcmp(s, "week"))
		*out = SERIES_WEEK;
	else if (!strcmp(s, "month"))
		*out = SERIES_MONTH;
	else
		return -1;
	return 0;
}

int series_by_parse(const char *s, enum series_by *out)
{
	int i;

	for (i = SERIES_BY_ROLE; i <= SERIES_BY_WORKFLOW; i++)
		if (!strcmp(s, series_by_name((enum series_by)i))) {
			*out = (enum series_by)i;
			return 0;
		}
	return -1;
}

/* ---- periods ------------------------------------------------------------ */

static int32_t period_start(enum series_period p, int32_t day)
{
	int y, m, d;

	if (p == SERIES_WEEK)
		return day - (int32_t)(((day + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	adoption_civil(day, &y, &m, &d);
	return (int32_t)time_days_from_civil(y, (unsigned)m, 1);
}

static int32_t period_next(enum series_period p, int32_t start)
{
	int y, m, d;

	if (p == SERIES_WEEK)
		return start + 7;
	adoption_civil(start, &y, &m, &d);
	return m == 12 ? (int32_t)time_days_from_civil(y + 1, 1, 1) :
			 (int32_t)time_days_from_civil(y, (unsigned)m + 1, 1);
}

static void period_label(enum series_period p, int32_t start, char out[16])
{
	int y, m, d;

	adoption_civil(start, &y, &m, &d);
	if (p == SERIES_WEEK)
		snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
	else
		snprintf(out, 16, "%04d-%02d", y, m);
}

/*
 * How far back a history reaches from its newest day: ten years of
 * months or weeks.  Data that spans more (a date of year 1 or 9999 in an
 * export) would otherwise cost one adoption computation per period of
 * the span, each over the whole span: hours for a CSV of a few rows.
 */
#define SERIES_SPAN_DAYS 3653

/* The periods from the one holding `first` (at most SERIES_SPAN_DAYS before `last`) to the one holding `last`: starts into *out. */
static size_t periods(enum series_period p, int32_t first, int32_t last, int32_t **out)
{
	size_t n = 0, a = 0;
	int32_t s;

	*out = NULL;
	if (last > first && (int64_t)last - first > SERIES_SPAN_DAYS)
		first = last - SERIES_SPAN_DAYS;
	for (s = period_start(p, first); s <= last; s = period_next(p, s)) {
		ALLOC_GROW(*out, n + 1, a);
		(*out)[n++] = s;
	}
	return n;
}

/* ---- targets and status ------------------------------------------------- */

enum metric_status metric_status(const struct cat_metric *m, const struct metric_target *t,
				 int have, double value)
{
	return trend_status(have, value, !strcmp(m->direction, "up"), t->at_risk, t->off_track);
}

struct target_find {
	const char *name;
	struct metric_target *out;
	int found;
};

static int target_one(const struct apply_object *o, void *data)
{
	struct target_find *tf = data;
	json_t *spec;
	const char *note;

	if (strcmp(o->name, tf->name))
		return 0;
	if (!(spec = json_loads(o->spec, 0, NULL)))
		return 0; /* unparsable: the catalog default stays */
	tf->out->target = json_number_value(json_object_get(spec, "target"));
	tf->out->at_risk = json_number_value(json_object_get(spec, "at_risk"));
	tf->out->off_track = json_number_value(json_object_get(spec, "off_track"));
	note = json_string_value(json_object_get(spec, "note"));
	snprintf(tf->out->note, sizeof(tf->out->note), "%s", note ? note : "");
	tf->out->overridden = 1;
	snprintf(tf->out->source, sizeof(tf->out->source), "MetricTarget '%s' (ledger entry %lld)",
		 o->name, (long long)o->updated_seq);
	json_decref(spec);
	tf->found = 1;
	return 1;
}

int metric_target_get(struct store *s, const struct catalog *cat, const struct cat_metric *m,
		      struct metric_target *out, struct aiv_err *err)
{
	struct target_find tf = { m->id, out, 0 };
	int ret;

	(void)cat;
	memset(out, 0, sizeof(*out));
	out->target = m->target;
	out->at_risk = m->at_risk;
	out->off_track = m->off_track;
	snprintf(out->source, sizeof(out->source), "catalog default");
	ret = apply_each_object(s, "MetricTarget", target_one, &tf, err);
	return ret < 0 ? ret : 0;
}

/* ---- formatting ------------------------------------------------------------ */

static void fmt_duration(double secs, char *buf, size_t len)
{
	double a = fabs(secs);
	const char *sign = secs < 0 ? "-" : "";
	long long h = (long long)llround(a / 3600.0);

	if (a < 3600)
		snprintf(buf, len, "%s%lld min", sign, (long long)llround(a / 60.0));
	else if (h < 24)
		snprintf(buf, len, "%s%lld h", sign, h);
	else
		snprintf(buf, len, "%s%lld d %02lld h", sign, h / 24, h % 24);
}

void metric_format_value(const struct cat_metric *m, int have, double v, char *buf, size_t len)
{
	if (!have || isnan(v)) {
		snprintf(buf, len, "no data");
		return;
	}
	if (!strcmp(m->unit, "ratio"))
		snprintf(buf, len, "%.1f %%", 100.0 * v);
	else if (!strcmp(m->unit, "seconds"))
		fmt_duration(v, buf, len);
	else if (!strcmp(m->unit, "days"))
		snprintf(buf, len, "%.1f days", v);
	else if (!strcmp(m->unit, "currency"))
		snprintf(buf, len, "%.2f", v);
	else if (!strcmp(m->unit, "score"))
		snprintf(buf, len, v == floor(v) ? "%.0f" : "%.2f", v);
	else
		snprintf(buf, len, v == floor(v) ? "%.0f" : "%.1f", v);
}

void metric_format_change(const struct cat_metric *m, double d, char *buf, size_t len)
{
	char tmp[48];

	if (!strcmp(m->unit, "ratio")) {
		double pts = round(1000.0 * d) / 10; /* as shown: -0.04 points is no change */
		if (pts == 0)
			snprintf(buf, len, "no change");
		else
			snprintf(buf, len, "%+.1f points", pts);
	} else if (d == 0) {
		snprintf(buf, len, "no change");
	} else if (!strcmp(m->unit, "seconds")) {
		fmt_duration(d, tmp, sizeof(tmp));
		snprintf(buf, len, "%s%s", d >= 0 ? "+" : "", tmp);
	} else if (!strcmp(m->unit, "days")) {
		snprintf(buf, len, "%+.1f days", d);
	} else {
		snprintf(buf, len, d == floor(d) ? "%+.0f" : "%+.2f", d);
	}
}

/* ---- lines ------------------------------------------------------------------ */

static struct series_line *line_for(struct metric_series *ms, const char *group)
{
	size_t i;

	for (i = 0; i < ms->nlines; i++)
		if ((!group && !ms->lines[i].group) ||
		    (group && ms->lines[i].group && !strcmp(group, ms->lines[i].group)))
			return &ms->lines[i];
	ms->lines = xrealloc(ms->lines, st_mult(ms->nlines + 1, sizeof(*ms->lines)));
	memset(&ms->lines[ms->nlines], 0, sizeof(ms->lines[0]));
	ms->lines[ms->nlines].group = group ? xstrdup(group) : NULL;
	return &ms->lines[ms->nlines++];
}

/* Place one point in the line (kept in period order; periods arrive in order). */
static void line_add(struct series_line *l, const struct series_point *p)
{
	l->points = xrealloc(l->points, st_mult(l->npoints + 1, sizeof(*l->points)));
	l->points[l->npoints++] = *p;
}

static int cmp_line(const void *a, const void *b)
{
	const struct series_line *x = a, *y = b;

	if (!x->group || !y->group)
		return !x->group ? -1 : !y->group ? 1 : 0;
	return strcmp(x->group, y->group);
}

/* Status, change and trend once every point is in. */
static void finish(struct metric_series *ms)
{
	size_t i, j;

	if (ms->nlines)
		qsort(ms->lines, ms->nlines, sizeof(*ms->lines), cmp_line);
	for (i = 0; i < ms->nlines; i++) {
		struct series_line *l = &ms->lines[i];
		double *v = xcalloc(l->npoints ? l->npoints : 1, sizeof(*v));
		const struct series_point *prev = NULL;
		for (j = 0; j < l->npoints; j++) {
			struct series_point *p = &l->points[j];
			p->status = metric_status(ms->metric, &ms->target, p->have, p->value);
			v[j] = p->have ? p->value : NAN;
			p->have_change = 0;
			p->change_rel = NAN;
			if (p->have && prev) {
				p->have_change = 1;
				p->change = p->value - prev->value;
				if (prev->value != 0)
					p->change_rel = p->change / fabs(prev->value);
			}
			if (p->have)
				prev = p;
		}
		trend_mann_kendall(v, l->npoints, &l->mk);
		trend_words(&l->mk, l->trend, sizeof(l->trend));
		trend_detail(&l->mk, l->trend_detail, sizeof(l->trend_detail));
		free(v);
	}
}

void metric_series_release(struct metric_series *ms)
{
	size_t i;

	for (i = 0; i < ms->nlines; i++) {
		free(ms->lines[i].group);
		free(ms->lines[i].points);
	}
	free(ms->lines);
	memset(ms, 0, sizeof(*ms));
}

/* ---- the fingerprint --------------------------------------------------------- */

struct org_mark {
	int64_t max_seq, count;
};

static int mark_one(const struct apply_object *o, void *data)
{
	struct org_mark *m = data;

	if (o->updated_seq > m->max_seq)
		m->max_seq = o->updated_seq;
	m->count++;
	return 0;
}

/*
 * What the usage series are computed from: the usage imports (how many,
 * the newest) and the people and teams (newest change, how many), as
 * "u<imports>.<newest>" into usage and "o<seq>.<count>" into org.
 */
static int fingerprint(struct store *s, char usage[48], char org[48], struct aiv_err *err)
{
	struct import_stats is;
	struct org_mark m = { 0, 0 };
	int ret;

	/* usage imports only: a journey or outcome import, which the demo makes
	 * after the last usage import, changes no usage figure */
	if ((ret = import_usage_stats(s, &is, err)) ||
	    (ret = apply_each_object(s, "Person", mark_one, &m, err)) ||
	    (ret = apply_each_object(s, "Team", mark_one, &m, err)))
		return ret;
	snprintf(usage, 48, "u%lld.%lld", (long long)is.imports, (long long)is.last_id);
	snprintf(org, 48, "o%lld.%lld", (long long)m.max_seq, (long long)m.count);
	return 0;
}

/* ---- the usage back-fill --------------------------------------------------------- */

static const enum adoption_dim dim_of[] = { DIM_N, DIM_ROLE, DIM_TEAM, DIM_FUNCTION, DIM_N };

/*
 * Sink for computed usage points: one call per (metric, period, by,
 * group, point).  group NULL: the organisation.
 */
typedef int (*point_sink)(void *data, const char *metric, enum series_period period,
			  enum series_by by, const char *group, const struct series_point *p,
			  struct aiv_err *err);

struct backfill {
	struct usage_table t;
	struct adoption_config cfg;
	int loaded, empty;
};

static int backfill_load(struct backfill *b, struct store *s, struct aiv_err *err)
{
	struct adoption_report r;
	struct import_stats is;
	int ret;

	memset(b, 0, sizeof(*b));
	utab_init(&b->t);
	if ((ret = import_stats(s, &is, err)))
		return ret;
	if (is.imports == 0) {
		b->empty = 1;
		return 0;
	}
	utab_release(&b->t);
	if ((ret = adoption_run(s, NULL, PERIOD_MONTH, 0, &r, &b->t, err)))
		return ret;
	b->cfg = r.cfg;
	adoption_report_release(&r);
	b->loaded = 1;
	b->empty = b->t.n == 0 || b->t.min_day > b->t.max_day;
	return 0;
}

static void backfill_release(struct backfill *b)
{
	utab_release(&b->t);
}

/* The point of one group of dimension dim in report r, for metric id. */
static void group_point(const struct adoption_report *r, enum adoption_dim dim, size_t gi,
			const char *id, struct series_point *p)
{
	const struct adoption_stats *g = &r->groups[dim][gi];

	if (g->suppressed || g->people <= 0) {
		p->have = 0;
		snprintf(p->why, sizeof(p->why), "fewer than %d people: not reported (privacy floor)",
			 r->cfg.privacy_floor);
		return;
	}
	p->have = 1;
	p->value = !strcmp(id, "repeat_use_rate") ? g->repeat_rate : g->gini;
}

/*
 * Compute the usage points of the periods of kinds[0..nkinds) whose
 * as-of day is on or after from_day, or after old_last (the last day of
 * data when they were stored: a period in progress then), for the metrics in
 * ids[0..nids) and breakdowns bys[0..nbys), and hand each to sink.
 * *computed counts the points.
 */
static int backfill_run(struct backfill *b, const struct catalog *cat, int32_t from_day,
			int32_t old_last,
			const char *const *ids, size_t nids, const enum series_period *kinds,
			size_t nkinds, const enum series_by *bys, size_t nbys, point_sink sink,
			void *data, int64_t *computed, struct aiv_err *err)
{
	int32_t first = b->t.min_day, last = b->t.max_day;
	size_t k, i, j, q, g;
	int ret = 0;

	for (k = 0; k < nkinds; k++) {
		enum series_period pk = kinds[k];
		int32_t *starts;
		size_t n = periods(pk, first, last, &starts);
		for (i = 0; i < n && !ret; i++) {
			int32_t end = period_next(pk, starts[i]) - 1, as_of = end < last ? end : last;
			struct adoption_report r;
			struct adoption_facts f;
			struct series_point p;
			/*
			 * A value as of day D depends on data up to D only, so a
			 * period is kept when its day is before the new data and
			 * was not cut short by the old last day of data.
			 */
			if (as_of < from_day && as_of <= old_last)
				continue;
			memset(&f, 0, sizeof(f));
			if ((ret = adoption_compute(&b->t, &b->cfg, PERIOD_MONTH, as_of, &r, err)))
				break;
			assess_adoption_facts_of(&b->t, &r, cat, &f);
			memset(&p, 0, sizeof(p));
			period_label(pk, starts[i], p.label);
			p.start_day = starts[i];
			p.as_of_day = as_of;
			for (j = 0; j < nids && !ret; j++) {
				for (q = 0; q < nbys && !ret; q++) {
					if (bys[q] == SERIES_BY_NONE) {
						struct evidence_value ev;
						memset(&ev, 0, sizeof(ev));
						assess_adoption_value(&f, ids[j], &ev);
						p.have = ev.state == EV_MEASURED;
						p.value = p.have ? ev.value : 0;
						snprintf(p.why, sizeof(p.why), "%s",
							 p.have ? "" : ev.source);
						ret = sink(data, ids[j], pk, bys[q], NULL, &p, err);
						++*computed;
						continue;
					}
					if (dim_of[bys[q]] == DIM_N || !has_group_figure(ids[j]))
						continue;
					for (g = 0; g < r.ngroups[dim_of[bys[q]]] && !ret; g++) {
						group_point(&r, dim_of[bys[q]], g, ids[j], &p);
						ret = sink(data, ids[j], pk, bys[q],
							   r.groups[dim_of[bys[q]]][g].name, &p, err);
						++*computed;
					}
				}
			}
			adoption_report_release(&r);
		}
		free(starts);
		if (ret)
			break;
	}
	return ret;
}

/* ---- the stored cache ----------------------------------------------------------- */

static int sink_memory(void *data, const char *metric, enum series_period period,
		       enum series_by by, const char *group, const struct series_point *p,
		       struct aiv_err *err)
{
	struct metric_series *ms = data;

	(void)metric;
	(void)period;
	(void)by;
	(void)err;
	line_add(line_for(ms, group), p);
	return 0;
}

static int sink_store(void *data, const char *metric, enum series_period period,
		      enum series_by by, const char *group, const struct series_point *p,
		      struct aiv_err *err)
{
	struct store *s = data;
	struct store_stmt *st = store_prepare(s,
		"INSERT INTO metric_series(metric, period, period_start, breakdown, grp, label,"
		" as_of_day, have, value, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
		" ON CONFLICT(metric, period, period_start, breakdown, grp) DO UPDATE SET"
		" label = excluded.label, as_of_day = excluded.as_of_day, have = excluded.have,"
		" value = excluded.value, why = excluded.why", err);

	if (!st)
		return err->code;
	store_bind_text(st, 1, metric);
	store_bind_text(st, 2, series_period_name(period));
	store_bind_int(st, 3, p->start_day);
	store_bind_text(st, 4, series_by_name(by));
	store_bind_text(st, 5, group ? group : "");
	store_bind_text(st, 6, p->label);
	store_bind_int(st, 7, p->as_of_day);
	store_bind_int(st, 8, p->have);
	store_bind_double(st, 9, p->have ? p->value : 0);
	store_bind_text(st, 10, p->why);
	return store_step_done(st, err);
}

static const enum series_period all_kinds[] = { SERIES_WEEK, SERIES_MONTH };
static const enum series_by all_bys[] = { SERIES_BY_NONE, SERIES_BY_ROLE, SERIES_BY_TEAM,
					  SERIES_BY_FUNCTION };

/* The marks row: what the stored series were computed from (have = 0: none yet). */
struct series_mark {
	int have;
	char usage[48], org[48];
	int64_t last_day, refreshed_points;
};

static int read_mark(struct store *s, struct series_mark *m, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT usage, org, last_day, refreshed_points"
					      " FROM metric_series_marks WHERE id = 1", err);
	int ret;

	memset(m, 0, sizeof(*m));
	if (!st)
		return err->code;
	if ((ret = store_step(st, err)) == STORE_ROW) {
		m->have = 1;
		snprintf(m->usage, sizeof(m->usage), "%s", store_col_text(st, 0));
		snprintf(m->org, sizeof(m->org), "%s", store_col_text(st, 1));
		m->last_day = store_col_int(st, 2);
		m->refreshed_points = store_col_int(st, 3);
	}
	store_reset(st);
	return ret < 0 ? ret : 0;
}

int metric_series_refresh(struct store *s, const struct catalog *cat, int32_t from_day,
			  int64_t *points, struct aiv_err *err)
{
	char usage[48], org[48], old_org[48] = "";
	struct backfill b;
	struct store_stmt *st;
	struct series_mark mk;
	int64_t computed = 0, old_last = INT32_MIN;
	int ret, full;

	if (points)
		*points = 0;
	if ((ret = fingerprint(s, usage, org, err)))
		return ret;
	if ((ret = read_mark(s, &mk, err)))
		return ret;
	if (mk.have) {
		snprintf(old_org, sizeof(old_org), "%s", mk.org);
		old_last = mk.last_day;
	}
	full = strcmp(old_org, org) != 0;
	memset(&b, 0, sizeof(b));
	utab_init(&b.t);
	if ((ret = backfill_load(&b, s, err)))
		goto out;
	if ((ret = store_begin(s, err)))
		goto out;
	if (full) /* otherwise periods ending before from_day keep their rows */
		ret = store_exec(s, "DELETE FROM metric_series", err);
	if (!ret && !b.empty)
		ret = backfill_run(&b, cat, full ? INT32_MIN : from_day, (int32_t)old_last, usage_metrics,
				   ARRAY_SIZE(usage_metrics), all_kinds, ARRAY_SIZE(all_kinds),
				   all_bys, ARRAY_SIZE(all_bys), sink_store, s, &computed, err);
	if (!ret) {
		st = store_prepare(s, "INSERT INTO metric_series_marks(id, usage, org, last_day,"
				   " computed, refreshed_points) VALUES (1, ?1, ?2, ?4, ?3, ?3)"
				   " ON CONFLICT(id) DO UPDATE"
				   " SET usage = excluded.usage, org = excluded.org,"
				   " last_day = excluded.last_day,"
				   " computed = metric_series_marks.computed + excluded.computed,"
				   " refreshed_points = excluded.refreshed_points", err);
		if (!st) {
			ret = err->code;
		} else {
			store_bind_text(st, 1, usage);
			store_bind_text(st, 2, org);
			store_bind_int(st, 3, computed);
			store_bind_int(st, 4, b.empty ? INT32_MIN : b.t.max_day);
			ret = store_step_done(st, err);
		}
	}
	if (!ret)
		ret = store_commit(s, err);
	else
		store_rollback(s);
	if (!ret && points)
		*points = computed;
out:
	backfill_release(&b);
	return ret;
}

/* The stored series when its fingerprint is current: 1 read, 0 stale or absent. */
static int read_cached(struct store *s, const char *usage, const char *org,
		       struct metric_series *ms, struct aiv_err *err)
{
	struct store_stmt *st;
	struct series_mark mk;
	int ret, fresh = 0;

	if ((ret = read_mark(s, &mk, err)))
		return ret;
	if (mk.have) {
		fresh = !strcmp(mk.usage, usage) && !strcmp(mk.org, org);
		ms->refresh_computed = mk.refreshed_points;
	}
	if (!fresh)
		return 0;
	st = store_prepare(s, "SELECT grp, label, period_start, as_of_day, have, value, why"
			   " FROM metric_series WHERE metric = ?1 AND period = ?2 AND breakdown = ?3"
			   " ORDER BY grp, period_start", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, ms->metric->id);
	store_bind_text(st, 2, series_period_name(ms->period));
	store_bind_text(st, 3, series_by_name(ms->by));
	while ((ret = store_step(st, err)) == STORE_ROW) {
		struct series_point p;
		const char *g = store_col_text(st, 0);
		memset(&p, 0, sizeof(p));
		snprintf(p.label, sizeof(p.label), "%s", store_col_text(st, 1));
		p.start_day = (int32_t)store_col_int(st, 2);
		p.as_of_day = (int32_t)store_col_int(st, 3);
		p.have = (int)store_col_int(st, 4);
		p.value = store_col_double(st, 5);
		snprintf(p.why, sizeof(p.why), "%s", store_col_text(st, 6));
		line_add(line_for(ms, *g ? g : NULL), &p);
	}
	store_reset(st);
	if (ret < 0)
		return ret;
	return 1;
}

/* ---- agent control: exceptions within SLA as of a date, by workflow ------------------ */

void assess_sla_at(const struct control_closure *c, size_t n, int64_t until_us,
		   const char *workflow, int64_t *closed, int64_t *within)
{
	size_t i;

	*closed = *within = 0;
	for (i = 0; i < n; i++) {
		if (c[i].closed_us > until_us || (workflow && strcmp(workflow, c[i].workflow)))
			continue;
		++*closed;
		*within += c[i].within;
	}
}

void assess_logged_at(const struct control_observed_call *c, size_t n, int64_t until_us,
		      int64_t *total, int64_t *decided)
{
	size_t i;

	*total = *decided = 0;
	for (i = 0; i < n; i++)
		if (c[i].time_us <= until_us) {
			++*total;
			*decided += c[i].decided;
		}
}

/* ---- other metrics: the evidence provider as of each period's end ---------------------- */

/* The periods of metrics not computed from usage: the last 12 months or 13 weeks up to now. */
static size_t recent_periods(enum series_period p, int64_t now, int32_t *today, int32_t **starts)
{
	*today = (int32_t)(now / DAY_US);
	return periods(p, p == SERIES_WEEK ? *today - 12 * 7 : *today - 330, *today, starts);
}

/* Period i's as-of day: its last day, or today for the period in progress. */
static int32_t period_as_of(enum series_period p, int32_t start, int32_t today)
{
	int32_t end = period_next(p, start) - 1;

	return end < today ? end : today;
}

/* One dated fact of a share per workflow: its workflow ("" none), its time, whether it counts. */
struct wf_fact {
	const char *workflow;
	int64_t us;
	int good;
};

/*
 * A share per workflow: one line per workflow that has a fact (facts
 * naming none are the line "(no workflow)"), each point the share of the
 * facts up to the period's as-of day that are good; `none` says why a
 * point has no figure.
 */
static void workflow_series(struct metric_series *ms, int64_t now, const struct wf_fact *f,
			    size_t n, const char *none)
{
	int32_t today, *starts;
	size_t nperiods, i, j, k, m;

	nperiods = recent_periods(ms->period, now, &today, &starts);
	for (k = 0; k < n; k++) {
		const char *wf = f[k].workflow;
		for (j = 0; j < k && strcmp(f[j].workflow, wf); j++)
			;
		if (j < k)
			continue; /* that workflow's line is done */
		for (i = 0; i < nperiods; i++) {
			int32_t as_of = period_as_of(ms->period, starts[i], today);
			int64_t until = ((int64_t)as_of + 1) * DAY_US - 1, total = 0, good = 0;
			struct series_point p;
			for (m = 0; m < n; m++)
				if (f[m].us <= until && !strcmp(f[m].workflow, wf)) {
					total++;
					good += f[m].good;
				}
			memset(&p, 0, sizeof(p));
			period_label(ms->period, starts[i], p.label);
			p.start_day = starts[i];
			p.as_of_day = as_of;
			p.have = total > 0;
			p.value = p.have ? (double)good / (double)total : 0;
			if (!p.have)
				snprintf(p.why, sizeof(p.why), "%s", none);
			line_add(line_for(ms, *wf ? wf : "(no workflow)"), &p);
			ms->computed++;
		}
	}
	free(starts);
}

/*
 * A share metric per workflow from its dated facts: exceptions_within_sla
 * from the closed exception items by closing time; decisions_logged_share
 * from the observed tool calls by their time, through their agent's
 * workflow (calls of agents not declared are the line "(no workflow)").
 */
static int share_workflow_series(struct store *s, struct metric_series *ms, int64_t now,
				 struct aiv_err *err)
{
	int sla = !strcmp(ms->metric->id, "exceptions_within_sla");
	struct control_closure *c = NULL;
	struct control_observed_call *o = NULL;
	struct wf_fact *f;
	size_t n, k;
	int ret;

	if ((ret = sla ? control_exception_closures(s, &c, &n, err) :
			 control_observed_calls(s, &o, &n, err)))
		return ret;
	f = xcalloc(n ? n : 1, sizeof(*f));
	for (k = 0; k < n; k++)
		f[k] = sla ? (struct wf_fact){ c[k].workflow, c[k].closed_us, c[k].within } :
			     (struct wf_fact){ o[k].workflow, o[k].time_us, o[k].decided };
	workflow_series(ms, now, f, n, sla ? "no exception item closed by then" :
					     "no tool call observed by then");
	free(f);
	free(c);
	free(o);
	return 0;
}

static int evidence_series(struct store *s, const struct catalog *cat, struct metric_series *ms,
			   int64_t now, struct aiv_err *err)
{
	int32_t today, *starts;
	size_t n, i;
	int ret = 0;

	n = recent_periods(ms->period, now, &today, &starts);
	for (i = 0; i < n && !ret; i++) {
		int32_t as_of = period_as_of(ms->period, starts[i], today);
		struct evidence_env env = { s, cat, ((int64_t)as_of + 1) * DAY_US - 1, as_of < today };
		struct evidence_value ev;
		struct series_point p;
		memset(&p, 0, sizeof(p));
		period_label(ms->period, starts[i], p.label);
		p.start_day = starts[i];
		p.as_of_day = as_of;
		if ((ret = evidence_get(&env, ms->metric->id, &ev, err)))
			break;
		p.have = ev.state == EV_MEASURED;
		p.value = p.have ? ev.value : 0;
		snprintf(p.why, sizeof(p.why), "%s", p.have ? "" : ev.source);
		line_add(line_for(ms, NULL), &p);
		ms->computed++;
	}
	free(starts);
	return ret;
}

int metric_series_get(struct store *s, const struct catalog *cat, const char *id,
		      enum series_period period, enum series_by by, int64_t now,
		      struct metric_series *out, struct aiv_err *err)
{
	char usage[48], org[48];
	struct backfill b;
	int ret;

	memset(out, 0, sizeof(*out));
	out->period = period;
	out->by = by;
	if (!(out->metric = catalog_metric(cat, id)))
		return aiv_fail(err, AIV_ENOTFOUND, "no catalog metric '%s' (aivalue models lists them)",
				id);
	if ((ret = metric_target_get(s, cat, out->metric, &out->target, err)))
		return ret;
	if (!is_usage_metric(id)) {
		if (by == SERIES_BY_WORKFLOW && (!strcmp(id, "exceptions_within_sla") ||
						 !strcmp(id, "decisions_logged_share")))
			ret = share_workflow_series(s, out, now, err);
		else if (by != SERIES_BY_NONE)
			snprintf(out->unavailable, sizeof(out->unavailable),
				 "'%s' has no breakdown by %s: its provider reports one figure for "
				 "the organisation", id, series_by_name(by));
		else
			ret = evidence_series(s, cat, out, now, err);
		snprintf(out->fingerprint, sizeof(out->fingerprint), "not stored");
		if (!ret)
			finish(out);
		return ret;
	}
	if (by == SERIES_BY_WORKFLOW || (by != SERIES_BY_NONE && !has_group_figure(id))) {
		snprintf(out->unavailable, sizeof(out->unavailable), by == SERIES_BY_WORKFLOW ?
			 "'%s' has no breakdown by workflow: it is computed from AI usage, which is "
			 "broken down by role, team or function" :
			 "'%s' has no breakdown by %s: it is one figure for the whole organisation "
			 "(repeat_use_rate and gini_active_days have breakdowns)", id,
			 series_by_name(by));
		return 0;
	}
	if ((ret = fingerprint(s, usage, org, err)))
		return ret;
	snprintf(out->fingerprint, sizeof(out->fingerprint), "%s %s", usage, org);
	if ((ret = read_cached(s, usage, org, out, err)) < 0)
		return ret;
	if (ret == 1) {
		out->from_cache = 1;
		finish(out);
		return 0;
	}
	/* stale or never stored: compute in memory, write nothing */
	if ((ret = backfill_load(&b, s, err)) == 0 && !b.empty)
		ret = backfill_run(&b, cat, INT32_MIN, INT32_MIN, &id, 1, &period, 1, &by, 1, sink_memory,
				   out, &out->computed, err);
	backfill_release(&b);
	if (!ret)
		finish(out);
	return ret;
}

/* ---- printers ------------------------------------------------------------------------ */

double metric_round(const struct cat_metric *m, double v)
{
	double scale = !strcmp(m->unit, "ratio") ? 1e4 : 1e2;

	if (!isfinite(v))
		return v;
	v = round(v * scale) / scale;
	return v == 0 ? 0 : v; /* no "-0.0" */
}

/* A figure of metric m for JSON: rounded (metric_round), or null without data. */
static json_t *num_or_null(const struct cat_metric *m, int have, double v)
{
	return have && !isnan(v) ? json_real(metric_round(m, v)) : json_null();
}

static json_t *target_json(const struct cat_metric *m, const struct metric_target *t)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:b, s:s}", "value", num_or_null(m, 1, t->target),
			      "at_risk", num_or_null(m, 1, t->at_risk),
			      "off_track", num_or_null(m, 1, t->off_track),
			      "overridden", t->overridden, "source", t->source);
	if (t->note[0])
		json_object_set_new(o, "note", json_string(t->note));
	return o;
}

const struct series_point *series_line_latest(const struct series_line *l)
{
	size_t j;

	for (j = l->npoints; j-- > 0;)
		if (l->points[j].have)
			return &l->points[j];
	return NULL;
}

json_t *metric_breakdown_json(const struct metric_series *ms)
{
	json_t *o = json_pack("{s:s}", "by", series_by_name(ms->by)), *groups;
	size_t i;
	char buf[64];

	if (ms->unavailable[0]) {
		json_object_set_new(o, "unavailable", json_string(ms->unavailable));
		return o;
	}
	groups = json_array();
	for (i = 0; i < ms->nlines; i++) {
		const struct series_point *p = series_line_latest(&ms->lines[i]);
		metric_format_value(ms->metric, p != NULL, p ? p->value : 0, buf, sizeof(buf));
		json_array_append_new(groups, json_pack("{s:o, s:o, s:o, s:s, s:s}", "group",
			ms->lines[i].group ? json_string(ms->lines[i].group) : json_null(),
			"period", p ? json_string(p->label) : json_null(),
			"value", num_or_null(ms->metric, p != NULL, p ? p->value : 0), "display", buf,
			"status", trend_status_id(p ? p->status : STATUS_NO_DATA)));
	}
	json_object_set_new(o, "groups", groups);
	return o;
}

json_t *metric_series_json(const struct metric_series *ms)
{
	json_t *lines = json_array(), *o;
	size_t i, j;
	char buf[64];

	for (i = 0; i < ms->nlines; i++) {
		const struct series_line *l = &ms->lines[i];
		json_t *pts = json_array();
		for (j = 0; j < l->npoints; j++) {
			const struct series_point *p = &l->points[j];
			char day[16];
			int y, m, d;
			json_t *po;
			adoption_civil(p->as_of_day, &y, &m, &d);
			snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
			metric_format_value(ms->metric, p->have, p->value, buf, sizeof(buf));
			po = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "period", p->label,
				       "as_of", day, "value", num_or_null(ms->metric, p->have, p->value),
				       "display", buf, "status", trend_status_id(p->status),
				       "status_text", trend_status_name(p->status));
			if (p->have_change) {
				metric_format_change(ms->metric, p->change, buf, sizeof(buf));
				json_object_set_new(po, "change", num_or_null(ms->metric, 1, p->change));
				json_object_set_new(po, "change_text", json_string(buf));
			} else {
				json_object_set_new(po, "change", json_null());
			}
			if (!p->have)
				json_object_set_new(po, "why", json_string(p->why));
			json_array_append_new(pts, po);
		}
		json_array_append_new(lines, json_pack("{s:o, s:o, s:{s:s, s:s, s:I, s:f, s:f, s:f, s:i}}",
			"group", l->group ? json_string(l->group) : json_null(), "points", pts,
			"trend", "text", l->trend, "detail", l->trend_detail, "s", (json_int_t)l->mk.s,
			"var", l->mk.var, "z", l->mk.z, "p", l->mk.p, "n", (int)l->mk.n));
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "metric", ms->metric->id,
		      "name", ms->metric->name, "unit", ms->metric->unit,
		      "direction", ms->metric->direction, "period", series_period_name(ms->period),
		      "by", ms->by == SERIES_BY_NONE ? json_null() : json_string(series_by_name(ms->by)),
		      "target", target_json(ms->metric, &ms->target));
	json_object_set_new(o, "lines", lines);
	if (ms->unavailable[0])
		json_object_set_new(o, "unavailable", json_string(ms->unavailable));
	json_object_set_new(o, "cache", json_pack("{s:s, s:I, s:I, s:s}", "source",
		ms->from_cache ? "stored" : "computed", "computed_points", (json_int_t)ms->computed,
		"last_refresh_points", (json_int_t)ms->refresh_computed,
		"fingerprint", ms->fingerprint));
	return o;
}

/* ---- one metric now ------------------------------------------------------------------ */

static int summary_compute(struct store *s, const struct catalog *cat, const char *id, int64_t now,
			   struct metric_summary *out, struct aiv_err *err)
{
	struct evidence_env env = { s, cat, now, 0 };
	struct evidence_value ev;
	struct metric_series ms;
	int ret;
	size_t j;

	memset(out, 0, sizeof(*out));
	if (!(out->metric = catalog_metric(cat, id)))
		return aiv_fail(err, AIV_ENOTFOUND, "no catalog metric '%s' (aivalue models lists them)",
				id);
	if ((ret = evidence_get(&env, id, &ev, err)))
		return ret;
	out->have = ev.state == EV_MEASURED;
	out->value = out->have ? ev.value : 0;
	snprintf(out->source, sizeof(out->source), "%s", ev.source);
	if ((ret = metric_series_get(s, cat, id, SERIES_MONTH, SERIES_BY_NONE, now, &ms, err))) {
		metric_series_release(&ms);
		return ret;
	}
	out->target = ms.target;
	out->status = metric_status(out->metric, &out->target, out->have, out->value);
	snprintf(out->trend, sizeof(out->trend), "%s", ms.nlines ? ms.lines[0].trend : "no clear trend (no points)");
	snprintf(out->trend_detail, sizeof(out->trend_detail), "%s",
		 ms.nlines ? ms.lines[0].trend_detail : "");
	if (ms.nlines) {
		const struct series_line *l = &ms.lines[0];
		out->nspark = l->npoints;
		out->spark = xcalloc(l->npoints ? l->npoints : 1, sizeof(double));
		for (j = 0; j < l->npoints; j++)
			out->spark[j] = l->points[j].have ? l->points[j].value : NAN;
		/* change: the newest point with data against the one before it */
		for (j = l->npoints; j-- > 0;)
			if (l->points[j].have) {
				out->have_change = l->points[j].have_change;
				out->change = l->points[j].change;
				break;
			}
	}
	metric_series_release(&ms);
	return 0;
}

/*
 * The summaries kept per store state (see series.h): one generation under
 * one evidence state key, born at the `now` of its first summary and
 * reused within EVIDENCE_CACHE_TTL_US of it, as the evidence cache does.
 */
#define SUMMARY_SLOTS 128

static struct {
	pthread_mutex_t mu;
	char key[EVIDENCE_KEY_LEN];
	int64_t born;
	/*
	 * ids[i] names items[i]; an item's catalog pointer is never read
	 * back (a hit takes the caller's catalog entry), so a catalog freed
	 * since cannot be reached through the cache
	 */
	char ids[SUMMARY_SLOTS][128];
	struct metric_summary items[SUMMARY_SLOTS];
	size_t n;
	uint64_t hits, misses, stored;
} sums = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void summary_copy(struct metric_summary *dst, const struct metric_summary *src)
{
	*dst = *src;
	dst->spark = NULL;
	if (src->spark) {
		dst->spark = xcalloc(src->nspark ? src->nspark : 1, sizeof(double));
		memcpy(dst->spark, src->spark, src->nspark * sizeof(double));
	}
}

/* With sums.mu held. */
static void summary_drop_all(void)
{
	size_t i;

	for (i = 0; i < sums.n; i++)
		free(sums.items[i].spark);
	sums.n = 0;
	sums.key[0] = '\0';
}

void metric_summary_cache_clear(void)
{
	pthread_mutex_lock(&sums.mu);
	summary_drop_all();
	pthread_mutex_unlock(&sums.mu);
}

void metric_summary_cache_stats(struct evidence_cache_stats *out)
{
	pthread_mutex_lock(&sums.mu);
	out->hits = sums.hits;
	out->misses = sums.misses;
	out->stored = sums.stored;
	pthread_mutex_unlock(&sums.mu);
}

int metric_summary_get(struct store *s, const struct catalog *cat, const char *id, int64_t now,
		       struct metric_summary *out, struct aiv_err *err)
{
	struct evidence_env env = { s, cat, now, 0 };
	const struct cat_metric *cm = catalog_metric(cat, id);
	char key[EVIDENCE_KEY_LEN];
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!cm || strlen(id) >= sizeof(sums.ids[0]))
		return summary_compute(s, cat, id, now, out, err); /* its error, never kept */
	if ((ret = evidence_state_key(&env, key, err)))
		return ret;
	if (!key[0]) /* not cacheable: in a transaction, in memory, cache off */
		return summary_compute(s, cat, id, now, out, err);
	pthread_mutex_lock(&sums.mu);
	if (!strcmp(sums.key, key) && now >= sums.born && now - sums.born < EVIDENCE_CACHE_TTL_US)
		for (i = 0; i < sums.n; i++)
			if (!strcmp(sums.ids[i], id)) {
				summary_copy(out, &sums.items[i]);
				out->metric = cm;
				sums.hits++;
				pthread_mutex_unlock(&sums.mu);
				return 0;
			}
	sums.misses++;
	pthread_mutex_unlock(&sums.mu);
	if ((ret = summary_compute(s, cat, id, now, out, err)))
		return ret; /* errors are never kept */
	pthread_mutex_lock(&sums.mu);
	if (strcmp(sums.key, key) || now < sums.born || now - sums.born >= EVIDENCE_CACHE_TTL_US) {
		summary_drop_all();
		snprintf(sums.key, sizeof(sums.key), "%s", key);
		sums.born = now;
	}
	for (i = 0; i < sums.n && strcmp(sums.ids[i], id); i++)
		;
	if (i == sums.n && sums.n < SUMMARY_SLOTS) {
		snprintf(sums.ids[sums.n], sizeof(sums.ids[0]), "%s", id);
		summary_copy(&sums.items[sums.n++], out);
		sums.stored++;
	}
	pthread_mutex_unlock(&sums.mu);
	return 0;
}

void metric_summary_release(struct metric_summary *m)
{
	free(m->spark);
	memset(m, 0, sizeof(*m));
}

json_t *metric_summary_json(const struct metric_summary *m)
{
	json_t *spark = json_array(), *o;
	char buf[64];
	size_t i;

	for (i = 0; i < m->nspark; i++)
		json_array_append_new(spark, num_or_null(m->metric, 1, m->spark[i]));
	metric_format_value(m->metric, m->have, m->value, buf, sizeof(buf));
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:s}", "metric", m->metric->id,
		      "name", m->metric->name, "unit", m->metric->unit, "direction",
		      m->metric->direction, "value", num_or_null(m->metric, m->have, m->value), "display", buf,
		      "source", m->source, "target", target_json(m->metric, &m->target),
		      "status", trend_status_id(m->status), "status_text", trend_status_name(m->status));
	if (m->have_change) {
		metric_format_change(m->metric, m->change, buf, sizeof(buf));
		json_object_set_new(o, "change", num_or_null(m->metric, 1, m->change));
		json_object_set_new(o, "change_text", json_string(buf));
	} else {
		json_object_set_new(o, "change", json_null());
	}
	json_object_set_new(o, "trend", json_pack("{s:s, s:s}", "text", m->trend, "detail",
						  m->trend_detail));
	json_object_set_new(o, "monthly", spark);
	json_object_set_new(o, "definition", json_string(m->metric->definition));
	return o;
}
