/*
 * logstore.c - save, load and list event logs; layout in logstore.h.
 *
 * Columns are written in chunks of at most CHUNK bytes so that no single
 * BLOB approaches SQLite's 1 GB limit and memory stays bounded per row.
 * CHUNK is 256 KiB: SQLite copies a bound BLOB (SQLITE_TRANSIENT) and
 * again into the record it builds, so each row costs two buffers of its
 * size; with 4 MiB chunks a 338,247-event log's 2.7 MB time column made
 * both fresh memory, 975 of the import's 5,196 first-touch page faults
 * (docs/performance.md, "XES").  At 256 KiB they are reused from row to
 * row.  The reader joins the chunks of a column whatever their size, so
 * logs written with the old size load as before, and the content hash is
 * over the columns, not the rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/timeutil.h"
#include "ingest/logstore.h"
#include "ledger/ledger.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
/* NEEDSWORK: byte-swap columns on big-endian hosts */
#error "logstore writes columns in host order, which must be little-endian"
#endif

#define CHUNK ((size_t)256 << 10)

struct column {
	const char *name;
	const void *data;
	size_t len;
	int owned;
};

/* The columns of a finished log in the documented order; case_len is built. */
static size_t log_columns(const struct eventlog *l, struct column *c)
{
	size_t n = 0, i;
	uint32_t *case_len = xmalloc(st_mult(l->ncases ? l->ncases : 1, 4));

	for (i = 0; i < l->ncases; i++)
		case_len[i] = (uint32_t)(l->case_off[i + 1] - l->case_off[i]);
	c[n++] = (struct column){ "strings", l->strs.arena, l->strs.arena_len, 0 };
	c[n++] = (struct column){ "case_name", l->case_name, (size_t)l->ncases * 4, 0 };
	c[n++] = (struct column){ "case_len", case_len, (size_t)l->ncases * 4, 1 };
	c[n++] = (struct column){ "activity", l->activity, l->n * 4, 0 };
	c[n++] = (struct column){ "resource", l->resource, l->n * 4, 0 };
	if (!l->no_time)
		c[n++] = (struct column){ "time", l->time, l->n * 8, 0 };
	if (l->lifecycle)
		c[n++] = (struct column){ "lifecycle", l->lifecycle, l->n * 4, 0 };
	if (l->cost)
		c[n++] = (struct column){ "cost", l->cost, l->n * 8, 0 };
	if (l->ncattrs)
		c[n++] = (struct column){ "cattr", l->cattrs, l->ncattrs * 16, 0 };
	if (l->neattrs)
		c[n++] = (struct column){ "eattr", l->eattrs, l->neattrs * 16, 0 };
	return n;
}

static void free_columns(struct column *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].owned)
			free((void *)c[i].data);
}

static void hash_columns(const struct column *c, size_t n, char out[SHA256_HEX])
{
	struct sha256_ctx h;
	uint8_t d[SHA256_LEN], le[8];
	size_t i, k;

	sha256_init(&h);
	for (i = 0; i < n; i++) {
		uint64_t len = c[i].len;
		for (k = 0; k < 8; k++)
			le[k] = (uint8_t)(len >> (8 * k));
		sha256_update(&h, c[i].name, strlen(c[i].name) + 1);
		sha256_update(&h, le, 8);
		sha256_update(&h, c[i].data, c[i].len);
	}
	sha256_final(&h, d);
	hex_encode(d, SHA256_LEN, out);
}

void logstore_content_hash(const struct eventlog *l, char out[SHA256_HEX])
{
	struct column c[12];
	size_t n = log_columns(l, c);

	hash_columns(c, n, out);
	free_columns(c, n);
}

static void time_range(const struct eventlog *l, char first[TIME_ISO_LEN],
		       char last[TIME_ISO_LEN])
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	size_t i;

	if (l->no_time) { /* no range: '' is what `logs` and load read as "no timestamps" */
		first[0] = last[0] = '\0';
		return;
	}
	for (i = 0; i < l->n; i++) {
		if (l->time[i] < lo)
			lo = l->time[i];
		if (l->time[i] > hi)
			hi = l->time[i];
	}
	time_format_us(lo, first);
	time_format_us(hi, last);
}

int logstore_save(struct store *s, const char *actor, const char *name,
		  const char *format, const char *source, const struct eventlog *l,
		  enum logstore_status *status, int64_t *seq,
		  char hash[SHA256_HEX], struct aiv_err *err)
{
	return logstore_save_tally(s, actor, name, format, source, l, NULL, status, seq,
				   hash, err);
}

