/*
 * decision_log.c - the decision log: one row per decision or queue transition,
 * chained into the ledger in batches (group commit), verified batch by
 * batch, listed whole or a page at a time.
 *
 * Each row holds the canonical JSON of one record and its SHA-256; a
 * ledger entry "decisions.batch" covers rows first..last with hash =
 * SHA-256 of the concatenated "seq:digest\n" lines, so `audit verify`
 * covers the chain and `decisions verify` re-derives each batch from its
 * rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"
#include "core/strbuf.h"

/* ---- decision log --------------------------------------------------- */

/*
 * Rows are written once, with their seq and their batch (the ledger entry
 * that chains them) known before the insert.  Inside commit_many a batch
 * is open (control_log_batch_begin): each appended row waits in memory,
 * and control_log_batch_write_tx numbers the rows after the newest stored
 * one, hashes them, appends the ledger entry and inserts them in one
 * statement (a multi-row INSERT up to LOG_INSERT_ROWS rows, else a bulk
 * insert: COPY on PostgreSQL).  Outside a batch a row is inserted at once,
 * pending (batch_seq NULL), and a later flush chains it with an UPDATE.
 * Writers are serialised (BEGIN IMMEDIATE; PostgreSQL's advisory lock), so
 * "newest stored seq + 1" is every backend's next seq; each insert names
 * its seq, so PostgreSQL's identity sequence is never used.
 */
struct log_row {
	char *id, *kind, *time, *text, *agent, *action, *outcome;
	char digest[SHA256_HEX];
	int64_t time_us;
};

/* v in decimal as "%lld" writes it, at p (room for 21 bytes, no NUL); its length. */
static size_t put_int(char *p, int64_t v)
{
	char tmp[24], *q = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	n = (size_t)(tmp + sizeof(tmp) - q);
	memcpy(p, q, n);
	return n;
}

/*
 * A batch's hash as its rows are added: SHA-256 of "seq:digest\n" lines.
 * The lines are kept and hashed at once (sha256_hex) when the batch is
 * chained: a lone commit's batch is one or two lines, and a streaming
 * context costs more than their hash (OpenSSL fetches the digest and
 * allocates the context for each, 7,000 instructions a commit).  A batch
 * past BATCH_LINES_MAX bytes streams them instead.
 */
#define BATCH_LINES_MAX 65536

struct batch_hash {
	struct sha256_ctx hc; /* hc.evp: streaming, after BATCH_LINES_MAX bytes */
	char *lines;
	size_t len, alloc;
	int64_t first, last, count;
	char first_id[64], last_id[64];
};

static void batch_hash_add(struct batch_hash *bh, int64_t seq, const char *id,
			   const char *digest)
{
	size_t dlen = strlen(digest);
	char *p;

	bh->last = seq;
	if (!bh->count++) {
		bh->first = seq;
		snprintf(bh->first_id, sizeof(bh->first_id), "%s", id);
	}
	snprintf(bh->last_id, sizeof(bh->last_id), "%s", id);
	ALLOC_GROW(bh->lines, bh->len + dlen + 24, bh->alloc);
	p = bh->lines + bh->len;
	p += put_int(p, seq);
	*p++ = ':';
	memcpy(p, digest, dlen);
	p += dlen;
	*p++ = '\n';
	bh->len = (size_t)(p - bh->lines);
	if (bh->len > BATCH_LINES_MAX) {
		if (!bh->hc.evp)
			sha256_init(&bh->hc);
		sha256_update(&bh->hc, bh->lines, bh->len);
		bh->len = 0;
	}
}

/* bh's lines and context freed, its hash unread (a batch never chained). */
static void batch_hash_release(struct batch_hash *bh)
{
	if (bh->hc.evp) {
		uint8_t h[SHA256_LEN];
		sha256_final(&bh->hc, h);
	}
	free(bh->lines);
	bh->lines = NULL;
	bh->len = bh->alloc = 0;
}

/* The batch's hash in hex; bh's lines and context are released. */
static void batch_hash_final(struct batch_hash *bh, char hex[SHA256_HEX])
{
	uint8_t h[SHA256_LEN];

	if (bh->hc.evp) {
		sha256_update(&bh->hc, bh->lines, bh->len);
		sha256_final(&bh->hc, h);
		hex_encode(h, SHA256_LEN, hex);
	} else {
		sha256_hex(bh->lines ? bh->lines : "", bh->len, hex);
	}
	free(bh->lines);
	bh->lines = NULL;
	bh->len = bh->alloc = 0;
}

