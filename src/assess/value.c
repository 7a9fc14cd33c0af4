/*
 * value.c - price proven effects and set them against what AI costs; see
 * value.h for the formulas and why the interval carries over unchanged.
 *
 * Money stays in integer minor units throughout: the only doubles are the
 * statistics (an effect and its interval, a count scaled to a year), and
 * each is rounded once, to thousandths of a unit, before money_muldiv
 * multiplies it by a price.  ROI and payback are ratios, not money.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "value.h"

const char *const value_status_names[] = { "realised", "not yet proven", "unpriced" };

#define US_PER_YEAR (365.25 * 86400.0 * 1e6)

const char *const value_verdict_words[] = {
	"pays back", "does not pay back", "not yet proven", "ROI unknown", "no hypothesis",
};

enum value_verdict value_group_verdict(const struct value_group *g)
{
	if (g->have_roi)
		return g->roi >= 1 ? VALUE_PAYS_BACK : VALUE_DOES_NOT_PAY;
	if (g->realised || g->unpriced)
		return VALUE_ROI_UNKNOWN;
	return g->not_proven ? VALUE_UNPROVEN : VALUE_NO_HYPOTHESIS;
}

static void month_of(int64_t us, char out[8])
{
	char iso[TIME_ISO_LEN];

	time_format_us(us, iso);
	memcpy(out, iso, 7);
	out[7] = 0;
}

static int64_t month_start(const char month[8])
{
	char d[11];
	int64_t us = 0;

	snprintf(d, sizeof(d), "%.7s-01", month);
	time_parse_iso(d, &us);
	return us;
}

static void add_gap(struct value_report *r, const char *text)
{
	size_t i;

	for (i = 0; i < r->ngaps; i++)
		if (!strcmp(r->gaps[i], text))
			return;
	r->gaps = xrealloc(r->gaps, (r->ngaps + 1) * sizeof(*r->gaps));
	r->gaps[r->ngaps++] = xstrdup(text);
}

static struct value_group *group_of(struct value_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ng; i++)
		if (!strcmp(r->g[i].group, name))
			return &r->g[i];
	r->g = xrealloc(r->g, (r->ng + 1) * sizeof(*r->g));
	memset(&r->g[r->ng], 0, sizeof(r->g[r->ng]));
	r->g[r->ng].group = xstrdup(name);
	return &r->g[r->ng++];
}

static void add_month(struct value_month **v, size_t *n, const char *month, int64_t minor,
		      int64_t lo, int64_t hi)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].month, month))
			break;
	if (i == *n) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		memset(&(*v)[i], 0, sizeof(**v));
		memcpy((*v)[i].month, month, 8);
		(*n)++;
	}
	(*v)[i].minor += minor;
	(*v)[i].lo += lo;
	(*v)[i].hi += hi;
}

static int by_month(const void *a, const void *b)
{
	return strcmp(((const struct value_month *)a)->month, ((const struct value_month *)b)->month);
}

static int by_group(const void *a, const void *b)
{
	return strcmp(((const struct value_group *)a)->group, ((const struct value_group *)b)->group);
}

/* quantity (thousandths) x unit price (minor) / 1000, half to even; 0 on overflow. */
static int price(int64_t qty_milli, int64_t unit_minor, int64_t *out)
{
	int ovf = 0;

	*out = money_muldiv(qty_milli, unit_minor, 1000, &ovf);
	return ovf ? -1 : 0;
}

/* Value by month of the cases the effect was measured on, each at its month's price. */
static void effect_months(struct value_effect *e, const struct hyp_result *h,
			  const struct unit_value *uv, const struct money_currency *cur)
{
	struct value_month *cnt = NULL;
	size_t n = 0, i;

	for (i = 0; i < h->ntreat; i++) {
		char m[8];
		month_of(h->treat_us[i], m);
		add_month(&cnt, &n, m, 1, 0, 0);
	}
	if (n)
		qsort(cnt, n, sizeof(*cnt), by_month);
	for (i = 0; i < n; i++) {
		const char *amount = uv_amount_at(uv, month_start(cnt[i].month));
		struct aiv_err err = AIV_ERR_INIT;
		int64_t unit, v, lo, hi, c = cnt[i].minor;
		if (!amount || money_parse(amount, cur, 0, &unit, "amount", &err))
			continue; /* no price in force that month: the month stays out */
		if (price(llround(e->gain * (double)c * 1000), unit, &v) ||
		    price(llround(e->gain_lo * (double)c * 1000), unit, &lo) ||
		    price(llround(e->gain_hi * (double)c * 1000), unit, &hi))
			continue;
		add_month(&e->months, &e->nmonths, cnt[i].month, v, lo, hi);
	}
	free(cnt);
}

