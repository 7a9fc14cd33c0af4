/*
 * test_ingest.c - XES and CSV importers and the timestamp parser, on the
 * committed fixtures (tests/data/eventlogs: van der Aalst's running
 * example, pm4py's XES importer test files) and on inline bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingest/ingest.h"

static char root[4096];

static const char *fixture(const char *name)
{
	static char path[8192];

	snprintf(path, sizeof(path), "%s/tests/data/eventlogs/%s", root, name);
	return path;
}

static void test_parse_time(void **state)
{
	int64_t us;
	struct {
		const char *s;
		int64_t want;
	} ok[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-01", 0 },
		{ "2010-12-30T14:32:00.000+01:00", 1293715920000000LL },
		{ "2010-12-30 14:32:00+01:00", 1293715920000000LL },
		{ "2010-12-30 13:32:00", 1293715920000000LL },
		{ "2010/12/30 13:32", 1293715920000000LL },
		{ "30-12-2010 13:32:00", 1293715920000000LL },
		{ "30.12.2010 14:32:00+0100", 1293715920000000LL },
		{ "2011-10-11 13:45:40.276000+02:00", 1318333540276000LL },
		{ "1293715920", 1293715920000000LL },
		{ "1293715920123", 1293715920123000LL },
		{ "2000-02-29T23:59:59.9999999-05", 951886799999999LL },
	};
	const char *bad[] = { "", "2010-13-01", "2002-0530T09:30:10Z", "2010-02-30",
			      "2011-02-29", "yesterday", "2010-12-30T25:00", "2010-12-30 10:00 CET",
			      "12345" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(ingest_parse_time(ok[i].s, strlen(ok[i].s), &us), 0);
		if (us != ok[i].want)
			fail_msg("%s: got %lld want %lld", ok[i].s, (long long)us,
				 (long long)ok[i].want);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (ingest_parse_time(bad[i], strlen(bad[i]), &us) == 0)
			fail_msg("'%s' parsed", bad[i]);
}

/* The one parser (core/timeutil time_parse) and its wrappers agree. */
static int64_t iso(const char *s)
{
	int64_t us = -1;

	if (time_parse_iso(s, &us))
		fail_msg("time_parse_iso refused '%s'", s);
	return us;
}

