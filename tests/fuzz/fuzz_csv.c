/*
 * fuzz_csv.c - libFuzzer target for the CSV importer with a fixed column
 * map (case, activity, time, resource, one attribute): any bytes must
 * give a consistent log or an error, never a crash or leak.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *keys[] = { "ai" }, *cols[] = { "ai" };
	struct ingest_csv_map m;
	struct eventlog l;
	struct aiv_err err = AIV_ERR_INIT;

	memset(&m, 0, sizeof(m));
	m.case_col = "case";
	m.activity_col = "activity";
	m.time_col = "time";
	m.resource_col = "resource";
	m.attr_keys = keys;
	m.attr_cols = cols;
	m.nattrs = 1;
	eventlog_init(&l);
	if (ingest_csv_buffer((const char *)data, size, "fuzz.csv", &m, &l, NULL, &err) == 0) {
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
