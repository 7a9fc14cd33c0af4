/*
 * catalog.c - loading and validating data/framework.yaml.
 *
 * The loader is strict on purpose: an organisation tunes this file by
 * hand, and a typo in a key or an id must stop the program with the exact
 * place rather than silently drop a threshold.  Validation runs in two
 * passes: the first reads every section, checking keys, types and
 * required fields; the second checks uniqueness and cross references
 * (failure mode -> metric and move, gate -> metric or signal, phase /
 * dimension / industry step -> model), still reporting the location of
 * the offending value.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "core/assets.h"
#include "core/yaml.h"

static void strlist_push(struct strlist *l, const char *s)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = xstrdup(s);
}

static void strlist_release(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Loader state: where we are, and the nodes kept for pass two. */
struct ld {
	struct ypos p;
	struct catalog *c;
	struct fy_node *root;
};

static int dup_str(struct ld *ld, struct fy_node *map, const char *key,
		   int required, char **out, const char *what)
{
	const char *s = NULL;
	int ret = yget_str(&ld->p, map, key, required, &s, what);

	if (ret)
		return ret;
	*out = s ? xstrdup(s) : NULL;
	return 0;
}

/* A list of strings; each item must be a scalar. */
static int get_strlist(struct ld *ld, struct fy_node *map, const char *key,
		       int required, struct strlist *out, const char *what)
{
	struct fy_node *seq, *item;
	void *it = NULL;
	int ret = yget_seq(&ld->p, map, key, required, &seq, what);

	if (ret || !seq)
		return ret;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *s = ytext(item);
		if (!s || !*s)
			return yfail(&ld->p, item, AIV_EINPUT,
				     "%s: items of '%s' must be non-empty strings", what, key);
		strlist_push(out, s);
	}
	return 0;
}

/* The sequence at `key`, each item a mapping; count in *n. */
static int get_maps(struct ld *ld, struct fy_node *map, const char *key,
		    struct fy_node **seq, size_t *n, const char *what)
{
	struct fy_node *item;
	void *it = NULL;
	int ret = yget_seq(&ld->p, map, key, 1, seq, what);

	if (ret)
		return ret;
	*n = 0;
	while ((item = fy_node_sequence_iterate(*seq, &it)) != NULL) {
		if (!fy_node_is_mapping(item))
			return yfail(&ld->p, item, AIV_EINPUT,
				     "%s: each item of '%s' must be a mapping", what, key);
		(*n)++;
	}
	return 0;
}