int logstore_save_tally(struct store *s, const char *actor, const char *name,
			const char *format, const char *source, const struct eventlog *l,
			const struct tally *t, enum logstore_status *status, int64_t *seq,
			char hash[SHA256_HEX], struct aiv_err *err)
{
	return logstore_save_kept(s, actor, name, format, source, l, t, NULL, 0, status, seq,
				  hash, err);
}

/* Run one statement binding (log_id) or (log_id, form, hash, body). */
static int kept_exec(struct store *s, const char *sql, int64_t log_id,
		     const struct logstore_kept *k, const char *hash, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	store_bind_int(st, 1, log_id);
	if (k) {
		store_bind_text(st, 2, k->form);
		store_bind_text(st, 3, hash);
		store_bind_text(st, 4, k->body);
	}
	ret = store_step(st, err);
	store_reset(st);
	return ret < 0 ? ret : 0;
}

int logstore_save_kept(struct store *s, const char *actor, const char *name,
		       const char *format, const char *source, const struct eventlog *l,
		       const struct tally *t, const struct logstore_kept *kept, size_t nkept,
		       enum logstore_status *status, int64_t *seq,
		       char hash[SHA256_HEX], struct aiv_err *err)
{
	struct column c[12];
	size_t ncol, i, off;
	struct store_stmt *st;
	int64_t log_id = 0, entry = 0;
	char first[TIME_ISO_LEN], last[TIME_ISO_LEN], now[TIME_ISO_LEN];
	char *subject = NULL;
	json_t *payload = NULL;
	uint32_t nact;
	int ret = 0, in_tx = 0, exists = 0;

	*seq = 0;
	if (!l->finished)
		return aiv_fail(err, AIV_EINTERNAL, "log '%s' saved before it was finished", name);
	ncol = log_columns(l, c);
	hash_columns(c, ncol, hash);
	if ((ret = store_begin(s, err)))
		goto cleanup;
	in_tx = 1;
	st = store_prepare(s, "SELECT id, content_hash FROM event_logs WHERE name = ?", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, name);
	ret = store_step(st, err);
	if (ret == STORE_ROW) {
		exists = 1;
		log_id = store_col_int(st, 0);
		if (!strcmp(store_col_text(st, 1), hash)) {
			store_reset(st);
			store_rollback(s);
			in_tx = 0;
			*status = LOGSTORE_UNCHANGED;
			ret = 0;
			goto cleanup;
		}
	}
	store_reset(st);
	if (ret < 0)
		goto cleanup;

	nact = eventlog_count_activities(l);
	time_range(l, first, last);
	subject = xstrfmt("EventLog/%s", name);
	payload = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:b}", "log", name,
			    "format", format, "source", source,
			    "rows", (json_int_t)l->n, "cases", (json_int_t)l->ncases,
			    "activities", (json_int_t)nact, "rows_sha256", hash,
			    "replaced", exists);
	json_object_set_new(payload, "out_of_order", json_integer((json_int_t)l->out_of_order));
	if (l->no_time)
		json_object_set_new(payload, "no_timestamps", json_true());
	if (t) {
		/* the readers account for every row before the log is saved */
		assert(tally_balanced(t));
		json_object_set_new(payload, "tally", tally_json(t));
	}
	if ((ret = ledger_append(s, actor, "import.cases", subject, payload, &entry, err)))
		goto cleanup;
	time_format_us(time_now_us(), now);
	if (exists) {
		st = store_prepare(s, "DELETE FROM event_log_columns WHERE log_id = ?", err);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		store_bind_int(st, 1, log_id);
		ret = store_step(st, err);
		store_reset(st);
		if (ret < 0)
			goto cleanup;
		/* figures over the old content go with it */
		if (store_schema_version(s) >= EVENT_LOG_FIGURES_VERSION &&
		    (ret = kept_exec(s, "DELETE FROM event_log_figures WHERE log_id = ?", log_id,
				     NULL, NULL, err)))
			goto cleanup;
		st = store_prepare(s, "UPDATE event_logs SET format = ?, source = ?, content_hash = ?,"
				      " cases = ?, events = ?, activities = ?, out_of_order = ?,"
				      " first_time = ?, last_time = ?, imported_at = ?, ledger_seq = ?"
				      " WHERE id = ?", err);
	} else {
		st = store_prepare(s, "INSERT INTO event_logs(format, source, content_hash, cases,"
				      " events, activities, out_of_order, first_time, last_time,"
				      " imported_at, ledger_seq, name) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
				   err);
	}
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, format);
	store_bind_text(st, 2, source);
	store_bind_text(st, 3, hash);
	store_bind_int(st, 4, l->ncases);
	store_bind_int(st, 5, (int64_t)l->n);
	store_bind_int(st, 6, nact);
	store_bind_int(st, 7, (int64_t)l->out_of_order);
	store_bind_text(st, 8, first);
	store_bind_text(st, 9, last);
	store_bind_text(st, 10, now);
	store_bind_int(st, 11, entry);
	if (exists)
		store_bind_int(st, 12, log_id);
	else
		store_bind_text(st, 12, name);
	ret = store_step(st, err);
	store_reset(st);
	if (ret < 0)
		goto cleanup;
	if (!exists && (ret = store_query_int(s, "SELECT max(id) FROM event_logs", &log_id, err)))
		goto cleanup;

	st = store_prepare(s, "INSERT INTO event_log_columns(log_id, name, chunk, data)"
			      " VALUES(?,?,?,?)", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	for (i = 0; i < ncol; i++) {
		int64_t chunk = 0;
		off = 0;
		do {
			size_t n = c[i].len - off < CHUNK ? c[i].len - off : CHUNK;
			store_bind_int(st, 1, log_id);
			store_bind_text(st, 2, c[i].name);
			store_bind_int(st, 3, chunk++);
			store_bind_blob(st, 4, n ? (const char *)c[i].data + off : "", n);
			ret = store_step(st, err);
			store_reset(st);
			if (ret < 0)
				goto cleanup;
			off += n;
		} while (off < c[i].len);
	}
	/* a workspace opened read-write is migrated; this is belt and braces */
	for (i = 0; store_schema_version(s) >= EVENT_LOG_FIGURES_VERSION && i < nkept; i++)
		if ((ret = kept_exec(s, "INSERT INTO event_log_figures(log_id, form, content_hash,"
				     " body) VALUES(?,?,?,?)", log_id, &kept[i], hash, err)))
			goto cleanup;
	if ((ret = store_commit(s, err)))
		goto cleanup;
	in_tx = 0;
	*seq = entry;
	*status = exists ? LOGSTORE_REPLACED : LOGSTORE_IMPORTED;
	ret = 0;
cleanup:
	if (in_tx)
		store_rollback(s);
	json_decref(payload);
	free(subject);
	free_columns(c, ncol);
	return ret;
}

