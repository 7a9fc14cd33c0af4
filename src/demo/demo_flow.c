/*
 * demo_flow.c - customers and cases:
 *
 *   journeys/events.csv, journeys/outcomes.csv   customer journeys through
 *       the AI assistant and the other channels, and their outcomes.  The
 *       story: the ai_assistant channel grows every month while the 90-day
 *       retention of the customers it converts falls (volume over
 *       credibility).  Retention is assigned by quota (an error-diffusion
 *       sequence), so each month's rate is exact rather than noisy.
 *   cases/LOG.xes (.xes.gz for large)   a claims-handling (insurance) or
 *       procure-to-pay (retail, manufacturing) event log; from day 120 half
 *       the cases are AI-assisted (trace attribute ai_assisted), and those
 *       are faster in the steps the assistant helps with, with the same
 *       exception rate.
 *   assess/observations.csv   the quality team's review of a sample of
 *       cases (error_rate: 1 when the reviewer found an error), a guardrail
 *       that no event log holds.  Cycle time and exceptions are not written
 *       here: the hypotheses read them from the imported log (`log:`).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "core/banned.h"
#include "demo/demo_int.h"

#define AI_LAUNCH_MONTH 4

static int month_of_day(int day)
{
	char date[11];
	int y, m;

	demo_date(day, date);
	y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
	m = (date[5] - '0') * 10 + (date[6] - '0');
	return (y - DEMO_FIRST_Y) * 12 + m - DEMO_FIRST_M; /* 0 .. 12 */
}

static void iso_time(int64_t unix_s, char out[32])
{
	int day = (int)((unix_s - demo_unix(0, 0)) / 86400);
	int64_t rem = unix_s - demo_unix(day, 0);
	char date[11];

	demo_date(day, date);
	snprintf(out, 32, "%sT%02d:%02d:%02dZ", date, (int)(rem / 3600), (int)(rem / 60 % 60),
		 (int)(rem % 60));
}

struct channel {
	const char *name;
	double volume;     /* journeys per month as a share of the base */
	double growth;     /* monthly growth factor */
	double qualify, convert;
	double ret90_first, ret90_step; /* 90-day retention of month's converted */
	int max_turns;
};

/* Error diffusion: the k-th unit of a stream at rate r gets 1 or 0. */
static int quota(double r, long k)
{
	return (long)floor((double)(k + 1) * r) - (long)floor((double)k * r) > 0;
}

