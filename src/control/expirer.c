/*
 * expirer.c - the server's exception-expiry timer (control.h).
 *
 * Reads never write: a GET computes an overdue pending item as expired
 * without recording it.  So that the ledger still says when each item
 * expired, the server runs this thread: every interval it calls
 * control_expire(), which records one exception.expired entry per overdue
 * item as actor system:expiry (and does nothing, without the write lock,
 * when none is overdue).  The first round is one interval after the start.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "control.h"

struct control_expirer {
	char *db_path;
	int64_t every_us;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
};

static void expire_once(struct control_expirer *x, struct store **s)
{
	struct aiv_err err = AIV_ERR_INIT;

	if ((!*s && store_open(s, x->db_path, 0, &err)) || control_expire(*s, NULL, &err))
		fprintf(stderr, "aivalue: overdue exception items not expired: %s\n", err.msg);
}

static void *expirer_main(void *arg)
{
	struct control_expirer *x = arg;
	struct store *s = NULL;
	struct timespec until;

	/* the first round one interval after the start, like every other */
	pthread_mutex_lock(&x->mu);
	while (!x->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)(x->every_us / 1000000);
		until.tv_nsec += (long)(x->every_us % 1000000) * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		while (!x->stop && pthread_cond_timedwait(&x->cv, &x->mu, &until) == 0)
			;
		if (x->stop)
			break;
		pthread_mutex_unlock(&x->mu);
		expire_once(x, &s);
		pthread_mutex_lock(&x->mu);
	}
	pthread_mutex_unlock(&x->mu);
	if (s)
		store_close(s);
	return NULL;
}

struct control_expirer *control_expirer_start(const char *db_path, int64_t every_us,
					      struct aiv_err *err)
{
	struct control_expirer *x;

	if (every_us < 1000000) {
		aiv_fail(err, AIV_EINPUT, "the expiry interval must be at least 1s");
		return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	x->db_path = xstrdup(db_path);
	x->every_us = every_us;
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	if (pthread_create(&x->th, NULL, expirer_main, x)) {
		pthread_mutex_destroy(&x->mu);
		pthread_cond_destroy(&x->cv);
		free(x->db_path);
		free(x);
		aiv_fail(err, AIV_EIO, "cannot start the expiry thread");
		return NULL;
	}
	return x;
}

void control_expirer_stop(struct control_expirer *x)
{
	if (!x)
		return;
	pthread_mutex_lock(&x->mu);
	x->stop = 1;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->th, NULL);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->cv);
	free(x->db_path);
	free(x);
}
