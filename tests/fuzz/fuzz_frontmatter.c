/*
 * fuzz_frontmatter.c - libFuzzer target for the front-matter parser of
 * `aivalue artefacts sync` (change/sync.h): any bytes, as a Markdown and
 * as a YAML file, must give a spec or a located error, never a crash or
 * a leak.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "change/sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "fuzz.md", "fuzz.yaml" };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct aiv_err err = AIV_ERR_INIT;
		json_t *spec = NULL;
		int ret = syncp_frontmatter(names[i], (const char *)data, size, &spec, &err);
		if (ret == 0 && (!spec || !json_string_value(json_object_get(spec, "name"))))
			abort();
		if (ret != 0 && (spec || !err.msg[0]))
			abort();
		json_decref(spec);
	}
	return 0;
}
