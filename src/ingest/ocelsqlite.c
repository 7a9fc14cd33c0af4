/*
 * ocelsqlite.c - OCEL 2.0 in its SQLite form, read into a struct ocel_doc.
 *
 * The file is someone else's database, not our workspace: it is opened
 * read-only (a buffer through sqlite3_deserialize, read-only too), with
 * SQLite's defensive mode on and its schema untrusted, and nothing in it
 * is trusted either.  The tables the standard defines:
 *
 *   event(ocel_id, ocel_type)          object(ocel_id, ocel_type)
 *   event_map_type(ocel_type, ocel_type_map)   one row per event type
 *   object_map_type(ocel_type, ocel_type_map)  one row per object type
 *   event_<map>(ocel_id, ocel_time, attribute columns...)
 *   object_<map>(ocel_id, ocel_time, ocel_changed_field, attribute columns...)
 *   event_object(ocel_event_id, ocel_object_id, ocel_qualifier)
 *   object_object(ocel_source_id, ocel_target_id, ocel_qualifier)
 *
 * Every statement is prepared; the only names spliced into SQL are the
 * per-type table names, and each is checked first to be an existing
 * table (not a view, which could run any query) spelled without a double
 * quote, then quoted.  Every value is bounded (OCEL_MAX_FIELD).  Events
 * are taken in the rowid order of table `event` (its file order); each
 * event's time is the one row for it in its type's table.  In
 * object_<map>, rows with ocel_changed_field NULL give the first values
 * of the attributes; rows naming a field are later values (counted as
 * not used by the flattening).
 *
 * SQL here names only the OCEL file's tables; the workspace's tables stay
 * behind store/ (DESIGN.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ingest/oceldoc.h"

struct osq {
	sqlite3 *db;
	struct ocel_doc *d;
	struct aiv_err *err;
	struct intern tables;  /* per-type tables already read */
};

static int sq_fail(struct osq *q, const char *table, const char *what)
{
	return aiv_fail(q->err, AIV_EINPUT, "%s: table '%s': %s", q->d->name, table, what);
}

static int prepare(struct osq *q, const char *table, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(q->db, sql, -1, st, NULL) != SQLITE_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(q->db));
		*st = NULL;
		return sq_fail(q, table, msg);
	}
	return 0;
}

/* sqlite3_step's result as ours: 1 row, 0 done, <0 error (err set). */
static int step(struct osq *q, sqlite3_stmt *st, const char *table)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_fail(q, table, sqlite3_errmsg(q->db));
}

/*
 * Column i as text (NULL for SQL NULL); values over OCEL_MAX_FIELD are an
 * error.  Borrowed until the next step.  *len is set.
 */
static int text(struct osq *q, sqlite3_stmt *st, int i, const char *table, long row,
		const char **out, size_t *len)
{
	const unsigned char *s;
	int n;

	*out = NULL;
	*len = 0;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	s = sqlite3_column_text(st, i);
	n = sqlite3_column_bytes(st, i);
	if (!s)
		return aiv_fail(q->err, AIV_EINPUT, "%s: table '%s', row %ld: column '%s' cannot be read as text",
				q->d->name, table, row, sqlite3_column_name(st, i));
	if ((size_t)n > OCEL_MAX_FIELD || memchr(s, '\0', (size_t)n))
		return aiv_fail(q->err, AIV_EINPUT, "%s: table '%s', row %ld: column '%s' is longer than "
				"%u bytes or holds a NUL", q->d->name, table, row,
				sqlite3_column_name(st, i), OCEL_MAX_FIELD);
	*out = (const char *)s;
	*len = (size_t)n;
	return 0;
}

/* 1 if `name` is a table (not a view) of the file, else 0. */
static int is_table(struct osq *q, const char *name, int *yes)
{
	sqlite3_stmt *st;
	int ret;

	*yes = 0;
	if ((ret = prepare(q, "sqlite_master",
			   "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", &st)))
		return ret;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	ret = step(q, st, "sqlite_master");
	sqlite3_finalize(st);
	if (ret < 0)
		return ret;
	*yes = ret;
	return 0;
}

