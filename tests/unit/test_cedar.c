/*
 * test_cedar.c - the Cedar engine, one group of cases per language
 * construct, plus error semantics (an erroring policy is skipped), parse
 * error locations and the validator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "control/cedar.h"

static const char *ENTITIES =
	"[{\"uid\":{\"type\":\"Agent\",\"id\":\"ap-bot\"},"
	"  \"attrs\":{\"owner\":{\"__entity\":{\"type\":\"Person\",\"id\":\"ana\"}},"
	"             \"level\":3, \"tags\":[\"fin\",\"ap\"], \"name\":\"AP bot\","
	"             \"limits\":{\"max\":1000}},"
	"  \"parents\":[{\"type\":\"Step\",\"id\":\"p2p/approve\"}]},"
	" {\"uid\":{\"type\":\"Step\",\"id\":\"p2p/approve\"},\"attrs\":{},"
	"  \"parents\":[{\"type\":\"Workflow\",\"id\":\"p2p\"}]},"
	" {\"uid\":{\"type\":\"Invoice\",\"id\":\"inv-1\"},"
	"  \"attrs\":{\"amount\":500,\"vendor\":\"acme\"},"
	"  \"parents\":[{\"type\":\"Acme::Ledger\",\"id\":\"main\"}]},"
	" {\"uid\":{\"type\":\"Action\",\"id\":\"approve_invoice\"},\"attrs\":{},"
	"  \"parents\":[{\"type\":\"Action\",\"id\":\"write\"}]}]";

struct result {
	int decision;
	unsigned npermits, nforbids, nerrors;
	char first_error[200];
};

/* Evaluate one request: principal Agent::"ap-bot", the given action id,
 * resource Invoice::"inv-1", context JSON. Fails the test on parse error. */
static struct result run(const char *policies, const char *action, const char *ctxjson)
{
	struct cedar_policyset ps;
	struct cedar_entities es;
	struct cedar_arena a = { 0 };
	struct cedar_response res;
	struct cedar_request req;
	struct aiv_err err = AIV_ERR_INIT;
	struct result r;
	json_t *ents, *ctx;
	char rtext[100];

	cedar_policyset_init(&ps);
	cedar_entities_init(&es);
	cedar_response_init(&res);
	if (cedar_parse(&ps, policies, strlen(policies), "policy", "t.cedar", 1, 1, &err))
		fail_msg("parse: %s", err.msg);
	ents = json_loads(ENTITIES, 0, NULL);
	assert_non_null(ents);
	assert_int_equal(cedar_entities_add_json(&es, ents, &err), 0);
	json_decref(ents);
	cedar_entities_close(&es);
	memset(&req, 0, sizeof(req));
	assert_int_equal(cedar_uid_parse(&a, "Agent::\"ap-bot\"", &req.principal), 0);
	snprintf(rtext, sizeof(rtext), "Action::\"%s\"", action);
	assert_int_equal(cedar_uid_parse(&a, rtext, &req.action), 0);
	assert_int_equal(cedar_uid_parse(&a, "Invoice::\"inv-1\"", &req.resource), 0);
	ctx = json_loads(ctxjson ? ctxjson : "{}", 0, NULL);
	assert_non_null(ctx);
	if (cedar_value_from_json(&a, ctx, 1, "context", &req.context, &err))
		fail_msg("context: %s", err.msg);
	json_decref(ctx);
	cedar_authorize(&ps, &es, &req, &a, &res);
	memset(&r, 0, sizeof(r));
	r.decision = res.decision;
	r.npermits = res.npermits;
	r.nforbids = res.nforbids;
	r.nerrors = res.nerrors;
	if (res.nerrors)
		snprintf(r.first_error, sizeof(r.first_error), "%s", res.errors[0].msg);
	cedar_response_release(&res);
	cedar_arena_release(&a);
	cedar_entities_release(&es);
	cedar_policyset_release(&ps);
	return r;
}

/* The condition alone: permit when { COND }; 1 allow, 0 deny, -1 error. */
static int cond(const char *c, const char *ctxjson)
{
	char buf[2048];
	struct result r;

	snprintf(buf, sizeof(buf), "permit(principal, action, resource) when { %s };", c);
	r = run(buf, "approve_invoice", ctxjson);
	if (r.nerrors)
		return -1;
	return r.decision == CEDAR_ALLOW;
}

static void test_default_deny_and_forbid_wins(void **state)
{
	struct result r;

	(void)state;
	r = run("", "approve_invoice", NULL);
	assert_int_equal(r.decision, CEDAR_DENY);
	r = run("permit(principal, action, resource);", "approve_invoice", NULL);
	assert_int_equal(r.decision, CEDAR_ALLOW);
	r = run("permit(principal, action, resource);\n"
		"forbid(principal, action, resource) when { resource.amount > 100 };",
		"approve_invoice", NULL);
	assert_int_equal(r.decision, CEDAR_DENY);
	assert_int_equal(r.nforbids, 1);
	r = run("permit(principal, action, resource);\n"
		"forbid(principal, action, resource) unless { resource.amount > 100 };",
		"approve_invoice", NULL);
	assert_int_equal(r.decision, CEDAR_ALLOW);
}

