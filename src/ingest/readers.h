/*
 * readers.h - the usage readers (internal to ingest/): one function per
 * format, each parsing its stream and calling the sink in usage.h.
 */
#ifndef AIV_INGEST_READERS_H
#define AIV_INGEST_READERS_H

#include "usage.h"

int usage_read_csv(struct usage_import *im, FILE *f, struct aiv_err *err);
int usage_read_jsonl(struct usage_import *im, FILE *f, struct aiv_err *err);
int usage_read_copilot(struct usage_import *im, FILE *f, struct aiv_err *err);
int usage_read_copilot_metrics(struct usage_import *im, FILE *f, struct aiv_err *err);
int usage_read_copilot_seats(struct usage_import *im, FILE *f, struct aiv_err *err);
int usage_read_m365(struct usage_import *im, FILE *f, struct aiv_err *err);
int usage_read_chatgpt(struct usage_import *im, FILE *f, struct aiv_err *err);
int usage_read_otel(struct usage_import *im, FILE *f, struct aiv_err *err);

/*
 * Read one line (without its newline) into sb; returns 1, 0 at end of
 * input, negative with err on a read error or a line over 64 MiB.
 */
int usage_getline(FILE *f, const char *name, long line, struct strbuf *sb,
		  struct aiv_err *err);



struct csv_reader;
/*
 * Index of the header column matching one of `aliases` (NULL-terminated,
 * compared with usage_norm_key, first alias first), or -1.
 */
int usage_csv_find(const struct csv_reader *r, const char *const *aliases);
#endif
