/*
 * cedar_eval.c - Cedar values, the entity store, the evaluator and the
 * authorizer.
 *
 * Evaluation is a direct recursive walk of the AST (cedar_int.h).  An
 * error (type mismatch, missing attribute or entity, overflow) aborts the
 * walk of that policy only: the authorizer records it and skips the
 * policy, as Cedar does.  && and || short-circuit, so an error in the
 * unevaluated operand is no error, again as Cedar.
 *
 * The entity store is an array plus an open-addressing hash index keyed
 * by the uid hash; each entity's transitive ancestors are computed once
 * (cedar_entities_close) into an array sorted by hash, so `A in B` is a
 * binary search.  Ancestors that are not themselves in the store still
 * count (Cedar treats a parent uid as an ancestor whether or not it has
 * an entity record).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cedar_int.h"
#include "core/cjson.h"
#include "core/hash.h"

/* ---- arena ---------------------------------------------------------- */

struct cedar_arena_chunk {
	struct cedar_arena_chunk *next;
	size_t size, used;
	max_align_t data[];
};

#define ARENA_CHUNK (64 * 1024)

void *cedar_arena_alloc(struct cedar_arena *a, size_t n)
{
	struct cedar_arena_chunk *c = a->head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->size - c->used < n) {
		size_t sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = xmalloc(st_add(sizeof(*c), sz));
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	a->used_total += n;
	return p;
}

void cedar_arena_reset(struct cedar_arena *a)
{
	struct cedar_arena_chunk *c = a->head, *keep = NULL;

	while (c) {
		struct cedar_arena_chunk *next = c->next;
		if (!next) {
			keep = c;
			keep->used = 0;
		} else {
			free(c);
		}
		c = next;
	}
	a->head = keep;
	a->used_total = 0;
}

void cedar_arena_release(struct cedar_arena *a)
{
	struct cedar_arena_chunk *c = a->head;

	while (c) {
		struct cedar_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

static char *arena_strndup(struct cedar_arena *a, const char *s, size_t n)
{
	char *p = cedar_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- values --------------------------------------------------------- */

const char *cedar_type_name(int type)
{
	static const char *const names[] = { "bool", "long", "string", "entity", "set",
					     "record", "decimal" };
	return type >= 0 && type <= CV_DECIMAL ? names[type] : "?";
}

void cedar_uid_hash(struct cedar_uid *u)
{
	/* 0xff cannot occur in UTF-8, so it separates type from id */
	uint64_t h = fnv1a64(FNV1A64_INIT, u->type.p, u->type.n);

	h = fnv1a64_word(h, 0xff);
	u->hash = fnv1a64(h, u->id.p, u->id.n);
}

static int str_eq(const struct cedar_str *a, const struct cedar_str *b)
{
	return a->n == b->n && !memcmp(a->p, b->p, a->n);
}

int cedar_uid_eq(const struct cedar_uid *a, const struct cedar_uid *b)
{
	return a == b || (a->hash == b->hash && str_eq(&a->type, &b->type) &&
			  str_eq(&a->id, &b->id));
}

static int set_has(const struct cedar_set *s, const struct cedar_value *v)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (cedar_value_eq(&s->v[i], v))
			return 1;
	return 0;
}

int cedar_value_eq(const struct cedar_value *a, const struct cedar_value *b)
{
	uint32_t i;

	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case CV_BOOL: return !a->u.b == !b->u.b;
	case CV_LONG:
	case CV_DECIMAL: return a->u.l == b->u.l;
	case CV_STRING: return str_eq(&a->u.s, &b->u.s);
	case CV_ENTITY: return cedar_uid_eq(a->u.uid, b->u.uid);
	case CV_SET:
		for (i = 0; i < a->u.set->n; i++)
			if (!set_has(b->u.set, &a->u.set->v[i]))
				return 0;
		for (i = 0; i < b->u.set->n; i++)
			if (!set_has(a->u.set, &b->u.set->v[i]))
				return 0;
		return 1;
	case CV_RECORD:
		if (a->u.rec->n != b->u.rec->n)
			return 0;
		for (i = 0; i < a->u.rec->n; i++)
			if (!str_eq(&a->u.rec->keys[i], &b->u.rec->keys[i]) ||
			    !cedar_value_eq(&a->u.rec->v[i], &b->u.rec->v[i]))
				return 0;
		return 1;
	}
	return 0;
}

static int key_cmp(const char *k, size_t n, const struct cedar_str *s)
{
	size_t m = n < s->n ? n : s->n;
	int c = memcmp(k, s->p, m);

	if (c)
		return c;
	return n < s->n ? -1 : n > s->n;
}

const struct cedar_value *cedar_record_get(const struct cedar_record *r,
					   const char *key, size_t n)
{
	uint32_t lo = 0, hi = r->n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		int c = key_cmp(key, n, &r->keys[mid]);
		if (!c)
			return &r->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * Cedar's decimal text: -?DIGITS.DIGITS with 1 to 4 fractional digits,
 * scaled by 10^4 into an int64 (so -922337203685477.5808 is the least).
 * Digits are accumulated as a negative number, which has the larger range.
 */
int cedar_decimal_parse(const char *s, size_t n, int64_t *out)
{
	size_t i = 0, fd = 0;
	int neg = 0, seen_dot = 0, ipart = 0;
	int64_t v = 0; /* minus the magnitude */

	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (seen_dot || !ipart)
				return -1;
			seen_dot = 1;
			continue;
		}
		if (c < '0' || c > '9')
			return -1;
		if (seen_dot && ++fd > 4)
			return -1;
		if (!seen_dot)
			ipart++;
		if (v < (INT64_MIN + (c - '0')) / 10)
			return -1;
		v = v * 10 - (c - '0');
	}
	if (!seen_dot || fd == 0)
		return -1;
	for (; fd < 4; fd++) {
		if (v < INT64_MIN / 10)
			return -1;
		v *= 10;
	}
	if (!neg && v == INT64_MIN)
		return -1;
	*out = neg ? v : -v;
	return 0;
}

