/*
 * test_ingest_ocel.c - the OCEL readers (2.0 JSON, XML, SQLite; 1.0 JSON,
 * XML) and their one flattening: each form of one small log gives the
 * same hand-worked cases, the same accounting, and errors that name the
 * file, the record and the field.
 *
 * The log (OCEL 2.0 form), flattened on 'order':
 *
 *   objects  o1 order (status: new, later paid; o2o to i1)   o2 order
 *            o3 order (no event)   i1 item
 *   events   e1 place  2024-01-01 10:00Z  o1, i1, o1 (o1 repeated)
 *            e2 place  2024-01-01 11:00Z  o2
 *            e3 pack   2024-01-02 09:00   i1        (no offset; no order)
 *            e4 ship   2024-01-03 08:00Z  o1, o2    (copied into both)
 *            e5 audit  2024-01-04 00:00Z  ghost     (unknown object)
 *            e6 pay    2024-01-02 00:00Z  o1        (before e4 in time)
 *
 *   cases    o1: place, pay, ship      o2: place, ship
 *   tally    read 6 = used 4 (e1 e2 e4 e6) + skipped 2 (e3 by choice, e5)
 */
#include "unit.h"

#include <sqlite3.h>

#include "core/tally.h"
#include "ingest/ingest.h"

static const char v2_json[] =
	"{\"objectTypes\": [], \"eventTypes\": [],\n"
	" \"objects\": [\n"
	"  {\"id\": \"o1\", \"type\": \"order\", \"attributes\": [\n"
	"     {\"name\": \"status\", \"time\": \"1970-01-01T00:00:00Z\", \"value\": \"new\"},\n"
	"     {\"name\": \"status\", \"time\": \"2024-01-02T00:00:00Z\", \"value\": \"paid\"}],\n"
	"   \"relationships\": [{\"objectId\": \"i1\", \"qualifier\": \"has\"}]},\n"
	"  {\"id\": \"o2\", \"type\": \"order\"},\n"
	"  {\"id\": \"o3\", \"type\": \"order\"},\n"
	"  {\"id\": \"i1\", \"type\": \"item\"}],\n"
	" \"events\": [\n"
	"  {\"id\": \"e1\", \"type\": \"place\", \"time\": \"2024-01-01T10:00:00Z\",\n"
	"   \"attributes\": [{\"name\": \"clerk\", \"value\": \"ana\"}],\n"
	"   \"relationships\": [{\"objectId\": \"o1\", \"qualifier\": \"a\"},\n"
	"     {\"objectId\": \"i1\", \"qualifier\": \"b\"}, {\"objectId\": \"o1\", \"qualifier\": \"c\"}]},\n"
	"  {\"id\": \"e2\", \"type\": \"place\", \"time\": \"2024-01-01T11:00:00Z\",\n"
	"   \"relationships\": [{\"objectId\": \"o2\", \"qualifier\": \"a\"}]},\n"
	"  {\"id\": \"e3\", \"type\": \"pack\", \"time\": \"2024-01-02T09:00:00\",\n"
	"   \"relationships\": [{\"objectId\": \"i1\", \"qualifier\": \"a\"}]},\n"
	"  {\"id\": \"e4\", \"type\": \"ship\", \"time\": \"2024-01-03T08:00:00Z\",\n"
	"   \"relationships\": [{\"objectId\": \"o1\", \"qualifier\": \"a\"},\n"
	"     {\"objectId\": \"o2\", \"qualifier\": \"a\"}]},\n"
	"  {\"id\": \"e5\", \"type\": \"audit\", \"time\": \"2024-01-04T00:00:00Z\",\n"
	"   \"relationships\": [{\"objectId\": \"ghost\", \"qualifier\": \"a\"}]},\n"
	"  {\"id\": \"e6\", \"type\": \"pay\", \"time\": \"2024-01-02T00:00:00Z\",\n"
	"   \"relationships\": [{\"objectId\": \"o1\", \"qualifier\": \"a\"}]}]}\n";

