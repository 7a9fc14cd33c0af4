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
 *     importing usage.csv  [###-----------------]  15%  1.5 of 10.0 MB  0.7 MB/s  ETA 12 s
 *
 * (the unit "bytes" is shown in MB). *
 * A small thread redraws the line 10 times a second (CLOCK_MONOTONIC),
 * so the line moves, with the time spent, even while a step reports
 * nothing, and a callback per row costs a mutex and no output.
 * progress_stop() ends the thread and erases the line, so that what the
 * command prints on stdout afterwards starts on a clean line; between
 * progress_start and progress_stop the command must not print.  In a
 * pipe or a file (stderr not a terminal) no thread starts and nothing is
 * ever written.
 */
#ifndef AIV_PROGRESS_H
#define AIV_PROGRESS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*progress_fn)(void *arg, uint64_t done, uint64_t total);

struct progress {
	char title[96];
	const char *unit;  /* "rows", "entries" ... (plural; static) */
	uint64_t done, total;
	int64_t start_ns;
	int enabled, drawn, running;
	pthread_t ticker;
	pthread_mutex_t lock;
};

/* --quiet: never draw (global; set once by main before any command runs). */
void progress_set_quiet(int quiet);
/* Was --quiet given?  main takes it wherever it stands, so a command with a
 * --quiet of its own (serve: no access log) asks here. */
int progress_quiet(void);
/* Would a progress line be drawn now (stderr a terminal, not quiet)? */
int progress_active(void);

/* Begin: `title` is copied; `unit` is borrowed (a string literal). */
void progress_start(struct progress *p, const char *title, const char *unit, uint64_t total);
/*
 * Begin reading a file: the title is "VERB PATH" and the unit bytes, out of
 * the file's size when it is a regular file (else a counter: stdin, pipes).
 */
void progress_start_file(struct progress *p, const char *verb, const char *path);
/* Record progress (total 0 keeps the one known); the ticker draws it. */
void progress_update(struct progress *p, uint64_t done, uint64_t total);
/* The progress_fn to hand to lower layers: arg is a struct progress *. */
void progress_cb(void *arg, uint64_t done, uint64_t total);
/* Stop the ticker and erase the line (when one was drawn). */
void progress_stop(struct progress *p);

/* The line as drawn (no escape codes), for tests: into buf, at `now_ns`. */
void progress_format(const struct progress *p, int64_t now_ns, char *buf, size_t size);

#endif