int logstore_kept_get(struct store *s, const char *name, const char *form, char **body,
		      struct aiv_err *err)
{
	struct store_stmt *st;
	int ret;

	*body = NULL;
	if (store_schema_version(s) < EVENT_LOG_FIGURES_VERSION)
		return 0; /* a workspace read before the migration: nothing kept */
	st = store_prepare(s, "SELECT f.body FROM event_logs l JOIN event_log_figures f"
			      " ON f.log_id = l.id AND f.content_hash = l.content_hash"
			      " WHERE l.name = ? AND f.form = ?", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, form);
	ret = store_step(st, err);
	if (ret == STORE_ROW)
		*body = xstrdup(store_col_text(st, 0));
	store_reset(st);
	return ret < 0 ? ret : 0;
}

struct coldata {
	const char *name;
	struct strbuf sb;
};

int logstore_load(struct store *s, const char *name, struct eventlog *l,
		  struct aiv_err *err)
{
	struct coldata cols[] = { { "strings", STRBUF_INIT }, { "case_name", STRBUF_INIT },
				  { "case_len", STRBUF_INIT }, { "activity", STRBUF_INIT },
				  { "resource", STRBUF_INIT }, { "time", STRBUF_INIT },
				  { "lifecycle", STRBUF_INIT }, { "cost", STRBUF_INIT },
				  { "cattr", STRBUF_INIT }, { "eattr", STRBUF_INIT } };
	enum { STRS, CNAME, CLEN, ACT, RES, TIME, LIFE, COST, CATTR, EATTR, NCOL };
	/* bytes per case (CNAME, CLEN) or per event; 0: not known in advance */
	static const unsigned char per_event[NCOL] = { 0, 4, 4, 4, 4, 8, 4, 8, 0, 0 };
	struct store_stmt *st;
	int64_t log_id = 0, events = 0, cases = 0, out_of_order = 0;
	size_t i, k, pos;
	int ret, no_time = 0;

