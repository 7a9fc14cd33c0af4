/*
 * bench_proc.h - what the benchmarks that drive a server process share:
 * the first line of a command's output, a free loopback port, the CPU
 * time of another process (/proc) and of waited-for children (wrk, curl),
 * and the load average.  Header-only like bench_clock.h (CMakeLists.txt
 * builds each bench/NAME/main.c alone); static inline, so that a bench
 * using only some of them compiles without unused-function warnings.
 */
#ifndef AIV_BENCH_PROC_H
#define AIV_BENCH_PROC_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* CLOCK_MONOTONIC in nanoseconds. */
static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Write text to DIR/NAME (replaced); 0, or -1. */
static inline int write_file_in(const char *dir, const char *name, const char *text)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs(text, f);
	return fclose(f);
}

/*
 * The aivalue binary under test into out: $AIVALUE_BIN, else aivalue in
 * the folder above this benchmark's (build/bench/NAME -> build/aivalue).
 * 0, or -1 when /proc/self/exe cannot be read.
 */
static inline int aivalue_bin(char *out, size_t n)
{
	const char *env = getenv("AIVALUE_BIN");
	char self[900], *slash;
	ssize_t len;

	if (env) {
		snprintf(out, n, "%s", env);
		return 0;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return -1;
	self[len] = '\0';
	if ((slash = strrchr(self, '/')))
		*slash = '\0'; /* build/bench */
	if ((slash = strrchr(self, '/')))
		*slash = '\0'; /* build */
	snprintf(out, n, "%s/aivalue", self);
	return 0;
}

/* First line of a command's output into out (trailing CR, LF, blanks cut); 0 if not empty. */
static inline int capture(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");
	size_t len;

	if (!p)
		return -1;
	if (!fgets(out, (int)n, p))
		out[0] = '\0';
	pclose(p);
	len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r' || out[len - 1] == ' '))
		out[--len] = '\0';
	return out[0] ? 0 : -1;
}

/* A loopback TCP port nobody listens on right now, or -1. */
static inline int free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* CPU seconds (user + system) in a /proc stat file (a process's or a thread's), or -1. */
static inline double stat_cpu_s(const char *path)
{
	char buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	int i;

	if (!(f = fopen(path, "r")))
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	/* fields after the command name, which ends with the last ')' */
	if (!(p = strrchr(buf, ')')))
		return -1;
	for (i = 2; i < 14 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds (user + system, all threads) process pid has used so far, or -1. */
static inline double proc_cpu_s(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return stat_cpu_s(path);
}

/* CPU seconds used by waited-for children (wrk, curl). */
static inline double children_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* The 1, 5 and 15 minute load averages as text (static buffer). */
static inline const char *loadavg(void)
{
	static char buf[64];
	double l[3];

	if (getloadavg(l, 3) != 3)
		return "unknown";
	snprintf(buf, sizeof(buf), "%.2f %.2f %.2f", l[0], l[1], l[2]);
	return buf;
}

#endif
