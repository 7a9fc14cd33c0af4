/*
 * progress.h - a progress line on the terminal for long work.
 *
 * Layers below cli/ never print; they take a callback of type
 * progress_fn (NULL for none) and call it as work is done:
 *
 *     progress(arg, done, total);     total 0 when unknown
 *
 * The CLI passes progress_cb with a struct progress, which draws on
 * stderr, only when stderr is a terminal and --quiet was not given:
 *
 *     importing usage.csv  [########------------]  41%  4,100 of 10,000 rows  2,050 rows/s  ETA 3 s
 *     importing events.xes  12,345 events  6,100 events/s
 *
 * It redraws at most 10 times a second (CLOCK_MONOTONIC), so a callback
 * per row costs a clock read and no output.  progress_stop() erases the
 * line, so that what the command prints on stdout afterwards starts on a
 * clean line.  In a pipe or a file nothing is ever written.
 */
#ifndef AIV_PROGRESS_H
#define AIV_PROGRESS_H

#include <stdint.h>

typedef void (*progress_fn)(void *arg, uint64_t done, uint64_t total);

struct progress {
	char title[96];
	const char *unit;  /* "rows", "entries" ... (plural; static) */
	uint64_t done, total;
	int64_t start_ns, last_ns;
	int enabled, drawn;
};

/* --quiet: never draw (global; set once by main before any command runs). */
void progress_set_quiet(int quiet);
/* Would a progress line be drawn now (stderr a terminal, not quiet)? */
int progress_active(void);

/* Begin: `title` is copied; `unit` is borrowed (a string literal). */
void progress_start(struct progress *p, const char *title, const char *unit, uint64_t total);
/* Record progress; redraws when 100 ms have passed since the last draw. */
void progress_update(struct progress *p, uint64_t done, uint64_t total);
/* The progress_fn to hand to lower layers: arg is a struct progress *. */
void progress_cb(void *arg, uint64_t done, uint64_t total);
/* Erase the line (when one was drawn). */
void progress_stop(struct progress *p);

/* The line as drawn (no escape codes), for tests: into buf, at `now_ns`. */
void progress_format(const struct progress *p, int64_t now_ns, char *buf, size_t size);

#endif