static void test_time_parse_one_parser(void **state)
{
	/* 1700000000 s since the epoch = 2023-11-14T22:13:20Z (date -u -d @1700000000) */
	const int64_t t0 = INT64_C(1700000000000000);
	struct time_format dmy, mdy, isof, es, ems;
	int64_t us;
	size_t i;
	static const char *invalid[] = {
		"2024-02-30", "2023-02-29", "1900-02-29", "2024-04-31", "2024-06-31",
		"2024-00-10", "2024-13-01", "2024-01-00", "2024-01-32",
	};

	(void)state;
	/* invalid calendar dates: every entry point refuses, none rolls over */
	for (i = 0; i < ARRAY_SIZE(invalid); i++) {
		us = 7;
		if (!time_parse_iso(invalid[i], &us) ||
		    !ingest_parse_time(invalid[i], strlen(invalid[i]), &us))
			fail_msg("'%s' parsed (as %lld)", invalid[i], (long long)us);
		assert_int_equal(us, 7);
	}
	assert_int_not_equal(ingest_parse_time("30.02.2024", 10, &us), 0);
	/* leap years: divisible by 4, not by 100 unless by 400 */
	assert_int_equal(iso("2024-02-29"), time_days_from_civil(2024, 2, 29) * 86400000000LL);
	assert_int_equal(iso("2000-02-29") / 86400000000LL, 11016); /* 2000-02-29 is day 11016 */
	assert_int_equal(iso("2024-03-01") - iso("2024-02-28"), 2 * 86400000000LL);
	assert_int_equal(iso("2023-03-01") - iso("2023-02-28"), 86400000000LL);
	/* offsets: local time minus the offset is UTC */
	assert_int_equal(iso("2023-11-14T22:13:20Z"), t0);
	assert_int_equal(iso("2023-11-15T03:43:20+05:30"), t0);
	assert_int_equal(iso("2023-11-14T17:13:20-0500"), t0);
	assert_int_equal(iso("2023-11-14 23:13:20+01"), t0);
	assert_int_equal(iso("2023-11-14T22:13:20.5Z"), t0 + 500000);
	assert_int_not_equal(time_parse_iso("2023-11-14T22:13:20+24:00", &us), 0);
	/* epochs: by magnitude, or as told */
	ingest_time_format(&es, TIME_ORDER_ISO, TIME_EPOCH_S);
	ingest_time_format(&ems, TIME_ORDER_ISO, TIME_EPOCH_MS);
	assert_int_equal(ingest_parse_time("1700000000", 10, &us), 0);
	assert_int_equal(us, t0);
	assert_int_equal(ingest_parse_time("1700000000000", 13, &us), 0);
	assert_int_equal(us, t0);
	assert_int_equal(ingest_parse_time("1700000000123456", 16, &us), 0);
	assert_int_equal(us, t0 + 123456);
	assert_int_equal(ingest_parse_time("1700000000123456789", 19, &us), 0);
	assert_int_equal(us, t0 + 123456);
	assert_int_equal(time_parse("1700000000.25", 13, &es, &us), 0);
	assert_int_equal(us, t0 + 250000);
	assert_int_equal(time_parse("1700000000", 10, &ems, &us), 0);
	assert_int_equal(us, INT64_C(1700000000000)); /* 1970-01-20 */
	assert_int_equal(time_parse("1700000000123.5", 15, &ems, &us), 0);
	assert_int_equal(us, t0 + 123500);
	assert_int_not_equal(time_parse("2024-01-01", 10, &es, &us), 0);
	assert_int_not_equal(ingest_parse_time("12345", 5, &us), 0);
	assert_int_not_equal(time_parse_iso("1700000000", &us), 0);
	assert_int_equal(time_epoch_unit("1700000000000", 13, 0), TIME_EPOCH_MS);
	assert_int_equal(time_epoch_unit(" 1700000000 ", 12, TIME_TRIM), TIME_EPOCH_S);
	assert_int_equal(time_epoch_unit("2024-01-01", 10, 0), TIME_EPOCH_NONE);
	/* date orders for year-last dates; ISO order refuses them */
	ingest_time_format(&dmy, TIME_ORDER_DMY, TIME_EPOCH_NONE);
	ingest_time_format(&mdy, TIME_ORDER_MDY, TIME_EPOCH_NONE);
	ingest_time_format(&isof, TIME_ORDER_ISO, TIME_EPOCH_NONE);
	assert_int_equal(time_parse("03/04/2024", 10, &dmy, &us), 0);
	assert_int_equal(us, iso("2024-04-03"));
	assert_int_equal(time_parse("03/04/2024", 10, &mdy, &us), 0);
	assert_int_equal(us, iso("2024-03-04"));
	assert_int_equal(time_parse("3/5/2024 9:05", 13, &mdy, &us), 0);
	assert_int_equal(us, iso("2024-03-05T09:05:00Z"));
	assert_int_not_equal(time_parse("03/04/2024", 10, &isof, &us), 0);
	assert_int_not_equal(time_parse("02/30/2024", 10, &mdy, &us), 0);
	assert_int_equal(time_parse("2024-04-03 10:00", 16, &mdy, &us), 0); /* year first is never ambiguous */
	assert_int_equal(us, iso("2024-04-03T10:00:00Z"));
	assert_int_equal(time_orders_possible("03/04/2024", 10, &isof),
			 (1u << TIME_ORDER_DMY) | (1u << TIME_ORDER_MDY));
	assert_int_equal(time_orders_possible("13/04/2024 10:00", 16, &isof), 1u << TIME_ORDER_DMY);
	assert_int_equal(time_orders_possible("04/13/2024", 10, &isof), 1u << TIME_ORDER_MDY);
	assert_int_equal(time_orders_possible("2024-04-13", 10, &isof), 0);
	/* the end of the day, and " UTC" (event-log format only) */
	assert_int_equal(ingest_parse_time("2024-12-31 24:00", 16, &us), 0);
	assert_int_equal(us, iso("2025-01-01"));
	assert_int_not_equal(time_parse_iso("2024-12-31 24:00", &us), 0);
	assert_int_equal(ingest_parse_time("2024-12-31 10:00:00 UTC", 23, &us), 0);
	assert_int_equal(us, iso("2024-12-31T10:00:00Z"));
	assert_int_not_equal(time_parse_iso(NULL, &us), 0);
}

