/*
 * fuzz_xes.c - libFuzzer target for the XES importer: any bytes must give
 * either a finished, consistent log or an error, never a crash or leak.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;

	eventlog_init(&l);
	if (ingest_xes_buffer((const char *)data, size, "fuzz.xes", &l, &err) == 0) {
		size_t i;
		/* invariants of a finished log */
		if (!l.finished || l.case_off[l.ncases] != l.n)
			abort();
		for (i = 0; i + 1 < l.n; i++)
			if (l.ev_case[i] == l.ev_case[i + 1] && l.time[i] > l.time[i + 1])
				abort();
	} else if (!err.msg[0]) {
		abort(); /* every failure says why */
	}
	eventlog_release(&l);
	return 0;
}