static void decimal_text(struct strbuf *sb, int64_t v)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char frac[8];
	int k = 4;

	snprintf(frac, sizeof(frac), "%04u", (unsigned)(a % 10000));
	while (k > 1 && frac[k - 1] == '0')
		k--;
	strbuf_addf(sb, "%s%llu.%.*s", v < 0 ? "-" : "", (unsigned long long)(a / 10000),
		    k, frac);
}

void cedar_value_json(struct strbuf *sb, const struct cedar_value *v)
{
	uint32_t i;

	switch (v->type) {
	case CV_BOOL: strbuf_addstr(sb, v->u.b ? "true" : "false"); break;
	case CV_LONG: strbuf_addf(sb, "%lld", (long long)v->u.l); break;
	case CV_STRING: strbuf_add_json_str(sb, v->u.s.p, v->u.s.n); break;
	case CV_DECIMAL:
		strbuf_addstr(sb, "{\"__extn\":{\"fn\":\"decimal\",\"arg\":\"");
		decimal_text(sb, v->u.l);
		strbuf_addstr(sb, "\"}}");
		break;
	case CV_ENTITY:
		strbuf_addstr(sb, "{\"__entity\":{\"type\":");
		strbuf_add_json_str(sb, v->u.uid->type.p, v->u.uid->type.n);
		strbuf_addstr(sb, ",\"id\":");
		strbuf_add_json_str(sb, v->u.uid->id.p, v->u.uid->id.n);
		strbuf_addstr(sb, "}}");
		break;
	case CV_SET:
		strbuf_addch(sb, '[');
		for (i = 0; i < v->u.set->n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			cedar_value_json(sb, &v->u.set->v[i]);
		}
		strbuf_addch(sb, ']');
		break;
	case CV_RECORD:
		strbuf_addch(sb, '{');
		for (i = 0; i < v->u.rec->n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			strbuf_add_json_str(sb, v->u.rec->keys[i].p, v->u.rec->keys[i].n);
			strbuf_addch(sb, ':');
			cedar_value_json(sb, &v->u.rec->v[i]);
		}
		strbuf_addch(sb, '}');
		break;
	}
}

/* One identifier component [A-Za-z_][A-Za-z0-9_]* that Cedar does not reserve. */
static int valid_ident(const char *s, size_t n)
{
	static const char *const reserved[] = { "true", "false", "if", "then", "else", "in",
						"is", "like", "has", "__cedar", NULL };
	size_t i;

	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	for (i = 0; reserved[i]; i++)
		if (strlen(reserved[i]) == n && !memcmp(reserved[i], s, n))
			return 0;
	return 1;
}

/*
 * Is s an entity type name as Cedar's JSON accepts it: IDENT{::IDENT},
 * normalised (no spaces), no reserved component?
 */
static int valid_type_path(const char *s, size_t n)
{
	size_t st = 0, i;

	for (i = 0; i <= n; i++) {
		if (i < n && !(s[i] == ':' && i + 1 < n && s[i + 1] == ':'))
			continue;
		if (!valid_ident(s + st, i - st))
			return 0;
		st = i + 2;
		i++;
	}
	return 1;
}

int cedar_uid_from_json(struct cedar_arena *a, const json_t *j, struct cedar_uid *out)
{
	const json_t *t, *id;

	if (json_is_object(j) && json_object_get(j, "__entity"))
		j = json_object_get(j, "__entity");
	t = json_object_get(j, "type");
	id = json_object_get(j, "id");
	if (!json_is_string(t) || !json_is_string(id) || json_object_size(j) != 2 ||
	    !valid_type_path(json_string_value(t), json_string_length(t)))
		return -1;
	out->type.p = arena_strndup(a, json_string_value(t), json_string_length(t));
	out->type.n = (uint32_t)json_string_length(t);
	out->id.p = arena_strndup(a, json_string_value(id), json_string_length(id));
	out->id.n = (uint32_t)json_string_length(id);
	cedar_uid_hash(out);
	return 0;
}

int cedar_uid_parse(struct cedar_arena *a, const char *text, struct cedar_uid *out)
{
	const char *q = strstr(text, "::\""), *e;
	size_t n = strlen(text), k = 0;
	char *id;

	if (!q || n < 4 || text[n - 1] != '"' || !valid_type_path(text, (size_t)(q - text)))
		return -1;
	e = text + n - 1;
	id = cedar_arena_alloc(a, (size_t)(e - q) + 1);
	for (q += 3; q < e; q++) {
		if (*q == '\\') {
			if (q + 1 >= e || (q[1] != '"' && q[1] != '\\'))
				return -1;
			q++;
		} else if (*q == '"') {
			return -1;
		}
		id[k++] = *q;
	}
	id[k] = '\0';
	out->type.p = arena_strndup(a, text, (size_t)(strstr(text, "::\"") - text));
	out->type.n = (uint32_t)(strstr(text, "::\"") - text);
	out->id.p = id;
	out->id.n = (uint32_t)k;
	cedar_uid_hash(out);
	return 0;
}

struct keyent {
	const char *k;
	size_t n;
	const json_t *v;
};

static int cmp_keyent(const void *x, const void *y)
{
	const struct keyent *a = x, *b = y;
	size_t m = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->k, b->k, m);

	if (c)
		return c;
	return a->n < b->n ? -1 : a->n > b->n;
}

