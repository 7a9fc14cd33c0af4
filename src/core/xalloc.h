/*
 * xalloc.h - allocation that never returns NULL, and overflow-checked sizes.
 *
 * Out of memory is not an error aivalue can recover from in any useful way,
 * so these wrappers print one line and abort (as git's xmalloc does).  Size
 * arithmetic on counts that come from input goes through st_add/st_mult,
 * which abort on overflow instead of wrapping to a short allocation.
 */
#ifndef AIV_XALLOC_H
#define AIV_XALLOC_H

#include <assert.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string; caller frees */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Hand the free pages of every malloc arena back to the system (glibc's
 * malloc_trim; nothing elsewhere).  For a long-running server after a
 * computation that allocated hundreds of MiB in one thread: otherwise
 * that thread's arena keeps them, and the next thread's computation adds
 * its own peak on top.
 */
void xheap_trim(void);

size_t st_add(size_t a, size_t b);
size_t st_mult(size_t a, size_t b);

/*
 * Grow array `x` (of `alloc` slots) so that it holds at least `nr` items.
 * Growth is geometric, so appending n items costs O(n) in all.
 */
#define ALLOC_GROW(x, nr, alloc)                                              \
	do {                                                                  \
		if ((size_t)(nr) > (size_t)(alloc)) {                         \
			size_t want_ = (size_t)(alloc) < 8 ? 16 : st_mult((alloc), 2); \
			if (want_ < (size_t)(nr))                             \
				want_ = (nr);                                 \
			(x) = xrealloc((x), st_mult(sizeof(*(x)), want_));    \
			(alloc) = want_;                                      \
		}                                                             \
		assert((size_t)(nr) <= (size_t)(alloc));                      \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
