/*
 * api_control.c - the agent control layer over HTTP: decisions, the
 * exception queue, the decision log and workflow readiness.
 *
 *   POST /api/v1/decide                      agent token; one request or
 *                                            {"requests":[...]} (<= 1000)
 *   GET  /api/v1/exceptions?state=&queue=    the queue
 *   GET  /api/v1/exceptions/{id}
 *   POST /api/v1/exceptions/{id}/approve|reject|reassign  approver, lead
 *   GET  /api/v1/decisions?limit=&cursor=&order=  one page, next_cursor
 *   GET  /api/v1/workflows, /api/v1/workflows/{name}/readiness
 *
 * Handlers call the library the CLI calls (control.h).  Two things are
 * specific to the server:
 *
 * The principal of a decision is the agent of the token (struct
 * token_info.agent): a request naming another agent is refused (403),
 * and so is a token of any other role (route roles).
 *
 * Deciding is split so that only the log insert is serialised:
 *
 *   worker threads (MHD pool)          writer thread (one, own store)
 *   parse, check, control_evaluate
 *   against the published snapshot
 *   (own engine, no store access) --> queue --> take every queued job,
 *   http_defer: connection suspended            control_commit: ONE store
 *   (the thread serves others)                  transaction, one ledger
 *                                               entry for all their rows
 *   finish: JSON answer  <-- http_resume <---- committed
 *
 * (A gateway call, http_control_decide_then, that finds the queue empty
 * and no commit running commits on its own thread with the writer's
 * handle instead: see commit_inline.)
 *
 * A decision is answered only after the transaction holding it committed,
 * so an answered decision is always in the ledger.  The store runs SQLite
 * in WAL mode with synchronous=NORMAL: a committed transaction survives a
 * crash of aivalue (it is in the WAL file); after a power loss or an OS
 * crash the last transactions before the next checkpoint (at most about
 * 50 ms of them, the checkpointer's period) may be lost as a whole (the
 * chain stays intact, it only ends earlier).  The writer checks
 * in each transaction that the snapshot the workers used is still what
 * the store holds and evaluates again what it must (control.h); it then
 * publishes its reloaded snapshot to the workers.  It also notices token
 * revocations made by other processes (refusing the jobs of a revoked
 * token, 401) and clears the server's token cache.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "apply/apply.h"
#include "control/control.h"
#include "core/cjson.h"
#include "http/control_http.h"
#include "routes.h"

#define DECIDE_BATCH_MAX 1000
#define DECISIONS_LIMIT_MAX 1000

/* ---- snapshots and per-thread engines ---- */

/*
 * The snapshot the worker threads evaluate against: loaded by the first
 * decide request, replaced by the writer whenever a commit found that the
 * objects or the phase verdict changed (it has then reloaded its own).
 * snap_gen counts replacements so that a thread notices with one load.
 */
static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct control_snapshot *cur_snap;
static unsigned snap_gen;

struct eng_slot {
	struct control_engine *eng;
	unsigned gen;
};

static pthread_key_t eng_key;
static pthread_once_t eng_once = PTHREAD_ONCE_INIT;

static void eng_slot_free(void *p)
{
	struct eng_slot *es = p;

	if (!es)
		return;
	control_engine_free(es->eng);
	free(es);
}

static void eng_key_init(void)
{
	pthread_key_create(&eng_key, eng_slot_free);
}

