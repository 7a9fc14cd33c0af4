/*
 * adoption.c - the model 1 kernels and the two-tier workforce detector;
 * see adoption.h and docs/adoption.md for the definitions.
 *
 * Time frame, for a reporting day D (as_of):
 *
 *   weeks_start                      weeks_end  D
 *   |  w0  |  w1  | ... |  w(n-1)    |          |
 *   +------+------+-----+------------+----------+
 *   n complete ISO weeks (Mon..Sun)   partial week (only if D is not a Sunday)
 *                               |<--- window_days --->|
 *                               window_start          D
 *
 * Pass 1 (per person, events sorted by day): week bitmask and actions in
 * the n weeks, distinct features in the n weeks (a stamp array avoids a
 * set per person), distinct active days in the window, first and last
 * active day, period bitmask (weeks or months), months active after the
 * first (for cohorts).  Pass 2 folds the people into the organisation
 * and into every role, team and function.  Shared workflows take a third
 * pass over (workflow, person) pairs in the window, sorted as 64-bit keys.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adoption.h"
#include "core/cjson.h"
#include "core/timeutil.h"

const char *const adoption_prof_names[PROF_N] = {
	"non_user", "low", "novice", "habitual", "power",
};
const char *const adoption_dim_names[DIM_N] = { "role", "team", "function" };

#define MAX_COHORT_OFFSETS 64

struct pstat {
	uint64_t wmask;      /* active weeks in the n-week frame */
	uint64_t pmask;      /* active periods */
	uint64_t mmask;      /* months active, relative to the first month */
	int64_t actions;     /* in the n-week frame */
	int nfeat;           /* distinct features in the n-week frame */
	int64_t wdays;       /* active days in the window */
	int32_t first, last; /* active days, INT32_MIN when never */
	int prof;
	int repeat;
	int current;         /* employed in the as-of frame: counts in its headcount */
	uint64_t emask;      /* periods the person was employed in */
};

void adoption_civil(int32_t days, int *y, int *m, int *d)
{
	/* Howard Hinnant's civil_from_days */
	int64_t z = (int64_t)days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;

	*y = (int)(yy + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int32_t adoption_parse_day(const char *s)
{
	int64_t us;

	/* a bare YYYY-MM-DD, read by the one date parser as midnight UTC */
	if (!s || strlen(s) != 10 || time_parse_iso(s, &us))
		return INT32_MIN;
	return (int32_t)(us / (86400 * (int64_t)1000000));
}

static int month_index(int32_t day)
{
	int y, m, d;

	adoption_civil(day, &y, &m, &d);
	return y * 12 + (m - 1);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

double adoption_gini(const int64_t *v, size_t n)
{
	int64_t *s;
	double sum = 0, wsum = 0;
	size_t i;

	if (!n)
		return 0;
	s = xmalloc(st_mult(n, sizeof(*s)));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_i64);
	for (i = 0; i < n; i++) {
		sum += (double)s[i];
		wsum += (double)(i + 1) * (double)s[i];
	}
	free(s);
	if (sum <= 0)
		return 0;
	return 2.0 * wsum / ((double)n * sum) - ((double)n + 1.0) / (double)n;
}

double adoption_top10_share(const int64_t *v, size_t n)
{
	int64_t *s;
	double sum = 0, top = 0;
	size_t i, k;

	if (!n)
		return 0;
	s = xmalloc(st_mult(n, sizeof(*s)));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_i64);
	k = (n + 9) / 10;
	for (i = 0; i < n; i++) {
		sum += (double)s[i];
		if (i >= n - k)
			top += (double)s[i];
	}
	free(s);
	return sum > 0 ? top / sum : 0;
}

static void lorenz(const int64_t *v, size_t n, double out[11])
{
	int64_t *s;
	double sum = 0, acc = 0;
	size_t i, j, m = 0;

	memset(out, 0, 11 * sizeof(double));
	if (!n)
		return;
	s = xmalloc(st_mult(n, sizeof(*s)));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_i64);
	for (i = 0; i < n; i++)
		sum += (double)s[i];
	for (j = 0; j <= 10; j++) {
		size_t upto = (j * n + 5) / 10;
		while (m < upto)
			acc += (double)s[m++];
		out[j] = sum > 0 ? acc / sum : (double)j / 10.0;
	}
	free(s);
}

