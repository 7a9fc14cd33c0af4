/*
 * value_print.c - the printers of struct value_report: JSON (the CLI's
 * --json and GET /api/v1/value) and the terminal table.  They read the
 * computed report only; nothing here queries the store.
 *
 * Money in JSON is integer minor units with the currency code and its
 * digits beside, so a reader never meets a binary fraction of a cent;
 * each figure also comes formatted ("€1,204,350.00") for display.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/timeutil.h"
#include "value.h"

json_t *value_money_json(int64_t minor, const struct money_currency *cur)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *o = json_object();

	json_object_set_new(o, "minor", json_integer(minor));
	if (cur) {
		money_format(&sb, minor, cur);
		json_object_set_new(o, "text", json_string(sb.buf));
	}
	strbuf_release(&sb);
	return o;
}

static json_t *money_json(const struct value_report *r, int64_t minor)
{
	return value_money_json(minor, r->currency);
}

static double r4(double x)
{
	return isfinite(x) ? floor(x * 1e4 + 0.5) / 1e4 : 0;
}

static json_t *months_json(const struct value_report *r, const struct value_month *m, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "month", json_string(m[i].month));
		json_object_set_new(o, "value", money_json(r, m[i].minor));
		json_object_set_new(o, "low", money_json(r, m[i].lo));
		json_object_set_new(o, "high", money_json(r, m[i].hi));
		json_array_append_new(a, o);
	}
	return a;
}

/* One initiative of "initiatives", or (model) one model of "models". */
static json_t *group_json(const struct value_report *r, const struct value_group *g, int model)
{
	json_t *o = json_object();

	if (model) {
		json_object_set_new(o, "model", json_string(g->group));
		json_object_set_new(o, "initiatives_with_roi", json_integer((json_int_t)g->realised));
		json_object_set_new(o, "cost_not_set_against_value",
				    r->currency ? money_json(r, g->cost_no_roi) : json_null());
	} else {
		json_object_set_new(o, "initiative", json_string(g->group));
		json_object_set_new(o, "realised", json_integer((json_int_t)g->realised));
		json_object_set_new(o, "not_yet_proven", json_integer((json_int_t)g->not_proven));
		json_object_set_new(o, "unpriced", json_integer((json_int_t)g->unpriced));
	}
	json_object_set_new(o, "value_a_year", g->realised ? money_json(r, g->value) : json_null());
	json_object_set_new(o, "value_a_year_low", g->realised ? money_json(r, g->lo) : json_null());
	json_object_set_new(o, "value_a_year_high", g->realised ? money_json(r, g->hi) : json_null());
	json_object_set_new(o, "cost", g->have_cost ? money_json(r, g->cost) : json_null());
	json_object_set_new(o, "cost_a_year", g->have_cost ? money_json(r, g->cost_year) : json_null());
	if (g->have_roi) {
		json_object_set_new(o, "roi", json_real(r4(g->roi)));
		json_object_set_new(o, "roi_low", json_real(r4(g->roi_lo)));
		json_object_set_new(o, "roi_high", json_real(r4(g->roi_hi)));
		json_object_set_new(o, "payback_months", g->payback < 0 ? json_null() : json_real(r4(g->payback)));
		json_object_set_new(o, "payback_months_low", g->payback_lo < 0 ? json_null() : json_real(r4(g->payback_lo)));
		json_object_set_new(o, "payback_months_high", g->payback_hi < 0 ? json_null() : json_real(r4(g->payback_hi)));
	} else {
		json_object_set_new(o, "roi", json_null());
	}
	json_object_set_new(o, "note", g->note[0] ? json_string(g->note) : json_null());
	return o;
}