/* Replace the published snapshot with sn (the caller keeps its reference). */
static void snap_publish(struct control_snapshot *sn)
{
	pthread_mutex_lock(&snap_lock);
	if (cur_snap != sn) {
		control_snapshot_ref(sn);
		control_snapshot_unref(cur_snap);
		cur_snap = sn;
		__atomic_add_fetch(&snap_gen, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&snap_lock);
}

/* This thread's engine on the published snapshot (loaded if none).  Borrowed. */
static struct control_engine *thread_engine(struct store *s, struct aiv_err *err)
{
	struct eng_slot *es;
	unsigned gen;

	pthread_once(&eng_once, eng_key_init);
	es = pthread_getspecific(eng_key);
	if (!es) {
		es = xcalloc(1, sizeof(*es));
		pthread_setspecific(eng_key, es);
	}
	gen = __atomic_load_n(&snap_gen, __ATOMIC_ACQUIRE);
	if (es->eng && es->gen == gen)
		return es->eng;
	pthread_mutex_lock(&snap_lock);
	if (!cur_snap) {
		if (control_snapshot_load(s, 0, &cur_snap, err)) {
			pthread_mutex_unlock(&snap_lock);
			return NULL;
		}
		__atomic_add_fetch(&snap_gen, 1, __ATOMIC_RELEASE);
	}
	if (es->eng)
		control_engine_use(es->eng, cur_snap);
	else
		es->eng = control_engine_new(cur_snap);
	es->gen = __atomic_load_n(&snap_gen, __ATOMIC_ACQUIRE);
	pthread_mutex_unlock(&snap_lock);
	return es->eng;
}

/*
 * A request refused at evaluation may only be refused because the
 * snapshot is older than the store (an agent or person applied since,
 * and no decision committed since to make the writer reload).  If it is
 * stale, load the store's state and publish it; 1 if a newer snapshot
 * was published, 0 if it was current, -1 on a store error.
 */
static int refresh_snapshot(struct store *s, struct aiv_err *err)
{
	struct control_snapshot *sn;
	int current = 1, ret = 0;

	pthread_mutex_lock(&snap_lock);
	if (cur_snap && control_snapshot_current(s, cur_snap, &current, err))
		ret = -1;
	else if (!current && !control_snapshot_load(s, 0, &sn, err)) {
		control_snapshot_unref(cur_snap);
		cur_snap = sn;
		__atomic_add_fetch(&snap_gen, 1, __ATOMIC_RELEASE);
		ret = 1;
	} else if (!current) {
		ret = -1;
	}
	pthread_mutex_unlock(&snap_lock);
	return ret;
}

/* ---- the writer: group commit ---- */

/*
 * One POST /api/v1/decide waiting for its decisions to be recorded.  v[i]
 * is NULL for a request refused at evaluation (errs[i] says why).
 */
struct decide_job {
	size_t n;
	int batch;                       /* answer {"count","results"} */
	struct control_pending **v;
	struct control_decision *outs;
	struct aiv_err *errs;
	int64_t token_id;
	int status;                      /* the whole request failed: its status */
	struct aiv_err err;
	struct http_deferred *deferred;  /* NULL: a thread waits on w_done */
	int done;
	http_decided_fn then;            /* set: a later layer answers (http_control_decide_then) */
	int in_batch;                    /* writer_commit: its requests are v[at, at + n) */
	size_t at;
	void *then_data;
	struct decide_job *next;
};

static pthread_mutex_t w_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t w_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t w_done = PTHREAD_COND_INITIALIZER;
static struct decide_job *w_head, *w_last;
static unsigned w_queued; /* jobs in the queue, not yet taken by the writer (w_lock) */
static pthread_t w_thread;
static int w_running, w_stop;
static char *w_uri;

#define WRITER_MAX_BATCH 4096 /* decisions per transaction */

#define JOB_ALIGN(x) (((x) + 15) & ~(size_t)15)

/*
 * Each thread keeps the blocks of its finished single-request jobs (up to
 * JOB_SPARE_MAX) for its next ones.  A block (about 2.2 KB) is a large
 * request for glibc's malloc, which consolidates its fast bins before
 * serving one: malloc_consolidate and unlink_chunk under job_new were 1.1%
 * of the server's CPU samples at wrk -c64.  A worker evaluates the
 * requests of many connections before the group commit frees their jobs,
 * so one spare block would rarely be there.  A thread's spare blocks are
 * freed when it exits.
 */
#define JOB_SPARE_MAX 64
#if defined(__SANITIZE_ADDRESS__)
#define JOB_SPARE_KEEP 0 /* under ASan every block is freed, so that a use after free is caught */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JOB_SPARE_KEEP 0
#endif
#endif
#ifndef JOB_SPARE_KEEP
#define JOB_SPARE_KEEP 1
#endif

struct job_spare_block {
	struct job_spare_block *next;
	unsigned n; /* blocks in this list, this one included */
};

static pthread_key_t job_spare;
static pthread_once_t job_spare_once = PTHREAD_ONCE_INIT;
static int job_spare_ok;

static void job_spare_free(void *top)
{
	struct job_spare_block *b = top, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
}

static void job_spare_init(void)
{
	job_spare_ok = !pthread_key_create(&job_spare, job_spare_free);
}

static size_t job_size(size_t n, size_t *v_at, size_t *outs_at, size_t *errs_at)
{
	*v_at = JOB_ALIGN(sizeof(struct decide_job));
	*outs_at = JOB_ALIGN(st_add(*v_at, st_mult(n, sizeof(struct control_pending *))));
	*errs_at = JOB_ALIGN(st_add(*outs_at, st_mult(n, sizeof(struct control_decision))));
	return st_add(*errs_at, st_mult(n, sizeof(struct aiv_err)));
}

/*
 * A job for n requests, zeroed, in one allocation: the job, then its
 * arrays (four callocs and four frees per decision before; the
 * allocator was 14% of the worker threads' CPU samples).
 */
static struct decide_job *job_new(size_t n)
{
	size_t v_at, outs_at, errs_at, size = job_size(n, &v_at, &outs_at, &errs_at);
	char *b = NULL;
	struct decide_job *job;

	if (n == 1) {
		struct job_spare_block *top;
		pthread_once(&job_spare_once, job_spare_init);
		if (job_spare_ok && (top = pthread_getspecific(job_spare)) &&
		    !pthread_setspecific(job_spare, top->next)) {
			b = (char *)top;
			memset(b, 0, size);
		}
	}
	if (!b)
		b = xcalloc(1, size);
	job = (struct decide_job *)(void *)b;
	job->n = n;
	job->v = (struct control_pending **)(void *)(b + v_at);
	job->outs = (struct control_decision *)(void *)(b + outs_at);
	job->errs = (struct aiv_err *)(void *)(b + errs_at);
	return job;
}

static void job_free(struct decide_job *job)
{
	size_t i;

	for (i = 0; i < job->n; i++) {
		control_pending_free(job->v[i]);
		control_decision_release(&job->outs[i]);
	}
	/* the arrays are in the same block (job_new) */
	if (job->n == 1)
		pthread_once(&job_spare_once, job_spare_init);
	if (JOB_SPARE_KEEP && job->n == 1 && job_spare_ok) {
		struct job_spare_block *top = pthread_getspecific(job_spare);
		struct job_spare_block *b = (struct job_spare_block *)(void *)job;
		if (!top || top->n < JOB_SPARE_MAX) {
			b->next = top;
			b->n = top ? top->n + 1 : 1;
			if (!pthread_setspecific(job_spare, b))
				return;
		}
	}
	free(job);
}

/*
 * Tokens revoked (by any process): forget cached tokens when a revocation
 * is new, and refuse the jobs whose token was revoked.  Run first in the
 * batch's transaction (control_commit_hook.at_start), so under the
 * writers' lock; the count is read only when another connection committed
 * since the writer's last transaction (token_watch_check).  It was a
 * statement with its own read transaction before every commit (a lone
 * gateway call paid it, and its locks' system calls, each time:
 * docs/performance.md, "A lone call's commit").  A failed read fails the
 * batch (before, it was ignored).
 *
 * Every batch looks each job's token up in the watch's set of revoked ids
 * (no statement), not only the batch in which the count changed: a job
 * admitted from a worker's token cache just before the writer saw the
 * revocation (or one that waited, an escalated gateway call decided again
 * once approved) may reach a later batch, and was recorded and allowed.
 */
struct revocation_check {
	struct decide_job *list;
	struct token_watch *watch;
};

static int check_revocations(struct store *s, void *data, struct control_pending **v, size_t n,
			     struct aiv_err *err)
{
	struct revocation_check *rc = data;
	struct decide_job *job;
	int changed, ret;
	size_t i;

	(void)n;
	if ((ret = token_watch_check(s, rc->watch, &changed, err)))
		return ret;
	if (changed)
		token_cache_invalidate();
	if (!rc->watch->nrevoked)
		return 0;
	for (job = rc->list; job; job = job->next) {
		/* id 0: the identity provider's JWT (http/oidc.h), valid until it expires */
		if (!job->in_batch || !job->token_id ||
		    !token_watch_revoked(rc->watch, job->token_id))
			continue;
		job->status = 401;
		aiv_fail(&job->err, AIV_EPERM, "token was revoked");
		for (i = 0; i < job->n; i++)
			v[job->at + i] = NULL;
	}
	return 0;
}

/* What a later layer writes in the decisions' transaction (http_control_commit_hook). */
static struct control_commit_hook w_hook;
static void (*w_after)(int committed);

void http_control_commit_hook(int (*in_tx)(struct store *s, void *data, struct aiv_err *err),
			      void (*after)(int committed))
{
	w_hook.in_tx = in_tx;
	w_hook.data = NULL;
	w_after = after;
}

/* Record the decisions of every job in the list in one transaction. */
static void writer_commit(struct store *s, struct control_engine *eng, struct decide_job *list,
			  struct token_watch *watch, struct control_commit_memo *memo)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct control_pending **v;
	struct control_decision *outs;
	struct aiv_err *errs;
	struct decide_job *job;
	struct revocation_check rc = { list, watch };
	struct control_commit_hook hook = w_hook;
	size_t n = 0;
	int ret;

	for (job = list; job; job = job->next) {
		job->in_batch = !job->status;
		job->at = n;
		if (job->in_batch)
			n += job->n;
	}
	v = xcalloc(n ? n : 1, sizeof(*v));
	outs = xcalloc(n ? n : 1, sizeof(*outs));
	errs = xcalloc(n ? n : 1, sizeof(*errs));
	for (job = list; job; job = job->next) {
		if (!job->in_batch)
			continue;
		memcpy(v + job->at, job->v, job->n * sizeof(*v));
		memcpy(errs + job->at, job->errs, job->n * sizeof(*errs));
	}
	hook.at_start = check_revocations;
	hook.start_data = &rc;
	hook.memo = memo;
	ret = n ? control_commit_with(s, eng, "http:decide", v, n, outs, errs, &hook, &err) : 0;
	if (n)
		token_watch_ended(s, watch, !ret);
	if (n && w_after)
		w_after(!ret);
	for (job = list; job; job = job->next) {
		if (!job->in_batch || job->status) /* refused before, or revoked (check_revocations) */
			continue;
		if (ret) {
			job->status = http_status_for(ret);
			job->err = err;
		} else {
			memcpy(job->outs, outs + job->at, job->n * sizeof(*outs));
			memcpy(job->errs, errs + job->at, job->n * sizeof(*errs));
		}
	}
	free(v);
	free(outs);
	free(errs);
	/* a commit that reloaded the writer's snapshot: the workers follow */
	snap_publish(control_engine_snapshot(eng));
}

