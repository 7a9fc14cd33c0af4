/*
 * pricebook.c - the PriceBook kind: parse and check a document into its
 * canonical spec, keep it in the apply engine's objects table (no typed
 * rows: the spec is the book, and the ledger keeps its history), and load
 * every stored book into one typed, sorted struct pricebook for cost.c.
 *
 * Amounts stay in the spec as the text the user wrote ("19.00"); they are
 * checked here with core/money's parser and parsed again on load, so the
 * one parser decides what an amount is.
 */
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "assess/cost.h"
#include "assess/pricebook.h"
#include "core/cjson.h"
#include "metrics/adoption.h"
#include "core/yaml.h"

struct line_def {
	const char *list;       /* "seats" */
	const char *subject;    /* "tool" */
	int subject_required;
	const char *a, *b;      /* amount fields; b may be NULL */
	int extra;              /* money_parse's extra digits */
};

static const struct line_def defs[] = {
	[PRICE_SEAT] = { "seats", "tool", 1, "per_month", NULL, 0 },
	[PRICE_MODEL] = { "models", "model", 1, "input_per_million", "output_per_million",
			  PRICE_FINE_DIGITS },
	[PRICE_AGENT] = { "agents", "agent", 0, "per_decision", "per_tool_call",
			  PRICE_FINE_DIGITS },
};

/* A YYYY-MM-DD date as days since epoch, by the adoption metrics' one day parser. */
static int parse_day(const char *text, int32_t *day)
{
	int32_t d = adoption_parse_day(text);

	if (d == INT32_MIN)
		return -1;
	*day = d;
	return 0;
}

/* One amount field of a line: checked, not negative, copied as text into o. */
static int amount_field(const struct ypos *p, struct fy_node *item, const char *key,
			const struct money_currency *cur, int extra, json_t *o, const char *what)
{
	struct aiv_err why = AIV_ERR_INIT;
	const char *text = NULL;
	int64_t v;
	int ret;

	if ((ret = yget_str(p, item, key, 0, &text, what)) || !text)
		return ret;
	if (money_parse(text, cur, extra, &v, "field", &why))
		return yfail(p, yget(item, key), AIV_EINPUT, "%s: field '%s': %s", what, key,
			     why.msg + strlen("field: "));
	if (v < 0)
		return yfail(p, yget(item, key), AIV_EINPUT, "%s: field '%s' is negative (%s): "
			     "a price is 0 or more", what, key, text);
	json_object_set_new(o, key, json_string(text));
	return 0;
}

static int parse_lines(const struct ypos *p, struct fy_node *doc, enum price_kind kind,
		       const struct money_currency *cur, const char *book, json_t *spec)
{
	static const char *const keys[][8] = {
		[PRICE_SEAT] = { "tool", "plan", "per_month", "effective_from", "currency", NULL },
		[PRICE_MODEL] = { "model", "input_per_million", "output_per_million",
				  "effective_from", "currency", NULL },
		[PRICE_AGENT] = { "agent", "per_decision", "per_tool_call", "effective_from",
				  "currency", NULL },
	};
	const struct line_def *d = &defs[kind];
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	json_t *arr;
	size_t i = 0;
	char what[300];
	int ret;

	snprintf(what, sizeof(what), "price book '%s': %s", book, d->list);
	if ((ret = yget_seq(p, doc, d->list, 0, &seq, what)) || !seq)
		return ret;
	arr = json_array();
	json_object_set_new(spec, d->list, arr);
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *subject = NULL, *from = NULL, *ccy = NULL, *plan = NULL;
		json_t *o, *prev;
		int32_t day;
		size_t j;

		snprintf(what, sizeof(what), "price book '%s': %s[%zu]", book, d->list, i++);
		if (!fy_node_is_mapping(item))
			return yfail(p, item, AIV_EINPUT, "%s: expected a mapping", what);
		if ((ret = ycheck_keys(p, item, keys[kind], what)) ||
		    (ret = yget_str(p, item, d->subject, d->subject_required, &subject, what)) ||
		    (ret = yget_str(p, item, "effective_from", 1, &from, what)) ||
		    (ret = yget_str(p, item, "currency", 0, &ccy, what)))
			return ret;
		if (kind == PRICE_SEAT && (ret = yget_str(p, item, "plan", 0, &plan, what)))
			return ret;
		if (ccy && !money_currency(ccy))
			return yfail(p, yget(item, "currency"), AIV_EINPUT,
				     "%s: field 'currency': unknown currency '%s' (an ISO 4217 "
				     "code such as EUR, USD, GBP)", what, ccy);
		if (ccy && strcmp(ccy, cur->code))
			return yfail(p, yget(item, "currency"), AIV_EINPUT,
				     "%s: field 'currency': mixed currencies: %s in a book in %s "
				     "(one currency per workspace)", what, ccy, cur->code);
		if (parse_day(from, &day))
			return yfail(p, yget(item, "effective_from"), AIV_EINPUT,
				     "%s: field 'effective_from' must be a date YYYY-MM-DD, not "
				     "'%s'", what, from);
		o = json_object();
		json_array_append_new(arr, o);
		if (subject)
			json_object_set_new(o, d->subject, json_string(subject));
		if (plan)
			json_object_set_new(o, "plan", json_string(plan));
		json_object_set_new(o, "effective_from", json_string(from));
		if ((ret = amount_field(p, item, d->a, cur, d->extra, o, what)) ||
		    (d->b && (ret = amount_field(p, item, d->b, cur, d->extra, o, what))))
			return ret;
		if (!json_object_get(o, d->a) && !(d->b && json_object_get(o, d->b)))
			return yfail(p, item, AIV_EINPUT, "%s: give %s%s%s", what, d->a,
				     d->b ? " or " : "", d->b ? d->b : "");
		if (kind == PRICE_MODEL && !(json_object_get(o, d->a) && json_object_get(o, d->b)))
			return yfail(p, item, AIV_EINPUT, "%s: give both %s and %s", what, d->a,
				     d->b);
		json_array_foreach(arr, j, prev) {
			const char *ps = json_str(prev, d->subject);
			if (prev == o)
				break;
			if (!strcmp(ps ? ps : "", subject ? subject : "") &&
			    !strcmp(json_str(prev, "effective_from"), from))
				return yfail(p, item, AIV_EINPUT, "%s: a second price for %s '%s' "
					     "from %s", what, d->subject,
					     subject ? subject : "(every agent)", from);
		}
	}
	return 0;
}

