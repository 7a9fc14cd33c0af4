/*
 * report.h - the playbook report: one standalone file.
 *
 * One computed model (struct playbook_state, assess/playbook.h), three
 * printers: HTML (inline CSS and SVG charts, no external asset, print CSS
 * for A4 PDF), Markdown and JSON.  Printers never query the store.
 */
#ifndef AIV_REPORT_H
#define AIV_REPORT_H

#include "assess/playbook.h"
#include "core/hash.h"

struct report_meta {
	const char *generated_at; /* ISO time */
	const char *workspace;    /* database path */
	int64_t head_seq;         /* ledger head at generation */
	char head_hash[SHA256_HEX];
	const char *organisation; /* the name on page one; NULL: the workspace's file name */
};

/* Render `format` ("html", "md" or "json") into out.  AIV_EINPUT for another format. */
int report_render(const struct playbook_state *ps, const struct report_meta *meta,
		  const char *format, struct strbuf *out, struct aiv_err *err);

/* Everything the report shows, as JSON (new reference). */
json_t *report_json(const struct playbook_state *ps, const struct report_meta *meta);

#endif