/* Id check: non-empty snake_case. */
static int check_id(struct ld *ld, struct fy_node *map, const char *id,
		    const char *what)
{
	const char *s;

	for (s = id; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return yfail(&ld->p, yget(map, "id"), AIV_EINPUT,
				     "%s: id '%s' must be lowercase letters, digits and '_'",
				     what, id);
	return 0;
}

static int read_metric(struct ld *ld, struct fy_node *m, struct cat_metric *out,
		       int model, const char *where)
{
	static const char *const keys[] = { "id", "name", "unit", "direction",
					     "target", "at_risk", "off_track",
					     "definition", NULL };
	static const char *const units[] = { "ratio", "count", "seconds", "days",
					     "currency", "score", NULL };
	char what[160];
	const char *const *u;
	int ret;

	snprintf(what, sizeof(what), "%s metric", where);
	if ((ret = dup_str(ld, m, "id", 1, &out->id, what)))
		return ret;
	snprintf(what, sizeof(what), "metric '%s'", out->id);
	if ((ret = ycheck_keys(&ld->p, m, keys, what)) ||
	    (ret = check_id(ld, m, out->id, what)) ||
	    (ret = dup_str(ld, m, "name", 1, &out->name, what)) ||
	    (ret = dup_str(ld, m, "unit", 1, &out->unit, what)) ||
	    (ret = dup_str(ld, m, "direction", 1, &out->direction, what)) ||
	    (ret = dup_str(ld, m, "definition", 1, &out->definition, what)))
		return ret;
	for (u = units; *u; u++)
		if (!strcmp(*u, out->unit))
			break;
	if (!*u)
		return yfail(&ld->p, yget(m, "unit"), AIV_EINPUT,
			     "%s: unit '%s' is not one of ratio, count, seconds, days, "
			     "currency, score", what, out->unit);
	if (strcmp(out->direction, "up") && strcmp(out->direction, "down"))
		return yfail(&ld->p, yget(m, "direction"), AIV_EINPUT,
			     "%s: direction must be 'up' or 'down', not '%s'",
			     what, out->direction);
	if ((ret = yget_num(&ld->p, m, "target", 1, &out->target, what)) ||
	    (ret = yget_num(&ld->p, m, "at_risk", 1, &out->at_risk, what)) ||
	    (ret = yget_num(&ld->p, m, "off_track", 1, &out->off_track, what)))
		return ret;
	{
		const char *field, *why = catalog_target_check(out->direction, out->target,
							       out->at_risk, out->off_track, &field);
		if (why)
			return yfail(&ld->p, yget(m, field), AIV_EINPUT, "%s: %s: %s", what,
				     field, why);
	}
	out->model = model;
	return 0;
}

const char *catalog_target_check(const char *direction, double target, double at_risk,
				 double off_track, const char **field)
{
	int up = !strcmp(direction, "up");

	*field = NULL;
	if (!isfinite(target) || !isfinite(at_risk) || !isfinite(off_track)) {
		*field = !isfinite(target) ? "target" : !isfinite(at_risk) ? "at_risk" : "off_track";
		return "must be a finite number";
	}
	if (up ? at_risk > target : at_risk < target) {
		*field = "at_risk";
		return up ? "must not be above the target when higher is better" :
			    "must not be below the target when lower is better";
	}
	if (up ? off_track > at_risk : off_track < at_risk) {
		*field = "off_track";
		return up ? "must not be above at_risk when higher is better" :
			    "must not be below at_risk when lower is better";
	}
	return NULL;
}

static int read_model(struct ld *ld, struct fy_node *m, struct cat_model *out,
		      size_t midx)
{
	static const char *const keys[] = { "id", "number", "name", "short", "color",
					    "summary", "practices", "metrics",
					    "failure_modes", "leadership_moves", NULL };
	static const char *const fkeys[] = { "id", "name", "description", "signal",
					     "metrics", "move", NULL };
	static const char *const mkeys[] = { "id", "name", "text", NULL };
	struct catalog *c = ld->c;
	struct fy_node *seq, *item;
	long long number = 0;
	char what[128];
	void *it;
	size_t n, i;
	int ret;

	if ((ret = dup_str(ld, m, "id", 1, &out->id, "model")))
		return ret;
	snprintf(what, sizeof(what), "model '%s'", out->id);
	if ((ret = ycheck_keys(&ld->p, m, keys, what)) ||
	    (ret = check_id(ld, m, out->id, what)) ||
	    (ret = yget_int(&ld->p, m, "number", 1, &number, what)) ||
	    (ret = dup_str(ld, m, "name", 1, &out->name, what)) ||
	    (ret = dup_str(ld, m, "short", 1, &out->short_name, what)) ||
	    (ret = dup_str(ld, m, "color", 1, &out->color, what)) ||
	    (ret = dup_str(ld, m, "summary", 1, &out->summary, what)) ||
	    (ret = get_strlist(ld, m, "practices", 1, &out->practices, what)))
		return ret;
	out->number = (int)number;
	if (strlen(out->color) != 7 || out->color[0] != '#' ||
	    strspn(out->color + 1, "0123456789abcdefABCDEF") != 6)
		return yfail(&ld->p, yget(m, "color"), AIV_EINPUT,
			     "%s: color must be '#rrggbb', not '%s'", what, out->color);

	if ((ret = get_maps(ld, m, "metrics", &seq, &n, what)))
		return ret;
	out->first_metric = c->nmetrics;
	out->nmetrics = n;
	c->metrics = xrealloc(c->metrics, st_mult(c->nmetrics + n, sizeof(*c->metrics)));
	memset(c->metrics + c->nmetrics, 0, n * sizeof(*c->metrics));
	it = NULL;
	for (i = 0; (item = fy_node_sequence_iterate(seq, &it)) != NULL; i++) {
		c->nmetrics++;
		if ((ret = read_metric(ld, item, &c->metrics[c->nmetrics - 1],
				       (int)midx, what)))
			return ret;
	}

	if ((ret = get_maps(ld, m, "failure_modes", &seq, &n, what)))
		return ret;
	out->failures = xcalloc(n, sizeof(*out->failures));
	it = NULL;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct cat_failure *f = &out->failures[out->nfailures++];
		char fw[160];
		if ((ret = dup_str(ld, item, "id", 1, &f->id, "failure mode")))
			return ret;
		snprintf(fw, sizeof(fw), "failure mode '%s'", f->id);
		if ((ret = ycheck_keys(&ld->p, item, fkeys, fw)) ||
		    (ret = check_id(ld, item, f->id, fw)) ||
		    (ret = dup_str(ld, item, "name", 1, &f->name, fw)) ||
		    (ret = dup_str(ld, item, "description", 1, &f->description, fw)) ||
		    (ret = dup_str(ld, item, "signal", 1, &f->signal, fw)) ||
		    (ret = get_strlist(ld, item, "metrics", 1, &f->metrics, fw)) ||
		    (ret = dup_str(ld, item, "move", 1, &f->move, fw)))
			return ret;
	}

	if ((ret = get_maps(ld, m, "leadership_moves", &seq, &n, what)))
		return ret;
	out->moves = xcalloc(n, sizeof(*out->moves));
	it = NULL;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct cat_move *mv = &out->moves[out->nmoves++];
		char mw[160];
		if ((ret = dup_str(ld, item, "id", 1, &mv->id, "leadership move")))
			return ret;
		snprintf(mw, sizeof(mw), "leadership move '%s'", mv->id);
		if ((ret = ycheck_keys(&ld->p, item, mkeys, mw)) ||
		    (ret = check_id(ld, item, mv->id, mw)) ||
		    (ret = dup_str(ld, item, "name", 1, &mv->name, mw)) ||
		    (ret = dup_str(ld, item, "text", 1, &mv->text, mw)))
			return ret;
	}
	return 0;
}

