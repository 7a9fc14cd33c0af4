/*
 * usage_table.c - building, sorting and loading the columnar usage
 * table; see usage_table.h.
 *
 * utab_finish() sorts by person with a stable counting sort (one
 * permutation applied column by column: 8 extra bytes an event while it
 * runs, so the table peaks at 32 bytes an event), then sorts by day only
 * the people whose events are not in day order already (exports are
 * written in time order, so usually none): O(n) in the common case.
 */
#include <stdlib.h>
#include <string.h>

#include "usage_block.h"
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
	t->role[id] = intern_id(&t->roles, role ? role : "");
	t->team[id] = intern_id(&t->teams, team ? team : "");
	t->function[id] = intern_id(&t->functions, function ? function : "");
	t->champion[id] = champion ? 1 : 0;
	t->licensed[id] = 0;
	t->npeople = id + 1;
	return id;
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

void utab_finish(struct usage_table *t)
{
	size_t n = t->n, np = t->npeople, i, p;
	uint32_t *perm, *tmp;
	size_t *next;

	if (t->finished)
		return;
	t->finished = 1;
	t->person_off = xcalloc(np + 1, sizeof(*t->person_off));
	for (i = 0; i < n; i++)
		t->person_off[t->person[i] + 1]++;
	for (p = 0; p < np; p++)
		t->person_off[p + 1] += t->person_off[p];
	/* stable counting sort by person: 4 bytes of permutation an event */
	perm = xmalloc(st_mult(n + 1, sizeof(*perm)));
	next = xmalloc(st_mult(np + 1, sizeof(*next)));
	memcpy(next, t->person_off, (np + 1) * sizeof(*next));
	for (i = 0; i < n; i++)
		perm[next[t->person[i]]++] = (uint32_t)i;
	free(next);
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
		/* exports come sorted by time: most slices are in order already */
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

/* Strings of usage_strings as ids of one of the table's dictionaries. */
struct strmap {
	struct intern *dict;
	uint32_t *id;      /* usage_strings.id -> dict id, INTERN_NONE until asked */
};

static uint32_t strmap_get(struct strmap *m, char **strs, uint32_t sid)
{
	if (m->id[sid] == INTERN_NONE)
		m->id[sid] = intern_id(m->dict, strs[sid]);
	return m->id[sid];
}

/*
 * Append the events of every usage block whose identity is joined to a
 * known person: identity -> person and string ids are mapped once, then
 * each block is decoded and copied column by column.
 */
static int load_blocks(struct usage_table *t, struct store *s, struct aiv_err *err)
{
	struct store_stmt *st;
	struct usage_block *b = NULL;
	uint32_t *person = NULL;
	char **strs = NULL;
	struct strmap tools = { &t->tools, NULL }, feats = { &t->features, NULL };
	struct strmap wfs = { &t->workflows, NULL };
	size_t nid = 0, aid = 0, nstr = 0, astr = 0, i;
	int64_t total = 0;
	int rc = 0;

	st = store_prepare(s, "SELECT id, person FROM usage_identities ORDER BY id", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(person, nid + 1, aid);
		person[nid++] = store_col_is_null(st, 1) ? INTERN_NONE :
				utab_find_person(t, store_col_text(st, 1));
	}
	store_reset(st);
	if (rc < 0)
		goto cleanup;
	st = store_prepare(s, "SELECT value FROM usage_strings ORDER BY id", err);
	if (!st) {
		rc = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(strs, nstr + 1, astr);
		strs[nstr++] = xstrdup(store_col_text(st, 0));
	}
	store_reset(st);
	if (rc < 0)
		goto cleanup;
	if ((rc = store_query_int(s, "SELECT coalesce(sum(n), 0) FROM usage_blocks", &total, err)))
		goto cleanup;
	utab_reserve(t, (size_t)(total > 0 ? total : 0)); /* one allocation, no doubling */
	tools.id = xmalloc(st_mult(nstr + 1, sizeof(uint32_t)));
	feats.id = xmalloc(st_mult(nstr + 1, sizeof(uint32_t)));
	wfs.id = xmalloc(st_mult(nstr + 1, sizeof(uint32_t)));
	for (i = 0; i < nstr; i++)
		tools.id[i] = feats.id[i] = wfs.id[i] = INTERN_NONE;
	b = xmalloc(sizeof(*b));
	st = store_prepare(s, "SELECT data FROM usage_blocks ORDER BY import_id, seq", err);
	if (!st) {
		rc = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t k;
		if (usage_block_decode(store_col_blob(st, 0), store_col_bytes(st, 0), b)) {
			rc = aiv_fail(err, AIV_ESTATE, "a usage block of '%s' is damaged", store_uri(s));
			break;
		}
		for (k = 0; k < b->n; k++) {
			uint32_t p;
			if (b->ident[k] >= nid || b->tool[k] >= nstr || b->feature[k] >= nstr ||
			    b->workflow[k] >= nstr) {
				rc = aiv_fail(err, AIV_ESTATE, "a usage block of '%s' names an"
					      " identity or string that is not stored", store_uri(s));
				break;
			}
			p = person[b->ident[k]];
			if (p == INTERN_NONE)
				continue; /* unmatched identity, or person deleted */
			utab_event_ids(t, p, (int32_t)usage_block_day(b->time_us[k]),
				       strmap_get(&tools, strs, b->tool[k]),
				       strmap_get(&feats, strs, b->feature[k]),
				       strmap_get(&wfs, strs, b->workflow[k]), b->count[k]);
		}
		if (rc < 0)
			break;
	}
	store_reset(st);
cleanup:
	for (i = 0; i < nstr; i++)
		free(strs[i]);
	free(strs);
	free(person);
	free(tools.id);
	free(feats.id);
	free(wfs.id);
	free(b);
	return rc < 0 ? rc : 0;
}

int utab_load(struct usage_table *t, struct store *s, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	st = store_prepare(s, "SELECT p.name, p.role, p.team, coalesce(t.function, ''),"
			   " p.champion FROM people p LEFT JOIN teams t ON t.name = p.team"
			   " ORDER BY p.name", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		utab_person(t, store_col_text(st, 0), store_col_text(st, 1),
			    store_col_text(st, 2), store_col_text(st, 3),
			    (int)store_col_int(st, 4));
	store_reset(st);
	if (rc < 0)
		return rc;
	st = store_prepare(s, "SELECT DISTINCT person FROM usage_seats WHERE person IS NOT NULL",
			   err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		utab_seat(t, utab_find_person(t, store_col_text(st, 0)));
	store_reset(st);
	if (rc < 0)
		return rc;
	st = store_prepare(s, "SELECT workflow, creator FROM usage_workflows WHERE creator IS"
			   " NOT NULL ORDER BY day, import_id", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t p = utab_find_person(t, store_col_text(st, 1));
		if (p != INTERN_NONE)
			utab_creator(t, store_col_text(st, 0), p);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	/* rows of workspaces imported before columnar blocks */
	st = store_prepare(s, "SELECT person, day, tool, feature, workflow, count FROM"
			   " usage_events WHERE person IS NOT NULL", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t p = utab_find_person(t, store_col_text(st, 0));
		int64_t c = store_col_int(st, 5);
		if (p == INTERN_NONE)
			continue; /* person deleted since the import */
		utab_event(t, p, (int32_t)store_col_int(st, 1), store_col_text(st, 2),
			   store_col_text(st, 3), store_col_text(st, 4),
			   (uint32_t)(c > UINT32_MAX ? UINT32_MAX : c < 0 ? 0 : c));
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if ((rc = load_blocks(t, s, err)))
		return rc;
	utab_finish(t);
	return 0;
}
