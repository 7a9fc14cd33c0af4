/*
 * serve.c - cost-to-serve per case of an event log; see serve.h for the
 * rules.  Reads the log (ingest/logstore), the people's roles (org/), the
 * PriceBook's currency and the unit values; computes in minor units.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "assess/pricebook.h"
#include "assess/serve.h"
#include "assess/unit_value.h"
#include "assess/value.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "ingest/logstore.h"
#include "metrics/stats.h"
#include "org/people.h"

struct role_map {
	char **person, **role;
	size_t n, alloc;
};

static int add_person(const struct org_person_row *p, void *data)
{
	struct role_map *m = data;

	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 64;
		m->person = xrealloc(m->person, m->alloc * sizeof(*m->person));
		m->role = xrealloc(m->role, m->alloc * sizeof(*m->role));
	}
	m->person[m->n] = xstrdup(p->name);
	m->role[m->n++] = xstrdup(p->role ? p->role : "");
	return 0;
}

static const char *role_of(const struct role_map *m, const char *person)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->person[i], person))
			return m->role[i];
	return NULL;
}

static void gap(struct serve_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gap(struct serve_result *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	r->gaps = xrealloc(r->gaps, (r->ngaps + 1) * sizeof(*r->gaps));
	r->gaps[r->ngaps++] = strbuf_detach(&sb, NULL);
}

/* The hourly cost in minor units of `role` on `at_us`, or -1. */
static int64_t hourly(const struct uv_set *uvs, const char *role, int64_t at_us,
		      const struct money_currency *cur)
{
	size_t i;

	for (i = 0; i < uvs->n; i++) {
		const struct unit_value *v = &uvs->v[i];
		const char *a;
		struct aiv_err err = AIV_ERR_INIT;
		int64_t minor;
		if (strcmp(v->type, "hourly_cost") || !v->role || strcmp(v->role, role))
			continue;
		if (!(a = uv_amount_at(v, at_us)) || money_parse(a, cur, 0, &minor, "amount", &err))
			return -1;
		return minor;
	}
	return -1;
}

static int64_t median_minor(double *v, size_t n)
{
	double m;

	if (!n)
		return -1;
	m = stats_median(v, n);
	return (int64_t)nearbyint(m); /* halves of a cent (even n) round half to even */
}

