/*
 * test_apply.c - unit tests for apply/ with the org kinds: the Acme
 * example applies, re-applying changes nothing, a change appends exactly
 * one ledger entry holding the before/after difference, a batch with one
 * bad document applies nothing, delete is refused while referenced, a
 * dry run writes nothing, and inside a caller's transaction apply leaves
 * the commit or rollback to the caller.
 *
 * Reads examples/acme from the source tree (see unit.h).  Each test gets
 * a fresh workspace with Acme applied once.
 */
#include "unit.h"

#include "apply/apply.h"
#include "catalog/catalog.h"
#include "core/cjson.h"
#include "ledger/ledger.h"
#include "org/org.h"
#include "cli/cmd.h"

struct fx {
	char *dir, *db, *acme;
	struct store *s;
	struct catalog *cat;
	size_t acme_objects;
};

static int64_t q_int(struct store *s, const char *sql)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t v = -1;

	if (store_query_int(s, sql, &v, &err))
		fail_msg("%s: %s", sql, err.msg);
	return v;
}

static int64_t n_objects(struct fx *f)
{
	return q_int(f->s, "SELECT count(*) FROM objects");
}

static int64_t n_ledger(struct fx *f)
{
	return q_int(f->s, "SELECT count(*) FROM ledger");
}

/* A snapshot of everything apply may write, to compare before/after. */
static int64_t state_sum(struct fx *f)
{
	return q_int(f->s, "SELECT (SELECT count(*) FROM objects) * 1000000"
			   " + (SELECT count(*) FROM ledger) * 1000"
			   " + (SELECT count(*) FROM people) + (SELECT count(*) FROM teams)"
			   " + (SELECT count(*) FROM initiatives)"
			   " + (SELECT coalesce(sum(length(spec)), 0) FROM objects)");
}

static int apply_buf(struct fx *f, const char *name, const char *yaml, int dry_run,
		     struct apply_result *res, struct aiv_err *err)
{
	const char *paths[] = { name };

	return apply_sources(f->s, f->cat, "test:unit", paths, 1, yaml, strlen(yaml),
			     dry_run, res, err);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	const char *paths[1];

	org_register_kinds();
	f->dir = unit_tmpdir();
	f->db = xstrfmt("%s/aivalue.db", f->dir);
	f->acme = unit_src_path("examples/acme");
	if (store_open(&f->s, f->db, STORE_CREATE, &err) || catalog_load(&f->cat, NULL, &err))
		fail_msg("setup: %s", err.msg);
	paths[0] = f->acme;
	if (apply_sources(f->s, f->cat, "test:unit", paths, 1, NULL, 0, 0, &res, &err))
		fail_msg("applying %s: %s", f->acme, err.msg);
	f->acme_objects = res.created;
	apply_result_release(&res);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	catalog_free(f->cat);
	unit_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->acme);
	free(f);
	return 0;
}

static void acme_applies(void **state)
{
	struct fx *f = *state;

	/* every document became an object and a ledger entry, nothing else */
	assert_true(f->acme_objects > 400);
	assert_int_equal(n_objects(f), (int64_t)f->acme_objects);
	assert_int_equal(n_ledger(f), (int64_t)f->acme_objects);
	assert_int_equal(q_int(f->s, "SELECT count(*) FROM ledger WHERE action <> 'apply.create'"), 0);
	assert_int_equal(q_int(f->s, "SELECT count(*) FROM people") +
			 q_int(f->s, "SELECT count(*) FROM teams") +
			 q_int(f->s, "SELECT count(*) FROM initiatives"), (int64_t)f->acme_objects);
}

static void reapply_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	const char *paths[] = { f->acme };
	int64_t before = state_sum(f);
	char head1[SHA256_HEX], head2[SHA256_HEX];
	int64_t s1, s2;
	size_t i;

	assert_int_equal(ledger_head(f->s, &s1, head1, &err), 0);
	assert_int_equal(apply_sources(f->s, f->cat, "test:unit", paths, 1, NULL, 0, 0, &res,
				       &err), 0);
	assert_int_equal(res.created, 0);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, f->acme_objects);
	for (i = 0; i < res.n; i++) {
		assert_string_equal(res.items[i].op, "unchanged");
		assert_int_equal(res.items[i].seq, 0);
	}
	apply_result_release(&res);
	assert_int_equal(state_sum(f), before);
	assert_int_equal(ledger_head(f->s, &s2, head2, &err), 0);
	assert_int_equal(s1, s2);
	assert_string_equal(head1, head2);
}

