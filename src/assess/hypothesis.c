/*
 * hypothesis.c - the Hypothesis kind, observation import, and verdicts.
 *
 * See hypothesis.h for the rules.  The kind keeps its typed row in
 * `hypotheses` with a hash of the frozen criteria; its put() compares that
 * hash and refuses a change, which rolls back the whole apply.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "core/units.h"
#include "hypothesis.h"
#include "ingest/logstore.h"
#include "ledger/ledger.h"
#include "org/org.h"
#include "metrics/stats.h"

/* ---- the kind ---- */

/* "20%" -> 0.2 relative; "0.05" -> absolute.  Returns 0 or -1. */
static int parse_effect(const char *s, double *v, int *relative)
{
	char *end;
	size_t l = strlen(s);

	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno || !isfinite(*v))
		return -1;
	if (*end == '%' && end + 1 == s + l) {
		*relative = 1;
		*v /= 100;
		return 0;
	}
	*relative = 0;
	return *end ? -1 : 0;
}

static int check_metric(const struct ypos *p, struct fy_node *n, const struct catalog *cat,
			const char *m, const char *what)
{
	if (!catalog_metric(cat, m))
		return yfail(p, n, AIV_EINPUT,
			     "%s: unknown metric '%s' (see 'aivalue models' for the catalog's metrics)",
			     what, m);
	return 0;
}

static int check_date(const struct ypos *p, struct fy_node *n, const char *d,
		      const char *what, const char *key)
{
	int64_t us;

	if (strlen(d) != 10 || time_parse_iso(d, &us))
		return yfail(p, n, AIV_EINPUT, "%s: %s must be a date YYYY-MM-DD, not '%s'",
			     what, key, d);
	return 0;
}

static int effect_field(const struct ypos *p, struct fy_node *map, const char *key,
			json_t *dst, const char *what)
{
	struct fy_node *n = yget(map, key);
	const char *s = n ? ytext(n) : NULL;
	double v;
	int rel;

	if (!n)
		return yfail(p, map, AIV_EINPUT, "%s: missing required field '%s'", what, key);
	if (!s || parse_effect(s, &v, &rel) || v < 0)
		return yfail(p, n, AIV_EINPUT,
			     "%s: %s must be a non-negative number in the metric's unit, or a "
			     "percentage like '20%%', not '%s'", what, key, s ? s : "(collection)");
	json_object_set_new(dst, key, json_string(s));
	return 0;
}

static const char *const log_metrics[] = { "expert_cycle_time", "end_to_end_cycle_time",
					    "rework_rate", "exception_rate", NULL };

int hyp_log_metric(const char *metric)
{
	size_t i;

	for (i = 0; log_metrics[i]; i++)
		if (!strcmp(log_metrics[i], metric))
			return 1;
	return 0;
}

static hyp_log_fn log_source;
static void (*log_cache_release)(void *cache);

void hyp_register_log_source(hyp_log_fn fn, void (*release)(void *cache))
{
	log_source = fn;
	log_cache_release = release;
}

void hyp_units_release(struct hyp_units *u)
{
	size_t i;

	for (i = 0; u->cohort && i < u->n; i++)
		free(u->cohort[i]);
	free(u->cohort);
	free(u->time_us);
	free(u->value);
	memset(u, 0, sizeof(*u));
}

