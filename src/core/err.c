/*
 * err.c - filling struct aiv_err; see err.h for the conventions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aiv.h"
#include "err.h"

static void vset(struct aiv_err *err, int code, const char *prefix,
		 const char *fmt, va_list ap)
{
	size_t n = 0;

	if (!err)
		return;
	err->code = code;
	if (prefix) {
		snprintf(err->msg, sizeof(err->msg), "%s", prefix);
		n = strlen(err->msg);
	}
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
}

int aiv_fail(struct aiv_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int aiv_fail_at(struct aiv_err *err, int code, const char *file, long line,
		long col, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	if (line > 0 && col > 0)
		snprintf(prefix, sizeof(prefix), "%s:%ld:%ld: ", file, line, col);
	else if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%ld: ", file, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", file);
	va_start(ap, fmt);
	vset(err, code, prefix, fmt, ap);
	va_end(ap);
	return code;
}

void aiv_err_prefix(struct aiv_err *err, const char *fmt, ...)
{
	char prefix[512], old[AIV_ERR_MSG];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* build by hand: snprintf with two long parts trips -Wformat-truncation */
	{
		size_t np = strlen(prefix), no = strlen(old);
		if (np > sizeof(err->msg) - 3)
			np = sizeof(err->msg) - 3;
		memcpy(err->msg, prefix, np);
		err->msg[np] = ':';
		err->msg[np + 1] = ' ';
		if (no > sizeof(err->msg) - np - 3)
			no = sizeof(err->msg) - np - 3;
		memcpy(err->msg + np + 2, old, no);
		err->msg[np + 2 + no] = '\0';
	}
}

void aiv_err_clear(struct aiv_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

int aiv_exit_status(int code)
{
	return code == 0 ? 0 : 1;
}

const char *aiv_errcode_name(int code)
{
	switch (code) {
	case AIV_OK: return "ok";
	case AIV_EINPUT: return "bad_input";
	case AIV_ESTATE: return "bad_state";
	case AIV_ENOTFOUND: return "not_found";
	case AIV_EIO: return "io_error";
	case AIV_EBUSY: return "busy";
	case AIV_EPERM: return "forbidden";
	case AIV_ECONFLICT: return "conflict";
	case AIV_ETOOBIG: return "too_large";
	default: return "internal";
	}
}
