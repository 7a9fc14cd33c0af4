/*
 * termsafe.c - escaping control characters for the terminal (termsafe.h).
 *
 * One byte-at-a-time state machine serves both whole strings and the
 * stdout stream, where stdio hands us its buffer in chunks that may cut
 * a UTF-8 sequence in two: the sequence's first bytes wait in the state
 * until the rest arrives.  A sequence is judged whole (well-formed UTF-8,
 * no overlong forms, no surrogates, nothing above U+10FFFF): good ones
 * are copied, bad ones shown byte by byte as \xNN.  DEL and the C1
 * controls are shown as \uNNNN, which is also what they mean inside a
 * JSON string: jansson writes both raw, and --json output stays valid
 * JSON with the same content (C0 controls and bad UTF-8 never reach us
 * from jansson).
 *
 * The streams are glibc fopencookie() streams writing straight to file
 * descriptors 1 and 2 with write(2), so errors (EPIPE when the reader of
 * a pipe goes away) reach ferror(stdout) and errno as they did before.
 */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiv.h"
#include "core/termsafe.h"
#include "core/xalloc.h"

static void add_byte_escape(struct strbuf *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	strbuf_add(out, esc, sizeof(esc));
}

static void flush_pending_as_bytes(struct term_escaper *e, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < e->npend; i++)
		add_byte_escape(out, e->pend[i]);
	e->npend = e->need = 0;
}

/* May c follow lead byte `lead` as the second byte of a sequence? */
static int second_ok(unsigned char lead, unsigned char c)
{
	if ((c & 0xc0) != 0x80)
		return 0;
	switch (lead) {
	case 0xe0: return c >= 0xa0;          /* no overlong 3-byte forms */
	case 0xed: return c <= 0x9f;          /* no surrogates */
	case 0xf0: return c >= 0x90;          /* no overlong 4-byte forms */
	case 0xf4: return c <= 0x8f;          /* nothing above U+10FFFF */
	default: return 1;
	}
}

static void escape_byte(struct term_escaper *e, struct strbuf *out, unsigned char c)
{
	if (e->need) {
		int ok = e->npend == 1 ? second_ok(e->pend[0], c) : (c & 0xc0) == 0x80;
		if (ok) {
			e->pend[e->npend++] = c;
			if (--e->need == 0) {
				if (e->pend[0] == 0xc2 && e->pend[1] <= 0x9f) /* C1 control */
					strbuf_addf(out, "\\u%04x", e->pend[1]);
				else
					strbuf_add(out, e->pend, e->npend);
				e->npend = 0;
			}
			return;
		}
		flush_pending_as_bytes(e, out); /* then c starts afresh */
	}
	if (c < 0x80) {
		if (c < 0x20 && c != '\n' && c != '\t')
			add_byte_escape(out, c);
		else if (c == 0x7f)
			strbuf_addstr(out, "\\u007f"); /* valid inside JSON strings too */
		else
			strbuf_addch(out, c);
		return;
	}
	if (c >= 0xc2 && c <= 0xdf)
		e->need = 1;
	else if (c >= 0xe0 && c <= 0xef)
		e->need = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		e->need = 3;
	else {
		add_byte_escape(out, c);
		return;
	}
	e->pend[0] = c;
	e->npend = 1;
}

void term_escape_chunk(struct term_escaper *e, struct strbuf *out, const char *s,
		       size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		/* the common case, printable ASCII, is copied in runs */
		if (!e->need && ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t'))
			continue;
		strbuf_add(out, s + start, i - start);
		escape_byte(e, out, c);
		start = i + 1;
	}
	strbuf_add(out, s + start, len - start);
}

void term_escape_finish(struct term_escaper *e, struct strbuf *out)
{
	flush_pending_as_bytes(e, out);
}

void strbuf_add_term(struct strbuf *out, const char *s, size_t len)
{
	struct term_escaper e = TERM_ESCAPER_INIT;

	term_escape_chunk(&e, out, s, len);
	term_escape_finish(&e, out);
}

static FILE *raw_stderr; /* stderr before term_safe_stdio(), for progress lines */

FILE *term_raw_stderr(void)
{
	return raw_stderr ? raw_stderr : stderr;
}

#ifdef __GLIBC__
struct safe_stream {
	int fd;
	struct term_escaper e;
	struct strbuf out;
};

/* Write all of buf to fd; 0, or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t safe_write(void *cookie, const char *buf, size_t size)
{
	struct safe_stream *st = cookie;
	int rc;

	strbuf_reset(&st->out);
	term_escape_chunk(&st->e, &st->out, buf, size);
	rc = write_all(st->fd, st->out.buf, st->out.len);
	return rc ? -1 : (ssize_t)size;
}

/*
 * The live streams' state, kept reachable: stdout and stderr stay open
 * until the process ends and the C library never closes them, so without
 * these pointers LeakSanitizer reports their state as leaked at exit.
 */
static struct safe_stream *live_streams[2];

static int safe_close(void *cookie)
{
	struct safe_stream *st = cookie;
	int rc;

	strbuf_reset(&st->out);
	term_escape_finish(&st->e, &st->out);
	rc = write_all(st->fd, st->out.buf, st->out.len);
	strbuf_release(&st->out);
	if (live_streams[0] == st)
		live_streams[0] = NULL;
	if (live_streams[1] == st)
		live_streams[1] = NULL;
	free(st);
	return rc;
}

/* A stream escaping into fd, buffered by `mode`; NULL if none could be made. */
static FILE *safe_stream(int fd, int mode)
{
	static const cookie_io_functions_t io = { NULL, safe_write, NULL, safe_close };
	struct safe_stream *st = xcalloc(1, sizeof(*st));
	FILE *f;

	st->fd = fd;
	strbuf_init(&st->out, 0);
	if (!(f = fopencookie(st, "w", io))) {
		strbuf_release(&st->out);
		free(st);
		return NULL;
	}
	setvbuf(f, NULL, mode, mode == _IONBF ? 0 : BUFSIZ);
	live_streams[fd == STDERR_FILENO] = st;
	return f;
}

int term_safe_stdio(void)
{
	FILE *out, *err;

	if (raw_stderr || fflush(stdout) || fflush(stderr))
		return -1;
	/* buffered as the C library buffers them: stdout by line on a terminal */
	out = safe_stream(STDOUT_FILENO, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF);
	err = safe_stream(STDERR_FILENO, _IONBF);
	if (!out || !err) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return -1;
	}
	raw_stderr = stderr;
	stdout = out;
	stderr = err;
	return 0;
}
#else
int term_safe_stdio(void)
{
	return -1; /* NEEDSWORK: funopen() on the BSDs and macOS */
}
#endif
