/*
 * eventlog.c - the columnar event log; see eventlog.h.
 *
 * finish() is the one non-trivial step.  It runs in O(n) plus the sorting
 * of the cases that are actually out of order:
 *   1. case name id -> case index (first appearance), count per case;
 *   2. a stable counting sort of event positions into case buckets
 *      (perm[new] = old), so within a case the file order is kept;
 *   3. per case: count events earlier than their predecessor; if any,
 *      stable merge sort of that case's slice of perm by time;
 *   4. gather every column through perm with one scratch buffer, and
 *      remap event attribute owners through the inverse permutation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/eventlog.h"

/* ---- event log -------------------------------------------------------- */

void eventlog_init(struct eventlog *l)
{
	memset(l, 0, sizeof(*l));
	intern_init(&l->strs);
}

void eventlog_release(struct eventlog *l)
{
	intern_release(&l->strs);
	free(l->ev_case);
	free(l->activity);
	free(l->resource);
	free(l->time);
	free(l->lifecycle);
	free(l->cost);
	free(l->case_name);
	free(l->case_off);
	free(l->cattrs);
	free(l->eattrs);
	memset(l, 0, sizeof(*l));
}

/* Room for `n` events in every column, so that appends do not copy them. */
static void grow_columns(struct eventlog *l, size_t na)
{
	l->ev_case = xrealloc(l->ev_case, st_mult(na, 4));
	l->activity = xrealloc(l->activity, st_mult(na, 4));
	l->resource = xrealloc(l->resource, st_mult(na, 4));
	l->time = xrealloc(l->time, st_mult(na, 8));
	if (l->lifecycle)
		l->lifecycle = xrealloc(l->lifecycle, st_mult(na, 4));
	if (l->cost)
		l->cost = xrealloc(l->cost, st_mult(na, 8));
	l->alloc = na;
}

void eventlog_reserve(struct eventlog *l, size_t n)
{
	if (n > l->alloc && !l->finished)
		grow_columns(l, n);
}

size_t eventlog_add(struct eventlog *l, uint32_t case_name, uint32_t activity,
		    uint32_t resource, int64_t time_us)
{
	size_t i = l->n;

	if (i + 1 > l->alloc) {
		size_t na = l->alloc < 1024 ? 4096 : st_mult(l->alloc, 2);
		grow_columns(l, na);
	}
	l->ev_case[i] = case_name;
	l->activity[i] = activity;
	l->resource[i] = resource;
	l->time[i] = time_us;
	if (l->lifecycle)
		l->lifecycle[i] = EVL_NONE;
	if (l->cost)
		l->cost[i] = NAN;
	l->n++;
	return i;
}

void eventlog_set_lifecycle(struct eventlog *l, size_t ev, uint32_t lifecycle)
{
	if (!l->lifecycle) {
		size_t i;
		l->lifecycle = xmalloc(st_mult(l->alloc, 4));
		for (i = 0; i < l->n; i++)
			l->lifecycle[i] = EVL_NONE;
	}
	l->lifecycle[ev] = lifecycle;
}

void eventlog_set_cost(struct eventlog *l, size_t ev, double cost)
{
	if (!l->cost) {
		size_t i;
		l->cost = xmalloc(st_mult(l->alloc, 8));
		for (i = 0; i < l->n; i++)
			l->cost[i] = NAN;
	}
	l->cost[ev] = cost;
}

void eventlog_add_case_attr(struct eventlog *l, uint32_t case_name, uint32_t key,
			    enum evl_type type, uint32_t value)
{
	ALLOC_GROW(l->cattrs, l->ncattrs + 1, l->acattrs);
	l->cattrs[l->ncattrs].owner = case_name;
	l->cattrs[l->ncattrs].key = key;
	l->cattrs[l->ncattrs].value = value;
	l->cattrs[l->ncattrs].type = (uint32_t)type;
	l->ncattrs++;
}

void eventlog_add_event_attr(struct eventlog *l, size_t ev, uint32_t key,
			     enum evl_type type, uint32_t value)
{
	ALLOC_GROW(l->eattrs, l->neattrs + 1, l->aeattrs);
	l->eattrs[l->neattrs].owner = (uint32_t)ev;
	l->eattrs[l->neattrs].key = key;
	l->eattrs[l->neattrs].value = value;
	l->eattrs[l->neattrs].type = (uint32_t)type;
	l->neattrs++;
}

