/*
 * fuzz_journeys.c - libFuzzer target for the journey importer (CSV and
 * JSON lines, events and outcomes), as a dry run without a workspace.
 * Seeds: tests/fuzz/corpus/journeys.
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct journey_summary sum;
	struct journey_opts o;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	memset(&o, 0, sizeof(o));
	o.format = data[0] == '{' ? "jsonl" : "csv";
	o.dry_run = 1;
	journey_import_stream(NULL, "fuzz", f, "fuzz", &o, &sum, &err);
	fclose(f);
	return 0;
}
