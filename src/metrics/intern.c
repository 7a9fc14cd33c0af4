/*
 * intern.c - interned strings and a set of 64-bit keys; see intern.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiv.h"
#include "core/hash.h"
#include "intern.h"

void intern_init(struct intern *t)
{
	memset(t, 0, sizeof(*t));
}

void intern_release(struct intern *t)
{
	free(t->slots);
	free(t->offs);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

void intern_copy(struct intern *dst, const struct intern *src)
{
	intern_init(dst);
	if (src->nslots) {
		dst->slots = xmalloc(st_mult(src->nslots, sizeof(*dst->slots)));
		memcpy(dst->slots, src->slots, src->nslots * sizeof(*dst->slots));
	}
	dst->nslots = src->nslots;
	if (src->alloc) {
		dst->offs = xmalloc(st_mult(src->alloc, sizeof(*dst->offs)));
		memcpy(dst->offs, src->offs, src->n * sizeof(*dst->offs));
	}
	dst->n = src->n;
	dst->alloc = src->alloc;
	if (src->arena_alloc) {
		dst->arena = xmalloc(src->arena_alloc);
		memcpy(dst->arena, src->arena, src->arena_len);
	}
	dst->arena_len = src->arena_len;
	dst->arena_alloc = src->arena_alloc;
}

static void intern_rehash(struct intern *t, size_t nslots)
{
	uint32_t *slots = xcalloc(nslots, sizeof(*slots));
	size_t i;

	/* a power of two with a free slot left, or the probes never end */
	assert(nslots && !(nslots & (nslots - 1)) && t->n < nslots);

	for (i = 0; i < t->n; i++) {
		const char *s = t->arena + t->offs[i];
		size_t j = fnv1a64(FNV1A64_INIT, s, strlen(s)) & (nslots - 1);
		while (slots[j])
			j = (j + 1) & (nslots - 1);
		slots[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

/* Strings are C strings: bytes after an embedded NUL are ignored. */
static size_t cstr_len(const char *s, size_t len)
{
	const char *z = memchr(s, 0, len);

	return z ? (size_t)(z - s) : len;
}

static size_t intern_probe(const struct intern *t, const char *s, size_t len, int *found)
{
	size_t j = fnv1a64(FNV1A64_INIT, s, len) & (t->nslots - 1);

	*found = 0;
	while (t->slots[j]) {
		const char *c = t->arena + t->offs[t->slots[j] - 1];
		if (!memcmp(c, s, len) && c[len] == '\0') {
			*found = 1;
			break;
		}
		j = (j + 1) & (t->nslots - 1);
	}
	return j;
}

uint32_t intern_find(const struct intern *t, const char *s, size_t len)
{
	int found;
	size_t j;

	if (!t->nslots)
		return INTERN_NONE;
	len = cstr_len(s, len);
	j = intern_probe(t, s, len, &found);
	return found ? t->slots[j] - 1 : INTERN_NONE;
}

uint32_t intern_idn(struct intern *t, const char *s, size_t len)
{
	int found;
	size_t j;

	if (!t->nslots)
		intern_rehash(t, 64);
	len = cstr_len(s, len);
	j = intern_probe(t, s, len, &found);
	if (found)
		return t->slots[j] - 1;
	if (t->n >= UINT32_MAX - 1) {
		fputs("fatal: more than 4 billion distinct strings\n", stderr);
		abort();
	}
	ALLOC_GROW(t->offs, t->n + 1, t->alloc);
	if (t->arena_len + len + 1 > t->arena_alloc) {
		size_t want = t->arena_alloc < 4096 ? 4096 : st_mult(t->arena_alloc, 2);
		while (want < t->arena_len + len + 1)
			want = st_mult(want, 2);
		t->arena = xrealloc(t->arena, want);
		t->arena_alloc = want;
	}
	memcpy(t->arena + t->arena_len, s, len);
	t->arena[t->arena_len + len] = '\0';
	t->offs[t->n] = t->arena_len;
	t->arena_len += len + 1;
	t->slots[j] = (uint32_t)t->n + 1;
	t->n++;
	if (t->n * 2 > t->nslots)
		intern_rehash(t, t->nslots * 2);
	assert(t->n * 2 <= t->nslots && t->n <= t->alloc);
	return (uint32_t)t->n - 1;
}

uint32_t intern_id(struct intern *t, const char *s)
{
	return intern_idn(t, s, strlen(s));
}

const char *intern_str(const struct intern *t, uint32_t id)
{
	return id < t->n ? t->arena + t->offs[id] : "";
}

void u64set_init(struct u64set *s)
{
	memset(s, 0, sizeof(*s));
}

void u64set_release(struct u64set *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/*
 * The first slot of key: every bit of the key mixed into the low bits
 * (MurmurHash3's finaliser).  Keys packed from small fields (cost's
 * person << 40 ^ tool << 20 ^ month) differ mostly in a few bits, and a
 * hash that kept them there sent 900,000 keys of the large demo to a few
 * thousand slots: the probes, not the reads, were a quarter of `value`.
 */
static size_t u64set_slot(uint64_t key, size_t nslots)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	key *= 0xc4ceb9fe1a85ec53ULL;
	key ^= key >> 33;
	return (size_t)key & (nslots - 1);
}

static void u64set_put(uint64_t *slots, size_t nslots, uint64_t key)
{
	size_t j = u64set_slot(key, nslots);

	while (slots[j] && slots[j] != key)
		j = (j + 1) & (nslots - 1);
	slots[j] = key;
}

int u64set_has(const struct u64set *s, uint64_t key)
{
	size_t j;

	if (key == 0)
		key = 0x9e3779b97f4a7c15ULL;
	if (!s->nslots)
		return 0;
	for (j = u64set_slot(key, s->nslots); s->slots[j]; j = (j + 1) & (s->nslots - 1))
		if (s->slots[j] == key)
			return 1;
	return 0;
}

int u64set_add(struct u64set *s, uint64_t key)
{
	size_t j, i;

	if (key == 0)
		key = 0x9e3779b97f4a7c15ULL; /* 0 marks an empty slot */
	if (!s->nslots) {
		s->nslots = 1024;
		s->slots = xcalloc(s->nslots, sizeof(*s->slots));
	}
	j = u64set_slot(key, s->nslots);
	while (s->slots[j]) {
		if (s->slots[j] == key)
			return 1;
		j = (j + 1) & (s->nslots - 1);
	}
	s->slots[j] = key;
	s->n++;
	if (s->n * 2 > s->nslots) {
		size_t n2 = st_mult(s->nslots, 2);
		uint64_t *slots = xcalloc(n2, sizeof(*slots));
		for (i = 0; i < s->nslots; i++)
			if (s->slots[i])
				u64set_put(slots, n2, s->slots[i]);
		free(s->slots);
		s->slots = slots;
		s->nslots = n2;
	}
	return 0;
}