/*
 * Where a value sits, as a chain up to the caller's name for the root:
 * the text ("context.amount", "context.tags[2]") is written only when a
 * message needs it (an snprintf per key and element before: three per
 * decision over HTTP).
 */
struct jpath {
	const struct jpath *up; /* NULL at the root */
	const char *text;	/* the root's name */
	const char *key;	/* a record's key, or NULL for a set's element */
	size_t idx;
};

/*
 * The path's text: the root's name as given, each level below it cut at
 * 255 bytes as the per-level snprintf into 256 bytes cut it.  buf holds
 * 256 bytes.
 */
static const char *jpath_text(const struct jpath *p, char *buf)
{
	char up[256];
	const char *u;

	if (!p->up)
		return p->text;
	u = jpath_text(p->up, up);
	if (p->key)
		snprintf(buf, 256, "%s.%s", u, p->key);
	else
		snprintf(buf, 256, "%s[%zu]", u, p->idx);
	return buf;
}

static int from_json(struct cedar_arena *a, const json_t *j, int real_as_decimal,
		     const struct jpath *at, struct cedar_value *out, struct aiv_err *err)
{
	char pb[256];
	size_t i;

	switch (json_typeof(j)) {
	case JSON_TRUE:
	case JSON_FALSE:
		out->type = CV_BOOL;
		out->u.b = json_is_true(j);
		return 0;
	case JSON_INTEGER:
		out->type = CV_LONG;
		out->u.l = json_integer_value(j);
		return 0;
	case JSON_REAL: {
		double d = json_real_value(j), scaled = d * 10000.0;
		long long r;
		if (!real_as_decimal)
			return aiv_fail(err, AIV_EINPUT, "%s: a number with a fraction is not a "
					"Cedar value (use a decimal)", jpath_text(at, pb));
		if (!isfinite(d) || fabs(scaled) > 9.2e18)
			return aiv_fail(err, AIV_EINPUT, "%s: number %g is out of the decimal "
					"range", jpath_text(at, pb), d);
		r = llround(scaled);
		if (fabs(scaled - (double)r) > 1e-7 * (fabs(scaled) > 1 ? fabs(scaled) : 1))
			return aiv_fail(err, AIV_EINPUT, "%s: number %.17g has more than four "
					"fractional digits (Cedar decimals have at most four)",
					jpath_text(at, pb), d);
		out->type = CV_DECIMAL;
		out->u.l = r;
		return 0;
	}
	case JSON_STRING:
		out->type = CV_STRING;
		out->u.s.n = (uint32_t)json_string_length(j);
		out->u.s.p = arena_strndup(a, json_string_value(j), out->u.s.n);
		return 0;
	case JSON_ARRAY: {
		struct cedar_set *s = cedar_arena_alloc(a, sizeof(*s));
		s->n = (uint32_t)json_array_size(j);
		s->v = cedar_arena_alloc(a, sizeof(*s->v) * (s->n ? s->n : 1));
		for (i = 0; i < s->n; i++) {
			struct jpath sub = { at, NULL, NULL, i };
			if (from_json(a, json_array_get(j, i), real_as_decimal, &sub, &s->v[i], err))
				return err->code;
		}
		out->type = CV_SET;
		out->u.set = s;
		return 0;
	}
	case JSON_OBJECT: {
		/*
		 * Cedar's escapes, as its JSON reader tells them apart: an object
		 * whose only key is "__entity" holding string "type" and "id" is
		 * an entity, and whose only key is "__extn" holding "fn" and "arg"
		 * an extension value; anything else (a missing id, a second key)
		 * is an ordinary record.  The old "__expr" escape is an error.
		 */
		const json_t *esc = json_object_size(j) == 1 ? json_object_iter_value(
			json_object_iter((json_t *)j)) : NULL;
		const char *ekey = esc ? json_object_iter_key(json_object_iter((json_t *)j)) : "";
		struct cedar_record *r;
		struct keyent *ke;
		const char *k;
		json_t *v;
		if (esc && !strcmp(ekey, "__expr"))
			return aiv_fail(err, AIV_EINPUT, "%s: the \"__expr\" escape is not "
					"supported", jpath_text(at, pb));
		if (esc && !strcmp(ekey, "__entity") &&
		    json_is_string(json_object_get(esc, "type")) &&
		    json_is_string(json_object_get(esc, "id"))) {
			struct cedar_uid *u = cedar_arena_alloc(a, sizeof(*u));
			const json_t *t = json_object_get(esc, "type"), *id = json_object_get(esc, "id");
			if (!valid_type_path(json_string_value(t), json_string_length(t)))
				return aiv_fail(err, AIV_EINPUT, "%s: malformed entity reference "
						"('%s' is not a Cedar type name)", jpath_text(at, pb),
						json_string_value(t));
			u->type.n = (uint32_t)json_string_length(t);
			u->type.p = arena_strndup(a, json_string_value(t), u->type.n);
			u->id.n = (uint32_t)json_string_length(id);
			u->id.p = arena_strndup(a, json_string_value(id), u->id.n);
			cedar_uid_hash(u);
			out->type = CV_ENTITY;
			out->u.uid = u;
			return 0;
		}
		if (esc && !strcmp(ekey, "__extn") && json_is_string(json_object_get(esc, "fn")) &&
		    json_object_get(esc, "arg")) {
			const char *fn = json_str(esc, "fn");
			const json_t *arg = json_object_get(esc, "arg");
			if (strcmp(fn, "decimal"))
				return aiv_fail(err, AIV_EINPUT, "%s: unsupported extension value "
						"(only decimal)", jpath_text(at, pb));
			if (!json_is_string(arg) ||
			    cedar_decimal_parse(json_string_value(arg), json_string_length(arg),
						&out->u.l))
				return aiv_fail(err, AIV_EINPUT, "%s: invalid decimal value",
						jpath_text(at, pb));
			out->type = CV_DECIMAL;
			return 0;
		}
		r = cedar_arena_alloc(a, sizeof(*r));
		r->n = (uint32_t)json_object_size(j);
		r->keys = cedar_arena_alloc(a, sizeof(*r->keys) * (r->n ? r->n : 1));
		r->v = cedar_arena_alloc(a, sizeof(*r->v) * (r->n ? r->n : 1));
		ke = xmalloc(sizeof(*ke) * (r->n ? r->n : 1));
		i = 0;
		json_object_foreach((json_t *)j, k, v) {
			ke[i].k = k;
			ke[i].n = strlen(k);
			ke[i].v = v;
			i++;
		}
		qsort(ke, r->n, sizeof(*ke), cmp_keyent);
		for (i = 0; i < r->n; i++) {
			struct jpath sub = { at, NULL, ke[i].k, 0 };
			r->keys[i].p = arena_strndup(a, ke[i].k, ke[i].n);
			r->keys[i].n = (uint32_t)ke[i].n;
			if (from_json(a, ke[i].v, real_as_decimal, &sub, &r->v[i], err)) {
				free(ke);
				return err->code;
			}
		}
		free(ke);
		out->type = CV_RECORD;
		out->u.rec = r;
		return 0;
	}
	case JSON_NULL:
	default:
		return aiv_fail(err, AIV_EINPUT, "%s: null is not a Cedar value",
				jpath_text(at, pb));
	}
}

