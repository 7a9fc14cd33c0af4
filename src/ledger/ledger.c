/*
 * ledger.c - appending to, verifying and reading the hash chain.
 *
 * See ledger.h for the chain layout.  The hot paths are append (one
 * canonical dump, one SHA-256, one INSERT through a cached statement) and
 * verify (one sequential scan; each entry's bytes are rebuilt in a reused
 * buffer and hashed with the one-shot SHA-256, which uses the CPU's SHA
 * extensions), so both run at a fair share of the raw hashing speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "ledger.h"

void ledger_entry_hash(struct strbuf *sb, int64_t seq, const char *time,
		       const char *actor, const char *action,
		       const char *subject, const char *payload,
		       size_t payload_len, const char *prev_hash,
		       char hash[SHA256_HEX])
{
	strbuf_reset(sb);
	strbuf_add(sb, prev_hash, strlen(prev_hash));
	strbuf_addstr(sb, "{\"action\":");
	strbuf_add_json_str(sb, action, strlen(action));
	strbuf_addstr(sb, ",\"actor\":");
	strbuf_add_json_str(sb, actor, strlen(actor));
	strbuf_addstr(sb, ",\"payload\":");
	strbuf_add(sb, payload, payload_len);
	strbuf_addf(sb, ",\"seq\":%lld,\"subject\":", (long long)seq);
	strbuf_add_json_str(sb, subject, strlen(subject));
	strbuf_addstr(sb, ",\"time\":");
	strbuf_add_json_str(sb, time, strlen(time));
	strbuf_addch(sb, '}');
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
	int rc;

	if (payload)
		cjson_dump(&sb, payload);
	else
		strbuf_addstr(&sb, "{}");
	rc = ledger_append_text(s, actor, action, subject, sb.buf, sb.len, 0,
				seq_out, err);
	strbuf_release(&sb);
	return rc;
}

int ledger_verify(struct store *s, int64_t expect_seq, const char *expect_hash,
		  struct ledger_verify_result *res, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	char prev[SHA256_HEX], calc[SHA256_HEX];
	struct store_stmt *st;
	int64_t want_seq = 1;
	int rc, found_expect = 0;

	memset(res, 0, sizeof(*res));
	res->ok = 1;
	memcpy(prev, LEDGER_GENESIS, SHA256_HEX);
	memcpy(res->head_hash, LEDGER_GENESIS, SHA256_HEX);
	st = store_prepare(s, "SELECT seq, time, actor, action, subject, payload,"
			      " prev_hash, hash FROM ledger ORDER BY seq", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		int64_t seq = store_col_int(st, 0);
		const char *stored_prev = store_col_text(st, 6);
		const char *stored_hash = store_col_text(st, 7);
		const char *payload = store_col_text(st, 5);
		size_t plen = store_col_bytes(st, 5);

		res->entries++;
		if (seq != want_seq) {
			res->bad_seq = seq;
			if (seq > want_seq)
				snprintf(res->reason, sizeof(res->reason),
					 "entry %lld is missing: the sequence jumps from %lld to %lld",
					 (long long)want_seq, (long long)want_seq - 1,
					 (long long)seq);
			else
				snprintf(res->reason, sizeof(res->reason),
					 "entry %lld is out of sequence (expected %lld)",
					 (long long)seq, (long long)want_seq);
			goto bad;
		}
		if (strcmp(stored_prev, prev) != 0) {
			res->bad_seq = seq;
			snprintf(res->reason, sizeof(res->reason),
				 "entry %lld does not link to entry %lld: prev_hash %.12s... "
				 "but entry %lld has hash %.12s... (an entry was inserted, "
				 "removed, reordered or its hash changed)",
				 (long long)seq, (long long)seq - 1, stored_prev,
				 (long long)seq - 1, prev);
			goto bad;
		}
		ledger_entry_hash(&sb, seq, store_col_text(st, 1), store_col_text(st, 2),
				  store_col_text(st, 3), store_col_text(st, 4),
				  payload, plen, prev, calc);
		if (strcmp(calc, stored_hash) != 0) {
			res->bad_seq = seq;
			snprintf(res->reason, sizeof(res->reason),
				 "entry %lld has been altered: its content hashes to %.12s... "
				 "but the stored hash is %.12s...",
				 (long long)seq, calc, stored_hash);
			goto bad;
		}
		if (expect_seq > 0 && seq == expect_seq) {
			found_expect = 1;
			if (strcmp(stored_hash, expect_hash) != 0) {
				res->bad_seq = seq;
				snprintf(res->reason, sizeof(res->reason),
					 "entry %lld does not match the checkpoint: hash %.12s... "
					 "but the checkpoint says %.12s... (the ledger was rewritten)",
					 (long long)seq, stored_hash, expect_hash);
				goto bad;
			}
		}
		memcpy(prev, stored_hash, SHA256_HEX);
		prev[SHA256_HEX - 1] = '\0';
		res->head_seq = seq;
		want_seq++;
	}
	if (rc < 0) {
		store_reset(st);
		strbuf_release(&sb);
		return rc;
	}
	memcpy(res->head_hash, prev, SHA256_HEX);
	if (expect_seq > 0 && !found_expect) {
		res->ok = 0;
		res->bad_seq = res->head_seq + 1;
		snprintf(res->reason, sizeof(res->reason),
			 "the ledger was truncated: the checkpoint names entry %lld but "
			 "the ledger ends at entry %lld",
			 (long long)expect_seq, (long long)res->head_seq);
	}
	store_reset(st);
	strbuf_release(&sb);
	return 0;
bad:
	res->ok = 0;
	memcpy(res->head_hash, prev, SHA256_HEX);
	store_reset(st);
	strbuf_release(&sb);
	return 0;
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