/* Pass 1 over one person's events. */
static void person_pass(const struct usage_table *t, const struct adoption_report *r,
			uint32_t p, struct pstat *ps, uint32_t *feat_stamp, const int *pm0)
{
	const struct adoption_config *c = &r->cfg;
	size_t i, end = t->person_off[p + 1];
	int32_t prevday = INT32_MIN;
	int first_month = 0;

	memset(ps, 0, sizeof(*ps));
	ps->first = ps->last = INT32_MIN;
	for (i = t->person_off[p]; i < end; i++) {
		int32_t d = t->day[i];
		if (d > r->as_of)
			break;
		if (!t->count[i])
			continue;
		if (d >= r->weeks_start && d <= r->weeks_end) {
			ps->wmask |= 1ULL << ((d - r->weeks_start) / 7);
			ps->actions += t->count[i];
			if (feat_stamp[t->feature[i]] != p + 1) {
				feat_stamp[t->feature[i]] = p + 1;
				ps->nfeat++;
			}
		}
		if (d == prevday)
			continue;
		prevday = d;
		if (ps->first == INT32_MIN) {
			ps->first = d;
			first_month = month_index(d);
		}
		ps->last = d;
		if (d >= r->window_start)
			ps->wdays++;
		{
			int off = month_index(d) - first_month;
			if (off < MAX_COHORT_OFFSETS)
				ps->mmask |= 1ULL << off;
		}
		if (r->period == PERIOD_WEEK) {
			if (d >= r->weeks_start && d <= r->weeks_end)
				ps->pmask |= 1ULL << ((d - r->weeks_start) / 7);
		} else {
			int off = month_index(d) - *pm0;
			if (off >= 0 && off < r->nperiods)
				ps->pmask |= 1ULL << off;
		}
	}
	ps->repeat = __builtin_popcountll(ps->wmask) >= c->min_active_weeks;
	if (ps->actions == 0)
		ps->prof = PROF_NONE;
	else if (ps->repeat)
		ps->prof = ((double)ps->actions / c->weeks >= c->power_per_week &&
			    ps->nfeat >= c->power_min_features) ? PROF_POWER : PROF_HABITUAL;
	else if ((double)ps->actions / c->weeks >= c->novice_per_week)
		ps->prof = PROF_NOVICE;
	else
		ps->prof = PROF_LOW;
}

static void stats_add(struct adoption_stats *st, const struct pstat *ps,
		      const struct adoption_report *r)
{
	int j;

	/* a period counts the people employed in it, leavers up to their day */
	for (j = 0; j < r->nperiods; j++) {
		if (!(ps->emask & (1ULL << j)))
			continue;
		st->people_by_period[j]++;
		if (ps->pmask & (1ULL << j))
			st->active_by_period[j]++;
	}
	if (!ps->current)
		return; /* left before the as-of frame: in no headline figure */
	st->people++;
	if (ps->wdays > 0)
		st->active++;
	else
		st->unused++;
	st->repeat_users += ps->repeat;
	st->prof[ps->prof]++;
	st->power_users += ps->prof == PROF_POWER;
	if (ps->first != INT32_MIN) {
		st->tried++;
		if (ps->last < r->as_of - r->cfg.stalled_days + 1)
			st->stalled++;
	}
}