static int book_parse(const struct ypos *p, struct fy_node *doc, const struct catalog *cat,
		      json_t **out)
{
	static const char *const keys[] = { "kind", "name", "currency", "seats", "models",
					    "agents", "description", NULL };
	const char *name = NULL, *ccy = NULL, *desc = NULL;
	const struct money_currency *cur;
	json_t *spec;
	char what[200];
	int ret;

	(void)cat;
	*out = NULL;
	if ((ret = yget_str(p, doc, "name", 1, &name, "price book")))
		return ret;
	snprintf(what, sizeof(what), "price book '%s'", name);
	if ((ret = ycheck_keys(p, doc, keys, what)) ||
	    (ret = yget_str(p, doc, "currency", 1, &ccy, what)) ||
	    (ret = yget_str(p, doc, "description", 0, &desc, what)))
		return ret;
	if (!(cur = money_currency(ccy)))
		return yfail(p, yget(doc, "currency"), AIV_EINPUT,
			     "%s: field 'currency': unknown currency '%s' (an ISO 4217 code "
			     "such as EUR, USD, GBP)", what, ccy);
	spec = json_pack("{s:s, s:s}", "name", name, "currency", cur->code);
	if (!spec)
		return yfail(p, yget(doc, "name"), AIV_EINPUT, "%s: name is not valid UTF-8", what);
	if (desc)
		json_object_set_new(spec, "description", json_string(desc));
	if ((ret = parse_lines(p, doc, PRICE_SEAT, cur, name, spec)) ||
	    (ret = parse_lines(p, doc, PRICE_MODEL, cur, name, spec)) ||
	    (ret = parse_lines(p, doc, PRICE_AGENT, cur, name, spec))) {
		json_decref(spec);
		return ret;
	}
	*out = spec;
	return 0;
}

struct currency_check {
	const char *name, *code;
	struct aiv_err *err;
};

static int check_other(const struct apply_object *o, void *data)
{
	struct currency_check *c = data;
	json_t *spec;
	const char *code;
	int ret = 0;

	if (!strcmp(o->name, c->name))
		return 0;
	spec = json_loads(o->spec, 0, NULL);
	code = spec ? json_str(spec, "currency") : NULL;
	if (code && strcmp(code, c->code))
		ret = aiv_fail(c->err, AIV_EINPUT, "price book '%s': field 'currency': mixed "
			       "currencies: %s, but price book '%s' is in %s (one currency per "
			       "workspace)", c->name, c->code, o->name, code);
	json_decref(spec);
	return ret;
}

