/*
 * fuzz_m365.c - libFuzzer target for the 'm365-copilot' usage reader.
 * Seeds: tests/fuzz/corpus/m365 (samples from tests/data/usage).
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage("m365-copilot", NULL, data, size);
}
