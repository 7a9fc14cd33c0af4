/*
 * fuzz_copilot_seats.c - libFuzzer target for the 'copilot-seats' reader.
 * Seeds: tests/fuzz/corpus/copilot_seats (samples from tests/data/usage).
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage("copilot-seats", NULL, data, size);
}