static void price_effect(struct value_report *r, struct value_effect *e,
			 const struct hyp_result *h, const struct uv_set *uvs,
			 const struct catalog *cat, const struct money_currency *cur)
{
	const struct cat_metric *m = catalog_metric(cat, h->metric);
	const struct unit_value *uv = uv_for_hypothesis(uvs, h->name);
	const char *amount;
	int seconds = m && !strcmp(m->unit, "seconds");
	double scale = 1;
	struct aiv_err err = AIV_ERR_INIT;
	char day[11];

	e->verdict = h->verdict;
	e->confidence = h->confidence;
	e->cases = h->ntreat;
	e->volume_year = -1;
	e->unit_minor = -1;
	e->per = uv ? uv_unit_word(uv->type) : seconds ? "hour" : "unit";
	if (uv)
		e->unit_value = xstrdup(uv->name);
	if (strcmp(h->verdict, "supported")) {
		e->status = VALUE_NOT_PROVEN;
		snprintf(e->note, sizeof(e->note), "not yet proven: %s (%.250s)", h->verdict, h->reason);
		return;
	}
	e->status = VALUE_UNPRICED;
	if (!uv) {
		snprintf(e->note, sizeof(e->note), "no UnitValue prices hypothesis '%s': apply one "
			 "with hypotheses: [%s]", h->name, h->name);
		add_gap(r, e->note);
		return;
	}
	if (seconds != !strcmp(uv->type, "hourly_cost")) {
		snprintf(e->note, sizeof(e->note), "unit value '%s' is a %s but metric '%s' is "
			 "measured in %s: a time saving is priced by an hourly_cost, anything else "
			 "by a per-event unit value", uv->name, uv->type, h->metric,
			 m ? m->unit : "no known unit");
		add_gap(r, e->note);
		return;
	}
	if (seconds)
		scale = 1.0 / 3600;
	e->gain = h->e.improvement * scale;
	e->gain_lo = h->e.imp_lo * scale;
	e->gain_hi = h->e.imp_hi * scale;
	if (!cur) {
		snprintf(e->note, sizeof(e->note), "no workspace currency: apply a PriceBook "
			 "with a currency (docs/money.md)");
		add_gap(r, e->note);
		return;
	}
	amount = uv_amount_at(uv, r->at_us);
	if (!amount) {
		char iso[TIME_ISO_LEN];
		time_format_us(r->at_us, iso);
		snprintf(day, sizeof(day), "%.10s", iso);
		snprintf(e->note, sizeof(e->note), "unit value '%s' has no amount in force on %s: "
			 "add one to its amounts with an earlier from date", uv->name, day);
		add_gap(r, e->note);
		return;
	}
	e->amount = xstrdup(amount);
	if (money_parse(amount, cur, 0, &e->unit_minor, "amount", &err)) {
		e->unit_minor = -1;
		snprintf(e->note, sizeof(e->note), "unit value '%s': amount '%s' is not an amount "
			 "of %s: %.160s", uv->name, amount, cur->code, err.msg);
		add_gap(r, e->note);
		return;
	}
	if (uv->volume_per_year >= 0) {
		e->volume_year = uv->volume_per_year;
		e->volume_declared = 1;
	} else if (h->ntreat >= 2) {
		int64_t lo = h->treat_us[0], hi = h->treat_us[0];
		size_t i;
		for (i = 1; i < h->ntreat; i++) {
			lo = h->treat_us[i] < lo ? h->treat_us[i] : lo;
			hi = h->treat_us[i] > hi ? h->treat_us[i] : hi;
		}
		if (hi > lo)
			e->volume_year = llround((double)h->ntreat * US_PER_YEAR / (double)(hi - lo));
	}
	if (e->volume_year < 0) {
		snprintf(e->note, sizeof(e->note), "no volume: the %zu cases measured span no time; "
			 "declare volume_per_year in unit value '%s'", h->ntreat, uv->name);
		add_gap(r, e->note);
		return;
	}
	e->qty_milli = llround(e->gain * (double)e->volume_year * 1000);
	e->qty_lo_milli = llround(e->gain_lo * (double)e->volume_year * 1000);
	e->qty_hi_milli = llround(e->gain_hi * (double)e->volume_year * 1000);
	if (price(e->qty_milli, e->unit_minor, &e->minor) ||
	    price(e->qty_lo_milli, e->unit_minor, &e->lo) ||
	    price(e->qty_hi_milli, e->unit_minor, &e->hi)) {
		snprintf(e->note, sizeof(e->note), "the value of '%s' does not fit a 64-bit amount",
			 h->name);
		add_gap(r, e->note);
		return;
	}
	e->status = VALUE_REALISED;
	effect_months(e, h, uv, cur);
}

