/*
 * library.c - CISO Assistant library import and the crosswalk (see
 * library.h).
 *
 * Level -> score: a node answered at level L (0..max_level of our scale)
 * scores min_score + round(L / max_level * (max_score - min_score)) on
 * the framework's scale, and takes the scores_definition name of that
 * score when there is one.  The lowest level among the questions mapped
 * to a node is used: evidence is as strong as its weakest part.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/tally.h"
#include "core/timeutil.h"
#include "core/yaml.h"
#include "ledger/ledger.h"
#include "library.h"

#define LIB_MAX (64u << 20)

void library_free(struct library *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->nodes[i].urn);
		free(l->nodes[i].parent_urn);
		free(l->nodes[i].ref_id);
		free(l->nodes[i].name);
		free(l->nodes[i].description);
		json_decref(l->nodes[i].groups);
		json_decref(l->nodes[i].questions);
	}
	free(l->nodes);
	free(l->urn);
	free(l->ref_id);
	free(l->name);
	free(l->provider);
	json_decref(l->scores);
	json_decref(l->groups);
	json_decref(l->qindex);
	tally_release(&l->tally);
	free(l->file);
	free(l->raw);
	free(l);
}

/* "FILE:LINE" of a node, for the tally's first places. */
static const char *at(const struct ypos *p, struct fy_node *n, char *buf, size_t sz)
{
	long line = 0, col = 0;

	ymark(n, &line, &col);
	snprintf(buf, sz, "%s:%ld", p->file, line);
	return buf;
}

/* Count an assumption / a thing not used at node n. */
static void assume(struct library *l, const struct ypos *p, struct fy_node *n, const char *what)
{
	char w[512];

	tally_assume(&l->tally, what, at(p, n, w, sizeof(w)));
}

static void not_used(struct library *l, const struct ypos *p, struct fy_node *n,
		     const char *what)
{
	char w[512];

	tally_note(&l->tally, what, at(p, n, w, sizeof(w)));
}

static char *opt_text(struct fy_node *map, const char *key)
{
	struct fy_node *v = yget(map, key);
	const char *s;

	if (!v || (yplain(v) && fy_node_is_null(v)))
		return NULL;
	s = ytext(v);
	return s ? xstrdup(s) : NULL;
}

static int read_scores(const struct ypos *p, struct fy_node *fw, struct library *l)
{
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	int ret;

	l->min_score = 0;
	l->max_score = 100; /* CISO Assistant's default scale */
	l->scores = json_array();
	if ((ret = yget_num(p, fw, "min_score", 0, &l->min_score, "framework")) ||
	    (ret = yget_num(p, fw, "max_score", 0, &l->max_score, "framework")))
		return ret;
	if (l->max_score <= l->min_score)
		return yfail(p, yget(fw, "max_score"), AIV_EINPUT,
			     "framework: max_score must be above min_score");
	if ((ret = yget_seq(p, fw, "scores_definition", 0, &seq, "framework")) || !seq)
		return ret;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		long long sc = 0;
		const char *name = NULL;
		char *desc;
		size_t i;
		json_t *o;
		if (!fy_node_is_mapping(item))
			return yfail(p, item, AIV_EINPUT, "scores_definition: items must be mappings");
		if ((ret = yget_int(p, item, "score", 1, &sc, "scores_definition")) ||
		    (ret = yget_str(p, item, "name", 1, &name, "scores_definition")))
			return ret;
		/* CISO Assistant keeps it; no answer can reach it here */
		if (sc < l->min_score || sc > l->max_score)
			not_used(l, p, yget(item, "score"),
				 "scores_definition score outside min_score..max_score");
		json_array_foreach(l->scores, i, o)
			if (json_integer_value(json_object_get(o, "score")) == sc)
				return yfail(p, yget(item, "score"), AIV_EINPUT,
					     "scores_definition: score %lld is defined twice", sc);
		desc = opt_text(item, "description");
		json_array_append_new(l->scores, json_pack("{s:I, s:s, s:s?}", "score",
				      (json_int_t)sc, "name", name, "description", desc));
		free(desc);
	}
	return 0;
}

static int read_groups(const struct ypos *p, struct fy_node *fw, struct library *l)
{
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	int ret;

	l->groups = json_array();
	if ((ret = yget_seq(p, fw, "implementation_groups_definition", 0, &seq, "framework")) ||
	    !seq)
		return ret;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *ref = NULL, *name = NULL;
		int def = 0;
		char *desc;
		if (!fy_node_is_mapping(item))
			return yfail(p, item, AIV_EINPUT,
				     "implementation_groups_definition: items must be mappings");
		if ((ret = yget_str(p, item, "ref_id", 1, &ref, "implementation group")) ||
		    (ret = yget_str(p, item, "name", 1, &name, "implementation group")) ||
		    (ret = yget_bool(p, item, "default_selected", 0, &def, "implementation group")))
			return ret;
		desc = opt_text(item, "description");
		json_array_append_new(l->groups, json_pack("{s:s, s:s, s:s?, s:b}", "ref_id", ref,
				      "name", name, "description", desc, "default_selected", def));
		free(desc);
	}
	return 0;
}

static int group_defined(const struct library *l, const char *ref)
{
	size_t i;
	json_t *o;

	json_array_foreach(l->groups, i, o)
		if (!strcmp(json_str(o, "ref_id"), ref))
			return 1;
	return 0;
}

