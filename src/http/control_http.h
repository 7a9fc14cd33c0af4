/*
 * control_http.h - what the control API (api_control.c) and the workflow
 * pages (pages_control.c) share.
 */
#ifndef AIV_HTTP_CONTROL_HTTP_H
#define AIV_HTTP_CONTROL_HTTP_H

#include "routes.h"

/*
 * The newest `limit` decision-log records, newest first (new reference;
 * caller decrefs), or NULL with err set.
 */
json_t *http_control_recent(struct store *s, size_t limit, struct aiv_err *err);

/* GET /workflows and GET /workflows/{name} (pages_control.c). */
void http_control_workflows_page(struct http_request *req, struct http_response *res);
void http_control_workflow_page(struct http_request *req, struct http_response *res);

#endif
