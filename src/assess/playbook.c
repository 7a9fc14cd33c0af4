/*
 * playbook.c - compute the whole playbook picture in one pass, and the
 * registration hook cli/ calls at start.
 *
 * The dashboard's overview and playbook pages, the report and the
 * roadmap all ask for the whole picture, several times a second on a
 * busy server, while the state it is computed from changes rarely.  So
 * computed pictures are kept as read-only snapshots, shared between the
 * server's threads with a reference count, keyed by the store's state
 * (evidence_state_key(): the ledger head and friends) plus the
 * questionnaire and the industry.  A snapshot lives at most
 * EVIDENCE_CACHE_TTL_US of request time, since windows move with "now".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "library.h"
#include "playbook.h"
#include "series.h"
#include "series_int.h"
#include "unit_value.h"

void assess_register(const char *qpath)
{
	apply_register(&hypothesis_kind);
	metric_target_register();
	apply_register(&unit_value_kind);
	assess_register_providers(qpath);
	findings_register_builtin();
	assess_register_detectors();
	assess_register_evidence();
	assess_state_register();
}

static int compute_state(struct store *s, const struct catalog *cat, const char *qpath,
			 const char *industry, int64_t now, int as_of,
			 struct playbook_state *out, struct aiv_err *err);
struct side;
static int compute_parts(struct store *s, const struct catalog *cat, const char *qpath,
			 const char *industry, int64_t now, struct side *sd, const char *key,
			 struct playbook_state *out, struct aiv_err *err);

/*
 * The phase, the findings and the metrics' evidence share one load of the
 * usage table (series_int.h), freed before the state is returned.
 */
static int compute(struct store *s, const struct catalog *cat, const char *qpath,
		   const char *industry, int64_t now, int as_of, struct playbook_state *out,
		   struct aiv_err *err)
{
	int ret;

	assess_usage_scope_begin();
	ret = compute_state(s, cat, qpath, industry, now, as_of, out, err);
	assess_usage_scope_end();
	xheap_trim(); /* the usage table and the journeys are freed: give them back */
	return ret;
}

/*
 * The loads of a computation that do not depend on each other run on two
 * threads: this one loads the usage table (phase, findings), prices the
 * cost (roadmap); a side thread, on a read connection of its own,
 * evaluates the hypotheses and fills the process metrics' event-log cache
 * and the journeys' cache (evidence_providers.c), both keyed by the store
 * state, which the evidence of this thread then finds.  Only for a state
 * with a key (a file or server store, outside a transaction, caches on)
 * and as of now; the side's hypotheses are used only if the side saw the
 * same state key, else this thread evaluates them again.  Nothing the
 * side computes differs from what this thread would: the figures are the
 * same (t6383).
 */
struct side {
	char uri[1024];
	const struct catalog *cat;
	int64_t now;
	char key[EVIDENCE_KEY_LEN]; /* the state the side read, after reading */
	int have_hr;
	struct hyp_report hr;
	int running;
	pthread_t th;
	/* the hypotheses ready before the rest: hyp_done under mu, hkey the
	 * state read after evaluating them ("" when unknown) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int hyp_done;
	char hkey[EVIDENCE_KEY_LEN];
	int lent;                  /* hr lent to the providers (assess_hyp_lend) */
};

static uint64_t side_used, side_redone; /* atomics */

void playbook_side_stats(uint64_t *used, uint64_t *redone)
{
	*used = __atomic_load_n(&side_used, __ATOMIC_RELAXED);
	*redone = __atomic_load_n(&side_redone, __ATOMIC_RELAXED);
}

static void side_hyp_done(struct side *sd)
{
	pthread_mutex_lock(&sd->mu);
	sd->hyp_done = 1;
	pthread_cond_broadcast(&sd->cv);
	pthread_mutex_unlock(&sd->mu);
}

/*
 * Wait for the side's hypotheses and, when it read state `key`, lend them
 * to the providers (series_int.h), so the phase does not evaluate them
 * again on this thread.
 */
static void side_lend_hyp(struct side *sd, const struct evidence_env *env, const char *key)
{
	pthread_mutex_lock(&sd->mu);
	while (!sd->hyp_done)
		pthread_cond_wait(&sd->cv, &sd->mu);
	pthread_mutex_unlock(&sd->mu);
	if (sd->have_hr && sd->hkey[0] && !strcmp(sd->hkey, key)) {
		assess_hyp_lend(key, env->now, env->cat, &sd->hr);
		sd->lent = 1;
	}
}