/* `object` or `event`: (ocel_id, ocel_type) rows in rowid order. */
static int read_records(struct osq *q, const char *table)
{
	char sql[128];
	sqlite3_stmt *st;
	long row = 0;
	int ret, r;

	snprintf(sql, sizeof(sql), "SELECT ocel_id, ocel_type FROM \"%s\" ORDER BY rowid", table);
	if ((ret = prepare(q, table, sql, &st)))
		return ret;
	while ((r = step(q, st, table)) > 0) {
		const char *id, *type;
		size_t n;
		row++;
		if ((ret = text(q, st, 0, table, row, &id, &n)) ||
		    (ret = text(q, st, 1, table, row, &type, &n)))
			break;
		if (!id || !type) {
			char what[160];
			snprintf(what, sizeof(what), "row %ld%s%.80s%s: no '%s'", row,
				 id ? " (" : "", id ? id : "", id ? ")" : "", id ? "ocel_type" : "ocel_id");
			ret = sq_fail(q, table, what);
			break;
		}
		if (*table == 'e')
			ocel_add_event(q->d, id, type);
		else
			ocel_add_object(q->d, id, type);
	}
	if (r < 0)
		ret = r;
	sqlite3_finalize(st);
	return ret;
}

/*
 * The per-type table for map value `map` ("event_" or "object_" prefix):
 * checked to be a table, quoted, and read once even if several types map
 * to it.  *sql gets the SELECT, or stays empty when already read.
 */
static int type_table(struct osq *q, const char *prefix, const char *type, const char *map,
		      char *table, size_t tn, struct strbuf *sql)
{
	char what[600];
	int yes, ret;

	strbuf_reset(sql);
	if (!map || !*map || strlen(map) > 200 || strchr(map, '"')) {
		snprintf(what, sizeof(what), "type '%.200s' has no usable ocel_type_map", type);
		return sq_fail(q, *prefix == 'e' ? "event_map_type" : "object_map_type", what);
	}
	snprintf(table, tn, "%s%s", prefix, map);
	if ((ret = is_table(q, table, &yes)))
		return ret;
	if (!yes) {
		snprintf(what, sizeof(what), "type '%.200s' maps to '%s', which is not a table", type,
			 table);
		return sq_fail(q, *prefix == 'e' ? "event_map_type" : "object_map_type", what);
	}
	if (intern_find(&q->tables, table, strlen(table)) != EVL_NONE)
		return 0;
	intern_idn(&q->tables, table, strlen(table));
	strbuf_addf(sql, "SELECT * FROM \"%s\"", table);
	return 0;
}

static int column(sqlite3_stmt *st, const char *name)
{
	int i, n = sqlite3_column_count(st);

	for (i = 0; i < n; i++)
		if (!strcmp(sqlite3_column_name(st, i), name))
			return i;
	return -1;
}

/* event_<map>: the time and the attributes of each event. */
static int read_event_table(struct osq *q, const char *table, sqlite3_stmt *st)
{
	struct ocel_doc *d = q->d;
	int cid = column(st, "ocel_id"), ctime = column(st, "ocel_time");
	int i, r, ret = 0, ncol = sqlite3_column_count(st);
	long row = 0;

	if (cid < 0 || ctime < 0)
		return sq_fail(q, table, cid < 0 ? "no column 'ocel_id'" : "no column 'ocel_time'");
	while ((r = step(q, st, table)) > 0) {
		const char *id, *time, *v;
		size_t idlen, tlen, vlen, ev;
		row++;
		if ((ret = text(q, st, cid, table, row, &id, &idlen)) ||
		    (ret = text(q, st, ctime, table, row, &time, &tlen)))
			return ret;
		ev = id ? ocel_event_of(d, intern_find(&d->strs, id, idlen)) : SIZE_MAX;
		if (ev == SIZE_MAX) {
			char what[300];
			snprintf(what, sizeof(what), "row %ld: event '%.200s' is not in table 'event'", row,
				 id ? id : "(null)");
			return sq_fail(q, table, what);
		}
		if (d->ev[ev].has_time)
			return aiv_fail(q->err, AIV_EINPUT, "%s: event '%s': a second row in '%s'",
					d->name, id, table);
		if (!time)
			return aiv_fail(q->err, AIV_EINPUT, "%s: event '%s': no 'ocel_time' in '%s'",
					d->name, id, table);
		if ((ret = ocel_event_time(d, ev, "ocel_time", time, tlen, q->err)))
			return ret;
		for (i = 0; i < ncol; i++) {
			if (i == cid || i == ctime)
				continue;
			if ((ret = text(q, st, i, table, row, &v, &vlen)))
				return ret;
			if (v)
				ocel_add_eattr(d, ev, sqlite3_column_name(st, i), v, vlen);
		}
	}
	return r < 0 ? r : 0;
}