static void test_scopes(void **state)
{
	(void)state;
	assert_int_equal(run("permit(principal == Agent::\"ap-bot\", action, resource);",
			     "x", NULL).decision, CEDAR_ALLOW);
	assert_int_equal(run("permit(principal == Agent::\"other\", action, resource);",
			     "x", NULL).decision, CEDAR_DENY);
	/* transitive in: agent -> step -> workflow */
	assert_int_equal(run("permit(principal in Workflow::\"p2p\", action, resource);",
			     "x", NULL).decision, CEDAR_ALLOW);
	assert_int_equal(run("permit(principal in Workflow::\"other\", action, resource);",
			     "x", NULL).decision, CEDAR_DENY);
	assert_int_equal(run("permit(principal is Agent, action, resource);",
			     "x", NULL).decision, CEDAR_ALLOW);
	assert_int_equal(run("permit(principal is Person, action, resource);",
			     "x", NULL).decision, CEDAR_DENY);
	assert_int_equal(run("permit(principal is Agent in Step::\"p2p/approve\", action, resource);",
			     "x", NULL).decision, CEDAR_ALLOW);
	assert_int_equal(run("permit(principal is Person in Step::\"p2p/approve\", action, resource);",
			     "x", NULL).decision, CEDAR_DENY);
	assert_int_equal(run("permit(principal, action in [Action::\"a\", Action::\"write\"], resource);",
			     "approve_invoice", NULL).decision, CEDAR_ALLOW);
	assert_int_equal(run("permit(principal, action in [Action::\"a\"], resource);",
			     "approve_invoice", NULL).decision, CEDAR_DENY);
	assert_int_equal(run("permit(principal, action == Action::\"approve_invoice\", resource);",
			     "approve_invoice", NULL).decision, CEDAR_ALLOW);
	/* namespaced parent of a resource */
	assert_int_equal(run("permit(principal, action, resource in Acme::Ledger::\"main\");",
			     "x", NULL).decision, CEDAR_ALLOW);
	assert_int_equal(run("permit(principal, action, resource is Invoice in Acme::Ledger::\"b\");",
			     "x", NULL).decision, CEDAR_DENY);
}

static void test_boolean_ops(void **state)
{
	(void)state;
	assert_int_equal(cond("true && !false", NULL), 1);
	assert_int_equal(cond("false || false", NULL), 0);
	/* short circuit: the erroring right side is not evaluated */
	assert_int_equal(cond("false && (1 + \"a\" == 2)", NULL), 0);
	assert_int_equal(cond("true || principal.nope", NULL), 1);
	assert_int_equal(cond("true && principal.nope", NULL), -1);
	assert_int_equal(cond("1 && true", NULL), -1);
	assert_int_equal(cond("!1", NULL), -1);
	assert_int_equal(cond("1", NULL), -1);
}

static void test_comparisons_and_arithmetic(void **state)
{
	(void)state;
	assert_int_equal(cond("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3", NULL), 1);
	assert_int_equal(cond("1 + 2 * 3 == 7", NULL), 1);
	assert_int_equal(cond("10 - 20 == -10", NULL), 1);
	assert_int_equal(cond("-(-5) == 5", NULL), 1);
	assert_int_equal(cond("9223372036854775807 + 1 > 0", NULL), -1);
	assert_int_equal(cond("-9223372036854775808 - 1 < 0", NULL), -1);
	assert_int_equal(cond("4611686018427387904 * 2 > 0", NULL), -1);
	assert_int_equal(cond("-(-9223372036854775808) > 0", NULL), -1);
	assert_int_equal(cond("-9223372036854775808 < 0", NULL), 1);
	assert_int_equal(cond("\"a\" < \"b\"", NULL), -1);
	assert_int_equal(cond("1 != 2 && \"a\" != 1", NULL), 1);
	assert_int_equal(cond("resource.amount > 100 && resource.amount <= 500", NULL), 1);
	assert_int_equal(cond("context.amount > 10000", "{\"amount\": 20000}"), 1);
}

static void test_equality(void **state)
{
	(void)state;
	assert_int_equal(cond("[1, 2, 2] == [2, 1]", NULL), 1);
	assert_int_equal(cond("[1, 2] == [1, 2, 3]", NULL), 0);
	assert_int_equal(cond("{a: 1, b: \"x\"} == {b: \"x\", a: 1}", NULL), 1);
	assert_int_equal(cond("{a: 1} == {a: 1, b: 2}", NULL), 0);
	assert_int_equal(cond("principal == Agent::\"ap-bot\"", NULL), 1);
	assert_int_equal(cond("principal.owner == Person::\"ana\"", NULL), 1);
	assert_int_equal(cond("1 == \"1\"", NULL), 0);
	assert_int_equal(cond("decimal(\"1.50\") == decimal(\"1.5\")", NULL), 1);
}