/* Stable merge sort of perm[0..n) by time[perm[i]]; tmp holds n slots. */
static void sort_by_time(uint32_t *perm, uint32_t *tmp, size_t n, const int64_t *time)
{
	size_t width, i;

	if (n < 24) {
		for (i = 1; i < n; i++) {
			uint32_t v = perm[i];
			size_t j = i;
			while (j > 0 && time[perm[j - 1]] > time[v]) {
				perm[j] = perm[j - 1];
				j--;
			}
			perm[j] = v;
		}
		return;
	}
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width < n ? i + width : n;
			size_t hi = i + 2 * width < n ? i + 2 * width : n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				tmp[k++] = time[perm[b]] < time[perm[a]] ? perm[b++] : perm[a++];
			while (a < mid)
				tmp[k++] = perm[a++];
			while (b < hi)
				tmp[k++] = perm[b++];
		}
		memcpy(perm, tmp, n * sizeof(*perm));
	}
}

static void gather32(uint32_t *col, const uint32_t *perm, size_t n, void *scratch)
{
	uint32_t *t = scratch;
	size_t i;

	for (i = 0; i < n; i++)
		t[i] = col[perm[i]];
	memcpy(col, t, n * sizeof(*col));
}

static void gather64(void *col, const uint32_t *perm, size_t n, void *scratch)
{
	uint64_t *c = col, *t = scratch;
	size_t i;

	for (i = 0; i < n; i++)
		t[i] = c[perm[i]];
	memcpy(c, t, n * sizeof(*c));
}

int eventlog_finish(struct eventlog *l, struct aiv_err *err)
{
	uint32_t *case_of_name = NULL, *perm = NULL, *scratch32;
	uint64_t *scratch = NULL;
	size_t *fill = NULL, i, k;
	uint32_t c;

	if (l->finished)
		return 0;
	if (l->n == 0)
		return aiv_fail(err, AIV_EINPUT, "empty log: no events");
	if (l->n >= EVL_NONE)
		return aiv_fail(err, AIV_ETOOBIG, "log too large: %zu events (limit 4294967294)", l->n);

	/* 1. case indexes in order of first appearance */
	case_of_name = xmalloc(st_mult(l->strs.n, sizeof(*case_of_name)));
	memset(case_of_name, 0xff, (size_t)l->strs.n * sizeof(*case_of_name));
	l->ncases = 0;
	for (i = 0; i < l->n; i++) {
		uint32_t nm = l->ev_case[i];
		if (case_of_name[nm] == EVL_NONE)
			case_of_name[nm] = l->ncases++;
	}
	free(l->case_name);
	l->case_name = xmalloc(st_mult(l->ncases, sizeof(*l->case_name)));
	l->case_off = xcalloc(st_add(l->ncases, 1), sizeof(*l->case_off));
	for (i = 0; i < l->strs.n; i++)
		if (case_of_name[i] != EVL_NONE)
			l->case_name[case_of_name[i]] = (uint32_t)i;
	for (i = 0; i < l->n; i++) {
		l->ev_case[i] = case_of_name[l->ev_case[i]];
		l->case_off[l->ev_case[i] + 1]++;
	}
	for (c = 0; c < l->ncases; c++)
		l->case_off[c + 1] += l->case_off[c];
	assert(l->case_off[l->ncases] == l->n); /* every event is in one case */

	/*
	 * Already in order?  An importer that adds a trace's events together
	 * (XES: every trace with a name of its own) and in time order leaves
	 * each case's events side by side, cases in order of first appearance,
	 * so the stable sorts below would give the identity: then no
	 * permutation is built or applied (one pass instead of seven, and no
	 * 12 bytes an event of fresh scratch memory, each page a first-touch
	 * fault; docs/performance.md, "XES").
	 */
	for (i = 1; i < l->n; i++)
		if (l->ev_case[i] != l->ev_case[i - 1] ? l->ev_case[i] < l->ev_case[i - 1]
						       : l->time[i] < l->time[i - 1])
			break;
	if (i == l->n) {
		l->out_of_order = 0;
		goto case_attrs;
	}

	/* 2. stable bucket sort of positions by case */
	perm = xmalloc(st_mult(l->n, sizeof(*perm)));
	fill = xmalloc(st_mult(l->ncases, sizeof(*fill)));
	memcpy(fill, l->case_off, l->ncases * sizeof(*fill));
	for (i = 0; i < l->n; i++)
		perm[fill[l->ev_case[i]]++] = (uint32_t)i;
	free(fill);
	fill = NULL;

	/* 3. time order within each case */
	scratch = xmalloc(st_mult(l->n, sizeof(*scratch)));
	scratch32 = (uint32_t *)scratch;
	l->out_of_order = 0;
	for (c = 0; c < l->ncases; c++) {
		size_t lo = l->case_off[c], hi = l->case_off[c + 1], late = 0;
		for (k = lo + 1; k < hi; k++)
			if (l->time[perm[k]] < l->time[perm[k - 1]])
				late++;
		if (late) {
			l->out_of_order += late;
			sort_by_time(perm + lo, scratch32, hi - lo, l->time);
		}
	}

	/* 4. permute the columns */
	gather32(l->ev_case, perm, l->n, scratch);
	gather32(l->activity, perm, l->n, scratch);
	gather32(l->resource, perm, l->n, scratch);
	gather64(l->time, perm, l->n, scratch);
	if (l->lifecycle)
		gather32(l->lifecycle, perm, l->n, scratch);
	if (l->cost)
		gather64(l->cost, perm, l->n, scratch);
	if (l->neattrs) {
		for (i = 0; i < l->n; i++)
			scratch32[perm[i]] = (uint32_t)i; /* inverse */
		for (i = 0; i < l->neattrs; i++)
			l->eattrs[i].owner = scratch32[l->eattrs[i].owner];
	}
case_attrs:
	for (i = k = 0; i < l->ncattrs; i++) {
		/* attributes of a trace without a name or without events are dropped */
		uint32_t ci = l->cattrs[i].owner < l->strs.n ? case_of_name[l->cattrs[i].owner]
							      : EVL_NONE;
		if (ci == EVL_NONE)
			continue;
		l->cattrs[k] = l->cattrs[i];
		l->cattrs[k++].owner = ci;
	}
	l->ncattrs = k;
	l->finished = 1;
	free(scratch);
	free(perm);
	free(case_of_name);
	return 0;
}

