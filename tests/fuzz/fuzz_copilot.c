/*
 * fuzz_copilot.c - libFuzzer target for the 'copilot-users' usage reader.
 * Seeds: tests/fuzz/corpus/copilot (samples from tests/data/usage).
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage("copilot-users", NULL, data, size);
}
