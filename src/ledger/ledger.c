/*
 * ledger.c - appending to, verifying and reading the hash chain.
 *
 * See ledger.h for the chain layout.  The hot paths are append (one
 * canonical dump, one SHA-256, one INSERT through a cached statement) and
 * verify (one sequential scan whose rows are laid out into batches by the
 * caller's thread and hashed by a second thread; see the comment above
 * ledger_verify).  bench/ledger measures both against raw SHA-256 over
 * the same bytes: verify runs at more than half of that limit.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int ledger_head(struct store *s, int64_t *seq, char hash[SHA256_HEX],
		struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	st = store_prepare(s, "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1", err);
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		*seq = store_col_int(st, 0);
		snprintf(hash, SHA256_HEX, "%s", store_col_text(st, 1));
	} else {
		*seq = 0;
		memcpy(hash, LEDGER_GENESIS, SHA256_HEX);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

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
	if ((rc = ledger_head(s, &seq, prev, err)))
		return rc;
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

/*
 * Verification runs as a two-stage pipeline, because reading rows out of
 * SQLite and hashing them cost about the same and a machine has more than
 * one core:
 *
 *   reader (caller's thread)              hasher (one worker thread)
 *   step rows in seq order                for each entry of a full batch:
 *   check seq continuity and prev links     SHA-256(bytes) == stored hash?
 *   check the checkpoint's hash             remember the first that is not
 *   lay out the hash input into a batch
 *            --- full batches, a ring of VB_RING, in order --->
 *
 * Each stage remembers the first problem it sees; the verdict is the one
 * with the lower seq (on the same entry, a broken link beats a bad hash,
 * which beats a checkpoint mismatch: the order the checks are described
 * in ledger.h and were made in when this ran in one loop).  A ledger
 * smaller than one batch is hashed on the caller's thread.
 */
#define VB_ENTRIES 2048
#define VB_RING 3

/*
 * The reader copies each entry's fields into `bytes` as they come out of
 * SQLite: prev (64 digits), time, actor, action, subject, payload, back
 * to back; the hasher lays out the canonical form from them.  Copying is
 * all the reader must do (column memory is gone at the next step), so the
 * layout work goes to the thread with time to spare.
 */
enum { VF_TIME, VF_ACTOR, VF_ACTION, VF_SUBJECT, VF_PAYLOAD, VF_N };

struct vbatch {
	struct strbuf bytes;
	size_t off[VB_ENTRIES + 1]; /* entry i is bytes[off[i] .. off[i+1]) */
	uint32_t flen[VB_ENTRIES][VF_N]; /* lengths of its fields after prev */
	int64_t seq[VB_ENTRIES];
	char stored[VB_ENTRIES][SHA256_HEX]; /* the stored hash (first 64 bytes) */
	unsigned char odd_len[VB_ENTRIES];   /* stored hash is not 64 bytes long */
	size_t n;
};

struct vpipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct vbatch *ring[VB_RING];
	uint64_t produced, consumed;
	int done, stop, threaded;
	pthread_t thread;
	struct strbuf scratch; /* the hasher's layout buffer */
	/* the hasher's first bad entry */
	int64_t bad_seq;
	char bad_prev[SHA256_HEX]; /* hash of the entry before it */
	char reason[512];
};

static void hash_batch(struct vpipe *vp, const struct vbatch *b)
{
	uint8_t d[SHA256_LEN];
	char calc[SHA256_HEX];
	size_t i;

	for (i = 0; i < b->n && !vp->bad_seq; i++) {
		const char *p = b->bytes.buf + b->off[i], *f[VF_N];
		const uint32_t *len = b->flen[i];
		int j;

		f[0] = p + SHA256_HEX - 1;
		for (j = 1; j < VF_N; j++)
			f[j] = f[j - 1] + len[j - 1];
		strbuf_reset(&vp->scratch);
		build_entry(&vp->scratch, b->seq[i], f[VF_TIME], len[VF_TIME],
			    f[VF_ACTOR], len[VF_ACTOR], f[VF_ACTION], len[VF_ACTION],
			    f[VF_SUBJECT], len[VF_SUBJECT], f[VF_PAYLOAD], len[VF_PAYLOAD],
			    p, SHA256_HEX - 1);
		sha256(vp->scratch.buf, vp->scratch.len, d);
		hex_encode(d, SHA256_LEN, calc);
		if (!b->odd_len[i] && !memcmp(calc, b->stored[i], SHA256_HEX - 1))
			continue;
		vp->bad_seq = b->seq[i];
		memcpy(vp->bad_prev, p, SHA256_HEX - 1); /* the entry's prev_hash */
		vp->bad_prev[SHA256_HEX - 1] = '\0';
		snprintf(vp->reason, sizeof(vp->reason),
			 "entry %lld has been altered: its content hashes to %.12s... "
			 "but the stored hash is %.12s...",
			 (long long)b->seq[i], calc, b->stored[i]);
	}
}

