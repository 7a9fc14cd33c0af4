/*
 * usage_table.c - building and sorting the columnar usage table; see
 * usage_table.h (ingest/usage_load.c loads it from a workspace).
 *
 * utab_finish() sorts by (person, day), keeping input order among equal
 * keys, with two stable counting sorts composed into one permutation
 * (by day, then by person), applied column by column once: 8 extra bytes
 * an event while it runs, so the table peaks at 32 bytes an event, and
 * O(n + days + people).  Exports are written in time order, but the
 * workspace's blocks come import by import (one export a tool and
 * month), so most people's events are not in day order: sorting each
 * person's slice with qsort was half of the finish (large demo, 3.65M
 * events).  A day span too wide for a count table (dates far apart) falls
 * back to that: the person sort, then qsort of the slices out of order.
 */
#include <stdlib.h>
#include <string.h>

#include "usage_table.h"

void utab_init(struct usage_table *t)
{
	memset(t, 0, sizeof(*t));
	intern_init(&t->names);
	intern_init(&t->roles);
	intern_init(&t->teams);
	intern_init(&t->functions);
	intern_init(&t->tools);
	intern_init(&t->features);
	intern_init(&t->workflows);
	t->min_day = INT32_MAX;
	t->max_day = INT32_MIN;
}

void utab_release(struct usage_table *t)
{
	free(t->person);
	free(t->tool);
	free(t->feature);
	free(t->workflow);
	free(t->count);
	free(t->day);
	free(t->person_off);
	free(t->role);
	free(t->team);
	free(t->function);
	free(t->champion);
	free(t->licensed);
	free(t->left_day);
	free(t->wf_creator);
	intern_release(&t->names);
	intern_release(&t->roles);
	intern_release(&t->teams);
	intern_release(&t->functions);
	intern_release(&t->tools);
	intern_release(&t->features);
	intern_release(&t->workflows);
	memset(t, 0, sizeof(*t));
}

uint32_t utab_person(struct usage_table *t, const char *name, const char *role,
		     const char *team, const char *function, int champion)
{
	uint32_t id = intern_id(&t->names, name);

	if (id < t->npeople)
		return id; /* already known: keep the first description */
	ALLOC_GROW(t->role, t->npeople + 1, t->apeople);
	t->team = xrealloc(t->team, st_mult(t->apeople, sizeof(*t->team)));
	t->function = xrealloc(t->function, st_mult(t->apeople, sizeof(*t->function)));
	t->champion = xrealloc(t->champion, t->apeople);
	t->licensed = xrealloc(t->licensed, t->apeople);
	t->left_day = xrealloc(t->left_day, st_mult(t->apeople, sizeof(*t->left_day)));
	t->role[id] = intern_id(&t->roles, role ? role : "");
	t->team[id] = intern_id(&t->teams, team ? team : "");
	t->function[id] = intern_id(&t->functions, function ? function : "");
	t->champion[id] = champion ? 1 : 0;
	t->licensed[id] = 0;
	t->left_day[id] = ORG_NEVER_LEFT;
	t->npeople = id + 1;
	return id;
}

void utab_left(struct usage_table *t, uint32_t person, int32_t left_day)
{
	if (person < t->npeople)
		t->left_day[person] = left_day;
}

int utab_employed(const struct usage_table *t, uint32_t person, int32_t from_day,
		  int32_t to_day)
{
	return org_people_active_between(t->left_day[person], from_day, to_day);
}

uint32_t utab_find_person(const struct usage_table *t, const char *name)
{
	return intern_find(&t->names, name, strlen(name));
}

static void resize_events(struct usage_table *t, size_t want)
{
	t->person = xrealloc(t->person, st_mult(want, sizeof(uint32_t)));
	t->tool = xrealloc(t->tool, st_mult(want, sizeof(uint32_t)));
	t->feature = xrealloc(t->feature, st_mult(want, sizeof(uint32_t)));
	t->workflow = xrealloc(t->workflow, st_mult(want, sizeof(uint32_t)));
	t->count = xrealloc(t->count, st_mult(want, sizeof(uint32_t)));
	t->day = xrealloc(t->day, st_mult(want, sizeof(int32_t)));
	t->alloc = want;
}

