/*
 * exceptions.c - exception rate, resolution time and cost; see
 * exceptions.h for the definitions.  One pass over the case-grouped
 * columns; the happy path reuses the variants process_stats found and
 * matches each case against them exactly (hash, then sequence compare).
 */
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "core/hash.h"
#include "core/yaml.h"
#include "metrics/exceptions.h"
#include "metrics/stats.h"

int exceptions_rule_parse(const struct ypos *p, struct fy_node *doc, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "description", "activities", NULL };
	const char *name = NULL, *desc = NULL;
	struct fy_node *acts, *it;
	void *iter = NULL;
	json_t *spec = NULL, *arr;
	char what[160];
	int ret;

	*out = NULL;
	if ((ret = ycheck_keys(p, doc, keys, "exception rule")) ||
	    (ret = yget_str(p, doc, "name", 1, &name, "exception rule")))
		return ret;
	snprintf(what, sizeof(what), "exception rule '%s'", name);
	if ((ret = yget_str(p, doc, "description", 0, &desc, what)))
		return ret;
	acts = yget(doc, "activities");
	if (!acts || !fy_node_is_sequence(acts) || !fy_node_sequence_item_count(acts))
		return yfail(p, acts ? ykey(doc, "activities") : doc, AIV_EINPUT,
			     "%s: activities must be a non-empty list of names or patterns", what);
	spec = json_pack("{s:s}", "name", name);
	if (!spec)
		return yfail(p, yget(doc, "name"), AIV_EINPUT, "%s: name is not valid UTF-8", what);
	if (desc)
		json_object_set_new(spec, "description", json_string(desc));
	arr = json_array();
	json_object_set_new(spec, "activities", arr);
	while ((it = fy_node_sequence_iterate(acts, &iter))) {
		const char *t = ytext(it);
		json_t *js = t ? json_string(t) : NULL;
		if (!t || !*t || !js) {
			json_decref(spec);
			return yfail(p, it, AIV_EINPUT, "%s: an activity must be a non-empty "
				     "name or pattern", what);
		}
		json_array_append_new(arr, js);
	}
	*out = spec;
	return 0;
}

static void add_patterns(const json_t *spec, char ***v, size_t *nv, size_t *av)
{
	const json_t *arr = json_object_get(spec, "activities"), *a;
	size_t i;

	json_array_foreach(arr, i, a) {
		ALLOC_GROW(*v, *nv + 2, *av);
		(*v)[(*nv)++] = xstrdup(json_string_value(a));
		(*v)[*nv] = NULL;
	}
}

int exceptions_load_rules(const char *path, char ***out, size_t *n, struct aiv_err *err)
{
	struct ydocs d;
	struct ypos p = { path, err };
	char **v = NULL;
	size_t nv = 0, av = 0, i;
	int ret;

	*out = NULL;
	*n = 0;
	if ((ret = ydocs_load(&d, path, NULL, 0, err)))
		return ret;
	for (i = 0; i < d.n; i++) {
		struct fy_node *root = fy_document_root(d.docs[i]);
		const char *kind = NULL;
		json_t *spec;

		if (!root || !fy_node_is_mapping(root)) {
			ret = yfail(&p, root, AIV_EINPUT, "expected a mapping with kind: ExceptionRule");
			goto cleanup;
		}
		if ((ret = yget_str(&p, root, "kind", 1, &kind, "exception rule")))
			goto cleanup;
		if (strcmp(kind, "ExceptionRule")) {
			ret = yfail(&p, yget(root, "kind"), AIV_EINPUT,
				    "kind '%s' is not ExceptionRule", kind);
			goto cleanup;
		}
		if ((ret = exceptions_rule_parse(&p, root, &spec)))
			goto cleanup;
		add_patterns(spec, &v, &nv, &av);
		json_decref(spec);
	}
	if (!nv) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: no ExceptionRule documents", path);
		goto cleanup;
	}
	*out = v;
	*n = nv;
	v = NULL;
	ret = 0;
cleanup:
	for (i = 0; v && i < nv; i++)
		free(v[i]);
	free(v);
	ydocs_release(&d);
	return ret;
}

/* ---- ExceptionRule as an `apply` kind -------------------------------------- */

static int rule_parse(const struct ypos *p, struct fy_node *doc, const struct catalog *cat,
		      json_t **spec)
{
	(void)cat;
	return exceptions_rule_parse(p, doc, spec);
}

