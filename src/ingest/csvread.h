/*
 * csvread.h - a streaming RFC 4180 CSV record reader.
 *
 * Reads records one at a time from a FILE through its own 64 KiB buffer
 * (never the whole file), so that a 5 GB export is read in constant
 * memory.  Quoted fields may hold commas, doubled quotes and newlines
 * (serialised dicts and lists in ChatGPT exports do).  A UTF-8 byte order
 * mark at the start (Microsoft exports carry one) is skipped, CRLF and LF
 * both end a record, and blank lines are skipped.  Each field remembers
 * the line and column where it started, for error messages.
 */
#ifndef AIV_INGEST_CSVREAD_H
#define AIV_INGEST_CSVREAD_H

#include <stdio.h>

#include "aiv.h"

struct csv_field {
	size_t off, len; /* into csv_reader.rec; NUL-terminated there */
	long line, col;
};

struct csv_reader {
	FILE *f;             /* borrowed */
	const char *name;    /* file name for messages, borrowed */
	char *buf;
	size_t pos, end;
	int eof, bom_checked;
	long line, col;      /* position of the next byte */
	long rec_line;       /* line where the current record started */
	long bytes;          /* bytes consumed so far */
	struct strbuf rec;   /* the fields' bytes */
	struct csv_field *fields;
	size_t nfields, afields;
};

void csv_reader_init(struct csv_reader *r, FILE *f, const char *name);
void csv_reader_release(struct csv_reader *r);
/*
 * Read the next record.  Returns 1 with r->fields filled, 0 at end of
 * input, or a negative code with err naming FILE:LINE:COL (unterminated
 * quoted field, a character after a closing quote, a read error).
 */
int csv_next(struct csv_reader *r, struct aiv_err *err);
/* Field i of the current record (borrowed, valid until the next csv_next). */
static inline const char *csv_str(const struct csv_reader *r, size_t i)
{
	assert(i < r->nfields); /* callers check nfields against the header first */
	return r->rec.buf + r->fields[i].off;
}

#endif
