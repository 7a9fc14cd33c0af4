/*
 * journeys.c - model 2 metrics and the volume-over-credibility detector;
 * see journeys.h for every definition.
 *
 * Three steps, so that the kernel runs on a fixture without a database:
 *
 *   store --ingest/journeys_load.c--> journey_table (columns, one row per
 *          journey, interned ids, outcomes per customer)
 *         --journeys_compute()------> journeys_result (plain figures)
 *         --journeys_*_json()-------> JSON (the one printer; the CLI text,
 *                                     the pages and the detectors read
 *                                     the struct)
 *
 * Nothing in this file runs SQL.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "intern.h"
#include "journeys.h"

void journeys_mann_kendall(const double *x, int n, struct mk_result *o)
{
	double s = 0, var, ties = 0;
	int i, j;

	memset(o, 0, sizeof(*o));
	o->n = n;
	o->p_up = o->p_down = 1;
	if (n < 3)
		return;
	for (i = 0; i < n - 1; i++)
		for (j = i + 1; j < n; j++)
			s += (x[j] > x[i]) - (x[j] < x[i]);
	/* tie groups: t values equal -> t(t-1)(2t+5) */
	for (i = 0; i < n; i++) {
		int t = 0, first = 1;
		for (j = 0; j < n; j++) {
			if (x[j] == x[i]) {
				if (j < i)
					first = 0;
				t++;
			}
		}
		if (first && t > 1)
			ties += (double)t * (t - 1) * (2 * t + 5);
	}
	var = ((double)n * (n - 1) * (2 * n + 5) - ties) / 18.0;
	o->s = s;
	o->var = var;
	if (var <= 0)
		return;
	o->z = s > 0 ? (s - 1) / sqrt(var) : s < 0 ? (s + 1) / sqrt(var) : 0;
	o->p_up = 0.5 * erfc(o->z / sqrt(2.0));
	o->p_down = 0.5 * erfc(-o->z / sqrt(2.0));
}

#define DAY_US 86400000000LL

/* ---- the table ---- */

void journey_table_init(struct journey_table *t)
{
	memset(t, 0, sizeof(*t));
	intern_init(&t->journeys);
	intern_init(&t->customers);
	intern_init(&t->channels);
}

void journey_table_release(struct journey_table *t)
{
	intern_release(&t->journeys);
	intern_release(&t->customers);
	intern_release(&t->channels);
	free(t->customer);
	free(t->channel);
	free(t->start_us);
	free(t->commit_turn);
	free(t->qualified);
	free(t->committed);
	free(t->value);
	free(t->outcome);
	memset(t, 0, sizeof(*t));
}

/* Keep one (zeroed) outcome per interned customer. */
static void grow_outcomes(struct journey_table *t)
{
	size_t need = intern_count(&t->customers) + 1;

	if (t->noutcome >= need)
		return;
	t->outcome = xrealloc(t->outcome, st_mult(need, sizeof(*t->outcome)));
	memset(t->outcome + t->noutcome, 0, (need - t->noutcome) * sizeof(*t->outcome));
	t->noutcome = need;
}