static void stats_finish(struct adoption_stats *st, const int64_t *wdays, size_t n, int floor)
{
	st->repeat_rate = st->people ? (double)st->repeat_users / st->people : 0;
	st->stalled_share = st->tried ? (double)st->stalled / st->tried : 0;
	st->gini = adoption_gini(wdays, n);
	st->top10_share = adoption_top10_share(wdays, n);
	st->suppressed = st->people < floor;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t dim_of(const struct usage_table *t, int dim, uint32_t p)
{
	return dim == DIM_ROLE ? t->role[p] : dim == DIM_TEAM ? t->team[p] : t->function[p];
}

static const struct intern *dim_names(const struct usage_table *t, int dim)
{
	return dim == DIM_ROLE ? &t->roles : dim == DIM_TEAM ? &t->teams : &t->functions;
}

static int cmp_stats_name(const void *a, const void *b)
{
	return strcmp(((const struct adoption_stats *)a)->name,
		      ((const struct adoption_stats *)b)->name);
}

/* Groups of one dimension: stats per group, with their own Gini. */
static void fold_groups(const struct usage_table *t, struct adoption_report *r, int dim,
			const struct pstat *ps, const uint8_t *lic)
{
	const struct intern *names = dim_names(t, dim);
	size_t ng = intern_count(names), g, p;
	struct adoption_stats *gs = xcalloc(ng ? ng : 1, sizeof(*gs));
	size_t *off = xcalloc(ng + 1, sizeof(*off));
	int64_t *vals = xmalloc(st_mult(t->npeople + 1, sizeof(*vals)));
	size_t *fill;

	for (p = 0; p < t->npeople; p++)
		if (lic[p] && ps[p].current)
			off[dim_of(t, dim, (uint32_t)p) + 1]++;
	for (g = 0; g < ng; g++)
		off[g + 1] += off[g];
	fill = xmalloc(st_mult(ng + 1, sizeof(*fill)));
	memcpy(fill, off, (ng + 1) * sizeof(*fill));
	for (g = 0; g < ng; g++) {
		gs[g].name = xstrdup(intern_str(names, (uint32_t)g));
		gs[g].active_by_period = xcalloc((size_t)r->nperiods + 1, sizeof(int));
		gs[g].people_by_period = xcalloc((size_t)r->nperiods + 1, sizeof(int));
	}
	for (p = 0; p < t->npeople; p++) {
		uint32_t gi;
		if (!lic[p])
			continue;
		gi = dim_of(t, dim, (uint32_t)p);
		stats_add(&gs[gi], &ps[p], r);
		if (ps[p].current)
			vals[fill[gi]++] = ps[p].wdays;
	}
	for (g = 0; g < ng; g++)
		stats_finish(&gs[g], vals + off[g], off[g + 1] - off[g], r->cfg.privacy_floor);
	/*
	 * groups with nobody licensed (now or in a period) are left out; the
	 * rest sorted by name
	 */
	{
		size_t o = 0;
		for (g = 0; g < ng; g++) {
			int j, any = gs[g].people;
			for (j = 0; !any && j < r->nperiods; j++)
				any = gs[g].people_by_period[j];
			if (any) {
				gs[o++] = gs[g];
			} else {
				free(gs[g].name);
				free(gs[g].active_by_period);
				free(gs[g].people_by_period);
			}
		}
		ng = o;
	}
	qsort(gs, ng, sizeof(*gs), cmp_stats_name);
	r->groups[dim] = gs;
	r->ngroups[dim] = ng;
	free(off);
	free(fill);
	free(vals);
}

/* Shared workflows and cross-functional enablement (window only). */
static void workflows_pass(const struct usage_table *t, struct adoption_report *r,
			   const uint8_t *lic)
{
	const struct adoption_config *c = &r->cfg;
	uint32_t empty = intern_find(&t->workflows, "", 0);
	size_t nw = intern_count(&t->workflows), npairs = 0, apairs = 0, i, j;
	uint64_t *pairs = NULL;
	uint32_t *creator = xmalloc(st_mult(nw + 1, sizeof(*creator)));
	int32_t *first_day = xmalloc(st_mult(nw + 1, sizeof(*first_day)));
	uint8_t *foreign = xcalloc(t->npeople + 1, 1);
	uint32_t *team_stamp = xcalloc(intern_count(&t->teams) + 1, sizeof(uint32_t));
	uint32_t *fn_stamp = xcalloc(intern_count(&t->functions) + 1, sizeof(uint32_t));
	size_t nf = intern_count(&t->functions);

	for (i = 0; i < nw; i++) {
		creator[i] = i < t->awf_creator ? t->wf_creator[i] : INTERN_NONE;
		first_day[i] = INT32_MAX;
	}
	for (i = 0; i < t->n; i++) {
		uint32_t w = t->workflow[i];
		if (w == empty || !t->count[i] || t->day[i] > r->as_of)
			continue;
		/* without a recorded creator, the first user is taken as the creator */
		if (creator[w] == INTERN_NONE || (t->awf_creator <= w ||
						  t->wf_creator[w] == INTERN_NONE)) {
			if (t->day[i] < first_day[w] ||
			    (t->day[i] == first_day[w] &&
			     strcmp(intern_str(&t->names, t->person[i]),
				    intern_str(&t->names, creator[w])) < 0)) {
				first_day[w] = t->day[i];
				creator[w] = t->person[i];
			}
		}
		if (t->day[i] < r->window_start)
			continue;
		ALLOC_GROW(pairs, npairs + 1, apairs);
		pairs[npairs++] = ((uint64_t)w << 32) | t->person[i];
	}
	if (npairs)
		qsort(pairs, npairs, sizeof(*pairs), cmp_u64);
	for (i = 0; i < npairs; i = j) {
		uint32_t w = (uint32_t)(pairs[i] >> 32);
		uint32_t cr = creator[w];
		struct adoption_workflow aw;
		memset(&aw, 0, sizeof(aw));
		for (j = i; j < npairs && (uint32_t)(pairs[j] >> 32) == w; j++) {
			uint32_t p = (uint32_t)pairs[j];
			if (j > i && pairs[j] == pairs[j - 1])
				continue;
			aw.people++;
			if (team_stamp[t->team[p]] != w + 1) {
				team_stamp[t->team[p]] = w + 1;
				aw.teams++;
				if (cr == INTERN_NONE || t->team[p] != t->team[cr])
					aw.other_teams++;
			}
			if (fn_stamp[t->function[p]] != w + 1) {
				fn_stamp[t->function[p]] = w + 1;
				aw.functions++;
			}
			if (cr != INTERN_NONE && t->function[p] != t->function[cr])
				foreign[p] = 1;
		}
		aw.workflow = xstrdup(intern_str(&t->workflows, w));
		aw.creator = xstrdup(cr != INTERN_NONE ? intern_str(&t->names, cr) : "");
		aw.creator_champion = cr != INTERN_NONE && t->champion[cr];
		aw.reusable = aw.people >= c->wf_min_people && aw.other_teams >= c->wf_min_teams;
		r->reusable_workflows += aw.reusable;
		r->workflows = xrealloc(r->workflows, st_mult(r->nworkflows + 1, sizeof(aw)));
		r->workflows[r->nworkflows++] = aw;
	}
	/* functions */
	r->functions = xcalloc(nf + 1, sizeof(*r->functions));
	{
		size_t qualifying = 0, cross = 0, enabled = 0, g;
		for (g = 0; g < r->ngroups[DIM_FUNCTION]; g++) {
			const struct adoption_stats *gs = &r->groups[DIM_FUNCTION][g];
			struct adoption_function *af = &r->functions[r->nfunctions++];
			uint32_t fid = intern_find(&t->functions, gs->name, strlen(gs->name));
			size_t p;
			af->function = xstrdup(gs->name);
			af->people = gs->people;
			af->suppressed = gs->suppressed;
			af->repeat_rate = gs->repeat_rate;
			for (p = 0; p < t->npeople; p++)
				if (lic[p] && t->function[p] == fid && foreign[p] &&
				    utab_employed(t, (uint32_t)p, r->window_start, r->as_of))
					af->foreign_asset_users++;
			af->enabled = af->repeat_rate >= c->xf_min_repeat_rate;
			af->cross_enabled = af->foreign_asset_users >= c->xf_min_foreign_users;
			if (!af->suppressed) {
				qualifying++;
				cross += af->cross_enabled;
				enabled += af->enabled;
			}
		}
		r->cross_functional_enablement = qualifying ? (double)cross / qualifying : -1;
		r->functions_enabled_share = qualifying ? (double)enabled / qualifying : -1;
	}
	free(pairs);
	free(creator);
	free(first_day);
	free(foreign);
	free(team_stamp);
	free(fn_stamp);
}

/* The first and last day of the month of index m (as month_index gives). */
static void month_bounds(int m, int32_t *from, int32_t *to)
{
	*from = (int32_t)time_days_from_civil(m / 12, (unsigned)(m % 12 + 1), 1);
	*to = (int32_t)time_days_from_civil((m + 1) / 12, (unsigned)((m + 1) % 12 + 1), 1) - 1;
}

/* The first and last day of period j of r (pm0: the first month's index). */
static void period_bounds(const struct adoption_report *r, int pm0, int j, int32_t *from,
			  int32_t *to)
{
	if (r->period == PERIOD_WEEK) {
		*from = r->weeks_start + 7 * j;
		*to = *from + 6;
	} else {
		month_bounds(pm0 + j, from, to);
	}
}

static void cohorts_pass(const struct usage_table *t, struct adoption_report *r,
			 const struct pstat *ps, const uint8_t *lic)
{
	int mmin = INT32_MAX, mmax = month_index(r->as_of), m, j;
	size_t p;

	for (p = 0; p < t->npeople; p++)
		if (lic[p] && ps[p].first != INT32_MIN && month_index(ps[p].first) < mmin)
			mmin = month_index(ps[p].first);
	if (mmin == INT32_MAX)
		return;
	if (mmax - mmin >= MAX_COHORT_OFFSETS)
		mmin = mmax - MAX_COHORT_OFFSETS + 1; /* older cohorts are left out */
	r->ncohorts = (size_t)(mmax - mmin + 1);
	r->cohorts = xcalloc(r->ncohorts, sizeof(*r->cohorts));
	for (m = mmin; m <= mmax; m++) {
		struct adoption_cohort *co = &r->cohorts[m - mmin];
		snprintf(co->month, sizeof(co->month), "%04d-%02d", m / 12, m % 12 + 1);
		co->nret = mmax - m + 1;
		co->retention = xcalloc((size_t)co->nret, sizeof(double));
		co->people = xcalloc((size_t)co->nret, sizeof(int));
	}
	for (p = 0; p < t->npeople; p++) {
		struct adoption_cohort *co;
		int fm;
		if (!lic[p] || ps[p].first == INT32_MIN)
			continue;
		fm = month_index(ps[p].first);
		if (fm < mmin)
			continue;
		co = &r->cohorts[fm - mmin];
		co->size++;
		co->left += !utab_employed(t, (uint32_t)p, r->as_of, r->as_of);
		for (j = 0; j < co->nret; j++) {
			int32_t from, to;
			month_bounds(fm + j, &from, &to);
			if (!utab_employed(t, (uint32_t)p, from, to))
				continue;
			co->people[j]++;
			if (ps[p].mmask & (1ULL << j))
				co->retention[j] += 1;
		}
	}
	for (m = 0; m < (int)r->ncohorts; m++) {
		struct adoption_cohort *co = &r->cohorts[m];
		co->suppressed = co->size < r->cfg.privacy_floor;
		for (j = 0; j < co->nret; j++)
			co->retention[j] = co->people[j] && co->people[j] >= r->cfg.privacy_floor ?
					   co->retention[j] / co->people[j] : NAN;
	}
}

int adoption_compute(const struct usage_table *t, const struct adoption_config *cfg,
		     enum adoption_period period, int32_t as_of, struct adoption_report *r,
		     struct aiv_err *err)
{
	struct pstat *ps;
	uint32_t *feat_stamp;
	uint8_t *lic;
	int64_t *wd;
	size_t p, nlic = 0;
	int32_t frame_start;
	int wd_, pm0 = 0, d, j;

	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	if (!t->finished)
		return aiv_fail(err, AIV_EINTERNAL, "usage table used before utab_finish");
	if (as_of == 0) /* the last day with activity, else today */
		as_of = t->max_day != INT32_MIN ? t->max_day :
			(int32_t)(time_now_us() / 86400000000LL);
	r->as_of = as_of;
	wd_ = (int)(((int64_t)as_of + 3) % 7);
	if (wd_ < 0)
		wd_ += 7;
	r->weeks_end = wd_ == 6 ? as_of : as_of - wd_ - 1;
	r->weeks_start = r->weeks_end - 7 * cfg->weeks + 1;
	r->window_start = as_of - cfg->window_days + 1;
	r->period = period;
	r->events = (int64_t)t->n;
	r->nperiods = period == PERIOD_WEEK ? cfg->weeks : 12;
	r->period_label = xcalloc((size_t)r->nperiods, sizeof(*r->period_label));
	if (period == PERIOD_WEEK) {
		for (j = 0; j < r->nperiods; j++) {
			int y, m, dd;
			adoption_civil(r->weeks_start + 7 * j, &y, &m, &dd);
			snprintf(r->period_label[j], sizeof(r->period_label[j]), "%04d-%02d-%02d",
				 y, m, dd);
		}
	} else {
		pm0 = month_index(as_of) - 11;
		for (j = 0; j < 12; j++)
			snprintf(r->period_label[j], sizeof(r->period_label[j]), "%04d-%02d",
				 (pm0 + j) / 12, (pm0 + j) % 12 + 1);
	}
	ps = xcalloc(t->npeople + 1, sizeof(*ps));
	feat_stamp = xcalloc(intern_count(&t->features) + 1, sizeof(*feat_stamp));
	lic = xcalloc(t->npeople + 1, 1);
	wd = xmalloc(st_mult(t->npeople + 1, sizeof(*wd)));
	r->seats_known = t->have_seats;
	frame_start = r->weeks_start < r->window_start ? r->weeks_start : r->window_start;
	for (p = 0; p < t->npeople; p++) {
		person_pass(t, r, (uint32_t)p, &ps[p], feat_stamp, &pm0);
		ps[p].current = utab_employed(t, (uint32_t)p, frame_start, as_of);
		for (j = 0; j < r->nperiods; j++) {
			int32_t from, to;
			period_bounds(r, pm0, j, &from, &to);
			if (utab_employed(t, (uint32_t)p, from, to))
				ps[p].emask |= 1ULL << j;
		}
		lic[p] = t->have_seats ? t->licensed[p] : 1;
		if (!lic[p] && ps[p].first != INT32_MIN)
			r->unlicensed_users++;
	}
	r->org.name = xstrdup("organisation");
	r->org.active_by_period = xcalloc((size_t)r->nperiods + 1, sizeof(int));
	r->org.people_by_period = xcalloc((size_t)r->nperiods + 1, sizeof(int));
	for (p = 0; p < t->npeople; p++) {
		if (!lic[p])
			continue;
		stats_add(&r->org, &ps[p], r);
		if (ps[p].current)
			wd[nlic++] = ps[p].wdays;
	}
	stats_finish(&r->org, wd, nlic, cfg->privacy_floor);
	lorenz(wd, nlic, r->lorenz);
	for (d = 0; d < DIM_N; d++)
		fold_groups(t, r, d, ps, lic);
	r->role_gap = -1;
	{
		size_t g;
		const struct adoption_stats *hi = NULL, *lo = NULL;
		for (g = 0; g < r->ngroups[DIM_ROLE]; g++) {
			const struct adoption_stats *gs = &r->groups[DIM_ROLE][g];
			if (gs->suppressed)
				continue;
			if (!hi || gs->repeat_rate > hi->repeat_rate)
				hi = gs;
			if (!lo || gs->repeat_rate < lo->repeat_rate)
				lo = gs;
		}
		if (hi && lo && hi != lo) {
			r->role_gap = hi->repeat_rate - lo->repeat_rate;
			r->role_gap_high = hi->name;
			r->role_gap_low = lo->name;
		}
	}
	workflows_pass(t, r, lic);
	cohorts_pass(t, r, ps, lic);
	free(ps);
	free(feat_stamp);
	free(lic);
	free(wd);
	return 0;
}

/* The repeat-use weeks of as_of, as adoption_compute sets them. */
static void repeat_weeks(const struct adoption_config *c, int32_t as_of, int32_t *start,
			 int32_t *end)
{
	int wd_ = (int)(((int64_t)as_of + 3) % 7);

	if (wd_ < 0)
		wd_ += 7;
	*end = wd_ == 6 ? as_of : as_of - wd_ - 1;
	*start = *end - 7 * c->weeks + 1;
}

/* See adoption.h. */
void adoption_repeat_series(const struct usage_table *t, const struct adoption_report *r,
			    enum adoption_dim dim, const int32_t *ends, size_t nends, double *out)
{
	const struct intern *names = dim_names(t, dim);
	size_t ng = intern_count(names), ngr = r->ngroups[dim], g, p, i, j;
	size_t *slot = xcalloc(ng ? ng : 1, sizeof(*slot)); /* intern id -> index + 1 in r */
	int32_t *ws = xcalloc(nends ? nends : 1, sizeof(*ws));
	int32_t *we = xcalloc(nends ? nends : 1, sizeof(*we));
	uint64_t *mask = xcalloc(nends ? nends : 1, sizeof(*mask));
	int *people = xcalloc(st_mult(ngr ? ngr : 1, nends ? nends : 1), sizeof(int));
	int *repeat = xcalloc(st_mult(ngr ? ngr : 1, nends ? nends : 1), sizeof(int));

	for (g = 0; g < ng; g++)
		for (i = 0; i < ngr; i++)
			if (!strcmp(r->groups[dim][i].name, intern_str(names, (uint32_t)g)))
				slot[g] = i + 1;
	for (j = 0; j < nends; j++)
		repeat_weeks(&r->cfg, ends[j], &ws[j], &we[j]);
	for (p = 0; p < t->npeople; p++) {
		size_t gi = slot[dim_of(t, dim, (uint32_t)p)];

		if (!gi || (t->have_seats && !t->licensed[p]))
			continue;
		gi--;
		for (j = 0; j < nends; j++)
			people[gi * nends + j] += utab_employed(t, (uint32_t)p, ws[j], ends[j]);
		memset(mask, 0, nends * sizeof(*mask));
		for (i = t->person_off[p]; i < t->person_off[p + 1]; i++) {
			int32_t d = t->day[i];
			if (!t->count[i])
				continue;
			for (j = 0; j < nends; j++)
				if (d >= ws[j] && d <= we[j] && d <= ends[j])
					mask[j] |= 1ULL << ((d - ws[j]) / 7);
		}
		for (j = 0; j < nends; j++)
			if (utab_employed(t, (uint32_t)p, ws[j], ends[j]))
				repeat[gi * nends + j] +=
					__builtin_popcountll(mask[j]) >= r->cfg.min_active_weeks;
	}
	for (i = 0; i < ngr; i++)
		for (j = 0; j < nends; j++)
			out[i * nends + j] = people[i * nends + j] < r->cfg.privacy_floor ||
					     !people[i * nends + j] ? NAN :
					     (double)repeat[i * nends + j] / people[i * nends + j];
	free(slot);
	free(ws);
	free(we);
	free(mask);
	free(people);
	free(repeat);
}

static void stats_release(struct adoption_stats *s)
{
	free(s->name);
	free(s->active_by_period);
	free(s->people_by_period);
}

void adoption_report_release(struct adoption_report *r)
{
	size_t i;
	int d;

	stats_release(&r->org);
	for (d = 0; d < DIM_N; d++) {
		for (i = 0; i < r->ngroups[d]; i++)
			stats_release(&r->groups[d][i]);
		free(r->groups[d]);
	}
	for (i = 0; i < r->nworkflows; i++) {
		free(r->workflows[i].workflow);
		free(r->workflows[i].creator);
	}
	free(r->workflows);
	for (i = 0; i < r->nfunctions; i++)
		free(r->functions[i].function);
	free(r->functions);
	for (i = 0; i < r->ncohorts; i++) {
		free(r->cohorts[i].retention);
		free(r->cohorts[i].people);
	}
	free(r->cohorts);
	free(r->period_label);
	memset(r, 0, sizeof(*r));
}


/* The catalog's failure mode `id` of model `model`, or NULL. */
static const struct cat_failure *find_failure(const struct catalog *cat, const char *model,
					      const char *id, const struct cat_model **mout)
{
	const struct cat_model *m = cat ? catalog_model(cat, model) : NULL;
	size_t i;

	*mout = m;
	for (i = 0; m && i < m->nfailures; i++)
		if (!strcmp(m->failures[i].id, id))
			return &m->failures[i];
	return NULL;
}

static const struct cat_move *find_move(const struct cat_model *m, const char *move_id)
{
	size_t i;

	for (i = 0; m && move_id && i < m->nmoves; i++)
		if (!strcmp(m->moves[i].id, move_id))
			return &m->moves[i];
	return NULL;
}

static void push_group(const struct adoption_stats ***v, size_t *n, const struct adoption_stats *g)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = g;
}