/* The canonical spec in the objects table is the whole rule: no typed rows. */
static int rule_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	(void)s;
	(void)spec;
	(void)err;
	return 0;
}

static int rule_del(struct store *s, const char *name, struct aiv_err *err)
{
	(void)s;
	(void)name;
	(void)err;
	return 0;
}

static const struct kind_ref rule_refs[] = { { NULL, NULL } };
static const char *const rule_cols[] = { "name", "activities", "description", NULL };

const struct kind_ops exceptions_rule_kind = {
	"ExceptionRule", "exceptionrules", "exception rule", rule_parse, rule_put, rule_del,
	rule_refs, rule_cols,
};

void exceptions_register_kinds(void)
{
	apply_register(&exceptions_rule_kind);
}

int exceptions_applied_rules(struct store *s, char ***out, size_t *n, struct aiv_err *err)
{
	json_t *arr, *spec;
	char **v = NULL;
	size_t nv = 0, av = 0, i;
	int ret;

	*out = NULL;
	*n = 0;
	if ((ret = apply_get(s, &exceptions_rule_kind, NULL, &arr, err)))
		return ret;
	json_array_foreach(arr, i, spec)
		add_patterns(spec, &v, &nv, &av);
	json_decref(arr);
	if (!nv)
		return aiv_fail(err, AIV_ENOTFOUND, "no ExceptionRule in the workspace; "
				"apply one with 'aivalue apply -f FILE'");
	*out = v;
	*n = nv;
	return 0;
}

uint8_t *exceptions_match(const struct eventlog *l, const char *const *patterns, size_t n)
{
	uint8_t *exc = xcalloc(l->strs.n ? l->strs.n : 1, 1), *seen = xcalloc(l->strs.n ? l->strs.n : 1, 1);
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		uint32_t a = l->activity[i];
		if (seen[a])
			continue;
		seen[a] = 1;
		for (k = 0; k < n; k++)
			if (!fnmatch(patterns[k], eventlog_str(l, a), 0))
				exc[a] = 1;
	}
	free(seen);
	return exc;
}

static uint64_t seq_hash(const struct eventlog *l, uint32_t c)
{
	uint64_t h = FNV1A64_INIT ^ (l->case_off[c + 1] - l->case_off[c]);
	size_t i;

	for (i = l->case_off[c]; i < l->case_off[c + 1]; i++)
		h = fnv1a64_word(h, l->activity[i]);
	return h;
}

uint8_t *exceptions_happy_path(const struct eventlog *l, const uint8_t *mask,
			       const struct process_stats *ps, double pct,
			       uint8_t *case_exc, struct exc_result *r)
{
	uint8_t *exc = xcalloc(l->strs.n ? l->strs.n : 1, 1), *onpath = xcalloc(l->strs.n ? l->strs.n : 1, 1);
	uint64_t *hh;
	size_t nh = 0, covered = 0, i, k;
	uint32_t c;

	while (nh < ps->nvariants && (double)covered < pct / 100.0 * (double)ps->cases)
		covered += ps->variants[nh++].count;
	r->happy_variants = nh;
	r->happy_coverage = ps->cases ? (double)covered / (double)ps->cases : 0;
	hh = xmalloc(st_mult(nh ? nh : 1, sizeof(*hh)));
	for (k = 0; k < nh; k++) {
		uint32_t fc = ps->variants[k].first_case;
		hh[k] = seq_hash(l, fc);
		for (i = l->case_off[fc]; i < l->case_off[fc + 1]; i++)
			onpath[l->activity[i]] = 1;
	}
	for (c = 0; c < l->ncases; c++) {
		size_t len = l->case_off[c + 1] - l->case_off[c];
		uint64_t h;
		case_exc[c] = 0;
		if (mask && !mask[c])
			continue;
		h = seq_hash(l, c);
		case_exc[c] = 1;
		for (k = 0; k < nh; k++) {
			uint32_t fc = ps->variants[k].first_case;
			if (hh[k] == h && ps->variants[k].len == len &&
			    !memcmp(l->activity + l->case_off[fc], l->activity + l->case_off[c],
				    len * sizeof(uint32_t))) {
				case_exc[c] = 0;
				break;
			}
		}
	}
	for (i = 0; i < l->n; i++)
		if (!onpath[l->activity[i]])
			exc[l->activity[i]] = 1;
	free(hh);
	free(onpath);
	return exc;
}