int cedar_value_from_json(struct cedar_arena *a, const json_t *j, int real_as_decimal,
			  const char *path, struct cedar_value *out, struct aiv_err *err)
{
	struct jpath root = { NULL, path, NULL, 0 };

	return from_json(a, j, real_as_decimal, &root, out, err);
}

const struct cedar_record *cedar_record_put(struct cedar_arena *a, const struct cedar_record *r,
					   const char *key, const struct cedar_value *v)
{
	struct cedar_record *o = cedar_arena_alloc(a, sizeof(*o));
	size_t n = strlen(key);
	uint32_t lo = 0, hi = r->n, i;
	int found = 0;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		int c = key_cmp(key, n, &r->keys[mid]);
		if (!c) {
			lo = mid;
			found = 1;
			break;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	o->n = r->n + !found;
	o->keys = cedar_arena_alloc(a, sizeof(*o->keys) * o->n);
	o->v = cedar_arena_alloc(a, sizeof(*o->v) * o->n);
	for (i = 0; i < lo; i++) {
		o->keys[i] = r->keys[i];
		o->v[i] = r->v[i];
	}
	o->keys[lo].p = key;
	o->keys[lo].n = (uint32_t)n;
	o->v[lo] = *v;
	for (i = lo + found; i < r->n; i++) {
		o->keys[i + !found] = r->keys[i];
		o->v[i + !found] = r->v[i];
	}
	return o;
}

/* ---- entities ------------------------------------------------------- */

void cedar_entities_init(struct cedar_entities *es)
{
	memset(es, 0, sizeof(*es));
}

void cedar_entities_release(struct cedar_entities *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free((void *)es->v[i].anc);
	free(es->v);
	free(es->index);
	cedar_arena_release(&es->arena);
	memset(es, 0, sizeof(*es));
}

/*
 * The entity index is not the interner (metrics/intern.h) on purpose: its
 * key is a (type, id) pair of slices into the parsed document, hashed
 * once when the uid is made (cedar_uid_hash) and compared without a copy;
 * the interner would copy every pair into its arena to hand out an id the
 * entity array already is.
 */
static void index_rebuild(struct cedar_entities *es)
{
	size_t size = 64, i;

	while (size < es->n * 2 + 2)
		size *= 2;
	free(es->index);
	es->index = xcalloc(size, sizeof(*es->index));
	es->index_size = size;
	for (i = 0; i < es->n; i++) {
		size_t h = (size_t)es->v[i].uid.hash & (size - 1);
		while (es->index[h])
			h = (h + 1) & (size - 1);
		es->index[h] = (uint32_t)i + 1;
	}
}

const struct cedar_entity *cedar_entities_find(const struct cedar_entities *es,
					       const struct cedar_uid *uid)
{
	size_t h, mask;

	if (!es || !es->index_size)
		return NULL;
	mask = es->index_size - 1;
	for (h = (size_t)uid->hash & mask; es->index[h]; h = (h + 1) & mask) {
		const struct cedar_entity *e = &es->v[es->index[h] - 1];
		if (cedar_uid_eq(&e->uid, uid))
			return e;
	}
	return NULL;
}

struct cedar_entity *cedar_entities_add(struct cedar_entities *es,
					const struct cedar_uid *uid,
					struct aiv_err *err)
{
	struct cedar_entity *e;

	if (cedar_entities_find(es, uid)) {
		aiv_fail(err, AIV_EINPUT, "entity %.*s::\"%.*s\" is defined twice",
			 (int)uid->type.n, uid->type.p, (int)uid->id.n, uid->id.p);
		return NULL;
	}
	ALLOC_GROW(es->v, es->n + 1, es->alloc);
	e = &es->v[es->n++];
	memset(e, 0, sizeof(*e));
	e->uid.type.p = arena_strndup(&es->arena, uid->type.p, uid->type.n);
	e->uid.type.n = uid->type.n;
	e->uid.id.p = arena_strndup(&es->arena, uid->id.p, uid->id.n);
	e->uid.id.n = uid->id.n;
	e->uid.hash = uid->hash;
	es->closed = 0;
	if (es->n * 2 + 2 > es->index_size)
		index_rebuild(es);
	else {
		size_t h = (size_t)uid->hash & (es->index_size - 1);
		while (es->index[h])
			h = (h + 1) & (es->index_size - 1);
		es->index[h] = (uint32_t)es->n;
	}
	return e;
}

static int has_ancestor(const struct cedar_entity *e, const struct cedar_uid *anc);

/* Is the type `Action` or `Ns::Action` (Cedar's test for action entities)? */
static int is_action_type(const struct cedar_str *t)
{
	return (t->n == 6 && !memcmp(t->p, "Action", 6)) ||
	       (t->n > 8 && !memcmp(t->p + t->n - 8, "::Action", 8));
}

int cedar_entities_add_json(struct cedar_entities *es, const json_t *arr,
			    struct aiv_err *err)
{
	size_t i, k;

	if (!json_is_array(arr))
		return aiv_fail(err, AIV_EINPUT, "entities must be a JSON array");
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i), *attrs, *parents;
		struct cedar_uid uid;
		struct cedar_entity *e;
		struct cedar_value v;
		char path[64];

		if (cedar_uid_from_json(&es->arena, json_object_get(o, "uid"), &uid))
			return aiv_fail(err, AIV_EINPUT, "entities[%zu]: missing or malformed "
					"'uid' ({\"type\": .., \"id\": ..} with a valid Cedar "
					"type name)", i);
		if (!(e = cedar_entities_add(es, &uid, err))) {
			aiv_err_prefix(err, "entities[%zu]", i);
			return err->code;
		}
		attrs = json_object_get(o, "attrs");
		snprintf(path, sizeof(path), "entities[%zu].attrs", i);
		/* Cedar's entity format requires both fields (possibly empty) */
		if (!attrs || !json_object_get(o, "parents"))
			return aiv_fail(err, AIV_EINPUT, "entities[%zu]: missing '%s' (Cedar's "
					"entity format has uid, attrs and parents)", i,
					attrs ? "parents" : "attrs");
		if (attrs) {
			if (!json_is_object(attrs))
				return aiv_fail(err, AIV_EINPUT, "%s: must be an object", path);
			if (cedar_value_from_json(&es->arena, attrs, 0, path, &v, err))
				return err->code;
			e->attrs = (struct cedar_record *)v.u.rec;
		}
		parents = json_object_get(o, "parents");
		if (parents && !json_is_array(parents))
			return aiv_fail(err, AIV_EINPUT, "entities[%zu].parents: must be an array", i);
		e->nparents = (uint32_t)json_array_size(parents);
		e->parents = cedar_arena_alloc(&es->arena,
					       sizeof(*e->parents) * (e->nparents ? e->nparents : 1));
		for (k = 0; k < e->nparents; k++) {
			if (cedar_uid_from_json(&es->arena, json_array_get(parents, k),
						&e->parents[k]))
				return aiv_fail(err, AIV_EINPUT, "entities[%zu].parents[%zu]: "
						"malformed entity reference", i, k);
			/* Cedar: an action's parents are actions */
			if (is_action_type(&e->uid.type) && !is_action_type(&e->parents[k].type))
				return aiv_fail(err, AIV_EINPUT, "entities[%zu].parents[%zu]: action "
						"%.*s::\"%.*s\" has a parent that is not an action", i, k,
						(int)e->uid.type.n, e->uid.type.p, (int)e->uid.id.n,
						e->uid.id.p);
		}
	}
	/* Cedar refuses a hierarchy with a cycle (an entity its own ancestor) */
	cedar_entities_close(es);
	for (i = 0; i < es->n; i++)
		if (has_ancestor(&es->v[i], &es->v[i].uid))
			return aiv_fail(err, AIV_EINPUT, "entities: the parent hierarchy has a "
					"cycle through %.*s::\"%.*s\"", (int)es->v[i].uid.type.n,
					es->v[i].uid.type.p, (int)es->v[i].uid.id.n,
					es->v[i].uid.id.p);
	return 0;
}