json_t *value_json(const struct value_report *r)
{
	json_t *root = json_object(), *effects = json_array(), *groups = json_array(), *gaps;
	char iso[TIME_ISO_LEN];
	size_t i;

	time_format_us(r->at_us, iso);
	iso[10] = 0;
	json_object_set_new(root, "currency", r->currency ? json_string(r->currency->code) : json_null());
	json_object_set_new(root, "minor_digits", r->currency ? json_integer(r->currency->digits) :
			    json_null());
	json_object_set_new(root, "unit_values_at", json_string(iso));
	json_object_set_new(root, "value_a_year", money_json(r, r->value));
	json_object_set_new(root, "value_a_year_low", money_json(r, r->lo));
	json_object_set_new(root, "value_a_year_high", money_json(r, r->hi));
	json_object_set_new(root, "realised", json_integer((json_int_t)r->realised));
	json_object_set_new(root, "not_yet_proven", json_integer((json_int_t)r->not_proven));
	json_object_set_new(root, "unpriced", json_integer((json_int_t)r->unpriced));
	for (i = 0; i < r->ng; i++)
		json_array_append_new(groups, group_json(r, &r->g[i], 0));
	json_object_set_new(root, "initiatives", groups);
	groups = json_array();
	for (i = 0; i < r->nmodels; i++)
		json_array_append_new(groups, group_json(r, &r->models[i], 1));
	json_object_set_new(root, "models", groups);
	for (i = 0; i < r->n; i++) {
		const struct value_effect *e = &r->e[i];
		json_t *o = json_object();
		json_object_set_new(o, "hypothesis", json_string(e->hypothesis));
		json_object_set_new(o, "initiative", json_string(e->initiative));
		json_object_set_new(o, "metric", json_string(e->metric));
		json_object_set_new(o, "verdict", json_string(e->verdict ? e->verdict : ""));
		json_object_set_new(o, "status", json_string(value_status_names[e->status]));
		json_object_set_new(o, "unit_value", e->unit_value ? json_string(e->unit_value) : json_null());
		if (e->status == VALUE_REALISED) {
			json_object_set_new(o, "per", json_string(e->per));
			json_object_set_new(o, "confidence", json_real(e->confidence));
			json_object_set_new(o, "gain_per_case", json_real(r4(e->gain)));
			json_object_set_new(o, "gain_per_case_low", json_real(r4(e->gain_lo)));
			json_object_set_new(o, "gain_per_case_high", json_real(r4(e->gain_hi)));
			json_object_set_new(o, "cases_measured", json_integer((json_int_t)e->cases));
			json_object_set_new(o, "cases_a_year", json_integer(e->volume_year));
			json_object_set_new(o, "cases_a_year_source", json_string(e->volume_declared ?
				"declared in the unit value" : "measured cases scaled to a year"));
			json_object_set_new(o, "quantity_a_year", json_real((double)e->qty_milli / 1000));
			json_object_set_new(o, "quantity_a_year_low", json_real((double)e->qty_lo_milli / 1000));
			json_object_set_new(o, "quantity_a_year_high", json_real((double)e->qty_hi_milli / 1000));
			json_object_set_new(o, "unit_amount", money_json(r, e->unit_minor));
			json_object_set_new(o, "value_a_year", money_json(r, e->minor));
			json_object_set_new(o, "value_a_year_low", money_json(r, e->lo));
			json_object_set_new(o, "value_a_year_high", money_json(r, e->hi));
			json_object_set_new(o, "by_month", months_json(r, e->months, e->nmonths));
		}
		json_object_set_new(o, "note", e->note[0] ? json_string(e->note) : json_null());
		json_array_append_new(effects, o);
	}
	json_object_set_new(root, "effects", effects);
	json_object_set_new(root, "by_month", months_json(r, r->months, r->nmonths));
	gaps = json_array();
	for (i = 0; i < r->ngaps; i++)
		json_array_append_new(gaps, json_string(r->gaps[i]));
	json_object_set_new(root, "gaps", gaps);
	return root;
}

/* "€1,204.00" into sb, or "no data" without a currency. */
static void fmt(struct strbuf *sb, const struct value_report *r, int64_t minor)
{
	if (r->currency)
		money_format(sb, minor, r->currency);
	else
		strbuf_addstr(sb, "no data");
}

