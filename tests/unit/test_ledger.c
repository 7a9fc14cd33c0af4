/*
 * test_ledger.c - unit tests for ledger/: the hash definition, append,
 * head, walk, export, and verification against every kind of tampering
 * the issue names.
 *
 * Each tamper case builds a fresh 12-entry ledger in a temporary
 * workspace, changes it with raw SQL through the store API (what someone
 * with write access to the file could do), and checks that
 * ledger_verify() names the FIRST bad entry with a reason in the right
 * words.  The same tampered ledger is then exported and handed to the
 * independent tools/verify-ledger.py, which must fail at the same entry
 * (and pass when ledger_verify passes): the two verifiers agree.
 */
#include "unit.h"

#include <sys/wait.h>

#include "core/cjson.h"
#include "ledger/bind.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/state.h"
#include "ledger/stream.h"
#include "cli/cmd.h"

#define NENTRIES 12
/* 2026-11-25T23:26:20.123456Z */
#define T0 INT64_C(1795649180123456)

struct fx {
	char *dir, *db;
	struct store *s;
	char hash[NENTRIES + 1][SHA256_HEX]; /* hash[seq] as appended */
};

/*
 * Payloads with the things canonical JSON can get wrong: reals, unicode,
 * control characters, nesting, key order, big integers.
 */
static const char *const payloads[NENTRIES] = {
	"{\"aivalue\":\"0.1.0\",\"schema\":1}",
	"{\"ratio\":0.1,\"tiny\":1e-05,\"big\":1e16,\"round\":100.0,\"neg0\":-0.0,\"x\":123456789.123}",
	"{\"name\":\"Zo\\u00eb \\u5f20\\u4f1f \\ud83d\\ude00\",\"ctl\":\"tab\\there\\nnl\\u0001\\u001f\\\"q\\\\\"}",
	"{\"kind\":\"Person\",\"changes\":{\"role\":{\"before\":\"Claims handler\",\"after\":\"Team lead\"}}}",
	"{\"deep\":{\"a\":[1,[2,[3,{\"z\":null,\"y\":true,\"x\":false}]]],\"b\":{}},\"empty\":[]}",
	"{\"n\":9007199254740993,\"m\":-9223372036854775808,\"e\":1.5e300,\"d\":5e-324}",
	"{\"\\u00e9\":1,\"z\":2,\"Z\":3,\"\\u0101\":4,\"a b\":\"c:d,e\"}",
	"{\"rows\":1000,\"sha256\":\"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0\"}",
	"{\"third\":0.3333333333333333,\"k\":1e15,\"l\":1.2345678901234568e+17}",
	"{\"op\":\"delete\",\"before\":{\"name\":\"ana\",\"team\":\"ops\"}}",
	"{\"s\":\"\\u2028\\u2029 / \\u007f\"}",
	"{\"last\":true}",
};