static void test_in_has_like_is(void **state)
{
	(void)state;
	assert_int_equal(cond("principal in Workflow::\"p2p\"", NULL), 1);
	assert_int_equal(cond("principal in [Person::\"x\", Workflow::\"p2p\"]", NULL), 1);
	assert_int_equal(cond("Agent::\"ghost\" in Agent::\"ghost\"", NULL), 1);
	assert_int_equal(cond("Agent::\"ghost\" in Workflow::\"p2p\"", NULL), 0);
	assert_int_equal(cond("1 in Workflow::\"p2p\"", NULL), -1);
	assert_int_equal(cond("principal in [1]", NULL), -1);
	assert_int_equal(cond("action in Action::\"write\"", NULL), 1);
	assert_int_equal(cond("principal has owner && !(principal has ownr)", NULL), 1);
	assert_int_equal(cond("principal has \"name\"", NULL), 1);
	assert_int_equal(cond("Agent::\"ghost\" has owner", NULL), 0);
	assert_int_equal(cond("context has confidence", "{\"confidence\": 0.5}"), 1);
	assert_int_equal(cond("1 has x", NULL), -1);
	assert_int_equal(cond("resource.vendor like \"ac*\"", NULL), 1);
	assert_int_equal(cond("resource.vendor like \"*m*\"", NULL), 1);
	assert_int_equal(cond("resource.vendor like \"ac\"", NULL), 0);
	assert_int_equal(cond("\"a*b\" like \"a\\*b\"", NULL), 1);
	assert_int_equal(cond("\"axb\" like \"a\\*b\"", NULL), 0);
	assert_int_equal(cond("\"\" like \"*\"", NULL), 1);
	assert_int_equal(cond("principal is Agent", NULL), 1);
	assert_int_equal(cond("principal is Agent in Workflow::\"p2p\"", NULL), 1);
	assert_int_equal(cond("resource is Acme::Ledger", NULL), 0);
	assert_int_equal(cond("\"x\" is Agent", NULL), -1);
}

static void test_sets_records_members(void **state)
{
	(void)state;
	assert_int_equal(cond("principal.tags.contains(\"ap\")", NULL), 1);
	assert_int_equal(cond("principal.tags.containsAll([\"ap\", \"fin\"])", NULL), 1);
	assert_int_equal(cond("principal.tags.containsAll([\"ap\", \"hr\"])", NULL), 0);
	assert_int_equal(cond("principal.tags.containsAny([\"hr\", \"fin\"])", NULL), 1);
	assert_int_equal(cond("[].isEmpty() && ![1].isEmpty()", NULL), 1);
	assert_int_equal(cond("principal.tags.containsAny(\"fin\")", NULL), -1);
	assert_int_equal(cond("\"abc\".contains(\"a\")", NULL), -1);
	assert_int_equal(cond("principal.limits.max == 1000", NULL), 1);
	assert_int_equal(cond("principal[\"limits\"][\"max\"] == 1000", NULL), 1);
	assert_int_equal(cond("{a: {b: [1, 2]}}.a.b.contains(2)", NULL), 1);
	assert_int_equal(cond("{\"quoted key\": 1}[\"quoted key\"] == 1", NULL), 1);
	assert_int_equal(cond("principal.limits.min == 1", NULL), -1);
	/* an entity that is not in the store: attribute access errors */
	assert_int_equal(cond("Agent::\"ghost\".owner == 1", NULL), -1);
	assert_int_equal(cond("context.nested.x == 1", "{\"nested\": {\"x\": 1}}"), 1);
}

static void test_if_then_else(void **state)
{
	(void)state;
	assert_int_equal(cond("if resource.amount > 100 then true else false", NULL), 1);
	assert_int_equal(cond("if 1 then true else false", NULL), -1);
	assert_int_equal(cond("(if false then 1 else 2) == 2", NULL), 1);
	/* the branch not taken is not evaluated */
	assert_int_equal(cond("if true then true else principal.nope", NULL), 1);
}

static void test_strings_and_escapes(void **state)
{
	(void)state;
	assert_int_equal(cond("\"a\\\"b\" == \"a\\u{22}b\"", NULL), 1);
	assert_int_equal(cond("\"tab\\there\" like \"tab*\"", NULL), 1);
	assert_int_equal(cond("\"\\u{e9}\" == \"\xc3\xa9\"", NULL), 1);
	assert_int_equal(cond("\"\\x41\" == \"A\"", NULL), 1);
	assert_int_equal(cond("Agent::\"a\\\"b\" == Agent::\"a\\\"b\"", NULL), 1);
}