/* A count with thousands commas: 1082400 -> "1,082,400". */
static void fmt_int(struct strbuf *sb, int64_t v)
{
	char digits[24];
	int n, i;

	if (v < 0) {
		strbuf_addch(sb, '-');
		v = -v;
	}
	n = snprintf(digits, sizeof(digits), "%lld", (long long)v);
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, digits[i]);
	}
}

/* Thousandths as "1,082,400" or "1,320.5" (no trailing zeros). */
static void fmt_qty(struct strbuf *sb, int64_t milli)
{
	int64_t a = milli < 0 ? -milli : milli, frac = a % 1000;
	int digits = 3;

	if (milli < 0)
		strbuf_addch(sb, '-');
	fmt_int(sb, a / 1000);
	if (!frac)
		return;
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	strbuf_addf(sb, ".%0*lld", digits, (long long)frac);
}

/* One initiative's (or model's) lines of the table. */
static void print_group(const struct value_report *r, const struct value_group *g, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;

	fprintf(f, "%s\n", g->group);
	strbuf_reset(&sb);
	if (g->realised) {
		fmt(&sb, r, g->value);
		strbuf_addstr(&sb, " (interval ");
		fmt(&sb, r, g->lo);
		strbuf_addstr(&sb, " to ");
		fmt(&sb, r, g->hi);
		strbuf_addstr(&sb, ")");
	} else {
		strbuf_addstr(&sb, "no proven value");
	}
	fprintf(f, "  value a year  %s\n", sb.buf);
	strbuf_reset(&sb);
	if (g->have_cost)
		fmt(&sb, r, g->cost_year);
	else
		strbuf_addstr(&sb, "no data");
	fprintf(f, "  cost a year   %s\n", sb.buf);
	if (g->have_roi) {
		fprintf(f, "  ROI           %.2f times its cost (interval %.2f to %.2f)\n",
			g->roi, g->roi_lo, g->roi_hi);
		if (g->payback < 0)
			fprintf(f, "  payback       never at this value\n");
		else if (g->payback < 0.1)
			fprintf(f, "  payback       less than 0.1 months\n");
		else if (g->payback_hi < 0)
			fprintf(f, "  payback       %.1f months (interval %.1f months to never)\n",
				g->payback, g->payback_lo);
		else
			fprintf(f, "  payback       %.1f months (interval %.1f to %.1f months)\n",
				g->payback, g->payback_lo, g->payback_hi);
	}
	if (g->note[0])
		fprintf(f, "  note          %s\n", g->note);
	strbuf_release(&sb);
}

void value_print_models(const struct value_report *r, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	fprintf(f, "\nROI per model: each initiative's value in the share of its cost the model "
		"accounts for (seats are (seat), agents (agent))\n");
	if (!r->nmodels)
		fprintf(f, "no spend by model: no PriceBook, or no cost recorded (see aivalue cost)\n");
	for (i = 0; i < r->nmodels; i++) {
		print_group(r, &r->models[i], f);
		if (r->currency && r->models[i].cost_no_roi) {
			strbuf_reset(&sb);
			fmt(&sb, r, r->models[i].cost_no_roi);
			fprintf(f, "  not set against value  %s of spend in initiatives with no ROI yet "
				"or in none\n", sb.buf);
		}
	}
	strbuf_release(&sb);
}