int value_price(const struct hyp_report *hyps, const struct uv_set *uvs,
		const struct catalog *cat, const struct money_currency *cur, int64_t at_us,
		struct value_report *out, struct aiv_err *err)
{
	size_t i, j;

	(void)err;
	memset(out, 0, sizeof(*out));
	out->currency = cur;
	out->at_us = at_us;
	out->e = xcalloc(hyps->n + 1, sizeof(*out->e));
	for (i = 0; i < hyps->n; i++) {
		const struct hyp_result *h = &hyps->r[i];
		struct value_effect *e;
		struct value_group *g;
		if (h->superseded_by)
			continue; /* its successor carries the claim */
		e = &out->e[out->n++];
		e->hypothesis = xstrdup(h->name);
		e->initiative = xstrdup(h->initiative ? h->initiative : "");
		e->metric = xstrdup(h->metric ? h->metric : "");
		price_effect(out, e, h, uvs, cat, cur);
		g = group_of(out, e->initiative);
		switch (e->status) {
		case VALUE_REALISED:
			g->realised++;
			out->realised++;
			g->value += e->minor;
			g->lo += e->lo;
			g->hi += e->hi;
			out->value += e->minor;
			out->lo += e->lo;
			out->hi += e->hi;
			for (j = 0; j < e->nmonths; j++)
				add_month(&out->months, &out->nmonths, e->months[j].month,
					  e->months[j].minor, e->months[j].lo, e->months[j].hi);
			break;
		case VALUE_NOT_PROVEN:
			g->not_proven++;
			out->not_proven++;
			break;
		case VALUE_UNPRICED:
			g->unpriced++;
			out->unpriced++;
			break;
		}
	}
	if (out->nmonths) /* qsort(NULL, 0, ...) is undefined */
		qsort(out->months, out->nmonths, sizeof(*out->months), by_month);
	if (out->ng)
		qsort(out->g, out->ng, sizeof(*out->g), by_group);
	return 0;
}

/* ROI and payback of a group with value and a cost a year (see value.h). */
static void set_roi(struct value_group *g)
{
	if (g->cost_year <= 0) {
		snprintf(g->note, sizeof(g->note), "cost is zero: no ROI ratio");
		return;
	}
	g->have_roi = 1;
	g->roi = (double)g->value / (double)g->cost_year;
	g->roi_lo = (double)g->lo / (double)g->cost_year;
	g->roi_hi = (double)g->hi / (double)g->cost_year;
	g->payback = g->value > 0 ? 12.0 * (double)g->cost_year / (double)g->value : -1;
	g->payback_lo = g->hi > 0 ? 12.0 * (double)g->cost_year / (double)g->hi : -1;
	g->payback_hi = g->lo > 0 ? 12.0 * (double)g->cost_year / (double)g->lo : -1;
}

static int64_t cost_days(const struct cost_result *cost);