static const char v2_xml[] =
	"<?xml version='1.0' encoding='UTF-8'?>\n"
	"<log>\n"
	" <object-types/><event-types/>\n"
	" <objects>\n"
	"  <object id=\"o1\" type=\"order\"><attributes>\n"
	"    <attribute name=\"status\" time=\"1970-01-01T00:00:00Z\">new</attribute>\n"
	"    <attribute name=\"status\" time=\"2024-01-02T00:00:00Z\">paid</attribute>\n"
	"   </attributes><objects><relationship object-id=\"i1\" qualifier=\"has\"/></objects></object>\n"
	"  <object id=\"o2\" type=\"order\"/>\n"
	"  <object id=\"o3\" type=\"order\"/>\n"
	"  <object id=\"i1\" type=\"item\"/>\n"
	" </objects>\n"
	" <events>\n"
	"  <event id=\"e1\" type=\"place\" time=\"2024-01-01T10:00:00Z\">\n"
	"   <attributes><attribute name=\"clerk\">ana</attribute></attributes>\n"
	"   <objects><relationship object-id=\"o1\" qualifier=\"a\"/>\n"
	"    <relationship object-id=\"i1\" qualifier=\"b\"/><relationship object-id=\"o1\" qualifier=\"c\"/>\n"
	"   </objects></event>\n"
	"  <event id=\"e2\" type=\"place\" time=\"2024-01-01T11:00:00Z\">\n"
	"   <objects><relationship object-id=\"o2\" qualifier=\"a\"/></objects></event>\n"
	"  <event id=\"e3\" type=\"pack\" time=\"2024-01-02T09:00:00\">\n"
	"   <objects><relationship object-id=\"i1\" qualifier=\"a\"/></objects></event>\n"
	"  <event id=\"e4\" type=\"ship\" time=\"2024-01-03T08:00:00Z\">\n"
	"   <objects><relationship object-id=\"o1\" qualifier=\"a\"/>\n"
	"    <relationship object-id=\"o2\" qualifier=\"a\"/></objects></event>\n"
	"  <event id=\"e5\" type=\"audit\" time=\"2024-01-04T00:00:00Z\">\n"
	"   <objects><relationship object-id=\"ghost\" qualifier=\"a\"/></objects></event>\n"
	"  <event id=\"e6\" type=\"pay\" time=\"2024-01-02T00:00:00Z\">\n"
	"   <objects><relationship object-id=\"o1\" qualifier=\"a\"/></objects></event>\n"
	" </events>\n"
	"</log>\n";

/* OCEL 1.0 has no attribute history and no o2o: o1's status is just "new". */
static const char v1_json[] =
	"{\"ocel:global-log\": {\"ocel:version\": \"1.0\"},\n"
	" \"ocel:events\": {\n"
	"  \"e1\": {\"ocel:activity\": \"place\", \"ocel:timestamp\": \"2024-01-01T10:00:00Z\",\n"
	"          \"ocel:omap\": [\"o1\", \"i1\", \"o1\"], \"ocel:vmap\": {\"clerk\": \"ana\"}},\n"
	"  \"e2\": {\"ocel:activity\": \"place\", \"ocel:timestamp\": \"2024-01-01T11:00:00Z\",\n"
	"          \"ocel:omap\": [\"o2\"], \"ocel:vmap\": {}},\n"
	"  \"e3\": {\"ocel:activity\": \"pack\", \"ocel:timestamp\": \"2024-01-02T09:00:00\",\n"
	"          \"ocel:omap\": [\"i1\"], \"ocel:vmap\": {}},\n"
	"  \"e4\": {\"ocel:activity\": \"ship\", \"ocel:timestamp\": \"2024-01-03T08:00:00Z\",\n"
	"          \"ocel:omap\": [\"o1\", \"o2\"], \"ocel:vmap\": {}},\n"
	"  \"e5\": {\"ocel:activity\": \"audit\", \"ocel:timestamp\": \"2024-01-04T00:00:00Z\",\n"
	"          \"ocel:omap\": [\"ghost\"], \"ocel:vmap\": {}},\n"
	"  \"e6\": {\"ocel:activity\": \"pay\", \"ocel:timestamp\": \"2024-01-02T00:00:00Z\",\n"
	"          \"ocel:omap\": [\"o1\"], \"ocel:vmap\": {}}},\n"
	" \"ocel:objects\": {\n"
	"  \"o1\": {\"ocel:type\": \"order\", \"ocel:ovmap\": {\"status\": \"new\"}},\n"
	"  \"o2\": {\"ocel:type\": \"order\", \"ocel:ovmap\": {}},\n"
	"  \"o3\": {\"ocel:type\": \"order\", \"ocel:ovmap\": {}},\n"
	"  \"i1\": {\"ocel:type\": \"item\", \"ocel:ovmap\": {}}}}\n";