static void test_running_example_xes(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;
	uint32_t key;

	(void)state;
	eventlog_init(&l);
	assert_int_equal(ingest_xes_file(fixture("running-example.xes"), &l, NULL, &err), 0);
	assert_int_equal(l.ncases, 6);
	assert_int_equal(l.n, 42);
	assert_int_equal(eventlog_count_activities(&l), 8);
	assert_string_equal(eventlog_str(&l, l.case_name[0]), "3");
	assert_string_equal(eventlog_str(&l, l.activity[0]), "register request");
	assert_string_equal(eventlog_str(&l, l.resource[0]), "Pete");
	/* 2010-12-30T14:32:00.000+01:00 */
	assert_true(l.time[0] == 1293715920000000LL);
	key = intern_find(&l.strs, "Costs", 5);
	assert_int_not_equal(key, EVL_NONE);
	assert_string_equal(eventlog_str(&l, eventlog_case_attr(&l, 0, key)), "50");
	eventlog_release(&l);
}

static void test_running_example_csv(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;
	struct ingest_csv_map m;
	const char *keys[] = { "creator" }, *cols[] = { "case:creator" };

	(void)state;
	memset(&m, 0, sizeof(m));
	m.attr_keys = keys;
	m.attr_cols = cols;
	m.nattrs = 1;
	eventlog_init(&l);
	assert_int_equal(ingest_csv_file(fixture("running-example.csv"), &m, &l, NULL, &err), 0);
	assert_int_equal(l.ncases, 6);
	assert_int_equal(l.n, 42);
	assert_int_equal(eventlog_count_activities(&l), 8);
	assert_true(l.time[0] == 1293715920000000LL);
	assert_string_equal(eventlog_str(&l, eventlog_case_attr(&l, 0,
			    intern_find(&l.strs, "creator", 7))), "Fluxicon Nitro");
	eventlog_release(&l);

	m.nattrs = 0;
	m.case_col = "no such column";
	eventlog_init(&l);
	assert_int_equal(ingest_csv_file(fixture("running-example.csv"), &m, &l, NULL, &err),
			 AIV_EINPUT);
	assert_non_null(strstr(err.msg, "unknown column 'no such column' for --case"));
	eventlog_release(&l);
}

static int csv(const char *text, struct eventlog *l, struct aiv_err *err)
{
	struct ingest_csv_map m;

	memset(&m, 0, sizeof(m));
	m.case_col = "c";
	m.activity_col = "a";
	m.time_col = "t";
	m.resource_col = "r";
	eventlog_init(l);
	return ingest_csv_buffer(text, strlen(text), "x.csv", &m, l, NULL, err);
}

