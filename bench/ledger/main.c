/*
 * bench/ledger/main.c - how fast the ledger appends and verifies, and how
 * close verification comes to the physical limit (raw SHA-256).
 *
 *   build/bench/bench_ledger [--n N] [--batch B] [--runs R] [--dir DIR] [--keep]
 *                           [--block B] [--block-full]
 *
 * (--keep leaves the last workspace behind, e.g. to profile
 * `aivalue --db PATH audit verify` on it.)
 *
 * 1. append: N entries (default 1,000,000) through ledger_append_text(),
 *    B per transaction (default 10,000), into a fresh workspace made with
 *    store_open(STORE_CREATE) in a temporary directory.  Payloads are
 *    realistic canonical JSON of 150-300 bytes (apply diffs, creates,
 *    imports, agent decisions), varied, generated before the clock starts.
 *    Repeated R times (default 3), each on a fresh database; the median
 *    is reported.
 * 2. verify: ledger_verify() over the last database, R times, median,
 *    after sync() (untimed) so that the kernel's writeback of the appends
 *    does not run during it.
 * 3. limit: the exact byte strings verify hashes (prev_hash hex followed
 *    by the canonical entry, rebuilt with ledger_entry_hash's layout into
 *    memory before the clock starts) are hashed with sha256() from
 *    core/hash.h, one call per entry, R times, median.  That is the most
 *    any verifier that must hash every entry could do on this machine.
 *
 * 4. block probe (--block B, default 256; 0 skips it): the same bytes
 *    stored B consecutive entries to a row (each entry a 4-byte length
 *    and its bytes) in a scratch table of a second database next to the
 *    first, then read back in seq order on one thread, each entry hashed
 *    and its hash compared with the next entry's stored prev_hash, R
 *    times, median.  Not what `audit verify` does today: it measures the
 *    block layout that issue 20's decision proposes (docs/performance.md,
 *    "Ledger verify"), against the same limit, in the same run.
 *    --block-full adds what a sealed block must keep for audit verify's
 *    verdicts to stay the same: before each entry its seq (8 bytes) and
 *    its stored hash (64 hex digits), and the check of both (seq in
 *    order, SHA-256 of the entry equal to its stored hash) besides the
 *    link.  This is the read path of a block layout that is the only copy
 *    of its entries.
 * 5. seal probe (with --block-full, unless --keep): what sealing would
 *    add to appends: the verified workspace's entries moved B at a time
 *    from the ledger table into blocks laid out as --block-full stores
 *    them (read, lay out, insert the block, delete the rows), once.
 *
 * Prints entries per second for each and verify/limit twice: in wall time
 * (verify may use a thread per core; the limit is one thread) and in CPU
 * time (all of verify's threads against the limit's one: how much of
 * verify's work is hashing).  Each ratio is measured in this run, so it
 * holds on a busy machine; the load average before and after is printed.
 * Then MET or MISSED against the targets (append 100,000/s or more,
 * verify at 0.8 of the limit or more: issue 20).
 * Exits 0 either way (1 only if something broke), so `make bench` runs
 * every benchmark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/hash.h"
#include "ledger/ledger.h"
#include "store/store.h"
#include "cli/cmd.h"

#define TARGET_APPEND 100000.0
#define TARGET_RATIO 0.8
#define NPOOL 4093 /* distinct payloads; a prime, so they cycle unevenly */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so runs are comparable */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rng() % n];
}

static const char *const first[] = { "ana", "kerem", "lotte", "zoe", "bjorn", "aoife",
	"chinedu", "sakura", "mateo", "elif", "do-hyun", "wanjiru", "pawel", "ines" };
static const char *const last[] = { "carvalho", "sahin", "mulder", "zhang", "lindqvist",
	"kavanagh", "obi", "yamada", "aguilar", "kaya", "lim", "chebet", "wojcik", "silva" };
static const char *const roles[] = { "Claims handler", "Team manager", "Underwriter",
	"Function head", "Data analyst", "Service desk agent", "Actuary", "Paralegal",
	"Procurement specialist", "Platform engineer" };