void adoption_two_tier_release(struct adoption_two_tier *tt)
{
	free(tt->summary);
	free(tt->functions);
	free(tt->roles);
	free(tt->teams);
	memset(tt, 0, sizeof(*tt));
}

int adoption_two_tier(const struct adoption_report *r, const struct catalog *cat,
		      struct adoption_two_tier *tt)
{
	const struct adoption_config *c = &r->cfg;
	const struct cat_model *m;
	const struct cat_failure *f = find_failure(cat, "workforce", "two_tier_workforce", &m);
	struct strbuf summary = STRBUF_INIT;
	size_t i;

	memset(tt, 0, sizeof(*tt));
	tt->r = r;
	tt->gini_hit = !r->org.suppressed && r->org.gini > c->tt_max_gini;
	tt->gap_hit = r->role_gap >= 0 && r->role_gap > c->tt_max_role_gap;
	if (r->org.repeat_rate > c->tt_org_rate_above) {
		for (i = 0; i < r->ngroups[DIM_FUNCTION]; i++) {
			const struct adoption_stats *g = &r->groups[DIM_FUNCTION][i];
			if (g->suppressed || g->repeat_rate >= c->tt_stalled_rate)
				continue;
			tt->fn_hit = 1;
			push_group(&tt->functions, &tt->nfunctions, g);
		}
	}
	if (tt->gap_hit) {
		double hi = 0;
		for (i = 0; i < r->ngroups[DIM_ROLE]; i++)
			if (!r->groups[DIM_ROLE][i].suppressed && r->groups[DIM_ROLE][i].repeat_rate > hi)
				hi = r->groups[DIM_ROLE][i].repeat_rate;
		/* the roles that make the gap: more than max_role_gap below the best */
		for (i = 0; i < r->ngroups[DIM_ROLE]; i++) {
			const struct adoption_stats *g = &r->groups[DIM_ROLE][i];
			if (!g->suppressed && hi - g->repeat_rate > c->tt_max_role_gap)
				push_group(&tt->roles, &tt->nroles, g);
		}
	}
	/* stalled teams: teams below the stall rate while a function stalls */
	if (tt->fn_hit) {
		for (i = 0; i < r->ngroups[DIM_TEAM]; i++) {
			const struct adoption_stats *g = &r->groups[DIM_TEAM][i];
			if (!g->suppressed && g->repeat_rate < c->tt_stalled_rate)
				push_group(&tt->teams, &tt->nteams, g);
		}
	}
	if (!tt->gini_hit && !tt->gap_hit && !tt->fn_hit) {
		adoption_two_tier_release(tt);
		return 0;
	}
	tt->name = f ? f->name : "Two-tier workforce";
	tt->move = find_move(m, f ? f->move : NULL);
	strbuf_addf(&summary, "%s: ", tt->name);
	if (tt->fn_hit) {
		strbuf_addstr(&summary, "repeat use stalls in ");
		for (i = 0; i < tt->nfunctions; i++)
			strbuf_addf(&summary, "%s%s (%.0f%%)", i ? ", " : "", tt->functions[i]->name,
				    100.0 * adoption_rate4(tt->functions[i]->repeat_rate));
		strbuf_addf(&summary, " while the organisation is at %.0f%%",
			    100.0 * r->org.repeat_rate);
	} else if (tt->gap_hit) {
		strbuf_addf(&summary, "repeat use is %.0f points lower for '%s' than for '%s'",
			    100.0 * r->role_gap, r->role_gap_low, r->role_gap_high);
	} else {
		strbuf_addf(&summary, "active days are concentrated (Gini %.2f, top 10%% hold %.0f%%)",
			    r->org.gini, 100.0 * r->org.top10_share);
	}
	tt->summary = strbuf_detach(&summary, NULL);
	return 1;
}
