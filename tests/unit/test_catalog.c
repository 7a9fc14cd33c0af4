/*
 * test_catalog.c - unit tests for catalog/: the shipped framework loads
 * and is consistent, and every kind of broken catalog is refused with a
 * message naming FILE:LINE:COL and the field.
 *
 * Broken variants are made by editing the real data/framework.yaml text
 * in memory (one unique substring replaced), so the tests follow the
 * file as it evolves.  The expected line and column are not written
 * down: they are computed from where a marker string sits in the edited
 * text, i.e. where a person fixing the file would have to look.
 */
#include "unit.h"

#include "catalog/catalog.h"

static struct strbuf framework = STRBUF_INIT;

static int load_framework(void **state)
{
	char *path = unit_src_path("data/framework.yaml");

	(void)state;
	if (strbuf_read_file(&framework, path, 16u << 20) != 0) {
		fprintf(stderr, "cannot read %s (run from the repository root or set "
			"AIVALUE_SRC_DIR)\n", path);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

static int free_framework(void **state)
{
	(void)state;
	strbuf_release(&framework);
	return 0;
}

/* 1-based line and column of byte offset `off` in text. */
static void line_col(const char *text, size_t off, long *line, long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* framework.yaml with `from` (which must occur exactly once) replaced. */
static char *edited(const char *from, const char *to)
{
	const char *at = strstr(framework.buf, from);
	struct strbuf sb = STRBUF_INIT;

	if (!at)
		fail_msg("'%s' is not in data/framework.yaml any more; update the test", from);
	if (strstr(at + 1, from))
		fail_msg("'%s' occurs twice in data/framework.yaml; make it unique", from);
	strbuf_add(&sb, framework.buf, (size_t)(at - framework.buf));
	strbuf_addstr(&sb, to);
	strbuf_addstr(&sb, at + strlen(from));
	return strbuf_detach(&sb, NULL);
}

/*
 * Load the edited catalog; it must fail with "framework.yaml:L:C: " where
 * L:C is the position of `marker` in the edited text (its `nth` occurrence,
 * 1-based), and the message must contain each of the `want` strings.
 */
static void expect_refused(const char *from, const char *to, const char *marker, int nth,
			   const char *want1, const char *want2)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *c = (struct catalog *)1;
	char *text = edited(from, to), prefix[64];
	const char *m = text;
	long line, col;
	int i;

	for (i = 0; i < nth; i++) {
		m = strstr(i ? m + 1 : m, marker);
		if (!m)
			fail_msg("marker '%s' not found in the edited text", marker);
	}
	line_col(text, (size_t)(m - text), &line, &col);
	snprintf(prefix, sizeof(prefix), "framework.yaml:%ld:%ld: ", line, col);
	if (catalog_load_buf(&c, "framework.yaml", text, strlen(text), &err) == 0)
		fail_msg("a catalog with '%s' replaced by '%s' was accepted", from, to);
	assert_null(c);
	assert_int_equal(err.code, AIV_EINPUT);
	if (strncmp(err.msg, prefix, strlen(prefix)))
		fail_msg("expected the message to start with \"%s\", got \"%s\"", prefix, err.msg);
	assert_contains(err.msg, want1);
	if (want2)
		assert_contains(err.msg, want2);
	free(text);
}

/* ---- the shipped catalog ---------------------------------------------- */

static void check_consistent(const struct catalog *c)
{
	size_t i, j, k;

	assert_int_equal(c->nmodels, 5);
	assert_int_equal(c->nphases, 3);
	assert_int_equal(c->nfoundations, 6);
	assert_int_equal(c->nindustries, 3);
	assert_true(c->nmodel_metrics > 0 && c->nmodel_metrics < c->nmetrics);
	for (i = 0; i < c->nmodels; i++) {
		const struct cat_model *m = &c->models[i];
		assert_int_equal(m->number, (int)i + 1);
		assert_ptr_equal(catalog_model(c, m->id), m);
		assert_true(m->nmetrics > 0);
		assert_true(m->nfailures > 0);
		for (j = 0; j < m->nmetrics; j++)
			assert_int_equal(c->metrics[m->first_metric + j].model, (int)i);
		for (j = 0; j < m->nfailures; j++) {
			int found = 0;
			for (k = 0; k < m->failures[j].metrics.n; k++)
				assert_non_null(catalog_metric(c, m->failures[j].metrics.v[k]));
			for (k = 0; k < m->nmoves; k++)
				found |= !strcmp(m->moves[k].id, m->failures[j].move);
			assert_true(found);
		}
	}
	for (i = 0; i < c->nphases; i++) {
		const struct cat_phase *p = catalog_phase_by_number(c, (int)i + 1);
		assert_non_null(p);
		if (i + 1 < c->nphases) /* the last phase has nothing to exit to */
			assert_true(p->ngate > 0);
		for (j = 0; j < p->ngate; j++)
			if (!catalog_metric(c, p->gate[j].metric))
				fail_msg("phase %s gate %s names unknown metric %s", p->id,
					 p->gate[j].id, p->gate[j].metric);
		for (j = 0; j < p->models.n; j++)
			assert_non_null(catalog_model(c, p->models.v[j]));
	}
	assert_null(catalog_phase_by_number(c, 4));
	for (i = 0; i < c->nindustries; i++)
		for (j = 0; j < c->industries[i].nsteps; j++)
			assert_non_null(catalog_model(c, c->industries[i].steps[j].model));
	assert_null(catalog_model(c, "no_such_model"));
	assert_null(catalog_metric(c, "no_such_metric"));
	assert_non_null(catalog_function(c, "finance"));
}

static void builtin_catalog_loads(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *c = NULL;
	json_t *j;

	(void)state;
	if (catalog_load(&c, NULL, &err))
		fail_msg("built-in catalog: %s", err.msg);
	check_consistent(c);
	assert_string_equal(c->models[0].id, "workforce");
	j = catalog_to_json(c);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "models")), 5);
	json_decref(j);
	j = catalog_model_json(c, &c->models[3]);
	assert_non_null(j);
	json_decref(j);
	catalog_free(c);
}

