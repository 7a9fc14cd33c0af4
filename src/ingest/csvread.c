/*
 * csvread.c - the streaming CSV reader; see csvread.h.
 *
 * A small state machine over a refillable byte buffer.  Field bytes are
 * appended to one strbuf per record with a NUL after each field, and
 * the field table records offsets (not pointers, since the strbuf may
 * move while the record grows).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

#define CSV_BUFSZ 65536

void csv_reader_init(struct csv_reader *r, FILE *f, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->name = name;
	r->buf = xmalloc(CSV_BUFSZ);
	r->line = 1;
	r->col = 1;
	strbuf_init(&r->rec, 256);
}

void csv_reader_release(struct csv_reader *r)
{
	free(r->buf);
	free(r->fields);
	strbuf_release(&r->rec);
	memset(r, 0, sizeof(*r));
}

/* Next byte, or -1 at end of input, -2 on a read error. */
static int csv_getc(struct csv_reader *r)
{
	int c;

	if (r->pos == r->end) {
		if (r->eof)
			return -1;
		r->end = fread(r->buf, 1, CSV_BUFSZ, r->f);
		r->pos = 0;
		if (r->end == 0) {
			r->eof = 1;
			return ferror(r->f) ? -2 : -1;
		}
	}
	c = (unsigned char)r->buf[r->pos++];
	r->bytes++;
	if (c == '\n') {
		r->line++;
		r->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		r->col++; /* count characters, not UTF-8 continuation bytes */
	}
	return c;
}

static int csv_peek(struct csv_reader *r)
{
	if (r->pos == r->end) {
		if (r->eof)
			return -1;
		r->end = fread(r->buf, 1, CSV_BUFSZ, r->f);
		r->pos = 0;
		if (r->end == 0) {
			r->eof = 1;
			return -1;
		}
	}
	return (unsigned char)r->buf[r->pos];
}

static void field_start(struct csv_reader *r, long line, long col)
{
	ALLOC_GROW(r->fields, r->nfields + 1, r->afields);
	r->fields[r->nfields].off = r->rec.len;
	r->fields[r->nfields].line = line;
	r->fields[r->nfields].col = col;
	r->fields[r->nfields].len = 0;
	r->nfields++;
}

static void field_end(struct csv_reader *r)
{
	struct csv_field *fl = &r->fields[r->nfields - 1];

	fl->len = r->rec.len - fl->off;
	strbuf_addch(&r->rec, '\0');
}

int csv_next(struct csv_reader *r, struct aiv_err *err)
{
	int c;

	if (!r->bom_checked) {
		r->bom_checked = 1;
		if (csv_peek(r) == 0xef && r->end - r->pos >= 3 &&
		    !memcmp(r->buf + r->pos, "\xef\xbb\xbf", 3)) {
			r->pos += 3;
			r->bytes += 3;
		}
	}
	strbuf_reset(&r->rec);
	r->nfields = 0;
	/* skip blank lines */
	for (;;) {
		c = csv_peek(r);
		if (c == '\r' || c == '\n') {
			csv_getc(r);
			continue;
		}
		break;
	}
	if (c < 0) {
		if (ferror(r->f))
			return aiv_fail(err, AIV_EIO, "cannot read '%s': %s", r->name,
					strerror(errno));
		return 0;
	}
	r->rec_line = r->line;
	for (;;) {
		long fline = r->line, fcol = r->col;

		field_start(r, fline, fcol);
		c = csv_peek(r);
		if (c == '"') {
			csv_getc(r);
			for (;;) {
				c = csv_getc(r);
				if (c < 0)
					return aiv_fail_at(err, AIV_EINPUT, r->name, fline, fcol,
							   "quoted field is never closed");
				if (c == '"') {
					if (csv_peek(r) == '"') {
						csv_getc(r);
						strbuf_addch(&r->rec, '"');
						continue;
					}
					break;
				}
				strbuf_addch(&r->rec, (char)c);
			}
			field_end(r);
			c = csv_peek(r);
			if (c == ',') {
				csv_getc(r);
				continue;
			}
			if (c == '\r')
				csv_getc(r), c = csv_peek(r);
			if (c == '\n') {
				csv_getc(r);
				return 1;
			}
			if (c < 0)
				return 1;
			return aiv_fail_at(err, AIV_EINPUT, r->name, r->line, r->col,
					   "unexpected character after a closing quote");
		}
		/* unquoted: copy runs straight from the buffer (the hot path) */
		for (;;) {
			size_t start = r->pos, i = start;
			long cols = 0;
			while (i < r->end) {
				unsigned char b = (unsigned char)r->buf[i];
				if (b == ',' || b == '\n' || b == '\r')
					break;
				cols += (b & 0xc0) != 0x80;
				i++;
			}
			strbuf_add(&r->rec, r->buf + start, i - start);
			r->bytes += (long)(i - start);
			r->col += cols;
			r->pos = i;
			if (i < r->end)
				break;
			if (csv_peek(r) < 0)
				break;
		}
		c = csv_peek(r);
		field_end(r);
		if (c == ',') {
			csv_getc(r);
			continue;
		}
		if (c == '\r') {
			csv_getc(r);
			if (csv_peek(r) == '\n')
				csv_getc(r);
		} else if (c == '\n') {
			csv_getc(r);
		}
		return 1;
	}
}
