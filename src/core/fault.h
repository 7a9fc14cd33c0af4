/*
 * fault.h - fault injection for tests, as SQLite's test harness does it.
 *
 * An import or an apply must leave the store unchanged when anything
 * fails half-way: an allocation, a write, a full disk, or the process
 * dying between two steps of a transaction.  Those paths are hard to
 * reach on purpose, so the test suite reaches them with this switch:
 *
 *   AIVALUE_FAULT=KIND:N
 *
 *   alloc-site:N    the first allocation made from the N-th distinct call
 *                   site (a call stack of four frames) fails; xmalloc then
 *                   reports out of memory and aborts, as it always does
 *   sqlite-alloc:N  the N-th allocation SQLite asks for returns NULL, once
 *                   (SQLite reports SQLITE_NOMEM and the caller must roll back)
 *   write-error:N   the N-th file write and every later one fail with an
 *                   I/O error (a disk that broke)
 *   disk-full:N     the N-th file write and every later one fail with
 *                   "database or disk is full"
 *   crash-write:N   the process is killed (SIGKILL) just before its N-th
 *                   file write, as a power cut or kill -9 would
 *   crash-sync:N    the same, just before its N-th fsync
 *
 * When the fault fires, one line goes to stderr: "aivalue: fault injected:
 * KIND at N".  When the process ends without reaching it, the line is
 * "aivalue: fault not reached: KIND:N (M counted)", so a test can loop N
 * upward until every point has been tried.  Without the variable, each
 * hook is one load and one branch.
 */
#ifndef AIV_FAULT_H
#define AIV_FAULT_H

enum fault_kind {
	FAULT_NONE = 0,
	FAULT_ALLOC_SITE,
	FAULT_SQLITE_ALLOC,
	FAULT_WRITE_ERROR,
	FAULT_DISK_FULL,
	FAULT_CRASH_WRITE,
	FAULT_CRASH_SYNC,
};

/* The configured kind (reads $AIVALUE_FAULT once; FAULT_NONE if unset). */
enum fault_kind fault_kind(void);

/* Hooks: each returns 1 when this call must fail (crashes do not return). */
int fault_alloc(void);
int fault_sqlite_alloc(void);
int fault_write(void);
void fault_sync(void);

#endif