static void *hasher_main(void *arg)
{
	struct vpipe *vp = arg;

	pthread_mutex_lock(&vp->mu);
	for (;;) {
		struct vbatch *b;

		while (vp->consumed == vp->produced && !vp->done)
			pthread_cond_wait(&vp->cv, &vp->mu);
		if (vp->consumed == vp->produced)
			break;
		b = vp->ring[vp->consumed % VB_RING];
		pthread_mutex_unlock(&vp->mu);
		hash_batch(vp, b);
		pthread_mutex_lock(&vp->mu);
		vp->consumed++;
		if (vp->bad_seq)
			vp->stop = 1;
		pthread_cond_broadcast(&vp->cv);
	}
	pthread_mutex_unlock(&vp->mu);
	return NULL;
}

/*
 * Hand the filled batch to the hasher and return the next one to fill.
 * Returns non-zero when the hasher already found a bad entry (nothing
 * later can change the verdict, so the reader may stop).
 */
static int vpipe_submit(struct vpipe *vp, struct vbatch **cur)
{
	int stop;

	if (!vp->threaded) {
		vp->threaded = pthread_create(&vp->thread, NULL, hasher_main, vp) == 0 ? 1 : -1;
	}
	if (vp->threaded < 0) {
		/* no thread: hash here, same result */
		hash_batch(vp, *cur);
		(*cur)->n = 0;
		strbuf_reset(&(*cur)->bytes);
		return vp->bad_seq != 0;
	}
	pthread_mutex_lock(&vp->mu);
	vp->produced++;
	pthread_cond_broadcast(&vp->cv);
	while (vp->produced - vp->consumed == VB_RING)
		pthread_cond_wait(&vp->cv, &vp->mu);
	stop = vp->stop;
	*cur = vp->ring[vp->produced % VB_RING];
	pthread_mutex_unlock(&vp->mu);
	(*cur)->n = 0;
	strbuf_reset(&(*cur)->bytes);
	return stop;
}