uint32_t eventlog_count_activities(const struct eventlog *l)
{
	uint8_t *seen = xcalloc(l->strs.n ? l->strs.n : 1, 1);
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (!seen[l->activity[i]]) {
			seen[l->activity[i]] = 1;
			n++;
		}
	}
	free(seen);
	return n;
}

uint32_t eventlog_case_attr(const struct eventlog *l, uint32_t c, uint32_t key)
{
	size_t i, best = SIZE_MAX;
	uint32_t v = EVL_NONE;

	for (i = 0; i < l->ncattrs; i++)
		if (l->cattrs[i].owner == c && l->cattrs[i].key == key)
			return l->cattrs[i].value;
	for (i = 0; i < l->neattrs; i++) {
		uint32_t ev = l->eattrs[i].owner;
		if (l->eattrs[i].key == key && l->ev_case[ev] == c && ev < best) {
			best = ev;
			v = l->eattrs[i].value;
		}
	}
	return v;
}

void eventlog_case_attr_all(const struct eventlog *l, uint32_t key, uint32_t *out)
{
	uint32_t *first = xmalloc(st_mult(l->ncases ? l->ncases : 1, sizeof(*first)));
	size_t i;
	uint32_t c;

	for (c = 0; c < l->ncases; c++) {
		out[c] = EVL_NONE;
		first[c] = EVL_NONE;
	}
	for (i = 0; i < l->neattrs; i++) {
		uint32_t ev = l->eattrs[i].owner;
		if (l->eattrs[i].key != key)
			continue;
		c = l->ev_case[ev];
		if (first[c] == EVL_NONE || ev < first[c]) {
			first[c] = ev;
			out[c] = l->eattrs[i].value;
		}
	}
	for (i = 0; i < l->ncattrs; i++)
		if (l->cattrs[i].key == key)
			out[l->cattrs[i].owner] = l->cattrs[i].value;
	free(first);
}