static int append_all(struct fx *f)
{
	struct aiv_err err = AIV_ERR_INIT;
	int i;

	for (i = 0; i < NENTRIES; i++) {
		json_t *p = json_loads(payloads[i], 0, NULL);
		int64_t seq = 0;
		char subject[32];

		if (!p)
			fail_msg("payload %d does not parse", i);
		snprintf(subject, sizeof(subject), "Thing/t%d", i + 1);
		if (store_begin(f->s, &err) ||
		    ledger_append(f->s, i % 2 ? "user:ana" : "cli:bo \xc3\xa9", "test.append",
				  subject, p, &seq, &err) ||
		    store_commit(f->s, &err))
			fail_msg("append %d: %s", i, err.msg);
		json_decref(p);
		assert_int_equal(seq, i + 1);
		assert_int_equal(ledger_head(f->s, &seq, f->hash[i + 1], &err), 0);
		assert_int_equal(seq, i + 1);
	}
	return 0;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct aiv_err err = AIV_ERR_INIT;

	f->dir = unit_tmpdir();
	f->db = xstrfmt("%s/aivalue.db", f->dir);
	if (store_open(&f->s, f->db, STORE_CREATE, &err))
		fail_msg("store_open: %s", err.msg);
	*state = f;
	return append_all(f);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	unit_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

static void exec_sql(struct fx *f, const char *sql)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (store_exec(f->s, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
}

static void verify(struct fx *f, int64_t eseq, const char *ehash,
		   struct ledger_verify_result *r)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (ledger_verify(f->s, eseq, ehash, r, &err))
		fail_msg("ledger_verify: %s", err.msg);
}

static int export_row(const struct ledger_row *row, void *data)
{
	struct strbuf sb = STRBUF_INIT;

	ledger_export_line(&sb, row);
	fwrite(sb.buf, 1, sb.len, data);
	strbuf_release(&sb);
	return 0;
}

/*
 * Export the ledger and run tools/verify-ledger.py on it; return its exit
 * status and its one-line verdict in out.
 */
static int python_verify(struct fx *f, const char *expect_head, char *out, size_t outsz)
{
	struct aiv_err err = AIV_ERR_INIT;
	char *path = xstrfmt("%s/export.jsonl", f->dir);
	char *tool = unit_src_path("tools/verify-ledger.py");
	char *cmd;
	FILE *fp = fopen(path, "w");
	int st;

	assert_non_null(fp);
	assert_int_equal(ledger_walk(f->s, 1, 0, NULL, NULL, 0, 0, export_row, fp, &err), 0);
	fclose(fp);
	cmd = xstrfmt("python3 '%s' %s%s '%s'", tool, expect_head ? "--expect-head " : "",
		      expect_head ? expect_head : "", path);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	out[0] = '\0';
	if (!fgets(out, (int)outsz, fp))
		out[0] = '\0';
	st = pclose(fp);
	free(cmd);
	free(tool);
	free(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Both verifiers fail at entry `bad`, ledger_verify's reason says `why`. */
static void expect_bad(struct fx *f, int64_t eseq, const char *ehash, int64_t bad,
		       const char *why)
{
	struct ledger_verify_result r;
	char line[1024], want[64], head[128];
	int st;

	verify(f, eseq, ehash, &r);
	if (r.ok)
		fail_msg("ledger_verify passed a tampered ledger");
	if (r.bad_seq != bad)
		fail_msg("ledger_verify: first bad entry %lld, expected %lld (%s)",
			 (long long)r.bad_seq, (long long)bad, r.reason);
	assert_contains(r.reason, why);
	snprintf(head, sizeof(head), "%lld:%s", (long long)eseq, ehash ? ehash : "");
	st = python_verify(f, eseq ? head : NULL, line, sizeof(line));
	assert_int_equal(st, 1);
	snprintf(want, sizeof(want), "FAIL at entry %lld: ", (long long)bad);
	assert_contains(line, want);
	assert_contains(line, why);
}

static void expect_ok(struct fx *f, int64_t eseq, const char *ehash, int64_t entries)
{
	struct ledger_verify_result r;
	char line[1024], want[128], head[128];

	verify(f, eseq, ehash, &r);
	if (!r.ok)
		fail_msg("ledger_verify failed at %lld: %s", (long long)r.bad_seq, r.reason);
	assert_int_equal(r.entries, entries);
	assert_int_equal(r.head_seq, entries);
	snprintf(head, sizeof(head), "%lld:%s", (long long)eseq, ehash ? ehash : "");
	assert_int_equal(python_verify(f, eseq ? head : NULL, line, sizeof(line)), 0);
	snprintf(want, sizeof(want), "ok: %lld entries, head %lld:%s", (long long)entries,
		 (long long)r.head_seq, r.head_hash);
	assert_contains(line, want);
}

/* ---- the hash definition and the happy path ------------------------------ */

static void hash_definition_is_pinned(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char hash[SHA256_HEX], when[TIME_ISO_LEN];

	(void)state;
	time_format_us(T0, when);
	ledger_entry_hash(&sb, 1, when, "test", "unit.test", "Thing/x", "{\"a\":1}", 7,
			  LEDGER_GENESIS, hash);
	/* computed independently with Python's hashlib and json.dumps */
	assert_string_equal(hash, "8315950625d40b50917a8c0ba9b968f08d40da80d81dd9bee8742ed49443e1dc");
	assert_string_equal(sb.buf, LEDGER_GENESIS
		"{\"action\":\"unit.test\",\"actor\":\"test\",\"payload\":{\"a\":1},"
		"\"seq\":1,\"subject\":\"Thing/x\",\"time\":\"2026-11-25T23:26:20.123456Z\"}");
	strbuf_release(&sb);
}

/*
 * One RFC 5424 message, worked by hand: PRI 13 * 8 + 6 = 110; MSGID is
 * the kind cut to 32 printable characters (the space becomes '_');
 * '"', '\' and ']' in PARAM-VALUEs are escaped; MSG is the BOM and the
 * export line with no line end.
 */
static void syslog_message_is_rfc5424(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct ledger_row row;
	const char *want =
		"<110>1 2026-12-07T00:00:24.925521Z siem-host aivalue 42 "
		"agent.decision_with_a_very_long_ "
		"[aivalue@32473 seq=\"7\" hash=\"" "ab" "\" prev_hash=\"" "cd" "\" "
		"actor=\"user:\\\"o\\]k\\\\\" subject=\"Thing/x\"] \xef\xbb\xbf"
		"{\"seq\":7,\"time\":\"2026-12-07T00:00:24.925521Z\",\"actor\":\"user:\\\"o]k\\\\\","
		"\"action\":\"agent.decision with_a_very_long_name\",\"subject\":\"Thing/x\","
		"\"payload\":{\"a\":1},\"prev_hash\":\"cd\",\"hash\":\"ab\"}";
	(void)state;

	memset(&row, 0, sizeof(row));
	row.seq = 7;
	row.time = "2026-12-07T00:00:24.925521Z";
	row.actor = "user:\"o]k\\";
	row.action = "agent.decision with_a_very_long_name";
	row.subject = "Thing/x";
	row.payload = "{\"a\":1}";
	row.payload_len = 7;
	row.prev_hash = "cd";
	row.hash = "ab";
	ledger_stream_syslog(&sb, &row, "siem-host", 42);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
	assert_int_equal(ledger_stream_format_parse("syslog"), LSF_SYSLOG);
	assert_int_equal(ledger_stream_format_parse("cef"), -1);
}

static void append_needs_a_transaction(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	int64_t seq = 0;
	char hash[SHA256_HEX];

	assert_int_equal(ledger_append(f->s, "a", "b", "c", NULL, NULL, &err), AIV_EINTERNAL);
	assert_contains(err.msg, "outside a transaction");
	assert_int_equal(ledger_head(f->s, &seq, hash, &err), 0);
	assert_int_equal(seq, NENTRIES);
	/* a rolled-back change leaves no entry */
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(ledger_append(f->s, "a", "b", "c", NULL, NULL, &err), 0);
	store_rollback(f->s);
	assert_int_equal(ledger_head(f->s, &seq, hash, &err), 0);
	assert_int_equal(seq, NENTRIES);
	assert_string_equal(hash, f->hash[NENTRIES]);
}

static void empty_ledger_head_is_genesis(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ledger_verify_result r;
	char *dir = unit_tmpdir(), *db = xstrfmt("%s/e.db", dir);
	struct store *s;
	int64_t seq = 7;
	char hash[SHA256_HEX];

	(void)state;
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	assert_int_equal(ledger_head(s, &seq, hash, &err), 0);
	assert_int_equal(seq, 0);
	assert_string_equal(hash, LEDGER_GENESIS);
	assert_int_equal(ledger_verify(s, 0, NULL, &r, &err), 0);
	assert_true(r.ok);
	assert_int_equal(r.entries, 0);
	/* a checkpoint against an empty ledger is truncation */
	assert_int_equal(ledger_verify(s, 3, LEDGER_GENESIS, &r, &err), 0);
	assert_false(r.ok);
	assert_int_equal(r.bad_seq, 1);
	assert_contains(r.reason, "truncated");
	store_close(s);
	unit_rmtree(dir);
	free(db);
	free(dir);
}

static void intact_ledger_verifies(void **state)
{
	struct fx *f = *state;

	expect_ok(f, 0, NULL, NENTRIES);
	expect_ok(f, NENTRIES, f->hash[NENTRIES], NENTRIES);
	expect_ok(f, 4, f->hash[4], NENTRIES); /* an older checkpoint */
}

static void stored_payload_is_canonical(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st = store_prepare(f->s, "SELECT payload FROM ledger WHERE seq = 2",
					      &err);

	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_string_equal(store_col_text(st, 0),
		"{\"big\":1e+16,\"neg0\":-0.0,\"ratio\":0.1,\"round\":100.0,\"tiny\":1e-05,"
		"\"x\":123456789.123}");
	store_reset(st);
}

struct walk_acc {
	int n;
	int64_t seqs[NENTRIES];
};

static int collect(const struct ledger_row *row, void *data)
{
	struct walk_acc *a = data;

	a->seqs[a->n++] = row->seq;
	return a->n == 3; /* stop after three */
}

static void walk_filters_and_orders(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct walk_acc a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(ledger_walk(f->s, 1, 0, NULL, NULL, 1, 0, collect, &a, &err), 0);
	assert_int_equal(a.n, 3); /* callback stopped it */
	assert_int_equal(a.seqs[0], NENTRIES);
	assert_int_equal(a.seqs[2], NENTRIES - 2);
	memset(&a, 0, sizeof(a));
	assert_int_equal(ledger_walk(f->s, 1, 0, "Thing/t5", NULL, 0, 0, collect, &a, &err), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.seqs[0], 5);
	memset(&a, 0, sizeof(a));
	assert_int_equal(ledger_walk(f->s, 4, 5, NULL, "test.", 0, 0, collect, &a, &err), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.seqs[1], 5);
	memset(&a, 0, sizeof(a));
	assert_int_equal(ledger_walk(f->s, 1, 0, NULL, "apply.", 0, 0, collect, &a, &err), 0);
	assert_int_equal(a.n, 0);
}

static int collect_all(const struct ledger_row *row, void *data)
{
	struct walk_acc *a = data;

	if (a->n < NENTRIES * 2)
		a->seqs[a->n % NENTRIES] = row->seq;
	a->n++;
	return 0;
}

/* ledger_walk_seqs: the entries named, in seq order, each once per statement of 256 seqs */
static void walk_seqs(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	int64_t few[] = { 5, 99999, 2, 5, 0 }, many[300];
	struct walk_acc a;
	size_t i;

	memset(&a, 0, sizeof(a));
	assert_int_equal(ledger_walk_seqs(f->s, few, 5, collect_all, &a, &err), 0);
	assert_int_equal(a.n, 2); /* 99999 and 0 name no entry; 5 comes once */
	assert_int_equal(a.seqs[0], 2);
	assert_int_equal(a.seqs[1], 5);
	memset(&a, 0, sizeof(a));
	assert_int_equal(ledger_walk_seqs(f->s, few, 0, collect_all, &a, &err), 0);
	assert_int_equal(a.n, 0);
	/* 300 seqs: a statement of 256 and one of 44 (padded to 64), each with every entry */
	for (i = 0; i < 300; i++)
		many[i] = (int64_t)(i % NENTRIES) + 1;
	memset(&a, 0, sizeof(a));
	assert_int_equal(ledger_walk_seqs(f->s, many, 300, collect_all, &a, &err), 0);
	assert_int_equal(a.n, 2 * NENTRIES);
	for (i = 0; i < NENTRIES; i++)
		assert_int_equal(a.seqs[i], (int64_t)i + 1);
	/* the callback stops the walk */
	memset(&a, 0, sizeof(a));
	assert_int_equal(ledger_walk_seqs(f->s, many, 300, collect, &a, &err), 0);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.seqs[2], 3);
}

/* ---- tampering ------------------------------------------------------------ */

static void modified_payload(void **state)
{
	struct fx *f = *state;

	exec_sql(f, "UPDATE ledger SET payload = replace(payload, 'Team lead', 'CEO')"
		    " WHERE seq = 4");
	expect_bad(f, 0, NULL, 4, "has been altered");
}

static void modified_payload_float(void **state)
{
	struct fx *f = *state;

	exec_sql(f, "UPDATE ledger SET payload = replace(payload, '\"ratio\":0.1,',"
		    " '\"ratio\":0.2,') WHERE seq = 2");
	expect_bad(f, 0, NULL, 2, "has been altered");
}

static void same_value_other_bytes(void **state)
{
	struct fx *f = *state;

	/* 0.10000000000000001 reads back as the same double as 0.1, but the
	 * ledger hashed the bytes "0.1": both verifiers must object */
	exec_sql(f, "UPDATE ledger SET payload = replace(payload, '\"ratio\":0.1,',"
		    " '\"ratio\":0.10000000000000001,') WHERE seq = 2");
	expect_bad(f, 0, NULL, 2, "entry 2");
}

static void modified_other_field(void **state)
{
	struct fx *f = *state;

	exec_sql(f, "UPDATE ledger SET actor = 'user:mallory' WHERE seq = 7");
	expect_bad(f, 0, NULL, 7, "has been altered");
}

static void modified_hash(void **state)
{
	struct fx *f = *state;

	exec_sql(f, "UPDATE ledger SET hash = '0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef' WHERE seq = 9");
	expect_bad(f, 0, NULL, 9, "has been altered");
}

static void modified_hash_and_next_link(void **state)
{
	struct fx *f = *state;

	/* fix up the next entry's prev_hash too: entry 9 still fails first */
	exec_sql(f, "UPDATE ledger SET hash = '0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef' WHERE seq = 9;"
		    "UPDATE ledger SET prev_hash = '0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef' WHERE seq = 10");
	expect_bad(f, 0, NULL, 9, "has been altered");
}

static void deleted_entry(void **state)
{
	struct fx *f = *state;

	exec_sql(f, "DELETE FROM ledger WHERE seq = 6");
	expect_bad(f, 0, NULL, 7, "entry 6 is missing");
}

static void deleted_first_entry(void **state)
{
	struct fx *f = *state;

	exec_sql(f, "DELETE FROM ledger WHERE seq = 1");
	expect_bad(f, 0, NULL, 2, "entry 1 is missing");
}

static void deleted_and_renumbered(void **state)
{
	struct fx *f = *state;

	/* close the gap: 7..12 become 6..11; entry 6 now links to the wrong hash */
	exec_sql(f, "DELETE FROM ledger WHERE seq = 6;"
		    "UPDATE ledger SET seq = -seq WHERE seq > 6;"
		    "UPDATE ledger SET seq = -seq - 1 WHERE seq < 0");
	expect_bad(f, 0, NULL, 6, "does not link");
}

static void inserted_entry(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct strbuf sb = STRBUF_INIT, sql = STRBUF_INIT;
	char when[TIME_ISO_LEN], forged[SHA256_HEX];
	const char *payload = "{\"forged\":true}";

	/*
	 * A careful forger: make room after entry 5, insert a new entry 6
	 * that links to entry 5 and carries a correct hash of its own.  The
	 * entry after it (the old 6, now 7) no longer links.
	 */
	exec_sql(f, "UPDATE ledger SET seq = -seq WHERE seq > 5;"
		    "UPDATE ledger SET seq = -seq + 1 WHERE seq < 0");
	time_format_us(T0, when);
	ledger_entry_hash(&sb, 6, when, "user:mallory", "test.append", "Thing/x", payload,
			  strlen(payload), f->hash[5], forged);
	strbuf_addf(&sql, "INSERT INTO ledger VALUES (6, '%s', 'user:mallory', 'test.append',"
		    " 'Thing/x', '%s', '%s', '%s')", when, payload, f->hash[5], forged);
	assert_int_equal(store_exec(f->s, sql.buf, &err), 0);
	expect_bad(f, 0, NULL, 7, "does not link");
	strbuf_release(&sb);
	strbuf_release(&sql);
}

static void inserted_entry_careless(void **state)
{
	struct fx *f = *state;

	/* an inserted row that copies its neighbour's hash */
	exec_sql(f, "UPDATE ledger SET seq = -seq WHERE seq > 3;"
		    "UPDATE ledger SET seq = -seq + 1 WHERE seq < 0;"
		    "INSERT INTO ledger SELECT 4, time, actor, action, 'Thing/forged', payload,"
		    " prev_hash, hash FROM ledger WHERE seq = 5");
	expect_bad(f, 0, NULL, 4, "has been altered");
}

static void reordered_entries(void **state)
{
	struct fx *f = *state;

	/* swap everything but seq between rows 5 and 6 */
	exec_sql(f, "CREATE TEMP TABLE sw AS SELECT * FROM ledger WHERE seq IN (5, 6);"
		    "UPDATE ledger SET (time, actor, action, subject, payload, prev_hash, hash) ="
		    " (SELECT time, actor, action, subject, payload, prev_hash, hash FROM sw"
		    "  WHERE sw.seq = 11 - ledger.seq) WHERE seq IN (5, 6);"
		    "DROP TABLE sw");
	expect_bad(f, 0, NULL, 5, "does not link");
}

static void reordered_seq_numbers(void **state)
{
	struct fx *f = *state;

	/* swap the seq numbers of 8 and 9 (the rows keep their content) */
	exec_sql(f, "UPDATE ledger SET seq = 100 WHERE seq = 8;"
		    "UPDATE ledger SET seq = 8 WHERE seq = 9;"
		    "UPDATE ledger SET seq = 9 WHERE seq = 100");
	expect_bad(f, 0, NULL, 8, "does not link");
}

static void truncation_needs_expect_head(void **state)
{
	struct fx *f = *state;

	exec_sql(f, "DELETE FROM ledger WHERE seq > 9");
	/* without a checkpoint a truncated chain is a valid shorter chain */
	expect_ok(f, 0, NULL, 9);
	/* with the checkpoint taken at entry 12 it is caught */
	expect_bad(f, NENTRIES, f->hash[NENTRIES], 10, "the ledger was truncated");
	/* a checkpoint older than the cut still passes */
	expect_ok(f, 8, f->hash[8], 9);
}

static void rewritten_chain_needs_expect_head(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st;
	struct strbuf sb = STRBUF_INIT, sql = STRBUF_INIT;
	char prev[SHA256_HEX], calc[SHA256_HEX];
	int64_t seq;

	/*
	 * Whoever can write the file can change entry 3 and recompute every
	 * hash after it.  The chain is then self-consistent; only a head kept
	 * elsewhere tells.
	 */
	exec_sql(f, "UPDATE ledger SET payload = '{\"rewritten\":true}' WHERE seq = 3");
	memcpy(prev, LEDGER_GENESIS, SHA256_HEX);
	for (seq = 1; seq <= NENTRIES; seq++) {
		st = store_prepare(f->s, "SELECT time, actor, action, subject, payload FROM ledger"
				   " WHERE seq = ?", &err);
		store_bind_int(st, 1, seq);
		assert_int_equal(store_step(st, &err), STORE_ROW);
		ledger_entry_hash(&sb, seq, store_col_text(st, 0), store_col_text(st, 1),
				  store_col_text(st, 2), store_col_text(st, 3),
				  store_col_text(st, 4), store_col_bytes(st, 4), prev, calc);
		store_reset(st);
		strbuf_reset(&sql);
		strbuf_addf(&sql, "UPDATE ledger SET prev_hash = '%s', hash = '%s' WHERE seq = %lld",
			    prev, calc, (long long)seq);
		exec_sql(f, sql.buf);
		memcpy(prev, calc, SHA256_HEX);
	}
	expect_ok(f, 0, NULL, NENTRIES);
	expect_ok(f, 2, f->hash[2], NENTRIES); /* before the rewrite: unchanged */
	expect_bad(f, NENTRIES, f->hash[NENTRIES], NENTRIES, "does not match the checkpoint");
	expect_bad(f, 5, f->hash[5], 5, "does not match the checkpoint");
	strbuf_release(&sb);
	strbuf_release(&sql);
}

static void non_canonical_payload(void **state)
{
	struct fx *f = *state;

	/* same JSON value, different bytes: not what was hashed */
	exec_sql(f, "UPDATE ledger SET payload = '{\"last\": true}' WHERE seq = 12");
	expect_bad(f, 0, NULL, 12, "entry 12");
}

/* ---- a ledger bigger than one verification batch ----------------------- */

#define NBIG 5000 /* several of ledger.c's 2048-entry batches: the threaded path */

struct big {
	char *dir;
	struct store *s;
	char (*hash)[SHA256_HEX]; /* hash[seq] */
};

static int big_setup(void **state)
{
	struct big *b = xcalloc(1, sizeof(*b));
	struct aiv_err err = AIV_ERR_INIT;
	char *db, payload[128], subject[32];
	int64_t seq;
	int i, n;

	b->dir = unit_tmpdir();
	db = xstrfmt("%s/big.db", b->dir);
	b->hash = xcalloc(NBIG + 1, sizeof(*b->hash));
	memcpy(b->hash[0], LEDGER_GENESIS, SHA256_HEX);
	if (store_open(&b->s, db, STORE_CREATE, &err) || store_begin(b->s, &err))
		fail_msg("%s", err.msg);
	for (i = 1; i <= NBIG; i++) {
		n = snprintf(payload, sizeof(payload), "{\"i\":%d,\"r\":%d.25,\"s\":\"%s\"}",
			     i, i * 7, i % 10 ? "plain" : "tab\\t\\u0001");
		snprintf(subject, sizeof(subject), i % 13 ? "Thing/%d" : "Thing/\"%d\"", i);
		if (ledger_append_text(b->s, "test", "test.big", subject, payload, (size_t)n,
				       T0 + i, &seq, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(ledger_head(b->s, &seq, b->hash[i], &err), 0);
	}
	if (store_commit(b->s, &err))
		fail_msg("%s", err.msg);
	free(db);
	*state = b;
	return 0;
}

static int big_teardown(void **state)
{
	struct big *b = *state;

	store_close(b->s);
	unit_rmtree(b->dir);
	free(b->dir);
	free(b->hash);
	free(b);
	return 0;
}

static void big_exec(struct big *b, const char *fmt, long long a1, long long a2)
{
	struct aiv_err err = AIV_ERR_INIT;
	char *sql = xstrfmt(fmt, a1, a2);

	if (store_exec(b->s, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
	free(sql);
}

/*
 * ledger_verify's full result, as the one-loop version defined it: the
 * first bad entry, the head = the last good entry before it, and the
 * number of rows read (the good ones and the bad one).
 */
static void big_expect_head(struct big *b, int64_t eseq, int64_t bad, int64_t head,
			    const char *why)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ledger_verify_result r, one;

	/*
	 * Once in one range, once split into four (edges after entries 1250,
	 * 2500 and 3750, checked on four threads and connections): the same
	 * verdict, field by field.
	 */
	ledger_verify_tune(1);
	assert_int_equal(ledger_verify(b->s, eseq, eseq ? b->hash[eseq] : NULL, &one, &err), 0);
	ledger_verify_tune(4);
	assert_int_equal(ledger_verify(b->s, eseq, eseq ? b->hash[eseq] : NULL, &r, &err), 0);
	ledger_verify_tune(0);
	assert_int_equal(one.ok, r.ok);
	assert_int_equal(one.bad_seq, r.bad_seq);
	assert_int_equal(one.entries, r.entries);
	assert_int_equal(one.head_seq, r.head_seq);
	assert_string_equal(one.head_hash, r.head_hash);
	assert_string_equal(one.reason, r.reason);
	if (!bad) {
		if (!r.ok)
			fail_msg("failed at %lld: %s", (long long)r.bad_seq, r.reason);
		assert_int_equal(r.entries, NBIG);
		assert_int_equal(r.head_seq, NBIG);
		assert_string_equal(r.head_hash, b->hash[NBIG]);
		return;
	}
	assert_false(r.ok);
	if (r.bad_seq != bad)
		fail_msg("first bad entry %lld, expected %lld (%s)", (long long)r.bad_seq,
			 (long long)bad, r.reason);
	assert_contains(r.reason, why);
	assert_int_equal(r.head_seq, head);
	assert_string_equal(r.head_hash, b->hash[head]);
	assert_int_equal(r.entries, head + 1);
}

static void big_expect(struct big *b, int64_t eseq, int64_t bad, const char *why)
{
	big_expect_head(b, eseq, bad, bad - 1, why);
}

static void big_intact(void **state)
{
	struct big *b = *state;

	big_expect(b, 0, 0, NULL);
	big_expect(b, NBIG, 0, NULL);
	big_expect(b, 4097, 0, NULL);
}

static void big_altered_late(void **state)
{
	struct big *b = *state;

	big_exec(b, "UPDATE ledger SET payload = replace(payload, '.25', '.5') WHERE seq = %lld%.0lld",
		 4100, 0);
	big_expect(b, 0, 4100, "entry 4100 has been altered");
}

static void big_altered_batch_edges(void **state)
{
	struct big *b = *state;
	static const long long at[] = { 1, 2048, 2049, 4096, 4097, NBIG };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(at); i++) {
		big_exec(b, "UPDATE ledger SET actor = 'x' WHERE seq = %lld%.0lld", at[i], 0);
		big_expect(b, 0, at[i], "has been altered");
		big_exec(b, "UPDATE ledger SET actor = 'test' WHERE seq = %lld%.0lld", at[i], 0);
	}
	big_expect(b, 0, 0, NULL);
}

static void big_hash_before_link(void **state)
{
	struct big *b = *state;

	/* a bad hash (found by the hasher) at 2500 comes before a gap at 3001 */
	big_exec(b, "UPDATE ledger SET subject = 'Thing/forged' WHERE seq = %lld;"
		    " DELETE FROM ledger WHERE seq = %lld", 2500, 3000);
	big_expect(b, 0, 2500, "entry 2500 has been altered");
}

static void big_link_before_hash(void **state)
{
	struct big *b = *state;

	/* a gap at 3001 (found by the reader) comes before a bad hash at 4000 */
	big_exec(b, "DELETE FROM ledger WHERE seq = %lld;"
		    " UPDATE ledger SET subject = 'Thing/forged' WHERE seq = %lld", 3000, 4000);
	big_expect_head(b, 0, 3001, 2999, "entry 3000 is missing");
}

static void big_link_and_hash_same_entry(void **state)
{
	struct big *b = *state;

	/* entry 3500's hash and the next one's link both changed: the hash
	 * check of 3500 fails first */
	big_exec(b, "UPDATE ledger SET hash = 'ab' || substr(hash, 3) WHERE seq = %lld;"
		    " UPDATE ledger SET prev_hash = 'ab' || substr(prev_hash, 3) WHERE seq = %lld",
		 3500, 3501);
	big_expect(b, 0, 3500, "entry 3500 has been altered");
}

static void big_hash_with_trailing_bytes(void **state)
{
	struct big *b = *state;

	/* the right 64 digits followed by junk are not the right hash */
	big_exec(b, "UPDATE ledger SET hash = hash || '00' WHERE seq = %lld;"
		    " UPDATE ledger SET prev_hash = prev_hash || '00' WHERE seq = %lld", 2222, 2223);
	big_expect(b, 0, 2222, "entry 2222 has been altered");
}

/*
 * Problems at the edges of verify's ranges (big_expect_head splits the
 * 5000 entries after 1250, 2500 and 3750): the first entry of a range,
 * the link across an edge, the last entry of a range gone, a whole
 * range gone.
 */
static void big_range_edges(void **state)
{
	struct big *b = *state;
	struct aiv_err err = AIV_ERR_INIT;
	char *sql;

	big_exec(b, "UPDATE ledger SET actor = 'x' WHERE seq = %lld%.0lld", 1251, 0);
	big_expect(b, 0, 1251, "entry 1251 has been altered");
	big_exec(b, "UPDATE ledger SET actor = 'test' WHERE seq = %lld%.0lld", 1251, 0);
	big_exec(b, "UPDATE ledger SET actor = 'x' WHERE seq = %lld%.0lld", 2500, 0);
	big_expect(b, 0, 2500, "entry 2500 has been altered");
	big_exec(b, "UPDATE ledger SET actor = 'test' WHERE seq = %lld%.0lld", 2500, 0);
	sql = xstrfmt("UPDATE ledger SET prev_hash = '%064d' WHERE seq = 2501", 7);
	if (store_exec(b->s, sql, &err))
		fail_msg("%s", err.msg);
	free(sql);
	big_expect(b, 0, 2501, "entry 2501 does not link to entry 2500");
	sql = xstrfmt("UPDATE ledger SET prev_hash = '%s' WHERE seq = 2501", b->hash[2500]);
	if (store_exec(b->s, sql, &err))
		fail_msg("%s", err.msg);
	free(sql);
	big_expect(b, 0, 0, NULL);
	big_expect(b, 3000, 0, NULL);
	big_exec(b, "DELETE FROM ledger WHERE seq = %lld%.0lld", 3750, 0);
	big_expect_head(b, 0, 3751, 3749, "entry 3750 is missing: the sequence jumps from 3749 to 3751");
	big_exec(b, "DELETE FROM ledger WHERE seq <= %lld%.0lld", 1250, 0);
	big_expect_head(b, 0, 1251, 0, "entry 1 is missing: the sequence jumps from 0 to 1251");
}

static void big_checkpoint_mismatch_vs_altered(void **state)
{
	struct big *b = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct ledger_verify_result r;

	/* the checkpoint's entry was altered: "altered" is reported, as the
	 * content check comes before the checkpoint check */
	big_exec(b, "UPDATE ledger SET payload = replace(payload, '.25', '.5') WHERE seq = %lld%.0lld",
		 3333, 0);
	big_expect(b, 3333, 3333, "entry 3333 has been altered");
	/* the checkpoint does not match an intact entry: named as such */
	assert_int_equal(ledger_verify(b->s, 1000, b->hash[999], &r, &err), 0);
	assert_false(r.ok);
	assert_int_equal(r.bad_seq, 1000);
	assert_contains(r.reason, "does not match the checkpoint");
	assert_int_equal(r.head_seq, 999);
	assert_string_equal(r.head_hash, b->hash[999]);
	/* truncation past the batches */
	big_exec(b, "DELETE FROM ledger WHERE seq > %lld%.0lld", 4500, 0);
	assert_int_equal(ledger_verify(b->s, NBIG, b->hash[NBIG], &r, &err), 0);
	assert_false(r.ok);
	assert_int_equal(r.bad_seq, 3333); /* the altered entry still comes first */
	big_exec(b, "UPDATE ledger SET payload = replace(payload, '.5', '.25') WHERE seq = %lld%.0lld",
		 3333, 0);
	assert_int_equal(ledger_verify(b->s, NBIG, b->hash[NBIG], &r, &err), 0);
	assert_false(r.ok);
	assert_int_equal(r.bad_seq, 4501);
	assert_contains(r.reason, "truncated");
	assert_int_equal(r.head_seq, 4500);
	assert_string_equal(r.head_hash, b->hash[4500]);
}

/*
 * The signed checkpoint, pinned against an independent implementation:
 * the key texts, the note and its signature below were made with
 * Python's `cryptography` (Ed25519 is deterministic) from the seed
 * 00 01 .. 1f, for tree size 12 and root SHA-256("abc").
 */
#define CP_NAME "test.example/ledger"
#define CP_SKEY "PRIVATE+KEY+" CP_NAME "+1a9913ed+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
#define CP_VKEY CP_NAME "+1a9913ed+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
#define CP_ROOT "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define CP_NOTE CP_NAME "\n12\nungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\n\n" \
	"\xe2\x80\x94 " CP_NAME " GpkT7Vrha5qpKjryqufw1egr47iOKLa3YhMb2O+BT4va1GZhtDlvAaWhUhuR" \
	"pemqKbrv7qjp4ViG4RAjhFAAIvRM5AI=\n"

static void checkpoint_note_is_pinned(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ledger_checkpoint cp;
	char *note = NULL, *bad;
	(void)state;

	assert_int_equal(ledger_checkpoint_sign(CP_SKEY, 12, CP_ROOT, &note, &err), 0);
	assert_string_equal(note, CP_NOTE);
	assert_int_equal(ledger_checkpoint_open(note, strlen(note), CP_VKEY, "n", &cp, &err), 0);
	assert_string_equal(cp.origin, CP_NAME);
	assert_int_equal(cp.size, 12);
	assert_string_equal(cp.hash, CP_ROOT);
	/* size 12 -> 13: the signature no longer holds */
	bad = xstrdup(note);
	bad[strlen(CP_NAME) + 2] = '3';
	assert_int_equal(ledger_checkpoint_open(bad, strlen(bad), CP_VKEY, "n", &cp, &err),
			 AIV_EPERM);
	assert_non_null(strstr(err.msg, "is not valid"));
	free(bad);
	free(note);
}

static void checkpoint_keys_round_trip(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ledger_checkpoint cp;
	char *skey, *vkey, *note;
	(void)state;

	assert_int_equal(ledger_key_generate("a b", &skey, &vkey, &err), AIV_EINPUT);
	assert_int_equal(ledger_key_generate("x.example/l", &skey, &vkey, &err), 0);
	assert_int_equal(ledger_checkpoint_sign(skey, 7, CP_ROOT, &note, &err), 0);
	assert_int_equal(ledger_checkpoint_open(note, strlen(note), vkey, "n", &cp, &err), 0);
	assert_int_equal(cp.size, 7);
	/* the pinned note is not signed by this key (another name) */
	assert_int_equal(ledger_checkpoint_open(CP_NOTE, strlen(CP_NOTE), vkey, "n", &cp, &err),
			 AIV_EPERM);
	assert_non_null(strstr(err.msg, "no signature by key 'x.example/l'"));
	assert_int_equal(ledger_checkpoint_open("x\n", 2, vkey, "f.note", &cp, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "f.note: not a signed note"));
	free(skey);
	free(vkey);
	free(note);
}

static void head_text_parses(void **state)
{
	char hash[SHA256_HEX];
	int64_t seq = 0;
	(void)state;

	assert_int_equal(ledger_parse_head("12:" CP_ROOT, &seq, hash), 0);
	assert_int_equal(seq, 12);
	assert_string_equal(hash, CP_ROOT);
	assert_int_equal(ledger_parse_head("0:" CP_ROOT, &seq, hash), -1);
	assert_int_equal(ledger_parse_head("12:ABC", &seq, hash), -1);
}

/* "V2:ab" "N" "V2:12" "\n", hashed by hand (Python hashlib) */
static void rows_digest_is_pinned(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	char d[SHA256_HEX];

	assert_int_equal(ledger_rows_digest(f->s, "SELECT 'ab', NULL, 12", 0, 3, d, &err), 0);
	assert_string_equal(d, "1d8c4cb87580d692f69e9b8e81259f8b6d52a733a0ebec614b23513870311060");
}

static void append_one(struct fx *f, const char *action, const char *payload)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *p = json_loads(payload, 0, NULL);

	if (store_begin(f->s, &err) ||
	    ledger_append(f->s, "user:ana", action, "Token/x", p, NULL, &err) ||
	    store_commit(f->s, &err))
		fail_msg("append: %s", err.msg);
	json_decref(p);
}

/* The index follows appended entries, and starts over when the ledger is rewritten. */
static void bound_token_follows_the_ledger(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct ledger_bound_token t;
	int found = 1;

	ledger_bind_reset();
	assert_int_equal(ledger_bound_token(f->s, "vic", &t, &found, &err), 0);
	assert_int_equal(found, 0);
	append_one(f, "token.create", "{\"name\":\"vic\",\"role\":\"viewer\",\"secret_sha256\":\"ab\"}");
	assert_int_equal(ledger_bound_token(f->s, "vic", &t, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(t.role, "viewer");
	assert_string_equal(t.secret_sha256, "ab");
	assert_int_equal(t.revoked, 0);
	assert_int_equal(t.seq, NENTRIES + 1);
	append_one(f, "token.revoke", "{\"name\":\"vic\"}");
	assert_int_equal(ledger_bound_token(f->s, "vic", &t, &found, &err), 0);
	assert_int_equal(t.revoked, 1);
	assert_int_equal(t.seq, NENTRIES + 2);
	/* rewrite the entry the index stopped at: it reads everything again */
	assert_int_equal(store_exec(f->s, "UPDATE ledger SET payload = '{\"name\":\"vic\","
				    "\"role\":\"admin\"}', hash = 'x' WHERE seq = 13;"
				    "DELETE FROM ledger WHERE seq = 14", &err), 0);
	assert_int_equal(ledger_bound_token(f->s, "vic", &t, &found, &err), 0);
	assert_string_equal(t.role, "admin");
	assert_int_equal(t.revoked, 0);
	ledger_bind_reset();
}

/*
 * Appends in one transaction read the head once: the next chains to the
 * entry the last one wrote (a decision commit appends two).  Counted in
 * statements: one head read and one INSERT each, then an INSERT each
 * (main read the head before every append: 4 for two).  A rolled-back
 * append leaves nothing behind: the next transaction reads the head, and
 * so does a transaction of another handle; the chain verifies throughout.
 */
static void appends_in_one_transaction_read_the_head_once(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *other = NULL;
	int64_t n0, seq = 0;
	char hash[SHA256_HEX];
	json_t *p = json_pack("{s:i}", "n", 1);

	assert_int_equal(store_begin(f->s, &err), 0);
	n0 = store_statements(f->s);
	assert_int_equal(ledger_append(f->s, "test", "test.batch", "a", p, &seq, &err), 0);
	assert_int_equal(seq, NENTRIES + 1);
	assert_int_equal(ledger_append(f->s, "test", "test.batch", "b", p, &seq, &err), 0);
	assert_int_equal(seq, NENTRIES + 2);
	assert_int_equal(store_statements(f->s) - n0, 3);
	assert_int_equal(ledger_append(f->s, "test", "test.batch", "c", p, &seq, &err), 0);
	assert_int_equal(store_statements(f->s) - n0, 4);
	assert_int_equal(store_commit(f->s, &err), 0);
	expect_ok(f, 0, NULL, NENTRIES + 3);

	/* rolled back: the next transaction chains to what is stored */
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(ledger_append(f->s, "test", "test.batch", "gone", p, &seq, &err), 0);
	assert_int_equal(seq, NENTRIES + 4);
	store_rollback(f->s);
	assert_int_equal(store_begin(f->s, &err), 0);
	n0 = store_statements(f->s);
	assert_int_equal(ledger_append(f->s, "test", "test.batch", "d", p, &seq, &err), 0);
	assert_int_equal(seq, NENTRIES + 4);
	assert_int_equal(store_statements(f->s) - n0, 2);
	assert_int_equal(store_commit(f->s, &err), 0);

	/* another handle appends; this one's next transaction sees it */
	assert_int_equal(store_open(&other, f->db, 0, &err), 0);
	assert_int_equal(store_begin(other, &err), 0);
	assert_int_equal(ledger_append(other, "test", "test.batch", "e", p, &seq, &err), 0);
	assert_int_equal(seq, NENTRIES + 5);
	assert_int_equal(store_commit(other, &err), 0);
	store_close(other);
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(ledger_append(f->s, "test", "test.batch", "f", p, &seq, &err), 0);
	assert_int_equal(seq, NENTRIES + 6);
	assert_int_equal(store_commit(f->s, &err), 0);
	assert_int_equal(ledger_head(f->s, &seq, hash, &err), 0);
	assert_int_equal(seq, NENTRIES + 6);
	expect_ok(f, NENTRIES + 6, hash, NENTRIES + 6);
	json_decref(p);
}

/* A stamp for canon_keeps_the_stamp_rule: adds "stamped": true. */
static int stamp_true(struct store *s, json_t *payload, struct aiv_err *err)
{
	(void)s;
	(void)err;
	json_object_set_new(payload, "stamped", json_true());
	return 0;
}

static const struct ledger_state_stamp canon_stamp = { "test.canon-stamped", NULL, stamp_true };
static const struct ledger_state_stamp canon_prefix = { "test.canon-pre.", NULL, stamp_true };

static char *payload_of(struct store *s, int64_t seq)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st = store_prepare(s, "SELECT payload FROM ledger WHERE seq = ?", &err);
	char *v;

	assert_non_null(st);
	store_bind_int(st, 1, seq);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	v = xstrdup(store_col_text(st, 0));
	store_reset(st);
	return v;
}

/*
 * ledger_append_canon appends the caller's canonical text as it is, but
 * an action that a stamp names (or a prefix of it) goes through
 * ledger_append's stamp as before: the same payload ledger_append writes.
 */
static void canon_keeps_the_stamp_rule(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	const char *text = "{\"a\":1,\"b\":\"x\\\"y\"}";
	json_t *p = json_loads(text, 0, NULL);
	int64_t seq = 0;
	char *got;

	ledger_state_register_stamp(&canon_stamp);
	ledger_state_register_stamp(&canon_prefix);
	assert_int_equal(ledger_state_stamped("test.canon-plain"), 0);
	assert_int_equal(ledger_state_stamped("test.canon-stamped"), 1);
	assert_int_equal(ledger_state_stamped("test.canon-stamped.x"), 0);
	assert_int_equal(ledger_state_stamped("test.canon-pre.x"), 1);
	assert_int_equal(ledger_state_stamped("decisions.batch"), 0);
	assert_int_equal(ledger_state_stamped("gateway.calls"), 0);
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(ledger_append_canon(f->s, "test", "test.canon-plain", "a", text,
					     strlen(text), &seq, &err), 0);
	assert_int_equal(seq, NENTRIES + 1);
	assert_int_equal(ledger_append_canon(f->s, "test", "test.canon-stamped", "b", text,
					     strlen(text), &seq, &err), 0);
	assert_int_equal(ledger_append_canon(f->s, "test", "test.canon-pre.x", "c", text,
					     strlen(text), &seq, &err), 0);
	assert_int_equal(ledger_append(f->s, "test", "test.canon-stamped", "d", p, &seq, &err), 0);
	assert_int_equal(seq, NENTRIES + 4);
	assert_int_equal(store_commit(f->s, &err), 0);
	got = payload_of(f->s, NENTRIES + 1);
	assert_string_equal(got, text);
	free(got);
	got = payload_of(f->s, NENTRIES + 2);
	assert_string_equal(got, "{\"a\":1,\"b\":\"x\\\"y\",\"stamped\":true}");
	free(got);
	got = payload_of(f->s, NENTRIES + 3);
	assert_string_equal(got, "{\"a\":1,\"b\":\"x\\\"y\",\"stamped\":true}");
	free(got);
	got = payload_of(f->s, NENTRIES + 4);
	assert_string_equal(got, "{\"a\":1,\"b\":\"x\\\"y\",\"stamped\":true}");
	free(got);
	expect_ok(f, 0, NULL, NENTRIES + 4);
	json_decref(p);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_definition_is_pinned),
		cmocka_unit_test(syslog_message_is_rfc5424),
		cmocka_unit_test(empty_ledger_head_is_genesis),
		cmocka_unit_test(checkpoint_note_is_pinned),
		cmocka_unit_test(checkpoint_keys_round_trip),
		cmocka_unit_test(head_text_parses),
		T(rows_digest_is_pinned),
		T(bound_token_follows_the_ledger),
		T(append_needs_a_transaction),
		T(intact_ledger_verifies),
		T(appends_in_one_transaction_read_the_head_once),
		T(canon_keeps_the_stamp_rule),
		T(stored_payload_is_canonical),
		T(walk_filters_and_orders),
		T(walk_seqs),
		T(modified_payload),
		T(modified_payload_float),
		T(same_value_other_bytes),
		T(modified_other_field),
		T(modified_hash),
		T(modified_hash_and_next_link),
		T(deleted_entry),
		T(deleted_first_entry),
		T(deleted_and_renumbered),
		T(inserted_entry),
		T(inserted_entry_careless),
		T(reordered_entries),
		T(reordered_seq_numbers),
		T(truncation_needs_expect_head),
		T(rewritten_chain_needs_expect_head),
		T(non_canonical_payload),
#define B(fn) cmocka_unit_test_setup_teardown(fn, big_setup, big_teardown)
		B(big_intact),
		B(big_altered_late),
		B(big_altered_batch_edges),
		B(big_hash_before_link),
		B(big_link_before_hash),
		B(big_link_and_hash_same_entry),
		B(big_hash_with_trailing_bytes),
		B(big_checkpoint_mismatch_vs_altered),
		B(big_range_edges),
#undef B
	};
#undef T

	cli_register_schema();
	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