struct log_batch {
	struct log_row *v;
	size_t n, alloc;
	/*
	 * The pending stored rows (hashed in seq order) and the newest stored
	 * seq, when the caller read them (control_log_batch_pending/_newest).
	 */
	struct batch_hash pend;
	int64_t newest;
	int head_known;
};

/* The batch open on this thread (one transaction per thread at a time). */
static _Thread_local struct log_batch *open_batch;

/*
 * The newest seq after the last control_log_batch_write_tx on this thread
 * when it chained every row (none left pending), else -1.
 */
static _Thread_local int64_t chained_newest = -1;

int64_t control_log_chained_newest(void)
{
	return chained_newest;
}

static char *dup_or_null(const char *v)
{
	return v ? xstrdup(v) : NULL;
}

void control_log_batch_begin(void)
{
	control_log_batch_abort(); /* one left open by a caller that never wrote it */
	open_batch = xcalloc(1, sizeof(*open_batch));
}

void control_log_batch_pending(int64_t seq, const char *id, const char *digest)
{
	if (open_batch)
		batch_hash_add(&open_batch->pend, seq, id, digest);
}

void control_log_batch_newest(int64_t newest)
{
	if (!open_batch)
		return;
	open_batch->newest = newest;
	open_batch->head_known = 1;
}

void control_log_batch_abort(void)
{
	size_t i;

	if (!open_batch)
		return;
	for (i = 0; i < open_batch->n; i++) {
		struct log_row *r = &open_batch->v[i];
		free(r->id);
		free(r->kind);
		free(r->time);
		free(r->text);
		free(r->agent);
		free(r->action);
		free(r->outcome);
	}
	batch_hash_release(&open_batch->pend); /* read but never chained */
	free(open_batch->v);
	free(open_batch);
	open_batch = NULL;
}

/*
 * One row from its canonical text and digest; agent/action/outcome/time_us
 * index decisions for span matching.
 */
int control_log_append_text(struct store *s, const char *id, const char *kind,
			   const char *time, const char *text, const char *digest,
			   const char *agent, const char *action, const char *outcome,
			   int64_t time_us, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	if (open_batch) {
		struct log_row *r;
		ALLOC_GROW(open_batch->v, open_batch->n + 1, open_batch->alloc);
		r = &open_batch->v[open_batch->n++];
		r->id = xstrdup(id);
		r->kind = xstrdup(kind);
		r->time = xstrdup(time);
		r->text = xstrdup(text);
		snprintf(r->digest, sizeof(r->digest), "%s", digest);
		r->agent = dup_or_null(agent);
		r->action = dup_or_null(action);
		r->outcome = dup_or_null(outcome);
		r->time_us = time_us;
		return 0;
	}
	if (!(st = store_prepare(s, "INSERT INTO decision_log(seq, id, kind, time, record, digest,"
				 " agent, action, outcome, time_us) SELECT coalesce(max(seq), 0) + 1,"
				 " ?, ?, ?, ?, ?, ?, ?, ?, ? FROM decision_log", err)))
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, time);
	store_bind_text(st, 4, text);
	store_bind_text(st, 5, digest);
	store_bind_text(st, 6, agent);
	store_bind_text(st, 7, action);
	store_bind_text(st, 8, outcome);
	if (time_us)
		store_bind_int(st, 9, time_us);
	else
		store_bind_null(st, 9);
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int control_log_append(struct store *s, const char *id, const char *kind, const char *time,
		      const json_t *record, struct aiv_err *err)
{
	char *text = cjson_dumps(record);
	char digest[SHA256_HEX];
	int ret;

	sha256_hex(text, strlen(text), digest);
	ret = control_log_append_text(s, id, kind, time, text, digest, NULL, NULL, NULL, 0, err);
	free(text);
	return ret;
}

#define LOG_COLS "INSERT INTO decision_log(seq, id, kind, time, record, digest, batch_seq," \
	" agent, action, outcome, time_us) VALUES "
#define LOG_ROW "(?,?,?,?,?,?,?,?,?,?,?)"
#define LOG_NCOLS 11
/*
 * Batches up to this many rows go as one multi-row INSERT (one round trip
 * on PostgreSQL, prepared once per row count and connection); larger ones
 * as a bulk insert (a COPY: two round trips, the start and the end).
 */