void journey_table_add_event(struct journey_table *t, const char *journey,
			     const char *customer, const char *channel, int64_t time_us,
			     int64_t turn, int qualified, int committed, double order_value)
{
	uint32_t j;

	/* a journey's events come together (journeys_load): the newest
	 * journey again needs no lookup */
	if (t->n && !strcmp(journey, intern_str(&t->journeys, (uint32_t)(t->n - 1))))
		j = (uint32_t)(t->n - 1);
	else
		j = intern_id(&t->journeys, journey);
	if (j >= t->n) { /* a new journey: ids are dense, in order of first sight */
		if (j >= t->alloc) {
			size_t a = t->alloc ? t->alloc * 2 : 64;
			t->customer = xrealloc(t->customer, st_mult(a, sizeof(*t->customer)));
			t->channel = xrealloc(t->channel, st_mult(a, sizeof(*t->channel)));
			t->start_us = xrealloc(t->start_us, st_mult(a, sizeof(*t->start_us)));
			t->commit_turn = xrealloc(t->commit_turn, st_mult(a, sizeof(*t->commit_turn)));
			t->qualified = xrealloc(t->qualified, a);
			t->committed = xrealloc(t->committed, a);
			t->value = xrealloc(t->value, st_mult(a, sizeof(*t->value)));
			t->alloc = a;
		}
		t->customer[j] = intern_id(&t->customers, customer);
		t->channel[j] = intern_id(&t->channels, channel);
		t->start_us[j] = time_us;
		t->commit_turn[j] = -1;
		t->qualified[j] = 0;
		t->committed[j] = 0;
		t->value[j] = 0;
		t->n = j + 1;
		grow_outcomes(t);
	}
	if (time_us < t->start_us[j])
		t->start_us[j] = time_us;
	t->qualified[j] |= qualified != 0;
	if (committed && !t->committed[j]) {
		t->committed[j] = 1;
		t->commit_turn[j] = turn;
	}
	t->value[j] += order_value;
}

void journey_table_add_outcome(struct journey_table *t, const char *customer, int r30,
			       int r90, int upsell, double revenue, int64_t referrals)
{
	uint32_t cu = intern_find(&t->customers, customer, strlen(customer));
	struct journey_outcome *o;

	if (cu == INTERN_NONE)
		return; /* outcome of a customer with no journey */
	grow_outcomes(t);
	o = &t->outcome[cu];
	o->known = 1;
	o->r30 = r30;
	o->r90 = r90;
	o->upsell = upsell;
	o->revenue = revenue;
	o->referrals = referrals;
}

/* ---- the kernel ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int month_of(int64_t us)
{
	int y, m, d;

	adoption_civil((int32_t)(us / DAY_US), &y, &m, &d);
	return y * 12 + m - 1;
}

/* Median of sorted turns[0..n-1]; NAN when n is 0. */
static double median_turn(const int64_t *turns, size_t n)
{
	if (!n)
		return NAN;
	return n % 2 ? (double)turns[n / 2] : (turns[n / 2 - 1] + turns[n / 2]) / 2.0;
}

/* Per customer: the first commitment (start, channel, journey). */
struct first_commits {
	int64_t *at;          /* INT64_MAX: never committed */
	uint32_t *channel;    /* INTERN_NONE: never committed */
	uint32_t *journey;
};

static void first_commits(const struct journey_table *t, struct first_commits *fc)
{
	size_t noc = intern_count(&t->customers), i;

	fc->at = xmalloc(st_mult(noc + 1, sizeof(*fc->at)));
	fc->channel = xmalloc(st_mult(noc + 1, sizeof(*fc->channel)));
	fc->journey = xmalloc(st_mult(noc + 1, sizeof(*fc->journey)));
	for (i = 0; i < noc; i++) {
		fc->at[i] = INT64_MAX;
		fc->channel[i] = INTERN_NONE;
	}
	for (i = 0; i < t->n; i++)
		if (t->committed[i] && t->start_us[i] < fc->at[t->customer[i]]) {
			fc->at[t->customer[i]] = t->start_us[i];
			fc->channel[t->customer[i]] = t->channel[i];
			fc->journey[t->customer[i]] = (uint32_t)i;
		}
}

