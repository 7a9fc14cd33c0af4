/*
 * strbuf.h - the one growable byte buffer used to build output.
 *
 * Invariants (as git's strbuf): `buf` is never NULL and always
 * NUL-terminated at buf[len]; `len < alloc` once anything was allocated.
 * A strbuf initialised with STRBUF_INIT points at a shared empty string and
 * allocates on first growth.  strbuf_detach() hands the bytes to the caller
 * (caller frees) and leaves the strbuf empty and reusable.
 */
#ifndef AIV_STRBUF_H
#define AIV_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/* Append `s` escaped for HTML text and attribute values (&<>"'). */
void strbuf_add_html(struct strbuf *sb, const char *s);
/* Append `s` (len bytes) as a JSON string literal, quotes included. */
void strbuf_add_json_str(struct strbuf *sb, const char *s, size_t len);

/* Read the whole file into sb; returns 0, or -1 with errno set. */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t limit);

#endif
