/*
 * test_change.c - the change layer's pure parts: the rules file loader
 * (strict, located errors), the front-matter and Doorstop parsers, and
 * the baseline Merkle root (checked against an independent Python
 * computation of the same definition, see docs/change.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog.h"
#include "change/baseline.h"
#include "change/rules.h"
#include "change/sync.h"
#include "core/cjson.h"

static struct catalog *cat;

static int setup(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	return catalog_load(&cat, NULL, &err);
}

static int teardown(void **state)
{
	(void)state;
	catalog_free(cat);
	return 0;
}

static void test_builtin_rules(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *r = NULL;

	(void)state;
	assert_int_equal(change_rules_load(&r, NULL, cat, &err), 0);
	assert_int_equal(r->quorum[RISK_HIGH], 3);
	assert_int_equal(r->impacted[4], IMPACT_FIRST_HOP); /* governed-by */
	assert_false(r->propagate_mask & (1u << 2));        /* references */
	assert_true(r->propagate_mask & (1u << 1));         /* implements */
	assert_string_equal(json_string_value(json_array_get(json_object_get(r->by_type,
							     "policy"), 0)), "legal");
	assert_int_equal(r->max_backlog, 5);
	change_rules_free(r);
}

static void bad_rules(const char *text, const char *want)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *r = NULL;

	assert_int_not_equal(change_rules_load_buf(&r, "r.yaml", text, strlen(text), cat, &err), 0);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' lacks '%s'", err.msg, want);
	assert_null(r);
}

#define EDGES "{derives-from: none, implements: none, references: none, verifies: none, governed-by: none}"
#define PROP "{derives-from: true, implements: true, references: false, verifies: true, governed-by: true}"
#define GOV "{window_days: 7, max_backlog_per_approver: 5, max_ai_per_approval: 3}"

static void test_bad_rules(void **state)
{
	(void)state;
	bad_rules("version: 1\napprovals: {by_type: {policy: [lawyers]}, impacted_owners: " EDGES
		  ", quorum: {low: 1, medium: 1, high: 1}}\npropagation: " PROP "\ngovernance: " GOV "\n",
		  "r.yaml:2:32: approvals.by_type: 'policy': unknown function 'lawyers'");
	bad_rules("version: 1\napprovals: {impacted_owners: " EDGES ", quorum: {low: 1, medium: 1, high: 1},"
		  " colour: red}\npropagation: " PROP "\ngovernance: " GOV "\n", "unknown key 'colour'");
	bad_rules("version: 1\napprovals: {impacted_owners: {derives-from: none}, quorum: {low: 1, "
		  "medium: 1, high: 1}}\npropagation: " PROP "\ngovernance: " GOV "\n",
		  "missing edge type 'implements'");
	bad_rules("version: 1\napprovals: {impacted_owners: " EDGES ", quorum: {low: 0, medium: 1, "
		  "high: 1}}\npropagation: " PROP "\ngovernance: " GOV "\n", "quorum.low must be 1 to 20");
	bad_rules("version: 2\n", "version must be 1");
	bad_rules("version: 1\napprovals: {impacted_owners: " EDGES ", quorum: {low: 1, medium: 1, "
		  "high: 1}}\npropagation: {derives-from: yes, implements: true, references: false, "
		  "verifies: true, governed-by: true}\ngovernance: " GOV "\n",
		  "'derives-from' must be true or false");
}

static void test_frontmatter(void **state)
{
	static const char md[] = "---\nid: SOP-12\nkind: sop\ntitle: Intake\nowner: kerem.sahin\n"
				 "depends_on: [POL-7, {id: POL-3, type: governed-by}]\n---\n# body\n";
	struct aiv_err err = AIV_ERR_INIT;
	json_t *spec = NULL;
	char fp[SHA256_HEX];

	(void)state;
	assert_int_equal(syncp_frontmatter("a/sop-12.md", md, strlen(md), &spec, &err), 0);
	assert_string_equal(json_str(spec, "type"), "sop");
	assert_string_equal(json_str(spec, "path"), "a/sop-12.md");
	sha256_hex(md, strlen(md), fp);
	assert_string_equal(json_str(spec, "fingerprint"), fp);
	assert_string_equal(json_string_value(json_object_get(json_object_get(spec, "edge_types"),
							      "POL-7")), "derives-from");
	assert_string_equal(json_string_value(json_object_get(json_object_get(spec, "edge_types"),
							      "POL-3")), "governed-by");
	json_decref(spec);
}

static void bad_fm(const char *name, const char *text, const char *want)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *spec = NULL;

	assert_int_not_equal(syncp_frontmatter(name, text, strlen(text), &spec, &err), 0);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' lacks '%s'", err.msg, want);
	assert_null(spec);
}