static int read_named(struct ld *ld, struct fy_node *root, const char *key,
		      struct cat_named **out, size_t *nout, int with_models,
		      const char *what)
{
	static const char *const keys_fn[] = { "id", "name", NULL };
	static const char *const keys_fd[] = { "id", "name", "description", NULL };
	static const char *const keys_dim[] = { "id", "name", "description", "models", NULL };
	struct fy_node *seq, *item;
	void *it = NULL;
	size_t n;
	int ret, is_fn = !strcmp(key, "functions");

	if ((ret = get_maps(ld, root, key, &seq, &n, "catalog")))
		return ret;
	*out = xcalloc(n, sizeof(**out));
	*nout = 0;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct cat_named *x = &(*out)[(*nout)++];
		char w[160];
		if ((ret = ycheck_keys(&ld->p, item, is_fn ? keys_fn :
				       with_models ? keys_dim : keys_fd, what)) ||
		    (ret = dup_str(ld, item, "id", 1, &x->id, what)))
			return ret;
		snprintf(w, sizeof(w), "%s '%s'", what, x->id);
		if ((ret = check_id(ld, item, x->id, w)) ||
		    (ret = dup_str(ld, item, "name", 1, &x->name, w)))
			return ret;
		if (!is_fn && (ret = dup_str(ld, item, "description", 1, &x->description, w)))
			return ret;
		if (with_models && (ret = get_strlist(ld, item, "models", 1, &x->models, w)))
			return ret;
	}
	return 0;
}

static int read_phases(struct ld *ld)
{
	static const char *const keys[] = { "id", "number", "name", "summary", "models",
					    "goals", "exit_gate", NULL };
	static const char *const gkeys[] = { "id", "description", "metric", "op",
					     "value", NULL };
	static const char *const ops[] = { ">=", ">", "<=", "<", "==", NULL };
	struct catalog *c = ld->c;
	struct fy_node *seq, *item, *gseq, *g;
	void *it = NULL, *git;
	size_t n;
	int ret;

	if ((ret = get_maps(ld, ld->root, "phases", &seq, &n, "catalog")))
		return ret;
	c->phases = xcalloc(n, sizeof(*c->phases));
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct cat_phase *ph = &c->phases[c->nphases++];
		long long number = 0;
		size_t ng;
		char w[128];

		if ((ret = dup_str(ld, item, "id", 1, &ph->id, "phase")))
			return ret;
		snprintf(w, sizeof(w), "phase '%s'", ph->id);
		if ((ret = ycheck_keys(&ld->p, item, keys, w)) ||
		    (ret = check_id(ld, item, ph->id, w)) ||
		    (ret = yget_int(&ld->p, item, "number", 1, &number, w)) ||
		    (ret = dup_str(ld, item, "name", 1, &ph->name, w)) ||
		    (ret = dup_str(ld, item, "summary", 1, &ph->summary, w)) ||
		    (ret = get_strlist(ld, item, "models", 1, &ph->models, w)) ||
		    (ret = get_strlist(ld, item, "goals", 1, &ph->goals, w)))
			return ret;
		ph->number = (int)number;
		if ((ret = yget_seq(&ld->p, item, "exit_gate", 1, &gseq, w)))
			return ret;
		ng = (size_t)fy_node_sequence_item_count(gseq);
		ph->gate = xcalloc(ng, sizeof(*ph->gate));
		git = NULL;
		while ((g = fy_node_sequence_iterate(gseq, &git)) != NULL) {
			struct cat_criterion *cr = &ph->gate[ph->ngate++];
			const char *const *op;
			char gw[200];

			if ((ret = ycheck_keys(&ld->p, g, gkeys, "gate criterion")) ||
			    (ret = dup_str(ld, g, "id", 1, &cr->id, "gate criterion")))
				return ret;
			snprintf(gw, sizeof(gw), "%s gate criterion '%s'", w, cr->id);
			if ((ret = check_id(ld, g, cr->id, gw)) ||
			    (ret = dup_str(ld, g, "description", 1, &cr->description, gw)) ||
			    (ret = dup_str(ld, g, "metric", 1, &cr->metric, gw)) ||
			    (ret = dup_str(ld, g, "op", 1, &cr->op, gw)) ||
			    (ret = yget_num(&ld->p, g, "value", 1, &cr->value, gw)))
				return ret;
			for (op = ops; *op; op++)
				if (!strcmp(*op, cr->op))
					break;
			if (!*op)
				return yfail(&ld->p, yget(g, "op"), AIV_EINPUT,
					     "%s: op must be one of >=, >, <=, <, ==, not '%s'",
					     gw, cr->op);
		}
	}
	return 0;
}