static int hyp_parse(const struct ypos *p, struct fy_node *doc, const struct catalog *cat,
		     json_t **out)
{
	static const char *const keys[] = { "kind", "name", "title", "description",
					    "initiative", "log", "metric", "comparison",
					    "minimum_effect", "confidence", "minimum_sample",
					    "guardrails", "review_date", "supersedes", NULL };
	static const char *const ckeys[] = { "before_after", "cohorts", NULL };
	static const char *const hkeys[] = { "attribute", "baseline", "treatment", NULL };
	static const char *const gkeys[] = { "metric", "max_worsening", NULL };
	json_t *spec = json_object(), *cmp, *guards;
	struct fy_node *c, *g = NULL, *item;
	const char *s = NULL;
	double conf = 0.95;
	long long minn = 0;
	char what[200];
	void *it = NULL;
	int ret;

	if ((ret = yget_str(p, doc, "name", 1, &s, "hypothesis")))
		goto fail;
	snprintf(what, sizeof(what), "hypothesis '%s'", s);
	if (!org_valid_name(s)) {
		ret = yfail(p, yget(doc, "name"), AIV_EINPUT,
			    "%s: name must be lowercase letters and digits, then also '.', '-' or '_'",
			    what);
		goto fail;
	}
	json_object_set_new(spec, "name", json_string(s));
	if ((ret = ycheck_keys(p, doc, keys, what)))
		goto fail;
#define STR(key, req)                                                          \
	do {                                                                   \
		s = NULL;                                                      \
		if ((ret = yget_str(p, doc, key, req, &s, what)))             \
			goto fail;                                             \
		if (s)                                                         \
			json_object_set_new(spec, key, json_string(s));        \
	} while (0)
	STR("title", 0);
	STR("description", 0);
	STR("initiative", 1);
	STR("metric", 1);
	STR("review_date", 1);
	STR("supersedes", 0);
	STR("log", 0);
#undef STR
	if ((ret = check_metric(p, yget(doc, "metric"), cat, json_str(spec, "metric"), what)) ||
	    (ret = check_date(p, yget(doc, "review_date"), json_str(spec, "review_date"),
			      what, "review_date")))
		goto fail;
	if (json_str(spec, "log") && !hyp_log_metric(json_str(spec, "metric"))) {
		ret = yfail(p, yget(doc, "metric"), AIV_EINPUT,
			    "%s: an event log gives expert_cycle_time, end_to_end_cycle_time, "
			    "rework_rate or exception_rate per case, not '%s'", what, json_str(spec, "metric"));
		goto fail;
	}
	if (!org_valid_name(json_str(spec, "initiative"))) {
		ret = yfail(p, yget(doc, "initiative"), AIV_EINPUT,
			    "%s: initiative is not a valid name", what);
		goto fail;
	}
	if (json_str(spec, "supersedes") &&
	    !strcmp(json_str(spec, "supersedes"), json_str(spec, "name"))) {
		ret = yfail(p, yget(doc, "supersedes"), AIV_EINPUT,
			    "%s: a hypothesis cannot supersede itself", what);
		goto fail;
	}
	c = yget(doc, "comparison");
	if (!c || !fy_node_is_mapping(c)) {
		ret = yfail(p, c ? c : doc, AIV_EINPUT,
			    "%s: comparison must be a mapping with 'before_after: DATE' or "
			    "'cohorts: {attribute, baseline, treatment}'", what);
		goto fail;
	}
	if ((ret = ycheck_keys(p, c, ckeys, "comparison")))
		goto fail;
	cmp = json_object();
	json_object_set_new(spec, "comparison", cmp);
	if (yget(c, "before_after") && yget(c, "cohorts")) {
		ret = yfail(p, c, AIV_EINPUT, "%s: comparison takes before_after or cohorts, not both",
			    what);
		goto fail;
	}
	if (yget(c, "before_after")) {
		s = NULL;
		if ((ret = yget_str(p, c, "before_after", 1, &s, what)) ||
		    (ret = check_date(p, yget(c, "before_after"), s, what, "before_after")))
			goto fail;
		json_object_set_new(cmp, "before_after", json_string(s));
	} else if (yget(c, "cohorts")) {
		struct fy_node *h = yget(c, "cohorts");
		json_t *co = json_object();
		const char *const *k;
		json_object_set_new(cmp, "cohorts", co);
		if (!fy_node_is_mapping(h)) {
			ret = yfail(p, h, AIV_EINPUT, "%s: cohorts must be a mapping", what);
			goto fail;
		}
		if ((ret = ycheck_keys(p, h, hkeys, "cohorts")))
			goto fail;
		for (k = hkeys; *k; k++) {
			s = NULL;
			if ((ret = yget_str(p, h, *k, 1, &s, "cohorts")))
				goto fail;
			json_object_set_new(co, *k, json_string(s));
		}
		if (!strcmp(json_str(co, "baseline"), json_str(co, "treatment"))) {
			ret = yfail(p, h, AIV_EINPUT, "%s: baseline and treatment cohorts are the same",
				    what);
			goto fail;
		}
	} else {
		ret = yfail(p, c, AIV_EINPUT, "%s: comparison needs before_after or cohorts", what);
		goto fail;
	}
	if ((ret = effect_field(p, doc, "minimum_effect", spec, what)) ||
	    (ret = yget_num(p, doc, "confidence", 0, &conf, what)) ||
	    (ret = yget_int(p, doc, "minimum_sample", 1, &minn, what)))
		goto fail;
	if (!(conf >= 0.5 && conf <= 0.999)) {
		ret = yfail(p, yget(doc, "confidence"), AIV_EINPUT,
			    "%s: confidence must be between 0.5 and 0.999", what);
		goto fail;
	}
	if (minn < 2 || minn > 10000000) {
		ret = yfail(p, yget(doc, "minimum_sample"), AIV_EINPUT,
			    "%s: minimum_sample must be at least 2 per group", what);
		goto fail;
	}
	json_object_set_new(spec, "confidence", json_real(conf));
	json_object_set_new(spec, "minimum_sample", json_integer(minn));
	guards = json_array();
	json_object_set_new(spec, "guardrails", guards);
	if ((ret = yget_seq(p, doc, "guardrails", 0, &g, what)))
		goto fail;
	while (g && (item = fy_node_sequence_iterate(g, &it)) != NULL) {
		json_t *gj = json_object();
		json_array_append_new(guards, gj);
		if (!fy_node_is_mapping(item)) {
			ret = yfail(p, item, AIV_EINPUT, "%s: each guardrail is {metric, max_worsening}",
				    what);
			goto fail;
		}
		s = NULL;
		if ((ret = ycheck_keys(p, item, gkeys, "guardrail")) ||
		    (ret = yget_str(p, item, "metric", 1, &s, "guardrail")) ||
		    (ret = check_metric(p, yget(item, "metric"), cat, s, what)))
			goto fail;
		if (!strcmp(s, json_str(spec, "metric"))) {
			ret = yfail(p, yget(item, "metric"), AIV_EINPUT,
				    "%s: a guardrail must be another metric than the hypothesis's", what);
			goto fail;
		}
		json_object_set_new(gj, "metric", json_string(s));
		if ((ret = effect_field(p, item, "max_worsening", gj, what)))
			goto fail;
	}
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

/* Hash of the frozen criteria: the spec without its name, title, description. */
static void criteria_hash(const json_t *spec, char hex[SHA256_HEX])
{
	json_t *c = json_deep_copy(spec);
	char *canon;

	json_object_del(c, "name");
	json_object_del(c, "title");
	json_object_del(c, "description");
	canon = cjson_dumps(c);
	sha256_hex(canon, strlen(canon), hex);
	free(canon);
	json_decref(c);
}

static int hyp_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	struct store_stmt *st;
	char hex[SHA256_HEX], *canon;
	const char *name = json_str(spec, "name");
	int rc;

	if (json_str(spec, "log")) {
		int known = 0;
		if ((rc = logstore_exists(s, json_str(spec, "log"), &known, err)))
			return rc;
		if (!known)
			return aiv_fail(err, AIV_EINPUT, "hypothesis '%s': unknown event log '%s' "
					"(import it first: aivalue import cases FILE --name %s)", name,
					json_str(spec, "log"), json_str(spec, "log"));
	}
	criteria_hash(spec, hex);
	st = store_prepare(s, "SELECT criteria_hash FROM hypotheses WHERE name = ?", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, name);
	rc = store_step(st, err);
	if (rc == STORE_ROW && strcmp(store_col_text(st, 0), hex)) {
		store_reset(st);
		return aiv_fail(err, AIV_ECONFLICT,
				"hypothesis '%s' is registered and its criteria cannot be edited; "
				"register a new hypothesis with 'supersedes: %s' instead "
				"(only title and description may change)", name, name);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	st = store_prepare(s, "INSERT INTO hypotheses(name, initiative, metric, criteria_hash,"
			      " supersedes, spec) VALUES (?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE"
			      " SET spec = excluded.spec", err);
	if (!st)
		return err->code;
	canon = cjson_dumps(spec);
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, json_str(spec, "initiative"));
	store_bind_text(st, 3, json_str(spec, "metric"));
	store_bind_text(st, 4, hex);
	store_bind_text(st, 5, json_str(spec, "supersedes"));
	store_bind_text(st, 6, canon);
	rc = store_step(st, err);
	store_reset(st);
	free(canon);
	return rc < 0 ? rc : 0;
}

