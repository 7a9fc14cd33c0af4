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
 * kept ledger head).  Every page shares the BODIES slots, least recently
 * used first (a page's older state gives its slot back first); the heap
 * is trimmed after a costly page's draw only.
 */
#include "aiv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "assess/evidence.h"
#include "core/timeutil.h"
#include "pages.h"

#define BODIES 10 /* shared by every kept page, /logs and /stale included */

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

/*
 * The key and time read before a miss's draw (pages_send_kept), which its
 * put files the body under: a key read after the draw could be a later
 * state's (another process wrote while the page was drawn), and the old
 * body filed under it would be served until the TTL.  Per thread: a
 * worker draws one page at a time.
 */
static _Thread_local struct {
	const struct http_request *req;
	const char *page;
	char key[EVIDENCE_KEY_LEN];
	int64_t now;
} drawing;

static int cache_get(const char *key, int64_t now, const char *page, struct strbuf *body)
{
	size_t i;

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

int pages_cache_get(const struct http_request *req, const char *page, struct strbuf *body)
{
	char key[EVIDENCE_KEY_LEN];
	int64_t now = time_now_us();

	state_key(req, now, key);
	return cache_get(key, now, page, body);
}

/* The pages kept for their round trips, not for their cost (the header). */
static int cheap_page(const char *page)
{
	return !strcmp(page, "/logs") || !strcmp(page, "/stale") || !strncmp(page, "/stale?", 7);
}

void pages_cache_put(const struct http_request *req, const char *page, const char *html)
{
	const char *key = drawing.key;
	int64_t now = drawing.now;
	size_t i, victim = 0;

	/* only the page pages_send_kept is drawing, under the key read before */
	if (drawing.req != req || !drawing.page || strcmp(drawing.page, page) || !key[0])
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
	memcpy(bodies.slot[victim].key, key, EVIDENCE_KEY_LEN);
	bodies.slot[victim].born = now;
	bodies.slot[victim].used = ++bodies.clock;
	bodies.stored++;
	pthread_mutex_unlock(&bodies.mu);
	/* a costly body was drawn from every usage event, journey or log
	 * event, now freed: give the memory back before another thread's
	 * page draws its own.  Not after the cheap ones (/logs, /stale):
	 * malloc_trim walks the whole heap for the little they freed */
	if (!cheap_page(page))
		xheap_trim();
}

void pages_send_kept(struct http_request *req, struct http_response *res, const char *page,
		     const char *title, const char *current, pages_draw_fn draw)
{
	struct strbuf m = STRBUF_INIT;

	/* the state key is read once, before the draw: its put files under it */
	drawing.now = time_now_us();
	state_key(req, drawing.now, drawing.key);
	if (cache_get(drawing.key, drawing.now, page, &m)) {
		http_page_send(req, res, 200, title, current, m.buf);
	} else {
		drawing.req = req;
		drawing.page = page;
		draw(req, res, page);
	}
	drawing.req = NULL;
	drawing.page = NULL;
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
