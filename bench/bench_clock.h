/*
 * bench_clock.h - the clocks and the median the benchmarks print: CPU
 * time of this process next to wall time (the machine is shared, so wall
 * time measures the neighbours too), and the median of a bench's runs.
 * Header-only: each bench is one main.c (CMakeLists.txt builds each
 * bench/NAME/main.c).
 */
#ifndef AIV_BENCH_CLOCK_H
#define AIV_BENCH_CLOCK_H

#include <stdlib.h>
#include <time.h>

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* the median of v[0..n-1] (sorts v) */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
