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

#endif
