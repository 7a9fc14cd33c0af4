/*
 * fuzz_otel.c - libFuzzer target for the 'otel-genai' usage reader.
 * Seeds: tests/fuzz/corpus/otel (samples from tests/data/usage).
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage("otel-genai", NULL, data, size);
}
