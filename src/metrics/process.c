/*
 * process.c - the process-mining kernels; definitions in process.h.
 *
 * Everything is a pass over the case-grouped, time-sorted columns:
 *
 *   pass 1 (per case, per event):  dense activity/resource ids, variant
 *          hash, duration, start/end, rework stamps, handovers, and for
 *          every consecutive pair (a, b) its edge id and dt = t_b - t_a;
 *   group: counting sort of the dt values by edge, then by target
 *          activity (the waiting time before b is the dt of every edge
 *          into b), and selection (not sorting) for median and p90.
 *
 * Scratch memory is about 20 bytes per event (edge id, dt, grouped dt),
 * plus 8 bytes per interned string for the dense id maps.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/timeutil.h"
#include "metrics/process.h"
#include "metrics/stats.h"

/* ---- a small u64 -> u32 open-addressing map ---------------------------- */

struct u64map {
	uint64_t *keys;
	uint32_t *vals; /* UINT32_MAX: empty */
	size_t cap, n;
};

static void map_init(struct u64map *m, size_t cap)
{
	size_t c = 64;

	while (c < cap * 2)
		c *= 2;
	m->keys = xmalloc(st_mult(c, sizeof(*m->keys)));
	m->vals = xmalloc(st_mult(c, sizeof(*m->vals)));
	memset(m->vals, 0xff, c * sizeof(*m->vals));
	m->cap = c;
	m->n = 0;
}

static void map_release(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
}

static inline size_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

/* Value for key, inserting `next` if absent (*added set). */
static uint32_t map_get(struct u64map *m, uint64_t key, uint32_t next, int *added)
{
	size_t j, mask;

	if ((m->n + 1) * 2 > m->cap) {
		struct u64map g;
		size_t i;
		map_init(&g, m->cap);
		for (i = 0; i < m->cap; i++) {
			if (m->vals[i] == UINT32_MAX)
				continue;
			for (j = mix(m->keys[i]) & (g.cap - 1); g.vals[j] != UINT32_MAX;
			     j = (j + 1) & (g.cap - 1))
				;
			g.keys[j] = m->keys[i];
			g.vals[j] = m->vals[i];
		}
		g.n = m->n;
		map_release(m);
		*m = g;
	}
	mask = m->cap - 1;
	for (j = mix(key) & mask; m->vals[j] != UINT32_MAX; j = (j + 1) & mask) {
		if (m->keys[j] == key) {
			*added = 0;
			return m->vals[j];
		}
	}
	m->keys[j] = key;
	m->vals[j] = next;
	m->n++;
	*added = 1;
	return next;
}

/* ---- helpers ------------------------------------------------------------ */

void process_iso_week(int64_t us, int *year, int *week)
{
	int64_t days = us >= 0 ? us / 86400000000LL : -((-us + 86399999999LL) / 86400000000LL);
	int64_t wd = ((days % 7) + 7 + 3) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */
	int64_t thu = days - wd + 3, jan1;
	char iso[TIME_ISO_LEN];
	int y;

	time_format_us(thu * 86400000000LL, iso);
	y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
	jan1 = time_days_from_civil(y, 1, 1);
	*year = y;
	*week = (int)((thu - jan1) / 7 + 1);
}

static void summarise(double *x, size_t n, struct pstat_summary *s)
{
	double sum = 0, lo = INFINITY, hi = -INFINITY;
	size_t i;

	s->n = n;
	if (!n) {
		s->min = s->median = s->mean = s->p90 = s->max = NAN;
		return;
	}
	for (i = 0; i < n; i++) {
		sum += x[i];
		if (x[i] < lo)
			lo = x[i];
		if (x[i] > hi)
			hi = x[i];
	}
	s->min = lo;
	s->max = hi;
	s->mean = sum / (double)n;
	s->median = stats_percentile_select(x, n, 0.5);
	s->p90 = stats_percentile_select(x, n, 0.9);
}

/* for the name tie-break in qsort; per thread (the playbook's side thread) */
static _Thread_local const struct eventlog *sort_log;

static int cmp_variant(const void *a, const void *b)
{
	const struct pstat_variant *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->first_case < y->first_case ? -1 : x->first_case > y->first_case;
}

static int cmp_act(const void *a, const void *b)
{
	const struct pstat_activity *x = a, *y = b;

	if (x->events != y->events)
		return x->events > y->events ? -1 : 1;
	return strcmp(eventlog_str(sort_log, x->activity), eventlog_str(sort_log, y->activity));
}