/*
 * object_<map>: first values (ocel_changed_field NULL) go in at once;
 * changes wait in `later` so that a first value always comes first.
 */
static int read_object_table(struct osq *q, const char *table, sqlite3_stmt *st,
			     struct ocel_item **later, size_t *nlater, size_t *alater)
{
	struct ocel_doc *d = q->d;
	int cid = column(st, "ocel_id"), ctime = column(st, "ocel_time");
	int cchg = column(st, "ocel_changed_field");
	int i, r, ret = 0, ncol = sqlite3_column_count(st);
	long row = 0;

	if (cid < 0)
		return sq_fail(q, table, "no column 'ocel_id'");
	while ((r = step(q, st, table)) > 0) {
		const char *id, *chg = NULL, *v;
		size_t idlen, clen, vlen, o;
		row++;
		if ((ret = text(q, st, cid, table, row, &id, &idlen)) ||
		    (cchg >= 0 && (ret = text(q, st, cchg, table, row, &chg, &clen))))
			return ret;
		o = id ? ocel_object_of(d, intern_find(&d->strs, id, idlen)) : SIZE_MAX;
		if (o == SIZE_MAX) {
			char what[300];
			snprintf(what, sizeof(what), "row %ld: object '%.200s' is not in table 'object'",
				 row, id ? id : "(null)");
			return sq_fail(q, table, what);
		}
		for (i = 0; i < ncol; i++) {
			const char *name = sqlite3_column_name(st, i);
			if (i == cid || i == ctime || i == cchg || (chg && strcmp(name, chg)))
				continue;
			if ((ret = text(q, st, i, table, row, &v, &vlen)))
				return ret;
			if (!v)
				continue;
			if (!chg) {
				ocel_add_oattr(d, o, name, v, vlen);
			} else {
				ALLOC_GROW(*later, *nlater + 1, *alater);
				(*later)[*nlater].owner = (uint32_t)o;
				(*later)[*nlater].key = ocel_str(d, name, strlen(name));
				(*later)[(*nlater)++].value = ocel_str(d, v, vlen);
			}
		}
	}
	return r < 0 ? r : 0;
}

/* event_map_type / object_map_type, then each per-type table. */
static int read_types(struct osq *q, int events)
{
	const char *map_table = events ? "event_map_type" : "object_map_type";
	struct ocel_item *later = NULL;
	size_t nlater = 0, alater = 0, i;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL, *tst = NULL;
	char table[256], q_sql[128];
	int r, ret;

	snprintf(q_sql, sizeof(q_sql), "SELECT ocel_type, ocel_type_map FROM %s ORDER BY rowid",
		 map_table);
	if ((ret = prepare(q, map_table, q_sql, &st)))
		goto cleanup;
	while ((r = step(q, st, map_table)) > 0) {
		const char *type, *map;
		size_t n;
		if ((ret = text(q, st, 0, map_table, 0, &type, &n)) ||
		    (ret = text(q, st, 1, map_table, 0, &map, &n)) ||
		    (ret = type_table(q, events ? "event_" : "object_", type ? type : "(null)", map,
				      table, sizeof(table), &sql)))
			goto cleanup;
		if (!sql.len)
			continue;
		if ((ret = prepare(q, table, sql.buf, &tst)))
			goto cleanup;
		ret = events ? read_event_table(q, table, tst)
			     : read_object_table(q, table, tst, &later, &nlater, &alater);
		sqlite3_finalize(tst);
		tst = NULL;
		if (ret)
			goto cleanup;
	}
	if (r < 0) {
		ret = r;
		goto cleanup;
	}
	for (i = 0; i < nlater; i++)
		ocel_add_attr_id(q->d, 0, later[i].owner, later[i].key, later[i].value);
cleanup:
	sqlite3_finalize(st);
	sqlite3_finalize(tst);
	strbuf_release(&sql);
	free(later);
	return ret;
}