int serve_compute(struct store *s, const char *log, const char *attribute,
		  const char *treatment, struct serve_result *out, struct aiv_err *err)
{
	struct eventlog l;
	struct pricebook pb;
	struct uv_set uvs;
	struct role_map roles;
	uint32_t k_total, k_cur, k_attr, v_treat, c;
	double *ai = NULL, *other = NULL, scale;
	size_t unpriced_steps = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(&pb, 0, sizeof(pb));
	memset(&uvs, 0, sizeof(uvs));
	memset(&roles, 0, sizeof(roles));
	eventlog_init(&l);
	out->log = xstrdup(log);
	out->attribute = xstrdup(attribute ? attribute : "ai_assisted");
	out->treatment = xstrdup(treatment ? treatment : "true");
	out->median_ai = out->median_other = -1;
	if ((ret = logstore_load(s, log, &l, err)) || (ret = pricebook_load(s, &pb, err)) ||
	    (ret = uv_load(s, &uvs, err)) ||
	    (ret = org_each_person_row(s, add_person, &roles, err)))
		goto cleanup;
	out->currency = pb.currency;
	out->cases = l.ncases;
	if (!pb.currency) {
		gap(out, "no workspace currency: apply a PriceBook with a currency (docs/money.md)");
		out->unpriced = l.ncases;
		goto cleanup;
	}
	scale = (double)money_pow10(pb.currency->digits);
	k_total = intern_find(&l.strs, "cost:total", 10);
	k_cur = intern_find(&l.strs, "cost:currency", 13);
	k_attr = intern_find(&l.strs, out->attribute, strlen(out->attribute));
	v_treat = intern_find(&l.strs, out->treatment, strlen(out->treatment));
	ai = xcalloc(l.ncases + 1, sizeof(*ai));
	other = xcalloc(l.ncases + 1, sizeof(*other));
	for (c = 0; c < l.ncases; c++) {
		size_t lo = l.case_off[c], hi = l.case_off[c + 1], e;
		uint32_t tot = k_total == EVL_NONE ? EVL_NONE : eventlog_case_attr(&l, c, k_total);
		uint32_t cu = k_cur == EVL_NONE ? EVL_NONE : eventlog_case_attr(&l, c, k_cur);
		uint32_t co = k_attr == EVL_NONE ? EVL_NONE : eventlog_case_attr(&l, c, k_attr);
		int64_t minor = 0;
		int priced = 1, any = 0;
		struct aiv_err perr = AIV_ERR_INIT;
		if (cu != EVL_NONE && strcmp(eventlog_str(&l, cu), pb.currency->code)) {
			out->other_currency++;
			continue;
		}
		if (tot != EVL_NONE) {
			if (money_parse(eventlog_str(&l, tot), pb.currency, 0, &minor, "cost:total", &perr)) {
				out->unpriced++;
				continue;
			}
			out->recorded++;
		} else {
			for (e = lo; l.cost && e < hi; e++)
				if (!isnan(l.cost[e])) {
					minor += llround(l.cost[e] * scale);
					any = 1;
				}
			if (any) {
				out->recorded++;
			} else {
				for (e = lo + 1; e < hi && priced; e++) {
					const char *res = l.resource[e] == EVL_NONE ? NULL :
							  eventlog_str(&l, l.resource[e]);
					const char *role = res ? role_of(&roles, res) : NULL;
					int64_t rate = role ? hourly(&uvs, role, l.time[e], pb.currency) : -1;
					int ovf = 0;
					if (l.no_time || rate < 0) {
						priced = 0;
						unpriced_steps++;
						break;
					}
					minor += money_muldiv(l.time[e] - l.time[e - 1], rate,
							      INT64_C(3600000000), &ovf);
					if (ovf)
						priced = 0;
				}
				if (!priced || hi - lo < 2) {
					out->unpriced++;
					continue;
				}
				out->estimated++;
			}
		}
		out->total_minor += minor;
		if (co == EVL_NONE)
			out->no_cohort++;
		else if (co == v_treat)
			ai[out->n_ai++] = (double)minor;
		else
			other[out->n_other++] = (double)minor;
	}
	if (out->other_currency)
		gap(out, "%zu case%s costed in another currency than %s: left out, not converted",
		    out->other_currency, out->other_currency == 1 ? " is" : "s are", pb.currency->code);
	if (out->unpriced)
		gap(out, "%zu case%s no recorded cost and a step whose resource has no priced "
		    "role: apply a UnitValue of type hourly_cost for the role of each resource "
		    "(a Person's role), or import the log with cost:total", out->unpriced,
		    out->unpriced == 1 ? " has" : "s have");
	if (!out->n_ai || !out->n_other)
		gap(out, "no comparison: the cohorts by '%s' (treatment '%s') need priced cases on "
		    "both sides", out->attribute, out->treatment);
	hyp_compare(other, out->n_other, ai, out->n_ai, 0, 0, 0.95, stats_seed_from(log), &out->diff);
	out->median_ai = median_minor(ai, out->n_ai);
	out->median_other = median_minor(other, out->n_other);
	(void)unpriced_steps;
cleanup:
	free(ai);
	free(other);
	while (roles.n--) {
		free(roles.person[roles.n]);
		free(roles.role[roles.n]);
	}
	free(roles.person);
	free(roles.role);
	uv_set_release(&uvs);
	pricebook_release(&pb);
	eventlog_release(&l);
	if (ret)
		serve_result_release(out);
	return ret;
}

void serve_result_release(struct serve_result *r)
{
	size_t i;

	free(r->log);
	free(r->attribute);
	free(r->treatment);
	for (i = 0; i < r->ngaps; i++)
		free(r->gaps[i]);
	free(r->gaps);
	memset(r, 0, sizeof(*r));
}