static int cmp_edge(const void *a, const void *b)
{
	const struct pstat_edge *x = a, *y = b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(eventlog_str(sort_log, x->from), eventlog_str(sort_log, y->from));
	return c ? c : strcmp(eventlog_str(sort_log, x->to), eventlog_str(sort_log, y->to));
}

/*
 * The edges sorted as cmp_edge sorts them, with each name's rank among the
 * edges' names compared instead of the names: the large demo's handovers
 * (resource pairs) made strcmp a fifth of a playbook's side thread.  Equal
 * names get equal ranks (EVL_NONE is "", as eventlog_str gives it), so the
 * order is the same, and no two edges share (count, from, to).
 */
static _Thread_local const int32_t *edge_rank; /* rank + 1 by id; 0 unused */
static _Thread_local int32_t edge_rank_none;

static int32_t rank_of(uint32_t id)
{
	return id == EVL_NONE ? edge_rank_none : edge_rank[id];
}

static int cmp_edge_ranked(const void *a, const void *b)
{
	const struct pstat_edge *x = a, *y = b;
	int32_t p, q;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	p = rank_of(x->from);
	q = rank_of(y->from);
	if (p != q)
		return p < q ? -1 : 1;
	p = rank_of(x->to);
	q = rank_of(y->to);
	return p < q ? -1 : p > q;
}

static int cmp_name_id(const void *a, const void *b)
{
	return strcmp(eventlog_str(sort_log, *(const uint32_t *)a),
		      eventlog_str(sort_log, *(const uint32_t *)b));
}

static void sort_edges(const struct eventlog *l, struct pstat_edge *e, size_t n)
{
	size_t nstr = intern_count(&l->strs), nu = 0, i, k;
	int32_t *rank = xcalloc(nstr + 1, sizeof(*rank)), r = 0;
	uint32_t *u = xmalloc(st_mult(st_mult(n, 2) + 1, sizeof(*u)));
	int have_none = 0;

	for (i = 0; i < n; i++) {
		uint32_t id[2] = { e[i].from, e[i].to };

		for (k = 0; k < 2; k++) {
			if (id[k] == EVL_NONE) {
				if (!have_none)
					u[nu++] = EVL_NONE;
				have_none = 1;
			} else if (!rank[id[k]]) {
				rank[id[k]] = -1; /* seen */
				u[nu++] = id[k];
			}
		}
	}
	qsort(u, nu, sizeof(*u), cmp_name_id);
	for (i = 0; i < nu; i++) {
		if (!i || cmp_name_id(&u[i - 1], &u[i]))
			r++;
		if (u[i] == EVL_NONE)
			edge_rank_none = r;
		else
			rank[u[i]] = r;
	}
	edge_rank = rank;
	qsort(e, n, sizeof(*e), cmp_edge_ranked);
	edge_rank = NULL;
	free(rank);
	free(u);
}

static int cmp_week(const void *a, const void *b)
{
	const struct pstat_week *x = a, *y = b;

	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return x->week < y->week ? -1 : x->week > y->week;
}

struct vslot {
	uint64_t hash;
	uint32_t var;
};

static int same_sequence(const struct eventlog *l, uint32_t c1, uint32_t c2)
{
	size_t n1 = l->case_off[c1 + 1] - l->case_off[c1];
	size_t n2 = l->case_off[c2 + 1] - l->case_off[c2];

	return n1 == n2 && !memcmp(l->activity + l->case_off[c1], l->activity + l->case_off[c2],
				   n1 * sizeof(uint32_t));
}

/* ---- the kernel ----------------------------------------------------------- */

void process_cases_compute(const struct eventlog *l, const uint8_t *mask,
			   struct process_cases *out)
{
	uint32_t *stamp = xmalloc(st_mult(l->strs.n ? l->strs.n : 1, sizeof(uint32_t)));
	int timed = !l->no_time;
	uint32_t c;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(stamp, 0xff, (size_t)l->strs.n * sizeof(uint32_t));
	out->durations = xmalloc(st_mult(l->ncases ? l->ncases : 1, sizeof(double)));
	for (c = 0; c < l->ncases; c++) {
		size_t lo = l->case_off[c], hi = l->case_off[c + 1];
		int rework = 0;

		if (mask && !mask[c])
			continue;
		out->cases++;
		out->durations[out->cases - 1] =
			timed ? (double)(l->time[hi - 1] - l->time[lo]) / 1e6 : NAN;
		for (i = lo; i < hi; i++) {
			if (stamp[l->activity[i]] == c)
				rework = 1;
			stamp[l->activity[i]] = c;
		}
		out->rework_cases += rework;
	}
	if (timed)
		stats_sort(out->durations, out->cases);
	free(stamp);
}