static void test_decimal(void **state)
{
	(void)state;
	assert_int_equal(cond("decimal(\"0.72\").lessThan(decimal(\"0.85\"))", NULL), 1);
	assert_int_equal(cond("decimal(\"0.85\").lessThanOrEqual(decimal(\"0.85\"))", NULL), 1);
	assert_int_equal(cond("decimal(\"-1.5\").greaterThan(decimal(\"-2.0\"))", NULL), 1);
	assert_int_equal(cond("decimal(\"1.0\").greaterThanOrEqual(decimal(\"1.0001\"))", NULL), 0);
	assert_int_equal(cond("context.confidence.lessThan(decimal(\"0.85\"))",
			      "{\"confidence\": 0.72}"), 1);
	assert_int_equal(cond("context.confidence.lessThan(decimal(\"0.85\"))",
			      "{\"confidence\": 0.9}"), 0);
	/* runtime type errors */
	assert_int_equal(cond("context.confidence < 1", "{\"confidence\": 0.5}"), -1);
	assert_int_equal(cond("(1).lessThan(decimal(\"1.0\"))", NULL), -1);
	assert_int_equal(cond("decimal(context.s).lessThan(decimal(\"1.0\"))", "{\"s\": \"0.5\"}"), 1);
	assert_int_equal(cond("decimal(context.s) == decimal(\"1.0\")", "{\"s\": \"1.23456\"}"), -1);
}

static void test_error_skips_policy(void **state)
{
	struct result r;

	(void)state;
	/* an erroring permit is skipped: deny by default */
	r = run("permit(principal, action, resource) when { principal.missing == 1 };",
		"x", NULL);
	assert_int_equal(r.decision, CEDAR_DENY);
	assert_int_equal(r.nerrors, 1);
	assert_string_equal(r.first_error, "attribute does not exist");
	/* an erroring forbid is skipped too (Cedar; control.c adds fail-closed) */
	r = run("permit(principal, action, resource);\n"
		"forbid(principal, action, resource) when { context.amount > 10 };",
		"x", "{}");
	assert_int_equal(r.decision, CEDAR_ALLOW);
	assert_int_equal(r.nerrors, 1);
	assert_int_equal(r.npermits, 1);
	/* errors in a later condition only after earlier ones held */
	r = run("permit(principal, action, resource) when { false } when { 1 + \"x\" };",
		"x", NULL);
	assert_int_equal(r.nerrors, 0);
}

static void expect_parse_error(const char *text, const char *want)
{
	struct cedar_policyset ps;
	struct aiv_err err = AIV_ERR_INIT;

	cedar_policyset_init(&ps);
	assert_int_not_equal(cedar_parse(&ps, text, strlen(text), "policy", "t.cedar", 1, 1,
					 &err), 0);
	if (!strstr(err.msg, want))
		fail_msg("parse error '%s' does not contain '%s'", err.msg, want);
	assert_int_equal(ps.n, 0);
	cedar_policyset_release(&ps);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_parse_error("permit(principal, action, resource)", "t.cedar:1:36: unexpected end");
	expect_parse_error("permit(principal, action, resource)\nwhen { 1 + };",
			   "t.cedar:2:12: unexpected '}'");
	expect_parse_error("permit(principal, action);", "t.cedar:1:25:");
	expect_parse_error("allow(principal, action, resource);", "'permit' or 'forbid'");
	expect_parse_error("permit(principal, action, resource) when { \"abc };", "unterminated");
	expect_parse_error("permit(principal, action, resource) when { \"\\q\" == 1 };",
			   "invalid escape");
	expect_parse_error("permit(principal, action, resource) when { 1 < 2 < 3 };", "chained");
	expect_parse_error("permit(principal, action, resource) when { x };", "unknown variable 'x'");
	expect_parse_error("permit(principal, action, resource) when { ip(\"1.2.3.4\") };",
			   "unknown extension function 'ip'");
	expect_parse_error("permit(principal, action, resource) when { [1].foo(2) };",
			   "unknown method 'foo'");
	expect_parse_error("permit(principal, action, resource) when { {a: 1, a: 2} };",
			   "duplicate key");
	expect_parse_error("@id(\"a\") @id(\"b\") permit(principal, action, resource);",
			   "duplicate annotation");
	expect_parse_error("@id(\"a\") permit(principal, action, resource);\n"
			   "@id(\"a\") permit(principal, action, resource);", "duplicate policy id 'a'");
	expect_parse_error("permit(principal == ?principal, action, resource);", "templates");
	expect_parse_error("permit(principal, action, resource) when { 99999999999999999999 };",
			   "too large");
	expect_parse_error("permit(principal in [Agent::\"a\"], action, resource);", "only allowed");
	expect_parse_error("permit(principal, action, resource) when { 1 };\x01", "unexpected");
}