int demo_write_journeys(struct demo *d, struct aiv_err *err)
{
	struct channel ch[4] = {
		{ "ai_assistant", 0.30, 1.35, 0.72, 0.24, 0.86, -0.07, 7 },
		{ "web", 1.00, 1.00, 0.45, 0.12, 0.74, 0, 4 },
		{ NULL, 0.60, 1.00, 0.60, 0.30, 0.80, 0, 3 },
		{ NULL, 0, 1, 0, 0, 0, 0, 1 },
	};
	struct strbuf ev = STRBUF_INIT, out = STRBUF_INIT;
	struct stats_rng r;
	long conv_seen[4][13], month_conv[4][13];
	int64_t *cust_conv = NULL; /* per customer: converted channel+1 and month, or 0 */
	size_t ncust = 0, cap = 0, nch = 3, c;
	long jid = 0;
	int m, ret;

	memset(conv_seen, 0, sizeof(conv_seen));
	memset(month_conv, 0, sizeof(month_conv));
	stats_rng_seed(&r, d->o.seed * 7919 + 11);
	switch (d->o.industry) {
	case DEMO_RETAIL:
		ch[2].name = "store";
		break;
	case DEMO_INSURANCE:
		ch[2].name = "phone";
		ch[3] = (struct channel){ "broker", 0.40, 1.00, 0.65, 0.35, 0.84, 0, 3 };
		nch = 4;
		break;
	default:
		ch[2].name = "dealer";
		break;
	}
	strbuf_addstr(&ev, "journey_id,customer_id,channel,time,turn,intent_qualified,committed,"
		      "order_value\n");
	for (m = 0; m <= 12; m++) {
		int d0 = -1, d1 = -1, day;
		for (day = 0; day < DEMO_DAYS; day++)
			if (month_of_day(day) == m) {
				if (d0 < 0)
					d0 = day;
				d1 = day;
			}
		if (d0 < 0)
			continue;
		for (c = 0; c < nch; c++) {
			double vol;
			long n, j;
			if (c == 0 && m < AI_LAUNCH_MONTH)
				continue;
			vol = d->journeys_per_month * ch[c].volume *
			      pow(ch[c].growth, c == 0 ? m - AI_LAUNCH_MONTH : 0);
			n = (long)(vol * (0.97 + 0.06 * demo_unif(&r)));
			for (j = 0; j < n; j++) {
				int jd = d0 + (int)stats_rng_below(&r, (uint64_t)(d1 - d0 + 1));
				int turns = 1 + (int)stats_rng_below(&r, (uint64_t)ch[c].max_turns);
				int qualified = demo_chance(&r, ch[c].qualify);
				int committed = qualified && demo_chance(&r, ch[c].convert / ch[c].qualify);
				int64_t t = demo_unix(jd, 7 * 3600 + (int)stats_rng_below(&r, 14 * 3600));
				size_t cust;
				int k;
				/* one journey in six is a returning customer */
				if (ncust > 20 && demo_chance(&r, 1.0 / 6)) {
					cust = stats_rng_below(&r, ncust);
				} else {
					if (ncust == cap) {
						cap = cap ? cap * 2 : 4096;
						cust_conv = xrealloc(cust_conv, st_mult(cap, sizeof(*cust_conv)));
					}
					cust = ncust;
					cust_conv[ncust++] = 0;
				}
				jid++;
				for (k = 1; k <= turns; k++) {
					char ts[32];
					int last = k == turns;
					iso_time(t + (k - 1) * (60 + (int64_t)stats_rng_below(&r, 240)), ts);
					strbuf_addf(&ev, "j%07ld,c%07zu,%s,%s,%d,%d,%d,", jid, cust + 1,
						    ch[c].name, ts, k, qualified && (k == 2 || turns == 1) ? 1 : 0,
						    committed && last ? 1 : 0);
					if (committed && last)
						strbuf_addf(&ev, "%.2f", 20 + 380 * demo_unif(&r));
					else
						strbuf_addch(&ev, '0');
					strbuf_addch(&ev, '\n');
					d->n_journey_events++;
				}
				if (committed && !cust_conv[cust]) {
					cust_conv[cust] = (int64_t)((c + 1) * 100 + (size_t)m);
					month_conv[c][m]++;
				}
			}
			d->n_journeys += n;
		}
	}
	if ((ret = demo_write(d, "journeys/events.csv", &ev, err)))
		goto cleanup;
	strbuf_addstr(&out, "customer_id,retained_30d,retained_90d,upsell,revenue,referrals\n");
	for (c = 0; c < ncust; c++) {
		int cc, mm, r90, r30;
		double rate;
		if (!cust_conv[c])
			continue;
		cc = (int)(cust_conv[c] / 100) - 1;
		mm = (int)(cust_conv[c] % 100);
		rate = ch[cc].ret90_first + ch[cc].ret90_step * (cc == 0 ? mm - AI_LAUNCH_MONTH : 0);
		if (rate < 0.05)
			rate = 0.05;
		r90 = quota(rate, conv_seen[cc][mm]++);
		r30 = r90 || demo_chance(&r, 0.5);
		strbuf_addf(&out, "c%07zu,%d,%d,%d,%.2f,%d\n", c + 1, r30, r90,
			    r90 && demo_chance(&r, 0.2), r90 ? 50 + 450 * demo_unif(&r) : 0.0,
			    r90 && demo_chance(&r, 0.1) ? 1 : 0);
	}
	d->n_customers = (int64_t)ncust;
	ret = demo_write(d, "journeys/outcomes.csv", &out, err);
cleanup:
	free(cust_conv);
	strbuf_release(&ev);
	strbuf_release(&out);
	return ret;
}

struct step {
	const char *activity;
	double hours;      /* mean wait before it, in working hours */
	double ai_factor;  /* AI-assisted cases: multiply the wait */
	double p;          /* probability the step happens (1: always) */
	const char *alt;   /* with probability alt_p, this activity instead */
	double alt_p;
};