static void *side_main(void *arg)
{
	struct side *sd = arg;
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_value v;
	struct evidence_env env;
	struct store *s = NULL;

	memset(&env, 0, sizeof(env));
	if (store_open(&s, sd->uri, STORE_READONLY, &err)) {
		side_hyp_done(sd);
		return NULL;
	}
	env.store = s;
	env.cat = sd->cat;
	env.now = sd->now;
	sd->have_hr = !hyp_evaluate_all(s, sd->cat, sd->now, &sd->hr, &err);
	if (sd->have_hr && evidence_state_key(&env, sd->hkey, &err))
		sd->hkey[0] = '\0';
	side_hyp_done(sd); /* hr and hkey are the computing thread's to read now */
	/* errors here are the main thread's to meet again and report */
	if (sd->have_hr &&
	    (evidence_get(&env, "rework_rate", &v, &err) ||
	     evidence_get(&env, "qualified_intent_rate", &v, &err) ||
	     evidence_state_key(&env, sd->key, &err)))
		sd->key[0] = '\0';
	store_close(s);
	return NULL;
}

/* Start the side thread: 1 started, 0 not (compute everything here). */
static int side_start(struct side *sd, const struct evidence_env *env, const char *key)
{
	const char *uri = store_uri(env->store);

	memset(sd, 0, sizeof(*sd));
	if (env->as_of || !key[0] || !uri || strlen(uri) >= sizeof(sd->uri) ||
	    getenv("AIVALUE_PLAYBOOK_ONE_THREAD"))
		return 0;
	snprintf(sd->uri, sizeof(sd->uri), "%s", uri);
	sd->cat = env->cat;
	sd->now = env->now;
	pthread_mutex_init(&sd->mu, NULL);
	pthread_cond_init(&sd->cv, NULL);
	sd->running = !pthread_create(&sd->th, NULL, side_main, sd);
	if (!sd->running) {
		pthread_mutex_destroy(&sd->mu);
		pthread_cond_destroy(&sd->cv);
	}
	return sd->running;
}

/*
 * Join the side thread; its hypotheses into *hr (NULL: drop them) when it
 * read state `key`: 1, else 0.
 */
static int side_join(struct side *sd, const char *key, struct hyp_report *hr)
{
	pthread_join(sd->th, NULL);
	sd->running = 0;
	pthread_mutex_destroy(&sd->mu);
	pthread_cond_destroy(&sd->cv);
	if (hr && sd->have_hr && sd->key[0] && !strcmp(sd->key, key)) {
		*hr = sd->hr; /* still lent, if it was: compute_state takes it back */
		__atomic_add_fetch(&side_used, 1, __ATOMIC_RELAXED);
		return 1;
	}
	if (hr)
		__atomic_add_fetch(&side_redone, 1, __ATOMIC_RELAXED);
	if (sd->lent) {
		assess_hyp_unlend(&sd->hr);
		sd->lent = 0;
	}
	if (sd->have_hr)
		hyp_report_release(&sd->hr);
	return 0;
}

static int compute_state(struct store *s, const struct catalog *cat, const char *qpath,
			 const char *industry, int64_t now, int as_of,
			 struct playbook_state *out, struct aiv_err *err)
{
	char key[EVIDENCE_KEY_LEN];
	struct side sd;
	int ret, side = 0;

	memset(out, 0, sizeof(*out));
	out->env.store = s;
	out->env.cat = cat;
	out->env.now = now;
	out->env.as_of = as_of;
	if ((ret = evidence_state_key(&out->env, key, err)))
		return ret;
	side = side_start(&sd, &out->env, key);
	ret = compute_parts(s, cat, qpath, industry, now, side ? &sd : NULL, key, out, err);
	if (side && sd.running) /* not joined: an error came first */
		side_join(&sd, key, NULL);
	if (side && sd.lent) /* out->hr, lent: back before anyone can free it */
		assess_hyp_unlend(&sd.hr);
	return ret;
}

static int compute_parts(struct store *s, const struct catalog *cat, const char *qpath,
			 const char *industry, int64_t now, struct side *sd, const char *key,
			 struct playbook_state *out, struct aiv_err *err)
{
	size_t i;
	int ret;