#define LOG_INSERT_ROWS 32

/* The columns of row r, numbered seq, chained to batch, from parameter at. */
static void bind_row(struct store_stmt *st, int at, const struct log_row *r, int64_t seq,
		     int64_t batch)
{
	store_bind_int(st, at, seq);
	store_bind_text(st, at + 1, r->id);
	store_bind_text(st, at + 2, r->kind);
	store_bind_text(st, at + 3, r->time);
	store_bind_text(st, at + 4, r->text);
	store_bind_text(st, at + 5, r->digest);
	store_bind_int(st, at + 6, batch);
	store_bind_text(st, at + 7, r->agent);
	store_bind_text(st, at + 8, r->action);
	store_bind_text(st, at + 9, r->outcome);
	if (r->time_us)
		store_bind_int(st, at + 10, r->time_us);
	else
		store_bind_null(st, at + 10);
}

/*
 * A batch of at most LOG_INSERT_ROWS rows in one INSERT; with last, the
 * INSERT is prepared and bound but not run: *last, for the caller.
 */
static int insert_rows(struct store *s, const struct log_batch *b, int64_t seq, int64_t batch,
		       struct store_stmt **last, struct aiv_err *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *st;
	size_t i;
	int rc;

	strbuf_addstr(&sql, LOG_COLS);
	for (i = 0; i < b->n; i++)
		strbuf_addstr(&sql, i ? ", " LOG_ROW : LOG_ROW);
	st = store_prepare(s, sql.buf, err);
	strbuf_release(&sql);
	if (!st)
		return err->code;
	for (i = 0; i < b->n; i++)
		bind_row(st, (int)(i * LOG_NCOLS) + 1, &b->v[i], seq + (int64_t)i, batch);
	if (last) {
		*last = st;
		return 0;
	}
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/* The open batch's rows, numbered from seq, each chained to ledger entry batch. */
static int insert_batch(struct store *s, const struct log_batch *b, int64_t seq,
			int64_t batch, struct store_stmt **last, struct aiv_err *err)
{
	struct store_bulk *bk;
	size_t i;
	int ret;

	if (b->n <= LOG_INSERT_ROWS)
		return insert_rows(s, b, seq, batch, last, err);
	if ((ret = store_bulk_begin(s, LOG_COLS LOG_ROW, &bk, err)))
		return ret;
	for (i = 0; i < b->n; i++) {
		const struct log_row *r = &b->v[i];
		store_bulk_int(bk, seq + (int64_t)i);
		store_bulk_text(bk, r->id);
		store_bulk_text(bk, r->kind);
		store_bulk_text(bk, r->time);
		store_bulk_text(bk, r->text);
		store_bulk_text(bk, r->digest);
		store_bulk_int(bk, batch);
		store_bulk_text(bk, r->agent);
		store_bulk_text(bk, r->action);
		store_bulk_text(bk, r->outcome);
		if (r->time_us)
			store_bulk_int(bk, r->time_us);
		else
			store_bulk_null(bk);
		if ((ret = store_bulk_row(bk, err))) {
			store_bulk_abort(bk);
			return ret;
		}
	}
	return store_bulk_end(bk, err);
}

/*
 * v as a JSON string, as strbuf_add_json_str writes it; a string with
 * nothing to escape (an id, a hash: nearly all) is copied whole.
 */
static void add_json_str(struct strbuf *sb, const char *v)
{
	size_t i, n = strlen(v);

	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == '"' || v[i] == '\\')
			break;
	if (i < n) {
		strbuf_add_json_str(sb, v, n);
		return;
	}
	strbuf_addch(sb, '"');
	strbuf_add(sb, v, n);
	strbuf_addch(sb, '"');
}

/*
 * The decisions.batch entry's payload as cjson_dump writes the object
 * {count, first_seq, last_seq, first_id, last_id, hash}: its keys in
 * sorted order, nothing between the tokens, the strings escaped by the
 * same function.  Written directly, it costs no JSON object built, walked
 * and freed per commit (test_control checks the bytes).
 */
