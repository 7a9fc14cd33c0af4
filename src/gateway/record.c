/*
 * record.c - the gateway's call record: every tools/call (decided,
 * refused or forwarded) and every filtered tools/list becomes one JSON
 * record, and a recorder thread chains all records queued since its last
 * transaction into ONE ledger entry ("gateway.calls", actor
 * "http:gateway"), the way the decision writer groups decisions:
 *
 *   worker threads                 recorder thread (own store handle)
 *   answer the agent, queue  --->  take the queue, BEGIN, ledger_append
 *   the record                     {"count": n, "records": [...]}, COMMIT
 *
 * A record holds the decision id (whose own decision-log row is chained
 * by the decision writer), the args digest, upstream, tool, outcome,
 * latency and result size, never the result unless --record-results names
 * the tool.  A batch that cannot be written (store unavailable) is
 * reported on stderr and dropped; the decisions themselves were recorded
 * before anything was forwarded (fail closed).
 *
 * One commit per call, not two: the decision writer's transactions
 * (http_control_commit_hook) take the queue first, so under load the
 * records of the calls answered since the last decision ride in the next
 * decision's transaction as their own gateway.calls entry.  The recorder
 * thread only writes what no decision has carried within RECORD_LINGER_US
 * of being queued (a lone call, a tools/list), and everything at stop,
 * and it writes them with the decision writer's handle too
 * (http_control_commit_hook_alone): a second writing connection raced the
 * decision commits for SQLite's write lock, and the loser slept in SQLite's
 * busy handler (1 ms and more).  Its own handle, opened only then, serves
 * when the writer has none (no decision yet, after the writer stopped).
 */
#include "aiv.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "gateway.h"
#include "http/control_http.h"
#include "ledger/ledger.h"
#include "store/store.h"

#define RECORD_MAX_BATCH 4096
#define RECORD_LINGER_US 5000 /* a record no decision carried is written this long after */

static pthread_mutex_t r_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t r_work = PTHREAD_COND_INITIALIZER;
static json_t *r_queue; /* array of records */
static int64_t r_oldest_us; /* when the oldest queued record was queued (realtime) */
static json_t *r_taken; /* the batch a decision transaction holds until it ends */
static int64_t r_taken_oldest_us;
static pthread_t r_thread;
static int r_running, r_stop;
static int r_idle; /* the recorder waits for a first record (not for a due time) */
static char *r_uri;

static int64_t real_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The first RECORD_MAX_BATCH queued records (all when fewer); r_lock held, queue not empty. */
static json_t *take_batch(void)
{
	json_t *batch = r_queue;

	if (json_array_size(batch) > RECORD_MAX_BATCH) {
		size_t i, n = json_array_size(batch);
		json_t *rest = json_array();
		for (i = RECORD_MAX_BATCH; i < n; i++)
			json_array_append(rest, json_array_get(batch, i));
		for (i = n; i > RECORD_MAX_BATCH; i--)
			json_array_remove(batch, i - 1);
		r_queue = rest;
	} else {
		r_queue = json_array();
	}
	return batch;
}

static int append_batch(struct store *s, json_t *batch, struct aiv_err *err)
{
	json_t *payload = json_pack("{s:I, s:O}", "count", (json_int_t)json_array_size(batch),
				    "records", batch);
	int ret = ledger_append(s, "http:gateway", "gateway.calls", "gateway", payload, NULL, err);

	json_decref(payload);
	return ret;
}

static void write_batch(struct store *s, json_t *batch)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (!s) {
		fprintf(stderr, "aivalue: gateway: %zu call records not written: the store is "
			"unavailable\n", json_array_size(batch));
	} else if (store_begin(s, &err) || append_batch(s, batch, &err) ||
		   store_commit(s, &err)) {
		if (store_in_tx(s))
			store_rollback(s);
		fprintf(stderr, "aivalue: gateway: %zu call records not written: %s\n",
			json_array_size(batch), err.msg);
	}
}

/* http_control_commit_hook's in_tx: chain what is queued in the decisions' transaction. */
static int record_in_tx(struct store *s, void *data, struct aiv_err *err)
{
	json_t *batch;

	(void)data;
	pthread_mutex_lock(&r_lock);
	if (r_taken || !r_queue || !json_array_size(r_queue)) {
		pthread_mutex_unlock(&r_lock);
		return 0;
	}
	r_taken_oldest_us = r_oldest_us;
	batch = r_taken = take_batch();
	if (json_array_size(r_queue))
		r_oldest_us = real_us();
	pthread_mutex_unlock(&r_lock);
	return append_batch(s, batch, err);
}

