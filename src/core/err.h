/*
 * err.h - how library layers report failure.
 *
 * Library functions never print and never exit.  They return 0 on success
 * or a negative AIV_E* code, and fill a caller-provided struct aiv_err with
 * one line saying what went wrong and where.  Only cli/ turns that into a
 * message on stderr and an exit status; http/ turns it into a JSON error.
 *
 * Message style: lowercase, no final full stop, problem first, subject in
 * quotes, location as "FILE:LINE:COL: " prefix when there is one:
 *     examples/acme/people.yaml:12:9: person 'ana': unknown key 'emial'
 */
#ifndef AIV_ERR_H
#define AIV_ERR_H

enum aiv_errcode {
	AIV_OK = 0,
	AIV_EINPUT = -1,    /* bad input: file, field, value */
	AIV_ESTATE = -2,    /* the store is not in a state that allows it */
	AIV_ENOTFOUND = -3, /* no such object */
	AIV_EIO = -4,       /* file or database I/O */
	AIV_EBUSY = -5,     /* database locked by another process */
	AIV_EPERM = -6,     /* not allowed (role, separation of duties) */
	AIV_ECONFLICT = -7, /* conflicts with existing state */
	AIV_ETOOBIG = -8,   /* over a size limit */
	AIV_EINTERNAL = -9, /* a bug: an invariant did not hold */
};

#define AIV_ERR_MSG 1024

struct aiv_err {
	int code;
	char msg[AIV_ERR_MSG];
};

#define AIV_ERR_INIT { 0, { 0 } }

/* Set err (if not NULL) and return code, so that `return aiv_fail(...)`. */
int aiv_fail(struct aiv_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with a "FILE:LINE:COL: " prefix (line/col 1-based; 0 omits). */
int aiv_fail_at(struct aiv_err *err, int code, const char *file, long line,
		long col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Prepend "PREFIX: " to an existing message. */
void aiv_err_prefix(struct aiv_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void aiv_err_clear(struct aiv_err *err);

/* Exit status for a code: 0 ok, 1 anything else (usage errors are cli's). */
int aiv_exit_status(int code);
const char *aiv_errcode_name(int code);

#endif
