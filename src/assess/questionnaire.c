/*
 * questionnaire.c - loading and validating data/readiness.yaml.
 *
 * Strict like the catalog loader: keys are checked against the fields each
 * section allows, ids must be unique, every question must name a catalog
 * dimension, every choice a level of the catalog's scale, and every
 * crosswalk id must be a real NIST AI RMF 1.0 subcategory or ISO/IEC
 * 42001:2023 Annex A control.  The id tables below are the structure of
 * those documents (function/category counts), not their text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/yaml.h"
#include "questionnaire.h"

const char *const rq_basic_names[RQ_NBASICS] = { "allowed", "reviewed", "logged", "owned" };

/* NIST AI RMF 1.0: subcategories per category, per function (72 in all). */
static const struct {
	const char *fn;
	int ncat;
	int sub[7];
} nist_fns[] = {
	{ "GOVERN", 6, { 7, 3, 2, 3, 2, 2 } },
	{ "MAP", 5, { 6, 3, 5, 2, 2 } },
	{ "MEASURE", 4, { 3, 13, 3, 3 } },
	{ "MANAGE", 4, { 4, 4, 2, 3 } },
};

/* ISO/IEC 42001:2023 Annex A: objective -> (sub-objective) -> controls (38). */
static const struct {
	const char *prefix; /* "A.2." */
	int first, last;
} iso_groups[] = {
	{ "A.2.", 2, 4 },   { "A.3.", 2, 3 },   { "A.4.", 2, 6 },
	{ "A.5.", 2, 5 },   { "A.6.1.", 2, 3 }, { "A.6.2.", 2, 8 },
	{ "A.7.", 2, 6 },   { "A.8.", 2, 5 },   { "A.9.", 2, 4 },
	{ "A.10.", 2, 4 },
};

/* Parse a small positive decimal that must end the string. */
static int read_num(const char *s, int *out)
{
	int v = 0, nd = 0;

	while (*s >= '0' && *s <= '9' && nd < 3) {
		v = v * 10 + (*s++ - '0');
		nd++;
	}
	if (!nd || *s)
		return -1;
	*out = v;
	return 0;
}

int rq_valid_nist(const char *id)
{
	size_t i, l;
	const char *dot;
	char cat[8];
	int c, sub;

	for (i = 0; i < ARRAY_SIZE(nist_fns); i++) {
		l = strlen(nist_fns[i].fn);
		if (strncmp(id, nist_fns[i].fn, l) || id[l] != ' ')
			continue;
		dot = strchr(id + l + 1, '.');
		if (!dot || (size_t)(dot - (id + l + 1)) >= sizeof(cat))
			return 0;
		memcpy(cat, id + l + 1, (size_t)(dot - (id + l + 1)));
		cat[dot - (id + l + 1)] = '\0';
		if (read_num(cat, &c) || read_num(dot + 1, &sub))
			return 0;
		return c >= 1 && c <= nist_fns[i].ncat && sub >= 1 &&
		       sub <= nist_fns[i].sub[c - 1];
	}
	return 0;
}

int rq_valid_iso(const char *id)
{
	size_t i, l;
	int v;

	for (i = 0; i < ARRAY_SIZE(iso_groups); i++) {
		l = strlen(iso_groups[i].prefix);
		if (strncmp(id, iso_groups[i].prefix, l))
			continue;
		if (read_num(id + l, &v))
			continue; /* "A.6.1.2" also starts with "A.6." style prefixes */
		return v >= iso_groups[i].first && v <= iso_groups[i].last;
	}
	return 0;
}

static void question_release(struct rq_question *q)
{
	size_t i;

	free(q->id);
	free(q->dimension);
	free(q->text);
	for (i = 0; i < q->nchoices; i++)
		free(q->choices[i].text);
	free(q->choices);
	for (i = 0; i < q->nist.n; i++)
		free(q->nist.v[i]);
	free(q->nist.v);
	for (i = 0; i < q->iso.n; i++)
		free(q->iso.v[i]);
	free(q->iso.v);
	free(q->measure_metric);
}