static const char *const teams[] = { "operations-claims-motor", "finance-actuarial",
	"legal-contracts", "it-service-desk", "engineering-platform", "sales-direct",
	"customer-service-digital", "hr-talent" };

/* One realistic canonical payload (keys sorted, no spaces). */
static void make_payload(struct strbuf *sb, size_t i)
{
	char hex[SHA256_HEX];
	uint8_t raw[SHA256_LEN];
	const char *f = pick(first, ARRAY_SIZE(first)), *l = pick(last, ARRAY_SIZE(last));
	unsigned n = (unsigned)(rng() % 1000);

	sha256(&i, sizeof(i), raw);
	hex_encode(raw, SHA256_LEN, hex);
	strbuf_reset(sb);
	switch (i % 4) {
	case 0: /* apply.update: a before/after diff */
		strbuf_addf(sb, "{\"changes\":{\"role\":{\"after\":\"%s\",\"before\":\"%s\"}},"
			    "\"kind\":\"Person\",\"name\":\"%s.%s%u\",\"op\":\"update\","
			    "\"spec_hash\":\"%s\"}",
			    pick(roles, ARRAY_SIZE(roles)), pick(roles, ARRAY_SIZE(roles)), f, l, n,
			    hex);
		break;
	case 1: /* apply.create: a whole spec */
		strbuf_addf(sb, "{\"kind\":\"Person\",\"name\":\"%s.%s%u\",\"op\":\"create\","
			    "\"spec\":{\"champion\":%s,\"display_name\":\"%c%s %c%s\","
			    "\"name\":\"%s.%s%u\",\"role\":\"%s\",\"team\":\"%s\"},"
			    "\"spec_hash\":\"%.32s\"}",
			    f, l, n, n % 3 ? "false" : "true", f[0] - 32, f + 1, l[0] - 32, l + 1,
			    f, l, n, pick(roles, ARRAY_SIZE(roles)), pick(teams, ARRAY_SIZE(teams)),
			    hex);
		break;
	case 2: /* ingest: row count and content hash of a bulk import */
		strbuf_addf(sb, "{\"bytes\":%u,\"columns\":[\"time\",\"user\",\"tool\",\"action\"],"
			    "\"file\":\"usage-2026-%02u.csv\",\"format\":\"csv\",\"rows\":%u,"
			    "\"sha256\":\"%s\"}",
			    (unsigned)(rng() % 100000000), (unsigned)(i % 12) + 1,
			    (unsigned)(rng() % 5000000), hex);
		break;
	default: /* control: an agent decision with a real-valued score */
		strbuf_addf(sb, "{\"agent\":\"claims-triage-%u\",\"case\":\"CLM-2026-%06u\","
			    "\"decision\":\"%s\","
			    "\"policy\":\"triage-v%u\",\"reason\":\"amount under %u limit\","
			    "\"risk\":0.%03u,\"workflow\":\"%s\"}",
			    n % 7, (unsigned)(rng() % 1000000), n % 5 ? "allow" : "escalate", n % 9 + 1, n * 10 + 500,
			    (unsigned)(rng() % 1000), pick(teams, ARRAY_SIZE(teams)));
		break;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct pool {
	char *text[NPOOL];
	size_t len[NPOOL];
	size_t total; /* bytes over the pool */
};

static int append_run(const char *path, long n, long batch, const struct pool *p,
		      double *secs, double *cpu)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	int64_t t0_us = INT64_C(1795649180000000);
	char subject[64];
	double t0, c0;
	long i;

	unlink(path);
	if (store_open(&s, path, STORE_CREATE, &err))
		goto fail;
	t0 = now_s();
	c0 = cpu_s();
	for (i = 0; i < n;) {
		long end = i + batch < n ? i + batch : n;
		if (store_begin(s, &err))
			goto fail;
		for (; i < end; i++) {
			size_t k = (size_t)i % NPOOL;
			snprintf(subject, sizeof(subject), "Person/p%ld", i % 50000);
			if (ledger_append_text(s, i % 3 ? "user:ana.carvalho" : "cli:import",
					       i % 4 == 0 ? "apply.update" : i % 4 == 1 ?
					       "apply.create" : i % 4 == 2 ? "ingest.usage" :
					       "control.decision", subject, p->text[k], p->len[k],
					       t0_us + i * 1000 + 1, NULL, &err)) {
				store_rollback(s);
				goto fail;
			}
		}
		if (store_commit(s, &err)) {
			store_rollback(s);
			goto fail;
		}
	}
	*secs = now_s() - t0;
	*cpu = cpu_s() - c0;
	store_close(s);
	return 0;
fail:
	fprintf(stderr, "bench_ledger: append: %s\n", err.msg);
	store_close(s);
	return -1;
}

/* The bytes verify hashes, all entries back to back. */
struct blob {
	struct strbuf bytes;
	size_t *off; /* entry i is bytes[off[i] .. off[i+1]) */
	size_t n, alloc;
	struct strbuf scratch;
};

static int collect(const struct ledger_row *r, void *data)
{
	struct blob *b = data;
	char hash[SHA256_HEX];

	ledger_entry_hash(&b->scratch, r->seq, r->time, r->actor, r->action, r->subject,
			  r->payload, r->payload_len, r->prev_hash, hash);
	ALLOC_GROW(b->off, b->n + 2, b->alloc);
	b->off[b->n++] = b->bytes.len;
	strbuf_add(&b->bytes, b->scratch.buf, b->scratch.len);
	b->off[b->n] = b->bytes.len;
	return 0;
}

/*
 * The block probe (4. above): write blob's entries B to a row into a
 * scratch table, then time reading them back and checking the chain.
 * Fills *wall and *cpu with the median; returns 0, or -1 with a message.
 */
static int block_probe(const char *path, const struct blob *b, long block, int full,
		       int runs, double *wall, double *cpu)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	struct store_stmt *st;
	struct strbuf row = STRBUF_INIT;
	double tw[16], tc[16];
	size_t k, checked;
	int r, rc;

	unlink(path);
	if (store_open(&s, path, STORE_CREATE, &err) ||
	    store_exec(s, "CREATE TABLE bench_block(first_seq INTEGER PRIMARY KEY,"
		       " bytes BLOB NOT NULL)", &err) || store_begin(s, &err))
		goto fail;
	st = store_prepare(s, "INSERT INTO bench_block(first_seq, bytes) VALUES (?, ?)", &err);
	if (!st)
		goto fail;
	for (k = 0; k < b->n;) {
		size_t start = k;
		strbuf_reset(&row);
		for (; k < b->n && k - start < (size_t)block; k++) {
			uint32_t len = (uint32_t)(b->off[k + 1] - b->off[k]);
			strbuf_add(&row, &len, sizeof(len));
			if (full) {
				/* the header a sealed block must keep: seq and the stored hash */
				int64_t seq = (int64_t)k + 1;
				char hash[SHA256_HEX];

				sha256_hex(b->bytes.buf + b->off[k], len, hash);
				strbuf_add(&row, &seq, sizeof(seq));
				strbuf_add(&row, hash, SHA256_HEX - 1);
			}
			strbuf_add(&row, b->bytes.buf + b->off[k], len);
		}
		store_bind_int(st, 1, (int64_t)start + 1);
		store_bind_blob(st, 2, row.buf, row.len);
		rc = store_step(st, &err);
		store_reset(st);
		if (rc < 0)
			goto fail;
	}
	if (store_commit(s, &err))
		goto fail;
	sync();
	for (r = 0; r < runs; r++) {
		char hex[SHA256_HEX], prev[SHA256_HEX];
		uint8_t d[SHA256_LEN];
		double t0 = now_s(), c0 = cpu_s();

		st = store_prepare(s, "SELECT bytes FROM bench_block ORDER BY first_seq", &err);
		if (!st)
			goto fail;
		memcpy(prev, LEDGER_GENESIS, SHA256_HEX);
		checked = 0;
		while ((rc = store_step(st, &err)) == STORE_ROW) {
			const unsigned char *p = store_col_blob(st, 0);
			const unsigned char *end = p + store_col_bytes(st, 0);
			while (p + 4 <= end) {
				const unsigned char *stored = NULL;
				uint32_t len;
				memcpy(&len, p, 4);
				p += 4;
				if (full) {
					/* what audit verify's verdicts need: seq in order, the stored hash */
					int64_t seq;

					if ((size_t)(end - p) < 8 + SHA256_HEX - 1)
						break;
					memcpy(&seq, p, 8);
					if (seq != (int64_t)checked + 1) {
						store_reset(st);
						aiv_fail(&err, AIV_EINTERNAL, "block probe: entry %zu "
							 "is out of sequence", checked + 1);
						goto fail;
					}
					stored = p + 8;
					p += 8 + SHA256_HEX - 1;
				}
				if (len < SHA256_HEX - 1 || len > (size_t)(end - p) ||
				    memcmp(p, prev, SHA256_HEX - 1)) {
					store_reset(st);
					aiv_fail(&err, AIV_EINTERNAL, "block probe: entry %zu does "
						 "not link", checked + 1);
					goto fail;
				}
				sha256(p, len, d);
				hex_encode(d, SHA256_LEN, hex);
				if (stored && memcmp(stored, hex, SHA256_HEX - 1)) {
					store_reset(st);
					aiv_fail(&err, AIV_EINTERNAL, "block probe: entry %zu does "
						 "not match its stored hash", checked + 1);
					goto fail;
				}
				memcpy(prev, hex, SHA256_HEX);
				p += len;
				checked++;
			}
		}
		store_reset(st);
		if (rc < 0)
			goto fail;
		if (checked != b->n) {
			aiv_fail(&err, AIV_EINTERNAL, "block probe: %zu entries read of %zu",
				 checked, b->n);
			goto fail;
		}
		tw[r] = now_s() - t0;
		tc[r] = cpu_s() - c0;
	}
	*wall = median(tw, runs);
	*cpu = median(tc, runs);
	strbuf_release(&row);
	store_close(s);
	return 0;
fail:
	fprintf(stderr, "bench_ledger: block probe: %s\n", err.msg);
	strbuf_release(&row);
	store_close(s);
	return -1;
}