void control_log_batch_payload(struct strbuf *sb, int64_t count, int64_t first_seq,
			       int64_t last_seq, const char *first_id, const char *last_id,
			       const char *hash)
{
	char num[24];

	strbuf_grow(sb, strlen(first_id) + strlen(last_id) + strlen(hash) + 160);
	strbuf_addstr(sb, "{\"count\":");
	strbuf_add(sb, num, put_int(num, count));
	strbuf_addstr(sb, ",\"first_id\":");
	add_json_str(sb, first_id);
	strbuf_addstr(sb, ",\"first_seq\":");
	strbuf_add(sb, num, put_int(num, first_seq));
	strbuf_addstr(sb, ",\"hash\":");
	add_json_str(sb, hash);
	strbuf_addstr(sb, ",\"last_id\":");
	add_json_str(sb, last_id);
	strbuf_addstr(sb, ",\"last_seq\":");
	strbuf_add(sb, num, put_int(num, last_seq));
	strbuf_addch(sb, '}');
}

/*
 * Chain the pending stored rows, then the open batch's rows (if any),
 * into one ledger entry, inside the caller's tx.  One read finds both the
 * pending rows and the newest seq (the last row, kind 1).
 */
static int flush(struct store *s, const char *actor, struct log_batch *b,
		 struct store_stmt **last, struct aiv_err *err)
{
	struct store_stmt *st;
	struct batch_hash bh;
	char hex[SHA256_HEX];
	int64_t pending, newest = 0, seq;
	size_t i;
	struct strbuf payload = STRBUF_INIT;
	int rc, ret;

	if (b && b->head_known) {
		/* read by the caller at the start of this transaction */
		bh = b->pend;
		/* bh's now: batch_hash_final below frees them */
		b->pend.hc.evp = NULL;
		b->pend.lines = NULL;
		b->pend.len = b->pend.alloc = 0;
		newest = b->newest;
	} else {
		if (!(st = store_prepare(s, "SELECT seq, id, digest, 0 FROM decision_log"
					 " WHERE batch_seq IS NULL UNION ALL"
					 " SELECT coalesce(max(seq), 0), NULL, NULL, 1 FROM decision_log"
					 " ORDER BY 4, 1", err)))
			return err->code;
		memset(&bh, 0, sizeof(bh));
		while ((rc = store_step(st, err)) == STORE_ROW) {
			if (store_col_int(st, 3))
				newest = store_col_int(st, 0);
			else
				batch_hash_add(&bh, store_col_int(st, 0), store_col_text(st, 1),
					       store_col_text(st, 2));
		}
		store_reset(st);
		if (rc < 0) {
			batch_hash_release(&bh);
			return rc;
		}
	}
	pending = bh.count;
	chained_newest = newest + (b ? (int64_t)b->n : 0);
	for (i = 0; b && i < b->n; i++)
		batch_hash_add(&bh, newest + 1 + (int64_t)i, b->v[i].id, b->v[i].digest);
	batch_hash_final(&bh, hex);
	if (!bh.count)
		return 0;
	control_log_batch_payload(&payload, bh.count, bh.first, bh.last, bh.first_id, bh.last_id,
				  hex);
	{
		char subject[64];
		snprintf(subject, sizeof(subject), "decisions:%lld-%lld", (long long)bh.first,
			 (long long)bh.last);
		ret = ledger_append_canon(s, actor, "decisions.batch", subject, payload.buf,
					  payload.len, &seq, err);
	}
	strbuf_release(&payload);
	if (ret)
		return ret;
	if (pending) {
		if (!(st = store_prepare(s, "UPDATE decision_log SET batch_seq = ?"
					 " WHERE batch_seq IS NULL AND seq <= ?", err)))
			return err->code;
		store_bind_int(st, 1, seq);
		store_bind_int(st, 2, newest);
		rc = store_step(st, err);
		store_reset(st);
		if (rc < 0)
			return rc;
	}
	return b && b->n ? insert_batch(s, b, newest + 1, seq, last, err) : 0;
}

/* Chain pending rows into one ledger entry, inside the caller's tx. */
int control_log_flush_tx(struct store *s, const char *actor, struct aiv_err *err)
{
	return flush(s, actor, NULL, NULL, err);
}

/*
 * Write the open batch's rows, chained with any pending ones, and close
 * the batch (also on error).  With chain 0 (a batch that need not be
 * chained yet) the rows are inserted pending instead, as one by one.
 */
int control_log_batch_write_tx(struct store *s, const char *actor, int chain,
			       struct store_stmt **last, struct aiv_err *err)
{
	struct log_batch *b = open_batch;
	size_t i;
	int ret = 0;