static void channel_metrics(const struct journey_table *t, const struct first_commits *fc,
			    uint32_t c, struct journey_channel *o)
{
	const struct journey_outcome *oc = t->outcome;
	size_t noc = intern_count(&t->customers), nj = t->n, i, p, k, m;
	int64_t *turns = xmalloc(st_mult(nj + 1, sizeof(int64_t)));
	int64_t (*cs)[2];
	size_t nturns = 0, njour = 0, nq = 0, ncom = 0, conv = 0, withoc = 0;
	size_t r30n = 0, r30 = 0, r90n = 0, r90 = 0, upn = 0, up = 0;
	size_t ncust = 0, ret30 = 0, rep = 0;
	double revenue = 0, ltv = 0;
	int64_t refs = 0;

	for (i = 0; i < nj; i++) {
		if (t->channel[i] != c)
			continue;
		njour++;
		nq += t->qualified[i];
		if (t->committed[i]) {
			ncom++;
			turns[nturns++] = t->commit_turn[i];
		}
	}
	for (p = 0; p < noc; p++) {
		if (fc->channel[p] != c)
			continue;
		conv++;
		ltv += t->value[fc->journey[p]];
		if (!oc[p].known)
			continue;
		withoc++;
		if (oc[p].r30 >= 0)
			r30n++, r30 += (size_t)oc[p].r30;
		if (oc[p].r90 >= 0)
			r90n++, r90 += (size_t)oc[p].r90;
		if (oc[p].upsell >= 0)
			upn++, up += (size_t)oc[p].upsell;
		revenue += oc[p].revenue;
		ltv += oc[p].revenue;
		refs += oc[p].referrals;
	}
	/* trust: journeys per customer on this channel, by start */
	cs = xmalloc(st_mult(njour + 1, sizeof(*cs)));
	for (i = 0, k = 0; i < nj; i++)
		if (t->channel[i] == c) {
			cs[k][0] = t->customer[i];
			cs[k][1] = t->start_us[i];
			k++;
		}
	qsort(cs, k, sizeof(*cs), cmp_i64); /* by customer (first field) */
	/* the sort only orders customers; find each customer's two earliest */
	for (i = 0; i < k; i = m) {
		int64_t a = INT64_MAX, b = INT64_MAX;
		for (m = i; m < k && cs[m][0] == cs[i][0]; m++) {
			if (cs[m][1] < a)
				b = a, a = cs[m][1];
			else if (cs[m][1] < b)
				b = cs[m][1];
		}
		ncust++;
		if (m - i >= 2)
			rep++;
		if (b != INT64_MAX && b - a <= 30LL * DAY_US)
			ret30++;
	}
	free(cs);
	qsort(turns, nturns, sizeof(*turns), cmp_i64);
	o->channel = xstrdup(intern_str(&t->channels, c));
	o->journeys = njour;
	o->customers = ncust;
	o->converted = conv;
	o->with_outcomes = withoc;
	o->qualified_intent_rate = njour ? (double)nq / njour : 0;
	o->conversion_rate = njour ? (double)ncom / njour : 0;
	o->iterations_before_commitment = median_turn(turns, nturns);
	o->retention_30d = r30n ? (double)r30 / r30n : NAN;
	o->retention_90d = r90n ? (double)r90 / r90n : NAN;
	o->upsell_rate = upn ? (double)up / upn : NAN;
	o->revenue_per_converted = conv ? revenue / conv : NAN;
	o->lifetime_value = conv ? ltv / conv : NAN;
	o->return_30d = ncust ? (double)ret30 / ncust : 0;
	o->repeat_engagement = ncust ? (double)rep / ncust : 0;
	o->referral_rate = conv ? (double)refs / conv : NAN;
	free(turns);
}