void process_stats_compute(const struct eventlog *l, const uint8_t *mask,
			   struct process_stats *out)
{
	uint32_t *dact = xmalloc(st_mult(l->strs.n ? l->strs.n : 1, sizeof(uint32_t)));
	uint32_t *dres = xmalloc(st_mult(l->strs.n ? l->strs.n : 1, sizeof(uint32_t)));
	uint32_t *stamp, *occ, *eidx, *edge_from, *edge_to;
	size_t *edge_count, *start_count, *end_count, ntrans = 0, nedges = 0, aedges = 0;
	size_t *off, i, k, vcap = 64, va = 0, ha = 0, nweeks = 0;
	double *dt, *grouped;
	struct vslot *vt;
	struct u64map edges, hand, weeks;
	uint32_t nact = 0, nres = 0, c;
	int added, timed = !l->no_time;

	memset(out, 0, sizeof(*out));
	out->first_time = INT64_MAX;
	out->last_time = INT64_MIN;
	out->cost_total = l->cost ? 0 : NAN;
	memset(dact, 0xff, (size_t)l->strs.n * sizeof(uint32_t));
	memset(dres, 0xff, (size_t)l->strs.n * sizeof(uint32_t));
	sort_log = l;

	out->durations = xmalloc(st_mult(l->ncases ? l->ncases : 1, sizeof(double)));
	eidx = xmalloc(st_mult(l->n ? l->n : 1, sizeof(uint32_t)));
	dt = xmalloc(st_mult(l->n ? l->n : 1, sizeof(double)));
	for (vcap = 64; vcap < (size_t)l->ncases * 2; vcap *= 2)
		;
	vt = xmalloc(st_mult(vcap, sizeof(*vt)));
	for (k = 0; k < vcap; k++)
		vt[k].var = UINT32_MAX;
	map_init(&edges, 256);
	map_init(&hand, 256);
	map_init(&weeks, 64);
	edge_from = edge_to = NULL;
	edge_count = NULL;

	/* dense activity ids over the included cases */
	for (c = 0; c < l->ncases; c++) {
		if (mask && !mask[c])
			continue;
		for (i = l->case_off[c]; i < l->case_off[c + 1]; i++) {
			if (dact[l->activity[i]] == UINT32_MAX)
				dact[l->activity[i]] = nact++;
			if (l->resource[i] != EVL_NONE && dres[l->resource[i]] == UINT32_MAX)
				dres[l->resource[i]] = nres++;
		}
	}
	out->activities = nact;
	out->resources = nres;
	out->acts = xcalloc(nact ? nact : 1, sizeof(*out->acts));
	stamp = xmalloc(st_mult(nact ? nact : 1, sizeof(uint32_t)));
	occ = xcalloc(nact ? nact : 1, sizeof(uint32_t));
	start_count = xcalloc(nact ? nact : 1, sizeof(size_t));
	end_count = xcalloc(nact ? nact : 1, sizeof(size_t));
	memset(stamp, 0xff, (size_t)(nact ? nact : 1) * sizeof(uint32_t));
	for (i = 0; i < l->strs.n; i++)
		if (dact[i] != UINT32_MAX)
			out->acts[dact[i]].activity = (uint32_t)i;