/*
 * One implementation group of a node or a choice into arr.  CISO
 * Assistant stores groups as given; one that is not in
 * implementation_groups_definition is kept and counted, an empty one is
 * dropped and counted.
 */
static int read_group(const struct ypos *p, struct fy_node *g, struct library *l,
		      const char *what, json_t *arr)
{
	const char *gr = ytext(g);
	json_t *js;

	if (!gr || !(js = json_string(gr)))
		return yfail(p, g, AIV_EINPUT, "%s: an implementation group must be text", what);
	if (!*gr) {
		json_decref(js);
		not_used(l, p, g, "empty implementation group (dropped)");
		return 0;
	}
	if (!group_defined(l, gr))
		assume(l, p, g, "implementation group not in implementation_groups_definition, "
		       "kept as given");
	json_array_append_new(arr, js);
	return 0;
}

/* A YAML null (plain null, ~ or empty), which CISO Assistant writes for "unset". */
static int is_null(struct fy_node *v)
{
	const char *t;

	if (!v || !yplain(v))
		return 0;
	t = ytext(v);
	return !t || !*t || !strcmp(t, "null") || !strcmp(t, "Null") || !strcmp(t, "NULL") ||
	       !strcmp(t, "~") || fy_node_is_null(v);
}

static int is_color(const char *c)
{
	size_t i;

	if (strlen(c) != 7 || c[0] != '#')
		return 0;
	for (i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", c[i]))
			return 0;
	return 1;
}

/*
 * A choice's compute_result as CISO Assistant resolves it
 * (core/utils.py, resolve_compute_result): case and spaces aside, true or
 * 1 or compliant, false or 0 or non_compliant, partially_compliant,
 * not_applicable; NULL for anything else (it ignores those).
 */
static const char *compute_result(const char *v)
{
	static const char *const map[][2] = {
		{ "true", "compliant" }, { "1", "compliant" }, { "compliant", "compliant" },
		{ "false", "non_compliant" }, { "0", "non_compliant" },
		{ "non_compliant", "non_compliant" },
		{ "partially_compliant", "partially_compliant" },
		{ "not_applicable", "not_applicable" },
	};
	char buf[32];
	size_t n, i;

	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= sizeof(buf))
		return NULL;
	for (i = 0; i < n; i++)
		buf[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] - 'A' + 'a' : v[i]);
	buf[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i][0], buf))
			return map[i][1];
	return NULL;
}

static int read_choice(const struct ypos *p, struct fy_node *item, struct library *l,
		       const char *qwhat, json_t *choices)
{
	struct fy_node *v, *gs = NULL, *g;
	const char *urn = NULL, *value = NULL;
	long long sc = 0;
	void *it = NULL;
	char what[400];
	json_t *c;
	int ret;

	if (!fy_node_is_mapping(item))
		return yfail(p, item, AIV_EINPUT, "%s: choices must be mappings", qwhat);
	if ((ret = yget_str(p, item, "urn", 1, &urn, qwhat)))
		return ret;
	if (snprintf(what, sizeof(what), "%s: choice '%s'", qwhat, urn) >= (int)sizeof(what))
		what[sizeof(what) - 2] = '~'; /* shortened in messages only */
	if (json_object_get(l->qindex, urn))
		return yfail(p, yget(item, "urn"), AIV_EINPUT, "%s is defined twice", what);
	if ((ret = yget_str(p, item, "value", 1, &value, what)))
		return ret;
	c = json_pack("{s:s, s:s}", "urn", urn, "value", value);
	json_array_append_new(choices, c);
	json_object_set_new(l->qindex, urn, json_string("choice"));
	if (yget(item, "add_score")) {
		if ((ret = yget_int(p, item, "add_score", 1, &sc, what)))
			return ret;
		json_object_set_new(c, "add_score", json_integer((json_int_t)sc));
	}
	v = yget(item, "compute_result");
	if (v && !is_null(v)) {
		const char *r = ytext(v) ? compute_result(ytext(v)) : NULL;
		if (!r)
			not_used(l, p, v, "compute_result not one of true, false, compliant, "
				 "non_compliant, partially_compliant, not_applicable (ignored)");
		else if (!yplain(v) || (strcmp(ytext(v), "true") && strcmp(ytext(v), "false")))
			assume(l, p, v, "compute_result given as a word, read as CISO Assistant "
			       "does");
		if (r)
			json_object_set_new(c, "compute_result", json_string(r));
	}
	if ((ret = yget_seq(p, item, "select_implementation_groups", 0, &gs, what)))
		return ret;
	if (gs) {
		json_t *arr = json_array();
		json_object_set_new(c, "select_implementation_groups", arr);
		while ((g = fy_node_sequence_iterate(gs, &it)) != NULL)
			if ((ret = read_group(p, g, l, what, arr)))
				return ret;
	}
	if ((v = yget(item, "description")) && ytext(v) && !is_null(v))
		json_object_set_new(c, "description", json_string(ytext(v)));
	if ((v = yget(item, "color")) && !is_null(v)) {
		if (!ytext(v) || !is_color(ytext(v)))
			return yfail(p, v, AIV_EINPUT, "%s: color must be #rrggbb, not '%s'", what,
				     ytext(v) ? ytext(v) : "(collection)");
		json_object_set_new(c, "color", json_string(ytext(v)));
	}
	return 0;
}