/*
 * The checkpointer.  With SQLite's WAL, the connection whose commit takes
 * the WAL past its checkpoint size copies the WAL into the database file
 * and fsyncs both, inside that commit.  The writer commits hundreds of
 * times a second, so at the default size (1,000 pages) that stall
 * (milliseconds on a virtual disk) held every queued decision and set
 * p99.  Instead this thread, on its own connection, runs a passive
 * checkpoint (it never blocks the writer) every 50 ms when the writer has
 * committed since, so the copying and syncing happen beside the writer.
 * Every 5 ms, as before, it copied the same hot pages (the tables' and
 * indexes' right edges) and synced the file up to 200 times a second: 12%
 * of the server's CPU under load (docs/performance.md, "HTTP decide");
 * at 50 ms the WAL grows by a few hundred pages between checkpoints.
 * A passive checkpoint cannot restart the WAL while the writer keeps
 * appending, so the writer's own checkpoint size is raised to 8,192
 * pages (32 MiB) rather than switched off: when the WAL reaches it, the
 * writer checkpoints the little the checkpointer has not copied yet, and
 * the WAL starts over.  The WAL file thus stays under about 35 MB.
 */
#define CHECKPOINT_EVERY_US 50000
#define WRITER_WAL_PAGES 8192

static pthread_t ck_thread;
static int ck_running;
static unsigned w_commits; /* atomic: batches committed */

static void *checkpointer_main(void *arg)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	unsigned seen = 0, now;
	int stop = 0;

	(void)arg;
	prctl(PR_SET_NAME, "aiv-checkpoint", 0, 0, 0);
	if (store_open(&s, w_uri, 0, &err))
		return NULL;
	while (!stop) {
		usleep(CHECKPOINT_EVERY_US);
		now = __atomic_load_n(&w_commits, __ATOMIC_RELAXED);
		if (now != seen && !store_checkpoint(s, &err))
			seen = now;
		pthread_mutex_lock(&w_lock);
		stop = w_stop;
		pthread_mutex_unlock(&w_lock);
	}
	store_close(s);
	return NULL;
}

/*
 * The writer's store handle and engine.  Whoever commits holds c_lock:
 * the writer thread for what was queued, or a worker thread that found
 * the queue empty and the lock free (commit_inline): a lone decision is
 * then committed on the thread that evaluated it, without the two thread
 * hand-offs (worker to writer, writer back to the suspended connection)
 * that cost a lone gateway call more than its commit on a loaded machine
 * (docs/gateway.md, "Performance").  Concurrent decisions still queue and
 * share the writer's next transaction.  The SQLite handle is opened
 * without its own mutex (multi-thread mode): c_lock is what keeps two
 * threads from using it at once.
 */
static pthread_mutex_t c_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store *c_store;        /* NULL until the writer opened it, and after it stopped */
static struct control_engine *c_eng;
static struct token_watch c_watch = TOKEN_WATCH_INIT;
/*
 * The decision commits' start read, kept between commits on c_store
 * (control_commit_memo); kept across the gateway records' own
 * transactions (http_control_commit_hook_alone: ledger entries only),
 * voided by a failed one and when the handle changes.
 */
static struct control_commit_memo c_memo = CONTROL_COMMIT_MEMO_INIT;

/* Commit a list of jobs with the writer's handle; c_lock held, c_store open. */
static void commit_locked(struct decide_job *list)
{
	if (!c_eng) {
		pthread_mutex_lock(&snap_lock);
		c_eng = control_engine_new(cur_snap);
		pthread_mutex_unlock(&snap_lock);
	}
	writer_commit(c_store, c_eng, list, &c_watch, &c_memo);
	__atomic_add_fetch(&w_commits, 1, __ATOMIC_RELAXED);
}

/*
 * Commit `job` on this thread when it is the only gateway decision in
 * flight, this thread waited for it or it follows a call on the same
 * connection (dt_nvcsw), nothing is queued and no commit is running
 * (under load the worker rather suspends the connection and serves others
 * while the writer commits the group); 1 if it was committed (answered or
 * refused: job->status, job->errs), 0 if it must be queued.
 */
/* atomic: gateway decisions being evaluated or committed, decide requests being committed */
static unsigned dt_inflight;

