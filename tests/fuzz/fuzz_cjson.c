/*
 * fuzz_cjson.c - libFuzzer target: canonical JSON round trip.
 *
 * For any JSON text jansson accepts, the canonical form (core/cjson.h)
 * must parse back to an equal value, and must be a fixed point: the
 * canonical form of the re-parsed value is the same bytes.  That is what
 * lets an independent verifier re-derive the ledger's hashed bytes from a
 * parsed export.  Seeds in tests/fuzz/corpus/cjson/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
	json_error_t jerr;
	json_t *v, *v2;
	char *c1, *c2;

	v = json_loadb((const char *)data, size, flags, &jerr);
	if (!v)
		return 0;
	c1 = cjson_dumps(v);
	v2 = json_loadb(c1, strlen(c1), flags, &jerr);
	if (!v2) {
		fprintf(stderr, "canonical form does not parse: %s\n%s\n", jerr.text, c1);
		abort();
	}
	if (!json_equal(v, v2)) {
		fprintf(stderr, "canonical form reads back as a different value:\n%s\n", c1);
		abort();
	}
	c2 = cjson_dumps(v2);
	if (strcmp(c1, c2)) {
		fprintf(stderr, "canonical form is not a fixed point:\n%s\n%s\n", c1, c2);
		abort();
	}
	free(c1);
	free(c2);
	json_decref(v);
	json_decref(v2);
	return 0;
}