static void test_csv_quoting_and_errors(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	assert_int_equal(csv("c;a;t;r\r\n\"1\";\"say \"\"hi\"\"\";2020-01-01T00:00:02Z;\"x\ny\"\r\n"
			     "1;b;2020-01-01T00:00:01Z;\r\n", &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.out_of_order, 1);
	assert_string_equal(eventlog_str(&l, l.activity[0]), "b");
	assert_string_equal(eventlog_str(&l, l.activity[1]), "say \"hi\"");
	assert_string_equal(eventlog_str(&l, l.resource[1]), "x\ny");
	assert_int_equal(l.resource[0], EVL_NONE);
	eventlog_release(&l);

	assert_int_equal(csv("c,a,t,r\n1,a,2020-01-01,\n1,b,not a date,\n", &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "x.csv:3: unparseable date 'not a date' in column 3");
	eventlog_release(&l);

	assert_int_equal(csv("c,a,t,r\n1,a,2020-01-01,\n1,\"b,2020-01-01,\n", &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "x.csv:3: unterminated quoted field");
	eventlog_release(&l);

	assert_int_equal(csv("c,a,t,r\n1,a,2020-01-01\n", &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "x.csv:2: record has 3 fields, the header has 4");
	eventlog_release(&l);

	assert_int_equal(csv("c,a,t,r\n", &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "x.csv: empty log: no events");
	eventlog_release(&l);

	assert_int_equal(csv("c,a,t,r\n,a,2020-01-01,\n", &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "x.csv:2: empty case id");
	eventlog_release(&l);
}

static int xes(const char *text, struct eventlog *l, struct aiv_err *err)
{
	eventlog_init(l);
	return ingest_xes_buffer(text, strlen(text), "x.xes", l, err);
}

static void test_xes_errors(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;
	struct {
		const char *file, *msg;
	} bad[] = {
		{ "xes_booleanIncorrectValue.xes", ":13:2: invalid float value 'yes' for key 'expression'" },
		{ "xes_intIncorrectValue.xes", ":13:2: invalid int value '0.0' for key 'number'" },
		{ "xes_realIncorrectValue.xes", ":13:2: invalid float value '1.0.0' for key 'number'" },
		{ "xes_idIncorrectValue.xes", ":13:2: invalid id value 'No ID' for key 'id'" },
		{ "xes_dateIncorrectValue.xes", ":13:2: invalid date value '2002-0530T09:30:10Z'" },
		{ "xes_elementIncorrect.xes", ":15:3: unexpected <text> in <trace>" },
		{ "xes_noLog.xes", ":1:1: malformed XML: no element found" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		eventlog_init(&l);
		assert_int_equal(ingest_xes_file(fixture(bad[i].file), &l, NULL, &err), AIV_EINPUT);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("%s: got '%s'", bad[i].file, err.msg);
		eventlog_release(&l);
	}
	/* some events with a timestamp, some without: the first without is named */
	assert_int_equal(xes("<log><trace><string key=\"concept:name\" value=\"c1\"/>"
			     "<event><string key=\"concept:name\" value=\"A\"/></event>"
			     "</trace>\n<trace><string key=\"concept:name\" value=\"c2\"/><event>"
			     "<date key=\"time:timestamp\" value=\"2020-01-01\"/>"
			     "<string key=\"concept:name\" value=\"A\"/></event></trace></log>",
			     &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg,
			    "x.xes:1: case 'c1', event 1: no time:timestamp (other events have one)");
	eventlog_release(&l);
	/* no tally to count it in: an event without an activity is an error */
	assert_int_equal(xes("<log><trace><string key=\"concept:name\" value=\"c1\"/>\n"
			     "<event><string key=\"org:resource\" value=\"A\"/></event>"
			     "</trace></log>", &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "x.xes:2: event without concept:name (activity)");
	eventlog_release(&l);
	assert_int_equal(xes("<log><trace><string key=\"concept:name\" value=\"c1\"/>"
			     "<event><date key=\"time:timestamp\" value=\"2020-01-01\"/>"
			     "<string key=\"concept:name\" value=\"A\"/></event>\n"
			     "<event><string key=\"time:timestamp\" value=\"soon\"/>",
			     &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "x.xes:2:8: unparseable time:timestamp 'soon'");
	eventlog_release(&l);
	assert_int_equal(xes("<log><trace><string key=\"concept:name\" value=\"c1\"/>"
			     "<event><date key=\"time:timestamp\" value=\"2020-01-01\"/>"
			     "<string key=\"concept:name\" value=\"A\"/></event></trace>\n<tr",
			     &l, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "x.xes:2:"));
	assert_non_null(strstr(err.msg, "malformed XML"));
	eventlog_release(&l);
	assert_int_equal(xes("<log></log>", &l, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "x.xes: empty log: no events");
	eventlog_release(&l);
	assert_int_equal(xes("<html/>", &l, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "root element is <html>"));
	eventlog_release(&l);
}

static void test_xes_types_and_lists(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;

	(void)state;
	assert_int_equal(xes("<log xes.version=\"1.0\"><string key=\"origin\" value=\"x\"/>"
			     "<trace><int key=\"concept:name\" value=\"7\"/>"
			     "<boolean key=\"ai_assisted\" value=\"true\"/>"
			     "<event><string key=\"time:timestamp\" value=\"1980-01-01 01:01:01\"/>"
			     "<string key=\"concept:name\" value=\"A\"/>"
			     "<string key=\"lifecycle:transition\" value=\"start\"/>"
			     "<float key=\"cost:total\" value=\"12.5\"/>"
			     "<id key=\"uid\" value=\"123e4567-e89b-12d3-a456-426614174000\"/>"
			     "<list key=\"l\"><values><int key=\"a\" value=\"1\"/></values></list>"
			     "<container key=\"k\"><string key=\"b\" value=\"2\"/></container>"
			     "</event></trace></log>", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(eventlog_str(&l, l.case_name[0]), "7");
	assert_string_equal(eventlog_str(&l, l.lifecycle[0]), "start");
	assert_true(l.cost[0] == 12.5);
	assert_int_equal(l.ncattrs, 1);
	assert_int_equal(l.neattrs, 3); /* uid, l, k */
	assert_string_equal(eventlog_str(&l, eventlog_case_attr(&l, 0,
			    intern_find(&l.strs, "ai_assisted", 11))), "true");
	eventlog_release(&l);
}

/*
 * Activities, resources and lifecycles go through a cache of string ids in
 * front of the string table: values that share a cache slot (same length,
 * first and last byte) and the empty value keep their own ids; element
 * names that only start like an XES type are not attributes.
 */
static void test_xes_value_cache(void **state)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;
	uint32_t one, two;

	(void)state;
	assert_int_equal(xes("<log><trace><string key=\"concept:name\" value=\"c1\"/>"
			     "<event><string value=\"A_one_B\" key=\"concept:name\"/>"
			     "<string key=\"org:resource\" value=\"\"/></event>"
			     "<event><string key=\"concept:name\" value=\"A_two_B\"/>"
			     "<string key=\"org:resource\" value=\"r\"/></event>"
			     "<event><string key=\"concept:name\" value=\"A_one_B\"/>"
			     "<string key=\"lifecycle:transition\" value=\"A_two_B\"/>"
			     "<string key=\"org:resource\" value=\"\"/></event>"
			     "</trace></log>", &l, &err), 0);
	assert_int_equal(l.n, 3);
	one = l.activity[0];
	two = l.activity[1];
	assert_true(one != two);
	assert_string_equal(eventlog_str(&l, one), "A_one_B");
	assert_string_equal(eventlog_str(&l, two), "A_two_B");
	assert_int_equal(l.activity[2], one);
	assert_int_equal(l.lifecycle[2], two);
	assert_string_equal(eventlog_str(&l, l.resource[0]), "");
	assert_string_equal(eventlog_str(&l, l.resource[1]), "r");
	assert_int_equal(l.resource[2], l.resource[0]);
	assert_int_equal(intern_find(&l.strs, "A_one_B", 7), one);
	eventlog_release(&l);

	/* "str", "dates" and "i" start like string, date and int or id */
	assert_int_equal(xes("<log><trace><event><str key=\"concept:name\" value=\"A\"/>"
			     "</event></trace></log>", &l, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "unexpected <str> in <event>"));
	eventlog_release(&l);
	assert_int_equal(xes("<log><trace><event><dates key=\"d\" value=\"A\"/>"
			     "</event></trace></log>", &l, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "unexpected <dates> in <event>"));
	eventlog_release(&l);
	assert_int_equal(xes("<log><trace><event><i key=\"d\" value=\"1\"/>"
			     "</event></trace></log>", &l, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "unexpected <i> in <event>"));
	eventlog_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_time_parse_one_parser),
		cmocka_unit_test(test_running_example_xes),
		cmocka_unit_test(test_running_example_csv),
		cmocka_unit_test(test_csv_quoting_and_errors),
		cmocka_unit_test(test_xes_errors),
		cmocka_unit_test(test_xes_types_and_lists),
		cmocka_unit_test(test_xes_value_cache),
	};
	const char *f = __FILE__, *slash = strstr(f, "/tests/unit/");

	if (slash)
		snprintf(root, sizeof(root), "%.*s", (int)(slash - f), f);
	else
		snprintf(root, sizeof(root), ".");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
