/*
 * fuzz_usage.h - shared body of the usage-reader fuzz targets: feed the
 * bytes to one reader as a dry run without a workspace (parsing, checks,
 * identity normalisation, duplicate set, hashing all run; nothing is
 * written).  Any crash, leak or sanitizer report is a bug; errors are fine.
 */
#ifndef AIV_FUZZ_USAGE_H
#define AIV_FUZZ_USAGE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ingest/journeys.h"
#include "ingest/usage.h"

static inline int fuzz_usage(const char *format, const char *map, const uint8_t *data, size_t size)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	struct usage_opts o;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	memset(&o, 0, sizeof(o));
	o.format = format;
	o.map = map;
	o.dry_run = 1;
	if (!usage_import_stream(NULL, "fuzz", f, "fuzz", &o, &sum, &err))
		usage_summary_release(&sum);
	fclose(f);
	return 0;
}

#endif