static int cmp_exc_act(const void *a, const void *b)
{
	const struct exc_activity *x = a, *y = b;

	return x->events > y->events ? -1 : x->events < y->events ? 1 :
	       (x->activity > y->activity) - (x->activity < y->activity);
}

void exceptions_compute(const struct eventlog *l, const uint8_t *mask, const uint8_t *exc,
			const uint8_t *case_exc, struct exc_result *r)
{
	uint32_t *slot = xmalloc(st_mult(l->strs.n ? l->strs.n : 1, sizeof(uint32_t)));
	uint32_t *stamp = NULL;
	double *res = xmalloc(st_mult(l->ncases ? l->ncases : 1, sizeof(double)));
	size_t nres = 0, aacts = 0, i;
	uint32_t c;

	/* keep the happy-path fields the caller may have set */
	r->cases = r->exception_cases = r->resolved_cases = 0;
	r->acts = NULL;
	r->nacts = 0;
	r->cost_exception = r->cost_normal = l->cost ? 0 : NAN;
	memset(slot, 0xff, (size_t)l->strs.n * sizeof(uint32_t));
	for (c = 0; c < l->ncases; c++) {
		size_t lo = l->case_off[c], hi = l->case_off[c + 1], first = SIZE_MAX;
		int is_exc = 0;
		double cost = 0;

		if (mask && !mask[c])
			continue;
		r->cases++;
		for (i = lo; i < hi; i++) {
			uint32_t a = l->activity[i];
			if (l->cost && !isnan(l->cost[i]))
				cost += l->cost[i];
			if (!exc[a])
				continue;
			if (first == SIZE_MAX)
				first = i;
			if (slot[a] == UINT32_MAX) {
				ALLOC_GROW(r->acts, r->nacts + 1, aacts);
				stamp = xrealloc(stamp, st_mult(aacts, sizeof(*stamp)));
				slot[a] = (uint32_t)r->nacts;
				r->acts[r->nacts].activity = a;
				r->acts[r->nacts].events = r->acts[r->nacts].cases = 0;
				stamp[r->nacts++] = UINT32_MAX;
			}
			r->acts[slot[a]].events++;
			if (stamp[slot[a]] != c) {
				stamp[slot[a]] = c;
				r->acts[slot[a]].cases++;
			}
		}
		is_exc = case_exc ? case_exc[c] : first != SIZE_MAX;
		if (l->cost) {
			if (is_exc)
				r->cost_exception += cost;
			else
				r->cost_normal += cost;
		}
		if (!is_exc)
			continue;
		r->exception_cases++;
		if (first != SIZE_MAX) {
			size_t k = first + 1;
			while (k < hi && exc[l->activity[k]])
				k++;
			if (k < hi)
				r->resolved_cases++;
			res[nres++] = (double)(l->time[k < hi ? k : hi - 1] - l->time[first]) / 1e6;
		}
	}
	r->rate = r->cases ? (double)r->exception_cases / (double)r->cases : 0;
	stats_wilson(r->exception_cases, r->cases, 1.959963984540054, &r->rate_lo, &r->rate_hi);
	{
		/* summary as in process.c: min, max, mean, type-7 median and p90 */
		double sum = 0, mn = INFINITY, mx = -INFINITY;
		for (i = 0; i < nres; i++) {
			sum += res[i];
			mn = res[i] < mn ? res[i] : mn;
			mx = res[i] > mx ? res[i] : mx;
		}
		r->resolution.n = nres;
		r->resolution.min = nres ? mn : NAN;
		r->resolution.max = nres ? mx : NAN;
		r->resolution.mean = nres ? sum / (double)nres : NAN;
		r->resolution.median = stats_percentile_select(res, nres, 0.5);
		r->resolution.p90 = stats_percentile_select(res, nres, 0.9);
	}
	if (r->nacts > 1)
		qsort(r->acts, r->nacts, sizeof(*r->acts), cmp_exc_act);
	free(stamp);
	free(slot);
	free(res);
}

void exceptions_release(struct exc_result *r)
{
	free(r->acts);
	r->acts = NULL;
	r->nacts = 0;
}
