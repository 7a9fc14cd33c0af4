/*
 * tally.c - the accounting every import ends with (see tally.h).
 *
 * Three short lists of (text, count, first place) kept in order of first
 * appearance.  Lists are tiny (one entry per distinct reason), so a linear
 * search per event is cheaper than hashing; importers that skip millions
 * of rows for one reason hit the first entry every time.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "aiv.h"
#include "tally.h"
#include "xalloc.h"

void tally_init(struct tally *t, const char *unit)
{
	memset(t, 0, sizeof(*t));
	t->unit = unit ? unit : "rows";
}

static void items_release(struct tally_item *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].what);
		free(v[i].where);
	}
	free(v);
}

void tally_release(struct tally *t)
{
	items_release(t->skips, t->nskips);
	items_release(t->notes, t->nnotes);
	items_release(t->assumptions, t->nassumptions);
	t->skips = t->notes = t->assumptions = NULL;
	t->nskips = t->nnotes = t->nassumptions = 0;
	t->askips = t->anotes = t->aassumptions = 0;
}

/* Count `n` more of `what` in the list; the first `where` is kept. */
static void items_add(struct tally_item **v, size_t *nv, size_t *av,
		      const char *what, const char *where, int64_t n)
{
	struct tally_item *it;
	size_t i;

	for (i = 0; i < *nv; i++)
		if (!strcmp((*v)[i].what, what)) {
			(*v)[i].count += n;
			return;
		}
	if (*nv == *av) {
		*av = *av ? 2 * *av : 4;
		*v = xrealloc(*v, *av * sizeof(**v));
	}
	it = &(*v)[(*nv)++];
	it->what = xstrdup(what);
	it->where = where && *where ? xstrdup(where) : NULL;
	it->count = n;
}

int tally_skip(struct tally *t, const char *reason, const char *where, struct aiv_err *err)
{
	items_add(&t->skips, &t->nskips, &t->askips, reason, where, 1);
	if (t->strict)
		return aiv_fail(err, AIV_EINPUT, "%s%s%s (--strict refuses skipped %s)",
				where && *where ? where : "", where && *where ? ": " : "",
				reason, t->unit);
	return 0;
}

void tally_note(struct tally *t, const char *what, const char *where)
{
	items_add(&t->notes, &t->nnotes, &t->anotes, what, where, 1);
}

void tally_assume(struct tally *t, const char *what, const char *where)
{
	items_add(&t->assumptions, &t->nassumptions, &t->aassumptions, what, where, 1);
}

int64_t tally_skipped(const struct tally *t)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < t->nskips; i++)
		n += t->skips[i].count;
	return n;
}

int tally_balanced(const struct tally *t)
{
	return t->read == t->used + tally_skipped(t);
}

static json_t *items_json(const struct tally_item *v, size_t n, const char *key)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:s?}", key, v[i].what,
						   "count", (json_int_t)v[i].count,
						   "first", v[i].where));
	return a;
}

json_t *tally_json(const struct tally *t)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:o, s:o, s:o}",
			 "unit", t->unit,
			 "read", (json_int_t)t->read,
			 "used", (json_int_t)t->used,
			 "skipped", (json_int_t)tally_skipped(t),
			 "skips", items_json(t->skips, t->nskips, "reason"),
			 "not_used", items_json(t->notes, t->nnotes, "what"),
			 "assumptions", items_json(t->assumptions, t->nassumptions, "what"));
}

static int items_from_json(struct tally_item **v, size_t *nv, size_t *av,
			   const json_t *a, const char *key, struct aiv_err *err)
{
	const json_t *it;
	size_t i;

	if (!json_is_array(a))
		return aiv_fail(err, AIV_EINPUT, "tally: '%s' list missing", key);
	json_array_foreach(a, i, it) {
		const char *what = json_string_value(json_object_get(it, key));
		const json_t *c = json_object_get(it, "count");

		if (!what || !json_is_integer(c) || json_integer_value(c) < 0)
			return aiv_fail(err, AIV_EINPUT, "tally: item %zu has no '%s' or count",
					i, key);
		items_add(v, nv, av, what, json_string_value(json_object_get(it, "first")),
			  json_integer_value(c));
	}
	return 0;
}

int tally_from_json(struct tally *t, const json_t *j, struct aiv_err *err)
{
	const json_t *r = json_object_get(j, "read"), *u = json_object_get(j, "used");
	int ret;

	tally_init(t, "rows");
	if (!json_is_integer(r) || !json_is_integer(u))
		return aiv_fail(err, AIV_EINPUT, "tally: 'read' and 'used' must be integers");
	t->read = json_integer_value(r);
	t->used = json_integer_value(u);
	if ((ret = items_from_json(&t->skips, &t->nskips, &t->askips,
				   json_object_get(j, "skips"), "reason", err)) ||
	    (ret = items_from_json(&t->notes, &t->nnotes, &t->anotes,
				   json_object_get(j, "not_used"), "what", err)) ||
	    (ret = items_from_json(&t->assumptions, &t->nassumptions, &t->aassumptions,
				   json_object_get(j, "assumptions"), "what", err))) {
		tally_release(t);
		return ret;
	}
	return 0;
}

/* 1234567 as "1,234,567" into buf (at least 32 bytes). */
static const char *grouped(int64_t v, char *buf)
{
	char tmp[32];
	int len, i, o = 0, neg = v < 0;

	len = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	for (i = 0; i < len; i++) {
		if (i > neg && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = 0;
	return buf;
}

static void items_print(const struct tally_item *v, size_t n, const char *label,
			FILE *f, int indent)
{
	char b[32];
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(f, "%*s%s %s: %s", indent + 2, "", label, grouped(v[i].count, b),
			v[i].what);
		if (v[i].where)
			fprintf(f, " (first at %s)", v[i].where);
		fputc('\n', f);
	}
}

void tally_print(const struct tally *t, FILE *f, int indent)
{
	char b1[32], b2[32], b3[32];

	fprintf(f, "%*sread %s %s: %s used, %s skipped\n", indent, "",
		grouped(t->read, b1), t->unit, grouped(t->used, b2),
		grouped(tally_skipped(t), b3));
	items_print(t->skips, t->nskips, "skipped", f, indent);
	items_print(t->notes, t->nnotes, "not used", f, indent);
	items_print(t->assumptions, t->nassumptions, "assumed", f, indent);
}