static int read_industries(struct ld *ld)
{
	static const char *const keys[] = { "id", "name", "summary", "steps", NULL };
	static const char *const skeys[] = { "model", "focus", NULL };
	struct catalog *c = ld->c;
	struct fy_node *seq, *item, *sseq, *s;
	void *it = NULL, *sit;
	size_t n;
	int ret;

	if ((ret = get_maps(ld, ld->root, "industry_paths", &seq, &n, "catalog")))
		return ret;
	c->industries = xcalloc(n, sizeof(*c->industries));
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct cat_industry *ind = &c->industries[c->nindustries++];
		size_t ns;
		char w[128];

		if ((ret = ycheck_keys(&ld->p, item, keys, "industry path")) ||
		    (ret = dup_str(ld, item, "id", 1, &ind->id, "industry path")))
			return ret;
		snprintf(w, sizeof(w), "industry path '%s'", ind->id);
		if ((ret = check_id(ld, item, ind->id, w)) ||
		    (ret = dup_str(ld, item, "name", 1, &ind->name, w)) ||
		    (ret = dup_str(ld, item, "summary", 1, &ind->summary, w)) ||
		    (ret = get_maps(ld, item, "steps", &sseq, &ns, w)))
			return ret;
		ind->steps = xcalloc(ns, sizeof(*ind->steps));
		sit = NULL;
		while ((s = fy_node_sequence_iterate(sseq, &sit)) != NULL) {
			struct cat_step *st = &ind->steps[ind->nsteps++];
			if ((ret = ycheck_keys(&ld->p, s, skeys, w)) ||
			    (ret = dup_str(ld, s, "model", 1, &st->model, w)) ||
			    (ret = dup_str(ld, s, "focus", 1, &st->focus, w)))
				return ret;
		}
	}
	return 0;
}

static int read_levels(struct ld *ld)
{
	static const char *const keys[] = { "level", "name", "description", NULL };
	struct catalog *c = ld->c;
	struct fy_node *seq, *item;
	void *it = NULL;
	size_t n;
	int ret;

	if ((ret = get_maps(ld, ld->root, "levels", &seq, &n, "catalog")))
		return ret;
	c->levels = xcalloc(n, sizeof(*c->levels));
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		/* counted before it is filled, so catalog_free() frees a half-read one */
		struct cat_level *l = &c->levels[c->nlevels++];
		long long v = 0;
		if ((ret = ycheck_keys(&ld->p, item, keys, "level")) ||
		    (ret = yget_int(&ld->p, item, "level", 1, &v, "level")) ||
		    (ret = dup_str(ld, item, "name", 1, &l->name, "level")) ||
		    (ret = dup_str(ld, item, "description", 1, &l->description, "level")))
			return ret;
		if (v != (long long)c->nlevels - 1)
			return yfail(&ld->p, yget(item, "level"), AIV_EINPUT,
				     "level: levels must be numbered 0, 1, 2... in order; "
				     "expected %zu, found %lld", c->nlevels - 1, v);
		l->level = (int)v;
	}
	return 0;
}

/* Find the YAML node holding a given string in the list at path, for locating
 * reference errors in pass two. */
/*
 * The nth (0-based) item of the list seq_parent[listkey] whose id is `id`;
 * seq_parent when there is none.  A duplicate is reported at its second
 * occurrence (nth 1), which is where the reader has to look.
 */
static struct fy_node *find_item_nth(struct fy_node *seq_parent, const char *listkey,
				     const char *id, size_t nth)
{
	struct fy_node *seq = yget(seq_parent, listkey), *item;
	void *it = NULL;

	if (!seq || !fy_node_is_sequence(seq))
		return seq_parent;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *s = ytext(yget(item, "id"));
		if (s && !strcmp(s, id) && nth-- == 0)
			return item;
	}
	return seq_parent;
}

static struct fy_node *find_item(struct fy_node *seq_parent, const char *listkey,
				 const char *id)
{
	return find_item_nth(seq_parent, listkey, id, 0);
}

static struct fy_node *find_value(struct fy_node *map, const char *key, const char *val)
{
	struct fy_node *v = yget(map, key), *item;
	void *it = NULL;