static const struct step claims_steps[] = {
	{ "Register claim", 0, 1, 1, NULL, 0 },
	{ "Check coverage", 6, 0.5, 1, NULL, 0 },
	{ "Assess damage", 30, 0.45, 1, NULL, 0 },
	{ "Request second opinion", 20, 1, 0.12, NULL, 0 },
	{ "Decide settlement", 16, 0.5, 1, NULL, 0 },
	{ "Pay claim", 20, 1, 1, "Reject claim", 0.1 },
	{ "Close claim", 8, 1, 1, NULL, 0 },
};
static const struct step p2p_steps[] = {
	{ "Create requisition", 0, 1, 1, NULL, 0 },
	{ "Approve requisition", 10, 1, 1, NULL, 0 },
	{ "Create purchase order", 8, 0.6, 1, NULL, 0 },
	{ "Expedite order", 6, 1, 0.1, NULL, 0 },
	{ "Receive goods", 36, 1, 1, NULL, 0 },
	{ "Receive invoice", 12, 1, 1, NULL, 0 },
	{ "Match invoice", 40, 0.35, 1, NULL, 0 },
	{ "Approve invoice", 24, 0.4, 1, NULL, 0 },
	{ "Pay invoice", 16, 1, 1, "Block payment", 0.04 },
};

/* A wait in seconds: exponential around `hours`, at least a minute. */
static int64_t wait_s(struct stats_rng *r, double hours)
{
	double u = demo_unif(r);

	if (hours <= 0)
		return 0;
	return 60 + (int64_t)(-log(1 - u) * hours * 3600);
}

struct xes_out {
	gzFile gz;
	struct strbuf sb;
};

static int xes_flush(struct xes_out *x, int force)
{
	if (!x->gz || (!force && x->sb.len < (1 << 20)))
		return 0;
	if (x->sb.len && gzwrite(x->gz, x->sb.buf, (unsigned)x->sb.len) != (int)x->sb.len)
		return -1;
	strbuf_reset(&x->sb);
	return 0;
}

const char *demo_exception_activity(const struct demo *d)
{
	return d->o.industry == DEMO_INSURANCE ? "Request documents" : "Resolve price mismatch";
}