static void test_annotations_and_ids(void **state)
{
	struct cedar_policyset ps;
	struct aiv_err err = AIV_ERR_INIT;
	const char *t = "@id(\"big-invoice\") @escalate(\"ap-review\") @sla(\"PT4H\")\n"
			"forbid(principal, action, resource);\npermit(principal, action, resource);";

	(void)state;
	cedar_policyset_init(&ps);
	assert_int_equal(cedar_parse(&ps, t, strlen(t), "wf#", "t", 1, 1, &err), 0);
	assert_int_equal(ps.n, 2);
	assert_string_equal(ps.v[0].id, "big-invoice");
	assert_string_equal(ps.v[1].id, "wf#1");
	assert_int_equal(ps.v[0].effect, CEDAR_FORBID);
	assert_non_null(cedar_policy_annotation(&ps.v[0], "escalate"));
	assert_memory_equal(cedar_policy_annotation(&ps.v[0], "sla")->p, "PT4H", 4);
	assert_null(cedar_policy_annotation(&ps.v[1], "escalate"));
	cedar_policyset_release(&ps);
}

static const char *const agent_attrs[] = { "name", "owner", "workflow", NULL };
static const char *const agent_types[] = { "string", "entity:Person", "entity:Workflow", NULL };
static const struct cedar_schema_type schema_types[] = {
	{ "Agent", agent_attrs, agent_types },
	{ "Person", NULL, NULL },
	{ "Workflow", NULL, NULL },
};
static const char *const extra[] = { "Invoice" };
static const struct cedar_schema schema = { schema_types, 3, extra, 1, "Agent", "Action" };

static void expect_invalid(const char *text, const char *want)
{
	struct cedar_policyset ps;
	struct aiv_err err = AIV_ERR_INIT;

	cedar_policyset_init(&ps);
	if (cedar_parse(&ps, text, strlen(text), "p", "v.cedar", 1, 1, &err))
		fail_msg("parse: %s", err.msg);
	if (!want) {
		if (cedar_validate(&ps, &schema, "v.cedar", &err))
			fail_msg("unexpected validation error: %s", err.msg);
	} else {
		assert_int_not_equal(cedar_validate(&ps, &schema, "v.cedar", &err), 0);
		if (!strstr(err.msg, want))
			fail_msg("validation error '%s' does not contain '%s'", err.msg, want);
	}
	cedar_policyset_release(&ps);
}

static void test_validator(void **state)
{
	(void)state;
	expect_invalid("permit(principal, action == Action::\"approve\", resource is Invoice)\n"
		       "when { context.confidence.lessThan(decimal(\"0.85\")) && "
		       "principal.owner == Person::\"ana\" && context.amount < 10 };", NULL);
	expect_invalid("permit(principal == Agnet::\"a\", action, resource);",
		       "v.cedar:1:8: policy 'p0': unknown entity type 'Agnet'");
	expect_invalid("permit(principal, action, resource)\nwhen { resource in Foo::\"x\" };",
		       "v.cedar:2:20: policy 'p0': unknown entity type 'Foo'");
	expect_invalid("permit(principal, action, resource)\nwhen { principal.ownr == 1 };",
		       "v.cedar:2:18: policy 'p0': entity type 'Agent' has no attribute 'ownr'");
	expect_invalid("permit(principal, action, resource)\n"
		       "when { context.c < decimal(\"0.85\") };", "v.cedar:2:18:");
	expect_invalid("permit(principal, action, resource)\n"
		       "when { context.c < decimal(\"0.85\") };", "use .lessThan()");
	expect_invalid("permit(principal, action, resource) when { (1).lessThan(decimal(\"1.0\")) };",
		       "decimal method on a long");
	expect_invalid("permit(principal, action, resource) when { 1 + \"a\" == 2 };",
		       "arithmetic needs longs");
	expect_invalid("permit(principal, action, resource) when { 1 };",
		       "a condition must be a boolean");
	expect_invalid("permit(principal, action == Ops::Action::\"x\", resource);",
		       "unknown entity type 'Ops::Action'");
	/* Cedar accepts an invalid decimal literal and errors when it is
	 * evaluated; the validator reports it before a policy is applied */
	expect_invalid("permit(principal, action, resource) when "
		       "{ decimal(\"1.23456\").lessThan(decimal(\"2.0\")) };",
		       "invalid decimal literal \"1.23456\"");
	expect_invalid("permit(principal, action, resource) when { principal.owner.anything };", NULL);
	expect_invalid("permit(principal, action, resource) when "
		       "{ decimal(\"1.0\").lessThan() };", "takes exactly one argument");
	expect_invalid("permit(principal, action, resource) when { resource is Invocie };",
		       "unknown entity type 'Invocie'");
}


/*
 * Regression cases from the differential campaign against Cedar 4.13
 * (cedar-wasm); each asserts what Cedar itself answers.
 */