	if (v && fy_node_is_sequence(v)) {
		while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
			const char *s = ytext(item);
			if (s && !strcmp(s, val))
				return item;
		}
	}
	return v ? v : map;
}

static int check_refs(struct ld *ld)
{
	struct catalog *c = ld->c;
	struct fy_node *models = yget(ld->root, "models");
	size_t i, j, k;

	if (c->nmodels == 0)
		return yfail(&ld->p, ld->root, AIV_EINPUT, "catalog: no models");
	/* unique ids */
	for (i = 0; i < c->nmodels; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(c->models[i].id, c->models[j].id) ||
			    c->models[i].number == c->models[j].number)
				return yfail(&ld->p, yget(find_item_nth(ld->root, "models",
						c->models[i].id, !strcmp(c->models[i].id,
						c->models[j].id)), "id"), AIV_EINPUT,
					     "model '%s': duplicate id or number", c->models[i].id);
	}
	for (i = 0; i < c->nmetrics; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(c->metrics[i].id, c->metrics[j].id)) {
				struct fy_node *where = ld->root;
				/* same list: the second occurrence is the duplicate */
				size_t nth = c->metrics[i].model == c->metrics[j].model;
				if (c->metrics[i].model >= 0)
					where = find_item_nth(find_item(ld->root, "models",
						c->models[c->metrics[i].model].id), "metrics",
						c->metrics[i].id, nth);
				else
					where = find_item_nth(ld->root, "signals",
							      c->metrics[i].id, nth);
				return yfail(&ld->p, yget(where, "id"), AIV_EINPUT,
					     "metric '%s': duplicate id (metric ids are unique "
					     "across models and signals)", c->metrics[i].id);
			}
	for (i = 0; i < c->nfunctions; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(c->functions[i].id, c->functions[j].id))
				return yfail(&ld->p, yget(find_item_nth(ld->root, "functions",
						c->functions[i].id, 1), "id"), AIV_EINPUT,
					     "function '%s': duplicate id", c->functions[i].id);
	for (i = 0; i < c->nphases; i++) {
		struct fy_node *pn = find_item(ld->root, "phases", c->phases[i].id);
		if (c->phases[i].number != (int)i + 1)
			return yfail(&ld->p, yget(pn, "number"), AIV_EINPUT,
				     "phase '%s': phases must be numbered 1, 2, 3 in order",
				     c->phases[i].id);
		for (j = 0; j < c->phases[i].models.n; j++)
			if (!catalog_model(c, c->phases[i].models.v[j]))
				return yfail(&ld->p, find_value(pn, "models",
						c->phases[i].models.v[j]), AIV_EINPUT,
					     "phase '%s': unknown model '%s'", c->phases[i].id,
					     c->phases[i].models.v[j]);
		for (j = 0; j < c->phases[i].ngate; j++) {
			struct cat_criterion *cr = &c->phases[i].gate[j];
			if (!catalog_metric(c, cr->metric))
				return yfail(&ld->p, yget(find_item(pn, "exit_gate", cr->id),
						"metric"), AIV_EINPUT,
					     "phase '%s' gate criterion '%s': unknown metric '%s'",
					     c->phases[i].id, cr->id, cr->metric);
		}
	}
	for (i = 0; i < c->nmodels; i++) {
		struct cat_model *m = &c->models[i];
		struct fy_node *mn = find_item(ld->root, "models", m->id);
		(void)models;
		for (j = 0; j < m->nmoves; j++)
			for (k = 0; k < j; k++)
				if (!strcmp(m->moves[j].id, m->moves[k].id))
					return yfail(&ld->p, yget(find_item(mn, "leadership_moves",
							m->moves[j].id), "id"), AIV_EINPUT,
						     "model '%s': duplicate leadership move '%s'",
						     m->id, m->moves[j].id);
		for (j = 0; j < m->nfailures; j++) {
			struct cat_failure *f = &m->failures[j];
			struct fy_node *fn = find_item(mn, "failure_modes", f->id);
			int found = 0;
			for (k = 0; k < f->metrics.n; k++)
				if (!catalog_metric(c, f->metrics.v[k]))
					return yfail(&ld->p, find_value(fn, "metrics", f->metrics.v[k]),
						     AIV_EINPUT,
						     "failure mode '%s': unknown metric '%s'",
						     f->id, f->metrics.v[k]);
			for (k = 0; k < m->nmoves; k++)
				if (!strcmp(m->moves[k].id, f->move))
					found = 1;
			if (!found)
				return yfail(&ld->p, yget(fn, "move"), AIV_EINPUT,
					     "failure mode '%s': unknown leadership move '%s' "
					     "(moves are declared per model)", f->id, f->move);
			for (k = 0; k < j; k++)
				if (!strcmp(m->failures[k].id, f->id))
					return yfail(&ld->p, yget(fn, "id"), AIV_EINPUT,
						     "failure mode '%s': duplicate id", f->id);
		}
	}
	for (i = 0; i < c->ndimensions; i++) {
		struct fy_node *dn = find_item(ld->root, "readiness_dimensions",
					       c->dimensions[i].id);
		for (j = 0; j < i; j++)
			if (!strcmp(c->dimensions[i].id, c->dimensions[j].id))
				return yfail(&ld->p, yget(find_item_nth(ld->root,
						"readiness_dimensions", c->dimensions[i].id, 1),
						"id"), AIV_EINPUT,
					     "readiness dimension '%s': duplicate id",
					     c->dimensions[i].id);
		for (j = 0; j < c->dimensions[i].models.n; j++)
			if (!catalog_model(c, c->dimensions[i].models.v[j]))
				return yfail(&ld->p, find_value(dn, "models",
						c->dimensions[i].models.v[j]), AIV_EINPUT,
					     "readiness dimension '%s': unknown model '%s'",
					     c->dimensions[i].id, c->dimensions[i].models.v[j]);
	}
	for (i = 0; i < c->nfoundations; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(c->foundations[i].id, c->foundations[j].id))
				return yfail(&ld->p, yget(find_item_nth(ld->root, "workflow_foundations",
						c->foundations[i].id, 1), "id"), AIV_EINPUT,
					     "workflow foundation '%s': duplicate id",
					     c->foundations[i].id);
	for (i = 0; i < c->nindustries; i++) {
		struct fy_node *in = find_item(ld->root, "industry_paths", c->industries[i].id);
		for (j = 0; j < i; j++)
			if (!strcmp(c->industries[i].id, c->industries[j].id))
				return yfail(&ld->p, yget(find_item_nth(ld->root, "industry_paths",
						c->industries[i].id, 1), "id"), AIV_EINPUT,
					     "industry path '%s': duplicate id", c->industries[i].id);
		for (j = 0; j < c->industries[i].nsteps; j++) {
			const char *mid = c->industries[i].steps[j].model;
			if (!catalog_model(c, mid)) {
				struct fy_node *steps = yget(in, "steps"), *s, *where = in;
				void *it = NULL;
				size_t idx = 0;
				while (steps && (s = fy_node_sequence_iterate(steps, &it)) != NULL)
					if (idx++ == j)
						where = yget(s, "model");
				return yfail(&ld->p, where, AIV_EINPUT,
					     "industry path '%s': unknown model '%s'",
					     c->industries[i].id, mid);
			}
		}
	}
	return 0;
}