static int hyp_del(struct store *s, const char *name, struct aiv_err *err)
{
	(void)s;
	return aiv_fail(err, AIV_ECONFLICT,
			"hypothesis '%s' is registered and cannot be deleted; supersede it "
			"with a new hypothesis that has 'supersedes: %s'", name, name);
}

static const struct kind_ref hyp_refs[] = {
	{ "initiative", "Initiative" }, { "supersedes", "Hypothesis" }, { NULL, NULL } };
static const char *const hyp_cols[] = { "name", "initiative", "metric", "minimum_effect",
					"review_date", NULL };

const struct kind_ops hypothesis_kind = {
	"Hypothesis", "hypotheses", "hypothesis", hyp_parse, hyp_put, hyp_del,
	hyp_refs, hyp_cols,
};

/* ---- comparison ---- */

void hyp_compare(const double *a, size_t na, const double *b, size_t nb, int rates,
		 int up, double conf, uint64_t seed, struct hyp_effect *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->na = na;
	out->nb = nb;
	out->up = up;
	out->rel = out->rel_lo = out->rel_hi = NAN;
	out->method = rates ? "rate difference (Newcombe hybrid score from Wilson intervals)"
			    : "median difference (seeded percentile bootstrap)";
	if (!na || !nb)
		return;
	if (rates) {
		long ka = 0, kb = 0;
		for (i = 0; i < na; i++)
			ka += a[i] > 0.5;
		for (i = 0; i < nb; i++)
			kb += b[i] > 0.5;
		out->baseline = (double)ka / (double)na;
		out->treatment = (double)kb / (double)nb;
		if (stats_rate_diff(ka, (long)na, kb, (long)nb, conf, &out->effect, &out->lo,
				    &out->hi))
			return;
	} else {
		double *w = xmalloc(st_mult(na > nb ? na : nb, sizeof(double)));
		memcpy(w, a, na * sizeof(double));
		out->baseline = stats_median(w, na);
		memcpy(w, b, nb * sizeof(double));
		out->treatment = stats_median(w, nb);
		free(w);
		if (stats_bootstrap_median_diff(a, na, b, nb, HYP_BOOT_ITERS, conf, seed,
						&out->effect, &out->lo, &out->hi))
			return;
	}
	out->improvement = up ? out->effect : -out->effect;
	out->imp_lo = up ? out->lo : -out->hi;
	out->imp_hi = up ? out->hi : -out->lo;
	if (out->baseline != 0) {
		/* the baseline is taken as fixed: the interval scales with it */
		out->rel = out->improvement / fabs(out->baseline);
		out->rel_lo = out->imp_lo / fabs(out->baseline);
		out->rel_hi = out->imp_hi / fabs(out->baseline);
	}
	out->ok = 1;
}

