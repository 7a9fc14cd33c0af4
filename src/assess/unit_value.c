/*
 * unit_value.c - `kind: UnitValue` (see unit_value.h): parse and check a
 * document into its canonical spec, and read the applied ones back as
 * typed structs for value.c.
 *
 * The spec is the whole state, so put/del write no typed rows: the apply
 * engine keeps the spec in its objects table and the change in the
 * ledger, and uv_load reads them through apply_each_object.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "org/org.h"
#include "unit_value.h"

static const char *const uv_types[] = { "hourly_cost", "conversion", "exception", "rework",
					 "case", NULL };
static const char *const uv_words[] = { "hour", "conversion", "exception", "rework loop",
					 "case", NULL };

const char *uv_unit_word(const char *type)
{
	size_t i;

	for (i = 0; type && uv_types[i]; i++)
		if (!strcmp(type, uv_types[i]))
			return uv_words[i];
	return "unit";
}

/*
 * A declared amount: digits, then optionally '.' and digits.  Only the
 * shape is checked here; money_parse reads the value with the workspace
 * currency's digits when a figure is computed.
 */
static int amount_shape(const char *s, const char **why)
{
	size_t i = 0, digits = 0;

	if (*s == '-') {
		*why = "must not be negative";
		return -1;
	}
	while (s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (s[i] == '.') {
		size_t frac = 0;
		i++;
		while (s[i] >= '0' && s[i] <= '9')
			i++, frac++;
		if (!frac)
			digits = 0;
	}
	if (!digits || s[i]) {
		*why = "must be a decimal number such as \"85.00\" (a dot, no thousands separators)";
		return -1;
	}
	return 0;
}

static int by_from(const void *a, const void *b)
{
	const char *x = json_str(*(json_t *const *)a, "from");
	const char *y = json_str(*(json_t *const *)b, "from");

	return strcmp(x, y);
}

static int parse_amounts(const struct ypos *p, struct fy_node *doc, json_t *spec,
			 const char *what)
{
	static const char *const akeys[] = { "from", "amount", NULL };
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	json_t **v = NULL, *arr;
	size_t n = 0, alloc = 0, i;
	int ret;

	if ((ret = yget_seq(p, doc, "amounts", 1, &seq, what)))
		return ret;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *from = NULL, *amount = NULL, *why = NULL;
		int64_t us;
		json_t *a;
		if (!fy_node_is_mapping(item)) {
			ret = yfail(p, item, AIV_EINPUT, "%s: each of 'amounts' must be a map with "
				    "'from' and 'amount'", what);
			goto fail;
		}
		if ((ret = ycheck_keys(p, item, akeys, what)) ||
		    (ret = yget_str(p, item, "from", 1, &from, what)) ||
		    (ret = yget_str(p, item, "amount", 1, &amount, what)))
			goto fail;
		if (strlen(from) != 10 || time_parse_iso(from, &us)) {
			ret = yfail(p, yget(item, "from"), AIV_EINPUT,
				    "%s: amounts: from must be a date YYYY-MM-DD, not '%s'", what, from);
			goto fail;
		}
		if (amount_shape(amount, &why)) {
			ret = yfail(p, yget(item, "amount"), AIV_EINPUT, "%s: amounts: amount '%s' %s",
				    what, amount, why);
			goto fail;
		}
		for (i = 0; i < n; i++)
			if (!strcmp(json_str(v[i], "from"), from)) {
				ret = yfail(p, yget(item, "from"), AIV_EINPUT,
					    "%s: amounts: two amounts from %s", what, from);
				goto fail;
			}
		a = json_object();
		json_object_set_new(a, "from", json_string(from));
		json_object_set_new(a, "amount", json_string(amount));
		ALLOC_GROW(v, n + 1, alloc);
		v[n++] = a;
	}
	if (!n) {
		ret = yfail(p, yget(doc, "amounts"), AIV_EINPUT, "%s: 'amounts' is empty", what);
		goto fail;
	}
	if (n)
		qsort(v, n, sizeof(*v), by_from);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
	json_object_set_new(spec, "amounts", arr);
	return 0;
fail:
	for (i = 0; i < n; i++)
		json_decref(v[i]);
	free(v);
	return ret;
}