static int load_docs(struct catalog *c, struct ydocs *docs, struct aiv_err *err)
{
	static const char *const keys[] = { "version", "functions", "levels", "models",
					    "signals", "phases", "readiness_dimensions",
					    "workflow_foundations", "industry_paths", NULL };
	struct ld ld;
	struct fy_node *seq, *item;
	long long version = 0;
	void *it = NULL;
	size_t n, i;
	int ret;

	ld.p.file = docs->file;
	ld.p.err = err;
	ld.c = c;
	if (docs->n != 1)
		return aiv_fail_at(err, AIV_EINPUT, docs->file, 0, 0,
				   "expected exactly one YAML document, found %zu", docs->n);
	ld.root = fy_document_root(docs->docs[0]);
	if ((ret = ycheck_keys(&ld.p, ld.root, keys, "catalog")) ||
	    (ret = yget_int(&ld.p, ld.root, "version", 1, &version, "catalog")))
		return ret;
	if (version != 1)
		return yfail(&ld.p, yget(ld.root, "version"), AIV_EINPUT,
			     "catalog: unsupported version %lld (this aivalue reads version 1)",
			     version);
	c->version = (int)version;
	if ((ret = read_named(&ld, ld.root, "functions", &c->functions, &c->nfunctions,
			      0, "function")) ||
	    (ret = read_levels(&ld)))
		return ret;
	if ((ret = get_maps(&ld, ld.root, "models", &seq, &n, "catalog")))
		return ret;
	c->models = xcalloc(n, sizeof(*c->models));
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		c->nmodels++;
		if ((ret = read_model(&ld, item, &c->models[c->nmodels - 1], c->nmodels - 1)))
			return ret;
	}
	c->nmodel_metrics = c->nmetrics;
	if ((ret = get_maps(&ld, ld.root, "signals", &seq, &n, "catalog")))
		return ret;
	c->metrics = xrealloc(c->metrics, st_mult(c->nmetrics + n, sizeof(*c->metrics)));
	memset(c->metrics + c->nmetrics, 0, n * sizeof(*c->metrics));
	it = NULL;
	for (i = 0; (item = fy_node_sequence_iterate(seq, &it)) != NULL; i++) {
		c->nmetrics++;
		if ((ret = read_metric(&ld, item, &c->metrics[c->nmetrics - 1], -1, "signal")))
			return ret;
	}
	if ((ret = read_phases(&ld)) ||
	    (ret = read_named(&ld, ld.root, "readiness_dimensions", &c->dimensions,
			      &c->ndimensions, 1, "readiness dimension")) ||
	    (ret = read_named(&ld, ld.root, "workflow_foundations", &c->foundations,
			      &c->nfoundations, 0, "workflow foundation")) ||
	    (ret = read_industries(&ld)))
		return ret;
	return check_refs(&ld);
}