/*
 * The seal probe (--block-full, after the others: it empties the ledger
 * table it reads): what sealing would add to appends.  Over the verify
 * phase's workspace, B entries at a time: read them from the `ledger`
 * table, lay each out as --block-full stores it, insert the block and
 * delete the B rows, `batch` entries to a transaction.  Once (it is
 * destructive); an upper bound, as ledger_entry_hash() also hashes each
 * entry, which a seal would not need.  Fills *wall and *cpu in seconds.
 */
static int seal_probe(struct store *s, long n, long block, long batch, double *wall,
		      double *cpu)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *sel, *ins, *del;
	struct strbuf row = STRBUF_INIT, in = STRBUF_INIT;
	double t0, c0;
	int64_t from;
	int rc, tx = 0;

	if (store_exec(s, "CREATE TABLE bench_seal(first_seq INTEGER PRIMARY KEY,"
		       " bytes BLOB NOT NULL)", &err))
		goto fail;
	t0 = now_s();
	c0 = cpu_s();
	for (from = 1; from <= n; from += block) {
		int64_t to = from + block - 1;

		if (!tx) {
			if (store_begin(s, &err))
				goto fail;
			tx = 1;
		}
		sel = store_prepare(s, "SELECT seq, time, actor, action, subject, payload,"
				    " prev_hash, hash FROM ledger WHERE seq >= ? AND seq <= ?"
				    " ORDER BY seq", &err);
		if (!sel)
			goto fail;
		store_bind_int(sel, 1, from);
		store_bind_int(sel, 2, to);
		strbuf_reset(&row);
		while ((rc = store_step(sel, &err)) == STORE_ROW) {
			char hash[SHA256_HEX];
			int64_t seq = store_col_int(sel, 0);
			uint32_t len;

			ledger_entry_hash(&in, seq, store_col_text(sel, 1), store_col_text(sel, 2),
					  store_col_text(sel, 3), store_col_text(sel, 4),
					  store_col_text(sel, 5), store_col_bytes(sel, 5),
					  store_col_text(sel, 6), hash);
			len = (uint32_t)in.len;
			strbuf_add(&row, &len, sizeof(len));
			strbuf_add(&row, &seq, sizeof(seq));
			strbuf_add(&row, store_col_text(sel, 7), SHA256_HEX - 1);
			strbuf_add(&row, in.buf, in.len);
		}
		store_reset(sel);
		if (rc < 0)
			goto fail;
		ins = store_prepare(s, "INSERT INTO bench_seal(first_seq, bytes) VALUES (?, ?)", &err);
		if (!ins)
			goto fail;
		store_bind_int(ins, 1, from);
		store_bind_blob(ins, 2, row.buf, row.len);
		rc = store_step(ins, &err);
		store_reset(ins);
		if (rc < 0)
			goto fail;
		del = store_prepare(s, "DELETE FROM ledger WHERE seq >= ? AND seq <= ?", &err);
		if (!del)
			goto fail;
		store_bind_int(del, 1, from);
		store_bind_int(del, 2, to);
		rc = store_step(del, &err);
		store_reset(del);
		if (rc < 0)
			goto fail;
		if (to % batch < (int64_t)block || to >= n) {
			if (store_commit(s, &err))
				goto fail;
			tx = 0;
		}
	}
	if (tx && store_commit(s, &err))
		goto fail;
	*wall = now_s() - t0;
	*cpu = cpu_s() - c0;
	strbuf_release(&row);
	strbuf_release(&in);
	return 0;