	/* pass 1 */
	for (c = 0; c < l->ncases; c++) {
		size_t lo = l->case_off[c], hi = l->case_off[c + 1];
		uint64_t h = FNV1A64_INIT ^ (hi - lo);
		int rework = 0, has_cost = 0;
		uint32_t prev_a = UINT32_MAX, var;
		int y, w;

		if (mask && !mask[c])
			continue;
		out->cases++;
		out->events += hi - lo;
		out->durations[out->cases - 1] =
			timed ? (double)(l->time[hi - 1] - l->time[lo]) / 1e6 : NAN;
		if (timed) {
			if (l->time[lo] < out->first_time)
				out->first_time = l->time[lo];
			if (l->time[hi - 1] > out->last_time)
				out->last_time = l->time[hi - 1];
			process_iso_week(l->time[lo], &y, &w);
			k = map_get(&weeks, (uint64_t)(int64_t)y * 100 + (uint64_t)w,
				    (uint32_t)nweeks, &added);
			if (added) {
				ALLOC_GROW(out->weeks, nweeks + 1, va);
				out->weeks[nweeks].year = y;
				out->weeks[nweeks].week = w;
				out->weeks[nweeks++].cases = 0;
			}
			out->weeks[k].cases++;
		}
		for (i = lo; i < hi; i++) {
			uint32_t a = dact[l->activity[i]];
			struct pstat_activity *pa = &out->acts[a];
			h = fnv1a64_word(h, l->activity[i]);
			pa->events++;
			if (stamp[a] != c) {
				stamp[a] = c;
				occ[a] = 1;
				pa->cases++;
			} else {
				occ[a]++;
				pa->repeats++;
				rework = 1;
				if (occ[a] == 2)
					pa->rework_cases++;
			}
			if (l->cost && !isnan(l->cost[i])) {
				out->cost_total += l->cost[i];
				has_cost = 1;
			}
			if (i > lo) {
				uint64_t key = (uint64_t)prev_a << 32 | a;
				uint32_t e = map_get(&edges, key, (uint32_t)nedges, &added);
				if (added) {
					if (nedges + 1 > aedges) {
						aedges = aedges ? aedges * 2 : 256;
						edge_from = xrealloc(edge_from, st_mult(aedges, 4));
						edge_to = xrealloc(edge_to, st_mult(aedges, 4));
						edge_count = xrealloc(edge_count, st_mult(aedges, sizeof(size_t)));
					}
					edge_from[nedges] = prev_a;
					edge_to[nedges] = a;
					edge_count[nedges++] = 0;
				}
				edge_count[e]++;
				if (timed) {
					eidx[ntrans] = e;
					dt[ntrans++] = (double)(l->time[i] - l->time[i - 1]) / 1e6;
				}
				if (l->resource[i] != EVL_NONE && l->resource[i - 1] != EVL_NONE &&
				    l->resource[i] != l->resource[i - 1]) {
					uint64_t hk = (uint64_t)dres[l->resource[i - 1]] << 32 |
						      dres[l->resource[i]];
					uint32_t hv = map_get(&hand, hk, (uint32_t)out->nhandovers, &added);
					if (added) {
						ALLOC_GROW(out->handovers, out->nhandovers + 1, ha);
						out->handovers[out->nhandovers].from = l->resource[i - 1];
						out->handovers[out->nhandovers].to = l->resource[i];
						out->handovers[out->nhandovers].count = 0;
						out->handovers[out->nhandovers].median = NAN;
						out->handovers[out->nhandovers].p90 = NAN;
						out->nhandovers++;
					}
					out->handovers[hv].count++;
					out->handover_total++;
				}
			}
			prev_a = a;
		}
		start_count[dact[l->activity[lo]]]++;
		end_count[dact[l->activity[hi - 1]]]++;
		out->rework_cases += rework;
		out->cost_cases += has_cost;
		/* variant */
		for (k = h & (vcap - 1); vt[k].var != UINT32_MAX; k = (k + 1) & (vcap - 1))
			if (vt[k].hash == h && same_sequence(l, out->variants[vt[k].var].first_case, c))
				break;
		if (vt[k].var == UINT32_MAX) {
			var = (uint32_t)out->nvariants;
			out->variants = xrealloc(out->variants,
						 st_mult(out->nvariants + 1, sizeof(*out->variants)));
			out->variants[var].first_case = c;
			out->variants[var].len = (uint32_t)(hi - lo);
			out->variants[var].count = 0;
			out->nvariants++;
			vt[k].hash = h;
			vt[k].var = var;
		}
		out->variants[vt[k].var].count++;
	}
	if (!out->cases || !timed) {
		out->first_time = out->last_time = 0;
		out->cost_total = NAN;
	}