/*
 * This thread's voluntary context switches when it last answered a
 * gateway call (-1: none yet), and that call's connection.  A worker
 * thread that went from answering a call on one connection to a call on
 * another without once waiting (its count unchanged: epoll handed it the
 * next request at once) has requests of other connections lined up: it
 * queues the call for the writer and serves them, rather than committing
 * each alone.  Without this, a worker holding every connection
 * (libmicrohttpd's pool lets the first thread to wake accept them all)
 * committed its calls one by one, one core idle: half the calls per
 * second, at twice the CPU per call.  The next call on the same
 * connection is still committed here: its client waited for the answer,
 * and a thread preempted on a loaded machine does not wait either.
 */
static __thread long dt_nvcsw = -1;
static __thread const void *dt_conn;

/* atomic: POST /api/v1/decide requests committed inline, and by the writer */
static uint64_t decide_inline, decide_grouped;

void http_control_decide_stats(uint64_t *inline_commits, uint64_t *grouped)
{
	*inline_commits = __atomic_load_n(&decide_inline, __ATOMIC_RELAXED);
	*grouped = __atomic_load_n(&decide_grouped, __ATOMIC_RELAXED);
}

/* decide requests waiting in the writer's queue (not yet in a commit) */
unsigned http_control_decide_queued(void)
{
	unsigned n;

	pthread_mutex_lock(&w_lock);
	n = w_queued;
	pthread_mutex_unlock(&w_lock);
	return n;
}

#ifndef RUSAGE_THREAD
#define RUSAGE_THREAD 1 /* Linux's, hidden without _GNU_SOURCE */
#endif

static long thread_nvcsw(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -2 : ru.ru_nvcsw;
}

static int commit_inline(struct decide_job *job, const void *conn)
{
	int idle, refused;

	if (__atomic_load_n(&dt_inflight, __ATOMIC_ACQUIRE) != 1)
		return 0; /* others in flight: they share the writer's next transaction */
	if (dt_nvcsw >= 0 && conn != dt_conn && thread_nvcsw() == dt_nvcsw)
		return 0; /* more requests waiting on this thread: they share it too */
	pthread_mutex_lock(&w_lock);
	idle = w_running && !w_stop && !w_head;
	pthread_mutex_unlock(&w_lock);
	if (!idle || pthread_mutex_trylock(&c_lock))
		return 0;
	if (!c_store) {
		pthread_mutex_unlock(&c_lock);
		return 0;
	}
	/*
	 * Never sleep on another process's write lock here: this thread
	 * serves other connections (a 3 s lock held by a sqlite3 shell froze
	 * them all).  Refused at BEGIN, nothing of the commit ran: the writer,
	 * whose waiting blocks no connection, takes the job instead.
	 */
	store_begin_wait(c_store, 0);
	commit_locked(job);
	refused = job->status && store_begin_failed(c_store);
	store_begin_wait(c_store, 1);
	pthread_mutex_unlock(&c_lock);
	if (refused) {
		job->status = 0;
		aiv_err_clear(&job->err);
		return 0;
	}
	job->done = 1;
	return 1;
}

/*
 * One transaction on the writer's handle holding only what the commit
 * hook writes (the gateway's call records no decision carried).  The
 * gateway's recorder committed those on a connection of its own, whose
 * BEGIN IMMEDIATE raced the decision commits for SQLite's write lock: the
 * loser waited in SQLite's busy handler, which sleeps 1 ms, then 2, 5 ...
 * (strace: a lone call's commit slept so about once in a hundred calls,
 * the overhead's p99).  Under c_lock the two queue on a mutex instead.
 * AIV_ENOTFOUND when no hook is set or the writer has no open handle (not
 * started yet, stopped, the store down): the caller commits elsewhere.
 */
int http_control_commit_hook_alone(struct aiv_err *err)
{
	int ret;

	pthread_mutex_lock(&c_lock);
	if (!c_store || !w_hook.in_tx) {
		pthread_mutex_unlock(&c_lock);
		return AIV_ENOTFOUND;
	}
	if (!(ret = store_begin(c_store, err))) {
		/*
		 * The hook appends ledger entries, nothing the decisions' memo
		 * holds: it stays true across this transaction when nothing
		 * else moved before it (the data version) and it commits.
		 */
		uint64_t v;
		int memo_pass = c_memo.ok && store_data_version(c_store, &v) && v == c_memo.version;

		token_watch_pass(c_store, &c_watch);
		if (!(ret = w_hook.in_tx(c_store, w_hook.data, err)))
			ret = store_commit(c_store, err);
		if (ret && store_in_tx(c_store))
			store_rollback(c_store);
		token_watch_ended(c_store, &c_watch, !ret);
		c_memo.ok = !ret && memo_pass && store_data_version(c_store, &c_memo.version);
	} else {
		c_memo.ok = 0;
	}
	if (w_after)
		w_after(!ret);
	pthread_mutex_unlock(&c_lock);
	if (!ret)
		__atomic_add_fetch(&w_commits, 1, __ATOMIC_RELAXED);
	return ret;
}