	if (last)
		*last = NULL;
	chained_newest = -1;
	open_batch = NULL;
	if (!b)
		return chain ? flush(s, actor, NULL, NULL, err) : 0;
	if (chain) {
		ret = flush(s, actor, b, last, err);
		if (ret)
			chained_newest = -1;
	} else {
		for (i = 0; i < b->n && !ret; i++) {
			const struct log_row *r = &b->v[i];
			ret = control_log_append_text(s, r->id, r->kind, r->time, r->text, r->digest,
						      r->agent, r->action, r->outcome, r->time_us,
						      err);
		}
	}
	open_batch = b;
	control_log_batch_abort();
	return ret;
}

int control_log_flush(struct store *s, const char *actor, struct aiv_err *err)
{
	int ret;

	if ((ret = store_begin(s, err)))
		return ret;
	if ((ret = control_log_flush_tx(s, actor, err))) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}

/* The ledger's decisions.batch entries: seq, hash and count of each. */
struct batch_entry {
	int64_t seq, count;
	char hash[SHA256_HEX];
};

struct batch_list {
	struct batch_entry *v;
	size_t n, alloc;
};

static int collect_batch(const struct ledger_row *row, void *data)
{
	struct batch_list *l = data;
	struct batch_entry *b;
	json_t *p;

	if (strcmp(row->action, "decisions.batch"))
		return 0;
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	b = &l->v[l->n++];
	p = json_loads(row->payload, 0, NULL);
	b->seq = row->seq;
	snprintf(b->hash, sizeof(b->hash), "%s", p && json_str(p, "hash") ? json_str(p, "hash") : "");
	b->count = p ? json_integer_value(json_object_get(p, "count")) : -1;
	json_decref(p);
	return 0;
}

/* One batch's rows as verify reads them: their hash and count. */
struct verify_batch {
	struct sha256_ctx hc;
	int64_t rows;
	int open;
};

/* The rows read for batch l->v[i] end: compare them with its entry. */
static void verify_batch_end(const struct batch_list *l, size_t i, struct verify_batch *vb,
			     char *problem, size_t problem_len)
{
	uint8_t h[SHA256_LEN];
	char hex[SHA256_HEX];

	if (!vb->open)
		sha256_init(&vb->hc);
	sha256_final(&vb->hc, h);
	hex_encode(h, SHA256_LEN, hex);
	if (!problem[0] && (strcmp(hex, l->v[i].hash) || vb->rows != l->v[i].count))
		snprintf(problem, problem_len, "ledger entry %lld: its %lld decision-log "
			 "rows do not match the batch hash", (long long)l->v[i].seq,
			 (long long)vb->rows);
	memset(vb, 0, sizeof(*vb));
}

/* A row of batch vb: its digest, its record, its line in the batch's hash. */
static void verify_row(struct store_stmt *st, struct verify_batch *vb, char *problem,
		       size_t problem_len)
{
	char line[128], d[SHA256_HEX];
	const char *rec = store_col_text(st, 1);
	int n;

	if (!vb->open) {
		sha256_init(&vb->hc);
		vb->open = 1;
	}
	sha256_hex(rec, strlen(rec), d);
	if (!problem[0] && strcmp(d, store_col_text(st, 2)))
		snprintf(problem, problem_len, "decision-log row %lld: record does "
			 "not match its digest", (long long)store_col_int(st, 0));
	if (!problem[0]) { /* a record no list can read hides a decision */
		json_error_t je;
		json_t *r = json_loads(rec, 0, &je);
		if (!json_is_object(r))
			snprintf(problem, problem_len, "decision-log row %lld: record "
				 "cannot be read: %s", (long long)store_col_int(st, 0),
				 r ? "not a JSON object" : je.text);
		json_decref(r);
	}
	n = snprintf(line, sizeof(line), "%lld:%s\n", (long long)store_col_int(st, 0),
		     store_col_text(st, 2));
	sha256_update(&vb->hc, line, (size_t)n);
	vb->rows++;
}

#define VERIFY_UNORDERED 1

/*
 * One pass of control_log_verify over the chained rows, read by st
 * (seq, record, digest, batch_seq) in batch_seq order and, within a
 * batch, in seq order: each batch entry of l (ascending) gets the rows
 * whose batch_seq is its seq.  With by_seq, st reads in seq order, which
 * is batch order in every log that was written by aivalue (rows are
 * chained oldest first); a batch_seq lower than the one before it ends the
 * pass with VERIFY_UNORDERED, and the caller reads again grouped by batch.
 */
