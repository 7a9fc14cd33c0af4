/*
 * test_core.c - unit tests for core/: strbuf, JSON string escaping,
 * canonical JSON (cjson), time parsing and formatting, SHA-256 and hex.
 *
 * The canonical JSON expectations are what Python prints with
 * json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
 * (checked by hand with python3 when the cases were written), because
 * tools/verify-ledger.py re-derives ledger hashes that way.
 */
#include "unit.h"

#include <math.h>

#include "core/cjson.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/strbuf.h"
#include "core/termsafe.h"
#include "core/timeutil.h"
#include "core/yaml.h"

/* ---- strbuf ---------------------------------------------------------- */

static void strbuf_init_is_empty_and_terminated(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_non_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.buf[0], '\0');
	strbuf_reset(&sb); /* must not write to the shared empty string */
	strbuf_setlen(&sb, 0);
	assert_int_equal(sb.buf[0], '\0');
	assert_int_equal(strbuf_slopbuf[0], '\0');
	strbuf_release(&sb);
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
}

static void strbuf_grows_and_keeps_nul(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		strbuf_addch(&sb, 'a' + (int)(i % 26));
		assert_true(sb.len < sb.alloc);
		assert_int_equal(sb.buf[sb.len], '\0');
	}
	assert_int_equal(sb.len, 10000);
	assert_int_equal(strlen(sb.buf), 10000);
	strbuf_addf(&sb, "%s=%d", "x", 42);
	assert_string_equal(sb.buf + 10000, "x=42");
	strbuf_setlen(&sb, 3);
	assert_string_equal(sb.buf, "abc");
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.buf[0], '\0');
	assert_true(sb.alloc > 0); /* reset keeps the memory */
	strbuf_release(&sb);
}

static void strbuf_add_binary_and_long_format(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[5000];

	(void)state;
	strbuf_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4);
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_reset(&sb);
	strbuf_addf(&sb, "<%s>", big); /* longer than any first-try buffer */
	assert_int_equal(sb.len, sizeof(big) + 1);
	assert_int_equal(sb.buf[0], '<');
	assert_int_equal(sb.buf[sb.len - 1], '>');
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_release(&sb);
}

static void strbuf_detach_hands_out_and_empties(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *s;

	(void)state;
	s = strbuf_detach(&sb, &len); /* even an empty one gives a real string */
	assert_non_null(s);
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	assert_ptr_not_equal(s, strbuf_slopbuf);
	free(s);
	strbuf_addstr(&sb, "hello");
	s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_int_equal(sb.len, 0);
	assert_ptr_equal(sb.buf, strbuf_slopbuf);
	strbuf_addstr(&sb, "again"); /* reusable after detach */
	assert_string_equal(sb.buf, "again");
	free(s);
	strbuf_release(&sb);
}

static void strbuf_html_escapes(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_add_html(&sb, "<a href=\"x\">'&'</a>");
	assert_null(strpbrk(sb.buf, "<>\"'"));
	assert_contains(sb.buf, "&lt;a href=");
	assert_contains(sb.buf, "&amp;");
	strbuf_release(&sb);
}

/* ---- JSON string escaping (strbuf_add_json_str) ----------------------- */

static void json_str_escapes_like_python(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	/* every control character, quote, backslash, DEL, raw UTF-8 */
	const char in[] = "a\"b\\c\b\f\n\r\t\x01\x1f\x7f/\xc3\xa9\xf0\x9f\x98\x80";

	(void)state;
	strbuf_add_json_str(&sb, in, sizeof(in) - 1);
	assert_string_equal(sb.buf,
		"\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/\xc3\xa9\xf0\x9f\x98\x80\"");
	strbuf_reset(&sb);
	strbuf_add_json_str(&sb, "x\0y", 3); /* embedded NUL */
	assert_string_equal(sb.buf, "\"x\\u0000y\"");
	strbuf_reset(&sb);
	strbuf_add_json_str(&sb, "", 0);
	assert_string_equal(sb.buf, "\"\"");
	strbuf_release(&sb);
}

/* ---- canonical JSON ----------------------------------------------------- */

static void check_real(double d, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	cjson_add_real(&sb, d);
	if (strcmp(sb.buf, want))
		fail_msg("real %.17g: got \"%s\", want \"%s\"", d, sb.buf, want);
	strbuf_release(&sb);
}

static void cjson_reals_match_python_repr(void **state)
{
	(void)state;
	check_real(0.1, "0.1");
	check_real(1e-05, "1e-05");
	check_real(1e16, "1e+16");
	check_real(100.0, "100.0");
	check_real(-0.0, "-0.0");
	check_real(0.0, "0.0");
	check_real(123456789.123, "123456789.123");
	check_real(0.0001, "0.0001");
	check_real(1e15, "1000000000000000.0");
	check_real(123456789012345680.0, "1.2345678901234568e+17");
	check_real(-1.25e-7, "-1.25e-07");
	check_real(1.5e300, "1.5e+300");
	check_real(5e-324, "5e-324");
	check_real(1.7976931348623157e308, "1.7976931348623157e+308");
	check_real(1.0 / 3.0, "0.3333333333333333");
	check_real(2.5, "2.5");
	check_real(-7.0, "-7.0");
	/* JSON has no NaN or infinity; canonical form says null */
	check_real(NAN, "null");
	check_real(INFINITY, "null");
}

