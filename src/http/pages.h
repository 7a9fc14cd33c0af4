/*
 * pages.h - what dashboard page modules share with pages.c: the layout
 * around a page body, a message page, and the playbook panels pages.c
 * places on the overview and in the navigation.
 */
#ifndef AIV_HTTP_PAGES_H
#define AIV_HTTP_PAGES_H

#include "routes.h"

/*
 * Send a whole page: web/layout.html around `main` (HTML, borrowed) for
 * the signed-in user; `current` is the path whose nav link is marked.
 */
void http_page_send(struct http_request *req, struct http_response *res, int status,
		    const char *title, const char *current, const char *main);
/* A page with a title and one escaped message. */
void http_page_message(struct http_request *req, struct http_response *res, int status,
		       const char *title, const char *message);

/* Nav links to the playbook pages (pages_playbook.c). */
void pages_playbook_nav(struct strbuf *nav, const char *current);
/*
 * The overview's first screen (pages_playbook.c): phase and why, the five
 * scorecards, open findings with their moves, the next three steps.
 */
void pages_playbook_overview(struct http_request *req, struct strbuf *m);
/* The overview's card of who pays back (pages_value.c); nothing for roles without /value. */
void pages_value_overview(struct http_request *req, struct strbuf *m);

/*
 * A scorecard figure (pages_metrics.c): the metric's name and value with
 * unit, each a link to /metrics/{id}, its status in words, a monthly
 * sparkline, the target and the change since the previous month; one <li>.
 */
struct metric_summary;
void pages_metric_figure(struct strbuf *sb, const struct metric_summary *s);

/*
 * The body HTML of a page that reads every usage event, journey or log
 * event, kept per store state (the evidence cache key) and `page` (path
 * and query) for the evidence cache's time-to-live (pages_cache.c).
 * get: 1 and the body appended to *body, or 0; put: keep a 200 body,
 * only from the draw pages_send_kept runs, under the key it read before
 * the draw (a later key could be a state the body does not show).
 */
int pages_cache_get(const struct http_request *req, const char *page, struct strbuf *body);
void pages_cache_put(const struct http_request *req, const char *page, const char *html);
/*
 * Send the kept body of `page` in the layout (title, current as
 * http_page_send takes them), else draw(req, res, page), which keeps its
 * 200 body with pages_cache_put(req, page, body).
 */
typedef void (*pages_draw_fn)(struct http_request *req, struct http_response *res,
			      const char *page);
void pages_send_kept(struct http_request *req, struct http_response *res, const char *page,
		     const char *title, const char *current, pages_draw_fn draw);
/* Bodies served from the kept ones (hit), drawn (miss) and kept (stored). */
struct evidence_cache_stats;
void pages_cache_stats(struct evidence_cache_stats *out);
/* A workflow page's readiness figures served from the kept ones, computed, kept. */
void pages_control_readiness_stats(struct evidence_cache_stats *out);

#endif
