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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_paths),
		cmocka_unit_test(test_long_path_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