static void *writer_main(void *arg)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	int open_ret, early, held;

	(void)arg;
	prctl(PR_SET_NAME, "aiv-writer", 0, 0, 0);
	open_ret = store_open(&s, w_uri, 0, &err);
	if (!open_ret && ck_running)
		store_autocheckpoint(s, WRITER_WAL_PAGES, &err);
	pthread_mutex_lock(&c_lock);
	c_store = open_ret ? NULL : s;
	token_watch_release(&c_watch);
	c_memo.ok = 0;
	pthread_mutex_unlock(&c_lock);
	pthread_mutex_lock(&w_lock);
	for (;;) {
		struct decide_job *list, *job, *next, *cut;
		size_t n;

		while (!w_head && !w_stop)
			pthread_cond_wait(&w_work, &w_lock);
		if (!w_head)
			break;
		/*
		 * Begin (wait for the write lock) before taking the queue: while
		 * another server commits (PostgreSQL: they all queue for one lock)
		 * what arrives here joins this commit instead of waiting for the
		 * next one.  commit_locked's BEGIN adopts this one, or its failure
		 * (the jobs are then refused as a failed BEGIN refused them).
		 */
		early = held = 0;
		if (!open_ret) {
			struct aiv_err e = AIV_ERR_INIT;
			pthread_mutex_unlock(&w_lock);
			pthread_mutex_lock(&c_lock);
			held = 1;
			early = 1;
			store_begin_early(s, &e);
			pthread_mutex_lock(&w_lock);
		}
		/* take the queue, at most WRITER_MAX_BATCH decisions (and one job) */
		list = cut = w_head;
		for (n = cut->n; cut->next && n + cut->next->n <= WRITER_MAX_BATCH; cut = cut->next)
			n += cut->next->n;
		w_head = cut->next;
		if (!w_head)
			w_last = NULL;
		for (job = list; job != cut->next; job = job->next)
			w_queued--;
		cut->next = NULL;
		pthread_mutex_unlock(&w_lock);
		if (open_ret) {
			/* the database was down when the server started: try again */
			err = (struct aiv_err)AIV_ERR_INIT;
			open_ret = store_open(&s, w_uri, 0, &err);
			if (!open_ret && ck_running)
				store_autocheckpoint(s, WRITER_WAL_PAGES, &err);
			if (!open_ret) {
				/* commit_locked and commit_inline commit with c_store */
				pthread_mutex_lock(&c_lock);
				c_store = s;
				c_memo.ok = 0;
				pthread_mutex_unlock(&c_lock);
			}
		}
		if (open_ret) {
			for (job = list; job; job = job->next) {
				job->status = 503;
				job->err = err;
			}
		} else {
			if (!held)
				pthread_mutex_lock(&c_lock);
			commit_locked(list);
			/* nothing was committed (every job refused before): end the early BEGIN */
			if (early)
				store_early_done(s);
			pthread_mutex_unlock(&c_lock);
		}
		pthread_mutex_lock(&w_lock);
		for (job = list; job; job = next) {
			next = job->next;
			job->next = NULL;
			job->done = 1;
			if (job->deferred)
				http_resume(job->deferred);
		}
		pthread_cond_broadcast(&w_done);
	}
	pthread_mutex_unlock(&w_lock);
	pthread_mutex_lock(&c_lock);
	control_engine_free(c_eng);
	c_eng = NULL;
	c_store = NULL;
	token_watch_release(&c_watch);
	c_memo.ok = 0;
	pthread_mutex_unlock(&c_lock);
	store_close(s);
	return NULL;
}

/* Stop hook: the writer finishes the queue and exits; state is reset. */
static void writer_stop(void)
{
	pthread_mutex_lock(&w_lock);
	if (!w_running) {
		pthread_mutex_unlock(&w_lock);
		return;
	}
	w_stop = 1;
	pthread_cond_broadcast(&w_work);
	pthread_mutex_unlock(&w_lock);
	pthread_join(w_thread, NULL);
	if (ck_running)
		pthread_join(ck_thread, NULL);
	pthread_mutex_lock(&w_lock);
	ck_running = 0;
	w_running = w_stop = 0;
	free(w_uri);
	w_uri = NULL;
	pthread_mutex_unlock(&w_lock);
	pthread_mutex_lock(&snap_lock);
	control_snapshot_unref(cur_snap);
	cur_snap = NULL;
	__atomic_add_fetch(&snap_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&snap_lock);
}

/* Queue a job for the writer (started on first use). */
static int writer_submit(struct store *s, struct decide_job *job, struct aiv_err *err)
{
	int started = 0;

	pthread_mutex_lock(&w_lock);
	if (!w_running) {
		w_uri = xstrdup(store_uri(s));
		ck_running = !pthread_create(&ck_thread, NULL, checkpointer_main, NULL);
		if (pthread_create(&w_thread, NULL, writer_main, NULL)) {
			if (ck_running) {
				w_stop = 1;
				pthread_mutex_unlock(&w_lock);
				pthread_join(ck_thread, NULL);
				pthread_mutex_lock(&w_lock);
				w_stop = ck_running = 0;
			}
			free(w_uri);
			w_uri = NULL;
			pthread_mutex_unlock(&w_lock);
			return aiv_fail(err, AIV_EINTERNAL, "cannot start the decision writer");
		}
		w_running = 1;
		started = 1;
	}
	if (w_last)
		w_last->next = job;
	else
		w_head = job;
	w_last = job;
	w_queued++;
	pthread_cond_signal(&w_work);
	pthread_mutex_unlock(&w_lock);
	/*
	 * Registered after w_lock is released: http_stop holds the hooks' lock
	 * while writer_stop takes w_lock, so taking them in the other order
	 * here was a lock-order inversion (ThreadSanitizer, 8 December 2026).
	 * http_at_stop ignores a hook it already has.
	 */
	if (started)
		http_at_stop(writer_stop);
	return 0;
}

/* ---- POST /api/v1/decide ---- */

static void add_member(struct strbuf *sb, const char *key, const char *v)
{
	strbuf_addstr(sb, ", \"");
	strbuf_addstr(sb, key);
	strbuf_addstr(sb, "\": ");
	if (v)
		strbuf_add_json_str(sb, v, strlen(v));
}

/*
 * The JSON answer for one decision (the fields of `decide --json`),
 * written straight into the response: every decision is answered, so no
 * intermediate jansson object.
 */
static void decision_text(struct strbuf *sb, const struct control_decision *d)
{
	const char *outcome = control_outcome_name(d->outcome);

	strbuf_addstr(sb, "{\"decision\": ");
	strbuf_add_json_str(sb, outcome, strlen(outcome));
	add_member(sb, "policies", NULL);
	cjson_dump(sb, d->policies);
	add_member(sb, "reason", d->reason);
	add_member(sb, "decision_id", d->decision_id);
	add_member(sb, "args_digest", d->digest);
	add_member(sb, "errors", NULL);
	cjson_dump(sb, d->errors);
	add_member(sb, "revision", d->revision);
	if (d->exception_id[0]) {
		add_member(sb, "exception_id", d->exception_id);
		add_member(sb, "due_at", d->due);
	}
	strbuf_addch(sb, '}');
}