static void test_cedar413_like_escapes(void **state)
{
	struct result r;

	(void)state;
	/* \x2a and \u{2a} unescape to '*', which is a wildcard; only \* is literal */
	assert_int_equal(cond("\"/admin/users\" like \"/admin/\\x2a\"", NULL), 1);
	assert_int_equal(cond("\"/admin/users\" like \"/admin/\\u{2a}\"", NULL), 1);
	assert_int_equal(cond("\"/admin/users\" like \"/admin/\\*\"", NULL), 0);
	assert_int_equal(cond("\"/admin/*\" like \"/admin/\\*\"", NULL), 1);
	assert_int_equal(cond("\"x*\" like \"\\u{2a}\\*\"", NULL), 1);
	assert_int_equal(cond("\"x\" like \"\\u{2a}\\*\"", NULL), 0);
	/* the fail-open it caused: the forbid must fire */
	r = run("permit(principal, action, resource);\n"
		"forbid(principal, action, resource) when { context.path like \"/admin/\\x2a\" };",
		"x", "{\"path\": \"/admin/users\"}");
	assert_int_equal(r.decision, CEDAR_DENY);
	assert_int_equal(r.nforbids, 1);
}

static void test_cedar413_comments_and_whitespace(void **state)
{
	struct result r;

	(void)state;
	/* a // comment ends at a bare CR: the forbid after it is a policy */
	r = run("permit(principal, action, resource);\n// note\rforbid(principal, action, resource);",
		"x", NULL);
	assert_int_equal(r.decision, CEDAR_DENY);
	assert_int_equal(r.nforbids, 1);
	r = run("permit(principal, action, resource);// a\r\nforbid(principal, action, resource);",
		"x", NULL);
	assert_int_equal(r.nforbids, 1);
	/* FF, VT, NBSP, U+2028 and U+3000 are whitespace (Unicode White_Space) */
	r = run("permit(principal,\faction,\vresource)\xc2\xa0when\xe2\x80\xa8{ true\xe3\x80\x80};",
		"x", NULL);
	assert_int_equal(r.decision, CEDAR_ALLOW);
}

static void test_cedar413_is_in_short_circuit(void **state)
{
	(void)state;
	/* principal is an Agent: `is Person` is false, `in` is never evaluated */
	assert_int_equal(cond("principal is Person in context.nope", NULL), 0);
	assert_int_equal(cond("principal is Agent in context.nope", NULL), -1);
	assert_int_equal(cond("principal is Person in [1]", NULL), 0);
	assert_int_equal(cond("principal is Agent in [1]", NULL), -1);
}

static void test_cedar413_decimal_extremes(void **state)
{
	(void)state;
	assert_int_equal(cond("decimal(\"-922337203685477.5808\").lessThan("
			      "decimal(\"-922337203685477.5807\"))", NULL), 1);
	assert_int_equal(cond("decimal(\"922337203685477.5807\").greaterThan(decimal(\"0.0\"))",
			      NULL), 1);
	assert_int_equal(cond("decimal(\"922337203685477.5808\") == decimal(\"0.0\")", NULL), -1);
	assert_int_equal(cond("decimal(\"-922337203685477.5809\") == decimal(\"0.0\")", NULL), -1);
	/* an invalid literal or argument count parses and errors when evaluated */
	assert_int_equal(cond("decimal(\"1.23456\") == decimal(\"1.0\")", NULL), -1);
	assert_int_equal(cond("false && decimal(\"1.23456\") == decimal(\"1.0\")", NULL), 0);
	assert_int_equal(cond("false && decimal() == decimal(\"1.0\", \"2.0\")", NULL), 0);
	assert_int_equal(cond("decimal(\"1.0\", \"2.0\") == decimal(\"1.0\")", NULL), -1);
	assert_int_equal(cond("decimal(\"-0.0\") == decimal(\"0.0\")", NULL), 1);
	/* so does a decimal method (an extension function) with a wrong count */
	assert_int_equal(cond("decimal(\"1.0\").lessThan()", NULL), -1);
	assert_int_equal(cond("false && decimal(\"1.0\").lessThan(decimal(\"2.0\"), 1)", NULL), 0);
}