static int read_relations(struct osq *q)
{
	struct ocel_doc *d = q->d;
	sqlite3_stmt *st;
	long row = 0;
	int r, ret;

	if ((ret = prepare(q, "event_object",
			   "SELECT ocel_event_id, ocel_object_id FROM event_object ORDER BY rowid", &st)))
		return ret;
	while ((r = step(q, st, "event_object")) > 0) {
		const char *eid, *oid;
		size_t elen, olen, ev;
		row++;
		if ((ret = text(q, st, 0, "event_object", row, &eid, &elen)) ||
		    (ret = text(q, st, 1, "event_object", row, &oid, &olen)))
			break;
		ev = eid ? ocel_event_of(d, intern_find(&d->strs, eid, elen)) : SIZE_MAX;
		if (ev == SIZE_MAX) {
			ocel_note(d, "relationship of an event not in table 'event'", NULL, NULL);
			continue;
		}
		if (!oid) {
			ret = aiv_fail(q->err, AIV_EINPUT, "%s: event '%s': a row of 'event_object' has no "
				       "'ocel_object_id'", d->name, eid);
			break;
		}
		ocel_add_rel(d, ev, oid, olen);
	}
	if (r < 0)
		ret = r;
	sqlite3_finalize(st);
	return ret;
}

/* object_object is optional; its rows are counted as not used. */
static int note_o2o(struct osq *q)
{
	sqlite3_stmt *st;
	int yes, ret;
	sqlite3_int64 n;

	if ((ret = is_table(q, "object_object", &yes)) || !yes)
		return ret;
	if ((ret = prepare(q, "object_object", "SELECT count(*) FROM object_object", &st)))
		return ret;
	ret = step(q, st, "object_object");
	n = ret > 0 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (ret < 0)
		return ret;
	ocel_note_n(q->d, "object-to-object relationship", n);
	return 0;
}

static int open_db(struct osq *q, const char *path, const char *data, size_t len)
{
	int rc;

	if (path)
		rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READONLY, NULL);
	else
		rc = sqlite3_open_v2(":memory:", &q->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK)
		return aiv_fail(q->err, AIV_EIO, "cannot open '%s' as SQLite: %s", q->d->name,
				q->db ? sqlite3_errmsg(q->db) : "out of memory");
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_limit(q->db, SQLITE_LIMIT_LENGTH, (int)OCEL_MAX_FIELD * 4);
	if (!path) {
		/* sqlite3_deserialize reads the bytes in place and, read-only, never writes them */
		if ((sqlite3_int64)len < 0 ||
		    sqlite3_deserialize(q->db, "main", (unsigned char *)(uintptr_t)data,
					(sqlite3_int64)len, (sqlite3_int64)len,
					SQLITE_DESERIALIZE_READONLY) != SQLITE_OK)
			return aiv_fail(q->err, AIV_EINPUT, "%s: not a readable SQLite database: %s",
					q->d->name, sqlite3_errmsg(q->db));
	}
	return 0;
}

int ocel_read_sqlite(const char *path, const char *data, size_t len, struct ocel_doc *d,
		     struct aiv_err *err)
{
	static const char *const need[] = { "event", "object", "event_object", "event_map_type",
					     "object_map_type" };
	struct osq q;
	size_t i;
	int ret, yes;

	memset(&q, 0, sizeof(q));
	q.d = d;
	q.err = err;
	intern_init(&q.tables);
	d->form = INGEST_OCEL_V2 | INGEST_OCEL_SQLITE;
	if ((ret = open_db(&q, path, data, len)))
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if ((ret = is_table(&q, need[i], &yes)))
			goto cleanup;
		if (!yes) {
			ret = aiv_fail(err, AIV_EINPUT, "%s: not an OCEL 2.0 SQLite log: no table '%s'",
				       d->name, need[i]);
			goto cleanup;
		}
	}
	if ((ret = read_records(&q, "object")) || (ret = read_records(&q, "event")) ||
	    (ret = ocel_index(d, err)) || (ret = read_types(&q, 0)) || (ret = read_types(&q, 1)))
		goto cleanup;
	for (i = 0; i < d->nev; i++)
		if (!d->ev[i].has_time) {
			ret = aiv_fail(err, AIV_EINPUT, "%s: event '%s': no 'ocel_time' (no row in the "
				       "table of its type '%s')", d->name, ocel_s(d, d->ev[i].id),
				       ocel_s(d, d->ev[i].type));
			goto cleanup;
		}
	if ((ret = read_relations(&q)) || (ret = note_o2o(&q)))
		goto cleanup;
cleanup:
	if (q.db)
		sqlite3_close(q.db);
	intern_release(&q.tables);
	return ret;
}