static void check_canon(const char *json_text, const char *want)
{
	json_error_t jerr;
	json_t *v = json_loads(json_text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	char *got;

	if (!v)
		fail_msg("test input does not parse: %s: %s", json_text, jerr.text);
	got = cjson_dumps(v);
	if (strcmp(got, want))
		fail_msg("canonical form of %s: got %s, want %s", json_text, got, want);
	free(got);
	json_decref(v);
}

static void cjson_canonical_output(void **state)
{
	(void)state;
	check_canon("{\"b\":1, \"a\":[1, 2.0, {\"z\":null, \"\\u00e9\":\"x\\u0001\\\"\\\\\\n\"}],"
		    " \"A\":true, \"\\u00e9\":1, \"\\ud83d\\ude00\":2}",
		    "{\"A\":true,\"a\":[1,2.0,{\"z\":null,\"\xc3\xa9\":\"x\\u0001\\\"\\\\\\n\"}],"
		    "\"b\":1,\"\xc3\xa9\":1,\"\xf0\x9f\x98\x80\":2}");
	check_canon("[]", "[]");
	check_canon("{}", "{}");
	check_canon("[1e2, -0.0, 1E-5, 9007199254740993]", "[100.0,-0.0,1e-05,9007199254740993]");
	check_canon("\"\\u0000\"", "\"\\u0000\"");
	check_canon("[true,false,null]", "[true,false,null]");
	/* keys compare by UTF-8 bytes (= code points), not by locale */
	check_canon("{\"\\u00e9\":1,\"z\":2,\"Z\":3,\"\\u0101\":4}",
		    "{\"Z\":3,\"z\":2,\"\xc3\xa9\":1,\"\xc4\x81\":4}");
	check_canon("{\"a\":{\"c\":{\"e\":[{\"g\":1,\"f\":2}]},\"b\":0}}",
		    "{\"a\":{\"b\":0,\"c\":{\"e\":[{\"f\":2,\"g\":1}]}}}");
}

static void cjson_is_a_fixed_point(void **state)
{
	const char *in = "{\"r\":[0.1,1e-05,1e16,100.0,123456789.123],\"s\":\"tab\\there\"}";
	json_t *v = json_loads(in, 0, NULL), *v2;
	char *c1, *c2;

	(void)state;
	assert_non_null(v);
	c1 = cjson_dumps(v);
	v2 = json_loads(c1, 0, NULL);
	assert_non_null(v2);
	assert_true(json_equal(v, v2));
	c2 = cjson_dumps(v2);
	assert_string_equal(c1, c2);
	free(c1);
	free(c2);
	json_decref(v);
	json_decref(v2);
}

static void json_str_helper(void **state)
{
	json_t *o = json_pack("{s:s, s:i}", "a", "x", "n", 1);

	(void)state;
	assert_string_equal(json_str(o, "a"), "x");
	assert_null(json_str(o, "n"));
	assert_null(json_str(o, "missing"));
	json_decref(o);
}

/* ---- time --------------------------------------------------------------- */

static int64_t parse_ok(const char *s)
{
	int64_t us = -1;

	if (time_parse_iso(s, &us) != 0)
		fail_msg("time_parse_iso refused '%s'", s);
	return us;
}

static void time_parse_forms(void **state)
{
	/* 2026-11-25T23:26:20Z = 1795649180 s since the epoch (date -d) */
	const int64_t base = INT64_C(1795649180) * 1000000;

	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("1970-01-01"), 0);
	assert_int_equal(parse_ok("2026-11-25T23:26:20Z"), base);
	assert_int_equal(parse_ok("2026-11-25T23:26:20"), base); /* no zone: UTC */
	assert_int_equal(parse_ok("2026-11-25 23:26:20z"), base);
	assert_int_equal(parse_ok("2026-11-25T23:26:20.123456Z"), base + 123456);
	assert_int_equal(parse_ok("2026-11-25T23:26:20.5Z"), base + 500000);
	assert_int_equal(parse_ok("2026-11-25T23:26:20,25Z"), base + 250000);
	/* nanoseconds are cut to microseconds */
	assert_int_equal(parse_ok("2026-11-25T23:26:20.123456789Z"), base + 123456);
	/* offsets: local time minus the offset is UTC */
	assert_int_equal(parse_ok("2026-11-26T01:26:20+02:00"), base);
	assert_int_equal(parse_ok("2026-11-25T18:56:20-0430"), base);
	assert_int_equal(parse_ok("2026-11-26T00:26:20+01"), base);
	assert_int_equal(parse_ok("2026-11-25T23:26Z"), base - 20 * 1000000);
	/* before the epoch and leap day */
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1000000);
	assert_int_equal(parse_ok("2024-02-29T00:00:00Z"),
			 time_days_from_civil(2024, 2, 29) * 86400 * 1000000);
}

static void time_parse_failures(void **state)
{
	static const char *bad[] = {
		"", "2026", "2026-11", "2026-13-01", "2026-00-10", "2026-11-32",
		"2026-11-25T24:00:00Z", "2026-11-25T23:60:00Z", "2026-11-25T23",
		"2026-11-25T23:26:20.Z", "2026-11-25T23:26:20+25:00",
		"2026-11-25T23:26:20+02:61", "2026-11-25T23:26:20Zjunk",
		"26-11-25", "2026/11/25", "yesterday", "2026-11-25T23:26:20 +02:00",
		NULL };
	int64_t us = 12345;
	size_t i;

	(void)state;
	for (i = 0; bad[i]; i++)
		if (time_parse_iso(bad[i], &us) == 0)
			fail_msg("time_parse_iso accepted '%s'", bad[i]);
}

