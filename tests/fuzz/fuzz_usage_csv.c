/*
 * fuzz_usage_csv.c - libFuzzer target for the 'csv' usage reader.
 * Seeds: tests/fuzz/corpus/usage_csv (samples from tests/data/usage).
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage("csv", "person=user,time=date,tool=app,workflow=template,count=actions,tenant=org", data, size);
}