static int verify_pass(struct store_stmt *st, const struct batch_list *l, int by_seq,
		       int64_t *rows, char *problem, size_t problem_len, struct aiv_err *err)
{
	struct verify_batch vb;
	int64_t prev = INT64_MIN;
	size_t i = 0;
	int rc;

	memset(&vb, 0, sizeof(vb));
	while ((rc = store_step(st, err)) == STORE_ROW) {
		int64_t b = store_col_int(st, 3);

		/* a batch_seq stored as text or real (sqlite3) equals no entry's seq */
		if (store_col_type(st, 3) != STORE_COL_INT)
			continue;
		if (b < prev) {
			rc = VERIFY_UNORDERED;
			break;
		}
		prev = b;
		while (i < l->n && l->v[i].seq < b)
			verify_batch_end(l, i++, &vb, problem, problem_len);
		if (i < l->n && l->v[i].seq == b) {
			verify_row(st, &vb, problem, problem_len);
			(*rows)++;
		}
		/* else: a row naming no batch entry; no batch reads it */
	}
	store_reset(st);
	if (rc == STORE_DONE)
		while (i < l->n)
			verify_batch_end(l, i++, &vb, problem, problem_len);
	if (vb.open) {
		uint8_t h[SHA256_LEN];
		sha256_final(&vb.hc, h);
	}
	return rc == STORE_DONE ? 0 : rc == VERIFY_UNORDERED && by_seq ? VERIFY_UNORDERED
	       : rc < 0 ? rc : aiv_fail(err, AIV_EINTERNAL, "decision log read out of order");
}

/*
 * The ledger's batch entries come from the ledger layer (ledger_walk);
 * their rows from this layer's own table, in one read of the chained rows
 * (seq order, so no index on batch_seq is needed: decision_log_pending
 * holds the pending rows alone, and a commit that chains its rows at once
 * does not write it).  The verdict is what reading each batch's rows by
 * batch_seq gives: batches in ledger order, rows in seq order, the first
 * problem found.
 */
int control_log_verify(struct store *s, int64_t *rows, int64_t *batches,
		       char *problem, size_t problem_len, struct aiv_err *err)
{
	struct batch_list l = { NULL, 0, 0 };
	struct store_stmt *st;
	size_t i;
	int ret;

	*rows = *batches = 0;
	problem[0] = '\0';
	if ((ret = ledger_walk(s, 1, 0, NULL, "decisions.batch", 0, 0, collect_batch, &l, err)))
		goto out;
	for (i = 1; i < l.n; i++)
		if (l.v[i].seq <= l.v[i - 1].seq) {
			ret = aiv_fail(err, AIV_EINTERNAL, "ledger entries out of order at %lld",
				       (long long)l.v[i].seq);
			goto out;
		}
	if (!(st = store_prepare(s, "SELECT seq, record, digest, batch_seq FROM decision_log"
				 " WHERE batch_seq IS NOT NULL ORDER BY seq", err))) {
		ret = err->code;
		goto out;
	}
	ret = verify_pass(st, &l, 1, rows, problem, problem_len, err);
	if (ret == VERIFY_UNORDERED) {
		*rows = 0;
		problem[0] = '\0';
		if (!(st = store_prepare(s, "SELECT seq, record, digest, batch_seq FROM decision_log"
					 " WHERE batch_seq IS NOT NULL ORDER BY batch_seq, seq",
					 err))) {
			ret = err->code;
			goto out;
		}
		ret = verify_pass(st, &l, 0, rows, problem, problem_len, err);
	}
	if (!ret)
		*batches = (int64_t)l.n;
out:
	free(l.v);
	return ret;
}

void control_log_records_release(struct control_log_records *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		json_decref(l->v[i].record);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

json_t *control_log_record_json(const struct control_log_record *r)
{
	json_t *o = json_copy(r->record);

	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "kind", json_string(r->kind));
	if (r->ledger_seq)
		json_object_set_new(o, "ledger_seq", json_integer(r->ledger_seq));
	return o;
}

CONTROL_LIST_JSON(control_log_records_json, control_log_records, control_log_record_json)