/* ---- evaluation ---- */

struct sample {
	double *a, *b;
	int64_t *bt;            /* time of each comparison-group unit (value.c's volume) */
	size_t na, nb, aa, ab, abt;
	int binary;
};

static void sample_release(struct sample *sm)
{
	free(sm->a);
	free(sm->b);
	free(sm->bt);
	memset(sm, 0, sizeof(*sm));
}

static void sample_add(struct sample *sm, int grp, double v, int64_t t)
{
	if (v != 0 && v != 1)
		sm->binary = 0;
	if (grp == 0) {
		ALLOC_GROW(sm->a, sm->na + 1, sm->aa);
		sm->a[sm->na++] = v;
	} else {
		ALLOC_GROW(sm->b, sm->nb + 1, sm->ab);
		ALLOC_GROW(sm->bt, sm->nb + 1, sm->abt);
		sm->bt[sm->nb] = t;
		sm->b[sm->nb++] = v;
	}
}

/* The two groups of `metric` over the cases of event log `log`. */
static int load_log_sample(struct store *s, const char *log, const char *metric,
			   const json_t *cmp, void **logs, struct sample *sm, struct aiv_err *err)
{
	const char *date = json_str(cmp, "before_after");
	json_t *co = json_object_get(cmp, "cohorts");
	struct hyp_units u;
	int64_t cut = 0;
	size_t i;
	int ret;

	memset(sm, 0, sizeof(*sm));
	memset(&u, 0, sizeof(u));
	sm->binary = 1;
	if (!log_source)
		return aiv_fail(err, AIV_EINTERNAL, "no event-log reader is registered");
	if (date && time_parse_iso(date, &cut))
		return aiv_fail(err, AIV_EINTERNAL, "bad stored date '%s'", date);
	if ((ret = log_source(s, log, metric, co ? json_str(co, "attribute") : NULL, logs, &u,
			      err)))
		return ret;
	for (i = 0; i < u.n; i++) {
		int grp = -1;
		if (date)
			grp = u.time_us[i] < cut ? 0 : 1;
		else if (co && u.cohort && u.cohort[i])
			grp = !strcmp(u.cohort[i], json_str(co, "baseline")) ? 0 :
			      !strcmp(u.cohort[i], json_str(co, "treatment")) ? 1 : -1;
		if (grp >= 0)
			sample_add(sm, grp, u.value[i], u.time_us[i]);
	}
	hyp_units_release(&u);
	return 0;
}