/* An optional string member: 0 and *out (borrowed) or NULL; -1 if not a string. */
static int opt_string(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/*
 * Check the shape of one request object and fill *r (strings borrowed from
 * o).  Returns 0, or the HTTP status (400, 403) with a message in msg.
 */
static int parse_one(const json_t *o, const struct token_info *tok, struct control_request *r,
		     char *msg, size_t msglen)
{
	static const char *const known[] = { "agent", "action", "resource", "on_behalf_of",
					     "context", "entities", "approved", NULL };
	const char *key;
	const json_t *v;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(o)) {
		snprintf(msg, msglen, "a request must be a JSON object");
		return 400;
	}
	json_object_foreach((json_t *)o, key, v) {
		for (i = 0; known[i] && strcmp(known[i], key); i++)
			;
		if (!known[i]) {
			snprintf(msg, msglen, "unknown field '%.60s' (expected agent, action, "
				 "resource, on_behalf_of, context, entities, approved)", key);
			return 400;
		}
	}
	if (opt_string(o, "agent", &r->agent) || opt_string(o, "action", &r->action) ||
	    opt_string(o, "resource", &r->resource) ||
	    opt_string(o, "on_behalf_of", &r->on_behalf_of) ||
	    opt_string(o, "approved", &r->approved)) {
		snprintf(msg, msglen, "agent, action, resource, on_behalf_of and approved must "
			 "be strings");
		return 400;
	}
	if (!r->action || !r->resource) {
		snprintf(msg, msglen, "a request needs action and resource");
		return 400;
	}
	if (r->agent && strcmp(r->agent, tok->agent)) {
		snprintf(msg, msglen, "this token acts for agent '%.128s', not '%.128s'",
			 tok->agent, r->agent);
		return 403;
	}
	r->agent = tok->agent;
	r->context = json_object_get(o, "context");
	if (r->context && !json_is_object(r->context)) {
		snprintf(msg, msglen, "context must be a JSON object");
		return 400;
	}
	r->entities = json_object_get(o, "entities");
	if (r->entities && !json_is_array(r->entities)) {
		snprintf(msg, msglen, "entities must be a JSON array");
		return 400;
	}
	return 0;
}

/* The answer to a job (on a worker thread): one decision or the batch. */
static void job_answer(struct decide_job *job, struct http_response *res)
{
	struct strbuf *sb = &res->body;
	size_t i;

	if (job->status) {
		http_error(res, job->status, "%s", job->err.msg);
		return;
	}
	if (!job->batch && job->errs[0].code) {
		http_error_from(res, &job->errs[0]);
		return;
	}
	res->status = 200;
	res->content_type = "application/json";
	strbuf_reset(sb);
	/* one allocation for the answer (a decision is about 450 bytes) */
	strbuf_grow(sb, job->batch ? 600 * job->n : 600);
	if (!job->batch) {
		decision_text(sb, &job->outs[0]);
		strbuf_addch(sb, '\n');
		return;
	}
	strbuf_addf(sb, "{\"count\": %zu, \"results\": [", job->n);
	for (i = 0; i < job->n; i++) {
		if (i)
			strbuf_addstr(sb, ",\n ");
		if (job->errs[i].code) {
			int st = http_status_for(job->errs[i].code);
			strbuf_addf(sb, "{\"error\": {\"status\": %d, \"code\": \"%s\", \"message\": ",
				    st, http_status_code(st));
			strbuf_add_json_str(sb, job->errs[i].msg, strlen(job->errs[i].msg));
			strbuf_addstr(sb, "}}");
		} else {
			decision_text(sb, &job->outs[i]);
		}
	}
	strbuf_addstr(sb, "]}\n");
}

/*
 * A decide request's decisions were committed (inline or by the writer):
 * it no longer counts in dt_inflight.  When nothing else is in flight,
 * this thread's voluntary context switches and conn are noted for
 * commit_inline's rule (dt_nvcsw, dt_conn); while others are, the next
 * request has company anyway, and getrusage is a system call (313 ns
 * here) that every answer under load would pay.
 */
static void decide_answered(const void *conn)
{
	if (__atomic_sub_fetch(&dt_inflight, 1, __ATOMIC_ACQ_REL) == 0) {
		dt_nvcsw = thread_nvcsw();
		dt_conn = conn;
	}
}

/* http_finish_fn: the writer recorded the job; answer and free it. */
static void decide_finish(struct http_request *req, struct http_response *res, void *data)
{
	struct decide_job *job = data;

	if (job->then) {
		__atomic_sub_fetch(&dt_inflight, 1, __ATOMIC_RELEASE);
		if (job->status)
			job->then(req, res, NULL, &job->err, job->then_data);
		else if (job->errs[0].code)
			job->then(req, res, NULL, &job->errs[0], job->then_data);
		else
			job->then(req, res, &job->outs[0], NULL, job->then_data);
		job_free(job);
		dt_nvcsw = thread_nvcsw();
		dt_conn = req->conn;
		return;
	}
	if (!job->status)
		__atomic_add_fetch(&decide_grouped, 1, __ATOMIC_RELAXED);
	decide_answered(req->conn);
	job_answer(job, res);
	job_free(job);
}

/*
 * Evaluate r on this thread into job->v[0] (refreshing a stale snapshot
 * once); with find_approval, an escalation for which an approved, unused
 * item exists is evaluated again naming it.  0, or the error (in *err).
 */
static int evaluate_one(struct http_request *req, const struct control_request *r,
			int find_approval, struct decide_job *job, struct aiv_err *err)
{
	struct control_request again;
	struct control_engine *eng;
	char approved[48];
	int ret, refreshed = 0;

	for (;;) {
		if (!(eng = thread_engine(req->store, err)))
			return err->code;
		ret = control_evaluate(eng, r, &job->v[0], err);
		if (!ret || refreshed++ || refresh_snapshot(req->store, err) <= 0)
			break;
		aiv_err_clear(err);
	}
	if (ret || !find_approval || r->approved ||
	    control_pending_decision(job->v[0])->outcome != CONTROL_ESCALATE)
		return ret;
	if ((ret = control_approval_find(req->store, r->agent, r->action,
					 control_pending_decision(job->v[0])->digest, approved,
					 sizeof(approved), err)))
		return ret;
	if (!approved[0])
		return 0;
	again = *r;
	again.approved = approved;
	control_pending_free(job->v[0]);
	job->v[0] = NULL;
	return control_evaluate(eng, &again, &job->v[0], err);
}

struct control_engine *http_control_engine(struct store *s, struct aiv_err *err)
{
	if (refresh_snapshot(s, err) < 0)
		return NULL;
	return thread_engine(s, err);
}

