/*
 * ledger.c - appending to, verifying and reading the hash chain.
 *
 * See ledger.h for the chain layout.  The hot paths are append (one
 * canonical dump, one SHA-256, one INSERT through a cached statement) and
 * verify (consecutive seq ranges checked in parallel, one thread and one
 * read-only connection each; see the comment above ledger_verify).
 * bench/ledger measures both against raw SHA-256 over the same bytes;
 * docs/performance.md, "Ledger verify", says where the time goes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cjson.h"
#include "ledger.h"
#include "state.h"

/* Bytes that a JSON string must escape: '"', '\\' and U+0000..U+001F. */
static const unsigned char json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

/* True when s (n bytes) needs no escaping inside a JSON string. */
static int plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (json_special[(unsigned char)s[i]])
			return 0;
	return 1;
}

/* v in decimal, as "%lld" writes it, right-aligned in tmp; returns the start. */
static char *fmt_int(char tmp[24], int64_t v)
{
	char *p = tmp + 24;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return p;
}

/* Append bytes into room the caller has grown. */
#define PUT(sb, p, n)                                    \
	do {                                             \
		memcpy((sb)->buf + (sb)->len, (p), (n)); \
		(sb)->len += (n);                        \
	} while (0)
#define PUT_LIT(sb, lit) PUT(sb, lit, sizeof(lit) - 1)
#define PUT_STR(sb, s, n)                     \
	do {                                  \
		(sb)->buf[(sb)->len++] = '"'; \
		PUT(sb, s, n);                \
		(sb)->buf[(sb)->len++] = '"'; \
	} while (0)

/*
 * Append the hash input of one entry: prev (prev_len bytes, normally 64
 * hex digits) followed by canon(e).  The one place that lays it out.
 * Strings with nothing to escape (nearly all) take a fast path that
 * grows the buffer once and copies; the slow path gives the same bytes.
 */
