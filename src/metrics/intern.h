/*
 * intern.h - interned strings: each distinct string gets a dense uint32
 * id (0, 1, 2, ... in first-seen order), so that columnar tables hold
 * 4-byte ids instead of pointers and kernels compare integers.
 *
 * The one interner of the program: the event log's strings (eventlog.h),
 * the usage tables' names and the importers' lookups all live in one.
 * The strings, back to back in id order, are also what the event-log
 * store writes as its "strings" column (ingest/logstore.c).
 *
 * An open-addressing hash table (fnv1a64 of core/hash.h, linear probing, load <= 1/2)
 * maps bytes to ids; the strings themselves live in one growable arena
 * of NUL-terminated copies, addressed by offset so that growing the arena
 * never invalidates the table.  intern_str() pointers are borrowed and
 * valid until the next intern_id() call that adds a string, or until
 * intern_release().
 */
#ifndef AIV_METRICS_INTERN_H
#define AIV_METRICS_INTERN_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define INTERN_NONE UINT32_MAX

struct intern {
	uint32_t *slots;  /* id + 1, 0 = empty */
	size_t nslots;    /* power of two */
	size_t *offs;     /* arena offset of each id's string */
	size_t n, alloc;
	char *arena;
	size_t arena_len, arena_alloc;
};

void intern_init(struct intern *t);
void intern_release(struct intern *t);
/* dst (not initialised) becomes an independent copy of src: same ids. */
void intern_copy(struct intern *dst, const struct intern *src);
/*
 * Id of the `len` bytes at s (need not be NUL-terminated), adding them if
 * new.  Strings are C strings: bytes from an embedded NUL on are ignored,
 * which is also how the event-log store reads its strings column back.
 */
uint32_t intern_idn(struct intern *t, const char *s, size_t len);
uint32_t intern_id(struct intern *t, const char *s);
/* Id of s, or INTERN_NONE when it was never added. */
uint32_t intern_find(const struct intern *t, const char *s, size_t len);
/* The string of an id (borrowed, see above). */
const char *intern_str(const struct intern *t, uint32_t id);
/* Length of the string of an id (id < intern_count). */
static inline size_t intern_len(const struct intern *t, uint32_t id)
{
	assert(id < t->n);
	return (id + 1 < t->n ? t->offs[id + 1] : t->arena_len) - t->offs[id] - 1;
}
static inline size_t intern_count(const struct intern *t) { return t->n; }

/*
 * A set of 64-bit keys (for duplicate detection over millions of rows at
 * 16 bytes a row).  Key 0 is remapped internally, so any value works.
 * Returns 1 if key was already present, 0 if it was added.
 */
struct u64set {
	uint64_t *slots;
	size_t nslots, n;
};
void u64set_init(struct u64set *s);
void u64set_release(struct u64set *s);
int u64set_add(struct u64set *s, uint64_t key);
/* 1 if key is in the set, else 0. */
int u64set_has(const struct u64set *s, uint64_t key);

#endif