	/* group dt by edge, then by target activity */
	grouped = xmalloc(st_mult(ntrans ? ntrans : 1, sizeof(double)));
	off = xcalloc(st_add(nedges > nact ? nedges : nact, 1), sizeof(size_t));
	for (i = 0; i < nedges; i++)
		off[i + 1] = off[i] + edge_count[i];
	{
		size_t *fill = xmalloc(st_mult(nedges ? nedges : 1, sizeof(size_t)));
		memcpy(fill, off, nedges * sizeof(size_t));
		for (i = 0; i < ntrans; i++)
			grouped[fill[eidx[i]]++] = dt[i];
		free(fill);
	}
	out->dfg = xcalloc(nedges ? nedges : 1, sizeof(*out->dfg));
	out->ndfg = nedges;
	for (i = 0; i < nedges; i++) {
		struct pstat_summary s;
		summarise(grouped + off[i], timed ? edge_count[i] : 0, &s);
		out->dfg[i].from = out->acts[edge_from[i]].activity;
		out->dfg[i].to = out->acts[edge_to[i]].activity;
		out->dfg[i].count = edge_count[i];
		out->dfg[i].median = s.median;
		out->dfg[i].p90 = s.p90;
	}
	memset(off, 0, (size_t)(nact + 1) * sizeof(size_t));
	for (i = 0; i < nedges; i++)
		off[edge_to[i] + 1] += edge_count[i];
	for (i = 0; i < nact; i++)
		off[i + 1] += off[i];
	{
		size_t *fill = xmalloc(st_mult(nact ? nact : 1, sizeof(size_t)));
		memcpy(fill, off, nact * sizeof(size_t));
		for (i = 0; i < ntrans; i++)
			grouped[fill[edge_to[eidx[i]]]++] = dt[i];
		free(fill);
	}
	for (i = 0; i < nact; i++)
		summarise(grouped + off[i], timed ? off[i + 1] - off[i] : 0, &out->acts[i].wait);

	/* starts and ends */
	out->starts = xcalloc(nact ? nact : 1, sizeof(*out->starts));
	out->ends = xcalloc(nact ? nact : 1, sizeof(*out->ends));
	for (i = 0; i < nact; i++) {
		if (start_count[i]) {
			out->starts[out->nstarts].from = EVL_NONE;
			out->starts[out->nstarts].to = out->acts[i].activity;
			out->starts[out->nstarts++].count = start_count[i];
		}
		if (end_count[i]) {
			out->ends[out->nends].from = EVL_NONE;
			out->ends[out->nends].to = out->acts[i].activity;
			out->ends[out->nends++].count = end_count[i];
		}
	}

	/* case durations: summary, then kept sorted for callers */
	{
		size_t nd = timed ? out->cases : 0; /* NaN durations: unknown, not 0 */
		double *tmp = xmalloc(st_mult(nd ? nd : 1, sizeof(double)));
		memcpy(tmp, out->durations, nd * sizeof(double));
		summarise(tmp, nd, &out->duration);
		free(tmp);
		stats_sort(out->durations, nd);
	}

	if (out->nvariants > 1)
		qsort(out->variants, out->nvariants, sizeof(*out->variants), cmp_variant);
	if (nact > 1)
		qsort(out->acts, nact, sizeof(*out->acts), cmp_act);
	out->nacts = nact;
	if (out->ndfg > 1)
		sort_edges(l, out->dfg, out->ndfg);
	if (out->nhandovers > 1)
		sort_edges(l, out->handovers, out->nhandovers);
	{
		const struct eventlog *save = sort_log;
		sort_log = l; /* starts/ends compare by 'from' = NONE (""), then 'to' */
		if (out->nstarts > 1)
			qsort(out->starts, out->nstarts, sizeof(*out->starts), cmp_edge);
		if (out->nends > 1)
			qsort(out->ends, out->nends, sizeof(*out->ends), cmp_edge);
		sort_log = save;
	}
	out->nweeks = nweeks;
	if (nweeks > 1)
		qsort(out->weeks, nweeks, sizeof(*out->weeks), cmp_week);
	out->out_of_order = mask ? 0 : l->out_of_order;
	out->no_time = !timed;

	free(off);
	free(grouped);
	free(start_count);
	free(end_count);
	free(stamp);
	free(occ);
	free(edge_from);
	free(edge_to);
	free(edge_count);
	free(vt);
	free(eidx);
	free(dt);
	free(dact);
	free(dres);
	map_release(&edges);
	map_release(&hand);
	map_release(&weeks);
}

void process_stats_release(struct process_stats *s)
{
	free(s->durations);
	free(s->variants);
	free(s->acts);
	free(s->dfg);
	free(s->starts);
	free(s->ends);
	free(s->handovers);
	free(s->weeks);
	memset(s, 0, sizeof(*s));
}
