/*
 * fuzz_jsonl.c - libFuzzer target for the JSON Lines importer with a column map
 * (c, a, t, r, cost, attr ai): any bytes give a consistent log or an error, never a crash.
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
	m.case_col = "c";
	m.activity_col = "a";
	m.time_col = "t";
	m.resource_col = "r";
	m.cost_col = "cost";
	m.attr_keys = keys;
	m.attr_cols = cols;
	m.nattrs = 1;

	eventlog_init(&l);
	if (ingest_jsonl_buffer((const char *)data, size, "fuzz.jsonl", &m, &l, NULL, &err) == 0) {
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