fail:
	fprintf(stderr, "bench_ledger: seal probe: %s\n", err.msg);
	if (tx)
		store_rollback(s);
	strbuf_release(&row);
	strbuf_release(&in);
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_ledger [--n N] [--batch B] [--runs R] [--dir DIR] [--keep]"
		" [--block B] [--block-full]\n");
}

int main(int argc, char **argv)
{
	long n = 1000000, batch = 10000, block = 256;
	char *bpath = NULL;
	double b_wall = 0, b_cpu = 0, seal_wall = 0, seal_cpu = 0;
	int runs = 3, r, ret = 1, i;
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL, *path = NULL;
	struct pool pool;
	struct strbuf sb = STRBUF_INIT;
	struct blob blob;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	double t_append[16], c_append[16], t_verify[16], t_raw[16], c_verify[16], c_raw[16];
	double append_rate, verify_rate, raw_rate, ratio, verify_cpu_rate, raw_cpu_rate, cpu_ratio;
	double load0[3] = { 0, 0, 0 }, load1[3] = { 0, 0, 0 };
	volatile uint8_t sink = 0;
	size_t minlen = 0, maxlen = 0;
	int keep = 0, block_full = 0;

	cli_register_schema();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
			batch = atol(argv[++i]);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			tmp = argv[++i];
		else if (!strcmp(argv[i], "--block") && i + 1 < argc)
			block = atol(argv[++i]);
		else if (!strcmp(argv[i], "--block-full"))
			block_full = 1;
		else if (!strcmp(argv[i], "--keep"))
			keep = 1;
		else {
			usage();
			return argv[i][0] == '-' && argv[i][1] == 'h' ? 0 : 2;
		}
	}
	if (n < 1 || batch < 1 || runs < 1 || runs > 15 || block < 0) {
		usage();
		return 2;
	}
	dir = xstrfmt("%s/aiv-bench-ledger.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench_ledger: mkdtemp");
		return 1;
	}
	path = xstrfmt("%s/bench.db", dir);
	bpath = xstrfmt("%s/blocks.db", dir);
	memset(&blob, 0, sizeof(blob));
	strbuf_init(&blob.bytes, 0);
	strbuf_init(&blob.scratch, 0);

	/* payloads, before any clock starts */
	pool.total = 0;
	for (i = 0; i < NPOOL; i++) {
		make_payload(&sb, (size_t)i);
		pool.len[i] = sb.len;
		pool.text[i] = xstrndup(sb.buf, sb.len);
		pool.total += sb.len;
		if (!i || sb.len < minlen)
			minlen = sb.len;
		if (sb.len > maxlen)
			maxlen = sb.len;
	}
	if (getloadavg(load0, 3) < 0)
		load0[0] = -1;
	printf("ledger bench: %ld entries, %ld per transaction, %d runs (median), "
	       "payloads %zu-%zu bytes (mean %.0f)\n", n, batch, runs, minlen, maxlen,
	       (double)pool.total / NPOOL);
	fflush(stdout);

	/* 1. append, each run on a fresh database */
	for (r = 0; r < runs; r++)
		if (append_run(path, n, batch, &pool, &t_append[r], &c_append[r]))
			goto cleanup;
	append_rate = (double)n / median(t_append, runs);

	/*
	 * 2. verify the last one, R times.  Flush the appends' dirty pages
	 * first (untimed): otherwise the kernel writes back a gigabyte or more
	 * while verify runs and the bench measures its own writeback.
	 */
	sync();
	if (store_open(&s, path, 0, &err)) {
		fprintf(stderr, "bench_ledger: %s\n", err.msg);
		goto cleanup;
	}
	for (r = 0; r < runs; r++) {
		struct ledger_verify_result res;
		double t0 = now_s(), c0 = cpu_s();
		if (ledger_verify(s, 0, NULL, &res, &err)) {
			fprintf(stderr, "bench_ledger: verify: %s\n", err.msg);
			goto cleanup;
		}
		t_verify[r] = now_s() - t0;
		c_verify[r] = cpu_s() - c0;
		if (!res.ok || res.entries != n) {
			fprintf(stderr, "bench_ledger: verify failed: %s\n", res.reason);
			goto cleanup;
		}
	}
	verify_rate = (double)n / median(t_verify, runs);
	verify_cpu_rate = (double)n / median(c_verify, runs);

	/* 3. the limit: the same bytes, hashed back to back */
	if (ledger_walk(s, 1, 0, NULL, NULL, 0, 0, collect, &blob, &err)) {
		fprintf(stderr, "bench_ledger: %s\n", err.msg);
		goto cleanup;
	}
	for (r = 0; r < runs; r++) {
		uint8_t out[SHA256_LEN];
		size_t k;
		double t0 = now_s(), c0 = cpu_s();
		for (k = 0; k < blob.n; k++) {
			sha256(blob.bytes.buf + blob.off[k], blob.off[k + 1] - blob.off[k], out);
			sink ^= out[0];
		}
		t_raw[r] = now_s() - t0;
		c_raw[r] = cpu_s() - c0;
	}
	raw_rate = (double)blob.n / median(t_raw, runs);
	raw_cpu_rate = (double)blob.n / median(c_raw, runs);
	/* 4. the block probe */
	if (block && block_probe(bpath, &blob, block, block_full, runs, &b_wall, &b_cpu))
		goto cleanup;
	/* 5. the seal probe: last, it empties the ledger table */
	if (block && block_full && !keep &&
	    seal_probe(s, n, block, batch, &seal_wall, &seal_cpu))
		goto cleanup;
	ratio = verify_rate / raw_rate;
	cpu_ratio = verify_cpu_rate / raw_cpu_rate;
	if (getloadavg(load1, 3) < 0)
		load1[0] = -1;

	printf("hashed bytes: %.1f MB (%.0f per entry)\n", (double)blob.bytes.len / 1e6,
	       (double)blob.bytes.len / (double)blob.n);
	printf("append: %.0f entries/s\n", append_rate);
	printf("verify: %.0f entries/s wall, %.0f entries per CPU-second (all threads)\n",
	       verify_rate, verify_cpu_rate);
	printf("raw sha256: %.0f entries/s wall (%.0f MB/s), %.0f entries per CPU-second\n",
	       raw_rate, raw_rate * (double)blob.bytes.len / (double)blob.n / 1e6, raw_cpu_rate);
	printf("verify/limit ratio: %.2f wall, %.2f CPU\n", ratio, cpu_ratio);
	if (block)
		printf("block probe (%ld entries a row%s, one thread): %.0f entries/s wall, "
		       "%.0f per CPU-second; over the limit: %.2f wall, %.2f CPU\n", block,
		       block_full ? ", each with its seq and stored hash" : "",
		       (double)blob.n / b_wall, (double)blob.n / b_cpu,
		       (double)blob.n / b_wall / raw_rate, (double)blob.n / b_cpu / raw_cpu_rate);
	if (seal_wall > 0)
		printf("seal probe (%ld entries a block, after the fact): %.2f us wall, %.2f us of CPU"
		       " per entry; append: %.2f us wall, %.2f us of CPU per entry\n", block,
		       seal_wall * 1e6 / (double)n, seal_cpu * 1e6 / (double)n, 1e6 / append_rate,
		       median(c_append, runs) * 1e6 / (double)n);
	printf("load average: %.2f before, %.2f after (%ld cores online)\n", load0[0], load1[0],
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("append: %s (%.0f/s, target %.0f/s)\n",
	       append_rate >= TARGET_APPEND ? "MET" : "MISSED", append_rate, TARGET_APPEND);
	printf("verify/limit, wall: %s (%.2f, target %.2f)\n", ratio >= TARGET_RATIO ? "MET" :
	       "MISSED", ratio, TARGET_RATIO);
	printf("verify/limit, CPU: %s (%.2f, target %.2f)\n", cpu_ratio >= TARGET_RATIO ? "MET" :
	       "MISSED", cpu_ratio, TARGET_RATIO);
	/* for tools/bench-results: the wall ratio is the figure, CPU beside it */
	printf("RESULT name=ledger_verify_over_sha256 value=%.3f unit=x ratio=%.3f target=%.2f"
	       " status=%s\n", ratio, ratio, TARGET_RATIO, ratio >= TARGET_RATIO ? "MET" : "MISSED");
	printf("RESULT name=ledger_verify_over_sha256_cpu value=%.3f unit=x ratio=%.3f target=%.2f"
	       " status=%s\n", cpu_ratio, cpu_ratio, TARGET_RATIO,
	       cpu_ratio >= TARGET_RATIO ? "MET" : "MISSED");
	/* the probe: no target of its own, it says how near the block layout comes */
	if (block)
		printf("RESULT name=ledger_block_probe%s_over_sha256_cpu value=%.3f unit=x"
		       " ratio=%.3f\n", block_full ? "_full" : "", (double)blob.n / b_cpu / raw_cpu_rate,
		       (double)blob.n / b_cpu / raw_cpu_rate);
	printf("RESULT name=ledger_append value=%.0f unit=entries/s target=%.0f status=%s\n",
	       append_rate, TARGET_APPEND, append_rate >= TARGET_APPEND ? "MET" : "MISSED");
	ret = 0;
cleanup:
	store_close(s);
	for (i = 0; i < NPOOL; i++)
		free(pool.text[i]);
	strbuf_release(&sb);
	strbuf_release(&blob.bytes);
	strbuf_release(&blob.scratch);
	free(blob.off);
	if (keep) {
		fprintf(stderr, "kept the workspace: %s\n", path);
	} else {
		char *wal = xstrfmt("%s-wal", path), *shm = xstrfmt("%s-shm", path);
		unlink(path);
		unlink(bpath);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
		wal = xstrfmt("%s-wal", bpath);
		shm = xstrfmt("%s-shm", bpath);
		unlink(wal);
		unlink(shm);
		rmdir(dir);
		free(wal);
		free(shm);
	}
	free(path);
	free(bpath);
	free(dir);
	(void)sink;
	return ret;
}