/* OCEL 1.0 XML, keys spelled with the "ocel:" prefix (some exporters do) */
#define EV1(id, act, ts, rels, vmap)                                                  \
	"  <event><string key=\"ocel:id\" value=\"" id "\"/>"                           \
	"<string key=\"ocel:activity\" value=\"" act "\"/>"                             \
	"<date key=\"ocel:timestamp\" value=\"" ts "\"/>"                               \
	"<list key=\"ocel:omap\">" rels "</list><list key=\"ocel:vmap\">" vmap "</list></event>\n"
#define REL1(o) "<string key=\"ocel:object-id\" value=\"" o "\"/>"
static const char v1_xml[] =
	"<log>\n"
	" <global scope=\"log\"><string key=\"ocel:version\" value=\"1.0\"/></global>\n"
	" <events>\n"
	EV1("e1", "place", "2024-01-01T10:00:00Z", REL1("o1") REL1("i1") REL1("o1"),
	    "<string key=\"clerk\" value=\"ana\"/>")
	EV1("e2", "place", "2024-01-01T11:00:00Z", REL1("o2"), "")
	EV1("e3", "pack", "2024-01-02T09:00:00", REL1("i1"), "")
	EV1("e4", "ship", "2024-01-03T08:00:00Z", REL1("o1") REL1("o2"), "")
	EV1("e5", "audit", "2024-01-04T00:00:00Z", REL1("ghost"), "")
	EV1("e6", "pay", "2024-01-02T00:00:00Z", REL1("o1"), "")
	" </events>\n"
	" <objects>\n"
	"  <object><string key=\"ocel:id\" value=\"o1\"/><string key=\"ocel:type\" value=\"order\"/>"
	"<list key=\"ocel:ovmap\"><string key=\"status\" value=\"new\"/></list></object>\n"
	"  <object><string key=\"ocel:id\" value=\"o2\"/><string key=\"ocel:type\" value=\"order\"/></object>\n"
	"  <object><string key=\"ocel:id\" value=\"o3\"/><string key=\"ocel:type\" value=\"order\"/></object>\n"
	"  <object><string key=\"ocel:id\" value=\"i1\"/><string key=\"ocel:type\" value=\"item\"/></object>\n"
	" </objects>\n"
	"</log>\n";