void questionnaire_free(struct questionnaire *q)
{
	size_t i;

	if (!q)
		return;
	for (i = 0; i < q->n; i++)
		question_release(&q->q[i]);
	free(q->q);
	for (i = 0; i < q->ngx; i++) {
		size_t j;
		free(q->gx[i].criterion);
		for (j = 0; j < q->gx[i].nist.n; j++)
			free(q->gx[i].nist.v[j]);
		free(q->gx[i].nist.v);
		for (j = 0; j < q->gx[i].iso.n; j++)
			free(q->gx[i].iso.v[j]);
		free(q->gx[i].iso.v);
	}
	free(q->gx);
	for (i = 0; i < q->nfd; i++) {
		size_t j;
		free(q->fd[i].foundation);
		for (j = 0; j < q->fd[i].questions.n; j++)
			free(q->fd[i].questions.v[j]);
		free(q->fd[i].questions.v);
		free(q->fd[i].metric);
	}
	free(q->fd);
	free(q->source);
	free(q);
}

const struct rq_question *questionnaire_find(const struct questionnaire *q,
					     const char *id, size_t *idx)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		if (!strcmp(q->q[i].id, id)) {
			if (idx)
				*idx = i;
			return &q->q[i];
		}
	}
	return NULL;
}

json_t *questionnaire_json(const struct questionnaire *q)
{
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; i < q->n; i++) {
		const struct rq_question *rq = &q->q[i];
		json_t *ch = json_array(), *nist = json_array(), *iso = json_array();
		json_t *o;

		for (j = 0; j < rq->nchoices; j++)
			json_array_append_new(ch, json_pack("{s:i, s:i, s:s}", "choice",
				(int)j + 1, "level", rq->choices[j].level, "text",
				rq->choices[j].text));
		for (j = 0; j < rq->nist.n; j++)
			json_array_append_new(nist, json_string(rq->nist.v[j]));
		for (j = 0; j < rq->iso.n; j++)
			json_array_append_new(iso, json_string(rq->iso.v[j]));
		o = json_pack("{s:s, s:s, s:s, s:f, s:o, s:o, s:o}", "id", rq->id,
			      "dimension", rq->dimension, "text", rq->text,
			      "minutes", rq->minutes, "choices", ch, "nist_ai_rmf", nist,
			      "iso_42001", iso);
		if (rq->basic >= 0)
			json_object_set_new(o, "basic", json_string(rq_basic_names[rq->basic]));
		json_array_append_new(arr, o);
	}
	return arr;
}

double questionnaire_minutes(const struct questionnaire *q)
{
	double m = 0;
	size_t i;

	for (i = 0; i < q->n; i++)
		m += q->q[i].minutes;
	return m;
}

static int level_known(const struct catalog *cat, long long lv)
{
	size_t i;

	for (i = 0; i < cat->nlevels; i++)
		if (cat->levels[i].level == lv)
			return 1;
	return 0;
}

/* A crosswalk list: a sequence of ids, each checked by `valid`. */
static int read_xwalk(const struct ypos *p, struct fy_node *qn, const char *key,
		      int (*valid)(const char *), const char *what,
		      const char *example, struct strlist *out)
{
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	int ret = yget_seq(p, qn, key, 1, &seq, what);

	if (ret)
		return ret;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *s = ytext(item);
		if (!s || !valid(s))
			return yfail(p, item, AIV_EINPUT,
				     "%s: '%s' is not a %s id (for example '%s')", what,
				     s ? s : "(collection)",
				     key[0] == 'n' ? "NIST AI RMF 1.0 subcategory" :
						     "ISO/IEC 42001 Annex A control",
				     example);
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		out->v[out->n++] = xstrdup(s);
	}
	if (out->n == 0)
		return yfail(p, seq, AIV_EINPUT, "%s: '%s' must list at least one id", what, key);
	return 0;
}

/* measure: { metric: ID, at_least: [t1..tmax] } or { metric: ID, at_most: [...] } */
static int read_measure(const struct ypos *p, const struct catalog *cat,
			struct fy_node *qn, struct rq_question *q, const char *what)
{
	static const char *const keys[] = { "metric", "at_least", "at_most", NULL };
	struct fy_node *m = yget(qn, "measure"), *seq, *item;
	const char *metric = NULL;
	void *it = NULL;
	int ret, maxlv = 0;
	size_t i;