static void test_cedar413_parser_accepts(void **state)
{
	(void)state;
	/* extended has: e has a.b is e has a && e.a has b */
	assert_int_equal(cond("principal has limits.max", NULL), 1);
	assert_int_equal(cond("principal has limits.min", NULL), 0);
	assert_int_equal(cond("principal has nope.max", NULL), 0);
	assert_int_equal(cond("principal has level.max", NULL), -1);
	assert_int_equal(cond("{a: {b: 2}} has a.b && !({c: 1} has principal)", NULL), 1);
	/* a trailing comma in the scope and in the action list */
	assert_int_equal(run("permit(principal, action in [Action::\"write\",], resource,);",
			     "approve_invoice", NULL).decision, CEDAR_ALLOW);
	/* \u{...} with underscores after the first digit */
	assert_int_equal(cond("\"\\u{4_1}\" == \"A\" && \"\\u{00_0041}\" == \"A\"", NULL), 1);
	/* -1.foo is -(1.foo): parses, errors when evaluated */
	assert_int_equal(cond("-1.foo == 1", NULL), -1);
	assert_int_equal(cond("----1 == 1 && !!!!true", NULL), 1);
	assert_int_equal(cond("--9223372036854775808 == 1", NULL), -1);
	/* names that are not reserved: principal as a type, permit as an attribute */
	assert_int_equal(run("permit(principal is principal, action, resource);",
			     "x", NULL).decision, CEDAR_DENY);
	assert_int_equal(cond("!(principal has permit) && !(principal is A::__cedarx)",
			      NULL), 1);
	/* actions of any namespace named Action */
	assert_int_equal(run("permit(principal, action in [Ops::Action::\"a\"], resource);",
			     "x", NULL).decision, CEDAR_DENY);
}

static void test_cedar413_parser_rejects(void **state)
{
	(void)state;
	expect_parse_error("permit(principal, action, resource) when { context.if == 1 };",
			   "'if' is a reserved identifier");
	expect_parse_error("permit(principal, action, resource) when { {if: 1} == {} };",
			   "'if' is a reserved identifier");
	expect_parse_error("permit(principal is if, action, resource);", "reserved");
	expect_parse_error("permit(principal, action, resource) when { principal has then };",
			   "reserved");
	expect_parse_error("permit(principal is A::__cedar::B, action, resource);",
			   "'__cedar' is a reserved identifier");
	expect_parse_error("permit(principal, action, resource) when { context.__cedar == 1 };",
			   "'__cedar' is a reserved identifier");
	expect_parse_error("permit(principal, action, resource) when { {__cedar: 1} == {} };",
			   "reserved");
	expect_parse_error("permit(principal, action, resource) when { in::\"a\" == 1 };",
			   "t.cedar:1:");
	expect_parse_error("permit(principal, action == User::\"a\", resource);",
			   "not an Action entity");
	expect_parse_error("permit(principal, action in [Action::\"a\", ActionX::\"b\"], resource);",
			   "'ActionX', which is not an Action entity");
	expect_parse_error("permit(principal, action, resource) when { !!!!!true };",
			   "too many occurrences of '!'");
	expect_parse_error("permit(principal, action, resource) when { -----1 == -1 };",
			   "too many occurrences of '-'");
	expect_parse_error("permit(principal, action, resource) when { !-1 == 1 };",
			   "unexpected '-'");
	expect_parse_error("permit(principal, action, resource) when { -!true };", "unexpected '!'");
	expect_parse_error("permit(principal, action, resource) when { \"a\rb\" == \"\" };",
			   "carriage return");
	expect_parse_error("permit(principal, action, resource) when { \"a\\\nb\" == \"ab\" };",
			   "backslash");
	expect_parse_error("permit(principal, action, resource) when { \"\\u{_41}\" == \"A\" };",
			   "unicode escape");
	expect_parse_error("permit(principal, action, resource) when { \"\\u{0000041}\" == \"A\" };",
			   "unicode escape");
	expect_parse_error("permit(principal, action, resource) when { \"\\x80\" == \"A\" };",
			   "invalid escape");
	expect_parse_error("permit(principal, action, resource) when { {a: 1} has \"a\".b };",
			   "unexpected '.'");
	expect_parse_error("permit(principal, action, resource) when { -9223372036854775809 == 1 };",
			   "too large");
}

static int load_entities(const char *json, char *msg, size_t msgsz)
{
	struct cedar_entities es;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *j = json_loads(json, 0, NULL);
	int ret;

	assert_non_null(j);
	cedar_entities_init(&es);
	ret = cedar_entities_add_json(&es, j, &err);
	snprintf(msg, msgsz, "%s", ret ? err.msg : "");
	json_decref(j);
	cedar_entities_release(&es);
	return ret;
}