void value_print(const struct value_report *r, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	char iso[TIME_ISO_LEN];
	size_t i;

	time_format_us(r->at_us, iso);
	fprintf(f, "value of proven effects, a year, unit values as of %.10s%s%s\n", iso,
		r->currency ? ", in " : "", r->currency ? r->currency->code : "");
	strbuf_reset(&sb);
	fmt(&sb, r, r->value);
	strbuf_addstr(&sb, " (interval ");
	fmt(&sb, r, r->lo);
	strbuf_addstr(&sb, " to ");
	fmt(&sb, r, r->hi);
	strbuf_addstr(&sb, ")");
	fprintf(f, "realised: %s from %zu proven effect%s; %zu not yet proven, %zu unpriced "
		"(never summed in)\n\n", r->realised ? sb.buf : "no data", r->realised,
		r->realised == 1 ? "" : "s", r->not_proven, r->unpriced);
	for (i = 0; i < r->ng; i++)
		print_group(r, &r->g[i], f);
	if (r->n)
		fprintf(f, "\neffects\n");
	for (i = 0; i < r->n; i++) {
		const struct value_effect *e = &r->e[i];
		fprintf(f, "  %s (%s): %s\n", e->hypothesis, e->initiative,
			value_status_names[e->status]);
		if (e->status == VALUE_REALISED) {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%.4g %s%s a case on ", e->gain, e->per,
				    fabs(e->gain) == 1 ? "" : "s");
			fmt_int(&sb, e->volume_year);
			strbuf_addstr(&sb, " cases a year = ");
			fmt_qty(&sb, e->qty_milli);
			strbuf_addf(&sb, " %ss x ", e->per);
			fmt(&sb, r, e->unit_minor);
			strbuf_addstr(&sb, " = ");
			fmt(&sb, r, e->minor);
			strbuf_addf(&sb, " (%.0f %% interval ", e->confidence * 100);
			fmt(&sb, r, e->lo);
			strbuf_addstr(&sb, " to ");
			fmt(&sb, r, e->hi);
			strbuf_addstr(&sb, ")");
			fprintf(f, "    %s\n", sb.buf);
		} else {
			fprintf(f, "    %s\n", e->note);
		}
	}
	strbuf_release(&sb);
}

/* "€3.26 per €1" of an ROI ratio: the ratio times one major unit, in minor units. */
static void roi_money(struct strbuf *sb, const struct value_report *r, double roi)
{
	int64_t one = 1;
	int i;

	for (i = 0; i < r->currency->digits; i++)
		one *= 10;
	money_format(sb, llround(roi * (double)one), r->currency);
}

void value_lead_sentence(struct strbuf *sb, const struct value_report *r)
{
	static const char *const clause[] = {
		"%s back", "%s not pay back", "%s not yet proven", "%s no ROI yet",
	};
	static const char *const verb1[] = { "pays", "does", "is", "has" };
	static const char *const verbn[] = { "pay", "do", "are", "have" };
	size_t count[VALUE_NO_HYPOTHESIS + 1] = { 0 }, i, k, shown = 0;

	for (i = 0; i < r->ng; i++)
		if (r->g[i].group[0] && r->g[i].group[0] != '(')
			count[value_group_verdict(&r->g[i])]++;
	for (k = VALUE_PAYS_BACK; k < VALUE_NO_HYPOTHESIS; k++) {
		size_t listed = 0;
		if (!count[k])
			continue;
		strbuf_addf(sb, "%s%zu%s ", shown ? "; " : "", count[k],
			    shown ? "" : count[k] == 1 ? " initiative" : " initiatives");
		shown++;
		strbuf_addf(sb, clause[k], count[k] == 1 ? verb1[k] : verbn[k]);
		strbuf_addstr(sb, ": ");
		for (i = 0; i < r->ng; i++) {
			const struct value_group *g = &r->g[i];
			if (!g->group[0] || g->group[0] == '(' || value_group_verdict(g) != k)
				continue;
			strbuf_addstr(sb, listed++ ? ", " : "");
			strbuf_addstr(sb, g->title ? g->title : g->group);
			if (k > VALUE_DOES_NOT_PAY || !r->currency)
				continue;
			strbuf_addstr(sb, " returns ");
			roi_money(sb, r, g->roi);
			strbuf_addstr(sb, " per ");
			roi_money(sb, r, 1);
			strbuf_addstr(sb, " of AI cost (interval ");
			roi_money(sb, r, g->roi_lo);
			strbuf_addstr(sb, " to ");
			roi_money(sb, r, g->roi_hi);
			strbuf_addstr(sb, ")");
		}
	}
	if (shown)
		strbuf_addch(sb, '.');
}