	if (!m)
		return 0;
	for (i = 0; i < cat->nlevels; i++)
		if (cat->levels[i].level > maxlv)
			maxlv = cat->levels[i].level;
	if (!fy_node_is_mapping(m))
		return yfail(p, m, AIV_EINPUT, "%s: measure must be a mapping", what);
	if ((ret = ycheck_keys(p, m, keys, "measure")) ||
	    (ret = yget_str(p, m, "metric", 1, &metric, what)))
		return ret;
	if (!catalog_metric(cat, metric))
		return yfail(p, yget(m, "metric"), AIV_EINPUT, "%s: unknown metric '%s'", what,
			     metric);
	if (!!yget(m, "at_least") == !!yget(m, "at_most"))
		return yfail(p, m, AIV_EINPUT, "%s: measure needs at_least or at_most thresholds",
			     what);
	q->measure_down = yget(m, "at_most") != NULL;
	seq = yget(m, q->measure_down ? "at_most" : "at_least");
	if (!fy_node_is_sequence(seq))
		return yfail(p, seq, AIV_EINPUT, "%s: thresholds must be a list", what);
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *t = ytext(item);
		char *end;
		double v;
		if (!t || (v = strtod(t, &end), end == t || *end) || q->nthr >= 8)
			return yfail(p, item, AIV_EINPUT, "%s: thresholds must be numbers", what);
		if (q->nthr && (q->measure_down ? v > q->measure_thr[q->nthr - 1] :
						  v < q->measure_thr[q->nthr - 1]))
			return yfail(p, item, AIV_EINPUT, "%s: thresholds must be in order", what);
		q->measure_thr[q->nthr++] = v;
	}
	if (q->nthr != maxlv)
		return yfail(p, seq, AIV_EINPUT, "%s: measure needs %d thresholds (levels 1 to %d)",
			     what, maxlv, maxlv);
	q->measure_metric = xstrdup(metric);
	return 0;
}

static int read_question(const struct ypos *p, const struct catalog *cat,
			 struct fy_node *qn, struct rq_question *q)
{
	static const char *const keys[] = { "id", "dimension", "text", "minutes",
					    "choices", "nist", "iso", "basic", "measure", NULL };
	static const char *const ckeys[] = { "level", "text", NULL };
	const char *s = NULL;
	struct fy_node *seq = NULL, *item;
	char what[160];
	void *it = NULL;
	size_t i;
	int ret;

	q->basic = -1;
	q->dim = -1;
	if ((ret = yget_str(p, qn, "id", 1, &s, "question")))
		return ret;
	q->id = xstrdup(s);
	snprintf(what, sizeof(what), "question '%s'", q->id);
	for (i = 0; q->id[i]; i++) {
		char c = q->id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return yfail(p, yget(qn, "id"), AIV_EINPUT,
				     "%s: id must be lowercase letters, digits and '_'", what);
	}
	if ((ret = ycheck_keys(p, qn, keys, what)) ||
	    (ret = yget_str(p, qn, "dimension", 1, &s, what)))
		return ret;
	q->dimension = xstrdup(s);
	for (i = 0; i < cat->ndimensions; i++)
		if (!strcmp(cat->dimensions[i].id, s))
			q->dim = (int)i;
	if (q->dim < 0) {
		struct strbuf l = STRBUF_INIT;
		for (i = 0; i < cat->ndimensions; i++)
			strbuf_addf(&l, "%s%s", i ? ", " : "", cat->dimensions[i].id);
		ret = yfail(p, yget(qn, "dimension"), AIV_EINPUT,
			    "%s: unknown readiness dimension '%s' (the catalog has: %s)",
			    what, s, l.buf);
		strbuf_release(&l);
		return ret;
	}
	if ((ret = yget_str(p, qn, "text", 1, &s, what)))
		return ret;
	q->text = xstrdup(s);
	if ((ret = yget_num(p, qn, "minutes", 1, &q->minutes, what)))
		return ret;
	if (q->minutes <= 0 || q->minutes > 10)
		return yfail(p, yget(qn, "minutes"), AIV_EINPUT,
			     "%s: minutes must be above 0 and at most 10", what);
	s = NULL;
	if ((ret = yget_str(p, qn, "basic", 0, &s, what)))
		return ret;
	if (s) {
		for (i = 0; i < RQ_NBASICS; i++)
			if (!strcmp(rq_basic_names[i], s))
				q->basic = (int)i;
		if (q->basic < 0)
			return yfail(p, yget(qn, "basic"), AIV_EINPUT,
				     "%s: basic must be allowed, reviewed, logged or owned, not '%s'",
				     what, s);
		if (strcmp(q->dimension, "governance_basics"))
			return yfail(p, yget(qn, "basic"), AIV_EINPUT,
				     "%s: only governance_basics questions name a basic", what);
	}
	if ((ret = yget_seq(p, qn, "choices", 1, &seq, what)))
		return ret;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		char cw[200];
		long long lv = -1;
		struct rq_choice *c;