/*
 * time_parse reads YYYY-MM-DDTHH:MM:SS[.f][Z|+HH:MM|+HHMM|+HH] at fixed
 * places (parse_iso_fast) and everything else with the general parser.
 * A blank in front sends the same text down the general path (the fast
 * one wants a digit first; TIME_TRIM drops the blank), so each case is
 * checked against both the value worked out by hand and the general path.
 */
/* the options the XES and CSV readers use (ingest_time_format) */
static const struct time_format xes_format = {
	TIME_ORDER_DMY, TIME_EPOCH_AUTO, TIME_TRIM | TIME_DATE_SEPS | TIME_UTC_WORD | TIME_END_OF_DAY
};

static int64_t at(int y, unsigned mo, unsigned d, int h, int mi, int se)
{
	return (time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) * 1000000;
}

static int parse_both(const char *s, const struct time_format *f, int64_t *us)
{
	char padded[128];
	int64_t fast = 777, general = 777;
	int rf, rg;

	snprintf(padded, sizeof(padded), " %s", s);
	rf = time_parse(s, strlen(s), f, &fast);
	rg = time_parse(padded, strlen(padded), f, &general);
	if (rf != rg || fast != general)
		fail_msg("'%s' (flags %u epoch %d): %d %lld, general path %d %lld", s, f->flags,
			 (int)f->epoch, rf, (long long)fast, rg, (long long)general);
	if (rf && fast != 777)
		fail_msg("'%s': refused but wrote %lld", s, (long long)fast);
	*us = fast;
	return rf;
}

static void time_parse_fast_values(void **state)
{
	static const struct {
		const char *s;
		int64_t us;
	} ok[] = {
		{ "2011-10-01T00:38:44.546Z", 0 }, /* filled in below */
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-01T00:00:00", 0 },
		{ "1970-01-01t00:00:00z", 0 },
		{ "1970-01-01 00:00:00.0", 0 },
		{ "1969-12-31T23:59:59.999999Z", -1 },
		{ "1969-12-31T23:59:59.9999999Z", -1 }, /* seventh digit dropped */
		{ "0000-01-01T00:00:00Z", -INT64_C(62167219200) * 1000000 },
		{ "9999-12-31T23:59:59.999999Z", INT64_C(253402300799999999) },
	};
	static const char *fractions[] = { ".1", ".12", ".123", ".1234", ".12345", ".123456",
					   ".1234567", ".12345678", ".123456789", ",5" };
	static const int64_t fraction_us[] = { 100000, 120000, 123000, 123400, 123450, 123456,
					       123456, 123456, 123456, 500000 };
	/* offsets: local time minus the offset is UTC */
	static const struct {
		const char *z;
		int64_t off_s;
	} zones[] = {
		{ "Z", 0 }, { "z", 0 }, { "", 0 }, { "+00:00", 0 }, { "-00:00", 0 },
		{ "+14:00", 14 * 3600 }, { "-12:00", -12 * 3600 }, { "+05:30", 5 * 3600 + 1800 },
		{ "+0530", 5 * 3600 + 1800 }, { "-0945", -(9 * 3600 + 45 * 60) }, { "+01", 3600 },
		{ "-03", -3 * 3600 }, { "+23:59", 23 * 3600 + 59 * 60 },
	};
	/* days at the ends of months and years, leap and not */
	static const struct {
		int y;
		unsigned m, d;
	} days[] = {
		{ 2024, 2, 29 }, { 2000, 2, 29 }, { 2023, 2, 28 }, { 1900, 2, 28 }, { 2024, 3, 1 },
		{ 2023, 12, 31 }, { 2024, 1, 1 }, { 2019, 4, 30 }, { 2019, 6, 30 }, { 2019, 9, 30 },
		{ 2019, 11, 30 }, { 2019, 1, 31 }, { 2019, 7, 31 }, { 2019, 8, 31 }, { 1600, 2, 29 },
	};
	struct time_format iso = { TIME_ORDER_ISO, TIME_EPOCH_NONE, TIME_TRIM };
	struct time_format xes;
	char buf[96];
	int64_t us;
	size_t i, j;

	(void)state;
	xes = xes_format;
	assert_int_equal(parse_both(ok[0].s, &iso, &us), 0);
	assert_int_equal(us, at(2011, 10, 1, 0, 38, 44) + 546000);
	for (i = 1; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(parse_both(ok[i].s, &iso, &us), 0);
		if (us != ok[i].us)
			fail_msg("'%s': %lld, not %lld", ok[i].s, (long long)us, (long long)ok[i].us);
		assert_int_equal(parse_both(ok[i].s, &xes, &us), 0);
		assert_int_equal(us, ok[i].us);
	}
	for (i = 0; i < ARRAY_SIZE(days); i++)
		for (j = 0; j < ARRAY_SIZE(zones); j++) {
			snprintf(buf, sizeof(buf), "%04d-%02u-%02uT23:59:58%s", days[i].y, days[i].m,
				 days[i].d, zones[j].z);
			assert_int_equal(parse_both(buf, &xes, &us), 0);
			if (us != at(days[i].y, days[i].m, days[i].d, 23, 59, 58) -
					  zones[j].off_s * 1000000)
				fail_msg("'%s': %lld", buf, (long long)us);
			assert_int_equal(parse_both(buf, &iso, &us), 0);
		}
	for (i = 0; i < ARRAY_SIZE(fractions); i++)
		for (j = 0; j < ARRAY_SIZE(zones); j++) {
			snprintf(buf, sizeof(buf), "2019-06-30 12:34:60%s%s", fractions[i], zones[j].z);
			assert_int_equal(parse_both(buf, &xes, &us), 0);
			/* second 60 is taken (a leap second) and counts as the next minute */
			if (us != at(2019, 6, 30, 12, 35, 0) + fraction_us[i] -
					  zones[j].off_s * 1000000)
				fail_msg("'%s': %lld", buf, (long long)us);
		}
}

