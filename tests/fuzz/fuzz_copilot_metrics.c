/*
 * fuzz_copilot_metrics.c - libFuzzer target for the 'copilot-metrics'
 * (legacy org totals) reader.  Seeds: tests/fuzz/corpus/copilot_metrics.
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage("copilot-metrics", NULL, data, size);
}