		snprintf(cw, sizeof(cw), "%s choice %zu", what, q->nchoices + 1);
		if (!fy_node_is_mapping(item))
			return yfail(p, item, AIV_EINPUT, "%s: must be a mapping with level and text", cw);
		q->choices = xrealloc(q->choices, st_mult(q->nchoices + 1, sizeof(*q->choices)));
		c = &q->choices[q->nchoices++];
		c->text = NULL;
		if ((ret = ycheck_keys(p, item, ckeys, cw)) ||
		    (ret = yget_int(p, item, "level", 1, &lv, cw)) ||
		    (ret = yget_str(p, item, "text", 1, &s, cw)))
			return ret;
		c->text = xstrdup(s);
		if (!level_known(cat, lv))
			return yfail(p, yget(item, "level"), AIV_EINPUT,
				     "%s: level %lld is not on the catalog's level scale", cw, lv);
		c->level = (int)lv;
		if (q->nchoices > 1 && c->level < q->choices[q->nchoices - 2].level)
			return yfail(p, yget(item, "level"), AIV_EINPUT,
				     "%s: choices must be in order of rising level", cw);
	}
	if (q->nchoices < 2 || q->nchoices > 9)
		return yfail(p, seq, AIV_EINPUT, "%s: needs 2 to 9 choices, has %zu", what,
			     q->nchoices);
	if ((ret = read_xwalk(p, qn, "nist", rq_valid_nist, what, "GOVERN 1.1", &q->nist)) ||
	    (ret = read_xwalk(p, qn, "iso", rq_valid_iso, what, "A.6.2.8", &q->iso)))
		return ret;
	return read_measure(p, cat, qn, q, what);
}

static int read_scoring(const struct ypos *p, struct fy_node *root,
			struct questionnaire *q)
{
	static const char *const keys[] = { "governance_cap_margin", "basic_min_level",
					    "half_life_days", "weight_stated",
					    "weight_documented", "weight_measured",
					    "target_level", NULL };
	struct fy_node *sc = yget(root, "scoring");
	long long margin = 0, minlv = 0, target = 0;
	const char *w = "scoring";
	int ret, i;