/* The trend test on the AI channel `ai` (INTERN_NONE: no journey on it). */
static void trend(const struct journey_table *t, const struct first_commits *fc, uint32_t ai,
		  const struct adoption_config *cfg, struct journey_trend *tr)
{
	const struct journey_outcome *oc = t->outcome;
	size_t noc = intern_count(&t->customers), i;
	int mmin = INT32_MAX, mmax = INT32_MIN, m, np = 0;
	double vol[JOURNEY_MAX_MONTHS], qual[JOURNEY_MAX_MONTHS];

	snprintf(tr->channel, sizeof(tr->channel), "%s", cfg->vc_ai_channel);
	for (i = 0; ai != INTERN_NONE && i < t->n; i++)
		if (t->channel[i] == ai) {
			m = month_of(t->start_us[i]);
			mmin = m < mmin ? m : mmin;
			mmax = m > mmax ? m : mmax;
		}
	if (ai != INTERN_NONE && mmax != INT32_MIN) {
		if (mmax - mmin + 1 > cfg->vc_periods)
			mmin = mmax - cfg->vc_periods + 1;
		for (m = mmin; m <= mmax && np < JOURNEY_MAX_MONTHS; m++) {
			size_t n = 0, qn = 0, qr = 0, p;
			for (i = 0; i < t->n; i++)
				if (t->channel[i] == ai && month_of(t->start_us[i]) == m)
					n++;
			for (p = 0; p < noc; p++)
				if (fc->channel[p] == ai && month_of(fc->at[p]) == m && oc[p].known &&
				    oc[p].r90 >= 0)
					qn++, qr += (size_t)oc[p].r90;
			if (!n || !qn)
				continue; /* a month with no volume or no outcome has no figure */
			vol[np] = (double)n;
			qual[np] = (double)qr / qn;
			tr->months[np].month = m;
			tr->months[np].journeys = n;
			tr->months[np].converts_with_outcome = qn;
			tr->months[np].conversion_quality = qual[np];
			np++;
		}
	}
	tr->nmonths = np;
	if (np < cfg->vc_min_periods)
		return;
	tr->tested = 1;
	journeys_mann_kendall(vol, np, &tr->volume);
	journeys_mann_kendall(qual, np, &tr->quality);
	tr->finding = tr->volume.p_up < cfg->vc_alpha && tr->quality.p_down < cfg->vc_alpha;
}

/*
 * The AI channel's model 2 metrics over the windows the catalog's
 * definitions state, as of the newest journey start (see journeys.h).
 */