static void test_bad_frontmatter(void **state)
{
	(void)state;
	bad_fm("x.md", "# no front matter\n", "x.md:1:1: no front matter");
	bad_fm("x.md", "---\nid: A-1\n", "never closed");
	bad_fm("x.md", "---\nid: a b\nkind: sop\ntitle: t\nowner: o\n---\n", "x.md:2:5: front matter: id 'a b'");
	bad_fm("x.md", "---\nid: A-1\nkind: sop\ntitle: t\n---\n", "missing required field 'owner'");
	bad_fm("x.md", "---\nid: A-1\nkind: sop\ntitle: t\nowner: o\ndepends_on: [{id: B-1, type: uses}]\n---\n",
	       "x.md:6:30: artefact 'A-1': depends_on 'B-1': edge type 'uses'");
	bad_fm("x.md", "---\nid: A-1\nkind: sop\ntitle: t\nowner: o\ndepends_on: [A-1]\n---\n",
	       "cannot depend on itself");
	bad_fm("x.md", "---\nid: A-1\nkind: sop\ntitle: t\nowner: o\nversion: 0\n---\n",
	       "version must be a positive integer");
	bad_fm("x.yaml", "id: A-1\nkind: sop\n---\nid: B-1\n", "one YAML mapping, found 2");
}

static void test_doorstop(void **state)
{
	static const char item[] = "active: true\nlevel: 1.2\nheader: ''\nlinks:\n- SYS001: abc\n- SYS002\n"
				   "normative: true\nreviewed: null\ntext: |\n  The portal shall ack.\n  More.\n";
	static const char inactive[] = "active: false\ntext: gone\n";
	static const char settings[] = "settings:\n  digits: 3\n  parent: SYS\n  prefix: LLR\n  sep: '-'\n";
	struct aiv_err err = AIV_ERR_INIT;
	json_t *spec = NULL;

	(void)state;
	assert_int_equal(syncp_doorstop_item("d/LLR-001.yml", "LLR-001", item, strlen(item),
					     "requirement", "team-a", &spec, &err), 0);
	assert_string_equal(json_str(spec, "title"), "The portal shall ack.");
	assert_int_equal(json_array_size(json_object_get(spec, "depends_on")), 2);
	json_decref(spec);
	assert_int_equal(syncp_doorstop_item("d/LLR-002.yml", "LLR-002", inactive, strlen(inactive),
					     "requirement", "team-a", &spec, &err), 0);
	assert_null(spec);
	assert_int_equal(syncp_doorstop_settings(".doorstop.yml", settings, strlen(settings), &spec,
						 &err), 0);
	assert_string_equal(json_str(spec, "prefix"), "LLR");
	assert_string_equal(json_str(spec, "parent"), "SYS");
	json_decref(spec);
	assert_int_not_equal(syncp_doorstop_item("d/LLR-003.yml", "LLR-003", "links: [[x]]\n", 12,
						 "requirement", "t", &spec, &err), 0);
	if (!strstr(err.msg, "d/LLR-003.yml:1:10: doorstop item 'LLR-003': links")) fail_msg("%s", err.msg);
	assert_int_not_equal(syncp_doorstop_settings("s.yml", "settings: {digits: 3}\n", 22, &spec,
						     &err), 0);
	assert_non_null(strstr(err.msg, "missing required field 'prefix'"));
}

/* title is optional: the first Markdown heading (outside code fences), else the file name */
static void test_frontmatter_default_title(void **state)
{
	static const char heading[] = "---\nid: SOP-2\nkind: sop\nowner: ana\n---\n\nIntro.\n"
				      "```\n# shell comment\n```\n   ##  Motor claims intake ##\n# Later\n";
	static const char none[] = "---\nid: TEST-4\nkind: test\nowner: ana\n---\nno heading\n"
				   "#hashtag is not a heading\n";
	static const char yaml[] = "id: FORM-3\nkind: form\nowner: ana\n";
	struct aiv_err err = AIV_ERR_INIT;
	json_t *spec = NULL;

	(void)state;
	assert_int_equal(syncp_frontmatter("a/sop-2.md", heading, strlen(heading), &spec, &err), 0);
	assert_string_equal(json_str(spec, "title"), "Motor claims intake");
	assert_string_equal(json_str(spec, "title_from"), "heading");
	json_decref(spec);
	assert_int_equal(syncp_frontmatter("a/b/test-4.md", none, strlen(none), &spec, &err), 0);
	assert_string_equal(json_str(spec, "title"), "test-4");
	assert_string_equal(json_str(spec, "title_from"), "file name");
	json_decref(spec);
	assert_int_equal(syncp_frontmatter("claim-form.yaml", yaml, strlen(yaml), &spec, &err), 0);
	assert_string_equal(json_str(spec, "title"), "claim-form");
	json_decref(spec);
}