/* Person `name` as a YAML (flow/JSON) document with `role` changed. */
static char *person_doc(struct fx *f, const char *name, const char *key, const char *value)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *arr = NULL, *spec;
	char *text;

	if (apply_get(f->s, apply_kind("Person"), name, &arr, &err))
		fail_msg("get %s: %s", name, err.msg);
	spec = json_array_get(arr, 0);
	json_object_set_new(spec, "kind", json_string("Person"));
	json_object_set_new(spec, key, json_string(value));
	text = cjson_dumps(spec); /* JSON is YAML */
	json_decref(arr);
	return text;
}

static void change_appends_one_diff_entry(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	char *doc = person_doc(f, "kerem.sahin", "role", "Head of claims");
	int64_t n0 = n_ledger(f), seq;
	struct store_stmt *st;
	json_t *payload, *changes;

	if (apply_buf(f, "change.yaml", doc, 0, &res, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.created, 0);
	assert_int_equal(res.n, 1);
	seq = res.items[0].seq;
	apply_result_release(&res);
	assert_int_equal(n_ledger(f), n0 + 1);
	assert_int_equal(seq, n0 + 1);

	st = store_prepare(f->s, "SELECT action, subject, payload, actor FROM ledger WHERE seq = ?",
			   &err);
	store_bind_int(st, 1, seq);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "apply.update");
	assert_string_equal(store_col_text(st, 1), "Person/kerem.sahin");
	assert_string_equal(store_col_text(st, 3), "test:unit");
	payload = json_loads(store_col_text(st, 2), 0, NULL);
	store_reset(st);
	assert_non_null(payload);
	assert_string_equal(json_str(payload, "op"), "update");
	changes = json_object_get(payload, "changes");
	assert_int_equal(json_object_size(changes), 1); /* only the role */
	assert_string_equal(json_str(json_object_get(changes, "role"), "before"), "Team manager");
	assert_string_equal(json_str(json_object_get(changes, "role"), "after"), "Head of claims");
	json_decref(payload);
	/* the typed row follows */
	assert_int_equal(q_int(f->s, "SELECT count(*) FROM people WHERE name = 'kerem.sahin'"
				     " AND role = 'Head of claims'"), 1);
	/* and applying the same change again is a no-op */
	assert_int_equal(apply_buf(f, "change.yaml", doc, 0, &res, &err), 0);
	assert_int_equal(res.unchanged, 1);
	apply_result_release(&res);
	assert_int_equal(n_ledger(f), n0 + 1);
	free(doc);
}

static void invalid_doc_applies_nothing(void **state)
{
	struct fx *f = *state;
	static const struct { const char *yaml, *where, *what; } cases[] = {
		/* a good new person, then a document with a typo'd key */
		{ "kind: Person\nname: new.person\ndisplay_name: New\nrole: Analyst\n"
		  "team: finance\n---\nkind: Person\nname: other.person\ndisplay_name: O\n"
		  "role: Analyst\nteam: finance\nemial: o@x\n",
		  "batch.yaml:12:1: ", "unknown key 'emial'" },
		/* a good change, then a bad reference */
		{ "kind: Team\nname: finance\ntitle: Money\nfunction: finance\n---\n"
		  "kind: Person\nname: new.person\ndisplay_name: New\nrole: Analyst\n"
		  "team: finanse\n",
		  "batch.yaml:10:7: ", "field 'team' refers to unknown team 'finanse'" },
		/* an unknown kind after a good document */
		{ "kind: Team\nname: finance\ntitle: Money\nfunction: finance\n---\n"
		  "kind: Robot\nname: r2\n",
		  "batch.yaml:6:7: ", "unknown kind 'Robot'" },
		/* malformed YAML at the end */
		{ "kind: Team\nname: finance\ntitle: Money\nfunction: finance\n---\n"
		  "kind: Person\nname: [x\n",
		  "batch.yaml:", "invalid YAML" },
		/* the same object twice */
		{ "kind: Team\nname: qa\ntitle: QA\nfunction: quality\n---\n"
		  "kind: Team\nname: qa\ntitle: QA 2\nfunction: quality\n",
		  "batch.yaml:7:7: ", "defined twice" },
		/* a wrong type */
		{ "kind: Person\nname: new.person\ndisplay_name: New\nrole: Analyst\n"
		  "team: finance\nchampion: maybe\n",
		  "batch.yaml:6:11: ", "champion" },
	};
	struct fx *fx = f;
	int64_t before = state_sum(fx);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct aiv_err err = AIV_ERR_INIT;
		struct apply_result res;
		int rc = apply_buf(fx, "batch.yaml", cases[i].yaml, 0, &res, &err);

		if (rc == 0)
			fail_msg("case %zu was applied", i);
		assert_int_equal(rc, AIV_EINPUT);
		assert_int_equal(res.n, 0);
		if (strncmp(err.msg, cases[i].where, strlen(cases[i].where)))
			fail_msg("case %zu: expected \"%s...\", got \"%s\"", i, cases[i].where,
				 err.msg);
		assert_contains(err.msg, cases[i].what);
		assert_int_equal(state_sum(fx), before);
		assert_false(store_in_tx(fx->s));
	}
	assert_int_equal(q_int(fx->s, "SELECT count(*) FROM teams WHERE title = 'Money'"), 0);
}