static void catalog_windows(const struct journey_table *t, const struct first_commits *fc,
			    uint32_t ai, struct journey_windows *w)
{
	const struct journey_outcome *oc = t->outcome;
	size_t nj = t->n, noc = intern_count(&t->customers);
	int64_t as_of = INT64_MIN, first_ai = INT64_MAX, *turns, *first_in_week;
	int64_t qfrom, cfrom, cto, wfrom, wto, rfrom, v1from, v0from;
	size_t i, p, nq = 0, nqual = 0, nturns = 0, cq = 0, cqn = 0, wn = 0, wret = 0;
	size_t rc = 0, n1 = 0, n0 = 0;
	int64_t refs = 0;
	unsigned char *ref_cust;
	int y, m, d;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < nj; i++) {
		if (t->start_us[i] > as_of)
			as_of = t->start_us[i];
		if (t->channel[i] == ai && t->start_us[i] < first_ai)
			first_ai = t->start_us[i];
	}
	if (ai == INTERN_NONE || first_ai == INT64_MAX)
		return;
	/* qualified intent, iterations: conversations of the last 28 days */
	qfrom = as_of - 28 * DAY_US;
	/* conversion quality: first commitments in the cohort month, 3 before as_of's */
	adoption_civil((int32_t)(as_of / DAY_US), &y, &m, &d);
	m -= 3;
	if (m < 1)
		m += 12, y--;
	cfrom = time_days_from_civil(y, (unsigned)m, 1) * DAY_US;
	cto = (m == 12 ? time_days_from_civil(y + 1, 1, 1) :
	       time_days_from_civil(y, (unsigned)m + 1, 1)) * DAY_US;
	/* return within 30 days: the cohort week 5 weeks ago */
	wfrom = as_of - 35 * DAY_US;
	wto = as_of - 28 * DAY_US;
	/* referral rate: customers committing on the channel in the last 90 days */
	rfrom = as_of - 90 * DAY_US;
	/* volume growth: the last 13 weeks against the 13 before */
	v1from = as_of - 91 * DAY_US;
	v0from = as_of - 182 * DAY_US;
	turns = xmalloc(st_mult(nj + 1, sizeof(*turns)));
	first_in_week = xmalloc(st_mult(noc + 1, sizeof(*first_in_week)));
	ref_cust = xcalloc(noc + 1, 1);
	for (p = 0; p < noc; p++)
		first_in_week[p] = INT64_MAX;
	for (i = 0; i < nj; i++) {
		int64_t start = t->start_us[i];
		uint32_t cu = t->customer[i];
		if (t->channel[i] != ai)
			continue;
		if (start > qfrom) {
			nq++;
			nqual += t->qualified[i];
			if (t->committed[i])
				turns[nturns++] = t->commit_turn[i];
		}
		if (start >= wfrom && start < wto && start < first_in_week[cu])
			first_in_week[cu] = start;
		if (t->committed[i] && start > rfrom)
			ref_cust[cu] = 1;
		if (start > v1from)
			n1++;
		else if (start > v0from)
			n0++;
	}
	for (i = 0; i < nj; i++) {
		uint32_t cu = t->customer[i];
		int64_t f = t->channel[i] == ai ? first_in_week[cu] : INT64_MAX;
		if (f != INT64_MAX && t->start_us[i] > f && t->start_us[i] - f <= 30 * DAY_US &&
		    !(ref_cust[cu] & 2)) {
			ref_cust[cu] |= 2; /* returned (counted once) */
			wret++;
		}
	}
	for (p = 0; p < noc; p++) {
		wn += first_in_week[p] != INT64_MAX;
		if (ref_cust[p] & 1) {
			rc++;
			refs += oc[p].known ? oc[p].referrals : 0;
		}
		if (fc->channel[p] == ai && fc->at[p] >= cfrom && fc->at[p] < cto &&
		    oc[p].known && oc[p].r90 >= 0)
			cqn++, cq += (size_t)oc[p].r90;
	}
	qsort(turns, nturns, sizeof(*turns), cmp_i64);
	w->present = 1;
	w->as_of = as_of;
	w->qualified_intent_rate = (struct journey_window){
		nq ? (double)nqual / nq : NAN, nq, qfrom, as_of };
	w->iterations_before_commitment = (struct journey_window){
		median_turn(turns, nturns), nturns, qfrom, as_of };
	w->conversion_quality = (struct journey_window){
		cqn ? (double)cq / cqn : NAN, cqn, cfrom, cto };
	w->return_rate_30d = (struct journey_window){
		wn ? (double)wret / wn : NAN, wn, wfrom, wto };
	w->referral_rate = (struct journey_window){
		rc ? (double)refs / rc : NAN, rc, rfrom, as_of };
	/* growth needs the channel's journeys to reach back into the first week of the earlier 13 */
	w->volume_growth = (struct journey_window){
		first_ai <= v0from + 7 * DAY_US && n0 ? (double)n1 / n0 - 1 : NAN, n1 + n0,
		v0from, as_of };
	w->last_13_weeks = n1;
	w->weeks_13_before = n0;
	free(turns);
	free(first_in_week);
	free(ref_cust);
}

void journeys_compute(const struct journey_table *t, const struct adoption_config *cfg,
		      struct journeys_result *out)
{
	struct first_commits fc;
	uint32_t ai = intern_find(&t->channels, cfg->vc_ai_channel, strlen(cfg->vc_ai_channel));
	size_t c;

	memset(out, 0, sizeof(*out));
	first_commits(t, &fc);
	out->nchannels = intern_count(&t->channels);
	out->channels = xcalloc(out->nchannels + 1, sizeof(*out->channels));
	for (c = 0; c < out->nchannels; c++)
		channel_metrics(t, &fc, (uint32_t)c, &out->channels[c]);
	trend(t, &fc, ai, cfg, &out->trend);
	catalog_windows(t, &fc, ai, &out->windows);
	free(fc.at);
	free(fc.channel);
	free(fc.journey);
}