/* The standard's SQLite tables for the same log (event rows in file order). */
static const char v2_sql[] =
	"CREATE TABLE event (ocel_id TEXT, ocel_type TEXT);"
	"CREATE TABLE object (ocel_id TEXT, ocel_type TEXT);"
	"CREATE TABLE event_map_type (ocel_type TEXT, ocel_type_map TEXT);"
	"CREATE TABLE object_map_type (ocel_type TEXT, ocel_type_map TEXT);"
	"CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT);"
	"CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT);"
	"CREATE TABLE event_place (ocel_id TEXT, ocel_time TIMESTAMP, clerk TEXT);"
	"CREATE TABLE event_pack (ocel_id TEXT, ocel_time TIMESTAMP);"
	"CREATE TABLE event_ship (ocel_id TEXT, ocel_time TIMESTAMP);"
	"CREATE TABLE event_audit (ocel_id TEXT, ocel_time TIMESTAMP);"
	"CREATE TABLE event_pay (ocel_id TEXT, ocel_time TIMESTAMP);"
	"CREATE TABLE object_order (ocel_id TEXT, ocel_time TIMESTAMP, ocel_changed_field TEXT, status TEXT);"
	"CREATE TABLE object_item (ocel_id TEXT, ocel_time TIMESTAMP, ocel_changed_field TEXT);"
	"INSERT INTO event_map_type VALUES ('place','place'),('pack','pack'),('ship','ship'),"
	" ('audit','audit'),('pay','pay');"
	"INSERT INTO object_map_type VALUES ('order','order'),('item','item');"
	"INSERT INTO object VALUES ('o1','order'),('o2','order'),('o3','order'),('i1','item');"
	/* the change row first: the first value must still be the initial one */
	"INSERT INTO object_order VALUES ('o1','2024-01-02 00:00:00Z','status','paid'),"
	" ('o1','1970-01-01 00:00:00',NULL,'new'),('o2','1970-01-01 00:00:00',NULL,NULL);"
	"INSERT INTO object_object VALUES ('o1','i1','has');"
	"INSERT INTO event VALUES ('e1','place'),('e2','place'),('e3','pack'),('e4','ship'),"
	" ('e5','audit'),('e6','pay');"
	"INSERT INTO event_place VALUES ('e1','2024-01-01 10:00:00Z','ana'),"
	" ('e2','2024-01-01 11:00:00Z',NULL);"
	"INSERT INTO event_pack VALUES ('e3','2024-01-02 09:00:00');"
	"INSERT INTO event_ship VALUES ('e4','2024-01-03 08:00:00Z');"
	"INSERT INTO event_audit VALUES ('e5','2024-01-04 00:00:00Z');"
	"INSERT INTO event_pay VALUES ('e6','2024-01-02 00:00:00Z');"
	"INSERT INTO event_object VALUES ('e1','o1','a'),('e1','i1','b'),('e1','o1','c'),"
	" ('e2','o2','a'),('e3','i1','a'),('e4','o1','a'),('e4','o2','a'),('e5','ghost','a'),"
	" ('e6','o1','a');";

/* "activity,activity,..." of case c (borrowed buffer, for assertions) */
static const char *trace(const struct eventlog *l, uint32_t c)
{
	static char buf[256];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = l->case_off[c]; i < l->case_off[c + 1]; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i > l->case_off[c] ? "," : "",
				      eventlog_str(l, l->activity[i]));
	return buf;
}

static int64_t count_of(const struct tally_item *v, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].what, what))
			return v[i].count;
	return 0;
}

/* The figures every form of the log must give, flattened on 'order'. */
static void check_orders(const struct eventlog *l, const char *status_o1)
{
	uint32_t key, val;

	assert_int_equal(l->ncases, 2);
	assert_int_equal(l->n, 5);
	assert_string_equal(eventlog_str(l, l->case_name[0]), "o1");
	assert_string_equal(trace(l, 0), "place,pay,ship");
	assert_string_equal(eventlog_str(l, l->case_name[1]), "o2");
	assert_string_equal(trace(l, 1), "place,ship");
	/* 2024-01-01T10:00:00Z and 2024-01-03T08:00:00Z */
	assert_true(l->time[0] == INT64_C(1704103200000000));
	assert_true(l->time[2] == INT64_C(1704268800000000));
	assert_int_equal(l->out_of_order, 1); /* e6 comes after e4 in the file */
	key = intern_find(&l->strs, "status", 6);
	assert_int_not_equal(key, EVL_NONE);
	val = eventlog_case_attr(l, 0, key);
	assert_string_equal(eventlog_str(l, val), status_o1);
	key = intern_find(&l->strs, "clerk", 5);
	assert_int_not_equal(key, EVL_NONE);
	assert_string_equal(eventlog_str(l, eventlog_case_attr(l, 0, key)), "ana");
}