/* Load the two groups of (initiative, metric) under the comparison `cmp`. */
static int load_sample(struct store *s, const char *initiative, const char *metric,
		       const json_t *cmp, struct sample *sm, struct aiv_err *err)
{
	struct store_stmt *st;
	const char *date = json_str(cmp, "before_after");
	json_t *co = json_object_get(cmp, "cohorts");
	int64_t cut = 0;
	int rc;

	memset(sm, 0, sizeof(*sm));
	sm->binary = 1;
	if (date && time_parse_iso(date, &cut))
		return aiv_fail(err, AIV_EINTERNAL, "bad stored date '%s'", date);
	st = store_prepare(s, "SELECT time_us, value, attrs FROM observations"
			      " WHERE initiative = ? AND metric = ? ORDER BY id", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, initiative);
	store_bind_text(st, 2, metric);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		double v = store_col_double(st, 1);
		int grp = -1;
		if (date) {
			grp = store_col_int(st, 0) < cut ? 0 : 1;
		} else if (co) {
			json_t *attrs = json_loads(store_col_text(st, 2), 0, NULL);
			const char *val = json_str(attrs, json_str(co, "attribute"));
			if (val && !strcmp(val, json_str(co, "baseline")))
				grp = 0;
			else if (val && !strcmp(val, json_str(co, "treatment")))
				grp = 1;
			json_decref(attrs);
		}
		if (grp < 0)
			continue;
		sample_add(sm, grp, v, store_col_int(st, 0));
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static int metric_up(const struct catalog *cat, const char *metric)
{
	const struct cat_metric *m = catalog_metric(cat, metric);

	return !m || strcmp(m->direction, "down");
}

/* Record the metric's unit in an effect for its printers. */
static void effect_unit(const struct catalog *cat, const char *metric, struct hyp_effect *e)
{
	const struct cat_metric *m = catalog_metric(cat, metric);

	snprintf(e->unit, sizeof(e->unit), "%s", m && m->unit ? m->unit : "");
}

/* "faster" / "slower" for durations, else "higher" / "lower" by direction. */
static const char *change_word(const struct hyp_effect *e, int better)
{
	if (!strcmp(e->unit, "seconds"))
		return better ? "faster" : "slower";
	return (better ? e->up : !e->up) ? "higher" : "lower";
}

/* A signed relative improvement in words: "36 % faster", "5.0 % slower". */
static void rel_words(const struct hyp_effect *e, double rel, char *buf, size_t n)
{
	char p[UNITS_BUF];

	if (!isfinite(rel)) {
		snprintf(buf, n, UNITS_NO_DATA);
		return;
	}
	units_relative(fabs(rel), p, sizeof(p));
	if (!strcmp(p, "0.0 %"))
		snprintf(buf, n, "no change");
	else
		snprintf(buf, n, "%s %s", p, change_word(e, rel > 0));
}

/* A signed improvement in the metric's unit: "1 d 04 h faster", "0.1 pp lower". */
static void abs_words(const struct hyp_effect *e, double imp, char *buf, size_t n)
{
	char d[UNITS_BUF];

	units_delta(e->unit, imp, d, sizeof(d));
	if (!strcmp(d, "0") || !strcmp(d, "0.0 pp") || !strcmp(d, "0 s"))
		snprintf(buf, n, "no change");
	else
		snprintf(buf, n, "%s %s", d, change_word(e, imp > 0));
}

void hyp_effect_words(const struct hyp_effect *e, double confidence, struct hyp_words *w)
{
	char lo[64], hi[64];
	int conf = (int)lround(confidence * 100);

	if (!e->ok) {
		snprintf(w->baseline, sizeof(w->baseline), UNITS_NO_DATA);
		snprintf(w->comparison, sizeof(w->comparison), UNITS_NO_DATA);
		snprintf(w->change, sizeof(w->change), UNITS_NO_DATA);
		snprintf(w->relative, sizeof(w->relative), UNITS_NO_DATA);
		snprintf(w->interval, sizeof(w->interval), UNITS_NO_DATA);
		return;
	}
	units_value(e->unit, e->baseline, w->baseline, sizeof(w->baseline));
	units_value(e->unit, e->treatment, w->comparison, sizeof(w->comparison));
	abs_words(e, e->improvement, w->change, sizeof(w->change));
	rel_words(e, e->rel, w->relative, sizeof(w->relative));
	if (!isfinite(e->rel_lo) || !strcmp(e->unit, "ratio")) {
		/* rates, or no baseline to scale by: the interval in the metric's unit */
		abs_words(e, e->imp_lo, lo, sizeof(lo));
		abs_words(e, e->imp_hi, hi, sizeof(hi));
	} else {
		rel_words(e, e->rel_lo, lo, sizeof(lo));
		rel_words(e, e->rel_hi, hi, sizeof(hi));
	}
	if ((e->imp_lo > 0) == (e->imp_hi > 0) && strcmp(lo, "no change")) {
		/* same side: name the word once ("28 % to 44 % faster") */
		char *sp = strrchr(lo, ' ');
		if (sp)
			*sp = '\0';
	}
	snprintf(w->interval, sizeof(w->interval), "%d %% interval: %s to %s", conf, lo, hi);
}

static int metric_is_ratio(const struct catalog *cat, const char *metric)
{
	const struct cat_metric *m = catalog_metric(cat, metric);

	return m && !strcmp(m->unit, "ratio");
}

static void result_release(struct hyp_result *r)
{
	size_t i;

	free(r->name);
	free(r->initiative);
	free(r->metric);
	free(r->superseded_by);
	free(r->treat_us);
	json_decref(r->spec);
	for (i = 0; i < r->nguards; i++)
		free(r->guards[i].metric);
	free(r->guards);
}

void hyp_report_release(struct hyp_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		result_release(&r->r[i]);
	free(r->r);
	memset(r, 0, sizeof(*r));
}

static int evaluate_one(struct store *s, const struct catalog *cat, int64_t now,
			struct hyp_result *r, void **logs, struct aiv_err *err)
{
	const json_t *cmp = json_object_get(r->spec, "comparison");
	json_t *g;
	struct sample sm;
	const char *me = json_str(r->spec, "minimum_effect");
	uint64_t seed = stats_seed_from(r->name);
	int64_t review = 0;
	size_t i;
	int ret, guard_missing = 0, guard_breached = 0;

	r->confidence = json_real_value(json_object_get(r->spec, "confidence"));
	r->min_sample = (long)json_integer_value(json_object_get(r->spec, "minimum_sample"));
	parse_effect(me ? me : "0", &r->min_effect, &r->min_relative);
	if (!time_parse_iso(json_str(r->spec, "review_date"), &review))
		r->review_due = now > review;
	if ((ret = json_str(r->spec, "log") ?
		   load_log_sample(s, json_str(r->spec, "log"), r->metric, cmp, logs, &sm, err) :
		   load_sample(s, r->initiative, r->metric, cmp, &sm, err)))
		return ret;
	hyp_compare(sm.a, sm.na, sm.b, sm.nb, sm.binary && metric_is_ratio(cat, r->metric),
		    metric_up(cat, r->metric), r->confidence, seed, &r->e);
	effect_unit(cat, r->metric, &r->e);
	r->treat_us = sm.bt;
	r->ntreat = sm.nb;
	sm.bt = NULL;
	sample_release(&sm);
	r->min_effect_abs = r->min_relative ? r->min_effect * fabs(r->e.baseline) : r->min_effect;
	g = json_object_get(r->spec, "guardrails");
	r->nguards = json_array_size(g);
	r->guards = xcalloc(r->nguards + 1, sizeof(*r->guards));
	for (i = 0; i < r->nguards; i++) {
		json_t *gj = json_array_get(g, i);
		struct hyp_guardrail *gr = &r->guards[i];
		double limit;
		gr->metric = xstrdup(json_str(gj, "metric"));
		parse_effect(json_str(gj, "max_worsening"), &gr->max_worsening, &gr->relative);
		if ((ret = json_str(r->spec, "log") && hyp_log_metric(gr->metric) ?
			   load_log_sample(s, json_str(r->spec, "log"), gr->metric, cmp, logs, &sm,
					   err) :
			   load_sample(s, r->initiative, gr->metric, cmp, &sm, err)))
			return ret;
		hyp_compare(sm.a, sm.na, sm.b, sm.nb,
			    sm.binary && metric_is_ratio(cat, gr->metric),
			    metric_up(cat, gr->metric), r->confidence, seed ^ (i + 1), &gr->e);
		effect_unit(cat, gr->metric, &gr->e);
		sample_release(&sm);
		limit = gr->relative ? gr->max_worsening * fabs(gr->e.baseline) : gr->max_worsening;
		if (!gr->e.ok || (long)gr->e.na < r->min_sample || (long)gr->e.nb < r->min_sample) {
			gr->verdict = "insufficient data";
			guard_missing++;
		} else if (-gr->e.improvement > limit + 1e-12) {
			gr->verdict = "breached";
			guard_breached++;
		} else {
			gr->verdict = "held";
		}
	}
	if (!r->e.ok || (long)r->e.na < r->min_sample || (long)r->e.nb < r->min_sample) {
		r->verdict = "insufficient data";
		snprintf(r->reason, sizeof(r->reason),
			 "%zu units in the baseline group and %zu in the comparison group; "
			 "at least %ld each are needed", r->e.na, r->e.nb, r->min_sample);
	} else if (guard_missing) {
		r->verdict = "insufficient data";
		snprintf(r->reason, sizeof(r->reason),
			 "%d guardrail%s without enough data", guard_missing,
			 guard_missing > 1 ? "s" : "");
	} else if (guard_breached) {
		r->verdict = "not supported";
		snprintf(r->reason, sizeof(r->reason), "%d guardrail%s breached", guard_breached,
			 guard_breached > 1 ? "s" : "");
	} else {
		struct hyp_words w;
		char min[UNITS_BUF + 16], pct[UNITS_BUF];
		hyp_effect_words(&r->e, r->confidence, &w);
		units_delta(r->e.unit, r->min_effect_abs, min, sizeof(min));
		if (r->min_relative) {
			size_t l = strlen(min);
			snprintf(min + l, sizeof(min) - l, " (%s)",
				 units_relative(r->min_effect, pct, sizeof(pct)));
		}
		if (r->e.improvement + 1e-12 < r->min_effect_abs) {
			r->verdict = "not supported";
			snprintf(r->reason, sizeof(r->reason),
				 "the change, %s (%s), is smaller than the minimum effect of %s",
				 w.change, w.relative, min);
		} else if (r->e.imp_lo <= 0) {
			r->verdict = "not supported";
			snprintf(r->reason, sizeof(r->reason),
				 "the change, %s (%s), is not clear of chance: %s", w.change,
				 w.relative, w.interval);
		} else {
			r->verdict = "supported";
			snprintf(r->reason, sizeof(r->reason),
				 "%s (%s), at least the minimum effect of %s; %s, all of it "
				 "an improvement", w.change, w.relative, min, w.interval);
		}
	}
	return 0;
}

/*
 * Every registered hypothesis into *out, with superseded_by marked, not
 * evaluated: the rest of each result stays empty (hyp_evaluate_all fills it).
 */
int hyp_list_all(struct store *s, struct hyp_report *out, struct aiv_err *err)
{
	struct store_stmt *st;
	size_t alloc = 0, i, j;
	int rc;

	memset(out, 0, sizeof(*out));
	st = store_prepare(s, "SELECT name, initiative, metric, spec FROM hypotheses ORDER BY name",
			   err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct hyp_result *r;
		ALLOC_GROW(out->r, out->n + 1, alloc);
		r = &out->r[out->n++];
		memset(r, 0, sizeof(*r));
		r->name = xstrdup(store_col_text(st, 0));
		r->initiative = xstrdup(store_col_text(st, 1));
		r->metric = xstrdup(store_col_text(st, 2));
		r->spec = json_loads(store_col_text(st, 3), 0, NULL);
		if (!r->spec)
			r->spec = json_object();
	}
	store_reset(st);
	if (rc < 0) {
		hyp_report_release(out);
		return rc;
	}
	for (i = 0; i < out->n; i++) {
		const char *sup = json_str(out->r[i].spec, "supersedes");
		for (j = 0; sup && j < out->n; j++)
			if (!strcmp(out->r[j].name, sup) && !out->r[j].superseded_by)
				out->r[j].superseded_by = xstrdup(out->r[i].name);
	}
	return 0;
}

static uint64_t evaluations; /* atomic */

uint64_t hyp_evaluations(void)
{
	return __atomic_load_n(&evaluations, __ATOMIC_RELAXED);
}

int hyp_evaluate_all(struct store *s, const struct catalog *cat, int64_t now,
		     struct hyp_report *out, struct aiv_err *err)
{
	void *logs = NULL;         /* the log reader's cache, for this evaluation */
	size_t i;
	int ret = 0;

	__atomic_add_fetch(&evaluations, 1, __ATOMIC_RELAXED);

	if ((ret = hyp_list_all(s, out, err)))
		return ret;
	for (i = 0; i < out->n && !ret; i++) {
		struct hyp_result *r = &out->r[i];
		if (r->superseded_by) {
			r->verdict = "superseded";
			snprintf(r->reason, sizeof(r->reason), "superseded by '%s'", r->superseded_by);
			continue;
		}
		if ((ret = evaluate_one(s, cat, now, r, &logs, err)))
			break;
		if (!strcmp(r->verdict, "supported"))
			out->supported++;
		else if (!strcmp(r->verdict, "not supported"))
			out->not_supported++;
		else
			out->insufficient++;
	}
	if (logs && log_cache_release)
		log_cache_release(logs);
	if (ret)
		hyp_report_release(out);
	return ret;
}

static double r6(double x)
{
	return isfinite(x) ? floor(x * 1e6 + 0.5) / 1e6 : 0;
}

static json_t *effect_json(const struct hyp_effect *e, double conf)
{
	json_t *o = json_pack("{s:I, s:I, s:s}", "n_baseline", (json_int_t)e->na,
			      "n_comparison", (json_int_t)e->nb, "method", e->method);
	if (e->ok) {
		json_object_set_new(o, "baseline", json_real(r6(e->baseline)));
		json_object_set_new(o, "comparison", json_real(r6(e->treatment)));
		json_object_set_new(o, "effect", json_real(r6(e->effect)));
		json_object_set_new(o, "ci", json_pack("[f, f]", r6(e->lo), r6(e->hi)));
		json_object_set_new(o, "improvement", json_real(r6(e->improvement)));
		/* one sign convention: every field below is positive when better */
		json_object_set_new(o, "improvement_ci",
				    json_pack("[f, f]", r6(e->imp_lo), r6(e->imp_hi)));
		if (isfinite(e->rel)) {
			json_object_set_new(o, "relative_improvement", json_real(r6(e->rel)));
			json_object_set_new(o, "relative_ci", json_pack("[f, f]", r6(e->rel_lo),
									r6(e->rel_hi)));
		}
	}
	json_object_set_new(o, "unit", json_string(e->unit));
	json_object_set_new(o, "higher_is_better", json_boolean(e->up));
	if (e->ok) {
		struct hyp_words w;
		hyp_effect_words(e, conf, &w);
		json_object_set_new(o, "display", json_pack("{s:s, s:s, s:s, s:s, s:s}",
			"baseline", w.baseline, "comparison", w.comparison, "change", w.change,
			"relative", w.relative, "interval", w.interval));
	}
	return o;
}

json_t *hyp_report_json(const struct hyp_report *rep)
{
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; i < rep->n; i++) {
		const struct hyp_result *r = &rep->r[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", r->name,
				      "initiative", r->initiative, "metric", r->metric,
				      "verdict", r->verdict, "reason", r->reason);
		json_t *g = json_array();
		if (json_str(r->spec, "title"))
			json_object_set_new(o, "title", json_string(json_str(r->spec, "title")));
		if (json_str(r->spec, "log"))
			json_object_set_new(o, "log", json_string(json_str(r->spec, "log")));
		json_object_set(o, "comparison", json_object_get(r->spec, "comparison"));
		if (json_str(r->spec, "log"))
			json_object_set_new(o, "log", json_string(json_str(r->spec, "log")));
		json_object_set_new(o, "review_date", json_string(json_str(r->spec, "review_date")));
		if (strcmp(r->verdict, "superseded")) {
			json_object_set_new(o, "confidence", json_real(r->confidence));
			json_object_set_new(o, "minimum_sample", json_integer(r->min_sample));
			json_object_set_new(o, "minimum_effect",
					    json_string(json_str(r->spec, "minimum_effect")));
			json_object_set_new(o, "result", effect_json(&r->e, r->confidence));
			json_object_set_new(o, "review_due", json_boolean(r->review_due));
		}
		for (j = 0; j < r->nguards; j++) {
			json_t *go = json_pack("{s:s, s:s, s:o}", "metric", r->guards[j].metric,
					       "verdict", r->guards[j].verdict,
					       "result", effect_json(&r->guards[j].e, r->confidence));
			json_array_append_new(g, go);
		}
		json_object_set_new(o, "guardrails", g);
		json_array_append_new(arr, o);
	}
	return json_pack("{s:o, s:{s:I, s:I, s:I}}", "hypotheses", arr, "summary",
			 "supported", (json_int_t)rep->supported, "not_supported",
			 (json_int_t)rep->not_supported, "insufficient_data",
			 (json_int_t)rep->insufficient);
}