static void test_cedar413_entities(void **state)
{
	char msg[1100];

	(void)state;
	/* Cedar refuses cyclic hierarchies, including an entity its own parent */
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"A\",\"id\":\"a\"},\"attrs\":{},\"parents\":[{\"type\":\"A\",\"id\":\"a\"}]}]",
		msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "cycle through A::\"a\""));
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"A\",\"id\":\"a\"},\"attrs\":{},\"parents\":[{\"type\":\"B\",\"id\":\"b\"}]},"
		" {\"uid\":{\"type\":\"B\",\"id\":\"b\"},\"attrs\":{},\"parents\":[{\"type\":\"A\",\"id\":\"a\"}]}]",
		msg, sizeof(msg)), 0);
	assert_int_equal(load_entities(
		"[{\"uid\":{\"type\":\"A\",\"id\":\"a\"},\"attrs\":{},\"parents\":[{\"type\":\"B\",\"id\":\"b\"}]},"
		" {\"uid\":{\"type\":\"B\",\"id\":\"b\"},\"attrs\":{},\"parents\":[{\"type\":\"C\",\"id\":\"c\"}]}]",
		msg, sizeof(msg)), 0);
	/* invalid type names: reserved words, __cedar, spaces, digits first */
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"if\",\"id\":\"a\"},\"attrs\":{},\"parents\":[]}]", msg, sizeof(msg)), 0);
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"A::__cedar\",\"id\":\"a\"},\"attrs\":{},\"parents\":[]}]", msg, sizeof(msg)), 0);
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"A:: B\",\"id\":\"a\"},\"attrs\":{},\"parents\":[]}]", msg, sizeof(msg)), 0);
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"1A\",\"id\":\"a\"},\"attrs\":{},\"parents\":[]}]", msg, sizeof(msg)), 0);
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"A\",\"id\":\"a\"},\"attrs\":{},\"parents\":[{\"type\":\"in\",\"id\":\"x\"}]}]",
		msg, sizeof(msg)), 0);
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"A\",\"id\":\"a\"},\"attrs\":{\"r\":{\"__entity\":{\"type\":\"then\",\"id\":\"x\"}}},\"parents\":[]}]",
		msg, sizeof(msg)), 0);
	assert_int_equal(load_entities(
		"[{\"uid\":{\"type\":\"principal\",\"id\":\"a\"},\"attrs\":{},\"parents\":[]},"
		" {\"uid\":{\"type\":\"Ns::A_1\",\"id\":\"a\"},\"attrs\":{},\"parents\":[]}]", msg, sizeof(msg)), 0);
	/* an action's parents must be actions (of any namespace) */
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"Action\",\"id\":\"w\"},\"attrs\":{},\"parents\":[{\"type\":\"Org::Group\",\"id\":\"g\"}]}]",
		msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "not an action"));
	assert_int_equal(load_entities(
		"[{\"uid\":{\"type\":\"Action\",\"id\":\"w\"},\"attrs\":{},\"parents\":[{\"type\":\"Ns::Action\",\"id\":\"g\"}]},"
		" {\"uid\":{\"type\":\"User\",\"id\":\"u\"},\"attrs\":{},\"parents\":[{\"type\":\"Action\",\"id\":\"w\"}]}]",
		msg, sizeof(msg)), 0);
	/* only a well-formed single-key escape is an entity or a decimal;
	 * other objects with those keys are records */
	assert_int_equal(cond("context.a[\"__entity\"].type == \"User\" && context.b.k == 1 && "
			      "context.c is User && context.d has __extn && context.e == decimal(\"1.5\")",
			      "{\"a\": {\"__entity\": {\"type\": \"User\"}},"
			      " \"b\": {\"__entity\": {\"type\": \"User\", \"id\": \"x\"}, \"k\": 1},"
			      " \"c\": {\"__entity\": {\"type\": \"User\", \"id\": \"x\", \"z\": 1}},"
			      " \"d\": {\"__extn\": {\"fn\": \"decimal\"}},"
			      " \"e\": {\"__extn\": {\"fn\": \"decimal\", \"arg\": \"1.5\"}}}"), 1);
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"A\",\"id\":\"a\"},\"attrs\":{\"x\":{\"__extn\":{\"fn\":\"decimal\",\"arg\":5}}},\"parents\":[]}]",
		msg, sizeof(msg)), 0);
	assert_int_not_equal(load_entities(
		"[{\"uid\":{\"type\":\"A\",\"id\":\"a\"},\"attrs\":{\"x\":{\"__expr\":\"1\"}},\"parents\":[]}]",
		msg, sizeof(msg)), 0);
	/* Cedar's format requires attrs and parents */
	assert_int_not_equal(load_entities("[{\"uid\":{\"type\":\"A\",\"id\":\"a\"},\"parents\":[]}]",
					   msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "missing 'attrs'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_deny_and_forbid_wins),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_boolean_ops),
		cmocka_unit_test(test_comparisons_and_arithmetic),
		cmocka_unit_test(test_equality),
		cmocka_unit_test(test_in_has_like_is),
		cmocka_unit_test(test_sets_records_members),
		cmocka_unit_test(test_if_then_else),
		cmocka_unit_test(test_strings_and_escapes),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_error_skips_policy),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_annotations_and_ids),
		cmocka_unit_test(test_validator),
		cmocka_unit_test(test_cedar413_like_escapes),
		cmocka_unit_test(test_cedar413_comments_and_whitespace),
		cmocka_unit_test(test_cedar413_is_in_short_circuit),
		cmocka_unit_test(test_cedar413_decimal_extremes),
		cmocka_unit_test(test_cedar413_parser_accepts),
		cmocka_unit_test(test_cedar413_parser_rejects),
		cmocka_unit_test(test_cedar413_entities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