/* depends_on: {question: an earlier question, answers: [its choices], condition} */
static int read_depends(const struct ypos *p, struct fy_node *dep, struct library *l,
			const char *what, json_t *q)
{
	struct fy_node *ans = NULL, *a;
	const char *qurn = NULL, *cond = "any";
	json_t *target, *answers, *ch;
	void *it = NULL;
	size_t i;
	int ret;

	if (!fy_node_is_mapping(dep))
		return yfail(p, dep, AIV_EINPUT,
			     "%s: depends_on must be a mapping with question and answers", what);
	if ((ret = yget_str(p, dep, "question", 1, &qurn, what)) ||
	    (ret = yget_seq(p, dep, "answers", 1, &ans, what)) ||
	    (ret = yget_str(p, dep, "condition", 0, &cond, what)))
		return ret;
	target = json_object_get(l->qindex, qurn);
	if (!json_is_array(target))
		return yfail(p, yget(dep, "question"), AIV_EINPUT,
			     "%s: depends_on question '%s' is not an earlier question", what, qurn);
	if (strcmp(cond, "any") && strcmp(cond, "all"))
		return yfail(p, yget(dep, "condition"), AIV_EINPUT,
			     "%s: depends_on condition must be any or all, not '%s'", what, cond);
	answers = json_array();
	json_object_set_new(q, "depends_on", json_pack("{s:s, s:o, s:s}", "question", qurn,
			    "answers", answers, "condition", cond));
	while ((a = fy_node_sequence_iterate(ans, &it)) != NULL) {
		const char *cu = ytext(a);
		int found = 0;
		json_array_foreach(target, i, ch)
			if (cu && !strcmp(json_string_value(ch), cu))
				found = 1;
		if (!found)
			return yfail(p, a, AIV_EINPUT,
				     "%s: depends_on answer '%s' is not a choice of '%s'", what,
				     cu ? cu : "(collection)", qurn);
		json_array_append_new(answers, json_string(cu));
	}
	if (!json_array_size(answers))
		return yfail(p, ans, AIV_EINPUT, "%s: depends_on needs at least one answer", what);
	return 0;
}

/*
 * A question's text.  CISO Assistant takes a missing or empty one as it
 * is (cmmc-2.0 has one); so do we, and count it.  *text is borrowed.
 */
static int question_text(const struct ypos *p, struct fy_node *q, struct library *l,
			 const char *what, const char **text)
{
	struct fy_node *t = yget(q, "text");

	*text = "";
	if (t && !is_null(t)) {
		if (!fy_node_is_scalar(t))
			return yfail(p, t, AIV_EINPUT, "%s: text must be text", what);
		*text = ytext(t);
	}
	if (!**text)
		assume(l, p, t ? t : q, "question with empty text, kept");
	return 0;
}

/*
 * The older form of a node's questions, which CISO Assistant converts at
 * load (migration 0071): question: {question_type, question_choices:
 * [texts], questions: [{urn, text}]}.  Each question gets the type, and
 * for choice types one choice per text with urn QUESTION:choice:N.  A
 * question without urn is skipped there; here it is counted.
 */
static int read_old_question(const struct ypos *p, struct fy_node *item, struct library *l,
			     struct lib_node *nd, const char *nwhat)
{
	struct fy_node *blk = yget(item, "question"), *qs = NULL, *cs = NULL, *q, *c;
	const char *type = NULL;
	void *it = NULL;
	int ret, choice_type;

	if (!blk || is_null(blk))
		return 0;
	if (!fy_node_is_mapping(blk))
		return yfail(p, blk, AIV_EINPUT, "%s: question must be a mapping with "
			     "question_type and questions", nwhat);
	if (yget(item, "questions") && !is_null(yget(item, "questions"))) {
		not_used(l, p, blk, "older question: block beside questions (questions read)");
		return 0;
	}
	if ((ret = yget_str(p, blk, "question_type", 1, &type, nwhat)) ||
	    (ret = yget_seq(p, blk, "questions", 0, &qs, nwhat)) ||
	    (ret = yget_seq(p, blk, "question_choices", 0, &cs, nwhat)))
		return ret;
	choice_type = !strcmp(type, "unique_choice") || !strcmp(type, "multiple_choice");
	if (!choice_type && strcmp(type, "text") && strcmp(type, "date"))
		return yfail(p, yget(blk, "question_type"), AIV_EINPUT,
			     "%s: question_type must be unique_choice, multiple_choice, text or "
			     "date, not '%s'", nwhat, type);
	if (choice_type && (!cs || !fy_node_sequence_item_count(cs)))
		return yfail(p, cs ? cs : blk, AIV_EINPUT,
			     "%s: a %s question needs question_choices", nwhat, type);
	assume(l, p, blk, "older question: block read as questions (choice urns QUESTION:choice:N)");
	while (qs && (q = fy_node_sequence_iterate(qs, &it)) != NULL) {
		const char *urn = NULL, *text = "";
		json_t *choices = json_array(), *curns = json_array();
		void *cit = NULL;
		char what[400];
		int n = 0;
		if (!fy_node_is_mapping(q) || !(urn = ytext(yget(q, "urn"))) || !*urn) {
			json_decref(choices);
			json_decref(curns);
			not_used(l, p, q, "question without urn in an older question: block (skipped)");
			continue;
		}
		snprintf(what, sizeof(what), "question '%s'", urn);
		if (json_object_get(l->qindex, urn)) {
			json_decref(choices);
			json_decref(curns);
			return yfail(p, q, AIV_EINPUT, "%s is defined twice", what);
		}
		if ((ret = question_text(p, q, l, what, &text))) {
			json_decref(choices);
			json_decref(curns);
			return ret;
		}
		while (choice_type && (c = fy_node_sequence_iterate(cs, &cit)) != NULL) {
			char *curn = xstrfmt("%s:choice:%d", urn, ++n);
			const char *value = ytext(c);
			json_array_append_new(choices, json_pack("{s:s, s:s}", "urn", curn, "value",
								 value ? value : ""));
			json_array_append_new(curns, json_string(curn));
			json_object_set_new(l->qindex, curn, json_string("choice"));
			free(curn);
		}
		json_array_append_new(nd->questions, json_pack("{s:s, s:s, s:s, s:o}", "urn", urn,
				      "type", type, "text", text, "choices", choices));
		json_object_set_new(l->qindex, urn, curns);
		l->nquestions++;
	}
	return 0;
}