static void build_entry(struct strbuf *sb, int64_t seq, const char *time, size_t time_len,
			const char *actor, size_t actor_len, const char *action,
			size_t action_len, const char *subject, size_t subject_len,
			const char *payload, size_t payload_len, const char *prev,
			size_t prev_len)
{
	char tmp[24], *num = fmt_int(tmp, seq);
	size_t num_len = (size_t)(tmp + sizeof(tmp) - num);

	if (plain(action, action_len) && plain(actor, actor_len) &&
	    plain(subject, subject_len) && plain(time, time_len)) {
		/* labels, quotes, braces: 64 bytes; seq: at most 20 */
		strbuf_grow(sb, st_add(st_add(st_add(prev_len, time_len), st_add(actor_len,
				action_len)), st_add(st_add(subject_len, payload_len), 96)));
		PUT(sb, prev, prev_len);
		PUT_LIT(sb, "{\"action\":");
		PUT_STR(sb, action, action_len);
		PUT_LIT(sb, ",\"actor\":");
		PUT_STR(sb, actor, actor_len);
		PUT_LIT(sb, ",\"payload\":");
		PUT(sb, payload, payload_len);
		PUT_LIT(sb, ",\"seq\":");
		PUT(sb, num, num_len);
		PUT_LIT(sb, ",\"subject\":");
		PUT_STR(sb, subject, subject_len);
		PUT_LIT(sb, ",\"time\":");
		PUT_STR(sb, time, time_len);
		sb->buf[sb->len++] = '}';
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_add(sb, prev, prev_len);
	strbuf_addstr(sb, "{\"action\":");
	strbuf_add_json_str(sb, action, action_len);
	strbuf_addstr(sb, ",\"actor\":");
	strbuf_add_json_str(sb, actor, actor_len);
	strbuf_addstr(sb, ",\"payload\":");
	strbuf_add(sb, payload, payload_len);
	strbuf_addstr(sb, ",\"seq\":");
	strbuf_add(sb, num, num_len);
	strbuf_addstr(sb, ",\"subject\":");
	strbuf_add_json_str(sb, subject, subject_len);
	strbuf_addstr(sb, ",\"time\":");
	strbuf_add_json_str(sb, time, time_len);
	strbuf_addch(sb, '}');
}

void ledger_entry_hash(struct strbuf *sb, int64_t seq, const char *time,
		       const char *actor, const char *action,
		       const char *subject, const char *payload,
		       size_t payload_len, const char *prev_hash,
		       char hash[SHA256_HEX])
{
	strbuf_reset(sb);
	build_entry(sb, seq, time, strlen(time), actor, strlen(actor), action,
		    strlen(action), subject, strlen(subject), payload, payload_len,
		    prev_hash, strlen(prev_hash));
	sha256_hex(sb->buf, sb->len, hash);
}

/*
 * The head read from the store, or with `kept` the one a server on
 * PostgreSQL keeps while no commit touched the ledger (store_memo_get):
 * that one may lag another server's commit by the notification's
 * delivery (docs/deploy.md, "Kept pages across servers"), so only a
 * cache key may use it, never a check that refuses or records anything.
 */
static int head_read(struct store *s, int64_t *seq, char hash[SHA256_HEX], int kept,
		     struct aiv_err *err)
{
	struct store_stmt *st;
	char memo[SHA256_HEX + 24];
	uint64_t stamp = 0;
	long long v;
	int rc;

	if (store_memo_get(s, "ledger_head", memo, sizeof(memo), &stamp) && kept &&
	    sscanf(memo, "%lld", &v) == 1 && strchr(memo, ' ')) {
		*seq = v;
		snprintf(hash, SHA256_HEX, "%s", strchr(memo, ' ') + 1);
		return 0;
	}
	st = store_prepare(s, "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1", err);
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		const char *h = store_col_text(st, 1);
		size_t n = strlen(h);
		*seq = store_col_int(st, 0);
		n = n < SHA256_HEX - 1 ? n : SHA256_HEX - 1;
		memcpy(hash, h, n);
		hash[n] = '\0';
	} else {
		*seq = 0;
		memcpy(hash, LEDGER_GENESIS, SHA256_HEX);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if (stamp) { /* else nothing is kept (SQLite; a command): no text to build */
		snprintf(memo, sizeof(memo), "%lld %s", (long long)*seq, hash);
		store_memo_put(s, "ledger_head", stamp, memo);
	}
	return 0;
}

int ledger_head(struct store *s, int64_t *seq, char hash[SHA256_HEX],
		struct aiv_err *err)
{
	return head_read(s, seq, hash, 0, err);
}

int ledger_head_kept(struct store *s, int64_t *seq, char hash[SHA256_HEX],
		     struct aiv_err *err)
{
	return head_read(s, seq, hash, 1, err);
}

/*
 * The entry this thread appended last, and in which transaction of which
 * handle: the next append in the same transaction chains to it without
 * reading the head again (a statement; a round trip on PostgreSQL).  A
 * decision commit appends two (its decisions.batch, then the gateway's
 * records).  Nothing else inserts into the ledger, no other writer can
 * append while this transaction holds the writers' lock, and a
 * transaction's statements run on one thread (a handle is used by one
 * thread at a time); a rollback ends the transaction, and with it the
 * kept head.
 */
static _Thread_local struct {
	const struct store *s;
	uint64_t tx;
	int64_t seq;
	char hash[SHA256_HEX];
} appended;

int ledger_append_text(struct store *s, const char *actor, const char *action,
		       const char *subject, const char *payload, size_t payload_len,
		       int64_t time_us, int64_t *seq_out, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	char prev[SHA256_HEX], hash[SHA256_HEX], when[TIME_ISO_LEN];
	struct store_stmt *st;
	int64_t seq;
	int rc;

	if (!store_in_tx(s))
		return aiv_fail(err, AIV_EINTERNAL,
				"ledger append outside a transaction");
	if (appended.s == s && appended.tx == store_tx(s)) {
		seq = appended.seq;
		memcpy(prev, appended.hash, SHA256_HEX);
	} else if ((rc = ledger_head(s, &seq, prev, err))) {
		return rc;
	}
	appended.s = NULL;
	seq++;
	time_format_us(time_us ? time_us : time_now_us(), when);
	ledger_entry_hash(&sb, seq, when, actor, action, subject, payload,
			  payload_len, prev, hash);
	strbuf_release(&sb);
	st = store_prepare(s, "INSERT INTO ledger(seq, time, actor, action, subject,"
			      " payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)", err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, seq);
	store_bind_text(st, 2, when);
	store_bind_text(st, 3, actor);
	store_bind_text(st, 4, action);
	store_bind_text(st, 5, subject);
	store_bind_textn(st, 6, payload, payload_len);
	store_bind_text(st, 7, prev);
	store_bind_text(st, 8, hash);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	appended.s = s;
	appended.tx = store_tx(s);
	appended.seq = seq;
	memcpy(appended.hash, hash, SHA256_HEX);
	if (seq_out)
		*seq_out = seq;
	return 0;
}

int ledger_append(struct store *s, const char *actor, const char *action,
		  const char *subject, const json_t *payload, int64_t *seq_out,
		  struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *stamped = NULL;
	int rc;

	/* imports get the digest of the rows they wrote: see state.h */
	if (store_in_tx(s) && (rc = ledger_state_stamp(s, action, payload, &stamped, err)))
		return rc;
	if (stamped)
		cjson_dump(&sb, stamped);
	else if (payload)
		cjson_dump(&sb, payload);
	else
		strbuf_addstr(&sb, "{}");
	json_decref(stamped);
	rc = ledger_append_text(s, actor, action, subject, sb.buf, sb.len, 0,
				seq_out, err);
	strbuf_release(&sb);
	return rc;
}

int ledger_append_canon(struct store *s, const char *actor, const char *action,
			const char *subject, const char *payload, size_t payload_len,
			int64_t *seq_out, struct aiv_err *err)
{
	json_error_t je;
	json_t *p;
	int rc;

	if (!ledger_state_stamped(action))
		return ledger_append_text(s, actor, action, subject, payload, payload_len, 0,
					  seq_out, err);
	if (!(p = json_loadb(payload, payload_len, 0, &je)))
		return aiv_fail(err, AIV_EINTERNAL, "ledger entry %s: payload cannot be read: %s",
				action, je.text);
	rc = ledger_append(s, actor, action, subject, p, seq_out, err);
	json_decref(p);
	return rc;
}

/*
 * Verification splits the chain into consecutive seq ranges, one per
 * core (at most VR_MAX), and checks each on its own thread with its own
 * read-only connection: every entry's hash input is its stored prev_hash
 * and its own fields, so ranges need nothing from each other but the
 * links at their edges, which are checked when they are joined.
 *
 *    seq 1 ........... a | a+1 ........... b | ... head
 *    caller's thread      | worker 1           | worker 2 ...
 *    each row: seq follows, prev_hash is the hash before it,
 *              SHA-256(prev_hash || canon(e)) is its hash, checkpoint
 *    joined:   range k+1's first row follows range k's last row
 *
 * Per row the work is: one SQLite step, eight column pointers (no copy
 * out of SQLite's page), the hash input laid out once into a reused
 * buffer (build_entry), one SHA-256, and a comparison.  The first problem
 * by seq wins; on one entry a broken link beats a bad hash, which beats a
 * checkpoint mismatch (the order ledger.h describes).  A small ledger, a
 * caller inside a transaction (whose own appends another connection could
 * not see), or a store that cannot be opened again, is checked in one
 * range on the caller's connection.
 */
#define VR_MAX 4
#define VR_MIN_ROWS 65536 /* a range smaller than this is not worth a thread */

enum { VK_NONE, VK_LINK, VK_HASH, VK_CHECKPOINT };

struct vrange {
	struct store *s;          /* the caller's, or opened for this range */
	int own;                  /* s was opened here */
	int threaded;             /* runs on `thread` */
	pthread_t thread;
	int64_t from, to;         /* seq bounds */
	int64_t expect_seq;
	const char *expect_hash;
	/* results */
	int64_t rows;             /* rows read, the bad one included */
	int64_t first_seq, last_seq; /* first row, last good row (0: none) */
	char first_prev[SHA256_HEX], last_hash[SHA256_HEX];
	int found_expect;
	int kind;                 /* VK_*: the first problem in this range */
	int64_t bad_seq;
	char reason[512];
	int rc;                   /* negative: a database error */
	struct aiv_err err;
	/* progress: every range adds to *done; only the caller's range reports it */
	uint64_t *done;
	progress_fn progress;     /* NULL but on the caller's range */
	void *progress_arg;
	uint64_t total;
};

static void verify_range(struct vrange *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct store_stmt *st;
	uint8_t d[SHA256_LEN];
	char calc[SHA256_HEX];
	/* the first range starts at entry 1, linked to genesis; the others where they start */
	int64_t want = r->from == INT64_MIN ? 1 : 0;
	int rc;

	if (r->from == INT64_MIN)
		memcpy(r->last_hash, LEDGER_GENESIS, SHA256_HEX);

	st = store_prepare(r->s, "SELECT seq, time, actor, action, subject, payload,"
			   " prev_hash, hash FROM ledger WHERE seq >= ? AND seq <= ? ORDER BY seq",
			   &r->err);
	if (!st) {
		r->rc = r->err.code;
		return;
	}
	store_bind_int(st, 1, r->from);
	store_bind_int(st, 2, r->to);
	while ((rc = store_step(st, &r->err)) == STORE_ROW) {
		int64_t seq = store_col_int(st, 0);
		const char *time = store_col_text(st, 1), *actor = store_col_text(st, 2);
		const char *action = store_col_text(st, 3), *subject = store_col_text(st, 4);
		const char *payload = store_col_text(st, 5), *stored_prev = store_col_text(st, 6);
		const char *stored_hash = store_col_text(st, 7);
		size_t prev_len = store_col_bytes(st, 6), hlen = store_col_bytes(st, 7);

		r->rows++;
		if (!(r->rows & 4095) && r->done) {
			uint64_t n = __atomic_add_fetch(r->done, 4096, __ATOMIC_RELAXED);
			if (r->progress)
				r->progress(r->progress_arg, n, r->total);
		}
		if (!r->first_seq) {
			r->first_seq = seq;
			snprintf(r->first_prev, sizeof(r->first_prev), "%s", stored_prev);
			if (!want)
				want = seq;
		}
		if (seq != want) {
			r->kind = VK_LINK;
			r->bad_seq = seq;
			if (seq > want)
				snprintf(r->reason, sizeof(r->reason),
					 "entry %lld is missing: the sequence jumps from %lld to %lld",
					 (long long)want, (long long)want - 1, (long long)seq);
			else
				snprintf(r->reason, sizeof(r->reason),
					 "entry %lld is out of sequence (expected %lld)",
					 (long long)seq, (long long)want);
			break;
		}
		if ((r->last_seq || r->from == INT64_MIN) && strcmp(stored_prev, r->last_hash) != 0) {
			r->kind = VK_LINK;
			r->bad_seq = seq;
			snprintf(r->reason, sizeof(r->reason),
				 "entry %lld does not link to entry %lld: prev_hash %.12s... "
				 "but entry %lld has hash %.12s... (an entry was inserted, "
				 "removed, reordered or its hash changed)",
				 (long long)seq, (long long)seq - 1, stored_prev,
				 (long long)seq - 1, r->last_hash);
			break;
		}
		strbuf_reset(&sb);
		build_entry(&sb, seq, time, store_col_bytes(st, 1), actor, store_col_bytes(st, 2),
			    action, store_col_bytes(st, 3), subject, store_col_bytes(st, 4),
			    payload, store_col_bytes(st, 5), stored_prev, prev_len);
		sha256(sb.buf, sb.len, d);
		hex_encode(d, SHA256_LEN, calc);
		if (hlen != SHA256_HEX - 1 || memcmp(calc, stored_hash, SHA256_HEX - 1)) {
			r->kind = VK_HASH;
			r->bad_seq = seq;
			snprintf(r->reason, sizeof(r->reason),
				 "entry %lld has been altered: its content hashes to %.12s... "
				 "but the stored hash is %.12s...",
				 (long long)seq, calc, stored_hash);
			break;
		}
		if (r->expect_seq > 0 && seq == r->expect_seq) {
			r->found_expect = 1;
			if (strcmp(stored_hash, r->expect_hash) != 0) {
				r->kind = VK_CHECKPOINT;
				r->bad_seq = seq;
				snprintf(r->reason, sizeof(r->reason),
					 "entry %lld does not match the checkpoint: hash %.12s... "
					 "but the checkpoint says %.12s... (the ledger was rewritten)",
					 (long long)seq, stored_hash, r->expect_hash);
				break;
			}
		}
		memcpy(r->last_hash, stored_hash, SHA256_HEX);
		r->last_seq = seq;
		want++;
	}
	store_reset(st);
	strbuf_release(&sb);
	if (rc < 0)
		r->rc = rc;
}

static void *verify_range_main(void *arg)
{
	verify_range(arg);
	return NULL;
}

static int vr_force; /* ledger_verify_tune: this many ranges (0: by cores and size) */

void ledger_verify_tune(int ranges)
{
	vr_force = ranges < 0 ? 0 : ranges > VR_MAX ? VR_MAX : ranges;
}

/* How many ranges for a chain of `head` entries: one per core, if big enough. */
static int verify_ranges(struct store *s, int64_t head)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t n = head / VR_MIN_ROWS;

	if (store_in_tx(s))
		return 1;
	if (vr_force)
		return head >= vr_force ? vr_force : 1;
	if (cores < 2 || n < 2)
		return 1;
	if (n > cores)
		n = cores;
	return n > VR_MAX ? VR_MAX : (int)n;
}

