/*
 * progress.c - the progress line; see progress.h.
 *
 * Drawing is "\r" + the line + "\033[K" (erase the rest of the old
 * line), so the line is redrawn in place and never scrolls; it goes to
 * term_raw_stderr() (core/termsafe.h), the one stream that lets those two
 * controls through, so the title is escaped when the line starts.  The rate is
 * the average since the start (steadier than a moving window for the
 * seconds-to-minutes work it is for), and the ETA is what is left at
 * that rate, shown once a second of work has been measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aiv.h"
#include "progress.h"
#include "strbuf.h"
#include "termsafe.h"

#define REDRAW_NS (100 * 1000 * 1000L) /* at most 10 draws a second */

static int quiet;

void progress_set_quiet(int q)
{
	quiet = q;
}

int progress_quiet(void)
{
	return quiet;
}

int progress_active(void)
{
	return !quiet && isatty(2);
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* 1234567 -> "1,234,567" */
static void group(uint64_t v, char *buf, size_t size)
{
	char raw[32];
	size_t n, i, o = 0;

	snprintf(raw, sizeof(raw), "%llu", (unsigned long long)v);
	n = strlen(raw);
	for (i = 0; i < n && o + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
}

static void duration(int64_t s, char *buf, size_t size)
{
	if (s < 60)
		snprintf(buf, size, "%lld s", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lld min %02lld s", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, size, "%lld h %02lld min", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
}

void progress_format(const struct progress *p, int64_t now, char *buf, size_t size)
{
	char d[32], t[32], r[32], e[64] = "";
	double secs = (double)(now - p->start_ns) / 1e9;
	uint64_t rate = secs > 0 ? (uint64_t)((double)p->done / secs) : 0;
	const char *unit = p->unit ? p->unit : "items";
	size_t n;

	group(p->done, d, sizeof(d));
	group(rate, r, sizeof(r));
	if (!strcmp(unit, "bytes")) {
		/* file sizes read better in MB */
		snprintf(d, sizeof(d), "%.1f", (double)p->done / 1e6);
		snprintf(r, sizeof(r), "%.1f", (double)rate / 1e6);
		unit = "MB";
	}
	if (p->total && p->done <= p->total) {
		char bar[21];
		int fill = (int)(p->done * 20 / p->total), i;

		for (i = 0; i < 20; i++)
			bar[i] = i < fill ? '#' : '-';
		bar[20] = '\0';
		if (!strcmp(p->unit ? p->unit : "", "bytes"))
			snprintf(t, sizeof(t), "%.1f", (double)p->total / 1e6);
		else
			group(p->total, t, sizeof(t));
		if (secs >= 1 && rate > 0) {
			char left[48];
			duration((int64_t)((p->total - p->done) / rate), left, sizeof(left));
			snprintf(e, sizeof(e), "  ETA %s", left);
		}
		snprintf(buf, size, "%s  [%s] %3d%%  %s of %s %s", p->title, bar,
			 (int)(p->done * 100 / p->total), d, t, unit);
	} else if (p->done) {
		snprintf(buf, size, "%s  %s %s", p->title, d, unit);
	} else {
		char el[48];
		duration((int64_t)secs, el, sizeof(el));
		snprintf(buf, size, "%s  %s", p->title, el);
		return;
	}
	n = strlen(buf);
	if (secs >= 1 && n < size)
		snprintf(buf + n, size - n, "  %s %s/s%s", r, unit, e);
}

/* With p->lock held. */
static void draw(struct progress *p, int64_t now)
{
	char line[256];

	progress_format(p, now, line, sizeof(line));
	fprintf(term_raw_stderr(), "\r%s\033[K", line);
	fflush(term_raw_stderr());
	p->drawn = 1;
}

static void *tick(void *arg)
{
	struct progress *p = arg;
	struct timespec nap = { 0, REDRAW_NS };

	for (;;) {
		nanosleep(&nap, NULL);
		pthread_mutex_lock(&p->lock);
		if (!p->running) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		draw(p, now_ns());
		pthread_mutex_unlock(&p->lock);
	}
}

void progress_start(struct progress *p, const char *title, const char *unit, uint64_t total)
{
	struct strbuf safe = STRBUF_INIT;

	memset(p, 0, sizeof(*p));
	/* the title may name a file: drawn raw, its control characters are escaped here */
	strbuf_add_term(&safe, title, strlen(title));
	snprintf(p->title, sizeof(p->title), "%s", safe.buf);
	strbuf_release(&safe);
	p->unit = unit;
	p->total = total;
	p->enabled = progress_active();
	p->start_ns = now_ns();
	if (!p->enabled)
		return;
	pthread_mutex_init(&p->lock, NULL);
	p->running = 1;
	/*
	 * The first draw after 100 ms: work that ends sooner shows nothing.
	 * AIVALUE_PROGRESS_DELAY_MS=0 draws at once (as GIT_PROGRESS_DELAY
	 * does for git), so that tests see the line of quick work.
	 */
	{
		const char *d = getenv("AIVALUE_PROGRESS_DELAY_MS");
		if (d && !strcmp(d, "0"))
			draw(p, p->start_ns);
	}
	if (pthread_create(&p->ticker, NULL, tick, p)) {
		p->running = 0; /* no thread: the line stays as first drawn */
		pthread_mutex_destroy(&p->lock);
		p->enabled = 0;
	}
}

void progress_start_file(struct progress *p, const char *verb, const char *path)
{
	struct stat st;
	char title[300];

	snprintf(title, sizeof(title), "%s %s", verb, path);
	progress_start(p, title, "bytes",
		       stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
}

void progress_update(struct progress *p, uint64_t done, uint64_t total)
{
	if (!p->enabled) {
		p->done = done;
		if (total)
			p->total = total;
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->done = done;
	if (total)
		p->total = total;
	pthread_mutex_unlock(&p->lock);
}

void progress_cb(void *arg, uint64_t done, uint64_t total)
{
	progress_update(arg, done, total);
}

void progress_stop(struct progress *p)
{
	if (p->enabled) {
		pthread_mutex_lock(&p->lock);
		p->running = 0;
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->ticker, NULL);
		pthread_mutex_destroy(&p->lock);
		if (p->drawn) {
			fputs("\r\033[K", term_raw_stderr());
			fflush(term_raw_stderr());
		}
		p->enabled = 0;
	}
	p->drawn = 0;
}
