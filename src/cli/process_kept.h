/*
 * process_kept.h - what `process stats LOG [--json]` prints by default,
 * rendered by `import cases` to keep with the log (logstore_save_kept)
 * and printed by `process stats` without reloading the log (issue 20).
 */
#ifndef AIV_CLI_PROCESS_KEPT_H
#define AIV_CLI_PROCESS_KEPT_H

#include "aiv.h"
#include "metrics/eventlog.h"
#include "metrics/process.h"

/* The form the figures are kept under: printer, options, program version. */
const char *process_stats_kept_form(int json);

/* The default text (json = 0) or JSON output of `process stats`; caller-freed. */
char *process_stats_render(const char *name, const struct eventlog *l,
			   const struct process_stats *ps, int json);

#endif