static void check_tally(const struct tally *t)
{
	assert_int_equal(t->read, 6);
	assert_int_equal(t->used, 4);
	assert_true(tally_balanced(t));
	assert_int_equal(count_of(t->skips, t->nskips, "not related to an object of type 'order'"), 1);
	assert_int_equal(count_of(t->skips, t->nskips, "related to no object in the log"), 1);
	assert_int_equal(count_of(t->notes, t->nnotes, "repeated relationship of an event to one object"), 1);
	assert_int_equal(count_of(t->notes, t->nnotes, "relationship to an object not in the log"), 1);
	assert_int_equal(count_of(t->notes, t->nnotes, "object of type 'order' with no event (no case)"), 1);
	assert_int_equal(count_of(t->assumptions, t->nassumptions,
				  "event related to several objects of the type: one copy in each case"), 1);
	assert_int_equal(count_of(t->assumptions, t->nassumptions,
				  "time without a UTC offset read as UTC"), 1);
	assert_string_equal(t->skips[0].where + strlen(t->skips[0].where) - 10, "event 'e3'");
}

static void read_form(const char *data, const char *name, int want_found, const char *status)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ingest_opts o = { 0 };
	struct eventlog l;
	struct tally t;
	int found = 0;

	tally_init(&t, "events");
	o.tally = &t;
	eventlog_init(&l);
	if (ingest_ocel_any_buffer(data, strlen(data), name, 0, "order", &l, &o, &found, &err))
		fail_msg("%s: %s", name, err.msg);
	assert_int_equal(found, want_found);
	check_orders(&l, status);
	check_tally(&t);
	eventlog_release(&l);
	tally_release(&t);
}

static void ocel_forms_give_one_flattening(void **state)
{
	(void)state;
	read_form(v2_json, "t.jsonocel", INGEST_OCEL_V2 | INGEST_OCEL_JSON, "new");
	read_form(v2_xml, "t.xmlocel", INGEST_OCEL_V2 | INGEST_OCEL_XML, "new");
	read_form(v1_json, "t1.jsonocel", INGEST_OCEL_V1 | INGEST_OCEL_JSON, "new");
	read_form(v1_xml, "t1.xmlocel", INGEST_OCEL_V1 | INGEST_OCEL_XML, "new");
}

static void ocel_notes_what_the_file_has_and_is_not_used(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ingest_opts o = { 0 };
	struct eventlog l;
	struct tally t;

	(void)state;
	tally_init(&t, "events");
	o.tally = &t;
	eventlog_init(&l);
	assert_int_equal(ingest_ocel_any_buffer(v2_json, strlen(v2_json), "t.jsonocel", 0, "order",
						&l, &o, NULL, &err), 0);
	assert_int_equal(count_of(t.notes, t.nnotes, "object-to-object relationship"), 1);
	assert_int_equal(count_of(t.notes, t.nnotes,
				  "later value of an object attribute (the first is the case attribute)"), 1);
	eventlog_release(&l);
	tally_release(&t);

	tally_init(&t, "events");
	eventlog_init(&l);
	assert_int_equal(ingest_ocel_any_buffer(v1_json, strlen(v1_json), "t1.jsonocel", 0, "order",
						&l, &o, NULL, &err), 0);
	assert_int_equal(count_of(t.notes, t.nnotes, "OCEL 1.0 global block (declarations and defaults)"), 1);
	eventlog_release(&l);
	tally_release(&t);
}