/* Hash what is left and wait for the hasher to finish. */
static void vpipe_finish(struct vpipe *vp, struct vbatch *cur)
{
	if (vp->threaded > 0) {
		pthread_mutex_lock(&vp->mu);
		if (cur->n)
			vp->produced++;
		vp->done = 1;
		pthread_cond_broadcast(&vp->cv);
		pthread_mutex_unlock(&vp->mu);
		pthread_join(vp->thread, NULL);
	} else if (cur->n) {
		hash_batch(vp, cur);
	}
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
	enum { R_NONE, R_LINK, R_CHECKPOINT } rkind = R_NONE;
	char prev[SHA256_HEX];
	struct store_stmt *st;
	struct vpipe vp;
	struct vbatch *cur;
	int64_t want_seq = 1, rbad = 0;
	int rc, i, found_expect = 0;

	memset(res, 0, sizeof(*res));
	res->ok = 1;
	memcpy(prev, LEDGER_GENESIS, SHA256_HEX);
	memcpy(res->head_hash, LEDGER_GENESIS, SHA256_HEX);
	st = store_prepare(s, "SELECT seq, time, actor, action, subject, payload,"
			      " prev_hash, hash FROM ledger ORDER BY seq", err);
	if (!st)
		return err->code;
	memset(&vp, 0, sizeof(vp));
	strbuf_init(&vp.scratch, 0);
	pthread_mutex_init(&vp.mu, NULL);
	pthread_cond_init(&vp.cv, NULL);
	for (i = 0; i < VB_RING; i++) {
		vp.ring[i] = xcalloc(1, sizeof(*vp.ring[i]));
		strbuf_init(&vp.ring[i]->bytes, 0);
	}
	cur = vp.ring[0];

	while ((rc = store_step(st, err)) == STORE_ROW) {
		int64_t seq = store_col_int(st, 0);
		const char *stored_prev = store_col_text(st, 6);
		const char *stored_hash = store_col_text(st, 7);
		size_t hlen = store_col_bytes(st, 7);
		size_t k;

		res->entries++;
		if (progress && res->entries % 4096 == 0)
			progress(arg, (uint64_t)res->entries, 0);
		if (seq != want_seq) {
			rbad = seq;
			rkind = R_LINK;
			if (seq > want_seq)
				snprintf(res->reason, sizeof(res->reason),
					 "entry %lld is missing: the sequence jumps from %lld to %lld",
					 (long long)want_seq, (long long)want_seq - 1,
					 (long long)seq);
			else
				snprintf(res->reason, sizeof(res->reason),
					 "entry %lld is out of sequence (expected %lld)",
					 (long long)seq, (long long)want_seq);
			break;
		}
		if (strcmp(stored_prev, prev) != 0) {
			rbad = seq;
			rkind = R_LINK;
			snprintf(res->reason, sizeof(res->reason),
				 "entry %lld does not link to entry %lld: prev_hash %.12s... "
				 "but entry %lld has hash %.12s... (an entry was inserted, "
				 "removed, reordered or its hash changed)",
				 (long long)seq, (long long)seq - 1, stored_prev,
				 (long long)seq - 1, prev);
			break;
		}
		/* queue the entry for hashing: prev and the five fields */
		k = cur->n++;
		cur->off[k] = cur->bytes.len;
		{
			const char *f[VF_N];
			size_t flen[VF_N], total = SHA256_HEX - 1;
			int j;
			char *w;

			for (j = 0; j < VF_N; j++) {
				f[j] = store_col_text(st, j + 1);
				/* SQLite values are at most 1 GB: a uint32_t holds it */
				flen[j] = store_col_bytes(st, j + 1);
				total = st_add(total, flen[j]);
			}
			strbuf_grow(&cur->bytes, total);
			w = cur->bytes.buf + cur->bytes.len;
			memcpy(w, prev, SHA256_HEX - 1);
			w += SHA256_HEX - 1;
			for (j = 0; j < VF_N; j++) {
				memcpy(w, f[j], flen[j]);
				w += flen[j];
				cur->flen[k][j] = (uint32_t)flen[j];
			}
			strbuf_setlen(&cur->bytes, cur->bytes.len + total);
		}
		cur->off[k + 1] = cur->bytes.len;
		cur->seq[k] = seq;
		cur->odd_len[k] = hlen != SHA256_HEX - 1;
		memcpy(cur->stored[k], stored_hash, hlen < SHA256_HEX - 1 ? hlen : SHA256_HEX - 1);
		cur->stored[k][hlen < SHA256_HEX - 1 ? hlen : SHA256_HEX - 1] = '\0';
		if (expect_seq > 0 && seq == expect_seq) {
			found_expect = 1;
			if (strcmp(stored_hash, expect_hash) != 0) {
				rbad = seq;
				rkind = R_CHECKPOINT;
				snprintf(res->reason, sizeof(res->reason),
					 "entry %lld does not match the checkpoint: hash %.12s... "
					 "but the checkpoint says %.12s... (the ledger was rewritten)",
					 (long long)seq, stored_hash, expect_hash);
				break;
			}
		}
		/* a hash of the wrong length fails in the hasher, before the next link */
		memcpy(prev, cur->stored[k], SHA256_HEX);
		res->head_seq = seq;
		want_seq++;
		if (cur->n == VB_ENTRIES && vpipe_submit(&vp, &cur))
			break;
	}
	vpipe_finish(&vp, cur);
	store_reset(st);
	if (rc < 0)
		goto cleanup;
	rc = 0;
	if (vp.bad_seq && (!rbad || vp.bad_seq < rbad ||
			   (vp.bad_seq == rbad && rkind == R_CHECKPOINT))) {
		/* the hasher's find comes first */
		res->ok = 0;
		res->bad_seq = vp.bad_seq;
		res->entries = vp.bad_seq;
		res->head_seq = vp.bad_seq - 1;
		memcpy(res->head_hash, vp.bad_prev, SHA256_HEX);
		memcpy(res->reason, vp.reason, sizeof(res->reason));
	} else if (rbad) {
		res->ok = 0;
		res->bad_seq = rbad;
		memcpy(res->head_hash, prev, SHA256_HEX);
	} else {
		memcpy(res->head_hash, prev, SHA256_HEX);
		if (expect_seq > 0 && !found_expect) {
			res->ok = 0;
			res->bad_seq = res->head_seq + 1;
			snprintf(res->reason, sizeof(res->reason),
				 "the ledger was truncated: the checkpoint names entry %lld but "
				 "the ledger ends at entry %lld",
				 (long long)expect_seq, (long long)res->head_seq);
		}
	}
cleanup:
	for (i = 0; i < VB_RING; i++) {
		strbuf_release(&vp.ring[i]->bytes);
		free(vp.ring[i]);
	}
	strbuf_release(&vp.scratch);
	pthread_cond_destroy(&vp.cv);
	pthread_mutex_destroy(&vp.mu);
	return rc;
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
		row.seq = store_col_int(st, 0);
		row.time = store_col_text(st, 1);
		row.actor = store_col_text(st, 2);
		row.action = store_col_text(st, 3);
		row.subject = store_col_text(st, 4);
		row.payload = store_col_text(st, 5);
		row.payload_len = store_col_bytes(st, 5);
		row.prev_hash = store_col_text(st, 6);
		row.hash = store_col_text(st, 7);
		if (fn(&row, data))
			break;
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
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
