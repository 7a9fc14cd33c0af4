/*
 * fuzz_usage_jsonl.c - libFuzzer target for the 'jsonl' usage reader.
 * Seeds: tests/fuzz/corpus/usage_jsonl (samples from tests/data/usage).
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage("jsonl", "person=email,time=ts,tool=app,workflow=template_id,count=n", data, size);
}