static void file_catalog_matches_builtin(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *a = NULL, *b = NULL;
	char *path = unit_src_path("data/framework.yaml");
	json_t *ja, *jb;

	(void)state;
	assert_int_equal(catalog_load(&a, NULL, &err), 0);
	if (catalog_load(&b, path, &err))
		fail_msg("%s: %s", path, err.msg);
	check_consistent(b);
	ja = catalog_to_json(a);
	jb = catalog_to_json(b);
	json_object_del(ja, "source"); /* "(built-in)" vs the path */
	json_object_del(jb, "source");
	assert_true(json_equal(ja, jb)); /* the binary embeds this very file */
	json_decref(ja);
	json_decref(jb);
	catalog_free(a);
	catalog_free(b);
	free(path);
}

static void missing_file_is_an_error(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *c = NULL;

	(void)state;
	assert_true(catalog_load(&c, "/nonexistent/framework.yaml", &err) < 0);
	assert_null(c);
	assert_contains(err.msg, "/nonexistent/framework.yaml");
}

/* ---- broken catalogs ------------------------------------------------------- */

static void unknown_key(void **state)
{
	(void)state;
	expect_refused("    short: Build fluency\n",
		       "    short: Build fluency\n    shrot: typo\n",
		       "shrot: typo", 1, "unknown key 'shrot'", NULL);
	expect_refused("version: 1\n", "version: 1\nextras: {}\n",
		       "extras", 1, "unknown key 'extras'", NULL);
}

static void missing_field(void **state)
{
	(void)state;
	/* reported at the start of the model that lacks it */
	expect_refused("    short: Build fluency\n", "",
		       "id: workforce\n", 1, "model 'workforce'", "missing required field 'short'");
	expect_refused("        metric: functions_with_repeat_use\n", "",
		       "id: repeat_use_spread", 1, "missing required field 'metric'", NULL);
}

static void duplicate_id(void **state)
{
	(void)state;
	/* reported at the second occurrence, the one to remove */
	expect_refused("  - id: legal\n    name: Legal", "  - id: hr\n    name: Legal",
		       "hr\n    name: Legal", 1, "function 'hr'", "duplicate id");
	expect_refused("  - id: distribution\n    number: 2", "  - id: workforce\n    number: 2",
		       "workforce\n    number: 2", 1, "model 'workforce'", "duplicate id");
	expect_refused("      - id: proficiency_mix\n", "      - id: repeat_use_rate\n",
		       "repeat_use_rate\n        name: Proficiency mix", 1,
		       "metric 'repeat_use_rate'", "duplicate id");
}

static void bad_metric_in_gate(void **state)
{
	(void)state;
	expect_refused("        metric: functions_with_repeat_use\n",
		       "        metric: functions_with_repeat_uze\n",
		       "functions_with_repeat_uze", 1,
		       "gate criterion 'repeat_use_spread'",
		       "unknown metric 'functions_with_repeat_uze'");
}

static void bad_move_reference(void **state)
{
	(void)state;
	expect_refused("        move: pick_one_surface\n", "        move: pick_one_surfac\n",
		       "pick_one_surfac\n", 1, "failure mode",
		       "unknown leadership move 'pick_one_surfac'");
}

static void bad_model_in_industry_path(void **state)
{
	(void)state;
	expect_refused("      - model: distribution\n        focus: >-\n          Launch",
		       "      - model: distribuion\n        focus: >-\n          Launch",
		       "distribuion", 1, "industry path 'retail'", "unknown model 'distribuion'");
}