static void grow_events(struct usage_table *t)
{
	if (t->n < t->alloc)
		return;
	resize_events(t, t->alloc < 1024 ? 1024 : st_mult(t->alloc, 2));
}

void utab_reserve(struct usage_table *t, size_t more)
{
	if (t->alloc - t->n < more)
		resize_events(t, st_add(t->n, more));
}

void utab_event_ids(struct usage_table *t, uint32_t person, int32_t day, uint32_t tool,
		    uint32_t feature, uint32_t workflow, uint32_t count)
{
	grow_events(t);
	t->person[t->n] = person;
	t->day[t->n] = day;
	t->tool[t->n] = tool;
	t->feature[t->n] = feature;
	t->workflow[t->n] = workflow;
	t->count[t->n] = count;
	t->n++;
	if (count) {
		if (day < t->min_day)
			t->min_day = day;
		if (day > t->max_day)
			t->max_day = day;
	}
}

void utab_event(struct usage_table *t, uint32_t person, int32_t day, const char *tool,
		const char *feature, const char *workflow, uint32_t count)
{
	utab_event_ids(t, person, day, intern_id(&t->tools, tool),
		       intern_id(&t->features, feature ? feature : ""),
		       intern_id(&t->workflows, workflow ? workflow : ""), count);
}

void utab_seat(struct usage_table *t, uint32_t person)
{
	if (person < t->npeople) {
		t->licensed[person] = 1;
		t->have_seats = 1;
	}
}

void utab_creator(struct usage_table *t, const char *workflow, uint32_t person)
{
	uint32_t w = intern_id(&t->workflows, workflow);
	size_t old = t->awf_creator;

	ALLOC_GROW(t->wf_creator, w + 1, t->awf_creator);
	while (old < t->awf_creator)
		t->wf_creator[old++] = INTERN_NONE;
	if (t->wf_creator[w] == INTERN_NONE)
		t->wf_creator[w] = person;
}