/* The fast path keeps the last day it read: days one byte apart are not it. */
static void time_parse_fast_day_memo(void **state)
{
	static const char *seq[] = {
		"2024-02-29T10:00:00Z", "2024-02-29T11:00:00Z", "2024-02-28T10:00:00Z",
		"2024-02-29T10:00:00Z", "2024-03-29T10:00:00Z", "2025-02-28T10:00:00Z",
		"2024-02-29 10:00:00Z", "1024-02-29T10:00:00Z", "2024-02-29T10:00:00Z",
		"2023-02-29T10:00:00Z", /* refused after a hit on 2024-02-29 */
		"2024-02-29T10:00:00Z",
	};
	static const int ymdh[][4] = {
		{ 2024, 2, 29, 10 }, { 2024, 2, 29, 11 }, { 2024, 2, 28, 10 }, { 2024, 2, 29, 10 },
		{ 2024, 3, 29, 10 }, { 2025, 2, 28, 10 }, { 2024, 2, 29, 10 }, { 1024, 2, 29, 10 },
		{ 2024, 2, 29, 10 }, { 0, 0, 0, 0 }, { 2024, 2, 29, 10 },
	};
	int64_t us;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(seq); i++) {
		int rc = parse_both(seq[i], &xes_format, &us);
		if (!ymdh[i][0]) {
			assert_int_not_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, 0);
		if (us != at(ymdh[i][0], (unsigned)ymdh[i][1], (unsigned)ymdh[i][2], ymdh[i][3], 0, 0))
			fail_msg("'%s' (after '%s'): %lld", seq[i], i ? seq[i - 1] : "", (long long)us);
	}
}

static void time_parse_fast_refusals(void **state)
{
	/*
	 * Near misses of the fixed form: each is refused, or read otherwise,
	 * the same way with and without the fast path (parse_both checks).
	 */
	static const char *near[] = {
		"2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2024-02-30T00:00:00Z",
		"2024-04-31T00:00:00Z", "2024-00-10T00:00:00Z", "2024-13-10T00:00:00Z",
		"2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z", "2024-01-01T24:00:00Z",
		"2024-01-01T24:00:00", "2024-01-01T23:60:00Z", "2024-01-01T23:59:61Z",
		"2024-01-01T23:59:59.Z", "2024-01-01T23:59:59.", "2024-01-01T23:59:59.x",
		"2024-01-01T23:59:59+24:00", "2024-01-01T23:59:59+02:60", "2024-01-01T23:59:59+2",
		"2024-01-01T23:59:59+02:0", "2024-01-01T23:59:59+02:", "2024-01-01T23:59:59+020",
		"2024-01-01T23:59:59+02000", "2024-01-01T23:59:59ZZ", "2024-01-01T23:59:59Z ",
		"2024-01-01T23:59:59 UTC", "2024-01-01T23:59:59 ", "2024-01-01T23:59:59\t",
		"2024-01-01T23:59", "2024-01-01T23:59Z", "2024-01-01", "2024-01-01 UTC",
		"2024-01-01T2:59:59Z", "2024-01-01X23:59:59Z", "2024/01/01T23:59:59Z",
		"2024-1-01T23:59:59Z", "202a-01-01T23:59:59Z", "2024-01-01T23:5a:59Z",
		"2024-01-01T23:59:5aZ", "-024-01-01T23:59:59Z", "2024-01-01T23:59:59+-1:00",
		"2024-01-01T23:59:59.123456789012Z", "2024-01-01T23:59:59,5+01:00",
		"01-02-2024 23:59:59", "1700000000", "2024-01-01T23:59:59.5-00:00",
		"2024-01-01T24:00:00.000000", "2024-01-01T24:00:01",
	};
	struct time_format f[] = {
		{ TIME_ORDER_ISO, TIME_EPOCH_NONE, TIME_TRIM },
		{ TIME_ORDER_DMY, TIME_EPOCH_AUTO, TIME_TRIM },
		{ TIME_ORDER_MDY, TIME_EPOCH_AUTO,
		  TIME_TRIM | TIME_DATE_SEPS | TIME_UTC_WORD | TIME_END_OF_DAY },
		{ TIME_ORDER_ISO, TIME_EPOCH_S, TIME_TRIM },
	};
	int64_t us;
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(near); i++)
		for (j = 0; j < ARRAY_SIZE(f); j++)
			(void)parse_both(near[i], &f[j], &us);
	/* a format told the text is an epoch number takes no date */
	assert_int_not_equal(parse_both("2024-01-01T23:59:59Z", &f[3], &us), 0);
	/* and the general path's readings of near misses stand */
	assert_int_equal(parse_both("2024-01-01T24:00:00", &f[2], &us), 0);
	assert_int_equal(us, at(2024, 1, 2, 0, 0, 0));
	assert_int_equal(parse_both("2024-01-01T23:59:59 UTC", &f[2], &us), 0);
	assert_int_equal(us, at(2024, 1, 1, 23, 59, 59));
	assert_int_not_equal(parse_both("2023-02-29T00:00:00Z", &f[2], &us), 0);
	assert_int_not_equal(parse_both("2024-01-01T23:59:59+24:00", &f[2], &us), 0);
}