static int uv_parse(const struct ypos *p, struct fy_node *doc, const struct catalog *cat,
		    json_t **out)
{
	static const char *const keys[] = { "kind", "name", "type", "role", "process",
					    "hypotheses", "volume_per_year", "amounts", NULL };
	json_t *spec = json_object();
	const char *name = NULL, *type = NULL, *role = NULL, *process = NULL;
	struct fy_node *seq = NULL, *item;
	long long vol = -1;
	void *it = NULL;
	char what[200];
	size_t i;
	int ret;

	(void)cat;
	if ((ret = yget_str(p, doc, "name", 1, &name, "unit value")))
		goto fail;
	if (!org_valid_name(name)) {
		ret = yfail(p, yget(doc, "name"), AIV_EINPUT, "unit value: name '%s' must be "
			    "lowercase letters and digits, then also '.', '-' or '_'", name);
		goto fail;
	}
	snprintf(what, sizeof(what), "unit value '%s'", name);
	json_object_set_new(spec, "name", json_string(name));
	if ((ret = ycheck_keys(p, doc, keys, what)) ||
	    (ret = yget_str(p, doc, "type", 1, &type, what)) ||
	    (ret = yget_str(p, doc, "role", 0, &role, what)) ||
	    (ret = yget_str(p, doc, "process", 0, &process, what)) ||
	    (ret = yget_int(p, doc, "volume_per_year", 0, &vol, what)) ||
	    (ret = yget_seq(p, doc, "hypotheses", 0, &seq, what)))
		goto fail;
	for (i = 0; uv_types[i] && strcmp(uv_types[i], type); i++)
		;
	if (!uv_types[i]) {
		ret = yfail(p, yget(doc, "type"), AIV_EINPUT, "%s: unknown type '%s' (one of "
			    "hourly_cost, conversion, exception, rework, case)", what, type);
		goto fail;
	}
	json_object_set_new(spec, "type", json_string(type));
	if (!strcmp(type, "hourly_cost") && !role) {
		ret = yfail(p, yget(doc, "type"), AIV_EINPUT, "%s: an hourly_cost needs 'role'", what);
		goto fail;
	}
	if (role)
		json_object_set_new(spec, "role", json_string(role));
	if (process)
		json_object_set_new(spec, "process", json_string(process));
	if (yget(doc, "volume_per_year")) {
		if (vol < 0) {
			ret = yfail(p, yget(doc, "volume_per_year"), AIV_EINPUT,
				    "%s: volume_per_year must not be negative", what);
			goto fail;
		}
		json_object_set_new(spec, "volume_per_year", json_integer(vol));
	}
	if (seq) {
		json_t *arr = json_array();
		json_object_set_new(spec, "hypotheses", arr);
		while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
			const char *h = ytext(item);
			if (!h || !*h) {
				ret = yfail(p, item, AIV_EINPUT, "%s: items of 'hypotheses' must be "
					    "hypothesis names", what);
				goto fail;
			}
			json_array_append_new(arr, json_string(h));
		}
	}
	if ((ret = parse_amounts(p, doc, spec, what)))
		goto fail;
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

static int no_rows_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	(void)s;
	(void)spec;
	(void)err;
	return 0;
}

static int no_rows_del(struct store *s, const char *name, struct aiv_err *err)
{
	(void)s;
	(void)name;
	(void)err;
	return 0;
}

static const struct kind_ref uv_refs[] = { { "hypotheses", "Hypothesis" }, { NULL, NULL } };
static const char *const uv_cols[] = { "name", "type", "role", "process", NULL };

const struct kind_ops unit_value_kind = {
	"UnitValue", "unitvalues", "unitvalue", uv_parse, no_rows_put, no_rows_del,
	uv_refs, uv_cols,
};

/* ---- typed read ---- */

struct load_ctx {
	struct uv_set *set;
	size_t alloc;
};

static int load_one(const struct apply_object *o, void *data)
{
	struct load_ctx *lc = data;
	json_t *spec = json_loads(o->spec, 0, NULL), *arr;
	struct unit_value *v;
	size_t i;

	if (!spec)
		return 0;
	ALLOC_GROW(lc->set->v, lc->set->n + 1, lc->alloc);
	v = &lc->set->v[lc->set->n++];
	memset(v, 0, sizeof(*v));
	v->name = xstrdup(o->name);
	v->type = xstrdup(json_str(spec, "type") ? json_str(spec, "type") : "");
	v->role = json_str(spec, "role") ? xstrdup(json_str(spec, "role")) : NULL;
	v->process = json_str(spec, "process") ? xstrdup(json_str(spec, "process")) : NULL;
	v->volume_per_year = json_is_integer(json_object_get(spec, "volume_per_year")) ?
			     json_integer_value(json_object_get(spec, "volume_per_year")) : -1;
	v->updated_seq = o->updated_seq;
	arr = json_object_get(spec, "hypotheses");
	v->nhypotheses = json_array_size(arr);
	v->hypotheses = xcalloc(v->nhypotheses + 1, sizeof(*v->hypotheses));
	for (i = 0; i < v->nhypotheses; i++)
		v->hypotheses[i] = xstrdup(json_string_value(json_array_get(arr, i)) ?
					   json_string_value(json_array_get(arr, i)) : "");
	arr = json_object_get(spec, "amounts");
	v->amounts = xcalloc(json_array_size(arr) + 1, sizeof(*v->amounts));
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *a = json_array_get(arr, i);
		int64_t us;
		if (!json_str(a, "from") || !json_str(a, "amount") ||
		    time_parse_iso(json_str(a, "from"), &us))
			continue;
		v->amounts[v->namounts].from_us = us;
		v->amounts[v->namounts++].amount = xstrdup(json_str(a, "amount"));
	}
	json_decref(spec);
	return 0;
}

int uv_load(struct store *s, struct uv_set *out, struct aiv_err *err)
{
	struct load_ctx lc = { out, 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = apply_each_object(s, "UnitValue", load_one, &lc, err);
	if (ret)
		uv_set_release(out);
	return ret;
}

void uv_set_release(struct uv_set *set)
{
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		struct unit_value *v = &set->v[i];
		free(v->name);
		free(v->type);
		free(v->role);
		free(v->process);
		for (j = 0; j < v->nhypotheses; j++)
			free(v->hypotheses[j]);
		free(v->hypotheses);
		for (j = 0; j < v->namounts; j++)
			free(v->amounts[j].amount);
		free(v->amounts);
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}

const struct unit_value *uv_for_hypothesis(const struct uv_set *set, const char *hyp)
{
	size_t i, j;

	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->v[i].nhypotheses; j++)
			if (!strcmp(set->v[i].hypotheses[j], hyp))
				return &set->v[i];
	return NULL;
}

const struct unit_value *uv_find(const struct uv_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].name, name))
			return &set->v[i];
	return NULL;
}

const char *uv_amount_at(const struct unit_value *v, int64_t at_us)
{
	const char *a = NULL;
	size_t i;

	for (i = 0; i < v->namounts && v->amounts[i].from_us <= at_us; i++)
		a = v->amounts[i].amount;
	return a;
}
