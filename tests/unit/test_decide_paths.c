/*
 * test_decide_paths.c - the per-decision shortcuts of the evaluation
 * (issue 20) give what the general code gave: the messages naming where
 * in a context a value is wrong (written only on error now), and the
 * record helper the context's added keys go through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "control/cedar.h"
#include "control/control_int.h"
#include "core/timeutil.h"

/* The message cedar_value_from_json gives for text (root name "context"). */
static void from_json_msg(const char *text, int real_as_decimal, char *msg, size_t n)
{
	struct cedar_arena a = { 0 };
	struct aiv_err err = AIV_ERR_INIT;
	struct cedar_value v;
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);

	assert_non_null(j);
	msg[0] = '\0';
	if (cedar_value_from_json(&a, j, real_as_decimal, "context", &v, &err))
		snprintf(msg, n, "%s", err.msg);
	json_decref(j);
	cedar_arena_release(&a);
}

static void test_error_paths(void **state)
{
	char msg[512];

	(void)state;
	from_json_msg("{\"a\": {\"b\": [1, null]}}", 1, msg, sizeof(msg));
	assert_string_equal(msg, "context.a.b[1]: null is not a Cedar value");
	from_json_msg("null", 1, msg, sizeof(msg));
	assert_string_equal(msg, "context: null is not a Cedar value");
	from_json_msg("{\"x\": [[0.5]]}", 0, msg, sizeof(msg));
	assert_string_equal(msg, "context.x[0][0]: a number with a fraction is not a Cedar "
			    "value (use a decimal)");
	from_json_msg("{\"r\": 0.123456}", 1, msg, sizeof(msg));
	assert_string_equal(msg, "context.r: number 0.123456 has more than four fractional "
			    "digits (Cedar decimals have at most four)");
	from_json_msg("{\"e\": {\"__expr\": 1}}", 1, msg, sizeof(msg));
	assert_string_equal(msg, "context.e: the \"__expr\" escape is not supported");
	from_json_msg("{\"d\": {\"__extn\": {\"fn\": \"decimal\", \"arg\": \"x\"}}}", 1, msg,
		      sizeof(msg));
	assert_string_equal(msg, "context.d: invalid decimal value");
	from_json_msg("{\"a\": 1, \"b\": true, \"c\": \"s\"}", 1, msg, sizeof(msg));
	assert_string_equal(msg, "");
}

/* A path over 255 bytes is cut there, as the per-level buffers cut it. */
static void test_long_path_cut(void **state)
{
	char text[1024], want[512], msg[1024];
	char key[201];

	(void)state;
	memset(key, 'k', 200);
	key[200] = '\0';
	snprintf(text, sizeof(text), "{\"%s\": {\"%s\": null}}", key, key);
	from_json_msg(text, 1, msg, sizeof(msg));
	/* "context." + 200 k's + "." + k's up to 255 bytes in all */
	snprintf(want, sizeof(want), "context.%s.%s", key, key);
	memcpy(want + 255, ": null is not a Cedar value", sizeof(": null is not a Cedar value"));
	assert_string_equal(msg, want);
}

/*
 * cedar_record_put against the JSON route evaluate.c took before: the
 * context with the key added to a copy, then converted.  Keys before,
 * between, after and equal to the existing ones, prefixes of them.
 */
static void test_record_put(void **state)
{
	static const char *ctxs[] = {
		"{}", "{\"amount\": 120, \"confidence\": 0.97}",
		"{\"workflow\": 1, \"z\": [1, {\"a\": true}]}", "{\"work\": \"x\", \"workflowX\": 2}",
		"{\"on_behalf_of\": \"no\", \"a\": 1}", "{\"\": 0, \"~\": 1, \"on\": 2}",
		"{\"__entity\": {\"type\": \"T\", \"id\": \"i\"}, \"b\": 1}",
	};
	static const char *keys[] = { "workflow", "on_behalf_of", "a", "", "zz", "work" };
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(ctxs) / sizeof(ctxs[0]); i++)
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			struct cedar_arena a = { 0 };
			struct aiv_err err = AIV_ERR_INIT;
			struct cedar_value base, want, put, v;
			json_t *c = json_loads(ctxs[i], 0, NULL), *copy;

			assert_non_null(c);
			assert_int_equal(cedar_value_from_json(&a, c, 1, "context", &base, &err), 0);
			assert_int_equal(base.type, CV_RECORD);
			copy = json_copy(c);
			json_object_set_new(copy, keys[k], json_pack("{s:{s:s, s:s}}", "__entity",
								     "type", "Workflow", "id", "p2p"));
			assert_int_equal(cedar_value_from_json(&a, copy, 1, "context", &want, &err), 0);
			assert_int_equal(cedar_uid_parse(&a, "Workflow::\"p2p\"",
					 (struct cedar_uid *)(v.u.uid = cedar_arena_alloc(&a,
						sizeof(struct cedar_uid)))), 0);
			v.type = CV_ENTITY;
			put.type = CV_RECORD;
			put.u.rec = cedar_record_put(&a, base.u.rec, keys[k], &v);
			assert_true(cedar_value_eq(&put, &want));
			assert_int_equal(put.u.rec->n, want.u.rec->n);
			json_decref(copy);
			json_decref(c);
			cedar_arena_release(&a);
		}
}

/* control_new_id writes what snprintf("%s-%012llx%s") wrote, cut alike */
static void test_new_id(void **state)
{
	char id[40], cut[10], want[40];
	size_t i;

	(void)state;
	setenv("AIVALUE_FAKE_TIME", "2030-01-01T00:00:00Z", 1);
	control_new_id(id, sizeof(id), "dec");
	snprintf(want, sizeof(want), "dec-%012llx",
		 (unsigned long long)((uint64_t)time_now_us() & 0xFFFFFFFFFFFFULL));
	assert_int_equal(strlen(id), 4 + 12 + 16);
	assert_memory_equal(id, want, 16);
	for (i = 16; i < 32; i++)
		assert_non_null(strchr("0123456789abcdef", id[i]));
	control_new_id(cut, sizeof(cut), "exc");
	memcpy(want, "exc", 3);
	want[9] = '\0';
	assert_string_equal(cut, want);
	control_new_id(id, 1, "tr");
	assert_string_equal(id, "");
	unsetenv("AIVALUE_FAKE_TIME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_paths),
		cmocka_unit_test(test_long_path_cut),
		cmocka_unit_test(test_record_put),
		cmocka_unit_test(test_new_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
