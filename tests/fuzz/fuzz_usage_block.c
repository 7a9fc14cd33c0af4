/*
 * fuzz_usage_block.c - libFuzzer target for the columnar usage block
 * decoder (bytes read back from usage_blocks): damaged bytes must be
 * refused, and whatever decodes must encode back to the same bytes.
 * Seeds: tests/fuzz/corpus/usage_block.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/usage_block.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct usage_block b;
	unsigned char *out;

	if (usage_block_decode(data, size, &b))
		return 0;
	out = malloc(usage_block_size(b.n));
	if (!out)
		return 0;
	usage_block_encode(&b, out);
	if (usage_block_size(b.n) != size || memcmp(out, data, size))
		abort(); /* decode and encode disagree */
	free(out);
	return 0;
}