static void permute_u32(uint32_t *col, const uint32_t *perm, size_t n, uint32_t *tmp)
{
	size_t i;

	if (!n)
		return; /* col may be NULL: no events */
	for (i = 0; i < n; i++)
		tmp[i] = col[perm[i]];
	memcpy(col, tmp, n * sizeof(*col));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort one person's slice [a, b) by day, keeping input order among equal days. */
static void sort_slice(struct usage_table *t, size_t a, size_t b)
{
	size_t m = b - a, i;
	uint64_t *key = xmalloc(st_mult(m, sizeof(*key)));
	uint32_t *perm = xmalloc(st_mult(m, sizeof(*perm)));
	uint32_t *tmp = xmalloc(st_mult(m, sizeof(*tmp)));

	for (i = 0; i < m; i++)
		key[i] = (uint64_t)(uint32_t)((int64_t)t->day[a + i] + 0x80000000LL) << 32 | i;
	qsort(key, m, sizeof(*key), cmp_u64);
	for (i = 0; i < m; i++)
		perm[i] = (uint32_t)key[i];
	free(key);
	permute_u32((uint32_t *)t->day + a, perm, m, tmp);
	permute_u32(t->tool + a, perm, m, tmp);
	permute_u32(t->feature + a, perm, m, tmp);
	permute_u32(t->workflow + a, perm, m, tmp);
	permute_u32(t->count + a, perm, m, tmp);
	free(perm);
	free(tmp);
}

/* Widest day span sorted by counting (4 bytes a day of count table). */
#define UTAB_DAY_SPAN_MAX (1u << 22)

/*
 * The permutation that orders the events by (person, day), input order
 * among equal keys: stable by day into by_day, then stable by person
 * over that order.  0, or -1 when the day span is too wide.
 */
static int order_by_person_day(const struct usage_table *t, uint32_t *perm)
{
	size_t n = t->n, np = t->npeople, i;
	int32_t lo = t->day[0], hi = t->day[0];
	uint32_t span, *by_day;
	size_t *next;

	for (i = 1; i < n; i++) {
		if (t->day[i] < lo)
			lo = t->day[i];
		if (t->day[i] > hi)
			hi = t->day[i];
	}
	if ((int64_t)hi - lo >= UTAB_DAY_SPAN_MAX)
		return -1;
	span = (uint32_t)((int64_t)hi - lo + 1);
	next = xcalloc((span > np ? span : np) + 1, sizeof(*next));
	for (i = 0; i < n; i++)
		next[(uint32_t)((int64_t)t->day[i] - lo) + 1]++;
	for (i = 0; i < span; i++)
		next[i + 1] += next[i];
	by_day = xmalloc(st_mult(n, sizeof(*by_day)));
	for (i = 0; i < n; i++)
		by_day[next[(uint32_t)((int64_t)t->day[i] - lo)]++] = (uint32_t)i;
	memcpy(next, t->person_off, (np + 1) * sizeof(*next));
	for (i = 0; i < n; i++) {
		uint32_t e = by_day[i];
		perm[next[t->person[e]]++] = e;
	}
	free(by_day);
	free(next);
	return 0;
}

/* The permutation that orders the events by person, input order kept. */
static void order_by_person(const struct usage_table *t, uint32_t *perm)
{
	size_t n = t->n, np = t->npeople, i;
	size_t *next = xmalloc(st_mult(np + 1, sizeof(*next)));

	memcpy(next, t->person_off, (np + 1) * sizeof(*next));
	for (i = 0; i < n; i++)
		perm[next[t->person[i]]++] = (uint32_t)i;
	free(next);
}

void utab_finish(struct usage_table *t)
{
	size_t n = t->n, np = t->npeople, i, p;
	uint32_t *perm, *tmp;
	int by_day;

	if (t->finished)
		return;
	t->finished = 1;
	t->person_off = xcalloc(np + 1, sizeof(*t->person_off));
	for (i = 0; i < n; i++)
		t->person_off[t->person[i] + 1]++;
	for (p = 0; p < np; p++)
		t->person_off[p + 1] += t->person_off[p];
	perm = xmalloc(st_mult(n + 1, sizeof(*perm)));
	by_day = n && !order_by_person_day(t, perm);
	if (!by_day)
		order_by_person(t, perm);
	tmp = xmalloc(st_mult(n + 1, sizeof(*tmp)));
	permute_u32((uint32_t *)t->day, perm, n, tmp);
	permute_u32(t->tool, perm, n, tmp);
	permute_u32(t->feature, perm, n, tmp);
	permute_u32(t->workflow, perm, n, tmp);
	permute_u32(t->count, perm, n, tmp);
	free(perm);
	free(tmp);
	for (p = 0; p < np; p++) {
		size_t a = t->person_off[p], b = t->person_off[p + 1];
		for (i = a; i < b; i++)
			t->person[i] = (uint32_t)p;
		if (by_day)
			continue;
		/* exports come sorted by time: some slices are in order already */
		for (i = a + 1; i < b && t->day[i - 1] <= t->day[i]; i++)
			;
		if (i < b)
			sort_slice(t, a, b);
	}
	{
		size_t old = t->awf_creator;
		ALLOC_GROW(t->wf_creator, intern_count(&t->workflows) + 1, t->awf_creator);
		while (old < t->awf_creator)
			t->wf_creator[old++] = INTERN_NONE;
	}
}

size_t utab_event_bytes(const struct usage_table *t)
{
	return t->n * (5 * sizeof(uint32_t) + sizeof(int32_t)) +
	       (t->npeople + 1) * sizeof(size_t);
}