/* A requirement node's questions: {<urn>: {type, text, depends_on, choices}}. */
static int read_questions(const struct ypos *p, struct fy_node *item, struct library *l,
			  struct lib_node *nd, const char *nwhat)
{
	static const char *const types[] = { "unique_choice", "multiple_choice", "text",
					     "date", "number", "boolean", NULL };
	struct fy_node *qs = yget(item, "questions");
	struct fy_node_pair *pr;
	void *it = NULL;
	int ret;

	if (!qs || is_null(qs))
		return 0;
	if (!fy_node_is_mapping(qs))
		return yfail(p, qs, AIV_EINPUT,
			     "%s: questions must be a mapping from question urn to question", nwhat);
	while ((pr = fy_node_mapping_iterate(qs, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
		struct fy_node *cs = NULL, *c;
		const char *urn = ytext(k), *type = NULL, *text = NULL;
		json_t *q, *choices, *curns, *jc;
		void *cit = NULL;
		char what[400];
		size_t i;

		if (!urn || strncmp(urn, "urn:", 4))
			return yfail(p, k, AIV_EINPUT, "%s: a question key must be a urn, not '%s'",
				     nwhat, urn ? urn : "(collection)");
		snprintf(what, sizeof(what), "question '%s'", urn);
		if (json_object_get(l->qindex, urn))
			return yfail(p, k, AIV_EINPUT, "%s is defined twice", what);
		if (!v || !fy_node_is_mapping(v))
			return yfail(p, v ? v : k, AIV_EINPUT,
				     "%s: must be a mapping with type, text and choices", what);
		if ((ret = yget_str(p, v, "type", 1, &type, what)))
			return ret;
		for (i = 0; types[i] && strcmp(types[i], type); i++)
			;
		if (!types[i])
			return yfail(p, yget(v, "type"), AIV_EINPUT,
				     "%s: type must be unique_choice, multiple_choice, text, date, "
				     "number or boolean, not '%s'", what, type);
		if ((ret = question_text(p, v, l, what, &text)) ||
		    (ret = yget_seq(p, v, "choices", i < 2, &cs, what)))
			return ret;
		if (i >= 2 && cs)
			return yfail(p, yget(v, "choices"), AIV_EINPUT,
				     "%s: a %s question has no choices", what, type);
		choices = json_array();
		q = json_pack("{s:s, s:s, s:s, s:o}", "urn", urn, "type", type, "text", text,
			      "choices", choices);
		json_array_append_new(nd->questions, q);
		while (cs && (c = fy_node_sequence_iterate(cs, &cit)) != NULL)
			if ((ret = read_choice(p, c, l, what, choices)))
				return ret;
		if (cs && !json_array_size(choices))
			return yfail(p, cs, AIV_EINPUT, "%s: a %s question needs choices", what, type);
		if (yget(v, "depends_on") &&
		    (ret = read_depends(p, yget(v, "depends_on"), l, what, q)))
			return ret;
		/* the index maps a question to its choice urns, for depends_on */
		curns = json_array();
		json_array_foreach(choices, i, jc)
			json_array_append_new(curns, json_string(json_str(jc, "urn")));
		json_object_set_new(l->qindex, urn, curns);
		l->nquestions++;
	}
	return 0;
}

/* The keys of a mapping that hold something and are not in `used`, counted as not used. */
static void unused_keys(struct library *l, const struct ypos *p, struct fy_node *map,
			const char *const *used, const char *what)
{
	struct fy_node_pair *pr;
	void *it = NULL;

	while ((pr = fy_node_mapping_iterate(map, &it)) != NULL) {
		const char *k = ytext(fy_node_pair_key(pr));
		struct fy_node *v = fy_node_pair_value(pr);
		char msg[200];
		size_t i;
		for (i = 0; used[i] && (!k || strcmp(used[i], k)); i++)
			;
		if (used[i] || !v || is_null(v) ||
		    (fy_node_is_sequence(v) && !fy_node_sequence_item_count(v)) ||
		    (fy_node_is_mapping(v) && !fy_node_mapping_item_count(v)))
			continue;
		snprintf(msg, sizeof(msg), "%s '%s'", what, k ? k : "?");
		not_used(l, p, fy_node_pair_key(pr), msg);
	}
}

static const char *const node_keys[] = { "urn", "parent_urn", "ref_id", "name", "description",
					  "depth", "assessable", "implementation_groups",
					  "questions", "question", NULL };

/* byurn: node urn -> its index in l->nodes, for parent and duplicate checks. */
static int read_nodes_into(const struct ypos *p, struct fy_node *fw, struct library *l,
			   json_t *byurn)
{
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	int ret;

	if ((ret = yget_seq(p, fw, "requirement_nodes", 1, &seq, "framework")))
		return ret;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct lib_node *nd;
		const char *urn = NULL, *parent = NULL;
		long long depth = 0;
		int assessable = 0;
		struct fy_node *gs = NULL, *g;
		void *git = NULL;
		char what[300];

		l->tally.read++;
		if (!fy_node_is_mapping(item))
			return yfail(p, item, AIV_EINPUT, "requirement_nodes: items must be mappings");
		if ((ret = yget_str(p, item, "urn", 1, &urn, "requirement node")))
			return ret;
		snprintf(what, sizeof(what), "requirement node '%s'", urn);
		if ((ret = yget_int(p, item, "depth", 0, &depth, what)) ||
		    (ret = yget_bool(p, item, "assessable", 1, &assessable, what)) ||
		    (ret = yget_str(p, item, "parent_urn", 0, &parent, what)) ||
		    (ret = yget_seq(p, item, "implementation_groups", 0, &gs, what)))
			return ret;
		if (json_object_get(byurn, urn))
			return yfail(p, yget(item, "urn"), AIV_EINPUT, "%s is defined twice", what);
		/*
		 * CISO Assistant reads the tree from parent_urn alone and needs no
		 * depth; so the depth is the parent's plus one (1 at the top), and
		 * a missing or different one is counted, not refused.
		 */
		{
			long long want = 1;
			if (parent) {
				json_t *pi = json_object_get(byurn, parent);
				if (!pi)
					return yfail(p, yget(item, "parent_urn"), AIV_EINPUT,
						     "%s: parent_urn '%s' is not an earlier node", what,
						     parent);
				want = l->nodes[json_integer_value(pi)].depth + 1;
			}
			if (!yget(item, "depth"))
				assume(l, p, item, "depth missing, taken from parent_urn");
			else if (depth != want)
				assume(l, p, yget(item, "depth"), "depth does not follow parent_urn, "
				       "taken from parent_urn");
			depth = want;
		}
		json_object_set_new(byurn, urn, json_integer((json_int_t)l->n));
		ALLOC_GROW(l->nodes, l->n + 1, l->alloc);
		nd = &l->nodes[l->n++];
		memset(nd, 0, sizeof(*nd));
		nd->urn = xstrdup(urn);
		nd->parent_urn = parent ? xstrdup(parent) : NULL;
		nd->ref_id = opt_text(item, "ref_id");
		nd->name = opt_text(item, "name");
		nd->description = opt_text(item, "description");
		nd->depth = (int)depth;
		nd->assessable = assessable;
		nd->groups = json_array();
		nd->questions = json_array();
		l->nassessable += assessable != 0;
		while (gs && (g = fy_node_sequence_iterate(gs, &git)) != NULL)
			if ((ret = read_group(p, g, l, what, nd->groups)))
				return ret;
		if ((ret = read_questions(p, item, l, nd, what)) ||
		    (ret = read_old_question(p, item, l, nd, what)))
			return ret;
		unused_keys(l, p, item, node_keys, "requirement node field");
		l->tally.used++;
	}
	if (l->n == 0)
		return yfail(p, seq, AIV_EINPUT, "framework: no requirement nodes");
	return 0;
}

static int read_nodes(const struct ypos *p, struct fy_node *fw, struct library *l)
{
	json_t *byurn = json_object();
	int ret = read_nodes_into(p, fw, l, byurn);

	json_decref(byurn);
	return ret;
}

int library_load(const char *path, struct library **out, struct aiv_err *err)
{
	struct strbuf raw = STRBUF_INIT;
	int ret;

	*out = NULL;
	if (strbuf_read_file(&raw, path, LIB_MAX) < 0) {
		ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
		strbuf_release(&raw);
		return ret;
	}
	ret = library_parse(path, raw.buf, raw.len, out, err);
	strbuf_release(&raw);
	return ret;
}

static const char *const objects_keys[] = { "framework", NULL };
static const char *const framework_keys[] = { "urn", "ref_id", "name", "description",
					      "min_score", "max_score", "scores_definition",
					      "implementation_groups_definition",
					      "requirement_nodes", NULL };

/*
 * The library's version: an integer; CISO Assistant also loads a quoted
 * one ("version: '1'", two ANSSI libraries), and so do we, counting it.
 */
static int read_version(const struct ypos *p, struct fy_node *root, struct library *l)
{
	struct fy_node *v = yget(root, "version");
	const char *t = v ? ytext(v) : NULL;
	char *end;

	if (v && t && !yplain(v) && *t >= '0' && *t <= '9') {
		errno = 0;
		l->version = strtoll(t, &end, 10);
		if (!*end && !errno) {
			assume(l, p, v, "version given as text, read as a number");
			return 0;
		}
	}
	return yget_int(p, root, "version", 1, &l->version, "library");
}

int library_parse(const char *name, const char *buf, size_t len, struct library **out,
		  struct aiv_err *err)
{
	struct ydocs docs;
	struct ypos p;
	struct fy_node *root, *objs, *fw;
	struct library *l;
	const char *s = NULL, *base;
	int ret;