/* Every string a strict-form mutation makes: both paths agree on all of them. */
static void time_parse_fast_mutations(void **state)
{
	static const char *seeds[] = { "2024-02-29T23:59:60.123456789+14:00",
				       "1999-12-31 00:00:00,5-1200", "2000-01-01T12:00:00Z",
				       "2019-06-30T12:34:56+05" };
	static const char alphabet[] = "0123456789-:T tZz+.,/U";
	struct time_format xes;
	char buf[64];
	int64_t us;
	size_t i, pos, k, n;

	(void)state;
	xes = xes_format;
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		n = strlen(seeds[i]);
		for (pos = 0; pos < n; pos++) {
			for (k = 0; k < sizeof(alphabet) - 1; k++) {
				memcpy(buf, seeds[i], n + 1);
				buf[pos] = alphabet[k];
				(void)parse_both(buf, &xes, &us);
			}
			/* one character dropped, and the text cut there */
			memcpy(buf, seeds[i], pos);
			memcpy(buf + pos, seeds[i] + pos + 1, n - pos);
			(void)parse_both(buf, &xes, &us);
			memcpy(buf, seeds[i], pos);
			buf[pos] = '\0';
			(void)parse_both(buf, &xes, &us);
		}
	}
}

/*
 * time_format_us writes its digits itself; the text must be what
 * "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ" printed, year clamped to 0..9999,
 * over the int64 range (but its last 999,999, where rounding the seconds
 * down overflows, before and after).
 */
static void time_format_as_printf(void **state)
{
	static const int64_t edges[] = {
		0, -1, 1, 999999, -999999, -1000000, 86399999999, 86400000000,
		-62167219200000000 /* 0000-01-01 */, -62167219200000001,
		253402300799999999 /* 9999-12-31T23:59:59.999999 */, 253402300800000000,
		INT64_MAX, INT64_MIN + 1000000,
	};
	uint64_t r = 88172645463325252u;
	char out[TIME_ISO_LEN], want[96];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(edges) + 200000; i++) {
		int64_t us, secs, frac, days, rem, y;
		unsigned m, d;
		if (i < ARRAY_SIZE(edges)) {
			us = edges[i];
		} else {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			/* most within 0000..9999, some anywhere */
			us = i % 10 ? (int64_t)(r % UINT64_C(315537897600000000)) - 62167219200000000
				    : (int64_t)(r >> 1) * (r & 1 ? -1 : 1);
			if (us < INT64_MIN + 1000000)
				us = INT64_MIN + 1000000;
		}
		secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
		frac = us - secs * 1000000;
		days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
		rem = secs - days * 86400;
		/* civil date of `days` by a day count the parser shares: back through it */
		{
			int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
			unsigned doe = (unsigned)(z - era * 146097);
			unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
			unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
			d = doy - (153 * mp + 2) / 5 + 1;
			m = mp < 10 ? mp + 3 : mp - 9;
			y = (int64_t)yoe + era * 400 + (m <= 2);
			assert_int_equal(time_days_from_civil(y, m, d), days);
		}
		if (y < 0)
			y = 0;
		if (y > 9999)
			y = 9999;
		snprintf(want, sizeof(want), "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", (int)y, m % 100,
			 d % 100, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)frac);
		time_format_us(us, out);
		if (strcmp(out, want))
			fail_msg("%lld: '%s', not '%s'", (long long)us, out, want);
	}
}