static int cmp_anc(const void *x, const void *y)
{
	const struct cedar_uid *a = *(const struct cedar_uid *const *)x;
	const struct cedar_uid *b = *(const struct cedar_uid *const *)y;

	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

void cedar_entities_close(struct cedar_entities *es)
{
	const struct cedar_uid **stack = NULL, **out = NULL;
	size_t sa = 0, oa = 0, i;

	for (i = 0; i < es->n; i++) {
		struct cedar_entity *e = &es->v[i];
		size_t sn = 0, on = 0, k, j;

		free((void *)e->anc);
		for (k = 0; k < e->nparents; k++) {
			ALLOC_GROW(stack, sn + 1, sa);
			stack[sn++] = &e->parents[k];
		}
		while (sn) {
			const struct cedar_uid *u = stack[--sn];
			const struct cedar_entity *pe;
			int seen = 0;
			for (j = 0; j < on; j++)
				if (cedar_uid_eq(out[j], u)) {
					seen = 1;
					break;
				}
			if (seen)
				continue;
			ALLOC_GROW(out, on + 1, oa);
			out[on++] = u;
			pe = cedar_entities_find(es, u);
			if (!pe && es->base)
				pe = cedar_entities_find(es->base, u);
			if (pe)
				for (k = 0; k < pe->nparents; k++) {
					ALLOC_GROW(stack, sn + 1, sa);
					stack[sn++] = &pe->parents[k];
				}
		}
		if (on > 1)
			qsort(out, on, sizeof(*out), cmp_anc);
		e->anc = xmalloc(sizeof(*out) * (on ? on : 1));
		if (on)
			memcpy(e->anc, out, sizeof(*out) * on);
		e->nanc = (uint32_t)on;
	}
	free(stack);
	free(out);
	es->closed = 1;
}

/* Is `anc` an ancestor of entity e (closure computed)? */
static int has_ancestor(const struct cedar_entity *e, const struct cedar_uid *anc)
{
	uint32_t lo = 0, hi = e->nanc;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (e->anc[mid]->hash < anc->hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < e->nanc && e->anc[lo]->hash == anc->hash; lo++)
		if (cedar_uid_eq(e->anc[lo], anc))
			return 1;
	return 0;
}

/* ---- evaluation ----------------------------------------------------- */

struct evctx {
	const struct cedar_entities *es;
	const struct cedar_request *req;
	struct cedar_arena *a;
	const struct cedar_entity *pent, *aent, *rent; /* request entities or NULL */
	const char *emsg;
	uint32_t eline, ecol;
	int depth;
};

static int everr(struct evctx *c, const struct cedar_expr *e, const char *msg)
{
	c->emsg = msg;
	c->eline = e->line;
	c->ecol = e->col;
	return -1;
}

static const struct cedar_entity *find_any(struct evctx *c, const struct cedar_uid *u)
{
	const struct cedar_entity *e = cedar_entities_find(c->es, u);

	if (!e && c->req->extra)
		e = cedar_entities_find(c->req->extra, u);
	return e;
}

static const struct cedar_entity *find_ent(struct evctx *c, const struct cedar_uid *u)
{
	if (u == &c->req->principal)
		return c->pent;
	if (u == &c->req->resource)
		return c->rent;
	if (u == &c->req->action)
		return c->aent;
	return find_any(c, u);
}

/* uid `a` in uid `b` (b: one entity) */
static int uid_in(struct evctx *c, const struct cedar_uid *a, const struct cedar_uid *b)
{
	const struct cedar_entity *e;

	if (cedar_uid_eq(a, b))
		return 1;
	e = find_ent(c, a);
	return e && has_ancestor(e, b);
}

int cedar_like_match(const char *s, size_t n, const char *pat,
		     const unsigned char *star, size_t npat)
{
	size_t si = 0, pi = 0, star_pi = (size_t)-1, star_si = 0;

	while (si < n) {
		if (pi < npat && star[pi]) {
			star_pi = pi++;
			star_si = si;
		} else if (pi < npat && pat[pi] == s[si]) {
			pi++;
			si++;
		} else if (star_pi != (size_t)-1) {
			pi = star_pi + 1;
			si = ++star_si;
		} else {
			return 0;
		}
	}
	while (pi < npat && star[pi])
		pi++;
	return pi == npat;
}

static int ev(struct evctx *c, const struct cedar_expr *e, struct cedar_value *out);

static int ev_type(struct evctx *c, const struct cedar_expr *e, int type,
		   struct cedar_value *out, const char *msg)
{
	if (ev(c, e, out))
		return -1;
	if (out->type != type)
		return everr(c, e, msg);
	return 0;
}

static int ev_method(struct evctx *c, const struct cedar_expr *e, struct cedar_value *out)
{
	struct cedar_value recv, arg, extra;
	uint32_t i;

	if (ev(c, e->a, &recv))
		return -1;
	for (i = 0; i < e->nkids; i++)
		if (ev(c, e->kids[i], i ? &extra : &arg))
			return -1;
	if (e->fn >= CF_LESS_THAN && e->nkids != 1)
		return everr(c, e, "a decimal comparison method takes exactly one argument");
	out->type = CV_BOOL;
	switch (e->fn) {
	case CF_CONTAINS:
		if (recv.type != CV_SET)
			return everr(c, e, "type error: contains() needs a set");
		out->u.b = set_has(recv.u.set, &arg);
		return 0;
	case CF_CONTAINS_ALL:
	case CF_CONTAINS_ANY:
		if (recv.type != CV_SET || arg.type != CV_SET)
			return everr(c, e, e->fn == CF_CONTAINS_ALL
				     ? "type error: containsAll() needs two sets"
				     : "type error: containsAny() needs two sets");
		if (e->fn == CF_CONTAINS_ALL) {
			out->u.b = 1;
			for (i = 0; i < arg.u.set->n && out->u.b; i++)
				out->u.b = set_has(recv.u.set, &arg.u.set->v[i]);
		} else {
			out->u.b = 0;
			for (i = 0; i < arg.u.set->n && !out->u.b; i++)
				out->u.b = set_has(recv.u.set, &arg.u.set->v[i]);
		}
		return 0;
	case CF_IS_EMPTY:
		if (recv.type != CV_SET)
			return everr(c, e, "type error: isEmpty() needs a set");
		out->u.b = recv.u.set->n == 0;
		return 0;
	default:
		if (recv.type != CV_DECIMAL || arg.type != CV_DECIMAL)
			return everr(c, e, "type error: decimal comparison methods need two decimals");
		switch (e->fn) {
		case CF_LESS_THAN: out->u.b = recv.u.l < arg.u.l; break;
		case CF_LESS_THAN_OR_EQUAL: out->u.b = recv.u.l <= arg.u.l; break;
		case CF_GREATER_THAN: out->u.b = recv.u.l > arg.u.l; break;
		default: out->u.b = recv.u.l >= arg.u.l; break;
		}
		return 0;
	}
}

static int ev_in(struct evctx *c, const struct cedar_expr *e, struct cedar_value *out)
{
	struct cedar_value l, r;
	uint32_t i;

	if (ev_type(c, e->a, CV_ENTITY, &l, "type error: left of 'in' must be an entity"))
		return -1;
	if (ev(c, e->b, &r))
		return -1;
	out->type = CV_BOOL;
	if (r.type == CV_ENTITY) {
		out->u.b = uid_in(c, l.u.uid, r.u.uid);
		return 0;
	}
	if (r.type != CV_SET)
		return everr(c, e->b, "type error: right of 'in' must be an entity or a set of entities");
	out->u.b = 0;
	for (i = 0; i < r.u.set->n; i++)
		if (r.u.set->v[i].type != CV_ENTITY)
			return everr(c, e->b, "type error: right of 'in' must be an entity or a set of entities");
	for (i = 0; i < r.u.set->n && !out->u.b; i++)
		out->u.b = uid_in(c, l.u.uid, r.u.set->v[i].u.uid);
	return 0;
}

static int ev_attr(struct evctx *c, const struct cedar_expr *e, struct cedar_value *out,
		   int has)
{
	struct cedar_value base;
	const struct cedar_record *rec = NULL;
	const struct cedar_value *v;

	if (ev(c, e->a, &base))
		return -1;
	if (base.type == CV_ENTITY) {
		const struct cedar_entity *ent = find_ent(c, base.u.uid);
		if (!ent) {
			if (has) {
				out->type = CV_BOOL;
				out->u.b = 0;
				return 0;
			}
			return everr(c, e, "entity does not exist");
		}
		rec = ent->attrs;
	} else if (base.type == CV_RECORD) {
		rec = base.u.rec;
	} else {
		return everr(c, e, has ? "type error: 'has' needs an entity or a record"
				       : "type error: attribute access needs an entity or a record");
	}
	v = rec ? cedar_record_get(rec, e->name.p, e->name.n) : NULL;
	if (has) {
		out->type = CV_BOOL;
		out->u.b = v != NULL;
		return 0;
	}
	if (!v)
		return everr(c, e, "attribute does not exist");
	*out = *v;
	return 0;
}

static int ev(struct evctx *c, const struct cedar_expr *e, struct cedar_value *out)
{
	struct cedar_value l, r;
	uint32_t i;

	switch (e->op) {
	case CX_LIT:
	case CX_DECIMAL:
		*out = e->lit;
		return 0;
	case CX_VAR:
		switch (e->fn) {
		case 0: out->type = CV_ENTITY; out->u.uid = &c->req->principal; return 0;
		case 1: out->type = CV_ENTITY; out->u.uid = &c->req->action; return 0;
		case 2: out->type = CV_ENTITY; out->u.uid = &c->req->resource; return 0;
		default: *out = c->req->context; return 0;
		}
	case CX_NOT:
		if (ev_type(c, e->a, CV_BOOL, out, "type error: '!' needs a boolean"))
			return -1;
		out->u.b = !out->u.b;
		return 0;
	case CX_NEG:
		if (ev_type(c, e->a, CV_LONG, out, "type error: '-' needs a long"))
			return -1;
		if (out->u.l == INT64_MIN)
			return everr(c, e, "overflow in negation");
		out->u.l = -out->u.l;
		return 0;
	case CX_AND:
	case CX_OR:
		if (ev_type(c, e->a, CV_BOOL, out, e->op == CX_AND
			    ? "type error: '&&' needs booleans" : "type error: '||' needs booleans"))
			return -1;
		if ((e->op == CX_AND) != !!out->u.b)
			return 0; /* short circuit */
		return ev_type(c, e->b, CV_BOOL, out, e->op == CX_AND
			       ? "type error: '&&' needs booleans" : "type error: '||' needs booleans");
	case CX_EQ:
	case CX_NE:
		if (ev(c, e->a, &l) || ev(c, e->b, &r))
			return -1;
		out->type = CV_BOOL;
		out->u.b = cedar_value_eq(&l, &r) == (e->op == CX_EQ);
		return 0;
	case CX_LT:
	case CX_LE:
	case CX_GT:
	case CX_GE:
		if (ev(c, e->a, &l) || ev(c, e->b, &r))
			return -1;
		if (l.type != CV_LONG || r.type != CV_LONG)
			return everr(c, e, "type error: comparison needs two longs");
		out->type = CV_BOOL;
		out->u.b = e->op == CX_LT ? l.u.l < r.u.l : e->op == CX_LE ? l.u.l <= r.u.l :
			   e->op == CX_GT ? l.u.l > r.u.l : l.u.l >= r.u.l;
		return 0;
	case CX_ADD:
	case CX_SUB:
	case CX_MUL: {
		int64_t v;
		int ovf;
		if (ev(c, e->a, &l) || ev(c, e->b, &r))
			return -1;
		if (l.type != CV_LONG || r.type != CV_LONG)
			return everr(c, e, "type error: arithmetic needs two longs");
		ovf = e->op == CX_ADD ? __builtin_add_overflow(l.u.l, r.u.l, &v) :
		      e->op == CX_SUB ? __builtin_sub_overflow(l.u.l, r.u.l, &v) :
					__builtin_mul_overflow(l.u.l, r.u.l, &v);
		if (ovf)
			return everr(c, e, "integer overflow");
		out->type = CV_LONG;
		out->u.l = v;
		return 0;
	}
	case CX_IN:
		return ev_in(c, e, out);
	case CX_HAS:
		return ev_attr(c, e, out, 1);
	case CX_ATTR:
		return ev_attr(c, e, out, 0);
	case CX_LIKE:
		if (ev_type(c, e->a, CV_STRING, &l, "type error: 'like' needs a string"))
			return -1;
		out->type = CV_BOOL;
		out->u.b = cedar_like_match(l.u.s.p, l.u.s.n, e->pat, e->star, e->npat);
		return 0;
	case CX_IS:
		if (ev_type(c, e->a, CV_ENTITY, &l, "type error: 'is' needs an entity"))
			return -1;
		out->type = CV_BOOL;
		out->u.b = str_eq(&l.u.uid->type, &e->name);
		/* `x is T in y` is `x is T && x in y`: y only when the type matched */
		if (e->b && out->u.b) {
			if (ev(c, e->b, &r))
				return -1;
			if (r.type == CV_ENTITY) {
				out->u.b = out->u.b && uid_in(c, l.u.uid, r.u.uid);
			} else if (r.type == CV_SET) {
				int any = 0;
				for (i = 0; i < r.u.set->n; i++)
					if (r.u.set->v[i].type != CV_ENTITY)
						return everr(c, e->b, "type error: right of 'in' must be an entity or a set of entities");
				for (i = 0; i < r.u.set->n && !any; i++)
					any = uid_in(c, l.u.uid, r.u.set->v[i].u.uid);
				out->u.b = out->u.b && any;
			} else {
				return everr(c, e->b, "type error: right of 'in' must be an entity or a set of entities");
			}
		}
		return 0;
	case CX_IF:
		if (ev_type(c, e->a, CV_BOOL, &l, "type error: 'if' condition must be a boolean"))
			return -1;
		return ev(c, l.u.b ? e->b : e->c, out);
	case CX_SET: {
		struct cedar_set *s = cedar_arena_alloc(c->a, sizeof(*s));
		s->n = e->nkids;
		s->v = cedar_arena_alloc(c->a, sizeof(*s->v) * (s->n ? s->n : 1));
		for (i = 0; i < s->n; i++)
			if (ev(c, e->kids[i], &s->v[i]))
				return -1;
		out->type = CV_SET;
		out->u.set = s;
		return 0;
	}
	case CX_RECORD: {
		struct cedar_record *rec = cedar_arena_alloc(c->a, sizeof(*rec));
		rec->n = e->nkids;
		rec->keys = e->keys;
		rec->v = cedar_arena_alloc(c->a, sizeof(*rec->v) * (rec->n ? rec->n : 1));
		for (i = 0; i < rec->n; i++)
			if (ev(c, e->kids[i], &rec->v[i]))
				return -1;
		out->type = CV_RECORD;
		out->u.rec = rec;
		return 0;
	}
	case CX_METHOD:
		return ev_method(c, e, out);
	case CX_DECIMAL_CALL:
		for (i = 0; i < e->nkids; i++)
			if (ev(c, e->kids[i], &l))
				return -1;
		if (e->nkids != 1)
			return everr(c, e, "decimal() takes exactly one argument");
		if (ev_type(c, e->a, CV_STRING, &l, "type error: decimal() needs a string"))
			return -1;
		out->type = CV_DECIMAL;
		if (cedar_decimal_parse(l.u.s.p, l.u.s.n, &out->u.l))
			return everr(c, e, "invalid decimal");
		return 0;
	}
	return everr(c, e, "internal error: unknown expression");
}

static int scope_match(struct evctx *c, const struct cedar_scope *sc,
		       const struct cedar_uid *u)
{
	uint32_t i;

	switch (sc->op) {
	case CS_ANY: return 1;
	case CS_EQ: return cedar_uid_eq(u, &sc->uid);
	case CS_IN: return uid_in(c, u, &sc->uid);
	case CS_IS: return str_eq(&u->type, &sc->is_type);
	case CS_IS_IN: return str_eq(&u->type, &sc->is_type) && uid_in(c, u, &sc->uid);
	case CS_IN_SET:
		for (i = 0; i < sc->nset; i++)
			if (uid_in(c, u, &sc->set[i]))
				return 1;
		return 0;
	}
	return 0;
}

void cedar_response_init(struct cedar_response *r)
{
	memset(r, 0, sizeof(*r));
}

void cedar_response_release(struct cedar_response *r)
{
	free(r->permits);
	free(r->forbids);
	free(r->errors);
	memset(r, 0, sizeof(*r));
}

void cedar_authorize(const struct cedar_policyset *ps,
		     const struct cedar_entities *es,
		     const struct cedar_request *req, struct cedar_arena *scratch,
		     struct cedar_response *res)
{
	struct evctx c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.es = es;
	c.req = req;
	c.a = scratch;
	c.pent = find_any(&c, &req->principal);
	c.aent = find_any(&c, &req->action);
	c.rent = find_any(&c, &req->resource);
	res->npermits = res->nforbids = res->nerrors = 0;
	for (i = 0; i < ps->n; i++) {
		const struct cedar_policy *p = &ps->v[i];
		struct cedar_value v;
		uint32_t k;
		int sat = 1;

		if (!scope_match(&c, &p->principal, &req->principal) ||
		    !scope_match(&c, &p->action, &req->action) ||
		    !scope_match(&c, &p->resource, &req->resource))
			continue;
		for (k = 0; k < p->nconds && sat; k++) {
			if (ev(&c, p->conds[k].e, &v) ||
			    (v.type != CV_BOOL &&
			     everr(&c, p->conds[k].e, "type error: a condition must be a boolean"))) {
				ALLOC_GROW(res->errors, res->nerrors + 1, res->alloc_e);
				res->errors[res->nerrors].policy = (uint32_t)i;
				res->errors[res->nerrors].line = c.eline;
				res->errors[res->nerrors].col = c.ecol;
				res->errors[res->nerrors].msg = c.emsg;
				res->nerrors++;
				sat = -1;
				break;
			}
			sat = p->conds[k].is_when ? v.u.b : !v.u.b;
		}
		if (sat != 1)
			continue;
		if (p->effect == CEDAR_PERMIT) {
			ALLOC_GROW(res->permits, res->npermits + 1, res->alloc_p);
			res->permits[res->npermits++] = (uint32_t)i;
		} else {
			ALLOC_GROW(res->forbids, res->nforbids + 1, res->alloc_f);
			res->forbids[res->nforbids++] = (uint32_t)i;
		}
	}
	res->decision = (res->nforbids == 0 && res->npermits > 0) ? CEDAR_ALLOW : CEDAR_DENY;
}
