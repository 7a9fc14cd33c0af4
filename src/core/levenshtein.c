/*
 * levenshtein.c - weighted optimal-string-alignment distance; see
 * levenshtein.h.
 *
 * The classic dynamic programme over three rows: `prev2` is the row two
 * characters back (for a transposition), `prev` the previous one, `cur`
 * the one being filled.  cur[j] is the cost of turning the first i
 * characters of `from` into the first j of `to`.
 */
#include <stdlib.h>
#include <string.h>

#include "aiv.h"
#include "levenshtein.h"
#include "xalloc.h"

int levenshtein(const char *from, const char *to, int swap, int subst, int ins, int del)
{
	size_t n = strlen(from), m = strlen(to), i, j;
	int *prev2 = xcalloc(m + 1, sizeof(int));
	int *prev = xcalloc(m + 1, sizeof(int));
	int *cur = xcalloc(m + 1, sizeof(int));
	int *t, d;

	for (j = 0; j <= m; j++)
		prev[j] = (int)j * ins;
	for (i = 0; i < n; i++) {
		cur[0] = (int)(i + 1) * del;
		for (j = 0; j < m; j++) {
			/* replace (free when equal), delete from[i], insert to[j] */
			d = prev[j] + (from[i] != to[j] ? subst : 0);
			if (i > 0 && j > 0 && from[i - 1] == to[j] && from[i] == to[j - 1] &&
			    d > prev2[j - 1] + swap)
				d = prev2[j - 1] + swap;
			if (d > prev[j + 1] + del)
				d = prev[j + 1] + del;
			if (d > cur[j] + ins)
				d = cur[j] + ins;
			cur[j + 1] = d;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[m];
	free(prev2);
	free(prev);
	free(cur);
	return d;
}