/* ... and its after: committed, the batch is done; rolled back, it goes back in front. */
static void record_after(int committed)
{
	pthread_mutex_lock(&r_lock);
	if (r_taken && !committed) {
		json_array_extend(r_taken, r_queue);
		json_decref(r_queue);
		r_queue = r_taken;
		r_oldest_us = r_taken_oldest_us;
		pthread_cond_signal(&r_work);
	} else {
		json_decref(r_taken);
	}
	r_taken = NULL;
	pthread_mutex_unlock(&r_lock);
}

/* The recorder's own store handle, opened when first needed; NULL if it cannot be. */
static struct store *own_store(struct store **s, int *tried)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (*s || *tried)
		return *s;
	*tried = 1;
	if (store_open(s, r_uri, 0, &err)) {
		fprintf(stderr, "aivalue: gateway: cannot open the store to record calls: %s\n",
			err.msg);
		*s = NULL;
	}
	return *s;
}

static void *recorder_main(void *arg)
{
	struct store *s = NULL;
	int tried = 0;

	(void)arg;
	prctl(PR_SET_NAME, "aiv-gw-record", 0, 0, 0);
	pthread_mutex_lock(&r_lock);
	for (;;) {
		struct aiv_err err = AIV_ERR_INIT;
		json_t *batch;
		int64_t due;

		while (!json_array_size(r_queue) && !r_stop) {
			r_idle = 1;
			pthread_cond_wait(&r_work, &r_lock);
			r_idle = 0;
		}
		if (!json_array_size(r_queue))
			break;
		due = r_oldest_us + RECORD_LINGER_US;
		if (!r_stop && real_us() < due) {
			/* a decision transaction may carry them meanwhile */
			struct timespec ts = { (time_t)(due / 1000000), (long)(due % 1000000) * 1000 };
			pthread_cond_timedwait(&r_work, &r_lock, &ts);
			continue;
		}
		/*
		 * With the decision writer's handle when it has one (record_in_tx
		 * takes the queue in that transaction): one writing connection, no
		 * race for SQLite's write lock with the decision commits.  Else, or
		 * when that transaction failed (the batch is back in front), with
		 * this thread's own handle.
		 */
		pthread_mutex_unlock(&r_lock);
		if (!http_control_commit_hook_alone(&err)) {
			pthread_mutex_lock(&r_lock);
			continue;
		}
		pthread_mutex_lock(&r_lock);
		if (!json_array_size(r_queue))
			continue;
		batch = take_batch();
		if (json_array_size(r_queue))
			r_oldest_us = real_us();
		pthread_mutex_unlock(&r_lock);
		write_batch(own_store(&s, &tried), batch);
		json_decref(batch);
		pthread_mutex_lock(&r_lock);
	}
	pthread_mutex_unlock(&r_lock);
	if (s)
		store_close(s);
	return NULL;
}

int gw_record(const char *db_uri, json_t *rec, struct aiv_err *err)
{
	pthread_mutex_lock(&r_lock);
	if (!r_running) {
		r_uri = xstrdup(db_uri);
		r_queue = json_array();
		if (pthread_create(&r_thread, NULL, recorder_main, NULL)) {
			free(r_uri);
			r_uri = NULL;
			json_decref(r_queue);
			r_queue = NULL;
			pthread_mutex_unlock(&r_lock);
			json_decref(rec);
			return aiv_fail(err, AIV_EINTERNAL, "cannot start the gateway's recorder");
		}
		r_running = 1;
	}
	if (!json_array_size(r_queue))
		r_oldest_us = real_us();
	json_array_append_new(r_queue, rec);
	if (r_idle)
		pthread_cond_signal(&r_work); /* else it wakes when the oldest is due */
	pthread_mutex_unlock(&r_lock);
	return 0;
}

void gw_record_hook(void)
{
	http_control_commit_hook(record_in_tx, record_after);
}

void gw_record_stop(void)
{
	pthread_mutex_lock(&r_lock);
	if (!r_running) {
		pthread_mutex_unlock(&r_lock);
		return;
	}
	r_stop = 1;
	pthread_cond_broadcast(&r_work);
	pthread_mutex_unlock(&r_lock);
	pthread_join(r_thread, NULL);
	pthread_mutex_lock(&r_lock);
	r_running = r_stop = 0;
	json_decref(r_queue);
	r_queue = NULL;
	free(r_uri);
	r_uri = NULL;
	pthread_mutex_unlock(&r_lock);
}
