/*
 * fuzz_catalog.c - libFuzzer target: catalog_load_buf() on arbitrary bytes.
 *
 * The catalog is read from a file an organisation edits by hand, so the
 * loader must turn any bytes into either a valid catalog or one located
 * error, without crashing, leaking or reading out of bounds.  Seeds in
 * tests/fuzz/corpus/catalog/ (small catalogs and fragments); run with
 * `make fuzz` (see docs/testing.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *c = NULL;
	int rc = catalog_load_buf(&c, "fuzz.yaml", (const char *)data, size, &err);

	if (rc == 0) {
		json_t *j = catalog_to_json(c);
		if (!c || !j)
			abort();
		json_decref(j);
		catalog_free(c);
		return 0;
	}
	/* an error is one message, and no catalog */
	if (c || err.msg[0] == '\0' || rc != err.code)
		abort();
	return 0;
}
