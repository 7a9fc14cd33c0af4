/*
 * test_logstore.c - a stored log reloads bit for bit (every column and
 * attribute), the content hash makes a re-import a no-op, other content
 * replaces, and the ledger records one entry per change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingest/ingest.h"
#include "ingest/logstore.h"
#include "ledger/ledger.h"
#include "cli/cmd.h"

static char root[4096], dir[256];

static void load_fixture(struct eventlog *l, const char *name)
{
	char path[8192];
	struct aiv_err err = AIV_ERR_INIT;

	snprintf(path, sizeof(path), "%s/tests/data/eventlogs/%s", root, name);
	eventlog_init(l);
	if (ingest_xes_file(path, l, NULL, &err))
		fail_msg("%s", err.msg);
}

static void same_log(const struct eventlog *a, const struct eventlog *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->ncases, b->ncases);
	assert_int_equal(a->strs.n, b->strs.n);
	assert_int_equal(a->strs.arena_len, b->strs.arena_len);
	assert_memory_equal(a->strs.arena, b->strs.arena, a->strs.arena_len);
	assert_memory_equal(a->case_name, b->case_name, a->ncases * 4);
	assert_memory_equal(a->case_off, b->case_off, (a->ncases + 1) * sizeof(size_t));
	assert_memory_equal(a->ev_case, b->ev_case, a->n * 4);
	assert_memory_equal(a->activity, b->activity, a->n * 4);
	assert_memory_equal(a->resource, b->resource, a->n * 4);
	assert_memory_equal(a->time, b->time, a->n * 8);
	assert_int_equal(!a->lifecycle, !b->lifecycle);
	assert_int_equal(!a->cost, !b->cost);
	assert_int_equal(a->ncattrs, b->ncattrs);
	assert_int_equal(a->neattrs, b->neattrs);
	if (a->ncattrs)
		assert_memory_equal(a->cattrs, b->cattrs, a->ncattrs * sizeof(*a->cattrs));
	if (a->neattrs)
		assert_memory_equal(a->eattrs, b->eattrs, a->neattrs * sizeof(*a->eattrs));
}

static void test_roundtrip(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s;
	struct eventlog l, back, other;
	enum logstore_status st;
	int64_t seq, seq2, head;
	char hash[SHA256_HEX], hash2[SHA256_HEX], db[512], hh[SHA256_HEX];
	struct logstore_info *info;
	size_t n;

	(void)state;
	snprintf(db, sizeof(db), "%s/t.db", dir);
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	load_fixture(&l, "running-example.xes");
	assert_int_equal(logstore_save(s, "test", "re", "xes", "running-example.xes", &l, &st,
				       &seq, hash, &err), 0);
	assert_int_equal(st, LOGSTORE_IMPORTED);
	assert_true(seq > 0);

	eventlog_init(&back);
	assert_int_equal(logstore_load(s, "re", &back, &err), 0);
	same_log(&l, &back);
	logstore_content_hash(&back, hash2);
	assert_string_equal(hash, hash2);
	eventlog_release(&back);

	/* same content: no change, no ledger entry */
	assert_int_equal(ledger_head(s, &head, hh, &err), 0);
	assert_int_equal(logstore_save(s, "test", "re", "xes", "again.xes", &l, &st, &seq2,
				       hash2, &err), 0);
	assert_int_equal(st, LOGSTORE_UNCHANGED);
	assert_int_equal(seq2, 0);
	assert_int_equal(ledger_head(s, &seq2, hh, &err), 0);
	assert_int_equal(seq2, head);

	/* other content under the same name replaces it */
	eventlog_init(&other);
	eventlog_add(&other, eventlog_intern(&other, "c", 1), eventlog_intern(&other, "a", 1),
		     EVL_NONE, 5);
	assert_int_equal(eventlog_finish(&other, &err), 0);
	assert_int_equal(logstore_save(s, "test", "re", "csv", "x.csv", &other, &st, &seq2,
				       hash2, &err), 0);
	assert_int_equal(st, LOGSTORE_REPLACED);
	assert_int_equal(seq2, head + 1);
	eventlog_init(&back);
	assert_int_equal(logstore_load(s, "re", &back, &err), 0);
	same_log(&other, &back);
	eventlog_release(&back);

	assert_int_equal(logstore_list(s, &info, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(info[0].name, "re");
	assert_int_equal(info[0].events, 1);
	assert_string_equal(info[0].format, "csv");
	logstore_info_free(info, n);

	eventlog_init(&back);
	assert_int_equal(logstore_load(s, "nope", &back, &err), AIV_ENOTFOUND);
	eventlog_release(&back);
	eventlog_release(&other);
	eventlog_release(&l);
	store_close(s);
	unlink(db);
}

/*
 * Figures kept with a log: read back by form while the log's content is
 * the one they were computed over; a re-import of the same content keeps
 * them, of other content drops them (and keeps the new ones).
 */
static void test_kept(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s;
	struct eventlog l, other;
	enum logstore_status st;
	int64_t seq;
	char hash[SHA256_HEX], db[512], *body;
	const struct logstore_kept kept[2] = { { "stats text", "six cases\n" },
					       { "stats json", "{\"cases\": 6}\n" } };
	const struct logstore_kept kept2[1] = { { "stats text", "one case\n" } };

	(void)state;
	snprintf(db, sizeof(db), "%s/k.db", dir);
	assert_int_equal(store_open(&s, db, STORE_CREATE, &err), 0);
	load_fixture(&l, "running-example.xes");
	assert_int_equal(logstore_save_kept(s, "test", "re", "xes", "re.xes", &l, NULL, kept, 2,
					    &st, &seq, hash, &err), 0);
	assert_int_equal(st, LOGSTORE_IMPORTED);
	assert_int_equal(logstore_kept_get(s, "re", "stats text", &body, &err), 0);
	assert_non_null(body);
	assert_string_equal(body, "six cases\n");
	free(body);
	assert_int_equal(logstore_kept_get(s, "re", "stats json", &body, &err), 0);
	assert_string_equal(body, "{\"cases\": 6}\n");
	free(body);
	/* another form, another log: nothing */
	assert_int_equal(logstore_kept_get(s, "re", "stats text top=3", &body, &err), 0);
	assert_null(body);
	assert_int_equal(logstore_kept_get(s, "nope", "stats text", &body, &err), 0);
	assert_null(body);

	/* same content again: unchanged, the kept figures stay */
	assert_int_equal(logstore_save_kept(s, "test", "re", "xes", "re.xes", &l, NULL, kept2, 1,
					    &st, &seq, hash, &err), 0);
	assert_int_equal(st, LOGSTORE_UNCHANGED);
	assert_int_equal(logstore_kept_get(s, "re", "stats text", &body, &err), 0);
	assert_string_equal(body, "six cases\n");
	free(body);

	/* other content: the old figures go, the new ones are kept */
	eventlog_init(&other);
	eventlog_add(&other, eventlog_intern(&other, "c", 1), eventlog_intern(&other, "a", 1),
		     EVL_NONE, 5);
	assert_int_equal(eventlog_finish(&other, &err), 0);
	assert_int_equal(logstore_save_kept(s, "test", "re", "csv", "x.csv", &other, NULL, kept2, 1,
					    &st, &seq, hash, &err), 0);
	assert_int_equal(st, LOGSTORE_REPLACED);
	assert_int_equal(logstore_kept_get(s, "re", "stats text", &body, &err), 0);
	assert_string_equal(body, "one case\n");
	free(body);
	assert_int_equal(logstore_kept_get(s, "re", "stats json", &body, &err), 0);
	assert_null(body);

	/* the log's content hash changed behind the figures: not served */
	assert_int_equal(store_exec(s, "UPDATE event_logs SET content_hash = 'x'", &err), 0);
	assert_int_equal(logstore_kept_get(s, "re", "stats text", &body, &err), 0);
	assert_null(body);

	eventlog_release(&other);
	eventlog_release(&l);
	store_close(s);
	unlink(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_kept),
	};
	const char *f = __FILE__, *slash = strstr(f, "/tests/unit/");
	char wal[600];
	int ret;

	snprintf(root, sizeof(root), "%.*s", slash ? (int)(slash - f) : 1, slash ? f : ".");
	snprintf(dir, sizeof(dir), "%s/aiv-logstore.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	setenv("AIVALUE_BUSY_TIMEOUT_MS", "300", 1);
	cli_register_schema();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(wal, sizeof(wal), "%s/t.db-wal", dir);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s/t.db-shm", dir);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s/k.db-wal", dir);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s/k.db-shm", dir);
	unlink(wal);
	rmdir(dir);
	return ret;
}