static void time_format_round_trip(void **state)
{
	char out[TIME_ISO_LEN];
	int64_t back;
	static const int64_t samples[] = { 0, 1, 999999, 1000000,
		INT64_C(1795649180123456), INT64_C(951782400000000) /* 2000-02-29 */,
		INT64_C(253402300799999999) /* 9999-12-31T23:59:59.999999 */ };
	size_t i;

	(void)state;
	time_format_us(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00.000000Z");
	time_format_us(INT64_C(1795649180123456), out);
	assert_string_equal(out, "2026-11-25T23:26:20.123456Z");
	time_format_us(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59.999999Z");
	time_format_us(INT64_C(951782400000007), out);
	assert_string_equal(out, "2000-02-29T00:00:00.000007Z");
	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		time_format_us(samples[i], out);
		assert_int_equal(strlen(out), TIME_ISO_LEN - 1);
		assert_int_equal(time_parse_iso(out, &back), 0);
		assert_int_equal(back, samples[i]);
	}
}

static void time_fake_clock(void **state)
{
	(void)state;
	setenv("AIVALUE_FAKE_TIME", "2026-11-25T23:26:20.000001Z", 1);
	assert_int_equal(time_now_us(), INT64_C(1795649180000001));
	setenv("AIVALUE_FAKE_TIME", "42", 1);
	assert_int_equal(time_now_us(), 42);
	unsetenv("AIVALUE_FAKE_TIME");
	assert_true(time_now_us() > INT64_C(1700000000000000));
}

/* ---- SHA-256 and hex ------------------------------------------------------ */

/* The published FNV-1a 64 vectors (Fowler/Noll/Vo test suite), checked
 * against an independent Python implementation; chaining must equal one call. */
static void fnv1a64_known_vectors(void **state)
{
	uint64_t h;

	(void)state;
	assert_true(fnv1a64(FNV1A64_INIT, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(fnv1a64(FNV1A64_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(fnv1a64(FNV1A64_INIT, "foobar", 6) == 0x85944171f73967e8ULL);
	assert_true(fnv1a64_str(FNV1A64_INIT, "foobar") == 0x85944171f73967e8ULL);
	h = fnv1a64(FNV1A64_INIT, "ab", 2);
	assert_true(fnv1a64(h, "c", 1) == 0xe71fa2190541574bULL);
	assert_true(fnv1a64(FNV1A64_INIT, "abc", 3) == 0xe71fa2190541574bULL);
	assert_true(fnv1a64_word(FNV1A64_INIT, 0x12345678) == 0xa3b5f56b08296d07ULL);
	assert_true(hash_fold32(0x85944171f73967e8ULL) == 0x72ad2699u);
}

static void sha256_known_vectors(void **state)
{
	char hex[SHA256_HEX];
	uint8_t raw[SHA256_LEN];
	struct sha256_ctx c;
	char *million;
	int i;

	(void)state;
	/* FIPS 180-2 test vectors */
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	million = xmalloc(1000000);
	memset(million, 'a', 1000000);
	sha256_hex(million, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* streaming in uneven pieces gives the same digest as one shot */
	sha256_init(&c);
	for (i = 0; i < 1000000; i += 7919)
		sha256_update(&c, million + i, (size_t)(i + 7919 > 1000000 ? 1000000 - i : 7919));
	sha256_final(&c, raw);
	hex_encode(raw, SHA256_LEN, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	sha256("abc", 3, raw);
	assert_int_equal(raw[0], 0xba);
	assert_int_equal(raw[31], 0xad);
	free(million);
}

static void hex_decode_checks(void **state)
{
	uint8_t out[4];

	(void)state;
	assert_int_equal(hex_decode("00ff7Fa0", out, 4), 0);
	assert_int_equal(out[0], 0x00);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0x7f);
	assert_int_equal(out[3], 0xa0);
	assert_int_equal(hex_decode("00ff7f", out, 4), -1);   /* short */
	assert_int_equal(hex_decode("00ff7fa0b1", out, 4), -1); /* long */
	assert_int_equal(hex_decode("00fg7fa0", out, 4), -1); /* not hex */
}

/* ---- YAML loading ----------------------------------------------------------- */

/*
 * Regression (found by tests/fuzz/fuzz_apply): every YAML syntax error
 * leaked libfyaml's collected diagnostics.  Under `make asan` the leak
 * checker fails this test if it comes back.  Also pins the 1-based
 * positions (they used to be one line and one column too far).
 */
static void yaml_syntax_errors_are_located_and_freed(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "a: b: c\n", "t.yaml:1:5: invalid YAML" },
		{ "x: 1\na: b: c\nz: 2\n", "t.yaml:2:5: invalid YAML" },
		{ "kind: Team\nname: [x\n", "t.yaml:3:1: invalid YAML" },
		{ "a: 'unterminated\n", "t.yaml:" },
		{ "- [\n- {\n", "t.yaml:" },
	};
	size_t i;
	int round;

	(void)state;
	for (round = 0; round < 3; round++)
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			struct aiv_err err = AIV_ERR_INIT;
			struct ydocs d;

			assert_int_equal(ydocs_load(&d, "t.yaml", cases[i].text,
						    strlen(cases[i].text), &err), AIV_EINPUT);
			if (strncmp(err.msg, cases[i].want, strlen(cases[i].want)))
				fail_msg("case %zu: got \"%s\"", i, err.msg);
			assert_int_equal(d.n, 0);
		}
}

/*
 * Regression (found by tests/fuzz/fuzz_apply): libfyaml 0.7 never returns
 * on a directive line with an invalid UTF-8 byte; invalid UTF-8 is now
 * refused before parsing, with its position.
 */
static void yaml_invalid_utf8_is_refused(void **state)
{
	static const struct { const char *text; size_t len; const char *want; } cases[] = {
		{ "%\xc6\n", 3, "t.yaml:1:2: invalid UTF-8 (byte 0xc6)" },
		{ "kind: Team\nname: x\xff\n", 20, "t.yaml:2:8: invalid UTF-8 (byte 0xff)" },
		{ "a: \"\xed\xa0\x80\"\n", 9, "t.yaml:1:5: invalid UTF-8" }, /* a surrogate */
		{ "a: \xc0\xaf\n", 6, "t.yaml:1:4: invalid UTF-8" },            /* overlong '/' */
		{ "a: \xf4\x90\x80\x80\n", 8, "t.yaml:1:4: invalid UTF-8" },  /* > U+10FFFF */
		{ "a: \xe2\x82", 5, "t.yaml:1:4: invalid UTF-8" },              /* cut short */
		/* characters YAML does not allow raw (the NUL one crashed libfyaml) */
		{ "a: x\0y\n", 7, "t.yaml:1:5: invalid YAML: control character U+0000" },
		{ "a: \x7f\n", 5, "t.yaml:1:4: invalid YAML: control character U+007F" },
		{ "a: \xc2\x80\n", 6, "t.yaml:1:4: invalid YAML: control character U+0080" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct aiv_err err = AIV_ERR_INIT;
		struct ydocs d;

		assert_int_equal(ydocs_load(&d, "t.yaml", cases[i].text, cases[i].len, &err),
				 AIV_EINPUT);
		if (strncmp(err.msg, cases[i].want, strlen(cases[i].want)))
			fail_msg("case %zu: got \"%s\"", i, err.msg);
	}
	{
		/* valid multi-byte text is fine, a BOM too */
		struct aiv_err err = AIV_ERR_INIT;
		struct ydocs d;
		const char ok[] = "\xef\xbb\xbf" "a: \"Zo\xc3\xab \xe5\xbc\xa0 \xf0\x9f\x98\x80\"\n";

		assert_int_equal(ydocs_load(&d, "t.yaml", ok, sizeof(ok) - 1, &err), 0);
		assert_string_equal(ytext(yget(fy_document_root(d.docs[0]), "a")),
				    "Zo\xc3\xab \xe5\xbc\xa0 \xf0\x9f\x98\x80");
		ydocs_release(&d);
	}
}

/*
 * Regression: documents point into the parsed text, and `apply -f -`
 * freed its stdin buffer right after loading (a use after free, seen with
 * valgrind).  The loader now keeps its own copy.
 */
static void yaml_documents_outlive_the_buffer(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ydocs d;
	const char text[] = "kind: Team\nname: ops\n";
	char *copy = xstrdup(text);

	(void)state;
	assert_int_equal(ydocs_load(&d, "t.yaml", copy, strlen(copy), &err), 0);
	memset(copy, 'X', strlen(copy));
	free(copy);
	assert_string_equal(ytext(yget(fy_document_root(d.docs[0]), "kind")), "Team");
	assert_string_equal(ytext(yget(fy_document_root(d.docs[0]), "name")), "ops");
	ydocs_release(&d);
}

/*
 * Regression (found by tests/fuzz/fuzz_apply and fuzz_catalog): libfyaml
 * 0.7 crashes while destroying the parser after a tab before an indicator
 * inside an explicit key ("? n:\t|", "?\n  l:\t:").  Refused before parsing.
 */
static void yaml_tab_in_explicit_key_is_refused(void **state)
{
	static const char *const bad[] = { "? n:\t|", "? n: \t|", "k:\n  ? n:\t>\n",
					   "? l:\t:", "?\n  l:\t:", "- ? l:\t-", "? - l:\t:" };
	static const char *const ok[] = { "a:\tb\nc: |\n  x\ty\n", "a:\t|\n  text\n",
					  "n:\t-1\n", "q: why? because\n" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct aiv_err err = AIV_ERR_INIT;
		struct ydocs d;

		assert_int_equal(ydocs_load(&d, "t.yaml", bad[i], strlen(bad[i]), &err), AIV_EINPUT);
		assert_contains(err.msg, "a tab in an explicit key");
	}
	/* tabs elsewhere are still fine */
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		struct aiv_err err = AIV_ERR_INIT;
		struct ydocs d;

		if (ydocs_load(&d, "t.yaml", ok[i], strlen(ok[i]), &err))
			fail_msg("refused '%s': %s", ok[i], err.msg);
		ydocs_release(&d);
	}
}

static void yaml_documents_load(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ydocs d;
	const char text[] = "---\na: 1\n---\n# empty\n---\nb: xyz\n---\n";
	long line, col;

	(void)state;
	assert_int_equal(ydocs_load(&d, "t.yaml", text, strlen(text), &err), 0);
	assert_int_equal(d.n, 2); /* the empty documents are skipped */
	ymark(yget(fy_document_root(d.docs[1]), "b"), &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(col, 4);
	ydocs_release(&d);
}

/*
 * "a: &a [x, x, ...]" with `items` scalars, then "b: *a": the alias adds
 * items + 1 nodes (the list and its scalars).  Caller frees.
 */
static char *aliased_list(size_t items)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&sb, "a: &a [");
	for (i = 0; i < items; i++)
		strbuf_addstr(&sb, i ? ",x" : "x");
	strbuf_addstr(&sb, "]\nb: *a\n");
	return strbuf_detach(&sb, NULL);
}

static void yaml_aliases_are_bounded(void **state)
{
	static const char laughs[] =
		"a: &a [l,l,l,l,l,l,l,l,l]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
	struct aiv_err err = AIV_ERR_INIT;
	struct ydocs d;
	char *text;

	(void)state;
	/* exactly at the bound: 9,999 scalars and their list are 10,000 nodes */
	text = aliased_list(AIV_YAML_MAX_ALIAS_NODES - 1);
	assert_int_equal(ydocs_load(&d, "t.yaml", text, strlen(text), &err), 0);
	assert_int_equal(fy_node_sequence_item_count(yget(fy_document_root(d.docs[0]), "b")),
			 AIV_YAML_MAX_ALIAS_NODES - 1);
	ydocs_release(&d);
	free(text);
	/* one more node is over it; the alias is named where it is written */
	text = aliased_list(AIV_YAML_MAX_ALIAS_NODES);
	assert_int_equal(ydocs_load(&d, "t.yaml", text, strlen(text), &err), AIV_ETOOBIG);
	assert_string_equal(err.msg, "t.yaml:2:4: alias '*a' expands to more than 10000 "
			    "nodes, the limit for one YAML stream (docs/security-limits.md)");
	assert_int_equal(d.n, 0);
	free(text);
	/*
	 * Billion laughs, 10^7 nodes expanded.  *a adds 10 nodes, *b 91, *c
	 * 820, *d 7,381: line 2 adds 90, line 3 819, line 4 7,380 (8,289 in
	 * all), and line 5's first *d passes 10,000.  The column is the '*'.
	 */
	assert_int_equal(ydocs_load(&d, "t.yaml", laughs, strlen(laughs), &err), AIV_ETOOBIG);
	assert_string_equal(err.msg, "t.yaml:5:8: alias '*d' expands to more than 10000 "
			    "nodes, the limit for one YAML stream (docs/security-limits.md)");
	/* the bound is per stream: 6,000 nodes in each of two documents is over */
	text = aliased_list(5999);
	{
		struct strbuf two = STRBUF_INIT;

		strbuf_addf(&two, "%s---\n%s", text, text);
		assert_int_equal(ydocs_load(&d, "t.yaml", text, strlen(text), &err), 0);
		ydocs_release(&d);
		assert_int_equal(ydocs_load(&d, "t.yaml", two.buf, two.len, &err), AIV_ETOOBIG);
		assert_contains(err.msg, "t.yaml:5:4: alias '*a' expands to more than 10000");
		strbuf_release(&two);
	}
	free(text);
	/* an alias of its own anchor nests without end: refused by depth */
	assert_int_equal(ydocs_load(&d, "t.yaml", "x: &a [1, *a]\n", 14, &err), AIV_ETOOBIG);
	assert_string_equal(err.msg, "t.yaml:1:11: alias '*a' nests deeper than 64 levels "
			    "once expanded (docs/security-limits.md)");
	assert_int_equal(ydocs_load(&d, "t.yaml", "x: *nowhere\n", 12, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "t.yaml:1:4: alias '*nowhere' names no anchor before it");
}

/* ---- terminal escaping ------------------------------------------------- */

static void term_escapes_controls_only(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Ana", "Ana" },
		{ "\x1b[2JAna", "\\x1b[2JAna" },             /* ESC: clear screen */
		{ "tab\tnew\nline", "tab\tnew\nline" },      /* layout is kept */
		{ "over\rwrite", "over\\x0dwrite" },
		{ "bell\a", "bell\\x07" },
		{ "del\x7f", "del\\u007f" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "csi\xc2\x9b" "2J", "csi\\u009b2J" },       /* C1 CSI, as UTF-8 */
		{ "\xc2\xa0nbsp", "\xc2\xa0nbsp" },           /* U+00A0 is not C1 */
		{ "raw\x9b", "raw\\x9b" },                    /* a lone byte */
		{ "\xc0\xaf", "\\xc0\\xaf" },                /* overlong '/' */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },       /* a surrogate */
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" }, /* above U+10FFFF */
		{ "cut\xe2\x82", "cut\\xe2\\x82" },          /* unfinished at the end */
		{ "\xe2\x1b", "\\xe2\\x1b" },                /* ESC breaks a sequence */
		{ "back\\slash", "back\\slash" },
	};
	struct term_escaper e = TERM_ESCAPER_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		strbuf_add_term(&sb, cases[i].in, strlen(cases[i].in));
		assert_string_equal(sb.buf, cases[i].out);
	}
	/* a sequence cut between two chunks (as stdio hands them over) */
	strbuf_reset(&sb);
	term_escape_chunk(&e, &sb, "price \xe2", 7);
	assert_string_equal(sb.buf, "price ");
	term_escape_chunk(&e, &sb, "\x82\xac\x1b", 3);
	term_escape_finish(&e, &sb);
	assert_string_equal(sb.buf, "price \xe2\x82\xac\\x1b");
	strbuf_release(&sb);
}