	if (!sc)
		return yfail(p, root, AIV_EINPUT, "missing required field 'scoring'");
	if (!fy_node_is_mapping(sc))
		return yfail(p, sc, AIV_EINPUT, "scoring: must be a mapping");
	if ((ret = ycheck_keys(p, sc, keys, w)) ||
	    (ret = yget_int(p, sc, "governance_cap_margin", 1, &margin, w)) ||
	    (ret = yget_int(p, sc, "basic_min_level", 1, &minlv, w)) ||
	    (ret = yget_num(p, sc, "half_life_days", 1, &q->scoring.half_life_days, w)) ||
	    (ret = yget_num(p, sc, "weight_stated", 1, &q->scoring.weight[0], w)) ||
	    (ret = yget_num(p, sc, "weight_documented", 1, &q->scoring.weight[1], w)) ||
	    (ret = yget_num(p, sc, "weight_measured", 1, &q->scoring.weight[2], w)) ||
	    (ret = yget_int(p, sc, "target_level", 1, &target, w)))
		return ret;
	if (target < 1 || target > q->max_level)
		return yfail(p, yget(sc, "target_level"), AIV_EINPUT,
			     "scoring: target_level must be 1 to %d", q->max_level);
	q->scoring.target_level = (int)target;
	if (margin < 0 || margin > q->max_level)
		return yfail(p, yget(sc, "governance_cap_margin"), AIV_EINPUT,
			     "scoring: governance_cap_margin must be 0 to %d", q->max_level);
	if (minlv < 0 || minlv > q->max_level)
		return yfail(p, yget(sc, "basic_min_level"), AIV_EINPUT,
			     "scoring: basic_min_level must be 0 to %d", q->max_level);
	if (q->scoring.half_life_days <= 0)
		return yfail(p, yget(sc, "half_life_days"), AIV_EINPUT,
			     "scoring: half_life_days must be above 0");
	for (i = 0; i < 3; i++) {
		static const char *const wk[] = { "weight_stated", "weight_documented",
						  "weight_measured" };
		if (q->scoring.weight[i] <= 0 || q->scoring.weight[i] > 1)
			return yfail(p, yget(sc, wk[i]), AIV_EINPUT,
				     "scoring: %s must be above 0 and at most 1", wk[i]);
	}
	q->scoring.governance_cap_margin = (int)margin;
	q->scoring.basic_min_level = (int)minlv;
	return 0;
}

static int gate_known(const struct catalog *cat, const char *id)
{
	size_t i, j;

	for (i = 0; i < cat->nphases; i++)
		for (j = 0; j < cat->phases[i].ngate; j++)
			if (!strcmp(cat->phases[i].gate[j].id, id))
				return 1;
	return 0;
}

static int read_gate_xwalk(const struct ypos *p, const struct catalog *cat,
			   struct fy_node *root, struct questionnaire *q)
{
	static const char *const keys[] = { "criterion", "nist", "iso", NULL };
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	size_t i, j, n = 0;
	int ret;

	if ((ret = yget_seq(p, root, "gate_crosswalk", 1, &seq, "questionnaire")))
		return ret;
	while (fy_node_sequence_iterate(seq, &it))
		n++;
	q->gx = xcalloc(n + 1, sizeof(*q->gx));
	it = NULL;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct rq_gatexw *g = &q->gx[q->ngx];
		const char *id = NULL;
		char what[160];
		if (!fy_node_is_mapping(item))
			return yfail(p, item, AIV_EINPUT, "gate_crosswalk: items must be mappings");
		if ((ret = yget_str(p, item, "criterion", 1, &id, "gate_crosswalk")))
			return ret;
		snprintf(what, sizeof(what), "gate_crosswalk '%s'", id);
		if ((ret = ycheck_keys(p, item, keys, what)))
			return ret;
		if (!gate_known(cat, id))
			return yfail(p, yget(item, "criterion"), AIV_EINPUT,
				     "%s: the catalog has no gate criterion '%s'", what, id);
		if (questionnaire_gate_xwalk(q, id))
			return yfail(p, yget(item, "criterion"), AIV_EINPUT, "%s is listed twice", what);
		g->criterion = xstrdup(id);
		q->ngx++;
		if ((ret = read_xwalk(p, item, "nist", rq_valid_nist, what, "GOVERN 1.1", &g->nist)) ||
		    (ret = read_xwalk(p, item, "iso", rq_valid_iso, what, "A.6.2.8", &g->iso)))
			return ret;
	}
	for (i = 0; i < cat->nphases; i++)
		for (j = 0; j < cat->phases[i].ngate; j++)
			if (!questionnaire_gate_xwalk(q, cat->phases[i].gate[j].id))
				return yfail(p, seq, AIV_EINPUT,
					     "gate_crosswalk: no entry for gate criterion '%s'",
					     cat->phases[i].gate[j].id);
	return 0;
}