int demo_write_cases(struct demo *d, struct aiv_err *err)
{
	int insurance = d->o.industry == DEMO_INSURANCE;
	const struct step *steps = insurance ? claims_steps : p2p_steps;
	size_t nsteps = insurance ? ARRAY_SIZE(claims_steps) : ARRAY_SIZE(p2p_steps);
	const char *rework = demo_exception_activity(d);
	size_t rework_after = insurance ? 1 : 6; /* Check coverage / Match invoice */
	const char *t1 = insurance ? "claims-motor" : "finance-ap";
	const char *t2 = insurance ? "claims-property"
		       : d->o.industry == DEMO_RETAIL ? "merchandising" : "procurement";
	int team1 = demo_team_find(d, t1), team2 = demo_team_find(d, t2);
	struct xes_out x = { NULL, STRBUF_INIT };
	struct strbuf obs = STRBUF_INIT;
	struct stats_rng r;
	char rel[96], *path = NULL;
	int gz = d->o.size == DEMO_LARGE, ret = 0;
	long i, nexc[2] = { 3, 5 }, stride;

	if (team2 < 0)
		team2 = team1;
	/* the hypothesis is judged on a sample of at most about 3,000 cases */
	stride = (long)((double)d->cases * (DEMO_DAYS - 40 - 150) / (DEMO_DAYS - 40) / 3000) + 1;
	stats_rng_seed(&r, d->o.seed * 104729 + 5);
	snprintf(rel, sizeof(rel), "cases/%s.xes%s", d->story.log, gz ? ".gz" : "");
	if (gz) {
		struct strbuf empty = STRBUF_INIT;
		if ((ret = demo_write(d, rel, &empty, err)))
			goto cleanup;
		path = demo_path(d, rel);
		x.gz = gzopen(path, "wb1");
		if (!x.gz) {
			ret = aiv_fail(err, AIV_EIO, "cannot write '%s'", path);
			goto cleanup;
		}
	}
	strbuf_addf(&x.sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<log xes.version=\"1.0\" xes.features=\"nested-attributes\""
		    " xmlns=\"http://www.xes-standard.org/\">\n"
		    "<extension name=\"Concept\" prefix=\"concept\" uri=\"http://www.xes-standard.org/concept.xesext\"/>\n"
		    "<extension name=\"Time\" prefix=\"time\" uri=\"http://www.xes-standard.org/time.xesext\"/>\n"
		    "<extension name=\"Organizational\" prefix=\"org\" uri=\"http://www.xes-standard.org/org.xesext\"/>\n"
		    "<extension name=\"Lifecycle\" prefix=\"lifecycle\" uri=\"http://www.xes-standard.org/lifecycle.xesext\"/>\n"
		    "<string key=\"concept:name\" value=\"%s (%s)\"/>\n", d->story.log, d->org_name);
	strbuf_addstr(&obs, "initiative,unit,metric,time,value,ai_assisted\n");
	for (i = 0; i < d->cases; i++) {
		int start = (int)((double)i * (DEMO_DAYS - 40) / d->cases);
		int ai = start >= 120 && demo_chance(&r, 0.5);
		/* the same exception rate in both cohorts, by quota: AI does not
		 * make exceptions rarer here (the second hypothesis says it does) */
		int exc = quota(0.16, nexc[ai]++);
		int64_t t = demo_unix(start, 8 * 3600 + (int)stats_rng_below(&r, 9 * 3600)), t0 = t;
		const struct demo_team *tm = &d->teams[demo_chance(&r, 0.5) ? team1 : team2];
		char ts[32];
		size_t k;

		if (start < 0)
			start = 0;
		strbuf_addf(&x.sb, "<trace><string key=\"concept:name\" value=\"%s-%06ld\"/>"
			    "<boolean key=\"ai_assisted\" value=\"%s\"/>"
			    "<string key=\"region\" value=\"%s\"/>\n", insurance ? "CL" : "PO", i + 1,
			    ai ? "true" : "false", demo_chance(&r, 0.5) ? "north" : "south");
		for (k = 0; k < nsteps; k++) {
			int rep = 1 + (k == rework_after && exc);
			int j;
			const char *name = steps[k].activity;
			if (steps[k].p < 1 && !demo_chance(&r, steps[k].p))
				continue;
			if (steps[k].alt && demo_chance(&r, steps[k].alt_p))
				name = steps[k].alt;
			for (j = 0; j < rep; j++) {
				const char *act = name;
				if (j == 0 && rep == 2) {
					/* the exception first, then the step again */
					t += wait_s(&r, steps[k].hours * (ai ? steps[k].ai_factor : 1));
					iso_time(t, ts);
					strbuf_addf(&x.sb, "<event><string key=\"concept:name\" value=\"%s\"/>"
						    "<string key=\"org:resource\" value=\"%s\"/>"
						    "<date key=\"time:timestamp\" value=\"%s\"/>"
						    "<string key=\"lifecycle:transition\" value=\"complete\"/></event>\n",
						    name,
						    d->people[tm->first + (int)stats_rng_below(&r, (uint64_t)tm->n)].name, ts);
					d->n_case_events++;
					act = rework;
				}
				t += wait_s(&r, (j ? 24 : steps[k].hours) * (ai ? steps[k].ai_factor : 1));
				iso_time(t, ts);
				strbuf_addf(&x.sb, "<event><string key=\"concept:name\" value=\"%s\"/>"
					    "<string key=\"org:resource\" value=\"%s\"/>"
					    "<date key=\"time:timestamp\" value=\"%s\"/>"
					    "<string key=\"lifecycle:transition\" value=\"complete\"/></event>\n",
					    j == 1 ? name : act,
					    d->people[tm->first + (int)stats_rng_below(&r, (uint64_t)tm->n)].name, ts);
				d->n_case_events++;
			}
		}
		strbuf_addstr(&x.sb, "</trace>\n");
		d->n_cases++;
		if (start >= 150 && start < DEMO_DAYS - 40 && i % stride == 0) {
			iso_time(t0, ts);
			/* about 4% of reviewed cases have an error, in both cohorts;
			 * from a hash of the case number, not the generator's stream */
			uint32_t h = (uint32_t)(i + 1) * 2654435761u;
			strbuf_addf(&obs, "%s,%s-%06ld,error_rate,%s,%d,%s\n",
				    insurance ? "claims-assist" : "p2p-assist", insurance ? "CL" : "PO",
				    i + 1, ts, (h >> 16) % 100 < 4, ai ? "true" : "false");
			d->n_observations++;
		}
		if (xes_flush(&x, 0)) {
			ret = aiv_fail(err, AIV_EIO, "cannot write '%s'", path);
			goto cleanup;
		}
	}
	strbuf_addstr(&x.sb, "</log>\n");
	if (gz) {
		if (xes_flush(&x, 1) || gzclose(x.gz) != Z_OK) {
			x.gz = NULL;
			ret = aiv_fail(err, AIV_EIO, "cannot write '%s'", path);
			goto cleanup;
		}
		x.gz = NULL;
	} else if ((ret = demo_write(d, rel, &x.sb, err))) {
		goto cleanup;
	}
	ret = demo_write(d, "assess/observations.csv", &obs, err);
cleanup:
	if (x.gz)
		gzclose(x.gz);
	free(path);
	strbuf_release(&x.sb);
	strbuf_release(&obs);
	return ret;
}
