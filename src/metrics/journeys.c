/*
 * journeys.c - model 2 metrics and the volume-over-credibility detector;
 * see journeys.h for every definition.
 *
 * Events are loaded once into columns (journey, customer, channel as
 * interned ids; time; turn; flags; value) ordered by journey and turn,
 * reduced to one record per journey, then per customer; the kernels
 * below never run SQL.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "intern.h"
#include "journeys.h"

struct jrec {
	uint32_t customer, channel;
	int64_t start_us;
	int qualified, committed;
	int64_t commit_turn;
	double value;
};

struct outcome {
	int r30, r90, upsell; /* -1 unknown */
	double revenue;
	int64_t referrals;
	int known;
};

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

static json_t *num(double v)
{
	return json_real(round(v * 10000.0) / 10000.0);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int month_of(int64_t us)
{
	int y, m, d;

	adoption_civil((int32_t)(us / 86400000000LL), &y, &m, &d);
	return y * 12 + m - 1;
}

#define DAY_US 86400000000LL

static json_t *iso_or_null(int64_t us)
{
	char buf[TIME_ISO_LEN];

	time_format_us(us, buf);
	return json_string(buf);
}

/*
 * The AI channel's model 2 metrics over the windows the catalog's
 * definitions state, as of the newest journey start (see journeys.h).
 * Each metric: {value (null: nothing in its window), n, from, to}.
 */
static json_t *catalog_windows(const struct jrec *js, size_t nj, const struct outcome *oc,
			       size_t noc, const uint32_t *commit_channel,
			       const int64_t *first_commit, uint32_t ai)
{
	int64_t as_of = INT64_MIN, first_ai = INT64_MAX, *turns, *first_in_week;
	int64_t qfrom, cfrom, cto, wfrom, wto, rfrom, v1from, v0from;
	size_t i, p, nq = 0, nqual = 0, nturns = 0, cq = 0, cqn = 0, wn = 0, wret = 0;
	size_t rc = 0, n1 = 0, n0 = 0;
	int64_t refs = 0;
	unsigned char *ref_cust;
	int y, m, d;
	json_t *o;

	for (i = 0; i < nj; i++) {
		if (js[i].start_us > as_of)
			as_of = js[i].start_us;
		if (js[i].channel == ai && js[i].start_us < first_ai)
			first_ai = js[i].start_us;
	}
	if (ai == INTERN_NONE || first_ai == INT64_MAX)
		return json_null();
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
		const struct jrec *r = &js[i];
		if (r->channel != ai)
			continue;
		if (r->start_us > qfrom) {
			nq++;
			nqual += r->qualified;
			if (r->committed)
				turns[nturns++] = r->commit_turn;
		}
		if (r->start_us >= wfrom && r->start_us < wto &&
		    r->start_us < first_in_week[r->customer])
			first_in_week[r->customer] = r->start_us;
		if (r->committed && r->start_us > rfrom)
			ref_cust[r->customer] = 1;
		if (r->start_us > v1from)
			n1++;
		else if (r->start_us > v0from)
			n0++;
	}
	for (i = 0; i < nj; i++) {
		const struct jrec *r = &js[i];
		int64_t f = r->channel == ai ? first_in_week[r->customer] : INT64_MAX;
		if (f != INT64_MAX && r->start_us > f && r->start_us - f <= 30 * DAY_US &&
		    !(ref_cust[r->customer] & 2)) {
			ref_cust[r->customer] |= 2; /* returned (counted once) */
			wret++;
		}
	}
	for (p = 0; p < noc; p++) {
		wn += first_in_week[p] != INT64_MAX;
		if (ref_cust[p] & 1) {
			rc++;
			refs += oc[p].known ? oc[p].referrals : 0;
		}
		if (commit_channel[p] == ai && first_commit[p] >= cfrom && first_commit[p] < cto &&
		    oc[p].known && oc[p].r90 >= 0)
			cqn++, cq += oc[p].r90;
	}
	qsort(turns, nturns, sizeof(*turns), cmp_i64);
	o = json_object();
	json_object_set_new(o, "as_of", iso_or_null(as_of));
	json_object_set_new(o, "qualified_intent_rate", json_pack("{s:o, s:I, s:o, s:o}",
		"value", nq ? num((double)nqual / nq) : json_null(), "n", (json_int_t)nq,
		"from", iso_or_null(qfrom), "to", iso_or_null(as_of)));
	json_object_set_new(o, "iterations_before_commitment", json_pack("{s:o, s:I, s:o, s:o}",
		"value", nturns ? num(nturns % 2 ? (double)turns[nturns / 2] :
				      (turns[nturns / 2 - 1] + turns[nturns / 2]) / 2.0) : json_null(),
		"n", (json_int_t)nturns, "from", iso_or_null(qfrom), "to", iso_or_null(as_of)));
	json_object_set_new(o, "conversion_quality", json_pack("{s:o, s:I, s:o, s:o}",
		"value", cqn ? num((double)cq / cqn) : json_null(), "n", (json_int_t)cqn,
		"from", iso_or_null(cfrom), "to", iso_or_null(cto)));
	json_object_set_new(o, "return_rate_30d", json_pack("{s:o, s:I, s:o, s:o}",
		"value", wn ? num((double)wret / wn) : json_null(), "n", (json_int_t)wn,
		"from", iso_or_null(wfrom), "to", iso_or_null(wto)));
	json_object_set_new(o, "referral_rate", json_pack("{s:o, s:I, s:o, s:o}",
		"value", rc ? num((double)refs / rc) : json_null(), "n", (json_int_t)rc,
		"from", iso_or_null(rfrom), "to", iso_or_null(as_of)));
	/* growth needs the channel's journeys to reach back into the first week of the earlier 13 */
	json_object_set_new(o, "ai_channel_volume_growth", json_pack("{s:o, s:I, s:I, s:o, s:o}",
		"value", first_ai <= v0from + 7 * DAY_US && n0 ? num((double)n1 / n0 - 1) : json_null(),
		"last_13_weeks", (json_int_t)n1, "13_weeks_before", (json_int_t)n0,
		"from", iso_or_null(v0from), "to", iso_or_null(as_of)));
	free(turns);
	free(first_in_week);
	free(ref_cust);
	return o;
}