	*out = NULL;
	if ((ret = ydocs_load(&docs, name, buf, len, err)))
		return ret;
	l = xcalloc(1, sizeof(*l));
	sha256_hex(buf, len, l->sha256);
	l->raw = xmalloc(len + 1);
	memcpy(l->raw, buf, len);
	l->raw[len] = '\0';
	l->raw_len = len;
	base = strrchr(name, '/');
	l->file = xstrdup(base ? base + 1 : name);
	l->qindex = json_object();
	tally_init(&l->tally, "nodes");
	p.file = docs.file;
	p.err = err;
	if (docs.n != 1) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: expected one YAML document", name);
		goto cleanup;
	}
	root = fy_document_root(docs.docs[0]);
	if (!fy_node_is_mapping(root)) {
		ret = yfail(&p, root, AIV_EINPUT, "a library is a mapping with urn, name and objects");
		goto cleanup;
	}
	if ((ret = yget_str(&p, root, "urn", 1, &s, "library")))
		goto cleanup;
	if (strncmp(s, "urn:", 4)) {
		ret = yfail(&p, yget(root, "urn"), AIV_EINPUT, "library: urn must start with 'urn:'");
		goto cleanup;
	}
	l->urn = xstrdup(s);
	if ((ret = yget_str(&p, root, "name", 1, &s, "library")))
		goto cleanup;
	l->name = xstrdup(s);
	l->ref_id = opt_text(root, "ref_id");
	l->provider = opt_text(root, "provider");
	if ((ret = read_version(&p, root, l)))
		goto cleanup;
	objs = yget(root, "objects");
	fw = objs && fy_node_is_mapping(objs) ? yget(objs, "framework") : NULL;
	if (!fw || !fy_node_is_mapping(fw)) {
		ret = yfail(&p, objs ? objs : root, AIV_EINPUT,
			    "library: objects.framework is missing (only framework libraries "
			    "can be imported)");
		goto cleanup;
	}
	if ((ret = yget_str(&p, fw, "urn", 1, &s, "framework")) ||
	    (ret = yget_str(&p, fw, "name", 1, &s, "framework")) ||
	    (ret = read_scores(&p, fw, l)) || (ret = read_groups(&p, fw, l)) ||
	    (ret = read_nodes(&p, fw, l)))
		goto cleanup;
	unused_keys(l, &p, objs, objects_keys, "library object");
	unused_keys(l, &p, fw, framework_keys, "framework field");
cleanup:
	ydocs_release(&docs);
	if (ret)
		library_free(l);
	else
		*out = l;
	return ret;
}