static void bad_values(void **state)
{
	(void)state;
	expect_refused("        unit: ratio\n        direction: up\n        target: 0.6\n"
		       "        at_risk: 0.4\n        off_track: 0.15\n        definition: >-\n"
		       "          Share of licensed",
		       "        unit: ratoi\n        direction: up\n        target: 0.6\n"
		       "        at_risk: 0.4\n        off_track: 0.15\n        definition: >-\n"
		       "          Share of licensed",
		       "ratoi", 1, "metric 'repeat_use_rate'", "unit 'ratoi'");
	/* targets: ordered as the direction says, located at the offending key */
	expect_refused("        target: 0.6\n        at_risk: 0.4\n        off_track: 0.15\n",
		       "        target: 0.6\n        at_risk: 0.7\n        off_track: 0.15\n",
		       "0.7\n", 1, "metric 'repeat_use_rate': at_risk",
		       "must not be above the target when higher is better");
	expect_refused("        target: 0.6\n        at_risk: 0.4\n        off_track: 0.15\n",
		       "        target: 0.6\n        at_risk: 0.4\n        off_track: 0.45\n",
		       "0.45\n", 1, "metric 'repeat_use_rate': off_track",
		       "must not be above at_risk");
	expect_refused("        target: 0.3\n        at_risk: 0.5\n        off_track: 0.6\n",
		       "        target: 0.3\n        at_risk: 0.5\n        off_track: 0.41\n",
		       "0.41\n", 1, "metric 'gini_active_days': off_track",
		       "must not be below at_risk when lower is better");
	expect_refused("        target: 0.6\n        at_risk: 0.4\n        off_track: 0.15\n",
		       "        at_risk: 0.4\n        off_track: 0.15\n",
		       "id: repeat_use_rate", 1, "metric 'repeat_use_rate'",
		       "target");
	expect_refused("        op: \">=\"\n        value: 3\n", "        op: \"=>\"\n        value: 3\n",
		       "=>\"", 1, "op must be one of", "'=>'");
	expect_refused("    number: 1\n    name: Workforce", "    number: one\n    name: Workforce",
		       "one\n    name: Workforce", 1, "field 'number' must be an integer", NULL);
	expect_refused("version: 1\n", "version: 2\n", "2\n", 1, "unsupported version 2", NULL);
	/* regression (fuzz_catalog): a misnumbered level leaked its strings */
	expect_refused("  - level: 4\n", "  - level: 5\n", "5\n    name: Embedded", 1,
		       "levels must be numbered 0, 1, 2", "expected 4, found 5");
	expect_refused("    models: [workforce]\n", "    models: [workforcee]\n",
		       "workforcee", 1, "phase 'fluency'", "unknown model 'workforcee'");
}

static void malformed_yaml(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *c = NULL;
	char *text = edited("    models: [workforce]\n", "    models: [workforce\n");
	long line, col, eline = 0, ecol = 0;

	(void)state;
	/* a mapping inside a plain scalar: located exactly, at the second ':' */
	expect_refused("    short: Build fluency\n", "    short: Build: fluency\n",
		       ": fluency", 1, "invalid YAML", NULL);
	/* an unclosed '[': libfyaml notices where the flow sequence goes wrong */
	line_col(text, (size_t)(strstr(text, "[workforce\n") - text), &line, &col);
	assert_true(catalog_load_buf(&c, "framework.yaml", text, strlen(text), &err) < 0);
	assert_null(c);
	assert_contains(err.msg, "invalid YAML");
	assert_int_equal(sscanf(err.msg, "framework.yaml:%ld:%ld: ", &eline, &ecol), 2);
	assert_true(eline >= line && eline <= line + 2);
	assert_true(ecol >= 1);
	free(text);
}

static void not_a_catalog(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "", "framework.yaml" },
		{ "- just\n- a list\n", "expected a mapping" },
		{ "version: 1\n", "missing required field" },
		{ "version: 1\n---\nversion: 1\n", "exactly one YAML document" },
		{ "version: [1\n", "invalid YAML" },
		{ "\xff\xfe\x00garbage", "framework.yaml" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct aiv_err err = AIV_ERR_INIT;
		struct catalog *c = NULL;

		if (catalog_load_buf(&c, "framework.yaml", cases[i].text, strlen(cases[i].text) +
				     (i == 5 ? 5 : 0), &err) == 0)
			fail_msg("accepted case %zu", i);
		assert_null(c);
		assert_contains(err.msg, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_catalog_loads),
		cmocka_unit_test(file_catalog_matches_builtin),
		cmocka_unit_test(missing_file_is_an_error),
		cmocka_unit_test(unknown_key),
		cmocka_unit_test(missing_field),
		cmocka_unit_test(duplicate_id),
		cmocka_unit_test(bad_metric_in_gate),
		cmocka_unit_test(bad_move_reference),
		cmocka_unit_test(bad_model_in_industry_path),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(malformed_yaml),
		cmocka_unit_test(not_a_catalog),
	};

	return cmocka_run_group_tests_name("catalog", tests, load_framework, free_framework);
}
