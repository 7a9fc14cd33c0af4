/*
 * test_assess.c - the playbook engine on fixtures with hand-computed
 * answers: questionnaire validation, readiness scores, every catalog gate
 * criterion passing and failing through the evidence interface, hypothesis
 * comparisons, and the statistics against textbook values.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "assess/library.h"
#include "core/cjson.h"
#include "assess/playbook.h"
#include "org/org.h"
#include "core/assets.h"
#include "core/timeutil.h"
#include "cli/cmd.h"

static struct catalog *cat;

static int setup(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	/* the tests change fake providers' figures in place: no caching */
	evidence_cache_enable(0);
	if (catalog_load(&cat, NULL, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	catalog_free(cat);
	return 0;
}

/* ---- questionnaire ---- */

/*
 * What CISO Assistant loads with a warning is read and counted: a quoted
 * version, a missing depth, an undefined and an empty group, a score
 * outside the range, compute_result words, an empty question text.
 */
static void test_library_lenient(void **state)
{
	static const char lib[] =
		"urn: urn:t:risk:library:x\nname: X\nversion: '3'\nobjects:\n"
		"  framework:\n    urn: urn:t:risk:framework:x\n    name: X\n"
		"    min_score: 1\n    max_score: 4\n"
		"    scores_definition:\n    - {score: 0, name: none}\n    - {score: 4, name: full}\n"
		"    implementation_groups_definition:\n    - {ref_id: ig1, name: One}\n"
		"    requirement_nodes:\n"
		"    - urn: urn:t:n:top\n      assessable: false\n"
		"    - urn: urn:t:n:a\n      assessable: true\n      depth: 1\n"
		"      parent_urn: urn:t:n:top\n      implementation_groups: [IG1, '', ig1]\n"
		"      annotation: note\n"
		"      questions:\n        urn:t:n:a:question:1:\n          type: unique_choice\n"
		"          text: ''\n          choices:\n"
		"          - {urn: 'urn:t:n:a:question:1:choice:1', value: y, compute_result: Compliant}\n"
		"          - {urn: 'urn:t:n:a:question:1:choice:2', value: p, compute_result: partially_compliant}\n"
		"          - {urn: 'urn:t:n:a:question:1:choice:3', value: n, compute_result: false}\n"
		"          - {urn: 'urn:t:n:a:question:1:choice:4', value: '?', compute_result: maybe}\n";
	struct aiv_err err = AIV_ERR_INIT;
	struct library *l = NULL;
	json_t *ch;
	size_t i;

	(void)state;
	assert_int_equal(library_parse("x.yaml", lib, strlen(lib), &l, &err), 0);
	assert_int_equal(l->version, 3);
	assert_int_equal(l->n, 2);
	assert_int_equal(l->nodes[0].depth, 1);
	assert_int_equal(l->nodes[1].depth, 2);
	assert_int_equal(json_array_size(l->nodes[1].groups), 2); /* IG1 kept, '' dropped */
	assert_string_equal(json_string_value(json_array_get(l->nodes[1].groups, 0)), "IG1");
	ch = json_object_get(json_array_get(l->nodes[1].questions, 0), "choices");
	assert_string_equal(json_str(json_array_get(ch, 0), "compute_result"), "compliant");
	assert_string_equal(json_str(json_array_get(ch, 1), "compute_result"), "partially_compliant");
	assert_string_equal(json_str(json_array_get(ch, 2), "compute_result"), "non_compliant");
	assert_null(json_object_get(json_array_get(ch, 3), "compute_result"));
	assert_int_equal(l->tally.read, 2);
	assert_int_equal(l->tally.used, 2);
	assert_true(tally_balanced(&l->tally));
	/* assumptions, in order of first appearance, with their counts */
	{
		static const char *const want[][2] = {
			{ "version given as text, read as a number", "1" },
			{ "depth missing, taken from parent_urn", "1" },
			{ "depth does not follow parent_urn, taken from parent_urn", "1" },
			{ "implementation group not in implementation_groups_definition, kept as given", "1" },
			{ "question with empty text, kept", "1" },
			{ "compute_result given as a word, read as CISO Assistant does", "2" },
		};
		assert_int_equal(l->tally.nassumptions, 6);
		for (i = 0; i < 6; i++) {
			assert_string_equal(l->tally.assumptions[i].what, want[i][0]);
			assert_int_equal(l->tally.assumptions[i].count, atoi(want[i][1]));
		}
		assert_string_equal(l->tally.assumptions[0].where, "x.yaml:3");
	}
	/* not used: the score 0 below min_score, the empty group, the unknown result, annotation */
	assert_int_equal(l->tally.nnotes, 4);
	assert_string_equal(l->tally.notes[0].what,
			    "scores_definition score outside min_score..max_score");
	library_free(l);
}

static void test_builtin_questionnaire(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	size_t i, basics = 0;

	(void)state;
	assert_int_equal(questionnaire_load(&q, cat, NULL, &err), 0);
	assert_true(q->n <= RQ_MAX_QUESTIONS);
	assert_int_equal(q->n, 41);
	assert_true(questionnaire_minutes(q) < 60);
	for (i = 0; i < q->n; i++)
		basics += q->q[i].basic >= 0;
	assert_int_equal(basics, 8);
	assert_non_null(questionnaire_find(q, "gb_logged_usage", NULL));
	assert_int_equal(q->scoring.governance_cap_margin, 1);
	assert_int_equal(q->scoring.target_level, 3);
	questionnaire_free(q);
}

static void test_crosswalk_ids(void **state)
{
	(void)state;
	assert_true(rq_valid_nist("GOVERN 1.1"));
	assert_true(rq_valid_nist("GOVERN 1.7"));
	assert_false(rq_valid_nist("GOVERN 1.8"));
	assert_true(rq_valid_nist("MEASURE 2.13"));
	assert_false(rq_valid_nist("MEASURE 2.14"));
	assert_true(rq_valid_nist("MANAGE 4.3"));
	assert_false(rq_valid_nist("MANAGE 5.1"));
	assert_false(rq_valid_nist("GOVERN1.1"));
	assert_false(rq_valid_nist("govern 1.1"));
	assert_true(rq_valid_iso("A.2.2"));
	assert_true(rq_valid_iso("A.6.2.8"));
	assert_true(rq_valid_iso("A.6.1.3"));
	assert_false(rq_valid_iso("A.6.2.9"));
	assert_false(rq_valid_iso("A.6.3"));
	assert_false(rq_valid_iso("A.11.1"));
	assert_true(rq_valid_iso("A.10.4"));
	assert_false(rq_valid_iso("A.10.5"));
}

/* The built-in file with one substitution; expect an error containing `want`. */
static void expect_bad(const char *from, const char *to, const char *want)
{
	const struct aiv_asset *a = asset_find("data/readiness.yaml");
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	struct strbuf sb = STRBUF_INIT;
	const char *at;

	assert_non_null(a);
	at = strstr((const char *)a->data, from);
	assert_non_null(at);
	strbuf_add(&sb, a->data, (size_t)(at - (const char *)a->data));
	strbuf_addstr(&sb, to);
	strbuf_addstr(&sb, at + strlen(from));
	assert_int_not_equal(questionnaire_load_buf(&q, cat, "r.yaml", sb.buf, sb.len, &err), 0);
	assert_null(q);
	if (!strstr(err.msg, want))
		fail_msg("'%s' does not contain '%s'", err.msg, want);
	assert_non_null(strstr(err.msg, "r.yaml:"));
	strbuf_release(&sb);
}

static void test_questionnaire_errors(void **state)
{
	(void)state;
	expect_bad("  - id: so_owner\n", "  - id: so_outcomes\n", "defined twice");
	expect_bad("    dimension: strategy_ownership\n    text: How are AI",
		   "    dimension: strategy\n    text: How are AI", "unknown readiness dimension 'strategy'");
	expect_bad("    minutes: 1.5\n", "    minutse: 1.5\n", "unknown key 'minutse'");
	expect_bad("    nist: [GOVERN 1.1, MAP 1.1, MAP 1.3]", "    nist: [GOVERN 9.1]",
		   "not a NIST AI RMF 1.0 subcategory");
	expect_bad("    iso: [A.2.2, A.6.1.2]", "    iso: [A.2.7]", "not a ISO/IEC 42001 Annex A control");
	expect_bad("{ level: 4, text: \"AI priorities", "{ level: 7, text: \"AI priorities",
		   "level 7 is not on the catalog's level scale");
	expect_bad("    text: How are AI priorities tied to business outcomes?\n", "",
		   "missing required field 'text'");
	expect_bad("    basic: allowed\n    text: Is it written", "    basic: permitted\n    text: Is it written",
		   "basic must be allowed");
	expect_bad("metric: repeat_use_rate, at_least", "metric: repeat_use_rat, at_least",
		   "unknown metric 'repeat_use_rat'");
	expect_bad("at_least: [0.01, 0.15, 0.40, 0.70]", "at_least: [0.01, 0.15, 0.40]",
		   "measure needs 4 thresholds");
	expect_bad("at_least: [0.01, 0.15, 0.40, 0.70]", "at_least: [0.01, 0.40, 0.15, 0.70]",
		   "thresholds must be in order");
	expect_bad("  - foundation: integration\n", "  - foundation: integrations\n",
		   "the catalog has no workflow foundation 'integrations'");
	expect_bad("questions: [di_access, di_owners]", "questions: [di_access, di_owner]",
		   "foundation 'integration': unknown question 'di_owner'");
	expect_bad("  - criterion: value_plays\n", "  - criterion: value_play\n",
		   "the catalog has no gate criterion 'value_play'");
	expect_bad("  - criterion: ledger_verifies\n    nist: [GOVERN 1.4, MEASURE 2.8]\n    iso: [A.6.2.8]\n",
		   "", "no entry for gate criterion 'ledger_verifies'");
}

static void test_catalog_gate_unknown_metric(void **state)
{
	const struct aiv_asset *a = asset_find("data/framework.yaml");
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *c = NULL;
	struct strbuf sb = STRBUF_INIT;
	const char *from = "metric: supported_hypotheses\n        op:";
	const char *at = strstr((const char *)a->data, from);

	(void)state;
	assert_non_null(at);
	strbuf_add(&sb, a->data, (size_t)(at - (const char *)a->data));
	strbuf_addstr(&sb, "metric: supported_hypothesis\n        op:");
	strbuf_addstr(&sb, at + strlen(from));
	assert_int_not_equal(catalog_load_buf(&c, "f.yaml", sb.buf, sb.len, &err), 0);
	assert_non_null(strstr(err.msg, "supported_hypothesis"));
	strbuf_release(&sb);
}

/* ---- readiness scores, hand-computed ---- */

static void answer(struct ra_set *s, const struct questionnaire *q, const char *id,
		   int choice, int prov, int64_t when)
{
	const struct rq_question *rq = questionnaire_find(q, id, NULL);
	struct ra_answer a;

	assert_non_null(rq);
	memset(&a, 0, sizeof(a));
	a.question = (char *)id;
	a.choice = choice;
	a.level = rq->choices[choice - 1].level;
	a.provenance = prov;
	a.answered_at = when;
	ra_set_put(s, &a);
}

static int dim_index(const char *id)
{
	size_t i;

	for (i = 0; i < cat->ndimensions; i++)
		if (!strcmp(cat->dimensions[i].id, id))
			return (int)i;
	return -1;
}

static int model_index(const char *id)
{
	size_t i;

	for (i = 0; i < cat->nmodels; i++)
		if (!strcmp(cat->models[i].id, id))
			return (int)i;
	return -1;
}

static void test_scores_hand_computed(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	struct ra_set s;
	struct readiness_score rs;
	const int64_t now = 1780000000000000LL;
	int g, so, wf;

	(void)state;
	assert_int_equal(questionnaire_load(&q, cat, NULL, &err), 0);
	memset(&s, 0, sizeof(s));
	/* governance basics: levels 2,3 | 2,2 | 1,4 | 2,1 */
	answer(&s, q, "gb_allowed_policy", 3, PROV_DOCUMENTED, now);
	answer(&s, q, "gb_allowed_inventory", 4, PROV_DOCUMENTED, now);
	answer(&s, q, "gb_reviewed_outputs", 3, PROV_DOCUMENTED, now);
	answer(&s, q, "gb_reviewed_new_uses", 3, PROV_MEASURED, now);
	answer(&s, q, "gb_logged_usage", 2, PROV_STATED, now);
	answer(&s, q, "gb_logged_decisions", 5, PROV_DOCUMENTED, now);
	answer(&s, q, "gb_owned_tools", 3, PROV_DOCUMENTED, now);
	answer(&s, q, "gb_owned_escalation", 2, PROV_DOCUMENTED, now);
	/* strategy: three answers at level 4 */
	answer(&s, q, "so_outcomes", 5, PROV_STATED, now);
	answer(&s, q, "so_owner", 4, PROV_STATED, now);
	answer(&s, q, "so_budget", 5, PROV_STATED, now);
	readiness_score(cat, q, &s, now, &rs);

	assert_int_equal(rs.basic_level[RQ_ALLOWED], 2);
	assert_int_equal(rs.basic_level[RQ_REVIEWED], 2);
	assert_int_equal(rs.basic_level[RQ_LOGGED], 1);
	assert_int_equal(rs.basic_level[RQ_OWNED], 1);
	assert_true(rs.basic_evidenced[RQ_ALLOWED]);
	assert_true(rs.basic_evidenced[RQ_REVIEWED]);
	assert_false(rs.basic_evidenced[RQ_LOGGED]); /* stated and level 1 */
	assert_false(rs.basic_evidenced[RQ_OWNED]);  /* level 1 below basic_min_level 2 */
	assert_float_equal(rs.basics_evidenced, 0.5, 1e-12);
	assert_int_equal(rs.cap, 2); /* lowest basic 1 + margin 1 */

	g = dim_index("governance_basics");
	so = dim_index("strategy_ownership");
	wf = dim_index("workforce_fluency");
	/* sorted 1,1,2,2,2,2,3,4: lower median is element 3 = 2 */
	assert_int_equal(rs.dims[g].raw, 2);
	assert_int_equal(rs.dims[g].level, 2);
	assert_false(rs.dims[g].capped);
	/* six documented (0.8), one measured (1.0), one stated (0.5) over 8 questions */
	assert_float_equal(rs.dims[g].confidence, (6 * 0.8 + 1.0 + 0.5) / 8, 1e-9);
	/* strategy raw 4, capped at 2; 3 stated answers over 5 questions */
	assert_int_equal(rs.dims[so].raw, 4);
	assert_int_equal(rs.dims[so].level, 2);
	assert_true(rs.dims[so].capped);
	assert_float_equal(rs.dims[so].confidence, 3 * 0.5 / 5, 1e-9);
	assert_int_equal(rs.dims[wf].level, -1);
	assert_int_equal(rs.dims[wf].answered, 0);
	/* workforce model: min over strategy 2, governance 2 (fluency unanswered) */
	assert_int_equal(rs.models[model_index("workforce")].level, 2);
	assert_int_equal(rs.models[model_index("workforce")].limiting_dim, so);
	/* confidence of the workforce model: mean of its three dimensions */
	assert_float_equal(rs.models[model_index("workforce")].confidence,
			   ((6 * 0.8 + 1.5) / 8 + 0.3 + 0) / 3, 1e-9);
	assert_int_equal(rs.answered, 11);
	readiness_score_release(&rs);

	/* a stated answer 180 days old (one half-life) has confidence 0.25 */
	assert_float_equal(readiness_answer_confidence(q, ra_set_find(&s, "so_owner"),
						       now + 180 * 86400000000LL), 0.25, 1e-9);
	/* with the two level-1 basics raised, the cap lifts to 3 and strategy to 3 */
	answer(&s, q, "gb_logged_usage", 4, PROV_DOCUMENTED, now);
	answer(&s, q, "gb_owned_escalation", 4, PROV_DOCUMENTED, now);
	readiness_score(cat, q, &s, now, &rs);
	assert_int_equal(rs.cap, 3);
	assert_int_equal(rs.dims[so].level, 3);
	assert_float_equal(rs.basics_evidenced, 1.0, 1e-12);
	readiness_score_release(&rs);
	ra_set_release(&s);
	questionnaire_free(q);
}

static void test_empty_set_scores(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	struct ra_set s;
	struct readiness_score rs;
	size_t i;

	(void)state;
	assert_int_equal(questionnaire_load(&q, cat, NULL, &err), 0);
	memset(&s, 0, sizeof(s));
	readiness_score(cat, q, &s, 0, &rs);
	for (i = 0; i < rs.ndims; i++)
		assert_int_equal(rs.dims[i].level, -1);
	assert_int_equal(rs.cap, 1); /* unanswered basics count as level 0 */
	assert_float_equal(rs.basics_evidenced, 0, 0);
	assert_float_equal(rs.minutes_left, questionnaire_minutes(q), 1e-9);
	readiness_score_release(&rs);
	questionnaire_free(q);
}

/* ---- gates through the evidence interface ---- */

struct fake {
	const char *metric;
	double value;
	int missing;
};
static struct fake fakes[32];
static size_t nfakes;
static struct evidence_provider fake_providers[32];

static int fake_fn(const struct evidence_env *env, const char *metric,
		   struct evidence_value *out, void *data, struct aiv_err *err)
{
	struct fake *f = data;

	(void)env;
	(void)metric;
	(void)err;
	if (f->missing) {
		snprintf(out->source, sizeof(out->source), "lacks evidence: test");
		return 0;
	}
	out->state = EV_MEASURED;
	out->value = f->value;
	snprintf(out->source, sizeof(out->source), "test fixture");
	return 0;
}

/* Register a provider for every gate metric, at a passing value. */
static void fakes_all_pass(void)
{
	size_t i, j;

	evidence_reset();
	nfakes = 0;
	for (i = 0; i < cat->nphases; i++) {
		for (j = 0; j < cat->phases[i].ngate; j++) {
			const struct cat_criterion *cr = &cat->phases[i].gate[j];
			struct fake *f = &fakes[nfakes];
			f->metric = cr->metric;
			f->missing = 0;
			/* borderline: exactly at the threshold passes for >=, <=, == */
			f->value = !strcmp(cr->op, ">") ? cr->value + 1 :
				   !strcmp(cr->op, "<") ? cr->value - 1 :
				   !strcmp(cr->op, "!=") ? cr->value + 1 : cr->value;
			fake_providers[nfakes].metric = cr->metric;
			fake_providers[nfakes].name = "test";
			fake_providers[nfakes].fn = fake_fn;
			fake_providers[nfakes].data = f;
			evidence_register(&fake_providers[nfakes]);
			nfakes++;
		}
	}
}

static struct fake *fake_for(const char *metric)
{
	size_t i;

	for (i = 0; i < nfakes; i++)
		if (!strcmp(fakes[i].metric, metric))
			return &fakes[i];
	return NULL;
}

static double failing_value(const struct cat_criterion *cr)
{
	if (!strcmp(cr->op, ">=") || !strcmp(cr->op, ">"))
		return cr->value - (cr->value >= 1 ? 1 : 0.01);
	if (!strcmp(cr->op, "<=") || !strcmp(cr->op, "<"))
		return cr->value + 1;
	if (!strcmp(cr->op, "=="))
		return cr->value + 1;
	return cr->value;
}

static struct store *tmp_store(char *path, size_t len)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	int fd;

	snprintf(path, len, "/tmp/aiv-assess-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	if (store_open(&s, path, STORE_CREATE, &err))
		fail_msg("%s", err.msg);
	return s;
}

static void test_every_gate_criterion(void **state)
{
	char path[64];
	struct store *s = tmp_store(path, sizeof(path));
	struct evidence_env env = { s, cat, 0, 0 };
	struct aiv_err err = AIV_ERR_INIT;
	struct phase_verdict pv;
	size_t i, j, k, tested = 0;

	(void)state;
	env.cat = cat;
	fakes_all_pass();
	assert_int_equal(phase_compute(&env, &pv, &err), 0);
	assert_int_equal(pv.earned, (int)cat->nphases);
	for (k = 0; k < pv.ng; k++)
		assert_int_equal(pv.g[k].status, GATE_PASS);
	phase_verdict_release(&pv);
	for (i = 0; i < cat->nphases; i++) {
		for (j = 0; j < cat->phases[i].ngate; j++) {
			const struct cat_criterion *cr = &cat->phases[i].gate[j];
			struct fake *f;
			struct evidence_value ev;
			fakes_all_pass();
			f = fake_for(cr->metric);
			/* passes on its own */
			memset(&ev, 0, sizeof(ev));
			ev.state = EV_MEASURED;
			ev.value = f->value;
			assert_int_equal(gate_check(cr, &ev), GATE_PASS);
			/* fails: the organisation stops at this criterion's phase */
			f->value = failing_value(cr);
			ev.value = f->value;
			assert_int_equal(gate_check(cr, &ev), GATE_FAIL);
			assert_int_equal(phase_compute(&env, &pv, &err), 0);
			assert_int_equal(pv.earned, cat->phases[i].number);
			for (k = 0; k < pv.ng; k++)
				if (pv.g[k].cr == cr)
					assert_int_equal(pv.g[k].status, GATE_FAIL);
			phase_verdict_release(&pv);
			/* lacks evidence: never passes */
			f->missing = 1;
			assert_int_equal(phase_compute(&env, &pv, &err), 0);
			assert_int_equal(pv.earned, cat->phases[i].number);
			for (k = 0; k < pv.ng; k++)
				if (pv.g[k].cr == cr) {
					assert_int_equal(pv.g[k].status, GATE_LACKS);
					assert_non_null(strstr(pv.g[k].ev.source, "lacks evidence"));
				}
			phase_verdict_release(&pv);
			tested++;
		}
	}
	assert_int_equal(tested, 8); /* 3 + 5 criteria in the shipped catalog */
	/* no provider at all: lacks evidence names what would supply it */
	evidence_reset();
	assert_int_equal(phase_compute(&env, &pv, &err), 0);
	assert_int_equal(pv.earned, 1);
	for (k = 0; k < pv.ng; k++) {
		assert_int_equal(pv.g[k].status, GATE_LACKS);
		assert_non_null(strstr(pv.g[k].ev.source, "lacks evidence: "));
	}
	phase_verdict_release(&pv);
	store_close(s);
	unlink(path);
}

static void test_gate_borderline(void **state)
{
	struct cat_criterion cr = { "x", "d", "m", ">=", 0.9 };
	struct evidence_value ev;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.state = EV_MEASURED;
	ev.value = 0.9; /* exactly at the threshold */
	assert_int_equal(gate_check(&cr, &ev), GATE_PASS);
	ev.value = 0.9 - 1e-6;
	assert_int_equal(gate_check(&cr, &ev), GATE_FAIL);
	ev.value = 0.1 * 9; /* 0.9000000000000001: still passes, not a rounding artefact */
	assert_int_equal(gate_check(&cr, &ev), GATE_PASS);
	ev.state = EV_MISSING;
	assert_int_equal(gate_check(&cr, &ev), GATE_LACKS);
	ev.state = EV_MEASURED;
	ev.value = NAN;
	assert_int_equal(gate_check(&cr, &ev), GATE_LACKS);
}

static struct fake ruse = { "repeat_use_rate", 0.12, 0 };
static const struct evidence_provider ruse_provider = { "repeat_use_rate", "test", fake_fn, &ruse, 0 };

static void test_measured_overrides_stated(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	struct evidence_env env = { NULL, NULL, 1780000000000000LL, 0 };
	struct ra_set s;
	struct readiness_score rs;
	struct ra_measured_list notes;
	json_t *nj;
	struct ra_answer *a;

	(void)state;
	env.cat = cat;
	assert_int_equal(questionnaire_load(&q, cat, NULL, &err), 0);
	memset(&s, 0, sizeof(s));
	/* stated: 40% to 70% of people use AI weekly (level 3) */
	answer(&s, q, "wf_repeat_use", 4, PROV_STATED, env.now);
	evidence_reset();
	/* without a provider nothing changes */
	assert_int_equal(readiness_apply_measured(&env, q, &s, &notes, &err), 0);
	assert_int_equal(notes.n, 0);
	ra_measured_list_release(&notes);
	assert_int_equal(ra_set_find(&s, "wf_repeat_use")->level, 3);
	/* measured 0.12: at least 0.01 but under 0.15 -> level 1, contradicting */
	evidence_register(&ruse_provider);
	assert_int_equal(readiness_apply_measured(&env, q, &s, &notes, &err), 0);
	assert_int_equal(notes.n, 1);
	assert_string_equal(notes.v[0].question, "wf_repeat_use");
	assert_string_equal(notes.v[0].metric, "repeat_use_rate");
	assert_float_equal(notes.v[0].value, 0.12, 1e-12);
	assert_int_equal(notes.v[0].stated_level, 3);
	assert_int_equal(notes.v[0].measured_level, 1);
	assert_false(notes.v[0].agrees);
	assert_string_equal(notes.v[0].source, "test fixture");
	/* the JSON printer writes the struct with the keys `assess show --json` had */
	nj = ra_measured_list_json(&notes);
	{
		char *txt = json_dumps(nj, JSON_COMPACT);
		assert_string_equal(txt, "[{\"question\":\"wf_repeat_use\",\"metric\":"
				    "\"repeat_use_rate\",\"value\":0.12,\"measured_level\":1,"
				    "\"stated_level\":3,\"agrees\":false,\"source\":\"test fixture\"}]");
		free(txt);
	}
	json_decref(nj);
	ra_measured_list_release(&notes);
	assert_int_equal(notes.n, 0);
	a = ra_set_find(&s, "wf_repeat_use");
	assert_int_equal(a->level, 1);
	assert_int_equal(a->choice, 2);
	assert_int_equal(a->provenance, PROV_MEASURED);
	assert_string_equal(a->source, "test fixture");
	readiness_score(cat, q, &s, env.now, &rs);
	assert_int_equal(rs.dims[dim_index("workforce_fluency")].raw, 1);
	/* a fresh measured answer: confidence 1.0 over 5 questions */
	assert_float_equal(rs.dims[dim_index("workforce_fluency")].confidence, 0.2, 1e-9);
	readiness_score_release(&rs);
	/* measured 0.75 agrees with a stated level 4 */
	ruse.value = 0.75;
	answer(&s, q, "wf_repeat_use", 5, PROV_STATED, env.now);
	assert_int_equal(readiness_apply_measured(&env, q, &s, &notes, &err), 0);
	assert_int_equal(notes.n, 1);
	assert_true(notes.v[0].agrees);
	assert_int_equal(notes.v[0].stated_level, 4);
	assert_int_equal(notes.v[0].measured_level, 4);
	ra_measured_list_release(&notes);
	evidence_reset();
	ra_set_release(&s);
	questionnaire_free(q);
}

static void test_workflow_measured_and_answers(void **state)
{
	static const char org[] =
		"kind: Team\nname: ops\ntitle: Ops\nfunction: operations\n---\n"
		"kind: Person\nname: ana\ndisplay_name: Ana\nrole: lead\nteam: ops\n---\n"
		"kind: Initiative\nname: wf\ntitle: WF\nmodel: process\nowner: ana\nphase: 3\n"
		"status: pilot\nteams: [ops]\n";
	static struct fake logged = { "decisions_logged_share", 1.0, 0 };
	static struct fake sla = { "exceptions_within_sla", 0.8, 0 };
	static const struct evidence_provider p1 = { "decisions_logged_share", "t", fake_fn, &logged, 0 };
	static const struct evidence_provider p2 = { "exceptions_within_sla", "t", fake_fn, &sla, 0 };
	char path[64];
	struct store *s = tmp_store(path, sizeof(path));
	struct evidence_env env = { s, NULL, 1780000000000000LL, 0 };
	struct aiv_err err = AIV_ERR_INIT;
	const char *src[] = { "org.yaml" };
	struct apply_result res;
	struct questionnaire *q = NULL;
	struct phase_verdict pv;
	struct workflow_verdict wv;
	struct ra_set set;
	size_t i;

	(void)state;
	env.cat = cat;
	org_register_kinds();
	assert_int_equal(apply_sources(s, cat, "t", src, 1, org, sizeof(org) - 1, 0, &res, &err), 0);
	apply_result_release(&res);
	assert_int_equal(questionnaire_load(&q, cat, NULL, &err), 0);
	memset(&set, 0, sizeof(set));
	answer(&set, q, "ia_agent_identity", 4, PROV_STATED, env.now); /* level 3 */
	answer(&set, q, "ia_sso", 5, PROV_STATED, env.now);            /* level 4 */
	answer(&set, q, "di_access", 2, PROV_STATED, env.now);         /* level 1 */
	evidence_reset();
	evidence_register(&p1);
	evidence_register(&p2);
	assert_int_equal(phase_compute(&env, &pv, &err), 0);
	assert_int_equal(workflow_assess(&env, q, &set, &pv, "wf", &wv, &err), 0);
	for (i = 0; i < wv.n; i++) {
		const char *id = wv.r[i].foundation->id;
		if (!strcmp(id, "identity")) {
			assert_string_equal(wv.r[i].status, "ready");
			assert_string_equal(wv.r[i].basis, "answers");
			assert_int_equal(wv.r[i].level, 3);
		} else if (!strcmp(id, "integration")) {
			assert_string_equal(wv.r[i].status, "not ready");
		} else if (!strcmp(id, "logging")) {
			assert_string_equal(wv.r[i].status, "ready"); /* measured 1.0 >= 1.0 */
			assert_string_equal(wv.r[i].basis, "measured");
		} else if (!strcmp(id, "exception_handling")) {
			assert_string_equal(wv.r[i].status, "not ready"); /* measured 0.8 < 0.9 */
			assert_string_equal(wv.r[i].basis, "measured");
		} else if (!strcmp(id, "entitlements")) {
			assert_string_equal(wv.r[i].status, "lacks evidence");
		}
	}
	assert_string_equal(wv.overall, "not ready");
	assert_true(wv.ahead); /* phase 3 pilot, phase 1 earned */
	workflow_verdict_release(&wv);
	assert_int_equal(workflow_assess(&env, q, &set, &pv, "nope", &wv, &err), AIV_ENOTFOUND);
	phase_verdict_release(&pv);
	evidence_reset();
	ra_set_release(&set);
	questionnaire_free(q);
	store_close(s);
	unlink(path);
}

/* ---- hypothesis comparison (the statistics are tested in test_stats.c) ---- */

static void test_hyp_compare(void **state)
{
	double a[40], b[40];
	struct hyp_effect e;
	size_t i;

	(void)state;
	/* rates: 8/40 -> 20/40, higher is better */
	for (i = 0; i < 40; i++) {
		a[i] = i < 8;
		b[i] = i < 20;
	}
	hyp_compare(a, 40, b, 40, 1, 1, 0.95, 1, &e);
	assert_true(e.ok);
	assert_float_equal(e.baseline, 0.2, 1e-12);
	assert_float_equal(e.treatment, 0.5, 1e-12);
	assert_float_equal(e.improvement, 0.3, 1e-12);
	assert_true(e.imp_lo > 0);
	/* the same with lower-is-better: the improvement is negative */
	hyp_compare(a, 40, b, 40, 1, 0, 0.95, 1, &e);
	assert_float_equal(e.improvement, -0.3, 1e-12);
	assert_true(e.imp_hi < 0);
	/* medians: cycle time from 10 to 7, lower is better */
	for (i = 0; i < 40; i++) {
		a[i] = 10 + (double)(i % 5) - 2;
		b[i] = 7 + (double)(i % 5) - 2;
	}
	hyp_compare(a, 40, b, 40, 0, 0, 0.95, 99, &e);
	assert_float_equal(e.effect, -3, 1e-12);
	assert_float_equal(e.improvement, 3, 1e-12);
	assert_true(e.imp_lo > 0);
	/* an empty group: no estimate */
	hyp_compare(a, 0, b, 40, 0, 0, 0.95, 99, &e);
	assert_false(e.ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_questionnaire),
		cmocka_unit_test(test_library_lenient),
		cmocka_unit_test(test_crosswalk_ids),
		cmocka_unit_test(test_questionnaire_errors),
		cmocka_unit_test(test_catalog_gate_unknown_metric),
		cmocka_unit_test(test_scores_hand_computed),
		cmocka_unit_test(test_empty_set_scores),
		cmocka_unit_test(test_every_gate_criterion),
		cmocka_unit_test(test_gate_borderline),
		cmocka_unit_test(test_measured_overrides_stated),
		cmocka_unit_test(test_workflow_measured_and_answers),
		cmocka_unit_test(test_hyp_compare),
	};

	cli_register_schema();
	return cmocka_run_group_tests(tests, setup, teardown);
}