static void ocel_strict_refuses_faults_not_the_choice_of_type(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ingest_opts o = { 0 };
	struct eventlog l;
	struct tally t;
	/* e5 (related to an unknown object only) is a fault; e3 (an item) is not */
	char *no_ghost = xstrdup(v2_json);
	char *g = strstr(no_ghost, "\"ghost\"");

	(void)state;
	tally_init(&t, "events");
	t.strict = 1;
	o.tally = &t;
	eventlog_init(&l);
	assert_int_equal(ingest_ocel_any_buffer(v2_json, strlen(v2_json), "t.jsonocel", 0, "order",
						&l, &o, NULL, &err), AIV_EINPUT);
	assert_contains(err.msg, "t.jsonocel: event 'e5': related to no object in the log");
	assert_contains(err.msg, "--strict");
	eventlog_release(&l);
	tally_release(&t);

	memcpy(g, "\"o2\"   ", 7); /* e5 now relates to o2: valid JSON, same length */
	tally_init(&t, "events");
	t.strict = 1;
	eventlog_init(&l);
	assert_int_equal(ingest_ocel_any_buffer(no_ghost, strlen(no_ghost), "t.jsonocel", 0, "order",
						&l, &o, NULL, &err), 0);
	assert_int_equal(t.used, 5);
	assert_int_equal(tally_skipped(&t), 1); /* e3, by choice of type */
	eventlog_release(&l);
	tally_release(&t);
	free(no_ghost);
}

static char *write_sqlite(const char *dir)
{
	char *path = xstrfmt("%s/t.sqlite", dir);
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v2_sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	return path;
}

static void ocel_sqlite_file_and_buffer_read_only(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ingest_opts o = { 0 };
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	char *dir = unit_tmpdir(), *path = write_sqlite(dir);
	struct eventlog l;
	struct tally t;
	int found = 0;

	(void)state;
	assert_int_equal(strbuf_read_file(&before, path, 1 << 20), 0);
	tally_init(&t, "events");
	o.tally = &t;
	eventlog_init(&l);
	if (ingest_ocel_any_file(path, INGEST_OCEL_SQLITE, "order", &l, &o, &found, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(found, INGEST_OCEL_V2 | INGEST_OCEL_SQLITE);
	check_orders(&l, "new");
	check_tally(&t);
	assert_int_equal(count_of(t.notes, t.nnotes, "object-to-object relationship"), 1);
	assert_int_equal(count_of(t.notes, t.nnotes,
				  "later value of an object attribute (the first is the case attribute)"), 1);
	eventlog_release(&l);
	tally_release(&t);
	/* reading never writes: the file is byte for byte the same */
	assert_int_equal(strbuf_read_file(&after, path, 1 << 20), 0);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.buf, after.buf, before.len);
	/* the same bytes from memory */
	eventlog_init(&l);
	if (ingest_ocel_any_buffer(before.buf, before.len, "t.sqlite", 0, "order", &l, NULL, &found,
				   &err))
		fail_msg("%s", err.msg);
	check_orders(&l, "new");
	eventlog_release(&l);
	strbuf_release(&before);
	strbuf_release(&after);
	unit_rmtree(dir);
	free(path);
	free(dir);
}

/* Run SQL on the fixture, then expect the import to fail with `want`. */
static void sqlite_refuses(const char *dir, const char *sql, const char *want)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct eventlog l;
	char *path = write_sqlite(dir);
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	eventlog_init(&l);
	assert_int_equal(ingest_ocel_any_file(path, 0, "order", &l, NULL, NULL, &err), AIV_EINPUT);
	assert_contains(err.msg, want);
	eventlog_release(&l);
	unlink(path);
	free(path);
}