int catalog_load_buf(struct catalog **out, const char *name, const char *buf,
		     size_t len, struct aiv_err *err)
{
	struct ydocs docs;
	struct catalog *c;
	int ret;

	*out = NULL;
	if ((ret = ydocs_load(&docs, name, buf, len, err)))
		return ret;
	c = xcalloc(1, sizeof(*c));
	c->source = xstrdup(name);
	ret = load_docs(c, &docs, err);
	ydocs_release(&docs);
	if (ret) {
		catalog_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int catalog_load(struct catalog **out, const char *path, struct aiv_err *err)
{
	const struct aiv_asset *a;
	struct ydocs docs;
	struct catalog *c;
	int ret;

	if (path)
		goto from_file;
	a = asset_find("data/framework.yaml");
	if (!a)
		return aiv_fail(err, AIV_EINTERNAL, "no built-in catalog in this binary");
	return catalog_load_buf(out, "(built-in)/data/framework.yaml",
				(const char *)a->data, a->len, err);
from_file:
	*out = NULL;
	if ((ret = ydocs_load(&docs, path, NULL, 0, err)))
		return ret;
	c = xcalloc(1, sizeof(*c));
	c->source = xstrdup(path);
	ret = load_docs(c, &docs, err);
	ydocs_release(&docs);
	if (ret) {
		catalog_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

static void named_release(struct cat_named *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].name);
		free(v[i].description);
		strlist_release(&v[i].models);
	}
	free(v);
}

void catalog_free(struct catalog *c)
{
	size_t i, j;

	if (!c)
		return;
	for (i = 0; i < c->nmodels; i++) {
		struct cat_model *m = &c->models[i];
		free(m->id); free(m->name); free(m->short_name); free(m->color);
		free(m->summary);
		strlist_release(&m->practices);
		for (j = 0; j < m->nfailures; j++) {
			struct cat_failure *f = &m->failures[j];
			free(f->id); free(f->name); free(f->description); free(f->signal);
			free(f->move);
			strlist_release(&f->metrics);
		}
		free(m->failures);
		for (j = 0; j < m->nmoves; j++) {
			free(m->moves[j].id); free(m->moves[j].name); free(m->moves[j].text);
		}
		free(m->moves);
	}
	free(c->models);
	for (i = 0; i < c->nmetrics; i++) {
		struct cat_metric *m = &c->metrics[i];
		free(m->id); free(m->name); free(m->unit); free(m->direction);
		free(m->definition);
	}
	free(c->metrics);
	for (i = 0; i < c->nphases; i++) {
		struct cat_phase *p = &c->phases[i];
		free(p->id); free(p->name); free(p->summary);
		strlist_release(&p->models);
		strlist_release(&p->goals);
		for (j = 0; j < p->ngate; j++) {
			free(p->gate[j].id); free(p->gate[j].description);
			free(p->gate[j].metric); free(p->gate[j].op);
		}
		free(p->gate);
	}
	free(c->phases);
	for (i = 0; i < c->nlevels; i++) {
		free(c->levels[i].name);
		free(c->levels[i].description);
	}
	free(c->levels);
	named_release(c->functions, c->nfunctions);
	named_release(c->dimensions, c->ndimensions);
	named_release(c->foundations, c->nfoundations);
	for (i = 0; i < c->nindustries; i++) {
		struct cat_industry *in = &c->industries[i];
		free(in->id); free(in->name); free(in->summary);
		for (j = 0; j < in->nsteps; j++) {
			free(in->steps[j].model);
			free(in->steps[j].focus);
		}
		free(in->steps);
	}
	free(c->industries);
	free(c->source);
	free(c);
}

const struct cat_model *catalog_model(const struct catalog *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nmodels; i++)
		if (c->models[i].id && !strcmp(c->models[i].id, id))
			return &c->models[i];
	return NULL;
}

const struct cat_metric *catalog_metric(const struct catalog *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nmetrics; i++)
		if (c->metrics[i].id && !strcmp(c->metrics[i].id, id))
			return &c->metrics[i];
	return NULL;
}

const struct cat_named *catalog_function(const struct catalog *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nfunctions; i++)
		if (!strcmp(c->functions[i].id, id))
			return &c->functions[i];
	return NULL;
}

const struct cat_phase *catalog_phase_by_number(const struct catalog *c, int n)
{
	size_t i;

	for (i = 0; i < c->nphases; i++)
		if (c->phases[i].number == n)
			return &c->phases[i];
	return NULL;
}