void journeys_result_release(struct journeys_result *r)
{
	size_t c;

	for (c = 0; c < r->nchannels; c++)
		free(r->channels[c].channel);
	free(r->channels);
	memset(r, 0, sizeof(*r));
}

/* ---- printers ---- */

double journeys_figure(double v)
{
	return round(v * 10000.0) / 10000.0;
}

static json_t *num(double v)
{
	return json_real(journeys_figure(v));
}

/* A figure, or null when there is none (NAN). */
static json_t *num_or_null(double v)
{
	return isnan(v) ? json_null() : num(v);
}

static json_t *iso(int64_t us)
{
	char buf[TIME_ISO_LEN];

	time_format_us(us, buf);
	return json_string(buf);
}

static json_t *channel_json(const struct journey_channel *c)
{
	json_t *o = json_pack("{s:s, s:i, s:i}", "channel", c->channel,
			      "journeys", (int)c->journeys, "customers", (int)c->customers);

	json_object_set_new(o, "qualified_intent_rate", num(c->qualified_intent_rate));
	json_object_set_new(o, "conversion_rate", num(c->conversion_rate));
	json_object_set_new(o, "iterations_before_commitment",
			    num_or_null(c->iterations_before_commitment));
	json_object_set_new(o, "converted_customers", json_integer((json_int_t)c->converted));
	json_object_set_new(o, "customers_with_outcomes",
			    json_integer((json_int_t)c->with_outcomes));
	json_object_set_new(o, "retention_30d", num_or_null(c->retention_30d));
	json_object_set_new(o, "retention_90d", num_or_null(c->retention_90d));
	json_object_set_new(o, "upsell_rate", num_or_null(c->upsell_rate));
	json_object_set_new(o, "revenue_per_converted", num_or_null(c->revenue_per_converted));
	json_object_set_new(o, "lifetime_value", num_or_null(c->lifetime_value));
	json_object_set_new(o, "return_30d", num(c->return_30d));
	json_object_set_new(o, "repeat_engagement", num(c->repeat_engagement));
	json_object_set_new(o, "referral_rate", num_or_null(c->referral_rate));
	return o;
}

json_t *journeys_trend_json(const struct journey_trend *tr)
{
	json_t *o = json_object(), *series = json_array();
	int i;

	for (i = 0; i < tr->nmonths; i++) {
		const struct journey_month *m = &tr->months[i];
		char buf[16];
		snprintf(buf, sizeof(buf), "%04d-%02d", m->month / 12, m->month % 12 + 1);
		json_array_append_new(series, json_pack("{s:s, s:i, s:o, s:i}", "month", buf,
			"journeys", (int)m->journeys, "conversion_quality",
			num(m->conversion_quality), "converts_with_outcome",
			(int)m->converts_with_outcome));
	}
	json_object_set_new(o, "channel", json_string(tr->channel));
	json_object_set_new(o, "test", json_string("Mann-Kendall, one-sided"));
	json_object_set_new(o, "series", series);
	if (tr->tested) {
		json_object_set_new(o, "volume", json_pack("{s:f, s:o, s:o}", "s", tr->volume.s,
			"z", num(tr->volume.z), "p_increasing", num(tr->volume.p_up)));
		json_object_set_new(o, "quality", json_pack("{s:f, s:o, s:o}", "s", tr->quality.s,
			"z", num(tr->quality.z), "p_decreasing", num(tr->quality.p_down)));
	} else {
		json_object_set_new(o, "verdict", json_string("too few months"));
	}
	return o;
}

static json_t *window_json(const struct journey_window *w)
{
	return json_pack("{s:o, s:I, s:o, s:o}", "value", num_or_null(w->value),
			 "n", (json_int_t)w->n, "from", iso(w->from), "to", iso(w->to));
}