int library_store(struct store *s, const char *actor, const struct library *l,
		  int *changed, int64_t *seq, struct aiv_err *err)
{
	struct store_stmt *st;
	json_t *payload = NULL;
	char *scores = NULL, *groups = NULL;
	size_t i;
	int rc, ret;

	*changed = 0;
	*seq = 0;
	if ((ret = store_begin(s, err)))
		return ret;
	st = store_prepare(s, "SELECT version, sha256 FROM frameworks WHERE urn = ?", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	store_bind_text(st, 1, l->urn);
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		int64_t v = store_col_int(st, 0), kept = 0;
		int same = !strcmp(store_col_text(st, 1), l->sha256);
		store_reset(st);
		/* identical, and its file kept (imports before questions were read did not keep it) */
		if (same) {
			st = store_prepare(s, "SELECT count(*) FROM evidence_files WHERE sha256 = ?",
					   err);
			if (!st) {
				ret = err->code;
				goto rollback;
			}
			store_bind_text(st, 1, l->sha256);
			rc = store_step(st, err);
			kept = rc == STORE_ROW ? store_col_int(st, 0) : 0;
			store_reset(st);
			if (rc < 0) {
				ret = rc;
				goto rollback;
			}
		}
		if (same && kept) {
			store_rollback(s);
			return 0;
		}
		if (!same && l->version <= v) {
			ret = aiv_fail(err, AIV_ECONFLICT,
				       "library '%s' version %lld is stored with other content; "
				       "a changed library needs a higher version", l->urn,
				       (long long)v);
			goto rollback;
		}
	} else {
		store_reset(st);
		if (rc < 0) {
			ret = rc;
			goto rollback;
		}
	}
	st = store_prepare(s, "DELETE FROM framework_nodes WHERE framework = ?", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	store_bind_text(st, 1, l->urn);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto rollback;
	}
	payload = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:o}", "urn", l->urn,
			    "name", l->name, "version", (json_int_t)l->version, "sha256", l->sha256,
			    "nodes", (json_int_t)l->n, "assessable", (json_int_t)l->nassessable,
			    "questions", (json_int_t)l->nquestions, "tally", tally_json(&l->tally));
	if ((ret = ledger_append(s, actor, "assess.import", l->urn, payload, seq, err)))
		goto rollback;
	scores = cjson_dumps(l->scores);
	groups = cjson_dumps(l->groups);
	st = store_prepare(s, "INSERT INTO frameworks(urn, ref_id, name, version, provider, sha256,"
			      " min_score, max_score, scores, groups, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
			      " ON CONFLICT(urn) DO UPDATE SET ref_id = excluded.ref_id,"
			      " name = excluded.name, version = excluded.version,"
			      " provider = excluded.provider, sha256 = excluded.sha256,"
			      " min_score = excluded.min_score, max_score = excluded.max_score,"
			      " scores = excluded.scores, groups = excluded.groups, seq = excluded.seq",
			   err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	store_bind_text(st, 1, l->urn);
	store_bind_text(st, 2, l->ref_id);
	store_bind_text(st, 3, l->name);
	store_bind_int(st, 4, l->version);
	store_bind_text(st, 5, l->provider);
	store_bind_text(st, 6, l->sha256);
	store_bind_double(st, 7, l->min_score);
	store_bind_double(st, 8, l->max_score);
	store_bind_text(st, 9, scores);
	store_bind_text(st, 10, groups);
	store_bind_int(st, 11, *seq);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto rollback;
	}
	st = store_prepare(s, "INSERT INTO framework_nodes(framework, ord, urn, parent_urn, depth,"
			      " assessable, ref_id, name, description, groups)"
			      " VALUES (?,?,?,?,?,?,?,?,?,?)", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	for (i = 0; i < l->n; i++) {
		const struct lib_node *nd = &l->nodes[i];
		char *g = cjson_dumps(nd->groups);
		store_bind_text(st, 1, l->urn);
		store_bind_int(st, 2, (int64_t)i);
		store_bind_text(st, 3, nd->urn);
		store_bind_text(st, 4, nd->parent_urn);
		store_bind_int(st, 5, nd->depth);
		store_bind_int(st, 6, nd->assessable);
		store_bind_text(st, 7, nd->ref_id);
		store_bind_text(st, 8, nd->name);
		store_bind_text(st, 9, nd->description);
		store_bind_text(st, 10, g);
		rc = store_step(st, err);
		store_reset(st);
		free(g);
		if (rc < 0) {
			ret = rc;
			goto rollback;
		}
	}
	/* the file itself, content-addressed: the questions are read back from it */
	st = store_prepare(s, "INSERT INTO evidence_files(sha256, name, size, content, stored_at)"
			      " VALUES (?,?,?,?,?) ON CONFLICT(sha256) DO NOTHING", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	{
		char t[TIME_ISO_LEN];
		time_format_us(time_now_us(), t);
		store_bind_text(st, 1, l->sha256);
		store_bind_text(st, 2, l->file);
		store_bind_int(st, 3, (int64_t)l->raw_len);
		store_bind_blob(st, 4, l->raw, l->raw_len);
		store_bind_text(st, 5, t);
	}
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto rollback;
	}
	if ((ret = store_commit(s, err)))
		goto rollback;
	*changed = 1;
	json_decref(payload);
	free(scores);
	free(groups);
	return 0;
rollback:
	store_rollback(s);
	*seq = 0;
	json_decref(payload);
	free(scores);
	free(groups);
	return ret;
}