static json_t *strlist_json(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *metric_json(const struct cat_metric *m)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:f, s:f, s:f}, s:s}", "id", m->id,
			 "name", m->name, "unit", m->unit, "direction", m->direction,
			 "target", "value", m->target, "at_risk", m->at_risk,
			 "off_track", m->off_track, "definition", m->definition);
}

json_t *catalog_model_json(const struct catalog *c, const struct cat_model *m)
{
	json_t *o, *arr;
	size_t i;

	o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "id", m->id, "number", m->number,
		      "name", m->name, "short", m->short_name, "color", m->color,
		      "summary", m->summary);
	json_object_set_new(o, "practices", strlist_json(&m->practices));
	arr = json_array();
	for (i = 0; i < m->nmetrics; i++)
		json_array_append_new(arr, metric_json(&c->metrics[m->first_metric + i]));
	json_object_set_new(o, "metrics", arr);
	arr = json_array();
	for (i = 0; i < m->nfailures; i++) {
		const struct cat_failure *f = &m->failures[i];
		json_t *fo = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", f->id,
				       "name", f->name, "description", f->description,
				       "signal", f->signal, "move", f->move);
		json_object_set_new(fo, "metrics", strlist_json(&f->metrics));
		json_array_append_new(arr, fo);
	}
	json_object_set_new(o, "failure_modes", arr);
	arr = json_array();
	for (i = 0; i < m->nmoves; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "id", m->moves[i].id,
						     "name", m->moves[i].name,
						     "text", m->moves[i].text));
	json_object_set_new(o, "leadership_moves", arr);
	return o;
}

json_t *catalog_to_json(const struct catalog *c)
{
	json_t *o = json_object(), *arr;
	size_t i, j;

	json_object_set_new(o, "source", json_string(c->source));
	json_object_set_new(o, "version", json_integer(c->version));
	arr = json_array();
	for (i = 0; i < c->nmodels; i++)
		json_array_append_new(arr, catalog_model_json(c, &c->models[i]));
	json_object_set_new(o, "models", arr);
	arr = json_array();
	for (i = c->nmodel_metrics; i < c->nmetrics; i++)
		json_array_append_new(arr, metric_json(&c->metrics[i]));
	json_object_set_new(o, "signals", arr);
	arr = json_array();
	for (i = 0; i < c->nphases; i++) {
		const struct cat_phase *p = &c->phases[i];
		json_t *po = json_pack("{s:s, s:i, s:s, s:s}", "id", p->id, "number", p->number,
				       "name", p->name, "summary", p->summary);
		json_t *g = json_array();
		json_object_set_new(po, "models", strlist_json(&p->models));
		json_object_set_new(po, "goals", strlist_json(&p->goals));
		for (j = 0; j < p->ngate; j++)
			json_array_append_new(g, json_pack("{s:s, s:s, s:s, s:s, s:f}",
				"id", p->gate[j].id, "description", p->gate[j].description,
				"metric", p->gate[j].metric, "op", p->gate[j].op,
				"value", p->gate[j].value));
		json_object_set_new(po, "exit_gate", g);
		json_array_append_new(arr, po);
	}
	json_object_set_new(o, "phases", arr);
	arr = json_array();
	for (i = 0; i < c->ndimensions; i++) {
		json_t *d = json_pack("{s:s, s:s, s:s}", "id", c->dimensions[i].id,
				      "name", c->dimensions[i].name,
				      "description", c->dimensions[i].description);
		json_object_set_new(d, "models", strlist_json(&c->dimensions[i].models));
		json_array_append_new(arr, d);
	}
	json_object_set_new(o, "readiness_dimensions", arr);
	arr = json_array();
	for (i = 0; i < c->nfoundations; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}",
			"id", c->foundations[i].id, "name", c->foundations[i].name,
			"description", c->foundations[i].description));
	json_object_set_new(o, "workflow_foundations", arr);
	arr = json_array();
	for (i = 0; i < c->nindustries; i++) {
		const struct cat_industry *in = &c->industries[i];
		json_t *io = json_pack("{s:s, s:s, s:s}", "id", in->id, "name", in->name,
				       "summary", in->summary);
		json_t *steps = json_array();
		for (j = 0; j < in->nsteps; j++)
			json_array_append_new(steps, json_pack("{s:s, s:s}",
				"model", in->steps[j].model, "focus", in->steps[j].focus));
		json_object_set_new(io, "steps", steps);
		json_array_append_new(arr, io);
	}
	json_object_set_new(o, "industry_paths", arr);
	arr = json_array();
	for (i = 0; i < c->nfunctions; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "id", c->functions[i].id,
						     "name", c->functions[i].name));
	json_object_set_new(o, "functions", arr);
	return o;
}