/*
 * A decision-log row (seq, record, batch_seq, kind, id) into *r, its
 * typed fields pointing into the parsed record; AIV_EINTERNAL naming the
 * row when the record cannot be parsed: every list fails then, rather
 * than leave it out.
 */
static int log_row_read(struct store_stmt *st, struct control_log_record *r,
			struct aiv_err *err)
{
	json_error_t je;
	json_t *rec = json_loads(store_col_text(st, 1), 0, &je);
	const json_t *in, *res;

	memset(r, 0, sizeof(*r));
	if (!rec || !json_is_object(rec)) {
		json_decref(rec);
		return aiv_fail(err, AIV_EINTERNAL, "decision-log row %lld ('%s') cannot be read: %s",
				(long long)store_col_int(st, 0), store_col_text(st, 4),
				rec ? "not a JSON object" : je.text);
	}
	r->record = rec;
	r->seq = store_col_int(st, 0);
	r->ledger_seq = store_col_is_null(st, 2) ? 0 : store_col_int(st, 2);
	snprintf(r->kind, sizeof(r->kind), "%s", store_col_text(st, 3));
	r->id = json_str(rec, "decision_id");
	r->timestamp = json_str(rec, "timestamp");
	r->agent = json_str(rec, "agent");
	r->on_behalf_of = json_str(rec, "on_behalf_of");
	r->approver = json_str(rec, "approver");
	r->revision = json_str(rec, "revision");
	r->args_digest = json_str(rec, "args_digest");
	in = json_object_get(rec, "input");
	r->action = json_str(in, "action");
	r->resource = json_str(in, "resource");
	res = json_object_get(rec, "result");
	r->decision = json_str(res, "decision");
	r->reason = json_str(res, "reason");
	r->exception_id = json_str(res, "exception_id");
	r->policies = json_object_get(res, "policies");
	return 0;
}

/* Step st to its end, appending each row to l (at most limit; 0: all). */
static int log_rows(struct store_stmt *st, struct control_log_records *l, size_t limit,
		    int64_t *next, struct aiv_err *err)
{
	size_t alloc = 0;
	int rc;

	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (limit && l->n == limit) {
			*next = l->v[l->n - 1].seq;
			break;
		}
		ALLOC_GROW(l->v, l->n + 1, alloc);
		if ((rc = log_row_read(st, &l->v[l->n], err)))
			break;
		l->n++;
	}
	store_reset(st);
	if (rc < 0) {
		control_log_records_release(l);
		if (next)
			*next = 0;
		return rc;
	}
	return 0;
}

int control_log_list(struct store *s, struct control_log_records *out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT seq, record, batch_seq, kind, id"
					      " FROM decision_log ORDER BY seq", err);

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	return log_rows(st, out, 0, NULL, err);
}

int control_log_page(struct store *s, int newest_first, int64_t cursor, size_t limit,
		     struct control_log_records *out, int64_t *next, struct aiv_err *err)
{
	struct store_stmt *st;

	memset(out, 0, sizeof(*out));
	*next = 0;
	if (limit < 1)
		return aiv_fail(err, AIV_EINPUT, "a page holds at least one record");
	if (cursor < 0)
		return aiv_fail(err, AIV_EINPUT, "cursor %lld is not a record number",
				(long long)cursor);
	st = newest_first
	     ? store_prepare(s, "SELECT seq, record, batch_seq, kind, id FROM decision_log"
			     " WHERE seq < ? ORDER BY seq DESC LIMIT ?", err)
	     : store_prepare(s, "SELECT seq, record, batch_seq, kind, id FROM decision_log"
			     " WHERE seq > ? ORDER BY seq LIMIT ?", err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, newest_first && !cursor ? INT64_MAX : cursor);
	store_bind_int(st, 2, (int64_t)limit + 1); /* one more: is there a next page? */
	return log_rows(st, out, limit, next, err);
}

int control_log_seq(struct store *s, const char *id, int64_t *seq, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT seq FROM decision_log WHERE id = ?",
					      err);
	int rc;

	*seq = 0;
	if (!st)
		return err->code;
	store_bind_text(st, 1, id);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		*seq = store_col_int(st, 0);
	store_reset(st);
	if (rc < 0)
		return rc;
	return rc == STORE_ROW ? 0 : aiv_fail(err, AIV_ENOTFOUND, "no decision-log record '%s'",
					      id);
}
