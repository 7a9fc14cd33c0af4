/*
 * pages_cache.c - the body HTML of the pages that read every usage event,
 * journey or log event (/adoption, /journeys, /logs/{name}), kept for the
 * evidence cache's key and time-to-live (assess/evidence.h) and the page
 * (path and query), so that a second visit to the same page of the same
 * store state renders without loading them again.  On the large demo each
 * of the three costs 1.3-1.6 s of CPU and holds a few hundred MB while it
 * computes; the kept body is 20-150 KB.  The layout around the body (the
 * signed-in user, the navigation) is drawn for each request.  The list of
 * logs (/logs) and the stale marks (/stale) are kept too: they are cheap,
 * but on PostgreSQL each read is a round trip, and the key needs none (a
 * kept ledger head); they have slots of their own, so that they never
 * take one of the costly pages'.
 */
#include "aiv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "assess/evidence.h"
#include "core/timeutil.h"
#include "pages.h"

#define BODIES 10 /* 8 + /logs and /stale */

static struct {
	pthread_mutex_t mu;
	struct body {
		char key[EVIDENCE_KEY_LEN];
		char *page;  /* path and query, as the handler names it */
		char *html;
		int64_t born;
		uint64_t used;
	} slot[BODIES];
	uint64_t clock, hits, misses, stored;
} bodies = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* The state key of req's store, or "" when it cannot be cached. */
static void state_key(const struct http_request *req, int64_t now, char key[EVIDENCE_KEY_LEN])
{
	struct evidence_env env = { req->store, req->cat, now, 0 };
	struct aiv_err err = AIV_ERR_INIT;

	if (evidence_state_key(&env, key, &err))
		key[0] = '\0';
}

int pages_cache_get(const struct http_request *req, const char *page, struct strbuf *body)
{
	char key[EVIDENCE_KEY_LEN];
	int64_t now = time_now_us();
	size_t i;

	state_key(req, now, key);
	if (!key[0])
		return 0;
	pthread_mutex_lock(&bodies.mu);
	for (i = 0; i < BODIES; i++) {
		struct body *b = &bodies.slot[i];
		if (b->html && !strcmp(b->page, page) && !strcmp(b->key, key) &&
		    now >= b->born && now - b->born < EVIDENCE_CACHE_TTL_US) {
			b->used = ++bodies.clock;
			bodies.hits++;
			strbuf_addstr(body, b->html);
			pthread_mutex_unlock(&bodies.mu);
			return 1;
		}
	}
	bodies.misses++;
	pthread_mutex_unlock(&bodies.mu);
	return 0;
}

void pages_cache_put(const struct http_request *req, const char *page, const char *html)
{
	char key[EVIDENCE_KEY_LEN];
	int64_t now = time_now_us();
	size_t i, victim = 0;

	state_key(req, now, key);
	if (!key[0])
		return;
	pthread_mutex_lock(&bodies.mu);
	for (i = 0; i < BODIES; i++) {
		if (bodies.slot[i].html && !strcmp(bodies.slot[i].page, page)) {
			victim = i; /* the same page of an older state */
			break;
		}
		if (!bodies.slot[i].html) {
			victim = i;
			break;
		}
		if (bodies.slot[i].used < bodies.slot[victim].used)
			victim = i;
	}
	free(bodies.slot[victim].page);
	free(bodies.slot[victim].html);
	bodies.slot[victim].page = xstrdup(page);
	bodies.slot[victim].html = xstrdup(html);
	memcpy(bodies.slot[victim].key, key, sizeof(key));
	bodies.slot[victim].born = now;
	bodies.slot[victim].used = ++bodies.clock;
	bodies.stored++;
	pthread_mutex_unlock(&bodies.mu);
	/* a kept body was drawn from every usage event, journey or log
	 * event, now freed: give the memory back before another thread's
	 * page draws its own */
	xheap_trim();
}

void pages_send_kept(struct http_request *req, struct http_response *res, const char *page,
		     const char *title, const char *current, pages_draw_fn draw)
{
	struct strbuf m = STRBUF_INIT;

	if (pages_cache_get(req, page, &m))
		http_page_send(req, res, 200, title, current, m.buf);
	else
		draw(req, res, page);
	strbuf_release(&m);
}

void pages_cache_stats(struct evidence_cache_stats *out)
{
	pthread_mutex_lock(&bodies.mu);
	out->hits = bodies.hits;
	out->misses = bodies.misses;
	out->stored = bodies.stored;
	pthread_mutex_unlock(&bodies.mu);
}