static void broken_examples_apply_nothing(void **state)
{
	struct fx *f = *state;
	static const char *const files[] = { "bad-kind.yaml", "bad-ref.yaml", "malformed.yaml",
					     "unknown-key.yaml" };
	int64_t before = state_sum(f);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct aiv_err err = AIV_ERR_INIT;
		struct apply_result res;
		char *rel = xstrfmt("examples/acme/broken/%s", files[i]);
		char *path = unit_src_path(rel);
		const char *paths[] = { f->acme, path }; /* good directory + one bad file */

		assert_int_equal(apply_sources(f->s, f->cat, "test:unit", paths, 2, NULL, 0, 0,
					       &res, &err), AIV_EINPUT);
		assert_contains(err.msg, files[i]);
		assert_int_equal(state_sum(f), before);
		free(rel);
		free(path);
	}
}

static void delete_refused_while_referenced(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	int64_t before = state_sum(f), n0, seq = 0;
	struct store_stmt *st;
	json_t *payload;

	assert_int_equal(apply_delete(f->s, "test:unit", "Team", "operations-claims-motor",
				      &seq, &err), AIV_ECONFLICT);
	assert_contains(err.msg, "cannot delete team 'operations-claims-motor'");
	assert_contains(err.msg, "still refers to it");
	assert_int_equal(state_sum(f), before);
	assert_int_equal(apply_delete(f->s, "test:unit", "Person", "kerem.sahin", &seq, &err),
			 AIV_ECONFLICT);
	assert_int_equal(apply_delete(f->s, "test:unit", "Person", "no.such", &seq, &err),
			 AIV_ENOTFOUND);
	assert_int_equal(apply_delete(f->s, "test:unit", "Robot", "r2", &seq, &err), AIV_EINPUT);
	assert_int_equal(state_sum(f), before);
	assert_false(store_in_tx(f->s));

	/* an object nobody refers to can go, with one ledger entry */
	assert_int_equal(apply_buf(f, "new.yaml", "kind: Person\nname: temp.person\n"
				   "display_name: Temp\nrole: Analyst\nteam: finance\n", 0, &res,
				   &err), 0);
	apply_result_release(&res);
	n0 = n_ledger(f);
	assert_int_equal(apply_delete(f->s, "test:unit", "people", "temp.person", &seq, &err), 0);
	assert_int_equal(seq, n0 + 1);
	assert_int_equal(n_ledger(f), n0 + 1);
	assert_int_equal(q_int(f->s, "SELECT count(*) FROM people WHERE name = 'temp.person'"), 0);
	assert_int_equal(q_int(f->s, "SELECT count(*) FROM objects WHERE name = 'temp.person'"), 0);
	st = store_prepare(f->s, "SELECT action, payload FROM ledger WHERE seq = ?", &err);
	store_bind_int(st, 1, seq);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), "apply.delete");
	payload = json_loads(store_col_text(st, 1), 0, NULL);
	store_reset(st);
	assert_string_equal(json_str(payload, "op"), "delete");
	assert_string_equal(json_str(json_object_get(payload, "before"), "role"), "Analyst");
	json_decref(payload);
}