static int read_foundations(const struct ypos *p, const struct catalog *cat,
			    struct fy_node *root, struct questionnaire *q)
{
	static const char *const keys[] = { "foundation", "questions", "measure", NULL };
	static const char *const mkeys[] = { "metric", "at_least", "at_most", NULL };
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	size_t i;
	int ret;

	if ((ret = yget_seq(p, root, "foundations", 1, &seq, "questionnaire")))
		return ret;
	q->nfd = cat->nfoundations;
	q->fd = xcalloc(q->nfd + 1, sizeof(*q->fd));
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct fy_node *qs = NULL, *qi, *m;
		const char *id = NULL;
		struct rq_foundation *f = NULL;
		char what[160];
		void *qit = NULL;

		if (!fy_node_is_mapping(item))
			return yfail(p, item, AIV_EINPUT, "foundations: items must be mappings");
		if ((ret = yget_str(p, item, "foundation", 1, &id, "foundations")))
			return ret;
		snprintf(what, sizeof(what), "foundation '%s'", id);
		if ((ret = ycheck_keys(p, item, keys, what)))
			return ret;
		for (i = 0; i < cat->nfoundations; i++)
			if (!strcmp(cat->foundations[i].id, id))
				f = &q->fd[i];
		if (!f)
			return yfail(p, yget(item, "foundation"), AIV_EINPUT,
				     "%s: the catalog has no workflow foundation '%s'", what, id);
		if (f->foundation)
			return yfail(p, yget(item, "foundation"), AIV_EINPUT, "%s is listed twice", what);
		f->foundation = xstrdup(id);
		if ((ret = yget_seq(p, item, "questions", 1, &qs, what)))
			return ret;
		while ((qi = fy_node_sequence_iterate(qs, &qit)) != NULL) {
			const char *qid = ytext(qi);
			if (!qid || !questionnaire_find(q, qid, NULL))
				return yfail(p, qi, AIV_EINPUT, "%s: unknown question '%s'", what,
					     qid ? qid : "?");
			ALLOC_GROW(f->questions.v, f->questions.n + 1, f->questions.alloc);
			f->questions.v[f->questions.n++] = xstrdup(qid);
		}
		m = yget(item, "measure");
		if (m) {
			const char *metric = NULL;
			double bar = 0;
			if (!fy_node_is_mapping(m))
				return yfail(p, m, AIV_EINPUT, "%s: measure must be a mapping", what);
			if ((ret = ycheck_keys(p, m, mkeys, "measure")) ||
			    (ret = yget_str(p, m, "metric", 0, &metric, what)))
				return ret;
			if (metric && !catalog_metric(cat, metric))
				return yfail(p, yget(m, "metric"), AIV_EINPUT,
					     "%s: unknown metric '%s'", what, metric);
			if (!!yget(m, "at_least") == !!yget(m, "at_most"))
				return yfail(p, m, AIV_EINPUT, "%s: measure needs at_least or at_most",
					     what);
			f->down = yget(m, "at_most") != NULL;
			if ((ret = yget_num(p, m, f->down ? "at_most" : "at_least", 1, &bar, what)))
				return ret;
			f->metric = metric ? xstrdup(metric) : NULL;
			f->has_bar = 1;
			f->bar = bar;
		}
	}
	for (i = 0; i < q->nfd; i++)
		if (!q->fd[i].foundation)
			return yfail(p, seq, AIV_EINPUT, "foundations: no entry for '%s'",
				     cat->foundations[i].id);
	return 0;
}

const struct rq_gatexw *questionnaire_gate_xwalk(const struct questionnaire *q,
						 const char *id)
{
	size_t i;

	for (i = 0; i < q->ngx; i++)
		if (!strcmp(q->gx[i].criterion, id))
			return &q->gx[i];
	return NULL;
}

static int load_doc(struct questionnaire *q, const struct catalog *cat,
		    struct ydocs *docs, struct aiv_err *err)
{
	static const char *const keys[] = { "version", "scoring", "questions",
					    "gate_crosswalk", "foundations", NULL };
	struct ypos p = { docs->file, err };
	struct fy_node *root, *seq = NULL, *item;
	long long version = 0;
	void *it = NULL;
	size_t i, j, n = 0;
	int ret, basics[RQ_NBASICS] = { 0 };