	st = store_prepare(s, "SELECT id, events, cases, out_of_order, first_time FROM event_logs"
			      " WHERE name = ?", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, name);
	ret = store_step(st, err);
	if (ret == STORE_ROW) {
		log_id = store_col_int(st, 0);
		events = store_col_int(st, 1);
		cases = store_col_int(st, 2);
		out_of_order = store_col_int(st, 3);
		no_time = !*store_col_text(st, 4);
	}
	store_reset(st);
	if (ret < 0)
		return ret;
	if (ret != STORE_ROW)
		return aiv_fail(err, AIV_ENOTFOUND, "no event log '%s'; see 'aivalue logs'", name);

	st = store_prepare(s, "SELECT name, data FROM event_log_columns WHERE log_id = ?"
			      " ORDER BY name, chunk", err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, log_id);
	while ((ret = store_step(st, err)) == STORE_ROW) {
		const char *cn = store_col_text(st, 0);
		for (i = 0; i < NCOL; i++) {
			if (!strcmp(cn, cols[i].name)) {
				const void *b = store_col_blob(st, 1);
				size_t n = store_col_bytes(st, 1);
				/*
				 * The whole column's size is known: one allocation, no
				 * copies (a damaged count only loses the hint; the sizes
				 * are checked below).
				 */
				int64_t count = i == CNAME || i == CLEN ? cases : events;
				if (n && !cols[i].sb.alloc && per_event[i] && count > 0 &&
				    count <= (int64_t)1 << 27)
					strbuf_grow(&cols[i].sb, (size_t)(per_event[i] * count));
				if (n)
					strbuf_add(&cols[i].sb, b, n);
				break;
			}
		}
	}
	store_reset(st);
	if (ret < 0)
		goto cleanup;

	ret = AIV_EINPUT;
	if (cols[CNAME].sb.len != (size_t)cases * 4 || cols[CLEN].sb.len != (size_t)cases * 4 ||
	    cols[ACT].sb.len != (size_t)events * 4 || cols[RES].sb.len != (size_t)events * 4 ||
	    cols[TIME].sb.len != (no_time ? 0 : (size_t)events * 8) || out_of_order < 0 ||
	    (cols[LIFE].sb.len && cols[LIFE].sb.len != (size_t)events * 4) ||
	    (cols[COST].sb.len && cols[COST].sb.len != (size_t)events * 8) ||
	    cols[CATTR].sb.len % 16 || cols[EATTR].sb.len % 16 || events <= 0) {
		aiv_fail(err, AIV_EINPUT, "event log '%s' is damaged: column sizes disagree", name);
		goto cleanup;
	}
	/* strings: re-intern in id order, which reproduces the ids */
	for (pos = 0; pos < cols[STRS].sb.len;) {
		const char *p = cols[STRS].sb.buf + pos;
		size_t n = strlen(p);
		intern_idn(&l->strs, p, n);
		pos += n + 1;
	}
	l->n = l->alloc = (size_t)events;
	l->ncases = (uint32_t)cases;
	l->case_name = (uint32_t *)strbuf_detach(&cols[CNAME].sb, NULL);
	l->activity = (uint32_t *)strbuf_detach(&cols[ACT].sb, NULL);
	l->resource = (uint32_t *)strbuf_detach(&cols[RES].sb, NULL);
	if (no_time)
		l->time = xcalloc((size_t)events, sizeof(*l->time));
	else
		l->time = (int64_t *)strbuf_detach(&cols[TIME].sb, NULL);
	l->no_time = no_time;
	l->out_of_order = (size_t)out_of_order; /* as the import counted it */
	if (cols[LIFE].sb.len)
		l->lifecycle = (uint32_t *)strbuf_detach(&cols[LIFE].sb, NULL);
	if (cols[COST].sb.len)
		l->cost = (double *)strbuf_detach(&cols[COST].sb, NULL);
	l->ncattrs = l->acattrs = cols[CATTR].sb.len / 16;
	if (l->ncattrs)
		l->cattrs = (struct eventlog_attr *)strbuf_detach(&cols[CATTR].sb, NULL);
	l->neattrs = l->aeattrs = cols[EATTR].sb.len / 16;
	if (l->neattrs)
		l->eattrs = (struct eventlog_attr *)strbuf_detach(&cols[EATTR].sb, NULL);
	l->case_off = xmalloc(st_mult(st_add((size_t)cases, 1), sizeof(*l->case_off)));
	l->ev_case = xmalloc(st_mult((size_t)events, 4));
	l->case_off[0] = 0;
	for (i = 0; i < (size_t)cases; i++) {
		uint32_t len;
		memcpy(&len, cols[CLEN].sb.buf + i * 4, 4);
		l->case_off[i + 1] = l->case_off[i] + len;
		if (l->case_off[i + 1] > (size_t)events)
			break;
		for (k = l->case_off[i]; k < l->case_off[i + 1]; k++)
			l->ev_case[k] = (uint32_t)i;
	}
	if (i != (size_t)cases || l->case_off[cases] != (size_t)events) {
		aiv_fail(err, AIV_EINPUT, "event log '%s' is damaged: case lengths disagree", name);
		goto cleanup;
	}
	/* ids must be inside the string table */
	for (i = 0; i < l->n; i++)
		if (l->activity[i] >= l->strs.n ||
		    (l->resource[i] != EVL_NONE && l->resource[i] >= l->strs.n))
			break;
	for (k = 0; k < l->ncattrs && i == l->n; k++)
		if (l->cattrs[k].owner >= l->ncases || l->cattrs[k].key >= l->strs.n ||
		    l->cattrs[k].value >= l->strs.n)
			i = 0;
	for (k = 0; k < l->neattrs && i == l->n; k++)
		if (l->eattrs[k].owner >= l->n || l->eattrs[k].key >= l->strs.n ||
		    l->eattrs[k].value >= l->strs.n)
			i = 0;
	for (k = 0; l->lifecycle && k < l->n && i == l->n; k++)
		if (l->lifecycle[k] != EVL_NONE && l->lifecycle[k] >= l->strs.n)
			i = 0;
	for (k = 0; k < l->ncases && i == l->n; k++)
		if (l->case_name[k] >= l->strs.n)
			i = 0;
	if (i != l->n) {
		aiv_fail(err, AIV_EINPUT, "event log '%s' is damaged: bad string id", name);
		goto cleanup;
	}
	l->finished = 1;
	ret = 0;
cleanup:
	for (i = 0; i < NCOL; i++)
		strbuf_release(&cols[i].sb);
	return ret;
}