static void ocel_sqlite_never_trusted(void **state)
{
	char *dir = unit_tmpdir();

	(void)state;
	/* a type mapped to a name that would break out of the quotes */
	sqlite_refuses(dir, "UPDATE event_map_type SET ocel_type_map = 'x\" ; --' WHERE ocel_type = 'pay'",
		       "table 'event_map_type': type 'pay' has no usable ocel_type_map");
	/* a view could run any query: only tables are read */
	sqlite_refuses(dir, "ALTER TABLE event_pay RENAME TO p; CREATE VIEW event_pay AS SELECT * FROM p",
		       "type 'pay' maps to 'event_pay', which is not a table");
	sqlite_refuses(dir, "DELETE FROM event_pay", "event 'e6': no 'ocel_time'");
	sqlite_refuses(dir, "INSERT INTO event_pay VALUES ('e6', '2024-01-05 00:00:00Z')",
		       "event 'e6': a second row in 'event_pay'");
	sqlite_refuses(dir, "UPDATE event_ship SET ocel_time = 'soon'",
		       "t.sqlite: event 'e4': unparseable time 'soon' in 'ocel_time'");
	sqlite_refuses(dir, "INSERT INTO event_pay VALUES ('e9', '2024-01-05 00:00:00Z')",
		       "table 'event_pay': row 2: event 'e9' is not in table 'event'");
	sqlite_refuses(dir, "INSERT INTO object VALUES ('o1', 'item')",
		       "object 'o1': the id is given to two objects");
	sqlite_refuses(dir, "DROP TABLE event_object", "not an OCEL 2.0 SQLite log: no table 'event_object'");
	sqlite_refuses(dir, "ALTER TABLE event DROP COLUMN ocel_type",
		       "table 'event': no such column: ocel_type");
	sqlite_refuses(dir, "UPDATE event_pack SET ocel_time = zeroblob(2000000)",
		       "column 'ocel_time' is longer than 1048576 bytes");
	unit_rmtree(dir);
	free(dir);
}

/* Import `data` as `name`, expect failure with `want` in the message. */
static void refuses(const char *data, const char *name, const char *want)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct eventlog l;

	eventlog_init(&l);
	assert_int_not_equal(ingest_ocel_any_buffer(data, strlen(data), name, 0, "order", &l, NULL,
						    NULL, &err), 0);
	assert_contains(err.msg, want);
	eventlog_release(&l);
}