/* The spec is the book (objects table); put only refuses a second currency. */
static int book_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	struct currency_check c = { json_str(spec, "name"), json_str(spec, "currency"), err };

	return apply_each_object(s, "PriceBook", check_other, &c, err);
}

static int book_del(struct store *s, const char *name, struct aiv_err *err)
{
	(void)s;
	(void)name;
	(void)err;
	return 0;
}

static const struct kind_ref book_refs[] = { { NULL, NULL } };
static const char *const book_cols[] = { "name", "currency", "description", NULL };

static const struct kind_ops pricebook_kind = {
	"PriceBook", "pricebooks", "price book", book_parse, book_put, book_del,
	book_refs, book_cols,
};

void cost_register_kinds(void)
{
	apply_register(&pricebook_kind);
}

/* ---- the typed book ------------------------------------------------------ */

static int cmp_line(const void *a, const void *b)
{
	const struct price_line *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(x->subject, y->subject)))
		return c;
	return x->from_day < y->from_day ? -1 : x->from_day > y->from_day;
}

static int64_t amount_of(const json_t *o, const char *key, const struct money_currency *cur,
			 int extra)
{
	int64_t v;

	if (!key || !json_str(o, key) || money_parse(json_str(o, key), cur, extra, &v, key, NULL))
		return -1;
	return v;
}

int pricebook_load(struct store *s, struct pricebook *pb, struct aiv_err *err)
{
	json_t *books, *book, *lines, *o;
	size_t i, j, alloc = 0;
	int k, ret;

	memset(pb, 0, sizeof(*pb));
	if ((ret = apply_object_specs(s, "PriceBook", &books, err)))
		return ret;
	json_array_foreach(books, i, book) {
		const struct money_currency *cur = money_currency(json_str(book, "currency"));

		if (!cur || (pb->currency && pb->currency != cur)) {
			ret = aiv_fail(err, AIV_ESTATE, "price book '%s': currency '%s' %s",
				       json_str(book, "name"), json_str(book, "currency"),
				       cur ? "differs from the other books'" : "is unknown");
			goto cleanup;
		}
		pb->currency = cur;
		for (k = PRICE_SEAT; k <= PRICE_AGENT; k++) {
			const struct line_def *d = &defs[k];

			lines = json_object_get(book, d->list);
			json_array_foreach(lines, j, o) {
				struct price_line *l;
				int32_t day;

				if (parse_day(json_str(o, "effective_from"), &day)) {
					ret = aiv_fail(err, AIV_ESTATE, "price book '%s': %s[%zu]: bad "
						       "effective_from", json_str(book, "name"),
						       d->list, j);
					goto cleanup;
				}
				ALLOC_GROW(pb->lines, pb->n + 1, alloc);
				l = &pb->lines[pb->n++];
				l->kind = (enum price_kind)k;
				l->subject = xstrdup(json_str(o, d->subject) ? json_str(o, d->subject)
						     : "");
				l->book = xstrdup(json_str(book, "name"));
				l->from_day = day;
				l->a = amount_of(o, d->a, cur, d->extra);
				l->b = amount_of(o, d->b, cur, d->extra);
			}
		}
	}
	if (pb->n)
		qsort(pb->lines, pb->n, sizeof(*pb->lines), cmp_line);
	ret = 0;
cleanup:
	json_decref(books);
	if (ret)
		pricebook_release(pb);
	return ret;
}

void pricebook_release(struct pricebook *pb)
{
	size_t i;

	for (i = 0; i < pb->n; i++) {
		free(pb->lines[i].subject);
		free(pb->lines[i].book);
	}
	free(pb->lines);
	memset(pb, 0, sizeof(*pb));
}

static const struct price_line *line_at(const struct pricebook *pb, enum price_kind kind,
					const char *subject, int32_t day)
{
	const struct price_line *best = NULL;
	size_t lo = 0, hi = pb->n, i;

	/* first line of (kind, subject) by binary search, then walk its dates */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct price_line *l = &pb->lines[mid];
		int c = l->kind != kind ? (l->kind < kind ? -1 : 1) : strcmp(l->subject, subject);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < pb->n && pb->lines[i].kind == kind &&
		     !strcmp(pb->lines[i].subject, subject) && pb->lines[i].from_day <= day; i++)
		best = &pb->lines[i];
	return best;
}

const struct price_line *pricebook_at(const struct pricebook *pb, enum price_kind kind,
				      const char *subject, int32_t day)
{
	const struct price_line *l = line_at(pb, kind, subject, day);

	if (!l && kind == PRICE_AGENT && *subject)
		l = line_at(pb, kind, "", day);
	return l;
}
