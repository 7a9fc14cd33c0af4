/*
 * fault.c - fault injection for tests; see fault.h.
 *
 * The switch is read once.  Counting is under one mutex, which only the
 * tests pay for: without $AIVALUE_FAULT every hook returns after one
 * comparison.
 */
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiv.h"
#include "fault.h"

static const struct {
	const char *name;
	enum fault_kind kind;
} kinds[] = {
	{ "alloc-site", FAULT_ALLOC_SITE },
	{ "sqlite-alloc", FAULT_SQLITE_ALLOC },
	{ "write-error", FAULT_WRITE_ERROR },
	{ "disk-full", FAULT_DISK_FULL },
	{ "crash-write", FAULT_CRASH_WRITE },
	{ "crash-sync", FAULT_CRASH_SYNC },
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static enum fault_kind kind;
static const char *kind_name;
static unsigned long target;	/* N of KIND:N, from 1 */
static unsigned long counted;	/* points of this kind seen so far */
static int fired;

/* Distinct allocation sites seen, as a set of two-frame call stacks. */
#define SITE_SLOTS 16384
static struct site { uintptr_t a, b; } *sites;

static void report_unreached(void)
{
	if (!fired)
		fprintf(stderr, "aivalue: fault not reached: %s:%lu (%lu counted)\n",
			kind_name, target, counted);
}

static void setup(void)
{
	const char *v = getenv("AIVALUE_FAULT"), *colon;
	char *end;
	size_t i;

	if (!v || !*v || !(colon = strchr(v, ':')))
		return;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strlen(kinds[i].name) == (size_t)(colon - v) &&
		    !strncmp(kinds[i].name, v, (size_t)(colon - v)))
			break;
	}
	target = strtoul(colon + 1, &end, 10);
	if (i == sizeof(kinds) / sizeof(kinds[0]) || *end || !target) {
		fprintf(stderr, "aivalue: AIVALUE_FAULT '%s' is not KIND:N; ignored\n", v);
		return;
	}
	kind = kinds[i].kind;
	kind_name = kinds[i].name;
	if (kind == FAULT_ALLOC_SITE) {
		void *warm[4];

		sites = calloc(SITE_SLOTS, sizeof(*sites));
		backtrace(warm, 4);	/* loads the unwinder before counting starts */
	}
	atexit(report_unreached);
}

enum fault_kind fault_kind(void)
{
	pthread_once(&once, setup);
	return kind;
}

/* Count one point; returns 1 when it is the target (or, for persistent
 * kinds, any point after it). */
static int hit(int persistent)
{
	int now;

	pthread_mutex_lock(&lock);
	counted++;
	now = counted == target || (persistent && counted > target);
	if (now && !fired) {
		fired = 1;
		fprintf(stderr, "aivalue: fault injected: %s at %lu\n", kind_name, target);
	}
	pthread_mutex_unlock(&lock);
	return now;
}

/* A new two-frame site?  Linear probing over a fixed table; once it is
 * nearly full, no more sites are counted (and none fail). */
static int new_site(uintptr_t a, uintptr_t b)
{
	size_t mask = SITE_SLOTS - 1, j;
	unsigned long seen;

	j = (size_t)((a ^ (b * 0x9E3779B97F4A7C15ULL)) >> 4) & mask;
	for (seen = 0; seen < SITE_SLOTS; seen++, j = (j + 1) & mask) {
		if (!sites[j].a) {
			if (counted >= SITE_SLOTS / 2)
				return 0;
			sites[j].a = a;
			sites[j].b = b;
			return 1;
		}
		if (sites[j].a == a && sites[j].b == b)
			return 0;
	}
	return 0;
}

int fault_alloc(void)
{
	void *f[5] = { 0 };
	int fresh;

	if (fault_kind() != FAULT_ALLOC_SITE || fired || !sites)
		return 0;
	/* f[0] is this function and f[1] the x*alloc wrapper; the site is
	 * the next three frames, so that the callers of a wrapper such as
	 * xstrdup count as sites of their own. */
	if (backtrace(f, 5) < 3)
		return 0;
	pthread_mutex_lock(&lock);
	fresh = new_site((uintptr_t)f[2], (uintptr_t)f[3] ^ ((uintptr_t)f[4] << 1));
	pthread_mutex_unlock(&lock);
	return fresh && hit(0);
}

int fault_sqlite_alloc(void)
{
	return fault_kind() == FAULT_SQLITE_ALLOC && hit(0);
}

int fault_write(void)
{
	switch (fault_kind()) {
	case FAULT_WRITE_ERROR:
	case FAULT_DISK_FULL:
		return hit(1);
	case FAULT_CRASH_WRITE:
		if (hit(0))
			kill(getpid(), SIGKILL);
		return 0;
	default:
		return 0;
	}
}

void fault_sync(void)
{
	if (fault_kind() == FAULT_CRASH_SYNC && hit(0))
		kill(getpid(), SIGKILL);
}
