/*
 * fuzz_ocel.c - libFuzzer target for the OCEL 2.0 JSON and XML importers flattened
 * on "Invoice": any bytes give a consistent log or an error, never a crash.
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
	/* XML when it starts with '<', else JSON: one target for both readers */
	if ((size && data[0] == '<'
	     ? ingest_ocel_xml_buffer((const char *)data, size, "fuzz.xmlocel", "Invoice", &l, &err)
	     : ingest_ocel_buffer((const char *)data, size, "fuzz.jsonocel", "Invoice", &l, &err)) == 0) {
		size_t i;
		if (!l.finished || l.case_off[l.ncases] != l.n)
			abort();
		for (i = 0; i + 1 < l.n; i++)
			if (l.ev_case[i] == l.ev_case[i + 1] && l.time[i] > l.time[i + 1])
				abort();
	} else if (!err.msg[0]) {
		abort();
	}
	eventlog_release(&l);
	return 0;
}