/* ---- errors ------------------------------------------------------------- */

static void err_messages(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	char longer[2000];

	(void)state;
	assert_int_equal(aiv_fail_at(&err, AIV_EINPUT, "f.yaml", 12, 9, "unknown key '%s'", "x"),
			 AIV_EINPUT);
	assert_int_equal(err.code, AIV_EINPUT);
	assert_string_equal(err.msg, "f.yaml:12:9: unknown key 'x'");
	aiv_err_prefix(&err, "nothing applied");
	assert_string_equal(err.msg, "nothing applied: f.yaml:12:9: unknown key 'x'");
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	aiv_fail(&err, AIV_EIO, "%s", longer);
	assert_int_equal(strlen(err.msg), AIV_ERR_MSG - 1); /* truncated, terminated */
	aiv_err_prefix(&err, "%s", longer);
	assert_true(strlen(err.msg) < AIV_ERR_MSG);
	assert_int_equal(aiv_fail(NULL, AIV_EBUSY, "no err given"), AIV_EBUSY);
	assert_string_equal(aiv_errcode_name(AIV_EBUSY), "busy");
	assert_int_equal(aiv_exit_status(AIV_EINPUT), 1);
	assert_int_equal(aiv_exit_status(0), 0);
	aiv_err_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf_init_is_empty_and_terminated),
		cmocka_unit_test(fnv1a64_known_vectors),
		cmocka_unit_test(strbuf_grows_and_keeps_nul),
		cmocka_unit_test(strbuf_add_binary_and_long_format),
		cmocka_unit_test(strbuf_detach_hands_out_and_empties),
		cmocka_unit_test(strbuf_html_escapes),
		cmocka_unit_test(json_str_escapes_like_python),
		cmocka_unit_test(cjson_reals_match_python_repr),
		cmocka_unit_test(cjson_canonical_output),
		cmocka_unit_test(cjson_is_a_fixed_point),
		cmocka_unit_test(json_str_helper),
		cmocka_unit_test(time_parse_forms),
		cmocka_unit_test(time_parse_failures),
		cmocka_unit_test(time_parse_fast_values),
		cmocka_unit_test(time_parse_fast_day_memo),
		cmocka_unit_test(time_parse_fast_refusals),
		cmocka_unit_test(time_parse_fast_mutations),
		cmocka_unit_test(time_format_as_printf),
		cmocka_unit_test(time_format_round_trip),
		cmocka_unit_test(time_fake_clock),
		cmocka_unit_test(sha256_known_vectors),
		cmocka_unit_test(hex_decode_checks),
		cmocka_unit_test(yaml_syntax_errors_are_located_and_freed),
		cmocka_unit_test(yaml_documents_load),
		cmocka_unit_test(yaml_invalid_utf8_is_refused),
		cmocka_unit_test(yaml_documents_outlive_the_buffer),
		cmocka_unit_test(yaml_tab_in_explicit_key_is_refused),
		cmocka_unit_test(yaml_aliases_are_bounded),
		cmocka_unit_test(term_escapes_controls_only),
		cmocka_unit_test(err_messages),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