static json_t *windows_json(const struct journey_windows *w)
{
	json_t *o;

	if (!w->present)
		return json_null();
	o = json_object();
	json_object_set_new(o, "as_of", iso(w->as_of));
	json_object_set_new(o, "qualified_intent_rate", window_json(&w->qualified_intent_rate));
	json_object_set_new(o, "iterations_before_commitment",
			    window_json(&w->iterations_before_commitment));
	json_object_set_new(o, "conversion_quality", window_json(&w->conversion_quality));
	json_object_set_new(o, "return_rate_30d", window_json(&w->return_rate_30d));
	json_object_set_new(o, "referral_rate", window_json(&w->referral_rate));
	json_object_set_new(o, "ai_channel_volume_growth", json_pack("{s:o, s:I, s:I, s:o, s:o}",
		"value", num_or_null(w->volume_growth.value),
		"last_13_weeks", (json_int_t)w->last_13_weeks,
		"13_weeks_before", (json_int_t)w->weeks_13_before,
		"from", iso(w->volume_growth.from), "to", iso(w->volume_growth.to)));
	return o;
}

json_t *journeys_result_json(const struct journeys_result *r)
{
	json_t *channels = json_array(), *o;
	size_t c;

	for (c = 0; c < r->nchannels; c++)
		json_array_append_new(channels, channel_json(&r->channels[c]));
	o = json_pack("{s:o, s:o}", "channels", channels, "volume_over_credibility",
		      journeys_trend_json(&r->trend));
	json_object_set_new(o, "ai_channel_windows", windows_json(&r->windows));
	return o;
}

/* The catalog's volume_over_credibility failure mode and its model, or NULL. */
static const struct cat_failure *vc_mode(const struct catalog *cat, const struct cat_model **md)
{
	size_t k;

	*md = cat ? catalog_model(cat, "distribution") : NULL;
	for (k = 0; *md && k < (*md)->nfailures; k++)
		if (!strcmp((*md)->failures[k].id, "volume_over_credibility"))
			return &(*md)->failures[k];
	return NULL;
}

char *journeys_finding_summary(const struct journeys_result *r, const struct catalog *cat)
{
	const struct journey_trend *tr = &r->trend;
	const struct cat_model *md;
	const struct cat_failure *fm = vc_mode(cat, &md);
	struct strbuf sb = STRBUF_INIT;
	int np = tr->nmonths;

	if (!tr->finding)
		return NULL;
	strbuf_addf(&sb, "%s: '%s' journeys rose from %.0f to %.0f a month while "
		    "90-day retention of its converts fell from %.0f%% to %.0f%% "
		    "(Mann-Kendall p = %.3f and %.3f over %d months)",
		    fm ? fm->name : "Volume over credibility", tr->channel,
		    (double)tr->months[0].journeys, (double)tr->months[np - 1].journeys,
		    100 * tr->months[0].conversion_quality,
		    100 * tr->months[np - 1].conversion_quality,
		    tr->volume.p_up, tr->quality.p_down, np);
	return strbuf_detach(&sb, NULL);
}

json_t *journeys_finding_json(const struct journeys_result *r, const struct catalog *cat)
{
	const struct cat_model *md;
	const struct cat_failure *fm = vc_mode(cat, &md);
	json_t *move = json_null(), *o;
	char *summary = journeys_finding_summary(r, cat);
	size_t k;

	if (!summary)
		return NULL;
	for (k = 0; md && fm && k < md->nmoves; k++)
		if (!strcmp(md->moves[k].id, fm->move))
			move = json_pack("{s:s, s:s, s:s}", "id", md->moves[k].id,
					 "name", md->moves[k].name, "text", md->moves[k].text);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id",
		      "volume_over_credibility", "model", "distribution",
		      "failure_mode", "volume_over_credibility", "name",
		      fm ? fm->name : "Volume over credibility", "summary", summary,
		      "evidence", journeys_trend_json(&r->trend), "move", move);
	free(summary);
	return o;
}