/* Replace the first `from` in `s` by `to` (test scaffolding); caller frees. */
static char *edit(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);

	assert_non_null(p);
	return xstrfmt("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

static void ocel_errors_name_file_record_and_field(void **state)
{
	char *s;

	(void)state;
	s = edit(v2_json, "\"time\": \"2024-01-03T08:00:00Z\"", "\"time\": \"03.13.2024\"");
	refuses(s, "t.jsonocel", "t.jsonocel: event 'e4': unparseable time '03.13.2024' in 'time'");
	free(s);
	s = edit(v2_json, "\"type\": \"pack\", ", "");
	refuses(s, "t.jsonocel", "t.jsonocel: event 'e3': no 'type' (a string)");
	free(s);
	s = edit(v2_json, "{\"objectId\": \"o2\", \"qualifier\": \"a\"}]},\n  {\"id\": \"e3\"",
		 "{\"qualifier\": \"a\"}]},\n  {\"id\": \"e3\"");
	refuses(s, "t.jsonocel", "event 'e2': relationships[0]: no 'objectId' (a string)");
	free(s);
	s = edit(v2_json, "\"id\": \"o2\"", "\"id\": \"o1\"");
	refuses(s, "t.jsonocel", "object 'o1': the id is given to two objects");
	free(s);
	s = edit(v1_json, "\"ocel:omap\": [\"o2\"]", "\"ocel:omap\": \"o2\"");
	refuses(s, "t1.jsonocel", "t1.jsonocel: event 'e2': 'ocel:omap' is not a list");
	free(s);
	s = edit(v1_json, "\"ocel:activity\": \"ship\", ", "");
	refuses(s, "t1.jsonocel", "t1.jsonocel: event 'e4': no 'ocel:activity' (a string)");
	free(s);
	/* OCEL 1.0 ids are keys: a repeated one would silently replace a record */
	s = edit(v1_json, "\"e2\": {", "\"e1\": {");
	refuses(s, "t1.jsonocel", "t1.jsonocel:5:");
	refuses(s, "t1.jsonocel", "duplicate object key");
	free(s);
	s = edit(v2_xml, "time=\"2024-01-02T00:00:00Z\">\n   <objects>", "time=\"never\">\n   <objects>");
	refuses(s, "t.xmlocel", "t.xmlocel:28:3: event 'e6': unparseable time 'never' in 'time'");
	free(s);
	s = edit(v1_xml, "<date key=\"ocel:timestamp\" value=\"2024-01-01T11:00:00Z\"/>", "");
	refuses(s, "t1.xmlocel", "t1.xmlocel:5:");
	refuses(s, "t1.xmlocel", "event 'e2': no 'timestamp'");
	free(s);
	refuses("{\"events\": [], \"objects\": [], \"ocel:events\": {}}", "both.json",
		"ambiguous OCEL JSON log");
	refuses("{\"traces\": []}", "x.json", "not an OCEL JSON log");
	refuses("<log xes.version=\"1.0\"><trace/></log>", "x.xes",
		"x.xes:1:24: not an OCEL XML log: <trace> under <log> is XES");
	refuses("case,activity\n1,a\n", "x.csv", "x.csv: not an OCEL log: neither JSON, XML nor SQLite");
}

static void ocel_unknown_type_lists_the_types(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct eventlog l;

	(void)state;
	eventlog_init(&l);
	assert_int_equal(ingest_ocel_any_buffer(v2_xml, strlen(v2_xml), "t.xmlocel", 0, "invoice", &l,
						NULL, NULL, &err), AIV_EINPUT);
	assert_string_equal(err.msg, "t.xmlocel: no objects of type 'invoice' (types: 'order', 'item')");
	eventlog_release(&l);
}

static void ocel_form_asked_for_and_found(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ingest_opts o = { 0 };
	struct eventlog l;
	struct tally t;
	int f, found = 0;

	(void)state;
	assert_int_equal(ingest_ocel_form_parse("ocel2-sqlite", &f), 0);
	assert_int_equal(f, INGEST_OCEL_V2 | INGEST_OCEL_SQLITE);
	assert_int_equal(ingest_ocel_form_parse("ocel", &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(ingest_ocel_form_parse("ocel3", &f), -1);
	assert_string_equal(ingest_ocel_form_name(INGEST_OCEL_V1 | INGEST_OCEL_XML), "OCEL 1.0 XML");
	assert_string_equal(ingest_ocel_form_name(INGEST_OCEL_JSON), "OCEL JSON");
	assert_string_equal(ingest_ocel_form_key(INGEST_OCEL_V1 | INGEST_OCEL_JSON), "ocel1-json");
	assert_int_equal(ingest_ocel_form_of_name("a/b.xmlocel"), INGEST_OCEL_XML);
	assert_int_equal(ingest_ocel_form_of_name("b.sqlite"), INGEST_OCEL_SQLITE);

	/* OCEL 1.0 JSON where OCEL 2.0 XML was asked for: read, and said */
	tally_init(&t, "events");
	o.tally = &t;
	eventlog_init(&l);
	assert_int_equal(ingest_ocel_any_buffer(v1_json, strlen(v1_json), "t.xmlocel",
						INGEST_OCEL_V2 | INGEST_OCEL_XML, "order", &l, &o,
						&found, &err), 0);
	assert_int_equal(found, INGEST_OCEL_V1 | INGEST_OCEL_JSON);
	assert_int_equal(count_of(t.assumptions, t.nassumptions,
				  "file is OCEL 1.0 JSON, not OCEL 2.0 XML: read as OCEL 1.0 JSON"), 1);
	check_orders(&l, "new");
	eventlog_release(&l);
	tally_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocel_forms_give_one_flattening),
		cmocka_unit_test(ocel_notes_what_the_file_has_and_is_not_used),
		cmocka_unit_test(ocel_strict_refuses_faults_not_the_choice_of_type),
		cmocka_unit_test(ocel_sqlite_file_and_buffer_read_only),
		cmocka_unit_test(ocel_sqlite_never_trusted),
		cmocka_unit_test(ocel_errors_name_file_record_and_field),
		cmocka_unit_test(ocel_unknown_type_lists_the_types),
		cmocka_unit_test(ocel_form_asked_for_and_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