/*
 * The stored library file's questions by node urn (a new object), or NULL
 * when the file was not kept (imported before questions were read) or no
 * longer parses.
 */
static json_t *stored_questions(struct store *s, const char *sha, size_t *count,
				struct aiv_err *err, int *failed)
{
	struct store_stmt *st;
	struct library *l = NULL;
	struct aiv_err perr = AIV_ERR_INIT;
	json_t *byurn = NULL;
	size_t i;
	int rc;

	*count = 0;
	*failed = 0;
	st = store_prepare(s, "SELECT name, content FROM evidence_files WHERE sha256 = ?", err);
	if (!st) {
		*failed = 1;
		return NULL;
	}
	store_bind_text(st, 1, sha);
	rc = store_step(st, err);
	if (rc == STORE_ROW &&
	    !library_parse(store_col_text(st, 0), store_col_blob(st, 1), store_col_bytes(st, 1),
			   &l, &perr)) {
		byurn = json_object();
		for (i = 0; i < l->n; i++)
			json_object_set(byurn, l->nodes[i].urn, l->nodes[i].questions);
		*count = l->nquestions;
		library_free(l);
	}
	store_reset(st);
	if (rc < 0)
		*failed = 1;
	return byurn;
}

static int maps_to(const struct rq_question *q, const char *ref)
{
	size_t i;

	for (i = 0; i < q->nist.n; i++)
		if (!strcmp(q->nist.v[i], ref))
			return 1;
	for (i = 0; i < q->iso.n; i++)
		if (!strcmp(q->iso.v[i], ref))
			return 1;
	return 0;
}

static const char *score_name(const json_t *scores, long long sc)
{
	size_t i;
	json_t *o;

	json_array_foreach(scores, i, o)
		if (json_integer_value(json_object_get(o, "score")) == sc)
			return json_str(o, "name");
	return NULL;
}

int library_crosswalk(struct store *s, const struct questionnaire *q,
		      const struct ra_set *set, const char *group, struct lib_crosswalk *out,
		      struct aiv_err *err)
{
	struct store_stmt *st, *nst;
	int rc, nrc;

	memset(out, 0, sizeof(*out));
	st = store_prepare(s, "SELECT urn, name, version, min_score, max_score, scores, seq, sha256"
			      " FROM frameworks ORDER BY urn", err);
	if (!st)
		goto fail;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct lib_cw_framework *fw;
		json_t *scores = json_loads(store_col_text(st, 5), 0, NULL);
		double mn = store_col_double(st, 3), mx = store_col_double(st, 4);
		size_t nq = 0;
		int qfailed = 0;
		json_t *libq = stored_questions(s, store_col_text(st, 7), &nq, err, &qfailed);