void http_control_decide_then(struct http_request *req, struct http_response *res,
			      const struct control_request *r, int find_approval,
			      http_decided_fn then, void *data)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct decide_job *job = job_new(1);

	job->token_id = req->token.id;
	job->then = then;
	job->then_data = data;
	__atomic_add_fetch(&dt_inflight, 1, __ATOMIC_ACQ_REL);
	if (evaluate_one(req, r, find_approval, job, &err)) {
		__atomic_sub_fetch(&dt_inflight, 1, __ATOMIC_RELEASE);
		then(req, res, NULL, &err, data);
		job_free(job);
		return;
	}
	if (commit_inline(job, req->conn)) {
		decide_finish(req, res, job);
		return;
	}
	if ((job->deferred = http_defer(req, decide_finish, job))) {
		if (writer_submit(req->store, job, &err)) {
			job->status = 500;
			job->err = err;
			http_resume(job->deferred);
		}
		return; /* decide_finish calls then and frees the job */
	}
	if (writer_submit(req->store, job, &err)) {
		__atomic_sub_fetch(&dt_inflight, 1, __ATOMIC_RELEASE);
		then(req, res, NULL, &err, data);
		job_free(job);
		return;
	}
	pthread_mutex_lock(&w_lock);
	while (!job->done)
		pthread_cond_wait(&w_done, &w_lock);
	pthread_mutex_unlock(&w_lock);
	decide_finish(req, res, job);
}

static void h_decide(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct control_engine *eng;
	struct decide_job *job = NULL;
	struct control_request r;
	json_t *body, *list = NULL;
	json_error_t je;
	char msg[400];
	size_t n, i, nrecord = 0;
	int batch, st, refreshed = 0;

	if (!req->token.agent[0]) {
		http_error(res, 403, "token '%s' is not an agent's credential (create one with "
			   "aivalue token create --agent ID)", req->token.name);
		return;
	}
	if (!(body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je))) {
		http_error(res, 400, "request body is not JSON: %s (line %d, column %d)", je.text,
			   je.line, je.column);
		return;
	}
	batch = json_is_object(body) && json_object_get(body, "requests") != NULL;
	if (batch) {
		list = json_object_get(body, "requests");
		if (!json_is_array(list) || json_object_size(body) != 1) {
			http_error(res, 400, "a batch is {\"requests\": [request, ...]} and nothing "
				   "else");
			goto out;
		}
		n = json_array_size(list);
		if (n == 0) {
			http_error(res, 400, "a batch needs at least one request");
			goto out;
		}
		if (n > DECIDE_BATCH_MAX) {
			http_error(res, 413, "a batch holds at most %d requests, not %zu",
				   DECIDE_BATCH_MAX, n);
			goto out;
		}
	} else {
		n = 1;
	}
	for (i = 0; i < n; i++) {
		if ((st = parse_one(batch ? json_array_get(list, i) : body, &req->token, &r,
				    msg, sizeof(msg)))) {
			if (batch)
				http_error(res, st, "requests[%zu]: %s", i, msg);
			else
				http_error(res, st, "%s", msg);
			goto out;
		}
	}
	if (!(eng = thread_engine(req->store, &err))) {
		http_error_from(res, &err);
		goto out;
	}
	/* evaluate here, in parallel with the other worker threads */
	job = job_new(n);
	job->batch = batch;
	job->token_id = req->token.id;
	for (;;) {
		int refused = 0;
		nrecord = 0;
		for (i = 0; i < n; i++) {
			int ret;
			parse_one(batch ? json_array_get(list, i) : body, &req->token, &r, msg,
				  sizeof(msg));
			ret = control_evaluate(eng, &r, &job->v[i], &job->errs[i]);
			if (ret && ret != AIV_EINPUT && ret != AIV_ENOTFOUND) {
				http_error_from(res, &job->errs[i]);
				goto out;
			}
			nrecord += !ret;
			refused |= ret != 0;
		}
		/* refused: was it only that the snapshot was older than the store? */
		if (!refused || refreshed++ || refresh_snapshot(req->store, &err) <= 0)
			break;
		if (!(eng = thread_engine(req->store, &err))) {
			http_error_from(res, &err);
			goto out;
		}
		for (i = 0; i < n; i++) {
			control_pending_free(job->v[i]);
			job->v[i] = NULL;
			aiv_err_clear(&job->errs[i]);
		}
	}
	if (!nrecord) {
		/* every request refused: nothing to record */
		job_answer(job, res);
		goto out;
	}
	/*
	 * A lone request, nothing queued and no commit running: commit it on
	 * this thread and answer at once, without suspending the connection
	 * and two thread hand-offs (commit_inline says when; concurrent
	 * requests share the writer's next group commit instead).
	 */
	__atomic_add_fetch(&dt_inflight, 1, __ATOMIC_ACQ_REL);
	if (commit_inline(job, req->conn)) {
		if (!job->status)
			__atomic_add_fetch(&decide_inline, 1, __ATOMIC_RELAXED);
		decide_answered(req->conn);
		job_answer(job, res);
		goto out;
	}
	/* record in the writer's next group commit; answer once it committed */
	if ((job->deferred = http_defer(req, decide_finish, job))) {
		if (writer_submit(req->store, job, &err)) {
			job->status = 500;
			job->err = err;
			http_resume(job->deferred);
		}
		job = NULL; /* decide_finish answers (and counts) and frees it */
		goto out;
	}
	if (writer_submit(req->store, job, &err)) {
		__atomic_sub_fetch(&dt_inflight, 1, __ATOMIC_RELEASE);
		http_error_from(res, &err);
		goto out;
	}
	pthread_mutex_lock(&w_lock);
	while (!job->done)
		pthread_cond_wait(&w_done, &w_lock);
	pthread_mutex_unlock(&w_lock);
	if (!job->status)
		__atomic_add_fetch(&decide_grouped, 1, __ATOMIC_RELAXED);
	decide_answered(req->conn);
	job_answer(job, res);
out:
	if (job)
		job_free(job);
	json_decref(body);
}

/* ---- the exception queue ---- */

static void actor_of(const struct http_request *req, char *out, size_t n)
{
	snprintf(out, n, "token:%s", req->token.name);
}

