/*
 * fuzz_ocel.c - libFuzzer target for every OCEL reader (2.0 JSON, XML and
 * SQLite, 1.0 JSON and XML; the form is told from the bytes, as for a
 * file) and the one flattening, on "Invoice" and on "order" (the object
 * types of the seeds): any bytes give a consistent log whose accounting
 * balances, or an error with a message; never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "core/tally.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, const char *type)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ingest_opts o = { 0 };
	struct eventlog l;
	struct tally t;
	int found = 0;

	tally_init(&t, "events");
	o.tally = &t;
	eventlog_init(&l);
	if (ingest_ocel_any_buffer((const char *)data, size, "fuzz.ocel", 0, type, &l, &o, &found,
				   &err) == 0) {
		size_t i;
		if (!l.finished || l.case_off[l.ncases] != l.n || !tally_balanced(&t))
			abort();
		if (!(found & (INGEST_OCEL_V1 | INGEST_OCEL_V2)) ||
		    !(found & (INGEST_OCEL_JSON | INGEST_OCEL_XML | INGEST_OCEL_SQLITE)))
			abort();
		for (i = 0; i + 1 < l.n; i++)
			if (l.ev_case[i] == l.ev_case[i + 1] && l.time[i] > l.time[i + 1])
				abort();
	} else if (!err.msg[0]) {
		abort();
	}
	eventlog_release(&l);
	tally_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, "Invoice");
	one(data, size, "order");
	return 0;
}
