/*
 * readers.h - the usage readers (internal to ingest/): one function per
 * format, each parsing its stream and calling the sink in usage.h.
 */
#ifndef AIV_INGEST_READERS_H
#define AIV_INGEST_READERS_H

#include <jansson.h>

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


#define USAGE_MAX_DOC (256u << 20)

/*
 * JSON documents from f: one per line, or (when the first line is not
 * complete JSON and opens an object or array) one pretty-printed
 * document of at most 256 MiB, handed to fn with line 1.  fn returns 0
 * or a negative code with err set, which stops the read.  Errors name
 * FILE:LINE:COL.
 */
typedef int (*usage_doc_fn)(void *data, json_t *doc, long line, struct aiv_err *err);
int usage_json_docs(FILE *f, const char *name, usage_doc_fn fn, void *data,
		    struct aiv_err *err);

/* "FILE:LINE" of the import into buf, for tally places. */
void usage_where(const struct usage_import *im, long line, char *buf, size_t bufsz);

/* Skip leading white space of f and return the next byte, left unread (EOF at the end). */
int usage_first_char(FILE *f);

struct csv_reader;
/*
 * Index of the header column matching one of `aliases` (NULL-terminated,
 * compared with usage_norm_key, first alias first), or -1.
 */
int usage_csv_find(const struct csv_reader *r, const char *const *aliases);
/*
 * One tally note naming the header columns of r (the header record just
 * read) whose read[i] is 0: "columns not read: 'a', 'b'".
 */
void usage_note_columns(struct usage_import *im, const struct csv_reader *r,
			const unsigned char *read);
#endif
