/*
 * fuzz_chatgpt.c - libFuzzer target for the 'chatgpt-enterprise' usage reader.
 * Seeds: tests/fuzz/corpus/chatgpt (samples from tests/data/usage).
 */
#include "fuzz_usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage("chatgpt-enterprise", NULL, data, size);
}