	if ((ret = questionnaire_load(&out->q, cat, qpath, err)) ||
	    (ret = readiness_load_latest(s, &out->set, &out->have_set, err)) ||
	    (out->have_set &&
	     (ret = readiness_apply_measured(&out->env, out->q, &out->set, &out->measured, err))))
		return ret;
	readiness_score(cat, out->q, &out->set, now, &out->rs);
	if (sd)
		side_lend_hyp(sd, &out->env, key);
	if ((ret = phase_compute(&out->env, &out->pv, err)) ||
	    (ret = findings_compute(&out->env, &out->pv, &out->fl, err)))
		return ret;
	if (sd) {
		if (!side_join(sd, key, &out->hr))
			sd = NULL;
	}
	if ((!sd && (ret = hyp_evaluate_all(s, cat, now, &out->hr, err))) ||
	    (ret = roadmap_compute(&out->env, out->q, &out->rs, &out->pv, &out->fl, &out->hr,
				   industry, &out->rm, err)))
		return ret;
	if ((ret = library_crosswalk(s, out->q, out->have_set ? &out->set : NULL, NULL,
				     &out->crosswalk, err)))
		return ret;
	out->metrics = xcalloc(cat->nmetrics + 1, sizeof(*out->metrics));
	for (i = 0; i < cat->nmetrics; i++)
		if ((ret = evidence_get(&out->env, cat->metrics[i].id, &out->metrics[i], err)))
			return ret;
	return 0;
}

/* ---- shared snapshots ---- */

#define SNAPSHOTS 4

struct pb_snapshot {
	char key[EVIDENCE_KEY_LEN + 256];
	int64_t born;
	int refs;                 /* the cache's own reference counts as one */
	uint64_t used;            /* last use, for eviction */
	int read;                 /* shared with a reader (not the warmer) */
	struct playbook_state st;
};

/*
 * Keys being computed: a caller asking for one waits for that picture
 * instead of computing it a second time (the server's warm-up thread and
 * the first overview ask at once; on the large demo each computation
 * loads every usage event, so two at once doubled the first overview's
 * CPU and its peak memory).
 */
#define COMPUTING 4

static struct {
	pthread_mutex_t mu;
	pthread_cond_t done;      /* a computation ended: look again */
	struct pb_snapshot *slot[SNAPSHOTS];
	char computing[COMPUTING][EVIDENCE_KEY_LEN + 256]; /* "" when free */
	uint64_t clock, hits, misses, stored;
} snaps = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { NULL }, { "" }, 0, 0, 0, 0 };

/* The computing slot of key, or -1; with snaps.mu held. */
static int computing_slot(const char *key)
{
	int i;

	for (i = 0; i < COMPUTING; i++)
		if (!strcmp(snaps.computing[i], key))
			return i;
	return -1;
}

static void release_state(struct playbook_state *p);

static void snapshot_unref(struct pb_snapshot *sn)
{
	/* called with snaps.mu held */
	if (--sn->refs == 0) {
		release_state(&sn->st);
		free(sn);
	}
}

void playbook_cache_stats(struct evidence_cache_stats *out)
{
	pthread_mutex_lock(&snaps.mu);
	out->hits = snaps.hits;
	out->misses = snaps.misses;
	out->stored = snaps.stored;
	pthread_mutex_unlock(&snaps.mu);
}

/* Share sn with the caller: a shallow copy with the caller's store and now. */
static void share(struct pb_snapshot *sn, struct store *s, int64_t now,
		  struct playbook_state *out)
{
	*out = sn->st;
	out->env.store = s;
	out->env.now = now;
	out->shared = sn;
}

int playbook_compute_as_of(struct store *s, const struct catalog *cat, const char *qpath,
			   const char *industry, int64_t as_of, struct playbook_state *out,
			   struct aiv_err *err)
{
	/* a past date is computed afresh each time, never shared or cached */
	return compute(s, cat, qpath, industry, as_of, 1, out, err);
}

/*
 * playbook_compute() with a snapshot found only while younger than
 * fresh_us (or, when no reader has had it yet, than the time-to-live:
 * an idle server recomputes no more often than before); a new one
 * replaces any older snapshot of the same key.
 */
static int compute_fresh(struct store *s, const struct catalog *cat, const char *qpath,
			 const char *industry, int64_t now, int64_t fresh_us,
			 struct playbook_state *out, struct aiv_err *err)
{
	struct evidence_env env = { s, cat, now, 0 };
	char skey[EVIDENCE_KEY_LEN], key[EVIDENCE_KEY_LEN + 256];
	struct pb_snapshot *sn;
	size_t i, victim = 0;
	int ret, mine;