/* Doorstop's Markdown item format: front matter, "# header", text; skips and notes */
static void test_doorstop_markdown(void **state)
{
	static const char md[] = "---\nactive: true\nlevel: 1.2.3\nlinks:\n- SYS001: null\n"
				 "- SYS002: abc123\nnormative: true\nref: ''\nreviewed: null\n---\n\n"
				 "# Markdown Header\n\nLorem ipsum dolor sit amet.\nMore.\n";
	static const char notitle[] = "---\nactive: true\n---\nThe form shall ask.\n";
	static const char heading[] = "---\nnormative: false\n---\n# Overview\n";
	static const char settings[] = "settings:\n  digits: 2\n  parent: SYSMD\n  itemformat: markdown\n"
				       "  prefix: REQMD\n  sep: ''\n  review: x\nextensions:\n  a: b\n";
	struct aiv_err err = AIV_ERR_INIT;
	json_t *spec = NULL;

	(void)state;
	assert_int_equal(syncp_doorstop_entry("d/REQMD001.md", "REQMD001", md, strlen(md), 1,
					      "requirement", "team-a", &spec, &err), 0);
	assert_string_equal(json_str(spec, "title"), "Markdown Header");
	assert_string_equal(json_str(spec, "title_from"), "header");
	assert_null(json_object_get(spec, "skip"));
	assert_int_equal(json_array_size(json_object_get(spec, "depends_on")), 2);
	/* level holds something, ref and reviewed do not */
	assert_int_equal(json_array_size(json_object_get(spec, "notes")), 1);
	assert_string_equal(json_str(json_array_get(json_object_get(spec, "notes"), 0), "what"),
			    "item attribute 'level'");
	json_decref(spec);
	assert_int_equal(syncp_doorstop_entry("d/REQMD002.md", "REQMD002", notitle,
					      strlen(notitle), 1, "requirement", "t", &spec, &err), 0);
	assert_string_equal(json_str(spec, "title"), "The form shall ask.");
	assert_string_equal(json_str(spec, "title_from"), "text");
	json_decref(spec);
	assert_int_equal(syncp_doorstop_entry("d/REQMD003.md", "REQMD003", heading,
					      strlen(heading), 1, "requirement", "t", &spec, &err), 0);
	assert_string_equal(json_str(spec, "skip"), "heading");
	json_decref(spec);
	assert_int_not_equal(syncp_doorstop_entry("d/REQMD004.md", "REQMD004", "active: true\n",
						  13, 1, "requirement", "t", &spec, &err), 0);
	assert_non_null(strstr(err.msg, "a Markdown item starts with a '---' line"));
	assert_int_equal(syncp_doorstop_settings(".doorstop.yml", settings, strlen(settings), &spec,
						 &err), 0);
	assert_string_equal(json_str(spec, "itemformat"), "markdown");
	assert_int_equal(json_array_size(json_object_get(spec, "notes")), 2);
	assert_string_equal(json_str(json_array_get(json_object_get(spec, "notes"), 0), "what"),
			    "unknown document setting 'review'");
	assert_string_equal(json_str(json_array_get(json_object_get(spec, "notes"), 1), "what"),
			    "document 'extensions' block");
	json_decref(spec);
}

static void test_merkle_root(void **state)
{
	json_t *items = json_array();
	char root[SHA256_HEX], empty[SHA256_HEX];
	const char *fps[3] = {
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" };
	const char *ids[3] = { "A-1", "B-2", "C-3" };
	int i;

	(void)state;
	baseline_root(items, root);
	sha256_hex("", 0, empty);
	assert_string_equal(root, empty);
	json_array_append_new(items, json_pack("{s:s, s:i, s:s}", "id", ids[0], "version", 1,
					       "fingerprint", fps[0]));
	baseline_root(items, root);
	/* one leaf: the root is the leaf, SHA256(0x00 || canon) */
	assert_string_equal(root, "c96d314982f8f396f114f7e1e6b53caadef3d44a37f67b8aaf3fe40739b47c56");
	for (i = 1; i < 3; i++)
		json_array_append_new(items, json_pack("{s:s, s:i, s:s}", "id", ids[i], "version",
						       i + 1, "fingerprint", fps[i]));
	baseline_root(items, root);
	assert_string_equal(root, "21aaee6f08a3930fcba9664fa9410d80aa961afd635e0675cbe4b60b2679c730");
	json_decref(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_rules),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_frontmatter),
		cmocka_unit_test(test_bad_frontmatter),
		cmocka_unit_test(test_doorstop),
		cmocka_unit_test(test_frontmatter_default_title),
		cmocka_unit_test(test_doorstop_markdown),
		cmocka_unit_test(test_merkle_root),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