		if (qfailed) {
			json_decref(scores);
			store_reset(st);
			goto fail;
		}
		out->fw = xrealloc(out->fw, (out->n + 1) * sizeof(*out->fw));
		fw = &out->fw[out->n++];
		memset(fw, 0, sizeof(*fw));
		fw->urn = xstrdup(store_col_text(st, 0));
		fw->name = xstrdup(store_col_text(st, 1));
		fw->version = store_col_int(st, 2);
		fw->min_score = mn;
		fw->max_score = mx;
		fw->ledger_seq = store_col_int(st, 6);
		fw->have_library_questions = libq != NULL;
		fw->nlibrary_questions = libq ? nq : 0;
		nst = store_prepare(s, "SELECT urn, ref_id, name, groups FROM framework_nodes"
				       " WHERE framework = ? AND assessable = 1 ORDER BY ord", err);
		if (!nst) {
			json_decref(scores);
			json_decref(libq);
			store_reset(st);
			goto fail;
		}
		store_bind_text(nst, 1, store_col_text(st, 0));
		while ((nrc = store_step(nst, err)) == STORE_ROW) {
			const char *ref = store_col_is_null(nst, 1) ? NULL : store_col_text(nst, 1);
			json_t *groups = json_loads(store_col_text(nst, 3), 0, NULL);
			struct lib_cw_req *r;
			size_t i;
			if (group) {
				int in = 0;
				json_t *g;
				json_array_foreach(groups, i, g)
					if (!strcmp(json_string_value(g), group))
						in = 1;
				if (!in) {
					json_decref(groups);
					continue;
				}
			}
			json_decref(groups);
			fw->assessable++;
			fw->reqs = xrealloc(fw->reqs, (fw->nreqs + 1) * sizeof(*fw->reqs));
			r = &fw->reqs[fw->nreqs++];
			memset(r, 0, sizeof(*r));
			r->urn = xstrdup(store_col_text(nst, 0));
			r->ref_id = ref ? xstrdup(ref) : NULL;
			r->name = store_col_is_null(nst, 2) ? NULL : xstrdup(store_col_text(nst, 2));
			r->level = -1;
			for (i = 0; ref && i < q->n; i++) {
				const struct ra_answer *a;
				if (!maps_to(&q->q[i], ref))
					continue;
				r->questions = xrealloc(r->questions,
							(r->nquestions + 1) * sizeof(*r->questions));
				r->questions[r->nquestions++] = q->q[i].id;
				a = set ? ra_set_find(set, q->q[i].id) : NULL;
				if (a && a->choice > 0 && (r->level < 0 || a->level < r->level))
					r->level = a->level;
			}
			if (libq) {
				json_t *lq = json_object_get(libq, r->urn);
				r->library_questions = lq ? json_incref(lq) : json_array();
			}
			if (r->nquestions)
				fw->covered++;
			if (r->level >= 0) {
				r->score = (long long)(mn + floor((double)r->level / q->max_level *
								  (mx - mn) + 0.5));
				const char *nm = score_name(scores, r->score);
				r->score_name = nm ? xstrdup(nm) : NULL;
				fw->answered++;
			}
		}
		store_reset(nst);
		json_decref(scores);
		json_decref(libq);
		if (nrc < 0) {
			store_reset(st);
			goto fail;
		}
	}
	store_reset(st);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	lib_crosswalk_release(out);
	return err->code ? err->code : AIV_EINTERNAL;
}

void lib_crosswalk_release(struct lib_crosswalk *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		struct lib_cw_framework *fw = &c->fw[i];
		for (j = 0; j < fw->nreqs; j++) {
			struct lib_cw_req *r = &fw->reqs[j];
			free(r->urn);
			free(r->ref_id);
			free(r->name);
			free(r->questions);
			json_decref(r->library_questions);
			free(r->score_name);
		}
		free(fw->reqs);
		free(fw->urn);
		free(fw->name);
	}
	free(c->fw);
	memset(c, 0, sizeof(*c));
}

json_t *lib_crosswalk_json(const struct lib_crosswalk *c)
{
	json_t *arr = json_array();
	size_t i, j, k;

	for (i = 0; i < c->n; i++) {
		const struct lib_cw_framework *fw = &c->fw[i];
		json_t *o, *rows = json_array();
		o = json_pack("{s:s, s:s, s:I, s:f, s:f, s:I}", "urn", fw->urn, "name", fw->name,
			      "version", (json_int_t)fw->version, "min_score", fw->min_score,
			      "max_score", fw->max_score, "ledger_seq", (json_int_t)fw->ledger_seq);
		for (j = 0; j < fw->nreqs; j++) {
			const struct lib_cw_req *r = &fw->reqs[j];
			json_t *qs = json_array(), *row;
			for (k = 0; k < r->nquestions; k++)
				json_array_append_new(qs, json_string(r->questions[k]));
			row = json_pack("{s:s, s:s?, s:s?, s:o}", "urn", r->urn, "ref_id", r->ref_id,
					"name", r->name, "questions", qs);
			if (r->library_questions)
				json_object_set(row, "library_questions", r->library_questions);
			if (r->level >= 0) {
				json_object_set_new(row, "level", json_integer(r->level));
				json_object_set_new(row, "score", json_integer(r->score));
				if (r->score_name)
					json_object_set_new(row, "score_name",
							    json_string(r->score_name));
			} else {
				json_object_set_new(row, "level", json_null());
			}
			json_array_append_new(rows, row);
		}
		json_object_set_new(o, "summary", json_pack("{s:I, s:I, s:I, s:o}", "assessable",
				    (json_int_t)fw->assessable, "covered", (json_int_t)fw->covered,
				    "answered", (json_int_t)fw->answered, "library_questions",
				    fw->have_library_questions ?
				    json_integer((json_int_t)fw->nlibrary_questions) : json_null()));
		json_object_set_new(o, "requirements", rows);
		json_array_append_new(arr, o);
	}
	return arr;
}