	memset(out, 0, sizeof(*out));
	if ((ret = evidence_state_key(&env, skey, err)))
		return ret;
	if (!skey[0])
		return compute(s, cat, qpath, industry, now, 0, out, err);
	snprintf(key, sizeof(key), "%s|q=%s|i=%s", skey, qpath ? qpath : "",
		 industry ? industry : "");
	pthread_mutex_lock(&snaps.mu);
	for (;;) {
		for (i = 0; i < SNAPSHOTS; i++) {
			sn = snaps.slot[i];
			if (sn && !strcmp(sn->key, key) && now >= sn->born &&
			    (now - sn->born < fresh_us ||
			     (!sn->read && now - sn->born < EVIDENCE_CACHE_TTL_US))) {
				if (fresh_us == EVIDENCE_CACHE_TTL_US)
					sn->read = 1;
				sn->refs++;
				sn->used = ++snaps.clock;
				snaps.hits++;
				share(sn, s, now, out);
				pthread_mutex_unlock(&snaps.mu);
				return 0;
			}
		}
		if (computing_slot(key) < 0)
			break;
		pthread_cond_wait(&snaps.done, &snaps.mu);
	}
	snaps.misses++;
	/* a free slot: callers asking for key meanwhile wait for this picture
	 * (none free: compute without making anyone wait) */
	mine = computing_slot("");
	if (mine >= 0)
		snprintf(snaps.computing[mine], sizeof(snaps.computing[mine]), "%s", key);
	pthread_mutex_unlock(&snaps.mu);

	sn = xcalloc(1, sizeof(*sn));
	if (fresh_us < EVIDENCE_CACHE_TTL_US)
		evidence_cache_clear(); /* its answers may be older than fresh_us */
	ret = compute(s, cat, qpath, industry, now, 0, &sn->st, err);
	pthread_mutex_lock(&snaps.mu);
	if (mine >= 0) {
		snaps.computing[mine][0] = '\0';
		pthread_cond_broadcast(&snaps.done);
	}
	if (ret) {
		pthread_mutex_unlock(&snaps.mu);
		*out = sn->st; /* the caller releases a failed state as before */
		free(sn);
		return ret;
	}
	snprintf(sn->key, sizeof(sn->key), "%s", key);
	sn->born = now;
	sn->refs = 2; /* the cache and the caller */
	sn->used = ++snaps.clock;
	for (i = 0; i < SNAPSHOTS; i++) {
		if (!snaps.slot[i] || !strcmp(snaps.slot[i]->key, key)) {
			victim = i; /* a free slot, or the older picture of this key */
			break;
		}
		if (snaps.slot[i]->used < snaps.slot[victim]->used)
			victim = i;
	}
	if (snaps.slot[victim])
		snapshot_unref(snaps.slot[victim]);
	snaps.slot[victim] = sn;
	snaps.stored++;
	share(sn, s, now, out);
	pthread_mutex_unlock(&snaps.mu);
	return 0;
}

int playbook_compute(struct store *s, const struct catalog *cat, const char *qpath,
		     const char *industry, int64_t now, struct playbook_state *out,
		     struct aiv_err *err)
{
	return compute_fresh(s, cat, qpath, industry, now, EVIDENCE_CACHE_TTL_US, out, err);
}

int playbook_refresh(struct store *s, const struct catalog *cat, const char *qpath,
		     const char *industry, int64_t now, struct aiv_err *err)
{
	struct playbook_state ps;
	int ret;

	ret = compute_fresh(s, cat, qpath, industry, now, PLAYBOOK_REFRESH_US, &ps, err);
	playbook_release(&ps);
	return ret;
}

void playbook_release(struct playbook_state *p)
{
	if (p->shared) {
		pthread_mutex_lock(&snaps.mu);
		snapshot_unref(p->shared);
		pthread_mutex_unlock(&snaps.mu);
		memset(p, 0, sizeof(*p));
		return;
	}
	release_state(p);
}

static void release_state(struct playbook_state *p)
{
	questionnaire_free(p->q);
	ra_set_release(&p->set);
	readiness_score_release(&p->rs);
	phase_verdict_release(&p->pv);
	hyp_report_release(&p->hr);
	finding_list_release(&p->fl);
	roadmap_release(&p->rm);
	free(p->metrics);
	ra_measured_list_release(&p->measured);
	lib_crosswalk_release(&p->crosswalk);
	memset(p, 0, sizeof(*p));
}
