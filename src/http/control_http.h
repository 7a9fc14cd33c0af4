/*
 * control_http.h - what the control API (api_control.c) and the workflow
 * pages (pages_control.c) share.
 */
#ifndef AIV_HTTP_CONTROL_HTTP_H
#define AIV_HTTP_CONTROL_HTTP_H

#include "control/control.h"
#include "routes.h"

/*
 * Up to `limit` decision-log records before record `cursor` (0: the
 * newest), newest first, into *out (caller releases with
 * control_log_records_release); *next is the cursor of the older page, 0
 * if none.  0 or an error code with err set.
 */
int http_control_recent(struct store *s, int64_t cursor, size_t limit,
			struct control_log_records *out, int64_t *next, struct aiv_err *err);

/* GET /workflows and GET /workflows/{name} (pages_control.c). */
void http_control_workflows_page(struct http_request *req, struct http_response *res);
void http_control_workflow_page(struct http_request *req, struct http_response *res);

/*
 * Decide one request the way POST /api/v1/decide does, for a later
 * layer's handler (the MCP gateway, gateway/): evaluate on this worker
 * thread against the published snapshot; with find_approval, an escalate
 * for which an approved, unused exception item holds the same agent,
 * action and args digest is evaluated again naming that item (the retry an
 * approval releases once); then record it in the writer's next group
 * commit.  Once recorded, or refused, then(req, res, d, err, data) runs on
 * a worker thread and fills the response: d is the recorded decision
 * (borrowed for the call) and err NULL, or d NULL and err says why nothing
 * was recorded (AIV_EINPUT, AIV_ENOTFOUND: bad input; AIV_EPERM: the
 * token was revoked; a store error: the store is unavailable).  The
 * connection is suspended meanwhile when it can be (http_defer); but when
 * this is the only such call in flight and the writer is idle, the
 * decision is committed right here with the writer's store handle (no
 * suspension, no hand-off).  `then` runs exactly once.
 */
/*
 * This worker thread's engine on the server's published snapshot, brought
 * up to date with the store first (one query); borrowed, for this thread
 * only.  NULL and err on a store error.
 */
struct control_engine *http_control_engine(struct store *s, struct aiv_err *err);
/*
 * POST /api/v1/decide requests whose decisions were committed on the
 * worker thread that evaluated them (no other decision in flight, the
 * writer idle), and those queued for the writer's group commit, since the
 * process started.
 */
void http_control_decide_stats(uint64_t *inline_commits, uint64_t *grouped);
unsigned http_control_decide_queued(void);

typedef void (*http_decided_fn)(struct http_request *req, struct http_response *res,
				const struct control_decision *d, const struct aiv_err *err,
				void *data);
void http_control_decide_then(struct http_request *req, struct http_response *res,
			      const struct control_request *r, int find_approval,
			      http_decided_fn then, void *data);

/*
 * Have every decision transaction of this server also run in_tx(s, NULL,
 * err) before its COMMIT (control_commit_with: its error rolls the batch
 * back, nothing is answered as recorded), and then after(1) once it
 * committed or after(0) once it rolled back.  Both run with the writer's
 * commit lock held, on the writer's or a worker's thread.  Set before the
 * server starts (gateway_setup); NULL, NULL unsets.
 */
void http_control_commit_hook(int (*in_tx)(struct store *s, void *data, struct aiv_err *err),
			      void (*after)(int committed));

/*
 * Run the hook's in_tx alone in one transaction on the decision writer's
 * handle, then its after(), so that its writes never contend with the
 * decision commits for the database's write lock.  0 once committed;
 * AIV_ENOTFOUND when no hook is set or the writer has no open handle (not
 * started, stopped): nothing ran; another error: in_tx or the commit
 * failed and after(0) ran.
 */
int http_control_commit_hook_alone(struct aiv_err *err);

#endif