static void h_exceptions(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *state = http_query(req, "state"), *queue = http_query(req, "queue");
	char actor[160];
	struct control_exceptions items;

	if (state && *state && strcmp(state, "pending") && strcmp(state, "approved") &&
	    strcmp(state, "rejected") && strcmp(state, "expired")) {
		http_error(res, 400, "state '%s' is not one of pending, approved, rejected, "
			   "expired", state);
		return;
	}
	actor_of(req, actor, sizeof(actor));
	if (control_exceptions_list(req->store, actor, state && *state ? state : NULL,
				    queue && *queue ? queue : NULL, &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json_list(res, control_exceptions_json(&items));
	control_exceptions_release(&items);
}

static void h_exception(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	char actor[160];
	struct control_exception item;

	actor_of(req, actor, sizeof(actor));
	if (control_exception_show(req->store, actor, http_param(req, "id"), &item, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, control_exception_json(&item));
	control_exception_release(&item);
}

static void exception_act(struct http_request *req, struct http_response *res, int tr)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *as = NULL, *reason = NULL, *to = NULL;
	char actor[160];
	struct control_exception item;
	json_t *body;
	json_error_t je;

	if (!(body = json_loadb(req->body, req->body_len, 0, &je)) || !json_is_object(body)) {
		http_error(res, 400, "request body must be a JSON object {\"as\": PERSON, "
			   "\"reason\": TEXT%s}", tr == CONTROL_REASSIGN ? ", \"to\": OWNER" : "");
		json_decref(body);
		return;
	}
	if (opt_string(body, "as", &as) || opt_string(body, "reason", &reason) ||
	    opt_string(body, "to", &to)) {
		http_error(res, 400, "as, reason and to must be strings");
		goto out;
	}
	if (!as || !*as || !reason || !*reason) {
		http_error(res, 400, "as (the person acting) and reason are required");
		goto out;
	}
	if (tr == CONTROL_REASSIGN && (!to || !*to)) {
		http_error(res, 400, "reassign needs to (a person or team:NAME)");
		goto out;
	}
	actor_of(req, actor, sizeof(actor));
	if (control_exception_act(req->store, actor, http_param(req, "id"), tr, as, reason,
				  tr == CONTROL_REASSIGN ? to : NULL, &item, &err)) {
		http_error_from(res, &err);
		goto out;
	}
	http_json(res, 200, control_exception_json(&item));
	control_exception_release(&item);
out:
	json_decref(body);
}

static void h_approve(struct http_request *req, struct http_response *res)
{
	exception_act(req, res, CONTROL_APPROVE);
}

static void h_reject(struct http_request *req, struct http_response *res)
{
	exception_act(req, res, CONTROL_REJECT);
}

static void h_reassign(struct http_request *req, struct http_response *res)
{
	exception_act(req, res, CONTROL_REASSIGN);
}

/* ---- decisions and workflows ---- */

/* Newest first; see control_http.h. */
int http_control_recent(struct store *s, int64_t cursor, size_t limit,
			struct control_log_records *out, int64_t *next, struct aiv_err *err)
{
	return control_log_page(s, 1, cursor, limit, out, next, err);
}

static void h_decisions(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *order = http_query(req, "order");
	long long limit = 100, cursor = 0;
	int64_t next = 0;
	int newest = 1;
	struct control_log_records recs;

	if (http_query_int(req, res, "limit", 1, DECISIONS_LIMIT_MAX, &limit) ||
	    http_query_int(req, res, "cursor", 0, INT64_MAX, &cursor))
		return;
	if (order && strcmp(order, "newest") && strcmp(order, "oldest")) {
		http_error(res, 400, "order '%s' is not newest or oldest", order);
		return;
	}
	if (order && !strcmp(order, "oldest"))
		newest = 0;
	if (control_log_page(req->store, newest, cursor, (size_t)limit, &recs, &next, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, json_pack("{s:I, s:o, s:o}", "count", (json_int_t)recs.n,
				      "items", control_log_records_json(&recs),
				      "next_cursor", next ? json_integer(next) : json_null()));
	control_log_records_release(&recs);
}

static void h_workflows(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *arr;

	if (apply_get(req->store, &control_workflow_kind, NULL, &arr, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json_list(res, arr);
}

static void h_readiness(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct control_readiness r;

	if (control_readiness(req->store, http_param(req, "name"), &r, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, control_readiness_json(&r));
	control_readiness_release(&r);
}

#define READERS (ROLE_ADMIN | ROLE_LEAD | ROLE_APPROVER | ROLE_AUDITOR | ROLE_ANALYST | \
		 ROLE_VIEWER)
#define ACTORS (ROLE_APPROVER | ROLE_LEAD)

static const struct http_qparam q_exceptions[] = {
	{ "state", "string", "pending, approved, rejected or expired" },
	{ "queue", "string", "only this queue" },
	{ NULL, NULL, NULL },
};

static const struct http_qparam q_decisions[] = {
	{ "limit", "integer", "records per page (1-1000, default 100)" },
	{ "cursor", "integer", "the next_cursor of the previous page (default: the start)" },
	{ "order", "string", "newest (default: records before the cursor, newest first) or "
	  "oldest (records after the cursor, oldest first)" },
	{ NULL, NULL, NULL },
};

const struct http_route http_control_routes[] = {
	{ "POST", "/api/v1/decide", ROLE_AGENT, R_DOC | R_BODY | R_PRIORITY, h_decide,
	  "Decide one request or a batch {\"requests\":[...]} (at most 1000) for the "
	  "token's agent", "control", NULL, NULL },
	{ "GET", "/api/v1/exceptions", READERS, R_DOC, h_exceptions,
	  "The exception queue (overdue items are expired first)", "control", q_exceptions, NULL },
	{ "GET", "/api/v1/exceptions/{id}", READERS, R_DOC, h_exception,
	  "One exception item with its history", "control", NULL, NULL },
	{ "POST", "/api/v1/exceptions/{id}/approve", ACTORS, R_DOC | R_BODY, h_approve,
	  "Approve a pending item: {as, reason} (separation of duties enforced)", "control",
	  NULL, NULL },
	{ "POST", "/api/v1/exceptions/{id}/reject", ACTORS, R_DOC | R_BODY, h_reject,
	  "Reject a pending item: {as, reason}", "control", NULL, NULL },
	{ "POST", "/api/v1/exceptions/{id}/reassign", ACTORS, R_DOC | R_BODY, h_reassign,
	  "Reassign a pending item: {as, reason, to}", "control", NULL, NULL },
	{ "GET", "/api/v1/decisions", READERS, R_DOC, h_decisions,
	  "Decision-log records, one page in a stable order, with the next page's cursor",
	  "control", q_decisions, NULL },
	{ "GET", "/api/v1/workflows", READERS, R_DOC, h_workflows,
	  "Workflows (applied objects)", "control", NULL, NULL },
	{ "GET", "/api/v1/workflows/{name}/readiness", READERS, R_DOC, h_readiness,
	  "The six readiness figures of a workflow with their rules", "control", NULL, NULL },
	{ "GET", "/workflows", READERS, R_PAGE, http_control_workflows_page,
	  "dashboard: agent workflows", "dashboard", NULL, "text/html" },
	{ "GET", "/workflows/{name}", READERS, R_PAGE, http_control_workflow_page,
	  "dashboard: one workflow's readiness, exception queue and decisions", "dashboard",
	  NULL, "text/html" },
	HTTP_ROUTES_END
};