int ledger_verify(struct store *s, int64_t expect_seq, const char *expect_hash,
		  struct ledger_verify_result *res, struct aiv_err *err)
{
	return ledger_verify_progress(s, expect_seq, expect_hash, NULL, NULL, res, err);
}

int ledger_verify_progress(struct store *s, int64_t expect_seq, const char *expect_hash,
			   progress_fn progress, void *arg, struct ledger_verify_result *res,
			   struct aiv_err *err)
{
	struct vrange r[VR_MAX];
	uint64_t done = 0;
	int64_t head, count = 0, last_seq = 0;
	int n, k, rc = 0, found_expect = 0;
	const char *last_hash = LEDGER_GENESIS;

	memset(res, 0, sizeof(*res));
	res->ok = 1;
	memcpy(res->head_hash, LEDGER_GENESIS, SHA256_HEX);
	/* the newest seq bounds the ranges; entries appended meanwhile wait for the next run */
	if ((rc = store_query_int(s, "SELECT coalesce(max(seq), 0) FROM ledger", &head, err)))
		return rc;
	n = verify_ranges(s, head);
	memset(r, 0, sizeof(r));
	for (k = 0; k < n; k++) {
		r[k].from = k == 0 ? INT64_MIN : head / n * k + 1;
		r[k].to = k == n - 1 ? INT64_MAX : head / n * (k + 1);
		r[k].expect_seq = expect_seq;
		r[k].expect_hash = expect_hash;
		r[k].s = s;
		if (k && !store_open(&r[k].s, store_uri(s), STORE_READONLY, &r[k].err))
			r[k].own = 1;
		else if (k)
			break;
	}
	if (k < n) {
		/* a second connection is not to be had: one range on the caller's */
		for (k = 1; k < n; k++)
			if (r[k].own)
				store_close(r[k].s);
		memset(r, 0, sizeof(r));
		n = 1;
		r[0].from = INT64_MIN;
		r[0].to = INT64_MAX;
		r[0].expect_seq = expect_seq;
		r[0].expect_hash = expect_hash;
		r[0].s = s;
	}
	for (k = 0; k < n; k++) {
		r[k].done = &done;
		r[k].total = (uint64_t)head;
	}
	r[0].progress = progress;
	r[0].progress_arg = arg;
	for (k = 1; k < n; k++)
		if (pthread_create(&r[k].thread, NULL, verify_range_main, &r[k]))
			verify_range(&r[k]); /* no thread: here, same result */
		else
			r[k].threaded = 1;
	verify_range(&r[0]);
	for (k = 1; k < n; k++)
		if (r[k].threaded)
			pthread_join(r[k].thread, NULL);
	if (progress)
		progress(arg, (uint64_t)head, (uint64_t)head);