int journeys_report(struct store *s, const struct adoption_config *cfg,
		    const struct catalog *cat, json_t **out, json_t **finding,
		    struct aiv_err *err)
{
	struct intern jids, cids, chans;
	struct jrec *js = NULL;
	struct outcome *oc = NULL;
	size_t nj = 0, aj = 0, noc = 0, i, c;
	struct store_stmt *st;
	json_t *channels = json_array();
	int rc, ret = 0;

	*out = NULL;
	*finding = NULL;
	intern_init(&jids);
	intern_init(&cids);
	intern_init(&chans);
	st = store_prepare(s, "SELECT journey, customer, channel, time_us, turn, intent_qualified,"
			   " committed, order_value FROM journey_events ORDER BY journey, turn,"
			   " time_us", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t j = intern_id(&jids, store_col_text(st, 0));
		struct jrec *r;
		if (j >= nj) {
			ALLOC_GROW(js, j + 1, aj);
			r = &js[j];
			memset(r, 0, sizeof(*r));
			r->customer = intern_id(&cids, store_col_text(st, 1));
			r->channel = intern_id(&chans, store_col_text(st, 2));
			r->start_us = store_col_int(st, 3);
			r->commit_turn = -1;
			nj = j + 1;
		}
		r = &js[j];
		if (store_col_int(st, 3) < r->start_us)
			r->start_us = store_col_int(st, 3);
		r->qualified |= store_col_int(st, 5) != 0;
		if (store_col_int(st, 6) && !r->committed) {
			r->committed = 1;
			r->commit_turn = store_col_int(st, 4);
		}
		r->value += store_col_double(st, 7);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	noc = intern_count(&cids);
	oc = xcalloc(noc + 1, sizeof(*oc));
	st = store_prepare(s, "SELECT customer, retained_30d, retained_90d, upsell, revenue,"
			   " referrals FROM customer_outcomes ORDER BY import_id", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t cu = intern_find(&cids, store_col_text(st, 0), store_col_bytes(st, 0));
		struct outcome *o;
		if (cu == INTERN_NONE)
			continue; /* outcome of a customer with no journey */
		o = &oc[cu];
		o->known = 1;
		o->r30 = store_col_is_null(st, 1) ? -1 : (int)store_col_int(st, 1);
		o->r90 = store_col_is_null(st, 2) ? -1 : (int)store_col_int(st, 2);
		o->upsell = store_col_is_null(st, 3) ? -1 : (int)store_col_int(st, 3);
		o->revenue = store_col_double(st, 4);
		o->referrals = store_col_int(st, 5);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	{
		/* per customer: first commitment (journey index) */
		int64_t *first_commit = xmalloc(st_mult(noc + 1, sizeof(int64_t)));
		uint32_t *commit_channel = xmalloc(st_mult(noc + 1, sizeof(uint32_t)));
		uint32_t *commit_j = xmalloc(st_mult(noc + 1, sizeof(uint32_t)));
		for (i = 0; i < noc; i++) {
			first_commit[i] = INT64_MAX;
			commit_channel[i] = INTERN_NONE;
		}
		for (i = 0; i < nj; i++)
			if (js[i].committed && js[i].start_us < first_commit[js[i].customer]) {
				first_commit[js[i].customer] = js[i].start_us;
				commit_channel[js[i].customer] = js[i].channel;
				commit_j[js[i].customer] = (uint32_t)i;
			}
		for (c = 0; c < intern_count(&chans); c++) {
			int64_t *turns = xmalloc(st_mult(nj + 1, sizeof(int64_t)));
			size_t nturns = 0, njour = 0, nq = 0, ncom = 0, conv = 0, withoc = 0;
			size_t r30n = 0, r30 = 0, r90n = 0, r90 = 0, upn = 0, up = 0, p;
			size_t ncust = 0, ret30 = 0, rep = 0;
			double revenue = 0, ltv = 0;
			int64_t refs = 0;
			json_t *o;
			for (i = 0; i < nj; i++) {
				if (js[i].channel != c)
					continue;
				njour++;
				nq += js[i].qualified;
				if (js[i].committed) {
					ncom++;
					turns[nturns++] = js[i].commit_turn;
				}
			}
			for (p = 0; p < noc; p++) {
				if (commit_channel[p] != c)
					continue;
				conv++;
				ltv += js[commit_j[p]].value;
				if (!oc[p].known)
					continue;
				withoc++;
				if (oc[p].r30 >= 0)
					r30n++, r30 += oc[p].r30;
				if (oc[p].r90 >= 0)
					r90n++, r90 += oc[p].r90;
				if (oc[p].upsell >= 0)
					upn++, up += oc[p].upsell;
				revenue += oc[p].revenue;
				ltv += oc[p].revenue;
				refs += oc[p].referrals;
			}
			/* trust: journeys per customer on this channel, by start */
			{
				size_t k, m;
				int64_t (*cs)[2] = xmalloc(st_mult(njour + 1, sizeof(*cs)));
				for (i = 0, k = 0; i < nj; i++)
					if (js[i].channel == c) {
						cs[k][0] = js[i].customer;
						cs[k][1] = js[i].start_us;
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
					if (b != INT64_MAX && b - a <= 30LL * 86400000000LL)
						ret30++;
				}
				free(cs);
			}
			qsort(turns, nturns, sizeof(*turns), cmp_i64);
			o = json_pack("{s:s, s:i, s:i}", "channel", intern_str(&chans, (uint32_t)c),
				      "journeys", (int)njour, "customers", (int)ncust);
			json_object_set_new(o, "qualified_intent_rate", num(njour ? (double)nq / njour : 0));
			json_object_set_new(o, "conversion_rate", num(njour ? (double)ncom / njour : 0));
			json_object_set_new(o, "iterations_before_commitment", nturns ?
				num(nturns % 2 ? (double)turns[nturns / 2] :
				    (turns[nturns / 2 - 1] + turns[nturns / 2]) / 2.0) : json_null());
			json_object_set_new(o, "converted_customers", json_integer((json_int_t)conv));
			json_object_set_new(o, "customers_with_outcomes", json_integer((json_int_t)withoc));
			json_object_set_new(o, "retention_30d", r30n ? num((double)r30 / r30n) : json_null());
			json_object_set_new(o, "retention_90d", r90n ? num((double)r90 / r90n) : json_null());
			json_object_set_new(o, "upsell_rate", upn ? num((double)up / upn) : json_null());
			json_object_set_new(o, "revenue_per_converted", conv ? num(revenue / conv) : json_null());
			json_object_set_new(o, "lifetime_value", conv ? num(ltv / conv) : json_null());
			json_object_set_new(o, "return_30d", num(ncust ? (double)ret30 / ncust : 0));
			json_object_set_new(o, "repeat_engagement", num(ncust ? (double)rep / ncust : 0));
			json_object_set_new(o, "referral_rate", conv ? num((double)refs / conv) : json_null());
			json_array_append_new(channels, o);
			free(turns);
		}
		/* the trend test on the AI channel */
		{
			uint32_t ai = intern_find(&chans, cfg->vc_ai_channel, strlen(cfg->vc_ai_channel));
			int mmin = INT32_MAX, mmax = INT32_MIN, m, np = 0;
			double vol[64], qual[64];
			json_t *trend = json_object(), *series = json_array();
			struct mk_result mv, mq;
			for (i = 0; ai != INTERN_NONE && i < nj; i++)
				if (js[i].channel == ai) {
					m = month_of(js[i].start_us);
					mmin = m < mmin ? m : mmin;
					mmax = m > mmax ? m : mmax;
				}
			if (ai != INTERN_NONE && mmax != INT32_MIN) {
				if (mmax - mmin + 1 > cfg->vc_periods)
					mmin = mmax - cfg->vc_periods + 1;
				for (m = mmin; m <= mmax && np < 64; m++) {
					size_t n = 0, qn = 0, qr = 0, p;
					for (i = 0; i < nj; i++)
						if (js[i].channel == ai && month_of(js[i].start_us) == m)
							n++;
					for (p = 0; p < noc; p++)
						if (commit_channel[p] == ai &&
						    month_of(first_commit[p]) == m && oc[p].known &&
						    oc[p].r90 >= 0)
							qn++, qr += oc[p].r90;
					if (!n || !qn)
						continue; /* a month with no volume or no outcome has no figure */
					vol[np] = (double)n;
					qual[np] = (double)qr / qn;
					{
						char buf[16];
						snprintf(buf, sizeof(buf), "%04d-%02d", m / 12, m % 12 + 1);
						json_array_append_new(series, json_pack("{s:s, s:i, s:o, s:i}",
							"month", buf, "journeys", (int)n, "conversion_quality",
							num(qual[np]), "converts_with_outcome", (int)qn));
					}
					np++;
				}
			}
			json_object_set_new(trend, "channel", json_string(cfg->vc_ai_channel));
			json_object_set_new(trend, "test", json_string("Mann-Kendall, one-sided"));
			json_object_set_new(trend, "series", series);
			if (np >= cfg->vc_min_periods) {
				journeys_mann_kendall(vol, np, &mv);
				journeys_mann_kendall(qual, np, &mq);
				json_object_set_new(trend, "volume", json_pack("{s:f, s:o, s:o}", "s", mv.s,
					"z", num(mv.z), "p_increasing", num(mv.p_up)));
				json_object_set_new(trend, "quality", json_pack("{s:f, s:o, s:o}", "s", mq.s,
					"z", num(mq.z), "p_decreasing", num(mq.p_down)));
				if (mv.p_up < cfg->vc_alpha && mq.p_down < cfg->vc_alpha) {
					const struct cat_model *md = cat ? catalog_model(cat, "distribution") : NULL;
					const struct cat_failure *fm = NULL;
					json_t *move = json_null();
					struct strbuf sb = STRBUF_INIT;
					size_t k;
					for (k = 0; md && k < md->nfailures; k++)
						if (!strcmp(md->failures[k].id, "volume_over_credibility"))
							fm = &md->failures[k];
					for (k = 0; md && fm && k < md->nmoves; k++)
						if (!strcmp(md->moves[k].id, fm->move))
							move = json_pack("{s:s, s:s, s:s}", "id", md->moves[k].id,
									 "name", md->moves[k].name,
									 "text", md->moves[k].text);
					strbuf_addf(&sb, "%s: '%s' journeys rose from %.0f to %.0f a month while "
						    "90-day retention of its converts fell from %.0f%% to %.0f%% "
						    "(Mann-Kendall p = %.3f and %.3f over %d months)",
						    fm ? fm->name : "Volume over credibility", cfg->vc_ai_channel,
						    vol[0], vol[np - 1], 100 * qual[0], 100 * qual[np - 1],
						    mv.p_up, mq.p_down, np);
					*finding = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:o}", "id",
							     "volume_over_credibility", "model", "distribution",
							     "failure_mode", "volume_over_credibility", "name",
							     fm ? fm->name : "Volume over credibility", "summary",
							     sb.buf, "evidence", trend, "move", move);
					strbuf_release(&sb);
				}
			} else {
				json_object_set_new(trend, "verdict", json_string("too few months"));
			}
			*out = json_pack("{s:O, s:o}", "channels", channels, "volume_over_credibility",
					 trend);
			json_object_set_new(*out, "ai_channel_windows",
					    catalog_windows(js, nj, oc, noc, commit_channel,
							    first_commit, ai));
		}
		free(first_commit);
		free(commit_channel);
		free(commit_j);
	}
cleanup:
	json_decref(channels);
	free(js);
	free(oc);
	intern_release(&jids);
	intern_release(&cids);
	intern_release(&chans);
	return ret;
}