	if (docs->n != 1)
		return aiv_fail(err, AIV_EINPUT, "%s: expected one YAML document, found %zu",
				docs->file, docs->n);
	root = fy_document_root(docs->docs[0]);
	if (!fy_node_is_mapping(root))
		return yfail(&p, root, AIV_EINPUT, "expected a mapping at the top");
	for (i = 0; i < cat->nlevels; i++)
		if (cat->levels[i].level > q->max_level)
			q->max_level = cat->levels[i].level;
	if ((ret = ycheck_keys(&p, root, keys, "questionnaire")) ||
	    (ret = yget_int(&p, root, "version", 1, &version, "questionnaire")))
		return ret;
	if (version != 1)
		return yfail(&p, yget(root, "version"), AIV_EINPUT,
			     "questionnaire: version %lld is not supported (this build reads 1)",
			     version);
	q->version = 1;
	if ((ret = read_scoring(&p, root, q)) ||
	    (ret = yget_seq(&p, root, "questions", 1, &seq, "questionnaire")))
		return ret;
	while (fy_node_sequence_iterate(seq, &it))
		n++;
	if (n == 0 || n > RQ_MAX_QUESTIONS)
		return yfail(&p, seq, AIV_EINPUT,
			     "questionnaire: needs 1 to %d questions, has %zu",
			     RQ_MAX_QUESTIONS, n);
	q->q = xcalloc(n, sizeof(*q->q));
	it = NULL;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		if (!fy_node_is_mapping(item))
			return yfail(&p, item, AIV_EINPUT, "each question must be a mapping");
		ret = read_question(&p, cat, item, &q->q[q->n]);
		q->n++;
		if (ret)
			return ret;
		for (j = 0; j + 1 < q->n; j++)
			if (!strcmp(q->q[j].id, q->q[q->n - 1].id))
				return yfail(&p, yget(item, "id"), AIV_EINPUT,
					     "question '%s' is defined twice", q->q[j].id);
		if (q->q[q->n - 1].basic >= 0)
			basics[q->q[q->n - 1].basic]++;
	}
	for (i = 0; i < RQ_NBASICS; i++)
		if (!basics[i])
			return yfail(&p, seq, AIV_EINPUT,
				     "questionnaire: no question covers the governance basic '%s'",
				     rq_basic_names[i]);
	for (i = 0; i < cat->ndimensions; i++) {
		for (j = 0; j < q->n; j++)
			if (q->q[j].dim == (int)i)
				break;
		if (j == q->n)
			return yfail(&p, seq, AIV_EINPUT,
				     "questionnaire: no question covers the dimension '%s'",
				     cat->dimensions[i].id);
	}
	if ((ret = read_gate_xwalk(&p, cat, root, q)))
		return ret;
	return read_foundations(&p, cat, root, q);
}

int questionnaire_load_buf(struct questionnaire **out, const struct catalog *cat,
			   const char *name, const char *buf, size_t len,
			   struct aiv_err *err)
{
	struct ydocs docs;
	struct questionnaire *q;
	int ret;

	*out = NULL;
	if ((ret = ydocs_load(&docs, name, buf, len, err)))
		return ret;
	q = xcalloc(1, sizeof(*q));
	q->source = xstrdup(name);
	ret = load_doc(q, cat, &docs, err);
	ydocs_release(&docs);
	if (ret) {
		questionnaire_free(q);
		return ret;
	}
	*out = q;
	return 0;
}

int questionnaire_load(struct questionnaire **out, const struct catalog *cat,
		       const char *path, struct aiv_err *err)
{
	const struct aiv_asset *a;

	if (path)
		return questionnaire_load_buf(out, cat, path, NULL, 0, err);
	a = asset_find("data/readiness.yaml");
	if (!a)
		return aiv_fail(err, AIV_EINTERNAL, "no built-in questionnaire in this binary");
	return questionnaire_load_buf(out, cat, "(built-in)/data/readiness.yaml",
				      (const char *)a->data, a->len, err);
}