	/* join the ranges in seq order: the first problem is the verdict */
	for (k = 0; k < n && !rc; k++) {
		struct vrange *v = &r[k];

		if (v->rc < 0) {
			*err = v->err;
			rc = v->rc;
			break;
		}
		if (!v->first_seq)
			continue; /* an empty range: the next links to the one before */
		if (k && last_seq && v->first_seq != last_seq + 1) {
			res->ok = 0;
			res->bad_seq = v->first_seq;
			res->entries = count + 1;
			snprintf(res->reason, sizeof(res->reason),
				 "entry %lld is missing: the sequence jumps from %lld to %lld",
				 (long long)last_seq + 1, (long long)last_seq, (long long)v->first_seq);
			break;
		}
		if (k && !last_seq && v->first_seq != 1) {
			res->ok = 0;
			res->bad_seq = v->first_seq;
			res->entries = count + 1;
			snprintf(res->reason, sizeof(res->reason),
				 "entry 1 is missing: the sequence jumps from 0 to %lld",
				 (long long)v->first_seq);
			break;
		}
		if (k && strcmp(v->first_prev, last_hash) != 0) {
			res->ok = 0;
			res->bad_seq = v->first_seq;
			res->entries = count + 1;
			snprintf(res->reason, sizeof(res->reason),
				 "entry %lld does not link to entry %lld: prev_hash %.12s... "
				 "but entry %lld has hash %.12s... (an entry was inserted, "
				 "removed, reordered or its hash changed)",
				 (long long)v->first_seq, (long long)last_seq, v->first_prev,
				 (long long)last_seq, last_hash);
			break;
		}
		found_expect |= v->found_expect;
		if (v->kind) {
			res->ok = 0;
			res->bad_seq = v->bad_seq;
			res->entries = count + v->rows;
			memcpy(res->reason, v->reason, sizeof(res->reason));
			if (v->last_seq) {
				last_seq = v->last_seq;
				last_hash = v->last_hash;
			}
			break;
		}
		count += v->rows;
		last_seq = v->last_seq;
		last_hash = v->last_hash;
	}
	if (!rc) {
		if (!res->ok) {
			res->head_seq = last_seq;
		} else {
			res->entries = count;
			res->head_seq = last_seq;
		}
		memcpy(res->head_hash, last_hash, SHA256_HEX);
		if (res->ok && expect_seq > 0 && !found_expect) {
			res->ok = 0;
			res->bad_seq = res->head_seq + 1;
			snprintf(res->reason, sizeof(res->reason),
				 "the ledger was truncated: the checkpoint names entry %lld but "
				 "the ledger ends at entry %lld",
				 (long long)expect_seq, (long long)res->head_seq);
		}
	}
	for (k = 1; k < n; k++)
		if (r[k].own)
			store_close(r[k].s);
	return rc;
}