static void dry_run_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	char *doc = person_doc(f, "kerem.sahin", "role", "Head of claims");
	struct strbuf both = STRBUF_INIT;
	int64_t before = state_sum(f);

	strbuf_addf(&both, "%s\n---\nkind: Team\nname: qa\ntitle: QA\nfunction: quality\n", doc);
	assert_int_equal(apply_buf(f, "dry.yaml", both.buf, 1, &res, &err), 0);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.created, 1);
	apply_result_release(&res);
	assert_int_equal(state_sum(f), before);
	assert_int_equal(q_int(f->s, "SELECT count(*) FROM people WHERE role = 'Head of claims'"), 0);
	assert_false(store_in_tx(f->s));
	strbuf_release(&both);
	free(doc);
}

/* Inside a caller's transaction apply writes but neither commits nor
 * rolls back: the caller's rollback takes the rows and ledger entries. */
static void joins_callers_transaction(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	int64_t before = state_sum(f), ledger = n_ledger(f);
	const char *team = "kind: Team\nname: qa\ntitle: QA\nfunction: quality\n";

	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(apply_buf(f, "t.yaml", team, 0, &res, &err), 0);
	assert_int_equal(res.created, 1);
	apply_result_release(&res);
	assert_true(store_in_tx(f->s));
	assert_int_equal(n_ledger(f), ledger + 1);
	/* a failing apply in the same transaction leaves it open, for the caller */
	assert_int_equal(apply_buf(f, "bad.yaml", "kind: Team\nname: qb\n", 0, &res, &err),
			 AIV_EINPUT);
	assert_true(store_in_tx(f->s));
	store_rollback(f->s);
	assert_int_equal(state_sum(f), before);
	assert_int_equal(q_int(f->s, "SELECT count(*) FROM teams WHERE name = 'qa'"), 0);
	/* the same apply alone commits */
	assert_int_equal(apply_buf(f, "t.yaml", team, 0, &res, &err), 0);
	apply_result_release(&res);
	assert_false(store_in_tx(f->s));
	assert_int_equal(q_int(f->s, "SELECT count(*) FROM teams WHERE name = 'qa'"), 1);
}

static void ledger_still_verifies(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	struct ledger_verify_result r;
	char *doc = person_doc(f, "kerem.sahin", "display_name", "Kerem \xc5\x9e" "ahin \"K\"\t");

	assert_int_equal(apply_buf(f, "c.yaml", doc, 0, &res, &err), 0);
	apply_result_release(&res);
	assert_int_equal(ledger_verify(f->s, 0, NULL, &r, &err), 0);
	assert_true(r.ok);
	assert_int_equal(r.entries, (int64_t)f->acme_objects + 1);
	free(doc);
}

static void nothing_to_apply(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;

	assert_int_equal(apply_buf(f, "empty.yaml", "# only a comment\n", 0, &res, &err),
			 AIV_EINPUT);
	assert_contains(err.msg, "no documents");
	assert_int_equal(apply_sources(f->s, f->cat, "t", NULL, 0, NULL, 0, 0, &res, &err),
			 AIV_EINPUT);
}

/* Regression: a trailing "---" or a comment-only document used to be
 * "document 2: expected a mapping with 'kind'" (and with no location). */
static void empty_documents_are_skipped(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;

	assert_int_equal(apply_buf(f, "t.yaml", "---\nkind: Team\nname: qa\ntitle: QA\n"
				   "function: quality\n---\n# nothing here\n---\n", 1, &res, &err), 0);
	assert_int_equal(res.created, 1);
	apply_result_release(&res);
	/* a document that is a scalar is still an error, located */
	assert_int_equal(apply_buf(f, "t.yaml", "--- 12\n", 1, &res, &err), AIV_EINPUT);
	assert_contains(err.msg, "t.yaml:1:5: ");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(acme_applies),
		T(reapply_changes_nothing),
		T(change_appends_one_diff_entry),
		T(invalid_doc_applies_nothing),
		T(broken_examples_apply_nothing),
		T(delete_refused_while_referenced),
		T(dry_run_changes_nothing),
		T(joins_callers_transaction),
		T(ledger_still_verifies),
		T(nothing_to_apply),
		T(empty_documents_are_skipped),
	};
#undef T

	cli_register_schema();
	return cmocka_run_group_tests_name("apply", tests, NULL, NULL);
}