void value_add_cost(struct value_report *r, const struct cost_result *cost)
{
	int64_t days = cost_days(cost);
	size_t i;

	for (i = 0; i < cost->nrows; i++)
		if (cost->rows[i].group[0] != '(' && !cost->rows[i].month[0])
			group_of(r, cost->rows[i].group);
	if (r->ng)
		qsort(r->g, r->ng, sizeof(*r->g), by_group);
	for (i = 0; i < r->ng; i++) {
		struct value_group *g = &r->g[i];
		const struct cost_row *row = cost_find(cost, g->group, "");
		int ovf = 0;
		if (!cost->currency) {
			snprintf(g->note, sizeof(g->note), "no cost: no PriceBook is applied "
				 "(apply one with a currency and prices, docs/money.md)");
			continue;
		}
		if (!row || days <= 0 || (!row->total_minor && !row->unpriced)) {
			snprintf(g->note, sizeof(g->note), "no cost recorded for initiative '%s': "
				 "list its teams on the Initiative and import their seat exports or "
				 "OpenTelemetry GenAI spans", g->group);
			continue;
		}
		if (row->unpriced) {
			snprintf(g->note, sizeof(g->note), "cost incomplete: %lld quantities have no "
				 "price in force; add them to the PriceBook", (long long)row->unpriced);
			continue;
		}
		g->have_cost = 1;
		g->cost = row->total_minor;
		g->cost_year = money_muldiv(row->total_minor, 36525, days * 100, &ovf);
		if (!g->realised && !g->not_proven && !g->unpriced) {
			snprintf(g->note, sizeof(g->note), "no value measured: no hypothesis is "
				 "registered for initiative '%s' (apply a Hypothesis naming it)", g->group);
			continue;
		}
		if (!g->realised) {
			snprintf(g->note, sizeof(g->note), "no proven value yet: %zu not yet proven, "
				 "%zu unpriced", g->not_proven, g->unpriced);
			continue;
		}
		set_roi(g);
	}
}

static int64_t cost_days(const struct cost_result *cost)
{
	return cost->q.to_day && cost->q.from_day ? (int64_t)cost->q.to_day - cost->q.from_day + 1 : 0;
}

static struct value_group *model_of(struct value_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nmodels; i++)
		if (!strcmp(r->models[i].group, name))
			return &r->models[i];
	r->models = xrealloc(r->models, (r->nmodels + 1) * sizeof(*r->models));
	memset(&r->models[r->nmodels], 0, sizeof(r->models[r->nmodels]));
	r->models[r->nmodels].group = xstrdup(name);
	return &r->models[r->nmodels++];
}

void value_add_models(struct value_report *r, const struct cost_result *cost)
{
	int64_t days = cost_days(cost);
	size_t i, j;

	if (!cost->currency || days <= 0)
		return;
	for (i = 0; i < cost->nrows; i++) {
		const struct cost_row *row = &cost->rows[i];
		const struct value_group *g = NULL;
		struct value_group *m;
		int ovf = 0;

		if (!row->model || row->month[0] || (!row->total_minor && !row->unpriced))
			continue;
		for (j = 0; j < r->ng; j++)
			if (!strcmp(r->g[j].group, row->group))
				g = &r->g[j];
		m = model_of(r, row->model);
		if (!g || !g->have_roi || g->cost <= 0) {
			m->cost_no_roi += row->total_minor;
			continue;
		}
		m->realised++; /* initiatives with an ROI it serves */
		m->have_cost = 1;
		m->cost += row->total_minor;
		m->value += money_muldiv(g->value, row->total_minor, g->cost, &ovf);
		m->lo += money_muldiv(g->lo, row->total_minor, g->cost, &ovf);
		m->hi += money_muldiv(g->hi, row->total_minor, g->cost, &ovf);
	}
	if (r->nmodels)
		qsort(r->models, r->nmodels, sizeof(*r->models), by_group);
	for (i = 0; i < r->nmodels; i++) {
		struct value_group *m = &r->models[i];
		int ovf = 0;
		if (!m->realised) {
			snprintf(m->note, sizeof(m->note), "no proven value: its spend is in initiatives "
				 "with no ROI yet (see the initiatives' notes) or in none");
			continue;
		}
		m->cost_year = money_muldiv(m->cost, 36525, days * 100, &ovf);
		set_roi(m);
	}
}

void value_report_release(struct value_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->e[i].hypothesis);
		free(r->e[i].initiative);
		free(r->e[i].metric);
		free(r->e[i].unit_value);
		free(r->e[i].amount);
		free(r->e[i].months);
	}
	free(r->e);
	for (i = 0; i < r->ng; i++) {
		free(r->g[i].group);
		free(r->g[i].title);
	}
	free(r->g);
	for (i = 0; i < r->nmodels; i++)
		free(r->models[i].group);
	free(r->models);
	free(r->months);
	free(r->spend);
	for (i = 0; i < r->ngaps; i++)
		free(r->gaps[i]);
	free(r->gaps);
	memset(r, 0, sizeof(*r));
}
