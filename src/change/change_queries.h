/*
 * change_queries.h - small typed reads of change control's tables for the
 * layers after it (assess/'s detectors and evidence providers), so that
 * SQL naming change_requests and change_findings stays in change/.
 *
 * Read only; each is one or two statements and fills plain values.
 */
#ifndef AIV_CHANGE_QUERIES_H
#define AIV_CHANGE_QUERIES_H

#include <jansson.h>

#include "aiv.h"
#include "store/store.h"

/* Change requests in the workspace: all of them, and those with status "queued". */
struct change_request_counts {
	int64_t total;
	int64_t queued;
};

/* Fill *out (zeros for an empty workspace).  0 or a negative code with err filled. */
int change_request_counts(struct store *s, struct change_request_counts *out,
			  struct aiv_err *err);

/*
 * The newest governance finding change/ recorded when it queued a change
 * request (table change_findings): *message a new string (caller frees),
 * *data its figures as a new JSON reference, or NULL when the stored text
 * does not parse.  Returns 1 with both set, 0 when there is none (both
 * NULL), or a negative code with err filled.
 */
int change_latest_finding(struct store *s, char **message, json_t **data,
			  struct aiv_err *err);

#endif