/* The row a ledger SELECT of seq, time, actor, action, subject, payload, prev_hash, hash is on. */
static void row_read(struct store_stmt *st, struct ledger_row *row)
{
	row->seq = store_col_int(st, 0);
	row->time = store_col_text(st, 1);
	row->actor = store_col_text(st, 2);
	row->action = store_col_text(st, 3);
	row->subject = store_col_text(st, 4);
	row->payload = store_col_text(st, 5);
	row->payload_len = store_col_bytes(st, 5);
	row->prev_hash = store_col_text(st, 6);
	row->hash = store_col_text(st, 7);
}

int ledger_walk(struct store *s, int64_t from, int64_t to, const char *subject,
		const char *action_prefix, int newest_first, int64_t limit,
		ledger_row_fn fn, void *data, struct aiv_err *err)
{
	static const char *sql_asc =
		"SELECT seq, time, actor, action, subject, payload, prev_hash, hash"
		" FROM ledger WHERE seq >= ? AND seq <= ?"
		" AND (? IS NULL OR subject = ?)"
		" AND (? IS NULL OR substr(action, 1, length(?)) = ?)"
		" ORDER BY seq LIMIT ?";
	static const char *sql_desc =
		"SELECT seq, time, actor, action, subject, payload, prev_hash, hash"
		" FROM ledger WHERE seq >= ? AND seq <= ?"
		" AND (? IS NULL OR subject = ?)"
		" AND (? IS NULL OR substr(action, 1, length(?)) = ?)"
		" ORDER BY seq DESC LIMIT ?";
	struct store_stmt *st;
	struct ledger_row row;
	int rc;

	st = store_prepare(s, newest_first ? sql_desc : sql_asc, err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, from);
	store_bind_int(st, 2, to > 0 ? to : INT64_MAX);
	store_bind_text(st, 3, subject);
	store_bind_text(st, 4, subject);
	store_bind_text(st, 5, action_prefix);
	store_bind_text(st, 6, action_prefix);
	store_bind_text(st, 7, action_prefix);
	store_bind_int(st, 8, limit > 0 ? limit : INT64_MAX);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		row_read(st, &row);
		if (fn(&row, data))
			break;
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/* Seqs per statement of ledger_walk_seqs; each chunk pads to a power of two. */
#define SEQS_CHUNK 256

int ledger_walk_seqs(struct store *s, const int64_t *seqs, size_t n, ledger_row_fn fn,
		     void *data, struct aiv_err *err)
{
	size_t at, i, slots;
	int rc = 0, stop = 0;

	for (at = 0; at < n && !stop; at += slots) {
		struct strbuf sql = STRBUF_INIT;
		struct store_stmt *st;
		struct ledger_row row;
		/* few distinct statement texts, so each is prepared once per connection */
		for (slots = 1; slots < n - at && slots < SEQS_CHUNK; slots *= 2)
			;
		strbuf_addstr(&sql, "SELECT seq, time, actor, action, subject, payload, prev_hash,"
			      " hash FROM ledger WHERE seq IN (");
		for (i = 0; i < slots; i++)
			strbuf_addstr(&sql, i ? ", ?" : "?");
		strbuf_addstr(&sql, ") ORDER BY seq");
		st = store_prepare(s, sql.buf, err);
		strbuf_release(&sql);
		if (!st)
			return err->code;
		for (i = 0; i < slots; i++)
			if (at + i < n)
				store_bind_int(st, (int)i + 1, seqs[at + i]);
			else
				store_bind_null(st, (int)i + 1); /* matches nothing */
		while ((rc = store_step(st, err)) == STORE_ROW) {
			row_read(st, &row);
			if ((stop = fn(&row, data)))
				break;
		}
		store_reset(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int seqs_in_row(struct store_stmt *st, void *data)
{
	struct ledger_seqs_in *j = data;
	struct ledger_row row;

	row_read(st, &row);
	return j->fn(&row, j->data);
}

void ledger_seqs_in(struct ledger_seqs_in *j, const int64_t *seqs, size_t n, ledger_row_fn fn,
		    void *data, struct store_in *q)
{
	size_t i;

	j->n = n;
	j->fn = fn;
	j->data = data;
	j->texts = xcalloc(n ? n : 1, sizeof(*j->texts));
	for (i = 0; i < n; i++)
		j->texts[i] = xstrfmt("%lld", (long long)seqs[i]);
	memset(q, 0, sizeof(*q));
	/* the keys are texts: the column's type (an integer) applies on both backends */
	q->head = "SELECT seq, time, actor, action, subject, payload, prev_hash, hash FROM ledger"
		  " WHERE seq IN ";
	q->tail = " ORDER BY seq";
	q->keys = (const char *const *)j->texts;
	q->n = n;
	q->fn = seqs_in_row;
	q->data = j;
}

void ledger_seqs_in_release(struct ledger_seqs_in *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		free(j->texts[i]);
	free(j->texts);
	memset(j, 0, sizeof(*j));
}

json_t *ledger_row_json(const struct ledger_row *row, int with_prev_hash,
			struct aiv_err *err)
{
	json_error_t je;
	json_t *p = json_loadb(row->payload, row->payload_len, 0, &je), *o;

	if (!p) {
		aiv_fail(err, AIV_EINTERNAL, "ledger entry %lld: payload cannot be read: %s",
			 (long long)row->seq, je.text);
		return NULL;
	}
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "seq", (json_int_t)row->seq,
		      "time", row->time, "actor", row->actor, "action", row->action,
		      "subject", row->subject, "payload", p);
	if (with_prev_hash)
		json_object_set_new(o, "prev_hash", json_string(row->prev_hash));
	json_object_set_new(o, "hash", json_string(row->hash));
	return o;
}

void ledger_export_line(struct strbuf *sb, const struct ledger_row *row)
{
	strbuf_addstr(sb, "{\"seq\":");
	strbuf_addf(sb, "%lld", (long long)row->seq);
	strbuf_addstr(sb, ",\"time\":");
	strbuf_add_json_str(sb, row->time, strlen(row->time));
	strbuf_addstr(sb, ",\"actor\":");
	strbuf_add_json_str(sb, row->actor, strlen(row->actor));
	strbuf_addstr(sb, ",\"action\":");
	strbuf_add_json_str(sb, row->action, strlen(row->action));
	strbuf_addstr(sb, ",\"subject\":");
	strbuf_add_json_str(sb, row->subject, strlen(row->subject));
	strbuf_addstr(sb, ",\"payload\":");
	strbuf_add(sb, row->payload, row->payload_len);
	strbuf_addstr(sb, ",\"prev_hash\":");
	strbuf_add_json_str(sb, row->prev_hash, strlen(row->prev_hash));
	strbuf_addstr(sb, ",\"hash\":");
	strbuf_add_json_str(sb, row->hash, strlen(row->hash));
	strbuf_addstr(sb, "}\n");
}

struct entry_time {
	char *time;
	size_t n;
	int found;
};

static int copy_time(const struct ledger_row *row, void *data)
{
	struct entry_time *et = data;

	snprintf(et->time, et->n, "%s", row->time);
	et->found = 1;
	return 1;
}

int ledger_entry_time(struct store *s, int64_t seq, char *time, size_t n, int *found,
		      struct aiv_err *err)
{
	struct entry_time et = { time, n, 0 };
	int ret;

	if (n)
		time[0] = '\0';
	*found = 0;
	if (seq <= 0)
		return 0;
	ret = ledger_walk(s, seq, seq, NULL, NULL, 0, 1, copy_time, &et, err);
	if (ret < 0)
		return ret;
	*found = et.found;
	return 0;
}