/* A money figure, or null for "no data" (a median of no cases is -1). */
static json_t *minor_json(const struct serve_result *r, int64_t minor)
{
	return minor < 0 ? json_null() : value_money_json(minor, r->currency);
}

static json_t *signed_json(const struct serve_result *r, double v)
{
	return value_money_json((int64_t)nearbyint(v), r->currency);
}

json_t *serve_json(const struct serve_result *r)
{
	json_t *o = json_object(), *g = json_array();
	size_t i;

	json_object_set_new(o, "log", json_string(r->log));
	json_object_set_new(o, "currency", r->currency ? json_string(r->currency->code) : json_null());
	json_object_set_new(o, "cases", json_integer((json_int_t)r->cases));
	json_object_set_new(o, "recorded", json_integer((json_int_t)r->recorded));
	json_object_set_new(o, "estimated", json_integer((json_int_t)r->estimated));
	json_object_set_new(o, "unpriced", json_integer((json_int_t)r->unpriced));
	json_object_set_new(o, "other_currency", json_integer((json_int_t)r->other_currency));
	json_object_set_new(o, "total", r->currency ? minor_json(r, r->total_minor) : json_null());
	json_object_set_new(o, "attribute", json_string(r->attribute));
	json_object_set_new(o, "treatment", json_string(r->treatment));
	json_object_set_new(o, "treatment_cases", json_integer((json_int_t)r->n_ai));
	json_object_set_new(o, "other_cases", json_integer((json_int_t)r->n_other));
	json_object_set_new(o, "median_treatment", minor_json(r, r->median_ai));
	json_object_set_new(o, "median_other", minor_json(r, r->median_other));
	if (r->diff.ok && r->n_ai && r->n_other) {
		json_object_set_new(o, "difference", signed_json(r, r->diff.effect));
		json_object_set_new(o, "difference_low", signed_json(r, r->diff.lo));
		json_object_set_new(o, "difference_high", signed_json(r, r->diff.hi));
		json_object_set_new(o, "method", json_string(r->diff.method));
	} else {
		json_object_set_new(o, "difference", json_null());
	}
	for (i = 0; i < r->ngaps; i++)
		json_array_append_new(g, json_string(r->gaps[i]));
	json_object_set_new(o, "gaps", g);
	return o;
}

static void put(struct strbuf *sb, const struct serve_result *r, int64_t minor)
{
	if (r->currency && minor >= 0)
		money_format(sb, minor, r->currency);
	else
		strbuf_addstr(sb, "no data");
}

void serve_print(const struct serve_result *r, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	fprintf(f, "cost to serve, log '%s': %zu cases, %zu with recorded cost, %zu estimated "
		"from time and role, %zu unpriced\n", r->log, r->cases, r->recorded, r->estimated,
		r->unpriced);
	put(&sb, r, r->currency ? r->total_minor : -1);
	fprintf(f, "total             %s\n", sb.buf);
	strbuf_reset(&sb);
	put(&sb, r, r->median_ai);
	fprintf(f, "median a case     %s where %s is %s (%zu cases)\n", sb.buf, r->attribute,
		r->treatment, r->n_ai);
	strbuf_reset(&sb);
	put(&sb, r, r->median_other);
	fprintf(f, "                  %s for the other cases (%zu cases)\n", sb.buf, r->n_other);
	if (r->diff.ok && r->n_ai && r->n_other && r->currency) {
		int64_t d = (int64_t)nearbyint(r->diff.effect), lo = (int64_t)nearbyint(r->diff.lo),
			hi = (int64_t)nearbyint(r->diff.hi);
		strbuf_reset(&sb);
		money_format(&sb, d, r->currency);
		strbuf_addstr(&sb, " (95 % interval ");
		money_format(&sb, lo, r->currency);
		strbuf_addstr(&sb, " to ");
		money_format(&sb, hi, r->currency);
		strbuf_addstr(&sb, ")");
		fprintf(f, "difference        %s a case\n", sb.buf);
	}
	for (i = 0; i < r->ngaps; i++)
		fprintf(f, "note: %s\n", r->gaps[i]);
	strbuf_release(&sb);
}