int logstore_exists(struct store *s, const char *name, int *yes, struct aiv_err *err)
{
	return store_exists_text(s, "SELECT 1 FROM event_logs WHERE name = ?", name, yes, err);
}

int logstore_list(struct store *s, struct logstore_info **out, size_t *n,
		  struct aiv_err *err)
{
	struct store_stmt *st;
	struct logstore_info *v = NULL;
	size_t nr = 0, alloc = 0;
	int ret;

	*out = NULL;
	*n = 0;
	st = store_prepare(s, "SELECT id, name, format, source, content_hash, imported_at,"
			      " first_time, last_time, cases, events, activities, out_of_order,"
			      " ledger_seq FROM event_logs ORDER BY name", err);
	if (!st)
		return err->code;
	while ((ret = store_step(st, err)) == STORE_ROW) {
		struct logstore_info *e;
		ALLOC_GROW(v, nr + 1, alloc);
		e = &v[nr++];
		e->id = store_col_int(st, 0);
		e->name = xstrdup(store_col_text(st, 1));
		e->format = xstrdup(store_col_text(st, 2));
		e->source = xstrdup(store_col_text(st, 3));
		e->content_hash = xstrdup(store_col_text(st, 4));
		e->imported_at = xstrdup(store_col_text(st, 5));
		e->first_time = xstrdup(store_col_text(st, 6));
		e->last_time = xstrdup(store_col_text(st, 7));
		e->cases = store_col_int(st, 8);
		e->events = store_col_int(st, 9);
		e->activities = store_col_int(st, 10);
		e->out_of_order = store_col_int(st, 11);
		e->ledger_seq = store_col_int(st, 12);
	}
	store_reset(st);
	if (ret < 0) {
		logstore_info_free(v, nr);
		return ret;
	}
	*out = v;
	*n = nr;
	return 0;
}

void logstore_info_free(struct logstore_info *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].format);
		free(v[i].source);
		free(v[i].content_hash);
		free(v[i].imported_at);
		free(v[i].first_time);
		free(v[i].last_time);
	}
	free(v);
}
